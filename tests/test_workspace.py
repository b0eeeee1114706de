"""The monthly cycle (SPEC section 7): a small district walked through three months, the
record's invariants, and the faults a workspace must survive.

The district: 示范区 with 甲街道 (two compounds), 乙街道 and 丙街道 (one each); every compound
is 社区托管 (so it has property service) and eligible for a committee, so each compound
without a committee is one to-do `no-committee:ID` and nothing else is open.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sanlv import store
from sanlv.cli import app

from .district import COMMITTEE_HEADER, ORG_HEADER  # rows leave the optional columns blank
from .helpers import write_xlsx

runner = CliRunner()
D = date

COMPOUND_HEADER = [
    "小区编号",
    "小区名称",
    "区",
    "街道",
    "社区",
    "总户数",
    "物业管理方式",
    "纳入统计",
    "具备组建条件",
]
DISTRICT = "示范区"


def compound(cid: str, name: str, street: str, community: str, households: int = 100) -> list:
    return [cid, name, DISTRICT, street, community, households, "社区托管", "是", "是"]


def jia(households: int = 100) -> list[list]:
    return [
        compound("J1", "一号院", "甲街道", "一社区", households),
        compound("J2", "二号院", "甲街道", "一社区"),
    ]


YI = [compound("Y1", "乙一院", "乙街道", "二社区")]
BING = [compound("B1", "丙一院", "丙街道", "三社区")]
# J1's committee (founded in October) and its Party branch
J1_COMMITTEE = [["KJ1", "J1", "业主委员会", D(2026, 10, 1), D(2031, 9, 30), None, 5, 3]]
J1_BRANCH = [["OJ1", "一号院业委会党支部", "业主委员会", "KJ1", "单独组建", D(2026, 10, 10)]]


def street_file(path: Path, compounds, committees=(), orgs=()) -> Path:
    return write_xlsx(
        path,
        {
            "小区": [COMPOUND_HEADER, *compounds],
            "业委会": [COMMITTEE_HEADER, *committees],
            "党组织": [ORG_HEADER, *orgs],
        },
    )


def region_list(path: Path) -> Path:
    rows = [["区", "街道", "社区"]]
    rows += [[DISTRICT, s, c] for s, c in (("甲街道", "一社区"), ("乙街道", "二社区"))]
    rows += [[DISTRICT, "丙街道", "三社区"]]
    return write_xlsx(path, {"区划": rows})


class Cycle:
    """The CLI run in a workspace, with the clock of the record set by the test."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.ws = root / "工作区"
        self.files = root / "收件"
        self.files.mkdir(parents=True, exist_ok=True)
        self.monkeypatch = monkeypatch

    def run(self, *args: object, at: str | None = None, code: int | None = 0):
        if at is not None:
            self.monkeypatch.setattr(store, "now", lambda: at)
        env = {"SANLV_WORKSPACE": str(self.ws), "COLUMNS": "120"}
        r = runner.invoke(app, [str(a) for a in args], env=env)
        if code is not None:
            assert r.exit_code == code, r.output
        return r

    def json(self, *args: object, at: str | None = None, code: int = 0) -> dict:
        r = self.run(*args, "--format", "json", at=at, code=code)
        return json.loads(r.stdout)

    def file(self, name: str, compounds, committees=(), orgs=()) -> Path:
        return street_file(self.files / name, compounds, committees, orgs)


def counts(todos: list[dict], closed: list[dict]) -> dict[str, int]:
    out = {s: sum(t["status"] == s for t in todos) for s in ("新增", "未销号", "逾期")}
    out["已销号"] = len(closed)
    return out


def by_key(todos: list[dict]) -> dict[str, tuple]:
    return {t["key"]: (t["first_seen"], t["months_open"], t["status"]) for t in todos}


# --- three months --------------------------------------------------------------------------


