"""The monthly report workbook (``sanlv report -o report.xlsx``), SPEC section 5.

Five sheets in Chinese, ready to print: 概览 (streets and the district total against the
target, with a native chart), 社区明细, 问题清单 (the to-do lists), 口径说明 (how every
figure was counted, the inputs and their SHA-256) and 数据质量 (issue counts by code).

User text is always written with `write_string` into a workbook that never turns strings
into formulas, so a compound named ``=1+1`` stays text. Personal names (schema fields with
``personal=True``) appear only with `include_personal`.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import __version__, compute, schema
from . import config as config_mod
from .compute import HEADLINE, RATE_KEYS, RATE_LABELS, UNIT_LABELS, Computation
from .issues import Issue
from .normalise import Dataset
from .write import SEVERITY_LABELS, atomic_output

SHEETS = ("概览", "社区明细", "问题清单", "口径说明", "数据质量")
SHORT = {
    "committee": "业委会（物管会）组建率",
    "service": "物业服务覆盖率",
    "party": "党的组织覆盖率",
}
PERCENT = "0.0%"
CHANGE = "+0.0;-0.0;0.0"
DASH = "—"
TODO_KINDS = ("未组建业委会（物管会）", "无物业服务", "党组织未覆盖", "届满未换届")


def text_width(value: object) -> int:
    """Display width in Excel character units: about 2 per CJK (wide) character."""
    s = str(value)
    if s.isascii():
        return len(s)
    # CJK characters take 3 bytes in UTF-8 and two columns on screen: counting the extra
    # bytes is a close, C-speed estimate (the exact per-character lookup was a hot spot).
    return len(s) + (len(s.encode("utf-8")) - len(s)) // 2


def district_name(ds: Dataset) -> str:
    names = ds.compounds["district"].dropna() if "district" in ds.compounds else pd.Series()
    names = [n for n in dict.fromkeys(names) if str(n).strip()]
    return "、".join(map(str, names[:3])) if names else "全区"


class _Sheet:
    """A worksheet that remembers the widest text per column and writes text safely."""

    def __init__(self, wb, name: str, fmts: dict) -> None:
        self.ws = wb.add_worksheet(name)
        self.fmts = fmts
        self.widths: dict[int, int] = {}
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)
        self.ws.center_horizontally()
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_footer("&C第 &P 页，共 &N 页")

    def fit(self, col: int, value: object, cap: int = 60) -> None:
        w = min(text_width(value) + 2, cap)
        if w > self.widths.get(col, 0):
            self.widths[col] = w

    def text(self, r: int, c: int, value: object, fmt: str | None = None, fit=True) -> None:
        s = "" if value is None else str(value)
        self.ws.write_string(r, c, s, self.fmts.get(fmt) if fmt else None)
        if fit:
            self.fit(c, s, cap=12 if fmt == "head" else 60)  # headers wrap

    def number(self, r: int, c: int, value: float | int | None, fmt: str | None = None) -> None:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            self.ws.write_string(r, c, DASH, self.fmts[fmt or "cell"])
            return
        self.ws.write_number(r, c, value, self.fmts[fmt or "cell"])
        self.fit(c, "100.0%" if fmt and "pct" in fmt else str(value))

    def text_column(self, r0: int, c: int, values: list[str], fmt: str = "cell") -> None:
        """A column of text from row r0 down (one pass: the big sheets have ~10^5 rows)."""
        write, f = self.ws.write_string, self.fmts[fmt]
        for r, v in enumerate(values, start=r0):
            write(r, c, v, f)
        if values:
            self.fit(c, max(set(values), key=text_width))  # columns repeat their values

    def number_column(self, r0: int, c: int, values: list, fmt: str = "int") -> None:
        """A column of numbers from row r0 down; None is written as a dash."""
        write, dash, f = self.ws.write_number, self.ws.write_string, self.fmts[fmt]
        widest = DASH
        for r, v in enumerate(values, start=r0):
            if v is None:
                dash(r, c, DASH, f)
            else:
                write(r, c, v, f)
        if "pct" in fmt:
            widest = "100.0%"
        elif any(v is not None for v in values):
            widest = str(max(v for v in values if v is not None))
        self.fit(c, widest)

    def header(self, r: int, labels: list[str], fmt: str = "head") -> None:
        for c, label in enumerate(labels):
            self.text(r, c, label, fmt)

    def finish(self, header_last: int, freeze_col: int = 0, min_width: int = 6) -> None:
        for c, w in self.widths.items():
            self.ws.set_column(c, c, max(w, min_width))
        self.ws.freeze_panes(header_last + 1, freeze_col)
        self.ws.repeat_rows(0, header_last)


def _formats(wb) -> dict:
    base = {"border": 1, "valign": "vcenter", "font_name": "宋体", "font_size": 10}
    bold = {**base, "bold": True}
    specs = {
        "title": {"bold": True, "font_size": 16, "font_name": "黑体"},
        "note": {"font_size": 10, "font_name": "宋体"},
        "head": {**bold, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True},
        "cell": base,
        "int": {**base, "num_format": "0"},
        "pct": {**base, "num_format": PERCENT},
        "chg": {**base, "num_format": CHANGE},
        "total": bold,
        "total_int": {**bold, "num_format": "0"},
        "total_pct": {**bold, "num_format": PERCENT},
        "total_chg": {**bold, "num_format": CHANGE},
        "good": {"bg_color": "#C6EFCE", "font_color": "#006100"},
        "bad": {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
        "section": {"bold": True, "font_size": 12, "font_name": "黑体"},
        "wrap": {**base, "text_wrap": True},
    }
    return {k: wb.add_format(v) for k, v in specs.items()}


# --- 概览 ---------------------------------------------------------------------------------------


def _rate(entry: dict | None, key: str) -> float | None:
    """The exact rate (the JSON one is rounded to 4 places)."""
    if entry is None or key not in entry:
        return None
    den = entry[key]["denominator"]
    return entry[key]["numerator"] / den if den else None


def _change(now: dict, before: dict | None, key: str) -> float | None:
    """Change of the rate in percentage points, one decimal; None when either is missing."""
    a, b = _rate(now, key), _rate(before, key)
    if a is None or b is None:
        return None
    return round((a - b) * 100, 1)


def _overview(wb, fmts, comp: Computation, data: dict, prev: dict | None, district: str) -> None:
    from xlsxwriter.utility import xl_rowcol_to_cell

    sh = _Sheet(wb, "概览", fmts)
    ws = sh.ws
    target = data["total"]["target"]
    t = comp.config.target_for(comp.as_of)
    ws.write_string(0, 0, f"{district}党建引领物业管理“三率”统计报告", fmts["title"])
    when = f"统计截止日期：{comp.as_of.isoformat()}"
    if t is not None and target:
        goals = "；".join(f"{SHORT[k]} {target[k]:.0%}" for k in HEADLINE if k in target)
        when += f"    适用目标（截至 {t.by.isoformat()}）：{goals}"
    else:
        when += "    未设定目标"
    if prev is not None:
        when += f"    对比上期：{prev['as_of']}"
    ws.write_string(1, 0, when, fmts["note"])

    per_rate = ["分子", "分母", "比率", "目标", "达标", "差距（个）"]
    if prev is not None:
        per_rate.append("比上期（百分点）")
    h1, h2 = 3, 4
    ws.merge_range(h1, 0, h2, 0, "街道", fmts["head"])
    ws.merge_range(h1, 1, h2, 1, "小区数", fmts["head"])
    sh.fit(0, "街道")
    col = 2
    rate_cols: dict[str, dict[str, int]] = {}
    for key in HEADLINE:
        ws.merge_range(h1, col, h1, col + len(per_rate) - 1, RATE_LABELS[key], fmts["head"])
        rate_cols[key] = {}
        for j, label in enumerate(per_rate):
            sh.text(h2, col + j, label, "head")
            rate_cols[key][label] = col + j
        col += len(per_rate)
    rank_col = col
    ws.merge_range(h1, rank_col, h2, rank_col, "综合排名", fmts["head"])
    sh.fit(rank_col, "综合排名")
    ws.set_row(h1, 30)
    ws.set_row(h2, 30)

    prev_streets = {s["street"]: s for s in prev["streets"]} if prev else {}
    rows = [(s["street"], s, prev_streets.get(s["street"]), False) for s in data["streets"]]
    rows.append(("全区合计", data["total"], prev["total"] if prev else None, True))
    first = h2 + 1
    for i, (name, entry, before, is_total) in enumerate(rows):
        r = first + i
        f_text, f_int, f_pct, f_chg = (
            ("total", "total_int", "total_pct", "total_chg")
            if is_total
            else ("cell", "int", "pct", "chg")
        )
        sh.text(r, 0, name, f_text)
        sh.number(r, 1, entry["compounds"], f_int)
        for key in HEADLINE:
            cols = rate_cols[key]
            sh.number(r, cols["分子"], entry[key]["numerator"], f_int)
            sh.number(r, cols["分母"], entry[key]["denominator"], f_int)
            sh.number(r, cols["比率"], _rate(entry, key), f_pct)
            if key in entry["target"]:
                sh.number(r, cols["目标"], entry["target"][key], f_pct)
                sh.text(r, cols["达标"], "是" if entry["met"][key] else "否", f_text)
                sh.number(r, cols["差距（个）"], entry["gap"][key], f_int)
            else:
                for label in ("目标", "达标", "差距（个）"):
                    sh.text(r, cols[label], DASH, f_text)
            if prev is not None:
                sh.number(r, cols["比上期（百分点）"], _change(entry, before, key), f_chg)
        rank = entry.get("rank")
        if is_total or rank is None:
            sh.text(r, rank_col, "", f_text)
        else:
            sh.number(r, rank_col, rank, f_int)
    last = first + len(rows) - 1

    # colour each rate and 达标 cell against its target (native conditional formats)
    for key in HEADLINE:
        cols = rate_cols[key]
        if key not in target:
            continue
        rate0 = xl_rowcol_to_cell(first, cols["比率"], col_abs=True)
        goal0 = xl_rowcol_to_cell(first, cols["目标"], col_abs=True)
        for c in (cols["比率"], cols["达标"]):
            for crit, fmt in ((">=", "good"), ("<", "bad")):
                ws.conditional_format(
                    first,
                    c,
                    last,
                    c,
                    {
                        "type": "formula",
                        "criteria": f"=AND(ISNUMBER({rate0}),ISNUMBER({goal0}),"
                        f"{rate0}{crit}{goal0})",
                        "format": fmts[fmt],
                    },
                )

    # the secondary rates of the district
    r = last + 2
    ws.write_string(r, 0, "全区各项指标（含辅助指标）", fmts["section"])
    r += 1
    for c, label in enumerate(["指标", "分子", "分母", "比率"]):
        ws.write_string(r, c, label, fmts["head"])
    for key in RATE_KEYS:
        r += 1
        ws.write_string(r, 0, RATE_LABELS[key], fmts["cell"])
        sh.number(r, 1, data["total"][key]["numerator"], "int")
        sh.number(r, 2, data["total"][key]["denominator"], "int")
        sh.number(r, 3, _rate(data["total"], key), "pct")
    sh.fit(0, max(RATE_LABELS.values(), key=text_width), cap=40)

    # native column chart: the three rates by street
    if data["streets"]:
        chart = wb.add_chart({"type": "column"})
        n_first, n_last = first, last - 1
        for key in HEADLINE:
            c = rate_cols[key]["比率"]
            chart.add_series(
                {
                    "name": RATE_LABELS[key],
                    "categories": ["概览", n_first, 0, n_last, 0],
                    "values": ["概览", n_first, c, n_last, c],
                    "data_labels": {"value": True, "num_format": "0%"},
                }
            )
        chart.set_title({"name": f"各街道“三率”（{comp.as_of.isoformat()}）"})
        chart.set_y_axis(
            {"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}}
        )
        chart.set_legend({"position": "bottom"})
        width = max(720, 90 * len(data["streets"]) + 200)
        chart.set_size({"width": min(width, 1600), "height": 360})
        ws.insert_chart(r + 2, 0, chart)
    sh.finish(h2, freeze_col=1)
    ws.set_column(0, 0, max(sh.widths.get(0, 10), 12))


# --- 社区明细 -----------------------------------------------------------------------------------


def _communities(wb, fmts, data: dict) -> None:
    sh = _Sheet(wb, "社区明细", fmts)
    ws = sh.ws
    h1, h2 = 0, 1
    for c, label in enumerate(["街道", "社区", "小区数"]):
        ws.merge_range(h1, c, h2, c, label, fmts["head"])
        sh.fit(c, label)
    for i, key in enumerate(RATE_KEYS):
        c = 3 + 3 * i
        ws.merge_range(h1, c, h1, c + 2, RATE_LABELS[key], fmts["head"])
        for j, label in enumerate(["分子", "分母", "比率"]):
            sh.text(h2, c + j, label, "head")
    ws.set_row(h1, 42)
    ws.set_row(h2, 20)
    rows = data["communities"]
    sh.text_column(h2 + 1, 0, [e["street"] for e in rows])
    sh.text_column(h2 + 1, 1, [e["community"] for e in rows])
    sh.number_column(h2 + 1, 2, [e["compounds"] for e in rows])
    for i, key in enumerate(RATE_KEYS):
        c = 3 + 3 * i
        sh.number_column(h2 + 1, c, [e[key]["numerator"] for e in rows])
        sh.number_column(h2 + 1, c + 1, [e[key]["denominator"] for e in rows])
        sh.number_column(h2 + 1, c + 2, [_rate(e, key) for e in rows], "pct")
    n = len(rows)
    ws.autofilter(h2, 0, h2 + max(n, 1), 2 + 3 * len(RATE_KEYS))
    sh.finish(h2, freeze_col=2, min_width=7)


# --- 问题清单 -----------------------------------------------------------------------------------


def todo_frame(comp: Computation, include_personal: bool = False) -> pd.DataFrame:
    """Every to-do of the month as rows: 类别, 街道, 社区, 小区编号, 小区名称, 对象编号, 说明,
    ordered by street, community, kind, compound and object."""
    t = comp.todos()

    def text(col: str) -> list:
        values = t[col].to_numpy(dtype=object)
        return np.where(pd.isna(values), "", values).tolist()

    kinds = t["kind"].tolist()
    label = dict(zip(compute.TODO_KINDS, TODO_KINDS, strict=True))
    order = {k: i for i, k in enumerate(compute.TODO_KINDS)}
    detail = text("reason")
    unit_kind = t["unit_kind"].tolist()
    term_end = t["term_end"]
    overdue = (pd.Timestamp(comp.as_of) - term_end).dt.days.tolist()
    term_text = term_end.dt.strftime("%Y-%m-%d").tolist()
    for i, k in enumerate(kinds):
        if k == compute.TODO_PARTY:
            detail[i] = f"{UNIT_LABELS.get(unit_kind[i], '')}：{detail[i]}"
        elif k == compute.TODO_EXPIRED:
            detail[i] = f"任期届满日期 {term_text[i]}，已超期 {overdue[i]:.0f} 天未换届"
    columns = {
        "类别": [label[k] for k in kinds],
        "街道": text("street"),
        "社区": text("community"),
        "小区编号": text("compound_id"),
        "小区名称": text("compound_name"),
        "对象编号": text("object_id"),
        "说明": detail,
    }
    if include_personal:
        com = comp.committees
        chairs = com.set_index("committee_id")["chair"].dropna()
        chairs = chairs[~chairs.index.duplicated()].astype(str).to_dict()
        committees = set(com["committee_id"].dropna())
        columns["主任姓名"] = [
            chairs.get(o, "")
            if k == compute.TODO_EXPIRED or (k == compute.TODO_PARTY and o in committees)
            else ""
            for k, o in zip(kinds, columns["对象编号"], strict=True)
        ]
    # a stable sort by street, community, kind, compound and object, in Arrow
    keys = pa.table(
        {
            "s": pa.array(columns["街道"], pa.string()),
            "c": pa.array(columns["社区"], pa.string()),
            "k": pa.array([order[k] for k in kinds], pa.int8()),
            "i": pa.array(columns["小区编号"], pa.string()),
            "o": pa.array(columns["对象编号"], pa.string()),
        }
    )
    idx = pc.sort_indices(keys, [(k, "ascending") for k in "sckio"]).to_numpy()
    return pd.DataFrame(
        {c: pd.Series(np.asarray(v, dtype=object)[idx], dtype=object) for c, v in columns.items()}
    )


def _todos(wb, fmts, comp: Computation, include_personal: bool) -> None:
    sh = _Sheet(wb, "问题清单", fmts)
    ws = sh.ws
    df = todo_frame(comp, include_personal)
    counts = Counter(df["类别"])
    summary = "；".join(f"{k} {counts.get(k, 0)} 项" for k in TODO_KINDS)
    ws.write_string(0, 0, f"问题清单（统计截止 {comp.as_of.isoformat()}）：{summary}", fmts["note"])
    h = 1
    sh.header(h, list(df.columns))
    for c, col in enumerate(df.columns):
        sh.text_column(h + 1, c, [str(v) for v in df[col].tolist()])
    ws.autofilter(h, 0, h + max(len(df), 1), len(df.columns) - 1)
    sh.finish(h)


# --- 口径说明 -----------------------------------------------------------------------------------


def definitions(cfg) -> list[tuple[str, str]]:
    """Each rate's numerator and denominator in words, under the configuration."""
    cc, sc, pc = cfg.committee, cfg.service, cfg.party
    kinds = "业主委员会" + ("或物业管理委员会" if cc.count_wuguanhui else "")
    expired = "（含任期届满未换届的）" if cc.count_expired else "（不含任期届满未换届的）"
    den = "纳入统计" + ("且具备组建条件" if cc.denominator == "eligible" else "") + "的小区"
    forms = "、".join(schema.ORG_FORMS)
    org = f"有运行中的党组织（{forms}）覆盖"
    work = org + f"或有{schema.FORM_INSTRUCTOR}"
    headline = work if pc.count_work_coverage else org
    pop = []
    if "committee" in pc.population:
        scope = (
            f"党员人数不少于 {pc.min_members_for_org} 人的"
            if pc.committee_scope == "qualifying"
            else ""
        )
        pop.append(f"纳入统计小区中{scope}运行中的业委会（物管会）")
    if "service_project" in pc.population:
        pop.append(
            f"物业管理方式为{'、'.join(pc.service_project_modes)}且服务已开始的小区（物业服务项目）"
        )
    units = "；".join(pop)
    return [
        (
            RATE_LABELS["committee"],
            f"分子：分母中有运行中的{kinds}{expired}的小区；分母：{den}。",
        ),
        (
            RATE_LABELS["service"],
            f"分子：物业管理方式为{'、'.join(sc.covered_modes)}且物业服务已开始的小区；"
            "分母：纳入统计的小区。",
        ),
        (
            RATE_LABELS["service_professional"],
            f"分子：物业管理方式为{'、'.join(sc.professional_modes)}且物业服务已开始的小区；"
            "分母：纳入统计的小区。",
        ),
        (RATE_LABELS["party"], f"分子：{headline}的统计对象；分母：统计对象（{units}）。"),
        (RATE_LABELS["party_work"], f"分子：{work}的统计对象；分母：同上。"),
        (RATE_LABELS["party_committee"], f"同{RATE_LABELS['party']}，只计业委会（物管会）。"),
        (RATE_LABELS["party_service"], f"同{RATE_LABELS['party']}，只计物业服务项目。"),
        ("运行中", "成立日期不晚于统计截止日期，且未撤销或撤销日期晚于统计截止日期。"),
        ("合计", "各级合计均为分子之和除以分母之和，不是比率的平均；分母为 0 时比率显示为“—”。"),
        ("差距（个）", "达到本期目标还需增加的个数（已达标为 0）。"),
        ("综合排名", "按三项主要比率的平均值从高到低排列，相同者并列。"),
    ]


