"""What a Windows office meets: a console or a redirected output in code page 936 (GBK) that
has no emoji and no rare characters outside GBK, an 80-column console with a CJK font, paths
with Chinese characters and spaces, `python -m sanlv`."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from sanlv import write
from sanlv.cli import app
from sanlv.content.labels import pct
from sanlv.render import fit

from .helpers import COMPOUND_HEADER, write_xlsx
from .synth import make_district, write_workbook

SAMPLE = Path(__file__).parents[1] / "data" / "samples" / "示例区.xlsx"
RARE = "𠀀"  # a CJK Extension B character: outside GBK
EMOJI = "😀"
BOX_DRAWING = re.compile("[\u2500-\u257f]")


@pytest.fixture(scope="module")
def unusual(tmp_path_factory) -> Path:
    """A small district whose names, a street, a category and a management mode hold an emoji
    or a character outside GBK (some of them quoted in the problems found)."""
    district = make_district(40, seed=3, n_streets=3)
    for i, c in enumerate(district["compounds"][:6]):
        c["name"] += EMOJI if i % 2 else RARE
    district["compounds"][1]["category"] = "商品房" + EMOJI
    district["compounds"][2]["management_mode"] = "自管" + RARE
    district["compounds"][3]["street"] = RARE + "街道"
    path = tmp_path_factory.mktemp("unusual") / "台账.xlsx"
    write_workbook(district, path)
    return path


def sanlv(*args: object, encoding: str = "utf-8", **env: str) -> subprocess.CompletedProcess:
    """The real command in a subprocess: what the console's code page does cannot be imitated
    by CliRunner."""
    environ = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "80", **env}
    environ.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "sanlv", *map(str, args)],
        capture_output=True,
        env=environ,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["validate", "report"])
def test_gbk_console_degrades_human_text_and_keeps_json_utf8(unusual, command):
    utf8 = sanlv(command, unusual)
    utf8_json = sanlv(command, unusual, "--format", "json")
    assert utf8.returncode in (0, 1), utf8.stderr.decode()
    text = utf8.stdout.decode("utf-8")
    assert RARE in text  # the rare characters are in what a person reads
    if command == "validate":
        assert EMOJI in text
    for encoding in ("gbk", "cp936"):
        human = sanlv(command, unusual, encoding=encoding)
        err = human.stderr.decode(encoding)
        assert human.returncode == utf8.returncode, err
        assert "错误" not in err and "Traceback" not in err, err
        shown = human.stdout.decode(encoding)  # strict: every byte is valid GBK
        assert RARE not in shown and EMOJI not in shown
        unencodable = text.count(RARE) + text.count(EMOJI)
        assert shown.count("?") >= unencodable > 0  # a replacement character each
        assert ("“商品房?”" if command == "validate" else "?街道") in shown
        assert not BOX_DRAWING.search(shown)  # ASCII table rules
        data = sanlv(command, unusual, "--format", "json", encoding=encoding)
        assert data.returncode == utf8_json.returncode, data.stderr.decode(encoding)
        assert data.stdout == utf8_json.stdout  # UTF-8 bytes whatever the code page
    parsed = json.loads(utf8_json.stdout.decode("utf-8"))
    assert RARE in json.dumps(parsed, ensure_ascii=False)


def test_gbk_console_errors_are_one_line_and_python_m_works(tmp_path):
    missing = tmp_path / f"没有{EMOJI}的 文件夹" / "台账.xlsx"
    r = sanlv("validate", missing, encoding="gbk")
    err = r.stderr.decode("gbk")
    assert r.returncode == 2 and len(err.strip().splitlines()) == 1, err
    assert "没有?的 文件夹" in err
    assert sanlv("--version").stdout.decode().startswith("sanlv ")


def _rendered(render, width: int = 80, encoding: str = "utf-8") -> str:
    """What a renderer prints on a console of `width` columns writing in `encoding`."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding, errors="strict")
    render(Console(file=out, width=width, color_system=None))
    out.flush()
    return raw.getvalue().decode(encoding)


