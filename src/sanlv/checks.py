"""Check stage: each check is a small function over the dataset that yields issues.

Every check takes one `Context` (the dataset, the configuration, the as-of date, the day of
the run and the official region list), finds the offending rows with vectorised pandas masks
and loops only over those rows to build the issues. Checks never raise: a check that fails
on unexpected data is reported as one warning and the others still run. Thresholds come from
the config's [rules].
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .compute import UNIT_COMMITTEE, active_on, attach_orgs, explode_refs, isin
from .issues import ERROR, WARNING, InputError, Issue
from .normalise import Dataset, location

C, M, P = "compounds", "committees", "party_orgs"


@dataclass
class Regions:
    """The official list of streets and communities (`--regions`)."""

    file: str
    streets: set[str]
    pairs: set[tuple[str, str]]
    has_communities: bool
    names: dict[str, str] = field(default_factory=dict)  # folded -> as written in the list


@dataclass
class Context:
    ds: Dataset
    config: object
    as_of: pd.Timestamp
    today: pd.Timestamp
    regions: Regions | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def rules(self):
        return self.config.rules

    def v(self, roster: str, key: str) -> np.ndarray:
        """One column as a numpy object array (fast per-row access), cached."""
        ck = ("col", roster, key)
        if ck not in self._cache:
            self._cache[ck] = self.ds.tables[roster][key].to_numpy(dtype=object)
        return self._cache[ck]

    def where(self, roster: str, i: int, key: str | None = None) -> dict:
        """Like Dataset.where, from cached arrays (row-by-row column access is slow)."""
        src = self.ds.sources[int(self.v(roster, "_src")[i])]
        return location(src, roster, int(self.v(roster, "_row")[i]), key)

    def files(self, roster: str) -> np.ndarray:
        """The file name of every row of a roster."""
        ck = ("files", roster)
        if ck not in self._cache:
            names = np.array([s.file for s in self.ds.sources] or [""], dtype=object)
            self._cache[ck] = names[self.v(roster, "_src").astype(np.int64)]
        return self._cache[ck]

    def place(self, roster: str, i: int) -> str:
        w = self.where(roster, i)
        return f"{w['file']}「{w['sheet']}」第 {w['row']} 行"

    def _places(self, roster: str, key: str | None) -> tuple[str, list[tuple[str, str, str]]]:
        """The column label of a field, and per source its file, sheet and column letter
        ("" where the source lacks the column, or for a row-level issue when key is None)."""
        ck = ("places", roster, key)
        if ck not in self._cache:
            label = schema.ROSTER_BY_KEY[roster].field(key).label if key is not None else ""
            places = []
            for s in self.ds.sources:
                ref = s.columns.get(key) if key is not None else None
                places.append((s.file, s.sheet, ref.letter if ref else ""))
            self._cache[ck] = (label, places)
        return self._cache[ck]

    def _maker(
        self, roster: str, key: str | None, code: str, severity: str, hint: str
    ) -> Callable[[int, int, str, str], Issue]:
        """The one constructor of issue records: (source index, Excel row, message, value
        shown) -> the issue at that row, at `key`'s cell when the source has the column."""
        label, places = self._places(roster, key)

        def make(src_i: int, row: int, message: str, value: str) -> Issue:
            file, sheet, letter = places[src_i]
            cell = f"{letter}{row}" if letter else ""
            return Issue(code, severity, message, file, sheet, row, label, cell, value, hint)

        return make

    def issue(
        self,
        roster: str,
        i: int,
        key: str | None,
        code: str,
        severity: str,
        message: str,
        hint: str = "",
        value: object = None,
    ) -> Issue:
        """An issue at row position i of a roster (at the cell of `key` when given)."""
        i = int(i)
        if key is not None and value is None:
            value = self.v(roster, key)[i]
        src_i, row = int(self.v(roster, "_src")[i]), int(self.v(roster, "_row")[i])
        make = self._maker(roster, key, code, severity, hint)
        return make(src_i, row, message, show(value))

    def issues_at(
        self,
        roster: str,
        positions: np.ndarray,
        key: str,
        code: str,
        severity: str,
        messages: Iterable[str],
        hint: str = "",
    ) -> list[Issue]:
        """One issue per row position, at the cell of `key` (its value shown), in one pass."""
        df = self.ds.tables[roster]
        srcs = df["_src"].to_numpy()[positions].tolist()
        rows = df["_row"].to_numpy()[positions].tolist()
        values = _show_many(df[key].iloc[positions])
        make = self._maker(roster, key, code, severity, hint)
        return [make(*a) for a in zip(srcs, rows, messages, values, strict=True)]

    # --- shared derived data ---------------------------------------------------------------

    def active_committees(self) -> pd.Series:
        """Mask over the committees table: active on the as-of date."""
        if "active_com" not in self._cache:
            self._cache["active_com"] = _active(self.ds.committees, self.as_of)
        return self._cache["active_com"]

    def active_orgs(self) -> pd.Series:
        if "active_org" not in self._cache:
            self._cache["active_org"] = _active(self.ds.party_orgs, self.as_of)
        return self._cache["active_org"]

    def compound_ids(self) -> set[str]:
        """Every compound id (the set is shared: do not modify it)."""
        if "compound_ids" not in self._cache:
            self._cache["compound_ids"] = set(self.ds.compounds["compound_id"].dropna())
        return self._cache["compound_ids"]

    def committee_ids(self) -> set[str]:
        """Every committee id (the set is shared: do not modify it)."""
        if "committee_ids" not in self._cache:
            self._cache["committee_ids"] = set(self.ds.committees["committee_id"].dropna())
        return self._cache["committee_ids"]

    def roster_loaded(self, roster: str) -> bool:
        return any(s.roster == roster for s in self.ds.sources)

    def org_refs(self) -> pd.DataFrame:
        """Every (org position, referenced id) pair, with whether the host is a company."""
        if "org_refs" not in self._cache:
            orgs = self.ds.party_orgs
            pos, refs = explode_refs(orgs["host_ref"].to_numpy(dtype=object))
            company = _b(orgs["host_kind"] == schema.HOST_COMPANY).to_numpy()
            self._cache["org_refs"] = pd.DataFrame(
                {
                    "pos": pos.astype(np.int64),
                    "ref": pd.Series(refs, dtype=object),
                    "company": company[pos],
                }
            )
        return self._cache["org_refs"]

    def links(self) -> pd.DataFrame:
        """Active organisations resolved to committees: org position, committee id, form."""
        if "links" in self._cache:
            return self._cache["links"]
        links = attach_orgs(self.ds.party_orgs, self.ds.committees, self.as_of)
        links = links[(links["unit_kind"] == UNIT_COMMITTEE).to_numpy()]
        out = links[["pos", "unit_id", "form"]].rename(columns={"unit_id": "committee_id"})
        self._cache["links"] = out.reset_index(drop=True)
        return self._cache["links"]


