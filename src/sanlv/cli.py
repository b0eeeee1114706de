"""Command line: parse options, call one library function, render, return an exit code.

Heavy modules (pandas, the readers, openpyxl) are imported inside the commands so that
`sanlv --help` starts fast.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__

app = typer.Typer(
    name="sanlv",
    help="三率：党建引领物业管理“三率”（业委会组建率、物业服务覆盖率、党的组织覆盖率）台账校验与统计报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
config_app = typer.Typer(help="配置文件（口径）相关命令。", no_args_is_help=True)
app.add_typer(config_app, name="config")

T = TypeVar("T")

Files = Annotated[
    list[Path],
    typer.Argument(help="台账文件（xlsx/xlsm/xls/ods/csv）或文件夹，可多个。", show_default=False),
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="统计截止日期，如 2026-10-31；默认今天。")
]
Period = Annotated[
    str | None, typer.Option("--period", help="统计月份，如 2026-10（取该月最后一天）。")
]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="口径配置文件 sanlv.toml。")]
Format = Annotated[str, typer.Option("--format", help="输出格式：table（终端表格）或 json。")]
Debug = Annotated[bool, typer.Option("--debug", help="出错时显示完整的技术信息。")]
MaxUnzipped = Annotated[
    int, typer.Option("--max-unzipped-mb", help="xlsx 解压后大小上限（MB），防止压缩炸弹。")
]


class UsageProblem(Exception):
    """A bad option value: exit 2 with the message."""


def _fail(message: str) -> None:
    typer.echo(f"错误：{message}", err=True)


def run_guarded(debug: bool, fn: Callable[[], int]) -> int:
    """Run a command body; expected failures become one Chinese line and exit 2."""
    from .issues import InputError

    try:
        from .config import ConfigError
    except ImportError:  # pragma: no cover - config module always ships
        ConfigError = InputError  # type: ignore[misc,assignment]
    try:
        return fn()
    except (InputError, ConfigError, UsageProblem) as exc:
        if debug:
            raise
        _fail(getattr(exc, "message", None) or str(exc))
        return 2
    except KeyboardInterrupt:
        _fail("已中断，未写出任何不完整的文件。")
        return 130
    except OSError as exc:
        if debug:
            raise
        name = getattr(exc, "filename", "") or ""
        _fail(
            f"无法读写文件 {name}：{exc.strerror or exc}。如文件正在 Excel 中打开，请先关闭或换一个路径。"
        )
        return 2
    except Exception as exc:  # last resort: never a traceback for the user
        if debug:
            raise
        _fail(f"内部错误（{type(exc).__name__}），请加 --debug 重新运行并把输出反馈给开发者。")
        return 2


def parse_as_of(as_of: str | None, period: str | None) -> date:
    """--as-of DATE or --period YYYY-MM (last day of that month); default today."""
    import calendar
    import re

    if as_of and period:
        raise UsageProblem("--as-of 与 --period 只能二选一。")
    if period:
        m = re.fullmatch(r"(\d{4})-?(\d{1,2})", period.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise UsageProblem(f"--period 的值“{period}”无效，应为 YYYY-MM，如 2026-10。")
        y, mo = int(m.group(1)), int(m.group(2))
        return date(y, mo, calendar.monthrange(y, mo)[1])
    if as_of:
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", as_of.strip())
        try:
            if not m:
                raise ValueError
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise UsageProblem(
                f"--as-of 的值“{as_of}”不是有效日期，应为 YYYY-MM-DD，如 2026-10-31。"
            ) from None
    return date.today()


def _month_end(value: str, option: str) -> date:
    """A YYYY-MM option value -> the last day of that month."""
    try:
        return parse_as_of(None, value)
    except UsageProblem:
        raise UsageProblem(f"{option} 的月份“{value}”无效，应为 YYYY-MM，如 2026-10。") from None


def check_format(fmt: str) -> str:
    if fmt not in ("table", "json"):
        raise UsageProblem(f"--format 只能是 table 或 json，不能是“{fmt}”。")
    return fmt


def check_output(output: Path | None, inputs: list[Path], suffixes: tuple[str, ...]) -> None:
    """Refuse an output that is an input, or that has the wrong suffix."""
    if output is None:
        return
    if output.suffix.lower() not in suffixes:
        raise UsageProblem(f"输出文件 {output.name} 的扩展名应为 {'、'.join(suffixes)}。")
    out = output.resolve()
    for p in inputs:
        if p.exists() and p.resolve() == out:
            raise UsageProblem(
                f"输出文件 {output} 与输入文件相同，为保护原始台账已拒绝写入，请换一个文件名。"
            )


def _print_json(data: Any) -> None:
    import json

    # No indent: the C encoder is used only then (a city-wide report is tens of MB).
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


# --- commands -------------------------------------------------------------------------------


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的模板文件。")] = Path(
        "三率台账模板.xlsx"
    ),
    debug: Debug = False,
) -> None:
    """生成空白台账模板（小区、业委会、党组织三张表，带下拉选项和填写说明）。"""

    def body() -> int:
        from .template import write_template

        check_output(output, [], (".xlsx",))
        write_template(output)
        typer.echo(f"已生成模板：{output}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@app.command()
def validate(
    files: Files,
    as_of: AsOf = None,
    period: Period = None,
    config: ConfigOpt = None,
    fmt: Format = "table",
    regions: Annotated[
        Path | None,
        typer.Option("--regions", help="官方街道、社区名单（xlsx/csv，两列：街道、社区）。"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="把问题清单写入 .xlsx 或 .csv 文件。")
    ] = None,
    annotate: Annotated[
        Path | None,
        typer.Option("--annotate", help="写出一份标注了问题单元格的台账副本（.xlsx）。"),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也视为不通过。")] = False,
    max_unzipped_mb: MaxUnzipped = 2048,
    debug: Debug = False,
) -> None:
    """校验台账：逐项检查并指出具体单元格。无错误退出码 0，有错误 1，无法运行 2。"""

    def body() -> int:
        from . import console
        from .config import load_config
        from .issues import InputError
        from .validate import run_validate, unreadable_json

        check_format(fmt)
        check_output(output, files, (".xlsx", ".csv"))
        check_output(annotate, files, (".xlsx",))
        day = parse_as_of(as_of, period)
        cfg = load_config(config)
        try:
            result = run_validate(
                files, cfg, day, regions=regions, max_unzipped=max_unzipped_mb * 1024**2
            )
        except InputError as exc:
            if fmt == "json":  # still a complete answer on stdout, with the structural issue
                _print_json(unreadable_json(exc))
            raise
        if output is not None:
            from .write import write_issues

            write_issues(result, output)
        annotated: list[Path] = []
        if annotate is not None:
            from .annotate import annotate_inputs

            annotated = annotate_inputs(result, annotate)
        if fmt == "json":
            data = result.to_json()
            if annotated:
                data["annotated"] = [str(p) for p in annotated]
            _print_json(data)
        else:
            console.print_validation(result, strict=strict)
            if output is not None:
                typer.echo(f"问题清单已写入：{output}", err=True)
            for path in annotated:
                typer.echo(f"标注副本已写入：{path}", err=True)
        return result.exit_code(strict)

    raise typer.Exit(run_guarded(debug, body))


@app.command()
def report(
    files: Files,
    as_of: AsOf = None,
    period: Period = None,
    config: ConfigOpt = None,
    fmt: Format = "table",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写出报告工作簿（.xlsx）。")
    ] = None,
    previous: Annotated[
        list[Path] | None,
        typer.Option(
            "--previous",
            help="上期台账文件（按上月最后一天统计），用于计算各率比上期的变化；可重复给出。",
        ),
    ] = None,
    include_personal: Annotated[
        bool, typer.Option("--include-personal", help="报告中包含主任、书记等个人姓名。")
    ] = False,
    max_unzipped_mb: MaxUnzipped = 2048,
    debug: Debug = False,
) -> None:
    """统计“三率”：按街道、社区列出组建率、覆盖率，对照目标，可写出报告工作簿。"""

    def body() -> int:
        from . import console
        from .compute import compute
        from .config import load_config
        from .normalise import load_dataset

        check_format(fmt)
        check_output(output, [*files, *(previous or [])], (".xlsx",))
        day = parse_as_of(as_of, period)
        cfg = load_config(config)
        limit = max_unzipped_mb * 1024**2
        ds = _load_with_compounds(load_dataset, files, limit)
        comp = compute(ds, cfg, day)
        prev_ds = prev = None
        if previous:
            from .report import previous_as_of

            prev_ds = _load_with_compounds(load_dataset, previous, limit, "上期")
            prev = compute(prev_ds, cfg, previous_as_of(day))
        issues = ds.issues
        if output is not None or fmt != "json":  # the checks feed 数据质量 and the summary line
            from .checks import run_checks

            issues = issues + run_checks(ds, cfg, day)
        if output is not None:
            from .report import write_report

            write_report(
                comp,
                ds,
                output,
                previous=prev,
                include_personal=include_personal,
                issues=issues,
                previous_dataset=prev_ds,
            )
        if fmt == "json":
            _print_json(comp.to_json())
        else:
            # With a workbook written, the terminal shows a glance; the workbook has it all.
            console.print_report(comp, ds, issues, street_limit=30 if output else None)
        if output is not None:
            typer.echo(f"报告已写入：{output}", err=True)
        return 0

    raise typer.Exit(run_guarded(debug, body))


def _load_with_compounds(load, files: list[Path], limit: int, which: str = ""):
    """Read the rosters; no compound roster at all is an input that cannot be reported on."""
    from .issues import InputError

    ds = load(files, limit)
    if not any(s.roster == "compounds" for s in ds.sources):
        names = "、".join(f.name for f in ds.files) or "输入"
        raise InputError(
            "sheet-missing",
            f"{which}{names} 中没有找到小区台账（工作表“小区”或带“小区编号”等表头的表），无法统计三率。",
        )
    return ds


IncludePersonal = Annotated[
    bool, typer.Option("--include-personal", help="输出中包含主任、书记等个人姓名（默认不含）。")
]


@app.command()
def ledger(
    files: Files,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="输出的标准化台账（.xlsx），必填。")
    ] = None,
    as_of: AsOf = None,
    period: Period = None,
    config: ConfigOpt = None,
    include_personal: IncludePersonal = False,
    max_unzipped_mb: MaxUnzipped = 2048,
    debug: Debug = False,
) -> None:
    """生成标准化台账：合并清洗后的三张台账，附每个小区在统计日的状态，并按街道列出待办事项。"""

    def body() -> int:
        from . import console_dynamic
        from .compute import compute
        from .config import load_config
        from .ledger import write_ledger
        from .normalise import load_dataset

        if output is None:
            raise UsageProblem("请用 -o 指定输出的台账文件，如 -o 标准化台账.xlsx。")
        check_output(output, files, (".xlsx",))
        day = parse_as_of(as_of, period)
        cfg = load_config(config)
        ds = _load_with_compounds(load_dataset, files, max_unzipped_mb * 1024**2)
        result = write_ledger(ds, compute(ds, cfg, day), output, include_personal)
        console_dynamic.print_ledger(result)
        return 0

    raise typer.Exit(run_guarded(debug, body))


@app.command()
def diff(
    files: Annotated[
        list[Path],
        typer.Argument(help="原（上期）台账文件或文件夹，可多个。", show_default=False),
    ],
    against: Annotated[
        list[Path] | None,
        typer.Option(
            "--against",
            help="新（本期）台账文件；多个文件请重复此选项：--against a.xlsx --against b.xlsx。",
            show_default=False,
        ),
    ] = None,
    as_of: AsOf = None,
    period: Period = None,
    config: ConfigOpt = None,
    fmt: Format = "table",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="把变动清单写入 .xlsx 文件。")
    ] = None,
    include_personal: IncludePersonal = False,
    max_unzipped_mb: MaxUnzipped = 2048,
    debug: Debug = False,
) -> None:
    """比较两期台账：新增、撤销、调整的小区、业委会、党组织，以及各街道三率的变化。

    两期的三率按同一统计日计算（默认今天，或 --as-of / --period）。"""

    def body() -> int:
        from . import console_dynamic
        from .config import load_config
        from .diff import diff_datasets, write_diff
        from .normalise import load_dataset

        check_format(fmt)
        if not against:
            raise UsageProblem("请用 --against 指定新（本期）台账文件，如 --against 十月.xlsx。")
        check_output(output, [*files, *against], (".xlsx",))
        day = parse_as_of(as_of, period)
        cfg = load_config(config)
        limit = max_unzipped_mb * 1024**2
        old = _load_with_compounds(load_dataset, files, limit, "原台账 ")
        new = _load_with_compounds(load_dataset, against, limit, "新台账 ")
        result = diff_datasets(old, new, cfg, day, include_personal)
        if output is not None:
            write_diff(result, output)
        if fmt == "json":
            _print_json(result.to_json())
        else:
            console_dynamic.print_diff(result)
            if output is not None:
                typer.echo(f"变动清单已写入：{output}", err=True)
        return 0

    raise typer.Exit(run_guarded(debug, body))


@app.command()
def trend(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="台账文件或文件夹（按其中的日期逐月计算）。", show_default=False),
    ] = None,
    from_: Annotated[str | None, typer.Option("--from", help="起始月份，如 2021-01。")] = None,
    to: Annotated[str | None, typer.Option("--to", help="截止月份，如 2026-10。")] = None,
    snapshot: Annotated[
        list[str] | None,
        typer.Option(
            "--snapshot",
            help="按月快照：月份=文件，如 --snapshot 2026-09=九月.xlsx，可重复；"
            "同一月份可给多个文件。",
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
    fmt: Format = "table",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="把走势写入 .xlsx 文件（含折线图）。")
    ] = None,
    max_unzipped_mb: MaxUnzipped = 2048,
    debug: Debug = False,
) -> None:
    """三率月度走势：按台账中的成立、撤销、物业服务起始日期，逐月末计算各项比率。"""

    def body() -> int:
        from . import console_dynamic
        from .config import load_config
        from .normalise import load_dataset
        from .trend import (
            MAX_MONTHS,
            month_ends,
            trend_from_dates,
            trend_from_snapshots,
        )

        check_format(fmt)
        limit = max_unzipped_mb * 1024**2
        if snapshot:
            if files or from_ or to:
                raise UsageProblem("使用 --snapshot 时不能再给台账文件或 --from/--to。")
            groups: dict = {}
            for item in snapshot:
                month, sep, path = item.partition("=")
                if not sep or not path.strip():
                    raise UsageProblem(
                        f"--snapshot 的值“{item}”无效，应为 月份=文件，如 2026-09=九月.xlsx。"
                    )
                day = _month_end(month.strip(), "--snapshot")
                groups.setdefault(day, []).append(Path(path.strip()))
            if len(groups) > MAX_MONTHS:
                raise UsageProblem(f"最多比较 {MAX_MONTHS} 个月。")
            check_output(output, [p for g in groups.values() for p in g], (".xlsx",))
            cfg = load_config(config)
            snaps = [
                (day, _load_with_compounds(load_dataset, paths, limit, f"{day:%Y-%m} 的快照 "))
                for day, paths in groups.items()
            ]
            result = trend_from_snapshots(snaps, cfg)
        else:
            if not files:
                raise UsageProblem("请给出台账文件，或用 --snapshot 指定各月快照。")
            if not from_ or not to:
                raise UsageProblem(
                    "请用 --from 和 --to 指定月份范围，如 --from 2021-01 --to 2026-10。"
                )
            first = _month_end(from_, "--from")
            last = _month_end(to, "--to")
            if first > last:
                raise UsageProblem(f"--from {from_} 晚于 --to {to}。")
            months = month_ends(first, last)
            if len(months) > MAX_MONTHS:
                raise UsageProblem(
                    f"月份范围共 {len(months)} 个月，最多 {MAX_MONTHS} 个月，请缩小范围。"
                )
            check_output(output, files, (".xlsx",))
            cfg = load_config(config)
            ds = _load_with_compounds(load_dataset, files, limit)
            result = trend_from_dates(ds, cfg, months)
        if output is not None:
            from .trend import write_trend

            write_trend(result, output)
        if fmt == "json":
            _print_json(result.to_json())
        else:
            console_dynamic.print_trend(result)
            if output is not None:
                typer.echo(f"走势已写入：{output}", err=True)
        return 0

    raise typer.Exit(run_guarded(debug, body))


@config_app.command("init")
def config_init(
    output: Annotated[Path, typer.Option("-o", "--output", help="写出的配置文件。")] = Path(
        "sanlv.toml"
    ),
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件。")] = False,
    debug: Debug = False,
) -> None:
    """写出默认口径配置文件 sanlv.toml（带中文注释）。"""

    def body() -> int:
        from .config import default_toml
        from .write import atomic_output

        if output.exists() and not force:
            raise UsageProblem(f"{output} 已存在；如要覆盖请加 --force。")
        with atomic_output(output) as tmp:
            Path(tmp).write_text(default_toml(), encoding="utf-8")
        typer.echo(f"已写出默认配置：{output}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sanlv {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号。")
    ] = False,
) -> None:
    """三率台账工具。"""


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


if __name__ == "__main__":
    main()
