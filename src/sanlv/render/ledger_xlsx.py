"""The standardised ledger workbook (SPEC section 3, `sanlv ledger`).

Three roster sheets with the canonical headers and the cleaned values of every input row
(merged over all files), each compound with its derived status on the as-of date in columns
after the canonical ones, then one to-do sheet per street (the report's to-do list, in its
words and order). The derived columns and the to-do sheets are skipped by the reader, so the
ledger is itself valid input and gives the same rates as the original files.

Values are converted column by column and written column by column with the typed write
methods (no per-cell type dispatch). Not in constant-memory mode: the many repeated texts
(streets, communities, states) go once into the shared-string table instead of being written
out, escaped, in every cell (about a third less time for 1.5 times the peak memory at 100k
compounds).
"""

from __future__ import annotations

import os
import re

import pandas as pd

from .. import schema
from ..columns import EXCEL_EPOCH
from ..compute import Computation
from ..content.ledger import (
    COMPOUND_DERIVED,
    DERIVED_WIDTHS,
    H_REASON,
    H_STATE,
    LedgerResult,
    compound_status,
)
from ..content.todos import TODO_COLUMNS, shown_columns, todo_list
from ..content.tracking import track
from ..dates import period_of
from ..display import show_column
from ..normalise import Dataset
from ..read import DERIVED_SHEET_PREFIX
from ..units import lifecycle_state
from .workbook import Sheet, workbook

TODO_WIDTHS = {
    "label": 22,
    "community": 14,
    "compound_id": 12,
    "compound_name": 22,
    "object_id": 16,
    "detail": 50,
    "chair": 10,
}
# Excel's sheet names: none of []:*?/\, no control characters, at most 31 characters and no
# apostrophe at either end.
SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_SHEET_NAME = 31


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 code units (Excel counts a character outside the basic
    plane as two) and never ending in an apostrophe."""
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[:-1]
    return text.rstrip("'")


def sheet_names(streets: list[str]) -> dict[str, str]:
    """Street -> to-do sheet name (≤ 31 characters, no []:*?/\\, unique)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for s in streets:
        base = _clip(DERIVED_SHEET_PREFIX + SHEET_BAD_CHARS.sub("_", s), MAX_SHEET_NAME)
        name, k = base, 2
        while name.lower() in used:
            suffix = f"~{k}"
            name = _clip(base, MAX_SHEET_NAME - len(suffix)) + suffix
            k += 1
        used.add(name.lower())
        out[s] = name
    return out


# --- writing ------------------------------------------------------------------------------

_STR, _NUM, _DATE = 0, 1, 2


def _column(f: schema.Field, s: pd.Series) -> tuple[int, list]:
    """A roster column as (kind, Python values with None for empty cells)."""
    if f.type == "int":
        v = s.astype(object).where(s.notna(), None)
        return _NUM, [None if x is None else int(x) for x in v]
    if f.type == "date":
        # in seconds: a date 292 years after the epoch overflows nanoseconds (2199-07-28)
        days = (s.astype("datetime64[s]") - EXCEL_EPOCH) / pd.Timedelta(days=1)
        return _DATE, days.astype(object).where(days.notna(), None).tolist()
    return _STR, show_column(f, s).tolist()


def _write_rows(sheet: Sheet, start: int, kinds: list[int], columns: list[list], date_fmt) -> int:
    """Write the columns from Excel row `start` (0-based), one column at a time (no per-cell
    type dispatch); empty cells are not written. Returns the rows written."""
    n = len(columns[0]) if columns else 0
    if any(len(values) != n for values in columns):
        raise ValueError("ledger columns of different lengths")
    for c, (kind, values) in enumerate(zip(kinds, columns, strict=True)):
        fmt = date_fmt if kind == _DATE else None
        sheet.sparse_column(start, c, values, fmt, text=kind == _STR)
    return n


def _roster_columns(
    ds: Dataset, roster: schema.Roster, include_personal: bool
) -> tuple[list[str], list[int], list[list], list[int]]:
    df = ds.tables[roster.key]
    headers, kinds, cols, widths = [], [], [], []
    for f in roster.fields:
        headers.append(f.label)
        widths.append(max(f.width, 8))
        if f.personal and not include_personal:
            kinds.append(_STR)
            cols.append([None] * len(df))
            continue
        kind, values = _column(f, df[f.key])
        kinds.append(kind)
        cols.append(values)
    return headers, kinds, cols, widths


def _with_defaults(ds: Dataset, reason: pd.Series) -> pd.Series:
    """未计入原因 saying which bool cells could not be read and the default applied in their
    place (纳入统计 #N/A -> counted as 是, named here and reported as an error)."""
    out = reason.astype(object).where(reason.notna(), "").to_numpy(dtype=object, copy=True)
    for f in schema.COMPOUNDS.fields:
        bad = ds.invalid.get((schema.COMPOUNDS.key, f.key))
        if f.type != "bool" or f.default is None or bad is None or not bad.any():
            continue
        note = f"{f.label}无法识别，已按默认“{'是' if f.default else '否'}”计"
        out[bad] = [f"{note}；{r}" if r else note for r in out[bad]]
    return pd.Series(out, index=reason.index)


