"""What the instructions say about each roster field, for the template's 说明 sheet and
docs/fields.md alike: required or not (with the conditional rule), type, allowed values,
other accepted spellings and help. Generated from :mod:`sanlv.schema`."""

from __future__ import annotations

from dataclasses import dataclass

from .. import schema
from ..schema import Field, Roster

DATE_EXAMPLE = "2021-05-01"

TYPE_NAMES = {
    "id": "编号",
    "text": "文本",
    "int": "整数",
    "date": "日期",
    "bool": "是否",
    "enum": "下拉选择",
    "idlist": "编号列表",
}


@dataclass(frozen=True)
class FieldDoc:
    key: str
    label: str
    required: str  # 是 / 否 / the conditional rule
    type: str
    values: str
    aliases: str
    help: str


def required_text(roster: Roster, f: Field) -> str:
    """是, 否, or the conditional rule of a field that is required only sometimes."""
    if f.required:
        return "是"
    rule = conditional_rule(roster, f)
    return rule if rule else "否"


def conditional_rule(roster: Roster, f: Field) -> str | None:
    # schema.Field has no "required when" attribute; the one conditional requirement of
    # SPEC section 2 (物业服务企业) is expressed by schema.MODES_NEED_COMPANY.
    if roster is schema.COMPOUNDS and f.key == "service_company":
        return "、".join(schema.MODES_NEED_COMPANY) + "时必填"
    return None


def _unique_casefold(values: tuple[str, ...], skip: str) -> list[str]:
    seen = {skip.casefold()}
    out: list[str] = []
    for v in values:
        if v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out


def _with_aliases(canon: str, aliases: list[str] | tuple[str, ...]) -> str:
    return f"{canon}（也可写：{'、'.join(aliases)}）" if aliases else canon


def bool_values_text() -> str:
    yes, no = schema.BOOL_TRUE[0], schema.BOOL_FALSE[0]
    return "、".join(
        (
            _with_aliases(yes, _unique_casefold(schema.BOOL_TRUE, yes)),
            _with_aliases(no, _unique_casefold(schema.BOOL_FALSE, no)),
        )
    )


def enum_values_text(enum: str) -> str:
    return "、".join(_with_aliases(canon, aliases) for canon, aliases in schema.ENUMS[enum].items())


def values_text(roster: Roster, f: Field) -> str:
    """The 可选值 column: accepted values, or the rule a value must follow."""
    if f.type == "enum":
        assert f.enum is not None
        return enum_values_text(f.enum)
    if f.type == "bool":
        return bool_values_text()
    if f.type == "date":
        return f"日期，如 {DATE_EXAMPLE}"
    if f.type == "int":
        text = "大于或等于 0 的整数"
        if f.not_above:
            text += f"，不得超过“{roster.field(f.not_above).label}”"
        return text
    if f.type == "idlist":
        return "一个或多个编号，用顿号、逗号、分号或空格分隔"
    return ""


def field_docs(roster: Roster) -> list[FieldDoc]:
    return [
        FieldDoc(
            key=f.key,
            label=f.label,
            required=required_text(roster, f),
            type=TYPE_NAMES[f.type],
            values=values_text(roster, f),
            aliases="、".join(f.aliases),
            help=f.help,
        )
        for f in roster.fields
    ]


DOC_COLUMNS = ("列名", "是否必填", "类型", "可选值", "其他写法", "说明")


def doc_row(d: FieldDoc) -> tuple[str, ...]:
    return (d.label, d.required, d.type, d.values, d.aliases, d.help)


def intro_lines() -> list[str]:
    sheets = "、".join(f"“{r.label}”" for r in schema.ROSTERS)
    return [
        f"本工作簿用于填报党建引领物业管理“三率”台账，共 {len(schema.ROSTERS)} 张表：{sheets}。"
        "请在对应的工作表中填写，填好后可用 sanlv validate 检查，用 sanlv report 统计三率。",
        "每个小区（物业管理区域）、每个业主委员会（物业管理委员会）、每个党组织（或派驻的党建指导员）"
        "各占一行；不要合并单元格，不要插入合计行。",
        "请勿修改、删除或调换第一行的表头，也不要改动工作表名称；不需要的选填列可以留空。",
        "每张表的编号不得重复。业委会表的“小区编号”须与小区表中的编号一致；"
        "党组织表的“依托对象编号”填所依托业委会（物管会）的组织编号或小区编号，"
        "依托物业服务企业的填所服务小区的编号。"
        "编号以 0 开头时请保留（模板中编号列已设为文本格式）。",
        f"日期请按 {DATE_EXAMPLE} 的格式填写；带下拉箭头的列请从列表中选择。",
        "表头颜色：橙色为必填列，黄色为按条件必填列，蓝色为选填列；把鼠标移到表头上可看到填写说明。",
    ]
