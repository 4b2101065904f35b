"""The guided gender-impact analysis (issue 17): the checklist's routing, the text for the decision
paper, the 4R, progress, the record and the facilitator's exports — without a browser."""

from __future__ import annotations

import io
import itertools

import openpyxl
import pytest

from kit import content
from kit.errors import InputError
from kit.modules.analysis import records, sources
from kit.modules.analysis import rules as r
from kit.store import Store

HOSTILE = ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "+SUM(A1)", "@cmd", "-1+2",
           "{conclusion} {0} {goal} %s", "$\\alpha$ \\n", "a\x00b\x07c\x1b", "<b onmouseover=x>fet</b>"]


def analysis(**changes) -> dict:
    a = r.blank()
    a["indicators"] = [r.indicator_from_pick(p, sources.suppressed_of(p)) for p in sources.case_picks("sv")]
    for key, value in changes.items():
        a[key] = value
    return a


# -- the checklist's routing -----------------------------------------------------------------
@pytest.mark.parametrize("answers", list(itertools.product(["yes", "no"], repeat=5)))
def test_every_path_through_the_checklist(answers):
    """Each of the 32 ways of answering: a "no" on 1 ends it (not applicable, nothing missing);
    otherwise every "no" on 2–5 is missing and sends the paper back; all yes is complete."""
    checklist = {f"s{i}": a for i, a in enumerate(answers, start=1)}
    route = r.route(checklist)
    if answers[0] == "no":
        assert route == {"asked": [1], "next": None, "status": "not_applicable", "missing": []}
        assert r.remiss_note(checklist, "P") == ""
        assert r.not_applicable_note(checklist).startswith("Checklistan gäller inte")
        return
    missing = [i for i, a in enumerate(answers, start=1) if a == "no"]
    assert route["asked"] == [1, 2, 3, 4, 5] and route["next"] is None and route["missing"] == missing
    assert route["status"] == ("remiss" if missing else "complete")
    note = r.remiss_note(checklist, "Riktlinjer", "sv")
    assert r.not_applicable_note(checklist) == ""
    if not missing:
        assert note == ""
        return
    assert note.startswith("Återremiss: beslutsunderlaget ”Riktlinjer”")
    for k, statement in enumerate(r.STATEMENTS, start=1):
        line = content.text(f"analysis.checklist.missing.{statement}", "sv")
        assert (line in note) == (k in missing)
    english = r.remiss_note(checklist, "Guidelines", "en")
    assert english.startswith("Referred back") and english.count("\n– ") == len(missing)


@pytest.mark.parametrize("answered", range(0, 5))
def test_the_statements_are_asked_in_order(answered):
    """Statement k is asked only once k − 1 has its answer; an answer out of order is not used."""
    checklist = {f"s{i}": "yes" for i in range(1, answered + 1)}
    checklist[f"s{answered + 2}"] = "no"  # ahead of its turn (s6 when all five: no such statement)
    route = r.route(checklist)
    assert route["asked"] == list(range(1, answered + 2)) and route["next"] == answered + 1
    assert route["status"] == "open" and route["missing"] == []


def test_a_no_on_the_first_statement_records_its_reason():
    checklist = {"s1": "no", "s2": "yes", "reason": "Beslutet gäller byte av fönster i stadshuset"}
    assert r.not_applicable_note(checklist).endswith("Skäl: Beslutet gäller byte av fönster i stadshuset.")
    assert r.not_applicable_note({"s1": "no"}, "en") == content.text("analysis.checklist.not_applicable", "en")
    a = r.clean_payload({**r.blank(), "checklist": checklist})
    assert a["checklist"]["reason"] == checklist["reason"] and "decision" in r.progress(a)


def test_odd_answers_are_unanswered():
    a = r.clean_payload({"checklist": {"s1": "ja", "s2": True, "s3": ["yes"]}})
    assert [a["checklist"][f"s{i}"] for i in (1, 2, 3)] == ["", "", ""]
    assert r.route(a["checklist"])["status"] == "open"


