"""What every check works from: the dataset, the 口径, the as-of date, the day of the run and
the official region list, with cached columns and id sets, and the one constructor of issue
records (single or batched)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import schema
from ..config import Config
from ..display import show, show_many
from ..issues import Issue
from ..levels import UNFILLED_DISTRICT
from ..normalise import Dataset, location
from ..regions import Regions
from ..units import (
    UNIT_COMMITTEE,
    active_on,
    as_datetime64,
    dates_of,
    explode_refs,
    in_set,
    org_links,
    resolve_districts,
)

C, M, P = "compounds", "committees", "party_orgs"


class OrgRefs(NamedTuple):
    """Every (org position, referenced id) pair of the organisations' hosts."""

    pos: np.ndarray
    ref: np.ndarray
    company: np.ndarray  # whether the host is a 物业服务企业


class Links(NamedTuple):
    """Active organisations resolved to committees (see `units.org_links`)."""

    pos: np.ndarray
    committee_id: np.ndarray
    form: np.ndarray


@dataclass
class Context:
    ds: Dataset
    config: Config
    as_of: pd.Timestamp
    today: pd.Timestamp
    regions: Regions | None = None
    # receiving one street's file (SPEC section 7): ids of the other streets' data; a
    # reference to an id found nowhere is then `ref-pending` (a warning), not `ref-missing`
    external_ids: frozenset[str] | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def rules(self):
        return self.config.rules

    def _cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        """`make()`, computed once per run of the checks under `key`."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def v(self, roster: str, key: str) -> np.ndarray:
        """One column as a numpy object array (fast per-row access), cached. Called per
        issue: the cache is looked up directly."""
        ck = ("col", roster, key)
        if ck not in self._cache:
            self._cache[ck] = self.ds.tables[roster][key].to_numpy(dtype=object)
        return self._cache[ck]

    def isna(self, roster: str, key: str) -> np.ndarray:
        """Per row: the cell is empty (cached)."""
        return self._cached(
            ("isna", roster, key), lambda: self.ds.tables[roster][key].isna().to_numpy()
        )

    def dates(self, roster: str, key: str) -> np.ndarray:
        """A date column as datetime64 (NaT where empty: comparisons with it are false)."""
        return self._cached(("dates", roster, key), lambda: dates_of(self.ds.tables[roster][key]))

    def nums(self, roster: str, key: str) -> np.ndarray:
        """A count column as float64 (NaN where empty: comparisons with it are false)."""
        return self._cached(
            ("nums", roster, key),
            lambda: self.ds.tables[roster][key].to_numpy(dtype="float64", na_value=np.nan),
        )

    def is_value(self, roster: str, key: str, value: object) -> np.ndarray:
        """Per row: the cell holds `value` (an empty cell never does)."""
        return self._cached(
            ("is", roster, key, value), lambda: in_set(self.v(roster, key), {value})
        )

    def has_column(self, roster: str, key: str) -> np.ndarray:
        """Per row: whether the row's sheet has this column at all."""
        return self._cached(("has", roster, key), lambda: self.ds.has_column(roster, key))

    def origin(self, roster: str) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the index of its source and its Excel row (cached)."""

        def make() -> tuple[np.ndarray, np.ndarray]:
            df = self.ds.tables[roster]
            return df["_src"].to_numpy(), df["_row"].to_numpy()

        return self._cached(("origin", roster), make)

    @property
    def day(self) -> np.datetime64:
        """The as-of date, to compare with `dates`."""
        return as_datetime64(self.as_of)

    def where(self, roster: str, i: int, key: str | None = None) -> dict:
        """Like Dataset.where, from cached arrays (row-by-row column access is slow)."""
        src = self.ds.sources[int(self.v(roster, "_src")[i])]
        return location(src, roster, int(self.v(roster, "_row")[i]), key)

    def files(self, roster: str) -> np.ndarray:
        """The file name of every row of a roster."""
        ck = ("files", roster)
        if ck not in self._cache:
            names = np.array([s.file for s in self.ds.sources] or [""], dtype=object)
            self._cache[ck] = names[self.v(roster, "_src").astype(np.int64)]
        return self._cache[ck]

    def place(self, roster: str, i: int) -> str:
        w = self.where(roster, i)
        return f"{w['file']}「{w['sheet']}」第 {w['row']} 行"

    def _places(self, roster: str, key: str | None) -> tuple[str, list[tuple[str, str, str]]]:
        """The column label of a field, and per source its file, sheet and column letter
        ("" where the source lacks the column, or for a row-level issue when key is None)."""
        ck = ("places", roster, key)
        if ck not in self._cache:
            label = schema.ROSTER_BY_KEY[roster].field(key).label if key is not None else ""
            places = []
            for s in self.ds.sources:
                ref = s.columns.get(key) if key is not None else None
                places.append((s.file, s.sheet, ref.letter if ref else ""))
            self._cache[ck] = (label, places)
        return self._cache[ck]

    def _maker(
        self, roster: str, key: str | None, code: str, severity: str, hint: str
    ) -> Callable[[int, int, str, str], Issue]:
        """The one constructor of issue records: (source index, Excel row, message, value
        shown) -> the issue at that row, at `key`'s cell when the source has the column."""
        label, places = self._places(roster, key)

        def make(src_i: int, row: int, message: str, value: str) -> Issue:
            file, sheet, letter = places[src_i]
            cell = f"{letter}{row}" if letter else ""
            return Issue(code, severity, message, file, sheet, row, label, cell, value, hint)

        return make

    def issue(
        self,
        roster: str,
        i: int,
        key: str | None,
        code: str,
        severity: str,
        message: str,
        hint: str = "",
        value: object = None,
    ) -> Issue:
        """An issue at row position i of a roster (at the cell of `key` when given)."""
        i = int(i)
        if key is not None and value is None:
            value = self.v(roster, key)[i]
        src_i, row = int(self.v(roster, "_src")[i]), int(self.v(roster, "_row")[i])
        make = self._maker(roster, key, code, severity, hint)
        return make(src_i, row, message, show(value))

    def issues_at(
        self,
        roster: str,
        positions: np.ndarray,
        key: str,
        code: str,
        severity: str,
        messages: Iterable[str],
        hint: str = "",
    ) -> list[Issue]:
        """One issue per row position, at the cell of `key` (its value shown), in one pass."""
        if not len(positions):
            return []
        src, row = self.origin(roster)
        srcs, rows = src[positions].tolist(), row[positions].tolist()
        date = self.ds.tables[roster][key].dtype.kind == "M"
        values = show_many((self.dates(roster, key) if date else self.v(roster, key))[positions])
        make = self._maker(roster, key, code, severity, hint)
        return [make(*a) for a in zip(srcs, rows, messages, values, strict=True)]

    # --- shared derived data ---------------------------------------------------------------

    def active_committees(self) -> np.ndarray:
        """Mask over the committees table: active on the as-of date."""
        return self._cached(("active_com",), lambda: active(self.ds.committees, self.as_of))

    def active_orgs(self) -> np.ndarray:
        return self._cached(("active_org",), lambda: active(self.ds.party_orgs, self.as_of))

    def ids(self, roster: str, key: str) -> set:
        """The set of the filled values of an id column (shared: do not modify it)."""
        return self._cached(
            ("ids", roster, key),
            lambda: set(self.v(roster, key)[~self.isna(roster, key)].tolist()),
        )

    def compound_ids(self) -> set[str]:
        """Every compound id (the set is shared: do not modify it)."""
        return self.ids(C, "compound_id")

    def committee_ids(self) -> set[str]:
        """Every committee id (the set is shared: do not modify it)."""
        return self.ids(M, "committee_id")

    def districts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per compound row: its district (SPEC section 1), and whether it stays unknown in
        a roll-up of several districts."""
        if "districts" not in self._cache:
            self._cache["districts"] = resolve_districts(
                self.ds.compounds["district"], self.files(C), UNFILLED_DISTRICT
            )
        return self._cache["districts"]

    def roster_loaded(self, roster: str) -> bool:
        return any(s.roster == roster for s in self.ds.sources)

    def org_refs(self) -> OrgRefs:
        """Every (org position, referenced id) pair, with whether the host is a company."""
        if "org_refs" not in self._cache:
            pos, refs = explode_refs(self.v(P, "host_ref"))
            company = self.is_value(P, "host_kind", schema.HOST_COMPANY)
            self._cache["org_refs"] = OrgRefs(pos.astype(np.int64), refs, company[pos])
        return self._cache["org_refs"]

    def links(self) -> Links:
        """Active organisations resolved to committees: org position, committee id, form."""
        if "links" not in self._cache:
            pos, kind, unit_id = org_links(self.ds.party_orgs, self.ds.committees, self.as_of)
            com = kind == UNIT_COMMITTEE
            form = self.v(P, "form")[pos[com]]
            self._cache["links"] = Links(pos[com], unit_id[com], form)
        return self._cache["links"]


def active(df: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    return active_on(df["founded"], df["dissolved"], day)


def rows_where(mask: pd.Series | np.ndarray) -> np.ndarray:
    m = mask.to_numpy() if isinstance(mask, pd.Series) else mask
    return np.flatnonzero(np.asarray(m, dtype=bool))


def distinct_per_group(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per row: how many distinct values its group holds (both arrays of non-negative
    integer codes)."""
    n = int(values.max()) + 1
    return np.bincount(pd.unique(group.astype(np.int64) * n + values) // n)[group]
