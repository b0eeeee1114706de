import subprocess
import sys

from typer.testing import CliRunner

from sanlv.cli import app

runner = CliRunner()


def test_help_does_not_import_heavy_modules():
    """`sanlv --help` must start fast: no pandas, openpyxl, pyarrow or the reader."""
    code = (
        "import sys; from typer.testing import CliRunner; from sanlv.cli import app; "
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
        "heavy = [m for m in ('pandas', 'openpyxl', 'pyarrow', 'fastexcel', 'numpy', "
        "'sanlv.read', 'sanlv.normalise') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and "sanlv" in r.output


def test_template_then_validate(tmp_path):
    out = tmp_path / "模板.xlsx"
    r = runner.invoke(app, ["template", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.exists()


def test_missing_file_is_exit_2_with_one_chinese_line(tmp_path):
    r = runner.invoke(app, ["validate", str(tmp_path / "无此文件.xlsx")])
    assert r.exit_code == 2
    assert "不存在" in r.output
    assert "Traceback" not in r.output


def test_bad_period_is_exit_2():
    r = runner.invoke(app, ["validate", "x.xlsx", "--period", "2026-13"])
    assert r.exit_code == 2 and "--period" in r.output


def test_config_init_and_bad_config(tmp_path):
    cfg = tmp_path / "sanlv.toml"
    r = runner.invoke(app, ["config", "init", "-o", str(cfg)])
    assert r.exit_code == 0 and cfg.exists()
    # sanlv's own default file is replaced; once a setting is changed, only with --force
    r = runner.invoke(app, ["config", "init", "-o", str(cfg)])
    assert r.exit_code == 0
    cfg.write_text(
        cfg.read_text(encoding="utf-8") + "\n[rules]\nexpiry_warning_days = 60\n", "utf-8"
    )
    r = runner.invoke(app, ["config", "init", "-o", str(cfg)])
    assert r.exit_code == 2 and "--force" in r.output
    assert "expiry_warning_days = 60" in cfg.read_text(encoding="utf-8")
    r = runner.invoke(app, ["config", "init", "-o", str(cfg), "--force"])
    assert r.exit_code == 0 and "expiry_warning_days = 60" not in cfg.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[committee]\ncount_wuguanhuii = true\n", encoding="utf-8")
    data = tmp_path / "小区.csv"
    data.write_text(
        "小区编号,小区名称,街道,社区,总户数,物业管理方式\nA,甲,街,社,1,准物业\n", encoding="utf-8"
    )
    r = runner.invoke(app, ["validate", str(data), "--config", str(bad)])
    assert r.exit_code == 2 and "count_wuguanhuii" in r.output


def test_issue_dict_has_every_field():
    from dataclasses import fields

    from sanlv.issues import Issue

    d = Issue(
        "value-enum", "error", "消息", file="a.xlsx", sheet="小区", row=3, cell="H3"
    ).to_dict()
    assert set(d) == {f.name for f in fields(Issue)} | {"title"}
    assert d["row"] == 3 and d["cell"] == "H3"


def test_issue_list_workbook_has_title_date_files_and_errors_first(tmp_path):
    import openpyxl

    from . import district as d

    src = d.write_district(tmp_path / "某街道.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["小区"]["F3"] = "很多"  # households not a number: an error, after many warnings
    wb.save(src)
    out = tmp_path / "问题.xlsx"
    r = runner.invoke(app, ["validate", str(src), "--as-of", "2026-10-31", "--output", str(out)])
    assert r.exit_code == 1, r.output
    ws = openpyxl.load_workbook(out)["问题清单"]
    assert ws["A1"].value == "台账问题清单（截至 2026-10-31）"
    note = ws["A2"].value
    assert "校验日期 2026-10-31" in note and "某街道.xlsx" in note and "错误 1 个" in note
    assert [c.value for c in ws[3]][:3] == ["问题", "问题代码", "级别"]
    levels = [row[2] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert levels[0] == "错误" and "警告" in levels
    assert levels.index("警告") > max(i for i, v in enumerate(levels) if v == "错误")
    # printed: A4 landscape, one page wide, the header row repeated
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"


JSON_ARGS = ("--period", "2026-10", "--format", "json")


def test_json_paths_import_no_terminal_or_writer_libraries():
    """`--format json` is for programs: no rich (terminal), no workbook or document writers."""
    from pathlib import Path

    sample = Path(__file__).parents[1] / "data" / "samples" / "示例区.xlsx"
    for command in ("report", "validate"):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "sanlv", command, str(sample), *JSON_ARGS],
            capture_output=True,
            text=True,
        )
        assert out.returncode in (0, 1), out.stderr[-500:]
        modules = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
        heavy = {"rich", "openpyxl", "xlsxwriter", "rvgsrust_xlsxwriter"}
        heavy |= {"matplotlib", "docx", "docxtpl"}
        assert not {m.split(".")[0] for m in modules} & heavy, command
