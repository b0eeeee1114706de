"""The blank roster workbook of ``sanlv template``: three roster sheets with canonical
headers (coloured by required / conditional / optional, with a comment each), drop-down lists
for every enumeration, input rules for dates and numbers, and a 说明 sheet. Generated from
:mod:`sanlv.schema` via :mod:`sanlv.content.fields`, so a field added there appears here."""

from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import schema
from ..content.fields import (
    DATE_EXAMPLE,
    DOC_COLUMNS,
    conditional_rule,
    doc_row,
    field_docs,
    intro_lines,
)
from ..schema import Field, Roster
from .workbook import Book, print_setup, workbook

DEFAULT_FILENAME = "三率台账模板.xlsx"
INSTRUCTIONS_SHEET = "说明"
TITLE = "党建引领物业管理“三率”台账模板"

#: Data rows that get input rules: rows 2..DATA_ROWS+1 as Excel shows them.
DATA_ROWS = 5000
DATE_MIN = dt.date(1949, 10, 1)
DATE_MAX = dt.date(2100, 12, 31)

# Header fills: required, required under a condition, optional.
FILL_REQUIRED = "#F8CBAD"
FILL_CONDITIONAL = "#FFE699"
FILL_OPTIONAL = "#DDEBF7"

# Excel limits of a data validation.
_LIST_MAX_CHARS = 255
_TITLE_MAX_CHARS = 32
_MESSAGE_MAX_CHARS = 255


# --- the workbook ------------------------------------------------------------------------


def write_template(
    path: str | os.PathLike[str],
    rows: dict[str, pd.DataFrame] | None = None,
    title: str = TITLE,
) -> None:
    """Write the roster workbook (three roster sheets and 说明) to ``path``, atomically:
    blank, or pre-filled with `rows` (roster key -> its table, e.g. a street's latest
    accepted data), whose ids are marked as not to be changed."""
    with workbook(
        path, kind="template", title=title, comments="由 sanlv template 生成", full_api=True
    ) as book:
        _build(book, rows or {})


class _Formats:
    def __init__(self, wb: Any) -> None:
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
        self.locked = wb.add_format({"num_format": "@", "bg_color": "#EDEDED"})
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


def _build(book: Book, rows: dict[str, pd.DataFrame]) -> None:
    wb = book.wb
    fmt = _Formats(wb)
    lists = _ListSheet()
    instructions = wb.add_worksheet(INSTRUCTIONS_SHEET)
    print_setup(instructions, TITLE)
    for roster in schema.ROSTERS:
        ws = _write_roster_sheet(wb, roster, fmt, lists)
        if roster.key in rows:
            _prefill(ws, roster, rows[roster.key], fmt)
    lists.write(wb)
    _write_instructions(instructions, fmt)
    instructions.activate()


def _header_kind(roster: Roster, f: Field) -> str:
    if f.required:
        return "required"
    if conditional_rule(roster, f):
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

    def write(self, wb: Any) -> None:
        if not self._columns:
            return
        ws = wb.add_worksheet(self.NAME)
        for col, values in enumerate(self._columns):
            for row, value in enumerate(values):
                ws.write_string(row, col, value)
        ws.hide()


def _write_roster_sheet(wb: Any, roster: Roster, fmt: _Formats, lists: _ListSheet) -> Any:
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
    return ws


def _prefill(ws: Any, roster: Roster, df: pd.DataFrame, fmt: _Formats) -> None:
    """Last month's rows, typed as the template expects; the id column greyed with a note
    that an existing id is not to be changed (new rows go at the bottom)."""
    from ..display import show_column

    for col, f in enumerate(roster.fields):
        values = df[f.key] if f.key in df else pd.Series([None] * len(df))
        if f.type == "int":
            cells = [None if pd.isna(v) else int(v) for v in values.tolist()]
        elif f.type == "date":
            cells = [None if pd.isna(v) else v.to_pydatetime() for v in values.tolist()]
        else:
            cells = [v or None for v in show_column(f, values).tolist()]
        for r, v in enumerate(cells, start=1):
            if v is None:
                continue
            if f.key == roster.id_field:
                ws.write_string(r, col, str(v), fmt.locked)
            elif f.type == "int":
                ws.write_number(r, col, v, fmt.int)
            elif f.type == "date":
                ws.write_datetime(r, col, v, fmt.date)
            else:
                ws.write_string(r, col, str(v), fmt.text)
    id_col = roster.keys.index(roster.id_field)
    note = _header_comment(roster, roster.field(roster.id_field))
    note += "\n已有的编号请勿修改（改了会被当作另一个对象）；新增的请在表格末尾另起一行填写。"
    ws.write_comment(0, id_col, note, _comment_options(note))


def _header_comment(roster: Roster, f: Field) -> str:
    rule = conditional_rule(roster, f)
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
    print_setup(ws, TITLE)
    ws.repeat_rows(0)


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
            cells = doc_row(doc)
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
