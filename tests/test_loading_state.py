"""No page is ever blank: the template's loading state and its watchdog (issue 13).

From the first bytes a page says in its own language that JämKit is starting; a page whose
app does not come up says so and reloads itself, at most three times. In Debian's Chromium,
against plain Voilà with the kit's template serving notebooks that never show an app, and
against ``python -m kit serve`` for a page that does.

The watchdog's delays are shortened with the test-only URL parameter ``jk_watchdog=N``: the
first warning comes after N seconds instead of 20 and every other delay shrinks alike
(kit/share/jupyter/voila/templates/jamkit/loading.macro.html.j2).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from playwright.sync_api import expect

from kit import serve
from tests.conftest import VoilaServer, free_port, shot, stop_group

pytestmark = pytest.mark.browser
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

STARTING = {"sv": "Startar JämKit …", "en": "Starting JämKit …"}
SLOW = {"sv": "Det tar längre tid än vanligt.", "en": "This is taking longer than usual."}
BROKEN = {"sv": "Något gick fel när sidan startade.", "en": "Something went wrong while starting the page."}
RELOADS_IN = {"sv": re.compile(r"Sidan laddas om av sig själv om \d+ sekund(er)? \(omladdning 1 av 3\)\."),
              "en": re.compile(r"The page will reload by itself in \d+ seconds? \(reload 1 of 3\)\.")}
GAVE_UP = {"sv": "Sidan har laddats om 3 gånger utan att komma igång.",
           "en": "The page has been reloaded 3 times without starting."}
RELOAD_NOW = {"sv": "Ladda om nu", "en": "Reload now"}

# notebooks whose app never comes up: one never finishes, one finishes without a widget,
# one fails in a cell (Voilà then shows "There was an error when executing cell")
NOTEBOOKS = {"slow.ipynb": "import time\ntime.sleep(900)",
             "plain.ipynb": 'print("x")',
             "boom.ipynb": "raise RuntimeError('boom')"}


@pytest.fixture(scope="module")
def stuck_server(tmp_path_factory):
    """Plain Voilà with the kit's template (found the way ``kit serve`` finds it) on notebooks
    that never show a ``.jk-app``."""
    folder = tmp_path_factory.mktemp("stuck")
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    for name, source in NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                               "display_name": "Python 3"}})
        nb.cells = [nbformat.v4.new_markdown_cell("# Test"), nbformat.v4.new_code_cell(source)]
        nbformat.write(nb, notebooks / name)
    port = free_port()
    log = folder / "voila.log"
    env = serve.environment() | {"JAMKIT_DB_URL": f"sqlite:///{folder / 'jamkit.sqlite'}", "MPLBACKEND": "Agg"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "voila", str(notebooks), f"--port={port}",
                                 "--no-browser", "--template=jamkit", "--theme=light", "--Voila.ip=127.0.0.1",
                                 "--VoilaConfiguration.show_tracebacks=False"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = VoilaServer(port, proc, log, env["JAMKIT_DB_URL"])
    deadline = time.time() + 60
    while "is running at" not in server.logs():
        if proc.poll() is not None or time.time() > deadline:
            stop_group(proc)
            pytest.fail(f"voila did not start:\n{server.logs()}")
        time.sleep(0.3)
    yield server
    stop_group(proc)


def first_bytes(url: str, until: str = '<main id="rendered_cells"', timeout: float = 30) -> str:
    """What the server has sent when ``until`` arrives: for a notebook that never finishes, the
    page as far as it gets before the kernel has done anything."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        data = b""
        deadline = time.time() + timeout
        while until.encode() not in data:
            chunk = response.read1(65536)
            if not chunk or time.time() > deadline:
                break
            data += chunk
    return data.decode("utf-8", "replace")


def axe_violations(page, tags=WCAG):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]


def new_page(browser, lang="sv", **options):
    context = browser.new_context(viewport=options.pop("viewport", {"width": 1100, "height": 800}),
                                  locale="sv-SE" if lang == "sv" else "en-GB", **options)
    page = context.new_page()
    page.documents, page.requests, page.js_errors = [], [], []
    page.on("request", lambda r: (page.requests.append(r.url),
                                  r.resource_type == "document" and page.documents.append(r.url)))
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return page


def only_local(page, server) -> list[str]:
    return [u for u in page.requests if not u.startswith((server.base, "data:", f"blob:{server.base}"))]


