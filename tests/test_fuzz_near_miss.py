"""Structured fuzzing, parts (c), (d) and (e): valid data, and valid data with one change.

* A valid value of each target (:func:`fuzz_support.valid`) round-trips:
  ``structure(unstructure(x)) == x``, a second dump equals the first, and the
  same holds through JSON text.
* Its dump with one certain fault (:func:`fuzz_support.corruptions`: a wrong
  JSON type, a number out of range, an overlong, blank or malformed string, a
  float for a decimal, a naive date-time, an unknown key, a required key
  deleted, a bad item) is refused with an entry at (or under) the fault, and
  every path exists in the input.
* Its dump with one node replaced by another valid value and some defaulted
  keys left out (:func:`fuzz_support.mutated`) loads, or is refused with
  every path in the input: this is what reaches the rules across fields.
* For the targets that hold personal data, no message, path or rendering of
  the error holds any of it: neither the valid values around the fault nor a
  malformed mobile, ID number, name or address that is the fault.
"""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import (
    FUZZ,
    TARGETS,
    apply,
    carries_pii,
    check_no_pii,
    check_report,
    check_round_trip,
    corruptions,
    dump,
    load,
    mutated,
    pii_values,
    under,
    valid,
)

PII_TARGETS = {name: t for name, t in TARGETS.items() if carries_pii(t)}


@pytest.mark.parametrize("t", TARGETS.values(), ids=TARGETS.keys())
@FUZZ
@given(data=st.data())
def test_one_fault_is_reported_where_it_is(t: Any, data: st.DataObject) -> None:
    """A valid value round-trips; its dump with one fault is refused, located at the fault."""
    value = data.draw(valid(t), label="valid")
    check_round_trip(value, t)
    dumped = dump(value, t)
    corruption = data.draw(st.sampled_from(corruptions(dumped, t)), label="corruption")
    broken = apply(dumped, corruption)
    loaded, error = load(broken, t)
    assert not loaded, f"{corruption} was accepted"
    located = check_report(error, broken)
    assert any(under(steps, corruption.steps) for steps in located), error.report.render()


@pytest.mark.parametrize("t", TARGETS.values(), ids=TARGETS.keys())
@FUZZ
@given(data=st.data())
def test_any_valid_looking_change_loads_or_reports(t: Any, data: st.DataObject) -> None:
    """A valid-looking change loads (and round-trips) or is refused with paths in the input.

    One node is replaced by another valid value of its type, and some keys of
    fields with defaults are left out.
    """
    dumped = dump(data.draw(valid(t), label="valid"), t)
    changed, _ = data.draw(mutated(dumped, t))
    loaded, result = load(changed, t)
    if loaded:
        check_round_trip(result, t)
    else:
        check_report(result, changed)


def test_some_targets_hold_personal_data() -> None:
    """The personal-data property has targets: customers, contacts and complaint events."""
    assert {"Customer", "Contact", "Registered", "ComplaintEvent"} <= set(PII_TARGETS)
    assert "Money" not in PII_TARGETS


@pytest.mark.parametrize("t", PII_TARGETS.values(), ids=PII_TARGETS.keys())
@FUZZ
@given(data=st.data())
def test_personal_data_is_never_shown(t: Any, data: st.DataObject) -> None:
    """No message, path or rendering of the error holds personal data of the input."""
    value = data.draw(valid(t), label="valid")
    dumped = dump(value, t)
    every = corruptions(dumped, t)
    # Half the time the fault is in the personal data itself.
    personal = [c for c in every if c.how == "bad personal data"]
    corruption = data.draw(st.sampled_from(personal or every) | st.sampled_from(every))
    secrets = pii_values(value)
    if corruption.how == "bad personal data" and corruption.value.strip():
        secrets.add(corruption.value)
    loaded, error = load(apply(dumped, corruption), t)
    assert not loaded
    check_no_pii(error, secrets)
