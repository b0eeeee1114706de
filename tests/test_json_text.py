"""The JSON outputs are written by ujson when it is there, and must be the standard
library's bytes exactly (render/json_text.py): on generated values, on the float and string
edge cases where the two encoders differ, and on the real results of every JSON command."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanlv import api
from sanlv.render import json_text

from .synth import make_city, write_workbook

SAMPLES = sorted((Path(__file__).parent.parent / "data" / "samples").glob("*.xlsx"))
AS_OF = "2026-10-31"

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.dates()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6) | st.integers(), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400)
@given(values)
def test_the_same_bytes_as_the_standard_library(value):
    assert json_text.dumps(value) == json_text.standard(value)
    assert json_text.text(value) == json.dumps(value, ensure_ascii=False, default=str)


@pytest.mark.parametrize(
    "value",
    [
        1e-5,  # ujson writes 1e-5
        [0.1, 2.5e-7, {"x": 3e-9}],
        1e-10,
        1e16,
        -0.0,
        math.nan,
        math.inf,
        2**64,
        '\x00\x1f\x7f\u2028/\\"',
        "\ud800",  # a lone surrogate: "?"
        "e-5",  # looks like a short exponent: only the slower path
        dt.date(2026, 10, 31),
        {1: "a", None: "b", 1.5: "c", False: "d"},
    ],
)
def test_edge_cases(value):
    assert json_text.dumps(value) == json_text.standard(value)


def test_the_real_outputs_of_the_json_commands(tmp_path):
    city = tmp_path / "城市.xlsx"
    write_workbook(make_city(600, 3, seed=5), city)
    results = [
        api.validate(SAMPLES, as_of=AS_OF).to_json(),
        api.report(SAMPLES, as_of=AS_OF).to_json(),
        api.report([city], as_of=AS_OF, previous=[city]).to_json(),
        api.validate([city], as_of=AS_OF).to_json(),
        api.diff(SAMPLES, [city], as_of=AS_OF).to_json(),
    ]
    for data in results:
        fast = json_text.dumps(data)
        assert fast == json_text.standard(data)
        assert json.loads(fast) == json.loads(json_text.standard(data))
    assert len(json_text.dumps(results[2])) > 100_000  # to-dos and communities included
