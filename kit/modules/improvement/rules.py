"""The improvement theory (förbättringsteori) as rules: a results chain of six steps built
backwards from the effect, the hints that keep it honest, the Model for Improvement and its
PDSA cycles, and the measurements a run chart is drawn from — pure (no widgets, store, files
or plots) and doctested.

A results chain reads forwards — resources make activities possible, activities make products,
products change ways of working, changed ways of working change the outcome for women and men,
and the outcomes add up to the effect — but SKR asks groups to *build* it backwards: start at the
effect ("Vart ska vi nå?") and ask, step by step, what is needed to get there::

    >>> [step_name(s) for s in BACKWARDS][:2]
    ['Effekt', 'Nytt eller ändrat utfall']

A chain is a list of items, each at one step, and links from an item to an item of the next
step up (an activity leads to a product, a product to a way of working …, many-to-many)::

    >>> chain = blank()
    >>> effect = add_item(chain, "effect", "Kvinnor och män får lika snabbt plats i särskilt boende")
    >>> outcome = add_item(chain, "outcome", "Lika väntetid för kvinnor och män", leads_to=[effect])
    >>> [h["hint"] for h in hints(chain)]
    ['effect_no_indicator', 'effect_no_goal', 'outcome_no_way', 'not_by_sex']

The hints are friendly questions, never blocks: an outcome no way of working leads to, an
activity that leads nowhere, an effect with no indicator, a chain that follows nothing for
women and men separately. :func:`chain_text` reads the chain as a list (the diagram's text
alternative).

Then the group tests changes in small PDSA cycles (Plan, Do, Study, Act) and follows a measure
over time on a run chart (:func:`kit.run_chart_rules` finds its signals; :func:`signal_words`
says them in words).

Sources: SKR's page on moment 8 (seed ``003_…``: the six steps and their names, thinking
backwards, the four questions, the Model for Improvement and the PDSA wheel); the results report
(seed ``001_…``: the results chain the least used tool, worth using both to plan and to follow
up); ``REFERENCES.md`` ("Improvement work": the Model for Improvement's three questions, IHI's
PDSA worksheet fields, the run-chart rules). The explanations are the kit's own words.
"""

from __future__ import annotations

import math
import re
import uuid

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError

#: SKR's six steps of the improvement theory, in the chain's (forward) order (names in the
#: texts, quoted from seed ``003_…``).
STEPS = ("resources", "activities", "product", "way", "outcome", "effect")
#: The order the app walks them: backwards, from the effect.
BACKWARDS = tuple(reversed(STEPS))
#: The six national gender-equality goals, in the government's order (as the analysis has them).
NATIONAL_GOALS = ("power", "economic", "education", "unpaid", "health", "violence")
#: The run-chart rules a group may choose (:func:`kit.run_chart_rules`).
METHODS = ("ihi", "anhoej")
#: What a PDSA cycle's Act may decide (IHI's worksheet).
DECISIONS = ("abandon", "adapt", "scale_up", "implement")
#: The fields of an item, a PDSA cycle and a measurement.
ITEM_TEXT = ("text", "indicator", "indicator_id", "date")
ITEM_NUMBERS = ("baseline", "target")
CYCLE_TEXT = ("objective", "questions", "change", "who", "where", "when", "predictions", "measure",
              "definition", "done", "observed", "learned", "reason")
CYCLE_DATES = ("start", "end")
AIM_FIELDS = ("aim", "measure", "change")
#: Limits: characters of a short and a long text; items, links, cycles and measurements.
SHORT = 300
LONG = 4000
MAX_ITEMS = 60
MAX_CYCLES = 30
MAX_MEASUREMENTS = 500
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"improvement.{key}", lang, **values)


def _err(key: str, *, row=None, field=None, value=None, **values) -> InputError:
    """An error of this module, naming the row (card) and the field in its message."""
    from kit.errors import Msg

    if field:
        values.setdefault("what", Msg(f"field_cap.{field}"))
    values.setdefault("at", Msg("improvement.at_row", n=row) if row is not None else "")
    return InputError(f"improvement.{key}", field=field, row=row, value=value,
                      n=row if row is not None else "?", **values)


