"""The diff workbook (``sanlv diff -o``): 变动汇总, 新增, 撤销, 调整 (one row per changed
field) and 三率变化 (each rate old and new, and the change in percentage points)."""

from __future__ import annotations

import os

from ..compute import RATE_KEYS
from ..content.labels import DASH, rate_name
from ..diff import KIND_LABELS, KINDS, DiffResult
from ..levels import TOTAL
from .workbook import Book, Sheet, workbook

POINTS = '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"'


def _table(book: Book, name: str, title: str, headers: list[str], widths: list[int]) -> Sheet:
    """A sheet with a title line, a note line and its header on row 3."""
    sh = book.sheet(name, title)
    ws = sh.ws
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.write_string(0, 0, title, sh.fmts["section"])
    for c, h in enumerate(headers):
        ws.write_string(2, c, h, sh.fmts["head"])
    ws.freeze_panes(3, 0)
    ws.repeat_rows(2, 2)
    return sh


def write_diff(result: DiffResult, path: str | os.PathLike) -> None:
    """Write the diff workbook atomically."""
    period = f"三率统一按 {result.as_of.isoformat()} 计算"
    files = f"原台账：{'、'.join(result.old_files)}；新台账：{'、'.join(result.new_files)}"
    with workbook(path, kind="diff", title=f"台账变动（{period}）") as book:
        pct = book.add_format({"num_format": "0.0%"})
        pp = book.add_format({"num_format": POINTS})

        summary = result.summary()
        sh = _table(
            book,
            "变动汇总",
            f"台账变动汇总（{period}）",
            ["类别", "新增", "撤销", "调整", "其中新设撤销日期"],
            [12, 8, 8, 8, 16],
        )
        ws = sh.ws
        ws.write_string(1, 0, files)
        for r, kind in enumerate(KINDS.values(), start=3):
            p = kind + "s"
            ws.write_string(r, 0, KIND_LABELS[kind])
            for c, k in enumerate(("added", "removed", "changed", "dissolved"), start=1):
                if f"{p}_{k}" in summary:
                    ws.write_number(r, c, summary[f"{p}_{k}"])
        notes = [
            "三率变化：两期台账都按同一统计日计算，只反映台账内容的变化；"
            "与 sanlv report --previous（上期按上月末计算）的变化可能不同。",
            *result.notes,
        ]
        for i, note in enumerate(notes, start=7):
            ws.write_string(i, 0, note)

        item_headers = ["类别", "编号", "名称", "街道", "社区"]
        for name, df in (("新增", result.added), ("撤销", result.removed)):
            ws = _table(book, name, f"{name}（{period}）", item_headers, [8, 14, 26, 14, 14]).ws
            ws.write_string(1, 0, files)
            for r, row in enumerate(df.itertuples(index=False), start=3):
                vals = (KIND_LABELS[row.kind], row.id, row.name, row.street, row.community)
                for c, v in enumerate(vals):
                    ws.write_string(r, c, str(v))

        ws = _table(
            book,
            "调整",
            f"调整（{period}）",
            ["类别", "编号", "名称", "街道", "字段", "原值", "新值"],
            [8, 14, 26, 14, 14, 22, 22],
        ).ws
        ws.write_string(1, 0, files)
        for r, row in enumerate(result.changes.itertuples(index=False), start=3):
            fields = (
                KIND_LABELS[row.kind],
                row.id,
                row.name,
                row.street,
                row.label,
                row.old,
                row.new,
            )
            for c, v in enumerate(fields):
                ws.write_string(r, c, str(v))

        headers = [
            "街道",
            "指标",
            "原分子",
            "原分母",
            "原比率",
            "新分子",
            "新分母",
            "新比率",
            "变化",
        ]
        ws = _table(
            book, "三率变化", f"三率变化（{period}）", headers, [14, 30, 8, 8, 9, 8, 8, 9, 14]
        ).ws
        ws.write_string(1, 0, files)
        r = 3
        for level, entry in result.rate_rows():
            name = "合计" if level is TOTAL else "".join(entry.get(b, "") for b in level.by)
            for key in RATE_KEYS:
                e = entry[key]
                ws.write_string(r, 0, name)
                ws.write_string(r, 1, rate_name(key))
                for c, side in ((2, "old"), (5, "new")):
                    rate = e[side]
                    ws.write_number(r, c, rate["numerator"])
                    ws.write_number(r, c + 1, rate["denominator"])
                    if rate["rate"] is None:
                        ws.write_string(r, c + 2, DASH)
                    else:
                        ws.write_number(r, c + 2, rate["numerator"] / rate["denominator"], pct)
                if e["change"] is None:
                    ws.write_string(r, 8, DASH)
                else:
                    ws.write_number(r, 8, e["change"] * 100, pp)
                r += 1
