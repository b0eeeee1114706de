"""The configuration of SPEC section 1 (`sanlv.toml`): the 口径 of the three rates, the
thresholds of the policy checks of section 4 and the staged targets.

Every key is optional; a missing key keeps the SPEC default. Every problem in the file is
reported as a `ConfigError` whose message is one Chinese line naming the file and the key.

Each setting is declared once, as a dataclass field whose metadata holds its kind (how it is
read, checked and written back), its Chinese label and its Chinese help text; the loader,
`to_dict`, `default_toml` and `describe` all work from those declarations.

This module is imported at CLI start-up: standard library and `sanlv.schema` only.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from sanlv import schema
from sanlv.issues import InputError

# --- the rates -----------------------------------------------------------------------------

RATE_NAMES: dict[str, str] = {
    "committee": "业主委员会（物业管理委员会）组建率",
    "service": "物业服务覆盖率",
    "service_professional": "专业化物业服务率",
    "party": "党的组织覆盖率",
    "party_work": "党的组织和工作覆盖率",
    "party_committee": "业委会（物管会）党的组织覆盖率",
    "party_service": "物业服务项目党的组织覆盖率",
}
RATE_KEYS: tuple[str, ...] = tuple(RATE_NAMES)
HEADLINE_RATES: tuple[str, ...] = ("committee", "service", "party")

MODE_ENUM = "management_mode"


class ConfigError(InputError):
    """A problem with the configuration file; `str(error)` is one Chinese line."""

    def __init__(self, message: str) -> None:
        super().__init__("config-invalid", message)


# --- kinds of setting: how a value is read from TOML, written back and described ----------


def _kind_name(value: object) -> str:
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "配置节"
    if isinstance(value, datetime.datetime):
        return "日期时间"
    if isinstance(value, datetime.date):
        return "日期"
    if isinstance(value, datetime.time):
        return "时间"
    return type(value).__name__


def _show(value: object) -> str:
    """A value the way it is written in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return repr(value)


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + " 或 " + items[-1]


def _suggest(word: str, candidates: list[str], show=str) -> str:
    import difflib  # only needed when something is wrong

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"（是否想写 {show(close[0])}？）" if close else ""


def _pct(x: float) -> str:
    return f"{x * 100:.2f}".rstrip("0").rstrip(".") + "%"


class _Bad(Exception):
    """Raised by a kind; the loader adds the file and the key to make a ConfigError."""


def _should_be(expected: str) -> str:
    """ "应为" + expected, with a space before Latin letters, digits and quotes."""
    return "应为" + (" " if expected[:1].isascii() else "") + expected


def _wrong_type(expected: str, value: object) -> _Bad:
    return _Bad(f"{_should_be(expected)}，而不是{_kind_name(value)} {_show(value)}")


def _invalid(value: object, allowed: str, hint: str = "") -> _Bad:
    return _Bad(f"的值 {_show(value)} 无效，{_should_be(allowed)}{hint}")


