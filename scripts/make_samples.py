"""Write the sample workbooks in data/samples/ from the synthetic district generator.

    python scripts/make_samples.py

Deterministic: the same code writes the same data (and, with the fixed document timestamps
of `tests/synth.py`, the same bytes).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # the package of this checkout, even if another is installed
sys.path.insert(0, str(ROOT))

from tests import synth  # noqa: E402

SEED = 2026
N_COMPOUNDS = 400
N_STREETS = 8
AS_OF = date(2026, 10, 31)
LEDGER_STREET = "巷口街道"
OUT_DIR = ROOT / "data" / "samples"

README = f"""# 示例数据

本目录中的文件均为虚构数据，由 `python scripts/make_samples.py` 生成（`tests/synth.py`，
随机种子 {SEED}，统计截止日 {AS_OF:%Y-%m-%d}），重复运行得到相同内容，不含任何真实的小区、组织或个人信息。

- `{synth.DISTRICT_NAME}.xlsx`：虚构的“{synth.DISTRICT_NAME}”全区台账，{N_STREETS} 个街道、约 60 个社区、{N_COMPOUNDS} 个小区，
  含“小区”“业委会”“党组织”三张标准表（规范表头、Excel 日期）。主示例：`sanlv report data/samples/{synth.DISTRICT_NAME}.xlsx`。
  数据没有错误，但有届满未换届、即将届满、成立超过 90 天未建党组织、党员比例偏低等提示（警告）。
- `{LEDGER_STREET}台账.xlsx`：同一个区中{LEDGER_STREET}的台账，按街道实际报送的样式排版（标题行、填报单位、
  两行合并表头、表头别名、文本日期和“1,234户”式数字、空行、合计行、填表说明、隐藏的下拉选项表），
  用于检验读取功能。它与全区台账的编号相同，请单独使用，不要与全区台账一起输入。
"""


def main() -> int:
    """Write the samples and print what was written."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    district = synth.make_district(N_COMPOUNDS, seed=SEED, n_streets=N_STREETS, as_of=AS_OF)
    main_path = OUT_DIR / f"{synth.DISTRICT_NAME}.xlsx"
    ledger_path = OUT_DIR / f"{LEDGER_STREET}台账.xlsx"
    synth.write_workbook(district, main_path)
    synth.write_street_ledger(district, LEDGER_STREET, ledger_path, as_of=AS_OF)
    (OUT_DIR / "README.md").write_text(README, encoding="utf-8")
    counts = ", ".join(f"{key} {len(rows)}" for key, rows in district.items())
    print(f"{main_path.relative_to(ROOT)}: {counts}")
    print(f"{ledger_path.relative_to(ROOT)}: {LEDGER_STREET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