# -- the text for the decision paper ------------------------------------------------------
def test_the_text_holds_the_indicators_the_goals_and_the_conclusions():
    a = analysis()
    first, second = a["indicators"][0], a["indicators"][1]
    first.update(difference="yes", size="large", explanation="inequality",
                 explanation_why="Kvinnor söker senare och får vänta längre",
                 groups="Ensamboende kvinnor över 80", conclusion="Kvinnor 80+ väntar längre än män")
    second.update(difference="yes", size="small", conclusion="Skillnaden minskar men finns kvar")
    a["national"][4].update(met="no", indicators=[first["id"]], why="Vård och omsorg ges inte på lika villkor")
    a["national"][3].update(met="partly")
    a["own_goals"] = [{"id": "g1", "goal": "Alla äldre ska få plats inom 30 dagar", "indicators": [second["id"]],
                       "met": "no", "why": ""}]
    a["fourr"]["realise"] = "Följa upp väntetiden per kön varje kvartal"
    text = r.section_text(r.clean_payload(a), "sv", area="Exempelby")
    for expected in ("Väntetid till särskilt boende (80+)", "Väntetid till särskilt boende (65–79)",
                     "Besväras av ensamhet, hemtjänst (80+)", "59,4 dagar", "50,0 dagar", "Skillnaden bedöms som stor",
                     "Skillnaden bedöms som liten", "ett uttryck för ojämställdhet", "Kvinnor söker senare",
                     "Mest berörda grupper: Ensamboende kvinnor över 80.", "Slutsats: Kvinnor 80+ väntar längre än män.",
                     "”Jämställd hälsa”", "”Jämn fördelning av det obetalda hem- och omsorgsarbetet”",
                     "Målet ”Jämställd hälsa” nås i dag inte lika för kvinnor och män.",
                     "Organisationens eget mål ”Alla äldre ska få plats inom 30 dagar” nås i dag inte lika",
                     "Föreslagna åtgärder: Följa upp väntetiden per kön varje kvartal."):
        assert expected in text, expected
    assert "9.4" not in text and "+9,4 dagar" in text  # Swedish numbers
    english = r.section_text(r.clean_payload(a), "en", area="Exempelby")
    assert "“Gender-equal health”" in english and "+9.4" in english and "Conclusion:" in english


def test_a_suppressed_value_never_appears_and_the_text_says_why():
    """The 65–79 series hides women's and men's waiting times in 2022 (4 men): the hidden values
    (56,2 and 44,7 in the raw file) are never written; the text names the year and the reason."""
    raw = sources.datasets.load("exempelby")
    hidden = raw[(raw["indicator"] == "Väntetid till särskilt boende") & (raw["period"] == "2022")
                 & (raw["age_group"] == "65–79") & (raw["sex"] != "T")]
    values = {f"{v:.1f}".replace(".", ",") for v in hidden["value"]}
    assert values == {"56,2", "44,7"}
    a = analysis()
    row = a["indicators"][1]
    assert row["age_group"] == "65–79" and row["suppressed"] == ["2022:K", "2022:M"]
    for lang in ("sv", "en"):
        text = r.section_text(a, lang) + r.four_r_text(a, lang) + r.indicator_paragraph(row, lang)
        for value in values | {v.replace(",", ".") for v in values}:
            assert value not in text
    assert "2022 (kvinnor och män)" in r.section_text(a, "sv") and "färre än 5 personer" in r.section_text(a, "sv")
    assert "2022 (women and men)" in r.section_text(a, "en")


def test_a_pick_whose_last_value_is_suppressed_is_written_without_it():
    pick = {"indicator": "Fallskador", "title": "Fallskador", "period": "2024", "first": "2019", "women": None,
            "men": None, "total": 17.0, "diff": None, "ratio": None, "trend": "unknown", "unit": "per 1 000"}
    row = r.indicator_from_pick(pick, ["2024:K", "2024:M"])
    text = r.indicator_paragraph(row)
    assert "kvinnor –" in text and "2024 (kvinnor och män)" in text and "Skillnaden kan inte visas" in text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_every_field_stays_as_typed(hostile):
    """Typed text goes into the text as it is (after control characters go): never read as a
    template, never changing the words around it."""
    a = analysis()
    for row in a["indicators"]:
        for q in r.QUESTIONS:
            if q not in r.CHOICES:
                row[q] = hostile
        row.update(difference="yes", explanation="inequality")
    a["national"][0].update(met="no", why=hostile, indicators=[a["indicators"][0]["id"]])
    a["own_goals"] = [{"id": "x", "goal": hostile, "indicators": [], "met": "yes", "why": hostile}]
    a["fourr"] = {"activity": hostile, **{k: hostile for k in r.FOUR_R}}
    a["checklist"].update(s1="yes", s2="no", reason=hostile)
    a["paper"] = {"kind": "own", "title": hostile, "text": hostile}
    clean = r.clean_payload(a)
    typed = r.stat._note(hostile)
    assert "\x00" not in str(clean) and "\x1b" not in str(clean)
    text = r.section_text(clean)
    assert text.count(typed) >= 6  # each answer, as typed, once per place it goes
    assert "{" not in text.replace(typed, "")  # nothing of a template left or filled from typed text
    assert r.four_r_text(clean).count(typed) >= 4
    assert r.stat._note(hostile)[:20] in r.remiss_note(clean["checklist"], clean["paper"]["title"]) or not typed.strip()


