r"""The statistics step's figures, as matplotlib :class:`~matplotlib.figure.Figure` objects (never
pyplot), and each figure's text alternative in plain words.

The figures take the frames of :mod:`kit.domain.indicators`: the long frame *after*
:func:`kit.suppress_small` (``indicator, area, period, sex, value, n, [age_group], suppressed``)
and the gap frame of :func:`kit.gap_measures`. A suppressed value is never drawn — not as a
number, not as a position, not as the end of a shaded gap: the line breaks there and the period
is marked "×" on the axis, and the legend says why (too few persons). A frame without a
``suppressed`` column is passed through :func:`kit.suppress_small` first, and a row marked
suppressed is hidden even if a careless caller left its value in.

* :func:`series` — women, men and total over time, the gap between women and men shaded (and
  hatched), women and men told apart by colour, marker, line style *and* a label at the line's
  end (readable printed in grey), the total dashed and grey.
* :func:`age_groups` — one period, women and men side by side per age group; a suppressed bar
  is an empty dashed box saying "skyddat".
* :func:`ratio` — women / men over time with the line of equality at 1.
* :func:`survey` — diverging stacked bars of survey answers (see :func:`survey` for how a middle
  answer and "pågår" are placed).
* :func:`series_text`, :func:`age_groups_text`, :func:`ratio_text`, :func:`survey_text` — the
  same content in sentences (Swedish numbers with a decimal comma), saying which values are
  not shown and why, never the values themselves. They load no plotting library.
* :func:`plot_values` — every number a figure draws (what the tests check for leaks).

A worked example: waiting days for särskilt boende, where only two women waited in 2021.

>>> import pandas as pd
>>> from kit.domain.indicators import suppress_small
>>> rows = [("Väntetid", "Exempelby", year, sex, value, n) for year, k, m in
...         [("2019", 48.0, 40.0), ("2020", 47.5, 40.5), ("2021", 61.0, 40.8), ("2022", 44.0, 41.0)]
...         for sex, value, n in [("K", k, 2 if year == "2021" else 30), ("M", m, 25),
...                               ("T", (k + m) / 2, 55)]]
>>> data = suppress_small(pd.DataFrame(rows, columns=["indicator", "area", "period", "sex", "value", "n"])
...                       .astype({"n": "Int64"}))
>>> print(series_text(data, "Väntetid", "Exempelby", unit="dagar"))  # doctest: +NORMALIZE_WHITESPACE
Väntetid, Exempelby, 2019–2022: kvinnor, män och totalt. Kvinnor 44,0 dagar, män 41,0 dagar 2022;
skillnaden har minskat sedan 2019. Skillnaden (kvinnor minus män) är +3,0 dagar. Totalt 42,5 dagar
2022. Visas inte eftersom värdena bygger på för få personer (skyddade): kvinnor och män 2021.
>>> fig = series(data, "Väntetid", "Exempelby", unit="dagar")
>>> 61.0 in plot_values(fig), 40.8 in plot_values(fig)  # women and men of 2021: hidden both
(False, False)
>>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
['2019', '2020', '2021\n×', '2022']
"""

from __future__ import annotations

import itertools
import math
import re
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from kit import content
from kit.domain import indicators as ind
from kit.domain import scores as sc
from kit.fmt import number
from kit.modules.statistics import rules as r

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

#: How women, men and the total are drawn: Okabe–Ito colours (vermillion and blue both stand
#: out against white, 3:1 or more), and a marker and a line style each, men's markers hollow,
#: so that colour never tells them apart alone.
STYLE = {
    "K": {"color": "#D55E00", "marker": "o", "linestyle": "-", "markerfacecolor": "#D55E00", "hatch": ""},
    "M": {"color": "#0072B2", "marker": "s", "linestyle": (0, (7, 2, 1.5, 2)), "markerfacecolor": "white",
          "hatch": "///"},
    "T": {"color": "#555555", "marker": "D", "linestyle": "--", "markerfacecolor": "#555555", "hatch": ""},
}
#: The shaded gap between women and men: light grey, hatched.
GAP = {"facecolor": "#E4E4E4", "hatch": "//", "hatchcolor": "#8C8C8C"}
SUPPRESSED_MARK = "×"

#: Sizes (points) per mode; ``figsize`` in inches. The large (projector) mode uses
#: :data:`kit.plots.SIZES` ``[True]``, so the charts read from the back of a room.
_SIZES = {
    "normal": {"figsize": (8.0, 4.5), "tick": 10, "label": 11, "title": 12, "legend": 10, "direct": 10.5,
               "value": 9, "line": 2.2, "marker": 6.5, "wrap": 80},
    "compact": {"figsize": (4.0, 4.0), "tick": 11, "label": 11, "title": 12, "legend": 11, "direct": 11,
                "value": 10, "line": 2.2, "marker": 6.5, "wrap": 36},
    "large": {"figsize": (12.0, 6.5), "tick": 14, "label": 15, "title": 17, "legend": 14, "direct": 14,
              "value": 14, "line": 3.0, "marker": 9, "wrap": 80},
}

