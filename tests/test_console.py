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
