import json
from datetime import date

import openpyxl
from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.config import Config
from sanlv.diff import diff_datasets
from sanlv.normalise import load_dataset

from .dynamic_fixtures import oct_, sept

runner = CliRunner()
DAY = date(2026, 10, 31)


def _diff(tmp_path, **kw):
    old = load_dataset([sept(tmp_path)])
    new = load_dataset([oct_(tmp_path)])
    return diff_datasets(old, new, Config(), DAY, **kw)


def test_summary_counts(tmp_path):
    s = _diff(tmp_path).summary()
    assert s == {
        "compounds_added": 1,
        "compounds_removed": 1,
        "compounds_changed": 1,
        "committees_added": 0,
        "committees_removed": 0,
        "committees_changed": 1,
        "party_orgs_added": 1,
        "party_orgs_removed": 0,
        "party_orgs_changed": 1,
        "committees_dissolved": 1,
        "party_orgs_dissolved": 0,
    }


def test_changed_fields_old_to_new(tmp_path):
    r = _diff(tmp_path)
    ch = r.changes.set_index(["id", "field"])
    assert (ch.loc[("C1", "households"), "old"], ch.loc[("C1", "households"), "new"]) == (
        "200",
        "210",
    )
    assert ch.loc[("W1", "dissolved"), "old"] == ""
    assert ch.loc[("W1", "dissolved"), "new"] == "2026-09-30"
    assert ch.loc[("P2", "form"), "new"] == "联合组建"
    assert ch.loc[("W1", "dissolved"), "name"] == "甲小区业主委员会"
    assert set(r.added["id"]) == {"C4", "P3"}
    assert list(r.removed["id"]) == ["C2"]


def test_rate_changes_per_street(tmp_path):
    result = _diff(tmp_path)
    rows = {e["street"]: e for e in result.rates["street"]}
    east = rows["东街道"]
    # September: C1 (committee W1 expired but counted), C2 none -> 1/2; October: C1 only, W1 dissolved -> 0/1
    assert east["committee"]["old"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    assert east["committee"]["new"] == {"numerator": 0, "denominator": 1, "rate": 0.0}
    assert east["committee"]["change"] == -0.5
    assert result.rates["total"][0]["compounds"] == {"old": 4, "new": 4}
    levels = [level.key for level, _ in result.rate_rows()]
    assert levels[0] == "total" and set(levels[1:]) == {"district", "street"}


def test_personal_values_hidden_unless_asked(tmp_path):
    old = load_dataset([sept(tmp_path)])
    new = load_dataset([oct_(tmp_path)])
    new.tables["committees"].loc[0, "chair"] = "孙七"
    hidden = diff_datasets(old, new, Config(), DAY).changes
    row = hidden[hidden["field"] == "chair"].iloc[0]
    assert "张三" not in (row["old"], row["new"]) and "孙七" not in (row["old"], row["new"])
    shown = diff_datasets(old, new, Config(), DAY, include_personal=True).changes
    row = shown[shown["field"] == "chair"].iloc[0]
    assert (row["old"], row["new"]) == ("张三", "孙七")


def test_cli_json_and_workbook(tmp_path):
    out = tmp_path / "变动.xlsx"
    args = ["diff", str(sept(tmp_path)), "--against", str(oct_(tmp_path))]
    r = runner.invoke(app, [*args, "--as-of", "2026-10-31", "--format", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["summary"]["compounds_added"] == 1
    assert data["rates"]["total"]["compounds"] == {"old": 4, "new": 4}
    assert {e["street"] for e in data["rates"]["streets"]} >= {"东街道"}
    assert any(f["field"] == "dissolved" for c in data["changed"] for f in c["fields"])
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["变动汇总", "新增", "撤销", "调整", "三率变化"]
    rows = list(wb["调整"].iter_rows(values_only=True))
    assert rows[2] == ("类别", "编号", "名称", "街道", "字段", "原值", "新值")
    assert ("小区", "C1", "甲小区", "东街道", "总户数", "200", "210") in rows


def test_cli_against_repeated_and_table(tmp_path):
    old = sept(tmp_path)
    new = oct_(tmp_path)
    r = runner.invoke(app, ["diff", str(old), "--against", str(new), "--against", str(old)])
    # the same ids twice in the new snapshot: first rows count, duplicates are noted
    assert r.exit_code == 0, r.output
    assert "三率变化" in r.output
    assert "Traceback" not in r.output


def test_cli_exit_2(tmp_path):
    old = sept(tmp_path)
    r = runner.invoke(app, ["diff", str(old)])
    assert r.exit_code == 2 and "--against" in r.output
    r = runner.invoke(app, ["diff", str(old), "--against", str(tmp_path / "无.xlsx")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = runner.invoke(app, ["diff", str(old), "--against", str(old), "-o", str(old)])
    assert r.exit_code == 2
