"""The server's kernel manager for a room: the template starts with the server, the pool's fill
is shown in the terminal and written for the facilitator page.

``kit serve`` passes ``--VoilaConfiguration.multi_kernel_manager_class=kit.kernel.pool.RoomKernelManager``;
Voilà wraps it in its preheating manager (which keeps ``_pools``, one list of start tasks per
notebook), so this class sees the pool without changing how Voilà fills it.
"""

from __future__ import annotations

import os
import sys

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import PeriodicCallback
from traitlets import Integer, Unicode

from kit.kernel import status as pool_status
from kit.kernel.provisioner import TEMPLATE

REPORT_MS = 1000
REWRITE_SECONDS = 5.0


def pool_fill(pools: dict, notebook: str) -> tuple[int, int]:
    """(ready, starting) kernels in Voilà's pool for ``notebook``.

    >>> class Task:
    ...     def __init__(self, done, failed=False): self._d, self._f = done, failed
    ...     def done(self): return self._d
    ...     def cancelled(self): return False
    ...     def exception(self): return RuntimeError() if self._f else None
    >>> pool_fill({"start.ipynb": [Task(True), Task(True, failed=True), Task(False)]}, "start.ipynb")
    (1, 1)
    """
    ready = starting = 0
    for task in pools.get(notebook, ()):
        if not task.done():
            starting += 1
        elif not task.cancelled() and task.exception() is None:
            ready += 1
    return ready, starting


class RoomKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` plus the room's view of Voilà's kernel pool."""

    pool_notebook = Unicode("start.ipynb", config=True, help="The notebook whose pool is the room's.")
    participants = Integer(0, config=True, help="The room's size (the entry pool's target).")
    status_file = Unicode("", config=True, help="Where to write the pool's fill (JSON).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.status_file = self.status_file or os.environ.get(pool_status.ENV, "")
        self._shown = None
        self._low = False
        self._written = 0.0
        TEMPLATE.log = self.log  # the template's news goes to the server's log
        TEMPLATE.start()  # now, in the server's main thread, so it is warm when the pool fills
        self._reporter = PeriodicCallback(self._report, REPORT_MS)
        self._reporter.start()

    def target(self) -> int:
        config = getattr(self, "kernel_pools_config", {}) or {}
        entry = config.get(self.pool_notebook) or config.get("default") or {}
        return int(self.participants or entry.get("pool_size", 0) or 0)

    def _report(self) -> None:
        import time

        target = self.target()
        if target <= 0:
            return
        ready, starting = pool_fill(getattr(self, "_pools", {}), self.pool_notebook)
        ready = min(ready, target)
        state = {"ready": ready, "target": target}
        now = time.time()
        if self.status_file and ((ready, starting) != self._shown or now - self._written > REWRITE_SECONDS):
            try:
                pool_status.write_status(self.status_file, ready=ready, target=target,
                                         starting=starting, forked=TEMPLATE.info is not None)
                self._written = now
            except OSError as exc:
                self.log.warning("JämKit: could not write the pool status: %s", exc)
        if (ready, starting) == self._shown:
            return
        first = self._shown is None
        self._shown = (ready, starting)
        low = pool_status.is_low(state)
        if low and not self._low and not first:
            print(f"JämKit: {pool_status.warning(state)}", file=sys.stderr, flush=True)
        elif not starting or ready == target or first:
            print(f"JämKit: {pool_status.describe(state)}", flush=True)
        self._low = low

    async def shutdown_all(self, *args, **kwargs):
        self._reporter.stop()
        if self.status_file:
            try:
                os.unlink(self.status_file)
                folder = os.path.dirname(self.status_file)
                if os.path.basename(folder).startswith("jamkit-serve-"):
                    os.rmdir(folder)  # kit serve's private folder, when kit serve could not
            except OSError:
                pass
        await super().shutdown_all(*args, **kwargs)
        TEMPLATE.stop()
