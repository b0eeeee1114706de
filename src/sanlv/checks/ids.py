"""Ids and references: duplicates, references to unknown or ambiguous ids, one id with two
names, names outside the official region list."""

from __future__ import annotations

import bisect
import difflib
import functools
from collections.abc import Iterator

import numpy as np
import pandas as pd

from .. import schema
from ..columns import fold_codes, fold_values
from ..display import show
from ..issues import ERROR, WARNING, Issue
from ..schema import fold
from ..units import in_set
from .context import C, Context, M, P, distinct_per_group, rows_where


def _record(ctx: Context, roster: str, i: int, keys: list[str]) -> tuple:
    record = tuple(show(ctx.v(roster, k)[i]) for k in keys)
    if roster == C:  # the district as resolved: the same record in two districts collides
        record += (ctx.districts()[0][i],)
    return record


def check_id_duplicate(ctx: Context) -> Iterator[Issue]:
    """The same id twice: within one file an error; across files a warning when the two
    records are identical (reported twice, counted once), an error when they differ."""
    ds = ctx.ds
    for roster in schema.ROSTERS:
        df = ds.tables[roster.key]
        if df.empty:
            continue
        dup = _duplicated(ctx.v(roster.key, roster.id_field))
        if not dup.any():
            continue
        keys = roster.keys
        files = ctx.files(roster.key)
        ids_v = ctx.v(roster.key, roster.id_field)
        id_label = roster.field(roster.id_field).label
        seen: dict[str, list[int]] = {}
        for i in rows_where(dup):
            key = ids_v[i]
            earlier = seen.setdefault(key, [])
            if earlier:
                same_file = [j for j in earlier if files[j] == files[i]]
                if same_file:
                    j = same_file[0]
                    yield ctx.issue(
                        roster.key,
                        i,
                        roster.id_field,
                        "id-duplicate",
                        ERROR,
                        f"{id_label}“{key}”与本文件「{ds.where(roster.key, j)['sheet']}」"
                        f"第 {ds.where(roster.key, j)['row']} 行重复。",
                        hint=f"{id_label}不得重复；如是同一{roster.label}，请删除其中一行，"
                        "否则请改用新的编号。",
                    )
                else:
                    j = earlier[0]
                    if _record(ctx, roster.key, i, keys) == _record(ctx, roster.key, j, keys):
                        yield ctx.issue(
                            roster.key,
                            i,
                            roster.id_field,
                            "id-duplicate",
                            WARNING,
                            f"{id_label}“{key}”在 {ctx.place(roster.key, j)} 已报送过，"
                            "内容完全相同：重复报送，只计一次。",
                            hint="同一条记录只需在一个文件中报送。",
                        )
                    elif roster.key == C and ctx.districts()[0][i] != ctx.districts()[0][j]:
                        there, here = ctx.districts()[0][j], ctx.districts()[0][i]
                        yield ctx.issue(
                            roster.key,
                            i,
                            roster.id_field,
                            "id-duplicate",
                            ERROR,
                            f"{id_label}“{key}”在{there}（{ctx.place(roster.key, j)}）和"
                            f"{here}都出现：全市汇总时编号必须唯一。",
                            hint="请两个区核对编号，按全市统一的编码规则改正其中一方。",
                        )
                    else:
                        diff = [
                            roster.field(k).label
                            for k in keys
                            if show(ctx.v(roster.key, k)[i]) != show(ctx.v(roster.key, k)[j])
                        ]
                        yield ctx.issue(
                            roster.key,
                            i,
                            roster.id_field,
                            "id-duplicate",
                            ERROR,
                            f"{id_label}“{key}”同时出现在 {ctx.place(roster.key, j)} 和 "
                            f"{ctx.place(roster.key, i)}，两处内容不同"
                            f"（{'、'.join(diff[:5])}）。",
                            hint="请与另一文件的填报单位核对，保留正确的一条，或改用不同的编号。",
                        )
            earlier.append(int(i))


def _duplicated(ids: np.ndarray) -> np.ndarray:
    """Per row: the id is filled and occurs more than once."""
    codes, uniques = pd.factorize(ids)
    if len(uniques) == int((codes >= 0).sum()):
        return np.zeros(len(ids), dtype=bool)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return (codes >= 0) & (counts[codes] > 1)


