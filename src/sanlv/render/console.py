"""Terminal rendering with rich (Chinese labels)."""

from __future__ import annotations

from collections import Counter
from functools import partial

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..compute import HEADLINE
from ..content.definitions import rows_line, skipped_reasons
from ..content.labels import DASH, SEVERITY_LABELS, SEVERITY_ORDER, pct, points, rate_terse
from ..content.report import ReportContent
from ..issues import display_order, title_of
from .fit import choose, fitting, paragraph, simple_head, two_lines
from .workbook import text_width

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
    paragraph(
        console, f"[bold]校验文件：[/bold]{escape(files)}（统计截止 {result.as_of.isoformat()}）"
    )
    reasons = "；".join(f"{k} {v} 行" for k, v in skipped_reasons(rows))
    paragraph(console, "行数核对：" + rows_line(rows) + (f"（{reasons}）" if reasons else ""))
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
            paragraph(console, f"\n[{_STYLE[i.severity]}]{label}[/]  [bold]{escape(place)}[/bold]")
        where = i.cell or (f"第{i.row}行" if i.row else "")
        lead = f"  {where} "
        paragraph(console, escape(lead + i.message), hang=min(text_width(lead), 12))
        if i.hint:
            paragraph(console, f"      [dim]建议：{escape(i.hint)}[/dim]", hang=12)
    if left:
        more = "，".join(
            f"{SEVERITY_LABELS[s]} {n} 个"
            for s, n in sorted(left.items(), key=lambda kv: SEVERITY_ORDER[kv[0]])
        )
        paragraph(console, f"\n…… 另有 {more}未显示，请用 --output 导出完整清单。")
    verdict = "[green]通过[/green]" if result.exit_code(strict) == 0 else "[red]未通过[/red]"
    paragraph(
        console,
        f"\n结果：{verdict}（错误 {counts['error']} 个，警告 {counts['warning']} 个，"
        f"提示 {counts['info']} 个）",
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


def _rate_cell(entry: dict, key: str, fractions: bool, change: bool) -> str:
    r = entry[key]
    text = pct(r["rate"])
    style = ""
    if key in entry.get("target", {}) and r["rate"] is not None:
        style = "green" if entry["met"][key] else "red"
    cell = f"[{style}]{text}[/]" if style else text
    if fractions:
        cell += f" [dim]({r['numerator']}/{r['denominator']})[/dim]"
    if change:
        cell += f" {_signed((entry.get('change') or {}).get(key))}"
    return cell


def _signed(delta: float | None) -> str:
    if delta is None:
        return "[dim]—[/dim]"
    colour = "green" if delta > 0 else "red" if delta < 0 else "dim"
    return f"[{colour}]{points(delta)}[/]"


def _gap_cell(entry: dict, keys: tuple[str, ...]) -> str:
    gaps = entry.get("gap", {})
    if not gaps:
        return DASH
    return "/".join(str(gaps[k]) if gaps.get(k) is not None else DASH for k in keys)


def _by_rank(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e.get("rank") is None, e.get("rank") or 0))


def _rank_table(
    title: str,
    rows: list[dict],
    keys: list[tuple[str, str]],
    total: tuple[str, dict] | None,
    unreported: list[str],
    fractions: bool,
    change: bool,
    console: Console,
    narrow: int = 0,
) -> Table:
    """One ranked table: rank, the key columns (label, entry key), compounds, the headline
    rates (coloured, with the change) and the gaps; the total last. `narrow` 1: the rate
    headers on two lines; 2: names folded at 12 columns too."""
    table = Table(
        title=title,
        box=simple_head(console),
        pad_edge=False,
        show_lines=False,
        collapse_padding=True,
    )
    table.add_column("排名", justify="right", no_wrap=True)
    for label, key in keys:
        names = [str(e.get(key, "")) for e in rows] + (unreported if key == "street" else [])
        if narrow >= 2:
            width = min(12, max(map(text_width, [label, *names]), default=4))
            table.add_column(label, overflow="fold", min_width=width)
        else:
            table.add_column(label, no_wrap=True)
    table.add_column("小区数", justify="right", no_wrap=True)
    for key in HEADLINE:
        label = rate_terse(key) + ("\n及比上期" if change else "")
        table.add_column(two_lines(label) if narrow else label, justify="right", no_wrap=True)
    table.add_column("差距\n(个)", justify="right", no_wrap=True)
    for e in rows:
        table.add_row(
            str(e.get("rank") or ""),
            *(str(e.get(key, "")) for _, key in keys),
            str(e["compounds"]),
            *(_rate_cell(e, k, fractions, change) for k in HEADLINE),
            _gap_cell(e, HEADLINE),
        )
    for street in unreported:
        cells = ["" for _ in keys[:-1]] + [street]
        table.add_row("", *cells, "[yellow]未报送[/yellow]", *[DASH] * len(HEADLINE), DASH)
    if total is not None:
        label, entry = total
        table.add_section()
        table.add_row(
            "",
            *([""] * (len(keys) - 1)),
            f"[bold]{label}[/bold]",
            f"[bold]{entry['compounds']}[/bold]",
            *(_rate_cell(entry, k, fractions, change) for k in HEADLINE),
            _gap_cell(entry, HEADLINE),
        )
    return table


