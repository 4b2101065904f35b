"""The shared editing components (kit/ui/editors.py) in Debian's Chromium, by keyboard alone,
on a small notebook served by Voilà with the kit's template (tests/notebooks/editors.ipynb)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from kit.serve import IPC, SHARE
from tests.conftest import ROOT, free_port, shot, stop_group
from tests.test_e2e import TIMEOUT, axe_violations

pytestmark = pytest.mark.browser
NOTEBOOK = ROOT / "tests" / "notebooks" / "editors.ipynb"


@pytest.fixture(scope="module")
def editors_url(tmp_path_factory):
    """Voilà on the test notebook alone, with the jamkit template (as kit/serve.py runs it)."""
    folder = tmp_path_factory.mktemp("voila-editors")
    port = free_port()
    log = folder / "voila.log"
    env = dict(os.environ, JUPYTER_PATH=os.pathsep.join(
        p for p in (str(SHARE), os.environ.get("JUPYTER_PATH")) if p))
    env.pop("MPLBACKEND", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "voila", str(NOTEBOOK), "--no-browser",
                                 f"--port={port}", "--template=jamkit", "--theme=light",
                                 "--Voila.ip=127.0.0.1", "--VoilaExecutor.iopub_timeout=120",
                                 "--VoilaConfiguration.show_tracebacks=True", *IPC],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.time() + 90
    while "running at" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.time() > deadline:
            stop_group(proc)
            pytest.fail(f"Voilà did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)
    yield f"http://127.0.0.1:{port}/"
    stop_group(proc)


def active(page) -> dict:
    """What has keyboard focus: its tag, accessible-name attributes and value."""
    return page.evaluate("""() => { const a = document.activeElement;
      return { tag: a.tagName.toLowerCase(), label: a.getAttribute('aria-label') || '',
               text: a.textContent.trim(), value: a.value === undefined ? null : a.value,
               part: a.dataset ? (a.dataset.part || '') : '' }; }""")


def tab_to(page, label: str, limit: int = 60, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element's name is ``label``."""
    for _ in range(limit):
        now = active(page)
        if label in (now["label"], now["text"]):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    pytest.fail(f"Tab never reached {label!r}; focus is on {active(page)}")


def kernel_rows(page) -> list[dict]:
    return json.loads(page.locator(".jk-echo pre").inner_text())


def wait_rows(page, check, what: str) -> list[dict]:
    deadline = time.time() + 20
    while time.time() < deadline:
        rows = kernel_rows(page)
        if check(rows):
            return rows
        time.sleep(0.1)
    pytest.fail(f"the kernel's rows never showed {what}: {kernel_rows(page)}")


def names(rows):
    return [r["name"] for r in rows]


