"""A hand-built city of two districts, 东城区 and 鼓楼区, written as one workbook per district.

Both districts are copies of the hand-built district of tests/district.py with their own ids
(D… and G…) and both have a 金融街街道: a same-named street in two districts stays two streets.
东城区 fills 区 on every compound; 鼓楼区 only on its first row (the rest follow their file).
"""

from __future__ import annotations

from pathlib import Path

from . import district as d
from .helpers import write_xlsx

EAST, DRUM = "东城区", "鼓楼区"
SAME_STREET = "金融街街道"
HEADER = ["区", *d.COMPOUND_HEADER]


def _prefixed(rows: list[list], prefix: str, id_cols: tuple[int, ...]) -> list[list]:
    out = []
    for row in rows:
        row = list(row)
        for c in id_cols:
            if row[c] is not None:
                row[c] = "、".join(
                    prefix + part for part in str(row[c]).replace("，", "、").split("、")
                )
        out.append(row)
    return out


def district_rows(prefix: str, name: str, fill_all: bool) -> dict[str, list[list]]:
    compounds = []
    for i, row in enumerate(_prefixed(d.COMPOUNDS, prefix, (0,))):
        row[2] = SAME_STREET if row[2] == d.S1 else row[2]
        compounds.append([name if (fill_all or i == 0) else None, *row])
    committees = _prefixed(d.COMMITTEES, prefix, (0, 1))
    orgs = _prefixed(d.ORGS, prefix, (0, 3))
    return {"小区": compounds, "业委会": committees, "党组织": orgs}


def write_city(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for prefix, name, fill_all in (("D", EAST, True), ("G", DRUM, False)):
        rows = district_rows(prefix, name, fill_all)
        out[name] = write_xlsx(
            folder / f"{name}.xlsx",
            {
                "小区": [HEADER, *rows["小区"]],
                "业委会": [d.COMMITTEE_HEADER, *rows["业委会"]],
                "党组织": [d.ORG_HEADER, *rows["党组织"]],
            },
        )
    return out
