"""The blank roster workbook of ``sanlv template`` and the Markdown field reference.

Both are generated from :mod:`sanlv.schema` only: the sheets, the headers, the drop-down
lists, the input rules and the instructions follow ``schema.ROSTERS`` and ``schema.ENUMS``,
so a field added there appears here (and in ``docs/fields.md``) without further edits.

Regenerate the committed docs with ``python -m sanlv.template --fields-md docs/fields.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import schema
from .schema import Field, Roster
from .write import atomic_output

DEFAULT_FILENAME = "三率台账模板.xlsx"
INSTRUCTIONS_SHEET = "说明"

#: Data rows that get input rules: rows 2..DATA_ROWS+1 as Excel shows them.
DATA_ROWS = 5000
DATE_MIN = dt.date(1949, 10, 1)
DATE_MAX = dt.date(2100, 12, 31)
DATE_EXAMPLE = "2021-05-01"

TYPE_NAMES = {
    "id": "编号",
    "text": "文本",
    "int": "整数",
    "date": "日期",
    "bool": "是否",
    "enum": "下拉选择",
    "idlist": "编号列表",
}

# Header fills: required, required under a condition, optional.
FILL_REQUIRED = "#F8CBAD"
FILL_CONDITIONAL = "#FFE699"
FILL_OPTIONAL = "#DDEBF7"

# Excel limits of a data validation.
_LIST_MAX_CHARS = 255
_TITLE_MAX_CHARS = 32
_MESSAGE_MAX_CHARS = 255


# --- what the instructions say about each field (shared by the sheet and the docs) --------


@dataclass(frozen=True)
class FieldDoc:
    key: str
    label: str
    required: str  # 是 / 否 / the conditional rule
    type: str
    values: str
    aliases: str
    help: str


def required_text(roster: Roster, f: Field) -> str:
    """是, 否, or the conditional rule of a field that is required only sometimes."""
    if f.required:
        return "是"
    rule = _conditional_rule(roster, f)
    return rule if rule else "否"


def _conditional_rule(roster: Roster, f: Field) -> str | None:
    # schema.Field has no "required when" attribute; the one conditional requirement of
    # SPEC section 2 (物业服务企业) is expressed by schema.MODES_NEED_COMPANY.
    if roster is schema.COMPOUNDS and f.key == "service_company":
        return "、".join(schema.MODES_NEED_COMPANY) + "时必填"
    return None


def _unique_casefold(values: tuple[str, ...], skip: str) -> list[str]:
    seen = {skip.casefold()}
    out: list[str] = []
    for v in values:
        if v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out


def _with_aliases(canon: str, aliases: list[str] | tuple[str, ...]) -> str:
    return f"{canon}（也可写：{'、'.join(aliases)}）" if aliases else canon


def bool_values_text() -> str:
    yes, no = schema.BOOL_TRUE[0], schema.BOOL_FALSE[0]
    return "、".join(
        (
            _with_aliases(yes, _unique_casefold(schema.BOOL_TRUE, yes)),
            _with_aliases(no, _unique_casefold(schema.BOOL_FALSE, no)),
        )
    )


def enum_values_text(enum: str) -> str:
    return "、".join(_with_aliases(canon, aliases) for canon, aliases in schema.ENUMS[enum].items())


def values_text(roster: Roster, f: Field) -> str:
    """The 可选值 column: accepted values, or the rule a value must follow."""
    if f.type == "enum":
        assert f.enum is not None
        return enum_values_text(f.enum)
    if f.type == "bool":
        return bool_values_text()
    if f.type == "date":
        return f"日期，如 {DATE_EXAMPLE}"
    if f.type == "int":
        text = "大于或等于 0 的整数"
        if f.not_above:
            text += f"，不得超过“{roster.field(f.not_above).label}”"
        return text
    if f.type == "idlist":
        return "一个或多个编号，用顿号、逗号、分号或空格分隔"
    return ""


def field_docs(roster: Roster) -> list[FieldDoc]:
    return [
        FieldDoc(
            key=f.key,
            label=f.label,
            required=required_text(roster, f),
            type=TYPE_NAMES[f.type],
            values=values_text(roster, f),
            aliases="、".join(f.aliases),
            help=f.help,
        )
        for f in roster.fields
    ]


DOC_COLUMNS = ("列名", "是否必填", "类型", "可选值", "其他写法", "说明")


def _doc_row(d: FieldDoc) -> tuple[str, ...]:
    return (d.label, d.required, d.type, d.values, d.aliases, d.help)


def intro_lines() -> list[str]:
    sheets = "、".join(f"“{r.label}”" for r in schema.ROSTERS)
    return [
        f"本工作簿用于填报党建引领物业管理“三率”台账，共 {len(schema.ROSTERS)} 张表：{sheets}。"
        "请在对应的工作表中填写，填好后可用 sanlv validate 检查，用 sanlv report 统计三率。",
        "每个小区（物业管理区域）、每个业主委员会（物业管理委员会）、每个党组织（或派驻的党建指导员）"
        "各占一行；不要合并单元格，不要插入合计行。",
        "请勿修改、删除或调换第一行的表头，也不要改动工作表名称；不需要的选填列可以留空。",
        "每张表的编号不得重复。业委会表的“小区编号”须与小区表中的编号一致；"
        "党组织表的“依托对象编号”填所依托业委会（物管会）的组织编号或小区编号，"
        "依托物业服务企业的填所服务小区的编号。"
        "编号以 0 开头时请保留（模板中编号列已设为文本格式）。",
        f"日期请按 {DATE_EXAMPLE} 的格式填写；带下拉箭头的列请从列表中选择。",
        "表头颜色：橙色为必填列，黄色为按条件必填列，蓝色为选填列；把鼠标移到表头上可看到填写说明。",
    ]


# --- the workbook ------------------------------------------------------------------------


def write_template(path: str | os.PathLike[str]) -> None:
    """Write the blank roster workbook (three roster sheets and 说明) to ``path``, atomically."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"模板只能保存为 .xlsx 文件：{target.name}")
    with atomic_output(target) as tmp:
        _build(tmp)


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        header = {
            "bold": True,
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
            "border": 1,
        }
        self.header = {
            "required": wb.add_format({**header, "bg_color": FILL_REQUIRED}),
            "conditional": wb.add_format({**header, "bg_color": FILL_CONDITIONAL}),
            "optional": wb.add_format({**header, "bg_color": FILL_OPTIONAL}),
        }
        self.text = wb.add_format({"num_format": "@"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.int = wb.add_format({"num_format": "0"})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.section = wb.add_format({"bold": True, "font_size": 12})
        self.para = wb.add_format({"text_wrap": True, "valign": "top"})
        self.doc_header = wb.add_format({**header, "bg_color": FILL_OPTIONAL})
        cell = {"text_wrap": True, "valign": "top", "border": 1}
        self.doc_cell = wb.add_format(cell)
        self.doc_label = {
            kind: wb.add_format({**cell, "bold": True, "bg_color": fill})
            for kind, fill in (
                ("required", FILL_REQUIRED),
                ("conditional", FILL_CONDITIONAL),
                ("optional", FILL_OPTIONAL),
            )
        }


def _build(filename: str) -> None:
    wb = xlsxwriter.Workbook(filename, {"strings_to_formulas": False})
    wb.set_properties(
        {
            "title": "党建引领物业管理“三率”台账模板",
            "subject": "小区、业委会（物管会）、党组织台账",
            "author": "sanlv",
            "comments": "由 sanlv template 生成",
        }
    )
    fmt = _Formats(wb)
    lists = _ListSheet()
    instructions = wb.add_worksheet(INSTRUCTIONS_SHEET)
    for roster in schema.ROSTERS:
        _write_roster_sheet(wb, roster, fmt, lists)
    lists.write(wb)
    _write_instructions(instructions, fmt)
    instructions.activate()
    wb.close()


def _header_kind(roster: Roster, f: Field) -> str:
    if f.required:
        return "required"
    if _conditional_rule(roster, f):
        return "conditional"
    return "optional"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _ListSheet:
    """Drop-down lists too long for an inline list (Excel allows 255 characters) go to a
    hidden sheet written after the roster sheets. With the current schema none is needed."""

    NAME = "下拉选项"

    def __init__(self) -> None:
        self._columns: list[list[str]] = []

    def source(self, values: list[str]) -> list[str] | str:
        if len(",".join(values)) <= _LIST_MAX_CHARS and not any("," in v for v in values):
            return values  # an inline list
        col = xl_col_to_name(len(self._columns), col_abs=True)
        self._columns.append(values)
        return f"='{self.NAME}'!{col}$1:{col}${len(values)}"

    def write(self, wb: xlsxwriter.Workbook) -> None:
        if not self._columns:
            return
        ws = wb.add_worksheet(self.NAME)
        for col, values in enumerate(self._columns):
            for row, value in enumerate(values):
                ws.write_string(row, col, value)
        ws.hide()


def _write_roster_sheet(
    wb: xlsxwriter.Workbook, roster: Roster, fmt: _Formats, lists: _ListSheet
) -> None:
    ws = wb.add_worksheet(roster.label)
    first, last = 1, DATA_ROWS  # zero-based data rows: Excel rows 2..DATA_ROWS+1
    ws.set_row(0, 30)
    for col, f in enumerate(roster.fields):
        kind = _header_kind(roster, f)
        ws.write_string(0, col, f.label, fmt.header[kind])
        comment = _header_comment(roster, f)
        ws.write_comment(0, col, comment, _comment_options(comment))
        col_fmt = {"date": fmt.date, "int": fmt.int}.get(f.type, fmt.text)
        ws.set_column(col, col, f.width, col_fmt)
        rule = _validation(roster, f, col, lists)
        if rule is not None:
            ws.data_validation(first, col, last, col, rule)
    ncols = len(roster.fields)
    ws.freeze_panes(1, 0)
    # Ids and text columns are text-formatted on purpose: no "number stored as text" flags.
    ws.ignore_errors({"number_stored_as_text": f"A2:{xl_rowcol_to_cell(last, ncols - 1)}"})
    _print_setup(ws)


def _header_comment(roster: Roster, f: Field) -> str:
    rule = _conditional_rule(roster, f)
    lead = "必填" if f.required else (rule or "选填")
    lines = [f"{lead}。{f.help}"]
    if f.aliases:
        lines.append(f"其他写法：{'、'.join(f.aliases)}")
    return "\n".join(lines)


def _comment_options(text: str) -> dict[str, object]:
    # A comment box of x_scale 2 holds about 36 half-width characters a line; the default
    # box is 74 pixels tall, about 4 lines.
    lines = _lines_needed(text, 36)
    return {"author": "sanlv", "x_scale": 2, "y_scale": max(1.0, (16 * lines + 10) / 74)}


def _input_message(f: Field) -> dict[str, str]:
    title = ("【必填】" if f.required else "") + f.label
    return {
        "input_title": _clip(title, _TITLE_MAX_CHARS),
        "input_message": _clip(f.help, _MESSAGE_MAX_CHARS),
        "error_title": _clip(f"“{f.label}”填写有误", _TITLE_MAX_CHARS),
    }


def _validation(roster: Roster, f: Field, col: int, lists: _ListSheet) -> dict | None:
    if f.type == "enum":
        assert f.enum is not None
        values = schema.enum_values(f.enum)
        return {
            "validate": "list",
            "source": lists.source(values),
            **_input_message(f),
            "error_message": _clip(
                f"请从下拉列表中选择：{'、'.join(values)}。", _MESSAGE_MAX_CHARS
            ),
        }
    if f.type == "bool":
        yes, no = schema.BOOL_TRUE[0], schema.BOOL_FALSE[0]
        return {
            "validate": "list",
            "source": [yes, no],
            **_input_message(f),
            "error_message": f"请从下拉列表中选择“{yes}”或“{no}”。",
        }
    if f.type == "date":
        msg = _input_message(f)
        msg["input_message"] = _clip(f"请填写日期，如 {DATE_EXAMPLE}。{f.help}", _MESSAGE_MAX_CHARS)
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": DATE_MIN,
            "maximum": DATE_MAX,
            **msg,
            "error_message": (
                f"请填写 {DATE_MIN:%Y-%m-%d} 至 {DATE_MAX:%Y-%m-%d} 之间的日期，"
                f"格式如 {DATE_EXAMPLE}。"
            ),
        }
    if f.type == "int":
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            **_input_message(f),
            "error_message": "请填写大于或等于 0 的整数。",
        }
    if f.type == "id" and f.key == roster.id_field:
        cell = xl_rowcol_to_cell(1, col)
        col_name = xl_col_to_name(col, col_abs=True)
        rng = f"{col_name}$2:{col_name}${DATA_ROWS + 1}"
        return {
            "validate": "custom",
            # An exact text comparison (COUNTIF would treat 001 and 1, or * and ?, alike).
            "value": f"=SUMPRODUCT(--({rng}={cell}))<=1",
            "ignore_blank": True,
            **_input_message(f),
            "error_message": f"“{f.label}”不得重复：本表中已有相同的编号。",
        }
    return None


