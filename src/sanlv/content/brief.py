"""The content of the monthly 通报 (SPEC section 8), format-neutral: its title lines, the
sentences of 一、总体情况, the rows of the district and street tables, the streets named
(达标, 红榜, 进步最快, 后三位, 连续处于后三位), the 整改 figures per street, the 口径 in one
paragraph and the data of the chart. Everything is read from the report content (the same
figures, labels and to-do list as `sanlv report`); nothing is computed again. The Word
renderer only lays it out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..compute import HEADLINE
from ..config.toml import describe
from .labels import TODO_LABELS, pct, points, rate_name, rate_short
from .report import ReportContent, rate_change
from .tracking import CLOSED, NEW, OPEN, OVERDUE, month_before

TOP = 3  # 红榜 and 后三位: three streets (fewer when there are few streets)
RUN_MONTHS = 3  # named when in the bottom three for this many months running
RATE_SECTIONS = ("committee", "service", "party")  # the 口径 of the rates (not [rules])

# what the numerator and the denominator of a headline rate count, for the sentences
COUNTED = {
    "committee": ("纳入统计小区", "已组建"),
    "service": ("纳入统计小区", "已覆盖"),
    "party": ("应覆盖单位", "已覆盖"),
}
CN_DIGITS = "零一二三"  # 后一位, 后两位 … with fewer streets


def cn_date(day: date) -> str:
    """2026-10-31 -> "2026年10月31日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(period: str) -> str:
    """ "2026-10" -> "2026年10月"."""
    return f"{int(period[:4])}年{int(period[5:7])}月"


def change_words(change: float | None) -> str:
    """A change of a rate in office style: "提高 2.3 个百分点", "下降 0.5 个百分点", "持平"."""
    if change is None:
        return ""
    if round(change * 100, 1) == 0:
        return "持平"
    return f"{'提高' if change > 0 else '下降'} {points(abs(change), signed=False)} 个百分点"


@dataclass
class RateCell:
    """One headline rate of one row: as printed in the tables."""

    key: str
    name: str
    numerator: int
    denominator: int
    rate: float | None
    rate_text: str  # "71.7%"
    count_text: str  # "43/60"
    change: float | None  # against the previous period (a fraction)
    change_text: str  # "+2.3" (percentage points), "—" unknown
    target_text: str  # "90%", "" without a target
    gap: int | None  # units still needed (0 when met)
    met: bool | None


@dataclass
class PlaceRow:
    """A row of the district or street table (or the total)."""

    district: str
    street: str
    name: str  # what the row is called in the document
    rank: int | None
    rank_all: int | None
    compounds: int
    rates: dict[str, RateCell]
    met_all: bool


@dataclass
class TodoRow:
    district: str
    street: str
    name: str
    open: int  # to-dos of this period
    new: int
    overdue: int
    closed: int


@dataclass
class Chart:
    """The chart's data: one bar group per row, the three headline rates, the targets."""

    title: str
    names: list[str]
    series: dict[str, list[float]]  # rate key -> rates (fractions; undefined as 0)
    targets: dict[str, float]


@dataclass
class BriefContent:
    report: ReportContent
    period: str
    is_city: bool
    place: str  # 东城区 / 全市
    issuer: str
    title: str
    issue_no: str
    month_text: str  # 2026年10月
    as_of_text: str
    issued_text: str
    previous_label: str  # 上月 / 2026年8月 / "" without a previous period
    year_end_label: str  # 上年末 / ""
    total: PlaceRow
    total_sentences: list[str]
    districts: list[PlaceRow]
    streets: list[PlaceRow]
    met_streets: list[str]
    red_list: list[str]
    improved: list[str]
    bottom: list[str]
    bottom_label: str  # 后三位 (后两位 with few streets)
    bottom_run: list[str] | None  # None: not known without the record
    unreported: list[str]
    todo_sentences: list[str]
    todo_rows: list[TodoRow]
    method: str
    notices: list[str]
    chart: Chart
    notes: list[str] = field(default_factory=list)  # for the person at the terminal


# --- rows ------------------------------------------------------------------------------------


