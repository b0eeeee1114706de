"""Grids: one sheet as columns of strings, and the records of what was read."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Grid:
    file: str
    sheet: str
    columns: list[pa.Array]  # string arrays, all of n_rows, index 0 = Excel row 1
    col_offset: int = 0  # absolute index of columns[0] (0 = column A)
    hidden: bool = False
    # 0-based (r1, c1, r2, c2) merged ranges (xlsx/xlsm)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    # 0-based (row, absolute column) -> an error value ("#N/A") or a formula without a cached
    # value ("=A1*2"): cells the reader gives as empty (xlsx/xlsm)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def head(self, n: int) -> list[list[str | None]]:
        cols = [c.slice(0, n).to_pylist() for c in self.columns]
        return [list(r) for r in zip(*cols, strict=True)] if cols else []


@dataclass
class FileInfo:
    path: str
    name: str
    sha256: str
    size: int
    sheets: list[str] = field(default_factory=list)


def as_string(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), pa.string())
    return pc.cast(arr, pa.string())
