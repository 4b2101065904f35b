"""Read sex-disaggregated statistics: Kolada's API JSON, CSV from Swedish Excel and XLSX.

:func:`read_indicators` returns one tidy long frame, one row per value — missing values kept as
rows — with the columns :data:`COLUMNS` (and ``age_group`` when the file has an age column),
or raises :class:`kit.InputError` naming the file, the row and the column (for JSON the record,
or the line of a syntax error). It reuses the foundation's limits, encodings and guards
(:mod:`kit.io.readers`), so a hostile file ends as a message, never as half a frame.

What a table may look like, and what the reader decided where a file could mean two things:

* **Long**: one row per value, headers Swedish or English in any case and order —
  indikator/indicator/kpi/nyckeltal, kommun/område/region/area/municipality, år/period/year,
  kön/sex/gender, värde/value, antal/n/antal personer/number (the number of *persons*) and
  ålder/åldersgrupp/age/age group. A unit after a header is allowed ("Värde (%)").
* **Wide by sex**: one row per period (and area, indicator, age group) and a column per sex —
  Kvinnor, Män, Totalt; Flickor, Pojkar, Totalt; Women, Men, Total (any case). Each sex cell
  becomes a row. The number of persons may stand beside them as "Antal kvinnor", "Antal män",
  "Antal totalt" (or "Kvinnor (antal)"); a bare "Antal" column there is refused, since it does
  not say whose count it is — and a count that is guessed could let a small one through.
* A file with no indicator column is one indicator, named by the file's stem ("väntetid.csv" →
  "väntetid"); a file with no area column has the area ``""`` (not named). When the column is
  there, an empty indicator, area or period cell is an error; an empty age group is ``""``.
* **Numbers**: a decimal comma or point, thousands separated by a space, a no-break space or a
  narrow no-break space ("1 234,5"), a minus sign ``-`` or ``−`` (U+2212), and a trailing
  ``%`` (the value stays in percent: "45,2 %" is 45.2). "1,234" is one point two three four,
  as Swedish writes it; "1.234,5" is refused as unclear. Missing: an empty cell and the
  markers ``..``, ``.``, ``...``, ``…``, ``-``, ``–``, ``—``, ``−``, ``x``, ``NA``, ``n/a``
  and ``nan`` (SCB writes ``..`` and ``–``; SCB's "–" for "nothing to report" is read as
  missing, not as zero). ``n`` is a whole number, 0 or more, or missing.
* **Kolada**: ``count`` in Kolada's values is the number of member municipalities averaged
  into a group's value (an unweighted mean), not a number of persons: it is never read, and
  ``n`` is ``<NA>`` on every Kolada row. ``isdeleted`` records (or values) are dropped; paging
  keys are ignored (one page is one file).
* **Duplicates**: two rows with the same indicator, area, period, sex and age group are refused
  naming both when their value or ``n`` differ; an identical second row is dropped silently
  (a file pasted twice over itself says nothing new).
* Texts are inert: control characters go, runs of spaces become one, long texts are cut
  (:func:`kit.domain.scores.shown`); "<script>" or "=SUM(A1)" stay text, never markup or formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import re
from pathlib import Path

import pandas as pd

from kit.domain import scores as sc
from kit.domain.indicators import SEX_WORDS, sex_code
from kit.errors import InputError, Msg
from kit.io import readers as rd
from kit.io.readers import MAX_ERRORS_SHOWN, MAX_JSON_DEPTH, MAX_ROWS

log = logging.getLogger("kit.io")

COLUMNS = ["indicator", "area", "period", "sex", "value", "n"]

#: Header names accepted per field (lower case, spaces collapsed, "_" read as a space).
HEADERS = {
    "indicator": ("indikator", "indicator", "kpi", "kpi id", "kpi-id", "nyckeltal", "nyckeltal id",
                  "mått", "measure", "indikatornamn", "indicator name", "variabel", "variable"),
    "area": ("kommun", "kommunnamn", "kommunkod", "kommun/region", "region/kommun", "område", "omrade",
             "region", "län", "area", "municipality", "municipality id", "ou", "geografi", "geography"),
    "period": ("år", "ar", "period", "year", "läsår", "school year", "tid", "time", "tidsperiod",
               "årtal"),
    "sex": ("kön", "kon", "sex", "gender"),
    "value": ("värde", "varde", "value", "indikatorvärde", "utfall"),
    "n": ("antal", "n", "antal personer", "antal individer", "personer", "number", "number of persons",
          "persons"),
    "age_group": ("ålder", "åldersgrupp", "alder", "aldersgrupp", "age", "age group", "agegroup",
                  "åldersklass", "åldersintervall"),
}
_LOOKUP = {alias: field for field, aliases in HEADERS.items() for alias in aliases}
#: How long a text may be before it is cut (with "…").
TEXT_LIMITS = {"indicator": 200, "area": 200, "period": 40, "age_group": 100}
#: Cells that mean "no value" (compared in lower case, spaces trimmed).
MISSING = frozenset(("", ".", "..", "...", "…", "-", "–", "—", "\u2212", "x", "na", "n/a", "nan"))
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\u2007")
_NUMBER = re.compile(r"^[+\-\u2212]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+\-]?\d+)?%?$")
_WHOLE = re.compile(r"^\+?\d+(?:[.,]0*)?$")
_UNIT = re.compile(r"\s*\([^()]*\)$")
_N_BEFORE = re.compile(r"^(?:antal personer|antal|number of|number|n)\s+(.+)$")
_N_AFTER = re.compile(r"^(.+?)\s*(?:,\s*|\()?(?:antal|number|n)\)?$")
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".json")


#: Whatever goes wrong while reading ends as an InputError that says what the kit reads.
_guarded = rd.guarded("indicators.unreadable")


@_guarded
def read_indicators(path=None, *, name: str | None = None, data: bytes | None = None) -> pd.DataFrame:
    """Read sex-disaggregated statistics from Kolada's API JSON (v2 or v3), CSV or XLSX.

    Returns a long frame, one row per value in the file's order, with the columns
    ``indicator, area, period, sex, value, n`` (``sex`` "K", "M" or "T", ``value`` float with
    NaN where missing, ``n`` the number of persons as ``Int64``, ``<NA>`` when not given) and
    ``age_group`` when the file has one; ``df.attrs`` holds ``source`` ("kolada", "csv" or
    "xlsx") and ``name``. Give a ``path``, or the file's ``data`` and ``name`` (an upload).

    A CSV from Swedish Excel, wide by sex:

    >>> text = "År;Kvinnor;Män;Totalt\\n2023;41,5;35;38,6\\n2024;..;36;37\\n"
    >>> df = read_indicators(name="Väntetid särskilt boende.csv", data=text.encode("cp1252"))
    >>> print(df[["indicator", "period", "sex", "value"]].to_string(index=False))
                   indicator period sex  value
    Väntetid särskilt boende   2023   K   41.5
    Väntetid särskilt boende   2023   M   35.0
    Väntetid särskilt boende   2023   T   38.6
    Väntetid särskilt boende   2024   K    NaN
    Väntetid särskilt boende   2024   M   36.0
    Väntetid särskilt boende   2024   T   37.0

    Kolada's API, with a municipality group whose ``count`` is not a number of persons:

    >>> page = {"values": [{"kpi": "N15428", "municipality": "G12345", "period": 2023,
    ...          "values": [{"gender": "K", "value": 74.1, "count": 4, "status": ""}]}]}
    >>> df = read_indicators(name="kolada.json", data=json.dumps(page).encode())
    >>> print(df.to_string(index=False))
    indicator   area period sex  value    n
       N15428 G12345   2023   K   74.1 <NA>
    >>> df.attrs["source"], str(df["n"].dtype)
    ('kolada', 'Int64')

    Anything else is refused, naming the place:

    >>> read_indicators(name="svar.csv", data="År;Kön;Värde\\n2023;Kvinnor;12,5\\n2023;Okänt;3\\n".encode())
    Traceback (most recent call last):
    kit.errors.InputError: svar.csv: rad 3, kolumn B (Kön): Kön måste vara kvinnor, män eller totalt (eller K, M, T), inte 'Okänt'. Inget har lästs in.
    >>> try:
    ...     read_indicators(name="kolada.json", data=b'{"values": [\\n  {"kpi": }]}')
    ... except InputError as e:
    ...     print(e.text("en"))
    kolada.json: the file is not valid JSON (line 2, column 11).
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise InputError("read.xls", source=name, name=name)
    if suffix not in SUFFIXES:
        raise InputError("indicators.unknown_type", source=name, name=name,
                         suffix=suffix or Msg("read.no_suffix"))
    data = rd._file_bytes(path, name, data)
    if suffix == ".json":
        frame, source = _read_kolada(data, name), "kolada"
    elif suffix in (".xlsx", ".xlsm"):
        frame, source = _read_table(_xlsx_rows(data, name), name), "xlsx"
    else:
        rows = rd._read_csv_rows(data, name)
        frame, source = _read_table(list(enumerate(rows, start=1)), name), "csv"
    frame.attrs["source"] = source
    frame.attrs["name"] = name
    return frame