def _method(wb, fmts, comp, ds, prev_comp, prev_ds, generated: datetime) -> None:
    sh = _Sheet(wb, "口径说明", fmts)
    ws = sh.ws
    sh.header(0, ["项目", "说明"])
    r = 1

    def line(label: str, text: str, fmt: str = "wrap") -> None:
        nonlocal r
        sh.text(r, 0, label, "cell")
        ws.write_string(r, 1, text, fmts[fmt])
        r += 1

    def section(title: str) -> None:
        nonlocal r
        r += 1
        ws.write_string(r, 0, title, fmts["section"])
        r += 1

    line("统计截止日期", comp.as_of.isoformat())
    section("统计口径（配置）")
    for label, text in config_mod.describe(comp.config, comp.as_of):
        line(label, text)
    section("指标定义")
    for label, text in definitions(comp.config):
        line(label, text)
    section("输入文件")
    for f in ds.files:
        line(f.name, f"SHA-256：{f.sha256}；大小 {f.size} 字节")
    rows = ds.rows
    section("行数核对")
    line(
        "本期台账",
        f"读取 {rows.get('read', 0)} 行 = 计入 {rows.get('used', 0)} 行 + "
        f"未计入 {rows.get('skipped', 0)} 行",
    )
    for why, n in rows.get("skipped_by_reason", {}).items():
        line("　未计入原因", f"{why}：{n} 行")
    if prev_comp is not None and prev_ds is not None:
        section("上期对比")
        line("上期统计截止日期", prev_comp.as_of.isoformat())
        for f in prev_ds.files:
            line(f.name, f"SHA-256：{f.sha256}；大小 {f.size} 字节")
        pr = prev_ds.rows
        line(
            "上期台账",
            f"读取 {pr.get('read', 0)} 行 = 计入 {pr.get('used', 0)} 行 + "
            f"未计入 {pr.get('skipped', 0)} 行",
        )
    section("生成信息")
    line("工具版本", f"sanlv {__version__}")
    line("生成时间", generated.strftime("%Y-%m-%d %H:%M:%S"))
    sh.finish(0)
    ws.set_column(0, 0, min(max(sh.widths.get(0, 10), 12), 40))
    ws.set_column(1, 1, 90, fmts["wrap"])


