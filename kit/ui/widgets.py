"""The kit's own accessible widgets (anywidget), each with its own JavaScript module.

Stock ipywidgets lack accessible names for groups and chosen states; these components use
native HTML (fieldset/legend radios, labels, details, a live status region) instead.
"""

from __future__ import annotations

import functools
from pathlib import Path

import anywidget
import traitlets as t

HERE = Path(__file__).parent
COMPONENTS = HERE / "components"
CSS = (HERE / "jamkit.css").read_text(encoding="utf-8")  # the shared stylesheet, carried by Shell


@functools.cache
def esm(name: str) -> str:
    """The JavaScript module of one component: the shared helpers (``components/_core.js``)
    followed by the component's own file ``components/<name>.js``, which ends with
    ``export default { render }`` and whose ``render`` returns its cleanup.

    Each widget instance carries only its own component's code.

    >>> "export default" in esm("moment") and "function h(" in esm("moment")
    True
    """
    core = (COMPONENTS / "_core.js").read_text(encoding="utf-8")
    return core + "\n" + (COMPONENTS / f"{name}.js").read_text(encoding="utf-8")


@functools.cache
def css(name: str) -> str:
    """A component's own stylesheet, ``components/<name>.css`` ("" when it has none)."""
    path = COMPONENTS / f"{name}.css"
    return path.read_text(encoding="utf-8") if path.exists() else ""


class _Component(anywidget.AnyWidget):
    strings = t.Dict().tag(sync=True)


class Shell(_Component):
    """The page header: brand, language switch, back link; sets the page language, title and
    URL (so that a reload returns to the same place). Carries the kit's stylesheet."""

    _css = CSS
    _esm = esm("shell")
    lang = t.Unicode("sv").tag(sync=True)
    page_title = t.Unicode("JämKit").tag(sync=True)
    query = t.Unicode(None, allow_none=True).tag(sync=True)
    show_back = t.Bool(False).tag(sync=True)
    base_url = t.Unicode("").tag(sync=True)  # set by the browser: the page's folder URL


class ContextForm(_Component):
    """Workshop, organisation, occasion and role: the place a participant works in."""

    _esm = esm("context")
    workshop = t.Unicode("").tag(sync=True)
    organisation = t.Unicode("").tag(sync=True)
    occasion = t.Unicode("uppstart").tag(sync=True)
    role = t.Unicode("").tag(sync=True)
    workshop_options = t.List(t.Unicode()).tag(sync=True)
    organisation_options = t.List(t.Unicode()).tag(sync=True)
    occasion_options = t.List(t.List()).tag(sync=True)
    role_options = t.List(t.List()).tag(sync=True)
    show_occasion = t.Bool(True).tag(sync=True)
    show_role = t.Bool(True).tag(sync=True)
    show_key = t.Bool(False).tag(sync=True)
    key = t.Unicode("").tag(sync=True)  # the group key, when the group's name is protected
    error = t.Unicode("").tag(sync=True)


class MomentCard(_Component):
    """One moment: title, explanation, roles and examples, the 1–4 scale, comment, actions."""

    _esm = esm("moment")
    number = t.Int(1).tag(sync=True)
    value = t.Int(0).tag(sync=True)  # 0 = not chosen
    comment = t.Unicode("").tag(sync=True)
    actions = t.Unicode("").tag(sync=True)
    peers = t.List(t.List()).tag(sync=True)  # [[role label, score], ...]
    show_peers = t.Bool(False).tag(sync=True)


class SaveBar(_Component):
    """The bar fixed at the bottom: running total, save status (a live region), save button."""

    _esm = esm("savebar")
    total_text = t.Unicode("").tag(sync=True)
    status = t.Unicode("").tag(sync=True)
    status_kind = t.Unicode("info").tag(sync=True)
    button_label = t.Unicode("Spara").tag(sync=True)
    busy = t.Bool(False).tag(sync=True)


class Files(_Component):
    """Download links (data URLs made in the kernel) and an upload field."""

    _esm = esm("files")
    downloads = t.List(t.Dict()).tag(sync=True)
    status = t.Unicode("").tag(sync=True)
    status_kind = t.Unicode("info").tag(sync=True)


class ModuleList(_Component):
    """The start page's list of modules, each with an open button."""

    _esm = esm("modules")
    modules = t.List(t.Dict()).tag(sync=True)


class Form(_Component):
    """A small accessible form: ``fields`` is a list of {name, label, type, options, value};
    submitting sends ``{"event": "submit", "values": {...}}``."""

    _esm = esm("form")
    fields = t.List(t.Dict()).tag(sync=True)
    submit_label = t.Unicode("OK").tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    auto = t.Bool(False).tag(sync=True)  # submit whenever a field changes (no button)
    columns = t.Int(0).tag(sync=True)  # 2: fields in pairs (e.g. an occasion beside its date)
    reset = t.Int(0).tag(sync=True)  # increment to clear the fields in the browser


class Switches(_Component):
    """Checkboxes with labels; ``values`` maps name → bool."""

    _esm = esm("switches")
    items = t.List(t.Dict()).tag(sync=True)
    values = t.Dict().tag(sync=True)


class Ticker(_Component):
    """Sends ``{"event": "tick"}`` every ``seconds`` while the page is visible, and on its button."""

    _esm = esm("ticker")
    seconds = t.Int(10).tag(sync=True)
    text = t.Unicode("").tag(sync=True)
    kind = t.Unicode("info").tag(sync=True)  # "error": the last refresh failed
    button_label = t.Unicode("").tag(sync=True)


class Links(_Component):
    """Join links, each with its QR code (an SVG data URL with alt text)."""

    _esm = esm("links")
    links = t.List(t.Dict()).tag(sync=True)
