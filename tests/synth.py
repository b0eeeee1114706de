"""A seeded generator of synthetic district rosters, and writers for them.

`make_district` builds the three rosters of SPEC section 2 (compounds, committees, Party
organisations) for a made-up district, 示例区, with a realistic mix of compound categories,
management modes, committees and Party organisations. The data is clean: every id is unique,
every reference resolves, required values are present and dates are ordered, so that the
checks of SPEC section 4 find no errors — only the policy warnings a real district has
(expired and expiring committees, committees without a Party organisation, a low Party share).

`write_workbook` writes the district as one standard workbook (canonical headers, real Excel
dates); `write_street_ledger` writes one street the way street offices' ledgers really look
(title rows, a two-row grouped header, header aliases, dates and numbers typed as text,
a 合计 row and footer lines), to exercise a reader; its bytes are those of the sample
`data/samples/巷口街道台账.xlsx` and do not change.

`write_messy_street` writes one street in any `Layout` of SPEC section 2, including the
layouts found in the field since (`FIELD_FINDINGS`: 小计 rows labelled in the name column,
merged optional cells, a title repeated mid-sheet, names beginning with 小计), as a workbook
or as GB18030 CSV files; `write_messy_district` writes a whole district that way, one file
per street, with the expected figures from `district_truth` — computed from the generated
rows, not by sanlv — so that tests can compare what sanlv reads with what was written.

Everything is driven by one `random.Random(seed)`: the same arguments give the same rows.
"""

from __future__ import annotations

import os
import random
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sanlv.schema import (
    ENUMS,
    HOST_COMPANY,
    KIND_WGH,
    KIND_YWH,
    MODE_NONE,
    ROSTER_BY_KEY,
    ROSTERS,
    Roster,
)

__all__ = [
    "DEFAULT_AS_OF",
    "DISTRICT_NAME",
    "FIELD_FINDINGS",
    "RATE_KEYS",
    "Layout",
    "MessyDistrict",
    "district_truth",
    "make_city",
    "make_district",
    "make_messy_district",
    "street_layout",
    "write_messy_district",
    "write_messy_street",
    "write_street_ledger",
    "write_workbook",
]

DISTRICT_NAME = "示例区"
DISTRICT_CODE = "110199"  # six-digit area code of the made-up district; compound ids start with it
DEFAULT_AS_OF = date(2026, 10, 31)

# Fixed document timestamp so that the same data gives the same workbook bytes.
_FIXED_CREATED = datetime(2026, 10, 31, 9, 0, 0)

_PROFESSIONAL = "专业物业服务"
_SOE = "国企托管"
_YWH_YEARS = 5
_WGH_YEARS = 3
_CAMPAIGN_START = date(2018, 1, 1)  # Party organisations of the campaign are formed from here
_SERVICE_START = date(2005, 1, 1)  # earliest 物业服务起始日期
_DAY = timedelta(days=1)

# --- name material ----------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_STREET_STEMS = _words("巷口 东园 官园 浦头 龙山 华苑 清源 曙光")
_PLACE_FIRST = _words(
    "金 银 龙 凤 华 兴 安 和 平 新 东 西 南 北 长 永 福 德 清 明 光 阳 青 白 石 桥 湖 河 花 泉 "
    "云 春 文 广 宁 康 乐 嘉 瑞 祥 泰 丰 天 海 万 顺 民 建 昌 荣 胜 育 松 柳 杨 枣 梅 竹 翠 紫"
)
_PLACE_SECOND = _words(
    "园 山 湖 泉 桥 门 庄 坊 营 里 苑 台 塘 湾 岭 屯 口 城 河 林 源 亭 阁 关 寺 村 街 店 堡 井"
)
_ROAD_SUFFIX = _words("路 街 大街 胡同 巷")

_ESTATE_PREFIX = _words(
    "香格里拉 阳光 碧水 翠微 华远 锦绣 紫荆 丽景 御景 泰和 康城 世纪 中央 枫林 星河 水岸 书香 "
    "观澜 颐和 明珠 万象 金色 东方 银河 绿洲 秀水 蓝天 朝阳 盛世 鸿运 玉泉 海棠 百合 金桥 富力 "
    "美域 恒华 润泽 雅颂 清华"
)
_ESTATE_SUFFIX = _words(
    "·观园 花园 家园 嘉园 佳苑 名苑 公寓 华庭 雅居 府 小区 新城 苑 ·悦府 ·和院 国际 城 湾"
)
_OLD_PREFIX = _words(
    "日华 和平 光明 团结 幸福 建设 红旗 胜利 工农 前进 向阳 东风 友谊 劳动 民主 健康 育新 新风 朝晖 振兴"
)
_OLD_SUFFIX = _words("里小区 里 北里 南里 东里 西里 一区 二区 三区 小区")
_RESETTLE_SUFFIX = _words("回迁小区 安置小区 家园 新村 新苑 嘉园")
_AFFORDABLE_SUFFIX = _words("公租房小区 保障房小区 家园 公寓 人才公寓 安居苑")
_WORK_UNITS = _words(
    "电力局 纺织厂 机械厂 铁路 邮电局 水利局 师范学院 第一医院 粮食局 供电公司 建筑公司 化工厂 "
    "地质队 汽车厂 气象局 卫生局 棉纺厂 设计院"
)
_WORK_SUFFIX = _words("宿舍 家属院 职工宿舍 宿舍区")

# Ready-made names per category: one draw picks one.
_ESTATE_NAMES = tuple(a + b for a in _ESTATE_PREFIX for b in _ESTATE_SUFFIX)
_OLD_NAMES = tuple(a + b for a in _OLD_PREFIX for b in _OLD_SUFFIX)
_AFFORDABLE_NAMES = tuple(a + b for a in _ESTATE_PREFIX[:20] for b in _AFFORDABLE_SUFFIX)
_WORK_NAMES = tuple(a + b for a in _WORK_UNITS for b in _WORK_SUFFIX)

_SURNAMES = _words(
    "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 梁 宋 郑 谢 韩 唐 冯 于 董 程"
)
_GIVEN = _words(
    "建国 秀英 桂英 志强 丽 明 伟 芳 军 敏 静 强 磊 洋 艳 勇 杰 娟 涛 超 秀兰 霞 平 刚 桂兰 建华 "
    "国强 玉兰 海燕 红梅 德明 淑华 立新 卫东 春生 永庆 文华 晓东 爱民 丽萍"
)
_PEOPLE = tuple(s + g for s in _SURNAMES for g in _GIVEN)

_COMPANY_FIXED = (("天利仁和物业服务股份有限公司", "天利仁和"), ("嘉德物业有限公司", "嘉德"))
_BRANDS = _words(
    "天利 仁和 恒信 安居 鑫城 京华 宏远 瑞祥 联诚 永安 晟泰 正和 明德 福盛 康泰 诚信 华信 金盾 "
    "佳美 嘉禾 润城 远洋 盛达 祥和 中宏 宝泰 尚居 悦家 益民 鼎盛"
)
_COMPANY_SUFFIX = _words("物业服务有限公司 物业管理有限公司 物业服务股份有限公司 物业有限公司")
_SOE_COMPANIES = (
    ("示例区国有资产经营物业管理有限公司", "区国资"),
    ("示例区城市运营服务集团有限公司", "区城市运营"),
    ("示例区城建物业管理有限公司", "区城建"),
    ("示例区住房保障物业服务有限公司", "区住保"),
    ("京诚国有物业管理有限公司", "京诚"),
    ("首创城市服务（示例区）有限公司", "首创城服"),
)

_NOTE_OUT_OF_SCOPE = ("拆迁腾退中，暂不纳入统计", "已纳入城市更新片区，暂不纳入统计")
_NOTE_INELIGIBLE = ("规模较小，暂不具备组建条件", "产权单位未移交，暂不具备组建条件")
_NOTE_NO_SERVICE = ("正在引入物业服务", "社区已启动物业选聘")
_NOTE_OTHER = ("老旧小区综合整治已完成", "2025年完成物业选聘", "红色物业示范点", "业主议事厅已建成")


def _cumulative(weights: Sequence[float]) -> list[float]:
    """Cut points for `bisect_right(cut, r)` with a uniform `r` in [0, 1): index i is
    returned with probability weights[i] / sum(weights)."""
    total = float(sum(weights))
    acc = 0.0
    out = []
    for w in weights[:-1]:
        acc += w / total
        out.append(acc)
    return out


# 商品房 老旧小区 回迁房 保障性住房 单位产权房 平房院落 其他
_CATEGORIES = tuple(ENUMS["category"])
_CATEGORY_CUT = _cumulative((40, 25, 10, 8, 7, 5, 5))
# 专业物业服务 国企托管 社区托管 准物业 单位自管 居民自治 无物业管理
_MODES = tuple(ENUMS["management_mode"])
_MODE_CUT = _cumulative((55, 10, 10, 8, 5, 4, 8))
_YWH_SIZES = (5, 7, 9, 11)
_YWH_SIZE_CUT = _cumulative((40, 35, 15, 10))
_FORMS = ("单独组建", "功能型党组织", "挂靠组建", "派驻党建指导员")
_FORM_CUT = _cumulative((45, 25, 15, 15))

# Probabilities of the generator.
_P_OUT_OF_SCOPE = 0.03
_P_INELIGIBLE = 0.05
_P_SERVICE_SINCE = 0.60  # of compounds with some service
_P_COMMITTEE = 0.75  # of eligible compounds
_P_WGH = 0.12
_P_EXPIRED = 0.08
_P_PREDECESSOR = 0.04 / 0.75  # so that ~4% of all compounds have a dissolved predecessor
_P_COMMITTEE_ORG = 0.62  # of active committees in scope: ~60% of all committees
_P_HOST_BY_COMPOUND = 0.20
_P_PROJECT_ORG = 0.46  # plus the partners of joint branches: ~50% of service projects
_P_JOINT = 0.12
_P_ORG_DISSOLVED = 0.03


