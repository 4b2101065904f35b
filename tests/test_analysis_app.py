"""The Könskonsekvensanalys page in the kernel (no browser): where its indicators come from, the
steps and their progress, saving on the way, resuming, the checklist on the page, the section
and its files, drafts and the language switch."""

from __future__ import annotations

import json

import pytest

from kit.modules.analysis import records, sources
from kit.modules.analysis import rules as r
from kit.modules.analysis.app import App
from kit.modules.statistics import records as stat_records
from kit.store import Store

PLACE = {"workshop": "Kurs", "group": "Örby", "occasion": "uppstart"}


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'a.sqlite'}")


def with_picks(store, picks=None):
    """A group that saved picks in Statistik; returns its key."""
    picks = sources.case_picks("sv")[:2] if picks is None else picks
    _revision, key = stat_records.save(store.group("Kurs", "Örby"), "uppstart", {"threshold": "5", "picks": picks})
    return key


def page(store, key, **params):
    return App({**PLACE, "gkey": key, **params}, store=store)


def edit(table, **values):
    """Type into a one-row form as the browser would (a new list of rows)."""
    table.rows = [{**table.rows[0], **values}]


def test_the_picks_from_statistik_come_in_with_their_suppressed_values(store):
    app = page(store, with_picks(store))
    rows = app.a["indicators"]
    assert [x["age_group"] for x in rows] == ["80+", "65–79"]
    assert rows[1]["suppressed"] == ["2022:K", "2022:M"] and app.a["threshold"] == "5"
    assert "2 indikatorer ni valde i Statistik" in app.source.text
    assert "56,2" not in app.numbers.value and "44,7" not in app.numbers.value


def test_a_saved_analysis_loads_clean_and_moving_on_saves(store):
    key = with_picks(store)
    app = page(store, key)
    edit(app.questions, difference="yes", conclusion="Kvinnor väntar längre")
    assert app._dirty()
    app.go(1)  # on to the goals: the work is saved on the way
    assert not app._dirty() and app.savebar.status.startswith("Sparat")
    found = records.load(store.group("Kurs", "Örby", key), "uppstart")
    assert found["payload"]["indicators"][0]["conclusion"] == "Kvinnor väntar längre"
    again = page(store, key, step="1")
    assert not again._dirty() and again.savebar.draft is None  # loading is no edit
    assert again.questions.rows[0]["conclusion"] == "Kvinnor väntar längre"


def test_a_group_coming_back_opens_at_the_first_step_not_done(store):
    key = with_picks(store)
    app = page(store, key)
    for i in range(2):
        app.which.value = str(i)
        edit(app.questions, difference="yes", conclusion="Slutsats")
    app.save()
    assert page(store, key).step == 1  # the impact analysis is done
    assert page(store, key, step="3").step == 2  # the address wins


def test_the_checklist_on_the_page(store):
    app = page(store, with_picks(store), step="4")
    shown = lambda: [c for c in app.content.children if c in app.statements]  # noqa: E731
    assert len(shown()) == 1
    app.statements[0].value = "yes"
    app.statements[1].value = "no"
    assert len(shown()) == 3 and "Återremiss" in app.verdict.value
    assert "individbaserad statistik uppdelad på kön" in app.verdict.value
    assert app.note_copy.text.startswith("Återremiss") and app.section_table in app.content.children
    app.statements[0].value = "no"
    assert len(shown()) == 1 and app.section_table not in app.content.children
    edit(app.reason, reason="<b>Gäller</b> fönster")
    assert "Skäl: &lt;b&gt;Gäller&lt;/b&gt; fönster." in app.verdict.value
    assert "decision" in r.progress(app.a)


def test_the_section_follows_the_analysis_until_it_is_edited(store):
    app = page(store, with_picks(store), step="4")
    app.statements[0].value = "yes"
    text = app.section_table.rows[0]["text"]
    assert "Väntetid till särskilt boende (80+)" in text and app.section_copy.text == text
    assert [d["filename"].rsplit(".", 1)[1] for d in app.section_files.downloads] == ["docx", "odt"]
    edit(app.section_table, text=text + "\n\nVårt eget tillägg.")
    assert app.a["section"]["edited"] and "Vårt eget tillägg." in app.section_copy.text
    app.go(0)
    edit(app.questions, conclusion="Ny slutsats")
    app.go(3)
    assert "Ny slutsats" not in app.section_table.rows[0]["text"]  # the group's own text stays
    app.regenerate_section("ask")
    assert app.regenerate.text and not app.a["section"]["text"] == ""
    app.regenerate_section("yes")
    assert not app.a["section"]["edited"] and "Ny slutsats" in app.section_table.rows[0]["text"]


def test_the_example_and_taking_the_picks_again(store):
    key = with_picks(store)
    app = page(store, key)
    edit(app.questions, conclusion="Svar om 80+")
    app.source_answer("example")
    assert len(app.a["indicators"]) == 3 and app.a["indicators"][0]["conclusion"] == "Svar om 80+"
    assert app.a["fourr"]["activity"] == sources.case("sv")["activity"]
    assert {b["value"] for b in app.source.buttons} == {"sync", "example"}
    stat_records.save(store.group("Kurs", "Örby", key), "uppstart", {"picks": sources.case_picks("sv")[2:]})
    app.load()
    app.source_answer("sync")  # the 80+ answers would go: asked first
    assert len(app.a["indicators"]) == 3
    app.source_answer("sync")
    assert [x["indicator"] for x in app.a["indicators"]] == ["Besväras av ensamhet, hemtjänst"]


def test_the_language_switch_keeps_everything(store):
    app = page(store, with_picks(store), step="2")
    app.national.rows = [{**row, "met": "no"} if row["id"] == "health" else row for row in app.national.rows]
    app.set_language("en")
    assert app.a["national"][4]["met"] == "no" and app.step == 1
    assert app.national.rows[4]["goal"] == "Gender-equal health"
    app.go(0)
    assert "Waiting time for a place in residential care" in app.numbers.value


def test_drafts_from_the_browser_are_checked(store):
    app = page(store, with_picks(store))
    good = json.loads(json.dumps(app.collect()))
    assert app.draft_ok(good)
    assert not app.draft_ok({**good, "indicators": "x"})
    too_long = json.loads(json.dumps(good))
    too_long["fourr"]["realia"] = "x" * 5000
    assert not app.draft_ok(too_long)


def test_the_files_panel_offers_the_saved_analysis(store):
    key = with_picks(store)
    app = page(store, key)
    app.save()
    files = app.downloads()
    assert [f["filename"] for f in files] == ["konsekvensanalys-kurs-orby.json"]
    assert records.load(store.group("Kurs", "Örby", key), "uppstart") is not None


def test_a_hostile_paper_title_is_inert_on_the_page(store):
    app = page(store, with_picks(store), step="4")
    app.paper_choice.value = "own"
    edit(app.own_paper, title="<img src=x onerror=alert(1)>", text="Bakgrund\nFörslag till beslut\nAtt anta.")
    app.statements[0].value = "yes"
    app.statements[1].value = "no"
    assert "<img" not in app.verdict.value and "&lt;img" in app.verdict.value
    assert "<img" not in app.compare.value and "Förslag till beslut" in app.compare.value
