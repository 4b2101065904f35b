r"""The improvement theory's figures: the results chain as a diagram and the run chart, as
matplotlib :class:`~matplotlib.figure.Figure` objects (never pyplot), pure (no widgets, store or
files).

**The chain** (:func:`chain_figure`). Wide (the default, and ``large`` for the projector): the six
steps as columns, read forwards left to right (resources … effect), each headed by the step's
name; the items as rounded white boxes on the step's calm band; links as arrows from the right
edge of a box to the left edge of the box it leads to, drawn under the boxes and only in the
gutter between two neighbouring columns, so no arrow crosses a box. ``compact`` (a phone, 320 px)
or ``rows=True``: the steps as *rows*, the effect at the top and the resources at the bottom — the
order the group built the chain in, backwards from the effect, and the order the page lists it —
so the arrows point *up*, from the top edge of a box to the bottom edge of the box it leads to.
When a step has more boxes than fit side by side (three on a phone), the boxes are full width,
numbered from the top, and each says which boxes it leads to instead of an arrow that would pass
behind other boxes.

Every box is as tall as its text: the text is wrapped by measuring it with the figure's own
renderer (so no line runs out of its box, whatever the font), a long word is broken (with a
hyphen between letters), and a very long text is shortened with "…" (the full text is in
:func:`kit.modules.improvement.rules.chain_text`, the diagram's text alternative). Under the text,
smaller: the indicator ("Indikator: …", "(kvinnor och män)" when it is followed for women and men),
and for an effect the national gender-equality goals it contributes to. A step with no items
shows a faint dashed box saying so. Within a step the items are ordered by the items they lead
to, so arrows cross as little as they can.

**The run chart** (:func:`run_chart`): the measurements over time, joined by a line; each series'
median (:func:`kit.domain.runchart.run_chart_rules`) drawn across and labelled with its value
("Median 4,5"), solid over the baseline period (shaded, "Utgångsläge") and dashed beyond it; the
PDSA cycles marked on the time axis ("PDSA 1" at each start, the cycle's span shaded when it has
an end); the points that make a signal ringed (a black ring: not colour alone). Women and men,
when measured, are drawn in one chart — the same axes make their levels comparable — each with
its own median, told apart by colour, marker, fill and line style (as the statistics figures:
women solid with filled circles, men dash-dot with hollow squares, the total grey and dashed).
:func:`run_chart_notes` says the signals in words.

Typed text is drawn as typed: control characters removed, ``parse_math=False`` on every text,
so ``"$x^2$"`` is five characters and ``"<script>"`` is eight; an SVG (:func:`chain_svg`) keeps
the text as text, escaped by the SVG writer.

>>> fig = chain_figure({"items": [{"id": "e", "step": "effect", "text": "Lika stöd $x$"}], "links": []})
>>> [t.get_text() for t in texts(fig, "chain-text-")]
['Lika stöd $x$']
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import TYPE_CHECKING

from kit import content
from kit.fmt import number
from kit.modules.improvement import rules as r

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

#: Texts used where the module's texts (``improvement.plots`` in ``texts.<lang>.yaml``) lack
#: them; a test checks that both files hold exactly these keys.
FALLBACK = {
    "sv": {
        "empty_step": "Inget här än",
        "indicator": "Indikator: {indicator}",
        "indicator_by_sex": "Indikator: {indicator} (kvinnor och män)",
        "goals": "Bidrar till:",
        "leads_to": "Leder till: {numbers}",
        "goal_short.power": "Makt och inflytande",
        "goal_short.economic": "Ekonomisk jämställdhet",
        "goal_short.education": "Jämställd utbildning",
        "goal_short.unpaid": "Obetalt hem- och omsorgsarbete",
        "goal_short.health": "Jämställd hälsa",
        "goal_short.violence": "Mäns våld mot kvinnor ska upphöra",
        "women": "Kvinnor",
        "men": "Män",
        "total": "Totalt",
        "measurements": "Mätvärden",
        "median": "Median {value}",
        "median_of": "Median {label}: {value}",
        "median_legend": "Median",
        "baseline": "Utgångsläge",
        "signal": "Signal (ringad)",
        "pdsa": "PDSA {number}",
        "week_tick": "v. {week}",
        "no_measurements": "Inga mätvärden än",
    },
    "en": {
        "empty_step": "Nothing here yet",
        "indicator": "Indicator: {indicator}",
        "indicator_by_sex": "Indicator: {indicator} (women and men)",
        "goals": "Contributes to:",
        "leads_to": "Leads to: {numbers}",
        "goal_short.power": "Power and influence",
        "goal_short.economic": "Economic equality",
        "goal_short.education": "Equal education",
        "goal_short.unpaid": "Unpaid housework and care",
        "goal_short.health": "Equal health",
        "goal_short.violence": "Men's violence against women must stop",
        "women": "Women",
        "men": "Men",
        "total": "Total",
        "measurements": "Measurements",
        "median": "Median {value}",
        "median_of": "Median {label}: {value}",
        "median_legend": "Median",
        "baseline": "Baseline",
        "signal": "Signal (ringed)",
        "pdsa": "PDSA {number}",
        "week_tick": "wk {week}",
        "no_measurements": "No measurements yet",
    },
}


def _t(key: str, lang: str, **values) -> str:
    """The module's text ``improvement.plots.<key>``, else the fallback above."""
    lang = content.normalise_lang(lang)
    try:
        value = content.text(f"improvement.plots.{key}", lang)
    except KeyError:
        value = FALLBACK[lang][key]
    return value.format(**values) if values else value


def literal(text) -> str:
    r"""A typed text as a figure draws it: one line, control characters removed (drawn with
    ``parse_math=False``, so ``$`` needs no escaping).

    >>> literal("  $x^2$\n <b>\x00AB "), literal(None)
    ('$x^2$ <b>AB', '')
    """
    from kit.io.writers import clean

    return " ".join(clean("" if text is None else str(text)).split())


