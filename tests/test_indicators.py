"""Sex-disaggregated statistics: Kolada, Swedish Excel CSV and XLSX read whole or refused
clearly; small counts suppressed before anything else; the gap and its trend."""

from __future__ import annotations

import io
import json
import math
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

import kit
from kit.domain import indicators as ind
from kit.io.indicators import COLUMNS, read_indicators


def fail(name: str, data: bytes | str, lang: str = "sv") -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    with pytest.raises(kit.InputError) as info:
        read_indicators(name=name, data=data)
    return info.value.text(lang)


def xlsx(rows, title="Blad1") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def record(kpi, municipality, period, *values, **extra):
    return {"kpi": kpi, "municipality": municipality, "period": period,
            "values": [{"gender": g, "value": v, "count": c, "status": ""} for g, v, c in values], **extra}


# -- Kolada ----------------------------------------------------------------------------------
def test_kolada_v2_page_with_paging_keys():
    page = {"count": 2, "next_page": "http://api.kolada.se/v2/data/kpi/N15428/year/2023?page=2",
            "previous_page": None,
            "values": [record("N15428", "0138", 2023, ("K", 74.1, 1), ("M", 70.0, 1), ("T", 72.0, 1)),
                       record("N15428", "0000", 2023, ("T", 68.2, 1))]}
    df = kit.read_indicators(name="kolada.json", data=json.dumps(page).encode())
    assert list(df.columns) == COLUMNS
    assert df["sex"].tolist() == ["K", "M", "T", "T"]
    assert df["area"].tolist() == ["0138"] * 3 + ["0000"]
    assert df["period"].tolist() == ["2023"] * 4
    assert df["value"].tolist() == [74.1, 70.0, 72.0, 68.2]
    assert df["n"].isna().all() and str(df["n"].dtype) == "Int64"
    assert df.attrs == {"source": "kolada", "name": "kolada.json"}
    for column in ("indicator", "area", "period", "sex"):
        assert df[column].dtype == object
    assert df["value"].dtype == "float64"


def test_kolada_v3_next_url_isdeleted_dropped_null_kept(tmp_path):
    page = {"values": [
        record("N15428", "1880", 2022, ("K", None, 1), ("M", 55.5, 1)),
        record("N15428", "1880", 2021, ("K", 99.0, 1), isdeleted=True),
        {**record("N15428", "1880", 2023, ("K", 60.0, 1)),
         "values": [{"gender": "K", "value": 60.0, "count": 1, "status": "", "isdeleted": False},
                    {"gender": "M", "value": 1.0, "count": 1, "status": "", "isdeleted": True}]},
    ], "next_url": "https://api.kolada.se/v3/data/kpi/N15428?page=2", "previous_url": None}
    path = tmp_path / "n15428.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    df = read_indicators(path)
    assert df[["period", "sex"]].values.tolist() == [["2022", "K"], ["2022", "M"], ["2023", "K"]]
    assert math.isnan(df.loc[0, "value"]) and df.loc[1, "value"] == 55.5
    assert "2021" not in df["period"].tolist()
    assert df.attrs["name"] == "n15428.json"


def test_kolada_group_count_is_never_n():
    """A municipality group's count is the number of members averaged, not of persons."""
    page = {"values": [record("N15428", "G12345", 2023, ("K", 71.2, 4), ("M", 66.0, 4), ("T", 68.5, 4))]}
    df = read_indicators(name="grupp.json", data=json.dumps(page).encode())
    assert df["area"].tolist() == ["G12345"] * 3
    assert df["n"].isna().all()
    out = kit.suppress_small(df)  # n unknown: nothing hidden by the primary rule
    assert not out["suppressed"].any() and out["value"].tolist() == [71.2, 66.0, 68.5]


def test_kolada_bare_list_of_records():
    data = json.dumps([record("U09400", "0180", "2022", ("T", 12.5, 1))]).encode()
    df = read_indicators(name="lista.json", data=data)
    assert df.iloc[0][["indicator", "area", "period", "sex", "value"]].tolist() == [
        "U09400", "0180", "2022", "T", 12.5]


