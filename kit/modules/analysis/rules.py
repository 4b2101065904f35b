"""The guided gender-impact analysis, as rules: what a group's analysis holds, which steps are
done, how SKL's checklist for gender-equal decisions routes a decision paper, and the text a
decision paper needs — all pure (no widgets, store, files or plots) and doctested.

An analysis starts from the indicators a group picked in the statistics step. Each becomes a
row of answers to the könskonsekvensanalys' questions (after Vaxholm's, seed ``001_…``)::

    >>> pick = {"dataset": "exempelby", "indicator": "Väntetid till särskilt boende",
    ...         "area": "Exempelby", "age_group": "80+", "title": "Väntetid till särskilt boende",
    ...         "unit": "dagar", "first": "2019", "period": "2024", "women": 59.4, "men": 50.0,
    ...         "total": 56.3, "diff": 9.4, "ratio": 1.188, "trend": "closing"}
    >>> row = indicator_from_pick(pick)
    >>> row["difference"], row["conclusion"], row["women"]
    ('', '', 59.4)

A value the statistics step marked suppressed is never carried, even if a pick holds one::

    >>> row = indicator_from_pick(pick, suppressed=["2024:M"])
    >>> row["men"], row["diff"], row["women"]
    (None, None, 59.4)

The analysis is then related to goals (the organisation's own and the six national
gender-equality goals), looked at with the 4R, and a decision paper is checked against the
checklist before the section "Konsekvenser för kvinnor och män, flickor och pojkar" is written
from all of it (:func:`section_text`). Typed text is only ever inserted into that text, never
read as a template or as markup; a value the statistics step suppressed is never in a row, so it
cannot appear — the text says instead which values are not shown, and why.

Sources: moments 6 and 7 of SKR's guide (seed ``000_…``: könskonsekvensanalys, then
jämställdhetsanalys; decision papers describe the consequences for women and men), the six
national goals and Vaxholm's questions (seed ``001_…``), and ``REFERENCES.md`` (SKL's checklist
for gender-equal decisions, 2015; the 3R/4R method).
"""

from __future__ import annotations

import math
import uuid

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError
from kit.modules.statistics import rules as stat

#: The four steps, one page each.
STEPS = ("impact", "goals", "fourr", "decision")
#: The questions of the könskonsekvensanalys, per indicator, in order.
QUESTIONS = ("difference", "size", "elsewhere", "explanation", "explanation_why", "groups", "own_ways",
             "conclusion")
#: The questions answered by a choice, and their choices.
CHOICES = {"difference": ("yes", "no", "unknown"), "size": ("large", "small", "unknown"),
           "explanation": ("inequality", "explained", "unknown")}
#: The six national gender-equality goals, in the government's order (names in the texts).
NATIONAL_GOALS = ("power", "economic", "education", "unpaid", "health", "violence")
#: Whether a goal is met for women and men alike.
MET = ("yes", "partly", "no", "unknown")
#: The 4R, in order: the first two ask who gets what, the last two how to improve.
FOUR_R = ("representation", "resources", "realia", "realise")
#: SKL's checklist for gender-equal decisions: five statements answered yes or no, in order.
STATEMENTS = ("concerns", "statistics", "consequences", "measures", "goals")
ANSWERS = ("yes", "no")
#: A row carries the statistics step's pick as it was picked (its numbers are suppressed data).
PICK_FIELDS = ("id", "dataset", "indicator", "area", "age_group", "title", "unit", "note", "first", "period",
               "trend")
PICK_NUMBERS = stat.PICK_NUMBERS
#: The most characters of one typed answer; of a pasted paper; of the section.
ANSWER_LIMIT = 4000
PAPER_LIMIT = 20000
SECTION_LIMIT = 20000
#: The most indicators and own goals an analysis holds.
MAX_INDICATORS = stat.MAX_PICKS
MAX_OWN_GOALS = 10


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"analysis.{key}", lang, **values)


# -- the analysis --------------------------------------------------------------------------
def blank() -> dict:
    """An empty analysis: no indicators, the six national goals unjudged, nothing written.

    >>> a = blank()
    >>> [g["id"] for g in a["national"]] == list(NATIONAL_GOALS), a["checklist"]["s1"], a["section"]
    (True, '', {'text': '', 'edited': False})
    """
    return {"threshold": "", "indicators": [], "own_goals": [],
            "national": [{"id": g, "indicators": [], "met": "", "why": ""} for g in NATIONAL_GOALS],
            "fourr": {"activity": "", **{k: "" for k in FOUR_R}},
            "paper": {"kind": "sample", "title": "", "text": ""},
            "checklist": {**{f"s{i}": "" for i in range(1, len(STATEMENTS) + 1)}, "reason": ""},
            "section": {"text": "", "edited": False}}


