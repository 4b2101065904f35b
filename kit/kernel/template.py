"""The template process: imports the kernel's stack once, then forks a kernel per request.

Started by :class:`kit.kernel.provisioner.Template` as
``python -m kit.kernel.template --socket PATH --parent PID``, with the environment that
:func:`template_environment` gives (one BLAS thread, matplotlib's inline backend chosen). It

1. imports :data:`PRELOAD` and checks the rules a safe fork needs: one thread in the process
   (:func:`thread_count`), no event loop, no zmq context, no open database or socket, and
   matplotlib's inline backend module not yet imported (its import hooks into the kernel's
   IPython shell, which does not exist yet);
2. listens on a Unix socket in a private folder (mode 0700, socket 0600) and serves only
   connections whose peer runs as this user (``SO_PEERCRED``);
3. for each ``fork`` request, forks: the child becomes an ipykernel (:func:`_become_kernel`);
   the parent sends back the child's pid with a pidfd for it, keeps the connection open and
   writes the child's exit status there when it ends.

The template exits within a second when the server that started it is gone (a ``getppid``
check in its loop); kernels do not depend on it: each watches the server's pid itself, so a
template that crashes or is replaced takes no live kernel with it.

The protocol is one JSON object per line; see :func:`request`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time

#: Imported once in the template, so a forked kernel finds them in memory.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.comm",
    "IPython.core.interactiveshell", "IPython.display", "comm",
    "ipywidgets", "anywidget", "traitlets", "yaml", "jinja2",
    "numpy", "pandas", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg",
    "sqlalchemy", "sqlalchemy.dialects.sqlite", "openpyxl", "cryptography.hazmat.primitives.ciphers.aead",
    "kit.app", "kit.store", "kit.plots", "kit.io.readers", "kit.io.writers", "kit.io.workshop",
    "kit.ui.start", "kit.modules.selfassessment.app", "kit.modules.facilitator.app",
)

#: Never imported before the fork (see the module docstring).
FORBIDDEN = ("matplotlib_inline.backend_inline", "matplotlib.pyplot")

#: Environment variables that act only when an interpreter starts: a fork cannot apply them.
STARTUP_PREFIXES = ("PYTHON", "LD_", "MALLOC_", "GLIBC_")
STARTUP_NAMES = ("PYTHONHASHSEED", "VIRTUAL_ENV", "TZDIR")

MAX_REQUEST = 4 * 1024 * 1024
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def template_environment(env: dict) -> dict:
    """The template's own environment: ``env`` plus one BLAS thread and the inline backend.

    >>> e = template_environment({"PATH": "/bin"})
    >>> e["OPENBLAS_NUM_THREADS"], e["MPLBACKEND"]
    ('1', 'module://matplotlib_inline.backend_inline')
    """
    env = dict(env)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        env[name] = "1"  # a BLAS thread pool started at import would make the fork unsafe
    env["MPLBACKEND"] = INLINE_BACKEND
    env.pop("JPY_PARENT_PID", None)
    return env


def startup_settings(env: dict) -> dict:
    """The part of ``env`` that only an interpreter start can apply.

    >>> startup_settings({"PYTHONPATH": "/x", "PATH": "/bin", "LD_PRELOAD": "y", "TZ": "UTC"})
    {'LD_PRELOAD': 'y', 'PYTHONPATH': '/x'}
    """
    return {k: v for k, v in sorted(env.items())
            if k.startswith(STARTUP_PREFIXES) or k in STARTUP_NAMES}


def thread_count() -> int:
    """Threads in this process, native ones included (``/proc/self/task``)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def fork_problems() -> list[str]:
    """What would make a fork of this process unsafe now (empty when it is safe)."""
    problems = []
    if thread_count() != 1:
        problems.append(f"{thread_count()} threads")
    for name in FORBIDDEN:
        if name in sys.modules:
            problems.append(f"{name} is imported")
    zmq = sys.modules.get("zmq")
    if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
        problems.append("a zmq context exists")
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        try:
            asyncio.get_running_loop()
            problems.append("an event loop is running")
        except RuntimeError:
            pass
    return problems


def preload(names=PRELOAD) -> list[str]:
    """Import ``names``; those that fail are left out (the kernel imports them as usual)."""
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module missing here is only slower in the kernel
            missing.append(name)
    return missing


