"""Unsaved work kept in the browser (issue 15): the shape check of a draft the browser sends
back (untrusted input), and the offer of it on a group page, driven from Python as the browser's
messages do: only at exactly its place, for an open group, never silently, never another
group's."""

import json

import pytest

from kit.modules.selfassessment.app import App as SelfAssessment
from kit.modules.stakeholders.app import App as Stakeholders
from kit.store import Store
from kit.ui.base import BaseApp
from kit.ui.group import draft_fits, jsonable


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'drafts.sqlite'}")
    yield s
    s.dispose()


def sent(widget) -> list:
    """Record what the kernel sends the widget's view (custom messages)."""
    messages = []
    widget.send = lambda content, buffers=None: messages.append(content)
    return messages


def browser_sends(widget, **msg) -> None:
    widget._handle_custom_msg(msg, [])


def score(page, moment, value, comment=None):
    card = page.cards[moment]
    card.value = value
    if comment is not None:
        card.comment = comment


# ------------------------------------------------------------------ the shape check
def test_real_payloads_of_both_modules_fit_their_templates(store):
    sa = SelfAssessment({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    score(sa, 1, 3, "Vi har en plan")
    score(sa, 4, 2)
    sa.cards[7].actions = "Utbildning"
    assert draft_fits(jsonable(sa.collect()), sa.draft_template())
    assert draft_fits(jsonable(sa.blank()), sa.draft_template())
    st = Stakeholders({"workshop": "Kurs", "group": "Örby"}, store=store)
    st.load_example()
    payload = jsonable(st.collect())
    assert len(payload["stakeholders"]) == 10 and payload["plan"]
    assert draft_fits(payload, st.draft_template())
    assert draft_fits(jsonable(st.blank()), st.draft_template())


STAKEHOLDERS = {"stakeholders": [], "plan": []}


@pytest.mark.parametrize("payload", [
    None, [], "text", 3,
    {"stakeholders": []},                                            # a key missing
    {"stakeholders": [], "plan": [], "extra": []},                   # a key too many
    {"stakeholders": {}, "plan": []},                                # a map where a list belongs
    {"stakeholders": "Facket", "plan": []},                          # a text where a list belongs
    {"stakeholders": [["Facket", 4]], "plan": []},                   # rows must be maps
    {"stakeholders": [{"name": {"first": "F"}}], "plan": []},        # nesting in a row
    {"stakeholders": [{"name": [[1]]}], "plan": []},                 # a list of lists
    {"stakeholders": [{"": 1}], "plan": []},                         # an empty field name
    {"stakeholders": [{"name": "x" * 30_000}], "plan": []},          # a text too long
    {"stakeholders": [{"n": 1}] * 1001, "plan": []},                 # too many rows
    {"stakeholders": [{"power": float("inf")}], "plan": []},         # not JSON
])
def test_wrong_shapes_are_refused(payload):
    assert not draft_fits(payload, STAKEHOLDERS)


def test_deep_or_huge_payloads_are_refused_without_failing():
    deep = []
    for _ in range(5000):
        deep = [deep]
    assert not draft_fits({"stakeholders": deep, "plan": []}, STAKEHOLDERS)
    assert not draft_fits({"1": {"comment": "x" * 15_000, "actions": "y" * 15_000}} | {
        str(m): {"comment": "z" * 19_000} for m in range(2, 40)}, {})  # over the total size
    assert not draft_fits({"1": {"score": {"nested": 1}}}, {})  # a map of rows: rows are flat
    assert not draft_fits({"1": 3}, {})
    # a template with typed values: the same JSON types
    assert draft_fits({"notes": "x", "n": 2, "ok": True}, {"notes": "", "n": 0, "ok": False})
    assert not draft_fits({"notes": 1, "n": 2, "ok": True}, {"notes": "", "n": 0, "ok": False})
    assert not draft_fits({"notes": "x", "n": True, "ok": True}, {"notes": "", "n": 0, "ok": False})
    assert not draft_fits({"notes": "x", "n": 2, "ok": 1}, {"notes": "", "n": 0, "ok": False})


# ------------------------------------------------------------------ the offer on a page
def page_at(store, **params):
    return SelfAssessment({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart",
                           "role": "chef", **params}, store=store)


def test_edits_are_kept_under_the_exact_place_and_forgotten_when_saved(store):
    page = page_at(store)
    key = page.savebar.draft_key
    assert json.loads(key) == ["självskattning", "Kurs", "Örby", "uppstart", "chef"]
    assert page.savebar.draft is None
    score(page, 2, 3, "utkast")
    assert page.savebar.draft == {"key": key, "payload": {"2": {"score": 3, "comment": "utkast", "actions": ""}}}
    page.context.role = "strateg"  # another place: its own key, nothing written under it yet
    assert json.loads(page.savebar.draft_key)[-1] == "strateg" and page.savebar.draft is None
    page.context.role = "chef"
    assert page.savebar.draft_key == key and page.savebar.draft["payload"]["2"]["score"] == 3
    out = sent(page.savebar)
    assert page.save()
    assert {"event": "forget", "key": key} in out and page.savebar.draft is None
    # an incomplete place keeps nothing in the browser
    assert page_at(store, group="").savebar.draft_key == ""


def test_a_draft_is_offered_back_and_taken_back_only_when_asked(store):
    draft = {"1": {"score": 4, "comment": "från förra sidan", "actions": ""}, "3": {"score": 2, "comment": "", "actions": ""}}
    page = page_at(store)
    key = page.savebar.draft_key
    browser_sends(page.savebar, event="draft", key=key, payload=draft, at=1_700_000_000_000)
    assert page.draft_ask.text.startswith("Den här webbläsaren har osparade ändringar från kl.")
    assert [b["value"] for b in page.draft_ask.buttons] == ["take", "discard"]
    assert page.collect() == {} and page.cards[1].value == 0  # offered, not applied
    browser_sends(page.draft_ask, event="answer", value="take")
    assert page.draft_ask.text == "" and page.cards[1].value == 4 and page.cards[1].comment == "från förra sidan"
    assert page.savebar.status_kind == "unsaved" and page.savebar.draft["payload"] == draft
    assert page.save()
    again = page_at(store, gkey=page.gkey)
    assert again.cards[3].value == 2


def test_a_draft_can_be_discarded_and_is_then_removed_from_the_browser(store):
    page = page_at(store)
    key = page.savebar.draft_key
    out = sent(page.savebar)
    browser_sends(page.savebar, event="draft", key=key, payload={"5": {"score": 1, "comment": "", "actions": ""}}, at=0)
    assert page.draft_ask.text
    browser_sends(page.draft_ask, event="answer", value="discard")
    assert page.draft_ask.text == "" and page.collect() == {}
    assert out == [{"event": "forget", "key": key}]
    assert page.savebar.status.startswith("De osparade ändringarna är borta")


def test_a_draft_is_offered_only_at_its_place_and_for_an_open_group(store):
    owner = page_at(store)
    score(owner, 1, 3)
    assert owner.save()
    draft = {"1": {"score": 1, "comment": "", "actions": ""}}
    # another group's key, sent to this page: not offered, and not removed (it is not this page's)
    page = page_at(store, group="Åby")
    out = sent(page.savebar)
    other = json.dumps(["självskattning", "Kurs", "Örby", "uppstart", "chef"], ensure_ascii=False)
    browser_sends(page.savebar, event="draft", key=other, payload=draft, at=0)
    assert page.draft_ask.text == "" and out == []
    # another occasion, another role, another module's record: not this place
    for place in (["självskattning", "Kurs", "Åby", "lärandeträff 1", "chef"],
                  ["självskattning", "Kurs", "Åby", "uppstart", "strateg"],
                  ["intressentanalys", "Kurs", "Åby", "uppstart", "chef"]):
        browser_sends(page.savebar, event="draft", key=json.dumps(place, ensure_ascii=False), payload=draft, at=0)
        assert page.draft_ask.text == ""
    # the group Örby is protected by its key: a page without the key keeps and offers nothing,
    # even for a draft sent at its exact place
    stranger = page_at(store)
    assert stranger.savebar.draft_key == "" and stranger.savebar.status_kind == "error"
    browser_sends(stranger.savebar, event="draft", key=other, payload=draft, at=0)
    assert stranger.draft_ask.text == "" and stranger.collect() == {}
    # with the key it is the group's page: offered
    friend = page_at(store, gkey=owner.gkey)
    assert friend.savebar.draft_key == other
    browser_sends(friend.savebar, event="draft", key=other, payload=draft, at=0)
    assert friend.draft_ask.text


def test_a_draft_that_does_not_fit_or_is_saved_already_is_removed_not_offered(store):
    page = page_at(store)
    key = page.savebar.draft_key
    out = sent(page.savebar)
    browser_sends(page.savebar, event="draft", key=key, payload={"1": {"score": {"x": 1}}}, at=0)
    assert page.draft_ask.text == "" and out == [{"event": "forget", "key": key}]
    score(page, 1, 3)
    assert page.save()
    out.clear()
    saved = jsonable(page.collect())
    browser_sends(page.savebar, event="draft", key=key, payload=saved, at=0)  # saved since
    assert page.draft_ask.text == "" and out == [{"event": "forget", "key": key}]


def test_what_the_page_shows_already_is_not_offered_and_the_offer_follows_the_place(store):
    page = page_at(store)
    key = page.savebar.draft_key
    score(page, 2, 4)
    browser_sends(page.savebar, event="draft", key=key, payload=page.savebar.draft["payload"], at=0)
    assert page.draft_ask.text == ""  # the page kept it itself (a re-render, a language switch)
    browser_sends(page.savebar, event="draft", key=key, payload={"9": {"score": 1, "comment": "", "actions": ""}}, at=0)
    assert page.draft_ask.text
    page.set_language("en")  # the offer is said again in the new language
    assert page.draft_ask.text.startswith("This browser has unsaved changes from")
    page.context.occasion = "lärandeträff 1"  # moved on: the offer was for the old place
    assert page.draft_ask.text == ""
    browser_sends(page.draft_ask, event="answer", value="take")
    assert page.cards[9].value == 0


def test_a_draft_the_module_cannot_show_is_dropped_and_said(store, monkeypatch):
    page = page_at(store)
    key = page.savebar.draft_key
    score(page, 6, 2)
    monkeypatch.setattr(page, "draft_ok", lambda _payload: True)  # a module whose own check misses it
    browser_sends(page.savebar, event="draft", key=key, payload={"x": {"score": 1}}, at=0)  # fits, but no moment
    assert page.draft_ask.text
    out = sent(page.savebar)
    browser_sends(page.draft_ask, event="answer", value="take")
    assert page.cards[6].value == 2  # the form as it was
    assert {"event": "forget", "key": key} in out
    assert page.savebar.status_kind == "error" and "gick inte att läsa" in page.savebar.status


def test_the_stakeholder_page_offers_its_draft_back(store):
    first = Stakeholders({"workshop": "Kurs", "group": "Örby"}, store=store)
    first.load_example()
    kept = first.savebar.draft
    assert kept and json.loads(kept["key"])[0] == "intressentanalys"
    again = Stakeholders({"workshop": "Kurs", "group": "Örby"}, store=store)  # a reload
    assert again.savebar.draft_key == kept["key"] and again.rows == []
    browser_sends(again.savebar, event="draft", key=kept["key"], payload=kept["payload"], at=0)
    browser_sends(again.draft_ask, event="answer", value="take")
    assert len(again.rows) == 10 and again.savebar.status_kind == "unsaved"
    assert jsonable(again.collect()) == kept["payload"]


def test_the_heartbeat_is_answered_at_once_by_every_page(store):
    page = page_at(store)
    out = sent(page.shell)
    browser_sends(page.shell, event="ping", n=7)
    assert out == [{"event": "pong", "n": 7}] and not page.busy
    assert {"conn_lost", "conn_back", "conn_kept", "conn_wait", "conn_reload"} <= set(page.shell.strings)
    assert page.shell.strings["conn_lost"] == "Ingen anslutning till servern."
    page.set_language("en")
    assert page.shell.strings["conn_lost"] == "No connection to the server."
    assert page.savebar.strings["offline_kept"].startswith("Not connected")
    assert issubclass(SelfAssessment, BaseApp)


@pytest.mark.parametrize("payload", [
    {"11": {"score": 3, "comment": "", "actions": ""}},  # no such moment
    {"1": {"score": 5, "comment": "", "actions": ""}},  # off the 1–4 scale
    {"1": {"score": 2.5}},
    {"x": {"score": 1}},
    {"1": {"score": 1, "extra": "?"}},  # a field the checklist does not have
    {"1": {"score": None, "comment": "x" * 20_000}},  # longer than the kit takes
])
def test_a_self_assessment_draft_must_keep_the_checklists_rules(store, payload):
    page = page_at(store)
    key = page.savebar.draft_key
    out = sent(page.savebar)
    assert draft_fits(payload, page.draft_template())  # the generic shape would let it pass
    browser_sends(page.savebar, event="draft", key=key, payload=payload, at=0)
    assert page.draft_ask.text == "" and out == [{"event": "forget", "key": key}]


def test_a_self_assessment_draft_within_the_rules_is_offered(store):
    page = page_at(store)
    other = SelfAssessment({"workshop": "Kurs", "group": "Annan", "role": "chef"}, store=store)
    score(other, 1, 4, "Klart")
    score(other, 10, 1)
    other.cards[2].comment = "bara en kommentar"
    payload = jsonable(other.collect())
    assert page.draft_ok(payload)
    browser_sends(page.savebar, event="draft", key=page.savebar.draft_key, payload=payload, at=0)
    assert page.draft_ask.text.startswith("Den här webbläsaren har osparade ändringar")
