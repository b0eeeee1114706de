"""One worksheet's XML, scanned with plain byte searches for what the Rust reader would hide
or choke on: the used range (declared, checked, or placed cell by cell), cells far beyond
it, error cells, formulas without a cached value, and merged ranges. Used by
`container.Survey` while it inflates each worksheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CHUNK = 1 << 20  # bytes inflated at a time

_DIMENSION_RE = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"'
)
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_ROOT_PREFIX_RE = re.compile(rb"<(\w+):worksheet\b")
# An error value cached in a cell: <c r="B7" t="e"><v>#N/A</v></c>.
_ERROR_RE = re.compile(rb"<v>(#[^<]{1,30})</v>")
# A formula cell without a cached value: the formula (or a shared formula's reference) followed
# by the end of the cell, or by an empty value.
_UNCACHED_RES = (
    re.compile(rb"</f>(<v\s*/>|<v></v>)?</c>"),
    re.compile(rb"<f\s[^>]*/>(<v\s*/>|<v></v>)?</c>"),
)
_CELL_START_RE = re.compile(rb"<c\s([^>]*)>")
_ATTR_R_RE = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ATTR_T_RE = re.compile(rb'\bt="(\w+)"')
_FORMULA_TEXT_RE = re.compile(rb"<f\b[^>]*>([^<]*)</f>")


def col_index(letters: bytes | str) -> int:
    """0-based column of Excel letters (A -> 0)."""
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n - 1


def _greater(value: str, alphabet: str) -> str:
    """A regex for strings of len(value) over `alphabet` (in order) greater than `value`."""
    alts = []
    for i, ch in enumerate(value):
        pos = alphabet.index(ch)
        if pos + 1 < len(alphabet):
            rest = len(value) - i - 1
            higher = f"[{alphabet[pos + 1]}-{alphabet[-1]}]"
            alts.append(
                re.escape(value[:i])
                + higher
                + (f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}" if rest else "")
            )
    return "|".join(alts)


def _far_re(max_col: str, max_row: int) -> re.Pattern[bytes]:
    """Cells beyond column `max_col` or row `max_row` (group 1: those with a leading r
    attribute), and cells whose r attribute is not the first or absent (group 1 None: the
    careful scan places those)."""
    az = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    k = len(max_col)
    cols = [f"[A-Z]{{{k + 1},}}"]  # more letters
    if _greater(max_col, az):
        cols.append(f"(?:{_greater(max_col, az)})(?=\\d)")
    digits = str(max_row)
    rows = [f"\\d{{{len(digits) + 1},}}"]  # more digits
    if _greater(digits, "0123456789"):
        rows.append(f"(?:{_greater(digits, '0123456789')})")
    beyond = "|".join(cols) + f'|[A-Z]{{1,{k}}}(?:{"|".join(rows)})"'
    return re.compile(f'<c(?: r="({beyond})|\\s+(?!r=")|>)'.encode())


@dataclass
class SheetScan:
    """What one worksheet's XML holds beside the values the reader gives."""

    part: str
    dimension: tuple[int, int] | None = None  # (rows, columns) of the declared used range
    # (row, column, reference) of value cells found beyond the dimension (1-based).
    far: list[tuple[int, int, str]] = field(default_factory=list)
    irregular: bool = False  # markup the quick scan cannot place: the careful scan decides
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r1 c1 r2 c2
    # 0-based (row, col) -> the error value ("#N/A") or the formula without a cached value
    # ("=VLOOKUP(...)", or "公式" for a shared formula's other cells)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    extent: tuple[int, int, str] | None = None  # (rows, columns, farthest cell), once known
    size: int = 0  # bytes of XML