class _Bool:
    allowed = "true 或 false"

    def parse(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise _wrong_type(self.allowed, value)
        return value


class _Int:
    allowed = "不小于 0 的整数"

    def parse(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type("整数", value)
        if value < 0:
            raise _invalid(value, self.allowed)
        return value


class _Share:
    allowed = "0 到 1 之间的小数（如 0.9 表示 90%）"

    def parse(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong_type("0 到 1 之间的小数", value)
        if math.isnan(value) or not 0 <= value <= 1:
            looks_like_percent = 1 < value <= 100 and value == int(value)  # 90 for 90%
            hint = f"（是否想写 {value / 100:g}？）" if looks_like_percent else ""
            raise _invalid(value, self.allowed, hint)
        return float(value)


class _Choice:
    def __init__(self, *values: str) -> None:
        self.values = values
        self.allowed = _or_list([_show(v) for v in values])

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            raise _wrong_type(self.allowed, value)
        if value not in self.values:
            raise _invalid(value, self.allowed, _suggest(value, list(self.values), _show))
        return value


class _Set:
    """A non-empty list of values from a fixed set; aliases allowed. The result is
    deduplicated and in the order of the set, so that the same choice always compares,
    prints and describes the same way."""

    def __init__(
        self, values: dict[str, str], what: str, allowed: str, excluded: tuple[str, ...] = ()
    ) -> None:
        self.values = values  # accepted spelling -> canonical value
        self.canonical = [v for v in dict.fromkeys(values.values()) if v not in excluded]
        self.what = what
        self.allowed = allowed
        self.excluded = excluded
        self.choices = "、".join(_show(v) if v.isascii() else v for v in self.canonical)

    def _lookup(self, text: str) -> str | None:
        return self.values.get(text)

    def parse(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise _wrong_type(f"列表（{self.what}），如 [{_show(self.canonical[0])}]", value)
        if not value:
            raise _Bad(f"不能为空列表，应至少写一个{self.what}")
        found = set()
        for i, item in enumerate(value, 1):
            if not isinstance(item, str):
                raise _Bad(f"的第 {i} 项应为文本，而不是{_kind_name(item)} {_show(item)}")
            canon = self._lookup(item)
            if canon is None:
                hint = _suggest(item, list(self.values), lambda s: _show(self.values[s]))
                raise _Bad(f"中的 {_show(item)} 无效，应为{self.what}之一：{self.choices}{hint}")
            if canon in self.excluded:
                also = f"（即“{canon}”）" if item != canon else ""
                raise _Bad(f"不能包含 {_show(item)}{also}")
            found.add(canon)
        return tuple(v for v in self.canonical if v in found)


class _Modes(_Set):
    def __init__(self) -> None:
        accepted = {
            name: canon
            for canon, aliases in schema.ENUMS[MODE_ENUM].items()
            for name in (canon, *aliases)
        }
        canonical = [m for m in schema.ENUMS[MODE_ENUM] if m != schema.MODE_NONE]
        allowed = "、".join(canonical) + "（也可写台账中的别名，如“物业公司”；不能写“无物业管理”）"
        super().__init__(accepted, "物业管理方式", allowed, excluded=(schema.MODE_NONE,))

    def _lookup(self, text: str) -> str | None:
        return schema.enum_index(MODE_ENUM).get(schema._norm_value(text))


POPULATION_LABELS = {"committee": "业委会（物管会）", "service_project": "物业服务项目"}

_BOOL, _INT, _SHARE, _MODES = _Bool(), _Int(), _Share(), _Modes()
_POPULATION = _Set(
    {k: k for k in POPULATION_LABELS},
    "统计对象",
    '"committee"（业委会、物管会）和/或 "service_project"（物业服务项目）',
)


def _key(default: Any, kind: Any, label: str, help: str, says: dict | None = None, unit=""):
    """A setting: its default, its kind, its Chinese label (for `describe`), its help text
    (the comment in `default_toml`), what each value means (`says`, may use the other keys
    of its section as {placeholders}) and the unit of a number."""
    meta = {"kind": kind, "label": label, "help": help, "says": says, "unit": unit}
    return field(default=default, metadata=meta)


# --- the configuration ---------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeConfig:
    count_wuguanhui: bool = _key(
        True,
        _BOOL,
        "物管会是否计入组建",
        "物业管理委员会（物管会）是否视同已组建，计入业主委员会（物业管理委员会）组建率的分子。",
        {True: "计入（有运行中的物管会的小区视同已组建）", False: "不计入（只计业主委员会）"},
    )
    count_expired: bool = _key(
        True,
        _BOOL,
        "届满未换届的业委会（物管会）",
        "任期已届满但未换届的业委会（物管会）是否仍算已组建；无论取值，都会在问题清单中列出。",
        {True: "仍计入已组建（在问题清单中列出）", False: "不计入已组建（在问题清单中列出）"},
    )
    denominator: str = _key(
        "all",
        _Choice("all", "eligible"),
        "业委会组建率分母",
        '业主委员会（物业管理委员会）组建率的分母："all" 为纳入统计的全部小区；'
        '"eligible" 只算其中“具备组建条件”为“是”的小区。',
        {"all": "纳入统计的全部小区", "eligible": "纳入统计且具备组建条件的小区"},
    )


@dataclass(frozen=True)
class ServiceConfig:
    covered_modes: tuple[str, ...] = _key(
        ("专业物业服务", "国企托管", "社区托管", "准物业", "单位自管", "居民自治"),
        _MODES,
        "物业服务覆盖率计入的管理方式",
        "物业服务覆盖率的分子：物业管理方式属于下列之一的小区（填了物业服务起始日期的，自该日起计）。",
    )
    professional_modes: tuple[str, ...] = _key(
        ("专业物业服务",),
        _MODES,
        "专业化物业服务率计入的管理方式",
        "专业化物业服务率（辅助指标）的分子：物业管理方式属于下列之一的小区。",
    )


@dataclass(frozen=True)
class PartyConfig:
    population: tuple[str, ...] = _key(
        ("committee", "service_project"),
        _POPULATION,
        "党组织覆盖率统计对象",
        '党的组织覆盖率的统计对象："committee" 为运行中的业委会（物管会）；'
        '"service_project" 为物业服务项目（见 service_project_modes）。至少写一项。',
    )
    committee_scope: str = _key(
        "all",
        _Choice("all", "qualifying"),
        "计入统计对象的业委会（物管会）",
        '"all" 为全部运行中的业委会（物管会），含届满未换届的；'
        '"qualifying" 只算党员人数不少于 min_members_for_org 的。',
        {
            "all": "全部运行中的业委会（物管会），含届满未换届的",
            "qualifying": "党员人数不少于 {min_members_for_org} 人的业委会（物管会）",
        },
    )
    min_members_for_org: int = _key(
        3,
        _INT,
        "业委会计入统计对象所需党员人数",
        'committee_scope = "qualifying" 时，业委会（物管会）党员人数达到此数才计入党组织覆盖率的统计对象。',
        unit="人",
    )
    count_work_coverage: bool = _key(
        False,
        _BOOL,
        "派驻党建指导员",
        "派驻党建指导员（工作覆盖）是否计入党的组织覆盖率：false 只计入“党的组织和工作覆盖率”"
        "（辅助指标）；true 则党的组织覆盖率按组织和工作覆盖计算。",
        {
            True: "计入（党的组织覆盖率按组织和工作覆盖计算）",
            False: "不计入组织覆盖（仅计入工作覆盖率）",
        },
    )
    service_project_modes: tuple[str, ...] = _key(
        ("专业物业服务", "国企托管"),
        _MODES,
        "作为物业服务项目统计的管理方式",
        "物业管理方式属于下列之一、且物业服务已开始的小区，算一个物业服务项目，"
        "计入党组织覆盖率的统计对象。",
    )


@dataclass(frozen=True)
class RulesConfig:
    committee_min_members: int = _key(
        5,
        _INT,
        "业委会委员最少人数",
        "业委会委员最少人数；委员人数须为单数（检查 committee-size）。",
        unit="人",
    )
    committee_max_members: int = _key(
        11,
        _INT,
        "业委会委员最多人数",
        "业委会委员最多人数（检查 committee-size）。",
        unit="人",
    )
    small_compound_households: int = _key(
        100,
        _INT,
        "可设 3 名委员的小区总户数上限",
        "总户数不超过此数的小区，业委会可只设 3 名委员（检查 committee-size）。",
        unit="户",
    )
    wuguanhui_min_members: int = _key(
        7,
        _INT,
        "物管会委员最少人数",
        "物管会委员最少人数；委员人数须为单数（检查 committee-size）。",
        unit="人",
    )
    committee_max_term_years: int = _key(
        5,
        _INT,
        "业委会每届任期上限",
        "业委会每届任期最长年数，任期届满日期减成立日期超过即提示（检查 committee-term）。",
        unit="年",
    )
    wuguanhui_max_term_years: int = _key(
        3,
        _INT,
        "物管会每届任期上限",
        "物管会每届任期最长年数（检查 committee-term）。",
        unit="年",
    )
    party_share_min: float = _key(
        0.5,
        _SHARE,
        "业委会委员中党员比例下限",
        "业委会（物管会）委员中党员所占比例的下限，低于即提示（检查 committee-party-share）。",
    )
    expiry_warning_days: int = _key(
        90,
        _INT,
        "任期届满提前提示天数",
        "任期将在多少天内届满时提前提示换届（检查 committee-expiring）。",
        unit="天",
    )
    new_committee_party_org_days: int = _key(
        90,
        _INT,
        "业委会成立后建立党组织的期限",
        "业委会（物管会）成立超过多少天仍没有党组织时提示（检查 party-org-lagging）。",
        unit="天",
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

_SECTION_CLASSES = {
    "committee": CommitteeConfig,
    "service": ServiceConfig,
    "party": PartyConfig,
    "rules": RulesConfig,
}
SECTIONS: tuple[str, ...] = tuple(_SECTION_CLASSES)


@dataclass(frozen=True)
class Config:
    committee: CommitteeConfig = field(default_factory=CommitteeConfig)
    service: ServiceConfig = field(default_factory=ServiceConfig)
    party: PartyConfig = field(default_factory=PartyConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
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


_SECTION_KEYS = {
    name: [f.name for f in dataclasses.fields(cls)] for name, cls in _SECTION_CLASSES.items()
}
_TARGET_KEYS = ["by", *RATE_KEYS]

# --- loading -------------------------------------------------------------------------------


def load_config(path: str | os.PathLike | None) -> Config:
    """Read `sanlv.toml` (None: the defaults). Raises ConfigError."""
    if path is None:
        return Config()
    source = os.fsdecode(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise ConfigError(f"配置文件 {source} 不存在") from None
    except IsADirectoryError:
        raise ConfigError(f"配置文件 {source} 是一个文件夹，不是文件") from None
    except PermissionError:
        raise ConfigError(f"配置文件 {source} 无法读取：没有读取权限") from None
    except OSError as e:
        raise ConfigError(f"配置文件 {source} 无法读取：{e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")  # Windows editors may add a byte-order mark
    except UnicodeDecodeError:
        raise ConfigError(
            f"配置文件 {source} 不是 UTF-8 编码，请在编辑器中以 UTF-8 编码另存后再试"
        ) from None
    return parse_config(text, source)


def parse_config(text: str, source: str = "sanlv.toml") -> Config:
    """Read the text of a `sanlv.toml`; `source` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(_syntax_message(source, text, e)) from None
    return _Loader(source).config(data)


_TOML_REASONS = (
    ("Invalid value", '值的写法无效（文本须加英文双引号，如 "all"；布尔值写 true 或 false）'),
    ("Cannot overwrite a value", "同一配置项填写了两次"),
    ("Cannot declare", "同一配置节出现了两次"),
    ("Unterminated string", "文本缺少结尾的英文双引号"),
    ("Expected '=' after a key", "配置项名称后缺少“=”"),
    ("Expected newline or end of document", "一行只能写一个配置项"),
    ("Unclosed array", "列表缺少结尾的“]”"),
    ("Invalid statement", "无法识别的语句"),
)


def _syntax_message(source: str, text: str, err: tomllib.TOMLDecodeError) -> str:
    msg = str(err)
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
    if m:
        where = f"第 {m[1]} 行第 {m[2]} 列"
        reason = msg[: m.start()]
    elif msg.endswith("(at end of document)"):
        where = f"第 {max(len(text.splitlines()), 1)} 行（文件末尾）"
        reason = msg.removesuffix("(at end of document)").strip()
    else:
        where, reason = "", msg
    chinese = next((cn for en, cn in _TOML_REASONS if reason.startswith(en)), "写法有误")
    return f"配置文件 {source}：{where}不是有效的 TOML 写法：{chinese}（{reason}）"


class _Loader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, text: str) -> ConfigError:
        return ConfigError(f"配置文件 {self.source}：{text}")

    def unknown(self, where: str, key: str, known: list[str], section: str = "") -> ConfigError:
        """`key` is not one of `known` in `where` (the section's label, or "" at the top)."""
        where = f"{where} {key}" if where else key
        owner = next((s for s, keys in _SECTION_KEYS.items() if key in keys and s != section), None)
        if owner:
            hint = f"（它属于 [{owner}] 节，请写在 [{owner}] 下面）"
        else:
            hint = _suggest(key, known)
        return self.fail(f"未知的配置项 {where}{hint}")

    def value(self, kind: Any, value: object, where: str) -> Any:
        try:
            return kind.parse(value)
        except _Bad as e:
            raise self.fail(f"{where} {e}") from None

    def config(self, data: dict[str, Any]) -> Config:
        for name, value in data.items():
            if name in _SECTION_CLASSES or name == "targets":
                continue
            if isinstance(value, dict):
                known = [f"[{s}]" for s in [*SECTIONS, "[targets]"]]
                raise self.fail(f"未知的配置节 [{name}]" + _suggest(f"[{name}]", known))
            raise self.unknown("", name, [*SECTIONS, "targets"])
        parts = {name: self.section(name, data.get(name, {})) for name in SECTIONS}
        rules = parts["rules"]
        if rules.committee_min_members > rules.committee_max_members:
            raise self.fail(
                f"[rules] committee_min_members（{rules.committee_min_members}）"
                f"不能大于 committee_max_members（{rules.committee_max_members}）"
            )
        targets = self.targets(data["targets"]) if "targets" in data else DEFAULT_TARGETS
        return Config(**parts, targets=targets, source=self.source)

    def section(self, name: str, table: object) -> Any:
        if not isinstance(table, dict):
            raise self.fail(
                f"[{name}] 应为配置节（单独一行写 [{name}]，下面逐行写配置项），"
                f"而不是{_kind_name(table)} {_show(table)}"
            )
        cls = _SECTION_CLASSES[name]
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in table:
            if key not in fields:
                raise self.unknown(f"[{name}]", key, list(fields), section=name)
        return cls(
            **{
                key: self.value(fields[key].metadata["kind"], value, f"[{name}] {key}")
                for key, value in table.items()
            }
        )

    def targets(self, items: object) -> tuple[Target, ...]:
        if not isinstance(items, list) or not all(isinstance(t, dict) for t in items):
            raise self.fail(
                "targets 应写成若干个 [[targets]] 表，每个表含 by 和各项目标值，"
                f"而不是{_kind_name(items)} {_show(items)}"
            )
        seen: dict[datetime.date, int] = {}
        out = []
        for i, item in enumerate(items, 1):
            label = f"[[targets]] 第 {i} 项"
            for key in item:
                if key not in _TARGET_KEYS:
                    raise self.unknown(label, key, _TARGET_KEYS)
            if "by" not in item:
                raise self.fail(f'{label}缺少 by（目标的截止日期，如 by = "2022-12-31"）')
            by = self.date(item["by"], f"{label} by")
            if by in seen:
                raise self.fail(f"{label} by 的日期 {by.isoformat()} 与第 {seen[by]} 项重复")
            seen[by] = i
            rates = {k: self.value(_SHARE, item[k], f"{label} {k}") for k in RATE_KEYS if k in item}
            if not rates:
                raise self.fail(f"{label}没有任何目标值（如 committee = 0.9）")
            out.append(Target(by, rates))
        return tuple(out)

    def date(self, value: object, where: str) -> datetime.date:
        """A TOML date, or a "YYYY-MM-DD" string."""
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if not isinstance(value, str):
            raise self.fail(f"{where} {_wrong_type('日期，如 2022-12-31', value)}")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(f"{where} {_invalid(value, '日期，如 2022-12-31')}")


# --- writing and describing ----------------------------------------------------------------

_TOML_HEAD = """\
# 三率（sanlv）配置文件：规定“三率”的统计口径、政策性检查的阈值和阶段目标。
# 请以 UTF-8 编码保存。每一项都可以省略，省略的按下面写出的默认值处理；
# 文本须加英文双引号，布尔值写 true 或 false，比例写 0 到 1 之间的小数（0.9 表示 90%）。
"""

_SECTION_HELP = {
    "committee": "业主委员会（物业管理委员会）组建率",
    "service": "物业服务覆盖率、专业化物业服务率",
    "party": "党的组织覆盖率、党的组织和工作覆盖率",
    "rules": "政策性检查（数据质量和问题清单中的提示）的阈值，只影响提示，不影响三率的计算",
}

_TARGETS_HELP = """\
# 阶段目标（默认为北京市 2020—2022 年的目标）。每个 [[targets]] 写一个截止日期 by 和该日
# 之前应达到的比例；统计日期适用的是 by 不早于统计日期的第一个目标，晚于最后一个 by 的，
# 仍按最后一个目标。可写的比例：
{rates}
# 删除全部 [[targets]] 则用默认目标；不设目标请写 targets = []（须写在所有 [配置节] 之前）。
"""


_BREAK_AFTER = "，；。、："


def _comment(text: str, width: int = 44) -> list[str]:
    """`text` as comment lines of about `width` characters, broken after Chinese punctuation."""
    pieces, piece, depth = [], "", 0
    for ch in text:  # split after punctuation outside brackets and quotes
        piece += ch
        depth += (ch in "（(“") - (ch in "）)”")
        if depth == 0 and ch in _BREAK_AFTER:
            pieces.append(piece)
            piece = ""
    pieces.append(piece)
    lines, line = [], ""
    for p in pieces:
        if line and len(line) + len(p) > width:
            lines.append(line)
            line = ""
        line += p
    return [f"# {text}" for text in [*lines, line] if text]


def to_toml(config: Config | None = None) -> str:
    """`config` (default: the defaults) as `sanlv.toml` text with Chinese comments."""
    config = config or Config()
    lines = [_TOML_HEAD]
    for name in SECTIONS:
        section = getattr(config, name)
        lines.append(f"# ===== {_SECTION_HELP[name]} =====")
        lines.append(f"[{name}]")
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            lines += _comment(f.metadata["help"])
            lines += _comment(f"可填：{f.metadata['kind'].allowed}。")
            if value != f.default:
                lines += _comment(f"默认：{_show(f.default)}")
            lines.append(f"{f.name} = {_show(value)}")
        lines.append("")
    rates = "\n".join(f"#   {k:<22}{name}" for k, name in RATE_NAMES.items())
    lines.append(_TARGETS_HELP.format(rates=rates).rstrip("\n"))
    if not config.targets:
        # must come before the first [section]: put it at the top
        lines.insert(1, "targets = []\n")
    for target in config.targets:
        lines.append("[[targets]]")
        for key, value in target.to_dict().items():
            lines.append(f"{key} = {_show(value)}")
    return "\n".join(lines) + "\n"


def default_toml() -> str:
    """The default `sanlv.toml` (what `sanlv config init` writes)."""
    return to_toml(Config())


def _say(f: dataclasses.Field, value: Any, section: Any) -> str:
    meta = f.metadata
    if meta["says"]:
        return meta["says"][value].format(**dataclasses.asdict(section))
    if f.name == "population":
        return "和".join(POPULATION_LABELS[v] for v in value)
    if isinstance(value, tuple):
        return "、".join(value)
    if isinstance(value, float):
        return _pct(value)
    return f"{value} {meta['unit']}".strip()


def describe(config: Config, as_of: datetime.date | None = None) -> list[tuple[str, str]]:
    """The 口径 in force as (label, description) lines in Chinese, one per setting, then
    one per target (with `as_of`, the target in force is marked)."""
    lines = [("配置文件", config.source or "未指定（使用默认口径）")]
    for name in SECTIONS:
        section = getattr(config, name)
        for f in dataclasses.fields(section):
            lines.append((f.metadata["label"], _say(f, getattr(section, f.name), section)))
    in_force = config.target_for(as_of) if as_of else None
    for target in config.targets:
        label = f"阶段目标（截至 {target.by.isoformat()}）"
        if target is in_force:
            label += "【本期适用】"
        text = "；".join(
            f"{RATE_NAMES[k]} {_pct(v)}" for k, v in target.to_dict().items() if k != "by"
        )
        lines.append((label, text))
    if not config.targets:
        lines.append(("阶段目标", "未设定"))
    return lines
