"""The statistics step's shipped data: what there is, where it comes from, and how it loads.

The files live in the package, in ``kit/data/statistik/`` (see the README there), so that every
install has them:

* ``exempelby`` — a **fictitious** municipality, Exempelby, for practice: 9 indicators by sex
  (and age group), 2019–2024, with small counts that must be hidden. Written by
  ``generate_exempelby.py``; the metadata per indicator is ``exempelby_indikatorer.csv``.
* ``kolada`` — a small response in the shape of Kolada's API (v3), made by hand: 3 KPIs by sex
  for Kalmar, Karlstad and the whole country ("0000"). Its values are invented too.
* :func:`survey` — the real answers of 53 organisations to SKL's HåJ survey (the report
  *Program för hållbar jämställdhet. Resultatrapport 2011–2013*), for reading survey results.

Every dataset loads through :func:`kit.read_indicators`, like a file a group uploads:

>>> keys(), DEFAULT
(('exempelby', 'kolada'), 'exempelby')
>>> get("exempelby").fictitious, get("kolada").source_key
(True, 'datasets.kolada.source')
>>> data = load("exempelby")
>>> data.attrs["source"], sorted(data["sex"].unique()), data["period"].min(), data["period"].max()
('csv', ['K', 'M', 'T'], '2019', '2024')
>>> shown = suppressed("exempelby")
>>> row = shown[(shown["indicator"] == "Inflytande i hemtjänsten") & (shown["age_group"] == "80+")
...             & (shown["period"] == "2021")]
>>> print(row[["sex", "value", "suppressed"]].to_string(index=False))  # 4 men answered: women hidden too
sex  value  suppressed
  K    NaN        True
  M    NaN        True
  T   69.8       False
>>> meta("exempelby", "en")["Väntetid till särskilt boende"]["unit"]
'days'
>>> area_name("kolada", "0000", "sv"), area_name("exempelby", "Exempelby (påhittad kommun)", "en")
('Riket', 'Exempelby (fictitious municipality)')
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from kit import content

#: The folder of the shipped files, inside the package.
FOLDER = ("data", "statistik")


@dataclass(frozen=True)
class Dataset:
    """A shipped dataset: its ``key`` (in URLs and saved picks), its ``file`` in
    ``kit/data/statistik/``, whether its figures are ``fictitious`` (invented: said on screen),
    ``source_key`` — the module text (``statistics.<source_key>``) that names its source where it
    is shown — its ``kind`` and the file of its metadata per indicator (``meta_file``)."""

    key: str
    file: str
    fictitious: bool
    source_key: str
    kind: str = "indicators"
    meta_file: str = ""


DATASETS = (
    Dataset("exempelby", "exempelby.csv", True, "datasets.exempelby.note",
            meta_file="exempelby_indikatorer.csv"),
    # The Kolada file has Kolada's shape, but its values are made by hand: fictitious too.
    Dataset("kolada", "kolada_exempel.json", True, "datasets.kolada.source", meta_file="kolada_meta.json"),
)
DEFAULT = "exempelby"
SURVEY_FILE = "haj_enkat.csv"
#: The survey file's scales (``skala``) as the kit names them.
SCALES = {"1-5": "agree5", "ja-nej-pågår": "yesno"}
SURVEY_COLUMNS = ["id", "question", "scale", "option", "order", "count"]

#: What a dataset is called where the module's texts do not (yet) say it: (Swedish, English).
FALLBACK_TEXTS = {
    "exempelby": {"title": ("Exempelby (påhittad kommun)", "Exempelby (a fictitious municipality)"),
                  "note": ("Påhittade siffror för övning – Exempelby finns inte.",
                           "Invented figures for practice – Exempelby does not exist.")},
    "kolada": {"title": ("Kolada (exempel)", "Kolada (example)"),
               "note": ("Ett exempel i Koladas format, gjort för hand: värdena är påhittade.",
                        "An example in Kolada's format, made by hand: the values are invented."),
               "source": ("Källa: Kolada (exempel i Koladas format).",
                          "Source: Kolada (an example in Kolada's format).")},
}
#: Area names per dataset, where the file has a code or a Swedish label: (Swedish, English).
AREA_NAMES = {
    "exempelby": {"Exempelby (påhittad kommun)": ("Exempelby (påhittad kommun)",
                                                  "Exempelby (fictitious municipality)")},
}


def keys() -> tuple[str, ...]:
    """The keys of the shipped datasets, the default first."""
    return tuple(d.key for d in DATASETS)


def get(key: str) -> Dataset:
    """The dataset with this key (``KeyError`` for any other).

    >>> get("kolada").file
    'kolada_exempel.json'
    """
    for dataset in DATASETS:
        if dataset.key == key:
            return dataset
    raise KeyError(f"no shipped dataset {key!r}; there are {', '.join(keys())}")


def _file(name: str):
    return resources.files("kit").joinpath(*FOLDER, name)


def _bytes(name: str) -> bytes:
    return _file(name).read_bytes()


@functools.cache
def _frame(key: str) -> pd.DataFrame:
    from kit.io.indicators import read_indicators

    dataset = get(key)
    return read_indicators(name=dataset.file, data=_bytes(dataset.file))


def load(key: str) -> pd.DataFrame:
    """The dataset as :func:`kit.read_indicators` reads it (cached; a copy each call, so a caller
    may change it freely). Not yet suppressed: see :func:`suppressed`."""
    frame = _frame(key)
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    return out


@functools.cache
def _suppressed(key: str, min_n: int) -> pd.DataFrame:
    from kit.domain.indicators import suppress_small

    return suppress_small(_frame(key), min_n)


def suppressed(key: str, min_n: int = 5) -> pd.DataFrame:
    """The dataset after :func:`kit.suppress_small` — what a page may show (a copy each call)."""
    frame = _suppressed(key, int(min_n))
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    return out


def _sv(lang) -> bool:
    return content.normalise_lang(lang) == "sv"


def text(key: str, field: str, lang: str = "sv") -> str:
    """A dataset's ``title``, ``note`` or ``source`` in the language: the module's text
    ``statistics.datasets.<key>.<field>`` when there is one, else the built-in one.

    >>> text("exempelby", "title", "sv")
    'Exempelby (påhittad kommun)'
    """
    try:
        return content.text(f"statistics.datasets.{key}.{field}", lang)
    except KeyError:
        pair = FALLBACK_TEXTS.get(key, {}).get(field) or FALLBACK_TEXTS.get(key, {}).get("note")
        if not pair:
            raise
        return pair[0] if _sv(lang) else pair[1]


class Meta(dict):
    """Indicator → ``{"title", "unit", "description", "higher_is_better"}``. An indicator it does
    not know reads as itself: its title is the indicator string, the rest empty.

    >>> Meta()["Egen indikator"]
    {'title': 'Egen indikator', 'unit': '', 'description': '', 'higher_is_better': None}
    """

    def __missing__(self, indicator):
        return {"title": str(indicator), "unit": "", "description": "", "higher_is_better": None}


def _truth(cell) -> bool | None:
    word = str(cell if cell is not None else "").strip().lower()
    if word in ("ja", "yes", "true", "1"):
        return True
    if word in ("nej", "no", "false", "0"):
        return False
    return None


@functools.cache
def _meta_rows(key: str) -> tuple[tuple[str, dict, dict], ...]:
    """(indicator, Swedish entry, English entry) for each indicator the metadata describes."""
    dataset = get(key)
    if not dataset.meta_file:
        return ()
    raw = _bytes(dataset.meta_file)
    out = []
    if dataset.meta_file.endswith(".json"):
        for kpi in json.loads(raw.decode("utf-8"))["kpi"]["values"]:
            better = kpi.get("higher_is_better")
            out.append((str(kpi["id"]),
                        {"title": kpi["title"], "unit": kpi.get("unit", ""),
                         "description": kpi.get("description", ""), "higher_is_better": better},
                        {"title": kpi.get("title_en") or kpi["title"], "unit": kpi.get("unit_en", ""),
                         "description": kpi.get("description_en", ""), "higher_is_better": better}))
    else:
        for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"):
            better = _truth(row.get("higher_is_better"))
            out.append((row["indikator"],
                        {"title": row["indikator"], "unit": row["enhet"], "description": row["beskrivning"],
                         "higher_is_better": better},
                        {"title": row["name_en"] or row["indikator"], "unit": row["unit_en"],
                         "description": row["description_en"], "higher_is_better": better}))
    return tuple(out)


def meta(key: str, lang: str = "sv") -> Meta:
    """Each indicator's title, unit, description and whether a higher value is better (``None``:
    neither), in the language; every indicator of the dataset has an entry, an undescribed one
    its own string as title. An unknown ``key`` (an upload) gives an empty :class:`Meta`.

    >>> m = meta("kolada", "sv")
    >>> m["N99101"]["title"], m["N99101"]["higher_is_better"]
    ('Väntetid till särskilt boende, dagar (medelvärde)', False)
    >>> meta("exempelby", "en")["Utvecklingsstöd per stödmottagare"]["higher_is_better"] is None
    True
    """
    out = Meta()
    if key not in keys():
        return out
    sv = _sv(lang)
    for indicator, swedish, english in _meta_rows(key):
        out[indicator] = dict(swedish if sv else english)
    for indicator in dict.fromkeys(_frame(key)["indicator"]):
        if indicator not in out:
            out[indicator] = out[indicator]  # the fallback, stored
    return out


@functools.cache
def _area_names(key: str) -> dict[str, tuple[str, str]]:
    names = dict(AREA_NAMES.get(key, {}))
    dataset = get(key) if key in keys() else None
    if dataset and dataset.meta_file.endswith(".json"):
        for place in json.loads(_bytes(dataset.meta_file).decode("utf-8"))["municipality"]["values"]:
            names[str(place["id"])] = (place["title"], place.get("title_en") or place["title"])
    return names


def area_name(key: str, area: str, lang: str = "sv") -> str:
    """What an area of a dataset is called in the language (Kolada's codes by their names);
    an area it does not know is shown as it stands.

    >>> area_name("kolada", "1780", "en"), area_name("kolada", "9999", "en")
    ('Karlstad', '9999')
    """
    pair = _area_names(key).get(str(area)) if key in keys() else None
    if not pair:
        return str(area)
    return pair[0] if _sv(lang) else pair[1]


@functools.cache
def _survey_rows() -> tuple[tuple, ...]:
    raw = _bytes(SURVEY_FILE).decode("utf-8-sig")
    out = []
    for row in csv.DictReader(io.StringIO(raw, newline=""), delimiter=";"):
        out.append((row["id"], row["fråga"], row["question_en"], SCALES[row["skala"]], row["svar"],
                    row["answer_en"], int(row["ordning"]), int(row["antal"])))
    return tuple(out)


def survey(lang: str = "sv") -> pd.DataFrame:
    """The HåJ survey's published distributions, one row per question and answer, in the
    language: ``id, question, scale`` ("agree5": 1–5; "yesno": ja, nej, på gång), ``option``,
    ``order`` (the answer's place on its scale: 1–5 then no answer as 6; yes 1, no 2, in progress
    3, no answer 4 — a question without an answer simply has no row for it) and ``count``. Each
    question's counts add up to the 53 organisations, the unanswered included.

    >>> s = survey("en")
    >>> print(s[s["id"] == "fig03_spridning"][["option", "order", "count"]].to_string(index=False))
         option  order  count
            Yes      1     34
             No      2      6
    In progress      3     11
      No answer      4      2
    >>> set(s.groupby("id")["count"].sum())
    {53}
    """
    sv = _sv(lang)
    rows = [(qid, q_sv if sv else q_en, scale, o_sv if sv else o_en, order, count)
            for qid, q_sv, q_en, scale, o_sv, o_en, order, count in _survey_rows()]
    frame = pd.DataFrame(rows, columns=SURVEY_COLUMNS)
    return frame.astype({"id": object, "question": object, "scale": object, "option": object,
                         "order": "int64", "count": "int64"})