# --- small helpers ----------------------------------------------------------------------


def _add_years(d: date, years: int) -> date:
    """`d` moved by whole years; 29 February becomes 1 March in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, month=3, day=1)


def _term_end(founded: date, years: int) -> date:
    """Last day of a term of `years` years starting on `founded`."""
    return _add_years(founded, years) - _DAY


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split `total` into `parts` positive sizes of roughly equal, varied size."""
    weights = [0.6 + 0.8 * rng.random() for _ in range(parts)]
    wsum = sum(weights)
    spare = total - parts
    sizes = [1 + int(spare * w / wsum) for w in weights]
    rest = total - sum(sizes)
    i = 0
    while rest > 0:
        sizes[i % parts] += 1
        rest -= 1
        i += 1
    return sizes


def _place_names(rng: random.Random) -> Iterator[str]:
    """A long stream of distinct place names: all two-character ones in random order, then
    random three-character ones, then four-character ones in order."""
    two = [a + b for a in _PLACE_FIRST for b in _PLACE_SECOND if a != b]
    rng.shuffle(two)
    yield from two
    random_ = rng.random
    n_first, n_second = len(_PLACE_FIRST), len(_PLACE_SECOND)
    seen: set[str] = set()
    misses = 0
    while misses < 50:  # stop when three-character names become hard to find
        a = _PLACE_FIRST[int(random_() * n_first)]
        b = _PLACE_FIRST[int(random_() * n_first)]
        name = a + b + _PLACE_SECOND[int(random_() * n_second)]
        if a == b or name in seen:
            misses += 1
            continue
        misses = 0
        seen.add(name)
        yield name
    for a in _PLACE_FIRST:
        for b in _PLACE_SECOND:
            for c in _PLACE_FIRST:
                for d in _PLACE_SECOND:
                    yield a + b + c + d