def step_name(step: str, lang: str = "sv") -> str:
    """A step's name as SKR writes it (seed ``003_…``), capitalised for a heading.

    >>> [step_name(s) for s in STEPS]
    ['Resurser', 'Aktiviteter', 'Ny eller ändrad produkt', 'Nytt eller ändrat arbetssätt', 'Nytt eller ändrat utfall', 'Effekt']
    >>> step_name("way", "en")
    'New or changed way of working'
    """
    return _t(f"steps.{step}.name", lang)


def goal_name(key: str, lang: str = "sv") -> str:
    """A national gender-equality goal's official name (the analysis's texts hold them).

    >>> goal_name("unpaid")
    'Jämn fördelning av det obetalda hem- och omsorgsarbetet'
    """
    return content.text(f"analysis.goals.{key}.name", lang)


def next_step(step: str) -> str | None:
    """The step an item of ``step`` leads to (``None`` for the effect).

    >>> next_step("activities"), next_step("effect")
    ('product', None)
    """
    i = STEPS.index(step)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def new_id() -> str:
    return uuid.uuid4().hex[:12]


# -- the payload -----------------------------------------------------------------------------
def blank() -> dict:
    """An empty improvement theory: no items, no cycles, no measurements.

    >>> sorted(blank())
    ['aims', 'cycles', 'items', 'links', 'measurements', 'series']
    """
    return {"items": [], "links": [], "aims": {f: "" for f in AIM_FIELDS}, "cycles": [],
            "measurements": [], "series": {"name": "", "unit": "", "baseline": None, "method": "ihi"}}


def add_item(chain: dict, step: str, text: str, *, leads_to=(), **fields) -> str:
    """Add an item at ``step`` (linked to the items ``leads_to`` of the next step); returns its
    id. A convenience for examples and tests; the app edits rows."""
    if step not in STEPS:
        raise _err("bad_step", value=step, shown=sc.shown(step))
    item = {"id": new_id(), "step": step, "text": text, **fields}
    chain["items"].append(item)
    chain["links"].extend([item["id"], target] for target in leads_to)
    return item["id"]


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def parse_number(value, field: str, row: int | None = None) -> float | None:
    """A typed number (a decimal comma or point, spaces between thousands), or ``None`` for blank.

    >>> parse_number("1 234,5", "baseline"), parse_number(7, "target"), parse_number("", "target")
    (1234.5, 7.0, None)
    >>> parse_number("mycket", "baseline", 2)
    Traceback (most recent call last):
    kit.errors.InputError: Utgångsläget på rad 2 ska vara ett tal, till exempel 12 eller 4,5 – inte 'mycket'.
    """
    if _blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", value).replace("\u2212", "-")
        if not re.fullmatch(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)", text):
            raise _err("not_number", field=field, row=row, value=value, shown=sc.shown(value))
        number = float(text.replace(",", "."))
    else:
        raise _err("not_number", field=field, row=row, value=value, shown=sc.shown(value))
    if not math.isfinite(number) or abs(number) > 1e12:
        raise _err("not_number", field=field, row=row, value=value, shown=sc.shown(value))
    return number


def parse_date(value, field: str = "date", row: int | None = None, *, required: bool = False) -> str:
    """A date as ``YYYY-MM-DD`` (``""`` for blank unless ``required``); a real calendar day.

    >>> parse_date("2027-03-01"), parse_date(" "), parse_date("2027-3-1")
    ('2027-03-01', '', '2027-03-01')
    >>> parse_date("2027-02-30")
    Traceback (most recent call last):
    kit.errors.InputError: Datum ska vara ett datum som 2027-03-01 (år-månad-dag), inte '2027-02-30'.
    """
    import datetime as dt

    if _blank(value):
        if required:
            raise _err("date_required", field=field, row=row)
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        if not m:
            raise ValueError
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise _err("bad_date", field=field, row=row, value=value, shown=sc.shown(value)) from None


def _ids(rows) -> list[str]:
    return [str(r.get("id")) for r in rows if isinstance(r, dict)]


