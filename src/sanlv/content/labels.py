"""Every word a report uses for a figure, in one place: the names of the rates (long, short
and terse), of severities, of to-do kinds and unit kinds, and how a rate, a change and a
missing value are written. The xlsx, terminal, JSON and Word renderers take them from here."""

from __future__ import annotations

from ..compute import TODO_COMMITTEE, TODO_EXPIRED, TODO_PARTY, TODO_SERVICE
from ..config import RATE_NAMES
from ..issues import SEVERITY_LABELS, SEVERITY_ORDER
from ..units import UNIT_COMMITTEE, UNIT_ENTERPRISE, UNIT_SERVICE

__all__ = ["SEVERITY_LABELS", "SEVERITY_ORDER"]

DASH = "—"

# key -> (full name, short name for column headers, terse name for a narrow terminal)
RATE_LABELS: dict[str, tuple[str, str, str]] = {
    "committee": (RATE_NAMES["committee"], "业委会（物管会）组建率", "组建率"),
    "service": (RATE_NAMES["service"], "物业服务覆盖率", "物业覆盖率"),
    "service_professional": (
        RATE_NAMES["service_professional"],
        "专业化物业服务率",
        "专业化率",
    ),
    "party": (RATE_NAMES["party"], "党的组织覆盖率", "党组织覆盖率"),
    "party_work": (RATE_NAMES["party_work"], "党的组织和工作覆盖率", "组织和工作覆盖"),
    "party_committee": (RATE_NAMES["party_committee"], "业委会党组织覆盖率", "业委会党组织"),
    "party_service": (RATE_NAMES["party_service"], "物业项目党组织覆盖率", "项目党组织"),
    "committee_party_half": (RATE_NAMES["committee_party_half"], "党员委员过半比例", "党员过半"),
    "committee_cross": (RATE_NAMES["committee_cross"], "交叉任职比例", "交叉任职"),
}


def rate_name(key: str) -> str:
    return RATE_LABELS[key][0]


def rate_short(key: str) -> str:
    return RATE_LABELS[key][1]


def rate_terse(key: str) -> str:
    return RATE_LABELS[key][2]


TODO_LABELS: dict[str, str] = {
    TODO_COMMITTEE: "未组建业委会（物管会）",
    TODO_SERVICE: "无物业服务",
    TODO_PARTY: "党组织未覆盖",
    TODO_EXPIRED: "届满未换届",
}

UNIT_LABELS: dict[str, str] = {
    UNIT_COMMITTEE: "业委会（物管会）",
    UNIT_SERVICE: "物业服务项目",
    UNIT_ENTERPRISE: "物业服务企业",
}


def pct(rate: float | None, places: int = 1) -> str:
    """A rate as a percentage: 0.7172 -> "71.7%"; None -> "—"."""
    return DASH if rate is None else f"{rate * 100:.{places}f}%"


def points(change: float | None, signed: bool = True) -> str:
    """A change of a rate (a fraction) in percentage points: 0.021 -> "+2.1"."""
    if change is None:
        return DASH
    return f"{change * 100:+.1f}" if signed else f"{change * 100:.1f}"