@pytest.fixture(scope="module")
def sample_report():
    from sanlv import api

    return api.report([SAMPLE], period="2026-10", previous=[SAMPLE])


def test_report_tables_use_ascii_rules_where_the_encoding_is_not_utf(sample_report):
    from sanlv.render import console

    for encoding in ("gbk", "cp936", "utf-8"):
        text = _rendered(lambda c: console.print_report(sample_report.content, c), 80, encoding)
        assert bool(BOX_DRAWING.search(text)) is (encoding == "utf-8")
        assert "71.7% +2.3" in text
        # the same layout either way: the ASCII rule is as wide as the box-drawing one
        assert max(map(cell_len, text.splitlines())) <= 80


def fits(text: str, width: int = 80) -> None:
    """Nothing wider than the console, no cut cell ("…"), no line starting with closing
    punctuation (a lone "。")."""
    for line in text.splitlines():
        assert cell_len(line) <= width, line
        assert "…" not in line or "……" in line, line
        start = line.strip()[:1]
        assert not start or start not in fit.CLOSING or start == "…", line


def test_report_at_80_columns_shows_every_figure_whole(sample_report):
    from sanlv.render import console

    text = _rendered(lambda c: console.print_report(sample_report.content, c))
    fits(text)
    data = sample_report.to_json()
    for street in data["streets"]:
        line = next(x for x in text.splitlines() if street["street"] in x)
        for key in ("committee", "service", "party"):
            assert f"{street[key]['rate'] * 100:.1f}%" in line, line
        assert "/".join(str(street["gap"][k]) for k in ("committee", "service", "party")) in line
    assert "(276/385)" not in text and "/173)" not in text  # the fractions went first, in all
    wide = _rendered(lambda c: console.print_report(sample_report.content, c), 200)
    assert "(276/385)" in wide and "(119/173)" in wide


def test_long_street_names_fold_but_figures_stay_whole(tmp_path):
    from sanlv import api
    from sanlv.render import console

    long_name = "经济技术开发区管理委员会第一街道"
    rows = [COMPOUND_HEADER]
    rows += [
        [
            f"A{i}",
            f"院{i}",
            long_name if i % 2 else "乙街道",
            "一社区",
            "商品房",
            10 + i,
            "准物业",
            None,
        ]
        for i in range(7)
    ]
    src = write_xlsx(tmp_path / "台账.xlsx", {"小区": rows})
    result = api.report([src], as_of="2026-10-31", previous=[src])
    text = _rendered(lambda c: console.print_report(result.content, c))
    fits(text)
    assert "0.0% +0.0" in text and "100.0% +0.0" in text


def test_trend_and_validate_at_80_columns():
    from sanlv import api
    from sanlv.render import console, console_dynamic

    trend = api.trend([SAMPLE], from_="2025-01", to="2026-10")
    text = _rendered(lambda c: console_dynamic.print_trend(trend, c))
    fits(text)
    months = trend.to_json()["months"]
    keys = ("committee", "service", "party", "service_professional", "party_work")
    for month in months:  # every monthly rate of the whole area, whole
        line = next(x for x in text.splitlines() if x.strip("│| ").startswith(month["month"]))
        rates = [month["total"][k] for k in keys]
        shown = [pct(r["numerator"] / r["denominator"]) for r in rates]
        assert shown == re.findall(r"\d+\.\d%", line), line
    assert "组织和工作" in text
    result = api.validate([SAMPLE], as_of="2026-10-31")
    for width in range(72, 101):  # hints end at every column somewhere
        fits(_rendered(lambda c: console.print_validation(result, console=c), width), width)


