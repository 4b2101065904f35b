"""A group's stakeholder analysis as a file to download and upload again: the kit's JSON and
an XLSX with a sheet of stakeholders and a sheet for the communication plan.

The JSON carries the kit's format marker (:data:`kit.io.readers.KIT_FORMAT`) with
``"kind": "intressentanalys"``. In the XLSX every cell goes through
:func:`kit.io.writers.put` (headers included), so a name such as ``=HYPERLINK(...)`` stays
text. :func:`read` takes both back — the XLSX with Swedish or English headers, as this module
writes it (or edited in Excel) — with the kit's guarded size, zip and JSON checks, and either
returns a clean analysis or raises one :class:`kit.InputError` naming file, sheet, row and
column. Nothing is half-read.

>>> data = {"stakeholders": [{"name": "=HYPERLINK(\\"http://x\\")", "power": 4, "interest": 2}]}
>>> back = read("analys.xlsx", to_xlsx(data, "sv"))
>>> back["stakeholders"][0]["name"], back["plan"][0]["strategy"]
('=HYPERLINK("http://x")', 'keep_satisfied')
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from kit import content
from kit.errors import InputError, Msg
from kit.io import readers as rd
from kit.io.writers import clean, sheet_title, write_row
from kit.modules.stakeholders import records
from kit.modules.stakeholders import rules as r

KIND = records.MODULE
_TABLE_FIELDS = ("id", "name", "kind", "power", "interest", "attitude", "concerns", "other_groups",
                 "note", "legitimacy", "urgency", "strategy_override", "override_reason")
_PLAN_FIELDS = ("stakeholder", "message", "channel", "frequency", "owner", "moments")


def _cleaned(node):
    """Every text of a payload as exports write it (no control characters)."""
    if isinstance(node, dict):
        return {k: _cleaned(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_cleaned(v) for v in node]
    return clean(node)


def to_json(payload: dict, workshop: str = "", group: str = "", occasion: str = "") -> bytes:
    """The analysis as the kit's JSON file (read back by :func:`read`)."""
    doc = {"format": rd.KIT_FORMAT, "format_version": rd.KIT_FORMAT_VERSION, "kind": KIND,
           "module": KIND, "version": records.VERSION, "workshop": clean(workshop or ""),
           "group": clean(group or ""), "occasion": clean(occasion or ""),
           "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "stakeholders": _cleaned(list(payload.get("stakeholders") or [])),
           "plan": _cleaned(list(payload.get("plan") or []))}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _id_header() -> str:
    return content.text("stakeholders.columns.id.label", "sv")


def to_xlsx(payload: dict, lang: str = "sv") -> bytes:
    """The analysis as an XLSX: the stakeholders (by labels in ``lang``, with the grid's
    suggestion, the strategy and the salience type as extra columns that :func:`read`
    ignores, and the row's id last) and the plan (the stakeholder by name)."""
    from openpyxl import Workbook

    clean_payload = records.payload(payload.get("stakeholders") or [], payload.get("plan") or [])
    book = Workbook()
    book.remove(book.active)
    people = book.create_sheet(sheet_title(content.text("stakeholders.export.sheet_stakeholders", lang)))
    write_row(people, records.stakeholder_headers(lang) + [_id_header()])
    for row in clean_payload["stakeholders"]:
        write_row(people, records.stakeholder_cells(row, lang) + [row["id"]])
    plan = book.create_sheet(sheet_title(content.text("stakeholders.export.sheet_plan", lang)))
    write_row(plan, records.plan_headers(lang))
    for row in clean_payload["plan"]:
        write_row(plan, records.plan_cells(row, lang))
    for sheet in (people, plan):
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- reading -------------------------------------------------------------------------------
def read(name: str, data: bytes) -> dict:
    """A stakeholder analysis from a file this module wrote (``.json`` or ``.xlsx``):
    ``{"stakeholders", "plan", "workshop", "group", "occasion"}``, clean; or one
    :class:`kit.InputError` naming the file and where in it."""
    name = r.shown(name or "fil", 80)
    try:
        data = rd._file_bytes(None, name, data)
        suffix = Path(name).suffix.lower()
        if suffix == ".json":
            return _read_json(name, data)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(name, data)
        if suffix == ".xls":
            raise InputError("read.xls", source=name, name=name)
        raise InputError("stakeholders.unknown_type", source=name, name=name,
                         suffix=suffix or Msg("read.no_suffix"))
    except InputError:
        raise
    except (RecursionError, MemoryError):
        raise InputError("read.too_complex", source=name, name=name) from None
    except Exception:  # noqa: BLE001 - the promise: no other exception type
        rd.log.exception("JämKit: unexpected error reading %s", name)
        raise InputError("stakeholders.unreadable", source=name, name=name) from None


def _failed(name: str, exc: InputError, details=None) -> InputError:
    """The rules' error as a file's: "<file>: <every problem> Nothing was read."."""
    found = details if details is not None else exc.values.get("details") or [exc]
    return InputError("read.failed", source=name, row=exc.row, field=exc.field, name=name,
                      details=found)


