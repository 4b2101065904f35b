"""The improvement theory's record: per group and occasion (role ``""``), the whole
förbättringsteori — the chain's items and links, the Model for Improvement's three answers, the
PDSA cycles, the measurements and what the run chart follows — saved through the store's
generic API; and the facilitator's exports of it (the hooks of :mod:`kit.io.workshop`).

:func:`save` checks the payload with :func:`rules.clean_payload` first and appends ONE
revision; on any problem it raises the rules' :class:`kit.InputError` and nothing is written.

>>> from kit.store import Store
>>> from kit.modules.improvement import rules as r
>>> store = Store("sqlite://")
>>> p = r.blank()
>>> e = r.add_item(p, "effect", "Lika väntetid för kvinnor och män", goals=["health"])
>>> p["measurements"] = [{"date": "2027-01-04", "value": "4,5"}]
>>> revision, key = save(store.group("Kurs", "Örby"), "Uppstart", p)
>>> found = load(store.group("Kurs", "Örby", key), "uppstart")
>>> found["payload"]["items"][0]["goals"], found["payload"]["measurements"][0]["value"]
(['health'], 4.5)
>>> found["revision"] == revision.id
True
>>> save(store.group("Kurs", "Örby", key), "uppstart", {"measurements": [{"value": 3}]})
Traceback (most recent call last):
kit.errors.InputError: Rad 1 saknar datum: skriv det som 2027-03-01.
>>> load(store.group("Kurs", "Örby", key), "uppstart")["revision"] == revision.id
True

The facilitator's sheets, in the order the workbook holds them:

- **Förbättringsteori** — a row per group, occasion and item, the chain from the effect down:
  the step, the text, what it leads to (the texts, ``"; "``-joined), the indicator, whether it
  is followed for women and men (ja/nej), baseline, target, the date to reach it and (for an
  effect) its national goals.
- **Förbättringsmodellen** — a row per group and occasion: the Model for Improvement's three
  answers (a separate sheet, so a group that has answered them but run no cycle yet is there).
- **PDSA** — a row per cycle: its number, dates, every field of IHI's worksheet and the
  decision in words.
- **Mätvärden** — a row per measurement: the measure's name and unit, the date, the value and
  the women's and men's values.
- **Körschema** — a row per group, occasion and series (value, women, men): how many points,
  the median, how many first points it is taken from, the rules and the signals in words
  (:func:`kit.domain.runchart.run_chart_rules`, :func:`rules.signal_words`).

Numbers are numbers and dates dates in the cells.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kit import content
from kit.domain import scores as sc
from kit.modules.improvement import rules as r

if TYPE_CHECKING:
    from kit.store import GroupAccess, Store

#: The record's name in the store (the registry's ``record``).
MODULE = "forbattringsteori"
#: The payload's version, stored with each revision.
VERSION = "1"
#: The fields of a PDSA cycle in the order of IHI's worksheet (Plan, Do, Study, Act).
CYCLE_FIELDS = (*r.CYCLE_DATES, *(f for f in r.CYCLE_TEXT if f != "reason"), "decision", "reason")
#: The fields of a cycle the printable report shows.
REPORT_CYCLE_FIELDS = ("objective", "questions", "change", "predictions", "done", "observed",
                       "learned", "decision", "reason")
#: Fewer useful points (off the median) than this and the rules say nothing firm (the texts say so).
MIN_POINTS = 10


def save(access: GroupAccess, occasion, payload):
    """Check, then save as one revision; ``(revision, new_key)`` as
    :meth:`kit.store.GroupAccess.save_payload`. On bad input nothing is written."""
    return access.save_payload(MODULE, sc.parse_occasion(occasion), "", r.clean_payload(payload),
                               version=VERSION)


def load(access: GroupAccess, occasion) -> dict | None:
    """The group's latest improvement theory at ``occasion``: ``{"payload", "saved_at",
    "revision"}``, or ``None`` when nothing is saved."""
    found = access.latest(MODULE, sc.parse_occasion(occasion), "")
    if found is None:
        return None
    try:
        payload = r.clean_payload(found.payload or {})
    except Exception:  # an older or damaged revision: shown as blank, never half
        payload = r.blank()
    return {"payload": payload, "saved_at": found.saved_at, "revision": found.id}


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"improvement.export.{key}", lang, **values)


def _shown(group: str, names) -> str:
    return names[group] if names is not None else group


def _records(store: Store, workshop: str) -> list:
    """``(record, clean payload)`` of every group's latest save that holds something."""
    out = []
    for rec in store.latest(workshop, MODULE):
        try:
            payload = r.clean_payload(rec.payload or {})
        except Exception:  # a record the rules cannot read is no part of an export
            continue
        if not r.is_empty(payload):
            out.append((rec, payload))
    return out


