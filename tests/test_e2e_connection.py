"""A dropped connection loses nothing (issue 15), end to end in Debian's Chromium against
``python -m kit serve`` — a server of this test's own, since it is stopped mid-edit and started
again on the same port and the same database.

Scores and a comment typed but not saved; the server goes away: the banner says so at once
(role=alert, the page's language), Save is disabled with the reason, the app is inert; the
server comes back: the banner offers the reload; after it, the draft is offered back (never
applied silently), taken back, saved and found after another reload. Another group in the same
browser is never offered it. The stakeholder module keeps its draft over a reload too.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, VoilaServer, free_port, start_kit_server, stop_group
from tests.test_components_js import harness  # noqa: F401 - the stand-in page and model
from tests.test_e2e import TIMEOUT, axe_violations, score
from tests.test_e2e_stakeholders import add_by_pointer, field

pytestmark = pytest.mark.browser
DRAFTS = "jamkit.draft.v1:"


def start_server(folder: Path, port: int, db_url: str, n: int) -> VoilaServer:
    return start_kit_server(folder, port, db_url, "--participants", "3", name=f"voila-{n}", wait=180)


@pytest.fixture
def own_server(tmp_path):
    """A server this test may stop and start again (same port, same store)."""
    port, db_url = free_port(), f"sqlite:///{tmp_path / 'jamkit.sqlite'}"

    class Control:
        def __init__(self):
            self.servers: list[VoilaServer] = []

        @property
        def live(self) -> VoilaServer:
            return self.servers[-1]

        def start(self) -> VoilaServer:
            self.servers.append(start_server(tmp_path, port, db_url, len(self.servers)))
            return self.live

        def stop(self) -> None:
            stop_group(self.live.proc)

    control = Control()
    control.start()
    yield control
    for server in control.servers:
        if server.proc.poll() is None:
            stop_group(server.proc)


def url(server: VoilaServer, **params) -> str:
    return server.url("start.ipynb", urllib.parse.urlencode({"lang": "sv", **params}))


def open_app(page, address: str) -> None:
    page.goto(address, timeout=TIMEOUT)
    expect(page.locator(".jk-header")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".jk-savebar .jk-button")).to_be_visible(timeout=TIMEOUT)


def stored(page) -> dict:
    return page.evaluate(f"""() => Object.fromEntries(Object.keys(localStorage)
        .filter((k) => k.startsWith({json.dumps(DRAFTS)}))
        .map((k) => [k.slice({len(DRAFTS)}), JSON.parse(localStorage.getItem(k))]))""")


def wait_stored(page, text: str) -> None:
    page.wait_for_function(f"""() => Object.keys(localStorage).some((k) =>
        k.startsWith({json.dumps(DRAFTS)}) && localStorage.getItem(k).includes({json.dumps(text)}))""",
                           timeout=TIMEOUT)


def offer(page):
    return page.get_by_role("group", name=re.compile("^Den här webbläsaren har osparade ändringar från kl. \\d\\d:\\d\\d"))


def banner(page):
    return page.locator(".jk-conn[role=alert]")


def shot(page, name: str) -> None:
    """What the screen shows (the banner is at its top), for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def hidden_behind_banner(page) -> bool:
    """Whether the focused element sits (partly) under the fixed banner."""
    return page.evaluate("""() => { const a = document.activeElement, b = document.querySelector('.jk-conn');
        if (!a || !b || b.hidden) return false;
        return a.getBoundingClientRect().top < b.getBoundingClientRect().bottom && !b.contains(a); }""")


