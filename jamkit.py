#!/usr/bin/env python3
"""Set up JämKit in a virtual environment (.venv) and run it — all you need is Python 3.11+.

    python3 jamkit.py serve [--port N] [--lan]   # install if needed, then serve the apps
    python3 jamkit.py test [pytest options]      # install with test tools, then run every test

The first run installs the packages (a few minutes); later runs start at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_installed(extra: str) -> Path:
    if sys.version_info < (3, 11):
        sys.exit("JämKit behöver Python 3.11 eller senare / JämKit needs Python 3.11+")
    python = venv_python()
    if not python.exists():
        print("Skapar .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extra}]" if extra else "."
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    marker = VENV / f".jamkit-installed-{extra or 'base'}"
    superset = VENV / ".jamkit-installed-test"  # the test install holds everything serve needs
    test_fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + b".[test]").hexdigest()
    if not extra and superset.exists() and superset.read_text() == test_fingerprint:
        install_kernelspec()
        return python
    if not marker.exists() or marker.read_text() != fingerprint:
        print(f"Installerar JämKit ({spec}) …", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", spec], cwd=ROOT, check=True)
        marker.write_text(fingerprint)
    install_kernelspec()
    return python


def install_kernelspec() -> None:
    """The kit's kernelspec into the venv, where JupyterLab and nbval look for kernels (an
    editable install does not place the package's data files)."""
    source = ROOT / "kit" / "share" / "jupyter" / "kernels" / "jamkit" / "kernel.json"
    target = VENV / "share" / "jupyter" / "kernels" / "jamkit" / "kernel.json"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("serve", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "serve":
        python = ensure_installed("")
        return subprocess.call([str(python), "-m", "kit", "serve", *rest], cwd=ROOT)
    python = ensure_installed("test")
    return subprocess.call([str(python), "-m", "pytest", "--nbval-lax", "tests", "kit", "notebooks",
                            *rest], cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