def test_kolada_unknown_gender_names_the_record():
    page = {"values": [record("N15428", "0138", 2023, ("K", 1.0, 1)),
                       record("N15428", "0180", 2023, ("K", 1.0, 1), ("X", 2.0, 1))]}
    sv = fail("kolada.json", json.dumps(page))
    assert "post nr 2 (N15428, 0180, 2023), värde nr 2" in sv and "'X'" in sv, sv
    assert sv.startswith("kolada.json:") and "Inget har lästs in" in sv
    en = fail("kolada.json", json.dumps(page), "en")
    assert "record no. 2 (N15428, 0180, 2023), value no. 2" in en and "Nothing was read" in en, en


def test_kolada_syntax_error_names_the_line():
    data = '{"values": [\n  {"kpi": "N1",\n   "municipality": "0138"\n   "period": 2023}]}'
    with pytest.raises(kit.InputError) as info:
        read_indicators(name="kolada.json", data=data.encode())
    assert "rad 4" in str(info.value) and info.value.row == 4
    assert "line 4" in info.value.text("en")


@pytest.mark.parametrize("doc", [{"format": "jamkit", "answers": []}, {"values": {"kpi": "x"}},
                                 {"values": [{"id": "N15428", "title": "Väntetid"}]}, "text"])
def test_not_a_kolada_response(doc):
    assert "Koladas API" in fail("k.json", json.dumps(doc))


def test_kolada_record_problems_collected():
    page = {"values": [[1, 2], {"kpi": "N1", "period": 2023, "values": []},
                       record("N1", "0138", 2023, ("K", "mycket", 1)), record("N1", "0138", 2024)]}
    sv = fail("k.json", json.dumps(page))
    assert "post nr 1: posten är inget objekt" in sv
    assert "post nr 2: fältet municipality saknas" in sv
    assert "post nr 3 (N1, 0138, 2023), värde nr 1: 'mycket' är inget tal" in sv, sv


def test_kolada_empty_and_deep():
    assert "inga värden" in fail("k.json", json.dumps({"values": [], "count": 0}))
    assert "inga värden" in fail("k.json", json.dumps({"values": [record("N1", "1", 1, ("K", 1, 1),
                                                                         isdeleted=True)]}))
    assert "för många nivåer" in fail("k.json", "[" * 5000 + "]" * 5000)
    assert "för många nivåer" in fail("k.json", '{"values": [{"kpi": NaN}]}')


def test_kolada_conflicting_duplicate_across_records_names_both():
    page = {"values": [record("N1", "0138", 2023, ("K", 10.0, 1)), record("N1", "0138", 2023, ("K", 12.0, 1)),
                       record("N1", "0138", 2023, ("K", 10.0, 1))]}
    sv = fail("k.json", json.dumps(page))
    assert "post nr 2 (N1, 0138, 2023), värde nr 1" in sv and "post nr 1 (N1, 0138, 2023), värde nr 1" in sv


# -- CSV -------------------------------------------------------------------------------------
def test_swedish_excel_csv_cp1252_semicolon_decimal_comma_and_nbsp_thousands():
    text = ("Indikator;Kommun;År;Kön;Värde;Antal\r\n"
            "Väntetid särskilt boende (dagar);Örby;2023;Kvinnor;41,5;120\r\n"
            "Väntetid särskilt boende (dagar);Örby;2023;Män;35;98\r\n"
            "Invånare;Örby;2023;Totalt;1\u00a0234,5;1\u00a0234\r\n"
            "Invånare;Örby;2022;totalt;-2 000,25;\r\n"
            ";;;;;\r\n")
    df = read_indicators(name="örby.csv", data=text.encode("cp1252"))
    assert df["indicator"].tolist()[0] == "Väntetid särskilt boende (dagar)"
    assert df["area"].tolist() == ["Örby"] * 4
    assert df["sex"].tolist() == ["K", "M", "T", "T"]
    assert df["value"].tolist() == [41.5, 35.0, 1234.5, -2000.25]
    assert df["n"].tolist()[:3] == [120, 98, 1234] and df["n"].isna().tolist()[3]
    assert df.attrs["source"] == "csv"