def rate_cell(entry: dict, key: str, change: float | None) -> RateCell:
    fig = entry[key]
    n, d, r = fig["numerator"], fig["denominator"], fig["rate"]
    target = entry.get("target", {}).get(key)
    return RateCell(
        key=key,
        name=rate_short(key),
        numerator=n,
        denominator=d,
        rate=r,
        rate_text=pct(r),
        count_text=f"{n}/{d}",
        change=change,
        change_text=points(change),
        target_text=pct(target, 0) if target is not None else "",
        gap=entry.get("gap", {}).get(key),
        met=entry.get("met", {}).get(key),
    )


def place_row(entry: dict, name: str) -> PlaceRow:
    change = entry.get("change") or {}
    rates = {k: rate_cell(entry, k, change.get(k)) for k in HEADLINE}
    met = entry.get("met", {})
    return PlaceRow(
        district=entry.get("district", ""),
        street=entry.get("street", ""),
        name=name,
        rank=entry.get("rank"),
        rank_all=entry.get("rank_all"),
        compounds=entry["compounds"],
        rates=rates,
        met_all=bool(met) and all(met.get(k, False) for k in HEADLINE if k in met),
    )


def street_name(entry: dict, city: bool) -> str:
    return f"{entry['district']}{entry['street']}" if city else entry["street"]


def city_rank(entry: dict) -> int:
    """A street's rank among all the streets compared (across the city for a city)."""
    return entry.get("rank_all") or entry["rank"]


def ordered_streets(data: dict, city: bool) -> list[dict]:
    """Streets by rank; for a city, by district (in the districts' rank order) first."""
    streets = data["streets"]
    if not city:
        return sorted(streets, key=lambda s: (s["rank"], s["street"]))
    order = {
        d["district"]: i
        for i, d in enumerate(sorted(data["districts"], key=lambda d: (d["rank"], d["district"])))
    }
    return sorted(streets, key=lambda s: (order.get(s["district"], 0), s["rank"], s["street"]))


def top_count(n: int) -> int:
    """How many streets 红榜 and 后三位 name: three, fewer when there are under six."""
    return min(TOP, n // 2)


def bottom_keys(streets: list[dict], k: int) -> set[tuple[str, str]]:
    """The streets in the last `k` places (equal scores share a place, so there may be more)."""
    ranks = [city_rank(s) for s in streets]
    return {
        (s["district"], s["street"])
        for s, r in zip(streets, ranks, strict=True)
        if sum(1 for x in ranks if x > r) < k
    }


def score_change(entry: dict) -> float | None:
    """The change of the mean of the three headline rates (None when any is unknown)."""
    change = entry.get("change") or {}
    values = [change.get(k) for k in HEADLINE]
    if any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None) / len(HEADLINE)


# --- sentences -------------------------------------------------------------------------------


def total_sentence(
    key: str, cell: RateCell, previous: str, year_end: str, year_change: float | None
) -> str:
    den_word, num_word = COUNTED[key]
    s = f"{rate_name(key)} {cell.rate_text}（{den_word} {cell.denominator} 个，{num_word} {cell.numerator} 个）"
    if previous and cell.change is not None:
        s += f"，较{previous}{change_words(cell.change)}"
    if year_end and year_change is not None:
        s += f"，较{year_end}{change_words(year_change)}"
    if cell.target_text:
        if cell.met:
            s += f"，已达到 {cell.target_text} 的目标"
        else:
            s += f"，距 {cell.target_text} 的目标尚差 {cell.gap} 个"
    return s + "。"


def names_text(names: list[str]) -> str:
    return "、".join(names) if names else "无"


def method_text(rc: ReportContent) -> str:
    """The 口径 in force in one paragraph: the settings of the rates, the target in force
    and the rank rule."""
    cfg, day = rc.comp.config, rc.as_of
    lines = describe(cfg, day, RATE_SECTIONS)
    in_force = cfg.target_for(day)
    parts = [f"{label}：{text}" for label, text in lines if not label.startswith("阶段目标")]
    target = rc.target_text()
    if in_force is not None:
        parts.append(target)
    parts.append("排名按三率平均值从高到低，平均值相同的名次相同，分母为零的比率按 0 计入平均值")
    return f"统计截止日期 {cn_date(day)}；" + "；".join(parts) + "。"


# --- the content -----------------------------------------------------------------------------


