"""Könskonsekvensanalys end to end in Debian's Chromium, against ``python -m kit serve``: the
worked case from Exempelby loads, one indicator is analysed beside its numbers (the 65–79
series keeps 2022's small values hidden), a national goal is judged, the 4R are written and
survive a reload at step 3 (moving between steps saves), SKL's checklist sends the sample paper
back (återremiss) naming what is missing, the generated section holds the group's words and
goes to the clipboard by keyboard, and a "no" on the first statement ends the checklist. Every
step passes axe-core; screenshots at 1280 and 320 px go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, shot
from tests.test_e2e import TIMEOUT, axe_violations, open_page

pytestmark = pytest.mark.browser

OLD = "Väntetid till särskilt boende (80+)"
YOUNG = "Väntetid till särskilt boende (65–79)"
HIDDEN = ("56,2", "44,7")  # 2022's women and men aged 65–79: fewer than 5 men, never shown
CONCLUSION = "Kvinnor över 80 får vänta längst på en plats, vilket lägger tyngd på anhöriga."
OWN_GOAL = "Alla invånare får likvärdig service oavsett kön"
FOUR_R = {"Representation": "Två av tre som söker är kvinnor; handläggarna är nästan bara kvinnor.",
          "Resurser": "Kvinnor väntar i snitt nio dagar längre än män på ett erbjudande.",
          "Realia": "Anhöriga till män tar oftare på sig omsorgen under väntan.",
          "Realisera": "Följ upp väntetiden per kön varje tertial <b>från 2026</b>."}


def field(page, label: str, row: str = r"rad 1"):
    """A RowTable cell by its accessible name: "<label>, rad 1: <row's title>"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}, {row}(:|$)"))


def step(page, name: str, number: int):
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator(".jk-steps-heading")).to_have_text(re.compile(rf"^Steg {number} av 4: "),
                                                           timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(rf"step={number}(&|$)") if number > 1 else re.compile(r"^(?!.*step=)"),
                             timeout=TIMEOUT)


def statement(page, n: int):
    return page.get_by_role("group", name=re.compile(rf"^{n}\. "))


def answer(page, n: int, value: str):
    statement(page, n).get_by_role("radio", name=value, exact=True).check()
    expect(statement(page, n).get_by_role("radio", name=value, exact=True)).to_be_checked()


def saved(page):
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile(r"Sparat \d\d:\d\d"),
                                                                timeout=TIMEOUT)


def everything_shown(page) -> str:
    """The page's text and every field's value (a textarea's value is no part of innerText)."""
    return page.evaluate("""() => document.body.innerText + '\\n' +
      [...document.querySelectorAll('input, textarea, select')].map(e => e.value).join('\\n')""")


def assert_hidden_values_absent(page):
    text = everything_shown(page)
    for value in HIDDEN:
        assert value not in text, f"a suppressed value {value} is on the page"


