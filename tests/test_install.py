"""The kit as a region's IT would install it: a wheel in a fresh virtual environment, every page
served and rendered from a folder outside the source tree.

The tests elsewhere run from the source tree, where data files sit beside the code whether or
not the package ships them. Here the wheel is built, installed (``--no-deps``) into a new venv,
and ``python -m kit serve`` runs from a temporary folder: a file the package forgets to carry
breaks these pages. The new venv borrows the test environment's *dependencies* (a ``.pth``
line to its site-packages — not the kit, which the test install only holds as an editable
pointer into this tree), so the test needs no second download of JupyterLab and pandas.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, install_wheel, stop_group

SETUP = r"""
import json, sys
from kit.domain import access
from kit.store import Store
from kit.domain import scores as sc
store = Store()
fkey = access.new_facilitator_key()
store.create_workshop("Installerad kurs", facilitator_key_hash=access.hash_key(fkey))
door = store.group("Installerad kurs", "Örby kommun")
form = {m: {"score": (m % 4) + 1, "comment": "", "actions": ""} for m in sc.MOMENTS}
_, gkey = door.save("uppstart", None, form)
print(json.dumps({"fkey": fkey, "gkey": gkey}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding the kit only as the built wheel; returns its python."""
    folder = tmp_path_factory.mktemp("install")
    return install_wheel(folder), folder


def _env(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JUPYTER_PATH")}
    # Voilà's own templates live in the test environment's share/jupyter (data, not the kit)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env["JAMKIT_DB_URL"] = f"sqlite:///{folder / 'installed.sqlite'}"
    env.pop("MPLBACKEND", None)  # as a user has it: kernels choose the inline backend
    return env


def test_the_wheel_carries_every_file_the_kit_reads(installed):
    python, folder = installed
    out = subprocess.run([str(python), "-c", (
        "import kit, json; from importlib import resources; from kit import reference, serve, content;"
        "print(json.dumps({'kit': kit.__file__, 'notebooks': str(serve.notebooks_dir()),"
        "'tabell': float(reference.published_table('participants').loc['Totalt', 'uppstart']),"
        "'text': content.text('errors.read.empty', 'en', name='x')}))")],
        check=True, capture_output=True, text=True, cwd=folder, env=_env(folder))
    found = json.loads(out.stdout)
    assert not found["kit"].startswith(str(ROOT)) and str(folder) in found["kit"]
    assert str(folder) in found["notebooks"]
    assert found["tabell"] == 17.8 and found["text"] == "x: the file is empty."


def test_every_setuptools_package_is_listed():
    """pyproject lists kit's packages by hand (notebooks/ is mapped in): none may be forgotten."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kit").rglob("__init__.py")}
    assert found <= listed, f"not in pyproject's packages: {sorted(found - listed)}"


@pytest.mark.timeout(300)
def test_every_page_renders_from_an_installed_wheel(installed):
    python, folder = installed
    env = _env(folder)
    made = subprocess.run([str(python), "-c", SETUP], check=True, capture_output=True, text=True,
                          cwd=folder, env=env)
    keys = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    log = folder / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(python), "-m", "kit", "serve", "--port", str(port), "--no-browser"],
                                cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.time() + 120
        while "is filled with" not in log.read_text(errors="replace"):
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.time() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
        base = f"http://127.0.0.1:{port}/voila/render"
        pages = ["start.ipynb", "sjalvskattning.ipynb", "facilitator.ipynb",
                 f"facilitator.ipynb?workshop=Installerad%20kurs&fkey={keys['fkey']}",
                 f"start.ipynb?module=facilitator&workshop=Installerad%20kurs&fkey={keys['fkey']}",
                 f"start.ipynb?module=sjalvskattning&workshop=Installerad%20kurs&group=%C3%96rby%20kommun"
                 f"&gkey={keys['gkey']}&occasion=uppstart&role=konsensus"]
        for page in pages:
            with urllib.request.urlopen(f"{base}/{page}", timeout=120) as response:
                body = response.read().decode("utf-8", "replace")
            assert response.status == 200, page
            assert "application/vnd.jupyter.widget-view+json" in body, page
            for bad in ("error when executing", "Traceback", "FileNotFoundError"):
                assert bad not in body, (page, bad)
        server_log = log.read_text(errors="replace")
        assert "FileNotFoundError" not in server_log and "Traceback" not in server_log, server_log
        # the installed kernelspec and provisioner: kernels forked, none launched the ordinary way
        assert "kernel template ready" in server_log, server_log
        assert "ordinary kernel launch" not in server_log, server_log
        spec = folder / "venv" / "share" / "jupyter" / "kernels" / "jamkit" / "kernel.json"
        assert json.loads(spec.read_text())["metadata"]["kernel_provisioner"]["provisioner_name"] \
            == "jamkit-fork-provisioner"
    finally:
        stop_group(proc)
