"""Benchmark: time every command against the raw fastexcel read of the same workbook.

    python bench/run.py [--sizes 1000 10000 100000] [--runs 3] [--out bench/out]

For each size it generates a seeded synthetic district (all three rosters), then times, in
interleaved rounds on the same file: the raw read (fastexcel, every sheet), `sanlv validate
--format json`, `sanlv report --format json`, `sanlv report -o report.xlsx`, `sanlv ledger -o
ledger.xlsx`, and the bare xlsxwriter (constant-memory) write of the ledger's cells. Each figure
is a whole process (interpreter start included, sanlv byte-compiled beforehand as an installed
copy is): wall-clock median over the runs, and the peak resident memory of the process. Ratios are to the raw read; the ledger's is to the raw read plus
the bare write of its cells, and the report workbook's is also given against the raw read plus
the bare xlsxwriter write of the report's own cells (the floor for any xlsxwriter report).
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


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run a command; wall seconds and peak RSS in MB of that process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def prepare(n: int, out: Path) -> Path:
    path = out / f"district_{n}.xlsx"
    if not path.exists():  # generated in a child process too, for the same reason
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
            "from tests.synth import make_district, write_workbook; "
            "write_workbook(make_district(int(sys.argv[1]), seed=int(sys.argv[1])), sys.argv[2])"
        )
        subprocess.run([PY, "-c", code, str(n), str(path)], check=True)
    return path


def workbook_cells(book: Path, dest: Path) -> Path:
    """A written workbook's cell values, pickled, for the bare-write baseline (in a child process,
    so this process stays small: a forked child's peak memory starts from the parent's)."""
    subprocess.run([PY, str(HERE / "run.py"), "--dump-cells", str(book), str(dest)], check=True)
    return dest


def dump_cells(ledger: Path, dest: Path) -> None:
    import fastexcel

    reader = fastexcel.read_excel(str(ledger))
    sheets = {}
    for name in reader.sheet_names:
        table = reader.load_sheet(name, header_row=None).to_arrow()
        sheets[name] = [list(r.values()) for r in table.to_pylist()]
    with dest.open("wb") as fh:
        pickle.dump(sheets, fh)


def main() -> None:
    if sys.argv[1:2] == ["--dump-cells"]:
        dump_cells(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument(
        "--skip-writes",
        action="store_true",
        help="time only the raw read, validate and report --format json (no workbook writes)",
    )
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    compile_package()
    sanlv = [PY, "-m", "sanlv"]
    as_of = ["--as-of", "2026-10-31"]
    print("| compounds | command | median s | ratio | peak MB |")
    print("|---:|---|---:|---:|---:|")
    for n in a.sizes:
        wb = prepare(n, a.out)
        rep, led = a.out / f"report_{n}.xlsx", a.out / f"ledger_{n}.xlsx"
        cells = report_cells = a.out / "unused.pkl"
        if not a.skip_writes:  # the bare-write baselines need the cells of each workbook
            for cmd, book in (("ledger", led), ("report", rep)):
                subprocess.run(
                    [*sanlv, cmd, str(wb), "-o", str(book), *as_of], check=True, capture_output=True
                )
            cells = workbook_cells(led, a.out / f"ledger_{n}.pkl")
            report_cells = workbook_cells(rep, a.out / f"report_{n}.pkl")
        cmds = {
            "raw read (fastexcel)": [PY, str(HERE / "raw_read.py"), str(wb)],
            "validate --format json": [*sanlv, "validate", str(wb), "--format", "json", *as_of],
            "report --format json": [*sanlv, "report", str(wb), "--format", "json", *as_of],
            "report -o report.xlsx": [*sanlv, "report", str(wb), "-o", str(rep), *as_of],
            "ledger -o ledger.xlsx": [*sanlv, "ledger", str(wb), "-o", str(led), *as_of],
            "bare write (xlsxwriter)": [
                PY,
                str(HERE / "bare_write.py"),
                str(cells),
                str(a.out / "bare.xlsx"),
            ],
            "bare write of the report's cells": [
                PY,
                str(HERE / "bare_write.py"),
                str(report_cells),
                str(a.out / "bare_report.xlsx"),
            ],
        }
        if a.skip_writes:
            cmds = {k: v for k, v in cmds.items() if "json" in k or k.startswith("raw")}
        walls: dict[str, list[float]] = {k: [] for k in cmds}
        peaks: dict[str, float] = dict.fromkeys(cmds, 0.0)
        for _ in range(a.runs):  # interleaved rounds
            for name, cmd in cmds.items():
                w, m = timed(cmd)
                walls[name].append(w)
                peaks[name] = max(peaks[name], m)
        med = {k: statistics.median(v) for k, v in walls.items()}
        raw = med["raw read (fastexcel)"]
        for name in cmds:
            if name == "ledger -o ledger.xlsx" and "bare write (xlsxwriter)" in med:
                ratio = f"{med[name] / (raw + med['bare write (xlsxwriter)']):.2f} × (read+write)"
            elif name == "report -o report.xlsx" and "bare write of the report's cells" in med:
                floor = raw + med["bare write of the report's cells"]
                ratio = f"{med[name] / raw:.2f} ({med[name] / floor:.2f} × read+write)"
            elif name.startswith("bare write"):
                ratio = ""
            else:
                ratio = f"{med[name] / raw:.2f}"
            print(f"| {n:,} | {name} | {med[name]:.2f} | {ratio} | {peaks[name]:.0f} |", flush=True)
    if shutil.which("git"):
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        print(f"\ncommit {rev}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
