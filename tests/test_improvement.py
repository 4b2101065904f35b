"""The improvement theory's rules: the chain, its links and hints, PDSA cycles, measurements."""

from __future__ import annotations

import math

import pytest

from kit.errors import InputError
from kit.modules.improvement import rules as r

HOSTILE = '<script>alert(1)</script> $x^2$ =1+1 {item} {0}'


def full_chain() -> dict:
    """One item per step, each linked to the next: the chain the app is built for."""
    c = r.blank()
    e = r.add_item(c, "effect", "Kvinnor och män med samma behov får samma stöd", indicator="Timmar per person",
                   by_sex=True, goals=["economic", "unpaid"])
    u = r.add_item(c, "outcome", "Hemtjänsttimmarna fördelas jämställt", leads_to=[e])
    w = r.add_item(c, "way", "Handläggarna använder en rutin för jämställd bedömning", leads_to=[u])
    p = r.add_item(c, "product", "Omarbetade frågor vid biståndshandläggning", leads_to=[w])
    a = r.add_item(c, "activities", "Utbildningsdag för handläggarna", leads_to=[p])
    r.add_item(c, "resources", "Två dagar för en arbetsgrupp", leads_to=[a])
    return c


def kinds(chain) -> list[str]:
    return [h["hint"] for h in r.hints(chain)]


def test_the_steps_are_skrs_six_in_order_and_the_walk_is_backwards():
    names = [r.step_name(s) for s in r.STEPS]
    assert names == ["Resurser", "Aktiviteter", "Ny eller ändrad produkt", "Nytt eller ändrat arbetssätt",
                     "Nytt eller ändrat utfall", "Effekt"]
    assert r.BACKWARDS[0] == "effect" and r.BACKWARDS[-1] == "resources"
    from kit import content

    assert content.text("improvement.steps.effect.question") == "Vart ska vi nå? Hur ser det ut när vi nått dit vi vill?"
    assert len(content.lookup("improvement.questions")) == 4
    for lang in ("sv", "en"):
        for step in r.STEPS:
            for part in ("name", "definition", "example", "question"):
                assert content.text(f"improvement.steps.{step}.{part}", lang).strip()


def test_a_whole_chain_gives_no_hints():
    assert r.hints(full_chain()) == []


@pytest.mark.parametrize("change, expected", [
    (lambda c: c["items"].__setitem__(0, {**c["items"][0], "indicator": ""}), ["effect_no_indicator"]),
    (lambda c: c["items"].__setitem__(0, {**c["items"][0], "goals": []}), ["effect_no_goal"]),
    # the way of working no longer leads to the outcome: both ends are hinted at
    (lambda c: c.__setitem__("links", [lk for lk in c["links"] if lk[1] != c["items"][1]["id"]]),
     ["outcome_no_way", "leads_nowhere"]),
    (lambda c: c.__setitem__("links", [lk for lk in c["links"] if lk[0] != c["items"][4]["id"]]), ["leads_nowhere"]),
    (lambda c: c.__setitem__("links", [lk for lk in c["links"] if lk[1] != c["items"][4]["id"]]),
     ["activity_no_resource", "leads_nowhere"]),
    (lambda c: c["items"].__setitem__(0, {**c["items"][0], "by_sex": False}), ["not_by_sex"]),
])
def test_each_hint_appears_for_its_gap_and_only_it(change, expected):
    c = full_chain()
    change(c)
    assert kinds(c) == expected


def test_an_indicator_from_the_statistics_counts_as_followed_by_sex():
    c = full_chain()
    c["items"][0].update(by_sex=False, indicator="", indicator_id="pick-1")
    assert kinds(c) == []


def test_an_empty_chain_asks_for_the_effect_first_and_hints_never_raise():
    assert kinds(r.blank()) == ["effect_none"]
    c = r.blank()
    r.add_item(c, "activities", "Något")
    assert kinds(c)[0] == "effect_none"
    assert "leads_nowhere" in kinds(c) and "activity_no_resource" in kinds(c)


def test_links_are_many_to_many_between_neighbouring_steps_only():
    c = r.blank()
    e1 = r.add_item(c, "effect", "E1")
    e2 = r.add_item(c, "effect", "E2")
    u1 = r.add_item(c, "outcome", "U1", leads_to=[e1, e2])
    u2 = r.add_item(c, "outcome", "U2", leads_to=[e1])
    a = r.add_item(c, "activities", "A")
    items = r.clean_items(c["items"])
    links = r.clean_links([*c["links"], [a, e1], [e1, u1], [u1, e1], [u1, "nosuch"]], items)
    assert links == [[u1, e1], [u1, e2], [u2, e1]]
    assert r.led_from({"items": items, "links": links}, e1) == [u1, u2]


def test_hostile_text_stays_text_in_hints_labels_and_the_list():
    c = r.blank()
    e = r.add_item(c, "effect", HOSTILE, indicator=HOSTILE)
    r.add_item(c, "outcome", HOSTILE, leads_to=[e])
    clean = r.clean_payload(c)
    assert clean["items"][0]["text"] == HOSTILE
    words = [r.hint_text(h, clean) for h in r.hints(clean)]
    assert any(HOSTILE[:40] in w for w in words)
    listing = r.chain_text(clean)
    assert listing[0]["items"][0]["label"].startswith(HOSTILE)
    assert listing[1]["items"][0]["leads_to"] == [r._short(HOSTILE)]


def test_control_characters_and_too_long_texts_are_refused_or_removed():
    with pytest.raises(InputError):
        r.clean_items([{"step": "effect", "text": "x" * (r.LONG + 1)}])
    with pytest.raises(InputError):
        r.clean_items([{"step": "effect", "text": "ok", "indicator": "a\x00b"}])
    cycles = r.clean_cycles([{"start": "2027-01-04", "learned": "rad 1\r\nrad 2\x0b"}])
    assert cycles[0]["learned"] == "rad 1\nrad 2"