def test_row_table_by_keyboard_alone(browser, editors_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(editors_url, timeout=TIMEOUT)
    table = page.locator(".jk-rowtable").first
    expect(table).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".jk-echo pre")).to_contain_text("Socialnämnden", timeout=TIMEOUT)
    # a real table on a wide screen, its controls named by field and row
    assert table.locator("thead th[scope=col]").all_inner_texts()[:3] == ["Namn *", "Intresse\n1–4", "Kanaler"]
    expect(page.get_by_role("textbox", name="Intresse, rad 1: Socialnämnden", exact=True)).to_have_value("3")
    expect(page.get_by_role("group", name="Kanaler, rad 2: Kommunstyrelsen", exact=True)).to_be_visible()

    # Tab to Add, Enter: the new row's first field has focus
    page.locator("body").focus()
    tab_to(page, "+ Lägg till rad")
    page.keyboard.press("Enter")
    expect(table.locator("tbody.jk-rt-row")).to_have_count(3)
    assert active(page)["label"] == "Namn, rad 3"
    page.keyboard.type("Skolnämnden")
    page.keyboard.press("Tab")  # the change is written back; the row is named now
    assert active(page)["label"] == "Intresse, rad 3: Skolnämnden"
    page.keyboard.type("2,5")
    page.keyboard.press("Tab")
    assert active(page)["part"] == "c:channels:0"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    rows = wait_rows(page, lambda rs: len(rs) == 3 and rs[2].get("channels") == ["mote", "intranat"],
                     "the third row's channels")
    assert {k: rows[2][k] for k in ("name", "interest", "channels")} == {
        "name": "Skolnämnden", "interest": 2.5, "channels": ["mote", "intranat"]}
    assert len(rows[2]["id"]) > 4 and rows[2]["id"] not in ("a", "b")
    # a number that is no number stays as typed, is marked, and is not written back
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert active(page)["label"] == "Intresse, rad 3: Skolnämnden"
    page.keyboard.press("Control+A")
    page.keyboard.type("två")
    box = page.get_by_role("textbox", name="Intresse, rad 3: Skolnämnden", exact=True)
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(table.locator("tbody.jk-rt-row").nth(2).locator(".jk-rt-cell-number .jk-error")).to_have_text(
        "⚠ Skriv ett tal, till exempel 2 eller 2,5.")
    page.keyboard.press("Control+A")
    page.keyboard.type("2,5")
    expect(box).not_to_have_attribute("aria-invalid", "true")

    # the kernel sets errors while the person types: focus and what is typed stay
    page.keyboard.press("Shift+Tab")
    assert active(page)["label"] == "Namn, rad 3: Skolnämnden"
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.press("Enter")  # Enter writes the (empty) name back
    name_box = page.get_by_role("textbox", name="Namn, rad 3", exact=True)
    expect(name_box).to_have_attribute("aria-invalid", "true", timeout=20_000)
    row3 = table.locator("tbody.jk-rt-row").nth(2)
    expect(row3.locator(".jk-rt-cell-text .jk-error")).to_have_text("⚠ Fyll i Namn.")
    expect(row3.locator(".jk-rt-summary")).to_contain_text("Rätta i rad 3:")
    described = name_box.get_attribute("aria-describedby")
    assert page.locator(f"#{described}").inner_text() == "⚠ Fyll i Namn."
    assert active(page)["label"] == "Namn, rad 3"  # focus never left the field
    page.keyboard.type("Skol")
    wait_rows(page, lambda rs: True, "")
    page.wait_for_timeout(300)
    assert active(page)["label"] == "Namn, rad 3" and active(page)["value"] == "Skol"
    page.keyboard.type("nämnden")
    page.keyboard.press("Enter")
    expect(name_box).to_have_count(0)  # renamed: "Namn, rad 3: Skolnämnden"
    named = page.get_by_role("textbox", name="Namn, rad 3: Skolnämnden", exact=True)
    expect(named).not_to_have_attribute("aria-invalid", "true", timeout=20_000)
    expect(row3.locator(".jk-rt-summary")).to_be_hidden()
    assert active(page)["value"] == "Skolnämnden"

    # move up: the row moves, focus follows its button
    tab_to(page, "Flytta upp Skolnämnden")
    page.keyboard.press("Enter")
    wait_rows(page, lambda rs: names(rs) == ["Socialnämnden", "Skolnämnden", "Kommunstyrelsen"], "the move")
    assert active(page)["label"] == "Flytta upp Skolnämnden"
    expect(page.get_by_role("textbox", name="Namn, rad 2: Skolnämnden", exact=True)).to_have_value("Skolnämnden")
    page.keyboard.press("Enter")
    wait_rows(page, lambda rs: names(rs)[0] == "Skolnämnden", "the second move")
    assert active(page)["label"] == "Flytta upp Skolnämnden"  # first now: the button says so, focus stays
    expect(page.get_by_role("button", name="Flytta upp Skolnämnden")).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")  # a disabled move does nothing
    page.wait_for_timeout(300)
    assert names(kernel_rows(page))[0] == "Skolnämnden"

    # delete and undo: the live region offers the way back, which has focus
    tab_to(page, "Ta bort Skolnämnden")
    page.keyboard.press("Enter")
    wait_rows(page, lambda rs: names(rs) == ["Socialnämnden", "Kommunstyrelsen"], "the delete")
    live = table.locator(".jk-rt-live")
    expect(live).to_have_attribute("role", "status")
    expect(live).to_have_text("Skolnämnden borttagen. Ångra")
    assert active(page)["text"] == "Ångra"
    page.keyboard.press("Enter")
    rows = wait_rows(page, lambda rs: names(rs) == ["Skolnämnden", "Socialnämnden", "Kommunstyrelsen"], "undo")
    assert rows[0]["interest"] == 2.5 and rows[0]["channels"] == ["mote", "intranat"]
    assert active(page)["label"] == "Ta bort Skolnämnden"
    expect(live.locator(".jk-rt-undo-text")).to_have_text("Skolnämnden tillbaka på rad 1.")
    expect(live.get_by_role("button")).to_be_hidden()  # one undo per delete

    assert axe_violations(page) == []
    shot(page, "editors-1280")

    # a phone: every row a card with its own heading and visible labels; nothing cut
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_timeout(400)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    expect(table.locator("thead")).to_be_hidden()
    expect(table.get_by_role("heading", name="Socialnämnden", level=3)).to_be_visible()
    assert table.locator("tbody.jk-rt-row").first.evaluate("n => getComputedStyle(n).display") == "block"
    expect(table.locator("tbody.jk-rt-row").first.locator("label.jk-rt-label").first).to_be_visible()
    too_wide = page.evaluate("""() => [...document.querySelectorAll('.jk-app *')]
      .filter(n => n.getBoundingClientRect().right > 321 && n.getClientRects().length)
      .map(n => n.className || n.tagName).slice(0, 5)""")
    assert too_wide == []
    small = page.evaluate("""() => [...document.querySelectorAll('.jk-rowtable button, .jk-choice label, .jk-steps button')]
      .filter(n => n.getClientRects().length)
      .filter(n => { const r = n.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
      .map(n => n.textContent)""")
    assert small == []
    assert axe_violations(page) == []
    shot(page, "editors-320")
    assert errors == []
    context.close()


