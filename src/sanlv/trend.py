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

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from .compute import RATE_KEYS, Rate, compute
from .config import Config
from .dates import period_of
from .levels import STREET, TOTAL
from .normalise import Dataset

MAX_MONTHS = 120
_COUNT_COLS = ["compounds"] + [f"{k}_{x}" for k in RATE_KEYS for x in ("num", "den")]


@dataclass
class TrendResult:
    mode: str  # "dates" | "snapshots"
    total: pd.DataFrame  # one row per month: month, as_of, compounds, {key}_num, {key}_den
    streets: pd.DataFrame  # one row per month and street, same columns plus district, street
    notes: list[str] = field(default_factory=list)
    config: Config | None = None
    written: list[Path] = field(default_factory=list)

    @property
    def months(self) -> list[str]:
        return list(self.total["month"])

    @property
    def is_city(self) -> bool:
        """Several districts: the total is the city's (全市), not a district's (全区)."""
        return bool(len(self.streets)) and self.streets["district"].nunique() > 1

    @property
    def total_label(self) -> str:
        return "全市" if self.is_city else "全区"

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
            keys = {"district": s["district"], "street": s["street"]}
            streets.setdefault(s["month"], []).append(self._entry(s, keys))
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


def _counts(ds: Dataset, config: Config, day: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    comp = compute(ds, config, day)
    month = period_of(day)
    total, streets = (
        comp.counts(list(level.by)).assign(month=month, as_of=day) for level in (TOTAL, STREET)
    )
    return total[[*_COUNT_COLS, "month", "as_of"]], streets


def _frame(
    totals: list[pd.DataFrame], streets: list[pd.DataFrame]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = pd.concat(totals, ignore_index=True)[["month", "as_of", *_COUNT_COLS]]
    s = pd.concat(streets, ignore_index=True)
    s = s[["month", "as_of", *STREET.by, *_COUNT_COLS]]
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


def trend_from_dates(ds: Dataset, config: Config, months: list[date]) -> TrendResult:
    """The rates at each of the given month ends, from the dates in one set of rosters."""
    parts = [_counts(ds, config, day) for day in months]
    total, streets = _frame([p[0] for p in parts], [p[1] for p in parts])
    return TrendResult("dates", total, streets, _notes(ds), config)


def trend_from_snapshots(snapshots: list[tuple[date, Dataset]], config: Config) -> TrendResult:
    """The rates of each month's own snapshot, at that month's end (months in order)."""
    snapshots = sorted(snapshots, key=lambda s: s[0])
    parts = [_counts(ds, config, day) for day, ds in snapshots]
    total, streets = _frame([p[0] for p in parts], [p[1] for p in parts])
    notes = ["每个月份按该月提交的台账快照计算，统计日为该月最后一天。"]
    return TrendResult("snapshots", total, streets, notes, config)


def trend_from_record(closes: list[tuple[str, dict]], config: Config) -> TrendResult:
    """The official rates of closed periods (the workspace's record): (period, report JSON)
    pairs in period order."""
    totals: list[dict] = []
    streets: list[dict] = []
    for month, report in closes:
        day = date.fromisoformat(report["as_of"])
        for entry, rows, keys in (
            (report["total"], totals, {}),
            *(
                (s, streets, {"district": s.get("district", ""), "street": s["street"]})
                for s in report["streets"]
            ),
        ):
            row = {"month": month, "as_of": day, **keys, "compounds": entry["compounds"]}
            for k in RATE_KEYS:
                rate = entry.get(k, {"numerator": 0, "denominator": 0})
                row[f"{k}_num"] = rate["numerator"]
                row[f"{k}_den"] = rate["denominator"]
            rows.append(row)
    total = pd.DataFrame(totals, columns=["month", "as_of", *_COUNT_COLS])
    street = pd.DataFrame(streets, columns=["month", "as_of", *STREET.by, *_COUNT_COLS])
    notes = ["各月为工作区中已月结的正式数字（月结时冻结），未月结的月份不列出。"]
    return TrendResult("record", total, street, notes, config)
