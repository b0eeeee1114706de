"""--annotate: a marked-up copy, the original untouched; and the validate CLI contract."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.render.annotate import annotate_inputs

from .test_checks import AS_OF, book, clean, compound, validate


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def broken() -> dict:
    data = clean()
    data["小区"][0]["物业管理方式"] = "物业"  # value-enum (error) at G2
    data["小区"][0]["小区名称"] = '=HYPERLINK("x")'  # user text that looks like a formula
    data["业委会"][0]["委员人数"] = 6  # committee-size (warning) at G2 of 业委会
    data["业委会"][0]["党员人数"] = 3
    return data


def test_annotate_marks_cells_and_keeps_the_original(tmp_path):
    src = book(tmp_path / "街道.xlsx", broken())
    # make the name a text cell starting with "=" in the source
    wb = openpyxl.load_workbook(src)
    wb["小区"]["B2"].data_type = "s"
    wb.save(src)
    before = sha(src)
    result = validate(src)
    out = tmp_path / "标注.xlsx"
    assert annotate_inputs(result, out) == [out]
    assert sha(src) == before
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "问题清单"
    enum_cell = wb["小区"]["G2"]
    assert enum_cell.fill.start_color.rgb.endswith("FFC7CE")
    assert "物业管理方式" in enum_cell.comment.text and "建议" in enum_cell.comment.text
    size_cell = wb["业委会"]["G2"]
    assert size_cell.fill.start_color.rgb.endswith("FFEB9C")
    assert "委员人数" in size_cell.comment.text
    assert wb["小区"]["B2"].data_type == "s" and wb["小区"]["B2"].value.startswith("=")
    listed = [r for r in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    codes = {r[1] for r in listed}
    assert {"value-enum", "committee-size"} <= codes
    assert len(listed) == len(result.issues)


def test_annotate_row_level_issue_marks_first_cell(tmp_path):
    data = clean()
    data["小区"][0]["物业服务企业"] = None
    src = book(tmp_path / "a.xlsx", data)
    result = validate(src)
    # drop the cell so the issue only has a row
    for i in result.issues:
        i.cell = ""
    out = tmp_path / "out.xlsx"
    annotate_inputs(result, out)
    assert openpyxl.load_workbook(out)["小区"]["A2"].comment is not None


def test_annotate_csv_and_several_inputs(tmp_path):
    data = clean()
    a = book(tmp_path / "a.xlsx", {"业委会": data["业委会"], "党组织": data["党组织"]})
    rows = [list(data["小区"][0].keys())] + [list(r.values()) for r in data["小区"]]
    rows.append(list(compound(小区编号="0012", 小区名称="=1+2", 总户数="abc").values()))
    c = tmp_path / "小区.csv"
    with c.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    before = sha(c)
    result = validate([a, c])
    out = tmp_path / "out.xlsx"
    paths = annotate_inputs(result, out)
    assert paths == [out, tmp_path / "out-小区.xlsx"]
    assert sha(c) == before
    wb = openpyxl.load_workbook(paths[1])
    ws = wb["小区"]
    assert ws["A4"].value == "0012" and ws["B4"].value == "=1+2" and ws["B4"].data_type == "s"
    assert ws["F4"].fill.start_color.rgb.endswith("FFC7CE")


runner = CliRunner()


def cli(*args):
    return runner.invoke(app, ["validate", *map(str, args), "--as-of", AS_OF.isoformat()])


def test_cli_exit_codes_and_strict(tmp_path):
    ok = book(tmp_path / "ok.xlsx", clean())
    r = cli(ok)
    assert r.exit_code == 0, r.output
    warn = clean()
    warn["业委会"][0]["党员人数"] = 3  # party share warning only
    w = book(tmp_path / "warn.xlsx", warn)
    assert cli(w).exit_code == 0
    assert cli(w, "--strict").exit_code == 1
    bad = book(tmp_path / "bad.xlsx", broken())
    assert cli(bad).exit_code == 1
    missing = cli(tmp_path / "nope.xlsx")
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_cli_json_output_and_annotate(tmp_path):
    data = broken()
    data["小区"][1]["物业管理方式"] = "@物业"  # a value-enum whose text a spreadsheet would run
    bad = book(tmp_path / "bad.xlsx", data)
    before = sha(bad)
    out = tmp_path / "marked.xlsx"
    issues_csv = tmp_path / "issues.csv"
    r = cli(bad, "--format", "json", "--annotate", out, "--output", issues_csv)
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["valid"] is False and data["counts"]["error"] >= 1
    assert set(data["rows"]) >= {"read", "used", "skipped"}
    issue = next(i for i in data["issues"] if i["code"] == "value-enum")
    assert {k: issue[k] for k in ("sheet", "row", "column", "cell", "value")} == {
        "sheet": "小区",
        "row": 2,
        "column": "物业管理方式",
        "cell": "G2",
        "value": "物业",
    }
    assert data["annotated"] == [str(out)]
    assert out.exists() and sha(bad) == before
    raw = issues_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'@物业" in text


def test_cli_refuses_annotating_over_the_input(tmp_path):
    bad = book(tmp_path / "bad.xlsx", broken())
    before = sha(bad)
    r = cli(bad, "--annotate", bad)
    assert r.exit_code == 2 and sha(bad) == before


def test_cli_long_lists_are_truncated_with_a_count(tmp_path):
    data = clean()
    data["小区"] += [compound(小区编号=f"X{i}", 物业管理方式="物业") for i in range(80)]
    r = cli(book(tmp_path / "many.xlsx", data))
    assert r.exit_code == 1
    assert "另有" in r.output and "行数核对" in r.output
