"""The analysis' record: per group and occasion (role ``""``), the whole guided analysis — its
indicators with their answers, the goals, the 4R, the decision paper and its checklist, and the
section written for it — saved through the store's generic API; and the facilitator's exports.

>>> from kit.store import Store
>>> from kit.modules.analysis import rules as r
>>> store = Store("sqlite://")
>>> a = r.blank()
>>> a["checklist"].update(s1="yes", s2="no")
>>> revision, key = save(store.group("Kurs", "Örby"), "Uppstart", a)
>>> found = load(store.group("Kurs", "Örby", key), "uppstart")
>>> found["payload"]["checklist"]["s2"], found["revision"] == revision.id
('no', True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit import content
from kit.domain import scores as sc
from kit.modules.analysis import rules as r

if TYPE_CHECKING:
    from kit.store import GroupAccess, Store

#: The record's name in the store (the registry's ``record``).
MODULE = "konskonsekvensanalys"
VERSION = "1"


def save(access: GroupAccess, occasion, payload):
    """Check, then save as one revision; ``(revision, new_key)`` as
    :meth:`kit.store.GroupAccess.save_payload`. On bad input nothing is written."""
    return access.save_payload(MODULE, sc.parse_occasion(occasion), "", r.clean_payload(payload), version=VERSION)


def load(access: GroupAccess, occasion) -> dict | None:
    """The group's latest analysis at ``occasion``: ``{"payload", "saved_at", "revision"}``."""
    found = access.latest(MODULE, sc.parse_occasion(occasion), "")
    if found is None:
        return None
    try:
        payload = r.clean_payload(found.payload or {})
    except Exception:  # an older or damaged revision: shown as blank, never half
        payload = r.blank()
    return {"payload": payload, "saved_at": found.saved_at, "revision": found.id}


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"analysis.{key}", lang, **values)


def _records(store: Store, workshop: str, lang: str):
    """The latest analyses with their indicators named in ``lang`` (a shipped dataset's names)."""
    from kit.modules.analysis import sources

    out = []
    for rec in store.latest(workshop, MODULE):
        try:
            a = r.clean_payload(rec.payload or {})
        except Exception:  # an analysis the rules cannot read is no part of an export
            continue
        a["indicators"] = [sources.in_language(row, lang) for row in a["indicators"]]
        out.append((rec, a))
    return out


def section_now(a: dict, lang: str = "sv") -> str:
    """The section for the decision paper as the group has it: its own edited text, or the one
    the rules write from its analysis now."""
    if a["section"]["edited"]:
        return a["section"]["text"]
    areas = list(dict.fromkeys(row.get("area_name") or row.get("area") or "" for row in a["indicators"]))
    return r.section_text(a, lang, area=r._join([x for x in areas if x], lang))


def _shown(group: str, names) -> str:
    return names[group] if names is not None else group


def _choice(question: str, value: str, lang: str) -> str:
    return _t(f"choices.{question}.{value}", lang) if value else ""


def _met(value: str, lang: str) -> str:
    return _t(f"met.{value}", lang) if value else ""


def verdict(payload: dict, lang: str = "sv") -> str:
    """The checklist's verdict in words."""
    return _t(f"app.checklist.status.{r.route(payload['checklist'])['status']}", lang)


