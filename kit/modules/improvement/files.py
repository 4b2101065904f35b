r"""A group's improvement theory as files to download and upload again: the kit's JSON, an
XLSX with a sheet for the chain, the Model for Improvement, the PDSA cycles and the
measurements, and the measurements alone as a CSV for Swedish Excel.

The JSON carries the kit's format marker (:data:`kit.io.readers.KIT_FORMAT`) with
``"kind": "forbattringsteori"`` and the payload's six parts beside it. In the XLSX every cell
goes through :func:`kit.io.writers.put` (headers included), so a text such as
``=HYPERLINK(...)`` stays text; the chain's sheet names each item by its id and its links by
the ids they lead to, so the file reads back. The CSV is what Swedish Excel opens: ``;``, a
decimal comma, UTF-8 with a BOM, CRLF, every text formula-safe
(:func:`kit.io.writers.safe_csv_text`).

:func:`read` takes back (a) the kit's JSON of this kind and (b) this module's XLSX — both the
whole improvement theory — and (c) a plain CSV or XLSX of measurements (the columns Datum/Date,
Värde/Value, Kvinnor/Women or Flickor/Girls, Män/Men or Pojkar/Boys, in any case and order,
other columns ignored), which gives ``{"measurements": [...]}`` only, for the app to add. It
uses the kit's guarded size, zip and JSON checks, and either returns clean data or raises one
:class:`kit.InputError` naming the file and where in it — nothing is half-read.

>>> from kit.modules.improvement import rules as r
>>> p = r.blank()
>>> e = r.add_item(p, "effect", '=HYPERLINK("http://x")', goals=["health"])
>>> p["measurements"] = [{"date": "2027-01-04", "value": 4.5}]
>>> p = r.clean_payload(p)
>>> read("teori.xlsx", to_xlsx(p)) == p == read("teori.json", to_json(p))
True
>>> read("mätvärden.csv", "Datum;Kvinnor;Män\r\n2027-01-04;4,5;..\r\n".encode("cp1252"))["measurements"][0]
... # doctest: +ELLIPSIS
{'id': '...', 'date': '2027-01-04', 'value': None, 'women': 4.5, 'men': None}
>>> read("mätvärden.csv", "Datum;Värde\r\n1/3 2027;4\r\n".encode())
Traceback (most recent call last):
kit.errors.InputError: mätvärden.csv: rad 2, kolumn A (Datum): Datum ska vara ett datum som 2027-03-01 (år-månad-dag), inte '1/3 2027'. Inget har lästs in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError, Msg
from kit.io import readers as rd
from kit.io.writers import _plain_number, clean, safe_csv_text, sheet_title, write_row
from kit.modules.improvement import records
from kit.modules.improvement import rules as r

KIND = records.MODULE
#: The payload's parts, as the JSON holds them.
PARTS = ("items", "links", "aims", "cycles", "measurements", "series")
SUFFIXES = (".json", ".xlsx", ".xlsm", ".csv", ".txt", ".tsv")
#: The columns of each sheet this module writes, by field.
CHAIN_FIELDS = ("step", "text", "leads_to", "indicator", "indicator_id", "by_sex", "baseline",
                "target", "date", "goals", "id", "leads_to_ids")
CYCLE_FIELDS = ("number", *records.CYCLE_FIELDS, "id")
MEASUREMENT_FIELDS = ("date", "value", "women", "men")
MODEL_FIELDS = ("question", "answer", "key")
SETTINGS = ("name", "unit", "baseline", "method")
VALUES = ("value", "women", "men")
#: Other headers a file of measurements may use (lower case).
MEASUREMENT_ALIASES = {"flickor": "women", "girls": "women", "pojkar": "men", "boys": "men",
                       "varde": "value", "man": "men"}
_UNIT = re.compile(r"\s*\([^()]*\)$")
_CYCLE_ONLY = {"objective", "questions", "change", "predictions", "done", "observed", "learned",
               "decision"}


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"improvement.export.{key}", lang, **values)


# -- writing ---------------------------------------------------------------------------------
def _cleaned(node):
    """Every text of a payload as exports write it (no control characters)."""
    if isinstance(node, dict):
        return {k: _cleaned(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_cleaned(v) for v in node]
    return clean(node)


def to_json(payload: dict, workshop: str = "", group: str = "", occasion: str = "") -> bytes:
    """The improvement theory as the kit's JSON (read back by :func:`read`): the kit's envelope
    (format, its version, kind and module, the payload's version, workshop, group, occasion,
    when it was exported) and the clean payload's six parts; UTF-8, Swedish letters as they
    are.

    >>> doc = json.loads(to_json({"aims": {"aim": "Kortare\\x00 väntetid"}}, "Höst", "=Örby", "uppstart"))
    >>> doc["kind"], doc["group"], doc["aims"]["aim"], doc["items"]
    ('forbattringsteori', '=Örby', 'Kortare väntetid', [])
    """
    p = r.clean_payload(payload)
    doc = {"format": rd.KIT_FORMAT, "format_version": rd.KIT_FORMAT_VERSION, "kind": KIND,
           "module": KIND, "version": records.VERSION, "workshop": clean(str(workshop or "")),
           "group": clean(str(group or "")), "occasion": clean(str(occasion or "")),
           "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           **{part: _cleaned(p[part]) for part in PARTS}}
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def _label(sheet: str, field: str, lang: str) -> str:
    """A column's header in ``lang``."""
    if field == "id":
        return _t("id", lang)
    if sheet == "cycles":
        return _t(f"cycle.{field}", lang)
    if sheet == "measurements":
        return _t(f"m.{field}", lang)
    return _t(field, lang)


