"""Structured fuzzing, part (a) and (b): arbitrary JSON-shaped data through the strict converter.

For every target (:data:`fuzz_support.TARGETS`), data drawn by
:func:`fuzz_support.json_data` either loads -- and then round-trips -- or
raises :class:`~pmcrm.errors.ValidationError` whose every entry has a path
that exists in the input.  Nothing else may escape: no ``KeyError``,
``TypeError``, ``RecursionError`` or ``AttributeError``.
"""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import (
    FUZZ,
    TARGETS,
    check_report,
    check_round_trip,
    json_data,
    load,
)


@pytest.mark.parametrize("t", TARGETS.values(), ids=TARGETS.keys())
@FUZZ
@given(data=st.data())
def test_arbitrary_json_loads_or_reports(t: Any, data: st.DataObject) -> None:
    """Loading any JSON-shaped data returns a value that round-trips, or a located report."""
    value = data.draw(json_data(t), label="input")
    loaded, result = load(value, t)
    if loaded:
        check_round_trip(result, t)
    else:
        check_report(result, value)
