"""Business calendars: semantics, DST, coverage, validation, serialisation, and properties.

The prefix-sum :class:`~pmcrm.calendars.BusinessCalendar` is checked three
ways: worked examples, the reusable contract of ``calendar_contract.py`` on
random calendars, and equality with a deliberately simple reference (a walk
over the working intervals in UTC) on random inputs.
"""

import pickle
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendar_contract import DURATIONS, check_time_base, contract_test
from pmcrm import calendars
from pmcrm.calendars import (
    BusinessCalendar,
    ContinuousTime,
    TimeBase,
    WorkingHours,
    _index,
    _rules,
)
from pmcrm.errors import CalendarCoverageError, InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure

CST = timezone(timedelta(hours=8))
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ZONES: list[tzinfo] = [UTC, CST, BERLIN, NEW_YORK]
EPSILON = timedelta(microseconds=1)


def office_hours(days: range = range(1, 6)) -> tuple[WorkingHours, ...]:
    """Mon-Fri 09:00-12:00 and 13:30-18:00."""
    return tuple(
        WorkingHours(weekday=d, start=s, end=e)
        for d in days
        for s, e in ((time(9), time(12)), (time(13, 30), time(18)))
    )


#: 2026, office hours, 1 May a holiday, Saturday 9 May a make-up day.
OFFICE = BusinessCalendar(
    name="office",
    timezone=CST,
    hours=office_hours(),
    holidays=(date(2026, 5, 1), date(2026, 5, 4)),
    workdays=(date(2026, 5, 9),),
    first_day=date(2026, 1, 1),
    last_day=date(2026, 12, 31),
)


def cst(  # noqa: PLR0917 - datetime's own positional shape
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    """An aware datetime in UTC+08:00."""
    return datetime(year, month, day, hour, minute, second, us, tzinfo=CST)


def hours(n: float) -> timedelta:
    """*n* hours."""
    return timedelta(hours=n)


# --- worked examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (cst(2026, 3, 4, 11, 30), hours(1), cst(2026, 3, 4, 14, 0)),  # over lunch
        (cst(2026, 3, 6, 16, 0), hours(2), cst(2026, 3, 6, 18, 0)),  # ends at 18:00 exactly
        (cst(2026, 3, 6, 17, 0), hours(2), cst(2026, 3, 9, 10, 0)),  # over the weekend
        (cst(2026, 3, 7, 10, 0), hours(1), cst(2026, 3, 9, 10, 0)),  # started on a Saturday
        (cst(2026, 3, 4, 12, 0), hours(1), cst(2026, 3, 4, 14, 30)),  # started at lunch
        (cst(2026, 3, 4, 12, 0), timedelta(0), cst(2026, 3, 4, 12, 0)),  # zero stays put
        (cst(2026, 4, 30, 17, 0), hours(2), cst(2026, 5, 5, 10, 0)),  # two holidays, weekend
        (cst(2026, 5, 1, 10, 0), hours(1), cst(2026, 5, 5, 10, 0)),  # started on a holiday
        (cst(2026, 5, 8, 17, 0), hours(2), cst(2026, 5, 9, 10, 0)),  # a make-up Saturday
        (cst(2026, 3, 4, 9, 0), hours(75), cst(2026, 3, 17, 18, 0)),  # 10 days of 7.5 h
    ],
)
def test_add_examples(start: datetime, duration: timedelta, expected: datetime) -> None:
    """Due dates over lunch, weekends, holidays and make-up days; 18:00 stays at 18:00."""
    assert expected == OFFICE.add(start, duration)


@pytest.mark.parametrize(
    ("end", "duration", "expected"),
    [
        (cst(2026, 3, 9, 9, 30), hours(1), cst(2026, 3, 6, 17, 30)),  # back over the weekend
        (cst(2026, 3, 9, 10, 0), hours(1), cst(2026, 3, 9, 9, 0)),  # the latest: 09:00 Monday
        (cst(2026, 3, 4, 14, 0), hours(1), cst(2026, 3, 4, 11, 30)),  # back over lunch
        (cst(2026, 3, 4, 13, 0), hours(1), cst(2026, 3, 4, 11, 0)),  # ended at lunch
        (cst(2026, 5, 11, 9, 30), hours(1), cst(2026, 5, 9, 17, 30)),  # a make-up Saturday
        (cst(2026, 3, 8, 10, 0), timedelta(0), cst(2026, 3, 8, 10, 0)),  # zero stays put
    ],
)
def test_subtract_examples(end: datetime, duration: timedelta, expected: datetime) -> None:
    """``subtract`` goes back over breaks and gives the latest instant."""
    assert expected == OFFICE.subtract(end, duration)


def test_between_examples() -> None:
    """``between`` counts working time only, and is negative backwards."""
    friday, monday = cst(2026, 3, 6, 16, 0), cst(2026, 3, 9, 14, 0)
    assert hours(5.5) == OFFICE.between(friday, monday)
    assert -hours(5.5) == OFFICE.between(monday, friday)
    assert timedelta(0) == OFFICE.between(cst(2026, 3, 7, 0, 0), cst(2026, 3, 8, 23, 0))
    assert hours(3) == OFFICE.between(cst(2026, 5, 9, 0, 0), cst(2026, 5, 9, 12, 0))


@pytest.mark.parametrize(
    ("at", "working", "opening"),
    [
        (cst(2026, 3, 4, 9, 0), True, cst(2026, 3, 4, 9, 0)),  # an interval's start works
        (cst(2026, 3, 4, 11, 59, 59, 999_999), True, cst(2026, 3, 4, 11, 59, 59, 999_999)),
        (cst(2026, 3, 4, 12, 0), False, cst(2026, 3, 4, 13, 30)),  # its end does not
        (cst(2026, 3, 4, 8, 0), False, cst(2026, 3, 4, 9, 0)),
        (cst(2026, 3, 6, 18, 0), False, cst(2026, 3, 9, 9, 0)),
        (cst(2026, 5, 1, 10, 0), False, cst(2026, 5, 5, 9, 0)),  # holiday, weekend, holiday
        (cst(2026, 5, 9, 10, 0), True, cst(2026, 5, 9, 10, 0)),  # make-up Saturday
    ],
)
def test_is_working_and_next_opening(at: datetime, working: bool, opening: datetime) -> None:
    """Intervals are half-open; ``next_opening`` is *at* itself when working."""
    assert working == OFFICE.is_working(at)
    assert opening == OFFICE.next_opening(at)


def test_results_are_in_the_calendar_time_zone() -> None:
    """Any aware input is accepted; results come back in the calendar's zone."""
    start = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)  # 09:00 in UTC+08:00
    due = OFFICE.add(start, hours(1))
    assert (cst(2026, 3, 4, 10, 0), CST) == (due, due.tzinfo)
    assert CST is OFFICE.add(start, timedelta(0)).tzinfo
    assert CST is OFFICE.subtract(start, timedelta(0)).tzinfo
    assert CST is OFFICE.next_opening(start).tzinfo
    assert hours(1) == OFFICE.between(start, datetime(2026, 3, 4, 10, 0, tzinfo=CST))


def test_a_calendar_in_another_zone() -> None:
    """A Berlin office answers for instants given in any zone, in Berlin time."""
    cal = BusinessCalendar(
        name="berlin",
        timezone=BERLIN,
        hours=tuple(WorkingHours(weekday=d, start=time(9), end=time(17)) for d in range(1, 6)),
        first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31),
    )
    start = cst(2026, 3, 4, 23, 0)  # 16:00 in Berlin (UTC+01:00 in March)
    due = cal.add(start, hours(2))
    assert "2026-03-05T10:00:00+01:00" == due.isoformat()
    assert "2026-07-02T10:00:00+02:00" == cal.add(cst(2026, 7, 1, 22, 0), hours(2)).isoformat()


