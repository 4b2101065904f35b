"""Shared fixtures: a temporary store, a real PostgreSQL, a Voilà server, Debian's Chromium.

Outside CI a test whose tool is missing (chromium, PostgreSQL) is skipped with the reason;
under CI (``CI=true``) it fails instead, so a green CI always means every test ran.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"


def missing(reason: str):
    """Skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """Every test gets its own SQLite store unless it asks for another."""
    monkeypatch.setenv("JAMKIT_DB_URL", f"sqlite:///{tmp_path / 'jamkit.sqlite'}")
    monkeypatch.setenv("MPLBACKEND", "Agg")


# ------------------------------------------------------------------ PostgreSQL
def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL cluster on loopback (or ``JAMKIT_TEST_PG_URL`` if given)."""
    given = os.environ.get("JAMKIT_TEST_PG_URL")
    if given:
        yield given
        return
    bindir = _pg_bin()
    if bindir is None:
        missing("PostgreSQL (initdb) is not installed: apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="jamkit-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            missing("running as root and there is no 'postgres' user to own the cluster")
        for p in (folder, sock):
            os.chown(p, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(run_as + [str(bindir / "initdb"), "-D", str(data), "-U", "jamkit",
                             "--auth=trust", "-E", "UTF8", "--locale=C"],
                   check=True, capture_output=True)
    subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                             "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 "
                                   "-c max_connections=200 -c fsync=off",
                             "-w", "start"], check=True, capture_output=True)
    try:
        subprocess.run(run_as + [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                                 "-U", "jamkit", "jamkit_test"], check=True, capture_output=True)
        yield f"postgresql+psycopg://jamkit@127.0.0.1:{port}/jamkit_test"
    finally:
        subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ Voilà
class VoilaServer:
    def __init__(self, port: int, proc: subprocess.Popen, log: Path, db_url: str):
        self.port, self.proc, self.log, self.db_url = port, proc, log, db_url
        self.base = f"http://127.0.0.1:{port}"

    def url(self, notebook: str = "start.ipynb", query: str = "") -> str:
        return f"{self.base}/voila/render/{notebook}" + (f"?{query}" if query else "")

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


def start_kit_server(folder: Path, port: int, db_url: str, *extra: str, name: str = "voila",
                     wait: int = 120) -> VoilaServer:
    """``python -m kit serve`` as a user starts it, on ``port`` with the store ``db_url``,
    returned once its pool of kernels is filled (the log in ``folder/<name>.log``)."""
    log = folder / f"{name}.log"
    env = dict(os.environ, JAMKIT_DB_URL=db_url)
    env.pop("MPLBACKEND", None)  # kernels choose the inline backend, as for a user (and fork)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kit", "serve", "--port", str(port),
                                 "--no-browser", *extra], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = VoilaServer(port, proc, log, db_url)
    deadline = time.time() + wait
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"kit serve ended early:\n{server.logs()}")
        if "is filled with" in server.logs():
            return server
        time.sleep(0.5)
    stop_group(proc)
    pytest.fail(f"kit serve did not fill its kernel pool in {wait} s:\n{server.logs()}")


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """``python -m kit serve`` as a user starts it, on a free port with its own store."""
    folder = tmp_path_factory.mktemp("voila")
    server = start_kit_server(folder, free_port(), f"sqlite:///{folder / 'jamkit.sqlite'}")
    yield server
    stop_group(server.proc)


def stop_group(proc: subprocess.Popen) -> None:
    """End a server started with ``start_new_session=True`` and all its kernels."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def http_get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.read().decode("utf-8", "replace")


# ------------------------------------------------------------------ the kit from its wheel
def install_wheel(folder: Path) -> Path:
    """The kit as a region's IT installs it: a wheel built from the files git knows (no stale
    build/ folder can slip files in), installed ``--no-deps`` into a fresh venv in ``folder``;
    returns the venv's python. The venv borrows the test environment's *dependencies* (a
    ``.pth`` line to its site-packages — not the kit, which the test install only holds as an
    editable pointer into this tree), so no second download of JupyterLab and pandas."""
    import sysconfig
    import venv

    source = folder / "source"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    for name in listed:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = folder / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
                    str(source)], check=True, cwd=folder)
    wheel = next(wheels.glob("jamkit-*.whl"))
    target = folder / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True)
    (Path(out.stdout.strip()) / "jamkit-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, cwd=folder)
    return python


# ------------------------------------------------------------------ Chromium
@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        missing("Debian's chromium is not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed: pip install -e .[test]")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True,
                                  locale="sv-SE")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (for people to look at)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
