"""Readers for what users bring: CSV from Swedish Excel, XLSX and the kit's own JSON.

Each reader returns clean data or raises :class:`kit.InputError` with a Swedish message that
names the file, the row and the column. None returns half-parsed data.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd

from kit.domain import scores as sc
from kit.errors import InputError
from kit.fmt import letters

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_ERRORS_SHOWN = 5

#: Header names accepted per field (lower case, Swedish and English).
HEADERS = {
    "organisation": ("organisation", "organization", "org", "kommun", "region", "grupp", "group",
                     "organisation/grupp", "deltagare"),
    "occasion": ("tillfälle", "occasion", "träff", "skattningstillfälle", "meeting"),
    "moment": ("moment", "nr", "moment nr"),
    "score": ("poäng", "score", "skattning", "poang"),
    "role": ("roll", "role"),
    "comment": ("kommentar", "comment", "kommentarer", "comments"),
    "actions": ("åtgärder", "actions", "genomförda åtgärder", "actions taken", "atgarder"),
    "version": ("version", "checklista", "checklist"),
}
REQUIRED = ("organisation", "occasion", "moment", "score")
FIELD_SV = {"organisation": "organisation", "occasion": "tillfälle", "moment": "moment",
            "score": "poäng", "role": "roll", "comment": "kommentar", "actions": "åtgärder",
            "version": "version"}
_FORMULA_START = ("=", "+", "-", "@")


def _column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (``0`` → ``'A'``)."""
    return letters(index)


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file as UTF-8 (with or without BOM) or, failing that, cp1252.

    >>> decode_text("år;ö".encode("cp1252"), "a.csv"), decode_text(b"\\xef\\xbb\\xbfa", "a.csv")
    ('år;ö', 'a')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: filen är sparad som UTF-16. Spara den som CSV (UTF-8) "
                         "eller CSV (semikolonavgränsad) i Excel och försök igen.", source=name)
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: filen är ingen textfil. Spara den som CSV eller .xlsx i Excel "
                         "och försök igen.", source=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: filen går inte att läsa som text (varken UTF-8 eller "
                         f"Windows-1252; okänt tecken vid byte {exc.start}).", source=name) from None


def _sniff_delimiter(text: str, name: str) -> str:
    header = text.splitlines()[0] if text.strip() else ""
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise InputError(f"{name}: hittar inga kolumner i första raden. Kolumnerna ska skiljas "
                         "med semikolon (;) eller komma (,).", source=name, row=1)
    return delimiter


