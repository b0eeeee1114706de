"""A file's read (read.FileRead: its facts, located tables and reading issues) as data for
the workspace record, and back: the tables' raw strings as Arrow IPC streams, the rest as
JSON (no pickle: a record may sit in a shared folder). Normalising starts from the raw
strings, so a dataset built from a stored read equals one built from the file itself; the
record keeps the read of each received file so that `report`, `close` and `brief` in a
workspace need not parse the archived workbooks again (SPEC section 7)."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import pyarrow as pa

from .. import __version__
from ..issues import Issue
from . import FileRead
from .grid import FileInfo
from .locate import ColumnRef, Table

# A stored read is used only by the sanlv that stored it (the reader may change between
# versions); any other is read again from the archived file.
FORMAT = f"sanlv {__version__} read 1"
_ROWS = "\x00rows"  # the Excel row numbers, beside the field columns


def dump(r: FileRead) -> tuple[str, list[bytes]]:
    """The read as (JSON text, one Arrow IPC stream per located table)."""
    meta = {
        "format": FORMAT,
        "info": {"size": r.info.size, "sheets": r.info.sheets},
        "issues": [asdict(i) for i in r.issues],
        "tables": [
            {
                "roster": t.roster,
                "sheet": t.sheet,
                "header_row": t.header_row,
                "columns": {k: [c.index, c.letter, c.header] for k, c in t.columns.items()},
                "skipped": [[row, why] for row, why in t.skipped],
                "errors": {k: [[row, v] for row, v in e.items()] for k, e in t.errors.items()},
            }
            for t in r.tables
        ],
    }
    return json.dumps(meta, ensure_ascii=False), [_ipc(t) for t in r.tables]


def load(meta_text: str, streams: list[bytes], path: Path, sha256: str) -> FileRead | None:
    """The stored read of the file now at `path` (its name in every location), or None when
    it was stored by another version of sanlv or does not hold together."""
    try:
        meta = json.loads(meta_text)
        if meta.get("format") != FORMAT or len(streams) != len(meta["tables"]):
            return None
        name = path.name
        tables = []
        for spec, stream in zip(meta["tables"], streams, strict=True):
            data = pa.ipc.open_stream(stream).read_all()
            rows = data.column(_ROWS).combine_chunks()
            fields = {k: data.column(k).combine_chunks() for k in data.column_names if k != _ROWS}
            tables.append(
                Table(
                    roster=spec["roster"],
                    file=name,
                    sheet=spec["sheet"],
                    header_row=spec["header_row"],
                    columns={k: ColumnRef(*v) for k, v in spec["columns"].items()},
                    data=fields,
                    rows=rows,
                    skipped=[(row, why) for row, why in spec["skipped"]],
                    errors={k: {row: v for row, v in e} for k, e in spec["errors"].items()},
                )
            )
        info = meta["info"]
        issues = [
            replace(Issue(**i), file=name) if i["file"] else Issue(**i) for i in meta["issues"]
        ]
        return FileRead(
            FileInfo(str(path), name, sha256, info["size"], info["sheets"]), tables, issues
        )
    except (ValueError, KeyError, TypeError, pa.ArrowException):
        return None


def _ipc(t: Table) -> bytes:
    table = pa.table({**t.data, _ROWS: t.rows})
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")  # raw strings: about 5 x smaller
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
