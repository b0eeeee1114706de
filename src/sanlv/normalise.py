"""Normalise stage: located tables of raw strings -> typed, canonical pandas tables.

Values are normalised column by column (no per-row Python loops): NFKC and stray spaces,
bool words, enumeration aliases, numbers typed as text ("1,234户", full-width digits), the
listed date forms and Excel serials, ids that Excel made floats. A cell that cannot be read
as its type becomes empty and yields a `value-type` / `value-enum` / `value-range` issue.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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

    def has_column(self, roster: str, key: str) -> pd.Series:
        """Per row: whether the row's sheet has this column at all."""
        df = self.tables[roster]
        with_col = [i for i, s in enumerate(self.sources) if key in s.columns]
        return df["_src"].isin(with_col)


# --- column normalisers -------------------------------------------------------------------


def _arrow(s: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """Any column of strings as one pyarrow string array (nulls for missing)."""
    if isinstance(s, pa.ChunkedArray):
        s = s.combine_chunks()
    if isinstance(s, pa.Array):
        return s if pa.types.is_string(s.type) else pc.cast(s, pa.string())
    vals = [None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in s]
    return pa.array(vals, pa.string())


def _obj(arr: pa.Array) -> pd.Series:
    """A pyarrow string array as an object Series of str / None.

    Object dtype on purpose: pandas' hash-based isin/map/groupby are fast on it, while the
    Arrow-backed string dtype falls back to Python loops in some of them.
    """
    return pd.Series(arr.to_numpy(zero_copy_only=False), dtype=object)


def _mask(arr: pa.Array) -> pd.Series:
    return pd.Series(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def has_invisible(a: pa.Array) -> bool:
    """Whether any cell holds one of schema.INVISIBLE_CLASS: the UTF-8 bytes are scanned with
    numpy for the lead bytes (C2, E1, E2, EF) and only their few hits are looked at, so that
    the regex replacement runs only on the rare column that needs it (run on every column it
    cost 5 % of `validate`)."""
    data = a.buffers()[2] if a.type == pa.string() and len(a) else None
    if data is None:
        return False
    offsets = np.frombuffer(a.buffers()[1], dtype=np.int32, count=len(a) + 1, offset=a.offset * 4)
    buf = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    last = len(buf) - 1

    def after(lead: int) -> tuple[np.ndarray, np.ndarray]:
        at = np.flatnonzero(buf == lead)  # one temporary at a time: no page-fault storm
        return buf[np.minimum(at + 1, last)], buf[np.minimum(at + 2, last)]

    b1, b2 = after(0xE2)  # U+200B-200F, U+202A-202E (E2 80 xx); U+2060-206F (E2 81 xx)
    if (
        ((b1 == 0x80) & (((b2 >= 0x8B) & (b2 <= 0x8F)) | ((b2 >= 0xAA) & (b2 <= 0xAE))))
        | ((b1 == 0x81) & (b2 >= 0xA0) & (b2 <= 0xAF) & (b2 != 0xA5))
    ).any():
        return True
    b1, _ = after(0xC2)  # U+00AD soft hyphen
    if (b1 == 0xAD).any():
        return True
    b1, b2 = after(0xEF)  # U+FEFF
    if ((b1 == 0xBB) & (b2 == 0xBF)).any():
        return True
    b1, b2 = after(0xE1)  # U+180E
    return bool(((b1 == 0xA0) & (b2 == 0x8E)).any())


def _clean(s, fold_spaces: bool = False) -> pa.Array:
    """NFKC and invisible characters removed (where a cell has non-ASCII text), trimmed,
    empty -> null; with `fold_spaces` inner runs of spaces and line breaks become one space.
    All in pyarrow kernels."""
    a = _arrow(s)
    if not pc.all(pc.string_is_ascii(a)).as_py():
        a = pc.utf8_normalize(a, "NFKC")
        # zero-width spaces, BOMs, soft hyphens…: "1001\u200b" is the id 1001 (SPEC §2)
        if has_invisible(a):
            a = pc.replace_substring_regex(a, schema.INVISIBLE_CLASS, "")
    a = pc.utf8_trim_whitespace(a)
    if fold_spaces and any(
        pc.any(pc.match_substring(a, ch)).as_py() for ch in ("  ", "\n", "\t", "\r")
    ):
        a = pc.replace_substring_regex(a, r"\s{2,}|[\t\r\n]", " ")
    return pc.if_else(pc.equal(pc.utf8_length(a), 0), pa.scalar(None, pa.string()), a)


def _ids(a: pa.Array) -> pa.Array:
    a = pc.replace_substring(a, " ", "")
    a = pc.replace_substring_regex(a, r"^(\d+)\.0+$", r"\1")
    sci = pc.fill_null(pc.match_substring_regex(a, r"^\d+(\.\d+)?[eE]\+?\d+$"), False)
    if pc.any(sci).as_py():
        vals = a.to_pylist()
        for i in pc.indices_nonzero(sci).to_pylist():
            vals[i] = _sci_to_int(vals[i])
        a = pa.array(vals, pa.string())
    return a


def norm_ids(s) -> pd.Series:
    return _obj(_ids(_clean(s)))


def _sci_to_int(x: str) -> str:
    from decimal import Decimal

    d = Decimal(x)
    return str(int(d)) if d == d.to_integral_value() else x


def norm_text(s) -> pd.Series:
    return _obj(_clean(s, fold_spaces=True))


def norm_int(s) -> tuple[pd.Series, pd.Series, pd.Series]:
    """-> (Int64 values, bad-type mask, negative mask)."""
    t = _clean(s)
    try:  # fast path: every cell already a plain whole number (as Excel numbers come)
        nums = pc.cast(t, pa.int64())
        out = pd.Series(
            nums.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), dtype="Int64"
        )
        none = pd.Series(np.zeros(len(t), dtype=bool))
        return out, none, (out.fillna(0) < 0).astype(bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    v = pc.replace_substring_regex(t, r"[,，\s]", "")
    v = pc.replace_substring_regex(v, INT_UNITS_RE, "")
    ok = pc.fill_null(pc.match_substring_regex(v, r"^[+-]?\d{1,15}(\.0*)?$"), False)
    good = pc.if_else(ok, pc.replace_substring_regex(v, r"\.0*$", ""), pa.scalar(None, pa.string()))
    nums = pc.cast(good, pa.int64())
    out = pd.Series(nums.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), dtype="Int64")
    bad = _mask(pc.and_(pc.is_valid(t), pc.invert(ok)))
    neg = (out.fillna(0) < 0).astype(bool)
    return out, bad, neg


def norm_date(s) -> tuple[pd.Series, pd.Series, pd.Series]:
    """-> (datetime64 values, bad mask, month-only mask)."""
    t = _clean(s)
    n = len(t)
    out = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    present = _mask(pc.is_valid(t))
    if not present.any():
        return out, present, present
    # Fast path: the ISO form fastexcel gives for real Excel dates ("2021-05-01 00:00:00").
    iso = pc.strptime(
        pc.utf8_slice_codeunits(t, 0, 10), format="%Y-%m-%d", unit="s", error_is_null=True
    )
    shape_ok = pc.match_substring_regex(t, r"^(19|20|21)\d{2}-\d{2}-\d{2}( 00:00:00)?$")
    iso_ok_a = pc.fill_null(pc.and_(pc.is_valid(iso), shape_ok), False)
    # strptime rolls 2021-02-30 over to March: keep only dates whose day is the one typed.
    typed_day = pc.cast(pc.if_else(iso_ok_a, pc.utf8_slice_codeunits(t, 8, 10), "0"), pa.int64())
    iso_ok_a = pc.fill_null(pc.and_(iso_ok_a, pc.equal(pc.day(iso), typed_day)), False)
    iso_ok = _mask(iso_ok_a)
    iso = pc.if_else(iso_ok_a, iso, pa.scalar(None, iso.type))
    out[iso_ok] = pd.Series(iso.to_pandas()).astype("datetime64[ns]")[iso_ok]
    rest = present & ~iso_ok
    got = iso_ok.copy()
    if rest.any():
        idx = np.flatnonzero(rest.to_numpy())
        sub = pc.take(t, pa.array(idx))
        parts = pc.extract_regex(sub, DATE_RE)
        compact = pc.extract_regex(sub, COMPACT_DATE_RE)
        # flatten() carries the struct's nulls (no match) into its fields.
        ys, ms, ds = (
            pc.coalesce(a, b) for a, b in zip(parts.flatten(), compact.flatten(), strict=True)
        )
        year = pc.cast(ys, pa.int32())
        in_range = pc.and_(pc.greater_equal(year, 1900), pc.less_equal(year, 2199))
        sub_got = pc.fill_null(in_range, False).to_numpy(zero_copy_only=False)
        if sub_got.any():
            frame = pd.DataFrame(
                {
                    "year": pc.cast(ys, pa.int32()).to_pandas(),
                    "month": pc.cast(ms, pa.int32()).to_pandas(),
                    "day": pc.cast(ds, pa.int32()).to_pandas(),
                }
            )[sub_got]
            parsed = pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")
            out.iloc[idx[sub_got]] = parsed.to_numpy()
            got.iloc[idx[sub_got]] = True
    serial = ~got & _mask(pc.match_substring_regex(t, SERIAL_RE))
    if serial.any():
        days = pd.to_numeric(_obj(t)[serial], errors="coerce").astype(float)
        out[serial] = (EXCEL_EPOCH + pd.to_timedelta(np.floor(days), unit="D")).to_numpy()
    bad = present & out.isna()
    month_only = bad & _mask(pc.match_substring_regex(t, MONTH_ONLY_RE))
    return out, bad, month_only


def _lookup(t: pa.Array, mapping: dict, value_type: pa.DataType) -> pa.Array:
    keys = pa.array(list(mapping), pa.string())
    vals = pa.array(list(mapping.values()), value_type)
    return pc.take(vals, pc.index_in(t, value_set=keys))


def norm_bool(s, default: object = None) -> tuple[pd.Series, pd.Series]:
    t = _clean(s)
    key = pc.utf8_lower(pc.replace_substring(t, " ", ""))
    mapped = _lookup(key, schema.bool_index(), pa.bool_())
    bad = _mask(pc.and_(pc.is_valid(t), pc.is_null(mapped)))
    out = pd.Series(
        mapped.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get), dtype="boolean"
    )
    if default is not None:
        out = out.fillna(bool(default))
    return out, bad


