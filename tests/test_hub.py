"""A region's JupyterHub, for real (issue 19): one hub, a facilitator and two participants, the
store on PostgreSQL.

The hub is JupyterHub itself with its DummyAuthenticator (one shared password) and
SimpleLocalProcessSpawner (every user's server a local process), configurable-http-proxy in
front, and the kit's own hub configuration (``kit/share/jupyterhub/jamkit_config.py``)
loaded as the guide tells an administrator to. The users' environment is the kit installed
from its wheel into a fresh venv (what ``/opt/tljh/user`` or a single-user image holds). The
store is a database of the tests' throwaway PostgreSQL, migrated once by a schema-owning role
with ``python -m kit db migrate --grant``; the users' servers get only the runtime role.

In Chromium the facilitator logs in, creates a workshop, adds two groups and reads their
links, which go through ``/hub/user-redirect/``; one participant opens a group's link, the
other types the address and the group's code; both log in, score and save, and the
facilitator's open overview shows both. A participant is refused JupyterLab, the Jupyter
APIs, another user's server, a JupyterLab server of their own and code execution over the
kernel's websocket; every app page renders through the hub and passes axe-core. The memory
of each user's server and kernels is measured and written to
``test-artifacts/hub-memory.json`` (docs/deployment.md has the figures).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT, free_port, install_wheel, missing, stop_group

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
PASSWORD = "region-hub-test"
FACILITATOR, PARTICIPANTS = "facil", ("anna", "bo")
GROUPS = {"Örby kommun": 3, "Åsa region": 2}
TIMEOUT = 90_000
CHP_VERSION = "5"


def proxy_command() -> str:
    """configurable-http-proxy (JupyterHub's default proxy, from the npm registry): on PATH, or
    installed once into the user's cache with npm."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "jamkit-test" / "chp"
    binary = cache / "node_modules" / ".bin" / "configurable-http-proxy"
    if not binary.exists():
        npm = shutil.which("npm")
        if not npm:
            missing("npm is needed for configurable-http-proxy (JupyterHub's proxy)")
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(cache),
                               f"configurable-http-proxy@{CHP_VERSION}"], capture_output=True, text=True)
        if done.returncode or not binary.exists():
            missing(f"npm install configurable-http-proxy failed: {done.stderr[-500:]}")
    return str(binary)


