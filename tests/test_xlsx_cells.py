"""What an xlsx holds beside its plain values (SPEC section 2 "Found in the field since",
section 3 "Files and safety"): merged ranges over data rows, error cells and formulas without
a cached value, a zip whose headers lie about its sizes, a stray cell far from the data, and
control characters. Every file is built here."""

from __future__ import annotations

import json
import re
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.issues import InputError
from sanlv.normalise import load_dataset
from sanlv.read.files import check_zip

from .test_checks import AS_OF, book, clean, compound, validate

runner = CliRunner()
SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(path: Path, part: str, edit) -> Path:
    """Rewrite one part of a zip in place with edit(bytes) -> bytes."""
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            zout.writestr(info, edit(data) if info.filename == part else data)
    return path


def _compounds(tmp_path: Path, rows: list[dict], merges: list[str] = ()) -> Path:
    path = book(tmp_path / "街道.xlsx", {"小区": rows})
    if merges:
        wb = openpyxl.load_workbook(path)
        for rng in merges:
            wb["小区"].merge_cells(rng)
        wb.save(path)
    return path


# --- item 4: merged ranges fill every column ------------------------------------------------


def test_merged_optional_cells_give_their_value_to_every_row(tmp_path):
    rows = [compound(小区编号=f"C{i}", 小区名称=f"小区{i}") for i in range(1, 6)]
    for r in rows[1:4]:
        r["纳入统计"] = None
    rows[1]["纳入统计"] = "否"
    # 纳入统计 (column J) is 否 merged over Excel rows 3-5: three compounds out of scope; the
    # table is otherwise full, so no required column has a gap
    path = _compounds(tmp_path, rows, ["J3:J5"])
    ds = load_dataset([path])
    assert ds.compounds["in_scope"].tolist() == [True, False, False, False, True]
    assert not [i for i in ds.issues if i.severity == "error"]


def test_a_note_merged_across_the_table_stays_one_cell_wide(tmp_path):
    rows = [compound(小区编号=f"C{i}", 小区名称=f"小区{i}") for i in range(1, 3)]
    path = _compounds(tmp_path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["小区"]
    ws["A5"] = "填表说明：本表由街道填报"
    ws.merge_cells("A5:K6")  # a footer note over two rows and the whole width
    wb.save(path)
    ds = load_dataset([path])
    assert len(ds.compounds) == 2
    assert not [i for i in ds.issues if i.severity == "error"]


# --- item 5: error cells and formulas without a cached value ------------------------------


def test_error_cells_and_uncached_formulas_are_value_type_errors(tmp_path):
    rows = [compound(小区编号=f"C{i}", 小区名称=f"小区{i}") for i in range(1, 5)]
    rows[0]["纳入统计"] = "#N/A"  # openpyxl writes an error cell (t="e")
    rows[1]["街道"] = "#REF!"
    rows[2]["总户数"] = "=1+1"  # a formula openpyxl cannot calculate: no cached value
    rows[3]["总户数"] = "=2+2"  # given a cached value below: read as its value
    path = _compounds(tmp_path, rows)
    _rewrite(path, SHEET, lambda x: re.sub(rb"<f>2\+2</f><v\s*/>", b"<f>2+2</f><v>4</v>", x))
    result = validate(path)
    errors = {(i.cell, i.code): i for i in result.issues if i.severity == "error"}
    na = errors[("J2", "value-type")]
    assert "#N/A" in na.message and "默认“是”" in na.message and na.value == "#N/A"
    assert "#REF!" in errors[("C3", "value-type")].message
    assert "=1+1" in errors[("F4", "value-type")].message
    assert not [k for k in errors if k[0] == "F5"]
    assert ("C3", "value-missing") not in errors  # the error is said once, as what it is
    ds = load_dataset([path])
    assert ds.compounds["households"].tolist()[3] == 4


def test_error_values_in_a_csv_saved_by_excel_are_errors_too(tmp_path):
    path = tmp_path / "街道.csv"
    row = compound(纳入统计="#N/A")
    path.write_text(
        ",".join(row) + "\n" + ",".join(str(v or "") for v in row.values()) + "\n",
        encoding="utf-8",
    )
    result = validate(path)
    assert [i.cell for i in result.issues if i.code == "value-type"] == ["J2"]


def test_an_unreadable_bool_is_an_error_and_the_ledger_names_the_default(tmp_path):
    data = clean()
    data["小区"][0]["纳入统计"] = "#DIV/0!"
    data["小区"][1]["具备组建条件"] = "待定"
    path = book(tmp_path / "街道.xlsx", data)
    result = validate(path)
    messages = [i.message for i in result.issues if i.severity == "error"]
    assert any("#DIV/0!" in m and "默认“是”" in m for m in messages)
    assert any("待定" in m and "默认“是”" in m for m in messages)
    out = tmp_path / "台账.xlsx"
    r = runner.invoke(app, ["ledger", str(path), "-o", str(out), "--as-of", AS_OF.isoformat()])
    assert r.exit_code in (0, 1), r.output
    ws = openpyxl.load_workbook(out)["小区"]
    head = [c.value for c in ws[1]]
    reason = [ws.cell(r, head.index("未计入原因") + 1).value or "" for r in (2, 3)]
    assert "纳入统计无法识别，已按默认“是”计" in reason[0]
    assert "具备组建条件无法识别，已按默认“是”计" in reason[1]


# --- item 8: a zip bomb whose headers lie ------------------------------------------------------


def _lying_bomb(tmp_path: Path, inflated: int) -> Path:
    """A workbook with a part of `inflated` zero bytes whose local and central headers both
    declare 1000 bytes."""
    base = book(tmp_path / "base.xlsx", clean())
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            z.writestr(item, zin.read(item.filename))
        z.writestr("xl/media/image1.png", b"\0" * inflated)
    raw = bytearray(bomb.read_bytes())
    name = b"xl/media/image1.png"
    local = raw.find(name) - 30
    assert raw[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", raw, local + 22, 1000)
    central = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name))
    struct.pack_into("<I", raw, central + 24, 1000)
    bomb.write_bytes(bytes(raw))
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo("xl/media/image1.png").file_size == 1000  # the lie
    return bomb


