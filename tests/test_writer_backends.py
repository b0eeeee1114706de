"""The two writer backends write the same workbooks (issue 18): every workbook sanlv writes
with the fast backend (render/xlsx_rust.py, on rust_xlsxwriter) is compared with the same
workbook written by xlsxwriter, the fallback: cells (values, types, number formats), fonts,
fills, alignment, borders, merges, column widths and formats, row heights, print setup,
freeze panes, autofilters, conditional formats, charts and the sanlv mark
(scripts/workbook_cells.py `describe`)."""

from __future__ import annotations

import errno
import importlib.util
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.render import workbook as factory

from . import city
from .synth import make_district, write_messy_street

pytest.importorskip("rvgsrust_xlsxwriter")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
PERIOD = ["--period", "2026-10"]
_spec = importlib.util.spec_from_file_location(
    "workbook_cells", ROOT / "scripts" / "workbook_cells.py"
)
assert _spec and _spec.loader
cells = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cells)


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz=None):  # the report's 生成时间
        return datetime(2026, 11, 3, 9, 30, 0)


@pytest.fixture
def both(tmp_path, monkeypatch):
    """run(name, *args): the command once with each backend; returns the two descriptions."""
    import sanlv.content.report as content

    monkeypatch.setattr(content, "datetime", _FixedClock)
    runner = CliRunner()

    def run(name: str, *args: object, flag: str = "-o") -> tuple[dict, dict]:
        out = []
        for backend in ("xlsxwriter", "rust"):
            monkeypatch.setenv(factory.WRITER_ENV, backend)
            assert factory.fast_writer_available() is (backend == "rust")
            target = tmp_path / backend / name
            target.parent.mkdir(exist_ok=True)
            r = runner.invoke(app, [*map(str, args), flag, str(target)])
            assert r.exit_code in (0, 1), r.output
            out.append(cells.describe(target))
        return out[0], out[1]

    return run


def _same(a: dict, b: dict) -> None:
    assert a["sheets"] == b["sheets"]
    assert a["mark"] == b["mark"] and a["mark"][1] is False
    for sheet in a["sheets"]:
        for part in a[sheet]:
            assert a[sheet][part] == b[sheet][part], (sheet, part)


def test_report_of_a_district_and_of_a_city_with_a_compare(both, tmp_path):
    a, b = both("report.xlsx", "report", SAMPLES, *PERIOD)
    _same(a, b)
    chart = a["概览"]["charts"][0]
    assert chart["type"] == "barChart" and len(chart["series"]) == 3
    assert a["概览"]["conditional"] and a["社区明细"]["autofilter"]

    folder = tmp_path / "city"
    city.write_city(folder)
    other = tmp_path / "其他口径.toml"
    other.write_text('[party]\nservice_unit = "enterprise"\n', encoding="utf-8")
    a, b = both("city.xlsx", "report", folder, "--as-of", "2026-10-31", "--compare", other)
    _same(a, b)
    assert "口径对照" in a["sheets"]


def test_ledger_with_dates_blanks_and_personal_columns_left_empty(both, tmp_path):
    a, b = both("ledger.xlsx", "ledger", SAMPLES, *PERIOD)
    _same(a, b)
    district = make_district(300, seed=7)
    data = tmp_path / "messy"
    data.mkdir()
    for i, street in enumerate(sorted({c["street"] for c in district["compounds"]})[:3]):
        write_messy_street(district, street, data / f"街道{i}.xlsx", seed=i)
    a, b = both("messy.xlsx", "ledger", data, "--as-of", "2026-10-31")
    _same(a, b)
    sheet = a["小区"]["cells"]
    dates = [v for v in sheet.values() if v[2] == "yyyy-mm-dd"]
    rows = {int("".join(ch for ch in k if ch.isdigit())) for k in sheet}
    columns = {"".join(ch for ch in k if ch.isalpha()) for k in sheet}
    assert dates and len(sheet) < len(rows) * len(columns)  # dates, and empty cells left out


