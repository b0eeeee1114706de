"""Terminal rendering with rich (Chinese labels)."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table

from .write import SEVERITY_LABELS

MAX_PER_SHEET = 50
_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def print_validation(result, strict: bool = False, console: Console | None = None) -> None:
    console = console or Console()
    ds = result.dataset
    counts = result.counts
    rows = ds.rows
    files = "、".join(f.name for f in ds.files)
    console.print(f"[bold]校验文件：[/bold]{files}（统计截止 {result.as_of.isoformat()}）")
    reasons = "；".join(f"{k} {v} 行" for k, v in rows.get("skipped_by_reason", {}).items())
    console.print(
        f"行数核对：读取 {rows['read']} 行 = 计入 {rows['used']} 行 + 未计入 {rows['skipped']} 行"
        + (f"（{reasons}）" if reasons else "")
    )
    by_code = Counter((i.code, i.severity) for i in result.issues)
    if by_code:
        t = Table(title="问题汇总", show_lines=False)
        t.add_column("问题代码")
        t.add_column("级别")
        t.add_column("数量", justify="right")
        for (code, sev), n in sorted(
            by_code.items(), key=lambda kv: (["error", "warning", "info"].index(kv[0][1]), kv[0][0])
        ):
            t.add_row(code, f"[{_STYLE[sev]}]{SEVERITY_LABELS[sev]}[/]", str(n))
        console.print(t)
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for i in result.issues:
        if i.severity != "info":
            groups[(i.file, i.sheet)].append(i)
    for (file, sheet), items in groups.items():
        title = f"{file}" + (f" / {sheet}" if sheet else "")
        console.print(f"\n[bold]{title}[/bold]（{len(items)} 个问题）")
        for i in items[:MAX_PER_SHEET]:
            where = i.cell or (f"第{i.row}行" if i.row else "")
            hint = f" [dim]→ {i.hint}[/dim]" if i.hint else ""
            console.print(
                f"  [{_STYLE[i.severity]}]{SEVERITY_LABELS[i.severity]}[/] {where} {i.message}{hint}",
                highlight=False,
            )
        if len(items) > MAX_PER_SHEET:
            console.print(
                f"  …… 另有 {len(items) - MAX_PER_SHEET} 个问题未显示，请用 --output 导出完整清单。"
            )
    verdict = "[green]通过[/green]" if result.exit_code(strict) == 0 else "[red]未通过[/red]"
    console.print(
        f"\n结果：{verdict}（错误 {counts['error']} 个，警告 {counts['warning']} 个，提示 {counts['info']} 个）"
    )
