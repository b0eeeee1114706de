"""Policy checks of committees (业委会, 物管会), thresholds from [rules]."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import repeat

import numpy as np
import pandas as pd

from .. import schema
from ..display import show, show_many
from ..issues import WARNING, Issue
from ..units import in_set
from .context import C, Context, M, rows_where

# --- policy: committees ------------------------------------------------------------------


def _households_of(ctx: Context, compound_ids: np.ndarray) -> np.ndarray:
    """总户数 of the compound each id names (its first row), NaN when unknown."""
    filled = ~ctx.isna(C, "compound_id")
    ids, hh = ctx.v(C, "compound_id")[filled], ctx.nums(C, "households")[filled]
    first: dict[object, float] = {}
    for cid, h in zip(ids.tolist(), hh.tolist(), strict=True):
        first.setdefault(cid, h)
    found = map(first.get, compound_ids.tolist(), repeat(float("nan")))
    return np.fromiter(found, dtype=np.float64, count=len(compound_ids))


def check_committee_size(ctx: Context) -> Iterator[Issue]:
    com = ctx.ds.committees
    if com.empty:
        return
    r = ctx.rules
    act = ctx.active_committees()
    m = ctx.nums(M, "members")
    has = act & ~np.isnan(m)
    odd = m % 2 == 1
    hh = _households_of(ctx, ctx.v(M, "compound_id"))
    small = hh <= r.small_compound_households
    ywh = ctx.is_value(M, "kind", schema.KIND_YWH)
    wgh = ctx.is_value(M, "kind", schema.KIND_WGH)
    in_range = (m >= r.committee_min_members) & (m <= r.committee_max_members)
    ywh_ok = (in_range & odd) | ((m == 3) & small)
    wgh_ok = (m >= r.wuguanhui_min_members) & odd
    bad = has & ((ywh & ~ywh_ok) | (wgh & ~wgh_ok))
    for i in rows_where(bad):
        n = int(ctx.v(M, "members")[i])
        if ctx.v(M, "kind")[i] == schema.KIND_YWH:
            rule = (
                f"业委会委员应为 {r.committee_min_members}–{r.committee_max_members} 人的单数"
                f"（总户数不超过 {r.small_compound_households} 户的小区可为 3 人）"
            )
        else:
            rule = f"物管会委员应不少于 {r.wuguanhui_min_members} 人且为单数"
        yield ctx.issue(
            M,
            i,
            "members",
            "committee-size",
            WARNING,
            f"委员人数为 {n} 人，不符合规定：{rule}。",
            hint="请核对委员人数；如确有特殊情况请在备注中说明。",
        )


def check_committee_term(ctx: Context) -> Iterator[Issue]:
    com = ctx.ds.committees
    if com.empty:
        return
    r = ctx.rules
    founded, term_end = ctx.dates(M, "founded"), ctx.dates(M, "term_end")
    base = ctx.active_committees() & ~np.isnat(founded) & ~np.isnat(term_end)
    for kind, years, name in (
        (schema.KIND_YWH, r.committee_max_term_years, "业委会"),
        (schema.KIND_WGH, r.wuguanhui_max_term_years, "物管会"),
    ):
        sel = rows_where(base & ctx.is_value(M, "kind", kind))
        if not len(sel):
            continue
        limit = (pd.DatetimeIndex(founded[sel]) + pd.DateOffset(years=years)).to_numpy()
        for i in sel[term_end[sel] > limit]:
            yield ctx.issue(
                M,
                i,
                "term_end",
                "committee-term",
                WARNING,
                f"任期从 {show(ctx.v(M, 'founded')[i])} 到 {show(ctx.v(M, 'term_end')[i])}，"
                f"超过{name}每届 {years} 年的上限。",
                hint="请核对成立日期和任期届满日期。",
            )


def check_committee_expiry(ctx: Context) -> Iterator[Issue]:
    """committee-expired (term over, not re-elected) and committee-expiring (soon)."""
    com = ctx.ds.committees
    if com.empty:
        return
    te = ctx.dates(M, "term_end")
    act = ctx.active_committees()
    day = ctx.day
    soon = day + np.timedelta64(ctx.rules.expiry_warning_days, "D")
    iso = ctx.as_of.date().isoformat()
    pos = rows_where(act & (te < day))
    yield from ctx.issues_at(
        M,
        pos,
        "term_end",
        "committee-expired",
        WARNING,
        (f"任期已于 {t} 届满，截至 {iso} 未换届。" for t in show_many(te[pos])),
        hint="请督促及时换届；已换届的请更新成立日期和任期届满日期。",
    )
    pos = rows_where(act & (te >= day) & (te <= soon))
    ends = te[pos]
    yield from ctx.issues_at(
        M,
        pos,
        "term_end",
        "committee-expiring",
        WARNING,
        (
            f"任期将于 {t} 届满（{d} 天后）。" if d else f"任期今天（{t}）届满。"
            for t, d in zip(
                show_many(ends), ((ends - day) // np.timedelta64(1, "D")).tolist(), strict=True
            )
        ),
        hint="请提前筹备换届选举。",
    )


def check_committee_party(ctx: Context) -> Iterator[Issue]:
    """committee-no-party-member and committee-party-share."""
    com = ctx.ds.committees
    if com.empty:
        return
    act = ctx.active_committees()
    pm, m = ctx.nums(M, "party_members"), ctx.nums(M, "members")
    pos = rows_where(act & (pm == 0))
    yield from ctx.issues_at(
        M,
        pos,
        "party_members",
        "committee-no-party-member",
        WARNING,
        ("委员中没有中共党员。" for _ in pos),
        hint="应推动符合条件的党员通过法定程序成为委员。",
    )
    share = ctx.rules.party_share_min
    pm_v, m_v = ctx.v(M, "party_members"), ctx.v(M, "members")
    low = act & (pm > 0) & (m > 0) & (pm <= m) & (pm < share * m)
    pos = rows_where(low)
    yield from ctx.issues_at(
        M,
        pos,
        "party_members",
        "committee-party-share",
        WARNING,
        (
            f"党员委员 {pm_v[i]} 人，占委员 {m_v[i]} 人的 "
            f"{pm_v[i] / m_v[i]:.0%}，低于 {share:.0%} 的要求。"
            for i in pos.tolist()
        ),
        hint="应提高委员中党员的比例。",
    )


def _ids_by_compound(ctx: Context, rows: np.ndarray, wanted: set) -> dict[str, str]:
    """Committee ids (of the committee rows marked in `rows`) joined by 、, for the wanted
    compounds only."""
    cids, wids = ctx.v(M, "compound_id"), ctx.v(M, "committee_id")
    sub = np.flatnonzero(rows & in_set(cids, wanted))
    out: dict[str, list[str]] = {}
    for cid, wid in zip(cids[sub].tolist(), wids[sub].tolist(), strict=True):
        if wid is not None and not pd.isna(wid):
            out.setdefault(cid, []).append(str(wid))
    return {k: "、".join(v) for k, v in out.items()}


def check_committee_coexist(ctx: Context) -> Iterator[Issue]:
    """业委会 and 物管会 both active in one compound: reported on the 物管会."""
    com = ctx.ds.committees
    if com.empty:
        return
    cids = ctx.v(M, "compound_id")
    act = ctx.active_committees() & ~ctx.isna(M, "compound_id")
    ywh = act & ctx.is_value(M, "kind", schema.KIND_YWH)
    wgh = act & ctx.is_value(M, "kind", schema.KIND_WGH)
    wgh &= in_set(cids, set(cids[ywh].tolist()))
    ywh_by = _ids_by_compound(ctx, ywh, set(cids[wgh].tolist()))
    for i in rows_where(wgh):
        cid = cids[i]
        yield ctx.issue(
            M,
            i,
            "kind",
            "committee-coexist",
            WARNING,
            f"小区“{cid}”已有运行中的业委会（{ywh_by.get(cid) or '无编号'}），同时又有物管会。",
            hint="业委会成立后物管会应撤销，请填写物管会的撤销日期。",
        )


def check_committee_ineligible(ctx: Context) -> Iterator[Issue]:
    """A compound marked 具备组建条件=否 that has an active committee."""
    comp, com = ctx.ds.compounds, ctx.ds.committees
    if comp.empty or com.empty:
        return
    act = ctx.active_committees() & ~ctx.isna(M, "compound_id")
    ids = ctx.v(C, "compound_id")
    bad = ctx.is_value(C, "committee_eligible", False)
    bad &= in_set(ids, set(ctx.v(M, "compound_id")[act].tolist()))
    bad &= ctx.has_column(C, "committee_eligible")
    by = _ids_by_compound(ctx, act, set(ids[bad].tolist()))
    for i in rows_where(bad):
        cid = ids[i]
        yield ctx.issue(
            C,
            i,
            "committee_eligible",
            "committee-ineligible",
            WARNING,
            f"小区标为不具备组建条件，但已有运行中的业委会（物管会）{by.get(cid, '')}。",
            hint="已成立的，请把“具备组建条件”改为“是”；否则请核对业委会表中的小区编号。",
        )
