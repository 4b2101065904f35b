"""The statistics step's own rules: which slice of a dataset a page shows, what a group carries
into its analysis (its *picks*), and the plain words for a gap and its trend.

The measures themselves — small-count suppression, women − men, women / men, the trend of the
gap — are the kit's (:mod:`kit.domain.indicators`); these rules only choose and describe.
Everything here is pure: no files, widgets, plots or store.

A group picks two or three indicators with clear differences (at most :data:`MAX_PICKS`),
each with a line on why, and saves them per occasion. A pick carries the numbers it was
picked on (the last period's women, men, total, difference and ratio, and the trend), taken
from *suppressed* data only, so a pick can never hold a value that must not be shown:

>>> pick = {"dataset": "exempelby", "indicator": "Väntetid särskilt boende (dagar)",
...         "area": "Exempelby", "age_group": "", "title": "Väntetid", "note": "Kvinnor väntar längre",
...         "period": "2024", "women": 41.2, "men": 35.0, "total": 38.6, "diff": 6.2,
...         "ratio": 1.18, "trend": "closing"}
>>> clean = clean_picks([pick])
>>> clean[0]["women"], clean[0]["trend"], len(clean[0]["id"])
(41.2, 'closing', 12)
>>> clean_picks([pick] * 2)
Traceback (most recent call last):
kit.errors.InputError: Indikatorn 'Väntetid särskilt boende (dagar)' (Exempelby) är vald två gånger (rad 1 och 2).
"""

from __future__ import annotations

import math
import uuid

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError
from kit.fmt import number

#: The most indicators a group carries into the analysis ("två eller tre").
MAX_PICKS = 3
#: Fewer persons than this behind a value and it is not shown (the kit's default).
MIN_N = 5
TRENDS = ("closing", "widening", "stable", "unknown")
#: Age groups that mean "every age" (the indicator as a whole).
WHOLE_AGES = ("", "alla", "totalt", "total", "all", "samtliga", "alla åldrar", "all ages")
#: The fields of a pick, in order; the numbers are the last period's.
PICK_TEXT = ("id", "dataset", "indicator", "area", "age_group", "title", "unit", "note", "first", "period",
             "trend")
PICK_NUMBERS = ("women", "men", "total", "diff", "ratio")
TEXT_LIMITS = {"note": 1000, "title": 300}
BREAKDOWNS = ("sex", "age")


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"statistics.{key}", lang, **values)


def is_whole_age(age_group) -> bool:
    """Whether an age group stands for every age.

    >>> is_whole_age("Alla"), is_whole_age(" totalt "), is_whole_age("80+"), is_whole_age(None)
    (True, True, False, True)
    """
    return " ".join(str(age_group or "").lower().split()) in WHOLE_AGES


def whole_age(groups) -> str | None:
    """The age group of a list that stands for every age, or ``None``.

    >>> whole_age(["65–79", "Alla", "80+"]), whole_age(["65–79", "80+"])
    ('Alla', None)
    """
    return next((g for g in groups if is_whole_age(g)), None)


def age_order(groups) -> list[str]:
    """Age groups in reading order: the whole first, then by their first number.

    >>> age_order(["80+", "Alla", "65–79", "0–17"])
    ['Alla', '0–17', '65–79', '80+']
    """
    import re

    def key(g):
        found = re.match(r"\D*(\d+)", str(g))
        return (0 if is_whole_age(g) else 1, int(found.group(1)) if found else 10**6, str(g))

    return sorted(dict.fromkeys(groups), key=key)


