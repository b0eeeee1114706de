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
from .workbook import Book, Sheet, cell_ref, workbook

SHEETS = ("概览", "分类统计", "社区明细", "问题清单", "口径说明", "数据质量")


def _by_rank(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e.get("rank") is None, e.get("rank") or 0))


def _colour_against_target(ws, fmts, first: int, last: int, rate_col: int, goal: float) -> None:
    """Green when the rate meets the target, red when not (native conditional formats)."""
    cell = cell_ref(first, rate_col, col_abs=True)
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


def _ranked_table(
    sh: Sheet,
    r: int,
    keys: list[tuple[str, str]],
    rows: list[dict],
    total: tuple[str, dict] | None,
    unreported: list[str],
    change: bool,
    target: dict[str, float],
) -> tuple[int, int, dict[str, int]]:
    """A ranked table from row `r` (two header rows): 排名, the key columns, 小区数, and per
    headline rate 比率 (coloured against the target), 差距 and 比上期. Returns the first and
    last data rows and the column of each rate."""
    ws, fmts = sh.ws, sh.fmts
    per_rate = ["比率", "差距\n（个）"] + (["比上期\n（百分点）"] if change else [])
    heads = ["排名", *(label for label, _ in keys), "小区数"]
    for c, label in enumerate(heads):
        ws.merge_range(r, c, r + 1, c, label, fmts["head"])
    col = len(heads)
    rate_cols: dict[str, int] = {}
    for key in HEADLINE:
        ws.merge_range(r, col, r, col + len(per_rate) - 1, rate_short(key), fmts["head"])
        for j, label in enumerate(per_rate):
            ws.write_string(r + 1, col + j, label, fmts["head"])
        rate_cols[key] = col
        col += len(per_rate)
    ws.set_row(r, 22)
    ws.set_row(r + 1, 30)
    first = r = r + 2
    n_keys = len(keys)

    def figures_of(entry: dict, bold: bool) -> None:
        num, pct_, chg = ("total_int", "total_pct", "total_chg") if bold else ("int", "pct", "chg")
        sh.number(r, n_keys + 1, entry["compounds"], num)
        for key in HEADLINE:
            c = rate_cols[key]
            sh.number(r, c, exact_rate(entry, key), pct_)
            sh.number(r, c + 1, entry["gap"].get(key), num)
            if change:
                delta = (entry.get("change") or {}).get(key)
                sh.number(r, c + 2, None if delta is None else delta * 100, chg)

    for entry in rows:
        sh.number(r, 0, entry.get("rank"), "int")
        for j, (_, key) in enumerate(keys, start=1):
            sh.text(r, j, entry[key], "cell")
        figures_of(entry, False)
        r += 1
    for street in unreported:
        sh.text(r, 0, "", "cell")
        for j in range(1, n_keys):
            sh.text(r, j, "", "cell")
        sh.text(r, n_keys, street, "cell")
        sh.text(r, n_keys + 1, "未报送", "cell")
        for c in range(n_keys + 2, col):
            sh.text(r, c, DASH, "cell")
        r += 1
    if total is not None:
        label, entry = total
        for j in range(n_keys):
            sh.text(r, j, "", "total")
        sh.text(r, n_keys, label, "total")
        figures_of(entry, True)
        r += 1
    last = r - 1
    for key in HEADLINE:
        if key in target and last >= first:
            _colour_against_target(ws, fmts, first, last, rate_cols[key], target[key])
    return first, last, rate_cols


