"""Dates of the command line and the record: as-of dates, periods (YYYY-MM, meaning the
last day of that month), month ends and the previous period. Standard library only (imported
at CLI start-up)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .issues import UsageError

# Dates the engine can work with (pandas timestamps end in 2262; rosters use 1900-2199).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
_PERIOD_RE = re.compile(r"(\d{4})-?(\d{1,2})")
_DAY_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _in_range(day: date, option: str, text: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(
            f"{option} 的值“{text}”超出可统计的范围（{FIRST_DAY.year}—{LAST_DAY.year} 年）。"
        )
    return day


def parse_period(text: str, option: str = "--period") -> date:
    """'2026-10' (or '202610') -> the last day of that month."""
    m = _PERIOD_RE.fullmatch(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) == 0:
        raise UsageError(f"{option} 的月份“{text}”无效，应为 YYYY-MM，如 2026-10。")
    year = int(m.group(1))
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        return _in_range(date(max(year, 1), 1, 1), option, text)
    return month_end(year, int(m.group(2)))


def parse_day(text: str, option: str = "--as-of") -> date:
    """'2026-10-31', '2026/10/31', '2026.10.31' or '2026年10月31日' -> a date."""
    m = _DAY_RE.fullmatch(str(text).strip())
    try:
        if not m:
            raise ValueError
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UsageError(
            f"{option} 的值“{text}”不是有效日期，应为 YYYY-MM-DD，如 2026-10-31。"
        ) from None
    return _in_range(day, option, text)


def resolve_as_of(
    as_of: date | str | None = None, period: str | None = None, today: date | None = None
) -> date:
    """The as-of date of a command: --as-of DATE, or --period YYYY-MM (that month's last
    day); default today."""
    if as_of is not None and period is not None:
        raise UsageError("--as-of 与 --period 只能二选一。")
    if period is not None:
        return parse_period(period)
    if isinstance(as_of, date):
        return _in_range(as_of, "--as-of", as_of.isoformat())
    if as_of is not None:
        return parse_day(as_of)
    return today or date.today()


def month_ends(first: date, last: date) -> list[date]:
    """The month ends from the month of `first` to the month of `last`, inclusive."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(month_end(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def previous_month_end(day: date) -> date:
    """The last day of the month before `day`'s month."""
    return date(day.year, day.month, 1) - timedelta(days=1)


def period_of(day: date) -> str:
    """'YYYY-MM' of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def future_notice(day: date, today: date | None = None) -> str | None:
    """A warning line when the as-of date is after today (allowed; SPEC section 3)."""
    today = today or date.today()
    if day <= today:
        return None
    return (
        f"提示：统计截止日期 {day.isoformat()} 晚于今天（{today.isoformat()}），"
        "将按台账现有内容计算，尚未发生的成立、撤销、届满也按所填日期计入。"
    )
