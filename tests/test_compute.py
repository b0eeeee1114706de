"""The rate engine against SPEC section 1, on the hand-built district of tests/district.py.

Every expected numerator and denominator below is counted by hand from that district.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanlv.compute import RATE_KEYS, Rate, compute, gap
from sanlv.config import Config, Target
from sanlv.content.figures import figures
from sanlv.normalise import load_dataset

from . import district as d
from .district import AS_OF, D, write_district


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return load_dataset([write_district(tmp_path_factory.mktemp("d") / "区.xlsx")])


def cfg(**sections) -> Config:
    """Config() with some keys of some sections replaced: cfg(committee={"x": 1})."""
    base = Config()
    parts = {
        name: dataclasses.replace(getattr(base, name), **values)
        for name, values in sections.items()
        if name != "targets"
    }
    if "targets" in sections:
        parts["targets"] = sections["targets"]
    return dataclasses.replace(base, **parts)


def nd(comp, key: str, by: list[str] | None = None, at: object = None) -> tuple[int, int]:
    """(numerator, denominator) of rate `key` for the total or for one group."""
    c = comp.counts(by)
    if by:
        c = c.set_index(by).loc[at]
    else:
        c = c.iloc[0]
    return int(c[f"{key}_num"]), int(c[f"{key}_den"])


def status(comp, column: str) -> dict[str, object]:
    return dict(zip(comp.compounds["compound_id"], comp.compounds[column], strict=True))


def unit(comp, unit_id: str, column: str):
    u = comp.units.set_index("unit_id")
    return u.loc[unit_id, column]


# --- defaults -------------------------------------------------------------------------------


def test_default_totals(ds):
    c = compute(ds, Config(), AS_OF)
    # in scope: all but C06 -> 10 compounds
    assert int(c.counts().iloc[0]["compounds"]) == 10
    # committees formed: K01, K03 (物管会), K04 (expired), K08, K10 (founded on the as-of date)
    assert nd(c, "committee") == (6, 10)
    # service: not C03 (starts later), C05 and C11 (无物业管理)
    assert nd(c, "service") == (7, 10)
    # professional: C01, C08 (C03 has not started)
    assert nd(c, "service_professional") == (2, 10)
    # units: committees K01 K03 K04 K08 K09 K10, projects C01 C02 C08
    # organisational coverage: K01 O01, K04 O04 (via compound id), K09 O08, C01+C02 O02 (joint)
    assert nd(c, "party") == (5, 9)
    assert nd(c, "party_work") == (6, 9)  # + K03 (instructor)
    assert nd(c, "party_committee") == (3, 6)
    assert nd(c, "party_service") == (2, 3)


def test_default_streets_and_communities(ds):
    c = compute(ds, Config(), AS_OF)
    assert nd(c, "committee", ["street"], d.S1) == (4, 6)
    assert nd(c, "committee", ["street"], d.S2) == (2, 4)
    assert nd(c, "service", ["street"], d.S1) == (4, 6)
    assert nd(c, "service", ["street"], d.S2) == (3, 4)
    assert nd(c, "party", ["street"], d.S1) == (4, 6)
    assert nd(c, "party", ["street"], d.S2) == (1, 3)
    assert nd(c, "party_work", ["street"], d.S1) == (5, 6)
    by = ["street", "community"]
    assert nd(c, "committee", by, (d.S1, "一社区")) == (3, 4)
    assert nd(c, "committee", by, (d.S1, "二社区")) == (1, 2)
    assert nd(c, "service", by, (d.S2, "三社区")) == (3, 3)
    assert nd(c, "party", by, (d.S2, "三社区")) == (1, 3)
    # 四社区: no Party unit at all -> zero denominator
    assert nd(c, "party", by, (d.S2, "四社区")) == (0, 0)


def test_unit_and_compound_status(ds):
    c = compute(ds, Config(), AS_OF)
    assert status(c, "committee_expired") == {
        **dict.fromkeys([f"C{i:02d}" for i in range(1, 12)], False),
        "C04": True,
    }
    reason = status(c, "committee_reason")
    assert reason["C01"] == ""
    assert reason["C02"] == "未成立业委会（物管会）"
    assert "尚未成立" in reason["C05"] and "已撤销" in reason["C05"]
    assert reason["C06"] == "未纳入统计"
    assert status(c, "committee_ids")["C05"] == ""
    assert status(c, "committee_ids")["C09"] == "K10"
    service = status(c, "service_reason")
    assert service["C03"] == "物业服务起始日期晚于统计日"
    assert service["C05"] == "无物业管理"
    assert "K05" not in set(c.units["unit_id"])  # not yet founded
    assert "K06" not in set(c.units["unit_id"])  # dissolved on the as-of date
    assert "K07" not in set(c.units["unit_id"])  # compound out of scope
    assert "C03" not in set(c.units["unit_id"])  # service not started
    assert "派驻党建指导员" in unit(c, "K03", "party_reason")
    assert unit(c, "K08", "party_reason") == "无有效党组织"  # O06 dissolved, O07 not yet
    assert unit(c, "C01", "org_ids") == "O02"
    assert unit(c, "K04", "org_ids") == "O04"
    states = dict(zip(c.committees["committee_id"], c.committees["state"], strict=True))
    assert states["K04"] == "届满未换届"
    assert states["K05"] == "尚未成立"
    assert states["K06"] == "已撤销"
    assert states["K10"] == "正常"


# --- committee 口径 ----------------------------------------------------------------------------


def test_wuguanhui_not_counted(ds):
    c = compute(ds, cfg(committee={"count_wuguanhui": False}), AS_OF)
    assert nd(c, "committee") == (5, 10)
    assert status(c, "committee_reason")["C03"] == "物管会（口径不计入）"
    # still a Party unit
    assert nd(c, "party_committee") == (3, 6)


def test_expired_not_counted(ds):
    c = compute(ds, cfg(committee={"count_expired": False}), AS_OF)
    assert nd(c, "committee") == (5, 10)
    assert status(c, "committee_expired")["C04"] is True  # always flagged
    assert status(c, "committee_reason")["C04"] == "届满未换届（口径不计入）"
    assert nd(c, "party_committee") == (3, 6)  # an expired committee is still a Party unit


def test_expired_wuguanhui_reason_names_the_setting_that_excludes_it(tmp_path):
    comps = [d.COMPOUNDS[2]]
    coms = [["K", "C03", "物业管理委员会", D(2020, 1, 1), D(2023, 1, 1), None, 7, 3, "某"]]
    ds = load_dataset([write_district(tmp_path / "x.xlsx", comps, coms, [])])
    c = compute(ds, cfg(committee={"count_wuguanhui": False}), AS_OF)
    assert status(c, "committee_reason")["C03"] == "物管会（口径不计入）"
    c = compute(ds, cfg(committee={"count_expired": False}), AS_OF)
    assert status(c, "committee_reason")["C03"] == "届满未换届（口径不计入）"
    c = compute(ds, Config(), AS_OF)
    assert nd(c, "committee") == (1, 1)


def test_eligible_denominator(ds):
    c = compute(ds, cfg(committee={"denominator": "eligible"}), AS_OF)
    # C07 and C10 not eligible; C07's committee leaves the numerator with it
    assert nd(c, "committee") == (5, 8)
    assert nd(c, "committee", ["street"], d.S2) == (2, 3)
    assert status(c, "committee_reason")["C07"].startswith("不具备组建条件")
    assert nd(c, "service") == (7, 10)  # other rates unchanged
    assert nd(c, "party") == (5, 9)


# --- service 口径 ------------------------------------------------------------------------------


def test_covered_and_professional_modes(ds):
    narrow = ("专业物业服务", "国企托管")
    c = compute(ds, cfg(service={"covered_modes": narrow, "professional_modes": narrow}), AS_OF)
    assert nd(c, "service") == (3, 10)  # C01 C02 C08
    assert nd(c, "service_professional") == (3, 10)
    assert status(c, "service_reason")["C04"] == "管理方式“社区托管”不在覆盖口径内"


def test_service_since(ds):
    # a day before C03's service starts and on that day
    c = compute(ds, Config(), D(2026, 11, 1))
    assert status(c, "service_counted")["C03"] is True
    assert "C03" in set(c.units["unit_id"])
    assert unit(c, "C03", "party_org_ok")  # the joint branch O02 lists C03


# --- party 口径 --------------------------------------------------------------------------------


def test_work_coverage_counts(ds):
    c = compute(ds, cfg(party={"count_work_coverage": True}), AS_OF)
    assert nd(c, "party") == (6, 9)
    assert nd(c, "party_work") == (6, 9)
    assert nd(c, "party_committee") == (4, 6)
    assert unit(c, "K03", "party_reason") == ""


@pytest.mark.parametrize(
    ("population", "party", "party_committee", "party_service"),
    [
        (("committee",), (3, 6), (3, 6), (0, 0)),
        (("service_project",), (2, 3), (0, 0), (2, 3)),
    ],
)
def test_population_one_kind(ds, population, party, party_committee, party_service):
    c = compute(ds, cfg(party={"population": population}), AS_OF)
    assert nd(c, "party") == party
    assert nd(c, "party_committee") == party_committee
    assert nd(c, "party_service") == party_service
    total = figures(c)["total"]
    empty = "party_service" if population == ("committee",) else "party_committee"
    assert total[empty] == {"numerator": 0, "denominator": 0, "rate": None}


@pytest.mark.parametrize(("minimum", "party"), [(3, (4, 6)), (5, (3, 5)), (0, (5, 9))])
def test_qualifying_committees(ds, minimum, party):
    # party members: K01 3, K03 5, K04 2, K08 1, K09 5, K10 0
    c = compute(
        ds, cfg(party={"committee_scope": "qualifying", "min_members_for_org": minimum}), AS_OF
    )
    assert nd(c, "party") == party


def test_organisation_forms(tmp_path):
    """Each form on its own committee; only 派驻党建指导员 is work coverage only."""
    forms = ["单独组建", "联合组建", "功能型党组织", "挂靠组建", "派驻党建指导员", "独立党支部"]
    comps = [
        [f"C{i}", f"院{i}", "街", "社", "商品房", 10, "居民自治", None, None, None, None]
        for i in range(len(forms))
    ]
    coms = [
        [f"K{i}", f"C{i}", "业委会", D(2020, 1, 1), D(2030, 1, 1), None, 5, 3, None]
        for i in range(len(forms))
    ]
    orgs = [
        [f"O{i}", f"党组织{i}", "业委会", f"K{i}", form, D(2021, 1, 1), None, None]
        for i, form in enumerate(forms)
    ]
    ds = load_dataset([write_district(tmp_path / "f.xlsx", comps, coms, orgs)])
    c = compute(ds, Config(), AS_OF)
    ok = dict(zip(c.units["unit_id"], c.units["party_org_ok"], strict=True))
    work = dict(zip(c.units["unit_id"], c.units["party_work_ok"], strict=True))
    assert ok == {"K0": True, "K1": True, "K2": True, "K3": True, "K4": False, "K5": True}
    assert all(work.values())
    assert nd(c, "party") == (5, 6)
    assert nd(c, "party_service") == (0, 0)  # 居民自治 is no service project


def test_compound_id_resolves_to_the_active_committee(tmp_path):
    """A compound with an old dissolved committee and a new one: the org follows the new."""
    comps = [["C1", "院", "街", "社", "商品房", 10, "居民自治", None, None, None, None]]
    coms = [
        ["OLD", "C1", "业委会", D(2015, 1, 1), D(2020, 1, 1), D(2020, 1, 1), 5, 3, None],
        ["NEW", "C1", "业委会", D(2020, 6, 1), D(2025, 6, 1), None, 5, 3, None],
    ]
    orgs = [["O", "党支部", "业委会", "C1", "单独组建", D(2016, 1, 1), None, None]]
    ds = load_dataset([write_district(tmp_path / "r.xlsx", comps, coms, orgs)])
    c = compute(ds, Config(), AS_OF)
    assert c.units["unit_id"].tolist() == ["NEW"]
    assert nd(c, "party") == (1, 1)
    # in 2018 the old committee was the active one
    c = compute(ds, Config(), D(2018, 1, 1))
    assert c.units["unit_id"].tolist() == ["OLD"]
    assert nd(c, "party") == (1, 1)


def test_active_dates_of_orgs(ds):
    # O06 (K08) was active until 2026-01-01: on 2025-12-31 K08 is covered, on 2026-01-01 not
    before = compute(ds, Config(), D(2025, 12, 31))
    on = compute(ds, Config(), D(2026, 1, 1))
    assert unit(before, "K08", "party_org_ok")
    assert not unit(on, "K08", "party_org_ok")
    # O07 (K08) founded 2026-11-15 (after the usual as-of, not in the future): covers from then
    assert unit(compute(ds, Config(), D(2026, 11, 15)), "K08", "party_org_ok")
    assert not unit(compute(ds, Config(), D(2026, 11, 14)), "K08", "party_org_ok")


def test_committee_active_dates(ds):
    # K06 (C05) dissolved on 2026-10-31: active the day before; K05 founded 2026-11-15
    assert status(compute(ds, Config(), D(2026, 10, 30)), "committee_counted")["C05"]
    assert not status(compute(ds, Config(), AS_OF), "committee_counted")["C05"]
    assert status(compute(ds, Config(), D(2026, 11, 15)), "committee_counted")["C05"]
    # K10 founded on 2026-10-31
    assert not status(compute(ds, Config(), D(2026, 10, 30)), "committee_counted")["C09"]


# --- targets, gaps, JSON ---------------------------------------------------------------------


def test_targets_and_gaps(ds):
    c = compute(ds, Config(), AS_OF)  # after the last target: 0.9 stays in force
    j = figures(c)
    assert j["total"]["target"] == {"committee": 0.9, "service": 0.9, "party": 0.9}
    # ceil(0.9 * 10) - 6, ceil(0.9 * 10) - 7, ceil(0.9 * 9) - 5
    assert j["total"]["gap"] == {"committee": 3, "service": 2, "party": 4}
    streets = {s["street"]: s for s in j["streets"]}
    # 乙街道: ceil(3.6) - 2, ceil(3.6) - 3, ceil(2.7) - 1
    assert streets[d.S2]["gap"] == {"committee": 2, "service": 1, "party": 2}
    assert streets[d.S1]["gap"] == {"committee": 2, "service": 2, "party": 2}
    assert streets[d.S1]["rank"] == 1 and streets[d.S2]["rank"] == 2
    assert streets[d.S1]["met"] == {"committee": False, "service": False, "party": False}

    targets = (Target(D(2026, 12, 31), {"committee": 0.5, "service": 0.75}),)
    j = figures(compute(ds, cfg(targets=targets), AS_OF))
    assert j["total"]["gap"] == {"committee": 0, "service": 1}
    assert j["total"]["met"] == {"committee": True, "service": False}
    assert figures(compute(ds, cfg(targets=()), AS_OF))["total"]["gap"] == {}


def test_target_in_force_by_date(ds):
    assert compute(ds, Config(), D(2021, 6, 30)).target()["committee"] == 0.7
    assert compute(ds, Config(), D(2020, 12, 31)).target()["committee"] == 0.3
    assert compute(ds, Config(), D(2021, 1, 1)).target()["committee"] == 0.7


def test_gap_function():
    assert gap(Rate(6, 10), 0.9) == 3
    assert gap(Rate(10, 10), 0.9) == 0
    assert gap(Rate(0, 0), 0.9) == 0
    assert gap(Rate(7, 10), 0.7) == 0  # no float trouble: 0.7 * 10 is 7
    assert gap(Rate(1, 3), None) is None
    assert Rate(0, 0).rate is None


def test_json_shape(ds):
    j = json.loads(json.dumps(figures(compute(ds, Config(), AS_OF))))
    assert j["as_of"] == "2026-10-31"
    assert set(j) >= {"as_of", "total", "streets", "communities", "config"}
    assert j["total"]["committee"] == {"numerator": 6, "denominator": 10, "rate": 0.6}
    assert [s["street"] for s in j["streets"]] == sorted([d.S1, d.S2])
    comm = {(x["street"], x["community"]): x for x in j["communities"]}
    assert comm[(d.S2, "四社区")]["party"]["rate"] is None
    assert len(comm) == 4
    assert j["config"]["committee"]["denominator"] == "all"


def test_totals_are_sums_over_levels(ds):
    c = compute(ds, Config(), AS_OF)
    total = c.counts().iloc[0]
    for by in (["street"], ["street", "community"], ["category"]):
        sums = c.counts(by).drop(columns=by).sum()
        assert (sums == total[sums.index]).all(), by


def test_empty_district_gives_null_rates(tmp_path):
    comps = [["C1", "院", "街", "社", "商品房", 10, "无物业管理", None, None, None, None]]
    ds = load_dataset([write_district(tmp_path / "e.xlsx", comps, [], [])])
    j = figures(compute(ds, Config(), AS_OF))
    assert j["total"]["committee"] == {"numerator": 0, "denominator": 1, "rate": 0.0}
    assert j["total"]["party"] == {"numerator": 0, "denominator": 0, "rate": None}
    assert j["streets"][0]["party"]["rate"] is None
    assert j["total"]["met"]["party"] is False


def test_split_by_street_and_shuffled_gives_the_same_figures(ds, tmp_path):
    one = figures(compute(ds, Config(), AS_OF))
    s1 = [r for r in d.COMPOUNDS if r[2] == d.S1]
    s2 = [r for r in d.COMPOUNDS if r[2] == d.S2]
    ids1 = {r[0] for r in s1}
    f1 = write_district(
        tmp_path / "甲.xlsx",
        s1[::-1],
        [r for r in d.COMMITTEES if r[1] in ids1][::-1],
        d.ORGS[:4],
    )
    f2 = write_district(
        tmp_path / "乙.xlsx",
        s2,
        [r for r in d.COMMITTEES if r[1] not in ids1],
        d.ORGS[4:][::-1],
    )
    two = figures(compute(load_dataset([f2, f1]), Config(), AS_OF))
    assert two == one


def test_rates_within_bounds(ds):
    j = figures(compute(ds, Config(), AS_OF))
    for entry in [j["total"], *j["streets"], *j["communities"], *j["categories"]]:
        for key in ("committee", "service", "party", "party_work"):
            r = entry[key]
            assert 0 <= r["numerator"] <= r["denominator"]
            assert r["rate"] is None or (0 <= r["rate"] <= 1 and not math.isnan(r["rate"]))


def test_no_party_orgs_at_all(tmp_path):
    ds = load_dataset([write_district(tmp_path / "n.xlsx", d.COMPOUNDS, d.COMMITTEES, [])])
    c = compute(ds, Config(), AS_OF)
    assert nd(c, "party") == (0, 9)
    assert set(c.units["party_reason"]) == {"无有效党组织"}


def test_inputs_are_not_modified(ds):
    before = {k: v.copy() for k, v in ds.tables.items()}
    compute(ds, cfg(committee={"denominator": "eligible"}), AS_OF)
    for k, v in ds.tables.items():
        assert v.equals(before[k])


# --- properties over synthetic districts ------------------------------------------------------

CONFIGS = [
    Config(),
    cfg(
        committee={"denominator": "eligible", "count_expired": False, "count_wuguanhui": False},
        party={"count_work_coverage": True, "committee_scope": "qualifying"},
        service={"covered_modes": ("专业物业服务",)},
    ),
    cfg(party={"population": ("service_project",)}),
]


@settings(
    max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(min_value=12, max_value=40),
    seed=st.integers(min_value=0, max_value=10_000),
    streets=st.integers(min_value=1, max_value=2),
    config=st.sampled_from(CONFIGS),
)
def test_synthetic_district_properties(tmp_path, n, seed, streets, config):
    from .synth import make_district, write_street_ledger, write_workbook

    district = make_district(n, seed, n_streets=streets)
    folder = tmp_path / f"{n}-{seed}-{streets}"
    folder.mkdir()
    write_workbook(district, folder / "全区.xlsx")
    base = compute(load_dataset([folder / "全区.xlsx"]), config, AS_OF)
    j = figures(base)

    # shuffling rows changes nothing (the rows of every roster, with their origins)
    ds = load_dataset([folder / "全区.xlsx"])
    shuffled = dataclasses.replace(
        ds,
        tables={
            k: v.sample(frac=1, random_state=seed).reset_index(drop=True)
            for k, v in ds.tables.items()
        },
    )
    assert figures(compute(shuffled, config, AS_OF)) == j

    # the street files read together give the same figures
    names = sorted({c["street"] for c in district["compounds"]})
    parts = []
    for i, street in enumerate(names):
        parts.append(folder / f"街道{i}.xlsx")
        write_street_ledger(district, street, parts[-1])
    assert figures(compute(load_dataset(parts), config, AS_OF)) == j

    # totals are the sums over streets, and every rate is a share
    total = base.counts().iloc[0]
    sums = base.counts(["street"]).drop(columns=["street"]).sum()
    assert (sums == total[sums.index]).all()
    for entry in [j["total"], *j["streets"], *j["communities"], *j["categories"]]:
        for key in RATE_KEYS:
            r = entry[key]
            assert 0 <= r["numerator"] <= r["denominator"]
            assert r["rate"] is None or 0 <= r["rate"] <= 1


def test_todos_are_one_list_for_report_and_ledger(tmp_path):
    """The report's 问题清单 and the ledger's 待办 sheets come from one selection; an expired
    committee is flagged even in a compound left out of the statistics."""
    from sanlv.content.todos import todo_list

    from .helpers import write_xlsx

    head = ["小区编号", "小区名称", "街道", "社区", "总户数", "物业管理方式", "纳入统计"]
    path = write_xlsx(
        tmp_path / "a.xlsx",
        {
            "小区": [
                head,
                ["A1", "甲", "东街道", "一社区", 200, "社区托管", "是"],
                ["A2", "乙", "东街道", "一社区", 200, "社区托管", "否"],
            ],
            "业委会": [
                [
                    "组织编号",
                    "小区编号",
                    "类型",
                    "成立日期",
                    "任期届满日期",
                    "委员人数",
                    "党员人数",
                ],
                ["W2", "A2", "业委会", dt.date(2018, 1, 1), dt.date(2022, 12, 31), 5, 3],
            ],
        },
    )
    comp = compute(load_dataset([path]), Config(), dt.date(2026, 10, 31))
    t = comp.todos()
    assert sorted(zip(t["kind"], t["compound_id"], strict=True)) == [
        ("expired", "A2"),
        ("no-committee", "A1"),
    ]
    todos = todo_list(comp)
    assert ("届满未换届", "W2") in set(zip(todos["label"], todos["object_id"], strict=True))


def test_join_groups_keeps_first_appearance_order_and_skips_missing():
    import pandas as pd

    from sanlv.compute import _join_groups, _lookup

    keys = pd.Series(["a", "b", "a", "a", "c", "b", "d"], dtype=object)
    values = pd.Series(["x", "y", "z", "x", None, "y", "w"], dtype=object)
    joined = _join_groups(keys, values)
    assert joined == {"a": "x、z", "b": "y", "d": "w"}
    looked = _lookup(pd.Series(["d", "a", "c", "e"], index=[5, 6, 7, 8]), joined, "-")
    assert looked.tolist() == ["w", "x、z", "-", "-"] and looked.index.tolist() == [5, 6, 7, 8]


ISIN_VALUES = st.lists(st.one_of(st.none(), st.sampled_from(["A1", "A2", "B7", "小区3"])))


@settings(max_examples=200, deadline=None)
@given(left=ISIN_VALUES, right=ISIN_VALUES, kind=st.sampled_from(["set", "list", "series"]))
def test_isin_agrees_with_pandas_except_that_missing_never_matches(left, right, kind):
    import numpy as np
    import pandas as pd

    from sanlv.units import isin

    s = pd.Series(left, dtype="str", index=np.arange(len(left)) * 2)
    values = {"set": set(right), "list": right, "series": pd.Series(right, dtype=object)}[kind]
    got = isin(s, values)
    expected = s.astype(object).isin(pd.Series(right, dtype=object)) & s.notna()
    assert got.tolist() == expected.tolist()  # a blank id matches nothing, not even a blank
    assert got.index.equals(s.index) and got.dtype == bool


def test_explode_refs_flattens_host_tuples_and_skips_blanks():
    import numpy as np

    from sanlv.units import explode_refs

    refs = np.array([("W1", "W2"), None, (), ["C3"], float("nan"), ("W4", None)], dtype=object)
    at, ids = explode_refs(refs)
    assert at.tolist() == [0, 0, 3, 5]
    assert ids.tolist() == ["W1", "W2", "C3", "W4"]


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1))
def test_distinct_per_group_agrees_with_a_groupby(rows):
    import numpy as np
    import pandas as pd

    from sanlv.checks.context import distinct_per_group

    group, values = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    expected = pd.Series(values).groupby(group).transform("nunique")
    assert distinct_per_group(group, values).tolist() == expected.tolist()


DAYS = st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2020, 1, 10)))


GROUP_KEYS = st.one_of(st.none(), st.sampled_from(["东城区", "西城区", "（未填）", "a", "b"]))


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(GROUP_KEYS, GROUP_KEYS, st.integers(0, 3), st.integers(0, 1)), max_size=40
    ),
    width=st.integers(1, 2),
)
def test_grouped_sums_equal_the_pandas_groupby(rows, width):
    """The counts of every level: the same frame as pandas' sorted groupby with missing keys
    kept (last), for one and two key columns."""
    import numpy as np
    import pandas as pd

    from sanlv.compute import factorized, sums_by_codes

    names = ["district", "street"][:width]
    keys = {n: np.array([r[i] for r in rows], dtype=object) for i, n in enumerate(names)}
    values = {
        "a_num": np.array([r[2] for r in rows], dtype=np.int64),
        "a_den": np.array([r[3] for r in rows], dtype=np.int64),
    }
    expected = pd.DataFrame(keys | values).groupby(names, dropna=False, sort=True).sum()
    got = sums_by_codes(
        {n: factorized(k) for n, k in keys.items()}, [(np.arange(len(rows)), values)]
    )
    pd.testing.assert_frame_equal(got, expected.reset_index())


@settings(max_examples=200, deadline=None)
@given(
    spans=st.lists(st.tuples(DAYS, DAYS)), day=st.dates(dt.date(2020, 1, 1), dt.date(2020, 1, 10))
)
def test_active_on_agrees_with_the_pandas_rule(spans, day):
    import pandas as pd

    from sanlv.units import active_on

    founded = pd.Series(pd.to_datetime([f for f, _ in spans]), dtype="datetime64[ns]")
    dissolved = pd.Series(pd.to_datetime([d for _, d in spans]), dtype="datetime64[ns]")
    ts = pd.Timestamp(day)
    expected = founded.notna() & (founded <= ts) & (dissolved.isna() | (dissolved > ts))
    assert active_on(founded, dissolved, ts).tolist() == expected.tolist()