def _print_setup(ws) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines_needed(text: str, width: float) -> int:
    return sum(max(1, math.ceil(_display_width(part) / max(width, 1))) for part in text.split("\n"))


_DOC_WIDTHS = (16, 16, 10, 44, 30, 50)
_CN_NUMBERS = "〇一二三四五六七八九十"
_LINE_HEIGHT = 16


def _write_instructions(ws, fmt: _Formats) -> None:
    ncols = len(DOC_COLUMNS)
    for col, width in enumerate(_DOC_WIDTHS):
        ws.set_column(col, col, width)
    total_width = sum(_DOC_WIDTHS) * 0.95  # leave room for cell padding
    row = 0
    ws.write_string(row, 0, "党建引领物业管理“三率”台账填报说明", fmt.title)
    ws.set_row(row, 26)
    row += 2
    for i, line in enumerate(intro_lines(), start=1):
        text = f"{i}. {line}"
        ws.merge_range(row, 0, row, ncols - 1, text, fmt.para)
        ws.set_row(row, _LINE_HEIGHT * _lines_needed(text, total_width) + 4)
        row += 1
    for n, roster in enumerate(schema.ROSTERS, start=1):
        row += 1
        others = [a for a in roster.sheet_aliases if a != roster.label]
        heading = f"{_CN_NUMBERS[n]}、工作表“{roster.label}”"
        if others:
            heading += f"（工作表名也可以是：{'、'.join(others)}）"
        ws.write_string(row, 0, heading, fmt.section)
        ws.set_row(row, 20)
        row += 1
        for col, name in enumerate(DOC_COLUMNS):
            ws.write_string(row, col, name, fmt.doc_header)
        row += 1
        for f, doc in zip(roster.fields, field_docs(roster), strict=True):
            cells = _doc_row(doc)
            for col, value in enumerate(cells):
                cell_fmt = fmt.doc_label[_header_kind(roster, f)] if col == 0 else fmt.doc_cell
                if value:
                    ws.write_string(row, col, value, cell_fmt)
                else:
                    ws.write_blank(row, col, None, cell_fmt)
            lines = max(_lines_needed(v, w * 0.9) for v, w in zip(cells, _DOC_WIDTHS, strict=True))
            ws.set_row(row, _LINE_HEIGHT * lines + 4)
            row += 1
    _print_setup(ws)
    ws.print_area(0, 0, row - 1, ncols - 1)


