"""Usage errors and help in Chinese: the Typer (vendored click) messages such as
"No such option", "Missing argument" or the "Usage:" block become one Chinese line and exit 2,
and help pages use Chinese headings (SPEC section 3: option and usage errors are one Chinese
line too)."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer import _click as click  # typer 0.28 vendors click (bounded in pyproject)
from typer.core import TyperCommand, TyperGroup

HEADINGS = {"Arguments": "参数", "Options": "选项", "Commands": "命令"}
USAGE_WORDS = (
    ("[OPTIONS]", "[选项]"),
    ("COMMAND", "命令"),
    ("[ARGS]", "[参数]"),
    ("FILES", "文件"),
)


class ChineseFormatter(click.formatting.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for en, cn in USAGE_WORDS:
            args = args.replace(en, cn)
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))


class ChineseContext(click.core.Context):
    formatter_class = ChineseFormatter


class _ChineseHelp:
    context_class: type[click.core.Context] = ChineseContext

    def get_help_option(self, ctx: Any) -> Any:
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = "显示本帮助并退出。"
        return opt


class ChineseCommand(_ChineseHelp, TyperCommand):
    pass


class ChineseGroup(_ChineseHelp, TyperGroup):
    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            rv = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except click.exceptions.NoArgsIsHelpError as e:
            typer.echo(e.ctx.get_help())
            rv = 0
        except click.exceptions.UsageError as e:
            typer.echo(f"错误：{usage_message(e)}", err=True)
            rv = 2
        except typer.Abort as e:  # click's word for a KeyboardInterrupt outside a command body
            from ..entry import exit_code, interrupted_message

            cause = e.__cause__ or e.__context__ or e
            typer.echo(interrupted_message(cause), err=True)
            rv = exit_code(cause)
        if standalone_mode:
            sys.exit(rv or 0)
        return rv


def _name(param: Any) -> str:
    if param is None:
        return ""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")] or list(
        getattr(param, "opts", [])
    )
    if getattr(param, "param_type_name", "") == "argument":
        return (param.help or param.human_readable_name or "").rstrip("。")
    return opts[0] if opts else str(param.human_readable_name)


_VALUE_REASONS = (
    (re.compile(r"is not a valid integer"), "应为整数"),
    (re.compile(r"is not a valid float"), "应为数字"),
    (re.compile(r"is not a valid boolean"), "应为 true 或 false"),
    (re.compile(r"is not one of|is not a valid choice"), "不在可选值之内"),
    (re.compile(r"does not exist"), "文件或文件夹不存在"),
)


def usage_message(e: Any) -> str:
    """One Chinese line for a usage error, with where to look for help."""
    ctx = getattr(e, "ctx", None)
    where = f"sanlv {ctx.info_name} --help" if ctx is not None and ctx.parent else "sanlv --help"
    if ctx is not None and ctx.parent is not None and ctx.parent.parent is not None:
        where = f"sanlv {ctx.parent.info_name} {ctx.info_name} --help"
    tail = f"（可用 {where} 查看用法）"
    if isinstance(e, click.exceptions.NoSuchOption):
        near = sorted(e.possibilities or [])
        hint = f"，是否想用 {'、'.join(near)}？" if near else "。"
        return f"没有选项 {e.option_name}{hint}{tail}"
    if isinstance(e, click.exceptions.MissingParameter):
        what = "参数" if e.param_type == "argument" else "选项"
        return f"缺少{what}：{_name(e.param)}。{tail}"
    if isinstance(e, click.exceptions.BadParameter):
        reason = next((cn for rx, cn in _VALUE_REASONS if rx.search(e.message)), "值无效")
        return f"{_name(e.param) or '参数'} 的值{reason}。{tail}"
    if isinstance(e, click.exceptions.BadOptionUsage):
        if "requires an argument" in e.message:
            return f"选项 {e.option_name} 后面需要给一个值。{tail}"
        return f"选项 {e.option_name} 的用法有误。{tail}"
    text = e.message
    m = re.match(r"Got unexpected extra arguments? \((.*)\)", text)
    if m:
        return f"多余的参数：{m.group(1)}。{tail}"
    m = re.match(r"No such command '(.*)'", text)
    if m:
        return f"没有命令“{m.group(1)}”。{tail}"
    return f"命令行用法有误。{tail}"
