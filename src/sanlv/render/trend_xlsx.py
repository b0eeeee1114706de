"""The trend workbook (``sanlv trend -o``): 全区 (the monthly series of the three headline
rates with a line chart of them; 全市 for a city), 街道 (every street's series of the headline
rates), 全区其他指标 (全市其他指标) and 街道其他指标 (the other rates), and 说明 (the notes).

The headline rates and the other rates are on separate sheets so that each sheet prints one
page wide at a readable size (all nine rates with their counts are 30 columns: 3.4 pt on A4)."""

from __future__ import annotations

import os

import pandas as pd

from ..compute import HEADLINE, RATE_KEYS
from ..content.labels import DASH, rate_name
from ..trend import TrendResult
from .workbook import Book, workbook

OTHER_RATES = tuple(k for k in RATE_KEYS if k not in HEADLINE)


def _table(
    book: Book,
    name: str,
    title: str,
    result: TrendResult,
    df: pd.DataFrame,
    with_street: bool,
    keys: tuple[str, ...] = HEADLINE,
):
    sh = book.sheet(name, title)
    ws, fmts = sh.ws, sh.fmts
    pct = book.add_format({"num_format": "0.0%"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    headers = ["月份", "统计日"] + (["区", "街道"] if with_street else []) + ["小区数"]
    first_rate = len(headers)
    for k in keys:
        headers += [rate_name(k), "分子", "分母"]
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, fmts["head"])
    ws.set_row(0, 45)
    ws.set_column(0, 1, 11)
    ws.set_column(first_rate, len(headers) - 1, 10)
    if with_street:
        ws.set_column(2, 3, 14)
    ws.freeze_panes(1, first_rate)
    ws.repeat_rows(0, 0)
    for r, row in enumerate(df.to_dict("records"), start=1):
        ws.write_string(r, 0, row["month"])
        ws.write_datetime(r, 1, pd.Timestamp(row["as_of"]).to_pydatetime(), date_fmt)
        c = 2
        if with_street:
            ws.write_string(r, c, str(row["district"]))
            ws.write_string(r, c + 1, str(row["street"]))
            c += 2
        ws.write_number(r, c, int(row["compounds"]))
        c += 1
        for k in keys:
            rate = result.rate(row, k)
            if rate.rate is None:
                ws.write_string(r, c, DASH)
            else:
                ws.write_number(r, c, rate.rate, pct)
            ws.write_number(r, c + 1, rate.numerator)
            ws.write_number(r, c + 2, rate.denominator)
            c += 3
    return ws, first_rate


def write_trend(result: TrendResult, path: str | os.PathLike) -> None:
    """Write the trend workbook atomically."""
    months = result.months
    span = f"{months[0]} 至 {months[-1]}" if months else "无月份"
    title = f"三率月度走势（{span}）"
    total = result.total_label  # 全区, or 全市 for a city
    with workbook(path, kind="trend", title=title) as book:
        ws, first_rate = _table(book, total, title, result, result.total, False)
        n = len(result.total)
        if n:
            chart = book.wb.add_chart({"type": "line"})
            for k in HEADLINE:
                col = first_rate + 3 * HEADLINE.index(k)
                chart.add_series(
                    {
                        "name": [total, 0, col],
                        "categories": [total, 1, 0, n, 0],
                        "values": [total, 1, col, n, col],
                        "marker": {"type": "circle", "size": 4},
                    }
                )
            chart.set_title({"name": f"{total}三率月度走势"})
            chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 760, "height": 380})
            ws.insert_chart(n + 3, 0, chart)
            ws.set_h_pagebreaks([n + 2])  # the chart prints whole, on a page of its own
        _table(book, "街道", f"各街道{title}", result, result.streets, True)
        other = f"其他指标{title}"
        _table(book, f"{total}其他指标", other, result, result.total, False, OTHER_RATES)
        _table(book, "街道其他指标", f"各街道{other}", result, result.streets, True, OTHER_RATES)
        sh = book.sheet("说明", title)
        sh.ws.set_column(0, 0, 100)
        for r, note in enumerate(result.notes):
            sh.ws.write_string(r, 0, note)
