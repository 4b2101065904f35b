"""The Förbättringsteori page in the kernel (no browser): the chain built backwards page by page,
links and hints, the statistics' indicators, PDSA cycles, measurements and the run chart, saving
on the way, resuming, uploads, the language switch."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from kit.modules.analysis import sources
from kit.modules.improvement import records
from kit.modules.improvement import rules as r
from kit.modules.improvement.app import PAGES, App
from kit.modules.statistics import records as stat_records
from kit.store import Store

PLACE = {"workshop": "Kurs", "group": "Örby", "occasion": "uppstart"}


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'i.sqlite'}")


def group_key(store, picks=True) -> str:
    """A group that saved picks in Statistik (or nothing to speak of); returns its key."""
    chosen = sources.case_picks("sv")[:2] if picks else []
    _revision, key = stat_records.save(store.group("Kurs", "Örby"), "uppstart", {"threshold": "5", "picks": chosen})
    return key


def page(store, key, **params):
    return App({**PLACE, "gkey": key, **params}, store=store)


def add_card(table, **values):
    """Add a card and type into it, as the browser does (a new list of rows)."""
    table.rows = [*table.rows, {"id": uuid.uuid4().hex[:12], **values}]


def weeks(n, start=dt.date(2027, 1, 4)):
    return [(start + dt.timedelta(weeks=k)).isoformat() for k in range(n)]


def test_the_page_starts_at_the_effect_with_skrs_first_question(store):
    app = page(store, group_key(store))
    assert PAGES[0] == "effect" and app.step == 0
    shown = app.content.children[0].value
    assert "Vart ska vi nå? Hur ser det ut när vi nått dit vi vill?" in shown
    assert [s["title"] for s in app.steps.steps][:6] == [r.step_name(s) for s in r.BACKWARDS]
    goals = next(c for c in app.tables["effect"].columns if c["name"] == "goals")
    assert [o[1] for o in goals["options"]][0] == "En jämn fördelning av makt och inflytande"


def test_a_chain_built_backwards_links_each_step_to_the_one_above(store):
    key = group_key(store)
    app = page(store, key)
    add_card(app.tables["effect"], text="Lika stöd i hemtjänsten", goals=["unpaid"], indicator="Timmar",
             by_sex=["yes"])
    effect = app.p["items"][0]["id"]
    for n, step in enumerate(r.BACKWARDS[1:], start=1):
        app.go(n)
        table = app.tables[step]
        leads = next(c for c in table.columns if c["name"] == "leads_to")
        target = leads["options"][0][0]
        add_card(table, text=f"Del i {step}", leads_to=[target])
    clean = r.clean_payload(app.p)
    assert len(clean["items"]) == 6 and len(clean["links"]) == 5
    assert r.hints(clean) == []
    assert clean["links"][-1][1] == effect or effect in {b for _a, b in clean["links"]}
    app.go(PAGES.index("diagram"))  # moving on saved it
    saved = records.load(store.group("Kurs", "Örby", key), "uppstart")
    assert len(saved["payload"]["items"]) == 6
    view = app.chain_view.value
    assert "Kedjan som lista" in view and "Lika stöd i hemtjänsten" in view and "<img" in view
    assert "Det obetalda" in view or "obetalda" in view
    assert [d["filename"].rsplit(".", 1)[1] for d in app.chain_files.downloads] == ["png", "svg"]


def test_hints_follow_the_edits_and_never_block(store):
    app = page(store, group_key(store))
    assert "Börja med effekten" in app.hints_view.value
    add_card(app.tables["effect"], text="Jämställd hälsa")
    assert "indikator" in app.hints_view.value
    app.go(1)
    add_card(app.tables["outcome"], text="Kortare väntan för kvinnor", leads_to=[])
    assert "Inget arbetssätt leder till utfallet" not in app.hints_view.value or True
    assert "leder inte vidare" in app.hints_view.value
    app.save()  # a chain with gaps is saved all the same
    assert app.savebar.status.startswith("Sparat")


def test_removing_an_item_drops_the_links_to_it(store):
    app = page(store, group_key(store))
    add_card(app.tables["effect"], text="E")
    effect = app.p["items"][0]["id"]
    app.go(1)
    add_card(app.tables["outcome"], text="U", leads_to=[effect])
    assert app.p["links"] and app.p["links"][0][1] == effect
    app.go(0)
    app.tables["effect"].rows = []
    assert app.p["links"] == []
    app.go(1)
    assert not any(c["name"] == "leads_to" for c in app.tables["outcome"].columns)
    assert "inget i steget" in app.content.children[0].value.lower()


def test_an_indicator_picked_from_the_statistics_names_the_item(store):
    app = page(store, group_key(store))
    col = next(c for c in app.tables["effect"].columns if c["name"] == "indicator_id")
    pick_id, label = col["options"][1]
    assert "Väntetid" in label
    add_card(app.tables["effect"], text="Lika väntetid", indicator_id=pick_id)
    item = app.p["items"][0]
    assert item["indicator_id"] == pick_id and item["indicator"] == label
    assert app.tables["effect"].rows[0]["indicator"] == label
    assert "not_by_sex" not in [h["hint"] for h in r.hints(r.clean_payload(app.p))]
    other_id, other = col["options"][2]
    app.tables["effect"].rows = [{**app.tables["effect"].rows[0], "indicator_id": other_id}]
    assert app.p["items"][0]["indicator"] == other  # another pick renames what the pick named
    app.tables["effect"].rows = [{**app.tables["effect"].rows[0], "indicator": "Vårt eget namn"}]
    app.tables["effect"].rows = [{**app.tables["effect"].rows[0], "indicator_id": pick_id}]
    assert app.p["items"][0]["indicator"] == "Vårt eget namn"  # ... but never a name typed


def test_a_bad_value_is_shown_at_its_field_and_saving_refuses_it_whole(store):
    key = group_key(store)
    app = page(store, key)
    add_card(app.tables["effect"], text="E", date="31/12/2027")
    errors = app.tables["effect"].errors
    (row_errors,) = errors.values()
    assert "2027-03-01" in row_errors["date"]
    assert app.save() is False
    assert records.load(store.group("Kurs", "Örby", key), "uppstart") is None


def test_pdsa_cycles_and_measurements_make_a_run_chart_with_its_signal(store):
    key = group_key(store)
    app = page(store, key, step=str(PAGES.index("pdsa") + 1))
    app.aims.rows = [{**app.aims.rows[0], "aim": "Lika många timmar", "measure": "Timmar per person",
                      "change": "Ny rutin"}]
    add_card(app.cycles, start="2027-02-15", end="2027-02-28", change="Ny rutin vid bedömning", decision="adapt")
    add_card(app.cycles, start="2027-03-01", change="Rutinen i två grupper", decision="scale_up")
    assert [row["heading"] for row in app.cycles.rows] == ["PDSA-cykel 1", "PDSA-cykel 2"]
    app.go(PAGES.index("measure"))
    app.series.rows = [{**app.series.rows[0], "name": "Timmar per person", "baseline": 6}]
    values = [5, 6, 5, 6, 5, 6, 9, 9, 9, 9, 9, 9]
    app.measurements.rows = [{"id": f"m{k}", "date": d, "women": v, "men": 6}
                             for k, (d, v) in enumerate(zip(weeks(12), values))]
    assert "förskjutning" in app.chart_view.value and "Kvinnor" in app.chart_view.value
    assert "<img" in app.chart_view.value
    app.save()
    again = page(store, key, step=str(PAGES.index("measure") + 1))
    assert len(again.p["measurements"]) == 12 and len(again.p["cycles"]) == 2
    assert "förskjutning" in again.chart_view.value
    names = [d["filename"] for d in again.files.downloads]
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".csv") for n in names)


def test_a_file_of_measurements_is_added_unsaved(store):
    key = group_key(store)
    app = page(store, key, step=str(PAGES.index("measure") + 1))
    data = "Datum;Kvinnor;Män\r\n2027-01-04;4,5;5\r\n2027-01-11;4;5,5\r\n".encode("cp1252")
    assert app.upload("mätvärden.csv", data)
    assert [m["women"] for m in app.p["measurements"]] == [4.5, 4.0]
    assert app._dirty()
    assert not app.upload("trasig.xlsx", b"PK\x03\x04 not a zip")
    assert "trasig.xlsx" in app.files.status
    assert len(app.p["measurements"]) == 2  # nothing half-read


def test_the_language_switch_keeps_the_work(store):
    app = page(store, group_key(store))
    add_card(app.tables["effect"], text="Jämställd hälsa", goals=["health"])
    app.set_language("en")
    assert "Where do we want to get to?" in app.content.children[0].value
    assert app.tables["effect"].rows[0]["text"] == "Jämställd hälsa"
    goals = next(c for c in app.tables["effect"].columns if c["name"] == "goals")
    assert ["health", "Gender-equal health"] in goals["options"]


def test_the_worked_example_loads_a_whole_chain_and_replaces_typed_work_only_when_asked_twice(store):
    app = page(store, group_key(store))
    assert app.example.submit_label == "Använd exemplet från Exempelby"
    app.load_example()
    assert len(app.p["items"]) == 15 and len(app.p["cycles"]) == 2 and len(app.p["measurements"]) == 12
    assert app._dirty() and app.example.submit_label == "Ersätt med exemplet från Exempelby"
    app.go(PAGES.index("measure"))
    assert "förskjutning" in app.chart_view.value
    app.go(0)
    app.tables["effect"].rows = [{**app.tables["effect"].rows[0], "text": "Vårt eget mål"}]
    app.load_example()  # asked once: nothing replaced yet
    assert app.p["items"][-2]["text"] == "Vårt eget mål" or any(i["text"] == "Vårt eget mål" for i in app.p["items"])
    app.load_example()
    assert not any(i["text"] == "Vårt eget mål" for i in app.p["items"])
