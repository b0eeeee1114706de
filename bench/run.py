"""Benchmark: time sanlv's commands against the raw fastexcel read of the same workbook.

    python bench/run.py [--sizes 1000 10000 100000] [--runs 3] [--out bench/out]
                        [--skip-writes] [--peers] [--brief] [--city 100000] [--workspace 10000]

For each size it generates a seeded synthetic district (all three rosters) and times, in
interleaved rounds on the same file: the raw read (fastexcel, every sheet), `sanlv validate
--format json`, `sanlv report --format json`, `sanlv report -o report.xlsx`, `sanlv ledger -o
ledger.xlsx`, and the bare writes of the ledger's and the report's own cells with xlsxwriter
and with the fast writer (the floors of any workbook written with either library). With
`--fallback` it also times `report -o` and `ledger -o` with `SANLV_XLSX_WRITER=xlsxwriter`
(the fallback backend). With `--city N` it also times a city of 10 districts and
N compounds in all (raw read, validate and report JSON). With `--brief` it also times `sanlv
brief -o 通报.docx` (the Word 通报 with its chart), whose ratio is also given against `report
--format json` (the goal is at most 2 ×).

Each figure is a whole process (interpreter start included; sanlv byte-compiled first, as an
installed copy is): the median wall time over the runs, the median CPU time (user + system,
both cores), and the peak resident memory of the process. Ratios are to the raw read of the
same file (wall and CPU); the ledger's wall ratio is to the raw read plus the bare write of
its cells, and the report workbook's is also given against the raw read plus the bare write
of the report's cells (each with the library of the backend in use).
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
SANLV = [PY, "-m", "sanlv"]
AS_OF = ["--as-of", "2026-10-31"]


def compile_package() -> None:
    """Byte-compile sanlv, as `pip install .` does. An editable install never writes its
    bytecode when PYTHONDONTWRITEBYTECODE is set, so every timed run would otherwise compile
    the package's source again (about 0.1 s) - a cost an installed copy does not have."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("sanlv")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("sanlv is not installed: pip install -e . first")
    compileall.compile_dir(spec.submodule_search_locations[0], quiet=1)


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """Run a command; wall seconds, CPU seconds (user + system) and peak RSS in MB."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def generate(kind: str, n: int, path: Path) -> Path:
    """A seeded synthetic district (kind "district") or city of 10 districts ("city"),
    written in a child process so this process stays small."""
    if not path.exists():
        make = "make_district(n, seed=n)" if kind == "district" else "make_city(n, 10, seed=n)"
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
            "from tests.synth import make_city, make_district, write_workbook; "
            f"n = int(sys.argv[1]); write_workbook({make}, sys.argv[2])"
        )
        subprocess.run([PY, "-c", code, str(n), str(path)], check=True)
    return path


def workbook_cells(book: Path, dest: Path) -> Path:
    """A written workbook's cell values, pickled, for the bare-write baseline (in a child
    process, so this process stays small: a forked child's peak memory starts from the
    parent's)."""
    subprocess.run([PY, str(HERE / "run.py"), "--dump-cells", str(book), str(dest)], check=True)
    return dest


def dump_cells(book: Path, dest: Path) -> None:
    import fastexcel

    reader = fastexcel.read_excel(str(book))
    sheets = {}
    for name in reader.sheet_names:
        table = reader.load_sheet(name, header_row=None).to_arrow()
        sheets[name] = [list(r.values()) for r in table.to_pylist()]
    with dest.open("wb") as fh:
        pickle.dump(sheets, fh)


Command = list[str] | Callable[[], list[str]]


def measure(cmds: dict[str, Command], runs: int) -> dict[str, tuple[float, float, float]]:
    """Interleaved rounds: each command once per round; medians of wall and CPU, max peak. A
    command given as a function is built anew for each run (untimed), e.g. to start from a
    fresh copy of a workspace."""
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    peaks = dict.fromkeys(cmds, 0.0)
    for _ in range(runs):
        for name, cmd in cmds.items():
            w, c, m = timed(cmd() if callable(cmd) else cmd)
            walls[name].append(w)
            cpus[name].append(c)
            peaks[name] = max(peaks[name], m)
    return {k: (statistics.median(walls[k]), statistics.median(cpus[k]), peaks[k]) for k in cmds}


