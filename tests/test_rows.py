"""Rows as they come from the field (SPEC section 2 "Found in the field since", section 3
"Files and safety"): invisible characters in ids, totals/title/header rows anywhere, jagged
and mixed-encoding CSVs, the same file twice, and Chinese lines instead of English ones."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sanlv import schema
from sanlv.cli import app
from sanlv.columns import has_invisible
from sanlv.issues import CATALOGUE, InputError
from sanlv.normalise import load_dataset
from sanlv.read.csvfile import MAX_CELLS, MIN_COLUMNS, load_csv

from . import synth
from .helpers import write_xlsx

runner = CliRunner()
HEADER = [
    "小区编号",
    "小区名称",
    "街道",
    "社区",
    "总户数",
    "物业管理方式",
    "物业服务企业",
    "纳入统计",
]


def _compound(cid: object, name: str, households: int = 100) -> list:
    return [cid, name, "巷口街道", "浦头社区", households, "社区托管", None, "是"]


def _issues(ds, code: str) -> list[tuple]:
    return [(i.code, i.row, i.column) for i in ds.issues if i.code == code]


def _skipped(ds) -> dict[int, str]:
    return {i.row: i.message for i in ds.issues if i.code == "row-skipped"}


# --- invisible characters ---------------------------------------------------------------------


def test_invisible_characters_are_removed_before_matching(tmp_path):
    """Ids that differ only by U+200B/U+FEFF/U+2060/U+00AD are the same id: 6 compounds, not
    8, the two copies are id-duplicate errors, a committee referring to an id with a zero-width
    space finds its compound, and enumeration words with invisible characters are read."""
    rows = [
        HEADER,
        _compound("1001", "甲"),
        _compound("1002", "乙"),
        _compound("1003", "丙"),
        _compound("1004", "丁"),
        _compound("1005", "戊"),
        _compound("1006", "己"),
        _compound("\u200b1001", "甲"),  # row 8: the same id as row 2
        _compound("10\u206002\u00ad", "乙"),  # row 9: the same id as row 3
    ]
    rows[5][5] = "社区\u200b托管"
    rows[6][7] = "\ufeff否"
    committees = [
        ["组织编号", "小区编号", "类型", "成立日期", "任期届满日期", "委员人数", "党员人数"],
        ["YWH001", "\ufeff1003\u200c", "业委会", "2024-01-01", "2029-01-01", 5, 3],
    ]
    path = write_xlsx(tmp_path / "a.xlsx", {"小区": rows, "业委会": committees})
    ds = load_dataset([path])
    assert ds.compounds["compound_id"].nunique() == 6
    assert ds.committees["compound_id"].tolist() == ["1003"]
    assert ds.compounds["management_mode"].iat[4] == "社区托管"
    assert not bool(ds.compounds["in_scope"].iat[5])
    assert _issues(ds, "value-enum") == []

    r = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert r.exit_code == 1
    errors = [
        (i["code"], i["row"], i["column"])
        for i in json.loads(r.stdout)["issues"]
        if i["severity"] == "error" and i["code"] != "sheet-missing"  # no 党组织 sheet
    ]  # and no ref-missing for the committee
    assert sorted(errors) == [("id-duplicate", 8, "小区编号"), ("id-duplicate", 9, "小区编号")]


def test_has_invisible_agrees_with_the_character_class():
    """The byte scan that decides whether a column needs the replacement finds exactly the
    characters of INVISIBLE_CLASS, alone, after a Chinese character, at the end of a slice."""
    leads = [*range(0x80, 0xC0), *range(0x1000, 0x2000), *range(0x2000, 0x3000)]
    leads += range(0xF000, 0x10000)
    wrong = [
        hex(cp)
        for cp in leads
        for text in (chr(cp), "中" + chr(cp))
        if has_invisible(pa.array(["abc", text, None])) != bool(schema.INVISIBLE_RE.search(text))
    ]
    assert wrong == []
    assert has_invisible(pa.array(["y", "x\u200b"]).slice(1))
    assert not has_invisible(pa.array(["x\u200b", "y"]).slice(1))
    assert not has_invisible(pa.array([None, None], pa.string()))


# --- row classification -----------------------------------------------------------------------


def test_totals_titles_and_repeated_headers_are_skipped_but_ids_make_data(tmp_path):
    """小计/合计 labels in any column (the name column too) are totals; a title line and a
    header repeated mid-sheet are skipped as such; a row with a valid id is a compound even
    if its name begins with 小计 or 总计. Every row is used or skipped with its reason."""
    title = "示例区巷口街道小区基本情况台账"
    rows = [
        [title],  # 1
        HEADER,  # 2
        _compound("1001", "甲"),  # 3
        [None, "浦头社区小计", None, None, 100],  # 4 label in the name column
        _compound("1002", "小计花园"),  # 5 data
        [None],  # 6 blank
        [title],  # 7 the title again
        HEADER,  # 8 the header again
        _compound("1003", "总计家园", 50),  # 9 data
        [None, None, "巷口街道合计", None, 250],  # 10 label in the street column
        ["合计", None, None, None, 250],  # 11 label in the id column
        _compound("1004", "合计里"),  # 12 data
        [None, "巷口街道总计", "巷口街道", "浦头社区", 350, "社区托管"],  # 13 a full totals row
        ["/", "/", "/", "东园社区小计", 100, "/", "/", "/"],  # 14 "/" in every blank cell
    ]
    ds = load_dataset([write_xlsx(tmp_path / "a.xlsx", {"小区": rows})])
    c = ds.compounds
    assert c["compound_id"].tolist() == ["1001", "1002", "1003", "1004"]
    assert c["name"].tolist() == ["甲", "小计花园", "总计家园", "合计里"]
    assert c["_row"].tolist() == [3, 5, 9, 12]
    skipped = _skipped(ds)
    assert sorted(skipped) == [4, 6, 7, 8, 10, 11, 13, 14]
    for row in (4, 10, 11, 13, 14):
        assert "合计/小计行" in skipped[row], skipped[row]
    assert "浦头社区小计" in skipped[4] and "巷口街道合计" in skipped[10]
    assert "空行" in skipped[6]
    assert "重复的标题行" in skipped[7] and "重复的表头行" in skipped[8]
    assert ds.rows["read"] == ds.rows["used"] + ds.rows["skipped"] == 12
    assert [i for i in ds.issues if i.severity == "error"] == []


def test_repeated_two_row_header_in_a_csv(tmp_path):
    """A CSV (no merges) whose two-row header is repeated mid-file: both header rows, the
    lower one holding only the grouped labels, are skipped as header rows; so is the title
    line, with a 序号 column in front."""
    lines = [
        "示例区巷口街道小区台账,,,,,,,",
        "序号,小区编号,小区名称,所属区域,,户数,物业服务情况,",
        ",,,街道,社区,,管理方式,物业服务企业",
        "1,1001,甲,巷口街道,浦头社区,100,社区托管,",
        "2,1002,乙,巷口街道,浦头社区,100,社区托管,",
        "示例区巷口街道小区台账,,,,,,,",
        "序号,小区编号,小区名称,所属区域,,户数,物业服务情况,",
        ",,,街道,社区,,管理方式,物业服务企业",
        "3,1003,丙,巷口街道,东园社区,100,专业物业服务,天利物业",
        ",东园社区小计,,,,100,,",
    ]
    path = tmp_path / "巷口.csv"
    path.write_bytes("\n".join(lines).encode("gb18030"))
    ds = load_dataset([path])
    assert ds.compounds["compound_id"].tolist() == ["1001", "1002", "1003"]
    skipped = _skipped(ds)
    assert sorted(skipped) == [6, 7, 8, 10]
    assert "重复的标题行" in skipped[6]
    assert "重复的表头行" in skipped[7] and "重复的表头行" in skipped[8]
    assert "合计/小计行" in skipped[10]
    assert [i for i in ds.issues if i.severity == "error"] == []


# --- CSV: jagged rows, encodings --------------------------------------------------------------


def test_jagged_csv_pads_nothing_beyond_the_content(tmp_path):
    """Empty cells at the end of rows add no columns; a grid is never wider than the budget
    allows (MAX_CELLS over the rows), so a jagged file costs what its content costs."""
    path = tmp_path / "j.csv"
    header = "小区编号,小区名称,街道,社区,总户数,物业管理方式"
    body = ["1001,甲,巷口街道,浦头社区,100,社区托管" + "," * 5000]
    body += [f"{1002 + i},乙{i},巷口街道,浦头社区,100,社区托管" for i in range(3000)]
    path.write_text("\n".join([header, *body]), encoding="utf-8")
    grid = load_csv(path)
    assert len(grid.columns) == 6 and grid.n_rows == 3002

    # content far to the right on one row, in a file of many rows: refused, the cell named
    path.write_text(",".join(["x"] * 3000) + "\n" + "a\n" * 3000, encoding="utf-8")
    assert 3000 > max(MIN_COLUMNS, MAX_CELLS // 3001)
    with pytest.raises(InputError) as err:
        load_csv(path)
    assert err.value.code == "file-unreadable" and "DKJ1" in err.value.message

    # the same width in a short file is read whole
    path.write_text(",".join(["x"] * 3000) + "\n" + "a\n" * 10, encoding="utf-8")
    grid = load_csv(path)
    assert len(grid.columns) == 3000 and len(grid.columns) * grid.n_rows <= MAX_CELLS


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX")
def test_hostile_jagged_csv_within_bounded_memory(tmp_path):
    """The 180 KB file of issue 12 (one 20,000-cell row plus 20,000 one-cell rows) padded to
    a square took 2.2 GB: it now ends with one Chinese line within 1 GB of address space."""
    path = tmp_path / "jag.csv"
    path.write_text(",".join(["x"] * 20000) + "\n" + "a\n" * 20000, encoding="utf-8")
    script = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from sanlv.entry import main
        sys.argv = ["sanlv", "validate", sys.argv[1]]
        main()
        """
    )
    r = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 2, r.stderr[-2000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "jag.csv" in lines[0] and "ACOF1" in lines[0]


TEXT = "小区编号,小区名称,街道,社区,总户数,物业管理方式\n"
ROW1 = "001,香格里拉·观园,巷口街道,浦头社区,120,专业物业服务\n"
ROW2 = "002,日华里,巷口街道,浦头社区,80,社区托管\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param((TEXT + ROW1 + ROW2).encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param((TEXT + ROW1 + ROW2).encode("gb18030"), id="gb18030"),
        pytest.param((TEXT + ROW1 + ROW2).encode("utf-8"), id="utf-8"),
    ],
)
def test_csv_in_one_encoding_reads(tmp_path, data):
    path = tmp_path / "小区.csv"
    path.write_bytes(data)
    ds = load_dataset([path])
    assert ds.compounds["name"].tolist() == ["香格里拉·观园", "日华里"]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(
            (TEXT + ROW1).encode("utf-8") + ROW2.encode("gb18030"), 3, id="utf-8-then-gb18030"
        ),
        pytest.param(
            (TEXT + ROW1).encode("gb18030") + ROW2.encode("utf-8"), 3, id="gb18030-then-utf-8"
        ),
        pytest.param(
            (TEXT + ROW1).encode("utf-8-sig") + ROW2.encode("gb18030"), 3, id="bom-then-gb18030"
        ),
        pytest.param(TEXT.encode("gb18030") + b"\x81\x20\xff,1\n", 2, id="no-encoding"),
    ],
)
def test_csv_with_mixed_encodings_is_a_file_encoding_error(tmp_path, data, line):
    path = tmp_path / "小区.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        load_dataset([path])
    assert err.value.code == "file-encoding"
    assert "小区.csv" in err.value.message and f"第 {line} 行" in err.value.message
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert "找不到" not in r.output and "编码" in r.output