def _active(df: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    return active_on(df["founded"], df["dissolved"], day)


def show(value: object) -> str:
    """A table value as the user would read it."""
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "、".join(map(str, value))
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, bool | np.bool_):
        return "是" if value else "否"
    return str(value)


def _show_many(values: pd.Series) -> list[str]:
    """show() of every value of a (small) Series; dates formatted column-wise."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.strftime("%Y-%m-%d").fillna("").tolist()
    return [show(v) for v in values.to_numpy(dtype=object)]


def _d(ts: object) -> str:
    return show(ts)


def _iso(ts: pd.Timestamp) -> str:
    return ts.date().isoformat()


def _fold(text: object) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def _fold_series(s: pd.Series) -> pd.Series:
    """Vectorised _fold: NFKC and no whitespace at all (NA stays NA)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(s.to_numpy(dtype=object), pa.string(), from_pandas=True)
    arr = pc.utf8_normalize(arr, "NFKC")
    arr = pc.replace_substring_regex(arr, r"[\s\p{Z}\x{1c}-\x{1f}\x{85}]+", "")
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype=object)


def _fold_codes(s: pd.Series) -> np.ndarray:
    """Integer codes of the _fold-ed values (missing and empty alike), folding each distinct
    value once."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object))
    folded = _fold_series(pd.Series(uniques, dtype=object)).fillna("").to_numpy(dtype=object)
    fcodes, _ = pd.factorize(np.append(folded, ""))
    return np.where(codes >= 0, fcodes[codes], fcodes[-1]) if len(codes) else codes


def _pos(mask: pd.Series | np.ndarray) -> np.ndarray:
    m = mask.to_numpy() if isinstance(mask, pd.Series) else mask
    return np.flatnonzero(np.asarray(m, dtype=bool))


def _b(s: pd.Series) -> pd.Series:
    """A boolean mask with NA as False."""
    return s.fillna(False).astype(bool)


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
            col = df[f.key]
            empty = col.isna() if f.type != "idlist" else col.map(len) == 0
            mask = (empty & ds.has_column(roster.key, f.key)).to_numpy()
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
            v, top = df[f.key], df[f.not_above]
            for i in _pos(_b(v.notna() & top.notna() & (v > top))):
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
    for roster in schema.ROSTERS:
        df = ctx.ds.tables[roster.key]
        if df.empty:
            continue
        for f in roster.fields:
            if f.type != "date" or f.key == "term_end":
                continue
            col = df[f.key]
            # A service contract that starts next month is legitimate (the rates count it
            # from that day): a warning to check, not an error.
            planned = f.key == "service_since"
            for i in _pos(_b(col.notna() & (col > today))):
                yield ctx.issue(
                    roster.key,
                    i,
                    f.key,
                    "date-future",
                    WARNING if planned else ERROR,
                    f"“{f.label}”{_d(ctx.v(roster.key, f.key)[i])} 晚于今天（{today.date().isoformat()}）。",
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
        a, b = df[first], df[later]
        la, lb = roster.field(first).label, roster.field(later).label
        for i in _pos(_b(a.notna() & b.notna() & (a > b))):
            yield ctx.issue(
                roster_key,
                i,
                later,
                "date-order",
                ERROR,
                f"“{lb}”{_d(ctx.v(roster_key, later)[i])} 早于“{la}”{_d(ctx.v(roster_key, first)[i])}。",
                hint=f"{lb}应在{la}之后，请核对两个日期（是否把年份或两列填反了）。",
            )


def _record(ctx: Context, roster: str, i: int, keys: list[str]) -> tuple:
    return tuple(show(ctx.v(roster, k)[i]) for k in keys)


def check_id_duplicate(ctx: Context) -> Iterator[Issue]:
    """The same id twice: within one file an error; across files a warning when the two
    records are identical (reported twice, counted once), an error when they differ."""
    ds = ctx.ds
    for roster in schema.ROSTERS:
        df = ds.tables[roster.key]
        if df.empty:
            continue
        ids = df[roster.id_field]
        dup = _b(ids.notna() & ids.duplicated(keep=False))
        if not dup.any():
            continue
        keys = roster.keys
        files = ctx.files(roster.key)
        ids_v = ctx.v(roster.key, roster.id_field)
        id_label = roster.field(roster.id_field).label
        seen: dict[str, list[int]] = {}
        for i in _pos(dup):
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


def check_ref_missing(ctx: Context) -> Iterator[Issue]:
    """References to ids that exist nowhere."""
    ds = ctx.ds
    comp_ids = ctx.compound_ids()
    com_ids = ctx.committee_ids()
    com = ds.committees
    if not com.empty and ctx.roster_loaded(C):
        cid = com["compound_id"]
        for i in _pos(_b(cid.notna() & ~isin(cid, comp_ids))):
            yield ctx.issue(
                M,
                i,
                "compound_id",
                "ref-missing",
                ERROR,
                f"小区编号“{ctx.v(M, 'compound_id')[i]}”在小区表中不存在。",
                hint=_closest_hint(ctx.v(M, "compound_id")[i], comp_ids, "小区编号"),
            )
    orgs = ds.party_orgs
    if orgs.empty or not (ctx.roster_loaded(C) or ctx.roster_loaded(M)):
        return
    is_company = (orgs["host_kind"] == schema.HOST_COMPANY).fillna(False).to_numpy()
    known_any = comp_ids | com_ids
    lk = ctx.org_refs()
    in_comp = isin(lk["ref"], comp_ids)
    bad = ~in_comp & (lk["company"] | ~isin(lk["ref"], com_ids))
    refs = ctx.v(P, "host_ref")
    for i in np.unique(lk.loc[bad, "pos"].to_numpy()):
        ref = refs[i]
        allowed = comp_ids if is_company[i] else known_any
        missing = [r for r in ref if r not in allowed]
        if not missing:
            continue
        if is_company[i]:
            wrong = [r for r in missing if r in com_ids]
            msg = f"依托物业服务企业的党组织，依托对象编号应为小区编号，“{'、'.join(missing)}”不是已知的小区编号"
            msg += f"（{'、'.join(wrong)} 是业委会编号）。" if wrong else "。"
            hint = "请填所服务小区在小区表中的编号。"
        else:
            msg = f"依托对象编号“{'、'.join(missing)}”既不是已知的业委会（物管会）编号，也不是小区编号。"
            hint = _closest_hint(missing[0], known_any, "编号")
        yield ctx.issue(P, i, "host_ref", "ref-missing", ERROR, msg, hint=hint)


def _closest_hint(value: object, choices: set[str], what: str) -> str:
    if not choices or value is None:
        return ""
    hit = difflib.get_close_matches(str(value), list(choices)[:50000], n=1, cutoff=0.6)
    return f"是否应为“{hit[0]}”？" if hit else f"请核对{what}是否填错。"


def check_ref_ambiguous(ctx: Context) -> Iterator[Issue]:
    """An organisation whose host is given as a compound id that has two active committees."""
    orgs, com = ctx.ds.party_orgs, ctx.ds.committees
    if orgs.empty or com.empty:
        return
    active = com[ctx.active_committees().to_numpy()]
    pairs = active[["compound_id", "committee_id"]].dropna().drop_duplicates()
    counts = pairs["compound_id"].value_counts()
    if not (counts > 1).any():
        return
    multi = pairs[isin(pairs["compound_id"], counts.index[counts > 1])]
    many: dict[str, list[str]] = {}
    for cid, wid in zip(multi["compound_id"], multi["committee_id"], strict=True):
        many.setdefault(cid, []).append(wid)
    com_ids = ctx.committee_ids()
    lk = ctx.org_refs()
    bad = ~lk["company"] & isin(lk["ref"], list(many)) & ~isin(lk["ref"], com_ids)
    refs = ctx.v(P, "host_ref")
    for i in np.unique(lk.loc[bad, "pos"].to_numpy()):
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
    sub = df[df["compound_id"].notna() & df["name"].notna()]
    folded = _fold_series(sub["name"])
    n = folded.groupby(sub["compound_id"]).nunique()
    bad_ids = set(n[n > 1].index)
    if not bad_ids:
        return
    files = ctx.files(C)
    first: dict[str, int] = {}
    for i in _pos(isin(df["compound_id"], bad_ids) & df["name"].notna()):
        cid = ctx.v(C, "compound_id")[i]
        j = first.setdefault(cid, int(i))
        if j == i or files[i] == files[j]:
            continue
        names = ctx.v(C, "name")
        if _fold(names[i]) == _fold(names[j]):
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


# --- regions -----------------------------------------------------------------------------


def load_regions(path: Path) -> Regions:
    """Read the official street/community list (xlsx/xls/ods/csv with 街道, 社区 columns).
    Raises InputError (exit 2) when it cannot be used."""
    from .read import load_grids

    path = Path(path)
    grids = load_grids(path)
    street_names = {schema.norm_label(x) for x in ("街道", "街道(乡镇)", "所属街道", "乡镇")}
    comm_names = {schema.norm_label(x) for x in ("社区", "社区(村)", "所属社区", "村(社区)")}
    for g in grids:
        if g.hidden:
            continue
        head = g.head(31)
        for r, row in enumerate(head):
            labels = [schema.norm_label(v) for v in row]
            s_col = next((j for j, v in enumerate(labels) if v in street_names), None)
            if s_col is None:
                continue
            c_col = next((j for j, v in enumerate(labels) if v in comm_names), None)
            streets_raw = g.columns[s_col].slice(r + 1).to_pylist()
            comms_raw = (
                g.columns[c_col].slice(r + 1).to_pylist()
                if c_col is not None
                else [None] * len(streets_raw)
            )
            regions = Regions(path.name, set(), set(), c_col is not None)
            last_street = ""
            for s, c in zip(streets_raw, comms_raw, strict=True):
                fs, fc = _fold(s), _fold(c)
                if fs:
                    last_street = fs  # merged street cells: the street carries down
                    regions.names.setdefault(fs, str(s).strip())
                if not last_street:
                    continue
                regions.streets.add(last_street)
                if fc:
                    regions.pairs.add((last_street, fc))
                    regions.names.setdefault(fc, str(c).strip())
            if regions.streets:
                return regions
    raise InputError(
        "file-unreadable",
        f"区划名单 {path.name} 中找不到“街道”列（应有两列：街道、社区），无法核对街道社区名称。",
        path.name,
    )


def check_region_unknown(ctx: Context) -> Iterator[Issue]:
    """Streets, or (street, community) pairs, that are not in the official list."""
    reg = ctx.regions
    df = ctx.ds.compounds
    if reg is None or df.empty:
        return
    st = _fold_series(df["street"]).fillna("")
    co = _fold_series(df["community"]).fillna("")
    st_v, co_v = st.to_numpy(dtype=object), co.to_numpy(dtype=object)
    bad_street = _b(df["street"].notna() & ~isin(st, reg.streets))
    for i in _pos(bad_street):
        near = difflib.get_close_matches(st_v[i], list(reg.streets), n=1, cutoff=0.3)
        yield ctx.issue(
            C,
            i,
            "street",
            "region-unknown",
            ERROR,
            f"街道“{ctx.v(C, 'street')[i]}”不在区划名单 {reg.file} 中。",
            hint=f"是否应为“{reg.names.get(near[0], near[0])}”？"
            if near
            else "请按区划名单填写街道全称。",
        )
    if not reg.has_communities:
        return
    pair = st.astype(object) + "\x00" + co.astype(object)
    official = {f"{s}\x00{c}" for s, c in reg.pairs}
    filled = df["street"].notna() & df["community"].notna()
    bad_pair = _b(~bad_street & filled & ~isin(pair, official))
    for i in _pos(bad_pair):
        options = [c for s, c in reg.pairs if s == st_v[i]]
        near = difflib.get_close_matches(co_v[i], options, n=1, cutoff=0.3)
        yield ctx.issue(
            C,
            i,
            "community",
            "region-unknown",
            ERROR,
            f"社区“{ctx.v(C, 'community')[i]}”不在区划名单中“{ctx.v(C, 'street')[i]}”的社区之列。",
            hint=f"是否应为“{reg.names.get(near[0], near[0])}”？"
            if near
            else "请按区划名单填写社区全称。",
        )


# --- policy: committees ------------------------------------------------------------------


def _households_of(ctx: Context, compound_ids: pd.Series) -> pd.Series:
    comp = ctx.ds.compounds
    hh = comp[comp["compound_id"].notna()].drop_duplicates("compound_id")
    return compound_ids.map(hh.set_index("compound_id")["households"])


def check_committee_size(ctx: Context) -> Iterator[Issue]:
    com = ctx.ds.committees
    if com.empty:
        return
    r = ctx.rules
    act = ctx.active_committees()
    m = com["members"]
    has = act & m.notna()
    odd = (m % 2 == 1).fillna(False).astype(bool)
    hh = _households_of(ctx, com["compound_id"])
    small = _b(hh.notna() & (hh <= r.small_compound_households))
    ywh = _b(com["kind"] == schema.KIND_YWH)
    wgh = _b(com["kind"] == schema.KIND_WGH)
    in_range = _b((m >= r.committee_min_members) & (m <= r.committee_max_members))
    ywh_ok = (in_range & odd) | (_b(m == 3) & small)
    wgh_ok = _b(m >= r.wuguanhui_min_members) & odd
    bad = has & ((ywh & ~ywh_ok) | (wgh & ~wgh_ok))
    for i in _pos(bad):
        n = int(ctx.v(M, "members")[i])
        if ctx.v(M, "kind")[i] == schema.KIND_YWH:
            rule = (
                f"业委会委员应为 {r.committee_min_members}–{r.committee_max_members} 人的单数"
                f"（总户数不超过 {r.small_compound_households} 户的小区可为 3 人）"
            )
        else:
            rule = f"物管会委员应不少于 {r.wuguanhui_min_members} 人且为单数"
        yield ctx.issue(
            M,
            i,
            "members",
            "committee-size",
            WARNING,
            f"委员人数为 {n} 人，不符合规定：{rule}。",
            hint="请核对委员人数；如确有特殊情况请在备注中说明。",
        )


def check_committee_term(ctx: Context) -> Iterator[Issue]:
    com = ctx.ds.committees
    if com.empty:
        return
    r = ctx.rules
    base = ctx.active_committees() & com["founded"].notna() & com["term_end"].notna()
    for kind, years, name in (
        (schema.KIND_YWH, r.committee_max_term_years, "业委会"),
        (schema.KIND_WGH, r.wuguanhui_max_term_years, "物管会"),
    ):
        sel = base & _b(com["kind"] == kind)
        if not sel.any():
            continue
        limit = com.loc[sel, "founded"] + pd.DateOffset(years=years)
        over = pd.Series(False, index=com.index)
        over[sel] = (com.loc[sel, "term_end"] > limit).to_numpy()
        for i in _pos(over):
            yield ctx.issue(
                M,
                i,
                "term_end",
                "committee-term",
                WARNING,
                f"任期从 {_d(ctx.v(M, 'founded')[i])} 到 {_d(ctx.v(M, 'term_end')[i])}，"
                f"超过{name}每届 {years} 年的上限。",
                hint="请核对成立日期和任期届满日期。",
            )


def check_committee_expiry(ctx: Context) -> Iterator[Issue]:
    """committee-expired (term over, not re-elected) and committee-expiring (soon)."""
    com = ctx.ds.committees
    if com.empty:
        return
    te = com["term_end"]
    act = ctx.active_committees() & te.notna()
    day = ctx.as_of
    soon = day + pd.Timedelta(days=ctx.rules.expiry_warning_days)
    iso = day.date().isoformat()
    pos = _pos(act & _b(te < day))
    yield from ctx.issues_at(
        M,
        pos,
        "term_end",
        "committee-expired",
        WARNING,
        (f"任期已于 {_iso(t)} 届满，截至 {iso} 未换届。" for t in te.iloc[pos]),
        hint="请督促及时换届；已换届的请更新成立日期和任期届满日期。",
    )
    pos = _pos(act & _b((te >= day) & (te <= soon)))
    ends = te.iloc[pos]
    yield from ctx.issues_at(
        M,
        pos,
        "term_end",
        "committee-expiring",
        WARNING,
        (
            f"任期将于 {_iso(t)} 届满（{d} 天后）。"
            for t, d in zip(ends, (ends - day).dt.days.tolist(), strict=True)
        ),
        hint="请提前筹备换届选举。",
    )


def check_committee_party(ctx: Context) -> Iterator[Issue]:
    """committee-no-party-member and committee-party-share."""
    com = ctx.ds.committees
    if com.empty:
        return
    act = ctx.active_committees()
    pm, m = com["party_members"], com["members"]
    pos = _pos(act & _b(pm == 0))
    yield from ctx.issues_at(
        M,
        pos,
        "party_members",
        "committee-no-party-member",
        WARNING,
        ("委员中没有中共党员。" for _ in pos),
        hint="应推动符合条件的党员通过法定程序成为委员。",
    )
    share = ctx.rules.party_share_min
    pm_v, m_v = ctx.v(M, "party_members"), ctx.v(M, "members")
    low = act & _b((pm > 0) & (m > 0) & (pm <= m) & (pm < share * m))
    pos = _pos(low)
    yield from ctx.issues_at(
        M,
        pos,
        "party_members",
        "committee-party-share",
        WARNING,
        (
            f"党员委员 {pm_v[i]} 人，占委员 {m_v[i]} 人的 "
            f"{pm_v[i] / m_v[i]:.0%}，低于 {share:.0%} 的要求。"
            for i in pos.tolist()
        ),
        hint="应提高委员中党员的比例。",
    )


def _ids_by_compound(com: pd.DataFrame, wanted: pd.Series) -> dict[str, str]:
    """Committee ids joined by 、 for the wanted compounds only (no per-group lambdas)."""
    sub = com[isin(com["compound_id"], wanted)]
    out: dict[str, list[str]] = {}
    for cid, wid in zip(sub["compound_id"], sub["committee_id"], strict=True):
        if wid is not None and not pd.isna(wid):
            out.setdefault(cid, []).append(str(wid))
    return {k: "、".join(v) for k, v in out.items()}


def check_committee_coexist(ctx: Context) -> Iterator[Issue]:
    """业委会 and 物管会 both active in one compound: reported on the 物管会."""
    com = ctx.ds.committees
    if com.empty:
        return
    act = ctx.active_committees() & com["compound_id"].notna()
    ywh = com[act & _b(com["kind"] == schema.KIND_YWH)]
    wgh = act & _b(com["kind"] == schema.KIND_WGH) & isin(com["compound_id"], ywh["compound_id"])
    ywh_by = _ids_by_compound(ywh, com.loc[wgh, "compound_id"])
    for i in _pos(wgh):
        cid = ctx.v(M, "compound_id")[i]
        yield ctx.issue(
            M,
            i,
            "kind",
            "committee-coexist",
            WARNING,
            f"小区“{cid}”已有运行中的业委会（{ywh_by.get(cid) or '无编号'}），同时又有物管会。",
            hint="业委会成立后物管会应撤销，请填写物管会的撤销日期。",
        )


def check_committee_ineligible(ctx: Context) -> Iterator[Issue]:
    """A compound marked 具备组建条件=否 that has an active committee."""
    comp, com = ctx.ds.compounds, ctx.ds.committees
    if comp.empty or com.empty:
        return
    act = com[ctx.active_committees().to_numpy() & com["compound_id"].notna().to_numpy()]
    bad = _b(comp["committee_eligible"] == False) & isin(comp["compound_id"], act["compound_id"])  # noqa: E712
    bad &= ctx.ds.has_column(C, "committee_eligible")
    by = _ids_by_compound(act, comp.loc[bad, "compound_id"])
    for i in _pos(bad):
        cid = ctx.v(C, "compound_id")[i]
        yield ctx.issue(
            C,
            i,
            "committee_eligible",
            "committee-ineligible",
            WARNING,
            f"小区标为不具备组建条件，但已有运行中的业委会（物管会）{by.get(cid, '')}。",
            hint="已成立的，请把“具备组建条件”改为“是”；否则请核对业委会表中的小区编号。",
        )


# --- policy: Party organisations ---------------------------------------------------------


def check_party_org(ctx: Context) -> Iterator[Issue]:
    """party-org-required (≥ N Party members, no organisational coverage) and
    party-org-lagging (founded long ago, no Party organisation attached at all)."""
    com = ctx.ds.committees
    if com.empty:
        return
    links = ctx.links()
    covered_any = set(links["committee_id"])
    covered_org = set(links.loc[isin(links["form"], schema.ORG_FORMS), "committee_id"])
    act = ctx.active_committees() & com["committee_id"].notna()
    pm = com["party_members"]
    need = ctx.config.party.min_members_for_org
    required = act & _b(pm >= need) & ~isin(com["committee_id"], covered_org)
    pos = _pos(required)
    ids, pm_v = ctx.v(M, "committee_id"), ctx.v(M, "party_members")
    yield from ctx.issues_at(
        M,
        pos,
        "party_members",
        "party-org-required",
        WARNING,
        (
            f"委员中有 {pm_v[i]} 名党员（≥{need}），但没有建立党组织"
            + ("（只有派驻党建指导员）。" if ids[i] in covered_any else "。")
            for i in pos.tolist()
        ),
        hint="具备条件的应单独或联合组建党支部，并在党组织表中登记（依托对象编号填本组织编号）。",
    )
    cutoff = ctx.as_of - pd.Timedelta(days=ctx.rules.new_committee_party_org_days)
    lagging = (
        act & ~required & _b(com["founded"] < cutoff) & ~isin(com["committee_id"], covered_any)
    )
    pos = _pos(lagging)
    days = (ctx.as_of - com["founded"].iloc[pos]).dt.days.tolist()
    yield from ctx.issues_at(
        M,
        pos,
        "founded",
        "party-org-lagging",
        WARNING,
        (f"成立已 {d} 天，仍没有党组织覆盖（既无党组织，也无党建指导员）。" for d in days),
        hint=f"成立 {ctx.rules.new_committee_party_org_days} 天内应实现党的组织或工作覆盖。",
    )


def check_party_host_inactive(ctx: Context) -> Iterator[Issue]:
    """An active organisation whose host is dissolved, not yet founded or has no unit."""
    orgs = ctx.ds.party_orgs
    if orgs.empty:
        return
    ds = ctx.ds
    com, comp = ds.committees, ds.compounds
    com_ids = ctx.committee_ids()
    com_active = set(com.loc[ctx.active_committees().to_numpy(), "committee_id"].dropna())
    comp_ids = ctx.compound_ids()
    comp_with_active = set(com.loc[ctx.active_committees().to_numpy(), "compound_id"].dropna())
    modes = set(ctx.config.party.service_project_modes)
    c1 = comp[comp["compound_id"].notna()].drop_duplicates("compound_id").set_index("compound_id")
    started = c1["service_since"].isna() | (c1["service_since"] <= ctx.as_of)
    project = set(c1.index[_b(isin(c1["management_mode"], modes) & started)])
    act = ctx.active_orgs()
    is_company = (orgs["host_kind"] == schema.HOST_COMPANY).fillna(False).to_numpy()
    refs = ctx.v(P, "host_ref")
    lk = ctx.org_refs()
    r_ = lk["ref"]
    in_com, in_comp = isin(r_, com_ids), isin(r_, comp_ids)
    suspect = lk["pos"].isin(_pos(act)) & (
        (lk["company"] & in_comp & ~isin(r_, project))
        | (~lk["company"] & in_com & ~isin(r_, com_active))
        | (~lk["company"] & ~in_com & in_comp & ~isin(r_, comp_with_active))
    )
    for i in np.unique(lk.loc[suspect, "pos"].to_numpy()):
        ref = refs[i]
        dead: list[str] = []
        for r in ref:
            if is_company[i]:
                if r in comp_ids and r not in project:
                    dead.append(f"{r}（不是物业服务项目）")
            elif r in com_ids:
                if r not in com_active:
                    dead.append(f"{r}（已撤销或尚未成立）")
            elif r in comp_ids and r not in comp_with_active:
                dead.append(f"{r}（该小区没有运行中的业委会或物管会）")
        if dead:
            yield ctx.issue(
                P,
                i,
                "host_ref",
                "party-host-inactive",
                WARNING,
                f"党组织仍在运行，但依托对象 {'、'.join(dead)} 在 "
                f"{ctx.as_of.date().isoformat()} 已不存在或无效，不计入覆盖。",
                hint="请更新依托对象编号，或填写党组织的撤销日期。",
            )


# --- policy: compounds -------------------------------------------------------------------


def check_service_company(ctx: Context) -> Iterator[Issue]:
    """service-company-missing and service-company-unexpected."""
    comp = ctx.ds.compounds
    if comp.empty:
        return
    mode, co = comp["management_mode"], comp["service_company"]
    for i in _pos(_b(isin(mode, schema.MODES_NEED_COMPANY)) & co.isna()):
        yield ctx.issue(
            C,
            i,
            "service_company",
            "service-company-missing",
            ERROR,
            f"物业管理方式为“{ctx.v(C, 'management_mode')[i]}”，但没有填写物业服务企业。",
            hint="请填写物业服务企业全称；如实际没有物业企业，请改正物业管理方式。",
        )
    for i in _pos(_b(mode == schema.MODE_NONE) & co.notna()):
        yield ctx.issue(
            C,
            i,
            "service_company",
            "service-company-unexpected",
            WARNING,
            f"物业管理方式为“无物业管理”，却填写了物业服务企业“{ctx.v(C, 'service_company')[i]}”。",
            hint="如有物业企业服务，请改正物业管理方式；否则请清空物业服务企业。",
        )


def check_compound_duplicate_name(ctx: Context) -> Iterator[Issue]:
    """The same compound name in one community under two ids."""
    comp = ctx.ds.compounds
    if comp.empty:
        return
    pos = _pos(comp["compound_id"].notna() & comp["name"].notna())
    sub = comp.iloc[pos]
    # Integer codes of the folded texts (streets and communities repeat: fold each once).
    key = pd.DataFrame(
        {
            "s": _fold_codes(sub["street"]),
            "c": _fold_codes(sub["community"]),
            "n": _fold_codes(sub["name"]),
            "id": pd.factorize(sub["compound_id"].to_numpy(dtype=object))[0],
            "pos": pos,
        }
    )
    n_ids = key.groupby(["s", "c", "n"])["id"].transform("nunique")
    cand = key[(n_ids > 1).to_numpy()]
    if cand.empty:
        return
    names, ids = ctx.v(C, "name"), ctx.v(C, "compound_id")
    first: dict[tuple, tuple[str, int]] = {}
    for s, c, n, _, i in cand.itertuples(index=False, name=None):
        g, cid = (s, c, n), ids[i]
        if g not in first:
            first[g] = (cid, int(i))
            continue
        other_id, j = first[g]
        if cid == other_id:
            continue
        yield ctx.issue(
            C,
            i,
            "name",
            "compound-duplicate-name",
            WARNING,
            f"同一社区中，小区“{names[i]}”已用编号“{other_id}”登记"
            f"（{ctx.place(C, j)}），这里又用了编号“{cid}”。",
            hint="如是同一小区请合并为一条；如是不同小区（如分期），请在名称中区分。",
        )


# --- registry ----------------------------------------------------------------------------

CHECKS: tuple[Callable[[Context], Iterator[Issue]], ...] = (
    check_sheet_missing,
    check_value_missing,
    check_not_above,
    check_date_future,
    check_date_order,
    check_id_duplicate,
    check_ref_missing,
    check_ref_ambiguous,
    check_name_conflict,
    check_region_unknown,
    check_committee_size,
    check_committee_term,
    check_committee_expiry,
    check_committee_party,
    check_committee_coexist,
    check_committee_ineligible,
    check_party_org,
    check_party_host_inactive,
    check_service_company,
    check_compound_duplicate_name,
)


def run_checks(
    ds: Dataset, config, as_of: date, regions: Path | None = None, today: date | None = None
) -> list[Issue]:
    """Run every check. Raises InputError only for an unusable --regions file."""
    if config is None:
        from .config import Config

        config = Config()
    ctx = Context(
        ds,
        config,
        pd.Timestamp(as_of),
        pd.Timestamp(today or date.today()),
        load_regions(regions) if regions is not None else None,
    )
    out: list[Issue] = []
    for check in CHECKS:
        found: list[Issue] = []
        try:
            for issue in check(ctx):
                found.append(issue)
        except Exception as exc:  # a check must never stop the run
            found.append(
                Issue(
                    "check-failed",
                    WARNING,
                    f"检查项 {check.__name__.removeprefix('check_')} 未能完成"
                    f"（内部错误 {type(exc).__name__}），其余检查不受影响。",
                    hint="请把本提示反馈给开发者。",
                )
            )
        out.extend(found)
    return out