def test_three_months_of_a_district(tmp_path, monkeypatch):
    c = Cycle(tmp_path, monkeypatch)
    c.run("init", c.ws, "--regions", region_list(tmp_path / "区划名单.xlsx"))
    assert (c.ws / "sanlv.db").is_file() and (c.ws / "区划.xlsx").is_file()
    faulty = c.file("甲街道-初稿.xlsx", jia(households=-5))
    jia_ok = c.file("甲街道.xlsx", jia())
    yi = c.file("乙街道.xlsx", YI)

    # September: 甲 returned then resubmitted before the deadline (5 October), 乙 late, 丙 missing
    r = c.json("receive", faulty, "--period", "2026-09", at="2026-10-02T09:00:00", code=1)
    [got] = r["received"]
    assert got["status"] == "退回" and got["errors"] == 1
    assert got["places"] == [{"district": DISTRICT, "street": "甲街道"}]
    returned = c.ws / "退回" / "2026-09"
    assert sorted(p.name for p in returned.iterdir()) == [
        "甲街道-初稿-标注.xlsx",
        "甲街道-初稿-退回说明.xlsx",
    ]
    assert c.json("status", "--period", "2026-09")["streets"][0]["status"] == "退回"
    c.run("receive", jia_ok, "--period", "2026-09", at="2026-10-03T09:00:00")
    c.run("receive", yi, "--period", "2026-09", at="2026-10-08T17:30:00")
    s = c.json("status", "--period", "2026-09")
    assert s["deadline"] == "2026-10-05"
    rows = {x["street"]: (x["status"], x["submissions"], x["late"]) for x in s["streets"]}
    assert rows == {
        "甲街道": ("合格", 2, False),
        "乙街道": ("合格", 1, True),
        "丙街道": ("未报送", 0, True),  # still missing after the deadline
    }
    assert s["summary"] == {
        "expected": 3,
        "received": 2,
        "accepted": 2,
        "returned": 0,
        "missing": 1,
        "late": 2,
    }
    text = c.run("status", "--period", "2026-09").output
    assert "催报" in text and "丙街道" in text and "逾期未报送" in text
    # both submissions and the archive copies are kept; the archive holds the bytes received
    archived = sorted((c.ws / "报送" / "2026-09").iterdir())
    assert len(archived) == 3
    assert {p.read_bytes() for p in archived} == {
        faulty.read_bytes(),
        jia_ok.read_bytes(),
        yi.read_bytes(),
    }

    # the report of a period with a missing street: 丙 not counted, listed as 未报送
    rep = c.json("report", "--period", "2026-09")
    assert rep["unreported"] == [{"district": DISTRICT, "street": "丙街道"}]
    assert rep["total"]["compounds"] == 3
    assert rep["total"]["committee"] == {"numerator": 0, "denominator": 3, "rate": 0.0}
    # close refuses while a street is missing, then closes with --allow-missing
    r = c.run("close", "--period", "2026-09", code=2)
    assert "丙街道" in r.output and "--allow-missing" in r.output
    c.run("close", "--period", "2026-09", "--allow-missing", at="2026-10-10T10:00:00")
    r = c.run("receive", jia_ok, "--period", "2026-09", code=2)
    assert "已经月结" in r.output
    sept = c.json("report", "--period", "2026-09")
    assert counts(sept["todos"], sept["closed_todos"]) == {
        "新增": 3,  # J1, J2, Y1
        "未销号": 0,
        "逾期": 0,
        "已销号": 0,
    }

    # October: J1 forms a committee with a Party branch; 丙 reports for the first time
    jia_oct = c.file("甲街道10月.xlsx", jia(), J1_COMMITTEE, J1_BRANCH)
    bing = c.file("丙街道.xlsx", BING)
    r = c.json("receive", jia_oct, yi, bing, "--period", "2026-10", at="2026-11-04T09:00:00")
    assert [x["status"] for x in r["received"]] == ["合格", "合格", "合格"]
    octo = c.json("report", "--period", "2026-10")
    assert "unreported" not in octo or octo["unreported"] == []
    assert octo["total"]["committee"] == {"numerator": 1, "denominator": 4, "rate": 0.25}
    assert octo["total"]["change"]["committee"] == pytest.approx(0.25)  # from 0/3
    assert by_key(octo["todos"]) == {
        "no-committee:J2": ("2026-09", 2, "未销号"),
        "no-committee:Y1": ("2026-09", 2, "未销号"),
        "no-committee:B1": ("2026-10", 1, "新增"),
    }
    assert [(t["key"], t["closed_in"]) for t in octo["closed_todos"]] == [
        ("no-committee:J1", "2026-10")
    ]
    assert counts(octo["todos"], octo["closed_todos"]) == {
        "新增": 1,
        "未销号": 2,
        "逾期": 0,
        "已销号": 1,
    }
    c.run("close", "--period", "2026-10", at="2026-11-06T10:00:00")

    # November: J1's committee is gone from 甲's roster (the to-do returns), the rest unchanged
    c.run("receive", jia_ok, yi, bing, "--period", "2026-11", at="2026-12-01T09:00:00")
    s = c.json("status", "--period", "2026-11")
    assert s["summary"]["accepted"] == 3 and s["summary"]["late"] == 0
    nov = c.json("report", "--period", "2026-11")
    assert by_key(nov["todos"]) == {
        "no-committee:J1": ("2026-11", 1, "新增"),
        "no-committee:J2": ("2026-09", 3, "逾期"),  # [todo] overdue_months = 3
        "no-committee:Y1": ("2026-09", 3, "逾期"),
        "no-committee:B1": ("2026-10", 2, "未销号"),
    }
    [returning] = [t for t in nov["todos"] if t["key"] == "no-committee:J1"]
    assert "曾于 2026-10 销号" in returning.get("note", "")
    assert counts(nov["todos"], nov["closed_todos"]) == {
        "新增": 1,
        "未销号": 1,
        "逾期": 2,
        "已销号": 0,
    }
    # the workbook's 问题清单 carries the same statuses
    out = tmp_path / "11月报告.xlsx"
    c.run("report", "--period", "2026-11", "-o", out)
    import openpyxl

    wb = openpyxl.load_workbook(out, read_only=True)
    cells = {str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v}
    assert {"逾期", "新增", "未销号"} <= cells
    assert any("曾于 2026-10 销号" in v for v in cells)
    c.run("close", "--period", "2026-11", at="2026-12-06T10:00:00")

    # trend from the record: the official figures of the three closed periods
    t = c.json("trend", "--from", "2026-09", "--to", "2026-11")
    got = [
        (p["month"], p["total"]["compounds"], p["total"]["committee"]["numerator"])
        for p in t["months"]
    ]
    assert got == [("2026-09", 3, 0), ("2026-10", 4, 1), ("2026-11", 4, 0)]