def test_the_text_is_klarsprak_with_swedish_numbers():
    a = analysis()
    text = r.section_text(a, "sv", area="Exempelby")
    assert text.startswith("Förslaget har analyserats utifrån vad det betyder för kvinnor och män, flickor och pojkar.")
    assert "könsuppdelad statistik för Exempelby" in text
    assert all(len(sentence.split()) < 45 for sentence in text.replace("\n", " ").split(". "))
    assert "\n\n" in text and "  " not in text


def test_an_analysis_without_indicators_says_where_they_come_from():
    text = r.section_text(r.blank())
    assert "Välj indikatorer i Statistik" in text


# -- 4R ------------------------------------------------------------------------------------
def test_the_statistics_feed_the_first_two_r():
    a = analysis()
    summary = r.four_r_summary(a)
    assert [x["key"] for x in summary] == list(r.FOUR_R)
    assert len(summary[0]["feed"]) == len(summary[1]["feed"]) == 3 and not summary[2]["feed"] and not summary[3]["feed"]
    assert "59,4 dagar" in summary[1]["feed"][0]
    a["fourr"].update(activity="Biståndshandläggning", representation="Fler kvinnor än män söker",
                      resources="Kvinnor väntar längre", realia="Föreställningar om att kvinnor klarar sig själva",
                      realise="Ny rutin för uppföljning")
    text = r.four_r_text(a)
    assert text.startswith("4R för Biståndshandläggning")
    assert text.index("Representation:") < text.index("Resurser:") < text.index("Realia:") < text.index("Realisera:")
    assert "från statistiken" in text
    assert "fourr" in r.progress(a)


# -- the analysis as stored ----------------------------------------------------------------
def test_progress_and_where_a_group_comes_back():
    a = analysis()
    assert r.progress(a) == [] and r.first_open(a) == 0
    for row in a["indicators"]:
        row.update(difference="yes", conclusion="Något")
    assert r.progress(a) == ["impact"] and r.first_open(a) == 1
    a["own_goals"] = [{"id": "g", "goal": "Mål", "indicators": [], "met": "unknown", "why": ""}]
    a["fourr"].update(representation="a", resources="b", realia="c", realise="d")
    assert r.first_open(a) == 3
    a["checklist"].update({f"s{i}": "yes" for i in range(1, 6)})
    assert r.progress(a) == list(r.STEPS) and r.first_open(a) == 3


def test_clean_payload_refuses_what_is_not_an_analysis():
    with pytest.raises(InputError):
        r.clean_payload([])
    with pytest.raises(InputError) as caught:
        r.clean_payload({"indicators": [{"indicator": "x"}] * 4})
    assert "3" in caught.value.text("en")
    with pytest.raises(InputError) as caught:
        r.clean_payload({"indicators": [{"indicator": "Väntetid", "conclusion": "x" * 4001}]})
    assert "Väntetid" in caught.value.text("sv") and "4000" in caught.value.text("en")
    # goals point only at indicators of the analysis; national goals are always the six
    a = r.clean_payload({"indicators": [{"indicator": "A", "id": "a"}],
                         "national": [{"id": "health", "indicators": ["a", "nosuch"], "met": "no"},
                                      {"id": "nosuch", "met": "no"}]})
    assert [g["id"] for g in a["national"]] == list(r.NATIONAL_GOALS)
    assert a["national"][4]["indicators"] == ["a"] and a["national"][4]["met"] == "no"


