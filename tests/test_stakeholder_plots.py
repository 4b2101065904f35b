"""The stakeholder grid: labels apart, names literal, attitude by shape, deterministic."""

from __future__ import annotations

import itertools
import math

import pytest

from kit.modules.stakeholders import plots as P
from kit.plots import png_bytes
from tests.conftest import ARTIFACTS

LONG = "Förvaltningschefer inom vård och omsorg " * 5  # 200 characters
HOSTILE = ["$x^2$", "<img src=x onerror=alert(1)>", '=HYPERLINK("http://x","klick")', r"$\foo{$"]

FIFTEEN = [
    {"name": "Kommunstyrelsen", "power": 5, "interest": 4, "attitude": "for"},
    {"name": "Socialnämnden", "power": 4, "interest": 5, "attitude": "for"},
    {"name": HOSTILE[0], "power": 4, "interest": 4, "attitude": "neutral"},
    {"name": HOSTILE[1], "power": 4, "interest": 4, "attitude": "against"},
    {"name": HOSTILE[2], "power": 4, "interest": 4, "attitude": "unknown"},
    {"name": LONG, "power": 4, "interest": 4, "attitude": "for"},
    {"name": "Medarbetare i hemtjänsten", "power": 2, "interest": 5, "attitude": "neutral"},
    {"name": "Brukarrådet", "power": 2, "interest": 5, "attitude": "for"},
    {"name": HOSTILE[3], "power": 3, "interest": 2, "attitude": "unknown"},
    {"name": "Fackförbundet Kommunal", "power": 3, "interest": 3, "attitude": "against"},
    {"name": "Länsstyrelsen", "power": 3, "interest": 1, "attitude": "neutral"},
    {"name": "Invånare", "power": 1, "interest": 2, "attitude": "unknown"},
    {"name": "Föreningslivet", "power": 1, "interest": 1, "attitude": "neutral"},
    {"name": "HR-avdelningen", "power": 2, "interest": 2, "attitude": "for"},
    {"name": "Ekonomikontoret", "power": 5, "interest": 1, "attitude": "against"},
]

MODES = {"normal": {}, "large": {"large": True}, "compact": {"compact": True}}


def overlaps(fig) -> list[str]:
    """Every pair of stakeholder labels that intersect, and every label on a marker."""
    labels, markers = P.label_boxes(fig), P.marker_boxes(fig)
    found = [f"label {i} / label {j}" for (i, a), (j, b) in
             itertools.combinations(enumerate(labels), 2) if a.overlaps(b)]
    found += [f"label {i} / marker {j}" for i, a in enumerate(labels)
              for j, m in enumerate(markers) if a.overlaps(m)]
    return found


@pytest.mark.parametrize("mode", MODES)
def test_fifteen_labels_never_overlap_labels_or_markers(mode):
    fig = P.grid(FIFTEEN, "sv", title="Intressenter", **MODES[mode])
    png = png_bytes(fig)  # as the page shows it (same dpi as measured)
    assert len(P.label_boxes(fig)) == len(P.marker_boxes(fig)) == 15
    assert overlaps(fig) == []
    frame = fig.axes[0].get_window_extent(fig.canvas.get_renderer())
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
               for b in P.label_boxes(fig)), "a label leaves the plot"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"stakeholder-grid-{mode}-sv.png").write_bytes(png)


def test_the_overlap_check_sees_an_overlap():
    fig = P.grid(FIFTEEN[:3], "sv")
    first, second = P.labels(fig)[:2]
    second.set_position(first.get_position())
    assert "label 0 / label 1" in overlaps(fig)
    marker = next(line for line in fig.axes[0].lines if line.get_gid() == "stakeholder-marker-2")
    first.set_position((marker.get_xdata()[0], marker.get_ydata()[0]))
    assert any(o.startswith("label 0 / marker") for o in overlaps(fig))


