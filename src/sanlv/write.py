"""Write stage helpers shared by every output (SPEC section 3, "Files and safety"):

- atomic replacement through a private scratch folder beside the target, removed on every
  exit path; stale scratch folders of killed runs are swept after a day;
- the guard that refuses an output which is an input, and an existing file that sanlv did
  not write (or that was changed after sanlv wrote it) unless forced;
- recognising sanlv's own outputs (the ``sanlv`` document property, the issue list header);
- text-safe CSV cells.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import inspect
import os
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import __version__
from .issues import ISSUE_COLUMNS, UsageError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# One hidden scratch folder per output, beside the target: the temporary file and any
# temporary files of the writing library live in it. A run killed with SIGKILL can leave it
# behind; readers skip it and writers remove it once it is older than STALE_SECONDS.
SCRATCH_PREFIX = ".sanlv-"
SCRATCH_SUFFIX = ".tmp"
STALE_SECONDS = 24 * 3600

MARK_PROPERTY = "sanlv"  # the mark of sanlv's files: "sanlv <kind> <version>" (see output_mark)
# Created and modified times further apart than this: the workbook was saved again after
# sanlv wrote it (by Excel, WPS, LibreOffice…), so it is someone's file now.
EDIT_TOLERANCE_SECONDS = 2
_PART_LIMIT = 1 << 20  # bytes read at most from one document-properties part
ISSUES_CSV_HEADER = ",".join(label for _, label in ISSUE_COLUMNS)


# --- atomic output --------------------------------------------------------------------------


def is_scratch(name: str) -> bool:
    """Whether a file or folder name is one of sanlv's scratch folders."""
    return name.startswith(SCRATCH_PREFIX) and name.endswith(SCRATCH_SUFFIX)


