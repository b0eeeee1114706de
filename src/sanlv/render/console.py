"""Terminal rendering with rich (Chinese labels)."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.console import Console
from rich.table import Table

from ..compute import HEADLINE
from ..content.definitions import rows_line, skipped_reasons
from ..content.labels import SEVERITY_LABELS, SEVERITY_ORDER, pct, rate_name, rate_terse
from ..content.report import ReportContent
from ..issues import title_of

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
        t.add_column("问题")
        t.add_column("代码")
        t.add_column("级别")
        t.add_column("数量", justify="right")
        for (code, sev), n in sorted(
            by_code.items(), key=lambda kv: (SEVERITY_ORDER[kv[0][1]], kv[0][0])
        ):
            t.add_row(title_of(code), code, f"[{_STYLE[sev]}]{SEVERITY_LABELS[sev]}[/]", str(n))
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


def print_codes(entries, console: Console | None = None) -> None:
    """The catalogue of check codes as a table."""
    console = console or Console()
    t = Table(title="问题代码", show_lines=False)
    for h in ("问题代码", "名称", "级别", "说明"):
        t.add_column(h, overflow="fold")
    for c in entries:
        t.add_row(
            c.code,
            c.title,
            f"[{_STYLE[c.severity]}]{SEVERITY_LABELS[c.severity]}[/]",
            c.description,
        )
    console.print(t)


def _rate_cell(entry: dict, key: str) -> str:
    r = entry[key]
    text = pct(r["rate"])
    style = ""
    if key in entry.get("target", {}) and r["rate"] is not None:
        style = "green" if entry["met"][key] else "red"
    shown = f"[{style}]{text}[/]" if style else text
    return f"{shown} [dim]({r['numerator']}/{r['denominator']})[/dim]"


def _gap_cell(entry: dict, keys: tuple[str, ...]) -> str:
    gaps = entry.get("gap", {})
    if not gaps:
        return "—"
    return " / ".join(str(gaps[k]) if gaps.get(k) is not None else "—" for k in keys)


def print_report(
    rc: ReportContent, console: Console | None = None, street_limit: int | None = None
) -> None:
    """Streets as rows, the three headline rates against the target, the total last.

    With `street_limit` (the report workbook holds every street), at most that many streets
    are listed, followed by a line saying how many more the workbook's 概览 sheet has."""
    console = console or Console()
    data = rc.data
    target = data["total"]["target"]
    t = rc.comp.config.target_for(rc.as_of)
    table = Table(title=f"“三率”统计（截至 {rc.as_of.isoformat()}）", show_lines=False)
    table.add_column("街道", no_wrap=True)
    table.add_column("小区数", justify="right")
    for key in HEADLINE:
        table.add_column(rate_terse(key), justify="right")
    table.add_column("排名", justify="right")
    table.add_column("差距（个）\n业委会/物业/党组织", justify="right", no_wrap=True)
    streets = data["streets"]
    shown = streets if street_limit is None else streets[:street_limit]
    for s in shown:
        table.add_row(
            s["street"],
            str(s["compounds"]),
            *(_rate_cell(s, k) for k in HEADLINE),
            str(s.get("rank") or ""),
            _gap_cell(s, HEADLINE),
        )
    total = data["total"]
    table.add_section()
    table.add_row(
        "[bold]全区合计[/bold]",
        f"[bold]{total['compounds']}[/bold]",
        *(_rate_cell(total, k) for k in HEADLINE),
        "",
        _gap_cell(total, HEADLINE),
    )
    console.print(table)
    if len(shown) < len(streets):
        console.print(
            f"（共 {len(streets)} 个街道，这里只列出前 {len(shown)} 个；"
            "完整的街道排名见报告工作簿的“概览”表。）",
            highlight=False,
        )
    if not total["compounds"]:
        console.print("[yellow]小区台账中没有纳入统计的小区，各率无法计算（显示为“—”）。[/yellow]")
    if t is not None and target:
        goals = "，".join(f"{rate_name(k)} {target[k] * 100:g}%" for k in HEADLINE if k in target)
        console.print(
            f"统计截止：{rc.as_of.isoformat()}；适用目标（截至 {t.by.isoformat()}）：{goals}",
            highlight=False,
        )
    else:
        console.print(f"统计截止：{rc.as_of.isoformat()}；未设定目标", highlight=False)
    source = rc.comp.config.source or "默认口径"
    console.print(f"口径：{source}（详见报告“口径说明”或 sanlv config init）", highlight=False)
    rows = rc.ds.rows
    reasons = "；".join(f"{k} {v} 行" for k, v in skipped_reasons(rows))
    console.print(
        "行数核对：" + rows_line(rows) + (f"（{reasons}）" if reasons else ""),
        highlight=False,
    )
    sev = rc.severity_counts()
    if sev.get("error"):
        console.print(
            f"[yellow]数据问题：错误 {sev.get('error', 0)} 个，警告 {sev.get('warning', 0)} 个；"
            "有错误的单元格未能计入，以上数字只统计了能读取的数据，请运行 sanlv validate 查看并修正。[/yellow]",
            highlight=False,
        )
    elif sev.get("warning"):
        console.print(
            f"数据提醒：警告 {sev['warning']} 个（如届满未换届、党员比例偏低），不影响统计，"
            "可运行 sanlv validate 查看。",
            highlight=False,
        )
    else:
        console.print("数据问题：未发现错误或警告。", highlight=False)
