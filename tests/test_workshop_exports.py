"""A workshop's XLSX and HTML report: every part present, numbers as numbers, hostile text inert."""

import io
import zipfile
from html.parser import HTMLParser

from openpyxl import load_workbook

import kit
from kit.domain import scores as sc
from kit.io.workshop import report_html, workshop_workbook

HOSTILE = ['<script>alert("x")</script>', '=HYPERLINK("http://evil","klick")', "+SUM(1)", "-1", "@A1",
           '"><img src=x onerror=alert(1)>']


def frame():
    rows = []
    for g, name in enumerate(HOSTILE):
        for m in sc.MOMENTS:
            rows.append(sc.validate_answer(name, "uppstart", m, (g + m) % 4 + 1, None,
                                           HOSTILE[(g + m) % len(HOSTILE)], HOSTILE[g]))
            rows.append(sc.validate_answer(name, "lärandeträff 1", m, 4, None))
    return sc.to_frame(rows)


def test_workbook_has_every_part_in_the_workshops_language_with_numbers_and_no_formulas():
    data = workshop_workbook(frame(), "sv")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Självskattning", "Sammanställning", "Antal organisationer",
                               "Summa per organisation", "Modellkonceptet 2020–2022"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    summary = book["Sammanställning"]
    assert summary["A12"].value == "Totalt" and summary["C12"].value == 40 and summary["C12"].data_type == "n"
    counts = book["Antal organisationer"]
    assert counts["B2"].value == len(HOSTILE)
    totals = book["Summa per organisation"]
    assert {totals.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))} == set(HOSTILE)
    answers = kit.read_scores("x.xlsx", data=data)
    assert set(answers["comment"]) - {""} == set(HOSTILE)
    english = load_workbook(io.BytesIO(workshop_workbook(frame(), "en")))
    assert english.sheetnames[0] == "Self-assessment"
    assert [c.value for c in english["Self-assessment"][1]][:4] == ["organisation", "occasion", "moment", "score"]


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_report_escapes_everything_and_embeds_tables_and_plots():
    html = report_html(frame(), name=HOSTILE[0], lang="sv")
    parser = Collector()
    parser.feed(html)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags
    assert all("onerror" not in attrs for _, attrs in parser.tags)
    text = "".join(parser.text)
    for hostile in HOSTILE:
        assert hostile in text  # shown as text, exactly as typed
    assert tags.count("table") == 6 and tags.count("img") == 3  # + each organisation's totals
    assert all(a["alt"] for t, a in parser.tags if t == "img")
    assert '<html lang="sv">' in html and "@page { size: A4" in html
    assert "17,8" in text and "31,0" in text


def test_anonymous_report_names_no_organisation():
    names = ["Örby kommun", "Åsa region", "Ekeby kommun"]
    df = sc.to_frame([sc.validate_answer(n, "uppstart", m, 2, None, "en kommentar")
                      for n in names for m in sc.MOMENTS])
    html = report_html(df, name="Kurs", lang="en", anonymous=True)
    assert not any(n in html for n in names)
    assert "Report: Kurs" in html and "en kommentar" in html
    assert report_html(df, name="Kurs", lang="en").count("Örby kommun") >= 1
