"""The stakeholder analysis: rules, records on SQLite, files round trip, messages in sv and en."""

import io
import json

import pytest

from kit import content
from kit.errors import InputError
from kit.modules.stakeholders import examples, files, records, rules, schema
from kit.store import Store

HOSTILE = ["<img src=x onerror=alert(1)>", '=HYPERLINK("http://evil","klick")', "+1-2", "@SUM(A1)"]


def good(**extra):
    row = {"name": "Socialnämnden", "kind": "nämnd", "power": 5, "interest": 4, "attitude": "for"}
    row.update(extra)
    return row


def texts(exc: InputError) -> dict:
    return {lang: exc.text(lang) for lang in ("sv", "en")}


# -- rules -------------------------------------------------------------------------------
def test_quadrants_and_midpoint_counts_as_high():
    assert rules.MIDPOINT == 3
    assert rules.quadrant(3, 3) == "manage_closely"
    assert rules.quadrant(2, 3) == "keep_informed"
    assert rules.quadrant(3, 2) == "keep_satisfied"
    assert rules.quadrant(2, 2) == "monitor"
    assert {rules.quadrant(p, i) for p in rules.RATINGS for i in rules.RATINGS} == set(rules.STRATEGIES)


def test_salience_types_and_strict_flags():
    assert rules.salience_type(True, True, True) == "definitive"
    assert rules.salience_type(0, 0, 0) == "none"
    assert rules.salience_type(1, False, 1) == "dangerous"
    import numpy as np

    assert rules.salience_type(np.bool_(True), np.bool_(False), False) == "dormant"
    for bad in ("nej", "False", 2, None, 0.5, 1.0):
        with pytest.raises(InputError) as caught:
            rules.salience_type(bad, True, True)
        assert caught.value.field == "power"
    import kit

    assert kit.salience_type is rules.salience_type


def test_override_needs_a_reason_and_differs_from_suggestion():
    row = good(power=1, interest=1, strategy_override="keep_satisfied", override_reason="Budget")
    assert rules.strategy(row) == "keep_satisfied" and rules.overridden(row)
    assert rules.strategy({**row, "override_reason": "  "}) == "monitor"
    assert not rules.overridden({**row, "strategy_override": "monitor"})


def test_clean_normalises_labels_and_keeps_hostile_text():
    rows = [good(name=HOSTILE[0], kind="Invånare", attitude="Emot", concerns="Kvinnor; boys",
                 legitimacy="ja", urgency=1, power="4,0"),
            good(name=HOSTILE[1], power=1, interest=1, kind="", attitude="")]
    clean = rules.clean_stakeholders(rows)
    assert [c["name"] for c in clean] == HOSTILE[:2]
    assert clean[0]["kind"] == "brukare" and clean[0]["attitude"] == "against"
    assert clean[0]["concerns"] == ["women", "boys"] and clean[0]["power"] == 4
    assert clean[0]["legitimacy"] is True and clean[0]["urgency"] is True
    assert clean[1]["kind"] == "annan" and clean[1]["attitude"] == "unknown"
    assert [c["id"] for c in clean] == ["s1", "s2"]
    assert rules.clean_stakeholders(clean) == clean  # idempotent


BAD_ROWS = [
    ("power", {"power": 6}, "Makt/inflytande", "Power/influence"),
    ("power", {"power": "x"}, "Makt/inflytande", "Power/influence"),
    ("interest", {"interest": 2.5}, "Intresse", "Interest"),
    ("interest", {"interest": True}, "Intresse", "Interest"),
    ("name", {"name": ""}, "Namn", "Name"),
    ("name", {"name": "x" * 10_000}, "Namn", "Name"),
    ("name", {"name": "Social\x00nämnden"}, "Namn", "Name"),
    ("note", {"note": "rad\x1b1"}, "Anteckning", "Note"),
    ("kind", {"kind": "konsult"}, "Typ", "Kind"),
    ("attitude", {"attitude": "kanske"}, "Inställning", "Attitude"),
    ("concerns", {"concerns": ["women", "hens"]}, "Gäller", "Concerns"),
    ("strategy_override", {"strategy_override": "ignore"}, "Egen strategi", "Own strategy"),
    ("override_reason", {"strategy_override": "monitor"}, "Motivering", "Reason"),
    ("legitimacy", {"legitimacy": "kanske"}, "Legitimitet", "Legitimacy"),
]


