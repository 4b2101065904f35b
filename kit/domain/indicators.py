"""Sex-disaggregated statistics: small counts protected, the gap between women and men and its trend.

The data model is the tidy long frame :func:`kit.read_indicators` returns, one row per value:
``indicator, area, period, sex, value, n`` (and ``age_group`` when the file has ages), ``sex``
one of Kolada's codes ``K`` (women, girls), ``M`` (men, boys) and ``T`` (total). Everything here
is pure: no files, widgets, plots or store, and no function changes the frame it is given.

A worked example — waiting days for a place in särskilt boende in Exempelby, five years:

>>> import pandas as pd
>>> rows = [("Väntetid", "Exempelby", str(year), sex, value, n)
...         for year, women, men in [(2019, 48, 40), (2020, 47, 40), (2021, 45, 41), (2022, 44, 41),
...                                  (2023, 43, 41)]
...         for sex, value, n in [("K", women, 30), ("M", men, 25), ("T", (women + men) / 2, 55)]]
>>> df = pd.DataFrame(rows, columns=["indicator", "area", "period", "sex", "value", "n"])
>>> df["n"] = df["n"].astype("Int64")
>>> gaps = gap_measures(df, threshold=5)
>>> print(gaps[["period", "women", "men", "diff", "flag"]].to_string(index=False))
period  women  men  diff  flag
  2019   48.0 40.0   8.0  True
  2020   47.0 40.0   7.0  True
  2021   45.0 41.0   4.0 False
  2022   44.0 41.0   3.0 False
  2023   43.0 41.0   2.0 False
>>> gaps["trend"].iloc[0], float(gaps["slope"].iloc[0])
('closing', -1.6)
"""

from __future__ import annotations

import math
import re

import pandas as pd

from kit.domain import scores as sc
from kit.errors import InputError

#: Kolada's codes for sex: women (and girls), men (and boys), total.
SEXES = ("K", "M", "T")

#: What a file may write for a sex (any case, spaces collapsed) → its code.
SEX_WORDS = {
    **dict.fromkeys(("k", "kvinnor", "kvinna", "kv", "women", "woman", "female", "females", "f",
                     "flickor", "flicka", "girls", "girl"), "K"),
    **dict.fromkeys(("m", "män", "man", "men", "male", "males", "pojkar", "pojke", "boys", "boy"), "M"),
    **dict.fromkeys(("t", "totalt", "total", "alla", "all", "samtliga", "båda könen", "both sexes",
                     "kvinnor och män", "women and men", "flickor och pojkar", "girls and boys"), "T"),
}

#: Relative tolerances of the trend's verdict (see :func:`gap_trend`).
TREND_SHARE_OF_GAP = 0.10
TREND_SHARE_OF_LEVEL = 0.01

GAP_VALUES = ["women", "men", "total", "diff", "ratio", "slope", "trend", "flag"]
TREND_COLUMNS = ["first", "last", "periods", "slope", "trend", "diff_first", "diff_last"]


def sex_code(text) -> str:
    """Kolada's code for a sex as a file writes it: ``"K"``, ``"M"`` or ``"T"``.

    Swedish and English words, singular or plural, any case: kvinnor/kvinna/women/flickor → K,
    män/man/men/pojkar → M, totalt/total/alla → T, and the codes themselves.

    >>> sex_code("Kvinnor"), sex_code(" POJKAR "), sex_code("Totalt"), sex_code("women"), sex_code("T")
    ('K', 'M', 'T', 'K', 'T')
    >>> sex_code("Okänt")
    Traceback (most recent call last):
    kit.errors.InputError: Kön måste vara kvinnor, män eller totalt (eller K, M, T), inte 'Okänt'.
    >>> try:
    ...     sex_code("")
    ... except InputError as e:
    ...     print(e.text("en"))
    Sex is missing: write women, men or total (or K, M, T).
    """
    raw = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    word = " ".join(raw.lower().split())
    if not word:
        raise InputError("indicators.sex_missing", field="sex", value=text)
    code = SEX_WORDS.get(word)
    if code is None:
        raise InputError("indicators.sex_unknown", field="sex", value=text, shown=sc.shown(raw, 40))
    return code