def clean_items(items) -> list[dict]:
    """The chain's items, checked: each at one of :data:`STEPS`, with its text, and the
    optional indicator (typed, or ``indicator_id`` from the statistics step), ``by_sex``
    (followed for women and men separately), baseline, target and date; the effect's
    national ``goals``. An item with nothing typed is dropped. Raises one
    :class:`~kit.InputError` naming the first problem (the row counts from 1).

    >>> clean_items([{"id": "e", "step": "effect", "text": " Lika  väntetid ", "baseline": "12,5",
    ...               "goals": ["health", "health"]}])[0]
    {'id': 'e', 'step': 'effect', 'text': 'Lika väntetid', 'indicator': '', 'indicator_id': '', 'date': '', 'baseline': 12.5, 'target': None, 'by_sex': False, 'goals': ['health']}
    >>> clean_items([{"step": "effect", "text": "x", "goals": ["peace"]}])
    Traceback (most recent call last):
    kit.errors.InputError: Kort 1: 'peace' är inget av de sex jämställdhetspolitiska målen.
    """
    if items is None:
        return []
    if not isinstance(items, list):
        raise _err("bad_chain")
    out, seen = [], set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _err("bad_chain", row=n)
        step = item.get("step")
        if step not in STEPS:
            raise _err("bad_step", row=n, value=step, shown=sc.shown(step))
        clean = {"id": str(item.get("id") or new_id())[:40], "step": step}
        for field in ITEM_TEXT:
            limit = LONG if field == "text" else SHORT
            clean[field] = sc.clean_text(item.get(field) or "", field, limit)
        clean["date"] = parse_date(clean["date"], "date", n)
        for field in ITEM_NUMBERS:
            clean[field] = parse_number(item.get(field), field, n)
        clean["by_sex"] = _yes(item.get("by_sex"))
        goals = item.get("goals") or []
        if isinstance(goals, str):
            goals = [goals]
        if step == "effect":
            if not isinstance(goals, list) or any(g not in NATIONAL_GOALS for g in goals):
                bad = next((g for g in goals if g not in NATIONAL_GOALS), goals)
                raise _err("bad_goal", row=n, value=bad, shown=sc.shown(bad))
            clean["goals"] = [g for g in NATIONAL_GOALS if g in goals]
        if not (clean["text"] or clean["indicator"] or clean["indicator_id"]
                or any(clean[f] is not None for f in ITEM_NUMBERS)):
            continue  # nothing typed: an empty card is not an item
        if clean["id"] in seen:
            clean["id"] = new_id()
        seen.add(clean["id"])
        out.append(clean)
    if len(out) > MAX_ITEMS:
        raise _err("too_many_items", limit=MAX_ITEMS)
    return out


def _yes(value) -> bool:
    if isinstance(value, list):
        return bool(value)
    return value is True or str(value).strip().lower() in ("yes", "ja", "true", "1", "x")


def clean_links(links, items: list[dict]) -> list[list[str]]:
    """The links, kept only from an item to an item of the next step up, once each, in the
    items' order.

    >>> items = [{"id": "a", "step": "activities"}, {"id": "p", "step": "product"},
    ...          {"id": "e", "step": "effect"}]
    >>> clean_links([["a", "p"], ["a", "p"], ["a", "e"], ["p", "a"], ["x", "p"], "junk"], items)
    [['a', 'p']]
    """
    step = {i["id"]: i["step"] for i in items}
    order = {i["id"]: n for n, i in enumerate(items)}
    kept = set()
    for link in links or []:
        if not isinstance(link, (list, tuple)) or len(link) != 2:
            continue
        a, b = str(link[0]), str(link[1])
        if a in step and b in step and next_step(step[a]) == step[b]:
            kept.add((a, b))
    return [list(k) for k in sorted(kept, key=lambda k: (order[k[0]], order[k[1]]))]


