"""Writers for what users take away: XLSX, CSV (as Swedish Excel reads it), Markdown, JSON.

Text is never run by a spreadsheet, wherever it stands — headers and sheet titles included:

* in XLSX every text goes through :func:`put`, which stores it as an explicit text cell
  (never a formula) and marks one that starts like a formula with Excel's own "quote prefix",
  so that it stays text even when someone edits the cell;
* in CSV a text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an
  apostrophe in front (OWASP's advice; the kit's reader removes it again).

Control characters (a NUL, ``\x01``, a vertical tab) are removed from every export: they are
invisible, and openpyxl refuses them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError
from kit.fmt import number
from kit.io.readers import KIT_FORMAT, KIT_FORMAT_VERSION

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ANSWER_FIELDS = ("organisation", "occasion", "moment", "score", "role", "comment", "actions", "version")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(value):
    r"""A text as every export writes it: no control characters (tab, newline and carriage
    return stay), a lone surrogate shown as U+FFFD; anything else is returned as it is.

    >>> clean("a\x00b\x0bc\n"), clean(3)
    ('abc\n', 3)
    """
    if not isinstance(value, str):
        return value
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", value))


def safe_csv_text(value):
    """Neutralise a text that a spreadsheet would run as a formula (and clean it).

    >>> safe_csv_text("=HYPERLINK(\\"x\\")"), safe_csv_text("-1"), safe_csv_text(3)
    ('\\'=HYPERLINK("x")', "'-1", 3)
    """
    value = clean(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def put(sheet, row: int, column: int, value):
    r"""Write one XLSX cell: numbers as numbers, every text as inert text.

    >>> from openpyxl import Workbook
    >>> sheet = Workbook().active
    >>> cell = put(sheet, 1, 1, '=HYPERLINK("http://x","y")')
    >>> cell.data_type, cell.value, cell.quotePrefix
    ('s', '=HYPERLINK("http://x","y")', True)
    >>> put(sheet, 1, 2, 2.5).data_type, put(sheet, 1, 3, "a\x00b").value
    ('n', 'ab')
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = clean(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def write_row(sheet, values, row: int | None = None) -> int:
    """Append one row (or write row ``row``) through :func:`put`; returns its row number."""
    if row is None:
        row = sheet.max_row + 1 if sheet._cells else 1
    for column, value in enumerate(values or [None], start=1):
        put(sheet, row, column, value)
    return row


def sheet_title(text: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``.

    >>> sheet_title("Svar: 2024/25 [utkast]")
    'Svar 202425 utkast'
    """
    return re.sub(r"[\[\]:*?/\\]", "", clean(str(text))).strip()[:31] or "Blad"


def occasion_label(key: str, lang: str) -> str:
    """The display name of an occasion key; the workshop's own labels are shown as they are.

    >>> occasion_label("lärandeträff 2", "sv"), occasion_label("uppstart", "en"), occasion_label("Höst", "en")
    ('Lärandeträff 2', 'Start-up', 'Höst')
    """
    try:
        return content.text(f"occasions.{key}", lang)
    except KeyError:
        return key


def table_for_display(table: pd.DataFrame, lang: str = "sv") -> pd.DataFrame:
    """A summary table with translated headers and numbers as display strings."""
    shown = table.copy()
    shown.columns = [occasion_label(c, lang) if c != sc.CHANGE else c for c in shown.columns]
    shown = shown.map(lambda v: number(v, lang))
    shown.index = [content.text("table.total", lang) if i == sc.TOTAL else str(i) for i in shown.index]
    shown.index.name = content.text("table.moment", lang)
    return shown


def _header_row(table: pd.DataFrame, lang: str) -> list[str]:
    return [content.text("table.moment", lang)] + [
        occasion_label(c, lang) if c != sc.CHANGE else c for c in table.columns]


def _index_label(i, lang: str) -> str | int:
    return content.text("table.total", lang) if i == sc.TOTAL else i


def _autosize(sheet) -> None:
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)


def add_table_sheet(book, table: pd.DataFrame, lang: str, title: str) -> None:
    """Append a summary table as a sheet, numbers as numbers (rounded display format)."""
    sheet = book.create_sheet(title=sheet_title(title))
    write_row(sheet, _header_row(table, lang))
    for i, row in table.iterrows():
        values = [None if pd.isna(v) else round(float(v), 4) for v in row]
        write_row(sheet, [_index_label(i, lang)] + values)
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = "0.0"
    sheet.freeze_panes = "B2"
    _autosize(sheet)


def answers_headers(lang: str) -> list[str]:
    return [content.text(f"columns.{f}", lang) for f in ANSWER_FIELDS]


def role_label(role, lang: str) -> str:
    """A role as people read it; the group's consensus has a label of its own.

    >>> role_label("annan", "sv"), role_label(None, "sv"), role_label(None, "en")
    ('Annan roll', 'Gruppen (konsensus)', 'The group (consensus)')
    """
    blank = role is None or (isinstance(role, float) and pd.isna(role)) or role == ""
    return content.text(f"role_one.{'konsensus' if blank else role}", lang)


def answer_rows(answers: pd.DataFrame, lang: str = "sv") -> list[list]:
    """The answers as rows for a sheet: occasions and roles by their labels, not their codes
    (the kit's reader takes the labels back)."""
    rows = []
    for _, a in answers.iterrows():
        rows.append([
            a["organisation"], occasion_label(a["occasion"], lang), int(a["moment"]),
            None if pd.isna(a["score"]) else int(a["score"]), role_label(a["role"], lang),
            a["comment"] or "", a["actions"] or "", a["version"] or sc.DEFAULT_VERSION,
        ])
    return rows


def add_answers_sheet(book, answers: pd.DataFrame, lang: str, title: str) -> None:
    sheet = book.create_sheet(title=sheet_title(title))
    write_row(sheet, answers_headers(lang))
    for values in answer_rows(answers, lang):
        write_row(sheet, values)
    sheet.freeze_panes = "A2"
    _autosize(sheet)


def workbook_bytes(answers: pd.DataFrame, lang: str = "sv", occasions=None) -> bytes:
    """An XLSX of a group's (or workshop's) answers plus its summary table."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    add_answers_sheet(book, answers, lang, content.text("export.sheet_answers", lang))
    add_table_sheet(book, sc.summary_table(answers, occasions), lang,
                    content.text("export.sheet_summary", lang))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def kit_json(answers: pd.DataFrame, *, workshop: str = "", organisation: str = "") -> bytes:
    """The kit's own JSON file for a group's work (read back by :func:`read_kit_json`)."""
    items = []
    for _, a in answers.iterrows():
        role = a["role"]
        items.append({
            "organisation": clean(a["organisation"]), "occasion": clean(a["occasion"]),
            "moment": int(a["moment"]), "score": None if pd.isna(a["score"]) else int(a["score"]),
            "role": None if role is None or (isinstance(role, float) and pd.isna(role)) else role,
            "comment": clean(a["comment"] or ""), "actions": clean(a["actions"] or ""),
            "version": a["version"] or sc.DEFAULT_VERSION,
        })
    doc = {"format": KIT_FORMAT, "format_version": KIT_FORMAT_VERSION, "kind": "självskattning",
           "workshop": clean(workshop), "organisation": clean(organisation),
           "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "answers": items}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _plain_number(value, lang: str) -> str:
    """A number to ten decimals (more than any mean of 1–4 scores needs, less than the noise
    of float arithmetic), with a decimal comma for Swedish (blank for none).

    >>> _plain_number(2.5, "sv"), _plain_number(float("nan"), "sv"), _plain_number(3.0, "en")
    ('2,5', '', '3.0')
    >>> _plain_number(2.6 - 2.4, "sv"), _plain_number(7 / 3, "en")
    ('0,2', '2.3333333333')
    """
    if value is None or pd.isna(value):
        return ""
    text = repr(round(float(value), 10) + 0.0)  # + 0.0: no "-0.0"
    return text.replace(".", ",") if lang == "sv" else text


def write_table(table: pd.DataFrame, path, lang: str = "sv") -> Path:
    """Write a summary table to ``.xlsx``, ``.csv`` (Swedish Excel: ``;``, decimal comma,
    UTF-8 with BOM) or ``.md`` (rounded for reading)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        add_table_sheet(book, table, lang, content.text("export.sheet_summary", lang))
        data = io.BytesIO()
        book.save(data)
        payload = data.getvalue()
    elif suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";" if lang == "sv" else ",", lineterminator="\r\n")
        header = [content.text("table.change", lang) if c == sc.CHANGE else c
                  for c in _header_row(table, lang)]
        writer.writerow([safe_csv_text(c) for c in header])
        for i, row in table.iterrows():
            writer.writerow([safe_csv_text(_index_label(i, lang))] + [_plain_number(v, lang) for v in row])
        payload = buffer.getvalue().encode("utf-8-sig")
    elif suffix == ".md":
        shown = table_for_display(table, lang)
        cell = lambda v: clean(" ".join(str(v).split())).replace("|", "\\|")
        lines = ["| " + " | ".join(cell(c) for c in [shown.index.name, *shown.columns]) + " |",
                 "|" + "---|" * (len(shown.columns) + 1)]
        lines += ["| " + " | ".join(cell(c) for c in [i, *row]) + " |" for i, row in shown.iterrows()]
        payload = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        raise InputError("write.unknown_type", source=path.name, name=path.name,
                         suffix=suffix or "–")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(payload)
    tmp.replace(path)  # never leave a half-written file
    return path