def test_a_dropped_connection_loses_nothing(page, own_server):
    control = own_server
    live = control.live
    a = url(live, module="sjalvskattning", workshop="Avbrott", group="Grupp A", role="chef")
    open_app(page, a)
    expect(banner(page)).to_be_hidden()
    score(page, 1, 3)
    score(page, 2, 4)
    score(page, 5, 2)
    comment = page.get_by_role("textbox", name="Kommentar, moment 1", exact=True)
    comment.fill("Skrivet innan servern försvann")
    comment.blur()
    wait_stored(page, "Skrivet innan servern försvann")
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile("Ändringar som inte är sparade"))
    assert page.js_errors == []
    # the facilitator's overview, in another tab
    fac = page.context.new_page()
    fac.goto(live.url("start.ipynb", "module=facilitator"), timeout=TIMEOUT)
    create = fac.locator("form").first
    create.get_by_label("Workshoppens namn").fill("Avbrott")
    create.get_by_role("button", name="Skapa workshop").click()
    ticker = fac.locator(".jk-ticker")
    expect(ticker).to_contain_text(re.compile(r"senast \d\d:\d\d"), timeout=TIMEOUT)

    # the server goes away mid-edit
    control.stop()
    expect(banner(page)).to_be_visible(timeout=15_000)
    expect(banner(page)).to_contain_text("Ingen anslutning till servern.")
    expect(banner(page)).to_contain_text("Osparat finns kvar i webbläsaren.")
    expect(page.get_by_role("button", name="Ladda om sidan")).to_be_hidden()  # nothing answers yet
    save = page.locator(".jk-savebar .jk-button")
    expect(save).to_have_attribute("aria-disabled", "true")
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(
        "⚠ Inte ansluten – osparat finns kvar")
    # the form takes no edits that would go nowhere; the save bar still says why
    assert page.locator(".jk-card").first.evaluate("n => !!n.closest('[inert]')")
    assert not page.locator(".jk-savebar").evaluate("n => !!n.closest('[inert]')")
    assert page.evaluate("getComputedStyle(document.documentElement).scrollPaddingTop") != "0px"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).paddingTop)") >= \
        banner(page).evaluate("b => b.offsetHeight") - 1
    assert axe_violations(page) == []
    shot(page, "connection-lost-1100")
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_timeout(300)
    assert banner(page).evaluate("b => b.offsetHeight") <= 0.15 * 640  # two short lines
    for part in (".jk-conn-line", ".jk-conn-kept"):  # each one line at 320 px
        line = page.locator(part).evaluate("n => [n.offsetHeight, parseFloat(getComputedStyle(n).lineHeight)]")
        assert line[0] <= line[1] * 1.2, (part, line)
    assert not hidden_behind_banner(page)
    shot(page, "connection-lost-320")
    page.set_viewport_size({"width": 1100, "height": 900})
    # the overview says since when it has not been updated, as an error, and keeps its tables
    expect(ticker.get_by_role("alert")).to_have_text(re.compile(r"^⚠ Uppdateras inte sedan \d\d:\d\d$"),
                                                     timeout=15_000)
    expect(ticker.locator(".jk-ticker-text")).to_be_hidden()
    expect(banner(fac)).to_contain_text("Ladda om sidan när servern svarar.")  # it keeps no drafts
    assert axe_violations(fac) == []
    # what stays usable is never focused behind the banner: the ticker's button, scrolled to
    # the very top of the window, comes out from under it when the keyboard reaches it
    fac.evaluate("""() => { const t = document.querySelector('.jk-ticker');
        window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY - 5); }""")
    banner(fac).focus()
    fac.keyboard.press("Tab")
    expect(ticker.get_by_role("button", name="Uppdatera nu")).to_be_focused()
    assert not hidden_behind_banner(fac)
    shot(fac, "connection-lost-facilitator")
    fac.close()

    # the server comes back on the same port and database: the banner offers the reload
    live = control.start()
    reload = page.get_by_role("button", name="Ladda om sidan")
    expect(reload).to_be_visible(timeout=20_000)
    expect(banner(page)).to_contain_text("Servern svarar igen.")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_timeout(300)
    assert banner(page).evaluate("b => b.offsetHeight") <= 0.15 * 640
    shot(page, "connection-back-320")
    page.set_viewport_size({"width": 1100, "height": 900})
    reload.click()
    expect(page.locator(".jk-header")).to_be_visible(timeout=TIMEOUT)
    asked = offer(page)
    expect(asked).to_be_visible(timeout=TIMEOUT)
    expect(banner(page)).to_be_hidden()
    # offered, not applied: the form is as saved (nothing)
    assert not page.get_by_role("group", name="Poäng för moment 1", exact=True).get_by_role(
        "radio").nth(2).is_checked()
    assert axe_violations(page) == []
    shot(page, "connection-draft-offered")
    asked.get_by_role("button", name="Ta tillbaka").click()
    expect(asked).to_be_hidden(timeout=TIMEOUT)
    expect(page.get_by_role("textbox", name="Kommentar, moment 1", exact=True)).to_have_value(
        "Skrivet innan servern försvann", timeout=TIMEOUT)
    for moment, value in ((1, 3), (2, 4), (5, 2)):
        expect(page.get_by_role("group", name=f"Poäng för moment {moment}", exact=True).get_by_role(
            "radio", name=re.compile(rf"^{value} – "))).to_be_checked()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".jk-savebar .jk-status")).to_contain_text(re.compile(r"Sparat \d\d:\d\d"), timeout=TIMEOUT)
    assert stored(page) == {}  # saved: nothing kept in the browser any more
    page.reload()
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile("Hämtade sparade svar"), timeout=TIMEOUT)
    expect(page.get_by_role("textbox", name="Kommentar, moment 1", exact=True)).to_have_value(
        "Skrivet innan servern försvann")
    expect(page.get_by_role("group", name="Poäng för moment 2", exact=True).get_by_role(
        "radio", name=re.compile("^4 – "))).to_be_checked()

    # group A again has unsaved work in this browser; group B, in the same browser, never sees it
    score(page, 7, 1)
    wait_stored(page, '"7"')
    a_key = next(iter(stored(page)))
    assert json.loads(a_key)[:3] == ["självskattning", "Avbrott", "Grupp A"]
    open_app(page, url(live, module="sjalvskattning", workshop="Avbrott", group="Grupp B", role="chef"))
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile("Inga sparade svar ännu"), timeout=TIMEOUT)
    page.wait_for_timeout(2000)  # the lookup of a draft is one round trip: give it time
    expect(offer(page)).to_have_count(0)
    assert not page.get_by_role("group", name="Poäng för moment 7", exact=True).get_by_role("radio").nth(0).is_checked()
    assert a_key in stored(page)  # still group A's, untouched
    assert page.js_errors == []


