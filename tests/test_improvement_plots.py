"""The improvement theory's figures: the chain's boxes hold their text and keep apart, arrows
follow the links, typed text is literal (in the figure and the SVG), the run chart's medians,
signals, baseline and PDSA cycles are those of the rules, and everything reads on a phone and a
projector."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from kit import content
from kit.domain.runchart import run_chart_rules
from kit.modules.improvement import plots as P
from kit.modules.improvement import rules as r
from kit.plots import PROJECTOR_DPI, PROJECTOR_MIN_PX, text_sizes_px
from tests.conftest import ARTIFACTS

HOSTILE = "<script>alert(1)</script> $x^2$ =1+1"
LONG = "Stöd av en jämställdhetsstrateg och en controller under hela projektet " * 4  # ~290 characters


def chain15() -> dict:
    """Fifteen items, three on each of five steps (no product yet), linked, one effect with
    two goals, long texts and a hostile one."""
    c = r.blank()
    e1 = r.add_item(c, "effect", "Kvinnor och män med samma behov får lika mycket stöd i hemtjänsten",
                    indicator="Beviljade timmar per person", by_sex=True, goals=["economic", "unpaid"])
    e2 = r.add_item(c, "effect", "Jämställd hälsa bland äldre i kommunen", goals=["health"])
    e3 = r.add_item(c, "effect", HOSTILE)
    u1 = r.add_item(c, "outcome", "Hemtjänsttimmarna fördelas jämställt mellan kvinnor och män", leads_to=[e1],
                    indicator="Timmar per brukare", by_sex=True)
    u2 = r.add_item(c, "outcome", "Lika väntetid till särskilt boende", leads_to=[e2])
    u3 = r.add_item(c, "outcome", "Fler män söker stöd för sin hälsa", leads_to=[e2, e3])
    r.add_item(c, "way", "Handläggarna använder en rutin som säkrar en jämställd bedömning av behovet av "
               "hemtjänst", leads_to=[u1, u2])
    r.add_item(c, "way", "Uppföljning per kön varje kvartal", leads_to=[u1])
    r.add_item(c, "way", "Könskonsekvensbeskrivningar i alla beslutsunderlag", leads_to=[u3])
    a1 = r.add_item(c, "activities", "Utbildningsdag om jämställd biståndsbedömning för alla handläggare")
    a2 = r.add_item(c, "activities", "Genomgång av styrdokument")
    a3 = r.add_item(c, "activities", "Workshop med brukarrådet")
    r.add_item(c, "resources", "Två dagar för en arbetsgrupp", leads_to=[a1, a2])
    r.add_item(c, "resources", LONG, leads_to=[a2, a3])
    r.add_item(c, "resources", "Pengar", leads_to=[a3])
    return r.clean_payload(c)


def chain_small() -> dict:
    """One or two items a step: on a phone, every row fits in one line (arrows)."""
    c = r.blank()
    e = r.add_item(c, "effect", "Lika stöd för lika behov", indicator="Timmar per person", by_sex=True,
                   goals=["economic"])
    u = r.add_item(c, "outcome", "Hemtjänsttimmarna fördelas jämställt", leads_to=[e])
    w = r.add_item(c, "way", "Handläggarna använder en rutin för jämställd bedömning", leads_to=[u])
    p = r.add_item(c, "product", "Omarbetade frågor vid biståndshandläggning", leads_to=[w])
    a1 = r.add_item(c, "activities", "Utbildningsdag för handläggarna", leads_to=[p])
    a2 = r.add_item(c, "activities", "Genomgång av styrdokument", leads_to=[p])
    r.add_item(c, "resources", "Två dagar för en arbetsgrupp", leads_to=[a1, a2])
    return r.clean_payload(c)


MODES = {"normal": {}, "large": {"large": True}, "compact": {"compact": True}}


# -- geometry ---------------------------------------------------------------------------------
def renderer(fig):
    return fig.canvas.get_renderer()


def boxes(fig) -> dict[str, object]:
    """Every box (items' and placeholders') by its gid, as a pixel Bbox."""
    rend = renderer(fig)
    return {a.get_gid(): a.get_window_extent(rend) for a in P.artists(fig, "chain-box-")
            + P.artists(fig, "chain-empty-")}


def box_texts(fig) -> list[tuple[str, Text]]:
    """Each text drawn in a box, with the gid of its box."""
    out = []
    for t in fig.findobj(Text):
        gid = str(t.get_gid() or "")
        m = re.match(r"chain-(text|indicator|goals|leads|number)-(.+)$", gid)
        if m:
            out.append((f"chain-box-{m[2]}", t))
        elif gid.startswith("chain-emptytext-"):
            out.append((gid.replace("chain-emptytext-", "chain-empty-"), t))
    return out


def inside(inner, outer, slack=0.5) -> bool:
    return (inner.x0 >= outer.x0 - slack and inner.x1 <= outer.x1 + slack
            and inner.y0 >= outer.y0 - slack and inner.y1 <= outer.y1 + slack)


def overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def segment_hits(p, q, box) -> bool:
    """Whether the segment p–q passes through the inside of ``box`` (Liang–Barsky)."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for pk, qk in ((-dx, p[0] - box.x0), (dx, box.x1 - p[0]), (-dy, p[1] - box.y0), (dy, box.y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
            continue
        t = qk / pk
        if pk < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-6