def test_analysis_from_the_worked_case_to_the_decision_paper(browser, voila_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        open_page(page, voila_server, "module=konskonsekvensanalys&workshop=E2E-analys&group=Grupp+1")
        expect(page.get_by_role("heading", name="Könskonsekvensanalys", level=1)).to_be_visible()
        expect(page.locator(".jk-steps-heading")).to_have_text("Steg 1 av 4: Könskonsekvensanalys",
                                                               timeout=TIMEOUT)
        page.get_by_role("button", name="Använd exemplet från Exempelby").click()
        which = page.get_by_role("group", name="Vilken indikator analyserar ni?")
        expect(which.get_by_role("radio")).to_have_count(3, timeout=TIMEOUT)
        expect(which.get_by_role("radio", name=OLD)).to_be_checked()

        # -- 1 Könskonsekvensanalys: the oldest women's waiting time, beside its numbers
        expect(page.locator(".jk-an-numbers h3")).to_contain_text(OLD)
        field(page, "Finns det en skillnad mellan kvinnor och män, flickor och pojkar?").select_option(label="Ja")
        field(page, "Är skillnaden stor eller liten?").select_option(label="Stor")
        conclusion = field(page, "Slutsats: vad betyder skillnaden för kvinnor och män, flickor och pojkar?")
        conclusion.fill(CONCLUSION)
        conclusion.press("Tab")
        # the 65–79 series: 2022's values are said to be hidden, never shown
        which.get_by_role("radio", name=YOUNG).check()
        expect(page.locator(".jk-an-numbers h3")).to_contain_text(YOUNG, timeout=TIMEOUT)
        expect(page.locator(".jk-an-numbers")).to_contain_text("2022 (kvinnor och män)")
        assert_hidden_values_absent(page)
        which.get_by_role("radio", name=OLD).check()
        expect(conclusion).to_have_value(CONCLUSION, timeout=TIMEOUT)  # the answers stay with their indicator
        assert axe_violations(page) == []
        shot(page, "analysis-1-impact-1280")

        # -- 2 Jämställdhetsanalys: an own goal, and "Jämställd hälsa" judged
        step(page, "Nästa", 2)
        saved(page)  # moving on saved the work (and claimed the group)
        assert "gkey=" in page.url
        page.get_by_role("button", name=re.compile(r"Lägg till (ett eget mål|rad)")).click()
        own = field(page, "Ert mål")
        expect(own).to_be_focused()
        own.fill(OWN_GOAL)
        own.press("Tab")
        field(page, "Nås målet lika för kvinnor och män?", rf"rad 1: {re.escape(OWN_GOAL)}").select_option(
            label="Delvis")
        health = r"rad 5: Jämställd hälsa"
        field(page, "Vilka indikatorer gäller det?", health).get_by_label(OLD, exact=True).check()
        field(page, "Nås målet lika för kvinnor och män?", health).select_option(label="Nej, inte lika")
        assert axe_violations(page) == []
        shot(page, "analysis-2-goals-1280")

        # -- 3 4R: the activity comes from the case; the four R written
        step(page, "Nästa", 3)
        expect(field(page, "Verksamhet")).to_have_value("Biståndshandläggning av särskilt boende")
        expect(page.locator(".jk-an-feed")).to_contain_text(OLD)
        for name, text in FOUR_R.items():
            box = field(page, name)
            box.fill(text)
            box.press("Tab")
        expect(page.locator(".jk-an-summary")).to_contain_text(FOUR_R["Realia"], timeout=TIMEOUT)
        assert page.locator(".jk-an-summary b").count() == 0  # typed markup stays text
        assert axe_violations(page) == []
        shot(page, "analysis-3-fourr-1280")
        # moving on saves; back at step 3, a reload opens there with the words kept (no draft offer)
        step(page, "Nästa", 4)
        saved(page)
        step(page, "Tillbaka", 3)
        page.reload(timeout=TIMEOUT)
        expect(page.locator(".jk-steps-heading")).to_have_text("Steg 3 av 4: 4R", timeout=TIMEOUT)
        for name, text in FOUR_R.items():
            expect(field(page, name)).to_have_value(text, timeout=TIMEOUT)
        expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile("Hämtade"), timeout=TIMEOUT)
        assert page.get_by_role("button", name="Ta tillbaka").count() == 0, "saved work offered as a draft"
        done = page.locator(".jk-steps-item.jk-steps-done")
        expect(done).to_have_count(1)  # goals (the current step is never marked; 1 waits for two more)

        # -- 4 Beslutsunderlag: the sample paper through SKL's checklist
        step(page, "Nästa", 4)
        expect(page.locator(".jk-paper h4").first).to_contain_text("Tjänsteskrivelse")
        expect(statement(page, 2)).to_have_count(0)
        answer(page, 1, "Ja")
        answer(page, 2, "Nej")
        verdict = page.locator(".jk-an-verdict")
        expect(verdict).to_contain_text(re.compile(
            r"Återremiss: beslutsunderlaget ”Tjänsteskrivelse: Nya riktlinjer[^”]*” behöver kompletteras"),
            timeout=TIMEOUT)
        expect(verdict).to_contain_text("individbaserad statistik uppdelad på kön")
        for n in (3, 4, 5):
            answer(page, n, "Ja")
        expect(verdict).to_have_class(re.compile(r"\bjk-an-remiss\b"), timeout=TIMEOUT)  # all answered
        note = verdict.inner_text()
        assert "individbaserad statistik uppdelad på kön" in note
        assert "konsekvenser beslutet får" not in note  # only what is missing, not what was answered yes

        # the generated section: the group's words, the goal, never a hidden value
        section = page.get_by_label(re.compile(  # the section's one field (its label was renamed)
            r"^(Texten till beslutsunderlaget|Konsekvenser för kvinnor och män, flickor och pojkar), rad 1"))
        expect(section).to_have_value(re.compile(re.escape(CONCLUSION)), timeout=TIMEOUT)
        text = section.input_value()
        for wanted in (OLD, YOUNG, "”Jämställd hälsa”", f"”{OWN_GOAL}”", "2022 (kvinnor och män)",
                       "Föreslagna åtgärder: Följ upp väntetiden per kön varje tertial <b>från 2026</b>."):
            assert wanted in text, (wanted, text)
        assert_hidden_values_absent(page)
        expect(page.locator(".jk-an-compare .jk-paper-added")).to_contain_text(CONCLUSION)
        assert page.locator(".jk-paper b").count() == 0
        here = page.locator(".jk-steps-content")  # (the files panel below has the saved text's too)
        expect(here.get_by_role("link", name="Ladda ner texten (Word, .docx)")).to_be_visible()
        expect(here.get_by_role("link", name="Ladda ner texten (OpenDocument, .odt)")).to_be_visible()

        # copied by keyboard: the clipboard holds exactly the section
        copy = page.get_by_role("button", name="Kopiera texten", exact=True)
        copy.focus()
        expect(page.locator(".jk-savebar .jk-status")).not_to_have_text("", timeout=TIMEOUT)
        page.wait_for_timeout(1500)  # the kernel's last redraw of the step is in before the copy
        page.keyboard.press("Enter")
        expect(page.locator(".jk-copy-status").filter(has_text="Texten är kopierad.")).to_be_visible(
            timeout=TIMEOUT)
        assert page.evaluate("navigator.clipboard.readText()") == text
        assert axe_violations(page) == []
        shot(page, "analysis-4-decision-1280")

        # a "no" on the first statement ends the checklist, with a reason
        answer(page, 1, "Nej")
        expect(verdict).to_contain_text("Checklistan gäller inte", timeout=TIMEOUT)
        for n in (2, 3, 4, 5):
            expect(statement(page, n)).to_have_count(0)
        expect(page.locator("#jk-an-section")).to_have_count(0)
        reason = field(page, "Varför berör beslutet inte kvinnor och män, flickor och pojkar?")
        reason.fill("Beslutet gäller bara byte av ventilation.")
        reason.press("Tab")
        page.get_by_role("button", name="Kopiera beskedet", exact=True).click()
        expect(page.locator(".jk-copy-status").filter(has_text="Texten är kopierad.")).to_be_visible(
            timeout=TIMEOUT)
        said = "Checklistan gäller inte: beslutet berör inte kvinnor och män, flickor och pojkar. " \
               "Skäl: Beslutet gäller bara byte av ventilation."
        assert page.evaluate("navigator.clipboard.readText()") == said
        assert axe_violations(page) == []
        shot(page, "analysis-4-not-applicable-1280")
        assert errors == []
        # KNOWN APP BUG (reported): the verdict shown does not take the typed reason until the
        # step is drawn again (App._reason_edited updates only the copy button's text).
        expect(verdict).to_contain_text(said, timeout=10_000)
    finally:
        context.close()


