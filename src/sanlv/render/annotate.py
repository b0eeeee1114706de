"""validate --annotate: a marked-up copy of the user's own workbook.

Each offending cell is filled (red for errors, yellow for warnings) and carries a comment
with the message and the hint; an issue without a cell marks the first cell of its row; a
``问题清单`` sheet lists the issues with links to the cells. The input is only read, never
saved over. ``.xlsx``/``.xlsm`` inputs are copied with openpyxl (formats, merges and formulas
kept); ``.xls``/``.ods``/``.csv`` inputs (or a workbook openpyxl cannot open) are rebuilt from
the cell values the reader saw. With several inputs, the first goes to OUT.xlsx and each other
one to OUT-<input name>.xlsx beside it.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .. import __version__
from ..issues import (
    ERROR,
    INFO,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    WARNING,
    Issue,
    display_order,
)
from ..write import MARK_PROPERTY, atomic_output, guard_output, mark_stamp, temporary_files_in
from .issues_file import ISSUE_COLUMNS, issue_rows

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook

    from ..validate import ValidationResult

FILLS = {ERROR: "FFC7CE", WARNING: "FFEB9C"}
ISSUE_SHEET = "问题清单"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_INT_RE = re.compile(r"^-?(?:0|[1-9]\d{0,14})$")
_FLOAT_RE = re.compile(r"^-?(?:0|[1-9]\d{0,14})\.\d+$")


def output_paths(names: list[str], out_path: Path) -> list[Path]:
    """OUT.xlsx for the first input, OUT-<stem>.xlsx for each other one (made unique);
    `names` are the input files' names in reading order."""
    out_path = Path(out_path)
    paths = [out_path]
    used = {out_path.name.lower()}
    for name in names[1:]:
        stem = _BAD_TITLE.sub("_", clean_text(Path(name).stem)) or "file"
        name = f"{out_path.stem}-{stem}{out_path.suffix}"
        n = 2
        while name.lower() in used:
            name = f"{out_path.stem}-{stem}-{n}{out_path.suffix}"
            n += 1
        used.add(name.lower())
        paths.append(out_path.with_name(name))
    return paths


def annotate_inputs(
    result: ValidationResult, out_path: str | os.PathLike, force: bool = False
) -> list[Path]:
    """Write the marked-up copies; returns the paths written (first = out_path). A copy that
    would replace an input, or a file sanlv did not write (without `force`), is refused."""
    files = result.dataset.files
    paths = output_paths([f.name for f in files], Path(out_path))
    inputs = [Path(f.path) for f in files]
    for target in paths:
        guard_output(target, inputs, force)
    by_file: dict[str, list[Issue]] = defaultdict(list)
    for issue in result.issues:
        by_file[issue.file].append(issue)
    general = by_file.get("", [])
    for info, target in zip(files, paths, strict=True):
        issues = by_file.get(info.name, [])
        wb, titles = _open_copy(Path(info.path))
        _mark(wb, titles, issues)
        _issue_sheet(wb, titles, display_order(issues + general))
        _sign(wb)
        with atomic_output(target) as tmp, temporary_files_in(os.path.dirname(tmp)):
            wb.properties.created = mark_stamp()  # openpyxl stamps the modified time
            wb.save(tmp)
    return paths


def clean_text(value: str) -> str:
    """Text without the control characters an xlsx file cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _sign(wb: Workbook) -> None:
    """The sanlv mark (SPEC section 3), replacing a mark the input carried (a copy of a
    filled-in sanlv template is an annotated copy now, not a template)."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    if MARK_PROPERTY in props.names:
        del props[MARK_PROPERTY]
    props.append(StringProperty(name=MARK_PROPERTY, value=f"annotated {__version__}"))


# --- the copy ---------------------------------------------------------------------------------


