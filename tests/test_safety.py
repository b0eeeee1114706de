"""Files and safety (SPEC section 3): inputs are never overwritten, files sanlv did not write
are replaced only with --force, interrupted and failed writes leave nothing behind, and
every failure is one Chinese line with exit 2 (or 128 + signal), never exit 3."""

from __future__ import annotations

import csv
import errno
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sanlv import write
from sanlv.cli import app
from sanlv.issues import ISSUE_COLUMNS
from sanlv.read import expand
from sanlv.write import output_mark

from .helpers import COMPOUND_HEADER, write_xlsx
from .synth import make_district, write_workbook

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "示例区.xlsx"
PERIOD = ["--period", "2026-10"]
POSIX = os.name == "posix"


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def roster(path: Path, street: str = "甲街道", extra: str = "") -> Path:
    """A one-compound roster written by openpyxl (a clerk's file, not sanlv's)."""
    row = ["A1", "甲" + extra, street, "一社区", "商品房", 10, "准物业", None]
    return write_xlsx(path, {"小区": [COMPOUND_HEADER, row]})


def excel_saved(path: Path) -> None:
    """What Excel, WPS or LibreOffice do to docProps/core.xml when a person saves the file:
    the modified time becomes the time of saving (the created time stays)."""
    tmp = path.with_name(path.name + ".resave")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2031-01-01T08:00:00Z\g<2>",
                    data,
                )
            zout.writestr(item, data)
    os.replace(tmp, path)


def one_line(output: str) -> bool:
    lines = [line for line in output.splitlines() if line.strip()]
    return (
        bool(lines)
        and "Traceback" not in output
        and all(not line.startswith(" ") for line in lines)
    )


# --- 1. an input is never an output -----------------------------------------------------------


def test_output_in_an_input_folder_is_refused(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "in.xlsx")
    before = (folder / "in.xlsx").read_bytes()
    for args in (
        ["report", folder, "-o", folder / "in.xlsx"],
        ["report", folder, "-o", folder / "in.xlsx", "--force"],  # --force never overwrites inputs
        ["ledger", folder, "-o", folder / "in.xlsx"],
        ["diff", SAMPLE, "--against", folder, "-o", folder / "in.xlsx"],
        ["trend", folder, "--from", "2026-01", "--to", "2026-10", "-o", folder / "in.xlsx"],
        ["trend", "--snapshot", f"2026-09={folder / 'in.xlsx'}", "-o", folder / "in.xlsx"],
        ["validate", folder, "--output", folder / "in.xlsx"],
        ["validate", folder, "--annotate", folder / "in.xlsx"],
    ):
        r = run(*args, *PERIOD) if args[0] not in ("trend",) else run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "与输入文件相同" in r.output and one_line(r.output), r.output
    assert (folder / "in.xlsx").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["in.xlsx"]


def test_every_kind_of_input_is_protected(tmp_path):
    data = roster(tmp_path / "data.xlsx")
    regions = tmp_path / "r.csv"
    regions.write_text("街道,社区\n甲街道,一社区\n", encoding="utf-8")
    cfg = tmp_path / "cfg.xlsx"  # a config with an unusual name, still an input
    assert run("config", "init", "-o", tmp_path / "sanlv.toml").exit_code == 0
    shutil.copy(tmp_path / "sanlv.toml", cfg)
    prev = roster(tmp_path / "prev.xlsx")
    cases = [
        ["validate", data, "--regions", regions, "--output", regions],
        ["validate", data, "--config", cfg, "--output", cfg],
        ["report", data, "--previous", prev, "-o", prev],
        ["report", data, "--config", cfg, "-o", cfg],
        ["ledger", data, "--config", cfg, "-o", cfg],
        ["diff", prev, "--against", data, "-o", data],
    ]
    before = {p: p.read_bytes() for p in (data, regions, cfg, prev)}
    for args in cases:
        r = run(*args)
        assert r.exit_code == 2 and "与输入文件相同" in r.output, (args, r.output)
    assert {p: p.read_bytes() for p in before} == before