def _companies(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """At least two and about `count` distinct (full name, brand) pairs of property-service
    companies."""
    out = list(_COMPANY_FIXED)
    seen = {name for name, _ in out}
    brands = list(_BRANDS) + [a + b for a in _BRANDS for b in _BRANDS if a != b]
    rng.shuffle(brands)
    for brand in brands:
        if len(out) >= count:
            break
        name = brand + _COMPANY_SUFFIX[int(rng.random() * len(_COMPANY_SUFFIX))]
        if name not in seen:
            seen.add(name)
            out.append((name, brand))
    return out


def _compound_name(
    random_: Callable[[], float], category: str, stem: str, road: str, used: set[str]
) -> str:
    """A compound name fitting `category`, not yet in `used` (one community's names), which
    it is added to."""
    for _ in range(6):
        if category == "商品房":
            name = _ESTATE_NAMES[int(random_() * len(_ESTATE_NAMES))]
        elif category == "老旧小区":
            if random_() < 0.3:
                name = f"{road}{1 + int(random_() * 60)}号院"
            else:
                name = _OLD_NAMES[int(random_() * len(_OLD_NAMES))]
        elif category == "回迁房":
            name = stem + _RESETTLE_SUFFIX[int(random_() * len(_RESETTLE_SUFFIX))]
        elif category == "保障性住房":
            name = _AFFORDABLE_NAMES[int(random_() * len(_AFFORDABLE_NAMES))]
        elif category == "单位产权房":
            name = _WORK_NAMES[int(random_() * len(_WORK_NAMES))]
        elif category == "平房院落":
            name = f"{road}{1 + int(random_() * 80)}号院落"
        else:
            name = f"{road}{1 + int(random_() * 120)}号院"
        if name not in used:
            used.add(name)
            return name
    k = len(used) + 1
    while f"{road}{k}号院" in used:
        k += 1
    name = f"{road}{k}号院"
    used.add(name)
    return name


# --- the generator ----------------------------------------------------------------------


def make_district(
    n_compounds: int,
    seed: int = 0,
    n_streets: int | None = None,
    as_of: date = DEFAULT_AS_OF,
) -> dict[str, list[dict]]:
    """Generate a synthetic district's three rosters.

    Args:
        n_compounds: number of compounds (小区), exactly.
        seed: seed of the one `random.Random` that drives everything.
        n_streets: number of streets (街道); default about one street per 50 compounds.
            Each street has 7 or 8 communities (社区), fewer when it has fewer compounds.
        as_of: the date the rosters describe: no date in them is later, except 任期届满日期.

    Returns:
        ``{"compounds": [...], "committees": [...], "party_orgs": [...]}``, each a list of
        dicts keyed by the field keys of `sanlv.schema` in schema order. Dates are
        `datetime.date` or None, booleans `bool` or None, counts `int`; `host_ref` is a
        string of ids separated by ``、``. Compound ids are digits (area code, street
        number, sequence), committee ids ``YWH000001``…, organisation ids ``DZZ000001``….

    Raises:
        ValueError: when `n_compounds` is negative, `n_streets` is below 1 or above
            `n_compounds`, or `as_of` is no date.
    """
    if isinstance(n_compounds, bool) or not isinstance(n_compounds, int) or n_compounds < 0:
        raise ValueError(f"n_compounds must be a non-negative integer, got {n_compounds!r}")
    if n_streets is None:
        n_streets = max(1, round(n_compounds / 50))
    elif isinstance(n_streets, bool) or not isinstance(n_streets, int) or n_streets < 1:
        raise ValueError(f"n_streets must be a positive integer, got {n_streets!r}")
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise ValueError(f"as_of must be a datetime.date, got {as_of!r}")
    out: dict[str, list[dict]] = {"compounds": [], "committees": [], "party_orgs": []}
    if n_compounds == 0:
        return out
    if n_streets > n_compounds:
        raise ValueError(f"n_streets ({n_streets}) must not exceed n_compounds ({n_compounds})")
    _Builder(random.Random(seed), as_of, out).build(n_compounds, n_streets)
    return out


# One compound while its street is built: its row, its company's brand (or None) and its
# active committee (or None).
_Local = tuple[dict, "str | None", "dict | None"]


class _Builder:
    """The state of one `make_district` run. Dates are handled as ordinals internally."""

    def __init__(self, rng: random.Random, as_of: date, out: dict[str, list[dict]]) -> None:
        self.rng = rng
        self.random = rng.random
        self.as_of = as_of.toordinal()
        self.compounds = out["compounds"]
        self.committees = out["committees"]
        self.orgs = out["party_orgs"]
        self.service_lo = min(_SERVICE_START, _add_years(as_of, -10)).toordinal()
        self.campaign_lo = min(_CAMPAIGN_START, as_of).toordinal()
        # latest founding date of a committee whose term has ended before as_of
        self.latest_expired = {
            KIND_YWH: (_add_years(as_of, -_YWH_YEARS) - _DAY).toordinal(),
            KIND_WGH: (_add_years(as_of, -_WGH_YEARS) - _DAY).toordinal(),
        }
        self.committee_seq = 0
        self.org_seq = 0

    def build(self, n_compounds: int, n_streets: int) -> None:
        rng = self.rng
        street_sizes = _split(rng, n_compounds, n_streets)
        street_width = max(3, len(str(n_streets)))
        seq_width = max(3, len(str(max(street_sizes))))

        stems = _place_names(rng)
        streets = list(_STREET_STEMS[:n_streets])
        taken = set(streets)
        while len(streets) < n_streets:
            stem = next(stems)
            if stem not in taken:
                taken.add(stem)
                streets.append(stem)

        companies = _companies(rng, max(12, n_compounds // 40))
        community_stems = _place_names(random.Random(rng.random()))
        used: set[str] = set()
        for s, (stem, size) in enumerate(zip(streets, street_sizes, strict=True), start=1):
            n_comm = min(7 + int(rng.random() * 2), size)
            communities = []
            if stem not in used:  # a street often has a community of its own name
                used.add(stem)
                communities.append(stem)
            while len(communities) < n_comm:
                name = next(community_stems)
                if name not in used:
                    used.add(name)
                    communities.append(name)
            street_companies = rng.sample(companies, min(len(companies), rng.randint(3, 6)))
            street_soes = rng.sample(_SOE_COMPANIES, rng.randint(1, 2))
            self._street(
                stem + "街道",
                communities,
                _split(rng, size, n_comm),
                DISTRICT_CODE + str(s).zfill(street_width),
                seq_width,
                street_companies,
                street_soes,
            )

    def _street(
        self,
        street: str,
        communities: list[str],
        sizes: list[int],
        prefix: str,
        seq_width: int,
        companies: list[tuple[str, str]],
        soes: list[tuple[str, str]],
    ) -> None:
        random_ = self.random
        as_of = self.as_of
        service_lo = self.service_lo
        service_span = as_of - service_lo + 1
        fromordinal = date.fromordinal
        append = self.compounds.append
        committee_for = self._committees
        categories, category_cut = _CATEGORIES, _CATEGORY_CUT
        modes, mode_cut = _MODES, _MODE_CUT
        n_companies = len(companies)
        n_soes = len(soes)
        local: list[_Local] = []
        seq = 0
        for stem, size in zip(communities, sizes, strict=True):
            community = stem + "社区"
            used_names: set[str] = set()
            roads = [stem + suffix for suffix in _ROAD_SUFFIX]
            for _ in range(size):
                seq += 1
                category = categories[bisect_right(category_cut, random_())]
                mode = modes[bisect_right(mode_cut, random_())]
                r = random_()
                if r < 0.15:
                    households = 20 + int(random_() * 81)
                elif r < 0.65:
                    households = 101 + int(random_() * 700)
                else:
                    households = 801 + int(random_() * 2200)
                company = brand = None
                if mode == _PROFESSIONAL:
                    # the first companies of a street serve more of its compounds
                    company, brand = companies[int(random_() ** 1.6 * n_companies)]
                elif mode == _SOE:
                    company, brand = soes[int(random_() * n_soes)]
                since = None
                if mode != MODE_NONE and random_() < _P_SERVICE_SINCE:
                    since = fromordinal(service_lo + int(random_() * service_span))
                in_scope = random_() >= _P_OUT_OF_SCOPE
                eligible = random_() >= _P_INELIGIBLE
                note = None
                if not in_scope:
                    note = _NOTE_OUT_OF_SCOPE[int(random_() * 2)]
                elif not eligible:
                    note = _NOTE_INELIGIBLE[int(random_() * 2)]
                elif mode == MODE_NONE:
                    if random_() < 0.3:
                        note = _NOTE_NO_SERVICE[int(random_() * 2)]
                elif random_() < 0.04:
                    note = _NOTE_OTHER[int(random_() * 4)]
                cid = prefix + str(seq).zfill(seq_width)
                row = {
                    "compound_id": cid,
                    "name": _compound_name(
                        random_, category, stem, roads[int(random_() * 5)], used_names
                    ),
                    "district": DISTRICT_NAME,
                    "street": street,
                    "community": community,
                    "category": category,
                    "households": households,
                    "management_mode": mode,
                    "service_company": company,
                    "service_company_code": None,
                    "service_since": since,
                    "in_scope": in_scope,
                    "committee_eligible": eligible,
                    "note": note,
                }
                append(row)
                committee = None
                if eligible and random_() < _P_COMMITTEE:
                    committee = committee_for(cid, households)
                local.append((row, brand, committee))
        self._party_orgs(street, local)

    # committees -------------------------------------------------------------------------

    def _committee_row(
        self, cid: str, kind: str, founded: int, households: int, dissolved: int | None
    ) -> dict:
        random_ = self.random
        if kind == KIND_WGH:
            years = _WGH_YEARS
            members = 7 if random_() < 0.7 else 9
        else:
            years = _YWH_YEARS
            if households <= 100 and random_() < 0.5:
                members = 3
            else:
                members = _YWH_SIZES[bisect_right(_YWH_SIZE_CUT, random_())]
        half = (members + 1) // 2
        if random_() < 0.85:  # mostly at least half of the members are Party members
            party = half + int(random_() * (members - half + 1))
        else:
            party = int(random_() * half)
        last_day = self.as_of if dissolved is None else dissolved
        filed = founded + 14 + int(random_() * 47)
        if random_() < 0.05:
            chair_party = None
        else:
            chair_party = party > 0 and random_() < 0.75
        cross = None if random_() < 0.1 else int(random_() * (min(members, 4) + 1))
        self.committee_seq += 1
        founded_date = date.fromordinal(founded)
        return {
            "committee_id": f"YWH{self.committee_seq:06d}",
            "compound_id": cid,
            "kind": kind,
            "founded": founded_date,
            "term_end": _term_end(founded_date, years),
            "dissolved": None if dissolved is None else date.fromordinal(dissolved),
            "members": members,
            "party_members": party,
            "cross_appointed": cross,
            "chair": _PEOPLE[int(random_() * len(_PEOPLE))],
            "chair_is_party_member": chair_party,
            "filed": None if filed > last_day or random_() < 0.08 else date.fromordinal(filed),
        }

    def _committees(self, cid: str, households: int) -> dict:
        """Append a compound's committees (perhaps a dissolved predecessor, then the active
        one) and return the active one."""
        random_ = self.random
        kind = KIND_WGH if random_() < _P_WGH else KIND_YWH
        latest_expired = self.latest_expired[kind]
        if random_() < _P_EXPIRED:  # 届满未换届: the term ended before as_of
            founded = latest_expired - int(random_() * 1096)
        else:
            lo = latest_expired + 2
            founded = lo + int(random_() * (self.as_of - lo + 1))
        if random_() < _P_PREDECESSOR:
            old_kind = KIND_WGH if kind == KIND_YWH and random_() < 0.5 else KIND_YWH
            dissolved = founded - int(random_() * 120)
            old_founded = dissolved - 180 - int(random_() * 1500)
            self.committees.append(
                self._committee_row(cid, old_kind, old_founded, households, dissolved)
            )
        row = self._committee_row(cid, kind, founded, households, None)
        self.committees.append(row)
        return row

    # Party organisations ----------------------------------------------------------------

    def _org_row(
        self, name: str, host_kind: str, host_ref: str, form: str, founded: int, members: int | None
    ) -> dict:
        random_ = self.random
        dissolved = None
        days = self.as_of - founded
        if random_() < _P_ORG_DISSOLVED and days > 60:
            dissolved = date.fromordinal(founded + 30 + int(random_() * (days - 29)))
        self.org_seq += 1
        return {
            "org_id": f"DZZ{self.org_seq:06d}",
            "name": name,
            "host_kind": host_kind,
            "host_ref": host_ref,
            "form": form,
            "founded": date.fromordinal(founded),
            "dissolved": dissolved,
            "party_members": members,
            "secretary": _PEOPLE[int(random_() * len(_PEOPLE))],
        }

    def _committee_org(self, compound: dict, committee: dict) -> dict:
        random_ = self.random
        kind = committee["kind"]
        short = "业委会" if kind == KIND_YWH else "物管会"
        cname = compound["name"]
        form = _FORMS[bisect_right(_FORM_CUT, random_())]
        start = committee["founded"].toordinal()
        span = min(self.as_of, start + 730) - start + 1
        founded = start + int(random_() ** 2 * span)  # mostly soon after the committee
        if form == "单独组建":
            name = f"{cname}{kind}党支部"
            members = 3 + int(random_() ** 2 * 10)
        elif form == "功能型党组织":
            name = f"{cname}{short}功能型党支部"
            members = 3 + int(random_() ** 2 * 10)
        elif form == "挂靠组建":
            name = f"{compound['community']}党委{cname}{short}党小组"
            members = 3 + int(random_() ** 2 * 10)
        else:
            name = f"{cname}{short}党建指导员"
            members = None
        if random_() < _P_HOST_BY_COMPOUND:
            host_ref = compound["compound_id"]
        else:
            host_ref = committee["committee_id"]
        return self._org_row(name, kind, host_ref, form, founded, members)

    def _project_org(self, street: str, brand: str, projects: list[dict]) -> dict:
        """A Party organisation of a service company covering `projects` (compound rows)."""
        random_ = self.random
        start = self.campaign_lo
        for p in projects:
            since = p["service_since"]
            if since is not None:
                start = max(start, since.toordinal())
        founded = start + int(random_() ** 1.5 * (self.as_of - start + 1))
        ids = "、".join(p["compound_id"] for p in projects)
        if len(projects) > 1:
            name = f"{brand}物业{street}{projects[0]['community']}片区联合党支部"
            members = 8 + int(random_() * 23)
            return self._org_row(name, HOST_COMPANY, ids, "联合组建", founded, members)
        form = _FORMS[bisect_right(_FORM_CUT, random_())]
        project = f"{brand}物业{projects[0]['name']}项目"
        members = 3 + int(random_() ** 2 * 20)
        if form == "单独组建":
            name = f"{project}党支部"
        elif form == "功能型党组织":
            name = f"{project}功能型党支部"
        elif form == "挂靠组建":
            name = f"{project}党小组"
        else:
            name = f"{project}党建指导员"
            members = None
        return self._org_row(name, HOST_COMPANY, ids, form, founded, members)

    def _party_orgs(self, street: str, local: list[_Local]) -> None:
        random_ = self.random
        # Plan the service-project organisations first: per company, some projects get
        # their own organisation and some a joint branch with 1-3 other projects of the
        # same company in this street.
        by_company: dict[str, list[int]] = {}
        for i, (row, brand, _) in enumerate(local):
            if brand is not None and row["in_scope"]:
                by_company.setdefault(row["service_company"], []).append(i)
        lead: dict[int, list[int]] = {}
        for indices in by_company.values():
            k = 0
            while k < len(indices):
                i = indices[k]
                k += 1
                if random_() >= _P_PROJECT_ORG:
                    continue
                group = [i]
                if k < len(indices) and random_() < _P_JOINT:
                    extra = min(len(indices) - k, 1 + int(random_() * 3))
                    group.extend(indices[k : k + extra])
                    k += extra
                lead[i] = group
        append = self.orgs.append
        for i, (row, brand, committee) in enumerate(local):
            if committee is not None and row["in_scope"] and random_() < _P_COMMITTEE_ORG:
                append(self._committee_org(row, committee))
            group = lead.get(i)
            if group is not None and brand is not None:
                append(self._project_org(street, brand, [local[j][0] for j in group]))


# --- writers ----------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


CITY_DISTRICTS = (
    "东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区",
    "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区",
)  # fmt: skip


def make_city(n_compounds: int, n_districts: int = 10, seed: int = 0) -> dict[str, list[dict]]:
    """A city of `n_districts` synthetic districts (names from CITY_DISTRICTS), about
    `n_compounds` compounds in all: each district is a `make_district` of its own seed with
    its name in 区 and its ids prefixed by its number, so that ids are unique in the city
    while street names repeat from district to district (as they do)."""
    if not 1 <= n_districts <= len(CITY_DISTRICTS):
        raise ValueError(f"n_districts must be 1..{len(CITY_DISTRICTS)}, got {n_districts!r}")
    city: dict[str, list[dict]] = {"compounds": [], "committees": [], "party_orgs": []}
    per = n_compounds // n_districts
    for k in range(n_districts):
        part = make_district(per + (1 if k < n_compounds % n_districts else 0), seed=seed + k)
        tag = f"Q{k + 1:02d}"
        for row in part["compounds"]:
            city["compounds"].append(
                {**row, "compound_id": tag + row["compound_id"], "district": CITY_DISTRICTS[k]}
            )
        for row in part["committees"]:
            city["committees"].append(
                {
                    **row,
                    "committee_id": tag + row["committee_id"],
                    "compound_id": tag + row["compound_id"],
                }
            )
        for row in part["party_orgs"]:
            refs = "、".join(tag + r for r in str(row["host_ref"] or "").split("、") if r)
            city["party_orgs"].append({**row, "org_id": tag + row["org_id"], "host_ref": refs})
    return city


def _check_district(district: dict) -> None:
    for r in ROSTERS:
        rows = district.get(r.key)
        if not isinstance(rows, list):
            raise ValueError(f"district has no list of {r.key!r} rows")


def _set_properties(workbook, title: str) -> None:
    workbook.set_properties(
        {"title": title, "author": "sanlv", "comments": "sanlv.synth", "created": _FIXED_CREATED}
    )


def write_workbook(
    district: dict[str, list[dict]], path: str | os.PathLike, *, constant_memory: bool = True
) -> None:
    """Write the three rosters as one standard workbook.

    Sheets 小区, 业委会 and 党组织, each with the canonical headers of `sanlv.schema` (in
    schema order) in row 1 and data from row 2: dates as real Excel dates formatted
    ``yyyy-mm-dd``, booleans as 是/否, counts as numbers, ids and other text as strings.
    With `constant_memory` (the default) rows are streamed to disk, so a district of 100k
    compounds writes quickly in little memory. The document timestamp is fixed, so the
    same district gives the same bytes.
    """
    import xlsxwriter

    _check_district(district)
    workbook = xlsxwriter.Workbook(os.fspath(path), {"constant_memory": bool(constant_memory)})
    try:
        _set_properties(workbook, f"{DISTRICT_NAME}物业管理三率台账")
        header_fmt = workbook.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
            }
        )
        date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for roster in ROSTERS:
            _write_roster(workbook, roster, district[roster.key], header_fmt, date_fmt)
    finally:
        workbook.close()


def _write_roster(workbook, roster: Roster, rows: list[dict], header_fmt, date_fmt) -> None:
    ws = workbook.add_worksheet(roster.label)
    keys = roster.keys
    for c, f in enumerate(roster.fields):
        ws.set_column(c, c, f.width)
        ws.write_string(0, c, f.label, header_fmt)
    ws.freeze_panes(1, 0)
    ws.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    write_string = ws.write_string
    write_number = ws.write_number
    epoch = _EXCEL_EPOCH
    for r, row in enumerate(rows, start=1):
        for c, key in enumerate(keys):
            v = row.get(key)
            if v is None:
                continue
            t = type(v)
            if t is str:
                if v:
                    write_string(r, c, v)
            elif t is bool:
                write_string(r, c, "是" if v else "否")
            elif t is int or t is float:
                write_number(r, c, v)
            elif t is date:
                write_number(r, c, v.toordinal() - epoch, date_fmt)
            elif isinstance(v, datetime):
                ws.write_datetime(r, c, v, date_fmt)
            else:
                write_string(r, c, str(v))


# The street ledger's columns: (upper group label or None, header label, field key).
_LEDGER_COLUMNS: dict[str, tuple[str, str, tuple[tuple[str | None, str, str], ...]]] = {
    "compounds": (
        "小区基本情况",
        "小区基本情况台账",
        (
            (None, "小区编号", "compound_id"),
            (None, "小区名称", "name"),
            ("所属区域", "区", "district"),
            ("所属区域", "街道", "street"),
            ("所属区域", "社区", "community"),
            (None, "房屋类型", "category"),
            (None, "户数", "households"),
            ("物业服务情况", "管理方式", "management_mode"),
            ("物业服务情况", "物业服务企业", "service_company"),
            ("物业服务情况", "进驻日期", "service_since"),
            (None, "是否纳入统计", "in_scope"),
            (None, "具备组建条件", "committee_eligible"),
            (None, "备注", "note"),
        ),
    ),
    "committees": (
        "业委会（物管会）组建情况",
        "业委会（物管会）组建情况台账",
        (
            (None, "委员会编号", "committee_id"),
            (None, "所属小区编号", "compound_id"),
            (None, "组织类型", "kind"),
            ("任期情况", "成立日期", "founded"),
            ("任期情况", "届满日期", "term_end"),
            ("任期情况", "撤销日期", "dissolved"),
            ("委员构成", "委员人数", "members"),
            ("委员构成", "其中党员", "party_members"),
            ("委员构成", "交叉任职人数", "cross_appointed"),
            ("主任情况", "主任姓名", "chair"),
            ("主任情况", "主任是否党员", "chair_is_party_member"),
            (None, "备案日期", "filed"),
        ),
    ),
    "party_orgs": (
        "党组织建设情况",
        "党组织建设情况台账",
        (
            (None, "党组织编号", "org_id"),
            (None, "党组织名称", "name"),
            ("依托单位情况", "依托类型", "host_kind"),
            ("依托单位情况", "依托对象编号", "host_ref"),
            (None, "组建方式", "form"),
            (None, "成立时间", "founded"),
            (None, "撤销日期", "dissolved"),
            (None, "党员人数", "party_members"),
            (None, "书记", "secretary"),
        ),
    ),
}

# Sums in the 合计 row, per roster.
_LEDGER_SUMS = {
    "compounds": ("households",),
    "committees": ("members", "party_members"),
    "party_orgs": ("party_members",),
}

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def write_street_ledger(
    district: dict[str, list[dict]],
    street: str,
    path: str | os.PathLike,
    *,
    as_of: date = DEFAULT_AS_OF,
) -> None:
    """Write one street's rosters the way street offices' ledgers look.

    Three sheets (小区基本情况, 业委会（物管会）组建情况, 党组织建设情况) plus a hidden sheet of
    drop-down values. On each roster sheet: a title row merged across the table, a
    填报单位/填报日期 line (the date is `as_of`), a two-row header whose upper row groups
    columns with merged cells, a leading 序号 column, header aliases (户数, 管理方式,
    所属小区编号 …), dates typed as text in mixed forms (2021年5月1日, 2021.5.1, 2021/05/01,
    20210501) or as Excel dates, some counts typed as text (``1,234户``, full-width digits),
    one compound id stored as a number, a blank row in the middle, a 合计 row and footer
    lines. Every value still means the same as in `district`.

    Raises:
        ValueError: when `street` has no compounds in `district`.
    """
    import xlsxwriter

    _check_district(district)
    compounds = [row for row in district["compounds"] if row.get("street") == street]
    if not compounds:
        raise ValueError(f"no compounds in street {street!r}")
    compound_ids = {row["compound_id"] for row in compounds}
    committees = [row for row in district["committees"] if row.get("compound_id") in compound_ids]
    host_ids = compound_ids | {row["committee_id"] for row in committees}
    orgs = [
        row
        for row in district["party_orgs"]
        if any(part in host_ids for part in str(row.get("host_ref") or "").split("、"))
    ]
    district_name = next((r["district"] for r in compounds if r.get("district")), DISTRICT_NAME)
    rng = random.Random(zlib.crc32(street.encode("utf-8")))

    workbook = xlsxwriter.Workbook(os.fspath(path))
    try:
        _set_properties(workbook, f"{district_name}{street}物业管理台账")
        fmts = {
            "title": workbook.add_format(
                {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
            ),
            "info": workbook.add_format({"align": "left", "valign": "vcenter"}),
            "header": workbook.add_format(
                {
                    "bold": True,
                    "border": 1,
                    "align": "center",
                    "valign": "vcenter",
                    "text_wrap": True,
                    "bg_color": "#F2F2F2",
                }
            ),
            "cell": workbook.add_format({"border": 1, "valign": "vcenter"}),
            "date": workbook.add_format({"border": 1, "num_format": "yyyy/m/d"}),
            "id_number": workbook.add_format({"border": 1, "num_format": "0"}),
            "total": workbook.add_format({"border": 1, "bold": True}),
            "footer": workbook.add_format({"align": "left", "valign": "top", "text_wrap": True}),
        }
        for key, rows in (
            ("compounds", compounds),
            ("committees", committees),
            ("party_orgs", orgs),
        ):
            _write_ledger_sheet(workbook, key, rows, street, district_name, as_of, fmts, rng)
        _write_value_lists(workbook)
    finally:
        workbook.close()


def _write_ledger_sheet(
    workbook,
    key: str,
    rows: list[dict],
    street: str,
    district_name: str,
    as_of: date,
    fmts: dict,
    rng: random.Random,
) -> None:
    sheet_name, title, columns = _LEDGER_COLUMNS[key]
    roster = ROSTER_BY_KEY[key]
    types = {f.key: f.type for f in roster.fields}
    widths = {f.key: f.width for f in roster.fields}
    ws = workbook.add_worksheet(sheet_name)
    ncols = len(columns) + 1
    last = ncols - 1

    ws.set_column(0, 0, 6)
    for c, (_, _, field) in enumerate(columns, start=1):
        ws.set_column(c, c, widths[field] + 2)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, last, f"{district_name}{street}{title}", fmts["title"])
    ws.merge_range(
        1, 0, 1, last, f"填报单位：{street}办事处    填报日期：{_cn_date(as_of)}", fmts["info"]
    )

    # two-row header: ungrouped columns merged vertically, groups merged horizontally
    top, sub = 2, 3
    ws.merge_range(top, 0, sub, 0, "序号", fmts["header"])
    c = 1
    while c <= len(columns):
        group, label, _ = columns[c - 1]
        if group is None:
            ws.merge_range(top, c, sub, c, label, fmts["header"])
            c += 1
            continue
        end = c
        while end < len(columns) and columns[end][0] == group:
            end += 1
        if end > c:
            ws.merge_range(top, c, top, end, group, fmts["header"])
        else:
            ws.write_string(top, c, group, fmts["header"])
        for k in range(c, end + 1):
            ws.write_string(sub, k, columns[k - 1][1], fmts["header"])
        c = end + 1
    ws.freeze_panes(sub + 1, 1)

    sums = dict.fromkeys(_LEDGER_SUMS[key], 0)
    blank_after = len(rows) // 2 if len(rows) >= 2 else -1
    r = sub + 1
    date_style = 0
    for n, row in enumerate(rows, start=1):
        ws.write_number(r, 0, n, fmts["cell"])
        for c, (_, _, field) in enumerate(columns, start=1):
            value = row.get(field)
            ftype = types[field]
            if field in sums and isinstance(value, int):
                sums[field] += value
            if value is None or value == "":
                ws.write_blank(r, c, None, fmts["cell"])
            elif ftype == "date":
                _write_ledger_date(ws, r, c, value, date_style, fmts)
                date_style += 1
            elif ftype == "int":
                _write_ledger_int(ws, r, c, value, n, field, fmts)
            elif ftype == "bool":
                ws.write_string(r, c, "是" if value else "否", fmts["cell"])
            elif key == "compounds" and field == "compound_id" and n == 1 and _numeric_id(value):
                ws.write_number(r, c, int(value), fmts["id_number"])
            elif key == "compounds" and field == "street" and n == 2:
                ws.write_string(r, c, f" {value} ", fmts["cell"])  # a stray space
            else:
                ws.write_string(r, c, str(value), fmts["cell"])
        r += 1
        if n == blank_after:
            r += 1  # one blank row in the middle of the data
    ws.write_string(r, 0, "合计", fmts["total"])
    for c, (_, _, field) in enumerate(columns, start=1):
        if field in sums:
            ws.write_number(r, c, sums[field], fmts["total"])
        else:
            ws.write_blank(r, c, None, fmts["total"])
    r += 2
    phone = f"010-{rng.randint(6000, 8999)}{rng.randint(0, 9999):04d}"
    ws.merge_range(
        r,
        0,
        r,
        last,
        f"填表人：{rng.choice(_PEOPLE)}    审核人：{rng.choice(_PEOPLE)}    联系电话：{phone}",
        fmts["info"],
    )
    r += 1
    ws.set_row(r, 45)
    ws.merge_range(
        r,
        0,
        r,
        last,
        f"填表说明：1. 本表统计截至{_cn_date(as_of)}；2. 日期按“年月日”填写；"
        "3. 编号须与区级台账一致，以0开头的编号请按文本填写；4. 合计行不计入统计。",
        fmts["footer"],
    )
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top, sub)


