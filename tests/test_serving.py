"""Serving: the --lan join link carries a token and the page refuses visitors without it;
the notebooks are thin and committed without outputs; Binder installs what pyproject says."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kit import serve
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_serve_command_is_loopback_with_a_pool_for_the_entry_only():
    args = serve.command(9000, lan=False, token=None)
    assert "--Voila.ip=127.0.0.1" in args and "--template=jamkit" in args
    pools = json.loads(next(a for a in args if a.startswith("--VoilaKernelManager.kernel_pools_config="))
                       .split("=", 1)[1])
    assert pools["start.ipynb"]["pool_size"] >= 1 and pools["default"]["pool_size"] == 0
    assert pools["start.ipynb"]["kernel_env_variables"]["VOILA_APP_PORT"] == "9000"
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in args)
    lan = serve.command(9000, lan=True, token="abc")
    assert "--Voila.ip=0.0.0.0" in lan and "--token=abc" in lan


@pytest.mark.timeout(180)
def test_lan_prints_a_join_link_with_token_and_refuses_without_it(tmp_path):
    port = free_port()
    env = dict(os.environ, JAMKIT_DB_URL=f"sqlite:///{tmp_path / 'lan.sqlite'}")
    proc = subprocess.Popen([sys.executable, "-m", "kit", "serve", "--lan", "--port", str(port),
                             "--no-browser"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        first = proc.stdout.readline()
        match = re.match(rf"JämKit: http://[\d.]+:{port}/voila/render/start\.ipynb\?token=(\S+)", first)
        assert match, first
        token = match.group(1)
        text = "".join(proc.stdout.readline() for _ in range(3))
        assert "Dela länken" in text and "█" in text  # the QR code for the projector
        base = f"http://127.0.0.1:{port}/voila/render/start.ipynb"
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}?token={token}", timeout=60) as response:
                    assert response.status == 200 and "jamkit" in response.read().decode().lower()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.time() > deadline:
                    raise
                time.sleep(1)
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.build_opener(NoRedirect).open(base, timeout=30)
        assert refused.value.code == 302 and "/login" in refused.value.headers["Location"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_notebooks_are_thin_and_without_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        lines = [ln for c in code for ln in "".join(c["source"]).splitlines() if ln.strip()]
        assert len(lines) <= 4 and any("kit.app." in ln for ln in lines), (path.name, lines)
        assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][0]["source"][0].startswith("# ")


def test_binder_installs_what_pyproject_requires():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    binder = [ln.strip() for ln in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")]
    assert binder == project["dependencies"]
    post = (ROOT / "binder" / "postBuild").read_text()
    assert post.splitlines()[1].startswith("# ") and "set -e" in post and "pip install --no-deps -e ." in post
