"""The data commands: parse the options, call one `sanlv.api` function, render the result,
return the exit code."""

from __future__ import annotations

import sys
from datetime import date
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from ..issues import UsageError
from . import app, config_app, run_guarded
from .chinese import ChineseCommand
from .options import (
    AsOf,
    ConfigOpt,
    Debug,
    Files,
    Force,
    Format,
    IncludePersonal,
    MaxUnzipped,
    OptionalFiles,
    Period,
    Regions,
    WorkspaceOpt,
)

command = partial(app.command, cls=ChineseCommand)


def check_format(fmt: str) -> str:
    if fmt not in ("table", "json"):
        raise UsageError(f"--format 只能是 table 或 json，不能是“{fmt}”。")
    return fmt


def print_json(data: Any) -> None:
    """JSON on stdout as UTF-8 bytes whatever the console's code page (RFC 8259): the same
    bytes on a Chinese Windows (code page 936) as anywhere else."""
    from ..render.json_text import dumps

    raw = dumps(data)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (an embedding application)
        sys.stdout.write(raw.decode("utf-8") + "\n")
        return
    sys.stdout.flush()
    buffer.write(raw)
    buffer.write(b"\n")
    buffer.flush()


def say(text: str) -> None:
    """A line for the person at the terminal (stderr, so stdout stays the result)."""
    typer.echo(text, err=True)


def warn_if_future(day: date | str) -> None:
    from ..dates import future_notice

    notice = future_notice(day if isinstance(day, date) else date.fromisoformat(day))
    if notice:
        say(notice)


@command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的模板文件。")] = Path(
        "三率台账模板.xlsx"
    ),
    street: Annotated[
        str | None,
        typer.Option("--street", help="在工作区中：用该街道最近一次合格的台账预填（只改变化的）。"),
    ] = None,
    force: Force = False,
    workspace: WorkspaceOpt = None,
    debug: Debug = False,
) -> None:
    """生成台账模板（小区、业委会、党组织三张表，带下拉选项和填写说明）；--street 预填某街道的台账。"""

    def body() -> int:
        from .. import api

        path = api.template(output, force=force, street=street, workspace=workspace)
        typer.echo(f"已生成模板：{path}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
def validate(
    files: Files,
    as_of: AsOf = None,
    period: Period = None,
    config: ConfigOpt = None,
    fmt: Format = "table",
    regions: Regions = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="把问题清单写入 .xlsx 或 .csv 文件。")
    ] = None,
    annotate: Annotated[
        Path | None,
        typer.Option("--annotate", help="写出一份标注了问题单元格的台账副本（.xlsx）。"),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也视为不通过。")] = False,
    max_unzipped_mb: MaxUnzipped = 2048,
    force: Force = False,
    debug: Debug = False,
) -> None:
    """校验台账：逐项检查并指出具体单元格。无错误退出码 0，有错误 1，无法运行 2。"""

    def body() -> int:
        from .. import api
        from ..issues import InputError
        from ..validate import unreadable_json

        check_format(fmt)
        try:
            result = api.validate(
                files,
                as_of=as_of,
                period=period,
                config=config,
                regions=regions,
                output=output,
                annotate=annotate,
                max_unzipped_mb=max_unzipped_mb,
                force=force,
            )
        except UsageError:
            raise
        except InputError as exc:
            if fmt == "json":  # still a complete answer on stdout, with the structural issue
                print_json(unreadable_json(exc))
            raise
        warn_if_future(result.as_of)
        if fmt == "json":
            data = result.to_json()
            if result.annotated:
                data["annotated"] = [str(p) for p in result.annotated]
            print_json(data)
        else:
            from ..render import console

            console.print_validation(result, strict=strict)
            for path in result.written:
                say(f"问题清单已写入：{path}")
            for path in result.annotated:
                say(f"标注副本已写入：{path}")
        return result.exit_code(strict)

    raise typer.Exit(run_guarded(debug, body))


