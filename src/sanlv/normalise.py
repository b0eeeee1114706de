"""Normalise stage: located tables of raw strings -> typed, canonical pandas tables.

Values are normalised column by column (no per-row Python loops): NFKC and stray spaces,
bool words, enumeration aliases, numbers typed as text ("1,234户", full-width digits), the
listed date forms and Excel serials, ids that Excel made floats. A cell that cannot be read
as its type becomes empty and yields a `value-type` / `value-enum` / `value-range` issue.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .columns import (
    _mask,
    closest_value,
    norm_bool,
    norm_date,
    norm_enum,
    norm_idlist,
    norm_ids,
    norm_int,
    norm_text,
)
from .issues import ERROR, Issue
from .read import ColumnRef, FileInfo, ReadResult, Table


@dataclass
class Source:
    """Where the rows of one located table came from."""

    file: str
    sheet: str
    roster: str
    header_row: int
    columns: dict[str, ColumnRef]


def location(src: Source, roster: str, row: int, key: str | None = None) -> dict:
    """file, sheet and Excel row of a roster row; with `key`, its column label and cell."""
    out = {"file": src.file, "sheet": src.sheet, "row": row}
    if key is not None:
        ref = src.columns.get(key)
        out["column"] = schema.ROSTER_BY_KEY[roster].field(key).label
        out["cell"] = f"{ref.letter}{row}" if ref else ""
    return out


@dataclass
class Dataset:
    """The three rosters, typed and canonical, with every row's origin."""

    tables: dict[str, pd.DataFrame]
    sources: list[Source]
    files: list[FileInfo]
    issues: list[Issue] = field(default_factory=list)
    rows: dict[str, object] = field(default_factory=dict)
    # (roster, field key) -> boolean mask of cells that held a value the normaliser could
    # not read (already reported); such cells are empty in the table but not "missing".
    invalid: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)

    @property
    def compounds(self) -> pd.DataFrame:
        return self.tables["compounds"]

    @property
    def committees(self) -> pd.DataFrame:
        return self.tables["committees"]

    @property
    def party_orgs(self) -> pd.DataFrame:
        return self.tables["party_orgs"]

    def where(self, roster: str, i: int, key: str | None = None) -> dict:
        """Location of row i (position) of a roster, and of one of its cells."""
        df = self.tables[roster]
        return location(self.sources[int(df["_src"].iat[i])], roster, int(df["_row"].iat[i]), key)

    def has_column(self, roster: str, key: str) -> np.ndarray:
        """Per row: whether the row's sheet has this column at all."""
        src = self.tables[roster]["_src"].to_numpy()
        with_col = np.array([key in s.columns for s in self.sources] or [False], dtype=bool)
        return with_col[src]


# --- tables -> dataset --------------------------------------------------------------------


def _empty_frame(roster: schema.Roster) -> pd.DataFrame:
    cols = {f.key: pd.Series(dtype=_dtype(f)) for f in roster.fields}
    cols["_src"] = pd.Series(dtype="int32")
    cols["_row"] = pd.Series(dtype="int32")
    return pd.DataFrame(cols)


def _dtype(f: schema.Field) -> str:
    return {"int": "Int64", "date": "datetime64[ns]", "bool": "boolean"}.get(f.type, "object")


@dataclass
class Part:
    """One located table, normalised: its typed frame (fields and `_row`), the cell issues
    and, per field with unreadable cells, the mask of those cells."""

    frame: pd.DataFrame
    issues: list[Issue]
    invalid: dict[str, np.ndarray]