@pytest.mark.skipif(not POSIX, reason="symlinks and hard links")
@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_a_link_to_an_input_is_the_input(tmp_path, link):
    data = roster(tmp_path / "data.xlsx")
    alias = tmp_path / "alias.xlsx"
    if link == "symlink":
        alias.symlink_to(data)
    else:
        os.link(data, alias)
    before = data.read_bytes()
    for args in (
        ["report", data, "-o", alias, "--force"],
        ["validate", data, "--annotate", alias, "--force"],
        ["ledger", tmp_path / "data.xlsx", "-o", alias],
    ):
        r = run(*args)
        assert r.exit_code == 2 and "与输入文件相同" in r.output, (args, r.output)
    assert data.read_bytes() == before


def test_annotated_copies_of_several_inputs_never_replace_an_input(tmp_path):
    a = roster(tmp_path / "a.xlsx")
    b = roster(tmp_path / "b.xlsx", extra="乙")
    victim = roster(tmp_path / "out-b.xlsx", extra="丙")  # the copy of b.xlsx would be here
    before = victim.read_bytes()
    r = run("validate", a, b, victim, "--annotate", tmp_path / "out.xlsx", "--force")
    assert r.exit_code == 2 and "与输入文件相同" in r.output, r.output
    assert victim.read_bytes() == before
    assert not (tmp_path / "out.xlsx").exists()
    r = run("validate", a, b, "--annotate", tmp_path / "x.xlsx", "--output", tmp_path / "x-b.xlsx")
    assert r.exit_code == 2 and "相同" in r.output


# --- 2. a file sanlv did not write is replaced only with --force -----------------------------


def test_template_does_not_replace_a_filled_roster(tmp_path):
    target = tmp_path / "填写.xlsx"
    r = run("template", "-o", target)
    assert r.exit_code == 0
    r = run("template", "-o", target)  # its own, untouched: replaced
    assert r.exit_code == 0, r.output
    # the clerk fills it in and saves it in Excel: the sanlv mark stays, the file is theirs
    wb = openpyxl.load_workbook(target)
    wb["小区"].append(["A1", "甲", "甲街道", "一社区", "商品房", 10, "准物业"])
    wb.save(target)
    excel_saved(target)
    assert output_mark(target) == write.Mark("template", edited=True)
    before = target.read_bytes()
    r = run("template", "-o", target)
    assert r.exit_code == 2 and one_line(r.output)
    assert "不是 sanlv 生成的" in r.output and "--force" in r.output
    assert target.read_bytes() == before
    r = run("template", "-o", target, "--force")
    assert r.exit_code == 0 and target.read_bytes() != before


