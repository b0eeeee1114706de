import datetime as dt

import pytest

from sanlv.issues import InputError
from sanlv.normalise import load_dataset

from .helpers import COMPOUND_HEADER, write_xlsx


def _codes(ds, code):
    return [(i.code, i.row, i.column) for i in ds.issues if i.code == code]


def test_real_ledger_layout(tmp_path):
    """Title rows, a merged two-row header, 序号, blank, 合计 and footer rows."""
    rows = [
        ["示例区巷口街道小区基本情况台账"],
        ["填报单位：巷口街道办事处", None, None, None, "填报日期：2026年10月31日"],
        ["序号", "小区编号", "小区名称", "所属区域", None, "户数", "物业服务情况", None, None],
        [None, None, None, "街道", "社区", None, "管理方式", "物业服务企业", "进驻日期"],
        [
            1,
            1001.0,
            "香格里拉·观园",
            "巷口街道",
            "浦头社区",
            "1,234户",
            "物业公司",
            "天利仁和物业",
            "2021年5月1日",
        ],
        [2, "0012", "日华里 ", "巷口街道", "浦头社区", 300, "无", None, dt.date(2020, 1, 2)],
        [3],
        [None],
        [4, "X3", "幸福家园", "巷口街道", "浦头社区", "１２", "社区托管", None, "20210501"],
        ["合计", None, None, None, None, "=SUM(F5:F9)"],
        ["填表人：张三  审核人：李四  联系电话：12345678"],
        ["填表说明：本表按小区填写。"],
    ]
    path = write_xlsx(
        tmp_path / "巷口.xlsx",
        {"Sheet1": rows},
        merges={"Sheet1": ["A1:I1", "A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:F4", "G3:I3"]},
    )
    ds = load_dataset([path])
    c = ds.compounds
    assert c["compound_id"].tolist() == ["1001", "0012", "X3"]
    assert c["_row"].tolist() == [5, 6, 9]
    assert c["households"].tolist() == [1234, 300, 12]
    assert c["management_mode"].tolist() == ["专业物业服务", "无物业管理", "社区托管"]
    assert c["name"].tolist() == ["香格里拉·观园", "日华里", "幸福家园"]
    assert [d.date() for d in c["service_since"].dropna()] == [
        dt.date(2021, 5, 1),
        dt.date(2020, 1, 2),
        dt.date(2021, 5, 1),
    ]
    skipped = {i.row: i.message for i in ds.issues if i.code == "row-skipped"}
    assert sorted(skipped) == [7, 8, 10, 11, 12]
    assert "合计" in skipped[10] and "表尾" in skipped[11]
    assert ds.rows["read"] == ds.rows["used"] + ds.rows["skipped"]
    assert ds.rows["used"] == 3
    src = ds.sources[0]
    assert src.header_row == 4
    assert src.columns["households"].letter == "F"


def test_inner_blank_row_is_counted_as_skipped(tmp_path):
    rows = [
        COMPOUND_HEADER,
        ["A1", "甲", "街", "社", "商品房", 10, "准物业", None],
        [],
        ["A2", "乙", "街", "社", "商品房", 10, "准物业", None],
    ]
    ds = load_dataset([write_xlsx(tmp_path / "a.xlsx", {"小区": rows})])
    assert ds.compounds["_row"].tolist() == [2, 4]
    assert ds.rows == {"read": 3, "used": 2, "skipped": 1, "skipped_by_reason": {"空行": 1}}


def test_roster_found_by_header_on_any_sheet_and_hidden_sheet_ignored(tmp_path):
    rows = [COMPOUND_HEADER, ["A1", "甲", "街", "社", "商品房", 10, "准物业", None]]
    path = write_xlsx(
        tmp_path / "a.xlsx",
        {"封面": [["三率台账"]], "Sheet2": rows, "下拉选项": [["是"], ["否"]], "旧表": rows},
        hidden=("旧表",),
    )
    ds = load_dataset([path])
    assert len(ds.compounds) == 1
    ignored = {i.sheet for i in ds.issues if i.code == "sheet-ignored"}
    assert ignored == {"封面", "下拉选项", "旧表"}


