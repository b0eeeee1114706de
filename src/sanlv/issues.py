"""Problems as data: the catalogue of check codes (SPEC section 4), the issue record every
stage yields, and the exceptions for inputs that cannot be used (exit 2).

Standard library only: imported at CLI start-up."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True)
class Code:
    """One entry of the catalogue: a stable code, its Chinese title and one-sentence
    description, its default severity and the stage that emits it."""

    code: str
    title: str
    severity: str
    stage: str  # read | normalise | check | workspace
    description: str

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "title": self.title,
            "severity": self.severity,
            "stage": self.stage,
            "description": self.description,
        }


STAGE_LABELS = {"read": "读取", "normalise": "取值", "check": "检查", "workspace": "报送"}

# fmt: off
CATALOGUE: dict[str, Code] = {c.code: c for c in (
    # structural: the files, sheets, headers and rows
    Code("file-unreadable", "文件无法读取", ERROR, "read",
         "文件不存在、已损坏、格式不支持或疑似压缩炸弹，无法作为台账读取。"),
    Code("file-encrypted", "文件已加密", ERROR, "read",
         "文件设置了打开密码，请取消密码后另存再读取。"),
    Code("file-encoding", "文件编码无法识别", ERROR, "read",
         "CSV 文件不是 UTF-8、GB18030 等支持的编码，或一个文件里混用了多种编码。"),
    Code("file-duplicate", "重复的文件", WARNING, "read",
         "同一个文件给了两次，或两个文件内容完全相同（SHA-256 相同），只读取一次。"),
    Code("sheet-missing", "缺少台账表", ERROR, "check",
         "输入中缺少小区、业委会或党组织三张台账之一。"),
    Code("sheet-ignored", "工作表已略过", INFO, "read",
         "隐藏的、空的或不是台账的工作表没有读取。"),
    Code("file-ignored", "文件已略过", INFO, "read",
         "文件夹中的隐藏文件、Excel 临时锁定文件（~$ 开头）、sanlv 的临时文件，以及 sanlv 生成的"
         "报告、变动清单、走势、问题清单和未改动的标注副本，不作为台账读取。"),
    Code("header-not-found", "找不到表头", ERROR, "read",
         "在工作表的前 30 行中找不到台账的表头。"),
    Code("column-missing", "缺少必填列", ERROR, "read",
         "台账缺少必须填写的列，给出最接近的表头作为提示。"),
    Code("column-duplicate", "列重复", ERROR, "read",
         "两列表示同一个字段，只读取了前一列。"),
    Code("column-unknown", "未知列", WARNING, "read",
         "列名不是标准列名或其别名，该列已忽略。"),
    Code("row-skipped", "行未计入", INFO, "read",
         "空行、合计/小计行、重复的标题或表头、表尾说明等没有作为数据读取。"),
    # cells
    Code("value-missing", "必填项为空", ERROR, "check",
         "必须填写的单元格是空的。"),
    Code("value-type", "取值类型不对", ERROR, "normalise",
         "应为整数或日期的单元格无法识别，或是错误值（如 #N/A）、没有计算结果的公式。"),
    Code("value-enum", "取值不在选项内", ERROR, "normalise",
         "下拉选项类的单元格填了选项之外的值，给出最接近的选项作为提示。"),
    Code("value-range", "数值超出范围", ERROR, "normalise",
         "数值为负数，或超过了另一项（如党员人数多于委员人数）。"),
    Code("date-future", "日期晚于今天", ERROR, "check",
         "日期晚于运行当天（物业服务起始日期为提示，其余为错误）。"),
    Code("date-order", "日期先后颠倒", ERROR, "check",
         "成立日期晚于任期届满日期或撤销日期。"),
    Code("id-duplicate", "编号重复", ERROR, "check",
         "同一编号出现多次；跨文件内容完全相同的重复报送为警告，只计一次。"),
    Code("ref-missing", "引用的编号不存在", ERROR, "check",
         "业委会或党组织引用的小区、业委会编号在台账中找不到。"),
    Code("ref-ambiguous", "引用的编号不明确", ERROR, "check",
         "党组织的依托对象填了小区编号，而该小区同时有多个运行中的业委会（物管会）。"),
    Code("ref-pending", "引用待其他街道报送", WARNING, "workspace",
         "引用的编号不在本文件中，本期其他街道也尚未报送，月结时再核对。"),
    Code("name-conflict", "同一编号名称不一致", ERROR, "check",
         "同一个小区编号在不同文件中的小区名称不同。"),
    Code("region-unknown", "不在区划名单中", ERROR, "check",
         "区、街道或社区的名称不在官方区划名单中。"),
    # policy
    Code("committee-size", "委员人数不合规定", WARNING, "check",
         "业委会委员应为 5—11 人的单数（小区户数少时可为 3 人），物管会不少于 7 人且为单数。"),
    Code("committee-term", "任期超过上限", WARNING, "check",
         "任期届满日期减成立日期超过每届任期的上限。"),
    Code("committee-expired", "届满未换届", WARNING, "check",
         "任期已经届满，尚未换届。"),
    Code("committee-expiring", "即将届满", WARNING, "check",
         "任期将在提示期限内届满，应提前筹备换届。"),
    Code("committee-party-share", "党员委员比例偏低", WARNING, "check",
         "委员中党员所占比例低于规定的下限。"),
    Code("committee-no-party-member", "委员中没有党员", WARNING, "check",
         "业委会（物管会）委员中没有中共党员。"),
    Code("committee-coexist", "业委会与物管会并存", WARNING, "check",
         "同一小区同时有运行中的业委会和物管会，物管会应撤销。"),
    Code("committee-ineligible", "标为不具备组建条件却已组建", WARNING, "check",
         "小区标为不具备组建条件，但已有运行中的业委会（物管会）。"),
    Code("party-org-required", "应建未建党组织", WARNING, "check",
         "委员中有 3 名以上党员，但没有党的组织覆盖。"),
    Code("party-org-lagging", "成立后未及时建党组织", WARNING, "check",
         "业委会（物管会）成立超过规定天数仍没有党的组织覆盖（只有党建指导员不算）。"),
    Code("party-host-inactive", "党组织依托对象已失效", WARNING, "check",
         "党组织仍在运行，但依托的业委会、物业服务项目已撤销、未成立或不存在。"),
    Code("service-company-missing", "缺少物业服务企业", ERROR, "check",
         "物业管理方式为专业物业服务或国企托管，但没有填写物业服务企业。"),
    Code("service-company-unexpected", "无物业管理却填了物业企业", WARNING, "check",
         "物业管理方式为无物业管理，却填写了物业服务企业。"),
    Code("compound-duplicate-name", "同一社区小区重名", WARNING, "check",
         "同一社区中，同一个小区名称用了两个编号。"),
)}
# fmt: on


# The columns of an issue list (`validate --output`, the 问题清单 sheet of an annotated copy):
# (key of Issue.to_dict, Chinese header). The header line also identifies sanlv's CSV lists.
ISSUE_COLUMNS = (
    ("title", "问题"),
    ("code", "问题代码"),
    ("severity", "级别"),
    ("file", "文件"),
    ("sheet", "工作表"),
    ("row", "行号"),
    ("column", "列"),
    ("cell", "单元格"),
    ("value", "当前值"),
    ("message", "问题说明"),
    ("hint", "修改建议"),
)


def title_of(code: str) -> str:
    """The Chinese title of a code (the code itself when it is not catalogued)."""
    entry = CATALOGUE.get(code)
    return entry.title if entry else code


@dataclass(slots=True)
class Issue:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    value: str = ""
    hint: str = ""

    def to_dict(self) -> dict:
        # Spelled out: dataclasses.asdict deep-copies and is ~10x slower on 100k issues.
        return {
            "code": self.code,
            "title": title_of(self.code),
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
        }


def reading_order(issue: Issue) -> tuple:
    """Where an issue is: file, sheet, row, cell (the order of a workbook)."""
    return (issue.file, issue.sheet, issue.row or 0, issue.cell, issue.code)


def display_order(issues: list[Issue]) -> list[Issue]:
    """The order of every list a person reads: errors first, then warnings, then info, each
    in sheet and row order (SPEC section 4)."""
    return sorted(issues, key=lambda i: (SEVERITY_ORDER[i.severity], *reading_order(i)))


class InputError(Exception):
    """An input that cannot be read at all. `message` is one Chinese line for the user."""

    def __init__(self, code: str, message: str, file: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.file = file

    def to_issue(self) -> Issue:
        return Issue(self.code, ERROR, self.message, file=self.file)


class UsageError(InputError):
    """A bad option, option value or combination of options (exit 2, one Chinese line)."""

    def __init__(self, message: str) -> None:
        super().__init__("usage", message)


def col_letter(index: int) -> str:
    """0-based column index -> Excel column letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