def indicator_from_pick(pick: dict, suppressed=()) -> dict:
    """A row of the analysis for one of the statistics step's picks: the pick's own fields and
    numbers, which values of its series are suppressed (``"2022:K"``: the women's value in
    2022), and every question still unanswered."""
    row = {f: str(pick.get(f) or "") for f in PICK_FIELDS}
    row["id"] = row["id"] or uuid.uuid4().hex[:12]
    for f in PICK_NUMBERS:
        value = pick.get(f)
        row[f] = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value) else None
    row["suppressed"] = sorted({str(s) for s in suppressed})
    hidden = {s.partition(":")[2] for s in row["suppressed"] if s.partition(":")[0] == row["period"]}
    for sex, field in (("K", "women"), ("M", "men"), ("T", "total")):
        if sex in hidden:  # a value marked suppressed is never carried, whatever the pick held
            row[field] = None
    if hidden & {"K", "M"}:
        row["diff"] = row["ratio"] = None
    row.update({q: "" for q in QUESTIONS})
    return row


def pick_key(row: dict) -> tuple:
    """What makes a pick the same pick in both steps (dataset, indicator, area, age group)."""
    return tuple(str(row.get(f) or "") for f in ("dataset", "indicator", "area", "age_group"))


def answered(row: dict) -> bool:
    """Whether any question of an indicator's row has an answer.

    >>> answered({"difference": ""}), answered({"groups": "Kvinnor 80+"})
    (False, True)
    """
    return any(str(row.get(q) or "").strip() for q in QUESTIONS)


def merge_picks(indicators: list, picks: list, suppressed_of=None) -> tuple[list, list]:
    """The analysis' indicators after taking the statistics step's picks again: in the picks'
    order, each with the answers it already had (its numbers as picked now), new picks blank.
    Returns ``(rows, dropped)``: ``dropped`` are the rows no longer picked that had answers
    (the page asks before they go). ``suppressed_of(pick)`` gives a pick's suppressed values.

    >>> old = [{**indicator_from_pick({"indicator": "A"}), "conclusion": "Viktigt"}]
    >>> rows, dropped = merge_picks(old, [{"indicator": "B"}, {"indicator": "A", "women": 3.0}])
    >>> [(r["indicator"], r["conclusion"], r["women"]) for r in rows], dropped
    ([('B', '', None), ('A', 'Viktigt', 3.0)], [])
    >>> merge_picks(old, [])[1][0]["indicator"]
    'A'
    """
    by_key = {pick_key(r): r for r in indicators}
    rows = []
    for pick in picks[:MAX_INDICATORS]:
        fresh = indicator_from_pick(pick, suppressed_of(pick) if suppressed_of else pick.get("suppressed") or ())
        had = by_key.get(pick_key(fresh))
        if had:
            fresh.update({q: had.get(q, "") for q in QUESTIONS})
            fresh["id"] = had.get("id") or fresh["id"]
        rows.append(fresh)
    kept = {pick_key(r) for r in rows}
    dropped = [r for r in indicators if pick_key(r) not in kept and answered(r)]
    return rows, dropped


def _text(value, field: str, limit: int, where: str) -> str:
    text = "" if value is None else str(value)
    if len(text) > limit:
        if where:
            raise InputError("analysis.too_long_in", field=field, where=sc.shown(where, 60), limit=limit, n=len(text))
        raise InputError("analysis.too_long", field=field, limit=limit, n=len(text))
    return stat._note(text)


def _choice(value, allowed) -> str:
    value = str(value or "")
    return value if value in allowed else ""


def _ids(values, known) -> list[str]:
    if not isinstance(values, (list, tuple)):
        return []
    return [v for v in dict.fromkeys(str(x) for x in values) if v in known]


