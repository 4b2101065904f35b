"""The statistics step's record: per group and occasion (role ``""``), the indicators the group
carries into its analysis (its *picks*, with the numbers they were picked on) and the limit
above which it calls a gap large — saved through the store's generic API — and the
facilitator's exports of them.

A pick's numbers come from suppressed data only (:func:`kit.suppress_small` runs before a
value is shown), so nothing saved here can hold a value that must not be shown.

>>> from kit.store import Store
>>> store = Store("sqlite://")
>>> door = store.group("Kurs", "Örby")
>>> pick = {"dataset": "exempelby", "indicator": "Behörighet gymnasiet (%)", "area": "Exempelby",
...         "women": 88.0, "men": 81.5, "diff": 6.5, "trend": "widening", "period": "2024"}
>>> revision, key = save(door, "Uppstart", {"threshold": "5", "picks": [pick]})
>>> found = load(store.group("Kurs", "Örby", key), "uppstart")
>>> found["picks"][0]["indicator"], found["threshold"], found["revision"] == revision.id
('Behörighet gymnasiet (%)', '5', True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit import content
from kit.domain import scores as sc
from kit.modules.statistics import rules as r

if TYPE_CHECKING:
    from kit.store import GroupAccess, Store

#: The record's name in the store (the registry's ``record``).
MODULE = "statistik"
VERSION = "1"


def payload(data) -> dict:
    """The clean payload ``{"threshold", "picks"}`` (the rules check every field)."""
    clean = r.clean_payload({"threshold": (data or {}).get("threshold"), "picks": (data or {}).get("picks")})
    return {"threshold": clean["threshold"], "picks": clean["picks"]}


def save(access: GroupAccess, occasion, data):
    """Check, then save as one revision; ``(revision, new_key)`` as
    :meth:`kit.store.GroupAccess.save_payload`. On bad input nothing is written."""
    return access.save_payload(MODULE, sc.parse_occasion(occasion), "", payload(data), version=VERSION)


def load(access: GroupAccess, occasion) -> dict | None:
    """The group's latest picks at ``occasion``: ``{"threshold", "picks", "saved_at", "revision"}``."""
    found = access.latest(MODULE, sc.parse_occasion(occasion), "")
    if found is None:
        return None
    data = found.payload or {}
    return {"threshold": str(data.get("threshold") or ""), "picks": list(data.get("picks") or []),
            "saved_at": found.saved_at, "revision": found.id}


def _records(store: Store, workshop: str):
    return [rec for rec in store.latest(workshop, MODULE)
            if isinstance(rec.payload, dict) and rec.payload.get("picks")]


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"statistics.{key}", lang, **values)


def pick_headers(lang: str) -> list[str]:
    """The columns of a pick in every export."""
    return [_t(f"export.{k}", lang) for k in ("indicator", "area", "age_group", "dataset", "period",
                                              "women", "men", "total", "diff", "ratio", "trend", "note")]


def pick_cells(pick: dict, lang: str) -> list:
    """One pick as cells: numbers as numbers, the trend in words."""
    return [pick.get("title") or pick.get("indicator", ""), pick.get("area", ""), pick.get("age_group", ""),
            dataset_label(pick.get("dataset", ""), lang), pick.get("period", ""),
            *(pick.get(k) for k in ("women", "men", "total", "diff", "ratio")),
            r.trend_words(pick.get("trend") or "unknown", lang), pick.get("note", "")]


def dataset_label(key: str, lang: str) -> str:
    """A dataset's name in an export: a shipped one by its title, an uploaded file by its name."""
    try:
        return _t(f"datasets.{key}.title", lang) if key else ""
    except KeyError:
        return str(key)


def _shown(group: str, names) -> str:
    return names[group] if names is not None else group


def export_sheets(store: Store, workshop: str, lang: str = "sv", names=None) -> list:
    """The facilitator workbook's sheet: every group's picks (latest save per occasion)."""
    from kit.io.writers import occasion_label

    lead = [_t("export.group", lang), _t("export.occasion", lang), _t("export.saved_at", lang)]
    rows = []
    for rec in _records(store, workshop):
        where = [_shown(rec.group, names), occasion_label(rec.occasion, lang), rec.saved_at]
        rows += [where + pick_cells(p, lang) for p in rec.payload["picks"]]
    if not rows:
        return []
    return [(_t("export.sheet", lang), lead + pick_headers(lang), rows)]


def report_section(store: Store, workshop: str, lang: str = "sv", names=None) -> str:
    """The report's part: per group and occasion, its picks as a table and each in words.
    Every typed text is escaped; ``""`` when no group has picked anything."""
    from kit.io.writers import occasion_label
    from kit.ui.html import card_table, e

    records = _records(store, workshop)
    if not records:
        return ""
    parts = [f"<h2>{e(_t('export.report_title', lang))}</h2>",
             f"<p>{e(_t('export.report_intro', lang))}</p>"]
    for rec in records:
        group, occasion = _shown(rec.group, names), occasion_label(rec.occasion, lang)
        parts.append(f"<h3>{e(_t('export.report_group', lang, group=group, occasion=occasion))}</h3>")
        heads = pick_headers(lang)
        rows = [[_cell(v, lang) for v in pick_cells(p, lang)] for p in rec.payload["picks"]]
        parts.append(card_table(heads, rows, _t("export.report_caption", lang, group=group, occasion=occasion)))
        parts.append("<ul>" + "".join(
            f"<li>{e(p.get('title') or p.get('indicator', ''))}: {e(r.describe(_summary(p), lang, p.get('unit', '')))}</li>"
            for p in rec.payload["picks"]) + "</ul>")
    return "".join(parts)


def _cell(value, lang: str) -> str:
    if isinstance(value, float):
        return r.fmt(value, lang, 2 if abs(value) < 10 else 1)
    return "" if value is None else str(value)


def _summary(pick: dict) -> dict:
    return {"period": pick.get("period", ""), "first": pick.get("first", ""), "women": pick.get("women"), "men": pick.get("men"),
            "diff": pick.get("diff"), "ratio": pick.get("ratio"), "trend": pick.get("trend") or "unknown"}