def _open_copy(path: Path) -> tuple[Workbook, dict[str, str]]:
    """The workbook to mark up and a map sheet name (as the reader saw it) -> title."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, keep_vba=False, rich_text=False)
        except Exception:  # openpyxl is stricter than the reader: fall back to the values
            pass
        else:
            return wb, {ws.title: ws.title for ws in wb.worksheets}
    return _rebuild(path)


def _rebuild(path: Path) -> tuple[Workbook, dict[str, str]]:
    """A new workbook holding the cell values of every sheet of a non-xlsx input."""
    import openpyxl

    from ..read import load_grids

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    titles: dict[str, str] = {}
    for grid in load_grids(path):
        title = _unique_title(wb, grid.sheet)
        titles[grid.sheet] = title
        ws = wb.create_sheet(title)
        if grid.hidden:
            ws.sheet_state = "hidden"
        for j, col in enumerate(grid.columns):
            c_idx = grid.col_offset + j + 1
            for r, value in enumerate(col.to_pylist(), start=1):
                if value is None or value == "":
                    continue
                _set_value(ws.cell(r, c_idx), _typed(value))
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    return wb, titles


def _typed(value: str) -> object:
    """Numbers typed back as numbers (ids with leading zeros stay text)."""
    v = value.strip()
    if _INT_RE.match(v):
        return int(v)
    if _FLOAT_RE.match(v):
        return float(v)
    return value


def _set_value(cell, value: object) -> None:
    """Set a value; text is always text, never a formula, and without control characters."""
    if isinstance(value, str):
        value = clean_text(value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _unique_title(wb: Workbook, name: str) -> str:
    # Excel: no []:*?/\\, at most 31 characters, no apostrophe at either end
    base = _BAD_TITLE.sub("_", clean_text(name)).strip("'")[:31].rstrip("'") or "Sheet"
    title, n = base, 2
    existing = {ws.title.lower() for ws in wb.worksheets}
    while title.lower() in existing:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


# --- marking ----------------------------------------------------------------------------------


def _mark(wb: Workbook, titles: dict[str, str], issues: list[Issue]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.utils.cell import coordinate_from_string

    cells: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.severity == INFO or not issue.sheet:
            continue
        title = titles.get(issue.sheet)
        if title is None or title not in wb.sheetnames:
            continue
        ws = wb[title]
        coord = issue.cell
        if coord:
            try:
                coordinate_from_string(coord)
            except ValueError:
                coord = ""
        if not coord:
            if not issue.row:
                continue
            coord = f"{_letter(ws.min_column)}{issue.row}"
        cells[(title, _top_left(ws, coord))].append(issue)
    for (title, coord), found in cells.items():
        ws = wb[title]
        cell = ws[coord]
        worst = min(found, key=lambda i: SEVERITY_ORDER[i.severity]).severity
        cell.fill = PatternFill("solid", start_color=FILLS[worst], end_color=FILLS[worst])
        lines = []
        for i in found:
            lines.append(f"【{SEVERITY_LABELS[i.severity]}】{i.message}")
            if i.hint:
                lines.append(f"建议：{i.hint}")
        text = clean_text("\n".join(lines))
        comment = Comment(text, "sanlv")
        comment.width = 320
        comment.height = min(60 + 18 * len(lines) + len(text) // 2, 600)
        cell.comment = comment


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(max(1, index))


def _top_left(ws, coord: str) -> str:
    """A cell inside a merged range is marked on the range's top-left cell."""
    for rng in ws.merged_cells.ranges:
        if coord in rng:
            return rng.start_cell.coordinate
    return coord


def _issue_sheet(wb: Workbook, titles: dict[str, str], issues: list[Issue]) -> None:
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(_unique_title(wb, ISSUE_SHEET), 0)
    headers = [label for _, label in ISSUE_COLUMNS]
    ws.append(headers)
    bold = Font(bold=True)
    for c in ws[1]:
        c.font = bold
        c.fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    cell_col = [k for k, _ in ISSUE_COLUMNS].index("cell") + 1
    sev_col = [k for k, _ in ISSUE_COLUMNS].index("severity") + 1
    for r, (issue, row) in enumerate(zip(issues, issue_rows(issues), strict=True), start=2):
        for c, value in enumerate(row, start=1):
            _set_value(ws.cell(r, c), value if value != "" else None)
        if issue.severity in FILLS:
            color = FILLS[issue.severity]
            ws.cell(r, sev_col).fill = PatternFill("solid", start_color=color, end_color=color)
        title = titles.get(issue.sheet)
        if issue.cell and title and title in wb.sheetnames:
            link = ws.cell(r, cell_col)
            quoted = title.replace("'", "''")
            link.hyperlink = f"#'{quoted}'!{issue.cell}"
            link.font = Font(color="0563C1", underline="single")
    for c, width in enumerate((16, 22, 6, 20, 12, 6, 14, 8, 16, 60, 44), start=1):
        ws.column_dimensions[_letter(c)].width = width
    ws.freeze_panes = "A2"
    if issues:
        ws.auto_filter.ref = f"A1:{_letter(len(headers))}{len(issues) + 1}"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = 0
