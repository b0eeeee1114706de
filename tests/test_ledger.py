from datetime import date

import openpyxl
import pytest
from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.compute import compute
from sanlv.config import Config
from sanlv.content.figures import figures
from sanlv.normalise import load_dataset
from sanlv.render.ledger_xlsx import sheet_names, write_ledger

from .dynamic_fixtures import sept
from .synth import make_district, write_workbook

runner = CliRunner()
DAY = date(2026, 10, 31)


def _same_figures(original, ledger):
    a = figures(compute(load_dataset([original]), Config(), DAY))
    b = figures(compute(load_dataset([ledger]), Config(), DAY))
    assert a["total"] == b["total"]
    assert a["streets"] == b["streets"]
    assert a["communities"] == b["communities"]


def test_round_trip_synthetic_district(tmp_path):
    src = tmp_path / "区.xlsx"
    write_workbook(make_district(300, seed=7), src)
    out = tmp_path / "台账.xlsx"
    ds = load_dataset([src])
    write_ledger(ds, compute(ds, Config(), DAY), out)
    _same_figures(src, out)
    again = load_dataset([out])
    assert not [i for i in again.issues if i.code == "column-unknown"]
    for key in ("compounds", "committees", "party_orgs"):
        assert len(again.tables[key]) == len(ds.tables[key])


def test_values_round_trip_with_personal(tmp_path):
    src = sept(tmp_path)
    out = tmp_path / "台账.xlsx"
    ds = load_dataset([src])
    write_ledger(ds, compute(ds, Config(), DAY), out, include_personal=True)
    again = load_dataset([out])
    for key in ("compounds", "committees", "party_orgs"):
        a = ds.tables[key].drop(columns=["_src", "_row"]).reset_index(drop=True)
        b = again.tables[key].drop(columns=["_src", "_row"]).reset_index(drop=True)
        assert a.equals(b), key
    assert "007" in set(again.compounds["compound_id"])  # leading zeros kept
    _same_figures(src, out)


def test_sheets_status_and_todo(tmp_path):
    src = sept(tmp_path)
    out = tmp_path / "台账.xlsx"
    ds = load_dataset([src])
    r = write_ledger(ds, compute(ds, Config(), DAY), out)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["小区", "业委会", "党组织", "待办-东街道", "待办-西街道"]
    rows = list(wb["小区"].iter_rows(values_only=True))
    head = rows[0]
    assert head[:2] == ("小区编号", "小区名称")
    assert head[-6:] == (
        "业委会状态",
        "计入组建率",
        "物业服务覆盖",
        "专业化物业",
        "党组织覆盖",
        "未计入原因",
    )
    by_id = {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}
    assert by_id["C1"]["业委会状态"] == "届满未换届"
    assert by_id["C1"]["计入组建率"] == "是"
    assert by_id["C2"]["物业服务覆盖"] == "否"
    assert by_id["C3"]["业委会状态"] == "已组建（物管会）"
    # the service project has an instructor only (work coverage), committee W2 nothing
    assert by_id["C3"]["党组织覆盖"] == "未覆盖"
    assert "物业服务项目C3：只有派驻党建指导员" in by_id["C3"]["未计入原因"]
    assert "业委会（物管会）W2：无有效党组织" in by_id["C3"]["未计入原因"]
    assert by_id["007"]["党组织覆盖"] == "无需覆盖"  # no committee, no service project
    assert "无物业管理" in by_id["C2"]["未计入原因"]
    assert by_id["C1"]["物业服务起始日期"].date() == date(2020, 1, 1)  # a real date
    todo = list(wb["待办-东街道"].iter_rows(values_only=True))
    assert todo[1][:3] == ("类别", "社区", "小区编号")
    items = {(t[0], t[2]) for t in todo[2:]}
    assert ("未组建业委会（物管会）", "C2") in items
    assert ("无物业服务", "C2") in items
    assert ("届满未换届", "C1") in items
    assert r.todo["东街道"] == len(todo) - 2


def test_no_personal_names_by_default(tmp_path):
    src = sept(tmp_path)
    out = tmp_path / "台账.xlsx"
    r = runner.invoke(app, ["ledger", str(src), "-o", str(out), "--as-of", "2026-10-31"])
    assert r.exit_code == 0, r.output
    text = {
        str(v)
        for ws in openpyxl.load_workbook(out, read_only=True)
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    }
    assert "主任姓名" in text and "书记姓名" in text  # the columns are there
    assert not {"张三", "李四", "王五", "赵六"} & text
    r = runner.invoke(app, ["ledger", str(src), "-o", str(out), "--include-personal"])
    assert r.exit_code == 0
    text = {
        str(v)
        for row in openpyxl.load_workbook(out, read_only=True)["业委会"].iter_rows(values_only=True)
        for v in row
    }
    assert "张三" in text