# --- 数据质量 -----------------------------------------------------------------------------------


def _quality(wb, fmts, issues: list[Issue], ds: Dataset) -> None:
    sh = _Sheet(wb, "数据质量", fmts)
    ws = sh.ws
    sev = Counter(i.severity for i in issues)
    ws.write_string(
        0,
        0,
        f"数据问题：错误 {sev.get('error', 0)} 个，警告 {sev.get('warning', 0)} 个，"
        f"提示 {sev.get('info', 0)} 个。逐条明细请运行 sanlv validate 查看或导出。",
        fmts["note"],
    )
    h = 1
    sh.header(h, ["问题代码", "级别", "数量", "首次出现位置"])
    first: dict[tuple[str, str], Issue] = {}
    counts: Counter = Counter()
    for i in issues:
        k = (i.code, i.severity)
        counts[k] += 1
        first.setdefault(k, i)
    order = {"error": 0, "warning": 1, "info": 2}
    r = h
    for (code, severity), n in sorted(
        counts.items(), key=lambda kv: (order.get(kv[0][1], 3), kv[0][0])
    ):
        r += 1
        i = first[(code, severity)]
        where = "／".join(
            x for x in (i.file, i.sheet, i.cell or (f"第{i.row}行" if i.row else "")) if x
        )
        sh.text(r, 0, code, "cell")
        sh.text(r, 1, SEVERITY_LABELS.get(severity, severity), "cell")
        sh.number(r, 2, n, "int")
        sh.text(r, 3, where, "cell")
    if not counts:
        sh.text(h + 1, 0, "未发现数据问题", "cell")
    sh.finish(h)


