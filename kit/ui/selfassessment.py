"""The self-assessment app (Självskattning): SKR's checklist, ten moments scored 1–4.

Each role scores on its own, then the group records its consensus beside the roles' spread.
Saves are revisions in the store; the latest is shown. Results as radar, totals and a
comparison with Modellkonceptet 2020–2022; the work downloads as XLSX or JSON and uploads again.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re

import ipywidgets as w

from kit import content
from kit.domain import access
from kit.domain import scores as sc
from kit.errors import InputError, Msg
from kit.io.writers import occasion_label
from kit.ui import html as H
from kit.ui.strings import context_strings, shell_strings  # noqa: F401 - also imported from here
from kit.ui.strings import Say
from kit.ui.widgets import ContextForm, Files, MomentCard, SaveBar, Shell

log = logging.getLogger("kit.ui")
CONSENSUS = sc.CONSENSUS  # the role key the form uses for the group's consensus
ROLE_KEYS = ("politiker", "chef", "strateg", "annan", CONSENSUS)


def _html(markup: str, cls: str | None = None) -> w.HTML:
    widget = w.HTML(markup)
    if cls:
        widget.add_class(cls)
    return widget


def _box(children, cls: str) -> w.VBox:
    box = w.VBox(children)
    box.add_class(cls)
    return box


def _slug(text: str) -> str:
    """A file-name-safe version of a name.

    >>> _slug("Örby kommun / <b>")
    'orby-kommun-b'
    """
    table = str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE")
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")[:40] or "jamkit"


def moment_strings(n: int, lang: str) -> dict:
    """Everything a moment card shows, in one language."""
    T = lambda key, **kw: content.text(key, lang, **kw)  # noqa: E731
    roles = content.lookup(f"moments.{n}.roles", lang)
    return {
        "title": T(f"moments.{n}.title"),
        "explanation": T(f"moments.{n}.explanation"),
        "roles": [[content.text(f"roles.{k}", lang), roles[k]] for k in ("politiker", "chef", "strateg")],
        "examples": list(content.lookup(f"moments.{n}.examples", lang)),
        "levels": {str(k): content.text(f"moments.{n}.levels.{k}", lang) for k in sc.SCORES},
        "scale": {str(k): content.text(f"scale.{k}", lang) for k in sc.SCORES},
        "more": T("sa.more"), "roles_heading": T("sa.roles_heading"),
        "examples_heading": T("sa.examples"), "levels_heading": T("sa.levels"),
        "score_legend": T("sa.score_legend", n=n), "comment": T("sa.comment"),
        "comment_for": T("sa.comment_for", n=n), "actions": T("sa.actions"),
        "actions_for": T("sa.actions_for", n=n), "peers": T("sa.peers"),
        "peers_none": T("sa.peers_none"),
        "source": T("sa.source", source=content.lookup(f"moments.{n}.source", lang)),
    }


class SelfAssessmentApp:
    """The app's state and widgets. ``app.widget`` is what a page displays."""

    def __init__(self, lang="sv", workshop="", organisation="", occasion="uppstart", role="",
                 store=None, on_back=None, on_query=None, group_key=""):
        from kit.store import default_store

        self.store = store or default_store()
        self.lang = content.normalise_lang(lang)
        self.on_back = on_back
        self.on_query = on_query
        self.ctx = {"workshop": (workshop or "").strip(), "organisation": (organisation or "").strip(),
                    "occasion": self._occasion_or_default(occasion), "role": self._role_or_blank(role)}
        self.answers = {m: {"score": None, "comment": "", "actions": ""} for m in sc.MOMENTS}
        self.saved = None  # the answers as last saved or loaded, for "unsaved" status
        self.drafts: dict[tuple, dict] = {}
        self.gkey = access.normalise_key(group_key)
        self._bad_context: dict[str, InputError] = {}  # fields typed but not storable
        self.key_notice = None  # a Say: the new key's notice, shown again after a language switch
        self._said = (None, "info")  # the save bar's status as a Say, redrawn in a new language
        self._files_said = (None, "info")  # the files panel's status, likewise
        self.widget = w.VBox()
        self.widget.add_class("jk-app")
        self._build()
        self._load()

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _occasion_or_default(value) -> str:
        try:
            return sc.parse_occasion(value)
        except InputError:
            return sc.DEFAULT_OCCASIONS[0]

    _role_or_blank = staticmethod(sc.role_or_consensus)

    def T(self, key, **values) -> str:
        return content.text(key, self.lang, **values)

    def _ctx_key(self) -> tuple:
        return tuple(self.ctx[k] for k in ("workshop", "organisation", "occasion", "role"))

    def _complete_context(self) -> bool:
        return all(self.ctx.values())

    def _store_role(self):
        return None if self.ctx["role"] == CONSENSUS else self.ctx["role"]

    def _access(self, group: str | None = None):
        """The page's one door to a group's answers: every read and write checks the key."""
        return self.store.group(self.ctx["workshop"], group or self.ctx["organisation"], self.gkey)

    def _group_state(self) -> str:
        """'open' (no key needed, or the right one held), 'locked' or 'deleted'."""
        if not (self.ctx["workshop"] and self.ctx["organisation"]):
            return "open"
        state = self._access().state
        return "open" if state == "new" else state

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        lang = self.lang
        self.shell = Shell(strings=shell_strings(lang), lang=lang, show_back=self.on_back is not None,
                           page_title=f"{self.T('sa.heading')} – JämKit", query=self._query())
        self.shell.on_msg(self._on_shell_msg)
        heading = _html(f"<h1>{H.e(self.T('sa.heading'))}</h1><p class=\"jk-lead\">"
                        f"{H.e(self.T('sa.subheading', period=content.text('checklist.period', lang)))}</p>")
        self.context = ContextForm(strings=context_strings(lang), **self._context_traits())
        self.context.observe(self._on_context, names=["workshop", "organisation", "occasion", "role", "key"])
        self.key_box = _html("")
        who = _box([_html(f"<h2>{H.e(self.T('sa.who'))}</h2><p>{H.e(self.T('sa.who_help'))}</p>"),
                    self.context, self.key_box], "jk-section")
        how = _html(
            f"<details class=\"jk-details jk-note\"><summary>{H.e(self.T('sa.how'))}</summary>"
            f"<p>{H.e(content.text('checklist.scale_note', lang))}</p>"
            f"<p>{H.e(content.text('checklist.bias_note', lang))}</p></details>")
        self.spread_note = _html("")
        self.cards = {}
        for m in sc.MOMENTS:
            card = MomentCard(number=m, strings=moment_strings(m, lang))
            card.observe(self._on_card, names=["value", "comment", "actions"])
            self.cards[m] = card
        self.results = _html("", "jk-section")
        self.files = Files(strings={"upload": self.T("files.upload")})
        self.files.on_msg(self._on_files_msg)
        files_box = _box([_html(f"<h2>{H.e(self.T('files.heading'))}</h2>"
                                f"<p>{H.e(self.T('files.help'))}</p>"), self.files], "jk-section")
        self.savebar = SaveBar(button_label=self.T("save.button"))
        self.savebar.on_msg(self._on_save_msg)
        self.widget.children = [self.shell, heading, who, how,
                                _html(f"<h2>{H.e(self.T('sa.moments_heading'))}</h2>"),
                                self.spread_note, *self.cards.values(), self.results, files_box,
                                self.savebar]
        self._fill_cards()
        self._refresh_total()

    def _occasions(self) -> list[str]:
        """The workshop's own occasions in its order (as the facilitator set them), else SKR's."""
        record = self.store.workshop_record(self.ctx["workshop"]) if self.ctx["workshop"] else None
        return [o["key"] for o in (record or {}).get("occasions", [])] or list(sc.DEFAULT_OCCASIONS)

    def _context_traits(self) -> dict:
        # Only this workshop's group names are suggested: on a shared hub, the names of other
        # workshops are nobody else's business.
        workshops: list[str] = []
        groups = self.store.groups(self.ctx["workshop"]) if self.ctx["workshop"] else []
        occasions = self._occasions()
        if self.ctx["occasion"] not in occasions:
            occasions.append(self.ctx["occasion"])
        role_options = [[k, content.text(f"role_one.{k}", self.lang)] for k in ROLE_KEYS]
        return {"workshop": self.ctx["workshop"], "organisation": self.ctx["organisation"],
                "occasion": self.ctx["occasion"], "role": self.ctx["role"], "key": self.gkey,
                "workshop_options": workshops, "organisation_options": groups,
                "occasion_options": [[o, occasion_label(o, self.lang)] for o in occasions],
                "role_options": role_options}

    def _query(self) -> str:
        from urllib.parse import urlencode

        params = {"lang": self.lang, "workshop": self.ctx["workshop"],
                  "group": self.ctx["organisation"], "gkey": self.gkey,
                  "occasion": self.ctx["occasion"], "role": self.ctx["role"]}
        if self.on_query:
            return self.on_query(params)
        return urlencode({k: v for k, v in params.items() if v}, errors="replace")

    # -- state <-> widgets -----------------------------------------------------------------
    def _fill_cards(self) -> None:
        self._filling = True
        try:
            for m, card in self.cards.items():
                a = self.answers[m]
                card.value = a["score"] or 0
                card.comment = a["comment"] or ""
                card.actions = a["actions"] or ""
        finally:
            self._filling = False

    def _on_card(self, change) -> None:
        if getattr(self, "_filling", False):
            return
        card = change["owner"]
        a = self.answers[card.number]
        if change["name"] == "value":
            a["score"] = change["new"] or None
        else:
            a[change["name"]] = change["new"]
        self._refresh_total()
        self._mark_dirty()

    def _dirty(self) -> bool:
        return self._clean_answers() != (self.saved or {})

    def _clean_answers(self) -> dict:
        return {m: dict(a) for m, a in self.answers.items()
                if a["score"] or (a["comment"] or "").strip() or (a["actions"] or "").strip()}

    def _mark_dirty(self) -> None:
        if self._dirty():
            self._status(Say("save.unsaved"), "unsaved")
            if self._complete_context():
                self.drafts[self._ctx_key()] = {m: dict(a) for m, a in self.answers.items()}
        elif self.savebar.status_kind == "unsaved":
            self._status("", "info")
            self.drafts.pop(self._ctx_key(), None)

    def _refresh_total(self) -> None:
        total, count = sc.running_total({m: a["score"] for m, a in self.answers.items()})
        self.savebar.total_text = self.T("sa.total", total=total, count=count)

    def _status(self, said, kind: str) -> None:
        """The save bar's status: a :class:`Say` (redrawn after a language switch) or ""."""
        self._said = (said or None, kind)
        self.savebar.status = said.render(self.lang) if said else ""
        self.savebar.status_kind = kind

    def _files_status(self, said, kind: str) -> None:
        self._files_said = (said or None, kind)
        self.files.status = said.render(self.lang) if said else ""
        self.files.status_kind = kind

    # -- context -----------------------------------------------------------------------
    def _on_context(self, change) -> None:
        if getattr(self, "_syncing", False):
            return
        try:
            name = change["name"]
            value = change["new"] or ""
            if name == "key":
                self.gkey = access.normalise_key(value)
                self._load(was_complete=True)
                return
            if name == "role":
                value = self._role_or_blank(value)
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
            was_complete = self._complete_context()
            if was_complete and self._dirty():
                self.drafts[self._ctx_key()] = {m: dict(a) for m, a in self.answers.items()}
            self.ctx[name] = value
            self.context.error = ""
            if name == "workshop":
                self.context.organisation_options = self.store.groups(value) if value else []
                occasions = self._occasions()
                if self.ctx["occasion"] not in occasions:
                    occasions.append(self.ctx["occasion"])
                self.context.occasion_options = [[o, occasion_label(o, self.lang)] for o in occasions]
            self._load(was_complete)
        except Exception as exc:  # a callback must never fail silently
            self._fail(exc)

    def _load(self, was_complete: bool = False) -> None:
        """Show the latest saved answers for the chosen context (or a draft, or empty)."""
        self.shell.query = self._query()
        saved = None
        state = self._group_state()
        self._show_key_state(state)
        if state != "open":
            self.answers = {m: {"score": None, "comment": "", "actions": ""} for m in sc.MOMENTS}
            self.saved = {}
            self._fill_cards()
            self._refresh_total()
            self._refresh_peers()
            self.files.downloads = []
            self.results.value, self._results_stamp = "", None
            self._status(self._state_say(state), "error")
            return
        if self._complete_context():
            try:
                saved = self._access().load(self.ctx["occasion"], self._store_role())
            except InputError as exc:  # closed between the check above and now
                self._status(Say("save.error", error=exc), "error")
                return
        blank = {m: {"score": None, "comment": "", "actions": ""} for m in sc.MOMENTS}
        if saved:
            stamp = saved.pop("_saved_at")
            saved.pop("_revision", None)
            for m, a in saved.items():
                blank[m] = {"score": a.get("score"), "comment": a.get("comment") or "",
                            "actions": a.get("actions") or ""}
            self.saved = {m: dict(a) for m, a in blank.items()
                          if a["score"] or a["comment"] or a["actions"]}
            self._status(Say("save.loaded", time=self._clock(stamp)), "saved")
        else:
            self.saved = {}
            if self._complete_context():
                self._status(Say("save.new"), "info")
            else:
                self._status("", "info")
        draft = self.drafts.get(self._ctx_key())
        if draft:
            self.answers = {m: dict(a) for m, a in draft.items()}
        elif saved or was_complete:
            self.answers = blank
        # else: keep what was typed before the place was complete, so nothing is lost
        self._fill_cards()
        self._refresh_total()
        self._mark_dirty()
        self._refresh_peers()
        if self._complete_context():
            self._refresh_results()
            self._refresh_downloads()
        else:
            self.files.downloads = []
            self.results.value, self._results_stamp = "", None

    def _show_key_state(self, state: str) -> None:
        self.context.show_key = state == "locked" or bool(self.gkey)
        if self.context.key != self.gkey and state == "open":
            self._syncing = True
            try:
                self.context.key = self.gkey
            finally:
                self._syncing = False
        said = self.key_notice if state == "open" else self._state_say(state)
        notice = said.render(self.lang) if said else ""
        kind = "saved" if state == "open" else "error"
        self.key_box.value = (f"<p class=\"jk-note jk-status-{kind}\" role=\"status\">{H.e(notice)}</p>"
                              if notice else "")

    def _refresh_peers(self) -> None:
        consensus = self.ctx["role"] == CONSENSUS
        peers = {m: [] for m in sc.MOMENTS}
        if consensus and self.ctx["workshop"] and self.ctx["organisation"] and self._group_state() == "open":
            door = self._access()
            for role in ("politiker", "chef", "strateg", "annan"):
                try:
                    form = door.load(self.ctx["occasion"], role)
                except InputError:
                    break
                if not form:
                    continue
                for m in sc.MOMENTS:
                    score = (form.get(m) or {}).get("score")
                    if score:
                        peers[m].append([content.text(f"role_one.{role}", self.lang), int(score)])
        for m, card in self.cards.items():
            card.peers = peers[m]
            card.show_peers = consensus
        self.spread_note.value = (
            f"<div class=\"jk-note\"><h3>{H.e(self.T('sa.spread_heading'))}</h3>"
            f"<p>{H.e(self.T('sa.spread_help'))}</p></div>" if consensus else "")

    # -- saving ------------------------------------------------------------------------
    def _on_save_msg(self, _widget, msg, _buffers) -> None:
        if msg.get("event") == "save":
            self.save()

    def save(self) -> bool:
        """Save the form as a new revision; returns whether it was saved."""
        missing = [self.T(f"form.{k}") for k in ("workshop", "organisation", "occasion", "role")
                   if not self.ctx[k]]
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
        self.savebar.busy = True
        self._status(Say("save.saving"), "busy")
        try:
            # the check of the key, the claim of a new name and the answers: one transaction
            revision, made = self._access().save(self.ctx["occasion"], self._store_role(),
                                                 self._clean_answers())
        except InputError as exc:
            # nothing was written, and nothing typed is lost: the form keeps it as a draft
            self._status(Say("save.not_saved", reason=exc), "error")
            if exc.key in ("store.group_taken", "store.group_locked"):
                self._show_key_state("locked")
            return False
        except Exception as exc:
            self._fail(exc)
            return False
        finally:
            self.savebar.busy = False
        if made:
            self.gkey = access.normalise_key(made)
            self.key_notice = Say("sa.key_created", code=made)
        self.saved = self._clean_answers()
        self.drafts.pop(self._ctx_key(), None)
        self._status(Say("save.saved_at", time=self._clock(revision.saved_at)), "saved")
        self.shell.query = self._query()
        self._show_key_state("open")
        self.context.organisation_options = self.store.groups(self.ctx["workshop"])
        self._refresh_results()
        self._refresh_downloads()
        return True

    @staticmethod
    def _clock(stamp: dt.datetime) -> str:
        return stamp.astimezone().strftime("%H:%M")

    def _fail(self, exc: Exception) -> None:
        log.error("JämKit: unexpected error", exc_info=exc)
        self._status(Say("save.not_saved", reason=Say("app.failed")), "error")

    def _state_say(self, state: str) -> Say:
        return Say(f"sa.{state}", group=self.ctx["organisation"])

    def _state_text(self, state: str) -> str:
        return self._state_say(state).render(self.lang)

    # -- results -----------------------------------------------------------------------
    def group_answers(self):
        """The group's saved answers — through the key check (raises :class:`InputError`)."""
        return self._access().answers()

    def _refresh_results(self) -> None:
        """Draw the group's results; skipped when nothing was saved since the last drawing
        (switching role or occasion does not change a group's results). A locked group shows
        nothing, whichever path asks (a language switch too)."""
        try:
            answers = self.group_answers()
        except InputError:
            self.results.value, self._results_stamp = "", None
            return
        stamp = (self.ctx["workshop"], self.ctx["organisation"], self.lang, self.gkey,
                 self.store.changes(self.ctx["workshop"]))
        if stamp == getattr(self, "_results_stamp", None) and self.results.value:
            return
        try:
            self.results.value = self._results_html(answers)
            self._results_stamp = stamp
        except Exception as exc:  # noqa: BLE001 - a drawing must never take the page down
            log.error("JämKit: drawing the results failed", exc_info=exc)
            self.results.value = (f"<h2>{H.e(self.T('results.heading'))}</h2>"
                                  f"<p class=\"jk-status-error\" role=\"status\">⚠ {H.e(self.T('results.failed'))}</p>")
            self._results_stamp = None

    def _results_html(self, answers) -> str:
        from kit import plots

        lang = self.lang
        parts = [f"<h2>{H.e(self.T('results.heading'))}</h2>"]
        if answers.empty or answers["score"].notna().sum() == 0:
            parts.append(f"<p class=\"jk-muted\">{H.e(self.T('results.empty'))}</p>")
            return "".join(parts) + self._reference_html()
        table = sc.summary_table(answers)
        who = self.ctx["organisation"]
        fig = plots.radar(table, lang=lang)
        parts.append(H.figure(plots.png_bytes(fig), self.T("results.radar"),
                              self.T("results.radar_alt", who=who)))
        if table.loc[sc.TOTAL].drop(sc.CHANGE).notna().sum() >= 2:
            fig = plots.totals(table, lang=lang)
            parts.append(H.figure(plots.png_bytes(fig), self.T("results.totals"),
                                  self.T("results.totals_alt", who=who)))
        fig = plots.compare(table, lang=lang, group_label=who)
        parts.append(H.figure(plots.png_bytes(fig), self.T("results.compare"),
                              self.T("results.compare_alt", who=who)))
        parts.append(f"<h3>{H.e(self.T('results.table'))}</h3>")
        parts.append(H.summary_table(table, lang, self.T("results.table_caption")))
        left_out = table.attrs.get("incomplete") or []
        if left_out:
            names = ", ".join(f"{occasion_label(occ, lang)} ({len(miss)})" for _, occ, miss in left_out)
            parts.append(f"<p class=\"jk-muted\">{H.e(self.T('results.incomplete', list=names))}</p>")
        return "".join(parts) + self._reference_html()

    def _reference_html(self) -> str:
        """Modellkonceptet 2020–2022's published Tabell 1 and 2, as published."""
        from kit.reference import SOURCE, published_table

        tables = "".join(
            H.summary_table(published_table(which), self.lang, self.T(f"results.{which}"))
            + f"<p class=\"jk-source\">{H.e(self.T(note))}</p>"
            for which, note in (("participants", "results.note_table1"),
                                ("mentors", "results.note_table2")))
        return (f"<details class=\"jk-details\"><summary>{H.e(self.T('results.reference'))}</summary>"
                f"<p>{H.e(self.T('results.reference_help'))}</p>{tables}"
                f"<p class=\"jk-source\">{H.e(self.T('sa.source', source=SOURCE))}</p></details>")

    # -- files -------------------------------------------------------------------------
    def _refresh_downloads(self) -> None:
        """The group's XLSX and JSON — only through the key check, and a file that cannot be
        made is said so in the files panel; it never takes the page down."""
        from kit.io.writers import kit_json, workbook_bytes

        try:
            answers = self.group_answers()
        except InputError:
            self.files.downloads = []
            return
        if answers.empty:
            self.files.downloads = []
            return
        try:
            self.files.downloads = self._downloads(answers, workbook_bytes, kit_json)
            if self._files_said[0] is not None and self._files_said[0].key == "files.export_failed":
                self._files_status(None, "info")  # the files could be made after all
        except Exception as exc:  # noqa: BLE001 - one export must never take a page down
            log.error("JämKit: making the group's files failed", exc_info=exc)
            self.files.downloads = []
            self._files_status(Say("files.export_failed"), "error")

    def _downloads(self, answers, workbook_bytes, kit_json) -> list:
        stem = f"jamkit-{_slug(self.ctx['workshop'])}-{_slug(self.ctx['organisation'])}"
        xlsx = workbook_bytes(answers, self.lang)
        js = kit_json(answers, workshop=self.ctx["workshop"], organisation=self.ctx["organisation"])
        downloads = [
            {"label": self.T("files.xlsx"), "filename": f"{stem}.xlsx",
             "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "b64": base64.b64encode(xlsx).decode("ascii")},
            {"label": self.T("files.json"), "filename": f"{stem}.json", "mime": "application/json",
             "b64": base64.b64encode(js).decode("ascii")},
        ]
        return downloads

    def _on_files_msg(self, _widget, msg, buffers) -> None:
        if msg.get("event") == "upload" and buffers:
            self.upload(str(msg.get("name") or "fil"), bytes(buffers[0]))

    def upload(self, name: str, data: bytes) -> bool:
        """Read a file of answers and add it to the store (all or nothing). Every group in the
        file must be open to this page's key; a name nobody holds is claimed with it, in the
        same transaction as the answers."""
        from kit.io.readers import read_kit_json, read_scores

        try:
            workshop = self.ctx["workshop"]
            if name.lower().endswith(".json"):
                doc = read_kit_json(name=name, data=data)
                answers, workshop = doc["answers"], workshop or doc["workshop"]
            else:
                answers = read_scores(name, name=name, data=data)
            if not workshop:
                raise InputError("form.missing", field="workshop", what=Msg("field.workshop"))
            organisations = list(dict.fromkeys(answers["organisation"]))
            key = self.gkey or access.normalise_key(access.new_group_key())
            claims = {}
            for org in organisations:
                state = self.store.group(workshop, org, key).state
                if state in ("locked", "deleted"):
                    raise InputError(f"store.group_{state}", field="organisation", group=org)
                if state == "new":
                    claims[org] = (access.hash_key(key), None)
            count = self.store.import_answers(workshop, answers, claims_for=claims)
        except InputError as exc:
            self._files_status(Say("files.upload_failed", reason=exc), "error")
            return False
        except Exception as exc:  # noqa: BLE001 - said on the page, logged for the developer
            log.error("JämKit: upload failed", exc_info=exc)
            self._files_status(Say("files.upload_failed", reason=Say("app.failed")), "error")
            return False
        if claims and not self.gkey:
            self.gkey = key
            self.key_notice = Say("sa.key_created", code=access.display_key(key))
        self.ctx["workshop"] = workshop
        if self.ctx["organisation"] not in organisations:
            self.ctx["organisation"] = organisations[0]
        # the uploaded forms replace their drafts; a draft of any other form stays
        written = {(workshop, org, occ, self._role_or_blank(role) or CONSENSUS)
                   for org, occ, role in zip(answers["organisation"], answers["occasion"],
                                             answers["role"].map(lambda r: r or CONSENSUS))}
        for ctx_key in [k for k in self.drafts if k in written]:
            self.drafts.pop(ctx_key)
        self._sync_context_widget()
        self._load(was_complete=True)
        # said last, so that when it is read the page already shows what was read in
        self._files_status(Say("files.uploaded", count=len(answers), name=name), "saved")
        return count > 0

    def _sync_context_widget(self) -> None:
        names = ["workshop", "organisation", "occasion", "role", "key"]
        self.context.unobserve(self._on_context, names=names)
        try:
            for k, v in self._context_traits().items():
                setattr(self.context, k, v)
        finally:
            self.context.observe(self._on_context, names=names)

    # -- language ----------------------------------------------------------------------
    def _on_shell_msg(self, _widget, msg, _buffers) -> None:
        if msg.get("event") == "lang":
            self.set_language(msg.get("lang"))
        elif msg.get("event") == "back" and self.on_back:
            self.on_back(self)

    def set_language(self, lang) -> None:
        """Rebuild every widget in another language, keeping all state (unsaved work too)."""
        said, files_said = self._said, self._files_said
        self._said, self._files_said = (None, "info"), (None, "info")
        self._bad_context = {}  # the rebuilt form shows the stored names again
        self.lang = content.normalise_lang(lang)
        self._build()
        self._show_key_state(self._group_state())  # the key field and a new key's notice stay
        self._refresh_peers()
        if self._complete_context():
            self._refresh_results()
            self._refresh_downloads()
        self._mark_dirty()
        # what the page said last is said again, now in the new language (an error first)
        if said[1] == "error" or (self._said == (None, "info") and said[1] != "busy"):
            self._status(*said)
        if self._files_said == (None, "info"):
            self._files_status(*files_said)


def self_assessment_app(**kwargs) -> SelfAssessmentApp:
    return SelfAssessmentApp(**kwargs)