def test_the_stakeholder_page_keeps_its_draft_over_a_reload(page, own_server):
    live = own_server.live
    address = url(live, module="intressentanalys", workshop="Avbrott", group="Grupp C")
    open_app(page, address)
    add_by_pointer(page, 1, "Socialnämnden", 5, 4, "För")
    add_by_pointer(page, 2, "Facket", 3, 4, "Emot")
    field(page, "Inställning", 2).blur()
    wait_stored(page, "Facket")
    page.reload()
    asked = offer(page)
    expect(asked).to_be_visible(timeout=TIMEOUT)
    assert axe_violations(page) == []
    asked.get_by_role("button", name="Ta tillbaka").click()
    expect(field(page, "Namn", 2)).to_have_value("Facket", timeout=TIMEOUT)
    expect(field(page, "Namn", 1)).to_have_value("Socialnämnden")
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile("Ändringarna är tillbaka"), timeout=TIMEOUT)
    # "Släng" after another reload removes it from the browser
    page.reload()
    asked = offer(page)
    expect(asked).to_be_visible(timeout=TIMEOUT)
    asked.get_by_role("button", name="Släng").click()
    expect(asked).to_be_hidden(timeout=TIMEOUT)
    page.wait_for_function(f"() => !Object.keys(localStorage).some((k) => k.startsWith({json.dumps(DRAFTS)}))",
                           timeout=TIMEOUT)
    assert page.js_errors == []


# ------------------------------------------------------------------ the components alone
CUT = """() => { window.jamkitConnection = {online: false, reason: "test"};
  window.dispatchEvent(new CustomEvent("jamkit:connection", {detail: {online: false}})); }"""
