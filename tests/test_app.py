"""The self-assessment and start apps driven from Python, as the browser's messages do."""

import re

import pytest

from kit.domain import scores as sc
from kit.io.readers import read_scores
from kit.modules.selfassessment.app import SelfAssessmentApp
from kit.store import Store
from kit.ui.start import StartApp

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'app.sqlite'}")


def fill(app, score_of, comment=""):
    for m, card in app.cards.items():
        card.value = score_of(m)
        card.comment = comment


def test_save_then_a_new_page_sees_everything(store):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart",
                             "role": "chef"}, store=store)
    fill(app, lambda m: (m % 4) + 1, "vår kommentar")
    app.cards[3].actions = "Utbildning för nämnden"
    assert app.savebar.status_kind == "unsaved"
    assert app.savebar.total_text.startswith("Summa: 25 av 40 (10 av 10")
    assert app.save()
    assert app.savebar.status.startswith("Sparat ") and app.savebar.status_kind == "saved"
    assert re.fullmatch(r"[2-9A-Z]{8}", app.gkey) and f"gkey={app.gkey}" in app.shell.query
    assert app.gkey[:4] in app.key_box.value  # the key is shown to the group once
    stranger = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart",
                                  "role": "chef"}, store=store)
    assert [c.value for c in stranger.cards.values()] == [0] * 10  # nothing shown without the key
    assert stranger.context.show_key and "skyddad" in stranger.savebar.status
    assert not stranger.save() and len(store.history("Kurs", "Örby", "uppstart", "chef")) == 1
    stranger.context.key = app.gkey.lower()  # typed from a note: case and dashes do not matter
    assert [c.value for c in stranger.cards.values()] == [(m % 4) + 1 for m in sc.MOMENTS]
    again = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart",
                               "role": "chef", "gkey": app.gkey}, store=store)
    assert [c.value for c in again.cards.values()] == [(m % 4) + 1 for m in sc.MOMENTS]
    assert again.cards[3].actions == "Utbildning för nämnden"
    assert again.savebar.status.startswith("Hämtade sparade svar")
    assert "<img" in again.results.value and 'alt="Spindeldiagram' in again.results.value
    assert [d["filename"] for d in again.files.downloads] == ["jamkit-kurs-orby.xlsx", "jamkit-kurs-orby.json"]


def test_results_show_modellkonceptets_published_totals(store):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    for html in (app.results.value,):  # shown even before anything is saved
        assert "Tabell 1" in html and "Tabell 2" in html
    fill(app, lambda m: 2)
    assert app.save()
    html = app.results.value
    for total in ("17,8", "19,8", "23,9", "28,5", "10,8", "22,0", "25,0", "27,8", "31,0", "9,0"):
        assert f"<td>{total}</td>" in html, total
    app.set_language("en")
    assert "<td>17.8</td>" in app.results.value and "<td>31.0</td>" in app.results.value


def test_save_needs_the_whole_place_and_says_which_part_is_missing(store):
    app = SelfAssessmentApp({"workshop": "Kurs"}, store=store)
    fill(app, lambda m: 2)
    assert not app.save()
    assert "organisation" in app.context.error.lower() and "roll" in app.context.error.lower()
    assert app.savebar.status_kind == "error" and store.count() == 0
    # typing the missing parts keeps the scores already chosen
    app.context.organisation = "Örby"
    app.context.role = "strateg"
    assert [c.value for c in app.cards.values()] == [2] * 10
    assert app.save() and len(store.history("Kurs", "Örby", "uppstart", "strateg")) == 1


def test_switching_role_keeps_unsaved_work_as_a_draft(store):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    fill(app, lambda m: 3)
    app.context.role = "politiker"
    assert [c.value for c in app.cards.values()] == [0] * 10
    app.context.role = "chef"
    assert [c.value for c in app.cards.values()] == [3] * 10
    assert app.savebar.status_kind == "unsaved"


def test_consensus_shows_each_roles_saved_scores(store):
    key = ""
    for role, score in (("politiker", 1), ("chef", 3)):  # two tablets, the second via the group's link
        app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": role, "gkey": key},
                                store=store)
        fill(app, lambda m, s=score: s)
        assert app.save()
        key = app.gkey
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "konsensus", "gkey": key},
                            store=store)
    assert app.cards[1].show_peers and app.cards[1].peers == [["Politiker", 1], ["Chef", 3]]
    assert "Rollernas skattningar" in app.spread_note.value
    fill(app, lambda m: 2)
    assert app.save()
    table = sc.summary_table(store.answers_frame("Kurs"))
    assert table.loc["Totalt", "uppstart"] == 20.0  # the consensus wins over the roles' mean


def test_language_switch_keeps_unsaved_answers(store):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    fill(app, lambda m: 4)
    app.set_language("en")
    assert app.savebar.button_label == "Save" and app.cards[1].strings["more"] == "More about this moment"
    assert [c.value for c in app.cards.values()] == [4] * 10
    assert app.savebar.status == "Unsaved changes"
    assert "lang=en" in app.shell.query


