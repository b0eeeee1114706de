"""The field, alias and enumeration tables of SPEC section 2, in one place.

Everything that needs to know a roster's columns (the reader, the normaliser, the checks,
the template and the docs) reads them from here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

# --- enumerations (canonical value -> accepted aliases) ---------------------------------

ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "category": {
        "商品房": (),
        "老旧小区": ("老旧",),
        "回迁房": ("回迁安置房", "安置房"),
        "保障性住房": ("保障房", "公租房"),
        "单位产权房": ("房改房", "单位宿舍"),
        "平房院落": ("平房",),
        "其他": (),
    },
    "management_mode": {
        "专业物业服务": ("专业化物业", "物业公司", "物业服务企业"),
        "国企托管": ("国企代管",),
        "社区托管": ("社区兜底", "社区代管"),
        "准物业": ("简易物业",),
        "单位自管": ("产权单位自管", "自管"),
        "居民自治": ("业主自治", "自治管理"),
        "无物业管理": ("无物业", "失管", "弃管", "无"),
    },
    "committee_kind": {
        "业主委员会": ("业委会",),
        "物业管理委员会": ("物管会",),
    },
    "host_kind": {
        "物业服务企业": ("物业企业", "物业项目", "物业服务企业(项目部)", "项目部"),
        "业主委员会": ("业委会",),
        "物业管理委员会": ("物管会",),
    },
    "org_form": {
        "单独组建": ("独立党支部", "单独建立"),
        "联合组建": ("联合党支部", "区域联建"),
        "功能型党组织": ("功能型", "功能型党支部"),
        "挂靠组建": ("挂靠",),
        "派驻党建指导员": ("党建指导员", "选派党建指导员", "工作覆盖"),
    },
}

ENUM_LABELS = {
    "category": "小区类型",
    "management_mode": "物业管理方式",
    "committee_kind": "委员会类型",
    "host_kind": "依托类型",
    "org_form": "组织形式",
}

BOOL_TRUE = ("是", "Y", "y", "yes", "1", "√", "✓", "有", "true")
BOOL_FALSE = ("否", "N", "n", "no", "0", "×", "✗", "无", "false")

# Canonical values used by the engine and checks.
KIND_YWH = "业主委员会"
KIND_WGH = "物业管理委员会"
MODE_NONE = "无物业管理"
MODES_NEED_COMPANY = ("专业物业服务", "国企托管")
HOST_COMPANY = "物业服务企业"
FORM_INSTRUCTOR = "派驻党建指导员"
ORG_FORMS = ("单独组建", "联合组建", "功能型党组织", "挂靠组建")


# --- fields and rosters -------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...]
    type: str  # id | text | int | date | bool | enum | idlist
    required: bool
    help: str
    enum: str | None = None
    default: object = None  # value used when the cell is empty and the field is optional
    personal: bool = False
    not_above: str | None = None  # int fields: must be <= this other field
    width: int = 12  # column width in the template and outputs (Excel characters)


@dataclass(frozen=True)
class Roster:
    key: str
    label: str
    sheet_aliases: tuple[str, ...]
    id_field: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]


COMPOUNDS = Roster(
    key="compounds",
    label="小区",
    sheet_aliases=("小区", "小区台账", "小区基本情况", "物业管理区域", "院落"),
    id_field="compound_id",
    fields=(
        Field(
            "compound_id",
            "小区编号",
            ("编号", "小区代码", "物业管理区域编号"),
            "id",
            True,
            "小区（物业管理区域）的唯一编号，全区不得重复；以0开头的编号请按文本填写。",
            width=12,
        ),
        Field(
            "name",
            "小区名称",
            ("小区(院落)名称", "项目名称", "物业管理区域名称"),
            "text",
            True,
            "小区或院落的名称。",
            width=22,
        ),
        Field("district", "区", ("所属区", "区县"), "text", False, "所属区（县）。", width=10),
        Field(
            "street",
            "街道",
            ("街道(乡镇)", "所属街道", "乡镇"),
            "text",
            True,
            "所属街道（乡镇）的全称。",
            width=14,
        ),
        Field(
            "community",
            "社区",
            ("社区(村)", "所属社区", "村(社区)"),
            "text",
            True,
            "所属社区（村）的全称。",
            width=14,
        ),
        Field(
            "category",
            "小区类型",
            ("类型", "房屋类型"),
            "enum",
            False,
            "从下拉列表选择；不填按“其他”。",
            enum="category",
            default="其他",
            width=12,
        ),
        Field(
            "households",
            "总户数",
            ("户数", "住户数"),
            "int",
            True,
            "小区总户数，填整数。",
            width=10,
        ),
        Field(
            "management_mode",
            "物业管理方式",
            ("管理方式", "物业服务方式"),
            "enum",
            True,
            "从下拉列表选择当前的物业管理方式。",
            enum="management_mode",
            width=16,
        ),
        Field(
            "service_company",
            "物业服务企业",
            ("物业公司", "物业服务企业名称", "物业服务人"),
            "text",
            False,
            "管理方式为“专业物业服务”或“国企托管”时必填，填企业全称。",
            width=26,
        ),
        Field(
            "service_company_code",
            "物业服务企业信用代码",
            ("统一社会信用代码", "物业企业信用代码"),
            "text",
            False,
            "物业服务企业的18位统一社会信用代码；按企业统计党组织覆盖时用于识别同一企业。",
            width=20,
        ),
        Field(
            "service_since",
            "物业服务起始日期",
            ("进驻日期", "物业进驻日期"),
            "date",
            False,
            "当前物业服务开始的日期，如 2021-05-01；不填视为一直有服务。",
            width=16,
        ),
        Field(
            "in_scope",
            "纳入统计",
            ("纳入考核", "是否纳入统计"),
            "bool",
            False,
            "是否纳入“三率”统计，填“是”或“否”；不填按“是”。",
            default=True,
            width=10,
        ),
        Field(
            "committee_eligible",
            "具备组建条件",
            ("是否具备组建条件", "具备成立条件"),
            "bool",
            False,
            "是否具备成立业委会（物管会）的条件，填“是”或“否”；不填按“是”。",
            default=True,
            width=12,
        ),
        Field("note", "备注", (), "text", False, "其他需要说明的情况。", width=20),
    ),
)

COMMITTEES = Roster(
    key="committees",
    label="业委会",
    sheet_aliases=(
        "业委会",
        "业委会(物管会)",
        "业主委员会",
        "物管会",
        "业委会台账",
        "业委会(物管会)组建情况",
    ),
    id_field="committee_id",
    fields=(
        Field(
            "committee_id",
            "组织编号",
            ("业委会编号", "委员会编号"),
            "id",
            True,
            "业委会（物管会）的唯一编号。",
            width=12,
        ),
        Field(
            "compound_id",
            "小区编号",
            ("所属小区编号",),
            "id",
            True,
            "所在小区的编号，须与“小区”表一致。",
            width=12,
        ),
        Field(
            "kind",
            "类型",
            ("组织类型", "委员会类型"),
            "enum",
            True,
            "业主委员会或物业管理委员会。",
            enum="committee_kind",
            width=16,
        ),
        Field(
            "founded",
            "成立日期",
            ("成立时间", "选举日期"),
            "date",
            True,
            "选举产生（成立）的日期。",
            width=12,
        ),
        Field(
            "term_end",
            "任期届满日期",
            ("届满日期", "任期截止日期"),
            "date",
            True,
            "本届任期届满的日期。",
            width=14,
        ),
        Field(
            "dissolved",
            "撤销日期",
            ("解散日期", "终止日期"),
            "date",
            False,
            "撤销（解散）的日期；仍在运行的不填。",
            width=12,
        ),
        Field("members", "委员人数", ("委员数",), "int", True, "委员总人数，填整数。", width=10),
        Field(
            "party_members",
            "党员人数",
            ("中共党员人数", "其中党员"),
            "int",
            True,
            "委员中的中共党员人数，不得超过委员人数。",
            not_above="members",
            width=10,
        ),
        Field(
            "cross_appointed",
            "交叉任职人数",
            ("社区两委交叉任职人数",),
            "int",
            False,
            "与社区“两委”交叉任职的委员人数，不得超过委员人数。",
            not_above="members",
            width=14,
        ),
        Field(
            "chair",
            "主任姓名",
            ("主任",),
            "text",
            False,
            "主任姓名（个人信息，报告中默认不显示）。",
            personal=True,
            width=10,
        ),
        Field(
            "chair_is_party_member", "主任是否党员", (), "bool", False, "填“是”或“否”。", width=12
        ),
        Field("filed", "备案日期", (), "date", False, "向街道备案的日期。", width=12),
    ),
)

PARTY_ORGS = Roster(
    key="party_orgs",
    label="党组织",
    sheet_aliases=("党组织", "党组织台账", "党组织建设情况", "党组织覆盖"),
    id_field="org_id",
    fields=(
        Field(
            "org_id",
            "党组织编号",
            ("编号",),
            "id",
            True,
            "党组织（或党建指导员）的唯一编号。",
            width=12,
        ),
        Field("name", "党组织名称", ("名称",), "text", True, "党组织的全称。", width=26),
        Field(
            "host_kind",
            "依托类型",
            ("依托单位类型", "覆盖对象类型"),
            "enum",
            True,
            "依托物业服务企业（项目）、业主委员会或物业管理委员会。",
            enum="host_kind",
            width=16,
        ),
        Field(
            "host_ref",
            "依托对象编号",
            ("覆盖对象编号", "依托对象"),
            "idlist",
            True,
            "依托业委会的填组织编号或小区编号；依托物业服务企业的填所服务小区的编号，"
            "联合组建可填多个，用顿号或逗号分隔。",
            width=20,
        ),
        Field(
            "form",
            "组织形式",
            ("组建方式", "覆盖方式"),
            "enum",
            True,
            "单独组建、联合组建、功能型党组织、挂靠组建，或派驻党建指导员（工作覆盖）。",
            enum="org_form",
            width=16,
        ),
        Field(
            "founded",
            "成立日期",
            ("成立时间", "派驻日期"),
            "date",
            True,
            "党组织成立（或指导员派驻）的日期。",
            width=12,
        ),
        Field(
            "dissolved",
            "撤销日期",
            ("撤销时间",),
            "date",
            False,
            "撤销的日期；仍存在的不填。",
            width=12,
        ),
        Field(
            "party_members", "正式党员人数", ("党员人数",), "int", False, "正式党员人数。", width=12
        ),
        Field(
            "secretary",
            "书记姓名",
            ("书记", "党建指导员"),
            "text",
            False,
            "书记或党建指导员姓名（个人信息，报告中默认不显示）。",
            personal=True,
            width=10,
        ),
    ),
)

ROSTERS: tuple[Roster, ...] = (COMPOUNDS, COMMITTEES, PARTY_ORGS)
ROSTER_BY_KEY = {r.key: r for r in ROSTERS}


# --- normalisation of labels and lookups ------------------------------------------------

_SPACE_RE = re.compile(r"\s+")
# Invisible format characters that Word, WeChat and web pages leave in copied text: soft
# hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, direction marks and
# embeddings, word joiner and invisible operators, BOM (zero-width no-break space). Removed
# from every cell before matching (SPEC section 2). One character class, valid in Python's
# re and in RE2 (pyarrow's regex kernels) alike.
INVISIBLE_CLASS = "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
INVISIBLE_RE = re.compile(INVISIBLE_CLASS)


def fold(text: object) -> str:
    """A name folded for matching (street, community, compound names): NFKC and no
    whitespace at all; missing values (None, NaN, pandas NA) fold to ""."""
    if (
        text is None
        or (isinstance(text, float) and text != text)
        or type(text).__name__ == "NAType"
    ):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def norm_label(text: object) -> str:
    """Fold a sheet name or header the way SPEC section 2 says: NFKC, no spaces or line
    breaks, full-width brackets folded (NFKC does that), a trailing required-mark dropped."""
    if text is None:
        return ""
    return _norm_label(str(text))


@lru_cache(maxsize=1 << 16)
def _norm_label(text: str) -> str:
    # Header search folds the same few dozen labels thousands of times per file.
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE_RE.sub("", INVISIBLE_RE.sub("", s))
    s = s.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    s = s.strip("*＊:：")
    return s.lower()


@cache
def header_index(roster_key: str) -> dict[str, str]:
    """Normalised header label or alias -> field key, for one roster."""
    roster = ROSTER_BY_KEY[roster_key]
    out: dict[str, str] = {}
    for f in roster.fields:
        for name in (f.label, *f.aliases):
            out.setdefault(norm_label(name), f.key)
    return out


@cache
def sheet_index() -> dict[str, str]:
    """Normalised sheet name -> roster key."""
    out: dict[str, str] = {}
    for r in ROSTERS:
        for name in r.sheet_aliases:
            out.setdefault(norm_label(name), r.key)
    return out


def _norm_value(text: str) -> str:
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


@cache
def enum_index(enum: str) -> dict[str, str]:
    """Normalised accepted value -> canonical value, for one enumeration."""
    out: dict[str, str] = {}
    for canon, aliases in ENUMS[enum].items():
        for name in (canon, *aliases):
            out[_norm_value(name)] = canon
    return out


@cache
def bool_index() -> dict[str, bool]:
    out: dict[str, bool] = {}
    for v in BOOL_TRUE:
        out[_norm_value(v).lower()] = True
    for v in BOOL_FALSE:
        out[_norm_value(v).lower()] = False
    return out


def enum_values(enum: str) -> list[str]:
    return list(ENUMS[enum])
