"""The layer rule: the pure rules import no widget, no database, no file I/O and no plotting.

The pure rules are ``kit.domain.*`` and every module's ``rules`` and ``schema``
(``kit/modules/<name>/rules.py``, ``schema.py``). Three checks, each shown able to fail:

1. import-linter's contracts in ``pyproject.toml`` (``[tool.importlinter]``), which follow
   imports through the kit, with wildcards so a new module is covered without editing them;
2. an AST scan for what imports do not show: ``open()``, ``Path(...).read_text()``, ``os.*``
   file calls, dynamic imports;
3. importing each pure module in a fresh interpreter loads none of those libraries (this also
   covers the packages' ``__init__`` files, which run first).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from tests.conftest import missing

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

#: What importing a pure module must never load (the interpreter's own io/pathlib aside).
RUNTIME_FORBIDDEN = ("ipywidgets", "anywidget", "traitlets", "IPython", "ipykernel", "sqlalchemy",
                     "psycopg", "psycopg2", "sqlite3", "openpyxl", "matplotlib",
                     "kit.ui", "kit.store", "kit.io", "kit.plots")


def pure_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every pure module under ``root``'s kit, found on disk: name → file."""
    kit = root / "kit"
    files = list((kit / "domain").rglob("*.py"))
    for part in ("rules", "schema"):
        files += kit.glob(f"modules/*/{part}.py")
        files += kit.glob(f"modules/*/{part}/**/*.py")
    found = {}
    for path in files:
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return dict(sorted(found.items()))


def contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """Run import-linter with the project's own configuration on the kit found from ``cwd``."""
    try:
        import importlinter  # noqa: F401
    except ImportError:
        missing("import-linter is not installed (pip install -e '.[test]')")
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()",
         "--no-cache", "--no-logo", str(PYPROJECT)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


# -- 1. import-linter ----------------------------------------------------------------------
def test_the_pure_rules_keep_every_import_contract():
    result = lint_imports(ROOT)
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"import-linter found a broken layer rule:\n{report}"
    assert f"Contracts: {len(contracts())} kept, 0 broken." in report, report


COVERED = """
import json, sys, tomllib
import grimp
graph = grimp.build_graph("kit", include_external_packages=True, cache_dir=None)
out = {}
for contract in tomllib.load(open(sys.argv[1], "rb"))["tool"]["importlinter"]["contracts"]:
    covered = set()
    for expression in contract["source_modules"]:
        matched = (graph.find_matching_modules(expression) if "*" in expression
                   else {expression} & graph.modules)
        covered |= matched | {d for m in matched for d in graph.find_descendants(m)}
    out[contract["name"]] = sorted(covered)
print(json.dumps(out))
"""


def unchecked(root: Path) -> dict[str, list[str]]:
    """Per contract, the pure modules on disk under ``root`` that its source modules miss."""
    try:
        import grimp  # noqa: F401
    except ImportError:
        missing("import-linter is not installed (pip install -e '.[test]')")
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", COVERED, str(PYPROJECT)], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    on_disk = set(pure_modules(root))
    return {name: sorted(on_disk - set(covered))
            for name, covered in json.loads(result.stdout).items() if on_disk - set(covered)}


def test_every_pure_module_on_disk_is_checked_by_every_contract():
    """The wildcards find every module's rules — and a folder without ``__init__.py`` would
    be invisible to import-linter, so it is named here instead of silently skipped."""
    on_disk = pure_modules()
    assert "kit.domain.scores" in on_disk and any(n.endswith(".rules") for n in on_disk), on_disk
    missed = unchecked(ROOT)
    assert not missed, f"not checked by import-linter (an __init__.py missing on the way?): {missed}"


# -- 2. the AST scan -----------------------------------------------------------------------
#: Methods that read or write files (pathlib, pandas, matplotlib); names a rule may not call.
FILE_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "open", "iterdir", "rglob",
                "glob", "mkdir", "unlink", "rmdir", "touch", "exists", "is_file", "is_dir",
                "symlink_to", "hardlink_to", "chmod", "read_csv", "read_excel", "read_json",
                "read_parquet", "read_pickle", "read_table", "read_sql", "to_csv", "to_excel",
                "to_parquet", "to_pickle", "to_sql", "to_hdf", "savefig", "import_module"}
FILE_CALLS = {"open", "__import__", "exec", "eval"}
#: ``os`` is importable for these alone (kit.domain.access salts its hashes with os.urandom).
OS_ALLOWED = {"urandom"}


def file_calls(source: str, filename: str = "<rules>") -> list[str]:
    """Every call in ``source`` that touches files or imports at run time, as ``file:line: what``."""
    tree = ast.parse(source, filename)
    os_names = {"os"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname or a.name for a in node.names if a.name in ("os", "os.path")}
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "os.path"):
            for alias in node.names:
                if alias.name not in OS_ALLOWED:
                    found.append(f"{filename}:{node.lineno}: from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FILE_CALLS:
            found.append(f"{filename}:{node.lineno}: {func.id}()")
        elif isinstance(func, ast.Attribute):
            base = func.value
            if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) \
                    and base.value.id in os_names and base.attr == "path":
                found.append(f"{filename}:{node.lineno}: os.path.{func.attr}()")
            elif isinstance(base, ast.Name) and base.id in os_names and func.attr not in OS_ALLOWED:
                found.append(f"{filename}:{node.lineno}: {base.id}.{func.attr}()")
            elif func.attr in FILE_METHODS:
                found.append(f"{filename}:{node.lineno}: .{func.attr}()")
    return sorted(set(found))


def test_no_pure_module_calls_files_or_imports_at_run_time():
    found = []
    for path in pure_modules().values():
        found += file_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "the pure rules touch files:\n" + "\n".join(found)