def _numeric_id(value: object) -> bool:
    s = str(value)
    return s.isascii() and s.isdigit() and not s.startswith("0") and len(s) <= 15


def _write_ledger_date(ws, r: int, c: int, d: date, style: int, fmts: dict) -> None:
    kind = style % 5
    if kind == 0:
        text = _cn_date(d)
    elif kind == 1:
        text = f"{d.year}.{d.month}.{d.day}"
    elif kind == 2:
        text = f"{d.year}/{d.month:02d}/{d.day:02d}"
    elif kind == 3:
        text = f"{d.year}{d.month:02d}{d.day:02d}"
    else:
        ws.write_number(r, c, d.toordinal() - _EXCEL_EPOCH, fmts["date"])
        return
    ws.write_string(r, c, text, fmts["cell"])


def _write_ledger_int(ws, r: int, c: int, value: int, n: int, field: str, fmts: dict) -> None:
    if field == "households" and n % 3 == 1:
        ws.write_string(r, c, f"{value:,}户", fmts["cell"])
    elif field == "households" and n % 11 == 5:
        ws.write_string(r, c, str(value).translate(_FULLWIDTH), fmts["cell"])
    elif field == "members" and n % 4 == 2:
        ws.write_string(r, c, f"{value}人", fmts["cell"])
    else:
        ws.write_number(r, c, value, fmts["cell"])