def as_date(text: str) -> dt.date | None:
    """An ISO date as a date cell (``None`` for blank).

    >>> as_date("2027-03-01"), as_date("")
    (datetime.date(2027, 3, 1), None)
    """
    try:
        return dt.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def yes_no(value: bool, lang: str) -> str:
    return _t("answer_yes" if value else "answer_no", lang)


def decision_words(decision: str, lang: str) -> str:
    """A cycle's decision in words; a cycle that runs still says so.

    >>> decision_words("scale_up", "sv"), decision_words("", "en")
    ('Skala upp', 'Not decided yet')
    """
    return r.decision_name(decision, lang) if decision else _t("cycle.undecided", lang)


def method_name(method: str, lang: str) -> str:
    return _t(f"methods.{method}", lang)


def series_name(which: str, lang: str) -> str:
    """``"value"``, ``"women"`` or ``"men"`` as a column names it."""
    return _t(f"m.{which}", lang)


def chain_rows(payload: dict, lang: str) -> list[dict]:
    """The chain's items from the effect down (the order :func:`rules.chain_text` reads),
    each with its step's name, the full texts it leads to and its goals' names."""
    by_id = {i["id"]: i for i in payload["items"]}
    out = []
    for step in r.BACKWARDS:
        for item in r.at_step(payload, step):
            targets = [by_id[b] for b in r.leads_to(payload, item["id"]) if b in by_id]
            out.append({**item, "step_name": r.step_name(step, lang),
                        "leads_to_texts": [t["text"] or t["indicator"] or t["indicator_id"] for t in targets],
                        "goal_names": [r.goal_name(g, lang) for g in item.get("goals") or []]})
    return out


def run_chart_summary(payload: dict, lang: str = "sv", *, labelled: bool = False) -> list[dict]:
    """What the run chart's rules say, per series the measurements hold (value, women, men):
    ``{"series", "name", "n", "median", "baseline", "method", "words"}``. A row without a
    value of that series is no point of it. ``words`` are the signals in words
    (:func:`rules.signal_words`) or "no sign of a change yet", and then a note when fewer than
    ten points are off the median (too few for the rules to be firm) — the sentences
    :func:`kit.modules.improvement.plots.run_chart_notes` says; ``labelled`` names the series
    in the words when there are several."""
    from kit.domain.runchart import run_chart_rules

    ms, series = payload["measurements"], payload["series"]
    present = r.series_present(ms)
    out = []
    for which in present:
        points = [(m["date"], m[which]) for m in ms if m.get(which) is not None]
        dates, values = [d for d, _ in points], [v for _, v in points]
        result = run_chart_rules(values, baseline=series["baseline"], method=series["method"])
        label = series_name(which, lang) if labelled and len(present) > 1 else ""
        prefix = r._t("signals.series", lang, label=label) if label else ""
        words = r.signal_words(result, dates, lang, label=label) or [prefix + r._t("signals.none", lang)]
        if result.useful < MIN_POINTS:  # as the app's notes (plots.run_chart_notes) say it
            words.append(prefix + r._t("signals.too_few_points", lang, n=result.useful))
        median = result.median
        baseline = min(series["baseline"], len(values)) if series["baseline"] else len(values)
        out.append({"series": which, "name": series_name(which, lang), "n": len(values),
                    "median": None if median is None else float(median), "baseline": baseline,
                    "method": series["method"], "words": words})
    return out


# -- the facilitator's workbook --------------------------------------------------------------
def chain_headers(lang: str) -> list[str]:
    return [_t(k, lang) for k in ("step", "text", "leads_to", "indicator", "by_sex", "baseline",
                                  "target", "date", "goals")]


