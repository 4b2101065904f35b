"""Content: every key in every language, official names exactly as SKR writes them."""

import re
from pathlib import Path

import pytest

from kit import content
from kit.domain import scores as sc

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

OFFICIAL_TITLES = {
    1: "Den politiska församlingen tar beslut om jämställdhetsintegrering",
    2: "Den politiska ledningen efterfrågar resultat av arbetet med jämställdhetsintegrering",
    3: "Högsta cheferna tar ansvar för att politikernas jämställdhetsbeslut genomförs",
    4: "Ledningen ger organisationen förutsättningar för kompetens och lärande",
    5: "Jämställdhetsperspektivet är synligt i hela styrkedjan, från styrning till uppföljning",
    6: "Redovisa och analysera all individbaserad statistik med kön som indelningsgrund",
    7: "I beslutsunderlag finns en beskrivning av konsekvenser för kvinnor och män, flickor och pojkar",
    8: "Organisationen bedriver ett systematiskt förbättringsarbete",
    9: "Jämställdhetsintegreringen leder till konkreta och hållbara förbättringar i verksamheterna",
    10: "Struktur och kultur stöder fortsatt utveckling",
}
SHORT_NAMES = {
    1: "Politiskt åtagande om jämställdhet", 2: "Politiken efterfrågar resultat",
    3: "Chefer genomför politikens beslut", 4: "Ledningen ger förutsättningar",
    5: "Jämställdhet synligt i hela styrkedjan", 6: "Könsuppdelad statistik inkl. analys",
    7: "Könskonsekvensbeskrivningar i beslutsunderlag", 8: "Metoder för systematiskt förbättringsarbete",
    9: "Konkreta hållbara förbättringar", 10: "Kultur och struktur för långsiktig förbättring",
}
#: The scale as the checklist's own description in seed 001 writes it ("Inför varje lärandeträff
#: bedömer deltagarna ..."); the text at Tabell 1 words it differently (see docs/sources.md).
SCALE = {1: "inte påbörjat, finns inte", 2: "utveckling startat, nyss påbörjat",
         3: "utveckling pågår, kommit en bit", 4: "genomfört/det finns"}


def test_every_language_has_every_key():
    keys = {lang: content.key_paths(content.bundle(lang)) for lang in content.LANGUAGES}
    sv, en = keys["sv"], keys["en"]
    assert sv - en == set(), f"missing in en: {sorted(sv - en)}"
    assert en - sv == set(), f"missing in sv: {sorted(en - sv)}"


def test_no_text_is_empty():
    for lang in content.LANGUAGES:
        for key in content.key_paths(content.bundle(lang)):
            if "[" in key:
                continue
            value = content.lookup(key, lang)
            assert str(value).strip(), f"{lang}: {key} is empty"


def test_official_titles_short_names_and_scale_as_skr_writes_them():
    for m in sc.MOMENTS:
        assert content.text(f"moments.{m}.title", "sv") == OFFICIAL_TITLES[m]
        assert content.text(f"moments.{m}.short", "sv") == SHORT_NAMES[m]
    for k, label in SCALE.items():
        assert content.text(f"scale.{k}", "sv") == label


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds live in ../shared beside the repo")
def test_titles_and_short_names_stand_in_the_seeds():
    report = (SEEDS / "001_12bfee100e62c7ea.txt").read_text(encoding="utf-8")
    slides = (SEEDS / "004_f825096e5f61ed51.txt").read_text(encoding="utf-8")
    for m in sc.MOMENTS:
        assert f"{m}. {OFFICIAL_TITLES[m]}" in report
        assert f"{m}. {SHORT_NAMES[m]}" in slides


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds live in ../shared beside the repo")
def test_scale_labels_come_from_one_passage_of_the_seed():
    report = (SEEDS / "001_12bfee100e62c7ea.txt").read_text(encoding="utf-8")
    passage = ", ".join(f"{k} ({SCALE[k]})" for k in (1, 2, 3)) + f" eller 4 ({SCALE[4]})"
    assert passage in report


