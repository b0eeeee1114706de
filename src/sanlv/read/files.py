"""Files: which files a folder stands for, their fingerprints, the container checks, and
the dispatch of one file to the Excel or CSV loader."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from ..issues import INFO, InputError, Issue
from ..write import is_scratch, output_mark, sweep_stale
from .container import MAX_UNZIPPED_BYTES, Survey
from .csvfile import load_csv
from .excel import load_excel
from .grid import Grid

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
SUFFIXES = (*EXCEL_SUFFIXES, ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

T = TypeVar("T")


# Workbooks sanlv wrote that are no rosters (a ledger and a filled-in template are): skipped in
# folders, so that `sanlv report FOLDER -o FOLDER/报告.xlsx` can run again next month.
NOT_ROSTERS = ("report", "diff", "trend", "issues", "status", "brief")


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given; a folder stands for the roster files in it (see `expand`)."""
    return expand(paths)[0]


def expand(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Issue]]:
    """Files as given; a folder stands for the roster files in it, sorted, not recursively.
    In a folder, hidden files, Excel lock files (~$…), sanlv's scratch folders and the
    outputs sanlv wrote that are no rosters are skipped, each with an info issue; sanlv's
    scratch folders older than a day (left by a killed run) are removed."""
    out: list[Path] = []
    skipped: list[Issue] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        sweep_stale(p)
        for f in sorted(p.iterdir()):
            why = _skip_reason(f)
            if why is None:
                out.append(f)
            elif why:
                skipped.append(
                    Issue("file-ignored", INFO, f"已略过 {p.name or p}/{f.name}：{why}。", f.name)
                )
    return out, skipped


def _skip_reason(f: Path) -> str | None:
    """Why a folder's entry is not read: None to read it, "" to pass over it silently."""
    name = f.name
    if is_scratch(name):
        return "sanlv 写文件时的临时文件夹（可能是被中断的运行留下的，超过一天会自动删除）"
    if not f.is_file() or f.suffix.lower() not in SUFFIXES:
        return ""  # other files and folders: not rosters
    if name.startswith("~$"):
        return "Excel 打开文件时生成的临时锁定文件"
    if name.startswith("."):
        return "隐藏文件"
    mark = output_mark(f)
    if mark is None:
        return None
    if mark.kind in NOT_ROSTERS:
        return f"这是 sanlv 生成的{OUTPUT_NAMES.get(mark.kind, '文件')}，不是台账"
    if mark.kind == "annotated" and not mark.edited:
        return "这是 sanlv 生成的标注副本（未改动过），其原始台账已在读取之列"
    return None


OUTPUT_NAMES = {
    "report": "三率报告",
    "diff": "两期变动清单",
    "trend": "走势表",
    "issues": "问题清单",
    "status": "报送情况表",
    "brief": "通报",
}


def check_zip(path: Path, max_bytes: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip container whose parts inflate beyond the limits (a zip bomb), counting
    the bytes really inflated, whatever the headers declare; and a zip that is no workbook of
    its kind (a Word file renamed .xlsx)."""
    survey = Survey(path, max_bytes)
    _check_parts(path, {i.filename for i in survey.infos})
    survey.run()


# Zip containers that are no workbook: Office documents renamed to .xlsx/.ods.
_OTHER_DOCUMENTS = (
    ("word/document.xml", "Word 文档"),
    ("ppt/presentation.xml", "PowerPoint 演示文稿"),
    ("visio/document.xml", "Visio 图表"),
)
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "OpenDocument 文字文档（.odt）",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument 演示文稿（.odp）",
}


def _check_parts(path: Path, names: set[str]) -> None:
    """Refuse a zip that is no workbook of its kind (a Word file renamed .xlsx), in Chinese,
    before the Excel reader fails on it with its own words."""
    name = path.name
    for part, kind in _OTHER_DOCUMENTS:
        if part in names:
            raise InputError(
                "file-unreadable",
                f"文件 {name} 其实是 {kind}，不是 Excel 工作簿（扩展名被改成了 {path.suffix}），"
                "请打开正确的台账文件。",
                name,
            )
    if path.suffix.lower() == ".ods":
        if "content.xml" in names and "mimetype" in names:
            try:
                with zipfile.ZipFile(path) as zf:
                    mime = zf.read("mimetype")[:100].decode("ascii", "replace").strip()
            except (zipfile.BadZipFile, OSError, ValueError, KeyError):
                mime = ""
            if mime in _ODF_KINDS:
                raise InputError(
                    "file-unreadable",
                    f"文件 {name} 其实是 {_ODF_KINDS[mime]}，不是电子表格，请打开正确的台账文件。",
                    name,
                )
        ok = "content.xml" in names
    else:
        ok = "_rels/.rels" in names  # where the reader looks for the workbook part
    if not ok:
        raise InputError(
            "file-unreadable",
            f"文件 {name} 不是有效的Excel工作簿（压缩包里没有工作簿内容，可能已损坏或扩展名不对）。",
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
    survey: Survey | None = None
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
        survey = Survey(path, max_unzipped)
        _check_parts(path, {i.filename for i in survey.infos})
        if suffix == ".xlsb":
            survey.run()
            survey = None
        else:
            survey.survey_workbook()
    elif suffix == ".ods":
        if not magic.startswith(ZIP_MAGIC):
            raise InputError("file-unreadable", f"文件 {name} 不是有效的ODS文件。", name)
        check_zip(path, max_unzipped)
    elif suffix == ".xls" and not magic.startswith(OLE_MAGIC):
        raise InputError(
            "file-unreadable", f"文件 {name} 不是有效的xls文件（可能已损坏或扩展名不对）。", name
        )
    return load_excel(path, after, survey)
