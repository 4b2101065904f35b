"""Förbättringsteori end to end in Debian's Chromium, against ``python -m kit serve``: a group
builds its chain backwards from the effect (one item per step, each linked to the step above),
sees the whole chain as a diagram and a list, writes the Model for Improvement's answers and two
PDSA cycles, types 12 weekly measurements of women and men and sees the run chart flag a shift in
words, saves, reloads and finds it all again. Every page passes axe-core; screenshots at 1280
and 320 px go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import shot
from tests.test_e2e import TIMEOUT, axe_violations, open_page

pytestmark = pytest.mark.browser

#: One item a step, in the order the group writes them (backwards), with the Swedish label of
#: its text field.
CHAIN = [
    ("Effekt", "Effekten ni vill nå", "Kvinnor och män med samma behov får lika mycket hemtjänst"),
    ("Nytt eller ändrat utfall", "Utfallet för kvinnor och män, flickor och pojkar",
     "Beviljade timmar fördelas lika mellan kvinnor och män"),
    ("Nytt eller ändrat arbetssätt", "Arbetssättet", "Handläggarna bedömer behoven med en gemensam rutin"),
    ("Ny eller ändrad produkt", "Produkten", "Omarbetade frågor vid biståndshandläggning <b>v2</b>"),
    ("Aktiviteter", "Aktiviteten", "Utbildningsdag om jämställd bedömning"),
    ("Resurser", "Resursen", "Två dagar för en arbetsgrupp"),
]
WOMEN = [5, 6, 5, 6, 5, 6, 9, 9, 9, 9, 9, 9]  # the baseline's median is 5,5: seven above it from week 6
MEN = [6, 5, 7, 4, 6, 5, 7, 5, 6, 4, 7, 6]  # around their own median (5,5): no signal
START = dt.date(2027, 1, 4)


def field(page, label: str, row: int = 1):
    """A RowTable field by its accessible name: "<label>, rad <n>[: <card's title>]"."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}, rad {row}(:|$)"))


def heading(page, n: int, title: str):
    expect(page.locator(".jk-steps-heading")).to_have_text(f"Steg {n} av 9: {title}", timeout=TIMEOUT)


def next_page(page, n: int, title: str):
    page.get_by_role("button", name="Nästa", exact=True).click()
    heading(page, n, title)


def type_into(box, text: str):
    box.fill(text)
    box.press("Tab")


