"""The catalogue of check codes (SPEC section 4): every code sanlv emits is in it, and it
drives `sanlv codes`, docs/codes.md and the issue titles."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from sanlv import docs
from sanlv.cli import app
from sanlv.issues import CATALOGUE, SEVERITIES, Issue

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "sanlv"
CODE_RE = re.compile(r"^[a-z]+(?:-[a-z]+)+$")
# kebab-case strings in the code that are not check codes
NOT_CODES = {
    "no-committee",
    "no-service",
    "no-party",
    "config-invalid",
    "yyyy-mm-dd",
    "brief-template",  # the mark of the 通报 template (a kind of output)
}


def _literals() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if CODE_RE.match(node.value):
                    found.add(node.value)
    return found


def test_every_code_in_the_source_is_catalogued():
    missing = _literals() - set(CATALOGUE) - NOT_CODES
    assert not missing, f"codes without a catalogue entry: {sorted(missing)}"


def test_catalogue_entries_are_complete():
    for code, entry in CATALOGUE.items():
        assert entry.code == code
        assert entry.severity in SEVERITIES
        assert entry.stage in {"read", "normalise", "check", "workspace"}
        assert entry.title and not entry.title.isascii()
        assert entry.description.endswith("。")


def test_issue_json_carries_the_title():
    d = Issue("value-enum", "error", "消息").to_dict()
    assert d["title"] == "取值不在选项内"


def test_codes_command_lists_them_all():
    r = CliRunner().invoke(app, ["codes", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [c["code"] for c in data] == list(CATALOGUE)
    r = CliRunner().invoke(app, ["codes"])
    assert r.exit_code == 0 and "取值不在选项内" in r.output


def test_docs_codes_markdown_is_current():
    committed = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    assert committed == docs.docs_codes_markdown(), "run `PYTHONPATH=src python -m sanlv.docs`"
