"""Read stage: files -> raw string grids -> located roster tables.

A grid is one sheet as columns of strings (``None`` for empty cells), read with fastexcel
(every cell as text, Excel row 1 first) or, for CSV, with the csv module. Locating finds the
roster a sheet holds, its header row (one or two rows, within the first 30), maps the headers
through the aliases and classifies every row below the header as data or skipped-with-reason.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import hashlib
import io
import os
import re
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .issues import ERROR, INFO, WARNING, InputError, Issue, col_letter

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
SUFFIXES = (*EXCEL_SUFFIXES, ".csv")
HEADER_SEARCH_ROWS = 30
IGNORED_HEADERS = {"序号", "序", "no", "no.", "行号", "编号序号"}
# Columns and sheets that `sanlv ledger` adds to a standardised ledger (derived on its as-of
# date): skipped silently, so that a ledger is itself valid input.
DERIVED_HEADERS = frozenset(
    {
        "业委会状态",
        "计入组建率",
        "物业服务覆盖",
        "专业化物业",
        "党组织覆盖",
        "未计入原因",
        "统计日状态",
    }
)
DERIVED_SHEET_PREFIX = "待办-"
TOTAL_RE = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计|累\s*计|共\s*计)")
FOOTER_RE = re.compile(
    r"^\s*(填表人|填报人|审核人|审核|联系电话|联系人|电话|填表说明|说明|注[:：]|备注[:：]|制表|"
    r"负责人|单位负责人|统计人|填报说明|附注|审批人|经办人|签字|盖章)"
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Limits against hostile workbooks; raised by the user with --max-unzipped-mb.
MAX_UNZIPPED_BYTES = 2 * 1024**3
MAX_ZIP_RATIO = 200
T = TypeVar("T")


@dataclass
class Grid:
    file: str
    sheet: str
    columns: list[pa.Array]  # string arrays, all of n_rows, index 0 = Excel row 1
    col_offset: int = 0  # absolute index of columns[0] (0 = column A)
    hidden: bool = False
    # 0-based (r1, c1, r2, c2) merged ranges; read only when needed (see _fill_merged_down).
    merges_of: Callable[[], list[tuple[int, int, int, int]]] | None = None

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def head(self, n: int) -> list[list[str | None]]:
        cols = [c.slice(0, n).to_pylist() for c in self.columns]
        return [list(r) for r in zip(*cols, strict=True)] if cols else []


@dataclass
class ColumnRef:
    index: int  # position in grid.columns
    letter: str  # Excel column letter
    header: str  # header text as the user wrote it


@dataclass
class Table:
    """One roster found on one sheet."""

    roster: str
    file: str
    sheet: str
    header_row: int  # Excel row of the (last) header row
    columns: dict[str, ColumnRef]
    data: dict[str, pa.Array]  # field key -> raw strings of the used rows
    rows: pa.Array  # Excel row numbers of the used rows (int32)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, reason)
    prepared: object = None  # what read_inputs' `prepare` made of it (the normalised table)


@dataclass
class FileInfo:
    path: str
    name: str
    sha256: str
    size: int
    sheets: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    tables: list[Table]
    files: list[FileInfo]
    issues: list[Issue]


# --- files -> grids ------------------------------------------------------------------------


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the roster files in it (sorted, no lock files)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("~$")
                )
            )
        else:
            out.append(p)
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_zip(path: Path, max_bytes: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip container whose parts would inflate beyond the limits (a zip bomb)."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            "file-unreadable", f"文件 {name} 已损坏，无法作为Excel文件打开（{exc}）。", name
        ) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > max_bytes:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 解压后达 {total / 1024**2:,.0f} MB，超过上限 {max_bytes / 1024**2:,.0f} MB，"
            "疑似压缩炸弹，已拒绝读取（确属正常文件可用 --max-unzipped-mb 调高上限）。",
            name,
        )
    if total > 50 * 1024**2 and total / packed > MAX_ZIP_RATIO:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 的压缩比为 {total / packed:,.0f} 倍，疑似压缩炸弹，已拒绝读取"
            "（确属正常文件可用 --max-unzipped-mb 调高上限）。",
            name,
        )


def load_grids(
    path: Path, max_unzipped: int = MAX_UNZIPPED_BYTES, after: Callable[[Grid], T] | None = None
) -> list[Grid] | list[T]:
    """Every sheet of one file as a grid, or what `after` makes of each grid (run in the
    reading threads, as soon as the sheet is read). Raises InputError when the file cannot be
    read."""
    name = path.name
    if not path.exists():
        raise InputError("file-unreadable", f"文件 {path} 不存在。", name)
    if path.is_dir():
        raise InputError("file-unreadable", f"{path} 是文件夹，其中没有可读取的台账文件。", name)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 的格式 “{suffix or '无扩展名'}” 不支持，请使用 xlsx、xlsm、xls、ods 或 csv。",
            name,
        )
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise InputError(
            "file-unreadable", f"文件 {name} 无法打开：{exc.strerror or exc}。", name
        ) from None
    if suffix == ".csv":
        grid = _load_csv(path)
        return [after(grid) if after else grid]
    if suffix in (".xlsx", ".xlsm", ".xlsb"):
        if magic.startswith(OLE_MAGIC):
            raise InputError(
                "file-encrypted",
                f"文件 {name} 设置了打开密码（已加密），请取消密码后另存再试。",
                name,
            )
        if not magic.startswith(ZIP_MAGIC):
            raise InputError(
                "file-unreadable",
                f"文件 {name} 不是有效的Excel文件（可能已损坏或扩展名不对）。",
                name,
            )
        check_zip(path, max_unzipped)
    elif suffix == ".ods":
        if not magic.startswith(ZIP_MAGIC):
            raise InputError("file-unreadable", f"文件 {name} 不是有效的ODS文件。", name)
        check_zip(path, max_unzipped)
    elif suffix == ".xls" and not magic.startswith(OLE_MAGIC):
        raise InputError(
            "file-unreadable", f"文件 {name} 不是有效的xls文件（可能已损坏或扩展名不对）。", name
        )
    return _load_excel(path, after)


@contextlib.contextmanager
def _rust_panics_quiet() -> Iterator[None]:
    """Keep the Rust reader's panic report (and backtrace) off the user's terminal: it is
    caught as an exception and reported in Chinese instead."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _reraise_control(exc: BaseException) -> None:
    """Let Ctrl-C and exits through; everything else from the reader is a bad file."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


def _calamine_reason(exc: Exception) -> tuple[str, str]:
    text = str(exc)
    low = text.lower()
    if "password" in low or "encrypt" in low:
        return "file-encrypted", "设置了密码保护（已加密），请取消密码后另存再试"
    first = text.splitlines()[0] if text else type(exc).__name__
    return "file-unreadable", f"已损坏或无法解析（{first[:120]}）"


def workers() -> int:
    """Threads for reading: the Rust reader releases the GIL, so sheets load in parallel."""
    return max(1, min(4, os.cpu_count() or 1))


def _load_excel(path: Path, after: Callable[[Grid], T] | None = None) -> list:
    import fastexcel

    name = path.name
    try:
        with _rust_panics_quiet():
            reader = fastexcel.read_excel(str(path))
        sheet_names = list(reader.sheet_names)
    except BaseException as exc:  # the Rust reader raises its own types, panics included
        _reraise_control(exc)
        code, why = _calamine_reason(exc)
        raise InputError(code, f"文件 {name} {why}。", name) from None
    merges = _MergeCache(path) if path.suffix.lower() in (".xlsx", ".xlsm") else None
    # A reader is not shareable across threads: each worker thread opens its own (opening is
    # lazy and cheap for xlsx); the first sheet is read on the reader already open.
    local = threading.local()

    def load(idx: int):
        sheet = sheet_names[idx]
        try:
            own = reader if idx == 0 else getattr(local, "reader", None)
            if own is None:
                own = local.reader = fastexcel.read_excel(str(path))
            s = own.load_sheet(idx, header_row=None, dtypes="string", skip_rows=0)
            batch = s.to_arrow()
            offset = min((c.absolute_index for c in s.available_columns()), default=0)
            hidden = str(s.visible) != "visible"
        except BaseException as exc:  # pyo3 PanicException is no Exception subclass
            return exc  # the file's fault: turned into an InputError below
        cols = [_as_string(batch.column(i)) for i in range(batch.num_columns)]
        of = (lambda sheet=sheet: merges.get(sheet)) if merges is not None else None
        grid = Grid(name, sheet, cols, offset, hidden, of)
        return after(grid) if after else grid

    with _rust_panics_quiet():
        if len(sheet_names) > 1 and workers() > 1 and path.suffix.lower() != ".xls":
            with ThreadPoolExecutor(min(workers(), len(sheet_names))) as pool:
                results = list(pool.map(load, range(len(sheet_names))))
        else:
            results = [load(i) for i in range(len(sheet_names))]
    for sheet, res in zip(sheet_names, results, strict=True):
        if isinstance(res, BaseException):
            _reraise_control(res)
            code, why = _calamine_reason(res)
            raise InputError(code, f"文件 {name} 的工作表 “{sheet}” {why}。", name) from None
    return results


_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


class _MergeCache:
    """The merged ranges of a workbook, scanned from its XML once, on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.by_sheet: dict[str, list[tuple[int, int, int, int]]] | None = None

    def get(self, sheet: str) -> list[tuple[int, int, int, int]]:
        if self.by_sheet is None:
            self.by_sheet = _xlsx_merges(self.path)
        return self.by_sheet.get(sheet, [])