BACK = """() => { window.jamkitConnection = {online: true, reason: ""};
  window.dispatchEvent(new CustomEvent("jamkit:connection", {detail: {online: true}})); }"""
CUSTOM = "(msg) => { for (const [e, fn] of [...jk.model.handlers]) if (e === 'msg:custom') fn(msg, []); }"


@pytest.fixture
def parts(harness, monkeypatch):  # noqa: F811 - the fixture imported above
    from tests import test_components_js as C

    monkeypatch.setitem(C.MINE, "Ask", "ask")
    return harness


def test_ask_is_a_named_group_heard_when_it_appears_and_hidden_when_empty(parts):
    parts.mount("ask", {"strings": {}, "text": "", "buttons": []})
    assert parts.locator(".jk-ask").evaluate("n => getComputedStyle(n).display") == "none"
    parts.kernel("buttons", [{"value": "yes", "label": "Ja, vi är Örby kommun", "kind": "primary"},
                             {"value": "no", "label": "Nej", "kind": "danger"}])
    parts.kernel("text", "Menar ni Örby kommun?")
    group = parts.get_by_role("group", name="Menar ni Örby kommun?")
    expect(group).to_be_visible()
    assert parts.locator(".jk-ask-text").get_attribute("aria-live") == "polite"
    no = group.get_by_role("button", name="Nej")
    assert "jk-button-danger" in no.get_attribute("class")
    no.focus()
    parts.kernel("buttons", [{"value": "yes", "label": "Yes", "kind": "primary"},
                             {"value": "no", "label": "No", "kind": "quiet"}])  # in place
    assert parts.evaluate("document.activeElement.textContent") == "No"
    parts.keyboard.press("Enter")
    assert parts.evaluate("jk.model.sent") == [{"event": "answer", "value": "no"}]
    parts.kernel("text", "")
    expect(group).to_be_hidden()
    assert parts.evaluate("unmount()") == {"listeners": 0, "timers": 0}
    assert parts.js_errors == []


def test_the_save_bar_keeps_drafts_only_at_their_key_and_says_when_cut_off(parts):
    parts.evaluate("""() => { localStorage.clear();
        localStorage.setItem("jamkit.draft.v1:B", JSON.stringify({payload: {"n": "B"}, at: 5})); }""")
    traits = {"strings": {"offline": "Inte ansluten", "offline_kept": "Inte ansluten – kvar i webbläsaren"},
              "total_text": "", "status": "Sparat 10:00", "status_kind": "saved", "button_label": "Spara",
              "busy": False, "draft_key": "A", "draft": None}
    parts.mount("savebar", traits)
    assert parts.evaluate("jk.model.sent") == []  # nothing stored at A: nothing sent
    parts.kernel("draft", {"key": "A", "payload": {"n": "a"}})
    assert parts.evaluate("JSON.parse(localStorage.getItem('jamkit.draft.v1:A')).payload") == {"n": "a"}
    parts.evaluate(CUT)
    button = parts.get_by_role("button", name="Spara")
    assert button.get_attribute("aria-disabled") == "true"
    assert parts.get_by_role("status").text_content() == "⚠ Inte ansluten – kvar i webbläsaren"
    button.evaluate("b => b.click()")  # (aria-disabled: a person's press still arrives)
    assert parts.evaluate("jk.model.sent") == []  # a press while cut off goes nowhere
    parts.evaluate(BACK)
    assert parts.get_by_role("status").text_content() == "✓ Sparat 10:00"
    assert button.get_attribute("aria-disabled") == "false"
    parts.kernel("draft_key", "B")  # another place: only its own draft is sent, A's stays
    assert parts.evaluate("jk.model.sent") == [{"event": "draft", "key": "B", "payload": {"n": "B"}, "at": 5}]
    parts.evaluate(CUSTOM, {"event": "forget", "key": "B"})
    assert parts.evaluate("[localStorage.getItem('jamkit.draft.v1:B'), !!localStorage.getItem('jamkit.draft.v1:A')]") == [None, True]
    assert parts.evaluate("unmount()") == {"listeners": 0, "timers": 0}
    assert parts.js_errors == []


