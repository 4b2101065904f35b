"""The pool's fill as a small JSON file: written by the server, read by the facilitator page.

``kit serve`` sets ``JAMKIT_POOL_STATUS`` to a file in a private runtime folder; the server's
:class:`kit.kernel.pool.RoomKernelManager` rewrites it (atomically) when the fill changes, and
every kernel inherits the variable, so the facilitator's page can say "Redo för 24 av 30
deltagare". Light on purpose: the standard library and the kit's texts only.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "pool.json")
>>> write_status(path, ready=24, target=30, starting=6, forked=True)
>>> s = read_status(path)
>>> s["ready"], s["target"]
(24, 30)
>>> describe(s, "sv")
'Redo för 24 av 30 deltagare'
>>> describe(s, "en")
'Ready for 24 of 30 participants'
>>> is_low(s), is_low({"ready": 3, "target": 30})
(False, True)
"""

from __future__ import annotations

import json
import os
import tempfile
import time

ENV = "JAMKIT_POOL_STATUS"
STALE_SECONDS = 15.0  # the server rewrites the file at least this often while it runs


def write_status(path: str, *, ready: int, target: int, starting: int = 0,
                 forked: bool = False) -> None:
    """Replace the status file at ``path`` in one step (readers never see half a file)."""
    data = {"ready": int(ready), "target": int(target), "starting": int(starting),
            "forked": bool(forked), "server_pid": os.getpid(), "time": time.time()}
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".pool-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_status(path: str | None = None) -> dict | None:
    """The pool's last status, or None (no server pool, unreadable, or stale)."""
    path = path or os.environ.get(ENV)
    if not path:
        return None
    try:
        with open(path) as fh:
            data = json.load(fh)
        ready, target = int(data["ready"]), int(data["target"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if target <= 0 or time.time() - float(data.get("time", 0)) > STALE_SECONDS:
        return None
    data["ready"], data["target"] = max(0, min(ready, target)), target
    return data


def is_low(status: dict) -> bool:
    """Fewer than a fifth of the room's kernels are ready (and the room is more than two)."""
    target = status["target"]
    return target >= 3 and status["ready"] < max(1, target // 5)


def describe(status: dict, lang: str = "sv") -> str:
    from kit import content

    return content.text("pool.ready", lang, ready=status["ready"], target=status["target"])


def warning(status: dict, lang: str = "sv") -> str:
    from kit import content

    return content.text("pool.low", lang, ready=status["ready"], target=status["target"])