def layout_problems(fig) -> list[str]:
    """Texts leaving their box, texts on another box, boxes on boxes, headings on boxes, any
    text leaving the figure."""
    fig.canvas.draw()
    rend = renderer(fig)
    found = []
    all_boxes = boxes(fig)
    for owner, text in box_texts(fig):
        ext = text.get_window_extent(rend)
        if not inside(ext, all_boxes[owner]):
            found.append(f"{text.get_gid()} leaves its box")
        for gid, box in all_boxes.items():
            if gid != owner and overlap(ext, box):
                found.append(f"{text.get_gid()} on {gid}")
    for (ga, a), (gb, b) in itertools.combinations(all_boxes.items(), 2):
        if overlap(a, b):
            found.append(f"{ga} on {gb}")
    for heading in P.texts(fig, "chain-heading-"):
        ext = heading.get_window_extent(rend)
        found += [f"{heading.get_gid()} on {gid}" for gid, box in all_boxes.items() if overlap(ext, box)]
    frame = fig.bbox
    for text in fig.findobj(Text):
        if text.get_text().strip() and text.get_visible():
            if not inside(text.get_window_extent(rend), frame, 1):
                found.append(f"{text.get_text()[:20]!r} leaves the figure")
    return found


def squeeze(text: str) -> str:
    """A text without spaces, hyphens and the shortening "…" (what wrapping may add)."""
    return re.sub(r"[\s\-…]", "", text)


# -- the chain ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_boxes_hold_their_text_and_nothing_overlaps(mode):
    fig = P.chain_figure(chain15(), "sv", title="Förbättringsteori för hemtjänsten", **MODES[mode])
    assert len(P.artists(fig, "chain-box-")) == 15
    assert layout_problems(fig) == []
    assert P.texts(fig, "chain-title")[0].get_text() == "Förbättringsteori för hemtjänsten"


def test_the_overlap_check_sees_an_overlap():
    fig = P.chain_figure(chain15(), "sv")
    text = P.texts(fig, "chain-text-")[0]
    x, y = text.get_position()
    text.set_position((x + 1.0, y))  # an inch to the right: out of its box, onto the arrows' gutter
    assert any("leaves its box" in p for p in layout_problems(fig))