@pytest.mark.parametrize("lang", content.LANGUAGES)
def test_table_notes_name_the_misprints(lang):
    """The notes shown with Tabell 1 and 2 name the cells and the figures that show the misprint."""
    comma = (lambda x: x) if lang == "sv" else (lambda x: x.replace(",", "."))
    one = content.text("results.note_table1", lang)
    assert "Tabell 1" in one and "9" in one
    for figure in ("2,2", "2,25", "28,5", "0,8"):
        assert comma(figure) in one, figure
    two = content.text("results.note_table2", lang)
    assert "Tabell 2" in two and "5" in two
    for figure in ("26,9", "30,4", "27,8", "31,0", "0,8", "3,25"):
        assert comma(figure) in two, figure


def _quarter(printed: float) -> float:
    """A printed mean back to the quarter it rounds from (2,3 → 2,25, 2,8 → 2,75)."""
    whole, tenth = divmod(round(printed * 10), 10)
    return whole + {3: 0.25, 8: 0.75}.get(tenth, tenth / 10)


def test_table_notes_agree_with_the_published_tables():
    """The figures the notes rest on, summed from the tables as the kit ships them."""
    from kit.fmt import number
    from kit.reference import published_table

    occasions = ["uppstart", "lärandeträff 1", "lärandeträff 2", "lärandeträff 3"]
    moments = list(sc.MOMENTS)
    one, two = published_table("participants"), published_table("mentors")
    # Tabell 2 as printed: moment 5 reads 2,5 … 2,5 with +/- 0,8, and two columns fall short
    assert list(two.loc[5]) == [2.5, 3.0, 2.0, 2.5, 0.8]
    sums = two.loc[moments, occasions].sum()
    assert [number(sums[o]) for o in occasions] == ["22,0", "25,0", "26,9", "30,4"]
    assert [number(two.loc["Totalt", o]) for o in occasions] == ["22,0", "25,0", "27,8", "31,0"]
    # with the means as quarters and moment 5 as 2,5 / 3,0 / 3,0 / 3,25, every printed figure returns
    quarters = two.loc[moments, occasions].map(_quarter)
    quarters.loc[5] = [2.5, 3.0, 3.0, 3.25]
    assert [number(quarters[o].sum()) for o in occasions] == ["22,0", "25,0", "27,8", "31,0"]
    change = quarters["lärandeträff 3"] - quarters["uppstart"]
    assert [number(c) for c in change] == [number(c) for c in two.loc[moments, "+/-"]]
    # Tabell 1, Lärandeträff 3: Totalt less the other nine means (as quarters) leaves 2,25
    col = one.loc[moments, "lärandeträff 3"].map(_quarter)
    assert one.loc[9, "lärandeträff 3"] == 2.2
    assert one.loc["Totalt", "lärandeträff 3"] - col.drop(9).sum() == 2.25
    assert number(2.25 - _quarter(one.loc[9, "uppstart"])) == number(one.loc[9, "+/-"]) == "0,8"


@pytest.mark.parametrize("lang", content.LANGUAGES)
def test_each_moment_is_complete(lang):
    for m in sc.MOMENTS:
        node = content.lookup(f"moments.{m}", lang)
        assert len(node["examples"]) >= 3
        assert set(node["roles"]) >= {"politiker", "chef", "strateg"}
        assert {int(k) for k in node["levels"]} == {1, 2, 3, 4}
        assert re.search(r"00\d_[0-9a-f]{16}\.txt", node["source"]), node["source"]


def test_missing_key_or_language_fails_loudly():
    with pytest.raises(KeyError, match="Ingen text"):
        content.text("moments.11.title", "sv")
    assert content.normalise_lang("de") == "sv"


def test_checklist_version_is_the_default_score_version():
    assert content.text("checklist.version", "sv") == sc.DEFAULT_VERSION
    assert sc.DEFAULT_VERSION in content.checklist_versions()
