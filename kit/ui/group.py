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

Unsaved work is also kept in the browser (the save bar writes it to ``localStorage`` per
module, workshop, group, occasion and role: :meth:`GroupApp.draft_key`), so that a dropped
connection or a reload loses nothing: the page offers it back ("Den här webbläsaren har
osparade ändringar från kl. 10:42." – Ta tillbaka / Släng), never applies it silently, and only
at exactly its place, for an open group, when it has the shape of the module's payload
(:func:`draft_fits` against :meth:`GroupApp.draft_template`; the browser's copy is untrusted).

A save is ``GroupAccess.save_payload(record, occasion, role, collect())`` and a load the
group's latest record at the place (override :meth:`write` and :meth:`read` for other
records). Further hooks: :meth:`context_changed` (the place changed), :meth:`draw_results`
(views of the group's saved work) and :meth:`read_upload` (a file into the store, all or
nothing; :meth:`upload_claims` and :meth:`claimed` apply the key rules to the file's groups).
Save and upload run through :meth:`BaseApp.act`: a refused input is said in the page's
language, anything else is logged and said as the kit's friendly failure.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from typing import ClassVar

from kit.domain import access
from kit.errors import InputError
from kit.ui import html as H
from kit.ui.base import html, section
from kit.ui.place import GroupPlace
from kit.ui.strings import Say
from kit.ui.widgets import Ask, Files, SaveBar

log = logging.getLogger("kit.ui")

# -- drafts kept in the browser: what the kernel takes back -----------------------------------
#: The most a draft may hold: characters of its JSON, entries of a list or map, characters of
#: a text, fields of a row.
DRAFT_LIMIT = 500_000
ITEMS_LIMIT = 1_000
TEXT_LIMIT = 20_000
FIELDS_LIMIT = 60
_SCALARS = (str, int, float, bool, type(None))


def jsonable(payload):
    """A payload as the browser keeps it: JSON (a map's keys become strings).

    >>> jsonable({1: {"score": 3}, "plan": ()})
    {'1': {'score': 3}, 'plan': []}
    """
    return json.loads(json.dumps(payload, ensure_ascii=False, default=str))


def _scalar(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= TEXT_LIMIT
    return isinstance(value, _SCALARS)


def _cell(value) -> bool:
    """A field of a row: a string, number, bool or None, or a short flat list of those."""
    if isinstance(value, list):
        return len(value) <= 100 and all(_scalar(v) and not isinstance(v, list) for v in value)
    return _scalar(value)


def _row(value) -> bool:
    """A row: a flat map of named fields (no deeper nesting)."""
    return (isinstance(value, dict) and len(value) <= FIELDS_LIMIT
            and all(isinstance(k, str) and 0 < len(k) <= 100 and _cell(v) for k, v in value.items()))


def _fits(value, template) -> bool:
    if isinstance(template, dict):
        if not isinstance(value, dict):
            return False
        if not template:  # a map of rows by key (the self-assessment: moment → answer)
            return len(value) <= ITEMS_LIMIT and all(
                isinstance(k, str) and 0 < len(k) <= 100 and _row(v) for k, v in value.items())
        return set(value) == set(template) and all(_fits(value[k], t) for k, t in template.items())
    if isinstance(template, list):  # rows (Intressentanalys: its stakeholders, its plan)
        return isinstance(value, list) and len(value) <= ITEMS_LIMIT and all(_row(v) for v in value)
    if isinstance(template, bool):
        return isinstance(value, bool)
    if isinstance(template, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and _scalar(value)
    if isinstance(template, str):
        return isinstance(value, str) and _scalar(value)
    return _cell(value)  # None in the template: any one field


def draft_fits(payload, template) -> bool:
    """Whether a draft from the browser has the shape of the module's payload ``template``
    (:meth:`GroupApp.draft_template`, its ``blank()``): the same top-level keys, values of the
    same JSON types, lists of flat rows of strings, numbers, bools and None (an empty map in
    the template: a map of such rows), nothing deeper and nothing huge. The browser's copy is
    untrusted input; whatever does not fit is dropped.

    >>> draft_fits({"stakeholders": [{"name": "Facket", "power": 4}], "plan": []},
    ...            {"stakeholders": [], "plan": []})
    True
    >>> draft_fits({"stakeholders": [], "plan": [], "more": 1}, {"stakeholders": [], "plan": []})
    False
    >>> draft_fits({"stakeholders": [{"name": {"deeper": 1}}], "plan": []}, {"stakeholders": [], "plan": []})
    False
    >>> draft_fits({"1": {"score": 3, "comment": "Bra", "actions": ""}}, {})
    True
    >>> draft_fits({"1": [3]}, {}), draft_fits([], {}), draft_fits({"1": {"score": float("nan")}}, {})
    (False, False, False)
    """
    try:
        if len(json.dumps(payload, allow_nan=False)) > DRAFT_LIMIT:
            return False
    except (TypeError, ValueError, RecursionError):
        return False
    return _fits(payload, jsonable(template))


class GroupApp(GroupPlace):
    """A module page whose work belongs to a group (see the module docstring)."""

    #: The store's name of the module's record (``GroupAccess.save_payload``'s ``module``).
    record: str = ""
    #: Whether the files panel takes a file in (a module whose upload sits elsewhere says no).
    can_upload: bool = True
    texts: ClassVar[dict[str, str]] = GroupPlace.texts | {"files_help": "files.help",
                                                          "upload": "files.upload"}

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)
        self.saved = self.blank()  # the payload as last saved or loaded: "unsaved" compares
        self.drafts: dict[tuple, dict] = {}
        self._draft_place = ""  # the place's key of drafts kept in the browser ("": none)
        self._offer = None  # a draft from the browser, offered back: {"key", "payload", "at"}
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

    def draft_template(self):
        """The shape a draft from the browser must have (:func:`draft_fits`): the blank
        payload; a module whose payload has more structure than its blank shows may return
        a fuller example."""
        return self.blank()

    def draft_ok(self, payload: dict) -> bool:
        """A module's own check of a draft from the browser that has the payload's shape
        (:func:`draft_fits`), e.g. that its keys and values are ones the module knows; a draft
        that fails it is dropped, never offered."""
        return True

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
        self.files = Files(strings={"upload": self.T(self.texts["upload"])}, can_upload=self.can_upload)
        self.on(self.files, "upload", lambda msg, buffers: buffers and self.upload(
            str(msg.get("name") or "fil"), bytes(buffers[0])))
        files = section([html(f"<h2>{H.e(self.T('files.heading'))}</h2>"
                              f"<p>{H.e(self.T(self.texts['files_help']))}</p>"), self.files])
        self.savebar = SaveBar(button_label=self.T("save.button"), draft_key=self._draft_place,
                               strings={"offline": self.T("conn.save_offline"),
                                        "offline_kept": self.T("conn.save_offline_kept")})
        self.on(self.savebar, "save", lambda _msg, _buffers: self.save())
        self.on(self.savebar, "draft", self._on_draft)
        self.draft_ask = Ask()  # "Den här webbläsaren har osparade ändringar …", below the place
        self.on(self.draft_ask, "answer", self._on_draft_answer)
        self._show_offer()
        return [*self.header(), who, self.draft_ask, *self.body(), files, self.savebar]

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
        self._draft_at(self.draft_key(state))
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
                self._keep_draft()
        elif self.savebar.status_kind == "unsaved":
            self._status(None, "info")
            self.drafts.pop(self._ctx_key(), None)
            self._forget_draft()  # as saved again: nothing to keep

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
        self._ask_near()  # a group of a name like this one's may have been made since
        if self._asked:  # "Menar ni Örby kommun?" first: never a new, unprotected look-alike
            self._status(Say("save.not_saved", reason=self.near_pending()), "error")
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
            self.key_notice = Say(self.texts["key_created"], code=access.display_key(made))
        self.saved = self.collect()
        self.drafts.pop(self._ctx_key(), None)
        self._forget_draft()
        # a new key is said where the focus is, beside Save (the live region), as well as below
        # the form: written as everywhere else, K7QM-2XPA
        self._status(Say("save.saved_new_key", time=self._clock(revision.saved_at),
                         code=access.display_key(made)) if made
                     else Say("save.saved_at", time=self._clock(revision.saved_at)), "saved")
        self.update_url()
        self._show_key_state("open")
        self.context.organisation_options = self.store.groups(self.ctx["workshop"])
        self._views(True)
        return True

    @staticmethod
    def _clock(stamp) -> str:
        return stamp.astimezone().strftime("%H:%M")

    # -- drafts kept in the browser ------------------------------------------------------
    def draft_key(self, state: str | None = None) -> str:
        """The key of the place's draft in the browser: JSON of ``[record, workshop, group,
        occasion, role]``; "" while the place is not complete or the group is not open to the
        page's key (nothing is kept then, and nothing is offered)."""
        state = self._group_state() if state is None else state
        if state != "open" or not self._complete():
            return ""
        return json.dumps([self.record or self.key, self.ctx["workshop"], self.ctx["organisation"],
                           self.ctx["occasion"], self.ctx.get("role", "")], ensure_ascii=False)

    def _draft_at(self, key: str) -> None:
        """The page is at the place ``key``: the browser looks up that place's draft."""
        self._draft_place = key
        if self._offer and self._offer["key"] != key:  # offered at another place: not here
            self._offer = None
            self._show_offer()
        if self.savebar.draft_key != key:
            self.savebar.draft = None  # the old place's draft is not written at the new one
            self.savebar.draft_key = key

    def _keep_draft(self) -> None:
        key = self.savebar.draft_key
        if key:
            self.savebar.draft = {"key": key, "payload": jsonable(self.collect())}

    def _forget_draft(self, key: str | None = None) -> None:
        """Remove the draft kept at ``key`` (the place's) in the browser."""
        key = key or self.savebar.draft_key
        if not key:
            return
        self.savebar.send({"event": "forget", "key": key})
        if self.savebar.draft and self.savebar.draft.get("key") == key:
            self.savebar.draft = None

    def _drop_stored(self, key: str) -> None:
        """Remove what the browser holds at ``key``; the form's own unsaved work is kept again."""
        self._forget_draft(key)
        if self._dirty() and self._complete():
            self._keep_draft()

    def _on_draft(self, msg, _buffers) -> None:
        """The browser has a draft at the page's place: offer it back if it is this place's, the
        group is open to the page's key and it is a payload of this module that differs from
        what is saved and shown; drop (and remove) one that does not fit."""
        key, payload = msg.get("key"), msg.get("payload")
        if not key or key != self.savebar.draft_key or key != self.draft_key():
            return  # another place's (the page has moved on): not this page's to judge
        if not draft_fits(payload, self.draft_template()) or not self.draft_ok(payload):
            log.warning("JämKit: a draft from the browser did not fit %s and was dropped", self.key)
            self._drop_stored(key)
            return
        found = jsonable(payload)
        if found == jsonable(self.saved):
            self._drop_stored(key)  # saved since: nothing is lost
            return
        if found == jsonable(self.collect()):
            return  # what the page shows already (it kept it itself)
        self._offer = {"key": key, "payload": found, "at": msg.get("at")}
        self._show_offer()

    def _offer_time(self) -> str:
        at = self._offer.get("at") if self._offer else None
        try:
            return dt.datetime.fromtimestamp(float(at) / 1000).astimezone().strftime("%H:%M")
        except (TypeError, ValueError, OverflowError, OSError):
            return "–"

    def _show_offer(self) -> None:
        if self._offer:
            self.draft_ask.buttons = [
                {"value": "take", "label": self.T("draft.take"), "kind": "primary"},
                {"value": "discard", "label": self.T("draft.discard"), "kind": "danger"}]
            self.draft_ask.text = self.T("draft.offer", time=self._offer_time())
        else:
            self.draft_ask.text, self.draft_ask.buttons = "", []

    def _on_draft_answer(self, msg, _buffers) -> None:
        """Ta tillbaka: the draft into the form (not saved); Släng: removed from the browser."""
        offer, answer = self._offer, msg.get("value")
        if not offer or answer not in ("take", "discard"):
            return
        self._offer = None
        self._show_offer()
        if offer["key"] != self.draft_key():  # the place or the group's state changed since
            return
        if answer == "discard":
            self._drop_stored(offer["key"])
            if not self._dirty():
                self._status(Say("draft.discarded"), "info")
            return
        shown = self.collect()
        try:
            self.show(offer["payload"])
        except Exception as exc:  # the module could not show it: the draft goes, the form stays
            log.warning("JämKit: a draft from the browser could not be shown in %s", self.key,
                        exc_info=exc)
            self.show(shown)
            self._forget_draft(offer["key"])
            self.changed()
            self._status(Say("draft.failed"), "error")
            return
        self.changed()
        if self._dirty():
            self._status(Say("draft.restored"), "unsaved")

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