@pytest.mark.parametrize("mode", MODES)
def test_every_step_heading_and_every_item_text_is_drawn(mode):
    chain = chain15()
    fig = P.chain_figure(chain, "sv", **MODES[mode])
    headings = {t.get_gid(): t.get_text() for t in P.texts(fig, "chain-heading-")}
    for step in r.STEPS:
        assert " ".join(headings[f"chain-heading-{step}"].split()) == r.step_name(step)
    for item in chain["items"]:
        (drawn,) = P.texts(fig, f"chain-text-{item['id']}")
        assert drawn.get_parse_math() is False
        shown, typed = squeeze(drawn.get_text()), squeeze(item["text"])
        if drawn.get_text().endswith("…"):
            assert typed.startswith(shown) and len(shown) > 20, drawn.get_text()
        else:
            assert shown == typed, (drawn.get_text(), item["text"])
    long_item = next(i for i in chain["items"] if i["text"] == LONG.strip())
    if mode != "compact":  # a phone's full-width box has room for all of it
        assert P.texts(fig, f"chain-text-{long_item['id']}")[0].get_text().endswith("…")
    assert [t.get_text() for t in P.texts(fig, "chain-emptytext-")] == ["Inget här än"]  # no product yet


def test_indicator_and_goals_are_in_the_box():
    chain = chain15()
    fig = P.chain_figure(chain, "sv")
    effect = chain["items"][0]
    indicator = " ".join(P.texts(fig, f"chain-indicator-{effect['id']}")[0].get_text().split())
    assert indicator == "Indikator: Beviljade timmar per person (kvinnor och män)"
    goals = P.texts(fig, f"chain-goals-{effect['id']}")[0].get_text()
    assert goals.startswith("Bidrar till:\n• Ekonomisk") and goals.count("•") == 2  # a goal a line
    assert squeeze(goals) == squeeze("Bidrar till: • Ekonomisk jämställdhet • Obetalt hem- och omsorgsarbete")
    en = P.chain_figure(chain, "en")
    assert "Contributes to:" in P.texts(en, f"chain-goals-{effect['id']}")[0].get_text()
    assert [t.get_text() for t in P.texts(en, "chain-emptytext-")] == ["Nothing here yet"]


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_one_arrow_per_link_between_neighbouring_columns_never_across_a_box(mode):
    chain = chain15()
    fig = P.chain_figure(chain, "sv", **MODES[mode])
    fig.canvas.draw()
    arrows = P.artists(fig, "chain-link-")
    assert len(arrows) == len(chain["links"]) == 13
    all_boxes = boxes(fig)
    to_px = fig.axes[0].transData.transform
    for arrow, (a, b) in zip(arrows, chain["links"]):
        (x0, y0), (x1, y1) = to_px(arrow._posA_posB[0]), to_px(arrow._posA_posB[1])
        src, dst = all_boxes[f"chain-box-{a}"], all_boxes[f"chain-box-{b}"]
        assert abs(x0 - src.x1) < 1 and src.y0 < y0 < src.y1  # leaves the right edge
        assert abs(x1 - dst.x0) < 1 and dst.y0 < y1 < dst.y1  # reaches the left edge
        assert x1 > x0  # left to right
        assert not [gid for gid, box in all_boxes.items() if segment_hits((x0, y0), (x1, y1), box)
                    and gid not in (f"chain-box-{a}", f"chain-box-{b}")]
        assert arrow.get_zorder() < P.artists(fig, f"chain-box-{a}")[0].get_zorder()  # under the boxes


def test_columns_run_forwards_left_to_right():
    fig = P.chain_figure(chain15(), "sv")
    fig.canvas.draw()
    xs = [P.texts(fig, f"chain-heading-{s}")[0].get_window_extent(renderer(fig)).x0 for s in r.STEPS]
    assert xs == sorted(xs) and len(set(xs)) == 6
    assert fig.get_figwidth() == pytest.approx(11.64)


def _rows_read_from_the_effect_down(fig):
    fig.canvas.draw()
    rend = renderer(fig)
    tops = [P.texts(fig, f"chain-heading-{s}")[0].get_window_extent(rend).y1 for s in r.BACKWARDS]
    assert tops == sorted(tops, reverse=True)  # effect at the top (display y grows upwards)
    bands = {s: P.artists(fig, f"chain-band-{s}")[0].get_window_extent(rend) for s in r.STEPS}
    for gid, box in boxes(fig).items():
        owners = [s for s, band in bands.items() if inside(box, band)]
        assert len(owners) == 1, gid


