"""Build the default 通报 template, src/sanlv/templates/brief.docx, with python-docx.

    python scripts/make_brief_template.py

The template is a Word document with docxtpl (Jinja) fields; its last section, left out of
every generated 通报, lists the fields (sanlv.render.brief_docx.FIELDS). Offices get a copy
with `sanlv brief --template-init 模板.docx` and restyle it (红头, fonts, wording).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # the package of this checkout, even if another is installed

from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_TAB_ALIGNMENT  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Mm, Pt, RGBColor  # noqa: E402

from sanlv.render.brief_docx import FIELDS, TEMPLATE_KIND, mark  # noqa: E402

OUT = ROOT / "src" / "sanlv" / "templates" / "brief.docx"
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEAD_FONT = "黑体"
TABLE_FONT = "宋体"
BODY_PT = 14
TABLE_PT = 9.5


def east_asian(run_or_style, name: str) -> None:
    """Set the font of Chinese text (python-docx sets only the Latin font names)."""
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def font(run, name: str, size: float, bold: bool = False, colour: RGBColor | None = None):
    run.font.name = "Times New Roman" if name == BODY_FONT else name
    east_asian(run, name)
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def bottom_rule(paragraph, colour: str = "C00000", size: int = 12) -> None:
    """A line under the paragraph (the red rule of the 红头; python-docx has no API)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", colour)):
        bottom.set(qn(f"w:{k}"), v)
    borders.append(bottom)
    ppr.append(borders)


def para(
    doc,
    text: str = "",
    *,
    size: float = BODY_PT,
    name: str = BODY_FONT,
    bold=False,
    align=None,
    indent: bool = False,
    colour=None,
    space_after: float = 0,
):
    p = doc.add_paragraph()
    if text:
        font(p.add_run(text), name, size, bold, colour)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = 1.25
    return p


def tag(doc, text: str):
    """A paragraph that holds only a docxtpl block tag ({%p … %}); it is removed on render."""
    return para(doc, text, size=8)


def body_if(doc, condition: str, text: str) -> None:
    """A body paragraph shown only when `condition` (a template expression) holds."""
    tag(doc, f"{{%p if {condition} %}}")
    para(doc, text, indent=True)
    tag(doc, "{%p endif %}")


def body_each(doc, items: str) -> None:
    """One body paragraph for each text of the list field `items`."""
    tag(doc, f"{{%p for 段 in {items} %}}")
    para(doc, "{{ 段 }}", indent=True)
    tag(doc, "{%p endfor %}")


def heading(doc, text: str):
    return para(doc, text, name=HEAD_FONT, bold=True, indent=True, space_after=2)


def cell_text(cell, lines: list[str], bold: bool = False, size: float = TABLE_PT) -> None:
    cell.paragraphs[0].text = ""
    first = True
    for line in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        if line:
            font(p.add_run(line), TABLE_FONT, size, bold)


def shade(cell, fill: str = "D9E2F3") -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def rate_lines(var: str, rate: str) -> list[str]:
    return [
        f"{{{{ {var}.{rate}.比率 }}}}",
        f"{{{{ {var}.{rate}.数量 }}}}",
        "{%p if 有上期 %}",
        f"{{{{ {var}.{rate}.较上期 }}}}",
        "{%p endif %}",
    ]


RATES = (
    ("组建率", "业委会组建率"),
    ("物业覆盖率", "物业服务覆盖率"),
    ("党组织覆盖率", "党组织覆盖率"),
)


def keep_rows_whole(table) -> None:
    """No row split over two pages, and the header row repeated on every page (python-docx
    has no API for w:cantSplit and w:tblHeader)."""
    for i, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if i == 0:
            trpr.append(OxmlElement("w:tblHeader"))


def widths(table, cm: list[float]) -> None:
    """Column widths that Word, WPS and LibreOffice all keep (the grid and every cell)."""
    table.autofit = False
    for i, w in enumerate(cm):
        table.columns[i].width = Cm(w)
        for row in table.rows:
            row.cells[i].width = Cm(w)