def clean_payload(payload) -> dict:
    """The analysis as it is stored: every field in its place, every text plain and within its
    limit, every choice one the rules know (anything else is left unanswered), goals pointing
    only at indicators of this analysis. Raises :class:`kit.InputError` naming the field for a
    text too long or a shape that is not an analysis.

    >>> a = clean_payload({"indicators": [{"indicator": "Väntetid", "difference": "maybe",
    ...                                     "conclusion": "Kvinnor <b>väntar</b>\\x00 längre"}]})
    >>> a["indicators"][0]["difference"], a["indicators"][0]["conclusion"]
    ('', 'Kvinnor <b>väntar</b> längre')
    >>> clean_payload({"fourr": {"realia": "x" * 5000}})
    Traceback (most recent call last):
    kit.errors.InputError: En text är för lång (4R): högst 4000 tecken, inte 5000.
    """
    if not isinstance(payload, dict):
        raise InputError("analysis.not_analysis")
    out = blank()
    out["threshold"] = sc.shown(str(payload.get("threshold") or ""), 40)
    rows = payload.get("indicators") or []
    if not isinstance(rows, list) or len(rows) > MAX_INDICATORS:
        raise InputError("analysis.too_many", limit=MAX_INDICATORS)
    seen = set()
    for n, given in enumerate(rows, start=1):
        if not isinstance(given, dict) or not str(given.get("indicator") or "").strip():
            raise InputError("analysis.bad_indicator", n=n)
        row = indicator_from_pick(given, [s for s in given.get("suppressed") or [] if isinstance(s, str)][:200])
        row = {k: sc.shown(v, 300) if isinstance(v, str) and k in PICK_FIELDS else v for k, v in row.items()}
        row["suppressed"] = [sc.shown(s, 40) for s in row["suppressed"]]
        where = row["title"] or row["indicator"]
        for q in QUESTIONS:
            row[q] = _choice(given.get(q), CHOICES[q]) if q in CHOICES else \
                _text(given.get(q), q, ANSWER_LIMIT, where)
        if row["id"] in seen:
            row["id"] = uuid.uuid4().hex[:12]
        seen.add(row["id"])
        out["indicators"].append(row)
    known = [r["id"] for r in out["indicators"]]
    goals = payload.get("own_goals") or []
    if not isinstance(goals, list) or len(goals) > MAX_OWN_GOALS:
        raise InputError("analysis.too_many_goals", limit=MAX_OWN_GOALS)
    for given in goals:
        if not isinstance(given, dict):
            continue
        goal = _text(given.get("goal"), "goal", 300, "")
        why = _text(given.get("why"), "why", ANSWER_LIMIT, goal)
        if not goal.strip() and not why.strip():
            continue  # an own goal never written: nothing to keep
        out["own_goals"].append({"id": sc.shown(str(given.get("id") or uuid.uuid4().hex[:12]), 40),
                                 "goal": " ".join(goal.split()), "indicators": _ids(given.get("indicators"), known),
                                 "met": _choice(given.get("met"), MET), "why": why})
    national = {str(g.get("id")): g for g in payload.get("national") or [] if isinstance(g, dict)}
    for row in out["national"]:
        given = national.get(row["id"], {})
        row.update(indicators=_ids(given.get("indicators"), known), met=_choice(given.get("met"), MET),
                   why=_text(given.get("why"), "why", ANSWER_LIMIT, goal_name(row["id"])))
    fourr = payload.get("fourr") if isinstance(payload.get("fourr"), dict) else {}
    out["fourr"]["activity"] = sc.shown(_text(fourr.get("activity"), "activity", 300, "4R"), 300)
    for k in FOUR_R:
        out["fourr"][k] = _text(fourr.get(k), k, ANSWER_LIMIT, "4R")
    paper = payload.get("paper") if isinstance(payload.get("paper"), dict) else {}
    out["paper"] = {"kind": "own" if paper.get("kind") == "own" else "sample",
                    "title": sc.shown(_text(paper.get("title"), "title", 300, ""), 300),
                    "text": _text(paper.get("text"), "text", PAPER_LIMIT, "")}
    checks = payload.get("checklist") if isinstance(payload.get("checklist"), dict) else {}
    for i in range(1, len(STATEMENTS) + 1):
        out["checklist"][f"s{i}"] = _choice(checks.get(f"s{i}"), ANSWERS)
    out["checklist"]["reason"] = _text(checks.get("reason"), "reason", ANSWER_LIMIT, "")
    section = payload.get("section") if isinstance(payload.get("section"), dict) else {}
    out["section"] = {"text": _text(section.get("text"), "section", SECTION_LIMIT, ""),
                      "edited": bool(section.get("edited"))}
    return out


