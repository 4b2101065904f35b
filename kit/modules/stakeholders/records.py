"""The stakeholder analysis's record: one payload per group and occasion (role ``""``), saved
through the store's generic API, and the facilitator's exports of it.

The payload is :data:`PAYLOAD`'s shape, always clean: :func:`save` checks the stakeholders
and the plan with the rules first and appends ONE revision; on any problem it raises the
rules' :class:`kit.InputError` and nothing is written. Saves are appended, never overwritten,
so every earlier version stays in the store.

>>> from kit.store import Store
>>> store = Store("sqlite://")
>>> door = store.group("Kurs", "Örby")
>>> revision, key = save(door, "Uppstart", [{"name": "Socialnämnden", "power": 5, "interest": 4}], [])
>>> mine = store.group("Kurs", "Örby", key)
>>> got = load(mine, "uppstart")
>>> got["stakeholders"][0]["name"], got["plan"][0]["strategy"], got["revision"] == revision.id
('Socialnämnden', 'manage_closely', True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit import content
from kit.domain import scores as sc
from kit.modules.stakeholders import rules as r

if TYPE_CHECKING:
    import pandas as pd

    from kit.store import GroupAccess, Store

#: The record's name in the store (the registry's ``record``).
MODULE = "intressentanalys"
#: The payload's shape: the clean stakeholder rows and the clean plan rows.
PAYLOAD = {"stakeholders": [], "plan": []}
#: The payload's version, stored with each revision.
VERSION = "1"

FRAME_COLUMNS = ["group", "occasion", "saved_at", "id", "name", "kind", "kind_group", "power",
                 "interest", "attitude", "concerns", "other_groups", "legitimacy", "urgency",
                 "salience", "suggested_strategy", "strategy", "overridden", "override_reason",
                 "note"]


def payload(stakeholders, plan=None) -> dict:
    """The clean payload: the stakeholders checked, the plan built from them keeping the
    group's edits (:func:`rules.communication_plan`)."""
    clean = r.clean_stakeholders(stakeholders)
    return {"stakeholders": clean, "plan": r.communication_plan(clean, plan or [])}


def save(access: GroupAccess, occasion, stakeholders, plan=None):
    """Check everything, then save it as one revision; returns ``(revision, new_key)`` like
    :meth:`kit.store.GroupAccess.save_payload` (``new_key`` set when this save claimed the
    group's name). On bad input nothing is written."""
    occasion = sc.parse_occasion(occasion)
    data = payload(stakeholders, plan)
    return access.save_payload(MODULE, occasion, "", data, version=VERSION)


def load(access: GroupAccess, occasion) -> dict | None:
    """The group's latest analysis at ``occasion``: ``{"stakeholders", "plan", "saved_at",
    "revision"}``, or ``None`` when nothing is saved."""
    found = access.latest(MODULE, sc.parse_occasion(occasion), "")
    if found is None:
        return None
    data = found.payload or {}
    return {"stakeholders": list(data.get("stakeholders") or []),
            "plan": list(data.get("plan") or []),
            "saved_at": found.saved_at, "revision": found.id}


def _records(store: Store, workshop: str):
    return [rec for rec in store.latest(workshop, MODULE)
            if isinstance(rec.payload, dict) and rec.payload.get("stakeholders")]


def _stakeholder_row(row: dict) -> dict:
    return {
        "id": row.get("id", ""), "name": row.get("name", ""), "kind": row.get("kind", ""),
        "kind_group": r.KIND_GROUP.get(row.get("kind"), "external"),
        "power": row.get("power"), "interest": row.get("interest"),
        "attitude": row.get("attitude", ""), "concerns": ", ".join(row.get("concerns") or []),
        "other_groups": row.get("other_groups", ""), "legitimacy": bool(row.get("legitimacy")),
        "urgency": bool(row.get("urgency")), "salience": r.row_salience(row),
        "suggested_strategy": r.suggested_strategy(row), "strategy": r.strategy(row),
        "overridden": r.overridden(row), "override_reason": row.get("override_reason", ""),
        "note": row.get("note", ""),
    }


def frame(store: Store, workshop: str) -> pd.DataFrame:
    """One row per stakeholder per group and occasion (the latest save of each), with the
    rules' keys (not labels) — for analysts and the facilitator's workbook."""
    import pandas as pd

    rows = []
    for rec in _records(store, workshop):
        for row in rec.payload["stakeholders"]:
            rows.append({"group": rec.group, "occasion": rec.occasion, "saved_at": rec.saved_at,
                         **_stakeholder_row(row)})
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"stakeholders.{key}", lang, **values)


def _label(family: str, key, lang: str) -> str:
    try:
        return _t(f"{family}.{key}", lang) if key else ""
    except KeyError:
        return str(key)


def _shown(group: str, names) -> str:
    return names[group] if names is not None else group


def stakeholder_headers(lang: str) -> list[str]:
    """The stakeholders' columns as the exports and the XLSX download name them."""
    col = lambda f: _t(f"columns.{f}.label", lang)
    return [col("name"), col("kind"), _t("export.kind_group", lang), col("power"),
            col("interest"), col("attitude"), col("concerns"), col("other_groups"),
            col("legitimacy"), col("urgency"), _t("export.salience", lang),
            _t("export.suggested", lang), _t("export.strategy", lang), col("strategy_override"),
            col("override_reason"), col("note")]


