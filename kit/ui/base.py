"""The base every module's app stands on: shell, texts, URL query, language, back, sections,
downloads, figures, and one wrapper for every action a participant starts.

A module's app subclasses :class:`BaseApp`, names its registry ``key`` and writes
:meth:`BaseApp.build`, which returns the page's widgets below the shell. Everything else a
page needs is here, once:

- ``self.T(key)`` — a text in the page's language; ``Say`` keeps a text to redraw it after a
  language switch.
- ``self.act(fn, *args, report=...)`` — runs an action: busy state on, then an
  :class:`~kit.InputError` becomes its message in the page's language, anything else is
  logged and becomes a friendly failure; returns ``None`` when the action failed.
- ``self.on(widget, "submit", handler)`` — routes one event of a component to a handler,
  through :meth:`act`.
- ``self.update_url()`` — the address follows the page, so a reload lands in the same place.
- ``set_language`` rebuilds in the other language, keeping state (the app's own attributes).
- The shell's heartbeat (``{"event": "ping", n}``) is answered at once with a pong, so the page
  knows when it is cut off from its kernel and says so (see ``components/shell.js``).

Light to import: no pandas, no matplotlib, no store (the store opens on first use).
"""

from __future__ import annotations

import base64
import logging
from urllib.parse import urlencode

import ipywidgets as w

from kit import content
from kit.errors import InputError
from kit.ui import html as H
from kit.ui.strings import Say, shell_strings
from kit.ui.widgets import Shell

log = logging.getLogger("kit")

#: The URL parameters that carry a participant's place from page to page.
PLACE = ("lang", "workshop", "group", "gkey", "occasion")


def html(markup: str = "", cls: str | None = None) -> w.HTML:
    """A static block of (already escaped) markup."""
    widget = w.HTML(markup)
    if cls:
        widget.add_class(cls)
    return widget


def section(children, cls: str = "jk-section") -> w.VBox:
    """A page section: a box with the kit's section style."""
    box = w.VBox(list(children))
    for name in cls.split():
        box.add_class(name)
    return box


def slug(text: str) -> str:
    """A file-name-safe form of a name (for downloads).

    >>> slug("Örby kommun / <b>")
    'orby-kommun-b'
    """
    import re

    table = str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE")
    return re.sub(r"[^a-z0-9]+", "-", str(text).translate(table).lower()).strip("-")[:40] or "jamkit"


def download(label: str, filename: str, data: bytes, mime: str) -> dict:
    """One entry of a :class:`~kit.ui.widgets.Files` component's ``downloads``."""
    return {"label": label, "filename": filename, "mime": mime,
            "b64": base64.b64encode(data).decode("ascii")}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"


