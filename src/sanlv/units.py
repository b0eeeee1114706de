"""Domain rules that the engine and the checks share, each written once: what is active on
a day, which compounds are service projects, how a Party organisation's host resolves to the
units it covers, and the vocabulary of a committee's or organisation's state on a day.

Also the set lookups on ids (object arrays, blanks never match) that both use.
"""

from __future__ import annotations

import unicodedata
from itertools import chain

import numpy as np
import pandas as pd

from . import schema

UNIT_COMMITTEE = "committee"
UNIT_SERVICE = "service_project"
UNIT_ENTERPRISE = "enterprise"  # a property company, with party.service_unit = "enterprise"

# The state of a committee or an organisation on a day (SPEC section 1 "Active").
STATE_NO_FOUNDED = "成立日期缺失"
STATE_NOT_YET = "尚未成立"
STATE_DISSOLVED = "已撤销"


def active_on(founded: pd.Series, dissolved: pd.Series, day: pd.Timestamp) -> np.ndarray:
    """Founded on or before `day` and not dissolved by then (SPEC section 1, "Active"). A
    mask as a numpy array (the date columns are compared as datetime64, NaT never true)."""
    when = as_datetime64(day)
    gone = dates_of(dissolved)
    return (dates_of(founded) <= when) & (np.isnat(gone) | (gone > when))


def dates_of(s: pd.Series) -> np.ndarray:
    """A date column as a datetime64 array (NaT where empty)."""
    return s.to_numpy() if s.dtype.kind == "M" else s.to_numpy(dtype="datetime64[ns]")


def as_datetime64(day: pd.Timestamp) -> np.datetime64:
    """A day to compare with `dates_of` arrays."""
    return pd.Timestamp(day).to_datetime64()


def isin(s: pd.Series, values) -> pd.Series:
    """`s.isin(values)` for ids and codes; a missing value in `s` never matches (a blank id
    is no reference). On object dtype: pandas' Arrow-backed "str" dtype loops in Python there
    (about 2 s per 100k rows). A set (of values, no missing one) is looked up as it is, which
    spares pandas building a hash table of it on every call: the checks keep their id sets."""
    arr = s.to_numpy(dtype=object)
    if isinstance(values, set | frozenset):
        return pd.Series(in_set(arr, values), index=s.index, name=s.name)
    if not isinstance(values, pd.Series | pd.Index):
        values = list(values)
    vals = pd.Series(values, dtype=object).dropna().to_numpy(dtype=object)
    return pd.Series(arr, index=s.index, name=s.name, dtype=object).isin(vals)


def in_set(arr: np.ndarray, members: set | frozenset) -> np.ndarray:
    """Boolean mask: each element of an object array is in `members` (a Python set lookup)."""
    return np.fromiter(map(members.__contains__, arr.tolist()), dtype=bool, count=len(arr))


