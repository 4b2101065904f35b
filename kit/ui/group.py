"""The page of a module whose work belongs to a group: workshop, group, occasion and (when the
module has roles) a role, saved through the store under the group key rules.

:class:`GroupApp` stands on :class:`kit.ui.place.GroupPlace` (the place ``self.ctx``, the key
``self.gkey``, the group's state, the context form, the key's notice, the URL) and adds the
save bar and its status, a draft per place (unsaved work survives switching occasion or
role), the files panel and the language switch keeping all of it. A module writes only its
own widgets and payload::

    class App(GroupApp):
        key = record = "intressentanalys"
        title_key = "intressentanalys.title"

        def header(self):                  # above the context form
            return [html(f"<h1>{H.e(self.T('intressentanalys.title'))}</h1>")]

        def body(self):                    # between the context form and the files
            self.table = RowTable(...)
            self.table.observe(lambda _change: self.changed(), names="rows")
            return [self.table]

        def blank(self):                   # the payload of an empty form
            return {"stakeholders": [], "plan": []}

        def collect(self):                 # the form as it stands: what a save stores
            return {"stakeholders": list(self.table.rows), "plan": [...]}

        def show(self, payload):           # a payload (None: blank) into the widgets
            self.table.rows = (payload or self.blank())["stakeholders"]

        def downloads(self):               # the group's saved work as files
            return [download(self.T("files.json"), "analys.json", data, JSON)]

A save is ``GroupAccess.save_payload(record, occasion, role, collect())`` and a load the
group's latest record at the place (override :meth:`write` and :meth:`read` for other
records). Further hooks: :meth:`context_changed` (the place changed), :meth:`draw_results`
(views of the group's saved work) and :meth:`read_upload` (a file into the store, all or
nothing; :meth:`upload_claims` and :meth:`claimed` apply the key rules to the file's groups).
Save and upload run through :meth:`BaseApp.act`: a refused input is said in the page's
language, anything else is logged and said as the kit's friendly failure.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from kit.domain import access
from kit.errors import InputError
from kit.ui import html as H
from kit.ui.base import html, section
from kit.ui.place import GroupPlace
from kit.ui.strings import Say
from kit.ui.widgets import Files, SaveBar

log = logging.getLogger("kit.ui")


class GroupApp(GroupPlace):
    """A module page whose work belongs to a group (see the module docstring)."""

    #: The store's name of the module's record (``GroupAccess.save_payload``'s ``module``).
    record: str = ""
    texts: ClassVar[dict[str, str]] = GroupPlace.texts | {"files_help": "files.help",
                                                          "upload": "files.upload"}

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)
        self.saved = self.blank()  # the payload as last saved or loaded: "unsaved" compares
        self.drafts: dict[tuple, dict] = {}
        self._said = self._files_said = (None, "info")  # statuses, redrawn in a new language
        self.render()
        self.show(None)
        self.load()

    # -- hooks a module writes ---------------------------------------------------------
    def header(self) -> list:
        """The widgets above the context form (the heading)."""
        return []

    def body(self) -> list:
        """The module's own widgets, between the context form and the files."""
        return []

    def blank(self) -> dict:
        """The payload of an empty form (what :meth:`collect` returns before anything is typed)."""
        return {}

    def collect(self) -> dict:
        """The form as it stands: the payload a save stores."""
        return {}

    def show(self, payload: dict | None) -> None:
        """Show a payload (``None``: the blank form) in the module's widgets."""

    def read(self):
        """The group's saved payload at the place, as ``(payload, saved_at)``, or ``None``."""
        found = self._access().latest(self.record, self.ctx["occasion"], self.ctx.get("role", ""))
        return (found.payload, found.saved_at) if found else None

    def write(self, payload: dict):
        """Save the payload; returns ``(revision, new_key)`` (``GroupAccess.save_payload``)."""
        return self._access().save_payload(self.record, self.ctx["occasion"],
                                           self.ctx.get("role", ""), payload)

    def context_changed(self) -> None:
        """The place (or the key, or the language) changed and the form shows its work."""

    def draw_results(self, visible: bool) -> None:
        """Draw the views of the group's saved work; with ``visible`` false show none of it."""

    def downloads(self) -> list:
        """The group's files (:func:`kit.ui.base.download` entries), asked only for an open
        group at a complete place; an :class:`InputError` means none."""
        return []

    def read_upload(self, name: str, data: bytes) -> Say:
        """Read a file into the store (all or nothing; it may move ``self.ctx`` to the place
        the file holds) and return what to say; :class:`InputError` for a file refused."""
        raise InputError("read.unreadable", name=name)

    # -- the page ----------------------------------------------------------------------
    def build(self) -> list:
        who = self.place_section()
        self.files = Files(strings={"upload": self.T(self.texts["upload"])})
        self.on(self.files, "upload", lambda msg, buffers: buffers and self.upload(
            str(msg.get("name") or "fil"), bytes(buffers[0])))
        files = section([html(f"<h2>{H.e(self.T('files.heading'))}</h2>"
                              f"<p>{H.e(self.T(self.texts['files_help']))}</p>"), self.files])
        self.savebar = SaveBar(button_label=self.T("save.button"))
        self.on(self.savebar, "save", lambda _msg, _buffers: self.save())
        return [*self.header(), who, *self.body(), files, self.savebar]

    def _status(self, said, kind: str) -> None:
        """The save bar's status: a :class:`Say` (redrawn after a language switch) or ""."""
        self._said = (said or None, kind)
        self.savebar.status, self.savebar.status_kind = self.say(said or None), kind

    def _files_status(self, said, kind: str) -> None:
        self._files_said = (said or None, kind)
        self.files.status, self.files.status_kind = self.say(said or None), kind

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        if getattr(self, "savebar", None) is not None:
            self.savebar.busy = busy

    def notify(self, said, kind: str = "info") -> None:
        super().notify(said, kind)
        self._status(said, kind)

    # -- the work at the place ---------------------------------------------------------
    def leaving(self) -> None:
        if self._complete() and self._dirty():
            self.drafts[self._ctx_key()] = self.collect()

    def load(self, was_complete: bool = False) -> None:
        """Show the group's saved work at the place (or its draft, or a blank form)."""
        self.update_url()
        state = self._group_state()
        self._show_key_state(state)
        if state != "open":
            self.show(None)
            self.saved = self.blank()
            self.context_changed()
            self._views(False)
            self._status(self._state_say(state), "error")
            return
        stored = None
        if self._complete():
            try:
                stored = self.read()
            except InputError as exc:  # closed between the check above and now
                self._status(Say("save.error", error=exc), "error")
                return
        if stored:
            self.show(stored[0])
            self.saved = self.collect()
            self._status(Say("save.loaded", time=self._clock(stored[1])), "saved")
        else:
            self.saved = self.blank()
            self._status(Say("save.new") if self._complete() else None, "info")
        draft = self.drafts.get(self._ctx_key())
        if draft:
            self.show(draft)
        elif was_complete and not stored:
            self.show(None)
        # else: keep what was typed before the place was complete, so nothing is lost
        self.changed()
        self.context_changed()
        self._views(self._complete())

    def _views(self, visible: bool) -> None:
        """The views of the group's saved work: drawn, or (``visible`` false) emptied."""
        self.draw_results(visible)
        if visible:
            self.refresh_files()
        else:
            self.files.downloads = []

    def _dirty(self) -> bool:
        return self.collect() != self.saved

    def changed(self) -> None:
        """Say whether the form holds unsaved work, and keep it as the place's draft (a module
        calls this after each edit)."""
        if self._dirty():
            self._status(Say("save.unsaved"), "unsaved")
            if self._complete():
                self.drafts[self._ctx_key()] = self.collect()
        elif self.savebar.status_kind == "unsaved":
            self._status(None, "info")
            self.drafts.pop(self._ctx_key(), None)

    def save(self) -> bool:
        """Save the form as a new revision; returns whether it was saved."""
        missing = [self.T(f"form.{k}") for k, v in self.ctx.items() if not v]
        if missing:
            message = self.T("form.missing", field=", ".join(m.lower() for m in missing))
            self.context.error = message
            self._status(Say("save.not_saved", reason=message), "error")
            return False
        if self._bad_context:  # the form shows a name that cannot be stored: never save another
            bad = next(iter(self._bad_context.values()))
            self.context.error = bad.text(self.lang)
            self._status(Say("save.not_saved", reason=bad), "error")
            return False
        state = self._group_state()
        if state != "open":
            self._show_key_state(state)
            self._status(Say("save.not_saved", reason=self._state_say(state)), "error")
            return False
        return bool(self.act(self._save, report=lambda said, _kind: self._status(
            Say("save.not_saved", reason=said), "error")))

    def _save(self) -> bool:
        self._status(Say("save.saving"), "busy")
        try:  # the check of the key, the claim of a new name and the work: one transaction
            revision, made = self.write(self.collect())
        except InputError as exc:  # nothing was written, nothing typed is lost (a draft)
            if exc.key in ("store.group_taken", "store.group_locked"):
                self._show_key_state("locked")
            raise
        if made:
            self.gkey = access.normalise_key(made)
            self.key_notice = Say(self.texts["key_created"], code=made)
        self.saved = self.collect()
        self.drafts.pop(self._ctx_key(), None)
        self._status(Say("save.saved_at", time=self._clock(revision.saved_at)), "saved")
        self.update_url()
        self._show_key_state("open")
        self.context.organisation_options = self.store.groups(self.ctx["workshop"])
        self._views(True)
        return True

    @staticmethod
    def _clock(stamp) -> str:
        return stamp.astimezone().strftime("%H:%M")

    # -- files -------------------------------------------------------------------------
    def refresh_files(self) -> None:
        """The group's files — only through the key check; a file that cannot be made is said
        so in the files panel and never takes the page down."""
        try:
            files = self.downloads() if self._group_state() == "open" else []
        except InputError:
            files = []
        except Exception as exc:  # one export must never take a page down
            log.error("JämKit: making the group's files failed", exc_info=exc)
            self.files.downloads = []
            self._files_status(Say("files.export_failed"), "error")
            return
        self.files.downloads = files
        if files and self._files_said[0] is not None and self._files_said[0].key == "files.export_failed":
            self._files_status(None, "info")  # the files could be made after all

    def upload(self, name: str, data: bytes) -> bool:
        """Read a file into the store through :meth:`read_upload` (all or nothing), then show
        the place it moved to; returns whether it was read."""
        said = self.act(self.read_upload, name, data, report=lambda reason, _kind: self._files_status(
            Say("files.upload_failed", reason=reason), "error"))
        if said is None:
            return False
        self._sync_context()
        self.load(was_complete=True)
        self._files_status(said, "saved")  # said last: the page already shows what was read
        return True

    # -- language ----------------------------------------------------------------------
    def set_language(self, lang) -> None:
        """Rebuild every widget in another language, keeping all state (unsaved work too)."""
        said, files_said = self._said, self._files_said
        self._said = self._files_said = (None, "info")
        self._bad_context = {}  # the rebuilt form shows the stored names again
        current = self.collect()
        super().set_language(lang)
        self.show(current)
        self._show_key_state(self._group_state())  # the key field and a new key's notice stay
        self.context_changed()
        if self._complete():
            self._views(True)
        self.changed()
        # what the page said last is said again, now in the new language (an error first)
        if said[1] == "error" or (self._said == (None, "info") and said[1] != "busy"):
            self._status(*said)
        if self._files_said == (None, "info"):
            self._files_status(*files_said)
