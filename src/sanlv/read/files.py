"""Files: which files a folder stands for, their fingerprints, the container checks, and
the dispatch of one file to the Excel or CSV loader."""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from ..issues import InputError
from .csvfile import load_csv
from .excel import load_excel
from .grid import Grid

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
SUFFIXES = (*EXCEL_SUFFIXES, ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Limits against hostile workbooks; raised by the user with --max-unzipped-mb.
MAX_UNZIPPED_BYTES = 2 * 1024**3
MAX_ZIP_RATIO = 200
T = TypeVar("T")


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; a folder stands for the roster files in it (sorted, no lock files)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("~$")
                )
            )
        else:
            out.append(p)
    return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_zip(path: Path, max_bytes: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip container whose parts would inflate beyond the limits (a zip bomb)."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            "file-unreadable", f"文件 {name} 已损坏，无法作为Excel文件打开（{exc}）。", name
        ) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > max_bytes:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 解压后达 {total / 1024**2:,.0f} MB，超过上限 {max_bytes / 1024**2:,.0f} MB，"
            "疑似压缩炸弹，已拒绝读取（确属正常文件可用 --max-unzipped-mb 调高上限）。",
            name,
        )
    if total > 50 * 1024**2 and total / packed > MAX_ZIP_RATIO:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 的压缩比为 {total / packed:,.0f} 倍，疑似压缩炸弹，已拒绝读取"
            "（确属正常文件可用 --max-unzipped-mb 调高上限）。",
            name,
        )


def load_grids(
    path: Path, max_unzipped: int = MAX_UNZIPPED_BYTES, after: Callable[[Grid], T] | None = None
) -> list[Any]:
    """Every sheet of one file as a grid, or what `after` makes of each grid (run in the
    reading threads, as soon as the sheet is read). Raises InputError when the file cannot be
    read."""
    name = path.name
    if not path.exists():
        raise InputError("file-unreadable", f"文件 {path} 不存在。", name)
    if path.is_dir():
        raise InputError("file-unreadable", f"{path} 是文件夹，其中没有可读取的台账文件。", name)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 的格式 “{suffix or '无扩展名'}” 不支持，请使用 xlsx、xlsm、xls、ods 或 csv。",
            name,
        )
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise InputError(
            "file-unreadable", f"文件 {name} 无法打开：{exc.strerror or exc}。", name
        ) from None
    if suffix == ".csv":
        grid = load_csv(path)
        return [after(grid) if after else grid]
    if suffix in (".xlsx", ".xlsm", ".xlsb"):
        if magic.startswith(OLE_MAGIC):
            raise InputError(
                "file-encrypted",
                f"文件 {name} 设置了打开密码（已加密），请取消密码后另存再试。",
                name,
            )
        if not magic.startswith(ZIP_MAGIC):
            raise InputError(
                "file-unreadable",
                f"文件 {name} 不是有效的Excel文件（可能已损坏或扩展名不对）。",
                name,
            )
        check_zip(path, max_unzipped)
    elif suffix == ".ods":
        if not magic.startswith(ZIP_MAGIC):
            raise InputError("file-unreadable", f"文件 {name} 不是有效的ODS文件。", name)
        check_zip(path, max_unzipped)
    elif suffix == ".xls" and not magic.startswith(OLE_MAGIC):
        raise InputError(
            "file-unreadable", f"文件 {name} 不是有效的xls文件（可能已损坏或扩展名不对）。", name
        )
    return load_excel(path, after)
