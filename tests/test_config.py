"""Tests of sanlv.config: the configuration of SPEC section 1."""

from __future__ import annotations

import ast
import dataclasses
import datetime
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanlv import config as cfg
from sanlv import schema
from sanlv.config import (
    CommitteeConfig,
    Config,
    ConfigError,
    PartyConfig,
    RulesConfig,
    Target,
    default_toml,
    describe,
    load_config,
    parse_config,
    to_toml,
)
from sanlv.config.kinds import DAYS, HOUSEHOLDS, PEOPLE, YEARS

D = datetime.date


# --- defaults --------------------------------------------------------------------------------


def test_defaults_are_the_spec_defaults():
    c = load_config(None)
    assert c == Config()
    assert c.committee == CommitteeConfig(True, True, "all")
    assert c.service.covered_modes == (
        "专业物业服务",
        "国企托管",
        "社区托管",
        "准物业",
        "单位自管",
        "居民自治",
    )
    assert c.service.professional_modes == ("专业物业服务",)
    assert c.party == PartyConfig(
        population=("committee", "service_project"),
        committee_scope="all",
        min_members_for_org=3,
        count_work_coverage=False,
        service_unit="project",
        org_forms=("单独组建", "联合组建", "功能型党组织", "挂靠组建"),
        work_forms=("派驻党建指导员",),
        service_project_modes=("专业物业服务", "国企托管"),
    )
    assert c.rules == RulesConfig(5, 11, 100, 7, 5, 3, 0.5, 90, 90)
    assert [t.by for t in c.targets] == [D(2020, 12, 31), D(2021, 12, 31), D(2022, 12, 31)]
    assert c.targets[0].rates == {"committee": 0.3, "service": 0.6, "party": 0.3}
    assert c.targets[1].rates == {"committee": 0.7, "service": 0.7, "party": 0.7}
    assert c.targets[2].rates == {"committee": 0.9, "service": 0.9, "party": 0.9}
    assert c.source is None


def test_config_is_frozen_and_hashable():
    c = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.committee = CommitteeConfig()  # type: ignore[misc]
    assert hash(c) == hash(Config())


def test_empty_file_gives_the_defaults(tmp_path):
    p = tmp_path / "sanlv.toml"
    p.write_text("", encoding="utf-8")
    c = load_config(p)
    assert c == Config()
    assert c.source == str(p)


def test_to_dict_is_json_ready_and_shaped_like_the_toml():
    d = Config().to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert list(d) == ["committee", "service", "party", "rules", "collect", "todo", "targets"]
    assert d["party"]["population"] == ["committee", "service_project"]
    assert d["targets"][0] == {"by": "2020-12-31", "committee": 0.3, "service": 0.6, "party": 0.3}
    # the TOML file and to_dict have the same shape and values
    assert tomllib.loads(default_toml()) == d


# --- default_toml ----------------------------------------------------------------------------


def test_default_toml_round_trip(tmp_path):
    text = default_toml()
    assert parse_config(text) == Config()
    p = tmp_path / "sanlv.toml"
    p.write_text(text, encoding="utf-8")
    assert load_config(p) == Config()


def test_default_toml_comments_every_key_in_chinese():
    lines = default_toml().splitlines()
    for section in cfg.SECTIONS:
        for f in dataclasses.fields(getattr(Config(), section)):
            i = next(i for i, line in enumerate(lines) if line.startswith(f"{f.name} = "))
            block = []
            while lines[i - 1].startswith("# "):
                i -= 1
                block.insert(0, lines[i])
            text = "".join(block)
            assert "可填：" in text, f.name
            assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 10, f.name
    assert "[[targets]]" in lines


def test_to_toml_of_other_configs_round_trips():
    c = Config(
        committee=CommitteeConfig(False, False, "eligible"),
        party=PartyConfig(population=("committee",), committee_scope="qualifying"),
        targets=(),
    )
    text = to_toml(c)
    assert parse_config(text) == c
    assert "# 默认：" in text  # non-default values say what the default is