@pytest.mark.parametrize("source, what", [
    ("text = open('svar.csv').read()", "open()"),
    ("from pathlib import Path\nrows = Path('a.yaml').read_text()", ".read_text()"),
    ("def f(p):\n    p.write_bytes(b'')", ".write_bytes()"),
    ("import os\nos.remove('a')", "os.remove()"),
    ("import os\nif os.path.exists('a'):\n    pass", "os.path.exists()"),
    ("import os as system\nsystem.listdir('.')", "system.listdir()"),
    ("from os import listdir", "from os import listdir"),
    ("def f(frame):\n    frame.to_csv('ut.csv')", ".to_csv()"),
    ("import importlib\nstore = importlib.import_module('kit.store')", ".import_module()"),
    ("db = __import__('sqlite3')", "__import__()"),
])
def test_the_scan_catches_each_kind_of_file_call(source, what):
    found = file_calls(source)
    assert len(found) == 1 and found[0].endswith(what), found


def test_the_scan_lets_ordinary_rules_be():
    source = textwrap.dedent("""
        import os
        salt = os.urandom(16)
        name = " Örby ".strip().replace("Ö", "O")
        items = [1, 2]
        items.remove(1)
        def tidy(frame):
            return frame.rename(columns={"a": "b"}).sort_values("b")
        opened = {"open": True}["open"]
    """)
    assert file_calls(source) == []


# -- 3. what importing a pure module loads ---------------------------------------------------
PROBE = """
import importlib, sys
importlib.import_module(sys.argv[1])
forbidden = {forbidden!r}
print(" ".join(sorted(n for n in sys.modules
                      if any(n == f or n.startswith(f + ".") for f in forbidden))))
"""


def loaded_by(module: str, cwd: Path = ROOT) -> set[str]:
    """The forbidden modules that importing ``module`` (in a fresh interpreter) loads."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    result = subprocess.run([sys.executable, "-c", PROBE.format(forbidden=RUNTIME_FORBIDDEN), module],
                            cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_importing_a_pure_module_loads_no_widget_database_file_or_plot_library():
    loaded = {name: loaded_by(name) for name in pure_modules()}
    loaded = {name: sorted(found) for name, found in loaded.items() if found}
    assert not loaded, f"importing these loads what the pure rules may not use: {loaded}"


# -- the rule can fail: a new module's bad rules, in a copy of the kit --------------------------
BAD_RULES = '''
"""A module whose rules break every part of the layer rule."""
import ipywidgets
import sqlalchemy
from pathlib import Path
import matplotlib.pyplot as plt

from kit.domain import scores


def read_answers():
    return open("svar.csv").read() + Path("a.yaml").read_text()
'''


@pytest.fixture(scope="module")
def probed_copy(tmp_path_factory) -> Path:
    """A copy of the kit with one new module, ``zzprobe``, whose rules break the rule, and a
    domain module that reaches the store through another module of the kit."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "kit", root / "kit", ignore=shutil.ignore_patterns("__pycache__"))
    probe = root / "kit" / "modules" / "zzprobe"
    probe.mkdir()
    (probe / "__init__.py").write_text('"""A probe."""\n', encoding="utf-8")
    (probe / "rules.py").write_text(BAD_RULES, encoding="utf-8")
    (root / "kit" / "domain" / "zz_indirect.py").write_text(
        '"""Reaches the database through a helper of the kit."""\nfrom kit.modules.zzprobe import helper\n',
        encoding="utf-8")
    (probe / "helper.py").write_text("import kit.store\n", encoding="utf-8")
    hidden = root / "kit" / "modules" / "zznoinit"  # no __init__.py: import-linter cannot see it
    hidden.mkdir()
    (hidden / "rules.py").write_text("import ipywidgets\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def probed_lint(probed_copy) -> subprocess.CompletedProcess:
    return lint_imports(probed_copy)


def test_import_linter_catches_a_new_modules_bad_rules_without_a_config_change(probed_lint):
    report = probed_lint.stdout + probed_lint.stderr
    assert probed_lint.returncode != 0, report
    assert f"Contracts: 0 kept, {len(contracts())} broken." in report, report
    for chain in ("kit.modules.zzprobe.rules -> ipywidgets", "kit.modules.zzprobe.rules -> sqlalchemy",
                  "kit.modules.zzprobe.rules -> pathlib", "kit.modules.zzprobe.rules -> matplotlib"):
        assert chain in report, f"{chain!r} not reported:\n{report}"
    # an indirect import is caught too: domain -> a helper of the kit -> the store
    assert "kit.domain.zz_indirect -> kit.modules.zzprobe.helper" in report, report
    assert "kit.modules.zzprobe.helper -> kit.store" in report, report


def test_a_module_folder_import_linter_cannot_see_is_named(probed_copy, probed_lint):
    assert "kit.modules.zznoinit" not in probed_lint.stdout  # the linter is blind to it
    missed = unchecked(probed_copy)
    assert set(missed) == {c["name"] for c in contracts()}
    assert all(names == ["kit.modules.zznoinit.rules"] for names in missed.values()), missed


def test_the_scan_and_the_import_probe_catch_the_new_modules_bad_rules(probed_copy):
    found = pure_modules(probed_copy)
    assert "kit.modules.zzprobe.rules" in found and "kit.domain.zz_indirect" in found
    calls = file_calls(found["kit.modules.zzprobe.rules"].read_text(encoding="utf-8"))
    assert [c.split(": ", 1)[1] for c in calls] == [".read_text()", "open()"], calls
    assert {"ipywidgets", "sqlalchemy", "matplotlib"} <= {
        n.split(".")[0] for n in loaded_by("kit.modules.zzprobe.rules", probed_copy)}
    assert "kit.store" in loaded_by("kit.domain.zz_indirect", probed_copy)