# -- cells ---------------------------------------------------------------------------------
def _is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (
        isinstance(cell, float) and math.isnan(cell))


def _text(cell, limit: int) -> str:
    """A text cell as the frame keeps it: a whole number without ".0", a date as a date."""
    if _is_blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    elif isinstance(cell, dt.datetime):
        cell = cell.year if (cell.month, cell.day, cell.hour, cell.minute) == (1, 1, 0, 0) else cell.date()
    if isinstance(cell, (dt.date, dt.time)):
        cell = cell.isoformat()
    return sc.shown(cell, limit)


def _number(cell) -> float:
    """A value: a number, a Swedish-written number, or NaN for a missing marker.

    >>> _number("1 234,5"), _number("\u22123,2"), _number("45,2 %"), _number(".."), _number(7)
    (1234.5, -3.2, 45.2, nan, 7.0)
    """
    if _is_blank(cell):
        return math.nan
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        value = float(cell)
        if math.isfinite(value):
            return value
    elif isinstance(cell, str):
        text = cell.strip()
        if text.lower() in MISSING:
            return math.nan
        compact = text.translate(_SPACES)
        if len(compact) <= 40 and _NUMBER.match(compact):
            compact = compact.rstrip("%").replace(",", ".").replace("\u2212", "-")
            value = float(compact)
            if math.isfinite(value):
                return value
    raise InputError("indicators.not_number", field="value", value=cell, shown=_shown(cell))


