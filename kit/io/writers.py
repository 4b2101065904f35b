"""Writers for what users take away: XLSX, CSV (as Swedish Excel reads it), Markdown, JSON.

Text a participant typed is never run by a spreadsheet: in XLSX every typed text is stored
as a text cell (never a formula), and in CSV a text that starts with ``=``, ``+``, ``-`` or
``@`` gets an apostrophe in front (the reader removes it again).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError
from kit.fmt import number
from kit.io.readers import KIT_FORMAT, KIT_FORMAT_VERSION

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ANSWER_FIELDS = ("organisation", "occasion", "moment", "score", "role", "comment", "actions", "version")


def safe_csv_text(value):
    """Neutralise a text that a spreadsheet would run as a formula.

    >>> safe_csv_text("=HYPERLINK(\\"x\\")"), safe_csv_text("-1"), safe_csv_text(3)
    ('\\'=HYPERLINK("x")', "'-1", 3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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


def _write_text_cell(cell, value) -> None:
    """Store a typed text as text, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def add_table_sheet(book, table: pd.DataFrame, lang: str, title: str) -> None:
    """Append a summary table as a sheet, numbers as numbers (rounded display format)."""
    sheet = book.create_sheet(title=title[:31])
    sheet.append(_header_row(table, lang))
    for i, row in table.iterrows():
        values = [None if pd.isna(v) else round(float(v), 4) for v in row]
        sheet.append([_index_label(i, lang)] + values)
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = "0.0"
    sheet.freeze_panes = "B2"
    _autosize(sheet)


def answers_headers(lang: str) -> list[str]:
    return [content.text(f"columns.{f}", lang) for f in ANSWER_FIELDS]


def answer_rows(answers: pd.DataFrame) -> list[list]:
    rows = []
    for _, a in answers.iterrows():
        role = a["role"]
        rows.append([
            a["organisation"], a["occasion"], int(a["moment"]),
            None if pd.isna(a["score"]) else int(a["score"]),
            "" if role is None or (isinstance(role, float) and pd.isna(role)) else role,
            a["comment"] or "", a["actions"] or "", a["version"] or sc.DEFAULT_VERSION,
        ])
    return rows


def add_answers_sheet(book, answers: pd.DataFrame, lang: str, title: str) -> None:
    sheet = book.create_sheet(title=title[:31])
    sheet.append(answers_headers(lang))
    for values in answer_rows(answers):
        sheet.append([None] * len(values))
        for col, value in enumerate(values, start=1):
            _write_text_cell(sheet.cell(row=sheet.max_row, column=col), value)
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
            "organisation": a["organisation"], "occasion": a["occasion"], "moment": int(a["moment"]),
            "score": None if pd.isna(a["score"]) else int(a["score"]),
            "role": None if role is None or (isinstance(role, float) and pd.isna(role)) else role,
            "comment": a["comment"] or "", "actions": a["actions"] or "",
            "version": a["version"] or sc.DEFAULT_VERSION,
        })
    doc = {"format": KIT_FORMAT, "format_version": KIT_FORMAT_VERSION, "kind": "självskattning",
           "workshop": workshop, "organisation": organisation,
           "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
           "answers": items}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _plain_number(value, lang: str) -> str:
    """A number unrounded, with a decimal comma for Swedish (blank for none).

    >>> _plain_number(2.5, "sv"), _plain_number(float("nan"), "sv"), _plain_number(3.0, "en")
    ('2,5', '', '3.0')
    """
    if value is None or pd.isna(value):
        return ""
    text = repr(float(value))
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
        header = [content.text("table.change", lang) if c == sc.CHANGE else safe_csv_text(c)
                  for c in _header_row(table, lang)]
        writer.writerow(header)
        for i, row in table.iterrows():
            writer.writerow([_index_label(i, lang)] + [_plain_number(v, lang) for v in row])
        payload = buffer.getvalue().encode("utf-8-sig")
    elif suffix == ".md":
        shown = table_for_display(table, lang)
        cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731 - a pipe would split the cell
        lines = ["| " + " | ".join(cell(c) for c in [shown.index.name, *shown.columns]) + " |",
                 "|" + "---|" * (len(shown.columns) + 1)]
        lines += ["| " + " | ".join(cell(c) for c in [i, *row]) + " |" for i, row in shown.iterrows()]
        payload = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        raise InputError(f"{path.name}: okänd filtyp för utdata '{suffix or 'ingen'}'. "
                         "Använd .xlsx, .csv eller .md.", source=path.name)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(payload)
    tmp.replace(path)  # never leave a half-written file
    return path