@pytest.mark.parametrize("field, change, sv, en", BAD_ROWS)
def test_every_bad_input_names_row_and_field_in_both_languages(field, change, sv, en):
    rows = [good(name="Facket", power=2, interest=2), good(**{"name": "Vårdförbundet", **change})]
    with pytest.raises(InputError) as caught:
        rules.clean_stakeholders(rows)
    exc = caught.value
    assert exc.row == 2 and exc.field == field
    message = texts(exc)
    assert "Rad 2" in message["sv"] and sv in message["sv"]
    assert "Row 2" in message["en"] and en in message["en"]
    if change.get("name", "Vårdförbundet") == "Vårdförbundet":
        assert "(Vårdförbundet)" in message["sv"] and "(Vårdförbundet)" in message["en"]
    assert len(message["sv"]) < 2000  # a 10 kB name is not quoted back in full


def test_duplicate_name_ignores_case_and_spaces_and_all_problems_are_listed():
    rows = [good(name="Vård- och omsorgsnämnden"), good(name=" vård-  och OMSORGSNÄMNDEN ", power=9)]
    with pytest.raises(InputError) as caught:
        rules.clean_stakeholders(rows)
    problems = caught.value.values["problems"]
    assert [(p.row, p.field) for p in problems] == [(2, "power"), (2, "name")]
    assert "rad 1" in caught.value.text("sv") and "row 1" in caught.value.text("en")


def test_not_a_list_and_too_many_rows():
    with pytest.raises(InputError):
        rules.clean_stakeholders("abc")
    with pytest.raises(InputError) as caught:
        rules.clean_stakeholders([good(name=f"n{i}") for i in range(rules.MAX_STAKEHOLDERS + 1)])
    assert "101" in caught.value.text("en")


def test_plan_keeps_edits_adds_new_drops_removed():
    people = rules.clean_stakeholders([good(id="a"), good(id="b", name="APT-gruppen", kind="medarbetare",
                                                          power=1, interest=5)])
    plan = rules.communication_plan(people)
    assert [p["moments"] for p in plan] == [[3], [3]]
    assert plan[1]["channel"] == "workplace_meeting"
    plan[0].update(message="Budskap", owner="Anna", channel="Intranät", moments="3, 9")
    again = rules.communication_plan([people[0], good(id="c", name="PRO", kind="civilsamhälle")], plan)
    assert [p["id"] for p in again] == ["a", "c"]
    assert (again[0]["message"], again[0]["owner"], again[0]["channel"], again[0]["moments"]) == \
        ("Budskap", "Anna", "intranet", [3, 9])
    assert again[1]["message"] == "" and again[1]["strategy"] == "manage_closely"


def test_clean_plan_errors_name_row_and_field():
    people = rules.clean_stakeholders([good(id="a")])
    for row, field in (({"stakeholder_id": "a", "moments": [11]}, "moments"),
                       ({"stakeholder_id": "a", "channel": "brevduva"}, "channel"),
                       ({"stakeholder_id": "zz"}, "stakeholder"),
                       ({"stakeholder_id": "a", "owner": "x" * 301}, "owner")):
        with pytest.raises(InputError) as caught:
            rules.clean_plan([row], people)
        assert caught.value.field == field and caught.value.row == 1
        assert "Rad 1 i planen" in caught.value.text("sv")
        assert "Row 1 of the plan" in caught.value.text("en")


def test_grid_text_alternative_lists_every_stakeholder_once():
    ex = examples.example("sv")
    text = rules.text_alternative(ex["stakeholders"], "sv")
    for s in ex["stakeholders"]:
        assert text.count(s["name"]) == 1
    squares = rules.grid_summary(ex["stakeholders"], "en")
    assert [s["key"] for s in squares] == list(rules.STRATEGIES)
    assert all(s["stakeholders"] for s in squares)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_example_covers_everything_and_is_marked_invented(lang):
    ex = examples.example(lang)
    assert ("påhittat" if lang == "sv" else "invented") in (ex["title"] + ex["note"]).lower()
    people = ex["stakeholders"]
    assert 8 <= len(people) <= 10
    assert {rules.quadrant(p["power"], p["interest"]) for p in people} == set(rules.STRATEGIES)
    assert {p["attitude"] for p in people} == set(rules.ATTITUDES)
    assert {c for p in people for c in p["concerns"]} == set(rules.CONCERNS)
    assert any(rules.overridden(p) for p in people)
    assert any(p["message"] for p in ex["plan"])
    assert [p["id"] for p in people] == [p["id"] for p in examples.example("sv")["stakeholders"]]


