"""Counterexamples the structured fuzz tests found, kept as explicit, minimal examples.

The path findings share one cause, now fixed: a rule across fields faulted a
field whose value came from its default, and the report pointed at a key the
input does not have (``$.base_name`` of a ladder that never names its base
tier), so a caller who looked the path up found nothing there.  Such an entry
now goes to the nearest object the input has, and its message still names
the field.  The zone-name finding: resolving a zone read the time-zone
database, which the purity guard counted as I/O; the guard now treats that
read like an import (``tests/purity_guard.py``).
"""

from datetime import tzinfo
from typing import Any

import pytest

import purity_guard
from fuzz_support import check_report, load
from pmcrm.calendars import BusinessCalendar
from pmcrm.errors import ValidationError
from pmcrm.pricing import Bill
from pmcrm.serialization import structure
from pmcrm.surveys.instrument import Instrument
from pmcrm.surveys.responses import Answer
from pmcrm.tiers.policy import ReviewSchedule, TierLadder

LABEL = {"zh": "甲", "en": "A"}
TZINFO: Any = tzinfo  # the converter loads the abstract type; mypy wants a concrete one

#: ``(id, target, minimal input, where the fault is reported, the field its message names)``.
DEFAULTED_PATHS: list[tuple[str, Any, Any, str, str]] = [
    (
        "ladder-tier-named-like-the-base",
        TierLadder,
        {"tiers": [{"name": "regular", "label": LABEL, "condition": {"type": "designated"}}]},
        "$",
        "base_name",
    ),
    (
        "fixed-dates-schedule-without-dates",
        ReviewSchedule,
        {"kind": "fixed_dates"},
        "$",
        "dates",
    ),
    (
        "make-up-day-on-the-default-weekday",
        BusinessCalendar,
        {
            "name": "c",
            "timezone": "UTC",
            "hours": [{"weekday": 2, "start": "09:00", "end": "17:00"}],
            "workdays": ["2025-01-04"],
            "first_day": "2025-01-01",
            "last_day": "2025-12-31",
        },
        "$",
        "make_up_as",
    ),
    (
        "rating-item-without-dimension",
        Instrument,
        {
            "code": "s",
            "name": LABEL,
            "dimensions": [{"code": "service", "label": LABEL}],
            "items": [
                {"code": "q1", "text": LABEL, "dimension": "service"},
                {"code": "q2", "text": LABEL},
            ],
        },
        "$.items[1]",
        "dimension",
    ),
    (
        "nps-item-on-the-default-scale",
        Instrument,
        {
            "code": "s",
            "name": LABEL,
            "dimensions": [{"code": "service", "label": LABEL}],
            "items": [
                {"code": "q1", "text": LABEL, "dimension": "service"},
                {"code": "q2", "text": LABEL, "role": "nps"},
            ],
        },
        "$.items[1]",
        "scale",
    ),
    ("answer-without-score-or-na", Answer, {"item": "q1"}, "$", "score"),
    (
        "bill-line-in-the-default-currency",
        Bill,
        {
            "lines": [{"category": "fee", "description": "d", "amount": {"amount": "10.00"}}],
            "currency": "HKD",
        },
        "$.lines[0].amount",
        "currency",
    ),
]


@pytest.mark.parametrize(
    ("t", "data", "path", "field"),
    [
        pytest.param(t, data, path, field, id=name)
        for name, t, data, path, field in DEFAULTED_PATHS
    ],
)
def test_the_fault_is_reported_at_the_object_that_lacks_the_key(
    t: Any, data: Any, path: str, field: str
) -> None:
    """The fault is found at the nearest object the input has; the message names the field."""
    loaded, error = load(data, t)
    assert not loaded
    [entry] = [e for e in error.report if f"'{field}'" in e.message_en]
    assert entry.path == path
    assert f"'{field}'" in entry.message_zh


@pytest.mark.parametrize(
    ("t", "data"),
    [pytest.param(t, data, id=name) for name, t, data, _, _ in DEFAULTED_PATHS],
)
def test_every_reported_path_is_in_the_input(t: Any, data: Any) -> None:
    """Strictly: every entry's path exists in the input (a missing key's parent does)."""
    loaded, error = load(data, t)
    assert not loaded
    check_report(error, data)


def test_loading_a_zone_name_reads_no_files_of_its_own() -> None:
    """A zone name that never resolves ("Asia" is a folder of zones) is refused without I/O.

    ``zoneinfo`` looks in the time-zone database, which the guard does not count.
    """
    with purity_guard.captured() as found, pytest.raises(ValidationError) as error:
        structure("Asia", TZINFO)
    assert ["$"] == list(error.value.report.paths)
    assert [] == [v.describe() for v in found.violations]


def test_a_zone_already_loaded_reads_nothing_more() -> None:
    """The guard is quiet for a zone zoneinfo has cached."""
    shanghai = structure("Asia/Shanghai", TZINFO)
    with purity_guard.captured() as found:
        assert shanghai is structure("Asia/Shanghai", TZINFO)
    assert [] == found.violations