def test_utf8_bom_comma_english_headers_any_order_narrow_nbsp():
    text = ("\ufeffvalue,Sex,YEAR,area,indicator,n\n"
            '"1\u202f234.5",women,2022/23,Lund,Pupils,"2\u202f000"\n'
            "\u221212%,MEN,2022/23,Lund,Pupils,7\n")
    df = read_indicators(name="pupils.csv", data=text.encode("utf-8"))
    assert df["value"].tolist() == [1234.5, -12.0]
    assert df["period"].tolist() == ["2022/23"] * 2 and df["sex"].tolist() == ["K", "M"]
    assert df["n"].tolist() == [2000, 7]


@pytest.mark.parametrize("marker", ["..", "–", "-", "—", "…", "", " ", "x", "NA"])
def test_missing_markers_are_nan_rows(marker):
    df = read_indicators(name="a.csv", data=f"År;Kön;Värde\n2023;K;{marker}\n2023;M;3\n".encode())
    assert len(df) == 2 and math.isnan(df.loc[0, "value"]) and df.loc[1, "value"] == 3.0


def test_no_indicator_column_takes_the_stem_and_no_area_is_empty():
    df = read_indicators(name="Fallskador 80+.csv", data="år;kön;värde\n2023;kvinnor;31\n".encode())
    assert df.loc[0, "indicator"] == "Fallskador 80+" and df.loc[0, "area"] == ""
    assert "age_group" not in df.columns


def test_age_group_column_makes_a_seventh_column():
    text = "Indikator;Område;År;Kön;Åldersgrupp;Värde;Antal\nFall;Exempelby;2023;Kvinnor;80+;31;40\n" \
           "Fall;Exempelby;2023;Kvinnor;;30;90\n"
    df = read_indicators(name="a.csv", data=text.encode())
    assert list(df.columns) == [*COLUMNS, "age_group"]
    assert df["age_group"].tolist() == ["80+", ""]


def test_wide_by_sex_kvinnor_man_totalt_csv():
    text = "Område;År;Kvinnor;Män;Totalt\nExempelby;2022;41,2;35;38,1\nExempelby;2023;..;36;37\n"
    df = read_indicators(name="väntetid.csv", data=text.encode("cp1252"))
    assert len(df) == 6 and df["sex"].tolist() == ["K", "M", "T"] * 2
    assert df["indicator"].unique().tolist() == ["väntetid"]
    assert df["period"].tolist() == ["2022"] * 3 + ["2023"] * 3
    assert math.isnan(df.loc[3, "value"]) and df.loc[0, "value"] == 41.2
    assert df["n"].isna().all()


def test_wide_by_sex_flickor_pojkar_totalt_with_counts_and_age():
    text = ("Indikator;År;Ålder;Flickor;Pojkar;Totalt;Antal flickor;Antal pojkar;Antal totalt\n"
            "Idrottsstöd;2023;7–12;120;180;300;40;3;43\n")
    df = read_indicators(name="idrott.csv", data=text.encode())
    assert df["sex"].tolist() == ["K", "M", "T"] and df["age_group"].tolist() == ["7–12"] * 3
    assert df["n"].tolist() == [40, 3, 43]
    out = kit.suppress_small(df)
    assert out["suppressed"].tolist() == [True, True, False]


def test_wide_women_men_total_english_and_count_after():
    text = "Year,WOMEN,Men,Total,Women (n),Men (n),Total (n)\n2024,1.5,2,1.8,10,12,22\n"
    df = read_indicators(name="x.csv", data=text.encode())
    assert df["value"].tolist() == [1.5, 2.0, 1.8] and df["n"].tolist() == [10, 12, 22]


def test_wide_with_a_bare_count_column_is_refused():
    message = fail("x.csv", "År;Kvinnor;Män;Antal\n2023;1;2;30\n")
    assert "kolumnen D (Antal)" in message and "Antal kvinnor" in message


