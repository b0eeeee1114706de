"""diff: what changed between two snapshots of the rosters (SPEC section 3, `sanlv diff`).

Rows are matched by id (compound, committee, Party organisation; the first row of an id
counts, as in the rate engine). An id only in the new snapshot is *added* (新增), only in the
old one *removed* (撤销, it left the roster), in both with some field different *changed*
(调整, one record per field with the old and new value; a dissolution date newly set is such
a change and is also counted as `*_dissolved`). Values are compared as the user reads them
(dates as YYYY-MM-DD, 是/否, id lists joined), so a re-typed but equal value is no change.

Both snapshots are computed on the same as-of date (default today, or `--as-of`), so that
the rate changes per street come from the data alone, not from the passing of time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .compute import RATE_KEYS, Rate, compute
from .config import Config
from .display import show_column
from .levels import DISTRICT, STREET, TOTAL, Level
from .normalise import Dataset

KINDS = {"compounds": "compound", "committees": "committee", "party_orgs": "party_org"}
KIND_LABELS = {"compound": "小区", "committee": "业委会", "party_org": "党组织"}
HIDDEN = "（个人信息，已隐去）"
# The levels whose rates are compared.
DIFF_LEVELS = (TOTAL, DISTRICT, STREET)


@dataclass
class DiffResult:
    as_of: date
    old_files: list[str]
    new_files: list[str]
    added: pd.DataFrame  # kind, id, name, street, community
    removed: pd.DataFrame
    changes: pd.DataFrame  # kind, id, name, street, field, label, old, new
    dissolved: dict[str, int]  # kind -> ids whose dissolution date was newly set
    rates: dict[str, list[dict]]  # level key -> entries: keys, compounds and each rate
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for kind in KINDS.values():
            plural = kind + "s"
            out[f"{plural}_added"] = int((self.added["kind"] == kind).sum())
            out[f"{plural}_removed"] = int((self.removed["kind"] == kind).sum())
            out[f"{plural}_changed"] = int(
                self.changes.loc[self.changes["kind"] == kind, "id"].nunique()
            )
        for kind in ("committee", "party_org"):
            out[f"{kind}s_dissolved"] = self.dissolved.get(kind, 0)
        return out

    def rate_rows(self) -> list[tuple[Level, dict]]:
        """Every compared row, the total first: (its level, its entry)."""
        return [(level, e) for level in DIFF_LEVELS for e in self.rates[level.key]]

    def to_json(self) -> dict:
        def records(df: pd.DataFrame) -> list[dict]:
            return df.to_dict("records")

        changed = [
            {
                "kind": kind,
                "id": cid,
                "name": g["name"].iat[0],
                "street": g["street"].iat[0],
                "fields": [
                    {"field": r.field, "label": r.label, "old": r.old, "new": r.new}
                    for r in g.itertuples(index=False)
                ],
            }
            for (kind, cid), g in self.changes.groupby(["kind", "id"], sort=False)
        ]
        return {
            "as_of": self.as_of.isoformat(),
            "old_files": self.old_files,
            "new_files": self.new_files,
            "summary": self.summary(),
            "added": records(self.added),
            "removed": records(self.removed),
            "changed": changed,
            "rates": {
                level.json_key: rows[0] if level is TOTAL else rows
                for level in DIFF_LEVELS
                if (rows := self.rates[level.key])
            },
            "notes": self.notes,
        }


def change(old: Rate, new: Rate) -> float | None:
    """New rate minus old rate (rounded to 4 places); None when either is undefined."""
    if old.rate is None or new.rate is None:
        return None
    return round(new.rate - old.rate, 4)


def _first(df: pd.DataFrame, key: str) -> pd.DataFrame:
    df = df[df[key].notna()]
    return df[~df[key].duplicated()].set_index(key)


def _places(ds: Dataset) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Compounds by id, and the street and display name of every committee."""
    comp = _first(ds.compounds, "compound_id")
    com = _first(ds.committees, "committee_id")
    com_street = com["compound_id"].map(comp["street"])
    comp_name = com["compound_id"].map(comp["name"])
    com_name = (comp_name.astype(object) + com["kind"].fillna("").astype(object)).where(
        comp_name.notna(), ""
    )
    return comp, com_street, com_name


def _describe(ds: Dataset, roster: str, ids: pd.Index) -> pd.DataFrame:
    """kind, id, name, street, community of the given ids of one roster of `ds`."""
    comp, com_street, com_name = _places(ds)
    kind = KINDS[roster]
    if roster == "compounds":
        name, street, community = comp["name"], comp["street"], comp["community"]
    elif roster == "committees":
        com = _first(ds.committees, "committee_id")
        name, street = com_name, com_street
        community = com["compound_id"].map(comp["community"])
    else:
        orgs = _first(ds.party_orgs, "org_id")
        first_host = orgs["host_ref"].map(lambda t: t[0] if t else None)
        street = first_host.map(comp["street"]).fillna(first_host.map(com_street))
        community = first_host.map(comp["community"])
        name = orgs["name"]

    def pick(s: pd.Series) -> list:
        return s.reindex(ids).astype(object).where(s.reindex(ids).notna(), "").tolist()

    return pd.DataFrame(
        {
            "kind": kind,
            "id": list(ids),
            "name": pick(name),
            "street": pick(street),
            "community": pick(community),
        },
        columns=["kind", "id", "name", "street", "community"],
    )


