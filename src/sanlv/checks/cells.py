"""Structural and cell checks: missing rosters, empty required cells, counts above their
bound, dates in the future or out of order."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import schema
from ..display import show
from ..issues import ERROR, WARNING, Issue
from ..units import as_datetime64
from .context import C, Context, M, P, rows_where

# --- structural --------------------------------------------------------------------------


def check_sheet_missing(ctx: Context) -> Iterator[Issue]:
    """A file that holds some rosters but lacks one of the three (and no other file has it)."""
    ds = ctx.ds
    present: dict[str, set[str]] = {}
    for s in ds.sources:
        present.setdefault(s.file, set()).add(s.roster)
    # A roster sheet found by name whose header could not be read is present, not missing.
    for i in ds.issues:
        if i.code == "header-not-found" and i.sheet:
            key = schema.sheet_index().get(schema.norm_label(i.sheet))
            if key:
                present.setdefault(i.file, set()).add(key)
    anywhere = set().union(*present.values()) if present else set()
    for f in ds.files:
        have = present.get(f.name, set())
        if not have:
            continue
        for roster in schema.ROSTERS:
            if roster.key in have or roster.key in anywhere:
                continue
            yield Issue(
                "sheet-missing",
                ERROR,
                f"文件 {f.name} 中缺少{roster.label}表（其他输入文件中也没有）。",
                file=f.name,
                hint=f"请增加名为“{roster.label}”的工作表，表头用 sanlv template 模板中的列名；"
                "如果该表在另一个文件里，请一并校验。",
            )


# --- cells -------------------------------------------------------------------------------


def check_value_missing(ctx: Context) -> Iterator[Issue]:
    """Required cells left empty (the conditional 物业服务企业 is a policy check)."""
    ds = ctx.ds
    for roster in schema.ROSTERS:
        df = ds.tables[roster.key]
        if df.empty:
            continue
        for f in roster.fields:
            if not f.required:
                continue
            if f.type == "idlist":
                lists = ctx.v(roster.key, f.key).tolist()
                empty = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists)) == 0
            else:
                empty = ctx.isna(roster.key, f.key)
            if not empty.any():
                continue
            mask = empty & ctx.has_column(roster.key, f.key)
            bad = ds.invalid.get((roster.key, f.key))
            if bad is not None:
                mask = mask & ~bad
            for i in np.flatnonzero(mask):
                yield Issue(
                    "value-missing",
                    ERROR,
                    f"必填项“{f.label}”为空。",
                    **ds.where(roster.key, int(i), f.key),
                    hint=f.help,
                )


def check_not_above(ctx: Context) -> Iterator[Issue]:
    """Counts that may not exceed another count (党员人数 ≤ 委员人数)."""
    for roster in schema.ROSTERS:
        df = ctx.ds.tables[roster.key]
        if df.empty:
            continue
        for f in roster.fields:
            if not f.not_above:
                continue
            other = roster.field(f.not_above)
            v, top = ctx.nums(roster.key, f.key), ctx.nums(roster.key, f.not_above)
            for i in rows_where(v > top):
                yield ctx.issue(
                    roster.key,
                    i,
                    f.key,
                    "value-range",
                    ERROR,
                    f"“{f.label}”（{show(ctx.v(roster.key, f.key)[i])}）超过了“{other.label}”（{show(ctx.v(roster.key, f.not_above)[i])}）。",
                    hint=f"{f.label}不得多于{other.label}，请核对这两个数。",
                )


def check_date_future(ctx: Context) -> Iterator[Issue]:
    """Dates later than the day of the run (任期届满日期 is naturally in the future)."""
    today = ctx.today
    now = as_datetime64(today)
    for roster in schema.ROSTERS:
        df = ctx.ds.tables[roster.key]
        if df.empty:
            continue
        for f in roster.fields:
            if f.type != "date" or f.key == "term_end":
                continue
            col = ctx.dates(roster.key, f.key)
            # A service contract that starts next month is legitimate (the rates count it
            # from that day): a warning to check, not an error.
            planned = f.key == "service_since"
            for i in rows_where(col > now):
                yield ctx.issue(
                    roster.key,
                    i,
                    f.key,
                    "date-future",
                    WARNING if planned else ERROR,
                    f"“{f.label}”{show(ctx.v(roster.key, f.key)[i])} 晚于今天（{today.date().isoformat()}）。",
                    hint=(
                        "如是已签约、将来进驻的物业，可保留，统计时从该日起计入；否则请核对日期。"
                        if planned
                        else "请核对年份和月份，日期不能是将来的日子。"
                    ),
                )


def check_date_order(ctx: Context) -> Iterator[Issue]:
    """成立日期 after 任期届满日期 or after 撤销日期."""
    pairs = ((M, "founded", "term_end"), (M, "founded", "dissolved"), (P, "founded", "dissolved"))
    for roster_key, first, later in pairs:
        df = ctx.ds.tables[roster_key]
        if df.empty:
            continue
        roster = schema.ROSTER_BY_KEY[roster_key]
        a, b = ctx.dates(roster_key, first), ctx.dates(roster_key, later)
        la, lb = roster.field(first).label, roster.field(later).label
        for i in rows_where(a > b):
            yield ctx.issue(
                roster_key,
                i,
                later,
                "date-order",
                ERROR,
                f"“{lb}”{show(ctx.v(roster_key, later)[i])} 早于“{la}”{show(ctx.v(roster_key, first)[i])}。",
                hint=f"{lb}应在{la}之后，请核对两个日期（是否把年份或两列填反了）。",
            )


def check_district_unknown(ctx: Context) -> Iterator[Issue]:
    """A compound whose 区 is blank and cannot be told from its own file, when the inputs
    name two or more districts (SPEC section 1): a value-missing error on 区."""
    if ctx.ds.compounds.empty:
        return
    _, unknown = ctx.districts()
    for i in rows_where(unknown):
        yield ctx.issue(
            C,
            i,
            "district",
            "value-missing",
            ERROR,
            "“区”为空，本文件中又写了不止一个区（或没有写区），汇总几个区时无法判断属于哪个区。",
            hint="请填写所属区；该小区暂按“（未填区）”统计。",
        )