def _sheet(book, title: str, headers: list, rows: list):
    sheet = book.create_sheet(sheet_title(title))
    write_row(sheet, headers)
    for row in rows:
        write_row(sheet, row)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    return sheet


def to_xlsx(payload: dict, lang: str = "sv") -> bytes:
    """The improvement theory as an XLSX, labels in ``lang``:

    - the chain (a row per item in the payload's order: the step, the text, what it leads to
      as texts, the indicator, the indicator from the statistics, ja/nej for women and men,
      baseline, target, the date as a date, the national goals ``"; "``-joined, the item's id
      and the ids it leads to, ``", "``-joined — the two columns :func:`read` takes the links
      from);
    - the Model for Improvement (a row per question or setting: the question, the answer and
      its key — the three answers, the measure's name and unit, the baseline and the rules);
    - the PDSA cycles (a row per cycle: its number, dates as dates, every field, the decision
      in words and its id);
    - the measurements (date as a date, value, women, men, id) — a sheet :func:`read` also
      takes on its own.
    """
    from openpyxl import Workbook

    p = r.clean_payload(payload)
    by_id = {i["id"]: i for i in p["items"]}
    chain = []
    for item in p["items"]:
        targets = [b for b in r.leads_to(p, item["id"]) if b in by_id]
        chain.append([r.step_name(item["step"], lang), item["text"],
                      "; ".join(by_id[b]["text"] or by_id[b]["indicator"] for b in targets),
                      item["indicator"], item["indicator_id"], records.yes_no(item["by_sex"], lang),
                      item["baseline"], item["target"], records.as_date(item["date"]),
                      "; ".join(r.goal_name(g, lang) for g in item.get("goals") or []),
                      item["id"], ", ".join(targets)])
    s = p["series"]
    model = [[_t(f"aims.{f}", lang), p["aims"][f], f] for f in r.AIM_FIELDS]
    model += [[_t(f"settings.{f}", lang),
               records.method_name(s[f], lang) if f == "method" else s[f], f] for f in SETTINGS]
    book = Workbook()
    book.remove(book.active)
    _sheet(book, _t("sheet_chain", lang), [_label("chain", f, lang) for f in CHAIN_FIELDS], chain)
    _sheet(book, _t("sheet_model", lang), [_label("model", f, lang) for f in MODEL_FIELDS], model)
    _sheet(book, _t("sheet_pdsa", lang), [_label("cycles", f, lang) for f in CYCLE_FIELDS],
           [records.cycle_cells(c, lang) + [c["id"]] for c in p["cycles"]])
    _sheet(book, _t("sheet_measurements", lang),
           [_label("measurements", f, lang) for f in (*MEASUREMENT_FIELDS, "id")],
           [[records.as_date(m["date"]), m["value"], m["women"], m["men"], m["id"]]
            for m in p["measurements"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measurements_csv(payload: dict, lang: str = "sv") -> bytes:
    r"""The measurements as Swedish Excel opens a CSV: ``;`` between columns, a decimal comma,
    UTF-8 with a BOM and CRLF line ends; the columns date;value;women;men with headers in
    ``lang``, an empty cell where a value is missing.

    >>> measurements_csv({"measurements": [{"date": "2027-01-04", "women": 4.5, "men": -1}]}, "en")
    b'\xef\xbb\xbfDate;Value;Women;Men\r\n2027-01-04;;4,5;-1,0\r\n'
    """
    ms = r.clean_measurements((payload or {}).get("measurements"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_csv_text(_label("measurements", f, lang)) for f in MEASUREMENT_FIELDS])
    for m in ms:
        writer.writerow([safe_csv_text(m["date"]), *(_plain_number(m[f], "sv") for f in VALUES)])
    return buffer.getvalue().encode("utf-8-sig")


# -- reading ---------------------------------------------------------------------------------
_guarded = rd.guarded("improvement.unreadable")


def read(name: str, data: bytes) -> dict:
    """An improvement theory, or measurements, from a file (see the module's docstring): the
    whole clean payload from the kit's JSON or this module's XLSX; ``{"measurements": [...]}``
    (clean, by date) from a CSV or XLSX of measurements; or one :class:`kit.InputError` naming
    the file and where in it."""
    return _read(name=name, data=data)


@_guarded
def _read(path=None, *, name: str, data: bytes | None = None) -> dict:
    data = rd._file_bytes(path, name, data)
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise InputError("read.xls", source=name, name=name)
    if suffix not in SUFFIXES:
        raise InputError("improvement.unknown_type", source=name, name=name,
                         suffix=suffix or Msg("read.no_suffix"))
    if not data:
        raise InputError("read.empty", source=name, name=name)
    if suffix == ".json":
        return _read_json(name, data)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(name, data)
    return _read_csv(name, data)


def _failed(name: str, exc: InputError) -> InputError:
    return InputError("read.failed", source=name, row=exc.row, field=exc.field, name=name,
                      details=[exc])


def _clean(name: str, payload: dict) -> dict:
    try:
        return r.clean_payload(payload)
    except InputError as exc:
        raise _failed(name, exc) from None


def _read_json(name: str, data: bytes) -> dict:
    try:
        doc = json.loads(rd.decode_text(data, name), parse_int=rd._json_int,
                         parse_constant=rd._json_constant)
    except json.JSONDecodeError as exc:
        raise InputError("read.json_invalid", source=name, row=exc.lineno, column=exc.colno,
                         name=name, line=exc.lineno, col=exc.colno) from None
    except (RecursionError, ValueError):
        raise InputError("read.json_too_deep", source=name, name=name) from None
    if not isinstance(doc, dict) or doc.get("format") != rd.KIT_FORMAT:
        raise InputError("read.not_kit", source=name, name=name)
    if rd._depth(doc) > rd.MAX_JSON_DEPTH:
        raise InputError("read.json_too_deep", source=name, name=name)
    if doc.get("format_version") != rd.KIT_FORMAT_VERSION:
        raise InputError("read.kit_version", source=name, name=name,
                         version=sc.shown(doc.get("format_version")), supported=rd.KIT_FORMAT_VERSION)
    if doc.get("kind") != KIND:
        raise InputError("improvement.json_kind", source=name, name=name,
                         kind=sc.shown(doc.get("kind") or "–"))
    return _clean(name, {part: doc.get(part) for part in PARTS})


# -- cells -----------------------------------------------------------------------------------
def _text(cell) -> str:
    """A cell as text: a whole number without ".0", a date cell as its date."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(sep=" ")
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)


def _key(cell) -> str:
    return rd._normalise_header(_text(cell))


def _number(cell, field: str) -> float | None:
    """A number by the Swedish rules (a decimal comma, spaces between thousands, ``−``); a
    missing marker (``..``, ``–``, ``x`` …) or an empty cell is ``None``.

    >>> _number("1 234,5", "value"), _number("\u22123", "men"), _number("..", "women"), _number(2, "value")
    (1234.5, -3.0, None, 2.0)
    """
    from kit.io.indicators import MISSING

    if isinstance(cell, str) and cell.strip().lower() in MISSING:
        return None
    return r.parse_number(cell, field)


def _id(cell) -> str:
    return " ".join(clean(_text(cell)).split())[:40]


def _names(keys, name_of) -> dict:
    """Normalised key or name (either language) → key."""
    found = {}
    for key in keys:
        found[_key(key)] = key
        for lang in content.LANGUAGES:
            found[_key(name_of(key, lang))] = key
    return found


def _step(cell) -> str:
    if r._blank(cell):
        raise InputError("improvement.step_missing", field="step")
    found = _names(r.STEPS, r.step_name).get(_key(cell))
    if found is None:
        raise InputError("improvement.step_unknown", field="step", value=cell, shown=sc.shown(_text(cell)))
    return found


def _goals(cell) -> list[str]:
    names = _names(r.NATIONAL_GOALS, r.goal_name)
    found = []
    for part in re.split(r"[;\n]", _text(cell)):
        if not part.strip():
            continue
        goal = names.get(_key(part))
        if goal is None:
            raise InputError("improvement.goal_unknown", field="goals", value=part, shown=sc.shown(part))
        found.append(goal)
    return found


def _decision(cell) -> str:
    if r._blank(cell):
        return ""
    names = _names(r.DECISIONS, r.decision_name)
    for lang in content.LANGUAGES:
        names[_key(_t("cycle.undecided", lang))] = ""
    found = names.get(_key(cell))
    if found is None:
        raise InputError("improvement.decision_unknown", field="decision", value=cell,
                         shown=sc.shown(_text(cell)))
    return found


def _method(cell) -> str:
    if r._blank(cell):
        return "ihi"
    found = _names(r.METHODS, records.method_name).get(_key(cell))
    if found is None:
        raise InputError("improvement.method_unknown", field="method", value=cell,
                         shown=sc.shown(_text(cell)))
    return found


def _baseline(cell) -> int | None:
    number = _number(cell, "baseline")
    return r.clean_series({"baseline": number})["baseline"]


# -- headers ---------------------------------------------------------------------------------
def _aliases(sheet: str, fields) -> dict:
    found = {}
    for field in fields:
        found[_key(field)] = field
        for lang in content.LANGUAGES:
            found[_key(_label(sheet, field, lang))] = field
    if sheet == "measurements":
        found.update(MEASUREMENT_ALIASES)
    return found


ALIASES = {"chain": _aliases("chain", CHAIN_FIELDS), "cycles": _aliases("cycles", CYCLE_FIELDS),
           "model": _aliases("model", MODEL_FIELDS),
           "measurements": _aliases("measurements", (*MEASUREMENT_FIELDS, "id"))}


def _header_map(header: list, kind: str) -> tuple[dict, tuple | None]:
    """Field → column index, and the first field found twice ``(field, first, second)``."""
    aliases = ALIASES[kind]
    found: dict[str, int] = {}
    twice = None
    for i, cell in enumerate(header):
        text = _key(cell)
        field = aliases.get(text)
        if field is None and kind == "measurements":
            field = aliases.get(_UNIT.sub("", text))  # "Värde (dagar)"
        if field is None:
            continue
        if field in found:
            twice = twice or (field, found[field], i)
            continue
        found[field] = i
    return found, twice


def _classify(header: list) -> tuple[str | None, dict, tuple | None]:
    """Which of this module's sheets a header row is (or a sheet of measurements)."""
    columns, twice = _header_map(header, "chain")
    if {"step", "text", "id"} <= set(columns):  # this module's own (the facilitator's has no ids)
        return "chain", columns, twice
    columns, twice = _header_map(header, "cycles")
    if len(set(columns) & _CYCLE_ONLY) >= 2:
        return "cycles", columns, twice
    columns, twice = _header_map(header, "model")
    if {"key", "answer"} <= set(columns):
        return "model", columns, twice
    columns, twice = _header_map(header, "measurements")
    if "date" in columns and any(f in columns for f in VALUES):
        return "measurements", columns, twice
    return None, {}, None


class _Part:
    """One sheet (or a CSV) being read: where its columns are, and the problems found, each
    named by file, sheet, row and column."""

    def __init__(self, name: str, sheet: str | None, header: list, columns: dict, problems: list):
        self.name, self.sheet, self.header, self.columns = name, sheet, header, columns
        self.problems = problems

    def place(self, number: int, field: str | None) -> Msg:
        if field in self.columns:
            i = self.columns[field]
            head = sc.shown(_text(self.header[i]) if i < len(self.header) else field, 40)
            column = rd._column_letter(i)
            if self.sheet is None:
                return Msg("improvement.place_csv_cell", row=number, column=column, field=head)
            return Msg("improvement.place_cell", sheet=self.sheet, row=number, column=column, field=head)
        if self.sheet is None:
            return Msg("improvement.place_csv_row", row=number)
        return Msg("improvement.place_row", sheet=self.sheet, row=number)

    def add(self, number: int, field: str | None, error: InputError) -> None:
        self.problems.append(InputError("improvement.row_error", row=number, field=field,
                                        value=error.value, place=self.place(number, field), error=error))

    def check(self, number: int, field: str, fn):
        """``fn()``, or ``None`` with its error noted at this row and field's column."""
        try:
            return fn()
        except InputError as exc:
            self.add(number, field, exc)
            return None

    def cells(self, row: list) -> dict:
        return {f: (row[i] if i < len(row) else None) for f, i in self.columns.items()}


def _raise_problems(name: str, problems: list) -> None:
    if not problems:
        return
    shown = problems[:rd.MAX_ERRORS_SHOWN]
    if len(problems) > rd.MAX_ERRORS_SHOWN:
        shown.append(InputError("read.more_errors", n=len(problems) - rd.MAX_ERRORS_SHOWN))
    raise InputError("read.failed", source=name, row=problems[0].row, field=problems[0].field,
                     name=name, details=shown)


def _twice(name: str, sheet: str | None, header: list, twice) -> None:
    if twice is None:
        return
    field, first, second = twice
    raise InputError("improvement.header_twice", source=name, row=1, field=field, name=name,
                     what=sc.shown(_text(header[first]), 40),
                     sheet=Msg("improvement.on_sheet", sheet=sheet) if sheet else "",
                     first=rd._column_letter(first), second=rd._column_letter(second))


# -- the parts -------------------------------------------------------------------------------
def _measurements(part: _Part, body) -> list[dict]:
    out = []
    for number, row in body:
        cells = part.cells(row)
        if all(r._blank(v) for v in cells.values()):
            continue
        before = len(part.problems)
        date = part.check(number, "date", lambda: r.parse_date(cells.get("date"), "date"))
        values = {f: part.check(number, f, lambda f=f: _number(cells.get(f), f)) for f in VALUES}
        if len(part.problems) > before:
            continue
        if not date and all(v is None for v in values.values()):
            continue  # only missing markers, or only an id
        if not date:
            part.add(number, "date", InputError("improvement.cell_no_date", field="date"))
            continue
        if all(v is None for v in values.values()):
            part.add(number, None, InputError("improvement.cell_no_value", field="value", date=date))
            continue
        out.append({"id": _id(cells.get("id")) or None, "date": date, **values})
    return out


def _chain(part: _Part, body) -> tuple[list, list]:
    items, links = [], []
    for number, row in body:
        cells = part.cells(row)
        if all(r._blank(v) for f, v in cells.items() if f != "leads_to"):
            continue
        before = len(part.problems)
        item = {"step": part.check(number, "step", lambda: _step(cells.get("step")))}
        for f in ("text", "indicator", "indicator_id"):
            limit = r.LONG if f == "text" else r.SHORT
            item[f] = part.check(number, f, lambda f=f, limit=limit: sc.clean_text(_text(cells.get(f)), f, limit))
        item["date"] = part.check(number, "date", lambda: r.parse_date(cells.get("date"), "date"))
        for f in r.ITEM_NUMBERS:
            item[f] = part.check(number, f, lambda f=f: _number(cells.get(f), f))
        item["by_sex"] = r._yes(_text(cells.get("by_sex")))
        item["goals"] = part.check(number, "goals", lambda: _goals(cells.get("goals")))
        if len(part.problems) > before:
            continue
        item["id"] = _id(cells.get("id")) or r.new_id()
        items.append(item)
        links += [[item["id"], t.strip()] for t in _text(cells.get("leads_to_ids")).split(",") if t.strip()]
    return items, links


def _cycles(part: _Part, body) -> list[dict]:
    out = []
    for position, (number, row) in enumerate(body, start=1):
        cells = part.cells(row)
        if all(r._blank(v) for f, v in cells.items() if f != "number"):
            continue
        before = len(part.problems)
        cycle = {"id": _id(cells.get("id")) or r.new_id()}
        for f in r.CYCLE_DATES:
            cycle[f] = part.check(number, f, lambda f=f: r.parse_date(cells.get(f), f))
        for f in r.CYCLE_TEXT:
            cycle[f] = part.check(number, f, lambda f=f: sc.clean_text(_text(cells.get(f)), f, r.LONG,
                                                                        multiline=True))
        cycle["decision"] = part.check(number, "decision", lambda: _decision(cells.get("decision")))
        if len(part.problems) > before:
            continue
        if cycle["start"] and cycle["end"] and cycle["end"] < cycle["start"]:
            shown = cells.get("number")
            n = int(shown) if isinstance(shown, (int, float)) and not isinstance(shown, bool) else position
            part.add(number, "end", InputError("improvement.cycle_dates", field="end", n=n,
                                               start=cycle["start"], end=cycle["end"]))
            continue
        out.append(cycle)
    return out


def _model(part: _Part, body) -> tuple[dict, dict]:
    aims = {f: "" for f in r.AIM_FIELDS}
    series = {"name": "", "unit": "", "baseline": None, "method": "ihi"}
    questions = {}
    for f in r.AIM_FIELDS:
        questions.update({_key(_t(f"aims.{f}", lang)): f for lang in content.LANGUAGES})
    for f in SETTINGS:
        questions.update({_key(_t(f"settings.{f}", lang)): f for lang in content.LANGUAGES})
    for number, row in body:
        cells = part.cells(row)
        key = _key(cells.get("key"))
        key = key if key in (*r.AIM_FIELDS, *SETTINGS) else questions.get(_key(cells.get("question")))
        if key is None:
            continue  # a row of the user's own: not read
        value = cells.get("answer")
        if key in r.AIM_FIELDS:
            found = part.check(number, "answer", lambda: sc.clean_text(_text(value), key, r.LONG, multiline=True))
            aims[key] = found if found is not None else ""
        elif key in ("name", "unit"):
            limit = r.SHORT if key == "name" else 40
            found = part.check(number, "answer", lambda: sc.clean_text(_text(value), key, limit))
            series[key] = found if found is not None else ""
        elif key == "baseline":
            series["baseline"] = part.check(number, "answer", lambda: _baseline(value))
        else:
            series["method"] = part.check(number, "answer", lambda: _method(value)) or "ihi"
    return aims, series


def _only_measurements(name: str, rows: list[dict]) -> dict:
    if not rows:
        raise InputError("improvement.no_measurements", source=name, name=name)
    try:
        return {"measurements": r.clean_measurements(rows)}
    except InputError as exc:
        raise _failed(name, exc) from None


def _read_csv(name: str, data: bytes) -> dict:
    rows = rd._read_csv_rows(data, name)
    header = rows[0] if rows else []
    kind, columns, twice = _classify(header)
    if kind != "measurements":
        raise InputError("improvement.no_columns", source=name, row=1, name=name)
    _twice(name, None, header, twice)
    problems: list = []
    found = _measurements(_Part(name, None, header, columns, problems), enumerate(rows[1:], start=2))
    _raise_problems(name, problems)
    return _only_measurements(name, found)


def _read_xlsx(name: str, data: bytes) -> dict:
    sheets: dict[str, tuple] = {}
    with rd.open_workbook(data, name) as book:
        for sheet in book.worksheets:
            rows = list(rd._stream_rows(sheet, name))
            if not rows:
                continue
            header = [("" if c is None else c) for c in rows[0][1]]
            kind, columns, twice = _classify(header)
            if kind is not None and kind not in sheets:
                sheets[kind] = (sheet.title, header, columns, twice, rows[1:])
    problems: list = []

    def part(kind):
        title, header, columns, twice, body = sheets[kind]
        _twice(name, title, header, twice)
        return _Part(name, title, header, columns, problems), body

    if "chain" in sheets:
        items, links = _chain(*part("chain"))
        cycles = _cycles(*part("cycles")) if "cycles" in sheets else []
        measurements = _measurements(*part("measurements")) if "measurements" in sheets else []
        aims, series = _model(*part("model")) if "model" in sheets else ({}, {})
        _raise_problems(name, problems)
        return _clean(name, {"items": items, "links": links, "aims": aims, "cycles": cycles,
                             "measurements": measurements, "series": series})
    if "measurements" in sheets:
        found = _measurements(*part("measurements"))
        _raise_problems(name, problems)
        return _only_measurements(name, found)
    raise InputError("improvement.no_columns", source=name, name=name)
