"""Modellkonceptet 2020–2022's published results (Tabell 1 and 2), for comparison.

Source: SKR, *Modellkonceptet 2020–2022. Resultatrapport* (seed ``001_12bfee100e62c7ea.txt``).
The figures are kept exactly as published; see ``data/README.md``.

>>> t = published_table("participants")
>>> float(t.loc["Totalt", "uppstart"]), float(t.loc["Totalt", "lärandeträff 3"])
(17.8, 28.5)
>>> float(published_table("mentors").loc["Totalt", "lärandeträff 3"])
31.0
"""

from __future__ import annotations

import functools
from importlib import resources

import pandas as pd

TABLES = {"participants": 1, "mentors": 2}
SOURCE = "SKR, Modellkonceptet 2020–2022. Resultatrapport (2022), Tabell 1 och 2"
FILENAME = "modellkonceptet_2020_2022.csv"


def _path():
    """The published tables ship inside the package (``kit/data/``), so any install has them."""
    return resources.files("kit") / "data" / FILENAME


@functools.cache
def _all() -> pd.DataFrame:
    with _path().open("rb") as handle:
        return pd.read_csv(handle, sep=";", decimal=",", encoding="utf-8", dtype={"moment": str})


def published_table(which: str = "participants") -> pd.DataFrame:
    """Tabell 1 (``"participants"``) or Tabell 2 (``"mentors"``) in the shape of
    :func:`kit.summary_table`: index 1–10 then "Totalt", columns the occasions then "+/-"."""
    if which not in TABLES:
        raise ValueError(f"which must be one of {sorted(TABLES)}")
    frame = _all()
    frame = frame[frame["tabell"] == TABLES[which]].drop(columns="tabell")
    index = [int(m) if m.isdigit() else m for m in frame["moment"]]
    table = frame.drop(columns="moment").astype(float)
    table.index = pd.Index(index, dtype=object)
    return table
