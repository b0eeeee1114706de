"""Benchmark: time sanlv's commands against the raw fastexcel read of the same workbook.

    python bench/run.py [--sizes 1000 10000 100000] [--runs 3] [--out bench/out]
                        [--skip-writes] [--city 100000] [--only-city] [--brief]

For each size it generates a seeded synthetic district (all three rosters) and times, in
interleaved rounds on the same file: the raw read (fastexcel, every sheet), `sanlv validate
--format json`, `sanlv report --format json`, `sanlv report -o report.xlsx`, `sanlv ledger -o
ledger.xlsx`, and the bare xlsxwriter writes of the ledger's and the report's own cells (the
floors of any xlsxwriter workbook). With `--city N` it also times a city of 10 districts and
N compounds in all (raw read, validate and report JSON). With `--brief` it also times `sanlv
brief -o 通报.docx` (the Word 通报 with its chart), whose ratio is also given against `report
--format json` (the goal is at most 2 ×).

Each figure is a whole process (interpreter start included; sanlv byte-compiled first, as an
installed copy is): the median wall time over the runs, the median CPU time (user + system,
both cores), and the peak resident memory of the process. Ratios are to the raw read of the
same file (wall and CPU); the ledger's wall ratio is to the raw read plus the bare write of
its cells, and the report workbook's is also given against the raw read plus the bare write
of the report's cells.
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


def measure(cmds: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float, float]]:
    """Interleaved rounds: each command once per round; medians of wall and CPU, max peak."""
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    peaks = dict.fromkeys(cmds, 0.0)
    for _ in range(runs):
        for name, cmd in cmds.items():
            w, c, m = timed(cmd)
            walls[name].append(w)
            cpus[name].append(c)
            peaks[name] = max(peaks[name], m)
    return {k: (statistics.median(walls[k]), statistics.median(cpus[k]), peaks[k]) for k in cmds}


def print_rows(label: str, med: dict[str, tuple[float, float, float]]) -> None:
    raw_wall, raw_cpu, _ = med["raw read (fastexcel)"]
    for name, (wall, cpu, peak) in med.items():
        if name.startswith("bare write"):
            ratio, cpu_ratio = "", ""
        elif name == "ledger -o ledger.xlsx" and "bare write (xlsxwriter)" in med:
            ratio = f"{wall / (raw_wall + med['bare write (xlsxwriter)'][0]):.2f} × (read+write)"
            cpu_ratio = f"{cpu / raw_cpu:.2f}"
        elif name == BRIEF and "report --format json" in med:
            json_wall, json_cpu, _ = med["report --format json"]
            ratio = f"{wall / raw_wall:.2f} ({wall / json_wall:.2f} × report json)"
            cpu_ratio = f"{cpu / raw_cpu:.2f} ({cpu / json_cpu:.2f} × report json)"
        elif name == "report -o report.xlsx" and "bare write of the report's cells" in med:
            floor = raw_wall + med["bare write of the report's cells"][0]
            ratio = f"{wall / raw_wall:.2f} ({wall / floor:.2f} × read+write)"
            cpu_ratio = f"{cpu / raw_cpu:.2f}"
        else:
            ratio, cpu_ratio = f"{wall / raw_wall:.2f}", f"{cpu / raw_cpu:.2f}"
        print(
            f"| {label} | {name} | {wall:.2f} | {ratio} | {cpu:.2f} | {cpu_ratio} | {peak:.0f} |",
            flush=True,
        )


BRIEF = "brief -o 通报.docx"


def district_case(n: int, out: Path, runs: int, skip_writes: bool, brief: bool = False) -> None:
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
    if skip_writes:
        cmds = {k: v for k, v in cmds.items() if "json" in k or k.startswith("raw")}
    if brief:
        doc = out / f"brief_{n}.docx"
        cmds[BRIEF] = [*SANLV, "brief", str(wb), "-o", str(doc), "--force", *AS_OF]
    print_rows(f"district {n:,}", measure(cmds, runs))


def city_case(n: int, out: Path, runs: int) -> None:
    wb = generate("city", n, out / f"city_{n}.xlsx")
    cmds = {
        "raw read (fastexcel)": [PY, str(HERE / "raw_read.py"), str(wb)],
        "validate --format json": [*SANLV, "validate", str(wb), "--format", "json", *AS_OF],
        "report --format json": [*SANLV, "report", str(wb), "--format", "json", *AS_OF],
    }
    print_rows(f"city of 10 districts, {n:,}", measure(cmds, runs))


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
    ap.add_argument("--brief", action="store_true", help="also time sanlv brief -o 通报.docx")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    compile_package()
    print("| case | command | median wall s | ratio | median CPU s | CPU ratio | peak MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for n in a.sizes:
        district_case(n, a.out, a.runs, a.skip_writes, a.brief)
    if a.city:
        city_case(a.city, a.out, a.runs)
    load = os.getloadavg()
    rev = ""
    if shutil.which("git"):
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    print(
        f"\ncommit {rev}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
