"""The Statistik page: choose a dataset (shipped, or a file of one's own), an indicator, an
area and a breakdown; see the total beside women and men, the gap over time with its trend in
words, the age groups side by side and the ratio; pick two or three indicators to carry into
the analysis (saved per group and occasion); and practise reading a survey (HåJ).

The dataset is suppressed once, when it is chosen (:func:`kit.suppress_small`): everything the
page shows, plots, downloads or saves is made from that suppressed copy only.
"""

from __future__ import annotations

import logging

import ipywidgets as w

from kit.errors import InputError
from kit.modules.statistics import datasets, files, records, views
from kit.modules.statistics import rules as r
from kit.ui import html as H
from kit.ui.base import JSON, XLSX, download, html, section, slug
from kit.ui.editors import ChoiceGroup, RowTable, rowtable_strings
from kit.ui.group import GroupApp
from kit.ui.strings import Say
from kit.ui.widgets import Files, Form

log = logging.getLogger("kit.statistics")

UPLOAD = "upload"
SURVEY_SCALES = ("agree5", "yesno")


class App(GroupApp):
    """The statistics step for one group at one occasion."""

    key = record = records.MODULE
    title_key = "statistics.title"
    can_upload = False  # the page's own upload (a dataset) sits with the dataset's choice
    texts = GroupApp.texts | {"who": "statistics.app.who", "who_help": "statistics.app.who_help",
                              "files_help": "statistics.app.files_help"}

    def __init__(self, params: dict | None = None, *, store=None, on_back=None, on_query=None):
        params = params or {}
        self.dataset = params.get("data") if params.get("data") in datasets.keys() else datasets.DEFAULT
        self.uploaded = None  # (file name, suppressed frame) of a file of the group's own
        self.upload_said = (None, "info")
        self.sel = {"indicator": params.get("indicator") or "", "area": params.get("area") or "",
                    "breakdown": params.get("breakdown") if params.get("breakdown") in r.BREAKDOWNS else "sex",
                    "age_group": params.get("age") or "", "period": params.get("period") or ""}
        self.threshold_text = ""
        self.threshold = None
        self.picks: list[dict] = []
        self.survey_scale = "agree5"
        self._data = self._gaps = None
        super().__init__(params, store=store, on_back=on_back, on_query=on_query)

    def ST(self, key: str, **values) -> str:
        return self.T(f"statistics.{key}", **values)

    # -- the data ------------------------------------------------------------------------
    def data(self):
        """The chosen dataset, suppressed (cached until the dataset changes)."""
        if self._data is None:
            if self.dataset == UPLOAD and self.uploaded:
                self._data = self.uploaded[1]
            else:
                self._data = datasets.suppressed(self.dataset)
            self._gaps = None
        return self._data

    def gaps(self):
        if self._gaps is None:
            from kit.domain.indicators import gap_measures

            self._gaps = gap_measures(self.data(), threshold=self.threshold)
        return self._gaps

    def meta(self) -> dict:
        if self.dataset == UPLOAD:
            return {}
        return datasets.meta(self.dataset, self.lang)

    def title_of(self, indicator: str) -> str:
        return (self.meta().get(indicator) or {}).get("title") or indicator

    def unit_of(self, indicator: str) -> str:
        return (self.meta().get(indicator) or {}).get("unit") or ""

    def area_name(self, area: str) -> str:
        if self.dataset == UPLOAD:
            return area
        return datasets.area_name(self.dataset, area, self.lang)

    def _fix_selection(self) -> None:
        """Keep the choice within the dataset: an unknown indicator, area, age group or period
        becomes the first there is."""
        data = self.data()
        found = views.indicators(data)
        if self.sel["indicator"] not in found:
            self.sel["indicator"] = found[0] if found else ""
        ind = self.sel["indicator"]
        areas = views.areas(data, ind) if ind else []
        if self.sel["area"] not in areas:
            self.sel["area"] = areas[0] if areas else ""
        ages = views.age_groups(data, ind, self.sel["area"]) if ind else []
        if self.sel["age_group"] not in ages:
            self.sel["age_group"] = views.default_age(ages) or ""
        if len(ages) < 2:
            self.sel["breakdown"] = "sex"
        periods = views.periods(data, ind, self.sel["area"]) if ind else []
        if self.sel["period"] not in periods:
            self.sel["period"] = periods[-1] if periods else ""

    # -- the page ----------------------------------------------------------------------
    def header(self) -> list:
        return [html(f"<h1>{H.e(self.ST('title'))}</h1><p class=\"jk-lead\">{H.e(self.ST('intro'))}</p>"
                     f"<p class=\"jk-source\">{H.e(self.ST('source_note'))}</p>")]

    def body(self) -> list:
        self.chooser = Form(fields=[], auto=True, columns=2)
        self.on(self.chooser, "submit", lambda msg, _b: self.choose(msg.get("values") or {}))
        self.dataset_note = html("")
        self.data_files = Files(strings={"upload": self.ST("app.upload")}, accept=".csv,.txt,.tsv,.xlsx,.xlsm,.json")
        self.data_files.add_class("jk-data-upload")
        self.on(self.data_files, "upload", lambda msg, buffers: buffers and self.upload_data(
            str(msg.get("name") or "fil"), bytes(buffers[0])))
        choose = section([html(f"<h2>{H.e(self.ST('app.choose'))}</h2>"), self.dataset_note, self.chooser,
                          html(f"<h3>{H.e(self.ST('app.own_heading'))}</h3>"
                               f"<p class=\"jk-help\">{H.e(self.ST('app.upload_help'))}</p>"),
                          self.data_files])
        self.result = html("")
        self.result.add_class("jk-stat-result")
        self.pick_form = Form(fields=[], submit_label=self.ST("app.pick"))
        self.on(self.pick_form, "submit", lambda _m, _b: self.pick())
        results = section([self.result, self.pick_form])
        self.picks_table = RowTable(columns=self._pick_columns(), title_field="title", lang=self.lang,
                                    can_add=False, caption=self.ST("app.picks_caption"),
                                    strings=rowtable_strings(self.lang))
        self.picks_table.observe(lambda ch: self.act(self._picks_edited, ch["new"]), names="rows")
        self.picks_empty = html("")
        picks = section([html(f"<h2>{H.e(self.ST('app.picks_heading'))}</h2>"
                              f"<p>{H.e(self.ST('app.picks_help', n=r.MAX_PICKS))}</p>"),
                         self.picks_empty, self.picks_table])
        self.survey_choice = ChoiceGroup(label=self.ST("survey.scale"), value=self.survey_scale,
                                         options=[[k, self.ST(f"survey.scales.{k}")] for k in SURVEY_SCALES])
        self.survey_choice.observe(lambda ch: self.act(self._survey, ch["new"]), names="value")
        self.survey_view = html("")
        survey = section([html(f"<h2>{H.e(self.ST('survey.heading'))}</h2>"
                               f"<p>{H.e(self.ST('survey.intro'))}</p>"
                               f"<p class=\"jk-source\">{H.e(self.ST('survey.source'))}</p>"),
                          self.survey_choice, self.survey_view])
        self._redraw_all()
        return [choose, results, picks, survey]

    def _pick_columns(self) -> list[dict]:
        col = lambda name, kind, **x: {"name": name, "label": self.ST(f"picks.{name}"), "type": kind,
                                       "help": "", **x}
        return [col("title", "static"), col("where", "static"), col("numbers", "static"),
                col("note", "textarea", maxlength=1000, help=self.ST("picks.note_help"))]

    # -- drawing -------------------------------------------------------------------------
    def _redraw_all(self) -> None:
        try:
            self._fix_selection()
        except InputError as exc:  # a shipped file the kit cannot read: said, never a crash
            self.dataset_note.value = f'<p class="jk-error" role="alert">{H.e(exc.text(self.lang))}</p>'
            return
        self._draw_chooser()
        self._draw_note()
        self._draw_result()
        self._draw_picks()
        self._survey(self.survey_scale)
        self._draw_upload_status()

    def _draw_chooser(self) -> None:
        data, sel = self.data(), self.sel
        ind = sel["indicator"]
        choices = [[k, self.ST(f"datasets.{k}.title")] for k in datasets.keys()]
        if self.uploaded:
            choices.append([UPLOAD, self.ST("app.uploaded", name=self.uploaded[0])])
        ages = views.age_groups(data, ind, sel["area"]) if ind else []
        fields = [
            {"name": "dataset", "label": self.ST("app.dataset"), "type": "select", "options": choices,
             "value": self.dataset},
            {"name": "indicator", "label": self.ST("app.indicator"), "type": "select",
             "options": [[i, self.title_of(i)] for i in views.indicators(data)], "value": ind},
            {"name": "area", "label": self.ST("app.area"), "type": "select",
             "options": [[a, self.area_name(a)] for a in views.areas(data, ind)], "value": sel["area"]},
        ]
        if len(ages) > 1:
            fields.append({"name": "breakdown", "label": self.ST("app.breakdown"), "type": "select",
                           "options": [[b, self.ST(f"app.breakdowns.{b}")] for b in r.BREAKDOWNS],
                           "value": sel["breakdown"]})
            if sel["breakdown"] == "age":
                fields.append({"name": "period", "label": self.ST("app.period"), "type": "select",
                               "options": [[p, p] for p in views.periods(data, ind, sel["area"])],
                               "value": sel["period"]})
            else:
                fields.append({"name": "age_group", "label": self.ST("app.age_group"), "type": "select",
                               "options": [[a, self.age_name(a)] for a in ages], "value": sel["age_group"]})
        fields.append({"name": "threshold", "label": self.ST("app.threshold"), "type": "text",
                       "value": self.threshold_text, "help": self.ST("app.threshold_help")})
        self.chooser.fields = fields

    def age_name(self, age: str) -> str:
        return self.ST("app.all_ages") if r.is_whole_age(age) else age

    def _draw_note(self) -> None:
        if self.dataset == UPLOAD and self.uploaded:
            note = self.ST("app.uploaded_note", name=self.uploaded[0])
            kind = "jk-note"
        else:
            note = self.ST(f"datasets.{self.dataset}.note")
            kind = "jk-note jk-note-fictitious" if datasets.get(self.dataset).fictitious else "jk-note"
        mark = "⚠ " if "fictitious" in kind else ""
        self.dataset_note.value = f'<p class="{kind}"><strong>{H.e(mark + note)}</strong></p>'

    def _series_key(self) -> tuple:
        sel = self.sel
        age = sel["age_group"] if views.has_age(self.data()) else None
        return sel["indicator"], sel["area"], age

    def _draw_result(self) -> None:
        from kit.modules.statistics import plots

        sel, data = self.sel, self.data()
        ind, area, age = self._series_key()
        if not ind:
            self.result.value = f"<p>{H.e(self.ST('app.no_data'))}</p>"
            self.pick_form.fields = []
            return
        title, unit, place = self.title_of(ind), self.unit_of(ind), self.area_name(area)
        gaps = self.gaps()
        summary = views.summary(gaps, ind, area, age)
        heading = title + (f" – {self.age_name(age)}" if age and not r.is_whole_age(age) else "")
        parts = [f"<h2>{H.e(heading)}</h2>", f"<p class=\"jk-muted\">{H.e(place)}"
                 + (f" · {H.e(self.ST('app.unit', unit=unit))}" if unit else "") + "</p>",
                 f'<p class="jk-stat-verdict" role="status">{H.e(r.describe(summary, self.lang, unit))}</p>']
        desc = (self.meta().get(ind) or {}).get("description")
        if desc:
            parts.append(f"<p>{H.e(desc)}</p>")
        cap = self.ST("app.series_caption", indicator=heading, area=place)
        named = {"title": title, "unit": unit}
        # the plots name the area as the page does (Exempelby's in the page's language)
        data = views.part(data, ind, area).assign(area=place)
        gaps = views.part(gaps, ind, area).assign(area=place)
        area = place
        if sel["breakdown"] == "age" and views.has_age(data):
            period = sel["period"]
            cap = self.ST("app.age_caption", indicator=title, area=place, period=period)
            wide = plots.age_groups(data, ind, area, period, self.lang, **named)
            narrow = plots.age_groups(data, ind, area, period, self.lang, compact=True, **named)
            words = plots.age_groups_text(data, ind, area, period, self.lang, **named)
            parts.append(self._picture(wide, narrow, cap, words))
            parts.append(views.age_table(data, gaps, ind, area, period, self.lang, caption=cap))
        else:
            wide = plots.series(data, ind, area, self.lang, age_group=age, **named)
            narrow = plots.series(data, ind, area, self.lang, age_group=age, compact=True, **named)
            words = plots.series_text(data, ind, area, self.lang, age_group=age, gaps=gaps, **named)
            parts.append(self._picture(wide, narrow, cap, words))
            parts.append(views.period_table(data, gaps, ind, area, self.lang, age, caption=cap, unit=unit))
            rcap = self.ST("app.ratio_caption", indicator=heading, area=place)
            parts.append(self._picture(plots.ratio(gaps, ind, area, self.lang, age_group=age, title=title), None, rcap,
                                       plots.ratio_text(gaps, ind, area, self.lang, age_group=age, title=title)))
        if self.dataset == "kolada":
            parts.append(f'<p class="jk-source">{H.e(self.ST("datasets.kolada.source"))}</p>')
        self.result.value = "".join(parts)
        picked = self._picked_key() in {self._key_of(p) for p in self.picks}
        self.pick_form.submit_label = self.ST("app.picked" if picked else "app.pick")

    def _picture(self, wide, narrow, caption: str, words: str) -> str:
        from kit.plots import png_bytes

        return views.picture(png_bytes(wide), png_bytes(narrow) if narrow is not None else None, caption,
                             words, self.lang)

    def _draw_picks(self) -> None:
        rows = []
        for p in self.picks:
            numbers = self.ST("picks.numbers_text", period=p.get("period") or "–", women=r.fmt(p.get("women"), self.lang),
                              men=r.fmt(p.get("men"), self.lang),
                              diff=r.fmt(p.get("diff"), self.lang, signed=True), trend=r.trend_words(p["trend"], self.lang))
            area = p["area"] if p["dataset"] not in datasets.keys() else datasets.area_name(p["dataset"], p["area"], self.lang)
            where = " · ".join(x for x in (area, self.age_name(p["age_group"])
                                            if p["age_group"] and not r.is_whole_age(p["age_group"]) else "",
                                            records.dataset_label(p["dataset"], self.lang)) if x)
            rows.append({"id": p["id"], "title": p["title"] or p["indicator"], "where": where,
                         "numbers": numbers, "note": p["note"]})
        self.picks_table.rows = rows
        self.picks_table.layout.display = None if rows else "none"  # its own "no rows" would say "add one"
        self.picks_empty.value = "" if rows else f'<p class="jk-muted">{H.e(self.ST("app.no_picks"))}</p>'

    def _draw_upload_status(self) -> None:
        said, kind = self.upload_said
        self.data_files.status, self.data_files.status_kind = self.say(said), kind

    # -- actions -------------------------------------------------------------------------
    def choose(self, values: dict) -> None:
        """The chooser changed: take the dataset, indicator, area, breakdown, age group,
        period and limit it sends, then draw again."""
        dataset = values.get("dataset") or self.dataset
        if dataset != self.dataset and (dataset in datasets.keys() or (dataset == UPLOAD and self.uploaded)):
            self.dataset, self._data, self._gaps = dataset, None, None
        for field in ("indicator", "area", "breakdown", "age_group", "period"):
            if field in values and values[field] is not None:
                self.sel[field] = str(values[field])
        if "threshold" in values:
            text = str(values.get("threshold") or "")
            try:
                threshold = r.parse_threshold(text, self.lang)
            except InputError as exc:
                self.chooser.error = exc.text(self.lang)
                self._draw_chooser()
                return
            self.chooser.error = ""
            if threshold != self.threshold or text.strip() != self.threshold_text:
                self.threshold, self.threshold_text, self._gaps = threshold, text.strip(), None
                self.changed()
        self._fix_selection()
        self._draw_chooser()
        self._draw_note()
        self._draw_result()
        self.update_url()
        if self._complete() and self._group_state() == "open":
            self.refresh_files()  # the download follows the indicator shown

    def upload_data(self, name: str, data: bytes) -> bool:
        """A file of the group's own: read, suppressed and shown — never stored (it may hold
        what the group must keep); a refused file leaves the page as it was."""
        said = self.act(self._read_data, name, data, report=lambda reason, _kind: self._upload_status(
            Say("statistics.app.upload_failed", reason=reason), "error"))
        return said is not None

    def _read_data(self, name: str, data: bytes) -> bool:
        from kit.domain.indicators import suppress_small
        from kit.io.indicators import read_indicators

        frame = suppress_small(read_indicators(name=name, data=data), r.MIN_N)
        shown = frame.attrs.get("name") or name
        self.uploaded = (shown, frame)
        self.dataset, self._data, self._gaps = UPLOAD, None, None
        self.sel.update({"indicator": "", "area": "", "age_group": "", "period": ""})
        hidden = int(frame["suppressed"].sum())
        self._upload_status(Say("statistics.app.uploaded_ok", name=shown, n=len(views.indicators(frame)),
                                rows=len(frame), hidden=hidden), "saved")
        self._fix_selection()
        self._draw_chooser()
        self._draw_note()
        self._draw_result()
        return True

    def _upload_status(self, said, kind: str) -> None:
        self.upload_said = (said, kind)
        self._draw_upload_status()

    def _key_of(self, pick: dict) -> tuple:
        return pick["dataset"], pick["indicator"], pick["area"], pick["age_group"]

    def _dataset_id(self) -> str:
        return f"{self.ST('app.file_prefix')} {self.uploaded[0]}" if self.dataset == UPLOAD and self.uploaded \
            else self.dataset

    def _picked_key(self) -> tuple:
        ind, area, age = self._series_key()
        return self._dataset_id(), ind, area, age or ""

    def pick(self) -> None:
        """Carry the indicator shown into the analysis (again: it is taken out)."""
        ind, area, age = self._series_key()
        if not ind:
            return
        key = self._picked_key()
        if key in {self._key_of(p) for p in self.picks}:
            self.picks = [p for p in self.picks if self._key_of(p) != key]
            self.notify(Say("statistics.app.unpicked", title=self.title_of(ind)), "unsaved")
        else:
            if len(self.picks) >= r.MAX_PICKS:
                raise InputError("statistics.too_many_picks", limit=r.MAX_PICKS, n=len(self.picks) + 1)
            s = views.summary(self.gaps(), ind, area, age)
            self.picks = r.clean_picks([*self.picks, {
                "dataset": key[0], "indicator": ind, "area": area, "age_group": age or "",
                "title": self.title_of(ind), "unit": self.unit_of(ind), "note": "", "first": s["first"],
                **{k: s[k] for k in ("period", "women", "men", "total", "diff", "ratio", "trend")}}])
        self._draw_picks()
        self._draw_result()
        self.changed()

    def _picks_edited(self, rows) -> None:
        """The table changed: a pick taken out, moved or its note typed."""
        by_id = {p["id"]: p for p in self.picks}
        picks = [{**by_id[row["id"]], "note": str(row.get("note") or "")} for row in rows if row.get("id") in by_id]
        if picks != self.picks:
            self.picks = picks
            self._draw_result()
            self.changed()

    def _survey(self, scale) -> None:
        from kit.modules.statistics import plots

        self.survey_scale = scale if scale in SURVEY_SCALES else "agree5"
        counts = datasets.survey(self.lang)
        counts = counts[counts["scale"] == self.survey_scale]
        cap = self.ST(f"survey.captions.{self.survey_scale}")
        self.survey_view.value = (self._picture(plots.survey(counts, lang=self.lang),
                                                plots.survey(counts, lang=self.lang, compact=True), cap,
                                                plots.survey_text(counts, lang=self.lang))
                                  + views.survey_table(counts, self.lang, cap)
                                  + f"<p>{H.e(self.ST(f'survey.reading.{self.survey_scale}'))}</p>")

    # -- the group page's hooks ------------------------------------------------------------
    def place(self) -> dict:
        extra = {"data": self.dataset if self.dataset != UPLOAD else "", "indicator": self.sel["indicator"],
                 "area": self.sel["area"]} if self.dataset != UPLOAD else {}
        return super().place() | {k: v for k, v in extra.items() if v}

    def blank(self) -> dict:
        return {"threshold": "", "picks": []}

    def collect(self) -> dict:
        return {"threshold": self.threshold_text, "picks": [dict(p) for p in self.picks]}

    def draft_ok(self, payload: dict) -> bool:
        try:
            records.payload(payload)
        except InputError:
            return False
        return True

    def show(self, payload) -> None:
        payload = payload or self.blank()
        clean = records.payload(payload)
        self.picks = clean["picks"]
        self.threshold_text = clean["threshold"]
        self.threshold = r.parse_threshold(self.threshold_text)
        self._gaps = None
        if getattr(self, "chooser", None) is not None:
            self._draw_chooser()
            self._draw_result()
            self._draw_picks()

    def read(self):
        found = records.load(self._access(), self.ctx["occasion"])
        return ({"threshold": found["threshold"], "picks": found["picks"]}, found["saved_at"]) if found else None

    def write(self, payload):
        return records.save(self._access(), self.ctx["occasion"], payload)

    def context_changed(self) -> None:
        self.update_url()

    def downloads(self) -> list:
        ind, area, age = self._series_key()
        stem = f"statistik-{slug(self.ctx['workshop'])}-{slug(self.ctx['organisation'])}"
        found = records.load(self._access(), self.ctx["occasion"])
        picks = found["picks"] if found else []
        out = []
        if ind:
            part = views.part(self.data(), ind, area)
            out.append(download(self.ST("app.download_xlsx"), f"{stem}.xlsx",
                                files.to_xlsx(part, views.part(self.gaps(), ind, area), picks, self.lang,
                                              title=self.title_of(ind)), XLSX))
        out.append(download(self.ST("app.download_json"), f"{stem}.json",
                            files.to_json(picks, self.ctx["workshop"], self.ctx["organisation"],
                                          self.ctx["occasion"]), JSON))
        return out
