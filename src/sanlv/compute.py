"""Compute stage: the rates of SPEC section 1 on an as-of date, as numerator/denominator.

Everything is computed per unit first (one row per compound, one row per Party unit) with
whether it counted and, if not, why; the rates of every level (district, street, community,
compound category) are sums over those rows. Column operations only: no per-row loops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from . import schema
from .config import HEADLINE_RATES, RATE_KEYS, Config
from .levels import PLACE_COLUMNS, UNFILLED, UNFILLED_DISTRICT
from .normalise import Dataset
from .units import (
    UNIT_COMMITTEE,
    UNIT_ENTERPRISE,
    UNIT_SERVICE,
    active_on,
    attach_orgs,
    company_keys,
    first_by_id,
    in_set,
    isin,
    lifecycle_state,
    resolve_districts,
    service_projects,
    service_started,
)

HEADLINE = HEADLINE_RATES

# The to-dos of SPEC section 5, by the kind in their stable key `KIND:OBJECT_ID` (section 7).
TODO_COMMITTEE, TODO_SERVICE, TODO_PARTY, TODO_EXPIRED = TODO_KINDS = (
    "no-committee",
    "no-service",
    "no-party",
    "expired",
)
# Kinds whose object is the compound itself (the others name a unit or a committee).
COMPOUND_TODOS = (TODO_COMMITTEE, TODO_SERVICE)


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def to_dict(self) -> dict:
        r = self.rate
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": None if r is None else round(r, 4),
        }


def gap(rate: Rate, target: float | None) -> int | None:
    """Units still needed to reach the target (0 when met); None without a target."""
    if target is None:
        return None
    need = math.ceil(Decimal(str(target)) * rate.denominator) - rate.numerator
    return max(0, int(need))


def _join_groups(keys: pd.Series, values: pd.Series, sep: str = "、") -> dict[object, str]:
    """Distinct values joined per key, in order of appearance, as a plain dict (vectorised
    for the common case of one value per key; a Python pass over the rest)."""
    d = pd.DataFrame(
        {"k": keys.to_numpy(dtype=object), "v": values.to_numpy(dtype=object)}, dtype=object
    )
    d = d[d["v"].notna()].drop_duplicates()
    multi = d["k"].duplicated(keep=False).to_numpy()
    k_, v_ = d["k"].to_numpy(), d["v"].to_numpy()
    out = dict(zip(k_[~multi].tolist(), v_[~multi].tolist(), strict=True))
    many: dict[object, list[str]] = {}
    for k, v in zip(k_[multi].tolist(), v_[multi].tolist(), strict=True):
        many.setdefault(k, []).append(str(v))
    out.update((k, sep.join(v)) for k, v in many.items())
    return out


def _lookup(keys: pd.Series, table: dict, default: str) -> pd.Series:
    """keys mapped through `table` (key -> text), `default` where absent; object dtype."""
    get = table.get
    return pd.Series([get(k, default) for k in keys.tolist()], index=keys.index, dtype=object)


def factorized(arr: np.ndarray) -> tuple[np.ndarray, list]:
    """Sorted group codes of a key column and the key of each code, a missing key being a
    group of its own sorted last (as in a groupby with dropna=False)."""
    code, unique = pd.factorize(arr, sort=True, use_na_sentinel=True)
    level = list(unique)
    if (code < 0).any():
        code = np.where(code < 0, len(level), code)
        level.append(np.nan)
    return code.astype(np.int64), level


def sums_by_codes(
    keys: dict[str, tuple[np.ndarray, list]], parts: list[tuple[np.ndarray, dict[str, np.ndarray]]]
) -> pd.DataFrame:
    """Integer sums per group of the key columns (codes and keys from `factorized`, over
    some rows), sorted by key: the counts of one level in one pass, as
    `DataFrame(keys | values).groupby(keys, dropna=False, sort=True).sum().reset_index()`.
    `parts` are (positions in the coded rows, value columns over those positions); a group
    is in the result when any part has a row in it, and a part's columns are 0 in the
    groups it has no row in. The result is typed as the pandas groupby types it (its index
    built the same way)."""
    names = list(keys)
    levels = [level for _, level in keys.values()]
    at = np.concatenate([pos for pos, _ in parts]) if parts else np.zeros(0, np.int64)
    combined = np.zeros(len(at), dtype=np.int64)
    for code, level in keys.values():
        combined = combined * len(level) + code[at]
    groups, inverse = np.unique(combined, return_inverse=True)
    inverse = inverse.ravel()
    group_codes = []
    for level in reversed(levels):
        group_codes.append(groups % len(level))
        groups = groups // len(level)
    group_codes.reverse()
    if len(names) == 1:
        index = pd.Index(levels[0], name=names[0]).take(group_codes[0])
    else:
        index = pd.MultiIndex(
            levels=[pd.Index(level) for level in levels],
            codes=group_codes,
            names=names,
            verify_integrity=False,
        )
    sums: dict[str, np.ndarray] = {}
    start = 0
    for pos, values in parts:
        part = inverse[start : start + len(pos)]
        start += len(pos)
        for name, v in values.items():
            total = np.bincount(part, weights=v, minlength=len(index))
            sums[name] = np.rint(total).astype(np.int64)
    return pd.DataFrame(sums, index=index).reset_index()


@dataclass
class Computation:
    """Per-unit status and the rates derived from it."""

    as_of: date
    config: Config
    compounds: pd.DataFrame  # one row per compound (in scope or not) with status columns
    units: pd.DataFrame  # one row per Party unit on the date
    committees: pd.DataFrame  # every committee with its status on the date
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    # --- aggregation -------------------------------------------------------------------

    def counts(self, by: list[str] | None = None) -> pd.DataFrame:
        """Numerators and denominators (`{key}_num`, `{key}_den`) per group, plus `compounds`."""
        key = ("counts", tuple(by or ()))
        if key not in self._memo:
            self._memo[key] = self._counts(by)
        return self._memo[key].copy()

    def _count_rows(self) -> list[tuple[pd.DataFrame, dict[str, np.ndarray]]]:
        """The rows every level sums, per table (compounds, Party units, active committees
        in scope), with their count columns: each rate's numerator and denominator is a
        column of one table."""
        if "count_rows" in self._memo:
            return self._memo["count_rows"]
        # every compound (a street whose compounds are all out of scope still has a row)
        c = self.compounds
        u = self.units
        w = self.committees
        w = w[(w["active"] & w["in_scope"]).to_numpy(bool)]
        headline_party = (
            "party_work_ok" if self.config.party.count_work_coverage else "party_org_ok"
        )
        in_scope = c["in_scope"].to_numpy(np.int64)
        cf = {
            "compounds": in_scope,
            "committee_num": c["committee_counted"].to_numpy(np.int64),
            "committee_den": c["committee_in_den"].to_numpy(np.int64),
            "service_num": c["service_counted"].to_numpy(np.int64),
            "service_den": in_scope,
            "service_professional_num": c["professional_counted"].to_numpy(np.int64),
            "service_professional_den": in_scope,
        }
        is_comm = (u["unit_kind"] == UNIT_COMMITTEE).to_numpy(bool)
        ok = u[headline_party].to_numpy(bool)
        one = np.ones(len(u), dtype=np.int64)
        uf = {
            "party_num": ok.astype(np.int64),
            "party_den": one,
            "party_work_num": u["party_work_ok"].to_numpy(np.int64),
            "party_work_den": one,
            "party_committee_num": (ok & is_comm).astype(np.int64),
            "party_committee_den": is_comm.astype(np.int64),
            "party_service_num": (ok & ~is_comm).astype(np.int64),
            "party_service_den": (~is_comm).astype(np.int64),
        }
        members = w["members"].fillna(0).to_numpy(np.int64)
        party = w["party_members"].fillna(0).to_numpy(np.int64)
        cross = w["cross_appointed"]
        wf = {
            "committee_party_half_num": ((members > 0) & (2 * party >= members)).astype(np.int64),
            "committee_party_half_den": np.ones(len(w), dtype=np.int64),
            "committee_cross_num": cross.fillna(0).to_numpy(np.int64).clip(0, 1),
            "committee_cross_den": cross.notna().to_numpy(np.int64),
        }
        self._memo["count_rows"] = [(c, cf), (u, uf), (w, wf)]
        return self._memo["count_rows"]

    def _key_codes(self, column: str) -> tuple[np.ndarray, list]:
        """A place column factorised once over the rows of every table (see _count_rows)."""
        key = ("key_codes", column)
        if key not in self._memo:
            tables = [t for t, _ in self._count_rows()]
            self._memo[key] = factorized(
                np.concatenate([t[column].to_numpy(dtype=object) for t in tables])
            )
        return self._memo[key]

    def _counts(self, by: list[str] | None) -> pd.DataFrame:
        rows = self._count_rows()
        enterprise = self.config.party.service_unit == "enterprise"
        parts = []
        start = 0
        for t, values in rows:
            pos = np.arange(start, start + len(t))
            start += len(t)
            if enterprise and t is self.units and len(t):
                # a company counts once in each group where it has a project (once in total)
                first = ~t.duplicated([*(by or ()), "unit_kind", "unit_id"]).to_numpy()
                pos, values = pos[first], {k: v[first] for k, v in values.items()}
            parts.append((pos, values))
        if not by:
            total = {k: int(v.sum()) for _, f in parts for k, v in f.items()}
            return pd.DataFrame([total])
        return sums_by_codes({b: self._key_codes(b) for b in by}, parts)

    def rates_of(self, row: pd.Series | dict) -> dict[str, Rate]:
        return {k: Rate(int(row[f"{k}_num"]), int(row[f"{k}_den"])) for k in RATE_KEYS}

    def total(self) -> dict[str, Rate]:
        return self.rates_of(self.counts().iloc[0])

    def target(self) -> dict[str, float]:
        t = self.config.target_for(self.as_of)
        return dict(t.rates) if t is not None else {}

    def todos(self) -> dict[str, np.ndarray]:
        """Every to-do of SPEC section 5, one row each, for the report and the ledger alike,
        as one numpy array a column: `kind` (TODO_KINDS), district, street, community,
        compound_id, compound_name, object_id, unit_kind (party to-dos), reason (object) and
        term_end (expired committees; datetime64). A company (party.service_unit =
        "enterprise") is one to-do, placed at its first project. Only the rows and columns
        taken are converted (the tables have ~40 columns and 10^5 rows)."""
        c = self.compounds
        parts: list[dict[str, np.ndarray]] = []

        def rows(
            kind: str,
            df: pd.DataFrame,
            mask: np.ndarray,
            name: str,
            obj: str,
            reason=None,
            unit_kind=None,
            term_end=None,
        ):
            """The to-dos of `kind`: the rows of `df` where `mask` (only the columns taken)."""
            n = int(np.count_nonzero(mask))

            def take(col: str | None) -> np.ndarray:
                if col is None:
                    return np.full(n, "", dtype=object)
                return df[col].iloc[mask].to_numpy(dtype=object)  # filtered, then converted

            parts.append(
                {
                    "kind": np.full(n, kind, dtype=object),
                    "district": take("district"),
                    "street": take("street"),
                    "community": take("community"),
                    "compound_id": take("compound_id"),
                    "compound_name": take(name),
                    "object_id": take(obj),
                    "unit_kind": take(unit_kind),
                    "reason": take(reason),
                    "term_end": (
                        df[term_end].iloc[mask].to_numpy("datetime64[ns]")
                        if term_end is not None
                        else np.full(n, np.datetime64("NaT", "ns"))
                    ),
                }
            )

        nc = (c["committee_in_den"] & ~c["committee_counted"]).to_numpy(bool)
        ns = (c["in_scope"] & ~c["service_counted"]).to_numpy(bool)
        u = self.units
        uncovered = ~u["party_counted"].to_numpy(bool)
        # a company is one to-do: the first of its uncovered rows
        at = np.flatnonzero(uncovered)
        uncovered[at[u[["unit_kind", "unit_id"]].iloc[at].duplicated().to_numpy(bool)]] = False
        com = self.committees
        # Expired committees are always flagged (SPEC section 1), in scope or not.
        ex = com["expired"].to_numpy(bool).copy()
        at = np.flatnonzero(ex)
        ex[at] = isin(com["compound_id"].iloc[at], set(c["compound_id"].dropna())).to_numpy()
        rows(TODO_COMMITTEE, c, nc, "name", "compound_id", "committee_reason")
        rows(TODO_SERVICE, c, ns, "name", "compound_id", "service_reason")
        rows(TODO_PARTY, u, uncovered, "compound_name", "unit_id", "party_reason", "unit_kind")
        rows(TODO_EXPIRED, com, ex, "name", "committee_id", term_end="term_end")
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


# --- the engine -------------------------------------------------------------------------


def compute(ds: Dataset, config: Config, as_of: date) -> Computation:
    """Every unit's status on `as_of` under `config`, ready to aggregate."""
    day = pd.Timestamp(as_of)
    cc, sc, pcfg = config.committee, config.service, config.party

    comp = first_by_id(ds.compounds, "compound_id").copy()
    comp["in_scope"] = comp["in_scope"].fillna(True).astype(bool)
    comp["committee_eligible"] = comp["committee_eligible"].fillna(True).astype(bool)
    files = np.array([src.file for src in ds.sources] or [""], dtype=object)
    comp["district"], _ = resolve_districts(
        comp["district"], files[comp["_src"].to_numpy(np.int64)], UNFILLED_DISTRICT
    )
    for col in PLACE_COLUMNS[1:]:
        comp[col] = comp[col].astype(object).where(comp[col].notna(), UNFILLED)

    # Committees and their status on the day.
    com = first_by_id(ds.committees, "committee_id").copy()
    com["active"] = active_on(com["founded"], com["dissolved"], day)
    com["expired"] = com["active"] & com["term_end"].notna() & (com["term_end"] < day)
    com["is_wgh"] = com["kind"] == schema.KIND_WGH
    com["counts_formed"] = (
        com["active"]
        & com["kind"].notna()
        & (cc.count_wuguanhui | ~com["is_wgh"])
        & (cc.count_expired | ~com["expired"])
    )
    excluded_wgh = com["active"] & com["is_wgh"] & (not cc.count_wuguanhui)
    excluded_expired = com["expired"] & (not cc.count_expired)
    life = lifecycle_state(com["founded"], com["dissolved"], day, active="")
    com["state"] = np.where(
        life != "",
        life,
        np.select(
            [com["kind"].isna(), excluded_wgh, excluded_expired, com["expired"]],
            [
                "类型缺失（口径不计入）",
                "物管会（口径不计入）",
                "届满未换届（口径不计入）",
                "届满未换届",
            ],
            default="正常",
        ),
    )
    com_in = com[isin(com["compound_id"], comp["compound_id"])]
    by_comp = com_in.groupby("compound_id")
    formed = by_comp["counts_formed"].any()
    act_in = com_in[com_in["active"]]
    active_ids = _join_groups(act_in["compound_id"], act_in["committee_id"])
    expired_any = com_in[com_in["active"]].groupby("compound_id")["expired"].any()

    cid = comp["compound_id"]
    comp["committee_ids"] = _lookup(cid, active_ids, "")
    comp["committee_expired"] = isin(cid, expired_any.index[expired_any.to_numpy(bool)])
    comp["committee_in_den"] = comp["in_scope"] & (
        comp["committee_eligible"] if cc.denominator == "eligible" else True
    )
    comp["committee_counted"] = comp["committee_in_den"] & isin(
        cid, formed.index[formed.to_numpy(bool)]
    )
    # why a compound without a committee that counts has none: its committees' states (only
    # those compounds are looked at)
    comp_states = np.full(len(comp), "", dtype=object)
    pending = np.flatnonzero((comp["committee_in_den"] & ~comp["committee_counted"]).to_numpy(bool))
    if len(pending):
        waiting = cid.iloc[pending]
        of_waiting = isin(com_in["compound_id"], set(waiting.tolist())).to_numpy()
        by_state = com_in[of_waiting].sort_values("state")
        states = _join_groups(by_state["compound_id"], by_state["state"], "；")
        comp_states[pending] = _lookup(waiting, states, "").to_numpy()
    comp["committee_reason"] = np.select(
        [
            ~comp["in_scope"],
            ~comp["committee_in_den"],
            comp["committee_counted"],
            comp_states != "",
        ],
        ["未纳入统计", "不具备组建条件（按口径不计入分母）", "", comp_states],
        default="未成立业委会（物管会）",
    )

    # Service coverage.
    started = service_started(comp["service_since"], day)
    mode = comp["management_mode"]
    covered = isin(mode, sc.covered_modes)
    comp["service_counted"] = comp["in_scope"] & covered & started
    comp["professional_counted"] = comp["in_scope"] & isin(mode, sc.professional_modes) & started
    other_mode = np.full(len(comp), "", dtype=object)  # worded only where it is the reason
    at = np.flatnonzero((~covered & mode.notna()).to_numpy(bool))
    other_mode[at] = [f"管理方式“{m}”不在覆盖口径内" for m in mode.iloc[at].tolist()]
    comp["service_reason"] = np.select(
        [
            ~comp["in_scope"],
            comp["service_counted"],
            mode.isna(),
            mode == schema.MODE_NONE,
            ~covered,
        ],
        ["未纳入统计", "", "物业管理方式未填", "无物业管理", other_mode],
        default="物业服务起始日期晚于统计日",
    )

    # Party units: active committees of compounds in scope, and service projects.
    scope_ids = comp.loc[comp["in_scope"], "compound_id"]
    unit_frames = []
    comp_attrs = comp.set_index("compound_id")[["name", *PLACE_COLUMNS, "in_scope"]]
    if UNIT_COMMITTEE in pcfg.population:
        cu = com[com["active"] & isin(com["compound_id"], scope_ids)]
        if pcfg.committee_scope == "qualifying":
            cu = cu[cu["party_members"].fillna(0) >= pcfg.min_members_for_org]
        unit_frames.append(
            pd.DataFrame(
                {
                    "unit_kind": UNIT_COMMITTEE,
                    "unit_id": cu["committee_id"].to_numpy(),
                    "compound_id": cu["compound_id"].to_numpy(),
                    "committee_kind": cu["kind"].to_numpy(),
                }
            )
        )
    enterprise = pcfg.service_unit == "enterprise"
    companies: dict[str, str] = (
        dict(zip(comp["compound_id"].tolist(), company_keys(comp).tolist(), strict=True))
        if enterprise
        else {}
    )
    if UNIT_SERVICE in pcfg.population:
        sp = comp[service_projects(comp, pcfg.service_project_modes, day)]
        ids = sp["compound_id"].to_numpy(dtype=object)
        if enterprise:  # a project without a company name stays a unit of its own
            unit_ids = np.array([companies[i] or i for i in ids.tolist()], dtype=object)
        else:
            unit_ids = ids
        unit_frames.append(
            pd.DataFrame(
                {
                    "unit_kind": UNIT_ENTERPRISE if enterprise else UNIT_SERVICE,
                    "unit_id": unit_ids,
                    "compound_id": ids,
                    "committee_kind": None,
                }
            )
        )
    units = (
        pd.concat(unit_frames, ignore_index=True)
        if unit_frames
        else pd.DataFrame(columns=["unit_kind", "unit_id", "compound_id", "committee_kind"])
    )
    units = units.join(comp_attrs.drop(columns="in_scope"), on="compound_id")
    units["compound_name"] = units.pop("name")

    # Attach active Party organisations to units.
    orgs = first_by_id(ds.party_orgs, "org_id")
    all_links = attach_orgs(orgs, com, day)
    if enterprise:  # an organisation of a company's project covers the company
        service = (all_links["unit_kind"] == UNIT_SERVICE).to_numpy()
        refs = all_links["unit_id"].to_numpy(dtype=object)
        # a compound id stands for its company; anything else (a credit code) for itself
        all_links.loc[service, "unit_id"] = [companies.get(r) or r for r in refs[service].tolist()]
        all_links.loc[service, "unit_kind"] = UNIT_ENTERPRISE
    all_links["is_org"] = isin(all_links["form"], pcfg.org_forms)
    all_links["is_work"] = all_links["is_org"] | isin(all_links["form"], pcfg.work_forms)
    link_key = all_links["unit_kind"] + "\x1f" + all_links["unit_id"]
    org_ids = _join_groups(link_key, all_links["org_id"])
    unit_key = units["unit_kind"] + "\x1f" + units["unit_id"]
    links = link_key.to_numpy(dtype=object)
    # a unit is covered when any of its links is an organisation (a work form) that counts
    with_org = set(links[all_links["is_org"].to_numpy(bool)].tolist())
    with_work = set(links[all_links["is_work"].to_numpy(bool)].tolist())
    unit_keys = unit_key.to_numpy(dtype=object)
    units["org_ids"] = _lookup(unit_key, org_ids, "")
    units["party_org_ok"] = in_set(unit_keys, with_org)
    units["party_work_ok"] = in_set(unit_keys, with_work)
    headline = "party_work_ok" if pcfg.count_work_coverage else "party_org_ok"
    units["party_reason"] = np.select(
        [units[headline], units["party_work_ok"], units["org_ids"] != ""],
        ["", "只有派驻党建指导员等工作覆盖（口径不计入组织覆盖）", "关联的党组织形式不计入覆盖"],
        default="无有效党组织",
    )
    units["party_counted"] = units[headline]

    com_out = com.join(comp_attrs, on="compound_id")
    com_out["in_scope"] = com_out["in_scope"].fillna(False).astype(bool)
    return Computation(as_of, config, comp.reset_index(drop=True), units, com_out)
