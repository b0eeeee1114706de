"""`sanlv brief` (SPEC section 8): the 通报 holds the report's figures, the template round
trip, broken fields, the chart and its absence, city mode, the workspace record, the output
guard, and the document opening in LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from sanlv import api
from sanlv.cli import app
from sanlv.compute import HEADLINE
from sanlv.content.brief import change_words, cn_date
from sanlv.content.labels import pct, points
from sanlv.render import brief_docx, chart
from sanlv.write import output_mark

from . import synth
from .city import write_city

runner = CliRunner()


def _district(tmp_path: Path, seed: int = 7, n: int = 240, streets: int = 7) -> Path:
    path = tmp_path / f"区台账{seed}.xlsx"
    synth.write_workbook(synth.make_district(n, seed=seed, n_streets=streets), path)
    return path


def _run(*args: str):
    return runner.invoke(app, list(map(str, args)))


def _texts(path: Path) -> tuple[str, list[list[list[str]]]]:
    """The document's paragraphs as one text, and its tables as rows of cell texts."""
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return text, tables


def _row(tables, *names: str) -> str:
    """The text of the one table row whose cells include every one of `names`."""
    hits = [" | ".join(r) for t in tables for r in t if all(any(n == c for c in r) for n in names)]
    assert len(hits) == 1, (names, hits)
    return hits[0]


def _assert_rates(row: str, entry: dict, with_change: bool) -> None:
    for key in HEADLINE:
        fig = entry[key]
        assert pct(fig["rate"]) in row, (key, row)
        assert f"{fig['numerator']}/{fig['denominator']}" in row, (key, row)
        if with_change:
            assert points(entry["change"][key]) in row, (key, row)
    assert str(entry["compounds"]) in row