def check_ref_missing(ctx: Context) -> Iterator[Issue]:
    """References to ids that exist nowhere."""
    ds = ctx.ds
    comp_ids = ctx.compound_ids()
    com_ids = ctx.committee_ids()
    com = ds.committees
    external = ctx.external_ids
    if not com.empty and (ctx.roster_loaded(C) or external is not None):
        cids = ctx.v(M, "compound_id")
        near_compound = Suggest(comp_ids)
        for i in rows_where(~ctx.isna(M, "compound_id") & ~in_set(cids, comp_ids)):
            ref = cids[i]
            if external is not None:
                if ref not in external:
                    yield _pending(ctx, M, i, "compound_id", f"小区编号“{ref}”")
                continue
            yield ctx.issue(
                M,
                i,
                "compound_id",
                "ref-missing",
                ERROR,
                f"小区编号“{ref}”在小区表中不存在。",
                hint=_closest_hint(ref, near_compound, "小区编号"),
            )
    orgs = ds.party_orgs
    if orgs.empty or not (ctx.roster_loaded(C) or ctx.roster_loaded(M) or external is not None):
        return
    is_company = ctx.is_value(P, "host_kind", schema.HOST_COMPANY)
    lk = ctx.org_refs()
    bad = ~in_set(lk.ref, comp_ids) & (lk.company | ~in_set(lk.ref, com_ids))
    if not bad.any():
        return
    known_any = comp_ids | com_ids
    near_any = Suggest(known_any)
    refs = ctx.v(P, "host_ref")
    for i in np.unique(lk.pos[bad]):
        ref = refs[i]
        allowed = comp_ids if is_company[i] else known_any
        missing = [r for r in ref if r not in allowed]
        if external is not None:
            pending = [r for r in missing if r not in external]
            if pending:
                yield _pending(ctx, P, i, "host_ref", f"依托对象编号“{'、'.join(pending)}”")
            continue
        if not missing:
            continue
        if is_company[i]:
            wrong = [r for r in missing if r in com_ids]
            msg = f"依托物业服务企业的党组织，依托对象编号应为小区编号，“{'、'.join(missing)}”不是已知的小区编号"
            msg += f"（{'、'.join(wrong)} 是业委会编号）。" if wrong else "。"
            hint = "请填所服务小区在小区表中的编号。"
        else:
            msg = f"依托对象编号“{'、'.join(missing)}”既不是已知的业委会（物管会）编号，也不是小区编号。"
            hint = _closest_hint(missing[0], near_any, "编号")
        yield ctx.issue(P, i, "host_ref", "ref-missing", ERROR, msg, hint=hint)


def _pending(ctx: Context, roster: str, i: int, key: str, what: str) -> Issue:
    return ctx.issue(
        roster,
        i,
        key,
        "ref-pending",
        WARNING,
        f"{what}不在本文件中，本期其他街道已接收的台账里也还没有；月结时再核对。",
        hint="如是其他街道的小区或业委会，待该街道报送后即可对上；否则请核对编号。",
    )


class Suggest:
    """The closest known id to a mistyped one, for a hint. difflib compares the value with
    every candidate (about 1 s against 50,000 ids), so a long list is narrowed to the ids
    next to the value in sorted order, and those next to it read backwards (a typo keeps
    either the start or the end of an id in place); each distinct value is looked up once."""

    ALL = 2000  # a list this short is searched whole
    WINDOW = 100  # else this many ids on each side of the value's place, both ways

    def __init__(self, choices: set[str]) -> None:
        self.choices = choices
        self.ids: list[str] | None = None  # sorted when first needed
        self.backwards: list[str] = []  # each id reversed, sorted
        self.memo: dict[str, str | None] = {}

    def near(self, value: str) -> str | None:
        if value not in self.memo:
            if self.ids is None:
                self.ids = sorted(self.choices)
                self.backwards = sorted(i[::-1] for i in self.choices)
            pool = self.ids
            if len(pool) > self.ALL:
                pool = sorted(
                    {*self._window(self.ids, value)}
                    | {i[::-1] for i in self._window(self.backwards, value[::-1])}
                )
            hit = difflib.get_close_matches(value, pool, n=1, cutoff=0.6)
            self.memo[value] = hit[0] if hit else None
        return self.memo[value]

    def _window(self, ordered: list[str], value: str) -> list[str]:
        at = bisect.bisect_left(ordered, value)
        return ordered[max(0, at - self.WINDOW) : at + self.WINDOW]


def _closest_hint(value: object, suggest: Suggest, what: str) -> str:
    if not suggest.choices or value is None:
        return ""
    hit = suggest.near(str(value))
    return f"是否应为“{hit}”？" if hit else f"请核对{what}是否填错。"


