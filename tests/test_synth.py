"""Tests of the synthetic district generator and its writers (tests/synth.py)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import openpyxl
import pytest

from sanlv import schema

from . import synth

AS_OF = date(2026, 10, 31)
SERVICE_MODES = ("专业物业服务", "国企托管")


@pytest.fixture(scope="module")
def district() -> dict[str, list[dict]]:
    return synth.make_district(600, seed=11, n_streets=8, as_of=AS_OF)


@pytest.fixture(scope="module")
def small() -> dict[str, list[dict]]:
    """A small district for the (slower) workbook writers."""
    return synth.make_district(120, seed=5, n_streets=2, as_of=AS_OF)


def _ids(rows: list[dict], key: str) -> list[str]:
    return [row[key] for row in rows]


def test_same_seed_same_rows() -> None:
    a = synth.make_district(300, seed=7)
    b = synth.make_district(300, seed=7)
    assert a == b
    assert synth.make_district(300, seed=8) != a


def test_sizes() -> None:
    for n in (1, 2, 9, 137):
        assert len(synth.make_district(n, seed=n)["compounds"]) == n
    d = synth.make_district(2000, seed=3)
    ratio = sum(len(rows) for rows in d.values()) / 2000
    assert 2.3 <= ratio <= 3.5
    assert synth.make_district(0) == {"compounds": [], "committees": [], "party_orgs": []}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        synth.make_district(-1)
    with pytest.raises(ValueError):
        synth.make_district(5, n_streets=6)
    with pytest.raises(ValueError):
        synth.make_district(5, n_streets=0)


def test_streets_and_communities(district: dict[str, list[dict]]) -> None:
    compounds = district["compounds"]
    streets = {c["street"] for c in compounds}
    assert len(streets) == 8 and "巷口街道" in streets
    communities = {(c["street"], c["community"]) for c in compounds}
    assert 7 * 8 <= len(communities) <= 8 * 8
    assert all(c["district"] == synth.DISTRICT_NAME for c in compounds)
    names = [(c["street"], c["community"], c["name"]) for c in compounds]
    assert len(set(names)) == len(names)  # no duplicate name within a community


def test_rows_are_keyed_by_schema_fields(district: dict[str, list[dict]]) -> None:
    for roster in schema.ROSTERS:
        for row in district[roster.key]:
            assert list(row) == roster.keys
            for f in roster.fields:
                v = row[f.key]
                if f.required:
                    assert v is not None and v != "", (roster.key, f.key)
                if v is None:
                    continue
                if f.type == "date":
                    assert type(v) is date
                elif f.type == "bool":
                    assert type(v) is bool
                elif f.type == "int":
                    assert type(v) is int and v >= 0
                else:
                    assert isinstance(v, str)
                if f.enum:
                    assert v in schema.ENUMS[f.enum]


def test_ids_unique(district: dict[str, list[dict]]) -> None:
    compound_ids = _ids(district["compounds"], "compound_id")
    committee_ids = _ids(district["committees"], "committee_id")
    org_ids = _ids(district["party_orgs"], "org_id")
    for ids in (compound_ids, committee_ids, org_ids):
        assert len(set(ids)) == len(ids)
    assert not set(compound_ids) & set(committee_ids)
    width = len(compound_ids[0])
    assert all(i.isdigit() and len(i) == width for i in compound_ids)


def test_references_resolve(district: dict[str, list[dict]]) -> None:
    compounds = {c["compound_id"]: c for c in district["compounds"]}
    committees = {k["committee_id"]: k for k in district["committees"]}
    active = {}
    for k in district["committees"]:
        assert k["compound_id"] in compounds
        assert compounds[k["compound_id"]]["committee_eligible"]
        if k["dissolved"] is None:
            assert k["compound_id"] not in active  # never two active committees
            active[k["compound_id"]] = k
    for org in district["party_orgs"]:
        refs = org["host_ref"].split("、")
        assert all(r in compounds or r in committees for r in refs)
        if org["host_kind"] == schema.HOST_COMPANY:
            hosts = [compounds[r] for r in refs]
            assert all(h["management_mode"] in SERVICE_MODES for h in hosts)
            assert len({(h["street"], h["service_company"]) for h in hosts}) == 1
            assert (len(refs) > 1) == (org["form"] == "联合组建")
            assert len(refs) <= 4
        else:
            assert len(refs) == 1
            host = committees.get(refs[0]) or active[refs[0]]
            assert host["dissolved"] is None and host["kind"] == org["host_kind"]
            assert host["founded"] <= org["founded"]


def test_counts_and_dates(district: dict[str, list[dict]]) -> None:
    for c in district["compounds"]:
        assert (c["service_company"] is not None) == (c["management_mode"] in SERVICE_MODES)
        assert c["service_since"] is None or c["service_since"] <= AS_OF
        assert 20 <= c["households"] <= 3000
    households = {c["compound_id"]: c["households"] for c in district["compounds"]}
    for k in district["committees"]:
        assert k["party_members"] <= k["members"]
        assert k["cross_appointed"] is None or k["cross_appointed"] <= k["members"]
        assert k["founded"] <= k["term_end"] and k["founded"] <= AS_OF
        assert k["dissolved"] is None or k["founded"] <= k["dissolved"] <= AS_OF
        assert k["filed"] is None or k["founded"] <= k["filed"] <= AS_OF
        assert k["members"] % 2 == 1
        years = 5 if k["kind"] == schema.KIND_YWH else 3
        assert k["term_end"] < synth._add_years(k["founded"], years)
        if k["kind"] == schema.KIND_YWH:
            assert 5 <= k["members"] <= 11 or (
                k["members"] == 3 and households[k["compound_id"]] <= 100
            )
        else:
            assert k["members"] >= 7
        if k["chair_is_party_member"]:
            assert k["party_members"] > 0
    for org in district["party_orgs"]:
        assert org["founded"] <= AS_OF
        assert org["dissolved"] is None or org["founded"] <= org["dissolved"] <= AS_OF
        assert org["party_members"] is None or 3 <= org["party_members"] <= 30


def test_clean_sample_has_warnings(district: dict[str, list[dict]]) -> None:
    active = [k for k in district["committees"] if k["dissolved"] is None]
    assert any(k["term_end"] < AS_OF for k in active)  # 届满未换届
    assert any(0 <= (k["term_end"] - AS_OF).days <= 90 for k in active)  # expiring
    assert any(2 * k["party_members"] < k["members"] for k in active)
    assert any(k["dissolved"] is not None for k in district["committees"])
    forms = {o["form"] for o in district["party_orgs"]}
    assert forms == set(schema.ENUMS["org_form"])


def test_write_workbook(tmp_path, small: dict[str, list[dict]]) -> None:
    district = small
    path = tmp_path / "district.xlsx"
    synth.write_workbook(district, path)
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        assert wb.sheetnames == ["小区", "业委会", "党组织"]
        for roster in schema.ROSTERS:
            rows = list(wb[roster.label].iter_rows(values_only=True))
            assert list(rows[0]) == [f.label for f in roster.fields]
            assert len(rows) == len(district[roster.key]) + 1
        first = district["committees"][0]
        row = next(wb["业委会"].iter_rows(min_row=2, max_row=2, values_only=True))
        assert row[0] == first["committee_id"]
        assert row[3] == datetime.combine(first["founded"], datetime.min.time())
        assert row[6] == first["members"]
        assert row[10] in ("是", "否", None)
    finally:
        wb.close()
    again = tmp_path / "again.xlsx"
    synth.write_workbook(district, again)
    assert again.read_bytes() == path.read_bytes()


# --- the street ledger: read it back with a small reader of its own ----------------------

_DATE_RE = re.compile(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})日?")


def _value(cell: object, ftype: str) -> object:
    if isinstance(cell, str):
        cell = cell.strip()
        if ftype in ("int", "date"):
            cell = unicodedata.normalize("NFKC", cell)
    if cell is None or cell == "":
        return None
    if ftype == "date":
        if isinstance(cell, datetime):
            return cell.date()
        m = _DATE_RE.fullmatch(cell)
        assert m, cell
        return date(int(m[1]), int(m[2]), int(m[3]))
    if ftype == "int":
        return int(re.sub(r"[,户人]", "", str(cell)))
    if ftype == "bool":
        return {"是": True, "否": False}[cell]
    if isinstance(cell, int | float):
        return str(int(cell))
    return cell


def test_street_ledger(tmp_path, small: dict[str, list[dict]]) -> None:
    district = small
    street = "巷口街道"
    path = tmp_path / "ledger.xlsx"
    synth.write_street_ledger(district, street, path, as_of=AS_OF)
    wb = openpyxl.load_workbook(path)
    assert wb["下拉选项"].sheet_state == "hidden"
    compounds = [c for c in district["compounds"] if c["street"] == street]
    compound_ids = {c["compound_id"] for c in compounds}
    committees = [k for k in district["committees"] if k["compound_id"] in compound_ids]
    hosts = compound_ids | {k["committee_id"] for k in committees}
    orgs = [o for o in district["party_orgs"] if o["host_ref"].split("、")[0] in hosts]
    assert orgs
    expected = {"compounds": compounds, "committees": committees, "party_orgs": orgs}
    sheets = (
        ("compounds", "小区基本情况"),
        ("committees", "业委会（物管会）组建情况"),
        ("party_orgs", "党组织建设情况"),
    )
    for key, sheet in sheets:
        ws = wb[sheet]
        assert ws["A1"].value.startswith(f"示例区{street}")
        assert "填报单位" in ws["A2"].value
        assert ws["A3"].value == "序号" and "A3:A4" in ws.merged_cells
        roster = schema.ROSTER_BY_KEY[key]
        index = schema.header_index(key)
        fields = [
            index[schema.norm_label(ws.cell(4, c).value or ws.cell(3, c).value)]
            for c in range(2, ws.max_column + 1)
        ]
        types = {f.key: f.type for f in roster.fields}
        got = []
        blank = 0
        for row in ws.iter_rows(min_row=5, values_only=True):
            if all(v is None for v in row):
                blank += 1
                continue
            if row[0] == "合计":
                if key == "compounds":
                    total = sum(c["households"] for c in compounds)
                    assert row[1 + fields.index("households")] == total
                break
            got.append({f: _value(v, types[f]) for f, v in zip(fields, row[1:], strict=True)})
        assert blank == 1
        want = [{f: row[f] for f in fields} for row in expected[key]]
        assert got == want


def test_make_city_has_unique_ids_and_repeating_street_names() -> None:
    city = synth.make_city(600, n_districts=3, seed=1)
    ids = [r["compound_id"] for r in city["compounds"]]
    assert len(ids) == 600 and len(set(ids)) == 600
    assert {r["district"] for r in city["compounds"]} == set(synth.CITY_DISTRICTS[:3])
    streets = {}
    for r in city["compounds"]:
        streets.setdefault(r["street"], set()).add(r["district"])
    assert any(len(d) > 1 for d in streets.values())  # a street name in several districts
    compound_ids = set(ids)
    assert all(r["compound_id"] in compound_ids for r in city["committees"])