def test_day_intervals() -> None:
    """A day's aware intervals: lunch break, holiday, make-up day, weekend."""
    assert (
        (cst(2026, 3, 4, 9), cst(2026, 3, 4, 12)),
        (cst(2026, 3, 4, 13, 30), cst(2026, 3, 4, 18)),
    ) == OFFICE.day_intervals(date(2026, 3, 4))
    assert () == OFFICE.day_intervals(date(2026, 5, 1))
    assert () == OFFICE.day_intervals(date(2026, 3, 7))
    assert 2 == len(OFFICE.day_intervals(date(2026, 5, 9)))
    assert CST is OFFICE.day_intervals(date(2026, 3, 4))[0][0].tzinfo


def test_touching_intervals_work_as_one() -> None:
    """09:00-12:00 and 12:00-13:00 are allowed, merged, and 12:00 is working time."""
    cal = BusinessCalendar(
        name="x",
        timezone=CST,
        hours=(
            WorkingHours(weekday=1, start=time(12), end=time(13)),
            WorkingHours(weekday=1, start=time(9), end=time(12)),
        ),
        first_day=date(2026, 3, 2),
        last_day=date(2026, 3, 9),
    )
    assert ((cst(2026, 3, 2, 9), cst(2026, 3, 2, 13)),) == cal.day_intervals(date(2026, 3, 2))
    assert cal.is_working(cst(2026, 3, 2, 12))
    assert cst(2026, 3, 2, 12) == cal.add(cst(2026, 3, 2, 11), hours(1))


def test_make_up_day_works_the_hours_of_make_up_as() -> None:
    """A make-up day works the hours of weekday ``make_up_as``, not its own."""
    cal = BusinessCalendar(
        name="x",
        timezone=CST,
        hours=(
            WorkingHours(weekday=1, start=time(9), end=time(12)),
            WorkingHours(weekday=5, start=time(14), end=time(15)),
            WorkingHours(weekday=6, start=time(8), end=time(9)),
        ),
        workdays=(date(2026, 3, 7),),  # a Saturday
        make_up_as=5,
        first_day=date(2026, 3, 2),
        last_day=date(2026, 3, 9),
    )
    assert ((cst(2026, 3, 7, 14), cst(2026, 3, 7, 15)),) == cal.day_intervals(date(2026, 3, 7))


# --- absolute time across daylight-saving changes -----------------------------------------


def night_shift(zone: tzinfo, start: time, end: time) -> BusinessCalendar:
    """Sundays *start*-*end* in *zone*, all of 2026."""
    return BusinessCalendar(
        name="night",
        timezone=zone,
        hours=(WorkingHours(weekday=7, start=start, end=end),),
        first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31),
    )


def test_spring_forward_interval_is_five_hours() -> None:
    """00:00-06:00 on 29 March 2026 in Berlin holds 5 hours of work (02:00-03:00 is skipped)."""
    cal = night_shift(BERLIN, time(0), time(6))
    midnight = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN)
    six = datetime(2026, 3, 29, 6, 0, tzinfo=BERLIN)
    assert hours(5) == cal.between(midnight, six)
    assert "2026-03-29T06:00:00+02:00" == cal.add(midnight, hours(5)).isoformat()
    assert "2026-04-05T01:00:00+02:00" == cal.add(midnight, hours(6)).isoformat()
    assert "2026-03-29T04:00:00+02:00" == cal.add(midnight, hours(3)).isoformat()
    assert hours(6) == cal.between(midnight - timedelta(days=7), six - timedelta(days=7))


def test_fall_back_interval_is_seven_hours() -> None:
    """00:00-06:00 on 25 October 2026 in Berlin holds 7 hours (02:00-03:00 happens twice)."""
    cal = night_shift(BERLIN, time(0), time(6))
    midnight = datetime(2026, 10, 25, 0, 0, tzinfo=BERLIN)
    assert hours(7) == cal.between(midnight, datetime(2026, 10, 25, 6, 0, tzinfo=BERLIN))
    due = cal.add(midnight, hours(3))
    assert ("2026-10-25T02:00:00+01:00", 1) == (due.isoformat(), due.fold)
    assert "2026-10-25T02:00:00+02:00" == cal.add(midnight, hours(2)).isoformat()


def test_times_moved_by_a_dst_change_are_clipped_in_order() -> None:
    """New York, 8 March 2026: 01:00-02:30 ends at 03:30 EDT, so 03:00-04:00 starts there."""
    cal = BusinessCalendar(
        name="ny",
        timezone=NEW_YORK,
        hours=(
            WorkingHours(weekday=7, start=time(1), end=time(2, 30)),
            WorkingHours(weekday=7, start=time(3), end=time(4)),
            WorkingHours(weekday=7, start=time(4, 30), end=time(5)),
        ),
        first_day=date(2026, 3, 1),
        last_day=date(2026, 3, 31),
    )
    got = [(s.isoformat(), e.isoformat()) for s, e in cal.day_intervals(date(2026, 3, 8))]
    assert [
        ("2026-03-08T01:00:00-05:00", "2026-03-08T04:00:00-04:00"),
        ("2026-03-08T04:30:00-04:00", "2026-03-08T05:00:00-04:00"),
    ] == got
    midnight = datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK)
    assert hours(2.5) == cal.between(midnight, datetime(2026, 3, 8, 6, 0, tzinfo=NEW_YORK))


def test_an_interval_emptied_by_a_dst_change_is_dropped() -> None:
    """02:30-03:10 on 8 March 2026 in New York would run from 03:30 EDT back to 03:10: none."""
    cal = BusinessCalendar(
        name="ny",
        timezone=NEW_YORK,
        hours=(
            WorkingHours(weekday=7, start=time(2, 30), end=time(3, 10)),
            WorkingHours(weekday=1, start=time(9), end=time(10)),
        ),
        first_day=date(2026, 3, 1),
        last_day=date(2026, 3, 31),
    )
    assert () == cal.day_intervals(date(2026, 3, 8))
    assert 1 == len(cal.day_intervals(date(2026, 3, 15)))


def test_continuous_time_is_absolute_across_dst() -> None:
    """24/7: 24 hours from Saturday noon before the change is Sunday 13:00 summer time."""
    desk = ContinuousTime()
    start = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)
    assert "2026-03-29T13:00:00+02:00" == desk.add(start, hours(24)).isoformat()
    assert start == desk.subtract(desk.add(start, hours(24)), hours(24))
    assert hours(23) == desk.between(start, datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN))
    assert BERLIN is desk.add(start, hours(1)).tzinfo
    assert CST is desk.subtract(cst(2026, 1, 1, 0, 0), hours(1)).tzinfo


def test_continuous_time_working_and_opening() -> None:
    """24/7 is always working and always open."""
    desk = ContinuousTime(name="hotline")
    at = cst(2026, 1, 1, 3, 0)
    assert (True, at, "hotline") == (desk.is_working(at), desk.next_opening(at), desk.name)