def test_every_figure_of_the_report_is_in_the_document(tmp_path):
    now, before = _district(tmp_path), _district(tmp_path, seed=8)
    out = tmp_path / "通报.docx"
    args = [now, "--period", "2026-10", "--previous", before]
    r = _run("report", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    r = _run("brief", *args, "-o", out)
    assert r.exit_code == 0, r.output
    assert "通报已写入" in r.output
    text, tables = _texts(out)
    total = data["total"]
    _assert_rates(_row(tables, "全区合计"), total, with_change=True)
    for s in data["streets"]:
        row = _row(tables, s["street"], str(s["rank"]))
        _assert_rates(row, s, with_change=True)
    # 一、总体情况: each headline rate with its numerator, denominator and change in words
    for key in HEADLINE:
        fig = total[key]
        assert f"{pct(fig['rate'])}（" in text
        assert f" {fig['denominator']} 个" in text and f" {fig['numerator']} 个" in text
        words = change_words(total["change"][key])
        assert f"较上月{words}" in text
    assert cn_date(date(2026, 10, 31)) in text
    assert "党建引领物业管理“三率”工作情况通报（2026年10月）" in text
    # 三、问题整改情况: the to-dos of the JSON, per street
    todos = data["todos"]
    assert f"本期共有待整改问题 {len(todos)} 个" in text
    new = sum(t["status"] == "新增" for t in todos)
    assert f"较上月新增 {new} 个" in text
    assert f"本期已销号 {len(data['closed_todos'])} 个" in text
    for s in data["streets"]:
        mine = [t for t in todos if t["street"] == s["street"]]
        row = _row(tables, s["street"], str(len(mine)))
        assert str(sum(t["status"] == "新增" for t in mine)) in row
    # no field left unfilled, no template section in the output
    assert "{{" not in text and "{%" not in text and "字段说明" not in text
    assert output_mark(out).kind == "brief"


def test_red_list_bottom_three_and_met_streets_follow_the_ranks(tmp_path):
    path = _district(tmp_path, seed=3, n=300, streets=8)
    out = tmp_path / "通报.docx"
    r = _run("brief", path, "--period", "2026-10", "-o", out)
    assert r.exit_code == 0, r.output
    data = api.report([path], period="2026-10", checks=False).to_json()
    text, _ = _texts(out)
    streets = sorted(data["streets"], key=lambda s: s["rank"])
    red = "、".join(s["street"] for s in streets[:3])
    bottom = "、".join(s["street"] for s in streets[-3:])
    assert f"红榜（排名前列）：{red}。" in text
    assert f"排名后三位：{bottom}。" in text
    met = [s["street"] for s in data["streets"] if all(s["met"].values())]
    assert f"三率全部达标的街道：{'、'.join(met) or '无'}。" in text
    # without the record, the terminal says why the months-running line is left out
    assert "连续 3 个月" in r.output and "连续 3 个月及以上" not in text


def test_city_mode_lists_districts_first_then_streets_by_district(tmp_path):
    files = write_city(tmp_path)
    out = tmp_path / "通报.docx"
    r = _run("brief", *files.values(), "--period", "2026-10", "-o", out)
    assert r.exit_code == 0, r.output
    data = api.report(list(files.values()), period="2026-10", checks=False).to_json()
    text, tables = _texts(out)
    assert "全市党建引领物业管理“三率”工作情况通报" in text
    districts, streets = tables[0], tables[1]
    names = [d["district"] for d in sorted(data["districts"], key=lambda d: d["rank"])]
    assert [r[1] for r in districts[1:-1]] == names
    _assert_rates(_row([districts], "全市合计"), data["total"], with_change=False)
    listed = [r[0] for r in streets[1:]]
    assert listed == sorted(listed, key=names.index)  # grouped by district, in district order
    for s in data["streets"]:
        row = _row([streets], s["district"], s["street"])
        _assert_rates(row, s, with_change=False)
        assert str(s["rank_all"]) in row


def test_template_round_trip_keeps_the_office_edit(tmp_path):
    tpl = tmp_path / "模板.docx"
    r = _run("brief", "--template-init", tpl)
    assert r.exit_code == 0, r.output
    doc = Document(str(tpl))
    # the fields are documented in the template itself
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for name, _, _ in brief_docx.FIELDS:
        assert name in text
    for p in doc.paragraphs:
        for run in p.runs:
            if "党建引领物业管理工作通报" in run.text:
                run.text = run.text.replace("党建引领物业管理工作通报", "某区专班三率工作简报")
    doc.save(str(tpl))
    out = tmp_path / "通报.docx"
    r = _run("brief", _district(tmp_path), "--period", "2026-10", "--template", tpl, "-o", out)
    assert r.exit_code == 0, r.output
    text, _ = _texts(out)
    assert "某区专班三率工作简报" in text and "党建引领物业管理工作通报" not in text
    assert "全区合计" in "\n".join(c.text for t in Document(str(out)).tables for c in t._cells)


def _template_with(tmp_path: Path, old: str, new: str) -> Path:
    tpl = tmp_path / "模板.docx"
    assert _run("brief", "--template-init", tpl, "--force").exit_code == 0
    doc = Document(str(tpl))
    done = False
    for p in doc.paragraphs:
        for run in p.runs:
            if old in run.text and not done:
                run.text = run.text.replace(old, new)
                done = True
    assert done
    doc.save(str(tpl))
    return tpl


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("{{ 期数 }}", "{{ 文号 }}", "文号"),  # an unknown field
        ("{{ 期数 }}", "{{ 合计.组建数 }}", "组建数"),  # an unknown part of a known field
        ("{{ 期数 }}", "{{ 期数 ", "{{ 期数"),  # a broken field
        ("{{ 期数 }}", "{% if 全市 %}", "if 全市"),  # a block never closed
    ],
)
def test_an_unknown_or_broken_field_is_exit_2_naming_it(tmp_path, old, new, named):
    tpl = _template_with(tmp_path, old, new)
    out = tmp_path / "通报.docx"
    r = _run("brief", _district(tmp_path), "--period", "2026-10", "--template", tpl, "-o", out)
    assert r.exit_code == 2, r.output
    assert named in r.output and "模板" in r.output
    assert "Traceback" not in r.output and not out.exists()


def test_a_template_that_is_no_word_file_is_exit_2(tmp_path):
    bad = tmp_path / "模板.docx"
    bad.write_text("not a document", encoding="utf-8")
    r = _run(
        "brief",
        _district(tmp_path),
        "--period",
        "2026-10",
        "--template",
        bad,
        "-o",
        tmp_path / "o.docx",
    )
    assert r.exit_code == 2 and "不是 Word 文档" in r.output