def _changes(
    old: Dataset, new: Dataset, roster: schema.Roster, include_personal: bool
) -> tuple[pd.DataFrame, int]:
    o = _first(old.tables[roster.key], roster.id_field)
    n = _first(new.tables[roster.key], roster.id_field)
    common = o.index.intersection(n.index, sort=False)
    info = _describe(new, roster.key, common).set_index("id")
    before = _describe(old, roster.key, common).set_index("id")
    info = info.where(info != "", before)  # e.g. the compound of a committee was removed
    frames = []
    dissolved = 0
    for f in roster.fields:
        if f.key == roster.id_field:
            continue
        a = show_column(f, o.loc[common, f.key]).to_numpy(dtype=object)
        b = show_column(f, n.loc[common, f.key]).to_numpy(dtype=object)
        diff = a != b
        if not diff.any():
            continue
        ids = common[diff]
        if f.key == "dissolved":
            dissolved = int(((a == "") & (b != ""))[diff].sum())
        old_v, new_v = a[diff], b[diff]
        if f.personal and not include_personal:
            old_v = np.where(old_v != "", HIDDEN, "")
            new_v = np.where(new_v != "", HIDDEN, "")
        frames.append(
            pd.DataFrame(
                {
                    "kind": KINDS[roster.key],
                    "id": list(ids),
                    "name": info.loc[ids, "name"].to_numpy(),
                    "street": info.loc[ids, "street"].to_numpy(),
                    "field": f.key,
                    "label": f.label,
                    "old": old_v,
                    "new": new_v,
                    "_order": np.flatnonzero(diff),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=CHANGE_COLUMNS), dissolved
    out = pd.concat(frames, ignore_index=True).sort_values("_order", kind="stable")
    return out.drop(columns="_order").reset_index(drop=True), dissolved


CHANGE_COLUMNS = ["kind", "id", "name", "street", "field", "label", "old", "new"]


def _rates(old: Dataset, new: Dataset, config: Config, as_of: date) -> dict[str, list[dict]]:
    """Per level of DIFF_LEVELS: one entry per row (its keys, old and new compounds, and old,
    new and change of each rate), rows of either snapshot, in key order."""
    a, b = compute(old, config, as_of), compute(new, config, as_of)
    cols = ["compounds"] + [f"{k}_{x}" for k in RATE_KEYS for x in ("num", "den")]
    out: dict[str, list[dict]] = {}
    for level in DIFF_LEVELS:
        by = list(level.by)
        ca = a.counts(by) if by else a.counts()
        cb = b.counts(by) if by else b.counts()
        if by:
            ca, cb = ca.set_index(by)[cols], cb.set_index(by)[cols]
            keys = ca.index.union(cb.index).sort_values()
            ca, cb = ca.reindex(keys, fill_value=0), cb.reindex(keys, fill_value=0)
            names = [k if isinstance(k, tuple) else (k,) for k in keys.tolist()]
        else:
            names = [()]
        entries = []
        for i, name in enumerate(names):
            ro, rn = ca.iloc[i], cb.iloc[i]
            entry: dict = dict(zip(by, name, strict=True))
            entry["compounds"] = {"old": int(ro["compounds"]), "new": int(rn["compounds"])}
            for k in RATE_KEYS:
                o = Rate(int(ro[f"{k}_num"]), int(ro[f"{k}_den"]))
                n = Rate(int(rn[f"{k}_num"]), int(rn[f"{k}_den"]))
                entry[k] = {"old": o.to_dict(), "new": n.to_dict(), "change": change(o, n)}
            entries.append(entry)
        out[level.key] = entries
    return out


def diff_datasets(
    old: Dataset, new: Dataset, config: Config, as_of: date, include_personal: bool = False
) -> DiffResult:
    """Compare two snapshots: added, removed and changed rows, and the rate changes."""
    added, removed, changes = [], [], []
    dissolved: dict[str, int] = {}
    notes = []
    for roster in schema.ROSTERS:
        o = _first(old.tables[roster.key], roster.id_field)
        n = _first(new.tables[roster.key], roster.id_field)
        added.append(_describe(new, roster.key, n.index.difference(o.index, sort=False)))
        removed.append(_describe(old, roster.key, o.index.difference(n.index, sort=False)))
        ch, dis = _changes(old, new, roster, include_personal)
        changes.append(ch)
        dissolved[KINDS[roster.key]] = dis
        for which, ds in (("原", old), ("新", new)):
            ids = ds.tables[roster.key][roster.id_field]
            dup = int(ids.dropna().duplicated().sum())
            if dup:
                notes.append(
                    f"{which}台账的{roster.label}表有 {dup} 行编号重复，按每个编号的第一行比较。"
                )
    return DiffResult(
        as_of=as_of,
        old_files=[f.name for f in old.files],
        new_files=[f.name for f in new.files],
        added=pd.concat(added, ignore_index=True),
        removed=pd.concat(removed, ignore_index=True),
        changes=pd.concat(changes, ignore_index=True),
        dissolved=dissolved,
        rates=_rates(old, new, config, as_of),
        notes=notes,
    )
