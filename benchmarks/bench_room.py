"""A room joining at once: K−1 HTTP clients completing the page plus one real Chromium page.

    python benchmarks/bench_room.py [--k 30] [--rounds 10] [--warm-seconds 120]
                                    [--scenarios cold,pool,kill,memory,fallback] [--quick]
                                    [--json results.json]

Issue 13: "K−1 HTTP clients completing the page plus one real Chromium page, all started
together; the Chromium page's time to first usable widget is the probe — 30 Chromium pages on
two cores measure the browser, not the server."

An HTTP client *completes* a page the way Voilà's page does, without rendering it:

1. GET the page URL and read Voilà's streamed HTML to the end. HTML without a widget output
   (``application/vnd.jupyter.widget-view+json``) is a BLANK page, HTML with Voilà's error cell
   ("There was an error when executing cell") a FAILED page;
2. GET ``/api/kernels/<id>`` and open the kernel's websocket ``/api/kernels/<id>/channels``
   (the kernel id is in the page's config), send ``kernel_info_request``, then fetch every
   widget's state as ipywidgets' widget manager does: a ``jupyter.widget.control`` comm with
   ``request_states`` and, when the kernel closes that comm or does not answer within the
   browser's 4 s, the fallback: ``comm_info_request`` and ``request_state`` on every widget
   comm. A widget state showing an error text makes the page FAILED;
3. keep the websocket open until the whole round is complete (a participant stays on the
   page), then close it and shut the kernel down as the page's ``beforeunload`` beacon would
   (``POST /voila/api/shutdown/<id>``; with an ``_xsrf`` cookie and form field, which the
   real page's beacon lacks: see the README).

The probe is a Chromium page (one tab, created before the clock starts) whose first usable
control becomes visible (``.jk-modules button`` on the start page, the Button of
``bare.ipynb``). A Chromium probe that never shows it is BLANK, one showing an error text FAILED.

Scenarios (each server started fresh, one after the other; the bare notebook beside them):

* ``cold``: K at once against ``kit serve --participants 0`` (forked kernels, none
  pre-started), ``rounds`` times; before each round ONE cold bare-notebook probe (plain
  ``python -m voila benchmarks/bare.ipynb``, no other load). Ratio: probe p95 / bare median;
* ``pool``: K at once against ``kit serve --participants K`` started ``--warm-seconds``
  before, the pool refilled between rounds; before each round ONE warm probe alone on the
  same server (pool full). Ratio: probe p95 / warm single median;
* ``kill``: SIGKILL of the pool server's process-group leader only (``python -m kit serve``),
  and of the ``voila`` process of the cold (and fallback) server, with the last round's
  kernels still running; the server's descendants (template, forked and ordinary kernels),
  recorded before the kill, that are alive 10 s later are counted;
* ``memory``: with K ready kernels: USS of each forked kernel, total PSS of the kernels plus
  the template; RSS/USS of a forked kernel after it rendered the start page; and, with
  ``JAMKIT_FORK=0 --participants 1``, the RSS of the one ordinary entry kernel after it
  rendered the start page (the fallback path's entry kernel);
* ``fallback``: the cold scenario with ``JAMKIT_FORK=0`` (ordinary kernel launches), with
  ``--fallback-k`` pages a round;
* ``bareload`` (not in the default list): the cold scenario against the bare notebook itself.

CPU-seconds per page: user+system time of the server's process tree (the ``kit serve``
process and all its descendants, children that exited included through the ``children_*``
times of the process that reaped them; kernels of a retired template followed by pid), from
the start of a round until its last page is complete, and until the server is idle again
(pages closed, kernels shut down, pool refilled), divided by K.

``--quick`` is K=3, one round, 5 s warm-up and no fallback scenario. The exit code is 1 when a
page was BLANK or FAILED or a kernel outlived its server, never because of a time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent
BARE = ROOT / "benchmarks" / "bare.ipynb"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
VOILA_ERROR = "There was an error when executing cell"
KIT_ERROR = "Något gick fel"
ERROR_TEXTS = (VOILA_ERROR, KIT_ERROR)
KIT_SELECTOR = ".jk-modules button"
BARE_SELECTOR = "button.jupyter-button"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')
PAGE_TIMEOUT = 600.0  # seconds: a page slower than this is a failure, not a time
CONTROL_TIMEOUT = 4.0  # ipywidgets' widget manager waits this long for the control comm
KILL_WAIT = 10.0
MB = 1024 * 1024


# ----------------------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def cmdline(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return ""


def is_template(proc: psutil.Process) -> bool:
    try:
        return proc.name() == "jamkit-template" or (
            "kit.kernel.template" in cmdline(proc) and "kit.kernel.template" not in cmdline(proc.parent()))
    except (psutil.NoSuchProcess, AttributeError):
        return False


def is_kernel(proc: psutil.Process) -> bool:
    """An ordinary kernel (``-m ipykernel_launcher``) or one forked from the kit's template (a
    child of the template, named ``jamkit-kernel``, whose command line is still the template's)."""
    try:
        if proc.name() == "jamkit-kernel" or "ipykernel_launcher" in cmdline(proc):
            return True
        parent = proc.parent()
        return parent is not None and "kit.kernel.template" in cmdline(parent)
    except psutil.NoSuchProcess:
        return False


