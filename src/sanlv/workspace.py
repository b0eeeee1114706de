"""The monthly cycle (SPEC section 7): a workspace folder holding the record (`sanlv.db`),
the 口径 (`sanlv.toml`), the official region list (`区划.xlsx`), the archive of received files
(`报送/YYYY-MM/`) and the returns (`退回/YYYY-MM/`).

    receive   archive a byte copy, validate it as of the period's end, find its streets,
              record the submission (合格 / 退回 / 带错接收)
    status    who has submitted, who is late, who to chase (催报)
    close     freeze the period's figures, to-dos, 口径 and files (月结); reopen with a reason
    data      the period's accepted data, the closed periods (for report, trend, brief)

Every read or write of the record goes through `store.Record`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, default_toml, load_config
from .dates import month_end, parse_period, period_of
from .issues import ERROR, WARNING, InputError, UsageError
from .store import Close, Record, Submission
from .write import sha256_of

if TYPE_CHECKING:
    from .normalise import Dataset
    from .read import FileRead, ReadResult

DB_NAME = "sanlv.db"
CONFIG_NAME = "sanlv.toml"
REGIONS_STEM = "区划"
ARCHIVE = "报送"
RETURNS = "退回"
ENV = "SANLV_WORKSPACE"
ACCEPTED, RETURNED, FORCED = "合格", "退回", "带错接收"
MISSING = "未报送"


# --- finding, creating, opening -------------------------------------------------------------


def find(workspace: str | os.PathLike | None = None) -> Path:
    """The workspace folder: `--workspace DIR`, else $SANLV_WORKSPACE, else the current
    folder or its nearest parent holding sanlv.db."""
    given = workspace if workspace is not None else os.environ.get(ENV) or None
    if given is not None:
        root = Path(given)
        if not (root / DB_NAME).is_file():
            raise UsageError(
                f"{root} 不是 sanlv 工作区（其中没有 {DB_NAME}），请先运行 sanlv init。"
            )
        return root
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / DB_NAME).is_file():
            return folder
    raise UsageError(
        "找不到工作区：当前文件夹及其上级都没有 sanlv.db。请先运行 sanlv init 工作区文件夹，"
        "或用 --workspace 指定。"
    )


def init(folder: str | os.PathLike, regions: str | os.PathLike | None = None) -> Path:
    """Create a workspace in `folder`; an existing one is never touched."""
    root = Path(folder)
    if (root / DB_NAME).exists():
        raise UsageError(f"{root} 已经是 sanlv 工作区，不会改动它。")
    region_list = None
    if regions is not None:
        from .regions import load_regions

        region_list = load_regions(regions)  # refuse an unusable list before creating anything
    root.mkdir(parents=True, exist_ok=True)
    for sub in (ARCHIVE, RETURNS):
        (root / sub).mkdir(exist_ok=True)
    if not (root / CONFIG_NAME).exists():
        (root / CONFIG_NAME).write_text(default_toml(), encoding="utf-8")
    if regions is not None and region_list is not None:
        target = root / (REGIONS_STEM + Path(regions).suffix.lower())
        shutil.copyfile(regions, target)
    record = Record.create(root / DB_NAME)
    try:
        if regions is not None and region_list is not None:
            record.remember_expected(sha256_of(target), list(region_list.expected))
    finally:
        record.close_connection()
    return root


@dataclass
class Workspace:
    root: Path
    record: Record
    # each submission's compound and committee ids, read from the record once per run
    ids_cache: dict[int, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def open(cls, workspace: str | os.PathLike | None = None) -> Workspace:
        root = find(workspace)
        ws = cls(root, Record.open(root / DB_NAME))
        ws.recover()
        return ws

    def close(self) -> None:
        self.record.close_connection()

    @property
    def config_path(self) -> Path | None:
        path = self.root / CONFIG_NAME
        return path if path.is_file() else None

    def config(self) -> Config:
        return load_config(self.config_path) if self.config_path else Config()

    @property
    def regions_path(self) -> Path | None:
        found = sorted(self.root.glob(REGIONS_STEM + ".*"))
        return found[0] if found else None

    def regions(self):  # -> Regions | None
        from .regions import load_regions

        return load_regions(self.regions_path) if self.regions_path else None

    def expected(self) -> list[tuple[str, str]]:
        """The streets expected to submit: the region list's, or every street that ever did.
        The list's streets are kept in the record by the file's SHA-256, so an unchanged list
        is not read again."""
        if self.regions_path is not None:
            sha = sha256_of(self.regions_path)
            known = self.record.expected_of(sha)
            if known is None:
                regions = self.regions()
                known = list(regions.expected) if regions is not None else []
                self.record.remember_expected(sha, known)
            if known:
                return known
        seen: dict[tuple[str, str], None] = {}
        for sub in self.record.submissions():
            for place in sub.places:
                seen.setdefault((place[0], place[1]), None)
        return sorted(seen)

    def archive_dir(self, period: str) -> Path:
        return self.root / ARCHIVE / period

    def returns_dir(self, period: str) -> Path:
        return self.root / RETURNS / period

    def recover(self) -> None:
        """Finish what an interrupted receive left: a recorded submission whose archive copy
        is still under its temporary name gets its final name; an unrecorded temporary copy
        is removed (that submission was never recorded)."""
        archive = self.root / ARCHIVE
        if not archive.is_dir():
            return
        recorded = {s.archive for s in self.record.submissions()}
        for tmp in archive.glob("*/.receiving-*"):
            final = tmp.with_name(tmp.name.removeprefix(".receiving-"))
            relative = final.relative_to(self.root).as_posix()
            if relative in recorded and not final.exists():
                os.replace(tmp, final)
            else:
                tmp.unlink(missing_ok=True)


# --- receiving -----------------------------------------------------------------------------


@dataclass
class Received:
    file: str
    status: str  # 合格 | 退回 | 带错接收 | 已接收过 | 无法读取
    places: list[tuple[str, str]] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    message: str = ""
    returns: list[Path] = field(default_factory=list)


@dataclass
class ReceiveResult:
    period: str
    received: list[Received]

    @property
    def exit_code(self) -> int:
        statuses = {r.status for r in self.received}
        if "无法读取" in statuses:
            return 2
        return 1 if RETURNED in statuses else 0


def receive(
    ws: Workspace,
    files: Iterable[str | os.PathLike],
    period: str,
    force: bool = False,
    max_unzipped: int | None = None,
) -> ReceiveResult:
    """报送登记 of each file for `period` (SPEC section 7)."""
    day = parse_period(period)
    period = period_of(day)
    if ws.record.is_closed(period):
        raise UsageError(f"{period} 已经月结，不再接收报送；如需更正，请先 sanlv reopen。")
    cfg = ws.config()
    regions = ws.regions()
    out = []
    for f in files:
        path = Path(f)
        try:
            out.append(
                _receive_one(
                    ws, path, period, day, cfg, regions, force, partial(_load, path, max_unzipped)
                )
            )
        except InputError as exc:
            if isinstance(exc, UsageError):
                raise
            out.append(Received(path.name, "无法读取", message=exc.message))
    return ReceiveResult(period, out)


def _load(path: Path, max_unzipped: int | None, sha: str) -> tuple[Dataset, FileRead]:
    """The file's dataset, and its read (stored with the submission); `sha` is its SHA-256."""
    from .normalise import build_dataset, normalise_table
    from .read import ReadResult, read_file

    read = read_file(path, max_unzipped, prepare=normalise_table, digest=sha)
    return build_dataset(ReadResult.of([read])), read


