"""Who may see and write what in a workshop: keys instead of accounts.

* A **facilitator key** is made when a workshop is created. The facilitator pages show nothing
  of a workshop without it; the facilitator's link carries it, so it is typed at most once.
* A **group key** protects a group's name. It is made when a facilitator adds the group (and
  then travels in that group's join link), or when a group first saves under a new name (and is
  then shown to the group). From then on, reading or writing the group's answers needs it.
  Nobody ever sees another group's unsaved work: it lives only in that group's own page.

Only a hash of a key is stored. Keys are random, so a plain SHA-256 is enough (nothing to
guess from a dictionary); comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: No 0/O, 1/I/L: keys are read aloud and typed from a projector.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_group_key() -> str:
    """A short key to read aloud, e.g. ``'K7QM-2XPA'`` (about 40 bits)."""
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
    return "".join(ch for ch in str(key or "").upper() if ch.isalnum())


def hash_key(key) -> str:
    """The stored form of a key.

    >>> hash_key("k7qm 2xpa") == hash_key("K7QM-2XPA")
    True
    """
    return hashlib.sha256(("jamkit:" + normalise_key(key)).encode()).hexdigest()


def key_matches(key, stored_hash) -> bool:
    """Whether ``key`` is the key behind ``stored_hash`` (False for a missing key).

    >>> h = hash_key("K7QM-2XPA")
    >>> key_matches("k7qm2xpa", h), key_matches("", h), key_matches("AAAA-AAAA", h)
    (True, False, False)
    """
    if not normalise_key(key) or not stored_hash:
        return False
    return hmac.compare_digest(hash_key(key), str(stored_hash))


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


def may_facilitate(workshop_record: dict | None, key) -> bool:
    """Only the holder of the workshop's facilitator key sees its facilitator pages.

    >>> may_facilitate({"facilitator_key_hash": hash_key("x")}, "x"), may_facilitate(None, "x")
    (True, False)
    """
    return bool(workshop_record) and key_matches(key, workshop_record.get("facilitator_key_hash"))
