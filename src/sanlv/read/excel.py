"""Excel-family files (xlsx, xlsm, xls, ods) -> grids, with fastexcel (Rust calamine):
every sheet in its own thread, every cell as text; merged ranges read from the XML on demand."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ..issues import InputError
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


def load_excel(path: Path, after: Callable[[Grid], T] | None = None) -> list:
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
        cols = [as_string(batch.column(i)) for i in range(batch.num_columns)]
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