def stakeholder_cells(row: dict, lang: str) -> list:
    """One stakeholder as cells, by labels in ``lang`` (the readers take the labels back)."""
    yes_no = lambda v: _t("answer_yes" if v else "answer_no", lang)
    group = r.KIND_GROUP.get(row.get("kind"), "external")
    return [row.get("name", ""), _label("kinds", row.get("kind"), lang),
            _t(f"kind_groups.{group}", lang), row.get("power"), row.get("interest"),
            _label("attitudes", row.get("attitude"), lang),
            ", ".join(_label("concerns", c, lang) for c in row.get("concerns") or []),
            row.get("other_groups", ""), yes_no(row.get("legitimacy")), yes_no(row.get("urgency")),
            _t(f"salience.types.{r.row_salience(row)}.name", lang),
            _label("strategies", r.suggested_strategy(row), lang),
            _label("strategies", r.strategy(row), lang),
            _label("strategies", row.get("strategy_override"), lang),
            row.get("override_reason", ""), row.get("note", "")]


def plan_headers(lang: str) -> list[str]:
    col = lambda f: _t(f"plan_columns.{f}.label", lang)
    return [col("stakeholder"), col("strategy"), col("message"), col("channel"),
            col("frequency"), col("owner"), col("moments")]


def plan_cells(row: dict, lang: str) -> list:
    return [row.get("stakeholder", ""), _label("strategies", row.get("strategy"), lang),
            row.get("message", ""), _label("channels", row.get("channel"), lang),
            _label("frequencies", row.get("frequency"), lang), row.get("owner", ""),
            ", ".join(str(m) for m in row.get("moments") or [])]


def export_sheets(store: Store, workshop: str, lang: str = "sv", names=None) -> list:
    """The facilitator workbook's sheets: every group's stakeholders and communication plan
    (latest save per occasion), headed by the group, the occasion and when it was saved.
    In anonymous mode (``names``) a group is written by its letter only."""
    from kit.io.writers import occasion_label

    lead = [_t("export.group", lang), _t("export.occasion", lang), _t("export.saved_at", lang)]
    people, plans = [], []
    for rec in _records(store, workshop):
        where = [_shown(rec.group, names), occasion_label(rec.occasion, lang), rec.saved_at]
        people += [where + stakeholder_cells(row, lang) for row in rec.payload["stakeholders"]]
        plans += [where + plan_cells(row, lang) for row in rec.payload.get("plan") or []]
    if not people:
        return []
    return [(_t("export.sheet_stakeholders", lang), lead + stakeholder_headers(lang), people),
            (_t("export.sheet_plan", lang), lead + plan_headers(lang), plans)]


def _grid_figure(stakeholders, lang: str, caption: str, alt: str) -> str:
    """The grid as a figure, or '' when the plots cannot be drawn (the text stands)."""
    try:
        from kit.modules.stakeholders import plots
    except ImportError:
        return ""
    from kit.plots import png_bytes
    from kit.ui.html import figure

    return figure(png_bytes(plots.grid(stakeholders, lang)), caption, alt)


def plan_table(plan, lang: str, caption: str) -> str:
    """The plan as an accessible HTML table (caption, column and row headers), escaped."""
    from kit.ui.html import e, table_wrap

    heads = "".join(f'<th scope="col">{e(h)}</th>' for h in plan_headers(lang))
    body = []
    for row in plan:
        first, *rest = plan_cells(row, lang)
        body.append(f'<tr><th scope="row">{e(first)}</th>'
                    + "".join(f"<td>{e(v)}</td>" for v in rest) + "</tr>")
    return table_wrap(f'<table class="jk-table"><caption>{e(caption)}</caption><thead><tr>{heads}'
                      f'</tr></thead><tbody>{"".join(body)}</tbody></table>', caption)


def report_section(store: Store, workshop: str, lang: str = "sv", names=None) -> str:
    """The report's part: per group and occasion, the grid (a figure with the grid in words
    as its text alternative, and the same words as text) and the plan as a table. Every
    typed text is escaped; ``""`` when no group has saved an analysis."""
    from kit.io.writers import occasion_label
    from kit.ui.html import e

    records = _records(store, workshop)
    if not records:
        return ""
    parts = [f"<h2>{e(_t('export.report_title', lang))}</h2>"]
    for rec in records:
        group, occasion = _shown(rec.group, names), occasion_label(rec.occasion, lang)
        people, plan = rec.payload["stakeholders"], rec.payload.get("plan") or []
        words = r.text_alternative(people, lang)
        parts.append(f"<h3>{e(_t('export.report_group', lang, group=group, occasion=occasion))}</h3>")
        parts.append(_grid_figure(people, lang, _t("export.grid_caption", lang, group=group,
                                                   occasion=occasion), words))
        intro, *lines = words.split("\n")
        parts.append(f"<p>{e(intro)}</p><ul>" + "".join(f"<li>{e(line)}</li>" for line in lines)
                     + "</ul>")
        if plan:
            parts.append(plan_table(plan, lang, _t("export.plan_caption", lang, group=group,
                                                   occasion=occasion)))
    return "".join(parts)
