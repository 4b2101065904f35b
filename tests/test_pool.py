"""The room's pool: ``--participants N`` sizes it, the terminal and the status file show its fill,
a low pool warns; bad numbers are refused in the reader's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from kit import serve
from kit.cli import main as cli
from kit.kernel import pool
from kit.kernel import status as pool_status
from tests.conftest import free_port, stop_group

ROOT = Path(__file__).resolve().parent.parent


class Task:
    def __init__(self, done=True, failed=False):
        self._done, self._failed = done, failed

    def done(self):
        return self._done

    def cancelled(self):
        return False

    def exception(self):
        return RuntimeError("no kernel") if self._failed else None


def reporter(tmp_path, target=30):
    fake = SimpleNamespace(
        participants=target, kernel_pools_config={"start.ipynb": {"pool_size": target}},
        pool_notebook="start.ipynb", status_file=str(tmp_path / "pool.json"), _pools={},
        _shown=None, _low=False, _written=0.0,
        log=SimpleNamespace(warning=lambda *a: None))
    fake.target = lambda: pool.RoomKernelManager.target(fake)
    return fake


def report(fake, ready, starting):
    fake._pools = {"start.ipynb": [Task()] * ready + [Task(done=False)] * starting}
    pool.RoomKernelManager._report(fake)


def test_the_terminal_shows_the_fill_and_warns_once_when_low(tmp_path, capsys):
    fake = reporter(tmp_path)
    report(fake, 0, 30)
    report(fake, 12, 18)  # filling: no line for every kernel
    report(fake, 30, 0)
    out = capsys.readouterr()
    assert out.out.splitlines() == ["JämKit: Redo för 0 av 30 deltagare", "JämKit: Redo för 30 av 30 deltagare"]
    report(fake, 10, 20)
    report(fake, 4, 26)   # below a fifth: warn
    report(fake, 2, 28)   # still low: no second warning
    err = capsys.readouterr().err.splitlines()
    assert err == ["JämKit: Bara 4 av 30 redo: nya deltagare får vänta några sekunder medan fler startar."]
    report(fake, 30, 0)
    assert capsys.readouterr().out.strip() == "JämKit: Redo för 30 av 30 deltagare"


def test_the_status_file_follows_the_fill(tmp_path):
    fake = reporter(tmp_path, target=24)
    report(fake, 7, 17)
    status = pool_status.read_status(fake.status_file)
    assert (status["ready"], status["target"], status["starting"]) == (7, 24, 17)
    assert status["server_pid"] == os.getpid()
    report(fake, 24, 0)
    assert pool_status.read_status(fake.status_file)["ready"] == 24
    assert not list(tmp_path.glob(".pool-*")), "a half-written file was left behind"


def test_a_failed_kernel_start_is_not_counted_ready(tmp_path):
    fake = reporter(tmp_path, target=3)
    fake._pools = {"start.ipynb": [Task(), Task(failed=True), Task(done=False)]}
    pool.RoomKernelManager._report(fake)
    assert pool_status.read_status(fake.status_file)["ready"] == 1


@pytest.mark.parametrize("content", ["", "{", '{"ready": "x", "target": 3}', '{"ready": 1}',
                                     '{"ready": 1, "target": 0, "time": 9e12}'])
def test_a_broken_or_missing_status_reads_as_none(tmp_path, content):
    path = tmp_path / "pool.json"
    path.write_text(content)
    assert pool_status.read_status(str(path)) is None
    assert pool_status.read_status(str(tmp_path / "missing.json")) is None


def test_a_stale_status_reads_as_none(tmp_path):
    path = tmp_path / "pool.json"
    path.write_text(json.dumps({"ready": 3, "target": 3, "time": time.time() - 3600}))
    assert pool_status.read_status(str(path)) is None


def test_participants_size_the_entry_pool_only():
    args = serve.command(9000, lan=False, token=None, participants=24)
    pools = json.loads(next(a for a in args if a.startswith("--VoilaKernelManager.kernel_pools_config="))
                       .split("=", 1)[1])
    assert pools["start.ipynb"]["pool_size"] == 24 and pools["default"]["pool_size"] == 0
    assert "--RoomKernelManager.participants=24" in args
    assert "--VoilaConfiguration.multi_kernel_manager_class=kit.kernel.pool.RoomKernelManager" in args
    assert any(a.startswith("--VoilaExecutor.iopub_timeout=") and int(a.split("=")[1]) >= 60 for a in args)
    assert ("--KernelManager.transport=ipc" in args) is (os.name != "nt")


@pytest.mark.parametrize("value", ["-1", "abc", "2.5", str(serve.MAX_PARTICIPANTS + 1)])
def test_a_bad_participant_count_is_refused(value, capsys):
    with pytest.raises(SystemExit) as stop:
        cli(["serve", "--participants", value])
    assert stop.value.code == 2
    assert "--participants" in capsys.readouterr().err


def test_jamkit_py_passes_participants_through():
    text = (ROOT / "jamkit.py").read_text()
    assert '"-m", "kit", "serve", *rest' in text
    help_text = subprocess.run([sys.executable, "-m", "kit", "serve", "--help"], capture_output=True,
                               text=True, cwd=ROOT).stdout
    assert "--participants N" in help_text


def serve_room(tmp_path, participants: int):
    """``python -m kit serve --participants N`` with its own store; returns (process, log) once
    the terminal says the room is ready."""
    port = free_port()
    env = dict(os.environ, JAMKIT_DB_URL=f"sqlite:///{tmp_path / 'room.sqlite'}")
    env.pop("MPLBACKEND", None)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kit", "serve", "--port", str(port),
                                 "--no-browser", "--participants", str(participants)], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    ready = f"Redo för {participants} av {participants} deltagare"
    deadline = time.time() + 180
    while ready not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.time() > deadline:
            stop_group(proc)
            pytest.fail(log.read_text(errors="replace"))
        time.sleep(0.5)
    return proc, log


@pytest.mark.timeout(240)
def test_kit_serve_fills_the_room_and_says_so(tmp_path):
    proc, log = serve_room(tmp_path, 4)
    try:
        text = log.read_text(errors="replace")
        assert "håller 4 kernels redo" in text
        assert "kernel template ready" in text and "ordinary kernel launch" not in text, text
        # kernels on Unix sockets: no loopback port to lose to another connection
        assert "running over TCP" not in text, text
    finally:
        stop_group(proc)


@pytest.mark.timeout(240)
def test_killing_kit_serve_itself_leaves_no_server_and_no_kernel(tmp_path):
    import signal

    import psutil

    proc, _log = serve_room(tmp_path, 3)
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
        assert len(family) >= 5, family  # Voilà, the template, three kernels
        folder = Path(family[0].environ()["JAMKIT_POOL_STATUS"]).parent
        os.kill(proc.pid, signal.SIGKILL)  # the process the user started, nothing else
        proc.wait()
        gone, alive = psutil.wait_procs(family, timeout=30)
        assert not alive, [p.pid for p in alive]
        assert not folder.exists(), "Voilà's shutdown removes the private folder kit serve could not"
    finally:
        stop_group(proc)


@pytest.mark.timeout(240)
def test_a_terminated_kit_serve_removes_its_private_folder(tmp_path):
    import signal

    import psutil

    proc, _log = serve_room(tmp_path, 2)
    try:
        voila = psutil.Process(proc.pid).children()[0]
        folder = Path(voila.environ()["JAMKIT_POOL_STATUS"]).parent
        assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
        os.kill(proc.pid, signal.SIGTERM)  # kit serve only, as a service manager stops it
        assert proc.wait(timeout=60) != 0
        deadline = time.time() + 30
        while folder.exists() or voila.is_running():
            assert time.time() < deadline, (folder.exists(), voila.is_running())
            time.sleep(0.3)
    finally:
        stop_group(proc)