#: Texts used where the module's texts lack them; the same keys as ``statistics.plots`` in
#: ``texts.sv.yaml`` / ``texts.en.yaml`` (a test checks that both files hold every one).
FALLBACK = {
    "sv": {
        "women": "Kvinnor", "men": "Män", "total": "Totalt", "gap": "Skillnad",
        "suppressed": "skyddat",
        "suppressed_legend": "skyddat: för få personer",
        "suppressed_box": "Skyddat: för få personer",
        "all_suppressed": "Alla värden är skyddade:\nde bygger på för få personer.",
        "empty": "Inga värden att visa",
        "value_axis": "Värde",
        "all_ages": "Alla åldrar",
        "equal": "Lika (1)",
        "ratio_axis": "Kvot kvinnor/män",
        "women_higher": "Över 1: kvinnor har högre värde",
        "men_higher": "Under 1: män har högre värde",
        "percent_axis": "Andel av de svarande (%)",
        "agree_left": "← instämmer inte",
        "agree_right": "instämmer →",
        "no_left": "← nej",
        "yes_right": "ja →",
        "percent": "{value} %",
        "text.series_intro": "{title}, {first}–{last}: kvinnor, män och totalt.",
        "text.series_one": "{title}, {first}: kvinnor, män och totalt.",
        "text.latest": "Kvinnor {women}, män {men} {period}",
        "text.diff": "Skillnaden (kvinnor minus män) är {diff}.",
        "text.total": "Totalt {total} {period}.",
        "text.no_both": "Inget år har värden för både kvinnor och män.",
        "text.trend.closing": "skillnaden har minskat sedan {first}",
        "text.trend.widening": "skillnaden har ökat sedan {first}",
        "text.trend.stable": "skillnaden är ungefär densamma som {first}",
        "text.trend.unknown": ("för få år med värden för både kvinnor och män för att säga hur skillnaden "
                               "utvecklas"),
        "text.suppressed": "Visas inte eftersom värdena bygger på för få personer (skyddade): {items}.",
        "text.missing": "Värde saknas: {items}.",
        "text.and": "och",
        "text.empty": "Inga värden att visa.",
        "text.age_intro": "{title}, {area}, {period}, per åldersgrupp:",
        "text.age_item": "{age}: kvinnor {women}, män {men}",
        "text.age_largest": "Störst skillnad: {age} ({diff}, kvinnor minus män).",
        "text.ratio_intro": "Kvoten kvinnor/män, {title}, {area} (1 betyder lika):",
        "text.ratio_item": "{ratio} {period}",
        "text.ratio_missing": "Kvoten kan inte visas för {periods} (värde saknas eller är skyddat).",
        "text.survey_low": "{percent} instämmer inte ({range})",
        "text.survey_mid": "{percent} i mitten ({range})",
        "text.survey_high": "{percent} instämmer ({range})",
        "text.survey_option": "{option} {percent} ({count})",
        "text.answers": "{n} svar",
        "text.no_answer": "{n} utan svar räknas inte",
    },
    "en": {
        "women": "Women", "men": "Men", "total": "Total", "gap": "Gap",
        "suppressed": "suppressed",
        "suppressed_legend": "suppressed: too few persons",
        "suppressed_box": "Suppressed: too few persons",
        "all_suppressed": "All values are suppressed:\nthey rest on too few persons.",
        "empty": "No values to show",
        "value_axis": "Value",
        "all_ages": "All ages",
        "equal": "Equal (1)",
        "ratio_axis": "Ratio women/men",
        "women_higher": "Above 1: women have the higher value",
        "men_higher": "Below 1: men have the higher value",
        "percent_axis": "Share of respondents (%)",
        "agree_left": "← disagree",
        "agree_right": "agree →",
        "no_left": "← no",
        "yes_right": "yes →",
        "percent": "{value}%",
        "text.series_intro": "{title}, {first}–{last}: women, men and total.",
        "text.series_one": "{title}, {first}: women, men and total.",
        "text.latest": "Women {women}, men {men} in {period}",
        "text.diff": "The gap (women minus men) is {diff}.",
        "text.total": "Total {total} in {period}.",
        "text.no_both": "No year has values for both women and men.",
        "text.trend.closing": "the gap has narrowed since {first}",
        "text.trend.widening": "the gap has widened since {first}",
        "text.trend.stable": "the gap is about the same as in {first}",
        "text.trend.unknown": "too few years with values for both women and men to say how the gap develops",
        "text.suppressed": "Not shown because the values rest on too few persons (suppressed): {items}.",
        "text.missing": "Missing: {items}.",
        "text.and": "and",
        "text.empty": "No values to show.",
        "text.age_intro": "{title}, {area}, {period}, by age group:",
        "text.age_item": "{age}: women {women}, men {men}",
        "text.age_largest": "Largest gap: {age} ({diff}, women minus men).",
        "text.ratio_intro": "The ratio women/men, {title}, {area} (1 means equal):",
        "text.ratio_item": "{ratio} in {period}",
        "text.ratio_missing": "The ratio cannot be shown for {periods} (value missing or suppressed).",
        "text.survey_low": "{percent} disagree ({range})",
        "text.survey_mid": "{percent} in the middle ({range})",
        "text.survey_high": "{percent} agree ({range})",
        "text.survey_option": "{option} {percent} ({count})",
        "text.answers": "{n} answers",
        "text.no_answer": "{n} without an answer are not counted",
    },
}

#: Answers of a yes/no scale, by what they say (any case); the rest by ``order`` (1 yes, 2 no,
#: 3 ongoing, as in the HåJ report's figures "Ja, Nej, På gång, Ej svar").
YES_WORDS = ("ja", "yes")
NO_WORDS = ("nej", "no")
ONGOING_WORDS = ("pågår", "på gång", "pågående", "ongoing", "in progress", "under way", "underway")
#: An answer that is no answer: left out of the percentages (and said in the text).
NO_ANSWER_WORDS = ("ej svar", "inget svar", "obesvarad", "obesvarat", "obesvarade", "vet ej svar", "no answer",
                   "not answered", "unanswered", "missing")


def _t(key: str, lang: str, **values) -> str:
    """The module's text ``statistics.plots.<key>``, else the fallback above."""
    lang = content.normalise_lang(lang)
    try:
        value = content.text(f"statistics.plots.{key}", lang)
    except KeyError:
        value = FALLBACK[lang][key]
    return value.format(**values) if values else value


def _ok(value) -> bool:
    """Whether a value is a number to show (not None, NaN or ``<NA>``).

    >>> _ok(1.5), _ok(float("nan")), _ok(None), _ok(pd.NA)
    (True, False, False, False)
    """
    try:
        return value is not None and not pd.isna(value)
    except (TypeError, ValueError):
        return False


def _clean(text) -> str:
    """A typed text as a sentence quotes it: one line, no control characters."""
    return sc.shown("" if text is None else text, 10_000)


def _lines(text, width: int, lines: int = 3) -> list[str]:
    """A typed text wrapped to at most ``lines`` lines of about ``width`` characters."""
    parts = textwrap.wrap(_clean(text), width, break_long_words=False, break_on_hyphens=True) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][:max(width - 1, 1)].rstrip() + "…"
    return parts


def _plain(text, width: int | None = None, lines: int = 3) -> str:
    r"""A typed text as a figure draws it literally (``$`` escaped, never mathtext), wrapped.

    >>> _plain("Andel $x$"), _plain("Invånare som får hemtjänst", 12)
    ('Andel \\$x\\$', 'Invånare som\nfår\nhemtjänst')
    """
    parts = [_clean(text)] if width is None else _lines(text, width, lines)
    return "\n".join(part.replace("$", r"\$") for part in parts)


def _num(value, lang: str, decimals: int = 1, unit: str = "") -> str:
    text = number(value, lang, decimals)
    return f"{text} {unit}" if unit and text != "–" else text


def _join(items: list[str], lang: str) -> str:
    """``a, b och c`` in the language.

    >>> _join(["kvinnor", "män"], "sv"), _join(["a", "b", "c"], "en"), _join([], "sv")
    ('kvinnor och män', 'a, b and c', '')
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_t('text.and', lang)} {items[-1]}"


def _size(compact: bool, large: bool) -> dict:
    if large:
        from kit.plots import SIZES

        return {**_SIZES["large"], **SIZES[True]}
    return _SIZES["compact" if compact else "normal"]


# -- the data ----------------------------------------------------------------------------
def _shown(data: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``suppressed`` (applying :func:`kit.suppress_small` when it lacks one) and
    every suppressed value NaN, whoever forgot to blank it."""
    if "suppressed" not in data.columns:
        data = ind.suppress_small(data)
    data = data.copy()
    hidden = data["suppressed"].fillna(False).astype(bool)
    data["suppressed"] = hidden
    data["value"] = pd.to_numeric(data["value"], errors="coerce").astype(float).where(~hidden)
    return data


def _age_of(rows: pd.DataFrame, age_group):
    """The age group a series shows: the one asked for, else the whole, else the first."""
    if "age_group" not in rows.columns:
        return None
    groups = r.age_order(rows["age_group"].fillna("").astype(str))
    if age_group is not None:
        return str(age_group)
    return r.whole_age(groups) or (groups[0] if groups else None)


def _slice(data, indicator, area, age_group=None) -> tuple[pd.DataFrame, str | None]:
    """One series' rows (suppressed values blank) and the age group they are."""
    if data is None or not len(data):
        return pd.DataFrame(columns=[*ind_columns(), "suppressed"]), None
    data = _shown(data)
    rows = data[(data["indicator"].astype(str) == str(indicator)) & (data["area"].astype(str) == str(area))]
    age = _age_of(rows, age_group)
    if age is not None:
        rows = rows[rows["age_group"].fillna("").astype(str) == age]
    return rows, age


def ind_columns() -> list[str]:
    return ["indicator", "area", "period", "sex", "value", "n"]


def _periods(periods) -> list[str]:
    return sorted(dict.fromkeys(str(p) for p in periods), key=ind.period_key)


def _table(rows: pd.DataFrame) -> tuple[list[str], dict]:
    """Periods in chronological order and ``(period, sex) -> (value, suppressed)``."""
    periods = _periods(rows["period"])
    cells = {}
    for p, s, v, x in zip(rows["period"].astype(str), rows["sex"], rows["value"], rows["suppressed"]):
        cells.setdefault((p, s), (float("nan") if x else float(v), bool(x)))
    return periods, cells