def attach_orgs(orgs: pd.DataFrame, committees: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The units each Party organisation active on `day` is attached to (SPEC section 1).

    A 物业服务企业 host lists compound ids (service projects); a committee host is a committee
    id, or a compound id resolving to that compound's committee(s) active on the day.
    Returns one row per link: `pos` (row position in `orgs`), org_id, form, unit_kind, unit_id.
    The engine and the checks both resolve hosts here (the checks through `org_links`).
    """
    p, unit_kind, unit_id = org_links(orgs, committees, day)
    return pd.DataFrame(
        {
            "pos": p,
            "org_id": pd.Series(orgs["org_id"].to_numpy(dtype=object)[p], dtype=object),
            "form": pd.Series(orgs["form"].to_numpy(dtype=object)[p], dtype=object),
            "unit_kind": pd.Series(unit_kind, dtype=object),
            "unit_id": pd.Series(unit_id, dtype=object),
        }
    )


def org_links(
    orgs: pd.DataFrame, committees: pd.DataFrame, day: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`attach_orgs` as numpy arrays: per link the org's row position, the unit kind and the
    unit id."""
    active = np.flatnonzero(active_on(orgs["founded"], orgs["dissolved"], day))
    at, refs = explode_refs(orgs["host_ref"].to_numpy(dtype=object)[active])
    pos = active[at]
    kind = orgs["host_kind"].to_numpy(dtype=object)[pos]
    company = kind == schema.HOST_COMPANY
    com_host = ~company & ~pd.isna(kind)
    com_wid = committees["committee_id"].to_numpy(dtype=object)
    com_ids = set(com_wid[~pd.isna(com_wid)].tolist())
    direct = com_host & in_set(refs, com_ids)
    # a compound id as host: that compound's committees active on the day, in table order
    via = np.flatnonzero(com_host & ~direct).tolist()
    by_compound: dict[object, list[object]] = {}
    if via:
        wanted = {refs[i] for i in via}
        com_cid = committees["compound_id"].to_numpy(dtype=object)
        com_active = active_on(committees["founded"], committees["dissolved"], day)
        hit = com_active & in_set(com_cid, wanted)
        for cid, wid in zip(com_cid[hit].tolist(), com_wid[hit].tolist(), strict=True):
            by_compound.setdefault(cid, []).append(wid)
    via_at: list[int] = []
    via_ids: list[object] = []
    for i in via:
        for wid in by_compound.get(refs[i], ()):
            via_at.append(i)
            via_ids.append(wid)
    # service projects first, then committees named directly, then those found via compounds
    svc, named = np.flatnonzero(company), np.flatnonzero(direct)
    p = pos[np.concatenate([svc, named, np.asarray(via_at, dtype=np.int64)])]
    unit_id = np.concatenate([refs[svc], refs[named], np.asarray(via_ids, dtype=object)])
    unit_kind = np.full(len(p), UNIT_COMMITTEE, dtype=object)
    unit_kind[: len(svc)] = UNIT_SERVICE
    return p, unit_kind, unit_id


def explode_refs(refs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A column of id tuples (a host's 依托对象编号) flattened: the row position of each id,
    and the ids. Blank cells and empty tuples give no id. (DataFrame.explode takes 0.07 s a
    call at 100k organisations, this about a tenth of it.)"""
    lists = [v if isinstance(v, tuple | list) else () for v in refs.tolist()]
    lens = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    ids = np.fromiter(chain.from_iterable(lists), dtype=object, count=int(lens.sum()))
    at = np.repeat(np.arange(len(lists)), lens)
    keep = ~pd.isna(ids)
    return (at, ids) if keep.all() else (at[keep], ids[keep])


def first_by_id(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows with an id, the first occurrence of each (duplicates are reported by checks)."""
    df = df[df[key].notna()]
    return df[~df[key].duplicated()]


def service_started(since: pd.Series, day: pd.Timestamp) -> np.ndarray:
    """Service counts from 物业服务起始日期 when it is given (SPEC section 1 "Service since")."""
    start = dates_of(since)
    return np.isnat(start) | (start <= as_datetime64(day))


def service_projects(compounds: pd.DataFrame, modes, day: pd.Timestamp) -> np.ndarray:
    """Mask over compounds: a service project on `day` (SPEC section 1 "Party units"): in
    scope (纳入统计, blank = 是), its 物业管理方式 one of `modes`, its service started."""
    in_scope = compounds["in_scope"].to_numpy(dtype=bool, na_value=True)
    mode = compounds["management_mode"].to_numpy(dtype=object)
    return (
        in_scope & in_set(mode, frozenset(modes)) & service_started(compounds["service_since"], day)
    )


def lifecycle_state(founded: pd.Series, dissolved: pd.Series, day: pd.Timestamp, active: str):
    """The state on `day` of committees or organisations, as Chinese words: 成立日期缺失,
    尚未成立, 已撤销, or `active` (the caller's word for one that is active)."""
    return np.select(
        [
            founded.isna().to_numpy(),
            (founded > day).fillna(False).to_numpy(bool),
            (dissolved.notna() & (dissolved <= day)).fillna(False).to_numpy(bool),
        ],
        [STATE_NO_FOUNDED, STATE_NOT_YET, STATE_DISSOLVED],
        default=active,
    )


def resolve_districts(
    districts: pd.Series, files: np.ndarray, unfilled: str
) -> tuple[np.ndarray, np.ndarray]:
    """The district of each compound (SPEC section 1 "Levels"): its 区 cell; when blank, the
    one 区 named elsewhere in its own file if there is exactly one; else, when all the inputs
    name at most one district, that one (or "" when none is named). When the inputs name two
    or more districts, a district that stays unknown is `unfilled`, and the second array marks
    those compounds (a `value-missing` error on 区).

    `districts` is the 区 column, `files` the file of each row."""
    values = districts.to_numpy(dtype=object)
    blank = pd.isna(values) | (values == "")
    named: dict[object, set] = {}
    for f, d in set(zip(files[~blank].tolist(), values[~blank].tolist(), strict=True)):
        named.setdefault(f, set()).add(d)
    everywhere = set().union(*named.values()) if named else set()
    out = values.copy()
    unknown = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(blank).tolist():
        own = named.get(files[i], set())
        if len(own) == 1:
            out[i] = next(iter(own))
        elif len(everywhere) <= 1 and not own:
            out[i] = next(iter(everywhere), "")
        else:
            out[i] = unfilled
            unknown[i] = True
    return out, unknown


def company_keys(compounds: pd.DataFrame) -> np.ndarray:
    """The property company of each compound, as it is counted with party.service_unit =
    "enterprise": its 统一社会信用代码 when filled, else its name folded (NFKC, no spaces);
    "" when neither is filled."""
    code = compounds["service_company_code"].to_numpy(dtype=object)
    name = compounds["service_company"].to_numpy(dtype=object)
    out = np.empty(len(code), dtype=object)
    for i, (c, n) in enumerate(zip(code.tolist(), name.tolist(), strict=True)):
        if isinstance(c, str) and c.strip():
            out[i] = c.strip().upper()
        elif isinstance(n, str) and n.strip():
            out[i] = "".join(unicodedata.normalize("NFKC", n).split())
        else:
            out[i] = ""
    return out