def build_brief(
    rc: ReportContent,
    *,
    year_end: dict | None = None,
    record_months: list[tuple[str, dict]] | None = None,
) -> BriefContent:
    """The 通报 of a report. `year_end`: the report JSON of December of last year when the
    record has it. `record_months`: the closed periods before this one, newest first, as
    (period, report JSON), consecutive months only (the 后三位 run); None without a record."""
    data = rc.figures_json()
    period = rc.period
    city = rc.is_city
    place = "全市" if city else rc.district
    before = rc.previous_as_of[:7] if rc.has_previous else ""
    previous_label = (
        "" if not before else ("上月" if before == month_before(period) else cn_month(before))
    )
    last_dec = f"{int(period[:4]) - 1}-12"
    # against the end of last year, unless that is the previous period already
    year_end_label = "上年末" if year_end is not None and before != last_dec else ""

    total = place_row(data["total"], rc.total_label)
    sentences = []
    for key in HEADLINE:
        year_change = None
        if year_end_label and year_end is not None:
            year_change = rate_change(data["total"], year_end["total"], key)
        sentences.append(
            total_sentence(key, total.rates[key], previous_label, year_end_label, year_change)
        )
    sentences.insert(0, f"截至{cn_date(rc.as_of)}，{place}纳入统计的小区共 {total.compounds} 个。")

    districts = []
    if city:
        ranked = sorted(data["districts"], key=lambda d: (d["rank"], d["district"]))
        districts = [place_row(d, d["district"]) for d in ranked]
    entries = ordered_streets(data, city)
    streets = [place_row(s, s["street"]) for s in entries]

    by_rank = sorted(entries, key=lambda s: (city_rank(s), s["district"], s["street"]))
    k = top_count(len(by_rank))
    met = [street_name(s, city) for s, row in zip(entries, streets, strict=True) if row.met_all]
    red = [street_name(s, city) for s in by_rank if city_rank(s) <= k] if k else []
    bottom_set = bottom_keys(by_rank, k) if k else set()
    bottom = [street_name(s, city) for s in by_rank if (s["district"], s["street"]) in bottom_set]
    improved = []
    changes = [(score_change(s), s) for s in by_rank]
    known = [(c, s) for c, s in changes if c is not None and c > 0]
    if known:
        best = max(c for c, _ in known)
        improved = [
            f"{street_name(s, city)}（三率平均提高 {best * 100:.1f} 个百分点）"
            for c, s in known
            if c == best
        ]
    bottom_run = None
    if record_months is not None and k:
        bottom_run = bottom_runs(by_rank, bottom_set, record_months, period, city)
    label = f"后{'两' if k == 2 else CN_DIGITS[k]}位" if k else "后三位"

    todo_sentences, todo_rows = todo_figures(rc, entries, city, previous_label)
    unreported = [f"{d}{s}" if city else s for d, s in (rc.unreported or [])]
    chart = chart_data(rc, data, city, period)
    notes = []
    if record_months is None:
        notes.append(
            f"未使用工作区记录：“连续 {RUN_MONTHS} 个月处于后三位”需要已月结的月份，"
            "在工作区中生成通报时列出。"
        )
    if not k:
        notes.append("街道不足 2 个，通报不列红榜和后三位。")
    return BriefContent(
        report=rc,
        period=period,
        is_city=city,
        place=place,
        issuer=f"{'市' if city else place}党建引领物业管理工作专班",
        title=f"{place}党建引领物业管理“三率”工作情况通报（{cn_month(period)}）",
        issue_no=f"{int(period[:4])}年第{int(period[5:7])}期",
        month_text=cn_month(period),
        as_of_text=cn_date(rc.as_of),
        issued_text=cn_date(rc.generated.date()),
        previous_label=previous_label,
        year_end_label=year_end_label,
        total=total,
        total_sentences=sentences,
        districts=districts,
        streets=streets,
        met_streets=met,
        red_list=red,
        improved=improved,
        bottom=bottom,
        bottom_label=label,
        bottom_run=bottom_run,
        unreported=unreported,
        todo_sentences=todo_sentences,
        todo_rows=todo_rows,
        method=method_text(rc),
        notices=rc.notices(),
        chart=chart,
        notes=notes,
    )