def _whole(age) -> bool:
    return age is None or r.is_whole_age(age)


def _title(title, indicator, area, age=None) -> str:
    parts = [title or indicator, area]
    if not _whole(age):
        parts.append(age)
    return ", ".join(_clean(p) for p in parts if _clean(p))


def _gap_age(gaps, indicator, area, age_group):
    """The age group a ratio shows: the one asked for, else the whole, else the first."""
    if age_group is not None or gaps is None or not len(gaps) or "age_group" not in gaps.columns:
        return age_group
    return _age_of(gaps[(gaps["indicator"].astype(str) == str(indicator))
                        & (gaps["area"].astype(str) == str(area))], None)


def _gap_rows(gaps, indicator, area, age) -> pd.DataFrame:
    if gaps is None or not len(gaps):
        return pd.DataFrame(columns=["period", *ind.GAP_VALUES])
    rows = gaps[(gaps["indicator"].astype(str) == str(indicator)) & (gaps["area"].astype(str) == str(area))]
    if "age_group" in rows.columns and age is not None:
        rows = rows[rows["age_group"].fillna("").astype(str) == str(age)]
    order = sorted(range(len(rows)), key=lambda i: ind.period_key(rows["period"].iloc[i]))
    return rows.iloc[order]


# -- the figures ---------------------------------------------------------------------------
def _finish(fig, size: dict) -> None:
    """Every tick, axis label, title and legend of the figure at the mode's size."""
    for ax in fig.axes:
        ax.tick_params(labelsize=size["tick"])
        ax.xaxis.label.set_fontsize(size["label"])
        ax.yaxis.label.set_fontsize(size["label"])
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            for text in legend.get_texts():
                text.set_fontsize(size["legend"])


def _decimal_formatter(lang: str, absolute: bool = False):
    """Tick numbers with a decimal comma in Swedish, as many decimals as the ticks' step needs."""
    from matplotlib.ticker import Formatter

    class DecimalFormatter(Formatter):
        ticks: tuple = ()

        def set_locs(self, locs):
            self.ticks = [float(v) for v in locs]

        def __call__(self, x, pos=None):
            locs = self.ticks or [float(x)]
            step = min((abs(b - a) for a, b in itertools.pairwise(locs) if b != a), default=1.0)
            decimals = 0 if step >= 1 and all(abs(v - round(v)) < 1e-9 for v in locs) else \
                min(3, max(1, -math.floor(math.log10(step) + 1e-9)))
            return number(abs(x) if absolute else x, lang, decimals)

    return DecimalFormatter()


def _figure(size: dict, figsize=None) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=figsize or size["figsize"], layout="constrained")


def _empty(lang: str, size: dict, title: str = "", message: str | None = None) -> Figure:
    """A figure that says there is nothing to show."""
    fig = _figure(size)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message or _t("empty", lang), ha="center", va="center", transform=ax.transAxes,
            fontsize=size["label"] + 1, color="#333333", gid="empty")
    if title:
        ax.set_title(_plain(title, size["wrap"], 2), loc="left", fontsize=size["title"])
    _finish(fig, size)
    return fig


def _spread(positions: list[float], gap: float) -> list[float]:
    """Label heights moved apart to at least ``gap`` (keeping their order and mean).

    >>> _spread([1.0, 1.05, 3.0], 0.5)
    [0.775, 1.275, 3.0]
    """
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    ys = [positions[i] for i in order]
    for _ in range(50):
        moved = False
        for a in range(len(ys) - 1):
            if ys[a + 1] - ys[a] < gap - 1e-12:
                mid = (ys[a] + ys[a + 1]) / 2
                ys[a], ys[a + 1] = mid - gap / 2, mid + gap / 2
                moved = True
        if not moved:
            break
    out = [0.0] * len(ys)
    for i, y in zip(order, ys):
        out[i] = round(y, 9)
    return out


def _value_range(values: list[float]) -> tuple[float, float]:
    """The y axis of a series: its values with a margin, and at least a fifth of their size
    high, so that a small difference is not blown up to fill the chart.

    >>> [round(v, 2) for v in _value_range([41.4, 41.7])], _value_range([0.0, 10.0])
    ([36.71, 46.39], (-0.8, 10.8))
    """
    low, high = min(values), max(values)
    span = max(high - low, 0.2 * max(abs(low), abs(high)), 1e-9)
    mid = (low + high) / 2
    low, high = min(low, mid - span / 2), max(high, mid + span / 2)
    pad = 0.08 * (high - low)
    return round(low - pad, 9), round(high + pad, 9)