# --- coverage -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "day"),
    [
        (lambda: OFFICE.add(cst(2025, 12, 31, 23, 59), hours(1)), date(2025, 12, 31)),
        (lambda: OFFICE.add(cst(2027, 1, 1, 0, 0), timedelta(0)), date(2027, 1, 1)),
        (lambda: OFFICE.add(cst(2026, 12, 31, 17, 0), hours(2)), date(2027, 1, 1)),
        (lambda: OFFICE.subtract(cst(2026, 1, 1, 10, 0), hours(2)), date(2025, 12, 31)),
        (lambda: OFFICE.subtract(cst(2027, 1, 1, 0, 0), hours(1)), date(2027, 1, 1)),
        (lambda: OFFICE.subtract(cst(2025, 12, 1, 0, 0), timedelta(0)), date(2025, 12, 1)),
        (lambda: OFFICE.between(cst(2025, 12, 31, 12), cst(2026, 1, 5, 12)), date(2025, 12, 31)),
        (lambda: OFFICE.between(cst(2026, 1, 5, 12), cst(2027, 1, 1, 1)), date(2027, 1, 1)),
        # the first instant after the coverage, in either argument
        (lambda: OFFICE.between(cst(2027, 1, 1, 0, 0), cst(2026, 1, 5, 12)), date(2027, 1, 1)),
        (lambda: OFFICE.between(cst(2026, 1, 5, 12), cst(2027, 1, 1, 0, 0)), date(2027, 1, 1)),
        (lambda: OFFICE.is_working(cst(2027, 1, 1, 10)), date(2027, 1, 1)),
        (lambda: OFFICE.next_opening(cst(2025, 6, 1, 10)), date(2025, 6, 1)),
        (lambda: OFFICE.next_opening(cst(2026, 12, 31, 18, 0)), date(2027, 1, 1)),
        (lambda: OFFICE.next_opening(cst(2027, 1, 1, 0, 0)), date(2027, 1, 1)),
        (lambda: OFFICE.day_intervals(date(2027, 1, 1)), date(2027, 1, 1)),
        # 2026-12-31T16:00Z is already 2027-01-01 in UTC+08:00
        (lambda: OFFICE.is_working(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)), date(2027, 1, 1)),
    ],
)
def test_coverage_errors(call: Callable[[], object], day: date) -> None:
    """Outside the coverage (or running past it), every method refuses and names the day."""
    with pytest.raises(CalendarCoverageError) as info:
        call()
    err = info.value
    assert ("office", day, date(2026, 1, 1), date(2026, 12, 31)) == (
        err.calendar,
        err.day,
        err.first_day,
        err.last_day,
    )
    assert isinstance(err, LookupError)


def test_coverage_is_by_local_date() -> None:
    """2025-12-31T16:00Z is covered: it is 1 January 2026, 00:00, in UTC+08:00."""
    assert not OFFICE.is_working(datetime(2025, 12, 31, 16, 0, tzinfo=UTC))
    assert cst(2026, 1, 1, 0, 0) == OFFICE.add(datetime(2025, 12, 31, 16, 0, tzinfo=UTC), hours(0))


def test_coverage_ends_exactly_at_the_last_working_instant() -> None:
    """The last 30 minutes of the year fit; a microsecond more does not."""
    assert cst(2026, 12, 31, 18) == OFFICE.add(cst(2026, 12, 31, 17, 30), timedelta(minutes=30))
    with pytest.raises(CalendarCoverageError):
        OFFICE.add(cst(2026, 12, 31, 17, 30), timedelta(minutes=30) + EPSILON)
    assert cst(2026, 1, 5, 9) == OFFICE.subtract(cst(2026, 1, 5, 9, 30), timedelta(minutes=30))


# --- refused arguments --------------------------------------------------------------------


NAIVE = datetime(2026, 3, 4, 10, 0)  # noqa: DTZ001 - the point of the tests below


@pytest.mark.parametrize("tb", [OFFICE, ContinuousTime()], ids=["business", "24/7"])
@pytest.mark.parametrize(
    ("method", "args", "field", "code"),
    [
        ("add", (NAIVE, hours(1)), "start", "naive_datetime"),
        ("add", (cst(2026, 3, 4, 10), -hours(1)), "duration", "ge"),
        ("add", (cst(2026, 3, 4, 10), 3600), "duration", "type"),
        ("add", (date(2026, 3, 4), hours(1)), "start", "type"),
        ("subtract", (NAIVE, hours(1)), "end", "naive_datetime"),
        ("subtract", (cst(2026, 3, 4, 10), -EPSILON), "duration", "ge"),
        ("subtract", (cst(2026, 3, 4, 10), None), "duration", "type"),
        ("between", (NAIVE, cst(2026, 3, 4, 10)), "start", "naive_datetime"),
        ("between", (cst(2026, 3, 4, 10), NAIVE), "end", "naive_datetime"),
        ("between", (date(2026, 3, 4), cst(2026, 3, 4, 10)), "start", "type"),
        ("between", (hours(1), cst(2026, 3, 4, 10)), "start", "type"),
        ("between", (cst(2026, 3, 4, 10), "2026-03-04T12:00+08:00"), "end", "type"),
        ("between", (cst(2026, 3, 4, 10), hours(2)), "end", "type"),
        ("is_working", (NAIVE,), "at", "naive_datetime"),
        ("next_opening", (NAIVE,), "at", "naive_datetime"),
        ("next_opening", ("2026-03-04T10:00+08:00",), "at", "type"),
    ],
)
def test_refused_arguments(
    tb: TimeBase, method: str, args: tuple[Any, ...], field: str, code: str
) -> None:
    """Naive datetimes, non-datetimes and negative or non-timedelta durations are refused."""
    with pytest.raises(InvalidValue) as info:
        getattr(tb, method)(*args)
    assert (field, code) == (info.value.field, info.value.code)


def test_naive_message_names_the_parameter() -> None:
    """The message says which parameter must carry an offset."""
    with pytest.raises(InvalidValue, match="'start' must be timezone-aware"):
        OFFICE.add(NAIVE, hours(1))


def test_day_intervals_refuses_a_datetime() -> None:
    """``day_intervals`` takes a date, not a datetime."""
    with pytest.raises(InvalidValue) as info:
        OFFICE.day_intervals(cst(2026, 3, 4, 0, 0))
    assert ("day", "type") == (info.value.field, info.value.code)


# --- validation at construction ------------------------------------------------------------


def make(**changes: Any) -> BusinessCalendar:
    """A valid calendar with *changes*."""
    fields: dict[str, Any] = {
        "name": "x",
        "timezone": CST,
        "hours": office_hours(),
        "first_day": date(2026, 1, 1),
        "last_day": date(2026, 12, 31),
    }
    fields.update(changes)
    return BusinessCalendar(**fields)


def wh(weekday: int, start: int | time, end: int | time) -> WorkingHours:
    """A working interval; whole hours may be given as integers."""
    return WorkingHours(
        weekday=weekday,
        start=time(start) if isinstance(start, int) else start,
        end=time(end) if isinstance(end, int) else end,
    )