class _Scanner:
    """Scans one worksheet's XML as it is inflated, window by window. A window ends after the
    last complete cell, so a cell is never cut in two; merged ranges come after the cells
    (after </sheetData>), so they are looked for only in what follows the last cell."""

    def __init__(self, part: str, verify: bool = True) -> None:
        self.scan = SheetScan(part)
        self.verify = verify
        self.carry = b""
        self.first = True
        self.formulas = False
        self.far_re = _far_re("A", 1)  # replaced by the dimension's

    def feed(self, data: bytes) -> None:
        self.scan.size += len(data)
        pos = 0
        if self.carry:
            # the carried tail and the head of this chunk, up to the first cell's end
            k = data.find(b"</c>")
            if k < 0 and len(self.carry) + len(data) < 4 * CHUNK:
                self.carry += data
                return
            pos = k + 4 if k >= 0 else len(data)
            self._window(self.carry + data[:pos], 0, len(self.carry) + pos, cells=k >= 0)
            self.carry = b""
        cut = data.rfind(b"</c>", pos)
        if cut >= 0:
            cut += 4
            self._window(data, pos, cut, cells=True)
            pos = cut
        self.carry = data[pos:]
        if len(self.carry) >= 4 * CHUNK:  # no cell in sight: what follows the cells
            self._window(self.carry, 0, len(self.carry), cells=False)
            self.carry = b""

    def finish(self) -> SheetScan:
        if self.carry:
            self._window(self.carry, 0, len(self.carry), cells=False)
            self.carry = b""
        return self.scan

    def _window(self, w: bytes, pos: int, end: int, cells: bool) -> None:
        scan = self.scan
        if self.first:
            self.first = False
            if _ROOT_PREFIX_RE.search(w, pos, min(end, pos + 4096)):
                scan.irregular = True  # prefixed markup: the careful scan reads it
            m = _DIMENSION_RE.search(w, pos, min(end, pos + (1 << 16)))
            if m is not None:
                col, row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
                scan.dimension = (int(row), col_index(col) + 1)
                self.far_re = _far_re(col.decode(), int(row))
            else:
                scan.irregular = True
        if self.verify and not scan.irregular:
            for m in self.far_re.finditer(w, pos, end):
                if m.group(1) is None:
                    scan.irregular = True  # a cell whose r attribute is not first, or absent
                    break
                cell = _cell_at(w, m.start())
                if cell is not None:
                    scan.far.append(cell)
        # "#" is rare in a sheet's XML and found by memchr: the error values all begin with it
        if w.find(b"#", pos, end) >= 0 and w.find(b"<v>#", pos, end) >= 0:
            for m in _ERROR_RE.finditer(w, pos, end):
                tag = _cell_before(w, m.start(), pos)
                if tag is None:
                    continue
                t = _ATTR_T_RE.search(tag)
                r = _ATTR_R_RE.search(tag)
                if t is not None and t.group(1) == b"e" and r is not None:
                    key = (int(r.group(2)) - 1, col_index(r.group(1)))
                    scan.errors[key] = m.group(1).decode("utf-8", "replace")
        if not self.formulas:  # "f" is rare in cells without formulas: memchr first
            self.formulas = w.find(b"f", pos, end) >= 0 and w.find(b"</f>", pos, end) >= 0
        if self.formulas:
            for rx in _UNCACHED_RES:
                for m in rx.finditer(w, pos, end):
                    tag = _cell_before(w, m.start(), pos)
                    if tag is None:
                        continue
                    t = _ATTR_T_RE.search(tag)
                    if m.group(1) == b"<v></v>" and t is not None and t.group(1) == b"str":
                        continue  # a formula whose cached result is the empty text
                    r = _ATTR_R_RE.search(tag)
                    if r is None:
                        continue
                    start = w.rfind(b"<c ", pos, m.start())
                    f = _FORMULA_TEXT_RE.search(w, start, m.end())
                    text = "=" + f.group(1).decode("utf-8", "replace") if f else "公式"
                    key = (int(r.group(2)) - 1, col_index(r.group(1)))
                    scan.errors.setdefault(key, text[:60])
        if not cells and w.find(b"mergeCell", pos, end) >= 0:
            for m in _MERGE_RE.finditer(w, pos, end):
                a, r1, b, r2 = m.groups()
                scan.merges.append((int(r1) - 1, col_index(a), int(r2) - 1, col_index(b)))


def _cell_before(w: bytes, at: int, pos: int) -> bytes | None:
    """The attributes of the cell tag that precedes position `at`."""
    start = w.rfind(b"<c ", pos, at)
    tag = _CELL_START_RE.match(w, start) if start >= 0 else None
    return tag.group(1) if tag is not None else None


def _cell_at(w: bytes, pos: int) -> tuple[int, int, str] | None:
    """(row, column, reference) of the cell whose tag starts at `pos`, None when it holds no
    value (a formatted empty cell: the reader skips it)."""
    end = w.find(b">", pos)
    if end < 0:
        return None
    tag = w[pos:end]
    if tag.endswith(b"/") or w.startswith(b"</c>", end + 1):
        return None
    r = _ATTR_R_RE.search(tag)
    if r is None:
        return None
    ref = (r.group(1) + r.group(2)).decode()
    return int(r.group(2)), col_index(r.group(1)) + 1, ref


# --- the careful scan ---------------------------------------------------------------------------

_ELEMENT_RE = re.compile(rb"<(/?)(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
_ROW_R_RE = re.compile(rb'\br="(\d+)"')


class _Careful:
    """(rows, columns, farthest value cell) of a worksheet, element by element, placing cells
    as the reader does (a cell without r follows the previous one; a row without r follows
    the previous row). For sheets without a dimension, with an absurd one, or with markup the
    quick scan cannot place."""

    def __init__(self) -> None:
        self.rows = self.cols = 0
        self.best: tuple[int, int] = (0, 0)
        self.row = self.col = 0
        self.carry = b""
        self.base = 0  # absolute offset of the current window
        self.pending: tuple[int, int, int] | None = None  # open cell: row, column, end of tag

    def feed(self, data: bytes) -> None:
        w = self.carry + data if self.carry else data
        cut = w.rfind(b">") + 1
        for m in _ELEMENT_RE.finditer(w, 0, cut):
            close, kind, attrs, selfclose = m.groups()
            if kind == b"row":
                if not close:
                    r = _ROW_R_RE.search(attrs)
                    self.row = int(r.group(1)) if r else self.row + 1
                    self.col = 0
                continue
            if close:
                p = self.pending
                if p is not None and self.base + m.start() > p[2]:
                    self._value(p[0], p[1])
                self.pending = None
                continue
            r = _ATTR_R_RE.search(attrs)
            if r is not None:
                self.row, self.col = int(r.group(2)), col_index(r.group(1)) + 1
            else:
                self.col += 1
            self.pending = None if selfclose else (max(self.row, 1), self.col, self.base + m.end())
        self.carry = w[cut:]
        self.base += cut

    def _value(self, row: int, col: int) -> None:
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)
        if row * col > self.best[0] * self.best[1]:
            self.best = (row, col)

    def result(self) -> tuple[int, int, str]:
        return self.rows, self.cols, cell_ref(*self.best) if self.best[0] else ""


def cell_ref(row: int, col: int) -> str:
    """Excel reference of a 1-based (row, column)."""
    letters = ""
    n = col
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"
