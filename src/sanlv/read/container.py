"""Zip containers (xlsx, xlsm, ods): every part inflated once, as a stream, before the Rust
reader sees the file.

The zip headers are not trusted: the bytes each part really inflates to are counted while it
is inflated, and the file is refused as soon as the count passes the limit (a zip bomb whose
headers declare tiny sizes). The same pass looks at each worksheet's XML for what the reader
would hide or choke on, with plain byte searches (a part without any of it costs one search):

- the used range the reader will allocate (rows x columns: one stray cell at XFD1048576 is
  gigabytes): the declared dimension, every cell checked against it in sheets up to
  VERIFY_BYTES, and the cells themselves placed one by one when it is absent or too large;
- error cells (#N/A, #REF!...) and formulas without a cached value (the reader gives both as
  blank cells);
- merged ranges.
"""

from __future__ import annotations

import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..issues import InputError

MAX_UNZIPPED_BYTES = 2 * 1024**3
MAX_ZIP_RATIO = 200
RATIO_FLOOR = 50 * 1024**2  # the ratio rule applies above this many inflated bytes
# Cells the reader may allocate for one sheet (rows x columns of its used range, about 32
# bytes each) and for a whole workbook: about 500 MB and 800 MB.
MAX_SHEET_CELLS = 16_000_000
MAX_BOOK_CELLS = 24_000_000
# A used range of more rows (cells) than this whose XML has fewer bytes per row (cell) than
# that is nearly all missing (a stray cell far below or to the right of the data): a real row
# takes a hundred bytes or more, a real cell about twenty.
SPARSE_ROWS = 50_000
SPARSE_BYTES_PER_ROW = 40
SPARSE_CELLS = 2_000_000
SPARSE_BYTES_PER_CELL = 4
CHUNK = 1 << 20
# Worksheets up to this size (as declared) have every cell checked against the dimension;
# larger ones, which only Excel-like writers produce, are trusted to declare it truly (a cell
# check costs about as much as inflating the part).
VERIFY_BYTES = 16 * 1024**2
LOCAL_HEADER = b"PK\x03\x04"
SMALL_PART = 16 * 1024**2  # workbook.xml and its relations are read whole, up to this size

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


