"""Rows as they come from the field (SPEC section 2 "Found in the field since", section 3
"Files and safety"): invisible characters in ids, totals/title/header rows anywhere, jagged
and mixed-encoding CSVs, the same file twice, and Chinese lines instead of English ones."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.normalise import load_dataset

from .helpers import write_xlsx

runner = CliRunner()
HEADER = [
    "小区编号",
    "小区名称",
    "街道",
    "社区",
    "总户数",
    "物业管理方式",
    "物业服务企业",
    "纳入统计",
]


def _compound(cid: object, name: str, households: int = 100) -> list:
    return [cid, name, "巷口街道", "浦头社区", households, "社区托管", None, "是"]


def _issues(ds, code: str) -> list[tuple]:
    return [(i.code, i.row, i.column) for i in ds.issues if i.code == code]


def _skipped(ds) -> dict[int, str]:
    return {i.row: i.message for i in ds.issues if i.code == "row-skipped"}


# --- invisible characters ---------------------------------------------------------------------


def test_invisible_characters_are_removed_before_matching(tmp_path):
    """Ids that differ only by U+200B/U+FEFF/U+2060/U+00AD are the same id: 6 compounds, not
    8, the two copies are id-duplicate errors, a committee referring to an id with a zero-width
    space finds its compound, and enumeration words with invisible characters are read."""
    rows = [
        HEADER,
        _compound("1001", "甲"),
        _compound("1002", "乙"),
        _compound("1003", "丙"),
        _compound("1004", "丁"),
        _compound("1005", "戊"),
        _compound("1006", "己"),
        _compound("\u200b1001", "甲"),  # row 8: the same id as row 2
        _compound("10\u206002\u00ad", "乙"),  # row 9: the same id as row 3
    ]
    rows[5][5] = "社区\u200b托管"
    rows[6][7] = "\ufeff否"
    committees = [
        ["组织编号", "小区编号", "类型", "成立日期", "任期届满日期", "委员人数", "党员人数"],
        ["YWH001", "\ufeff1003\u200c", "业委会", "2024-01-01", "2029-01-01", 5, 3],
    ]
    path = write_xlsx(tmp_path / "a.xlsx", {"小区": rows, "业委会": committees})
    ds = load_dataset([path])
    assert ds.compounds["compound_id"].nunique() == 6
    assert ds.committees["compound_id"].tolist() == ["1003"]
    assert ds.compounds["management_mode"].iat[4] == "社区托管"
    assert not bool(ds.compounds["in_scope"].iat[5])
    assert _issues(ds, "value-enum") == []

    r = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert r.exit_code == 1
    errors = [
        (i["code"], i["row"], i["column"])
        for i in json.loads(r.stdout)["issues"]
        if i["severity"] == "error" and i["code"] != "sheet-missing"  # no 党组织 sheet
    ]  # and no ref-missing for the committee
    assert sorted(errors) == [("id-duplicate", 8, "小区编号"), ("id-duplicate", 9, "小区编号")]