def test_compact_is_rows_taller_than_wide_and_numbered_when_a_row_would_wrap():
    chain = chain15()
    fig = P.chain_figure(chain, "sv", compact=True)
    width, height = fig.get_size_inches()
    assert width * 100 == pytest.approx(320) and height > 3 * width
    _rows_read_from_the_effect_down(fig)
    assert P.artists(fig, "chain-link-") == []  # three in a row do not fit: numbers instead
    numbers = {t.get_gid().removeprefix("chain-number-"): int(t.get_text()) for t in P.texts(fig, "chain-number-")}
    assert sorted(numbers.values()) == list(range(1, 16))
    per_step = [sorted(numbers[i["id"]] for i in r.at_step(chain, s)) for s in r.BACKWARDS]
    flat = [n for numbers_ in per_step for n in numbers_]
    assert flat == list(range(1, 16))  # numbered from the top: the effect's first, the resources' last
    said = set()
    for text in P.texts(fig, "chain-leads-"):
        source = text.get_gid().removeprefix("chain-leads-")
        words = " ".join(text.get_text().split())
        assert words.startswith("Leder till: ")
        said |= {(source, int(n)) for n in re.findall(r"\d+", words)}
    assert said == {(a, numbers[b]) for a, b in chain["links"]}  # every link, once
    fonts = [t.get_fontsize() for _, t in box_texts(fig)]
    assert min(fonts) >= 9  # 12.5 px at 320 px wide


def test_compact_small_chain_has_arrows_pointing_up():
    chain = chain_small()
    fig = P.chain_figure(chain, "sv", compact=True)
    assert fig.get_figheight() > fig.get_figwidth()
    _rows_read_from_the_effect_down(fig)
    arrows = P.artists(fig, "chain-link-")
    assert len(arrows) == len(chain["links"]) == 7
    all_boxes = boxes(fig)
    to_px = fig.axes[0].transData.transform
    for arrow, (a, b) in zip(arrows, chain["links"]):
        (x0, y0), (x1, y1) = to_px(arrow._posA_posB[0]), to_px(arrow._posA_posB[1])
        src, dst = all_boxes[f"chain-box-{a}"], all_boxes[f"chain-box-{b}"]
        assert abs(y0 - src.y1) < 1 and abs(y1 - dst.y0) < 1 and y1 > y0  # top edge up to bottom edge
        assert not [gid for gid, box in all_boxes.items() if segment_hits((x0, y0), (x1, y1), box)
                    and gid not in (f"chain-box-{a}", f"chain-box-{b}")]
    assert layout_problems(fig) == []
    assert not P.texts(fig, "chain-number-")
    wide_rows = P.chain_figure(chain, "sv", rows=True)  # rows at the page's size
    assert len(P.artists(wide_rows, "chain-link-")) == 7 and layout_problems(wide_rows) == []


def test_box_text_is_at_least_nine_points_at_a4_and_readable_projected():
    normal = P.chain_figure(chain15(), "sv")
    assert normal.get_figwidth() == pytest.approx(11.64, abs=0.1)  # A4 landscape
    assert min(t.get_fontsize() for _, t in box_texts(normal)) >= 9
    assert min(t.get_fontsize() for t in P.texts(normal, "chain-text-")) >= 10
    large = P.chain_figure(chain15(), "sv", large=True)
    assert large.get_figwidth() * PROJECTOR_DPI == pytest.approx(1920)
    small = [(t, px) for t, px in text_sizes_px(large, PROJECTOR_DPI) if px < PROJECTOR_MIN_PX]
    assert not small, small


def test_box_heights_grow_with_their_text():
    chain = chain15()
    fig = P.chain_figure(chain, "sv")
    all_boxes = boxes(fig)
    by_text = {i["text"]: all_boxes[f"chain-box-{i['id']}"].height for i in chain["items"]}
    assert by_text[LONG.strip()] > 2.5 * by_text["Pengar"]