def test_diff_trend_issue_list_and_status(both, tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    shutil.copy(SAMPLES / "示例区.xlsx", data / "示例区.xlsx")
    _same(*both("diff.xlsx", "diff", data, "--against", SAMPLES, *PERIOD))
    _same(*both("trend.xlsx", "trend", data, "--from", "2026-08", "--to", "2026-10"))
    _same(*both("issues.xlsx", "validate", SAMPLES, *PERIOD, flag="--output"))

    ws = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    street = SAMPLES / "巷口街道台账.xlsx"
    r = runner.invoke(app, ["receive", str(street), "--workspace", str(ws), *PERIOD])
    assert r.exit_code in (0, 1), r.output
    _same(*both("status.xlsx", "status", "--workspace", ws, *PERIOD))


def test_text_that_looks_like_a_formula_a_number_or_a_link_stays_text(tmp_path, monkeypatch):
    monkeypatch.setenv(factory.WRITER_ENV, "rust")
    target = tmp_path / "t.xlsx"
    with factory.workbook(target, kind="report", title="t") as book:
        assert book.fast
        sh = book.sheet("表")
        sh.text_column(0, 0, ["=1+1", "0012", "http://a.cn", '=HYPERLINK("x")'])
        sh.text(0, 1, "=SUM(A1:A2)")
        sh.number_column(0, 2, [1, None, 2.5])
        sh.text_column(0, 3, ["长" * 40000, "x"])  # over Excel's limit: cut, as xlsxwriter does
        sh.text(2, 3, "长" * 40000)
    ws = openpyxl.load_workbook(target)["表"]
    assert [len(c.value) for (c,) in ws["D1:D3"]] == [32767, 1, 32767]
    assert [(c.value, c.data_type) for c in ws["A"]] == [
        ("=1+1", "s"),
        ("0012", "s"),
        ("http://a.cn", "s"),
        ('=HYPERLINK("x")', "s"),
    ]
    assert (ws["B1"].value, ws["B1"].data_type) == ("=SUM(A1:A2)", "s")
    assert [c.value for (c,) in ws["C1:C3"]] == [1, "—", 2.5]
    assert not ws._hyperlinks


def test_without_the_fast_writer_xlsxwriter_writes(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_rust(name, *args, **kwargs):
        if name.startswith("rvgsrust_xlsxwriter"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.delenv(factory.WRITER_ENV, raising=False)
    monkeypatch.setattr(builtins, "__import__", no_rust)
    assert not factory.fast_writer_available()
    with factory.workbook(tmp_path / "r.xlsx", kind="report", title="t") as book:
        assert not book.fast
        book.sheet("表").text(0, 0, "x")
    with factory.workbook(tmp_path / "t.xlsx", kind="template", title="t", full_api=True) as b:
        assert not b.fast


def test_a_full_disk_under_the_fast_writer_is_an_os_error_about_the_target(tmp_path, monkeypatch):
    from sanlv.render import xlsx_rust

    real = xlsx_rust.rx.Workbook

    class FullDisk:
        def __init__(self) -> None:
            self.inner = real()

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def close(self, path):
            raise OSError(f"failed to write '{path}': No space left on device (os error 28)")

    monkeypatch.setenv(factory.WRITER_ENV, "rust")
    monkeypatch.setattr(xlsx_rust.rx, "Workbook", FullDisk)
    target = tmp_path / "报告.xlsx"
    with pytest.raises(OSError) as err:
        with factory.workbook(target, kind="report", title="t") as book:
            book.sheet("表").text(0, 0, "x")
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(target)
    assert list(tmp_path.iterdir()) == []


def test_a_panic_of_the_fast_writer_is_a_defect_not_a_traceback(tmp_path, monkeypatch):
    """PyO3 raises a Rust panic as PanicException, a BaseException: the factory makes it a
    RuntimeError, which the CLI reports as a defect of sanlv (exit 3, one line)."""
    from sanlv.render import xlsx_rust

    PanicException = type("PanicException", (BaseException,), {})

    def panics(self):
        raise PanicException("index out of bounds")

    monkeypatch.setenv(factory.WRITER_ENV, "rust")
    monkeypatch.setattr(xlsx_rust.Workbook, "close", panics)
    with pytest.raises(RuntimeError, match="index out of bounds"):
        with factory.workbook(tmp_path / "r.xlsx", kind="report", title="t") as book:
            book.sheet("表").text(0, 0, "x")
    assert list(tmp_path.iterdir()) == []
    r = CliRunner().invoke(app, ["report", str(SAMPLES), *PERIOD, "-o", str(tmp_path / "r.xlsx")])
    assert r.exit_code == 3 and "程序内部错误" in r.output and "Traceback" not in r.output


def test_cell_references_match_xlsxwriters():
    from xlsxwriter.utility import xl_rowcol_to_cell

    for row in (0, 6, 99, 1048575):
        for col in (0, 3, 25, 26, 51, 52, 701, 702, 16383):
            for col_abs in (False, True):
                for row_abs in (False, True):
                    assert factory.cell_ref(
                        row, col, col_abs=col_abs, row_abs=row_abs
                    ) == xl_rowcol_to_cell(row, col, row_abs=row_abs, col_abs=col_abs)