@pytest.mark.parametrize(
    ("build", "field", "code", "subpath"),
    [
        (lambda: wh(0, 9, 10), "weekday", "ge", ""),
        (lambda: wh(8, 9, 10), "weekday", "le", ""),
        (
            lambda: WorkingHours(weekday="1", start=time(9), end=time(10)),  # type: ignore[arg-type]
            "weekday",
            "type",
            "",
        ),
        (lambda: wh(1, 10, 10), "end", "order", ".end"),
        (lambda: wh(1, 10, 9), "end", "order", ".end"),
        (
            lambda: WorkingHours(weekday=1, start=time(9, tzinfo=UTC), end=time(10)),
            "start",
            "format",
            "",
        ),
        (
            lambda: WorkingHours(weekday=1, start=time(9), end="10:00"),  # type: ignore[arg-type]
            "end",
            "type",
            "",
        ),
        (lambda: make(hours=()), "hours", "min_items", ""),
        (lambda: make(hours=(wh(1, 9, 10),) * 85), "hours", "max_items", ".hours"),
        (
            lambda: make(hours=(wh(1, 9, 12), wh(2, 9, 10), wh(1, 11, 13))),
            "hours",
            "format",
            ".hours[2]",
        ),
        (
            lambda: make(hours=(wh(1, 9, 18), wh(1, 10, 11))),
            "hours",
            "format",
            ".hours[1]",
        ),
        (lambda: make(hours=(wh(1, 9, 10),) * 2), "hours", "format", ".hours[1]"),
        (lambda: make(name=" "), "name", "empty", ""),
        (lambda: make(timezone="Asia/Shanghai"), "timezone", "type", ""),
        (
            lambda: make(holidays=(date(2026, 5, 1), date(2026, 5, 1))),
            "holidays",
            "duplicate",
            "[1]",
        ),
        (lambda: make(holidays=(cst(2026, 5, 1, 0, 0),)), "holidays", "type", "[0]"),
        (lambda: make(holidays=(date(2027, 5, 1),)), "holidays", "format", ".holidays[0]"),
        (
            lambda: make(workdays=(date(2026, 5, 9), date(2025, 5, 9))),
            "workdays",
            "format",
            ".workdays[1]",
        ),
        (
            lambda: make(holidays=(date(2026, 5, 9),), workdays=(date(2026, 5, 9),)),
            "workdays",
            "format",
            ".workdays[0]",
        ),
        (lambda: make(make_up_as=0), "make_up_as", "ge", ""),
        (lambda: make(make_up_as=8), "make_up_as", "le", ""),
        (
            lambda: make(make_up_as=6, workdays=(date(2026, 5, 9),)),
            "make_up_as",
            "format",
            ".make_up_as",
        ),
        (
            lambda: make(first_day=date(2026, 2, 1), last_day=date(2026, 1, 31)),
            "last_day",
            "ge",
            ".last_day",
        ),
        (lambda: make(first_day=date.min), "first_day", "ge", ""),
        (lambda: make(last_day=date.max), "last_day", "le", ""),
        (
            lambda: make(first_day=date(2000, 1, 1), last_day=date(2100, 1, 1)),
            "last_day",
            "le",
            ".last_day",
        ),
    ],
    ids=[
        "weekday-0",
        "weekday-8",
        "weekday-str",
        "end-equals-start",
        "end-before-start",
        "start-with-tzinfo",
        "end-not-a-time",
        "no-hours",
        "too-many-hours",
        "overlap-sorted",
        "overlap-inside",
        "overlap-identical",
        "blank-name",
        "timezone-str",
        "holiday-twice",
        "holiday-datetime",
        "holiday-outside",
        "workday-outside",
        "holiday-and-workday",
        "make-up-as-0",
        "make-up-as-8",
        "make-up-as-without-hours",
        "last-before-first",
        "first-day-min",
        "last-day-max",
        "coverage-too-long",
    ],
)
def test_invalid_calendars(
    build: Callable[[], object], field: str, code: str, subpath: str
) -> None:
    """Each construction rule raises InvalidValue naming the field, the rule and where."""
    with pytest.raises(InvalidValue) as info:
        build()
    assert (field, code) == (info.value.field, info.value.code)
    assert subpath == info.value.subpath


def test_overlap_message_names_both_intervals() -> None:
    """The overlap message names the other interval, in English and Chinese."""
    with pytest.raises(InvalidValue) as info:
        make(hours=(wh(1, 9, 12), wh(1, time(11, 30), 13)))
    assert "overlaps hours[0], Mon 09:00-12:00" in info.value.message_en
    assert "周一 09:00-12:00" in info.value.message_zh


def test_coverage_of_exactly_the_maximum_is_accepted() -> None:
    """``MAX_COVERAGE_DAYS`` days are fine; one more is refused (above)."""
    first = date(2000, 1, 1)
    cal = make(first_day=first, last_day=first + timedelta(days=calendars.MAX_COVERAGE_DAYS - 1))
    assert calendars.MAX_COVERAGE_DAYS == (cal.last_day - cal.first_day).days + 1


def test_make_up_as_needs_hours_only_with_make_up_days() -> None:
    """A Tuesday-Saturday shop needs no ``make_up_as`` change until it has make-up days."""
    cal = make(hours=tuple(wh(d, 9, 17) for d in range(2, 7)))
    assert 1 == cal.make_up_as


class _Floating(tzinfo):
    """A tzinfo that does not know its offset (makes datetimes naive)."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None

    def __repr__(self) -> str:
        return "<floating zone>"


class _FloatingAtNoon(_Floating):
    """A zone that knows its offset (UTC+08:00) except at noon."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None if dt is not None and dt.hour == 12 else timedelta(hours=8)


def test_a_time_zone_without_offset_is_refused() -> None:
    """A tzinfo whose ``utcoffset`` is None cannot place wall-clock times."""
    with pytest.raises(InvalidValue) as info:
        make(timezone=_Floating())
    assert ("timezone", "format", ".timezone") == (
        info.value.field,
        info.value.code,
        info.value.subpath,
    )


def test_the_time_zone_is_checked_at_noon_of_the_first_day() -> None:
    """Noon of the first day (clear of any midnight change) must have a known offset."""
    with pytest.raises(InvalidValue) as info:
        make(timezone=_FloatingAtNoon())
    assert (
        "'timezone' is not a valid time zone (its utcoffset() is None): '<floating zone>'"
    ) == info.value.message_en
    assert "'timezone' 不是有效的时区（其 utcoffset() 为 None）：'<floating zone>'" == (
        info.value.message_zh
    )


def test_exactly_the_most_intervals_is_accepted() -> None:
    """``MAX_INTERVALS`` weekly intervals are fine; one more is refused (below)."""
    assert calendars.MAX_INTERVALS == len(make(hours=TWELVE_A_DAY).hours)


#: Twelve one-hour intervals every day of the week: ``MAX_INTERVALS`` in all.
TWELVE_A_DAY = tuple(wh(d, h, h + 1) for d in range(1, 8) for h in range(0, 24, 2))


