"""Issue 3 end to end: a facilitator and three groups in separate browsers, one server."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import shot
from tests.test_e2e import TIMEOUT, WCAG, axe_violations, fill_all, save

pytestmark = pytest.mark.browser
GROUPS = {"Örby kommun": 2, "Åsa region": 3, "Ekeby kommun": 4}


def test_facilitator_sees_three_groups_live_and_exports(browser, voila_server):
    contexts = []
    try:
        fac_ctx = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
        contexts.append(fac_ctx)
        fac = fac_ctx.new_page()
        errors = []
        fac.on("pageerror", lambda exc: errors.append(str(exc)))
        fac.goto(voila_server.url("start.ipynb", "module=facilitator"), timeout=TIMEOUT)
        expect(fac.get_by_role("heading", name="Processledare", exact=True)).to_be_visible(timeout=TIMEOUT)
        assert axe_violations(fac, WCAG + ["best-practice"]) == []
        create = fac.locator("form").first
        create.get_by_label("Workshoppens namn").fill("Live-workshop")
        create.get_by_label("Datum, tillfälle 1").fill("2026-12-01")
        create.get_by_role("button", name="Skapa workshop").click()
        expect(fac.get_by_text(re.compile("Workshoppen är skapad"))).to_be_visible(timeout=TIMEOUT)
        expect(fac).to_have_url(re.compile("fkey="), timeout=TIMEOUT)
        for group in GROUPS:
            add = fac.locator("form", has=fac.get_by_role("button", name="Lägg till"))
            add.get_by_label("Gruppens namn").fill(group)
            add.get_by_role("button", name="Lägg till").click()
            expect(fac.locator(".jk-link-label", has_text=f"Grupp: {group}")).to_be_visible(timeout=TIMEOUT)
        qr = fac.get_by_role("img", name=re.compile("^QR-kod till länken för Alla deltagare"))
        expect(qr).to_be_visible()
        links = {}
        for group in GROUPS:
            card = fac.locator(".jk-link-card", has=fac.locator(".jk-link-label", has_text=f"Grupp: {group}"))
            links[group] = card.locator("a.jk-url").get_attribute("href")
            assert links[group].startswith(voila_server.base) and "gkey=" in links[group]
        expect(fac.get_by_text(re.compile("Ingen grupp har sparat|Inga svar ännu")).first).to_be_visible()
        # the room's pool, as kit serve keeps it (default size), refilled after these pages
        expect(fac.locator(".jk-pool")).to_have_text(re.compile(r"^Redo för \d+ av 10 deltagare$"),
                                                     timeout=TIMEOUT)
        assert axe_violations(fac, WCAG + ["best-practice"]) == []

        for group, score in GROUPS.items():
            ctx = browser.new_context(viewport={"width": 800, "height": 900})
            contexts.append(ctx)
            page = ctx.new_page()
            page.goto(links[group], timeout=TIMEOUT)
            expect(page.get_by_role("heading", name="Välkommen till JämKit")).to_be_visible(timeout=TIMEOUT)
            assert page.get_by_label("Organisation eller grupp").input_value() == group
            page.get_by_role("button", name="Öppna Självskattning").click()
            expect(page.get_by_role("heading", name="Självskattning", exact=True)).to_be_visible(timeout=TIMEOUT)
            page.get_by_role("group", name="Roll").locator("label", has_text="Gruppen (konsensus)").click()
            fill_all(page, [score] * 10)
            save(page)

        # the facilitator's page updates by itself: no reload
        table = fac.locator("table.jk-status-list")
        for group in GROUPS:
            expect(table.locator("tr", has=fac.locator("th", has_text=group))).to_contain_text(
                re.compile(r"✓ \d\d:\d\d"), timeout=40_000)
        means = fac.locator("table", has=fac.locator("caption", has_text="Medelvärde per moment"))
        expect(means.locator("tr.jk-total-row")).to_contain_text("30,0", timeout=TIMEOUT)
        expect(means.locator("tbody tr").first).to_contain_text("3,0")
        counts = fac.locator("table", has=fac.locator("caption", has_text="Antal organisationer"))
        expect(counts.locator("tbody tr").first).to_contain_text("3")
        expect(fac.get_by_role("img", name=re.compile("^Staplat diagram"))).to_be_visible()
        shot(fac, "05-facilitator-overview-sv")
        assert axe_violations(fac, WCAG) == []

        fac.get_by_label("Anonymt läge (inga organisationsnamn)").check()
        expect(fac.locator("table.jk-status-list")).to_have_count(0, timeout=TIMEOUT)
        expect(fac.locator(".jk-section", has_text="Översikt")).not_to_contain_text("Örby kommun")

        # the files follow anonymous mode (issue 15): letters, and the link says so
        with fac.expect_download(timeout=TIMEOUT) as info:
            fac.get_by_role("link", name="Ladda ner Excel, anonymiserad (.xlsx)").click()
        with open(info.value.path(), "rb") as handle:
            book = load_workbook(handle)
        assert book["Sammanställning"]["B12"].value == 30
        assert {c.value for c in book["Självskattning"]["A"][1:]} == {"A", "B", "C"}
        fac.get_by_label("Anonymt läge (inga organisationsnamn)").uncheck()
        with fac.expect_download(timeout=TIMEOUT) as info:
            fac.get_by_role("link", name="Ladda ner Excel (.xlsx)").click()
        with open(info.value.path(), "rb") as handle:
            book = load_workbook(handle)
        assert {c.value for c in book["Självskattning"]["A"][1:]} == set(GROUPS)
        assert errors == []
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_group_link_without_its_key_reads_and_writes_nothing(page, voila_server):
    from kit.domain.access import hash_key
    from kit.store import Store

    store = Store(voila_server.db_url)
    store.claim_group("Nyckelkurs", "Skyddad kommun", hash_key("ABCD-EFGH"))
    store.save_answers("Nyckelkurs", "Skyddad kommun", "uppstart", None, {1: {"score": 4}})
    page.goto(voila_server.url("start.ipynb", "module=sjalvskattning&workshop=Nyckelkurs"
                                               "&group=Skyddad%20kommun&role=konsensus"), timeout=TIMEOUT)
    expect(page.locator(".jk-savebar .jk-status")).to_contain_text("skyddad", timeout=TIMEOUT)
    moment1 = page.get_by_role("group", name="Poäng för moment 1", exact=True)
    assert not any(r.is_checked() for r in moment1.get_by_role("radio").all())
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".jk-savebar .jk-status")).to_contain_text("Inte sparat", timeout=TIMEOUT)
    assert len(store.history("Nyckelkurs", "Skyddad kommun", "uppstart", None)) == 1
    key = page.get_by_label("Gruppnyckel")
    key.fill("abcd efgh")
    key.press("Enter")
    expect(moment1.get_by_role("radio", name=re.compile("^4 – "))).to_be_checked(timeout=TIMEOUT)
    store.dispose()


def test_facilitator_pages_in_english_at_320_px(browser, voila_server):
    context = browser.new_context(viewport={"width": 320, "height": 720}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(voila_server.url("start.ipynb", "module=facilitator&lang=en"), timeout=TIMEOUT)
        expect(page.get_by_role("heading", name="Facilitator", exact=True)).to_be_visible(timeout=TIMEOUT)
        assert axe_violations(page, WCAG + ["best-practice"]) == []
        page.get_by_label("Workshop name").first.fill("Narrow")
        page.get_by_role("button", name="Create workshop").click()
        name = page.get_by_label("The group's name").first
        name.fill("Örby kommun")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text("The group Örby kommun is added.")).to_be_visible(timeout=TIMEOUT)
        expect(name).to_have_value("")  # the field is cleared for the next group
        expect(page.locator("table.jk-status-list")).to_contain_text("Not yet")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert axe_violations(page, WCAG + ["best-practice"]) == []
        shot(page, "06-facilitator-en-320px")
    finally:
        context.close()
