"""The statistics figures: no suppressed value drawn or written, women and men apart by more
than colour, names literal, survey scales split fairly, text alternatives in both languages."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from kit import content
from kit.domain.indicators import gap_measures, suppress_small
from kit.modules.statistics import plots as P
from kit.plots import PROJECTOR_DPI, PROJECTOR_MIN_PX, png_bytes, text_sizes_px
from tests.conftest import ARTIFACTS

NAME = "Väntetid $x$ särskilt boende"  # a typed name with mathtext in it
AREA = r"Exempelby $\foo{$"  # broken mathtext: drawn as it stands or drawing fails

#: Values that rest on too few persons: they must never reach a figure or a text.
SECRET = {("2021", "Alla", "K"): 61.37, ("2021", "Alla", "M"): 38.93,  # women n=2; men hidden too
          ("2023", "80+", "M"): 77.77, ("2023", "80+", "K"): 66.66}  # men n=3; women hidden too


def raw() -> pd.DataFrame:
    """Six years (given out of order, with a school year), three age groups, by sex."""
    rows = []
    years = ["2022", "2019", "2020/21", "2021", "2020", "2023"]
    for year in years:
        for age, base in (("Alla", 41.2), ("65–79", 30.0), ("80+", 52.0)):
            step = sorted(years, key=lambda p: P.ind.period_key(p)).index(year)
            k, m = base + 6 - step, base - 6 + 0.2 * step
            nk = nm = 30
            if (year, age, "K") in SECRET:
                k, nk = SECRET[(year, age, "K")], 2 if age == "Alla" else 30
            if (year, age, "M") in SECRET:
                m, nm = SECRET[(year, age, "M")], 3 if age == "80+" else 30
            rows += [(NAME, AREA, year, "K", k, nk, age), (NAME, AREA, year, "M", m, nm, age),
                     (NAME, AREA, year, "T", round((k + m) / 2 + 0.01, 2), nk + nm, age)]
    frame = pd.DataFrame(rows, columns=["indicator", "area", "period", "sex", "value", "n", "age_group"])
    return frame.astype({"n": "Int64"})


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    out = suppress_small(raw())
    assert out["suppressed"].sum() == 4
    return out


@pytest.fixture(scope="module")
def sloppy() -> pd.DataFrame:
    """Marked suppressed but the values left in (a careless caller): still never drawn."""
    out = suppress_small(raw())
    original = raw()
    out["value"] = original["value"]
    return out


@pytest.fixture(scope="module")
def gaps(data) -> pd.DataFrame:
    return gap_measures(data)


def survey_counts() -> pd.DataFrame:
    rows = []
    agree = [("f10", "Könskonsekvensbeskrivningar görs innan beslut i styrelsen $x$", [15, 12, 16, 7, 1]),
             ("f11", ("Verksamhetens högsta ledning följer regelbundet och planmässigt upp "
                      "jämställdhetsarbetet"), [3, 6, 14, 18, 10])]
    for qid, text, counts in agree:
        for order, count in enumerate(counts, 1):
            label = {1: "1 – instämmer inte alls", 5: "5 – instämmer helt"}.get(order, str(order))
            rows.append((qid, text, "agree5", label, order, count))
    for qid, text, counts in [("f20", "Har ni nyckeltal för jämställdhetsarbetet?", [22, 12, 17, 2])]:
        for order, (label, count) in enumerate(zip(["Ja", "Nej", "Pågår", "Ej svar"], counts), 1):
            rows.append((qid, text, "yesno", label, order, count))
    return pd.DataFrame(rows, columns=["id", "question", "scale", "option", "order", "count"])


def texts(fig: Figure) -> list[str]:
    """Every text a figure draws (titles, ticks, legends, labels, notes), as shown."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def shown_forms(value: float) -> list[str]:
    return sorted({P.number(value, lang, d) for lang in ("sv", "en") for d in (1, 2)})


