"""Command line: each command parses its options, calls one function of `sanlv.api`, renders
the result and returns an exit code (0 success, 1 validation errors, 2 could not run,
3 internal error, 130 interrupted; SPEC section 3).

Heavy modules (pandas, the readers, openpyxl, rich) are imported inside the commands so that
`sanlv --help` starts fast.

    __init__.py   the app, error handling and exit codes, the entry point
    options.py    shared option declarations
    commands.py   the data commands (template, validate, report, ledger, diff, trend, config)
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable

import typer

from .. import __version__
from ..entry import exit_code, interrupted_message
from ..issues import InputError
from .chinese import ChineseGroup

app = typer.Typer(
    name="sanlv",
    help="三率：党建引领物业管理“三率”（业委会组建率、物业服务覆盖率、党的组织覆盖率）台账校验与统计报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=ChineseGroup,
)
config_app = typer.Typer(help="配置文件（口径）相关命令。", no_args_is_help=True, cls=ChineseGroup)
app.add_typer(config_app, name="config")

INTERNAL = "程序内部错误（{name}），这是 sanlv 的缺陷，不是您的数据问题。请加 --debug 重新运行并把输出反馈给维护者。"


def fail(message: str) -> None:
    typer.echo(f"错误：{message}", err=True)


def run_guarded(debug: bool, fn: Callable[[], int]) -> int:
    """Run a command body: bad input is one Chinese line and exit 2, Ctrl-C exit 130, a
    defect of sanlv exit 3 (with --debug the traceback is shown instead)."""
    try:
        return fn()
    except InputError as exc:
        if debug:
            raise
        fail(exc.message)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (sanlv.entry)
        typer.echo(interrupted_message(exc), err=True)
        return exit_code(exc)
    except OSError as exc:
        if debug:
            raise
        fail(os_error_message(exc))
        return 2
    except Exception as exc:
        if debug:
            raise
        fail(INTERNAL.format(name=type(exc).__name__))
        return 3


def os_error_message(exc: OSError) -> str:
    import errno

    name = getattr(exc, "filename", "") or ""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"磁盘空间不足，无法写入 {name}。请清理磁盘或换一个位置后重试。".replace(" 。", "。")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return f"无法读写文件 {name}：{exc.strerror or exc}。请检查路径是否正确。"
    return f"无法读写文件 {name}：{exc.strerror or exc}。如文件正在 Excel 中打开，请先关闭或换一个路径。"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sanlv {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本号。"
    ),
) -> None:
    """三率台账工具。"""


from . import commands, workspace  # noqa: E402,F401  (registers the commands on `app`)


def main() -> None:
    # A command is one short process: reference counting frees its tables as it goes, and the
    # cyclic collector would only re-scan the many objects the imports and the data create
    # (about 0.05 s of a small report, 0.3 s of a large validate); peak memory is the same
    # without it (bench/run.py prints it). At exit the interpreter still runs one full
    # collection over everything (about 0.13 s): freezing the heap first spares it.
    # Library callers keep the collector.
    gc.disable()
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
