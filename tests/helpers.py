"""Tiny fixture builders shared by the tests."""

from __future__ import annotations

from pathlib import Path

import openpyxl

COMPOUND_HEADER = [
    "小区编号",
    "小区名称",
    "街道",
    "社区",
    "小区类型",
    "总户数",
    "物业管理方式",
    "物业服务企业",
]


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list]],
    merges: dict[str, list[str]] | None = None,
    hidden: tuple[str, ...] = (),
) -> Path:
    """One workbook; each sheet given as rows starting at A1 (None for empty cells)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(r, c, v)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path
