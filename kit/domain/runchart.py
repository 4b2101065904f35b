r"""Run charts: telling a real change from the ordinary ups and downs of a measure.

A **run chart** is the simplest picture of a measure over time: the values in time order (one
a week, say) joined by a line, with a horizontal line at their **median** — the middle value,
with as many points above it as below. Every measure wobbles; the question a run chart answers
is whether the latest weeks wobble the way the earlier weeks did (*random variation*, "noise")
or whether something has changed (*non-random variation*, a "signal"). If the process has not
changed, each point is like a coin toss: above or below the median with equal chance,
independently of the others. Some patterns are then so unlikely that they signal a change.

Four words are used throughout:

* a **useful** point is a point that is not exactly on the median (a point on the median is
  neither above nor below, so it says nothing about which side the process is on);
* a **run** is a sequence of consecutive useful points on the same side of the median;
* a **shift** is an unusually long run: many points in a row above (or below) the median;
* a **trend** is an unusually long sequence of points each higher (or each lower) than the one
  before.

Two sets of rules are in use, and :func:`run_chart_rules` applies either.

``method="ihi"`` — the rules the Institute for Healthcare Improvement teaches (Perla, Provost &
Murray 2011, "The run chart: a simple analytical tool for learning from variation in healthcare
processes", *BMJ Quality & Safety* 20:46–51):

1. a **shift** is six or more consecutive useful points on the same side of the median;
2. a **trend** is five or more consecutive points all going up, or all going down;
3. **too few or too many runs**: the number of runs is outside the limits of the paper's
   Table 1 (:data:`IHI_RUNS_TABLE`, for 10 to 60 useful points). Too few runs means the points
   stay on one side for a long time; too many means they flip back and forth more than chance
   would — often two processes mixed in one chart.

Each rule is set so that a stable process breaks it by chance less than about one time in
twenty (the paper: "based on an α error of p < 0.05"). The paper's fourth rule, an
"astronomical point", is a judgement and is left to the reader.

``method="anhoej"`` — the rules of Anhøj & Olesen 2014 ("Run charts revisited: a simulation
study of run chart rules for detection of non-random variation in health care processes",
*PLoS ONE* 9(11): e113825), the default of the R package qicharts2: a shift is a run longer
than ``round(log2(n)) + 3`` points, and there are too few **crossings** of the median (runs
minus one) when they are fewer than the 5th percentile of Binomial(n − 1, ½) — the number of
crossings if each of the n − 1 steps between neighbouring useful points crossed the median
with chance ½. The limits grow with the number of useful points ``n``, so the false alarm
rate stays near 5 % however long the chart is. There is no trend rule: their simulations
found it virtually useless for the drifts it is meant to detect, while it adds false alarms.

A worked example: twelve weekly waiting times, in days. Six long weeks, then six short ones:

>>> weeks = [12, 14, 11, 13, 12, 15, 9, 8, 9, 7, 8, 9]
>>> r = run_chart_rules(weeks)
>>> r.median, r.useful, r.runs
(10.0, 12, 2)

The median is 10 days; no week is exactly 10, so all twelve points are useful. The first six
are above the median and the last six below: two runs of six, two shifts. Two runs is also too
few: for 12 useful points the paper's table expects 3 to 11 runs.

>>> r.shift, r.trend, r.runs_limits, r.too_few_runs
(True, False, (3, 11), True)
>>> [(s["rule"], s.get("side"), s.get("start"), s.get("end")) for s in r.signals]
[('shift', 'above', 0, 5), ('shift', 'below', 6, 11), ('too_few_runs', None, None, None)]

``signal_points`` are the positions (counted from 0) of the points that take part in a shift
or a trend, ready to be marked on the chart:

>>> r.signal_points
(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)

A trend: the values wobble around the median, but from week 5 to week 9 each week is higher
than the one before — five points, four increases:

>>> r = run_chart_rules([12, 8, 11, 9, 6, 8, 10, 12, 14, 9, 11, 10])
>>> r.shift, r.trend, r.signals
(False, True, ({'rule': 'trend', 'direction': 'up', 'length': 5, 'start': 4, 'end': 8},))

**A baseline.** To test whether a change worked, compute the median from the weeks *before*
the change (the baseline) and read the later weeks against it; a median computed from all the
weeks follows the change and partly hides it. Here the first six weeks are the baseline
(median 11 days), and after the change the waiting time falls. Week 9 (position 8) is exactly
on the median: it neither counts nor breaks the run, so the six useful points below the
median at positions 6, 7, 9, 10, 11 and 12 make a shift:

>>> weeks = [10, 12, 11, 9, 13, 11, 9, 8, 11, 8, 7, 9, 8]
>>> r = run_chart_rules(weeks, baseline=6)
>>> r.median, r.shift, r.signal_points
(11.0, True, (6, 7, 9, 10, 11, 12))
>>> r.signals
({'rule': 'shift', 'side': 'below', 'length': 6, 'start': 6, 'end': 12},)

Without the last week there are only five useful points in a row below the median — no
shift yet:

>>> run_chart_rules(weeks[:-1], baseline=6).shift
False

**Missing weeks** (``None``, ``float("nan")`` or an empty string) are skipped: they neither
count nor break a run or a trend, and positions still count them, so a signal points at the
right week:

>>> run_chart_rules([1, None, 2, 3, "", 4, 5]).signals[0]
{'rule': 'trend', 'direction': 'up', 'length': 5, 'start': 0, 'end': 6}

**Too many runs**: a measure that flips up and down every week, as when two wards take turns
reporting into one chart:

>>> r = run_chart_rules([4, 9] * 6)
>>> r.runs, r.runs_limits, r.too_many_runs
(12, (3, 11), True)

**The Anhøj rules** are stricter for short charts. The baseline example above has ten useful
points; Anhøj allows a longest run of ``round(log2(10)) + 3 = 6`` points, so a run of six is
not yet a shift, and its four crossings are more than the fewest expected (2):

>>> r = run_chart_rules(weeks, baseline=6, method="anhoej")
>>> r.useful, r.longest_run, r.crossings, r.runs_limits, r.shift, r.too_few_runs
(10, 6, 4, (2, 6), False, False)

In the first example, the twelve points crossed the median only once where at least three
crossings are expected:

>>> r = run_chart_rules([12, 14, 11, 13, 12, 15, 9, 8, 9, 7, 8, 9], method="anhoej")
>>> r.crossings, r.runs_limits, r.shift, r.too_few_runs, r.signals
(1, (3, 7), False, True, ({'rule': 'too_few_runs', 'crossings': 1, 'limit': 3},))

Pure functions of the standard library: no files, widgets or plots.
"""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import dataclass