def test_typed_text_is_literal_never_mathtext_or_markup():
    chain = chain15()
    chain["items"][1]["text"] = "Kom\x00mun\x1b  $\\foo{$ "  # control characters, broken mathtext
    fig = P.chain_figure(chain, "sv")
    hostile = next(i for i in chain["items"] if i["text"] == HOSTILE)
    drawn = P.texts(fig, f"chain-text-{hostile['id']}")[0]
    assert drawn.get_parse_math() is False
    assert squeeze(drawn.get_text()) == squeeze(HOSTILE)
    assert "$x^2$" in drawn.get_text() and "=1+1" in drawn.get_text() and "<script>" in drawn.get_text()
    assert "-" not in drawn.get_text()  # not a word of letters: cut without a hyphen
    assert P.texts(fig, f"chain-text-{chain['items'][1]['id']}")[0].get_text() == "Kommun $\\foo{$"
    for text in fig.findobj(Text):
        if text.get_text():
            assert text._preprocess_math(text.get_text())[1] is False, text.get_text()
    assert P.chain_png(chain)[:8] == b"\x89PNG\r\n\x1a\n"  # broken mathtext would fail to draw


def test_svg_is_well_formed_keeps_text_and_escapes_markup():
    chain = chain15()
    svg = P.chain_svg(chain, "sv")
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag.endswith("svg")
    assert b"<script" not in svg.lower()
    words = " ".join("".join(t.itertext()) for t in root.iter() if t.tag.endswith("text"))
    for typed in ("<script>alert(1)</", "$x^2$", "=1+1", "Pengar", "Workshop med", "Effekt", "Inget här än",
                  "Bidrar till:"):
        assert typed in words, typed
    assert "&lt;script&gt;alert(1)&lt;/" in svg.decode()
    assert P.chain_svg(chain, "sv") == svg  # the same chain, the same bytes


@pytest.mark.parametrize("mode", MODES)
def test_png_sizes_for_page_phone_and_projector(mode):
    import io

    from PIL import Image

    png = P.chain_png(chain15(), "sv", **MODES[mode])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = Image.open(io.BytesIO(png)).size[0]
    assert width == {"normal": 1280, "large": 1920, "compact": 320}[mode]


def test_empty_and_odd_chains_draw():
    for chain in (r.blank(), {}, None, {"items": [{"id": "x", "step": "effect"}], "links": [["x", "nope"], "junk"]}):
        for mode in MODES.values():
            fig = P.chain_figure(chain, "sv", **mode)
            assert isinstance(fig, Figure)
            assert P.chain_png(chain, **mode)[:4] == b"\x89PNG"
    fig = P.chain_figure(r.blank())
    assert len(P.texts(fig, "chain-emptytext-")) == 6


# -- the run chart ---------------------------------------------------------------------------
WOMEN = [12, 14, 11, 13, 12, 15, 9, 8, 9, 7, 8, 9]  # below the baseline's median from week 7: a shift
MEN = [10, 11, 9, 12, 10, 11, 11, 10, 12, 9, 10, 11]  # no signal
CYCLES = [{"number": 1, "start": "2027-02-10", "end": "2027-03-03", "change": "Ny checklista", "objective": ""},
          {"number": 2, "start": "2027-03-08", "end": "", "change": "Checklistan i alla team", "objective": ""}]


def weekly(women=WOMEN, men=MEN, value=None) -> list[dict]:
    return [{"id": f"m{k}", "date": (dt.date(2027, 1, 4) + dt.timedelta(weeks=k)).isoformat(),
             "value": None if value is None else float(value[k]), "women": float(w), "men": float(m)}
            for k, (w, m) in enumerate(zip(women, men))]


KW = {"cycles": CYCLES, "baseline": 6, "name": "Väntetid $x$", "unit": "dagar"}


