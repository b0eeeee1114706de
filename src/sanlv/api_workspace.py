"""The workspace commands of the library (SPEC section 7): init, receive, status, close,
reopen, and the period's report content from the record (used by report, trend and brief).
Re-exported by `sanlv.api`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .api_common import MAX_UNZIPPED_MB, PathLike, _limit, _paths, check_output
from .dates import parse_period, period_of
from .issues import UsageError

if TYPE_CHECKING:
    from .content.report import ReportContent
    from .submissions import StatusResult
    from .workspace import PeriodData, ReceiveResult, Workspace


# --- the workspace (SPEC section 7) --------------------------------------------------------


def _open_workspace(workspace: PathLike | None) -> Workspace:
    from .workspace import Workspace

    return Workspace.open(workspace)


def _period_of(period: str | None, as_of: date | str | None) -> str:
    if period is None:
        if as_of is not None:
            raise UsageError("在工作区中请用 --period YYYY-MM 指定月份（而不是 --as-of）。")
        raise UsageError("请用 --period 指定月份，如 --period 2026-10。")
    return period_of(parse_period(period))


def workspace_content(
    ws: Workspace,
    period: str,
    include_personal: bool = False,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
) -> ReportContent:
    """The report content of a period from the workspace: its accepted data, the expected
    streets without it (未报送), the previous closed period's figures and the closed periods'
    to-dos (整改销号)."""
    return _workspace_report(ws, period, include_personal, max_unzipped_mb)[0]


def _workspace_report(
    ws: Workspace, period: str, include_personal: bool, max_unzipped_mb: int
) -> tuple[ReportContent, PeriodData]:
    """The report content of a period from the workspace, and the period's data it came from
    (read once)."""
    from .compute import compute
    from .content.report import ReportContent
    from .workspace import history, month_end_of, period_data, previous_close

    data = period_data(ws, period, _limit(max_unzipped_mb))
    comp = compute(data.dataset, ws.config(), month_end_of(period))
    before = previous_close(ws, period)
    content = ReportContent(
        comp,
        data.dataset,
        include_personal=include_personal,
        unreported=data.unreported,
        history=history(ws, period),
        previous_figures=before.report if before is not None else None,
    )
    return content, data


def init(folder: PathLike = ".", *, regions: PathLike | None = None) -> Path:
    """`sanlv init`: create a workspace (never touches an existing one)."""
    from .workspace import init as create

    return create(folder, regions)


def receive(
    files: Iterable[PathLike],
    *,
    period: str,
    force: bool = False,
    workspace: PathLike | None = None,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
) -> ReceiveResult:
    """`sanlv receive`: 报送登记 of each file for the period (SPEC section 7)."""
    from .read import expand_paths
    from .workspace import receive as take

    paths = _paths(files)
    if not paths:
        raise UsageError("请给出要登记的台账文件。")
    ws = _open_workspace(workspace)
    try:
        return take(ws, expand_paths(paths), period, force, _limit(max_unzipped_mb))
    finally:
        ws.close()


@dataclass
class StatusOutcome:
    result: StatusResult
    written: list[Path] = field(default_factory=list)

    def to_json(self) -> dict:
        return self.result.to_json()


def status(
    *,
    period: str,
    output: PathLike | None = None,
    force: bool = False,
    workspace: PathLike | None = None,
) -> StatusOutcome:
    """`sanlv status`: 报送情况 of every expected street and the 催报 list."""
    from .submissions import status as collect

    ws = _open_workspace(workspace)
    try:
        check_output(output, [ws.regions_path, ws.config_path], (".xlsx",), force)
        out = StatusOutcome(collect(ws, period))
        if output is not None:
            from .render.status_xlsx import write_status

            write_status(out.result, output)
            out.written.append(Path(output))
        return out
    finally:
        ws.close()


@dataclass
class CloseResult:
    period: str
    content: ReportContent
    missing: list[tuple[str, str]]
    files: list[dict]

    def to_json(self) -> dict:
        return {
            "period": self.period,
            "closed": True,
            "missing": [{"district": d, "street": s} for d, s in self.missing],
            "files": self.files,
            "report": self.content.to_json(),
        }


def close(
    *,
    period: str,
    allow_missing: bool = False,
    workspace: PathLike | None = None,
    max_unzipped_mb: int = MAX_UNZIPPED_MB,
) -> CloseResult:
    """`sanlv close`: 月结 — freeze the period's figures, to-dos, 口径 and files."""
    from .workspace import config_text

    ws = _open_workspace(workspace)
    try:
        period = _period_of(period, None)
        if ws.record.is_closed(period):
            raise UsageError(f"{period} 已经月结；如需重新月结，请先 sanlv reopen 并写明原因。")
        rc, data = _workspace_report(ws, period, False, max_unzipped_mb)
        missing = list(rc.unreported or [])
        if missing and not allow_missing:
            names = "、".join(d + s for d, s in missing)
            raise UsageError(
                f"还有 {len(missing)} 个街道没有合格的台账：{names}。"
                "请催报，或加 --allow-missing 在缺报的情况下月结。"
            )
        report = rc.to_json()
        files = [{"name": s.file_name, "sha256": s.sha256} for s in data.submissions]
        with ws.record.transaction():
            ws.record.add_close(
                period, report, config_text(ws), files, sorted(rc.places()), report["todos"]
            )
        return CloseResult(period, rc, missing, files)
    finally:
        ws.close()


def reopen(*, period: str, reason: str, workspace: PathLike | None = None) -> str:
    """`sanlv reopen`: reopen a closed period with a reason (its close is kept, superseded)."""
    if not reason or not reason.strip():
        raise UsageError("请用 --reason 写明重新打开的原因。")
    ws = _open_workspace(workspace)
    try:
        period = _period_of(period, None)
        if not ws.record.is_closed(period):
            raise UsageError(f"{period} 尚未月结，无需重新打开。")
        with ws.record.transaction():
            ws.record.reopen(period, reason.strip())
        return period
    finally:
        ws.close()


def _record_figures(ws: Workspace, period: str) -> tuple[dict | None, list[tuple[str, dict]]]:
    """From the record: the report JSON of last December (when closed) and the closed
    months running before `period`, newest first."""
    year_end = None
    last_dec = f"{int(period[:4]) - 1}-12"
    close = ws.record.current_close(last_dec)
    if close is not None:
        year_end = close.report
    from .content.tracking import month_before

    months = []
    p = month_before(period)
    while (c := ws.record.current_close(p)) is not None:  # consecutive closed months only
        months.append((p, c.report))
        p = month_before(p)
    return year_end, months


def _trend_from_workspace(from_: str | None, to: str | None, workspace: PathLike | None):
    """The official rates of the workspace's closed periods from `from_` to `to`."""
    from .trend import trend_from_record

    ws = _open_workspace(workspace)
    try:
        first = period_of(parse_period(from_, "--from")) if from_ else "0000-00"
        last = period_of(parse_period(to, "--to")) if to else "9999-99"
        periods = [p for p in ws.record.closed_periods() if first <= p <= last]
        if not periods:
            raise UsageError("工作区中这段时间没有已月结的月份（sanlv close 之后才有正式数字）。")
        closes = [(p, c.report) for p in periods if (c := ws.record.current_close(p))]
        return trend_from_record(closes, ws.config())
    finally:
        ws.close()