# -- progress ------------------------------------------------------------------------------
def progress(payload: dict) -> list[str]:
    """The steps the analysis has done, in order: the könskonsekvensanalys when every indicator
    has its difference judged and a conclusion; the goals when one goal is judged; the 4R when
    all four are written; the decision paper when the checklist has its verdict.

    >>> a = blank()
    >>> progress(a)
    []
    >>> a["national"][4]["met"] = "no"
    >>> a["checklist"].update(s1="no", reason="Gäller lokaler")
    >>> progress(a)
    ['goals', 'decision']
    """
    done = []
    rows = payload.get("indicators") or []
    if rows and all(r.get("difference") and str(r.get("conclusion") or "").strip() for r in rows):
        done.append("impact")
    goals = [*(payload.get("national") or []), *(payload.get("own_goals") or [])]
    if any(g.get("met") for g in goals):
        done.append("goals")
    fourr = payload.get("fourr") or {}
    if all(str(fourr.get(k) or "").strip() for k in FOUR_R):
        done.append("fourr")
    if route(payload.get("checklist") or {})["status"] != "open":
        done.append("decision")
    return done


def first_open(payload: dict) -> int:
    """The step to open when a group comes back: the first not done (the last when all are).

    >>> first_open(blank()), first_open({**blank(), "indicators": []})
    (0, 0)
    """
    done = progress(payload)
    return next((i for i, k in enumerate(STEPS) if k not in done), len(STEPS) - 1)


# -- the checklist for gender-equal decisions ----------------------------------------------
def route(checklist: dict) -> dict:
    """Where SKL's checklist stands for a decision paper. The statements are answered in
    order: statement *k* is asked once *k − 1* is answered. A "no" on the first means the
    checklist does not apply (the paper's decision does not concern women and men, girls and
    boys) and ends it; a "no" on any of the others sends the paper back for completion
    (återremiss) with what is missing — the rest are still asked, so that the note names
    everything missing at once.

    Returns ``{"asked": [1, …], "next": k or None, "status", "missing": [k, …]}`` with
    ``status`` ``"open"`` (a statement still to answer), ``"not_applicable"``, ``"remiss"``
    or ``"complete"`` (all five yes).

    >>> route({})["asked"], route({})["status"]
    ([1], 'open')
    >>> route({"s1": "no", "s2": "no"})
    {'asked': [1], 'next': None, 'status': 'not_applicable', 'missing': []}
    >>> route({"s1": "yes", "s2": "no", "s3": "yes"})
    {'asked': [1, 2, 3, 4], 'next': 4, 'status': 'open', 'missing': [2]}
    >>> route({"s1": "yes", "s2": "yes", "s3": "no", "s4": "yes", "s5": "no"})["status"]
    'remiss'
    >>> route({f"s{i}": "yes" for i in range(1, 6)})["status"]
    'complete'
    >>> route({"s1": "yes", "s3": "no"})["asked"]  # statement 3 is not asked before 2
    [1, 2]
    """
    asked, missing = [], []
    for k in range(1, len(STATEMENTS) + 1):
        asked.append(k)
        answer = checklist.get(f"s{k}") if isinstance(checklist, dict) else None
        if answer not in ANSWERS:
            return {"asked": asked, "next": k, "status": "open", "missing": missing}
        if answer == "no":
            if k == 1:
                return {"asked": asked, "next": None, "status": "not_applicable", "missing": []}
            missing.append(k)
    return {"asked": asked, "next": None, "status": "remiss" if missing else "complete", "missing": missing}


def remiss_note(checklist: dict, paper_title: str = "", lang: str = "sv") -> str:
    """The note that sends a decision paper back for completion: what is missing, one line per
    statement answered "no" (empty when nothing is missing yet).

    >>> print(remiss_note({"s1": "yes", "s2": "no", "s3": "yes", "s4": "no", "s5": "yes"}, "Riktlinjer"))
    Återremiss: beslutsunderlaget ”Riktlinjer” behöver kompletteras innan nämnden kan fatta beslut. Det saknas:
    – individbaserad statistik uppdelad på kön;
    – förslag på åtgärder för de skillnader mellan könen som saknar sakliga skäl.
    >>> remiss_note({"s1": "no"}, "x")
    ''
    """
    missing = route(checklist)["missing"]
    if not missing:
        return ""
    title = _quote(sc.shown(paper_title, 200), lang) if str(paper_title or "").strip() else ""
    head = _t("checklist.remiss_head", lang, paper=f" {title}" if title else "")
    lines = [_t(f"checklist.missing.{STATEMENTS[k - 1]}", lang) for k in missing]
    return head + "\n" + ";\n".join(f"– {line}" for line in lines) + "."


