"""Hardening of what comes in and what goes out.

* Formula injection: typed labels and names stay inert text in every XLSX and CSV the kit
  writes (headers, totals and notes included), and the kit's XLSX reads back the same texts.
* Text that breaks drawing or XML: mathtext in names and occasions is drawn literally by every
  plot; control characters never reach an XLSX, a kit JSON or an HTML report; the report
  escapes markup everywhere.
* Readers: a damaged, malicious or absurd file ends as one :class:`kit.InputError` that names
  the file (and row) in plain Swedish, with English from ``text("en")``, within seconds.
* Exports show labels (not codes) in the language asked for, explain incomplete totals, keep
  anonymous letters consistent, print well, and show "+/-" as a dash for one occasion.
* The command line answers every broken input with exit code 2 and one line on stderr.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import struct
import time
import zipfile
import zlib
from html.parser import HTMLParser

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from openpyxl import load_workbook

import kit
from kit import cli, plots
from kit.domain import scores as sc
from kit.io.readers import read_kit_json
from kit.io.workshop import report_html, workshop_workbook
from kit.io.writers import kit_json, table_for_display, workbook_bytes, write_table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Labels a person may type (they pass the kit's validation) that a spreadsheet would run.
FORMULA_TEXTS = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "=cmd|' /C calc'!A0",
                 "-1", "=1+1", "@A1"]
#: Labels that only reach a writer from elsewhere than the form (validation trims them).
RAW_FORMULA_TEXTS = FORMULA_TEXTS + ["\tx", "\rx"]
CONTROL_CHARS = ("\x00", "\x01", "\x0b", "\x1b", "\x0c", "\x7f")
DEV_TERMS = re.compile(
    r"BadZip|zlib|KeyError|IndexError|ValueError|TypeError|ParseError|RecursionError|"
    r"OverflowError|Unicode\w*Error|MemoryError|Traceback|Exception|CRC|openpyxl|expat|"
    r"sheet\d*\.xml|sharedStrings|Content_Types|Errno|NoneType|\bdecode\b|\(\w*(Error|File)\)")
NUMBER_CELL = re.compile(r"-?\d+([.,]\d+)?(e-?\d+)?")
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
CHAR_REF = re.compile(r"&#(x0*(0|1|b|1b|c|7f)|0*(0|1|11|12|27|127));|_x00(00|01|0b|1b|0c|7f)_",
                      re.IGNORECASE)


# ------------------------------------------------------------------ helpers
def raw_frame(rows):
    """A frame of answers that skips validation (as stored data or an old export may be)."""
    full = [{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": 3, "role": None,
             "comment": "", "actions": "", "version": sc.DEFAULT_VERSION, **r} for r in rows]
    return sc.to_frame(full)


def complete(org, occasion, score=2, role=None, comment="", actions="", moments=sc.MOMENTS):
    return [sc.validate_answer(org, occasion, m, score, role, comment, actions) for m in moments]


def hostile_formula_frame():
    """Organisations and the workshop's own occasions that look like formulas."""
    rows = []
    occasions = ["uppstart", FORMULA_TEXTS[0], "+1", "@SUM(A1)"]
    for g, org in enumerate(FORMULA_TEXTS):
        for o, occ in enumerate(occasions):
            moments = sc.MOMENTS if g % 3 else sc.MOMENTS[:-1]  # some incomplete: totals notes
            for m in moments:
                rows.append(sc.validate_answer(org, occ, m, (g + m + o) % 4 + 1,
                                               ("chef", None, "annan")[m % 3],
                                               FORMULA_TEXTS[(g + m) % len(FORMULA_TEXTS)],
                                               org))
    return sc.to_frame(rows)


def inert_xlsx(data: bytes, must_show=()):
    """Assert no formula anywhere in a workbook (cells and sheet XML) and return the book."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not FORMULA_ELEMENT.search(z.read(name)), f"<f> in {name}"
        assert not [n for n in names if n.startswith(("xl/externalLinks", "xl/calcChain"))], names
    book = load_workbook(io.BytesIO(data))
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = (sheet.title, cell.coordinate, cell.value)
                assert cell.data_type != "f", where
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    if cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, f"formula-like text without quote prefix: {where}"
    missing = [t for t in must_show if t not in texts]
    assert not missing, f"texts dropped from the workbook: {missing}"
    return book


def inert_csv(text: str, delimiter: str, must_show=()):
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = rows[0]
    for cell in header:
        assert not cell.startswith(FORMULA_START), f"header cell runs as a formula: {cell!r}"
    for row in rows[1:]:
        assert not row[0].startswith(FORMULA_START), row
        for cell in row[1:]:
            assert cell == "" or NUMBER_CELL.fullmatch(cell), f"not a number: {cell!r} in {row}"
    for t in must_show:
        assert "'" + t in header, (t, header)
    return rows


def sheet_cells(book) -> list[str]:
    return [str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r
            if c.value is not None]


def rows_of(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def rezip(data: bytes, replace: dict) -> bytes:
    """The same zip with members replaced (bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def member_span(data: bytes, name: str) -> tuple[int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(name)
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
    start = off + 30 + name_len + extra_len
    return start, start + info.compress_size


def damage(data: bytes, name: str, how: str) -> bytes:
    """Flip bytes inside a member's compressed data (the zip itself stays valid)."""
    start, end = member_span(data, name)
    buf = bytearray(data)
    if how == "head":
        buf[start:start + 8] = b"\xff" * 8  # BTYPE=11: an invalid deflate block
    elif how == "middle":
        mid = (start + end) // 2
        for i in range(mid, min(mid + 16, end)):
            buf[i] ^= 0x55
    else:
        for i in range(max(start, end - 6), end):
            buf[i] ^= 0xA5
    return bytes(buf)


def patch_central(data: bytes, name: str, offset: int, fmt: str, value) -> bytes:
    """Change one field of a member's central-directory entry."""
    buf = bytearray(data)
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        (n_len,) = struct.unpack("<H", data[i + 28:i + 30])
        if data[i + 46:i + 46 + n_len] == name.encode():
            if fmt == "flag":
                buf[i + 8] |= value
            else:
                struct.pack_into(fmt, buf, i + offset, value)
            return bytes(buf)
        i = data.find(b"PK\x01\x02", i + 4)
    raise AssertionError(name)


def small_answers():
    return sc.to_frame(complete("Örby kommun", "uppstart", 3, comment="bra"))


@functools.cache
def good_xlsx() -> bytes:
    return workbook_bytes(small_answers())


STRINGS = ["organisation", "tillfälle", "moment", "poäng", "Örby", "uppstart"]


def excel_like_xlsx() -> bytes:
    """A workbook as Excel writes it: texts in xl/sharedStrings.xml (openpyxl writes inline)."""
    base = good_xlsx()
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="'
                          'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                          "</Types>")
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdSS" Type="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                        'Target="sharedStrings.xml"/></Relationships>')
    strings = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               f'spreadsheetml/2006/main" count="{len(STRINGS)}" uniqueCount="{len(STRINGS)}">'
               + "".join(f"<si><t>{s}</t></si>" for s in STRINGS) + "</sst>").encode()
    cells = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCD"))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?>' + NS + b"<sheetData>"
             + f'<row r="1">{cells}</row><row r="2"><c r="A2" t="s"><v>4</v></c>'
               '<c r="B2" t="s"><v>5</v></c><c r="C2" t="n"><v>1</v></c><c r="D2" t="n"><v>3</v></c>'
               "</row>".encode() + b"</sheetData></worksheet>")
    out = rezip(base, {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                       SHEET: sheet})
    buffer = io.BytesIO(out)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", strings)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>organisation</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>tillfälle</t></is></c>'
              '<c r="C1" t="inlineStr"><is><t>moment</t></is></c>'
              '<c r="D1" t="inlineStr"><is><t>poäng</t></is></c></row>').encode()