def clean_cycles(cycles) -> list[dict]:
    """The PDSA cycles (IHI's worksheet): numbered from 1 in order of their start date, each
    with its dates, objective and questions, the change (who, where, when), predictions,
    the data-collection plan (measure, definition), what was done and observed, what was
    learned, and the decision (one of :data:`DECISIONS`, or ``""`` while the cycle runs).

    >>> c = clean_cycles([{"start": "2027-03-15", "end": "2027-03-01", "objective": "Testa"}])
    Traceback (most recent call last):
    kit.errors.InputError: PDSA-cykel 1 slutar (2027-03-01) före den börjar (2027-03-15).
    >>> c = clean_cycles([{"start": "2027-04-01", "decision": "adapt"}, {"start": "2027-03-01"}])
    >>> [(x["number"], x["start"], x["decision"]) for x in c]
    [(1, '2027-03-01', ''), (2, '2027-04-01', 'adapt')]
    """
    if cycles is None:
        return []
    if not isinstance(cycles, list):
        raise _err("bad_cycles")
    out = []
    for n, cycle in enumerate(cycles, start=1):
        if not isinstance(cycle, dict):
            raise _err("bad_cycles", row=n)
        clean = {"id": str(cycle.get("id") or new_id())[:40]}
        for field in CYCLE_DATES:
            clean[field] = parse_date(cycle.get(field), field, n)
        if clean["start"] and clean["end"] and clean["end"] < clean["start"]:
            raise _err("cycle_dates", row=n, start=clean["start"], end=clean["end"])
        for field in CYCLE_TEXT:
            clean[field] = sc.clean_text(cycle.get(field) or "", field, LONG, multiline=True)
        decision = str(cycle.get("decision") or "")
        if decision and decision not in DECISIONS:
            raise _err("bad_decision", row=n, value=decision, shown=sc.shown(decision))
        clean["decision"] = decision
        if not any(clean[f] for f in (*CYCLE_DATES, *CYCLE_TEXT)) and not decision:
            continue
        out.append(clean)
    if len(out) > MAX_CYCLES:
        raise _err("too_many_cycles", limit=MAX_CYCLES)
    out.sort(key=lambda c: (c["start"] or "9999", ))
    for number, cycle in enumerate(out, start=1):
        cycle["number"] = number
    return out


def clean_measurements(rows) -> list[dict]:
    """The measurements: a date and a value, and optionally women's and men's values, sorted by
    date (the order a run chart reads them). A row with no date and no value is dropped; a
    value with no date, or a date with no value at all, is an error naming the row.

    >>> m = clean_measurements([{"date": "2027-01-08", "value": "4,5"},
    ...                         {"date": "2027-01-01", "women": 5, "men": "3"}])
    >>> [(x["date"], x["value"], x["women"], x["men"]) for x in m]
    [('2027-01-01', None, 5.0, 3.0), ('2027-01-08', 4.5, None, None)]
    >>> clean_measurements([{"value": 3}])
    Traceback (most recent call last):
    kit.errors.InputError: Rad 1 saknar datum: skriv det som 2027-03-01.
    """
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise _err("bad_measurements")
    out = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _err("bad_measurements", row=n)
        values = {f: parse_number(row.get(f), f, n) for f in ("value", "women", "men")}
        if _blank(row.get("date")) and all(v is None for v in values.values()):
            continue
        date = parse_date(row.get("date"), "date", n, required=True)
        if all(v is None for v in values.values()):
            raise _err("value_required", field="value", row=n, date=date)
        out.append({"id": str(row.get("id") or new_id())[:40], "date": date, **values})
    if len(out) > MAX_MEASUREMENTS:
        raise _err("too_many_measurements", limit=MAX_MEASUREMENTS)
    out.sort(key=lambda m: m["date"])
    return out


def clean_payload(payload) -> dict:
    """The whole improvement theory, checked (see the ``clean_*`` functions); unknown keys go.

    >>> p = clean_payload({"items": [{"id": "e", "step": "effect", "text": "<b>Lika</b>"}],
    ...                    "links": [["e", "e"]], "aims": {"aim": "=1+1"}, "junk": 1})
    >>> p["items"][0]["text"], p["links"], p["aims"]["aim"], "junk" in p
    ('<b>Lika</b>', [], '=1+1', False)
    """
    if payload is None:
        return blank()
    if not isinstance(payload, dict):
        raise _err("bad_chain")
    items = clean_items(payload.get("items"))
    aims = payload.get("aims") if isinstance(payload.get("aims"), dict) else {}
    series = payload.get("series") if isinstance(payload.get("series"), dict) else {}
    return {
        "items": items,
        "links": clean_links(payload.get("links"), items),
        "aims": {f: sc.clean_text(aims.get(f) or "", f, LONG, multiline=True) for f in AIM_FIELDS},
        "cycles": clean_cycles(payload.get("cycles")),
        "measurements": clean_measurements(payload.get("measurements")),
        "series": clean_series(series),
    }


