"""The stakeholder grid (Mendelow's power–interest grid) as a matplotlib ``Figure``.

Interest runs along x and power (influence) up y, both 1–5. The quadrant lines sit half a
step below :data:`MIDPOINT` (a 3 counts as high), and each quadrant carries the name of its
strategy. Attitude is shown by colour *and* marker shape (and the unknown one is hollow), so
colour never carries it alone.

Every stakeholder is a labelled point, and no label overlaps another label, a marker, a
quadrant name or a leader line:

1. stakeholders on the same cell are spread on small rings around it (:func:`spread`), the
   same way every time;
2. the layout is fixed once (constrained layout runs, then is frozen) so that a label's
   size in pixels is known before it is placed;
3. each label tries positions around its point, nearest first (:func:`_candidates`),
   measured with the figure's renderer, and takes the first free one; one that had to move
   away from its point gets a thin leader line.

Names are drawn literally (``parse_math=False``: ``"$x^2$"`` is those five characters, never
mathtext) without control characters, wrapped to two lines and shortened with "…"; the
full name belongs in the figure's text alternative.

``compact=True`` is for a phone (320 px): the points are numbered (1 = the first
stakeholder given) and a numbered key under the plot names them; :func:`numbered_key` gives
the same list for a page that prefers to show the key as HTML (``key=False``).

:func:`label_boxes` and :func:`marker_boxes` expose the drawn geometry so that tests can
prove the labels are apart.
"""

from __future__ import annotations

import math
import textwrap

from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from kit import content

try:  # the rules own the threshold; the plot follows it
    from kit.modules.stakeholders.rules import MIDPOINT
except ImportError:  # pragma: no cover - until the rules define it
    MIDPOINT = 3

ATTITUDES = ("for", "neutral", "against", "unknown")
#: Okabe–Ito colours, a marker shape each, and the unknown one hollow.
STYLE = {
    "for": {"color": "#009E73", "marker": "o", "fill": True},
    "neutral": {"color": "#0072B2", "marker": "s", "fill": True},
    "against": {"color": "#D55E00", "marker": "v", "fill": True},
    "unknown": {"color": "#444444", "marker": "D", "fill": False},
}
QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")

#: Texts used where the module's texts lack them (see :data:`TEXT_KEYS`).
FALLBACK = {
    "sv": {
        "grid.power_axis": "Makt/inflytande",
        "grid.interest_axis": "Intresse",
        "grid.attitude": "Inställning",
        "grid.key": "Nummer på kartan",
        "attitude.for": "För",
        "attitude.neutral": "Neutral",
        "attitude.against": "Emot",
        "attitude.unknown": "Okänd",
        "quadrant.manage_closely.name": "Engagera och samarbeta nära",
        "quadrant.keep_satisfied.name": "Håll nöjd",
        "quadrant.keep_informed.name": "Håll informerad",
        "quadrant.monitor.name": "Bevaka",
    },
    "en": {
        "grid.power_axis": "Power/influence",
        "grid.interest_axis": "Interest",
        "grid.attitude": "Attitude",
        "grid.key": "Numbers on the grid",
        "attitude.for": "For",
        "attitude.neutral": "Neutral",
        "attitude.against": "Against",
        "attitude.unknown": "Unknown",
        "quadrant.manage_closely.name": "Manage closely",
        "quadrant.keep_satisfied.name": "Keep satisfied",
        "quadrant.keep_informed.name": "Keep informed",
        "quadrant.monitor.name": "Monitor",
    },
}

# Sizes per mode: figure width (inches), fonts (points), marker size (points), label wrap.
_SIZES = {
    "normal": {"width": 8.6, "font": 11, "label": 9, "marker": 9, "wrap": 18, "quad": 10},
    "large": {"width": 12.0, "font": 15, "label": 12, "marker": 12, "wrap": 18, "quad": 14},
    "compact": {"width": 3.6, "font": 10, "label": 9.5, "marker": 8, "wrap": 0, "quad": 8},
}
_DPI = 110  # the same as kit.plots.png_bytes, so measured and saved pixels agree
_LOW, _HIGH = 0.3, 5.7  # axis limits: room for the quadrant names in the corners
_LEADER = "#777777"