# --- entry point ----------------------------------------------------------------------------


def write_report(
    comp: Computation,
    ds: Dataset,
    path: str | os.PathLike,
    *,
    previous: Computation | None = None,
    include_personal: bool = False,
    issues: list[Issue] | None = None,
    previous_dataset: Dataset | None = None,
    generated: datetime | None = None,
) -> None:
    """Write the report workbook to `path` atomically (the old file stays on failure)."""
    import xlsxwriter

    data = comp.to_json()
    prev = previous.to_json() if previous is not None else None
    generated = generated or datetime.now().replace(microsecond=0)
    with atomic_output(Path(path)) as tmp:
        wb = xlsxwriter.Workbook(
            tmp,
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        try:
            wb.set_properties(
                {
                    "title": f"{district_name(ds)}“三率”统计报告 {comp.as_of.isoformat()}",
                    "comments": f"sanlv {__version__}",
                    "created": generated,
                }
            )
            fmts = _formats(wb)
            _overview(wb, fmts, comp, data, prev, district_name(ds))
            _communities(wb, fmts, data)
            _todos(wb, fmts, comp, include_personal)
            _method(wb, fmts, comp, ds, previous, previous_dataset, generated)
            _quality(wb, fmts, list(issues or []), ds)
        finally:
            wb.close()


def previous_as_of(as_of: date) -> date:
    """The last day of the month before `as_of`'s month."""
    return date(as_of.year, as_of.month, 1) - pd.Timedelta(days=1).to_pytimedelta()