def clean_series(series) -> dict:
    """What the run chart follows: the measure's ``name`` and ``unit``, how many of the first
    points are the ``baseline`` the median comes from (``None``: all of them), and the rules'
    ``method`` (:data:`METHODS`).

    >>> clean_series({"name": "Väntetid", "baseline": "8", "method": "anhoej"})
    {'name': 'Väntetid', 'unit': '', 'baseline': 8, 'method': 'anhoej'}
    >>> clean_series({"baseline": 0})["baseline"] is None
    True
    """
    series = series if isinstance(series, dict) else {}
    baseline = parse_number(series.get("baseline"), "baseline")
    if baseline is not None and (baseline != int(baseline) or baseline < 0):
        raise _err("bad_baseline", field="baseline", value=series.get("baseline"),
                   shown=sc.shown(series.get("baseline")))
    method = series.get("method") or "ihi"
    if method not in METHODS:
        raise _err("bad_method", value=method, shown=sc.shown(method))
    return {"name": sc.clean_text(series.get("name") or "", "name", SHORT),
            "unit": sc.clean_text(series.get("unit") or "", "unit", 40),
            "baseline": int(baseline) if baseline else None, "method": method}


def is_empty(payload: dict) -> bool:
    """Nothing typed anywhere (an empty record is not saved as work done).

    >>> is_empty(blank()), is_empty({**blank(), "aims": {"aim": "Kortare väntetid"}})
    (True, False)
    """
    return not (payload.get("items") or payload.get("cycles") or payload.get("measurements")
                or any((payload.get("aims") or {}).values()))


# -- the chain -------------------------------------------------------------------------------
def at_step(chain: dict, step: str) -> list[dict]:
    return [i for i in chain.get("items") or [] if i.get("step") == step]


def leads_to(chain: dict, item_id: str) -> list[str]:
    """The ids the item leads to (the next step up), in the chain's order."""
    return [b for a, b in chain.get("links") or [] if a == item_id]


def led_from(chain: dict, item_id: str) -> list[str]:
    """The ids of the items leading to this one (the step below)."""
    return [a for a, b in chain.get("links") or [] if b == item_id]


def _has_indicator(item: dict) -> bool:
    return bool(str(item.get("indicator") or "").strip() or item.get("indicator_id"))


def hints(chain: dict) -> list[dict]:
    """Friendly checks of the chain, in the order the app walks it (effect first): each
    ``{"hint": key, "item": id or None, "step": step}`` — never a block, only a question to
    think about:

    - ``effect_none``: no effect yet (where are we going?);
    - ``effect_no_indicator``: an effect with no indicator (how will we know?);
    - ``effect_no_goal``: an effect linked to no national gender-equality goal;
    - ``outcome_no_way``: an outcome no new or changed way of working leads to;
    - ``leads_nowhere``: an item below the effect (an activity, say) that leads to nothing;
    - ``activity_no_resource``: an activity no resource makes possible;
    - ``not_by_sex``: nothing in the chain is followed for women and men separately.

    >>> c = blank()
    >>> e = add_item(c, "effect", "Jämställd hälsa", indicator="Andel", goals=["health"], by_sex=True)
    >>> u = add_item(c, "outcome", "Lika väntetid", leads_to=[e])
    >>> w = add_item(c, "way", "Ny rutin", leads_to=[u])
    >>> a = add_item(c, "activities", "Utbilda handläggare")
    >>> [(h["hint"], h["step"]) for h in hints(c)]
    [('leads_nowhere', 'activities'), ('activity_no_resource', 'activities')]
    >>> [h["hint"] for h in hints(blank())]
    ['effect_none']
    """
    out = []
    items = chain.get("items") or []
    effects = at_step(chain, "effect")
    if not effects:
        out.append({"hint": "effect_none", "item": None, "step": "effect"})
    for e in effects:
        if not _has_indicator(e):
            out.append({"hint": "effect_no_indicator", "item": e["id"], "step": "effect"})
        if not e.get("goals"):
            out.append({"hint": "effect_no_goal", "item": e["id"], "step": "effect"})
    for step in BACKWARDS[1:]:
        for item in at_step(chain, step):
            if step == "outcome" and not any(
                    i["step"] == "way" for i in items if i["id"] in led_from(chain, item["id"])):
                out.append({"hint": "outcome_no_way", "item": item["id"], "step": step})
            if not leads_to(chain, item["id"]):
                out.append({"hint": "leads_nowhere", "item": item["id"], "step": step})
            if step == "activities" and not led_from(chain, item["id"]):
                out.append({"hint": "activity_no_resource", "item": item["id"], "step": step})
    if items and not any(i.get("by_sex") or i.get("indicator_id") for i in items):
        out.append({"hint": "not_by_sex", "item": None, "step": None})
    return out