_YEAR = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^(\d{4})\s*[/\-–—]\s*(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[-\s]?\s*[KQkq]\s*([1-4])$")
_MONTH = re.compile(r"^(\d{4})\s*(?:[Mm]\s*|-)(\d{1,2})$")
_HALF = re.compile(r"^(\d{4})\s*[-\s]?\s*[Hh]\s*([12])$")
_LEADING_YEAR = re.compile(r"^(\d{4})(?!\d)")


def period_key(period) -> tuple:
    """A sortable, chronological key for a period as files write it: ``(year, kind, text)``.

    ``year`` is where the period sits on a time axis in years (a float the trend is fitted
    on): ``"2020"`` is 2020; a school or financial year ``"2020/21"`` (also ``"2020-21"``,
    ``"2020/2021"``) sits in the middle of its span, 2020.5; a quarter ``"2020K2"``/``"2020Q2"``,
    a month ``"2020M03"``/``"2020-03"`` and a half year ``"2020H2"`` sit at their start. Text
    with a year first (``"2021 prel."``) counts as that year; text with no year sorts last, by
    itself. ``kind`` breaks ties: a calendar year first, then its parts, then spans.

    >>> sorted(["2021", "2020/21", "2019", "2020", "2020K3", "okänt"], key=period_key)
    ['2019', '2020', '2020K3', '2020/21', '2021', 'okänt']
    >>> period_key("2022/23"), period_key(2023)[0], period_key("2023M07")[0]
    ((2022.5, 2, '2022/23'), 2023.0, 2023.5)
    """
    text = " ".join(str("" if period is None else period).split())
    if found := _YEAR.match(text):
        return (float(found.group(1)), 0, text)
    if found := _SPAN.match(text):
        start, end = int(found.group(1)), found.group(2)
        stop = int(end) if len(end) == 4 else start - start % 100 + int(end)
        if len(end) == 2 and stop <= start:
            stop += 100  # "1999/00"
        month = "-" in text and len(end) == 2 and stop != start + 1  # "2020-03" is March
        if stop > start and not month:
            return ((start + stop) / 2, 2, text)
    if found := _QUARTER.match(text):
        return (int(found.group(1)) + (int(found.group(2)) - 1) / 4, 1, text)
    if (found := _MONTH.match(text)) and 1 <= int(found.group(2)) <= 12:
        return (int(found.group(1)) + (int(found.group(2)) - 1) / 12, 1, text)
    if found := _HALF.match(text):
        return (int(found.group(1)) + (int(found.group(2)) - 1) / 2, 1, text)
    if found := _LEADING_YEAR.match(text):
        return (float(found.group(1)), 3, text)
    return (math.inf, 9, text)


def _keys(df: pd.DataFrame) -> list[str]:
    """The columns that name one series: indicator, area (and age group)."""
    return ["indicator", "area", *(["age_group"] if "age_group" in df.columns else [])]


def suppress_small(df: pd.DataFrame, min_n: int = 5) -> pd.DataFrame:
    """The same rows with every value that must not be shown hidden: ``value`` NaN (and ``n``
    empty) and a boolean column ``suppressed`` True. The frame given is never changed.

    *Primary*: ``n`` known and below ``min_n``. A value whose ``n`` is unknown (``<NA>``, as in
    every Kolada file) is not suppressed by this rule. *Secondary*: within one indicator, area,
    period (and age group) where the total ``T`` is shown — present, not suppressed and not
    missing — if exactly one of ``K`` and ``M`` is suppressed, the other is suppressed too:
    otherwise the total minus the other sex would reveal it. A frame that already has a
    ``suppressed`` column keeps what it hides. The number of persons behind a hidden value is
    hidden as well (``<NA>``): a count below ``min_n`` is itself what must not be shown.

    Three women and 40 men behind a waiting time, and the total shown:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"indicator": "Väntetid", "area": "Exempelby", "period": "2024",
    ...                    "sex": ["K", "M", "T"], "value": [61.0, 38.0, 40.0],
    ...                    "n": pd.array([3, 40, 43], dtype="Int64")})
    >>> out = suppress_small(df)
    >>> print(out[["sex", "value", "n", "suppressed"]].to_string(index=False))
    sex  value    n  suppressed
      K    NaN <NA>        True
      M    NaN <NA>        True
      T   40.0   43       False
    >>> df["value"].tolist()  # the input is untouched
    [61.0, 38.0, 40.0]

    Without a total there is nothing to subtract from, so only the small count is hidden:

    >>> suppress_small(df[df["sex"] != "T"])["suppressed"].tolist()
    [True, False]
    """
    out = df.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    n = pd.to_numeric(out["n"], errors="coerce") if "n" in out.columns else pd.Series(math.nan, out.index)
    primary = (n.notna() & (n < min_n)).astype(bool)
    if "suppressed" in out.columns:
        primary = primary | out["suppressed"].fillna(False).astype(bool)
    sex = out["sex"].astype(object)
    value = pd.to_numeric(out["value"], errors="coerce")
    groups = [*_keys(out), "period"]
    help_ = pd.DataFrame({g: out[g].astype(object).fillna("") for g in groups}, index=out.index)
    help_["t_shown"] = (sex == "T") & ~primary & value.notna()
    help_["k_hidden"] = (sex == "K") & primary
    help_["m_hidden"] = (sex == "M") & primary
    grouped = help_.groupby(groups, sort=False, dropna=False)[["t_shown", "k_hidden", "m_hidden"]]
    per = grouped.transform("any")
    secondary = per["t_shown"] & (per["k_hidden"] ^ per["m_hidden"]) & sex.isin(("K", "M"))
    hidden = (primary | secondary).astype(bool)
    out["value"] = value.astype("float64").mask(hidden)
    if "n" in out.columns:
        try:
            out["n"] = out["n"].astype("Int64").mask(hidden)
        except (TypeError, ValueError):  # not whole numbers: hidden all the same
            out["n"] = out["n"].mask(hidden)
    out["suppressed"] = hidden.to_numpy()
    return out


def _slope(x: list[float], y: list[float]) -> float:
    """Least-squares slope of ``y`` on ``x`` (NaN when ``x`` does not vary)."""
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxx = sum((a - mx) ** 2 for a in x)
    if sxx == 0:
        return math.nan
    return sum((a - mx) * (b - my) for a, b in zip(x, y)) / sxx


def _series_trend(periods, women, men, diffs) -> dict:
    """The trend of one series' gap (rows already in chronological order)."""
    known = [(p, w, m, d) for p, w, m, d in zip(periods, women, men, diffs)
             if not (pd.isna(d) or pd.isna(w) or pd.isna(m))]
    result = {"first": "", "last": "", "periods": len(known), "slope": math.nan, "trend": "unknown",
              "diff_first": math.nan, "diff_last": math.nan}
    if not known:
        return result
    result.update(first=known[0][0], last=known[-1][0], diff_first=float(known[0][3]),
                  diff_last=float(known[-1][3]))
    if len(known) < 3:
        return result
    x = [period_key(p)[0] for p, *_ in known]
    if any(math.isinf(v) for v in x):
        x = list(range(len(known)))  # periods with no year: one step each
    size = [abs(float(d)) for *_, d in known]
    slope = _slope(x, size)
    if math.isnan(slope):
        return result
    change = slope * (x[-1] - x[0])
    level = sum((abs(float(w)) + abs(float(m))) / 2 for _, w, m, _ in known) / len(known)
    tolerance = max(TREND_SHARE_OF_GAP * sum(size) / len(size), TREND_SHARE_OF_LEVEL * level, 1e-12)
    trend = "closing" if change < -tolerance else "widening" if change > tolerance else "stable"
    result.update(slope=float(slope), trend=trend)
    return result


def gap_trend(gaps: pd.DataFrame) -> pd.DataFrame:
    """The trend of the gap between women and men, one row per indicator, area (and age group):
    ``first`` and ``last`` period with both sexes known, how many such ``periods``, the
    ``slope`` (change of the size of the gap per year), the verdict ``trend`` and the
    difference (women − men) in the first and the last of those periods.

    The slope is the least-squares slope of ``|women − men|`` against the period's year (see
    :func:`period_key`; a school year "2020/21" is 2020.5; periods with no year count one step
    each), over the periods where both sexes are known. The verdict is ``"closing"`` when the
    fitted change over the whole span is a fall of more than a tolerance, ``"widening"`` when
    it is a rise of more, else ``"stable"``; ``"unknown"`` with fewer than three such periods
    (and then no slope). The tolerance is the larger of 10 % of the mean gap and 1 % of the
    mean level of women and men, so that neither a gap of a few tenths on values of about 80
    nor noise around a steady gap is called a trend.

    Because the size of the gap is fitted, a gap that changes sign is judged by how far it is
    from equality: +3 → −6 is widening, +6 → −1 closing, and +6 → −6 stable in size although it
    has turned around; ``diff_first`` and ``diff_last`` keep their signs, so a caller can see
    (and say) that it reversed.

    >>> import pandas as pd
    >>> gaps = pd.DataFrame({"indicator": "Behörighet gymnasiet (%)", "area": "Exempelby",
    ...                      "period": ["2020", "2021", "2022", "2023"], "women": [88.0, 89, 88, 90],
    ...                      "men": [84.0, 83, 81, 80], "diff": [4.0, 6, 7, 10]})
    >>> print(gap_trend(gaps).drop(columns=["indicator", "area"]).to_string(index=False))
    first last  periods  slope    trend  diff_first  diff_last
     2020 2023        4    1.9 widening         4.0       10.0
    >>> short = gap_trend(gaps.iloc[:2]).iloc[0]
    >>> int(short["periods"]), short["trend"], bool(pd.isna(short["slope"]))
    (2, 'unknown', True)
    """
    keys = _keys(gaps)
    rows = []
    if not gaps.empty:
        ordered = gaps.assign(_key=gaps["period"].map(period_key))
        ordered = ordered.sort_values([*keys, "_key"], kind="stable")
        for key, part in ordered.groupby(keys, sort=False, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            trend = _series_trend(part["period"].tolist(), part["women"].tolist(), part["men"].tolist(),
                                  part["diff"].tolist())
            rows.append({**dict(zip(keys, key)), **trend})
    out = pd.DataFrame(rows, columns=[*keys, *TREND_COLUMNS])
    for column in (*keys, "first", "last", "trend"):
        out[column] = out[column].astype(object)
    out["periods"] = out["periods"].astype("int64")
    for column in ("slope", "diff_first", "diff_last"):
        out[column] = out[column].astype("float64")
    return out.reset_index(drop=True)


def gap_measures(df: pd.DataFrame, threshold: float | None = None, min_n: int = 5) -> pd.DataFrame:
    """The gap between women and men, one row per indicator, area, (age group,) period:
    ``women``, ``men``, ``total``, ``diff`` (women − men), ``ratio`` (women / men, NaN when men
    is 0 or missing; 1 means equal, as SKR's Öppna jämförelser Jämställdhet ranks it), the
    series' ``slope`` and ``trend`` (see :func:`gap_trend`, repeated on each of its rows) and
    ``flag``: True where ``|diff|`` exceeds the ``threshold`` the group set (False everywhere
    when it set none).

    Only values that may be shown are used: a frame without a ``suppressed`` column goes
    through :func:`suppress_small` (``min_n``) first, and a value marked suppressed is never
    used, whatever it holds. Rows are sorted by indicator, area, age group and period in time.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"indicator": "Fallskador 80+ (per 1 000)", "area": "Exempelby",
    ...                    "period": ["2023", "2023", "2023", "2024", "2024", "2024"],
    ...                    "sex": ["K", "M", "T"] * 2, "value": [31.0, 24.0, 28.1, 30.0, 0.0, 17.0],
    ...                    "n": pd.array([120, 80, 200, 110, 2, 112], dtype="Int64")})
    >>> gaps = gap_measures(df, threshold=5)
    >>> shown = ["period", "women", "men", "total", "diff", "ratio", "flag"]
    >>> print(gaps[shown].round(2).to_string(index=False))
    period  women  men  total  diff  ratio  flag
      2023   31.0 24.0   28.1   7.0   1.29  True
      2024    NaN  NaN   17.0   NaN    NaN False

    In 2024 two men (fewer than five) hide the men's value, and with the total shown the
    women's value is hidden too; nothing of either is used.
    """
    if "suppressed" not in df.columns:
        df = suppress_small(df, min_n)
    keys = _keys(df)
    columns = [*keys, "period", *GAP_VALUES]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in (*keys, "period", "trend") else
                                          bool if c == "flag" else "float64") for c in columns})
    value = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    value = value.mask(df["suppressed"].fillna(True).astype(bool))
    long = pd.DataFrame({**{k: df[k].astype(object).fillna("") for k in [*keys, "period"]},
                         "sex": df["sex"].astype(object), "value": value})
    long = long[long["sex"].isin(SEXES)]
    wide = long.groupby([*keys, "period", "sex"], sort=False, dropna=False)["value"].first().unstack("sex")
    wide = wide.reindex(columns=list(SEXES))
    out = wide.reset_index()
    out.columns.name = None
    out = out.rename(columns={"K": "women", "M": "men", "T": "total"})
    out["diff"] = out["women"] - out["men"]
    men = out["men"]
    out["ratio"] = (out["women"] / men.where(men.notna() & (men != 0))).astype("float64")
    out["_key"] = out["period"].map(period_key)
    out = out.sort_values([*keys, "_key"], kind="stable").drop(columns="_key").reset_index(drop=True)
    trends = gap_trend(out)
    out = out.merge(trends[[*keys, "slope", "trend"]], on=keys, how="left", sort=False)
    if threshold is None:
        out["flag"] = False
    else:
        out["flag"] = (out["diff"].abs() > float(threshold)).fillna(False).astype(bool)
    for column in (*keys, "period", "trend"):
        out[column] = out[column].astype(object)
    for column in ("women", "men", "total", "diff", "ratio", "slope"):
        out[column] = out[column].astype("float64")
    return out[columns]