def test_every_writing_command_refuses_a_foreign_file_and_has_force(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    shutil.copy(SAMPLE, data / "示例区.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    commands = {
        "template.xlsx": ["template"],
        "report.xlsx": ["report", data, *PERIOD],
        "ledger.xlsx": ["ledger", data, *PERIOD],
        "diff.xlsx": ["diff", data, "--against", data, *PERIOD],
        "trend.xlsx": ["trend", data, "--from", "2026-08", "--to", "2026-10"],
        "issues.xlsx": ["validate", data, *PERIOD, "--output"],
        "issues.csv": ["validate", data, *PERIOD, "--output"],
        "annotated.xlsx": ["validate", data, *PERIOD, "--annotate"],
        "sanlv.toml": ["config", "init"],
    }
    for name, args in commands.items():
        target = out / name
        flag = [] if args[-1] in ("--output", "--annotate") else ["-o"]
        target.write_bytes(b"somebody's notes")
        r = run(*args, *flag, target)
        assert r.exit_code == 2, (name, r.output)
        assert "不是 sanlv 生成的" in r.output and one_line(r.output.splitlines()[-1])
        assert target.read_bytes() == b"somebody's notes"
        r = run(*args, *flag, target, "--force")
        assert r.exit_code in (0, 1), (name, r.output)
        assert target.read_bytes() != b"somebody's notes"
        r = run(*args, *flag, target)  # now it is sanlv's: replaced without --force
        assert r.exit_code in (0, 1), (name, r.output)
    assert sorted(p.name for p in out.iterdir()) == sorted(commands)


def test_output_marks(tmp_path):
    data = roster(tmp_path / "data.xlsx")
    assert output_mark(data) is None  # a clerk's workbook (openpyxl)
    assert output_mark(SAMPLE) is None
    run("template", "-o", tmp_path / "t.xlsx")
    run("report", data, "-o", tmp_path / "r.xlsx")
    run("ledger", data, "-o", tmp_path / "l.xlsx")
    run("validate", data, "--output", tmp_path / "i.csv", "--annotate", tmp_path / "a.xlsx")
    run("validate", data, "--output", tmp_path / "i.xlsx")
    kinds = {
        name: output_mark(tmp_path / name)
        for name in ("t.xlsx", "r.xlsx", "l.xlsx", "i.csv", "a.xlsx", "i.xlsx")
    }
    assert {k: (m.kind, m.edited) if m else None for k, m in kinds.items()} == {
        "t.xlsx": ("template", False),
        "r.xlsx": ("report", False),
        "l.xlsx": ("ledger", False),
        "i.csv": ("issues", False),
        "a.xlsx": ("annotated", False),  # openpyxl's copy carries the mark too
        "i.xlsx": ("issues", False),
    }
    excel_saved(tmp_path / "a.xlsx")
    assert output_mark(tmp_path / "a.xlsx") == write.Mark("annotated", edited=True)
    excel_saved(tmp_path / "r.xlsx")  # written by the fast writer where it is installed
    assert output_mark(tmp_path / "r.xlsx") == write.Mark("report", edited=True)
    # a CSV whose first line is not exactly the issue list's header is not sanlv's
    other = tmp_path / "other.csv"
    other.write_text(",".join(label for _, label in ISSUE_COLUMNS) + ",备注\n", "utf-8-sig")
    assert output_mark(other) is None


def test_marks_of_hostile_or_broken_files_are_none(tmp_path):
    real = tmp_path / "r.xlsx"
    run("template", "-o", real)
    with zipfile.ZipFile(real) as z:
        custom = z.read("docProps/custom.xml")
        core = z.read("docProps/core.xml")
    assert b"<cp:keywords>sanlv template " in core  # the mark is in both parts
    unmarked = core.replace(b"<cp:keywords>sanlv ", b"<cp:keywords>")
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "sanlv">]>'
    cases = {  # the mark in one part made hostile, none in the other
        "entity.xlsx": {
            "docProps/custom.xml": entity
            + custom.split(b"?>", 1)[1].replace(b">template ", b">&e; "),
            "docProps/core.xml": unmarked,
        },
        "huge.xlsx": {
            "docProps/custom.xml": custom.replace(
                b"</Properties>", b" " * (2 << 20) + b"</Properties>"
            ),
            "docProps/core.xml": unmarked,
        },
        "garbage.xlsx": {"docProps/custom.xml": b"\xff\xfe not xml", "docProps/core.xml": unmarked},
        "core_entity.xlsx": {
            "docProps/custom.xml": b"",
            "docProps/core.xml": entity + core.split(b"?>", 1)[1].replace(b">sanlv ", b">&e; "),
        },
        "core_huge.xlsx": {
            "docProps/custom.xml": b"",
            "docProps/core.xml": core.replace(
                b"</cp:coreProperties>", b" " * (2 << 20) + b"</cp:coreProperties>"
            ),
        },
        "core_garbage.xlsx": {"docProps/custom.xml": b"", "docProps/core.xml": b"\xff not xml"},
    }
    for name, parts in cases.items():
        path = tmp_path / name
        with zipfile.ZipFile(real) as zin, zipfile.ZipFile(path, "w") as zout:
            for item in zin.infolist():
                zout.writestr(item, parts.get(item.filename, zin.read(item.filename)))
        assert output_mark(path) is None, name
    (tmp_path / "notzip.xlsx").write_bytes(b"PK\x03\x04 broken")
    assert output_mark(tmp_path / "notzip.xlsx") is None
    assert output_mark(tmp_path / "missing.xlsx") is None


# --- 3. input folders: what is skipped ----------------------------------------------------------