def line(fig, gid):
    found = [a for a in fig.axes[0].lines if a.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


@pytest.mark.parametrize("mode", MODES)
def test_each_series_has_its_own_median_from_the_rules(mode):
    fig = P.run_chart(weekly(), "sv", **KW, **MODES[mode])
    for series, values in (("women", WOMEN), ("men", MEN)):
        expected = run_chart_rules(values, baseline=6).median
        solid, dashed = line(fig, f"median-{series}"), line(fig, f"median-{series}-extended")
        assert set(solid.get_ydata()) == set(dashed.get_ydata()) == {expected}
        assert solid.get_linestyle() == "-" and dashed.get_linestyle() != "-"  # dashed beyond the baseline
        assert solid.get_xdata()[-1] == dashed.get_xdata()[0]  # the 6th week
    labels = {t.get_gid(): t.get_text() for t in P.texts(fig, "median-label-")}
    if mode == "compact":
        assert labels == {"median-label-women": "12,5", "median-label-men": "10,5"}
    else:
        assert labels == {"median-label-women": "Median kvinnor: 12,5", "median-label-men": "Median män: 10,5"}


def test_signal_points_are_ringed_for_each_series():
    fig = P.run_chart(weekly(), "sv", **KW)
    for series, values in (("women", WOMEN), ("men", MEN)):
        expected = run_chart_rules(values, baseline=6).signal_points
        rings = line(fig, f"signals-{series}")
        assert len(rings.get_xdata()) == len(expected)
        assert list(rings.get_ydata()) == [values[i] for i in expected]
        assert rings.get_markerfacecolor() == "none" and rings.get_markeredgecolor() == "#000000"
    assert len(line(fig, "signals-women").get_xdata()) == 6 and len(line(fig, "signals-men").get_xdata()) == 0
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Kvinnor", "Män", "Median", "Signal (ringad)", "Utgångsläge"]


def test_women_and_men_differ_by_marker_line_style_and_colour():
    fig = P.run_chart(weekly(), "sv", **KW)
    women, men = line(fig, "series-women"), line(fig, "series-men")
    assert women.get_marker() != men.get_marker()
    assert women.get_linestyle() != men.get_linestyle()
    assert women.get_color() != men.get_color()
    assert women.get_markerfacecolor() != men.get_markerfacecolor()  # filled / hollow: shows in grey
    assert list(women.get_ydata()) == WOMEN and list(men.get_ydata()) == MEN
    three = P.run_chart(weekly(value=[(w + m) / 2 for w, m in zip(WOMEN, MEN)]), "sv", **KW)
    total = line(three, "series-value")
    assert total.get_color() == "#555555" and total.get_linestyle() == "--"
    assert [t.get_text() for t in three.legends[0].get_texts()][:3] == ["Kvinnor", "Män", "Totalt"]
    assert "Median totalt: 11,75" in [t.get_text() for t in P.texts(three, "median-label-")]


@pytest.mark.parametrize("mode", MODES)
def test_pdsa_cycles_and_the_baseline_are_marked_and_labels_keep_apart(mode):
    from matplotlib.dates import date2num

    fig = P.run_chart(weekly(), "sv", **KW, **MODES[mode])
    fig.canvas.draw()
    rend = renderer(fig)
    labels = {t.get_gid(): t for t in fig.findobj(Text)
              if str(t.get_gid()).startswith(("pdsa-label", "baseline-label"))}
    assert {g: t.get_text() for g, t in labels.items()} == {
        "pdsa-label-1": "PDSA 1", "pdsa-label-2": "PDSA 2", "baseline-label": "Utgångsläge"}
    assert line(fig, "pdsa-1").get_xdata()[0] == date2num(dt.date(2027, 2, 10))
    assert line(fig, "pdsa-2").get_xdata()[0] == date2num(dt.date(2027, 3, 8))
    spans = P.artists(fig, "pdsa-span-")
    assert [s.get_gid() for s in spans] == ["pdsa-span-1"]  # the second has no end yet
    assert len(P.artists(fig, "baseline-band")) == 1
    ax = fig.axes[0]
    frame = ax.get_window_extent(rend)
    extents = [t.get_window_extent(rend) for t in labels.values()]
    assert not [1 for a, b in itertools.combinations(extents, 2) if overlap(a, b)]
    assert all(e.y0 >= frame.y0 and e.y1 <= frame.y1 + 1 and e.x0 >= frame.x0 - 1 for e in extents)
    for gid, cycle in (("pdsa-label-1", "pdsa-1"), ("pdsa-label-2", "pdsa-2")):  # right of its own line
        x = ax.transData.transform((line(fig, cycle).get_xdata()[0], 0))[0]
        assert labels[gid].get_window_extent(rend).x0 > x
    points = [ax.transData.transform(xy) for gid in ("series-women", "series-men")
              for xy in line(fig, gid).get_xydata()]
    assert not [p for p in points for e in extents if e.x0 <= p[0] <= e.x1 and e.y0 - 6 <= p[1] <= e.y1]
    for text in fig.findobj(Text):
        if text.get_text().strip() and text.get_visible():
            assert inside(text.get_window_extent(rend), fig.bbox, 1), text.get_text()
    without = P.run_chart(weekly(), "sv", cycles=CYCLES, **MODES[mode])
    assert not P.artists(without, "baseline-band") and not P.artists(without, "median-women-extended")
    assert "Utgångsläge" not in [t.get_text() for t in without.findobj(Text)]


def test_dates_are_weeks_and_numbers_have_a_decimal_comma():
    fig = P.run_chart(weekly(), "sv", **KW)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[-1] == "v. 12" and ticks[0].endswith("\n2027") and all(t.startswith("v. ") for t in ticks)
    en = P.run_chart(weekly(), "en", **KW)
    en.canvas.draw()
    assert [t.get_text() for t in en.axes[0].get_xticklabels()][-1] == "wk 12"
    assert "Median women: 12.5" in [t.get_text() for t in P.texts(en, "median-label-")]
    halves = P.run_chart(weekly(women=[w / 4 for w in WOMEN], men=[m / 4 for m in MEN]), "sv")
    halves.canvas.draw()
    values = [t.get_text() for t in halves.axes[0].get_yticklabels() if t.get_text()]
    assert any("," in v for v in values) and not any("." in v for v in values)
    monthly = [{"date": f"2027-{m:02d}-01", "value": float(m)} for m in range(1, 13)]
    fig = P.run_chart(monthly, "sv")
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()][-1] == "2027-12-01"


