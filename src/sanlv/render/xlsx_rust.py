"""The fast writer backend: the part of xlsxwriter's API that sanlv's workbooks use, on
rvgsrust-xlsxwriter (Python bindings of the Rust crate rust_xlsxwriter, by the author of
xlsxwriter, which writes the same XML).

sanlv's writers speak xlsxwriter (`ws.write_string`, `wb.add_format({...})`,
`chart.add_series({...})`); this module translates those calls, so the writers stay one
code path and xlsxwriter stays the fallback (`render.workbook` picks the backend). Columns
are written with one call each (`write_column`), which is where the speed comes from: about
1 µs a cell against about 5 µs in xlsxwriter.

Only what sanlv uses is here: a call outside it is an AttributeError (a defect, exit 3), not a
silent difference. The template (data validation, comments, a hidden sheet) is written with
xlsxwriter. `tests/test_writer_backends.py` writes every other workbook with both backends and
compares cells, formats, print setup and charts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import rvgsrust_xlsxwriter

from ..issues import col_letter

# untyped here: the binding's stubs leave out some of what it has (the chart axis setters)
rx: Any = rvgsrust_xlsxwriter

MAX_TEXT = 32767  # Excel's limit of a cell's text; xlsxwriter cuts longer text there, and so do we
_ALIGN = {"center": "center", "left": "left", "right": "right"}
_VALIGN = {"vcenter": "vcenter", "top": "top", "bottom": "bottom"}


def is_panic(exc: BaseException) -> bool:
    """A panic of the Rust code (PyO3's PanicException derives from BaseException, so that
    `except Exception` would let it through as a traceback)."""
    return type(exc).__name__ == "PanicException"


def _format(spec: dict[str, Any]) -> Any:
    """An rvgsrust Format from an xlsxwriter format dict (the keys sanlv uses)."""
    f = rx.Format()
    for key, value in spec.items():
        if key == "bold":
            if value:
                f.set_bold()
        elif key == "font_size":
            f.set_font_size(float(value))
        elif key == "font_name":
            f.set_font_name(value)
        elif key == "font_color":
            f.set_font_color(value)
        elif key == "bg_color":
            f.set_background_color(value)
        elif key == "border":
            if value != 1:
                raise ValueError(f"border {value!r}")
            f.set_border("thin")
        elif key == "text_wrap":
            if value:
                f.set_text_wrap()
        elif key == "align":
            f.set_align(_ALIGN[value])
        elif key == "valign":
            f.set_vertical_align(_VALIGN[value])
        elif key == "num_format":
            f.set_num_format(value)
        else:
            raise ValueError(f"format key {key!r} is not supported by the fast writer")
    return f


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _range(ref: list) -> str:
    """xlsxwriter's [sheet, first_row, first_col, last_row, last_col] (or [sheet, row, col])
    as a formula range."""
    sheet, *rc = ref
    if len(rc) == 2:
        return f"={_quote(sheet)}!{_abs(*rc)}"
    r1, c1, r2, c2 = rc
    return f"={_quote(sheet)}!{_abs(r1, c1)}:{_abs(r2, c2)}"


def _abs(row: int, col: int) -> str:
    return f"${col_letter(col)}${row + 1}"


class Chart:
    """xlsxwriter's chart calls (add_series, set_title, set_y_axis, set_legend, set_size)."""

    def __init__(self, kind: str) -> None:
        self.chart = rx.Chart(kind)

    def add_series(self, spec: dict[str, Any]) -> None:
        s = rx.ChartSeries()
        for key, value in spec.items():
            if key == "name":
                s.set_name(value if isinstance(value, str) else _range(value))
            elif key == "categories":
                s.set_categories(_range(value))
            elif key == "values":
                s.set_values(_range(value))
            elif key == "data_labels":
                label = rx.ChartDataLabel()
                if value.get("value"):
                    label.show_value()
                if "num_format" in value:
                    label.set_num_format(value["num_format"])
                s.set_data_label(label)
            elif key == "marker":
                marker = rx.ChartMarker()
                marker.set_type(value["type"])
                if "size" in value:
                    marker.set_size(value["size"])
                s.set_marker(marker)
            else:
                raise ValueError(f"series key {key!r} is not supported by the fast writer")
        self.chart.push_series(s)

    def set_title(self, spec: dict[str, Any]) -> None:
        self.chart.set_title_name(spec["name"])

    def set_y_axis(self, spec: dict[str, Any]) -> None:
        for key, value in spec.items():
            if key == "num_format":
                self.chart.set_y_axis_num_format(value)
            elif key == "min":
                self.chart.set_y_axis_min(float(value))
            elif key == "max":
                self.chart.set_y_axis_max(float(value))
            elif key == "major_gridlines":
                self.chart.set_y_axis_major_gridlines(bool(value.get("visible")))
            else:
                raise ValueError(f"axis key {key!r} is not supported by the fast writer")

    def set_legend(self, spec: dict[str, Any]) -> None:
        self.chart.set_legend_position(spec["position"])

    def set_size(self, spec: dict[str, Any]) -> None:
        self.chart.set_width(int(spec["width"]))
        self.chart.set_height(int(spec["height"]))


