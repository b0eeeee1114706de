"""Every file of the shared robustness corpus through `validate --format json`, in-process:
rejected (2) or checked (0/1) with JSON on stdout, never an escaping exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanlv.cli import app

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the repository; a git worktree under <project>/wt/<name> looks two up.
CORPUS = next(
    (
        p
        for p in (
            REPO.parent / "shared" / "corpus" / "peers",
            REPO.parents[1] / "shared" / "corpus" / "peers",
        )
        if p.is_dir()
    ),
    REPO.parent / "shared" / "corpus" / "peers",
)
FILES = (
    sorted(f for f in CORPUS.rglob("*") if f.is_file() and f.suffix.lower() != ".md")
    if CORPUS.is_dir()
    else []
)


@pytest.mark.skipif(not FILES, reason="robustness corpus not present")
def test_corpus_never_breaks_validate():
    runner = CliRunner()
    broken = []
    for f in FILES:
        r = runner.invoke(app, ["validate", str(f), "--format", "json", "--as-of", "2026-10-31"])
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            broken.append(f"{f.name}: {type(r.exception).__name__}: {r.exception}")
        elif r.exit_code not in (0, 1, 2):
            broken.append(f"{f.name}: exit {r.exit_code}")
        elif r.exit_code in (0, 1):
            try:
                json.loads(r.stdout)
            except ValueError:
                broken.append(f"{f.name}: stdout is not JSON")
        elif "Traceback" in r.output:
            broken.append(f"{f.name}: traceback")
    assert broken == []
