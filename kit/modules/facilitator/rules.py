"""The facilitator's rules: what a typed name or occasion means, which occasion the overview
shows, what a sealed group key is bound to, what a join link carries, and where the room
joins (the short code link, the address to type, whether the links work beyond this computer).

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


# -- where the room joins: join codes and the room's address (issue 15) ----------------------
#: The environment variable ``kit serve --lan`` sets to the room's address,
#: ``http://<lan-ip>:<port>/``: join links and the address to type use it even when the
#: facilitator's own browser is on 127.0.0.1.
ROOM_ENV = "JAMKIT_ROOM_URL"
#: Where Voilà renders the notebooks, below the server's root.
RENDER = "voila/render/"


def is_loopback(url) -> bool:
    """Whether an address reaches this computer only (localhost, 127.x, ::1).

    >>> is_loopback("http://127.0.0.1:8866/voila/render/"), is_loopback("http://localhost:8866/"), is_loopback("http://[::1]:8866/")
    (True, True, True)
    >>> is_loopback("http://192.168.1.5:8866/"), is_loopback("https://hub.example.se/user/a/"), is_loopback("")
    (False, False, False)
    """
    import ipaddress
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(str(url or "")).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def only_here(page_base, room_url) -> bool:
    """Whether the join links would work on this computer only: the page is on a loopback
    address and the server was not started with ``--lan`` (no room address). Unknown
    (``""``, the browser has not said yet) is not "only here".

    >>> only_here("http://127.0.0.1:8866/voila/render/", ""), only_here("http://127.0.0.1:8866/voila/render/", "http://192.168.1.5:8866/")
    (True, False)
    >>> only_here("http://192.168.1.5:8866/voila/render/", ""), only_here("", "")
    (False, False)
    """
    return is_loopback(page_base) and not str(room_url or "").strip()


def links_base(page_base, room_url) -> str:
    """The folder the room's links point into: the room's address when ``kit serve --lan``
    gave one, else the folder of the facilitator's own page (a hub, a LAN address).

    >>> links_base("http://127.0.0.1:8866/voila/render/", "http://192.168.1.5:8866")
    'http://192.168.1.5:8866/voila/render/'
    >>> links_base("https://hub.example.se/user/a/voila/render/", "")
    'https://hub.example.se/user/a/voila/render/'
    """
    room = str(room_url or "").strip()
    return room.rstrip("/") + "/" + RENDER if room else str(page_base or "")


#: JupyterHub's own route that sends whoever opens it to *their* server, at the path after it.
HUB_REDIRECT = "hub/user-redirect/"


def hub_links_base(page_base, service_prefix: str, hub_base: str = "/") -> str:
    """On JupyterHub, the folder the room's links point into: the facilitator's page's folder
    (``…/user/<facilitator>/voila/render/``) as the same folder through the hub's
    ``/hub/user-redirect/``, so each participant who opens a link (after logging in) lands on
    their own server, never on the facilitator's (which would refuse them). ``service_prefix``
    and ``hub_base`` are the spawner's ``JUPYTERHUB_SERVICE_PREFIX`` and
    ``JUPYTERHUB_BASE_URL``. Before the browser has said where the page is (``""``), the
    path alone.

    >>> hub_links_base("https://hub.region.se/user/facil1/voila/render/", "/user/facil1/")
    'https://hub.region.se/hub/user-redirect/voila/render/'
    >>> hub_links_base("https://h.se/jk/user/anna%40x/voila/render/", "/jk/user/anna%40x/", "/jk/")
    'https://h.se/jk/hub/user-redirect/voila/render/'
    >>> hub_links_base("http://127.0.0.1:8000/user/facil1/kurs/voila/render/", "/user/facil1/kurs/")
    'http://127.0.0.1:8000/hub/user-redirect/voila/render/'
    >>> hub_links_base("", "/user/facil1/")
    '/hub/user-redirect/voila/render/'
    """
    from urllib.parse import unquote, urlsplit

    page = urlsplit(str(page_base or ""))
    own = "/" + str(service_prefix or "").strip("/") + "/"
    path = page.path or ""
    if path.startswith(own):
        rest = path[len(own):]
    elif unquote(path).startswith(unquote(own)):
        rest = unquote(path)[len(unquote(own)):]
    else:
        rest = RENDER
    root = "/" + "/".join(p for p in str(hub_base or "/").split("/") if p)
    origin = f"{page.scheme}://{page.netloc}" if page.scheme and page.netloc else ""
    return f"{origin}{root.rstrip('/')}/{HUB_REDIRECT}{rest}"


def code_url(base: str, code: str, token: str | None = None) -> str:
    """The short link a QR code carries: the start page with the join code (and the
    server's token), instead of the long link with names and key.

    >>> code_url("http://192.168.1.5:8866/voila/render/", "48217730", "k7qm-2xpa")
    'http://192.168.1.5:8866/voila/render/start.ipynb?code=48217730&token=k7qm-2xpa'
    >>> code_url("", "48217730")
    'start.ipynb?code=48217730'
    """
    params = {"code": code, **({"token": token} if token else {})}
    return f"{base or ''}start.ipynb?{urlencode(params)}"


def address_to_type(page_base, room_url, token: str | None = None) -> str:
    """The one address the room types: the server's root when ``kit serve --lan`` gave it
    (the root lands on the start page), else the start page beside the facilitator's page.

    >>> address_to_type("http://127.0.0.1:8866/voila/render/", "http://192.168.1.5:8866/", "k7qm-2xpa")
    'http://192.168.1.5:8866/?token=k7qm-2xpa'
    >>> address_to_type("https://hub.example.se/user/a/voila/render/", "")
    'https://hub.example.se/user/a/voila/render/start.ipynb'
    >>> address_to_type("http://127.0.0.1:8866/voila/render/", "")  # kit serve: its root
    'http://127.0.0.1:8866/'
    >>> address_to_type("", "")
    ''
    """
    from urllib.parse import urlsplit

    room = str(room_url or "").strip()
    page = urlsplit(str(page_base or ""))
    if not room and page.scheme and page.path == "/" + RENDER:
        room = f"{page.scheme}://{page.netloc}/"  # the kit's own server: its root is the start page
    if room:
        return room.rstrip("/") + "/" + (f"?{urlencode({'token': token})}" if token else "")
    if not page_base:
        return ""
    return f"{page_base}start.ipynb" + (f"?{urlencode({'token': token})}" if token else "")


# -- the projector's view (issue 15) ---------------------------------------------------------
def view_token(record: dict | None) -> str:
    """The token of a workshop's projector view (``facilitator.ipynb?workshop=…&view=…``):
    an HMAC of the workshop's name keyed with its stored facilitator-key hash. Nothing new is
    stored; it opens the overview and the join codes only, never a key or an administration;
    and a new facilitator key (a new hash) would make a new token. ``""`` for no workshop.

    >>> record = {"name": "Norr 2026", "facilitator_key_hash": "scrypt$16384$8$1$c2FsdA$ZGlnZXN0"}
    >>> token = view_token(record)
    >>> len(token), token == view_token(dict(record)), token == view_token({**record, "name": "Söder"})
    (22, True, False)
    >>> view_token(None), view_token({"name": "X"})
    ('', '')
    """
    import base64
    import hashlib
    import hmac

    if not record or not record.get("facilitator_key_hash") or not record.get("name"):
        return ""
    digest = hmac.new(str(record["facilitator_key_hash"]).encode(),
                      b"jamkit-view\x1f" + str(record["name"]).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode("ascii").rstrip("=")


def may_view(record: dict | None, token) -> bool:
    """Whether ``token`` opens this workshop's projector view (compared in constant time).

    >>> record = {"name": "Norr 2026", "facilitator_key_hash": "scrypt$16384$8$1$c2FsdA$ZGlnZXN0"}
    >>> may_view(record, view_token(record)), may_view(record, "x"), may_view(record, "")
    (True, False, False)
    >>> may_view({**record, "name": "Söder"}, view_token(record)), may_view(None, "")
    (False, False)
    """
    import hmac

    want = view_token(record)
    given = str(token or "")
    return bool(want) and bool(given) and hmac.compare_digest(want.encode(), given.encode("utf-8", "replace"))
