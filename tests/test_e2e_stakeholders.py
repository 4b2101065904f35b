"""Intressentanalys end to end in Debian's Chromium, against ``python -m kit serve``: five
stakeholders (one with a hostile name), the grid and its text, a rating changed and the
point moved, an own strategy with its reason, the plan edited, saved, reloaded and found —
once with the pointer and once by keyboard alone."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import shot
from tests.test_e2e import TIMEOUT, axe_violations, open_page
from tests.test_e2e_editors import active

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert(1)>"
PEOPLE = [("Socialnämnden", 5, 4, "För"), ("Enhetschefer", 4, 2, "Emot"),
          ("Undersköterskor", 2, 5, "Okänd"), (HOSTILE, 2, 2, "Neutral"),
          ("Pensionärsföreningen", 1, 4, "För")]


def words(page) -> str:
    """The grid in words (the figure's text alternative, shown under a disclosure)."""
    details = page.locator("details.jk-grid-words")
    expect(details).to_be_visible(timeout=TIMEOUT)
    return details.evaluate("d => d.textContent")


def grid_src(page) -> str:
    img = page.locator("figure.jk-grid img")
    expect(img).to_be_visible(timeout=TIMEOUT)
    return img.get_attribute("src")


def step(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def field(page, label, n):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}, rad {n}(:|$)"))


def add_by_pointer(page, n, name, power, interest, attitude):
    page.get_by_role("button", name=re.compile("Lägg till rad")).click()
    box = field(page, "Namn", n)
    expect(box).to_be_focused()
    box.fill(name)
    box.press("Tab")
    field(page, "Makt/inflytande", n).fill(str(power))
    field(page, "Intresse", n).fill(str(interest))
    field(page, "Inställning", n).select_option(label=attitude)


def assert_inert(page):
    """The hostile name is text wherever it goes: no element it could have made."""
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("window.__pwned === undefined")


def saved(page):
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile(r"Sparat \d\d:\d\d"),
                                                                timeout=TIMEOUT)


def test_stakeholder_analysis_by_pointer(page, voila_server):
    open_page(page, voila_server, "module=intressentanalys&workshop=E2E-intressent&group=Grupp+1")
    expect(page.get_by_role("heading", name="Intressentanalys", level=1)).to_be_visible()
    for n, person in enumerate(PEOPLE, start=1):
        add_by_pointer(page, n, *person)
    expect(field(page, "Namn", 4)).to_have_value(HOSTILE)
    assert axe_violations(page) == []
    step(page, "Nästa")
    text = words(page)
    assert "Socialnämnden (makt 5, intresse 4, för)" in text and HOSTILE in text
    before = grid_src(page)
    assert_inert(page)
    assert axe_violations(page) == []
    shot(page, "stakeholders-grid-1280")
    # a rating changed: the point moves to another square
    step(page, "Tillbaka")
    field(page, "Intresse", 1).fill("1")
    field(page, "Intresse", 1).press("Tab")
    step(page, "Nästa")
    expect(page.locator("details.jk-grid-words")).to_contain_text("Socialnämnden (makt 5, intresse 1, för)",
                                                               timeout=TIMEOUT)
    assert re.search(r"Håll nöjd: [^\n]*Socialnämnden", words(page))
    assert grid_src(page) != before
    # an own strategy, with its reason
    step(page, "Nästa")
    field(page, "Egen strategi", 2).select_option(label="Engagera och samarbeta nära")
    reason = field(page, "Motivering", 2)
    expect(page.locator(".jk-rt-error").filter(has_text="Motivering")).to_have_count(1, timeout=TIMEOUT)
    reason.fill("De ska leda förändringen i hemtjänsten.")
    reason.press("Tab")
    expect(page.locator(".jk-rt-error").filter(has_text="Motivering")).to_have_count(0, timeout=TIMEOUT)
    assert axe_violations(page) == []
    # the plan follows the analysis and takes the group's words
    step(page, "Nästa")
    expect(page.get_by_text("Engagera och samarbeta nära").first).to_be_visible()
    message = field(page, "Budskap", 1)
    message.fill("Nämnden får könsuppdelade resultat varje kvartal.")
    message.press("Tab")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page)
    # a reload finds everything, on the same step (the address carries the group key and step)
    expect(page).to_have_url(re.compile(r"gkey=.*step=4|step=4.*gkey="), timeout=TIMEOUT)
    page.reload()
    expect(field(page, "Budskap", 1)).to_have_value("Nämnden får könsuppdelade resultat varje kvartal.",
                                                    timeout=TIMEOUT)
    step(page, "Tillbaka")
    expect(field(page, "Egen strategi", 2)).to_have_value("manage_closely")
    expect(field(page, "Motivering", 2)).to_have_value("De ska leda förändringen i hemtjänsten.")
    page.get_by_role("button", name=re.compile("Intressenter")).first.click()  # the progress list
    expect(field(page, "Namn", 5)).to_have_value("Pensionärsföreningen", timeout=TIMEOUT)
    expect(field(page, "Namn", 4)).to_have_value(HOSTILE)
    expect(field(page, "Intresse", 1)).to_have_value("1")
    assert_inert(page)
    assert page.js_errors == []


