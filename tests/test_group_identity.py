"""Group identity: a name that differs from an existing group's only by case or spaces is asked
about ("Menar ni Örby kommun?") before it can start a new, unprotected group; a new group's key
is said beside Save and written one way everywhere."""

import pytest

from kit.domain import access
from kit.modules.selfassessment.app import App as SelfAssessment
from kit.modules.stakeholders.app import App as Stakeholders
from kit.store import Store


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'identity.sqlite'}")
    first = SelfAssessment({"workshop": "Kurs", "group": "Örby kommun", "role": "konsensus"}, store=store)
    first.cards[1].value = 3
    assert first.save()
    store.first_key = first.gkey
    return store


def answer(page, value):
    page.question._handle_custom_msg({"event": "answer", "value": value}, [])


@pytest.mark.parametrize("typed", ["örby kommun ", "ÖRBY  KOMMUN", " örby   Kommun"])
def test_a_near_name_is_asked_about_and_no_save_starts_a_new_group(store, typed):
    page = SelfAssessment({"workshop": "Kurs", "role": "konsensus"}, store=store)
    page.context.organisation = typed
    assert "Örby kommun" in page.question.text and page.question.text.startswith("Menar ni")
    assert [b["value"] for b in page.question.buttons] == ["existing", "new"]
    page.cards[2].value = 2
    assert not page.save()
    assert page.savebar.status_kind == "error" and "frågan om gruppens namn" in page.savebar.status
    assert store.groups("Kurs") == ["Örby kommun"]  # nothing new was claimed


def test_yes_moves_to_the_existing_group_which_asks_for_its_key(store):
    page = SelfAssessment({"workshop": "Kurs", "group": "örby kommun", "role": "konsensus"}, store=store)  # from a link
    assert page.question.text
    answer(page, "existing")
    assert page.question.text == "" and page.ctx["organisation"] == "Örby kommun"
    assert page.context.organisation == "Örby kommun" and page.context.show_key
    assert "skyddad" in page.key_box.value and not page.save()
    page.context.key = store.first_key.lower()
    assert page.cards[1].value == 3  # the group's own work, opened with its key


def test_no_starts_a_new_group_of_that_name_with_its_own_key(store):
    page = Stakeholders({"workshop": "Kurs"}, store=store)
    page.context.organisation = "örby kommun"
    assert page.question.text.startswith("Menar ni")
    answer(page, "new")
    assert page.question.text == ""
    page.act(page.load_example)
    assert page.save()
    assert sorted(store.groups("Kurs")) == ["Örby kommun", "örby kommun"]
    code = access.display_key(page.gkey)
    assert code in page.savebar.status and page.savebar.status_kind == "saved"
    assert page.context.key == code  # the key field writes it as the notice does: K7QM-2XPA


def test_the_question_is_asked_again_in_the_other_language(store):
    page = SelfAssessment({"workshop": "Kurs", "group": "ÖRBY KOMMUN"}, store=store)
    page.set_language("en")
    assert page.question.text.startswith("Do you mean Örby kommun")
    assert page.question.buttons[0]["label"] == "Yes, we are Örby kommun"


def test_an_exact_or_unlike_name_is_not_asked_about(store):
    for name in ("Örby kommun", "Örby", "Norrby kommun"):
        page = SelfAssessment({"workshop": "Kurs", "group": name}, store=store)
        assert page.question.text == "" and page.question.buttons == []
    other = SelfAssessment({"workshop": "Annan kurs", "group": "örby kommun"}, store=store)
    assert other.question.text == ""  # another workshop's groups are not this one's


def test_a_new_key_is_said_beside_save_in_the_display_form(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'k.sqlite'}")
    page = SelfAssessment({"workshop": "Kurs", "group": "Norrby", "role": "konsensus"}, store=store)
    page.cards[1].value = 4
    assert page.save()
    code = access.display_key(page.gkey)
    assert "-" in code and code in page.savebar.status and code in page.key_box.value
    assert page.context.key == code
    page.set_language("en")
    assert code in page.key_box.value
