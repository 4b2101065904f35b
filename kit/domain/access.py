"""Who may see and write what in a workshop: keys instead of accounts.

* A **facilitator key** is made when a workshop is created. The facilitator pages show nothing
  of a workshop without it; the facilitator's link carries it, so it is typed at most once.
* A **group key** protects a group's name. It is made when a facilitator adds the group (and
  then travels in that group's join link), or when a group first saves under a new name (and is
  then shown to the group). From then on, reading or writing the group's answers needs it.
  Nobody ever sees another group's unsaved work: it lives only in that group's own page.

How keys are kept (the choice, and why):

* Only a **slow, salted hash** of a key is stored (scrypt, n=2¹⁴, r=8, p=1: about 16 MB and
  tens of milliseconds per guess). A group key has about 40 bits so that it can be read off a
  projector and typed; under a fast unsalted hash a copy of the database would give it up in
  hours, under scrypt it would take thousands of machine-years.
* The facilitator must be able to show a group's join link again, so a facilitator-added
  group's key is also kept **sealed**: encrypted (AES-GCM) with a key derived from the
  *facilitator's* key, which is never stored. The database alone opens none of them; the
  facilitator's page, which holds its key in its address, opens them all. A facilitator can
  also give a group a new key (the old link stops working).
* A **join code** (:func:`new_join_code`) is eight digits on the projector that lead to a
  workshop, or to a group with its key: the key is sealed with the code and kept with it in
  the store, so a code works without the facilitator's page. So the database holds the codes
  in the clear, and a copy of it opens the groups that have one — as anyone in the room can
  who reads the code off the screen; that is the price of a code that can be typed. A group
  given a new key, or removed, leaves its code dead; a group that named itself has none.

Pure functions: no database, no widgets, no files.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets

#: No 0/O, 1/I/L: keys are read aloud and typed from a projector.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
_PREFIX = "scrypt"


def new_group_key() -> str:
    """A short key to read aloud, e.g. ``'K7QM-2XPA'`` (about 40 bits).

    >>> key = new_group_key()
    >>> len(key), key[4], set(key.replace("-", "")) <= set(ALPHABET)
    (9, '-', True)
    """
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def new_facilitator_key() -> str:
    """A long key for the facilitator's link (about 96 bits)."""
    return secrets.token_urlsafe(12)


def normalise_key(key) -> str:
    """Keys are compared without case, spaces or dashes.

    >>> normalise_key(" k7qm-2xpa ")
    'K7QM2XPA'
    """
    return "".join(ch for ch in str(key or "").upper() if ch.isascii() and ch.isalnum())[:64]