def _receive_one(
    ws: Workspace,
    path: Path,
    period: str,
    day: date,
    cfg: Config,
    regions,
    force: bool,
    dataset: Callable[[str], tuple[Dataset, FileRead]],
) -> Received:
    """One file's 报送登记; `dataset` reads and normalises the file, given its SHA-256 (after
    the checksum showed it is new)."""
    from .checks import run_checks
    from .levels import UNFILLED_DISTRICT
    from .units import resolve_districts
    from .validate import ValidationResult, sort_issues

    if not path.is_file():
        raise InputError("file-unreadable", f"文件 {path} 不存在。", path.name)
    sha = sha256_of(path)
    earlier = ws.record.submission_by_sha(period, sha)
    if earlier is not None:
        return Received(
            path.name,
            "已接收过",
            [tuple(p) for p in earlier.places],  # type: ignore[misc]
            earlier.errors,
            earlier.warnings,
            f"与 {earlier.received_at} 接收的 {earlier.file_name} 内容相同，只记一次"
            f"（当时：{earlier.status}）。",
        )
    ds, read = dataset(sha)
    comp = ds.compounds
    if comp.empty:
        raise InputError(
            "sheet-missing",
            f"文件 {path.name} 中没有小区台账，无法确定是哪个街道报送的，未登记。",
            path.name,
        )
    import numpy as np

    files = np.array([s.file for s in ds.sources] or [""], dtype=object)
    districts, _ = resolve_districts(
        comp["district"], files[comp["_src"].to_numpy(np.int64)], UNFILLED_DISTRICT
    )
    streets = comp["street"].to_numpy(dtype=object)
    places = sorted(
        {
            (str(d or ""), str(s))
            for d, s in zip(districts.tolist(), streets.tolist(), strict=True)
            if s is not None
        }
    )
    own = set(places)
    external = ws.record.accepted_ids(period, exclude=own, cache=ws.ids_cache)
    previous = _previous_closed(ws, period)
    if previous is not None:
        external |= ws.record.accepted_ids(previous, exclude=own, cache=ws.ids_cache)
    issues = ds.issues + run_checks(ds, cfg, day, regions=regions, external_ids=frozenset(external))
    result = ValidationResult(ds, sort_issues(issues), day)
    errors = sum(i.severity == ERROR for i in result.issues)
    warnings = sum(i.severity == WARNING for i in result.issues)
    status = ACCEPTED if not errors else (FORCED if force else RETURNED)
    returns: list[Path] = []
    if status == RETURNED:
        returns = _write_returns(ws, result, path, period)
    ids = [str(v) for v in comp["compound_id"].dropna().tolist()]
    ids += [str(v) for v in ds.committees["committee_id"].dropna().tolist()]
    _record(ws, path, period, sha, errors, warnings, status, places, ids, read)
    return Received(path.name, status, places, errors, warnings, "", returns)


