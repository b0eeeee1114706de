"""The library under the CLI (SPEC section 9): one function per command, with the command's
options as arguments and a result object that the CLI only renders.

    from sanlv import api
    result = api.report(["示例区.xlsx"], period="2026-10")
    result.to_json()["total"]["committee"]

Results never print. Bad input (an unreadable file, a bad option value, a bad config) raises
:class:`sanlv.InputError` with a one-line Chinese message; anything else is a defect of sanlv.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .api_common import (
    MAX_UNZIPPED_MB,
    PathLike,
    _config,
    _input_files,
    _limit,
    _paths,
    check_output,
    load,
)
from .api_workspace import (
    CloseResult,
    StatusOutcome,
    _open_workspace,
    _period_of,
    _record_figures,
    _trend_from_workspace,
    close,
    init,
    receive,
    reopen,
    status,
    workspace_content,
)
from .config import Config
from .dates import month_ends, parse_period, previous_month_end, resolve_as_of
from .issues import CATALOGUE, Code, UsageError
from .write import atomic_output, guard_output, same_file

if TYPE_CHECKING:
    from .content.brief import BriefContent
    from .content.ledger import LedgerResult
    from .content.report import ReportContent
    from .diff import DiffResult
    from .trend import TrendResult
    from .validate import ValidationResult

MAX_MONTHS = 120

__all__ = [
    "MAX_UNZIPPED_MB",
    "BriefResult",
    "CloseResult",
    "ReportResult",
    "StatusOutcome",
    "brief",
    "brief_template",
    "check_output",
    "close",
    "codes",
    "config_init",
    "diff",
    "init",
    "ledger",
    "load",
    "receive",
    "reopen",
    "report",
    "status",
    "template",
    "trend",
    "validate",
    "workspace_content",
]


# --- commands -------------------------------------------------------------------------------


def validate(
    files: Iterable[PathLike],
    *,
    as_of: date | str | None = None,
    period: str | None = None,
    config: Config | PathLike | None = None,
    regions: PathLike | None = None,
    output: PathLike | None = None,
    annotate: PathLike | None = None,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
    today: date | None = None,
    force: bool = False,
) -> ValidationResult:
    """`sanlv validate`: read the rosters and run every check of SPEC section 4; with
    `output` write the issue list (.xlsx/.csv), with `annotate` marked-up copies. `force`
    replaces existing files that sanlv did not write."""
    from .validate import run_validate

    paths = _paths(files)
    inputs = [*paths, regions, config]
    check_output(output, inputs, (".xlsx", ".csv"), force)
    if annotate is not None:
        from .render.annotate import output_paths

        copies = output_paths([p.name for p in _input_files(paths)], Path(annotate))
        for copy in copies:
            check_output(copy, inputs, (".xlsx",), force)
        if output is not None and any(same_file(Path(output), c) for c in copies):
            raise UsageError(f"--output 与 --annotate 写出的文件 {output} 相同，请换一个文件名。")
    day = resolve_as_of(as_of, period)
    cfg = _config(config)
    result = run_validate(
        paths, cfg, day, regions=regions, max_unzipped=_limit(max_unzipped_mb), today=today
    )
    if output is not None:
        from .render.issues_file import issues_note, write_issues

        names = [f.name for f in result.dataset.files]
        title = f"台账问题清单（截至 {day:%Y-%m-%d}）"
        write_issues(result.issues, output, title, issues_note(result.issues, names, day))
        result.written.append(Path(output))
    if annotate is not None:
        from .render.annotate import annotate_inputs

        result.annotated = annotate_inputs(result, annotate, force)
    return result


@dataclass
class ReportResult:
    content: ReportContent
    written: list[Path] = field(default_factory=list)

    def to_json(self) -> dict:
        return self.content.to_json()


def report(
    files: Iterable[PathLike] | None = None,
    *,
    as_of: date | str | None = None,
    period: str | None = None,
    config: Config | PathLike | None = None,
    output: PathLike | None = None,
    previous: Iterable[PathLike] | None = None,
    regions: PathLike | None = None,
    compare: Sequence[Config | PathLike] | None = None,
    include_personal: bool = False,
    checks: bool = True,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
    force: bool = False,
    workspace: PathLike | None = None,
) -> ReportResult:
    """`sanlv report`: the rates of every level; with `previous`, last month's files (counted
    on last month's last day) for the change; with `regions`, the official list (streets
    without data are reported as 未报送); with `compare`, other 口径 files (the same figures
    under each, beside ours: 口径对照); with `output`, the report workbook. `checks` runs the
    checks for the data quality summary (not needed for the JSON).

    Without `files`, in a workspace (`workspace`, $SANLV_WORKSPACE or the current folder):
    the `period`'s accepted data of every street, the previous closed period for the change
    and the 整改 status of the to-dos (SPEC section 7)."""
    from .compute import compute
    from .content.report import ReportContent

    paths, prev_paths = _paths(files), _paths(previous)
    ws = None
    if not paths:
        ws = _open_workspace(workspace)
        config = config if config is not None else ws.config_path
        regions = regions if regions is not None else ws.regions_path
    check_output(
        output,
        [*paths, *prev_paths, regions, config, *(compare or [])],
        (".xlsx",),
        force,
    )
    if ws is not None:
        if prev_paths:
            raise UsageError("在工作区中统计时，上期取自已月结的记录，不能再给 --previous。")
        rc = workspace_content(ws, _period_of(period, as_of), include_personal, max_unzipped_mb)
        ds, cfg, day = rc.ds, rc.comp.config, rc.as_of
        regions = None  # the workspace's list gives 未报送 from the record
    else:
        day = resolve_as_of(as_of, period)
        cfg = _config(config)
        ds = load(paths, max_unzipped_mb)
        rc = ReportContent(compute(ds, cfg, day), ds, include_personal=include_personal)
    if prev_paths:
        rc.previous_ds = load(prev_paths, max_unzipped_mb, "上期")
        rc.previous = compute(rc.previous_ds, cfg, previous_month_end(day))
    for other in compare or []:
        from .content.report import Comparison, config_differences

        other_cfg = _config(other)
        name = Path(other).stem if not isinstance(other, Config) else (other.source or "口径")
        rc.compare.append(
            Comparison(name, compute(ds, other_cfg, day), config_differences(cfg, other_cfg))
        )
    rc.issues = list(ds.issues)
    region_list = None
    if regions is not None:
        from .regions import load_regions, unreported_streets

        region_list = load_regions(regions)
        rc.unreported = unreported_streets(region_list, rc.places())
    if checks or output is not None:
        from .checks import run_checks

        if region_list is None and ws is not None:
            region_list = ws.regions()
        rc.issues += run_checks(ds, cfg, day, regions=region_list)
    result = ReportResult(rc)
    if output is not None:
        from .render.report_xlsx import write_report

        write_report(rc, output)
        result.written.append(Path(output))
    return result


@dataclass
class BriefResult:
    """`sanlv brief`: the 通报 written, its content, and notes for the person at the terminal
    (why the chart or a line is left out)."""

    content: BriefContent
    path: Path
    chart: bool
    notes: list[str] = field(default_factory=list)


def brief(
    files: Iterable[PathLike] | None = None,
    *,
    output: PathLike,
    as_of: date | str | None = None,
    period: str | None = None,
    config: Config | PathLike | None = None,
    previous: Iterable[PathLike] | None = None,
    regions: PathLike | None = None,
    template: PathLike | None = None,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
    force: bool = False,
    workspace: PathLike | None = None,
) -> BriefResult:
    """`sanlv brief`: the month's 通报 as a Word document at `output` (SPEC section 8), from
    the same content as `report` (every figure equals the report JSON). Without `files`, in
    a workspace: the period's accepted data, the previous closed period for the change, last
    December's close for the change since the end of last year, and the closed months for
    the streets in the bottom three for months running. `template`: an office's own .docx
    template with the fields of the default one (`brief_template`)."""
    from .content.brief import build_brief
    from .render.brief_docx import write_brief

    if output is None:
        raise UsageError("请用 -o 指定输出的通报文件，如 -o 通报.docx。")
    paths, prev_paths = _paths(files), _paths(previous)
    year_end = months = None
    if not paths:
        ws = _open_workspace(workspace)
        try:
            this = _period_of(period, as_of)
            cfg_path = config if config is not None else ws.config_path
            check_output(output, [cfg_path, regions, template, ws.regions_path], (".docx",), force)
            year_end, months = _record_figures(ws, this)
        finally:
            ws.close()
    else:
        check_output(output, [*paths, *prev_paths, regions, config, template], (".docx",), force)
    rc = report(
        paths,
        as_of=as_of,
        period=period,
        config=config,
        previous=prev_paths,
        regions=regions,
        checks=False,
        max_unzipped_mb=max_unzipped_mb,
        workspace=workspace,
    ).content
    content = build_brief(rc, year_end=year_end, record_months=months)
    doc = write_brief(content, output, template)
    return BriefResult(content, doc.path, doc.chart, [*content.notes, *doc.notes])


def brief_template(output: PathLike, force: bool = False) -> Path:
    """`sanlv brief --template-init`: write the default 通报 template (with its field list)
    for an office to restyle. An existing file is replaced only when it is sanlv's template
    unchanged, or with `force`."""
    from .render.brief_docx import write_template

    check_output(output, [], (".docx",), force)
    return write_template(output)


def ledger(
    files: Iterable[PathLike],
    *,
    output: PathLike,
    as_of: date | str | None = None,
    period: str | None = None,
    config: Config | PathLike | None = None,
    include_personal: bool = False,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
    force: bool = False,
) -> LedgerResult:
    """`sanlv ledger`: the standardised ledger workbook at `output`."""
    from .compute import compute
    from .render.ledger_xlsx import write_ledger

    if output is None:
        raise UsageError("请用 -o 指定输出的台账文件，如 -o 标准化台账.xlsx。")
    paths = _paths(files)
    check_output(output, [*paths, config], (".xlsx",), force)
    day = resolve_as_of(as_of, period)
    cfg = _config(config)
    ds = load(paths, max_unzipped_mb)
    return write_ledger(ds, compute(ds, cfg, day), output, include_personal)


def diff(
    files: Iterable[PathLike],
    against: Iterable[PathLike] | None,
    *,
    as_of: date | str | None = None,
    period: str | None = None,
    config: Config | PathLike | None = None,
    output: PathLike | None = None,
    include_personal: bool = False,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
    force: bool = False,
) -> DiffResult:
    """`sanlv diff OLD… --against NEW…`: what changed, both snapshots on one as-of date."""
    from .diff import diff_datasets

    old_paths, new_paths = _paths(files), _paths(against)
    if not new_paths:
        raise UsageError("请用 --against 指定新（本期）台账文件，如 --against 十月.xlsx。")
    check_output(output, [*old_paths, *new_paths, config], (".xlsx",), force)
    day = resolve_as_of(as_of, period)
    cfg = _config(config)
    old = load(old_paths, max_unzipped_mb, "原台账 ")
    new = load(new_paths, max_unzipped_mb, "新台账 ")
    result = diff_datasets(old, new, cfg, day, include_personal)
    if output is not None:
        from .render.diff_xlsx import write_diff

        write_diff(result, output)
        result.written.append(Path(output))
    return result


def trend(
    files: Iterable[PathLike] | None = None,
    *,
    workspace: PathLike | None = None,
    from_: str | None = None,
    to: str | None = None,
    snapshots: Iterable[tuple[str, PathLike]] | None = None,
    config: Config | PathLike | None = None,
    output: PathLike | None = None,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
    force: bool = False,
) -> TrendResult:
    """`sanlv trend`: the monthly rates from the dates in one set of rosters (`files`,
    `from_`, `to`: months YYYY-MM), or from snapshots (`snapshots`: (month, file) pairs; a
    month may have several files)."""
    from .trend import trend_from_dates, trend_from_snapshots

    paths = _paths(files)
    cfg_arg = config
    if snapshots:
        if paths or from_ or to:
            raise UsageError("使用 --snapshot 时不能再给台账文件或 --from/--to。")
        groups: dict[date, list[Path]] = {}
        for month, path in snapshots:
            groups.setdefault(parse_period(month, "--snapshot"), []).append(Path(path))
        if len(groups) > MAX_MONTHS:
            raise UsageError(f"最多比较 {MAX_MONTHS} 个月。")
        snap_paths = [p for g in groups.values() for p in g]
        check_output(output, [*snap_paths, cfg_arg], (".xlsx",), force)
        cfg = _config(cfg_arg)
        snaps = [
            (day, load(group, max_unzipped_mb, f"{day:%Y-%m} 的快照 "))
            for day, group in groups.items()
        ]
        result = trend_from_snapshots(snaps, cfg)
    elif not paths:
        check_output(output, [cfg_arg], (".xlsx",), force)
        result = _trend_from_workspace(from_, to, workspace)
    else:
        if not from_ or not to:
            raise UsageError("请用 --from 和 --to 指定月份范围，如 --from 2021-01 --to 2026-10。")
        first, last = parse_period(from_, "--from"), parse_period(to, "--to")
        if first > last:
            raise UsageError(f"--from {from_} 晚于 --to {to}。")
        months = month_ends(first, last)
        if len(months) > MAX_MONTHS:
            raise UsageError(f"月份范围共 {len(months)} 个月，最多 {MAX_MONTHS} 个月，请缩小范围。")
        check_output(output, [*paths, cfg_arg], (".xlsx",), force)
        cfg = _config(cfg_arg)
        result = trend_from_dates(load(paths, max_unzipped_mb), cfg, months)
    if output is not None:
        from .render.trend_xlsx import write_trend

        write_trend(result, output)
        result.written.append(Path(output))
    return result


def template(
    output: PathLike = "三率台账模板.xlsx",
    force: bool = False,
    street: str | None = None,
    workspace: PathLike | None = None,
) -> Path:
    """`sanlv template`: the blank roster workbook; with `street` (in a workspace), that
    street's roster pre-filled from its latest accepted data. An existing file is replaced
    only when it is a template sanlv wrote and nobody has filled in since, or with `force`."""
    from .render.template_xlsx import write_template

    check_output(output, [], (".xlsx",), force)
    if street is None:
        write_template(output)
        return Path(output)
    from .workspace import street_rows

    ws = _open_workspace(workspace)
    try:
        period, place, rows = street_rows(ws, street)
    finally:
        ws.close()
    name = place[0] + place[1]
    title = f"{name}台账（据 {period} 已接收的台账预填，只改有变化的，新增的写在末尾）"
    write_template(output, rows, title)
    return Path(output)


def codes() -> list[Code]:
    """`sanlv codes`: the catalogue of check codes (SPEC section 4)."""
    return list(CATALOGUE.values())


def config_init(output: PathLike = "sanlv.toml", force: bool = False) -> Path:
    """`sanlv config init`: the default `sanlv.toml` with Chinese comments. An existing file
    is replaced only when it is sanlv's default file with every setting unchanged, or with
    `force` (a district's own 口径 is never lost silently)."""
    from .config import default_toml

    output = Path(output)
    guard_output(output, [], force, ours=_is_default_config)
    with atomic_output(output) as tmp:
        Path(tmp).write_text(default_toml(), encoding="utf-8")
    return output


def _is_default_config(path: Path) -> bool:
    """A `sanlv.toml` as `config init` writes it: its header comment, and every setting at
    its default (only comments or the layout may differ)."""
    from .config import ConfigError, default_toml, parse_config

    try:
        with path.open("rb") as fh:
            raw = fh.read(1 << 20)
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    head = default_toml().splitlines()[0]
    if not text.startswith(head):
        return False
    try:
        return parse_config(text, str(path)) == Config()
    except ConfigError:
        return False
