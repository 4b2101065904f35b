"""The Intressentanalys page driven from Python, as the browser's messages do."""

import pytest

from kit.modules.stakeholders import files
from kit.modules.stakeholders.app import App
from kit.store import Store

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'st.sqlite'}")
    yield s
    s.dispose()


def app(store, **params):
    return App({"workshop": "Kurs", "group": "Örby", **params}, store=store)


def test_bad_rows_are_named_at_their_fields_and_nothing_is_saved(store):
    page = app(store)
    page.table.rows = [{"id": "a", "name": "Facket", "power": 6, "interest": 2},
                       {"id": "b", "name": " facket", "power": 2, "interest": 2},
                       {"id": "c"}]  # just added, nothing typed: not an error yet
    assert set(page.table.errors) == {"a", "b"}
    assert "6" in page.table.errors["a"]["power"] and "rad 1" in page.table.errors["b"]["name"]
    before = store.count()
    assert not page.save()
    assert store.count() == before
    assert page.savebar.status_kind == "error" and "Rad 3: Namn saknas" in page.savebar.status
    assert set(page.table.errors) == {"a", "b", "c"}  # after a refused save, every problem shows
    page.set_language("en")
    assert "Row 1 (Facket)" in page.savebar.status  # said again in the new language
    assert len(page.rows) == 3 and page.rows[0]["name"] == "Facket"  # nothing typed is lost


def test_a_hostile_name_is_text_in_the_grid_and_its_words(store):
    page = app(store, step="2")
    page.table.rows = [{"id": "a", "name": HOSTILE, "power": 4, "interest": 4, "attitude": "for"}]
    page.go(1)
    assert "<img src=x" not in page.grid.value and "&lt;img src=x onerror=alert(1)&gt;" in page.grid.value
    assert page.grid.value.count('src="data:image/png;base64,') == 1  # the wide picture
    assert "step=2" in page.shell.query


def test_the_example_replaces_typed_rows_only_when_asked_twice(store):
    page = app(store)
    page.load_example()
    assert len(page.rows) == 10 and page.savebar.status_kind == "info"
    page.table.rows = page.rows[:2]
    page.load_example()  # asks first
    assert len(page.rows) == 2 and "en gång till" in page.savebar.status
    page.load_example()
    assert len(page.rows) == 10


def test_a_save_is_found_by_a_new_page_and_the_plan_keeps_its_words(store):
    page = app(store)
    page.load_example()
    page.go(3)
    rows = [dict(r) for r in page.plan_table.rows]
    rows[0]["message"] = "=HYPERLINK(1)"
    page.plan_table.rows = rows
    assert page.save() and page.gkey
    again = app(store, gkey=page.gkey, step="4")
    assert again.plan[0]["message"] == "=HYPERLINK(1)" and len(again.rows) == 10
    assert again.savebar.status_kind == "saved"
    stranger = app(store)  # no key: nothing of the group's shows
    assert stranger.rows == [] and stranger.savebar.status_kind == "error"
    names = [d["filename"] for d in again.files.downloads]
    assert names == ["intressentanalys-kurs-orby.xlsx", "intressentanalys-kurs-orby.json"]


def test_an_upload_comes_into_the_form_unsaved(store):
    source = app(store)
    source.load_example()
    data = files.to_json(source.collect(), "Kurs", "Örby", "uppstart")
    page = app(store, group="Ekeby")
    before = store.count()
    assert page.upload("analys.json", data)
    assert len(page.rows) == 10 and store.count() == before
    assert page.savebar.status_kind == "unsaved"
    assert not page.upload("trasig.json", b"{not json")
    assert page.files.status_kind == "error" and "trasig.json" in page.files.status
    assert len(page.rows) == 10  # a bad file loses nothing
