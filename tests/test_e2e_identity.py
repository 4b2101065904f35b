"""Group identity in Chromium (issue 15): on the link for all participants a group typed as
"örby kommun " is asked "Menar ni Örby kommun?" — by keyboard, announced, and never saved as a
new unprotected group; a new group's key is said beside Save, as the key field writes it."""

import re
import uuid
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from kit.domain import access
from kit.store import Store
from tests.test_e2e import TIMEOUT, WCAG, axe_violations

pytestmark = pytest.mark.browser


def sa_url(voila_server, **params):
    return voila_server.url("start.ipynb", urlencode({"module": "sjalvskattning", "role": "konsensus", **params}))


def test_a_near_name_is_asked_about_and_yes_leads_to_the_protected_group(page, voila_server):
    workshop = f"Namnkurs {uuid.uuid4().hex[:6]}"
    store = Store(voila_server.db_url)
    _revision, key = store.group(workshop, "Örby kommun").save(
        "uppstart", "", {m: {"score": 2, "comment": "", "actions": ""} for m in range(1, 11)})
    store.dispose()
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(sa_url(voila_server, workshop=workshop, group="örby kommun "), timeout=TIMEOUT)
    question = page.get_by_role("group", name=re.compile("^Menar ni Örby kommun\\?"))
    expect(question).to_be_visible(timeout=TIMEOUT)
    assert axe_violations(page, WCAG) == []
    # a save waits for the answer, and says why beside the button
    page.get_by_role("group", name="Poäng för moment 1", exact=True).get_by_role("radio").nth(2).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".jk-savebar .jk-status")).to_contain_text("frågan om gruppens namn", timeout=TIMEOUT)
    # by keyboard: the answer's button takes the focus and Enter presses it
    yes = question.get_by_role("button", name="Ja, vi är Örby kommun")
    yes.focus()
    page.keyboard.press("Enter")
    expect(question).to_be_hidden(timeout=TIMEOUT)
    expect(page.get_by_label("Organisation eller grupp")).to_have_value("Örby kommun")
    expect(page.locator(".jk-note", has_text="Gruppen Örby kommun är skyddad med en gruppnyckel")).to_be_visible()
    # the group's own key opens its work; nothing new was made
    field = page.get_by_label(re.compile("^Gruppnyckel"))
    field.fill(key.lower().replace("-", ""))
    field.press("Enter")
    expect(field).to_have_value(access.display_key(key), timeout=TIMEOUT)  # written one way
    check = Store(voila_server.db_url)
    try:
        assert check.groups(workshop) == ["Örby kommun"]
    finally:
        check.dispose()


def test_no_makes_a_new_group_whose_key_is_said_beside_save(page, voila_server):
    workshop = f"Namnkurs {uuid.uuid4().hex[:6]}"
    store = Store(voila_server.db_url)
    store.group(workshop, "Örby kommun").save("uppstart", "", {1: {"score": 1, "comment": "", "actions": ""}})
    store.dispose()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(sa_url(voila_server, workshop=workshop, group="ÖRBY KOMMUN"), timeout=TIMEOUT)
    question = page.get_by_role("group", name=re.compile("^Menar ni Örby kommun\\?"))
    expect(question).to_be_visible(timeout=TIMEOUT)
    question.get_by_role("button", name="Nej, vi är en ny grupp").click()
    expect(question).to_be_hidden(timeout=TIMEOUT)
    page.get_by_role("group", name="Poäng för moment 1", exact=True).get_by_role("radio").nth(3).check()
    save = page.get_by_role("button", name="Spara")
    save.focus()
    page.keyboard.press("Enter")
    status = page.locator(".jk-savebar .jk-status")
    expect(status).to_have_text(re.compile(r"Sparat \d\d:\d\d\. Er gruppnyckel är [A-Z0-9]{4}-[A-Z0-9]{4}"),
                                timeout=TIMEOUT)
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", status.text_content()).group()
    assert page.evaluate("document.activeElement.textContent") == "Spara"  # said where the focus is
    expect(page.get_by_label(re.compile("^Gruppnyckel"))).to_have_value(code)
    expect(page.locator(".jk-note", has_text="Er gruppnyckel är")).to_contain_text(code)
    check = Store(voila_server.db_url)
    try:
        assert sorted(check.groups(workshop)) == sorted(["Örby kommun", "ÖRBY KOMMUN"])
    finally:
        check.dispose()
