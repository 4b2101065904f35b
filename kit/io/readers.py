"""Readers for what users bring: CSV from Swedish Excel, XLSX and the kit's own JSON.

Each reader returns clean data or raises :class:`kit.InputError` with a message that names the
file, the row and the column. None returns half-parsed data, and none raises anything else:
a damaged zip, broken sheet XML, a JSON nested ten thousand deep or a number of five thousand
digits all end as an ``InputError``. Limits (size, rows, unpacked size) are checked while
reading, so a small file that claims millions of rows is refused in a moment.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import re
import zipfile
from pathlib import Path

import pandas as pd

from kit.domain import scores as sc
from kit.errors import InputError, Msg
from kit.fmt import letters

log = logging.getLogger("kit.io")

MAX_BYTES = 20 * 1024 * 1024
#: Rows with content a file may hold. A workshop of 30 groups, 4 occasions, 5 roles and 10
#: moments has 6 000; this leaves room for a region's whole history.
MAX_ROWS = 50_000
#: Rows, empty ones included, read from a sheet before giving up on it.
MAX_SCANNED_ROWS = 120_000
MAX_COLUMNS = 60
#: What an XLSX may unpack to: a 20 MB workbook is about 200 MB of XML at the most.
MAX_UNPACKED = 250 * 1024 * 1024
MAX_ERRORS_SHOWN = 5
MAX_JSON_DEPTH = 20

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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (``0`` → ``'A'``)."""
    return letters(index)


