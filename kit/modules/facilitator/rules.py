"""The facilitator's rules: what a typed name or occasion means, which occasion the overview
shows, what a sealed group key is bound to, and what a join link carries.

Pure code: no widgets, no store, no files (the kit's texts are read through
:mod:`kit.content`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from kit import content
from kit.domain import scores as sc
from kit.errors import InputError, Msg

#: The environment variable ``kit serve --lan`` sets; its token goes into every join link.
TOKEN_ENV = "JAMKIT_JOIN_TOKEN"


def typed(value) -> str:
    """A name as the facilitator typed it, with runs of spaces made one (for comparing).

    >>> typed("  Örby   kommun "), typed(None)
    ('Örby kommun', '')
    """
    return " ".join(str(value or "").split())


def confirmed(typed_again, name: str) -> bool:
    """A removal is confirmed only by the exact name typed again (spaces aside).

    >>> confirmed(" Norr  2026", "Norr 2026"), confirmed("Norr", "Norr 2026"), confirmed("", "")
    (True, False, False)
    """
    return bool(name) and typed(typed_again) == typed(name)


def occasion_key(label: str) -> str:
    """The canonical key for an occasion label shown in either language; the workshop's own
    label is kept as it is.

    >>> occasion_key("Learning meeting 1"), occasion_key(" uppstart "), occasion_key("Höstmöte")
    ('lärandeträff 1', 'uppstart', 'Höstmöte')
    """
    wanted = str(label).strip().lower()
    for lang in content.LANGUAGES:
        for key in sc.DEFAULT_OCCASIONS:
            if content.text(f"occasions.{key}", lang).lower() == wanted:
                return key
    return label


def workshop_occasions(values: dict, slots: int = len(sc.DEFAULT_OCCASIONS)) -> list[dict]:
    """The occasions of the create form (fields ``occ1``/``date1`` …): each filled label with
    its date (``YYYY-MM-DD`` or ``""``), in the form's order; at least one.

    >>> workshop_occasions({"occ1": "Start-up", "date1": "2026-12-01T00:00", "occ2": " ", "occ3": "Höst"})
    [{'key': 'uppstart', 'date': '2026-12-01'}, {'key': 'Höst', 'date': ''}]
    >>> workshop_occasions({"occ1": ""})
    Traceback (most recent call last):
    kit.errors.InputError: Fyll i tillfälle.
    """
    occasions = []
    for i in range(1, slots + 1):
        label = str(values.get(f"occ{i}") or "").strip()
        if label:
            key = sc.parse_occasion(occasion_key(label))
            occasions.append({"key": key, "date": str(values.get(f"date{i}") or "")[:10]})
    if not occasions:
        raise InputError("form.missing", field="occasion", what=Msg("field.occasion"))
    return occasions


def occasion_keys(workshop: dict) -> list[str]:
    """A workshop's occasions in its own order (SKR's when it names none).

    >>> occasion_keys({"occasions": [{"key": "Höst"}]}), occasion_keys({})[:2]
    (['Höst'], ['uppstart', 'lärandeträff 1'])
    """
    return [o["key"] for o in workshop.get("occasions") or []] or list(sc.DEFAULT_OCCASIONS)


def current_occasion(occasions: list[str], saved) -> str:
    """The occasion the overview opens on: the latest one anybody has saved for, else the first.

    >>> current_occasion(["uppstart", "lärandeträff 1", "lärandeträff 2"], {"lärandeträff 1", "uppstart"})
    'lärandeträff 1'
    >>> current_occasion(["uppstart", "lärandeträff 1"], [])
    'uppstart'
    """
    seen = set(saved)
    found = [o for o in occasions if o in seen]
    return found[-1] if found else occasions[0]


def answered_order(workshop_occasions_: list[str], answered) -> list[str]:
    """The occasions anyone has answered for: the workshop's own order first, any other after
    in SKR's order, so that +/- compares the first and the latest that have happened.

    >>> answered_order(["uppstart", "lärandeträff 1", "lärandeträff 2"], ["lärandeträff 2", "uppstart", "Extra"])
    ['uppstart', 'lärandeträff 2', 'Extra']
    """
    seen = set(answered)
    order = [o for o in workshop_occasions_ if o in seen]
    return order + [o for o in sc.occasion_order(list(seen)) if o not in order]


def roles_in_order(roles) -> list[str]:
    """Roles as the overview lists them: the individual roles by name, the group's consensus
    (``""``) last.

    >>> roles_in_order(["", "strateg", "chef"])
    ['chef', 'strateg', '']
    """
    return sorted(roles, key=lambda r: (r == "", r))


def seal_context(workshop: str, group: str) -> str:
    """What a sealed group key is bound to: it opens for this group of this workshop only.

    >>> seal_context("Kurs", "Örby")
    'Kurs\\x1fÖrby'
    """
    return f"{workshop}\x1f{group}"


def join_url(base: str, workshop: str, lang: str, group: str | None = None,
             key: str | None = None, token: str | None = None) -> str:
    """The participants' link: the start page with the workshop (and the group with its key,
    and the server's LAN token) filled in.

    >>> join_url("http://h/voila/render/", "Norr 2026", "sv", "Örby", "ABCD-EFGH")
    'http://h/voila/render/start.ipynb?lang=sv&workshop=Norr+2026&group=%C3%96rby&gkey=ABCD-EFGH'
    >>> join_url("", "Kurs", "en", token="t1")
    'start.ipynb?lang=en&workshop=Kurs&token=t1'
    """
    params = {"lang": lang, "workshop": workshop}
    if group:
        params.update(group=group, gkey=key)
    if token:
        params["token"] = token
    return f"{base or ''}start.ipynb?{urlencode({k: v for k, v in params.items() if v}, errors='replace')}"
