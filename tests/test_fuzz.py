"""Fuzzing: mutate a small roster workbook cell by cell; validate and report never break."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from typer.testing import CliRunner

from sanlv import schema
from sanlv.cli import app

from .synth import make_district

runner = CliRunner()
DISTRICT = make_district(12, seed=7)

weird_text = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "=1+1",
            "+SUM(A1)",
            "-3",
            "@cmd",
            "\x00\x01\x1f",
            "😀🏠",
            "　",
            "合计",
            "填表人：张三",
            "1,234户",
            "２０２１年５月１日",
            "2021-02-30",
            "9999-12-31",
            "是",
            "否",
            "物业",
        ]
    ),
    st.builds(lambda n: "长" * n, st.integers(1000, 40000)),
)
cell_value = st.one_of(
    st.none(),
    weird_text,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)),
    st.booleans(),
)
mutation = st.tuples(st.integers(0, 2), st.integers(1, 40), st.integers(1, 14), cell_value)
structural = st.sampled_from(
    ["none", "empty-sheet", "shuffle-header", "blank-rows", "drop-sheet", "title-row"]
)


def _workbook(path, mutations, how, order):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for roster in schema.ROSTERS:
        ws = wb.create_sheet(roster.label)
        header = [f.label for f in roster.fields]
        if how == "shuffle-header":
            header = [header[i % len(header)] for i in order[: len(header)]] or header
        if how == "title-row":
            ws.append([f"示例区{roster.label}台账"])
        ws.append(header)
        for row in DISTRICT[roster.key]:
            values = [row.get(f.key) for f in roster.fields]
            ws.append(["是" if v is True else "否" if v is False else v for v in values])
            if how == "blank-rows":
                ws.append([])
    names = [r.label for r in schema.ROSTERS]
    for sheet_i, r, c, value in mutations:
        ws = wb[names[sheet_i]]
        cell = ws.cell(r, c)
        if isinstance(value, str):  # xlsx cannot hold C0 control characters at all
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # a user's text, not a formula
    if how == "empty-sheet":
        ws = wb[names[order[0] % 3] if order else names[0]]
        ws.delete_rows(1, ws.max_row)
    if how == "drop-sheet":
        wb.remove(wb[names[order[0] % 3] if order else names[1]])
    wb.save(path)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutations=st.lists(mutation, max_size=12),
    how=structural,
    order=st.permutations(list(range(14))),
)
def test_mutated_workbook_never_breaks(tmp_path, mutations, how, order):
    path = tmp_path / "fuzz.xlsx"
    _workbook(path, mutations, how, order)
    before = path.read_bytes()
    r = runner.invoke(app, ["validate", str(path), "--format", "json", "--as-of", "2026-10-31"])
    assert r.exit_code != 3, "internal error: " + r.output
    assert r.exit_code in (0, 1, 2), r.output
    assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit), (
        r.exception
    )
    if r.exit_code in (0, 1):
        data = json.loads(r.stdout)
        rows = data["rows"]
        assert rows["read"] == rows["used"] + rows["skipped"]
        assert data["valid"] == (r.exit_code == 0)
    rep = runner.invoke(app, ["report", str(path), "--format", "json", "--as-of", "2026-10-31"])
    assert rep.exit_code != 3, "internal error: " + rep.output
    assert rep.exit_code in (0, 2), rep.output
    if rep.exit_code == 0:
        total = json.loads(rep.stdout)["total"]
        for key in ("committee", "service", "party"):
            rate = total[key]["rate"]
            assert rate is None or 0 <= rate <= 1
    writes(path, tmp_path)
    assert path.read_bytes() == before  # inputs are never modified


def writes(path, tmp_path):
    """The writing commands on the same input: never an internal error, never a traceback."""
    for args in (
        ["validate", path, "--annotate", tmp_path / "标注.xlsx", "--output", tmp_path / "问题.csv"],
        ["ledger", path, "-o", tmp_path / "台账.xlsx"],
        ["report", path, "-o", tmp_path / "报告.xlsx"],
    ):
        r = runner.invoke(app, [*map(str, args), "--as-of", "2026-10-31"])
        assert r.exit_code != 3, f"internal error in {args[0]}: {r.output}"
        assert r.exit_code in (0, 1, 2) and "Traceback" not in r.output, r.output


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.lists(weird_text, min_size=1, max_size=8), max_size=12), header=st.booleans()
)
def test_hostile_csv_never_breaks(tmp_path, cells, header):
    """CSV can carry what xlsx cannot: control characters, NULs, ragged rows."""
    path = tmp_path / "小区.csv"
    lines = [[f.label for f in schema.COMPOUNDS.fields]] if header else []
    lines += cells
    text = "\n".join(",".join(v.replace(",", "，") for v in row) for row in lines)
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    r = runner.invoke(app, ["validate", str(path), "--format", "json", "--as-of", "2026-10-31"])
    assert r.exit_code in (0, 1, 2), r.output
    assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit), (
        r.exception
    )
    assert r.exit_code != 3, "internal error: " + r.output
    if r.exit_code in (0, 1):
        rows = json.loads(r.stdout)["rows"]
        assert rows["read"] == rows["used"] + rows["skipped"]
    writes(path, tmp_path)


# --- what an xlsx holds beside plain values: merged ranges, error cells, far cells ----------

ERRORS = ["#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"]
merge = st.tuples(
    st.integers(0, 2), st.integers(1, 14), st.integers(1, 14), st.integers(0, 4), st.integers(0, 2)
)
error_cell = st.tuples(
    st.integers(0, 2),
    st.integers(2, 13),
    st.integers(1, 14),
    st.one_of(st.sampled_from(ERRORS), st.just("=A2+1"), st.just("=VLOOKUP(A2,Z:Z,2,0)")),
)
far_cell = st.tuples(
    st.integers(0, 2),
    st.sampled_from(["XFD1048576", "A1048576", "ZZ30000", "XFD3", "AA100", "P20", "N1000"]),
)
ARGS = ["--format", "json", "--as-of", "2026-10-31"]
LIMITED = (
    "import resource, runpy, sys; limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
    "sys.argv = ['sanlv', *sys.argv[2:]]; runpy.run_module('sanlv', run_name='__main__')"
)


def _featured(path, merges, errors, far):
    _workbook(path, [], "none", [])
    wb = openpyxl.load_workbook(path)
    names = [r.label for r in schema.ROSTERS]
    for sheet_i, r, c, value in errors:
        ws = wb[names[sheet_i]]
        if not isinstance(ws.cell(r, c), openpyxl.cell.cell.MergedCell):
            ws.cell(r, c).value = value  # "#N/A" is written as an error cell, "=…" uncached
    for sheet_i, r, c, down, right in merges:
        wb[names[sheet_i]].merge_cells(
            start_row=r, start_column=c, end_row=r + down, end_column=c + right
        )
    for sheet_i, ref in far:
        wb[names[sheet_i]][ref] = "x"
    wb.save(path)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    merges=st.lists(merge, max_size=4),
    errors=st.lists(error_cell, max_size=4),
    far=st.lists(far_cell, max_size=1),
)
def test_merges_error_cells_and_far_cells_never_break(tmp_path, merges, errors, far):
    """Run in a child process with 4 GB of address space (about 1.6 GB of it reserved and
    never used by the interpreter, Arrow and the reader): a stray far cell that got past the
    reader's bounds fails the test instead of taking the test runner down."""
    import subprocess
    import sys

    path = tmp_path / "fuzz.xlsx"
    _featured(path, merges, errors, far)
    r = subprocess.run(
        [sys.executable, "-c", LIMITED, str(4 * 1024**3), "validate", str(path), *ARGS],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 3, "internal error: " + r.stderr
    assert r.returncode in (0, 1, 2), r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    if r.returncode == 2:
        assert far, r.stderr  # only a far cell is refused
        assert "远离数据区" in r.stderr
        return
    data = json.loads(r.stdout)
    assert not [i for i in data["issues"] if i["code"] == "check-failed"]
    rows = data["rows"]
    assert rows["read"] == rows["used"] + rows["skipped"]
    if errors and not merges and not far:
        # an error cell in a roster column of a data row is an error naming it
        widths = [len(r.fields) for r in schema.ROSTERS]
        last = {(s, row, c): v for s, row, c, v in errors}  # a later value replaces one
        named = [
            v
            for (s, row, c), v in last.items()
            if c <= widths[s] and row <= len(DISTRICT[schema.ROSTERS[s].key]) + 1
        ]
        if named:
            assert r.returncode == 1
            found = {i["value"] for i in data["issues"] if i["code"] == "value-type"}
            assert {v for v in named if v.startswith("#")} <= found