def _write_value_lists(workbook) -> None:
    """A hidden sheet with the drop-down values, as real ledgers have."""
    ws = workbook.add_worksheet("下拉选项")
    lists = (
        ("小区类型", ENUMS["category"]),
        ("物业管理方式", ENUMS["management_mode"]),
        ("委员会类型", ENUMS["committee_kind"]),
        ("依托类型", ENUMS["host_kind"]),
        ("组织形式", ENUMS["org_form"]),
        ("是否", ("是", "否")),
    )
    for c, (label, values) in enumerate(lists):
        ws.write_string(0, c, label)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, c, v)
    ws.hide()


# --- messy street files: every layout of SPEC section 2 ------------------------------------

FIELD_FINDINGS = (
    "name-subtotals",
    "merged-optional",
    "repeated-title",
    "repeated-header",
    "subtotal-names",
)
"""The layouts "found in the field since" (SPEC section 2) that `write_messy_district` adds
on top of the classic messy layouts:

- ``name-subtotals``: per-community 小计 rows labelled in the name column (“纺织社区小计”),
  with sums, and the 合计 row labelled there too (“巷口街道合计”);
- ``merged-optional``: runs of equal 纳入统计/具备组建条件/小区类型/物业服务企业 merged
  vertically over data rows (纳入统计=否 over three rows in every street);
- ``repeated-title``: the sheet's title line again before a second block of compounds;
- ``repeated-header``: the title line and the (two-row) header again before that block;
- ``subtotal-names``: one compound per street whose name begins with 小计 or 总计 (data,
  with a valid id)."""


@dataclass(frozen=True)
class Layout:
    """How one messy street file is laid out (SPEC section 2, "What real ledgers look like").

    The defaults are the classic messy street file; the field findings are off. A CSV has
    no merged cells and no sheets: `merged_required`, `merged_optional` and `hidden_sheets`
    do not apply to it (every row carries its own values there).
    """

    title_rows: int = 1  # 0, 1 (the title, merged across the table) or 2 (附件2, then the title)
    info_line: int = 1  # 0 none; 1 填报单位/填报日期 in one merged cell; 2 in two cells
    two_row_header: bool = True  # upper row groups columns with merged cells
    serial: bool = True  # a leading 序号 column
    blank_rows: int = 2  # blank rows among the data rows
    subtotals: str = "none"  # per-community 小计 rows: "none", "serial" (小计 in column A),
    # or "name" (“纺织社区小计” in the name column; the 合计 row is then labelled there too)
    grand_total: bool = True  # a 合计 row with sums under each roster
    repeated_title: bool = False  # the title line again before a second block of compounds
    repeated_header: bool = False  # the header rows again before that second block
    merged_required: bool = False  # 街道 and 社区 merged vertically over their data rows
    merged_optional: bool = False  # runs of equal 纳入统计/具备组建条件/小区类型/物业服务企业
    footer: bool = True  # 填表人/审核人/联系电话 and 填表说明 lines
    text_numbers: bool = True  # "1,234户", "1,234", full-width digits, "7人"
    text_dates: bool = True  # 2021年5月1日, 2021.5.1, 2021/05/01, 20210501 and Excel dates
    float_ids: bool = True  # numeric ids stored as numbers (read back as 1001.0)
    stray_spaces: bool = True  # spaces and full-width spaces around some values
    hidden_sheets: bool = True  # a hidden drop-down sheet and a hidden stale roster copy

    def __post_init__(self) -> None:
        if self.subtotals not in ("none", "serial", "name"):
            raise ValueError(f"subtotals must be none, serial or name, got {self.subtotals!r}")
        if self.title_rows not in (0, 1, 2) or self.info_line not in (0, 1, 2):
            raise ValueError("title_rows and info_line must be 0, 1 or 2")
        if self.repeated_title and self.title_rows == 0:
            raise ValueError("repeated_title needs a title row")
        if self.blank_rows < 0:
            raise ValueError("blank_rows must not be negative")


class _XlDate:
    """A date cell stored as an Excel date (ISO text in a CSV)."""

    __slots__ = ("d",)

    def __init__(self, d: date) -> None:
        self.d = d


