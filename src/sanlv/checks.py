"""Check stage: each check is a small function over the dataset that yields issues.

Checks never raise; thresholds come from the config's [rules].
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np

from . import schema
from .issues import ERROR, Issue
from .normalise import Dataset


def check_value_missing(ds: Dataset) -> Iterator[Issue]:
    """Required cells left empty (the conditional 物业服务企业 is a policy check)."""
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


CHECKS = (check_value_missing,)


def run_checks(
    ds: Dataset, config, as_of: date, regions: Path | None = None, today: date | None = None
) -> list[Issue]:
    out: list[Issue] = []
    for check in CHECKS:
        out.extend(check(ds))
    return out
