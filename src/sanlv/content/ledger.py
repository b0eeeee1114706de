"""What the standardised ledger says beside the cleaned rosters: each compound's derived
status on the as-of date (业委会状态, 计入组建率, 物业服务覆盖, 专业化物业, 党组织覆盖, 未计入原因).
The labels are read back by the reader as derived columns and skipped, so a ledger is itself
valid input (read.DERIVED_HEADERS)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import schema
from ..compute import Computation
from .labels import UNIT_LABELS

# Derived columns (their labels are in read.DERIVED_HEADERS).
H_COMMITTEE_STATE = "业委会状态"
H_COMMITTEE_COUNTED = "计入组建率"
H_SERVICE = "物业服务覆盖"
H_PROFESSIONAL = "专业化物业"
H_PARTY = "党组织覆盖"
H_REASON = "未计入原因"
H_STATE = "统计日状态"
COMPOUND_DERIVED = (
    H_COMMITTEE_STATE,
    H_COMMITTEE_COUNTED,
    H_SERVICE,
    H_PROFESSIONAL,
    H_PARTY,
    H_REASON,
)
DERIVED_WIDTHS = {H_COMMITTEE_STATE: 16, H_PARTY: 12, H_REASON: 50, H_STATE: 20}


@dataclass
class LedgerResult:
    path: str
    as_of: str
    rows: dict[str, int]  # roster label -> rows written
    todo: dict[str, int] = field(default_factory=dict)  # street -> to-do items

    @property
    def todo_total(self) -> int:
        return sum(self.todo.values())


# --- derived status -----------------------------------------------------------------------


def _yes_no(s: pd.Series) -> np.ndarray:
    return np.where(s.fillna(False).astype(bool).to_numpy(), "是", "否")


def _join(parts: list[np.ndarray], sep: str = "；") -> np.ndarray:
    """Element-wise join of string arrays, leaving out empty parts."""
    out = parts[0].astype(object)
    for p in parts[1:]:
        p = p.astype(object)
        both = (out != "") & (p != "")
        out = np.where(both, out + sep + p, out + p)
    return out


def compound_status(comp: Computation) -> pd.DataFrame:
    """The derived columns of each compound (one row per compound of `comp.compounds`)."""
    c = comp.compounds
    cid = c["compound_id"]
    com = comp.committees
    active = com[com["active"]]
    has_any = cid.isin(active["compound_id"]).to_numpy()
    ywh = cid.isin(active.loc[active["kind"] == schema.KIND_YWH, "compound_id"]).to_numpy()
    state = np.select(
        [~has_any, c["committee_expired"].to_numpy(), ywh],
        ["未组建", "届满未换届", "已组建（业委会）"],
        default="已组建（物管会）",
    )

    u = comp.units
    per = pd.DataFrame(
        {
            "n": u.groupby("compound_id").size(),
            "org": u.groupby("compound_id")["party_org_ok"].sum(),
            "work": u.groupby("compound_id")["party_work_ok"].sum(),
        }
    )
    n = cid.map(per["n"]).fillna(0).to_numpy()
    org = cid.map(per["org"]).fillna(0).to_numpy()
    work = cid.map(per["work"]).fillna(0).to_numpy()
    party = np.select(
        [n == 0, org == n, work == n], ["无需覆盖", "组织覆盖", "仅工作覆盖"], default="未覆盖"
    )

    miss = u[~u["party_counted"]]
    # "、" before each unit's text, concatenated per compound, the first "、" dropped
    text = "、" + miss["unit_kind"].map(UNIT_LABELS) + miss["unit_id"] + "：" + miss["party_reason"]
    miss_text = text.astype(object).groupby(miss["compound_id"]).sum().str[1:]
    party_reason = cid.map(miss_text).astype(object).fillna("").to_numpy()
    in_scope = c["in_scope"].to_numpy()

    def labelled(prefix: str, s: pd.Series | np.ndarray) -> np.ndarray:
        s = np.asarray(s, dtype=object)
        return np.where(s != "", prefix + s, "")

    reason = _join(
        [
            labelled("组建率：", c["committee_reason"].fillna("")),
            labelled("服务覆盖：", c["service_reason"].fillna("")),
            labelled("党组织覆盖：", party_reason),
        ]
    )
    reason = np.where(in_scope, reason, "未纳入统计")
    return pd.DataFrame(
        {
            "compound_id": cid.to_numpy(),
            H_COMMITTEE_STATE: state,
            H_COMMITTEE_COUNTED: _yes_no(c["committee_counted"]),
            H_SERVICE: _yes_no(c["service_counted"]),
            H_PROFESSIONAL: _yes_no(c["professional_counted"]),
            H_PARTY: np.where(in_scope, party, "未纳入统计"),
            H_REASON: reason,
        }
    )
