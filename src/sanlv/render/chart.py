"""The 通报's chart picture (SPEC section 8): the three headline rates of each street (each
district for a city) as bars, with the target lines, drawn by matplotlib (Agg, no window)
with a Chinese font found on the machine. Imported only by `sanlv brief`.

Without a Chinese font the chart is left out (Chinese labels would print as boxes); the
caller says why in the document and at the terminal."""

from __future__ import annotations

import io
import logging
import os
import warnings
from pathlib import Path

from ..compute import HEADLINE
from ..content.brief import Chart
from ..content.labels import rate_short

# Fonts with Chinese glyphs at their usual places, tried in order before asking matplotlib.
WINDOWS_FONTS = ("simhei.ttf", "msyh.ttc", "msyh.ttf", "simsun.ttc", "simkai.ttf", "simfang.ttf")
MAC_FONTS = (
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
)
LINUX_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
# Family names (as matplotlib reads them) of fonts that cover Chinese.
CJK_FAMILIES = (
    "Noto Sans CJK",
    "Noto Serif CJK",
    "Source Han Sans",
    "Source Han Serif",
    "WenQuanYi",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
    "SimSun",
    "PingFang",
    "Heiti",
    "STHeiti",
    "Hiragino Sans GB",
    "AR PL",
    "Sarasa",
)
DPI = 130  # 155 mm wide in the document: about 750 pixels
COLOURS = {"committee": "#C0392B", "service": "#2E86C1", "party": "#D4A017"}
NO_FONT = "本机未找到中文字体（如黑体、微软雅黑、苹方、Noto Sans CJK、文泉驿），图表从略"


def known_locations() -> list[Path]:
    """The usual places of Chinese fonts on Windows, macOS and Linux."""
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
    out = [Path(windir) / "Fonts" / name for name in WINDOWS_FONTS]
    local = os.environ.get("LOCALAPPDATA")
    if local:  # fonts installed for one user
        out += [Path(local) / "Microsoft" / "Windows" / "Fonts" / n for n in WINDOWS_FONTS]
    out += [Path(p) for p in MAC_FONTS]
    out += [Path(p) for p in LINUX_FONTS]
    return out


def find_font() -> Path | None:
    """A font file with Chinese glyphs: a usual location first, else any font matplotlib
    knows whose family covers Chinese. None when there is none."""
    for path in known_locations():
        if path.is_file():
            return path
    quiet_matplotlib()
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if any(entry.name.startswith(f) for f in CJK_FAMILIES) and Path(entry.fname).is_file():
            return Path(entry.fname)
    return None


def quiet_matplotlib() -> None:
    """matplotlib speaks to the terminal in English (building its font cache on the first
    run, a glyph missing from a font): not for the person running sanlv."""
    logging.getLogger("matplotlib").setLevel(logging.ERROR)


def draw_chart(chart: Chart, font: Path) -> bytes:
    """The chart as a PNG: grouped bars of the three rates per row, a dashed line per
    target (one line when the targets are equal), Chinese labels in `font`."""
    quiet_matplotlib()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _draw(chart, font)


def _draw(chart: Chart, font: Path) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # no pyplot, no window
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(fname=str(font), size=9)
    title_prop = FontProperties(fname=str(font), size=12)
    n = len(chart.names)
    width = min(max(6.3, 0.55 * n + 1.5), 12.0)
    fig = Figure(figsize=(width, 3.6), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    bar = 0.8 / len(HEADLINE)
    xs = list(range(n))
    for i, key in enumerate(HEADLINE):
        values = [v * 100 for v in chart.series[key]]
        ax.bar(
            [x + (i - 1) * bar for x in xs],
            values,
            width=bar,
            color=COLOURS[key],
            label=rate_short(key),
        )
    targets = {k: v for k, v in chart.targets.items() if k in HEADLINE}
    if targets and len(set(targets.values())) == 1:
        v = next(iter(targets.values()))
        ax.axhline(v * 100, color="#555555", linestyle="--", linewidth=1, label=f"目标 {v:.0%}")
    else:
        for key, v in targets.items():
            ax.axhline(
                v * 100,
                color=COLOURS[key],
                linestyle="--",
                linewidth=1,
                label=f"{rate_short(key)}目标 {v:.0%}",
            )
    ax.set_ylim(0, 105)
    ax.set_ylabel("%", fontproperties=prop)
    ax.set_xticks(xs)
    ax.set_xticklabels(
        chart.names,
        fontproperties=prop,
        rotation=45 if n > 8 else 0,
        ha="right" if n > 8 else "center",
    )
    for label in ax.get_yticklabels():
        label.set_fontproperties(prop)
    ax.set_title(chart.title, fontproperties=title_prop)
    ax.legend(
        prop=prop,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 if n <= 8 else -0.35),
        ncol=4,
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    # fixed margins (tight_layout would lay the figure out once more)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.3 if n > 8 else 0.22)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
