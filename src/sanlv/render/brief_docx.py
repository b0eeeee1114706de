"""The 通报 as a Word document (SPEC section 8): the brief content laid into a docx template
by docxtpl (Jinja over python-docx), with the chart picture. The template's named fields are
FIELDS below (the default template lists them in its last section, which is left out of the
generated document); an office may restyle the template (`--template-init`) and use its own
(`--template`). Imported only by `sanlv brief`."""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..compute import HEADLINE
from ..content.brief import BriefContent, PlaceRow, TodoRow
from ..issues import InputError
from ..write import atomic_output, mark_text

KIND = "brief"
TEMPLATE_KIND = "brief-template"
TEMPLATE_NAME = "brief.docx"
# the rates of a row by their field names
RATE_FIELDS = {"committee": "组建率", "service": "物业覆盖率", "party": "党组织覆盖率"}

# (field, what it is, example): the template contract, documented inside the template
FIELDS: list[tuple[str, str, str]] = [
    ("发文机关", "发文单位", "东城区党建引领物业管理工作专班"),
    ("期数", "期号", "2026年第10期"),
    ("标题", "通报标题", "东城区党建引领物业管理“三率”工作情况通报（2026年10月）"),
    ("区域", "统计范围（区名，多个区时为“全市”）", "东城区"),
    ("统计月份", "统计月份", "2026年10月"),
    ("统计截止日期", "统计截止日期", "2026年10月31日"),
    ("印发日期", "生成通报的日期", "2026年11月5日"),
    ("全市", "是否多个区（全市汇总）：是则先列各区，再按区列街道", "否"),
    ("有上期", "是否有上期数据（可比较变化）", "是"),
    ("上期", "上期的称呼", "上月"),
    ("总体情况", "一、总体情况的各段文字（列表，逐段输出）", "全区纳入统计的小区共 60 个。…"),
    ("合计", "合计行（字段同“街道表”的行）", "合计.组建率.比率 → 71.7%"),
    ("区表", "各区的行（全市时），字段同“街道表”的行", ""),
    ("街道表", "各街道的行（全市时按区排列）", ""),
    ("行.排名", "排名（全市时为区内排名）", "1"),
    ("行.全市排名", "全市排名（全市时）", "5"),
    ("行.区", "所在区", "东城区"),
    ("行.名称", "街道（或区、合计）名称", "巷口街道"),
    ("行.小区数", "纳入统计的小区数", "52"),
    ("行.组建率 / 行.物业覆盖率 / 行.党组织覆盖率", "该行的一项比率，下设以下字段", ""),
    ("….比率", "比率", "71.7%"),
    ("….数量", "分子/分母", "43/60"),
    ("….分子 / ….分母", "分子、分母", "43、60"),
    ("….较上期", "比上期变化（百分点，无上期时为“—”）", "+2.3"),
    ("….目标", "本期适用的目标", "90%"),
    ("….差距", "距目标还差的个数（已达标为 0）", "11"),
    ("行.达标", "三率是否全部达标", "是"),
    ("达标街道", "三率全部达标的街道", "巷口街道、东湖街道"),
    ("红榜", "排名前三位的街道", "巷口街道、东湖街道、西山街道"),
    ("进步最快", "三率平均提高最多的街道（无上期时为空）", "西山街道（三率平均提高 3.2 个百分点）"),
    ("后位", "后几位的称呼", "后三位"),
    ("后三位", "排名后三位的街道", "北关街道、南湖街道、城关街道"),
    ("有记录", "是否依据工作区的月结记录（才能判断连续后三位）", "是"),
    ("连续后三位", "连续 3 个月及以上处于后三位的街道（无则为空）", "城关街道（连续 3 个月）"),
    ("未报送", "本期未报送、未计入统计的街道（无则为空）", "北关街道"),
    ("整改情况", "三、问题整改情况的各段文字（列表）", "本期共有待整改问题 120 个。…"),
    ("整改表", "各街道整改情况的行", ""),
    ("整改行.名称 / 整改行.区", "街道、所在区", "巷口街道"),
    ("整改行.问题数", "本期待整改问题数", "12"),
    ("整改行.新增", "本期新增", "3"),
    ("整改行.逾期", "逾期未销号", "1"),
    ("整改行.已销号", "本期已销号", "4"),
    ("说明", "读者需要先知道的事项（列表，可能为空）", ""),
    ("统计口径", "附：统计口径（一段）", "统计截止日期 2026年10月31日；…"),
    ("图表", "各街道三率柱状图（未找到中文字体时为空）", ""),
    ("图表说明", "图表从略的原因（有图表时为空）", ""),
]