def test_questions_and_schema_from_texts():
    assert len(rules.questions("sv")) == len(rules.questions("en")) >= 6
    for lang in ("sv", "en"):
        cols = schema.table_columns(lang)
        assert {c["name"] for c in cols} == set(rules.FIELDS) - {"id"}
        assert all(set(c) >= {"name", "label", "type", "options", "help", "maxlength"} for c in cols)
        kinds = next(c for c in cols if c["name"] == "kind")["options"]
        assert [k for k, _ in kinds] == list(rules.KINDS)
        plan = schema.plan_columns(lang)
        assert next(c for c in plan if c["name"] == "moments")["options"][2][0] == 3
    # the widget's yes/no values are read back by the rules
    rows = schema.table_rows(rules.clean_stakeholders([good(legitimacy=True)]))
    assert rules.clean_stakeholders(rows)[0]["legitimacy"] is True


def test_rules_import_nothing_heavy():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(rules))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert names <= {"__future__", "numbers", "re", "unicodedata", "kit", "kit.errors"}, names


# -- records -----------------------------------------------------------------------------
def test_save_load_and_nothing_written_on_error():
    store = Store("sqlite://")
    door = store.group("Kurs", "Örby")
    ex = examples.example("sv")
    revision, key = records.save(door, "uppstart", ex["stakeholders"], ex["plan"])
    assert key
    mine = store.group("Kurs", "Örby", key)
    got = records.load(mine, "Uppstart")
    assert got["stakeholders"] == ex["stakeholders"] and got["plan"] == ex["plan"]
    assert got["revision"] == revision.id
    before = store.changes("Kurs")
    with pytest.raises(InputError):
        records.save(mine, "uppstart", ex["stakeholders"] + [good(name="Ny", power=0)], ex["plan"])
    assert store.changes("Kurs") == before
    assert records.load(mine, "lärandeträff 1") is None
    with pytest.raises(InputError):
        records.load(store.group("Kurs", "Örby", "fel"), "uppstart")


def test_frame_sheets_and_report_escape_and_anonymise():
    from kit.io.workshop import ShownNames

    store = Store("sqlite://")
    people = [good(name=HOSTILE[0]), good(name=HOSTILE[1], power=1, interest=1)]
    _, key = records.save(store.group("Kurs", "Örby"), "uppstart", people, [])
    frame = records.frame(store, "Kurs")
    assert list(frame["name"]) == HOSTILE[:2] and set(frame["group"]) == {"Örby"}
    sheets = records.export_sheets(store, "Kurs", "en")
    assert [s[0] for s in sheets] == ["Stakeholders", "Communication plan"]
    assert sheets[0][2][0][0] == "Örby" and len(sheets[1][2]) == 2
    anon = records.export_sheets(store, "Kurs", "sv", names=ShownNames({"Örby": "A"}))
    assert all(row[0] == "A" for _, _, rows in anon for row in rows)
    html = records.report_section(store, "Kurs", "sv", names=ShownNames({"Örby": "A"}))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Örby" not in html and "<caption>" in html and 'scope="col"' in html
    assert records.report_section(Store("sqlite://"), "Kurs", "sv") == ""
    assert records.export_sheets(Store("sqlite://"), "Kurs", "sv") == []


# -- files -------------------------------------------------------------------------------
def hostile_payload():
    people = [good(id="a", name=HOSTILE[0], concerns=["women", "girls"], legitimacy=True,
                   note="rad 1\nrad 2"),
              good(id="b", name=HOSTILE[1], kind="fack", power=3, interest=1,
                   strategy_override="manage_closely", override_reason="=samverkan"),
              good(id="c", name=HOSTILE[2], kind="brukare", power=1, interest=5, attitude="against")]
    return records.payload(people, [{"stakeholder_id": "b", "message": HOSTILE[3], "moments": [3, 7]}])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_xlsx_round_trip_keeps_hostile_text_as_text(lang):
    from openpyxl import load_workbook

    payload = hostile_payload()
    data = files.to_xlsx(payload, lang)
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    back = files.read("analys.xlsx", data)
    assert back["stakeholders"] == payload["stakeholders"]
    assert back["plan"] == payload["plan"]