def test_the_chart_is_a_picture_and_left_out_without_a_chinese_font(tmp_path, monkeypatch):
    path = _district(tmp_path)
    out = tmp_path / "通报.docx"
    if chart.find_font() is not None:
        assert _run("brief", path, "--period", "2026-10", "-o", out).exit_code == 0
        assert len(Document(str(out)).inline_shapes) == 1
    monkeypatch.setattr(chart, "find_font", lambda: None)
    r = _run("brief", path, "--period", "2026-10", "-o", out)
    assert r.exit_code == 0, r.output
    assert "未找到中文字体" in r.output
    text, _ = _texts(out)
    assert "未找到中文字体" in text and "图表从略" in text
    assert len(Document(str(out)).inline_shapes) == 0


def test_output_guard_and_required_output(tmp_path):
    path = _district(tmp_path)
    r = _run("brief", path, "--period", "2026-10")
    assert r.exit_code == 2 and "-o" in r.output
    theirs = tmp_path / "别人的.docx"
    Document().save(str(theirs))
    r = _run("brief", path, "--period", "2026-10", "-o", theirs)
    assert r.exit_code == 2 and "不是 sanlv 生成的" in r.output
    out = tmp_path / "通报.docx"
    assert _run("brief", path, "--period", "2026-10", "-o", out).exit_code == 0
    assert _run("brief", path, "--period", "2026-10", "-o", out).exit_code == 0  # its own
    r = _run("brief", path, "--period", "2026-10", "-o", tmp_path / "通报.xlsx")
    assert r.exit_code == 2 and ".docx" in r.output
    # an office's edited template is not replaced by --template-init
    tpl = tmp_path / "模板.docx"
    assert _run("brief", "--template-init", tpl).exit_code == 0
    assert output_mark(tpl).kind == "brief-template" and not output_mark(tpl).edited
    doc = Document(str(tpl))
    doc.core_properties.modified = doc.core_properties.modified.replace(year=2030)
    doc.save(str(tpl))
    r = _run("brief", "--template-init", tpl)
    assert r.exit_code == 2 and "--force" in r.output


def test_workspace_brief_names_the_streets_in_the_bottom_three_months_running(tmp_path):
    path = _district(tmp_path, seed=3, n=300, streets=8)
    ws = tmp_path / "工作区"
    api.init(ws)
    for period in ("2026-08", "2026-09", "2026-10"):
        assert api.receive([path], period=period, workspace=ws).exit_code == 0
    bottoms = []
    for period in ("2026-08", "2026-09"):
        streets = api.close(period=period, workspace=ws).to_json()["report"]["streets"]
        bottoms.append({s["street"] for s in sorted(streets, key=lambda s: s["rank"])[-3:]})
    out = tmp_path / "通报.docx"
    r = _run("brief", "--period", "2026-10", "--workspace", ws, "-o", out)
    assert r.exit_code == 0, r.output
    text, _ = _texts(out)
    data = api.report(period="2026-10", workspace=ws, checks=False).to_json()
    bottom = {s["street"] for s in sorted(data["streets"], key=lambda s: s["rank"])[-3:]}
    running = bottom & bottoms[0] & bottoms[1]
    assert running  # the same rosters each month: mostly the same streets at the bottom
    line = next(t for t in text.splitlines() if t.startswith("连续 3 个月及以上排名后三位："))
    named = line.split("：", 1)[1].rstrip("。").split("、")
    assert sorted(named) == sorted(f"{s}（连续 3 个月）" for s in running)
    for key in HEADLINE:
        assert f"较上月{change_words(data['total']['change'][key])}" in text
    assert "未使用工作区记录" not in r.output
    r = _run("brief", "--period", "2026-10", "--workspace", ws, "--previous", path, "-o", out)
    assert r.exit_code == 2