from kit.errors import InputError, Msg

#: The methods :func:`run_chart_rules` knows.
METHODS = ("ihi", "anhoej")

#: IHI: a shift is this many consecutive useful points on one side of the median, or more.
IHI_SHIFT = 6
#: IHI: a trend is this many consecutive points all going up, or all going down, or more.
IHI_TREND = 5

#: The runs test of the IHI rules: useful points → (lower, upper) limit of the number of runs.
#: Too few runs is ``runs < lower``, too many is ``runs > upper``; outside 10–60 useful points
#: the test is not applied.
#:
#: Source: Perla RJ, Provost LP, Murray SK (2011). The run chart: a simple analytical tool for
#: learning from variation in healthcare processes. BMJ Qual Saf 20:46–51, Table 1 ("Table for
#: checking for too many or too few runs on a run chart"; based on about a 5 % risk of failing
#: the test for random data, adapted from Swed & Eisenhart 1943, Ann Math Stat 14:66–87).
#:
#: Checked against the exact distribution of the number of runs (Swed & Eisenhart) for ``n``
#: useful points split ``n // 2`` and ``n - n // 2``: ``lower`` is the largest ``r`` with
#: P(R ≤ r) ≤ 0.05 and ``upper`` the smallest ``r`` with P(R ≥ r) ≤ 0.05. Every even ``n`` and
#: twelve odd ones match that exactly; for n = 15, 17, 23, 25, 27, 29, 37, 39, 41, 43, 55, 57
#: and 59 the rows as published differ by one in one of the limits (tests/test_runchart.py
#: pins both the matches and these differences).
IHI_RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12),
    15: (5, 12), 16: (5, 13), 17: (5, 13), 18: (6, 14), 19: (6, 15),
    20: (6, 16), 21: (7, 16), 22: (7, 17), 23: (7, 17), 24: (8, 18),
    25: (8, 18), 26: (9, 19), 27: (10, 19), 28: (10, 20), 29: (10, 20),
    30: (11, 21), 31: (11, 22), 32: (11, 23), 33: (12, 23), 34: (12, 24),
    35: (13, 24), 36: (13, 25), 37: (13, 25), 38: (14, 26), 39: (14, 26),
    40: (15, 27), 41: (15, 27), 42: (16, 28), 43: (16, 28), 44: (17, 29),
    45: (17, 30), 46: (17, 31), 47: (18, 31), 48: (18, 32), 49: (19, 32),
    50: (19, 33), 51: (20, 33), 52: (20, 34), 53: (21, 34), 54: (21, 35),
    55: (22, 35), 56: (22, 36), 57: (23, 36), 58: (23, 37), 59: (24, 38),
    60: (24, 38),
}

