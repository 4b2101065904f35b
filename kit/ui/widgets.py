"""The kit's own accessible widgets (anywidget), each with its own JavaScript module.

Stock ipywidgets lack accessible names for groups and chosen states; these components use
native HTML (fieldset/legend radios, labels, details, a live status region) instead.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import anywidget
import traitlets as t

HERE = Path(__file__).parent
COMPONENTS = HERE / "components"
CSS = (HERE / "jamkit.css").read_text(encoding="utf-8")  # the shared stylesheet, carried by Shell
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but tab, LF, CR


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
    # issue 15 (helper A): unsaved work kept in the browser. ``draft_key`` names the place
    # ("" when none may be kept); ``draft`` is ``{"key", "payload"}`` to store there, or None.
    # The kernel's custom message ``{"event": "forget", "key"}`` removes a stored draft; the
    # view sends ``{"event": "draft", "key", "payload", "at"}`` for the one stored at its key.
    draft_key = t.Unicode("").tag(sync=True)
    draft = t.Dict(None, allow_none=True).tag(sync=True)


class Files(_Component):
    """Download links (data URLs made in the kernel) and an upload field (none when
    ``can_upload`` is false: a page whose upload sits elsewhere); ``accept`` the file types."""

    _esm = esm("files")
    downloads = t.List(t.Dict()).tag(sync=True)
    can_upload = t.Bool(True).tag(sync=True)
    accept = t.Unicode(".xlsx,.csv,.json,.txt").tag(sync=True)
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
    danger = t.Bool(False).tag(sync=True)  # a danger action: its button ⚠, outlined in red (issue 15)


# -- issue 15 (projector, danger actions): helper C's block ---------------------------------
class Disclosure(_Component):
    """A disclosure button (``aria-expanded``, ``aria-controls``) that shows and hides the
    widget after it in the same box (the one with class ``jk-disclosure-panel``); ``expanded``
    follows the button both ways, so the kernel can keep it over a rebuild."""

    _esm = esm("disclosure")
    label = t.Unicode("").tag(sync=True)
    expanded = t.Bool(False).tag(sync=True)
# -- end of helper C's block ----------------------------------------------------------------


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


# -- issue 15 (a dropped connection loses nothing): helper A's block -------------------------
class Ask(_Component):
    """A question with buttons: ``text`` (hidden when "") in a live region naming the group,
    ``buttons`` a list of ``{"value", "label", "kind"}`` (kind: primary, quiet or danger); a
    press sends ``{"event": "answer", "value"}``."""

    _esm = esm("ask")
    text = t.Unicode("").tag(sync=True)
    buttons = t.List(t.Dict()).tag(sync=True)
# -- end of helper A's block ----------------------------------------------------------------


class Links(_Component):
    """How the room joins: ``address`` to type, and per place (``links``: label, code, qr, alt,
    url, note) its code large and its QR code (an SVG data URL with alt text) with a button
    that shows it full screen, one place at a time; ``notice`` says the links work on this
    computer only (issue 15)."""

    _esm = esm("links")
    _css = css("links")
    links = t.List(t.Dict()).tag(sync=True)
    address = t.Unicode("").tag(sync=True)
    notice = t.Unicode("").tag(sync=True)


# -- issue 15 (join by code): helper B's block ----------------------------------------------
class JoinCode(_Component):
    """The start page's code field: a numeric field (the phone's number pad) and its button;
    sends ``{"event": "join", "code": typed}``. ``message`` (kind ``saved`` or ``error``) is
    said in a live region and joined to the field; ``value`` fills the field (a code from the
    address that did not work)."""

    _esm = esm("joincode")
    _css = css("joincode")
    value = t.Unicode("").tag(sync=True)
    message = t.Unicode("").tag(sync=True)
    message_kind = t.Unicode("").tag(sync=True)
    busy = t.Bool(False).tag(sync=True)
# -- end of helper B's block ----------------------------------------------------------------


class CopyButton(_Component):
    r"""A button that copies ``text`` to the clipboard, and says in a live region beside it
    whether that worked (``strings``: ``label``, ``done``, ``failed``; ``label`` is the
    button's text, by default the language's).

    The browser tries the Clipboard API first; where there is none (plain http on a LAN
    address is no secure context) or it refuses, it copies from a hidden textarea and gives
    the focus back to the button. Either way it tells the kernel, so the app can know::

        button.on_msg(lambda widget, msg, buffers: print(msg))  # {"event": "copied", "ok": True}

    ``text`` is kept as plain text: control characters other than tab and line breaks are
    dropped.

    >>> button = CopyButton(lang="en", text="Mål\x00 1\n")
    >>> button.label, button.text
    ('Copy the text', 'Mål 1\n')
    >>> CopyButton().strings["done"]
    'Texten är kopierad.'
    """

    _esm = esm("copy")
    _css = css("copy")
    text = t.Unicode("").tag(sync=True)
    label = t.Unicode("").tag(sync=True)

    def __init__(self, lang: str = "sv", **kwargs):
        from kit.ui.editors import copy_strings  # editors imports this module

        kwargs.setdefault("strings", copy_strings(lang))
        kwargs.setdefault("label", kwargs["strings"].get("label", ""))
        super().__init__(**kwargs)

    @t.validate("text")
    def _plain_text(self, proposal):
        return _CONTROL.sub("", proposal["value"])