def assert_no_secret(fig: Figure | None = None, words: str | None = None) -> None:
    for value in SECRET.values():
        if fig is not None:
            drawn = P.plot_values(fig)
            assert not [v for v in drawn if math.isclose(v, value, abs_tol=0.006)], value
            for form in shown_forms(value):
                assert not [t for t in texts(fig) if form in t], (form, value)
        if words is not None:
            for form in shown_forms(value):
                assert form not in words, (form, words)


def all_figures(frame, gaps):
    for age in ("Alla", "65–79", "80+"):
        for mode in ({}, {"compact": True}, {"large": True}):
            yield P.series(frame, NAME, AREA, age_group=age, **mode)
    for period in ("2019", "2020", "2020/21", "2021", "2022", "2023"):
        yield P.age_groups(frame, NAME, AREA, period)
        yield P.age_groups(frame, NAME, AREA, period, compact=True)
    for age in ("Alla", "65–79", "80+"):
        yield P.ratio(gaps, NAME, AREA, age_group=age)


# -- no leak ----------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["data", "sloppy"])
def test_no_suppressed_value_is_drawn_or_written(which, request, gaps):
    frame = request.getfixturevalue(which)
    for fig in all_figures(frame, gaps):
        assert P.plot_values(fig), "the figure draws something"
        assert_no_secret(fig)
        png_bytes(fig)  # draws without error
    for lang in ("sv", "en"):
        for age in ("Alla", "80+"):
            assert_no_secret(words=P.series_text(frame, NAME, AREA, lang, age_group=age))
            assert_no_secret(words=P.ratio_text(gaps, NAME, AREA, lang, age_group=age))
        for period in ("2021", "2023"):
            assert_no_secret(words=P.age_groups_text(frame, NAME, AREA, period, lang))


def test_plot_values_sees_what_is_shown(data):
    drawn = P.plot_values(P.series(data, NAME, AREA))
    assert any(math.isclose(v, 42.2, abs_tol=1e-9) for v in drawn)  # women 2023
    drawn = P.plot_values(P.age_groups(data, NAME, AREA, "2023"))
    assert any(math.isclose(v, 31.0, abs_tol=1e-9) for v in drawn)  # women 65–79, 2023


def test_a_frame_without_suppressed_is_protected_first():
    fig = P.series(raw(), NAME, AREA, age_group="Alla")
    assert_no_secret(fig)
    assert_no_secret(words=P.series_text(raw(), NAME, AREA, age_group="Alla"))


def test_a_suppressed_period_is_marked_on_the_axis_and_explained(data):
    fig = P.series(data, NAME, AREA, age_group="Alla")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["2019", "2020", "2020/21", "2021\n×", "2022", "2023"]  # chronological
    assert any("skyddat" in t for t in texts(fig))
    women = next(line for line in fig.axes[0].lines if line.get_gid() == "line-K")
    assert math.isnan(list(women.get_ydata())[3])  # the line breaks there
    en = P.series(data, NAME, AREA, "en", age_group="Alla")
    assert any("suppressed: too few persons" in t for t in texts(en))


# -- telling women and men apart --------------------------------------------------------------
def test_women_and_men_differ_by_marker_line_style_and_a_label_at_the_end(data):
    fig = P.series(data, NAME, AREA)
    lines = {line.get_gid(): line for line in fig.axes[0].lines}
    women, men, total = lines["line-K"], lines["line-M"], lines["line-T"]
    assert women.get_marker() != men.get_marker()
    assert women.get_linestyle() != men.get_linestyle()
    assert women.get_markerfacecolor() != men.get_markerfacecolor()  # filled / hollow: shows in grey
    assert total.get_linestyle() == "--"
    ends = {t.get_gid(): t.get_text() for t in fig.axes[0].texts}
    assert ends["end-K"] == "Kvinnor" and ends["end-M"] == "Män" and ends["end-T"] == "Totalt"
    assert any(c.get_gid() == "gap" and c.get_hatch() for c in fig.axes[0].collections)  # gap hatched
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:4] == ["Kvinnor", "Män", "Totalt", "Skillnad"]


