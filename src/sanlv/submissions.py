"""报送情况 (SPEC section 7, `sanlv status`): every expected street's submissions, 逾期 by
the deadline, and the 催报 list, from the workspace's record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .config import Config
from .dates import parse_period, period_of
from .workspace import ACCEPTED, FORCED, MISSING, RETURNED, Workspace


@dataclass
class StreetStatus:
    district: str
    street: str
    status: str
    submissions: int
    received_at: str | None
    late: bool
    errors: int
    warnings: int
    reason: str  # why to chase it ("" when there is nothing to chase)

    def to_json(self) -> dict:
        return {
            "district": self.district,
            "street": self.street,
            "status": self.status,
            "submissions": self.submissions,
            "received_at": self.received_at,
            "late": self.late,
            "errors": self.errors,
            "warnings": self.warnings,
        }


@dataclass
class StatusResult:
    period: str
    deadline: date
    streets: list[StreetStatus]
    closed: bool

    def summary(self) -> dict[str, int]:
        s = self.streets
        return {
            "expected": len(s),
            "received": sum(x.submissions > 0 for x in s),
            "accepted": sum(x.status in (ACCEPTED, FORCED) for x in s),
            "returned": sum(x.status == RETURNED for x in s),
            "missing": sum(x.status == MISSING for x in s),
            "late": sum(x.late for x in s),
        }

    def chase(self) -> list[StreetStatus]:
        """催报: the streets without accepted data, with why."""
        return [x for x in self.streets if x.reason]

    def to_json(self) -> dict:
        return {
            "period": self.period,
            "deadline": self.deadline.isoformat(),
            "closed": self.closed,
            "streets": [x.to_json() for x in self.streets],
            "summary": self.summary(),
        }


def deadline_of(period_end: date, cfg: Config) -> date:
    """Day `[collect] deadline_day` of the month after the period."""
    first_next = period_end + timedelta(days=1)
    return first_next.replace(day=min(cfg.collect.deadline_day or 1, 28))


def status(ws: Workspace, period: str, now: datetime | None = None) -> StatusResult:
    day = parse_period(period)
    period = period_of(day)
    cfg = ws.config()
    deadline = deadline_of(day, cfg)
    cutoff = datetime.combine(deadline, datetime.max.time())
    now = now or datetime.now()
    subs = ws.record.submissions(period)
    accepted = ws.record.accepted(period)
    expected = ws.expected()
    rows = []
    for district, street in expected:
        own = [s for s in subs if _covers(s.places, district, street)]
        taken = [sid for place, sid in accepted.items() if _covers([place], district, street)]
        last = own[-1] if own else None
        if taken:
            sub = ws.record.submission(taken[0])
            state = sub.status
        elif own:
            state = RETURNED
        else:
            state = MISSING
        received = last.received_at if last else None
        late = (received is not None and datetime.fromisoformat(received) > cutoff) or (
            state == MISSING and now > cutoff
        )
        reason = ""
        if state == MISSING:
            reason = "逾期未报送" if late else "尚未报送"
        elif state == RETURNED:
            reason = f"退回修改（错误 {last.errors} 个），尚未重新报送合格的台账" if last else ""
        rows.append(
            StreetStatus(
                district,
                street,
                state,
                len(own),
                received,
                late,
                last.errors if last else 0,
                last.warnings if last else 0,
                reason,
            )
        )
    return StatusResult(period, deadline, rows, ws.record.is_closed(period))


def _covers(places: Iterable[Iterable[str]], district: str, street: str) -> bool:
    """Whether one of `places` is the street (any district when the list names none)."""
    return any(
        (d == district or not district) and s == street for d, s in (tuple(p) for p in places)
    )
