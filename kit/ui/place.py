"""Where a group works: workshop, group (organisation), occasion and, when a module has roles,
a role — and the group key that opens the group's work.

:class:`GroupPlace` (a :class:`~kit.ui.base.BaseApp`) holds the place (``self.ctx``), the key
(``self.gkey``), the group's state (:func:`kit.domain.access.page_state`: open, locked or
deleted, looked up anew each time), the context form with its key field and a new key's
notice, and the URL parameters of the place. It is the base of :class:`kit.ui.group.GroupApp`,
which adds the work saved there; a page that only reads a group's work may stand on it alone.
"""

from __future__ import annotations

import re
from typing import ClassVar

from kit.domain import access
from kit.domain import scores as sc
from kit.errors import InputError
from kit.ui import html as H
from kit.ui.base import BaseApp, html, section
from kit.ui.strings import Say, context_strings
from kit.ui.widgets import ContextForm

FIELDS = ("workshop", "organisation", "occasion", "role", "key")


class GroupPlace(BaseApp):
    """A page placed at a group; ``params`` are the URL's (``workshop``, ``group``,
    ``occasion``, ``role``, ``gkey``, ``lang``). The subclass renders the page."""

    #: The role keys the form offers (``()``: the module has no roles); labels ``role_one.*``.
    roles: tuple[str, ...] = ()
    #: The text keys of what the place shows; a module may point them at its own.
    texts: ClassVar[dict[str, str]] = {
        "who": "sa.who", "who_help": "sa.who_help", "locked": "sa.locked",
        "deleted": "sa.deleted", "key_created": "sa.key_created", "near_question": "sa.near_question",
        "near_yes": "sa.near_yes", "near_no": "sa.near_no", "near_pending": "sa.near_pending"}

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)
        p = self.params
        self.ctx = {"workshop": str(p.get("workshop", "")).strip(),
                    "organisation": str(p.get("group") or p.get("organisation") or "").strip(),
                    "occasion": self._occasion_or_default(p.get("occasion"))}
        if self.roles:
            self.ctx["role"] = self._role(p.get("role"))
        self.gkey = access.normalise_key(p.get("gkey"))
        self.key_notice = None  # a Say: a new key's notice, said again after a language switch
        self._bad_context: dict[str, InputError] = {}  # fields typed but not storable
        self._syncing = False
        self._asked = None  # (typed, existing): "Menar ni Örby kommun?", waiting for its answer
        self._new_names: set[str] = set()  # names confirmed as new groups (folded)

    # -- hooks -------------------------------------------------------------------------
    def leaving(self) -> None:
        """The place is about to change (the work shown still belongs to the old one)."""

    def load(self, was_complete: bool = False) -> None:
        """Show the place (``was_complete``: the place before the change was complete)."""
        self.update_url()
        self._show_key_state(self._group_state())

    # -- the group ---------------------------------------------------------------------
    def _access(self, group: str | None = None):
        """The page's one door to the group's work: every read and write checks the key."""
        return self.store.group(self.ctx["workshop"], group or self.ctx["organisation"], self.gkey)

    def _group_state(self) -> str:
        """``"open"``, ``"locked"`` or ``"deleted"``, looked up anew."""
        named = self.ctx["workshop"] and self.ctx["organisation"]
        return access.page_state(self._access().state if named else None)

    def _complete(self) -> bool:
        return all(self.ctx.values())

    def _ctx_key(self) -> tuple:
        return tuple(self.ctx.values())

    def _role(self, value) -> str:
        role = sc.role_or_consensus(value)
        return role if role in self.roles else ""

    @staticmethod
    def _occasion_or_default(value) -> str:
        try:
            return sc.parse_occasion(value)
        except InputError:
            return sc.DEFAULT_OCCASIONS[0]

    def upload_claims(self, workshop: str, groups) -> tuple[str, dict]:
        """The key for a file's groups and the names it claims: every group must be open to the
        page's key (else :class:`InputError`); a name nobody holds is claimed with it."""
        key = self.gkey or access.normalise_key(access.new_group_key())
        claims = {}
        for group in groups:
            state = self.store.group(workshop, group, key).state
            if state in ("locked", "deleted"):
                raise InputError(f"store.group_{state}", field="organisation", group=group)
            if state == "new":
                claims[group] = (access.hash_key(key), None)
        return key, claims

    def claimed(self, key: str, claims: dict) -> None:
        """Once a file's work is written: a page without a key now holds the one its new names
        were claimed with, and says so."""
        if claims and not self.gkey:
            self.gkey = key
            self.key_notice = Say(self.texts["key_created"], code=access.display_key(key))

    # -- the form ----------------------------------------------------------------------
    def place(self) -> dict:
        place = {"lang": self.lang, "workshop": self.ctx["workshop"], "group": self.ctx["organisation"],
                 "gkey": self.gkey, "occasion": self.ctx["occasion"]}
        return place | ({"role": self.ctx["role"]} if self.roles else {})

    def place_section(self):
        """The section with the context form, the question about a near name and the key's
        notice (``self.context``)."""
        from kit.ui.widgets import Ask

        self.context = ContextForm(strings=context_strings(self.lang), **self._context_traits())
        self.context.observe(self._on_context, names=list(FIELDS))
        self.question = Ask()
        self.on(self.question, "answer", self._answer_near)
        self.key_box = html("")
        self._ask_near()
        return section([html(f"<h2>{H.e(self.T(self.texts['who']))}</h2>"
                             f"<p>{H.e(self.T(self.texts['who_help']))}</p>"), self.context,
                        self.question, self.key_box])

    # -- a name like an existing group's ---------------------------------------------------
    def _ask_near(self) -> None:
        """Ask "Menar ni Örby kommun?" when the group's name differs from an existing group's
        only by case or spaces: such a name is most likely that group's (whose work its key
        protects), not a new, unprotected group. A save waits for the answer."""
        name, ws = self.ctx["organisation"], self.ctx["workshop"]
        near = None
        if ws and name and sc.name_fold(name) not in self._new_names:
            near = sc.near_name(name, self.store.groups(ws))
        self._asked = (name, near) if near else None
        if getattr(self, "question", None) is None:
            return
        if self._asked:
            values = {"group": near, "typed": name}
            self.question.buttons = [
                {"value": "existing", "label": self.T(self.texts["near_yes"], **values), "kind": "primary"},
                {"value": "new", "label": self.T(self.texts["near_no"], **values), "kind": "quiet"}]
            self.question.text = self.T(self.texts["near_question"], **values)
        else:
            self.question.text, self.question.buttons = "", []

    def near_pending(self) -> Say | None:
        """Why a save must wait (the question about the name is not answered), or ``None``."""
        return Say(self.texts["near_pending"], group=self._asked[1]) if self._asked else None

    def _answer_near(self, msg, _buffers) -> None:
        if not self._asked:
            return
        typed, near = self._asked
        if msg.get("value") == "existing":
            self._context_edit("organisation", near)
            self._sync_context()
        elif msg.get("value") == "new":
            self._new_names.add(sc.name_fold(typed))
            self._ask_near()

    def _occasions(self) -> list[str]:
        """The workshop's own occasions in its order (as the facilitator set them), else SKR's."""
        record = self.store.workshop_record(self.ctx["workshop"]) if self.ctx["workshop"] else None
        found = [o["key"] for o in (record or {}).get("occasions", [])] or list(sc.DEFAULT_OCCASIONS)
        return found + ([self.ctx["occasion"]] if self.ctx["occasion"] not in found else [])

    def _occasion_options(self) -> list:
        from kit.io.writers import occasion_label

        return [[o, occasion_label(o, self.lang)] for o in self._occasions()]

    def _context_traits(self) -> dict:
        # Only this workshop's group names are suggested: on a shared hub, the names of other
        # workshops are nobody else's business.
        ws = self.ctx["workshop"]
        return {"workshop": ws, "organisation": self.ctx["organisation"],
                "occasion": self.ctx["occasion"], "role": self.ctx.get("role", ""), "key": self.gkey,
                "workshop_options": [], "organisation_options": self.store.groups(ws) if ws else [],
                "occasion_options": self._occasion_options(), "show_role": bool(self.roles),
                "role_options": [[k, self.T(f"role_one.{k}")] for k in self.roles]}

    def _sync_context(self) -> None:
        """The form shows ``self.ctx`` again (after a file moved the page to its place)."""
        self._syncing = True
        try:
            for name, value in self._context_traits().items():
                setattr(self.context, name, value)
        finally:
            self._syncing = False

    def _state_say(self, state: str) -> Say:
        return Say(self.texts[state], group=self.ctx["organisation"])

    def _show_key_state(self, state: str) -> None:
        self.context.show_key = state == "locked" or bool(self.gkey)
        shown = access.display_key(self.gkey)  # written as everywhere else: K7QM-2XPA
        if self.context.key != shown and state == "open":
            self._syncing = True
            try:
                self.context.key = shown
            finally:
                self._syncing = False
        notice = self.say(self.key_notice if state == "open" else self._state_say(state))
        kind = "saved" if state == "open" else "error"
        self.key_box.value = (f"<p class=\"jk-note jk-status-{kind}\" role=\"status\">{H.e(notice)}</p>"
                              if notice else "")

    def _on_context(self, change) -> None:
        if not self._syncing:
            self.act(self._context_edit, change["name"], change["new"] or "")

    def _context_edit(self, name: str, value: str) -> None:
        if name == "key":
            self.gkey = access.normalise_key(value)
            self.load(was_complete=True)
            return
        if name == "role":
            if not self.roles:
                return
            value = self._role(value)
        elif name == "occasion":
            value = self._occasion_or_default(value)
        else:
            try:  # a lone surrogate, a control character, a name too long: said, not stored
                value = sc.clean_text(re.sub(r"\s+", " ", value).strip(), name, sc.NAME_LIMIT)
            except InputError as exc:
                self._bad_context[name] = exc  # a save is refused until the field is fixed
                self.context.error = exc.text(self.lang)
                return
            self._bad_context.pop(name, None)
        was_complete = self._complete()
        self.leaving()
        self.ctx[name] = value
        self.context.error = ""
        if name == "workshop":
            self.context.organisation_options = self.store.groups(value) if value else []
            self.context.occasion_options = self._occasion_options()
        if name in ("workshop", "organisation"):
            self._ask_near()
        self.load(was_complete)