def _xlsx_merges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges of every sheet, read from the workbook's XML (no cell parsing)."""
    from defusedxml import ElementTree

    out: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            ns_r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            for sh in book.iter():
                if not sh.tag.endswith("}sheet"):
                    continue
                target = targets.get(sh.get(ns_r), "")
                part = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if part not in zf.namelist():
                    continue
                found = []
                tail = b""
                with zf.open(part) as fh:
                    for chunk in iter(lambda: fh.read(1 << 22), b""):
                        buf = tail + chunk
                        tail = buf[-200:]
                        if b"mergeCell " not in buf:
                            continue
                        for m in _MERGE_RE.finditer(buf):
                            a, r1, b, r2 = m.groups()
                            found.append((int(r1) - 1, _col_index(a), int(r2) - 1, _col_index(b)))
                # A match in the overlap may be seen twice.
                out[sh.get("name", "")] = sorted(set(found))
    except Exception:  # merges are a convenience: a workbook that hides them still reads
        return {}
    return out


def _as_string(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), pa.string())
    return pc.cast(arr, pa.string())


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def _load_csv(path: Path) -> Grid:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            "file-unreadable", f"文件 {name} 无法打开：{exc.strerror or exc}。", name
        ) from None
    text = _decode(raw).replace("\x00", "")
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(64 * 1024 * 1024)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(
            "file-unreadable", f"文件 {name} 不是有效的CSV文件（{exc}）。", name
        ) from None
    width = max((len(r) for r in rows), default=0)
    columns = []
    for j in range(width):
        columns.append(
            pa.array([(r[j] if j < len(r) and r[j] != "" else None) for r in rows], pa.string())
        )
    return Grid(name, path.stem, columns, 0, False)