def _read_csv_rows(data: bytes, name: str) -> list[list]:
    text = decode_text(data, name)
    if not text.strip():
        raise InputError(f"{name}: filen är tom.", source=name)
    delimiter = _sniff_delimiter(text, name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(f"{name}: filen är inte giltig CSV ({exc}).", source=name) from None
    return [[_unquote_formula(cell) for cell in row] for row in rows]


def _unquote_formula(cell: str) -> str:
    """Undo the apostrophe the kit's CSV writer puts before a text that looks like a formula."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START:
        return cell[1:]
    return cell


def _read_xlsx_rows(data: bytes, name: str) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(f"{name}: filen går inte att öppna som Excel-fil (.xlsx). Den kan vara "
                         f"skadad eller i ett annat format ({type(exc).__name__}).",
                         source=name) from None
    try:
        candidates = []
        for sheet in book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            candidates.append(rows)
            if rows and _header_map(rows[0], name, strict=False) is not None:
                return rows
        return candidates[0] if candidates else []
    finally:
        book.close()


def _normalise_header(cell) -> str:
    return " ".join(str(cell or "").replace("\ufeff", "").strip().lower().split())


def _header_map(header: list, name: str, strict: bool = True) -> dict | None:
    lookup = {alias: field for field, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        field = lookup.get(_normalise_header(cell))
        if field is None:
            continue
        if field in found:
            if not strict:
                return None
            raise InputError(f"{name}: kolumnen {FIELD_SV[field]} finns två gånger i första raden "
                             f"(kolumn {_column_letter(found[field])} och {_column_letter(i)}).",
                             source=name, row=1, field=FIELD_SV[field])
        found[field] = i
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        if not strict:
            return None
        wanted = ", ".join(FIELD_SV[f] for f in missing)
        raise InputError(f"{name}: första raden saknar kolumnen {wanted}. Den ska ha rubrikerna "
                         "organisation, tillfälle, moment och poäng (och gärna roll, kommentar, "
                         "åtgärder).", source=name, row=1)
    return found


def _cell_place(number: int, columns: dict, field: str | None) -> str:
    where = f"rad {number}"
    if field in columns:
        where += f", kolumn {_column_letter(columns[field])} ({FIELD_SV[field]})"
    return where


def _item_place(number: int, columns: dict, field: str | None) -> str:
    where = f"svar nr {number - 1}"
    return where + (f", fältet {field}" if field else "")


def _rows_to_frame(rows: list[list], name: str, place=_cell_place) -> pd.DataFrame:
    if not rows:
        raise InputError(f"{name}: filen är tom.", source=name)
    if len(rows) > MAX_ROWS + 1:
        raise InputError(f"{name}: filen har {len(rows) - 1} rader; högst {MAX_ROWS} går att läsa.",
                         source=name)
    columns = _header_map(rows[0], name)
    answers, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        if all(sc._blank(v) for v in cells.values()):
            continue  # an empty row, as Excel leaves at the end
        try:
            answer = sc.validate_answer(**cells)
        except InputError as exc:
            field = next((f for f, sv in FIELD_SV.items() if sv == exc.field), None)
            errors.append(f"{place(number, columns, field)}: {exc.message}")
            if len(errors) >= 50:
                break
            continue
        key = (answer.organisation, answer.occasion, answer.moment, answer.role)
        if key in seen:
            role = answer.role or "konsensus"
            errors.append(f"{place(number, columns, None)}: samma svar finns redan på "
                          f"{place(seen[key], columns, None)} "
                          f"({answer.organisation}, {answer.occasion}, moment {answer.moment}, {role}).")
            continue
        seen[key] = number
        answers.append(answer)
    if errors:
        more = len(errors) - MAX_ERRORS_SHOWN
        shown = " ".join(e if e.endswith(".") else e + "." for e in errors[:MAX_ERRORS_SHOWN])
        suffix = f" Och {more} fel till." if more > 0 else ""
        raise InputError(f"{name}: {shown}{suffix} Inget har lästs in.", source=name)
    if not answers:
        raise InputError(f"{name}: filen har rubriker men inga svar.", source=name)
    return sc.to_frame(answers)


def read_scores(path, *, name: str | None = None, data: bytes | None = None) -> pd.DataFrame:
    """Read self-assessment scores in long format from CSV or XLSX.

    One row per answer with the columns organisation, tillfälle/occasion, moment, poäng/score
    and optionally roll/role, kommentar/comment, åtgärder/actions, version — Swedish or English
    headers in any order. CSV may use ``;`` or ``,``, decimal commas, UTF-8 with or without BOM
    or Windows-1252 (what Swedish Excel saves). Returns the columns of
    :data:`kit.domain.scores.COLUMNS`; raises :class:`kit.InputError` naming file, row and column.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "svar.csv")
    >>> _ = open(p, "wb").write("Organisation;Tillfälle;Moment;Poäng;Roll\\nÖrby;Uppstart;1;3,0;Chef\\n".encode("cp1252"))
    >>> df = read_scores(p)
    >>> df.loc[0, "organisation"], df.loc[0, "occasion"], int(df.loc[0, "score"]), df.loc[0, "role"]
    ('Örby', 'uppstart', 3, 'chef')
    >>> _ = open(p, "wb").write(b"organisation;occasion;moment;score\\nA;uppstart;1;9\\n")
    >>> read_scores(p)
    Traceback (most recent call last):
    kit.errors.InputError: svar.csv: rad 2, kolumn D (poäng): Poäng måste vara ett heltal 1, 2, 3 eller 4, inte '9'. Inget har lästs in.
    """
    path = Path(path)
    name = name or path.name
    if data is None:
        try:
            size = path.stat().st_size
        except OSError:
            raise InputError(f"{name}: filen finns inte.", source=name) from None
        if size > MAX_BYTES:
            raise InputError(f"{name}: filen är för stor ({size // 1_000_000} MB).", source=name)
        data = path.read_bytes()
    elif len(data) > MAX_BYTES:
        raise InputError(f"{name}: filen är för stor ({len(data) // 1_000_000} MB).", source=name)
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx_rows(data, name)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _read_csv_rows(data, name)
    elif suffix == ".json":
        return read_kit_json(path, name=name, data=data)["answers"]
    elif suffix == ".xls":
        raise InputError(f"{name}: det gamla Excel-formatet .xls går inte att läsa. Spara filen "
                         "som .xlsx eller CSV i Excel och försök igen.", source=name)
    else:
        raise InputError(f"{name}: okänd filtyp '{suffix or 'ingen'}'. Använd .csv eller .xlsx.",
                         source=name)
    return _rows_to_frame(rows, name)


KIT_FORMAT = "jamkit"
KIT_FORMAT_VERSION = 1


def read_kit_json(path=None, *, name: str | None = None, data: bytes | None = None) -> dict:
    """Read the kit's own JSON file (as written by :func:`kit.io.writers.kit_json`).

    Returns ``{"workshop", "organisation", "answers": DataFrame, ...}`` or raises
    :class:`kit.InputError`.
    """
    name = name or Path(path).name
    if data is None:
        data = Path(path).read_bytes()
    try:
        doc = json.loads(decode_text(data, name))
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: filen är inte giltig JSON (rad {exc.lineno}, "
                         f"kolumn {exc.colno}).", source=name) from None
    if not isinstance(doc, dict) or doc.get("format") != KIT_FORMAT:
        raise InputError(f"{name}: filen är ingen JämKit-fil (fältet \"format\" saknas).",
                         source=name)
    if doc.get("format_version") != KIT_FORMAT_VERSION:
        raise InputError(f"{name}: filens version {doc.get('format_version')!r} stöds inte "
                         f"(den här versionen av JämKit läser version {KIT_FORMAT_VERSION}).",
                         source=name)
    raw = doc.get("answers")
    if not isinstance(raw, list):
        raise InputError(f"{name}: fältet \"answers\" saknas eller är ingen lista.", source=name)
    rows = [list(HEADERS)] if raw else []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{name}: svar nr {i} är inget objekt.", source=name, row=i)
        rows.append([item.get(f) for f in HEADERS])
    answers = _rows_to_frame(rows, name, _item_place) if rows else sc.to_frame([])
    return {"workshop": str(doc.get("workshop") or ""), "organisation": str(doc.get("organisation") or ""),
            "exported_at": doc.get("exported_at"), "answers": answers}
