"""The JSON text of a result: exactly what `json.dumps(data, ensure_ascii=False,
default=str)` writes, as UTF-8, but written by ujson (C) when it is installed, about twice
as fast on the 44 MB report of a 100k-compound city.

ujson is asked for the standard library's separators and unescaped slashes. Where the two
could still differ, the standard library writes the text instead:
- a float with a one-digit negative exponent (ujson "1e-5", Python "1e-05"): looked for in
  the text (a string holding such a pattern only costs the slower path);
- anything ujson cannot encode (it raises).
ujson encodes `decimal.Decimal` and objects with `__json__` itself; sanlv's results hold
neither (plain dicts, lists, strings, numbers, booleans, None; dates go through `str`).
`tests/test_json_text.py` holds both encoders to the same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

# ujson "1e-5" / "2.5e-7", which Python writes "1e-05" / "2.5e-07"
_SHORT_EXPONENT = re.compile(r"[0-9]e-[0-9](?![0-9])")


def _standard_text(data: Any) -> str:
    # no indent: the standard library's C encoder is used only then
    return json.dumps(data, ensure_ascii=False, default=str, check_circular=False)


def standard(data: Any) -> bytes:
    """The reference: the standard library's encoder, as UTF-8."""
    return _standard_text(data).encode("utf-8", errors="replace")


def text(data: Any) -> str:
    """`data` as JSON text, character for character as `json.dumps(data, ensure_ascii=False,
    default=str)` (for the record, which stores text)."""
    try:
        import ujson
    except ImportError:  # pragma: no cover - ujson is a dependency; kept as a way back
        return _standard_text(data)
    try:
        out = ujson.dumps(
            data,
            ensure_ascii=False,
            escape_forward_slashes=False,
            separators=(", ", ": "),
            default=str,
        )
    except Exception:  # whatever ujson refuses, the standard library writes
        return _standard_text(data)
    if "e-" in out and _SHORT_EXPONENT.search(out):
        return _standard_text(data)
    return out


def dumps(data: Any) -> bytes:
    """`data` as JSON, UTF-8 (a lone surrogate becomes "?"), byte for byte as `standard`."""
    return text(data).encode("utf-8", errors="replace")