def _record(
    ws: Workspace,
    path: Path,
    period: str,
    sha: str,
    errors: int,
    warnings: int,
    status: str,
    places: list[tuple[str, str]],
    ids: list[str],
    read: FileRead,
) -> None:
    """Archive a byte copy and record the submission with the file's read, all or nothing:
    the copy goes in under a temporary name, the record is committed, then the copy takes
    its final name (an interruption is finished or undone by `Workspace.recover`)."""
    from .read import parsed

    meta, streams = parsed.dump(read)
    folder = ws.archive_dir(period)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{sha[:8]}-{path.name}"
    tmp = folder / f".receiving-{final.name}"
    shutil.copyfile(path, tmp)
    relative = final.relative_to(ws.root).as_posix()
    try:
        with ws.record.transaction():
            if ws.record.submission_by_sha(period, sha) is None:  # another run may have won
                ws.record.add_submission(
                    period, path.name, sha, relative, errors, warnings, status, places, ids
                )
                ws.record.remember_read(sha, meta, streams)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if final.exists():
        tmp.unlink(missing_ok=True)
    else:
        os.replace(tmp, final)


def _write_returns(ws: Workspace, result, path: Path, period: str) -> list[Path]:
    """The annotated copy and the 退回说明 workbook of a returned file."""
    from .render.annotate import annotate_inputs
    from .render.issues_file import issues_note, write_issues

    folder = ws.returns_dir(period)
    folder.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    annotated = annotate_inputs(result, folder / f"{stem}-标注.xlsx", force=True)
    note = folder / f"{stem}-退回说明.xlsx"
    write_issues(
        result.issues,
        note,
        title=f"退回说明：{path.name}（{period}，请按下列问题修改后重新报送）",
        note=issues_note(result.issues, [path.name], result.as_of),
    )
    return [*annotated, note]


def _previous_closed(ws: Workspace, period: str) -> str | None:
    earlier = [p for p in ws.record.closed_periods() if p < period]
    return earlier[-1] if earlier else None


# --- the period's data ---------------------------------------------------------------------


@dataclass
class PeriodData:
    period: str
    dataset: Dataset
    places: set[tuple[str, str]]  # streets with accepted data
    submissions: list[Submission]
    unreported: list[tuple[str, str]]  # expected streets without accepted data


def period_data(ws: Workspace, period: str, max_unzipped: int | None = None) -> PeriodData:
    """The period's accepted data: each street's rows from the file that is its data (a
    file whose streets were partly replaced by later files contributes only the rest)."""
    from .normalise import build_dataset

    accepted = ws.record.accepted(period)
    if not accepted:
        raise UsageError(f"{period} 还没有接收任何合格的台账（可用 sanlv status 查看报送情况）。")
    by_sid: dict[int, set[tuple[str, str]]] = {}
    for place, sid in accepted.items():
        by_sid.setdefault(sid, set()).add(place)
    subs = [ws.record.submission(sid) for sid in sorted(by_sid)]
    ds = build_dataset(_reads(ws, subs, max_unzipped))
    partial = {
        Path(s.archive).name: by_sid[s.id]
        for s in subs
        if set(map(tuple, s.places)) != by_sid[s.id]
    }
    if partial:
        ds = _keep_accepted(ds, partial)
    places = set(accepted)
    expected = ws.expected()
    have_streets = {s for _, s in places}
    unreported = [
        (d, s) for d, s in expected if ((d, s) not in places if d else s not in have_streets)
    ]
    return PeriodData(period, ds, places, subs, unreported)


