"""The write floor: a workbook's cells (pickled beforehand), one sheet per sheet, nothing
else: with xlsxwriter in constant-memory mode, row by row (`xlsxwriter`, the default), or
with the fast backend's library, rvgsrust-xlsxwriter, one call a column (`rust`).

    python bench/bare_write.py CELLS.pkl OUT.xlsx [xlsxwriter|rust]
"""

import pickle
import sys

with open(sys.argv[1], "rb") as fh:
    sheets = pickle.load(fh)
writer = sys.argv[3] if len(sys.argv) > 3 else "xlsxwriter"
if writer == "rust":
    import rvgsrust_xlsxwriter

    wb = rvgsrust_xlsxwriter.Workbook()
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for c, column in enumerate(zip(*rows, strict=True)):
            ws.write_column(0, c, list(column))
    wb.close(sys.argv[2])
else:
    import xlsxwriter

    wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    wb.close()
