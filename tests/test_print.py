"""How sanlv's workbooks come out on paper (SPEC section 5): printed with LibreOffice to PDF
and measured with poppler (pdfinfo, pdftotext, pdftoppm).

Skipped when `soffice` (or poppler) is not installed. Everything is converted in one
LibreOffice run with a private profile, so parallel test runs do not clash. The page-1 PNGs
for humans are left in the module's temporary folder (see `page_png`).

One page wide is checked on the printed pages themselves: a copy of each workbook gets one
extra row per sheet with a marker in its first and in its last used column; on paper both
markers of a sheet must stand on the same page (a sheet cut into two page widths puts them
on different pages).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, range_boundaries
from typer.testing import CliRunner

from sanlv.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "示例区.xlsx"
PERIOD = "2026-10"
# Sane page counts for the 400-compound sample: the report is a few pages of tables and a
# to-do list of ~450 rows (16 pages in Nov 2026); the ledger has ~1,000 roster rows and one
# to-do sheet per street (29 pages).
MAX_REPORT_PAGES = 30
MAX_LEDGER_PAGES = 50
MIN_TEXT_PT = 8.0
# LibreOffice's word boxes in pdftotext -bbox are 1.30 x the font size (measured on 8, 10 and
# 16 pt cells; the same rule as /work/shared/tools/printcheck.py).
BOX_PER_PT = 1.30
A4_LANDSCAPE = (841.89, 595.30)  # points

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("soffice", "pdfinfo", "pdftotext", "pdftoppm")),
    reason="LibreOffice (soffice) and poppler (pdfinfo, pdftotext, pdftoppm) are needed",
)

runner = CliRunner()


# --- poppler helpers -------------------------------------------------------------------------


@dataclass
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def size_pt(self) -> float:
        """The font size the word box stands for."""
        return (self.y_max - self.y_min) / BOX_PER_PT


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    m = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    assert m, info.stdout
    return int(m[1])


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Width and height in points of every page."""
    n = pdf_pages(pdf)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(n), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


_PAGE_RE = re.compile(r"<page\b[^>]*>(.*?)</page>", re.S)
_WORD_RE = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def page_words(pdf: Path, first: int = 1, last: int | None = None) -> list[list[Word]]:
    """The words of each page (from `first` to `last`, default all) with their boxes."""
    args = ["pdftotext", "-bbox", "-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = []
    for body in _PAGE_RE.findall(out.stdout):
        pages.append(
            [
                Word(text, float(a), float(b), float(c), float(d))
                for a, b, c, d, text in _WORD_RE.findall(body)
            ]
        )
    return pages


def page_png(pdf: Path, out_dir: Path, resolution: int = 80) -> Path:
    """Page 1 of `pdf` as a PNG in `out_dir`, for a human to look at."""
    prefix = out_dir / f"{pdf.stem}-page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )
    found = sorted(out_dir.glob(f"{prefix.name}-*1.png"))
    assert found, f"pdftoppm wrote no page 1 for {pdf}"
    return found[0]


def to_pdf(files: list[Path], out_dir: Path, profile: Path) -> list[Path]:
    """Print `files` to PDF in one LibreOffice run with the private profile `profile`."""
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, files),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    pdfs = [out_dir / (f.stem + ".pdf") for f in files]
    missing = [p.name for p in pdfs if not p.exists()]
    assert not missing, f"LibreOffice did not print {missing}"
    return pdfs


# --- one page wide -----------------------------------------------------------------------------


def _marker(side: str, i: int) -> str:
    return f"QZ{side}{i:02d}"


def with_width_markers(src: Path, dst: Path) -> list[str]:
    """Copy `src` to `dst` with one extra row under each visible sheet's content holding a
    marker in its first and its last used column (small text, so it stays in its cell).
    Returns the visible sheets' names in order; sheet i has markers QZL<i> and QZR<i>."""
    wb = openpyxl.load_workbook(src)
    names = []
    font = Font(size=6)
    for i, ws in enumerate(wb.worksheets):
        if ws.sheet_state != "visible":
            continue
        names.append(ws.title)
        area = ws.print_area  # e.g. "'说明'!$A$1:$F$51", or None for the used range
        if area:
            ref = area.split(",")[0].split("!")[-1].replace("$", "")
            lo, hi = range_boundaries(ref)[0], range_boundaries(ref)[2]
            first, last, row = lo, hi, range_boundaries(ref)[3] + 1
            ws.print_area = f"{get_column_letter(first)}1:{get_column_letter(last)}{row}"
        else:
            used = [c.column for r in ws.iter_rows() for c in r if c.value not in (None, "")]
            used += [m.max_col for m in ws.merged_cells.ranges]
            first, last, row = min(used), max(used), ws.max_row + 1
        if first == last:  # one column: both markers in its cell
            ws.cell(row, first, f"{_marker('L', i)} {_marker('R', i)}").font = font
            continue
        for col, side in ((first, "L"), (last, "R")):
            ws.cell(row, col, _marker(side, i)).font = font
    wb.save(dst)
    return names


def width_problems(pdf: Path, names: list[str], sheet_index: dict[str, int]) -> list[str]:
    """Sheets whose two markers are not on one printed page."""
    where: dict[str, list[int]] = {}
    for p, words in enumerate(page_words(pdf), start=1):
        for w in words:
            if w.text.startswith("QZ"):
                where.setdefault(w.text, []).append(p)
    problems = []
    for name in names:
        i = sheet_index[name]
        left, right = where.get(_marker("L", i)), where.get(_marker("R", i))
        if left is None or right is None:
            problems.append(f"{name}: marker not printed (left {left}, right {right})")
        elif left != right:
            problems.append(f"{name}: first column on page {left}, last column on page {right}")
    return problems