def sweep_stale(folder: str | os.PathLike, now: float | None = None) -> list[Path]:
    """Remove sanlv scratch folders in `folder` that are older than a day (what a killed
    run left behind); returns what was removed. Never fails."""
    limit = (time.time() if now is None else now) - STALE_SECONDS
    removed: list[Path] = []
    try:
        entries = list(os.scandir(os.fspath(folder)))
    except OSError:
        return removed
    for entry in entries:
        if not is_scratch(entry.name):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime > limit:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path for `target`; move it into place only if the block succeeds.

    The temporary path is inside a new hidden scratch folder beside the target (its folder
    is also the place for a library's own temporary files); the folder is removed on every
    exit path, so an interrupted or failed write leaves the earlier file untouched, no
    partial file and no temporary files. An OSError names the target, never the scratch.
    """
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        reason = "不是文件夹" if folder.exists() else "不存在"
        raise OSError(errno.ENOENT, f"所在的文件夹 {folder} {reason}", str(target))
    sweep_stale(folder)
    try:
        scratch = tempfile.mkdtemp(prefix=SCRATCH_PREFIX, suffix=SCRATCH_SUFFIX, dir=folder)
    except OSError as exc:
        raise about_target(exc, target) from None
    try:
        tmp = os.path.join(scratch, "output" + target.suffix)
        try:
            yield tmp
            os.chmod(tmp, 0o666 & ~_umask())  # like any new file, not private like mkstemp's
            os.replace(tmp, target)
        except BaseException as exc:
            release_frames(exc)
            if isinstance(exc, OSError):
                raise about_target(exc, target) from None
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def about_target(exc: OSError, target: str | os.PathLike) -> OSError:
    """The same error (same errno and class) about the target file."""
    return OSError(exc.errno, exc.strerror or str(exc), os.fspath(target))


def release_frames(exc: BaseException) -> None:
    """Drop the local variables of the finished frames in the traceback of `exc` (and of its
    causes), so that a zip file a writing library left open (xlsxwriter's or openpyxl's, on
    a full disk) is closed now, inside the scratch folder, and its failing finaliser prints
    nothing. Frames still running and generator frames are left alone."""
    seen: set[int] = set()
    with quiet_unraisable():
        cur: BaseException | None = exc
        while cur is not None and id(cur) not in seen:
            seen.add(id(cur))
            tb = cur.__traceback__
            while tb is not None:
                frame = tb.tb_frame
                if not frame.f_code.co_flags & _SUSPENDABLE:
                    with contextlib.suppress(RuntimeError):  # a frame still running
                        frame.clear()
                tb = tb.tb_next
            cur = cur.__cause__ or cur.__context__


_SUSPENDABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


@contextlib.contextmanager
def quiet_unraisable() -> Iterator[None]:
    """Errors in finalisers (``Exception ignored in …``) are not shown meanwhile."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _info: None
    try:
        yield
    finally:
        sys.unraisablehook = hook


@contextlib.contextmanager
def temporary_files_in(folder: str | os.PathLike) -> Iterator[None]:
    """Python's temporary files go into `folder` meanwhile (openpyxl writes each worksheet to
    a temporary file in the system temp folder and offers no option to move it). Meant for
    the scratch folder of `atomic_output`: a killed run leaves nothing in the temp folder."""
    before = tempfile.tempdir
    tempfile.tempdir = os.fspath(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- sanlv's own outputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """What sanlv wrote: the kind of output ("report", "ledger", "annotated", …) and whether
    the file was saved again since (then it is no longer sanlv's to replace)."""

    kind: str
    edited: bool = False


def output_mark(path: str | os.PathLike) -> Mark | None:
    """The mark of a file sanlv wrote (workbooks by their ``sanlv`` document property, the CSV
    issue list by its header line), or None. Reads only a few small parts; never fails."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _workbook_mark(path)
        if suffix == ".docx":
            return _document_mark(path)
        if suffix == ".csv":
            with path.open("rb") as fh:
                head = fh.read(len(ISSUES_CSV_HEADER.encode()) + 8)
            text = head.decode("utf-8-sig", errors="replace").splitlines()
            return Mark("issues") if text and text[0] == ISSUES_CSV_HEADER else None
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return None
    return None


def _part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with zf.open(name) as fh:
            data = fh.read(_PART_LIMIT + 1)
    except KeyError:
        return None
    return data if len(data) <= _PART_LIMIT else None


def mark_text(kind: str) -> str:
    """The mark a sanlv file carries in a document property: "sanlv <kind> <version>"."""
    return f"{MARK_PROPERTY} {kind} {__version__}"


def _marked_kind(text: str | None) -> str | None:
    """The kind named by a mark (see mark_text), or None when `text` is no mark."""
    words = (text or "").split()
    return words[1] if len(words) >= 2 and words[0] == MARK_PROPERTY else None


def _workbook_mark(path: Path) -> Mark | None:
    """A workbook sanlv wrote: its core property keywords are "sanlv <kind> <version>" (and,
    from the xlsxwriter backend and earlier versions, its custom property ``sanlv`` is
    "<kind> <version>")."""
    from defusedxml import ElementTree  # no entities, no external references

    with zipfile.ZipFile(path) as zf:
        custom = _part(zf, "docProps/custom.xml")
        core = _part(zf, "docProps/core.xml")
    if not custom and not core:
        return None
    try:
        kind = None
        for prop in ElementTree.fromstring(custom) if custom else ():
            if prop.get("name") == MARK_PROPERTY and len(prop) and prop[0].text:
                kind = prop[0].text.split()[0]
        values = _core_values(core or b"<x/>")
        kind = kind or _marked_kind(values.get("keywords"))
        times = {
            n: datetime.fromisoformat(values[n]) for n in ("created", "modified") if n in values
        }
    except Exception:  # malformed or hostile XML: not a file sanlv wrote
        return None
    if kind is None:
        return None
    if len(times) < 2:
        return Mark(kind, edited=True)
    return _dated(kind, times["created"], times["modified"])


def _document_mark(path: Path) -> Mark | None:
    """A Word document sanlv wrote (the 通报, its template): its core property category is
    "sanlv <kind> <version>" (python-docx writes no custom properties)."""
    with zipfile.ZipFile(path) as zf:
        core = _part(zf, "docProps/core.xml")
    if not core:
        return None
    try:
        values = _core_values(core)
    except Exception:  # malformed or hostile XML: not a file sanlv wrote
        return None
    kind = _marked_kind(values.get("category"))
    if kind is None:
        return None
    try:
        created = datetime.fromisoformat(values["created"])
        modified = datetime.fromisoformat(values["modified"])
    except (KeyError, ValueError):
        return Mark(kind, edited=True)
    return _dated(kind, created, modified)


def _core_values(core: bytes) -> dict[str, str]:
    """The text of each core document property by name (raises on malformed XML; entities
    and external references are refused)."""
    from defusedxml import ElementTree

    return {
        el.tag.rsplit("}", 1)[-1]: el.text.strip() for el in ElementTree.fromstring(core) if el.text
    }


def _dated(kind: str, created: datetime, modified: datetime) -> Mark:
    """The mark of a file created and last saved at these times: edited when they are apart
    (a person saved it again)."""
    gap = abs((modified - created).total_seconds())
    return Mark(kind, edited=gap > EDIT_TOLERANCE_SECONDS)


def mark_stamp() -> datetime:
    """The creation time to write into a workbook made with openpyxl (which sets its modified
    time to the UTC time of saving), so that `output_mark` sees it as unedited."""
    from datetime import UTC

    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


# --- the guard ------------------------------------------------------------------------------


def same_file(a: Path, b: Path) -> bool:
    """The same file by path, symlink or hard link."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def guard_output(
    output: str | os.PathLike,
    inputs: Iterable[str | os.PathLike],
    force: bool = False,
    ours: Callable[[Path], bool] | None = None,
) -> None:
    """Refuse (UsageError, exit 2) to write `output` when it is one of `inputs` (files, as
    the reader expands them), a folder, or an existing file that sanlv did not write or that
    was changed since (unless `force`). `ours` recognises sanlv's files of other kinds."""
    out = Path(output)
    for p in map(Path, inputs):
        if same_file(out, p):
            same = "" if out.name == p.name else f"（即输入文件 {p}）"
            raise UsageError(
                f"输出文件 {out}{same} 与输入文件相同，为保护原始台账已拒绝写入，请换一个文件名。"
            )
    if out.is_dir():
        raise UsageError(f"输出路径 {out} 是一个文件夹，请给出文件名或换一个路径。")
    if force or not (out.exists() or out.is_symlink()):
        return
    if ours is not None:
        is_ours = ours(out)
    else:
        mark = output_mark(out)
        is_ours = mark is not None and not mark.edited
    if not is_ours:
        raise UsageError(
            f"文件 {out} 已存在且不是 sanlv 生成的（或生成后已被修改过），为免覆盖已拒绝写入；"
            "请换一个文件名，如确需覆盖请加 --force。"
        )


def csv_safe(value: object) -> str:
    """A CSV cell that spreadsheet programs show as text, never run as a formula."""
    if value is None:
        return ""
    s = str(value)
    if s.startswith(FORMULA_START):
        return "'" + s
    return s


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
