"""Read stage: files -> raw string grids -> located roster tables.

A grid is one sheet as columns of strings (``None`` for empty cells), read with fastexcel
(every cell as text, Excel row 1 first) or, for CSV, with the csv module. Locating finds the
roster a sheet holds, its header row, maps the headers through the aliases and classifies
every row below the header as data or skipped-with-reason.

    files.py    which files, fingerprints, dispatch
    container.py  zip containers: real inflated sizes, each worksheet scanned before the
                reader (sheetxml.py: far cells, error cells, formulas without a value,
                merged ranges)
    excel.py    xlsx/xlsm/xls/ods -> grids (fastexcel, threads; error cells put back)
    csvfile.py  csv -> grid
    locate.py   grid -> roster table (header, columns, row classification)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..issues import WARNING, InputError, Issue
from ..write import sha256_of
from .excel import workers
from .files import MAX_UNZIPPED_BYTES, SUFFIXES, expand, expand_paths, load_grids
from .grid import FileInfo, Grid
from .locate import DERIVED_HEADERS, DERIVED_SHEET_PREFIX, ColumnRef, Table, locate

__all__ = [
    "DERIVED_HEADERS",
    "DERIVED_SHEET_PREFIX",
    "MAX_UNZIPPED_BYTES",
    "SUFFIXES",
    "ColumnRef",
    "FileInfo",
    "FileRead",
    "Grid",
    "ReadResult",
    "Table",
    "expand",
    "expand_paths",
    "load_grids",
    "locate",
    "read_file",
    "read_inputs",
    "workers",
]


@dataclass
class ReadResult:
    tables: list[Table]
    files: list[FileInfo]
    issues: list[Issue]

    @classmethod
    def of(cls, reads: Iterable[FileRead]) -> ReadResult:
        """The reads of several files, in order."""
        out = cls([], [], [])
        for r in reads:
            out.add(r)
        return out

    def add(self, r: FileRead) -> None:
        """One more file's read, after those already here."""
        self.files.append(r.info)
        self.issues.extend(r.issues)
        self.tables.extend(r.tables)


@dataclass
class FileRead:
    """One file as read: its facts, its located tables (in sheet order) and its reading
    issues (in the order found)."""

    info: FileInfo
    tables: list[Table]
    issues: list[Issue]


def read_file(
    path: Path,
    max_unzipped: int | None = None,
    prepare: Callable[[Table], object] | None = None,
    digest: str = "",
) -> FileRead:
    """Read one file (inflating at most `max_unzipped` bytes, MAX_UNZIPPED_BYTES when None;
    `digest`: its SHA-256 when already known); raises InputError when it cannot be read or
    holds no roster.

    `prepare` (the normaliser) is applied to each located table in the reading threads, as
    soon as its sheet is read, and stored in `Table.prepared`."""

    def locate_one(grid: Grid) -> tuple[Table | None, list[Issue]]:
        table, sheet_issues = locate(grid)
        if table is not None and prepare is not None:
            table.prepared = prepare(table)
        return table, sheet_issues

    limit = MAX_UNZIPPED_BYTES if max_unzipped is None else max_unzipped
    located = load_grids(path, limit, after=lambda g: (g.sheet, *locate_one(g)))
    digest = digest or sha256_of(path)
    info = FileInfo(str(path), path.name, digest, path.stat().st_size, [s for s, *_ in located])
    issues: list[Issue] = []
    found: list[Table] = []
    for _sheet, table, sheet_issues in located:
        issues.extend(sheet_issues)
        if table is not None:
            found.append(table)
    if not found and not any(i.code == "header-not-found" for i in issues):
        raise InputError(
            "header-not-found",
            f"文件 {path.name} 中找不到小区、业委会或党组织台账（工作表名或表头都不符合），"
            "请用 sanlv template 生成的模板填写。",
            path.name,
        )
    return FileRead(info, found, issues)


def read_inputs(
    paths: Iterable[str | os.PathLike],
    max_unzipped: int | None = None,
    prepare: Callable[[Table], object] | None = None,
) -> ReadResult:
    """Read every file (see read_file); a file given twice, or a copy of one, is read once
    with a warning."""
    paths, issues = expand(paths)
    out = ReadResult([], [], issues)
    seen: dict[str, Path] = {}
    for path in paths:
        digest = _digest(path)
        if digest in seen:
            out.issues.append(_duplicate(path, seen[digest]))
            continue
        r = read_file(path, max_unzipped, prepare, digest)
        seen[r.info.sha256] = path
        out.add(r)
    if not out.files:
        raise InputError("file-unreadable", "没有找到要读取的台账文件。")
    return out


def _digest(path: Path) -> str:
    """SHA-256 of a file that can be read ("" otherwise: the loader says why)."""
    try:
        return sha256_of(path) if path.is_file() else ""
    except OSError:
        return ""


def _duplicate(path: Path, first: Path) -> Issue:
    """The same file given twice, or a copy of one (SPEC section 3): read once, with a warning."""
    try:
        same = path.samefile(first)
    except OSError:
        same = False
    if same:
        message = f"文件 {path.name} 给了不止一次，只读取一次。"
    else:
        message = (
            f"文件 {path.name} 与 {first.name} 内容完全相同（SHA-256 一致），"
            "是同一份台账，只读取一次。"
        )
    return Issue(
        "file-duplicate",
        WARNING,
        message,
        path.name,
        hint="同一份台账只需给一次；如果本应是两份不同的台账，请检查是否复制错了文件。",
    )