class Survey:
    """One pass over a zip container: real sizes counted (refused past the limits) and the
    worksheets scanned. Raises InputError for a container that cannot be read safely."""

    def __init__(self, path: Path, max_bytes: int = MAX_UNZIPPED_BYTES) -> None:
        self.path = path
        self.name = path.name
        self.max_bytes = max_bytes
        self.size = path.stat().st_size
        # inflated bytes beyond both the floor and MAX_ZIP_RATIO times the file: a bomb
        self.ratio_cap = max(RATIO_FLOOR, MAX_ZIP_RATIO * self.size)
        self.total = 0
        self.lock = threading.Lock()
        self.stop = False
        self.sheets: dict[str, SheetScan] = {}  # by part
        self.parts: dict[str, str] = {}  # sheet name -> worksheet part
        self.by_part: dict[str, zipfile.ZipInfo] = {}
        self.cells = 0  # cells the reader may allocate, over the sheets surveyed
        self._pool: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future[SheetScan | None]] = {}
        try:
            with zipfile.ZipFile(path) as zf:
                self.infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            raise InputError(
                "file-unreadable",
                f"文件 {self.name} 已损坏，无法作为Excel文件打开（{exc}）。",
                self.name,
            ) from None

    # --- counting --------------------------------------------------------------------------

    def _count(self, n: int) -> None:
        with self.lock:
            self.total += n
            total = self.total
        if total > self.max_bytes:
            self.stop = True
            raise InputError(
                "file-unreadable",
                f"文件 {self.name} 解压后超过上限 {self.max_bytes / 1024**2:,.0f} MB，"
                "疑似压缩炸弹，已拒绝读取（确属正常文件可用 --max-unzipped-mb 调高上限）。",
                self.name,
            )
        if total > self.ratio_cap:
            self.stop = True
            raise InputError(
                "file-unreadable",
                f"文件 {self.name} 的压缩比超过 {MAX_ZIP_RATIO} 倍（{self.size / 1024**2:,.1f} MB "
                f"解压后超过 {total / 1024**2:,.0f} MB），疑似压缩炸弹，已拒绝读取"
                "（确属正常文件可用 --max-unzipped-mb 调高上限）。",
                self.name,
            )

    def _inflate(
        self, info: zipfile.ZipInfo, sink: Callable[[bytes], None] | None, count: bool = True
    ) -> None:
        """Inflate one part from its local header on, counting what comes out; the sizes in
        the headers only bound how much of the file is read."""
        name = self.name
        if info.flag_bits & 0x1:
            raise InputError(
                "file-encrypted",
                f"文件 {name} 设置了密码保护（已加密），请取消密码后另存再试。",
                name,
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError(
                "file-unreadable",
                f"文件 {name} 的部件 {info.filename} 使用了不支持的压缩方式，请用 Excel 另存后再试。",
                name,
            )
        with self.path.open("rb") as fh:
            fh.seek(info.header_offset)
            head = fh.read(30)
            if len(head) < 30 or head[:4] != LOCAL_HEADER:
                raise InputError(
                    "file-unreadable", f"文件 {name} 已损坏（{info.filename} 的位置不对）。", name
                )
            n, m = struct.unpack("<HH", head[26:30])
            fh.seek(info.header_offset + 30 + n + m)
            left = min(info.compress_size, max(0, self.size - fh.tell()))
            inflater = (
                zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
            )
            while left > 0 and not self.stop:
                data = fh.read(min(CHUNK, left))
                if not data:
                    break
                left -= len(data)
                if inflater is None:
                    if count:
                        self._count(len(data))
                    if sink:
                        sink(data)
                    continue
                while data and not self.stop:
                    try:
                        out = inflater.decompress(data, CHUNK)
                    except zlib.error:
                        raise InputError(
                            "file-unreadable",
                            f"文件 {name} 已损坏（{info.filename} 无法解压）。",
                            name,
                        ) from None
                    if count:
                        self._count(len(out))
                    if sink and out:
                        sink(out)
                    data = inflater.unconsumed_tail
                if inflater.eof:
                    break

    # --- the pass --------------------------------------------------------------------------

    def run(self, sheet_parts: Iterable[str] = (), skip: Iterable[str] = ()) -> None:
        """Inflate every part but those to `skip` (in threads: zlib lets go of the
        interpreter), scanning the given worksheet parts."""
        sheet_parts = set(sheet_parts)
        skip = set(skip)
        infos = sorted(
            (i for i in self.infos if i.filename not in skip), key=lambda i: -i.compress_size
        )

        def one(info: zipfile.ZipInfo) -> None:
            if info.filename in sheet_parts:
                scan = _Scanner(info.filename, info.file_size <= VERIFY_BYTES)
                self._inflate(info, scan.feed)
                self.sheets[info.filename] = scan.finish()
            else:
                self._inflate(info, None)

        if len(infos) > 1 and sum(i.compress_size for i in infos) > 4 * CHUNK:
            pool = ThreadPoolExecutor(2)
            try:
                for f in [pool.submit(one, i) for i in infos]:
                    f.result()
            except BaseException:
                self.stop = True
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        else:
            for info in infos:
                one(info)

    def sheet_parts(self) -> dict[str, str]:
        """Sheet name -> its worksheet part, from workbook.xml and its relations (read whole,
        each at most SMALL_PART bytes); {} when they cannot be read."""
        from defusedxml import ElementTree

        ns_r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        out: dict[str, str] = {}
        try:
            with zipfile.ZipFile(self.path) as zf:
                rels = ElementTree.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
                book = ElementTree.fromstring(_read_small(zf, "xl/workbook.xml"))
        except Exception:  # the reader will say what is wrong with the file
            return out
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        for sh in book.iter():
            if not str(sh.tag).endswith("}sheet"):
                continue
            target = targets.get(sh.get(ns_r), "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[sh.get("name", "")] = part
        return out

    def survey_workbook(self) -> None:
        """The pass for an xlsx/xlsm, but for the worksheets that the reader reads one by one:
        every other part is counted (and any worksheet part of no listed sheet scanned) before
        the reader opens the file; each listed sheet is surveyed by `check_sheet` just before
        the reader reads it."""
        names = {i.filename for i in self.infos}
        self.parts = {s: p for s, p in self.sheet_parts().items() if p in names}
        self.by_part = {i.filename: i for i in self.infos}
        listed = set(self.parts.values())
        loose = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
        self.run(loose - listed, skip=listed)
        for part in loose - listed:
            self._check_extent("", self.sheets[part])

    def start(self, sheets: list[str]) -> None:
        """Survey the listed sheets one after another, in the reader's order, in a thread of
        their own: the reader reads one sheet (without the interpreter's lock) while the next
        one is surveyed."""
        self._pool = ThreadPoolExecutor(1)
        self._futures = {
            s: self._pool.submit(self._survey_sheet, s) for s in sheets if s in self.parts
        }

    def close(self) -> None:
        if self._pool is not None:
            self.stop = True
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def check_sheet(self, sheet: str) -> SheetScan | None:
        """Wait for one listed sheet's survey: counted, scanned, refused when its used range
        is too large for the reader (a stray far cell). None for a sheet not listed (its part
        was surveyed with the rest)."""
        future = self._futures.get(sheet)
        return future.result() if future is not None else self._survey_sheet(sheet)

    def _survey_sheet(self, sheet: str) -> SheetScan | None:
        part = self.parts.get(sheet)
        if part is None:
            return None
        with self.lock:
            scan = self.sheets.get(part)
        if scan is None:
            scanner = _Scanner(part, self.by_part[part].file_size <= VERIFY_BYTES)
            self._inflate(self.by_part[part], scanner.feed)
            if self.stop:  # another part failed: this one was not read to its end
                raise InputError("file-unreadable", f"文件 {self.name} 未能读取。", self.name)
            scan = scanner.finish()
            with self.lock:
                self.sheets[part] = scan
            self._check_extent(sheet, scan)
        return scan

    def _check_extent(self, sheet: str, scan: SheetScan) -> None:
        """Refuse a sheet the reader cannot hold: too many cells in its used range, or a used
        range of very many rows that are nearly all missing (a stray cell far below the data:
        every blank row above it would be read and accounted for)."""
        rows, cols, cell = self._extent(scan, self.by_part[scan.part])
        with self.lock:
            self.cells += rows * cols
            total = self.cells
        cells = rows * cols
        sparse = (rows > SPARSE_ROWS and scan.size < SPARSE_BYTES_PER_ROW * rows) or (
            cells > SPARSE_CELLS and scan.size < SPARSE_BYTES_PER_CELL * cells
        )
        if cells > MAX_SHEET_CELLS or total > MAX_BOOK_CELLS or sparse:
            if not cell:
                careful = _Careful()
                self._inflate(self.by_part[scan.part], careful.feed, count=False)
                careful.feed(b">")
                cell = careful.result()[2]
            self._refuse_far(sheet, cell)

    def _extent(self, scan: SheetScan, info: zipfile.ZipInfo) -> tuple[int, int, str]:
        """Rows and columns the reader will allocate for a sheet, and its farthest cell."""
        dim = scan.dimension
        if scan.irregular or dim is None or dim[0] * dim[1] > MAX_SHEET_CELLS:
            careful = _Careful()
            self._inflate(info, careful.feed, count=False)
            careful.feed(b">")
            scan.extent = careful.result()
            return scan.extent
        rows = max([dim[0], *(r for r, _c, _ref in scan.far)])
        cols = max([dim[1], *(c for _r, c, _ref in scan.far)])
        far = max(scan.far, key=lambda x: x[0] * x[1])[2] if scan.far else ""
        scan.extent = (rows, cols, far)
        return scan.extent

    def _refuse_far(self, sheet: str, cell: str) -> None:
        where = f"的单元格 {cell} " if cell else " "
        what = f"的工作表 “{sheet}” " if sheet else " "
        raise InputError(
            "file-unreadable",
            f"文件 {self.name} {what}{where}远离数据区，表格范围因此大到无法读取"
            "（中间几乎全是空行或空列），已拒绝读取。请删除该单元格"
            "（或其所在的多余行、列）后另存再试。",
            self.name,
        )


def _read_small(zf: zipfile.ZipFile, part: str) -> bytes:
    """A small part read whole; ValueError past SMALL_PART bytes."""
    with zf.open(part) as fh:
        data = fh.read(SMALL_PART + 1)
    if len(data) > SMALL_PART:
        raise ValueError(part)
    return data


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
