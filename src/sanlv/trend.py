"""trend: the monthly series of every rate (SPEC section 3, `sanlv trend`).

Two ways to get a month's figures:

- from the dates in one set of rosters (default): the rosters are read once and the rate
  engine is run at each month end; committees and Party organisations come and go with their
  成立日期 / 撤销日期, service with 物业服务起始日期. What the rosters hold only as of today
  (the management mode, 纳入统计, the compounds themselves) is taken as constant over the
  period, and the result says so in its notes;
- from snapshots (`--snapshot 2026-09=九月.xlsx`): each month's own files, computed at that
  month's end.
"""

from __future__ import annotations

import calendar
import os
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .compute import HEADLINE, RATE_KEYS, RATE_LABELS, Rate, compute
from .normalise import Dataset

MAX_MONTHS = 120
TOTAL = "全区"
_COUNT_COLS = ["compounds"] + [f"{k}_{x}" for k in RATE_KEYS for x in ("num", "den")]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_ends(first: date, last: date) -> list[date]:
    """The month ends from the month of `first` to the month of `last`, inclusive."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(month_end(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class TrendResult:
    mode: str  # "dates" | "snapshots"
    total: pd.DataFrame  # one row per month: month, as_of, compounds, {key}_num, {key}_den
    streets: pd.DataFrame  # one row per month and street, same columns plus street
    notes: list[str] = field(default_factory=list)
    config: object = None

    @property
    def months(self) -> list[str]:
        return list(self.total["month"])

    def rate(self, row, key: str) -> Rate:
        return Rate(int(row[f"{key}_num"]), int(row[f"{key}_den"]))

    def _entry(self, row, extra: dict) -> dict:
        d = dict(extra)
        d["compounds"] = int(row["compounds"])
        d.update({k: self.rate(row, k).to_dict() for k in RATE_KEYS})
        return d

    def to_json(self) -> dict:
        streets: dict[str, list[dict]] = {}
        for s in self.streets.to_dict("records"):
            streets.setdefault(s["month"], []).append(self._entry(s, {"street": s["street"]}))
        months = [
            {
                "month": row["month"],
                "as_of": row["as_of"].isoformat(),
                "total": self._entry(row, {}),
                "streets": streets.get(row["month"], []),
            }
            for row in self.total.to_dict("records")
        ]
        return {
            "mode": self.mode,
            "from": self.months[0] if self.months else None,
            "to": self.months[-1] if self.months else None,
            "months": months,
            "notes": self.notes,
            "config": self.config.to_dict() if self.config is not None else {},
        }


def _counts(ds: Dataset, config, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    comp = compute(ds, config, day)
    month = f"{day.year:04d}-{day.month:02d}"
    total = comp.counts()[_COUNT_COLS].assign(month=month, as_of=day)
    streets = comp.counts(["street"]).assign(month=month, as_of=day)
    return total, streets


def _frame(
    totals: list[pd.DataFrame], streets: list[pd.DataFrame]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = pd.concat(totals, ignore_index=True)[["month", "as_of", *_COUNT_COLS]]
    s = pd.concat(streets, ignore_index=True)[["month", "as_of", "street", *_COUNT_COLS]]
    return t, s


def _notes(ds: Dataset) -> list[str]:
    notes = [
        "各月的业委会（物管会）和党组织按成立日期、撤销日期计算；小区名单、物业管理方式、"
        "纳入统计和具备组建条件按当前台账，视为整个期间不变。"
    ]
    c = ds.compounds
    in_scope = c["in_scope"].fillna(True).astype(bool)
    no_since = int((in_scope & c["service_since"].isna()).sum())
    if no_since:
        notes.append(
            f"{no_since} 个纳入统计的小区未填“物业服务起始日期”，其物业服务覆盖按整个期间不变计算。"
        )
    no_founded = int(ds.committees["founded"].isna().sum())
    if no_founded:
        notes.append(f"{no_founded} 个业委会（物管会）未填成立日期，各月均不计入。")
    return notes


def trend_from_dates(ds: Dataset, config, months: list[date]) -> TrendResult:
    """The rates at each of the given month ends, from the dates in one set of rosters."""
    parts = [_counts(ds, config, day) for day in months]
    total, streets = _frame([p[0] for p in parts], [p[1] for p in parts])
    return TrendResult("dates", total, streets, _notes(ds), config)


def trend_from_snapshots(snapshots: list[tuple[date, Dataset]], config) -> TrendResult:
    """The rates of each month's own snapshot, at that month's end (months in order)."""
    snapshots = sorted(snapshots, key=lambda s: s[0])
    parts = [_counts(ds, config, day) for day, ds in snapshots]
    total, streets = _frame([p[0] for p in parts], [p[1] for p in parts])
    notes = ["每个月份按该月提交的台账快照计算，统计日为该月最后一天。"]
    return TrendResult("snapshots", total, streets, notes, config)


# --- the trend workbook -------------------------------------------------------------------


def write_trend(result: TrendResult, path: str | os.PathLike) -> None:
    """Sheets 全区 (with a line chart of the three headline rates), 街道, 说明."""
    import xlsxwriter

    from .write import atomic_output

    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        pct = wb.add_format({"num_format": "0.0%"})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})

        def table(name: str, df: pd.DataFrame, with_street: bool):
            ws = wb.add_worksheet(name)
            headers = ["月份", "统计日"] + (["街道"] if with_street else []) + ["小区数"]
            first_rate = len(headers)
            for k in RATE_KEYS:
                headers += [f"{RATE_LABELS[k]}", "分子", "分母"]
            for c, h in enumerate(headers):
                ws.write_string(0, c, h, head)
            ws.set_row(0, 45)
            ws.set_column(0, 1, 11)
            ws.set_column(first_rate, len(headers) - 1, 10)
            if with_street:
                ws.set_column(2, 2, 14)
            ws.freeze_panes(1, first_rate)
            for r, row in enumerate(df.to_dict("records"), start=1):
                ws.write_string(r, 0, row["month"])
                ws.write_datetime(r, 1, pd.Timestamp(row["as_of"]).to_pydatetime(), date_fmt)
                c = 2
                if with_street:
                    ws.write_string(r, c, str(row["street"]))
                    c += 1
                ws.write_number(r, c, int(row["compounds"]))
                c += 1
                for k in RATE_KEYS:
                    rate = result.rate(row, k)
                    if rate.rate is None:
                        ws.write_string(r, c, "—")
                    else:
                        ws.write_number(r, c, rate.rate, pct)
                    ws.write_number(r, c + 1, rate.numerator)
                    ws.write_number(r, c + 2, rate.denominator)
                    c += 3
            return ws, first_rate

        ws, first_rate = table(TOTAL, result.total, False)
        n = len(result.total)
        if n:
            chart = wb.add_chart({"type": "line"})
            for k in HEADLINE:
                col = first_rate + 3 * RATE_KEYS.index(k)
                chart.add_series(
                    {
                        "name": [TOTAL, 0, col],
                        "categories": [TOTAL, 1, 0, n, 0],
                        "values": [TOTAL, 1, col, n, col],
                        "marker": {"type": "circle", "size": 4},
                    }
                )
            chart.set_title({"name": "全区三率月度走势"})
            chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 760, "height": 380})
            ws.insert_chart(n + 3, 0, chart)
        table("街道", result.streets, True)
        ws = wb.add_worksheet("说明")
        ws.set_column(0, 0, 100)
        for r, note in enumerate(result.notes):
            ws.write_string(r, 0, note)
        wb.close()