def test_sheet_names_count_characters_outside_the_basic_plane_twice():
    """Excel's 31-character limit is in UTF-16 units: 𠀀 (U+20000) counts as two."""
    name = sheet_names(["𠀀" * 20])["𠀀" * 20]
    assert len(name.encode("utf-16-le")) // 2 <= 31


def test_sheet_names_are_valid_and_unique():
    names = sheet_names(["东街道", "a/b:c", "很长" * 20, "很长" * 20 + "乙"])
    assert names["a/b:c"] == "待办-a_b_c"
    assert all(len(n) <= 31 for n in names.values())
    assert len(set(names.values())) == 4


def test_cli_exit_2(tmp_path):
    src = sept(tmp_path)
    assert runner.invoke(app, ["ledger", str(src)]).exit_code == 2  # no -o
    r = runner.invoke(app, ["ledger", str(src), "-o", str(src)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = runner.invoke(app, ["ledger", str(src), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2


def test_report_and_ledger_say_the_same_todos_in_the_same_words(tmp_path):
    """The report's 问题清单 and the ledger's 待办 sheets are two layouts of one to-do list:
    the same items, the same wording, the same order within a street."""
    src = sept(tmp_path)
    report_path, ledger_path = tmp_path / "r.xlsx", tmp_path / "l.xlsx"
    for cmd, out in (("report", report_path), ("ledger", ledger_path)):
        r = runner.invoke(app, [cmd, str(src), "-o", str(out), "--as-of", "2026-10-31"])
        assert r.exit_code == 0, r.output
    rows = list(
        openpyxl.load_workbook(report_path, read_only=True)["问题清单"].iter_rows(values_only=True)
    )
    head = rows[2]
    assert head[:3] == ("类别", "街道", "社区")
    assert "整改状态" in head
    from_report: dict[str, list[tuple]] = {}
    for row in rows[3:]:
        if not any(row):  # the list ends; 本期已销号 follows
            break
        item = dict(zip(head, row, strict=True))
        street = item.pop("街道")
        from_report.setdefault(street, []).append(tuple(v or None for v in item.values()))
    wb = openpyxl.load_workbook(ledger_path, read_only=True)
    from_ledger = {}
    for name in wb.sheetnames:
        if name.startswith("待办-"):
            sheet = list(wb[name].iter_rows(values_only=True))
            assert sheet[1] == tuple(h for h in head if h != "街道")
            from_ledger[name.removeprefix("待办-")] = [
                tuple(v or None for v in r) for r in sheet[2:]
            ]
    assert from_report and from_report == {k: v for k, v in from_ledger.items() if v}


@pytest.mark.parametrize("backend", ["xlsxwriter", "rust"])
def test_columns_written_typed_and_empty_cells_left_empty(tmp_path, monkeypatch, backend):
    """The column writer, with either writer backend: text stays text (also "=1+1" and
    "0"), numbers and dates are numbers, None and "" leave the cell empty, 0 is written."""
    from sanlv.render.ledger_xlsx import _DATE, _NUM, _STR, _write_rows
    from sanlv.render.workbook import WRITER_ENV, workbook

    if backend == "rust":
        pytest.importorskip("rvgsrust_xlsxwriter")
    monkeypatch.setenv(WRITER_ENV, backend)
    out = tmp_path / "w.xlsx"
    with workbook(out, kind="ledger", title="t") as book:
        assert book.fast is (backend == "rust")
        sheet = book.sheet("s")
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        cols = [["=1+1", "", None, "0"], [0, None, 3, 4], [46000.0, None, None, 1.0]]
        assert _write_rows(sheet, 1, [_STR, _NUM, _DATE], cols, date_fmt) == 4
    ws = openpyxl.load_workbook(out)["s"]
    got = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows(min_row=2, max_col=3)]
    assert [row[0] for row in got] == [("=1+1", "s"), (None, "n"), (None, "n"), ("0", "s")]
    assert [row[1] for row in got] == [(0, "n"), (None, "n"), (3, "n"), (4, "n")]
    assert ws["C2"].is_date and ws["C2"].number_format == "yyyy-mm-dd" and ws["C3"].value is None


def test_ledger_date_columns_reach_far_dates_without_overflow():
    """A date 300 years after Excel's epoch (a typo such as 2199) is written as its serial
    number: nanoseconds from 1899-12-30 would overflow there (found by the fuzz test)."""
    import pandas as pd

    from sanlv import schema
    from sanlv.render.ledger_xlsx import _column

    field = next(f for f in schema.ROSTER_BY_KEY["committees"].fields if f.type == "date")
    s = pd.Series(pd.to_datetime(["2199-07-28", None, "2026-10-31"])).astype("datetime64[ns]")
    _, values = _column(field, s)
    assert values == [
        (date(2199, 7, 28) - date(1899, 12, 30)).days,
        None,
        (date(2026, 10, 31) - date(1899, 12, 30)).days,
    ]
