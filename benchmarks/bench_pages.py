"""Time to a usable page, as a ratio against a bare Voilà notebook timed in the same run.

    python benchmarks/bench_pages.py [--rounds 5]

Serves the kit with ``python -m kit serve`` (preheated start page) and, beside it, a bare
Voilà notebook (one ipywidgets Button; it imports pandas and matplotlib too), with the same
Voilà flags but no pool. For each page, Chromium loads it and waits until the page's first
control can be used. Prints the median seconds and the ratio kit / bare; absolute numbers
depend on the machine, the ratio much less. For a room joining at once, see bench_room.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def start(cmd, env, log):
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def timed(browser, url: str, selector: str) -> float:
    page = browser.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, state="visible", timeout=120_000)
    elapsed = time.perf_counter() - t0
    page.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    tmp = Path(tempfile.mkdtemp(prefix="jamkit-bench-"))
    env = dict(os.environ, JAMKIT_DB_URL=f"sqlite:///{tmp / 'bench.sqlite'}")
    kit_port, bare_port = free_port(), free_port()
    kit_log = open(tmp / "kit.log", "wb")
    bare_log = open(tmp / "bare.log", "wb")
    procs = [
        start([sys.executable, "-m", "kit", "serve", "--port", str(kit_port), "--no-browser"], env, kit_log),
        start([sys.executable, "-m", "voila", str(ROOT / "benchmarks" / "bare.ipynb"), f"--port={bare_port}",
               "--no-browser", "--Voila.ip=127.0.0.1"], env, bare_log),
    ]
    try:
        deadline = time.time() + 120
        while b"is filled with" not in (tmp / "kit.log").read_bytes():
            if time.time() > deadline:
                raise RuntimeError("kit serve did not fill its pool")
            time.sleep(0.5)
        wait_http(f"http://127.0.0.1:{bare_port}/")
        kit_base = f"http://127.0.0.1:{kit_port}/voila/render"
        cases = {
            "bare notebook (Button, pandas, matplotlib)": (f"http://127.0.0.1:{bare_port}/", "button.jupyter-button"),
            "start page (preheated)": (f"{kit_base}/start.ipynb?workshop=B", ".jk-modules button"),
            "self-assessment, module in start (preheated)": (
                f"{kit_base}/start.ipynb?module=sjalvskattning&workshop=B&group=G&role=chef",
                "[data-moment='10'] .jk-opt"),
            "self-assessment notebook (cold kernel)": (
                f"{kit_base}/sjalvskattning.ipynb?workshop=B&group=G&role=chef", "[data-moment='10'] .jk-opt"),
        }
        times = {name: [] for name in cases}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for _ in range(rounds):
                for name, (url, selector) in cases.items():  # interleaved: same machine state
                    times[name].append(timed(browser, url, selector))
                    time.sleep(1.5)  # let the pool refill
            browser.close()
        bare = statistics.median(times["bare notebook (Button, pandas, matplotlib)"])
        print(f"{'page':48} {'median s':>9} {'ratio':>6}")
        for name, values in times.items():
            med = statistics.median(values)
            print(f"{name:48} {med:9.2f} {med / bare:6.2f}")
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