# --- the Markdown reference ----------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>") or " "


def _md_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join("---" for _ in header) + "|"
    for r in rows:
        yield "| " + " | ".join(_md_cell(c) for c in r) + " |"


def docs_fields_markdown() -> str:
    """The roster field reference as Markdown (the content of ``docs/fields.md``)."""
    out: list[str] = [
        "# 台账字段说明（Roster fields）",
        "",
        "<!-- Generated from src/sanlv/schema.py by sanlv.template.docs_fields_markdown(); "
        "do not edit by hand. Regenerate: python -m sanlv.template --fields-md docs/fields.md -->",
        "",
        "`sanlv template` 生成的空白台账模板与本页内容一致。",
        "",
    ]
    out += [f"{i}. {line}" for i, line in enumerate(intro_lines(), start=1)]
    out += [
        "",
        "表头和工作表名称在比对前会统一全角/半角、去掉空格和换行，"
        "因此“小区（院落）名称”与“小区(院落)名称”视为同一写法。",
    ]
    header = ("字段", *DOC_COLUMNS)
    for roster in schema.ROSTERS:
        others = [a for a in roster.sheet_aliases if a != roster.label]
        out += ["", f"## {roster.label}（`{roster.key}`）", ""]
        if others:
            out += [f"工作表名称：{roster.label}；也可以是：{'、'.join(others)}。", ""]
        rows = [(f"`{d.key}`", *_doc_row(d)) for d in field_docs(roster)]
        out += _md_table(header, rows)
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sanlv.template", description="Write the roster template or docs."
    )
    parser.add_argument("-o", "--output", help="write the blank roster workbook here")
    parser.add_argument("--fields-md", metavar="PATH", help="write docs/fields.md here")
    args = parser.parse_args(argv)
    if not args.output and not args.fields_md:
        parser.error("nothing to do: give -o FILE and/or --fields-md PATH")
    if args.output:
        write_template(args.output)
    if args.fields_md:
        Path(args.fields_md).write_text(docs_fields_markdown(), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
