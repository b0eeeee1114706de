"""Policy checks of compounds."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .. import schema
from ..columns import fold_codes
from ..issues import ERROR, WARNING, Issue
from ..units import isin
from .context import C, Context, rows_where, truthy

# --- policy: compounds -------------------------------------------------------------------


def check_service_company(ctx: Context) -> Iterator[Issue]:
    """service-company-missing and service-company-unexpected."""
    comp = ctx.ds.compounds
    if comp.empty:
        return
    mode, co = comp["management_mode"], comp["service_company"]
    for i in rows_where(truthy(isin(mode, schema.MODES_NEED_COMPANY)) & co.isna()):
        yield ctx.issue(
            C,
            i,
            "service_company",
            "service-company-missing",
            ERROR,
            f"物业管理方式为“{ctx.v(C, 'management_mode')[i]}”，但没有填写物业服务企业。",
            hint="请填写物业服务企业全称；如实际没有物业企业，请改正物业管理方式。",
        )
    for i in rows_where(truthy(mode == schema.MODE_NONE) & co.notna()):
        yield ctx.issue(
            C,
            i,
            "service_company",
            "service-company-unexpected",
            WARNING,
            f"物业管理方式为“无物业管理”，却填写了物业服务企业“{ctx.v(C, 'service_company')[i]}”。",
            hint="如有物业企业服务，请改正物业管理方式；否则请清空物业服务企业。",
        )


def check_compound_duplicate_name(ctx: Context) -> Iterator[Issue]:
    """The same compound name in one community under two ids."""
    comp = ctx.ds.compounds
    if comp.empty:
        return
    pos = rows_where(comp["compound_id"].notna() & comp["name"].notna())
    sub = comp.iloc[pos]
    # Integer codes of the folded texts (streets and communities repeat: fold each once).
    key = pd.DataFrame(
        {
            "s": fold_codes(sub["street"]),
            "c": fold_codes(sub["community"]),
            "n": fold_codes(sub["name"]),
            "id": pd.factorize(sub["compound_id"].to_numpy(dtype=object))[0],
            "pos": pos,
        }
    )
    n_ids = key.groupby(["s", "c", "n"])["id"].transform("nunique")
    cand = key[(n_ids > 1).to_numpy()]
    if cand.empty:
        return
    names, ids = ctx.v(C, "name"), ctx.v(C, "compound_id")
    first: dict[tuple, tuple[str, int]] = {}
    for s, c, n, _, i in cand.itertuples(index=False, name=None):
        g, cid = (s, c, n), ids[i]
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