def _count(cell) -> int | None:
    """A number of persons: a whole number 0 or more, or ``None`` when missing."""
    if _is_blank(cell):
        return None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if math.isfinite(cell) and float(cell).is_integer() and 0 <= cell <= 10**12:
            return int(cell)
    elif isinstance(cell, str):
        text = cell.strip()
        if text.lower() in MISSING:
            return None
        compact = text.translate(_SPACES)
        if len(compact) <= 15 and _WHOLE.match(compact):
            return int(compact.replace(",", ".").split(".")[0])
    raise InputError("indicators.n_invalid", field="n", value=cell, shown=_shown(cell))


def _shown(cell) -> str:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    return sc.shown("" if cell is None else cell, 40)


# -- headers -------------------------------------------------------------------------------
def _normalise(cell) -> str:
    return " ".join(str("" if cell is None else cell).replace("\ufeff", "").replace("_", " ").lower().split())


def _sex_column(header: str):
    """``("value", code)`` for a column of one sex, ``("n", code)`` for its number of persons."""
    if header in SEX_WORDS:
        return "value", SEX_WORDS[header]
    for pattern in (_N_BEFORE, _N_AFTER):
        found = pattern.match(header)
        if found and _UNIT.sub("", found.group(1)) in SEX_WORDS:
            return "n", SEX_WORDS[_UNIT.sub("", found.group(1))]
    bare = _UNIT.sub("", header)
    if bare in SEX_WORDS:
        return "value", SEX_WORDS[bare]
    return None