@pytest.mark.parametrize(
    ("build", "en", "zh", "params"),
    [
        (
            lambda: make(first_day=date(2026, 3, 1), last_day=date(2026, 2, 28)),
            "'last_day' must be >= 2026-03-01: '2026-02-28'",
            "'last_day' 必须 >= 2026-03-01：'2026-02-28'",
            {"value": "'2026-02-28'", "bound": "2026-03-01"},
        ),
        (
            lambda: make(first_day=date(2000, 1, 1), last_day=date(2100, 1, 1)),
            "'last_day' must be <= 2099-12-31 (36525 days of coverage): '2100-01-01'",
            "'last_day' 必须 <= 2099-12-31（覆盖 36525 天）：'2100-01-01'",
            {
                "value": "'2100-01-01'",
                "bound": "2099-12-31 (36525 days of coverage)",
                "bound_zh": "2099-12-31（覆盖 36525 天）",
            },
        ),
        (
            lambda: make(hours=(*TWELVE_A_DAY, wh(1, time(23, 30), time(23, 45)))),
            "'hours' must have at most 84 items: got 85",
            "'hours' 最多 84 项：实际 85",
            {"value": "'<85 items>'", "bound": 84, "length": 85},
        ),
        (
            lambda: make(hours=(wh(1, 9, 12), wh(1, time(11, 30), 13))),
            "'hours' is not a valid working interval: it overlaps hours[0], Mon 09:00-12:00: "
            "'11:30-13:00'",
            "'hours' 不是有效的工作时段：与 hours[0]（周一 09:00-12:00）重叠：'11:30-13:00'",
            {
                "value": "'11:30-13:00'",
                "what": "working interval: it overlaps hours[0], Mon 09:00-12:00",
                "what_zh": "工作时段：与 hours[0]（周一 09:00-12:00）重叠",
            },
        ),
        (
            lambda: make(holidays=(date(2026, 5, 1), date(2027, 1, 1))),
            "'holidays' is not a valid day in the calendar's coverage, 2026-01-01 to 2026-12-31: "
            "'2027-01-01'",
            "'holidays' 不是有效的日历覆盖范围内的日期（2026-01-01 至 2026-12-31）：'2027-01-01'",
            {
                "value": "'2027-01-01'",
                "what": "day in the calendar's coverage, 2026-01-01 to 2026-12-31",
                "what_zh": "日历覆盖范围内的日期（2026-01-01 至 2026-12-31）",
            },
        ),
        (
            lambda: make(
                holidays=(date(2026, 5, 1),), workdays=(date(2026, 5, 9), date(2026, 5, 1))
            ),
            "'workdays' is not a valid make-up working day: it is also listed in holidays: "
            "'2026-05-01'",
            "'workdays' 不是有效的调休上班日：它同时列在 holidays 中：'2026-05-01'",
            {
                "value": "'2026-05-01'",
                "what": "make-up working day: it is also listed in holidays",
                "what_zh": "调休上班日：它同时列在 holidays 中",
            },
        ),
        (
            lambda: make(
                hours=tuple(wh(d, 9, 17) for d in range(2, 7)), workdays=(date(2026, 5, 9),)
            ),
            "'make_up_as' is not a valid weekday with working hours "
            "(make-up days work its hours): 1",
            "'make_up_as' 不是有效的有工作时段的星期（调休上班日按其时段上班）：1",
            {
                "value": "1",
                "what": "weekday with working hours (make-up days work its hours)",
                "what_zh": "有工作时段的星期（调休上班日按其时段上班）",
            },
        ),
        (
            lambda: make(timezone=_Floating()),
            "'timezone' is not a valid time zone (its utcoffset() is None): '<floating zone>'",
            "'timezone' 不是有效的时区（其 utcoffset() 为 None）：'<floating zone>'",
            {
                "value": "'<floating zone>'",
                "what": "time zone (its utcoffset() is None)",
                "what_zh": "时区（其 utcoffset() 为 None）",
            },
        ),
        (
            lambda: make(first_day="2026-01-01"),
            "'first_day' must be date, got str",
            "'first_day' 应为 date，实际为 str",
            {"value": "'2026-01-01'", "expected": "date", "got": "str"},
        ),
        (
            lambda: WorkingHours(weekday=1, start="09:00", end=time(12)),  # type: ignore[arg-type]
            "'start' must be time, got str",
            "'start' 应为 time，实际为 str",
            {"value": "'09:00'", "expected": "time", "got": "str"},
        ),
        (
            lambda: WorkingHours(weekday=1, start=time(9, tzinfo=CST), end=time(12)),
            "'start' is not a valid wall-clock time (without a time zone: the calendar has one): "
            "'09:00:00+08:00'",
            "'start' 不是有效的钟面时刻（不带时区：时区由日历给出）：'09:00:00+08:00'",
            {
                "value": "'09:00:00+08:00'",
                "what": "wall-clock time (without a time zone: the calendar has one)",
                "what_zh": "钟面时刻（不带时区：时区由日历给出）",
            },
        ),
        (
            lambda: OFFICE.day_intervals("2026-03-04"),  # type: ignore[arg-type]
            "'day' must be date, got str",
            "'day' 应为 date，实际为 str",
            {"value": "'2026-03-04'", "expected": "date", "got": "str"},
        ),
        (
            lambda: OFFICE.add(cst(2026, 3, 4, 10), 3600),  # type: ignore[arg-type]
            "'duration' must be a timedelta, got int",
            "'duration' 应为 a timedelta，实际为 int",
            {"value": "3600", "expected": "a timedelta", "got": "int"},
        ),
        (
            lambda: OFFICE.subtract(cst(2026, 3, 4, 10), 3600),  # type: ignore[arg-type]
            "'duration' must be a timedelta, got int",
            "'duration' 应为 a timedelta，实际为 int",
            {"value": "3600", "expected": "a timedelta", "got": "int"},
        ),
    ],
    ids=[
        "last-before-first",
        "coverage-too-long",
        "too-many-intervals",
        "overlap",
        "holiday-outside",
        "make-up-day-a-holiday",
        "make-up-as-without-hours",
        "time-zone-without-offset",
        "day-not-a-date",
        "time-not-a-time",
        "time-with-a-zone",
        "day-intervals-not-a-date",
        "add-duration-not-a-timedelta",
        "subtract-duration-not-a-timedelta",
    ],
)
def test_refusal_messages(
    build: Callable[[], object], en: str, zh: str, params: dict[str, object]
) -> None:
    """Each refusal names the value and the rule, in English and Chinese."""
    with pytest.raises(InvalidValue) as info:
        build()
    assert (en, zh, params) == (info.value.message_en, info.value.message_zh, info.value.params)


def test_message_of_end_before_start() -> None:
    """The end-before-start message is the 'order' rule, with seconds when there are any."""
    with pytest.raises(InvalidValue, match=r"'end' must be after 'start': '08:59:30'") as info:
        WorkingHours(weekday=1, start=time(9), end=time(8, 59, 30))
    assert "'end' 必须晚于 'start'：'08:59:30'" == info.value.message_zh
    assert {"value": "'08:59:30'", "other": "start"} == info.value.params


# --- values: equality, pickling, serialisation ------------------------------------------


def test_the_index_is_not_part_of_the_value() -> None:
    """A used and an unused calendar are equal, hash alike, pickle and evolve without the index."""
    fresh = make(holidays=(date(2026, 5, 1),))
    used = make(holidays=(date(2026, 5, 1),))
    used.add(cst(2026, 3, 4, 10), hours(1))
    assert fresh == used
    assert hash(fresh) == hash(used)
    assert repr(fresh) == repr(used)
    assert [a.name for a in attrs.fields(BusinessCalendar)] == [
        "name",
        "timezone",
        "hours",
        "holidays",
        "workdays",
        "make_up_as",
        "first_day",
        "last_day",
    ]
    copy = pickle.loads(pickle.dumps(used))  # noqa: S301 - our own bytes
    assert used == copy
    assert len(pickle.dumps(used)) == len(pickle.dumps(fresh))
    assert cst(2026, 3, 4, 11) == copy.add(cst(2026, 3, 4, 10), hours(1))
    changed = attrs.evolve(used, holidays=(date(2026, 3, 4),))
    assert cst(2026, 3, 5, 10) == changed.add(cst(2026, 3, 4, 10), hours(1))


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("add", (cst(2026, 3, 4, 10), hours(1))),
        ("subtract", (cst(2026, 3, 4, 10), hours(1))),
        ("between", (cst(2026, 3, 4, 10), cst(2026, 3, 5, 10))),
        ("is_working", (cst(2026, 3, 4, 10),)),
        ("next_opening", (cst(2026, 3, 4, 10),)),
        ("day_intervals", (date(2026, 3, 4),)),
    ],
)
def test_any_method_builds_the_index_on_first_use(method: str, args: tuple[Any, ...]) -> None:
    """Whichever method is called first, the answer is the same as on a used calendar."""
    assert getattr(OFFICE, method)(*args) == getattr(make(), method)(*args)


