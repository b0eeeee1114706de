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

import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..issues import InputError
from .sheetxml import CHUNK, SheetScan, _Careful, _Scanner

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
# Worksheets up to this size (as declared) have every cell checked against the dimension;
# larger ones, which only Excel-like writers produce, are trusted to declare it truly (a cell
# check costs about as much as inflating the part).
VERIFY_BYTES = 16 * 1024**2
LOCAL_HEADER = b"PK\x03\x04"
SMALL_PART = 16 * 1024**2  # workbook.xml and its relations are read whole, up to this size


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