# --- receiving in any order, closing twice ----------------------------------------------------


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> dict[str, Path]:
    """One month's submissions: three streets (one file each), a faulty first draft of 甲
    and a later correction of 乙 (new bytes, same street)."""
    folder = tmp_path_factory.mktemp("month")
    return {
        "甲初稿": street_file(folder / "甲初稿.xlsx", jia(households=-5)),
        "甲": street_file(folder / "甲.xlsx", jia(), J1_COMMITTEE, J1_BRANCH),
        "乙": street_file(folder / "乙.xlsx", YI),
        "丙": street_file(folder / "丙.xlsx", BING),
    }


def _record_state(ws: Path) -> tuple:
    """What the record says about the period: the streets' accepted data (by content) and
    the statuses of every submission (by content)."""
    db = sqlite3.connect(ws / "sanlv.db")
    try:
        accepted = db.execute(
            "SELECT a.district, a.street, s.sha256 FROM accepted a "
            "JOIN submissions s ON s.id = a.submission_id ORDER BY 1, 2"
        ).fetchall()
        subs = db.execute("SELECT sha256, status FROM submissions ORDER BY 1").fetchall()
    finally:
        db.close()
    return tuple(accepted), tuple(subs)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(["甲", "乙", "丙", "甲初稿"]), together=st.booleans())
def test_any_order_gives_the_same_record(tmp_path_factory, month, order, together):
    """The order of receipt (and receiving one by one or all at once) changes nothing but
    the times: the same streets' data, the same statuses, the same figures."""
    ws = tmp_path_factory.mktemp("ws") / "w"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    env = {"SANLV_WORKSPACE": str(ws)}
    batches = [order] if together else [[name] for name in order]
    for batch in batches:
        args = ["receive", *(str(month[n]) for n in batch), "--period", "2026-10"]
        assert runner.invoke(app, args, env=env).exit_code in (0, 1)
    state = _record_state(ws)
    report = runner.invoke(app, ["report", "--period", "2026-10", "--format", "json"], env=env)
    figures = json.loads(report.stdout)
    figures.pop("files", None)
    baseline = getattr(test_any_order_gives_the_same_record, "baseline", None)
    if baseline is None:
        test_any_order_gives_the_same_record.baseline = (state, figures)  # type: ignore[attr-defined]
    else:
        assert (state, figures) == baseline