def test_age_group_bars_differ_by_hatch_and_a_suppressed_bar_is_an_empty_box(data):
    fig = P.age_groups(data, NAME, AREA, "2023")
    ax = fig.axes[0]
    hatches = {c.get_label(): {p.get_hatch() for p in c} for c in ax.containers}
    assert hatches["Kvinnor"] != hatches["Män"]
    boxes = [p for p in ax.patches if str(p.get_gid()).startswith("suppressed-")]
    assert len(boxes) == 2 and all(not p.get_fill() or p.get_facecolor()[:3] == (1, 1, 1) for p in boxes)
    assert sum("Kvinnor: skyddat" == t for t in texts(fig)) == 1
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Alla", "65–79", "80+"]
    assert "31,0" in texts(fig) and "25,0" in texts(fig)  # value labels, decimal comma


# -- literal names, decimal commas, order -----------------------------------------------------
def test_typed_names_are_drawn_literally_never_as_mathtext(data, gaps):
    figures = [P.series(data, NAME, AREA), P.age_groups(data, NAME, AREA, "2022"), P.ratio(gaps, NAME, AREA),
               P.survey(survey_counts()), P.series(data, NAME, AREA, compact=True)]
    for fig in figures:
        for text in fig.findobj(Text):
            if text.get_text():
                _, math_mode = text._preprocess_math(text.get_text())
                assert math_mode is False, text.get_text()
        png_bytes(fig)  # r"$\foo{$" would not parse as mathtext: drawing proves it is not
    title = figures[0].axes[0]._left_title
    drawn = title._preprocess_math(title.get_text())[0]
    assert drawn.startswith(r"Väntetid $x$ särskilt boende, Exempelby $\foo{$")
    assert any("$x$" in t.replace("\\$", "$") for t in texts(figures[3]))


def test_numbers_on_the_axes_have_a_decimal_comma_in_swedish(gaps):
    fig_sv, fig_en = P.ratio(gaps, NAME, AREA), P.ratio(gaps, NAME, AREA, "en")
    fig_sv.canvas.draw()
    fig_en.canvas.draw()
    sv = [t.get_text() for t in fig_sv.axes[0].get_yticklabels() if t.get_text()]
    en = [t.get_text() for t in fig_en.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in t for t in sv) and not any("." in t for t in sv)
    assert any("." in t for t in en) and not any("," in t for t in en)
    assert "Lika (1)" in texts(fig_sv) and "Equal (1)" in texts(fig_en)


def test_one_period_and_empty_and_all_suppressed(data, gaps):
    one = P.series(data[data["period"] == "2022"], NAME, AREA)
    assert [t.get_text() for t in one.axes[0].get_xticklabels()] == ["2022"]
    assert [p for p in one.axes[0].patches if p.get_gid() == "gap"]  # one period's gap: a hatched bar
    for lang, word in (("sv", "Inga värden att visa"), ("en", "No values to show")):
        for fig in (P.series(data.iloc[0:0], NAME, AREA, lang), P.age_groups(data, NAME, AREA, "1999", lang),
                    P.ratio(gaps.iloc[0:0], NAME, AREA, lang), P.survey(survey_counts().iloc[0:0], lang=lang),
                    P.series(None, NAME, AREA, lang), P.survey(survey_counts(), ["nope"], lang=lang)):
            assert isinstance(fig, Figure) and word in texts(fig)
            png_bytes(fig)
    hidden = data.copy()
    hidden["suppressed"] = True
    fig = P.series(hidden, NAME, AREA)
    assert any("Alla värden är skyddade" in t for t in texts(fig))
    assert not [v for line in fig.axes[0].lines for v in line.get_ydata() if not math.isnan(v)]
    words = P.series_text(hidden, NAME, AREA)
    assert "skyddade" in words and "Inget år har värden" in words
    assert P.series_text(data.iloc[0:0], NAME, AREA) == "Inga värden att visa."


