"""The room benchmark in quick mode (issue 13) still runs and finds no broken page.

``benchmarks/bench_room.py --quick`` serves three pages at once against every scenario (no pool,
a pool, SIGKILL of the server) and measures the kernels' memory. It fails only on a BLANK or
FAILED page or on a kernel that outlived its server, never on a time: times are for people to
read (benchmarks/README.md), not for a test to judge.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import pytest

from tests.conftest import ROOT, missing

pytestmark = pytest.mark.browser

QUICK_TIMEOUT = 480


@pytest.mark.timeout(QUICK_TIMEOUT + 60)
def test_room_benchmark_quick(tmp_path):
    if not shutil.which("chromium"):
        missing("Debian's chromium is not installed: apt-get install chromium")
    try:
        import playwright  # noqa: F401
        import psutil  # noqa: F401
    except ImportError as exc:
        missing(f"{exc.name} is not installed: pip install -e .[test]")
    env = {k: v for k, v in os.environ.items() if k not in ("JAMKIT_FORK", "JAMKIT_DB_URL")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "bench_room.py"), "--quick",
                             "--json", str(tmp_path / "quick.json")],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=QUICK_TIMEOUT)
    except subprocess.TimeoutExpired:
        # SIGTERM lets the benchmark stop the servers it started (they run in sessions of
        # their own, so killing the benchmark's group would leave them behind)
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        pytest.fail(f"bench_room.py --quick took more than {QUICK_TIMEOUT} s:\n{out}\n{err[-6000:]}")
    print(out)
    assert proc.returncode == 0, f"bench_room.py --quick failed ({proc.returncode}):\n{out}\n{err[-6000:]}"
