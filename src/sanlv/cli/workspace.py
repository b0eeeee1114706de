"""The workspace commands (SPEC section 7): init, receive, status, close, reopen."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from . import app, run_guarded
from .chinese import ChineseCommand
from .commands import check_format, print_json, say
from .options import Debug, Force, Format, MaxUnzipped, PeriodRequired, WorkspaceOpt

command = partial(app.command, cls=ChineseCommand)


@command()
def init(
    folder: Annotated[
        Path, typer.Argument(help="工作区文件夹（默认当前文件夹）。", show_default=False)
    ] = Path("."),
    regions: Annotated[
        Path | None,
        typer.Option(
            "--regions", help="官方区划名单（区、街道、社区），复制为工作区的 区划 文件。"
        ),
    ] = None,
    debug: Debug = False,
) -> None:
    """新建工作区：记录（sanlv.db）、口径（sanlv.toml）、区划名单、报送和退回文件夹。"""

    def body() -> int:
        from .. import api

        root = api.init(folder, regions=regions)
        typer.echo(f"已新建工作区：{root.resolve()}")
        typer.echo("下一步：sanlv receive 街道台账.xlsx --period YYYY-MM（在工作区文件夹中运行）。")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
def receive(
    files: Annotated[
        list[Path], typer.Argument(help="街道报来的台账文件或文件夹，可多个。", show_default=False)
    ],
    period: PeriodRequired,
    force: Annotated[
        bool, typer.Option("--force", help="有错误也接收（带错接收），用于先出数、后更正。")
    ] = False,
    fmt: Format = "table",
    workspace: WorkspaceOpt = None,
    max_unzipped_mb: MaxUnzipped = 2048,
    debug: Debug = False,
) -> None:
    """报送登记：存档原文件、按该月最后一天校验，合格的作为该街道本月数据，有错误的退回。

    退出码：0 全部接收，1 有退回，2 无法运行。"""

    def body() -> int:
        from .. import api

        check_format(fmt)
        result = api.receive(
            files, period=period, force=force, workspace=workspace, max_unzipped_mb=max_unzipped_mb
        )
        if fmt == "json":
            print_json(
                {
                    "period": result.period,
                    "received": [
                        {
                            "file": r.file,
                            "status": r.status,
                            "places": [{"district": d, "street": s} for d, s in r.places],
                            "errors": r.errors,
                            "warnings": r.warnings,
                            "message": r.message,
                            "returns": [str(p) for p in r.returns],
                        }
                        for r in result.received
                    ],
                }
            )
        else:
            from ..render.console_workspace import print_receive

            print_receive(result)
        return result.exit_code

    raise typer.Exit(run_guarded(debug, body))


@command()
def status(
    period: PeriodRequired,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写出报送情况工作簿（.xlsx）。")
    ] = None,
    fmt: Format = "table",
    force: Force = False,
    workspace: WorkspaceOpt = None,
    debug: Debug = False,
) -> None:
    """报送情况：每个应报街道的报送、退回、合格、逾期，以及催报名单。"""

    def body() -> int:
        from .. import api

        check_format(fmt)
        out = api.status(period=period, output=output, force=force, workspace=workspace)
        if fmt == "json":
            print_json(out.to_json())
        else:
            from ..render.console_workspace import print_status

            print_status(out.result)
        for path in out.written:
            say(f"报送情况已写入：{path}")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
def close(
    period: PeriodRequired,
    allow_missing: Annotated[
        bool, typer.Option("--allow-missing", help="有街道未报送也月结（未报送的不计入）。")
    ] = False,
    fmt: Format = "table",
    workspace: WorkspaceOpt = None,
    max_unzipped_mb: MaxUnzipped = 2048,
    debug: Debug = False,
) -> None:
    """月结：冻结该月的正式数字、问题清单、口径和所用文件（SHA-256）。"""

    def body() -> int:
        from .. import api

        check_format(fmt)
        result = api.close(
            period=period,
            allow_missing=allow_missing,
            workspace=workspace,
            max_unzipped_mb=max_unzipped_mb,
        )
        if fmt == "json":
            print_json(result.to_json())
        else:
            counts = result.content.status_counts()
            typer.echo(f"{result.period} 已月结：{len(result.files)} 个文件。")
            typer.echo("问题清单：" + "，".join(f"{k} {v} 项" for k, v in counts.items()) + "。")
            if result.missing:
                names = "、".join(d + s for d, s in result.missing)
                typer.echo(f"未报送、未计入：{names}。")
        return 0

    raise typer.Exit(run_guarded(debug, body))


@command()
def reopen(
    period: PeriodRequired,
    reason: Annotated[str, typer.Option("--reason", help="重新打开的原因（记入记录）。")],
    workspace: WorkspaceOpt = None,
    debug: Debug = False,
) -> None:
    """重新打开已月结的月份（原月结记录保留，再次月结时标为已被替代）。"""

    def body() -> int:
        from .. import api

        p = api.reopen(period=period, reason=reason, workspace=workspace)
        typer.echo(f"{p} 已重新打开，可继续接收更正后的台账，之后再次月结。")
        return 0

    raise typer.Exit(run_guarded(debug, body))