# --- grids -> tables -----------------------------------------------------------------------


@dataclass
class _HeaderGuess:
    roster: str
    row: int  # 0-based index of the last header row
    rows: int  # 1 or 2
    labels: list[str]  # header text per column as shown to the user
    matched: dict[str, int]  # field key -> column position (first match)

    @property
    def score(self) -> tuple[int, int, int]:
        roster = schema.ROSTER_BY_KEY[self.roster]
        required = sum(1 for f in roster.fields if f.required and f.key in self.matched)
        return (required, len(self.matched), -self.rows)


def _match(roster: str, labels: Sequence[str]) -> dict[str, int]:
    index = schema.header_index(roster)
    found: dict[str, int] = {}
    for j, lab in enumerate(labels):
        key = index.get(schema.norm_label(lab)) if lab else None
        if key and key not in found:
            found[key] = j
    return found


def _two_row_labels(
    upper: Sequence[str | None], lower: Sequence[str | None], roster: str
) -> list[str]:
    index = schema.header_index(roster)
    labels: list[str] = []
    group = ""
    for up, low in zip(upper, lower, strict=True):
        up = (up or "").strip()
        low = (low or "").strip()
        if up:
            group = up
        if low and schema.norm_label(low) in index:
            labels.append(low)
        elif low and schema.norm_label(group + low) in index:
            labels.append(group + low)
        elif low:
            labels.append(low)
        else:
            labels.append(up)
    return labels


