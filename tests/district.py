"""A small hand-built district, written as real roster workbooks, for the rate tests.

Every compound, committee and Party organisation exemplifies one rule of SPEC section 1;
the expected numerators and denominators are written out in the tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from .helpers import write_xlsx

D = dt.date
AS_OF = D(2026, 10, 31)

COMPOUND_HEADER = [
    "小区编号",
    "小区名称",
    "街道",
    "社区",
    "小区类型",
    "总户数",
    "物业管理方式",
    "物业服务企业",
    "物业服务起始日期",
    "纳入统计",
    "具备组建条件",
]
COMMITTEE_HEADER = [
    "组织编号",
    "小区编号",
    "类型",
    "成立日期",
    "任期届满日期",
    "撤销日期",
    "委员人数",
    "党员人数",
    "主任姓名",
]
ORG_HEADER = [
    "党组织编号",
    "党组织名称",
    "依托类型",
    "依托对象编号",
    "组织形式",
    "成立日期",
    "撤销日期",
    "书记姓名",
]

S1, S2 = "甲街道", "乙街道"
# fmt: off
COMPOUNDS = [
    # id, name, street, community, category, households, mode, company, since, in scope, eligible
    ["C01", "一号院", S1, "一社区", "商品房", 300, "专业物业服务", "甲物业", None, "是", "是"],
    ["C02", "二号院", S1, "一社区", "老旧小区", 200, "国企托管", "国企", D(2020, 1, 1), None, None],
    # service starts after the as-of date: no service, no service project
    ["C03", "三号院", S1, "一社区", "商品房", 150, "专业物业服务", "乙物业", D(2026, 11, 1), "是", "是"],
    ["C04", "四号院", S1, "一社区", "回迁房", 120, "社区托管", None, None, "是", "是"],
    ["C05", "五号院", S1, "二社区", "平房院落", 80, "无物业管理", None, None, "是", "是"],
    ["C06", "六号院", S1, "二社区", "商品房", 90, "准物业", None, None, "否", "是"],  # out of scope
    ["C07", "七号院", S1, "二社区", "单位产权房", 60, "单位自管", None, None, "是", "否"],
    ["C08", "八号院", S2, "三社区", "商品房", 500, "专业物业服务", "丙物业", None, "是", "是"],
    ["C09", "九号院", S2, "三社区", "老旧小区", 100, "居民自治", None, None, "是", "是"],
    ["C10", "十号院", S2, "三社区", "老旧小区", 100, "单位自管", None, None, "是", "否"],
    ["C11", "十一号院", S2, "四社区", "其他", 40, "无物业管理", None, None, "是", "是"],
]
COMMITTEES = [
    # id, compound, kind, founded, term end, dissolved, members, party members, chair
    ["K01", "C01", "业主委员会", D(2022, 1, 1), D(2027, 1, 1), None, 5, 3, "王建国"],
    ["K03", "C03", "物业管理委员会", D(2025, 1, 1), D(2028, 1, 1), None, 7, 5, "李红梅"],
    ["K04", "C04", "业主委员会", D(2018, 7, 1), D(2023, 6, 30), None, 5, 2, "张卫东"],  # expired
    ["K05", "C05", "业主委员会", D(2026, 11, 15), D(2031, 11, 14), None, 5, 3, "赵丽"],  # not yet
    ["K06", "C05", "业主委员会", D(2019, 1, 1), D(2024, 1, 1), AS_OF, 5, 3, "钱进"],  # dissolved
    ["K07", "C06", "业主委员会", D(2022, 1, 1), D(2027, 1, 1), None, 5, 3, "孙悦"],  # out of scope
    ["K08", "C07", "业主委员会", D(2022, 1, 1), D(2027, 1, 1), None, 5, 1, "周平"],
    ["K09", "C08", "业主委员会", D(2023, 1, 1), D(2028, 1, 1), None, 7, 5, "吴刚"],
    ["K10", "C09", "业主委员会", AS_OF, D(2031, 10, 30), None, 5, 0, "郑华"],  # founded on as-of
]
ORGS = [
    # id, name, host kind, host ref, form, founded, dissolved, secretary
    ["O01", "一号院业委会党支部", "业主委员会", "K01", "单独组建", D(2022, 3, 1), None, "陈书记"],
    # a joint branch over three projects; C03 is no service project on the date
    ["O02", "甲物业联合党支部", "物业服务企业", "C01、C02，C03", "联合组建", D(2021, 1, 1), None, "林书记"],
    # an instructor attached by compound id (resolves to K03): work coverage only
    ["O03", "三号院党建指导员", "物业管理委员会", "C03", "派驻党建指导员", D(2025, 2, 1), None, "黄指导"],
    # functional branch by compound id -> the expired but active K04
    ["O04", "四号院功能型党支部", "业主委员会", "C04", "功能型党组织", D(2019, 1, 1), None, "何书记"],
    # attached to a dissolved committee: attaches nothing
    ["O05", "五号院挂靠党组织", "业主委员会", "K06", "挂靠组建", D(2019, 6, 1), None, "高书记"],
    ["O06", "七号院党支部（已撤销）", "业主委员会", "K08", "单独组建", D(2022, 2, 1), D(2026, 1, 1), "马书记"],
    ["O07", "七号院党支部（筹）", "业主委员会", "K08", "单独组建", D(2026, 11, 15), None, "罗书记"],
    ["O08", "八号院挂靠党组织", "业主委员会", "K09", "挂靠组建", D(2023, 6, 1), None, "梁书记"],
]
# fmt: on


def write_district(
    path: Path,
    compounds: list[list] | None = None,
    committees: list[list] | None = None,
    orgs: list[list] | None = None,
) -> Path:
    """One workbook with the three roster sheets (defaults: the district above).

    Text starting with "=" is stored as text, the way a user's typed name would be."""
    write_xlsx(
        path,
        {
            "小区": [COMPOUND_HEADER, *(COMPOUNDS if compounds is None else compounds)],
            "业委会": [COMMITTEE_HEADER, *(COMMITTEES if committees is None else committees)],
            "党组织": [ORG_HEADER, *(ORGS if orgs is None else orgs)],
        },
    )
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    wb.save(path)
    return path