# -- the survey ---------------------------------------------------------------------------------
def segments(fig, qid):
    found = {}
    for ax in fig.axes:
        for patch in ax.patches:
            gid = str(patch.get_gid() or "")
            if gid.startswith(f"segment-{qid}-"):
                found.setdefault(int(gid.rsplit("-", 1)[1]), []).append((ax, patch))
    return found


def test_a_five_step_scale_splits_its_middle_evenly_across_zero():
    counts = survey_counts()
    fig = P.survey(counts, ["f10", "f11"])
    for qid, n in (("f10", 51), ("f11", 51)):
        seg = segments(fig, qid)
        mid = sorted((p.get_x(), p.get_width()) for _, p in seg[3])
        share = 100 * int(counts[(counts["id"] == qid) & (counts["order"] == 3)]["count"].iloc[0]) / n
        assert len(mid) == 2
        assert mid[0][0] == pytest.approx(-share / 2) and mid[0][1] == pytest.approx(share / 2)
        assert mid[1][0] == pytest.approx(0) and mid[1][1] == pytest.approx(share / 2)
        left = [p for o in (1, 2) for _, p in seg[o]]
        right = [p for o in (4, 5) for _, p in seg[o]]
        assert all(p.get_x() + p.get_width() <= -share / 2 + 1e-9 for p in left)
        assert all(p.get_x() >= share / 2 - 1e-9 for p in right)
        assert sum(p.get_width() for o in seg for _, p in seg[o]) == pytest.approx(100)
    styles = {(tuple(p.get_facecolor()), p.get_hatch()) for o, found in segments(fig, "f10").items()
              for _, p in found[:1]}
    assert len({c for c, _ in styles}) == 5 and len({h for _, h in styles}) == 5  # colour and hatch
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["1 – instämmer inte alls", "2", "3", "4", "5 – instämmer helt"]


def test_an_even_scale_has_no_middle():
    counts = survey_counts()
    four = counts[(counts["id"] == "f11") & (counts["order"] != 5)].assign(scale="agree4")
    fig = P.survey(four)
    seg = segments(fig, "f11")
    assert [p.get_x() + p.get_width() for _, p in seg[2]] == [pytest.approx(0)]
    assert [p.get_x() for _, p in seg[3]] == [pytest.approx(0)]
    assert all(len(v) == 1 for v in seg.values())


def test_yes_right_no_left_and_ongoing_apart():
    fig = P.survey(survey_counts(), ["f20"])
    seg = segments(fig, "f20")
    (main, yes), = seg[1]
    (_, no), = seg[2]
    (side, ongoing), = seg[3]
    assert yes.get_x() == pytest.approx(0) and yes.get_width() == pytest.approx(100 * 22 / 51)
    assert no.get_x() + no.get_width() == pytest.approx(0) and no.get_width() == pytest.approx(100 * 12 / 51)
    assert side is not main and ongoing.get_x() == pytest.approx(0)
    assert 4 not in seg  # "Ej svar" is not drawn and not counted
    assert "Pågår" in texts(fig)


def test_survey_text_in_both_languages():
    sv, en = P.survey_text(survey_counts()), P.survey_text(survey_counts(), lang="en")
    assert "16 % instämmer (4–5), 53 % instämmer inte (1–2), 31 % i mitten (3); 51 svar" in sv
    assert "ja 43 % (22), nej 24 % (12), pågår 33 % (17); 51 svar, 2 utan svar räknas inte" in sv
    assert "16% agree (4–5), 53% disagree (1–2), 31% in the middle (3); 51 answers" in en


# -- the text alternatives --------------------------------------------------------------------
def test_series_text_in_swedish_and_english(data, gaps):
    sv = P.series_text(data, NAME, AREA, gaps=gaps, unit="dagar")
    assert "Kvinnor 42,2 dagar, män 36,2 dagar 2023; skillnaden har minskat sedan 2019." in sv
    assert "(kvinnor minus män) är +6,0 dagar" in sv
    assert "för få personer (skyddade): kvinnor och män 2021." in sv
    en = P.series_text(data, NAME, AREA, "en", gaps=gaps, unit="days")
    assert "Women 42.2 days, men 36.2 days in 2023; the gap has narrowed since 2019." in en
    assert "too few persons (suppressed): women and men 2021." in en
    assert "$x$" in sv  # a sentence quotes the name as typed (the page escapes it)


