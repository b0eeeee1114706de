"""Column normalisers (SPEC section 2): one roster column of text cells to typed values and
the masks of cells that could not be read, on pyarrow kernels. Ids, text, integers, dates
(text dates, Excel serials), yes/no, enumerations and id lists; names folded for matching.
Used by `normalise` (tables -> dataset) and the checks."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema

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


def _fold_distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct values of an object array, and their _fold (with "" appended:
    code -1, a missing value, maps to it)."""
    codes, uniques = pd.factorize(values)
    folded = fold_series(pd.Series(uniques, dtype=object)).fillna("").to_numpy(dtype=object)
    return codes, np.append(folded, "")


def fold_values(values: np.ndarray) -> np.ndarray:
    """_fold of every value of an object array ("" for a missing one), folding each distinct
    value once."""
    codes, folded = _fold_distinct(values)
    return folded[codes]


def fold_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes of the _fold-ed values of an object array (missing and empty alike),
    folding each distinct value once."""
    codes, folded = _fold_distinct(values)
    return pd.factorize(folded)[0][codes]
