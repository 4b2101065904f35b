"""What the Statistik page, the downloads and the facilitator's report show of a dataset: the
slice a reader chose, its tables (accessible HTML), its figures (a ``<picture>`` with a phone's
layout, and the figure in words as its text alternative) and its summary.

Every function takes the dataset **after** :func:`kit.suppress_small` (the ``suppressed``
column present): a suppressed value is NaN here and is shown as "skyddat", never as a number.
No widgets; the figures come from :mod:`kit.modules.statistics.plots`.
"""

from __future__ import annotations

import base64
import math

import pandas as pd

from kit import content
from kit.domain import indicators as ind
from kit.modules.statistics import rules as r
from kit.ui.html import e

SEX_ORDER = ("T", "K", "M")


def _t(key: str, lang: str, **values) -> str:
    return content.text(f"statistics.{key}", lang, **values)


def has_age(data: pd.DataFrame) -> bool:
    return "age_group" in data.columns


def indicators(data: pd.DataFrame) -> list[str]:
    """The indicators of a dataset, in the file's order."""
    return list(dict.fromkeys(data["indicator"]))


def areas(data: pd.DataFrame, indicator: str) -> list[str]:
    return list(dict.fromkeys(data.loc[data["indicator"] == indicator, "area"]))


def age_groups(data: pd.DataFrame, indicator: str, area: str | None = None) -> list[str]:
    """The indicator's age groups, the whole first (``[]`` when the file has none)."""
    if not has_age(data):
        return []
    rows = data[data["indicator"] == indicator]
    if area is not None:
        rows = rows[rows["area"] == area]
    return r.age_order(rows["age_group"])


def periods(data: pd.DataFrame, indicator: str, area: str | None = None) -> list[str]:
    rows = data[data["indicator"] == indicator]
    if area is not None:
        rows = rows[rows["area"] == area]
    return sorted(dict.fromkeys(rows["period"]), key=ind.period_key)


def default_age(groups: list[str]) -> str | None:
    """The age group a time series shows first: the whole, else the first."""
    if not groups:
        return None
    return r.whole_age(groups) or groups[0]


def part(data: pd.DataFrame, indicator: str, area: str, age_group: str | None = None) -> pd.DataFrame:
    """The rows of one indicator and area (and age group, when given and the file has them)."""
    rows = data[(data["indicator"] == indicator) & (data["area"] == area)]
    if age_group is not None and has_age(rows):
        rows = rows[rows["age_group"] == age_group]
    return rows


def summary(gaps: pd.DataFrame, indicator: str, area: str, age_group: str | None = None) -> dict:
    """The last period's numbers of one series and its trend, as :func:`rules.describe` and a
    pick take them: ``{"period", "first", "women", "men", "total", "diff", "ratio", "trend"}``.

    The last period is the latest one where both women and men are shown (else the latest
    with any value); numbers are ``None`` where nothing may be shown."""
    rows = part(gaps, indicator, area, age_group)
    if rows.empty:
        return {"period": "", "first": "", "women": None, "men": None, "total": None, "diff": None,
                "ratio": None, "trend": "unknown"}
    both = rows[rows["women"].notna() & rows["men"].notna()]
    shown = rows[rows[["women", "men", "total"]].notna().any(axis=1)]
    last = (both if not both.empty else shown if not shown.empty else rows).iloc[-1]

    def val(x):
        return None if x is None or pd.isna(x) else float(x)

    return {"period": str(last["period"]), "first": str((both if not both.empty else rows).iloc[0]["period"]),
            "women": val(last["women"]), "men": val(last["men"]), "total": val(last["total"]),
            "diff": val(last["diff"]), "ratio": val(last["ratio"]), "trend": str(last["trend"])}


def _cell(value, suppressed: bool, lang: str, decimals: int = 1) -> tuple[str, str]:
    """A table cell's text and class: a suppressed value is the word, never a number."""
    if suppressed:
        return _t("table.suppressed", lang) + "*", "jk-suppressed"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–", ""
    return r.fmt(float(value), lang, decimals), ""


def _flags(rows: pd.DataFrame) -> dict:
    """``(period, sex)`` → whether the value is suppressed."""
    return {(p, s): bool(x) for p, s, x in zip(rows["period"], rows["sex"], rows["suppressed"])}


def _class(cls: str) -> str:
    return f' class="{cls}"' if cls else ""


def _table(heads: list[str], body: list[list[tuple[str, str]]], caption: str, note: str = "",
           cls: str = "jk-stat-table") -> str:
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    lines = []
    for first, *cells in body:
        tds = "".join(f'<td data-label="{e(h)}"{_class(cls)}>{e(text)}</td>'
                      for h, (text, cls) in zip(heads[1:], cells))
        lines.append(f'<tr><th scope="row">{e(first[0])}</th>{tds}</tr>')
    foot = f'<p class="jk-muted jk-table-note">{e(note)}</p>' if note else ""
    # not a focusable scroll region: these tables fit (cards on a phone, cells that wrap), and a
    # focus stop taller than the screen would always sit partly under the save bar
    return (f'<div class="jk-table-wrap jk-stat-wrap"><table class="jk-table jk-cards-narrow {cls}">'
            f'<caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody>'
            f'</table></div>{foot}')