def cycle_headers(lang: str) -> list[str]:
    return [_t("cycle.number", lang), *(_t(f"cycle.{f}", lang) for f in CYCLE_FIELDS)]


def cycle_cells(cycle: dict, lang: str, dates=as_date) -> list:
    return [cycle["number"], *(dates(cycle[f]) if f in r.CYCLE_DATES
                               else decision_words(cycle[f], lang) if f == "decision" else cycle[f]
                               for f in CYCLE_FIELDS)]


def export_sheets(store: Store, workshop: str, lang: str = "sv", names=None) -> list:
    """The facilitator workbook's sheets (see the module's docstring): the chain, the Model
    for Improvement, the PDSA cycles, the measurements and the run chart's summary, each row
    headed by the group (``names[group]`` in anonymous mode), the occasion and when it was
    saved; ``[]`` when no group has saved anything."""
    from kit.io.writers import occasion_label

    found = _records(store, workshop)
    if not found:
        return []
    lead = [_t("group", lang), _t("occasion", lang), _t("saved_at", lang)]
    chain, model, cycles, measurements, runs = [], [], [], [], []
    for rec, p in found:
        where = [_shown(rec.group, names), occasion_label(rec.occasion, lang), rec.saved_at]
        for item in chain_rows(p, lang):
            chain.append(where + [item["step_name"], item["text"], "; ".join(item["leads_to_texts"]),
                                  item["indicator"] or item["indicator_id"],
                                  yes_no(item["by_sex"] or bool(item["indicator_id"]), lang),
                                  item["baseline"], item["target"], as_date(item["date"]),
                                  "; ".join(item["goal_names"])])
        model.append(where + [p["aims"][f] for f in r.AIM_FIELDS])
        cycles += [where + cycle_cells(c, lang) for c in p["cycles"]]
        s = p["series"]
        measurements += [where + [s["name"], s["unit"], as_date(m["date"]), m["value"], m["women"], m["men"]]
                         for m in p["measurements"]]
        for run in run_chart_summary(p, lang):
            runs.append(where + [s["name"], s["unit"], run["name"], run["n"], run["median"], run["baseline"],
                                 method_name(run["method"], lang), " ".join(run["words"])])
    return [
        (_t("sheet_chain", lang), lead + chain_headers(lang), chain),
        (_t("sheet_model", lang), lead + [_t(f"aims.{f}", lang) for f in r.AIM_FIELDS], model),
        (_t("sheet_pdsa", lang), lead + cycle_headers(lang), cycles),
        (_t("sheet_measurements", lang),
         lead + [_t(f"m.{f}", lang) for f in ("measure", "unit", "date", "value", "women", "men")], measurements),
        (_t("sheet_runchart", lang),
         lead + [_t("m.measure", lang), _t("m.unit", lang)]
         + [_t(f"run.{f}", lang) for f in ("series", "points", "median", "baseline", "method", "signals")], runs),
    ]


# -- the printable report --------------------------------------------------------------------
def _plots():
    """The module's plots, or ``None`` while they cannot be drawn (the text stands)."""
    try:
        from kit.modules.improvement import plots
    except ImportError:
        return None
    return plots


def paragraph_html(text: str) -> str:
    r"""A typed text as HTML: escaped, its line breaks kept.

    >>> paragraph_html("<b>a</b>\nb")
    '&lt;b&gt;a&lt;/b&gt;<br>b'
    """
    from kit.ui.html import e

    return "<br>".join(e(line) for line in str(text).split("\n"))


def chain_html(p: dict, lang: str, caption: str) -> str:
    """The chain: the diagram (when it can be drawn) and the same chain as a list from the
    effect down, which its text alternative points to."""
    from kit.ui.html import e, figure

    parts = [f"<h4>{e(_t('chain_heading', lang))}</h4>"]
    plots = _plots()
    if plots is not None and callable(getattr(plots, "chain_png", None)):
        parts.append(figure(plots.chain_png(p, lang), caption, _t("chain_alt", lang)))
    steps = []
    for step in r.chain_text(p, lang):
        rows = []
        for item in step["items"]:
            extra = []
            if item["goals"]:
                extra.append(_t("list_goals", lang, goals="; ".join(item["goals"])))
            if item["leads_to"]:
                extra.append(_t("list_leads", lang, items="; ".join(item["leads_to"])))
            rows.append(f"<li>{e(item['label'])}" + "".join(f"<br>{e(x)}" for x in extra) + "</li>")
        body = f"<ul>{''.join(rows)}</ul>" if rows else f" – <em>{e(_t('step_empty', lang))}</em>"
        steps.append(f"<li><strong>{e(step['name'])}</strong>{body}</li>")
    parts.append(f'<ol class="jk-im-chain">{"".join(steps)}</ol>')
    return "".join(parts)