def not_applicable_note(checklist: dict, lang: str = "sv") -> str:
    """What the checklist says when its first statement is a "no": it does not apply, and why.

    >>> print(not_applicable_note({"s1": "no", "reason": "Beslutet gäller byte av fönster."}))
    Checklistan gäller inte: beslutet berör inte kvinnor och män, flickor och pojkar. Skäl: Beslutet gäller byte av fönster.
    >>> not_applicable_note({"s1": "yes"})
    ''
    """
    if route(checklist)["status"] != "not_applicable":
        return ""
    reason = str(checklist.get("reason") or "").strip()
    return _t("checklist.not_applicable", lang) + (f" {_t('checklist.reason', lang)}: {_sentence(reason)}"
                                                   if reason else "")


# -- goals and the 4R ------------------------------------------------------------------------
def goal_name(key: str, lang: str = "sv") -> str:
    """A national gender-equality goal's official name.

    >>> goal_name("health"), goal_name("violence", "en")
    ('Jämställd hälsa', "Men's violence against women must stop")
    """
    return _t(f"goals.{key}.name", lang)


def chosen_goals(payload: dict) -> list[dict]:
    """The national goals the analysis relates to (an indicator ticked, or the goal judged),
    in the government's order.

    >>> a = blank()
    >>> a["national"][4].update(met="no")
    >>> [g["id"] for g in chosen_goals(a)]
    ['health']
    """
    return [g for g in payload.get("national") or []
            if g.get("indicators") or g.get("met") or str(g.get("why") or "").strip()]


#: Units of a share: its values in per cent, a difference between two in percentage points.
SHARE_UNITS = ("andel (%)", "share (%)", "%", "procent", "per cent", "percent")


def units(unit: str, lang: str = "sv") -> tuple[str, str]:
    """The unit of an indicator's values and of the difference between women and men: the same,
    except for a share, whose difference is in percentage points.

    >>> units("dagar"), units("andel (%)"), units("share (%)", "en")
    (('dagar', 'dagar'), ('%', 'procentenheter'), ('%', 'percentage points'))
    """
    unit = str(unit or "").strip()
    if unit.lower() in SHARE_UNITS:
        return "%", _t("words.points", lang)
    return unit, unit


def facts(row: dict, lang: str = "sv") -> str:
    """An indicator's numbers in a sentence, from its pick: the last year's women and men, the
    difference and the ratio, and the trend since the first year.

    >>> print(facts({"period": "2024", "first": "2019", "women": 59.4, "men": 50.0, "diff": 9.4,
    ...              "ratio": 1.188, "trend": "closing", "unit": "dagar"}))
    2024: kvinnor 59,4 dagar, män 50,0 dagar – skillnaden är +9,4 dagar (kvinnor minus män) och kvoten 1,19 (1 betyder lika). 2019–2024: skillnaden minskar.
    >>> print(facts({"period": "2024", "first": "2019", "women": 71.0, "men": 83.2, "diff": -12.2,
    ...              "ratio": 0.853, "trend": "stable", "unit": "andel (%)"}))
    2024: kvinnor 71,0 %, män 83,2 % – skillnaden är −12,2 procentenheter (kvinnor minus män) och kvoten 0,85 (1 betyder lika). 2019–2024: skillnaden är ungefär densamma.
    """
    value_unit, diff_unit = units(row.get("unit") or "", lang)

    def shown(value, unit, signed=False):
        text = stat.fmt(value, lang, signed=signed)
        return text + (f" {unit}" if unit and text != "–" else "")

    period = row.get("period") or "–"
    women, men, diff = row.get("women"), row.get("men"), row.get("diff")
    if diff is None or (isinstance(diff, float) and math.isnan(diff)):
        head = content.text("statistics.describe.no_gap", lang, period=period, women=shown(women, value_unit),
                            men=shown(men, value_unit))
    else:
        head = content.text("statistics.describe.gap", lang, period=period, women=shown(women, value_unit),
                            men=shown(men, value_unit), diff=shown(diff, diff_unit, signed=True),
                            ratio=stat.fmt(row.get("ratio"), lang, decimals=2))
    trend = row.get("trend") if row.get("trend") in stat.TRENDS else "unknown"
    if trend == "unknown" or row.get("first") in (None, "", period):
        return f"{head} {content.text('statistics.describe.few_years', lang)}"
    return f"{head} " + content.text("statistics.describe.since", lang, first=row["first"], last=period,
                                     trend=stat.trend_words(trend, lang))