def test_values_normalised(tmp_path):
    rows = [
        [*COMPOUND_HEADER, "纳入统计", "物业服务起始日期"],
        ["　A1　", "甲", "街", "社", "老旧", "１２３", "简易物业", None, "否", "2021.5.1"],
        ["A2", "乙", "街", "社", None, "45", "物业", None, None, "2021/05/01"],
        ["A3", "丙", "街", "社", "别墅", "-1", "准物业", None, "可能", "2021年5月"],
    ]
    ds = load_dataset([write_xlsx(tmp_path / "a.xlsx", {"小区": rows})])
    c = ds.compounds
    assert c["compound_id"].tolist() == ["A1", "A2", "A3"]
    assert c["category"].tolist()[:2] == ["老旧小区", "其他"]
    assert c["households"].tolist()[:2] == [123, 45]
    assert c["management_mode"].tolist()[0] == "准物业"
    assert c["in_scope"].tolist()[:2] == [False, True]
    found = {(i.code, i.row, i.column, i.cell) for i in ds.issues if i.severity == "error"}
    assert found == {
        ("value-enum", 3, "物业管理方式", "G3"),
        ("value-enum", 4, "小区类型", "E4"),
        ("value-range", 4, "总户数", "F4"),
        ("value-enum", 4, "纳入统计", "I4"),
        ("value-type", 4, "物业服务起始日期", "J4"),
    }
    hint = next(i.hint for i in ds.issues if i.cell == "G3")
    assert "专业物业服务" in hint


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    text = "小区编号,小区名称,街道,社区,总户数,物业管理方式\n001,香格里拉·观园,巷口街道,浦头社区,120,专业物业服务\n"
    path = tmp_path / "小区.csv"
    path.write_bytes(text.encode(encoding))
    ds = load_dataset([path])
    assert ds.compounds["name"].tolist() == ["香格里拉·观园"]
    assert ds.compounds["compound_id"].tolist() == ["001"]
    assert ds.compounds["_row"].tolist() == [2]


def test_header_columns_problems(tmp_path):
    rows = [
        ["小区编号", "小区名字", "街道", "社区", "总户数", "管理方式", "管理方式", "楼栋数"],
        ["A1", "甲", "街", "社", 1, "准物业", "准物业", 3],
    ]
    ds = load_dataset([write_xlsx(tmp_path / "a.xlsx", {"小区": rows})])
    got = {(i.code, i.column) for i in ds.issues if i.code.startswith("column-")}
    assert ("column-missing", "小区名称") in got
    assert ("column-duplicate", "物业管理方式") in got
    assert ("column-unknown", "楼栋数") in got
    missing = next(i for i in ds.issues if i.code == "column-missing")
    assert "小区名字" in missing.hint


def test_two_files_merge_and_origins(tmp_path):
    a = write_xlsx(
        tmp_path / "a.xlsx",
        {"小区": [COMPOUND_HEADER, ["A1", "甲", "街", "社", "商品房", 1, "准物业", None]]},
    )
    b = write_xlsx(
        tmp_path / "b.xlsx",
        {
            "小区": [
                ["标题"],
                COMPOUND_HEADER,
                ["B1", "乙", "街", "社", "商品房", 1, "准物业", None],
            ]
        },
    )
    ds = load_dataset([a, b])
    assert ds.compounds["compound_id"].tolist() == ["A1", "B1"]
    assert [ds.where("compounds", i, "name") for i in range(2)] == [
        {"file": "a.xlsx", "sheet": "小区", "row": 2, "column": "小区名称", "cell": "B2"},
        {"file": "b.xlsx", "sheet": "小区", "row": 3, "column": "小区名称", "cell": "B3"},
    ]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("missing.xlsx", None, "file-unreadable"),
        ("a.txt", b"hello", "file-unreadable"),
        ("broken.xlsx", b"PK\x03\x04garbage", "file-unreadable"),
        ("plain.xlsx", b"not a workbook at all", "file-unreadable"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "file-encrypted"),
        ("none.csv", b"a,b\n1,2\n", "header-not-found"),
    ],
)
def test_unreadable_inputs(tmp_path, name, content, code):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_dataset([path])
    assert err.value.code == code
    assert name in err.value.message


def test_vertically_merged_cells_fill_down(tmp_path):
    """街道/社区 merged over several rows apply to every row they span."""
    rows = [
        COMPOUND_HEADER,
        ["A1", "甲", "巷口街道", "浦头社区", "商品房", 10, "准物业", None],
        ["A2", "乙", None, None, "商品房", 10, "准物业", None],
        ["A3", "丙", None, "东园社区", "商品房", 10, "准物业", None],
        ["合计", None, None, None, None, 30],
        ["填表说明：……"],
        [None],
    ]
    path = write_xlsx(
        tmp_path / "a.xlsx", {"小区": rows}, merges={"小区": ["C2:C4", "D2:D3", "A6:H7"]}
    )
    ds = load_dataset([path])
    assert ds.compounds["street"].tolist() == ["巷口街道"] * 3
    assert ds.compounds["community"].tolist() == ["浦头社区", "浦头社区", "东园社区"]
    assert ds.rows["used"] == 3 and ds.rows["skipped"] == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-05-01 00:00:00", dt.date(2021, 5, 1)),  # how fastexcel gives a real Excel date
        ("2021-05-01 10:30:00", dt.date(2021, 5, 1)),
        ("2021年5月1日", dt.date(2021, 5, 1)),
        ("２０２１年５月１日", dt.date(2021, 5, 1)),
        ("2021.5.1", dt.date(2021, 5, 1)),
        ("2021/05/01", dt.date(2021, 5, 1)),
        ("20210501", dt.date(2021, 5, 1)),
        ("44317", dt.date(2021, 5, 1)),  # an Excel serial that lost its date format
        ("2020-02-29", dt.date(2020, 2, 29)),
        ("2021-02-30", None),
        ("2021-02-30 00:00:00", None),
        ("2021年5月", None),
        ("9999-12-31", None),
        ("明年", None),
    ],
)
def test_date_forms(raw, expected):
    import pandas as pd

    from sanlv.columns import norm_date

    values, bad, _ = norm_date(pd.Series([raw], dtype=object))
    got = None if pd.isna(values.iat[0]) else values.iat[0].date()
    assert got == expected
    assert bool(bad.iat[0]) == (expected is None)


