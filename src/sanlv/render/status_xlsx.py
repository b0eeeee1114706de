"""The 报送情况 workbook (``sanlv status -o``): one row per expected street (status,
submissions, last received, 逾期, errors, warnings), then the 催报 list."""

from __future__ import annotations

import os

from ..submissions import StatusResult
from .workbook import workbook

HEADERS = ("区", "街道", "报送情况", "报送次数", "最近报送时间", "逾期", "错误", "警告")
WIDTHS = (10, 16, 10, 8, 20, 6, 6, 6)


def write_status(result: StatusResult, path: str | os.PathLike) -> None:
    title = f"{result.period} 台账报送情况（截止 {result.deadline.isoformat()}）"
    with workbook(path, kind="status", title=title) as book:
        sh = book.sheet("报送情况", title)
        ws, fmts = sh.ws, sh.fmts
        ws.merge_range(0, 0, 0, len(HEADERS) - 1, title, fmts["section"])
        s = result.summary()
        ws.merge_range(
            1,
            0,
            1,
            len(HEADERS) - 1,
            f"应报 {s['expected']} 个街道：合格或带错接收 {s['accepted']}，退回 {s['returned']}，"
            f"未报送 {s['missing']}，逾期 {s['late']}。"
            + ("（本月已月结）" if result.closed else ""),
            fmts["note"],
        )
        sh.header(2, list(HEADERS))
        for r, x in enumerate(result.streets, start=3):
            sh.text(r, 0, x.district, "cell")
            sh.text(r, 1, x.street, "cell")
            sh.text(r, 2, x.status, "cell")
            sh.number(r, 3, x.submissions, "int")
            sh.text(r, 4, (x.received_at or "").replace("T", " "), "cell")
            sh.text(r, 5, "是" if x.late else "", "cell")
            sh.number(r, 6, x.errors, "int")
            sh.number(r, 7, x.warnings, "int")
        sh.finish(2, freeze_col=2)
        for c, w in enumerate(WIDTHS):
            ws.set_column(c, c, max(w, sh.widths.get(c, 0)))
        chase = book.sheet("催报", f"{result.period} 催报名单")
        chase.ws.write_string(0, 0, f"{result.period} 催报名单", fmts["section"])
        chase.header(1, ["区", "街道", "原因"])
        rows = result.chase()
        for r, x in enumerate(rows, start=2):
            chase.text(r, 0, x.district, "cell")
            chase.text(r, 1, x.street, "cell")
            chase.text(r, 2, x.reason, "cell")
        if not rows:
            chase.text(2, 0, "无需催报", "cell")
        chase.finish(1)