def test_validators_have_readable_reprs() -> None:
    """The private validators say what they check."""
    fields = attrs.fields(WorkingHours)
    assert "<wall-clock time validator>" == repr(fields.start.validator)
    day = attrs.fields(BusinessCalendar).first_day.validator
    assert "<date validator (a date, not a datetime)>" in repr(day)
    assert "<date validator (a date, not a datetime)>" == repr(_rules.DAY)


def test_public_classes_present_as_pmcrm_calendars() -> None:
    """Classes from the private modules are documented and pickled as ``pmcrm.calendars.X``."""
    assert {"pmcrm.calendars"} == {
        cls.__module__ for cls in (BusinessCalendar, ContinuousTime, TimeBase, WorkingHours)
    }
    assert "pmcrm.calendars" == BusinessCalendar.day_intervals.__module__


def test_json_round_trip() -> None:
    """A calendar dumps to JSON-ready data and loads back equal, zone included."""
    cal = make(
        timezone=BERLIN,
        holidays=(date(2026, 5, 1),),
        workdays=(date(2026, 5, 9),),
    )
    data = unstructure(cal)
    assert {
        "name": "x",
        "timezone": "Europe/Berlin",
        "hours": [
            {"weekday": 1, "start": "09:00", "end": "12:00"},
            {"weekday": 1, "start": "13:30", "end": "18:00"},
        ],
        "holidays": ["2026-05-01"],
        "workdays": ["2026-05-09"],
        "make_up_as": 1,
        "first_day": "2026-01-01",
        "last_day": "2026-12-31",
    } == {**data, "hours": data["hours"][:2]}
    loaded = structure(data, BusinessCalendar)
    assert cal == loaded
    assert cal.add(cst(2026, 3, 4, 10), hours(30)) == loaded.add(cst(2026, 3, 4, 10), hours(30))
    assert {"name": "24/7"} == unstructure(ContinuousTime())
    assert ContinuousTime() == structure({}, ContinuousTime)


def test_json_defaults_and_fixed_offsets() -> None:
    """Holidays, make-up days and ``make_up_as`` may be left out; offsets load as fixed zones."""
    data = {
        "name": "x",
        "timezone": "+08:00",
        "hours": [{"weekday": 1, "start": "09:00", "end": "17:30"}],
        "first_day": "2026-01-01",
        "last_day": "2026-01-31",
    }
    cal = structure(data, BusinessCalendar)
    assert (CST, (), (), 1) == (cal.timezone, cal.holidays, cal.workdays, cal.make_up_as)


def test_malformed_json_is_reported_with_paths() -> None:
    """Every fault of a calendar file is reported where it is."""
    data = {
        "name": "x",
        "timezone": "Mars/Olympus",
        "hours": [
            {"weekday": 1, "start": "09:00", "end": "12:00"},
            {"weekday": 8, "start": "13:30", "end": "25:00"},
        ],
        "holidays": ["2026-05-01", "2026-02-30"],
        "make_up_as": 1.0,
        "first_day": "2026-01-01",
        "last_day": "2026-12-31",
        "week": "5x8",
    }
    with pytest.raises(ValidationError) as info:
        structure(data, BusinessCalendar)
    assert [
        ("$.timezone", "format"),
        ("$.hours[1].weekday", "le"),
        ("$.hours[1].end", "format"),
        ("$.holidays[1]", "format"),
        ("$.make_up_as", "type"),
        ("$.week", "extra_key"),
    ] == list(zip(info.value.report.paths, info.value.report.codes, strict=True))


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"hours": [{"weekday": 1, "start": "13:30", "end": "12:00"}]}, "$.hours[0].end", "order"),
        (
            {
                "hours": [
                    {"weekday": 1, "start": "09:00", "end": "12:00"},
                    {"weekday": 1, "start": "11:00", "end": "13:00"},
                ]
            },
            "$.hours[1]",
            "format",
        ),
        ({"holidays": ["2027-01-01"]}, "$.holidays[0]", "format"),
        ({"holidays": ["2026-05-01", "2026-05-01"]}, "$.holidays[1]", "duplicate"),
        ({"last_day": "2025-01-01"}, "$.last_day", "ge"),
        ({"hours": []}, "$.hours", "min_items"),
    ],
)
def test_rules_across_fields_are_reported_with_paths(
    change: dict[str, Any], path: str, code: str
) -> None:
    """Rules checked after the fields load (order, overlap, coverage) keep their path."""
    data: dict[str, Any] = {
        "name": "x",
        "timezone": "Asia/Shanghai",
        "hours": [{"weekday": 1, "start": "09:00", "end": "12:00"}],
        "first_day": "2026-01-01",
        "last_day": "2026-12-31",
        **change,
    }
    with pytest.raises(ValidationError) as info:
        structure(data, BusinessCalendar)
    assert [(path, code)] == list(
        zip(info.value.report.paths, info.value.report.codes, strict=True)
    )


# --- properties: random calendars ---------------------------------------------------------


