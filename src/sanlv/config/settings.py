"""The configuration of SPEC section 1 (`sanlv.toml`), as a table: every setting is a
dataclass field whose metadata holds its kind (how it is read, checked and written back), its
Chinese label and its Chinese help text; the loader, `to_dict`, `to_toml` and `describe` all
work from these declarations. Adding a setting is adding a field here.

Standard library and `sanlv.schema` only (imported at CLI start-up)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

from .kinds import (
    BOOL,
    DAYS,
    FORMS,
    FORMS_OR_NONE,
    HOUSEHOLDS,
    MODES,
    PEOPLE,
    POPULATION,
    SHARE,
    YEARS,
    Choice,
    Int,
)

# --- the rates -----------------------------------------------------------------------------

RATE_NAMES: dict[str, str] = {
    "committee": "业主委员会（物业管理委员会）组建率",
    "service": "物业服务覆盖率",
    "service_professional": "专业化物业服务率",
    "party": "党的组织覆盖率",
    "party_work": "党的组织和工作覆盖率",
    "party_committee": "业委会（物管会）党的组织覆盖率",
    "party_service": "物业服务项目党的组织覆盖率",
    "committee_party_half": "党员委员过半的业委会（物管会）比例",
    "committee_cross": "有交叉任职委员的业委会（物管会）比例",
}
RATE_KEYS: tuple[str, ...] = tuple(RATE_NAMES)
HEADLINE_RATES: tuple[str, ...] = ("committee", "service", "party")


def setting(
    default: Any,
    kind: Any,
    label: str,
    help: str,
    says: dict | None = None,
    unit: str = "",
    applies: Any = None,
) -> Any:
    """A setting: its default, its kind, its Chinese label (for `describe`), its help text
    (the comment in `default_toml`), what each value means (`says`, may use the other keys
    of its section as {placeholders}), the unit of a number, and when it applies (`applies`,
    a predicate on its section: a setting that does not apply is left out of 口径说明)."""
    meta = {
        "kind": kind,
        "label": label,
        "help": help,
        "says": says,
        "unit": unit,
        "applies": applies,
    }
    return field(default=default, metadata=meta)


# --- the configuration ---------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeConfig:
    count_wuguanhui: bool = setting(
        True,
        BOOL,
        "物管会是否计入组建",
        "物业管理委员会（物管会）是否视同已组建，计入业主委员会（物业管理委员会）组建率的分子。",
        {True: "计入（有运行中的物管会的小区视同已组建）", False: "不计入（只计业主委员会）"},
    )
    count_expired: bool = setting(
        True,
        BOOL,
        "届满未换届的业委会（物管会）",
        "任期已届满但未换届的业委会（物管会）是否仍算已组建；无论取值，都会在问题清单中列出。",
        {True: "仍计入已组建（在问题清单中列出）", False: "不计入已组建（在问题清单中列出）"},
    )
    denominator: str = setting(
        "all",
        Choice("all", "eligible"),
        "业委会组建率分母",
        '业主委员会（物业管理委员会）组建率的分母："all" 为纳入统计的全部小区；'
        '"eligible" 只算其中“具备组建条件”为“是”的小区。',
        {"all": "纳入统计的全部小区", "eligible": "纳入统计且具备组建条件的小区"},
    )


@dataclass(frozen=True)
class ServiceConfig:
    covered_modes: tuple[str, ...] = setting(
        ("专业物业服务", "国企托管", "社区托管", "准物业", "单位自管", "居民自治"),
        MODES,
        "物业服务覆盖率计入的管理方式",
        "物业服务覆盖率的分子：物业管理方式属于下列之一的小区（填了物业服务起始日期的，自该日起计）。",
    )
    professional_modes: tuple[str, ...] = setting(
        ("专业物业服务",),
        MODES,
        "专业化物业服务率计入的管理方式",
        "专业化物业服务率（辅助指标）的分子：物业管理方式属于下列之一的小区。",
    )


@dataclass(frozen=True)
class PartyConfig:
    population: tuple[str, ...] = setting(
        ("committee", "service_project"),
        POPULATION,
        "党组织覆盖率统计对象",
        '党的组织覆盖率的统计对象："committee" 为运行中的业委会（物管会）；'
        '"service_project" 为物业服务项目（见 service_project_modes）。至少写一项。',
    )
    committee_scope: str = setting(
        "all",
        Choice("all", "qualifying"),
        "计入统计对象的业委会（物管会）",
        '"all" 为全部运行中的业委会（物管会），含届满未换届的；'
        '"qualifying" 只算党员人数不少于 min_members_for_org 的。',
        {
            "all": "全部运行中的业委会（物管会），含届满未换届的",
            "qualifying": "党员人数不少于 {min_members_for_org} 人的业委会（物管会）",
        },
        applies=lambda p: "committee" in p.population,
    )
    min_members_for_org: int = setting(
        3,
        PEOPLE,
        "业委会计入统计对象所需党员人数",
        'committee_scope = "qualifying" 时，业委会（物管会）党员人数达到此数才计入党组织覆盖率的统计对象。',
        unit="人",
        applies=lambda p: "committee" in p.population and p.committee_scope == "qualifying",
    )
    count_work_coverage: bool = setting(
        False,
        BOOL,
        "派驻党建指导员",
        "派驻党建指导员（工作覆盖）是否计入党的组织覆盖率：false 只计入“党的组织和工作覆盖率”"
        "（辅助指标）；true 则党的组织覆盖率按组织和工作覆盖计算。",
        {
            True: "计入（党的组织覆盖率按组织和工作覆盖计算）",
            False: "不计入组织覆盖（仅计入工作覆盖率）",
        },
    )
    service_unit: str = setting(
        "project",
        Choice("project", "enterprise"),
        "物业服务方的统计单位",
        '物业服务一方按什么计入党组织覆盖率的统计对象："project" 为物业服务项目（每个小区一个）；'
        '"enterprise" 为物业服务企业（有信用代码的按代码，否则按企业名称识别，'
        "在一个街道有多个项目的企业只算一次）。",
        {
            "project": "物业服务项目（每个小区一个）",
            "enterprise": "物业服务企业（在各区、各街道各算一次，合计中只算一次）",
        },
        applies=lambda p: "service_project" in p.population,
    )
    org_forms: tuple[str, ...] = setting(
        ("单独组建", "联合组建", "功能型党组织", "挂靠组建"),
        FORMS,
        "算作组织覆盖的组织形式",
        "党组织的组织形式属于下列之一的，算党的组织覆盖。",
    )
    work_forms: tuple[str, ...] = setting(
        ("派驻党建指导员",),
        FORMS_OR_NONE,
        "算作工作覆盖的组织形式",
        "属于下列之一的（如派驻党建指导员），只算党的工作覆盖（计入“党的组织和工作覆盖率”）。",
    )
    service_project_modes: tuple[str, ...] = setting(
        ("专业物业服务", "国企托管"),
        MODES,
        "作为物业服务项目统计的管理方式",
        "物业管理方式属于下列之一、且物业服务已开始的小区，算一个物业服务项目，"
        "计入党组织覆盖率的统计对象。",
        applies=lambda p: "service_project" in p.population,
    )


@dataclass(frozen=True)
class RulesConfig:
    committee_min_members: int = setting(
        5,
        PEOPLE,
        "业委会委员最少人数",
        "业委会委员最少人数；委员人数须为单数（检查 committee-size）。",
        unit="人",
    )
    committee_max_members: int = setting(
        11,
        PEOPLE,
        "业委会委员最多人数",
        "业委会委员最多人数（检查 committee-size）。",
        unit="人",
    )
    small_compound_households: int = setting(
        100,
        HOUSEHOLDS,
        "可设 3 名委员的小区总户数上限",
        "总户数不超过此数的小区，业委会可只设 3 名委员（检查 committee-size）。",
        unit="户",
    )
    wuguanhui_min_members: int = setting(
        7,
        PEOPLE,
        "物管会委员最少人数",
        "物管会委员最少人数；委员人数须为单数（检查 committee-size）。",
        unit="人",
    )
    committee_max_term_years: int = setting(
        5,
        YEARS,
        "业委会每届任期上限",
        "业委会每届任期最长年数，任期届满日期减成立日期超过即提示（检查 committee-term）。",
        unit="年",
    )
    wuguanhui_max_term_years: int = setting(
        3,
        YEARS,
        "物管会每届任期上限",
        "物管会每届任期最长年数（检查 committee-term）。",
        unit="年",
    )
    party_share_min: float = setting(
        0.5,
        SHARE,
        "业委会委员中党员比例下限",
        "业委会（物管会）委员中党员所占比例的下限，低于即提示（检查 committee-party-share）。",
    )
    expiry_warning_days: int = setting(
        90,
        DAYS,
        "任期届满提前提示天数",
        "任期将在多少天内届满时提前提示换届（检查 committee-expiring）。",
        unit="天",
    )
    new_committee_party_org_days: int = setting(
        90,
        DAYS,
        "业委会成立后建立党组织的期限",
        "业委会（物管会）成立超过多少天仍没有党组织时提示（检查 party-org-lagging）。",
        unit="天",
    )


@dataclass(frozen=True)
class CollectConfig:
    deadline_day: int = setting(
        5,
        Int(28),
        "报送截止日",
        "每月台账在下一个月的第几天之前报送；过了这一天才报送、或仍未报送的，算逾期（sanlv status）。",
        unit="日",
    )


@dataclass(frozen=True)
class TodoConfig:
    overdue_months: int = setting(
        3,
        Int(120),
        "问题逾期月数",
        "一个问题（待办）连续出现达到这么多个月仍未销号的，整改状态为“逾期”。",
        unit="个月",
    )


@dataclass(frozen=True)
class Target:
    """The targets to reach by a date: rate key (see RATE_KEYS) -> share in [0, 1]."""

    by: datetime.date
    rates: dict[str, float] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by.isoformat(),
            **{k: self.rates[k] for k in RATE_KEYS if k in self.rates},
        }


DEFAULT_TARGETS: tuple[Target, ...] = (
    Target(datetime.date(2020, 12, 31), {"committee": 0.30, "service": 0.60, "party": 0.30}),
    Target(datetime.date(2021, 12, 31), {"committee": 0.70, "service": 0.70, "party": 0.70}),
    Target(datetime.date(2022, 12, 31), {"committee": 0.90, "service": 0.90, "party": 0.90}),
)

SECTION_CLASSES = {
    "committee": CommitteeConfig,
    "service": ServiceConfig,
    "party": PartyConfig,
    "rules": RulesConfig,
    "collect": CollectConfig,
    "todo": TodoConfig,
}
SECTIONS: tuple[str, ...] = tuple(SECTION_CLASSES)


@dataclass(frozen=True)
class Config:
    committee: CommitteeConfig = field(default_factory=CommitteeConfig)
    service: ServiceConfig = field(default_factory=ServiceConfig)
    party: PartyConfig = field(default_factory=PartyConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    collect: CollectConfig = field(default_factory=CollectConfig)
    todo: TodoConfig = field(default_factory=TodoConfig)
    targets: tuple[Target, ...] = DEFAULT_TARGETS
    # where the configuration came from (None: the defaults); not part of the 口径
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", tuple(sorted(self.targets, key=lambda t: t.by)))

    def target_for(self, as_of: datetime.date) -> Target | None:
        """The target in force on `as_of`: the first whose `by` ≥ as_of; after the last
        `by`, the last one; None when there are no targets."""
        for target in self.targets:
            if target.by >= as_of:
                return target
        return self.targets[-1] if self.targets else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, shaped like the TOML file."""
        out: dict[str, Any] = {}
        for name in SECTIONS:
            section = getattr(self, name)
            out[name] = {
                f.name: list(v) if isinstance(v := getattr(section, f.name), tuple) else v
                for f in dataclasses.fields(section)
            }
        out["targets"] = [t.to_dict() for t in self.targets]
        return out


SECTION_KEYS = {
    name: [f.name for f in dataclasses.fields(cls)] for name, cls in SECTION_CLASSES.items()
}
TARGET_KEYS = ["by", *RATE_KEYS]