# -- measuring and wrapping ---------------------------------------------------------------
def _renderer(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


class _Ruler:
    """Text widths in inches, measured with the figure's renderer (as the text is drawn)."""

    def __init__(self, fig):
        self.renderer = _renderer(fig)
        self.dpi = fig.dpi
        self._cache: dict = {}

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        from matplotlib.font_manager import FontProperties

        key = (text, size, weight)
        if key not in self._cache:
            w, _, _ = self.renderer.get_text_width_height_descent(
                text, FontProperties(size=size, weight=weight), ismath=False)
            self._cache[key] = w / self.dpi
        return self._cache[key]


_VOWELS = set("aeiouyåäöéüAEIOUYÅÄÖÉÜ")


def _joint(word: str, k: int) -> int:
    """Where to hyphenate ``word`` at or before ``k`` characters: a Swedish compound's joint
    (after a consonant and an "s": "bistånds-bedömning", "jämställdhets-strateg"), else
    before a consonant and a vowel ("Handläg-garna"), else at ``k``; at least three letters
    on each side when it can.

    >>> [_joint(w, 14) for w in ("biståndsbedömning", "Hemtjänsttimmarna", "Könskonsekvensbeskrivningar")]
    [8, 12, 14]
    """
    def letter(c):
        return c.isalpha()

    ok = range(3, min(k, len(word) - 3) + 1)
    joints = [i for i in ok if word[i - 1] == "s" and letter(word[i]) and letter(word[i - 2])
              and word[i - 2] not in _VOWELS and word[i - 2].lower() != "s"
              and word[i].lower() != word[i + 1].lower()]  # no Swedish word starts "tt…"
    if joints:
        return joints[-1]
    syllables = [i for i in ok if i + 1 < len(word) and letter(word[i - 1]) and word[i] not in _VOWELS
                 and letter(word[i]) and word[i + 1] in _VOWELS]
    return syllables[-1] if syllables else k


def _break_word(word: str, fits) -> list[str]:
    """A word too long for a line, in pieces that fit: a word of letters is hyphenated
    (:func:`_joint`); anything else (a URL, "<script>") is cut without a hyphen, so its
    characters stay as typed."""
    letters = word.strip(".,;:!?()\"'”’»«").replace("-", "")
    alpha = letters.isalpha()
    pieces = []
    while word and not fits(word):
        k = 1
        if alpha:
            while k < len(word) and fits(word[:k + 1] + "-"):
                k += 1
            cut = _joint(word, k) if k < len(word) else k
            hyphen = 0 < cut < len(word) and word[cut - 1].isalpha() and word[cut].isalpha()
        else:
            while k < len(word) and fits(word[:k + 1]):
                k += 1
            cut, hyphen = k, False
        pieces.append(word[:cut] + ("-" if hyphen else ""))
        word = word[cut:]
    return [*pieces, word] if word else pieces


def wrap(text: str, fits, max_lines: int | None = None) -> list[str]:
    """``text`` in lines that each ``fits`` (a test of one line), greedily, words kept whole
    unless one alone is too long; more than ``max_lines`` lines are shortened with "…".

    >>> wrap("Utbildning för alla handläggare", lambda s: len(s) <= 12)
    ['Utbildning', 'för alla', 'handläggare']
    >>> wrap("Könskonsekvensbeskrivningar görs", lambda s: len(s) <= 16)
    ['Könskonsekvens-', 'beskrivningar', 'görs']
    >>> wrap("<script>alert(1)</script>", lambda s: len(s) <= 10)
    ['<script>al', 'ert(1)</sc', 'ript>']
    >>> wrap("ett två tre fyra fem sex", lambda s: len(s) <= 8, max_lines=2)
    ['ett två', 'tre…']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        elif fits(word):
            lines.append(word)
        else:
            lines.extend(_break_word(word, fits))
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        words = last.split(" ")
        while len(words) > 1 and not fits(" ".join(words) + "…"):  # whole words first
            words.pop()
        last = " ".join(words)
        while last and not fits(last.rstrip(" -") + "…"):
            last = last[:-1]
        lines[-1] = last.rstrip(" -,;:") + "…"
    return lines


# -- the chain -----------------------------------------------------------------------------
#: A calm colour per step (Okabe–Ito, as light bands behind white boxes; the heading names the
#: step, so the colour only helps the eye).
STEP_COLOURS = {"resources": "#56B4E9", "activities": "#009E73", "product": "#E69F00",
                "way": "#D55E00", "outcome": "#CC79A7", "effect": "#0072B2"}
_INK = "#111111"
_SOFT_INK = "#333333"
_EDGE = "#555555"
_ARROW = "#3A3A3A"

#: Sizes per mode, inches and points: the figure's width, margins, the gutter between columns
#: (rows, compact), padding inside a band and a box, the gap between boxes; the fonts of the
#: heading, the box text and its small lines; lines of text a box shows at most.
_CHAIN = {
    "normal": {"width": 11.64, "dpi": 110, "margin": 0.14, "gutter": 0.38, "band": 0.05, "pad": 0.07,
               "gap": 0.14, "head": 11, "body": 10, "small": 9, "title": 13, "lines": 7, "arrow": 1.3,
               "head_len": 13, "bar": 3, "min_box": 2.2},
    "large": {"width": 19.2, "dpi": 100, "margin": 0.22, "gutter": 0.58, "band": 0.07, "pad": 0.1,
              "gap": 0.2, "head": 16, "body": 15, "small": 13.5, "title": 18, "lines": 6, "arrow": 2.0,
              "head_len": 20, "bar": 4, "min_box": 3.0},
    "compact": {"width": 3.2, "dpi": 100, "margin": 0.06, "gutter": 0.34, "band": 0.06, "pad": 0.06,
                "gap": 0.08, "head": 10.5, "body": 9.5, "small": 9, "title": 11, "lines": 8, "arrow": 1.2,
                "head_len": 11, "bar": 2.5, "min_box": 1.4},
}
_LINESPACING = 1.15


def _mode(compact: bool, large: bool) -> str:
    return "compact" if compact else "large" if large else "normal"


def _tint(colour: str, amount: float) -> tuple:
    from matplotlib.colors import to_rgb

    rgb = to_rgb(colour)
    return tuple(1 - amount * (1 - c) for c in rgb)


def _goal_short(key: str, lang: str) -> str:
    try:
        return _t(f"goal_short.{key}", lang)
    except KeyError:
        return r.goal_name(key, lang)


def _ordered(chain: dict) -> dict[str, list[dict]]:
    """The items of each step, the effect's in the order given, each step below by the mean
    place of the items it leads to (fewer crossing arrows); an item that leads nowhere last,
    in the order given."""
    items = [i for i in chain.get("items") or [] if isinstance(i, dict) and i.get("step") in r.STEPS]
    links = chain.get("links") or []
    out: dict[str, list[dict]] = {}
    place: dict[str, int] = {}
    for step in r.BACKWARDS:
        here = [i for i in items if i["step"] == step]
        if step != "effect":
            def key(pair, here=here):
                n, item = pair
                targets = [place[b] for a, b in links if a == item.get("id") and b in place]
                return (0, sum(targets) / len(targets), n) if targets else (1, 0, n)

            here = [item for _, item in sorted(enumerate(here), key=key)]
        for n, item in enumerate(here):
            place[str(item.get("id"))] = n
        out[step] = here
    return out


def _parts(item: dict, lang: str) -> list[tuple[str, str | list[str]]]:
    """What a box says, as (kind, text): the item's text, its indicator, an effect's goals
    (a list: each goal on its own line)."""
    parts: list[tuple[str, str | list[str]]] = []
    text = literal(item.get("text"))
    indicator = literal(item.get("indicator") or item.get("indicator_id"))
    if text:
        parts.append(("text", text))
    if indicator:
        key = "indicator_by_sex" if item.get("by_sex") or item.get("indicator_id") else "indicator"
        parts.append(("indicator", _t(key, lang, indicator=indicator)))
    goals = [g for g in r.NATIONAL_GOALS if g in (item.get("goals") or [])] if item.get("step") == "effect" else []
    if goals:
        parts.append(("goals", [_goal_short(g, lang) for g in goals]))
    return parts or [("text", "–")]


class _Box:
    """One box of the diagram: its texts (artists and heights, inches) and its place (inches
    from the figure's top left, y downwards)."""

    def __init__(self, gid: str, width: float):
        self.gid, self.w = gid, width
        self.texts: list = []
        self.heights: list[float] = []
        self.number = None  # the box's number (rows without arrows), an artist
        self.indent = 0.0
        self.empty = False
        self.h = self.x = self.y = 0.0


def chain_figure(chain: dict, lang: str = "sv", *, compact: bool = False, large: bool = False,
                 title: str | None = None, rows: bool | None = None) -> Figure:
    """The results chain as a diagram.

    ``chain`` is the cleaned payload (``items`` and ``links``, :func:`rules.clean_payload`).

    * Wide (the default; ``large`` for the projector, 1920 px wide at 100 dpi, every text at
      least 13.5 pt; the normal size is A4 landscape, 1280 px at 110 dpi, box text 10 pt): the
      steps as columns in :data:`rules.STEPS` order, left to right, arrows from the right edge
      of a box to the left edge of the box it leads to.
    * Rows (``compact`` for a phone, 320 px wide at 100 dpi, or ``rows=True`` at any size): the
      steps as rows, **the effect at the top down to the resources at the bottom** — the order
      the group built the chain in, and the order the page and the text alternative list it.
      When every step's boxes fit side by side in one line, links are arrows pointing up, from
      the top edge of a box to the bottom edge of the box above it leads to. When a step has
      more boxes than fit in a line (more than two on a phone), arrows would have to pass
      behind other boxes: then the boxes are full width, one under the other, numbered (1, 2,
      … from the top), and each says which boxes it leads to ("Leder till: 1, 2") — on a phone
      that reads more surely than a tangle of arrows.

    The figure is as tall as its content. Every artist carries a ``gid``: ``chain-box-<id>``,
    ``chain-text-<id>``, ``chain-indicator-<id>``, ``chain-goals-<id>``, ``chain-leads-<id>``
    and ``chain-number-<id>`` (numbered rows), ``chain-heading-<step>``, ``chain-band-<step>``,
    ``chain-empty-<step>`` (a step's placeholder box, its text ``chain-emptytext-<step>``),
    ``chain-title`` and ``chain-link-<n>`` (the arrows, one per link, in the order of
    ``links``).
    """
    from matplotlib.figure import Figure

    lang = content.normalise_lang(lang)
    size = _CHAIN[_mode(compact, large)]
    rows = compact if rows is None else bool(rows)
    W = size["width"]
    fig = Figure(figsize=(W, 4), dpi=size["dpi"])
    ruler = _Ruler(fig)
    renderer = ruler.renderer
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    chain = chain if isinstance(chain, dict) else {}
    steps = _ordered(chain)
    ids = {str(i.get("id")) for s in r.STEPS for i in steps[s]}
    links = [(str(a), str(b)) for a, b in (tuple(link)[:2] for link in chain.get("links") or []
                                            if isinstance(link, (list, tuple)) and len(link) >= 2)
             if str(a) in ids and str(b) in ids]

    widest = {"number": 1}  # the highest box number (numbered rows): the text's indent

    def text_artist(lines, fontsize, gid, **kw):
        artist = ax.text(0, 0, "\n".join(lines), fontsize=fontsize, parse_math=False, va="top",
                         ha="left", linespacing=_LINESPACING, gid=gid, zorder=4, clip_on=False, **kw)
        return artist, artist.get_window_extent(renderer).height / fig.dpi

    def fits_in(width, font, weight="normal"):
        return lambda s: ruler.width(s, font, weight) <= width

    def make_box(item, width, number=None, leads=None) -> _Box:
        box = _Box(f"chain-box-{item.get('id')}", width)
        if number is not None:
            box.number, _ = text_artist([str(number)], size["body"], f"chain-number-{item.get('id')}",
                                        fontweight="bold", color=_INK)
            box.indent = ruler.width(str(widest["number"]), size["body"], "bold") + 0.07
        inner = width - 2 * size["pad"] - box.indent
        parts = _parts(item, lang)
        if leads:
            parts.append(("leads", _t("leads_to", lang, numbers=", ".join(str(n) for n in leads))))
        for kind, words in parts:
            font = size["body"] if kind == "text" else size["small"]
            if kind == "goals":
                lines = wrap(_t("goals", lang), fits_in(inner, font))
                for goal in words:
                    bullet = wrap(goal, lambda s: ruler.width("• " + s, font) <= inner)
                    lines += ["• " + bullet[0], *("   " + rest for rest in bullet[1:])]
            else:
                lines = wrap(words, fits_in(inner, font), size["lines"] if kind == "text" else 3)
            artist, h = text_artist(lines, font, f"chain-{kind}-{item.get('id')}",
                                    color=_INK if kind == "text" else _SOFT_INK)
            box.texts.append(artist)
            box.heights.append(h)
        box.h = sum(box.heights) + 0.04 * (len(box.heights) - 1) + 2 * size["pad"]
        return box

    def make_empty(step, width) -> _Box:
        box = _Box(f"chain-empty-{step}", width)
        box.empty = True
        lines = wrap(_t("empty_step", lang), fits_in(width - 2 * size["pad"], size["small"]))
        artist, h = text_artist(lines, size["small"], f"chain-emptytext-{step}", color="#555555",
                                style="italic")
        box.texts, box.heights = [artist], [h]
        box.h = max(h + 2 * size["pad"], 0.42 if not large else 0.62)
        return box

    def heading(step, width):
        lines = wrap(r.step_name(step, lang), fits_in(width, size["head"], "bold"))
        return text_artist(lines, size["head"], f"chain-heading-{step}", fontweight="bold")

    margin = size["margin"]
    top = margin
    if title and literal(title):
        lines = wrap(literal(title), fits_in(W - 2 * margin, size["title"], "bold"), 2)
        title_artist, title_h = text_artist(lines, size["title"], "chain-title", fontweight="bold")
        title_artist.set_position((margin, top))
        top += title_h + 0.12

    boxes: dict[str, _Box] = {}
    bands = []  # (step, x, y, w, h)
    heads = []  # (artist, x, y)
    all_boxes: list[_Box] = []
    numbered = False
    if not rows:
        col = (W - 2 * margin - 5 * size["gutter"]) / 6
        inner_w = col - 2 * size["band"]
        head_arts = {s: heading(s, inner_w) for s in r.STEPS}
        head_h = max(h for _, h in head_arts.values())
        y0 = top + size["band"] + head_h + 0.1 + size["band"]
        columns = {step: [make_box(i, inner_w) for i in steps[step]] or [make_empty(step, inner_w)]
                   for step in r.STEPS}
        heights = {s: sum(b.h for b in bs) + size["gap"] * (len(bs) - 1) for s, bs in columns.items()}
        content_h = max(heights.values())
        H = y0 + content_h + size["band"] + margin
        for k, step in enumerate(r.STEPS):
            x = margin + k * (col + size["gutter"])
            bands.append((step, x, top, col, H - margin - top))
            heads.append((head_arts[step][0], x + size["band"], top + size["band"]))
            y = y0 + (content_h - heights[step]) / 2  # each column centred: the arrows run level
            for box in columns[step]:
                box.x, box.y = x + size["band"], y
                y += box.h + size["gap"]
            for item, box in zip(steps[step], columns[step]):
                boxes[str(item.get("id"))] = box
            all_boxes.extend(columns[step])
    else:
        inner_w = W - 2 * margin - 2 * size["band"]
        per_line = max(1, int((inner_w + size["gap"]) // (size["min_box"] + size["gap"])))
        numbered = any(len(steps[s]) > per_line for s in r.STEPS) and bool(links)
        numbers, leads = {}, {}
        if numbered:
            order = [str(i.get("id")) for s in r.BACKWARDS for i in steps[s]]
            numbers = {item_id: n for n, item_id in enumerate(order, start=1)}
            for a, b in links:
                leads.setdefault(a, []).append(numbers[b])
            widest["number"] = max(numbers.values())
        y = top
        for step in r.BACKWARDS:
            art, head_h = heading(step, inner_w)
            items = steps[step]
            k = 1 if numbered else max(1, min(len(items), per_line))  # numbered: full-width boxes
            width = (inner_w - size["gap"] * (k - 1)) / k
            made = [make_box(i, width, numbers.get(str(i.get("id"))), sorted(leads.get(str(i.get("id")), [])))
                    for i in items] or [make_empty(step, inner_w)]
            band_top = y
            heads.append((art, margin + size["band"], y + size["band"]))
            y += size["band"] + head_h + 0.07
            for start in range(0, len(made), k):
                line = made[start:start + k]
                used = sum(b.w for b in line) + size["gap"] * (len(line) - 1)
                x = margin + size["band"] + (inner_w - used) / 2
                for box in line:
                    box.x, box.y = x, y
                    x += box.w + size["gap"]
                y += max(b.h for b in line) + size["gap"]
            y += size["band"] - size["gap"]
            bands.append((step, margin, band_top, W - 2 * margin, y - band_top))
            for item, box in zip(items, made):
                boxes[str(item.get("id"))] = box
            all_boxes.extend(made)
            y += size["gutter"] if not numbered else size["gap"] * 1.5
        H = y - (size["gutter"] if not numbered else size["gap"] * 1.5) + margin

    fig.set_size_inches(W, H)
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)
    _draw_chain(ax, size, bands, heads, all_boxes, boxes, [] if numbered else links, rows)
    return fig


def _draw_chain(ax, size, bands, heads, all_boxes, boxes, links, rows) -> None:
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    renderer = ax.figure.canvas.get_renderer()
    for step, x, y, w, h in bands:
        ax.add_patch(Rectangle((x, y), w, h, facecolor=_tint(STEP_COLOURS[step], 0.13), edgecolor="none",
                               zorder=0, gid=f"chain-band-{step}"))
    for artist, x, y in heads:
        artist.set_position((x, y))
        artist.set_color(_INK)
        step = artist.get_gid().removeprefix("chain-heading-")
        if rows and links:  # an arrow passing a heading goes behind it
            artist.set_bbox({"boxstyle": "square,pad=0.12", "facecolor": _tint(STEP_COLOURS[step], 0.13),
                             "edgecolor": "none"})
        # a bar in the step's colour under the heading
        bottom = y + artist.get_window_extent(renderer).height / ax.figure.dpi + 0.035
        band = next(b for b in bands if b[0] == step)
        bar_w = band[3] - 2 * size["band"] if not rows else min(
            band[3] - 2 * size["band"], artist.get_window_extent(renderer).width / ax.figure.dpi)
        ax.plot([x, x + bar_w], [bottom] * 2, color=STEP_COLOURS[step], linewidth=size["bar"],
                solid_capstyle="butt", zorder=1, gid=f"chain-bar-{step}")
    rounding = 0.05 if size["body"] < 12 else 0.07
    for box in all_boxes:
        ax.add_patch(FancyBboxPatch((box.x, box.y), box.w, box.h,
                                    boxstyle=f"round,pad=0,rounding_size={rounding}",
                                    facecolor="none" if box.empty else "white",
                                    edgecolor="#8A8A8A" if box.empty else _EDGE,
                                    linestyle=(0, (4, 3)) if box.empty else "-",
                                    linewidth=1.0, zorder=2, gid=box.gid))
        if box.number is not None:
            box.number.set_position((box.x + size["pad"], box.y + size["pad"]))
        y = box.y + size["pad"]
        for artist, h in zip(box.texts, box.heights):
            artist.set_position((box.x + size["pad"] + box.indent, y))
            y += h + 0.04

    # the arrows: one per link, spread along the edges they leave and reach
    out: dict[str, list] = {}
    into: dict[str, list] = {}
    for n, (a, b) in enumerate(links):
        out.setdefault(a, []).append(n)
        into.setdefault(b, []).append(n)

    def centre(box):
        return (box.x + box.w / 2, box.y + box.h / 2)

    def spread(box, members, other):
        """Where each of ``members`` (link numbers) meets ``box``: spread along the edge, in
        the order of the boxes at their other ends."""
        order = sorted(members, key=lambda n: centre(boxes[other(n)])[0 if rows else 1])
        length = box.w if rows else box.h
        span = min(length * 0.6, (0.11 if not rows else 0.16) * (len(order) - 1))
        return {n: (-span / 2 + span * k / (len(order) - 1) if len(order) > 1 else 0.0)
                for k, n in enumerate(order)}

    starts, ends = {}, {}
    for a, members in out.items():
        starts |= spread(boxes[a], members, lambda n: links[n][1])
    for b, members in into.items():
        ends |= spread(boxes[b], members, lambda n: links[n][0])
    for n, (a, b) in enumerate(links):
        src, dst = boxes[a], boxes[b]
        if rows:
            pa = (src.x + src.w / 2 + starts[n], src.y)
            pb = (dst.x + dst.w / 2 + ends[n], dst.y + dst.h)
        else:
            pa = (src.x + src.w, src.y + src.h / 2 + starts[n])
            pb = (dst.x, dst.y + dst.h / 2 + ends[n])
        ax.add_patch(FancyArrowPatch(pa, pb, arrowstyle="-|>,head_length=0.45,head_width=0.22",
                                     mutation_scale=size["head_len"], color=_ARROW, linewidth=size["arrow"],
                                     shrinkA=0, shrinkB=0.5, zorder=1.5, gid=f"chain-link-{n}"))


def _save(fig, fmt: str, dpi) -> bytes:
    from matplotlib import rc_context

    buffer = io.BytesIO()
    if fmt == "svg":
        with rc_context({"svg.fonttype": "none", "svg.hashsalt": "jamkit"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buffer, format="png", dpi=dpi or fig.dpi, metadata={"Software": None})
    return buffer.getvalue()


def chain_png(chain: dict, lang: str = "sv", *, dpi: float | None = None, **kw) -> bytes:
    """The chain diagram as PNG bytes (``kw`` as :func:`chain_figure`), at the mode's
    resolution unless ``dpi`` is given: 1280 px wide, 320 px compact, 1920 px large."""
    return _save(chain_figure(chain, lang, **kw), "png", dpi)


def chain_svg(chain: dict, lang: str = "sv", **kw) -> bytes:
    """The chain diagram as SVG bytes, its texts kept as text (searchable, selectable; the
    SVG writer escapes ``<`` and ``&``), the same bytes for the same chain."""
    return _save(chain_figure(chain, lang, **kw), "svg", None)


# -- the run chart ------------------------------------------------------------------------
#: How each series is drawn: women vermillion, solid, filled circles; men blue, dash-dot,
#: hollow squares; the total grey, dashed, diamonds — and blue, solid, circles when it is the
#: only one.
SERIES_STYLE = {
    "women": {"color": "#D55E00", "marker": "o", "linestyle": "-", "markerfacecolor": "#D55E00"},
    "men": {"color": "#0072B2", "marker": "s", "linestyle": (0, (7, 2, 1.5, 2)), "markerfacecolor": "white"},
    "value": {"color": "#555555", "marker": "D", "linestyle": "--", "markerfacecolor": "#555555"},
    "alone": {"color": "#0072B2", "marker": "o", "linestyle": "-", "markerfacecolor": "#0072B2"},
}
_BASELINE = "#E9E9E9"
_TIERS = 3  # rows of labels (PDSA cycles, the baseline) above the data, at most
_RUN = {
    "normal": {"figsize": (9.0, 4.8), "dpi": 110, "tick": 10, "label": 11, "legend": 10, "note": 10,
               "line": 2.2, "marker": 6.5, "median": 1.4, "ticks": 10, "wrap": 60},
    "compact": {"figsize": (3.2, 4.4), "dpi": 100, "tick": 9.5, "label": 10, "legend": 9.5, "note": 9.5,
                "line": 1.8, "marker": 5.5, "median": 1.3, "ticks": 4, "wrap": 34},
    "large": {"figsize": (12.8, 6.8), "dpi": 100, "tick": 14, "label": 15, "legend": 14, "note": 14,
              "line": 3.0, "marker": 9, "median": 2.0, "ticks": 12, "wrap": 70},
}


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _weekly(dates: list[dt.date]) -> bool:
    days = sorted(d for d in ((b - a).days for a, b in zip(dates, dates[1:])) if d > 0)
    return bool(days) and 4 <= days[len(days) // 2] <= 10


def _rows(measurements) -> list[dict]:
    """The measurements with a date, in date order, with the date parsed."""
    rows = [dict(m, _date=_date(m.get("date"))) for m in measurements or [] if isinstance(m, dict)]
    return sorted((m for m in rows if m["_date"] is not None), key=lambda m: m["_date"])


def _label(series: str, lang: str, present: list[str], name: str = "") -> str:
    if series in ("women", "men"):
        return _t(series, lang)
    if len(present) > 1:
        return _t("total", lang)
    return literal(name)[:60] or _t("measurements", lang)


def _rules(values, baseline, method):
    from kit.domain.runchart import run_chart_rules

    return run_chart_rules(values, baseline=baseline, method=method)


def _num(value: float, lang: str) -> str:
    decimals = 0 if float(value).is_integer() else (1 if round(value, 1) == value else 2)
    return number(value, lang, decimals)


def run_chart_notes(measurements, lang: str = "sv", *, baseline=None, method: str = "ihi") -> list[str]:
    """The run chart's signals in words, for every series present (named when there are
    several): :func:`rules.signal_words`, or that there is no sign of a change yet; and, when
    a series has fewer than ten useful points (off the median), that the rules need more.

    >>> import datetime as dt
    >>> ms = [{"date": (dt.date(2027, 1, 4) + dt.timedelta(weeks=k)).isoformat(), "value": v}
    ...       for k, v in enumerate([10, 12, 11, 9, 13, 11, 9, 8, 11, 8, 7, 9, 8])]
    >>> run_chart_notes(ms, baseline=6)
    ['6 punkter i rad under medianen från vecka 7 (2027-02-15): en förskjutning.']
    >>> run_chart_notes(ms[:4], "en")[0]
    'No sign of a real change yet: the variation is within what chance usually gives.'
    >>> run_chart_notes(ms[:4], "en")[1].endswith("You have 4.")  # points off the median
    True
    """
    lang = content.normalise_lang(lang)
    rows = _rows(measurements)
    present = r.series_present(rows)
    dates = [m["date"] for m in rows]
    out = []
    for series in present:
        label = _label(series, lang, present) if len(present) > 1 else ""
        result = _rules(r.series_values(rows, series), baseline, method)
        prefix = content.text("improvement.signals.series", lang, label=label) if label else ""
        words = r.signal_words(result, dates, lang, label)
        out.extend(words or [prefix + content.text("improvement.signals.none", lang)])
        if result.useful < 10:
            out.append(prefix + content.text("improvement.signals.too_few_points", lang, n=result.useful))
    return out


def _empty_run(lang: str, size: dict):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size["figsize"], dpi=size["dpi"], layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, _t("no_measurements", lang), ha="center", va="center", transform=ax.transAxes,
            fontsize=size["label"] + 1, color=_SOFT_INK, gid="run-empty")
    return fig


def _tick_formatter(lang: str):
    from matplotlib.ticker import Formatter

    class DecimalFormatter(Formatter):
        """Tick numbers with a decimal comma in Swedish, as many decimals as the ticks need."""

        step = 1.0
        ticks: list = []

        def set_locs(self, locs):
            ticks = sorted(float(v) for v in locs)
            gaps = [b - a for a, b in zip(ticks, ticks[1:]) if b > a]
            self.step = min(gaps) if gaps else 1.0
            self.ticks = ticks

        def __call__(self, x, pos=None):
            locs = self.ticks or [float(x)]
            if all(abs(v - round(v)) < 1e-9 for v in locs):
                decimals = 0
            else:
                decimals = min(3, max(1, -math.floor(math.log10(self.step) + 1e-9)))
                while decimals < 3 and any(abs(v * 10 ** decimals - round(v * 10 ** decimals)) > 1e-6
                                           for v in locs):
                    decimals += 1
            return number(x, lang, decimals)

    return DecimalFormatter()


def _spread(positions: list[float], gap: float) -> list[float]:
    """Heights moved apart to at least ``gap``, keeping their order and mean.

    >>> _spread([1.0, 1.05, 3.0], 0.5)
    [0.775, 1.275, 3.0]
    """
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    ys = [positions[i] for i in order]
    for _ in range(60):
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


def run_chart(measurements, lang: str = "sv", *, cycles=(), baseline=None, method: str = "ihi",
              name: str = "", unit: str = "", compact: bool = False, large: bool = False) -> Figure:
    """The measurements on a run chart (see the module's text).

    ``measurements``: cleaned rows (``date``, ``value``, ``women``, ``men``); ``cycles``: the
    PDSA cycles (``number``, ``start``, ``end``); ``baseline``: how many of the first points the
    median is taken from; ``method``: the rules (``"ihi"`` or ``"anhoej"``); ``name`` and
    ``unit`` label the value axis. ``compact``: a phone (320 px wide at 100 dpi): fewer dates,
    the medians' values at the lines' ends and the legend under the chart; ``large``: the
    projector. Artists carry a ``gid``: ``series-<s>``, ``median-<s>`` (and
    ``median-<s>-extended`` beyond the baseline), ``median-label-<s>``, ``signals-<s>``,
    ``baseline-band``, ``baseline-label``, ``pdsa-<n>``, ``pdsa-span-<n>``, ``pdsa-label-<n>``.
    """
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, MaxNLocator
    from matplotlib.transforms import blended_transform_factory

    lang = content.normalise_lang(lang)
    size = _RUN[_mode(compact, large)]
    rows = _rows(measurements)
    present = r.series_present(rows)
    if not rows or not present:
        return _empty_run(lang, size)
    dates = [m["_date"] for m in rows]
    xs = [float(x) for x in mdates.date2num(dates)]
    several = len(present) > 1
    dense = 1.0 if len(xs) <= 40 else max(0.45, math.sqrt(40 / len(xs)))  # many points: smaller markers
    size = {**size, "marker": size["marker"] * dense, "line": size["line"] * max(dense, 0.6)}
    fig = Figure(figsize=size["figsize"], dpi=size["dpi"],
                 layout=ConstrainedLayoutEngine(h_pad=0.06, w_pad=0.06))
    ax = fig.add_subplot()
    renderer = _renderer(fig)

    # -- the time axis: the measurements' span, and the cycles' ---------------------------------
    cycle_marks = []
    for cycle in cycles or ():
        start, end = _date(cycle.get("start")), _date(cycle.get("end"))
        if start is None:
            continue
        cycle_marks.append((cycle.get("number", len(cycle_marks) + 1), float(mdates.date2num(start)),
                            float(mdates.date2num(end)) if end and end > start else None))
    step = min((b - a for a, b in zip(xs, xs[1:]) if b > a), default=7.0)
    span_x = [*xs, *(c[1] for c in cycle_marks), *(c[2] for c in cycle_marks if c[2] is not None)]
    left, right = min(span_x) - step * 0.6, max(span_x) + step * 0.6
    if right - left < 14:
        mid = (left + right) / 2
        left, right = mid - 7, mid + 7
    ax.set_xlim(left, right)

    # -- the baseline period ------------------------------------------------------------------
    # (the median is taken from each series' first ``baseline`` values that are not missing:
    # the band covers the dates up to the last of them, over every series)
    n_base = int(baseline) if baseline else 0
    ends = {}
    for series in present:
        kept = [i for i, v in enumerate(r.series_values(rows, series)) if v is not None]
        if 0 < n_base < len(kept):
            ends[series] = xs[kept[n_base - 1]]
    base_end = max(ends.values()) if ends else None
    if base_end is not None:
        ax.axvspan(xs[0] - step * 0.4, base_end + step * 0.4, facecolor=_BASELINE, edgecolor="none",
                   zorder=0, gid="baseline-band")

    # -- the PDSA cycles -----------------------------------------------------------------------
    for number_, start, end in cycle_marks:
        if end is not None:
            ax.axvspan(start, end, facecolor="#FFF1CC", edgecolor="none", zorder=0.2, gid=f"pdsa-span-{number_}")
        ax.axvline(start, color="#4D4D4D", linewidth=1.3 if not large else 1.8, linestyle=(0, (2, 2)),
                   zorder=1, gid=f"pdsa-{number_}")

    # -- the series, their medians and signals --------------------------------------------------
    handles, drawn, medians = [], [], []
    for series in present:
        style = SERIES_STYLE["alone" if not several and series == "value" else series]
        values = r.series_values(rows, series)
        result = _rules(values, baseline, method)
        label = _label(series, lang, present, name)
        points = [(x, float(v)) for x, v in zip(xs, values) if v is not None]
        drawn.extend(v for _, v in points)
        total = several and series == "value"
        line = ax.plot([p[0] for p in points], [p[1] for p in points], color=style["color"],
                       linestyle=style["linestyle"], linewidth=size["line"] * (0.8 if total else 1),
                       marker=style["marker"], markersize=size["marker"] * (0.85 if total else 1),
                       markerfacecolor=style["markerfacecolor"], markeredgecolor=style["color"],
                       markeredgewidth=1.5, zorder=3, label=label, gid=f"series-{series}")[0]
        handles.append(line)
        median = getattr(result, "median", None)
        if median is not None and not (isinstance(median, float) and math.isnan(median)):
            median = float(median)
            kw = {"color": style["color"], "linewidth": size["median"], "zorder": 2,
                  "solid_capstyle": "butt"}
            if series in ends:
                ax.plot([xs[0], ends[series]], [median, median], linestyle="-", gid=f"median-{series}", **kw)
                ax.plot([ends[series], xs[-1]], [median, median], linestyle=(0, (5, 3)),
                        gid=f"median-{series}-extended", **kw)
            else:
                ax.plot([xs[0], xs[-1]], [median, median], linestyle="-", gid=f"median-{series}", **kw)
            medians.append((series, median, style["color"], label))
            drawn.append(median)
        signal = [i for i in getattr(result, "signal_points", ()) if 0 <= i < len(values) and values[i] is not None]
        ax.plot([xs[i] for i in signal], [float(values[i]) for i in signal], linestyle="none", marker="o",
                markersize=size["marker"] * 2.1, markerfacecolor="none", markeredgecolor="#000000",
                markeredgewidth=1.6 if not large else 2.2, zorder=4, gid=f"signals-{series}")
    any_signal = any(len(line.get_xdata()) for line in ax.lines if str(line.get_gid()).startswith("signals-"))

    # -- the value axis ---------------------------------------------------------------------------
    low, high = min(drawn), max(drawn)
    pad = max(high - low, abs(high) * 0.1, 1e-6) * 0.1
    low, high = low - pad, high + pad
    if min(drawn) >= 0 and low < 0:
        low = 0.0 if min(drawn) > 0 else low
    ticks = [t for t in MaxNLocator(nbins=5 if compact else 6, steps=[1, 2, 5, 10]).tick_values(low, high)
             if low - 1e-9 <= t <= high + 1e-9]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(_tick_formatter(lang))
    ax.set_ylim(low, high)  # the top is raised below, to make room for the marks' labels
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    axis_label = literal(name)
    if literal(unit):
        axis_label = f"{axis_label} ({literal(unit)})" if axis_label else literal(unit)
    if axis_label:
        wrapped = "\n".join(wrap(axis_label, lambda s: len(s) <= size["wrap"], 2))
        if compact:
            ax.set_title(wrapped, loc="left", fontsize=size["label"], parse_math=False, pad=4)
        else:
            ax.set_ylabel(wrapped, fontsize=size["label"], parse_math=False)

    # -- the dates: at most a few labelled, the latest always -------------------------------------
    weekly = _weekly(dates)
    every = max(1, math.ceil(len(xs) / size["ticks"]))
    shown = sorted(range(len(xs) - 1, -1, -every))
    labels, year = [], None
    for i in shown:
        d = dates[i]
        if weekly:
            iso_year, week, _ = d.isocalendar()
            text = _t("week_tick", lang, week=week)
            if iso_year != year:
                text += f"\n{iso_year}"
            year = iso_year
        else:
            text = d.isoformat()
        labels.append(text)
    ax.set_xticks([xs[i] for i in shown], labels)
    if len(xs) <= 60:  # a small tick at every measurement, while they are few enough to count
        ax.xaxis.set_minor_locator(FixedLocator(xs))
    ax.tick_params(axis="x", which="minor", length=3)
    ax.tick_params(labelsize=size["tick"])

    # -- the medians' labels, at the lines' right ends ------------------------------------------------
    where = blended_transform_factory(ax.transAxes, ax.transData)
    spaced = _spread([m for _, m, _, _ in medians], (high - low) * (0.09 if not compact else 0.12))
    for (series, median, colour, label), y in zip(medians, spaced):
        value = _num(median, lang)
        if compact:
            text = value
        elif several:
            text = _t("median_of", lang, label=label.lower(), value=value)
        else:
            text = _t("median", lang, value=value)
        ax.text(1.01, y, text, transform=where, ha="left", va="center", color=colour, fontsize=size["note"],
                fontweight="bold", clip_on=False, parse_math=False, gid=f"median-label-{series}")

    # -- the legend, under the chart --------------------------------------------------------------
    keys = sorted(handles, key=lambda h: ("women", "men", "value").index(h.get_gid().removeprefix("series-")))
    keys.append(Line2D([], [], color="#555555", linewidth=size["median"] * 1.2, label=_t("median_legend", lang)))
    if any_signal:
        keys.append(Line2D([], [], linestyle="none", marker="o", markersize=size["marker"] * 1.6,
                           markerfacecolor="none", markeredgecolor="#000000", markeredgewidth=1.6,
                           label=_t("signal", lang)))
    if base_end is not None:
        keys.append(Patch(facecolor=_BASELINE, edgecolor="none", label=_t("baseline", lang)))
    legend = fig.legend(handles=keys, loc="outside lower center", ncols=2 if compact else min(len(keys), 6),
                        frameon=False, fontsize=size["legend"], handlelength=2.6 if not compact else 2.2,
                        columnspacing=1.2 if compact else 1.6)
    for text in legend.get_texts():
        text.set_parse_math(False)

    # -- freeze the layout, then place the marks' labels in tiers above the data -------------------
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    _inside(fig, ax, renderer)
    frame = ax.get_window_extent(renderer)
    marks = []
    if base_end is not None:
        marks.append(("baseline-label", _t("baseline", lang), xs[0] - step * 0.4, "#333333"))
    for number_, start, _end in cycle_marks:
        marks.append((f"pdsa-label-{number_}", _t("pdsa", lang, number=number_), start, "#222222"))
    gap_px = 4 * fig.dpi / 72
    tiers: list[list[tuple[float, float]]] = []
    placed = []
    line_h = 0.0
    def extent_of(artist, x):
        w = artist.get_window_extent(renderer).width
        px = ax.transData.transform((x, 0))[0] + gap_px
        # near the right edge the label may run on over the medians' labels' margin (they sit
        # lower, beside the data); only when even that is too narrow, it goes left of its line
        if px + w > fig.bbox.x1 - 2 * gap_px:
            return (max(px - 2 * gap_px - w, frame.x0 + 1), max(px - 2 * gap_px, frame.x0 + 1 + w)), "right"
        return (px, px + w), "left"

    def free_tier(extent):
        for tier in range(_TIERS):
            if tier == len(tiers) or not any(a < extent[1] + gap_px and extent[0] < b + gap_px
                                             for a, b in tiers[tier]):
                return tier
        return None

    for gid, words, x, colour in marks:
        artist = ax.text(x, 1.0, words, fontsize=size["note"], color=colour, parse_math=False, ha="left",
                         va="top", gid=gid, zorder=5, transform=blended_transform_factory(ax.transData, ax.transAxes))
        line_h = max(line_h, artist.get_window_extent(renderer).height)
        extent, ha = extent_of(artist, x)
        tier = free_tier(extent)
        if tier is None and gid.startswith("pdsa-"):  # crowded: the cycle's number alone
            artist.set_text(words.split()[-1])
            extent, ha = extent_of(artist, x)
            tier = free_tier(extent)
        if tier is None:  # no room at all (dozens of cycles close together): the line stays
            artist.remove()
            continue
        if tier == len(tiers):
            tiers.append([])
        tiers[tier].append(extent)
        placed.append((artist, x, ha, tier))
    if placed:
        strip = len(tiers) * (line_h + gap_px) + gap_px
        height = frame.height
        top = low + (high - low) * height / max(height - strip, height * 0.35)
        ax.set_ylim(low, top)
        for artist, x, ha, tier in placed:
            offset = x + (-1 if ha == "right" else 1) * gap_px * (right - left) / frame.width
            y = 1 - (gap_px + tier * (line_h + gap_px)) / height
            artist.set_position((offset, y))
            artist.set_ha(ha)
            artist.set_bbox({"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    return fig


def _inside(fig, ax, renderer) -> None:
    """Narrow the plot when a text beside it (a median's label) would leave the figure."""
    edge = 9 * fig.dpi / 72
    tight = ax.get_tightbbox(renderer)
    over_right = tight.x1 - (fig.bbox.width - edge)
    over_left = edge - tight.x0
    if over_right > 0 or over_left > 0:
        pos = ax.get_position()
        x0 = pos.x0 + max(over_left, 0) / fig.bbox.width
        x1 = pos.x1 - max(over_right, 0) / fig.bbox.width
        ax.set_position((x0, pos.y0, x1 - x0, pos.height))


def run_chart_png(measurements, lang: str = "sv", *, dpi: float | None = None, **kw) -> bytes:
    """The run chart as PNG bytes (``kw`` as :func:`run_chart`), at the mode's resolution
    unless ``dpi`` is given."""
    return _save(run_chart(measurements, lang, **kw), "png", dpi)


def run_chart_svg(measurements, lang: str = "sv", **kw) -> bytes:
    """The run chart as SVG bytes, texts kept as text."""
    return _save(run_chart(measurements, lang, **kw), "svg", None)


# -- hooks for tests and pages ------------------------------------------------------------------
def artists(fig, prefix: str) -> list:
    """Every artist of the figure whose ``gid`` starts with ``prefix``, in drawing order."""
    return [a for a in fig.findobj(lambda a: str(a.get_gid() or "").startswith(prefix))]


def texts(fig, prefix: str) -> list:
    """The ``Text`` artists whose ``gid`` starts with ``prefix``."""
    from matplotlib.text import Text

    return [a for a in artists(fig, prefix) if isinstance(a, Text)]