def psql(url: str, *statements: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def region_db(postgres_url):
    """A database of its own with two roles: ``jamkit_owner`` owns the schema and migrates it
    (once, as the administrator would, with the installed kit's command), ``jamkit_app`` is
    what the users' servers get."""
    from sqlalchemy.engine import make_url

    admin = make_url(postgres_url)
    name = f"jamkit_hub_{uuid.uuid4().hex[:8]}"
    psql(postgres_url,
         "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jamkit_owner') THEN "
         "CREATE ROLE jamkit_owner LOGIN; END IF; "
         "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jamkit_app') THEN "
         "CREATE ROLE jamkit_app LOGIN; END IF; END $$",
         f"CREATE DATABASE {name} OWNER jamkit_owner")
    psql(admin.set(database=name).render_as_string(hide_password=False),
         "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    owner = admin.set(username="jamkit_owner", database=name).render_as_string(hide_password=False)
    app = admin.set(username="jamkit_app", database=name).render_as_string(hide_password=False)
    yield {"owner": owner, "app": app}


@pytest.fixture(scope="module")
def user_env(tmp_path_factory):
    """The users' environment: the kit from its wheel in a fresh venv."""
    folder = tmp_path_factory.mktemp("hub-users")
    python = install_wheel(folder)
    assert (python.parent / "jamkit-singleuser").exists(), "the wheel installs jamkit-singleuser"
    return python


class Hub:
    def __init__(self, url: str, proc: subprocess.Popen, log: Path, folder: Path):
        self.url, self.proc, self.log, self.folder = url, proc, log, folder

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def migrated(region_db, user_env, tmp_path_factory):
    """The administrator's one step: the owner creates the tables and grants the runtime role."""
    done = subprocess.run([str(user_env), "-m", "kit", "db", "migrate", "--url", region_db["owner"],
                           "--grant", "jamkit_app"], capture_output=True, text=True,
                          cwd=tmp_path_factory.mktemp("migrate"))
    assert done.returncode == 0, done.stdout + done.stderr
    return region_db["app"]


def hub_config(user_env: Path) -> Path:
    """The kit's hub configuration as the wheel installed it (where the guide copies it from),
    with its login page beside it."""
    out = subprocess.run([str(user_env), "-c", "import kit, os; print(os.path.dirname(kit.__file__))"],
                         check=True, capture_output=True, text=True, cwd=user_env.parent)  # not this tree
    folder = Path(out.stdout.strip()) / "share" / "jupyterhub"
    assert not str(folder).startswith(str(ROOT)), folder  # the wheel's copy, not this tree's
    assert (folder / "jamkit_templates" / "login.html").is_file(), "the wheel carries the login page"
    return folder / "jamkit_config.py"


@contextlib.contextmanager
def run_hub(folder: Path, user_env: Path, db_url: str, users: dict[str, list[str]], extra_env=None,
            extra_config: str = ""):
    """JupyterHub with the kit's configuration, its users (name → groups) on local servers."""
    port, hub_port, api_port = free_port(), free_port(), free_port()
    config = folder / "jupyterhub_config.py"
    homes = folder / "home"
    groups: dict[str, list[str]] = {}
    for name, its in users.items():
        for group in its:
            groups.setdefault(group, []).append(name)
    # the hub's configuration as a small region writes it; the kit's part is loaded, not copied
    config.write_text(f"""
c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy_command()!r}]
c.JupyterHub.db_url = "sqlite:///{folder / 'hub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{folder / 'cookie_secret'}"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allowed_users = {set(users)!r}
c.JupyterHub.load_groups = {{g: {{"users": names}} for g, names in {groups!r}.items()}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{homes}/{{username}}"
c.Spawner.environment = {{
    # the venv borrows the test environment's packages, and Voila's own templates with them
    "JUPYTER_PATH": {str(Path(sys.prefix) / 'share' / 'jupyter')!r},
}}
{'c.Spawner.args = ["--allow-root"]  # the tests run as root; Jupyter Server refuses root without it' if os.geteuid() == 0 else ''}
{extra_config}
load_subconfig({str(hub_config(user_env))!r})
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JAMKIT_"))}
    env.update(PATH=os.pathsep.join([str(user_env.parent), str(Path(sys.executable).parent), env.get("PATH", "")]),
               JAMKIT_DB_URL=db_url, **(extra_env or {}))
    env.pop("MPLBACKEND", None)
    log = folder / "hub.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=folder, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", proc, log, folder)
    try:
        deadline = time.time() + 90
        while "JupyterHub is now running" not in hub.logs():
            assert proc.poll() is None, hub.logs()
            assert time.time() < deadline, hub.logs()
            time.sleep(0.3)
        yield hub
    finally:
        stop_group(proc)
        for user in users:  # a user's server outlives a hub stopped hard
            for leftover in _user_processes(user):
                with contextlib_suppress():
                    leftover.terminate()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / f"{folder.name}.log")


@pytest.fixture(scope="module")
def hub(tmp_path_factory, user_env, migrated):
    users = {FACILITATOR: ["jamkit-lab"], **{name: [] for name in PARTICIPANTS}}
    with run_hub(tmp_path_factory.mktemp("hub"), user_env, migrated, users) as running:
        yield running


def contextlib_suppress():
    import psutil

    return contextlib.suppress(psutil.Error)


def _user_processes(user: str | None = None):
    """The processes of the hub's users' servers (and their kernels), found by the variable
    every spawner sets."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid"]):
        with contextlib_suppress():
            name = proc.environ().get("JUPYTERHUB_USER")
            if name and (user is None or name == user):
                found.append(proc)
    return found


def memory_of(user: str) -> dict:
    """A user's server and kernels: proportional (PSS) and resident (RSS) memory in MB."""
    server = {"pss": 0.0, "rss": 0.0}
    kernels = []
    for proc in _user_processes(user):
        with contextlib_suppress():
            info = proc.memory_full_info()
            size = {"pss": round(info.pss / 2**20, 1), "rss": round(info.rss / 2**20, 1)}
            if "ipykernel" in " ".join(proc.cmdline()):  # the kit's kernelspec: ipykernel_launcher
                kernels.append(size)
            else:
                server = {k: server[k] + size[k] for k in server}
    total = {k: round(server[k] + sum(kern[k] for kern in kernels), 1) for k in server}
    return {"server": server, "kernels": kernels, "total": total}


def login(context, hub: Hub, user: str, next_url: str, check: bool = False):
    """Open ``next_url`` as a person would: the hub asks who they are, then sends them on.
    With ``check``, the login page is the kit's (where it leads, in both languages) and
    passes axe-core."""
    from playwright.sync_api import expect

    from tests.test_e2e import WCAG, axe_violations

    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    page.goto(next_url, timeout=TIMEOUT)
    expect(page.locator("#username_input")).to_be_visible(timeout=TIMEOUT)
    if check:
        expect(page.locator(".jamkit-login-note [lang=sv]")).to_contain_text("logga in med ditt konto")
        assert axe_violations(page, WCAG) == []
        page.screenshot(path=str(ARTIFACTS / f"hub-login-{page.viewport_size['width']}.png"), full_page=True)
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/voila/render/"), timeout=TIMEOUT)
    return page


def test_a_facilitator_and_two_participants_on_one_hub(browser, hub):
    from playwright.sync_api import expect

    from tests.test_e2e import WCAG, axe_violations, fill_all, save

    contexts = []
    memory = {}
    try:
        # -- the facilitator: the hub's login, then their own server's facilitator page
        fac_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
        contexts.append(fac_ctx)
        fac = login(fac_ctx, hub, FACILITATOR,
                    f"{hub.url}/hub/user-redirect/voila/render/start.ipynb?module=facilitator", check=True)
        expect(fac.get_by_role("heading", name="Processledare", exact=True)).to_be_visible(timeout=TIMEOUT)
        assert axe_violations(fac, WCAG) == []
        create = fac.locator("form").first
        create.get_by_label("Workshoppens namn").fill("Regionens kurs")
        create.get_by_label("Datum, tillfälle 1").fill("2027-02-01")
        create.get_by_role("button", name="Skapa workshop").click()
        expect(fac.get_by_text(re.compile("Workshoppen är skapad"))).to_be_visible(timeout=TIMEOUT)
        for group in GROUPS:
            add = fac.locator("form", has=fac.get_by_role("button", name="Lägg till"))
            add.get_by_label("Gruppens namn").fill(group)
            add.get_by_role("button", name="Lägg till").click()
            expect(fac.locator(".jk-link-label", has_text=f"Grupp: {group}")).to_be_visible(timeout=TIMEOUT)
        redirect = f"{hub.url}/hub/user-redirect/voila/render/start.ipynb"
        links, codes = {}, {}
        for group in GROUPS:
            card = fac.locator(".jk-link-card", has=fac.locator(".jk-link-label", has_text=f"Grupp: {group}"))
            links[group] = card.locator("a.jk-url").get_attribute("href")
            codes[group] = card.locator(".jk-join-code").text_content()
            assert links[group].startswith(redirect + "?") and "gkey=" in links[group], links[group]
            assert f"/user/{FACILITATOR}/" not in links[group]
        address = fac.locator(".jk-join").get_by_text(redirect, exact=True)
        expect(address.first).to_be_visible()
        assert axe_violations(fac, WCAG) == []
        fac.screenshot(path=str(ARTIFACTS / "hub-facilitator-links.png"), full_page=True)

        # -- anna opens her group's link; bo types the address and his group's code
        (first, first_score), (second, second_score) = GROUPS.items()
        participants = {}
        for user, group, score in ((PARTICIPANTS[0], first, first_score), (PARTICIPANTS[1], second, second_score)):
            ctx = browser.new_context(viewport={"width": 768, "height": 1024}, locale="sv-SE")
            contexts.append(ctx)
            if user == PARTICIPANTS[0]:
                page = login(ctx, hub, user, links[group], check=True)  # a tablet
                expect(page.get_by_role("heading", name="Välkommen till JämKit")).to_be_visible(timeout=TIMEOUT)
                expect(page.get_by_label("Organisation eller grupp")).to_have_value(group, timeout=TIMEOUT)
            else:
                page = login(ctx, hub, user, redirect)
                field = page.get_by_label("Kod", exact=True)
                expect(field).to_be_visible(timeout=TIMEOUT)
                field.fill(codes[group])
                page.get_by_role("button", name="Gå med").click()
                expect(page.get_by_label("Organisation eller grupp")).to_have_value(group, timeout=TIMEOUT)
            assert page.url.startswith(f"{hub.url}/user/{user}/voila/render/start.ipynb")
            assert axe_violations(page, WCAG) == []
            page.get_by_role("button", name="Öppna Självskattning").click()
            expect(page.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
            page.get_by_role("group", name="Roll").locator("label", has_text="Gruppen (konsensus)").click()
            fill_all(page, [score] * 10)
            save(page)
            assert axe_violations(page, WCAG) == []
            page.screenshot(path=str(ARTIFACTS / f"hub-participant-{user}.png"), full_page=True)
            assert page.js_errors == []
            participants[user] = page

        # -- the facilitator's open overview shows both, from the other servers' saves
        table = fac.locator("table.jk-status-list")
        for group in GROUPS:
            expect(table.locator("tr", has=fac.locator("th", has_text=group))).to_contain_text(
                re.compile(r"✓ \d\d:\d\d"), timeout=TIMEOUT)
        means = fac.locator("table", has=fac.locator("caption", has_text="Medelvärde per moment"))
        expect(means.locator("tr.jk-total-row")).to_contain_text("25,0", timeout=TIMEOUT)
        fac.screenshot(path=str(ARTIFACTS / "hub-facilitator-overview.png"), full_page=True)
        assert fac.js_errors == []
        # the projector's view, opened on a computer logged in as somebody else (bo's here):
        # through the hub's redirect it opens on that user's own server, with no key
        href = fac.get_by_role("link", name=re.compile("^Visa på projektorn")).get_attribute("href")
        from urllib.parse import urljoin

        href = urljoin(fac.url, href)  # absolute once the browser has said where the page is
        assert href.startswith(f"{hub.url}/hub/user-redirect/voila/render/facilitator.ipynb?") and "fkey" not in href
        projector = participants[PARTICIPANTS[1]].context.new_page()
        projector.goto(href, timeout=TIMEOUT)
        assert projector.url.startswith(f"{hub.url}/user/{PARTICIPANTS[1]}/voila/render/facilitator.ipynb")
        expect(projector.get_by_role("heading", name="Regionens kurs", level=1)).to_be_visible(timeout=TIMEOUT)
        overview = projector.locator(".jk-app.jk-projector .jk-overview-main")
        expect(overview).to_be_visible(timeout=TIMEOUT)
        for group in GROUPS:
            expect(projector.locator(".jk-section", has=projector.get_by_role("heading", name="Översikt", exact=True))
                   ).to_contain_text(group, timeout=TIMEOUT)
        assert axe_violations(projector, WCAG) == []
        projector.close()

        # -- memory: a participant after saving; the facilitator with a second page open
        for user in PARTICIPANTS:
            memory[user] = memory_of(user)
        second_page = fac_ctx.new_page()
        second_page.goto(f"{hub.url}/user/{FACILITATOR}/voila/render/start.ipynb", timeout=TIMEOUT)
        expect(second_page.get_by_role("heading", name="Välkommen till JämKit")).to_be_visible(timeout=TIMEOUT)
        time.sleep(2)
        memory[FACILITATOR] = memory_of(FACILITATOR)

        # -- what a participant may not do
        anna = participants[PARTICIPANTS[0]]
        refused_code_execution(anna, hub)
        request = anna.context.request
        for path in ("lab", "tree", "api/contents", "api/kernelspecs", "api/terminals", "terminals/1"):
            response = request.get(f"{hub.url}/user/{PARTICIPANTS[0]}/{path}", max_redirects=0)
            assert response.status in (403, 404, 405), (path, response.status)
        started = request.post(f"{hub.url}/user/{PARTICIPANTS[0]}/api/kernels", data="{}", max_redirects=0)
        assert started.status in (403, 404, 405), started.status
        other = request.get(f"{hub.url}/user/{FACILITATOR}/voila/render/start.ipynb", max_redirects=0)
        assert other.status in (302, 403), other.status  # the hub's login would refuse her
        if other.status == 302:
            followed = request.get(f"{hub.url}/user/{FACILITATOR}/voila/render/start.ipynb")
            assert followed.status == 403 or f"/user/{FACILITATOR}/voila" not in followed.url
        # no JupyterLab server of her own either (only the group jamkit-lab may have one)
        lab = anna.context.new_page()
        lab.goto(f"{hub.url}/hub/spawn/{PARTICIPANTS[0]}/lab", timeout=TIMEOUT)
        lab.wait_for_timeout(1500)
        assert "/user/anna/lab" not in lab.url
        assert not any("jupyterhub-singleuser" in " ".join(p.cmdline()) for p in _user_processes(PARTICIPANTS[0]))
        assert "JupyterLab is for the group jamkit-lab only" in hub.logs()

        # -- the lab group's JupyterLab: a second server, without the apps' database
        lab = fac_ctx.new_page()
        lab.goto(f"{hub.url}/hub/spawn/{FACILITATOR}/lab", timeout=TIMEOUT)
        lab.wait_for_url(re.compile(rf"/user/{FACILITATOR}/lab/lab"), timeout=TIMEOUT)
        expect(lab.locator("#jp-main-dock-panel, .jp-LabShell").first).to_be_attached(timeout=TIMEOUT)
        servers = {}  # each server's own process: the root of its tree (Lab starts node helpers)
        found = _user_processes(FACILITATOR)
        pids = {proc.pid for proc in found}
        for proc in found:
            with contextlib_suppress():
                if proc.ppid() not in pids:
                    servers[proc.environ().get("JUPYTERHUB_SERVER_NAME", "")] = proc
        assert set(servers) == {"", "lab"}, servers
        assert "jupyterhub-singleuser" in " ".join(servers["lab"].cmdline())
        assert "JAMKIT_DB_URL" not in servers["lab"].environ()  # Lab never holds the apps' role
        assert servers[""].environ()["JAMKIT_DB_URL"].startswith("postgresql")
        lab.wait_for_timeout(1500)
        info = servers["lab"].memory_full_info()
        memory["a JupyterLab server (lab group), Lab open"] = {"pss": round(info.pss / 2**20, 1),
                                                                "rss": round(info.rss / 2**20, 1)}
        lab.close()

        # -- every app page in Chromium through the hub: it renders, and axe finds nothing
        for notebook in sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")):
            if notebook in ("start.ipynb", "facilitator.ipynb"):
                continue  # above, with the workshop in them
            view = anna.context.new_page()
            view.goto(f"{hub.url}/user/{PARTICIPANTS[0]}/voila/render/{notebook}", timeout=TIMEOUT)
            expect(view.locator(".jk-header")).to_be_visible(timeout=TIMEOUT)
            assert axe_violations(view, WCAG) == [], notebook
            view.close()

        # -- every app page renders through the hub (the wheel's pages, on the hub's image),
        #    each left open as a tab killed without closing leaves its kernel
        for notebook in sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")):
            response = request.get(f"{hub.url}/user/{PARTICIPANTS[0]}/voila/render/{notebook}", timeout=TIMEOUT)
            body = response.text()
            assert response.status == 200, notebook
            assert "application/vnd.jupyter.widget-view+json" in body, notebook
            for bad in ("error when executing", "Traceback", "FileNotFoundError"):
                assert bad not in body, (notebook, bad)
        time.sleep(2)
        memory[f"{PARTICIPANTS[0]}, every app page left open"] = memory_of(PARTICIPANTS[0])
    finally:
        for ctx in contexts:
            ctx.close()
        if memory:
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "hub-memory.json").write_text(json.dumps(memory, indent=2))
            print("hub memory (MB):", json.dumps(memory))
    logs = hub.logs()
    assert "Traceback" not in logs, logs[-4000:]
    assert "execute_request" in logs and "not allowed" in logs  # Voilà said why it dropped it


def refused_code_execution(page, hub: Hub) -> None:
    """Over the kernel's own websocket (the one the page uses), a kernel_info_request is
    answered — the socket works — but an execute_request is dropped: no reply, and the
    code's file is never written."""
    marker = hub.folder / f"executed-{uuid.uuid4().hex}"
    result = page.evaluate("""async ([marker]) => {
        const links = [...document.querySelectorAll('script')].map(s => s.textContent).join('\\n');
        const found = links.match(/"kernelId":\\s*"([0-9a-f-]{36})"/) || links.match(/kernel_id["']?\\s*[:=]\\s*["']([0-9a-f-]{36})/);
        if (!found) return {error: 'no kernel id on the page'};
        const base = location.pathname.replace(/voila\\/render\\/.*$/, '');
        const url = `ws://${location.host}${base}api/kernels/${found[1]}/channels?session_id=${crypto.randomUUID()}`;
        const socket = new WebSocket(url);
        const seen = [];
        socket.onmessage = (event) => { try { seen.push(JSON.parse(event.data).header.msg_type); } catch (e) {} };
        await new Promise((ok, bad) => { socket.onopen = ok; socket.onerror = () => bad(new Error('socket')); });
        const message = (type, content) => JSON.stringify({
          header: {msg_id: crypto.randomUUID(), username: '', session: 'probe', msg_type: type, version: '5.3',
                   date: new Date().toISOString()},
          parent_header: {}, metadata: {}, content, channel: 'shell', buffers: []});
        socket.send(message('kernel_info_request', {}));
        socket.send(message('execute_request', {code: `open(${JSON.stringify(marker)}, 'w').write('x')`,
          silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true}));
        await new Promise(ok => setTimeout(ok, 4000));
        socket.close();
        return {seen};
    }""", [str(marker)])
    assert "error" not in result, result
    assert "kernel_info_reply" in result["seen"], result
    assert "execute_reply" not in result["seen"] and "execute_input" not in result["seen"], result
    assert not marker.exists()


def test_the_culler_stops_a_left_server_and_keeps_an_open_one(browser, user_env, migrated, tmp_path):
    """The plain hub's culler (``JAMKIT_CULL_SECONDS``, jupyterhub-idle-culler as a hub service):
    the server of someone who closed the tab is stopped after the timeout; the server of an
    open page, whose heartbeat passes the proxy, is kept. The timeout is 20 s here, 1800 in
    the guide."""
    from playwright.sync_api import expect

    pytest.importorskip("jupyterhub_idle_culler")
    users = {"carl": [], "dora": []}
    with run_hub(tmp_path, user_env, migrated, users, {"JAMKIT_CULL_SECONDS": "20"},
                 "c.JupyterHub.last_activity_interval = 5") as hub:
        pages = {}
        for user in users:
            ctx = browser.new_context(viewport={"width": 1024, "height": 768})
            pages[user] = login(ctx, hub, user, f"{hub.url}/hub/user-redirect/voila/render/start.ipynb")
            expect(pages[user].get_by_role("heading", name="Välkommen till JämKit")).to_be_visible(timeout=TIMEOUT)
        assert _user_processes("carl") and _user_processes("dora")
        pages["carl"].context.close()  # carl leaves
        deadline = time.time() + 120
        while _user_processes("carl"):
            assert time.time() < deadline, hub.logs()[-3000:]
            time.sleep(2)
        # dora's page is still open: kept, for longer than the timeout after carl's went (her
        # last page load is as old as carl's; only her page's heartbeat through the proxy counts)
        kept_until = time.time() + 30
        while time.time() < kept_until:
            assert _user_processes("dora"), hub.logs()[-3000:]
            time.sleep(2)
        assert "jamkit-idle-culler" in hub.logs()
        expect(pages["dora"].get_by_role("heading", name="Välkommen till JämKit")).to_be_visible()
        pages["dora"].context.close()