def sheet_with(cells: str) -> bytes:
    """A sheet with the header row and one data row whose last cells are ``cells``."""
    row = ('<row r="2"><c r="A2" t="inlineStr"><is><t>Örby</t></is></c>'
           '<c r="B2" t="inlineStr"><is><t>uppstart</t></is></c>' + cells + "</row>")
    return (b'<?xml version="1.0" encoding="UTF-8"?>' + NS + b"<sheetData>" + HEADER_ROW
            + row.encode() + b"</sheetData></worksheet>")


def xlsx_with_sheet(sheet: bytes) -> bytes:
    return rezip(good_xlsx(), {SHEET: sheet})


def row_bomb(rows: int, empty: bool = False, dimension: bool = False) -> bytes:
    """A small XLSX whose first sheet holds ``rows`` rows, written as XML by hand."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_xlsx())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info, src.read(info.filename))
                continue
            with dst.open(SHEET, "w") as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?>' + NS)
                if dimension:
                    f.write(f'<dimension ref="A1:D{rows + 1}"/>'.encode())
                f.write(b"<sheetData>" + HEADER_ROW)
                step = 20_000
                for s in range(2, rows + 2, step):
                    chunk = range(s, min(s + step, rows + 2))
                    if empty:
                        f.write("".join(f'<row r="{n}"/>' for n in chunk).encode())
                    else:
                        f.write("".join(f'<row r="{n}"><c r="A{n}" t="n"><v>1</v></c></row>'
                                        for n in chunk).encode())
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


def kit_doc(answers, **extra) -> bytes:
    doc = {"format": "jamkit", "format_version": 1, "workshop": "Kurs", "organisation": "Örby",
           "answers": answers, **extra}
    return json.dumps(doc, ensure_ascii=False).encode()


def answer(**fields):
    return {"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": 3, **fields}


def raw_json(answers_text: str) -> bytes:
    return ('{"format": "jamkit", "format_version": 1, "answers": ' + answers_text + "}").encode()


CSV_HEAD = "organisation;tillfälle;moment;poäng;kommentar\n"


def mixed_csv() -> bytes:
    return (CSV_HEAD.encode() + "Örby;uppstart;1;3;\n".encode()
            + "Åby;uppstart;1;3;\n".encode("cp1252") + b"Ekeby;uppstart;1;2;\n")


def nul_after_4k() -> tuple[bytes, int]:
    lines = [CSV_HEAD.encode()] + [f"Örby {i};uppstart;1;3;ok\n".encode() for i in range(300)]
    assert sum(map(len, lines[:250])) > 4096
    lines[250] = "Örby x;uppstart;1;3;ok\x00\n".encode()
    return b"".join(lines), 251


class Refusal:
    """A broken input: its file name, its bytes, the row it must name and words it must say."""

    def __init__(self, name, build, row=None, words=(), slow=False):
        self.name, self.build, self.row, self.words, self.slow = name, build, row, words, slow


def _deep_kit_json():
    return raw_json('[{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": 3, '
                    '"comment": ' + "[" * 100_000 + "]" * 100_000 + "}]")


REFUSALS = {
    # damaged XLSX
    "xlsx member deflate broken": Refusal("svar.xlsx", lambda: damage(good_xlsx(), SHEET, "head")),
    "xlsx member bytes flipped": Refusal("svar.xlsx", lambda: damage(good_xlsx(), SHEET, "middle")),
    "xlsx member tail flipped": Refusal("svar.xlsx", lambda: damage(good_xlsx(), SHEET, "tail")),
    "xlsx shared strings damaged": Refusal(
        "svar.xlsx", lambda: damage(excel_like_xlsx(), "xl/sharedStrings.xml", "head")),
    "xlsx workbook.xml damaged": Refusal("svar.xlsx",
                                         lambda: damage(good_xlsx(), "xl/workbook.xml", "head")),
    "xlsx content types damaged": Refusal(
        "svar.xlsx", lambda: damage(good_xlsx(), "[Content_Types].xml", "head")),
    "xlsx wrong crc": Refusal("svar.xlsx",
                              lambda: patch_central(good_xlsx(), SHEET, 16, "<I", 0x12345678)),
    "xlsx unsupported compression": Refusal(
        "svar.xlsx", lambda: patch_central(good_xlsx(), SHEET, 10, "<H", 99)),
    "xlsx member marked encrypted": Refusal("svar.xlsx",
                                            lambda: patch_central(good_xlsx(), SHEET, 0, "flag", 1)),
    "xlsx size understated": Refusal("svar.xlsx",
                                     lambda: patch_central(good_xlsx(), SHEET, 24, "<I", 40)),
    "xlsx claims 1 GB unpacked": Refusal(
        "svar.xlsx", lambda: patch_central(good_xlsx(), SHEET, 24, "<I", 1_000_000_000)),
    "xlsx truncated": Refusal("svar.xlsx", lambda: good_xlsx()[:-40]),
    "xlsx is an OLE file (password protected)": Refusal(
        "svar.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000),
    "xlsx zip of something else": Refusal("svar.xlsx", lambda: rezip(good_xlsx(), {
        "xl/workbook.xml": None, "xl/_rels/workbook.xml.rels": None})),
    "xlsx sheet xml unclosed": Refusal("svar.xlsx",
                                       lambda: xlsx_with_sheet(b"<worksheet><sheetData><row>")),
    "xlsx sheet xml unclosed after rows": Refusal(
        "svar.xlsx", lambda: xlsx_with_sheet(NS + b"<sheetData>" + HEADER_ROW + b'<row r="2"><c r="A2"')),
    "xlsx sheet xml empty": Refusal("svar.xlsx", lambda: xlsx_with_sheet(b"")),
    "xlsx sheet not xml": Refusal("svar.xlsx", lambda: xlsx_with_sheet(b"\x00\xff\xfe garbage")),
    "xlsx sheet billion laughs": Refusal("svar.xlsx", lambda: xlsx_with_sheet(
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaa">'
        + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                   for i in range(9))
        + NS + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row>'
        b"</sheetData></worksheet>")),
    "xlsx shared strings missing": Refusal("svar.xlsx", lambda: rezip(
        excel_like_xlsx(), {"xl/sharedStrings.xml": None})),
    "xlsx shared string index out of range": Refusal("svar.xlsx", lambda: xlsx_with_sheet(
        sheet_with('<c r="C2" t="s"><v>99999</v></c><c r="D2" t="n"><v>3</v></c>'))),
    "xlsx shared string index not a number": Refusal("svar.xlsx", lambda: xlsx_with_sheet(
        sheet_with('<c r="C2" t="s"><v>abc</v></c><c r="D2" t="n"><v>3</v></c>'))),
    "xlsx 400-digit score": Refusal("svar.xlsx", lambda: xlsx_with_sheet(sheet_with(
        '<c r="C2" t="n"><v>1</v></c><c r="D2" t="n"><v>' + "9" * 400 + "</v></c>"))),
    "xlsx 5000-digit score": Refusal("svar.xlsx", lambda: xlsx_with_sheet(sheet_with(
        '<c r="C2" t="n"><v>1</v></c><c r="D2" t="n"><v>' + "9" * 5000 + "</v></c>"))),
    "xlsx moment 1e400": Refusal("svar.xlsx", lambda: xlsx_with_sheet(sheet_with(
        '<c r="C2" t="n"><v>1e400</v></c><c r="D2" t="n"><v>3</v></c>'))),
    "xlsx score is an error cell": Refusal("svar.xlsx", lambda: xlsx_with_sheet(sheet_with(
        '<c r="C2" t="n"><v>1</v></c><c r="D2" t="e"><v>#DIV/0!</v></c>')), row=2),
    "xlsx score is a bad date": Refusal("svar.xlsx", lambda: xlsx_with_sheet(sheet_with(
        '<c r="C2" t="n"><v>1</v></c><c r="D2" t="d"><v>not-a-date</v></c>'))),
    "xlsx score is a boolean": Refusal("svar.xlsx", lambda: xlsx_with_sheet(sheet_with(
        '<c r="C2" t="n"><v>1</v></c><c r="D2" t="b"><v>1</v></c>')), row=2),
    "xlsx bad row number": Refusal("svar.xlsx", lambda: xlsx_with_sheet(
        NS + b"<sheetData>" + HEADER_ROW + b'<row r="x"><c r="A2" t="n"><v>1</v></c></row>'
        b"</sheetData></worksheet>")),
    "xlsx bad cell reference": Refusal("svar.xlsx", lambda: xlsx_with_sheet(
        NS + b"<sheetData>" + HEADER_ROW + b'<row r="2"><c r="ZZZZZZZ2" t="n"><v>1</v></c></row>'
        b"</sheetData></worksheet>")),
    "xlsx 130 000 rows": Refusal("svar.xlsx", lambda: row_bomb(130_000), words=("50",)),
    # CSV
    "csv utf-8 then windows-1252": Refusal("svar.csv", mixed_csv, row=3),
    "csv windows-1252 byte undefined": Refusal(
        "svar.csv", lambda: CSV_HEAD.encode("cp1252") + b"A;uppstart;1;3;ok\nB;uppstart;1;3;\x81\n", row=3),
    "csv nul after 4 kB": Refusal("svar.csv", lambda: nul_after_4k()[0], row=nul_after_4k()[1]),
    "csv nul in first row": Refusal("svar.csv", lambda: b"organisation\x00;x\n"),
    "csv utf-16": Refusal("svar.csv", lambda: CSV_HEAD.encode("utf-16")),
    "csv unclosed quote": Refusal("svar.csv",
                                  lambda: (CSV_HEAD + 'A;uppstart;1;3;ok\nB;uppstart;1;3;"open\n').encode(),
                                  row=3),
    "csv field over the csv module's limit": Refusal(
        "svar.csv", lambda: (CSV_HEAD + "A;uppstart;1;3;" + "x" * 200_000 + "\n").encode()),
    "csv 10 kB organisation": Refusal("svar.csv", lambda: (CSV_HEAD + "Ö" * 10_000 + ";uppstart;1;3;\n").encode(),
                                      row=2),
    "csv moment 1e400": Refusal("svar.csv", lambda: (CSV_HEAD + "A;uppstart;1e400;3;\n").encode(), row=2),
    "csv score 5000 digits": Refusal("svar.csv", lambda: (CSV_HEAD + "A;uppstart;1;" + "9" * 5000 + ";\n").encode(),
                                     row=2),
    "csv score NaN": Refusal("svar.csv", lambda: (CSV_HEAD + "A;uppstart;1;NaN;\n").encode(), row=2),
    "csv score -inf": Refusal("svar.csv", lambda: (CSV_HEAD + "A;uppstart;1;-inf;\n").encode(), row=2),
    "csv 60 000 rows": Refusal("svar.csv", lambda: CSV_HEAD.encode() + b"A;uppstart;1;3;\n" * 60_000,
                               words=("50",)),
    # the kit's JSON
    "json 100 000 deep list": Refusal("svar.json", lambda: b"[" * 100_000 + b"]" * 100_000),
    "json 100 000 deep object": Refusal("svar.json", lambda: b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    "json 100 000 deep inside an answer": Refusal("svar.json", _deep_kit_json),
    "json 30 deep inside an answer": Refusal(
        "svar.json", lambda: kit_doc([answer(comment=json.loads("[" * 30 + "]" * 30))])),
    "json 400-digit score": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": ' + "9" * 400 + "}]"),
        row=1),
    "json 5000-digit score": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": ' + "9" * 5000 + "}]"),
        row=1),
    "json 5000-digit negative moment": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": -' + "9" * 5000 + ', "score": 3}]'),
        row=1),
    "json 5000-digit format version": Refusal("svar.json", lambda: (
        '{"format": "jamkit", "format_version": ' + "1" * 5000 + ', "answers": []}').encode()),
    "json NaN score": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": NaN}]')),
    "json Infinity score": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": Infinity}]')),
    "json -Infinity moment": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": -Infinity, "score": 3}]')),
    "json score 1e400": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": 1e400}]'), row=1),
    "json moment '1e400'": Refusal("svar.json", lambda: kit_doc([answer(moment="1e400")]), row=1),
    "json moment 1e400": Refusal("svar.json", lambda: raw_json(
        '[{"organisation": "Örby", "occasion": "uppstart", "moment": 1e400, "score": 3}]'), row=1),
    "json no answers": Refusal("svar.json", lambda: kit_doc([])),
    "json answers missing": Refusal("svar.json", lambda: json.dumps(
        {"format": "jamkit", "format_version": 1}).encode()),
    "json answers an object": Refusal("svar.json", lambda: kit_doc({"1": answer()})),
    "json answer a number": Refusal("svar.json", lambda: kit_doc([1]), row=1),
    "json answer null": Refusal("svar.json", lambda: kit_doc([None]), row=1),
    "json answer a list": Refusal("svar.json", lambda: kit_doc([[answer()]]), row=1),
    "json second answer a string": Refusal("svar.json", lambda: kit_doc([answer(), "x"]), row=2),
    "json 10 kB organisation": Refusal("svar.json", lambda: kit_doc([answer(organisation="Ö" * 10_000)]),
                                       row=1),
    "json score a list": Refusal("svar.json", lambda: kit_doc([answer(score=[3])]), row=1),
    "json score an object": Refusal("svar.json", lambda: kit_doc([answer(score={"v": 3})]), row=1),
    "json score true": Refusal("svar.json", lambda: kit_doc([answer(score=True)]), row=1),
    "json role a number": Refusal("svar.json", lambda: kit_doc([answer(role=5)]), row=1),
    "json not the kit's": Refusal("svar.json", lambda: b'[{"answers": []}]'),
    "json utf-16": Refusal("svar.json", lambda: kit_doc([answer()]).decode().encode("utf-16")),
    "json 60 000 answers": Refusal("svar.json", lambda: kit_doc([answer(moment=(i % 10) + 1)
                                                                 for i in range(60_000)]),
                                   words=("50",)),
}


def refusal(case: Refusal, data: bytes | None = None):
    data = case.build() if data is None else data
    started = time.monotonic()
    with pytest.raises(kit.InputError) as info:
        if case.name.endswith(".json"):
            read_kit_json(name=case.name, data=data)
        else:
            kit.read_scores(name=case.name, data=data)
    return info.value, time.monotonic() - started


def check_message(exc: kit.InputError, case: Refusal):
    sv, en = str(exc), exc.text("en")
    assert sv == exc.text("sv") and sv != en, (sv, en)
    for text in (sv, en):
        assert case.name in text, text
        assert not DEV_TERMS.search(text), f"developer term in {text!r}"
        assert "\n" not in text and len(text) < 700, text
        assert "Ã" not in text
    if case.row is not None:
        if not case.name.endswith(".json"):  # see test_kit_json_errors_point_at_the_answer
            assert exc.row == case.row, (exc.row, sv)
        assert f"rad {case.row}" in sv or f"svar nr {case.row}" in sv, sv
        assert f"row {case.row}" in en or f"answer no. {case.row}" in en, en
    for word in case.words:
        assert word in sv and word in en, (word, sv, en)


# ------------------------------------------------------------------ 2. formula injection
def test_group_workbook_keeps_formula_like_names_occasions_and_comments_inert():
    frame = hostile_formula_frame()
    for lang in ("sv", "en"):
        data = workbook_bytes(frame, lang)
        book = inert_xlsx(data, must_show=FORMULA_TEXTS)
        summary = book.worksheets[1]
        header = [c.value for c in summary[1]]
        assert {FORMULA_TEXTS[0], "+1", "@SUM(A1)"} <= set(header), header


def test_workshop_workbook_is_inert_in_every_sheet_headers_and_totals_included():
    frame = hostile_formula_frame()
    for lang, anonymous in (("sv", False), ("en", False), ("sv", True)):
        data = workshop_workbook(frame, lang, anonymous=anonymous, salt="Kurs")
        book = inert_xlsx(data, must_show=[FORMULA_TEXTS[0], "+1", "@SUM(A1)"]
                          + ([] if anonymous else FORMULA_TEXTS))
        totals = book.worksheets[3]
        header = [c.value for c in totals[1]]
        assert {FORMULA_TEXTS[0], "+1", "@SUM(A1)"} <= set(header)
        notes = [row[-1] for row in rows_of(totals)[1:]]
        assert any(n and "10" in n for n in notes), notes  # incomplete ones are explained
        if not anonymous:
            assert {row[0] for row in rows_of(totals)[1:]} == set(FORMULA_TEXTS)


def test_writers_never_emit_a_formula_even_for_labels_that_skipped_validation():
    """Tab and carriage return starts reach a writer only from stored data: still inert."""
    rows = []
    for org in ("\tOrg", "\rOrg", "=1+2", "-3"):
        for occ in ("\tx", "\rx", "uppstart"):
            rows += [{"organisation": org, "occasion": occ, "moment": m, "score": 2,
                      "comment": "\t=1", "actions": "\r=2"} for m in sc.MOMENTS]
    frame = raw_frame(rows)
    for data in (workbook_bytes(frame), workshop_workbook(frame), workshop_workbook(frame, "en")):
        inert_xlsx(data, must_show=["\tx", "=1+2", "-3", "\tOrg", "\t=1"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_write_table_xlsx_csv_md_keep_formula_like_headers_inert(tmp_path, lang):
    rows = []
    for occ in RAW_FORMULA_TEXTS:
        rows += [{"organisation": org, "occasion": occ, "moment": m, "score": s}
                 for org, s in (("A", 2), ("B", 3)) for m in sc.MOMENTS]
    table = kit.summary_table(raw_frame(rows))
    xlsx = write_table(table, tmp_path / "t.xlsx", lang)
    inert_xlsx(xlsx.read_bytes(), must_show=[t for t in RAW_FORMULA_TEXTS if not t.startswith("\r")])
    text = write_table(table, tmp_path / "t.csv", lang).read_bytes().decode("utf-8-sig")
    rows = inert_csv(text, ";" if lang == "sv" else ",", must_show=RAW_FORMULA_TEXTS)
    assert rows[0][0] == "Moment"
    assert rows[-1][0] == ("Totalt" if lang == "sv" else "Total")
    md = write_table(table, tmp_path / "t.md", lang).read_text(encoding="utf-8")
    lines = md.splitlines()
    assert len(lines) == 2 + 11, lines  # header, rule, ten moments and the total
    cols = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
    assert len(cols) == 1, lines
    assert "\t" not in md and "\r" not in md


def test_csv_header_escapes_a_pipe_and_keeps_formula_labels_apart(tmp_path):
    rows = [{"organisation": "A", "occasion": occ, "moment": m, "score": 2}
            for occ in ("a|b", "=1|2") for m in sc.MOMENTS]
    table = kit.summary_table(raw_frame(rows))
    text = write_table(table, tmp_path / "t.csv").read_bytes().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[1:3] == ["a|b", "'=1|2"], header


def _cli_input(tmp_path):
    path = tmp_path / "svar.csv"
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=";")
    w.writerow(["organisation", "tillfälle", "moment", "poäng"])
    for occ in ["uppstart"] + FORMULA_TEXTS:
        for org, s in (("=ORG()", 2), ("+Kalmar", 3)):
            for m in sc.MOMENTS:
                w.writerow([org, occ, m, s])
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".md"])
def test_cli_table_out_keeps_formula_like_occasions_inert(tmp_path, capsys, suffix):
    out = tmp_path / f"tabell{suffix}"
    assert cli.main(["table", str(_cli_input(tmp_path)), "--out", str(out)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    if suffix == ".xlsx":
        inert_xlsx(out.read_bytes(), must_show=FORMULA_TEXTS + ["Uppstart"])
    elif suffix == ".csv":
        inert_csv(out.read_bytes().decode("utf-8-sig"), ";", must_show=FORMULA_TEXTS)
    else:
        md = out.read_text(encoding="utf-8")
        assert all(t.replace("|", "\\|") in md for t in FORMULA_TEXTS), md


@pytest.mark.parametrize("writer", ["group", "workshop", "workshop-en"])
def test_kit_xlsx_reads_back_with_the_same_texts(writer):
    frame = hostile_formula_frame()
    data = {"group": lambda: workbook_bytes(frame),
            "workshop": lambda: workshop_workbook(frame),
            "workshop-en": lambda: workshop_workbook(frame, "en")}[writer]()
    back = kit.read_scores(name="export.xlsx", data=data)
    key = ["organisation", "occasion", "moment", "role", "score", "comment", "actions"]

    def rows(df):
        return sorted(tuple("" if v is None else str(v) for v in r)
                      for r in df[key].astype(object).itertuples(index=False))

    assert rows(back) == rows(frame)


# ------------------------------------------------------------------ 3. text that crashes drawing
MATH_TEXTS = [r"Kommun $\foo{$ AB", "$x^2$", r"$\frac{1}{0}$", "$", r"\$", r"a\$b$c$",
              "100 $ och 200 $", r"\\$\alpha$ {name} {0}"]


def _figures(text):
    rows = []
    for occ in ("uppstart", text):
        for m in sc.MOMENTS:
            if not (occ == text and m == 10):
                rows.append(sc.validate_answer(text, occ, m, m % 4 + 1))
            rows.append(sc.validate_answer("Ekeby", occ, m, 3))
    df = sc.to_frame(rows)
    table = kit.summary_table(df)
    return {
        "radar": (plots.radar(table, title=text), True),
        "totals": (plots.totals(table, title=text), False),
        "compare": (plots.compare(table, occasion="uppstart", group_label=text, title=text), True),
        "compare own occasion": (plots.compare(table, occasion=text, group_label=text), True),
        "moment_bars": (plots.moment_bars(table, title=text), True),
        "distribution": (plots.distribution(sc.organisation_scores(df), text), False),
        "organisation_lines": (plots.organisation_lines(
            sc.organisation_totals(df, partial=True), title=text, incomplete={text}), True),
    }


def _shown(t: Text):
    return t._preprocess_math(t.get_text())


@pytest.mark.parametrize("text", MATH_TEXTS)
def test_every_plot_draws_mathtext_literally(text):
    assert sc.validate_answer(text, text, 1, 1).organisation == text  # the form accepts it
    for name, (fig, has_legend) in _figures(text).items():
        png = plots.png_bytes(fig, dpi=110 if text == MATH_TEXTS[0] else 40)
        assert png.startswith(b"\x89PNG"), name
        shown = [_shown(t) for t in fig.findobj(Text) if t.get_text()]
        assert not [s for s, math_mode in shown if math_mode], (name, shown)
        assert any(text in s for s, _ in shown), (name, text, shown)
        title = fig.axes[0].title
        assert _shown(title) == (text, False), (name, title.get_text())
        if has_legend:
            legend = fig.legends[0] if fig.legends else fig.axes[0].get_legend()
            assert any(text in _shown(t)[0] for t in legend.get_texts()), (name, text)
        if name == "organisation_lines":
            legend = fig.axes[0].get_legend()
            marked = [_shown(t)[0] for t in legend.get_texts() if text in _shown(t)[0]]
            assert marked and "ofullständig" in marked[0]


def test_plain_and_legend_label_match_what_matplotlib_shows():
    for text in MATH_TEXTS:
        t = Text(text=plots.plain(text))
        assert _shown(t) == (text, False)
        assert _shown(Text(text=plots.legend_label(text))) == (text, False)


def test_long_and_control_character_names_draw_without_them():
    long_name = "Ö" * 10_000
    rows = [{"organisation": org, "occasion": occ, "moment": m, "score": 2}
            for org in ("A\x00B\x01C\x0bD\x1bE", long_name, "$x$\x1b") for occ in ("uppstart", "Höst\x00")
            for m in sc.MOMENTS]
    df = raw_frame(rows)
    table = kit.summary_table(df)
    figs = [plots.organisation_lines(sc.organisation_totals(df), title="T\x00\x1b"),
            plots.compare(table, group_label=long_name + "$"), plots.radar(table),
            plots.totals(table), plots.moment_bars(table)]
    for fig in figs:
        started = time.monotonic()
        assert plots.png_bytes(fig, dpi=40).startswith(b"\x89PNG")
        assert time.monotonic() - started < 10
        for t in fig.findobj(Text):
            s, math_mode = _shown(t)
            assert not math_mode and not any(c in s for c in CONTROL_CHARS), repr(s)
            assert len(s) < 200, len(s)
    legend = [_shown(t)[0] for t in figs[0].axes[0].get_legend().get_texts()]
    assert "ABC DE" in legend or "ABCDE" in legend, legend


def _control_frame():
    rows = []
    for org in ("Ör\x00by\x01 \x0bkommun\x1b", "Ek\x0ceby\x7f"):
        for occ in ("uppstart", "Höst\x1bmöte"):
            for m in sc.MOMENTS:
                rows.append({"organisation": org, "occasion": occ, "moment": m, "score": 3,
                             "role": "chef" if m % 2 else None,
                             "comment": "rad 1\x00\x01\x0b\x1b\x0c\x7f slut \ud83d",
                             "actions": "åtgärd\x1b[31m röd"})
    return raw_frame(rows)


def _no_control(text: str, where: str):
    found = [repr(c) for c in CONTROL_CHARS if c in text]
    assert not found, (where, found)
    assert not CHAR_REF.search(text), (where, CHAR_REF.search(text).group())
    text.encode("utf-8")  # no lone surrogate either


@pytest.mark.parametrize("export", ["group", "workshop", "workshop-anonymous"])
def test_control_characters_never_reach_an_xlsx(export):
    frame = _control_frame()
    data = {"group": lambda: workbook_bytes(frame), "workshop": lambda: workshop_workbook(frame),
            "workshop-anonymous": lambda: workshop_workbook(frame, anonymous=True)}[export]()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            _no_control(z.read(name).decode("utf-8"), name)
    cells = sheet_cells(load_workbook(io.BytesIO(data)))
    assert "Höstmöte" in cells and any(c.startswith("rad 1") and "slut" in c for c in cells)
    if export != "workshop-anonymous":
        assert "Örby kommun" in cells or "Örbykommun" in cells


def test_control_characters_never_reach_the_kit_json_and_it_reads_back():
    data = kit_json(_control_frame(), workshop="Kurs\x00\x1b", organisation="Ör\x0bby\x01")
    text = data.decode("utf-8")
    _no_control(text, "json")
    assert not re.search(r"\\u00(00|01|0b|1b|0c|7f)", text, re.IGNORECASE), "escaped control"
    assert "\\ud83d" not in text.lower()

    def walk(node):
        if isinstance(node, str):
            _no_control(node, "json value")
        elif isinstance(node, dict):
            [walk(v) for v in node.values()]
        elif isinstance(node, list):
            [walk(v) for v in node]

    walk(json.loads(data))
    back = read_kit_json(name="a.json", data=data)
    assert back["workshop"] == "Kurs" and set(back["answers"]["occasion"]) == {"uppstart", "Höstmöte"}


@pytest.mark.parametrize("anonymous", [False, True])
def test_control_characters_never_reach_the_html_report(anonymous):
    html = report_html(_control_frame(), name="Kurs\x00\x1b\x0b", anonymous=anonymous)
    _no_control(html, "report")
    assert "Höstmöte" in html and "slut" in html


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.stack, self.cells = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th", "h1", "h2", "caption", "p", "figcaption", "title"):
            self.stack.append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            self.cells.append(tuple(self.stack.pop()))

    def handle_data(self, data):
        self.text.append(data)
        if self.stack:
            self.stack[-1][2] += data


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p", "table",
                "caption", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "figure",
                "figcaption", "img"}
HTML_HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
                "<img src=x onerror=alert(2)>", "</td></tr></table><script>x()</script>",
                "<!-- x", "&lt;script&gt;", "<svg onload=alert(3)>"]


def _parse(html):
    p = Collector()
    p.feed(html)
    p.close()
    return p


@pytest.mark.parametrize("lang,anonymous", [("sv", False), ("en", False), ("sv", True)])
def test_report_escapes_markup_in_names_occasions_comments_title_and_figures(lang, anonymous):
    rows = []
    for g, org in enumerate(HTML_HOSTILE):
        for occ in ("uppstart", HTML_HOSTILE[(g + 1) % len(HTML_HOSTILE)]):
            rows += complete(org, occ, g % 4 + 1, None, org, HTML_HOSTILE[-1 - g])
    frame = sc.to_frame(rows)
    png = plots.png_bytes(Figure(figsize=(1, 1)), dpi=20)
    figures = [(HTML_HOSTILE[0], HTML_HOSTILE[1], png)]
    html = report_html(frame, name=HTML_HOSTILE[3], lang=lang, anonymous=anonymous, figures=figures)
    parser = _parse(html)
    tags = {t for t, _ in parser.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,") and attrs["alt"] == HTML_HOSTILE[1]
    assert sum(t == "img" for t, _ in parser.tags) == 1
    assert not re.search(r"<(script|svg|img src=x)", html, re.IGNORECASE)
    text = "".join(parser.text)
    for hostile in HTML_HOSTILE:
        assert hostile in text, hostile  # shown as typed (as occasion, comment or action)
    assert HTML_HOSTILE[3] in next(c[2] for c in parser.cells if c[0] == "h1")


# ------------------------------------------------------------------ 9. and 10. readers
@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_reader_refuses_with_one_plain_input_error(case):
    exc, seconds = refusal(REFUSALS[case])
    assert seconds < 5, f"{case}: {seconds:.1f} s"
    check_message(exc, REFUSALS[case])


@pytest.mark.parametrize("case", [c for c in REFUSALS if c.startswith("json")])
def test_read_scores_refuses_the_kit_json_the_same_way(case):
    c = REFUSALS[case]
    with pytest.raises(kit.InputError) as info:
        kit.read_scores(name=c.name, data=c.build())
    check_message(info.value, c)


def test_mixed_encodings_are_refused_naming_the_row_in_either_order():
    cp_first = (CSV_HEAD.encode() + "Åby;uppstart;1;3;\n".encode("cp1252")
                + "Örby;uppstart;1;3;\n".encode())
    with pytest.raises(kit.InputError) as info:
        kit.read_scores(name="svar.csv", data=cp_first)
    assert "rad 2" in str(info.value) and "row 2" in info.value.text("en")
    late = CSV_HEAD.encode() + "Örby;uppstart;1;3;\n".encode() * 5000 + "Åby;x;1;3;\n".encode("cp1252")
    with pytest.raises(kit.InputError) as info:
        kit.read_scores(name="svar.csv", data=late)
    assert info.value.row == 5002 and "rad 5002" in str(info.value)
    # one encoding throughout is read right, never as mojibake
    for data in ((CSV_HEAD + "Örby;uppstart;1;3;\n").encode("cp1252"),
                 (CSV_HEAD + "Örby;uppstart;1;3;\n").encode("utf-8")):
        assert list(kit.read_scores(name="svar.csv", data=data)["organisation"]) == ["Örby"]


def test_excel_like_workbook_with_shared_strings_is_read():
    """The workbook the shared-strings cases break is itself sound."""
    df = kit.read_scores(name="svar.xlsx", data=excel_like_xlsx())
    assert (df.loc[0, "organisation"], df.loc[0, "occasion"], int(df.loc[0, "score"])) == (
        "Örby", "uppstart", 3)


def test_kit_json_errors_point_at_the_answer_they_name():
    """``InputError.row`` of a kit JSON is the answer's number, as the message says, for a
    non-object answer and for a bad score alike."""
    for answers, n in (([answer(), 5], 2), ([answer(), answer(score=9, moment=2)], 2),
                       ([answer(score=9)], 1)):
        with pytest.raises(kit.InputError) as info:
            read_kit_json(name="svar.json", data=kit_doc(answers))
        assert f"svar nr {n}" in str(info.value), str(info.value)
        assert info.value.row == n, (info.value.row, str(info.value))


def test_huge_numbers_are_not_quoted_back_as_inf():
    for build in (REFUSALS["json 400-digit score"].build, REFUSALS["json 5000-digit score"].build):
        with pytest.raises(kit.InputError) as info:
            read_kit_json(name="svar.json", data=build())
        assert "'inf'" not in str(info.value) and "'inf'" not in info.value.text("en"), str(info.value)


def test_a_10_kb_name_in_the_header_of_a_kit_json_is_shortened_not_kept():
    doc = read_kit_json(name="svar.json", data=kit_doc([answer()], organisation="Ö" * 10_000,
                                                       workshop="x\x00" * 5000))
    assert len(doc["organisation"]) <= 1000 and len(doc["workshop"]) <= 1000
    assert "\x00" not in doc["workshop"]


def test_an_18_and_19_digit_integer_is_still_refused_as_a_score():
    for digits in ("9" * 18, "9" * 19, "9" * 20):
        with pytest.raises(kit.InputError, match="svar nr 1"):
            read_kit_json(name="svar.json", data=raw_json(
                '[{"organisation": "Örby", "occasion": "uppstart", "moment": 1, "score": ' + digits + "}]"))


def test_xlsx_with_two_million_rows_is_refused_quickly_naming_the_limit():
    data = row_bomb(2_000_000)
    assert len(data) < 20 * 1024 * 1024
    case = Refusal("svar.xlsx", None, words=("50",))
    exc, seconds = refusal(case, data)
    check_message(exc, case)
    assert "rader" in str(exc) and "rows" in exc.text("en")
    assert seconds < 10, f"{seconds:.1f} s for a sheet the reader should stop reading at 50 000 rows"


def test_xlsx_with_a_million_empty_rows_is_refused_quickly():
    case = Refusal("svar.xlsx", None, words=("50",))
    exc, seconds = refusal(case, row_bomb(1_000_000, empty=True))
    check_message(exc, case)
    assert seconds < 10, f"{seconds:.1f} s"


def test_xlsx_whose_dimension_claims_millions_of_rows_is_read_when_it_holds_few():
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?>' + NS + b'<dimension ref="A1:XFD1048576"/>'
             + sheet_with('<c r="C2" t="n"><v>4</v></c><c r="D2" t="n"><v>2</v></c>')[len(
                 b'<?xml version="1.0" encoding="UTF-8"?>' + NS):])
    started = time.monotonic()
    df = kit.read_scores(name="svar.xlsx", data=xlsx_with_sheet(sheet))
    assert time.monotonic() - started < 5
    assert (df.loc[0, "organisation"], int(df.loc[0, "moment"]), int(df.loc[0, "score"])) == ("Örby", 4, 2)


def test_broken_xlsx_message_is_plain_swedish_and_english():
    data = REFUSALS["xlsx member deflate broken"].build()
    start, end = member_span(data, SHEET)
    with pytest.raises(zlib.error):  # the file is what it claims: its sheet breaks zlib
        zlib.decompressobj(-15).decompress(data[start:end])
    exc, _ = refusal(REFUSALS["xlsx member deflate broken"], data)
    sv, en = str(exc), exc.text("en")
    assert "Excel" in sv and "skadad" in sv, sv
    assert "Excel" in en and "damaged" in en, en
    for other in ("xlsx sheet xml unclosed", "xlsx shared strings missing", "xlsx wrong crc"):
        e, _ = refusal(REFUSALS[other])
        assert not DEV_TERMS.search(str(e)) and not DEV_TERMS.search(e.text("en"))


# ------------------------------------------------------------------ exports
def _labelled_frame():
    rows = (complete("Örby", "uppstart", 3, None, "note-1")
            + complete("Örby", "lärandeträff 1", 2, "annan")
            + complete("Örby", "uppstart", 2, "chef")
            + complete("Åby", "uppstart", 1, "politiker", moments=sc.MOMENTS[:-2])
            + complete("Åby", "lärandeträff 1", 4, "strateg"))
    return sc.to_frame(rows)


LABELS = {"sv": {"consensus": "Gruppen (konsensus)", "annan": "Annan roll", "chef": "Chef",
                 "uppstart": "Uppstart", "lt1": "Lärandeträff 1"},
          "en": {"consensus": "The group (consensus)", "annan": "Other role", "chef": "Manager",
                 "uppstart": "Start-up", "lt1": "Learning meeting 1"}}


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("export", ["group", "workshop"])
def test_xlsx_shows_role_and_occasion_labels_not_codes(lang, export):
    data = (workbook_bytes if export == "group" else workshop_workbook)(_labelled_frame(), lang)
    book = load_workbook(io.BytesIO(data))
    rows = rows_of(book.worksheets[0])
    roles = {r[4] for r in rows[1:]}
    occasions = {r[1] for r in rows[1:]}
    want = LABELS[lang]
    assert None not in roles and "" not in roles, roles
    assert {want["consensus"], want["annan"], want["chef"]} <= roles, roles
    assert occasions == {want["uppstart"], want["lt1"]}, occasions
    assert not {"uppstart", "lärandeträff 1", "annan", "konsensus"} & (roles | occasions)
    summary_head = [c.value for c in book.worksheets[1][1]]
    assert want["uppstart"] in summary_head and want["lt1"] in summary_head, summary_head


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_workshop_totals_sheet_explains_an_incomplete_group(lang):
    book = load_workbook(io.BytesIO(workshop_workbook(_labelled_frame(), lang)))
    totals = rows_of(book.worksheets[3])
    head, body = totals[0], {r[0]: r for r in totals[1:]}
    first = head.index(LABELS[lang]["uppstart"])
    assert body["Åby"][first] is None
    note = body["Åby"][-1]
    assert note and LABELS[lang]["uppstart"] in note and "9" in note and "10" in note, note
    assert head[-1] == ("Saknas" if lang == "sv" else "Missing")
    assert body["Örby"][first] == 30 and not body["Örby"][-1]
    assert body["Åby"][head.index(LABELS[lang]["lt1"])] == 40


def test_totals_explain_an_occasion_with_comments_but_no_scores():
    """A group that wrote comments at an occasion but scored nothing is incomplete there too:
    its empty total must carry a note, not stand blank."""
    rows = complete("Örby", "uppstart", 3) + complete("Örby", "lärandeträff 1", 3)
    rows += complete("Åby", "uppstart", 2)
    rows += [sc.validate_answer("Åby", "lärandeträff 1", m, None, None, "vi återkommer")
             for m in sc.MOMENTS]
    frame = sc.to_frame(rows)
    book = load_workbook(io.BytesIO(workshop_workbook(frame)))
    totals = rows_of(book.worksheets[3])
    head, body = totals[0], {r[0]: r for r in totals[1:]}
    assert body["Åby"][head.index("Lärandeträff 1")] is None
    assert body["Åby"][-1] and "Lärandeträff 1" in body["Åby"][-1], body["Åby"]
    html = report_html(frame, name="Kurs")
    row = [c for c in _parse(html).cells if c[0] == "td" and "Lärandeträff 1" in c[2]]
    assert row, "the report's totals table does not explain Åby's missing total either"


def _anonymous_frame():
    names = ["Örby kommun", "Åsa & Co region", "Ekeby <kommun>", "Kalmar läns landsting"]
    rows = []
    for i, name in enumerate(names):
        scores = [(i + m) % 4 + 1 for m in sc.MOMENTS]
        for m, s in zip(sc.MOMENTS, scores):
            rows.append(sc.validate_answer(name, "uppstart", m, s, None,
                                           f"kod-{i}" if m == 1 else "", f"plan-{i}" if m == 2 else ""))
    frame = sc.to_frame(rows)
    totals = {f"kod-{i}": sum((i + m) % 4 + 1 for m in sc.MOMENTS) for i in range(len(names))}
    return frame, names, totals


def test_anonymous_report_uses_one_letter_per_organisation_everywhere(monkeypatch):
    frame, names, code_total = _anonymous_frame()
    drawn = {}
    real = plots.organisation_lines

    def spy(totals, *a, **kw):
        drawn.update({str(k): float(v) for k, v in totals.iloc[:, 0].items()})
        return real(totals, *a, **kw)

    monkeypatch.setattr(plots, "organisation_lines", spy)
    html = report_html(frame, name="Kurs", anonymous=True, salt="Kurs")
    for name in names:
        for form in (name, name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
                     name.split()[0]):
            assert form not in html, form
    parser = _parse(html)
    cells = parser.cells
    # totals table: <th scope="row">letter</th><td>total</td>...
    totals_letter = {}
    for i, (tag, attrs, text) in enumerate(cells):
        if tag == "th" and attrs.get("scope") == "row" and re.fullmatch(r"[A-Z]", text.strip()):
            nxt = cells[i + 1]
            if nxt[0] == "td":
                totals_letter.setdefault(text.strip(), nxt[2].strip())
    comment_letter = {}
    tds = [c for c in cells if c[0] == "td"]
    for i, (_, _, text) in enumerate(tds):
        if text.startswith("kod-"):
            comment_letter[text] = tds[i - 4][2].strip()
    assert set(comment_letter) == set(code_total), comment_letter
    for code, total in code_total.items():
        letter = comment_letter[code]
        assert totals_letter.get(letter) == f"{total},0", (code, letter, totals_letter)
        assert drawn.get(letter) == total, (code, letter, drawn)
    assert set(drawn) == set(comment_letter.values())


def test_anonymous_workbook_and_report_agree_on_the_letters():
    frame, names, code_total = _anonymous_frame()
    book = load_workbook(io.BytesIO(workshop_workbook(frame, anonymous=True, salt="Kurs")))
    cells = " ".join(sheet_cells(book))
    assert not any(n in cells or n.split()[0] in cells for n in names)
    answers = rows_of(book.worksheets[0])
    xlsx_letter = {r[5]: r[0] for r in answers[1:] if r[5]}
    totals = {r[0]: r[1] for r in rows_of(book.worksheets[3])[1:]}
    for code, total in code_total.items():
        assert totals[xlsx_letter[code]] == total, (code, xlsx_letter, totals)
    html = report_html(frame, name="Kurs", anonymous=True, salt="Kurs")
    tds = [c for c in _parse(html).cells if c[0] == "td"]
    html_letter = {t[2]: tds[i - 4][2].strip() for i, t in enumerate(tds) if t[2].startswith("kod-")}
    assert html_letter == xlsx_letter


def _css(html: str) -> list[tuple[list[str], dict]]:
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    style = re.sub(r"/\*.*?\*/", "", style, flags=re.DOTALL)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style):
        decls = {k.strip(): v.strip() for k, _, v in
                 (d.partition(":") for d in body.split(";")) if k.strip()}
        rules.append(([s.strip() for s in selectors.split(",")], decls))
    return rules


def _covered(rules, prop: str, values) -> list[str]:
    return [s for sel, d in rules if any(v in d.get(prop, "") for v in values) for s in sel]


def test_report_css_prints_tables_whole_repeats_headers_and_wraps_long_text():
    frame, _, _ = _anonymous_frame()
    rules = _css(report_html(frame, name="Kurs"))
    avoid = _covered(rules, "break-inside", ["avoid"]) + _covered(rules, "page-break-inside", ["avoid"])
    assert any(s.split(".")[0] == "table" for s in avoid), avoid
    assert "tr" in avoid, avoid
    assert "table-header-group" in [d.get("display") for sel, d in rules if "thead" in sel]
    assert _covered(rules, "overflow-wrap", ["anywhere", "break-word"]) \
        or _covered(rules, "word-break", ["break-word", "break-all"])


def _matches(selector: str, tag: str, attrs: dict) -> bool:
    m = re.fullmatch(r"(\w+)?((?:\.[\w-]+)*)(\[(\w+)=\"?([\w-]+)\"?\])?", selector)
    if not m:
        return False
    name, classes, _, attr, value = m.groups()
    if name and name != tag:
        return False
    have = set((attrs.get("class") or "").split())
    if classes and not set(classes.strip(".").split(".")) <= have:
        return False
    return not attr or attrs.get(attr) == value


@pytest.mark.parametrize("field", ["organisation", "occasion", "comment", "actions", "name"])
def test_report_wraps_a_long_unbroken_text_wherever_it_stands(field):
    long = {"organisation": "Ö" * 120, "occasion": "Q" * 80, "comment": "C" * 3000,
            "actions": "A" * 3000, "name": "N" * 300}[field]
    org = long if field == "organisation" else "Örby"
    occ = long if field == "occasion" else "uppstart"
    rows = complete(org, occ, 2, None, long if field == "comment" else "kort",
                    long if field == "actions" else "kort")
    html = report_html(sc.to_frame(rows), name=long if field == "name" else "Kurs")
    rules = _css(html)
    wrapping = _covered(rules, "overflow-wrap", ["anywhere", "break-word"]) \
        + _covered(rules, "word-break", ["break-all", "break-word"])
    holders = [(tag, attrs) for tag, attrs, text in _parse(html).cells
               if long in text and tag != "title"]
    assert holders, field
    for tag, attrs in holders:
        assert any(_matches(s, tag, attrs) for s in wrapping), \
            f"<{tag} {attrs}> holds an unbroken {field} but no overflow-wrap rule covers it"


@pytest.mark.parametrize("lang", ["en"])
def test_english_exports_have_no_swedish_labels(lang):
    frame = _labelled_frame()
    swedish = ["Totalt", "Uppstart", "Lärandeträff", "Gruppen", "Annan roll", "saknar", "Saknas",
               "Självskattning", "Sammanställning", "Antal organisationer", "Summa per organisation",
               "Deltagarkommuner", "konsensus", "tillfälle", "poäng", "kommentar", "åtgärder",
               "ofullständig", "Rapport"]
    for data in (workbook_bytes(frame, lang), workshop_workbook(frame, lang),
                 workshop_workbook(frame, lang, anonymous=True)):
        book = load_workbook(io.BytesIO(data))
        texts = " | ".join(sheet_cells(book) + book.sheetnames)
        assert not [w for w in swedish if w in texts], [w for w in swedish if w in texts]
    html = report_html(frame, name="Kurs", lang=lang)
    text = "".join(_parse(html).text)
    assert '<html lang="en">' in html
    assert not [w for w in swedish if w in text], [w for w in swedish if w in text]
    assert "Start-up" in text and "Total" in text and "The group (consensus)" in text


def test_change_with_one_occasion_is_nan_and_shows_as_a_dash(tmp_path):
    frame = sc.to_frame(complete("A", "uppstart", 2) + complete("B", "uppstart", 3))
    table = kit.summary_table(frame)
    assert table[sc.CHANGE].isna().all()
    shown = table_for_display(table)
    assert set(shown[sc.CHANGE]) == {"–"}, shown[sc.CHANGE]
    assert shown.loc["Totalt", "Uppstart"] == "25,0"
    html = report_html(frame, name="Kurs")
    cells = _parse(html).cells
    total = next(i for i, c in enumerate(cells) if c[0] == "th" and c[2] == "Totalt")
    assert cells[total + 1][2] == "25,0" and cells[total + 2][2] == "–", cells[total:total + 3]
    assert "0,0" not in [c[2] for c in cells[:total + 3] if c[0] == "td"]
    book = load_workbook(io.BytesIO(workbook_bytes(frame)))
    change = [r[-1] for r in rows_of(book.worksheets[1])[1:]]
    assert change == [None] * 11, change
    md = write_table(table, tmp_path / "t.md").read_text(encoding="utf-8")
    assert all(line.rstrip().endswith("| – |") for line in md.splitlines()[2:]), md


def test_change_is_last_minus_first_for_two_and_three_occasions():
    two = sc.to_frame(complete("A", "uppstart", 1) + complete("A", "lärandeträff 1", 3))
    t = kit.summary_table(two)
    assert float(t.loc[1, sc.CHANGE]) == 2.0 and float(t.loc["Totalt", sc.CHANGE]) == 20.0
    assert table_for_display(t).loc["Totalt", sc.CHANGE] == "20,0"
    three = sc.to_frame(complete("A", "uppstart", 1) + complete("A", "lärandeträff 1", 4)
                        + complete("A", "lärandeträff 2", 2))
    t = kit.summary_table(three)
    assert float(t.loc[1, sc.CHANGE]) == 1.0 and float(t.loc["Totalt", sc.CHANGE]) == 10.0
    reordered = kit.summary_table(three, ["lärandeträff 2", "uppstart"])
    assert float(reordered.loc["Totalt", sc.CHANGE]) == -10.0
    negative = table_for_display(reordered, "en").loc["Total", sc.CHANGE]
    assert negative == "-10.0"
    html = report_html(two, name="Kurs", lang="en")
    assert ">20.0<" in html


# ------------------------------------------------------------------ command line
def _stderr_line(capsys) -> tuple[str, str]:
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err, captured.err
    return lines[0], captured.out


CLI_CASES = [c for c in REFUSALS if not c.startswith(("xlsx 130", "csv 60", "json 60"))] + ["xlsx 130 000 rows"]


@pytest.mark.parametrize("case", CLI_CASES)
def test_cli_table_refuses_broken_input_with_exit_2_and_one_line(tmp_path, capsys, case):
    c = REFUSALS[case]
    path = tmp_path / c.name
    path.write_bytes(c.build())
    assert cli.main(["table", str(path)]) == 2
    line, out = _stderr_line(capsys)
    assert line.startswith("Fel: ") and c.name in line, line
    assert not DEV_TERMS.search(line), line
    assert out == ""


def test_cli_speaks_english_when_asked(tmp_path, capsys):
    path = tmp_path / "svar.csv"
    path.write_bytes(mixed_csv())
    assert cli.main(["table", str(path), "--lang", "en"]) == 2
    line, _ = _stderr_line(capsys)
    assert line.startswith("Error: ") and "row 3" in line, line


@pytest.mark.parametrize("args", [
    lambda d: ["table", str(d / "finns-inte.csv")],
    lambda d: ["table", str(d / "svar\nrad.csv")],
    lambda d: ["table", str(d / "ok.csv"), "--out", str(d / "tabell.pdf")],
    lambda d: ["table", str(d / "ok.csv"), "--out", str(d / "saknas" / "tabell.xlsx")],
    lambda d: ["table", str(d / "ok.csv"), "--out", str(d)],
    lambda d: ["table", str(d)],
], ids=["missing file", "newline in name", "unknown out type", "out dir missing", "out is a dir",
        "input is a dir"])
def test_cli_other_failures_end_in_one_line(tmp_path, capsys, args):
    (tmp_path / "ok.csv").write_bytes((CSV_HEAD + "Örby;uppstart;1;3;\n").encode())
    (tmp_path / "svar\nrad.csv").write_bytes(b"\x00")
    assert cli.main(args(tmp_path)) == 2
    line, _ = _stderr_line(capsys)
    assert line.startswith("Fel: "), line


# ------------------------------------------------------------------ left-overs of the hardening
def test_a_stray_cell_far_below_the_data_is_named_by_its_row(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["organisation", "tillfälle", "roll", "moment", "poäng"])
    for moment in range(1, 11):
        sheet.append(["Örby", "uppstart", "chef", moment, 3])
    sheet.cell(row=1_048_576, column=1, value="x")
    path = tmp_path / "svar.xlsx"
    book.save(path)
    with pytest.raises(kit.InputError) as err:
        kit.read_scores(path)
    assert "rad 1048576" in str(err.value) and "fler än" not in str(err.value)
    # a complete row down there is read, under its own number
    sheet.cell(row=1_048_576, column=1, value="Ödeby")
    for column, value in enumerate(["uppstart", "chef", 1, 4], start=2):
        sheet.cell(row=1_048_576, column=column, value=value)
    book.save(path)
    scores = kit.read_scores(path)
    assert len(scores) == 11 and "Ödeby" in set(scores["organisation"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_csv_summary_numbers_carry_no_float_noise(tmp_path, lang):
    first, last = sc.DEFAULT_OCCASIONS[0], sc.DEFAULT_OCCASIONS[-1]
    answers = []
    for i, (before, after) in enumerate([(2, 2), (2, 2), (2, 3), (3, 3), (3, 3)]):
        answers += complete(f"Org {i}", first, before) + complete(f"Org {i}", last, after)
    table = sc.summary_table(raw_frame([a._asdict() if hasattr(a, "_asdict") else vars(a) for a in answers]))
    text = write_table(table, tmp_path / "t.csv", lang).read_bytes().decode("utf-8-sig")
    point = "," if lang == "sv" else "."
    numbers = re.findall(rf"-?\d+{re.escape(point)}\d+", text)
    assert numbers, text
    assert all(len(n.split(point)[1]) <= 10 for n in numbers), numbers
    assert f"0{point}2" in numbers, numbers  # 2,6 − 2,4 as people write it
