"""Option declarations shared by the commands (Chinese help texts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
IncludePersonal = Annotated[
    bool, typer.Option("--include-personal", help="输出中包含主任、书记等个人姓名（默认不含）。")
]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="写出的工作簿（.xlsx）。")]
Regions = Annotated[
    Path | None,
    typer.Option(
        "--regions",
        help="官方区划名单（xlsx/csv，列：街道、社区，可有区）：名单外的名称报错，名单中没有数据的街道显示为“未报送”。",
    ),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="输出文件已存在且不是 sanlv 生成的（或生成后改动过）时，仍然覆盖它（输入文件始终不会被覆盖）。",
    ),
]
OptionalFiles = Annotated[
    list[Path] | None,
    typer.Argument(
        help="台账文件或文件夹，可多个；在工作区中可不给，取该月已接收的台账。",
        show_default=False,
    ),
]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        help="工作区文件夹（默认：环境变量 SANLV_WORKSPACE，或当前文件夹及其上级中含 sanlv.db 的）。",
    ),
]
PeriodRequired = Annotated[str, typer.Option("--period", help="月份，如 2026-10。")]