def test_name_and_unit_label_the_axis_literally():
    fig = P.run_chart(weekly(), "sv", name="<b>Väntetid</b> $x^2$", unit="dagar")
    label = fig.axes[0].yaxis.label
    assert label.get_text() == "<b>Väntetid</b> $x^2$ (dagar)" and label.get_parse_math() is False
    phone = P.run_chart(weekly(), "sv", name="<b>Väntetid</b> $x^2$", unit="dagar", compact=True)
    assert phone.axes[0].get_title(loc="left") == "<b>Väntetid</b> $x^2$ (dagar)"
    for f in (fig, phone):
        for text in f.findobj(Text):
            if text.get_text():
                assert text._preprocess_math(text.get_text())[1] is False, text.get_text()
    svg = P.run_chart_svg(weekly(), "sv", name="<script>x</script>")
    ET.fromstring(svg)
    assert b"<script" not in svg and b"&lt;script&gt;x&lt;/script&gt;" in svg


def test_empty_one_point_and_gaps_draw():
    for empty in ([], None, [{"date": "", "value": None}]):
        fig = P.run_chart(empty, "sv")
        assert isinstance(fig, Figure)
        assert "Inga mätvärden än" in [t.get_text() for t in fig.findobj(Text)]
        assert P.run_chart_png(empty)[:4] == b"\x89PNG"
    assert "No measurements yet" in [t.get_text() for t in P.run_chart([], "en").findobj(Text)]
    one = P.run_chart([{"date": "2027-03-01", "value": 4.5}], "sv", baseline=6, cycles=CYCLES)
    assert P.run_chart_png([{"date": "2027-03-01", "value": 4.5}])[:4] == b"\x89PNG"
    assert line(one, "median-value").get_ydata()[0] == 4.5
    gaps = weekly()
    gaps[3]["women"] = None
    fig = P.run_chart(gaps, "sv", baseline=6)
    assert len(line(fig, "series-women").get_xdata()) == 11
    # the baseline counts values: the women's sixth value is in week 7
    assert line(fig, "median-women").get_xdata()[-1] == line(fig, "series-women").get_xdata()[5]