def test_the_ticker_says_since_when_it_is_not_updated_while_cut_off(parts):
    parts.mount("ticker", {"strings": {"stale": "Uppdateras inte sedan {time}"}, "seconds": 60,
                           "text": "Uppdaterad 10:00", "kind": "info", "button_label": "Uppdatera"})
    parts.evaluate(CUT)
    alert = parts.get_by_role("alert")
    assert re.fullmatch(r"⚠ Uppdateras inte sedan \d\d:\d\d", alert.text_content())
    assert parts.locator(".jk-ticker-text").is_hidden()
    assert parts.get_by_role("button", name="Uppdatera").get_attribute("aria-disabled") == "true"
    parts.evaluate(BACK)
    assert alert.text_content() == "" and parts.locator(".jk-ticker-text").text_content() == "Uppdaterad 10:00"
    assert parts.evaluate("unmount()") == {"listeners": 0, "timers": 0}


def test_the_shell_shows_the_banner_makes_the_app_inert_and_cleans_up(parts):
    strings = {"title": "JämKit", "tagline": "", "back": "", "language_other": "In English",
               "conn_lost": "Ingen anslutning till servern.", "conn_back": "Servern svarar igen.",
               "conn_kept": "Osparat finns kvar i webbläsaren.", "conn_wait": "Ladda om sidan när servern svarar.",
               "conn_reload": "Ladda om sidan"}
    parts.mount("shell", {"strings": strings, "lang": "sv", "page_title": "T", "query": None,
                          "show_back": False, "base_url": ""})
    parts.evaluate("""() => { const f = document.createElement('div'); f.id = 'field';
        f.innerHTML = '<input aria-label="Fält">'; document.getElementById('app').append(f);
        f.querySelector('input').focus(); }""")
    expect(parts.get_by_role("alert")).to_have_count(0)
    parts.evaluate("() => window.jamkitSetConnection(false, 'test')")
    alert = parts.get_by_role("alert")
    expect(alert).to_contain_text("Ingen anslutning till servern.")
    expect(alert).to_contain_text("Ladda om sidan när servern svarar.")
    assert parts.evaluate("!!document.getElementById('field').closest('[inert]')")
    assert parts.evaluate("document.activeElement.classList.contains('jk-conn')")  # not lost to nowhere
    # the stand-in page has no server: no reload is offered
    parts.wait_for_timeout(500)
    expect(parts.get_by_role("button", name="Ladda om sidan")).to_be_hidden()
    # a pong is the kernel answering: connected again, nothing inert
    parts.evaluate(CUSTOM, {"event": "pong", "n": 1})
    expect(alert).to_be_hidden()
    assert not parts.evaluate("!!document.querySelector('[inert]')")
    assert parts.evaluate("document.body.style.paddingTop") == ""
    # the heartbeat pings the kernel; 20 s without a pong (a hung or restarted kernel) is cut off too
    parts.wait_for_function("jk.model.sent.some((m) => m.event === 'ping')", timeout=5000)
    parts.evaluate("() => { window.realNow = Date.now; Date.now = () => window.realNow() + 15000; }")
    parts.wait_for_timeout(3500)  # a ping has seen 15 s of silence: a busy kernel, not a lost one
    expect(alert).to_be_hidden()
    parts.evaluate("() => { Date.now = () => window.realNow() + 21000; }")
    expect(alert).to_be_visible(timeout=8000)
    assert parts.evaluate("window.jamkitConnection.reason") == "heartbeat"
    parts.evaluate(CUSTOM, {"event": "pong", "n": 10 ** 6})
    expect(alert).to_be_hidden()
    assert parts.evaluate("unmount()") == {"listeners": 0, "timers": 0}
    assert parts.locator(".jk-conn").count() == 0
    assert parts.js_errors == []
