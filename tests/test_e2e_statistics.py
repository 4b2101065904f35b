"""Statistik end to end in Debian's Chromium, against ``python -m kit serve``: Exempelby loads
(said to be invented), the indicator and the breakdown switch, a suppressed cell is explained,
a Swedish Excel CSV of one's own is read and a broken file is refused with a clear message,
two indicators are picked with a note, saved, reloaded and found — and every state passes
axe-core. Screenshots at 1280 and 320 px go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import shot
from tests.test_e2e import TIMEOUT, axe_violations, open_page

pytestmark = pytest.mark.browser


def exempelby():
    from kit.modules.statistics import datasets, views

    data = datasets.suppressed("exempelby")
    meta = datasets.meta("exempelby", "sv")
    title = lambda ind: (meta.get(ind) or {}).get("title") or ind
    hidden = data[data["suppressed"]].iloc[0]
    plain = [i for i in views.indicators(data) if i != hidden["indicator"]]
    return data, title, hidden, plain


def select(page, label, option):
    page.get_by_label(label, exact=True).select_option(label=option)


def saved(page):
    expect(page.locator(".jk-savebar .jk-status")).to_have_text(re.compile(r"Sparat \d\d:\d\d"),
                                                                timeout=TIMEOUT)


def heading(page):
    return page.locator(".jk-stat-result h2").first


def test_statistics_from_exempelby_to_saved_picks(page, voila_server):
    from tests.test_statistics_app import secret_csv

    data, title, hidden, plain = exempelby()
    open_page(page, voila_server, "module=statistik&workshop=E2E-statistik&group=Grupp+1")
    expect(page.get_by_role("heading", name="Könsuppdelad statistik", level=1)).to_be_visible()
    expect(page.locator(".jk-note-fictitious")).to_contain_text("Exempelby finns inte")
    expect(page.locator(".jk-stat-verdict")).to_be_visible(timeout=TIMEOUT)
    assert axe_violations(page) == []
    shot(page, "statistik-1280")
    # another indicator
    select(page, "Indikator", title(plain[1]))
    expect(heading(page)).to_contain_text(title(plain[1]), timeout=TIMEOUT)
    # a suppressed cell, explained
    select(page, "Indikator", title(hidden["indicator"]))
    expect(heading(page)).to_contain_text(title(hidden["indicator"]), timeout=TIMEOUT)
    if "age_group" in data.columns:
        from kit.modules.statistics import rules

        ages = data[data["indicator"] == hidden["indicator"]]["age_group"].unique()
        if len(ages) > 1 and not rules.is_whole_age(hidden["age_group"]):
            select(page, "Åldersgrupp", hidden["age_group"])
            expect(heading(page)).to_contain_text(hidden["age_group"], timeout=TIMEOUT)
    cell = page.locator(".jk-stat-table td.jk-suppressed").first
    expect(cell).to_have_text("skyddat*", timeout=TIMEOUT)
    expect(page.locator(".jk-table-note").first).to_contain_text("färre än 5 personer")
    assert axe_violations(page) == []
    # by age group, one year
    if page.get_by_label("Visa", exact=True).count():
        select(page, "Visa", "Kön per åldersgrupp")
        expect(page.get_by_label("År", exact=True)).to_be_visible(timeout=TIMEOUT)
        expect(page.locator("figure figcaption").first).to_contain_text("per åldersgrupp")
        assert axe_violations(page) == []
        select(page, "Visa", "Kön över tid")
        expect(page.get_by_label("År", exact=True)).to_have_count(0, timeout=TIMEOUT)
    # pick two indicators, with a note on the first
    pick = page.get_by_role("button", name="Ta med till analysen")
    select(page, "Indikator", title(plain[0]))
    expect(heading(page)).to_contain_text(title(plain[0]), timeout=TIMEOUT)
    pick.click()
    expect(page.get_by_role("button", name="Ta bort ur analysen")).to_be_visible(timeout=TIMEOUT)
    select(page, "Indikator", title(plain[1]))
    expect(heading(page)).to_contain_text(title(plain[1]), timeout=TIMEOUT)
    page.get_by_role("button", name="Ta med till analysen").click()
    note = page.get_by_label(re.compile(r"^Varför den här\?.*rad 1"))
    expect(note).to_be_visible(timeout=TIMEOUT)
    note.fill("Kvinnor väntar längre än män.")
    note.press("Tab")
    assert axe_violations(page) == []
    # an own Swedish Excel CSV, and a broken file
    upload = page.locator(".jk-data-upload input[type=file]")
    upload.set_input_files(files=[{"name": "egen.csv", "mimeType": "text/csv", "buffer": secret_csv()}])
    status = page.locator(".jk-data-upload .jk-status")
    expect(status).to_contain_text("egen.csv: 1 indikatorer", timeout=TIMEOUT)
    expect(page.locator(".jk-stat-table td.jk-suppressed").first).to_be_visible()
    assert page.locator("script", has_text="alert(1)").count() == 0
    upload.set_input_files(files=[{"name": "trasig.xlsx", "mimeType": "application/octet-stream",
                                   "buffer": b"PK\x03\x04 inte en riktig arbetsbok"}])
    expect(status).to_contain_text("trasig.xlsx", timeout=TIMEOUT)
    expect(status).to_contain_text("kunde inte läsas")
    assert axe_violations(page) == []
    # save, reload, find the picks
    page.get_by_role("button", name="Spara", exact=True).click()
    saved(page)
    assert "gkey=" in page.url
    page.reload()
    expect(page.get_by_label(re.compile(r"^Varför den här\?.*rad 1"))).to_have_value(
        "Kvinnor väntar längre än män.", timeout=TIMEOUT)
    table = page.locator(".jk-rt")
    expect(table).to_contain_text(title(plain[0]))
    expect(table).to_contain_text(title(plain[1]))
    assert axe_violations(page) == []
    assert page.js_errors == []


@pytest.mark.parametrize("width", [320, 1280])
def test_statistics_fits_and_reads_at_width(browser, voila_server, width):
    context = browser.new_context(viewport={"width": width, "height": 640 if width == 320 else 900},
                                  device_scale_factor=2 if width == 320 else 1)
    page = context.new_page()
    try:
        open_page(page, voila_server, f"module=statistik&workshop=E2E-statistik-bredd&group=Grupp+{width}")
        img = page.locator(".jk-stat-result figure img").first
        expect(img).to_be_visible(timeout=TIMEOUT)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = img.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        shot(page, f"statistik-{width}")
        page.locator(".jk-stat-table").first.scroll_into_view_if_needed()
        shot(page, f"statistik-table-{width}")
        assert axe_violations(page) == []
    finally:
        context.close()
