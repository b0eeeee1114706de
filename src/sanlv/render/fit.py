"""Fitting terminal output to the console: a classic Windows console is 80 columns wide with a
CJK font (each Chinese character two columns), and its code page (936) has no emoji.

- `paragraph` wraps Chinese prose by the rules of Chinese typesetting: no line starts with
  closing punctuation (a lone "。"), an opening bracket stays with what follows, numbers and
  ASCII words are never split unless longer than a line, continuation lines are indented;
- `fitting` picks the most detailed of several table layouts that fits the width (the
  fractions are dropped first, then headers go onto two lines, then names are folded), so a
  figure is never cut;
- `simple_head` is rich's SIMPLE_HEAD box, or its ASCII twin (same widths) where the
  console's encoding is not UTF (rich would otherwise fall back to a full ASCII grid).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

# Characters a line may not start with (closing punctuation) and may not end with (opening).
CLOSING = "。，、；：？！）》」』】〕”’…%℃·,.;:!?)]}"
OPENING = "（《「『【〔“‘([{"
_UNIT = re.compile(
    rf"\s*(?:[{re.escape(OPENING)}]\s*)*(?:[!-~]+|\S)(?:\s*[{re.escape(CLOSING)}]+)*\s*",
)

ASCII_SIMPLE_HEAD = box.Box(
    "    \n    \n -- \n    \n    \n -- \n    \n    \n",
    ascii=True,
)


def simple_head(console: Console) -> box.Box:
    """SIMPLE_HEAD, as plain ASCII on a console whose encoding is not UTF (GBK, cp936)."""
    return ASCII_SIMPLE_HEAD if console.options.ascii_only else box.SIMPLE_HEAD


def breaks(text: str, width: int, hang: int = 0) -> list[int]:
    """Offsets at which to break `text` into lines of at most `width` cells, the lines after
    the first indented by `hang` cells."""
    out: list[int] = []
    line = max(1, width)
    used = 0
    for m in _UNIT.finditer(text):
        start, unit = m.start(), m.group()
        need = cell_len(unit.rstrip())
        if used + need <= line:
            used += cell_len(unit)
            continue
        if used:  # the unit starts a new line
            out.append(start)
            line, used = max(1, width - hang), 0
        body = unit.rstrip()
        while cell_len(body) > line:  # longer than a line (a path): folded
            k, cells = 0, 0
            while k < len(body) and cells + cell_len(body[k]) <= line:
                cells += cell_len(body[k])
                k += 1
            # the next piece should not start with closing punctuation or a space
            back = k
            while back > 1 and (body[back] in CLOSING or body[back].isspace()):
                back -= 1
            k = back if back > 1 else max(k, 1)
            start += k
            body = body[k:]
            out.append(start)
            line = max(1, width - hang)
        used = cell_len(unit[start - m.start() :])
    return [o for o in out if 0 < o < len(text)]


def paragraph(console: Console, markup: str, hang: int = 0) -> None:
    """Print one paragraph of (markup) text wrapped to the console's width, Chinese rules."""
    while markup.startswith("\n"):  # blank lines before the paragraph
        console.print()
        markup = markup[1:]
    text = Text.from_markup(markup)
    lines = text.divide(breaks(text.plain, console.width, hang))
    for n, line in enumerate(lines):
        line.rstrip()
        if n:
            line.pad_left(hang)
        console.print(line, soft_wrap=True, highlight=False)


def width_of(console: Console, table: Table) -> int:
    """The width the table takes when nothing is wrapped or cut."""
    return console.measure(table, options=console.options.update_width(100_000)).maximum


def choose(console: Console, layouts: Sequence[Callable[[], Table]]) -> tuple[int, Table]:
    """The first (most detailed) of the layouts whose table fits the console, else the last;
    with its index."""
    table = None
    for n, make in enumerate(layouts):
        table = make()
        if width_of(console, table) <= console.width:
            return n, table
    assert table is not None
    return len(layouts) - 1, table


def fitting(console: Console, layouts: Sequence[Callable[[], Table]]) -> Table:
    """The first (most detailed) of the layouts whose table fits the console, else the last."""
    return choose(console, layouts)[1]


def two_lines(label: str) -> str:
    """A label of Chinese characters split onto two lines of about half its width."""
    if "\n" in label or cell_len(label) <= 6:
        return label
    at = label.rfind("覆盖")
    if not 2 <= at <= 5:
        at = (len(label) + 1) // 2
    return label[:at] + "\n" + label[at:]
