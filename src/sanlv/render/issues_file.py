"""The issue list of ``sanlv validate --output`` as .xlsx (one printable sheet) or .csv
(UTF-8 with BOM, formula-safe), and the issue rows shared with the annotated copy's 问题清单
sheet. Errors first (the validation result is already in reading order)."""

from __future__ import annotations

import os
from pathlib import Path

from ..issues import ISSUE_COLUMNS, SEVERITY_LABELS, Issue, display_order
from ..write import atomic_output, csv_safe
from .workbook import workbook

ISSUE_WIDTHS = (16, 18, 6, 20, 10, 6, 14, 8, 16, 50, 40)


def issue_rows(issues: list[Issue]) -> list[list[object]]:
    rows = []
    for i in issues:
        d = i.to_dict()
        d["severity"] = SEVERITY_LABELS.get(d["severity"], d["severity"])
        rows.append([d[k] if d[k] is not None else "" for k, _ in ISSUE_COLUMNS])
    return rows


def write_issues(issues: list[Issue], path: str | os.PathLike, title: str = "问题清单") -> None:
    """The issue list as .xlsx (one sheet, text-safe) or .csv (UTF-8 with BOM)."""
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
    with workbook(path, kind="issues", title=title) as book:
        sh = book.sheet("问题清单", title)
        ws = sh.ws
        ws.write_row(0, 0, headers, sh.fmts["head"])
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if isinstance(v, int):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        for c, width in enumerate(ISSUE_WIDTHS):
            ws.set_column(c, c, width)
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
