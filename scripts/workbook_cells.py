"""Dump what a person sees in sanlv's workbooks (per sheet: cell values and types, number
formats, fonts and fills, merges, column widths, print setup, freeze panes, autofilter,
conditional formats, charts) with openpyxl, to compare two runs cell by cell.

    python scripts/workbook_cells.py dump BOOK.xlsx OUT.json
    python scripts/workbook_cells.py compare A.xlsx B.xlsx     # exit 1 and the first
                                                               # differences when they differ
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def describe(path: str | Path) -> dict:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out: dict = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                f = c.font
                cells[c.coordinate] = [
                    c.value if not hasattr(c.value, "isoformat") else c.value.isoformat(),
                    c.data_type,
                    c.number_format,
                    bool(f.b),
                    f.name,
                    f.sz,
                    c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None,
                    c.alignment.wrap_text,
                    c.alignment.horizontal,
                    c.border.left.style,
                ]
        ps = ws.page_setup
        out[ws.title] = {
            "cells": cells,
            "merges": sorted(str(m) for m in ws.merged_cells.ranges),
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
            "heights": {k: d.height for k, d in sorted(ws.row_dimensions.items()) if d.height},
            "print": [
                ps.orientation,
                ps.paperSize,
                ps.fitToWidth,
                ps.fitToHeight,
                ws.sheet_properties.pageSetUpPr.fitToPage
                if ws.sheet_properties.pageSetUpPr
                else None,
                ws.print_title_rows,
                ws.oddHeader.center.text,
                ws.oddFooter.center.text,
                ws.print_options.horizontalCentered,
            ],
            "freeze": ws.freeze_panes,
            "autofilter": ws.auto_filter.ref,
            "conditional": sorted(
                (
                    str(rng.sqref),
                    r.type,
                    list(r.formula or []),
                    r.dxf.fill.fgColor.rgb if r.dxf and r.dxf.fill else None,
                )
                for rng in ws.conditional_formatting
                for r in rng.rules
            ),
            "charts": len(ws._charts),
            "breaks": [b.id for b in ws.row_breaks.brk],
        }
    props = wb.custom_doc_props
    out["mark"] = [p.value for p in props.props if p.name == "sanlv"]
    return out


def main() -> None:
    cmd, *args = sys.argv[1:]
    if cmd == "dump":
        Path(args[1]).write_text(json.dumps(describe(args[0]), ensure_ascii=False, indent=0))
        return
    a, b = describe(args[0]), describe(args[1])
    diffs = []
    for key in sorted(set(a) | set(b)):
        if key in ("sheets", "mark"):
            if a.get(key) != b.get(key):
                diffs.append(f"{key}: {a.get(key)} != {b.get(key)}")
            continue
        sa, sb = a.get(key, {}), b.get(key, {})
        for part in sorted(set(sa) | set(sb)):
            va, vb = sa.get(part), sb.get(part)
            if va == vb:
                continue
            if part == "cells" and va and vb:
                for coord in sorted(set(va) | set(vb)):
                    if va.get(coord) != vb.get(coord):
                        diffs.append(f"{key}!{coord}: {va.get(coord)} != {vb.get(coord)}")
            else:
                diffs.append(f"{key} {part}: {va} != {vb}")
    for d in diffs[:40]:
        print(d)
    print(f"{len(diffs)} differences")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