@pytest.mark.parametrize("count", [2, 7, 15])
@pytest.mark.parametrize("compact", [False, True])
def test_many_on_one_cell_spread_and_stay_in_their_cell(count, compact):
    people = [{"name": f"Grupp {n} " + "lång " * (n % 3), "power": 3, "interest": 3,
               "attitude": P.ATTITUDES[n % 4]} for n in range(count)]
    fig = P.grid(people, compact=compact)
    assert overlaps(fig) == []
    centres = [(line.get_xdata()[0], line.get_ydata()[0]) for line in fig.axes[0].lines
               if str(line.get_gid()).startswith("stakeholder-marker")]
    assert len(set(centres)) == count  # no two markers on the same spot
    assert all(2.5 < x < 3.5 and 2.5 < y < 3.5 for x, y in centres)  # still in cell (3, 3)
    # markers apart: centres at least one marker size from each other
    sizes = [((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, b.width) for b in P.marker_boxes(fig)]
    assert all(math.dist(a[:2], b[:2]) >= a[2] for a, b in itertools.combinations(sizes, 2))


def test_names_are_drawn_literally_never_as_mathtext():
    fig = P.grid(FIFTEEN, "sv")
    texts = {t.get_text().replace("\n", glue): t for t in P.labels(fig) for glue in " "}
    texts |= {t.get_text().replace("\n", ""): t for t in P.labels(fig)}  # a long word broken
    for name in HOSTILE:
        assert name in texts, name
        assert texts[name].get_parse_math() is False
    png_bytes(fig)  # r"$\foo{$" would raise as mathtext
    long_label = P.labels(fig)[5].get_text()
    assert long_label.endswith("…") and long_label.count("\n") == 1
    assert long_label.replace("\n", " ").startswith("Förvaltningschefer inom")
    assert max(len(line) for line in long_label.split("\n")) <= 18


def test_control_characters_and_blanks_leave_the_label():
    fig = P.grid([{"name": "Kom\x00mun\x1b\n  AB", "power": 1, "interest": 1, "attitude": "for"}])
    assert [t.get_text() for t in P.labels(fig)] == ["Kommun AB"]


def test_compact_numbers_points_and_keys_them_under_the_plot():
    fig = P.grid(FIFTEEN, "sv", compact=True)
    assert [t.get_text() for t in P.labels(fig)] == [str(n) for n in range(1, 16)]
    key = next(t for ax in fig.axes for t in ax.texts if t.get_gid() == "stakeholder-key")
    lines = key.get_text()
    assert key.get_parse_math() is False
    assert "3. $x^2$" in lines and "15. Ekonomikontoret" in lines and "Nummer på kartan" in [
        t.get_text() for ax in fig.axes for t in ax.texts]
    assert P.numbered_key(FIFTEEN)[3] == (4, HOSTILE[1])
    without = P.grid(FIFTEEN, "sv", compact=True, key=False)
    assert not any(t.get_gid() == "stakeholder-key" for ax in without.axes for t in ax.texts)
    assert without.get_size_inches()[1] < fig.get_size_inches()[1]


def _marker_style(fig):
    out = {}
    for i, line in enumerate(line for line in fig.axes[0].lines
                             if str(line.get_gid()).startswith("stakeholder-marker")):
        out[FIFTEEN[i]["attitude"]] = (line.get_marker(), line.get_markerfacecolor(),
                                       line.get_markeredgecolor())
    return out


def test_attitudes_differ_by_marker_shape_not_only_colour():
    fig = P.grid(FIFTEEN, "sv")
    styles = _marker_style(fig)
    assert set(styles) == set(P.ATTITUDES)
    shapes = [styles[a][0] for a in P.ATTITUDES]
    assert len(set(shapes)) == 4
    assert styles["unknown"][1] == "white"  # hollow
    legend = fig.legends[0]
    assert legend.get_title().get_text() == "Inställning"
    assert [t.get_text() for t in legend.get_texts()] == ["För", "Neutral", "Emot", "Okänd"]
    assert [h.get_marker() for h in legend.legend_handles] == shapes


def _all_texts(fig) -> set[str]:
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    for ax in fig.axes:
        texts |= {ax.get_xlabel(), ax.get_ylabel()}
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        texts |= {t.get_text() for t in legend.get_texts()} | {legend.get_title().get_text()}
    return {" ".join(t.split()) for t in texts}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_texts_in_both_languages(lang):
    normal, compact = _all_texts(P.grid(FIFTEEN, lang)), _all_texts(P.grid(FIFTEEN, lang, compact=True))
    for key in P.FALLBACK[lang]:  # the module's texts when they exist, else the fallback
        assert " ".join(P._t(key, lang).split()) in (compact if key == "grid.key" else normal), key
    assert set(P.FALLBACK["sv"]) == set(P.FALLBACK["en"])
    assert P._t("quadrant.manage_closely.name", lang) != P._t("quadrant.manage_closely.name",
                                                              "en" if lang == "sv" else "sv")


def test_english_has_no_swedish_left():
    texts = _all_texts(P.grid(FIFTEEN[:2], "en", compact=True))
    assert not any(word in " ".join(texts) for word in ("Intresse", "Inställning", "Bevaka", "Håll"))


def test_quadrant_lines_put_a_three_with_the_high_ones():
    fig = P.grid([{"name": "Mitt", "power": 3, "interest": 3, "attitude": "for"}])
    ax = fig.axes[0]
    lines = [line for line in ax.lines if str(line.get_gid()).startswith("quadrant-line")]
    assert len(lines) == 2
    xs = {x for line in lines for x in line.get_xdata()}
    ys = {y for line in lines for y in line.get_ydata()}
    assert P.MIDPOINT - 0.5 in xs and P.MIDPOINT - 0.5 in ys
    marker = next(line for line in ax.lines if line.get_gid() == "stakeholder-marker-0")
    assert marker.get_xdata()[0] > P.MIDPOINT - 0.5 and marker.get_ydata()[0] > P.MIDPOINT - 0.5
    assert list(ax.get_xticks()) == [1, 2, 3, 4, 5] == list(ax.get_yticks())


@pytest.mark.parametrize("mode", MODES)
def test_same_input_same_picture(mode):
    a = png_bytes(P.grid(FIFTEEN, "sv", **MODES[mode]))
    b = png_bytes(P.grid([dict(s) for s in FIFTEEN], "sv", **MODES[mode]))
    assert a == b
    other = list(FIFTEEN)
    other[0] = dict(other[0], power=1)
    assert png_bytes(P.grid(other, "sv", **MODES[mode])) != a


def test_bad_values_are_drawn_safely_and_nothing_is_empty():
    fig = P.grid([{"name": None, "power": "x", "interest": 9, "attitude": "hostile"}])
    marker = next(line for line in fig.axes[0].lines if line.get_gid() == "stakeholder-marker-0")
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == pytest.approx((5, 3))
    assert marker.get_marker() == P.STYLE["unknown"]["marker"]
    empty = P.grid([])
    assert P.label_boxes(empty) == [] and png_bytes(empty)[:4] == b"\x89PNG"


def test_english_artifacts_for_people_to_look_at():
    ARTIFACTS.mkdir(exist_ok=True)
    for mode in ("normal", "compact"):
        fig = P.grid(FIFTEEN, "en", title="Stakeholders", **MODES[mode])
        assert overlaps(fig) == []
        (ARTIFACTS / f"stakeholder-grid-{mode}-en.png").write_bytes(png_bytes(fig))
