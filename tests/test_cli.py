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
    # four invented municipalities, consensus rows decide: totals 74/4, 81/4, 95/4, 113/4
    assert lines[-1].split() == ["Totalt", "18,5", "20,3", "23,8", "28,3", "9,8"]
    moments = {int(ln.split()[0]): ln.split()[1:] for ln in lines if ln.split()[0].isdigit()}
    assert moments[1] == ["3,0", "3,5", "3,8", "4,0", "1,0"]  # moment 1 highest, as in Tabell 1
    assert moments[7] == ["1,0", "1,3", "1,5", "2,0", "1,0"]
    assert moments[6] == ["1,5", "1,5", "1,8", "2,3", "0,8"]


def test_example_is_saved_as_swedish_excel_saves_csv():
    raw = EXAMPLE.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    lines = raw.decode("cp1252").split("\r\n")[:-1]
    assert "\n" not in "".join(lines)
    assert lines[0] == "Organisation;Tillfälle;Moment;Poäng;Roll;Kommentar;Åtgärder"
    rows = [ln.split(";") for ln in lines[1:]]
    assert all(len(r) == 7 for r in rows) and '"' not in raw.decode("cp1252")
    assert {r[4] for r in rows} == {"Politiker", "Chef", "Strateg", ""}
    assert len({r[0] for r in rows}) == 4 and len(rows) == 4 * 4 * 10 * 4
    assert sum(bool(r[5]) for r in rows) > 50 and sum(bool(r[6]) for r in rows) > 30


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".md"])
def test_table_writes_files(tmp_path, suffix):
    out = tmp_path / f"tabell{suffix}"
    result = run("table", str(EXAMPLE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    if suffix == ".xlsx":
        sheet = load_workbook(out).active
        assert sheet["A12"].value == "Totalt" and sheet["B12"].value == 18.5
        assert [c.value for c in sheet[12]][1:] == [18.5, 20.25, 23.75, 28.25, 9.75]
        assert sheet["B12"].data_type == "n"
    elif suffix == ".csv":
        assert "Totalt;18,5;20,25;23,75;28,25;9,75" in out.read_text(encoding="utf-8-sig")
    else:
        assert "| Totalt | 18,5 | 20,3 | 23,8 | 28,3 | 9,8 |" in out.read_text()


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
