"""Values as a person reads them: dates as YYYY-MM-DD, 是/否, id lists joined with 、, whole
numbers without ".0", blanks as "". One place for the checks, the diff, the ledger and the
report content."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema


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


def show_many(values: np.ndarray) -> list[str]:
    """show() of every value of a (small) array; dates formatted at once."""
    if values.dtype.kind == "M":
        out = np.datetime_as_string(values, unit="D").astype(object)
        out[np.isnat(values)] = ""
        return out.tolist()
    return [show(v) for v in values.tolist()]


def show_column(f: schema.Field, s: pd.Series) -> pd.Series:
    """A whole roster column as display strings ("" for empty), column-wise."""
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