def describe(proc: psutil.Process) -> str:
    kind = "kernel" if is_kernel(proc) else "template" if is_template(proc) else "voila" \
        if "-m voila" in cmdline(proc) else "kit serve" if "-m kit serve" in cmdline(proc) else "other"
    return f"{kind} {proc.pid}"


class Server:
    """One server we started in its own session, with its log in a file."""

    def __init__(self, name: str, cmd: list[str], env: dict, folder: Path, port: int):
        self.name, self.port = name, port
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = folder / f"{name}.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.root = psutil.Process(self.proc.pid)
        self.started = time.monotonic()
        self.seen: dict[int, psutil.Process] = {}  # every descendant ever seen, for the cleanup
        self.orphans: set[int] = set()  # seen as descendants, alive, now outside the tree
        self.own: dict[int, float] = {}  # last CPU seconds read of each process

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def descendants(self) -> list[psutil.Process]:
        try:
            found = self.root.children(recursive=True)
        except psutil.NoSuchProcess:
            found = []
        for p in found:
            self.seen.setdefault(p.pid, p)
        return found

    def tracked(self) -> list[psutil.Process]:
        """The descendants, plus those seen before that are alive outside the tree: a retired
        template's kernels (the kit replaces its template when its files change on disk) are
        re-parented when the old template exits, yet still belong to this server."""
        current = self.descendants()
        pids = {p.pid for p in current}
        return current + [p for pid, p in self.seen.items() if pid not in pids and alive(p)]

    def voila(self) -> psutil.Process:
        if "-m voila" in cmdline(self.root):
            return self.root
        for p in self.descendants():
            if "-m voila" in cmdline(p):
                return p
        raise RuntimeError(f"{self.name}: no voila process")

    def kernels(self) -> list[psutil.Process]:
        return [p for p in self.tracked() if is_kernel(p) and alive(p)]

    def template(self) -> psutil.Process | None:
        return next((p for p in self.descendants() if is_template(p) and alive(p)), None)

    def cpu_seconds(self) -> float:
        """User+system seconds of the tree: each live process's own and its reaped children's
        (``children_*``: a kernel that exited, reaped by the template or Voilà), plus the
        processes that left the tree alive (see :meth:`tracked`), up to their last reading."""
        total = 0.0
        current = [self.root, *self.descendants()]
        for p in current:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += t.user + t.system + t.children_user + t.children_system
            self.own[p.pid] = t.user + t.system
        pids = {p.pid for p in current}
        for pid, p in self.seen.items():
            if pid in pids:
                continue
            if pid not in self.orphans:
                if not alive(p):
                    continue  # ended in the tree: counted in its parent's children_* times
                self.orphans.add(pid)
            if alive(p):
                with contextlib.suppress(psutil.NoSuchProcess):
                    t = p.cpu_times()
                    self.own[pid] = t.user + t.system
            total += self.own.get(pid, 0.0)
        return total

    def template_replacements(self) -> int:
        log = self.log()
        return log.count("a new kernel template") + log.count("kernel template ended")

    async def wait_http(self, seconds: float = 180) -> None:
        http = AsyncHTTPClient()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} ended early:\n{self.log()[-3000:]}")
            try:
                await http.fetch(self.base + "/", request_timeout=10, raise_error=True)
                return
            except Exception:  # noqa: BLE001 - not up yet
                await asyncio.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer in {seconds:.0f} s:\n{self.log()[-3000:]}")

    def pool_fill(self) -> tuple[int, int] | None:
        """The last fill ``kit serve`` printed ("Redo för 5 av 10 deltagare" or the warning)."""
        found = None
        for m in re.finditer(r"Redo för (\d+) av (\d+)|Bara (\d+) av (\d+) redo", self.log()):
            a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            found = (int(a), int(b))
        return found

    async def wait_pool_full(self, target: int, seconds: float = 600) -> float:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} ended early:\n{self.log()[-3000:]}")
            if self.pool_fill() == (target, target):
                return time.monotonic() - self.started
            await asyncio.sleep(0.25)
        raise RuntimeError(f"{self.name}: pool not full ({self.pool_fill()}) after {seconds:.0f} s")

    def kernel_starts(self) -> int:
        """Kernels the server has started so far (Voilà logs each one)."""
        return self.log().count("Kernel started:")

    async def wait_refilled(self, target: int, starts: int, seconds: float = 600,
                            grace: float = 30) -> str | None:
        """Wait until the pool is whole again: ``starts`` kernels started in all (one replaces
        each page served from the pool) and the last fill printed is full. Then ``target``
        kernels should be alive; if fewer are after ``grace`` seconds, some died while ready
        (Voilà keeps them in its pool and gives them to the next pages): say so and go on."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} ended early:\n{self.log()[-3000:]}")
            if self.kernel_starts() >= starts and self.pool_fill() == (target, target):
                break
            await asyncio.sleep(0.25)
        else:
            raise RuntimeError(f"{self.name}: pool not refilled ({self.kernel_starts()} of {starts} "
                               f"kernels started, fill {self.pool_fill()}) after {seconds:.0f} s")
        deadline = time.monotonic() + grace
        while len(self.kernels()) < target:
            if time.monotonic() > deadline:
                return (f"{self.name}: the pool says {target} of {target} ready but only "
                        f"{len(self.kernels())} kernel processes are alive ({starts} started)")
            await asyncio.sleep(0.25)
        return None

    async def quiesce(self, calm: int = 2, seconds: float = 90) -> None:
        """Wait until the server's tree is idle (under 10 % of a core, plus a little for each
        idle process: heartbeats) for ``calm`` seconds in a row, at most ``seconds``."""
        deadline = time.monotonic() + seconds
        quiet = 0
        before = self.cpu_seconds()
        while time.monotonic() < deadline and quiet < calm:
            await asyncio.sleep(1.0)
            now = self.cpu_seconds()
            busy = 0.10 + 0.005 * len(self.descendants())
            quiet = quiet + 1 if now - before < busy else 0
            before = now

    def connection_dir(self) -> Path | None:
        m = re.search(r"Storing connection files in (\S+?)\.?\s*$", self.log(), re.MULTILINE)
        return Path(m.group(1)) if m else None

    def kernel_process(self, kernel_id: str) -> psutil.Process | None:
        """The process of kernel ``kernel_id``: by its connection file on the command line
        (ordinary kernels) or by who listens on its shell port (forked kernels)."""
        folder = self.connection_dir()
        if folder is None:
            return None
        path = folder / f"kernel-{kernel_id}.json"
        try:
            shell_port = json.loads(path.read_text())["shell_port"]
        except (OSError, ValueError, KeyError):
            return None
        for p in self.kernels():
            if str(path) in cmdline(p):
                return p
            try:
                if any(c.status == psutil.CONN_LISTEN and c.laddr.port == shell_port
                       for c in p.net_connections(kind="tcp")):
                    return p
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return None

    def stop(self) -> None:
        """End the server: SIGTERM to its group, then SIGKILL to whatever we started that is
        left (kernels and the template run in sessions of their own)."""
        self.tracked()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in self.seen.values()):
            time.sleep(0.25)
        for p in self.seen.values():
            if alive(p):
                with contextlib.suppress(psutil.NoSuchProcess):
                    p.kill()


# ----------------------------------------------------------------------------- pages
@dataclass
class Page:
    kind: str  # "http" or "chromium"
    status: str = "ok"  # ok, blank, failed
    html_s: float | None = None
    complete_s: float | None = None
    widgets: int = 0
    via: str = ""  # how the widget states came: "control" comm or "per-model" fallback
    kernel_id: str = ""
    detail: str = ""


def classify(html: str) -> tuple[str, str]:
    if VOILA_ERROR in html:
        return "failed", "error cell in the HTML"
    if WIDGET_MIME not in html:
        return "blank", "no widget output in the HTML"
    return "ok", ""


def decode(raw) -> dict:
    """A message from Jupyter Server's kernel websocket (JSON text, or the binary frame used
    when it carries buffers: a count, offsets, then the JSON and the buffers)."""
    if isinstance(raw, bytes):
        n = int.from_bytes(raw[:4], "big")
        offsets = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(n)]
        raw = raw[offsets[0]: offsets[1] if n > 1 else None].decode()
    return json.loads(raw)


class KernelChannel:
    """The kernel's websocket as Voilà's page uses it (legacy JSON protocol)."""

    def __init__(self, base: str, kernel_id: str):
        self.base, self.kernel_id = base, kernel_id
        self.session = uuid.uuid4().hex
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.waiters: list[tuple] = []

    async def open(self) -> None:
        # the page first reads the kernel's model, then connects
        await AsyncHTTPClient().fetch(f"{self.base}/api/kernels/{self.kernel_id}", request_timeout=PAGE_TIMEOUT)
        url = f"ws{self.base[4:]}/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        self.ws = await websocket_connect(url, connect_timeout=PAGE_TIMEOUT, max_message_size=256 * MB)
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            while True:
                raw = await self.ws.read_message()
                if raw is None:
                    break
                msg = decode(raw)
                for entry in list(self.waiters):
                    wanted, fut = entry
                    if not fut.done() and wanted(msg):
                        fut.set_result(msg)
                        self.waiters.remove(entry)
        finally:
            for _, fut in self.waiters:
                if not fut.done():
                    fut.set_exception(ConnectionError("the kernel's websocket closed"))
            self.waiters.clear()

    def expect(self, wanted) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append((wanted, fut))
        return fut

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        msg = {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "bench",
                          "session": self.session, "version": "5.3",
                          "date": datetime.datetime.now(datetime.UTC).isoformat()},
               "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
               "buffers": []}
        await self.ws.write_message(json.dumps(msg))

    async def widget_states(self) -> tuple[dict, str]:
        """Every widget's state, fetched as ipywidgets' widget manager does."""
        info = self.expect(lambda m: m["msg_type"] == "kernel_info_reply")
        await self.send("kernel_info_request", {})
        await asyncio.wait_for(info, PAGE_TIMEOUT)
        control = uuid.uuid4().hex
        answer = self.expect(lambda m: m["msg_type"] in ("comm_msg", "comm_close")
                             and m["content"].get("comm_id") == control)
        await self.send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                      "data": {}}, metadata={"version": "1.0.0"})  # ipywidgets' control protocol
        await self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        try:
            reply = await asyncio.wait_for(answer, CONTROL_TIMEOUT)
        except TimeoutError:
            reply = None
        if reply is not None and reply["msg_type"] == "comm_msg":
            await self.send("comm_close", {"comm_id": control, "data": {}})
            return reply["content"]["data"].get("states", {}), "control"
        # the widget manager's fallback: list the widget comms and ask each for its state
        listing = self.expect(lambda m: m["msg_type"] == "comm_info_reply")
        await self.send("comm_info_request", {"target_name": "jupyter.widget"})
        comms = list((await asyncio.wait_for(listing, PAGE_TIMEOUT))["content"].get("comms", {}))
        futures = {cid: self.expect(lambda m, cid=cid: m["msg_type"] == "comm_msg"
                                    and m["content"].get("comm_id") == cid
                                    and m["content"].get("data", {}).get("method") == "update")
                   for cid in comms}
        for cid in comms:
            await self.send("comm_msg", {"comm_id": cid, "data": {"method": "request_state"}})
        replies = await asyncio.wait_for(asyncio.gather(*futures.values()), PAGE_TIMEOUT)
        return {cid: r["content"]["data"].get("state", {}) for cid, r in zip(futures, replies)}, "per-model"

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


async def http_page(base: str, url: str, t0: float, channels: list) -> Page:
    page = Page("http")
    try:
        response = await AsyncHTTPClient().fetch(url, request_timeout=PAGE_TIMEOUT, connect_timeout=60)
        html = response.body.decode("utf-8", "replace")
        page.html_s = time.perf_counter() - t0
        found = KERNEL_ID.search(html)
        page.kernel_id = found.group(1) if found else ""
        page.status, page.detail = classify(html)
        if page.status == "ok" and not page.kernel_id:
            page.status, page.detail = "failed", "no kernel id in the HTML"
        if page.status == "ok":
            channel = KernelChannel(base, page.kernel_id)
            channels.append(channel)
            await channel.open()
            states, page.via = await channel.widget_states()
            page.widgets = len(states)
            text = json.dumps(states, ensure_ascii=False)
            if not states:
                page.status, page.detail = "blank", "the kernel holds no widget"
            elif any(e in text for e in ERROR_TEXTS):
                page.status, page.detail = "failed", "an error text in a widget's state"
        page.complete_s = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - any failure is a failed page, counted
        page.status, page.detail = "failed", f"{type(exc).__name__}: {exc}"[:300]
    return page


async def chromium_page(tab, url: str, selector: str, t0: float) -> Page:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    page = Page("chromium")
    try:
        await tab.goto(url, timeout=PAGE_TIMEOUT * 1000)
        await tab.wait_for_selector(selector, state="visible", timeout=PAGE_TIMEOUT * 1000)
        page.complete_s = time.perf_counter() - t0
        for text in ERROR_TEXTS:
            if await tab.get_by_text(text).count():
                page.status, page.detail = "failed", f"{text!r} on the page"
    except PlaywrightTimeout:
        page.status, page.detail = "blank", f"{selector} never became visible"
        page.complete_s = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001
        page.status, page.detail = "failed", f"{type(exc).__name__}: {exc}"[:300]
    with contextlib.suppress(Exception):
        page.kernel_id = await tab.evaluate(
            "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    return page


async def shutdown_kernel(base: str, kernel_id: str) -> int:
    """What the page's ``beforeunload`` beacon asks for, with a matching ``_xsrf`` pair."""
    token = uuid.uuid4().hex
    response = await AsyncHTTPClient().fetch(
        f"{base}/voila/api/shutdown/{kernel_id}", method="POST", body=f"_xsrf={token}",
        headers={"Cookie": f"_xsrf={token}", "Content-Type": "application/x-www-form-urlencoded"},
        raise_error=False, request_timeout=120)
    return response.code