def test_folder_skips_hidden_lock_scratch_and_sanlv_outputs(tmp_path):
    f = tmp_path / "f"
    f.mkdir()
    data = roster(f / "台账.xlsx")
    shutil.copy(data, f / ".隐藏.xlsx")
    shutil.copy(data, f / "~$台账.xlsx")
    scratch = f / ".sanlv-abc123.tmp"
    scratch.mkdir()
    shutil.copy(data, scratch / "output.xlsx")
    old_style = f / ".报告.k2j3h4.tmp.xlsx"  # what earlier versions left when killed
    old_style.write_bytes(b"PK\x03\x04 partial")
    for args in (
        ["report", f, "-o", f / "报告.xlsx"],
        ["ledger", f, "-o", f / "标准化台账.xlsx"],
        ["validate", f, "--output", f / "问题清单.csv", "--annotate", f / "标注.xlsx"],
        ["validate", f, "--output", f / "问题清单.xlsx"],
        ["diff", f, "--against", f, "-o", f / "变动.xlsx"],
        ["trend", f, "--from", "2026-01", "--to", "2026-02", "-o", f / "走势.xlsx"],
    ):
        r = run(*args)
        assert r.exit_code in (0, 1), (args, r.output)
    files, issues = expand([f])
    # the ledger is valid input; reports, lists, the untouched annotated copy are not
    assert [p.name for p in files] == ["台账.xlsx", "标准化台账.xlsx"]
    skipped = {i.file: i for i in issues}
    assert set(skipped) == {
        ".隐藏.xlsx",
        "~$台账.xlsx",
        ".sanlv-abc123.tmp",
        ".报告.k2j3h4.tmp.xlsx",
        "报告.xlsx",
        "问题清单.csv",
        "问题清单.xlsx",
        "标注.xlsx",
        "标注-标准化台账.xlsx",  # the ledger was read too: its annotated copy
        "变动.xlsx",
        "走势.xlsx",
    }
    assert {i.code for i in issues} == {"file-ignored"} and {i.severity for i in issues} == {"info"}
    assert "不是台账" in skipped["报告.xlsx"].message
    r = run("validate", f, "--format", "json")
    assert r.exit_code in (0, 1)
    data_json = json.loads(r.stdout)
    assert [x["name"] for x in data_json["files"]] == ["台账.xlsx", "标准化台账.xlsx"]
    assert sum(i["code"] == "file-ignored" for i in data_json["issues"]) == len(skipped)
    # an annotated copy that a clerk corrected and saved is read like any roster
    excel_saved(f / "标注.xlsx")
    assert "标注.xlsx" in [p.name for p in expand([f])[0]]


def test_stale_scratch_is_swept_fresh_scratch_kept(tmp_path):
    f = tmp_path / "f"
    f.mkdir()
    roster(f / "台账.xlsx")
    stale, fresh = f / ".sanlv-old.tmp", f / ".sanlv-new.tmp"
    for d in (stale, fresh):
        d.mkdir()
        (d / "output.xlsx").write_bytes(b"partial")
    day_ago = time.time() - write.STALE_SECONDS - 60
    os.utime(stale, (day_ago, day_ago))
    r = run("report", f, "--format", "json")  # reading the folder removes stale scratch too
    assert r.exit_code == 0, r.output
    assert not stale.exists() and fresh.exists()
    os.utime(fresh, (day_ago, day_ago))
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".sanlv-x.tmp"
    leftover.mkdir()
    os.utime(leftover, (day_ago, day_ago))
    mine = out / ".sanlv-user.txt"  # not a scratch name: never touched
    mine.write_text("keep")
    os.utime(mine, (day_ago, day_ago))
    assert run("report", f, "-o", out / "r.xlsx").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [".sanlv-user.txt", "r.xlsx"]


def test_atomic_output_leaves_nothing_on_failure(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "system-tmp"))
    (tmp_path / "system-tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    target = tmp_path / "out" / "x.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"earlier")
    for exc in (KeyboardInterrupt(), RuntimeError("crash"), OSError(errno.ENOSPC, "full")):
        with pytest.raises(type(exc)), write.atomic_output(target) as tmp:
            Path(tmp).write_bytes(b"partial")
            assert Path(tmp).parent.name.startswith(".sanlv-")
            raise exc
        assert target.read_bytes() == b"earlier"
        assert [p.name for p in target.parent.iterdir()] == ["x.xlsx"]
    assert list((tmp_path / "system-tmp").iterdir()) == []


