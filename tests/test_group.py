"""GroupApp as a module without roles stands on it: only its own widget and payload."""

import ipywidgets as w
import pytest

from kit.store import Store
from kit.ui.base import JSON, download
from kit.ui.group import GroupApp


class Notes(GroupApp):
    """A toy module: one text field, saved as {"notes": text}."""

    key = record = "anteckningar"

    def body(self):
        self.text = w.Textarea()
        self.text.observe(lambda _change: self.changed(), names="value")
        return [self.text]

    def blank(self):
        return {"notes": ""}

    def collect(self):
        return {"notes": self.text.value}

    def show(self, payload):
        self.text.value = (payload or self.blank())["notes"]

    def downloads(self):
        found = self._access().latest(self.record, self.ctx["occasion"])
        return [download("JSON", "notes.json", found.payload["notes"].encode(), JSON)] if found else []


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'group.sqlite'}")


def test_a_module_without_roles_saves_its_payload_under_the_group_key(store):
    page = Notes({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart", "role": "chef"}, store=store)
    assert "role" not in page.ctx and "role=" not in page.shell.query
    assert not page.context.show_role and page.context.role_options == []
    page.text.value = "Vilka berörs?"
    assert page.savebar.status_kind == "unsaved"
    assert page.save() and page.savebar.status_kind == "saved"
    assert f"gkey={page.gkey}" in page.shell.query and page.gkey[:4] in page.key_box.value
    assert store.group("Kurs", "Örby", page.gkey).latest("anteckningar", "uppstart").payload == {
        "notes": "Vilka berörs?"}
    assert page.files.downloads[0]["filename"] == "notes.json"
    stranger = Notes({"workshop": "Kurs", "group": "Örby"}, store=store)
    assert stranger.text.value == "" and stranger.savebar.status_kind == "error"
    assert stranger.files.downloads == [] and not stranger.save()
    friend = Notes({"workshop": "Kurs", "group": "Örby", "gkey": page.gkey.lower()}, store=store)
    assert friend.text.value == "Vilka berörs?" and friend.savebar.status.startswith("Hämtade")


def test_drafts_per_occasion_and_a_language_switch_keep_unsaved_work(store):
    page = Notes({"workshop": "Kurs", "group": "Örby"}, store=store)
    page.text.value = "utkast"
    page.context.occasion = "lärandeträff 1"
    assert page.text.value == "" and "occasion=l%C3%A4randetr%C3%A4ff+1" in page.shell.query
    page.context.occasion = "uppstart"
    assert page.text.value == "utkast" and page.savebar.status_kind == "unsaved"
    page.set_language("en")
    assert page.text.value == "utkast" and page.savebar.status == "Unsaved changes"
    assert page.savebar.button_label == "Save" and "lang=en" in page.shell.query


def test_failures_are_said_in_the_pages_language_and_never_raise(store, monkeypatch):
    page = Notes({"lang": "en", "workshop": "Kurs", "group": "Örby"}, store=store)
    assert not page.upload("x.bin", b"\x00")  # the base reads no file: said, not raised
    assert page.files.status_kind == "error" and page.files.status.startswith("The file was not read")
    monkeypatch.setattr(page, "downloads", lambda: 1 / 0)
    page.text.value = "a\ud800b"  # cannot be stored: refused before anything is written
    count = store.count()
    assert not page.save() and page.savebar.status.startswith("Not saved")
    assert "went wrong" not in page.savebar.status and store.count() == count
    page.text.value = "ok"
    assert page.save() and page.files.status_kind == "error" and page.files.downloads == []
    page.set_language("sv")
    assert page.files.status.startswith("Filen kunde inte skapas")
