"""Terminal rendering of the workspace commands: receive, status, close, reopen."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..submissions import StatusResult
from ..workspace import ACCEPTED, FORCED, MISSING, RETURNED, ReceiveResult
from .fit import paragraph, simple_head

_STYLE = {ACCEPTED: "green", FORCED: "yellow", RETURNED: "red", MISSING: "red", "无法读取": "red"}


def _place(places) -> str:
    return "、".join(d + s for d, s in places) or "—"


def print_receive(result: ReceiveResult, console: Console | None = None) -> None:
    console = console or Console()
    for r in result.received:
        style = _STYLE.get(r.status, "dim")
        line = f"[{style}]{r.status}[/]  {escape(f'{r.file}  {_place(r.places)}')}"
        if r.status in (ACCEPTED, RETURNED, FORCED):
            line += f"（错误 {r.errors} 个，警告 {r.warnings} 个）"
        paragraph(console, line, hang=6)
        if r.message:
            paragraph(console, escape(f"      {r.message}"), hang=6)
        for path in r.returns:
            paragraph(console, escape(f"      退回材料：{path}"), hang=6)
    counts: dict[str, int] = {}
    for r in result.received:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = "，".join(f"{k} {v} 个" for k, v in counts.items())
    paragraph(console, f"{result.period} 报送登记：{summary}。")


def print_status(result: StatusResult, console: Console | None = None) -> None:
    console = console or Console()
    s = result.summary()
    title = f"{result.period} 台账报送情况（报送截止 {result.deadline.isoformat()}）"
    table = Table(title=title, box=simple_head(console), pad_edge=False, collapse_padding=True)
    for h in ("区", "街道", "报送情况", "次数", "最近报送", "逾期", "错误", "警告"):
        table.add_column(
            h, no_wrap=h != "街道", justify="right" if h in ("次数", "错误", "警告") else "left"
        )
    for x in result.streets:
        style = _STYLE.get(x.status, "")
        table.add_row(
            x.district,
            x.street,
            f"[{style}]{x.status}[/]" if style else x.status,
            str(x.submissions),
            (x.received_at or "—").replace("T", " ")[:16],
            "[red]逾期[/]" if x.late else "",
            str(x.errors),
            str(x.warnings),
        )
    console.print(table)
    paragraph(
        console,
        f"应报 {s['expected']} 个街道：合格或带错接收 {s['accepted']}，退回 {s['returned']}，"
        f"未报送 {s['missing']}，逾期 {s['late']}。" + ("本月已月结。" if result.closed else ""),
    )
    chase = result.chase()
    if chase:
        console.print("[bold]催报名单[/bold]")
        for x in chase:
            paragraph(console, escape(f"  {x.district}{x.street}：{x.reason}"), hang=4)
    else:
        console.print("无需催报。", highlight=False)