def _overview(book: Book, rc: ReportContent) -> None:
    """Page 1, read by a leader in ten seconds: (a city: the districts by rank, then) the
    streets by rank, rank first, each headline rate coloured against its target with the gap
    and the change; then the counts behind the rates, the secondary rates and the chart."""
    data = rc.figures_json()
    change = rc.has_previous
    sh = book.sheet("概览")
    ws, fmts = sh.ws, sh.fmts
    target = data["total"]["target"]
    city = rc.is_city
    street_keys = [("区", "district"), ("街道", "street")] if city else [("街道", "street")]
    per_rate = 3 if change else 2
    n_cols = 2 + len(street_keys) + per_rate * len(HEADLINE)
    when = f"统计截止 {rc.as_of.isoformat()}"
    if change:
        when += f"，比上期：对比 {rc.previous_as_of}"
    r = 0
    for notice in data.get("notices", []):
        ws.merge_range(r, 0, r, n_cols - 1, notice, fmts["alert"])
        ws.set_row(r, 30)
        r += 1
    ws.merge_range(r, 0, r, n_cols - 1, rc.title, fmts["title"])
    ws.merge_range(r + 1, 0, r + 1, n_cols - 1, when, fmts["note"])
    ws.merge_range(r + 2, 0, r + 2, n_cols - 1, rc.target_text(), fmts["note"])
    r += 4
    header_row = r
    total = (rc.total_label, data["total"])
    if city:
        r += 1
        ws.write_string(r - 1, 0, "各区", fmts["section"])
        _, last, _ = _ranked_table(
            sh, r, [("区", "district")], _by_rank(data["districts"]), total, [], change, target
        )
        r = last + 3
        ws.write_string(r - 1, 0, "各街道（按区，区内排名）", fmts["section"])
    order = {name: i for i, name in enumerate(rc.districts)}
    streets = sorted(data["streets"], key=lambda e: (order[e["district"]], e.get("rank") or 0))
    first, last, rate_cols = _ranked_table(
        sh,
        r,
        street_keys,
        streets,
        None if city else total,
        [d + s if city else s for d, s in rc.unreported or []],
        change,
        target,
    )
    r = last
    notes = ["排名：按三项主要比率的平均值从高到低，相同者并列；差距：达到目标还需增加的个数。"]
    if rc.unreported:
        notes.append(f"未报送的街道没有计入统计：{'、'.join(d + s for d, s in rc.unreported)}。")
    for note in notes:
        r += 1
        ws.merge_range(r, 0, r, n_cols - 1, note, fmts["note"])

    # the counts behind the rates (numerators and denominators)
    r += 2
    ws.write_string(r, 0, "各街道分子、分母", fmts["section"])
    r += 1
    heads = ["排名", *(label for label, _ in street_keys), "小区数"]
    for key in HEADLINE:
        heads += [f"{rate_terse(key)}\n分子", f"{rate_terse(key)}\n分母"]
    sh.header(r, heads)
    ws.set_row(r, 30)
    k = len(street_keys)
    for entry in [*streets, data["total"]]:
        r += 1
        is_total = entry is data["total"]
        text, num = ("total", "total_int") if is_total else ("cell", "int")
        if is_total:
            for j in range(k):
                sh.text(r, j, "", text)
            sh.text(r, k, rc.total_label, text)
        else:
            sh.number(r, 0, entry.get("rank"), num)
            for j, (_, key) in enumerate(street_keys, start=1):
                sh.text(r, j, entry[key], text)
        sh.number(r, k + 1, entry["compounds"], num)
        for j, key in enumerate(HEADLINE):
            sh.number(r, k + 2 + 2 * j, entry[key]["numerator"], num)
            sh.number(r, k + 3 + 2 * j, entry[key]["denominator"], num)

    # the secondary rates of the whole
    r += 2
    ws.write_string(r, 0, f"{'全市' if city else '全区'}各项指标（含辅助指标）", fmts["section"])
    r += 1
    ws.merge_range(r, 0, r, 2, "指标", fmts["head"])
    for c, label in enumerate(["分子", "分母", "比率"], start=3):
        ws.write_string(r, c, label, fmts["head"])
    total_entry = data["total"]
    for key in RATE_KEYS:
        r += 1
        ws.merge_range(r, 0, r, 2, rate_name(key), fmts["cell"])
        sh.number(r, 3, total_entry[key]["numerator"], "int")
        sh.number(r, 4, total_entry[key]["denominator"], "int")
        sh.number(r, 5, exact_rate(total_entry, key), "pct")

    sh.finish(header_row + 1, freeze_col=1 + len(street_keys))
    # fixed widths: the tables below share these columns and wrap their headers
    ws.set_column(0, 0, 6)
    for j in range(1, len(street_keys) + 1):
        ws.set_column(j, j, max(sh.widths.get(j, 10), 10))
    ws.set_column(k + 1, k + 1, 8)
    for key in HEADLINE:
        ws.set_column(rate_cols[key], rate_cols[key] + per_rate - 1, 10)

    # native column chart: the three rates by street, in rank order (a district's streets)
    n = last - first + 1 - (0 if city else 1) - len(rc.unreported or [])
    if n > 0:
        chart = book.wb.add_chart({"type": "column"})
        for key in HEADLINE:
            c = rate_cols[key]
            chart.add_series(
                {
                    "name": rate_short(key),
                    "categories": ["概览", first, k, first + n - 1, k],
                    "values": ["概览", first, c, first + n - 1, c],
                    "data_labels": {"value": True, "num_format": "0%"},
                }
            )
        chart.set_title({"name": f"各街道“三率”（{rc.as_of.isoformat()}）"})
        chart.set_y_axis(
            {"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}}
        )
        chart.set_legend({"position": "bottom"})
        width = sum(max(sh.widths.get(j, 10), 10) for j in range(1, k + 1))
        width = (6 + width + 8 + 10 * per_rate * len(HEADLINE)) * 7
        chart.set_size({"width": max(560, width), "height": 340})
        ws.insert_chart(r + 2, 0, chart)
        ws.set_h_pagebreaks([r + 1])  # the chart prints whole, on a page of its own


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


def _compare(book: Book, rc: ReportContent) -> None:
    """口径对照: the headline rates of the whole (and each district) under our 口径 and each
    other one, with the settings that differ."""
    sh = book.sheet("口径对照")
    ws, fmts = sh.ws, sh.fmts
    ws.write_string(
        0, 0, f"口径对照（统计截止 {rc.as_of.isoformat()}，同一批台账）", fmts["section"]
    )
    heads = ["口径", "范围", *(rate_short(k) for k in HEADLINE), "与本报告口径不同的设置"]
    sh.header(1, heads)
    ws.set_row(1, 30)
    ours = rc.comp.config.source or "本报告口径"
    rows = [(ours, rc.data, "—")] + [
        (c.name, c.to_json(), "、".join(c.differences) or "（无差别）") for c in rc.compare
    ]
    r = 1
    for name, data, diff in rows:
        scopes = [(rc.total_label, data["total"])]
        if rc.is_city:
            scopes += [(e["district"], e) for e in data["districts"]]
        for scope, entry in scopes:
            r += 1
            sh.text(r, 0, name, "cell")
            sh.text(r, 1, scope, "cell")
            for j, key in enumerate(HEADLINE, start=2):
                sh.number(r, j, exact_rate(entry, key), "pct")
            sh.text(r, 2 + len(HEADLINE), diff, "wrap")
    sh.finish(1, freeze_col=2)
    ws.set_column(2 + len(HEADLINE), 2 + len(HEADLINE), 50)


def _communities(book: Book, rc: ReportContent) -> None:
    """社区明细: every community with every rate (the district first in a city)."""
    sh = book.sheet("社区明细")
    ws, fmts = sh.ws, sh.fmts
    h1, h2 = 0, 1
    keys = (["district"] if rc.is_city else []) + ["street", "community"]
    labels = {"district": "区", "street": "街道", "community": "社区"}
    heads = [labels[k] for k in keys] + ["小区数"]
    for c, label in enumerate(heads):
        ws.merge_range(h1, c, h2, c, label, fmts["head"])
        sh.fit(c, label)
    first = len(heads)
    for i, key in enumerate(RATE_KEYS):
        c = first + 3 * i
        ws.merge_range(h1, c, h1, c + 2, rate_name(key), fmts["head"])
        for j, label in enumerate(["分子", "分母", "比率"]):
            sh.text(h2, c + j, label, "head")
    ws.set_row(h1, 42)
    ws.set_row(h2, 20)
    rows = rc.data["communities"]
    for c, key in enumerate(keys):
        sh.text_column(h2 + 1, c, [e[key] for e in rows])
    sh.number_column(h2 + 1, len(keys), [e["compounds"] for e in rows])
    for i, key in enumerate(RATE_KEYS):
        c = first + 3 * i
        sh.number_column(h2 + 1, c, [e[key]["numerator"] for e in rows])
        sh.number_column(h2 + 1, c + 1, [e[key]["denominator"] for e in rows])
        sh.number_column(h2 + 1, c + 2, [exact_rate(e, key) for e in rows], "pct")
    ws.autofilter(h2, 0, h2 + max(len(rows), 1), first - 1 + 3 * len(RATE_KEYS))
    sh.finish(h2, freeze_col=len(keys), min_width=7)


def _todos(book: Book, rc: ReportContent) -> None:
    """问题清单: every to-do with its 整改 status, then the to-dos closed this period."""
    sh = book.sheet("问题清单")
    ws, fmts = sh.ws, sh.fmts
    df, closed = rc.tracked()
    columns = shown_columns(df, city=rc.is_city)
    counts = Counter(df["label"])
    kinds = "；".join(f"{k} {counts.get(k, 0)} 项" for k in TODO_LABELS.values())
    status = "，".join(f"{k} {v} 项" for k, v in rc.status_counts().items())
    last = len(columns) - 1
    ws.merge_range(
        0, 0, 0, last, f"问题清单（统计截止 {rc.as_of.isoformat()}）：{kinds}", fmts["note"]
    )
    ws.merge_range(1, 0, 1, last, f"整改情况：{status}。", fmts["note"])
    h = 2
    sh.header(h, [TODO_COLUMNS[c] for c in columns])
    for c, col in enumerate(columns):
        if col == "months_open":
            sh.number_column(h + 1, c, [int(v) for v in df[col].tolist()])
        else:
            sh.text_column(h + 1, c, [str(v) for v in df[col].tolist()])
    ws.autofilter(h, 0, h + max(len(df), 1), last)
    r = h + len(df) + 2
    ws.write_string(r, 0, f"本期已销号（{len(closed)} 项）", fmts["section"])
    heads = ["类别", *(["区"] if rc.is_city else []), "街道", "对象编号", "首次列入", "销号月份"]
    sh.header(r + 1, heads)
    for i, item in enumerate(closed, start=r + 2):
        values = [
            TODO_LABELS.get(item["kind"], item["kind"]),
            *([item["district"]] if rc.is_city else []),
            item["street"],
            item["object_id"],
            item["first_seen"],
            item["closed_in"],
        ]
        for c, v in enumerate(values):
            sh.text(i, c, v, "cell")
    if not closed:
        sh.text(r + 2, 0, "无", "cell")
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
        if rc.compare:
            _compare(book, rc)
        _communities(book, rc)
        _todos(book, rc)
        _method(book, rc)
        _quality(book, rc)
