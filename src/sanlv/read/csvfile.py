"""CSV files -> one grid (UTF-8 with or without BOM, UTF-16 with BOM, GB18030)."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pyarrow as pa

from ..issues import InputError
from .grid import Grid


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def load_csv(path: Path) -> Grid:
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
