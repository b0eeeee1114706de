"""Policy checks of compounds."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from .. import schema
from ..columns import fold_codes
from ..issues import ERROR, WARNING, Issue
from ..units import in_set
from .context import C, Context, distinct_per_group, rows_where

# --- policy: compounds -------------------------------------------------------------------


def check_service_company(ctx: Context) -> Iterator[Issue]:
    """service-company-missing and service-company-unexpected."""
    comp = ctx.ds.compounds
    if comp.empty:
        return
    mode, co_na = ctx.v(C, "management_mode"), ctx.isna(C, "service_company")
    for i in rows_where(in_set(mode, set(schema.MODES_NEED_COMPANY)) & co_na):
        yield ctx.issue(
            C,
            i,
            "service_company",
            "service-company-missing",
            ERROR,
            f"物业管理方式为“{mode[i]}”，但没有填写物业服务企业。",
            hint="请填写物业服务企业全称；如实际没有物业企业，请改正物业管理方式。",
        )
    for i in rows_where(ctx.is_value(C, "management_mode", schema.MODE_NONE) & ~co_na):
        yield ctx.issue(
            C,
            i,
            "service_company",
            "service-company-unexpected",
            WARNING,
            f"物业管理方式为“无物业管理”，却填写了物业服务企业“{ctx.v(C, 'service_company')[i]}”。",
            hint="如有物业企业服务，请改正物业管理方式；否则请清空物业服务企业。",
        )


def _pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One code per distinct (a, b) pair of two arrays of codes (non-negative integers)."""
    return pd.factorize(a.astype(np.int64) * (int(b.max()) + 1) + b)[0]


def check_compound_duplicate_name(ctx: Context) -> Iterator[Issue]:
    """The same compound name in one community under two ids."""
    comp = ctx.ds.compounds
    if comp.empty:
        return
    pos = rows_where(~ctx.isna(C, "compound_id") & ~ctx.isna(C, "name"))
    if not len(pos):
        return
    names, ids = ctx.v(C, "name"), ctx.v(C, "compound_id")
    # One code per group of folded (street, community, name): streets and communities
    # repeat, each distinct text is folded once.
    street, community = fold_codes(ctx.v(C, "street")[pos]), fold_codes(ctx.v(C, "community")[pos])
    group = _pairs(_pairs(street, community), fold_codes(names[pos]))
    # the groups with two or more distinct ids
    cand = np.flatnonzero(distinct_per_group(group, pd.factorize(ids[pos])[0]) > 1)
    if not len(cand):
        return
    first: dict[int, tuple[str, int]] = {}
    for g, i in zip(group[cand].tolist(), pos[cand].tolist(), strict=True):
        cid = ids[i]
        if g not in first:
            first[g] = (cid, int(i))
            continue
        other_id, j = first[g]
        if cid == other_id:
            continue
        yield ctx.issue(
            C,
            i,
            "name",
            "compound-duplicate-name",
            WARNING,
            f"同一社区中，小区“{names[i]}”已用编号“{other_id}”登记"
            f"（{ctx.place(C, j)}），这里又用了编号“{cid}”。",
            hint="如是同一小区请合并为一条；如是不同小区（如分期），请在名称中区分。",
        )
