"""Every text a participant reads, per language, looked up by key.

The texts live in YAML files beside this module: ``ui.<lang>.yaml`` for the interface and
``checklist_<version>.<lang>.yaml`` for a checklist's content and ``errors.<lang>.yaml`` for
the messages of :class:`kit.InputError` (under the key ``errors``); each module's own texts
live in its folder, ``kit/modules/<name>/texts.<lang>.yaml``, under the key ``<name>``. A key is a dotted path::

    >>> text("app.title", "sv")
    'JämKit'
    >>> text("scale.4", "sv")
    'genomfört/det finns'
    >>> text("no.such.key", "sv")
    Traceback (most recent call last):
    KeyError: "Ingen text för 'no.such.key' på språket 'sv'."
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

HERE = Path(__file__).parent
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


def normalise_lang(lang) -> str:
    """``'sv'`` or ``'en'`` from whatever a URL or user gives; Swedish by default.

    >>> normalise_lang("EN"), normalise_lang("fr"), normalise_lang(None)
    ('en', 'sv', 'sv')
    """
    value = str(lang or "").strip().lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def checklist_versions() -> list[str]:
    """The checklist versions shipped, e.g. ``['skr-2020']``."""
    return sorted(bundle(DEFAULT_LANGUAGE)["checklists"])


@functools.cache
def bundle(lang: str) -> dict:
    """All texts of one language as a nested dict (interface and every checklist)."""
    lang = normalise_lang(lang)
    data = yaml.safe_load((HERE / f"ui.{lang}.yaml").read_text(encoding="utf-8"))
    data["errors"] = yaml.safe_load((HERE / f"errors.{lang}.yaml").read_text(encoding="utf-8"))
    data["checklists"] = {}
    for path in sorted(HERE.glob(f"checklist_*.{lang}.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["checklists"][content["checklist"]["version"]] = content
    for path in sorted((HERE.parent / "modules").glob(f"*/texts.{lang}.yaml")):
        # a module's own texts, under its folder's name (e.g. ``stakeholders.grid.title``)
        if path.parent.name in data:
            raise KeyError(f"module texts {path} would hide the kit's own key {path.parent.name!r}")
        data[path.parent.name] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    default = data["checklists"].get("skr-2020", {})
    for key in ("checklist", "scale", "roles", "moments"):
        if key in default:
            data[key] = default[key]
    return data


def lookup(key: str, lang: str = DEFAULT_LANGUAGE):
    """The value (text, list or dict) at a dotted key; ``KeyError`` in Swedish if missing."""
    node = bundle(normalise_lang(lang))
    for part in key.split("."):
        if isinstance(node, dict):
            if part in node:
                node = node[part]
                continue
            if part.isdigit() and int(part) in node:
                node = node[int(part)]
                continue
        raise KeyError(f"Ingen text för '{key}' på språket '{normalise_lang(lang)}'.")
    return node


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text at ``key``, with ``{name}`` placeholders filled from ``values``.

    >>> text("save.saved_at", "sv", time="10:42")
    'Sparat 10:42'
    """
    value = lookup(key, lang)
    if not isinstance(value, str):
        raise KeyError(f"'{key}' är ingen text utan {type(value).__name__}.")
    return value.format(**values) if values else value


def key_paths(node, prefix: str = "") -> set[str]:
    """Every dotted key under ``node`` (used to prove the languages hold the same keys)."""
    if isinstance(node, dict):
        paths = set()
        for k, v in node.items():
            paths |= key_paths(v, f"{prefix}{k}.")
        return paths
    if isinstance(node, list):
        return {f"{prefix}[{len(node) > 0}]"}
    return {prefix.rstrip(".")}