def test_zip_bomb_with_lying_headers_is_refused(tmp_path):
    bomb = _lying_bomb(tmp_path, 24 * 1024**2)  # about 24 KB on disk
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InputError) as err:
        check_zip(bomb, max_bytes=16 * 1024**2)
    assert "压缩炸弹" in err.value.message
    r = runner.invoke(app, ["validate", str(bomb), "--max-unzipped-mb", "16"])
    assert r.exit_code == 2 and "压缩炸弹" in r.output
    check_zip(bomb, max_bytes=64 * 1024**2)  # under both limits: real bytes, counted


# --- item 9: one stray cell far from the data ------------------------------------------------

LIMITED = (
    "import resource, runpy, sys; limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
    "sys.argv = ['sanlv', *sys.argv[2:]]; runpy.run_module('sanlv', run_name='__main__')"
)


def _sanlv_limited(*args: str) -> subprocess.CompletedProcess:
    """sanlv in a child process with 4 GB of address space (its peak resident memory must
    stay under 1.5 GB; the interpreter, Arrow and the reader reserve about 1.6 GB of address
    space they never touch): a regression fails this test instead of taking the test runner
    down. The time limit is generous for a shared machine."""
    r = subprocess.run(
        [sys.executable, "-c", LIMITED, str(4 * 1024**3), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1536 * 1024  # KB
    return r


def _far(tmp_path: Path, cell: str, dimension: str | None = None, styled: bool = False) -> Path:
    path = book(tmp_path / f"far-{cell}.xlsx", clean())
    wb = openpyxl.load_workbook(path)
    if styled:
        wb["小区"][cell].font = openpyxl.styles.Font(bold=True)  # formatted, no value
    else:
        wb["小区"][cell] = "x"
    wb.save(path)
    if dimension is not None:
        _rewrite(path, SHEET, lambda x: re.sub(rb'<dimension ref="[^"]*"\s*/>', dimension, x))
    return path


@pytest.mark.parametrize(
    ("cell", "dimension"),
    [
        ("XFD1048576", None),
        ("ZZ1048576", None),
        ("XFD1048576", b'<dimension ref="A1:K3"/>'),  # a dimension that lies
        ("XFD1048576", b""),  # no dimension at all
        ("A1048576", None),  # a million empty rows
        ("XFD900", None),  # sixteen thousand empty columns
    ],
)
def test_a_stray_far_cell_is_refused_naming_it(tmp_path, cell, dimension):
    path = _far(tmp_path, cell, dimension)
    assert path.stat().st_size < 20_000
    r = _sanlv_limited("validate", str(path), "--as-of", AS_OF.isoformat())
    assert r.returncode == 2, r.stdout + r.stderr
    assert cell in r.stderr and "远离数据区" in r.stderr and "Traceback" not in r.stderr
    # the same file as the official list of streets
    ok = book(tmp_path / "ok.xlsx", clean())
    r = _sanlv_limited("validate", str(ok), "--regions", str(path), "--as-of", AS_OF.isoformat())
    assert r.returncode == 2 and cell in r.stderr, r.stdout + r.stderr


def test_a_formatted_far_cell_without_value_is_read(tmp_path):
    path = _far(tmp_path, "XFD1048576", styled=True)
    r = _sanlv_limited("validate", str(path), "--format", "json", "--as-of", AS_OF.isoformat())
    assert r.returncode == 0, r.stdout + r.stderr
    assert (
        json.loads(r.stdout)["rows"]["used"]
        == validate(book(tmp_path / "ok.xlsx", clean())).rows["used"]
    )


# --- item 11: control characters ---------------------------------------------------------------


def test_annotate_with_a_control_character_in_a_cell(tmp_path):
    data = clean()
    data["小区"][0]["小区名称"] = "阳光CTRL小区"
    data["小区"][0]["物业管理方式"] = "物业CTRL"  # a value-enum error: its value is shown
    path = book(tmp_path / "街道.xlsx", data)
    _rewrite(path, SHEET, lambda x: x.replace(b"CTRL", b"_x000B_"))
    csv = tmp_path / "街道.csv"
    rows = data["小区"]
    csv.write_text(
        ",".join(rows[0])
        + "\n"
        + "\n".join(
            ",".join(str(v or "").replace("CTRL", "\x0b") for v in r.values()) for r in rows
        )
        + "\n",
        encoding="utf-8",
    )
    for src in (path, csv):
        out = tmp_path / f"标注-{src.suffix[1:]}.xlsx"
        r = runner.invoke(
            app, ["validate", str(src), "--annotate", str(out), "--as-of", AS_OF.isoformat()]
        )
        assert r.exit_code == 1, r.output
        assert out.exists()