# --- errors ----------------------------------------------------------------------------------

BAD = [
    # unknown sections and keys, with suggestions
    (
        "[committee]\ncount_wuguanhuii = true",
        "未知的配置项 [committee] count_wuguanhuii",
        "是否想写 count_wuguanhui",
    ),
    ("[comittee]\ncount_expired = true", "未知的配置节 [comittee]", "[committee]"),
    ("count_expired = true", "未知的配置项 count_expired", "[committee]"),
    ("foo = 1", "未知的配置项 foo", ""),
    ("[rules]\ncount_expired = false", "[rules] count_expired", "[committee]"),
    ("[[targets]]\nby = 2021-12-31\ncomittee = 0.5", "[[targets]] 第 1 项 comittee", "committee"),
    # wrong types
    ('[committee]\ncount_expired = "是"', "[committee] count_expired", "true 或 false"),
    ("[committee]\ncount_wuguanhui = 1", "[committee] count_wuguanhui", "true 或 false"),
    ("[committee]\ndenominator = true", "[committee] denominator", '"all" 或 "eligible"'),
    ('[service]\ncovered_modes = "专业物业服务"', "[service] covered_modes", "列表"),
    ("[service]\nprofessional_modes = [1]", "[service] professional_modes", "第 1 项应为文本"),
    ("[party]\nmin_members_for_org = 3.0", "[party] min_members_for_org", "整数"),
    ('[party]\nmin_members_for_org = "3"', "[party] min_members_for_org", "整数"),
    ("[party]\ncount_work_coverage = 0", "[party] count_work_coverage", "true 或 false"),
    ("[rules]\nexpiry_warning_days = true", "[rules] expiry_warning_days", "整数"),
    ('[rules]\nparty_share_min = "50%"', "[rules] party_share_min", "小数"),
    ("committee = 1", "[committee]", "配置节"),
    ("[targets]\nby = 2021-12-31", "[[targets]]", ""),
    ("[[targets]]\nby = 20211231\nparty = 0.5", "[[targets]] 第 1 项 by", "日期"),
    ("[[targets]]\nby = 2021-12-31T08:00:00\nparty = 0.5", "[[targets]] 第 1 项 by", "日期"),
    ('[[targets]]\nby = 2021-12-31\nparty = "90%"', "[[targets]] 第 1 项 party", "小数"),
    # values outside the allowed sets
    ('[committee]\ndenominator = "some"', "[committee] denominator", '"all" 或 "eligible"'),
    ('[committee]\ndenominator = "eligable"', "[committee] denominator", '是否想写 "eligible"'),
    ('[party]\ncommittee_scope = "qualified"', "[party] committee_scope", '"qualifying"'),
    ('[party]\npopulation = ["committees"]', "[party] population", '是否想写 "committee"'),
    ("[party]\npopulation = []", "[party] population", "不能为空"),
    (
        '[service]\ncovered_modes = ["专业物业"]',
        "[service] covered_modes",
        '是否想写 "专业物业服务"',
    ),
    ('[service]\ncovered_modes = ["物业"]', "[service] covered_modes", "物业管理方式"),
    ("[service]\ncovered_modes = []", "[service] covered_modes", "不能为空"),
    ('[service]\ncovered_modes = ["无物业管理"]', "[service] covered_modes", "无物业管理"),
    ('[party]\nservice_project_modes = ["失管"]', "[party] service_project_modes", "无物业管理"),
    ("[party]\nmin_members_for_org = -1", "[party] min_members_for_org", "0 到 1000 之间的整数"),
    ("[rules]\nwuguanhui_min_members = -7", "[rules] wuguanhui_min_members", "0 到 1000"),
    # huge integers would overflow the date arithmetic: each integer has a maximum
    ("[rules]\nexpiry_warning_days = 100000000000000000000", "expiry_warning_days", "36500"),
    ("[rules]\ncommittee_max_term_years = 101", "committee_max_term_years", "0 到 100"),
    ("[rules]\nsmall_compound_households = 10000001", "small_compound_households", "10000000"),
    ("[party]\nmin_members_for_org = 1001", "min_members_for_org", "1000"),
    ("[rules]\nparty_share_min = 1.5", "[rules] party_share_min", "0 到 1"),
    ("[rules]\nparty_share_min = 50", "[rules] party_share_min", "是否想写 0.5"),
    ("[rules]\nparty_share_min = -0.1", "[rules] party_share_min", "0 到 1"),
    ("[rules]\nparty_share_min = nan", "[rules] party_share_min", "0 到 1"),
    ("[rules]\ncommittee_min_members = 13", "committee_min_members", "committee_max_members"),
    ("[[targets]]\nby = 2021-12-31\ncommittee = 90", "[[targets]] 第 1 项 committee", "0.9"),
    ("[[targets]]\nby = 2021-12-31\nservice = -1", "[[targets]] 第 1 项 service", "0 到 1"),
    ('[[targets]]\nby = "2021/12/31"\nparty = 0.5', "[[targets]] 第 1 项 by", "2022-12-31"),
    ('[[targets]]\nby = "2021-02-30"\nparty = 0.5', "[[targets]] 第 1 项 by", "日期"),
    ("[[targets]]\nparty = 0.5", "[[targets]] 第 1 项", "缺少 by"),
    ("[[targets]]\nby = 2021-12-31", "[[targets]] 第 1 项", "没有任何目标值"),
    (
        "[[targets]]\nby = 2021-12-31\nparty = 0.5\n[[targets]]\nby = '2021-12-31'\nparty = 0.6",
        "[[targets]] 第 2 项 by",
        "第 1 项重复",
    ),
]


