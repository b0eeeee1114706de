"""Check stage: each check is a small function over the dataset that yields issues.

Every check takes one `Context` (the dataset, the configuration, the as-of date, the day of
the run and the official region list), finds the offending rows with vectorised pandas masks
and loops only over those rows to build the issues. Thresholds come from the config's
[rules]. A check never raises on data; an exception from a check is a defect of sanlv and
propagates (exit 3), it is never disguised as a finding.

    context.py     Context: cached columns, id sets, the issue constructor
    cells.py       structural and cell checks
    ids.py         ids, references, names, regions
    committees.py  policy: committees
    party.py       policy: Party organisations
    compounds.py   policy: compounds
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date

import pandas as pd

from ..config import Config
from ..issues import Issue
from ..normalise import Dataset
from ..regions import Regions, load_regions
from .cells import (
    check_date_future,
    check_date_order,
    check_district_unknown,
    check_not_above,
    check_sheet_missing,
    check_value_missing,
)
from .committees import (
    check_committee_coexist,
    check_committee_expiry,
    check_committee_ineligible,
    check_committee_party,
    check_committee_size,
    check_committee_term,
)
from .compounds import check_compound_duplicate_name, check_service_company
from .context import Context
from .ids import (
    check_id_duplicate,
    check_name_conflict,
    check_ref_ambiguous,
    check_ref_missing,
    check_region_unknown,
)
from .party import check_party_host_inactive, check_party_org

# --- registry ----------------------------------------------------------------------------

CHECKS: tuple[Callable[[Context], Iterator[Issue]], ...] = (
    check_sheet_missing,
    check_value_missing,
    check_district_unknown,
    check_not_above,
    check_date_future,
    check_date_order,
    check_id_duplicate,
    check_ref_missing,
    check_ref_ambiguous,
    check_name_conflict,
    check_region_unknown,
    check_committee_size,
    check_committee_term,
    check_committee_expiry,
    check_committee_party,
    check_committee_coexist,
    check_committee_ineligible,
    check_party_org,
    check_party_host_inactive,
    check_service_company,
    check_compound_duplicate_name,
)


def run_checks(
    ds: Dataset,
    config: Config | None,
    as_of: date,
    regions: str | os.PathLike | Regions | None = None,
    today: date | None = None,
    external_ids: frozenset[str] | None = None,
) -> list[Issue]:
    """Run every check. Raises InputError only for an unusable --regions file. With
    `external_ids` (receiving one street's file), references to ids of other streets are
    resolved against them, and references found nowhere are `ref-pending` warnings."""
    if config is None:
        config = Config()
    if regions is not None and not isinstance(regions, Regions):
        regions = load_regions(regions)
    ctx = Context(
        ds, config, pd.Timestamp(as_of), pd.Timestamp(today or date.today()), regions, external_ids
    )
    out: list[Issue] = []
    for check in CHECKS:
        out.extend(check(ctx))
    return out
