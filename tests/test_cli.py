"""``python -m kit table``: the table for a file, or one Swedish line and exit code 2."""

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "exempel_sjalvskattning.csv"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "kit", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_table_prints_swedish_numbers():
    result = run("table", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Uppstart" in lines[0] and "Lärandeträff 3" in lines[0] and "+/-" in lines[0]
    assert lines[-1].split() == ["Totalt", "16,0", "24,3", "28,7", "35,0", "19,0"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".md"])
def test_table_writes_files(tmp_path, suffix):
    out = tmp_path / f"tabell{suffix}"
    result = run("table", str(EXAMPLE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    if suffix == ".xlsx":
        sheet = load_workbook(out).active
        assert sheet["A12"].value == "Totalt" and sheet["B12"].value == 16
        assert sheet["B12"].data_type == "n"
    elif suffix == ".csv":
        assert "Totalt;16,0;24,333333333333332" in out.read_text(encoding="utf-8-sig")
    else:
        assert "| Totalt | 16,0 | 24,3 | 28,7 | 35,0 | 19,0 |" in out.read_text()


@pytest.mark.parametrize("content,needle", [
    (b"organisation;tillf\xe4lle;moment;po\xe4ng\nA;uppstart;1;5\n", "rad 2, kolumn D (poäng)"),
    (b"\x00\x01garbage", "ingen textfil"),
])
def test_bad_input_exits_2_with_one_swedish_line(tmp_path, content, needle):
    path = tmp_path / "svar.csv"
    path.write_bytes(content)
    result = run("table", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Fel: svar.csv") and needle in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_and_bad_output_type(tmp_path):
    result = run("table", str(tmp_path / "finns-inte.csv"))
    assert result.returncode == 2 and "filen finns inte" in result.stderr
    result = run("table", str(EXAMPLE), "--out", str(tmp_path / "t.pdf"))
    assert result.returncode == 2 and "okänd filtyp" in result.stderr
    assert not (tmp_path / "t.pdf").exists()