@dataclass
class Round:
    k: int
    probe: Page
    clients: list[Page]
    wall_s: float
    cpu_s: float  # the server tree's CPU from the start until the last page is complete
    cpu_start: float = 0.0
    cpu_settled_s: float | None = None  # ... until the server is idle again (pages closed, pool refilled)

    @property
    def pages(self) -> list[Page]:
        return [*self.clients, self.probe]


async def load_round(browser, server: Server, urls: list[str], probe_url: str, selector: str,
                     keep_kernels: bool = False, inspect=None) -> Round:
    """``len(urls)`` HTTP clients and one Chromium page, started together."""
    context = await browser.new_context()
    tab = await context.new_page()
    channels: list[KernelChannel] = []
    cpu0 = server.cpu_seconds()
    t0 = time.perf_counter()
    pages = await asyncio.gather(*(http_page(server.base, url, t0, channels) for url in urls),
                                 chromium_page(tab, probe_url, selector, t0))
    wall = time.perf_counter() - t0
    cpu = server.cpu_seconds() - cpu0
    result = Round(k=len(urls) + 1, probe=pages[-1], clients=list(pages[:-1]), wall_s=wall, cpu_s=cpu,
                   cpu_start=cpu0)
    if inspect is not None:
        inspect(result)
    for channel in channels:
        channel.close()
    await context.close()
    if not keep_kernels:
        ids = {p.kernel_id for p in result.pages if p.kernel_id}
        await asyncio.gather(*(shutdown_kernel(server.base, kid) for kid in ids))
    return result


