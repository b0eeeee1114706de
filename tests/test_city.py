"""A city and its districts (SPEC section 1 "Levels"): keying, ranks, the blank-区 rule,
collisions, and totals that are sums of the districts'."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sanlv import api
from sanlv.cli import app
from sanlv.compute import RATE_KEYS
from sanlv.content.figures import figures

from . import district as d
from .city import DRUM, EAST, SAME_STREET, write_city
from .helpers import write_xlsx

runner = CliRunner()


def _report(paths, **kw):
    return api.report(paths, as_of=d.AS_OF, checks=False, **kw).to_json()


def test_a_same_named_street_in_two_districts_stays_two_streets(tmp_path):
    files = write_city(tmp_path)
    data = _report(list(files.values()))
    streets = {(s["district"], s["street"]): s for s in data["streets"]}
    assert (EAST, SAME_STREET) in streets and (DRUM, SAME_STREET) in streets
    assert streets[(EAST, SAME_STREET)]["compounds"] == 6  # C01-C05, C07 in scope
    assert streets[(DRUM, SAME_STREET)]["compounds"] == 6
    assert [x["district"] for x in data["districts"]] == [EAST, DRUM]
    assert all(c["district"] in (EAST, DRUM) for c in data["communities"])


def test_ranks_within_the_district_and_across_the_city(tmp_path):
    files = write_city(tmp_path)
    data = _report(list(files.values()))
    # the two districts are identical: they share rank 1, and so do their twin streets
    assert [x["rank"] for x in data["districts"]] == [1, 1]
    by = {(s["district"], s["street"]): s for s in data["streets"]}
    for street in (SAME_STREET, d.S2):
        east, drum = by[(EAST, street)], by[(DRUM, street)]
        assert east["rank"] == drum["rank"] and east["rank_all"] == drum["rank_all"]
    assert sorted(s["rank"] for s in data["streets"] if s["district"] == EAST) == [1, 2]
    assert sorted(s["rank_all"] for s in data["streets"]) == [1, 1, 3, 3]


def test_city_totals_are_sums_of_the_districts(tmp_path):
    files = write_city(tmp_path)
    data = _report(list(files.values()))
    for key in RATE_KEYS:
        for part in ("numerator", "denominator"):
            assert data["total"][key][part] == sum(x[key][part] for x in data["districts"])


def test_a_district_alone_gives_the_same_rows_as_in_the_city(tmp_path):
    files = write_city(tmp_path)
    city = _report(list(files.values()))
    for name, path in files.items():
        alone = _report([path])
        (mine,) = [x for x in city["districts"] if x["district"] == name]
        assert {k: v for k, v in alone["districts"][0].items() if k != "rank"} == {
            k: v for k, v in mine.items() if k != "rank"
        }
        ours = [
            {k: v for k, v in s.items() if k != "rank_all"}
            for s in city["streets"]
            if s["district"] == name
        ]
        assert [{k: v for k, v in s.items() if k != "rank_all"} for s in alone["streets"]] == ours


def test_blank_district_follows_its_file_or_is_an_error_in_a_city(tmp_path):
    files = write_city(tmp_path)
    # 鼓楼区 wrote 区 on its first row only: every compound of the file is in 鼓楼区
    data = _report(list(files.values()))
    (drum,) = [x for x in data["districts"] if x["district"] == DRUM]
    assert drum["compounds"] == 10
    # a third file naming no district cannot be placed in a roll-up of two
    stray = write_xlsx(
        tmp_path / "无区.xlsx",
        {
            "小区": [
                d.COMPOUND_HEADER,
                ["X01", "某小区", "某街道", "某社区", "商品房", 100, "准物业"],
            ]
        },
    )
    paths = [*files.values(), stray]
    data = _report(paths)
    assert "（未填区）" in [x["district"] for x in data["districts"]]
    v = api.validate(paths, as_of=d.AS_OF)
    missing = [i for i in v.issues if i.code == "value-missing" and i.column == "区"]
    assert [(i.file, i.row) for i in missing] == [("无区.xlsx", 2)]


def test_ids_colliding_across_districts_are_errors_and_said_first(tmp_path):
    files = write_city(tmp_path)
    # the same compound id in both districts (identical records otherwise)
    write_xlsx(
        files[DRUM],
        {
            "小区": [
                ["区", *d.COMPOUND_HEADER],
                [DRUM, "D" + d.COMPOUNDS[0][0], *d.COMPOUNDS[0][1:]],
            ]
        },
    )
    v = api.validate(list(files.values()), as_of=d.AS_OF)
    dup = [i for i in v.issues if i.code == "id-duplicate"]
    assert dup and all(i.severity == "error" for i in dup)
    assert "全市汇总时编号必须唯一" in dup[0].message
    r = runner.invoke(
        __import__("sanlv.cli", fromlist=["app"]).app,
        ["report", *map(str, files.values()), "--as-of", "2026-10-31"],
    )
    assert r.exit_code == 0
    assert r.stdout.lstrip().startswith("注意")


def test_city_json_names_the_district_in_every_row(tmp_path):
    files = write_city(tmp_path)
    r = runner.invoke(
        __import__("sanlv.cli", fromlist=["app"]).app,
        ["report", *map(str, files.values()), "--as-of", "2026-10-31", "--format", "json"],
    )
    data = json.loads(r.stdout)
    for level in ("districts", "streets", "communities"):
        assert all(row["district"] for row in data[level])
    assert figures  # the figures module is the JSON's source


# --- properties ---------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NAMES = ("东城区", "西城区", "鼓楼区")


def _split_city(folder, labels: list[int]):
    """The hand-built district's compounds spread over districts by `labels` (one file; the
    committees and organisations stay with the compounds they name)."""
    header = ["区", *d.COMPOUND_HEADER]
    compounds = [[NAMES[lab], *row] for lab, row in zip(labels, d.COMPOUNDS, strict=True)]
    path = folder / "city.xlsx"
    write_xlsx(
        path,
        {
            "小区": [header, *compounds],
            "业委会": [d.COMMITTEE_HEADER, *d.COMMITTEES],
            "党组织": [d.ORG_HEADER, *d.ORGS],
        },
    )
    return path


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(labels=st.lists(st.integers(0, 2), min_size=len(d.COMPOUNDS), max_size=len(d.COMPOUNDS)))
def test_city_totals_are_sums_of_districts_for_any_split(tmp_path_factory, labels):
    folder = tmp_path_factory.mktemp("split")
    data = _report([_split_city(folder, labels)])
    for key in RATE_KEYS:
        for part in ("numerator", "denominator"):
            assert data["total"][key][part] == sum(x[key][part] for x in data["districts"])
            # under the project 口径 every unit belongs to one street
            assert data["total"][key][part] == sum(x[key][part] for x in data["streets"])
    assert sorted(x["district"] for x in data["districts"]) == sorted(
        {NAMES[lab] for lab in labels}
    )


def test_city_terminal_shows_districts_first_then_streets_by_district(tmp_path):
    files = write_city(tmp_path)
    r = runner.invoke(
        app,
        ["report", *map(str, files.values()), "--as-of", d.AS_OF.isoformat()],
        env={"COLUMNS": "100"},
    )
    assert r.exit_code == 0, r.output
    out = r.output
    districts_at = out.index("各区")
    city_total = out.index("全市合计")
    east, drum = out.index(f"{EAST}各街道"), out.index(f"{DRUM}各街道")
    assert districts_at < city_total < east < drum
    # each district's streets sit under their district's heading
    east_block, drum_block = out[east:drum], out[drum:]
    assert SAME_STREET in east_block and d.S2 in east_block
    assert SAME_STREET in drum_block.split("分类统计")[0]
    assert "全区合计" not in out  # a city's total is the city's


def test_a_city_trend_says_city_and_keeps_the_districts(tmp_path):
    """The trend of a city: 全市 for the total (sheet, chart title, terminal), 区 in the street
    rows; a district's trend still says 全区."""
    import openpyxl

    folder = tmp_path / "市"
    write_city(folder)
    out = tmp_path / "走势.xlsx"
    args = ["trend", str(folder), "--from", "2026-09", "--to", "2026-10"]
    r = runner.invoke(app, [*args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "全市三率月度走势" in r.output and "全区" not in r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == ["全市", "街道", "全市其他指标", "街道其他指标"]
    assert wb["全市"]._charts and wb["街道"]["C1"].value == "区"
    assert {wb["街道"].cell(r, 3).value for r in range(2, wb["街道"].max_row + 1)} == {EAST, DRUM}
    one = tmp_path / "区.xlsx"
    d.write_district(one)
    r = runner.invoke(app, ["trend", str(one), "--from", "2026-09", "--to", "2026-10"])
    assert r.exit_code == 0 and "全区三率月度走势" in r.output, r.output