@st.composite
def weekly_hours(draw: st.DrawFn) -> tuple[WorkingHours, ...]:
    """0-3 intervals a weekday on whole minutes, some touching, in shuffled order."""
    found: list[WorkingHours] = []
    for weekday in range(1, 8):
        count = draw(st.integers(0, 3))
        marks = sorted(
            draw(
                st.lists(
                    st.integers(0, 24 * 60 - 1),
                    min_size=2 * count,
                    max_size=2 * count,
                    unique=True,
                )
            )
        )
        for i in range(count):
            start, end = marks[2 * i], marks[2 * i + 1]
            if i and draw(st.booleans()):
                start = marks[2 * i - 1]  # touches the previous interval
            found.append(
                WorkingHours(
                    weekday=weekday,
                    start=time(start // 60, start % 60),
                    end=time(end // 60, end % 60),
                )
            )
    if not found:
        found.append(WorkingHours(weekday=draw(st.integers(1, 7)), start=time(9), end=time(17)))
    return tuple(draw(st.permutations(found)))


@st.composite
def business_calendars(draw: st.DrawFn) -> BusinessCalendar:
    """Random weekly hours, holidays and make-up days over 1-61 days, in four zones."""
    zone = draw(st.sampled_from(ZONES))
    first = draw(st.dates(date(2025, 1, 1), date(2026, 12, 31)))
    span = draw(st.integers(0, 60))
    weekly = draw(weekly_hours())
    offsets = draw(st.lists(st.integers(0, span), unique=True, max_size=12))
    kinds = [draw(st.booleans()) for _ in offsets]
    return BusinessCalendar(
        name="random",
        timezone=zone,
        hours=weekly,
        holidays=tuple(
            first + timedelta(days=o) for o, k in zip(offsets, kinds, strict=True) if k
        ),
        workdays=tuple(
            first + timedelta(days=o) for o, k in zip(offsets, kinds, strict=True) if not k
        ),
        make_up_as=draw(st.sampled_from(sorted({h.weekday for h in weekly}))),
        first_day=first,
        last_day=first + timedelta(days=span),
    )


def coverage(cal: BusinessCalendar) -> tuple[datetime, datetime]:
    """The first covered instant and the first one after, in UTC."""
    lo = datetime.combine(cal.first_day, time(0), cal.timezone).astimezone(UTC)
    hi = datetime.combine(cal.last_day + timedelta(days=1), time(0), cal.timezone)
    return lo, hi.astimezone(UTC)


def instants_in(cal: BusinessCalendar) -> st.SearchStrategy[datetime]:
    """Instants in the coverage: anywhere, or on (or a microsecond off) an interval boundary."""
    anywhere = st.datetimes(
        min_value=datetime.combine(cal.first_day, time(0)),
        max_value=datetime.combine(cal.last_day, time.max),
        timezones=st.just(cal.timezone),
        allow_imaginary=False,
    )
    lo, hi = coverage(cal)
    edges = sorted(
        {
            edge + shift
            for interval in reference(cal)[0]
            for edge in interval
            for shift in (-EPSILON, timedelta(0), EPSILON)
            if lo <= edge + shift < hi
        }
    )
    if not edges:
        return anywhere
    on_edges = st.sampled_from(edges).map(lambda t: t.astimezone(cal.timezone))
    return st.one_of(anywhere, on_edges)


# --- the reference: a plain walk over the intervals ------------------------------------------


Interval = tuple[datetime, datetime]


def reference(cal: BusinessCalendar) -> tuple[list[Interval], dict[date, list[Interval]]]:
    """Every working interval in UTC, walking the days; and each day's, touching ones merged.

    The documented rules, done the simple way: a day's hours (holiday: none,
    make-up day: ``make_up_as``'s), touching wall-clock intervals working as
    one, wall times read with ``fold=0``, each interval starting no earlier
    than the previous one ends, empty ones dropped.  (Merging before reading
    in the zone matters only when a boundary falls in a daylight-saving gap:
    00:00-02:01 and 02:01-03:00 on a spring-forward night are 00:00-03:00.)
    """
    intervals: list[Interval] = []
    by_day: dict[date, list[Interval]] = {}
    previous_end: datetime | None = None
    day = cal.first_day
    while day <= cal.last_day:
        if day in cal.holidays:
            weekday = 0
        elif day in cal.workdays:
            weekday = cal.make_up_as
        else:
            weekday = day.isoweekday()
        mine: list[Interval] = []
        wall: list[tuple[time, time]] = []
        for h in sorted((h for h in cal.hours if h.weekday == weekday), key=lambda h: h.start):
            if wall and wall[-1][1] == h.start:
                wall[-1] = (wall[-1][0], h.end)
            else:
                wall.append((h.start, h.end))
        for wall_start, wall_end in wall:
            start = datetime.combine(day, wall_start, cal.timezone).astimezone(UTC)
            end = datetime.combine(day, wall_end, cal.timezone).astimezone(UTC)
            if previous_end is not None and start < previous_end:
                start = previous_end
            if end > start:
                intervals.append((start, end))
                previous_end = end
                if mine and mine[-1][1] == start:
                    mine[-1] = (mine[-1][0], end)
                else:
                    mine.append((start, end))
        by_day[day] = mine
        day += timedelta(days=1)
    return intervals, by_day


def ref_between(intervals: list[Interval], a: datetime, b: datetime) -> timedelta:
    """Working time from *a* to *b*, by summing overlaps."""
    if b < a:
        return -ref_between(intervals, b, a)
    total = timedelta(0)
    for s, e in intervals:
        total += max(timedelta(0), min(e, b) - max(s, a))
    return total


def ref_add(intervals: list[Interval], t: datetime, d: timedelta) -> datetime | None:
    """Walk forward consuming *d*; None when the intervals run out."""
    if not d:
        return t
    for start, end in intervals:
        if end <= t:
            continue
        start = max(start, t)  # noqa: PLW2901 - the part after t
        if end - start >= d:
            return start + d
        d -= end - start
    return None


def ref_subtract(intervals: list[Interval], t: datetime, d: timedelta) -> datetime | None:
    """Walk backward consuming *d*; None when the intervals run out."""
    if not d:
        return t
    for start, end in reversed(intervals):
        if start >= t:
            continue
        end = min(end, t)  # noqa: PLW2901 - the part before t
        if end - start >= d:
            return end - d
        d -= end - start
    return None


def ref_next_opening(intervals: list[Interval], t: datetime) -> datetime | None:
    """*t* if inside an interval, else the next start; None if there is none."""
    for s, e in intervals:
        if e > t:
            return t if s <= t else s
    return None


def _utc_or_none(call: Callable[[], datetime]) -> datetime | None:
    try:
        result = call()
    except CalendarCoverageError:
        return None
    return result.astimezone(UTC)


@given(st.data())
def test_contract_on_random_calendars(data: st.DataObject) -> None:
    """The TimeBase contract holds on random calendars in four zones."""
    cal = data.draw(business_calendars(), label="calendar")
    check_time_base(cal, data, instants_in(cal))


@given(st.data())
def test_matches_the_reference_walk(data: st.DataObject) -> None:
    """add, subtract, between, is_working, next_opening equal a plain interval walk."""
    cal = data.draw(business_calendars(), label="calendar")
    intervals, _ = reference(cal)
    instants = instants_in(cal)
    t, s = data.draw(instants, label="t"), data.draw(instants, label="s")
    d = data.draw(DURATIONS, label="d")
    tu = t.astimezone(UTC)
    assert ref_between(intervals, tu, s.astimezone(UTC)) == cal.between(t, s)
    assert ref_add(intervals, tu, d) == _utc_or_none(lambda: cal.add(t, d))
    assert ref_subtract(intervals, tu, d) == _utc_or_none(lambda: cal.subtract(t, d))
    assert ref_next_opening(intervals, tu) == _utc_or_none(lambda: cal.next_opening(t))
    assert any(a <= tu < b for a, b in intervals) == cal.is_working(t)
    for result in (cal.add(t, timedelta(0)), cal.subtract(t, timedelta(0))):
        assert cal.timezone is result.tzinfo


@given(business_calendars())
def test_day_intervals_match_the_reference(cal: BusinessCalendar) -> None:
    """Every day's intervals equal the reference's, in the calendar's zone."""
    _, by_day = reference(cal)
    for day, expected in by_day.items():
        got = cal.day_intervals(day)
        assert expected == [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in got]
        assert all(s.tzinfo is cal.timezone and e.tzinfo is cal.timezone for s, e in got)


# --- the day tables: the fast path agrees with the bisection ---------------------------------


class _Moment(datetime):
    """A datetime subclass: the day tables leave it to the bisection (the general path)."""


#: Fixed offsets that are no calendar's first offset here (Nepal, Chatham, Niue).
ODD_OFFSETS = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((5, 45), (12, 45), (-11, 0))]


def first_offset(cal: BusinessCalendar) -> timezone:
    """The fixed offset of *cal*'s first midnight: instants in it take the day tables."""
    offset = datetime.combine(cal.first_day, time(0), cal.timezone).utcoffset()
    assert offset is not None
    return timezone(offset)


def bisected(at: datetime) -> datetime:
    """*at* in UTC as a datetime subclass: the day tables leave it to the bisection."""
    at = at.astimezone(UTC)
    return _Moment.combine(at.date(), at.timetz())


def views(cal: BusinessCalendar, at: datetime) -> list[datetime]:
    """The instant *at* in several guises, taking the day tables or the bisection.

    In the day tables' offset and its opposite, in the calendar's zone, in UTC, in
    odd offsets, and as a datetime subclass in the day tables' offset (forced to
    the bisection).
    """
    aligned = at.astimezone(first_offset(cal))
    return [
        aligned,
        at.astimezone(timezone(-first_offset(cal).utcoffset(None))),
        at.astimezone(cal.timezone),
        at.astimezone(UTC),
        *(at.astimezone(zone) for zone in ODD_OFFSETS),
        _Moment.combine(aligned.date(), aligned.timetz()),
    ]


def check_views_agree(
    cal: BusinessCalendar,
    t: datetime,
    s: datetime,
    d: timedelta,
    intervals: list[Interval] | None = None,
) -> None:
    """Every view of *t* and *s* gives the bisection's answers (and the walk's, if given)."""
    expected = cal.between(bisected(t), bisected(s))
    after = _utc_or_none(lambda: cal.add(bisected(t), d))
    before = _utc_or_none(lambda: cal.subtract(bisected(t), d))
    if intervals is not None:
        tu = t.astimezone(UTC)
        assert ref_between(intervals, tu, s.astimezone(UTC)) == expected
        assert (ref_add(intervals, tu, d), ref_subtract(intervals, tu, d)) == (after, before)
    for a in views(cal, t):
        assert after == _utc_or_none(lambda: cal.add(a, d))  # noqa: B023 - called at once
        assert before == _utc_or_none(lambda: cal.subtract(a, d))  # noqa: B023
        for b in views(cal, s):
            assert expected == cal.between(a, b)


@given(st.data())
def test_day_tables_agree_with_the_bisection(data: st.DataObject) -> None:
    """The same instants in any offset, zone or datetime subclass: the same answers.

    The bisection's answers equal the reference walk's (``test_matches_the_reference_walk``).
    """
    cal = data.draw(business_calendars(), label="calendar")
    instants = instants_in(cal)
    t, s = data.draw(instants, label="t"), data.draw(instants, label="s")
    check_views_agree(cal, t, s, data.draw(DURATIONS, label="d"))


def test_day_tables_cover_a_fixed_offset_calendar() -> None:
    """Every covered day of a calendar without daylight saving has its row."""
    OFFICE.is_working(cst(2026, 3, 4, 10))
    rows, zone, *_ = OFFICE._days  # white box: the fast path is there
    assert CST == zone
    assert 365 == len(rows)
    assert {date(2026, 1, 1).toordinal(), date(2026, 12, 31).toordinal()} <= set(rows)


@pytest.mark.parametrize(
    ("zone", "first", "last", "night"),
    [
        (BERLIN, date(2026, 10, 20), date(2026, 10, 30), date(2026, 10, 25)),
        (BERLIN, date(2026, 3, 24), date(2026, 4, 3), date(2026, 3, 29)),
        (BERLIN, date(2026, 10, 18), date(2026, 10, 25), date(2026, 10, 25)),  # ends that day
        (BERLIN, date(2026, 3, 22), date(2026, 3, 29), date(2026, 3, 29)),
        (BERLIN, date(2026, 3, 29), date(2026, 4, 5), date(2026, 3, 29)),  # starts that day
        (NEW_YORK, date(2026, 3, 4), date(2026, 3, 12), date(2026, 3, 8)),
        (NEW_YORK, date(2026, 10, 28), date(2026, 11, 5), date(2026, 11, 1)),
    ],
)
def test_day_tables_across_daylight_saving(
    zone: ZoneInfo, first: date, last: date, night: date
) -> None:
    """Around a change, and a coverage cut short or starting with one, every view agrees.

    After the change, the buckets (24 hours from the first midnight) no longer
    start at local midnight, so the night intervals straddle them.
    """
    cal = BusinessCalendar(
        name="dst",
        timezone=zone,
        hours=tuple(
            WorkingHours(weekday=d, start=s, end=e)
            for d in range(1, 8)
            for s, e in ((time(0), time(2, 30)), (time(3, 15), time(6)), (time(9), time(23, 45)))
        ),
        first_day=first,
        last_day=last,
    )
    lo, hi = coverage(cal)
    intervals, _ = reference(cal)
    folds = [
        datetime.combine(night, time(h, m, sec, us, fold=fold), zone)
        for h, m, sec, us in ((1, 0, 0, 0), (1, 59, 59, 999_999), (2, 30, 0, 0), (2, 45, 1, 7))
        for fold in (0, 1)
    ]
    sweep = [lo + timedelta(minutes=37 * n, seconds=n % 60, microseconds=n) for n in range(400)]
    for t in [*folds, *(t for t in sweep if t < hi), hi - EPSILON]:
        check_views_agree(cal, t, lo, hours(1), intervals)
    for t in folds:
        check_views_agree(cal, t, hi - EPSILON, hours(5), intervals)


def test_day_tables_off_whole_minutes() -> None:
    """Hours off whole minutes, and an offset with seconds: answers agree with the walk."""
    for zone, hours_ in (
        (CST, (WorkingHours(weekday=3, start=time(9, 0, 30), end=time(12, 0, 0, 250)),)),
        (timezone(timedelta(hours=5, minutes=30, seconds=15)), office_hours()),
    ):
        cal = make(
            timezone=zone, hours=hours_, first_day=date(2026, 3, 2), last_day=date(2026, 3, 8)
        )
        lo, _ = coverage(cal)
        intervals, _ = reference(cal)
        for step in range(0, 7 * 24 * 60, 97):
            t = lo + timedelta(minutes=step, seconds=step % 61, microseconds=step * 7919 % 10**6)
            check_views_agree(cal, t, lo, hours(2), intervals)


def test_day_tables_past_their_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_TABLES layouts, the other days have no row and use the bisection."""
    monkeypatch.setattr(_index, "MAX_TABLES", 2)
    cal = make(
        hours=tuple(wh(d, 8 + d, 12 + d) for d in range(1, 8)),
        first_day=date(2026, 3, 2),
        last_day=date(2026, 3, 15),
    )
    lo, _ = coverage(cal)
    intervals, _ = reference(cal)
    for step in range(0, 14 * 24 * 60, 173):
        t = lo + timedelta(minutes=step, seconds=step % 59)
        check_views_agree(cal, t, lo, hours(3), intervals)
    assert 4 == len(cal._days[0])  # white box: Mondays and Tuesdays only


def test_between_reports_a_naive_end_before_an_uncovered_start() -> None:
    """Both arguments are checked before the coverage, whichever path each takes."""
    with pytest.raises(InvalidValue) as info:
        OFFICE.between(cst(2025, 6, 1, 10), NAIVE)
    assert ("end", "naive_datetime") == (info.value.field, info.value.code)


test_continuous_time_contract = contract_test(
    ContinuousTime(),
    st.datetimes(
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - bounds; zones are drawn
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from(ZONES),
    ),
)

test_office_contract = contract_test(
    OFFICE,
    st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - bounds; the zone is given
        max_value=datetime(2026, 12, 31, 23, 59, 59),  # noqa: DTZ001
        timezones=st.just(CST),
    ),
)


def test_both_time_bases_satisfy_the_protocol() -> None:
    """``isinstance`` against the runtime-checkable protocol."""
    assert isinstance(OFFICE, TimeBase)
    assert isinstance(ContinuousTime(), TimeBase)
    assert not isinstance(object(), TimeBase)


def test_touching_hours_work_as_one_across_a_spring_forward_gap() -> None:
    """00:00-02:01 and 02:01-03:00 on Berlin's spring-forward night are 00:00-03:00: 2 h.

    (A counterexample Hypothesis found: read one by one, the boundary 02:01
    falls in the gap and the two would add up to 2 h 1 min.)
    """
    berlin = ZoneInfo("Europe/Berlin")
    cal = BusinessCalendar(
        name="night",
        timezone=berlin,
        hours=(
            WorkingHours(weekday=7, start=time(0), end=time(2, 1)),
            WorkingHours(weekday=7, start=time(2, 1), end=time(3)),
        ),
        first_day=date(2025, 3, 29),
        last_day=date(2025, 3, 31),
    )
    day = date(2025, 3, 30)
    ((start, end),) = cal.day_intervals(day)
    assert (datetime(2025, 3, 29, 23, tzinfo=UTC), datetime(2025, 3, 30, 1, tzinfo=UTC)) == (
        start.astimezone(UTC),
        end.astimezone(UTC),
    )
    assert timedelta(hours=2) == cal.between(start, end)