class Worksheet:
    """xlsxwriter's worksheet calls that sanlv's writers make, plus `write_column`."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.name = ws.name

    # cells
    def write_string(self, row: int, col: int, value: str, fmt: Any = None) -> None:
        self.ws.write(row, col, str(value)[:MAX_TEXT], fmt)

    def write_number(self, row: int, col: int, value: float, fmt: Any = None) -> None:
        self.ws.write(row, col, float(value), fmt)

    def write_datetime(self, row: int, col: int, value: datetime, fmt: Any = None) -> None:
        self.ws.write_datetime_py(row, col, value, fmt)

    def write_row(self, row: int, col: int, values: Iterable[str], fmt: Any = None) -> None:
        self.ws.write_row(row, col, [str(v)[:MAX_TEXT] for v in values], fmt)

    def write_column(self, row: int, col: int, values: list, fmt: Any = None) -> None:
        """Strings as text and numbers as numbers, top-down; None and "" are left empty (a
        formatted blank when `fmt` is given), as xlsxwriter's write_column does."""
        try:
            self.ws.write_column(row, col, values, fmt)
        except ValueError:  # a text over Excel's limit (the binding refuses it): cut it
            cut = [v[:MAX_TEXT] if isinstance(v, str) else v for v in values]
            self.ws.write_column(row, col, cut, fmt)

    def merge_range(self, r1: int, c1: int, r2: int, c2: int, value: str, fmt: Any) -> None:
        self.ws.merge_range(r1, c1, r2, c2, str(value)[:MAX_TEXT], fmt)

    # layout
    def set_column(self, first: int, last: int, width: float, fmt: Any = None) -> None:
        for c in range(first, last + 1):
            self.ws.set_column_width(c, float(width))
            if fmt is not None:
                self.ws.set_column_format(c, fmt)

    def set_row(self, row: int, height: float, fmt: Any = None) -> None:
        self.ws.set_row_height_pixels(row, int(height * 4.0 / 3.0 + 0.5))  # as xlsxwriter does
        if fmt is not None:
            self.ws.set_row_format(row, fmt)

    def freeze_panes(self, row: int, col: int) -> None:
        self.ws.freeze_panes(row, col)

    def autofilter(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self.ws.autofilter(r1, c1, r2, c2)

    def conditional_format(self, r1: int, c1: int, r2: int, c2: int, spec: dict) -> None:
        if spec.get("type") != "formula":
            raise ValueError(f"conditional format {spec.get('type')!r} is not supported")
        cf = rx.ConditionalFormatFormula()
        cf.set_rule(spec["criteria"])
        cf.set_format(spec["format"])
        self.ws.add_conditional_format(r1, c1, r2, c2, cf)

    def insert_chart(self, row: int, col: int, chart: Chart) -> None:
        self.ws.insert_chart(row, col, chart.chart)

    # print setup
    def set_landscape(self) -> None:
        self.ws.set_landscape()

    def set_paper(self, size: int) -> None:
        self.ws.set_paper_size(size)

    def fit_to_pages(self, width: int, height: int) -> None:
        self.ws.set_print_fit_to_pages(width, height)

    def center_horizontally(self) -> None:
        self.ws.set_print_center_horizontally(True)

    def set_margins(self, left: float, right: float, top: float, bottom: float) -> None:
        # xlsxwriter keeps its default header and footer margins (0.3 inch)
        self.ws.set_margins(left, right, top, bottom, 0.3, 0.3)

    def set_header(self, text: str) -> None:
        self.ws.set_header(text)

    def set_footer(self, text: str) -> None:
        self.ws.set_footer(text)

    def repeat_rows(self, first: int, last: int) -> None:
        self.ws.set_repeat_rows(first, last)

    def set_h_pagebreaks(self, rows: list[int]) -> None:
        self.ws.set_page_breaks(list(rows))


class Workbook:
    """xlsxwriter's workbook calls that sanlv makes; written to `path` on close."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self.wb = rx.Workbook()

    def add_worksheet(self, name: str) -> Worksheet:
        return Worksheet(self.wb.add_worksheet(name))

    def add_format(self, spec: dict[str, Any]) -> Any:
        return _format(spec)

    def add_chart(self, spec: dict[str, Any]) -> Chart:
        return Chart(spec["type"])

    def set_properties(self, props: dict[str, Any]) -> None:
        self.wb.set_properties(
            title=props.get("title"),
            keywords=props.get("keywords"),
            comments=props.get("comments"),
        )

    def close(self) -> None:
        try:
            self.wb.close(self.path)
        except OSError as exc:
            # the binding's OSError carries only the message ("… (os error 28)"): give it back
            # its errno, so that a full disk reads as a full disk
            found = re.search(r"\(os error (\d+)\)", str(exc))
            if found is None:
                raise
            code = int(found.group(1))
            raise OSError(code, os.strerror(code), self.path) from exc
