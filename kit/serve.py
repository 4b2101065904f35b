"""``python -m kit serve``: Voilà on ``notebooks/`` with the kit's configuration.

* the kit's template (``kit/share/jupyter/voila/templates/jamkit``): a ``<main>`` landmark,
  the page language, no network fetches;
* a pool of ready kernels for the entry notebook only (``start.ipynb``), which waits for the
  request before reading the URL (:func:`kit.app.query_params`): ``--participants N`` keeps
  N ready (:data:`DEFAULT_PARTICIPANTS` by default), refilled as they are taken, the fill shown
  in the terminal and on the facilitator page (:mod:`kit.kernel.pool`);
* kernels forked from a warm template on Linux (the ``jamkit`` kernelspec, :mod:`kit.kernel`);
* an executor that waits for a slow kernel's output instead of ending the page without it;
* idle kernels culled; loopback only, unless ``--lan``, which binds to the network, requires a
  token short enough to type (:func:`kit.domain.access.new_room_token`), prints the join URL
  and the one address the room types (and a QR code when segno is installed), and tells the
  facilitator's page the room's address (``JAMKIT_ROOM_URL``), so its join codes, links and
  QR codes use it even when the facilitator's own browser is on 127.0.0.1;
* the server's root (``http://host:port/``) lands on the start page (the template's tree page
  redirects, keeping the query string), so that is the address to type.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHARE = PACKAGE / "share" / "jupyter"
ENTRY = "start.ipynb"
#: Ready kernels kept for the room when ``--participants`` is not given. Ten covers the
#: groups of a typical workshop arriving in the same minute; a forked kernel costs about
#: 40 MB and a refill well under a second, so a larger room is served while it refills.
#: On the ordinary-launch path (no fork) ten kernels are about 1 GB and half a minute of CPU
#: at start; pass a smaller number on a small laptop.
DEFAULT_PARTICIPANTS = 10
MAX_PARTICIPANTS = 200
#: The executor waits this long for a kernel's output (nbclient's default, 4 s, drops the
#: widgets of a page whose kernel is slow under load: a blank page).
IOPUB_TIMEOUT = 120
#: Kernels talk to the server over Unix sockets in Voilà's private connection folder, not over
#: TCP ports on loopback: a free port chosen for a kernel can be taken by another connection
#: before the kernel binds it (seen with thirty joining at once: "Address already in use", a
#: page that never came), and a socket file is private to the server's user. zmq has no ipc
#: transport on Windows, where TCP stays.
IPC = [] if os.name == "nt" else ["--KernelManager.transport=ipc"]
CULL_IDLE_SECONDS = 30 * 60


def notebooks_dir() -> Path:
    """The Voilà apps: ``notebooks/`` beside the package in a source tree, else the copy an
    installed package carries in ``kit/notebooks/`` (see pyproject.toml)."""
    for candidate in (PACKAGE.parent / "notebooks", PACKAGE / "notebooks"):
        if (candidate / ENTRY).is_file():
            return candidate
    raise FileNotFoundError(f"hittar inte notebooks/{ENTRY}")


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET: connect() on UDP only picks a route
            return s.getsockname()[0]
    except OSError:
        return socket.gethostbyname(socket.gethostname())


def room_url(host: str, port: int) -> str:
    """The room's address: the server's root, which lands on the start page.

    >>> room_url("192.168.1.5", 8866)
    'http://192.168.1.5:8866/'
    """
    return f"http://{host}:{port}/"


def environment(token: str | None = None, status_file: str | None = None,
                room: str | None = None) -> dict:
    env = dict(os.environ)
    if token:
        env["JAMKIT_JOIN_TOKEN"] = token  # the facilitator page puts it in the join links
    if room:
        env["JAMKIT_ROOM_URL"] = room  # ... and this address, whatever the facilitator's browser says
    else:
        env.pop("JAMKIT_ROOM_URL", None)  # loopback only: the page says the links work here only
    if status_file:
        env["JAMKIT_POOL_STATUS"] = status_file  # the facilitator page shows the pool's fill
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), env.get("JUPYTER_PATH")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def command(port: int, lan: bool, token: str | None, open_browser: bool = False,
            participants: int = DEFAULT_PARTICIPANTS, notebooks: str | None = None,
            ip: str | None = None) -> list[str]:
    """Voilà's command line: the kit's template and kernel manager on ``notebooks`` (the kit's
    own apps by default), on loopback unless ``lan`` (or an ``ip`` given: a hub's spawner's)."""
    pools = {ENTRY: {"pool_size": participants,
                     "kernel_env_variables": {"VOILA_APP_IP": "127.0.0.1",
                                              "VOILA_APP_PORT": str(port)}},
             "default": {"pool_size": 0}}
    args = [sys.executable, "-m", "voila", str(notebooks or notebooks_dir()),
            f"--port={port}", "--template=jamkit", "--theme=light",
            f"--Voila.ip={ip or ('0.0.0.0' if lan else '127.0.0.1')}",
            "--preheat_kernel=True", "--pool_size=0",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
            "--VoilaKernelManager.fill_delay=0",
            "--VoilaConfiguration.multi_kernel_manager_class=kit.kernel.pool.RoomKernelManager",
            f"--RoomKernelManager.participants={participants}",
            f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
            "--VoilaExecutor.startup_timeout=180",
            *IPC,
            f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
            "--MappingKernelManager.cull_interval=60",
            "--MappingKernelManager.cull_connected=False",
            "--VoilaConfiguration.show_tracebacks=False",
            "--Voila.open_browser=" + ("True" if open_browser else "False")]
    if token:
        args.append(f"--token={token}")
    return args


def serve(port: int = 8866, lan: bool = False, open_browser: bool = True,
          participants: int = DEFAULT_PARTICIPANTS) -> int:
    import shutil
    import tempfile

    from kit.domain.access import new_room_token

    token = new_room_token() if lan else None
    host = lan_address() if lan else "127.0.0.1"
    url = f"http://{host}:{port}/voila/render/{ENTRY}" + (f"?token={token}" if token else "")
    room = room_url(host, port) if lan else None
    print(f"JämKit: {url}", flush=True)
    if lan:
        typed = f"{room}?token={token}"
        print(f"Dela länken (eller QR-koden) med deltagarna, eller låt dem skriva in {typed} – "
              "den som har adressen kommer in. Processledarsidan visar adressen och gruppernas koder.",
              flush=True)
        try:
            import segno

            segno.make(typed, error="m").terminal(compact=True)
        except Exception:  # noqa: BLE001 - the QR code is a convenience
            pass
    print(f"JämKit: håller {participants} kernels redo för deltagarna (--participants N)", flush=True)
    private = tempfile.mkdtemp(prefix="jamkit-serve-")  # mode 0700
    status_file = os.path.join(private, "pool.json")
    # a SIGTERM (a service manager, a test's killpg) ends through `finally`, so the private
    # folder goes with the server; Voilà gets its own SIGTERM from the parent-death signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        proc = subprocess.Popen(command(port, lan, token, open_browser and not lan, participants),
                                env=environment(token, status_file, room),
                                preexec_fn=_end_with_parent if sys.platform.startswith("linux") else None)
        return _wait(proc)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _end_with_parent() -> None:
    """In the Voilà child (Linux): SIGTERM when ``kit serve`` itself ends, however it ends, so
    Voilà shuts its kernels down instead of living on as an orphan that keeps the room's
    kernels."""
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def _wait(proc: subprocess.Popen) -> int:
    """Wait for Voilà; Ctrl-C reaches it too (one process group), so give it time to shut its
    kernels down, and end it harder only if Ctrl-C is pressed again."""
    interrupts = 0
    while True:
        try:
            code = proc.wait()
            return 0 if interrupts else code
        except KeyboardInterrupt:
            interrupts += 1
            if interrupts == 2:
                proc.terminate()
            elif interrupts > 2:
                proc.kill()