class _Layout:
    """Which column holds what: ``fields`` (field → index), and for a wide file ``sexes``
    (code → value column) and ``counts`` (code → number-of-persons column)."""

    def __init__(self, header: list, name: str):
        self.header = header
        self.fields: dict[str, int] = {}
        self.sexes: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.name = name
        for i, cell in enumerate(header):
            key = _normalise(cell)
            if not key:
                continue
            field = _LOOKUP.get(key)
            sex = None if field else _sex_column(key)
            if not field and not sex:
                field = _LOOKUP.get(_UNIT.sub("", key))
            if field:
                self._put(self.fields, field, i, Msg(f"indicators.field.{field}"))
            elif sex:
                kind, code = sex
                target = self.sexes if kind == "value" else self.counts
                what = Msg(f"indicators.sex.{code}") if kind == "value" else Msg(f"indicators.count.{code}")
                self._put(target, code, i, what)
        self.wide = "sex" not in self.fields and bool(self.sexes)
        self._check()

    def _put(self, found: dict, key: str, index: int, what: Msg):
        if key in found:
            raise InputError("indicators.header_twice", source=self.name, row=1, name=self.name, what=what,
                             first=rd._column_letter(found[key]), second=rd._column_letter(index))
        found[key] = index

    def _check(self):
        name = self.name
        if self.wide:
            if "n" in self.fields:
                i = self.fields["n"]
                raise InputError("indicators.wide_n", source=name, row=1, column=rd._column_letter(i),
                                 name=name, column_letter=rd._column_letter(i), header=self.label(i))
            required = ("period",)
        else:
            required = ("period", "sex", "value")
        missing = [f for f in required if f not in self.fields]
        if not missing:
            return
        if not self.fields and not self.sexes:
            found = [sc.shown(c, 30) for c in self.header if not _is_blank(c)][:10]
            raise InputError("indicators.headers_unknown", source=name, row=1, name=name,
                             found="; ".join(found), expected=Msg("indicators.expected"))
        key = "indicators.header_missing" if len(missing) == 1 else "indicators.headers_missing"
        raise InputError(key, source=name, row=1, name=name,
                         what=[Msg(f"indicators.field.{f}") for f in missing],
                         expected=Msg("indicators.expected"))

    def label(self, index: int) -> str:
        return sc.shown(self.header[index] if index < len(self.header) else "", 40)

    def place(self, number: int, index: int) -> Msg:
        return Msg("indicators.place_cell", row=number, column=rd._column_letter(index),
                   header=self.label(index))


# -- tables (CSV and XLSX) -------------------------------------------------------------------
def _xlsx_rows(data: bytes, name: str) -> list[tuple[int, list]]:
    """The rows of the first sheet whose header the reader understands (else of the first
    sheet with anything in it), as ``(row number, cells)``, with the foundation's limits."""
    with rd.open_workbook(data, name) as book:
        first = None
        for sheet in book.worksheets:
            rows = [(number, row) for number, row in rd._stream_rows(sheet, name)
                    if any(not _is_blank(c) for c in row)]
            if not rows:
                continue
            try:
                _Layout(rows[0][1], name)
                return rows
            except InputError:
                first = first or rows
        return first or []


def _cell(row: list, index: int | None):
    return row[index] if index is not None and index < len(row) else None


