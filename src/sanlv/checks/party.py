"""Policy checks of Party organisations."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import schema
from ..issues import WARNING, Issue
from ..units import in_set, service_projects
from .context import C, Context, M, P, rows_where

# --- policy: Party organisations ---------------------------------------------------------


def check_party_org(ctx: Context) -> Iterator[Issue]:
    """party-org-required: an active committee with ≥ N Party members and no organisational
    coverage. party-org-lagging: an active committee founded more than
    `new_committee_party_org_days` ago with no organisational coverage (a 派驻党建指导员 alone
    does not count); when party-org-required fires for the committee, the lagging finding is
    folded into it and its message says so (SPEC section 4)."""
    com = ctx.ds.committees
    if com.empty:
        return
    links = ctx.links()
    instructor = set(links.committee_id.tolist())
    covered_org = set(links.committee_id[in_set(links.form, set(schema.ORG_FORMS))].tolist())
    ids = ctx.v(M, "committee_id")
    act = ctx.active_committees() & ~ctx.isna(M, "committee_id")
    no_org = ~in_set(ids, covered_org)
    days_limit = ctx.rules.new_committee_party_org_days
    founded = ctx.dates(M, "founded")
    age_v = np.zeros(len(founded), dtype=np.int64)
    dated = ~np.isnat(founded)
    age_v[dated] = (ctx.day - founded[dated]) // np.timedelta64(1, "D")
    old_v = dated & (age_v > days_limit)
    need = ctx.config.party.min_members_for_org
    required = act & (ctx.nums(M, "party_members") >= need) & no_org
    pm_v = ctx.v(M, "party_members")

    def required_text(i: int) -> str:
        text = f"委员中有 {pm_v[i]} 名党员（≥{need}），但没有建立党组织"
        if ids[i] in instructor:
            text += "（只有派驻党建指导员）"
        if old_v[i]:
            text += f"；成立已 {int(age_v[i])} 天，超过 {days_limit} 天的期限，党组织建设滞后"
        return text + "。"

    pos = rows_where(required)
    yield from ctx.issues_at(
        M,
        pos,
        "party_members",
        "party-org-required",
        WARNING,
        (required_text(i) for i in pos.tolist()),
        hint="具备条件的应单独或联合组建党支部，并在党组织表中登记（依托对象编号填本组织编号）。",
    )
    pos = rows_where(act & old_v & no_org & ~required)
    yield from ctx.issues_at(
        M,
        pos,
        "founded",
        "party-org-lagging",
        WARNING,
        (
            f"成立已 {int(age_v[i])} 天，仍没有党的组织覆盖"
            + (
                "（只有派驻党建指导员，不算组织覆盖）。"
                if ids[i] in instructor
                else "（既无党组织，也无党建指导员）。"
            )
            for i in pos.tolist()
        ),
        hint=f"成立 {days_limit} 天内应建立党组织（单独、联合、功能型或挂靠组建）。",
    )


def _service_projects(ctx: Context) -> set:
    """The ids of the compounds that are service projects on the as-of date (each id as its
    first row says)."""
    modes = ctx.config.party.service_project_modes
    project = service_projects(ctx.ds.compounds, modes, ctx.as_of)
    filled = ~ctx.isna(C, "compound_id")
    first: dict[object, bool] = {}
    for cid, p in zip(
        ctx.v(C, "compound_id")[filled].tolist(), project[filled].tolist(), strict=True
    ):
        first.setdefault(cid, p)
    return {cid for cid, p in first.items() if p}


def check_party_host_inactive(ctx: Context) -> Iterator[Issue]:
    """An active organisation whose host is dissolved, not yet founded or has no unit."""
    orgs = ctx.ds.party_orgs
    if orgs.empty:
        return
    com_ids = ctx.committee_ids()
    active = ctx.active_committees()
    com_active = set(ctx.v(M, "committee_id")[active & ~ctx.isna(M, "committee_id")].tolist())
    comp_ids = ctx.compound_ids()
    comp_with_active = set(ctx.v(M, "compound_id")[active & ~ctx.isna(M, "compound_id")].tolist())
    project = _service_projects(ctx)
    is_company = ctx.is_value(P, "host_kind", schema.HOST_COMPANY)
    refs = ctx.v(P, "host_ref")
    lk = ctx.org_refs()
    r_, company = lk.ref, lk.company
    in_com, in_comp = in_set(r_, com_ids), in_set(r_, comp_ids)
    suspect = ctx.active_orgs()[lk.pos] & (
        (company & in_comp & ~in_set(r_, project))
        | (~company & in_com & ~in_set(r_, com_active))
        | (~company & ~in_com & in_comp & ~in_set(r_, comp_with_active))
    )
    for i in np.unique(lk.pos[suspect]):
        ref = refs[i]
        dead: list[str] = []
        for r in ref:
            if is_company[i]:
                if r in comp_ids and r not in project:
                    dead.append(f"{r}（不是物业服务项目）")
            elif r in com_ids:
                if r not in com_active:
                    dead.append(f"{r}（已撤销或尚未成立）")
            elif r in comp_ids and r not in comp_with_active:
                dead.append(f"{r}（该小区没有运行中的业委会或物管会）")
        if dead:
            yield ctx.issue(
                P,
                i,
                "host_ref",
                "party-host-inactive",
                WARNING,
                f"党组织仍在运行，但依托对象 {'、'.join(dead)} 在 "
                f"{ctx.as_of.date().isoformat()} 已不存在或无效，不计入覆盖。",
                hint="请更新依托对象编号，或填写党组织的撤销日期。",
            )