def test_close_reopen_close_gives_the_same_figures(tmp_path, month):
    ws = tmp_path / "w"
    env = {"SANLV_WORKSPACE": str(ws)}
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    files = [str(month[n]) for n in ("甲", "乙", "丙")]
    assert runner.invoke(app, ["receive", *files, "--period", "2026-10"], env=env).exit_code == 0
    first = runner.invoke(app, ["close", "--period", "2026-10", "--format", "json"], env=env)
    assert first.exit_code == 0, first.output
    r = runner.invoke(app, ["reopen", "--period", "2026-10", "--reason", "核对"], env=env)
    assert r.exit_code == 0, r.output
    # reopened: receiving is allowed again (the same bytes are recorded once)
    r = runner.invoke(app, ["receive", files[0], "--period", "2026-10"], env=env)
    assert r.exit_code == 0 and "已接收过" in r.output
    second = runner.invoke(app, ["close", "--period", "2026-10", "--format", "json"], env=env)
    assert second.exit_code == 0, second.output

    def figures(out: str) -> dict:
        data = json.loads(out)
        return {k: v for k, v in data.items() if k not in ("closed_at",)}

    assert figures(first.stdout) == figures(second.stdout)
    db = sqlite3.connect(ws / "sanlv.db")
    closes = db.execute("SELECT superseded_at IS NOT NULL FROM closes ORDER BY id").fetchall()
    events = [k for (k,) in db.execute("SELECT kind FROM events ORDER BY id")]
    db.close()
    assert closes == [(1,), (0,)]  # the first close kept, marked superseded
    assert events.count("reopen") == 1 and events.count("close") == 2


def test_reports_use_the_stored_reads_and_equal_a_fresh_read(tmp_path, month):
    """`receive` keeps each file's read in the record; the report from the workspace is
    built from those (the archived workbooks are not parsed again) and equals, in the JSON
    and on the terminal, the report built by reading the archived files (what an earlier
    sanlv's submissions get)."""
    ws = tmp_path / "w"
    env = {"SANLV_WORKSPACE": str(ws), "COLUMNS": "120"}
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    files = [str(month[n]) for n in ("甲初稿", "甲", "乙", "丙")]
    assert runner.invoke(app, ["receive", *files, "--period", "2026-10"], env=env).exit_code == 1
    db = sqlite3.connect(ws / "sanlv.db")
    shas = db.execute("SELECT sha256 FROM submissions ORDER BY id").fetchall()
    assert db.execute("SELECT sha256 FROM reads ORDER BY rowid").fetchall() == shas
    db.close()

    def reports() -> tuple[str, str]:
        args = ["report", "--period", "2026-10"]
        out = runner.invoke(app, [*args, "--format", "json"], env=env)
        table = runner.invoke(app, args, env=env)
        assert out.exit_code == table.exit_code == 0, table.output
        return out.stdout, table.stdout

    import sanlv.read

    def no_parsing(*args, **kwargs):
        raise AssertionError("an archived file was parsed again")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sanlv.read, "read_file", no_parsing)
        stored = reports()
    db = sqlite3.connect(ws / "sanlv.db")
    db.execute("DELETE FROM reads")
    db.commit()
    db.close()
    assert reports() == stored


# --- bad input: one Chinese line, exit 2, nothing recorded -----------------------------------


def _submissions(ws: Path) -> int:
    db = sqlite3.connect(ws / "sanlv.db")
    try:
        return db.execute("SELECT count(*) FROM submissions").fetchone()[0]
    finally:
        db.close()


def test_bad_input_records_nothing(tmp_path, monkeypatch):
    c = Cycle(tmp_path, monkeypatch)
    c.run("init", c.ws, "--regions", region_list(tmp_path / "区划名单.xlsx"))
    c.run("init", c.ws, code=2)  # never touches an existing workspace
    not_roster = write_xlsx(tmp_path / "封面.xlsx", {"封面": [["2026年10月报表"]]})
    r = c.run("receive", not_roster, "--period", "2026-10", code=2)
    assert "Traceback" not in r.output and "封面.xlsx" in r.output
    for bad in ("2026-13", "十月", "0000-01"):
        r = c.run("receive", not_roster, "--period", bad, code=2)
        assert "Traceback" not in r.output
    assert _submissions(c.ws) == 0
    # a street outside the region list is returned (region-unknown), never accepted
    stranger = c.file("丁街道.xlsx", [compound("D1", "丁一院", "丁街道", "四社区")])
    r = c.json("receive", stranger, "--period", "2026-10", code=1)
    assert r["received"][0]["status"] == "退回"
    ws_json = c.json("status", "--period", "2026-10")
    assert {x["street"] for x in ws_json["streets"]} == {"甲街道", "乙街道", "丙街道"}
    # no workspace here
    r = runner.invoke(
        app, ["status", "--period", "2026-10", "--workspace", str(tmp_path / "无")], env={}
    )
    assert r.exit_code == 2 and "sanlv init" in r.output