@dataclass
class BriefDocument:
    """What the renderer did: the notes for the terminal (e.g. why the chart is left out)."""

    path: Path
    chart: bool
    notes: list[str] = field(default_factory=list)


def top_names() -> set[str]:
    """The top-level field names of the template contract."""
    return {f.split(".", 1)[0] for f, _, _ in FIELDS if not f.startswith(("行", "整改行", "…"))}


def default_template() -> resources.abc.Traversable:
    return resources.files("sanlv").joinpath("templates", TEMPLATE_NAME)


# --- the context -----------------------------------------------------------------------------


def _rate(cell) -> dict[str, Any]:
    return {
        "比率": cell.rate_text,
        "数量": cell.count_text,
        "分子": cell.numerator,
        "分母": cell.denominator,
        "较上期": cell.change_text,
        "目标": cell.target_text,
        "差距": "" if cell.gap is None else cell.gap,
    }


def _row(row: PlaceRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "排名": "" if row.rank is None else row.rank,
        "全市排名": "" if row.rank_all is None else row.rank_all,
        "区": row.district,
        "名称": row.name,
        "小区数": row.compounds,
        "达标": "是" if row.met_all else "否",
    }
    for key in HEADLINE:
        out[RATE_FIELDS[key]] = _rate(row.rates[key])
    return out


def _todo_row(row: TodoRow) -> dict[str, Any]:
    return {
        "名称": row.name,
        "区": row.district,
        "问题数": row.open,
        "新增": row.new,
        "逾期": row.overdue,
        "已销号": row.closed,
    }


def context(brief: BriefContent) -> dict[str, Any]:
    """The template's fields (FIELDS) filled from the brief content; `图表` is set by the
    renderer."""
    return {
        "发文机关": brief.issuer,
        "期数": brief.issue_no,
        "标题": brief.title,
        "区域": brief.place,
        "统计月份": brief.month_text,
        "统计截止日期": brief.as_of_text,
        "印发日期": brief.issued_text,
        "全市": brief.is_city,
        "有上期": bool(brief.previous_label),
        "上期": brief.previous_label,
        "总体情况": brief.total_sentences,
        "合计": _row(brief.total),
        "区表": [_row(r) for r in brief.districts],
        "街道表": [_row(r) for r in brief.streets],
        "达标街道": "、".join(brief.met_streets),
        "红榜": "、".join(brief.red_list),
        "进步最快": "、".join(brief.improved),
        "后位": brief.bottom_label,
        "后三位": "、".join(brief.bottom),
        "有记录": brief.bottom_run is not None,
        "连续后三位": "、".join(brief.bottom_run or []),
        "未报送": "、".join(brief.unreported),
        "整改情况": brief.todo_sentences,
        "整改表": [_todo_row(r) for r in brief.todo_rows],
        "说明": brief.notices,
        "统计口径": brief.method,
        "图表": "",
        "图表说明": "",
    }


# --- rendering -------------------------------------------------------------------------------


