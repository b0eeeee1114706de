"""CSV files -> one grid (UTF-8 with or without BOM, UTF-16 with BOM, GB18030).

The grid is bounded by what the file holds: empty cells at the end of a row do not widen it,
and a row reaching far to the right of every roster (a stray line of thousands of cells) is
refused with the cell named rather than padding every row to its width (which made a 180 KB
file take minutes and gigabytes)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pyarrow as pa

from ..issues import InputError, col_letter
from .grid import Grid

# Cells (rows x columns, empty ones included) a CSV grid may hold beyond MIN_COLUMNS per row:
# a grid is at most max(MIN_COLUMNS, MAX_CELLS // rows) columns wide, so its size is linear
# in the file's (a roster has a few dozen columns at most).
MAX_CELLS = 4_000_000
MIN_COLUMNS = 64

_FIX = "请用 Excel 或记事本把整个文件以同一种编码（UTF-8 或 GB18030/GBK）另存后再试"


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _encoding_error(name: str, detail: str) -> InputError:
    return InputError("file-encoding", f"文件 {name} {detail}，{_FIX}。", name)


def _mixed(raw: bytes, name: str) -> None:
    """Refuse a file that is not valid UTF-8 as a whole although some of its lines are: lines
    in two encodings (a GB18030 file with UTF-8 rows pasted in, or the other way round)."""
    first: dict[bool, int] = {}
    for n, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
        first.setdefault(utf8, n)
        if len(first) == 2:
            break
    if len(first) == 2:
        good, bad = sorted(first.values())
        enc = "UTF-8" if good == first[True] else "GB18030/GBK"
        raise _encoding_error(
            name,
            f"混用了多种文字编码（第 {good} 行是 {enc}，第 {bad} 行却是另一种编码）",
        )


def _decode(raw: bytes, name: str) -> str:
    """The file's text. Raises InputError (`file-encoding`, naming the first bad line) for a
    file that is valid in no supported encoding or mixes encodings."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _encoding_error(
                name, f"以 UTF-16 标记开头，但第 {_line_of(raw, exc.start)} 行不是 UTF-16 文字"
            ) from None
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[3:] if bom else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_utf8 = _line_of(body, exc.start)
    if bom:
        raise _encoding_error(
            name, f"以 UTF-8 标记开头，但第 {bad_utf8} 行不是 UTF-8 文字（混用了多种编码）"
        )
    _mixed(body, name)
    try:
        return body.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _encoding_error(
            name,
            f"既不是 UTF-8 也不是 GB18030/GBK 编码（第 {_line_of(body, exc.start)} 行无法识别）",
        ) from None


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger" in text:
        return "单元格内容过长"
    if "newline" in text.replace("-", ""):
        return "引号内的换行不成对"
    return "引号或分隔符不成对"


def load_csv(path: Path) -> Grid:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            "file-unreadable", f"文件 {name} 无法打开：{exc.strerror or exc}。", name
        ) from None
    text = _decode(raw, name).replace("\x00", "")
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(64 * 1024 * 1024)
    rows: list[list[str]] = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            k = len(row)
            while k and not row[k - 1].strip():  # empty cells at the end add no column
                k -= 1
            if k < len(row):
                del row[k:]
            width = max(width, k)
            rows.append(row)
    except csv.Error as exc:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 不是有效的CSV文件（第 {len(rows) + 1} 条记录格式有误：{_csv_reason(exc)}）。",
            name,
        ) from None
    limit = max(MIN_COLUMNS, MAX_CELLS // max(1, len(rows)))
    if width > limit:
        r = next(i for i, row in enumerate(rows) if len(row) > limit)
        far = rows[r]
        raise InputError(
            "file-unreadable",
            f"文件 {name} 第 {r + 1} 行一直填到第 {len(far)} 列（单元格 {col_letter(len(far) - 1)}"
            f"{r + 1}），远远超出台账的列数（此文件最多读取 {limit} 列），已拒绝读取；"
            "请删除这一行右侧多余的内容后再试。",
            name,
        )
    columns = [
        pa.array([(r[j] or None) if j < len(r) else None for r in rows], pa.string())
        for j in range(width)
    ]
    return Grid(name, path.stem, columns, 0, False)