def normalise_table(t: Table) -> Part:
    """Normalise one located table. Cells are independent, so tables are normalised one by
    one (in the reader's threads, as soon as each sheet is read) and concatenated after."""
    roster = schema.ROSTER_BY_KEY[t.roster]
    src = Source(t.file, t.sheet, t.roster, t.header_row, t.columns)
    n = len(t.rows)
    rows = t.rows.to_numpy(zero_copy_only=False).astype(np.int32)
    issues: list[Issue] = []
    invalid: dict[str, np.ndarray] = {}
    frame: dict[str, pd.Series] = {}
    for f in roster.fields:
        col = t.data.get(f.key)
        col = pa.nulls(n, pa.string()) if col is None else col
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
        n_before = len(issues)
        errors = _error_cells(roster, f, col, rows, t.errors.get(f.key), src, issues)
        if errors is not None:
            col = pc.if_else(pa.array(errors), pa.scalar(None, pa.string()), col)
        frame[f.key] = _normalise_column(roster, f, col, rows, src, issues)
        if len(issues) > n_before:
            unread = _mask(pc.is_valid(col)) & frame[f.key].isna()
            if f.type == "bool" and f.default is not None:  # unread, so the default applies
                unread = _mask(pc.is_valid(col)) & norm_bool(col)[0].isna()
            invalid[f.key] = unread.to_numpy() | (errors if errors is not None else False)
    out = pd.DataFrame(frame) if frame else pd.DataFrame(index=range(n))
    out["_row"] = rows
    return Part(out, issues, invalid)


def build_dataset(result: ReadResult) -> Dataset:
    """Merge the normalised tables of each roster (normalising any table not yet done).

    Issues keep the order of the tables, so the output does not depend on thread timing."""
    from concurrent.futures import ThreadPoolExecutor

    from .read.excel import workers

    todo = [t for t in result.tables if t.prepared is None]
    if todo:
        with ThreadPoolExecutor(workers()) as pool:
            for t, part in zip(todo, pool.map(normalise_table, todo), strict=True):
                t.prepared = part
    sources = [Source(t.file, t.sheet, t.roster, t.header_row, t.columns) for t in result.tables]
    issues = list(result.issues)
    invalid: dict[tuple[str, str], np.ndarray] = {}
    tables: dict[str, pd.DataFrame] = {}
    for roster in schema.ROSTERS:
        idx = [i for i, t in enumerate(result.tables) if t.roster == roster.key]
        parts: list[Part] = [result.tables[i].prepared for i in idx]
        if not parts:
            tables[roster.key] = _empty_frame(roster)
            continue
        frames = []
        for i, part in zip(idx, parts, strict=True):
            frames.append(part.frame.assign(_src=np.int32(i)))
            issues.extend(part.issues)
        df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        cols = [f.key for f in roster.fields]
        tables[roster.key] = df[[*cols, "_src", "_row"]].astype({"_src": np.int32})
        for key in {k for part in parts for k in part.invalid}:
            invalid[(roster.key, key)] = np.concatenate(
                [part.invalid.get(key, np.zeros(len(part.frame), dtype=bool)) for part in parts]
            )
    skipped = [(t.file, t.sheet, row, why) for t in result.tables for row, why in t.skipped]
    used = sum(len(t.rows) for t in result.tables)
    reasons: dict[str, int] = {}
    for *_, why in skipped:
        key = why.split("（")[0]
        reasons[key] = reasons.get(key, 0) + 1
    rows = {
        "read": used + len(skipped),
        "used": used,
        "skipped": len(skipped),
        "skipped_by_reason": reasons,
    }
    return Dataset(tables, sources, result.files, issues, rows, invalid)


# Excel's error values: a cell holding one is an error in any column, never a blank.
ERROR_VALUES = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#UNKNOWN!",
    "#BUSY!",
    "#PYTHON!",
)