def test_every_step_reads_at_320_px(browser, voila_server):
    """A finished analysis, saved, walked through at 320 × 640: nothing wider than the screen,
    axe-core on each step, a picture of each."""
    from kit.modules.analysis import records, sources
    from kit.modules.analysis import rules as r
    from kit.store import Store

    a = r.blank()
    a["indicators"], _ = r.merge_picks([], sources.case_picks("sv"), sources.suppressed_of)
    for row in a["indicators"]:
        row.update(difference="yes", size="large", explanation="inequality", conclusion=CONCLUSION,
                   explanation_why="Samma behov bedöms olika.", groups="Kvinnor som bor ensamma")
    first = a["indicators"][0]["id"]
    a["national"][4].update(met="no", indicators=[first], why="Kvinnor väntar längre i båda åldersgrupperna.")
    a["own_goals"] = [{"id": "g1", "goal": OWN_GOAL, "indicators": [first], "met": "partly", "why": ""}]
    a["fourr"] = {"activity": "Biståndshandläggning av särskilt boende",
                  **{k: text for k, text in zip(r.FOUR_R, FOUR_R.values())}}
    a["checklist"].update(s1="yes", s2="no", s3="no", s4="yes", s5="yes")
    store = Store(voila_server.db_url)
    _, key = records.save(store.group("E2E-analys-smal", "Grupp 320"), "uppstart", a)
    store.dispose()

    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=2, locale="sv-SE")
    page = context.new_page()
    try:
        open_page(page, voila_server, f"module=konskonsekvensanalys&workshop=E2E-analys-smal&group=Grupp+320"
                                      f"&gkey={key}&step=1")
        expect(page.locator(".jk-steps-heading")).to_have_text(re.compile("^Steg 1 av 4"), timeout=TIMEOUT)
        names = ["impact", "goals", "fourr", "decision"]
        for number, name in enumerate(names, start=1):
            if number > 1:
                step(page, "Nästa", number)
            expect(page.locator(".jk-steps-done")).to_have_count(3, timeout=TIMEOUT)  # all but the current
            if name == "decision":
                expect(page.locator(".jk-an-verdict")).to_contain_text("Återremiss", timeout=TIMEOUT)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 320, (name, wide)
            assert axe_violations(page) == [], name
            shot(page, f"analysis-{number}-{name}-320")
        assert_hidden_values_absent(page)
        # scrolled to the end, nothing is hidden behind the fixed save bar
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "analysis-4-decision-320-end.png"))  # the screen, not the page
        under = page.evaluate("""() => { const bar = document.querySelector('.jk-savebar').getBoundingClientRect();
          const seen = [...document.querySelectorAll('.jk-app a, .jk-app button, .jk-app p, .jk-app li, .jk-app h2, .jk-app h3')]
            .filter(e => !e.closest('.jk-savebar') && e.checkVisibility() && e.textContent.trim())
            .map(e => [e.getBoundingClientRect().bottom, e.tagName + ' ' + e.textContent.trim().slice(0, 40)]);
          seen.sort((a, b) => b[0] - a[0]);
          return {bar: bar.top, last: seen[0]}; }""")
        assert under["last"][0] <= under["bar"], f"the end of the page is under the save bar: {under}"
        # work typed and not yet saved is offered back after a reload (issue 15's draft)
        step(page, "Tillbaka", 3)
        realia = field(page, "Realia")
        realia.fill("Skrivet men inte sparat.")
        realia.press("Tab")
        expect(page.locator(".jk-savebar .jk-status")).to_contain_text("inte är sparade", timeout=TIMEOUT)
        page.reload(timeout=TIMEOUT)
        expect(page.locator(".jk-steps-heading")).to_have_text("Steg 3 av 4: 4R", timeout=TIMEOUT)
        # KNOWN APP BUG (reported): opening a saved analysis at steps 1-3 sets the save bar's draft
        # to the saved payload (show() -> RowTable rows -> _touched -> changed() before
        # self.saved is set), which overwrites the browser's real draft; nothing is offered back.
        take = page.get_by_role("button", name="Ta tillbaka")
        expect(take).to_be_visible(timeout=15_000)
        take.click()
        expect(field(page, "Realia")).to_have_value("Skrivet men inte sparat.", timeout=TIMEOUT)
    finally:
        context.close()


