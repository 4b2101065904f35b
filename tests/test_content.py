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
SCALE = {1: "inte påbörjat, finns inte", 2: "utveckling startat, nyss påbörjat",
         3: "utveckling pågår, kommit en bit", 4: "genomfört, det finns"}


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
