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

import os
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from . import schema
from .compute import RATE_KEYS, RATE_LABELS, Rate, compute
from .normalise import Dataset

KINDS = {"compounds": "compound", "committees": "committee", "party_orgs": "party_org"}
KIND_LABELS = {"compound": "小区", "committee": "业委会", "party_org": "党组织"}
HIDDEN = "（个人信息，已隐去）"
TOTAL = "全区"


@dataclass
class DiffResult:
    as_of: date
    old_files: list[str]
    new_files: list[str]
    added: pd.DataFrame  # kind, id, name, street, community
    removed: pd.DataFrame
    changes: pd.DataFrame  # kind, id, name, street, field, label, old, new
    dissolved: dict[str, int]  # kind -> ids whose dissolution date was newly set
    rates: pd.DataFrame  # street ("全区" first), rate key, old/new numerator/denominator
    notes: list[str] = field(default_factory=list)

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

    def rate_rows(self) -> list[dict]:
        """One entry per street (the district first) with old, new and change of each rate."""
        out = []
        for street, g in self.rates.groupby("street", sort=False):
            entry: dict = {"street": street}
            for r in g.itertuples(index=False):
                if r.key == "compounds":
                    entry["compounds"] = {"old": int(r.old_num), "new": int(r.new_num)}
                    continue
                old, new = (
                    Rate(int(r.old_num), int(r.old_den)),
                    Rate(int(r.new_num), int(r.new_den)),
                )
                entry[r.key] = {
                    "old": old.to_dict(),
                    "new": new.to_dict(),
                    "change": change(old, new),
                }
            out.append(entry)
        return out

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
        rows = self.rate_rows()
        return {
            "as_of": self.as_of.isoformat(),
            "old_files": self.old_files,
            "new_files": self.new_files,
            "summary": self.summary(),
            "added": records(self.added),
            "removed": records(self.removed),
            "changed": changed,
            "rates": {"total": rows[0] if rows else {}, "streets": rows[1:]},
            "notes": self.notes,
        }


def change(old: Rate, new: Rate) -> float | None:
    """New rate minus old rate (rounded to 4 places); None when either is undefined."""
    if old.rate is None or new.rate is None:
        return None
    return round(new.rate - old.rate, 4)


# --- values as the user reads them -----------------------------------------------------------


def display(f: schema.Field, s: pd.Series) -> pd.Series:
    """A roster column as display strings ("" for empty)."""
    if f.type == "date":
        return s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), "")
    if f.type == "bool":
        known = s.notna().to_numpy()
        yes = s.fillna(False).to_numpy(dtype=bool)
        return pd.Series(
            np.where(known, np.where(yes, "是", "否"), ""), index=s.index, dtype=object
        )
    if f.type == "idlist":
        return s.map(lambda t: "、".join(t) if t else "").astype(object)
    if f.type == "int":
        return s.astype(object).map(lambda v: "" if v is pd.NA else str(int(v)))
    return s.astype(object).where(s.notna(), "")


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
        a = display(f, o.loc[common, f.key]).to_numpy(dtype=object)
        b = display(f, n.loc[common, f.key]).to_numpy(dtype=object)
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


def _rates(old: Dataset, new: Dataset, config, as_of: date) -> pd.DataFrame:
    """Long table: street, key, old_num, old_den, new_num, new_den (district first)."""
    a, b = compute(old, config, as_of), compute(new, config, as_of)
    cols = ["compounds"] + [f"{k}_{x}" for k in RATE_KEYS for x in ("num", "den")]
    ta = a.counts().assign(street=TOTAL).set_index("street")[cols]
    tb = b.counts().assign(street=TOTAL).set_index("street")[cols]
    sa = a.counts(["street"]).set_index("street")[cols]
    sb = b.counts(["street"]).set_index("street")[cols]
    streets = sorted(set(sa.index) | set(sb.index))
    old_t = pd.concat([ta, sa.reindex(streets, fill_value=0)])
    new_t = pd.concat([tb, sb.reindex(streets, fill_value=0)])
    rows = []
    for street in old_t.index:
        ro, rn = old_t.loc[street], new_t.loc[street]
        rows.append((street, "compounds", ro["compounds"], 0, rn["compounds"], 0))
        for k in RATE_KEYS:
            rows.append((street, k, ro[f"{k}_num"], ro[f"{k}_den"], rn[f"{k}_num"], rn[f"{k}_den"]))
    return pd.DataFrame(rows, columns=["street", "key", "old_num", "old_den", "new_num", "new_den"])


