"""The messy street files of tests/synth.py: every layout of SPEC section 2 is produced (read
back with openpyxl and csv, not with sanlv), every value still means what the generator
made, and sanlv reads a messy district to the generator's own figures.

Every field finding of SPEC section 2 is read to the generator's figures, one at a time and
all at once.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from sanlv import schema
from sanlv.cli import app

from . import synth

AS_OF = date(2026, 10, 31)
SEED = 13
ROSTER_SHEETS = {
    "compounds": "小区基本情况",
    "committees": "业委会（物管会）组建情况",
    "party_orgs": "党组织建设情况",
}
ID_LABELS = {"compounds": "小区编号", "committees": "委员会编号", "party_orgs": "党组织编号"}
# every layout and every field finding at once
FULL = synth.Layout(
    title_rows=2,
    info_line=1,
    subtotals="name",
    repeated_title=True,
    repeated_header=True,
    merged_required=True,
    merged_optional=True,
)


@pytest.fixture(scope="module")
def district() -> dict[str, list[dict]]:
    return synth.make_messy_district(200, seed=SEED, n_streets=4, subtotal_names=True)


def _street(district: dict[str, list[dict]]) -> str:
    return district["compounds"][0]["street"]


def _expected(district: dict[str, list[dict]], street: str) -> dict[str, list[dict]]:
    return synth._street_rows(district, street)


# --- a small reader of our own ---------------------------------------------------------------

_DATE_RE = re.compile(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})日?")


def _id(cell: object) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, int | float):
        return str(int(cell))
    text = str(cell).strip()
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    return text or None


def _value(cell: object, ftype: str) -> object:
    if isinstance(cell, str):
        cell = cell.strip()
        if ftype in ("int", "date"):
            cell = unicodedata.normalize("NFKC", cell)
    if cell is None or cell == "":
        return None
    if ftype in ("id", "idlist"):
        return _id(cell)
    if ftype == "date":
        if isinstance(cell, datetime):
            return cell.date()
        m = _DATE_RE.fullmatch(str(cell))
        assert m, cell
        return date(int(m[1]), int(m[2]), int(m[3]))
    if ftype == "int":
        return int(re.sub(r"[,户人]", "", str(cell)))
    if ftype == "bool":
        return {"是": True, "否": False}[cell]
    return cell


class Sheet:
    """One roster sheet as a grid of values (merged ranges over several rows filled down
    when `fill`), with its header located."""

    def __init__(
        self, key: str, grid: list[list], merges: list[tuple[int, int, int, int]], known: set[str]
    ) -> None:
        self.key = key
        self.known = known  # the roster's ids: a row with one of them is a data row
        self.raw = [list(r) for r in grid]
        self.merges = merges  # 1-based (r1, c1, r2, c2)
        self.grid = [list(r) for r in grid]
        for r1, c1, r2, c2 in merges:
            if c1 == c2 and r2 > r1:
                for r in range(r1, r2):
                    self.grid[r][c1 - 1] = self.grid[r1 - 1][c1 - 1]
        width = max(len(r) for r in self.grid)
        for r in self.grid:
            r.extend([None] * (width - len(r)))
        index = schema.header_index(key)
        id_label = ID_LABELS[key]
        self.header_row = next(
            i for i, r in enumerate(self.grid) if any(str(v or "").strip() == id_label for v in r)
        )
        upper = self.grid[self.header_row]
        lower = self.grid[self.header_row + 1]
        id_col = next(c for c, v in enumerate(upper) if str(v or "").strip() == id_label)
        # a second header row: no id under the id label, and some header label in it
        self.two_row = self.raw[self.header_row + 1][id_col] is None and any(
            v and schema.norm_label(str(v)) in index for v in lower
        )
        self.fields: dict[str, int] = {}
        for c in range(width):
            label = (lower[c] if self.two_row else None) or upper[c]
            if label is None:
                continue
            field = index.get(schema.norm_label(str(label)))
            if field is not None:
                self.fields.setdefault(field, c)

    def data_rows(self) -> list[int]:
        col = self.fields[schema.ROSTER_BY_KEY[self.key].id_field]
        return [i for i, r in enumerate(self.grid) if _id(r[col]) in self.known]

    def records(self) -> list[dict]:
        types = {f.key: f.type for f in schema.ROSTER_BY_KEY[self.key].fields}
        return [
            {f: _value(self.grid[i][c], types[f]) for f, c in self.fields.items()}
            for i in self.data_rows()
        ]

    def column(self, field: str, raw: bool = True) -> list:
        c = self.fields[field]
        return [r[c] for r in (self.raw if raw else self.grid)]


def _known(district: dict[str, list[dict]]) -> dict[str, set[str]]:
    return {r.key: {str(row[r.id_field]) for row in district[r.key]} for r in schema.ROSTERS}


def read_xlsx(path: Path, known: dict[str, set[str]]) -> tuple[openpyxl.Workbook, dict[str, Sheet]]:
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for key, name in ROSTER_SHEETS.items():
        ws = wb[name]
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        sheets[key] = Sheet(key, grid, merges, known[key])
    return wb, sheets


def read_csvs(paths: list[str], known: dict[str, set[str]]) -> dict[str, Sheet]:
    sheets = {}
    for key, name in ROSTER_SHEETS.items():
        path = next(p for p in paths if p.endswith(f"-{name}.csv"))
        raw = Path(path).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # GB18030, not UTF-8
        rows = list(csv.reader(io.StringIO(raw.decode("gb18030"), newline="")))
        grid = [[v if v != "" else None for v in r] for r in rows]
        sheets[key] = Sheet(key, grid, [], known[key])
    return sheets


def _values_mean_the_same(district: dict[str, list[dict]], street: str, sheets: dict) -> None:
    expected = _expected(district, street)
    for key, sheet in sheets.items():
        got = sheet.records()
        want = [{f: row[f] for f in sheet.fields} for row in expected[key]]
        assert len(got) == len(want), key
        assert got == want, key
        assert set(sheet.fields) == {f for _, _, f in synth._LEDGER_COLUMNS[key][2]}


def _texts(sheet: Sheet) -> list[str]:
    """The first non-blank text of every row."""
    out = []
    for r in sheet.raw:
        first = next((str(v).strip() for v in r if v not in (None, "")), "")
        out.append(first)
    return out


# --- layouts of one street file ----------------------------------------------------------------


def test_full_layout_xlsx_has_every_feature(tmp_path, district) -> None:
    street = _street(district)
    path = tmp_path / "full.xlsx"
    assert synth.write_messy_street(district, street, path, as_of=AS_OF, layout=FULL) == [str(path)]
    wb, sheets = read_xlsx(path, _known(district))
    _values_mean_the_same(district, street, sheets)

    # hidden sheets: the drop-down values and a stale copy of the compound roster
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states["下拉选项"] == "hidden"
    assert states["小区基本情况（上月）"] == "hidden"
    assert wb["小区基本情况（上月）"]["A1"].value == "小区编号"
    assert [s for s, v in states.items() if v == "visible"] == list(ROSTER_SHEETS.values())

    compounds = _expected(district, street)["compounds"]
    communities = list(dict.fromkeys(c["community"] for c in compounds))
    for key, sheet in sheets.items():
        ws = wb[ROSTER_SHEETS[key]]
        ncols = ws.max_column
        texts = _texts(sheet)
        title = f"{synth.DISTRICT_NAME}{street}{synth._LEDGER_COLUMNS[key][1]}"
        # 附件2, then the title merged across the table, then the 填报单位/填报日期 line
        assert ws["A1"].value == "附件2"
        assert ws["A2"].value == title
        assert f"A2:{openpyxl.utils.get_column_letter(ncols)}2" in ws.merged_cells
        assert "填报单位" in ws["A3"].value and "填报日期" in ws["A3"].value
        # two-row header: 序号 merged over both rows, groups merged across columns
        assert sheet.two_row and sheet.header_row == 3
        assert ws["A4"].value == "序号" and "A4:A5" in ws.merged_cells
        wide = [m for m in ws.merged_cells.ranges if m.min_row == 4 == m.max_row]
        assert wide and all(m.max_col > m.min_col for m in wide)
        data = sheet.data_rows()
        first, last = data[0], data[-1]
        # blank rows among the data, a 合计 row with sums, footer lines
        inside = [i for i in range(first, last) if all(v is None for v in sheet.raw[i])]
        assert len(inside) >= FULL.blank_rows
        sums = synth._LEDGER_SUMS[key]
        rows = _expected(district, street)[key]
        total_row = next(
            i for i, t in enumerate(texts) if i > last and (t == "合计" or t.endswith("合计"))
        )
        for f in sums:
            assert sheet.raw[total_row][sheet.fields[f]] == sum(r[f] or 0 for r in rows)
        assert any(t.startswith("填表人") and "联系电话" in t for t in texts[total_row:])
        assert any(t.startswith("填表说明") for t in texts[total_row:])
        # ids stored as numbers (read back as floats by most readers)
        id_field = {"compounds": "compound_id", "committees": "compound_id"}.get(key, "host_ref")
        assert any(isinstance(v, int | float) for v in sheet.column(id_field))
        # numbers typed as text, dates as text in every form and as Excel dates
        texts_of = [v for f in sums for v in sheet.column(f) if isinstance(v, str)]
        assert texts_of
        if key == "compounds":
            hh = [v for v in sheet.column("households") if isinstance(v, str)]
            assert any("户" in v for v in hh) and any("," in v for v in hh)
            assert any(unicodedata.normalize("NFKC", v) != v for v in hh)  # full-width digits
        if key == "committees":
            assert any(isinstance(v, str) and v.endswith("人") for v in sheet.column("members"))
        date_fields = [
            f.key
            for f in schema.ROSTER_BY_KEY[key].fields
            if f.type == "date" and f.key in sheet.fields
        ]
        dates = [v for f in date_fields for v in sheet.column(f)]
        forms = {
            "cn": r"\d{4}年\d{1,2}月\d{1,2}日",
            "dot": r"\d{4}\.\d{1,2}\.\d{1,2}",
            "slash": r"\d{4}/\d{2}/\d{2}",
            "compact": r"\d{8}",
        }
        for name, rx in forms.items():
            assert any(isinstance(v, str) and re.fullmatch(rx, v) for v in dates), (key, name)
        assert any(isinstance(v, datetime) for v in dates), key

    sheet = sheets["compounds"]
    ws = wb["小区基本情况"]
    texts = _texts(sheet)
    data = sheet.data_rows()
    name_col = sheet.fields["name"]
    # per-community 小计 rows labelled in the name column, with sums; the 合计 there too
    subtotals = [i for i, r in enumerate(sheet.raw) if str(r[name_col] or "").endswith("社区小计")]
    assert len(subtotals) == len(communities)
    for i, community in zip(subtotals, communities, strict=True):
        row = sheet.raw[i]
        assert row[name_col] == f"{community}小计"
        assert row[0] is None and row[sheet.fields["compound_id"]] is None
        want = sum(c["households"] for c in compounds if c["community"] == community)
        assert row[sheet.fields["households"]] == want
    assert any(r[name_col] == f"{street}合计" for r in sheet.raw)
    # the title and the header again before a second block of data rows
    title = f"{synth.DISTRICT_NAME}{street}小区基本情况台账"
    at = [i for i, t in enumerate(texts) if t == title]
    assert len(at) == 2 and data[0] < at[1] < data[-1]
    assert sheet.raw[at[1] + 1][sheet.fields["compound_id"]] == "小区编号"
    assert f"A{at[1] + 1}:{openpyxl.utils.get_column_letter(ws.max_column)}{at[1] + 1}" in (
        ws.merged_cells
    )
    # vertically merged cells over data rows: 街道 and 社区, and optional columns
    data_set = set(data)

    def merged_over_data(field: str) -> list[tuple[int, int, object]]:
        c = sheet.fields[field] + 1
        out = []
        for m in ws.merged_cells.ranges:
            if m.min_col == c == m.max_col and m.max_row > m.min_row:
                rows = set(range(m.min_row - 1, m.max_row))
                if rows <= data_set:
                    out.append((m.min_row, m.max_row, ws.cell(m.min_row, c).value))
        return out

    for field in ("street", "community", "in_scope", "committee_eligible", "service_company"):
        assert merged_over_data(field), field
    assert any(v == "否" and r2 - r1 + 1 >= 3 for r1, r2, v in merged_over_data("in_scope"))
    # a compound (valid id) whose name begins with 小计 or 总计
    names = [sheet.raw[i][name_col] for i in data]
    assert any(str(n).startswith(("小计", "总计")) for n in names)
    # stray spaces around values (under the merges of 街道/社区 too, see the CSV test)
    assert any(isinstance(v, str) and v != v.strip(" ") for v in sheet.column("name"))


def test_plain_layouts_without_title_serial_or_two_row_header(tmp_path, district) -> None:
    street = _street(district)
    layout = synth.Layout(
        title_rows=0,
        info_line=2,
        two_row_header=False,
        serial=False,
        blank_rows=0,
        subtotals="serial",
        grand_total=True,
        footer=False,
        hidden_sheets=False,
        float_ids=False,
        text_numbers=False,
        text_dates=False,
        stray_spaces=False,
    )
    path = tmp_path / "plain.xlsx"
    synth.write_messy_street(district, street, path, as_of=AS_OF, layout=layout)
    wb, sheets = read_xlsx(path, _known(district))
    _values_mean_the_same(district, street, sheets)
    assert wb.sheetnames == list(ROSTER_SHEETS.values())
    for key, sheet in sheets.items():
        ws = wb[ROSTER_SHEETS[key]]
        # the info line in two cells, the one-row header right under it, no 序号
        assert ws["A1"].value.startswith("填报单位") and any(
            str(v or "").startswith("填报日期") for v in sheet.raw[0][1:]
        )
        assert sheet.header_row == 1 and not sheet.two_row
        assert ws["A2"].value == ID_LABELS[key]
        assert not any(m.min_row > 1 for m in ws.merged_cells.ranges)
        # counts and dates as numbers, ids as text
        roster = schema.ROSTER_BY_KEY[key]
        for field, c in sheet.fields.items():
            ftype = roster.field(field).type
            for v in (sheet.grid[i][c] for i in sheet.data_rows()):
                if ftype in ("int", "date"):
                    assert v is None or not isinstance(v, str), (key, field, v)
                elif field == roster.id_field:
                    assert isinstance(v, str), (key, field, v)
    # 小计 in column A (which is the id column here) under each community
    texts = _texts(sheets["compounds"])
    assert texts.count("小计") == len(
        {c["community"] for c in _expected(district, street)["compounds"]}
    )
    assert texts[-1] == "合计"


def test_csv_variant_is_gb18030_without_merges(tmp_path, district) -> None:
    street = _street(district)
    paths = synth.write_messy_street(district, street, tmp_path / "街道.csv", layout=FULL)
    assert sorted(Path(p).name for p in paths) == sorted(
        f"街道-{name}.csv" for name in ROSTER_SHEETS.values()
    )
    sheets = read_csvs(paths, _known(district))
    _values_mean_the_same(district, street, sheets)
    compounds = sheets["compounds"]
    texts = _texts(compounds)
    title = f"{synth.DISTRICT_NAME}{street}小区基本情况台账"
    assert texts[0] == "附件2" and texts[1] == title and texts.count(title) == 2
    assert texts[2].startswith("填报单位")
    # no merged cells: every data row carries its street, community and 纳入统计
    for field in ("street", "community", "in_scope"):
        col = compounds.fields[field]
        assert all(compounds.raw[i][col] for i in compounds.data_rows()), field
    # float ids as a spreadsheet export writes them, ISO dates for the Excel-date cells
    ids = compounds.column("compound_id")
    assert any(isinstance(v, str) and v.endswith(".0") for v in ids)
    dates = compounds.column("service_since")
    assert any(isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in dates)
    assert any(str(v or "").endswith("社区小计") for v in compounds.column("name"))
    # stray and full-width spaces around values
    assert any(isinstance(v, str) and v != v.strip(" ") for v in compounds.column("street"))
    assert any(isinstance(v, str) and v.endswith("\u3000") for v in compounds.column("community"))


def test_layout_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        synth.Layout(subtotals="column")
    with pytest.raises(ValueError):
        synth.Layout(title_rows=3)
    with pytest.raises(ValueError):
        synth.Layout(title_rows=0, repeated_title=True)
    with pytest.raises(ValueError):
        synth.street_layout(0, ["no-such-finding"])


def test_messy_district_data(district) -> None:
    """Three out-of-scope compounds together in one community of every street (for the
    merged 纳入统计=否), and the compounds named 小计…/总计… are in scope."""
    by_street: dict[str, list[dict]] = {}
    for c in district["compounds"]:
        by_street.setdefault(c["street"], []).append(c)
    for rows in by_street.values():
        pattern = "".join("0" if not c["in_scope"] else "1" for c in rows)
        assert "000" in pattern
        i = pattern.index("000")
        assert len({c["community"] for c in rows[i : i + 3]}) == 1
        named = [c for c in rows if c["name"].startswith(("小计", "总计"))]
        assert len(named) == 1 and named[0]["in_scope"]
    ids = [c["compound_id"] for c in district["compounds"]]
    assert len(ids) == len(set(ids)) and set(ids) == {
        c["compound_id"] for c in synth.make_district(200, seed=SEED, n_streets=4)["compounds"]
    }
    assert synth.make_messy_district(200, seed=SEED, n_streets=4, subtotal_names=True) == district


# --- a whole messy district --------------------------------------------------------------------


def test_write_messy_district(tmp_path) -> None:
    folder = tmp_path / "区"
    md = synth.write_messy_district(folder, 400, seed=SEED, n_streets=8)
    assert len(md.layouts) == 8 and md.csv_streets == list(md.layouts)[3::4]
    xlsx = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")
    csvs = sorted(p for p in folder.iterdir() if p.suffix == ".csv")
    assert len(xlsx) == 6 and len(csvs) == 6 and len(md.files) == 12
    assert json.loads((folder / "expected.json").read_text(encoding="utf-8")) == md.truth
    # every classic variant appears in some street, every finding in every street
    layouts = list(md.layouts.values())
    for attr in ("title_rows", "info_line", "two_row_header", "serial", "merged_required"):
        assert len({getattr(lay, attr) for lay in layouts}) > 1, attr
    assert {lay.blank_rows for lay in layouts} >= {0, 1, 2, 3}
    assert all(
        lay.subtotals == "name" and lay.merged_optional and lay.repeated_header for lay in layouts
    )
    # the truth is the generator's: compounds in scope, rows per roster
    truth = md.truth
    scoped = [c for c in md.district["compounds"] if c["in_scope"]]
    assert truth["total"]["compounds"] == len(scoped) == truth["total"]["committee"]["denominator"]
    assert truth["rows"] == {k: len(v) for k, v in md.district.items()}
    assert sum(s["compounds"] for s in truth["streets"].values()) == len(scoped)
    # deterministic: the same arguments give the same bytes
    again = synth.write_messy_district(tmp_path / "again", 400, seed=SEED, n_streets=8)
    for a, b in zip(md.files, again.files, strict=True):
        assert Path(a).read_bytes() == Path(b).read_bytes(), a


@pytest.mark.parametrize(
    "subtotal_names",
    [
        pytest.param(False, id="plain-names"),
        pytest.param(True, id="subtotal-names"),
    ],
)
def test_truth_agrees_with_sanlv_on_a_standard_workbook(tmp_path, subtotal_names: bool) -> None:
    """The generator's truth and sanlv agree where there is nothing to misread: the same
    rows in one standard workbook (so a failure of the messy test below is a reading
    problem, not a different 口径)."""
    district = synth.make_messy_district(300, seed=SEED, n_streets=8, subtotal_names=subtotal_names)
    path = tmp_path / "standard.xlsx"
    synth.write_workbook(district, path)
    for as_of in (AS_OF, date(2023, 6, 30)):
        report = _report([path], as_of)
        assert _mismatches(synth.district_truth(district, as_of), report) == []


# --- sanlv reads a messy district to the generator's figures -----------------------------------

runner = CliRunner()


def _report(paths: list[Path], as_of: date = AS_OF) -> dict:
    r = runner.invoke(
        app, ["report", *map(str, paths), "--as-of", as_of.isoformat(), "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _validate(paths: list[Path], as_of: date = AS_OF) -> dict:
    r = runner.invoke(
        app, ["validate", *map(str, paths), "--as-of", as_of.isoformat(), "--format", "json"]
    )
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def _mismatches(truth: dict, report: dict) -> list:
    """Where sanlv's report differs from the truth: compounds in scope and every rate's
    numerator and denominator, for the total, each street and each community. A level sanlv
    leaves out must have nothing in it; a street sanlv adds is a mismatch."""
    bad: list = []

    def one(where: object, want: dict, got: dict | None) -> None:
        if got is None:
            if want["compounds"] or any(want[k]["denominator"] for k in synth.RATE_KEYS):
                bad.append((where, "missing"))
            return
        if want["compounds"] != got["compounds"]:
            bad.append((where, "compounds", want["compounds"], got["compounds"]))
        for k in synth.RATE_KEYS:
            w = (want[k]["numerator"], want[k]["denominator"])
            g = (got[k]["numerator"], got[k]["denominator"])
            if w != g:
                bad.append((where, k, w, g))

    one("total", truth["total"], report["total"])
    streets = {s["street"]: s for s in report["streets"]}
    for street, want in truth["streets"].items():
        one(street, want, streets.get(street))
    communities = {(c["street"], c["community"]): c for c in report["communities"]}
    for street, comms in truth["communities"].items():
        for community, want in comms.items():
            one((street, community), want, communities.get((street, community)))
    bad += [("street not in the truth", s) for s in sorted(set(streets) - set(truth["streets"]))]
    known = {(s, c) for s, comms in truth["communities"].items() for c in comms}
    bad += [("community not in the truth", k) for k in sorted(set(communities) - known)]
    return bad


CASES = [
    pytest.param((), id="classic"),
    pytest.param(("name-subtotals",), id="name-subtotals"),
    pytest.param(("merged-optional",), id="merged-optional"),
    pytest.param(("repeated-title",), id="repeated-title"),
    pytest.param(("repeated-header",), id="repeated-header"),
    pytest.param(("subtotal-names",), id="subtotal-names"),
    pytest.param(synth.FIELD_FINDINGS, id="all-findings"),
]


@pytest.mark.parametrize("findings", CASES)
def test_messy_street_files_validate_clean(tmp_path, findings: tuple[str, ...]) -> None:
    """A messy district (8 streets, 2 of them as GB18030 CSV) validates with 0 errors, every
    row is used or skipped with a reason, and the report's figures are the generator's."""
    md = synth.write_messy_district(
        tmp_path, 200, seed=SEED, n_streets=8, findings=findings, truth_file=None
    )
    result = _validate([tmp_path])
    errors = [i for i in result["issues"] if i["severity"] == "error"]
    shown = [(e["file"], e["row"], e["code"], e["message"]) for e in errors[:5]]
    assert result["counts"]["error"] == 0, shown
    rows = result["rows"]
    assert rows["used"] == sum(md.truth["rows"].values())
    assert rows["read"] == rows["used"] + rows["skipped"]
    assert _mismatches(md.truth, _report([tmp_path])) == []
