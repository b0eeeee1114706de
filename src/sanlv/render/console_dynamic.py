"""Terminal rendering of ledger, diff and trend (Chinese labels, rich tables)."""

from __future__ import annotations

from functools import partial

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..compute import HEADLINE, Rate
from ..content.labels import pct as pct_text
from ..content.labels import rate_terse
from ..levels import TOTAL
from .fit import fitting, paragraph, simple_head, two_lines

MAX_LINES = 50


def pct(rate: Rate | float | None) -> str:
    return pct_text(rate.rate if isinstance(rate, Rate) else rate)


def signed(delta: float | None) -> str:
    if delta is None:
        return "—"
    pts = delta * 100
    colour = "green" if pts > 0 else "red" if pts < 0 else "dim"
    return f"[{colour}]{pts:+.1f}[/]"


def print_ledger(result, console: Console | None = None) -> None:
    console = console or Console()
    rows = "、".join(f"{k} {v} 行" for k, v in result.rows.items())
    console.print(f"已写出标准化台账：{result.path}（统计截止 {result.as_of}）", highlight=False)
    console.print(f"  {rows}", highlight=False)
    console.print(
        f"  待办事项共 {result.todo_total} 项，分 {len(result.todo)} 个街道工作表（待办-街道名）",
        highlight=False,
    )


def print_diff(result, console: Console | None = None) -> None:
    from ..diff import KIND_LABELS

    console = console or Console()
    console.print(
        f"[bold]台账变动[/bold]：原 {'、'.join(result.old_files)} → 新 {'、'.join(result.new_files)}"
        f"（三率统一按 {result.as_of.isoformat()} 计算）",
        highlight=False,
    )
    s = result.summary()
    t = Table(title="变动汇总")
    for h in ("类别", "新增", "撤销", "调整"):
        t.add_column(h, justify="right" if h != "类别" else "left")
    for kind, label in KIND_LABELS.items():
        p = kind + "s"
        changed = str(s[f"{p}_changed"])
        if s.get(f"{p}_dissolved"):
            changed += f"（其中新设撤销日期 {s[f'{p}_dissolved']}）"
        t.add_row(label, str(s[f"{p}_added"]), str(s[f"{p}_removed"]), changed)
    console.print(t)
    for title, df in (("新增", result.added), ("撤销（不再出现在台账中）", result.removed)):
        if df.empty:
            continue
        console.print(f"\n[bold]{title}[/bold]（{len(df)} 个）")
        for row in df.head(MAX_LINES).itertuples(index=False):
            where = " ".join(x for x in (row.street, row.community) if x)
            console.print(f"  {KIND_LABELS[row.kind]} {row.id} {row.name} {where}", highlight=False)
        if len(df) > MAX_LINES:
            console.print(f"  …… 另有 {len(df) - MAX_LINES} 个未显示，请用 -o 导出完整清单。")
    ch = result.changes
    if not ch.empty:
        console.print(f"\n[bold]调整[/bold]（{ch['id'].nunique()} 个对象，{len(ch)} 项字段变化）")
        for row in ch.head(MAX_LINES).itertuples(index=False):
            old = row.old or "（空）"
            new = row.new or "（空）"
            console.print(
                f"  {KIND_LABELS[row.kind]} {row.id} {row.name}：{row.label} {old} → {new}",
                highlight=False,
            )
        if len(ch) > MAX_LINES:
            console.print(f"  …… 另有 {len(ch) - MAX_LINES} 项未显示，请用 -o 导出完整清单。")
    console.print(
        fitting(console, [partial(_rate_change_table, result, console, n) for n in (0, 1, 2)])
    )
    for note in result.notes:
        paragraph(console, f"[yellow]说明[/]：{escape(note)}", hang=6)


def _table(title: str, console: Console, narrow: int) -> Table:
    """A bordered table, or on a narrow console (`narrow` 2) a compact one without borders."""
    if narrow >= 2:
        return Table(title=title, box=simple_head(console), pad_edge=False, collapse_padding=True)
    return Table(title=title)


def _rate_change_table(result, console: Console, narrow: int) -> Table:
    t = _table("三率变化（百分点）", console, narrow)
    t.add_column("街道", no_wrap=True)
    for k in HEADLINE:
        label = f"{rate_terse(k)}\n原→新" if narrow else f"{rate_terse(k)} 原→新"
        t.add_column(label, justify="right", no_wrap=True)
        t.add_column("变化", justify="right", no_wrap=True)
    for level, entry in result.rate_rows():
        cells = ["合计" if level is TOTAL else "".join(entry.get(b, "") for b in level.by)]
        for k in HEADLINE:
            e = entry[k]
            cells += [f"{_fmt(e['old'])}→{_fmt(e['new'])}", signed(e["change"])]
        t.add_row(*cells)
    return t


def _fmt(d: dict) -> str:
    return pct(d["rate"])


def print_trend(result, console: Console | None = None) -> None:
    """The monthly rates of the whole area, then each street's first and last month; on a
    narrow console the headers go onto two lines, then the borders are dropped."""
    console = console or Console()
    console.print(
        fitting(console, [partial(_trend_total_table, result, console, n) for n in (0, 1, 2)])
    )
    if len(result.months) >= 1 and not result.streets.empty:
        console.print(
            fitting(console, [partial(_trend_street_table, result, console, n) for n in (0, 1, 2)])
        )
    for note in result.notes:
        paragraph(console, f"[yellow]说明[/]：{escape(note)}", hang=6)


TREND_KEYS = (*HEADLINE, "service_professional", "party_work")


def _trend_total_table(result, console: Console, narrow: int) -> Table:
    t = _table(f"{result.total_label}三率月度走势", console, narrow)
    t.add_column("月份", no_wrap=True)
    t.add_column("小区数", justify="right", no_wrap=True)
    for k in TREND_KEYS:
        label = rate_terse(k)
        t.add_column(two_lines(label) if narrow else label, justify="right", no_wrap=True)
    for row in result.total.to_dict("records"):
        t.add_row(
            row["month"],
            str(int(row["compounds"])),
            *[pct(result.rate(row, k)) for k in TREND_KEYS],
        )
    return t


def _trend_street_table(result, console: Console, narrow: int) -> Table:
    months = result.months
    first, last = months[0], months[-1]
    s = result.streets
    a = s[s["month"] == first].set_index(["district", "street"])
    b = s[s["month"] == last].set_index(["district", "street"])
    city = result.is_city
    t = _table(f"各街道变化（{first} → {last}）", console, narrow)
    t.add_column("街道", no_wrap=True)
    for k in HEADLINE:
        sep = "\n" if narrow else " "
        t.add_column(f"{rate_terse(k)}{sep}{first}", justify="right", no_wrap=True)
        t.add_column(last, justify="right", no_wrap=True)
    for street in sorted(set(a.index) | set(b.index)):
        cells = ["".join(street) if city else street[1]]
        for k in HEADLINE:
            cells.append(pct(result.rate(a.loc[street], k)) if street in a.index else "—")
            cells.append(pct(result.rate(b.loc[street], k)) if street in b.index else "—")
        t.add_row(*cells)
    return t
