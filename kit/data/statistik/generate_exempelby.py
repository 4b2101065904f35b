"""Write Exempelby: a FICTITIOUS municipality's sex-disaggregated statistics, for practice.

Exempelby does not exist. Every figure here is invented by this script — plausible, with
visible gaps between women and men (girls and boys), some closing, some widening, one stable —
so that a workshop can practise moment 6 of SKR's guide (könsuppdelad statistik) without any
real person behind the numbers. The indicators are built around equality challenges named in
the seeds (the column ``kalla`` of the metadata says which passage each one rests on):

* ``001_12bfee100e62c7ea.txt`` (SKR, *Modellkonceptet 2020–2022. Resultatrapport*): the five
  indicators of Vård- och omsorgsförvaltningen in Karlstad — waiting time for särskilt boende,
  fall injuries among 80+, influence and enough time in home care, being treated well in home
  care, and loneliness among home-care users.
* ``004_f825096e5f61ed51.txt`` (SKR's slides, *Modellkonceptet*, "Vi har många utmaningar"):
  regional development support, fall injuries, support to girls' and boys' sport, eligibility
  for upper secondary school, newly arrived women and men in work.

Two files are written, both as Swedish Excel saves "CSV UTF-8 (semikolonavgränsad)": ``;``
separated, decimal comma, UTF-8 with a byte-order mark, CRLF line ends.

* ``exempelby.csv`` — long, one row per value: ``Indikator;Område;År;Kön;Åldersgrupp;Värde;Antal``.
  ``Område`` is "Exempelby (påhittad kommun)"; ``Kön`` Kvinnor/Män/Totalt (Flickor/Pojkar/Totalt
  for children and young people); ``Åldersgrupp`` "65–79"/"80+" for elderly care, "Alla" where
  the indicator is not split by age; ``Antal`` the number of persons behind the value (the
  total's is the sum of women's and men's). Rows: indicator, age group, year, sex.
* ``exempelby_indikatorer.csv`` — one row per indicator: ``indikator;name_en;enhet;unit_en;
  beskrivning;description_en;kalla;higher_is_better`` (``ja``/``nej``; empty: neither).

How a value is made (:func:`rows`): women's and men's values run in a straight line from the
indicator's 2019 level to its 2024 level (``INDICATORS``), plus seeded noise of at most
``noise`` either way; the number of persons is drawn evenly from its range. The total is the
mean of women's and men's values weighted by their numbers, so the file is consistent in
itself. Then the deliberate exceptions, each documented where it is set:

* ``SMALL``: numbers of persons below 5, which :func:`kit.suppress_small` must hide — in four
  places exactly one of women and men is small (so the other must be hidden too, or the total
  would reveal it: *secondary* suppression), and in one both are.
* ``MISSING``: years without a value (the cells are empty, the row is kept).

The noise comes from :class:`random.Random` seeded with ``SEED``, and only from its
``random()`` method, whose sequence Python guarantees across versions; numbers are written
with fixed decimals. So running the script again writes the same bytes (a test checks)::

    python kit/data/statistik/generate_exempelby.py            # rewrite the shipped files
    python kit/data/statistik/generate_exempelby.py --out DIR  # write them into DIR instead

An age-split indicator has no "Alla" row on purpose: beside a hidden age group, the whole and
the other age group (with their numbers of persons) would give the hidden value back.

>>> data = rows()
>>> data[0]
['Väntetid till särskilt boende', 'Exempelby (påhittad kommun)', '2019', 'Kvinnor', '65–79', '61,5', '12']
>>> sorted({r[3] for r in data})
['Flickor', 'Kvinnor', 'Män', 'Pojkar', 'Totalt']
>>> len({r[0] for r in data}), sorted({r[2] for r in data})[::5]
(9, ['2019', '2024'])
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from pathlib import Path

#: The seed of the noise. Change it and every value moves (and the test's bytes with it).
SEED = 16
#: The years, as written in the ``År`` column.
YEARS = tuple(str(y) for y in range(2019, 2025))
#: The area: invented, and saying so in the data itself.
AREA = "Exempelby (påhittad kommun)"
#: The header of ``exempelby.csv`` (the contract's long format, read by ``kit.read_indicators``).
HEADER = ["Indikator", "Område", "År", "Kön", "Åldersgrupp", "Värde", "Antal"]
META_HEADER = ["indikator", "name_en", "enhet", "unit_en", "beskrivning", "description_en", "kalla",
               "higher_is_better"]
ADULTS = ("Kvinnor", "Män")
CHILDREN = ("Flickor", "Pojkar")
ELDERLY = ("65–79", "80+")

#: The indicators. ``levels`` per age group: (women 2019, women 2024, men 2019, men 2024);
#: ``n`` per age group: (women's range, men's range) of the number of persons; ``noise``: the
#: largest random step either way; ``decimals`` of the value.
INDICATORS = [
    {"indikator": "Väntetid till särskilt boende",
     "name_en": "Waiting time for a place in residential care",
     "enhet": "dagar", "unit_en": "days",
     "beskrivning": "Medelvärde, antal dagar från ansökan till erbjuden plats på särskilt boende.",
     "description_en": "Mean number of days from application to the offer of a place in residential care.",
     "kalla": "001 (Modellkonceptet 2020–2022, Karlstad, indikator 1): ”Väntetid på särskilt boende, där "
              "kvinnor haft längre väntetid än männen de senaste tre åren”",
     "higher_is_better": "nej", "sexes": ADULTS, "decimals": 1, "noise": 3.0,
     "levels": {"65–79": (62.0, 50.0, 48.0, 45.0), "80+": (70.0, 58.0, 55.0, 52.0)},
     "n": {"65–79": ((10, 14), (7, 11)), "80+": ((45, 55), (22, 30))}},
    {"indikator": "Fallskador bland äldre 80+",
     "name_en": "Fall injuries among people aged 80+",
     "enhet": "per 1 000 invånare 80+", "unit_en": "per 1,000 residents aged 80+",
     "beskrivning": "Personer 80 år och äldre som skadats i fallolyckor, per 1 000 invånare i åldern.",
     "description_en": "People aged 80 or over injured in falls, per 1,000 residents of that age.",
     "kalla": "001 (Karlstad, indikator 2): ”Fallskador bland 80+ där fler fall har rapporterats för kvinnor "
              "än män de senaste åren” och 004: ”Fler kvinnor än män drabbas av fallskador”",
     "higher_is_better": "nej", "sexes": ADULTS, "decimals": 1, "noise": 1.0,
     "levels": {"80+": (52.0, 50.5, 43.0, 41.5)},
     "n": {"80+": ((820, 900), (560, 640))}},
    {"indikator": "Inflytande i hemtjänsten",
     "name_en": "Influence in home care",
     "enhet": "andel (%)", "unit_en": "share (%)",
     "beskrivning": "Andel av de svarande i brukarundersökningen som kan påverka hur hjälpen utförs och "
                    "tycker att personalen har tillräckligt med tid.",
     "description_en": "Share of the respondents to the user survey who can influence how the help is given "
                       "and find that the staff have enough time.",
     "kalla": "001 (Karlstad, indikator 3): ”Grad av inflytande och tillräcklig tid inom äldreomsorgens "
              "hemtjänst, där männen tre år i rad gett högre betyg än kvinnorna”",
     "higher_is_better": "ja", "sexes": ADULTS, "decimals": 1, "noise": 1.5,
     "levels": {"65–79": (74.0, 70.0, 79.0, 80.0), "80+": (70.0, 66.0, 75.0, 77.0)},
     "n": {"65–79": ((16, 22), (9, 13)), "80+": ((55, 65), (24, 30))}},
    {"indikator": "Bemötande i hemtjänsten",
     "name_en": "Treated well in home care",
     "enhet": "andel (%)", "unit_en": "share (%)",
     "beskrivning": "Andel av de svarande i brukarundersökningen som känner förtroende för personalen och "
                    "känner sig trygga med hemtjänsten.",
     "description_en": "Share of the respondents to the user survey who trust the staff and feel safe "
                       "with their home care.",
     "kalla": "001 (Karlstad, indikator 4): ”Bemötande inom äldreomsorgens hemtjänst, förtroende och "
              "trygghet där männen tre år i rad gett högre betyg än kvinnorna”",
     "higher_is_better": "ja", "sexes": ADULTS, "decimals": 1, "noise": 1.0,
     "levels": {"65–79": (84.0, 88.0, 90.0, 90.0), "80+": (86.0, 89.0, 91.0, 91.0)},
     "n": {"65–79": ((16, 22), (9, 13)), "80+": ((55, 65), (24, 30))}},
    {"indikator": "Besväras av ensamhet, hemtjänst",
     "name_en": "Bothered by loneliness, home care",
     "enhet": "andel (%)", "unit_en": "share (%)",
     "beskrivning": "Andel av de svarande i brukarundersökningen som uppger att de besväras av ensamhet.",
     "description_en": "Share of the respondents to the user survey who say that loneliness troubles them.",
     "kalla": "001 (Karlstad, indikator 5): ”Äldres besvär av ensamhet inom äldreomsorgens hemtjänst, där en "
              "högre andel kvinnor än män uppger att de besväras av ensamhet för fjärde året i rad”",
     "higher_is_better": "nej", "sexes": ADULTS, "decimals": 1, "noise": 1.5,
     "levels": {"65–79": (40.0, 44.0, 33.0, 32.0), "80+": (48.0, 52.0, 40.0, 40.0)},
     "n": {"65–79": ((16, 22), (9, 13)), "80+": ((55, 65), (24, 30))}},
    {"indikator": "Behörighet till gymnasiet",
     "name_en": "Eligibility for upper secondary school",
     "enhet": "andel (%)", "unit_en": "share (%)",
     "beskrivning": "Andel av eleverna i årskurs 9 som är behöriga till ett nationellt program på gymnasiet.",
     "description_en": "Share of the pupils in year 9 who are eligible for a national upper secondary "
                       "programme.",
     "kalla": "004 (Vi har många utmaningar): ”Fler pojkar än flickor når inte behörighet till gymnasiet.”",
     "higher_is_better": "ja", "sexes": CHILDREN, "decimals": 1, "noise": 1.0,
     "levels": {"Alla": (89.0, 90.0, 85.0, 81.0)},
     "n": {"Alla": ((105, 120), (110, 125))}},
    {"indikator": "Nyanlända i arbete eller studier",
     "name_en": "Newly arrived in work or studies",
     "enhet": "andel (%)", "unit_en": "share (%)",
     "beskrivning": "Andel av de nyanlända som arbetar eller studerar 90 dagar efter avslutat "
                    "etableringsuppdrag.",
     "description_en": "Share of newly arrived migrants in work or studies 90 days after the end of the "
                       "introduction programme.",
     "kalla": "004 (Vi har många utmaningar): ”Färre nyanlända kvinnor än män får jobb efter "
              "etableringsuppdraget.”",
     "higher_is_better": "ja", "sexes": ADULTS, "decimals": 1, "noise": 3.0,
     "levels": {"Alla": (28.0, 46.0, 55.0, 60.0)},
     "n": {"Alla": ((14, 22), (18, 28))}},
    {"indikator": "Aktivitetsstöd till idrott",
     "name_en": "Activity grants for sport",
     "enhet": "kr per invånare 7–20 år", "unit_en": "SEK per resident aged 7–20",
     "beskrivning": "Kommunens aktivitetsstöd till idrottsföreningar, kronor per invånare 7–20 år, efter "
                    "deltagarnas kön.",
     "description_en": "The municipality's activity grants to sports clubs, SEK per resident aged 7–20, by "
                       "the participants' sex.",
     "kalla": "004 (Vi har många utmaningar): ”Färre flickor än pojkar får stöd till idrottsaktiviteter”",
     "higher_is_better": "ja", "sexes": CHILDREN, "decimals": 0, "noise": 10.0,
     "levels": {"Alla": (310.0, 380.0, 450.0, 460.0)},
     "n": {"Alla": ((1420, 1480), (1500, 1560))}},
    {"indikator": "Utvecklingsstöd per stödmottagare",
     "name_en": "Development grants per recipient",
     "enhet": "tusen kr", "unit_en": "SEK thousand",
     "beskrivning": "Beviljat utvecklingsstöd till företag, tusen kronor per stödmottagare, efter kön på den "
                    "som driver företaget.",
     "description_en": "Development grants awarded to businesses, SEK thousand per recipient, by the sex of "
                       "the person who runs the business.",
     "kalla": "004 (Vi har många utmaningar): ”Män får större del av regionalt utvecklingsstöd än kvinnor”",
     "higher_is_better": "", "sexes": ADULTS, "decimals": 1, "noise": 5.0,
     "levels": {"Alla": (82.0, 88.0, 118.0, 135.0)},
     "n": {"Alla": ((6, 10), (16, 24))}},
]

#: Small numbers of persons (below 5): (indicator, age group, year, sex) -> number.
SMALL = {
    # Only 4 men aged 80+ answered the home-care survey in 2021: the women's values go too.
    ("Inflytande i hemtjänsten", "80+", "2021", "Män"): 4,
    ("Bemötande i hemtjänsten", "80+", "2021", "Män"): 4,
    ("Besväras av ensamhet, hemtjänst", "80+", "2021", "Män"): 4,
    # Both sexes aged 65–79 are small in the 2022 survey: both hidden by the primary rule.
    ("Inflytande i hemtjänsten", "65–79", "2022", "Kvinnor"): 4,
    ("Inflytande i hemtjänsten", "65–79", "2022", "Män"): 3,
    # Four men aged 65–79 got a place in 2022: the women's waiting time is hidden too.
    ("Väntetid till särskilt boende", "65–79", "2022", "Män"): 4,
    # Three women-led businesses got a grant in 2023: the men's mean is hidden too.
    ("Utvecklingsstöd per stödmottagare", "Alla", "2023", "Kvinnor"): 3,
}
#: Missing values (every sex of that year): the rows stay, value and number empty.
MISSING = {
    ("Nyanlända i arbete eller studier", "2020"),   # not reported that year
    ("Utvecklingsstöd per stödmottagare", "2021"),  # no call for applications in 2021
}


def _number(value: float, decimals: int) -> str:
    """A value with a decimal comma, as Swedish Excel writes it.

    >>> _number(61.25, 1), _number(380.0, 0), _number(-0.04, 1)
    ('61,2', '380', '0,0')
    """
    text = f"{value:.{decimals}f}"
    if text.lstrip("-").strip("0,.") == "":
        text = text.lstrip("-")
    return text.replace(".", ",")


def rows(seed: int = SEED) -> list[list[str]]:
    """Every row of ``exempelby.csv`` after the header, in order."""
    rng = random.Random(seed)

    def noise(width: float) -> float:  # a triangular step in [-width, width], from random() only
        return width * (rng.random() + rng.random() - 1.0)

    def draw(low: int, high: int) -> int:  # a whole number in [low, high], from random() only
        return min(high, low + int(rng.random() * (high - low + 1)))

    out = []
    for spec in INDICATORS:
        name, (women, men), decimals = spec["indikator"], spec["sexes"], spec["decimals"]
        for age, (w0, w1, m0, m1) in spec["levels"].items():
            (wl, wh), (ml, mh) = spec["n"][age]
            for i, year in enumerate(YEARS):
                share = i / (len(YEARS) - 1)
                # Draw every year, missing or not, so a MISSING entry leaves the other years alone.
                w = round(w0 + (w1 - w0) * share + noise(spec["noise"]), decimals)
                m = round(m0 + (m1 - m0) * share + noise(spec["noise"]), decimals)
                nw, nm = draw(wl, wh), draw(ml, mh)
                nw = SMALL.get((name, age, year, women), nw)
                nm = SMALL.get((name, age, year, men), nm)
                total = round((w * nw + m * nm) / (nw + nm), decimals)
                cells = [(women, w, nw), (men, m, nm), ("Totalt", total, nw + nm)]
                for sex, value, n in cells:
                    if (name, year) in MISSING:
                        out.append([name, AREA, year, sex, age, "", ""])
                    else:
                        out.append([name, AREA, year, sex, age, _number(value, decimals), str(n)])
    return out


def meta_rows() -> list[list[str]]:
    """Every row of ``exempelby_indikatorer.csv`` after the header."""
    return [[spec[c] for c in META_HEADER] for spec in INDICATORS]


def _csv(header: list[str], body: list[list[str]]) -> bytes:
    """Swedish Excel's "CSV UTF-8 (semikolonavgränsad)": BOM, ``;``, CRLF."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return "\ufeff".encode() + text.getvalue().encode("utf-8")


def files(seed: int = SEED) -> dict[str, bytes]:
    """The two files' names and bytes."""
    return {"exempelby.csv": _csv(HEADER, rows(seed)),
            "exempelby_indikatorer.csv": _csv(META_HEADER, meta_rows())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write Exempelby, a fictitious municipality's statistics.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="the folder to write into (default: this script's own, kit/data/statistik)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files().items():
        (args.out / name).write_bytes(data)
        print(f"{args.out / name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
