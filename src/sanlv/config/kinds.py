"""Kinds of setting: how a value is read from TOML, checked, written back and described.
Each raises `Bad` with the end of a Chinese sentence; the loader adds the file and the key."""

from __future__ import annotations

import datetime
import json
import math

from .. import schema

MODE_ENUM = "management_mode"


def kind_name(value: object) -> str:
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


def show(value: object) -> str:
    """A value the way it is written in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return repr(value)


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + " 或 " + items[-1]


def suggest(word: str, candidates: list[str], show=str) -> str:
    import difflib  # only needed when something is wrong

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"（是否想写 {show(close[0])}？）" if close else ""


def pct(x: float) -> str:
    return f"{x * 100:.2f}".rstrip("0").rstrip(".") + "%"


class Bad(Exception):
    """Raised by a kind; the loader adds the file and the key to make a ConfigError."""


def _should_be(expected: str) -> str:
    """ "应为" + expected, with a space before Latin letters, digits and quotes."""
    return "应为" + (" " if expected[:1].isascii() else "") + expected


def wrong_type(expected: str, value: object) -> Bad:
    return Bad(f"{_should_be(expected)}，而不是{kind_name(value)} {show(value)}")


def invalid(value: object, allowed: str, hint: str = "") -> Bad:
    return Bad(f"的值 {show(value)} 无效，{_should_be(allowed)}{hint}")


class Bool:
    allowed = "true 或 false"

    def parse(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise wrong_type(self.allowed, value)
        return value


class Int:
    """A whole number from 0 to `maximum` (every integer setting has a sensible maximum: a
    huge value would overflow date arithmetic)."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self.allowed = f"0 到 {maximum} 之间的整数"

    def parse(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong_type("整数", value)
        if not 0 <= value <= self.maximum:
            shown = (
                value if abs(value) < 10**15 else f"{str(value)[:12]}…（{len(str(value))} 位数）"
            )
            raise Bad(f"的值 {shown} 无效，{_should_be(self.allowed)}")
        return value


class Share:
    allowed = "0 到 1 之间的小数（如 0.9 表示 90%）"

    def parse(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong_type("0 到 1 之间的小数", value)
        if math.isnan(value) or not 0 <= value <= 1:
            looks_like_percent = 1 < value <= 100 and value == int(value)  # 90 for 90%
            hint = f"（是否想写 {value / 100:g}？）" if looks_like_percent else ""
            raise invalid(value, self.allowed, hint)
        return float(value)


class Choice:
    def __init__(self, *values: str) -> None:
        self.values = values
        self.allowed = _or_list([show(v) for v in values])

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            raise wrong_type(self.allowed, value)
        if value not in self.values:
            raise invalid(value, self.allowed, suggest(value, list(self.values), show))
        return value


class Set:
    """A non-empty list of values from a fixed set; aliases allowed. The result is
    deduplicated and in the order of the set, so that the same choice always compares,
    prints and describes the same way."""

    def __init__(
        self,
        values: dict[str, str],
        what: str,
        allowed: str,
        excluded: tuple[str, ...] = (),
        allow_empty: bool = False,
    ) -> None:
        self.values = values  # accepted spelling -> canonical value
        self.canonical = [v for v in dict.fromkeys(values.values()) if v not in excluded]
        self.what = what
        self.allowed = allowed
        self.excluded = excluded
        self.allow_empty = allow_empty
        self.choices = "、".join(show(v) if v.isascii() else v for v in self.canonical)

    def _lookup(self, text: str) -> str | None:
        return self.values.get(text)

    def parse(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise wrong_type(f"列表（{self.what}），如 [{show(self.canonical[0])}]", value)
        if not value and not self.allow_empty:
            raise Bad(f"不能为空列表，应至少写一个{self.what}")
        found = set()
        for i, item in enumerate(value, 1):
            if not isinstance(item, str):
                raise Bad(f"的第 {i} 项应为文本，而不是{kind_name(item)} {show(item)}")
            canon = self._lookup(item)
            if canon is None:
                hint = suggest(item, list(self.values), lambda s: show(self.values[s]))
                raise Bad(f"中的 {show(item)} 无效，应为{self.what}之一：{self.choices}{hint}")
            if canon in self.excluded:
                also = f"（即“{canon}”）" if item != canon else ""
                raise Bad(f"不能包含 {show(item)}{also}")
            found.add(canon)
        return tuple(v for v in self.canonical if v in found)


class Modes(Set):
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


class Forms(Set):
    """Organisation forms (组织形式), by name or alias."""

    def __init__(self, allow_empty: bool = False) -> None:
        accepted = {
            name: canon
            for canon, aliases in schema.ENUMS["org_form"].items()
            for name in (canon, *aliases)
        }
        allowed = "、".join(schema.ENUMS["org_form"]) + "（也可写台账中的别名）"
        super().__init__(accepted, "组织形式", allowed, allow_empty=allow_empty)

    def _lookup(self, text: str) -> str | None:
        return schema.enum_index("org_form").get(schema._norm_value(text))


POPULATION_LABELS = {"committee": "业委会（物管会）", "service_project": "物业服务项目"}

BOOL, SHARE, MODES = Bool(), Share(), Modes()
# Integer settings by what they count (the maximum is far beyond any real rule).
PEOPLE, HOUSEHOLDS, YEARS, DAYS = Int(1000), Int(10_000_000), Int(100), Int(36_500)
FORMS, FORMS_OR_NONE = Forms(), Forms(allow_empty=True)
POPULATION = Set(
    {k: k for k in POPULATION_LABELS},
    "统计对象",
    '"committee"（业委会、物管会）和/或 "service_project"（物业服务项目）',
)
