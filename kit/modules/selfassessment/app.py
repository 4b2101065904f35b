"""Självskattning's page: SKR's checklist, ten moments scored 1–4.

Each role scores on its own, then the group records its consensus beside the roles' spread.
Saves are revisions in the store; the latest is shown. Results as radar, totals and a
comparison with Modellkonceptet 2020–2022; the work downloads as XLSX or JSON and uploads
again. The group part (place, key, save bar, files, drafts, URL) is :class:`kit.ui.group.GroupApp`;
the rules are :mod:`kit.domain.scores`; what is drawn of the results is :mod:`.results`.
"""

from __future__ import annotations

import logging

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError, Msg
from kit.modules.selfassessment import results as R
from kit.ui import html as H
from kit.ui.base import JSON, XLSX, download, html, slug
from kit.ui.group import GroupApp
from kit.ui.strings import Say
from kit.ui.widgets import MomentCard

log = logging.getLogger("kit.ui")
ROLE_KEYS = (*sc.ROLES, sc.CONSENSUS)


def _blank_answer() -> dict:
    return {"score": None, "comment": "", "actions": ""}


class App(GroupApp):
    """The self-assessment page. ``params`` are the URL's parameters (``lang``, ``workshop``,
    ``group``, ``occasion``, ``role``, ``gkey``); ``app.widget`` is what a page displays."""

    key = "sjalvskattning"
    title_key = "sa.heading"
    record = "självskattning"
    roles = ROLE_KEYS
    _results_stamp = None  # what the results were last drawn from
    _filling = False

    # -- widgets -----------------------------------------------------------------------
    def header(self) -> list:
        period = content.text("checklist.period", self.lang)
        return [html(f"<h1>{H.e(self.T('sa.heading'))}</h1><p class=\"jk-lead\">"
                     f"{H.e(self.T('sa.subheading', period=period))}</p>")]

    def body(self) -> list:
        how = html(f"<details class=\"jk-details jk-note\"><summary>{H.e(self.T('sa.how'))}</summary>"
                   f"<p>{H.e(self.T('checklist.scale_note'))}</p>"
                   f"<p>{H.e(self.T('checklist.bias_note'))}</p></details>")
        self.spread_note = html("")
        self.cards = {}
        for m in sc.MOMENTS:
            card = MomentCard(number=m, strings=R.moment_strings(m, self.lang))
            card.observe(self._on_card, names=["value", "comment", "actions"])
            self.cards[m] = card
        self.results = html("", "jk-section")
        return [how, html(f"<h2>{H.e(self.T('sa.moments_heading'))}</h2>"), self.spread_note,
                *self.cards.values(), self.results]

    # -- the payload: {moment: {"score", "comment", "actions"}} ------------------------
    def collect(self) -> dict:
        return {m: dict(a) for m, a in self.answers.items()
                if a["score"] or (a["comment"] or "").strip() or (a["actions"] or "").strip()}

    def draft_ok(self, payload) -> bool:
        """A draft from the browser holds moments 1–10 only, each with a score 1–4 (or none)
        and texts within the kit's limits — the checklist's own rules, as a save applies them."""
        try:
            for m, a in payload.items():
                if set(a) - {"score", "comment", "actions"}:
                    return False
                sc.parse_moment(m)
                sc.parse_score(a.get("score"), allow_blank=True)
                sc.parse_free_text(a.get("comment"), "comment")
                sc.parse_free_text(a.get("actions"), "actions")
        except InputError:
            return False
        return True

    def show(self, payload) -> None:
        self.answers = {m: _blank_answer() for m in sc.MOMENTS}
        for m, a in (payload or {}).items():
            self.answers[int(m)] = {"score": a.get("score"), "comment": a.get("comment") or "",
                                    "actions": a.get("actions") or ""}
        self._filling = True
        try:
            for m, card in self.cards.items():
                a = self.answers[m]
                card.value, card.comment, card.actions = a["score"] or 0, a["comment"], a["actions"]
        finally:
            self._filling = False
        self._refresh_total()

    def _on_card(self, change) -> None:
        if self._filling:
            return
        a = self.answers[change["owner"].number]
        if change["name"] == "value":
            a["score"] = change["new"] or None
        else:
            a[change["name"]] = change["new"]
        self._refresh_total()
        self.changed()

    def _refresh_total(self) -> None:
        total, count = sc.running_total({m: a["score"] for m, a in self.answers.items()})
        self.savebar.total_text = self.T("sa.total", total=total, count=count)

    # -- the store ---------------------------------------------------------------------
    def _store_role(self):
        return sc.parse_role(self.ctx["role"])  # None: the group's consensus

    def read(self):
        saved = self._access().load(self.ctx["occasion"], self._store_role())
        if not saved:
            return None
        stamp = saved.pop("_saved_at")
        saved.pop("_revision", None)
        return saved, stamp

    def write(self, payload: dict):
        return self._access().save(self.ctx["occasion"], self._store_role(), payload)

    def group_answers(self):
        """The group's saved answers — through the key check (raises :class:`InputError`)."""
        return self._access().answers()

    # -- what the group's saved work shows -----------------------------------------------
    def context_changed(self) -> None:
        """At the consensus, each role's saved score beside every moment."""
        consensus = self.ctx["role"] == sc.CONSENSUS
        peers = {m: [] for m in sc.MOMENTS}
        if (consensus and self.ctx["workshop"] and self.ctx["organisation"]
                and self._group_state() == "open"):
            door = self._access()
            for role in sc.ROLES:
                try:
                    form = door.load(self.ctx["occasion"], role)
                except InputError:
                    break
                for m in sc.MOMENTS:
                    score = ((form or {}).get(m) or {}).get("score")
                    if score:
                        peers[m].append([self.T(f"role_one.{role}"), int(score)])
        for m, card in self.cards.items():
            card.peers, card.show_peers = peers[m], consensus
        self.spread_note.value = (
            f"<div class=\"jk-note\"><h3>{H.e(self.T('sa.spread_heading'))}</h3>"
            f"<p>{H.e(self.T('sa.spread_help'))}</p></div>" if consensus else "")

    def draw_results(self, visible: bool) -> None:
        """Draw the group's results; skipped when nothing was saved since the last drawing
        (switching role or occasion does not change a group's results). A locked group shows
        nothing, whichever path asks (a language switch too)."""
        try:
            answers = self.group_answers() if visible else None
        except InputError:
            answers = None
        if answers is None:
            self.results.value, self._results_stamp = "", None
            return
        stamp = (self.ctx["workshop"], self.ctx["organisation"], self.lang, self.gkey,
                 self.store.changes(self.ctx["workshop"]))
        if stamp == self._results_stamp and self.results.value:
            return
        try:
            self.results.value = R.results_html(answers, self.ctx["organisation"], self.lang)
            self._results_stamp = stamp
        except Exception as exc:  # a drawing must never take the page down
            log.error("JämKit: drawing the results failed", exc_info=exc)
            self.results.value, self._results_stamp = R.failed_html(self.lang), None

    # -- files -------------------------------------------------------------------------
    def downloads(self) -> list:
        answers = self.group_answers()
        return [] if answers.empty else self._downloads(answers)

    def _downloads(self, answers) -> list:
        from kit.io.writers import kit_json, workbook_bytes

        ws, org = self.ctx["workshop"], self.ctx["organisation"]
        stem = f"jamkit-{slug(ws)}-{slug(org)}"
        return [download(self.T("files.xlsx"), f"{stem}.xlsx", workbook_bytes(answers, self.lang), XLSX),
                download(self.T("files.json"), f"{stem}.json",
                         kit_json(answers, workshop=ws, organisation=org), JSON)]

    def read_upload(self, name: str, data: bytes) -> Say:
        """Read a file of answers into the store (all or nothing). Every group in the file
        must be open to this page's key; a name nobody holds is claimed with it, in the same
        transaction as the answers."""
        from kit.io.readers import read_kit_json, read_scores

        workshop = self.ctx["workshop"]
        if name.lower().endswith(".json"):
            doc = read_kit_json(name=name, data=data)
            answers, workshop = doc["answers"], workshop or doc["workshop"]
        else:
            answers = read_scores(name, name=name, data=data)
        if not workshop:
            raise InputError("form.missing", field="workshop", what=Msg("field.workshop"))
        organisations = list(dict.fromkeys(answers["organisation"]))
        key, claims = self.upload_claims(workshop, organisations)
        self.store.import_answers(workshop, answers, claims_for=claims)
        self.claimed(key, claims)
        self.ctx["workshop"] = workshop
        if self.ctx["organisation"] not in organisations:
            self.ctx["organisation"] = organisations[0]
        # the uploaded forms replace their drafts; a draft of any other form stays
        written = {(workshop, org, occ, sc.role_or_consensus(role) or sc.CONSENSUS)
                   for org, occ, role in zip(answers["organisation"], answers["occasion"],
                                             answers["role"].map(lambda r: r or sc.CONSENSUS))}
        for ctx_key in [k for k in self.drafts if k in written]:
            self.drafts.pop(ctx_key)
        return Say("files.uploaded", count=len(answers), name=name)


SelfAssessmentApp = App