def _analysis(name: str, stakeholders, plan, places=None) -> dict:
    try:
        clean = r.clean_stakeholders(stakeholders)
    except InputError as exc:
        raise _failed(name, exc, places("table", exc) if places else None) from None
    try:
        full = r.communication_plan(clean, plan)
    except InputError as exc:
        raise _failed(name, exc, places("plan", exc) if places else None) from None
    return {"stakeholders": clean, "plan": full}


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
                         version=r.shown(doc.get("format_version")), supported=rd.KIT_FORMAT_VERSION)
    if doc.get("kind") != KIND:
        raise InputError("stakeholders.json_kind", source=name, name=name,
                         kind=r.shown(doc.get("kind") or "–"))
    for key in ("stakeholders", "plan"):
        if not isinstance(doc.get(key, []), list):
            raise InputError("stakeholders.json_list", source=name, name=name, key=key)
    if not isinstance(doc.get("stakeholders"), list):
        raise InputError("stakeholders.json_list", source=name, name=name, key="stakeholders")
    found = _analysis(name, doc["stakeholders"], doc.get("plan") or [])
    for field in ("workshop", "group", "occasion"):
        value = doc.get(field)
        found[field] = r.shown(value, 200) if isinstance(value, str) else ""
    return found


def _aliases(base: str, fields) -> dict:
    """Header text (any language, or the field's own name) → field."""
    found = {}
    for field in fields:
        found[_header(field)] = field
        for lang in content.LANGUAGES:
            found[_header(content.text(f"stakeholders.{base}.{field}.label", lang))] = field
    return found


def _header(cell) -> str:
    return rd._normalise_header(cell)


def _header_map(header: list, aliases: dict, name: str, sheet: str) -> dict:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        field = aliases.get(_header(cell))
        if field is None:
            continue
        if field in found:
            raise InputError("stakeholders.header_twice", source=name, row=1, field=field,
                             name=name, sheet=sheet, what=_header_label(field),
                             first=rd._column_letter(found[field]), second=rd._column_letter(i))
        found[field] = i
    return found


def _header_label(field: str) -> Msg:
    return r.field_label(field, plan=field in _PLAN_FIELDS and field not in _TABLE_FIELDS)


def _read_xlsx(name: str, data: bytes) -> dict:
    table_aliases, plan_aliases = _aliases("columns", _TABLE_FIELDS), _aliases("plan_columns", _PLAN_FIELDS)
    people = plan = None
    with rd.open_workbook(data, name) as book:
        for sheet in book.worksheets:
            rows = list(rd._stream_rows(sheet, name))
            if not rows:
                continue
            header = rows[0][1]
            columns = _header_map(header, table_aliases, name, sheet.title)
            if people is None and {"name", "power", "interest"} <= set(columns):
                people = (sheet.title, columns, rows[1:])
                continue
            columns = _header_map(header, plan_aliases, name, sheet.title)
            if plan is None and "stakeholder" in columns:
                plan = (sheet.title, columns, rows[1:])
    if people is None:
        headers = ", ".join(content.text(f"stakeholders.columns.{f}.label", "sv")
                            for f in ("name", "power", "interest"))
        raise InputError("stakeholders.xlsx_no_sheet", source=name, name=name, headers=headers)

    def cells(columns, row):
        return {f: (row[i] if i < len(row) else None) for f, i in columns.items()}

    title, columns, body = people
    table, numbers = [], []
    for number, row in body:
        item = cells(columns, row)
        if all(r._blank(v) for v in item.values()):
            continue
        table.append(item)
        numbers.append(number)
    by_name: dict[str, str] = {}
    plan_rows, plan_numbers, unknown = [], {}, []
    if plan is not None:
        plan_title, plan_columns, plan_body = plan
        try:
            clean = r.clean_stakeholders(table)
        except InputError:
            clean = None  # reported below, with the table's own places
        if clean is not None:
            by_name = {r.name_key(s["name"]): s["id"] for s in clean}
            table = clean
        for number, row in plan_body:
            item = cells(plan_columns, row)
            if all(r._blank(v) for v in item.values()):
                continue
            who = item.pop("stakeholder")
            key = by_name.get(r.name_key(who)) if isinstance(who, (str, int, float)) else None
            if key is None and clean is not None:
                unknown.append(_cell_error(
                    InputError("stakeholders.plan_unknown_name", field="stakeholder", value=who,
                               what=r.field_label("stakeholder", plan=True), shown=r.shown(who)),
                    plan_title, number, plan_columns))
                continue
            plan_rows.append({**item, "stakeholder_id": key})
            plan_numbers.setdefault(key, number)
    if unknown:
        raise InputError("read.failed", source=name, row=unknown[0].row, name=name,
                         details=unknown[:r.MAX_ERRORS_SHOWN])

    def places(which: str, exc: InputError) -> list:
        if which == "table":
            sheet, cols, nums = title, columns, numbers
        else:  # the merged plan follows the stakeholders' order: back to the sheet's rows
            sheet, cols = plan[0], plan[1]
            nums = [plan_numbers.get(s["id"]) for s in table]
        found = []
        for detail in exc.values.get("problems") or []:
            inner = detail.values.get("error", detail)
            index = (detail.row or 1) - 1
            number = (nums[index] if 0 <= index < len(nums) else None) or detail.row
            found.append(_cell_error(inner, sheet, number, cols))
        shown = found[:r.MAX_ERRORS_SHOWN]
        if len(found) > r.MAX_ERRORS_SHOWN:
            shown.append(InputError("read.more_errors", n=len(found) - r.MAX_ERRORS_SHOWN))
        return shown or [exc]

    return {**_analysis(name, table, plan_rows, places), "workshop": "", "group": "", "occasion": ""}


def _cell_error(inner: InputError, sheet: str, number: int, columns: dict) -> InputError:
    field = inner.field
    if field in columns:
        place = Msg("stakeholders.place_cell", sheet=sheet, row=number,
                    column=rd._column_letter(columns[field]), field=_header_label(field))
    else:
        place = Msg("stakeholders.place_cell_row", sheet=sheet, row=number)
    return InputError("stakeholders.row_error", field=field, row=number, value=inner.value,
                      place=place, error=inner)