def period_table(data: pd.DataFrame, gaps: pd.DataFrame, indicator: str, area: str, lang: str,
                 age_group: str | None = None, caption: str = "", unit: str = "") -> str:
    """The series by period: total, women, men, women − men, women / men, and whether the gap
    is over the group's limit (said in words, not by colour)."""
    rows = part(data, indicator, area, age_group)
    grows = part(gaps, indicator, area, age_group)
    flags = _flags(rows)
    heads = [_t("table.period", lang), _t("table.total", lang), _t("table.women", lang),
             _t("table.men", lang), _t("table.diff", lang), _t("table.ratio", lang)]
    body = []
    for _, g in grows.iterrows():
        p = g["period"]
        cells = [(p, "")]
        for sex, col in (("T", "total"), ("K", "women"), ("M", "men")):
            cells.append(_cell(g[col], flags.get((p, sex), False), lang))
        diff = "–" if pd.isna(g["diff"]) else r.fmt(float(g["diff"]), lang, signed=True)
        if bool(g.get("flag", False)) and diff != "–":
            diff = f"{diff} ⚑ {_t('table.over_limit', lang)}"
        cells.append((diff, "jk-flagged" if bool(g.get("flag", False)) else ""))
        cells.append(("–" if pd.isna(g["ratio"]) else r.fmt(float(g["ratio"]), lang, 2), ""))
        body.append(cells)
    note = suppression_note(int(rows["suppressed"].sum()), lang) if len(rows) else ""
    return _table(heads, body, caption or _t("table.caption", lang, indicator=indicator, area=area), note)


def age_table(data: pd.DataFrame, gaps: pd.DataFrame, indicator: str, area: str, period: str, lang: str,
              caption: str = "") -> str:
    """One period by age group: women, men, total, women − men, women / men."""
    rows = part(data, indicator, area)
    rows = rows[rows["period"] == period]
    grows = part(gaps, indicator, area)
    grows = grows[grows["period"] == period]
    flagged = {(a, s): bool(x) for a, s, x in zip(rows["age_group"], rows["sex"], rows["suppressed"])}
    heads = [_t("table.age_group", lang), _t("table.total", lang), _t("table.women", lang),
             _t("table.men", lang), _t("table.diff", lang), _t("table.ratio", lang)]
    body = []
    by_age = {g["age_group"]: g for _, g in grows.iterrows()}
    for age in r.age_order(by_age):
        g = by_age[age]
        cells = [(age, "")]
        for sex, col in (("T", "total"), ("K", "women"), ("M", "men")):
            cells.append(_cell(g[col], flagged.get((age, sex), False), lang))
        cells.append(("–" if pd.isna(g["diff"]) else r.fmt(float(g["diff"]), lang, signed=True), ""))
        cells.append(("–" if pd.isna(g["ratio"]) else r.fmt(float(g["ratio"]), lang, 2), ""))
        body.append(cells)
    note = suppression_note(int(rows["suppressed"].sum()), lang) if len(rows) else ""
    return _table(heads, body, caption or _t("table.age_caption", lang, indicator=indicator, area=area,
                                             period=period), note)


def suppression_note(count: int, lang: str, min_n: int = r.MIN_N) -> str:
    """Why some values are not shown (the guide's warning about GDPR and anonymity)."""
    if not count:
        return ""
    return _t("table.suppressed_note", lang, n=count, min_n=min_n)


def picture(wide: bytes, narrow: bytes | None, caption: str, words: str, lang: str = "sv") -> str:
    """A figure with a phone's layout for narrow screens (``<picture>``), its caption, and the
    figure in words shown under it (for everyone; the image's alt points to them)."""
    b64 = lambda png: base64.b64encode(png).decode("ascii")
    source = (f'<source media="(max-width: 40rem)" srcset="data:image/png;base64,{b64(narrow)}">'
              if narrow else "")
    return (f'<figure class="jk-figure"><figcaption>{e(caption)}</figcaption><picture>{source}'
            f'<img src="data:image/png;base64,{b64(wide)}" alt="{e(_t("figure.alt", lang, caption=caption))}">'
            f'</picture><p class="jk-figure-words">{e(words)}</p></figure>')


def survey_table(counts: pd.DataFrame, lang: str, caption: str) -> str:
    """A survey's distributions as a table: a question a row, an answer a column, each cell the
    number of answers and its share ("12 (23 %)")."""
    if counts.empty:
        return ""
    options = (counts.sort_values("order").drop_duplicates("order")[["order", "option"]])
    heads = [_t("survey.question", lang), *options["option"], _t("survey.answers", lang)]
    body = []
    for _qid, rows in counts.groupby("id", sort=False):
        total = int(rows["count"].sum())
        by_order = dict(zip(rows["order"], rows["count"]))
        cells = [(str(rows["question"].iloc[0]), "")]
        for order in options["order"]:
            n = int(by_order.get(order, 0))
            share = r.fmt(100 * n / total, lang, 0) if total else "–"
            cells.append((f"{n} ({share} %)", ""))
        cells.append((str(total), ""))
        body.append(cells)
    return _table(heads, body, caption, cls="jk-survey-table")
