"""Excel-family files (xlsx, xlsm, xls, ods) -> grids, with fastexcel (Rust calamine):
every sheet in its own thread, every cell as text; merged ranges and error cells come from the
container's scan (container.py)."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ..issues import InputError
from .container import Survey
from .grid import Grid, as_string

T = TypeVar("T")


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


def _calamine_reason(exc: BaseException) -> tuple[str, str]:
    text = str(exc)
    low = text.lower()
    if "password" in low or "encrypt" in low:
        return "file-encrypted", "设置了密码保护（已加密），请取消密码后另存再试"
    # The reader's own words are English: one Chinese line instead (SPEC section 3).
    return "file-unreadable", "已损坏或无法解析（可能不是真正的Excel文件、文件不完整或扩展名不对）"


def workers() -> int:
    """Threads for reading: the Rust reader releases the GIL, so sheets load in parallel."""
    return max(1, min(4, os.cpu_count() or 1))


def load_excel(
    path: Path,
    after: Callable[[Grid], T] | None = None,
    survey: Survey | None = None,
) -> list:
    """Every sheet of a workbook as a grid (or what `after` makes of it). With the `survey`
    of an xlsx/xlsm, each sheet's XML is surveyed just before the reader reads it (refused
    when too large; its merged ranges and error cells kept with the grid)."""
    if survey is None:
        return _load_excel(path, after, None)
    survey.start(list(survey.parts))  # the first sheet is surveyed while the reader opens
    try:
        return _load_excel(path, after, survey)
    finally:
        survey.close()


def _load_excel(path: Path, after: Callable[[Grid], T] | None, survey: Survey | None) -> list:
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
    # A reader is not shareable across threads: each worker thread opens its own (opening is
    # lazy and cheap for xlsx); the first sheet is read on the reader already open.
    local = threading.local()

    def load(idx: int):
        sheet = sheet_names[idx]
        try:
            scan = survey.check_sheet(sheet) if survey is not None else None
        except InputError as exc:
            return exc
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
        cols = [as_string(batch.column(i)) for i in range(batch.num_columns)]
        grid = Grid(name, sheet, cols, offset, hidden)
        if scan is not None:
            grid.merges = scan.merges
            if scan.errors:
                _show_errors(grid, scan.errors)
        return after(grid) if after else grid

    with _rust_panics_quiet():
        if len(sheet_names) > 1 and workers() > 1 and path.suffix.lower() != ".xls":
            with ThreadPoolExecutor(min(workers(), len(sheet_names))) as pool:
                results = list(pool.map(load, range(len(sheet_names))))
        else:
            results = [load(i) for i in range(len(sheet_names))]
    for sheet, res in zip(sheet_names, results, strict=True):
        if isinstance(res, InputError):
            raise res
        if isinstance(res, BaseException):
            _reraise_control(res)
            code, why = _calamine_reason(res)
            raise InputError(code, f"文件 {name} 的工作表 “{sheet}” {why}。", name) from None
    return results


def _show_errors(grid: Grid, errors: dict[tuple[int, int], str]) -> None:
    """Put the error cells the reader gave as empty back into the grid, as their text ("#N/A",
    "=A1*2"), so that their rows are not blank; `grid.errors` says which cells they are."""
    import pyarrow as pa

    first = min(c for _r, c in errors)
    last = max(c for _r, c in errors)
    rows = max(grid.n_rows, max(r for r, _c in errors) + 1)
    if not grid.columns:
        grid.col_offset = first
    lead = max(0, grid.col_offset - first)
    cols = [pa.nulls(0, pa.string())] * lead + list(grid.columns)
    grid.col_offset -= lead
    cols += [pa.nulls(0, pa.string())] * max(0, last + 1 - grid.col_offset - len(cols))
    by_col: dict[int, dict[int, str]] = {}
    for (r, c), text in errors.items():
        by_col.setdefault(c - grid.col_offset, {})[r] = text
    for j, col in enumerate(cols):
        if j in by_col:
            vals = col.to_pylist() + [None] * (rows - len(col))
            for r, text in by_col[j].items():
                vals[r] = text
            cols[j] = pa.array(vals, pa.string())
        elif len(col) < rows:
            cols[j] = pa.concat_arrays([col, pa.nulls(rows - len(col), pa.string())])
    grid.columns = cols
    grid.errors = errors