def test_an_edit_while_the_kernel_adds_a_row_keeps_both(browser, editors_url):
    """The kernel, busy, adds a row while the browser (not yet told) changes a number in the
    first: the kernel ends with the number and the row, and so does the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(editors_url, timeout=TIMEOUT)
    expect(page.locator(".jk-echo pre")).to_contain_text("Socialnämnden", timeout=TIMEOUT)
    page.get_by_role("button", name="Kärnan lägger till en rad").click()
    field = page.get_by_role("textbox", name="Intresse, rad 1: Socialnämnden", exact=True)
    field.fill("4")
    field.press("Tab")
    page.get_by_role("textbox", name="Namn, rad 2: Kommunstyrelsen", exact=True).fill("Kommunfullmäktige")
    page.keyboard.press("Tab")
    rows = wait_rows(page, lambda rs: len(rs) == 3 and rs[0]["interest"] == 4
                     and rs[1]["name"] == "Kommunfullmäktige", "the number, the name and the kernel's row")
    assert [r["id"] for r in rows] == ["a", "b", "k"]
    time.sleep(1.0)  # nothing comes after to undo it
    assert kernel_rows(page) == rows
    expect(page.get_by_role("textbox", name="Namn, rad 3: Från kärnan", exact=True)).to_be_visible()
    expect(field).to_have_value("4")
    context.close()


def test_choice_group_and_steps_by_keyboard(browser, editors_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(editors_url, timeout=TIMEOUT)
    expect(page.locator(".jk-steps")).to_be_visible(timeout=TIMEOUT)
    # a page load does not steal focus for the step heading
    heading = page.get_by_role("heading", name="Steg 1 av 3: Vilka berörs?", level=2)
    expect(heading).to_be_visible()
    assert active(page)["tag"] == "body"

    group = page.get_by_role("radiogroup", name="Inställning")
    if not group.count():
        group = page.get_by_role("group", name="Inställning")
    expect(group.get_by_role("radio", name="Neutral")).to_be_checked()
    group.get_by_role("radio", name="Neutral").focus()
    page.keyboard.press("ArrowRight")
    expect(group.get_by_role("radio", name="Negativ")).to_be_checked()
    expect(page.locator(".jk-choice-echo")).to_contain_text("Vald: neg; kanaler: mejl")
    many = page.get_by_role("group", name="Kanaler att använda")
    many.get_by_role("checkbox", name="Möte").focus()
    page.keyboard.press("Space")
    expect(page.locator(".jk-choice-echo")).to_contain_text("kanaler: mote, mejl")
    assert group.get_attribute("aria-describedby")

    # Next: the heading says where we are and takes focus; the kernel marks the step done
    nav = page.get_by_role("navigation", name="Stegen i övningen")
    expect(page.get_by_role("button", name="Tillbaka", exact=True)).to_be_hidden()
    tab_to(page, "Nästa\u00a0→")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Steg 2 av 3: Makt och intresse")).to_be_focused()
    expect(page.locator(".jk-step-body")).to_contain_text("Makt och intresse")
    first = nav.get_by_role("button").nth(0)
    expect(first).to_have_text("✓Vilka berörs? (klart)")
    expect(nav.get_by_role("button").nth(1)).to_have_attribute("aria-current", "step")
    expect(nav.get_by_role("button").nth(1)).to_contain_text("(du är här)")
    # a step in the list jumps there
    tab_to(page, "3Kommunikationsplan", back=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Steg 3 av 3: Kommunikationsplan")).to_be_focused()
    expect(page.get_by_role("button", name="Nästa", exact=True)).to_be_hidden()
    tab_to(page, "←\u00a0Tillbaka")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Steg 2 av 3: Makt och intresse")).to_be_focused()
    assert axe_violations(page) == []
    context.close()


def test_cards_layout_and_copy_button(browser, editors_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(editors_url, timeout=TIMEOUT)
    expect(page.locator(".jk-copy")).to_be_visible(timeout=TIMEOUT)

    # layout "cards": a card on a wide screen too (the auto table beside it stays a table)
    form = page.locator(".jk-rowtable").nth(2)
    expect(form.locator("caption")).to_have_text("Analysens fråga")
    assert "jk-rt-cards" in (form.get_attribute("class") or "")
    assert "jk-rt-cards" not in (page.locator(".jk-rowtable").first.get_attribute("class") or "")
    expect(form.locator("thead")).to_be_hidden()
    expect(form.get_by_role("heading", name="Snöröjning", level=3)).to_be_visible()
    for label in ("Fråga", "Varför spelar kön roll här?", "Vem äger frågan?"):
        expect(form.locator("label.jk-rt-label").filter(has_text=re.compile(f"^{re.escape(label)}"))).to_be_visible()
    expect(form.locator(".jk-rt-cellhelp")).to_have_text("Skriv några meningar.")
    expect(form.get_by_role("button")).to_have_count(0)  # no add, delete or move: a form
    why = form.locator("textarea")
    expect(why).to_have_attribute("maxlength", "20000")
    assert why.evaluate("n => n.getBoundingClientRect().height / parseFloat(getComputedStyle(n).lineHeight)") >= 4
    why.fill("x" * 20000)
    why.press("Tab")  # the change is written back; focus goes on to the select
    assert why.evaluate("n => n.value.length") == 20000
    assert active(page)["tag"] == "select"

    # the copy button, by keyboard: the text is on the clipboard and the result is said
    copy = page.locator(".jk-copy")
    button = page.get_by_role("button", name="Kopiera texten", exact=True)
    assert button.evaluate("b => b.type") == "button"
    button.focus()
    page.keyboard.press("Enter")
    expect(copy).to_have_attribute("data-jk-copied", "1", timeout=10_000)
    assert page.evaluate("navigator.clipboard.readText()") == \
        "Sammanfattning: snöröjning <b>först</b> på gång- och cykelvägar.\nRad två."
    status = copy.get_by_role("status")
    expect(status).to_have_text("✓ Texten är kopierad.")
    expect(page.locator(".jk-copy-echo")).to_have_text("Kopierat: true", timeout=TIMEOUT)  # the kernel heard
    assert active(page)["text"] == "Kopiera texten"
    assert button.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"  # focus is visible
    assert axe_violations(page) == []
    shot(page, "editors-cards-copy-1280")
    assert errors == []
    context.close()