def check_ref_ambiguous(ctx: Context) -> Iterator[Issue]:
    """An organisation whose host is given as a compound id that has two active committees."""
    orgs, com = ctx.ds.party_orgs, ctx.ds.committees
    if orgs.empty or com.empty:
        return
    # the distinct committee ids of each compound's active committees, in table order
    rows = ctx.active_committees() & ~ctx.isna(M, "compound_id") & ~ctx.isna(M, "committee_id")
    cids, wids = ctx.v(M, "compound_id")[rows], ctx.v(M, "committee_id")[rows]
    repeated = _duplicated(cids)  # a compound of one row has one committee: no ambiguity
    by: dict[str, list[str]] = {}
    for cid, wid in zip(cids[repeated].tolist(), wids[repeated].tolist(), strict=True):
        listed = by.setdefault(cid, [])
        if wid not in listed:
            listed.append(wid)
    many = {cid: listed for cid, listed in by.items() if len(listed) > 1}
    if not many:
        return
    com_ids = ctx.committee_ids()
    lk = ctx.org_refs()
    bad = ~lk.company & in_set(lk.ref, set(many)) & ~in_set(lk.ref, com_ids)
    refs = ctx.v(P, "host_ref")
    for i in np.unique(lk.pos[bad]):
        for r in refs[i]:
            if r in many and r not in com_ids:
                ids = "、".join(many[r])
                yield ctx.issue(
                    P,
                    i,
                    "host_ref",
                    "ref-ambiguous",
                    ERROR,
                    f"依托对象“{r}”是小区编号，该小区在 {ctx.as_of.date().isoformat()} "
                    f"同时有 {len(many[r])} 个运行中的业委会（物管会）：{ids}，无法确定依托哪一个。",
                    hint=f"请改填业委会（物管会）的组织编号，如“{many[r][0]}”。",
                )
                break


def check_name_conflict(ctx: Context) -> Iterator[Issue]:
    """One compound id with two different names in different files."""
    ds = ctx.ds
    df = ds.compounds
    if df.empty or len(ds.files) < 2:
        return
    pos = rows_where(~ctx.isna(C, "compound_id") & ~ctx.isna(C, "name"))
    if not len(pos):
        return
    ids, names = ctx.v(C, "compound_id"), ctx.v(C, "name")
    n_names = distinct_per_group(pd.factorize(ids[pos])[0], fold_codes(names[pos]))
    files = ctx.files(C)
    first: dict[str, int] = {}
    for i in pos[n_names > 1]:
        cid = ids[i]
        j = first.setdefault(cid, int(i))
        if j == i or files[i] == files[j]:
            continue
        if fold(names[i]) == fold(names[j]):
            continue
        yield ctx.issue(
            C,
            i,
            "name",
            "name-conflict",
            ERROR,
            f"小区编号“{cid}”在 {ctx.place(C, j)} 的名称是“{names[j]}”，这里是“{names[i]}”。",
            hint="同一编号应是同一小区，请统一名称，或为不同小区使用不同编号。",
        )


def check_region_unknown(ctx: Context) -> Iterator[Issue]:
    """Streets, or (street, community) pairs, that are not in the official list."""
    reg = ctx.regions
    df = ctx.ds.compounds
    if reg is None or df.empty:
        return
    st_v, co_v = fold_values(ctx.v(C, "street")), fold_values(ctx.v(C, "community"))
    bad_street = ~ctx.isna(C, "street") & ~in_set(st_v, reg.streets)
    streets = list(reg.streets)
    communities: dict[str, list[str]] = {}
    for s, c in reg.pairs:
        communities.setdefault(s, []).append(c)

    # one suggestion per distinct name (a wrong list gives every row of a street the error)
    @functools.cache
    def hint(name: str, street: str | None = None) -> str:
        options = streets if street is None else communities.get(street, [])
        near = difflib.get_close_matches(name, options, n=1, cutoff=0.3)
        if near:
            return f"是否应为“{reg.names.get(near[0], near[0])}”？"
        return f"请按区划名单填写{'街道' if street is None else '社区'}全称。"

    for i in rows_where(bad_street):
        yield ctx.issue(
            C,
            i,
            "street",
            "region-unknown",
            ERROR,
            f"街道“{ctx.v(C, 'street')[i]}”不在区划名单 {reg.file} 中。",
            hint=hint(st_v[i]),
        )
    if not reg.has_communities:
        return
    listed = np.fromiter(
        (pair in reg.pairs for pair in zip(st_v.tolist(), co_v.tolist(), strict=True)),
        dtype=bool,
        count=len(st_v),
    )
    filled = ~ctx.isna(C, "street") & ~ctx.isna(C, "community")
    for i in rows_where(~bad_street & filled & ~listed):
        yield ctx.issue(
            C,
            i,
            "community",
            "region-unknown",
            ERROR,
            f"社区“{ctx.v(C, 'community')[i]}”不在区划名单中“{ctx.v(C, 'street')[i]}”的社区之列。",
            hint=hint(co_v[i], st_v[i]),
        )
