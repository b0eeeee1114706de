"""Locating: the roster a grid holds, its header row (one or two rows, within the first
30), the headers mapped through the aliases, and every row below the header classified as
data or skipped-with-reason."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..issues import ERROR, INFO, WARNING, Issue, col_letter
from .grid import Grid

HEADER_SEARCH_ROWS = 30
IGNORED_HEADERS = {"序号", "序", "no", "no.", "行号", "编号序号"}
# Columns and sheets that `sanlv ledger` adds to a standardised ledger (derived on its as-of
# date): skipped silently, so that a ledger is itself valid input.
DERIVED_HEADERS = frozenset(
    {
        "业委会状态",
        "计入组建率",
        "物业服务覆盖",
        "专业化物业",
        "党组织覆盖",
        "未计入原因",
        "统计日状态",
    }
)
DERIVED_SHEET_PREFIX = "待办-"
# A totals label: the word at the start ("合计", "小计：") or at the end ("纺织社区小计",
# "巷口街道合计"). One pattern for Python's re and RE2 (pyarrow) alike.
_TOTAL_WORD = "[合小总累共][\\s\u3000]*计"
TOTAL = f"^[\\s\u3000]*{_TOTAL_WORD}|{_TOTAL_WORD}[\\s\u3000]*[:：]?[\\s\u3000]*$"
TOTAL_RE = re.compile(TOTAL)
_ID_CHARS = "[0-9A-Za-z\\-_./#()\u4e00-\u9fff]"
ID_RE = re.compile(f"{_ID_CHARS}{{1,40}}")
# What an id cell looks like as written (a first look, column-wise, in RE2): letters, digits
# and -_./#() with a digit among them, spaces around.
ID_LOOK = f"^\\s*{_ID_CHARS}*[0-9]{_ID_CHARS}*\\s*$"
HAN_RE = re.compile(r"[\u4e00-\u9fff]")
FOOTER_RE = re.compile(
    r"^\s*(填表人|填报人|审核人|审核|联系电话|联系人|电话|填表说明|说明|注[:：]|备注[:：]|制表|"
    r"负责人|单位负责人|统计人|填报说明|附注|审批人|经办人|签字|盖章)"
)


@dataclass
class ColumnRef:
    index: int  # position in grid.columns
    letter: str  # Excel column letter
    header: str  # header text as the user wrote it


@dataclass
class Table:
    """One roster found on one sheet."""

    roster: str
    file: str
    sheet: str
    header_row: int  # Excel row of the (last) header row
    columns: dict[str, ColumnRef]
    data: dict[str, pa.Array]  # field key -> raw strings of the used rows
    rows: pa.Array  # Excel row numbers of the used rows (int32)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, reason)
    # field key -> {Excel row: error value ("#N/A") or formula without a cached value}
    errors: dict[str, dict[int, str]] = field(default_factory=dict)
    prepared: Any = None  # what read_inputs' `prepare` made of it (normalise.Part)


# --- grids -> tables -----------------------------------------------------------------------


@dataclass
class _HeaderGuess:
    roster: str
    row: int  # 0-based index of the last header row
    rows: int  # 1 or 2
    labels: list[str]  # header text per column as shown to the user
    matched: dict[str, int]  # field key -> column position (first match)

    @property
    def score(self) -> tuple[int, int, int]:
        roster = schema.ROSTER_BY_KEY[self.roster]
        required = sum(1 for f in roster.fields if f.required and f.key in self.matched)
        return (required, len(self.matched), -self.rows)


def _match(roster: str, labels: Sequence[str]) -> dict[str, int]:
    index = schema.header_index(roster)
    found: dict[str, int] = {}
    for j, lab in enumerate(labels):
        key = index.get(schema.norm_label(lab)) if lab else None
        if key and key not in found:
            found[key] = j
    return found


def _two_row_labels(
    upper: Sequence[str | None], lower: Sequence[str | None], roster: str
) -> list[str]:
    index = schema.header_index(roster)
    labels: list[str] = []
    group = ""
    for up, low in zip(upper, lower, strict=True):
        up = (up or "").strip()
        low = (low or "").strip()
        if up:
            group = up
        if low and schema.norm_label(low) in index:
            labels.append(low)
        elif low and schema.norm_label(group + low) in index:
            labels.append(group + low)
        elif low:
            labels.append(low)
        else:
            labels.append(up)
    return labels


def guess_header(head: list[list[str | None]], roster: str | None = None) -> _HeaderGuess | None:
    """The most plausible header within the first rows, for one roster or any."""
    rosters = [roster] if roster else [r.key for r in schema.ROSTERS]
    best: _HeaderGuess | None = None
    for r in range(min(len(head), HEADER_SEARCH_ROWS)):
        row = [(v or "").strip() for v in head[r]]
        if not any(row):
            continue
        for key in rosters:
            cands = [_HeaderGuess(key, r, 1, row, _match(key, row))]
            if r + 1 < len(head):
                labels = _two_row_labels(head[r], head[r + 1], key)
                cands.append(_HeaderGuess(key, r + 1, 2, labels, _match(key, labels)))
            for c in cands:
                if best is None or c.score > best.score:
                    best = c
    return best


def _plausible(guess: _HeaderGuess | None, by_name: bool) -> bool:
    if guess is None:
        return False
    required, matched, _ = guess.score
    return matched >= 1 and required >= 1 if by_name else (required >= 2 and matched >= 3)


def _closest(label: str, choices: Iterable[str]) -> str:
    norm = {schema.norm_label(c): c for c in choices}
    hit = difflib.get_close_matches(schema.norm_label(label), list(norm), n=1, cutoff=0.4)
    return norm[hit[0]] if hit else ""


def locate(grid: Grid) -> tuple[Table | None, list[Issue]]:
    """Find the roster on one sheet. Returns the table (or None) and the sheet's issues."""
    issues: list[Issue] = []
    where: dict[str, Any] = {"file": grid.file, "sheet": grid.sheet}
    by_name = schema.sheet_index().get(schema.norm_label(grid.sheet))
    if grid.sheet.startswith(DERIVED_SHEET_PREFIX):
        issues.append(
            Issue(
                "sheet-ignored",
                INFO,
                f"工作表 “{grid.sheet}” 是 sanlv ledger 生成的待办清单，不作为台账读取。",
                **where,
            )
        )
        return None, issues
    if grid.hidden:
        issues.append(
            Issue("sheet-ignored", INFO, f"隐藏的工作表 “{grid.sheet}” 未读取。", **where)
        )
        return None, issues
    if grid.n_rows == 0:
        if by_name:
            issues.append(
                Issue(
                    "header-not-found",
                    ERROR,
                    f"工作表 “{grid.sheet}” 是空表，没有表头。",
                    **where,
                    hint="请使用 sanlv template 生成的模板填写。",
                )
            )
        else:
            issues.append(
                Issue("sheet-ignored", INFO, f"空工作表 “{grid.sheet}” 已略过。", **where)
            )
        return None, issues
    head = grid.head(HEADER_SEARCH_ROWS + 1)
    guess = guess_header(head, by_name)
    if not _plausible(guess, by_name is not None):
        if by_name:
            label = schema.ROSTER_BY_KEY[by_name].label
            issues.append(
                Issue(
                    "header-not-found",
                    ERROR,
                    f"工作表 “{grid.sheet}” 的前 {HEADER_SEARCH_ROWS} 行中找不到{label}表的表头。",
                    **where,
                    hint=f"表头应包含 {'、'.join(f.label for f in schema.ROSTER_BY_KEY[by_name].fields if f.required)} 等列。",
                )
            )
        else:
            issues.append(
                Issue(
                    "sheet-ignored",
                    INFO,
                    f"工作表 “{grid.sheet}” 不是小区、业委会或党组织台账，已略过。",
                    **where,
                )
            )
        return None, issues
    assert guess is not None
    roster = schema.ROSTER_BY_KEY[guess.roster]
    header_excel_row = guess.row + 1
    all_names = [n for f in roster.fields for n in (f.label, *f.aliases)]

    columns: dict[str, ColumnRef] = {}
    index = schema.header_index(roster.key)
    unknown: list[str] = []
    for j, label in enumerate(guess.labels):
        if not label:
            continue
        letter = col_letter(grid.col_offset + j)
        cell = f"{letter}{header_excel_row}"
        key = index.get(schema.norm_label(label))
        if key is None:
            if schema.norm_label(label) in IGNORED_HEADERS | DERIVED_HEADERS:
                continue
            unknown.append(label)
            hint = _closest(label, all_names)
            issues.append(
                Issue(
                    "column-unknown",
                    WARNING,
                    f"列 “{label}” 不是{roster.label}表的标准列，已忽略。",
                    **where,
                    row=header_excel_row,
                    column=label,
                    cell=cell,
                    hint=f"是否应为 “{hint}”？" if hint else "",
                )
            )
        elif key in columns:
            issues.append(
                Issue(
                    "column-duplicate",
                    ERROR,
                    f"列 “{label}” 与第 {columns[key].letter} 列 “{columns[key].header}” 重复（都表示{roster.field(key).label}），只读取了前一列。",
                    **where,
                    row=header_excel_row,
                    column=roster.field(key).label,
                    cell=cell,
                    hint="请删除或改名其中一列。",
                )
            )
        else:
            columns[key] = ColumnRef(j, letter, label)
    for f in roster.fields:
        if f.required and f.key not in columns:
            near = _closest(f.label, unknown)
            issues.append(
                Issue(
                    "column-missing",
                    ERROR,
                    f"{roster.label}表缺少必填列 “{f.label}”。",
                    **where,
                    row=header_excel_row,
                    column=f.label,
                    hint=(
                        f"表头中的 “{near}” 是否就是这一列？可改为 “{f.label}”。"
                        if near
                        else f"请增加 “{f.label}” 列。"
                    ),
                )
            )

    table = _classify_rows(grid, roster, guess, columns)
    for row, reason in table.skipped:
        issues.append(
            Issue("row-skipped", INFO, f"第 {row} 行未计入：{reason}。", **where, row=row)
        )
    return table, issues