def series(data, indicator, area, lang: str = "sv", age_group=None, compact: bool = False,
           large: bool = False, *, title: str | None = None, unit: str = "") -> Figure:
    """Women, men and total over time, the gap between women and men shaded and hatched.

    Periods in chronological order (:func:`kit.domain.indicators.period_key`). Women: vermillion,
    solid, filled circles; men: blue, dash-dot, hollow squares; total: grey, dashed; each line
    named at its end. A period with a suppressed value is "×" on the axis (the legend says why)
    and the line breaks there. ``title`` replaces the indicator's code in the title (an
    indicator's name), ``unit`` labels the y axis; ``compact`` is a phone's layout (about
    4 × 4 in, larger type), ``large`` the projector's.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    size = _size(compact, large)
    rows, age = _slice(data, indicator, area, age_group)
    heading = _title(title, indicator, area, age)
    if rows.empty:
        return _empty(lang, size, heading)
    periods, cells = _table(rows)
    xs = list(range(len(periods)))
    fig = _figure(size)
    ax = fig.add_subplot()
    values = {s: [cells.get((p, s), (float("nan"), False))[0] for p in periods] for s in ("T", "K", "M")}
    hidden = [any(cells.get((p, s), (0, False))[1] for s in ("K", "M", "T")) for p in periods]
    present = {s: any(_ok(v) for v in values[s]) for s in values}

    # the gap: shaded where both sexes are shown in consecutive periods, a thin bar where alone
    women, men = values["K"], values["M"]
    both = [_ok(w) and _ok(m) for w, m in zip(women, men)]
    run: list[int] = []
    for i in [*xs, None]:
        if i is not None and both[i]:
            run.append(i)
            continue
        if len(run) >= 2:
            ax.fill_between(run, [women[j] for j in run], [men[j] for j in run], linewidth=0, zorder=1,
                            gid="gap", **GAP)
        elif len(run) == 1:
            j = run[0]
            ax.bar([j], [women[j] - men[j]], bottom=[men[j]], width=0.12, linewidth=0, zorder=1, gid="gap",
                   color=GAP["facecolor"], hatch=GAP["hatch"], hatchcolor=GAP["hatchcolor"])
        run = []

    names = {"K": _t("women", lang), "M": _t("men", lang), "T": _t("total", lang)}
    handles = []
    for sex in ("K", "M", "T"):
        style = STYLE[sex]
        total = sex == "T"
        line = ax.plot(xs, values[sex], color=style["color"], linestyle=style["linestyle"],
                       linewidth=size["line"] * (0.75 if total else 1), marker=style["marker"],
                       markersize=size["marker"] * (0.7 if total else 1),
                       markerfacecolor=style["markerfacecolor"],
                       markeredgewidth=1.6, markeredgecolor=style["color"], zorder=2 if total else 3,
                       label=names[sex], gid=f"line-{sex}")[0]
        if present[sex]:
            handles.append(line)
    if any(both):
        handles.append(Patch(facecolor=GAP["facecolor"], hatch=GAP["hatch"], edgecolor=GAP["hatchcolor"],
                             linewidth=0, label=_t("gap", lang)))
    if any(hidden):
        handles.append(Line2D([], [], linestyle="none", marker="x", color="#222222", markersize=7,
                              label=_t("suppressed_legend", lang)))

    # a phone names every other period (the last always); a suppressed one is always marked
    named = [not compact or len(xs) <= 5 or (len(xs) - 1 - i) % 2 == 0 for i in xs]
    labels = [(_plain(p) if n else "") + (f"\n{SUPPRESSED_MARK}" if h else "")
              for p, h, n in zip(periods, hidden, named)]
    ax.set_xticks(xs, labels)
    ax.set_xlim(-0.4 if len(xs) > 1 else -0.6, len(xs) - 0.6 if len(xs) > 1 else 0.6)
    for tick, h in zip(ax.get_xticklabels(), hidden):
        if h:
            tick.set_color("#000000")
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    if unit:
        ax.set_ylabel(_plain(unit, 30, 2))
    ax.set_title(_plain(heading, size["wrap"], 2), loc="left", fontsize=size["title"])

    if not any(present.values()):
        ax.set_yticks([])
        ax.text(0.5, 0.55, _t("all_suppressed", lang), ha="center", va="center", transform=ax.transAxes,
                fontsize=size["label"], color="#222222", gid="all-suppressed")
    else:
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(nbins=5 if compact else 8, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(_decimal_formatter(lang))
        drawn = [v for s in values for v in values[s] if _ok(v)]
        low, high = _value_range(drawn)
        ax.set_ylim(low, high)
        # each line named at its end (the last shown value), the names kept apart
        ends = [(s, next(v for v in reversed(values[s]) if _ok(v))) for s in ("K", "M", "T") if present[s]]
        spaced = _spread([y for _, y in ends], (high - low) * (0.1 if compact else 0.075))
        where = blended_transform_factory(ax.transAxes, ax.transData)
        for (sex, _), y in zip(ends, spaced):
            ax.text(1.015, y, names[sex], transform=where, ha="left", va="center", color=STYLE[sex]["color"],
                    fontsize=size["direct"], fontweight="bold" if sex != "T" else "normal",
                    clip_on=False, gid=f"end-{sex}")
    ncols = 2 if compact else min(len(handles), 5)
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols, frameon=False,
               handlelength=2.6, columnspacing=1.4)
    _finish(fig, size)
    return fig


def age_groups(data, indicator, area, period, lang: str = "sv", compact: bool = False,
               large: bool = False, *, title: str | None = None, unit: str = "") -> Figure:
    """One period, women and men side by side in each age group (grouped horizontal bars, women
    vermillion and plain, men blue and hatched, each bar labelled with its value). A suppressed
    bar is an empty dashed box saying "skyddat" — its width means nothing, it shows no value."""
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.transforms import blended_transform_factory

    size = _size(compact, large)
    heading = _title(title, indicator, area) + f", {_clean(period)}"
    if data is None or not len(data):
        return _empty(lang, size, heading)
    data = _shown(data)
    rows = data[(data["indicator"].astype(str) == str(indicator)) & (data["area"].astype(str) == str(area))
                & (data["period"].astype(str) == str(period))]
    if rows.empty:
        return _empty(lang, size, heading)
    has_age = "age_group" in rows.columns
    ages = r.age_order(rows["age_group"].fillna("").astype(str)) if has_age else [""]
    cells = {}
    for _, row in rows.iterrows():
        age = str(row["age_group"]) if has_age and _ok(row["age_group"]) else ""
        cells.setdefault((age, row["sex"]), (float("nan") if row["suppressed"] else float(row["value"]),
                                             bool(row["suppressed"])))
    shown_values = [v for (_, s), (v, _) in cells.items() if s in "KM" and _ok(v)]
    per = 0.95 if compact else 0.62
    height = max(2.6, 1.5 + per * len(ages)) if not large else max(4.0, 2.0 + 0.9 * len(ages))
    fig = _figure(size, (size["figsize"][0], height))
    ax = fig.add_subplot()
    bar = 0.38
    names = {"K": _t("women", lang), "M": _t("men", lang)}
    where = blended_transform_factory(ax.transAxes, ax.transData)
    handles = []
    any_hidden = False
    for k, sex in enumerate(("K", "M")):
        style = STYLE[sex]
        offset = (k - 0.5) * bar
        drawn = [(i + offset, cells[(a, sex)][0]) for i, a in enumerate(ages)
                 if _ok(cells.get((a, sex), (None,))[0])]
        ys, vals = [y for y, _ in drawn], [v for _, v in drawn]
        bars = ax.barh(ys, vals, height=bar * 0.92, color=style["color"], hatch=style["hatch"],
                       hatchcolor="white", edgecolor=style["color"], linewidth=0.8, label=names[sex],
                       gid=f"bars-{sex}")
        ax.bar_label(bars, labels=[_num(v, lang) for v in vals], padding=3, fontsize=size["value"])
        handles.append(Patch(facecolor=style["color"], hatch=style["hatch"], edgecolor="white",
                             linewidth=0.8, label=names[sex]))
        for i, a in enumerate(ages):
            if cells.get((a, sex), (0, False))[1]:
                any_hidden = True
                width = 0.42 if compact else 0.24
                ax.add_patch(Rectangle((0, i + offset - bar * 0.46), width, bar * 0.92, transform=where,
                                       facecolor="white", edgecolor=style["color"], linestyle="--",
                                       linewidth=1.2, gid=f"suppressed-{sex}-{i}"))
                ax.text(0.012, i + offset, f"{names[sex]}: {_t('suppressed', lang)}", transform=where,
                        ha="left", va="center", fontsize=size["value"], color="#222222",
                        gid=f"suppressed-text-{sex}-{i}")
    if any_hidden:
        handles.append(Patch(facecolor="white", edgecolor="#444444", linestyle="--", linewidth=1.2,
                             label=_t("suppressed_box", lang)))
    labels = [_plain(a, 14 if compact else 22, 2) if a else _t("all_ages", lang) for a in ages]
    ax.set_yticks(range(len(ages)), labels)
    ax.set_ylim(len(ages) - 0.5, -0.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    if shown_values:
        top = max(max(shown_values), 0)
        bottom = min(min(shown_values), 0)
        ax.set_xlim(bottom * 1.25 if bottom < 0 else 0, top * 1.22 if top > 0 else 1)
        ax.xaxis.set_major_formatter(_decimal_formatter(lang))
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(4 if compact else 6))
    else:
        ax.set_xticks([])
    ax.set_xlabel(_plain(unit, 40, 2) if unit else _t("value_axis", lang))
    ax.set_title(_plain(heading, size["wrap"], 2), loc="left", fontsize=size["title"])
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles) if not compact else 2,
               frameon=False)
    _finish(fig, size)
    return fig


def ratio(gaps, indicator, area, lang: str = "sv", age_group=None, compact: bool = False,
          large: bool = False, *, title: str | None = None) -> Figure:
    """The ratio women / men over time from the gap frame, with the line of equality at 1
    ("Lika (1)") and which side means what. A linear axis (no logarithm): 1,25 and 0,8 are as
    far from equality as they look. A year whose ratio cannot be computed is a break in the line."""
    size = _size(compact, large)
    age = _gap_age(gaps, indicator, area, age_group)
    rows = _gap_rows(gaps, indicator, area, age)
    heading = _title(title, indicator, area, age)
    if rows.empty:
        return _empty(lang, size, heading)
    periods = [str(p) for p in rows["period"]]
    values = [float(v) if _ok(v) else math.nan for v in pd.to_numeric(rows["ratio"], errors="coerce")]
    xs = list(range(len(periods)))
    fig = _figure(size)
    ax = fig.add_subplot()
    ax.axhline(1.0, color="#333333", linewidth=1.3, linestyle=(0, (5, 3)), zorder=1, gid="equal")
    ax.plot(xs, values, color="#009E73", marker="o", markersize=size["marker"], linewidth=size["line"],
            markeredgecolor="#00704F", zorder=3, gid="ratio")
    shown = [v for v in values if _ok(v)]
    ax.set_xticks(xs, [_plain(p) if not compact or len(xs) <= 5 or (len(xs) - 1 - i) % 2 == 0 else ""
                       for i, p in enumerate(periods)])
    ax.set_xlim(-0.4 if len(xs) > 1 else -0.6, len(xs) - 0.6 if len(xs) > 1 else 0.6)
    if shown:
        reach = max(abs(v - 1) for v in shown)
        reach = max(reach * 1.5, 0.05)
        ax.set_ylim(1 - reach, 1 + reach)
        label_at = xs if len(xs) <= (4 if compact else 10) else [i for i in xs if values[i] == values[i]][-1:]
        for i in label_at:
            if values[i] == values[i]:
                ax.annotate(number(values[i], lang, 2), (i, values[i]), textcoords="offset points",
                            xytext=(0, 8 if values[i] >= 1 else -8), ha="center",
                            va="bottom" if values[i] >= 1 else "top", fontsize=size["value"],
                            gid="ratio-value")
    else:
        ax.set_ylim(0.5, 1.5)
        ax.text(0.5, 0.7, _t("all_suppressed", lang), ha="center", va="center", transform=ax.transAxes,
                fontsize=size["label"], color="#222222", gid="all-suppressed")
    ax.yaxis.set_major_formatter(_decimal_formatter(lang))
    from matplotlib.transforms import blended_transform_factory

    where = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.01, 1.0, _t("equal", lang), transform=where, ha="left", va="center", fontsize=size["direct"],
            color="#333333", clip_on=False, gid="equal-label")
    ax.text(0.01, 0.98, _t("women_higher", lang), transform=ax.transAxes, ha="left", va="top",
            fontsize=size["value"], color="#555555", gid="side-women")
    ax.text(0.01, 0.02, _t("men_higher", lang), transform=ax.transAxes, ha="left", va="bottom",
            fontsize=size["value"], color="#555555", gid="side-men")
    ax.set_ylabel(_t("ratio_axis", lang))
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(_plain(heading, size["wrap"], 2), loc="left", fontsize=size["title"])
    _finish(fig, size)
    return fig


# -- survey distributions ------------------------------------------------------------------------
def _words(text) -> str:
    return " ".join(str(text).lower().split())


def _survey(counts, question_ids=None) -> list[dict]:
    """Each question's answers: ``{"id", "question", "scale", "options": [(order, option, count, kind)],
    "n", "unanswered"}``, ``kind`` one of low, mid, high (an ordered scale), yes, no, ongoing (a
    yes/no scale), or none (no answer: not counted)."""
    if counts is None or not len(counts):
        return []
    frame = counts
    if question_ids is not None:
        wanted = [str(q) for q in question_ids]
        frame = frame[frame["id"].astype(str).isin(wanted)]
        ids = [q for q in wanted if q in set(frame["id"].astype(str))]
    else:
        ids = list(dict.fromkeys(frame["id"].astype(str)))
    out = []
    for qid in ids:
        rows = frame[frame["id"].astype(str) == qid].sort_values("order", kind="stable")
        scale = str(rows["scale"].iloc[0])
        opts = []
        for order, option, count in zip(rows["order"], rows["option"], rows["count"]):
            n = float(count) if _ok(count) else 0.0
            opts.append([int(order), str(option), max(n, 0.0), ""])
        answered = [o for o in opts if _words(o[1]) not in NO_ANSWER_WORDS]
        for o in opts:
            if o not in answered:
                o[3] = "none"
        if scale == "yesno":
            for o in answered:
                w = _words(o[1])
                o[3] = ("yes" if w in YES_WORDS else "no" if w in NO_WORDS
                        else "ongoing" if w in ONGOING_WORDS
                        else {1: "yes", 2: "no", 3: "ongoing"}.get(o[0], "none"))
        else:
            orders = sorted({o[0] for o in answered})
            k = len(orders)
            for o in answered:
                rank = orders.index(o[0])
                o[3] = "low" if rank < k // 2 else ("mid" if k % 2 and rank == k // 2 else "high")
        total = sum(o[2] for o in opts if o[3] != "none")
        out.append({"id": qid, "question": str(rows["question"].iloc[0]), "scale": scale,
                    "options": [tuple(o) for o in opts], "n": total,
                    "unanswered": sum(o[2] for o in opts if o[3] == "none")})
    return out


#: Segment colours (Okabe–Ito, from disagreement to agreement; grey the middle) and hatches:
#: every answer differs by colour *and* hatch, dark segments carry white hatching.
_ORDINAL = {2: ["#D55E00", "#0072B2"], 3: ["#D55E00", "#BBBBBB", "#0072B2"],
            4: ["#D55E00", "#E69F00", "#56B4E9", "#0072B2"],
            5: ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]}
_HATCH = ["xx", "//", "", "..", "\\\\", "++", "oo"]
_YESNO = {"yes": ("#0072B2", ""), "no": ("#D55E00", "//"), "ongoing": ("#E69F00", "..")}
_DARK = {"#D55E00", "#0072B2", "#009E73"}


def _ordinal_style(q: dict) -> dict:
    orders = [o[0] for o in q["options"] if o[3] != "none"]
    k = len(orders)
    colours = _ORDINAL.get(k) or [f"#{v:02X}{v:02X}{v:02X}" for v in
                                  (int(60 + 150 * i / max(k - 1, 1)) for i in range(k))]
    hatches = _HATCH[:k] if k != 5 else ["xx", "//", "", "..", "\\\\"]
    if k == 4:
        hatches = ["xx", "//", "..", ""]
    return {o: (colours[i], hatches[i % len(hatches)]) for i, o in enumerate(orders)}


def _option_label(q: dict, order: int, option: str) -> str:
    text = _plain(option, 28, 2)
    return text if q["scale"] == "yesno" or str(order) in option else f"{order} – {text}"


def _segments(q: dict) -> list[tuple[int, str, float, float, str]]:
    """``(order, option, left, width, kind)`` in percent, zero in the middle: disagreement (and
    "no") to the left, agreement ("yes") to the right, an odd scale's middle split in two halves
    across zero; "ongoing" is drawn apart (its own panel), so it is left out here."""
    if not q["n"]:
        return []
    pct = {o[0]: 100 * o[2] / q["n"] for o in q["options"] if o[3] != "none"}
    kinds = {o[0]: o[3] for o in q["options"]}
    names = {o[0]: o[1] for o in q["options"]}
    out = []
    mids = [o for o in pct if kinds[o] == "mid"]
    half = sum(pct[o] for o in mids) / 2
    for o in mids:
        out.append((o, names[o], -pct[o] / 2, pct[o] / 2, "mid"))
        out.append((o, names[o], 0.0, pct[o] / 2, "mid"))
    left = -half
    for o in sorted((o for o in pct if kinds[o] in ("low", "no")), reverse=True):
        out.append((o, names[o], left - pct[o], pct[o], kinds[o]))
        left -= pct[o]
    right = half
    for o in sorted(o for o in pct if kinds[o] in ("high", "yes")):
        out.append((o, names[o], right, pct[o], kinds[o]))
        right += pct[o]
    return out


def _percent(value: float, lang: str) -> str:
    return _t("percent", lang, value=number(value, lang, 0))


def _draw_survey(ax, side, qs: list[dict], ys: list[float], lang: str, size: dict, reach: float,
                 side_reach: float, compact: bool) -> dict:
    """The diverging bars of ``qs`` at heights ``ys``; returns the legend's handles by order."""
    from matplotlib.patches import Patch

    handles = {}
    bar = 0.62
    small = 13 if compact else (12 if size["value"] >= 12 else 9)  # narrower segments: no label
    for q, y in zip(qs, ys):
        styles = _ordinal_style(q) if q["scale"] != "yesno" else {
            o[0]: _YESNO[o[3]] for o in q["options"] if o[3] in _YESNO}
        labelled = set()
        for order, option, left, width, kind in _segments(q):
            colour, hatch = styles[order]
            ax.barh([y], [width], left=[left], height=bar, color=colour, hatch=hatch,
                    hatchcolor="white" if colour in _DARK else "#333333", edgecolor="white", linewidth=0.8,
                    gid=f"segment-{q['id']}-{order}")
            handles.setdefault(order, Patch(facecolor=colour, hatch=hatch, edgecolor="white",
                                            label=_option_label(q, order, option)))
            full = width * 2 if kind == "mid" else width
            if order in labelled or full < small:
                continue
            labelled.add(order)
            centre = 0.0 if kind == "mid" else left + width / 2
            ax.text(centre, y, _percent(full, lang), ha="center", va="center", fontsize=size["value"],
                    color="black", gid=f"segment-label-{q['id']}-{order}",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                          "alpha": 0.85})
        if side is not None:
            for order, option, count, kind in q["options"]:
                if kind != "ongoing":
                    continue
                colour, hatch = _YESNO["ongoing"]
                share = 100 * count / q["n"] if q["n"] else 0.0
                side.barh([y], [share], height=bar, color=colour, hatch=hatch, hatchcolor="#333333",
                          edgecolor="white", linewidth=0.8, gid=f"segment-{q['id']}-{order}")
                handles.setdefault(order, Patch(facecolor=colour, hatch=hatch, edgecolor="white",
                                                label=_option_label(q, order, option)))
                if share >= small:
                    side.text(share / 2, y, _percent(share, lang), ha="center", va="center",
                              fontsize=size["value"], gid=f"segment-label-{q['id']}-{order}",
                              bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                                    "alpha": 0.85})
    ax.axvline(0, color="#222222", linewidth=1.1, zorder=3)
    ax.set_xlim(-reach, reach)
    step = 25 if reach > 60 else (20 if reach > 40 else 10)
    ticks = [v for v in range(-int(reach), int(reach) + 1) if v % step == 0]
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(_decimal_formatter(lang, absolute=True))
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if side is not None:
        side.set_xlim(0, side_reach)
        side_step = step if side_reach > 30 else 10
        side.set_xticks([v for v in range(int(side_reach) + 1) if v % side_step == 0])
        side.xaxis.set_major_formatter(_decimal_formatter(lang))
        side.grid(axis="x", color="#e4e4e4", linewidth=0.8)
        side.set_axisbelow(True)
        side.spines[["top", "right", "left"]].set_visible(False)
        side.tick_params(axis="y", length=0, labelleft=False)
    return handles