def tab_to(page, pattern, limit=80):
    """Tab until the focused element's accessible name (or text) matches ``pattern``."""
    for _ in range(limit):
        now = active(page)
        own_text = now["text"] if now["tag"] in ("button", "a", "summary") else ""
        if now["tag"] != "body" and (re.search(pattern, now["label"]) or re.search(pattern, own_text)):
            return now
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {pattern!r}; focus is on {active(page)}")


def choose(page, option_text):
    """On a focused <select>, move with the arrow keys to the option (no pointer)."""
    options = page.evaluate("() => [...document.activeElement.options].map(o => o.text)")
    target = options.index(option_text)
    page.keyboard.press("Home")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.selectedOptions[0].text") == option_text


def type_into(page, pattern, text):
    tab_to(page, pattern)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_stakeholder_analysis_by_keyboard_alone(page, voila_server):
    open_page(page, voila_server, "module=intressentanalys&workshop=E2E-tangent&group=Grupp+2")
    page.locator("body").focus()
    for n, (name, power, interest, attitude) in enumerate(PEOPLE, start=1):
        tab_to(page, r"Lägg till rad")
        page.keyboard.press("Enter")
        expect(field(page, "Namn", n)).to_be_focused()
        page.keyboard.type(name)
        type_into(page, rf"^Makt/inflytande, rad {n}", str(power))
        type_into(page, rf"^Intresse, rad {n}", str(interest))
        tab_to(page, rf"^Inställning, rad {n}")
        choose(page, attitude)
    expect(field(page, "Inställning", 5)).to_have_value("for", timeout=TIMEOUT)
    tab_to(page, r"^Nästa")
    page.keyboard.press("Enter")
    assert "Undersköterskor (makt 2, intresse 5, okänd)" in words(page)
    before = grid_src(page)
    # back to the table, a rating changed
    page.locator("body").focus()
    tab_to(page, r"Tillbaka$")
    page.keyboard.press("Enter")
    type_into(page, r"^Makt/inflytande, rad 3", "5")
    page.keyboard.press("Tab")
    page.locator("body").focus()
    tab_to(page, r"^Nästa")
    page.keyboard.press("Enter")
    expect(page.locator("details.jk-grid-words")).to_contain_text("Undersköterskor (makt 5, intresse 5, okänd)",
                                                               timeout=TIMEOUT)
    assert grid_src(page) != before
    # an own strategy with its reason
    tab_to(page, r"^Nästa")
    page.keyboard.press("Enter")
    tab_to(page, r"^Egen strategi, rad 5")
    choose(page, "Håll informerad")
    type_into(page, r"^Motivering, rad 5", "Föreningarna sprider ordet.")
    page.keyboard.press("Tab")
    # the plan
    page.locator("body").focus()
    tab_to(page, r"^Nästa")
    page.keyboard.press("Enter")
    type_into(page, r"^Ansvarig, rad 3", "Enhetschefen")
    page.keyboard.press("Tab")
    tab_to(page, r"^Spara$")
    page.keyboard.press("Enter")
    saved(page)
    assert "gkey=" in page.url
    page.reload()
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile("Hämtade"), timeout=TIMEOUT)
    expect(field(page, "Ansvarig", 3)).to_have_value("Enhetschefen", timeout=TIMEOUT)
    page.locator("body").focus()
    for _ in range(3):
        tab_to(page, r"Tillbaka$")
        page.keyboard.press("Enter")
        time.sleep(0.2)
    expect(field(page, "Makt/inflytande", 3)).to_have_value("5", timeout=TIMEOUT)
    expect(field(page, "Namn", 4)).to_have_value(HOSTILE)
    assert_inert(page)
    assert page.js_errors == []