def test_xlsxwriter_and_openpyxl_temporary_files_stay_in_the_scratch(tmp_path, monkeypatch):
    """Both libraries' own temporary files go to the scratch folder beside the target."""
    import tempfile

    data = roster(tmp_path / "data.xlsx")  # (written with openpyxl, before the spies)
    seen: list[str] = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        seen.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)  # xlsxwriter's
    from openpyxl.worksheet import _writer

    real_create = _writer.create_temporary_file

    def spy_openpyxl(*args, **kwargs):
        name = real_create(*args, **kwargs)
        seen.append(name)
        return name

    monkeypatch.setattr(_writer, "create_temporary_file", spy_openpyxl)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("SANLV_XLSX_WRITER", "xlsxwriter")  # the fast writer makes none
    assert run("ledger", data, "-o", out / "l.xlsx").exit_code == 0  # xlsxwriter
    assert run("report", data, "-o", out / "r.xlsx").exit_code == 0
    assert run("validate", data, "--annotate", out / "a.xlsx").exit_code in (0, 1)  # openpyxl
    assert len(seen) > 10 and any(p.endswith(".openpyxl") or "openpyxl." in p for p in seen)
    assert all(Path(p).parent.parent == out and ".sanlv-" in p for p in seen), seen
    assert sorted(p.name for p in out.iterdir()) == ["a.xlsx", "l.xlsx", "r.xlsx"]


# --- interrupted runs: real signals --------------------------------------------------------------


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("district") / "区.xlsx"
    write_workbook(make_district(1500, seed=11), path)
    return path