def _reach(qs: list[dict]) -> tuple[float, float]:
    """Half the diverging axis (the longest side, up to the next 10 %) and the ongoing panel's."""
    far, side = 10.0, 10.0
    for q in qs:
        segs = _segments(q)
        if segs:
            far = max(far, max(abs(left) for _, _, left, _, _ in segs),
                      max(left + width for _, _, left, width, _ in segs))
        for o in q["options"]:
            if o[3] == "ongoing" and q["n"]:
                side = max(side, 100 * o[2] / q["n"])
    return min(100.0, math.ceil(far / 10 - 1e-9) * 10), min(100.0, math.ceil(side / 10 - 1e-9) * 10)


def _direction(scale: str, lang: str, compact: bool) -> str:
    left, right = ("no_left", "yes_right") if scale == "yesno" else ("agree_left", "agree_right")
    sep = "\n" if compact else "      "
    return f"{_t('percent_axis', lang)}{sep}{_t(left, lang)}   ·   {_t(right, lang)}" if compact else \
        f"{_t(left, lang)}{sep}{_t('percent_axis', lang)}{sep}{_t(right, lang)}"


def survey(counts, question_ids=None, lang: str = "sv", compact: bool = False, large: bool = False) -> Figure:
    """Survey answers as diverging stacked horizontal bars, in percent of those who answered.

    An ordered scale (``agree5``, 1 = instämmer inte alls … 5 = instämmer helt, by ``order``)
    puts disagreement left of zero and agreement right of it; an odd scale's middle answer (3)
    is split in two equal halves across zero, so neither side gains it; an even scale (1–4) has
    no middle and meets at zero. A yes/no scale puts yes right and no left, and "pågår"
    (ongoing) is neither: it stands apart in a narrow panel of its own on the right, from zero,
    so it is never read as a half yes. An answer that is no answer ("ej svar") is not counted.
    Every answer differs by colour and hatch; the legend follows the scale's order; long
    questions are wrapped (``compact``: each question above its bar, for a phone).
    """
    from matplotlib.transforms import blended_transform_factory

    size = _size(compact, large)
    qs = [q for q in _survey(counts, question_ids) if q["n"]]
    if not qs:
        return _empty(lang, size)
    groups: dict[str, list[dict]] = {}
    for q in qs:
        groups.setdefault("yesno" if q["scale"] == "yesno" else q["scale"], []).append(q)
    wrap = 30 if compact else (34 if not large else 40)
    apart = {g: any(o[3] == "ongoing" for q in members for o in q["options"])
             for g, members in groups.items()}
    if compact:
        rows = [(g, q) for g, members in groups.items() for q in members]
        heights = [0.55 + 0.2 * len(_lines(q["question"], wrap, 5)) for _, q in rows]
        fig = _figure(size, (size["figsize"][0], 1.6 + sum(heights) + 0.35 * len(groups)
                             + 0.25 * sum(len(_survey_orders(m)) for m in groups.values())))
        grid = fig.add_gridspec(len(rows), 2 if any(apart.values()) else 1, height_ratios=[1] * len(rows),
                                width_ratios=[3.2, 1] if any(apart.values()) else [1])
        handles = {}
        first = {}
        for i, (g, q) in enumerate(rows):
            if apart[g]:
                ax = fig.add_subplot(grid[i, 0])
                side = fig.add_subplot(grid[i, 1], sharey=ax)
            else:
                ax = fig.add_subplot(grid[i, :])
                side = None
            reach, side_reach = _reach(groups[g])
            found = _draw_survey(ax, side, [q], [0.0], lang, size, reach, side_reach, True)
            for k, v in found.items():
                handles.setdefault((g, k), v)
            ax.set_yticks([])
            ax.set_ylim(0.5, -0.5)
            ax.set_title(_plain(q["question"], wrap, 5), loc="left", fontsize=size["tick"])
            if side is not None and g not in first:
                side.set_title(_ongoing_name(groups[g]), fontsize=size["tick"], loc="left")
            first.setdefault(g, ax)
            last = i == len(rows) - 1 or rows[i + 1][0] != g
            if not last:
                ax.tick_params(axis="x", labelbottom=False)
                if side is not None:
                    side.tick_params(axis="x", labelbottom=False)
            else:
                ax.set_xlabel(_direction(g, lang, True))
        legend = [handles[(g, k)] for g in groups for k in _survey_orders(groups[g]) if (g, k) in handles]
        fig.legend(handles=legend, loc="outside lower center", ncols=1, frameon=False)
        _finish(fig, size)
        return fig

    lines = {q["id"]: len(_lines(q["question"], wrap, 5)) for q in qs}
    slot = {g: [max(1.0, 0.55 + 0.22 * lines[q["id"]]) for q in members] for g, members in groups.items()}
    unit = 0.48 if not large else 0.7
    heights = [sum(s) * unit + 1.3 for s in slot.values()]
    fig = _figure(size, (size["figsize"][0] if not large else 12.0, sum(heights) + 0.3))
    grid = fig.add_gridspec(len(groups), 2 if any(apart.values()) else 1, height_ratios=heights,
                            width_ratios=[4.2, 1] if any(apart.values()) else [1])
    for i, (g, members) in enumerate(groups.items()):
        if apart[g]:
            ax = fig.add_subplot(grid[i, 0])
            side = fig.add_subplot(grid[i, 1], sharey=ax)
        else:
            ax = fig.add_subplot(grid[i, :])
            side = None
        ys, y = [], 0.0
        for s in slot[g]:
            ys.append(y + s / 2)
            y += s
        reach, side_reach = _reach(members)
        found = _draw_survey(ax, side, members, ys, lang, size, reach, side_reach, False)
        ax.set_yticks(ys, [_plain(q["question"], wrap, 5) for q in members])
        ax.set_ylim(y, 0)
        ax.set_xlabel(_direction(g, lang, False))
        handles = [found[k] for k in _survey_orders(members) if k in found]
        ncols = _legend_columns([h.get_label() for h in handles], size["legend"], fig.get_figwidth())
        where = blended_transform_factory(fig.transFigure, ax.transAxes)
        ax.legend(handles=_row_major(handles, ncols), loc="lower left", bbox_to_anchor=(0.01, 1.0),
                  bbox_transform=where, ncols=ncols, frameon=False, borderaxespad=0.3, handlelength=1.6,
                  columnspacing=1.0)
        if side is not None:
            side.set_title(_ongoing_name(members), fontsize=size["label"], loc="left")
    _finish(fig, size)
    return fig


