"""What a report says about how its figures were made: each rate's numerator and
denominator in words under the 口径 in force, the inputs with their SHA-256, and the row
accounting. Shared by the report workbook, the terminal and the briefing."""

from __future__ import annotations

from .. import schema
from ..config import Config
from ..read import FileInfo
from .labels import rate_name


def definitions(cfg: Config) -> list[tuple[str, str]]:
    """Each rate's numerator and denominator in words, under the configuration."""
    cc, sc, pc = cfg.committee, cfg.service, cfg.party
    kinds = "业主委员会" + ("或物业管理委员会" if cc.count_wuguanhui else "")
    expired = "（含任期届满未换届的）" if cc.count_expired else "（不含任期届满未换届的）"
    den = "纳入统计" + ("且具备组建条件" if cc.denominator == "eligible" else "") + "的小区"
    forms = "、".join(schema.ORG_FORMS)
    org = f"有运行中的党组织（{forms}）覆盖"
    work = org + f"或有{schema.FORM_INSTRUCTOR}"
    headline = work if pc.count_work_coverage else org
    pop = []
    if "committee" in pc.population:
        scope = (
            f"党员人数不少于 {pc.min_members_for_org} 人的"
            if pc.committee_scope == "qualifying"
            else ""
        )
        pop.append(f"纳入统计小区中{scope}运行中的业委会（物管会）")
    if "service_project" in pc.population:
        pop.append(
            f"物业管理方式为{'、'.join(pc.service_project_modes)}且服务已开始的小区（物业服务项目）"
        )
    units = "；".join(pop)
    party = rate_name("party")
    return [
        (
            rate_name("committee"),
            f"分子：分母中有运行中的{kinds}{expired}的小区；分母：{den}。",
        ),
        (
            rate_name("service"),
            f"分子：物业管理方式为{'、'.join(sc.covered_modes)}且物业服务已开始的小区；"
            "分母：纳入统计的小区。",
        ),
        (
            rate_name("service_professional"),
            f"分子：物业管理方式为{'、'.join(sc.professional_modes)}且物业服务已开始的小区；"
            "分母：纳入统计的小区。",
        ),
        (party, f"分子：{headline}的统计对象；分母：统计对象（{units}）。"),
        (rate_name("party_work"), f"分子：{work}的统计对象；分母：同上。"),
        (rate_name("party_committee"), f"同{party}，只计业委会（物管会）。"),
        (rate_name("party_service"), f"同{party}，只计物业服务项目。"),
        ("运行中", "成立日期不晚于统计截止日期，且未撤销或撤销日期晚于统计截止日期。"),
        ("合计", "各级合计均为分子之和除以分母之和，不是比率的平均；分母为 0 时比率显示为“—”。"),
        ("差距（个）", "达到本期目标还需增加的个数（已达标为 0）。"),
        ("综合排名", "按三项主要比率的平均值从高到低排列，相同者并列。"),
    ]


def file_line(f: FileInfo) -> tuple[str, str]:
    return f.name, f"SHA-256：{f.sha256}；大小 {f.size} 字节"


def rows_line(rows: dict) -> str:
    """Row accounting: 读取 N 行 = 计入 U 行 + 未计入 S 行."""
    return (
        f"读取 {rows.get('read', 0)} 行 = 计入 {rows.get('used', 0)} 行 + "
        f"未计入 {rows.get('skipped', 0)} 行"
    )


def skipped_reasons(rows: dict) -> list[tuple[str, int]]:
    return list(rows.get("skipped_by_reason", {}).items())