#: The order of the signals that concern the whole chart (they come after shifts and trends).
_WHOLE_CHART = ("too_few_runs", "too_many_runs")


@dataclass(frozen=True)
class RunChartResult:
    """What :func:`run_chart_rules` found. Positions count from 0 in the values as given,
    missing values included.

    * ``method`` — ``"ihi"`` or ``"anhoej"``;
    * ``n`` — the number of values that are not missing;
    * ``median`` — the centre line (of the baseline, when one is given); ``None`` without values;
    * ``useful`` — the points not on the median;
    * ``runs``, ``crossings`` (``runs - 1``, at least 0), ``longest_run`` — counted over the
      useful points;
    * ``shift``, ``trend``, ``too_few_runs``, ``too_many_runs`` — the rules' verdicts;
    * ``runs_limits`` — ``(lower, upper)`` limits of the number of runs (IHI, 10–60 useful
      points, else ``None``), or ``(fewest crossings expected, longest run allowed)`` (Anhøj);
    * ``signal_points`` — the sorted positions of the points in a shift or a trend: a shift's
      useful points (not the points on the median inside it), and every point of a trend from
      its first to its last (repeated values inside it included);
    * ``signals`` — one dict per signal, in the order of their first point (shifts and trends),
      then the runs test, for a caller to put into words:
      ``{"rule": "shift", "side": "above" | "below", "length", "start", "end"}``,
      ``{"rule": "trend", "direction": "up" | "down", "length", "start", "end"}`` (``length``
      counts the points that count: a repeated value does not),
      ``{"rule": "too_few_runs", "runs", "limit"}``, ``{"rule": "too_many_runs", "runs",
      "limit"}`` (IHI) and ``{"rule": "too_few_runs", "crossings", "limit"}`` (Anhøj).
      Treat them as read-only.
    """

    method: str
    n: int
    median: float | None
    useful: int
    runs: int
    crossings: int
    longest_run: int
    shift: bool
    trend: bool
    runs_limits: tuple[int, int] | None
    too_few_runs: bool
    too_many_runs: bool
    signal_points: tuple[int, ...]
    signals: tuple[dict, ...]

    def as_dict(self) -> dict:
        """The result as plain JSON-able values (tuples become lists).

        >>> run_chart_rules([1, 2, 3]).as_dict()["signal_points"]
        []
        """
        return {
            "method": self.method, "n": self.n, "median": self.median, "useful": self.useful,
            "runs": self.runs, "crossings": self.crossings, "longest_run": self.longest_run,
            "shift": self.shift, "trend": self.trend,
            "runs_limits": list(self.runs_limits) if self.runs_limits is not None else None,
            "too_few_runs": self.too_few_runs, "too_many_runs": self.too_many_runs,
            "signal_points": list(self.signal_points),
            "signals": [dict(s) for s in self.signals],
        }


def run_chart_rules(values, *, baseline=None, method="ihi") -> RunChartResult:
    """Apply the run chart rules of ``method`` (``"ihi"`` or ``"anhoej"``) to ``values``.

    ``values`` are the measurements in time order: numbers (int, float, Decimal, Fraction,
    numpy numbers), with ``None``, NaN or an empty (or blank) string where a value is missing.
    The median is that of the first ``baseline`` values that are not missing (all of them when
    ``baseline`` is ``None`` or larger than their number); the rules then read every point
    against it. See the module's text for the rules and examples.

    Anything else among the values — a word, ``True``/``False``, an infinite number — raises
    :class:`kit.InputError` (``improvement.not_number``, naming the value's row, its position
    + 1). A ``method`` or ``baseline`` of the wrong kind raises ``ValueError``.

    ``method="anhoej"`` follows ``runs.analysis`` of qicharts2 (R/helper.functions.R): with
    ``n`` useful points, the longest run allowed is ``round(log2(n)) + 3`` and the fewest
    crossings expected ``qbinom(0.05, n - 1, 0.5)``, computed exactly here. Like qicharts2 it
    applies them at any ``n`` ≥ 1, even where a signal is hardly possible (``n = 1`` gives
    limits ``(0, 3)``), and with no useful point it reports no limits and no signal. Two
    differences from qicharts2's ``qic()``: its ``freeze`` counts positions, missing values
    included, where ``baseline`` counts values; and it has no parts (``part``) or excluded
    points (``exclude``).

    >>> r = run_chart_rules([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])
    >>> r.n, r.median, r.useful, r.runs, r.longest_run
    (11, 4.0, 10, 6, 3)
    >>> r.shift, r.trend, r.too_few_runs, r.too_many_runs, r.signals
    (False, False, False, False, ())
    >>> try:
    ...     run_chart_rules([1, 2, "tre"])
    ... except InputError as error:
    ...     print(error.key, error.row, error.value)
    improvement.not_number 3 tre
    """
    if method not in METHODS:
        raise ValueError(f"method must be 'ihi' or 'anhoej', not {method!r}")
    baseline = _baseline(baseline)
    points = _points(values)
    n = len(points)
    if not n:
        return RunChartResult(method, 0, None, 0, 0, 0, 0, False, False, None, False, False,
                              (), ())
    base = [x for _, x in points[:baseline]] if baseline is not None else [x for _, x in points]
    median = _median(base)
    runs = _runs(points, median)
    useful = sum(len(run) for _, run in runs)
    crossings = max(len(runs) - 1, 0)
    longest = max((len(run) for _, run in runs), default=0)
    if method == "ihi":
        return _ihi(points, median, runs, useful, crossings, longest)
    return _anhoej(n, median, runs, useful, crossings, longest)