def _read_table(numbered: list[tuple[int, list]], name: str) -> pd.DataFrame:
    """Rows of a CSV or a sheet (``(row number, cells)``, the header first) as the frame."""
    numbered = [(number, row) for number, row in numbered if any(not _is_blank(c) for c in row)]
    if not numbered:
        raise InputError("read.empty", source=name, name=name)
    if len(numbered) > MAX_ROWS + 1:
        raise InputError("read.too_many_rows", source=name, name=name, limit=MAX_ROWS)
    layout = _Layout(numbered[0][1], name)
    fields = layout.fields
    stem = sc.shown(Path(name).stem, TEXT_LIMITS["indicator"]) or name
    has_age = "age_group" in fields
    out = _Rows(name, has_age)
    if layout.wide:
        values = [(code, layout.sexes[code], layout.counts.get(code)) for code in ("K", "M", "T")
                  if code in layout.sexes]
    used = [*fields.values(), *layout.sexes.values(), *layout.counts.values()]
    for number, row in numbered[1:]:
        cell = functools.partial(_cell, row)
        if all(_is_blank(cell(i)) for i in used):
            continue  # an empty row, as Excel leaves at the end
        before = len(out.errors)
        texts = {}
        for field in ("indicator", "area", "period", "age_group"):
            if field not in fields:
                continue
            text = _text(cell(fields[field]), TEXT_LIMITS[field])
            if not text and field != "age_group":
                out.error(number, layout.place(number, fields[field]),
                          InputError("indicators.missing", field=field,
                                     what=Msg(f"indicators.field.{field}")))
            texts[field] = text
        key = (texts.get("indicator", stem), texts.get("area", ""), texts.get("period", ""))
        age = texts.get("age_group", "")
        if layout.wide:
            cells = values
        else:
            try:
                code = sex_code(cell(fields["sex"]))
            except InputError as exc:
                out.error(number, layout.place(number, fields["sex"]), exc)
                code = None
            cells = [(code, fields["value"], fields.get("n"))]
        parsed = []
        for code, i, count in cells:
            try:
                value = _number(cell(i))
            except InputError as exc:
                out.error(number, layout.place(number, i), exc)
                continue
            try:
                n = _count(cell(count)) if count is not None else None
            except InputError as exc:
                out.error(number, layout.place(number, count), exc)
                continue
            parsed.append((code, value, n, layout.place(number, i), _shown(cell(i)) or "–"))
        if len(out.errors) > before or out.full:
            if out.full:
                break
            continue
        for code, value, n, place, raw in parsed:
            out.add((*key, code, value, n, age), place, raw, number)
    return out.frame()


class _Rows:
    """The rows read so far, the errors met, and the duplicate check."""

    def __init__(self, name: str, has_age: bool):
        self.name = name
        self.has_age = has_age
        self.rows: list[tuple] = []
        self.errors: list[InputError] = []
        self.first_row = None
        self.seen: dict[tuple, tuple] = {}

    @property
    def full(self) -> bool:
        return len(self.errors) >= 50

    def error(self, number, place, exc: InputError):
        self.first_row = self.first_row or number
        self.errors.append(InputError("read.row_error", place=place, error=exc))

    def add(self, row: tuple, place, raw: str, number):
        indicator, area, period, code, value, n, age = row
        key = (indicator, area, period, code, age)
        if key in self.seen:
            other_value, other_n, other_place, other_raw = self.seen[key]
            same = (value == other_value or (math.isnan(value) and math.isnan(other_value))) and n == other_n
            if not same:
                details = Msg("indicators.what_age" if self.has_age and age else "indicators.what",
                              indicator=indicator, area=area or "–", period=period,
                              sex=Msg(f"indicators.sex.{code}"), age=age)
                self.error(number, place, InputError("indicators.duplicate", other=other_place, what=details,
                                                     first=other_raw, second=raw))
            return
        self.seen[key] = (value, n, place, raw)
        self.rows.append(row)

    def frame(self) -> pd.DataFrame:
        if self.errors:
            shown = self.errors[:MAX_ERRORS_SHOWN]
            if len(self.errors) > MAX_ERRORS_SHOWN:
                shown.append(InputError("read.more_errors", n=len(self.errors) - MAX_ERRORS_SHOWN))
            raise InputError("read.failed", source=self.name, row=self.first_row, name=self.name,
                             details=shown)
        if not self.rows:
            raise InputError("indicators.no_data", source=self.name, name=self.name)
        columns = list(zip(*self.rows))
        frame = pd.DataFrame({
            "indicator": pd.Series(columns[0], dtype=object),
            "area": pd.Series(columns[1], dtype=object),
            "period": pd.Series(columns[2], dtype=object),
            "sex": pd.Series(columns[3], dtype=object),
            "value": pd.Series(columns[4], dtype="float64"),
            "n": pd.array(list(columns[5]), dtype="Int64"),
        })
        if self.has_age:
            frame["age_group"] = pd.Series(columns[6], dtype=object)
        return frame