# ------------------------------------------------------------------ (a) the first bytes
def test_the_first_bytes_already_say_starting_in_swedish_and_english(stuck_server, voila_server):
    html = first_bytes(stuck_server.url("slow.ipynb"))  # the kernel sleeps: nothing else has come
    assert '<main id="rendered_cells"' in html
    assert '<html lang="sv">' in html  # Swedish unless the address says otherwise
    loading = html[html.index('id="jk-loading"'):]
    assert '<span lang="sv">Startar JämKit …</span>' in loading
    assert 'role="status"' in loading and 'aria-live="polite"' in loading
    # the language is settled in <head>, before the loading state is read
    assert html.index("document.documentElement.lang =") < html.index('id="jk-loading"')
    for word in ("Executing", "Running"):
        assert word not in html, word
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN

    # ?lang=en: the same bytes carry the English message (a preheated page is rendered before
    # its request arrives, so the language is chosen in the browser; see the next test)
    english = first_bytes(stuck_server.url("slow.ipynb", "lang=en"))
    assert '<span lang="en">Starting JämKit …</span>' in english
    assert "Executing" not in english and "Running" not in english

    # the kit's own start page, from a preheated kernel, says the same
    start = first_bytes(voila_server.url("start.ipynb"))
    assert '<span lang="sv">Startar JämKit …</span>' in start and '<html lang="sv">' in start
    assert "Executing" not in start and "Running" not in start


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_loading_state_shows_in_the_page_language_from_the_first_paint(browser, stuck_server, lang):
    page = new_page(browser, lang)
    try:
        page.goto(stuck_server.url("slow.ipynb", "" if lang == "sv" else "lang=en"), wait_until="commit")
        status = page.get_by_role("status")
        expect(status).to_have_text(STARTING[lang])
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.locator("#jk-loading").inner_text().strip() == STARTING[lang]  # only one language shows
        spinner = page.locator(".jk-loading-spinner")
        expect(spinner).to_be_visible()
        assert spinner.get_attribute("aria-hidden") == "true"
        assert spinner.evaluate("e => getComputedStyle(e).animationName") == "jk-loading-spin"
        assert only_local(page, stuck_server) == []
    finally:
        page.context.close()


def test_the_spinner_stands_still_for_reduced_motion(browser, stuck_server):
    page = new_page(browser, reduced_motion="reduce")
    try:
        page.goto(stuck_server.url("slow.ipynb"), wait_until="commit")
        spinner = page.locator(".jk-loading-spinner")
        expect(spinner).to_be_visible()
        assert spinner.evaluate("e => getComputedStyle(e).animationName") == "none"
    finally:
        page.context.close()


# ------------------------------------------------------------------ (b) the watchdog
@pytest.mark.timeout(240)
@pytest.mark.parametrize("notebook,lang,lead", [("slow.ipynb", "sv", SLOW["sv"]),
                                                ("plain.ipynb", "en", BROKEN["en"])],
                         ids=["never-finishes-sv", "finishes-without-widget-en"])
def test_a_page_that_never_comes_up_says_so_and_reloads_itself_three_times(browser, stuck_server,
                                                                           notebook, lang, lead):
    page = new_page(browser, lang)
    query = "jk_watchdog=2" + ("&lang=en" if lang == "en" else "")
    try:
        page.goto(stuck_server.url(notebook, query), wait_until="commit")
        status = page.get_by_role("status")
        expect(status).to_contain_text(lead, timeout=20_000)
        expect(status).to_contain_text(RELOADS_IN[lang])
        expect(page.get_by_role("timer")).to_have_text(re.compile(r"^\d+ (sekund|second)"))
        expect(page.get_by_role("button", name=RELOAD_NOW[lang], exact=True)).to_be_visible()

        box = page.locator("#jk-loading")
        expect(box).to_have_attribute("data-state", "gave-up", timeout=150_000)
        assert len(page.documents) == 4, page.documents  # the first load and three reloads
        assert set(page.documents) == {stuck_server.url(notebook, query)}  # the same address
        assert page.evaluate("window.jkWatchdog.reloads") == 3
        expect(status).to_contain_text(lead)
        expect(status).to_contain_text(GAVE_UP[lang])
        shot(page, f"07-loading-gave-up-{lang}")
        page.wait_for_timeout(4_000)  # 40 s at the real pace: it has stopped
        assert len(page.documents) == 4

        # the button still works, and another failure does not start the round again
        page.get_by_role("button", name=RELOAD_NOW[lang], exact=True).click()
        expect(box).to_have_attribute("data-state", "gave-up", timeout=30_000)
        assert len(page.documents) == 5
        assert only_local(page, stuck_server) == []
    finally:
        page.context.close()