@pytest.mark.parametrize(("text", "key", "more"), BAD, ids=[b[1] + " " + b[2] for b in BAD])
def test_bad_values_and_unknown_keys(text, key, more):
    with pytest.raises(ConfigError) as err:
        parse_config(text, "sanlv.toml")
    msg = str(err.value)
    assert msg.startswith("配置文件 sanlv.toml：")
    assert "\n" not in msg
    assert key in msg
    assert more in msg


def test_examples_of_the_brief_word_for_word():
    with pytest.raises(ConfigError) as err:
        parse_config("[committee]\ncount_wuguanhuii = true")
    assert str(err.value) == (
        "配置文件 sanlv.toml：未知的配置项 [committee] count_wuguanhuii（是否想写 count_wuguanhui？）"
    )
    with pytest.raises(ConfigError) as err:
        parse_config('[committee]\ndenominator = "some"')
    assert str(err.value) == (
        '配置文件 sanlv.toml：[committee] denominator 的值 "some" 无效，应为 "all" 或 "eligible"'
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[committee]\ndenominator = “all”\n", "第 2 行"),  # Chinese quotation marks
        ("[committee]\ndenominator = all\n", "第 2 行"),
        ("[committee]\ncount_expired = true\ncount_expired = false\n", "第 3 行"),
        ("[party]\n[party]\n", "第 2 行"),
        ("[rules]\nexpiry_warning_days\n", "第 2 行"),
        ('[[targets]]\nby = "2021-12-31\n', "第 2 行"),
    ],
)
def test_toml_syntax_errors_name_the_line(tmp_path, text, where):
    p = tmp_path / "区配置.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    msg = str(err.value)
    assert msg.startswith(f"配置文件 {p}：")
    assert where in msg and "TOML" in msg and "\n" not in msg


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match="不存在"):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="文件夹"):
        load_config(tmp_path)
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[service]\ncovered_modes = ["专业物业服务"]\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(gbk)


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    p = tmp_path / "bom.toml"
    p.write_bytes('[committee]\ndenominator = "eligible"\n'.encode("utf-8-sig"))
    assert load_config(p).committee.denominator == "eligible"


# --- modes and population --------------------------------------------------------------------


