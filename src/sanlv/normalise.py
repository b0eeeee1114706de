"""Normalise stage: located tables of raw strings -> typed, canonical pandas tables.

Values are normalised column by column (no per-row Python loops): NFKC and stray spaces,
bool words, enumeration aliases, numbers typed as text ("1,234户", full-width digits), the
listed date forms and Excel serials, ids that Excel made floats. A cell that cannot be read
as its type becomes empty and yields a `value-type` / `value-enum` / `value-range` issue.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from . import schema
from .issues import ERROR, Issue
from .read import ColumnRef, FileInfo, ReadResult, Table

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
DATE_RE = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
COMPACT_DATE_RE = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
SERIAL_RE = r"^\d{5}(?:\.\d+)?$"
MONTH_ONLY_RE = r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*月?$"
INT_UNITS_RE = r"(户|人|名|个|套|间|位)$"
IDLIST_SPLIT_RE = r"[,，、;；\s]+"


@dataclass
class Source:
    """Where the rows of one located table came from."""

    file: str
    sheet: str
    roster: str
    header_row: int
    columns: dict[str, ColumnRef]


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
        src = self.sources[int(df["_src"].iat[i])]
        row = int(df["_row"].iat[i])
        out = {"file": src.file, "sheet": src.sheet, "row": row}
        if key is not None:
            ref = src.columns.get(key)
            out["column"] = schema.ROSTER_BY_KEY[roster].field(key).label
            out["cell"] = f"{ref.letter}{row}" if ref else ""
        return out

    def has_column(self, roster: str, key: str) -> pd.Series:
        """Per row: whether the row's sheet has this column at all."""
        df = self.tables[roster]
        with_col = [i for i, s in enumerate(self.sources) if key in s.columns]
        return df["_src"].isin(with_col)


# --- column normalisers -------------------------------------------------------------------


def _clean(s: pd.Series) -> pd.Series:
    """NFKC, trimmed, inner runs of spaces folded; empty -> NA. Object dtype of str/None."""
    s = s.astype(object)
    present = s.notna()
    if not present.any():
        return pd.Series([None] * len(s), index=s.index, dtype=object)
    t = s[present].astype(str).str.normalize("NFKC").str.strip()
    t = t.str.replace(r"\s+", " ", regex=True)
    out = pd.Series(None, index=s.index, dtype=object)
    out[present] = t.where(t != "", None)
    return out


def norm_ids(s: pd.Series) -> pd.Series:
    t = _clean(s)
    m = t.notna()
    if m.any():
        v = t[m].str.replace(" ", "", regex=False)
        v = v.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
        sci = v.str.match(r"^\d+(\.\d+)?[eE]\+?\d+$")
        if sci.any():
            v[sci] = [_sci_to_int(x) for x in v[sci]]
        t[m] = v
    return t


def _sci_to_int(x: str) -> str:
    from decimal import Decimal

    d = Decimal(x)
    return str(int(d)) if d == d.to_integral_value() else x


def norm_text(s: pd.Series) -> pd.Series:
    return _clean(s)