UNIT = st.tuples(
    st.sampled_from(["", "（", "“"]),
    st.sampled_from(["统计", "党组织", "覆盖率", "街", "2026-10", "90%", "abc", " "]),
    st.sampled_from(["", "。", "，", "、", "）", "”", "。”", "）。"]),
).map("".join)
TEXT = st.lists(UNIT, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=20, max_value=90), st.integers(min_value=0, max_value=6))
def test_paragraph_breaks_follow_chinese_rules(text, width, hang):
    longest = max((cell_len(m.group().strip()) for m in fit._UNIT.finditer(text)), default=0)
    assume(longest <= width - hang)  # else a unit is folded as it can
    offsets = fit.breaks(text, width, hang)
    assert offsets == sorted(set(offsets))
    pieces = [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)]
    assert "".join(pieces) == text
    for n, piece in enumerate(pieces):
        room = width if n == 0 else width - hang
        assert cell_len(piece.rstrip()) <= room, (piece, room)
        if n:
            assert piece[:1] not in fit.CLOSING, pieces  # no lone "。" or "）"
            assert pieces[n - 1].rstrip()[-1:] not in fit.OPENING, pieces
            # a number is never split
            assert not (pieces[n - 1][-1:].isdigit() and piece[:1].isdigit()), pieces


def test_a_lone_full_stop_never_wraps():
    line = "委员中有 6 名党员（≥3），但没有建立党组织；成立已 1514 天，超过 90 天的期限，党组织建设滞。"
    for width in range(20, 100):
        text = _rendered(lambda c, w=width: fit.paragraph(c, line, hang=4), width)
        fits(text, width)
        assert "".join(x.strip() for x in text.splitlines()).replace(" ", "") == line.replace(
            " ", ""
        )


def test_chinese_paths_with_spaces_and_long_paths(tmp_path, monkeypatch):
    runner = CliRunner()
    long = "很长的 文件夹名称" * 6
    folder = tmp_path / "测试 目录" / long / long / long / long / "十月 报送"
    folder.mkdir(parents=True)
    src = write_xlsx(
        folder / "甲 街道 台账.xlsx",
        {
            "小区": [
                COMPOUND_HEADER,
                ["A1", "甲院", "甲街道", "一社区", "商品房", 10, "准物业", None],
            ]
        },
    )
    assert len(str(src)) > 260  # longer than Windows' classic MAX_PATH
    out = folder / "三率 报告.xlsx"
    r = runner.invoke(app, ["report", str(src), "--period", "2026-10", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.exists() and str(out) in r.output.replace("\n", "")
    issues = folder / "问题 清单.csv"
    r = runner.invoke(app, ["validate", str(src), "--output", str(issues)])
    assert r.exit_code in (0, 1) and issues.exists(), r.output

    def locked(src_, dst):  # Windows: the target is open in Excel
        raise PermissionError(errno.EACCES, "Permission denied", str(src_), str(dst))

    monkeypatch.setattr(write.os, "replace", locked)
    r = runner.invoke(app, ["report", str(src), "--period", "2026-10", "-o", str(out), "--force"])
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert r.exit_code == 2 and len(lines) == 1, r.output
    assert str(out) in lines[0] and "关闭" in lines[0] and ".sanlv-" not in lines[0]


def test_a_city_report_at_80_columns(tmp_path):
    from sanlv import api
    from sanlv.render import console

    from . import district as d
    from .city import write_city

    files = list(write_city(tmp_path).values())
    result = api.report(files, as_of=d.AS_OF, previous=files)
    text = _rendered(lambda c: console.print_report(result.content, c))
    fits(text)
    data = result.to_json()
    for row in data["districts"]:
        line = next(x for x in text.splitlines() if x.split()[1:2] == [row["district"]])
        for key in ("committee", "service", "party"):
            assert pct(row[key]["rate"]) in line, line


def test_diff_at_80_columns_keeps_every_change_whole():
    from sanlv import api
    from sanlv.render import console_dynamic

    street = SAMPLE.parent / "巷口街道台账.xlsx"
    result = api.diff([street], [SAMPLE], as_of="2026-10-31")
    text = _rendered(lambda c: console_dynamic.print_diff(result, c))
    fits(text)
    total = next(x for x in text.splitlines() if x.split()[:1] == ["合计"])
    assert len(re.findall(r"(?:\d+\.\d%|—)→\d+\.\d%", total)) == 3, total
    assert len(re.findall(r"[+-]\d+\.\d", total)) == 3, total