def test_a_chain_backwards_pdsa_and_a_run_chart_with_a_shift(browser, voila_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        open_page(page, voila_server, "module=forbattringsteori&workshop=E2E-forbattring&group=Grupp+1")
        expect(page.get_by_role("heading", name="Förbättringsteori", level=1)).to_be_visible()
        heading(page, 1, "Effekt")
        expect(page.locator(".jk-im-question")).to_have_text("Vart ska vi nå? Hur ser det ut när vi nått dit vi vill?")
        expect(page.locator(".jk-im-hints")).to_contain_text("Börja med effekten")

        # -- the chain, backwards: an item a step, linked to the one above
        for n, (step, label, text) in enumerate(CHAIN, start=1):
            if n > 1:
                next_page(page, n, step)
                if n == 2:  # leaving the effect saved it (and claimed the group)
                    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile(r"Sparat \d\d:\d\d"),
                                                                                timeout=TIMEOUT)
            page.get_by_role("button", name=re.compile(rf"^\+ Lägg till {re.escape(step.lower())}$")).click()
            box = field(page, label)
            expect(box).to_be_focused(timeout=TIMEOUT)
            type_into(box, text)
            if n == 1:
                goals = field(page, "Jämställdhetspolitiska mål effekten bidrar till")
                goals.get_by_label("Jämn fördelning av det obetalda hem- och omsorgsarbetet").check()
                type_into(field(page, "Indikator"), "Beviljade hemtjänsttimmar per person")
                field(page, "Uppdelat på kön").get_by_label("Följs upp för kvinnor och män var för sig").check()
                expect(page.locator(".jk-im-hints")).to_have_count(0, timeout=TIMEOUT)
            else:
                above = CHAIN[n - 2][2]
                leads = field(page, f"Leder till (steget {CHAIN[n - 2][0].lower()})")
                leads.get_by_label(above, exact=True).check()
                expect(leads.get_by_label(above, exact=True)).to_be_checked()
            if n in (1, 6):
                assert axe_violations(page) == []
                shot(page, f"improvement-{n}-{'effect' if n == 1 else 'resources'}-1280")

        # -- the whole chain: a diagram and the same chain as a list
        next_page(page, 7, "Hela kedjan")
        listing = page.locator(".jk-im-list")
        for _step, _label, text in CHAIN:
            expect(listing).to_contain_text(text, timeout=TIMEOUT)
        assert listing.locator("b").count() == 0  # typed markup stays text
        expect(listing).to_contain_text("bidrar till: Jämn fördelning av det obetalda hem- och omsorgsarbetet")
        expect(page.locator(".jk-im-hints")).to_contain_text("Kedjan hänger ihop")
        expect(page.get_by_role("img", name=re.compile("^Förbättringsteorins diagram"))).to_be_visible()
        assert axe_violations(page) == []
        shot(page, "improvement-7-diagram-1280")

        # -- the Model for Improvement and two PDSA cycles
        next_page(page, 8, "Förbättringsmodellen och PDSA")
        type_into(field(page, "Vad vill vi åstadkomma?"), "Lika många timmar för lika behov senast 2027")
        type_into(field(page, "Hur vet vi att en förändring är en förbättring?"), "Timmar per person, kvinnor och män")
        type_into(field(page, "Vilka förändringar kan vi göra som leder till förbättring?"), "En gemensam rutin")
        for n, (start, change, decision) in enumerate([("2027-02-15", "Rutinen hos två handläggare", "Justera och testa igen"),
                                                       ("2027-03-01", "Rutinen i hela gruppen", "Skala upp")], start=1):
            page.get_by_role("button", name="+ Lägg till en PDSA-cykel").click()
            box = field(page, "Startdatum", n)
            expect(box).to_be_focused(timeout=TIMEOUT)
            type_into(box, start)
            type_into(field(page, "Förändringen som testas", n), change)
            type_into(field(page, "Förutsägelser", n), "Kvinnors timmar ökar")
            field(page, "Agera (Act): beslut", n).select_option(label=decision)
        expect(page.get_by_role("heading", name="PDSA-cykel 2")).to_be_visible(timeout=TIMEOUT)
        assert axe_violations(page) == []
        shot(page, "improvement-8-pdsa-1280")

        # -- 12 weekly measurements of women and men; the median from the first 6
        next_page(page, 9, "Mätvärden och körschema")
        type_into(field(page, "Måttets namn"), "Beviljade timmar per person och vecka")
        type_into(field(page, "Utgångsläge: antal första mätvärden"), "6")
        add = page.get_by_role("button", name="+ Lägg till ett mätvärde")
        for n, (women, men) in enumerate(zip(WOMEN, MEN), start=1):
            add.click()
            date = field(page, "Datum", n)
            expect(date).to_be_focused(timeout=TIMEOUT)
            type_into(date, (START + dt.timedelta(weeks=n - 1)).isoformat())
            type_into(field(page, "Kvinnor", n), str(women))
            type_into(field(page, "Män", n), str(men))
        signals = page.locator(".jk-im-signals")
        expect(signals).to_contain_text("Kvinnor: 7 punkter i rad över medianen från vecka 6 (2027-02-08): "
                                        "en förskjutning.", timeout=TIMEOUT)
        expect(signals).to_contain_text("Män: Inga tecken på en verklig förändring än")
        expect(page.get_by_role("img", name=re.compile("^Körschema"))).to_be_visible()
        assert axe_violations(page) == []
        shot(page, "improvement-9-runchart-1280")
        page.get_by_role("button", name="Spara", exact=True).click()
        expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile(r"Sparat \d\d:\d\d"), timeout=TIMEOUT)

        # -- a reload lands on the same page with everything kept
        page.reload(timeout=TIMEOUT)
        heading(page, 9, "Mätvärden och körschema")
        expect(field(page, "Kvinnor", 12)).to_have_value("9", timeout=TIMEOUT)
        expect(signals).to_contain_text("en förskjutning", timeout=TIMEOUT)
        page.locator(".jk-steps-button", has_text="Hela kedjan").click()
        heading(page, 7, "Hela kedjan")
        for _step, _label, text in CHAIN:
            expect(listing).to_contain_text(text, timeout=TIMEOUT)
        page.locator(".jk-steps-button", has_text="Förbättringsmodellen och PDSA").click()
        heading(page, 8, "Förbättringsmodellen och PDSA")
        expect(field(page, "Förändringen som testas", 2)).to_have_value("Rutinen i hela gruppen", timeout=TIMEOUT)
        assert axe_violations(page) == []

        # -- a phone: the chain and the run chart in their narrow layouts
        page.set_viewport_size({"width": 320, "height": 640})
        expect(page.get_by_role("heading", name="PDSA-cykel 2")).to_be_visible(timeout=TIMEOUT)
        shot(page, "improvement-8-pdsa-320")
        page.locator(".jk-steps-button", has_text="Hela kedjan").click()
        heading(page, 7, "Hela kedjan")
        expect(listing).to_contain_text(CHAIN[-1][2], timeout=TIMEOUT)  # the kernel has drawn the page
        expect(page.locator("picture img")).to_be_visible()
        assert axe_violations(page) == []
        shot(page, "improvement-7-diagram-320")
        page.locator(".jk-steps-button", has_text="Mätvärden och körschema").click()
        heading(page, 9, "Mätvärden och körschema")
        expect(signals).to_contain_text("en förskjutning", timeout=TIMEOUT)
        expect(page.locator(".jk-im-chart picture img")).to_be_visible()
        assert axe_violations(page) == []
        shot(page, "improvement-9-runchart-320")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the page is {width} px wide on a 320 px phone"
        assert errors == []
    finally:
        context.close()


