"""Writing the configuration back as `sanlv.toml` with Chinese comments, and describing the
口径 in force in Chinese (口径说明)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from .kinds import POPULATION_LABELS, pct, show
from .settings import RATE_NAMES, SECTIONS, Config

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
    "collect": "每月报送（工作区 sanlv status 的逾期判断）",
    "todo": "问题整改（整改销号）",
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
                lines += _comment(f"默认：{show(f.default)}")
            lines.append(f"{f.name} = {show(value)}")
        lines.append("")
    rates = "\n".join(f"#   {k:<22}{name}" for k, name in RATE_NAMES.items())
    lines.append(_TARGETS_HELP.format(rates=rates).rstrip("\n"))
    if not config.targets:
        # must come before the first [section]: put it at the top
        lines.insert(1, "targets = []\n")
    for target in config.targets:
        lines.append("[[targets]]")
        for key, value in target.to_dict().items():
            lines.append(f"{key} = {show(value)}")
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
        return pct(value)
    return f"{value} {meta['unit']}".strip()


def describe(
    config: Config, as_of: datetime.date | None = None, sections: tuple[str, ...] = SECTIONS
) -> list[tuple[str, str]]:
    """The 口径 in force as (label, description) lines in Chinese, one per setting of
    `sections`, then one per target (with `as_of`, the target in force is marked)."""
    lines = [("配置文件", config.source or "未指定（使用默认口径）")]
    for name in sections:
        section = getattr(config, name)
        for f in dataclasses.fields(section):
            applies = f.metadata["applies"]
            if applies is not None and not applies(section):
                continue  # e.g. the modes of service projects when only committees count
            lines.append((f.metadata["label"], _say(f, getattr(section, f.name), section)))
    in_force = config.target_for(as_of) if as_of else None
    for target in config.targets:
        label = f"阶段目标（截至 {target.by.isoformat()}）"
        if target is in_force:
            label += "【本期适用】"
        text = "；".join(
            f"{RATE_NAMES[k]} {pct(v)}" for k, v in target.to_dict().items() if k != "by"
        )
        lines.append((label, text))
    if not config.targets:
        lines.append(("阶段目标", "未设定"))
    return lines
