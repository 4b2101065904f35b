"""The statistics step's downloads: the indicator shown (its values, suppressed, and its gaps)
and the group's picks as an XLSX, and the picks as the kit's JSON.

Both are made from suppressed data only: a suppressed value is the word "skyddat" (and its
number of persons is left out too, since "3 persons" is what must not be told), never a
number. Every cell goes through :func:`kit.io.writers.put`, headers included, so a name
such as ``=HYPERLINK(...)`` stays text.

>>> import io, pandas as pd
>>> from openpyxl import load_workbook
>>> data = pd.DataFrame({"indicator": ["=1+1"] * 3, "area": ["Exempelby"] * 3, "period": ["2024"] * 3,
...                      "sex": ["T", "K", "M"], "value": [10.0, float("nan"), float("nan")],
...                      "n": pd.array([12, 3, 9], dtype="Int64"), "suppressed": [False, True, True]})
>>> book = load_workbook(io.BytesIO(to_xlsx(data, None, [], "sv")))
>>> rows = list(book.worksheets[0].values)
>>> rows[1][0], rows[2][4], rows[2][5]
('=1+1', 'skyddat', None)
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import pandas as pd

from kit import content
from kit.io.readers import KIT_FORMAT, KIT_FORMAT_VERSION
from kit.io.writers import clean, sheet_title, write_row
from kit.modules.statistics import records
from kit.modules.statistics import rules as r


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"statistics.{key}", lang, **values)


def _num(value):
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def value_rows(data, lang: str) -> tuple[list[str], list[list]]:
    """The values as rows: indicator, area, [age group], period, sex, value ("skyddat" when
    suppressed) and the number of persons (empty when suppressed or not given)."""
    age = "age_group" in data.columns
    heads = [_t(f"export.{k}", lang) for k in ("indicator", "area", *(("age_group",) if age else ()),
                                              "period", "sex", "value", "n")]
    rows = []
    for rec in data.to_dict("records"):
        hidden = bool(rec.get("suppressed"))
        n = rec.get("n")
        n = None if hidden or n is None or pd.isna(n) else int(n)
        rows.append([rec["indicator"], rec["area"], *((rec["age_group"],) if age else ()), rec["period"],
                     _t(f"sexes.{rec['sex']}", lang),
                     _t("table.suppressed", lang) if hidden else _num(rec["value"]), n])
    return heads, rows


def gap_rows(gaps, lang: str) -> tuple[list[str], list[list]]:
    age = "age_group" in gaps.columns
    keys = ("indicator", "area", *(("age_group",) if age else ()), "period", "women", "men", "total",
            "diff", "ratio", "trend", "flag")
    heads = [_t(f"export.{k}", lang) for k in keys]
    rows = []
    for rec in gaps.to_dict("records"):
        row = []
        for k in keys:
            v = rec.get(k)
            if k == "trend":
                v = r.trend_words(v, lang)
            elif k == "flag":
                v = _t("export.yes" if v else "export.no", lang)
            elif k in ("women", "men", "total", "diff", "ratio"):
                v = _num(v)
            row.append(v)
        rows.append(row)
    return heads, rows


def to_xlsx(data, gaps, picks, lang: str = "sv", title: str = "") -> bytes:
    """The indicator shown (values and gaps, suppressed) and the group's picks as an XLSX,
    with a sheet saying why some values are not shown."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    sheets = [(_t("export.sheet_values", lang), *value_rows(data, lang))]
    if gaps is not None:
        sheets.append((_t("export.sheet_gaps", lang), *gap_rows(gaps, lang)))
    sheets.append((_t("export.sheet", lang), records.pick_headers(lang),
                   [records.pick_cells(p, lang) for p in picks]))
    for name, heads, rows in sheets:
        sheet = book.create_sheet(sheet_title(name))
        write_row(sheet, heads)
        for row in rows:
            write_row(sheet, row)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    about = book.create_sheet(sheet_title(_t("export.sheet_about", lang)))
    hidden = int(data["suppressed"].sum()) if "suppressed" in data.columns else 0
    for line in (title, _t("export.about", lang, min_n=r.MIN_N),
                 _t("export.hidden", lang, n=hidden)):
        if line:
            write_row(about, [line])
    about.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json(picks, workshop: str = "", group: str = "", occasion: str = "") -> bytes:
    """The group's picks as the kit's JSON (the numbers they were picked on, suppressed)."""
    doc = {"format": KIT_FORMAT, "format_version": KIT_FORMAT_VERSION, "kind": records.MODULE,
           "module": records.MODULE, "version": records.VERSION, "workshop": clean(workshop or ""),
           "group": clean(group or ""), "occasion": clean(occasion or ""),
           "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "picks": [{k: clean(v) for k, v in p.items()} for p in r.clean_picks(list(picks or []))]}
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")