def test_merge_keeps_answers_of_picks_that_stay():
    a = analysis()
    a["indicators"][0]["conclusion"] = "Behåll"
    picks = sources.case_picks("sv")
    rows, dropped = r.merge_picks(a["indicators"], [picks[0]])
    assert rows[0]["conclusion"] == "Behåll" and dropped == []
    rows, dropped = r.merge_picks(a["indicators"], picks[1:])
    assert [d["conclusion"] for d in dropped] == ["Behåll"]


def test_the_official_names_stand_as_in_the_seeds():
    names = [r.goal_name(k) for k in r.NATIONAL_GOALS]
    assert names == ["En jämn fördelning av makt och inflytande", "Ekonomisk jämställdhet", "Jämställd utbildning",
                     "Jämn fördelning av det obetalda hem- och omsorgsarbetet", "Jämställd hälsa",
                     "Mäns våld mot kvinnor ska upphöra"]
    assert [r.goal_name(k, "en") for k in r.NATIONAL_GOALS][4] == "Gender-equal health"
    sv = content.bundle("sv")["analysis"]
    en = content.bundle("en")["analysis"]
    assert content.key_paths(sv) == content.key_paths(en)


# -- the record and the facilitator's exports -----------------------------------------------
def _saved(store, group="Örby", hostile="<script>x</script>"):
    a = analysis()
    a["indicators"][0].update(difference="yes", conclusion=f"=1+1 {hostile}")
    a["national"][4].update(met="no", indicators=[a["indicators"][0]["id"]])
    a["checklist"].update(s1="yes", s2="no", s3="yes", s4="no", s5="yes")
    a["fourr"]["activity"] = "@SUM(1)"
    return records.save(store.group("Kurs", group), "uppstart", a)


def test_save_and_load_round_trip():
    store = Store("sqlite://")
    revision, key = _saved(store)
    found = records.load(store.group("Kurs", "Örby", key), "uppstart")
    assert found["revision"] == revision.id
    assert found["payload"]["indicators"][0]["conclusion"].startswith("=1+1")
    assert found["payload"]["indicators"][1]["suppressed"] == ["2022:K", "2022:M"]


def test_a_refused_analysis_writes_nothing():
    store = Store("sqlite://")
    with pytest.raises(InputError):
        records.save(store.group("Kurs", "Örby"), "uppstart", {"indicators": "nope"})
    assert store.latest("Kurs", records.MODULE) == []


def test_the_workbook_sheets_and_the_report():
    store = Store("sqlite://")
    _saved(store)
    sheets = records.export_sheets(store, "Kurs", "sv")
    names = [s[0] for s in sheets]
    assert names == ["Könskonsekvensanalys", "Jämställdhetsanalys", "Beslutsunderlag"]
    impact = sheets[0]
    assert len(impact[2]) == 3 and impact[2][0][0] == "Örby"
    decision = sheets[2]
    assert "Återremiss" in decision[2][0][decision[1].index("Checklistans besked")]
    report = records.report_section(store, "Kurs", "sv")
    assert "<script>" not in report and "&lt;script&gt;" in report
    assert "Konsekvenser för kvinnor och män, flickor och pojkar" in report
    assert "Återremiss" in report
    # the facilitator's workbook: no formula from typed text
    from kit.io.workshop import add_module_sheets

    book = openpyxl.Workbook()
    add_module_sheets(book, store, "Kurs", "sv")
    buffer = io.BytesIO()
    book.save(buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    for sheet in ("Könskonsekvensanalys", "Beslutsunderlag"):
        for row in book[sheet].iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet, cell.coordinate, cell.value)


def test_a_value_marked_suppressed_is_dropped_even_when_a_pick_holds_it():
    """A pick from an old or hand-made record that holds a number for a period it also marks
    suppressed: the number goes, in the row, the text and the exports."""
    pick = {"indicator": "Fallskador", "title": "Fallskador", "period": "2024", "first": "2020",
            "women": 31.7, "men": 23.9, "total": 28.3, "diff": 7.8, "ratio": 1.33, "trend": "widening"}
    a = r.clean_payload({"indicators": [{**pick, "suppressed": ["2024:K", "2024:M"], "conclusion": "x"}]})
    row = a["indicators"][0]
    assert (row["women"], row["men"], row["diff"], row["ratio"], row["total"]) == (None, None, None, None, 28.3)
    for lang in ("sv", "en"):
        text = r.section_text(a, lang)
        assert not any(v in text for v in ("31,7", "23,9", "7,8", "31.7", "23.9", "7.8", "1,33", "1.33"))
