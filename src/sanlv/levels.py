"""The levels at which rates are given (SPEC section 1), one row each. Counting, the JSON
shape, ranks and the outputs are driven by this table: a level is one entry here.

Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    key: str  # the level's name
    json_key: str  # its list (or object) in the report JSON
    by: tuple[str, ...]  # the compound columns that key a row of this level
    label: str  # what a row of it is called (column header)
    ranked: bool = False  # rows are ranked by the mean of the headline rates
    # rows are ranked within groups of these columns (`rank`) and, when not empty, also
    # across all rows (`rank_all`): streets within their district and across the city
    rank_within: tuple[str, ...] = ()


TOTAL = Level("total", "total", (), "合计")
DISTRICT = Level("district", "districts", ("district",), "区", ranked=True)
STREET = Level(
    "street", "streets", ("district", "street"), "街道", ranked=True, rank_within=("district",)
)
COMMUNITY = Level("community", "communities", ("district", "street", "community"), "社区")
CATEGORY = Level("category", "categories", ("category",), "小区类型")

LEVELS: tuple[Level, ...] = (TOTAL, DISTRICT, STREET, COMMUNITY, CATEGORY)
LEVEL_BY_KEY = {level.key: level for level in LEVELS}

# The columns that place a compound (and every unit and to-do of it); a blank one is shown as
# UNFILLED, a district that cannot be told in a city roll-up as UNFILLED_DISTRICT.
UNFILLED = "（未填）"
UNFILLED_DISTRICT = "（未填区）"
PLACE_COLUMNS: tuple[str, ...] = ("district", "street", "community", "category")