def _nonempty(arr: pa.Array) -> pa.Array:
    """Boolean mask of cells with visible content."""
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.fill_null(pc.greater(pc.utf8_length(trimmed), 0), False)


def _classify_rows(
    grid: Grid, roster: schema.Roster, guess: _HeaderGuess, columns: dict[str, ColumnRef]
) -> Table:
    """Every row below the header: used, or skipped with a stated reason (SPEC section 2).

    Only a few candidate rows are looked at one by one; they are picked out column-wise:
    rows with at most two filled roster cells, and rows whose id cell does not look like an
    id (empty, a 合计/小计 label, a header or title text). A sheet whose ids never look like
    ids (no digit) is looked at row by row: slower (about 1 s per 100k rows), still right."""
    start = guess.row + 1
    n = grid.n_rows - start
    table = Table(
        roster.key, grid.file, grid.sheet, guess.row + 1, columns, {}, pa.array([], pa.int32())
    )
    if n <= 0:
        return table
    filled, errors = _fill_merged(grid, start) if grid.merges or grid.errors else (grid.columns, {})
    all_cols = [c.slice(start) for c in filled]
    filled_any = [_nonempty(c) for c in all_cols]
    filled_mapped = [filled_any[c.index] for c in columns.values()] or [pa.array([False] * n)]
    count_mapped = _sum_masks(filled_mapped)
    count_any = _sum_masks(filled_any)

    # Trailing rows with nothing at all are not rows of the table.
    any_arr = pc.greater(count_any, 0)
    nz = pc.indices_nonzero(any_arr)
    last = nz[-1].as_py() + 1 if len(nz) else 0

    marks = _Marks.of(grid, roster, guess)
    cand = pc.less_equal(count_mapped, 2)
    id_ref = columns.get(roster.id_field)
    if id_ref is not None:
        # A row whose id cell looks like an id is data (valid_id decides for the others).
        id_col = all_cols[id_ref.index]
        looks = pc.fill_null(pc.match_substring_regex(id_col, ID_LOOK), False)
        cand = pc.or_(cand, pc.invert(looks))
        trimmed = pc.utf8_trim_whitespace(id_col)
        cand = pc.or_(cand, pc.fill_null(pc.is_in(trimmed, pa.array(marks.texts)), False))
    else:  # no id column (already an error): a totals label may stand anywhere
        for c in all_cols:
            if pc.any(pc.match_substring(c, "计")).as_py():
                cand = pc.or_(cand, pc.fill_null(pc.match_substring_regex(c, TOTAL), False))
    cand_idx = pc.indices_nonzero(cand.slice(0, last))

    skip: dict[int, str] = {}
    header_norm = {k: schema.norm_label(c.header) for k, c in columns.items()}
    cand_rows = [pc.take(c, cand_idx).to_pylist() for c in all_cols]
    cand_mapped = pc.take(count_mapped, cand_idx).to_pylist()
    for pos, i in enumerate(cand_idx.to_pylist()):
        texts = [(col[pos] or "").strip() for col in cand_rows]
        why = _skip_reason(texts, cand_mapped[pos], marks, id_ref)
        if why is None and columns:
            same = sum(
                1 for k, c in columns.items() if schema.norm_label(texts[c.index]) == header_norm[k]
            )
            if same >= max(2, len(columns) // 2):
                why = "重复的表头行"
        if why is not None:
            skip[i] = why
    # A row of column numbers right under the header (1 2 3 …).
    if n > 0 and 0 not in skip:
        nums = [(c[0].as_py() or "").strip() for c in all_cols]
        vals = [v for v in nums if v]
        if (
            len(vals) >= 3
            and all(v.isdigit() for v in vals)
            and [int(v) for v in vals] == list(range(int(vals[0]), int(vals[0]) + len(vals)))
        ):
            skip[0] = "表头下方的列序号行"
    used = np.ones(last, dtype=bool)
    used[[i for i in skip if i < last]] = False
    mask = pa.array(used)
    table.skipped = sorted((start + i + 1, why) for i, why in skip.items() if i < last)
    table.rows = pc.filter(pa.array(np.arange(start + 1, start + last + 1, dtype=np.int32)), mask)
    table.data = {k: pc.filter(all_cols[c.index].slice(0, last), mask) for k, c in columns.items()}
    if errors:
        at = {c.index: k for k, c in columns.items()}
        for (r, j), text in errors.items():
            i = r - start
            if j in at and 0 <= i < last and used[i]:
                table.errors.setdefault(at[j], {})[r + 1] = text
    return table


@dataclass
class _Marks:
    """What the sheet's own header and title rows say, to recognise them repeated below."""

    header: set[str]  # folded texts of the header rows' cells
    header_at: dict[int, set[str]]  # column position -> folded header texts above it
    title: set[str]  # folded texts of the rows above the header (titles, 填报单位 lines)
    texts: list[str]  # the same as written (trimmed), for a column-wise first look

    @classmethod
    def of(cls, grid: Grid, roster: schema.Roster, guess: _HeaderGuess) -> _Marks:
        top = guess.row - guess.rows + 1
        head = grid.head(guess.row + 1)
        header: set[str] = set()
        header_at: dict[int, set[str]] = {}
        title: set[str] = set()
        texts: set[str] = set()
        for r, row in enumerate(head):
            for j, v in enumerate(row):
                t = (v or "").strip()
                if not t:
                    continue
                texts.add(t)
                if r < top:
                    title.add(schema.norm_label(t))
                else:
                    header.add(schema.norm_label(t))
                    header_at.setdefault(j, set()).add(schema.norm_label(t))
        for j, label in enumerate(guess.labels):
            if label:
                header.add(schema.norm_label(label))
                header_at.setdefault(j, set()).add(schema.norm_label(label))
        id_field = roster.field(roster.id_field)
        texts.update((id_field.label, *id_field.aliases))
        header.update(schema.norm_label(x) for x in (id_field.label, *id_field.aliases))
        return cls(header, header_at, title, sorted(texts))


def _skip_reason(
    texts: list[str], mapped: int, marks: _Marks, id_ref: ColumnRef | None
) -> str | None:
    """Why a candidate row is no data row, or None when it is data. A row with a valid id is
    data whatever else it says (a compound may be called 小计花园), unless it is a copy of the
    sheet's own header or title rows."""
    filled = [(j, t) for j, t in enumerate(texts) if t]
    if not filled:
        return "空行"
    folded = [(j, schema.norm_label(t)) for j, t in filled]
    if all(f in marks.header for _, f in folded) and (
        len(folded) >= 2 or folded[0][1] in marks.header_at.get(folded[0][0], ())
    ):
        return "重复的表头行"
    if all(f in marks.title for _, f in folded):
        return f"重复的标题行（“{_short(filled[0][1])}”）"
    if id_ref is not None and valid_id(texts[id_ref.index]):
        return None
    first = filled[0][1]
    if FOOTER_RE.match(first) and mapped <= 2:
        return f"表尾说明行（“{_short(first)}”）"
    label = next((t for _, t in filled if TOTAL_RE.search(t)), None)
    if label is not None:
        return f"合计/小计行（“{_short(label)}”）"
    if mapped == 0:
        return "只有序号等无关列，没有台账内容"
    return None


def _short(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[:n] + "…"


def valid_id(text: str) -> bool:
    """Whether a cell reads as an id (小区、委员会、党组织编号): one token of letters, digits and
    -_./#() with at least one digit, at most four Chinese characters (东城001), and no 合计/小计
    label. Titles, header texts and totals labels are no ids."""
    t = schema.INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).strip()
    if not ID_RE.fullmatch(t) or TOTAL_RE.search(t):
        return False
    return any("0" <= ch <= "9" for ch in t) and len(HAN_RE.findall(t)) <= 4


def _fill_merged(grid: Grid, start: int) -> tuple[list[pa.Array], dict[tuple[int, int], str]]:
    """Give the value of a merged range spanning several rows below the header to every row
    it covers, in every column (纳入统计=否 merged over three rows is 否 in each of them), and
    the grid's error cells with it. A range gives its value down its first column, where
    Excel keeps it: a title, note or footer merged across the table stays one cell wide, so
    that the row is still seen as such. Returns the columns and the error cells (0-based row,
    position in grid.columns)."""
    columns = list(grid.columns)
    errors = {(r, c - grid.col_offset): text for (r, c), text in grid.errors.items()}
    edits: dict[int, list] = {}
    last = grid.n_rows - 1
    for r1, c1, r2, _c2 in grid.merges:
        j = c1 - grid.col_offset
        if r2 <= r1 or r1 < start or not 0 <= j < len(columns) or r1 > last:
            continue
        vals = edits.get(j)
        if vals is None:
            vals = edits[j] = columns[j].to_pylist()
        err = errors.get((r1, j))
        for r in range(r1 + 1, min(r2, last) + 1):
            if vals[r] is None:
                vals[r] = vals[r1]
                if err is not None:
                    errors[(r, j)] = err
    for j, vals in edits.items():
        columns[j] = pa.array(vals, pa.string())
    return columns, errors


def _sum_masks(masks: list[pa.Array]) -> pa.Array:
    total = pc.cast(masks[0], pa.int16())
    for m in masks[1:]:
        total = pc.add(total, pc.cast(m, pa.int16()))
    return total
