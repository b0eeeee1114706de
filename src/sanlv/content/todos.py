"""The to-do list of SPEC section 5 (问题清单), built once with one wording and one order for
every output: the report's 问题清单, the ledger's 待办 sheets, the terminal and the JSON.

Columns (TODO_COLUMNS gives the Chinese header of each): kind (the key kind), label, district,
street, community, compound_id, compound_name, object_id (the unit or committee, blank when the
to-do is about the compound itself), detail; `chair` with personal names when asked.
Order: district, street, community, kind, compound, object.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..compute import COMPOUND_TODOS, TODO_EXPIRED, TODO_KINDS, TODO_PARTY, Computation
from .labels import TODO_LABELS, UNIT_LABELS

TODO_COLUMNS: dict[str, str] = {
    "label": "类别",
    "district": "区",
    "street": "街道",
    "community": "社区",
    "compound_id": "小区编号",
    "compound_name": "小区名称",
    "object_id": "对象编号",
    "detail": "说明",
    "chair": "主任姓名",
    "first_seen": "首次列入",
    "months_open": "持续月数",
    "status": "整改状态",
    "note": "备注",
}


def _text(values: np.ndarray) -> np.ndarray:
    return np.where(pd.isna(values), "", values).astype(object)


def expired_detail(term_end: pd.Series, as_of) -> list[str]:
    """ "任期已于 2026-10-03 届满，已超期 28 天未换届" for each 任期届满日期."""
    overdue = (pd.Timestamp(as_of) - term_end).dt.days.tolist()
    ends = term_end.dt.strftime("%Y-%m-%d").tolist()
    return [
        f"任期已于 {e} 届满，已超期 {d:.0f} 天未换届" for e, d in zip(ends, overdue, strict=True)
    ]


def todo_list(comp: Computation, include_personal: bool = False) -> pd.DataFrame:
    """Every to-do of the period, one row each, in the one order (see the module doc)."""
    t = comp.todos()
    kinds = t["kind"]
    detail = _text(t["reason"])
    unit_kind = t["unit_kind"].tolist()
    party = np.flatnonzero(kinds == TODO_PARTY)
    if len(party):
        unit_label = UNIT_LABELS.get
        detail[party] = [f"{unit_label(unit_kind[i], '')}：{detail[i]}" for i in party.tolist()]
    expired = np.flatnonzero(kinds == TODO_EXPIRED)
    if len(expired):
        detail[expired] = expired_detail(pd.Series(t["term_end"][expired]), comp.as_of)
    obj = _text(t["object_id"])
    shown_obj = np.where(np.isin(kinds, COMPOUND_TODOS), "", obj)
    columns: dict[str, np.ndarray] = {
        "kind": kinds,
        "label": np.array([TODO_LABELS[k] for k in kinds.tolist()], dtype=object),
        "district": _text(t["district"]),
        "street": _text(t["street"]),
        "community": _text(t["community"]),
        "compound_id": _text(t["compound_id"]),
        "compound_name": _text(t["compound_name"]),
        "object_id": shown_obj.astype(object),
        "detail": detail,
        "key": np.array(
            [f"{k}:{o}" for k, o in zip(kinds.tolist(), obj.tolist(), strict=True)], dtype=object
        ),
    }
    if include_personal:
        com = comp.committees
        chairs = com.set_index("committee_id")["chair"].dropna()
        chairs = chairs[~chairs.index.duplicated()].astype(str).to_dict()
        committees = set(com["committee_id"].dropna())
        columns["chair"] = np.array(
            [
                chairs.get(o, "")
                if k == TODO_EXPIRED or (k == TODO_PARTY and o in committees)
                else ""
                for k, o in zip(kinds.tolist(), obj.tolist(), strict=True)
            ],
            dtype=object,
        )
    # a stable sort by street, community, kind, compound and object, in Arrow
    order = {k: i for i, k in enumerate(TODO_KINDS)}
    keys = pa.table(
        {
            "d": pa.array(columns["district"], pa.string()),
            "s": pa.array(columns["street"], pa.string()),
            "c": pa.array(columns["community"], pa.string()),
            "k": pa.array([order[k] for k in kinds.tolist()], pa.int8()),
            "i": pa.array(columns["compound_id"], pa.string()),
            "o": pa.array(obj, pa.string()),
        }
    )
    idx = pc.sort_indices(keys, [(k, "ascending") for k in "dsckio"]).to_numpy()
    # object columns as they are (a Series per column, or string inference, costs ~3 x)
    return pd.DataFrame({c: v[idx] for c, v in columns.items()}, dtype=object, copy=False)


def shown_columns(frame: pd.DataFrame, drop: tuple[str, ...] = (), city: bool = False) -> list[str]:
    """The to-do columns a person sees, in order (personal names only when present; the
    district only in a city roll-up)."""
    drop = drop if city else (*drop, "district")
    return [c for c in TODO_COLUMNS if c in frame.columns and c not in drop]