def print_rows(label: str, med: dict[str, tuple[float, float, float]]) -> None:
    raw_wall, raw_cpu, _ = med["raw read (fastexcel)"]
    for name, (wall, cpu, peak) in med.items():
        if name.startswith("bare write"):
            ratio, cpu_ratio = "", ""
        elif name.startswith("ledger -o") and _floor(med, name, "ledger"):
            floor = raw_wall + _floor(med, name, "ledger")
            ratio = f"{wall / raw_wall:.2f} ({wall / floor:.2f} × read+write)"
            cpu_ratio = f"{cpu / raw_cpu:.2f}"
        elif name == BRIEF and "report --format json" in med:
            json_wall, json_cpu, _ = med["report --format json"]
            ratio = f"{wall / raw_wall:.2f} ({wall / json_wall:.2f} × report json)"
            cpu_ratio = f"{cpu / raw_cpu:.2f} ({cpu / json_cpu:.2f} × report json)"
        elif name.startswith("report -o") and _floor(med, name, "report"):
            floor = raw_wall + _floor(med, name, "report")
            ratio = f"{wall / raw_wall:.2f} ({wall / floor:.2f} × read+write)"
            cpu_ratio = f"{cpu / raw_cpu:.2f}"
        else:
            ratio, cpu_ratio = f"{wall / raw_wall:.2f}", f"{cpu / raw_cpu:.2f}"
        print(
            f"| {label} | {name} | {wall:.2f} | {ratio} | {cpu:.2f} | {cpu_ratio} | {peak:.0f} |",
            flush=True,
        )


BRIEF = "brief -o 通报.docx"
FALLBACK = " (xlsxwriter)"


def fast_writer() -> bool:
    """Whether sanlv here writes with the fast backend (installed, not turned off)."""
    if os.environ.get("SANLV_XLSX_WRITER", "").strip().lower() == "xlsxwriter":
        return False
    try:
        import rvgsrust_xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


def _floor(med: dict, name: str, book: str) -> float:
    """The bare write of `book`'s cells with the library the timed command used (0: none)."""
    fast = fast_writer() and not name.endswith(FALLBACK)
    key = {"ledger": "bare write", "report": "bare write of the report's cells"}[book]
    key += " (fast writer)" if fast else (" (xlsxwriter)" if book == "ledger" else "")
    return med[key][0] if key in med else 0.0


