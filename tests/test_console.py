"""What a person reads in the terminal: errors before warnings, nothing cut at 80 columns."""

from __future__ import annotations

import io

from rich.console import Console

from sanlv.render import console

from .test_checks import book, clean, committee, validate


def test_errors_come_first_and_are_never_hidden_behind_warnings(tmp_path):
    data = clean()
    # 70 committees with warnings only (no Party member), then one error in the compounds
    data["业委会"] += [
        committee(组织编号=f"X{i:02d}", 小区编号="C1", 党员人数=0, 成立日期="2026-09-01")
        for i in range(70)
    ]
    data["小区"][1]["总户数"] = "很多"  # value-type error on row 3 of 小区
    result = validate(book(tmp_path / "街道.xlsx", data))
    assert result.counts["error"] >= 1 and result.counts["warning"] > 60
    out = io.StringIO()
    console.print_validation(result, console=Console(file=out, width=100), limit=20)
    text = out.getvalue()
    first_error = text.index("错误  ")
    first_warning = text.index("警告  ")
    assert first_error < first_warning
    assert "“总户数”应为整数" in text
    assert "另有 警告" in text and "另有 错误" not in text


SAMPLE = __import__("pathlib").Path(__file__).parents[1] / "data" / "samples" / "示例区.xlsx"


def _report_text(width: int, *args: str) -> str:
    from typer.testing import CliRunner

    from sanlv.cli import app

    r = CliRunner().invoke(
        app, ["report", str(SAMPLE), "--period", "2026-10", *args], env={"COLUMNS": str(width)}
    )
    assert r.exit_code == 0, r.output
    return r.stdout


def test_report_fits_an_80_column_terminal_without_cutting_figures():
    text = _report_text(80, "--previous", str(SAMPLE))
    assert max(map(len, text.splitlines())) <= 80
    assert "…" not in text
    for street in ("官园街道", "东园街道", "全区合计"):
        assert street in text
    assert "71.7% +2.3" in text  # the total's committee rate and its change (points)
    wide = _report_text(160)
    assert "(276/385)" in wide  # with room, the fractions are shown


def test_report_json_has_the_change_when_a_previous_period_is_given():
    import json

    from typer.testing import CliRunner

    from sanlv.cli import app

    r = CliRunner().invoke(
        app,
        [
            "report",
            str(SAMPLE),
            "--period",
            "2026-10",
            "--previous",
            str(SAMPLE),
            "--format",
            "json",
        ],
    )
    data = json.loads(r.stdout)
    # the previous period is the same file counted on 2026-09-30
    from sanlv import api

    before = api.report([SAMPLE], as_of="2026-09-30", checks=False).to_json()
    for key in ("committee", "party"):
        now, then = data["total"][key], before["total"][key]
        expected = round(
            now["numerator"] / now["denominator"] - then["numerator"] / then["denominator"], 4
        )
        assert data["total"]["change"][key] == expected
    assert data["total"]["change"]["committee"] != 0
    assert all("change" in s for s in data["streets"])
    plain = json.loads(
        CliRunner()
        .invoke(app, ["report", str(SAMPLE), "--period", "2026-10", "--format", "json"])
        .stdout
    )
    assert "change" not in plain["total"]