def _ongoing_name(members: list[dict]) -> str:
    """The name of the answer drawn apart (as the data writes it, e.g. "Pågår")."""
    names = [o[1] for q in members for o in q["options"] if o[3] == "ongoing"]
    return _plain(names[0], 14, 2) if names else ""


def _legend_columns(labels: list[str], fontsize: float, width_in: float) -> int:
    """As many legend columns as fit the figure's width in one row, else a balanced few.

    >>> _legend_columns(["1", "2", "3", "4", "5"], 10, 8), _legend_columns(["x" * 20] * 5, 10, 8)
    (5, 3)
    """
    def width(n: int) -> float:  # points: the widest row of n columns
        cols = [labels[i::n] for i in range(n)]
        return sum(max(len(line) for text in col for line in text.split("\n")) * fontsize * 0.6
                   + 2.6 * fontsize for col in cols)

    room = width_in * 72 * 0.96
    for n in range(len(labels), 0, -1):
        if width(n) <= room:
            return n
    return 1


def _row_major(items: list, ncols: int) -> list:
    """Items ordered so that a legend (which fills its columns first) reads them row by row.

    >>> _row_major([1, 2, 3, 4, 5], 3)
    [1, 4, 2, 5, 3]
    """
    if ncols <= 1 or ncols >= len(items):
        return list(items)
    return [items[i] for c in range(ncols) for i in range(c, len(items), ncols)]