def district_case(
    n: int,
    out: Path,
    runs: int,
    skip_writes: bool,
    brief: bool = False,
    peers: bool = False,
    fallback: bool = False,
) -> None:
    wb = generate("district", n, out / f"district_{n}.xlsx")
    rep, led = out / f"report_{n}.xlsx", out / f"ledger_{n}.xlsx"
    cells = report_cells = out / "unused.pkl"
    if not skip_writes:  # the bare-write baselines need the cells of each workbook
        for cmd, book in (("ledger", led), ("report", rep)):
            subprocess.run(
                [*SANLV, cmd, str(wb), "-o", str(book), "--force", *AS_OF],
                check=True,
                capture_output=True,
            )
        cells = workbook_cells(led, out / f"ledger_{n}.pkl")
        report_cells = workbook_cells(rep, out / f"report_{n}.pkl")
    cmds = {
        "raw read (fastexcel)": [PY, str(HERE / "raw_read.py"), str(wb)],
        "validate --format json": [*SANLV, "validate", str(wb), "--format", "json", *AS_OF],
        "report --format json": [*SANLV, "report", str(wb), "--format", "json", *AS_OF],
        "report -o report.xlsx": [*SANLV, "report", str(wb), "-o", str(rep), *AS_OF],
        "ledger -o ledger.xlsx": [*SANLV, "ledger", str(wb), "-o", str(led), *AS_OF],
        "bare write (xlsxwriter)": [
            PY,
            str(HERE / "bare_write.py"),
            str(cells),
            str(out / "b.xlsx"),
        ],
        "bare write of the report's cells": [
            PY,
            str(HERE / "bare_write.py"),
            str(report_cells),
            str(out / "bare_report.xlsx"),
        ],
    }
    if fast_writer():
        cmds["bare write (fast writer)"] = [
            PY,
            str(HERE / "bare_write.py"),
            str(cells),
            str(out / "b_fast.xlsx"),
            "rust",
        ]
        cmds["bare write of the report's cells (fast writer)"] = [
            PY,
            str(HERE / "bare_write.py"),
            str(report_cells),
            str(out / "bare_report_fast.xlsx"),
            "rust",
        ]
    if fallback and fast_writer():
        env = ["env", "SANLV_XLSX_WRITER=xlsxwriter"]
        cmds["report -o report.xlsx" + FALLBACK] = [
            *env,
            *SANLV,
            "report",
            str(wb),
            "-o",
            str(out / "report_x.xlsx"),
            "--force",
            *AS_OF,
        ]
        cmds["ledger -o ledger.xlsx" + FALLBACK] = [
            *env,
            *SANLV,
            "ledger",
            str(wb),
            "-o",
            str(out / "ledger_x.xlsx"),
            "--force",
            *AS_OF,
        ]
    if skip_writes:
        cmds = {k: v for k, v in cmds.items() if "json" in k or k.startswith("raw")}
    if brief:
        doc = out / f"brief_{n}.docx"
        cmds[BRIEF] = [*SANLV, "brief", str(wb), "-o", str(doc), "--force", *AS_OF]
    if peers:
        check_polars_figures(wb)
        cmds["peer: polars read + committee rate"] = [
            PY,
            str(HERE / "peers.py"),
            "polars",
            str(wb),
            AS_OF[1],
        ]
        cmds["peer: frictionless, one sheet, types"] = [
            PY,
            str(HERE / "peers.py"),
            "frictionless",
            str(wb),
        ]
    print_rows(f"district {n:,}", measure(cmds, runs))


def check_polars_figures(wb: Path) -> None:
    """The polars peer computes the same figures as sanlv (the committee rate per street),
    or the comparison is void. Compared in a child process, with sanlv's JSON in a file:
    this process stays small, so that the children's peak memory is their own."""
    report = wb.with_suffix(".report.json")
    with report.open("wb") as fh:
        subprocess.run([*SANLV, "report", str(wb), "--format", "json", *AS_OF], stdout=fh)
    subprocess.run(
        [PY, str(HERE / "peers.py"), "check", str(wb), AS_OF[1], str(report)], check=True
    )


def city_case(n: int, out: Path, runs: int) -> None:
    wb = generate("city", n, out / f"city_{n}.xlsx")
    cmds = {
        "raw read (fastexcel)": [PY, str(HERE / "raw_read.py"), str(wb)],
        "validate --format json": [*SANLV, "validate", str(wb), "--format", "json", *AS_OF],
        "report --format json": [*SANLV, "report", str(wb), "--format", "json", *AS_OF],
    }
    print_rows(f"city of 10 districts, {n:,}", measure(cmds, runs))


def street_files(n: int, folder: Path) -> Path:
    """A seeded district of `n` compounds in 20 streets, written as 20 street ledgers (one
    workbook per street, the way street offices send them), in a child process."""
    if not folder.exists():
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
            "from tests.synth import make_district, write_street_ledger; "
            "n, folder = int(sys.argv[1]), Path(sys.argv[2]); folder.mkdir(parents=True); "
            "d = make_district(n, seed=n, n_streets=20); "
            "streets = sorted({c['street'] for c in d['compounds']}); "
            "[write_street_ledger(d, s, folder / f'{s}.xlsx') for s in streets]; "
            "pairs = sorted({(c['street'], c['community']) for c in d['compounds']}); "
            "(folder.parent / f'regions_{n}.csv').write_text('街道,社区\\n' + "
            "''.join(f'{s},{c}\\n' for s, c in pairs), encoding='utf-8')"
        )
        subprocess.run([PY, "-c", code, str(n), str(folder)], check=True)
    return folder