def _name_process(name: bytes) -> None:
    """The name ``ps -o comm`` and ``top`` show (the command line stays the template's)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name[:15]), 0, 0, 0)  # PR_SET_NAME
    except Exception:  # noqa: BLE001 - only a label
        pass


def peer_uid(conn: socket.socket) -> int | None:
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[1]
    except (OSError, AttributeError):
        return None


def _read_line(conn: socket.socket, deadline: float) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        conn.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST:
            raise ValueError("request too large")
    return data


def _send(conn: socket.socket, obj: dict, fds=()) -> None:
    payload = (json.dumps(obj) + "\n").encode()
    if fds:
        socket.send_fds(conn, [payload], list(fds))
    else:
        conn.sendall(payload)


class Server:
    """The template's loop: accept requests, fork kernels, report their exits."""

    def __init__(self, path: str, parent: int, fingerprint: str = ""):
        self.path = path
        self.parent = parent
        self.fingerprint = fingerprint
        self.startup = startup_settings(os.environ)
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, connection)
        self.listener = None
        self.running = True

    def listen(self) -> None:
        folder = os.path.dirname(self.path)
        if os.stat(folder).st_mode & 0o077 or os.stat(folder).st_uid != os.getuid():
            raise SystemExit(f"kit.kernel.template: {folder} is not private")
        if os.path.exists(self.path):
            os.unlink(self.path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            listener.bind(self.path)
        finally:
            os.umask(old)
        listener.listen(128)
        self.listener = listener
        self.selector.register(listener, selectors.EVENT_READ, "listener")

    def serve(self) -> None:
        while self.running:
            if os.getppid() != self.parent:
                break  # the server is gone
            for key, _ in self.selector.select(timeout=1.0):
                if key.data == "listener":
                    self._accept()
                else:
                    self._reap(key.fd)
        self.close()

    def close(self) -> None:
        if self.listener is not None:
            try:
                self.selector.unregister(self.listener)
            except (KeyError, ValueError):
                pass
            self.listener.close()
            self.listener = None
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        if peer_uid(conn) != os.getuid():
            conn.close()  # only the server's own user may ask for a kernel
            return
        keep = False
        try:
            line = _read_line(conn, time.monotonic() + 5)
            req = json.loads(line or b"{}")
            op = req.get("op")
            if op == "ping":
                _send(conn, {"ok": True, "pid": os.getpid(), "fingerprint": self.fingerprint,
                             "startup": self.startup, "executable": sys.executable,
                             "problems": fork_problems()})
            elif op == "retire":
                _send(conn, {"ok": True})
                self.running = False
            elif op == "fork":
                keep = self._fork(conn, req)
            else:
                _send(conn, {"ok": False, "error": f"unknown op {op!r}"})
        except Exception as exc:  # noqa: BLE001 - one bad request must not end the template
            try:
                _send(conn, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
            except OSError:
                pass
        finally:
            if not keep:
                conn.close()

    def _fork(self, conn: socket.socket, req: dict) -> bool:
        problems = fork_problems()
        if problems:
            _send(conn, {"ok": False, "error": "unsafe to fork: " + ", ".join(problems)})
            return False
        argv = [str(a) for a in req["argv"]]
        env = {str(k): str(v) for k, v in req["env"].items()}
        cwd = str(req.get("cwd") or os.getcwd())
        server = int(req["server_pid"])
        pid = os.fork()
        if pid == 0:  # the child: never returns into this loop
            code = 1
            try:
                self._leave(conn)
                code = _become_kernel(argv, env, cwd, server)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - report, then exit; never back to the loop
                import traceback

                traceback.print_exc()
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        pidfd = os.pidfd_open(pid)  # the child cannot be reaped before we wait: no race
        _send(conn, {"ok": True, "pid": pid}, fds=[pidfd])
        conn.setblocking(False)
        self.children[pidfd] = (pid, conn)
        self.selector.register(pidfd, selectors.EVENT_READ, "child")
        return True

    def _leave(self, conn: socket.socket) -> None:
        """In the child: close what belongs to the template (its socket, loop, other children)."""
        for pidfd, (_pid, other) in self.children.items():
            other.close()
            os.close(pidfd)
        self.children = {}
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        self.selector.close()
        conn.close()

    def _reap(self, pidfd: int) -> None:
        pid, conn = self.children.pop(pidfd)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        try:
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            code = None
        try:
            conn.setblocking(True)
            conn.settimeout(1)
            _send(conn, {"exit": code})
        except OSError:
            pass
        conn.close()


def _watch_server(server: int) -> None:
    """A kernel thread: end the kernel when the server that owns it is gone."""
    import threading

    def watch():
        try:
            import select

            fd = os.pidfd_open(server)
            select.select([fd], [], [])
        except (OSError, AttributeError):
            while True:
                try:
                    os.kill(server, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    pass
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="jamkit-server-watch", daemon=True).start()


def _become_kernel(argv: list[str], env: dict, cwd: str, server: int) -> int:
    """In the child: become the kernel ``argv`` describes (``python -m ipykernel_launcher …``)."""
    os.setsid()  # its own process group, as jupyter_client's launcher gives a kernel
    _name_process(b"jamkit-kernel")
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.environ.clear()
    os.environ.update(env)
    if hasattr(time, "tzset"):
        time.tzset()
    os.chdir(cwd)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # CPython reseeds `random` at fork; numpy's global generator not
    if sys.path and sys.path[0] == _START_PATH0:
        del sys.path[0]  # as ipykernel_launcher does: IPython adds the working folder back
    sys.argv = [_launcher_path(argv[2] if len(argv) > 2 else "ipykernel_launcher"), *argv[3:]]
    _watch_server(server)
    from ipykernel.kernelapp import IPKernelApp

    # parent_handle=1 (init) turns off ipykernel's own poller, which would follow the template
    # (our real parent) and end the kernel with it; the server watch above follows the right
    # process. A zero would also print the "ipython kernel entry point" banner.
    app = IPKernelApp.instance(parent_handle=1)
    app.initialize(sys.argv[1:])
    _after_kernel_init()
    app.start()
    return 0


#: Preloaded modules that hook into the IPython shell when imported inside a kernel; in the
#: template there is no shell yet, so each hook runs once the kernel has one.
KERNEL_HOOKS = (("ipywidgets", "register_comm_target"),)  # the jupyter.widget(.control) targets


def _after_kernel_init() -> None:
    for module, hook in KERNEL_HOOKS:
        loaded = sys.modules.get(module)
        if loaded is not None and hasattr(loaded, hook):
            getattr(loaded, hook)()


def _launcher_path(module: str) -> str:
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    return spec.origin if spec is not None and spec.origin else module


_START_PATH0 = sys.path[0] if sys.path else None


def request(path: str, obj: dict, timeout: float = 10.0):
    """Send one request to the template at ``path``; returns (reply, received fds, socket)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(path)
        conn.sendall((json.dumps(obj) + "\n").encode())
        data, fds, _flags, _addr = socket.recv_fds(conn, MAX_REQUEST, 4)
        while data and not data.endswith(b"\n"):
            more = conn.recv(65536)
            if not more:
                break
            data += more
    except BaseException:
        conn.close()
        raise
    if not data:
        conn.close()
        raise ConnectionError("the template closed the connection")
    return json.loads(data), fds, conn


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.kernel.template")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--fingerprint", default="")
    args = parser.parse_args(argv)
    # No PR_SET_PDEATHSIG here: Linux sends it when the *thread* that started us ends, and a
    # kernel manager may run its event loop in a worker thread (jupyter_core's run_sync). The
    # loop's getppid() check notices the server's end within a second instead.
    _name_process(b"jamkit-template")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is for the server
    if os.getppid() != args.parent:
        return 0
    missing = preload()
    server = Server(args.socket, args.parent, args.fingerprint)
    problems = fork_problems()
    if problems:
        print(f"kit.kernel.template: will not fork ({', '.join(problems)})", file=sys.stderr)
        return 3
    if missing:
        print(f"kit.kernel.template: not preloaded: {', '.join(missing)}", file=sys.stderr)
    import gc

    gc.collect()
    gc.freeze()  # the preloaded objects: never scanned by a kernel's GC, so their pages stay shared
    server.listen()
    try:
        server.serve()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
