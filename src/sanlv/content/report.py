"""The content of a rate report, built once from a computation and laid out by the report
workbook, the terminal and the JSON alike: the figures of every level, the previous
period's figures (for the change), the target in force, the to-do list, how the figures were
made (口径说明) and the data quality summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from .. import __version__
from .. import config as config_mod
from ..compute import HEADLINE, RATE_KEYS, Computation
from ..config import Config
from ..dates import period_of
from ..issues import SEVERITY_ORDER, Issue
from ..levels import LEVELS, UNFILLED_DISTRICT, Level
from ..normalise import Dataset
from ..units import resolve_districts
from .definitions import definitions, file_line, rows_line, skipped_reasons
from .figures import figures
from .labels import pct, rate_short, rate_terse
from .todos import todo_list
from .tracking import CLOSED, NEW, OPEN, OVERDUE, PeriodTodos, track


def prev_period_todos(rc: ReportContent) -> PeriodTodos:
    """A report's own to-dos as an earlier period of 整改销号 (for --previous FILES)."""
    t = todo_list(rc.comp)
    rows = todo_records(t.assign(first_seen=rc.period, months_open=1, status=NEW, note=""))
    return PeriodTodos(rc.period, {r["key"]: r for r in rows}, frozenset(rc.places()))


def todo_records(todos: pd.DataFrame) -> list[dict]:
    """The JSON `todos` (SPEC section 3/7): key, kind, district, street, community,
    object_id, name, first_seen, months_open, status (and note when there is one)."""
    keys = todos["key"].tolist()
    out = [
        {
            "key": key,
            "kind": kind,
            "district": district,
            "street": street,
            "community": community,
            "object_id": key.partition(":")[2],
            "name": name,
            "first_seen": first_seen,
            "months_open": months_open,
            "status": status,
        }
        for key, kind, district, street, community, name, first_seen, months_open, status in zip(
            keys,
            todos["kind"].tolist(),
            todos["district"].tolist(),
            todos["street"].tolist(),
            todos["community"].tolist(),
            todos["compound_name"].tolist(),
            todos["first_seen"].tolist(),
            todos["months_open"].astype("int64").tolist(),
            todos["status"].tolist(),
            strict=True,
        )
    ]
    notes = todos["note"].to_numpy(dtype=object)
    for i in np.flatnonzero(notes.astype(bool)).tolist():
        out[i]["note"] = notes[i]
    return out


def district_name(ds: Dataset) -> str:
    """The district(s) named in the compounds, or 全区."""
    col = ds.compounds["district"] if "district" in ds.compounds else pd.Series(dtype=object)
    names = [n for n in dict.fromkeys(col.dropna()) if str(n).strip()]
    return "、".join(map(str, names[:3])) if names else "全区"


def colliding_ids(ds: Dataset) -> int:
    """Compound ids that appear in two or more districts (a city roll-up on colliding data)."""
    c = ds.compounds
    if c.empty:
        return 0
    files = np.array([s.file for s in ds.sources] or [""], dtype=object)
    districts, _ = resolve_districts(
        c["district"], files[c["_src"].to_numpy(np.int64)], UNFILLED_DISTRICT
    )
    frame = pd.DataFrame({"id": c["compound_id"].to_numpy(dtype=object), "d": districts})
    frame = frame[frame["id"].notna()]
    return int((frame.groupby("id")["d"].nunique() > 1).sum())


def exact_rate(entry: dict | None, key: str) -> float | None:
    """The exact rate of an entry (the JSON one is rounded to 4 places)."""
    if entry is None or key not in entry:
        return None
    den = entry[key]["denominator"]
    return entry[key]["numerator"] / den if den else None


def rate_change(now: dict, before: dict | None, key: str) -> float | None:
    """Rate minus the previous period's rate (a fraction, 4 places); None when either is
    undefined or there is no previous entry."""
    a, b = exact_rate(now, key), exact_rate(before, key)
    return None if a is None or b is None else round(a - b, 4)


def with_change(entries: list[dict] | dict, before: list[dict] | dict, level: Level):
    """Copies of a level's entries with `change` of every rate against `before` (matched by
    the level's keys); the total is one entry."""
    if isinstance(entries, dict):
        assert isinstance(before, dict)
        return {**entries, "change": {k: rate_change(entries, before, k) for k in RATE_KEYS}}
    assert isinstance(before, list)
    prev = {tuple(e[b] for b in level.by): e for e in before}
    out = []
    for e in entries:
        old = prev.get(tuple(e[b] for b in level.by))
        out.append({**e, "change": {k: rate_change(e, old, k) for k in RATE_KEYS}})
    return out