# -- Kolada ----------------------------------------------------------------------------------
def _truthy(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "1", "yes"))


def _kolada_text(record: dict, *keys) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)) and not (isinstance(value, float) and not value.is_integer()):
            return sc.shown(str(int(value)), TEXT_LIMITS["area"])
        if isinstance(value, str) and value.strip():
            return sc.shown(value, TEXT_LIMITS["area"])
    return None


def _read_kolada(data: bytes, name: str) -> pd.DataFrame:
    """A page of Kolada's API (v2 or v3: ``{"values": [...], ...}``), or a bare list of records."""
    try:
        doc = json.loads(rd.decode_text(data, name), parse_int=rd._json_int, parse_constant=rd._json_constant)
    except json.JSONDecodeError as exc:
        raise InputError("read.json_invalid", source=name, row=exc.lineno, column=exc.colno,
                         name=name, line=exc.lineno, col=exc.colno) from None
    except (RecursionError, ValueError):
        raise InputError("read.json_too_deep", source=name, name=name) from None
    if rd._depth(doc) > MAX_JSON_DEPTH:
        raise InputError("read.json_too_deep", source=name, name=name)
    records = doc.get("values") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise InputError("indicators.kolada_shape", source=name, name=name)
    if len(records) > MAX_ROWS:
        raise InputError("read.too_many_rows", source=name, name=name, limit=MAX_ROWS)
    if records and not any(isinstance(r, dict) and "kpi" in r and "values" in r for r in records):
        raise InputError("indicators.kolada_shape", source=name, name=name)
    out = _Rows(name, has_age=False)
    for number, record in enumerate(records, start=1):
        if out.full:
            break
        if not isinstance(record, dict):
            out.error(number, Msg("indicators.place_record_bare", n=number),
                      InputError("indicators.kolada_record"))
            continue
        if _truthy(record.get("isdeleted")):
            continue
        kpi = _kolada_text(record, "kpi")
        area = _kolada_text(record, "municipality", "ou")
        period = _kolada_text(record, "period")
        place = (Msg("indicators.place_record", n=number, kpi=kpi, municipality=area, period=period)
                 if kpi and area and period else Msg("indicators.place_record_bare", n=number))
        missing = [f for f, v in (("kpi", kpi), ("municipality", area), ("period", period)) if v is None]
        if missing:
            out.error(number, place, InputError("indicators.kolada_field", field=missing[0], what=missing))
            continue
        values = record.get("values")
        if not isinstance(values, list):
            out.error(number, place, InputError("indicators.kolada_values"))
            continue
        for position, item in enumerate(values, start=1):
            here = Msg("indicators.place_value", record=place, n=position)
            if not isinstance(item, dict):
                out.error(number, here, InputError("indicators.kolada_values"))
                continue
            if _truthy(item.get("isdeleted")):
                continue
            try:
                code = sex_code(item.get("gender"))
                value = _number(item.get("value"))
            except InputError as exc:
                out.error(number, here, exc)
                continue
            raw = _shown(item.get("value")) if item.get("value") is not None else "null"
            out.add((kpi, area, period, code, value, None, ""), here, raw, number)  # never Kolada's count
    return out.frame()
