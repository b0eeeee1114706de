"""Peers of sanlv, timed on the same workbook by bench/run.py (`--peers`):

    python bench/peers.py polars WORKBOOK AS_OF      # the committee rate per street
    python bench/peers.py frictionless WORKBOOK       # type validation of the compound sheet
    python bench/peers.py check WORKBOOK AS_OF REPORT_JSON  # polars figures == sanlv's?

`polars` reads the compound and committee sheets with polars' Excel reader (calamine) and
computes the default-口径 committee rate per (district, street) as of the date: compounds in
scope (纳入统计 not 否), with a committee (业主委员会 or 物业管理委员会) founded on or before the
date and not dissolved by it. It prints the per-street numerators and denominators as JSON;
`check` compares them with sanlv's report JSON (bench/run.py does, before timing). `frictionless` validates the compound
sheet with inferred types only (no schema), the way a general-purpose validator would.

Install the peers with `pip install -e ".[bench]"`.
"""

from __future__ import annotations

import json
import sys
from datetime import date


def polars_rate(path: str, as_of: str) -> dict[str, list[int]]:
    import polars as pl

    day = date.fromisoformat(as_of)
    comp = pl.read_excel(path, sheet_name="小区", engine="calamine")
    com = pl.read_excel(path, sheet_name="业委会", engine="calamine")

    def as_date(col: str) -> pl.Expr:
        c = pl.col(col)
        return (
            c.cast(pl.Date, strict=False)
            if com.schema[col] != pl.String
            else c.str.to_date(strict=False)
        )

    active = (
        com.filter(
            pl.col("类型").is_in(["业主委员会", "物业管理委员会"])
            & (as_date("成立日期") <= day)
            & (as_date("撤销日期").is_null() | (as_date("撤销日期") > day))
        )
        .select(pl.col("小区编号").cast(pl.String))
        .unique()
        .with_columns(pl.lit(True).alias("formed"))
    )
    scope = comp.filter(pl.col("纳入统计").cast(pl.String).fill_null("是") != "否").with_columns(
        pl.col("小区编号").cast(pl.String)
    )
    per_street = (
        scope.join(active, on="小区编号", how="left")
        .group_by(["区", "街道"])
        .agg(pl.col("formed").fill_null(False).sum().alias("n"), pl.len().alias("d"))
        .sort(["区", "街道"])
    )
    return {f"{r['区']}|{r['街道']}": [r["n"], r["d"]] for r in per_street.iter_rows(named=True)}


def check(path: str, as_of: str, report_json: str) -> None:
    """Exit 1 unless the polars figures equal sanlv's report JSON (per street)."""
    with open(report_json, encoding="utf-8") as fh:
        streets = json.load(fh)["streets"]
    ours = {
        f"{s['district']}|{s['street']}": [
            s["committee"]["numerator"],
            s["committee"]["denominator"],
        ]
        for s in streets
    }
    if polars_rate(path, as_of) != ours:
        raise SystemExit("the polars peer's committee figures differ from sanlv's")


def frictionless_types(path: str) -> None:
    from pathlib import Path

    from frictionless import Resource, formats

    # frictionless refuses absolute paths as "not safe": give it the name and its folder
    where = Path(path).resolve()
    resource = Resource(
        where.name, basepath=str(where.parent), control=formats.ExcelControl(sheet="小区")
    )
    report = resource.validate()
    errors = [e for task in report.tasks for e in task.errors]
    if any(e.type in ("resource-error", "source-error", "scheme-error") for e in errors):
        raise SystemExit(f"frictionless could not read {path}: {errors[0].note}")
    print(report.stats["errors"], report.tasks[0].stats.get("rows"))


if __name__ == "__main__":
    if sys.argv[1] == "polars":
        json.dump(polars_rate(sys.argv[2], sys.argv[3]), sys.stdout, ensure_ascii=False)
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        frictionless_types(sys.argv[2])
