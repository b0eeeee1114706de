"""`sanlv report`: the terminal table, the JSON answer and the report workbook."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.content.figures import figures
from sanlv.render.report_xlsx import SHEETS
from sanlv.render.workbook import text_width

from . import district as d
from .district import write_district
from .helpers import write_xlsx

runner = CliRunner()
AS_OF = ["--as-of", "2026-10-31"]
NAMES = [r[8] for r in d.COMMITTEES] + [r[7] for r in d.ORGS]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    now = write_district(folder / "十月.xlsx")
    # last month: K10 not yet, and a compound whose name must stay text
    compounds = [list(r) for r in d.COMPOUNDS]
    compounds[4][1] = "=1+1"
    compounds[1][1] = "@SUM(A1)"
    compounds[3][1] = "-2+3"
    hostile = write_district(folder / "公式.xlsx", compounds)
    before = write_district(folder / "九月.xlsx", committees=d.COMMITTEES[:-1])
    return {"now": now, "before": before, "hostile": hostile, "dir": folder}


@pytest.fixture(scope="module")
def report_path(files):
    out = files["dir"] / "报告.xlsx"
    r = runner.invoke(app, ["report", str(files["hostile"]), *AS_OF, "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def test_table_output(files):
    r = runner.invoke(app, ["report", str(files["now"]), *AS_OF], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    assert "甲街道" in r.output and "全区合计" in r.output
    assert "60.0%" in r.output  # committee 6/10
    assert "2026-10-31" in r.output and "2022-12-31" in r.output  # as-of and target in force
    assert "行数核对" in r.output and ("数据问题" in r.output or "数据提醒" in r.output)
    assert "Traceback" not in r.output


def test_json_is_exactly_the_computation(files):
    r = runner.invoke(app, ["report", str(files["now"]), *AS_OF, "--format", "json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert set(data) >= {"as_of", "total", "streets", "communities", "config"}
    assert data["total"]["committee"] == {"numerator": 6, "denominator": 10, "rate": 0.6}
    assert data["total"]["compounds"] == 10
    s = data["streets"][0]
    assert set(s) >= {"street", "compounds", "committee", "service", "party", "target", "gap"}


def test_period_and_errors(files, tmp_path):
    r = runner.invoke(app, ["report", str(files["now"]), "--period", "2026-10", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["as_of"] == "2026-10-31"
    r = runner.invoke(app, ["report", str(files["now"]), "--period", "2026-13"])
    assert r.exit_code == 2 and "--period" in r.output
    r = runner.invoke(app, ["report", str(tmp_path / "无此文件.xlsx")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = runner.invoke(app, ["report", str(files["now"]), "--format", "pdf"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["report", str(files["now"]), "-o", str(files["now"])])
    assert r.exit_code == 2 and "拒绝" in r.output
    r = runner.invoke(app, ["report", str(files["now"]), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 2


def test_no_compound_roster_is_exit_2(tmp_path):
    path = write_xlsx(tmp_path / "只有业委会.xlsx", {"业委会": [d.COMMITTEE_HEADER, *d.COMMITTEES]})
    r = runner.invoke(app, ["report", str(path)])
    assert r.exit_code == 2
    assert "小区台账" in r.output and "Traceback" not in r.output


def test_data_errors_do_not_fail_the_report(tmp_path):
    compounds = [list(r) for r in d.COMPOUNDS]
    compounds[0][6] = "物业"  # not an accepted mode
    path = write_district(tmp_path / "错.xlsx", compounds)
    r = runner.invoke(app, ["report", str(path), *AS_OF], env={"COLUMNS": "160"})
    assert r.exit_code == 0
    assert "错误 1 个" in r.output and "sanlv validate" in r.output


def test_inputs_unchanged(files, report_path):
    before = files["hostile"].read_bytes()
    runner.invoke(app, ["report", str(files["hostile"]), *AS_OF, "-o", str(report_path)])
    assert files["hostile"].read_bytes() == before


# --- the workbook ---------------------------------------------------------------------------


def test_workbook_sheets_and_chart(report_path):
    wb = openpyxl.load_workbook(report_path)
    assert wb.sheetnames == list(SHEETS)
    assert len(wb["概览"]._charts) == 1
    with zipfile.ZipFile(report_path) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
    for ws in wb:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the OOXML default
        assert ws.page_setup.fitToHeight == 0
        assert ws.freeze_panes is not None
        assert ws.print_title_rows


def _find(ws, value):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(value)


def test_overview_figures_and_formats(report_path):
    """Page 1: rank first, streets by rank, each headline rate with its gap (colour against
    the target); the numerators and denominators in a second table below."""
    ws = openpyxl.load_workbook(report_path)["概览"]
    total = _find(ws, "全区合计")
    assert total.font.b
    row = [c for c in ws[total.row]]
    values = [c.value for c in row]
    assert values[2] == 10  # compounds in scope
    assert values[3:5] == [0.6, 3]  # committee rate, gap to the 90 % target
    assert row[3].number_format == "0.0%"
    assert [ws.cell(5, c).value for c in (1, 2, 3)] == ["排名", "街道", "小区数"]
    # the streets above the total, in rank order, the rank in the first column
    s1 = _find(ws, d.S1)
    assert s1.row < total.row and s1.column == 2
    ranks = [ws.cell(r, 1).value for r in range(s1.row - 1, total.row) if ws.cell(r, 2).value]
    # a number (Excel's numbers are doubles: the fast writer writes 1 as 1.0), not a dash
    ranks = [r for r in ranks if isinstance(r, int | float)]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert ws.conditional_formatting  # coloured against the target
    # the counts behind the rates: a second table with the total's numerator and denominator
    totals = [c for row in ws.iter_rows() for c in row if c.value == "全区合计"]
    assert len(totals) == 2
    counts = [c.value for c in ws[totals[1].row]]
    assert counts[2:5] == [10, 6, 10]
    # secondary rates in a small table
    assert _find(ws, "专业化物业服务率").offset(0, 5).number_format == "0.0%"


def test_categories_sheet(report_path):
    ws = openpyxl.load_workbook(report_path)["分类统计"]
    cell = _find(ws, "老旧小区")
    count = ws.cell(cell.row, 2).value
    assert isinstance(count, int | float) and float(count).is_integer() and count > 0


def test_communities_sheet(report_path):
    ws = openpyxl.load_workbook(report_path)["社区明细"]
    cell = _find(ws, "四社区")
    values = [c.value for c in ws[cell.row]]
    assert values[:3] == [d.S2, "四社区", 1]
    assert "—" in values  # no Party unit: the rate is shown as a dash
    assert ws.cell(cell.row, 6).number_format == "0.0%"


def test_todo_list(report_path):
    ws = openpyxl.load_workbook(report_path)["问题清单"]
    rows = []
    for r in ws.iter_rows(min_row=4, values_only=True):
        if not any(r):  # the list ends; 本期已销号 follows
            break
        rows.append(r)
    kinds = {r[0] for r in rows}
    assert kinds == {"未组建业委会（物管会）", "无物业服务", "党组织未覆盖", "届满未换届"}
    assert ("届满未换届", d.S1, "一社区", "C04") in {r[:4] for r in rows}
    order = ["未组建业委会（物管会）", "无物业服务", "党组织未覆盖", "届满未换届"]
    keys = [(r[1], r[2], order.index(r[0]), r[3], r[5]) for r in rows]
    assert keys == sorted(keys)  # street, community, kind, compound, object
    assert len([r for r in rows if r[0] == "未组建业委会（物管会）"]) == 4  # C02 C05 C10 C11


def test_formula_like_names_stay_text(report_path):
    wb = openpyxl.load_workbook(report_path)
    ws = wb["问题清单"]
    names = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ("=1+1", "@SUM(A1)", "-2+3"):
        assert text in names, text
        assert names[text].data_type == "s"
    with zipfile.ZipFile(report_path) as z:
        xml = "".join(
            z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )
    assert "<f>" not in xml  # the report writes no cell formulas at all


def test_formula_like_street_and_community_stay_text(tmp_path):
    compounds = [list(r) for r in d.COMPOUNDS]
    for r in compounds:
        r[2] = "+" + r[2]
    compounds[10][3] = '=HYPERLINK("http://x")'
    out = tmp_path / "r.xlsx"
    path = write_district(tmp_path / "h.xlsx", compounds)
    assert runner.invoke(app, ["report", str(path), *AS_OF, "-o", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    cells = {c.value: c for ws in wb for row in ws.iter_rows() for c in row}
    assert cells['=HYPERLINK("http://x")'].data_type == "s"
    assert cells["+" + d.S1].data_type == "s"


def test_method_and_quality_sheets(report_path, files):
    wb = openpyxl.load_workbook(report_path)
    text = "\n".join(str(v) for row in wb["口径说明"].iter_rows(values_only=True) for v in row if v)
    assert "2026-10-31" in text
    assert "SHA-256" in text and "公式.xlsx" in text
    import hashlib

    assert hashlib.sha256(files["hostile"].read_bytes()).hexdigest() in text
    assert "行数核对" in text and "sanlv 0." in text
    assert "业委会组建率分母" in text  # config.describe lines
    assert "分子" in text and "分母" in text
    q = wb["数据质量"]
    assert (q.cell(2, 1).value, q.cell(2, 2).value) == ("问题", "问题代码")


def _all_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(
        str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


def test_personal_names_only_when_asked(files, report_path, tmp_path):
    text = _all_text(report_path)
    assert not [n for n in NAMES if n in text]
    out = tmp_path / "含姓名.xlsx"
    r = runner.invoke(
        app, ["report", str(files["now"]), *AS_OF, "-o", str(out), "--include-personal"]
    )
    assert r.exit_code == 0, r.output
    text = _all_text(out)
    assert "张卫东" in text  # chair of the expired committee K04
    assert "主任姓名" in text


def test_previous_adds_change_columns(files, tmp_path):
    out = tmp_path / "环比.xlsx"
    args = ["report", str(files["now"]), *AS_OF, "-o", str(out), "--previous", str(files["before"])]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["概览"]
    head = _find(ws, "比上期\n（百分点）")  # the first, under the committee rate
    s2 = _find(ws, d.S2)
    # 乙街道 committee: 1/4 on 2026-09-30 (K10 not in last month's roster), 2/4 now: +25.0
    assert ws.cell(s2.row, head.column).value == 25
    assert ws.cell(s2.row, head.column).number_format.startswith("+0.0")
    plain = openpyxl.load_workbook(files["dir"] / "报告.xlsx")["概览"]
    assert "比上期\n（百分点）" not in [c.value for c in plain[6]]


def test_widths_fit_chinese_text():
    assert text_width("业委会") == 6
    assert text_width("A1") == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice not installed")
def test_converts_to_pdf(report_path, tmp_path):
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(report_path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / (report_path.stem + ".pdf")).stat().st_size > 1000


def test_terminal_lists_at_most_the_limit_of_streets_when_a_workbook_is_written(files):
    import io

    from rich.console import Console

    from sanlv.compute import compute
    from sanlv.config import Config
    from sanlv.content.report import ReportContent
    from sanlv.normalise import load_dataset
    from sanlv.render import console

    ds = load_dataset([files["now"]])
    comp = compute(ds, Config(), d.AS_OF)
    by_rank = sorted(figures(comp)["streets"], key=lambda s: (s["rank"], s["street"]))
    streets = [s["street"] for s in by_rank]  # the terminal lists the streets by rank
    assert len(streets) >= 2
    out = io.StringIO()
    console.print_report(ReportContent(comp, ds), Console(file=out, width=160), street_limit=1)
    text = out.getvalue()
    assert streets[0] in text and all(s not in text for s in streets[1:])
    assert f"共 {len(streets)} 个街道" in text and "概览" in text
    assert "全区合计" in text  # the total is always shown
    full = io.StringIO()
    console.print_report(ReportContent(comp, ds), Console(file=full, width=160))
    assert (
        all(s in full.getvalue() for s in streets) and "个街道，这里只列出" not in full.getvalue()
    )


def test_regions_show_listed_streets_without_data_as_unreported(files, tmp_path):
    regions = tmp_path / "区划.csv"
    regions.write_text(f"街道,社区\n{d.S1},\n{d.S2},\n丙街道,\n", encoding="utf-8")
    args = ["report", str(files["now"]), *AS_OF, "--regions", str(regions)]
    r = runner.invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["unreported"] == [{"district": "", "street": "丙街道"}]
    assert "丙街道" not in {s["street"] for s in data["streets"]}
    out = tmp_path / "r.xlsx"
    r = runner.invoke(app, [*args, "-o", str(out)])
    assert r.exit_code == 0 and "未报送" in r.stdout
    ws = openpyxl.load_workbook(out)["概览"]
    row = _find(ws, "丙街道").row
    assert ws.cell(row, 3).value == "未报送"


def test_the_figures_json_is_the_report_json_without_its_to_dos(tmp_path):
    """The workbook's 概览, the terminal and the 通报 read `figures_json` (no to-do records):
    the same keys in the same order and the same values as the report JSON, change included."""
    from sanlv import api

    path = write_district(tmp_path / "区.xlsx")
    rc = api.report([path], as_of="2026-10-31", previous=[path]).content
    figs = rc.figures_json()  # first, before the full JSON is built
    full = rc.to_json()
    assert "todos" not in figs and "closed_todos" not in figs and full["todos"]
    assert list(figs) == [k for k in full if k not in ("todos", "closed_todos")]
    assert all(figs[k] == full[k] for k in figs)
    assert "committee" in figs["total"]["change"]
