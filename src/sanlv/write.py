"""Write stage helpers shared by every output: atomic replacement and text-safe cells."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validate import ValidationResult

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside `target`; move it into place only if the block succeeds.

    An interrupted or failed write leaves the earlier file untouched and no partial file.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise OSError(2, "文件夹不存在", str(folder))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates the file private (0600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def csv_safe(value: object) -> str:
    """A CSV cell that spreadsheet programs show as text, never run as a formula."""
    if value is None:
        return ""
    s = str(value)
    if s.startswith(FORMULA_START):
        return "'" + s
    return s


ISSUE_COLUMNS = (
    ("code", "问题代码"),
    ("severity", "级别"),
    ("file", "文件"),
    ("sheet", "工作表"),
    ("row", "行号"),
    ("column", "列"),
    ("cell", "单元格"),
    ("value", "当前值"),
    ("message", "问题说明"),
    ("hint", "修改建议"),
)
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def issue_rows(issues: list) -> list[list[object]]:
    rows = []
    for i in issues:
        d = i.to_dict()
        d["severity"] = SEVERITY_LABELS.get(d["severity"], d["severity"])
        rows.append([d[k] if d[k] is not None else "" for k, _ in ISSUE_COLUMNS])
    return rows


def write_issues(result: ValidationResult, path: str | os.PathLike) -> None:
    """The issue list as .xlsx (one sheet, text-safe) or .csv (UTF-8 with BOM)."""
    path = Path(path)
    headers = [label for _, label in ISSUE_COLUMNS]
    rows = issue_rows(result.issues)
    with atomic_output(path) as tmp:
        if path.suffix.lower() == ".csv":
            import csv

            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(headers)
                w.writerows([[csv_safe(v) for v in r] for r in rows])
        else:
            import xlsxwriter

            wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False})
            ws = wb.add_worksheet("问题清单")
            bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
            ws.write_row(0, 0, headers, bold)
            for r, row in enumerate(rows, start=1):
                for c, v in enumerate(row):
                    if isinstance(v, int):
                        ws.write_number(r, c, v)
                    else:
                        ws.write_string(r, c, str(v))
            for c, width in enumerate((18, 6, 20, 10, 6, 14, 8, 16, 50, 40)):
                ws.set_column(c, c, width)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
            wb.close()
