"""The domain rules for scores, checked against hand-worked examples and SKR's tables."""

import math

import pandas as pd
import pytest

import kit
from kit.domain import scores as sc
from kit.fmt import number
from kit.reference import published_table


def answers(rows):
    return sc.to_frame([sc.validate_answer(*r) for r in rows])


def full(org, occ, score_of, role=None):
    return [(org, occ, m, score_of(m), role) for m in sc.MOMENTS]


def test_consensus_wins_over_roles_and_roles_are_averaged():
    df = answers([("A", "uppstart", 1, 1, "politiker"), ("A", "uppstart", 1, 2, "chef"),
                  ("A", "uppstart", 1, 4, "strateg"), ("A", "uppstart", 2, 2, "chef"),
                  ("A", "uppstart", 2, 3, "strateg"), ("A", "uppstart", 2, 4, None)])
    per = sc.organisation_scores(df).set_index("moment")["score"]
    assert per[1] == pytest.approx(7 / 3)  # no consensus: mean of roles
    assert per[2] == 4.0                   # consensus recorded: it wins


def test_group_mean_is_over_organisations_not_over_answers():
    # A answers with three roles (mean 2), B with one consensus (4): mean of orgs = 3, not 2.5
    df = answers([("A", "uppstart", 1, s, r) for s, r in [(1, "politiker"), (2, "chef"), (3, "strateg")]]
                 + [("B", "uppstart", 1, 4, None)])
    table = kit.summary_table(df)
    assert table.loc[1, "uppstart"] == 3.0
    assert table.attrs["n"].loc[1, "uppstart"] == 2


def test_totals_mean_of_complete_organisations_and_incomplete_reported():
    rows = full("A", "uppstart", lambda m: 2) + full("B", "uppstart", lambda m: 3)
    rows += [("C", "uppstart", 1, 4, None)]  # C has one moment only
    table = kit.summary_table(answers(rows))
    assert table.loc["Totalt", "uppstart"] == 25.0   # (20 + 30) / 2; C left out
    assert table.loc[1, "uppstart"] == 3.0            # but C counts in moment 1: (2+3+4)/3
    assert table.attrs["incomplete"] == [("C", "uppstart", list(range(2, 11)))]
    assert list(kit.organisation_totals(answers(rows))["uppstart"].dropna()) == [20.0, 30.0]


def test_change_is_last_minus_first_in_occasion_order_unrounded():
    rows = (full("A", "lärandeträff 3", lambda m: 3) + full("A", "uppstart", lambda m: 1)
            + full("A", "lärandeträff 1", lambda m: 2) + [("B", "uppstart", 1, 2, None)])
    table = kit.summary_table(answers(rows))
    assert list(table.columns) == ["uppstart", "lärandeträff 1", "lärandeträff 3", "+/-"]
    assert list(table.index) == list(range(1, 11)) + ["Totalt"]
    assert table.loc[1, "+/-"] == pytest.approx(3 - 1.5)
    assert table.loc["Totalt", "+/-"] == 20.0


def test_own_occasion_labels_keep_their_order():
    rows = full("A", "Höst 2026", lambda m: 1) + full("A", "Vår 2027", lambda m: 2)
    table = kit.summary_table(answers(rows))
    assert list(table.columns) == ["Höst 2026", "Vår 2027", "+/-"]
    assert table.loc["Totalt", "+/-"] == 10.0
    explicit = kit.summary_table(answers(rows), occasions=["Vår 2027", "Höst 2026"])
    assert explicit.loc["Totalt", "+/-"] == -10.0


def test_values_stay_unrounded_and_round_half_up_only_for_display():
    rows = [("A", "uppstart", 1, 2, None), ("B", "uppstart", 1, 2, None),
            ("C", "uppstart", 1, 2, None), ("D", "uppstart", 1, 3, None)]
    value = kit.summary_table(answers(rows)).loc[1, "uppstart"]
    assert value == 2.25
    assert number(value) == "2,3" and number(value, "en") == "2.3"
    assert number(2.45) == "2,5" and number(0.05) == "0,1" and number(math.nan) == "–"


def test_blank_scores_with_comments_are_kept_but_not_counted():
    df = answers([("A", "uppstart", 1, None, None, "vi vet inte än"), ("A", "uppstart", 2, 3, None)])
    assert len(df) == 2
    table = kit.summary_table(df)
    assert math.isnan(table.loc[1, "uppstart"]) and table.loc[2, "uppstart"] == 3.0


@pytest.mark.parametrize("field,value,needle", [
    ("score", 0, "poäng"), ("score", 5, "poäng"), ("score", "tre", "tre"), ("score", 2.5, "2.5"),
    ("score", True, "poäng"), ("moment", 0, "moment"), ("moment", 11, "11"),
    ("moment", "elva", "elva"), ("role", "vd", "vd"), ("organisation", " ", "organisation"),
    ("occasion", "", "tillfälle"),
])
def test_invalid_answers_are_refused_in_swedish_naming_field_and_value(field, value, needle):
    args = {"organisation": "A", "occasion": "uppstart", "moment": 1, "score": 3, "role": None}
    args[field] = value
    with pytest.raises(kit.InputError) as info:
        sc.validate_answer(**args)
    assert needle.lower() in str(info.value).lower()
    assert isinstance(info.value, ValueError)


def test_published_tables_show_published_totals():
    t1, t2 = published_table("participants"), published_table("mentors")
    assert [number(t1.loc["Totalt", c]) for c in t1.columns] == ["17,8", "19,8", "23,9", "28,5", "10,8"]
    assert [number(t2.loc["Totalt", c]) for c in t2.columns] == ["22,0", "25,0", "27,8", "31,0", "9,0"]
    assert list(t1.index) == list(range(1, 11)) + ["Totalt"]
    assert number(t1.loc[2, "+/-"]) == "1,5"


def test_empty_input_gives_an_empty_table_of_the_right_shape():
    table = kit.summary_table(sc.to_frame([]), occasions=["uppstart"])
    assert list(table.index) == list(range(1, 11)) + ["Totalt"]
    assert table["uppstart"].isna().all()
    assert isinstance(table, pd.DataFrame)