# --- the same file twice ------------------------------------------------------------------------


def _district(path: Path) -> Path:
    compounds = [HEADER] + [_compound(f"{1000 + i}", f"小区{i}") for i in range(30)]
    committees = [
        ["组织编号", "小区编号", "类型", "成立日期", "任期届满日期", "委员人数", "党员人数"]
    ]
    committees += [
        [f"YWH{i:03d}", f"{1000 + i}", "业委会", "2024-01-01", "2029-01-01", 5, 1]
        for i in range(0, 30, 2)
    ]
    return write_xlsx(path, {"小区": compounds, "业委会": committees})


def test_the_same_file_twice_counts_once_with_a_warning(tmp_path):
    assert CATALOGUE["file-duplicate"].severity == "warning"
    one = _district(tmp_path / "街道.xlsx")
    folder = tmp_path / "区"
    folder.mkdir()
    shutil.copy(one, folder / "街道.xlsx")
    shutil.copy(one, folder / "街道 - 副本.xlsx")

    def run(*args: str) -> dict:
        r = runner.invoke(app, [*args, "--as-of", "2026-10-31", "--format", "json"])
        assert r.exit_code in (0, 1), r.output
        return json.loads(r.stdout)

    single_v = run("validate", str(one))
    single_r = run("report", str(one))
    for inputs in ([str(one), str(one)], [str(folder)], [str(one), str(folder)]):
        v = run("validate", *inputs)
        dup = [i for i in v["issues"] if i["code"] == "file-duplicate"]
        assert dup and all(i["severity"] == "warning" for i in dup), inputs
        assert not [i for i in v["issues"] if i["code"] == "id-duplicate"], inputs
        assert v["counts"]["error"] == single_v["counts"]["error"]
        assert v["counts"]["warning"] == single_v["counts"]["warning"] + len(dup)
        assert v["rows"] == single_v["rows"]
        r = run("report", *inputs)
        assert r["total"] == single_r["total"] and r["streets"] == single_r["streets"], inputs


