"""The report workbook (``sanlv report -o report.xlsx``), SPEC section 5: 概览 (streets and
the district total against the target, with a native chart), 社区明细, 问题清单, 口径说明
and 数据质量, laid out from the report content."""

from __future__ import annotations

import os
from collections import Counter

from ..compute import HEADLINE, RATE_KEYS
from ..content.labels import DASH, SEVERITY_LABELS, TODO_LABELS, rate_name
from ..content.report import ReportContent, change_points, exact_rate
from ..content.todos import TODO_COLUMNS, shown_columns
from ..issues import title_of
from .workbook import Book, text_width, workbook

SHEETS = ("概览", "社区明细", "问题清单", "口径说明", "数据质量")


def _overview(book: Book, rc: ReportContent) -> None:
    from xlsxwriter.utility import xl_rowcol_to_cell

    data, prev = rc.data, rc.previous_data
    sh = book.sheet("概览")
    ws, fmts = sh.ws, sh.fmts
    target = data["total"]["target"]
    ws.write_string(0, 0, rc.title, fmts["title"])
    when = f"统计截止日期：{rc.as_of.isoformat()}    {rc.target_text()}"
    if prev is not None:
        when += f"    对比上期：{prev['as_of']}"
    ws.write_string(1, 0, when, fmts["note"])

    per_rate = ["分子", "分母", "比率", "目标", "达标", "差距（个）"]
    if prev is not None:
        per_rate.append("比上期（百分点）")
    h1, h2 = 3, 4
    ws.merge_range(h1, 0, h2, 0, "街道", fmts["head"])
    ws.merge_range(h1, 1, h2, 1, "小区数", fmts["head"])
    sh.fit(0, "街道")
    col = 2
    rate_cols: dict[str, dict[str, int]] = {}
    for key in HEADLINE:
        ws.merge_range(h1, col, h1, col + len(per_rate) - 1, rate_name(key), fmts["head"])
        rate_cols[key] = {}
        for j, label in enumerate(per_rate):
            sh.text(h2, col + j, label, "head")
            rate_cols[key][label] = col + j
        col += len(per_rate)
    rank_col = col
    ws.merge_range(h1, rank_col, h2, rank_col, "综合排名", fmts["head"])
    sh.fit(rank_col, "综合排名")
    ws.set_row(h1, 30)
    ws.set_row(h2, 30)

    prev_streets = {s["street"]: s for s in prev["streets"]} if prev else {}
    rows = [(s["street"], s, prev_streets.get(s["street"]), False) for s in data["streets"]]
    rows.append(("全区合计", data["total"], prev["total"] if prev else None, True))
    first = h2 + 1
    for i, (name, entry, before, is_total) in enumerate(rows):
        r = first + i
        f_text, f_int, f_pct, f_chg = (
            ("total", "total_int", "total_pct", "total_chg")
            if is_total
            else ("cell", "int", "pct", "chg")
        )
        sh.text(r, 0, name, f_text)
        sh.number(r, 1, entry["compounds"], f_int)
        for key in HEADLINE:
            cols = rate_cols[key]
            sh.number(r, cols["分子"], entry[key]["numerator"], f_int)
            sh.number(r, cols["分母"], entry[key]["denominator"], f_int)
            sh.number(r, cols["比率"], exact_rate(entry, key), f_pct)
            if key in entry["target"]:
                sh.number(r, cols["目标"], entry["target"][key], f_pct)
                sh.text(r, cols["达标"], "是" if entry["met"][key] else "否", f_text)
                sh.number(r, cols["差距（个）"], entry["gap"][key], f_int)
            else:
                for label in ("目标", "达标", "差距（个）"):
                    sh.text(r, cols[label], DASH, f_text)
            if prev is not None:
                sh.number(r, cols["比上期（百分点）"], change_points(entry, before, key), f_chg)
        rank = entry.get("rank")
        if is_total or rank is None:
            sh.text(r, rank_col, "", f_text)
        else:
            sh.number(r, rank_col, rank, f_int)
    last = first + len(rows) - 1

    # colour each rate and 达标 cell against its target (native conditional formats)
    for key in HEADLINE:
        cols = rate_cols[key]
        if key not in target:
            continue
        rate0 = xl_rowcol_to_cell(first, cols["比率"], col_abs=True)
        goal0 = xl_rowcol_to_cell(first, cols["目标"], col_abs=True)
        for c in (cols["比率"], cols["达标"]):
            for crit, fmt in ((">=", "good"), ("<", "bad")):
                ws.conditional_format(
                    first,
                    c,
                    last,
                    c,
                    {
                        "type": "formula",
                        "criteria": f"=AND(ISNUMBER({rate0}),ISNUMBER({goal0}),"
                        f"{rate0}{crit}{goal0})",
                        "format": fmts[fmt],
                    },
                )

    # the secondary rates of the district
    r = last + 2
    ws.write_string(r, 0, "全区各项指标（含辅助指标）", fmts["section"])
    r += 1
    for c, label in enumerate(["指标", "分子", "分母", "比率"]):
        ws.write_string(r, c, label, fmts["head"])
    for key in RATE_KEYS:
        r += 1
        ws.write_string(r, 0, rate_name(key), fmts["cell"])
        sh.number(r, 1, data["total"][key]["numerator"], "int")
        sh.number(r, 2, data["total"][key]["denominator"], "int")
        sh.number(r, 3, exact_rate(data["total"], key), "pct")
    sh.fit(0, max((rate_name(k) for k in RATE_KEYS), key=text_width), cap=40)

    # native column chart: the three rates by street
    if data["streets"]:
        chart = book.wb.add_chart({"type": "column"})
        n_first, n_last = first, last - 1
        for key in HEADLINE:
            c = rate_cols[key]["比率"]
            chart.add_series(
                {
                    "name": rate_name(key),
                    "categories": ["概览", n_first, 0, n_last, 0],
                    "values": ["概览", n_first, c, n_last, c],
                    "data_labels": {"value": True, "num_format": "0%"},
                }
            )
        chart.set_title({"name": f"各街道“三率”（{rc.as_of.isoformat()}）"})
        chart.set_y_axis(
            {"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}}
        )
        chart.set_legend({"position": "bottom"})
        width = max(720, 90 * len(data["streets"]) + 200)
        chart.set_size({"width": min(width, 1600), "height": 360})
        ws.insert_chart(r + 2, 0, chart)
    sh.finish(h2, freeze_col=1)
    ws.set_column(0, 0, max(sh.widths.get(0, 10), 12))


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
        _communities(book, rc)
        _todos(book, rc)
        _method(book, rc)
        _quality(book, rc)
