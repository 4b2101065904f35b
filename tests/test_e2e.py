"""End to end in Debian's Chromium, against ``python -m kit serve`` as a user starts it."""

import re
import time
import urllib.parse

import pytest
from playwright.sync_api import expect

import kit
from kit.store import Store
from tests.conftest import shot

pytestmark = pytest.mark.browser
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HOSTILE = '<b>fet</b> & "=1+1" <script>alert(1)</script>'
TIMEOUT = 60_000


def axe_violations(page, tags=WCAG):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]


def open_page(page, server, query):
    page.goto(server.url("start.ipynb", query), timeout=TIMEOUT)
    expect(page.locator(".jk-header")).to_be_visible(timeout=TIMEOUT)


def choose_role(page, name):
    group = page.get_by_role("group", name=re.compile("^Roll$|^Role$"))
    group.locator("label", has_text=re.compile(f"^{re.escape(name)}$")).click()
    expect(group.get_by_role("radio", name=name, exact=True)).to_be_checked()


def score(page, moment, value):
    group = page.get_by_role("group", name=re.compile(rf"^(Poäng för|Score for) moment {moment}$"))
    group.locator("label.jk-opt").nth(value - 1).click()  # a person taps the card
    expect(group.get_by_role("radio", name=re.compile(rf"^{value} – "))).to_be_checked()


def fill_all(page, values, comment=None):
    for m, v in enumerate(values, start=1):
        score(page, m, v)
    if comment is not None:
        box = page.get_by_role("textbox", name="Kommentar, moment 1", exact=True)
        box.fill(comment)
        box.blur()


def save(page):
    page.get_by_role("button", name=re.compile("^(Spara|Save)$")).click()
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile(r"Sparat \d\d:\d\d|Saved \d\d:\d\d"),
                                                                timeout=TIMEOUT)


def checked_values(page):
    values = []
    for m in range(1, 11):
        group = page.get_by_role("group", name=f"Poäng för moment {m}", exact=True)
        chosen = [int(r.get_attribute("value")) for r in group.get_by_role("radio").all() if r.is_checked()]
        values.append(chosen[0] if chosen else 0)
    return values


POLITICIAN = [3, 2, 2, 3, 2, 2, 1, 2, 1, 2]
MANAGER = [4, 2, 3, 3, 2, 3, 2, 2, 2, 2]
CONSENSUS = [4, 2, 2, 3, 2, 3, 1, 2, 2, 2]


def test_self_assessment_two_roles_and_consensus_end_to_end(page, voila_server, tmp_path):
    query = urllib.parse.urlencode({"workshop": "E2E-kurs", "group": "Örby kommun", "lang": "sv"})
    open_page(page, voila_server, query)
    expect(page.get_by_role("heading", name="Välkommen till JämKit")).to_be_visible()
    assert page.get_by_label("Workshop", exact=True).input_value() == "E2E-kurs"
    assert axe_violations(page, WCAG + ["best-practice"]) == []
    shot(page, "01-start-sv")

    page.get_by_role("button", name="Öppna Självskattning").click()
    expect(page.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"module=sjalvskattning.*workshop=E2E-kurs"), timeout=10_000)

    choose_role(page, "Politiker")
    fill_all(page, POLITICIAN, HOSTILE)
    expect(page.locator(".jk-savebar .jk-total")).to_have_text(re.compile(f"Summa: {sum(POLITICIAN)} av 40"))
    save(page)
    choose_role(page, "Chef")
    expect(page.locator(".jk-savebar .jk-total")).to_have_text(re.compile("Summa: 0 av 40"))
    fill_all(page, MANAGER)
    save(page)

    choose_role(page, "Gruppen (konsensus)")
    strip = page.get_by_role("img", name=re.compile("^Rollernas skattningar: Politiker 3, Chef 4$"))
    expect(strip).to_be_visible(timeout=TIMEOUT)
    fill_all(page, CONSENSUS)
    save(page)
    shot(page, "02-consensus-sv")

    # a reload lands in the same place and shows what was saved, with the plot
    expect(page).to_have_url(re.compile("role=konsensus"))
    page.reload(timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile("Hämtade sparade svar"), timeout=TIMEOUT)
    assert checked_values(page) == CONSENSUS
    radar = page.get_by_role("img", name=re.compile("^Spindeldiagram"))
    expect(radar).to_be_visible()
    assert radar.evaluate("img => img.naturalWidth") > 300
    table = page.locator("table.jk-table")
    expect(table.locator("tr.jk-total-row td").first).to_have_text(f"{sum(CONSENSUS)},0")
    choose_role(page, "Politiker")
    expect(page.get_by_role("textbox", name="Kommentar, moment 1", exact=True)).to_have_value(HOSTILE, timeout=TIMEOUT)
    assert page.locator(".jk-app b, .jk-app script").count() == 0  # typed markup stays text
    choose_role(page, "Gruppen (konsensus)")
    page.get_by_text("Modellkonceptet 2020–2022: Tabell 1 och 2").click()
    participants = page.locator("table", has=page.locator("caption", has_text="Tabell 1"))
    expect(participants.locator("tr.jk-total-row")).to_have_text(re.compile(r"Totalt\s*17,8\s*19,8\s*23,9\s*28,5\s*10,8"))
    mentors = page.locator("table", has=page.locator("caption", has_text="Tabell 2"))
    expect(mentors.locator("tr.jk-total-row")).to_have_text(re.compile(r"Totalt\s*22,0\s*25,0\s*27,8\s*31,0\s*9,0"))
    assert axe_violations(page, WCAG + ["best-practice"]) == []

    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("link", name="Ladda ner Excel (.xlsx)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "jamkit-e2e-kurs-orby-kommun.xlsx"
    back = kit.read_scores(path)
    assert len(back) == 30
    consensus = back[back["role"].isna()].sort_values("moment")
    assert [int(s) for s in consensus["score"]] == CONSENSUS
    assert kit.summary_table(back).loc["Totalt", "uppstart"] == sum(CONSENSUS)

    store = Store(voila_server.db_url)
    assert [len(store.history("E2E-kurs", "Örby kommun", "uppstart", r)) for r in ("politiker", "chef", None)] == [1, 1, 1]
    assert store.group_record("E2E-kurs", "Örby kommun")["key_hash"]  # claimed on the first save

    # the downloaded file uploads again, e.g. into a new workshop on another machine
    workshop = page.get_by_label("Workshop", exact=True)
    workshop.fill("E2E-kopia")
    workshop.press("Enter")
    expect(page).to_have_url(re.compile("workshop=E2E-kopia"), timeout=TIMEOUT)
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.locator(".jk-files .jk-status")).to_have_text(re.compile(f"Läste in 30 svar från {path.name}"),
                                                              timeout=TIMEOUT)
    assert checked_values(page) == CONSENSUS
    assert store.answers_frame("E2E-kopia").shape[0] == 30
    store.dispose()
    assert page.js_errors == []


