"""The 口径 switches others publish (SPEC section 1 "More 口径 switches"): Party coverage of
property companies, the organisation forms that count, the secondary rates and --compare."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sanlv import api
from sanlv.cli import app
from sanlv.config import parse_config

from . import district as d
from .helpers import write_xlsx

runner = CliRunner()
HEAD = [
    "小区编号",
    "小区名称",
    "街道",
    "社区",
    "总户数",
    "物业管理方式",
    "物业服务企业",
    "物业服务企业信用代码",
]
ORG_HEAD = ["党组织编号", "党组织名称", "依托类型", "依托对象编号", "组织形式", "成立日期"]
ENTERPRISE = parse_config(
    '[party]\npopulation = ["service_project"]\nservice_unit = "enterprise"\n', "企业口径.toml"
)


def test_liaocheng_2021_company_coverage(tmp_path):
    """聊城 2021: 336 of 340 property companies covered = 98.82 %. 400 projects: 60 companies
    run two; 4 companies have no Party organisation."""
    compounds, orgs = [], []
    for i in range(400):
        company = i % 340
        compounds.append(
            [
                f"C{i:03d}",
                f"小区{i}",
                f"街道{i % 7}",
                "社区",
                300,
                "专业物业服务",
                f"第{company}物业公司",
                None,
            ]
        )
    for company in range(336):  # one organisation per covered company, at one of its projects
        orgs.append(
            [
                f"P{company:03d}",
                f"第{company}物业党支部",
                "物业服务企业",
                f"C{company:03d}",
                "单独组建",
                d.D(2020, 1, 1),
            ]
        )
    path = write_xlsx(
        tmp_path / "聊城.xlsx", {"小区": [HEAD, *compounds], "党组织": [ORG_HEAD, *orgs]}
    )
    data = api.report([path], as_of=d.AS_OF, config=ENTERPRISE, checks=False).to_json()
    party = data["total"]["party"]
    assert (party["numerator"], party["denominator"], party["rate"]) == (336, 340, 0.9882)
    assert data["notices"]  # the report says street sums may exceed the total
    # a company counts once in every street where it has a project
    street_den = sum(s["party"]["denominator"] for s in data["streets"])
    assert street_den > 340


def test_a_company_is_known_by_its_credit_code(tmp_path):
    rows = [
        ["C1", "甲", "东街道", "一社区", 100, "专业物业服务", "天利物业", "91110000AAAA00001X"],
        [
            "C2",
            "乙",
            "西街道",
            "二社区",
            100,
            "专业物业服务",
            "天利物业服务有限公司",
            "91110000AAAA00001X",
        ],
        ["C3", "丙", "西街道", "二社区", 100, "专业物业服务", "天利物业", None],
    ]
    orgs = [["P1", "天利物业党支部", "物业服务企业", "C2", "单独组建", d.D(2020, 1, 1)]]
    path = write_xlsx(tmp_path / "a.xlsx", {"小区": [HEAD, *rows], "党组织": [ORG_HEAD, *orgs]})
    data = api.report([path], as_of=d.AS_OF, config=ENTERPRISE, checks=False).to_json()
    # C1 and C2 are one company (the code); C3 (no code) is known by its name: two companies
    assert data["total"]["party"]["denominator"] == 2
    assert data["total"]["party"]["numerator"] == 1
    west = next(s for s in data["streets"] if s["street"] == "西街道")
    assert west["party"]["denominator"] == 2  # both companies have a project in 西街道


def test_org_forms_and_work_forms(tmp_path):
    path = d.write_district(tmp_path / "d.xlsx")
    base = api.report([path], as_of=d.AS_OF, checks=False).to_json()["total"]
    # count the instructor (O03 on K03) as organisational coverage, nothing as work coverage
    cfg = parse_config(
        '[party]\norg_forms = ["单独组建", "联合组建", "功能型党组织", "挂靠组建", "派驻党建指导员"]\n'
        "work_forms = []\n"
    )
    wide = api.report([path], as_of=d.AS_OF, config=cfg, checks=False).to_json()["total"]
    assert wide["party"]["numerator"] == base["party"]["numerator"] + 1
    assert wide["party_work"]["numerator"] == base["party_work"]["numerator"]


def test_forms_cannot_be_both_organisational_and_work(tmp_path):
    from sanlv.config import ConfigError

    try:
        parse_config('[party]\nwork_forms = ["单独组建"]\n')
    except ConfigError as e:
        assert "org_forms" in str(e) and "单独组建" in str(e)
    else:  # pragma: no cover
        raise AssertionError("no error")


def test_secondary_rates_of_committees(tmp_path):
    path = d.write_district(tmp_path / "d.xlsx")
    total = api.report([path], as_of=d.AS_OF, checks=False).to_json()["total"]
    # active committees of compounds in scope: K01 5/3, K03 7/5, K04 5/2, K08 5/1, K09 7/5,
    # K10 5/0 (K07's compound is out of scope): at least half Party members: K01 K03 K09
    assert total["committee_party_half"] == {"numerator": 3, "denominator": 6, "rate": 0.5}
    # 交叉任职人数 is not collected in this district: no denominator
    assert total["committee_cross"]["denominator"] == 0


def test_compare_names_the_differing_keys(tmp_path):
    path = d.write_district(tmp_path / "d.xlsx")
    other = tmp_path / "市口径.toml"
    other.write_text('[committee]\ndenominator = "eligible"\n', encoding="utf-8")
    out = tmp_path / "r.xlsx"
    args = ["report", str(path), "--as-of", "2026-10-31", "--compare", str(other)]
    r = runner.invoke(app, [*args, "--format", "json"])
    data = json.loads(r.stdout)
    (entry,) = data["compare"]
    assert entry["name"] == "市口径" and entry["differences"] == ["committee.denominator"]
    assert entry["total"]["committee"]["denominator"] < data["total"]["committee"]["denominator"]
    assert runner.invoke(app, [*args, "-o", str(out)]).exit_code == 0
    import openpyxl

    assert "口径对照" in openpyxl.load_workbook(out).sheetnames
