"""ledger: the standardised ledger workbook (SPEC section 3, `sanlv ledger`).

Three roster sheets with the canonical headers and the cleaned values of every input row
(merged over all files), each compound with its derived status on the as-of date in columns
after the canonical ones, then one to-do sheet per street. The derived columns and the
to-do sheets are skipped by the reader (`read.DERIVED_HEADERS`, `read.DERIVED_SHEET_PREFIX`),
so the ledger is itself valid input and gives the same rates as the original files.

Written with xlsxwriter in constant-memory mode: values are converted column by column,
then written row by row with the typed write methods (no per-cell type dispatch).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import compute as engine
from . import schema
from .compute import UNIT_LABELS, Computation
from .normalise import EXCEL_EPOCH, Dataset
from .read import DERIVED_SHEET_PREFIX
from .units import lifecycle_state
from .write import atomic_output

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

TODO_COMMITTEE = "未组建业委会（物管会）"
TODO_SERVICE = "无物业服务"
TODO_PARTY = "党组织未覆盖"
TODO_EXPIRED = "业委会（物管会）届满未换届"
TODO_ORDER = (TODO_COMMITTEE, TODO_SERVICE, TODO_PARTY, TODO_EXPIRED)
TODO_HEADERS = ("事项", "社区", "小区编号", "小区名称", "对象编号", "说明")
TODO_WIDTHS = (24, 14, 12, 22, 16, 50)
SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31


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
    party_reason = cid.map(miss_text).fillna("").to_numpy()
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


def todo_items(comp: Computation) -> pd.DataFrame:
    """Every to-do of SPEC section 5 (问题清单), one row each, with street and community."""
    t = comp.todos()
    label = dict(zip(engine.TODO_KINDS, TODO_ORDER, strict=True))
    party = t["kind"] == engine.TODO_PARTY
    expired = t["kind"] == engine.TODO_EXPIRED
    obj = t["object_id"].where(t["object_id"].notna(), "")
    term = t["term_end"].dt.strftime("%Y-%m-%d").fillna("")
    detail = t["reason"].where(~expired, "任期已于 " + term + " 届满，尚未换届")
    out = pd.DataFrame(
        {
            "事项": t["kind"].map(label),
            "街道": t["street"],
            "社区": t["community"],
            "小区编号": t["compound_id"],
            "小区名称": t["compound_name"],
            "对象编号": obj.where(~party, t["unit_kind"].map(UNIT_LABELS) + obj),
            "说明": detail,
        }
    )
    out["_order"] = out["事项"].map({k: i for i, k in enumerate(TODO_ORDER)})
    out = out.sort_values(["街道", "_order", "社区", "小区编号"], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def sheet_names(streets: list[str]) -> dict[str, str]:
    """Street -> to-do sheet name (≤ 31 characters, no []:*?/\\, unique)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for s in streets:
        base = (DERIVED_SHEET_PREFIX + SHEET_BAD_CHARS.sub("_", s))[:MAX_SHEET_NAME]
        name, k = base, 2
        while name.lower() in used:
            suffix = f"~{k}"
            name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
            k += 1
        used.add(name.lower())
        out[s] = name
    return out


# --- writing ------------------------------------------------------------------------------

_STR, _NUM, _DATE = 0, 1, 2


def _column(f: schema.Field, s: pd.Series) -> tuple[int, list]:
    """A roster column as (kind, Python values with None for empty cells)."""
    if f.type == "int":
        v = s.astype(object).where(s.notna(), None)
        return _NUM, [None if x is None else int(x) for x in v]
    if f.type == "date":
        days = (s - EXCEL_EPOCH) / pd.Timedelta(days=1)
        return _DATE, days.astype(object).where(days.notna(), None).tolist()
    if f.type == "bool":
        known = s.notna().to_numpy()
        yes = s.fillna(False).to_numpy(dtype=bool)
        return _STR, np.where(known, np.where(yes, "是", "否"), None).tolist()
    if f.type == "idlist":
        return _STR, [("、".join(t) if t else None) for t in s]
    return _STR, s.astype(object).where(s.notna(), None).tolist()