def test_a_failed_cell_counts_as_not_up(browser, stuck_server):
    page = new_page(browser)
    try:
        page.goto(stuck_server.url("boom.ipynb", "jk_watchdog=2"), wait_until="commit")
        expect(page.get_by_role("status")).to_contain_text(BROKEN["sv"], timeout=20_000)
        expect(page.locator("#rendered_cells")).to_contain_text("There was an error when executing cell")
        page.wait_for_function("() => window.jkWatchdog && window.jkWatchdog.reloads === 1", timeout=30_000)
        assert len(page.documents) == 2
    finally:
        page.context.close()


# ------------------------------------------------------------------ (c) a page that comes up
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_kit_page_that_comes_up_is_neither_warned_nor_reloaded(browser, voila_server, lang):
    page = new_page(browser, lang)
    # an earlier failed round on this address: coming up forgets it
    key = "jk-watchdog:/voila/render/start.ipynb?" + ("jk_watchdog=15" if lang == "sv" else "lang=en&jk_watchdog=15")
    page.add_init_script(f"""
      sessionStorage.setItem({json.dumps(key)}, JSON.stringify({{n: 2, t: Date.now()}}));
      window.__states = [];
      new MutationObserver(() => {{
        const box = document.getElementById("jk-loading");
        if (box && window.__states[window.__states.length - 1] !== box.dataset.state) window.__states.push(box.dataset.state);
      }}).observe(document, {{subtree: true, childList: true, attributes: true}});
      // frames in which neither the loading state nor the app is on screen
      window.__blank = 0;
      let seen = false;
      const shown = el => !!el && el.getBoundingClientRect().height > 0;
      (function frame() {{
        const box = document.getElementById("jk-loading");
        seen = seen || shown(box);
        if (seen && !shown(box) && !shown(document.querySelector(".jk-app"))) window.__blank++;
        if (!shown(document.querySelector(".jk-app"))) requestAnimationFrame(frame);
      }})();
    """)
    try:
        started = time.time()
        page.goto(voila_server.url("start.ipynb", key.split("?", 1)[1]), wait_until="commit")
        expect(page.get_by_role("status")).to_have_text(STARTING[lang])
        heading = {"sv": "Välkommen till JämKit", "en": "Welcome to JämKit"}[lang]
        expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=60_000)
        expect(page.locator("#jk-loading")).to_have_count(0)  # the loading state is gone
        assert page.evaluate("window.jkWatchdog.state") == "up"
        assert page.evaluate(f"sessionStorage.getItem({json.dumps(key)})") is None
        # past the (shortened) 15 s warning and some more: nothing happens
        page.wait_for_timeout(max(0, 18 - (time.time() - started)) * 1000)
        assert page.evaluate("window.__states") == ["loading"]
        assert page.evaluate("window.__blank") == 0  # never blank between the two
        assert len(page.documents) == 1
        assert page.get_by_text(SLOW[lang]).count() == 0 and page.get_by_text(BROKEN[lang]).count() == 0
        assert only_local(page, voila_server) == []
        assert page.js_errors == []
    finally:
        page.context.close()


# ------------------------------------------------------------------ (d) accessibility
@pytest.mark.timeout(240)
@pytest.mark.parametrize("lang,width,height", [("sv", 320, 640), ("en", 1280, 800)])
def test_the_loading_states_pass_axe(browser, stuck_server, lang, width, height):
    page = new_page(browser, lang, viewport={"width": width, "height": height})
    query = "jk_watchdog=3" + ("&lang=en" if lang == "en" else "")
    try:
        page.goto(stuck_server.url("slow.ipynb", query), wait_until="commit")
        expect(page.get_by_role("status")).to_have_text(STARTING[lang])
        assert axe_violations(page) == []
        shot(page, f"07-loading-{lang}-{width}px")
        expect(page.get_by_role("status")).to_contain_text(SLOW[lang], timeout=20_000)
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.get_by_role("button", name=RELOAD_NOW[lang], exact=True).bounding_box()["height"] >= 44
        shot(page, f"07-loading-slow-{lang}-{width}px")
        page.goto(stuck_server.url("plain.ipynb", query), wait_until="commit")
        expect(page.get_by_role("status")).to_contain_text(BROKEN[lang], timeout=20_000)
        assert axe_violations(page) == []
        expect(page.locator("#jk-loading")).to_have_attribute("data-state", "gave-up", timeout=120_000)
        assert axe_violations(page) == []
    finally:
        page.context.close()
