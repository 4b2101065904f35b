"""Readers meet what Swedish users really have, and refuse the rest clearly and whole."""

import io
import json
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

import kit
from kit.domain import scores as sc
from kit.io.readers import read_kit_json
from kit.io.writers import kit_json, workbook_bytes, write_table

HOSTILE = ['<script>alert("x")</script>', "=HYPERLINK(\"http://evil\",\"klick\")", "+1+1",
           "-2", "@SUM(A1)", "Robert'); DROP TABLE revisions;--"]


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_swedish_excel_csv_cp1252_semicolon_decimal_comma(tmp_path):
    text = ("Organisation;Tillfälle;Moment;Poäng;Roll;Kommentar;Åtgärder\r\n"
            "Örebro läns landsting;Uppstart;1;3,0;Politiker;Bra början;Beslut i fullmäktige\r\n"
            "Örebro läns landsting;Träff 1;1;4;;Gemensamt;\r\n;;;;;;\r\n")
    df = kit.read_scores(write(tmp_path, "svar.csv", text.encode("cp1252")))
    assert list(df["organisation"]) == ["Örebro läns landsting"] * 2
    assert list(df["occasion"]) == ["uppstart", "lärandeträff 1"]
    assert list(df["score"]) == [3, 4]
    assert df.loc[0, "role"] == "politiker" and df.loc[1, "role"] is None
    assert df.loc[0, "actions"] == "Beslut i fullmäktige"


def test_utf8_bom_comma_separated_english_headers(tmp_path):
    text = ('\ufeffscore,moment,organisation,occasion,role,comment\n'
            '2,7,"Lund, kommun",learning meeting 2,manager,"quoted, with comma"\n')
    df = kit.read_scores(write(tmp_path, "scores.csv", text.encode("utf-8")))
    assert df.loc[0, "organisation"] == "Lund, kommun"
    assert df.loc[0, "occasion"] == "lärandeträff 2" and df.loc[0, "role"] == "chef"
    assert df.loc[0, "comment"] == "quoted, with comma"


@pytest.mark.parametrize("body,needles", [
    ("A;uppstart;1;5", ["rad 2", "kolumn D", "poäng", "'5'"]),
    ("A;uppstart;1;2,5", ["rad 2", "kolumn D", "2,5"]),
    ("A;uppstart;12;3", ["rad 2", "kolumn C", "moment", "12"]),
    (";uppstart;1;3", ["rad 2", "kolumn A", "organisation saknas"]),
    ("A;uppstart;1;3\nA;Uppstart;1;4", ["rad 3", "rad 2", "samma svar"]),
])
def test_bad_rows_named_by_file_row_and_column_and_nothing_returned(tmp_path, body, needles):
    path = write(tmp_path, "svar.csv", f"organisation;tillfälle;moment;poäng\n{body}\n".encode())
    with pytest.raises(kit.InputError) as info:
        kit.read_scores(path)
    message = str(info.value)
    assert message.startswith("svar.csv:") and "Inget har lästs in" in message
    for needle in needles:
        assert needle.lower() in message.lower(), message


def test_many_errors_are_counted_not_dumped(tmp_path):
    rows = "\n".join(f"A;uppstart;{m};9" for m in range(1, 11))
    path = write(tmp_path, "svar.csv", f"organisation;tillfälle;moment;poäng\n{rows}\n".encode())
    with pytest.raises(kit.InputError, match="Och 5 fel till"):
        kit.read_scores(path)