def _survey_orders(members: list[dict]) -> list[int]:
    return sorted({o[0] for q in members for o in q["options"] if o[3] != "none"})


# -- the text alternatives ---------------------------------------------------------------------
def _trend_of(gap_rows: pd.DataFrame) -> tuple[str, str]:
    """The series' trend and its first period with both sexes shown."""
    if gap_rows.empty:
        return "unknown", ""
    both = gap_rows[gap_rows["women"].notna() & gap_rows["men"].notna()]
    trend = str(gap_rows["trend"].iloc[0]) if "trend" in gap_rows.columns else "unknown"
    first = str(both["period"].iloc[0]) if len(both) else ""
    return (trend if trend in r.TRENDS else "unknown"), first


def _who(sexes: list[str], lang: str) -> str:
    words = {"K": _t("women", lang).lower(), "M": _t("men", lang).lower(), "T": _t("total", lang).lower()}
    return _join([words[s] for s in ("K", "M", "T") if s in sexes], lang)


def _periods_by_who(marked: dict[str, list[str]], lang: str) -> str:
    """``{"2021": ["K", "M"]}`` → "kvinnor och män 2021"; periods with the same sexes together."""
    by_who: dict[str, list[str]] = {}
    for period, sexes in marked.items():
        by_who.setdefault(_who(sexes, lang), []).append(period)
    return "; ".join(f"{who} {_join(periods, lang)}" for who, periods in by_who.items())


def series_text(data, indicator, area, lang: str = "sv", age_group=None, *, gaps=None,
                title: str | None = None, unit: str = "") -> str:
    """The time series in words: the years shown, the last year with both women and men, the gap
    and its trend (from ``gaps``, the gap frame, when given; computed otherwise), the total, and
    which values are suppressed — never what they are."""
    rows, age = _slice(data, indicator, area, age_group)
    heading = _title(title, indicator, area, age)
    if rows.empty:
        return _t("text.empty", lang)
    periods, cells = _table(rows)
    if gaps is None:
        gaps = ind.gap_measures(rows)
    grows = _gap_rows(gaps, indicator, area, age)
    trend, first = _trend_of(grows)
    out = [_t("text.series_intro" if len(periods) > 1 else "text.series_one", lang, title=heading,
              first=periods[0], last=periods[-1])]
    value = {k: v for k, (v, _) in cells.items()}

    def shown(p, sex):
        v = value.get((p, sex))
        return _ok(v)

    both = [p for p in periods if shown(p, "K") and shown(p, "M")]
    if both:
        p = both[-1]
        w, m = value[(p, "K")], value[(p, "M")]
        sentence = _t("text.latest", lang, women=_num(w, lang, unit=unit), men=_num(m, lang, unit=unit),
                      period=p)
        words = _t(f"text.trend.{trend}", lang, first=first or periods[0])
        if trend != "unknown" and first == p:
            words = _t("text.trend.unknown", lang)
        out.append(f"{sentence}; {words}.")
        diff = r.fmt(w - m, lang, signed=True)
        out.append(_t("text.diff", lang, diff=f"{diff} {unit}".strip()))
    else:
        out.append(_t("text.no_both", lang))
    totals = [p for p in periods if shown(p, "T")]
    if totals:
        last = totals[-1]
        out.append(_t("text.total", lang, total=_num(value[(last, "T")], lang, unit=unit), period=last))
    hidden = {p: [s for s in ("K", "M", "T") if cells.get((p, s), (0, False))[1]] for p in periods}
    hidden = {p: s for p, s in hidden.items() if s}
    missing = {p: [s for s in ("K", "M", "T") if (p, s) in cells and not cells[(p, s)][1]
                   and cells[(p, s)][0] != cells[(p, s)][0]] for p in periods}
    missing = {p: s for p, s in missing.items() if s}
    if hidden:
        out.append(_t("text.suppressed", lang, items=_periods_by_who(hidden, lang)))
    if missing:
        out.append(_t("text.missing", lang, items=_periods_by_who(missing, lang)))
    return " ".join(out)