def test_keyboard_alone_scores_comments_and_saves(page, voila_server):
    query = urllib.parse.urlencode({"module": "sjalvskattning", "workshop": "Tangentbord",
                                    "group": "Åby", "role": "strateg"})
    open_page(page, voila_server, query)
    first = page.get_by_role("group", name="Poäng för moment 1", exact=True).get_by_role("radio").first
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert checked_values(page)[0] == 3
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Kommentar, moment 1"
    page.keyboard.type("Skrivet med tangentbordet")
    page.keyboard.press("Tab")
    # the explanation unfolds from the keyboard too
    summary = page.locator("[data-moment='2'] summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-moment='2'] details")).to_have_attribute("open", "")
    page.get_by_role("button", name="Spara").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile(r"Sparat \d\d:\d\d"), timeout=TIMEOUT)
    button = page.get_by_role("button", name="Spara")
    expect(button).to_be_focused()  # saving keeps the keyboard where it was
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert button.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"


def test_english_and_query_string_with_preheated_kernels(page, voila_server):
    open_page(page, voila_server, "lang=en&workshop=Pool")
    expect(page.get_by_role("heading", name="Welcome to JämKit")).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_label("Workshop", exact=True).input_value() == "Pool"
    page.get_by_role("button", name="Open Self-assessment").click()
    expect(page.get_by_role("heading", name="Self-assessment", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("group", name="Score for moment 1", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "03-self-assessment-en")
    page.get_by_role("button", name="På svenska").click()
    expect(page.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate("document.documentElement.lang") == "sv"
    expect(page).to_have_url(re.compile("lang=sv"))


def test_reflows_at_320_px(browser, voila_server):
    context = browser.new_context(viewport={"width": 320, "height": 720}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_page(page, voila_server, "module=sjalvskattning&workshop=Mobil&group=Liten&role=chef")
        score(page, 1, 2)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, width
        for selector in (".jk-opt", ".jk-input", ".jk-text", ".jk-button"):
            right = page.locator(selector).first.evaluate("e => e.getBoundingClientRect().right")
            assert right <= 320, (selector, right)
        assert page.get_by_role("button", name="Spara").bounding_box()["height"] >= 44
        assert axe_violations(page) == []
        shot(page, "04-self-assessment-320px")
    finally:
        context.close()


def test_closing_a_page_shuts_its_kernel_down(browser, voila_server):
    """The page's beacon on close is accepted (no 403), so a closed tab frees its kernel at once
    instead of holding it until the idle cull."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(voila_server.url("start.ipynb", "workshop=Stängd"), timeout=120_000)
    page.locator(".jk-modules button").first.wait_for(state="visible", timeout=120_000)
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    assert re.fullmatch(r"[0-9a-f-]{36}", kernel)
    page.close(run_before_unload=True)
    context.close()
    deadline = time.time() + 30
    while f"Kernel shutdown: {kernel}" not in voila_server.logs():
        assert time.time() < deadline, voila_server.logs()[-3000:]
        time.sleep(0.3)
    assert f"403 POST /voila/api/shutdown/{kernel}" not in voila_server.logs()