def ihi_runs_limits(useful: int) -> tuple[int, int] | None:
    """The IHI runs test's ``(lower, upper)`` limits for ``useful`` points, or ``None``
    outside the table (10–60).

    >>> ihi_runs_limits(20), ihi_runs_limits(9)
    ((6, 16), None)
    """
    return IHI_RUNS_TABLE.get(useful)


def anhoej_limits(useful: int) -> tuple[int, int] | None:
    """Anhøj's ``(fewest crossings expected, longest run allowed)`` for ``useful`` points
    (qicharts2's ``n.crossings.min`` and ``longest.run.max``), ``None`` for none.

    The fewest crossings is ``qbinom(0.05, n - 1, 0.5)``: the smallest ``k`` with
    P(X ≤ k) ≥ 0.05 for X ~ Binomial(n − 1, ½) (Chen 2010), computed with integers. R's
    ``qbinom`` works in floating point with a relative fuzz near 1e-15, but for n up to 2000
    P(X ≤ k) never comes closer to 0.05 than 4e-6, so the two agree. The longest run is
    ``round(log2(n)) + 3`` (Schilling 2012); ``log2(n)`` is never exactly halfway between two
    whole numbers, so R's rounding (half to even) and Python's agree.

    >>> [anhoej_limits(n) for n in (10, 20, 24, 30)]
    [(2, 6), (6, 7), (8, 8), (10, 8)]
    """
    if useful < 1:
        return None
    return _qbinom_05(useful - 1), round(math.log2(useful)) + 3


# -- the rules -------------------------------------------------------------------------------
def _ihi(points, median, runs, useful, crossings, longest) -> RunChartResult:
    signals = []
    marked = set()
    for side, run in runs:
        if len(run) >= IHI_SHIFT:
            signals.append({"rule": "shift", "side": side, "length": len(run),
                            "start": run[0], "end": run[-1]})
            marked.update(run)
    for direction, length, start, end in _trends(points, IHI_TREND):
        signals.append({"rule": "trend", "direction": direction, "length": length,
                        "start": start, "end": end})
        marked.update(i for i, _ in points if start <= i <= end)
    limits = IHI_RUNS_TABLE.get(useful)
    too_few = limits is not None and len(runs) < limits[0]
    too_many = limits is not None and len(runs) > limits[1]
    if too_few:
        signals.append({"rule": "too_few_runs", "runs": len(runs), "limit": limits[0]})
    if too_many:
        signals.append({"rule": "too_many_runs", "runs": len(runs), "limit": limits[1]})
    return RunChartResult(
        "ihi", len(points), median, useful, len(runs), crossings, longest,
        any(s["rule"] == "shift" for s in signals), any(s["rule"] == "trend" for s in signals),
        limits, too_few, too_many, tuple(sorted(marked)), _ordered(signals))