def parse_threshold(text, lang: str = "sv") -> float | None:
    """The gap a group wants flagged, as typed ("2,5", "10", "" for none); negative or text
    is refused.

    >>> parse_threshold("2,5"), parse_threshold(" "), parse_threshold("10")
    (2.5, None, 10.0)
    >>> parse_threshold("mycket")
    Traceback (most recent call last):
    kit.errors.InputError: Gränsen för en stor skillnad måste vara ett tal som 2 eller 2,5, inte 'mycket'.
    """
    raw = " ".join(str(text if text is not None else "").split())
    if not raw:
        return None
    try:
        value = float(raw.replace(" ", "").replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError("statistics.threshold", field="threshold", value=raw, shown=sc.shown(raw, 40))
    return value


def threshold_text(value, lang: str = "sv") -> str:
    """A threshold as the form shows it again.

    >>> threshold_text(2.5), threshold_text(2.5, "en"), threshold_text(None), threshold_text(10.0)
    ('2,5', '2.5', '', '10')
    """
    if value is None:
        return ""
    text, mark = number(float(value), lang, decimals=2), "," if lang == "sv" else "."
    return text.rstrip("0").rstrip(mark) if mark in text else text


def _number(value, field: str, row: int):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError("statistics.pick_number", row=row, field=field, n=row, what=field)
    return float(value)


def clean_picks(picks) -> list[dict]:
    """The group's picks, checked: at most :data:`MAX_PICKS`, each with an indicator, texts
    plain and within limits, numbers finite or empty, a known trend, and no indicator (with
    its area and age group) twice. Returns new rows (an id given to each that has none);
    raises :class:`kit.InputError` naming the row.

    >>> clean_picks([{"indicator": "Behörighet gymnasiet (%)", "area": "Exempelby",
    ...               "women": 88.0, "men": 81.5, "trend": "widening", "note": "<b>Pojkar</b>"}])[0]["note"]
    '<b>Pojkar</b>'
    >>> clean_picks([{"indicator": "x"}] * 4)
    Traceback (most recent call last):
    kit.errors.InputError: Välj högst 3 indikatorer att ta med till analysen, inte 4.
    """
    if not isinstance(picks, (list, tuple)):
        raise InputError("statistics.picks_not_list")
    if len(picks) > MAX_PICKS:
        raise InputError("statistics.too_many_picks", limit=MAX_PICKS, n=len(picks))
    clean, seen = [], {}
    for row, pick in enumerate(picks, start=1):
        if not isinstance(pick, dict):
            raise InputError("statistics.pick_not_row", row=row, n=row)
        out = {}
        for field in PICK_TEXT:
            value = pick.get(field)
            limit = TEXT_LIMITS.get(field, 200)
            text = "" if value is None else str(value)
            if len(text) > limit:
                raise InputError("statistics.pick_too_long", row=row, field=field, n=row, limit=limit)
            out[field] = sc.shown(text, limit) if field != "note" else _note(text)
        if not out["indicator"].strip():
            raise InputError("statistics.pick_no_indicator", row=row, field="indicator", n=row)
        if out["trend"] not in TRENDS:
            out["trend"] = "unknown"
        out["id"] = out["id"] or uuid.uuid4().hex[:12]
        for field in PICK_NUMBERS:
            out[field] = _number(pick.get(field), field, row)
        key = (out["dataset"], out["indicator"], out["area"], out["age_group"])
        if key in seen:
            raise InputError("statistics.pick_twice", row=row, field="indicator", indicator=out["indicator"],
                             area=out["area"] or "–", first=seen[key], second=row)
        seen[key] = row
        clean.append(out)
    return clean


def _note(text: str) -> str:
    """A typed note: control characters gone (line breaks kept), spaces at the ends trimmed."""
    lines = [sc.shown(line, 1000) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def clean_payload(payload) -> dict:
    """The saved payload: the dataset shown, the threshold, and the clean picks.

    >>> clean_payload({"dataset": "exempelby", "threshold": "2,5", "picks": []})
    {'dataset': 'exempelby', 'threshold': '2,5', 'picks': []}
    """
    payload = payload if isinstance(payload, dict) else {}
    threshold = str(payload.get("threshold") or "")
    parse_threshold(threshold)
    return {"dataset": sc.shown(str(payload.get("dataset") or ""), 200), "threshold": sc.shown(threshold, 40),
            "picks": clean_picks(payload.get("picks") or [])}


# -- plain words ---------------------------------------------------------------------------
def fmt(value, lang: str = "sv", decimals: int = 1, signed: bool = False) -> str:
    """A value as a reader sees it: decimal comma in Swedish, "–" for none.

    >>> fmt(6.25), fmt(-1.0, signed=True), fmt(6.25, "en", signed=True), fmt(None), fmt(float("nan"))
    ('6,3', '−1,0', '+6.3', '–', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number(abs(value) if signed else value, lang, decimals=decimals)
    if signed:
        return ("+" if value > 0 else "−" if value < 0 else "±") + text
    return text


def trend_words(trend: str, lang: str = "sv") -> str:
    """The verdict on a gap's trend in words.

    >>> trend_words("closing"), trend_words("widening", "en"), trend_words("nonsense")
    ('skillnaden minskar', 'the gap is widening', 'för få år för att säga något om utvecklingen')
    """
    return _t(f"trend.{trend if trend in TRENDS else 'unknown'}", lang)


def describe(summary: dict, lang: str = "sv", unit: str = "") -> str:
    """A gap in plain words, from a summary (:func:`kit.modules.statistics.views` makes one
    from the gap table): the last period's women and men, the difference and the ratio, and
    the trend since the first period.

    >>> print(describe({"period": "2024", "first": "2019", "women": 41.2, "men": 35.0, "diff": 6.2,
    ...                 "ratio": 1.177, "trend": "closing"}, unit="dagar"))
    2024: kvinnor 41,2 dagar, män 35,0 dagar – skillnaden är +6,2 dagar (kvinnor minus män) och kvoten 1,18 (1 betyder lika). 2019–2024: skillnaden minskar.
    >>> print(describe({"period": "2024", "first": "2024", "women": None, "men": 35.0, "diff": None,
    ...                 "ratio": None, "trend": "unknown"}, "en"))
    2024: women –, men 35.0. The difference cannot be shown for this year. Too few years to say how it develops.
    """
    unit = f" {unit}" if unit else ""
    period = summary.get("period") or "–"
    women, men = fmt(summary.get("women"), lang), fmt(summary.get("men"), lang)
    women = women + (unit if women != "–" else "")
    men = men + (unit if men != "–" else "")
    if summary.get("diff") is None or (isinstance(summary.get("diff"), float) and math.isnan(summary["diff"])):
        head = _t("describe.no_gap", lang, period=period, women=women, men=men)
    else:
        head = _t("describe.gap", lang, period=period, women=women, men=men,
                  diff=fmt(summary["diff"], lang, signed=True) + unit,
                  ratio=fmt(summary.get("ratio"), lang, decimals=2))
    trend = summary.get("trend") or "unknown"
    if trend == "unknown" or summary.get("first") in (None, "", period):
        return f"{head} {_t('describe.few_years', lang)}"
    return f"{head} {_t('describe.since', lang, first=summary['first'], last=period, trend=trend_words(trend, lang))}"
