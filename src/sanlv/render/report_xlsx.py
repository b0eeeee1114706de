"""The report workbook (``sanlv report -o report.xlsx``), SPEC section 5: 概览 (the streets
by rank against the target, the counts behind the rates, a native chart), 分类统计, 社区明细,
问题清单, 口径说明 and 数据质量, laid out from the report content."""

from __future__ import annotations

import os
from collections import Counter

from ..compute import HEADLINE, RATE_KEYS
from ..content.labels import DASH, SEVERITY_LABELS, TODO_LABELS, rate_name, rate_short, rate_terse
from ..content.report import ReportContent, exact_rate
from ..content.todos import TODO_COLUMNS, shown_columns
from ..issues import title_of
from .workbook import Book, workbook

SHEETS = ("概览", "分类统计", "社区明细", "问题清单", "口径说明", "数据质量")


def _by_rank(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e.get("rank") is None, e.get("rank") or 0))


def _colour_against_target(ws, fmts, first: int, last: int, rate_col: int, goal: float) -> None:
    """Green when the rate meets the target, red when not (native conditional formats)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    cell = xl_rowcol_to_cell(first, rate_col, col_abs=True)
    for crit, fmt in ((">=", "good"), ("<", "bad")):
        ws.conditional_format(
            first,
            rate_col,
            last,
            rate_col,
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER({cell}),{cell}{crit}{goal!r})",
                "format": fmts[fmt],
            },
        )


def _overview(book: Book, rc: ReportContent) -> None:
    """Page 1, read by a leader in ten seconds: the streets by rank (rank first), each
    headline rate coloured against its target with the gap and the change; then the counts
    behind the rates, the secondary rates and the chart."""
    data = rc.to_json()
    change = rc.previous is not None
    sh = book.sheet("概览")
    ws, fmts = sh.ws, sh.fmts
    target = data["total"]["target"]
    per_rate = ["比率", "差距\n（个）"] + (["比上期\n（百分点）"] if change else [])
    n_cols = 3 + len(per_rate) * len(HEADLINE)
    when = f"统计截止 {rc.as_of.isoformat()}"
    if change:
        when += f"，比上期：对比 {rc.previous.as_of.isoformat()}"  # type: ignore[union-attr]
    ws.merge_range(0, 0, 0, n_cols - 1, rc.title, fmts["title"])
    ws.merge_range(1, 0, 1, n_cols - 1, when, fmts["note"])
    ws.merge_range(2, 0, 2, n_cols - 1, rc.target_text(), fmts["note"])
    h1, h2 = 4, 5
    for c, label in enumerate(("排名", "街道", "小区数")):
        ws.merge_range(h1, c, h2, c, label, fmts["head"])
    col = 3
    rate_cols: dict[str, int] = {}
    for key in HEADLINE:
        ws.merge_range(h1, col, h1, col + len(per_rate) - 1, rate_short(key), fmts["head"])
        for j, label in enumerate(per_rate):
            ws.write_string(h2, col + j, label, fmts["head"])
        rate_cols[key] = col
        col += len(per_rate)
    ws.set_row(h1, 22)
    ws.set_row(h2, 30)
    rows = _by_rank(data["streets"])
    unreported = rc.unreported or []
    first = h2 + 1
    r = first
    for entry in rows:
        sh.number(r, 0, entry.get("rank"), "int")
        sh.text(r, 1, entry["street"], "cell")
        sh.number(r, 2, entry["compounds"], "int")
        for key in HEADLINE:
            c = rate_cols[key]
            sh.number(r, c, exact_rate(entry, key), "pct")
            sh.number(r, c + 1, entry["gap"].get(key), "int")
            if change:
                delta = (entry.get("change") or {}).get(key)
                sh.number(r, c + 2, None if delta is None else delta * 100, "chg")
        r += 1
    for street in unreported:
        sh.text(r, 0, "", "cell")
        sh.text(r, 1, street, "cell")
        sh.text(r, 2, "未报送", "cell")
        for c in range(3, n_cols):
            sh.text(r, c, DASH, "cell")
        r += 1
    total = data["total"]
    sh.text(r, 0, "", "total")
    sh.text(r, 1, "全区合计", "total")
    sh.number(r, 2, total["compounds"], "total_int")
    for key in HEADLINE:
        c = rate_cols[key]
        sh.number(r, c, exact_rate(total, key), "total_pct")
        sh.number(r, c + 1, total["gap"].get(key), "total_int")
        if change:
            delta = (total.get("change") or {}).get(key)
            sh.number(r, c + 2, None if delta is None else delta * 100, "total_chg")
    for key in HEADLINE:
        if key in target:
            _colour_against_target(ws, fmts, first, r, rate_cols[key], target[key])
    notes = ["排名：按三项主要比率的平均值从高到低，相同者并列；差距：达到目标还需增加的个数。"]
    if unreported:
        notes.append(f"未报送的街道没有计入统计：{'、'.join(unreported)}。")
    for note in notes:
        r += 1
        ws.merge_range(r, 0, r, n_cols - 1, note, fmts["note"])

    # the counts behind the rates (numerators and denominators)
    r += 2
    ws.write_string(r, 0, "各街道分子、分母", fmts["section"])
    r += 1
    heads = ["排名", "街道", "小区数"]
    for key in HEADLINE:
        heads += [f"{rate_terse(key)}\n分子", f"{rate_terse(key)}\n分母"]
    sh.header(r, heads)
    ws.set_row(r, 30)
    for entry in [*rows, total]:
        r += 1
        is_total = entry is total
        text, num = ("total", "total_int") if is_total else ("cell", "int")
        if is_total:
            sh.text(r, 0, "", text)
        else:
            sh.number(r, 0, entry.get("rank"), num)
        sh.text(r, 1, "全区合计" if is_total else entry["street"], text)
        sh.number(r, 2, entry["compounds"], num)
        for j, key in enumerate(HEADLINE):
            sh.number(r, 3 + 2 * j, entry[key]["numerator"], num)
            sh.number(r, 4 + 2 * j, entry[key]["denominator"], num)

    # the secondary rates of the district
    r += 2
    ws.write_string(r, 0, "全区各项指标（含辅助指标）", fmts["section"])
    r += 1
    ws.merge_range(r, 0, r, 2, "指标", fmts["head"])
    for c, label in enumerate(["分子", "分母", "比率"], start=3):
        ws.write_string(r, c, label, fmts["head"])
    for key in RATE_KEYS:
        r += 1
        ws.merge_range(r, 0, r, 2, rate_name(key), fmts["cell"])
        sh.number(r, 3, total[key]["numerator"], "int")
        sh.number(r, 4, total[key]["denominator"], "int")
        sh.number(r, 5, exact_rate(total, key), "pct")

    # native column chart: the three rates by street, in rank order
    if rows:
        chart = book.wb.add_chart({"type": "column"})
        for key in HEADLINE:
            c = rate_cols[key]
            chart.add_series(
                {
                    "name": rate_short(key),
                    "categories": ["概览", first, 1, first + len(rows) - 1, 1],
                    "values": ["概览", first, c, first + len(rows) - 1, c],
                    "data_labels": {"value": True, "num_format": "0%"},
                }
            )
        chart.set_title({"name": f"各街道“三率”（{rc.as_of.isoformat()}）"})
        chart.set_y_axis(
            {"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}}
        )
        chart.set_legend({"position": "bottom"})
        sh.finish(h2, freeze_col=2)
        width = (6 + max(sh.widths.get(1, 10), 12) + 8 + 10 * (n_cols - 3)) * 7
        chart.set_size({"width": max(560, width), "height": 340})
        ws.insert_chart(r + 2, 0, chart)
        ws.set_h_pagebreaks([r + 1])  # the chart prints whole, on a page of its own
    else:
        sh.finish(h2, freeze_col=2)
    # fixed widths: the tables below share these columns and wrap their headers
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, max(sh.widths.get(1, 10), 12))
    ws.set_column(2, 2, 8)
    for key in HEADLINE:
        ws.set_column(rate_cols[key], rate_cols[key] + len(per_rate) - 1, 10)


def _categories(book: Book, rc: ReportContent) -> None:
    """分类统计: the rates per 小区类型."""
    sh = book.sheet("分类统计")
    ws, fmts = sh.ws, sh.fmts
    ws.write_string(
        0, 0, f"分类统计（按小区类型，统计截止 {rc.as_of.isoformat()}）", fmts["section"]
    )
    h1, h2 = 1, 2
    ws.merge_range(h1, 0, h2, 0, "小区类型", fmts["head"])
    ws.merge_range(h1, 1, h2, 1, "小区数", fmts["head"])
    sh.fit(0, "小区类型")
    for i, key in enumerate(RATE_KEYS):
        c = 2 + 3 * i
        ws.merge_range(h1, c, h1, c + 2, rate_short(key), fmts["head"])
        for j, label in enumerate(["分子", "分母", "比率"]):
            sh.text(h2, c + j, label, "head")
    ws.set_row(h1, 42)
    for r, e in enumerate(rc.data["categories"], start=h2 + 1):
        sh.text(r, 0, e["category"], "cell")
        sh.number(r, 1, e["compounds"], "int")
        for i, key in enumerate(RATE_KEYS):
            c = 2 + 3 * i
            sh.number(r, c, e[key]["numerator"], "int")
            sh.number(r, c + 1, e[key]["denominator"], "int")
            sh.number(r, c + 2, exact_rate(e, key), "pct")
    sh.finish(h2, freeze_col=1)


def _communities(book: Book, rc: ReportContent) -> None:
    sh = book.sheet("社区明细")
    ws, fmts = sh.ws, sh.fmts
    h1, h2 = 0, 1
    for c, label in enumerate(["街道", "社区", "小区数"]):
        ws.merge_range(h1, c, h2, c, label, fmts["head"])
        sh.fit(c, label)
    for i, key in enumerate(RATE_KEYS):
        c = 3 + 3 * i
        ws.merge_range(h1, c, h1, c + 2, rate_name(key), fmts["head"])
        for j, label in enumerate(["分子", "分母", "比率"]):
            sh.text(h2, c + j, label, "head")
    ws.set_row(h1, 42)
    ws.set_row(h2, 20)
    rows = rc.data["communities"]
    sh.text_column(h2 + 1, 0, [e["street"] for e in rows])
    sh.text_column(h2 + 1, 1, [e["community"] for e in rows])
    sh.number_column(h2 + 1, 2, [e["compounds"] for e in rows])
    for i, key in enumerate(RATE_KEYS):
        c = 3 + 3 * i
        sh.number_column(h2 + 1, c, [e[key]["numerator"] for e in rows])
        sh.number_column(h2 + 1, c + 1, [e[key]["denominator"] for e in rows])
        sh.number_column(h2 + 1, c + 2, [exact_rate(e, key) for e in rows], "pct")
    n = len(rows)
    ws.autofilter(h2, 0, h2 + max(n, 1), 2 + 3 * len(RATE_KEYS))
    sh.finish(h2, freeze_col=2, min_width=7)


def _todos(book: Book, rc: ReportContent) -> None:
    sh = book.sheet("问题清单")
    ws = sh.ws
    df = rc.todos()
    columns = shown_columns(df)
    counts = Counter(df["label"])
    summary = "；".join(f"{k} {counts.get(k, 0)} 项" for k in TODO_LABELS.values())
    ws.write_string(
        0, 0, f"问题清单（统计截止 {rc.as_of.isoformat()}）：{summary}", sh.fmts["note"]
    )
    h = 1
    sh.header(h, [TODO_COLUMNS[c] for c in columns])
    for c, col in enumerate(columns):
        sh.text_column(h + 1, c, [str(v) for v in df[col].tolist()])
    ws.autofilter(h, 0, h + max(len(df), 1), len(columns) - 1)
    sh.finish(h)


def _method(book: Book, rc: ReportContent) -> None:
    sh = book.sheet("口径说明")
    ws, fmts = sh.ws, sh.fmts
    sh.header(0, ["项目", "说明"])
    r = 1
    for title, lines in rc.method():
        if title:
            r += 1
            ws.write_string(r, 0, title, fmts["section"])
            r += 1
        for label, text in lines:
            sh.text(r, 0, label, "cell")
            ws.write_string(r, 1, text, fmts["wrap"])
            r += 1
    sh.finish(0)
    ws.set_column(0, 0, min(max(sh.widths.get(0, 10), 12), 40))
    ws.set_column(1, 1, 90, fmts["wrap"])


def _quality(book: Book, rc: ReportContent) -> None:
    sh = book.sheet("数据质量")
    ws = sh.ws
    sev = rc.severity_counts()
    ws.write_string(
        0,
        0,
        f"数据问题：错误 {sev.get('error', 0)} 个，警告 {sev.get('warning', 0)} 个，"
        f"提示 {sev.get('info', 0)} 个。逐条明细请运行 sanlv validate 查看或导出。",
        sh.fmts["note"],
    )
    h = 1
    sh.header(h, ["问题", "问题代码", "级别", "数量", "首次出现位置"])
    r = h
    rows = rc.quality()
    for q in rows:
        r += 1
        i = q.first
        where = "／".join(
            x for x in (i.file, i.sheet, i.cell or (f"第{i.row}行" if i.row else "")) if x
        )
        sh.text(r, 0, title_of(q.code), "cell")
        sh.text(r, 1, q.code, "cell")
        sh.text(r, 2, SEVERITY_LABELS.get(q.severity, q.severity), "cell")
        sh.number(r, 3, q.count, "int")
        sh.text(r, 4, where, "cell")
    if not rows:
        sh.text(h + 1, 0, "未发现数据问题", "cell")
    sh.finish(h)


def write_report(rc: ReportContent, path: str | os.PathLike) -> None:
    """Write the report workbook to `path` atomically (the old file stays on failure)."""
    title = f"{rc.district}“三率”统计报告 {rc.as_of.isoformat()}"
    with workbook(path, kind="report", title=title, created=rc.generated) as book:
        _overview(book, rc)
        _categories(book, rc)
        _communities(book, rc)
        _todos(book, rc)
        _method(book, rc)
        _quality(book, rc)