def write_brief(
    brief: BriefContent, output: str | os.PathLike, template: str | os.PathLike | None = None
) -> BriefDocument:
    """Render the 通报 into `output` (atomically) from `template` (default: the packaged
    one). A template that is no Word file, or one with an unknown or broken field, raises
    InputError naming it."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    result = BriefDocument(Path(output), chart=False)
    with contextlib.ExitStack() as stack:
        path = (
            Path(template)
            if template
            else stack.enter_context(resources.as_file(default_template()))
        )
        tpl = open_template(path, template is not None)
        env = jinja_env()
        ctx = context(brief)
        if template is not None:  # the default template's fields are checked by the tests
            check_fields(tpl, env, ctx, path)
        from .chart import NO_FONT, draw_chart, find_font

        font = find_font()
        if font is None:
            ctx["图表说明"] = f"（{NO_FONT}。）"
            result.notes.append(f"{NO_FONT}；可安装 Noto Sans CJK 或文泉驿字体后重新生成。")
        elif brief.chart.names:
            png = draw_chart(brief.chart, font)
            ctx["图表"] = InlineImage(tpl, io.BytesIO(png), width=Mm(155))
            result.chart = True
        render(tpl, ctx, env, path)
        mark(tpl.docx.core_properties, KIND, brief.title)
        with atomic_output(output) as tmp:
            tpl.save(tmp)
    return result


def jinja_env():
    from jinja2 import Environment, StrictUndefined

    # autoescape: names from the rosters ("A&B<街道>") go into the document's XML as text
    return Environment(undefined=StrictUndefined, autoescape=True)


def open_template(path: Path, theirs: bool):
    """The docx template at `path` (an office's own when `theirs`)."""
    from docxtpl import DocxTemplate

    what = f"通报模板 {path.name}"
    if not path.is_file():
        raise InputError("file-unreadable", f"找不到{what}，请检查路径。", path.name)
    try:
        if not zipfile.is_zipfile(path):
            raise ValueError
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
    except Exception:
        raise InputError(
            "file-unreadable",
            f"{what}无法打开：不是 Word 文档（.docx）或文件已损坏"
            + ("；可用 sanlv brief --template-init 重新生成默认模板。" if theirs else "。"),
            path.name,
        ) from None
    return tpl


def check_fields(tpl, env, ctx: dict, path: Path) -> None:
    """Refuse a template whose fields are not all known (or whose Jinja is broken): the
    names the template uses that the context does not have, found by Jinja's own analysis of
    the body as docxtpl prepares it (also where a condition or an empty loop would hide them
    at rendering)."""
    from jinja2 import TemplateSyntaxError, meta

    try:
        xml = tpl.patch_xml(tpl.get_xml())
        for part in header_footer_xml(tpl):
            xml += part
        unknown = meta.find_undeclared_variables(env.parse(xml)) - set(ctx)
    except TemplateSyntaxError as exc:
        raise syntax_error(tpl, exc, path) from None
    if unknown:
        names = "、".join(sorted(unknown))
        raise InputError(
            "file-unreadable",
            f"通报模板 {path.name} 中有未知字段：{names}。可用的字段见默认模板末尾的“字段说明”"
            "（sanlv brief --template-init 模板.docx）。",
            path.name,
        )


def header_footer_xml(tpl) -> list[str]:
    """The template's headers and footers (an office's 红头 may sit there) as docxtpl
    prepares them for Jinja."""
    from docx.oxml import parse_xml

    out = []
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for rel in tpl.docx._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                out.append(tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob))))
    return out


def render(tpl, ctx: dict, env, path: Path) -> None:
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from lxml.etree import XMLSyntaxError

    try:
        tpl.render(ctx, env, autoescape=True)
    except TemplateSyntaxError as exc:
        raise syntax_error(tpl, exc, path) from None
    except UndefinedError as exc:
        raise InputError(
            "file-unreadable",
            f"通报模板 {path.name} 中的字段有误：{undefined_name(exc)}。可用的字段见默认模板末尾的“字段说明”。",
            path.name,
        ) from None
    except TemplateError as exc:
        raise InputError(
            "file-unreadable", f"通报模板 {path.name} 无法套用：{exc.message}。", path.name
        ) from None
    except XMLSyntaxError:  # the fields render into places Word's XML does not allow
        raise InputError(
            "file-unreadable",
            f"通报模板 {path.name} 套用后不是有效的 Word 内容：可能有条件或循环标记跨越了表格或段落的边界，"
            "请对照默认模板检查 {%p …%}、{%tr …%} 的位置。",
            path.name,
        ) from None