#: Where the module's texts (``kit/modules/stakeholders/texts.<lang>.yaml``) hold each one.
TEXT_KEYS = {
    "grid.power_axis": "plot.axis_power",
    "grid.interest_axis": "plot.axis_interest",
    "grid.attitude": "plot.legend",
    "grid.key": "plot.key",
    **{f"attitude.{a}": f"attitudes.{a}" for a in ATTITUDES},
    **{f"quadrant.{q}.name": f"strategies.{q}" for q in QUADRANTS},
}


def _t(key: str, lang: str) -> str:
    """The module's text for one of the grid's words, else the fallback above."""
    try:
        return content.text(f"stakeholders.{TEXT_KEYS.get(key, key)}", lang)
    except KeyError:
        return FALLBACK[content.normalise_lang(lang)][key]


def literal(text) -> str:
    r"""A typed text as the grid draws it: one line of plain characters, control characters
    removed (it is drawn with ``parse_math=False``, so ``$`` needs no escaping).

    >>> literal("  $x^2$\n <b>\x00AB "), literal(None)
    ('$x^2$ <b>AB', '')
    """
    from kit.io.writers import clean

    return " ".join(clean("" if text is None else str(text)).split())


def label_text(name, width: int = 18, lines: int = 2) -> str:
    """A stakeholder's name as its label: wrapped to ``lines`` lines of at most ``width``
    characters, shortened with "…" when longer.

    >>> label_text("Socialnämnden")
    'Socialnämnden'
    >>> label_text("Förvaltningschefer inom vård och omsorg i kommunen")
    'Förvaltningschefer\\ninom vård och…'
    >>> label_text("x" * 50, 10)
    'xxxxxxxxxx\\nxxxxxxxxx…'
    """
    parts = textwrap.wrap(literal(name), width, break_long_words=True) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][:width - 1].rstrip() + "…"
    return "\n".join(parts)


def numbered_key(stakeholders, width: int = 60, lines: int = 2) -> list[tuple[int, str]]:
    """The numbers of the compact grid and the names they stand for (1 = the first given).

    >>> numbered_key([{"name": "Politiker"}, {"name": " =SUM(A1) "}])
    [(1, 'Politiker'), (2, '=SUM(A1)')]
    """
    return [(i + 1, label_text(s.get("name", ""), width, lines).replace("\n", " "))
            for i, s in enumerate(stakeholders)]


def _level(value) -> int:
    try:
        return min(max(int(value), 1), 5)
    except (TypeError, ValueError):
        return 3


def _attitude(value) -> str:
    return value if value in STYLE else "unknown"


def spread(count: int, spacing: float) -> list[tuple[float, float]]:
    """Offsets (in the units of ``spacing``, the distance wanted between neighbours) for
    ``count`` stakeholders on the same cell: one stays in the middle; two to six sit on a
    ring; more fill a middle point and rings of 6, 12, 18… Deterministic, first one up.

    >>> spread(1, 10)
    [(0.0, 0.0)]
    >>> [(round(x, 1), round(y, 1)) for x, y in spread(2, 10)]
    [(0.0, 5.0), (-0.0, -5.0)]
    >>> len(spread(9, 10)), spread(9, 10)[0]
    (9, (0.0, 0.0))
    """
    if count <= 1:
        return [(0.0, 0.0)] * count
    if count <= 6:
        rings = [count]
        radius0 = max(spacing / (2 * math.sin(math.pi / count)), spacing / 2)
    else:
        rings, left, k = [1], count - 1, 1
        while left > 0:
            rings.append(min(6 * k, left))
            left -= rings[-1]
            k += 1
        radius0 = spacing
    out = []
    for r, n in enumerate(rings):
        radius = 0.0 if n == 1 and len(rings) > 1 and r == 0 else radius0 * (r + (len(rings) == 1))
        for j in range(n):
            angle = math.pi / 2 + 2 * math.pi * j / n + (r % 2) * math.pi / max(n, 1)
            out.append((radius * math.cos(angle), radius * math.sin(angle)))
    return out