def model_html(p: dict, lang: str) -> str:
    from kit.ui.html import e

    rows = "".join(f"<dt>{e(_t(f'aims.{f}', lang))}</dt><dd>{paragraph_html(p['aims'][f])}</dd>"
                   for f in r.AIM_FIELDS if p["aims"][f])
    return f"<h4>{e(_t('model_heading', lang))}</h4><dl>{rows}</dl>" if rows else ""


def cycles_html(p: dict, lang: str) -> str:
    from kit.ui.html import e

    parts = [f"<h4>{e(_t('pdsa_heading', lang))}</h4>"]
    for cycle in p["cycles"]:
        parts.append(f"<h5>{e(r.cycle_label(cycle, lang))}</h5>")
        if cycle["start"] or cycle["end"]:
            parts.append(f"<p>{e(_t('cycle_dates', lang, start=cycle['start'] or '…', end=cycle['end'] or '…'))}</p>")
        rows = []
        for f in REPORT_CYCLE_FIELDS:
            value = decision_words(cycle[f], lang) if f == "decision" else cycle[f]
            if value:
                rows.append(f"<dt>{e(_t(f'cycle.{f}', lang))}</dt><dd>{paragraph_html(value)}</dd>")
        parts.append(f"<dl>{''.join(rows)}</dl>")
    return "".join(parts)


def run_chart_html(p: dict, lang: str, group: str, occasion: str) -> str:
    """The run chart (when it can be drawn) and what its rules say, in sentences."""
    from kit.ui.html import e, figure

    s = p["series"]
    name = s["name"] or series_name("value", lang)
    heading = _t("runchart_heading", lang, name=s["name"]) if s["name"] else _t("runchart_unnamed", lang)
    parts = [f"<h4>{e(heading)}</h4>"]
    plots = _plots()
    notes = None
    if plots is not None and callable(getattr(plots, "run_chart_png", None)):
        png = plots.run_chart_png(p["measurements"], lang, cycles=p["cycles"], baseline=s["baseline"],
                                  method=s["method"], name=s["name"], unit=s["unit"])
        parts.append(figure(png, _t("runchart_caption", lang, name=name, group=group, occasion=occasion),
                            _t("runchart_alt", lang)))
        if callable(getattr(plots, "run_chart_notes", None)):
            notes = plots.run_chart_notes(p["measurements"], lang, baseline=s["baseline"], method=s["method"])
    if notes is None:
        notes = [w for run in run_chart_summary(p, lang, labelled=True) for w in run["words"]]
    if notes:
        parts.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    return "".join(parts)


def report_section(store: Store, workshop: str, lang: str = "sv", names=None) -> str:
    """The report's part: per group and occasion, the chain (its diagram and the chain as a
    list from the effect down), the Model for Improvement's answers, each PDSA cycle's key
    fields and decision, and the run chart with what its rules say. Every typed text is
    escaped; ``""`` when no group has saved anything."""
    from kit.io.writers import occasion_label
    from kit.ui.html import e

    found = _records(store, workshop)
    if not found:
        return ""
    parts = [f"<h2>{e(_t('report_title', lang))}</h2>", f"<p>{e(_t('report_intro', lang))}</p>"]
    for rec, p in found:
        group, occasion = _shown(rec.group, names), occasion_label(rec.occasion, lang)
        parts.append(f"<h3>{e(_t('report_group', lang, group=group, occasion=occasion))}</h3>")
        if p["items"]:
            parts.append(chain_html(p, lang, _t("chain_caption", lang, group=group, occasion=occasion)))
        parts.append(model_html(p, lang))
        if p["cycles"]:
            parts.append(cycles_html(p, lang))
        if p["measurements"]:
            parts.append(run_chart_html(p, lang, group, occasion))
    return "".join(parts)
