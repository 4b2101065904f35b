"""Plots as :class:`matplotlib.figure.Figure` objects (no pyplot global state).

One palette (Okabe–Ito: colour-blind safe, not pink/blue), and every series also differs by
marker, line style or hatch, so colour never carries meaning alone. Labels in the chosen
language; numbers with a decimal comma in Swedish.

Every text a person typed (a group's name, a workshop's own occasion) reaches a plot through
:func:`plain`, so that ``$\\foo{$`` is drawn as those characters and never parsed as
mathtext.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from kit import content
from kit.domain import scores as sc
from kit.fmt import number

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", "-", "--", "-.", ":")
HATCHES = ("", "//", "..", "xx", "\\\\", "++")


def plain(text) -> str:
    r"""A typed text as matplotlib draws it literally: no mathtext, no control characters.

    >>> print(plain(r"Kommun $\foo{$ AB"), plain("a\x00b"))
    Kommun \$\foo{\$ AB ab
    """
    from kit.io.writers import clean

    return clean(" ".join(str(text).split())).replace("$", r"\$")


def legend_label(text, width: int = 26, lines: int = 2) -> str:
    r"""A typed name as a legend shows it: plain, wrapped, at most ``lines`` lines (a 120
    character name must not squeeze the chart to nothing).

    >>> legend_label("Örby kommun"), legend_label("x" * 60, 10)
    ('Örby kommun', 'xxxxxxxxxx\nxxxxxxxxx…')
    """
    import textwrap

    parts = textwrap.wrap(plain(text), width, break_long_words=True) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][:width - 1] + "…"
    return "\n".join(parts)


#: The projector's charts are drawn at this resolution, and at sizes (inches) that the
#: projector view shows at about their own size: every text then stands at least
#: ``PROJECTOR_MIN_PX`` pixels tall on the screen, readable from the back of a room.
PROJECTOR_DPI = 100
PROJECTOR_MIN_PX = 18
#: The text sizes (points) of a chart: ticks and legends, axis labels, titles, bar labels.
SIZES = {False: {"tick": 10, "label": 11, "title": 13, "legend": 10},
         True: {"tick": 14, "label": 15, "title": 17, "legend": 14}}


def _style(fig: Figure, large: bool) -> None:
    """Every text of the figure at its size: ticks, axis labels, titles, legends (the figure's
    and the axes'), and no text smaller than the ticks in a large figure."""
    size = SIZES[bool(large)]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]
    for ax in fig.axes:
        ax.tick_params(labelsize=size["tick"])
        ax.title.set_fontsize(size["title"])
        ax.xaxis.label.set_fontsize(size["label"])
        ax.yaxis.label.set_fontsize(size["label"])
    for legend in legends:
        if legend is None:
            continue
        for text in legend.get_texts():
            text.set_fontsize(size["legend"])
        if legend.get_title().get_text():
            legend.get_title().set_fontsize(size["legend"])
    if large:  # bar labels, annotations and the radar's moment names: never below the ticks
        for text in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
            if text.get_text() and text.get_fontsize() < size["tick"]:
                text.set_fontsize(size["tick"])


def text_sizes_px(fig: Figure, dpi: int = PROJECTOR_DPI) -> list[tuple[str, float]]:
    """Every visible text of a figure with its height in pixels at ``dpi`` (what a test
    checks the projector's charts by)."""
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    found = []
    for text in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
        if text.get_text().strip() and text.get_visible():
            found.append((text.get_text(), text.get_fontsize() * dpi / 72))
    return found


def _occ_label(key: str, lang: str) -> str:
    from kit.io.writers import occasion_label

    return plain(occasion_label(key, lang))


def short_names(lang: str) -> list[str]:
    """The ten moments' short names (seed 004), numbered."""
    return [f"{m}. {content.text(f'moments.{m}.short', lang)}" for m in sc.MOMENTS]


def hyphenate(word: str, width: int) -> list[str]:
    """A word longer than ``width`` broken with a hyphen, at a Swedish compound's joint (after
    an "s") nearest its middle when there is one, else at the width.

    >>> hyphenate("Könskonsekvensbeskrivningar", 18), hyphenate("analys", 18)
    (['Könskonsekvens-', 'beskrivningar'], ['analys'])
    """
    if len(word) <= width:
        return [word]
    joints = [i for i in range(5, len(word) - 4) if word[i - 1] == "s" and i < width]
    cut = min(joints, key=lambda i: abs(i - len(word) / 2)) if joints else width - 1
    return [word[:cut] + "-", *hyphenate(word[cut:], width)]


def wrapped_short_names(lang: str, width: int = 16) -> list[str]:
    r"""Short names broken into lines, for labels around a radar; a long word is hyphenated,
    never cut anywhere.

    >>> wrapped_short_names("sv", 18)[6]
    '7. Könskonsekvens-\nbeskrivningar i\nbeslutsunderlag'
    """
    import textwrap

    out = []
    for name in short_names(lang):
        words = [part for word in name.split() for part in hyphenate(word, width)]
        # a hyphenated part ends its line: a non-breaking join keeps textwrap from splitting it
        out.append("\n".join(textwrap.wrap(" ".join(words), width, break_long_words=False,
                                            break_on_hyphens=False)))
    return out


def _decimal_formatter(lang: str, decimals: int = 0):
    return FuncFormatter(lambda v, _pos: number(v, lang, decimals))


def radar(table, occasions=None, lang: str = "sv", title: str | None = None,
          large: bool = False) -> Figure:
    """Radar of the ten moments (scale 1–4), one line per occasion of a summary table."""
    occasions = [c for c in (occasions or table.columns) if c != sc.CHANGE]
    if large:  # laid out by hand: the names around it, the legend beside it (a wide screen)
        fig = Figure(figsize=(11, 6.6))
        ax = fig.add_axes((0.19, 0.14, 0.43, 0.716), projection="polar")
    else:
        fig = Figure(figsize=(7, 6.6), layout="constrained")
        ax = fig.add_subplot(projection="polar")
    angles = np.linspace(0, 2 * math.pi, len(sc.MOMENTS), endpoint=False).tolist()
    closed = angles + angles[:1]
    for i, occ in enumerate(occasions):
        values = [table.loc[m, occ] for m in sc.MOMENTS]
        if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
            continue
        vals = [float(v) if v == v else 0.0 for v in values]
        ax.plot(closed, vals + vals[:1], color=PALETTE[i % 8], marker=MARKERS[i % 8],
                linestyle=LINESTYLES[i % 8], linewidth=2, label=_occ_label(occ, lang))
        ax.fill(closed, vals + vals[:1], color=PALETTE[i % 8], alpha=0.06)
    ax.set_ylim(0, 4)
    ax.set_yticks([1, 2, 3, 4])
    ax.set_xticks(angles)
    ax.set_xticklabels(wrapped_short_names(lang, 16 if not large else 18),
                       fontsize=8 if not large else SIZES[True]["tick"])
    ax.set_rlabel_position(108)
    ax.tick_params(axis="x", pad=6 if large else 12)
    if large:  # each name leans away from the circle, so none covers a line or a neighbour
        for label, angle in zip(ax.get_xticklabels(), angles):
            cos, sin = math.cos(angle), math.sin(angle)
            label.set_horizontalalignment("left" if cos > 0.1 else "right" if cos < -0.1 else "center")
            label.set_verticalalignment("bottom" if sin > 0.1 else "top" if sin < -0.1 else "center")
    ax.grid(color="#999999", linewidth=0.6)
    if title:
        ax.set_title(plain(title), pad=18)
    if ax.lines and large:
        fig.legend(loc="upper left", bbox_to_anchor=(0.79, 0.98), ncols=1, frameon=False)
    elif ax.lines:
        fig.legend(loc="outside lower center", ncols=min(len(ax.lines), 4), frameon=False)
    _style(fig, large)
    return fig


def totals(table, lang: str = "sv", title: str | None = None, large: bool = False) -> Figure:
    """The "Totalt" row over occasions, each point labelled with its value."""
    occasions = [c for c in table.columns if c != sc.CHANGE]
    fig = Figure(figsize=(8.5, 5) if large else (6.4, 3.8), layout="constrained")
    ax = fig.add_subplot()
    xs = list(range(len(occasions)))
    ys = [table.loc[sc.TOTAL, o] for o in occasions]
    ax.plot(xs, ys, color=PALETTE[0], marker="o", linewidth=2.5, markersize=8)
    for x, y in zip(xs, ys):
        if y == y:
            ax.annotate(number(y, lang), (x, y), textcoords="offset points", xytext=(0, 9),
                        ha="center", fontsize=12 if large else 10)
    ax.set_xticks(xs, [_occ_label(o, lang) for o in occasions])
    ax.set_ylim(10, 40)
    ax.set_ylabel(content.text("results.total_axis", lang))
    ax.yaxis.set_major_formatter(_decimal_formatter(lang))
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(plain(title))
    _style(fig, large)
    return fig


def compare(table, occasion: str | None = None, lang: str = "sv", title: str | None = None,
            large: bool = False, group_label: str | None = None) -> Figure:
    """The group's means per moment beside Modellkonceptet's Tabell 1 and 2 at one occasion."""
    from kit.reference import published_table

    occasions = [c for c in table.columns if c != sc.CHANGE]
    if occasion is None:
        filled = [o for o in occasions if table[o].notna().any()]
        occasion = filled[-1] if filled else (occasions[-1] if occasions else "uppstart")
    series = [(legend_label(group_label, 40) if group_label else content.text("results.group", lang), table)]
    for which, key in (("participants", "results.participants"), ("mentors", "results.mentors")):
        ref = published_table(which)
        if occasion in ref.columns:
            series.append((content.text(key, lang), ref))
    fig = Figure(figsize=(9, 8) if large else (6.8, 6.6), layout="constrained")
    ax = fig.add_subplot()
    names = short_names(lang)
    ys = np.arange(len(sc.MOMENTS))
    height = 0.8 / len(series)
    for i, (label, data) in enumerate(series):
        values = [data.loc[m, occasion] if occasion in data.columns else float("nan")
                  for m in sc.MOMENTS]
        vals = [float(v) if v == v else 0.0 for v in values]
        bars = ax.barh(ys + i * height, vals, height=height, color=PALETTE[i], hatch=HATCHES[i],
                       edgecolor="white" if i == 0 else "#333333", linewidth=0.5, label=label)
        ax.bar_label(bars, labels=[number(v, lang) for v in values], padding=2,
                     fontsize=9 if not large else 12)
    ax.set_yticks(ys + height * (len(series) - 1) / 2, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 4.4)
    ax.set_xticks([1, 2, 3, 4])
    ax.set_xlabel(content.text("results.score_axis", lang))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=1, frameon=False)
    ax.set_title(plain(title) if title else _occ_label(occasion, lang))
    _style(fig, large)
    return fig


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def moment_bars(table, lang: str = "sv", title: str | None = None, large: bool = False) -> Figure:
    """The group means per moment as horizontal bars labelled by the moments' short names,
    one bar per occasion (hatched differently)."""
    occasions = [c for c in table.columns if c != sc.CHANGE]
    fig = Figure(figsize=(12, 8) if large else (8, 6.4), layout="constrained")
    ax = fig.add_subplot()
    ys = np.arange(len(sc.MOMENTS))
    height = 0.8 / max(len(occasions), 1)
    for i, occ in enumerate(occasions):
        values = [table.loc[m, occ] for m in sc.MOMENTS]
        vals = [float(v) if v == v else 0.0 for v in values]
        bars = ax.barh(ys + i * height, vals, height=height, color=PALETTE[i % 8], hatch=HATCHES[i % 6],
                       edgecolor="#333333", linewidth=0.5, label=_occ_label(occ, lang))
        ax.bar_label(bars, labels=[number(v, lang) for v in values], padding=2,
                     fontsize=12 if large else 8)
    ax.set_yticks(ys + height * (len(occasions) - 1) / 2, short_names(lang))
    ax.invert_yaxis()
    ax.set_xlim(0, 4.4)
    ax.set_xticks([1, 2, 3, 4])
    ax.set_xlabel(content.text("results.score_axis", lang))
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncols=min(len(occasions), 4), frameon=False)
    if title:
        ax.set_title(plain(title))
    _style(fig, large)
    return fig