def test_age_and_ratio_texts(data, gaps):
    sv = P.age_groups_text(data, NAME, AREA, "2023", unit="dagar")
    assert "80+: kvinnor skyddat, män skyddat" in sv and "kvinnor och män 80+" in sv
    assert "65–79: kvinnor 31,0 dagar, män 25,0 dagar" in sv
    en = P.age_groups_text(data, NAME, AREA, "2023", "en")
    assert "80+: women suppressed, men suppressed" in en
    ratio = P.ratio_text(gaps, NAME, AREA)
    assert "(1 betyder lika)" in ratio and "Kvoten kan inte visas för 2021" in ratio
    assert "," in ratio.split(":")[1]
    assert "the gap has narrowed" in P.ratio_text(gaps, NAME, AREA, "en").lower()


def test_text_functions_load_no_plotting_library():
    code = ("import sys, pandas as pd; import kit.modules.statistics.plots as P; "
            "d = pd.DataFrame({'indicator': 'x', 'area': 'y', 'period': ['2020', '2020'], 'sex': ['K', 'M'], "
            "'value': [1.0, 2.0], 'n': pd.array([9, 9], dtype='Int64')}); "
            "print(P.series_text(d, 'x', 'y')); "
            "assert not [m for m in sys.modules if m.startswith('matplotlib')]")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr


# -- sizes and texts ------------------------------------------------------------------------
def test_sizes_phone_and_projector(data, gaps):
    phone = P.series(data, NAME, AREA, compact=True)
    assert phone.get_figwidth() <= 4.2
    assert min(t.get_fontsize() for t in phone.findobj(Text) if t.get_text()) >= 10
    for fig in (P.series(data, NAME, AREA, large=True), P.age_groups(data, NAME, AREA, "2023", large=True),
                P.ratio(gaps, NAME, AREA, large=True), P.survey(survey_counts(), large=True)):
        small = [(t, px) for t, px in text_sizes_px(fig, PROJECTOR_DPI) if px < PROJECTOR_MIN_PX]
        assert not small, small


def test_every_text_key_is_in_both_languages():
    def flat(node, prefix=""):
        out = {}
        for key, value in node.items():
            if isinstance(value, dict):
                out.update(flat(value, f"{prefix}{key}."))
            else:
                out[f"{prefix}{key}"] = value
        return out

    for lang in ("sv", "en"):
        shipped = flat(content.lookup("statistics.plots", lang))
        assert shipped == P.FALLBACK[lang], lang
        fields = ["title", "area", "first", "last", "women", "men", "period", "diff", "total", "items", "age",
                  "ratio", "periods", "percent", "range", "option", "count", "n", "value"]
        for key in shipped:
            assert P._t(key, lang, **dict.fromkeys(fields, "1"))


def test_pictures_for_people_to_look_at(data, gaps):
    ARTIFACTS.mkdir(exist_ok=True)
    counts = survey_counts()
    pictures = {"series": P.series(data, NAME, AREA, unit="dagar"),
                "series-phone": P.series(data, NAME, AREA, compact=True, unit="dagar"),
                "series-80-en": P.series(data, NAME, AREA, "en", age_group="80+", unit="days"),
                "age-groups": P.age_groups(data, NAME, AREA, "2023", unit="dagar"),
                "ratio": P.ratio(gaps, NAME, AREA), "survey": P.survey(counts),
                "survey-phone": P.survey(counts, compact=True)}
    for name, fig in pictures.items():
        png = png_bytes(fig)
        assert png.startswith(b"\x89PNG")
        (ARTIFACTS / f"statistics-{name}.png").write_bytes(png)