def guess_header(head: list[list[str | None]], roster: str | None = None) -> _HeaderGuess | None:
    """The most plausible header within the first rows, for one roster or any."""
    rosters = [roster] if roster else [r.key for r in schema.ROSTERS]
    best: _HeaderGuess | None = None
    for r in range(min(len(head), HEADER_SEARCH_ROWS)):
        row = [(v or "").strip() for v in head[r]]
        if not any(row):
            continue
        for key in rosters:
            cands = [_HeaderGuess(key, r, 1, row, _match(key, row))]
            if r + 1 < len(head):
                labels = _two_row_labels(head[r], head[r + 1], key)
                cands.append(_HeaderGuess(key, r + 1, 2, labels, _match(key, labels)))
            for c in cands:
                if best is None or c.score > best.score:
                    best = c
    return best


def _plausible(guess: _HeaderGuess | None, by_name: bool) -> bool:
    if guess is None:
        return False
    required, matched, _ = guess.score
    return matched >= 1 and required >= 1 if by_name else (required >= 2 and matched >= 3)


def _closest(label: str, choices: Iterable[str]) -> str:
    norm = {schema.norm_label(c): c for c in choices}
    hit = difflib.get_close_matches(schema.norm_label(label), list(norm), n=1, cutoff=0.4)
    return norm[hit[0]] if hit else ""


def locate(grid: Grid) -> tuple[Table | None, list[Issue]]:
    """Find the roster on one sheet. Returns the table (or None) and the sheet's issues."""
    issues: list[Issue] = []
    where = {"file": grid.file, "sheet": grid.sheet}
    by_name = schema.sheet_index().get(schema.norm_label(grid.sheet))
    if grid.sheet.startswith(DERIVED_SHEET_PREFIX):
        issues.append(
            Issue(
                "sheet-ignored",
                INFO,
                f"工作表 “{grid.sheet}” 是 sanlv ledger 生成的待办清单，不作为台账读取。",
                **where,
            )
        )
        return None, issues
    if grid.hidden:
        issues.append(
            Issue("sheet-ignored", INFO, f"隐藏的工作表 “{grid.sheet}” 未读取。", **where)
        )
        return None, issues
    if grid.n_rows == 0:
        if by_name:
            issues.append(
                Issue(
                    "header-not-found",
                    ERROR,
                    f"工作表 “{grid.sheet}” 是空表，没有表头。",
                    **where,
                    hint="请使用 sanlv template 生成的模板填写。",
                )
            )
        else:
            issues.append(
                Issue("sheet-ignored", INFO, f"空工作表 “{grid.sheet}” 已略过。", **where)
            )
        return None, issues
    head = grid.head(HEADER_SEARCH_ROWS + 1)
    guess = guess_header(head, by_name)
    if not _plausible(guess, by_name is not None):
        if by_name:
            label = schema.ROSTER_BY_KEY[by_name].label
            issues.append(
                Issue(
                    "header-not-found",
                    ERROR,
                    f"工作表 “{grid.sheet}” 的前 {HEADER_SEARCH_ROWS} 行中找不到{label}表的表头。",
                    **where,
                    hint=f"表头应包含 {'、'.join(f.label for f in schema.ROSTER_BY_KEY[by_name].fields if f.required)} 等列。",
                )
            )
        else:
            issues.append(
                Issue(
                    "sheet-ignored",
                    INFO,
                    f"工作表 “{grid.sheet}” 不是小区、业委会或党组织台账，已略过。",
                    **where,
                )
            )
        return None, issues
    assert guess is not None
    roster = schema.ROSTER_BY_KEY[guess.roster]
    header_excel_row = guess.row + 1
    all_names = [n for f in roster.fields for n in (f.label, *f.aliases)]

    columns: dict[str, ColumnRef] = {}
    index = schema.header_index(roster.key)
    unknown: list[str] = []
    for j, label in enumerate(guess.labels):
        if not label:
            continue
        letter = col_letter(grid.col_offset + j)
        cell = f"{letter}{header_excel_row}"
        key = index.get(schema.norm_label(label))
        if key is None:
            if schema.norm_label(label) in IGNORED_HEADERS | DERIVED_HEADERS:
                continue
            unknown.append(label)
            hint = _closest(label, all_names)
            issues.append(
                Issue(
                    "column-unknown",
                    WARNING,
                    f"列 “{label}” 不是{roster.label}表的标准列，已忽略。",
                    **where,
                    row=header_excel_row,
                    column=label,
                    cell=cell,
                    hint=f"是否应为 “{hint}”？" if hint else "",
                )
            )
        elif key in columns:
            issues.append(
                Issue(
                    "column-duplicate",
                    ERROR,
                    f"列 “{label}” 与第 {columns[key].letter} 列 “{columns[key].header}” 重复（都表示{roster.field(key).label}），只读取了前一列。",
                    **where,
                    row=header_excel_row,
                    column=roster.field(key).label,
                    cell=cell,
                    hint="请删除或改名其中一列。",
                )
            )
        else:
            columns[key] = ColumnRef(j, letter, label)
    for f in roster.fields:
        if f.required and f.key not in columns:
            near = _closest(f.label, unknown)
            issues.append(
                Issue(
                    "column-missing",
                    ERROR,
                    f"{roster.label}表缺少必填列 “{f.label}”。",
                    **where,
                    row=header_excel_row,
                    column=f.label,
                    hint=(
                        f"表头中的 “{near}” 是否就是这一列？可改为 “{f.label}”。"
                        if near
                        else f"请增加 “{f.label}” 列。"
                    ),
                )
            )

    table = _classify_rows(grid, roster, guess, columns)
    for row, reason in table.skipped:
        issues.append(
            Issue("row-skipped", INFO, f"第 {row} 行未计入：{reason}。", **where, row=row)
        )
    return table, issues


