"""The run chart rules (kit/domain/runchart.py): the thresholds, the IHI runs table checked
against the exact runs distribution, the Anhøj limits checked against brute force, and
properties that hold for any series (hypothesis)."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.domain.runchart import (IHI_RUNS_TABLE, METHODS, RunChartResult, anhoej_limits,
                                 ihi_runs_limits, run_chart_rules)
from kit.errors import InputError

NAN = float("nan")


def series(*lengths, low=1, high=9):
    """Runs of the given lengths, alternating ``low`` and ``high`` (starting low)."""
    out = []
    for k, length in enumerate(lengths):
        out += [low if k % 2 == 0 else high] * length
    return out


def shifts(r):
    return [s for s in r.signals if s["rule"] == "shift"]


def trends(r):
    return [s for s in r.signals if s["rule"] == "trend"]


# -- IHI: the shift rule ---------------------------------------------------------------------
# A baseline of [6, 4, 6, 4] puts the median at 5 and ends below it, so what follows starts a
# new run.
BASE = [6, 4, 6, 4]


def test_six_points_above_the_median_are_a_shift():
    r = run_chart_rules(BASE + [7] * 6, baseline=4)
    assert r.median == 5 and r.shift and r.longest_run == 6
    assert shifts(r) == [{"rule": "shift", "side": "above", "length": 6, "start": 4, "end": 9}]
    assert r.signal_points == (4, 5, 6, 7, 8, 9)


def test_five_points_above_the_median_are_not():
    r = run_chart_rules(BASE + [7] * 5, baseline=4)
    assert not r.shift and r.longest_run == 5 and r.signal_points == () and r.signals == ()


def test_six_points_below_the_median_are_a_shift_and_five_are_not():
    base = [4, 6, 4, 6]
    r = run_chart_rules(base + [3] * 6, baseline=4)
    assert shifts(r) == [{"rule": "shift", "side": "below", "length": 6, "start": 4, "end": 9}]
    assert not run_chart_rules(base + [3] * 5, baseline=4).shift


def test_a_point_on_the_median_inside_a_shift_neither_counts_nor_breaks_it():
    r = run_chart_rules(BASE + [7, 7, 5, 7, 7, 7, 7], baseline=4)
    assert r.shift and r.useful == 10 and r.n == 11
    assert shifts(r) == [{"rule": "shift", "side": "above", "length": 6, "start": 4, "end": 10}]
    assert r.signal_points == (4, 5, 7, 8, 9, 10)          # position 6 is on the median


def test_five_useful_points_and_one_on_the_median_are_no_shift():
    r = run_chart_rules(BASE + [7, 7, 5, 7, 7, 7], baseline=4)
    assert not r.shift and r.longest_run == 5


def test_every_shift_is_reported():
    r = run_chart_rules([12, 14, 11, 13, 12, 15, 9, 8, 9, 7, 8, 9])
    assert [(s["side"], s["start"], s["end"]) for s in shifts(r)] == [("above", 0, 5),
                                                                       ("below", 6, 11)]


# -- IHI: the trend rule ---------------------------------------------------------------------
def test_five_rising_points_are_a_trend_and_four_are_not():
    r = run_chart_rules([3, 1, 2, 3, 4, 5, 2])
    assert r.trend
    assert trends(r) == [{"rule": "trend", "direction": "up", "length": 5, "start": 1, "end": 5}]
    assert r.signal_points == (1, 2, 3, 4, 5)
    r = run_chart_rules([3, 1, 2, 3, 4, 2])
    assert not r.trend and r.signals == ()


def test_five_falling_points_are_a_trend_and_four_are_not():
    r = run_chart_rules([3, 5, 4, 3, 2, 1, 4])
    assert trends(r) == [{"rule": "trend", "direction": "down", "length": 5, "start": 1,
                          "end": 5}]
    assert not run_chart_rules([3, 5, 4, 3, 2, 4]).trend


def test_a_repeated_value_neither_counts_nor_breaks_a_trend():
    assert not run_chart_rules([1, 2, 2, 3, 4]).trend       # four that count
    r = run_chart_rules([1, 2, 3, 3, 4, 5])
    assert trends(r) == [{"rule": "trend", "direction": "up", "length": 5, "start": 0, "end": 5}]
    assert r.signal_points == (0, 1, 2, 3, 4, 5)             # the repeat is inside the span


def test_a_repeat_at_either_end_lies_outside_the_trend():
    # the second 1 and the second 5 are equal to their predecessors: skipped
    r = run_chart_rules([9, 1, 1, 2, 3, 4, 5, 5, 0])
    [t] = trends(r)
    assert (t["start"], t["end"], t["length"]) == (1, 6, 5)
    assert r.signal_points == (1, 2, 3, 4, 5, 6)


def test_trends_meet_at_a_turning_point():
    r = run_chart_rules([1, 2, 3, 4, 5, 4, 3, 2, 1])
    assert [(t["direction"], t["start"], t["end"]) for t in trends(r)] == [("up", 0, 4),
                                                                           ("down", 4, 8)]


def test_equal_values_are_no_trend():
    assert not run_chart_rules([5] * 12).trend


def test_points_on_the_median_take_part_in_a_trend():
    r = run_chart_rules([3, 4, 5, 6, 7], baseline=5)        # median 5, position 2 on it
    assert r.trend and r.signal_points == (0, 1, 2, 3, 4) and r.useful == 4


# -- the baseline ----------------------------------------------------------------------------
def test_the_median_comes_from_the_baseline_and_the_rules_read_every_point():
    weeks = [10, 12, 11, 9, 13, 11, 9, 8, 11, 8, 7, 9, 8]
    r = run_chart_rules(weeks, baseline=6)
    assert r.median == 11 and r.n == 13 and r.useful == 10
    assert shifts(r) == [{"rule": "shift", "side": "below", "length": 6, "start": 6, "end": 12}]
    whole = run_chart_rules(weeks)
    assert whole.median == 9 and not whole.shift


def test_a_baseline_longer_than_the_data_uses_every_point():
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    assert run_chart_rules(values, baseline=100) == run_chart_rules(values)
    assert run_chart_rules(values, baseline=8) == run_chart_rules(values)


def test_the_baseline_counts_values_not_missing_positions():
    r = run_chart_rules([None, 1, "", 2, 9, 9], baseline=2)
    assert r.median == 1.5 and r.n == 4


# -- missing values --------------------------------------------------------------------------
def test_missing_values_inside_a_shift_neither_count_nor_break_it():
    r = run_chart_rules(BASE + [7, None, 7, NAN, 7, "", 7, 7, 7], baseline=4)
    assert r.n == 10
    assert shifts(r) == [{"rule": "shift", "side": "above", "length": 6, "start": 4, "end": 12}]
    assert r.signal_points == (4, 6, 8, 10, 11, 12)
    assert not run_chart_rules(BASE + [7, None, 7, NAN, 7, "", 7, 7], baseline=4).shift


def test_missing_values_inside_a_trend_neither_count_nor_break_it():
    r = run_chart_rules([1, None, 2, NAN, 3, "", 4, 5])
    assert trends(r) == [{"rule": "trend", "direction": "up", "length": 5, "start": 0, "end": 7}]
    assert r.signal_points == (0, 2, 4, 6, 7)
    assert not run_chart_rules([1, None, 2, NAN, 3, "", 4]).trend


def test_no_values_at_all():
    for method in METHODS:
        for values in ([], [None, "", NAN]):
            r = run_chart_rules(values, method=method)
            assert r == RunChartResult(method, 0, None, 0, 0, 0, 0, False, False, None, False,
                                       False, (), ())


def test_every_point_on_the_median():
    for method in METHODS:
        r = run_chart_rules([5] * 12, method=method)
        assert (r.n, r.median, r.useful, r.runs, r.crossings, r.longest_run) == (12, 5, 0, 0, 0, 0)
        assert r.runs_limits is None and r.signals == ()


# -- IHI: the runs test ----------------------------------------------------------------------
def test_too_few_runs_at_ten_useful_points():
    r = run_chart_rules(series(5, 5))
    assert (r.useful, r.runs, r.runs_limits) == (10, 2, (3, 9))
    assert r.too_few_runs and not r.too_many_runs and not r.shift
    assert r.signals == ({"rule": "too_few_runs", "runs": 2, "limit": 3},)
    r = run_chart_rules(series(3, 5, 2))
    assert r.runs == 3 and not r.too_few_runs


def test_too_many_runs_at_ten_useful_points():
    r = run_chart_rules(series(*[1] * 10))
    assert (r.useful, r.runs) == (10, 10) and r.too_many_runs and not r.too_few_runs
    assert r.signals == ({"rule": "too_many_runs", "runs": 10, "limit": 9},)
    r = run_chart_rules(series(1, 1, 1, 1, 1, 1, 1, 2, 1))
    assert (r.useful, r.runs) == (10, 9) and not r.too_many_runs


def test_the_runs_test_at_thirty_useful_points():
    few = run_chart_rules(series(*[3] * 10))                                 # 10 runs
    assert (few.useful, few.runs, few.runs_limits, few.too_few_runs) == (30, 10, (11, 21), True)
    enough = run_chart_rules(series(3, 3, 3, 3, 3, 3, 2, 3, 2, 3, 2))        # 11 runs
    assert (enough.useful, enough.runs, enough.too_few_runs) == (30, 11, False)
    many = run_chart_rules(series(*[2] * 4 * 2, *[1] * 14))                 # 22 runs
    assert (many.useful, many.runs, many.too_many_runs) == (30, 22, True)
    assert many.signals[-1] == {"rule": "too_many_runs", "runs": 22, "limit": 21}
    lows, highs = [2, 2, 2, 2] + [1] * 7, [2, 2, 2, 2, 2] + [1] * 5         # 15 and 15
    most = run_chart_rules(series(*[x for pair in zip(lows, highs) for x in pair], lows[-1]))
    assert (most.useful, most.runs, most.too_many_runs) == (30, 21, False)


def test_no_runs_test_outside_ten_to_sixty_useful_points():
    nine = run_chart_rules([1, 9] + [1] * 7, baseline=2)
    assert nine.useful == 9 and nine.runs_limits is None
    assert not nine.too_few_runs and not nine.too_many_runs
    sixty = run_chart_rules([1, 9] * 30, baseline=2)
    assert (sixty.useful, sixty.runs_limits, sixty.too_many_runs) == (60, (24, 38), True)
    sixty_one = run_chart_rules([1, 9] * 30 + [1], baseline=2)
    assert sixty_one.useful == 61 and sixty_one.runs_limits is None
    assert not sixty_one.too_many_runs


def test_the_runs_test_reads_the_table():
    for n in (10, 11, 20, 27, 30, 31, 45, 60):
        r = run_chart_rules(series(*[1] * n), baseline=2)                   # median 5
        assert r.useful == n and r.runs_limits == IHI_RUNS_TABLE[n] == ihi_runs_limits(n)


def test_signals_are_ordered_by_their_first_point_then_the_runs_test():
    # median 3: a trend from position 0, a shift from position 3, too few runs (3 for 14)
    r = run_chart_rules([1, 2, 3, 4, 5, 9, 9, 9, 9, 9, 9, 0, 0, 0, 0], baseline=5)
    assert [(s["rule"], s.get("start")) for s in r.signals] == [
        ("trend", 0), ("shift", 3), ("too_few_runs", None)]
    # median 0: a shift and a trend both from position 0, by rule name
    r = run_chart_rules([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0])
    assert [(s["rule"], s["start"], s["end"]) for s in r.signals] == [("shift", 0, 5),
                                                                       ("trend", 0, 5)]


# -- the IHI runs table against the exact runs distribution -----------------------------------
def runs_distribution(n1: int, n2: int) -> dict[int, Fraction]:
    """P(R = r) for the number of runs R in a random arrangement of n1 and n2 points (Swed &
    Eisenhart 1943): 2·C(n1−1, k−1)·C(n2−1, k−1) ways for r = 2k, and C(n1−1, k)·C(n2−1, k−1)
    + C(n1−1, k−1)·C(n2−1, k) for r = 2k + 1, out of C(n1 + n2, n1)."""
    total = math.comb(n1 + n2, n1)
    out = {}
    for r in range(2, n1 + n2 + 1):
        k = r // 2
        if r % 2 == 0:
            ways = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            ways = (math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1)
                    + math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k))
        if ways:
            out[r] = Fraction(ways, total)
    return out


def swed_eisenhart_limits(n: int, alpha=Fraction(1, 20)) -> tuple[int, int]:
    """One-sided critical values for n useful points split as evenly as possible: the largest
    r with P(R ≤ r) ≤ alpha and the smallest r with P(R ≥ r) ≤ alpha."""
    p = runs_distribution(n // 2, n - n // 2)
    lower = max(r for r in p if sum(v for k, v in p.items() if k <= r) <= alpha)
    upper = min(r for r in p if sum(v for k, v in p.items() if k >= r) <= alpha)
    return lower, upper


#: Where the published table differs from the computation: n → the computed limits. Every
#: even n, and the other odd ones, match the computation exactly.
PUBLISHED_DIFFERS = {15: (4, 13), 17: (5, 14), 23: (8, 17), 25: (9, 18), 27: (9, 20),
                     29: (10, 21), 37: (14, 25), 39: (14, 27), 41: (15, 28), 43: (16, 29),
                     55: (21, 36), 57: (22, 37), 59: (23, 38)}


def test_the_runs_distribution_is_swed_and_eisenharts():
    p = runs_distribution(10, 10)
    assert sum(p.values()) == 1
    # Swed & Eisenhart's table for 10 and 10: P(R <= 6) = 0.019, P(R <= 7) = 0.051
    assert round(float(p[2] + p[3] + p[4] + p[5] + p[6]), 3) == 0.019
    assert round(float(sum(v for r, v in p.items() if r <= 7)), 3) == 0.051
    assert sum(runs_distribution(7, 8).values()) == 1


def test_the_ihi_table_anchors():
    assert IHI_RUNS_TABLE[10] == (3, 9)
    assert IHI_RUNS_TABLE[20] == (6, 16)
    assert IHI_RUNS_TABLE[30] == (11, 21)
    assert IHI_RUNS_TABLE[31] == (11, 22)


def test_the_ihi_table_is_the_exact_five_percent_limits_except_where_published_otherwise():
    assert sorted(IHI_RUNS_TABLE) == list(range(10, 61))
    for n, (lower, upper) in IHI_RUNS_TABLE.items():
        computed = swed_eisenhart_limits(n)
        if n in PUBLISHED_DIFFERS:
            assert n % 2 == 1 and computed == PUBLISHED_DIFFERS[n] != (lower, upper), n
            assert abs(lower - computed[0]) <= 1 and abs(upper - computed[1]) <= 1, n
        else:
            assert (lower, upper) == computed, n


def test_the_ihi_table_grows_with_n():
    rows = [IHI_RUNS_TABLE[n] for n in range(10, 61)]
    assert all(lo < hi for lo, hi in rows)
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(rows, rows[1:]))


# -- Anhøj -----------------------------------------------------------------------------------
def brute_qbinom_05(size: int) -> int:
    """The smallest k with P(X <= k) >= 0.05 for X ~ Binomial(size, 1/2), by summing fractions."""
    cdf = Fraction(0)
    for k in range(size + 1):
        cdf += Fraction(math.comb(size, k), 2 ** size)
        if cdf >= Fraction(5, 100):
            return k
    raise AssertionError("unreachable")


def test_anhoej_longest_run_allowed():
    assert [anhoej_limits(n)[1] for n in (10, 20, 24, 30)] == [6, 7, 8, 8]
    # round(log2(n)) is the k with 2^(2k-1) < n^2 < 2^(2k+1): log2(n) is never halfway
    # between two whole numbers, so R's round (half to even) and any other rounding agree
    for n in range(1, 100_001):
        assert round(math.log2(n)) == (n * n).bit_length() // 2, n
    for n in range(1, 301):
        assert anhoej_limits(n)[1] == (n * n).bit_length() // 2 + 3, n


def test_anhoej_fewest_crossings_is_qbinom():
    # Anhøj & Olesen 2014, Table 1 (qicharts2): 10 → 2, 20 → 6, 24 → 8, 30 → 10
    assert [anhoej_limits(n)[0] for n in (10, 20, 24, 30)] == [2, 6, 8, 10]
    for n in range(1, 201):
        assert anhoej_limits(n)[0] == brute_qbinom_05(n - 1), n
    assert anhoej_limits(0) is None


def test_anhoej_shift_is_a_run_longer_than_allowed():
    # 20 useful points: the longest run allowed is 7
    r = run_chart_rules(series(8, 4, 1, 3, 1, 3), method="anhoej")
    assert (r.useful, r.longest_run, r.runs_limits[1], r.shift) == (20, 8, 7, True)
    assert shifts(r) == [{"rule": "shift", "side": "below", "length": 8, "start": 0, "end": 7}]
    assert r.signal_points == tuple(range(8))
    r = run_chart_rules(series(7, 4, 2, 3, 1, 3), method="anhoej")
    assert (r.useful, r.longest_run, r.shift, r.signal_points) == (20, 7, False, ())


def test_anhoej_shift_at_ten_useful_points():
    # baseline median 5; then seven (or six) points below and three above
    seven = run_chart_rules([9, 1] + [1] * 6 + [9, 9], baseline=2, method="anhoej")
    assert (seven.useful, seven.longest_run, seven.runs_limits[1], seven.shift) == (10, 7, 6, True)
    six = run_chart_rules([9, 1] + [1] * 5 + [9, 9, 9], baseline=2, method="anhoej")
    assert (six.useful, six.longest_run, six.shift) == (10, 6, False)


def test_anhoej_too_few_crossings_boundary():
    # 20 useful points: at least 6 crossings are expected
    r = run_chart_rules(series(4, 4, 3, 3, 3, 3), method="anhoej")
    assert (r.useful, r.crossings, r.runs_limits[0], r.too_few_runs) == (20, 5, 6, True)
    assert r.signals == ({"rule": "too_few_runs", "crossings": 5, "limit": 6},)
    r = run_chart_rules(series(3, 4, 3, 3, 2, 3, 2), method="anhoej")
    assert (r.useful, r.crossings, r.too_few_runs) == (20, 6, False)


def test_anhoej_has_no_trend_and_no_too_many_runs():
    r = run_chart_rules(list(range(1, 13)), method="anhoej")
    assert run_chart_rules(list(range(1, 13))).trend
    assert not r.trend and not any(s["rule"] == "trend" for s in r.signals)
    r = run_chart_rules([1, 9] * 10, method="anhoej")
    assert run_chart_rules([1, 9] * 10).too_many_runs
    assert not r.too_many_runs and r.signals == ()


def test_anhoej_applies_its_limits_at_any_n_as_qicharts2_does():
    one = run_chart_rules([1, 9], baseline=1, method="anhoej")       # median 1: one useful
    assert (one.useful, one.runs_limits, one.signals) == (1, (0, 3), ())
    six = run_chart_rules([9, 1, 1, 1, 1, 1, 1], baseline=1, method="anhoej")
    assert (six.useful, six.crossings, six.runs_limits) == (6, 0, (1, 6))
    assert six.too_few_runs and not six.shift


# -- input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["abc", True, False, float("inf"), -math.inf, 1 + 2j, [1],
                                 b"1", "12", Decimal("sNaN"), 10 ** 400])
def test_a_value_that_is_not_a_number_is_refused(bad):
    with pytest.raises(InputError) as caught:
        run_chart_rules([1, 2, bad, 4])
    e = caught.value
    assert e.key == "improvement.not_number" and e.field == "value" and e.row == 3
    assert e.value is bad or e.value == bad


def test_the_error_names_the_value_in_both_languages():
    with pytest.raises(InputError) as caught:
        run_chart_rules([1, "abc"])
    assert "abc" in caught.value.text("en") and "abc" in caught.value.text("sv")


def test_numbers_of_every_kind_are_read():
    r = run_chart_rules([1, 2.5, Decimal("3.5"), Fraction(9, 2), Decimal("NaN"), "  "])
    assert r.n == 4 and r.median == 3


def test_numpy_numbers_are_read_and_numpy_booleans_refused():
    np = pytest.importorskip("numpy")
    r = run_chart_rules(np.array([1.0, 2.0, np.nan, 3.0]))
    assert (r.n, r.median) == (3, 2.0)
    assert run_chart_rules([np.int64(3), np.float32(1.5)]).median == 2.25
    with pytest.raises(InputError):
        run_chart_rules([1, np.bool_(True)])


@pytest.mark.parametrize("method", ["IHI", "anhøj", "", None, "western electric"])
def test_an_unknown_method_is_refused(method):
    with pytest.raises(ValueError, match="method"):
        run_chart_rules([1, 2, 3], method=method)


@pytest.mark.parametrize("baseline", [0, -1, True, False, 2.5, "3", 2.0])
def test_a_baseline_that_is_not_a_positive_whole_number_is_refused(baseline):
    with pytest.raises(ValueError, match="baseline"):
        run_chart_rules([1, 2, 3], baseline=baseline)


def test_values_must_be_a_sequence():
    for bad in ("1, 2, 3", b"123", 7):
        with pytest.raises(ValueError, match="values"):
            run_chart_rules(bad)
    assert run_chart_rules(iter([1, 2, 3])) == run_chart_rules((1, 2, 3))


def test_the_result_is_json_and_deterministic():
    values = [12, 14, 11, 13, 12, 15, 9, 8, 9, 7, 8, 9]
    for method in METHODS:
        r = run_chart_rules(values, method=method)
        assert r == run_chart_rules(list(values), method=method)
        d = r.as_dict()
        assert json.loads(json.dumps(d)) == d
        assert d["signal_points"] == list(r.signal_points) and isinstance(d["signals"], list)
    assert run_chart_rules(values).as_dict()["runs_limits"] == [3, 11]
    assert run_chart_rules([]).as_dict()["runs_limits"] is None


def test_the_result_is_frozen():
    r = run_chart_rules([1, 2, 3])
    with pytest.raises(AttributeError):
        r.shift = True


# -- properties ------------------------------------------------------------------------------
# Values are multiples of 1/4 (small ones often, so that ties, repeats and points on the median
# happen), at most 10^6 in size: every sum, half-sum, shift by a multiple of 1/4 and scaling by
# the factors below is then exact in floating point, so the properties hold exactly.
quarters = st.one_of(st.integers(-8, 8), st.integers(-4_000_000, 4_000_000)).map(lambda k: k / 4)
missing = st.sampled_from([None, NAN, ""])
value_lists = st.lists(st.one_of(quarters, quarters, missing), max_size=60)
baselines = st.one_of(st.none(), st.integers(1, 60))
methods = st.sampled_from(METHODS)
offsets = st.integers(-4_000_000, 4_000_000).map(lambda k: k / 4)
factors = st.sampled_from([0.25, 0.5, 3.0, 7.0, 1024.0])


def is_number(v) -> bool:
    return isinstance(v, float) and not math.isnan(v)


def verdict(r: RunChartResult):
    """Everything but the median."""
    return (r.method, r.n, r.useful, r.runs, r.crossings, r.longest_run, r.shift, r.trend,
            r.runs_limits, r.too_few_runs, r.too_many_runs, r.signal_points, r.signals)


@settings(deadline=None, database=None)
@given(value_lists, baselines, methods, offsets)
def test_adding_a_constant_changes_only_the_median(values, baseline, method, c):
    r = run_chart_rules(values, baseline=baseline, method=method)
    moved = run_chart_rules([v + c if is_number(v) else v for v in values], baseline=baseline,
                            method=method)
    assert verdict(moved) == verdict(r)
    assert (moved.median is None) == (r.median is None)
    if r.median is not None:
        assert moved.median == pytest.approx(r.median + c)


@settings(deadline=None, database=None)
@given(value_lists, baselines, methods, factors)
def test_multiplying_by_a_positive_constant_changes_only_the_median(values, baseline, method, f):
    r = run_chart_rules(values, baseline=baseline, method=method)
    scaled = run_chart_rules([v * f if is_number(v) else v for v in values], baseline=baseline,
                             method=method)
    assert verdict(scaled) == verdict(r)
    if r.median is not None:
        assert scaled.median == pytest.approx(r.median * f)


@settings(deadline=None, database=None)
@given(value_lists, baselines, methods)
def test_turning_the_chart_upside_down_swaps_the_sides(values, baseline, method):
    r = run_chart_rules(values, baseline=baseline, method=method)
    flipped = run_chart_rules([-v if is_number(v) else v for v in values], baseline=baseline,
                              method=method)
    swap = {"above": "below", "below": "above", "up": "down", "down": "up"}
    expected = tuple({k: swap.get(v, v) if k in ("side", "direction") else v
                      for k, v in s.items()} for s in r.signals)
    assert verdict(flipped)[:-1] == verdict(r)[:-1] and flipped.signals == expected
    if r.median is not None:
        assert flipped.median == -r.median


@settings(deadline=None, database=None)
@given(value_lists, baselines, methods)
def test_the_counts_fit_together(values, baseline, method):
    r = run_chart_rules(values, baseline=baseline, method=method)
    present = [i for i, v in enumerate(values) if is_number(v)]
    assert r.n == len(present)
    assert 0 <= r.longest_run <= r.useful <= r.n and r.runs <= r.useful
    assert (r.runs == 0) == (r.useful == 0) and r.crossings == max(r.runs - 1, 0)
    assert list(r.signal_points) == sorted(set(r.signal_points))
    assert set(r.signal_points) <= set(present)
    assert r.shift == any(s["rule"] == "shift" for s in r.signals)
    assert r.trend == any(s["rule"] == "trend" for s in r.signals)
    assert r.too_few_runs == any(s["rule"] == "too_few_runs" for s in r.signals)
    assert r.too_many_runs == any(s["rule"] == "too_many_runs" for s in r.signals)
    if method == "ihi":
        assert r.runs_limits == IHI_RUNS_TABLE.get(r.useful)
    else:
        assert not r.trend and not r.too_many_runs
        assert r.runs_limits == anhoej_limits(r.useful)
    assert json.loads(json.dumps(r.as_dict())) == r.as_dict()
    assert run_chart_rules(values, baseline=baseline, method=method) == r


@settings(deadline=None, database=None)
@given(value_lists, baselines)
def test_the_ihi_verdicts_agree_with_a_plain_reading_of_the_rules(values, baseline):
    r = run_chart_rules(values, baseline=baseline)
    xs = [v for v in values if is_number(v)]
    if not xs:
        return
    base = xs[:baseline] if baseline else xs
    s = sorted(base)
    median = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    assert r.median == median
    sides = [x > median for x in xs if x != median]
    lengths = [len(list(g)) for _, g in groupby(sides)]
    assert r.runs == len(lengths) and r.longest_run == max(lengths, default=0)
    assert r.shift == (max(lengths, default=0) >= 6)
    distinct = [x for x, _ in groupby(xs)]
    steps = [b > a for a, b in zip(distinct, distinct[1:])]
    assert r.trend == (max((len(list(g)) for _, g in groupby(steps)), default=0) + 1 >= 5)