# -- XLSX ------------------------------------------------------------------------------------
def test_wide_xlsx_numbers_as_numbers_and_as_text():
    data = xlsx([["År", "Kvinnor", "Män", "Totalt"], [2022, 12.5, 10, 11.2], [2023, "12,5", "1 234,5", ".."],
                 [None, None, None, None], ["2024", "–", None, 3]])
    df = read_indicators(name="väntetid.xlsx", data=data)
    assert df["period"].tolist() == ["2022"] * 3 + ["2023"] * 3 + ["2024"] * 3
    values = df["value"].tolist()
    assert values[:5] == [12.5, 10.0, 11.2, 12.5, 1234.5]
    assert math.isnan(values[5]) and math.isnan(values[6]) and math.isnan(values[7]) and values[8] == 3.0
    assert df.attrs["source"] == "xlsx"


def test_wide_xlsx_flickor_pojkar_and_long_on_a_later_sheet():
    book = Workbook()
    book.active.title = "Info"
    book.active.append(["Källa: Exempelby (fiktiv)"])
    sheet = book.create_sheet("Data")
    sheet.append(["Indikator", "Kommun", "År", "Flickor", "Pojkar", "Totalt"])
    sheet.append(["Behörighet gymnasiet (%)", "Exempelby", 2023, 88.0, 81.5, 84.6])
    buffer = io.BytesIO()
    book.save(buffer)
    df = read_indicators(name="b.xlsx", data=buffer.getvalue())
    assert df["sex"].tolist() == ["K", "M", "T"] and df["value"].tolist() == [88.0, 81.5, 84.6]
    assert df["area"].tolist() == ["Exempelby"] * 3


def test_long_xlsx_errors_name_the_sheet_row():
    data = xlsx([["Indikator", "År", "Kön", "Värde", "Antal"], ["A", 2023, "Kvinnor", 1, 10],
                 ["A", 2023, "Män", "många", 10], ["A", 2023, "Totalt", 2, -1]])
    message = fail("a.xlsx", data)
    assert "rad 3, kolumn D (Värde): 'många' är inget tal" in message, message
    assert "rad 4, kolumn E (Antal): Antal personer ska vara ett heltal" in message, message


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"plain text", b""])
def test_broken_xlsx(data):
    message = fail("trasig.xlsx", data)
    assert message.startswith("trasig.xlsx:") and ".xlsx" in message