@pytest.mark.parametrize("item, field", [
    ({"step": "nowhere", "text": "x"}, None),
    ({"step": "effect", "text": "x", "baseline": "många"}, "baseline"),
    ({"step": "effect", "text": "x", "target": float("inf")}, "target"),
    ({"step": "effect", "text": "x", "date": "31/12/2027"}, "date"),
    ({"step": "effect", "text": "x", "date": "2027-13-01"}, "date"),
    ({"step": "effect", "text": "x", "goals": ["jämlikhet"]}, None),
])
def test_bad_items_are_refused_naming_the_card_and_field(item, field):
    with pytest.raises(InputError) as caught:
        r.clean_items([{"step": "effect", "text": "fine"}, item])
    assert caught.value.row == 2
    assert caught.value.field == field
    assert "2" in caught.value.text("sv") and "2" in caught.value.text("en")


def test_swedish_numbers_and_empty_cards_are_taken_as_a_person_types_them():
    items = r.clean_items([{"step": "effect", "text": "", "indicator": ""},
                           {"step": "outcome", "text": "U", "baseline": "1 234,5", "target": "−2"}])
    assert [(i["step"], i["baseline"], i["target"]) for i in items] == [("outcome", 1234.5, -2.0)]


def test_cycles_are_numbered_by_start_and_decisions_checked():
    cycles = r.clean_cycles([{"start": "2027-05-01", "change": "B", "decision": "scale_up"},
                             {"start": "2027-03-01", "change": "A", "decision": "adapt"},
                             {"change": "", "objective": ""}])
    assert [(c["number"], c["change"]) for c in cycles] == [(1, "A"), (2, "B")]
    with pytest.raises(InputError) as caught:
        r.clean_cycles([{"start": "2027-03-01", "decision": "maybe"}])
    assert "maybe" in caught.value.text("sv")
    assert [r.decision_name(d) for d in r.DECISIONS] == ["Överge", "Justera och testa igen", "Skala upp", "Inför"]
    assert [r.decision_name(d, "en") for d in r.DECISIONS] == ["Abandon", "Adapt and test again", "Scale up",
                                                               "Implement"]


def test_measurements_are_sorted_and_women_and_men_optional():
    rows = [{"date": "2027-01-11", "value": "5,5"}, {"date": "2027-01-04", "women": 4, "men": 6},
            {"date": "", "value": None}]
    clean = r.clean_measurements(rows)
    assert [m["date"] for m in clean] == ["2027-01-04", "2027-01-11"]
    assert r.series_present(clean) == ["value", "women", "men"]
    assert r.series_values(clean, "women") == [4.0, None]
    with pytest.raises(InputError) as caught:
        r.clean_measurements([{"date": "2027-01-04"}])
    assert "2027-01-04" in caught.value.text("sv")


def test_the_series_settings_are_checked():
    assert r.clean_series({"baseline": 6.0})["baseline"] == 6
    for bad in ({"baseline": 2.5}, {"baseline": -1}, {"method": "shewhart"}):
        with pytest.raises(InputError):
            r.clean_series(bad)


def test_signal_words_name_the_week_of_weekly_data_and_the_date_otherwise():
    from kit.domain.runchart import run_chart_rules

    values = [3, 4, 3, 4, 3, 4, 3, 8, 8, 8, 8, 8, 8]
    weekly = [f"2027-{m:02d}-{d:02d}" for m, d in [(1, 4), (1, 11), (1, 18), (1, 25), (2, 1), (2, 8), (2, 15),
                                                   (2, 22), (3, 1), (3, 8), (3, 15), (3, 22), (3, 29)]]
    result = run_chart_rules(values)
    # ten useful points in two runs: a shift, and too few runs (Table 1: at least 3 at 10)
    assert r.signal_words(result, weekly) == [
        "6 punkter i rad över medianen från vecka 8 (2027-02-22): en förskjutning.",
        "Bara 2 serier kring medianen, färre än de 3 som slumpen brukar ge: mönstret är troligen inte slump."]
    assert r.signal_words(result, weekly, "en")[0] == "6 points in a row above the median from week 8 (2027-02-22): a shift."
    monthly = [f"20{27 + k // 12}-{k % 12 + 1:02d}-01" for k in range(13)]
    assert r.signal_words(result, monthly, label="Kvinnor")[0] == (
        f"Kvinnor: 6 punkter i rad över medianen från {monthly[7]}: en förskjutning.")
    falling = run_chart_rules([9, 8, 7, 6, 5, 5, 5, 5, 5, 5])
    assert any("sjunker" in s for s in r.signal_words(falling, weekly[:10]))


def test_a_payload_survives_cleaning_twice_unchanged():
    c = full_chain()
    c["cycles"] = [{"start": "2027-03-01", "end": "2027-03-14", "change": "Ny rutin", "decision": "adapt"}]
    c["measurements"] = [{"date": f"2027-01-{d:02d}", "value": d} for d in (4, 11, 18)]
    c["aims"] = {"aim": "Lika stöd", "measure": "Timmar", "change": "Rutin"}
    c["series"] = {"name": "Timmar", "unit": "h", "baseline": 2, "method": "anhoej"}
    once = r.clean_payload(c)
    assert r.clean_payload(once) == once
    assert not r.is_empty(once) and r.is_empty(r.clean_payload(None))
    assert all(not (isinstance(v, float) and math.isnan(v)) for m in once["measurements"] for v in m.values())