def test_alias_modes_map_to_canonical_values():
    c = parse_config(
        '[service]\ncovered_modes = ["物业公司", "国企代管", "简易物业", "业主自治", "专业物业服务"]\n'
        'professional_modes = ["专业化物业"]\n'
        '[party]\nservice_project_modes = ["物业服务企业", "国企代管"]\n'
    )
    # deduplicated, in the order of enumeration B
    assert c.service.covered_modes == ("专业物业服务", "国企托管", "准物业", "居民自治")
    assert c.service.professional_modes == ("专业物业服务",)
    assert c.party.service_project_modes == ("专业物业服务", "国企托管")


def test_population_is_normalised():
    c = parse_config('[party]\npopulation = ["service_project", "committee", "committee"]')
    assert c.party.population == ("committee", "service_project")
    c = parse_config('[party]\npopulation = ["service_project"]')
    assert c.party.population == ("service_project",)


# --- targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "by"),
    [
        (D(2019, 1, 1), D(2020, 12, 31)),  # before the first
        (D(2020, 12, 31), D(2020, 12, 31)),  # on the first
        (D(2021, 1, 1), D(2021, 12, 31)),  # between
        (D(2021, 12, 31), D(2021, 12, 31)),  # on
        (D(2022, 6, 30), D(2022, 12, 31)),
        (D(2022, 12, 31), D(2022, 12, 31)),  # on the last
        (D(2026, 10, 31), D(2022, 12, 31)),  # after the last: the last stays in force
    ],
)
def test_target_for(as_of, by):
    assert Config().target_for(as_of).by == by


def test_target_for_without_targets():
    c = parse_config("targets = []\n[committee]\ndenominator = 'all'")
    assert c.targets == ()
    assert c.target_for(D(2021, 1, 1)) is None


def test_targets_unsorted_in_the_file_come_out_sorted():
    c = parse_config(
        "[[targets]]\nby = 2025-12-31\ncommittee = 0.95\nparty_work = 1\n"
        '[[targets]]\nby = "2023-06-30"\ncommittee = 0.9\n'
        "[[targets]]\nby = 2024-12-31\nservice_professional = 0.5\n"
    )
    assert [t.by for t in c.targets] == [D(2023, 6, 30), D(2024, 12, 31), D(2025, 12, 31)]
    assert c.targets[2].rates == {"committee": 0.95, "party_work": 1.0}
    assert isinstance(c.targets[2].rates["party_work"], float)
    assert c.target_for(D(2024, 1, 1)).rates == {"service_professional": 0.5}
    # Config sorts whatever it is given
    t1, t2 = Target(D(2030, 1, 1), {"party": 1.0}), Target(D(2029, 1, 1), {"party": 0.5})
    assert Config(targets=(t1, t2)).targets == (t2, t1)


# --- describe --------------------------------------------------------------------------------


def test_describe_defaults():
    lines = describe(Config())
    assert all(isinstance(a, str) and isinstance(b, str) and a and b for a, b in lines)
    assert ("业委会组建率分母", "纳入统计的全部小区") in lines
    assert (
        "物业服务覆盖率计入的管理方式",
        "专业物业服务、国企托管、社区托管、准物业、单位自管、居民自治",
    ) in lines
    assert ("党组织覆盖率统计对象", "业委会（物管会）和物业服务项目") in lines
    assert ("派驻党建指导员", "不计入组织覆盖（仅计入工作覆盖率）") in lines
    assert ("业委会委员中党员比例下限", "50%") in lines
    n_settings = sum(len(dataclasses.fields(getattr(Config(), s))) for s in cfg.SECTIONS)
    # source, one per setting that applies, one per target; by default min_members_for_org
    # does not apply (every committee counts, committee_scope = "all")
    assert len(lines) == 1 + n_settings - 1 + 3
    assert "业委会计入统计对象所需党员人数" not in dict(lines)
    labels = [a for a, _ in lines]
    assert len(set(labels)) == len(labels)