def _renderer(fig: Figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _trim(fig: Figure, rows) -> bool:
    """Take away the empty band that a square plot leaves in a taller space (and say
    whether the figure changed, so that its layout has to run again)."""
    _renderer(fig)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    ax.apply_aspect()
    # the height the layout gave the plot, less the height the square plot takes
    slack = (ax.get_position(original=True).height - ax.get_position().height) * fig.get_size_inches()[1]
    slack -= 0.1
    if slack <= 0.02:
        return False
    if rows is not None:
        gs, heights = rows
        heights[0] -= slack
        gs.set_height_ratios(heights)
    fig.set_size_inches(fig.get_size_inches()[0], fig.get_size_inches()[1] - slack)
    return True


def _frozen(fig: Figure, again: bool = True):
    """Run the layout (once more if ``again``) and keep it, so pixel sizes measured now
    stay true."""
    renderer = _renderer(fig)
    if again:
        fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return renderer


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _segment_hits(p, q, box) -> bool:
    """Whether the segment p–q passes through the box (x0, y0, x1, y1) (Liang–Barsky)."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for pk, qk in ((-dx, p[0] - box[0]), (dx, box[2] - p[0]), (-dy, p[1] - box[1]), (dy, box[3] - p[1])):
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
    return True


def _nearest_on(box, p):
    return (min(max(p[0], box[0]), box[2]), min(max(p[1], box[1]), box[3]))


def _angles(preferred: float) -> list[float]:
    """Sixteen directions, the preferred one first, then the nearest ones alternately."""
    steps = [k * math.pi / 8 for k in range(16)]
    return sorted(steps, key=lambda a: (round(abs(math.remainder(a - preferred, 2 * math.pi)), 6), a))


def _candidates(point, size, preferred, first, step, rings):
    """Label boxes around ``point`` (pixels): ring by ring outward, 16 directions each."""
    w, h = size
    angles = _angles(preferred)
    for ring in range(rings):
        r = first + ring * step
        for a in angles:
            c, s = math.cos(a), math.sin(a)
            ax_ = point[0] + r * c
            ay = point[1] + r * s
            x0 = ax_ if c > 0.38 else ax_ - w if c < -0.38 else ax_ - w / 2
            y0 = ay if s > 0.38 else ay - h if s < -0.38 else ay - h / 2
            yield ring, (x0, y0, x0 + w, y0 + h)


def grid(stakeholders: list[dict], lang: str = "sv", large: bool = False, title: str | None = None,
         compact: bool = False, key: bool = True) -> Figure:
    """The power–interest grid of ``stakeholders`` (dicts with name, power 1–5, interest
    1–5, attitude ``for``/``neutral``/``against``/``unknown``).

    ``large`` for the projector; ``compact`` for a phone: numbered points and (``key``) a
    numbered key under the plot. The same input gives the same figure, pixel for pixel.
    """
    lang = content.normalise_lang(lang)
    mode = "compact" if compact else "large" if large else "normal"
    size = _SIZES[mode]
    people = [{"name": literal(s.get("name", "")), "power": _level(s.get("power")),
               "interest": _level(s.get("interest")), "attitude": _attitude(s.get("attitude"))}
              for s in stakeholders]

    key_lines: list[str] = []
    if compact and key and people:
        chars = int(size["width"] * 72 / (size["label"] * 0.6)) - 5
        for n, name in numbered_key(people, 10 * chars, 1):
            parts = textwrap.wrap(f"{n}. {name}", chars, subsequent_indent="    ") or [""]
            if len(parts) > 2:
                parts = [parts[0], parts[1][:chars - 1].rstrip() + "…"]
            key_lines.extend(parts)
    plot_h = size["width"] * 1.15 + 1.0  # generous: _trim takes the rest away
    fig = Figure(figsize=(size["width"], plot_h), dpi=_DPI,
                 layout=ConstrainedLayoutEngine(h_pad=0.1, w_pad=0.06))
    handles = [Line2D([], [], linestyle="none", marker=STYLE[a]["marker"], markersize=size["marker"],
                      color=STYLE[a]["color"], markeredgecolor=STYLE[a]["color"],
                      markerfacecolor=STYLE[a]["color"] if STYLE[a]["fill"] else "white",
                      markeredgewidth=1.6, label=_t(f"attitude.{a}", lang)) for a in ATTITUDES]
    legend_style = {"handles": handles, "frameon": False, "title": _t("grid.attitude", lang),
                    "fontsize": size["font"] - 1, "title_fontsize": size["font"] - 1}
    if not compact:
        ax = fig.add_subplot()
        _axes(ax, lang, size, title)
        fig.legend(loc="outside lower center", ncols=4, **legend_style)
    else:
        # a phone: the plot, the legend under it, then the numbered key; each row as tall
        # as its content measures
        rows = 3 if key_lines else 2
        gs = fig.add_gridspec(rows, 1)
        ax = fig.add_subplot(gs[0])
        _axes(ax, lang, size, title)
        legend_ax = fig.add_subplot(gs[1])
        legend_ax.set_axis_off()
        legend = legend_ax.legend(loc="upper center", ncols=2, borderaxespad=0, **legend_style)
        renderer = _renderer(fig)
        heights = [plot_h, legend.get_window_extent(renderer).height / fig.dpi + 0.05]
        if key_lines:
            key_ax = fig.add_subplot(gs[2])
            key_ax.set_axis_off()
            head = key_ax.text(0, 1, _t("grid.key", lang), transform=key_ax.transAxes, va="top",
                               ha="left", fontsize=size["label"], fontweight="bold")
            body = key_ax.annotate("\n".join(key_lines), (0, 1), xycoords="axes fraction",
                                   xytext=(0, -1.5 * size["label"]), textcoords="offset points",
                                   va="top", ha="left", fontsize=size["label"], linespacing=1.3,
                                   parse_math=False, gid="stakeholder-key")
            heights.append((head.get_window_extent(renderer).height
                            + body.get_window_extent(renderer).height) / fig.dpi + 0.15)
        gs.set_height_ratios(heights)
        fig.set_size_inches(size["width"], sum(heights) + 0.1 * (rows - 1))
    changed = _trim(fig, None if not compact else (gs, heights))
    renderer = _frozen(fig, again=changed)
    _points_and_labels(fig, ax, renderer, people, size, compact)
    return fig


def _axes(ax, lang: str, size: dict, title) -> None:
    ax.set_xlim(_LOW, _HIGH)
    ax.set_ylim(_LOW, _HIGH)
    ax.set_aspect("equal")
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.tick_params(labelsize=size["font"] - 1, length=3)
    ax.set_xlabel(_t("grid.interest_axis", lang), fontsize=size["font"])
    ax.set_ylabel(_t("grid.power_axis", lang), fontsize=size["font"])
    ax.grid(color="#eeeeee", linewidth=0.6)
    ax.set_axisbelow(True)
    line = MIDPOINT - 0.5
    ax.axvline(line, color="#555555", linewidth=1.4, linestyle=(0, (6, 3)), zorder=1,
               gid="quadrant-line-x")
    ax.axhline(line, color="#555555", linewidth=1.4, linestyle=(0, (6, 3)), zorder=1,
               gid="quadrant-line-y")
    ax.fill_between([line, _HIGH], line, _HIGH, color="#f3f3f3", zorder=0, linewidth=0)
    pad = 0.06
    wrap = 14 if size["wrap"] == 0 else 24
    corners = {"keep_satisfied": (_LOW + pad, _HIGH - pad, "left", "top"),
               "manage_closely": (_HIGH - pad, _HIGH - pad, "right", "top"),
               "monitor": (_LOW + pad, _LOW + pad, "left", "bottom"),
               "keep_informed": (_HIGH - pad, _LOW + pad, "right", "bottom")}
    for q in QUADRANTS:
        x, y, ha, va = corners[q]
        name = "\n".join(textwrap.wrap(_t(f"quadrant.{q}.name", lang), wrap))
        ax.text(x, y, name, ha=ha, va=va, fontsize=size["quad"], fontweight="bold", color="#333333",
                multialignment=ha, gid=f"quadrant-{q}", zorder=2)
    if title:
        ax.set_title(literal(title), fontsize=size["font"] + 2, parse_math=False)


def _points_and_labels(fig, ax, renderer, people, size, compact) -> None:
    px = fig.dpi / 72  # pixels per point
    marker_px = size["marker"] * px
    to_px, to_data = ax.transData.transform, ax.transData.inverted().transform
    unit = abs(to_px((1, 0))[0] - to_px((0, 0))[0])  # pixels per grid step

    # 1. positions: coinciding stakeholders spread on rings, never out of their cell
    cells: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(people):
        cells.setdefault((p["interest"], p["power"]), []).append(i)
    centre = [(0.0, 0.0)] * len(people)
    point = [(0.0, 0.0)] * len(people)
    for (x, y), members in cells.items():
        offsets = spread(len(members), marker_px * 2.3)
        reach = max((math.hypot(*o) for o in offsets), default=0.0)
        shrink = min(1.0, 0.46 * unit / reach) if reach else 1.0
        base = to_px((x, y))
        for i, (dx, dy) in zip(members, offsets):
            centre[i] = (base[0], base[1])
            point[i] = (base[0] + dx * shrink, base[1] + dy * shrink)

    # 2. markers, one artist per stakeholder (drawn above the quadrant names and lines)
    half = marker_px / 2 + 1.5 * px
    markers = []
    for i, p in enumerate(people):
        style = STYLE[p["attitude"]]
        x, y = to_data(point[i])
        ax.plot([x], [y], linestyle="none", marker=style["marker"], markersize=size["marker"],
                color=style["color"], markeredgecolor=style["color"], markeredgewidth=1.6,
                markerfacecolor=style["color"] if style["fill"] else "white", zorder=4,
                gid=f"stakeholder-marker-{i}")
        markers.append((point[i][0] - half, point[i][1] - half, point[i][0] + half, point[i][1] + half))

    # 3. labels: free places around each point, the most crowded first
    frame = ax.get_window_extent(renderer)
    inside = (frame.x0 + 2, frame.y0 + 2, frame.x1 - 2, frame.y1 - 2)
    taken = [tuple(t.get_window_extent(renderer).extents) for t in ax.texts
             if str(t.get_gid()).startswith("quadrant-")]
    segments: list[tuple[tuple, tuple]] = []
    midline = [to_px((MIDPOINT - 0.5, MIDPOINT - 0.5))[0], to_px((MIDPOINT - 0.5, MIDPOINT - 0.5))[1]]
    crowd = [sum(math.dist(point[i], point[j]) < 2.5 * unit for j in range(len(people)))
             for i in range(len(people))]
    order = sorted(range(len(people)), key=lambda i: (-crowd[i], i))
    gap = (3.5 if compact else 2) * px  # half the least distance between two labels

    def place(i, w, h, preferred, strict):
        """The best free box for label ``i``: ``strict`` 2 keeps leader lines off markers
        and a label nearest its own point; 1 lets a leader cross a marker; 0 also lets
        the label sit nearer another point and its leader cross a label (a cell with more
        stakeholders than fit around it). Labels never overlap labels or markers."""
        best = None
        for ring, cand in _candidates(point[i], (w, h), preferred, half + px, 5 * px, 80):
            if best is not None and ring >= best[0]:
                break  # nothing further out can beat what was found
            if not (cand[0] >= inside[0] and cand[1] >= inside[1] and cand[2] <= inside[2]
                    and cand[3] <= inside[3]):
                continue
            if any(_overlaps(cand, b) for b in taken) or any(_overlaps(cand, m) for m in markers):
                continue
            if any(_segment_hits(a, b, cand) for a, b in segments):
                continue
            leader = None
            if ring < 2 and strict >= 1 and not _nearest_is(cand, i, point):
                continue  # beside another's marker, it would read as that one's label
            if ring >= 2:
                end = _nearest_on(cand, point[i])
                start = _towards(point[i], end, half)
                if strict >= 1 and any(_segment_hits(start, end, b) for b in taken):
                    continue
                if strict >= 2 and any(_segment_hits(start, end, m)
                                       for j, m in enumerate(markers) if j != i):
                    continue
                leader = (start, end)
            # a label across a quadrant line reads as the wrong quadrant: 3 rings' penalty
            crosses = (cand[0] < midline[0] < cand[2]) or (cand[1] < midline[1] < cand[3])
            score = ring + (3 if crosses else 0)
            if best is None or score < best[0]:
                best = (score, cand, leader)
            if not crosses:
                break
        return best

    for i in order:
        p = people[i]
        text = str(i + 1) if compact else label_text(p["name"], size["wrap"])
        artist = ax.text(0, 0, text, fontsize=size["label"], parse_math=False, zorder=5,
                         ha="left", va="bottom", linespacing=1.1, gid=f"stakeholder-label-{i}",
                         fontweight="bold" if compact else "normal", color="#111111")
        box = artist.get_window_extent(renderer)
        w, h = box.width + 2 * gap, box.height + 2 * gap
        dx, dy = point[i][0] - centre[i][0], point[i][1] - centre[i][1]
        preferred = math.atan2(dy, dx) if (dx or dy) else 0.0
        best = place(i, w, h, preferred, 2) or place(i, w, h, preferred, 1) or place(i, w, h, preferred, 0)
        if best is None:  # nowhere free (never seen): beside the point, on top of whatever
            best = (None, next(_candidates(point[i], (w, h), preferred, half + px, 5 * px, 1))[1], None)
        _, cand, leader = best
        artist.set_position(to_data((cand[0] + gap, cand[1] + gap)))
        taken.append(cand)
        if leader:
            segments.append(leader)
            (x0, y0), (x1, y1) = to_data(leader[0]), to_data(leader[1])
            ax.add_line(Line2D([x0, x1], [y0, y1], color=_LEADER, linewidth=0.8, zorder=3,
                               gid=f"stakeholder-leader-{i}"))


def _nearest_is(box, own: int, points) -> bool:
    """Whether ``points[own]`` is clearly the point nearest to ``box``."""
    def gap(p):
        q = _nearest_on(box, p)
        return math.dist(p, q)

    mine = gap(points[own])
    return all(gap(p) > mine * 1.25 + 1 for j, p in enumerate(points) if j != own)


def _towards(p, q, distance):
    d = math.dist(p, q)
    if d <= distance:
        return p
    return (p[0] + (q[0] - p[0]) * distance / d, p[1] + (q[1] - p[1]) * distance / d)


# ------------------------------------------------------------------ hooks for tests
def _by_gid(fig: Figure, prefix: str, artists: str):
    found = []
    for ax in fig.axes:
        for artist in getattr(ax, artists):
            gid = str(artist.get_gid() or "")
            if gid.startswith(prefix):
                found.append((int(gid.rsplit("-", 1)[1]), artist))
    return [a for _, a in sorted(found, key=lambda pair: pair[0])]


def labels(fig: Figure) -> list:
    """The stakeholders' label ``Text`` artists, in the order the stakeholders were given."""
    return _by_gid(fig, "stakeholder-label-", "texts")


def label_boxes(fig: Figure) -> list[Bbox]:
    """Each stakeholder label's drawn extent in pixels (display coordinates), in order."""
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in labels(fig)]


def marker_boxes(fig: Figure) -> list[Bbox]:
    """Each stakeholder marker's extent in pixels (its size around its centre), in order."""
    out = []
    for line in _by_gid(fig, "stakeholder-marker-", "lines"):
        x, y = line.axes.transData.transform((line.get_xdata()[0], line.get_ydata()[0]))
        r = line.get_markersize() * fig.dpi / 72 / 2
        out.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    return out
