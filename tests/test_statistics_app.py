"""The Statistik page in the kernel (no browser): the shipped datasets load and show, a file of
the group's own is read (a Swedish Excel CSV in cp1252) or refused with a clear message,
picks are saved and found again — and no suppressed value reaches any output: the page's
HTML, the plots' data, the XLSX and JSON downloads, the saved picks, the facilitator's
workbook and report."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from kit.modules.statistics import app as stat_app
from kit.modules.statistics import datasets, files, records, views
from kit.store import Store

HOSTILE = "<script>alert(1)</script>"
#: Values that must never be shown: each one stands behind a small count (primary), or is
#: the other sex of one (secondary), and is a number that appears nowhere else.
SECRET = (777.77, 555.55, 333.33)


def secret_csv() -> bytes:
    """A Swedish Excel CSV (cp1252, ';', decimal comma) with small counts in it."""
    lines = ["Indikator;Kommun;År;Kön;Värde;Antal"]
    for year, women, men, total, n_w, n_m in (
            ("2019", "40,5", "35,0", "38,1", 40, 30), ("2020", "41,0", "34,0", "38,0", 42, 31),
            ("2021", "777,77", "555,55", "39,2", 3, 28),  # women small: men hidden too
            ("2022", "42,5", "33,0", "38,4", 45, 33), ("2023", "43,0", "32,5", "38,2", 44, 2)):
        if year == "2023":
            men = "333,33"  # men small: women hidden too (the total is shown)
        lines += [f"Väntetid {HOSTILE};Örby;{year};Kvinnor;{women};{n_w}",
                  f"Väntetid {HOSTILE};Örby;{year};Män;{men};{n_m}",
                  f"Väntetid {HOSTILE};Örby;{year};Totalt;{total};{n_w + n_m}"]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def make(tmp_path, **params):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    base = {"workshop": "Kurs", "group": "Örby", "occasion": "uppstart"} | params
    return stat_app.App(base, store=store), store


def secrets_in(text: str) -> list[str]:
    found = []
    for value in SECRET:
        for form in (f"{value:.2f}", f"{value:.2f}".replace(".", ","), f"{value:.1f}",
                     f"{value:.1f}".replace(".", ",")):
            if form in text:
                found.append(form)
    return found


def test_the_page_opens_on_exempelby_and_says_it_is_invented(tmp_path):
    page, _ = make(tmp_path)
    assert page.dataset == "exempelby"
    assert "påhittad" in page.dataset_note.value.lower() or "finns inte" in page.dataset_note.value
    assert "<h2>" in page.result.value and "<img" in page.result.value
    assert page.chooser.fields[0]["name"] == "dataset"
    assert len(views.indicators(page.data())) >= 8


def test_switching_indicator_and_breakdown_redraws(tmp_path):
    page, _ = make(tmp_path)
    data = page.data()
    first, second = views.indicators(data)[:2]
    before = page.result.value
    page.choose({"indicator": second})
    assert page.sel["indicator"] == second and page.result.value != before
    with_ages = [i for i in views.indicators(data) if len(views.age_groups(data, i)) > 1]
    assert with_ages, "Exempelby has an indicator by age group"
    page.choose({"indicator": with_ages[0], "breakdown": "age"})
    names = [f["name"] for f in page.chooser.fields]
    assert "period" in names and "age_group" not in names
    assert views.age_groups(data, with_ages[0])[-1] in page.result.value


def test_a_suppressed_cell_is_shown_as_suppressed_with_the_reason(tmp_path):
    page, _ = make(tmp_path)
    data = page.data()
    hidden = data[data["suppressed"]]
    assert len(hidden), "Exempelby has small counts"
    row = hidden.iloc[0]
    age = row.get("age_group") if "age_group" in data.columns else None
    page.choose({"indicator": row["indicator"], "area": row["area"], "breakdown": "sex",
                 **({"age_group": age} if age is not None else {})})
    assert "skyddat*" in page.result.value
    assert "färre än 5 personer" in page.result.value and "GDPR" in page.result.value


def test_an_own_csv_is_read_and_nothing_suppressed_leaks(tmp_path):
    from kit.modules.statistics import plots

    page, store = make(tmp_path)
    assert page.upload_data("väntetid.csv", secret_csv())
    assert page.dataset == stat_app.UPLOAD
    assert "väntetid.csv" in page.data_files.status
    html = page.result.value
    assert "skyddat*" in html and secrets_in(html) == []
    assert "<script>" not in html and "&lt;script&gt;" in html
    data, gaps = page.data(), page.gaps()
    ind = views.indicators(data)[0]
    for fig in (plots.series(data, ind, "Örby", "sv"), plots.ratio(gaps, ind, "Örby", "sv")):
        assert not set(round(v, 2) for v in plots.plot_values(fig)) & set(SECRET)
    page.pick()
    assert page.picks and page.picks[0]["indicator"] == ind
    assert page.save()
    for item in page.downloads():
        import base64

        blob = base64.b64decode(item["b64"])
        if item["filename"].endswith(".xlsx"):
            book = load_workbook(io.BytesIO(blob))
            cells = [str(c) for s in book.worksheets for row in s.values for c in row if c is not None]
            assert secrets_in(" ".join(cells)) == [], item["filename"]
        else:
            assert secrets_in(blob.decode()) == []
            assert json.loads(blob)["picks"][0]["indicator"] == ind
    from kit.io import workshop as ws

    from kit.domain import scores as sc

    empty = sc.to_frame([])
    book = load_workbook(io.BytesIO(ws.workshop_workbook(empty, "sv", store=store, workshop="Kurs")))
    text = " ".join(str(c) for s in book.worksheets for row in s.values for c in row if c is not None)
    assert ind in text and secrets_in(text) == []
    report = ws.report_html(empty, name="Kurs", lang="sv", store=store, workshop="Kurs", figures=[])
    assert "Valda indikatorer" in report
    assert "&lt;script&gt;" in report and "<script>" not in report and secrets_in(report) == []


def test_a_broken_file_is_refused_clearly_and_the_page_stays(tmp_path):
    page, _ = make(tmp_path)
    shown = page.result.value
    assert not page.upload_data("trasig.xlsx", b"PK\x03\x04 not really a zip")
    assert page.data_files.status_kind == "error"
    assert "trasig.xlsx" in page.data_files.status
    assert page.dataset == "exempelby" and page.result.value == shown
    assert not page.upload_data("fel.csv", "Indikator;År;Kön;Värde\nA;2020;Kvinnor;mycket\n".encode())
    assert re.search(r"rad 2.*kolumn D", page.data_files.status), page.data_files.status


def test_picks_are_saved_per_group_and_occasion_and_found_again(tmp_path):
    page, store = make(tmp_path)
    inds = views.indicators(page.data())
    for ind in inds[:2]:
        page.choose({"indicator": ind})
        page.pick()
    page.picks_table.rows = [{**row, "note": "Kvinnor väntar längre" if i == 0 else row["note"]}
                             for i, row in enumerate(page.picks_table.rows)]
    page.choose({"threshold": "2,5"})
    assert page.save()
    key = page.gkey
    again, _ = make(tmp_path, gkey=key)
    assert [p["indicator"] for p in again.picks] == inds[:2]
    assert again.picks[0]["note"] == "Kvinnor väntar längre"
    assert again.threshold == 2.5 and again.threshold_text == "2,5"
    other, _ = make(tmp_path, gkey=key, occasion="lärandeträff 1")
    assert other.picks == []
    # taking one out again (the same button) and saving
    again.choose({"indicator": inds[0]})
    assert again.pick_form.submit_label.startswith("Ta bort")
    again.pick()
    assert [p["indicator"] for p in again.picks] == inds[1:2]


def test_at_most_three_picks(tmp_path):
    page, _ = make(tmp_path)
    for ind in views.indicators(page.data())[:4]:
        page.choose({"indicator": ind})
        page.act(page.pick)
    assert len(page.picks) == 3
    assert "högst 3" in page.savebar.status


def test_a_bad_threshold_is_said_at_the_field_and_kept_out(tmp_path):
    page, _ = make(tmp_path)
    page.choose({"threshold": "mycket"})
    assert "mycket" in page.chooser.error and page.threshold is None
    page.choose({"threshold": "5"})
    assert page.chooser.error == "" and page.threshold == 5.0


def test_the_page_in_english_names_the_data_in_english(tmp_path):
    page, _ = make(tmp_path, lang="en")
    assert "invented" in page.dataset_note.value.lower() or "fictitious" in page.dataset_note.value.lower()
    titles = [label for _, label in page.chooser.fields[1]["options"]]
    assert not any(re.search("[åäö]", t) for t in titles), titles


def test_the_survey_is_drawn_for_both_scales(tmp_path):
    page, _ = make(tmp_path)
    assert "<img" in page.survey_view.value and "53" in page.survey_view.value or "%" in page.survey_view.value
    page.survey_choice.value = "yesno"
    assert page.survey_scale == "yesno" and "<table" in page.survey_view.value


def test_files_write_suppressed_values_as_words_and_keep_text_inert():
    data = pd.DataFrame({"indicator": ["=HYPERLINK(\"x\")"] * 3, "area": ["Örby"] * 3,
                         "period": ["2024"] * 3, "sex": ["T", "K", "M"],
                         "value": [10.0, float("nan"), float("nan")],
                         "n": pd.array([12, 3, 9], dtype="Int64"), "suppressed": [False, True, True]})
    book = load_workbook(io.BytesIO(files.to_xlsx(data, None, [], "en")))
    sheet = book.worksheets[0]
    assert sheet["A2"].value == '=HYPERLINK("x")' and sheet["A2"].data_type == "s"
    assert sheet["E3"].value == "suppressed" and sheet["F3"].value is None  # nor its n
    assert datasets.DEFAULT in datasets.keys()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_registry_opens_it(tmp_path, lang):
    from kit import modules

    module = modules.get("statistik")
    assert module.ready and module.record == records.MODULE
    page = module.app({"lang": lang}, store=Store(f"sqlite:///{tmp_path / 'r.sqlite'}"))
    assert page.lang == lang and page.widget.children


@pytest.mark.parametrize("hostile", ['<img src=x onerror=alert(1)>', '=HYPERLINK("http://x","y")', "$x^2$",
                                     "före\x00efter", "å" * 10_000])
def test_a_hostile_note_stays_inert_in_the_page_the_xlsx_and_the_report(tmp_path, hostile):
    from kit.domain import scores as sc
    from kit.io import workshop as ws

    page, store = make(tmp_path)
    page.pick()
    page.picks_table.rows = [{**row, "note": hostile} for row in page.picks_table.rows]
    saved = page.save()
    if len(hostile) > 1000:  # longer than a note may be: refused, nothing written
        assert not saved and "1000" in page.savebar.status
        assert store.latest("Kurs", records.MODULE) == []
        return
    assert saved
    note = records.load(store.group("Kurs", "Örby", page.gkey), "uppstart")["picks"][0]["note"]
    assert "\x00" not in note and note == hostile.replace("\x00", "")
    empty = sc.to_frame([])
    book = load_workbook(io.BytesIO(ws.workshop_workbook(empty, "sv", store=store, workshop="Kurs")))
    sheet = next(s for s in book.worksheets if s.title == "Valda indikatorer")
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == note)
    assert cell.data_type == "s"
    report = ws.report_html(empty, name="Kurs", lang="sv", store=store, workshop="Kurs", figures=[])
    assert "<img src=x" not in report and "\x00" not in report