def test_notes_say_the_shift_with_its_week_and_none_for_the_other():
    notes = P.run_chart_notes(weekly(), "sv", baseline=6)
    assert notes == ["Kvinnor: 6 punkter i rad under medianen från vecka 7 (2027-02-15): en förskjutning.",
                     "Män: " + content.text("improvement.signals.none", "sv")]
    en = P.run_chart_notes(weekly(), "en", baseline=6)
    assert en[0].startswith("Women: 6 points in a row below the median from week 7")
    short = P.run_chart_notes(weekly()[:5], "sv")
    useful = run_chart_rules(MEN[:5]).useful  # the points off the median
    assert useful == 3 and short[-1] == "Män: " + content.text("improvement.signals.too_few_points", "sv", n=3)
    alone = P.run_chart_notes([{"date": m["date"], "value": w} for m, w in zip(weekly(), WOMEN)], "sv", baseline=6)
    assert alone == ["6 punkter i rad under medianen från vecka 7 (2027-02-15): en förskjutning."]
    assert P.run_chart_notes([], "sv") == []


def test_run_chart_reads_on_a_phone_and_projected():
    phone = P.run_chart(weekly(), "sv", **KW, compact=True)
    assert phone.get_figwidth() * 100 == pytest.approx(320)
    assert min(t.get_fontsize() for t in phone.findobj(Text) if t.get_text().strip()) >= 9.5
    phone.canvas.draw()
    assert len([t for t in phone.axes[0].get_xticklabels() if t.get_text()]) <= 4
    large = P.run_chart(weekly(), "sv", **KW, large=True)
    small = [(t, px) for t, px in text_sizes_px(large, PROJECTOR_DPI) if px < PROJECTOR_MIN_PX]
    assert not small, small
    assert P.run_chart_png(weekly(), **KW)[:8] == b"\x89PNG\r\n\x1a\n"
    assert P.run_chart_png(weekly(), **KW) == P.run_chart_png(weekly(), **KW)


# -- the texts -----------------------------------------------------------------------------------
def test_the_plots_texts_are_in_both_languages():
    def flat(node, prefix=""):
        out = {}
        for key, value in node.items():
            if isinstance(value, dict):
                out.update(flat(value, f"{prefix}{key}."))
            else:
                out[f"{prefix}{key}"] = value
        return out

    assert set(P.FALLBACK["sv"]) == set(P.FALLBACK["en"])
    for lang in ("sv", "en"):
        assert flat(content.lookup("improvement.plots", lang)) == P.FALLBACK[lang], lang


def test_pictures_for_people_to_look_at():
    ARTIFACTS.mkdir(exist_ok=True)
    pictures = {
        "chain": P.chain_png(chain15()), "chain-phone": P.chain_png(chain15(), compact=True),
        "chain-phone-small": P.chain_png(chain_small(), compact=True),
        "chain-projector": P.chain_png(chain15(), large=True), "chain-en": P.chain_png(chain15(), "en"),
        "run": P.run_chart_png(weekly(), **KW), "run-phone": P.run_chart_png(weekly(), compact=True, **KW),
        "run-projector": P.run_chart_png(weekly(), large=True, **KW),
    }
    for name, png in pictures.items():
        assert png.startswith(b"\x89PNG")
        (ARTIFACTS / f"improvement-{name}.png").write_bytes(png)