def _nonempty(arr: pa.Array) -> pa.Array:
    """Boolean mask of cells with visible content."""
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.fill_null(pc.greater(pc.utf8_length(trimmed), 0), False)


def _classify_rows(
    grid: Grid, roster: schema.Roster, guess: _HeaderGuess, columns: dict[str, ColumnRef]
) -> Table:
    start = guess.row + 1
    n = grid.n_rows - start
    table = Table(
        roster.key, grid.file, grid.sheet, guess.row + 1, columns, {}, pa.array([], pa.int32())
    )
    if n <= 0:
        return table
    required = [c.index for k, c in columns.items() if roster.field(k).required]
    all_cols = [c.slice(start) for c in _fill_merged_down(grid, start, required)]
    filled_any = [_nonempty(c) for c in all_cols]
    filled_mapped = [filled_any[c.index] for c in columns.values()] or [pa.array([False] * n)]
    count_mapped = _sum_masks(filled_mapped)
    count_any = _sum_masks(filled_any)

    # Trailing rows with nothing at all are not rows of the table.
    any_arr = pc.greater(count_any, 0)
    nz = pc.indices_nonzero(any_arr)
    last = nz[-1].as_py() + 1 if len(nz) else 0

    # Candidates for a closer look: few cells filled, a total marker in the first columns,
    # or the id cell repeating the header.
    sparse = pc.less_equal(count_mapped, 2)
    cand = sparse
    for c in all_cols[:3]:
        cand = pc.or_(
            cand,
            pc.fill_null(
                pc.match_substring_regex(c, r"^\s*(合\s*计|小\s*计|总\s*计|累\s*计|共\s*计)"), False
            ),
        )
    id_ref = columns.get(roster.id_field)
    if id_ref is not None:
        names = [
            n for n in (roster.field(roster.id_field).label, *roster.field(roster.id_field).aliases)
        ]
        cand = pc.or_(
            cand,
            pc.fill_null(
                pc.is_in(pc.utf8_trim_whitespace(all_cols[id_ref.index]), pa.array(names)), False
            ),
        )
    cand_idx = pc.indices_nonzero(cand).to_pylist()

    skip: dict[int, str] = {}
    header_norm = {k: schema.norm_label(c.header) for k, c in columns.items()}
    for i in cand_idx:
        if i >= last:
            break
        row_vals = [c[i].as_py() for c in all_cols]
        texts = [(v or "").strip() for v in row_vals]
        filled = [t for t in texts if t]
        if not filled:
            skip[i] = "空行"
            continue
        first = filled[0]
        if FOOTER_RE.match(first) and count_mapped[i].as_py() <= 2:
            skip[i] = f"表尾说明行（“{first[:20]}”）"
            continue
        if any(TOTAL_RE.match(t) for t in texts[:3] if t):
            skip[i] = "合计/小计行"
            continue
        same = sum(
            1 for k, c in columns.items() if schema.norm_label(texts[c.index]) == header_norm[k]
        )
        if columns and same >= max(2, len(columns) // 2):
            skip[i] = "重复的表头行"
            continue
        if count_mapped[i].as_py() == 0:
            skip[i] = "只有序号等无关列，没有台账内容"
            continue
    # A row of column numbers right under the header (1 2 3 …).
    if n > 0 and 0 not in skip:
        nums = [(c[0].as_py() or "").strip() for c in all_cols]
        vals = [v for v in nums if v]
        if (
            len(vals) >= 3
            and all(v.isdigit() for v in vals)
            and [int(v) for v in vals] == list(range(int(vals[0]), int(vals[0]) + len(vals)))
        ):
            skip[0] = "表头下方的列序号行"
    used = np.ones(last, dtype=bool)
    used[[i for i in skip if i < last]] = False
    mask = pa.array(used)
    table.skipped = sorted((start + i + 1, why) for i, why in skip.items() if i < last)
    table.rows = pc.filter(pa.array(np.arange(start + 1, start + last + 1, dtype=np.int32)), mask)
    table.data = {k: pc.filter(all_cols[c.index].slice(0, last), mask) for k, c in columns.items()}
    return table


def _fill_merged_down(grid: Grid, start: int, required: list[int]) -> list[pa.Array]:
    """Copy the value of a vertically merged range (e.g. 街道 merged over a street's rows)
    into every row it spans, below the header.

    The merges are looked up only when a required column has empty cells below the header
    (a merged range leaves all but its first cell empty): a full table never pays for it."""
    columns = list(grid.columns)
    if grid.merges_of is None or not any(
        columns[j].slice(start).null_count for j in required if j < len(columns)
    ):
        return columns
    edits: dict[int, list] = {}
    for r1, c1, r2, _c2 in grid.merges_of():
        j = c1 - grid.col_offset
        if r2 <= r1 or r1 < start or not 0 <= j < len(columns) or r2 >= grid.n_rows:
            continue
        vals = edits.setdefault(j, columns[j].to_pylist())
        for r in range(r1 + 1, r2 + 1):
            if vals[r] is None:
                vals[r] = vals[r1]
    for j, vals in edits.items():
        columns[j] = pa.array(vals, pa.string())
    return columns


def _sum_masks(masks: list[pa.Array]) -> pa.Array:
    total = pc.cast(masks[0], pa.int16())
    for m in masks[1:]:
        total = pc.add(total, pc.cast(m, pa.int16()))
    return total


def read_inputs(
    paths: Iterable[str | Path],
    max_unzipped: int = MAX_UNZIPPED_BYTES,
    prepare: Callable[[Table], object] | None = None,
) -> ReadResult:
    """Read every file; raises InputError for a file that cannot be read at all.

    `prepare` (the normaliser) is applied to each located table in the reading threads, as
    soon as its sheet is read, and stored in `Table.prepared`."""

    def locate_one(grid: Grid) -> tuple[Table | None, list[Issue]]:
        table, sheet_issues = locate(grid)
        if table is not None and prepare is not None:
            table.prepared = prepare(table)
        return table, sheet_issues

    tables: list[Table] = []
    files: list[FileInfo] = []
    issues: list[Issue] = []
    for path in expand_paths(paths):
        located = load_grids(path, max_unzipped, after=lambda g: (g.sheet, *locate_one(g)))
        info = FileInfo(
            str(path), path.name, _sha256(path), path.stat().st_size, [s for s, *_ in located]
        )
        files.append(info)
        found = []
        for _sheet, table, sheet_issues in located:
            issues.extend(sheet_issues)
            if table is not None:
                found.append(table)
        if not found and not any(
            i.code == "header-not-found" and i.file == path.name for i in issues
        ):
            raise InputError(
                "header-not-found",
                f"文件 {path.name} 中找不到小区、业委会或党组织台账（工作表名或表头都不符合），"
                "请用 sanlv template 生成的模板填写。",
                path.name,
            )
        tables.extend(found)
    if not files:
        raise InputError("file-unreadable", "没有找到要读取的台账文件。")
    return ReadResult(tables, files, issues)
