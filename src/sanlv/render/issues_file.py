"""The issue list of ``sanlv validate --output`` as .xlsx (one printable sheet) or .csv
(UTF-8 with BOM, formula-safe), and the issue rows shared with the annotated copy's 问题清单
sheet. Errors first (the validation result is already in reading order)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..issues import ISSUE_COLUMNS, SEVERITY_LABELS, Issue, display_order
from ..write import atomic_output, csv_safe
from .workbook import text_width, workbook

LINE_PT = 13.5  # one line of 10 pt text

# Widths in Excel character units: together one A4 landscape page wide at 10 pt (long text
# wraps within its column).
ISSUE_WIDTHS = (12, 10, 5, 11, 8, 5, 8, 6, 9, 28, 22)


def issue_rows(issues: list[Issue]) -> list[list[object]]:
    rows = []
    for i in issues:
        d = i.to_dict()
        d["severity"] = SEVERITY_LABELS.get(d["severity"], d["severity"])
        rows.append([d[k] if d[k] is not None else "" for k, _ in ISSUE_COLUMNS])
    return rows


def issues_note(issues: list[Issue], files: Sequence[str] = (), as_of: date | None = None) -> str:
    """The line under the issue list's title: the date checked, the files, the counts."""
    counts = {label: 0 for label in SEVERITY_LABELS.values()}
    for i in issues:
        label = SEVERITY_LABELS.get(i.severity, i.severity)
        counts[label] = counts.get(label, 0) + 1
    parts = []
    if as_of is not None:
        parts.append(f"校验日期 {as_of:%Y-%m-%d}")
    if files:
        shown = "、".join(files[:8]) + (f" 等 {len(files)} 个文件" if len(files) > 8 else "")
        parts.append(f"文件：{shown}")
    parts.append("，".join(f"{k} {v} 个" for k, v in counts.items()))
    return "；".join(parts) + "。错误在前，须修改后重新报送；警告请核实。"


def write_issues(
    issues: list[Issue],
    path: str | os.PathLike,
    title: str = "问题清单",
    note: str = "",
) -> None:
    """The issue list as .xlsx (one sheet, text-safe: a title line, a note line with the
    date, files and counts, then the table) or .csv (UTF-8 with BOM, the table only)."""
    path = Path(path)
    headers = [label for _, label in ISSUE_COLUMNS]
    rows = issue_rows(display_order(issues))
    if path.suffix.lower() == ".csv":
        import csv

        with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(headers)
            w.writerows([[csv_safe(v) for v in r] for r in rows])
        return
    note = note or issues_note(issues)
    with workbook(path, kind="issues", title=title) as book:
        sh = book.sheet("问题清单", title)
        ws = sh.ws
        last = len(headers) - 1
        ws.merge_range(0, 0, 0, last, title, sh.fmts["title"])
        ws.set_row(0, 24)
        ws.merge_range(1, 0, 1, last, note, sh.fmts["note"])
        ws.set_row(1, 30)
        head = 2
        ws.write_row(head, 0, headers, sh.fmts["head"])
        cell = sh.fmts["wrap"]
        for r, row in enumerate(rows, start=head + 1):
            # wrapped text: the row as tall as its longest cell needs (spreadsheet programs
            # do not grow rows written by a library)
            lines = max(-(-text_width(v) // w) for v, w in zip(row, ISSUE_WIDTHS, strict=True))
            if lines > 1:
                ws.set_row(r, LINE_PT * lines)
            for c, v in enumerate(row):
                if isinstance(v, int):
                    ws.write_number(r, c, v, cell)
                else:
                    ws.write_string(r, c, str(v), cell)
        for c, width in enumerate(ISSUE_WIDTHS):
            ws.set_column(c, c, width)
        ws.freeze_panes(head + 1, 0)
        ws.repeat_rows(head, head)
        ws.autofilter(head, 0, head + max(len(rows), 1), last)