def start(args: list, tmpdir: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmpdir), "TEMP": str(tmpdir), "TMP": str(tmpdir)}
    return subprocess.Popen(
        [sys.executable, "-m", "sanlv", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def wait_for_scratch(folder: Path, proc: subprocess.Popen, timeout: float = 60) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if any(write.is_scratch(n) for n in os.listdir(folder)):
            return True
        time.sleep(0.001)
    return False


def is_complete_xlsx(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return z.testzip() is None and "xl/workbook.xml" in z.namelist()


COMMANDS = {
    "report": lambda src, out: ["report", src, "-o", out, *PERIOD],
    "ledger": lambda src, out: ["ledger", src, "-o", out, *PERIOD],
    "annotate": lambda src, out: ["validate", src, "--annotate", out, *PERIOD],
}


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
@pytest.mark.parametrize(
    "sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name
)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_killed_run_leaves_no_debris(district, tmp_path, sig, command):
    """Kill the writing process at random points (during the write, or anywhere); then the
    target folder holds the input and at most a complete output, the private system temp
    folder nothing; only SIGKILL may leave one hidden scratch folder, which later runs
    ignore and remove when it is a day old."""
    rng = random.Random(f"{command}-{sig}")
    for attempt in range(3):
        folder = tmp_path / f"run{attempt}"  # the output goes into the input folder
        folder.mkdir()
        shutil.copy(district, folder / "区.xlsx")
        sys_tmp = tmp_path / f"tmp{attempt}"
        sys_tmp.mkdir()
        target = folder / "输出.xlsx"
        proc = start(COMMANDS[command](folder, target), sys_tmp)
        if attempt < 2:
            assert wait_for_scratch(folder, proc), proc.communicate()[1].decode()
            time.sleep(rng.uniform(0, 0.15))  # somewhere inside the write
        else:
            time.sleep(rng.uniform(0.05, 1.5))  # anywhere in the run
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        stderr = err.decode("utf-8", "replace")
        left = sorted(p.name for p in folder.iterdir())
        assert list(sys_tmp.iterdir()) == [], (command, sig, attempt)
        if "输出.xlsx" in left:
            assert is_complete_xlsx(target)
        if proc.returncode == 0:  # finished before the signal
            continue
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
            scratch = [n for n in left if write.is_scratch(n)]
            assert len(scratch) <= 1 and set(left) - set(scratch) <= {"区.xlsx", "输出.xlsx"}
            # a later run reads the folder as if nothing were there, and keeps the fresh
            # scratch (it could be another run's); a day later it is removed
            r = run("report", folder, "--format", "json", *PERIOD)
            assert r.exit_code == 0, r.output
            day_ago = time.time() - write.STALE_SECONDS - 1
            for n in scratch:
                os.utime(folder / n, (day_ago, day_ago))
            # (a new name: a ledger killed after its file was moved into place is an input of
            # this folder now, and an output path that is an input is refused)
            r = run("report", folder, "-o", folder / "报告.xlsx", *PERIOD)
            assert r.exit_code == 0, r.output
            kept = ["输出.xlsx"] if "输出.xlsx" in left else []
            assert sorted(p.name for p in folder.iterdir()) == sorted(
                ["区.xlsx", "报告.xlsx", *kept]
            )
        else:
            assert proc.returncode == 128 + sig, (proc.returncode, stderr)
            assert left in (["区.xlsx"], ["区.xlsx", "输出.xlsx"]), left
            assert "已" in stderr and "未写出任何不完整的文件" in stderr, stderr
            assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_signal_while_starting_is_one_chinese_line(tmp_path, sig):
    """Ctrl-C in the first fraction of a second (while the CLI and pandas are imported) is
    one Chinese line and exit 130/143, never a traceback. The child says when Python itself
    has started (the interpreter's own start-up is not sanlv's to handle)."""
    rng = random.Random(int(sig))
    boot = (
        "import os, runpy, sys; os.write(2, b'@'); sys.argv = ['sanlv', *sys.argv[1:]]; "
        "runpy.run_module('sanlv', run_name='__main__', alter_sys=True)"
    )
    for _ in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-c", boot, "report", SAMPLE, "-o", tmp_path / "r.xlsx", *PERIOD],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None and proc.stderr.read(1) == b"@"
        time.sleep(rng.uniform(0.02, 0.4))
        proc.send_signal(sig)
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.wait(timeout=60)
        if proc.returncode == 0:
            continue
        assert proc.returncode == 128 + sig, (proc.returncode, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert err.startswith("错误："), err
        assert [p.name for p in tmp_path.iterdir()] in ([], ["r.xlsx"])


# --- 4. disk full, unwritable targets, hostile text --------------------------------------------


FULL_DISK = """
import errno, sys, zipfile
import xlsxwriter.workbook

class FullDisk(zipfile.ZipFile):
    # a disk that fills up while the workbook is packed: every write fails, and so does the
    # closing write that the zip file's finaliser tries later
    def write(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    def close(self):
        super().close()
        raise OSError(errno.ENOSPC, "No space left on device")

xlsxwriter.workbook.ZipFile = FullDisk
sys.argv = ["sanlv", *sys.argv[1:]]
from sanlv.entry import main
main()
"""


def test_disk_full_is_exit_2_without_traceback(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for args in (
        ["template", "-o", out / "模板.xlsx"],
        ["report", SAMPLE, "-o", out / "报告.xlsx", *PERIOD],
        ["ledger", SAMPLE, "-o", out / "台账.xlsx", *PERIOD],
    ):
        proc = subprocess.run(
            [sys.executable, "-c", FULL_DISK, *map(str, args)],
            capture_output=True,
            # xlsxwriter's zip file is the one made to fail (the fast writer's full disk:
            # test_writer_backends.py and test_really_full_disk)
            env={**os.environ, "TMPDIR": str(tmp_path), "SANLV_XLSX_WRITER": "xlsxwriter"},
        )
        err = proc.stderr.decode()
        assert proc.returncode == 2, err
        assert "磁盘空间不足" in err and str(args[2]) in err, err
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert len(err.strip().splitlines()) == 1, err
        assert list(out.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_disk_full_in_the_library_closes_the_zip_quietly(tmp_path, monkeypatch):
    """For library callers too: an OSError about the target, and the zip file xlsxwriter left
    open is closed inside the scratch folder, its failing finaliser silent."""
    import gc

    import xlsxwriter.workbook

    from sanlv import api

    namespace: dict = {}
    exec(FULL_DISK.split("xlsxwriter.workbook.ZipFile = FullDisk")[0], namespace)
    monkeypatch.setattr(xlsxwriter.workbook, "ZipFile", namespace["FullDisk"])
    unraisable: list = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    target = tmp_path / "模板.xlsx"
    with pytest.raises(OSError) as err:
        api.template(target)
    assert err.value.errno == errno.ENOSPC and err.value.filename == str(target)
    del err
    gc.collect()
    assert unraisable == []
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB tmpfs (Linux, root); skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a tiny tmpfs needs Linux and root")
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_really_full_disk(tiny_disk, tmp_path):
    (tiny_disk / "filler").write_bytes(b"x" * 40_000)  # leave less than any output needs
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE, data / "示例区.xlsx")
    for args in (
        ["template", "-o", tiny_disk / "模板.xlsx"],
        ["report", data, "-o", tiny_disk / "报告.xlsx", *PERIOD],
        ["ledger", data, "-o", tiny_disk / "台账.xlsx", *PERIOD],
        ["validate", data, "--output", tiny_disk / "问题.csv", *PERIOD],
        ["validate", data, "--annotate", tiny_disk / "标注.xlsx", *PERIOD],
        ["config", "init", "-o", tiny_disk / "sanlv.toml"],
    ):
        if args[0] == "config":
            (tiny_disk / "more").write_bytes(b"x" * 20_000)
        proc = subprocess.run(
            [sys.executable, "-m", "sanlv", *map(str, args)],
            capture_output=True,
            env={**os.environ, "TMPDIR": str(tmp_path / "data")},
        )
        err = proc.stderr.decode()
        assert proc.returncode == 2, (args, err)
        assert "磁盘空间不足" in err and str(tiny_disk) in err, err
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert ".sanlv-" not in err
        assert sorted(p.name for p in tiny_disk.iterdir()) <= ["filler", "more"]
    assert sorted(p.name for p in data.iterdir()) == ["示例区.xlsx"]


def test_unwritable_target_names_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    data = roster(tmp_path / "data.xlsx")
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    r = run("report", data, "-o", not_a_folder / "r.xlsx")
    assert r.exit_code == 2 and str(not_a_folder / "r.xlsx") in r.output and one_line(r.output)
    r = run("report", data, "-o", tmp_path / "nowhere" / "r.xlsx")
    assert r.exit_code == 2 and "r.xlsx" in r.output and one_line(r.output)
    (tmp_path / "dir.xlsx").mkdir()
    r = run("report", data, "-o", tmp_path / "dir.xlsx", "--force")
    assert r.exit_code == 2 and "文件夹" in r.output and one_line(r.output)

    def locked(src, dst):  # Windows: the target is open in Excel
        raise PermissionError(errno.EACCES, "Permission denied", str(src), str(dst))

    monkeypatch.setattr(write.os, "replace", locked)
    target = tmp_path / "报告.xlsx"
    for args in (["report", data, "-o", target], ["validate", data, "--output", target]):
        r = run(*args)
        assert r.exit_code == 2, r.output
        assert str(target) in r.output and ".sanlv-" not in r.output and ".tmp" not in r.output
        assert "关闭" in r.output and one_line(r.output)
    monkeypatch.undo()

    def no_permission(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".sanlv-1.tmp"))

    monkeypatch.setattr(write.tempfile, "mkdtemp", no_permission)
    r = run("template", "-o", target)
    assert r.exit_code == 2 and str(target) in r.output and ".sanlv-" not in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.xlsx", "dir.xlsx", "file.txt"]


def test_annotate_a_cell_with_control_characters(tmp_path):
    rows = [
        COMPOUND_HEADER,
        ["A1", "甲\x0b院", "甲街道\x01", "一社区", "商品房", "10\x0c", "物业\x1f", None],
    ]
    src = tmp_path / "小区.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "标注.xlsx"
    r = run("validate", src, "--annotate", out, "--output", tmp_path / "问题.xlsx")
    assert r.exit_code == 1, r.output
    wb = openpyxl.load_workbook(out)
    assert wb["小区"]["B2"].value == "甲院"
    assert output_mark(out) == write.Mark("annotated")


def test_ledger_street_names_that_are_bad_sheet_names(tmp_path):
    streets = ["甲街道'", "'乙街道", "丙[街]道", "丁街道" + "长" * 40 + "'", "戊\x0b街道"]
    rows = [COMPOUND_HEADER]
    rows += [
        [f"A{i}", f"院{i}", s, "一社区", "商品房", 10, "无物业管理", None]
        for i, s in enumerate(streets)
    ]
    src = write_xlsx(
        tmp_path / "data.xlsx",
        {"小区": [[str(v).replace("\x0b", "") if v else v for v in r] for r in rows]},
    )
    src_csv = tmp_path / "小区.csv"
    with src_csv.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    for data in (src, src_csv):
        out = tmp_path / f"{data.suffix[1:]}-ledger.xlsx"
        r = run("ledger", data, "-o", out, *PERIOD)
        assert r.exit_code == 0, r.output
        names = openpyxl.load_workbook(out, read_only=True).sheetnames
        todo = [n for n in names if n.startswith("待办-")]
        assert len(todo) == len(streets)
        assert all(not n.endswith("'") and len(n) <= 31 and "\x0b" not in n for n in names)