def hint_text(hint: dict, chain: dict, lang: str = "sv") -> str:
    """A hint in words, naming its item (typed text is inserted, never interpreted).

    >>> c = blank(); e = add_item(c, "effect", "Lika {väntetid}")
    >>> hint_text(hints(c)[0], c)
    'Hur vet ni att ni når effekten ”Lika {väntetid}”? Ge den en indikator, gärna för kvinnor och män var för sig.'
    """
    item = next((i for i in chain.get("items") or [] if i["id"] == hint.get("item")), None)
    name = _short(item["text"]) if item else ""
    step = hint.get("step")
    return _t(f"hints.{hint['hint']}", lang, item=name,
              step=step_name(step, lang).lower() if step else "",
              next=step_name(next_step(step), lang).lower() if step and next_step(step) else "")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def item_label(item: dict, lang: str = "sv") -> str:
    """An item's text with its indicator, baseline, target and date, for lists and the
    diagram's text alternative.

    >>> item_label({"text": "Lika väntetid", "indicator": "Väntetid, dagar", "baseline": 59.4,
    ...             "target": 50, "date": "2027-12-31", "by_sex": True})
    'Lika väntetid (indikator: Väntetid, dagar, för kvinnor och män; utgångsläge 59,4; mål 50; senast 2027-12-31)'
    """
    from kit.fmt import number

    parts = []
    if _has_indicator(item):
        ind = item.get("indicator") or item.get("indicator_id")
        parts.append(_t("label.indicator", lang, indicator=ind)
                     + (_t("label.by_sex", lang) if item.get("by_sex") or item.get("indicator_id") else ""))
    for field in ITEM_NUMBERS:
        if item.get(field) is not None:
            parts.append(_t(f"label.{field}", lang, value=_num(item[field], lang)))
    if item.get("date"):
        parts.append(_t("label.date", lang, date=item["date"]))
    text = item.get("text") or item.get("indicator") or "–"
    return f"{text} ({'; '.join(parts)})" if parts else text


def _num(value: float, lang: str) -> str:
    from kit.fmt import number

    decimals = 0 if float(value).is_integer() else (1 if round(value, 1) == value else 2)
    return number(value, lang, decimals)


def chain_text(chain: dict, lang: str = "sv") -> list[dict]:
    """The chain read as a list, from the effect down (the diagram's text alternative): each
    step ``{"step", "name", "items": [{"label", "leads_to": [labels], "goals": [names]}]}``.

    >>> c = blank()
    >>> e = add_item(c, "effect", "Jämställd hälsa", goals=["health"])
    >>> u = add_item(c, "outcome", "Lika väntetid", leads_to=[e])
    >>> t = chain_text(c)
    >>> t[0]["name"], t[0]["items"][0]["goals"], t[1]["items"][0]["leads_to"]
    ('Effekt', ['Jämställd hälsa'], ['Jämställd hälsa'])
    """
    by_id = {i["id"]: i for i in chain.get("items") or []}
    out = []
    for step in BACKWARDS:
        rows = []
        for item in at_step(chain, step):
            rows.append({"id": item["id"], "label": item_label(item, lang),
                         "leads_to": [_short(by_id[b]["text"] or by_id[b].get("indicator") or "–")
                                      for b in leads_to(chain, item["id"]) if b in by_id],
                         "goals": [goal_name(g, lang) for g in item.get("goals") or []]})
        out.append({"step": step, "name": step_name(step, lang), "items": rows})
    return out