def test_help_and_report_import_neither_matplotlib_nor_docx(tmp_path):
    path = _district(tmp_path)
    code = (
        "import sys; from typer.testing import CliRunner; from sanlv.cli import app; "
        "r = CliRunner().invoke(app, sys.argv[1:]); assert r.exit_code == 0, r.output; "
        "print([m for m in ('matplotlib', 'docx', 'docxtpl', 'jinja2') if m in sys.modules])"
    )
    for args in (["--help"], ["report", str(path), "--period", "2026-10", "--format", "json"]):
        out = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip().splitlines()[-1] == "[]", args


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_the_brief_to_pdf(tmp_path):
    out = tmp_path / "通报.docx"
    assert _run("brief", _district(tmp_path), "--period", "2026-10", "-o", out).exit_code == 0
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "通报.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_the_shipped_template_is_the_scripts_and_documents_every_field(tmp_path):
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "make_brief_template", root / "scripts" / "make_brief_template.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    built = script.build()
    with brief_docx.default_template().open("rb") as fh:
        shipped = Document(fh)

    def body(doc):
        paras = [p.text for p in doc.paragraphs]
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return paras, cells

    assert body(built) == body(shipped)  # run scripts/make_brief_template.py after a change
    # every field the template uses is one the renderer fills, and each is documented
    content = api.report([_district(tmp_path)], period="2026-10", checks=False).content
    from sanlv.content.brief import build_brief

    ctx = brief_docx.context(build_brief(content))
    assert set(ctx) == brief_docx.top_names()
    tpl = brief_docx.open_template(Path(str(brief_docx.default_template())), False)
    assert tpl.get_undeclared_template_variables(brief_docx.jinja_env()) <= set(ctx)


def test_names_from_the_rosters_are_text_in_the_document(tmp_path):
    district = synth.make_district(60, seed=4, n_streets=2)
    odd = "A&B<街道>"
    first = district["compounds"][0]["street"]
    for row in district["compounds"]:
        if row["street"] == first:
            row["street"] = odd
    path = tmp_path / "区.xlsx"
    synth.write_workbook(district, path)
    out = tmp_path / "通报.docx"
    r = _run("brief", path, "--period", "2026-10", "-o", out)
    assert r.exit_code == 0, r.output
    _, tables = _texts(out)
    assert any(odd == c for t in tables for row in t for c in row)


def test_no_personal_names_in_the_document(tmp_path):
    district = synth.make_district(240, seed=7, n_streets=7)
    path = tmp_path / "区.xlsx"
    synth.write_workbook(district, path)
    names = {r["chair"] for r in district["committees"] if r.get("chair")}
    names |= {r["secretary"] for r in district["party_orgs"] if r.get("secretary")}
    assert names
    out = tmp_path / "通报.docx"
    assert _run("brief", path, "--period", "2026-10", "-o", out).exit_code == 0
    text, tables = _texts(out)
    everything = text + "\n".join(c for t in tables for row in t for c in row)
    doc = Document(str(out))
    everything += doc.core_properties.author + doc.core_properties.last_modified_by
    assert not [n for n in names if n in everything]


def test_change_since_the_end_of_last_year_from_the_record(tmp_path):
    from sanlv.content.brief import build_brief
    from sanlv.content.report import rate_change

    now = api.report([_district(tmp_path)], period="2026-10", checks=False).content
    december = api.report([_district(tmp_path, seed=9)], period="2025-12", checks=False)
    year_end = december.to_json()
    brief = build_brief(now, year_end=year_end, record_months=[])
    assert brief.year_end_label == "上年末" and brief.bottom_run is not None
    for key, sentence in zip(HEADLINE, brief.total_sentences[1:], strict=True):
        change = rate_change(now.to_json()["total"], year_end["total"], key)
        assert f"较上年末{change_words(change)}" in sentence


def test_a_chart_of_many_streets_shows_the_first_and_last_by_rank():
    """More streets than a page can show as bars (CHART_ROWS): the first and the last half
    of that by rank, and the title says so; fewer: all of them, in rank order."""
    from sanlv.content.brief import CHART_ROWS, chart_data

    def street(i: int) -> dict:
        rate = {"numerator": 1, "denominator": 2, "rate": 0.5}
        return {"street": f"街道{i:03d}", "rank": i} | {k: rate for k in HEADLINE}

    data = {"streets": [street(i) for i in range(80, 0, -1)], "total": {"target": {}}}
    many = chart_data(None, data, city=False, period="2026-10")  # type: ignore[arg-type]
    half = CHART_ROWS // 2
    assert many.names == [f"街道{i:03d}" for i in [*range(1, half + 1), *range(81 - half, 81)]]
    assert f"前 {half} 位和后 {half} 位，共 80 个街道" in many.title
    data["streets"] = data["streets"][-5:]
    few = chart_data(None, data, city=False, period="2026-10")  # type: ignore[arg-type]
    assert few.names == [f"街道{i:03d}" for i in range(1, 6)] and "共" not in few.title
