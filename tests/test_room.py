"""A room joining at once (issue 13): ``kit serve --participants N`` and N real pages.

Ten Chromium pages open the start page at the same moment and every one becomes usable; two
pages open a module that reads the store at the same moment on a store that does not exist
yet, and neither shows an error. Each server is ended as a user ends it (its process group)
and no kernel may outlive it.

The pages are driven by Playwright's async API in a thread of their own, so that all the
``goto`` calls start together (the sync API would open them one after the other).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import ROOT, free_port, missing, stop_group

pytestmark = pytest.mark.browser

LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
ERROR_TEXTS = ("There was an error", "Något gick fel")
START_SELECTOR = ".jk-modules button"
SELF_ASSESSMENT_SELECTOR = "[data-moment='10'] .jk-opt"
PAGE_SECONDS = 120
KIT_ERROR_LOG = re.compile(r"\b(ERROR|CRITICAL) kit[.:\s]")


def _psutil():
    try:
        import psutil
    except ImportError:
        missing("psutil is not installed: pip install -e .[test]")
    return psutil


class Room:
    """``python -m kit serve --participants N`` on a free port with a store not yet created."""

    def __init__(self, folder, participants: int):
        self.participants = participants
        self.port = free_port()
        self.log_path = folder / "serve.log"
        self.store = folder / "fresh" / "jamkit.sqlite"
        self.store.parent.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("JAMKIT_FORK", "MPLBACKEND")}
        env["JAMKIT_DB_URL"] = f"sqlite:///{self.store}"
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kit", "serve", "--port", str(self.port), "--no-browser",
                 "--participants", str(participants)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.seen = {}
        self.stopped = False

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def url(self, query: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/start.ipynb?{query}"

    def wait_full(self, seconds: float = 150) -> None:
        ready = f"Redo för {self.participants} av {self.participants}"
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"kit serve ended early:\n{self.logs()}")
            if ready in self.logs():
                self.descendants()
                return
            time.sleep(0.25)
        pytest.fail(f"kit serve did not print {ready!r} in {seconds:.0f} s:\n{self.logs()[-5000:]}")

    def descendants(self) -> list:
        psutil = _psutil()
        try:
            found = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            found = []
        for p in found:
            self.seen.setdefault(p.pid, p)
        return found

    def stop(self) -> list[str]:
        """End the server's process group; the descendants ever seen that are still alive
        15 s later (then killed, so that nothing outlives the test)."""
        psutil = _psutil()
        if self.stopped:
            return []
        self.stopped = True
        self.descendants()
        stop_group(self.proc)

        def alive(p):
            try:
                return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return False

        deadline = time.time() + 15
        while time.time() < deadline and any(alive(p) for p in self.seen.values()):
            time.sleep(0.25)
        left = []
        for p in self.seen.values():
            if alive(p):
                try:
                    left.append(f"{p.pid} {p.name()} {' '.join(p.cmdline())[:120]}")
                    p.kill()
                except psutil.NoSuchProcess:
                    pass
        return left


@pytest.fixture
def room(tmp_path):
    if not shutil.which("chromium"):
        missing("Debian's chromium is not installed: apt-get install chromium")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing("playwright is not installed: pip install -e .[test]")
    _psutil()
    rooms = []

    def start(participants: int) -> Room:
        folder = tmp_path / f"room{len(rooms)}"
        folder.mkdir()
        r = Room(folder, participants)
        rooms.append(r)
        r.wait_full()
        return r

    yield start
    for r in rooms:
        r.stop()


async def _open_together(urls: list[str], selector: str) -> list[dict]:
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=LAUNCH_ARGS)
        try:
            contexts = [await browser.new_context(locale="sv-SE", viewport={"width": 1000, "height": 800})
                        for _ in urls]
            tabs = [await c.new_page() for c in contexts]
            for tab in tabs:
                tab.js_errors = []
                tab.on("pageerror", lambda exc, tab=tab: tab.js_errors.append(str(exc)))

            async def one(tab, url):
                t0 = time.perf_counter()
                result = {"url": url, "usable": False, "seconds": None, "errors": [], "detail": ""}
                try:
                    await tab.goto(url, timeout=PAGE_SECONDS * 1000)
                    left = max(1.0, PAGE_SECONDS - (time.perf_counter() - t0))
                    await tab.wait_for_selector(selector, state="visible", timeout=left * 1000)
                    result["usable"], result["seconds"] = True, round(time.perf_counter() - t0, 2)
                    await tab.wait_for_timeout(1000)  # an error shown just after the first render
                except PlaywrightTimeout as exc:
                    result["detail"] = str(exc).splitlines()[0]
                for text in ERROR_TEXTS:
                    if await tab.get_by_text(text).count():
                        result["errors"].append(text)
                result["js_errors"] = tab.js_errors
                return result

            return await asyncio.gather(*(one(tab, url) for tab, url in zip(tabs, urls)))
        finally:
            await browser.close()


def open_together(urls: list[str], selector: str) -> list[dict]:
    """Open every URL in its own browser context, all ``goto`` calls started together."""
    box: dict = {}

    def run():
        try:
            box["results"] = asyncio.run(_open_together(urls, selector))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name="room-pages")
    thread.start()
    thread.join(timeout=PAGE_SECONDS + 120)
    if thread.is_alive():
        pytest.fail("the browser pages did not finish")
    if "error" in box:
        raise box["error"]
    return box["results"]


def _check(results: list[dict], room: Room) -> None:
    bad = [r for r in results if not r["usable"] or r["errors"]]
    assert not bad, f"pages not usable or showing an error: {bad}\n--- server log ---\n{room.logs()[-6000:]}"
    errors = [line for line in room.logs().splitlines() if KIT_ERROR_LOG.search(line)]
    assert not errors, "the kit logged errors:\n" + "\n".join(errors[:20])


@pytest.mark.timeout(300)
def test_ten_participants_join_at_once(room):
    server = room(10)
    urls = [server.url(f"workshop=W&group=G{i}") for i in range(1, 11)]
    results = open_together(urls, START_SELECTOR)
    _check(results, server)
    print("seconds to a usable start page:", sorted(r["seconds"] for r in results))
    left = server.stop()
    assert not left, f"processes outlived kit serve: {left}"


@pytest.mark.timeout(300)
def test_two_pages_open_a_store_module_together_on_a_fresh_store(room):
    server = room(2)
    assert not server.store.exists()  # nothing has touched the store yet
    url = server.url("module=sjalvskattning&workshop=W&group=G&role=chef")
    results = open_together([url, url], SELF_ASSESSMENT_SELECTOR)
    _check(results, server)
    left = server.stop()
    assert not left, f"processes outlived kit serve: {left}"