def test_the_worked_example_a_chain_of_15_on_every_screen(browser, voila_server):
    """The example's 15-item chain and its two-series run chart, at the projector's, a laptop's,
    a tablet's and a phone's width; each page passes axe-core and nothing is cut at 320 px."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="sv-SE")
    page = context.new_page()
    try:
        open_page(page, voila_server, "module=forbattringsteori&workshop=E2E-forbattring&group=Exempelgrupp&step=7")
        heading(page, 7, "Hela kedjan")
        page.get_by_role("button", name="Använd exemplet från Exempelby").click()
        listing = page.locator(".jk-im-list")
        expect(listing).to_contain_text("Stöd av kommunens jämställdhetsstrateg", timeout=TIMEOUT)
        expect(listing.locator("li li")).to_have_count(15)
        for width, height in ((1920, 1080), (1280, 900), (768, 1024), (320, 640)):
            page.set_viewport_size({"width": width, "height": height})
            expect(page.locator("picture img")).to_be_visible()
            assert axe_violations(page) == []
            shot(page, f"improvement-example-chain-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator(".jk-steps-button", has_text="Mätvärden och körschema").click()
        heading(page, 9, "Mätvärden och körschema")
        expect(page.locator(".jk-im-signals")).to_contain_text("Kvinnor: 6 punkter i rad över medianen", timeout=TIMEOUT)
        for width, height in ((320, 640), (1280, 900)):
            page.set_viewport_size({"width": width, "height": height})
            expect(page.locator(".jk-im-chart picture img")).to_be_visible()
            assert axe_violations(page) == []
            shot(page, f"improvement-example-runchart-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