def test_int_forms():
    import pandas as pd

    from sanlv.columns import norm_int

    values, bad, neg = norm_int(
        pd.Series(["1,234户", "１２", "12.0", "7人", "1.5", "abc", None, "-3"], dtype=object)
    )
    assert values.tolist()[:4] == [1234, 12, 12, 7]
    assert bad.tolist() == [False, False, False, False, True, True, False, False]
    assert neg.tolist()[-1] is True


def test_parallel_reading_gives_the_same_dataset_as_one_thread(monkeypatch):
    """Sheets are read and rosters normalised in threads: the result must not depend on it."""
    from pathlib import Path

    import pandas as pd

    from sanlv.read import excel as read

    samples = sorted((Path(__file__).parents[1] / "data" / "samples").glob("*.xlsx"))
    assert samples
    monkeypatch.setattr(read, "workers", lambda: 1)
    one = load_dataset(samples)
    monkeypatch.setattr(read, "workers", lambda: 4)
    many = load_dataset(samples)
    assert [i.to_dict() for i in one.issues] == [i.to_dict() for i in many.issues]
    assert one.rows == many.rows and one.rows["read"] > 0
    assert [(s.file, s.sheet, s.roster) for s in one.sources] == [
        (s.file, s.sheet, s.roster) for s in many.sources
    ]
    for key, table in one.tables.items():
        pd.testing.assert_frame_equal(table, many.tables[key])


def test_a_stored_read_builds_the_same_dataset_as_the_file(tmp_path):
    """The workspace keeps each received file's read (raw strings as Arrow IPC, the rest as
    JSON): a dataset built from the stored reads equals the one built from the files, on
    messy street files (title rows, two-row headers, merged cells, 小计 rows, repeated
    headers, CSV in GB18030) and the samples; a read stored by another sanlv is not used."""
    from pathlib import Path

    import numpy as np
    import openpyxl
    import pandas as pd

    from sanlv.normalise import build_dataset
    from sanlv.read import ReadResult, parsed, read_file

    from . import synth

    md = synth.write_messy_district(tmp_path / "区", 400, seed=7, n_streets=8)
    samples = sorted((Path(__file__).parents[1] / "data" / "samples").glob("*.xlsx"))
    wb = openpyxl.load_workbook(samples[-1])
    wb.worksheets[0]["B3"] = "#N/A"  # an error cell (t="e")
    wb.save(tmp_path / "错误值.xlsx")
    paths = [*map(Path, md.files), *samples, tmp_path / "错误值.xlsx"]
    direct, stored = ReadResult.of([]), ReadResult.of([])
    for path in paths:
        r = read_file(path)
        meta, streams = parsed.dump(r)
        again = parsed.load(meta, streams, path, r.info.sha256)
        assert again is not None and again.info == r.info
        direct.add(r)
        stored.add(again)
    a, b = build_dataset(direct), build_dataset(stored)
    for roster, frame in a.tables.items():
        pd.testing.assert_frame_equal(frame, b.tables[roster])
    assert a.sources == b.sources and a.files == b.files and a.rows == b.rows
    assert a.issues == b.issues and len(a.issues) > 0
    assert a.invalid.keys() == b.invalid.keys()
    assert all(np.array_equal(a.invalid[k], b.invalid[k]) for k in a.invalid)
    assert any(t.skipped for t in stored.tables)  # the messy rows came through
    assert any(t.errors for t in stored.tables)  # and the error cell
    # another version's read, or a damaged one, is read again from the file
    meta, streams = parsed.dump(read_file(paths[0]))
    other = meta.replace(parsed.FORMAT, "sanlv 0.0.1 read 1")
    assert parsed.load(other, streams, paths[0], "x") is None
    assert parsed.load(meta, streams[:-1], paths[0], "x") is None
    assert parsed.load(meta, [b"not arrow"] * len(streams), paths[0], "x") is None