def diff_datasets(
    old: Dataset, new: Dataset, config, as_of: date, include_personal: bool = False
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


# --- the diff workbook ---------------------------------------------------------------------


def write_diff(result: DiffResult, path: str | os.PathLike) -> None:
    """Sheets 变动汇总, 新增, 撤销, 调整 (one row per changed field), 三率变化."""
    import xlsxwriter

    from .write import atomic_output

    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(
            tmp, {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True}
        )
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        title = wb.add_format({"bold": True, "font_size": 13})
        pct = wb.add_format({"num_format": "0.0%"})
        pp = wb.add_format({"num_format": "+0.0%;-0.0%;0.0%"})

        def sheet(name: str, headers: list[str], widths: list[int], first: int = 0):
            ws = wb.add_worksheet(name)
            for c, w in enumerate(widths):
                ws.set_column(c, c, w)
            for c, h in enumerate(headers):
                ws.write_string(first, c, h, head)
            ws.freeze_panes(first + 1, 0)
            return ws

        summary = result.summary()
        ws = sheet(
            "变动汇总", ["类别", "新增", "撤销", "调整", "其中新设撤销日期"], [12, 8, 8, 8, 16], 2
        )
        ws.write_string(0, 0, f"台账变动汇总（三率按 {result.as_of.isoformat()} 计算）", title)
        ws.write_string(
            1, 0, f"原台账：{'、'.join(result.old_files)}；新台账：{'、'.join(result.new_files)}"
        )
        for r, kind in enumerate(KINDS.values(), start=3):
            p = kind + "s"
            ws.write_string(r, 0, KIND_LABELS[kind])
            for c, k in enumerate(("added", "removed", "changed", "dissolved"), start=1):
                if f"{p}_{k}" in summary:
                    ws.write_number(r, c, summary[f"{p}_{k}"])
        for i, note in enumerate(result.notes, start=7):
            ws.write_string(i, 0, note)

        item_headers = ["类别", "编号", "名称", "街道", "社区"]
        for name, df in (("新增", result.added), ("撤销", result.removed)):
            ws = sheet(name, item_headers, [8, 14, 26, 14, 14])
            for r, row in enumerate(df.itertuples(index=False), start=1):
                vals = (KIND_LABELS[row.kind], row.id, row.name, row.street, row.community)
                for c, v in enumerate(vals):
                    ws.write_string(r, c, str(v))

        ws = sheet(
            "调整",
            ["类别", "编号", "名称", "街道", "字段", "原值", "新值"],
            [8, 14, 26, 14, 14, 22, 22],
        )
        for r, row in enumerate(result.changes.itertuples(index=False), start=1):
            vals = (
                KIND_LABELS[row.kind],
                row.id,
                row.name,
                row.street,
                row.label,
                row.old,
                row.new,
            )
            for c, v in enumerate(vals):
                ws.write_string(r, c, str(v))

        headers = [
            "街道",
            "指标",
            "原分子",
            "原分母",
            "原比率",
            "新分子",
            "新分母",
            "新比率",
            "变化",
        ]
        ws = sheet("三率变化", headers, [14, 30, 8, 8, 9, 8, 8, 9, 9])
        r = 1
        for row in result.rates.itertuples(index=False):
            if row.key == "compounds":
                continue
            old = Rate(int(row.old_num), int(row.old_den))
            new = Rate(int(row.new_num), int(row.new_den))
            ws.write_string(r, 0, row.street)
            ws.write_string(r, 1, RATE_LABELS[row.key])
            for c, rate in ((2, old), (5, new)):
                ws.write_number(r, c, rate.numerator)
                ws.write_number(r, c + 1, rate.denominator)
                if rate.rate is None:
                    ws.write_string(r, c + 2, "—")
                else:
                    ws.write_number(r, c + 2, rate.rate, pct)
            d = change(old, new)
            if d is None:
                ws.write_string(r, 8, "—")
            else:
                ws.write_number(r, 8, d, pp)
            r += 1
        wb.close()