def workspace_case(n: int, out: Path, runs: int) -> None:
    """The monthly cycle: `receive` of a district's 20 street files into a fresh workspace
    against `validate` of the same files, `status`, `close` against `report --format json`
    (from the workspace), and the report from the workspace against the report from the
    files. Each timed run starts from a copy of the workspace in the state it needs."""
    files = street_files(n, out / f"streets_{n}")
    paths = sorted(str(p) for p in files.glob("*.xlsx"))
    period = ["--period", "2026-10"]
    empty, received = out / f"ws_empty_{n}", out / f"ws_received_{n}"
    for ws in (empty, received):
        shutil.rmtree(ws, ignore_errors=True)
        regions = out / f"regions_{n}.csv"
        subprocess.run(
            [*SANLV, "init", str(ws), "--regions", str(regions)], check=True, capture_output=True
        )
    subprocess.run(
        [*SANLV, "receive", *paths, *period, "--workspace", str(received)],
        check=True,
        capture_output=True,
    )
    scratch = out / f"ws_scratch_{n}"

    def fresh(template: Path, cmd: list[str]) -> Callable[[], list[str]]:
        """The command, run on a fresh copy of the workspace `template` each time."""

        def build() -> list[str]:
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.copytree(template, scratch)
            return [*cmd, "--workspace", str(scratch)]

        return build

    cases: dict[str, Command] = {
        "raw read (fastexcel)": [PY, str(HERE / "raw_read.py"), *paths],
        "validate 20 files --format json": [
            *SANLV,
            "validate",
            *paths,
            "--format",
            "json",
            "--as-of",
            "2026-10-31",
        ],
        "receive 20 files": fresh(empty, [*SANLV, "receive", *paths, *period]),
        "status": fresh(received, [*SANLV, "status", *period]),
        "report --format json (files)": [
            *SANLV,
            "report",
            *paths,
            "--format",
            "json",
            "--as-of",
            "2026-10-31",
        ],
        "report --format json (workspace)": fresh(
            received, [*SANLV, "report", *period, "--format", "json"]
        ),
        "close": fresh(received, [*SANLV, "close", *period]),
    }
    med = measure(cases, runs)
    shutil.rmtree(scratch, ignore_errors=True)
    print_rows(f"workspace, {n:,} in 20 street files", med)
    v, r, s = (
        med["validate 20 files --format json"][0],
        med["receive 20 files"][0],
        med["status"][0],
    )
    rep, close = med["report --format json (workspace)"][0], med["close"][0]
    print(
        f"| workspace | receive / validate | {r / v:.2f} (goal ≤ 1.3) | status {s:.2f} s "
        f"(goal < 0.5) | close − report json {close - rep:+.2f} s (goal ≤ 0.5) | "
        f"report from workspace / from files "
        f"{rep / med['report --format json (files)'][0]:.2f} (goal ≤ 1.0) |"
    )


def main() -> None:
    if sys.argv[1:2] == ["--dump-cells"]:
        dump_cells(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument(
        "--skip-writes",
        action="store_true",
        help="time only the raw read, validate and report --format json (no workbook writes)",
    )
    ap.add_argument("--city", type=int, default=0, help="also time a city of N compounds")
    ap.add_argument(
        "--peers",
        action="store_true",
        help="also time the peers (polars + the committee rate, frictionless on one sheet)",
    )
    ap.add_argument(
        "--workspace",
        type=int,
        default=0,
        help="also time the monthly cycle on a district of N compounds in 20 street files",
    )
    ap.add_argument("--brief", action="store_true", help="also time sanlv brief -o 通报.docx")
    ap.add_argument(
        "--fallback",
        action="store_true",
        help="also time report -o and ledger -o with the fallback writer (xlsxwriter)",
    )
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    compile_package()
    print("| case | command | median wall s | ratio | median CPU s | CPU ratio | peak MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for n in a.sizes:
        district_case(n, a.out, a.runs, a.skip_writes, a.brief, a.peers, a.fallback)
    if a.city:
        city_case(a.city, a.out, a.runs)
    if a.workspace:
        workspace_case(a.workspace, a.out, a.runs)
    load = os.getloadavg()
    rev = ""
    if shutil.which("git"):
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    writer = "the fast writer (rvgsrust-xlsxwriter)" if fast_writer() else "xlsxwriter"
    print(
        f"\nworkbooks written with {writer}; "
        f"commit {rev}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
