"""What every `api` function shares: argument handling, the output guard, loading rosters."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, load_config
from .issues import InputError, UsageError
from .write import guard_output

if TYPE_CHECKING:
    from .normalise import Dataset

PathLike = str | os.PathLike
MAX_UNZIPPED_MB = 2048


# --- shared argument handling -------------------------------------------------------------


def _config(config: Config | PathLike | None) -> Config:
    if config is None or isinstance(config, Config):
        return config or Config()
    return load_config(config)


def _paths(files: Iterable[PathLike] | None) -> list[Path]:
    return [Path(f) for f in (files or [])]


def _limit(max_unzipped_mb: int) -> int:
    if max_unzipped_mb <= 0:
        raise UsageError("--max-unzipped-mb 应为正整数。")
    return max_unzipped_mb * 1024**2


def check_output(
    output: PathLike | None,
    inputs: Iterable[PathLike | Config | None],
    suffixes: tuple[str, ...],
    force: bool = False,
) -> None:
    """Refuse an output with the wrong suffix, one that is any of the inputs (folders
    expanded as the reader expands them; same file by path, symlink or hard link), and an
    existing file that sanlv did not write, unless `force` (SPEC section 3)."""
    if output is None:
        return
    output = Path(output)
    if output.suffix.lower() not in suffixes:
        raise UsageError(f"输出文件 {output.name} 的扩展名应为 {'、'.join(suffixes)}。")
    guard_output(output, _input_files(inputs), force)


def _input_files(inputs: Iterable[PathLike | Config | None]) -> list[Path]:
    """Every file a command reads: the files of input folders as the reader finds them, and
    the other files given (--previous, --against, --snapshot, --regions, --config)."""
    paths = [Path(p) for p in inputs if p is not None and not isinstance(p, Config)]
    if not paths:
        return []
    from .read.files import expand_paths

    return expand_paths(paths)


def load(
    files: Iterable[PathLike], max_unzipped_mb: int = MAX_UNZIPPED_MB, which: str = ""
) -> Dataset:
    """Read and normalise rosters that must include compounds (the rates need them)."""
    from .normalise import load_dataset

    ds = load_dataset(_paths(files), _limit(max_unzipped_mb))
    if not any(s.roster == "compounds" for s in ds.sources):
        names = "、".join(f.name for f in ds.files) or "输入"
        raise InputError(
            "sheet-missing",
            f"{which}{names} 中没有找到小区台账（工作表“小区”或带“小区编号”等表头的表），无法统计三率。",
        )
    return ds