def export_sheets(store: Store, workshop: str, lang: str = "sv", names=None) -> list:
    """The facilitator workbook's sheets: the könskonsekvensanalys (a row per group and
    indicator), the goals (a row per group and goal judged) and the decision paper (a row per
    group: the checklist, its verdict, the 4R and the section written)."""
    from kit.io.writers import occasion_label

    found = _records(store, workshop, lang)
    if not found:
        return []
    lead = [_t("export.group", lang), _t("export.occasion", lang), _t("export.saved_at", lang)]
    impact, goals, papers = [], [], []
    for rec, a in found:
        where = [_shown(rec.group, names), occasion_label(rec.occasion, lang), rec.saved_at]
        for row in a["indicators"]:
            impact.append(where + [r._title(row), row["period"], row["women"], row["men"], row["diff"],
                                   *(_choice(q, row[q], lang) if q in r.CHOICES else row[q] for q in r.QUESTIONS),
                                   r.suppression_words(row, lang)])
        titles = {row["id"]: r._title(row) for row in a["indicators"]}
        for goal in [*r.chosen_goals(a), *a["own_goals"]]:
            own = "goal" in goal
            goals.append(where + [_t("export.own" if own else "export.national", lang),
                                  goal["goal"] if own else r.goal_name(goal["id"], lang),
                                  ", ".join(titles[i] for i in goal["indicators"] if i in titles),
                                  _met(goal["met"], lang), goal["why"]])
        checks = [_t(f"choices.answer.{a['checklist'][f's{i}']}", lang) if a["checklist"][f"s{i}"] else ""
                  for i in range(1, len(r.STATEMENTS) + 1)]
        papers.append(where + [a["paper"]["title"] if a["paper"]["kind"] == "own" else _t("export.sample", lang),
                               *checks, verdict(a, lang), a["checklist"]["reason"],
                               r.remiss_note(a["checklist"], a["paper"]["title"], lang),
                               a["fourr"]["activity"], *(a["fourr"][k] for k in r.FOUR_R), section_now(a, lang)])
    q_heads = [_t(f"export.questions.{q}", lang) for q in r.QUESTIONS]
    sheets = [(_t("export.sheet_impact", lang),
               lead + [_t("export.indicator", lang), _t("export.period", lang), _t("export.women", lang),
                       _t("export.men", lang), _t("export.diff", lang), *q_heads, _t("export.suppressed", lang)],
               impact)]
    if goals:
        sheets.append((_t("export.sheet_goals", lang),
                       lead + [_t("export.kind", lang), _t("export.goal", lang), _t("export.indicators", lang),
                               _t("export.met", lang), _t("export.why", lang)], goals))
    sheets.append((_t("export.sheet_decision", lang),
                   lead + [_t("export.paper", lang), *(f"{i}. {_t(f'checklist.statements.{s}', lang)}"
                                                       for i, s in enumerate(r.STATEMENTS, start=1)),
                           _t("export.verdict", lang), _t("export.reason", lang), _t("export.remiss", lang),
                           _t("fourr.activity.name", lang), *(_t(f"fourr.{k}.name", lang) for k in r.FOUR_R),
                           _t("section.heading", lang)], papers))
    return sheets


def report_section(store: Store, workshop: str, lang: str = "sv", names=None) -> str:
    """The report's part: per group and occasion, the checklist's verdict, the återremiss note
    and the section written for the decision paper. Every typed text is escaped."""
    from kit.io.writers import occasion_label
    from kit.ui.html import e

    found = _records(store, workshop, lang)
    if not found:
        return ""
    parts = [f"<h2>{e(_t('export.report_title', lang))}</h2>", f"<p>{e(_t('export.report_intro', lang))}</p>"]
    for rec, a in found:
        group, occasion = _shown(rec.group, names), occasion_label(rec.occasion, lang)
        parts.append(f"<h3>{e(_t('export.report_group', lang, group=group, occasion=occasion))}</h3>")
        parts.append(f"<p><strong>{e(_t('export.verdict', lang))}:</strong> {e(verdict(a, lang))}</p>")
        note = r.remiss_note(a["checklist"], a["paper"]["title"], lang) or r.not_applicable_note(a["checklist"], lang)
        if note:
            parts.append(f'<p class="jk-note">{paragraph_html(note)}</p>')
        text = section_now(a, lang) if a["indicators"] or a["section"]["edited"] else ""
        if text:
            parts.append(f"<h4>{e(_t('section.heading', lang))}</h4>")
            parts += [f"<p>{paragraph_html(p)}</p>" for p in text.split("\n\n") if p.strip()]
    return "".join(parts)


def paragraph_html(text: str) -> str:
    r"""A typed paragraph as HTML: escaped, its line breaks kept.

    >>> paragraph_html("<b>a</b>\nb")
    '&lt;b&gt;a&lt;/b&gt;<br>b'
    """
    from kit.ui.html import e

    return "<br>".join(e(line) for line in str(text).split("\n"))