def undefined_name(exc: Exception) -> str:
    """The name in Jinja's "'x' is undefined" / "… has no attribute 'x'"."""
    text = str(exc)
    m = re.search(r"has no attribute '([^']+)'", text) or re.search(r"'([^']+)' is undefined", text)
    return m.group(1) if m else text


OPENERS = {"if": "endif", "for": "endfor"}
TAG_START = re.compile(r"\{[{%]")
# "{%p if x %}" -> "if x" (docxtpl's paragraph, row, cell and run tags)
TAG_EDGES = re.compile(r"^\{%(?:(?:p|tr|tc|r)(?=\s))?\s*|\s*%\}$")


def syntax_error(tpl, exc, path: Path) -> InputError:
    """A broken field, named by the template text: the first tag that is not closed, does
    not parse alone, or opens a block that is never closed (Jinja's own position is a line of
    the document's XML, of no use to a person)."""
    shown = broken_tag(tpl)
    where = f"：{shown}" if shown else f"（{exc.message}）"
    return InputError(
        "file-unreadable",
        f"通报模板 {path.name} 中的字段写法有误{where}。"
        "字段应写成 {{ 字段名 }}，条件和循环要成对（if … endif，for … endfor），"
        "见默认模板末尾的“字段说明”。",
        path.name,
    )


def broken_tag(tpl) -> str:
    """The first broken tag of the template's body, described in Chinese ("" if none found)."""
    import html

    from jinja2 import Environment, TemplateSyntaxError

    env = Environment()
    try:
        xml = tpl.patch_xml(tpl.get_xml())
    except Exception:
        return ""
    stack: list[tuple[str, str]] = []
    for chunk in xml.split("</w:p>"):
        text = html.unescape(re.sub(r"<[^>]+>", "", chunk))
        pos = 0
        while (m := TAG_START.search(text, pos)) is not None:
            close = "}}" if m.group() == "{{" else "%}"
            end = text.find(close, m.end())
            nxt = TAG_START.search(text, m.end())
            if end < 0 or (nxt is not None and nxt.start() < end):
                return f"“{text[m.start() : m.start() + 30].strip()}”没有结束符 {close}"
            tag = text[m.start() : end + 2]
            pos = end + 2
            if close == "}}":
                try:
                    env.parse(tag)
                except TemplateSyntaxError:
                    return f"“{tag}”"
                continue
            words = TAG_EDGES.sub("", tag).split()
            if not words:
                continue
            if words[0] in OPENERS:
                stack.append((OPENERS[words[0]], tag))
            elif words[0] in OPENERS.values():
                if not stack or stack[-1][0] != words[0]:
                    return f"“{tag}”前面没有对应的开始标记"
                stack.pop()
    if stack:
        closer, tag = stack[-1]
        return f"“{tag}”没有对应的 {{% {closer} %}}"
    return ""


def mark(props, kind: str, title: str) -> None:
    """Mark the document as sanlv's (its category holds "sanlv <kind> <version>"; created
    and modified at the same time, so a later save by Word or WPS makes it someone's file),
    and keep no personal names in its properties."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    props.title = title
    props.category = mark_text(kind)
    props.author = "sanlv"
    props.last_modified_by = "sanlv"
    props.comments = f"sanlv {__version__}"
    props.created = now
    props.modified = now


def write_template(output: str | os.PathLike) -> Path:
    """`--template-init`: the default template, for an office to restyle."""
    data = default_template().read_bytes()
    with atomic_output(output) as tmp:
        Path(tmp).write_bytes(data)
    return Path(output)