def _error_cells(
    roster: schema.Roster,
    f: schema.Field,
    col: pa.Array,
    rows: np.ndarray,
    found: dict[int, str] | None,
    src: Source,
    issues: list[Issue],
) -> np.ndarray | None:
    """The cells of one column that hold an error value (#N/A…) or a formula without a
    cached value (`found`, by Excel row, from the reader; error values typed as text, as in
    a CSV saved by Excel, too): each a `value-type` error. Returns their mask, or None."""
    typed = pc.fill_null(pc.is_in(pc.utf8_trim_whitespace(col), pa.array(ERROR_VALUES)), False)
    if not found and not pc.any(typed).as_py():
        return None
    mask = typed.to_numpy(zero_copy_only=False).copy()
    texts: dict[int, str] = {}
    if found:
        at = np.flatnonzero(np.isin(rows, np.fromiter(found, dtype=np.int64)))
        for i in at:
            texts[int(i)] = found[int(rows[i])]
        mask[at] = True
    default = ""
    if f.type == "bool" and f.default is not None:
        default = f"，本行已按默认“{'是' if f.default else '否'}”计算"
    for i in np.flatnonzero(mask):
        value = texts.get(int(i)) or str(col[int(i)].as_py()).strip()
        if value.startswith("#"):
            message = f"“{f.label}”单元格为错误值 {value}，无法读取{default}。"
            hint = "请在 Excel 中修正产生错误的公式，或改填实际的值。"
        else:
            message = f"“{f.label}”单元格是没有保存计算结果的公式（{value}），无法读取{default}。"
            hint = "请用 Excel 打开并保存一次（会计算公式并保存结果），或改填实际的值。"
        issues.append(
            Issue(
                "value-type",
                ERROR,
                message,
                **location(src, roster.key, int(rows[i]), f.key),
                value=value,
                hint=hint,
            )
        )
    return mask


def _normalise_column(
    roster: schema.Roster,
    f: schema.Field,
    col: pa.Array,
    rows: np.ndarray,
    src: Source,
    issues: list[Issue],
) -> pd.Series:
    def report(mask: pd.Series, code: str, message: str, hint_of=lambda v: "") -> None:
        if not mask.any():
            return
        for i in np.flatnonzero(mask.to_numpy()):
            raw = col[int(i)].as_py()
            value = "" if raw is None else str(raw).strip()
            issues.append(
                Issue(
                    code,
                    ERROR,
                    message.format(value=value),
                    **location(src, roster.key, int(rows[i]), f.key),
                    value=value,
                    hint=hint_of(value),
                )
            )

    if f.type == "id":
        return norm_ids(col)
    if f.type == "text":
        return norm_text(col)
    if f.type == "idlist":
        return norm_idlist(col)
    if f.type == "int":
        values, bad, neg = norm_int(col)
        report(
            bad,
            "value-type",
            f"“{f.label}”应为整数，“{{value}}”无法识别。",
            lambda v: "请只填数字，如 1234。",
        )
        report(neg, "value-range", f"“{f.label}”不能为负数（{{value}}）。")
        return values.mask(neg)
    if f.type == "date":
        values, bad, month_only = norm_date(col)
        report(
            bad & ~month_only,
            "value-type",
            f"“{f.label}”不是有效日期：“{{value}}”。",
            lambda v: "请填写如 2021-05-01 或 2021年5月1日 的日期。",
        )
        report(
            month_only,
            "value-type",
            f"“{f.label}”只填到了月份：“{{value}}”。",
            lambda v: "请填写到具体日期，如 2021-05-01。",
        )
        return values
    if f.type == "bool":
        values, bad = norm_bool(col, f.default)
        default = ""
        if f.default is not None:
            default = f"，本行已按默认“{'是' if f.default else '否'}”计算"
        report(
            bad,
            "value-enum",
            f"“{f.label}”应填“是”或“否”，“{{value}}”无法识别{default}。",
            lambda v: "可选值：是、否。",
        )
        return values
    if f.type == "enum":
        assert f.enum is not None
        values, bad = norm_enum(col, f.enum, f.default)
        allowed = "、".join(schema.enum_values(f.enum))

        enum = f.enum

        def hint(v: str) -> str:
            near = closest_value(v, enum)
            return f"是否应为“{near}”？可选值：{allowed}。" if near else f"可选值：{allowed}。"

        report(bad, "value-enum", f"“{f.label}”的值“{{value}}”不在可选范围内。", hint)
        return values
    raise ValueError(f.type)


def load_dataset(paths: Iterable[str | os.PathLike], max_unzipped: int | None = None) -> Dataset:
    """Read and normalise the given files (folders stand for the roster files in them)."""
    from .read import read_inputs

    return build_dataset(read_inputs(paths, max_unzipped, prepare=normalise_table))
