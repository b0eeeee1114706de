"""Policy checks of Party organisations."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import schema
from ..issues import WARNING, Issue
from ..units import first_by_id, isin, service_projects
from .context import Context, M, P, rows_where, truthy

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
    instructor = set(links["committee_id"])
    covered_org = set(links.loc[isin(links["form"], schema.ORG_FORMS), "committee_id"])
    act = ctx.active_committees() & com["committee_id"].notna()
    no_org = ~isin(com["committee_id"], covered_org)
    days_limit = ctx.rules.new_committee_party_org_days
    age = (ctx.as_of - com["founded"]).dt.days
    old = truthy(age > days_limit)
    need = ctx.config.party.min_members_for_org
    required = act & truthy(com["party_members"] >= need) & no_org
    ids, pm_v, age_v = ctx.v(M, "committee_id"), ctx.v(M, "party_members"), age.to_numpy()
    old_v = old.to_numpy()

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
    pos = rows_where(act & old & no_org & ~required)
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


def check_party_host_inactive(ctx: Context) -> Iterator[Issue]:
    """An active organisation whose host is dissolved, not yet founded or has no unit."""
    orgs = ctx.ds.party_orgs
    if orgs.empty:
        return
    ds = ctx.ds
    com, comp = ds.committees, ds.compounds
    com_ids = ctx.committee_ids()
    com_active = set(com.loc[ctx.active_committees().to_numpy(), "committee_id"].dropna())
    comp_ids = ctx.compound_ids()
    comp_with_active = set(com.loc[ctx.active_committees().to_numpy(), "compound_id"].dropna())
    c1 = first_by_id(comp, "compound_id")
    modes = ctx.config.party.service_project_modes
    project = set(c1.loc[service_projects(c1, modes, ctx.as_of).to_numpy(), "compound_id"])
    act = ctx.active_orgs()
    is_company = (orgs["host_kind"] == schema.HOST_COMPANY).fillna(False).to_numpy()
    refs = ctx.v(P, "host_ref")
    lk = ctx.org_refs()
    r_ = lk["ref"]
    in_com, in_comp = isin(r_, com_ids), isin(r_, comp_ids)
    suspect = lk["pos"].isin(rows_where(act)) & (
        (lk["company"] & in_comp & ~isin(r_, project))
        | (~lk["company"] & in_com & ~isin(r_, com_active))
        | (~lk["company"] & ~in_com & in_comp & ~isin(r_, comp_with_active))
    )
    for i in np.unique(lk.loc[suspect, "pos"].to_numpy()):
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
