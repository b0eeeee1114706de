"""One test (at least) per check code, on tiny workbooks written in tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sanlv.config import Config, parse_config
from sanlv.validate import run_validate

from .helpers import write_xlsx

AS_OF = dt.date(2026, 10, 31)
TODAY = dt.date(2026, 11, 15)

COMPOUND_COLS = [
    "小区编号",
    "小区名称",
    "街道",
    "社区",
    "小区类型",
    "总户数",
    "物业管理方式",
    "物业服务企业",
    "物业服务起始日期",
    "纳入统计",
    "具备组建条件",
]
COMMITTEE_COLS = [
    "组织编号",
    "小区编号",
    "类型",
    "成立日期",
    "任期届满日期",
    "撤销日期",
    "委员人数",
    "党员人数",
    "交叉任职人数",
]
ORG_COLS = [
    "党组织编号",
    "党组织名称",
    "依托类型",
    "依托对象编号",
    "组织形式",
    "成立日期",
    "撤销日期",
    "正式党员人数",
]


def compound(**kw) -> dict:
    base = {
        "小区编号": "C1",
        "小区名称": "阳光小区",
        "街道": "巷口街道",
        "社区": "浦头社区",
        "小区类型": "商品房",
        "总户数": 500,
        "物业管理方式": "专业物业服务",
        "物业服务企业": "天利物业",
        "物业服务起始日期": "2020-01-01",
        "纳入统计": "是",
        "具备组建条件": "是",
    }
    return base | kw


def committee(**kw) -> dict:
    base = {
        "组织编号": "W1",
        "小区编号": "C1",
        "类型": "业主委员会",
        "成立日期": "2024-01-01",
        "任期届满日期": "2029-01-01",
        "撤销日期": None,
        "委员人数": 7,
        "党员人数": 4,
        "交叉任职人数": 2,
    }
    return base | kw


def org(**kw) -> dict:
    base = {
        "党组织编号": "P1",
        "党组织名称": "阳光小区业委会党支部",
        "依托类型": "业主委员会",
        "依托对象编号": "W1",
        "组织形式": "单独组建",
        "成立日期": "2024-03-01",
        "撤销日期": None,
        "正式党员人数": 4,
    }
    return base | kw


def clean() -> dict[str, list[dict]]:
    return {
        "小区": [
            compound(),
            compound(
                小区编号="C2",
                小区名称="幸福里",
                小区类型="老旧小区",
                总户数=80,
                物业管理方式="社区托管",
                物业服务企业=None,
                物业服务起始日期=None,
            ),
        ],
        "业委会": [
            committee(),
            committee(
                组织编号="W2",
                小区编号="C2",
                成立日期="2025-01-01",
                任期届满日期="2030-01-01",
                委员人数=3,
                党员人数=2,
                交叉任职人数=1,
            ),
        ],
        "党组织": [
            org(),
            org(
                党组织编号="P2",
                党组织名称="天利物业阳光项目党支部",
                依托类型="物业服务企业",
                依托对象编号="C1",
                成立日期="2020-06-01",
            ),
            org(
                党组织编号="P3",
                党组织名称="幸福里联合党支部",
                依托对象编号="W2",
                组织形式="联合组建",
                成立日期="2025-02-01",
            ),
        ],
    }


COLS = {"小区": COMPOUND_COLS, "业委会": COMMITTEE_COLS, "党组织": ORG_COLS}


def book(path: Path, data: dict[str, list[dict]]) -> Path:
    sheets = {
        name: [COLS[name]] + [[r.get(c) for c in COLS[name]] for r in rows]
        for name, rows in data.items()
    }
    return write_xlsx(path, sheets)


def validate(paths, config: Config | None = None, regions=None, as_of=AS_OF):
    if not isinstance(paths, list):
        paths = [paths]
    return run_validate(paths, config or Config(), as_of, regions=regions, today=TODAY)


def found(result, code: str) -> list[tuple[str, int | None, str]]:
    return [(i.code, i.row, i.column) for i in result.issues if i.code == code]


def codes(result) -> set[str]:
    return {i.code for i in result.issues if i.severity != "info"}


def run(tmp_path, data, **kw):
    return validate(book(tmp_path / "街道.xlsx", data), **kw)


# --- the clean fixture --------------------------------------------------------------------


def test_clean_fixture_has_no_issues(tmp_path):
    r = run(tmp_path, clean())
    assert [i for i in r.issues if i.severity != "info"] == []
    assert r.exit_code() == 0


# --- structural ---------------------------------------------------------------------------


def test_sheet_missing(tmp_path):
    data = clean()
    del data["党组织"]
    r = run(tmp_path, data)
    (issue,) = [i for i in r.issues if i.code == "sheet-missing"]
    assert issue.severity == "error" and "党组织" in issue.message and issue.file == "街道.xlsx"


def test_sheet_missing_not_flagged_when_in_another_file(tmp_path):
    data = clean()
    orgs = {"党组织": data.pop("党组织")}
    a = book(tmp_path / "a.xlsx", data)
    b = book(tmp_path / "b.xlsx", orgs)
    r = validate([a, b])
    assert found(r, "sheet-missing") == []
    assert r.exit_code() == 0


# --- cells --------------------------------------------------------------------------------


def test_value_missing(tmp_path):
    data = clean()
    data["小区"][0]["小区名称"] = None
    r = run(tmp_path, data)
    assert found(r, "value-missing") == [("value-missing", 2, "小区名称")]
    assert [i.cell for i in r.issues if i.code == "value-missing"] == ["B2"]


def test_value_range_party_members_above_members(tmp_path):
    data = clean()
    data["业委会"][0]["党员人数"] = 9
    data["业委会"][1]["交叉任职人数"] = 4
    r = run(tmp_path, data)
    assert sorted(found(r, "value-range")) == [
        ("value-range", 2, "党员人数"),
        ("value-range", 3, "交叉任职人数"),
    ]


def test_date_future_uses_the_day_of_the_run(tmp_path):
    data = clean()
    data["业委会"][0]["成立日期"] = "2026-11-10"  # after as-of, before today: fine here
    data["业委会"][0]["任期届满日期"] = "2031-11-10"
    data["党组织"][0]["成立日期"] = "2027-01-01"  # after today
    r = run(tmp_path, data)
    assert found(r, "date-future") == [("date-future", 2, "成立日期")]
    assert [i.sheet for i in r.issues if i.code == "date-future"] == ["党组织"]


def test_date_order(tmp_path):
    data = clean()
    data["业委会"][0]["任期届满日期"] = "2023-01-01"
    data["业委会"][1]["撤销日期"] = "2024-06-01"
    data["党组织"][1]["撤销日期"] = "2019-01-01"
    r = run(tmp_path, data)
    assert sorted((i.sheet, i.row, i.column) for i in r.issues if i.code == "date-order") == [
        ("业委会", 2, "任期届满日期"),
        ("业委会", 3, "撤销日期"),
        ("党组织", 3, "撤销日期"),
    ]


def test_id_duplicate_within_file(tmp_path):
    data = clean()
    data["小区"].append(compound(小区名称="阳光小区二期"))
    r = run(tmp_path, data)
    (issue,) = [i for i in r.issues if i.code == "id-duplicate"]
    assert (issue.row, issue.column, issue.severity, issue.cell) == (4, "小区编号", "error", "A4")
    assert "第 2 行" in issue.message


def test_id_duplicate_across_files(tmp_path):
    data = clean()
    a = book(tmp_path / "a.xlsx", data)
    other = {
        "小区": [data["小区"][0], compound(小区编号="C2", 小区名称="幸福里", 总户数=81)],
        "业委会": [],
        "党组织": [],
    }
    b = book(tmp_path / "b.xlsx", other)
    r = validate([a, b])
    dups = [(i.file, i.row, i.severity) for i in r.issues if i.code == "id-duplicate"]
    assert dups == [("b.xlsx", 2, "warning"), ("b.xlsx", 3, "error")]
    err = next(i for i in r.issues if i.code == "id-duplicate" and i.severity == "error")
    assert "a.xlsx" in err.message and "b.xlsx" in err.message
    warn = next(i for i in r.issues if i.code == "id-duplicate" and i.severity == "warning")
    assert "只计一次" in warn.message


def test_ref_missing(tmp_path):
    data = clean()
    data["业委会"][1]["小区编号"] = "C9"
    data["党组织"][0]["依托对象编号"] = "W1、X7"
    data["党组织"][1]["依托对象编号"] = "W1"  # a committee id for a company host
    r = run(tmp_path, data)
    got = sorted((i.sheet, i.row, i.column) for i in r.issues if i.code == "ref-missing")
    assert got == [
        ("业委会", 3, "小区编号"),
        ("党组织", 2, "依托对象编号"),
        ("党组织", 3, "依托对象编号"),
    ]


def test_ref_ambiguous(tmp_path):
    data = clean()
    data["业委会"].append(
        committee(组织编号="W3", 类型="物业管理委员会", 委员人数=7, 任期届满日期="2027-01-01")
    )
    data["党组织"][0]["依托对象编号"] = "C1"
    r = run(tmp_path, data)
    assert found(r, "ref-ambiguous") == [("ref-ambiguous", 2, "依托对象编号")]


def test_name_conflict(tmp_path):
    data = clean()
    a = book(tmp_path / "a.xlsx", data)
    b = book(
        tmp_path / "b.xlsx",
        {"小区": [compound(小区名称="阳光花园")], "业委会": [], "党组织": []},
    )
    r = validate([a, b])
    assert found(r, "name-conflict") == [("name-conflict", 2, "小区名称")]
    assert [i.file for i in r.issues if i.code == "name-conflict"] == ["b.xlsx"]


def test_region_unknown(tmp_path):
    data = clean()
    data["小区"][0]["街道"] = "巷口街"
    data["小区"][1]["社区"] = "浦头西社区"
    regions = write_xlsx(
        tmp_path / "区划.xlsx",
        {
            "名单": [
                ["街道", "社区"],
                ["巷口街道", "浦头社区"],
                [None, "浦东社区"],
                ["海港街道", "港湾社区"],
            ]
        },
    )
    r = run(tmp_path, data, regions=regions)
    issues = [i for i in r.issues if i.code == "region-unknown"]
    assert [(i.row, i.column) for i in issues] == [(2, "街道"), (3, "社区")]
    assert "巷口街道" in issues[0].hint
    assert issues[1].hint == "是否应为“浦头社区”？"  # among the street's own communities


def test_region_list_that_matches_flags_nothing(tmp_path):
    """The official list names exactly the streets and communities of the data (one street
    written in a merged cell over its communities): no finding."""
    regions = write_xlsx(
        tmp_path / "区划.xlsx",
        {"名单": [["街道", "社区"], ["巷口街道", "浦头社区"], [None, "浦东社区"]]},
    )
    data = clean()
    data["小区"][1]["社区"] = "浦东社区"
    r = run(tmp_path, data, regions=regions)
    assert [i for i in r.issues if i.code == "region-unknown"] == []
    assert {(c["街道"], c["社区"]) for c in data["小区"]} == {
        ("巷口街道", "浦头社区"),
        ("巷口街道", "浦东社区"),
    }


def test_regions_file_without_street_column_is_exit_2(tmp_path):
    from sanlv.issues import InputError

    regions = write_xlsx(tmp_path / "区划.xlsx", {"名单": [["名称"], ["巷口街道"]]})
    with pytest.raises(InputError):
        run(tmp_path, clean(), regions=regions)


# --- policy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "households", "kind", "bad"),
    [
        (7, 500, "业主委员会", False),
        (6, 500, "业主委员会", True),
        (13, 500, "业主委员会", True),
        (3, 500, "业主委员会", True),
        (3, 100, "业主委员会", False),
        (5, 500, "物业管理委员会", True),
        (8, 500, "物业管理委员会", True),
        (9, 500, "物业管理委员会", False),
    ],
)
def test_committee_size(tmp_path, members, households, kind, bad):
    data = clean()
    data["小区"][0]["总户数"] = households
    data["业委会"][0].update(委员人数=members, 党员人数=min(members, 4), 交叉任职人数=1, 类型=kind)
    data["业委会"][0]["任期届满日期"] = "2027-01-01"
    r = run(tmp_path, data)
    assert found(r, "committee-size") == ([("committee-size", 2, "委员人数")] if bad else [])


def test_committee_size_ignores_dissolved(tmp_path):
    data = clean()
    data["业委会"][0].update(委员人数=6, 撤销日期="2025-01-01")
    data["党组织"][0]["撤销日期"] = "2025-01-01"
    r = run(tmp_path, data)
    assert found(r, "committee-size") == []


def test_committee_term(tmp_path):
    data = clean()
    data["业委会"][0]["任期届满日期"] = "2029-01-02"
    data["业委会"].append(
        committee(
            组织编号="W3",
            小区编号="C2",
            类型="物管会",
            任期届满日期="2027-06-01",
            成立日期="2026-06-01",
            委员人数=7,
            党员人数=4,
        )
    )
    data["业委会"][1]["撤销日期"] = "2026-05-01"
    data["党组织"][2]["依托对象编号"] = "W3"
    data["党组织"][2]["组织形式"] = "单独组建"
    r = run(tmp_path, data)
    assert found(r, "committee-term") == [("committee-term", 2, "任期届满日期")]
    data["业委会"][2]["任期届满日期"] = "2029-06-02"
    r = run(tmp_path, data)
    assert sorted(found(r, "committee-term")) == [
        ("committee-term", 2, "任期届满日期"),
        ("committee-term", 4, "任期届满日期"),
    ]


def test_committee_expired_and_expiring(tmp_path):
    data = clean()
    data["业委会"][0]["任期届满日期"] = "2026-10-01"
    data["业委会"][1]["任期届满日期"] = "2026-12-15"
    r = run(tmp_path, data)
    assert found(r, "committee-expired") == [("committee-expired", 2, "任期届满日期")]
    assert found(r, "committee-expiring") == [("committee-expiring", 3, "任期届满日期")]
    later = run(tmp_path, data, as_of=dt.date(2026, 6, 30))
    assert found(later, "committee-expired") == [] and found(later, "committee-expiring") == []


def test_committee_party_share_and_no_party_member(tmp_path):
    data = clean()
    data["业委会"][0]["党员人数"] = 3  # 3/7 < 50 %
    data["业委会"][1]["党员人数"] = 0
    r = run(tmp_path, data)
    assert found(r, "committee-party-share") == [("committee-party-share", 2, "党员人数")]
    assert found(r, "committee-no-party-member") == [("committee-no-party-member", 3, "党员人数")]
    lenient = parse_config("[rules]\nparty_share_min = 0.4\n")
    assert found(run(tmp_path, data, config=lenient), "committee-party-share") == []


def test_committee_coexist(tmp_path):
    data = clean()
    data["业委会"].append(committee(组织编号="W3", 类型="物管会", 任期届满日期="2027-01-01"))
    data["党组织"][0]["依托对象编号"] = "W1、W3"
    r = run(tmp_path, data)
    assert found(r, "committee-coexist") == [("committee-coexist", 4, "类型")]


def test_committee_ineligible(tmp_path):
    data = clean()
    data["小区"][1]["具备组建条件"] = "否"
    r = run(tmp_path, data)
    assert found(r, "committee-ineligible") == [("committee-ineligible", 3, "具备组建条件")]


def test_party_org_required_folds_the_lagging_finding(tmp_path):
    data = clean()
    data["党组织"][0]["组织形式"] = "派驻党建指导员"  # work coverage only
    r = run(tmp_path, data)
    assert found(r, "party-org-required") == [("party-org-required", 2, "党员人数")]
    # W1 (4 Party members) was founded in 2024: lagging too, folded into the one finding
    assert found(r, "party-org-lagging") == []
    (msg,) = [i.message for i in r.issues if i.code == "party-org-required"]
    assert "只有派驻党建指导员" in msg and "超过 90 天" in msg


def test_party_org_lagging(tmp_path):
    data = clean()
    del data["党组织"][2]  # W2: 2 Party members, founded 2025, nothing attached
    r = run(tmp_path, data)
    assert found(r, "party-org-lagging") == [("party-org-lagging", 3, "成立日期")]
    assert found(r, "party-org-required") == []
    data["业委会"][1]["成立日期"] = "2026-09-01"
    data["业委会"][1]["任期届满日期"] = "2031-09-01"
    assert found(run(tmp_path, data), "party-org-lagging") == []


def test_party_org_lagging_with_an_instructor_only(tmp_path):
    """A 派驻党建指导员 is work coverage, not organisational coverage (SPEC section 4)."""
    data = clean()
    data["党组织"][2]["组织形式"] = "派驻党建指导员"
    r = run(tmp_path, data)
    assert found(r, "party-org-lagging") == [("party-org-lagging", 3, "成立日期")]
    (msg,) = [i.message for i in r.issues if i.code == "party-org-lagging"]
    assert "只有派驻党建指导员" in msg


def test_party_host_inactive(tmp_path):
    data = clean()
    data["业委会"][1]["撤销日期"] = "2026-01-01"
    data["小区"][0]["物业管理方式"] = "社区托管"
    data["小区"][0]["物业服务企业"] = None
    r = run(tmp_path, data)
    got = sorted((i.row, i.column) for i in r.issues if i.code == "party-host-inactive")
    assert got == [(3, "依托对象编号"), (4, "依托对象编号")]


def test_service_company_missing_and_unexpected(tmp_path):
    data = clean()
    data["小区"][0]["物业服务企业"] = None
    data["小区"][1]["物业管理方式"] = "无物业管理"
    data["小区"][1]["物业服务企业"] = "某某物业"
    r = run(tmp_path, data)
    assert found(r, "service-company-missing") == [("service-company-missing", 2, "物业服务企业")]
    assert found(r, "service-company-unexpected") == [
        ("service-company-unexpected", 3, "物业服务企业")
    ]
    assert found(r, "value-missing") == []
    miss = next(i for i in r.issues if i.code == "service-company-missing")
    assert miss.severity == "error" and miss.cell == "H2"


def test_compound_duplicate_name(tmp_path):
    data = clean()
    data["小区"].append(compound(小区编号="C3", 小区名称="阳光 小区", 物业服务企业="天利物业"))
    r = run(tmp_path, data)
    assert found(r, "compound-duplicate-name") == [("compound-duplicate-name", 4, "小区名称")]


# --- robustness of the check stage ----------------------------------------------------------


def test_a_crashing_check_is_a_defect_not_a_finding(tmp_path, monkeypatch):
    """A check that raises is a bug of sanlv: it propagates (the CLI exits 3), it is never
    turned into a polite warning that would hide it from users and tests."""
    from sanlv import checks

    def broken(ctx):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(checks, "CHECKS", (broken, *checks.CHECKS))
    with pytest.raises(RuntimeError, match="boom"):
        run(tmp_path, clean())


@pytest.mark.parametrize("seed", [0, 3])
def test_clean_generated_district_has_no_errors(tmp_path, seed):
    from .synth import DEFAULT_AS_OF, make_district, write_workbook

    path = tmp_path / "district.xlsx"
    write_workbook(make_district(400, seed=seed), path)
    r = run_validate([path], Config(), DEFAULT_AS_OF, today=DEFAULT_AS_OF)
    assert [i for i in r.issues if i.severity == "error"] == []
    assert not [i for i in r.issues if i.code == "check-failed"]
    assert r.exit_code() == 0


def test_future_service_start_is_a_warning(tmp_path):
    data = clean()
    data["小区"][0]["物业服务起始日期"] = "2027-01-01"  # signed, moves in next year
    r = run(tmp_path, data)
    hits = [i for i in r.issues if i.code == "date-future"]
    assert [(i.severity, i.row, i.column) for i in hits] == [("warning", 2, "物业服务起始日期")]


def test_suggest_narrows_a_long_id_list_and_finds_what_a_full_search_finds():
    """A hint for a mistyped id among 5,000: only the neighbours of the value in sorted order,
    forwards and backwards, are compared (difflib over every id takes about 1 s a value at
    50,000), and a typo at the start, in the middle or at the end finds the id a full
    search finds."""
    import difflib

    from sanlv.checks.ids import Suggest

    ids = {f"Q0111{i:05d}" for i in range(5000)}
    many = Suggest(ids)
    for typo in ("q011102345", "Q11102345", "Q0111002345", "Q011102345X", "Q011103999"):
        full = difflib.get_close_matches(typo, sorted(ids), n=1, cutoff=0.6)
        assert [many.near(typo)] == full, typo
    assert many.near("Q011102345") == "Q011102345" and len(many.memo) == 6
    few = Suggest({"C0001", "C0002", "W900"})
    assert few.near("W901") == "W900" and few.near("小区") is None
