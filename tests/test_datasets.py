"""The statistics step's shipped data (kit/data/statistik/): every file parses, Exempelby is the
practice municipality it claims to be (invented, by sex and age, with small counts to hide and
gaps that close, widen and stay), its generator writes it again byte for byte, the HåJ survey
adds up to the 53 organisations and agrees with the report's own text, and the Kolada example
has Kolada's shape without ever reading its ``count`` as a number of persons."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kit.domain.indicators import gap_measures, gap_trend, suppress_small
from kit.io.indicators import read_indicators
from kit.modules.statistics import datasets

HERE = Path(__file__).resolve().parents[1] / "kit" / "data" / "statistik"
GENERATOR = HERE / "generate_exempelby.py"


def rows_of(name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((HERE / name).read_text(encoding="utf-8-sig"), newline=""),
                               delimiter=";"))


# -- Exempelby ------------------------------------------------------------------------------------
def test_exempelby_is_swedish_excel_csv():
    raw = (HERE / "exempelby.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    lines = raw[3:].decode("utf-8").split("\r\n")
    assert lines[-1] == "" and not any("\n" in line for line in lines)  # CRLF only
    assert lines[0] == "Indikator;Område;År;Kön;Åldersgrupp;Värde;Antal"
    values = [line.split(";")[5] for line in lines[1:-1]]
    assert any("," in v for v in values) and not any("." in v for v in values)  # decimal comma
    assert (HERE / "exempelby_indikatorer.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_exempelby_says_it_is_invented_in_the_data_and_the_readme():
    data = datasets.load("exempelby")
    assert set(data["area"]) == {"Exempelby (påhittad kommun)"}
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    assert "påhittad" in readme.lower() and "fictitious" in readme.lower()
    assert datasets.get("exempelby").fictitious


def test_exempelby_has_8_to_12_indicators_over_5_years_by_sex_and_age():
    data = datasets.load("exempelby")
    assert data.attrs["source"] == "csv" and "age_group" in data.columns
    indicators = list(dict.fromkeys(data["indicator"]))
    assert 8 <= len(indicators) <= 12
    for indicator in indicators:
        assert data.loc[data["indicator"] == indicator, "period"].nunique() >= 5, indicator
    for key, group in data.groupby(["indicator", "area", "age_group", "period"]):
        assert sorted(group["sex"]) == ["K", "M", "T"], key  # women, men and the total, always
    ages = data.groupby("indicator")["age_group"].unique()
    assert any(len(a) > 1 for a in ages)  # some by age group, side by side
    assert set(data["age_group"]) >= {"65–79", "80+", "Alla"}
    raw = rows_of("exempelby.csv")
    assert {"Flickor", "Pojkar"} <= {r["Kön"] for r in raw}  # children's indicators say so


def test_exempelby_totals_are_consistent_with_women_and_men():
    data = datasets.load("exempelby").dropna(subset=["value"])
    wide = data.pivot_table(index=["indicator", "age_group", "period"], columns="sex",
                            values=["value", "n"], aggfunc="first")
    assert (wide[("n", "T")] == wide[("n", "K")] + wide[("n", "M")]).all()
    low = wide[[("value", "K"), ("value", "M")]].min(axis=1) - 0.051
    high = wide[[("value", "K"), ("value", "M")]].max(axis=1) + 0.051
    assert ((wide[("value", "T")] >= low) & (wide[("value", "T")] <= high)).all()


def test_exempelby_has_small_counts_to_hide_both_primary_and_secondary():
    data = datasets.load("exempelby")
    out = suppress_small(data)
    small = data["n"].notna() & (data["n"] < 5)
    assert small.any() and out.loc[small, "suppressed"].all()  # primary
    secondary = out["suppressed"] & ~small
    assert secondary.any()  # the other sex of a small one, hidden since the total is shown
    for _, row in out[secondary].iterrows():
        same = out[(out["indicator"] == row["indicator"]) & (out["age_group"] == row["age_group"])
                   & (out["period"] == row["period"])]
        assert (small[same.index] & same["sex"].isin(["K", "M"])).sum() == 1
        assert not same.loc[same["sex"] == "T", "suppressed"].any()
    # both sexes small in one cell: both hidden by the primary rule alone
    both = data[small].groupby(["indicator", "age_group", "period"])["sex"].nunique()
    assert (both == 2).any()
    # the brief's case: men aged 80+ in one year's home-care survey
    assert ((data["sex"] == "M") & (data["age_group"] == "80+") & small
            & data["indicator"].str.contains("hemtjänst")).any()
    assert datasets.suppressed("exempelby")["suppressed"].sum() == out["suppressed"].sum()


def test_exempelby_has_missing_values_kept_as_rows():
    data = datasets.load("exempelby")
    missing = data[data["value"].isna()]
    assert 0 < len(missing) <= 12 and missing["n"].isna().all()


def test_exempelby_gaps_close_widen_and_stay():
    trends = gap_trend(gap_measures(datasets.load("exempelby")))
    found = set(trends["trend"])
    assert {"closing", "widening", "stable"} <= found
    by = trends.set_index(["indicator", "age_group"])["trend"]
    assert by[("Fallskador bland äldre 80+", "80+")] == "stable"
    assert by[("Behörighet till gymnasiet", "Alla")] == "widening"
    assert by[("Nyanlända i arbete eller studier", "Alla")] == "closing"


def test_exempelby_metadata_describes_every_indicator_and_cites_its_seed():
    data = datasets.load("exempelby")
    meta = rows_of("exempelby_indikatorer.csv")
    assert list(meta[0]) == ["indikator", "name_en", "enhet", "unit_en", "beskrivning", "description_en",
                             "kalla", "higher_is_better"]
    assert [m["indikator"] for m in meta] == list(dict.fromkeys(data["indicator"]))
    for m in meta:
        assert re.match(r"^00[14] \(", m["kalla"]), m["kalla"]  # seed 001 (Karlstad) or 004 (slides)
        assert "”" in m["kalla"]  # quotes the passage
        assert m["higher_is_better"] in ("ja", "nej", "")
        assert all(m[c] for c in ("name_en", "enhet", "unit_en", "beskrivning", "description_en"))
    for lang in ("sv", "en"):
        described = datasets.meta("exempelby", lang)
        assert set(described) == set(data["indicator"])
        assert all(d["unit"] and d["description"] for d in described.values())
    english = [d["title"] for d in datasets.meta("exempelby", "en").values()]
    assert not any(re.search("[åäöÅÄÖ]", t) for t in english), english


def test_the_generator_writes_the_same_bytes_again(tmp_path):
    done = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for name in ("exempelby.csv", "exempelby_indikatorer.csv"):
        assert (tmp_path / name).read_bytes() == (HERE / name).read_bytes(), name


def test_the_generator_is_documented_and_seeded():
    source = GENERATOR.read_text(encoding="utf-8")
    assert "FICTITIOUS" in source and "SEED = " in source and "random.Random(seed)" in source
    assert "rng.randint" not in source and "rng.gauss" not in source  # random() only: stable streams


# -- the HåJ survey -------------------------------------------------------------------------------
def test_the_survey_file_has_its_columns_and_scales():
    raw = rows_of("haj_enkat.csv")
    assert list(raw[0]) == ["id", "fråga", "question_en", "skala", "svar", "answer_en", "ordning", "antal"]
    assert {r["skala"] for r in raw} == {"1-5", "ja-nej-pågår"}
    for qid in dict.fromkeys(r["id"] for r in raw):
        mine = [r for r in raw if r["id"] == qid]
        orders = [int(r["ordning"]) for r in mine]
        assert orders == sorted(set(orders)), qid  # each answer once, in the scale's order
        assert len({r["fråga"] for r in mine}) == 1 and len({r["question_en"] for r in mine}) == 1


def test_every_question_adds_up_to_the_53_organisations():
    counts = datasets.survey("sv").groupby("id")["count"].sum()
    assert len(counts) == 14 and (counts == 53).all()  # "Samtliga 53 deltagare ... besvarat enkätfrågor"


def test_the_survey_agrees_with_the_reports_own_words():
    s = datasets.survey("sv")

    def count(qid, *options):
        rows = s[s["id"] == qid]
        return int(rows[rows["option"].isin(options)]["count"].sum())

    # Fig. 2: "42 av 53 verksamheter anger att de i stor utsträckning nått de mål" (4 and 5), "1 obesvarad"
    assert count("fig02_mal", "4", "5 = helt och hållet") == 42 and count("fig02_mal", "Obesvarad") == 1
    # Fig. 3: "34 av 53 deltagare uppger att de lyckats med detta och 11 att de är på gång"
    assert count("fig03_spridning", "Ja") == 34 and count("fig03_spridning", "På gång") == 11
    # Fig. 4: "42 procent (22 organisationer) ... 32 procent (17 organisationer)" införa nyckeltal
    assert count("fig04_nyckeltal", "Ja") == 22 and count("fig04_nyckeltal", "På gång") == 17
    # Fig. 5: "Bara 25 procent" effekter för resursfördelning och resultat
    assert count("fig05_resursfordelning", "Ja") == count("fig05_resultat", "Ja") == 13
    def about(n, percent):  # the report rounds its shares of 53 loosely (48/53 = 90,6 % is "90 procent")
        return abs(100 * n / 53 - percent) < 1

    # Fig. 6: "cirka 85 procent" förbättringar i arbetssätt och bemötande
    assert about(count("fig06_bemotande", "Ja"), 85)
    # Fig. 7: "90 procent för uppföljning och på 83 procent för styr- och ledningssystem"; "44 hade ..."
    assert about(count("fig07_uppfoljning", "Ja"), 90) and count("fig07_ledning", "Ja") == 44
    # Fig. 10: "Endast 8 instämmer i ganska hög eller hög grad";
    # "Drygt hälften instämmer inte alls eller i låg grad"
    assert count("fig10_konsekvens", "4", "5 = instämmer helt") == 8
    answered = 53 - count("fig10_konsekvens", "Obesvarade")
    assert answered == 51 and 0.5 < count("fig10_konsekvens", "1 = instämmer inte alls", "2") / answered < 0.6
    # Fig. 11: "Av de 51 som besvarat frågan om ledningens uppföljning har 28 svarat positivt"
    assert 53 - count("fig11_ledningen", "Obesvarade") == 51
    assert count("fig11_ledningen", "4", "5 = instämmer helt") == 28


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_survey_in_each_language(lang):
    s = datasets.survey(lang)
    assert list(s.columns) == ["id", "question", "scale", "option", "order", "count"]
    assert set(s["scale"]) == {"agree5", "yesno"}
    assert s["order"].dtype == "int64" and s["count"].dtype == "int64" and (s["count"] >= 0).all()
    for scale, rows in s.groupby("scale"):
        # one answer per place on the scale (the no-answer wordings aside), so tables line up
        named = rows[~rows["option"].str.lower().isin(["ej svar", "obesvarat", "obesvarad", "obesvarade",
                                                      "no answer"])]
        if scale == "yesno":
            assert named.groupby("order")["option"].nunique().max() == 1
    if lang == "en":
        assert not s["question"].str.contains("[åäö]").any() and not s["option"].str.contains("[åäö]").any()
        assert {"Yes", "No", "In progress", "No answer"} <= set(s["option"])


# -- Kolada ---------------------------------------------------------------------------------------
def test_the_kolada_example_has_the_api_shape():
    doc = json.loads((HERE / "kolada_exempel.json").read_text(encoding="utf-8"))
    assert set(doc) == {"values", "count", "next_url"} and doc["next_url"] is None
    assert doc["count"] == len(doc["values"])
    kpis = {r["kpi"] for r in doc["values"]}
    assert 3 <= len(kpis) <= 4 and "N15428" in kpis
    areas = {r["municipality"] for r in doc["values"]}
    assert "0000" in areas and len(areas - {"0000"}) == 2
    assert all(re.fullmatch(r"\d{4}", a) for a in areas)
    cells = [v for r in doc["values"] for v in r["values"]]
    assert {v["gender"] for v in cells} == {"K", "M", "T"}
    assert all(v["count"] == 1 and v["status"] == "" for v in cells)
    assert sum(v["value"] is None for v in cells) == 1
    assert all(isinstance(r["period"], int) for r in doc["values"])


def test_the_kolada_example_reads_without_n_from_count():
    data = datasets.load("kolada")
    assert data.attrs["source"] == "kolada" and data["n"].isna().all()  # count is never n
    assert data["value"].isna().sum() == 1
    assert datasets.suppressed("kolada")["suppressed"].sum() == 0  # unknown n: nothing hidden
    assert datasets.get("kolada").source_key.endswith("source")
    for lang in ("sv", "en"):
        meta = datasets.meta("kolada", lang)
        assert set(meta) == set(data["indicator"]) and all(m["title"] != k for k, m in meta.items())
        for area in data["area"].unique():
            assert datasets.area_name("kolada", area, lang) != area
    assert datasets.area_name("kolada", "0000", "sv") == "Riket"


def test_the_kolada_readme_says_the_values_are_illustrative():
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    assert "Källa: Kolada" in readme and "illustrative" in readme.lower()


# -- the module's API -----------------------------------------------------------------------------
def test_load_returns_a_copy_each_time():
    first = datasets.load("exempelby")
    first.loc[:, "value"] = -1.0
    again = datasets.load("exempelby")
    assert (again["value"] != -1.0).any() and again.attrs["name"] == "exempelby.csv"
    hidden = datasets.suppressed("exempelby")
    hidden["suppressed"] = False
    assert datasets.suppressed("exempelby")["suppressed"].any()


def test_every_dataset_is_read_through_read_indicators():
    for dataset in datasets.DATASETS:
        direct = read_indicators(HERE / dataset.file)
        pd.testing.assert_frame_equal(direct, datasets.load(dataset.key))
        assert dataset.kind == "indicators" and (HERE / dataset.meta_file).exists()


def test_unknown_keys():
    with pytest.raises(KeyError):
        datasets.get("nope")
    assert datasets.meta("upload", "sv")["Egen"]["title"] == "Egen"
    assert datasets.area_name("upload", "Örby", "en") == "Örby"


def test_dataset_texts_fall_back_when_the_module_has_none():
    for key in datasets.keys():
        for lang in ("sv", "en"):
            assert datasets.text(key, "title", lang) and datasets.text(key, "note", lang)
    assert "påhittad" in datasets.FALLBACK_TEXTS["exempelby"]["title"][0]