def test_language_switch_says_the_key_notice_and_a_failed_save_again(store, monkeypatch):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart",
                             "role": "chef"}, store=store)
    fill(app, lambda m: 3)
    assert app.save()
    app.set_language("en")
    assert app.gkey[:4] in app.key_box.value and "Your group key" in app.key_box.value
    assert app.savebar.status.startswith("Saved ")
    fill(app, lambda m: 2)

    def broken(*_a, **_k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(type(app._access()), "save", broken)
    assert not app.save()
    assert app.savebar.status.startswith("Not saved") and app.savebar.status_kind == "error"
    app.set_language("sv")
    assert app.savebar.status.startswith("Inte sparat") and app.savebar.status_kind == "error"
    assert "Er gruppnyckel" in app.key_box.value
    assert [c.value for c in app.cards.values()] == [2] * 10


def test_a_failed_export_is_no_longer_said_once_the_files_can_be_made(store, monkeypatch):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart",
                             "role": "chef"}, store=store)
    fill(app, lambda m: 3)
    real = app._downloads
    monkeypatch.setattr(app, "_downloads", lambda *a: (_ for _ in ()).throw(RuntimeError("disk")))
    assert app.save()
    assert app.files.status_kind == "error" and app.files.downloads == []
    app.set_language("en")
    assert app.files.status.startswith("The file could not be made")
    monkeypatch.setattr(app, "_downloads", real)
    fill(app, lambda m: 4)
    assert app.save()
    assert app.files.status == "" and len(app.files.downloads) == 2


def test_hostile_names_and_comments_are_escaped_in_every_html(store):
    app = SelfAssessmentApp({"workshop": HOSTILE, "group": HOSTILE, "role": "konsensus"}, store=store)
    fill(app, lambda m: 2, HOSTILE)
    assert app.save()
    assert HOSTILE not in app.results.value
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in app.results.value


def test_download_uploads_back_and_bad_upload_writes_nothing(store, tmp_path):
    import base64

    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    fill(app, lambda m: 2, "x")
    assert app.save()
    xlsx = base64.b64decode(app.files.downloads[0]["b64"])
    js = base64.b64decode(app.files.downloads[1]["b64"])
    assert len(read_scores("a.xlsx", name="a.xlsx", data=xlsx)) == 10
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    fresh = SelfAssessmentApp({"workshop": "Ny kurs", "role": "chef"}, store=other)
    assert fresh.upload("jamkit.json", js)
    assert fresh.files.status_kind == "saved" and "10 svar" in fresh.files.status
    assert fresh.ctx["organisation"] == "Örby" and [c.value for c in fresh.cards.values()] == [2] * 10
    before = other.count()
    assert not fresh.upload("trasig.xlsx", xlsx[:100])
    assert fresh.files.status_kind == "error" and "trasig.xlsx" in fresh.files.status
    bad_csv = "organisation;tillfälle;moment;poäng\nÖrby;uppstart;1;3\nÖrby;uppstart;2;7\n".encode("cp1252")
    assert not fresh.upload("svar.csv", bad_csv)
    assert "rad 3" in fresh.files.status and other.count() == before


def test_a_group_removed_by_the_facilitator_cannot_be_written(store):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    fill(app, lambda m: 2)
    assert app.save()
    store.delete_group("Kurs", "Örby")
    fill(app, lambda m: 3)
    assert not app.save() and "tagit bort" in app.savebar.status


def test_upload_refuses_a_file_for_another_groups_protected_name(store, tmp_path):
    import base64

    owner = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    fill(owner, lambda m: 2)
    assert owner.save()
    data = base64.b64decode(owner.files.downloads[1]["b64"])
    intruder = SelfAssessmentApp({"workshop": "Kurs", "group": "Annan", "role": "chef"}, store=store)
    before = store.count()
    assert not intruder.upload("jamkit.json", data)
    assert "skyddad" in intruder.files.status and store.count() == before


def test_start_page_opens_the_module_in_the_same_page(store):
    start = StartApp({"lang": "sv", "workshop": "Kurs", "group": "Örby"}, store=store)
    start.open("sjalvskattning")
    assert start.module.ctx["workshop"] == "Kurs" and start.module.ctx["organisation"] == "Örby"
    assert start.widget.children[0] is start.module.shell
    assert start.module.shell.query.startswith("module=sjalvskattning")
    start.module.on_back(start.module)
    assert "Välkommen" in start.widget.children[1].value
    direct = StartApp({"module": "sjalvskattning", "lang": "en"}, store=store)
    assert direct.module is not None and direct.module.lang == "en"


def test_results_are_drawn_again_only_after_a_save(store, monkeypatch):
    from kit import plots

    calls = []
    original = plots.radar
    monkeypatch.setattr(plots, "radar", lambda *a, **k: calls.append(1) or original(*a, **k))
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "role": "chef"}, store=store)
    fill(app, lambda m: 2)
    assert app.save() and len(calls) == 1
    app.context.role = "politiker"  # the group's results did not change
    app.context.role = "chef"
    assert len(calls) == 1 and "Spindeldiagram" in app.results.value
    fill(app, lambda m: 3)
    assert app.save() and len(calls) == 2


@pytest.mark.parametrize("field", ["workshop", "organisation"])
@pytest.mark.parametrize("bad, words", [("Ö\ud800rby", "tecken"), ("Ör\x07by", "tecken"), ("x" * 500, "högst 120")])
def test_a_name_that_cannot_be_stored_is_said_at_the_form_and_not_kept(store, field, bad, words):
    app = SelfAssessmentApp({"workshop": "Kurs", "group": "Örby", "occasion": "uppstart",
                             "role": "chef"}, store=store)
    setattr(app.context, field, bad)
    assert app.context.error and words in app.context.error.lower(), app.context.error
    assert "gick fel" not in app.context.error and "gick fel" not in app.savebar.status
    assert app.ctx[field] == ("Kurs" if field == "workshop" else "Örby")
    fill(app, lambda m: 2)
    count = store.count()
    assert not app.save(), "the field shows a bad name: nothing is saved under the old one"
    assert app.savebar.status_kind == "error" and words in app.savebar.status.lower()
    assert store.count() == count
    app.set_language("en")
    setattr(app.context, field, bad + "x")
    assert app.context.error and "went wrong" not in app.context.error
    setattr(app.context, field, "Ödeby")  # fixed: the error goes, a save works
    assert app.ctx[field] == "Ödeby" and app.save()