# --- one Chinese line, no English ---------------------------------------------------------------


def _one_chinese_line(output: str) -> str:
    lines = [ln for ln in output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, output
    for english in ("Usage", "Error", "Try ", "calamine", "Xlsx", "No such", "Missing"):
        assert english not in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--bogus", "x.xlsx"],
        ["report", "--bogus"],
        ["validate"],
        ["ledger"],
        ["diff"],
        ["nosuchcommand"],
        ["validate", "x.xlsx", "--as-of"],
    ],
)
def test_usage_errors_are_one_chinese_line(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    _one_chinese_line(r.output)


def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


@pytest.mark.parametrize(
    ("name", "parts", "says"),
    [
        (
            "word.xlsx",
            {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<r/>", "word/document.xml": "<d/>"},
            "Word",
        ),
        ("slides.xlsx", {"_rels/.rels": "<r/>", "ppt/presentation.xml": "<p/>"}, "PowerPoint"),
        (
            "text.ods",
            {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": ""},
            "odt",
        ),
        ("empty.xlsx", {"readme.txt": "x"}, "不是有效的Excel工作簿"),
        ("norels.xlsx", {"_rels/.rels": "<Relationships/>"}, "已损坏或无法解析"),
    ],
)
def test_other_documents_renamed_are_one_chinese_line(tmp_path, name, parts, says):
    path = _zip(tmp_path / name, parts)
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    line = _one_chinese_line(r.output)
    assert name in line and says in line


# --- property: invisible characters change nothing ----------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"]
SMALL = synth.make_district(40, seed=5)


def _report_json(path: Path) -> dict:
    r = runner.invoke(app, ["report", str(path), "--as-of", "2026-10-31", "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    inserts=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(1, 40),
            st.integers(1, 14),
            st.integers(0, 12),
            st.sampled_from(INVISIBLE),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_invisible_characters_anywhere_change_no_figure(tmp_path, inserts):
    """Invisible characters typed into any text cell (ids, names, streets, enumerations,
    headers, sheet rows of every roster) leave every figure of the report as it was."""
    clean = tmp_path / "clean.xlsx"
    if not clean.exists():
        synth.write_workbook(SMALL, clean)
    want = _report_json(clean)
    wb = openpyxl.load_workbook(clean)
    sheets = wb.worksheets
    for s, r, c, at, ch in inserts:
        cell = sheets[s].cell(r, c)
        if isinstance(cell.value, str):
            cell.value = cell.value[:at] + ch + cell.value[at:]
    dirty = tmp_path / "dirty.xlsx"
    wb.save(dirty)
    got = _report_json(dirty)
    assert got["total"] == want["total"]
    assert got["streets"] == want["streets"]
    assert got["communities"] == want["communities"]