def test_damaged_or_newer_record_is_reported_never_recreated(tmp_path):
    ws = tmp_path / "w"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    db = ws / "sanlv.db"
    env = {"SANLV_WORKSPACE": str(ws)}
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    con.close()
    r = runner.invoke(app, ["status", "--period", "2026-10"], env=env)
    assert r.exit_code == 2 and "更新版本" in r.output
    damaged = b"SQLite format 3\x00" + b"\x13" * 4000
    db.write_bytes(damaged)
    for wal in ws.glob("sanlv.db-*"):
        wal.unlink()
    r = runner.invoke(app, ["status", "--period", "2026-10"], env=env)
    assert r.exit_code == 2 and "损坏" in r.output, r.output
    assert db.read_bytes() == damaged


# --- faults: killed mid-receive, two receives at once ----------------------------------------


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sanlv", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _consistent(ws: Path) -> int:
    """After recovery: every recorded submission has its archive copy, every archive copy is
    recorded, no temporary copy is left. Returns the number of submissions."""
    from sanlv.workspace import Workspace

    w = Workspace.open(ws)
    try:
        recorded = {s.archive for s in w.record.submissions()}
    finally:
        w.close()
    on_disk = {p.relative_to(ws).as_posix() for p in (ws / "报送").rglob("*") if p.is_file()}
    assert on_disk == recorded
    return len(recorded)


def test_a_killed_receive_is_all_or_nothing(tmp_path, month):
    ws = tmp_path / "w"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    env = {"SANLV_WORKSPACE": str(ws)}
    # how long a whole receive takes here, to kill at points spread over it
    start = time.monotonic()
    probe = _cli("receive", str(month["乙"]), "--period", "2026-08", env=env)
    probe.communicate(timeout=120)
    span = time.monotonic() - start
    outcomes = set()
    for i, fraction in enumerate((0.3, 0.5, 0.65, 0.8, 0.9, 0.95, 1.0)):
        period = f"2025-{i + 1:02d}"
        p = _cli("receive", str(month["甲"]), "--period", period, env=env)
        time.sleep(span * fraction)
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=60)
        n = _consistent(ws)
        db = sqlite3.connect(ws / "sanlv.db")
        here = db.execute("SELECT count(*) FROM submissions WHERE period = ?", (period,)).fetchone()
        db.close()
        assert here[0] in (0, 1)
        outcomes.add(here[0])
        # the interrupted period can be received again and ends with one submission
        r = runner.invoke(app, ["receive", str(month["甲"]), "--period", period], env=env)
        assert r.exit_code == 0, r.output
        assert _consistent(ws) == n + 1 - here[0]
    assert 0 in outcomes  # at least one kill landed before the commit


def test_two_receives_at_once_both_land(tmp_path, month):
    ws = tmp_path / "w"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    env = {"SANLV_WORKSPACE": str(ws)}
    procs = [
        _cli("receive", str(month[n]), "--period", "2026-10", env=env) for n in ("甲", "乙", "丙")
    ]
    for p in procs:
        _out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode("utf-8", "replace")
    assert _consistent(ws) == 3
    s = runner.invoke(app, ["status", "--period", "2026-10", "--format", "json"], env=env)
    assert json.loads(s.stdout)["summary"]["accepted"] == 3


@pytest.mark.parametrize("where", ["before-commit", "after-commit"])
def test_an_interrupted_receive_is_finished_or_undone(tmp_path, month, monkeypatch, where):
    """Ctrl-C (or a crash) at the two dangerous points of a receive: before the record is
    committed nothing is left; after it, the next opening of the workspace finishes the
    archive copy."""
    from sanlv import workspace

    ws = tmp_path / "w"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "before-commit":
        monkeypatch.setattr(store.Record, "add_submission", interrupt)
    else:
        monkeypatch.setattr(workspace.os, "replace", interrupt)
    r = runner.invoke(
        app, ["receive", str(month["乙"]), "--period", "2026-10"], env={"SANLV_WORKSPACE": str(ws)}
    )
    assert r.exit_code not in (0, 3) and "Traceback" not in r.output
    monkeypatch.undo()
    assert _consistent(ws) == (0 if where == "before-commit" else 1)