def _fit_rank_table(
    console: Console,
    title: str,
    rows: list[dict],
    keys: list[tuple[str, str]],
    total: tuple[str, dict] | None,
    unreported: list[str],
    change: bool,
    fractions: bool = True,
) -> tuple[Table, bool]:
    """The most detailed layout of a ranked table that fits the console: the fractions are
    dropped first, then the rate headers go onto two lines, then long names are folded; a
    figure is never cut. With it, whether the fractions are shown (never where `fractions`
    is False: an earlier table of the same report had to drop them)."""
    layouts = [(True, 0), (False, 0), (False, 1), (False, 2)] if fractions else [(False, 0)]
    chosen, table = choose(
        console,
        [
            partial(_rank_table, title, rows, keys, total, unreported, f, change, console, n)
            for f, n in layouts
        ],
    )
    return table, layouts[chosen][0]


def _categories_table(data: dict, fractions: bool, narrow: int, console: Console) -> Table:
    cats = Table(title="分类统计（按小区类型）", box=simple_head(console), pad_edge=False)
    cats.add_column("小区类型", no_wrap=True)
    cats.add_column("小区数", justify="right", no_wrap=True)
    for key in HEADLINE:
        label = rate_terse(key)
        cats.add_column(two_lines(label) if narrow else label, justify="right", no_wrap=True)
    for e in data["categories"]:
        cats.add_row(
            e["category"],
            str(e["compounds"]),
            *(_rate_cell(e, k, fractions, False) for k in HEADLINE),
        )
    return cats


def print_report(
    rc: ReportContent, console: Console | None = None, street_limit: int | None = None
) -> None:
    """The streets by rank against the target (rank first; each headline rate coloured
    against its target, with its change when a previous period is known), the total, the
    rates by 小区类型, and how the figures were made. A city gets its district table first
    and its streets grouped by district. On a narrow terminal the fractions are dropped
    first. With `street_limit` (the report workbook holds every street), at most that many
    streets are listed, followed by a line saying how many more the workbook has."""
    console = console or Console()
    data = rc.figures_json()
    for notice in data.get("notices", []):
        paragraph(console, f"[bold red]{notice}[/bold red]")
    change = rc.has_previous
    total = (rc.total_label, data["total"])
    fractions = True  # until a table has to drop them: then every later table does too
    if rc.is_city:
        table, fractions = _fit_rank_table(
            console,
            f"{rc.district}“三率”统计（截至 {rc.as_of.isoformat()}）：各区",
            _by_rank(data["districts"]),
            [("区", "district")],
            total,
            [],
            change,
            fractions,
        )
        console.print(table)
    streets = sorted(
        data["streets"], key=lambda e: (rc.districts.index(e["district"]), e.get("rank") or 0)
    )
    shown = streets if street_limit is None else streets[:street_limit]
    if rc.is_city:
        for name in rc.districts:
            mine = [e for e in shown if e["district"] == name]
            if mine:
                table, fractions = _fit_rank_table(
                    console,
                    f"{name}各街道（区内排名）",
                    mine,
                    [("街道", "street")],
                    None,
                    [],
                    change,
                    fractions,
                )
                console.print(table)
    else:
        title = f"{rc.district}“三率”统计（截至 {rc.as_of.isoformat()}）"
        table, fractions = _fit_rank_table(
            console,
            title,
            shown,
            [("街道", "street")],
            total,
            [s for _, s in rc.unreported or []],
            change,
        )
        console.print(table)
    if len(shown) < len(streets):
        paragraph(
            console,
            f"（共 {len(streets)} 个街道，这里只列出前 {len(shown)} 名；"
            "完整的街道排名见报告工作簿的“概览”表。）",
        )
    if rc.unreported:
        paragraph(
            console,
            f"[yellow]区划名单中有 {len(rc.unreported)} 个街道没有数据（未报送），未计入统计："
            f"{escape('、'.join(d + s for d, s in rc.unreported))}。[/yellow]",
        )
    if not data["total"]["compounds"]:
        paragraph(
            console, "[yellow]小区台账中没有纳入统计的小区，各率无法计算（显示为“—”）。[/yellow]"
        )
    if data["categories"]:
        console.print(
            fitting(
                console,
                [
                    partial(_categories_table, data, f, n, console)
                    for f, n in ((True, 0), (False, 0), (False, 1))
                    if fractions or not f
                ],
            )
        )
    paragraph(console, f"统计截止：{rc.as_of.isoformat()}；{rc.target_text(terse=True)}")
    if rc.has_previous:
        paragraph(console, f"比上期：对比 {rc.previous_as_of} 的上期台账，变化以百分点计。")
    paragraph(
        console,
        "排名：按三项主要比率的平均值从高到低，相同者并列；差距：达到目标还需增加的个数"
        "（组建率/物业覆盖率/党组织覆盖率）。",
    )
    source = rc.comp.config.source or "默认口径"
    paragraph(console, f"口径：{escape(source)}（详见报告“口径说明”或 sanlv config init）")
    rows = rc.ds.rows
    reasons = "；".join(f"{k} {v} 行" for k, v in skipped_reasons(rows))
    paragraph(console, "行数核对：" + rows_line(rows) + (f"（{reasons}）" if reasons else ""))
    sev = rc.severity_counts()
    if sev.get("error"):
        paragraph(
            console,
            f"[yellow]数据问题：错误 {sev.get('error', 0)} 个，警告 {sev.get('warning', 0)} 个；"
            "有错误的单元格未能计入，以上数字只统计了能读取的数据，请运行 sanlv validate 查看并修正。[/yellow]",
        )
    elif sev.get("warning"):
        paragraph(
            console,
            f"数据提醒：警告 {sev['warning']} 个（如届满未换届、党员比例偏低），不影响统计，"
            "可运行 sanlv validate 查看。",
        )
    else:
        paragraph(console, "数据问题：未发现错误或警告。")
