"""The improvement theory's files and the facilitator's exports of it: the kit's JSON and the
module's XLSX read back to the same clean payload, the measurements as a CSV for Swedish Excel
and read back (UTF-8 with BOM and Windows-1252, decimal commas), files of measurements made
elsewhere (English headers, real date cells), every refusal named by file, row and column,
hostile text inert everywhere, and the workshop's sheets and report section."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from kit.errors import InputError
from kit.io.readers import KIT_FORMAT, KIT_FORMAT_VERSION
from kit.io.workshop import ShownNames
from kit.modules.improvement import files, records
from kit.modules.improvement import rules as r
from kit.store import Store

HOSTILE = ['=HYPERLINK("http://evil.example","klicka")', "<script>alert(1)</script>",
           "+1+1", "-2-2", "@SUM(A1)", "<img src=x onerror=alert(1)>"]
CONTROL = "a\x00b\x01c\x0bd\x1fe\x7f"


def weeks(n: int, start=dt.date(2027, 1, 4)) -> list[str]:
    return [(start + dt.timedelta(weeks=k)).isoformat() for k in range(n)]


def full_payload(text=lambda s: s) -> dict:
    """A whole improvement theory: every step, links, goals, the three answers, two cycles
    and twelve weeks of measurements (a shift after the sixth)."""
    p = r.blank()
    effect = r.add_item(p, "effect", text("Kvinnor och män får lika snabbt plats i särskilt boende"),
                        indicator=text("Väntetid, dagar"), by_sex=True, baseline="59,4", target=50,
                        date="2027-12-31", goals=["health", "unpaid"])
    outcome = r.add_item(p, "outcome", text("Lika väntetid"), leads_to=[effect], indicator_id="N00945")
    way = r.add_item(p, "way", text("Ny rutin för bedömning"), leads_to=[outcome])
    product = r.add_item(p, "product", text("Omarbetat frågebatteri"), leads_to=[way])
    activity = r.add_item(p, "activities", text("Utbildningsdag"), leads_to=[product])
    r.add_item(p, "activities", text("Genomgång av ärenden"), leads_to=[product, ])
    r.add_item(p, "resources", text("Två dagar för arbetsgruppen"), leads_to=[activity])
    p["aims"] = {"aim": text("Kortare väntetid\nför kvinnor"), "measure": text("Väntetid i dagar"),
                 "change": text("Checklista")}
    p["cycles"] = [
        {"start": "2027-02-15", "end": "2027-03-01", "objective": text("Testa checklistan"),
         "questions": text("Hinner man?"), "change": text("Checklista vid bedömning"),
         "who": text("Två handläggare"), "where": text("Enhet norr"), "when": text("Två veckor"),
         "predictions": text("Fler bedömningar\nlika"), "measure": text("Andel"),
         "definition": text("Antal med checklista / alla"), "done": text("Som planerat"),
         "observed": text("9 av 10"), "learned": text("Det gick"), "decision": "adapt",
         "reason": text("Behöver kortas")},
        {"start": "2027-03-08", "objective": text("Andra testet")},
    ]
    values = [12, 14, 11, 13, 12, 15, 9, 8, 9, 7, 8, 9]
    p["measurements"] = [{"date": d, "value": v, "women": v + 1.5, "men": None if k == 3 else v - 0.5}
                         for k, (d, v) in enumerate(zip(weeks(12), values))]
    p["series"] = {"name": text("Väntetid"), "unit": "dagar", "baseline": 6, "method": "ihi"}
    return r.clean_payload(p)


def hostile_text(prefix: str):
    def text(s):
        return prefix
    return text


def refusal(name: str, data: bytes) -> InputError:
    with pytest.raises(InputError) as info:
        files.read(name, data)
    return info.value


def measurements_xlsx(rows, header=("Datum", "Värde", "Kvinnor", "Män"), title="Blad1") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def without_ids(ms):
    return [{k: v for k, v in m.items() if k != "id"} for m in ms]


# -- round trips -----------------------------------------------------------------------------
def test_json_round_trip_and_envelope():
    p = full_payload()
    data = files.to_json(p, "Höstkurs", "Örby", "uppstart")
    doc = json.loads(data)
    assert doc["format"] == KIT_FORMAT and doc["format_version"] == KIT_FORMAT_VERSION
    assert doc["kind"] == "forbattringsteori" == doc["module"] and doc["version"] == records.VERSION
    assert (doc["workshop"], doc["group"], doc["occasion"]) == ("Höstkurs", "Örby", "uppstart")
    assert "Väntetid" in data.decode("utf-8")  # Swedish letters as they are
    assert files.read("teori.json", data) == p


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_xlsx_round_trip(lang):
    p = full_payload()
    assert files.read("teori.xlsx", files.to_xlsx(p, lang)) == p


def test_xlsx_layout_dates_numbers_and_ids():
    p = full_payload()
    book = load_workbook(io.BytesIO(files.to_xlsx(p, "sv")))
    assert book.sheetnames == ["Förbättringsteori", "Förbättringsmodellen", "PDSA", "Mätvärden"]
    chain = list(book["Förbättringsteori"].values)
    assert chain[0] == ("Steg", "Text", "Leder till", "Indikator", "Indikator från statistiken",
                        "För kvinnor och män", "Utgångsläge", "Målvärde", "Nås senast",
                        "Jämställdhetspolitiska mål", "Id", "Leder till (id)")
    effect = chain[1]
    assert effect[0] == "Effekt" and effect[5] == "ja" and effect[6] == 59.4 and effect[7] == 50
    assert effect[8] == dt.datetime(2027, 12, 31)
    assert effect[9] == "Jämn fördelning av det obetalda hem- och omsorgsarbetet; Jämställd hälsa"
    outcome = chain[2]
    assert outcome[2] == effect[1] and outcome[11] == effect[10]
    two_links = next(row for row in chain if row[1] == "Genomgång av ärenden")
    assert two_links[0] == "Aktiviteter" and two_links[2] == "Omarbetat frågebatteri"
    measurements = list(book["Mätvärden"].values)
    assert measurements[0] == ("Datum", "Värde", "Kvinnor", "Män", "Id")
    assert measurements[1][:4] == (dt.datetime(2027, 1, 4), 12, 13.5, 11.5)
    assert measurements[4][3] is None
    pdsa = list(book["PDSA"].values)
    assert pdsa[1][0] == 1 and pdsa[1][1] == dt.datetime(2027, 2, 15)
    assert "Justera och testa igen" in pdsa[1] and "Inte bestämt än" in pdsa[2]
    model = {row[2]: row[1] for row in list(book["Förbättringsmodellen"].values)[1:]}
    assert model["aim"] == "Kortare väntetid\nför kvinnor" and model["baseline"] == 6
    assert model["method"] == "IHI"
    en = load_workbook(io.BytesIO(files.to_xlsx(p, "en")))
    assert en.sheetnames == ["Improvement theory", "Model for Improvement", "PDSA", "Measurements"]
    assert list(en["Improvement theory"].values)[1][0] == "Effect"


def test_an_xlsx_edited_by_hand_reads_step_names_goals_and_decisions_in_either_language():
    p = full_payload()
    book = load_workbook(io.BytesIO(files.to_xlsx(p, "sv")))
    chain = book["Förbättringsteori"]
    chain["A2"] = "effect"  # the key, not the name
    chain["J2"] = "Gender-equal health;  jämställd HÄLSA "
    book["PDSA"]["P2"] = "Scale up"
    buffer = io.BytesIO()
    book.save(buffer)
    back = files.read("teori.xlsx", buffer.getvalue())
    assert back["items"][0]["goals"] == ["health"] and back["cycles"][0]["decision"] == "scale_up"
    assert back["links"] == p["links"]


# -- the measurements as CSV -----------------------------------------------------------------
def test_measurements_csv_is_swedish_excel_and_reads_back():
    p = full_payload()
    data = files.measurements_csv(p, "sv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Datum;Värde;Kvinnor;Män" and lines[-1] == ""
    assert "\n" not in text.replace("\r\n", "")
    assert lines[1] == "2027-01-04;12,0;13,5;11,5" and lines[4] == "2027-01-25;13,0;14,5;"
    back = files.read("mätvärden.csv", data)
    assert set(back) == {"measurements"}
    assert without_ids(back["measurements"]) == without_ids(p["measurements"])
    en = files.measurements_csv(p, "en").decode("utf-8-sig")
    assert en.startswith("Date;Value;Women;Men\r\n")
    assert without_ids(files.read("m.csv", en.encode())["measurements"]) == without_ids(p["measurements"])


def test_a_windows_1252_csv_with_decimal_commas_and_swedish_headers():
    text = ("Datum;Kvinnor;Män;Väntetid (kommentar)\r\n"
            "2027-01-04;4,5;3,9;Lång väntan\r\n"
            "2027-1-11;1 234,5;-3;\r\n"
            "2027-01-18;..;4,25;ingen mätning för kvinnor\r\n"
            "2027-01-25;4;–;\r\n"
            ";;;\r\n")
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    back = files.read("Väntetid.csv", data)["measurements"]
    assert without_ids(back)[:2] == [
        {"date": "2027-01-04", "value": None, "women": 4.5, "men": 3.9},
        {"date": "2027-01-11", "value": None, "women": 1234.5, "men": -3.0}]
    assert without_ids(back)[2] == {"date": "2027-01-18", "value": None, "women": None, "men": 4.25}
    assert without_ids(back)[3] == {"date": "2027-01-25", "value": None, "women": 4.0, "men": None}
    assert len(back) == 4  # the empty row is no measurement


def test_a_row_of_only_missing_markers_but_a_date_is_refused_naming_it():
    text = "Datum;Kvinnor;Män\r\n2027-01-04;4,5;3,9\r\n2027-01-18;..;–\r\n"
    exc = refusal("v.csv", text.encode("cp1252"))
    assert "v.csv" in str(exc) and "rad 3" in str(exc) and "Inget har lästs in" in str(exc)
    assert "row 3" in exc.text("en") and "Nothing was read" in exc.text("en")


def test_english_headers_any_case_any_order_girls_boys_units_and_extra_columns():
    text = "note,BOYS,date,Girls (%)\n x ,\"3.5\",2027-03-01,4\n,,2027-03-08,5.25\n"
    back = files.read("m.txt", text.encode())["measurements"]
    assert without_ids(back) == [{"date": "2027-03-01", "value": None, "women": 4.0, "men": 3.5},
                                 {"date": "2027-03-08", "value": None, "women": 5.25, "men": None}]
    text = "VALUE;Date;Id\n7;2027-03-08;x1\n−6;2027-03-01;x2\n"
    back = files.read("m.csv", text.encode())["measurements"]
    assert [(m["id"], m["date"], m["value"]) for m in back] == [("x2", "2027-03-01", -6.0),
                                                                 ("x1", "2027-03-08", 7.0)]


def test_an_xlsx_of_measurements_with_real_date_cells():
    data = measurements_xlsx([(dt.datetime(2027, 3, 1), 4.5, None, None),
                              (dt.date(2027, 3, 8), "5,5", 6, 5),
                              ("2027-3-15", 7, "..", None),
                              (None, None, None, None)],
                             header=("date", "Value", "women", "MEN"))
    back = files.read("mätvärden.xlsx", data)
    assert set(back) == {"measurements"}
    assert without_ids(back["measurements"]) == [
        {"date": "2027-03-01", "value": 4.5, "women": None, "men": None},
        {"date": "2027-03-08", "value": 5.5, "women": 6.0, "men": 5.0},
        {"date": "2027-03-15", "value": 7.0, "women": None, "men": None}]


def test_a_sheet_of_measurements_after_another_sheet_is_found():
    book = Workbook()
    book.active.title = "Om filen"
    book.active.append(["Det här är mätvärden"])
    sheet = book.create_sheet("Data")
    sheet.append(["Datum", "Värde"])
    sheet.append([dt.datetime(2027, 1, 4), 3])
    buffer = io.BytesIO()
    book.save(buffer)
    assert files.read("m.xlsx", buffer.getvalue())["measurements"][0]["value"] == 3.0


# -- refusals --------------------------------------------------------------------------------
def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(260):
                member.write(b" " * (1 << 20))
    return out.getvalue()


def other_kind_json() -> bytes:
    from kit.io.writers import kit_json
    from kit.domain import scores as sc

    return kit_json(sc.to_frame([sc.validate_answer("Örby", "uppstart", 1, 3)]), workshop="Kurs")


CASES = {
    "broken xlsx": ("teori.xlsx", lambda: b"PK\x03\x04" + b"\x00garbage" * 50, ("teori.xlsx", "Excel"), ("Excel",)),
    "truncated xlsx": ("teori.xlsx", lambda: files.to_xlsx(full_payload())[:-60], ("teori.xlsx",), ("Excel",)),
    "zip bomb": ("teori.xlsx", zip_bomb, ("teori.xlsx", "MB"), ("MB",)),
    "binary csv": ("m.csv", lambda: b"Datum;V\xe4rde\n2027-01-04;3\x00\x01\n", ("m.csv", "rad 2"), ("row 2",)),
    "binary json": ("t.json", lambda: b'{"format":\x00}', ("t.json",), ("t.json",)),
    "empty csv": ("m.csv", lambda: b"", ("m.csv", "tom"), ("empty",)),
    "empty xlsx": ("m.xlsx", lambda: b"", ("m.xlsx", "tom"), ("empty",)),
    "blank csv": ("m.csv", lambda: b"\r\n  \r\n", ("m.csv", "tom"), ("empty",)),
    "json of another kind": ("svar.json", other_kind_json, ("svar.json", "självskattning", "förbättringsteori"),
                             ("improvement theory",)),
    "json not the kit's": ("x.json", lambda: b'{"items": []}', ("x.json", "JämKit"), ("JämKit",)),
    "json invalid": ("x.json", lambda: b'{"format": "jamkit",\n', ("x.json", "rad 2"), ("line 2",)),
    "json too deep": ("x.json", lambda: b"[" * 100_000, ("x.json",), ("levels",)),
    "json bad part": ("x.json", lambda: json.dumps({"format": KIT_FORMAT, "format_version": 1,
                                                    "kind": "forbattringsteori", "items": "x"}).encode(),
                      ("x.json", "kort", "Inget har lästs in"), ("cards", "Nothing was read")),
    "json bad row": ("x.json", lambda: json.dumps({
        "format": KIT_FORMAT, "format_version": 1, "kind": "forbattringsteori",
        "measurements": [{"date": "2027-01-04", "value": 1}, {"date": "1/3 2027", "value": 2}]}).encode(),
                     ("x.json", "rad 2", "1/3 2027"), ("row 2",)),
    "unknown suffix": ("teori.docx", lambda: b"x", ("teori.docx", ".docx"), (".docx",)),
    "old excel": ("teori.xls", lambda: b"x", ("teori.xls", ".xls"), (".xls",)),
    "swedish date written another way": ("m.csv", lambda: "Datum;Värde\n2027-01-04;1\n1/3 2027;4\n".encode(),
                                         ("m.csv", "rad 3", "kolumn A", "Datum", "1/3 2027"),
                                         ("row 3", "column A", "2027-03-01")),
    "impossible date": ("m.csv", lambda: b"Datum;Value\n2027-02-30;4\n", ("rad 2", "kolumn A"), ("row 2",)),
    "date as a number": ("m.xlsx", lambda: measurements_xlsx([(46000, 3, None, None)]),
                         ("m.xlsx", "blad Blad1", "rad 2", "kolumn A", "46000"), ("sheet Blad1", "row 2")),
    "not a number": ("m.csv", lambda: "Datum;Värde;Kvinnor\n2027-01-04;1;mycket\n".encode(),
                     ("m.csv", "rad 2", "kolumn C", "Kvinnor", "mycket"), ("row 2", "column C", "number")),
    "two decimal marks": ("m.csv", lambda: b"Datum;Value\n2027-01-04;1.234,5\n", ("rad 2", "kolumn B"), ("row 2",)),
    "no date": ("m.csv", lambda: "Datum;Värde\n2027-01-04;1\n;4\n".encode(),
                ("m.csv", "rad 3", "kolumn A", "Datum saknas"), ("row 3", "date is missing")),
    "no value": ("m.xlsx", lambda: measurements_xlsx([(dt.datetime(2027, 1, 4), None, "..", "x")]),
                 ("m.xlsx", "blad Blad1, rad 2", "inget värde"), ("sheet Blad1, row 2", "no value")),
    "a word for men": ("m.xlsx", lambda: measurements_xlsx([(dt.datetime(2027, 1, 4), None, 2, "mycket")]),
                       ("m.xlsx", "rad 2", "kolumn D (Män)", "mycket"), ("row 2", "column D")),
    "no columns": ("m.csv", lambda: "Vecka;Väntetid\n1;4\n".encode(), ("m.csv", "Datum", "Värde"), ("Date", "Value")),
    "no date column": ("m.xlsx", lambda: measurements_xlsx([(1, 2)], header=("Värde", "Kvinnor")),
                       ("m.xlsx", "Datum"), ("Date",)),
    "one column": ("m.csv", lambda: b"Datum\n2027-01-04\n", ("m.csv", "kolumner"), ("columns",)),
    "header twice": ("m.csv", lambda: "Datum;Värde;value\n2027-01-04;1;2\n".encode(),
                     ("m.csv", "Värde", "kolumn B och C"), ("columns B and C",)),
    "headers only": ("m.csv", lambda: "Datum;Värde\r\n;\r\n".encode(), ("m.csv", "inga mätvärden"),
                     ("no measurements",)),
    "too many measurements": ("m.csv", lambda: ("Datum;Värde\n" + "2027-01-04;1\n" * 501).encode(),
                              ("m.csv", "500"), ("500",)),
    "utf-16": ("m.csv", lambda: "Datum;Värde\n2027-01-04;1\n".encode("utf-16"), ("m.csv", "UTF-16"), ("UTF-16",)),
    "unclosed quote": ("m.csv", lambda: b'Datum;V\xc3\xa4rde\n2027-01-04;"1\n', ("m.csv",), ("m.csv",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_bad_file_is_refused_with_a_message_naming_file_and_place(case):
    name, make, sv_words, en_words = CASES[case]
    exc = refusal(name, make())
    assert isinstance(exc, InputError)
    sv, en = str(exc), exc.text("en")
    assert name in sv and name in en
    for word in sv_words:
        assert word.lower() in sv.lower(), (word, sv)
    for word in en_words:
        assert word.lower() in en.lower(), (word, en)
    assert "{" not in sv and "{" not in en and exc.key  # every message found and filled in


def test_an_edited_module_xlsx_names_sheet_row_and_column_and_reads_nothing():
    p = full_payload()
    book = load_workbook(io.BytesIO(files.to_xlsx(p, "sv")))
    book["Förbättringsteori"]["A3"] = "Mål"
    book["Förbättringsteori"]["J2"] = "Fred på jorden"
    book["PDSA"]["C2"] = "2027-01-01"  # ends before it starts
    book["PDSA"]["P3"] = "Kanske"
    book["Mätvärden"]["B3"] = "tolv"
    book["Förbättringsmodellen"]["B7"] = "2,5"
    buffer = io.BytesIO()
    book.save(buffer)
    exc = refusal("teori.xlsx", buffer.getvalue())
    sv = str(exc)
    assert sv.startswith("teori.xlsx: blad Förbättringsteori, rad 2, kolumn J (Jämställdhetspolitiska mål): ")
    assert "'Fred på jorden' är inget av de sex" in sv
    assert "blad Förbättringsteori, rad 3, kolumn A (Steg): Steget 'Mål' finns inte" in sv
    assert "blad PDSA, rad 2, kolumn C (Slutdatum): PDSA-cykel 1 slutar (2027-01-01) före den börjar (2027-02-15)" in sv
    assert "blad PDSA, rad 3, kolumn P (Agera (Act): beslut): Beslutet 'Kanske' finns inte" in sv
    assert "blad Mätvärden, rad 3, kolumn B (Värde)" in sv
    assert "Och 1 fel till" in sv and sv.endswith("Inget har lästs in.")
    assert "sheet PDSA, row 3, column P" in exc.text("en")


def test_the_model_sheets_settings_are_checked():
    p = full_payload()
    for cell, value, words in (("B7", "2,5", "Utgångsläget ska vara antalet"),
                               ("B8", "Shewhart", "Reglerna 'Shewhart' finns inte")):
        book = load_workbook(io.BytesIO(files.to_xlsx(p, "sv")))
        book["Förbättringsmodellen"][cell] = value
        buffer = io.BytesIO()
        book.save(buffer)
        exc = refusal("teori.xlsx", buffer.getvalue())
        assert f"blad Förbättringsmodellen, rad {cell[1]}, kolumn B (Svar)" in str(exc) and words in str(exc)


def test_a_good_row_then_a_bad_row_returns_nothing():
    with pytest.raises(InputError) as info:
        files.read("m.csv", b"Datum;Value\n2027-01-04;1\n2027-01-11;x\n")
    assert info.value.row == 3


def test_an_unexpected_error_is_an_input_error_too(monkeypatch):
    monkeypatch.setattr(files, "_read_csv", lambda name, data: 1 / 0)
    exc = refusal("m.csv", b"Datum;Value\n")
    assert exc.key == "improvement.unreadable" and "m.csv" in str(exc) and "Date" in exc.text("en")


# -- hostile text ----------------------------------------------------------------------------
def all_cells(book):
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_hostile_text_stays_text_in_the_xlsx_and_reads_back(lang):
    for bad in HOSTILE:
        p = full_payload(hostile_text(bad))
        data = files.to_xlsx(p, lang)
        book = load_workbook(io.BytesIO(data))
        cells = all_cells(book)
        assert all(c.data_type != "f" for c in cells)
        assert any(c.value == bad for c in cells)
        for c in cells:
            if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")):
                assert c.quotePrefix and c.data_type == "s"
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist()
                           if n.startswith("xl/worksheets/"))
        assert files.read("t.xlsx", data) == p
        assert files.read("t.json", files.to_json(p, bad, bad, bad)) == p


def test_control_characters_are_removed_from_every_export():
    p = full_payload()
    p["aims"]["aim"] = CONTROL
    p["cycles"][0]["learned"] = "rad 1\n" + CONTROL
    p = r.clean_payload(p)
    assert p["aims"]["aim"] == "abcde"
    data = files.to_json(p, CONTROL, CONTROL, "uppstart")
    doc = json.loads(data)
    assert doc["workshop"] == "abcde" and "\\u000" not in data.decode() and "\\u001" not in data.decode()
    book = load_workbook(io.BytesIO(files.to_xlsx(p)))
    assert "abcde" in {c.value for c in all_cells(book)}


def test_the_csv_has_no_cell_a_spreadsheet_would_run():
    p = full_payload()
    for lang in ("sv", "en"):
        rows = list(csv.reader(io.StringIO(files.measurements_csv(p, lang).decode("utf-8-sig")), delimiter=";"))
        for row in rows[1:]:
            dt.date.fromisoformat(row[0])
            assert all(cell == "" or cell.lstrip("-").replace(",", "").isdigit() for cell in row[1:])
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)
    negative = files.measurements_csv({"measurements": [{"date": "2027-01-04", "value": -2}]})
    assert negative.decode("utf-8-sig").split("\r\n")[1] == "2027-01-04;-2,0;;"


# -- the store and the facilitator's exports -------------------------------------------------
@pytest.fixture
def two_groups():
    store = Store("sqlite://")
    hostile = full_payload(hostile_text(HOSTILE[1]))
    hostile["series"]["name"] = HOSTILE[0]
    records.save(store.group("Kurs", "Örby"), "uppstart", hostile)
    small = r.blank()
    r.add_item(small, "effect", "Jämställd hemtjänst", goals=["unpaid"])
    small["aims"]["aim"] = "Lika många timmar"
    small["measurements"] = [{"date": "2027-01-04", "value": 3}]
    records.save(store.group("Kurs", "Ekeby"), "lärandeträff 1", small)
    records.save(store.group("Kurs", "Tomby"), "uppstart", r.blank())  # nothing typed: left out
    yield store
    store.dispose()


def test_save_and_load_and_nothing_written_on_bad_input():
    store = Store("sqlite://")
    p = full_payload()
    revision, key = records.save(store.group("Kurs", "Örby"), "Uppstart", p)
    door = store.group("Kurs", "Örby", key)
    found = records.load(door, "uppstart")
    assert found["payload"] == p and found["revision"] == revision.id
    before = store.changes("Kurs")
    with pytest.raises(InputError):
        records.save(door, "uppstart", {"cycles": [{"start": "2027-03-02", "end": "2027-03-01"}]})
    assert store.changes("Kurs") == before
    assert records.load(door, "lärandeträff 1") is None
    store.append(workshop="Kurs", group="Örby", module=records.MODULE, occasion="uppstart", role="",
                 version="1", payload={"items": "trasig"})
    assert records.load(door, "uppstart")["payload"] == r.blank()  # damaged: blank, never half


def test_export_sheets_of_two_groups(two_groups):
    sheets = records.export_sheets(two_groups, "Kurs", "sv")
    titles = [s[0] for s in sheets]
    assert titles == ["Förbättringsteori", "Förbättringsmodellen", "PDSA", "Mätvärden", "Körschema"]
    by = {title: (headers, rows) for title, headers, rows in sheets}
    headers, rows = by["Förbättringsteori"]
    assert headers[:5] == ["Grupp", "Tillfälle", "Sparad", "Steg", "Text"]
    assert {row[0] for row in rows} == {"Örby", "Ekeby"}
    orby = [row for row in rows if row[0] == "Örby"]
    assert [row[3] for row in orby][:2] == ["Effekt", "Nytt eller ändrat utfall"]  # from the effect down
    assert orby[0][1] == "Uppstart" and isinstance(orby[0][2], dt.datetime)
    assert orby[0][7:12] == ["ja", 59.4, 50.0, dt.date(2027, 12, 31),
                             "Jämn fördelning av det obetalda hem- och omsorgsarbetet; Jämställd hälsa"]
    assert orby[1][5] == HOSTILE[1] and orby[1][7] == "ja"  # from the statistics: by sex
    headers, rows = by["PDSA"]
    assert len(headers) == 3 + 1 + 2 + 12 + 2 and len(rows) == 2
    assert rows[0][3:6] == [1, dt.date(2027, 2, 15), dt.date(2027, 3, 1)]
    assert "Justera och testa igen" in rows[0] and rows[1][-2] == "Inte bestämt än"
    headers, rows = by["Förbättringsmodellen"]
    assert headers[3] == "Vad vill vi åstadkomma?" and len(rows) == 2
    headers, rows = by["Mätvärden"]
    assert headers[3:] == ["Mått", "Enhet", "Datum", "Värde", "Kvinnor", "Män"]
    assert len(rows) == 13 and rows[0][3:] == [HOSTILE[0], "dagar", dt.date(2027, 1, 4), 12.0, 13.5, 11.5]
    headers, rows = by["Körschema"]
    assert headers[5:] == ["Serie", "Antal mätvärden", "Median", "Medianen från de första", "Regler",
                           "Vad reglerna visar"]
    runs = {(row[0], row[5]): row for row in rows}
    assert set(runs) == {("Örby", "Värde"), ("Örby", "Kvinnor"), ("Örby", "Män"), ("Ekeby", "Värde")}
    value = runs[("Örby", "Värde")]
    assert value[6:10] == [12, 12.5, 6, "IHI"]
    assert "6 punkter i rad under medianen från vecka 7 (2027-02-15): en förskjutning." in value[10]
    assert runs[("Örby", "Män")][6] == 11
    assert "minst tio mätvärden" in runs[("Ekeby", "Värde")][10]
    assert runs[("Ekeby", "Värde")][7:9] == [3.0, 1]
    plots = records._plots()
    if plots is not None and hasattr(plots, "run_chart_notes"):  # the same sentences as the app's
        for (group, series), row in runs.items():
            p = next(p for rec, p in records._records(two_groups, "Kurs") if rec.group == group)
            ms = [{"date": m["date"], "value": m[{"Värde": "value", "Kvinnor": "women", "Män": "men"}[series]]}
                  for m in p["measurements"]]
            assert row[10] == " ".join(plots.run_chart_notes(ms, "sv", baseline=p["series"]["baseline"]))
    en = records.export_sheets(two_groups, "Kurs", "en")
    assert [s[0] for s in en] == ["Improvement theory", "Model for Improvement", "PDSA", "Measurements", "Run chart"]
    assert en[0][2][0][1] == "Start-up" and "points in a row below the median" in " ".join(
        str(c) for row in en[4][2] for c in row)


def test_export_sheets_anonymous_and_empty(two_groups):
    names = ShownNames({"Örby": "A", "Ekeby": "B"})
    sheets = records.export_sheets(two_groups, "Kurs", "sv", names=names)
    cells = {str(c) for _, _, rows in sheets for row in rows for c in row}
    assert "Örby" not in cells and "Ekeby" not in cells
    assert all(row[0] in ("A", "B") for _, _, rows in sheets for row in rows)
    assert records.export_sheets(Store("sqlite://"), "Kurs", "sv") == []
    assert records.report_section(Store("sqlite://"), "Kurs", "sv") == ""


def test_report_section_escapes_reads_the_chain_and_uses_shown_names(two_groups):
    html = records.report_section(two_groups, "Kurs", "sv")
    assert html.startswith("<h2>Förbättringsteori</h2>")
    assert "<h3>Örby, Uppstart</h3>" in html and "<h3>Ekeby, Lärandeträff 1</h3>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE[0] not in html and "=HYPERLINK(&quot;http://evil.example&quot;" in html
    assert html.index("<strong>Effekt</strong>") < html.index("<strong>Resurser</strong>")
    assert "bidrar till: Jämn fördelning av det obetalda hem- och omsorgsarbetet; Jämställd hälsa" in html
    assert "Vad vill vi åstadkomma?" in html and "PDSA 1: " in html and "Justera och testa igen" in html
    assert "6 punkter i rad under medianen" in html or "förskjutning" in html
    plots = records._plots()
    if plots is not None and hasattr(plots, "chain_png"):
        assert html.count('<img src="data:image/png;base64,') == 4  # a chain and a run chart per group
        assert 'alt="Förbättringsteorins diagram, läst framåt' in html
    anon = records.report_section(two_groups, "Kurs", "en", names=ShownNames({"Örby": "A", "Ekeby": "B"}))
    assert "Örby" not in anon and "Ekeby" not in anon and "<h3>A, Start-up</h3>" in anon
    assert "The improvement theory, from the effect down" in anon and "<script>" not in anon


def test_the_workshop_workbook_and_report_hold_the_module_inert(two_groups):
    from kit import modules
    from kit.io.workshop import module_exports, report_html, workshop_workbook

    if modules.get("forbattringsteori") not in modules.with_records():
        pytest.skip("the registry does not list the improvement theory as ready with records yet")
    assert any(m.key == "forbattringsteori" for m, _ in module_exports())
    two_groups.save_answers("Kurs", "Örby", "uppstart", None, {1: {"score": 3}})
    data = workshop_workbook(two_groups.answers_frame("Kurs"), "sv", store=two_groups, workshop="Kurs")
    book = load_workbook(io.BytesIO(data))
    assert {"Förbättringsteori", "PDSA", "Mätvärden", "Körschema"} <= set(book.sheetnames)
    assert all(c.data_type != "f" for c in all_cells(book))
    assert HOSTILE[0] in {c.value for row in book["Mätvärden"].iter_rows() for c in row}
    html = report_html(two_groups.answers_frame("Kurs"), name="Kurs", lang="sv", store=two_groups,
                       workshop="Kurs", anonymous=True)
    assert 'data-module="forbattringsteori"' in html and "<script>alert" not in html
    assert "Ekeby" not in html and "Örby" not in html


def test_the_facilitators_sheets_are_no_theory_to_upload(two_groups):
    """Its chain sheet has no ids (it mixes the groups): only its measurements would be read."""
    from kit.io.writers import write_row

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in records.export_sheets(two_groups, "Kurs", "sv"):
        sheet = book.create_sheet(title)
        write_row(sheet, headers)
        for row in rows:
            write_row(sheet, [c.replace(tzinfo=None) if isinstance(c, dt.datetime) else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    back = files.read("workshop.xlsx", buffer.getvalue())
    assert set(back) == {"measurements"} and len(back["measurements"]) == 13