@command()
def report(
    files: OptionalFiles = None,
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
    regions: Regions = None,
    compare: Annotated[
        list[Path] | None,
        typer.Option(
            "--compare",
            help="另一口径的配置文件（如市里的 sanlv.toml），按它再算一遍并列出对照；可重复给出。",
        ),
    ] = None,
    include_personal: Annotated[
        bool, typer.Option("--include-personal", help="报告中包含主任、书记等个人姓名。")
    ] = False,
    max_unzipped_mb: MaxUnzipped = 2048,
    force: Force = False,
    workspace: WorkspaceOpt = None,
    debug: Debug = False,
) -> None:
    """统计“三率”：按街道、社区列出组建率、覆盖率，对照目标，可写出报告工作簿。

    在工作区中可不给台账文件：统计该月（--period）已接收的台账，未报送的街道单列，
    上期取已月结的记录，问题清单附整改状态。"""

    def body() -> int:
        from .. import api

        check_format(fmt)
        result = api.report(
            files,
            as_of=as_of,
            period=period,
            config=config,
            output=output,
            previous=previous,
            regions=regions,
            compare=compare,
            include_personal=include_personal,
            # the checks feed 数据质量 and the terminal's summary line, not the JSON
            checks=fmt != "json",
            max_unzipped_mb=max_unzipped_mb,
            force=force,
            workspace=workspace,
        )
        warn_if_future(result.content.as_of)
        if fmt == "json":
            print_json(result.to_json())
        else:
            from ..render import console

            # With a workbook written, the terminal shows a glance; the workbook has it all.
            console.print_report(result.content, street_limit=30 if output else None)
        for path in result.written:
            say(f"报告已写入：{path}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
def brief(
    files: OptionalFiles = None,
    period: Period = None,
    as_of: AsOf = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写出的通报（.docx），必填。")
    ] = None,
    previous: Annotated[
        list[Path] | None,
        typer.Option("--previous", help="上期台账文件，用于比上月的变化和整改销号；可重复给出。"),
    ] = None,
    config: ConfigOpt = None,
    regions: Regions = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="本单位的通报模板（.docx，字段同默认模板）。"),
    ] = None,
    template_init: Annotated[
        Path | None,
        typer.Option(
            "--template-init",
            help="写出默认通报模板（.docx，末尾附字段说明），供修改红头、字体和文字后用 --template 套用。",
        ),
    ] = None,
    max_unzipped_mb: MaxUnzipped = 2048,
    force: Force = False,
    workspace: WorkspaceOpt = None,
    debug: Debug = False,
) -> None:
    """起草月度通报（Word）：总体情况、各街道排名与红榜、后三位、问题整改情况和统计口径，附图表。

    数字与 sanlv report 完全一致。在工作区中可不给台账文件，取该月已接收的台账和已月结的记录
    （可列出连续 3 个月排名后三位的街道）。"""

    def body() -> int:
        from .. import api

        if template_init is not None:
            path = api.brief_template(template_init, force=force)
            say(f"已写出通报模板：{path}（改好后用 --template {path.name} 套用）")
            return 0
        if output is None:
            raise UsageError("请用 -o 指定输出的通报文件，如 -o 通报.docx。")
        result = api.brief(
            files,
            output=output,
            as_of=as_of,
            period=period,
            config=config,
            previous=previous,
            regions=regions,
            template=template,
            max_unzipped_mb=max_unzipped_mb,
            force=force,
            workspace=workspace,
        )
        warn_if_future(result.content.report.as_of)
        for note in result.notes:
            say(f"提示：{note}")
        say(f"通报已写入：{result.path}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
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
    force: Force = False,
    debug: Debug = False,
) -> None:
    """生成标准化台账：合并清洗后的三张台账，附每个小区在统计日的状态，并按街道列出待办事项。"""

    def body() -> int:
        from .. import api
        from ..render import console_dynamic

        if output is None:
            raise UsageError("请用 -o 指定输出的台账文件，如 -o 标准化台账.xlsx。")
        result = api.ledger(
            files,
            output=output,
            as_of=as_of,
            period=period,
            config=config,
            include_personal=include_personal,
            max_unzipped_mb=max_unzipped_mb,
            force=force,
        )
        warn_if_future(result.as_of)
        console_dynamic.print_ledger(result)
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
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
    force: Force = False,
    debug: Debug = False,
) -> None:
    """比较两期台账：新增、撤销、调整的小区、业委会、党组织，以及各街道三率的变化。

    两期的三率按同一统计日计算（默认今天，或 --as-of / --period）。"""

    def body() -> int:
        from .. import api

        check_format(fmt)
        result = api.diff(
            files,
            against,
            as_of=as_of,
            period=period,
            config=config,
            output=output,
            include_personal=include_personal,
            max_unzipped_mb=max_unzipped_mb,
            force=force,
        )
        warn_if_future(result.as_of)
        if fmt == "json":
            print_json(result.to_json())
        else:
            from ..render import console_dynamic

            console_dynamic.print_diff(result)
        for path in result.written:
            say(f"变动清单已写入：{path}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
def trend(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="台账文件或文件夹（按其中的日期逐月计算）；在工作区中可不给，取已月结的正式数字。",
            show_default=False,
        ),
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
    force: Force = False,
    workspace: WorkspaceOpt = None,
    debug: Debug = False,
) -> None:
    """三率月度走势：按台账中的成立、撤销、物业服务起始日期，逐月末计算各项比率。"""

    def body() -> int:
        from .. import api

        check_format(fmt)
        pairs: list[tuple[str, Path]] = []
        for item in snapshot or []:
            month, sep, name = item.partition("=")
            if not sep or not name.strip():
                raise UsageError(
                    f"--snapshot 的值“{item}”无效，应为 月份=文件，如 2026-09=九月.xlsx。"
                )
            pairs.append((month.strip(), Path(name.strip())))
        result = api.trend(
            files,
            from_=from_,
            to=to,
            snapshots=pairs,
            config=config,
            output=output,
            max_unzipped_mb=max_unzipped_mb,
            force=force,
            workspace=workspace,
        )
        if fmt == "json":
            print_json(result.to_json())
        else:
            from ..render import console_dynamic

            console_dynamic.print_trend(result)
        for path in result.written:
            say(f"走势已写入：{path}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
def codes(fmt: Format = "table", debug: Debug = False) -> None:
    """列出全部问题代码：名称、级别和说明。"""

    def body() -> int:
        from .. import api

        check_format(fmt)
        entries = api.codes()
        if fmt == "json":
            print_json([c.to_dict() for c in entries])
        else:
            from ..render import console

            console.print_codes(entries)
        return 0

    raise typer.Exit(run_guarded(debug, body))


@config_app.command("init", cls=ChineseCommand)
def config_init(
    output: Annotated[Path, typer.Option("-o", "--output", help="写出的配置文件。")] = Path(
        "sanlv.toml"
    ),
    force: Force = False,
    debug: Debug = False,
) -> None:
    """写出默认口径配置文件 sanlv.toml（带中文注释）。"""

    def body() -> int:
        from .. import api

        path = api.config_init(output, force)
        typer.echo(f"已写出默认配置：{path}")
        return 0

    raise typer.Exit(run_guarded(debug, body))
