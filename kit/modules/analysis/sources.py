"""Where an analysis' material comes from: the indicators a group picked in the statistics step
(its record at the same occasion), the kit's worked case (``case.<lang>.yaml``: Exempelby's
waiting times for särskilt boende, with a sample decision paper that lacks the consequence
section), and which values of a shipped series are suppressed.

Every number here comes from suppressed data (:func:`kit.suppress_small` has run), so nothing
that must not be shown can reach an analysis::

    >>> picks = case_picks("sv")
    >>> [(p["title"], p["age_group"]) for p in picks][:2]
    [('Väntetid till särskilt boende', '80+'), ('Väntetid till särskilt boende', '65–79')]
    >>> suppressed_of(picks[1])
    ['2022:K', '2022:M']
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from kit import content
from kit.modules.statistics import datasets
from kit.modules.statistics import rules as stat

HERE = Path(__file__).parent


@functools.cache
def _case(lang: str) -> dict:
    return yaml.safe_load((HERE / f"case.{lang}.yaml").read_text(encoding="utf-8"))


def case(lang: str = "sv") -> dict:
    """The worked case in ``lang`` (title, scenario, picks, activity, paper, checklist hint)."""
    import copy

    return copy.deepcopy(_case(content.normalise_lang(lang)))


def is_shipped(key: str) -> bool:
    return key in datasets.keys()


def title(pick: dict, lang: str = "sv") -> str:
    """A pick's indicator as the page names it: a shipped dataset's title in ``lang``, else the
    title it was picked with."""
    key = pick.get("dataset") or ""
    if is_shipped(key):
        found = datasets.meta(key, lang).get(pick.get("indicator") or "")
        if found and found.get("title"):
            return found["title"]
    return str(pick.get("title") or pick.get("indicator") or "")


def unit(pick: dict, lang: str = "sv") -> str:
    key = pick.get("dataset") or ""
    if is_shipped(key):
        found = datasets.meta(key, lang).get(pick.get("indicator") or "")
        if found:
            return found.get("unit") or ""
    return str(pick.get("unit") or "")


def area(pick: dict, lang: str = "sv") -> str:
    key = pick.get("dataset") or ""
    return datasets.area_name(key, pick.get("area") or "", lang) if is_shipped(key) else str(pick.get("area") or "")


def in_language(row: dict, lang: str) -> dict:
    """A row with its title and unit in ``lang`` (a shipped dataset's), its area by name."""
    return {**row, "title": title(row, lang), "unit": unit(row, lang), "area_name": area(row, lang)}


def suppressed_of(pick: dict, min_n: int = stat.MIN_N) -> list[str]:
    """Which values of a pick's series are suppressed, as ``"period:sex"`` (a shipped dataset's;
    an uploaded file is not kept, so its pick keeps what it came with)."""
    key = pick.get("dataset") or ""
    if not is_shipped(key):
        return sorted({str(s) for s in pick.get("suppressed") or []})
    from kit.modules.statistics import views

    data = datasets.suppressed(key, min_n)
    rows = views.part(data, pick.get("indicator") or "", pick.get("area") or "", pick.get("age_group") or None)
    rows = rows[rows["suppressed"]]
    return sorted({f"{p}:{s}" for p, s in zip(rows["period"], rows["sex"])})


def series_table(pick: dict, lang: str = "sv") -> str:
    """The whole series of a shipped pick as the statistics step shows it (suppressed values
    as the word), or "" for a pick from a file of the group's own."""
    key = pick.get("dataset") or ""
    if not is_shipped(key):
        return ""
    from kit.domain.indicators import gap_measures
    from kit.modules.statistics import views

    data = datasets.suppressed(key)
    gaps = gap_measures(data)
    ind, place, age = pick.get("indicator") or "", pick.get("area") or "", pick.get("age_group") or None
    if views.part(data, ind, place, age).empty:
        return ""
    caption = content.text("analysis.app.series_caption", lang, title=title(pick, lang), area=area(pick, lang),
                           age=f" ({age})" if age and not stat.is_whole_age(age) else "")
    return views.period_table(data, gaps, ind, place, lang, age, caption=caption, unit=unit(pick, lang))


def case_picks(lang: str = "sv") -> list[dict]:
    """The worked case's picks, made as the statistics step makes a pick: the last period
    where both women and men are shown, and the trend since the first."""
    from kit.domain.indicators import gap_measures
    from kit.modules.statistics import views

    key = datasets.DEFAULT
    data = datasets.suppressed(key)
    gaps = gap_measures(data)
    place = views.areas(data, case(lang)["picks"][0]["indicator"])[0]
    picks = []
    for wanted in case(lang)["picks"]:
        ind, age = wanted["indicator"], wanted.get("age_group") or ""
        s = views.summary(gaps, ind, place, age or None)
        pick = {"dataset": key, "indicator": ind, "area": place, "age_group": age, "note": "",
                "first": s["first"], **{k: s[k] for k in ("period", "women", "men", "total", "diff", "ratio", "trend")}}
        pick.update(title=title(pick, lang), unit=unit(pick, lang))
        picks.append(pick)
    return stat.clean_picks(picks)


def statistics_record(access, occasion):
    """The group's statistics record at ``occasion`` (``None`` when it saved none)."""
    from kit.modules.statistics import records

    return records.load(access, occasion)
