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