def change_points(now: dict, before: dict | None, key: str) -> float | None:
    """Change of a rate in percentage points, one decimal; None when either is missing."""
    a, b = exact_rate(now, key), exact_rate(before, key)
    if a is None or b is None:
        return None
    return round((a - b) * 100, 1)


def config_differences(base: Config, other: Config) -> list[str]:
    """The settings ("section.key", "targets") in which `other` differs from `base`."""
    a, b = base.to_dict(), other.to_dict()
    out = []
    for section, values in a.items():
        if section == "targets":
            if values != b.get(section):
                out.append("targets")
            continue
        for key, value in values.items():
            if b.get(section, {}).get(key) != value:
                out.append(f"{section}.{key}")
    return out


@dataclass
class Comparison:
    """The same inputs under another 口径 (`report --compare OTHER.toml`)."""

    name: str
    comp: Computation
    differences: list[str]

    def to_json(self) -> dict:
        data = figures(self.comp)
        return {
            "name": self.name,
            "differences": self.differences,
            "total": data["total"],
            "districts": data["districts"],
        }


@dataclass
class QualityRow:
    code: str
    severity: str
    count: int
    first: Issue


@dataclass
class ReportContent:
    comp: Computation
    ds: Dataset
    issues: list[Issue] = field(default_factory=list)
    previous: Computation | None = None
    previous_ds: Dataset | None = None
    include_personal: bool = False
    # listed streets without data, (district, street), with a region list or in a workspace
    unreported: list[tuple[str, str]] | None = None
    # earlier periods for 整改销号 (the workspace's closed periods, or --previous)
    history: list[PeriodTodos] = field(default_factory=list)
    # the previous period's figures when they come from the record, not a computation
    previous_figures: dict | None = None
    compare: list[Comparison] = field(default_factory=list)  # the same data, other 口径
    generated: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    _memo: dict = field(default_factory=dict, repr=False)

    @property
    def as_of(self) -> date:
        return self.comp.as_of

    @property
    def data(self) -> dict:
        return figures(self.comp)

    @property
    def previous_data(self) -> dict | None:
        """The previous period's figures (report JSON), when one is known."""
        if self.previous is not None:
            return figures(self.previous)
        return self.previous_figures

    @property
    def has_previous(self) -> bool:
        return self.previous is not None or self.previous_figures is not None

    @property
    def previous_as_of(self) -> str:
        data = self.previous_data
        return data["as_of"] if data else ""

    @property
    def districts(self) -> list[str]:
        return [e["district"] for e in self.data["districts"]]

    @property
    def is_city(self) -> bool:
        """Several districts: a city roll-up (district table, 全市合计, 区 in every row)."""
        return len(self.districts) > 1

    @property
    def total_label(self) -> str:
        return "全市合计" if self.is_city else "全区合计"

    @property
    def district(self) -> str:
        if self.is_city:
            names = self.districts
            return "、".join(names[:3]) + (f"等 {len(names)} 个区" if len(names) > 3 else "")
        return district_name(self.ds)

    @property
    def title(self) -> str:
        place = "全市" if self.is_city else self.district
        return f"{place}党建引领物业管理“三率”统计报告"

    def notices(self) -> list[str]:
        """What a reader must know before the figures (the report's first lines)."""
        out = []
        if "collisions" not in self._memo:
            self._memo["collisions"] = colliding_ids(self.ds)
        collisions = self._memo["collisions"]
        if collisions:
            out.append(
                f"注意：有 {collisions} 个小区编号在不同的区重复出现，以下数字依据的是有冲突的数据，"
                "请先核对编号（见数据质量）。"
            )
        if self.comp.config.party.service_unit == "enterprise":
            out.append(
                "注意：党组织覆盖率按物业服务企业统计，一家企业在每个有项目的区、街道各算一次，"
                "在合计中只算一次，因此各街道之和可能大于合计。"
            )
        return out

    def to_json(self) -> dict:
        """The report JSON (SPEC section 3): the figures of every level, with `change` against
        the previous period when it is known, the streets of the official list that have
        no data (`unreported`) when a list was given, and every to-do."""
        if "json" not in self._memo:
            self._memo["json"] = self._json(todos=True)
        return self._memo["json"]

    def figures_json(self) -> dict:
        """The report JSON without its to-do records (`todos`, `closed_todos`): what the
        workbook's 概览, the terminal and the 通报 show (about 0.5 s less at 100k compounds,
        whose 111k to-dos the workbook writes from the to-do table itself)."""
        if "json" in self._memo:
            return self._memo["json"]
        if "figures_json" not in self._memo:
            self._memo["figures_json"] = self._json(todos=False)
        return self._memo["figures_json"]

    def _json(self, todos: bool) -> dict:
        data = dict(self.data)
        before = self.previous_data
        if before is not None:
            for level in LEVELS:
                data[level.json_key] = with_change(
                    data[level.json_key], before[level.json_key], level
                )
        if self.unreported is not None:
            data["unreported"] = [{"district": d, "street": s} for d, s in self.unreported]
        if todos:
            table, closed = self.tracked()
            data["todos"] = todo_records(table)
            data["closed_todos"] = closed
        if self.compare:
            data["compare"] = [c.to_json() for c in self.compare]
        notices = self.notices()
        if notices:
            data["notices"] = notices
        return data

    def target_text(self, terse: bool = False) -> str:
        """The target in force in words: each headline rate, and which stage it is (the last
        stage stays in force after its date)."""
        t = self.comp.config.target_for(self.as_of)
        target = self.data["total"]["target"]
        if t is None or not target:
            return "未设定目标"
        name = rate_terse if terse else rate_short
        goals = "，".join(f"{name(k)} {pct(target[k], 0)}" for k in HEADLINE if k in target)
        if t.by < self.as_of:
            return f"目标：{goals}（{t.by.isoformat()} 阶段目标，此后继续适用）"
        return f"目标：{goals}（{t.by.isoformat()} 前应达到）"

    @property
    def period(self) -> str:
        return period_of(self.as_of)

    def places(self) -> set[tuple[str, str]]:
        """The streets (district, street) that have data."""
        c = self.comp.compounds
        return set(zip(c["district"].tolist(), c["street"].tolist(), strict=True))

    def todos(self) -> pd.DataFrame:
        """The to-do list with its 整改 columns (first_seen, months_open, status, note)."""
        return self.tracked()[0]

    def tracked(self) -> tuple[pd.DataFrame, list[dict]]:
        if "tracked" not in self._memo:
            history = list(self.history)
            if not history and self.previous is not None:
                prev = ReportContent(self.previous, self.ds)
                history = [prev_period_todos(prev)]
            self._memo["tracked"] = track(
                todo_list(self.comp, self.include_personal),
                self.period,
                history,
                self.places(),
                self.comp.config.todo.overdue_months,
            )
        return self._memo["tracked"]

    def status_counts(self) -> dict[str, int]:
        """How many to-dos are 新增, 未销号, 逾期, and how many were closed this period."""
        todos, closed = self.tracked()
        counts = Counter(todos["status"].tolist())
        return {s: counts.get(s, 0) for s in (NEW, OPEN, OVERDUE)} | {CLOSED: len(closed)}

    def method(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """口径说明 as sections of (label, text) lines."""
        comp, ds = self.comp, self.ds
        rows = ds.rows
        accounting = [("本期台账", rows_line(rows))]
        accounting += [("　未计入原因", f"{why}：{n} 行") for why, n in skipped_reasons(rows)]
        sections = [
            ("", [("统计截止日期", comp.as_of.isoformat())]),
            ("统计口径（配置）", config_mod.describe(comp.config, comp.as_of)),
            ("指标定义", definitions(comp.config)),
            ("输入文件", [file_line(f) for f in ds.files]),
            ("行数核对", accounting),
        ]
        if self.previous is not None and self.previous_ds is not None:
            prev = [("上期统计截止日期", self.previous.as_of.isoformat())]
            prev += [file_line(f) for f in self.previous_ds.files]
            prev.append(("上期台账", rows_line(self.previous_ds.rows)))
            sections.append(("上期对比", prev))
        sections.append(
            (
                "生成信息",
                [
                    ("工具版本", f"sanlv {__version__}"),
                    ("生成时间", self.generated.strftime("%Y-%m-%d %H:%M:%S")),
                ],
            )
        )
        return sections

    def quality(self) -> list[QualityRow]:
        """Issue counts by code and severity (errors first), with the first location."""
        first: dict[tuple[str, str], Issue] = {}
        counts: Counter = Counter()
        for i in self.issues:
            k = (i.code, i.severity)
            counts[k] += 1
            first.setdefault(k, i)
        keys = sorted(counts, key=lambda k: (SEVERITY_ORDER.get(k[1], 3), k[0]))
        return [QualityRow(c, s, counts[(c, s)], first[(c, s)]) for c, s in keys]

    def severity_counts(self) -> Counter:
        return Counter(i.severity for i in self.issues)
