"""Terminal rendering with rich (Chinese labels)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from ..compute import HEADLINE
from ..content.definitions import rows_line, skipped_reasons
from ..content.labels import SEVERITY_LABELS, SEVERITY_ORDER, pct, rate_name, rate_terse
from ..content.report import ReportContent
from ..issues import display_order, title_of

MAX_LINES = 60
_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def print_validation(
    result, strict: bool = False, console: Console | None = None, limit: int = MAX_LINES
) -> None:
    """Rows accounting, the summary by code, then the problems: errors first, then warnings,
    each in sheet and row order, at most `limit` lines; what is left out is counted by
    severity, so an error is never hidden behind a warning."""
    console = console or Console()
    ds = result.dataset
    counts = result.counts
    rows = ds.rows
    files = "、".join(f.name for f in ds.files)
    console.print(f"[bold]校验文件：[/bold]{files}（统计截止 {result.as_of.isoformat()}）")
    reasons = "；".join(f"{k} {v} 行" for k, v in skipped_reasons(rows))
    console.print("行数核对：" + rows_line(rows) + (f"（{reasons}）" if reasons else ""))
    by_code = Counter((i.code, i.severity) for i in result.issues)
    if by_code:
        t = Table(title="问题汇总", show_lines=False)
        t.add_column("问题", no_wrap=True)
        t.add_column("代码", overflow="fold")
        t.add_column("级别", no_wrap=True)
        t.add_column("数量", justify="right", no_wrap=True)
        for (code, sev), n in sorted(
            by_code.items(), key=lambda kv: (SEVERITY_ORDER[kv[0][1]], kv[0][0])
        ):
            t.add_row(title_of(code), code, f"[{_STYLE[sev]}]{SEVERITY_LABELS[sev]}[/]", str(n))
        console.print(t)
    shown = [i for i in display_order(result.issues) if i.severity != "info"]
    left = Counter(i.severity for i in shown[limit:])
    heading = None
    for i in shown[:limit]:
        if (i.severity, i.file, i.sheet) != heading:
            heading = (i.severity, i.file, i.sheet)
            place = i.file + (f" / {i.sheet}" if i.sheet else "")
            label = SEVERITY_LABELS[i.severity]
            console.print(
                f"\n[{_STYLE[i.severity]}]{label}[/]  [bold]{place}[/bold]", highlight=False
            )
        where = i.cell or (f"第{i.row}行" if i.row else "")
        console.print(f"  {where} {i.message}", highlight=False)
        if i.hint:
            console.print(f"      [dim]建议：{i.hint}[/dim]", highlight=False)
    if left:
        more = "，".join(
            f"{SEVERITY_LABELS[s]} {n} 个"
            for s, n in sorted(left.items(), key=lambda kv: SEVERITY_ORDER[kv[0]])
        )
        console.print(f"\n…… 另有 {more}未显示，请用 --output 导出完整清单。", highlight=False)
    verdict = "[green]通过[/green]" if result.exit_code(strict) == 0 else "[red]未通过[/red]"
    console.print(
        f"\n结果：{verdict}（错误 {counts['error']} 个，警告 {counts['warning']} 个，"
        f"提示 {counts['info']} 个）",
        highlight=False,
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