def _write_rows(ws, start: int, kinds: list[int], columns: list[list], date_fmt) -> int:
    """Write the columns row by row from Excel row `start` (0-based); returns rows written."""
    write_s, write_n = ws.write_string, ws.write_number
    r = start - 1
    for r, vals in enumerate(zip(*columns, strict=True), start=start):
        for c, v in enumerate(vals):
            if v is None or v == "":
                continue
            k = kinds[c]
            if k == _STR:
                write_s(r, c, v)
            elif k == _NUM:
                write_n(r, c, v)
            else:
                write_n(r, c, v, date_fmt)
    return r - start + 1


def _roster_columns(
    ds: Dataset, roster: schema.Roster, include_personal: bool
) -> tuple[list[str], list[int], list[list], list[int]]:
    df = ds.tables[roster.key]
    headers, kinds, cols, widths = [], [], [], []
    for f in roster.fields:
        headers.append(f.label)
        widths.append(max(f.width, 8))
        if f.personal and not include_personal:
            kinds.append(_STR)
            cols.append([None] * len(df))
            continue
        kind, values = _column(f, df[f.key])
        kinds.append(kind)
        cols.append(values)
    return headers, kinds, cols, widths


def write_ledger(
    ds: Dataset,
    comp: Computation,
    path: str | os.PathLike,
    include_personal: bool = False,
) -> LedgerResult:
    """Write the standardised ledger of `ds` with the status of `comp` (its as-of date)."""
    import xlsxwriter

    day = pd.Timestamp(comp.as_of)
    status = compound_status(comp).drop_duplicates("compound_id").set_index("compound_id")
    todo = todo_items(comp)
    streets = sorted(set(comp.compounds["street"]))
    names = sheet_names(streets)
    result = LedgerResult(str(path), comp.as_of.isoformat(), {})

    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(
            tmp,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        wb.set_properties(
            {"title": "三率标准化台账", "comments": f"统计截止 {comp.as_of.isoformat()}"}
        )
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        derived_head = wb.add_format(
            {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True}
        )
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        title_fmt = wb.add_format({"bold": True, "font_size": 13})

        for roster in schema.ROSTERS:
            headers, kinds, cols, widths = _roster_columns(ds, roster, include_personal)
            df = ds.tables[roster.key]
            extra: list[str] = []
            if roster is schema.COMPOUNDS:
                derived = status.reindex(df["compound_id"])
                extra = list(COMPOUND_DERIVED)
                for h in extra:
                    cols.append(derived[h].astype(object).where(derived[h].notna(), None).tolist())
            elif roster is schema.COMMITTEES:
                st = comp.committees.drop_duplicates("committee_id").set_index("committee_id")
                extra = [H_STATE]
                state = df["committee_id"].map(st["state"])
                cols.append(state.astype(object).where(state.notna(), None).tolist())
            else:
                extra = [H_STATE]
                cols.append(lifecycle_state(df["founded"], df["dissolved"], day, "有效").tolist())
            kinds += [_STR] * len(extra)
            ws = wb.add_worksheet(roster.label)
            for c, w in enumerate(widths + [DERIVED_WIDTHS.get(h, 12) for h in extra]):
                ws.set_column(c, c, w)
            ws.freeze_panes(1, 1)
            for c, h in enumerate(headers):
                ws.write_string(0, c, h, head)
            for c, h in enumerate(extra, start=len(headers)):
                ws.write_string(0, c, h, derived_head)
            n = _write_rows(ws, 1, kinds, cols, date_fmt)
            ws.autofilter(0, 0, max(n, 1), len(headers) + len(extra) - 1)
            result.rows[roster.label] = n

        by_street = dict(iter(todo.groupby("街道", sort=False)))
        for street in streets:
            items = by_street.get(street, todo.iloc[:0])
            ws = wb.add_worksheet(names[street])
            for c, w in enumerate(TODO_WIDTHS):
                ws.set_column(c, c, w)
            ws.freeze_panes(2, 0)
            ws.write_string(
                0,
                0,
                f"{street} 待办事项（统计截止 {comp.as_of.isoformat()}，共 {len(items)} 项）",
                title_fmt,
            )
            for c, h in enumerate(TODO_HEADERS):
                ws.write_string(1, c, h, head)
            if items.empty:
                ws.write_string(2, 0, "无待办事项")
            else:
                cols = [
                    items[h].astype(object).where(items[h].notna(), None).tolist()
                    for h in TODO_HEADERS
                ]
                _write_rows(ws, 2, [_STR] * len(cols), cols, date_fmt)
            result.todo[street] = len(items)
        wb.close()
    return result
