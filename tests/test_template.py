"""The blank roster workbook (``sanlv template``) and the generated docs/fields.md."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from sanlv import docs, schema
from sanlv.content import fields
from sanlv.render import template_xlsx as template

ROOT = Path(__file__).resolve().parents[1]
LAST_ROW = template.DATA_ROWS + 1


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "模板.xlsx"
    template.write_template(path)
    return path


@pytest.fixture(scope="module")
def wb(workbook_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path)


def _validations_by_column(ws) -> dict[str, list]:
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            col = "".join(ch for ch in rng.split(":")[0] if ch.isalpha())
            out.setdefault(col, []).append((rng, dv))
    return out


def test_four_sheets_with_instructions_first_or_last(wb: openpyxl.Workbook) -> None:
    names = wb.sheetnames
    assert len(names) == 4
    assert sorted(names) == sorted([r.label for r in schema.ROSTERS] + ["说明"])
    assert names.index("说明") in (0, len(names) - 1)
    roster_names = [n for n in names if n != "说明"]
    assert roster_names == [r.label for r in schema.ROSTERS]
    # Every roster sheet is recognised by its name.
    for name in roster_names:
        assert schema.norm_label(name) in schema.sheet_index()
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)


@pytest.mark.parametrize("roster", schema.ROSTERS, ids=lambda r: r.key)
def test_headers_are_the_canonical_labels(wb: openpyxl.Workbook, roster: schema.Roster) -> None:
    ws = wb[roster.label]
    assert [c.value for c in ws[1]] == [f.label for f in roster.fields]
    assert ws.max_row == 1  # no sample data
    for col, f in enumerate(roster.fields, start=1):
        cell = ws.cell(1, col)
        assert cell.font.b
        assert cell.alignment.wrap_text
        assert schema.header_index(roster.key)[schema.norm_label(cell.value)] == f.key
        assert cell.comment is not None and f.help in cell.comment.text
        assert ("必填" in cell.comment.text.split("。")[0]) == (
            f.required or fields.required_text(roster, f) != "否"
        )


@pytest.mark.parametrize("roster", schema.ROSTERS, ids=lambda r: r.key)
def test_required_headers_have_their_own_fill(wb: openpyxl.Workbook, roster) -> None:
    ws = wb[roster.label]
    fills = {f.key: ws.cell(1, i).fill.fgColor.rgb for i, f in enumerate(roster.fields, start=1)}
    required = {fills[f.key] for f in roster.fields if f.required}
    optional = {
        fills[f.key]
        for f in roster.fields
        if not f.required and fields.required_text(roster, f) == "否"
    }
    assert len(required) == 1 and len(optional) == 1
    assert required != optional


@pytest.mark.parametrize("roster", schema.ROSTERS, ids=lambda r: r.key)
def test_header_row_is_frozen_and_page_is_set_up(wb: openpyxl.Workbook, roster) -> None:
    ws = wb[roster.label]
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (1, None)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1"


def _column_dimension(ws, index: int):
    """The <col> entry covering a 1-based column (adjacent equal columns share one)."""
    for dim in ws.column_dimensions.values():
        if dim.min <= index <= dim.max:
            return dim
    raise AssertionError(f"no column dimension for column {index}")


@pytest.mark.parametrize("roster", schema.ROSTERS, ids=lambda r: r.key)
def test_column_widths_and_formats(wb: openpyxl.Workbook, roster) -> None:
    ws = wb[roster.label]
    for i, f in enumerate(roster.fields, start=1):
        dim = _column_dimension(ws, i)
        assert dim.width == pytest.approx(f.width, abs=1)
        expected = {"date": "yyyy-mm-dd", "int": "0"}.get(f.type, "@")
        assert dim.number_format == expected, f.key


@pytest.mark.parametrize("roster", schema.ROSTERS, ids=lambda r: r.key)
def test_data_validations(wb: openpyxl.Workbook, roster: schema.Roster) -> None:
    ws = wb[roster.label]
    by_col = _validations_by_column(ws)
    lo = from_excel  # serial -> datetime
    for i, f in enumerate(roster.fields, start=1):
        col = get_column_letter(i)
        found = by_col.get(col, [])
        if f.type not in ("enum", "bool", "date", "int"):
            continue
        assert len(found) == 1, f.key
        rng, dv = found[0]
        assert rng == f"{col}2:{col}{LAST_ROW}"
        assert dv.showErrorMessage and dv.error
        if f.type == "enum":
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(schema.enum_values(f.enum)) + '"'
        elif f.type == "bool":
            assert dv.type == "list"
            assert dv.formula1 == '"是,否"'
        elif f.type == "date":
            assert dv.type == "date" and dv.operator in (None, "between")
            assert lo(float(dv.formula1)).date() == dt.date(1949, 10, 1)
            assert lo(float(dv.formula2)).date() == dt.date(2100, 12, 31)
            assert dv.showInputMessage and dv.prompt and "2021-05-01" in dv.prompt
            assert "日期" in dv.error
        elif f.type == "int":
            assert dv.type == "whole"
            assert dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"


def test_enum_drop_down_lists_the_canonical_values(wb: openpyxl.Workbook) -> None:
    ws = wb[schema.COMPOUNDS.label]
    col = get_column_letter(schema.COMPOUNDS.keys.index("management_mode") + 1)
    (_, dv), *_ = _validations_by_column(ws)[col]
    values = dv.formula1.strip('"').split(",")
    assert values == [
        "专业物业服务",
        "国企托管",
        "社区托管",
        "准物业",
        "单位自管",
        "居民自治",
        "无物业管理",
    ]


def test_id_column_rejects_duplicates(wb: openpyxl.Workbook) -> None:
    for roster in schema.ROSTERS:
        ws = wb[roster.label]
        col = get_column_letter(roster.keys.index(roster.id_field) + 1)
        [(rng, dv)] = _validations_by_column(ws)[col]
        assert rng == f"{col}2:{col}{LAST_ROW}"
        assert dv.type == "custom" and f"${col}$2:${col}${LAST_ROW}" in dv.formula1


def _instruction_rows(wb: openpyxl.Workbook) -> list[tuple]:
    return [
        tuple("" if v is None else str(v) for v in row)
        for row in wb["说明"].iter_rows(values_only=True)
    ]


def test_instructions_sheet(wb: openpyxl.Workbook) -> None:
    rows = _instruction_rows(wb)
    text = "\n".join(" ".join(r) for r in rows)
    for phrase in ("每个小区", "表头", "不得重复", "2021-05-01"):
        assert phrase in text
    header = ("列名", "是否必填", "类型", "可选值", "其他写法", "说明")
    starts = [i for i, r in enumerate(rows) if r[:6] == header]
    assert len(starts) == len(schema.ROSTERS)
    for start, roster in zip(starts, schema.ROSTERS, strict=True):
        table = rows[start + 1 : start + 1 + len(roster.fields)]
        by_label = {r[0]: r for r in table}
        assert list(by_label) == [f.label for f in roster.fields]
        for f in roster.fields:
            row = by_label[f.label]
            assert row[2] == fields.TYPE_NAMES[f.type]
            assert row[4] == "、".join(f.aliases)
            assert row[5] == f.help
            if f.key == "service_company":
                assert row[1] == "专业物业服务、国企托管时必填"
            else:
                assert row[1] == ("是" if f.required else "否")
    committees = rows[starts[1] + 1 : starts[1] + 1 + len(schema.COMMITTEES.fields)]
    kind = next(r for r in committees if r[0] == "类型")
    assert kind[3] == "业主委员会（也可写：业委会）、物业管理委员会（也可写：物管会）"
    compounds = rows[starts[0] + 1 : starts[0] + 1 + len(schema.COMPOUNDS.fields)]
    category = next(r for r in compounds if r[0] == "小区类型")
    assert category[3].startswith(
        "商品房、老旧小区（也可写：老旧）、回迁房（也可写：回迁安置房、安置房）"
    )


def test_calamine_reads_the_canonical_headers(workbook_path: Path) -> None:
    # fastexcel is the calamine reader sanlv itself uses (pandas' engine needs python-calamine)
    import fastexcel

    reader = fastexcel.read_excel(workbook_path)
    for roster in schema.ROSTERS:
        sheet = reader.load_sheet_by_name(roster.label, dtypes="string")
        assert sheet.to_arrow().column_names == [f.label for f in roster.fields]
        assert sheet.height == 0


def test_write_replaces_existing_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    template.write_template(str(path))
    assert path.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    if os.name == "posix":
        assert path.stat().st_mode & 0o044  # not left private like a mkstemp file


def test_write_refuses_other_extensions(tmp_path: Path) -> None:
    from sanlv import api
    from sanlv.issues import UsageError

    with pytest.raises(UsageError, match="xlsx"):
        api.template(tmp_path / "out.xls")
    assert list(tmp_path.iterdir()) == []


def test_long_list_goes_to_hidden_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = {f"组织形式第{i:03d}种": () for i in range(60)}
    monkeypatch.setitem(schema.ENUMS, "org_form", many)
    path = tmp_path / "long.xlsx"
    template.write_template(path)
    wb = openpyxl.load_workbook(path)
    hidden = [ws for ws in wb.worksheets if ws.sheet_state != "visible"]
    assert [ws.title for ws in hidden] == ["下拉选项"]
    assert [c.value for c in hidden[0]["A"]] == list(many)
    ws = wb[schema.PARTY_ORGS.label]
    col = get_column_letter(schema.PARTY_ORGS.keys.index("form") + 1)
    [(_, dv)] = _validations_by_column(ws)[col]
    assert dv.formula1 == "'下拉选项'!$A$1:$A$60"


def test_docs_fields_markdown_is_current() -> None:
    committed = (ROOT / "docs" / "fields.md").read_text(encoding="utf-8")
    assert committed == docs.docs_fields_markdown(), (
        "docs/fields.md is out of date: run `PYTHONPATH=src python -m sanlv.docs`"
    )


def test_docs_fields_markdown_covers_every_field() -> None:
    md = docs.docs_fields_markdown()
    for roster in schema.ROSTERS:
        assert f"## {roster.label}" in md
        for f in roster.fields:
            assert f"| `{f.key}` | {f.label} |" in md
    assert "专业物业服务、国企托管时必填" in md
    assert "业主委员会（也可写：业委会）" in md


def test_filled_template_reads_back_with_nothing_skipped(tmp_path):
    """The reader reads a filled template back: every row used, no structural issue."""
    from sanlv.normalise import load_dataset

    path = tmp_path / "模板.xlsx"
    template.write_template(path)
    wb = openpyxl.load_workbook(path)
    wb["小区"].append(
        [
            "A001",
            "幸福家园",
            "示例区",
            "巷口街道",
            "浦头社区",
            "商品房",
            320,
            "专业物业服务",
            "天利仁和物业服务股份有限公司",
            "91110105MA01ABCD2X",
            dt.date(2020, 5, 1),
            "是",
            "是",
            None,
        ]
    )
    wb["小区"].append(
        ["A002", "日华里", "示例区", "巷口街道", "浦头社区", "老旧小区", 80, "社区托管"]
    )
    wb["业委会"].append(
        [
            "Y001",
            "A001",
            "业主委员会",
            dt.date(2021, 5, 1),
            dt.date(2026, 4, 30),
            None,
            7,
            4,
            2,
            None,
            "是",
            dt.date(2021, 6, 1),
        ]
    )
    wb["党组织"].append(
        [
            "D001",
            "幸福家园业委会党支部",
            "业主委员会",
            "Y001",
            "单独组建",
            dt.date(2021, 7, 1),
            None,
            4,
            None,
        ]
    )
    wb.save(path)
    ds = load_dataset([path])
    assert ds.rows == {"read": 4, "used": 4, "skipped": 0, "skipped_by_reason": {}}
    assert len(ds.compounds) == 2 and len(ds.committees) == 1 and len(ds.party_orgs) == 1
    assert [i.code for i in ds.issues if i.severity != "info"] == []
    assert {i.sheet for i in ds.issues if i.code == "sheet-ignored"} == {"说明"}
    assert ds.party_orgs["host_ref"].iat[0] == ("Y001",)
