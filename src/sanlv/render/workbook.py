"""The one workbook factory: what every workbook sanlv writes shares.

- Text is text: strings are never turned into formulas, URLs or numbers (a compound named
  ``=1+1`` stays text), and cells are written with the typed write methods.
- The file is marked as sanlv's in its document properties (core property keywords
  ``sanlv <kind> <version>``; the xlsxwriter backend also writes the custom property ``sanlv``
  that earlier versions looked for), so a later run may replace it without ``--force``
  (SPEC section 3).
- Every sheet prints on A4 landscape, one page wide, with its header rows repeated, its
  headers frozen, a title line and page numbers (SPEC section 5).
- Standard formats (title, note, header, cells, integers, percentages, changes, totals,
  colours against the target).
- Written atomically (write.atomic_output), with the writer's temporary files in the same
  hidden scratch folder beside the target, removed on every exit path.
- Two writer backends behind one API (xlsxwriter's): the fast one (`xlsx_rust`, on
  rust_xlsxwriter) where it is installed, xlsxwriter otherwise, for the template (which needs
  data validation and comments), and whenever ``SANLV_XLSX_WRITER=xlsxwriter`` is set.

Each writer (report, ledger, diff, trend, issue list, template) is only its sheets.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..issues import col_letter
from ..write import MARK_PROPERTY, atomic_output, mark_text

PERCENT = "0.0%"
CHANGE = "+0.0;-0.0;0.0"
DASH = "—"
FONT = "宋体"

_FORMATS: dict[str, dict[str, Any]] = {}


def _format_specs() -> dict[str, dict[str, Any]]:
    if not _FORMATS:
        base = {"border": 1, "valign": "vcenter", "font_name": FONT, "font_size": 10}
        bold = {**base, "bold": True}
        _FORMATS.update(
            {
                "title": {"bold": True, "font_size": 16, "font_name": "黑体"},
                "alert": {
                    "bold": True,
                    "font_size": 11,
                    "font_name": FONT,
                    "font_color": "#C00000",
                    "text_wrap": True,
                    "valign": "top",
                },
                "note": {"font_size": 10, "font_name": FONT, "text_wrap": True, "valign": "top"},
                "head": {**bold, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True},
                "cell": base,
                "int": {**base, "num_format": "0"},
                "pct": {**base, "num_format": PERCENT},
                "chg": {**base, "num_format": CHANGE},
                "date": {**base, "num_format": "yyyy-mm-dd"},
                "total": bold,
                "total_int": {**bold, "num_format": "0"},
                "total_pct": {**bold, "num_format": PERCENT},
                "total_chg": {**bold, "num_format": CHANGE},
                "good": {"bg_color": "#C6EFCE", "font_color": "#006100"},
                "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
                "section": {"bold": True, "font_size": 12, "font_name": "黑体"},
                "wrap": {**base, "text_wrap": True},
            }
        )
    return _FORMATS


def cell_ref(row: int, col: int, *, col_abs: bool = False, row_abs: bool = False) -> str:
    """An A1 reference of a 0-based cell: (6, 3) -> D7, with col_abs $D7, with both $D$7."""
    return f"{'$' if col_abs else ''}{col_letter(col)}{'$' if row_abs else ''}{row + 1}"


def text_width(value: object) -> int:
    """Display width in Excel character units: about 2 per CJK (wide) character."""
    s = str(value)
    if s.isascii():
        return len(s)
    # CJK characters take 3 bytes in UTF-8 and two columns on screen: counting the extra
    # bytes is a close, C-speed estimate (the exact per-character lookup was a hot spot).
    return len(s) + (len(s.encode("utf-8")) - len(s)) // 2


class Sheet:
    """A worksheet set up for print that remembers the widest text per column and writes
    text safely. Column writers write a column top-down (not in constant-memory mode)."""

    def __init__(self, book: Book, name: str, title: str = "") -> None:
        self.book = book
        self.ws = book.wb.add_worksheet(name)
        self.fmts = book.fmts
        self.widths: dict[int, int] = {}
        print_setup(self.ws, title or book.title)

    def fit(self, col: int, value: object, cap: int = 60) -> None:
        w = min(text_width(value) + 2, cap)
        if w > self.widths.get(col, 0):
            self.widths[col] = w

    def text(self, r: int, c: int, value: object, fmt: str | None = None, fit: bool = True) -> None:
        s = "" if value is None else str(value)
        self.ws.write_string(r, c, s, self.fmts.get(fmt) if fmt else None)
        if fit:
            self.fit(c, s, cap=12 if fmt == "head" else 60)  # headers wrap

    def number(self, r: int, c: int, value: float | int | None, fmt: str | None = None) -> None:
        if value is None or (isinstance(value, float) and value != value):
            self.ws.write_string(r, c, DASH, self.fmts[fmt or "cell"])
            return
        self.ws.write_number(r, c, value, self.fmts[fmt or "cell"])
        self.fit(c, "100.0%" if fmt and "pct" in fmt else str(value))

    def text_column(self, r0: int, c: int, values: list[str], fmt: str = "cell") -> None:
        """A column of text from row r0 down (one pass: the big sheets have ~10^5 rows)."""
        f = self.fmts[fmt]
        if self.book.fast:
            self.ws.write_column(r0, c, values, f)
        else:
            write = self.ws.write_string
            for r, v in enumerate(values, start=r0):
                write(r, c, v, f)
        if values:
            self.fit(c, max(set(values), key=text_width))  # columns repeat their values

    def number_column(self, r0: int, c: int, values: list, fmt: str = "int") -> None:
        """A column of numbers from row r0 down; None is written as a dash."""
        f = self.fmts[fmt]
        widest = DASH
        if self.book.fast:
            self.ws.write_column(r0, c, [DASH if v is None else v for v in values], f)
        else:
            write, dash = self.ws.write_number, self.ws.write_string
            for r, v in enumerate(values, start=r0):
                if v is None:
                    dash(r, c, DASH, f)
                else:
                    write(r, c, v, f)
        if "pct" in fmt:
            widest = "100.0%"
        elif any(v is not None for v in values):
            widest = str(max(v for v in values if v is not None))
        self.fit(c, widest)

    def sparse_column(
        self, r0: int, c: int, values: list, cell_format: Any = None, text: bool = True
    ) -> None:
        """A column of text (`text`) or numbers from row r0 down whose empty values (None,
        and "" for text) leave the cell empty, unformatted; the others get `cell_format`."""
        if self.book.fast:
            if cell_format is None:  # the binding leaves None and "" empty when unformatted
                self.ws.write_column(r0, c, values)
            else:
                for at, run in _runs(values):
                    self.ws.write_column(r0 + at, c, run, cell_format)
        elif text:
            write_s = self.ws.write_string
            for r, v in enumerate(values, start=r0):
                if v is not None and v != "":
                    write_s(r, c, v, cell_format)
        else:
            write_n = self.ws.write_number
            for r, v in enumerate(values, start=r0):
                if v is not None:
                    write_n(r, c, v, cell_format)

    def header(self, r: int, labels: list[str], fmt: str = "head") -> None:
        for c, label in enumerate(labels):
            self.text(r, c, label, fmt)

    def finish(self, header_last: int, freeze_col: int = 0, min_width: int = 6) -> None:
        """Column widths, frozen headers, header rows repeated on every printed page."""
        for c, w in self.widths.items():
            self.ws.set_column(c, c, max(w, min_width))
        self.ws.freeze_panes(header_last + 1, freeze_col)
        self.ws.repeat_rows(0, header_last)


def _runs(values: list) -> Iterator[tuple[int, list]]:
    """(offset, values) of each run of values that are neither None nor ""."""
    start = None
    for i, v in enumerate(values):
        if v is None or v == "":
            if start is not None:
                yield start, values[start:i]
                start = None
        elif start is None:
            start = i
    if start is not None:
        yield start, values[start:]


def print_setup(ws, title: str) -> None:
    """A4 landscape, one page wide, centred, the title on top and page numbers below."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if title:
        ws.set_header("&C" + title.replace("&", "&&")[:200])
    ws.set_footer("&C第 &P 页，共 &N 页")