class BaseApp:
    """A module's page. ``params`` are the URL's query parameters; ``on_back`` (called with
    the app) shows the back link; ``on_query`` (called with the page's parameters, returns
    the query string) lets the start page keep its own parameters in the address."""

    #: The module's key in the registry (and in the URL's ``module=``).
    key: str = ""
    #: The text key of the page's title (shown in the browser's tab).
    title_key: str = "app.title"

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        self.params = {k: v for k, v in (params or {}).items() if v}
        self.lang = content.normalise_lang(self.params.get("lang"))
        self._store = store
        self.on_back, self.on_query = on_back, on_query
        self.busy = False
        self.widget = w.VBox()
        self.widget.add_class("jk-app")

    # -- the store, opened on first use ----------------------------------------------------
    @property
    def store(self):
        if self._store is None:
            from kit.store import default_store

            self._store = default_store()
        return self._store

    @store.setter
    def store(self, value) -> None:
        self._store = value

    # -- texts -------------------------------------------------------------------------
    def T(self, key: str, **values) -> str:
        """The text at ``key`` in the page's language."""
        return content.text(key, self.lang, **values)

    def say(self, said) -> str:
        """A :class:`Say` (or plain text, or ``None``) rendered in the page's language."""
        if said is None:
            return ""
        return said.render(self.lang) if isinstance(said, Say) else str(said)

    # -- the page ----------------------------------------------------------------------
    def render(self) -> None:
        """(Re)build the whole page: the shell, then what :meth:`build` returns."""
        self.shell = Shell(strings=shell_strings(self.lang) | self.connection_strings(), lang=self.lang,
                           show_back=self.on_back is not None, query=self.query(),
                           page_title=self.page_title())
        self.shell.on_msg(self._on_shell)
        self.widget.children = [self.shell, *self.build()]

    def build(self) -> list:
        """The page's widgets below the shell (a subclass writes this)."""
        raise NotImplementedError

    def connection_strings(self) -> dict:
        """What the shell says when the page is cut off from its kernel (sent with the page, so
        they are there when the kernel is gone): ``conn_kept`` is said only where a save bar
        kept unsaved work in the browser, ``conn_wait`` otherwise."""
        return {f"conn_{k}": self.T(f"conn.{k}") for k in ("lost", "back", "kept", "wait", "reload")}

    def page_title(self) -> str:
        return f"{self.T(self.title_key)} – JämKit" if self.title_key != "app.title" else "JämKit"

    def place(self) -> dict:
        """The URL parameters of where the page is (a subclass adds its own)."""
        return {"lang": self.lang}

    def query(self) -> str:
        """The page's query string (through ``on_query`` when the start page hosts it)."""
        params = {k: v for k, v in self.place().items() if v}
        if self.on_query:
            return self.on_query(params)
        return urlencode(params, errors="replace")

    def update_url(self) -> None:
        if getattr(self, "shell", None) is not None:
            self.shell.query = self.query()

    def _on_shell(self, widget, msg, _buffers) -> None:
        event = msg.get("event")
        if event == "ping":  # the page's heartbeat: answered at once, not an action
            widget.send({"event": "pong", "n": msg.get("n")})
        elif event == "lang":
            self.act(self.set_language, msg.get("lang"))
        elif event == "back" and self.on_back:
            self.on_back(self)

    def set_language(self, lang) -> None:
        """Show the page in another language; the app's state stays as it is."""
        self.lang = content.normalise_lang(lang)
        self.params["lang"] = self.lang
        self.render()

    # -- actions -----------------------------------------------------------------------
    def act(self, fn, *args, report=None, **kwargs):
        """Run ``fn(*args, **kwargs)`` as one action of the page.

        While it runs ``self.busy`` is true (and :meth:`set_busy` tells the page). An
        :class:`InputError` is said through ``report(Say, "error")`` — in the page's
        language, naming what was wrong; any other exception is logged with its traceback
        and said as the kit's friendly failure. Returns what ``fn`` returned, or ``None``
        when it failed. ``report`` defaults to :meth:`notify`.
        """
        report = report or self.notify
        self.set_busy(True)
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            report(Say("app.error", reason=exc), "error")
        except Exception as exc:
            log.error("JämKit: %s failed in %s", getattr(fn, "__name__", fn), type(self).key or "app",
                      exc_info=exc)
            report(Say("app.failed"), "error")
        finally:
            self.set_busy(False)
        return None

    def on(self, widget, event: str, handler, report=None) -> None:
        """Route the component's message ``{"event": event, ...}`` to ``handler(msg, buffers)``,
        run through :meth:`act`."""

        def route(_widget, msg, buffers):
            if isinstance(msg, dict) and msg.get("event") == event:
                self.act(handler, msg, buffers, report=report)

        widget.on_msg(route)

    def set_busy(self, busy: bool) -> None:
        """Tell the page an action runs (a subclass shows it, e.g. on its save bar)."""
        self.busy = busy

    def notify(self, said, kind: str = "info") -> None:
        """Say something on the page; a subclass shows it where its reader looks. The base
        logs it, so nothing said is ever lost silently."""
        log.info("JämKit %s: %s", kind, self.say(said) if isinstance(said, Say) else said)

    # -- figures -----------------------------------------------------------------------
    @staticmethod
    def figure_html(fig, caption: str, alt: str) -> str:
        """A matplotlib figure (the kit's plots make ``Figure`` objects, never pyplot's) as
        an accessible ``<figure>``: PNG, with caption and alt text."""
        from kit.plots import png_bytes

        return H.figure(png_bytes(fig), caption, alt)