def test_truncated_xlsx_is_broken():
    data = xlsx([["År", "Kvinnor"], [2023, 1]])
    assert "går inte att öppna som Excel-fil" in fail("t.xlsx", data[: len(data) // 2])


def test_xlsx_zip_without_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hej")
    assert "Excel" in fail("t.xlsx", buffer.getvalue())


# -- refusals --------------------------------------------------------------------------------
def test_wrong_sex_word_names_row_and_column_in_both_languages():
    text = "Indikator;År;Kön;Värde\nA;2023;Kvinnor;1\nA;2023;Ickebinär;2\n"
    sv = fail("svar.csv", text)
    assert sv == ("svar.csv: rad 3, kolumn C (Kön): Kön måste vara kvinnor, män eller totalt "
                  "(eller K, M, T), inte 'Ickebinär'. Inget har lästs in.")
    en = fail("svar.csv", text, "en")
    assert en == ("svar.csv: row 3, column C (Kön): Sex must be women, men or total (or K, M, T), "
                  "not 'Ickebinär'. Nothing was read.")


def test_conflicting_duplicate_names_both_rows_identical_dropped():
    text = "Indikator;År;Kön;Värde\nA;2023;K;1,5\nA;2023;M;2\nA;2023;K;1,5\nA;2023;K;1,7\n"
    sv = fail("d.csv", text)
    assert "rad 5, kolumn D (Värde)" in sv and "rad 2, kolumn D (Värde)" in sv, sv
    assert "'1,5' där, '1,7' här" in sv and "samma indikator, område, period och kön (A, –, 2023, kvinnor)" in sv
    assert "row 5" in fail("d.csv", text, "en")
    df = read_indicators(name="d.csv", data=text.rsplit("A;2023;K;1,7", 1)[0].encode())
    assert df["sex"].tolist() == ["K", "M"]


def test_duplicate_in_wide_file_with_age_names_both():
    text = "År;Ålder;Kvinnor;Män\n2023;80+;1;2\n2023;80+;1;3\n"
    sv = fail("d.csv", text)
    assert "rad 3, kolumn D (Män)" in sv and "rad 2, kolumn D (Män)" in sv and "kön och åldersgrupp (d, –, 2023, män, 80+)" in sv


def test_errors_collected_up_to_the_limit():
    body = "".join(f"A;2023;K;fel{i}\n" for i in range(9))
    sv = fail("m.csv", "Indikator;År;Kön;Värde\n" + body)
    assert sv.count("är inget tal") == 5 and "Och 4 fel till" in sv


def test_missing_texts_and_numbers_refused():
    text = "Indikator;Kommun;År;Kön;Värde\n;Örby;2023;K;1\nA;Örby;;K;2\nA;Örby;2023;K;=1+1\nA;Örby;2023;M;1,2,3\n"
    sv = fail("a.csv", text)
    assert "rad 2, kolumn A (Indikator): cellen är tom men indikator behövs" in sv
    assert "rad 3, kolumn C (År): cellen är tom men år/period behövs" in sv
    assert "rad 4, kolumn E (Värde): '=1+1' är inget tal" in sv
    assert "rad 5, kolumn E (Värde): '1,2,3'" in sv


@pytest.mark.parametrize("n", ["-1", "2,5", "många", "1e3"])
def test_n_must_be_a_non_negative_whole_number(n):
    assert "kolumn E (Antal)" in fail("a.csv", f"Indikator;År;Kön;Värde;Antal\nA;2023;K;1;{n}\n")


def test_header_problems():
    unknown = fail("a.csv", "Foo;Bar\n1;2\n")
    assert "Foo; Bar" in unknown and "Kvinnor, Män, Totalt" in unknown and "år (eller period), kön och värde" in unknown
    assert "the headers in the first row (Foo; Bar)" in fail("a.csv", "Foo;Bar\n1;2\n", "en")
    missing = fail("a.csv", "Indikator;År;Värde\nA;2023;1\n")
    assert "saknar kolumnen kön" in missing
    both = fail("a.csv", "Indikator;Kön\nA;K\n")
    assert "saknar kolumnerna år/period, värde" in both
    twice = fail("a.csv", "År;Kön;Värde;Value\n2023;K;1;2\n")
    assert "värde finns i två kolumner" in twice and "C och D" in twice
    assert "kvinnor finns i två kolumner" in fail("a.csv", "År;Kvinnor;Flickor\n2023;1;2\n")


def test_file_types_and_empty_files(tmp_path):
    assert ".xls går inte att läsa" in fail("gammal.xls", b"\xd0\xcf\x11\xe0")
    assert "okänd filtyp '.pdf'" in fail("a.pdf", b"%PDF")
    assert "filen är tom" in fail("a.csv", b"")
    assert "filen är tom" in fail("a.csv", b"\n\n")
    assert "inga värden" in fail("a.csv", "År;Kön;Värde\n;;\n")
    assert "inga värden" in fail("a.xlsx", xlsx([["År", "Kvinnor", "Män"]]))
    assert "filen är tom" in fail("a.xlsx", xlsx([]))
    with pytest.raises(kit.InputError) as info:
        read_indicators(tmp_path / "finns-inte.csv")
    assert "finns inte" in str(info.value)


def test_texts_are_inert_script_formula_control():
    text = ('Indikator;Kommun;År;Kön;Värde\n<script>alert("x")</script>;=HYPERLINK("http://evil","k");2023;K;1\n'
            "'=SUM(A1);Ör\x07by;2023;K;2\n")
    df = read_indicators(name="a.csv", data=text.encode())
    assert df.loc[0, "indicator"] == '<script>alert("x")</script>'
    assert df.loc[0, "area"] == '=HYPERLINK("http://evil","k")'
    assert df.loc[1, "indicator"] == "=SUM(A1)" and df.loc[1, "area"] == "Örby"
    long = read_indicators(name="a.csv", data=f"Indikator;År;Kön;Värde\n{'x' * 500};2023;K;1\n".encode())
    assert len(long.loc[0, "indicator"]) == 200


def test_file_name_is_shown_safely():
    with pytest.raises(kit.InputError) as info:
        read_indicators(name="<b>\x00x.csv", data=b"")
    assert str(info.value).startswith("<b>x.csv:")


def test_a_5000_row_file_is_read_whole():
    """A large file is read whole and measured (its speed is a benchmark's business, not a
    timed unit test's: a loaded machine must not fail it)."""
    lines = ["Indikator;Område;År;Kön;Åldersgrupp;Värde;Antal"]
    for i in range(5000):
        lines.append(f"Indikator {i % 10};Exempelby;{2000 + i // 300};{'KMT'[i % 3]};{i % 100 // 3};"
                     f"{i},5;{i % 40}")
    data = "\n".join(lines).encode("cp1252")
    df = read_indicators(name="stor.csv", data=data)
    gaps = kit.gap_measures(df, threshold=2)
    assert len(df) == 5000 and len(gaps) > 100


# -- the measures ----------------------------------------------------------------------------
def frame(rows, age=False):
    columns = ["indicator", "area", "period", "sex", "value", "n"] + (["age_group"] if age else [])
    df = pd.DataFrame(rows, columns=columns)
    df["n"] = df["n"].astype("Int64")
    df["value"] = df["value"].astype("float64")
    return df


@pytest.mark.parametrize("word,code", [("Kvinnor", "K"), ("kvinna", "K"), ("WOMEN", "K"), ("Flickor", "K"),
                                       ("girls", "K"), ("Män", "M"), ("man", "M"), ("Pojkar", "M"),
                                       ("boys", "M"), ("Totalt", "T"), ("alla", "T"), ("Total", "T"),
                                       (" m ", "M"), ("Båda  könen", "T")])
def test_sex_code(word, code):
    assert ind.sex_code(word) == code


@pytest.mark.parametrize("word", ["", None, "x", "kvinnor män", 1])
def test_sex_code_refuses(word):
    with pytest.raises(kit.InputError) as info:
        ind.sex_code(word)
    assert info.value.field == "sex"


def test_period_key_is_chronological():
    periods = ["2021", "2020/21", "2019", "2020", "2020K2", "2020M03", "1999/00", "2018-2020", "okänt", "2021 prel."]
    assert sorted(periods, key=ind.period_key) == [
        "1999/00", "2019", "2018-2020", "2020", "2020M03", "2020K2", "2020/21", "2021", "2021 prel.", "okänt"]
    assert ind.period_key("2020-03")[0] == pytest.approx(2020 + 2 / 12)
    assert ind.period_key("2020-21")[0] == 2020.5


def test_suppress_small_primary_and_secondary():
    df = frame([("A", "X", "2023", "K", 10.0, 3), ("A", "X", "2023", "M", 20.0, 40), ("A", "X", "2023", "T", 19.0, 43),
                ("A", "X", "2024", "K", 10.0, 30), ("A", "X", "2024", "M", 20.0, 40), ("A", "X", "2024", "T", 15.0, 70)])
    before = df.copy(deep=True)
    out = ind.suppress_small(df)
    assert out["suppressed"].tolist() == [True, True, False, False, False, False]
    assert out["value"].isna().tolist() == [True, True, False, False, False, False]
    assert out["n"].isna().tolist()[:2] == [True, True]
    assert out["suppressed"].dtype == bool
    pd.testing.assert_frame_equal(df, before)  # never mutated
    assert "suppressed" not in df.columns


def test_unknown_n_is_not_suppressed_and_no_total_means_no_secondary():
    df = frame([("A", "X", "2023", "K", 10.0, None), ("A", "X", "2023", "M", 20.0, 2)])
    assert ind.suppress_small(df)["suppressed"].tolist() == [False, True]
    df = frame([("A", "X", "2023", "K", 10.0, 40), ("A", "X", "2023", "M", 20.0, 2)])
    assert ind.suppress_small(df)["suppressed"].tolist() == [False, True]


@pytest.mark.parametrize("total", [(None, 43), (12.0, 3)])
def test_no_secondary_when_the_total_is_not_shown(total):
    value, n = total
    df = frame([("A", "X", "2023", "K", 10.0, 40), ("A", "X", "2023", "M", 20.0, 2),
                ("A", "X", "2023", "T", value, n)])
    out = ind.suppress_small(df)
    assert out["suppressed"].tolist()[:2] == [False, True]


def test_secondary_stays_within_one_age_group_and_period():
    df = frame([("A", "X", "2023", "K", 1.0, 2, "80+"), ("A", "X", "2023", "M", 2.0, 30, "80+"),
                ("A", "X", "2023", "T", 1.5, 32, "80+"), ("A", "X", "2023", "K", 1.0, 20, "65–79"),
                ("A", "X", "2023", "M", 2.0, 30, "65–79"), ("A", "X", "2023", "T", 1.5, 50, "65–79")], age=True)
    assert ind.suppress_small(df)["suppressed"].tolist() == [True, True, False, False, False, False]


def test_suppress_small_min_n_and_kept_flags():
    df = frame([("A", "X", "2023", "K", 1.0, 7), ("A", "X", "2023", "M", 2.0, 12)])
    assert ind.suppress_small(df, min_n=10)["suppressed"].tolist() == [True, False]
    again = ind.suppress_small(ind.suppress_small(df, min_n=10))
    assert again["suppressed"].tolist() == [True, False]
    assert ind.suppress_small(df.iloc[0:0])["suppressed"].tolist() == []


def series(diffs, men=40.0, periods=None, sexes_n=30):
    periods = periods or [str(2019 + i) for i in range(len(diffs))]
    rows = []
    for p, d in zip(periods, diffs):
        women = None if d is None else men + d
        rows += [("Väntetid", "Exempelby", p, "K", women, sexes_n), ("Väntetid", "Exempelby", p, "M", men, sexes_n),
                 ("Väntetid", "Exempelby", p, "T", men, 2 * sexes_n)]
    return frame(rows)


@pytest.mark.parametrize("diffs,trend", [([8, 7, 5, 4, 2], "closing"), ([2, 3, 5, 6, 9], "widening"),
                                         ([5, 5.1, 4.9, 5, 5.05], "stable"), ([5, 6], "unknown"),
                                         ([5, None, 6, None], "unknown"), ([3, -1, -4, -6], "widening"),
                                         ([6, 3, 1, -1], "closing"), ([6, 3, 0, -3, -6], "stable")])
def test_trend_verdicts(diffs, trend):
    gaps = ind.gap_measures(series(diffs))
    assert set(gaps["trend"]) == {trend}
    trends = ind.gap_trend(gaps)
    assert trends.loc[0, "trend"] == trend
    if trend == "unknown":
        assert gaps["slope"].isna().all()


def test_trend_tolerance_is_relative_to_the_level():
    # a gap of a few tenths on values of about 80 moving by 0.3 is no trend
    assert ind.gap_measures(series([0.5, 0.4, 0.3, 0.2], men=80.0))["trend"].iloc[0] == "stable"


def test_gap_trend_columns_and_signs():
    trends = ind.gap_trend(ind.gap_measures(series([6, 3, 0, -3, -6])))
    assert list(trends.columns) == ["indicator", "area", "first", "last", "periods", "slope", "trend",
                                    "diff_first", "diff_last"]
    row = trends.iloc[0]
    assert (row["first"], row["last"], int(row["periods"]), row["diff_first"], row["diff_last"]) == (
        "2019", "2023", 5, 6.0, -6.0)


def test_gap_measures_columns_ratio_flags():
    df = frame([("A", "X", "2024", "K", 12.0, 30), ("A", "X", "2024", "M", 0.0, 30), ("A", "X", "2024", "T", 6.0, 60),
                ("A", "X", "2023", "K", 12.0, 30), ("A", "X", "2023", "M", 10.0, 30),
                ("A", "X", "2022", "K", 12.0, 30), ("A", "X", "2022", "T", 10.0, 30)])
    gaps = ind.gap_measures(df, threshold=5)
    assert list(gaps.columns) == ["indicator", "area", "period", "women", "men", "total", "diff", "ratio", "slope",
                                  "trend", "flag"]
    assert gaps["period"].tolist() == ["2022", "2023", "2024"]
    assert gaps["ratio"].isna().tolist() == [True, False, True]  # men missing, 1.2, men 0
    assert gaps.loc[1, "ratio"] == pytest.approx(1.2)
    assert gaps["diff"].tolist()[1:] == [2.0, 12.0] and math.isnan(gaps.loc[0, "diff"])
    assert gaps["flag"].tolist() == [False, False, True]
    assert not ind.gap_measures(df)["flag"].any()
    assert gaps["flag"].dtype == bool and gaps["period"].dtype == object


def test_gap_measures_age_groups_sorted_chronologically():
    rows = [("A", "X", p, s, 1.0, 30, age) for age in ("80+", "65–79") for p in ("2021", "2020/21", "2020")
            for s in "KM"]
    gaps = ind.gap_measures(frame(rows, age=True))
    assert list(gaps.columns[:4]) == ["indicator", "area", "age_group", "period"]
    assert gaps[["age_group", "period"]].values.tolist() == [
        ["65–79", "2020"], ["65–79", "2020/21"], ["65–79", "2021"], ["80+", "2020"], ["80+", "2020/21"], ["80+", "2021"]]


def test_suppressed_values_are_never_used():
    # a frame already marked: a suppressed value that still holds its number is not used
    df = frame([("A", "X", "2023", "K", 99.0, 3), ("A", "X", "2023", "M", 20.0, 40)])
    df["suppressed"] = [True, False]
    before = df.copy(deep=True)
    gaps = ind.gap_measures(df)
    assert math.isnan(gaps.loc[0, "women"]) and math.isnan(gaps.loc[0, "diff"]) and math.isnan(gaps.loc[0, "ratio"])
    pd.testing.assert_frame_equal(df, before)
    # an unmarked frame is suppressed first (primary and secondary)
    df = frame([("A", "X", "2023", "K", 99.0, 3), ("A", "X", "2023", "M", 20.0, 40), ("A", "X", "2023", "T", 30.0, 43)])
    gaps = ind.gap_measures(df)
    assert gaps[["women", "men", "diff", "ratio"]].isna().all(axis=None) and gaps.loc[0, "total"] == 30.0
    assert 99.0 not in gaps.to_numpy() and 20.0 not in gaps.to_numpy()
    assert ind.gap_measures(df, min_n=2)["women"].tolist() == [99.0]


def test_trend_never_uses_suppressed_periods():
    df = series([8, 7, 5, 4, 2])
    df.loc[(df["period"] == "2023") & (df["sex"] == "K"), "n"] = 2
    gaps = ind.gap_measures(df)
    trends = ind.gap_trend(gaps)
    assert trends.loc[0, "last"] == "2022" and int(trends.loc[0, "periods"]) == 4
    assert math.isnan(gaps.loc[4, "women"]) and math.isnan(gaps.loc[4, "men"])


def test_gap_measures_empty_frame():
    gaps = ind.gap_measures(frame([]))
    assert gaps.empty and list(gaps.columns)[-1] == "flag"


def test_read_suppress_and_measure_a_kolada_file_end_to_end():
    page = {"values": [record("N15428", "0138", year, ("K", 70.0 + i, 1), ("M", 60.0, 1), ("T", 65.0, 1))
                       for i, year in enumerate(range(2019, 2024))]}
    gaps = kit.gap_measures(kit.suppress_small(read_indicators(name="k.json", data=json.dumps(page).encode())))
    assert gaps["diff"].tolist() == [10.0, 11.0, 12.0, 13.0, 14.0] and set(gaps["trend"]) == {"widening"}