def test_json_round_trip_and_marker():
    payload = hostile_payload()
    data = files.to_json(payload, "Kurs", "Örby", "uppstart")
    doc = json.loads(data)
    assert doc["format"] == "jamkit" and doc["kind"] == "intressentanalys"
    back = files.read("analys.json", data)
    assert back["stakeholders"] == payload["stakeholders"] and back["plan"] == payload["plan"]
    assert (back["workshop"], back["group"], back["occasion"]) == ("Kurs", "Örby", "uppstart")


def test_read_refuses_with_file_row_and_column():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(files.to_xlsx(hostile_payload(), "sv")))
    sheet = book.worksheets[0]
    sheet["D3"] = 7  # power of the second stakeholder
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InputError) as caught:
        files.read("analys.xlsx", buffer.getvalue())
    sv, en = texts(caught.value).values()
    assert "analys.xlsx" in sv and "rad 3" in sv and "kolumn D" in sv and "Makt/inflytande" in sv
    assert "Inget har lästs in" in sv
    assert "row 3" in en and "column D" in en and "Power/influence" in en


def test_read_refuses_other_files():
    other = json.dumps({"format": "jamkit", "format_version": 1, "kind": "självskattning",
                        "answers": []}).encode()
    for name, data, key in (("a.json", other, "stakeholders.json_kind"),
                            ("a.json", b"{", "read.json_invalid"),
                            ("a.json", b"[" * 100_000, "read.json_too_deep"),
                            ("a.xlsx", b"PK\x03\x04broken", "read.xlsx_broken"),
                            ("a.csv", b"x", "stakeholders.unknown_type")):
        with pytest.raises(InputError) as caught:
            files.read(name, data)
        assert caught.value.key == key, (name, caught.value.key)
    bad = json.loads(files.to_json(hostile_payload()))
    bad["stakeholders"][0]["power"] = 2.5
    with pytest.raises(InputError) as caught:
        files.read("a.json", json.dumps(bad).encode())
    assert "a.json" in caught.value.text("en") and "Row 1" in caught.value.text("en")


def test_texts_in_both_languages_have_the_same_keys():
    sv = content.key_paths(content.lookup("stakeholders", "sv"))
    en = content.key_paths(content.lookup("stakeholders", "en"))
    assert sv == en
    assert content.text("stakeholders.plot.axis_power", "sv") == "Makt/inflytande"
    assert content.text("stakeholders.salience.types.dormant.name", "sv") == "Vilande (dormant)"


def test_the_facilitators_workbook_and_report_hold_the_stakeholders_of_every_group(tmp_path):
    """The real module through the facilitator's exports (found by the registry): a
    stakeholders sheet and a plan sheet, hostile names inert; the report shows the grid."""
    import zipfile

    from openpyxl import load_workbook

    from kit.io.workshop import report_html, workshop_workbook

    store = Store(f"sqlite:///{tmp_path / 'w.sqlite'}")
    store.save_answers("Kurs", "Örby", "uppstart", None, {1: {"score": 3}})
    people = [good(name=HOSTILE[0], power=5, interest=5), good(name=HOSTILE[1], power=1, interest=1)]
    records.save(store.group("Kurs", "Örby"), "uppstart", people)
    records.save(store.group("Kurs", "Ekeby"), "lärandeträff 1", [good(name="Socialnämnden")])
    data = workshop_workbook(store.answers_frame("Kurs"), "sv", store=store, workshop="Kurs")
    book = load_workbook(io.BytesIO(data))
    assert {"Intressenter", "Kommunikationsplan"} <= set(book.sheetnames)
    cells = [c for row in book["Intressenter"].iter_rows() for c in row]
    names = {c.value for c in cells}
    assert {HOSTILE[0], HOSTILE[1], "Socialnämnden", "Örby", "Ekeby"} <= names
    formula = next(c for c in cells if c.value == HOSTILE[1])
    assert formula.data_type == "s" and formula.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    assert len(list(book["Kommunikationsplan"].iter_rows())) == 1 + 3
    html = report_html(store.answers_frame("Kurs"), name="Kurs", lang="en", store=store, workshop="Kurs")
    assert 'data-module="intressentanalys"' in html and "Stakeholder" in html
    assert html.count('<img src="data:image/png;base64,') >= 2  # a grid per group
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    store.dispose()