def distribution(per_org, occasion: str, lang: str = "sv", title: str | None = None,
                 large: bool = False) -> Figure:
    """How many organisations stand at 1, 2, 3 and 4 on each moment at one occasion.

    A four-point scale has no neutral middle, so the bars are stacked from 1 to 4 (not split
    around a midpoint); each segment is labelled with its count, and the four levels differ by
    hatch as well as colour. An organisation whose roles disagree (a mean such as 2.5) is
    counted at its rounded-half-up score.
    """
    from decimal import ROUND_HALF_UP, Decimal

    part = per_org[per_org["occasion"] == occasion]
    fig = Figure(figsize=(12, 7.5) if large else (8, 6), layout="constrained")
    ax = fig.add_subplot()
    names = short_names(lang)
    ys = np.arange(len(sc.MOMENTS))
    counts = np.zeros((len(sc.MOMENTS), 4))
    for row in part.itertuples():
        level = int(Decimal(repr(float(row.score))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        counts[int(row.moment) - 1, min(max(level, 1), 4) - 1] += 1
    colours = ("#D55E00", "#E69F00", "#56B4E9", "#0072B2")
    left = np.zeros(len(sc.MOMENTS))
    for k in range(4):
        bars = ax.barh(ys, counts[:, k], left=left, color=colours[k], hatch=HATCHES[k],
                       edgecolor="#333333", linewidth=0.5,
                       label=f"{k + 1} – {content.text(f'scale.{k + 1}', lang)}")
        ax.bar_label(bars, labels=[str(int(c)) if c else "" for c in counts[:, k]], label_type="center",
                     fontsize=13 if large else 10, color="black",
                     bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
        left += counts[:, k]
    ax.set_yticks(ys, names)
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(content.text("overview.organisations", lang))
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncols=2 if large else 1, frameon=False)
    ax.set_title(plain(title) if title else _occ_label(occasion, lang))
    _style(fig, large)
    return fig


def organisation_lines(totals, lang: str = "sv", title: str | None = None, large: bool = False,
                       anonymous: bool = False, incomplete=()) -> Figure:
    """Each organisation's total over occasions (one line each; names or letters).

    An organisation in ``incomplete`` lacks a moment somewhere: it is still drawn, its line
    dotted with open markers and "(ofullständig)" after its name, so nobody drops out silently.
    """
    fig = Figure(figsize=(12, 6.5) if large else (8, 4.8), layout="constrained")
    ax = fig.add_subplot()
    occasions = list(totals.columns)
    xs = list(range(len(occasions)))
    marked = content.text("overview.incomplete_mark", lang)
    for i, (org, row) in enumerate(totals.iterrows()):
        label = anonymous_label(i) if anonymous else legend_label(org)
        partial = org in set(incomplete)
        ax.plot(xs, [float(v) for v in row], color=PALETTE[i % 8], marker=MARKERS[i % 8],
                linestyle=":" if partial else LINESTYLES[i % 8], linewidth=2,
                markerfacecolor="white" if partial else PALETTE[i % 8],
                label=f"{label} {marked}" if partial else label)
    ax.set_xticks(xs, [_occ_label(o, lang) for o in occasions])
    ax.set_ylim(0 if len(set(incomplete)) else 10, 40.8)  # a total of 40 is drawn whole
    ax.set_ylabel(content.text("results.total_axis", lang))
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    if len(totals):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if title:
        ax.set_title(plain(title))
    _style(fig, large)
    return fig


def anonymous_label(i: int) -> str:
    """'A', 'B', … for anonymous mode (the order is not the names' order).

    >>> anonymous_label(0), anonymous_label(27)
    ('A', 'AB')
    """
    from kit.fmt import letters

    return letters(i)