def age_groups_text(data, indicator, area, period, lang: str = "sv", *, title: str | None = None,
                    unit: str = "") -> str:
    """One period by age group in words: women and men in each, the largest gap, and which
    values are suppressed ("skyddat", never the value)."""
    if data is None or not len(data):
        return _t("text.empty", lang)
    data = _shown(data)
    rows = data[(data["indicator"].astype(str) == str(indicator)) & (data["area"].astype(str) == str(area))
                & (data["period"].astype(str) == str(period))]
    if rows.empty:
        return _t("text.empty", lang)
    has_age = "age_group" in rows.columns
    ages = r.age_order(rows["age_group"].fillna("").astype(str)) if has_age else [""]
    cells = {}
    for _, row in rows.iterrows():
        age = str(row["age_group"]) if has_age and _ok(row["age_group"]) else ""
        cells.setdefault((age, row["sex"]), (row["value"], bool(row["suppressed"])))
    word = _t("suppressed", lang)

    def val(age, sex):
        v, hidden = cells.get((age, sex), (math.nan, False))
        return word if hidden else _num(v, lang, unit=unit)

    def name(age):
        return _clean(age) or _t("all_ages", lang)

    items = [_t("text.age_item", lang, age=name(a), women=val(a, "K"), men=val(a, "M")) for a in ages]
    out = [_t("text.age_intro", lang, title=_clean(title or indicator), area=_clean(area),
              period=_clean(period)), "; ".join(items) + "."]
    gaps = [(a, cells[(a, "K")][0] - cells[(a, "M")][0]) for a in ages
            if _ok(cells.get((a, "K"), (None,))[0]) and _ok(cells.get((a, "M"), (None,))[0])]
    if len(gaps) > 1:
        a, d = max(gaps, key=lambda g: abs(g[1]))
        out.append(_t("text.age_largest", lang, age=name(a),
                      diff=f"{r.fmt(d, lang, signed=True)} {unit}".strip()))
    hidden = {name(a): [s for s in ("K", "M", "T") if cells.get((a, s), (0, False))[1]] for a in ages}
    hidden = {a: s for a, s in hidden.items() if s}
    if hidden:
        out.append(_t("text.suppressed", lang, items=_periods_by_who(hidden, lang)))
    return " ".join(out)


def ratio_text(gaps, indicator, area, lang: str = "sv", age_group=None, *, title: str | None = None) -> str:
    """The ratio women / men in words: its value each year (two decimals), the trend of the gap,
    and the years it cannot be shown."""
    if gaps is None or not len(gaps):
        return _t("text.empty", lang)
    age = _gap_age(gaps, indicator, area, age_group)
    rows = _gap_rows(gaps, indicator, area, age)
    if rows.empty:
        return _t("text.empty", lang)
    values = pd.to_numeric(rows["ratio"], errors="coerce")
    shown = [(str(p), float(v)) for p, v in zip(rows["period"], values) if _ok(v)]
    out = [_t("text.ratio_intro", lang, title=_clean(title or indicator) + (
        "" if _whole(age) else f", {_clean(age)}"), area=_clean(area))]
    if shown:
        items = [_t("text.ratio_item", lang, ratio=number(v, lang, 2), period=p) for p, v in shown]
        out.append(", ".join(items) + ".")
        trend, first = _trend_of(rows)
        if trend != "unknown" and first and first != shown[-1][0]:
            words = _t(f"text.trend.{trend}", lang, first=first)
            out.append(words[:1].upper() + words[1:] + ".")
    gone = [str(p) for p, v in zip(rows["period"], values) if not _ok(v)]
    if gone:
        out.append(_t("text.ratio_missing", lang, periods=_join(gone, lang)))
    return " ".join(out)


def survey_text(counts, question_ids=None, lang: str = "sv") -> str:
    """Each question in words: for an ordered scale the share that disagrees, the middle and the
    share that agrees (with the answers each covers); for yes/no every answer with its share and
    count; and the number who answered."""
    qs = _survey(counts, question_ids)
    if not qs:
        return _t("text.empty", lang)
    out = []
    for q in qs:
        if not q["n"]:
            continue
        if q["scale"] == "yesno":
            items = [_t("text.survey_option", lang, option=_clean(o[1]).lower(), percent=_percent(
                100 * o[2] / q["n"], lang), count=int(o[2])) for o in q["options"] if o[3] != "none"]
        else:
            items = []
            for kind in ("low", "mid", "high"):
                part = [o for o in q["options"] if o[3] == kind]
                if not part:
                    continue
                orders = [o[0] for o in part]
                span = str(orders[0]) if len(orders) == 1 else f"{orders[0]}–{orders[-1]}"
                share = 100 * sum(o[2] for o in part) / q["n"]
                items.append(_t(f"text.survey_{kind}", lang, percent=_percent(share, lang), range=span))
            items = [items[-1], *items[:-1]] if items else items  # agreement first
        tail = _t("text.answers", lang, n=int(q["n"]))
        if q["unanswered"]:
            tail += ", " + _t("text.no_answer", lang, n=int(q["unanswered"]))
        out.append(f"{_clean(q['question']).rstrip('.?')}: {', '.join(items)}; {tail}.")
    return " ".join(out) or _t("text.empty", lang)


# -- for tests ---------------------------------------------------------------------------------
_NUMBER = re.compile(r"[-−]?\d+(?:[.,]\d+)?")


def _text_numbers(text: str) -> list[float]:
    """The numbers a text shows, either decimal mark.

    >>> _text_numbers("Kvinnor 41,2 dagar, män −3.5 2024")
    [41.2, -3.5, 2024.0]
    """
    return [float(m.replace(",", ".").replace("−", "-")) for m in _NUMBER.findall(text)]


def plot_values(fig: Figure) -> list[float]:
    """Every number a figure draws as data: the points of its lines, the ends and sizes of its
    bars and other rectangles, the corners of its shaded areas and scatters, the positions of
    its texts and every number written in them (annotations, labels and notes — not the
    axes' tick labels, which are a scale, not data). Coordinates in axes fractions (a line
    across the whole axes, a note in a corner) are data of nothing and are left out.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); ax = fig.add_subplot(); _ = ax.plot([0, 1], [2.5, 3.0]); _ = ax.text(0, 3, "41,2")
    >>> sorted(plot_values(fig))
    [0.0, 0.0, 1.0, 2.5, 3.0, 3.0, 41.2]
    """
    from matplotlib.transforms import BlendedGenericTransform

    out: list[float] = []

    def add(values) -> None:
        for v in pd.Series(list(values), dtype=object):
            try:
                f = float(v)
            except (TypeError, ValueError):
                continue
            if math.isfinite(f):
                out.append(f)

    def axes_of(transform, ax) -> tuple[bool, bool]:
        """Whether x and y of an artist with this transform are in data coordinates."""
        if transform == ax.transData:
            return True, True
        if isinstance(transform, BlendedGenericTransform):
            return transform._x == ax.transData, transform._y == ax.transData
        return False, False

    for ax in fig.axes:
        for line in ax.lines:
            dx, dy = axes_of(line.get_transform(), ax)
            if dx:
                add(line.get_xdata())
            if dy:
                add(line.get_ydata())
        for patch in ax.patches:
            dx, dy = axes_of(patch.get_transform(), ax)
            if hasattr(patch, "get_width"):
                x, y, w, h = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
                if dx:
                    add([x, x + w, w])
                if dy:
                    add([y, y + h, h])
        for coll in ax.collections:
            dx, dy = axes_of(coll.get_transform(), ax)
            for path in coll.get_paths():
                vertices = path.vertices
                if dx:
                    add(vertices[:, 0])
                if dy:
                    add(vertices[:, 1])
            offsets = coll.get_offsets()
            if len(offsets) and axes_of(coll.get_offset_transform(), ax) == (True, True):
                add(offsets[:, 0])
                add(offsets[:, 1])
        for text in ax.texts:
            dx, dy = axes_of(text.get_transform(), ax)
            x, y = text.get_position()
            if dx:
                add([x])
            if dy:
                add([y])
            if hasattr(text, "xy"):  # an annotation: the point it annotates
                add(text.xy)
            add(_text_numbers(text.get_text()))
    for text in fig.texts:
        add(_text_numbers(text.get_text()))
    return out