def norm_enum(s, enum: str, default: object = None) -> tuple[pd.Series, pd.Series]:
    t = _clean(s)
    mapped = _lookup(pc.replace_substring(t, " ", ""), schema.enum_index(enum), pa.string())
    bad = _mask(pc.and_(pc.is_valid(t), pc.is_null(mapped)))
    if default is not None:
        mapped = pc.if_else(pc.is_null(t), pa.scalar(str(default)), mapped)
    return _obj(mapped), bad


def norm_idlist(s) -> pd.Series:
    """Split a list of ids on , ， 、 ; ； or spaces -> tuples of normalised ids."""
    t = _clean(s)
    lists = pc.split_pattern_regex(pc.fill_null(t, ""), IDLIST_SPLIT_RE)
    flat = _ids(pc.list_flatten(lists))
    flat = pc.if_else(pc.equal(pc.utf8_length(flat), 0), pa.scalar(None, pa.string()), flat)
    rebuilt = pa.ListArray.from_arrays(lists.offsets, flat)
    return pd.Series(
        [tuple(x for x in v if x is not None) for v in rebuilt.to_pylist()], dtype=object
    )


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


# --- folding for matching names ----------------------------------------------------------


def fold_series(s: pd.Series) -> pd.Series:
    """Vectorised _fold: NFKC and no whitespace at all (NA stays NA)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(s.to_numpy(dtype=object), pa.string(), from_pandas=True)
    arr = pc.utf8_normalize(arr, "NFKC")
    arr = pc.replace_substring_regex(arr, r"[\s\p{Z}\x{1c}-\x{1f}\x{85}]+", "")
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype=object)


def fold_codes(s: pd.Series) -> np.ndarray:
    """Integer codes of the _fold-ed values (missing and empty alike), folding each distinct
    value once."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object))
    folded = fold_series(pd.Series(uniques, dtype=object)).fillna("").to_numpy(dtype=object)
    fcodes, _ = pd.factorize(np.append(folded, ""))
    return np.where(codes >= 0, fcodes[codes], fcodes[-1]) if len(codes) else codes


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
    from .read import MAX_UNZIPPED_BYTES, read_inputs

    limit = MAX_UNZIPPED_BYTES if max_unzipped is None else max_unzipped
    return build_dataset(read_inputs(paths, limit, prepare=normalise_table))