def test_describe_other_values_and_target_in_force():
    c = parse_config(
        '[committee]\ndenominator = "eligible"\ncount_wuguanhui = false\n'
        '[party]\npopulation = ["committee"]\ncommittee_scope = "qualifying"\n'
        "min_members_for_org = 4\ncount_work_coverage = true\n",
        "西城.toml",
    )
    lines = dict(describe(c, as_of=D(2021, 6, 30)))
    assert lines["配置文件"] == "西城.toml"
    assert lines["业委会组建率分母"] == "纳入统计且具备组建条件的小区"
    assert lines["党组织覆盖率统计对象"] == "业委会（物管会）"
    assert "4 人" in lines["计入统计对象的业委会（物管会）"]
    assert lines["业委会计入统计对象所需党员人数"] == "4 人"
    assert "作为物业服务项目统计的管理方式" not in lines  # only committees count
    assert lines["派驻党建指导员"].startswith("计入")
    in_force = [k for k in lines if "本期适用" in k]
    assert in_force == ["阶段目标（截至 2021-12-31）【本期适用】"]
    assert "70%" in lines[in_force[0]]
    assert dict(describe(parse_config("targets = []")))["阶段目标"] == "未设定"


# --- start-up cost ---------------------------------------------------------------------------


def test_module_imports_only_the_standard_library_and_schema():
    """The 口径 is read at CLI start-up: the config package may import the standard library,
    its own modules, sanlv.schema and sanlv.issues (both standard library only), no more."""
    folder = Path(cfg.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    top = a.name.split(".")[0]
                    assert top in sys.stdlib_module_names, (path.name, a.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level == 1:  # its own modules
                    continue
                if node.level == 2:  # the sanlv package
                    if node.module is None:
                        assert [a.name for a in node.names] == ["schema"], path.name
                    else:
                        assert node.module in ("schema", "issues"), (path.name, node.module)
                    continue
                top = (node.module or "").split(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", (path.name, top)
    code = "import sys, sanlv.config; assert 'pandas' not in sys.modules"
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={"PYTHONPATH": str(Path(cfg.__file__).parents[2])},
    )


# --- property: any valid combination written as TOML loads back ------------------------------

MODES = [m for m in schema.ENUMS["management_mode"] if m != "无物业管理"]
SPELLINGS = {
    name: canon for canon in MODES for name in (canon, *schema.ENUMS["management_mode"][canon])
}
RATE_KEYS = [
    "committee",
    "service",
    "service_professional",
    "party",
    "party_work",
    "party_committee",
    "party_service",
]


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, datetime.date):
        return v.isoformat()
    return "[" + ", ".join(toml_value(x) for x in v) + "]"


def maybe(strategy):
    return st.one_of(st.none(), strategy)


shares = st.one_of(st.floats(0, 1), st.sampled_from([0, 1]))


@st.composite
def mode_lists(draw):
    written = draw(st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, max_size=8))
    canon = {SPELLINGS[w] for w in written}
    return written, tuple(m for m in MODES if m in canon)


@st.composite
def populations(draw):
    written = draw(
        st.lists(st.sampled_from(["committee", "service_project"]), min_size=1, max_size=3)
    )
    return written, tuple(p for p in ("committee", "service_project") if p in written)