def test_a_city_workspace_receives_its_districts_ledgers(tmp_path):
    """One level up: each district's standardised ledger is a valid submission for all its
    streets, and the city's figures from the record equal the report of the districts'
    own rosters."""
    from .city import write_city

    files = write_city(tmp_path)
    ledgers = []
    for name, path in files.items():
        out = tmp_path / f"{name}标准化台账.xlsx"
        r = runner.invoke(app, ["ledger", str(path), "-o", str(out), "--as-of", "2026-10-31"])
        assert r.exit_code == 0, r.output
        ledgers.append(str(out))
    ws = tmp_path / "市专班"
    env = {"SANLV_WORKSPACE": str(ws)}
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    r = runner.invoke(
        app, ["receive", *ledgers, "--period", "2026-10", "--format", "json"], env=env
    )
    assert r.exit_code == 0, r.output
    places = [sorted(p["district"] for p in x["places"]) for x in json.loads(r.stdout)["received"]]
    assert places == [["东城区", "东城区"], ["鼓楼区", "鼓楼区"]]
    from_record = json.loads(
        runner.invoke(app, ["report", "--period", "2026-10", "--format", "json"], env=env).stdout
    )
    direct = json.loads(
        runner.invoke(
            app, ["report", *map(str, files.values()), "--period", "2026-10", "--format", "json"]
        ).stdout
    )
    for level in ("total", "districts", "streets", "communities"):
        assert from_record[level] == direct[level], level


def test_prefilled_template_of_a_street_round_trips(tmp_path, month):
    """`template --street` writes the street's latest accepted data with drop-downs; sent
    back unchanged it is accepted and gives the same figures."""
    import openpyxl

    ws = tmp_path / "w"
    env = {"SANLV_WORKSPACE": str(ws)}
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    files = [str(month[n]) for n in ("甲", "乙")]
    assert runner.invoke(app, ["receive", *files, "--period", "2026-10"], env=env).exit_code == 0
    out = tmp_path / "甲街道11月.xlsx"
    r = runner.invoke(app, ["template", "--street", "甲街道", "-o", str(out)], env=env)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    text = {str(c.value) for sh in wb for row in sh.iter_rows() for c in row if c.value}
    assert {"J1", "J2", "KJ1", "OJ1"} <= text and "Y1" not in text  # only this street
    assert any(sh.data_validations.dataValidation for sh in wb)  # drop-downs kept
    r = runner.invoke(
        app, ["template", "--street", "无此街道", "-o", str(tmp_path / "x.xlsx")], env=env
    )
    assert r.exit_code == 2 and "无此街道" in r.output
    # sent back unchanged for November: accepted, the same street figures as October
    r = runner.invoke(
        app, ["receive", str(out), "--period", "2026-11", "--format", "json"], env=env
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)["received"][0]
    assert got["status"] == "合格" and got["places"] == [{"district": DISTRICT, "street": "甲街道"}]

    def street(period: str) -> dict:
        rep = runner.invoke(app, ["report", "--period", period, "--format", "json"], env=env)
        [s] = [s for s in json.loads(rep.stdout)["streets"] if s["street"] == "甲街道"]
        return {k: s[k] for k in ("compounds", "committee", "service", "party")}

    assert street("2026-11") == street("2026-10")


def test_region_list_is_remembered_until_it_changes_and_old_records_migrate(tmp_path):
    """`status` keeps the region list's streets in the record by the file's SHA-256: an
    unchanged list is not read again, an edited one is. A record of schema version 1 is
    migrated forward on open."""
    ws = tmp_path / "w"
    env = {"SANLV_WORKSPACE": str(ws)}
    assert (
        runner.invoke(
            app, ["init", str(ws), "--regions", str(region_list(tmp_path / "r.xlsx"))]
        ).exit_code
        == 0
    )
    # make it a version-1 record, as written by an earlier sanlv
    con = sqlite3.connect(ws / "sanlv.db")
    con.execute("DROP TABLE region_lists")
    con.execute("DROP TABLE reads")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()

    def streets() -> list[str]:
        r = runner.invoke(app, ["status", "--period", "2026-10", "--format", "json"], env=env)
        assert r.exit_code == 0, r.output
        return [x["street"] for x in json.loads(r.stdout)["streets"]]

    assert streets() == ["甲街道", "乙街道", "丙街道"]
    con = sqlite3.connect(ws / "sanlv.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert con.execute("SELECT count(*) FROM region_lists").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM reads").fetchone()[0] == 0
    con.close()
    write_xlsx(ws / "区划.xlsx", {"区划": [["区", "街道", "社区"], [DISTRICT, "丁街道", "四社区"]]})
    assert streets() == ["丁街道"]