# ----------------------------------------------------------------------------- statistics
def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile.

    >>> p95([1.0]), p95([float(i) for i in range(1, 21)])
    (1.0, 19.0)
    """
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Scenario:
    name: str
    k: int
    rounds: list[Round] = field(default_factory=list)
    reference_name: str = ""
    references: list[float] = field(default_factory=list)
    reference_pages: list[Page] = field(default_factory=list)  # the reference probes that were not ok
    note: str = ""

    def probes(self) -> list[float]:
        return [r.probe.complete_s for r in self.rounds if r.probe.status == "ok"]

    def all_pages(self) -> list[Page]:
        return [p for r in self.rounds for p in r.pages] + self.reference_pages

    def count(self, status: str) -> int:
        return sum(p.status == status for p in self.all_pages())

    def summary(self) -> dict:
        probes = self.probes()
        ref = median(self.references)
        return {
            "scenario": self.name, "k": self.k, "rounds": len(self.rounds),
            "probe_median_s": median(probes), "probe_p95_s": p95(probes) if probes else None,
            "probe_max_s": max(probes) if probes else None,
            "reference": self.reference_name, "reference_median_s": ref,
            "ratio_p95_to_reference": (p95(probes) / ref) if probes and ref else None,
            "all_complete_median_s": median([r.wall_s for r in self.rounds]),
            "all_complete_max_s": max((r.wall_s for r in self.rounds), default=None),
            "cpu_s_per_page": median([r.cpu_s / r.k for r in self.rounds]),
            "cpu_s_per_page_settled": median([r.cpu_settled_s / r.k for r in self.rounds
                                              if r.cpu_settled_s is not None]),
            "blank": self.count("blank"), "failed": self.count("failed"),
            "via_control": sum(p.via == "control" for r in self.rounds for p in r.clients),
            "via_per_model": sum(p.via == "per-model" for r in self.rounds for p in r.clients),
            "problems": [f"{p.kind}: {p.status}: {p.detail}" for p in self.all_pages()
                         if p.status != "ok"][:20],
            "note": self.note,
        }


# ----------------------------------------------------------------------------- the run
class Run:
    def __init__(self, args, browser, folder: Path):
        self.args, self.browser, self.folder = args, browser, folder
        self.servers: list[Server] = []
        self.scenarios: list[Scenario] = []
        self.kills: list[dict] = []
        self.memory: dict = {}
        self.bare: Server | None = None
        self.bare_probes: list[float] = []  # every lone cold bare probe of the run
        self.bare_problems: list[Page] = []
        self.warnings: list[str] = []

    async def refilled(self, server: Server, target: int, starts: int) -> None:
        warning = await server.wait_refilled(target, starts)
        if warning:
            print(f"  WARNING: {warning}", flush=True)
            self.warnings.append(warning)

    def env(self, fork: bool = True, store: str = "store") -> dict:
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # as a user starts it
        env["JAMKIT_DB_URL"] = f"sqlite:///{self.folder / (store + '.sqlite')}"
        env["PYTHONUNBUFFERED"] = "1"
        if fork:
            env.pop("JAMKIT_FORK", None)
        else:
            env["JAMKIT_FORK"] = "0"
        return env

    def kit(self, name: str, participants: int, fork: bool = True) -> Server:
        port = free_port()
        server = Server(name, [sys.executable, "-m", "kit", "serve", "--port", str(port), "--no-browser",
                               "--participants", str(participants)],
                        self.env(fork, store=name), self.folder, port)
        self.servers.append(server)
        return server

    async def start_bare(self) -> None:
        port = free_port()
        self.bare = Server("bare", [sys.executable, "-m", "voila", str(BARE), "--no-browser",
                                    "--Voila.ip=127.0.0.1", f"--port={port}"],
                           self.env(), self.folder, port)
        self.servers.append(self.bare)
        await self.bare.wait_http()
        await self.bare.quiesce()

    async def bare_cold_probe(self) -> float | None:
        """ONE cold bare-notebook page with no other load."""
        r = await load_round(self.browser, self.bare, [], self.bare.base + "/", BARE_SELECTOR)
        await self.bare.quiesce()
        if r.probe.status != "ok":
            self.bare_problems.append(r.probe)
            return None
        self.bare_probes.append(r.probe.complete_s)
        return r.probe.complete_s

    @staticmethod
    def kit_urls(server: Server, k: int) -> tuple[list[str], str]:
        render = f"{server.base}/voila/render/start.ipynb"
        return [f"{render}?workshop=B&group=G{i}" for i in range(1, k)], f"{render}?workshop=B&group=G{k}"

    async def cold(self, name: str, k: int, fork: bool, kill_voila: bool) -> None:
        server = self.kit(name, 0, fork=fork)
        await server.wait_http()
        await server.quiesce()  # the template has imported the stack
        scenario = Scenario(name, k, reference_name="bare notebook, cold, alone")
        self.scenarios.append(scenario)
        for n in range(self.args.rounds):
            ref = await self.bare_cold_probe()
            if ref is not None:
                scenario.references.append(ref)
            last = n == self.args.rounds - 1
            urls, probe = self.kit_urls(server, k)
            scenario.rounds.append(await load_round(self.browser, server, urls, probe, KIT_SELECTOR,
                                                    keep_kernels=last and kill_voila))
            if not (last and kill_voila):
                await server.quiesce()
                scenario.rounds[-1].cpu_settled_s = server.cpu_seconds() - scenario.rounds[-1].cpu_start
            self.progress(scenario)
        if kill_voila:
            await self.kill(server, "voila")
        else:
            server.stop()

    async def bareload(self, k: int) -> None:
        scenario = Scenario("bare notebook, K at once", k, reference_name="bare notebook, cold, alone")
        self.scenarios.append(scenario)
        for _ in range(self.args.rounds):
            ref = await self.bare_cold_probe()
            if ref is not None:
                scenario.references.append(ref)
            url = self.bare.base + "/"
            scenario.rounds.append(await load_round(self.browser, self.bare, [url] * (k - 1), url, BARE_SELECTOR))
            await self.bare.quiesce()
            scenario.rounds[-1].cpu_settled_s = self.bare.cpu_seconds() - scenario.rounds[-1].cpu_start
            self.progress(scenario)

    async def pool(self, k: int, run_rounds: bool, measure: bool, kill: bool) -> None:
        server = self.kit("pool", k)
        full_after = await server.wait_pool_full(k)
        wait = self.args.warm_seconds - (time.monotonic() - server.started)
        if wait > 0:
            await asyncio.sleep(wait)
        await server.wait_pool_full(k)
        await server.quiesce()
        self.memory["pool_full_after_s"] = full_after
        if measure:
            self.measure_ready(server)
        scenario = Scenario("pool", k, reference_name="same server, one page alone, pool full",
                            note=f"pool of {k} full {full_after:.1f} s after start")
        rounds = self.args.rounds if run_rounds else (1 if measure else 0)
        served = 0  # pages served from the pool, each replaced by a new kernel
        for n in range(rounds):
            inspect = (lambda r: self.measure_rendered(server, r.probe, "forked_rendered")) \
                if measure and n == 0 else None
            single = await load_round(self.browser, server, [], self.kit_urls(server, 1)[1], KIT_SELECTOR,
                                      inspect=inspect)
            served += 1
            if single.probe.status == "ok":
                scenario.references.append(single.probe.complete_s)
            else:
                scenario.reference_pages.append(single.probe)
            await self.refilled(server, k, k + served)
            await server.quiesce()
            if not run_rounds:
                break
            last = n == rounds - 1
            urls, probe = self.kit_urls(server, k)
            scenario.rounds.append(await load_round(self.browser, server, urls, probe, KIT_SELECTOR,
                                                    keep_kernels=last and kill))
            served += k
            await self.refilled(server, k, k + served)
            if not (last and kill):
                await server.quiesce()
                scenario.rounds[-1].cpu_settled_s = server.cpu_seconds() - scenario.rounds[-1].cpu_start
            self.progress(scenario)
        if run_rounds or scenario.reference_pages:
            self.scenarios.append(scenario)
        if kill:
            await self.kill(server, "leader")
        else:
            server.stop()

    def measure_ready(self, server: Server) -> None:
        kernels = server.kernels()
        template = server.template()
        infos = []
        for p in kernels:
            with contextlib.suppress(psutil.NoSuchProcess):
                infos.append(p.memory_full_info())
        m = {"ready_kernels": len(infos)}
        if infos:
            uss = [i.uss / MB for i in infos]
            m.update(kernel_uss_median_mb=statistics.median(uss), kernel_uss_min_mb=min(uss),
                     kernel_uss_max_mb=max(uss), kernel_rss_median_mb=statistics.median(i.rss / MB for i in infos))
        pss = sum(i.pss for i in infos)
        if template is not None:
            t = template.memory_full_info()
            m.update(template_rss_mb=t.rss / MB, template_uss_mb=t.uss / MB, template_pss_mb=t.pss / MB)
            pss += t.pss
        m["kernels_plus_template_pss_mb"] = pss / MB
        with contextlib.suppress(Exception):
            m["voila_rss_mb"] = server.voila().memory_info().rss / MB
        self.memory.update(m)

    def measure_rendered(self, server: Server, page: Page, key: str) -> None:
        proc = server.kernel_process(page.kernel_id) if page.kernel_id else None
        if proc is None:
            self.memory[key] = "kernel process not found"
            return
        info = proc.memory_full_info()
        self.memory[key] = {"rss_mb": info.rss / MB, "uss_mb": info.uss / MB, "pss_mb": info.pss / MB}

    async def fallback_entry_kernel(self) -> None:
        """``JAMKIT_FORK=0 --participants 1``: the one ordinary entry kernel after it rendered."""
        server = self.kit("fallback-entry", 1, fork=False)
        try:
            await server.wait_pool_full(1)
            await server.quiesce()
            await load_round(self.browser, server, [], self.kit_urls(server, 1)[1], KIT_SELECTOR,
                             inspect=lambda r: self.measure_rendered(server, r.probe, "ordinary_rendered"))
        finally:
            server.stop()

    async def kill(self, server: Server, which: str) -> None:
        """SIGKILL one process of the server; count its descendants alive 10 s later."""
        before = server.tracked()
        kernels = [p for p in before if is_kernel(p) and alive(p)]
        target = server.root if which == "leader" else server.voila()
        label = f"{server.name}: SIGKILL of {'the group leader (python -m kit serve)' if which == 'leader' else 'voila'}"
        os.kill(target.pid, signal.SIGKILL)
        await asyncio.sleep(KILL_WAIT)
        server.proc.poll()
        left = [p for p in [server.root, *before] if alive(p)]
        self.kills.append({"what": label, "kernels_before": len(kernels),
                           "kernels_left": sum(1 for p in left if is_kernel(p)),
                           "others_left": [describe(p) for p in left if not is_kernel(p)]})
        print(f"  kill: {self.kills[-1]}", flush=True)
        server.stop()  # whatever is left (we started it)

    def progress(self, scenario: Scenario) -> None:
        r = scenario.rounds[-1]
        bad = [p for p in r.pages if p.status != "ok"]
        probe = f"{r.probe.complete_s:.2f}" if r.probe.complete_s is not None else "-"
        print(f"  {scenario.name} round {len(scenario.rounds)}: probe {probe} s ({r.probe.status}), "
              f"all {r.k} complete {r.wall_s:.2f} s, {r.cpu_s / r.k:.2f} CPU-s/page"
              + (f" ({r.cpu_settled_s / r.k:.2f} until idle)" if r.cpu_settled_s is not None else "")
              + (f", {len(bad)} not ok: {[p.detail for p in bad][:3]}" if bad else ""), flush=True)

    async def main(self) -> None:
        a = self.args
        wanted = a.scenarios
        if {"cold", "fallback", "bareload", "pool"} & wanted:
            await self.start_bare()
        if "cold" in wanted:
            print(f"cold: K={a.k} against kit serve --participants 0", flush=True)
            await self.cold("cold (forked, no pool)", a.k, fork=True, kill_voila="kill" in wanted)
        if {"pool", "memory", "kill"} & wanted:
            print(f"pool: K={a.k} against kit serve --participants {a.k}", flush=True)
            await self.pool(a.k, run_rounds="pool" in wanted, measure="memory" in wanted, kill="kill" in wanted)
        if "memory" in wanted:
            print("memory: JAMKIT_FORK=0 --participants 1", flush=True)
            await self.fallback_entry_kernel()
        if "fallback" in wanted:
            print(f"fallback: K={a.fallback_k} against JAMKIT_FORK=0 kit serve --participants 0", flush=True)
            await self.cold("fallback (JAMKIT_FORK=0, no pool)", a.fallback_k, fork=False,
                            kill_voila="kill" in wanted)
        if "bareload" in wanted:
            print(f"bareload: K={a.k} against the bare notebook", flush=True)
            await self.bareload(a.k)

    def broken(self) -> list[str]:
        found = []
        for s in self.scenarios:
            found += [f"{s.name}: {p}" for p in s.summary()["problems"]]
        found += [f"bare probe: {p.status}: {p.detail}" for p in self.bare_problems]
        found += [f"{k['what']}: {k['kernels_left']} kernel(s) left" for k in self.kills if k["kernels_left"]]
        return found


# ----------------------------------------------------------------------------- report
def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def machine() -> dict:
    model = platform.processor() or "-"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "voila": package_version("voila"), "ipykernel": package_version("ipykernel"),
            "jupyter_client": package_version("jupyter_client"),
            "chromium": subprocess.run([shutil.which("chromium") or "chromium", "--version"],
                                       capture_output=True, text=True, check=False).stdout.strip() or "-",
            "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def report(run: Run, info: dict) -> str:
    lines = ["## Room benchmark (bench_room.py)", ""]
    lines += [f"- {k.replace('_', ' ')}: {v}" for k, v in info.items()]
    lines += [f"- WARNING: {w}" for w in run.warnings]
    replaced = sum(server.template_replacements() for server in run.servers)
    if replaced:
        lines.append(f"- WARNING: the kernel template was replaced {replaced} time(s) during the run "
                     "(the kit's files changed on disk, or the template died): less comparable numbers")
    rows = []
    if run.bare_probes or run.bare_problems:
        rows.append(f"| bare notebook, cold, alone | 1 | {len(run.bare_probes)} | {fmt(median(run.bare_probes))} "
                    f"| {fmt(p95(run.bare_probes))} | – | – | – | – | – | 0 | {len(run.bare_problems)} | – |")
    for s in run.scenarios:
        d = s.summary()
        rows.append(f"| {d['scenario']} | {d['k']} | {d['rounds']} | {fmt(d['probe_median_s'])} "
                    f"| {fmt(d['probe_p95_s'])} | {d['reference']} | {fmt(d['reference_median_s'])} "
                    f"| {fmt(d['ratio_p95_to_reference'])} "
                    f"| {fmt(d['all_complete_median_s'])} / {fmt(d['all_complete_max_s'])} "
                    f"| {fmt(d['cpu_s_per_page'])} / {fmt(d['cpu_s_per_page_settled'])} | {d['blank']} | {d['failed']} "
                    f"| {d['via_control']} / {d['via_per_model']} |")
    if rows:
        lines += ["", ("| scenario | K | rounds | probe median s | probe p95 s | reference | reference s "
                       "| ratio p95/ref | all K complete s (median / max) | CPU-s per page (complete / idle) "
                       "| blank | failed | widget state: control / per-model |"),
                  "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|", *rows]
    notes = [f"- {s.name}: {s.note}" for s in run.scenarios if s.note]
    if notes:
        lines += [""] + notes
    if run.kills:
        lines += ["", "| kill | kernels before | kernels alive after 10 s | other processes alive |",
                  "|---|---:|---:|---|"]
        for k in run.kills:
            lines.append(f"| {k['what']} | {k['kernels_before']} | {k['kernels_left']} "
                         f"| {', '.join(k['others_left']) or 'none'} |")
    if run.memory:
        m = run.memory
        rows = [("ready forked kernels (count)", m.get("ready_kernels")),
                ("forked kernel USS, median (min–max)",
                 f"{fmt(m.get('kernel_uss_median_mb'), 1)} ({fmt(m.get('kernel_uss_min_mb'), 1)}–"
                 f"{fmt(m.get('kernel_uss_max_mb'), 1)})" if "kernel_uss_median_mb" in m else None),
                ("forked kernel RSS, median", m.get("kernel_rss_median_mb")),
                ("template RSS / USS", f"{fmt(m.get('template_rss_mb'), 1)} / {fmt(m.get('template_uss_mb'), 1)}"
                 if "template_rss_mb" in m else None),
                ("total PSS, ready kernels + template", m.get("kernels_plus_template_pss_mb")),
                ("voila server RSS", m.get("voila_rss_mb"))]
        for key, label in (("forked_rendered", "forked kernel after rendering the start page, RSS / USS"),
                           ("ordinary_rendered", "ordinary entry kernel (JAMKIT_FORK=0) after rendering, RSS / USS")):
            v = m.get(key)
            rows.append((label, f"{fmt(v['rss_mb'], 1)} / {fmt(v['uss_mb'], 1)}" if isinstance(v, dict) else v))
        rows = [(label, value) for label, value in rows if value is not None]
        if rows:
            lines += ["", "| memory | MB |", "|---|---:|"]
            lines += [f"| {label} | {fmt(value, 1)} |" for label, value in rows]
    return "\n".join(lines)


def parse(argv=None):
    p = argparse.ArgumentParser(description="K−1 HTTP clients plus one Chromium page, all at once "
                                            "(issue 13); see the module docstring and benchmarks/README.md")
    p.add_argument("--k", type=int, default=30, help="pages at once (K−1 HTTP clients + 1 Chromium)")
    p.add_argument("--fallback-k", type=int, default=10, help="pages at once in the JAMKIT_FORK=0 scenario")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--warm-seconds", type=float, default=120,
                   help="start the pool server this long before the first pool round")
    p.add_argument("--scenarios", default="cold,pool,kill,memory,fallback",
                   help="comma-separated: cold, pool, kill, memory, fallback, bareload")
    p.add_argument("--quick", action="store_true",
                   help="K=3, one round, 5 s warm-up, no fallback; fails only on broken pages or leftover kernels")
    p.add_argument("--json", help="also write the results as JSON to this file")
    args = p.parse_args(argv)
    args.scenarios = {s.strip() for s in args.scenarios.split(",") if s.strip()}
    unknown = args.scenarios - {"cold", "pool", "kill", "memory", "fallback", "bareload"}
    if unknown:
        p.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if args.quick:
        args.k, args.fallback_k, args.rounds, args.warm_seconds = 3, 3, 1, 5
        args.scenarios.discard("fallback")
    if args.k < 1 or args.fallback_k < 1 or args.rounds < 1:
        p.error("--k, --fallback-k and --rounds must be at least 1")
    return args


async def amain(args) -> int:
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium")
    if not executable:
        print("bench_room: Debian's chromium is not installed", file=sys.stderr)
        return 2
    AsyncHTTPClient.configure(None, max_clients=max(args.k, args.fallback_k) + 10)
    # SIGTERM (like Ctrl-C) cancels the run, so that the servers started so far are stopped
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    info = machine()
    folder = Path(tempfile.mkdtemp(prefix="jamkit-room-"))
    run = None
    keep = False
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            run = Run(args, browser, folder)
            try:
                await run.main()
            finally:
                for server in run.servers:
                    server.stop()
                await browser.close()
        text = report(run, info)
        broken = run.broken()
        keep = bool(broken or run.warnings)
    except BaseException:
        keep = True
        if run is not None:
            for server in run.servers:
                print(f"--- {server.name} log (tail) ---\n{server.log()[-4000:]}", file=sys.stderr)
        raise
    finally:
        if keep:
            print(f"bench_room: the servers' logs are kept in {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "machine": info, "args": {k: sorted(v) if isinstance(v, set) else v for k, v in vars(args).items()},
            "scenarios": [s.summary() | {"rounds_detail": [asdict(r) for r in s.rounds],
                                         "references": s.references} for s in run.scenarios],
            "bare_cold_probes": run.bare_probes, "kills": run.kills, "memory": run.memory,
            "warnings": run.warnings}, indent=2, default=str))
    if broken:
        print("\nFAILED:", *broken, sep="\n  ", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    return asyncio.run(amain(parse(argv)))


if __name__ == "__main__":
    sys.exit(main())