def _anhoej(n, median, runs, useful, crossings, longest) -> RunChartResult:
    limits = anhoej_limits(useful)
    if limits is None:
        return RunChartResult("anhoej", n, median, 0, 0, 0, 0, False, False, None, False,
                              False, (), ())
    fewest, allowed = limits
    signals = []
    marked = set()
    for side, run in runs:
        if len(run) > allowed:
            signals.append({"rule": "shift", "side": side, "length": len(run),
                            "start": run[0], "end": run[-1]})
            marked.update(run)
    too_few = crossings < fewest
    if too_few:
        signals.append({"rule": "too_few_runs", "crossings": crossings, "limit": fewest})
    return RunChartResult(
        "anhoej", n, median, useful, len(runs), crossings, longest, longest > allowed, False,
        limits, too_few, False, tuple(sorted(marked)), _ordered(signals))


def _runs(points, median) -> list[tuple[str, list[int]]]:
    """The runs among the useful points: ``(side, [positions])``, in time order."""
    runs: list[tuple[str, list[int]]] = []
    for i, x in points:
        if x == median:
            continue
        side = "above" if x > median else "below"
        if runs and runs[-1][0] == side:
            runs[-1][1].append(i)
        else:
            runs.append((side, [i]))
    return runs


def _trends(points, least: int) -> list[tuple[str, int, int, int]]:
    """Every maximal run of points all going up (or all down), of ``least`` points or more:
    ``(direction, points that count, first position, last position)``. A point equal to the
    one before it is skipped: it neither counts nor breaks the trend."""
    kept = []
    for i, x in points:
        if not kept or x != kept[-1][1]:
            kept.append((i, x))
    found = []

    def close(first: int, last: int, direction: int) -> None:
        if direction and last - first + 1 >= least:
            found.append(("up" if direction > 0 else "down", last - first + 1,
                          kept[first][0], kept[last][0]))

    first, direction = 0, 0
    for j in range(1, len(kept)):
        step = 1 if kept[j][1] > kept[j - 1][1] else -1
        if step != direction:
            close(first, j - 1, direction)
            first, direction = j - 1, step
    close(first, len(kept) - 1, direction)
    return found


def _ordered(signals: list[dict]) -> tuple[dict, ...]:
    """Shifts and trends by their first point (then rule), then the runs test."""
    def key(s):
        if s["rule"] in _WHOLE_CHART:
            return (1, 0, _WHOLE_CHART.index(s["rule"]))
        return (0, s["start"], s["rule"])
    return tuple(sorted(signals, key=key))


# -- numbers ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=512)
def _qbinom_05(size: int) -> int:
    """``qbinom(0.05, size, 0.5)`` exactly: the smallest ``k`` with 20·Σ C(size, i) ≥ 2^size."""
    total = 1 << size
    term = cumulative = 1                        # C(size, 0)
    for k in range(size + 1):
        if 20 * cumulative >= total:
            return k
        term = term * (size - k) // (k + 1)      # C(size, k + 1)
        cumulative += term
    return size  # not reached: the sum over every k is 2^size


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    if len(s) % 2:
        return s[mid]
    a, b = s[mid - 1], s[mid]
    m = (a + b) / 2
    return m if math.isfinite(m) else a / 2 + b / 2


def _baseline(baseline) -> int | None:
    if baseline is None:
        return None
    if isinstance(baseline, bool):
        raise ValueError(f"baseline must be a positive whole number or None, not {baseline!r}")
    try:
        k = operator.index(baseline)
    except TypeError:
        raise ValueError(f"baseline must be a positive whole number or None, not {baseline!r}") \
            from None
    if k < 1:
        raise ValueError(f"baseline must be a positive whole number or None, not {baseline!r}")
    return k


def _points(values) -> list[tuple[int, float]]:
    """``(position, value)`` of every value that is not missing."""
    if isinstance(values, (str, bytes, bytearray)):
        raise ValueError("values must be a sequence of numbers, not a text")
    try:
        items = list(values)
    except TypeError:
        raise ValueError(f"values must be a sequence of numbers, not {type(values).__name__}") \
            from None
    points = []
    for i, value in enumerate(items):
        x = _number(value, i)
        if x is not None:
            points.append((i, x))
    return points


def _number(value, i: int) -> float | None:
    """A value as a float, ``None`` if it is missing; anything that is not a number raises."""
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if (isinstance(value, (bool, str, bytes, bytearray))
            or getattr(getattr(value, "dtype", None), "kind", None) == "b"):
        raise _not_number(value, i)
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise _not_number(value, i) from None
    if math.isnan(x):
        return None
    if math.isinf(x):
        raise _not_number(value, i)
    return x


def _not_number(value, i: int) -> InputError:
    from kit.domain.scores import shown

    row = i + 1
    return InputError("improvement.not_number", field="value", value=value, row=row, n=row,
                      what=Msg("field_cap.value"), at=Msg("improvement.at_row", n=row),
                      shown=shown(value))