class _XlId:
    """A numeric id stored as a number (Excel shows it in full; a CSV export says 1001.0)."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n


_Cell = tuple[object, str]  # (value, style); value None for a blank (bordered) cell


class _SheetModel:
    """One sheet as rows of (value, style) cells and merged ranges, before it is written to
    a workbook or a CSV."""

    def __init__(self, name: str, widths: list[int]) -> None:
        self.name = name
        self.widths = widths
        self.rows: list[list[_Cell]] = []
        self.merges: list[tuple[int, int, int, int]] = []  # r1, c1, r2, c2 (0-based)
        self.heights: dict[int, int] = {}
        self.hidden = False
        self.print_rows: tuple[int, int] | None = None
        self.freeze: tuple[int, int] | None = None

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def add(self, cells: list[_Cell]) -> int:
        self.rows.append(cells + [(None, "")] * (self.ncols - len(cells)))
        return len(self.rows) - 1

    def line(self, text: str, style: str, height: int | None = None) -> int:
        """A text line merged across the table."""
        r = self.add([(text, style)] + [(None, style)] * (self.ncols - 1))
        self.merges.append((r, 0, r, self.ncols - 1))
        if height:
            self.heights[r] = height
        return r


def _ledger_numeric(value: object) -> bool:
    return value is not None and _numeric_id(value)


def _text_int(value: int, field: str, n: int) -> object:
    """A count as a street office types it: sometimes text with a unit, a thousands
    separator or full-width digits."""
    if field == "households":
        if n % 3 == 1:
            return f"{value:,}户"
        if n % 11 == 5:
            return str(value).translate(_FULLWIDTH)
        if n % 7 == 3:
            return f"{value:,}"
        if n % 13 == 6:
            return f"{value}户"
    elif field == "members" and n % 4 == 2:
        return f"{value}人"
    elif field == "party_members" and n % 5 == 3:
        return str(value).translate(_FULLWIDTH)
    elif field == "party_members" and n % 7 == 1:
        return f"{value}人"
    return value


def _text_date(d: date, k: int) -> object:
    kind = k % 5
    if kind == 0:
        return _cn_date(d)
    if kind == 1:
        return f"{d.year}.{d.month}.{d.day}"
    if kind == 2:
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if kind == 3:
        return f"{d.year}{d.month:02d}{d.day:02d}"
    return _XlDate(d)


class _MessyWriter:
    """Builds the sheet models of one street in one layout."""

    def __init__(
        self, layout: Layout, street: str, district_name: str, as_of: date, seed: int
    ) -> None:
        self.layout = layout
        self.street = street
        self.district_name = district_name
        self.as_of = as_of
        self.rng = random.Random(f"{seed}:{street}")
        self.date_k = 0

    # one data cell -------------------------------------------------------------------

    def cell(self, key: str, field: str, ftype: str, value: object, n: int) -> _Cell:
        lay = self.layout
        if value is None or value == "":
            return (None, "cell")
        if ftype == "date":
            self.date_k += 1
            if not lay.text_dates:
                return (_XlDate(value), "date")  # type: ignore[arg-type]
            v = _text_date(value, self.date_k)  # type: ignore[arg-type]
            return (v, "date" if isinstance(v, _XlDate) else "cell")
        if ftype == "int":
            return (_text_int(value, field, n) if lay.text_numbers else value, "cell")  # type: ignore[arg-type]
        if ftype == "bool":
            return ("是" if value else "否", "cell")
        if lay.float_ids and _ledger_numeric(value):
            if (
                (key == "compounds" and field == "compound_id" and n % 6 == 1)
                or (key == "committees" and field == "compound_id" and n % 5 == 2)
                or (key == "party_orgs" and field == "host_ref" and n % 4 == 0)
            ):
                return (_XlId(int(str(value))), "id_number")
        if lay.stray_spaces and key == "compounds":
            if field == "street" and n % 9 == 2:
                return (f" {value} ", "cell")
            if field == "community" and n % 10 == 4:
                return (f"{value}\u3000", "cell")  # a full-width space
            if field == "name" and n % 12 == 7:
                return (f" {value}", "cell")
        return (str(value), "cell")

    # one roster sheet ------------------------------------------------------------------

    def sheet(self, key: str, rows: list[dict]) -> _SheetModel:
        lay = self.layout
        sheet_name, title, columns = _LEDGER_COLUMNS[key]
        roster = ROSTER_BY_KEY[key]
        types = {f.key: f.type for f in roster.fields}
        fwidths = {f.key: f.width for f in roster.fields}
        off = 1 if lay.serial else 0
        widths = ([6] if lay.serial else []) + [fwidths[f] + 2 for _, _, f in columns]
        model = _SheetModel(sheet_name, widths)
        last = model.ncols - 1
        col_of = {f: off + i for i, (_, _, f) in enumerate(columns)}
        name_col = col_of.get("name", off)
        full_title = f"{self.district_name}{self.street}{title}"

        def title_block() -> None:
            if lay.title_rows == 2:
                model.add([("附件2", "info")])
            if lay.title_rows:
                model.line(full_title, "title", 30)

        def header_block() -> int:
            if not lay.two_row_header:
                r = model.add(
                    ([("序号", "header")] if lay.serial else [])
                    + [(label, "header") for _, label, _ in columns]
                )
                return r
            top = model.add([(None, "header")] * model.ncols)
            sub = model.add([(None, "header")] * model.ncols)
            if lay.serial:
                model.rows[top][0] = ("序号", "header")
                model.merges.append((top, 0, sub, 0))
            i = 0
            while i < len(columns):
                group, label, _ = columns[i]
                c = off + i
                if group is None:
                    model.rows[top][c] = (label, "header")
                    model.merges.append((top, c, sub, c))
                    i += 1
                    continue
                end = i
                while end + 1 < len(columns) and columns[end + 1][0] == group:
                    end += 1
                model.rows[top][c] = (group, "header")
                if end > i:
                    model.merges.append((top, c, top, off + end))
                for k in range(i, end + 1):
                    model.rows[sub][off + k] = (columns[k][1], "header")
                i = end + 1
            return sub

        title_block()
        if lay.info_line == 1:
            model.line(
                f"填报单位：{self.street}办事处（盖章）    填报日期：{_cn_date(self.as_of)}", "info"
            )
        elif lay.info_line == 2:
            cells: list[_Cell] = [(None, "")] * model.ncols
            cells[0] = (f"填报单位：{self.street}办事处", "info")
            cells[max(1, last - 2)] = (f"填报日期：{self.as_of:%Y年%m月%d日}", "info")
            model.add(cells)
        header_top = len(model.rows)
        header_last = header_block()
        model.freeze = (header_last + 1, off)
        model.print_rows = (header_top, header_last)

        sums = dict.fromkeys(_LEDGER_SUMS[key], 0)
        total_sums = dict(sums)
        # data rows grouped into blocks (per community for compounds)
        groups: list[list[dict]] = []
        if key == "compounds":
            order: dict[str, list[dict]] = {}
            for row in rows:
                order.setdefault(row["community"], []).append(row)
            groups = list(order.values())
        else:
            groups = [rows]
        n_rows = len(rows)
        targets = [n_rows * (k + 1) // (lay.blank_rows + 1) for k in range(lay.blank_rows)]
        if key == "compounds":
            # blank rows fall between communities, so that no merged run is cut
            ends, acc = [], 0
            for g in groups[:-1]:
                acc += len(g)
                ends.append(acc)
            blanks = {min(ends, key=lambda e, t=t: abs(e - t)) for t in targets} if ends else set()
        else:
            blanks = set(targets)
        blanks.discard(0)
        second_block = -1
        if (lay.repeated_title or lay.repeated_header) and len(groups) > 1 and key == "compounds":
            acc = 0
            for gi, g in enumerate(groups):
                if acc >= n_rows // 2:
                    second_block = gi
                    break
                acc += len(g)
            if second_block < 1:
                second_block = len(groups) // 2

        run_start: int | None = None
        runs: list[tuple[int, int]] = []  # contiguous data rows (for merges)

        def close_run() -> None:
            nonlocal run_start
            if run_start is not None and len(model.rows) - 1 >= run_start:
                runs.append((run_start, len(model.rows) - 1))
            run_start = None

        n = 0
        for gi, group in enumerate(groups):
            if gi == second_block:
                close_run()
                model.add([])  # a blank row, then the title and/or the header again
                if lay.repeated_title:
                    model.line(full_title, "title", 30)
                if lay.repeated_header:
                    header_block()
            group_sums = dict.fromkeys(sums, 0)
            for row in group:
                n += 1
                if run_start is None:
                    run_start = len(model.rows)
                cells = [(n, "cell")] if lay.serial else []
                for _, _, field in columns:
                    value = row.get(field)
                    if field in group_sums and isinstance(value, int):
                        group_sums[field] += value
                    cells.append(self.cell(key, field, types[field], value, n))
                model.add(cells)
                if n in blanks and key != "compounds":
                    close_run()
                    model.add([])
            close_run()
            for k, v in group_sums.items():
                total_sums[k] += v
            if lay.subtotals != "none" and key == "compounds":
                label = group[0]["community"] + "小计"
                cells = [(None, "total")] * model.ncols
                if lay.subtotals == "serial":
                    cells[0] = ("小计", "total")
                else:
                    cells[name_col] = (label, "total")
                for k, v in group_sums.items():
                    cells[col_of[k]] = (v, "total")
                model.add(cells)
            if n in blanks and key == "compounds":
                model.add([])  # between communities, after the 小计 row
        if lay.grand_total:
            cells = [(None, "total")] * model.ncols
            if lay.subtotals == "name" and key == "compounds":
                cells[name_col] = (f"{self.street}合计", "total")
            else:
                cells[0] = ("合计", "total")
            for k, v in total_sums.items():
                cells[col_of[k]] = (v, "total")
            model.add(cells)
        if lay.footer:
            model.add([])
            rng = self.rng
            phone = f"010-{rng.randint(6000, 8999)}{rng.randint(0, 9999):04d}"
            model.line(
                f"填表人：{rng.choice(_PEOPLE)}    审核人：{rng.choice(_PEOPLE)}    联系电话：{phone}",
                "info",
            )
            model.line(
                f"填表说明：1. 本表统计截至{_cn_date(self.as_of)}；2. 日期按“年月日”填写；"
                "3. 编号须与区级台账一致；4. 小计、合计行不计入统计。",
                "footer",
                45,
            )
        if key == "compounds":
            if lay.merged_required:
                for f in ("street", "community"):
                    self._merge_runs(model, runs, col_of[f], by_value=True)
            if lay.merged_optional:
                for f in ("in_scope", "committee_eligible", "category", "service_company"):
                    self._merge_runs(model, runs, col_of[f], by_value=True)
        return model

    @staticmethod
    def _merge_runs(
        model: _SheetModel, runs: list[tuple[int, int]], col: int, by_value: bool
    ) -> None:
        """Merge vertically every stretch of two or more equal, non-blank cells of `col`
        within a run of data rows. The model keeps every row's value (a CSV writes them
        all); the workbook writes only the first cell of a merged range."""

        def key(r: int) -> object:
            v = model.rows[r][col][0]
            return v.strip() if isinstance(v, str) else v

        for a, b in runs:
            r = a
            while r <= b:
                v = key(r)
                end = r
                while end + 1 <= b and v is not None and key(end + 1) == v:
                    end += 1
                if end > r and v is not None:
                    model.merges.append((r, col, end, col))
                r = end + 1

    def stale_copy(self, compounds: list[dict]) -> _SheetModel:
        """A hidden, out-of-date copy of the compound roster (canonical headers) that a
        reader must not take for data."""
        roster = ROSTER_BY_KEY["compounds"]
        model = _SheetModel("小区基本情况（上月）", [f.width for f in roster.fields])
        model.add([(f.label, "header") for f in roster.fields])
        for row in compounds[:5]:
            cells: list[_Cell] = []
            for f in roster.fields:
                v = row.get(f.key)
                if f.key == "households" and isinstance(v, int):
                    v = v + 1
                if isinstance(v, bool):
                    v = "是" if v else "否"
                elif isinstance(v, date):
                    v = _XlDate(v)
                cells.append((v, "cell"))
            model.add(cells)
        model.hidden = True
        return model


def _street_rows(district: dict[str, list[dict]], street: str) -> dict[str, list[dict]]:
    compounds = [row for row in district["compounds"] if row.get("street") == street]
    if not compounds:
        raise ValueError(f"no compounds in street {street!r}")
    compound_ids = {row["compound_id"] for row in compounds}
    committees = [row for row in district["committees"] if row.get("compound_id") in compound_ids]
    host_ids = compound_ids | {row["committee_id"] for row in committees}
    orgs = [
        row
        for row in district["party_orgs"]
        if any(part in host_ids for part in str(row.get("host_ref") or "").split("、"))
    ]
    return {"compounds": compounds, "committees": committees, "party_orgs": orgs}


def write_messy_street(
    district: dict[str, list[dict]],
    street: str,
    path: str | os.PathLike,
    *,
    as_of: date = DEFAULT_AS_OF,
    layout: Layout | None = None,
    encoding: str = "gb18030",
    seed: int = 0,
) -> list[str]:
    """Write one street's rosters as a messy street file in `layout`.

    An ``.xlsx`` path gives one workbook with three roster sheets (小区基本情况,
    业委会（物管会）组建情况, 党组织建设情况), plus, with `layout.hidden_sheets`, a hidden sheet
    of drop-down values and a hidden stale copy of the compound roster. A ``.csv`` path gives
    three CSV files in `encoding` (default GB18030) named ``<stem>-<sheet>.csv`` beside it:
    the same rows without merged cells. Every value still means what it means in
    `district`. `seed` varies the footer's names. Returns the paths written.

    Raises:
        ValueError: when `street` has no compounds in `district`, or the suffix is neither
            .xlsx nor .csv.
    """
    _check_district(district)
    layout = layout or Layout()
    parts = _street_rows(district, street)
    compounds = parts["compounds"]
    district_name = next((r["district"] for r in compounds if r.get("district")), DISTRICT_NAME)
    writer = _MessyWriter(layout, street, district_name, as_of, seed)
    models = [writer.sheet(key, parts[key]) for key in ("compounds", "committees", "party_orgs")]
    target = os.fspath(path)
    suffix = os.path.splitext(target)[1].lower()
    if suffix == ".csv":
        stem = os.path.splitext(target)[0]
        out = []
        for model in models:
            name = f"{stem}-{model.name}.csv"
            _write_model_csv(model, name, encoding)
            out.append(name)
        return out
    if suffix != ".xlsx":
        raise ValueError(f"a messy street file is .xlsx or .csv, got {target!r}")
    if layout.hidden_sheets:
        models.append(writer.stale_copy(compounds))
    _write_models_xlsx(models, target, f"{district_name}{street}物业管理台账", layout.hidden_sheets)
    return [target]


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, _XlDate):
        return value.d.isoformat()
    if isinstance(value, _XlId):
        return f"{value.n}.0"
    return str(value)


def _write_model_csv(model: _SheetModel, path: str, encoding: str) -> None:
    import csv
    import io

    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    for row in model.rows:
        w.writerow([_csv_text(v) for v, _ in row])
    with open(path, "wb") as fh:
        fh.write(buf.getvalue().encode(encoding))


def _write_models_xlsx(models: list[_SheetModel], path: str, title: str, value_lists: bool) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path)
    try:
        _set_properties(workbook, title)
        fmts = {
            "": None,
            "title": workbook.add_format(
                {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
            ),
            "info": workbook.add_format({"align": "left", "valign": "vcenter"}),
            "header": workbook.add_format(
                {
                    "bold": True,
                    "border": 1,
                    "align": "center",
                    "valign": "vcenter",
                    "text_wrap": True,
                    "bg_color": "#F2F2F2",
                }
            ),
            "cell": workbook.add_format({"border": 1, "valign": "vcenter"}),
            "date": workbook.add_format({"border": 1, "num_format": "yyyy/m/d"}),
            "id_number": workbook.add_format({"border": 1, "num_format": "0"}),
            "total": workbook.add_format({"border": 1, "bold": True}),
            "footer": workbook.add_format({"align": "left", "valign": "top", "text_wrap": True}),
        }
        for model in models:
            _write_model_sheet(workbook, model, fmts)
        if value_lists:
            _write_value_lists(workbook)
    finally:
        workbook.close()


def _write_model_sheet(workbook, model: _SheetModel, fmts: dict) -> None:
    ws = workbook.add_worksheet(model.name)
    for c, width in enumerate(model.widths):
        ws.set_column(c, c, width)
    for r, height in model.heights.items():
        ws.set_row(r, height)

    def put(r: int, c: int, value: object, style: str) -> None:
        fmt = fmts[style]
        if value is None:
            if fmt is not None:
                ws.write_blank(r, c, None, fmt)
        elif isinstance(value, _XlDate):
            ws.write_number(r, c, value.d.toordinal() - _EXCEL_EPOCH, fmts["date"])
        elif isinstance(value, _XlId):
            ws.write_number(r, c, value.n, fmts["id_number"])
        elif isinstance(value, bool):
            ws.write_string(r, c, "是" if value else "否", fmt)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value, fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    covered: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in model.merges:
        style = model.rows[r1][c1][1]
        ws.merge_range(r1, c1, r2, c2, "", fmts[style] or fmts["info"])
        value = model.rows[r1][c1][0]
        if value is not None:
            put(r1, c1, value, style or "info")
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                covered.add((r, c))
    for r, row in enumerate(model.rows):
        for c, (value, style) in enumerate(row):
            if (r, c) not in covered and (value is not None or style):
                put(r, c, value, style)
    if model.freeze:
        ws.freeze_panes(*model.freeze)
    if model.print_rows:
        ws.repeat_rows(*model.print_rows)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    if model.hidden:
        ws.hide()


# --- a whole messy district and its truth ---------------------------------------------------

_SUBTOTAL_NAMES = ("小计胡同{k}号院", "总计委家属院", "小计营{k}号院", "总计大院")
_SERVICE_PROJECT_MODES = (_PROFESSIONAL, _SOE)
_ORG_FORMS = ("单独组建", "联合组建", "功能型党组织", "挂靠组建")
_WORK_FORMS = ("派驻党建指导员",)
RATE_KEYS = (
    "committee",
    "service",
    "service_professional",
    "party",
    "party_work",
    "party_committee",
    "party_service",
)


def make_messy_district(
    n_compounds: int,
    seed: int = 0,
    n_streets: int | None = None,
    as_of: date = DEFAULT_AS_OF,
    *,
    subtotal_names: bool = False,
) -> dict[str, list[dict]]:
    """`make_district`, then arranged for the messy street files: in each street three
    compounds that no Party organisation refers to (directly or through their committees)
    are taken out of scope (纳入统计=否, with a note) and put together at the end of one
    community (moved there from other communities of the street if need be, renamed when
    the name is taken), so that a merged 纳入统计=否 can span three rows. With
    `subtotal_names`, one compound per street (in scope, with an active committee when there
    is one) is renamed so that its name begins with 小计 or 总计 — it is still a compound.
    Deterministic; the rows are new dicts."""
    base = make_district(n_compounds, seed=seed, n_streets=n_streets, as_of=as_of)
    district = {key: [dict(row) for row in rows] for key, rows in base.items()}
    org_refs: set[str] = set()
    for org in district["party_orgs"]:
        org_refs.update(str(org["host_ref"]).split("、"))
    committee_ids: dict[str, set[str]] = {}
    for k in district["committees"]:
        committee_ids.setdefault(k["compound_id"], set()).add(k["committee_id"])
    active_committee = {k["compound_id"] for k in district["committees"] if k["dissolved"] is None}

    def free(row: dict) -> bool:
        cid = row["compound_id"]
        return cid not in org_refs and not committee_ids.get(cid, set()) & org_refs

    streets: dict[str, list[dict]] = {}
    for row in district["compounds"]:
        streets.setdefault(row["street"], []).append(row)
    out: list[dict] = []
    for s, rows in enumerate(streets.values()):
        communities: dict[str, list[dict]] = {}
        for row in rows:
            communities.setdefault(row["community"], []).append(row)
        candidates = [r for r in rows if free(r)]
        if len(candidates) >= 3 and len(rows) >= 6:
            # the community with the most free compounds takes the three
            home = max(communities.values(), key=lambda crow: sum(map(free, crow)))
            chosen = [r for r in home if free(r)][-3:]
            chosen += [r for r in candidates if r not in chosen][: 3 - len(chosen)]
            names = {r["name"] for r in home if r not in chosen}
            for k, r in enumerate(chosen):
                communities[r["community"]].remove(r)
                r["community"] = home[0]["community"] if home else r["community"]
                if r["name"] in names:
                    r["name"] += "（北院）"
                names.add(r["name"])
                r["in_scope"] = False
                r["note"] = _NOTE_OUT_OF_SCOPE[k % 2]
            home.extend(chosen)
        if subtotal_names:
            scoped = [r for r in rows if r["in_scope"]]
            with_committee = [r for r in scoped if r["compound_id"] in active_committee]
            target = (with_committee or scoped or rows)[0]
            target["name"] = _SUBTOTAL_NAMES[s % len(_SUBTOTAL_NAMES)].format(k=s + 1)
        for crow in communities.values():
            out.extend(crow)
    district["compounds"] = out
    return district


def _rate(num: int, den: int) -> dict:
    return {"numerator": num, "denominator": den}


def district_truth(district: dict[str, list[dict]], as_of: date = DEFAULT_AS_OF) -> dict:
    """The rates of SPEC section 1 under the default 口径, computed from the generator's own
    rows (not by sanlv): for the total, every street and every community, the number of
    compounds in scope and numerator/denominator of each rate in `RATE_KEYS`. Also the
    number of rows per roster. JSON-ready (dates as ISO text)."""
    d = as_of
    compounds = {row["compound_id"]: row for row in district["compounds"]}

    def active(row: dict) -> bool:
        return row["founded"] <= d and (row["dissolved"] is None or row["dissolved"] > d)

    # party units: (kind, id) -> compound row
    active_by_compound: dict[str, dict] = {}
    for k in district["committees"]:
        if active(k):
            active_by_compound[k["compound_id"]] = k
    units: dict[tuple[str, str], dict] = {}
    for cid, k in active_by_compound.items():
        if compounds[cid]["in_scope"]:
            units[("committee", k["committee_id"])] = compounds[cid]
    for cid, c in compounds.items():
        since = c["service_since"]
        if (
            c["in_scope"]
            and c["management_mode"] in _SERVICE_PROJECT_MODES
            and (since is None or since <= d)
        ):
            units[("service", cid)] = c
    org_cov: set[tuple[str, str]] = set()
    work_cov: set[tuple[str, str]] = set()
    for org in district["party_orgs"]:
        if not active(org):
            continue
        refs = [r for r in str(org["host_ref"]).split("、") if r]
        attached: list[tuple[str, str]] = []
        if org["host_kind"] == HOST_COMPANY:
            attached = [("service", r) for r in refs]
        else:
            for r in refs:
                k = active_by_compound.get(r)
                attached.append(("committee", k["committee_id"] if k else r))
        for unit in attached:
            if unit not in units:
                continue
            if org["form"] in _ORG_FORMS:
                org_cov.add(unit)
                work_cov.add(unit)
            elif org["form"] in _WORK_FORMS:
                work_cov.add(unit)

    def blank() -> dict:
        return {"compounds": 0, **{key: [0, 0] for key in RATE_KEYS}}

    total = blank()
    streets: dict[str, dict] = {}
    communities: dict[str, dict[str, dict]] = {}

    def levels(c: dict) -> list[dict]:
        st = streets.setdefault(c["street"], blank())
        co = communities.setdefault(c["street"], {}).setdefault(c["community"], blank())
        return [total, st, co]

    def count(c: dict, key: str, hit: bool) -> None:
        for level in levels(c):
            level[key][0] += int(hit)
            level[key][1] += 1

    for cid, c in compounds.items():
        levels(c)  # every street and community appears, even with nothing in scope
        if not c["in_scope"]:
            continue
        for level in levels(c):
            level["compounds"] += 1
        since = c["service_since"]
        started = since is None or since <= d
        mode = c["management_mode"]
        count(c, "committee", cid in active_by_compound)
        count(c, "service", mode != MODE_NONE and started)
        count(c, "service_professional", mode == _PROFESSIONAL and started)
    for unit, c in units.items():
        count(c, "party", unit in org_cov)
        count(c, "party_work", unit in work_cov)
        count(c, "party_committee" if unit[0] == "committee" else "party_service", unit in org_cov)

    def out(level: dict) -> dict:
        return {
            "compounds": level["compounds"],
            **{key: _rate(*level[key]) for key in RATE_KEYS},
        }

    return {
        "as_of": d.isoformat(),
        "rows": {key: len(rows) for key, rows in district.items()},
        "total": out(total),
        "streets": {s: out(v) for s, v in streets.items()},
        "communities": {
            s: {c: out(v) for c, v in comms.items()} for s, comms in communities.items()
        },
    }


@dataclass
class MessyDistrict:
    """What `write_messy_district` wrote: the rows, the files, the layout of each street's
    file and the expected figures (`district_truth`)."""

    district: dict[str, list[dict]]
    files: list[str]
    layouts: dict[str, Layout]
    csv_streets: list[str]
    truth: dict


def street_layout(index: int, findings: Iterable[str] = ()) -> Layout:
    """The layout of the `index`-th street's file in a messy district: the classic messy
    layouts varied from street to street by `index` (title lines, info line, one- or two-row
    header, 序号 column or not, blank rows, 小计 rows in column A or none, 合计 and footer
    lines or a tidy table without them, 街道/社区 merged or not), plus the `findings` (names
    from `FIELD_FINDINGS`) in every street."""
    found = set(findings)
    unknown = found - set(FIELD_FINDINGS)
    if unknown:
        raise ValueError(f"unknown field findings: {sorted(unknown)}")
    i = index
    title_rows = (1, 2, 1, 0)[i % 4]
    repeated = bool(found & {"repeated-title", "repeated-header"})
    if repeated and title_rows == 0:
        title_rows = 1
    tidy = i % 4 == 2  # no blank rows, totals or footer below the data
    if "name-subtotals" in found:
        subtotals = "name"
    else:
        subtotals = "serial" if i % 4 == 0 else "none"
    return Layout(
        title_rows=title_rows,
        info_line=(1, 2, 0)[i % 3],
        two_row_header=i % 5 != 4,
        serial=i % 3 != 1,
        blank_rows=0 if tidy else 1 + i % 3,
        subtotals=subtotals,
        grand_total=not tidy,
        repeated_title=repeated,
        repeated_header="repeated-header" in found,
        merged_required=i % 2 == 1,
        merged_optional="merged-optional" in found,
        footer=not tidy,
    )


def write_messy_district(
    folder: str | os.PathLike,
    n_compounds: int = 1500,
    seed: int = 0,
    *,
    n_streets: int | None = None,
    as_of: date = DEFAULT_AS_OF,
    findings: Iterable[str] = FIELD_FINDINGS,
    csv_every: int = 4,
    encoding: str = "gb18030",
    truth_file: str | None = "expected.json",
) -> MessyDistrict:
    """Write a whole messy district into `folder`: one messy street file per street (an
    ``NN街道名台账.xlsx``; every `csv_every`-th street instead as three CSV files in
    `encoding`), laid out by `street_layout` with the given field `findings` (default: all
    of them), and, unless `truth_file` is None, the expected figures as JSON in
    ``folder/truth_file`` (sanlv reads no .json from a folder).

    The rows come from `make_messy_district` (with `subtotal_names` when
    "subtotal-names" is among the findings); the truth from `district_truth`. Returns a
    `MessyDistrict`. Deterministic for the same arguments.
    """
    import json

    found = tuple(findings)
    street_layout(0, found)  # validates the names
    if csv_every < 1:
        raise ValueError(f"csv_every must be at least 1, got {csv_every!r}")
    district = make_messy_district(
        n_compounds, seed, n_streets, as_of, subtotal_names="subtotal-names" in found
    )
    root = os.fspath(folder)
    os.makedirs(root, exist_ok=True)
    streets = list(dict.fromkeys(row["street"] for row in district["compounds"]))
    files: list[str] = []
    layouts: dict[str, Layout] = {}
    csv_streets: list[str] = []
    for i, street in enumerate(streets):
        layout = street_layout(i, found)
        layouts[street] = layout
        stem = os.path.join(root, f"{i + 1:02d}{street}台账")
        if i % csv_every == csv_every - 1:
            csv_streets.append(street)
            files += write_messy_street(
                district,
                street,
                stem + ".csv",
                as_of=as_of,
                layout=layout,
                encoding=encoding,
                seed=seed,
            )
        else:
            files += write_messy_street(
                district, street, stem + ".xlsx", as_of=as_of, layout=layout, seed=seed
            )
    truth = district_truth(district, as_of)
    if truth_file is not None:
        with open(os.path.join(root, truth_file), "w", encoding="utf-8") as fh:
            json.dump(truth, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.write("\n")
    return MessyDistrict(district, files, layouts, csv_streets, truth)