def bottom_runs(
    by_rank: list[dict],
    bottom_now: set[tuple[str, str]],
    record_months: list[tuple[str, dict]],
    period: str,
    city: bool,
) -> list[str]:
    """The streets in the bottom places this month and in each of the months before it
    running (closed periods), named with the count when it is RUN_MONTHS or more."""
    runs = dict.fromkeys(bottom_now, 1)
    month = period
    for p, report in record_months:
        if p != month_before(month):
            break
        month = p
        streets = report.get("streets", [])
        k = top_count(len(streets))
        earlier = bottom_keys(streets, k) if k else set()
        for key in runs:
            if runs[key] == months_back(period, p) and key in earlier:
                runs[key] += 1
    names = {(s["district"], s["street"]): street_name(s, city) for s in by_rank}
    return [
        f"{names[key]}（连续 {n} 个月）"
        for key in (k for k in names if k in runs)
        if (n := runs[key]) >= RUN_MONTHS
    ]


def months_back(period: str, earlier: str) -> int:
    """How many months `earlier` lies before `period`."""
    return (int(period[:4]) - int(earlier[:4])) * 12 + int(period[5:7]) - int(earlier[5:7])


def todo_figures(
    rc: ReportContent, streets: list[dict], city: bool, previous_label: str
) -> tuple[list[str], list[TodoRow]]:
    """The sentences and the per-street rows of 三、问题整改情况."""
    todos, closed = rc.tracked()
    places = list(zip(todos["district"].tolist(), todos["street"].tolist(), strict=True))
    status = todos["status"].tolist()
    per: dict[tuple[str, str], Counter] = {}
    for place, st in zip(places, status, strict=True):
        per.setdefault(place, Counter())[st] += 1
    for row in closed:
        per.setdefault((row["district"], row["street"]), Counter())[CLOSED] += 1
    rows = []
    for s in streets:
        c = per.get((s["district"], s["street"]), Counter())
        rows.append(
            TodoRow(
                district=s["district"],
                street=s["street"],
                name=s["street"],
                open=c[NEW] + c[OPEN] + c[OVERDUE],
                new=c[NEW],
                overdue=c[OVERDUE],
                closed=c[CLOSED],
            )
        )
    counts = rc.status_counts()
    kinds = Counter(todos["kind"].tolist())
    by_kind = "、".join(f"{TODO_LABELS[k]} {n} 个" for k, n in kinds.items())
    first = f"本期共有待整改问题 {len(todos)} 个" + (f"（{by_kind}）" if by_kind else "") + "。"
    if previous_label:
        second = (
            f"较{previous_label}新增 {counts[NEW]} 个，本期已销号 {counts[CLOSED]} 个，"
            f"逾期未销号（持续 {rc.comp.config.todo.overdue_months} 个月及以上）{counts[OVERDUE]} 个。"
        )
    else:
        second = "本期为首次统计（没有上期数据），所列问题均为新增。"
    return [first, second], rows


# A chart of more rows than this is not readable on a page (and costs seconds to draw): it
# shows the first and the last CHART_ROWS // 2 by rank.
CHART_ROWS = 30


def chart_data(rc: ReportContent, data: dict, city: bool, period: str) -> Chart:
    """The chart: the streets' three rates (the districts' for a city), with the targets;
    of more than CHART_ROWS, the first and the last half of that by rank."""
    rows = (
        sorted(data["districts"], key=lambda d: (d["rank"], d["district"]))
        if city
        else sorted(data["streets"], key=lambda s: (s["rank"], s["street"]))
    )
    what = "各区" if city else "各街道"
    shown = ""
    if len(rows) > CHART_ROWS:
        half = CHART_ROWS // 2
        shown = f"，前 {half} 位和后 {half} 位，共 {len(rows)} 个{'区' if city else '街道'}"
        rows = rows[:half] + rows[-half:]
    names = [r["district"] if city else r["street"] for r in rows]
    series = {k: [r[k]["rate"] or 0.0 for r in rows] for k in HEADLINE}
    target = data["total"].get("target", {})
    return Chart(
        title=f"{what}“三率”情况（{cn_month(period)}{shown}）",
        names=names,
        series=series,
        targets={k: target[k] for k in HEADLINE if k in target},
    )
