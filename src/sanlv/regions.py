"""The official list of districts, streets and communities (`--regions`, the workspace's
区划.xlsx): which streets are expected and which names are official."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .issues import InputError
from .schema import fold


@dataclass
class Regions:
    """The official list of streets and communities (`--regions`)."""

    file: str
    streets: set[str]
    pairs: set[tuple[str, str]]
    has_communities: bool
    names: dict[str, str] = field(default_factory=dict)  # folded -> as written in the list
    order: list[str] = field(default_factory=list)  # folded street names in the list's order
    # the streets expected to submit, as written: (district or "", street), in the list's order
    expected: list[tuple[str, str]] = field(default_factory=list)


def load_regions(path: str | os.PathLike) -> Regions:
    """Read the official street/community list (xlsx/xls/ods/csv with 街道, 社区 columns).
    Raises InputError (exit 2) when it cannot be used."""
    from .read import load_grids

    path = Path(path)
    grids = load_grids(path)
    street_names = {schema.norm_label(x) for x in ("街道", "街道(乡镇)", "所属街道", "乡镇")}
    comm_names = {schema.norm_label(x) for x in ("社区", "社区(村)", "所属社区", "村(社区)")}
    district_names = {schema.norm_label(x) for x in ("区", "所属区", "区县")}
    for g in grids:
        if g.hidden:
            continue
        head = g.head(31)
        for r, row in enumerate(head):
            labels = [schema.norm_label(v) for v in row]
            s_col = next((j for j, v in enumerate(labels) if v in street_names), None)
            if s_col is None:
                continue
            c_col = next((j for j, v in enumerate(labels) if v in comm_names), None)
            d_col = next((j for j, v in enumerate(labels) if v in district_names), None)
            streets_raw = g.columns[s_col].slice(r + 1).to_pylist()
            districts_raw = (
                g.columns[d_col].slice(r + 1).to_pylist()
                if d_col is not None
                else [None] * len(streets_raw)
            )
            comms_raw = (
                g.columns[c_col].slice(r + 1).to_pylist()
                if c_col is not None
                else [None] * len(streets_raw)
            )
            regions = Regions(path.name, set(), set(), c_col is not None)
            last_street = last_district = ""
            seen: set[tuple[str, str]] = set()
            for s, c, d in zip(streets_raw, comms_raw, districts_raw, strict=True):
                fs, fc = fold(s), fold(c)
                if fold(d):
                    last_district = str(d).strip()  # merged district cells carry down too
                if fs:
                    last_street = fs  # merged street cells: the street carries down
                    regions.names.setdefault(fs, str(s).strip())
                    if fs not in regions.streets:
                        regions.order.append(fs)
                    place = (last_district, str(s).strip())
                    if place not in seen:
                        seen.add(place)
                        regions.expected.append(place)
                if not last_street:
                    continue
                regions.streets.add(last_street)
                if fc:
                    regions.pairs.add((last_street, fc))
                    regions.names.setdefault(fc, str(c).strip())
            if regions.streets:
                return regions
    raise InputError(
        "file-unreadable",
        f"区划名单 {path.name} 中找不到“街道”列（应有两列：街道、社区），无法核对街道社区名称。",
        path.name,
    )


def unreported_streets(
    regions: Regions, places: Iterable[tuple[object, object]]
) -> list[tuple[str, str]]:
    """The streets of the official list, (district, street) as written there, that have no
    compound in the data (`places`: the (district, street) of every compound), in the
    list's order. A list without a 区 column matches streets by name alone."""
    have = {(fold(d), fold(s)) for d, s in places}
    names = {s for _, s in have}
    return [
        (d, s)
        for d, s in regions.expected
        if ((fold(d), fold(s)) not in have if d else fold(s) not in names)
    ]
