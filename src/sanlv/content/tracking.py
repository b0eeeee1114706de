"""整改销号 (SPEC section 7): each to-do's run of months, its status, and the to-dos closed
this period.

A to-do's key is `KIND:OBJECT_ID`. For a period P, its run is the unbroken sequence of
previous periods (months P-1, P-2, … that are known), in each of which the key appeared or
its street had no data; `first_seen` is the first period of that run in which the key
appeared (P when none), `months_open` counts the periods from `first_seen` to P, both
included; the status is 新增 (first seen now), 未销号, or 逾期 (`months_open` ≥ the
configured number of months). A key of the previous period that no longer appears, in a
street that has data now, is 已销号 in P. A key that returns after being closed is 新增
again, with a note 曾于 YYYY-MM 销号.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

NEW, OPEN, OVERDUE, CLOSED = "新增", "未销号", "逾期", "已销号"


@dataclass(frozen=True)
class PeriodTodos:
    """One earlier period as the tracking needs it: its to-dos by key and the streets
    (district, street) that had data in it."""

    period: str
    todos: dict[str, dict]  # key -> {"kind", "district", "street", "object_id", "first_seen", …}
    places: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def month_before(period: str) -> str:
    y, m = int(period[:4]), int(period[5:7])
    y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return f"{y:04d}-{m:02d}"


def months_between(first: str, last: str) -> int:
    """Periods from `first` to `last`, both included."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _run(history: list[PeriodTodos], period: str) -> list[PeriodTodos]:
    """The known consecutive periods before `period`, newest first."""
    by_period = {h.period: h for h in history}
    out, month = [], month_before(period)
    while month in by_period:
        out.append(by_period[month])
        month = month_before(month)
    return out


def track(
    todos: pd.DataFrame,
    period: str,
    history: list[PeriodTodos],
    places_now: set[tuple[str, str]],
    overdue_months: int,
) -> tuple[pd.DataFrame, list[dict]]:
    """The to-do list with `first_seen`, `months_open`, `status` and `note` added, and the
    to-dos closed in `period` (SPEC section 7)."""
    n = len(todos)
    out = todos.copy()
    run = _run(history, period)
    if not run:  # no earlier period: everything is new
        out["first_seen"] = np.full(n, period, dtype=object)
        out["months_open"] = np.ones(n, dtype=np.int64)
        out["status"] = np.full(n, NEW, dtype=object)
        out["note"] = np.full(n, "", dtype=object)
        return out, []
    keys = out["key"].tolist()
    places = list(zip(out["district"].tolist(), out["street"].tolist(), strict=True))
    first_seen, months, status, notes = [], [], [], []
    closed_at = _closures(run)
    for key, place in zip(keys, places, strict=True):
        first = period
        for h in run:
            if key in h.todos:
                first = h.period
            elif place in h.places:
                break
        months_open = months_between(first, period)
        first_seen.append(first)
        months.append(months_open)
        if first == period:
            status.append(NEW)
            notes.append(f"曾于 {closed_at[key]} 销号" if key in closed_at else "")
        else:
            status.append(OVERDUE if months_open >= overdue_months else OPEN)
            notes.append("")
    out["first_seen"] = np.array(first_seen, dtype=object)
    out["months_open"] = np.array(months, dtype=np.int64)
    out["status"] = np.array(status, dtype=object)
    out["note"] = np.array(notes, dtype=object)
    last = run[0]
    now = set(keys)
    closed = [
        {**row, "key": key, "closed_in": period}
        for key, row in last.todos.items()
        if key not in now and (row["district"], row["street"]) in places_now
    ]
    closed.sort(key=lambda r: (r["district"], r["street"], r["kind"], r["object_id"]))
    return out, closed


def _closures(run: list[PeriodTodos]) -> dict[str, str]:
    """key -> the latest earlier period in which it was closed (present the month before,
    absent that month while its street had data)."""
    out: dict[str, str] = {}
    for newer, older in pairwise(run):
        for key, row in older.todos.items():
            if key not in out and key not in newer.todos:
                if (row["district"], row["street"]) in newer.places:
                    out[key] = newer.period
    return out