# --- the printed workbooks ---------------------------------------------------------------------


@dataclass
class Printed:
    folder: Path
    report: Path  # PDFs
    ledger: Path
    report_marked: Path
    ledger_marked: Path
    sheets: dict[str, list[str]]  # visible sheets of report.xlsx and ledger.xlsx
    indices: dict[str, dict[str, int]]
    wide_marked: Path  # a sheet two pages wide, to show that the width check sees it
    trend: Path
    trend_marked: Path
    seconds: float


def _too_wide(path: Path) -> None:
    """A sheet of 40 columns printed at 100 %: two or more pages wide."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "宽表"
    for r in range(1, 6):
        for c in range(1, 41):
            ws.cell(r, c, f"第{r}行第{c}列")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    wb.save(path)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    start = time.monotonic()
    folder = tmp_path_factory.mktemp("print")
    report = folder / "report.xlsx"
    ledger = folder / "ledger.xlsx"
    r = runner.invoke(app, ["report", str(SAMPLE), "--period", PERIOD, "-o", str(report)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["ledger", str(SAMPLE), "--period", PERIOD, "-o", str(ledger)])
    assert r.exit_code == 0, r.output
    trend = folder / "trend.xlsx"
    r = runner.invoke(
        app, ["trend", str(SAMPLE), "--from", "2026-08", "--to", PERIOD, "-o", str(trend)]
    )
    assert r.exit_code == 0, r.output
    wide = folder / "wide.xlsx"
    _too_wide(wide)
    sheets, indices = {}, {}
    for path in (report, ledger, wide, trend):
        marked = folder / f"{path.stem}-marked.xlsx"
        sheets[path.name] = with_width_markers(path, marked)
        wb = openpyxl.load_workbook(path, read_only=True)
        indices[path.name] = {ws.title: i for i, ws in enumerate(wb.worksheets)}
        wb.close()
    marked = [folder / f"{p.stem}-marked.xlsx" for p in (report, ledger, wide, trend)]
    pdfs = to_pdf([report, ledger, *marked, trend], folder, folder / "lo-profile")
    for pdf in pdfs[:2]:
        page_png(pdf, folder)
    return Printed(
        folder=folder,
        report=pdfs[0],
        ledger=pdfs[1],
        report_marked=pdfs[2],
        ledger_marked=pdfs[3],
        wide_marked=pdfs[4],
        trend_marked=pdfs[5],
        trend=pdfs[6],
        sheets=sheets,
        indices=indices,
        seconds=time.monotonic() - start,
    )


def test_report_page_count_and_paper(printed: Printed) -> None:
    pages = pdf_pages(printed.report)
    assert 1 <= pages < MAX_REPORT_PAGES, pages
    for w, h in page_sizes(printed.report):
        assert (round(w), round(h)) == tuple(map(round, A4_LANDSCAPE))


def test_report_is_one_page_wide(printed: Printed) -> None:
    names = printed.sheets["report.xlsx"]
    assert width_problems(printed.report_marked, names, printed.indices["report.xlsx"]) == []


def test_width_check_sees_a_sheet_two_pages_wide(printed: Printed) -> None:
    problems = width_problems(printed.wide_marked, ["宽表"], printed.indices["wide.xlsx"])
    assert len(problems) == 1 and "last column on page" in problems[0], problems


def test_ledger_page_count_and_paper(printed: Printed) -> None:
    pages = pdf_pages(printed.ledger)
    assert 1 <= pages < MAX_LEDGER_PAGES, pages
    for w, h in page_sizes(printed.ledger):
        assert (round(w), round(h)) == tuple(map(round, A4_LANDSCAPE))


def test_ledger_every_sheet_is_one_page_wide(printed: Printed) -> None:
    names = printed.sheets["ledger.xlsx"]
    assert len(names) >= 3
    assert width_problems(printed.ledger_marked, names, printed.indices["ledger.xlsx"]) == []


def test_report_page1_has_no_text_under_8pt(printed: Printed) -> None:
    _no_small_text_on_page1(printed.report)


def test_trend_prints_one_page_wide_and_page1_reads(printed: Printed) -> None:
    """全区 holds the headline rates only (all nine with their counts printed at 3.4 pt); the
    other rates have sheets of their own."""
    names = printed.sheets["trend.xlsx"]
    assert width_problems(printed.trend_marked, names, printed.indices["trend.xlsx"]) == []
    _no_small_text_on_page1(printed.trend)


def _no_small_text_on_page1(pdf: Path) -> None:
    words = page_words(pdf, 1, 1)[0]
    assert words, "page 1 has no text"
    small = sorted({(round(w.size_pt, 1), w.text) for w in words if w.size_pt < MIN_TEXT_PT - 0.05})
    assert small == [], f"{len(small)} words under {MIN_TEXT_PT} pt, e.g. {small[:5]}"


def test_page1_png_for_humans(printed: Printed) -> None:
    for pdf in (printed.report, printed.ledger):
        png = next(printed.folder.glob(f"{pdf.stem}-page-*1.png"))
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 1000


def test_print_tests_are_quick(printed: Printed) -> None:
    """Building, printing and measuring the two workbooks stays well under half a minute
    (10–12 s on a two-core machine in Nov 2026)."""
    assert printed.seconds < 60, printed.seconds