def suppression_words(row: dict, lang: str = "sv", min_n: int = stat.MIN_N) -> str:
    """Which of an indicator's values are not shown, and why ("" when none are).

    >>> print(suppression_words({"suppressed": ["2022:K", "2022:M", "2020:M"]}))
    Vissa värden redovisas inte eftersom färre än 5 personer ingår: 2020 (män), 2022 (kvinnor och män). Små tal skyddas så att ingen enskild person kan pekas ut.
    >>> suppression_words({"suppressed": []})
    ''
    """
    by_period: dict[str, set] = {}
    for item in row.get("suppressed") or []:
        period, _, sex = str(item).partition(":")
        by_period.setdefault(period, set()).add(sex)
    if not by_period:
        return ""
    sexes = {"K": _t("words.women", lang), "M": _t("words.men", lang), "T": _t("words.total", lang)}
    parts = []
    for period in sorted(by_period, key=stat_period):
        names = [sexes.get(s, s) for s in ("K", "M", "T") if s in by_period[period]]
        parts.append(f"{period} ({_join(names, lang)})")
    return _t("words.suppressed", lang, n=min_n, where=", ".join(parts))


def stat_period(period: str):
    from kit.domain.indicators import period_key

    return period_key(period)


def statistics_feed(payload: dict, lang: str = "sv") -> dict:
    """What the statistics bring to the first two R: for *representation*, who the numbers
    are about (women and men, by age group); for *resources*, how the indicator is distributed
    between them. ``{"representation": [...], "resources": [...]}`` of sentences.

    >>> feed = statistics_feed({"indicators": [{"title": "Väntetid", "age_group": "80+", "area": "Exempelby",
    ...     "period": "2024", "first": "2019", "women": 59.4, "men": 50.0, "diff": 9.4, "ratio": 1.19,
    ...     "trend": "closing", "unit": "dagar"}]})
    >>> print(feed["representation"][0])
    Väntetid (80+), Exempelby: statistiken är uppdelad på kvinnor och män.
    >>> feed["resources"][0].startswith("Väntetid (80+): 2024: kvinnor 59,4 dagar")
    True
    """
    rep, res = [], []
    for row in payload.get("indicators") or []:
        name = _title(row)
        rep.append(_t("fourr.feed_representation", lang, name=name,
                      area=f", {row['area']}" if row.get("area") else ""))
        res.append(f"{name}: {facts(row, lang)}")
    return {"representation": rep, "resources": res}


def four_r_summary(payload: dict, lang: str = "sv") -> list[dict]:
    """The 4R of the group's activity, one entry per R: ``{"key", "name", "question", "text",
    "feed"}`` — the group's own text and, for the first two, what the statistics bring.

    >>> s = four_r_summary({**blank(), "fourr": {"activity": "Hemtjänst", "representation": "Fler kvinnor",
    ...                     "resources": "", "realia": "", "realise": "Ny rutin"}})
    >>> [(r["name"], r["text"]) for r in s]
    [('Representation', 'Fler kvinnor'), ('Resurser', ''), ('Realia', ''), ('Realisera', 'Ny rutin')]
    """
    fourr, feed = payload.get("fourr") or {}, statistics_feed(payload, lang)
    return [{"key": k, "name": _t(f"fourr.{k}.name", lang), "question": _t(f"fourr.{k}.question", lang),
             "text": str(fourr.get(k) or "").strip(), "feed": feed.get(k, [])} for k in FOUR_R]


def four_r_text(payload: dict, lang: str = "sv") -> str:
    """The 4R summary as plain text, one paragraph per R that has anything in it.

    >>> print(four_r_text({**blank(), "fourr": {"activity": "Hemtjänst", "representation": "Fler kvinnor",
    ...                    "resources": "", "realia": "Normer om omsorg", "realise": ""}}))
    4R för Hemtjänst
    <BLANKLINE>
    Representation: Fler kvinnor.
    <BLANKLINE>
    Realia: Normer om omsorg.
    """
    activity = str((payload.get("fourr") or {}).get("activity") or "").strip()
    parts = [_t("fourr.summary_head", lang, activity=activity) if activity else _t("fourr.summary_head_none", lang)]
    for r in four_r_summary(payload, lang):
        text = " ".join(filter(None, [_sentence(r["text"]) if r["text"] else "",
                                      *([f"({_t('fourr.from_statistics', lang)}: {' '.join(r['feed'])})"]
                                        if r["feed"] and r["text"] else [])]))
        if text:
            parts.append(f"{r['name']}: {text}")
    return "\n\n".join(parts)