FIFTEEN = [("Kommunstyrelsen", 5, 4, "for"), ("Socialnämnden", 5, 5, "for"),
           ("Förvaltningschefer inom vård och omsorg", 4, 4, "neutral"),
           ("Enhetschefer i hemtjänsten", 4, 2, "against"), ("Ekonomikontoret", 5, 1, "against"),
           ("Fackförbundet Kommunal", 3, 3, "against"), ("Medarbetare i hemtjänsten", 2, 5, "neutral"),
           ("Brukarrådet", 2, 5, "for"), ("Anhörigföreningen", 2, 4, "for"),
           ("Länsstyrelsen", 3, 1, "neutral"), ("Invånare", 1, 2, "unknown"),
           ("Föreningslivet", 1, 1, "neutral"), ("HR-avdelningen", 2, 2, "for"),
           ("Lokaltidningen", 3, 2, "unknown"), ("Pensionärsorganisationerna", 2, 4, "for")]


@pytest.mark.parametrize("width", [1280, 320])
def test_a_grid_of_fifteen_reads_at_1280_and_320(browser, voila_server, width):
    """Fifteen saved stakeholders: the grid and its words fit the screen (pictures kept in
    test-artifacts/ for people to look at)."""
    from kit.modules.stakeholders import records
    from kit.store import Store

    store = Store(voila_server.db_url)
    rows = [{"id": f"p{i}", "name": n, "power": p, "interest": q, "attitude": a}
            for i, (n, p, q, a) in enumerate(FIFTEEN, start=1)]
    _, key = records.save(store.group("E2E-femton", f"Grupp {width}"), "uppstart", rows)
    store.dispose()
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 320 else 640},
                                  device_scale_factor=2 if width == 320 else 1)
    page = context.new_page()
    try:
        open_page(page, voila_server, f"module=intressentanalys&workshop=E2E-femton&group=Grupp+{width}"
                                      f"&gkey={key}")
        expect(field(page, "Namn", 15)).to_have_value("Pensionärsorganisationerna", timeout=TIMEOUT)
        step(page, "Nästa")
        img = page.locator("figure.jk-grid img")
        expect(img).to_be_visible(timeout=TIMEOUT)
        box = img.bounding_box()
        assert box["width"] <= width and box["x"] >= 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        key_list = page.locator(".jk-grid-key")
        if width == 320:  # numbers on the grid, their names listed under it
            expect(key_list).to_be_visible()
            expect(key_list.locator("li")).to_have_count(15)
        else:
            expect(key_list).to_be_hidden()
        assert "Pensionärsorganisationerna" in words(page)
        img.scroll_into_view_if_needed()
        shot(page, f"stakeholders-grid-15-{width}")
        assert axe_violations(page) == []
    finally:
        context.close()