# -- measurements and the run chart ----------------------------------------------------------
def series_values(measurements: list[dict], which: str = "value") -> list:
    """One series of the measurements (``"value"``, ``"women"`` or ``"men"``), in date order,
    ``None`` where a row has no such value (the run chart skips it).

    >>> series_values([{"date": "2027-01-01", "value": 3.0, "women": None}], "women")
    [None]
    """
    return [m.get(which) for m in measurements]


def series_present(measurements: list[dict]) -> list[str]:
    """The series the measurements hold: ``"value"`` and/or ``"women"`` and ``"men"``.

    >>> series_present([{"value": None, "women": 3.0, "men": 2.0}])
    ['women', 'men']
    """
    return [s for s in ("value", "women", "men") if any(m.get(s) is not None for m in measurements)]


def signal_words(result, dates: list[str], lang: str = "sv", label: str = "") -> list[str]:
    """The run chart's signals in words ("6 punkter i rad över medianen från vecka 12: en
    förskjutning"); ``dates`` are the measurements' dates, in the order of the values;
    ``label`` names the series when there are several.

    >>> from kit.domain.runchart import run_chart_rules
    >>> values = [5, 7, 5, 7, 5, 7, 9, 9, 9, 9, 9, 9]
    >>> import datetime as dt
    >>> dates = [(dt.date(2027, 1, 4) + dt.timedelta(weeks=k)).isoformat() for k in range(12)]
    >>> signal_words(run_chart_rules(values, baseline=6), dates)
    ['7 punkter i rad över medianen från vecka 6 (2027-02-08): en förskjutning.']
    """
    out = []
    weekly = _weekly(dates)
    signals = result.signals if hasattr(result, "signals") else result.get("signals", [])
    prefix = _t("signals.series", lang, label=label) if label else ""
    for s in signals:
        rule = s["rule"]
        if rule in ("shift", "trend"):
            start = dates[s["start"]] if 0 <= s["start"] < len(dates) else ""
            key = f"signals.{rule}_{s.get('side') or s.get('direction')}"
            when = _t("signals.week", lang, week=_week(start), date=start) if weekly and start else start
            out.append(prefix + _t(key, lang, n=s["length"], when=when))
        elif rule == "too_few_runs":
            out.append(prefix + _t("signals.too_few_runs", lang, runs=s.get("runs", s.get("crossings")),
                                   limit=s["limit"]))
        elif rule == "too_many_runs":
            out.append(prefix + _t("signals.too_many_runs", lang, runs=s["runs"], limit=s["limit"]))
    return out


def _weekly(dates: list[str]) -> bool:
    """Whether measurements come about once a week (then a signal names its week).

    >>> _weekly(["2027-01-04", "2027-01-11", "2027-01-18"]), _weekly(["2027-01-01", "2027-02-01"])
    (True, False)
    """
    import datetime as dt

    days = []
    for a, b in zip(dates, dates[1:]):
        try:
            days.append((dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days)
        except (TypeError, ValueError):
            continue
    days = sorted(d for d in days if d > 0)
    return bool(days) and 4 <= days[len(days) // 2] <= 10


def _week(date: str) -> str:
    import datetime as dt

    try:
        return str(dt.date.fromisoformat(date).isocalendar()[1])
    except ValueError:
        return "?"


def cycle_label(cycle: dict, lang: str = "sv") -> str:
    """A PDSA cycle's short name for the run chart's time axis and lists.

    >>> cycle_label({"number": 2, "start": "2027-03-01", "change": "Ny checklista vid bedömning"})
    'PDSA 2: Ny checklista vid bedömning'
    """
    change = _short(cycle.get("change") or cycle.get("objective") or "", 40)
    return f"PDSA {cycle.get('number', '?')}" + (f": {change}" if change else "")


def decision_name(decision: str, lang: str = "sv") -> str:
    """A PDSA decision in words.

    >>> decision_name("adapt"), decision_name("scale_up", "en")
    ('Justera och testa igen', 'Scale up')
    """
    return _t(f"decisions.{decision}", lang)