class Book:
    """An open workbook (either backend) with sanlv's options, formats and marks. `fast`:
    the fast backend, whose worksheets write a whole column in one call."""

    def __init__(self, wb, title: str, kind: str, fast: bool = False) -> None:
        self.wb = wb
        self.title = title
        self.kind = kind
        self.fast = fast
        self.fmts = {k: wb.add_format(v) for k, v in _format_specs().items()}

    def sheet(self, name: str, title: str = "") -> Sheet:
        return Sheet(self, name, title)

    def add_format(self, spec: dict[str, Any]):
        return self.wb.add_format(spec)


WRITER_ENV = "SANLV_XLSX_WRITER"  # "xlsxwriter": always the fallback backend


def fast_writer_available() -> bool:
    """Whether the fast backend can be used (installed, and not turned off by the user)."""
    if os.environ.get(WRITER_ENV, "").strip().lower() == "xlsxwriter":
        return False
    try:
        import rvgsrust_xlsxwriter  # noqa: F401
    except ImportError:  # not built for this platform: xlsxwriter writes the same workbook
        return False
    return True


@contextlib.contextmanager
def workbook(
    path: str | os.PathLike,
    *,
    kind: str,
    title: str,
    comments: str = "",
    created: datetime | None = None,
    full_api: bool = False,
) -> Iterator[Book]:
    """Open a workbook for `path`; on success it is closed and moved into place atomically,
    on failure nothing is left behind (no partial target, no temporary files: the writer's
    own temporary files go into the scratch folder of `atomic_output`). `full_api`: the
    writer needs more of xlsxwriter than the fast backend offers (the template)."""
    props = {
        "title": title,
        "comments": comments or f"sanlv {__version__}",
        "keywords": mark_text(kind),
    }
    with atomic_output(Path(path)) as tmp:
        if not full_api and fast_writer_available():
            from . import xlsx_rust

            fast = xlsx_rust.Workbook(tmp)
            # the fast backend writes its own creation time (now), as created and modified
            fast.set_properties(props)
            try:
                yield Book(fast, title, kind, fast=True)
                fast.close()  # an OSError (e.g. disk full) names the temporary file
            except BaseException as exc:
                if xlsx_rust.is_panic(exc):  # a defect of the binding: exit 3, not a traceback
                    raise RuntimeError(f"rvgsrust-xlsxwriter: {exc}") from exc
                raise
            return
        yield from _xlsxwriter_book(path, tmp, kind, title, props, created)


def _xlsxwriter_book(path, tmp: str, kind: str, title: str, props: dict, created):
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    wb = xlsxwriter.Workbook(
        tmp,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": os.path.dirname(tmp),
        },
    )
    try:
        wb.set_properties({**props, "created": created or datetime.now().replace(microsecond=0)})
        # xlsxwriter writes the same time as created and modified: a later save by a
        # person changes the modified time, and the file is no longer sanlv's to replace.
        wb.set_custom_property(MARK_PROPERTY, f"{kind} {__version__}")
        yield Book(wb, title, kind)
    except BaseException:
        _abandon(wb)
        raise
    try:
        wb.close()
    except FileCreateError as exc:  # xlsxwriter's wrapper of the OSError (e.g. disk full)
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
        if cause is None:
            raise
        raise OSError(cause.errno, cause.strerror or str(cause), os.fspath(path)) from exc


def _abandon(wb) -> None:
    """Give up a workbook without writing it: close the row files of constant-memory
    worksheets (the scratch folder holding them is removed next)."""
    wb.fileclosed = True
    for ws in wb.worksheets():
        with contextlib.suppress(Exception):
            if getattr(ws, "row_data_fh", None) is not None:
                ws._opt_close()
