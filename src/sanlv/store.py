"""The workspace's record (SPEC section 7): one SQLite database, `sanlv.db`.

Every access to the record goes through this module, so that a server database can replace
SQLite later without touching the rest. The schema is versioned (`PRAGMA user_version`) and
migrated forward on open; the database runs in WAL mode with a busy timeout, so two
`receive` runs at the same time both land (writers take the lock with BEGIN IMMEDIATE). A
record written by a newer sanlv, or a damaged file, is reported and never recreated.

Standard library only.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .issues import InputError
from .render import json_text

SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 60_000

# Statements that bring the schema from version i-1 to version i (index i).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            archive TEXT NOT NULL,
            received_at TEXT NOT NULL,
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            status TEXT NOT NULL,            -- 合格 | 退回 | 带错接收
            places TEXT NOT NULL,            -- JSON [[district, street], ...]
            replaced_at TEXT,                -- when its last street was taken by a later file
            UNIQUE (period, sha256)
        )""",
        """CREATE TABLE accepted (
            period TEXT NOT NULL,
            district TEXT NOT NULL,
            street TEXT NOT NULL,
            submission_id INTEGER NOT NULL REFERENCES submissions (id),
            PRIMARY KEY (period, district, street)
        )""",
        """CREATE TABLE closes (
            id INTEGER PRIMARY KEY,
            period TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            superseded_at TEXT,              -- set when the period is closed again
            report TEXT NOT NULL,            -- the report JSON of every level
            config TEXT NOT NULL,            -- the 口径 (sanlv.toml text)
            files TEXT NOT NULL,             -- JSON [{"name", "sha256"}, ...]
            places TEXT NOT NULL             -- JSON [[district, street], ...] with data
        )""",
        """CREATE TABLE close_todos (
            close_id INTEGER NOT NULL REFERENCES closes (id),
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            district TEXT NOT NULL,
            street TEXT NOT NULL,
            object_id TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            months_open INTEGER NOT NULL,
            status TEXT NOT NULL
        )""",
        "CREATE INDEX close_todos_by_close ON close_todos (close_id)",
        """CREATE TABLE submission_ids (
            submission_id INTEGER NOT NULL REFERENCES submissions (id),
            id TEXT NOT NULL                 -- a compound or committee id in the file
        )""",
        "CREATE INDEX submission_ids_by_submission ON submission_ids (submission_id)",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            period TEXT NOT NULL,
            kind TEXT NOT NULL,              -- receive | replace | close | reopen
            detail TEXT NOT NULL
        )""",
    ),
    # 2: the expected streets of a region list, by the list file's SHA-256 (so that `status`
    # need not read the list again while it is unchanged)
    2: (
        """CREATE TABLE region_lists (
            sha256 TEXT PRIMARY KEY,
            expected TEXT NOT NULL           -- JSON [[district, street], ...]
        )""",
    ),
    # 3: the read of each received file, by its SHA-256 (so that a report from the
    # workspace need not parse the archived workbooks again; see read/parsed.py)
    3: (
        """CREATE TABLE reads (
            sha256 TEXT PRIMARY KEY,
            meta TEXT NOT NULL,              -- JSON: the file's facts, tables, issues
            sizes TEXT NOT NULL,             -- JSON [bytes of each table's stream, ...]
            data BLOB NOT NULL               -- the tables' Arrow IPC streams, one after another
        )""",
    ),
}


class RecordError(InputError):
    """The record cannot be used (missing, damaged, from a newer sanlv): exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__("record", message)


@dataclass(frozen=True)
class Submission:
    id: int
    period: str
    file_name: str
    sha256: str
    archive: str
    received_at: str
    errors: int
    warnings: int
    status: str
    places: tuple[tuple[str, str], ...]
    replaced_at: str | None


@dataclass(frozen=True)
class Close:
    id: int
    period: str
    closed_at: str
    report: dict
    config: str
    files: list[dict]
    places: frozenset[tuple[str, str]]
    todos: dict[str, dict]  # key -> its row (kind, district, street, first_seen, …)


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class Record:
    """An open record. Use `Record.open(path)` (an existing workspace) or
    `Record.create(path)` (a new one)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        self.path = path

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> Record:
        if path.exists():
            raise RecordError(f"{path} 已存在，不会覆盖已有的工作区记录。")
        return cls._connect(path, create=True)

    @classmethod
    def open(cls, path: Path) -> Record:
        if not path.is_file():
            raise RecordError(f"找不到工作区记录 {path}。")
        return cls._connect(path, create=False)

    @classmethod
    def _connect(cls, path: Path, create: bool) -> Record:
        try:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if not create:
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
                if "submissions" not in tables:
                    raise sqlite3.DatabaseError("no sanlv tables")
        except sqlite3.DatabaseError as exc:
            raise RecordError(
                f"工作区记录 {path} 已损坏或不是 sanlv 的记录（{type(exc).__name__}），"
                "没有改动它；请从备份恢复。"
            ) from None
        if version > SCHEMA_VERSION:
            db.close()
            raise RecordError(
                f"工作区记录 {path} 由更新版本的 sanlv 写入（记录版本 {version}），"
                "请升级 sanlv 后再用。"
            )
        record = cls(db, path)
        if version < SCHEMA_VERSION:
            record._migrate(version)
        return record

    def _migrate(self, version: int) -> None:
        with self.transaction():
            current = self.db.execute("PRAGMA user_version").fetchone()[0]
            for v in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[v]:
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close_connection(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: writers wait for each other)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def event(self, period: str, kind: str, detail: str) -> None:
        self.db.execute(
            "INSERT INTO events (at, period, kind, detail) VALUES (?, ?, ?, ?)",
            (now(), period, kind, detail),
        )

    # --- the region list ----------------------------------------------------------------

    def expected_of(self, sha256: str) -> list[tuple[str, str]] | None:
        """The expected streets recorded for a region list file, or None when not recorded."""
        row = self.db.execute(
            "SELECT expected FROM region_lists WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return [(d, s) for d, s in json.loads(row[0])] if row else None

    def remember_expected(self, sha256: str, expected: list[tuple[str, str]]) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO region_lists VALUES (?, ?)",
                (sha256, json.dumps(expected, ensure_ascii=False)),
            )

    # --- the reads of received files ----------------------------------------------------

    def read_of(self, sha256: str) -> tuple[str, list[bytes]] | None:
        """The stored read of a file (JSON text and one stream per table), or None."""
        row = self.db.execute(
            "SELECT meta, sizes, data FROM reads WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None:
            return None
        meta, sizes, data = row
        streams, at = [], 0
        for n in json.loads(sizes):
            streams.append(bytes(data[at : at + n]))
            at += n
        return meta, streams

    def remember_read(self, sha256: str, meta: str, streams: list[bytes]) -> None:
        """Store a file's read (inside the caller's transaction)."""
        self.db.execute(
            "INSERT OR REPLACE INTO reads VALUES (?, ?, ?, ?)",
            (sha256, meta, json.dumps([len(b) for b in streams]), b"".join(streams)),
        )

    # --- submissions --------------------------------------------------------------------

    def submission_by_sha(self, period: str, sha256: str) -> Submission | None:
        row = self.db.execute(
            "SELECT * FROM submissions WHERE period = ? AND sha256 = ?", (period, sha256)
        ).fetchone()
        return _submission(row) if row else None

    def submissions(self, period: str | None = None) -> list[Submission]:
        if period is None:
            rows = self.db.execute("SELECT * FROM submissions ORDER BY id").fetchall()
        else:
            rows = self.db.execute(
                "SELECT * FROM submissions WHERE period = ? ORDER BY id", (period,)
            ).fetchall()
        return [_submission(r) for r in rows]

    def add_submission(
        self,
        period: str,
        file_name: str,
        sha256: str,
        archive: str,
        errors: int,
        warnings: int,
        status: str,
        places: list[tuple[str, str]],
        ids: list[str] | None = None,
    ) -> int:
        """Record a submission (inside a transaction); an accepted one becomes its streets'
        data for the period, replacing earlier submissions of theirs. `ids` are the compound
        and committee ids in the file (other streets' references are checked against them)."""
        cur = self.db.execute(
            "INSERT INTO submissions (period, file_name, sha256, archive, received_at, errors,"
            " warnings, status, places) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                period,
                file_name,
                sha256,
                archive,
                now(),
                errors,
                warnings,
                status,
                json.dumps(places, ensure_ascii=False),
            ),
        )
        sid = int(cur.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO submission_ids VALUES (?, ?)", [(sid, i) for i in ids or []]
        )
        self.event(period, "receive", f"{file_name}（{status}）")
        if status != "退回":
            for district, street in places:
                old = self.db.execute(
                    "SELECT submission_id FROM accepted WHERE period = ? AND district = ? "
                    "AND street = ?",
                    (period, district, street),
                ).fetchone()
                self.db.execute(
                    "INSERT OR REPLACE INTO accepted VALUES (?, ?, ?, ?)",
                    (period, district, street, sid),
                )
                if old and old[0] != sid:
                    self.event(period, "replace", f"{district}{street}：第 {old[0]} 号报送被替换")
                    left = self.db.execute(
                        "SELECT COUNT(*) FROM accepted WHERE submission_id = ?", (old[0],)
                    ).fetchone()[0]
                    if not left:
                        self.db.execute(
                            "UPDATE submissions SET replaced_at = ? WHERE id = ?", (now(), old[0])
                        )
        return sid

    def accepted(self, period: str) -> dict[tuple[str, str], int]:
        """(district, street) -> the submission whose data they are for the period."""
        rows = self.db.execute(
            "SELECT district, street, submission_id FROM accepted WHERE period = ?", (period,)
        ).fetchall()
        return {(d, s): sid for d, s, sid in rows}

    def accepted_ids(
        self,
        period: str,
        exclude: Collection[tuple[str, str]] = (),
        cache: dict[int, frozenset[str]] | None = None,
    ) -> set[str]:
        """The compound and committee ids of the period's accepted data, leaving out the
        submissions that hold only the streets in `exclude`. `cache` keeps each
        submission's ids across calls (a submission's ids never change)."""
        accepted = self.accepted(period)
        sids = {sid for place, sid in accepted.items() if place not in exclude}
        cache = {} if cache is None else cache
        out: set[str] = set()
        for sid in sids:
            ids = cache.get(sid)
            if ids is None:
                rows = self.db.execute(
                    "SELECT id FROM submission_ids WHERE submission_id = ?", (sid,)
                ).fetchall()
                ids = cache[sid] = frozenset(r for (r,) in rows)
            out |= ids
        return out

    def submission(self, sid: int) -> Submission:
        return _submission(
            self.db.execute("SELECT * FROM submissions WHERE id = ?", (sid,)).fetchone()
        )

    def latest_accepted(self, district: str, street: str) -> tuple[str, Submission] | None:
        row = self.db.execute(
            "SELECT period, submission_id FROM accepted WHERE district = ? AND street = ? "
            "ORDER BY period DESC LIMIT 1",
            (district, street),
        ).fetchone()
        return (row[0], self.submission(row[1])) if row else None

    # --- closes -------------------------------------------------------------------------

    def current_close(self, period: str) -> Close | None:
        row = self.db.execute(
            "SELECT * FROM closes WHERE period = ? AND superseded_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (period,),
        ).fetchone()
        return self._close(row) if row else None

    def is_closed(self, period: str) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM closes WHERE period = ? AND superseded_at IS NULL", (period,)
            ).fetchone()
            is not None
        )

    def closed_periods(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT period FROM closes WHERE superseded_at IS NULL ORDER BY period"
        ).fetchall()
        return [r[0] for r in rows]

    def add_close(
        self,
        period: str,
        report: dict,
        config: str,
        files: list[dict],
        places: list[tuple[str, str]],
        todos: list[dict],
    ) -> int:
        """Record the period's official figures (inside a transaction)."""
        cur = self.db.execute(
            "INSERT INTO closes (period, closed_at, report, config, files, places)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                period,
                now(),
                json_text.text(report),
                config,
                json.dumps(files, ensure_ascii=False),
                json.dumps(places, ensure_ascii=False),
            ),
        )
        cid = int(cur.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO close_todos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    cid,
                    t["key"],
                    t["kind"],
                    t["district"],
                    t["street"],
                    t["object_id"],
                    t["first_seen"],
                    t["months_open"],
                    t["status"],
                )
                for t in todos
            ],
        )
        self.event(period, "close", f"月结（第 {cid} 号记录）")
        return cid

    def reopen(self, period: str, reason: str) -> None:
        """Mark the period open again (inside a transaction): its close is kept, superseded."""
        self.db.execute(
            "UPDATE closes SET superseded_at = ? WHERE period = ? AND superseded_at IS NULL",
            (now(), period),
        )
        self.event(period, "reopen", reason)

    def events(self, period: str | None = None) -> list[tuple[str, str, str, str]]:
        sql = "SELECT at, period, kind, detail FROM events"
        rows = (
            self.db.execute(sql + " ORDER BY id").fetchall()
            if period is None
            else self.db.execute(sql + " WHERE period = ? ORDER BY id", (period,)).fetchall()
        )
        return [tuple(r) for r in rows]

    def all_closes(self, period: str) -> list[Close]:
        """Every close of the period, superseded ones included, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM closes WHERE period = ? ORDER BY id", (period,)
        ).fetchall()
        return [self._close(r) for r in rows]

    def _close(self, row: tuple) -> Close:
        cid, period, closed_at, _superseded, report, config, files, places = row
        todos = {}
        for r in self.db.execute(
            "SELECT key, kind, district, street, object_id, first_seen, months_open, status "
            "FROM close_todos WHERE close_id = ?",
            (cid,),
        ):
            todos[r[0]] = {
                "key": r[0],
                "kind": r[1],
                "district": r[2],
                "street": r[3],
                "object_id": r[4],
                "first_seen": r[5],
                "months_open": r[6],
                "status": r[7],
            }
        return Close(
            cid,
            period,
            closed_at,
            json.loads(report),
            config,
            json.loads(files),
            frozenset(tuple(p) for p in json.loads(places)),
            todos,
        )


def _submission(row: tuple) -> Submission:
    sid, period, name, sha, archive, at, errors, warnings, status, places, replaced = row
    return Submission(
        sid,
        period,
        name,
        sha,
        archive,
        at,
        errors,
        warnings,
        status,
        tuple(tuple(p) for p in json.loads(places)),
        replaced,
    )
