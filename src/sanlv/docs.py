"""Generate the committed reference pages from the tables in code:

    python -m sanlv.docs            # writes docs/fields.md and docs/codes.md

docs/fields.md from :mod:`sanlv.schema` (via :mod:`sanlv.content.fields`), docs/codes.md from
the catalogue of check codes (:mod:`sanlv.issues`). A test checks that both are up to date.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import schema
from .content.fields import DOC_COLUMNS, doc_row, field_docs, intro_lines
from .issues import CATALOGUE, SEVERITY_LABELS, STAGE_LABELS

# --- the Markdown reference ----------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>") or " "


def _md_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join("---" for _ in header) + "|"
    for r in rows:
        yield "| " + " | ".join(_md_cell(c) for c in r) + " |"


def docs_fields_markdown() -> str:
    """The roster field reference as Markdown (the content of ``docs/fields.md``)."""
    out: list[str] = [
        "# 台账字段说明（Roster fields）",
        "",
        "<!-- Generated from src/sanlv/schema.py by sanlv.docs; "
        "do not edit by hand. Regenerate: python -m sanlv.docs -->",
        "",
        "`sanlv template` 生成的空白台账模板与本页内容一致。",
        "",
    ]
    out += [f"{i}. {line}" for i, line in enumerate(intro_lines(), start=1)]
    out += [
        "",
        "表头和工作表名称在比对前会统一全角/半角、去掉空格和换行，"
        "因此“小区（院落）名称”与“小区(院落)名称”视为同一写法。",
    ]
    header = ("字段", *DOC_COLUMNS)
    for roster in schema.ROSTERS:
        others = [a for a in roster.sheet_aliases if a != roster.label]
        out += ["", f"## {roster.label}（`{roster.key}`）", ""]
        if others:
            out += [f"工作表名称：{roster.label}；也可以是：{'、'.join(others)}。", ""]
        rows = [(f"`{d.key}`", *doc_row(d)) for d in field_docs(roster)]
        out += _md_table(header, rows)
    out.append("")
    return "\n".join(out)


def docs_codes_markdown() -> str:
    """The catalogue of check codes as Markdown (the content of ``docs/codes.md``)."""
    out = [
        "# 问题代码（Check codes）",
        "",
        "<!-- Generated from the catalogue in src/sanlv/issues.py by sanlv.docs; "
        "do not edit by hand. Regenerate: python -m sanlv.docs -->",
        "",
        "`sanlv validate` 报告的每个问题都有一个固定的问题代码；`sanlv codes` 在终端列出本表。"
        "级别为默认级别（个别情形另有说明），阶段指发现问题的环节。",
        "",
    ]
    rows = [
        (f"`{c.code}`", c.title, SEVERITY_LABELS[c.severity], STAGE_LABELS[c.stage], c.description)
        for c in CATALOGUE.values()
    ]
    out += _md_table(("问题代码", "名称", "级别", "阶段", "说明"), rows)
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sanlv.docs", description=__doc__)
    parser.add_argument("--out", default="docs", help="the docs folder (default: docs)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "fields.md").write_text(docs_fields_markdown(), encoding="utf-8", newline="\n")
    (out / "codes.md").write_text(docs_codes_markdown(), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
