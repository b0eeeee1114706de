"""Reading `sanlv.toml`: every problem is a `ConfigError` whose message is one Chinese line
naming the file and the key."""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import tomllib
from typing import Any

from ..issues import InputError
from .kinds import SHARE, Bad, invalid, kind_name, show, suggest, wrong_type
from .settings import (
    DEFAULT_TARGETS,
    RATE_KEYS,
    SECTION_CLASSES,
    SECTION_KEYS,
    SECTIONS,
    TARGET_KEYS,
    Config,
    Target,
)


class ConfigError(InputError):
    """A problem with the configuration file; `str(error)` is one Chinese line."""

    def __init__(self, message: str) -> None:
        super().__init__("config-invalid", message)


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
        return _Loader(source).config(data)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(_syntax_message(source, text, e)) from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise ConfigError(
            f"配置文件 {source}：列表或内联表嵌套层数过多，不是 sanlv 的配置文件写法"
        ) from None


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
        owner = next((s for s, keys in SECTION_KEYS.items() if key in keys and s != section), None)
        if owner:
            hint = f"（它属于 [{owner}] 节，请写在 [{owner}] 下面）"
        else:
            hint = suggest(key, known)
        return self.fail(f"未知的配置项 {where}{hint}")

    def value(self, kind: Any, value: object, where: str) -> Any:
        try:
            return kind.parse(value)
        except Bad as e:
            raise self.fail(f"{where} {e}") from None

    def config(self, data: dict[str, Any]) -> Config:
        for name, value in data.items():
            if name in SECTION_CLASSES or name == "targets":
                continue
            if isinstance(value, dict):
                known = [f"[{s}]" for s in [*SECTIONS, "[targets]"]]
                raise self.fail(f"未知的配置节 [{name}]" + suggest(f"[{name}]", known))
            raise self.unknown("", name, [*SECTIONS, "targets"])
        parts = {name: self.section(name, data.get(name, {})) for name in SECTIONS}
        rules = parts["rules"]
        if rules.committee_min_members > rules.committee_max_members:
            raise self.fail(
                f"[rules] committee_min_members（{rules.committee_min_members}）"
                f"不能大于 committee_max_members（{rules.committee_max_members}）"
            )
        party = parts["party"]
        both = [f for f in party.org_forms if f in party.work_forms]
        if both:
            raise self.fail(
                f"[party] org_forms 与 work_forms 不能包含同一组织形式（{'、'.join(both)}）"
            )
        targets = self.targets(data["targets"]) if "targets" in data else DEFAULT_TARGETS
        return Config(**parts, targets=targets, source=self.source)

    def section(self, name: str, table: object) -> Any:
        if not isinstance(table, dict):
            raise self.fail(
                f"[{name}] 应为配置节（单独一行写 [{name}]，下面逐行写配置项），"
                f"而不是{kind_name(table)} {show(table)}"
            )
        cls = SECTION_CLASSES[name]
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
                f"而不是{kind_name(items)} {show(items)}"
            )
        seen: dict[datetime.date, int] = {}
        out = []
        for i, item in enumerate(items, 1):
            label = f"[[targets]] 第 {i} 项"
            for key in item:
                if key not in TARGET_KEYS:
                    raise self.unknown(label, key, TARGET_KEYS)
            if "by" not in item:
                raise self.fail(f'{label}缺少 by（目标的截止日期，如 by = "2022-12-31"）')
            by = self.date(item["by"], f"{label} by")
            if by in seen:
                raise self.fail(f"{label} by 的日期 {by.isoformat()} 与第 {seen[by]} 项重复")
            seen[by] = i
            rates = {k: self.value(SHARE, item[k], f"{label} {k}") for k in RATE_KEYS if k in item}
            if not rates:
                raise self.fail(f"{label}没有任何目标值（如 committee = 0.9）")
            out.append(Target(by, rates))
        return tuple(out)

    def date(self, value: object, where: str) -> datetime.date:
        """A TOML date, or a "YYYY-MM-DD" string."""
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if not isinstance(value, str):
            raise self.fail(f"{where} {wrong_type('日期，如 2022-12-31', value)}")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(f"{where} {invalid(value, '日期，如 2022-12-31')}")