def _reads(ws: Workspace, subs: list[Submission], max_unzipped: int | None) -> ReadResult:
    """The archived files of the submissions as read: each from the read stored when it was
    received, or from the archived file itself (a submission recorded by an earlier sanlv)."""
    from .normalise import normalise_table
    from .read import ReadResult, parsed, read_file

    out = ReadResult.of([])
    for sub in subs:
        path = ws.root / sub.archive
        stored = ws.record.read_of(sub.sha256)
        read = parsed.load(*stored, path, sub.sha256) if stored is not None else None
        if read is None:
            read = read_file(path, max_unzipped, prepare=normalise_table, digest=sub.sha256)
        out.add(read)
    return out


def _keep_accepted(ds, partial: dict[str, set[tuple[str, str]]]):
    """The dataset without the rows of streets that later files replaced."""
    from dataclasses import replace

    import numpy as np

    from .levels import UNFILLED_DISTRICT
    from .units import resolve_districts

    files = np.array([s.file for s in ds.sources] or [""], dtype=object)
    comp = ds.compounds
    row_file = files[comp["_src"].to_numpy(np.int64)]
    districts, _ = resolve_districts(comp["district"], row_file, UNFILLED_DISTRICT)
    keep_c = np.ones(len(comp), dtype=bool)
    for i, (f, d, s) in enumerate(
        zip(row_file.tolist(), districts.tolist(), comp["street"].tolist(), strict=True)
    ):
        if f in partial and (str(d or ""), str(s)) not in partial[f]:
            keep_c[i] = False
    dropped = set(comp.loc[~keep_c, "compound_id"].dropna())
    com = ds.committees
    keep_m = ~com["compound_id"].isin(dropped).to_numpy()
    dropped |= set(com.loc[~keep_m, "committee_id"].dropna())
    orgs = ds.party_orgs
    keep_p = np.array(
        [not (refs and all(r in dropped for r in refs)) for refs in orgs["host_ref"]],
        dtype=bool,
    )
    masks = {"compounds": keep_c, "committees": keep_m, "party_orgs": keep_p}
    tables = {k: ds.tables[k][m].reset_index(drop=True) for k, m in masks.items()}
    invalid = {(r, k): v[masks[r]] for (r, k), v in ds.invalid.items()}
    return replace(ds, tables=tables, invalid=invalid)


def history(ws: Workspace, before: str):  # -> list[tracking.PeriodTodos]
    """The closed periods before `before`, as 整改销号 needs them."""
    from .content.tracking import PeriodTodos

    out = []
    for p in ws.record.closed_periods():
        if p < before:
            c = ws.record.current_close(p)
            if c is not None:
                out.append(PeriodTodos(p, c.todos, c.places))
    return out


def previous_close(ws: Workspace, period: str) -> Close | None:
    p = _previous_closed(ws, period)
    return ws.record.current_close(p) if p else None


# --- closing -------------------------------------------------------------------------------


def config_text(ws: Workspace) -> str:
    return ws.config_path.read_text(encoding="utf-8") if ws.config_path else default_toml()


def month_end_of(period: str) -> date:
    day = parse_period(period)
    return month_end(day.year, day.month)


# --- pre-filled rosters --------------------------------------------------------------------


def street_rows(ws: Workspace, name: str):  # -> (period, (district, street), {roster: frame})
    """A street's rows from its latest accepted data, for `template --street NAME` (NAME is
    the street, or 区 and 街道 written together)."""
    from .normalise import load_dataset

    known = ws.expected()
    for sub in ws.record.submissions():
        known += [(p[0], p[1]) for p in sub.places]
    matches = sorted({p for p in known if name in (p[1], p[0] + p[1], f"{p[0]}/{p[1]}")})
    if not matches:
        raise UsageError(f"工作区中没有街道“{name}”。")
    if len(matches) > 1:
        options = "、".join(d + s for d, s in matches)
        raise UsageError(
            f"街道“{name}”在多个区都有（{options}），请连同区名写，如 {options.split('、')[0]}。"
        )
    place = matches[0]
    found = ws.record.latest_accepted(*place)
    if found is None:
        raise UsageError(
            f"{place[0]}{place[1]} 还没有合格的台账，无法预填；可用 sanlv template 生成空白模板。"
        )
    period, sub = found
    ds = load_dataset([ws.root / sub.archive])
    comp = ds.compounds
    keep = (comp["street"] == place[1]).to_numpy().copy()
    if place[0] and "district" in comp:
        blank = comp["district"].isna().to_numpy()
        keep &= (comp["district"] == place[0]).to_numpy() | blank
    compounds = comp[keep]
    ids = set(compounds["compound_id"].dropna())
    com = ds.committees[ds.committees["compound_id"].isin(ids)]
    ids |= set(com["committee_id"].dropna())
    orgs = ds.party_orgs
    orgs = orgs[[bool(refs) and any(r in ids for r in refs) for refs in orgs["host_ref"]]]
    return period, place, {"compounds": compounds, "committees": com, "party_orgs": orgs}
