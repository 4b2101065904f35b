"""The kernel provisioner: fork a kernel from the warm template, or launch it the ordinary way.

``jupyter_client`` finds :class:`ForkProvisioner` through the entry point
``jupyter_client.kernel_provisioners`` → ``jamkit-fork-provisioner`` (pyproject.toml); the kit's
kernelspec ``jamkit`` names it in ``metadata.kernel_provisioner``. Everything but the launch is
:class:`~jupyter_client.provisioning.LocalProvisioner`'s: a forked kernel is represented by a
:class:`ForkedProcess`, which answers ``poll``, ``wait``, ``send_signal``, ``terminate`` and
``kill`` like :class:`subprocess.Popen`, through a pidfd (the kernel is the template's child,
not ours, so ``waitpid`` is not ours to call).

The template (one per server process, :data:`TEMPLATE`) is started when the server starts
(:meth:`Template.start`, called by :class:`kit.kernel.pool.RoomKernelManager`) or on the first
launch; it is restarted when it has died and replaced when the kit's code or the preloaded
packages change on disk (a redeploy). While it is not ready, or when a launch cannot be a fork
(:meth:`Template.why_not`), kernels start the ordinary way.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import importlib.util
import json
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

from kit.kernel import template as tpl

log = logging.getLogger("kit.kernel")

#: Packages whose files, when they change, mean the template holds stale code.
WATCHED = ("kit", "ipykernel", "ipywidgets", "IPython", "numpy", "pandas", "matplotlib",
           "sqlalchemy", "openpyxl", "anywidget", "jupyter_client")
READY_TIMEOUT = 60.0
OFF_VALUES = {"0", "false", "no", "off"}


def fork_supported() -> bool:
    """Whether this platform can fork kernels (Linux with pidfds).

    >>> isinstance(fork_supported(), bool)
    True
    """
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")
            and hasattr(socket, "send_fds"))


def fork_enabled(env=None) -> bool:
    """False when ``JAMKIT_FORK`` is 0/false/no/off, or fork is not supported here.

    >>> fork_enabled({"JAMKIT_FORK": "0"})
    False
    """
    env = os.environ if env is None else env
    return env.get("JAMKIT_FORK", "1").strip().lower() not in OFF_VALUES and fork_supported()


def fingerprint() -> str:
    """A digest of the files the template has imported: changes on a redeploy or upgrade."""
    digest = hashlib.sha256()
    for name in WATCHED:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin:
            continue
        root = Path(spec.origin).parent
        files = sorted(root.rglob("*.py")) if name == "kit" else [Path(spec.origin)]
        if name == "kit":
            files += sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".j2", ".css", ".js"})
        for path in files:
            try:
                st = path.stat()
            except OSError:
                continue
            digest.update(f"{path}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    return digest.hexdigest()[:16]


class ForkedProcess:
    """A forked kernel, seen from the server: the parts of :class:`subprocess.Popen` that
    ``LocalProvisioner`` uses."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int, conn: socket.socket):
        self.pid = pid
        self.pidfd = pidfd
        self.conn = conn
        self.returncode: int | None = None
        self.args = ["<forked kernel>"]

    def _ended(self, timeout: float | None) -> bool:
        if self.pidfd < 0:
            return True
        readable, _, _ = select.select([self.pidfd], [], [], timeout)
        return bool(readable)

    def _collect(self) -> int:
        """The exit status the template reports (it reaps the child), then close our ends."""
        code = 1  # unknown: the template is gone, or did not say
        try:
            self.conn.settimeout(0.25)
            data = b""
            while not data.endswith(b"\n"):
                chunk = self.conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            if data:
                reported = json.loads(data).get("exit")
                if isinstance(reported, int):
                    code = reported
        except (OSError, ValueError):
            pass
        self._close()
        return code

    def _close(self) -> None:
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        self.conn.close()

    def poll(self) -> int | None:
        if self.returncode is None and self._ended(0):
            self.returncode = self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not self._ended(timeout):
                raise subprocess.TimeoutExpired(self.args, timeout)
            self.returncode = self._collect()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """As :meth:`subprocess.Popen.send_signal`: nothing happens to a kernel that has ended."""
        if self.poll() is not None or self.pidfd < 0:
            return
        try:
            signal.pidfd_send_signal(self.pidfd, signum)
        except ProcessLookupError:
            pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Template:
    """The template process of this server: started, checked, restarted, replaced."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.folder: str | None = None
        self.path: str | None = None
        self.info: dict | None = None
        self.started_at = 0.0
        self.quick_deaths = 0
        self.paused_until = 0.0
        self.printed: set[str] = set()
        self._fingerprint = ("", 0.0)
        self._lock: tuple | None = None  # (event loop, its lock)
        self.log = log
        atexit.register(self.stop)

    # -- lifecycle ---------------------------------------------------------------------------
    def current_fingerprint(self) -> str:
        value, at = self._fingerprint
        if time.monotonic() - at > 2.0:
            value = fingerprint()
            self._fingerprint = (value, time.monotonic())
        return value

    def start(self) -> bool:
        """Start the template (non-blocking); False when fork is off or paused after crashes.

        Call from the server's main thread: Linux sends the template its parent-death signal
        when the thread that started it ends."""
        if not fork_enabled() or time.monotonic() < self.paused_until:
            return False
        if self.proc is not None and self.proc.poll() is None:
            return True
        self._forget()
        from jupyter_core.paths import jupyter_runtime_dir

        runtime = Path(jupyter_runtime_dir())
        runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder = tempfile.mkdtemp(prefix="jamkit-fork-", dir=runtime)  # mode 0700
        self.path = os.path.join(self.folder, "template.sock")
        fp = self.current_fingerprint()
        env = tpl.template_environment(os.environ)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kit.kernel.template", "--socket", self.path,
             "--parent", str(os.getpid()), "--fingerprint", fp],
            env=env, stdin=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        self.started_at = time.monotonic()
        self.info = None
        self.log.info("kernel template starting (pid %s)", self.proc.pid)
        return True

    def _forget(self) -> None:
        """The old template is gone (or retired): note a quick death, remove its folder."""
        if self.proc is not None:
            if time.monotonic() - self.started_at < 15:
                self.quick_deaths += 1
                if self.quick_deaths >= 3:
                    self.paused_until = time.monotonic() + 300
                    self.quick_deaths = 0
                    self.log.warning("kernel template keeps failing; ordinary kernels for 5 minutes")
            else:
                self.quick_deaths = 0
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.proc = None
        self.folder = self.path = None
        self.info = None

    def retire(self) -> None:
        """Let the current template go (its kernels live on) and forget it."""
        if self.proc is None:
            return
        try:
            reply, _fds, conn = tpl.request(self.path, {"op": "retire"}, timeout=2)
            conn.close()
        except OSError:
            pass
        proc = self.proc
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.terminate()
        self.started_at = 0.0  # a retirement is not a crash
        self._forget()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.proc = None

    def ping(self) -> dict | None:
        if not self.path or not os.path.exists(self.path):
            return None
        try:
            reply, _fds, conn = tpl.request(self.path, {"op": "ping"}, timeout=2)
            conn.close()
        except (OSError, ValueError):
            return None
        return reply if reply.get("ok") else None

    async def ready(self, timeout: float = READY_TIMEOUT) -> dict | None:
        """The template's ping reply once it serves, or None (not enabled, failed, too slow)."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock[0] is not loop:
            self._lock = (loop, asyncio.Lock())
        async with self._lock[1]:
            if self.proc is not None and self.info is not None:
                if self.proc.poll() is None and self.info.get("fingerprint") == self.current_fingerprint():
                    return self.info
                if self.proc.poll() is None:
                    self.log.info("kit or its packages changed on disk: a new kernel template")
                    self.retire()
                else:
                    self.log.warning("kernel template ended (%s); starting a new one", self.proc.returncode)
                    self._forget()
            if self.proc is None or self.proc.poll() is not None:
                if self.proc is not None:
                    self._forget()
                if not self.start():
                    return None
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    self.log.warning("kernel template failed to start (%s)", self.proc.returncode)
                    self._forget()
                    return None
                info = await asyncio.to_thread(self.ping)
                if info is not None:
                    self.info = info
                    self.log.info("kernel template ready (pid %s)", info.get("pid"))
                    return info
                await asyncio.sleep(0.05)
            return None

    # -- launching ---------------------------------------------------------------------------
    def why_not(self, cmd: list[str], kwargs: dict, info: dict | None) -> str | None:
        """Why this launch cannot be a fork of the template (None when it can)."""
        if not fork_enabled():
            return "fork is off or not supported here"
        if info is None:
            return "the template is not ready"
        if info.get("problems"):
            return "the template is unsafe to fork: " + ", ".join(info["problems"])
        extra = set(kwargs) - {"env", "cwd", "kernel_id", "extra_arguments"}
        if extra:
            return "launch options a fork cannot honour: " + ", ".join(sorted(extra))
        if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
            return "not an ipykernel command"
        if os.path.realpath(cmd[0]) != os.path.realpath(info.get("executable", "")):
            return "another interpreter"
        env = kwargs.get("env") or os.environ
        if tpl.startup_settings(env) != info.get("startup"):
            return "environment settings that act only at interpreter start differ"
        if env.get("MPLBACKEND", "") not in ("", tpl.INLINE_BACKEND):
            return "another matplotlib backend (chosen at import, in the template)"
        return None

    def fork(self, cmd: list[str], env: dict, cwd: str) -> ForkedProcess:
        reply, fds, conn = tpl.request(self.path, {
            "op": "fork", "argv": cmd, "env": dict(env), "cwd": str(cwd),
            "server_pid": os.getpid()}, timeout=15)
        if not reply.get("ok") or not fds:
            for fd in fds:
                os.close(fd)
            conn.close()
            raise RuntimeError(reply.get("error") or "the template sent no pidfd")
        for fd in fds[1:]:
            os.close(fd)
        conn.settimeout(None)
        return ForkedProcess(int(reply["pid"]), fds[0], conn)

    def note(self, reason: str) -> None:
        if reason not in self.printed:
            self.printed.add(reason)
            self.log.info("ordinary kernel launch: %s", reason)


TEMPLATE = Template()


class ForkProvisioner(LocalProvisioner):
    """``LocalProvisioner`` whose launch is a fork of the warm template when it can be."""

    forked = False

    async def launch_kernel(self, cmd: list[str], **kwargs):
        info = await TEMPLATE.ready() if fork_enabled() else None
        reason = TEMPLATE.why_not(cmd, kwargs, info)
        if reason is None:
            env = kwargs.get("env") or dict(os.environ)
            cwd = kwargs.get("cwd") or os.getcwd()
            try:
                process = await asyncio.to_thread(TEMPLATE.fork, cmd, env, cwd)
            except Exception as exc:  # noqa: BLE001 - the ordinary launch still works
                self.log.warning("fork failed, launching the ordinary way: %s", exc)
            else:
                self.process = process
                self.pid = process.pid
                self.pgid = process.pid  # the child calls setsid(): its own group
                self.cwd = cwd
                self.forked = True
                return self.connection_info
        else:
            TEMPLATE.note(reason)
        self.forked = False
        return await super().launch_kernel(cmd, **kwargs)

    async def get_provisioner_info(self) -> dict:
        info = await super().get_provisioner_info()
        info["forked"] = self.forked
        return info