# -- the text for the decision paper -------------------------------------------------------
def _title(row: dict) -> str:
    title = str(row.get("title") or row.get("indicator") or "").strip()
    age = str(row.get("age_group") or "").strip()
    return f"{title} ({age})" if age and not stat.is_whole_age(age) else title


def _quote(text: str, lang: str) -> str:
    return f"”{text}”" if lang == "sv" else f"“{text}”"


def _sentence(text: str) -> str:
    """A typed answer as a sentence: trimmed, ending in a full stop unless it ends in one of
    its own (the words themselves are the group's and stay as typed).

    >>> _sentence(" kvinnor väntar längre "), _sentence("Varför?"), _sentence("")
    ('kvinnor väntar längre.', 'Varför?', '')
    """
    text = " ".join(str(text or "").replace("\r", "").split(" ")).strip()
    if not text:
        return ""
    return text if text[-1] in ".!?…:;)”\"" else text + "."


def _join(items: list[str], lang: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {_t('words.and', lang)} " + items[-1]


def indicator_paragraph(row: dict, lang: str = "sv") -> str:
    """One indicator in the decision paper: its numbers, then the group's judgements and
    answers as sentences (only those answered), then which of its values are not shown."""
    parts = [f"{_title(row)}. {facts(row, lang)}"]
    if row.get("size") in ("large", "small") and row.get("difference") != "no":
        parts.append(_t(f"section.size.{row['size']}", lang))
    elif row.get("difference") == "no":
        parts.append(_t("section.no_difference", lang))
    for q in ("elsewhere",):
        if str(row.get(q) or "").strip():
            parts.append(f"{_t(f'section.{q}', lang)}: {_sentence(row[q])}")
    if row.get("explanation") in ("inequality", "explained"):
        why = str(row.get("explanation_why") or "").strip()
        parts.append(_t(f"section.explanation.{row['explanation']}", lang) + (f" {_sentence(why)}" if why else ""))
    elif str(row.get("explanation_why") or "").strip():
        parts.append(f"{_t('section.explanation_label', lang)}: {_sentence(row['explanation_why'])}")
    for q in ("groups", "own_ways", "conclusion"):
        if str(row.get(q) or "").strip():
            parts.append(f"{_t(f'section.{q}', lang)}: {_sentence(row[q])}")
    hidden = suppression_words(row, lang)
    if hidden:
        parts.append(hidden)
    return " ".join(parts)


def goals_paragraphs(payload: dict, lang: str = "sv") -> list[str]:
    """The jämställdhetsanalys in the decision paper: the national goals the proposal touches,
    then for each goal (national, then the organisation's own) whether it is met for women and
    men alike, which indicators it concerns and why."""
    national = chosen_goals(payload)
    own = [g for g in payload.get("own_goals") or [] if str(g.get("goal") or "").strip()]
    if not national and not own:
        return []
    names = {r["id"]: _title(r) for r in payload.get("indicators") or []}
    out = []
    if national:
        key = "section.national_intro_one" if len(national) == 1 else "section.national_intro"
        out.append(_t(key, lang, goals=_join([_quote(goal_name(g["id"], lang), lang) for g in national], lang)))
    for goal in [*national, *own]:
        quoted = _quote(goal_name(goal["id"], lang) if "goal" not in goal else " ".join(str(goal["goal"]).split()), lang)
        noun = _t("section.own_goal" if "goal" in goal else "section.goal", lang, goal=quoted)
        met = goal.get("met") if goal.get("met") in MET else "none"
        parts = [_t(f"section.met.{met}", lang, goal=noun, goal_lower=noun[:1].lower() + noun[1:])]
        about = [names[i] for i in goal.get("indicators") or [] if i in names]
        if about:
            parts.append(_t("section.goal_about", lang, indicators=_join(about, lang)))
        if str(goal.get("why") or "").strip():
            parts.append(_sentence(goal["why"]))
        out.append(" ".join(parts))
    return out


def section_text(payload: dict, lang: str = "sv", area: str = "") -> str:
    """The section "Konsekvenser för kvinnor och män, flickor och pojkar", generated from the
    analysis: an opening sentence, a paragraph per indicator (numbers, judgements, answers,
    values not shown), the jämställdhetsanalys against the goals, and the measures the group
    proposes (its *realisera*). Plain text, paragraphs separated by a blank line; the group's
    words are inserted as they were typed, never read as a template.

    >>> a = blank()
    >>> a["indicators"] = [{**indicator_from_pick({"title": "Väntetid till särskilt boende", "age_group": "80+",
    ...     "area": "Exempelby", "period": "2024", "first": "2019", "women": 59.4, "men": 50.0, "diff": 9.4,
    ...     "ratio": 1.188, "trend": "closing", "unit": "dagar"}), "difference": "yes", "size": "large",
    ...     "conclusion": "kvinnor {väntar} längre", "id": "a1"}]
    >>> a["national"][4].update(met="no", indicators=["a1"])
    >>> print(section_text(a, area="Exempelby"))
    Förslaget har analyserats utifrån vad det betyder för kvinnor och män, flickor och pojkar. Analysen bygger på könsuppdelad statistik för Exempelby.
    <BLANKLINE>
    Väntetid till särskilt boende (80+). 2024: kvinnor 59,4 dagar, män 50,0 dagar – skillnaden är +9,4 dagar (kvinnor minus män) och kvoten 1,19 (1 betyder lika). 2019–2024: skillnaden minskar. Skillnaden bedöms som stor. Slutsats: kvinnor {väntar} längre.
    <BLANKLINE>
    Förslaget berör det jämställdhetspolitiska målet ”Jämställd hälsa”.
    <BLANKLINE>
    Målet ”Jämställd hälsa” nås i dag inte lika för kvinnor och män. Det gäller Väntetid till särskilt boende (80+).
    """
    rows = payload.get("indicators") or []
    areas = list(dict.fromkeys(str(r.get("area") or "").strip() for r in rows if str(r.get("area") or "").strip()))
    area = area or _join(areas, lang)
    intro = _t("section.intro", lang) + (" " + _t("section.intro_statistics", lang, area=area) if rows and area
                                         else " " + _t("section.intro_statistics_plain", lang) if rows else "")
    parts = [intro]
    parts += [indicator_paragraph(r, lang) for r in rows]
    parts += goals_paragraphs(payload, lang)
    realise = str((payload.get("fourr") or {}).get("realise") or "").strip()
    if realise:
        parts.append(f"{_t('section.measures', lang)}: {_sentence(realise)}")
    if not rows:
        parts.append(_t("section.no_indicators", lang))
    return "\n\n".join(parts)


def paper_sections(paper: dict, section_heading: str, section: str | None) -> list[dict]:
    """A decision paper's sections ``[{"heading", "text", "added"}]``, with the consequence
    section (``section``; ``None``: without it) put before the section marked
    ``insert_before`` (in the kit's sample paper: "Förslag till beslut"), or at the end.

    >>> paper = {"sections": [{"heading": "Bakgrund", "text": "…"},
    ...                       {"heading": "Förslag till beslut", "text": "…", "insert_before": True}]}
    >>> [s["heading"] for s in paper_sections(paper, "Konsekvenser", "Text")]
    ['Bakgrund', 'Konsekvenser', 'Förslag till beslut']
    >>> [s["heading"] for s in paper_sections(paper, "Konsekvenser", None)]
    ['Bakgrund', 'Förslag till beslut']
    """
    sections = [{"heading": str(s.get("heading") or ""), "text": str(s.get("text") or ""), "added": False,
                 "before": bool(s.get("insert_before"))} for s in paper.get("sections") or []]
    if section is not None:
        at = next((i for i, s in enumerate(sections) if s["before"]), len(sections))
        sections.insert(at, {"heading": section_heading, "text": section, "added": True, "before": False})
    return [{k: s[k] for k in ("heading", "text", "added")} for s in sections]


def own_paper(title: str, text: str) -> dict:
    """A pasted decision paper as sections: the text as one section, split before a line that
    reads "Förslag till beslut" / "Proposed decision" (the consequence section goes there).

    >>> [s["heading"] for s in own_paper("X", "Bakgrund här.\\nFörslag till beslut\\nAtt anta.")["sections"]]
    ['', 'Förslag till beslut']
    """
    lines = str(text or "").replace("\r\n", "\n").split("\n")
    at = next((i for i, line in enumerate(lines)
               if line.strip().rstrip(":").lower() in ("förslag till beslut", "proposed decision")), None)
    if at is None:
        return {"title": title, "sections": [{"heading": "", "text": "\n".join(lines).strip()}]}
    return {"title": title, "sections": [
        {"heading": "", "text": "\n".join(lines[:at]).strip()},
        {"heading": lines[at].strip().rstrip(":"), "text": "\n".join(lines[at + 1:]).strip(), "insert_before": True}]}
