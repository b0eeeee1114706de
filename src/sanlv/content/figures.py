"""The figures of a computation at every level, in the JSON shape of SPEC section 3: per
row its keys, numerators, denominators and rates, the target in force, whether it is met,
the gap in units, and the rank of ranked levels. Built column by column (15k communities at
100k compounds: no per-row pandas access) and once per computation."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from ..compute import HEADLINE, RATE_KEYS, Computation
from ..levels import LEVELS, TOTAL, Level


def target_in_force(comp: Computation) -> dict[str, float]:
    """The staged target in force on the computation's date: rate key -> share."""
    t = comp.config.target_for(comp.as_of)
    return dict(t.rates) if t is not None else {}


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def entries(frame: pd.DataFrame, extra: dict[str, list], target: dict[str, float]) -> list[dict]:
    """One JSON entry per row of a counts frame: `extra` columns first, then the counts,
    every rate, the target, whether it is met and the gap (exact integer arithmetic)."""
    shares = {k: Fraction(Decimal(str(v))) for k, v in target.items() if k in RATE_KEYS}
    per_key: dict[str, list[dict]] = {}
    met: dict[str, list[bool]] = {}
    gap: dict[str, list[int]] = {}
    for k in RATE_KEYS:
        nums = frame[f"{k}_num"].astype("int64").tolist()
        dens = frame[f"{k}_den"].astype("int64").tolist()
        per_key[k] = [
            {"numerator": n, "denominator": m, "rate": round(n / m, 4) if m else None}
            for n, m in zip(nums, dens, strict=True)
        ]
        if k in shares:
            f, t = shares[k], target[k]
            met[k] = [bool(m) and n / m >= t for n, m in zip(nums, dens, strict=True)]
            gap[k] = [
                max(0, -((-f.numerator * m) // f.denominator) - n)
                for n, m in zip(nums, dens, strict=True)
            ]
    targets = {k: target[k] for k in shares}
    n = len(frame)
    columns: dict[str, list] = {
        **extra,
        "compounds": frame["compounds"].astype("int64").tolist(),
        **per_key,
        "target": [dict(targets) for _ in range(n)],
        "met": [dict(zip(shares, row, strict=True)) for row in zip(*met.values(), strict=True)]
        if shares
        else [{} for _ in range(n)],
        "gap": [dict(zip(shares, row, strict=True)) for row in zip(*gap.values(), strict=True)]
        if shares
        else [{} for _ in range(n)],
    }
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def scores(frame: pd.DataFrame) -> list[float]:
    """The ranking score of each row: the mean of the three headline rates, a rate with a
    zero denominator counting as 0 (SPEC section 1)."""
    cols = {k: (frame[f"{k}_num"].tolist(), frame[f"{k}_den"].tolist()) for k in HEADLINE}
    out = []
    for i in range(len(frame)):
        total = 0.0
        for nums, dens in cols.values():
            total += nums[i] / dens[i] if dens[i] else 0.0
        out.append(total / len(HEADLINE))
    return out


def ranks(score: list[float], names: list[tuple], groups: list[tuple]) -> list[int]:
    """Competition ranks (1 = best; equal scores share a rank) within each group."""
    out = [0] * len(score)
    members: dict[tuple, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    for rows in members.values():
        order = sorted(rows, key=lambda i: (-score[i], names[i]))
        for pos, i in enumerate(order):
            prev = order[pos - 1] if pos else None
            out[i] = out[prev] if prev is not None and score[prev] == score[i] else pos + 1
    return out


def level_entries(comp: Computation, level: Level, target: dict[str, float]) -> list[dict]:
    """The JSON entries of one level: its keys, `rank` (within `rank_within`) and `rank_all`
    (across every row, for a level ranked within groups), then the figures."""
    frame = comp.counts(list(level.by)) if level.by else comp.counts()
    extra: dict[str, list[Any]] = {b: [_text(v) for v in frame[b].tolist()] for b in level.by}
    if level.ranked:
        score = scores(frame)
        names = list(zip(*(extra[b] for b in level.by), strict=True))
        within = list(zip(*(extra[b] for b in level.rank_within), strict=True)) or [()] * len(names)
        extra["rank"] = list(ranks(score, names, within))
        if level.rank_within:
            extra["rank_all"] = list(ranks(score, names, [()] * len(names)))
    return entries(frame, extra, target)


def figures(comp: Computation) -> dict:
    """The report JSON of SPEC section 3 (computed once per computation; read-only)."""
    memo = comp._memo
    if "figures" not in memo:
        target = target_in_force(comp)
        out: dict[str, Any] = {"as_of": comp.as_of.isoformat()}
        for level in LEVELS:
            rows = level_entries(comp, level, target)
            out[level.json_key] = rows[0] if level is TOTAL else rows
        out["config"] = comp.config.to_dict()
        memo["figures"] = out
    return memo["figures"]
