import json
import zipfile
from datetime import date

from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.compute import RATE_KEYS, compute
from sanlv.config import Config
from sanlv.content.figures import figures
from sanlv.dates import month_ends
from sanlv.normalise import load_dataset
from sanlv.trend import trend_from_dates

from .dynamic_fixtures import oct_, sept
from .synth import make_district, write_workbook

runner = CliRunner()


def test_month_ends():
    assert month_ends(date(2023, 11, 30), date(2024, 2, 29)) == [
        date(2023, 11, 30),
        date(2023, 12, 31),
        date(2024, 1, 31),
        date(2024, 2, 29),
    ]


def test_series_equals_compute_at_each_month_end(tmp_path):
    src = tmp_path / "区.xlsx"
    write_workbook(make_district(150, seed=11), src)
    ds = load_dataset([src])
    months = month_ends(date(2024, 1, 1), date(2026, 10, 1))
    result = trend_from_dates(ds, Config(), months)
    data = result.to_json()
    assert data["months"][0]["month"] == "2024-01"
    assert len(data["months"]) == 34
    for entry, day in zip(data["months"], months, strict=True):
        expected = figures(compute(ds, Config(), day))
        for k in RATE_KEYS:
            assert entry["total"][k] == expected["total"][k], (day, k)
        got = {s["street"]: s for s in entry["streets"]}
        for s in expected["streets"]:
            for k in RATE_KEYS:
                assert got[s["street"]][k] == s[k], (day, s["street"], k)


def test_notes_on_missing_service_since(tmp_path):
    ds = load_dataset([sept(tmp_path)])
    result = trend_from_dates(ds, Config(), month_ends(date(2026, 1, 1), date(2026, 10, 1)))
    assert any("2 个纳入统计的小区未填“物业服务起始日期”" in n for n in result.notes)


def test_cli_json_table_and_workbook(tmp_path):
    src = sept(tmp_path)
    out = tmp_path / "走势.xlsx"
    r = runner.invoke(
        app,
        [
            "trend",
            str(src),
            "--from",
            "2025-01",
            "--to",
            "2026-10",
            "--format",
            "json",
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert len(data["months"]) == 22 and data["notes"]
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    r = runner.invoke(app, ["trend", str(src), "--from", "2026-08", "--to", "2026-10"])
    assert r.exit_code == 0, r.output
    assert "2026-09" in r.output and "物业服务起始日期" in r.output


def test_cli_snapshots(tmp_path):
    a, b = sept(tmp_path), oct_(tmp_path)
    r = runner.invoke(
        app,
        ["trend", "--snapshot", f"2026-10={b}", "--snapshot", f"2026-09={a}", "--format", "json"],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [m["month"] for m in data["months"]] == ["2026-09", "2026-10"]
    oct_rates = figures(compute(load_dataset([b]), Config(), date(2026, 10, 31)))["total"]
    assert data["months"][1]["total"]["committee"] == oct_rates["committee"]


def test_cli_exit_2(tmp_path):
    src = sept(tmp_path)
    cases = [
        ["trend", str(src), "--from", "2026-13", "--to", "2026-10"],
        ["trend", str(src), "--from", "2026-10", "--to", "2026-01"],
        ["trend", str(src)],
        ["trend", str(src), "--from", "2000-01", "--to", "2026-10"],
        ["trend", "--snapshot", "2026-09"],
        ["trend", str(tmp_path / "无.xlsx"), "--from", "2026-01", "--to", "2026-02"],
    ]
    for args in cases:
        r = runner.invoke(app, args)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
        assert r.output.startswith("错误：")