@st.composite
def configs(draw):
    """(TOML text, expected Config)."""
    plain = lambda s: s.map(lambda v: (v, v))  # noqa: E731  (written, expected)
    spec = {
        "committee": {
            "count_wuguanhui": plain(st.booleans()),
            "count_expired": plain(st.booleans()),
            "denominator": plain(st.sampled_from(["all", "eligible"])),
        },
        "service": {"covered_modes": mode_lists(), "professional_modes": mode_lists()},
        "party": {
            "population": populations(),
            "committee_scope": plain(st.sampled_from(["all", "qualifying"])),
            "min_members_for_org": plain(st.integers(0, PEOPLE.maximum)),
            "count_work_coverage": plain(st.booleans()),
            "service_project_modes": mode_lists(),
        },
        "rules": {
            "committee_min_members": plain(st.integers(0, 11)),
            "committee_max_members": plain(st.integers(5, 100)),
            "small_compound_households": plain(st.integers(0, HOUSEHOLDS.maximum)),
            "wuguanhui_min_members": plain(st.integers(0, PEOPLE.maximum)),
            "committee_max_term_years": plain(st.integers(0, YEARS.maximum)),
            "wuguanhui_max_term_years": plain(st.integers(0, YEARS.maximum)),
            "party_share_min": shares.map(lambda v: (v, float(v))),
            "expiry_warning_days": plain(st.integers(0, DAYS.maximum)),
            "new_committee_party_org_days": plain(st.integers(0, DAYS.maximum)),
        },
    }
    head, body, expected = [], [], {}
    for section, keys in spec.items():
        values = {k: draw(maybe(s)) for k, s in keys.items()}
        present = {k: v for k, v in values.items() if v is not None}
        if section == "rules" and {"committee_min_members", "committee_max_members"} <= set(
            present
        ):
            lo, hi = sorted(
                [present["committee_min_members"][0], present["committee_max_members"][0]]
            )
            present["committee_min_members"], present["committee_max_members"] = (lo, lo), (hi, hi)
        if present or draw(st.booleans()):
            body.append(f"[{section}]")
            body += [f"{k} = {toml_value(w)}" for k, (w, _) in present.items()]
        default = getattr(Config(), section)
        expected[section] = dataclasses.replace(default, **{k: e for k, (_, e) in present.items()})

    kind = draw(st.sampled_from(["default", "none", "some"]))
    targets = Config().targets
    if kind == "none":
        head.append("targets = []")
        targets = ()
    elif kind == "some":
        dates = draw(
            st.lists(st.dates(D(1990, 1, 1), D(2100, 12, 31)), min_size=1, max_size=5, unique=True)
        )
        targets = []
        for by in dates:
            keys = draw(st.lists(st.sampled_from(RATE_KEYS), min_size=1, unique=True))
            rates = {k: draw(shares) for k in keys}
            written_by = by if draw(st.booleans()) else by.isoformat()
            body.append("[[targets]]")
            body.append(f"by = {toml_value(written_by)}")
            body += [f"{k} = {toml_value(v)}" for k, v in rates.items()]
            targets.append(Target(by, {k: float(v) for k, v in rates.items()}))
    text = "\n".join([*head, *body]) + "\n"
    return text, Config(**expected, targets=tuple(targets))


@settings(max_examples=40, deadline=None)
@given(configs())
def test_any_valid_combination_loads_back(case):
    text, expected = case
    got = parse_config(text)
    assert got == expected
    assert [t.by for t in got.targets] == sorted(t.by for t in got.targets)
    # and the configuration survives writing it out again
    assert parse_config(to_toml(got)) == got
    assert json.loads(json.dumps(got.to_dict())) == got.to_dict()
    assert not any(
        isinstance(v, float) and math.isnan(v) for t in got.targets for v in t.rates.values()
    )
    assert len(describe(got)) >= 1 + 20 - 3  # at most three party settings do not apply


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000 + "]" * 100_000,  # arrays nested far beyond the recursion limit
        "a = " + "{b = " * 5_000 + "1" + "}" * 5_000,  # inline tables
        "[rules]\nexpiry_warning_days = " + "[" * 950 + "1" + "]" * 950,
    ],
    ids=["arrays", "inline-tables", "nested-value"],
)
def test_deeply_nested_toml_is_a_config_error(text, tmp_path):
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert "\n" not in err.value.message and "配置文件" in err.value.message
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    from typer.testing import CliRunner

    from sanlv.cli import app

    r = CliRunner().invoke(app, ["validate", str(tmp_path / "none.csv"), "--config", str(path)])
    assert r.exit_code == 2, r.output
    assert "配置文件" in r.output and "Traceback" not in r.output
