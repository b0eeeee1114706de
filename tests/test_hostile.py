"""Hostile inputs and faults: each file is built here and must be refused or read quickly."""

import time
import zipfile

import pytest
from typer.testing import CliRunner

from sanlv.cli import app
from sanlv.issues import InputError
from sanlv.normalise import load_dataset
from sanlv.read.files import check_zip

from .helpers import COMPOUND_HEADER, write_xlsx

runner = CliRunner()


def _rewrite_part(src, dst, part, data: bytes):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, data if item.filename == part else zin.read(item.filename))


def _strip_decl(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def _base(tmp_path):
    rows = [COMPOUND_HEADER, ["A1", "甲", "街", "社", "商品房", 10, "准物业", None]]
    return write_xlsx(tmp_path / "base.xlsx", {"小区": rows})


def test_zip_bomb_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(_base(tmp_path)) as zin,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for item in zin.infolist():
            z.writestr(item, zin.read(item.filename))
        z.writestr("xl/media/padding.bin", b"\0" * (80 * 1024**2))  # 80 MB of zeros, ~80 KB packed
    t = time.monotonic()
    with pytest.raises(InputError) as err:
        load_dataset([bomb])
    assert time.monotonic() - t < 5
    assert err.value.code == "file-unreadable" and "压缩炸弹" in err.value.message
    # The user can raise the limit on the total; the ratio rule still applies to such a file.
    with pytest.raises(InputError):
        check_zip(bomb, max_bytes=10 * 1024**3)


def test_size_limit_is_configurable(tmp_path):
    path = _base(tmp_path)
    check_zip(path)  # a normal file passes
    with pytest.raises(InputError) as err:
        check_zip(path, max_bytes=100)
    assert "--max-unzipped-mb" in err.value.message
    r = runner.invoke(app, ["validate", str(path), "--max-unzipped-mb", "0"])
    assert r.exit_code == 2


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def test_billion_laughs_is_not_expanded(tmp_path):
    base = _base(tmp_path)
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    body = _strip_decl(sheet).replace("<t>甲</t>".encode(), b"<t>&lol9;</t>")
    assert b"&lol9;" in body
    evil = tmp_path / "laughs.xlsx"
    _rewrite_part(base, evil, "xl/worksheets/sheet1.xml", LAUGHS + body)
    t = time.monotonic()
    try:
        ds = load_dataset([evil])
        text = " ".join(str(v) for v in ds.compounds.to_numpy().ravel())
        assert "lollollol" not in text
    except InputError:
        pass
    assert time.monotonic() - t < 10
    # openpyxl (used to annotate a user's workbook) refuses entity declarations.
    import openpyxl
    from defusedxml import DefusedXmlException

    with pytest.raises(Exception) as err:
        openpyxl.load_workbook(evil)
    chain, exc = [], err.value
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert any(isinstance(e, DefusedXmlException) for e in chain)


def test_external_entity_is_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    base = _base(tmp_path)
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    xxe = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
    body = _strip_decl(sheet).replace("<t>甲</t>".encode(), b"<t>&xxe;</t>")
    assert b"&xxe;" in body
    evil = tmp_path / "xxe.xlsx"
    _rewrite_part(base, evil, "xl/worksheets/sheet1.xml", xxe + body)
    try:
        ds = load_dataset([evil])
        assert "TOPSECRET" not in " ".join(str(v) for v in ds.compounds.to_numpy().ravel())
    except InputError:
        pass


def test_million_blank_formatted_rows_is_quick(tmp_path):
    base = _base(tmp_path)
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    blank = "".join(
        f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/></row>'
        for r in range(3, 1_000_003)
    )
    sheet = sheet.replace("</sheetData>", blank + "</sheetData>")
    big = tmp_path / "blank-rows.xlsx"
    _rewrite_part(base, big, "xl/worksheets/sheet1.xml", sheet.encode())
    t = time.monotonic()
    ds = load_dataset([big])
    elapsed = time.monotonic() - t
    assert len(ds.compounds) == 1
    assert ds.rows["read"] == 1  # trailing blank rows are no rows of the table
    assert elapsed < 20


def test_output_equal_to_input_is_refused(tmp_path):
    path = _base(tmp_path)
    before = path.read_bytes()
    r = runner.invoke(app, ["validate", str(path), "--annotate", str(path)])
    assert r.exit_code == 2 and "相同" in r.output
    assert path.read_bytes() == before


def test_failed_write_keeps_the_earlier_file(tmp_path, monkeypatch):
    from sanlv.render import template_xlsx as template

    target = tmp_path / "模板.xlsx"
    target.write_bytes(b"earlier good file")

    def boom(book, rows=None):
        book.wb.add_worksheet("partial").write_string(0, 0, "partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(template, "_build", boom)
    with pytest.raises(KeyboardInterrupt):
        template.write_template(target)
    assert target.read_bytes() == b"earlier good file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["模板.xlsx"]


def test_unwritable_target_is_exit_2(tmp_path):
    (tmp_path / "out.xlsx").mkdir()  # a folder where the file should go
    r = runner.invoke(app, ["template", "-o", str(tmp_path / "out.xlsx")])
    assert r.exit_code == 2
    assert "关闭" in r.output or "换一个路径" in r.output
    r = runner.invoke(app, ["template", "-o", str(tmp_path / "no-such-folder" / "t.xlsx")])
    assert r.exit_code == 2


def test_hostile_files_through_every_command_are_never_an_internal_error(tmp_path):
    """Each hostile or broken file, on every command that reads and writes: exit 0, 1 or 2
    with Chinese lines, never exit 3 (a defect) and never a traceback."""
    base = _base(tmp_path)
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    files = tmp_path / "hostile"
    files.mkdir()
    laughs = files / "laughs.xlsx"
    body = _strip_decl(sheet).replace("<t>甲</t>".encode(), b"<t>&lol9;</t>")
    _rewrite_part(base, laughs, "xl/worksheets/sheet1.xml", LAUGHS + body)
    (files / "encrypted.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (files / "truncated.xlsx").write_bytes(base.read_bytes()[:300])
    (files / "empty.xlsx").write_bytes(b"")
    (files / "garbage.csv").write_bytes(b"\xff\xfe\x00\x01\x0b\x0c" * 200)
    (files / "controls.csv").write_text(
        "小区编号,小区名称,街道,社区,总户数,物业管理方式\nA\x0b1,甲\x01,街',社\x1f,1\x0c,准物业\n",
        encoding="utf-8",
    )
    (files / "dir.xlsx").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    for f in sorted(files.iterdir()):
        for args in (
            ["validate", f, "--annotate", out / "a.xlsx", "--output", out / "i.csv"],
            ["report", f, "-o", out / "r.xlsx"],
            ["ledger", f, "-o", out / "l.xlsx"],
            ["diff", f, "--against", f, "-o", out / "d.xlsx"],
            ["trend", f, "--from", "2026-01", "--to", "2026-03", "-o", out / "t.xlsx"],
        ):
            r = runner.invoke(app, [str(a) for a in args])
            assert r.exit_code != 3, f"internal error: {f.name} {args[0]}: {r.output}"
            assert r.exit_code in (0, 1, 2), (f.name, args[0], r.output)
            assert "Traceback" not in r.output
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
