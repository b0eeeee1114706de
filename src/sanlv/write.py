"""Write stage helpers shared by every output: atomic replacement and text-safe cells."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside `target`; move it into place only if the block succeeds.

    An interrupted or failed write leaves the earlier file untouched and no partial file.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise OSError(2, "文件夹不存在", str(folder))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates the file private (0600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def csv_safe(value: object) -> str:
    """A CSV cell that spreadsheet programs show as text, never run as a formula."""
    if value is None:
        return ""
    s = str(value)
    if s.startswith(FORMULA_START):
        return "'" + s
    return s