def display_key(key) -> str:
    """A group key as it is printed: ``K7QM-2XPA``.

    >>> display_key("k7qm2xpa")
    'K7QM-2XPA'
    """
    norm = normalise_key(key)
    return f"{norm[:4]}-{norm[4:]}" if len(norm) == 8 else norm


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(norm: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(("jamkit:" + norm).encode(), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * (n + p + 2), dklen=32)


def hash_key(key) -> str:
    """The stored form of a key: a salted scrypt hash, different every time.

    >>> h = hash_key("K7QM-2XPA")
    >>> h.startswith("scrypt$"), h == hash_key("K7QM-2XPA"), key_matches("k7qm 2xpa", h)
    (True, False, True)
    """
    salt = os.urandom(16)
    digest = _scrypt(normalise_key(key), salt, **SCRYPT)
    return "$".join([_PREFIX, str(SCRYPT["n"]), str(SCRYPT["r"]), str(SCRYPT["p"]), _b64(salt),
                     _b64(digest)])


@functools.lru_cache(maxsize=512)
def _matches(norm: str, stored: str) -> bool:
    # kept per process so that a page that checks its key on every click pays scrypt once
    parts = stored.split("$")
    if len(parts) == 6 and parts[0] == _PREFIX:
        try:
            n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
            salt, want = _unb64(parts[4]), _unb64(parts[5])
        except ValueError:
            return False
        if not (2 <= n <= 2 ** 20 and 1 <= r <= 32 and 1 <= p <= 16):
            return False
        return hmac.compare_digest(_scrypt(norm, salt, n, r, p), want)
    if len(stored) == 64:  # a store from before scrypt: unsalted SHA-256
        legacy = hashlib.sha256(("jamkit:" + norm).encode()).hexdigest()
        return hmac.compare_digest(legacy, stored)
    return False


def key_matches(key, stored_hash) -> bool:
    """Whether ``key`` is the key behind ``stored_hash`` (False for a missing key).

    >>> h = hash_key("K7QM-2XPA")
    >>> key_matches("k7qm2xpa", h), key_matches("", h), key_matches("AAAA-AAAA", h)
    (True, False, False)
    """
    norm = normalise_key(key)
    if not norm or not stored_hash:
        return False
    return _matches(norm, str(stored_hash))


def is_slow_hash(stored_hash) -> bool:
    """Whether a stored hash is of the current, salted kind (not a legacy SHA-256)."""
    return str(stored_hash or "").startswith(_PREFIX + "$")


def _seal_key(facilitator_key: str) -> bytes:
    # the facilitator key has ~96 random bits: a fast derivation is enough (nothing to guess)
    return hashlib.sha256(b"jamkit-seal:" + normalise_key(facilitator_key).encode()).digest()


def seal(secret: str, facilitator_key: str, context: str) -> str:
    """Encrypt ``secret`` so that only the holder of ``facilitator_key`` can read it again.

    ``context`` (e.g. workshop and group) is bound in: a sealed key copied onto another
    group does not open.

    >>> token = seal("K7QM-2XPA", "fac-key", "Kurs/Örby")
    >>> unseal(token, "fac-key", "Kurs/Örby"), unseal(token, "other", "Kurs/Örby")
    ('K7QM-2XPA', None)
    >>> unseal(token, "fac-key", "Kurs/Åby") is None
    True
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_seal_key(facilitator_key)).encrypt(nonce, secret.encode(), context.encode())
    return "aesgcm$" + _b64(nonce + sealed)


def unseal(token, facilitator_key, context: str) -> str | None:
    """The secret behind ``token``, or ``None`` for a wrong key, context or token."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not token or not facilitator_key or not str(token).startswith("aesgcm$"):
        return None
    try:
        raw = _unb64(str(token)[len("aesgcm$"):])
        plain = AESGCM(_seal_key(facilitator_key)).decrypt(raw[:12], raw[12:], context.encode())
    except (InvalidTag, ValueError):
        return None
    return plain.decode()


def may_use_group(group_record: dict | None, key) -> bool:
    """A group may be read and written by whoever holds its key; an unclaimed name by anyone.

    >>> may_use_group(None, ""), may_use_group({"key_hash": hash_key("AB")}, "ab")
    (True, True)
    >>> may_use_group({"key_hash": hash_key("AB")}, "")
    False
    """
    if not group_record or not group_record.get("key_hash"):
        return True
    return key_matches(key, group_record["key_hash"])


def group_state(group_record: dict | None, key) -> str:
    """``"new"`` (nobody has the name yet), ``"open"`` (the key fits), ``"locked"`` or
    ``"deleted"`` — the one rule every read and write of a group's answers goes through.

    >>> group_state(None, ""), group_state({"key_hash": hash_key("AB")}, "AB")
    ('new', 'open')
    >>> group_state({"key_hash": hash_key("AB")}, "x"), group_state({"deleted": True}, "")
    ('locked', 'deleted')
    """
    if group_record and group_record.get("deleted"):
        return "deleted"
    if not group_record or not group_record.get("key_hash"):
        return "new"
    return "open" if key_matches(key, group_record["key_hash"]) else "locked"


def page_state(state: str | None) -> str:
    """What a group's page may do, from :func:`group_state` (``None`` while no group is named):
    ``"open"`` — work, read and save (a name nobody holds yet is claimed by the first save) —,
    ``"locked"`` or ``"deleted"``.

    >>> page_state(None), page_state("new"), page_state("open"), page_state("locked")
    ('open', 'open', 'open', 'locked')
    >>> page_state("deleted")
    'deleted'
    """
    return "open" if state in (None, "new", "open") else state


def may_facilitate(workshop_record: dict | None, key) -> bool:
    """Only the holder of the workshop's facilitator key sees its facilitator pages.

    >>> may_facilitate({"facilitator_key_hash": hash_key("x")}, "x"), may_facilitate(None, "x")
    (True, False)
    """
    return bool(workshop_record) and key_matches(key, workshop_record.get("facilitator_key_hash"))


# -- join codes and the room's token (issue 15) ---------------------------------------------
#: How many digits a join code has.
CODE_DIGITS = 8
#: What a person may type between a code's digits (spaces of any kind, dashes, dots).
_CODE_SEPARATORS = " \t\u00a0\u202f\u2009-\u2010\u2011\u2012\u2013\u2014\u2212._/"


def new_join_code() -> str:
    """A join code: eight random digits, e.g. ``'48217730'`` (shown ``4821 7730``).

    Why this format: a code is read off a projector across a room and typed on a phone, like
    Mentimeter's. Digits only, because a phone then shows its number pad
    (``inputmode="numeric"``), nobody mixes up O/0 or I/1, case cannot matter, and a digit is
    said the same way by everyone in Swedish or English. Eight, shown as two groups of four,
    because it is read and typed without a second look, and 10⁸ codes leave a guess hitting
    one of a few hundred live codes at about one in a million. A code is a door to one group
    as its key is, so it is made only for a group the facilitator can show, and it stops
    working when the group gets a new key or is removed (:class:`kit.store.Store` checks).

    >>> code = new_join_code()
    >>> len(code), code.isdigit()
    (8, True)
    """
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(typed) -> str:
    """A typed join code as stored: its eight digits, or ``""`` when it is not a code.

    Spaces, dashes and dots between the digits are ignored, and so are digits of other
    scripts (a phone set to Arabic types ``٤``); a letter or a wrong number of digits makes it
    no code.

    >>> normalise_code("4821 7730"), normalise_code(" 4821-7730 "), normalise_code("48217730")
    ('48217730', '48217730', '48217730')
    >>> normalise_code("4821 773"), normalise_code("4821 7730 1"), normalise_code("48a17730"), normalise_code(None)
    ('', '', '', '')
    >>> normalise_code("\u0664\u0668\u0662\u0661 7730")
    '48217730'
    """
    text = str(typed or "").strip()
    if len(text) > 40:
        return ""
    digits = []
    for ch in text:
        if ch in _CODE_SEPARATORS:
            continue
        if not ch.isdecimal():
            return ""
        digits.append(str(int(ch)))
    code = "".join(digits)
    return code if len(code) == CODE_DIGITS else ""


def display_code(code) -> str:
    """A join code as it is shown and read aloud: two groups of four digits.

    >>> display_code("48217730"), display_code("4821-7730"), display_code("12")
    ('4821 7730', '4821 7730', '')
    """
    norm = normalise_code(code)
    return f"{norm[:4]} {norm[4:]}" if norm else ""


def new_room_token() -> str:
    """The token ``kit serve --lan`` asks of everyone in the room, short enough to type:
    eight characters of :data:`ALPHABET` in lower case, in two groups, e.g. ``'k7qm-2xpa'``.

    Lower case because a phone's address bar types lower case, and Jupyter compares the token
    exactly; about 40 bits, which keeps the rest of the network out of a workshop's server for
    the day it runs.

    >>> token = new_room_token()
    >>> len(token), token[4], set(token.replace("-", "")) <= set(ALPHABET.lower())
    (9, '-', True)
    """
    raw = "".join(secrets.choice(ALPHABET.lower()) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"