@pytest.mark.parametrize("name,data,needle", [
    ("svar.csv", b"", "tom"),
    ("svar.csv", "namn;värde\nA;1\n".encode(), "saknar kolumnerna organisation"),
    ("svar.csv", b"organisation;moment\n", "saknar kolumnerna tillfälle, poäng"),
    ("svar.csv", b"organisation;tillf\xe4lle;moment;po\xe4ng\n", "inga svar"),
    ("svar.csv", "x".encode("utf-16"), "UTF-16"),
    ("svar.xlsx", b"PK\x03\x04 this is not a workbook", "går inte att öppna som Excel"),
    ("svar.xlsx", b"", "går inte att öppna som Excel"),
    ("svar.xls", b"\xd0\xcf\x11\xe0", ".xls"),
    ("svar.pdf", b"%PDF", "okänd filtyp"),
])
def test_broken_or_foreign_files_get_a_clear_swedish_message(tmp_path, name, data, needle):
    with pytest.raises(kit.InputError) as info:
        kit.read_scores(write(tmp_path, name, data))
    assert needle.lower() in str(info.value).lower()
    assert name in str(info.value)


def test_a_truncated_xlsx_is_refused(tmp_path):
    good = workbook_bytes(sc.to_frame([sc.validate_answer("A", "uppstart", 1, 3)]))
    with pytest.raises(kit.InputError, match="Excel"):
        kit.read_scores(write(tmp_path, "svar.xlsx", good[: len(good) // 2]))


def test_xlsx_written_by_a_person_is_read(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Organisation", "Tillfälle", "Moment", "Poäng", "Roll"])
    sheet.append(["Kalmar", "Uppstart", 3, 2.0, "Strateg"])
    sheet.append([None, None, None, None, None])
    path = tmp_path / "svar.xlsx"
    book.save(path)
    df = kit.read_scores(path)
    assert (df.loc[0, "organisation"], int(df.loc[0, "moment"]), int(df.loc[0, "score"])) == ("Kalmar", 3, 2)


def hostile_frame():
    rows = [sc.validate_answer(f"Org {i} {h}", "uppstart", i + 1, (i % 4) + 1, "chef", h, h)
            for i, h in enumerate(HOSTILE)]
    return sc.to_frame(rows)


def test_xlsx_export_round_trips_and_never_holds_formulas(tmp_path):
    frame = hostile_frame()
    data = workbook_bytes(frame, "sv")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Självskattning"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells), [c.value for c in cells if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert [h.value for h in sheet[1]] == ["organisation", "tillfälle", "moment", "poäng", "roll",
                                          "kommentar", "åtgärder", "version"]
    assert isinstance(sheet["C2"].value, int) and isinstance(sheet["D2"].value, int)
    back = kit.read_scores(write(tmp_path, "export.xlsx", data))
    assert list(back["comment"]) == HOSTILE and list(back["organisation"]) == list(frame["organisation"])
    summary = book["Sammanställning"]
    assert isinstance(summary["B2"].value, (int, float)) and summary["B2"].data_type == "n"


def test_kit_json_round_trip_and_refusals(tmp_path):
    frame = hostile_frame()
    data = kit_json(frame, workshop="Kurs", organisation="Org")
    doc = read_kit_json(name="a.json", data=data)
    assert doc["workshop"] == "Kurs" and list(doc["answers"]["actions"]) == HOSTILE
    bad = json.loads(data)
    bad["answers"][2]["score"] = 7
    with pytest.raises(kit.InputError, match="svar nr 3, fältet score: Poäng"):
        read_kit_json(name="a.json", data=json.dumps(bad).encode())
    with pytest.raises(kit.InputError, match="inte giltig JSON"):
        read_kit_json(name="a.json", data=b"{nope")
    with pytest.raises(kit.InputError, match="ingen JämKit-fil"):
        read_kit_json(name="a.json", data=b'{"answers": []}')


def test_table_csv_for_swedish_excel_and_formula_safe(tmp_path):
    df = sc.to_frame([sc.validate_answer("A", "=cmd", m, 2) for m in sc.MOMENTS]
                     + [sc.validate_answer("B", "=cmd", m, 3) for m in sc.MOMENTS])
    path = write_table(kit.summary_table(df), tmp_path / "t.csv")
    text = path.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "Moment;'=cmd;Förändring (+/-)"
    assert "Totalt;25,0;\r\n" in text  # one occasion: no change to report, not 0,0
    md = write_table(kit.summary_table(df), tmp_path / "t.md").read_text()
    assert "| Totalt | 25,0 | – |" in md