def write_ledger(
    ds: Dataset,
    comp: Computation,
    path: str | os.PathLike,
    include_personal: bool = False,
) -> LedgerResult:
    """Write the standardised ledger of `ds` with the status of `comp` (its as-of date)."""
    day = pd.Timestamp(comp.as_of)
    status = compound_status(comp).drop_duplicates("compound_id").set_index("compound_id")
    # the same list as the report's 问题清单 (without earlier periods every to-do is 新增)
    todo, _ = track(
        todo_list(comp, include_personal),
        period_of(comp.as_of),
        [],
        set(zip(comp.compounds["district"], comp.compounds["street"], strict=True)),
        comp.config.todo.overdue_months,
    )
    todo_cols = shown_columns(todo, drop=("district", "street"))
    places = sorted(set(zip(comp.compounds["district"], comp.compounds["street"], strict=True)))
    city = len({d for d, _ in places}) > 1
    labels = [f"{d}-{s}" if city else s for d, s in places]  # a street is (district, street)
    names = sheet_names(labels)
    result = LedgerResult(str(path), comp.as_of.isoformat(), {})
    title = f"三率标准化台账（统计截止 {comp.as_of.isoformat()}）"

    with workbook(
        path,
        kind="ledger",
        title=title,
        comments=f"统计截止 {comp.as_of.isoformat()}",
    ) as book:
        head = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        derived_head = book.add_format(
            {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True}
        )
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        title_fmt = book.add_format({"bold": True, "font_size": 13})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})

        for roster in schema.ROSTERS:
            headers, kinds, cols, widths = _roster_columns(ds, roster, include_personal)
            df = ds.tables[roster.key]
            extra: list[str] = []
            if roster is schema.COMPOUNDS:
                # 区 as resolved (SPEC section 1): a blank cell filled from its file
                resolved = dict(
                    zip(comp.compounds["compound_id"], comp.compounds["district"], strict=True)
                )
                at = roster.keys.index("district")
                cols[at] = [
                    resolved.get(cid) or v
                    for cid, v in zip(df["compound_id"].tolist(), cols[at], strict=True)
                ]
                derived = status.reindex(df["compound_id"])
                derived[H_REASON] = _with_defaults(ds, derived[H_REASON])
                extra = list(COMPOUND_DERIVED)
                for h in extra:
                    cols.append(derived[h].astype(object).where(derived[h].notna(), None).tolist())
            elif roster is schema.COMMITTEES:
                st = comp.committees.drop_duplicates("committee_id").set_index("committee_id")
                extra = [H_STATE]
                state = df["committee_id"].map(st["state"])
                cols.append(state.astype(object).where(state.notna(), None).tolist())
            else:
                extra = [H_STATE]
                cols.append(lifecycle_state(df["founded"], df["dissolved"], day, "有效").tolist())
            kinds += [_STR] * len(extra)
            sheet = book.sheet(roster.label, f"{roster.label}（{title}）")
            ws = sheet.ws
            for c, w in enumerate(widths + [DERIVED_WIDTHS.get(h, 12) for h in extra]):
                ws.set_column(c, c, w, wrap)  # long text wraps: the sheet prints one page wide
            ws.freeze_panes(1, 1)
            ws.repeat_rows(0, 0)
            for c, h in enumerate(headers):
                ws.write_string(0, c, h, head)
            for c, h in enumerate(extra, start=len(headers)):
                ws.write_string(0, c, h, derived_head)
            n = _write_rows(sheet, 1, kinds, cols, date_fmt)
            ws.autofilter(0, 0, max(n, 1), len(headers) + len(extra) - 1)
            result.rows[roster.label] = n

        # each column as a list once, and each street's rows by position (no frame per street)
        by_street = todo.groupby(["district", "street"], sort=False).indices if len(todo) else {}
        columns = {k: todo[k].tolist() for k in todo_cols}
        kinds = [_NUM if k == "months_open" else _STR for k in todo_cols]
        for place, label in zip(places, labels, strict=True):
            rows = by_street.get(place, ())
            heading = f"{label} 待办事项（统计截止 {comp.as_of.isoformat()}，共 {len(rows)} 项）"
            sheet = book.sheet(names[label], heading)
            ws = sheet.ws
            for c, key in enumerate(todo_cols):
                ws.set_column(c, c, TODO_WIDTHS.get(key, 12), wrap)
            ws.freeze_panes(2, 0)
            ws.repeat_rows(1, 1)
            ws.write_string(0, 0, heading, title_fmt)
            for c, key in enumerate(todo_cols):
                ws.write_string(1, c, TODO_COLUMNS[key], head)
            if not len(rows):
                ws.write_string(2, 0, "无待办事项")
            else:
                cols = [[columns[k][i] for i in rows] for k in todo_cols]
                _write_rows(sheet, 2, kinds, cols, date_fmt)
            result.todo[label] = len(rows)
    return result
