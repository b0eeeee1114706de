"""Dump what a person sees in sanlv's workbooks (per sheet: cell values and types, number
formats, fonts and fills, alignment and borders, merges, column widths and formats, row
heights, print setup, freeze panes, autofilter, conditional formats, charts and the sanlv
mark) with openpyxl, to compare two runs cell by cell. Numbers are compared to 14
significant digits (xlsxwriter writes 16, rust_xlsxwriter the 17 of an exact round trip), and
an empty text cell equals a blank cell of the same format (Excel shows both as empty).

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
                f, b, value = c.font, c.border, c.value
                if hasattr(value, "isoformat"):
                    value = value.isoformat()
                elif isinstance(value, float):
                    value = float(f"{value:.14g}")
                elif value == "":
                    value = None
                cells[c.coordinate] = [
                    value,
                    "n" if value is None else c.data_type,
                    c.number_format,
                    bool(f.b),
                    f.name,
                    f.sz,
                    _colour(f.color),
                    c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None,
                    bool(c.alignment.wrap_text),
                    c.alignment.horizontal,
                    c.alignment.vertical,
                    [b.left.style, b.right.style, b.top.style, b.bottom.style],
                ]
        ps = ws.page_setup
        out[ws.title] = {
            "cells": cells,
            "merges": sorted(str(m) for m in ws.merged_cells.ranges),
            "widths": {
                k: [d.width, bool(d.alignment and d.alignment.wrap_text)]
                for k, d in sorted(ws.column_dimensions.items())
            },
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
                [ws.page_margins.left, ws.page_margins.right, ws.page_margins.top],
                ws.page_margins.bottom,
            ],
            "freeze": ws.freeze_panes,
            "autofilter": ws.auto_filter.ref,
            "conditional": sorted(
                (
                    str(rng.sqref),
                    r.type,
                    list(r.formula or []),
                    _dxf(r.dxf),
                )
                for rng in ws.conditional_formatting
                for r in rng.rules
            ),
            "charts": [_chart(ch) for ch in ws._charts],
            "breaks": [b.id for b in ws.row_breaks.brk],
        }
    from sanlv.write import output_mark

    mark = output_mark(path)
    out["mark"] = [mark.kind, mark.edited] if mark else None
    return out


def _dxf(dxf) -> list | None:
    """A conditional format's fill (fore- and background) and font colour."""
    if dxf is None:
        return None
    fill = dxf.fill
    return [
        _colour(fill.fgColor) if fill is not None else None,
        _colour(fill.bgColor) if fill is not None else None,
        _colour(dxf.font.color) if dxf.font is not None else None,
    ]


def _colour(color) -> str | None:
    if color is None:
        return None
    return color.rgb if isinstance(color.rgb, str) else f"theme {color.theme}"


def _text(title) -> str | None:
    """The plain text of a chart title (rich text runs)."""
    if title is None or title.tx is None or title.tx.rich is None:
        return None
    return "".join(r.t for p in title.tx.rich.p for r in (p.r or []))


def _chart(ch) -> dict:
    """A chart's type, title, value axis, legend, size and series."""
    series = []
    for s in ch.series:
        labels = s.dLbls
        series.append(
            [
                s.tx.strRef.f if s.tx and s.tx.strRef else (s.tx.v if s.tx else None),
                s.cat.strRef.f if s.cat and s.cat.strRef else (s.cat.numRef.f if s.cat else None),
                s.val.numRef.f if s.val and s.val.numRef else None,
                [bool(labels.showVal), labels.numFmt] if labels else None,
                [s.marker.symbol, s.marker.size] if s.marker else None,
            ]
        )
    y = ch.y_axis
    return {
        "type": ch.tagname,
        "title": _text(ch.title),
        "y": [y.numFmt.formatCode if y.numFmt else None, y.scaling.min, y.scaling.max],
        "gridlines": y.majorGridlines is not None,
        "legend": ch.legend.position if ch.legend else None,
        "size": [ch.anchor._from.row, ch.anchor._from.col],
        "series": series,
    }


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
