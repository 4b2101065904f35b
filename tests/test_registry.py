"""The module registry is the one list every part reads: start page, entry points, notebooks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kit import content, modules
from kit.store import Store
from kit.ui.start import StartApp

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_has_titles_in_both_languages_and_a_unique_key():
    keys = [m.key for m in modules.REGISTRY]
    assert len(keys) == len(set(keys))
    for m in modules.REGISTRY:
        assert m.title("sv") and m.title("en") and m.text("sv") and m.text("en")
        assert m.audience in ("group", "facilitator")
        assert m.minutes >= 0
        assert not m.ready or m.package, f"{m.key} is ready but has no package"


@pytest.mark.parametrize("module", modules.ready("group") + modules.ready("facilitator"),
                         ids=lambda m: m.key)
def test_every_ready_module_has_an_app_a_notebook_and_builds(module, tmp_path):
    app_module = module.load("app")
    assert hasattr(app_module, "App")
    notebook = ROOT / "notebooks" / module.notebook
    assert notebook.exists(), f"{module.key} needs notebooks/{module.notebook}"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "kit.app" in code and len(code.splitlines()) <= 5, "a notebook only starts an app from kit"
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert nb["metadata"]["kernelspec"]["name"] == "jamkit"
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    for lang in ("sv", "en"):
        app = module.app({"lang": lang}, store=store)
        assert app.widget.children, f"{module.key} shows nothing in {lang}"
        assert app.lang == lang


def test_the_start_page_lists_the_registry_and_opens_what_is_ready(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    start = StartApp({"lang": "en", "workshop": "Kurs", "group": "Örby", "gkey": "ABCD-EFGH"}, store=store)
    listed = [item for child in start.widget.children if hasattr(child, "modules")
              for item in child.modules]
    assert [i["key"] for i in listed] == [m.key for m in modules.listed("group")] + \
        [m.key for m in modules.listed("facilitator")]
    assert {i["key"] for i in listed if i["ready"]} == {m.key for m in modules.REGISTRY if m.ready}
    start.open("introduktion")  # not ready: the start page stays
    assert start.module is None
    start.open("intressentanalys")
    assert start.module is not None and start.module.key == "intressentanalys"
    query = start.module.shell.query
    assert query.startswith("module=intressentanalys") and "gkey=ABCDEFGH" in query and "lang=en" in query


def test_the_entry_points_pass_the_group_key_on(monkeypatch, tmp_path):
    """A link with ``gkey`` opens a protected group in the module's own notebook too."""
    import kit.app

    monkeypatch.setenv("QUERY_STRING", "workshop=Kurs&group=%C3%96rby&gkey=abcd-efgh&lang=en")
    monkeypatch.setattr(kit.app, "_display", lambda widget: widget)
    for key in ("sjalvskattning", "intressentanalys"):
        app = kit.app.module(key)
        assert app.gkey == "ABCDEFGH", key
        assert app.lang == "en"
    with pytest.raises(LookupError):
        kit.app.module("introduktion")


def test_module_texts_are_loaded_under_their_folder_and_match_across_languages():
    for folder in sorted((ROOT / "kit" / "modules").glob("*/texts.sv.yaml")):
        name = folder.parent.name
        sv, en = content.lookup(name, "sv"), content.lookup(name, "en")
        assert content.key_paths(sv) == content.key_paths(en), name


def test_reading_the_registry_imports_no_module_code():
    code = ("import sys, kit.modules as m; [x.title('sv') for x in m.REGISTRY]; "
            "print(sorted(k for k in sys.modules if k.startswith('kit.modules.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    assert out.strip() == "[]"
