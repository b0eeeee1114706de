"""validate: read, normalise and check the rosters; collect every issue in order."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .config import Config
from .issues import ERROR, SEVERITIES, SEVERITY_ORDER, WARNING, Issue
from .normalise import Dataset, load_dataset
from .regions import Regions


@dataclass
class ValidationResult:
    dataset: Dataset
    issues: list[Issue]
    as_of: date
    written: list[Path] = field(default_factory=list)  # the issue list, when asked
    annotated: list[Path] = field(default_factory=list)  # the marked-up copies, when asked

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SEVERITIES, 0)
        for i in self.issues:
            out[i.severity] += 1
        return out

    @property
    def rows(self) -> dict:
        return self.dataset.rows

    def exit_code(self, strict: bool = False) -> int:
        c = self.counts
        return 1 if c[ERROR] or (strict and c[WARNING]) else 0

    def to_json(self) -> dict:
        c = self.counts
        rows = self.dataset.rows
        return {
            "valid": c[ERROR] == 0,
            "as_of": self.as_of.isoformat(),
            "counts": c,
            "rows": {k: rows[k] for k in ("read", "used", "skipped")}
            | {"skipped_by_reason": rows.get("skipped_by_reason", {})},
            "files": [{"name": f.name, "sha256": f.sha256} for f in self.dataset.files],
            "issues": [i.to_dict() for i in self.issues],
        }


def unreadable_json(exc) -> dict:
    """The validate JSON for an input that could not be read at all (exit 2)."""
    return {
        "valid": False,
        "counts": {"error": 1, "warning": 0, "info": 0},
        "rows": {"read": 0, "used": 0, "skipped": 0},
        "issues": [exc.to_issue().to_dict()],
    }


def sort_issues(issues: list[Issue]) -> list[Issue]:
    return sorted(
        issues,
        key=lambda i: (i.file, i.sheet, i.row or 0, i.cell, SEVERITY_ORDER[i.severity], i.code),
    )


def run_validate(
    paths: Iterable[str | os.PathLike],
    config: Config,
    as_of: date,
    regions: str | os.PathLike | Regions | None = None,
    max_unzipped: int | None = None,
    today: date | None = None,
) -> ValidationResult:
    """Read the files and run every check of SPEC section 4."""
    from .checks import run_checks

    ds = load_dataset(paths, max_unzipped)
    issues = ds.issues + run_checks(ds, config, as_of, regions=regions, today=today)
    return ValidationResult(ds, sort_issues(issues), as_of)
