"""The write floor: the ledger's cells (pickled beforehand) written with xlsxwriter in
constant-memory mode, one sheet per roster, nothing else."""

import pickle
import sys

import xlsxwriter

with open(sys.argv[1], "rb") as fh:
    sheets = pickle.load(fh)
wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
for name, rows in sheets.items():
    ws = wb.add_worksheet(name)
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
wb.close()