def _line_of(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file as UTF-8 (with or without BOM) or, failing that, Windows-1252.

    A file is one or the other: one that mixes UTF-8 rows with Windows-1252 rows (two files
    pasted together) is refused, naming the first row that breaks the pattern, because no
    rule could decode both without turning "Örby" into "Ã–rby" somewhere.

    >>> decode_text("år;ö".encode("cp1252"), "a.csv"), decode_text(b"\\xef\\xbb\\xbfa", "a.csv")
    ('år;ö', 'a')
    >>> decode_text("a;Örby\\n".encode() + "b;Åby\\n".encode("cp1252"), "a.csv")
    Traceback (most recent call last):
    kit.errors.InputError: a.csv: rad 2 är sparad som Windows-1252 men rad 1 som UTF-8. Filen blandar två teckenkodningar; spara den på nytt från Excel som CSV (UTF-8) och försök igen.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("read.utf16", source=name, name=name)
    nul = data.find(b"\x00")
    if nul >= 0:
        row = _line_of(data, nul)
        raise InputError("read.binary", source=name, row=row, name=name, row_n=row)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8_row = bad_row = None
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_row = utf8_row or number
        except UnicodeDecodeError:
            bad_row = bad_row or number
        if utf8_row and bad_row:
            raise InputError("read.mixed_encoding", source=name, row=bad_row, name=name,
                             bad=bad_row, good=utf8_row)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        row = _line_of(data, exc.start)
        raise InputError("read.not_text", source=name, row=row, name=name, row_n=row) from None


def _sniff_delimiter(text: str, name: str) -> str:
    header = text.splitlines()[0] if text.strip() else ""
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise InputError("read.no_columns", source=name, row=1, name=name)
    return delimiter


def _read_csv_rows(data: bytes, name: str) -> list[list]:
    text = decode_text(data, name)
    if not text.strip():
        raise InputError("read.empty", source=name, name=name)
    delimiter = _sniff_delimiter(text, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list] = []
    try:
        for row in reader:
            if len(rows) > MAX_ROWS:
                raise InputError("read.too_many_rows", source=name, name=name, limit=MAX_ROWS)
            rows.append([_unquote_formula(cell) for cell in row[:MAX_COLUMNS]])
    except csv.Error:
        raise InputError("read.csv_invalid", source=name, row=reader.line_num, name=name,
                         row_n=reader.line_num) from None
    return rows


def _unquote_formula(cell: str) -> str:
    """Undo the apostrophe the kit's CSV writer puts before a text that looks like a formula."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START:
        return cell[1:]
    return cell


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _check_zip(data: bytes, name: str) -> None:
    """Refuse what is no zip, unpacks to far more than a real workbook (a zip bomb), or holds
    more rows than can be read — counted while unpacking, before openpyxl, which parses a
    whole sheet to find its size when the sheet does not say it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise InputError("read.xlsx_too_big", source=name, name=name,
                                 size=sum(info.file_size for info in infos) // 1_000_000)
            unpacked = 0
            for info in infos:
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                rows, tail = 0, b""
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        unpacked += len(chunk)
                        if unpacked > MAX_UNPACKED:
                            raise InputError("read.xlsx_too_big", source=name, name=name,
                                             size=unpacked // 1_000_000)
                        block = tail + chunk
                        rows += len(_ROW_TAG.findall(block))
                        tail = block[-16:]
                        rows -= len(_ROW_TAG.findall(tail))  # counted again with the next block
                        if rows > MAX_SCANNED_ROWS:
                            raise InputError("read.too_many_rows", source=name, name=name,
                                             limit=MAX_ROWS)
                rows += len(_ROW_TAG.findall(tail))
                if rows > MAX_SCANNED_ROWS:
                    raise InputError("read.too_many_rows", source=name, name=name, limit=MAX_ROWS)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a damaged zip or member (zlib, CRC, sizes)
        raise InputError("read.xlsx_broken", source=name, name=name) from None


@contextlib.contextmanager
def open_workbook(data: bytes, name: str):
    """An XLSX opened read-only after the zip checks (:func:`_check_zip`); whatever breaks
    while opening or reading it — zlib, XML, a member cut short — is
    ``InputError("read.xlsx_broken")``, and the book is always closed."""
    from openpyxl import load_workbook

    _check_zip(data, name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - zlib, XML and zip errors all mean "damaged"
        raise InputError("read.xlsx_broken", source=name, name=name) from None
    try:
        yield book
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - a member that breaks while streaming
        raise InputError("read.xlsx_broken", source=name, name=name) from None
    finally:
        book.close()


def _read_xlsx_rows(data: bytes, name: str) -> list[tuple[int, list]]:
    """The first sheet with a header the kit knows, as ``(row number, cells)`` pairs."""
    with open_workbook(data, name) as book:
        first = None
        for sheet in book.worksheets:
            rows = _stream_rows(sheet, name)
            header = next(rows, None)
            if header is None:
                continue
            if _header_map(header[1], name, strict=False) is not None:
                return [header, *rows]
            first = first or [header]
        return first or []


def _stream_rows(sheet, name: str):
    """A sheet's rows as ``(row number, cells)``: the first row always, later rows only when
    they hold something, stopping at the limits while streaming (never reading first).

    Empty rows are skipped, not counted: a stray cell far below the data (row 1048576, say)
    costs a cheap walk over the gap, not a row each, and is reported by its own number.
    """
    filled = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        if row.count(None) != len(row) and any(cell is not None and cell != "" for cell in row):
            filled += 1
            if filled > MAX_ROWS + 1:
                raise InputError("read.too_many_rows", source=name, name=name, limit=MAX_ROWS)
        elif number > 1:
            continue
        yield number, list(row)


def _normalise_header(cell) -> str:
    return " ".join(str("" if cell is None else cell).replace("\ufeff", "").strip().lower().split())


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
            raise InputError("read.header_twice", source=name, row=1, field=field, name=name,
                             what=Msg(f"field.{field}"), first=_column_letter(found[field]),
                             second=_column_letter(i))
        found[field] = i
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        if not strict:
            return None
        wanted = [Msg(f"field.{f}") for f in missing]
        key = "read.header_missing" if len(missing) == 1 else "read.headers_missing"
        raise InputError(key, source=name, row=1, name=name, what=wanted)
    return found


def _cell_place(number: int, columns: dict, field: str | None) -> Msg:
    if field in columns:
        return Msg("read.place_cell", row=number, column=_column_letter(columns[field]),
                   field=Msg(f"field.{field}"))
    return Msg("read.place_row", row=number)


def _item_place(number: int, _columns: dict, field: str | None) -> Msg:
    if field:
        return Msg("read.place_item_field", n=number, field=field)
    return Msg("read.place_item", n=number)


def _rows_to_frame(rows: list[list], name: str, place=_cell_place, first: int = 2,
                   numbers: list[int] | None = None) -> pd.DataFrame:
    """Validate rows (the first is the header); ``first`` is the number of the first data row
    as messages and ``InputError.row`` name it (2 in a sheet, 1 for the answers of a JSON);
    ``numbers``, when given, are the data rows' own numbers (a sheet whose empty rows were
    skipped)."""
    if not rows:
        raise InputError("read.empty", source=name, name=name)
    if len(rows) > MAX_ROWS + 1:
        raise InputError("read.too_many_rows", source=name, name=name, limit=MAX_ROWS)
    columns = _header_map(rows[0], name)
    answers, errors, seen = [], [], {}
    first_row = None
    numbered = zip(numbers, rows[1:]) if numbers is not None else enumerate(rows[1:], start=first)
    for number, row in numbered:
        cells = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        if all(sc._blank(v) for v in cells.values()):
            continue  # an empty row, as Excel leaves at the end
        try:
            answer = sc.validate_answer(**cells)
        except InputError as exc:
            first_row = first_row or number
            errors.append(InputError("read.row_error", place=place(number, columns, exc.field),
                                     error=exc))
            if len(errors) >= 50:
                break
            continue
        key = (answer.organisation, answer.occasion, answer.moment, answer.role)
        if key in seen:
            first_row = first_row or number
            errors.append(InputError(
                "read.duplicate", place=place(number, columns, None),
                other=place(seen[key], columns, None), organisation=answer.organisation,
                occasion=answer.occasion, moment=answer.moment,
                role=Msg(f"role.{answer.role or 'konsensus'}")))
            continue
        seen[key] = number
        answers.append(answer)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(InputError("read.more_errors", n=len(errors) - MAX_ERRORS_SHOWN))
        raise InputError("read.failed", source=name, row=first_row, name=name, details=shown)
    if not answers:
        raise InputError("read.no_answers", source=name, name=name)
    return sc.to_frame(answers)


def _file_bytes(path, name: str, data: bytes | None) -> bytes:
    if data is None:
        try:
            size = Path(path).stat().st_size
            if size > MAX_BYTES:
                raise InputError("read.too_big", source=name, name=name, size=size // 1_000_000,
                                 limit=MAX_BYTES // 1_000_000)
            data = Path(path).read_bytes()
        except OSError:
            raise InputError("read.no_file", source=name, name=name) from None
    if len(data) > MAX_BYTES:
        raise InputError("read.too_big", source=name, name=name, size=len(data) // 1_000_000,
                         limit=MAX_BYTES // 1_000_000)
    return bytes(data)


def guarded(unreadable: str = "read.unreadable"):
    """A reader's guard: whatever goes wrong inside it reaches the caller as an
    :class:`InputError` — the reader's own, a "too complex" one, or ``unreadable`` (the message
    key that says, for that kind of file, what the kit can read)."""
    import functools

    def wrap(reader):
        @functools.wraps(reader)
        def read(path=None, *, name: str | None = None, data: bytes | None = None):
            name = sc.shown(name or (Path(path).name if path is not None else "fil"), 80)
            try:
                return reader(path, name=name, data=data)
            except InputError:
                raise
            except (RecursionError, MemoryError):
                raise InputError("read.too_complex", source=name, name=name) from None
            except Exception:
                log.exception("JämKit: unexpected error reading %s", name)
                raise InputError(unreadable, source=name, name=name) from None
        return read
    return wrap


_guarded = guarded()


@_guarded
def read_scores(path=None, *, name: str | None = None, data: bytes | None = None) -> pd.DataFrame:
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
    >>> try:
    ...     read_scores(p)
    ... except InputError as e:
    ...     print(e.text("en"))
    svar.csv: row 2, column D (score): A score must be a whole number 1, 2, 3 or 4, not '9'. Nothing was read.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise InputError("read.xls", source=name, name=name)
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".json"):
        raise InputError("read.unknown_type", source=name, name=name,
                         suffix=suffix or Msg("read.no_suffix"))
    data = _file_bytes(path, name, data)
    if suffix == ".json":
        return read_kit_json(path, name=name, data=data)["answers"]
    if suffix in (".xlsx", ".xlsm"):
        numbered = _read_xlsx_rows(data, name)
        return _rows_to_frame([row for _, row in numbered], name,
                              numbers=[number for number, _ in numbered[1:]])
    return _rows_to_frame(_read_csv_rows(data, name), name)


KIT_FORMAT = "jamkit"
KIT_FORMAT_VERSION = 1


def _json_int(text: str):
    """A JSON integer; one of hundreds of digits becomes a stand-in just as far out of range
    (``int`` of thousands of digits is slow or refused, and a float would say "inf")."""
    if len(text) <= 300:
        return int(text)
    return -(10 ** 301) if text.startswith("-") else 10 ** 301


def _json_constant(text: str):
    raise ValueError(text)  # NaN, Infinity: not JSON, and not a score


def _depth(node, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(node, dict):
        return max((_depth(v, level + 1) for v in node.values()), default=level + 1)
    if isinstance(node, list):
        return max((_depth(v, level + 1) for v in node), default=level + 1)
    return level


@_guarded
def read_kit_json(path=None, *, name: str | None = None, data: bytes | None = None) -> dict:
    """Read the kit's own JSON file (as written by :func:`kit.io.writers.kit_json`).

    Returns ``{"workshop", "organisation", "answers": DataFrame, ...}`` or raises
    :class:`kit.InputError`; a file with no answers is refused too (there is nothing to add).

    >>> read_kit_json(name="a.json", data=b'[' * 100000)
    Traceback (most recent call last):
    kit.errors.InputError: a.json: filen är inte giltig JSON eller är uppbyggd i för många nivåer.
    """
    data = _file_bytes(path, name, data)
    try:
        doc = json.loads(decode_text(data, name), parse_int=_json_int, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise InputError("read.json_invalid", source=name, row=exc.lineno, column=exc.colno,
                         name=name, line=exc.lineno, col=exc.colno) from None
    except (RecursionError, ValueError):
        raise InputError("read.json_too_deep", source=name, name=name) from None
    if not isinstance(doc, dict) or doc.get("format") != KIT_FORMAT:
        raise InputError("read.not_kit", source=name, name=name)
    if _depth(doc) > MAX_JSON_DEPTH:
        raise InputError("read.json_too_deep", source=name, name=name)
    if doc.get("format_version") != KIT_FORMAT_VERSION:
        raise InputError("read.kit_version", source=name, name=name,
                         version=sc.shown(doc.get("format_version")), supported=KIT_FORMAT_VERSION)
    raw = doc.get("answers")
    if not isinstance(raw, list):
        raise InputError("read.answers_not_list", source=name, name=name)
    if not raw:
        raise InputError("read.no_answers", source=name, name=name)
    rows = [list(HEADERS)]
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InputError("read.answer_not_object", source=name, row=i, name=name, n=i)
        rows.append([item.get(f) for f in HEADERS])
    answers = _rows_to_frame(rows, name, _item_place, first=1)
    texts = {}
    for field in ("workshop", "organisation"):
        value = doc.get(field)
        texts[field] = sc.shown(value, 1000) if isinstance(value, str) else ""
    return {**texts, "exported_at": doc.get("exported_at"), "answers": answers}