def norm_int(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """-> (Int64 values, bad-type mask, negative mask)."""
    t = _clean(s)
    present = t.notna()
    v = t[present].str.replace(r"[,，\s]", "", regex=True).str.replace(INT_UNITS_RE, "", regex=True)
    num = pd.to_numeric(v, errors="coerce")
    out = pd.Series(pd.NA, index=s.index, dtype="Int64")
    ok = num.notna() & (num == np.floor(num.fillna(0))) & (num.abs() < 2**53)
    out[ok[ok].index] = num[ok].astype("int64")
    bad = pd.Series(False, index=s.index)
    bad[present] = ~ok
    neg = out.fillna(0) < 0
    return out, bad, neg.astype(bool)


def norm_date(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """-> (datetime64 values, bad mask, month-only mask)."""
    t = _clean(s)
    present = t.notna()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    bad = pd.Series(False, index=s.index)
    month_only = pd.Series(False, index=s.index)
    if not present.any():
        return out, bad, month_only
    v = t[present]
    parts = v.str.extract(DATE_RE)
    compact = v.str.extract(COMPACT_DATE_RE)
    parts = parts.fillna(compact)
    got = parts["y"].notna()
    if got.any():
        p = parts[got].astype(int)
        dt = pd.to_datetime(
            pd.DataFrame({"year": p["y"], "month": p["m"], "day": p["d"]}), errors="coerce"
        )
        out[dt.index] = dt
    serial = ~got & v.str.match(SERIAL_RE)
    if serial.any():
        days = pd.to_numeric(v[serial], errors="coerce").astype(float)
        out[days.index] = (EXCEL_EPOCH + pd.to_timedelta(np.floor(days), unit="D")).values
    bad[present] = out[present].isna()
    month_only[present] = bad[present] & v.str.match(MONTH_ONLY_RE)
    return out, bad, month_only


def norm_bool(s: pd.Series, default: object = None) -> tuple[pd.Series, pd.Series]:
    t = _clean(s)
    present = t.notna()
    index = schema.bool_index()
    mapped = t[present].str.replace(" ", "", regex=False).str.lower().map(index)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[mapped.index] = mapped
    bad = pd.Series(False, index=s.index)
    bad[present] = mapped.isna()
    if default is not None:
        out = out.fillna(bool(default))
    return out, bad


def norm_enum(s: pd.Series, enum: str, default: object = None) -> tuple[pd.Series, pd.Series]:
    t = _clean(s)
    present = t.notna()
    mapped = t[present].str.replace(" ", "", regex=False).map(schema.enum_index(enum))
    out = pd.Series(None, index=s.index, dtype=object)
    out[mapped.index] = mapped
    bad = pd.Series(False, index=s.index)
    bad[present] = mapped.isna()
    if default is not None:
        out[~present] = default
    return out, bad


def norm_idlist(s: pd.Series) -> pd.Series:
    """Split a list of ids on , ， 、 ; ； or spaces -> tuples of normalised ids."""
    t = _clean(s)
    out = pd.Series([()] * len(t), index=s.index, dtype=object)
    present = t.notna()
    if present.any():
        parts = t[present].str.split(IDLIST_SPLIT_RE, regex=True).explode()
        ids = norm_ids(pd.Series(parts.to_numpy(dtype=object)))
        ids.index = parts.index
        grouped = ids.dropna().groupby(level=0).agg(tuple)
        out[grouped.index] = grouped
    return out


def closest_value(value: str, enum: str) -> str:
    """The allowed value a user most likely meant, or ""."""
    index = schema.enum_index(enum)
    v = str(value).replace(" ", "")
    # Words that contain the value, or that the value contains ("物业" -> 专业物业服务).
    votes: dict[str, int] = {}
    for name, canon in index.items():
        if v and (v in name or name in v):
            votes[canon] = votes.get(canon, 0) + 1
    if votes:
        return max(votes, key=lambda c: (votes[c], -list(index.values()).index(c)))
    hit = difflib.get_close_matches(v, list(index), n=1, cutoff=0.3)
    return index[hit[0]] if hit else ""


# --- tables -> dataset --------------------------------------------------------------------


def _empty_frame(roster: schema.Roster) -> pd.DataFrame:
    cols = {f.key: pd.Series(dtype=_dtype(f)) for f in roster.fields}
    cols["_src"] = pd.Series(dtype="int32")
    cols["_row"] = pd.Series(dtype="int32")
    return pd.DataFrame(cols)


def _dtype(f: schema.Field) -> str:
    return {"int": "Int64", "date": "datetime64[ns]", "bool": "boolean"}.get(f.type, "object")


def build_dataset(result: ReadResult) -> Dataset:
    """Normalise every located table and merge tables of the same roster."""
    sources: list[Source] = []
    by_roster: dict[str, list[tuple[int, Table]]] = {r.key: [] for r in schema.ROSTERS}
    for t in result.tables:
        sources.append(Source(t.file, t.sheet, t.roster, t.header_row, t.columns))
        by_roster[t.roster].append((len(sources) - 1, t))
    issues = list(result.issues)
    invalid: dict[tuple[str, str], np.ndarray] = {}
    tables: dict[str, pd.DataFrame] = {}
    for roster in schema.ROSTERS:
        parts = by_roster[roster.key]
        if not parts:
            tables[roster.key] = _empty_frame(roster)
            continue
        raw: dict[str, list[pa.Array]] = {f.key: [] for f in roster.fields}
        srcs, rows = [], []
        for src_i, t in parts:
            n = len(t.rows)
            for f in roster.fields:
                arr = t.data.get(f.key)
                raw[f.key].append(arr if arr is not None else pa.nulls(n, pa.string()))
            srcs.append(np.full(n, src_i, dtype=np.int32))
            rows.append(t.rows.to_numpy(zero_copy_only=False).astype(np.int32))
        df = pd.DataFrame({"_src": np.concatenate(srcs), "_row": np.concatenate(rows)})
        frame: dict[str, pd.Series] = {}
        for f in roster.fields:
            col = pa.chunked_array(raw[f.key], pa.string()).to_pandas(types_mapper=None)
            col = pd.Series(col, dtype=object)
            n_before = len(issues)
            frame[f.key] = _normalise_column(roster, f, col, df, sources, issues)
            if len(issues) > n_before:
                invalid[(roster.key, f.key)] = (
                    col.notna() & pd.Series(frame[f.key]).isna()
                ).to_numpy()
        out = pd.DataFrame(frame)
        out["_src"] = df["_src"]
        out["_row"] = df["_row"]
        tables[roster.key] = out
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


def _normalise_column(
    roster: schema.Roster,
    f: schema.Field,
    col: pd.Series,
    frame: pd.DataFrame,
    sources: list[Source],
    issues: list[Issue],
) -> pd.Series:
    def report(mask: pd.Series, code: str, message: str, hint_of=lambda v: "") -> None:
        if not mask.any():
            return
        for i in np.flatnonzero(mask.to_numpy()):
            src = sources[int(frame["_src"].iat[i])]
            row = int(frame["_row"].iat[i])
            ref = src.columns.get(f.key)
            value = "" if col.iat[i] is None else str(col.iat[i])
            issues.append(
                Issue(
                    code,
                    ERROR,
                    message.format(value=value),
                    file=src.file,
                    sheet=src.sheet,
                    row=row,
                    column=f.label,
                    cell=f"{ref.letter}{row}" if ref else "",
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
        report(
            bad,
            "value-enum",
            f"“{f.label}”应填“是”或“否”，“{{value}}”无法识别。",
            lambda v: "可选值：是、否。",
        )
        return values
    if f.type == "enum":
        assert f.enum is not None
        values, bad = norm_enum(col, f.enum, f.default)
        allowed = "、".join(schema.enum_values(f.enum))

        def hint(v: str) -> str:
            near = closest_value(v, f.enum)
            return f"是否应为“{near}”？可选值：{allowed}。" if near else f"可选值：{allowed}。"

        report(bad, "value-enum", f"“{f.label}”的值“{{value}}”不在可选范围内。", hint)
        return values
    raise ValueError(f.type)


def load_dataset(paths: list[str | Path], max_unzipped: int | None = None) -> Dataset:
    """Read and normalise the given files (folders stand for the roster files in them)."""
    from .read import MAX_UNZIPPED_BYTES, read_inputs

    return build_dataset(read_inputs(paths, max_unzipped or MAX_UNZIPPED_BYTES))