def rates_table(
    doc, rows: str, leading: list[tuple[str, str, float]], rate_cm: float, total: bool = True
) -> None:
    """A table of rows `rows` (a loop over a list field): `leading` columns (header, field of
    the row, width), the three rates, 三率达标; the 合计 row at the end."""
    columns = [*leading, *((h, r, rate_cm) for r, h in RATES), ("三率达标", "达标", 1.3)]
    table = doc.add_table(rows=4 + (1 if total else 0), cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, start, body, end = table.rows[:4]
    widths(table, [w for _, _, w in columns])
    for i, (title, fld, _) in enumerate(columns):
        cell_text(header.cells[i], [title], bold=True)
        shade(header.cells[i])
        if fld in dict(RATES):
            cell_text(body.cells[i], rate_lines("行", fld))
        else:
            cell_text(body.cells[i], [f"{{{{ 行.{fld} }}}}"])
    cell_text(start.cells[0], [f"{{%tr for 行 in {rows} %}}"])
    cell_text(end.cells[0], ["{%tr endfor %}"])
    keep_rows_whole(table)
    if total:
        last = table.rows[4]
        for i, (_, fld, _) in enumerate(columns):
            if fld in dict(RATES):
                cell_text(last.cells[i], rate_lines("合计", fld), bold=True)
            elif fld == "名称":
                cell_text(last.cells[i], ["{{ 合计.名称 }}"], bold=True)
            elif fld in ("小区数", "达标"):
                cell_text(last.cells[i], [f"{{{{ 合计.{fld} }}}}"], bold=True)


def plain_table(doc, rows: str, columns: list[tuple[str, str, float]]) -> None:
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, start, body, end = table.rows
    widths(table, [w for _, _, w in columns])
    for i, (title, fld, _) in enumerate(columns):
        cell_text(header.cells[i], [title], bold=True)
        shade(header.cells[i])
        cell_text(body.cells[i], [f"{{{{ 行.{fld} }}}}"])
    cell_text(start.cells[0], [f"{{%tr for 行 in {rows} %}}"])
    cell_text(end.cells[0], ["{%tr endfor %}"])
    keep_rows_whole(table)


def build() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    section.left_margin, section.right_margin = Mm(27), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(BODY_PT)
    east_asian(normal, BODY_FONT)
    text_width = Mm(210 - 27 - 26)

    # 红头: the bulletin's name, its number, the issuer and the date over a red rule
    para(
        doc,
        "党建引领物业管理工作通报",
        name=TITLE_FONT,
        size=30,
        colour=RED,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=6,
    )
    para(doc, "{{ 期数 }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    p = para(doc, "{{ 发文机关 }}\t{{ 印发日期 }}", size=12)
    p.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    bottom_rule(p)
    para(doc, "")
    para(
        doc, "{{ 标题 }}", name=TITLE_FONT, size=20, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=10
    )
    para(
        doc,
        "为全面掌握党建引领物业管理“三率”工作进展，推动问题整改落实，现将截至"
        "{{ 统计截止日期 }}{{ 区域 }}业委会（物管会）组建率、物业服务覆盖率、党的组织覆盖率"
        "情况通报如下。",
        indent=True,
    )

    heading(doc, "一、总体情况")
    body_each(doc, "总体情况")
    body_each(doc, "说明")

    heading(doc, "二、{% if 全市 %}各区、各街道{% else %}各街道{% endif %}情况")
    tag(doc, "{%p if 全市 %}")
    para(doc, "（一）各区情况", indent=True)
    rates_table(
        doc, "区表", [("排名", "排名", 1.2), ("区", "名称", 2.6), ("小区数", "小区数", 1.5)], 2.6
    )
    para(doc, "（二）各街道情况（按区排列）", indent=True)
    rates_table(
        doc,
        "街道表",
        [
            ("区", "区", 1.9),
            ("区内排名", "排名", 1.2),
            ("全市排名", "全市排名", 1.2),
            ("街道", "名称", 2.4),
            ("小区数", "小区数", 1.3),
        ],
        2.2,
        total=False,
    )
    tag(doc, "{%p else %}")
    rates_table(
        doc,
        "街道表",
        [("排名", "排名", 1.2), ("街道", "名称", 2.8), ("小区数", "小区数", 1.5)],
        2.6,
    )
    tag(doc, "{%p endif %}")
    para(
        doc,
        "注：表中各项比率下为“分子/分母”{% if 有上期 %}及较{{ 上期 }}变化（百分点）{% endif %}。",
        size=10.5,
    )
    para(doc, "{{ 图表 }}{{ 图表说明 }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, '三率全部达标的街道：{{ 达标街道 or "无" }}。', indent=True)
    body_if(doc, "红榜", "红榜（排名前列）：{{ 红榜 }}。")
    body_if(doc, "进步最快", "进步最快：{{ 进步最快 }}。")
    body_if(doc, "后三位", "排名{{ 后位 }}：{{ 后三位 }}。")
    body_if(doc, "有记录", '连续 3 个月及以上排名后三位：{{ 连续后三位 or "无" }}。')
    body_if(doc, "未报送", "本期未报送台账（未计入统计）：{{ 未报送 }}。")

    heading(doc, "三、问题整改情况")
    body_each(doc, "整改情况")
    plain_table(
        doc,
        "整改表",
        [
            ("街道", "名称", 3.2),
            ("待整改问题", "问题数", 2.4),
            ("本期新增", "新增", 2.2),
            ("逾期未销号", "逾期", 2.4),
            ("本期已销号", "已销号", 2.4),
        ],
    )

    heading(doc, "四、下一步工作")
    p = para(
        doc,
        "【请起草人在此填写下一步工作安排，如对排名靠后街道的督导、逾期问题的整改要求等。】",
        indent=True,
    )
    for run in p.runs:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    para(doc, "")
    para(doc, "附：统计口径", name=HEAD_FONT, size=12)
    para(doc, "{{ 统计口径 }}", size=10.5, indent=True)
    para(doc, "")
    para(doc, "{{ 发文机关 }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ 印发日期 }}", align=WD_ALIGN_PARAGRAPH.RIGHT)

    # the field list: inside an always-false block, so no 通报 carries it
    tag(doc, "{%p if false %}")
    p = para(doc, "")
    p.add_run().add_break(WD_BREAK.PAGE)
    para(
        doc,
        "字段说明（本节不会出现在生成的通报中）",
        name=HEAD_FONT,
        size=16,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=6,
    )
    para(
        doc,
        "本模板由 sanlv brief 套用：正文中用双花括号括起的字段名会换成本期的数字和文字，"
        "百分号花括号括起的是条件和循环（如 if 全市、for 行 in 街道表）。可以改红头、字体、版式和"
        "文字，只要字段名与下表一致；写错或不存在的字段，sanlv 会报错并指出字段名。"
        "表格中的 tr 行（for 与 endfor）是逐行重复的标记，请保留。",
        size=11,
        indent=True,
    )
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for i, (title, width) in enumerate((("字段", 4.5), ("含义", 6.5), ("示例", 4.6))):
        table.rows[0].cells[i].width = Cm(width)
        cell_text(table.rows[0].cells[i], [title], bold=True, size=10)
        shade(table.rows[0].cells[i])
    for name, meaning, example in FIELDS:
        cells = table.add_row().cells
        for i, text in enumerate((name, meaning, example)):
            cell_text(cells[i], [text], size=10)
    widths(table, [4.5, 6.5, 4.6])
    tag(doc, "{%p endif %}")

    mark(doc.core_properties, TEMPLATE_KIND, "党建引领物业管理“三率”工作情况通报（模板）")
    return doc


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    build().save(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
