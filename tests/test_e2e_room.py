"""Issue 15 in Chromium: the projector at 1920×1080 (the facilitator's page and the clean
view), the tablet and the phone (nothing cut, a small save bar, tables as cards), and the
danger actions behind their disclosures — with axe-core, the keyboard and screenshots."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from kit.domain import scores as sc
from kit.modules.facilitator import rules
from tests.conftest import shot
from tests.test_components_js import harness  # noqa: F401 - the components alone, in Chromium
from tests.test_e2e import TIMEOUT, WCAG, axe_violations, open_page, score

pytestmark = pytest.mark.browser
WORKSHOP = "Rummets workshop"
GROUPS = {"Örby kommun": 2, "Åsa region": 3, "Ekeby kommun": 1, "Dalby kommun": 4}
PROJECTOR = {"width": 1920, "height": 1080}

#: Elements whose text is cut: wider than their box, or out of the screen outside a region
#: that scrolls (a visually hidden element, inside a box of at most 1 px, is not counted).
CUT = """(selector) => {
  const hiddenAbove = (n) => { for (; n && n !== document.body; n = n.parentElement) {
    const r = n.getBoundingClientRect(); if (r.width <= 1 || r.height <= 1) return true; } return false; };
  const cut = [];
  for (const el of document.querySelectorAll(selector)) {
    if (hiddenAbove(el)) continue;
    const r = el.getBoundingClientRect();
    const inline = getComputedStyle(el).display === "inline";
    const scrolls = el.closest(".jk-table-wrap");  // a region that scrolls sideways, by keyboard too
    if ((!inline && el.scrollWidth > el.clientWidth + 1) || (!scrolls && (r.right > innerWidth + 1 || r.left < -1))) {
      cut.push([el.tagName.toLowerCase(), (el.textContent || "").trim().slice(0, 50), el.scrollWidth,
                el.clientWidth, Math.round(r.right)]);
    }
  }
  return cut;
}"""
TEXTS = (".jk-app h1, .jk-app h2, .jk-app h3, .jk-app h4, .jk-app label, .jk-app legend, .jk-app button,"
         " .jk-app .jk-button, .jk-app summary, .jk-app figcaption, .jk-app caption, .jk-app p")


def seed(server):
    """Answers for the room's groups, saved as the groups would (the store's own API)."""
    from kit.store import Store

    store = Store(server.db_url)
    for group, base in GROUPS.items():
        for occ, step in (("uppstart", 0), ("lärandeträff 1", 1)):
            store.save_answers(WORKSHOP, group, occ, None,
                               {m: {"score": max(1, min(4, base + step - (m % 2)))} for m in sc.MOMENTS})
    record = store.workshop_record(WORKSHOP)
    store.dispose()
    return record


def create_workshop(page, server):
    page.goto(server.url("start.ipynb", "module=facilitator"), timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="Processledare", exact=True)).to_be_visible(timeout=TIMEOUT)
    create = page.locator("form").first
    create.get_by_label("Workshoppens namn").fill(WORKSHOP)
    create.get_by_role("button", name="Skapa workshop").click()
    expect(page.get_by_text(re.compile("Workshoppen är skapad"))).to_be_visible(timeout=TIMEOUT)
    for group in GROUPS:
        add = page.locator("form", has=page.get_by_role("button", name="Lägg till"))
        add.get_by_label("Gruppens namn").fill(group)
        add.get_by_role("button", name="Lägg till").click()
        expect(page.locator(".jk-status", has_text=re.compile("är tillagd"))).to_contain_text(
            group, timeout=TIMEOUT)
    fkey = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["fkey"][0]
    return fkey


def refresh(page):
    page.get_by_role("button", name="Uppdatera nu").click()
    means = page.locator("table", has=page.locator("caption", has_text="Medelvärde per moment"))
    expect(means).to_be_visible(timeout=TIMEOUT)
    return means


def projector_layout(page) -> dict:
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    return page.evaluate("""() => {
      const px = (el) => parseFloat(getComputedStyle(el).fontSize);
      const app = document.querySelector('.jk-app');
      const means = [...document.querySelectorAll('table')].find(
        (t) => t.caption && t.caption.textContent.startsWith('Medelvärde per moment'));
      const chart = document.querySelector('.jk-overview-main figure img');
      const box = (el) => { const r = el.getBoundingClientRect();
        return { top: r.top + scrollY, bottom: r.bottom + scrollY, width: r.width }; };
      return { app: app.getBoundingClientRect().width, body: px(app),
               h1: px(document.querySelector('.jk-app h1')), h2: px(document.querySelector('.jk-app h2')),
               h3: px(document.querySelector('.jk-app h3')), means: box(means), chart: box(chart),
               scale: chart.getBoundingClientRect().width / chart.naturalWidth,
               pageWidth: document.documentElement.scrollWidth };
    }""")


def assert_room_sized(layout: dict):
    assert layout["app"] > 1500, layout
    assert layout["h1"] > layout["h2"] > layout["h3"] > layout["body"], layout
    assert layout["means"]["bottom"] <= 1080 and layout["chart"]["bottom"] <= 1080, layout
    # the chart is shown at (nearly) its own size: its texts (≥ 18 px drawn) stay ≥ 16 px
    assert layout["scale"] >= 0.89, layout
    assert layout["pageWidth"] <= 1920, layout


def screen(page, name: str) -> None:
    """The whole page (``shot``) and what the room sees at once: the first screen."""
    path = shot(page, name)
    page.screenshot(path=str(path.with_name(f"{name}-screen.png")))


def page_text(page) -> str:
    return page.evaluate("document.querySelector('.jk-app').innerText")


def test_the_projector_at_1920_by_1080_and_its_clean_view(browser, voila_server):
    context = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        fkey = create_workshop(page, voila_server)
        record = seed(voila_server)
        refresh(page)
        page.get_by_label("Projektorläge (stor text)").check()
        expect(page.locator(".jk-app.jk-projector")).to_have_count(1, timeout=TIMEOUT)
        expect(page.locator(".jk-overview-main")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_text(re.compile("Workshoppen är skapad"))).to_have_count(0)  # the key's notice
        assert fkey not in page_text(page)
        layout = projector_layout(page)
        screen(page, "20-projector-1920")
        assert_room_sized(layout)
        assert axe_violations(page) == []

        page.get_by_label("Anonymt läge (inga organisationsnamn)").check()
        overview = page.locator(".jk-section", has=page.get_by_role("heading", name="Översikt", exact=True))
        for group in GROUPS:
            expect(overview).not_to_contain_text(group, timeout=TIMEOUT)
        expect(page.get_by_role("link", name="Ladda ner Excel, anonymiserad (.xlsx)")).to_be_visible(timeout=TIMEOUT)
        layout = projector_layout(page)
        screen(page, "21-projector-1920-anonymous")
        assert_room_sized(layout)
        assert axe_violations(page) == []

        # the clean view: a link that opens a new tab with no key in its address or page
        link = page.get_by_role("link", name=re.compile("^Visa på projektorn"))
        assert link.get_attribute("target") == "_blank"
        with context.expect_page() as opened:
            link.click()
        view = opened.value
        view.on("pageerror", lambda exc: errors.append(str(exc)))
        expect(view.get_by_role("heading", name=WORKSHOP, level=1)).to_be_visible(timeout=TIMEOUT)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(view.url).query)
        assert query["view"] == [rules.view_token(record)] and "fkey" not in query
        expect(view.locator(".jk-app.jk-projector .jk-overview-main")).to_be_visible(timeout=TIMEOUT)
        html = view.content()
        assert fkey not in html and fkey not in view.url
        for missing in ("Exportera", "Lägg till grupp", "Ta bort", "Processledarnyckel", "Ladda ner"):
            assert missing not in page_text(view), missing
        layout = projector_layout(view)
        screen(view, "22-projector-view")
        assert_room_sized(layout)
        assert axe_violations(view) == []
        view.get_by_label("Anonymt läge (inga organisationsnamn)").check()
        view_overview = view.locator(".jk-section", has=view.get_by_role("heading", name="Översikt", exact=True))
        for group in GROUPS:
            expect(view_overview).not_to_contain_text(group, timeout=TIMEOUT)
        # a wrong token: the landing page, nothing of the workshop
        wrong = context.new_page()
        wrong.goto(voila_server.url("facilitator.ipynb", urllib.parse.urlencode(
            {"workshop": WORKSHOP, "view": "x" * 22})), timeout=TIMEOUT)
        expect(wrong.get_by_role("heading", name="Skapa en workshop")).to_be_visible(timeout=TIMEOUT)
        assert "Örby kommun" not in page_text(wrong) and "Medelvärde" not in page_text(wrong)
        assert errors == []
    finally:
        context.close()


def test_danger_actions_open_by_keyboard_and_look_like_danger(browser, voila_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(voila_server.url("start.ipynb", "module=facilitator"), timeout=TIMEOUT)
        create = page.locator("form").first
        create.get_by_label("Workshoppens namn").fill("Farlig kurs")
        create.get_by_role("button", name="Skapa workshop").click()
        toggle = page.get_by_role("button", name="Ta bort en grupp…")
        expect(toggle).to_have_attribute("aria-expanded", "false", timeout=TIMEOUT)
        expect(toggle).to_have_attribute("aria-controls", re.compile("^jk-panel-"))  # once its panel is drawn
        panel_id = toggle.get_attribute("aria-controls")
        assert panel_id and page.locator(f"#{panel_id}").count() == 1
        expect(page.get_by_label("Skriv gruppens namn igen för att bekräfta")).to_be_hidden()
        assert page.get_by_role("button", name=re.compile("^Ta bort$")).count() == 0
        toggle.focus()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        confirm = page.get_by_label("Skriv gruppens namn igen för att bekräfta")
        expect(confirm).to_be_visible()
        page.keyboard.press("Tab")  # the panel follows its button: the next stop is its form
        assert page.evaluate("document.activeElement.closest('.jk-disclosure-panel') !== null")
        remove = page.locator(f"#{panel_id}").get_by_role("button", name="Ta bort")
        expect(remove).to_have_class(re.compile("jk-button-danger"))
        assert remove.locator("[aria-hidden='true']").text_content() == "⚠"
        style = remove.evaluate("b => { const s = getComputedStyle(b); return [s.color, s.borderTopColor, s.backgroundColor]; }")
        assert style[0] == style[1] != "rgb(0, 90, 141)" and style[2] == "rgb(255, 255, 255)"  # not the main action
        workshop = page.get_by_role("button", name="Ta bort workshoppen…")
        workshop.focus()
        page.keyboard.press("Space")
        expect(workshop).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_label("Skriv workshoppens namn för att bekräfta")).to_be_visible()
        assert axe_violations(page, WCAG + ["best-practice"]) == []
        shot(page, "23-danger-open")
        # open stays open over a language switch
        page.get_by_role("button", name="In English").click()
        expect(page.get_by_role("button", name="Remove a group…")).to_have_attribute("aria-expanded", "true",
                                                                                       timeout=TIMEOUT)
        expect(page.get_by_label("Type the group's name again to confirm")).to_be_visible()
        page.get_by_role("button", name="Remove a group…").press("Enter")
        expect(page.get_by_label("Type the group's name again to confirm")).to_be_hidden()
    finally:
        context.close()


SIZES = {"768": {"width": 768, "height": 1024}, "320": {"width": 320, "height": 640}}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_tablet_and_the_phone(size, browser, voila_server):
    viewport = SIZES[size]
    narrow = viewport["width"] == 320
    context = browser.new_context(viewport=viewport, is_mobile=narrow, has_touch=narrow,
                                  device_scale_factor=2 if narrow else 1)
    try:
        # the facilitator, with groups that have saved
        page = context.new_page()
        page.goto(voila_server.url("start.ipynb", "module=facilitator"), timeout=TIMEOUT)
        create = page.locator("form").first
        create.get_by_label("Workshoppens namn").fill(f"Smal kurs {size}")
        create.get_by_role("button", name="Skapa workshop").click()
        add = page.locator("form", has=page.get_by_role("button", name="Lägg till"))
        add.get_by_label("Gruppens namn").fill("Jämställdhetsintegreringskommunen")
        add.get_by_role("button", name="Lägg till").click()
        expect(page.locator(".jk-status", has_text="är tillagd")).to_be_visible(timeout=TIMEOUT)
        from kit.store import Store

        store = Store(voila_server.db_url)
        store.save_answers(f"Smal kurs {size}", "Jämställdhetsintegreringskommunen", "uppstart", None,
                           {m: {"score": 3} for m in sc.MOMENTS})
        store.save_answers(f"Smal kurs {size}", "Jämställdhetsintegreringskommunen", "lärandeträff 1", None,
                           {m: {"score": 4} for m in sc.MOMENTS})
        store.dispose()
        refresh(page)
        status = page.locator("table.jk-status-list")
        expect(status).to_contain_text("✓")
        # who has saved, however long a name: no sideways scrolling (cards on the phone)
        assert status.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
        if narrow:
            # the status table is cards: each value named by its column, no sideways scrolling
            cell = status.locator("td").first
            assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Sparat: "'
            head = page.locator(".jk-scroll-head").first  # the caption, and that it scrolls
            expect(head).to_be_visible()
            expect(head).to_contain_text("Medelvärde per moment")
            expect(head.locator(".jk-scroll-hint")).to_have_text("↔ Svep i sidled för fler kolumner")
            wrap = head.locator("xpath=following-sibling::div[1]")
            expect(wrap).to_have_accessible_name(re.compile("^Medelvärde per moment.*Svep i sidled"))
            assert wrap.get_attribute("tabindex") == "0"
            wrap.focus()
            before = wrap.evaluate("w => w.scrollLeft")
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(200)
            assert wrap.evaluate("w => w.scrollWidth > w.clientWidth") and wrap.evaluate("w => w.scrollLeft") > before
        else:
            expect(page.locator(".jk-scroll-hint").first).to_be_hidden()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert page.evaluate(CUT, TEXTS) == []
        assert axe_violations(page) == []
        screen(page, f"24-facilitator-{size}")

        # the self-assessment: the long titles wrap, the save bar stays small
        sa = context.new_page()
        open_page(sa, voila_server, urllib.parse.urlencode(
            {"module": "sjalvskattning", "workshop": "Smal kurs", "group": f"Mobilgrupp {size}", "role": "konsensus"}))
        expect(sa.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
        score(sa, 1, 3)
        expect(sa.locator(".jk-savebar .jk-status")).to_have_class(re.compile("jk-status-unsaved"), timeout=TIMEOUT)
        sa.wait_for_timeout(300)
        assert sa.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert sa.evaluate(CUT, TEXTS) == []
        titles = sa.locator(".jk-card-title")
        assert titles.count() == 10
        bar = sa.evaluate("""() => { const b = document.querySelector('.jk-savebar').getBoundingClientRect();
            const button = document.querySelector('.jk-savebar button');
            const r = button.getBoundingClientRect();
            return { height: b.height, padding: parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom),
                     buttonFits: button.scrollWidth <= button.clientWidth && r.right <= innerWidth && r.bottom <= innerHeight,
                     button: button.textContent }; }""")
        assert bar["button"] == "Spara" and bar["buttonFits"], bar
        assert bar["height"] <= bar["padding"], bar  # a focused field scrolls clear of the bar
        if narrow:
            assert bar["height"] <= 96, bar  # at most 15 % of a 320×640 screen
        assert axe_violations(sa) == []
        screen(sa, f"25-self-assessment-{size}")
    finally:
        context.close()


# ------------------------------------------------------------------ the components alone
def test_the_disclosure_component_works_by_keyboard_and_cleans_up(harness):  # noqa: F811
    harness.mount("disclosure")
    harness.evaluate("""() => { const p = document.createElement('div'); p.className = 'jk-disclosure-panel';
        p.style.display = 'none'; p.append(Object.assign(document.createElement('input'), {name: 'x'}));
        jk.el.after(p); }""")
    button = harness.locator("button.jk-disclosure-button")
    expect(button).to_have_accessible_name("Ta bort en grupp…")  # the ▸ is decoration
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", re.compile("^jk-panel-"))
    button.focus()
    harness.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    assert harness.evaluate("jk.model.get('expanded')") is True and harness.evaluate("jk.model.saves") == 1
    assert harness.evaluate("document.querySelector('.jk-disclosure-panel').style.display") == ""
    assert harness.evaluate("document.querySelector('.jk-disclosure-panel').id") == button.get_attribute("aria-controls")
    harness.kernel("label", "Remove a group…")
    assert harness.active()[:2] == ["button", "▾Remove a group…"]  # in place: the focus stays
    harness.kernel("expanded", False)  # the kernel's word wins
    expect(button).to_have_attribute("aria-expanded", "false")
    assert harness.evaluate("document.querySelector('.jk-disclosure-panel').style.display") == "none"
    harness.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")
    assert harness.evaluate("unmount()") == {"listeners": 0, "timers": 0}
    assert harness.js_errors == []


def test_a_danger_form_says_so_with_an_icon_and_keeps_its_name(harness):  # noqa: F811
    harness.mount("form")
    assert harness.locator("button").get_attribute("class") == "jk-button jk-button-primary"
    harness.kernel("danger", True)
    button = harness.get_by_role("button", name="Skapa", exact=True)  # the ⚠ is not in its name
    expect(button).to_have_class("jk-button jk-button-danger")
    assert button.locator("[aria-hidden='true']").text_content() == "⚠"
    harness.kernel("danger", False)
    expect(button).to_have_class("jk-button jk-button-primary")
    assert button.text_content() == "Skapa"
    assert harness.evaluate("unmount()") == {"listeners": 0, "timers": 0}
