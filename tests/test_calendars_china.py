"""The mainland-China statutory calendar: the builder, the shipped JSON, and SLA examples."""

import importlib.resources
import json
import sys
import types
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import strategies as st

from calendar_contract import contract_test
from pmcrm.calendars import BusinessCalendar, WorkingHours
from pmcrm.calendars.china import (
    CHINA_STANDARD_TIME,
    OFFICE_HOURS,
    from_days,
    statutory_calendar,
)
from pmcrm.errors import CalendarCoverageError, InvalidValue, MissingDependency, PmcrmError
from pmcrm.serialization import structure, unstructure

CN = statutory_calendar(2025, 2026)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def cn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime in China Standard Time."""
    return datetime(year, month, day, hour, minute, tzinfo=CHINA_STANDARD_TIME)


def shipped() -> object:
    """The shipped ``calendar_cn.json``, parsed."""
    text = importlib.resources.files("pmcrm.data").joinpath("calendar_cn.json").read_text("utf-8")
    return json.loads(text)


# --- the shipped data ---------------------------------------------------------------------


def test_shipped_json_equals_the_maintained_package() -> None:
    """``calendar_cn.json`` is exactly what ``statutory_calendar(2025, 2026)`` builds."""
    loaded = structure(shipped(), BusinessCalendar)
    assert statutory_calendar(2025, 2026, timezone=SHANGHAI) == loaded
    assert ("cn-statutory", "Asia/Shanghai") == (loaded.name, str(loaded.timezone))
    assert (date(2025, 1, 1), date(2026, 12, 31)) == (loaded.first_day, loaded.last_day)


def test_shipped_json_round_trips() -> None:
    """Loading and dumping the shipped calendar gives the file back."""
    data = shipped()
    assert data == unstructure(structure(data, BusinessCalendar))


def test_shipped_and_built_calendars_agree() -> None:
    """The Asia/Shanghai calendar and the fixed-offset one give the same instants."""
    loaded = structure(shipped(), BusinessCalendar)
    start = cn(2026, 9, 30, 17, 0)
    assert CN.add(start, timedelta(hours=8)) == loaded.add(start, timedelta(hours=8))
    assert SHANGHAI is loaded.add(start, timedelta(hours=8)).tzinfo


# --- the builder ------------------------------------------------------------------------


def test_statutory_calendar_2025_2026() -> None:
    """Coverage, zone, hours and a few published days of the 2025-2026 notices."""
    assert (date(2025, 1, 1), date(2026, 12, 31)) == (CN.first_day, CN.last_day)
    assert (CHINA_STANDARD_TIME, OFFICE_HOURS, "cn-statutory", 1) == (
        CN.timezone,
        CN.hours,
        CN.name,
        CN.make_up_as,
    )
    assert {date(2026, 2, 14), date(2026, 2, 28), date(2026, 10, 10)} <= set(CN.workdays)
    assert {date(2025, 10, 1), date(2026, 2, 17), date(2026, 10, 7)} <= set(CN.holidays)
    assert list(CN.holidays) == sorted(CN.holidays)


def test_office_hours_and_zone() -> None:
    """Mon-Fri 09:00-12:00 and 13:30-18:00, in UTC+08:00 named CST."""
    assert 10 == len(OFFICE_HOURS)
    assert {(time(9), time(12)), (time(13, 30), time(18))} == {
        (h.start, h.end) for h in OFFICE_HOURS
    }
    assert {1, 2, 3, 4, 5} == {h.weekday for h in OFFICE_HOURS}
    assert (timedelta(hours=8), "CST") == (
        CHINA_STANDARD_TIME.utcoffset(None),
        CHINA_STANDARD_TIME.tzname(None),
    )


@pytest.mark.parametrize(
    ("first", "last", "day"),
    [(2025, 2027, date(2027, 1, 1)), (2003, 2005, date(2003, 1, 1))],
)
def test_years_without_data_are_refused(first: int, last: int, day: date) -> None:
    """A year the installed package has no data for raises instead of guessing."""
    with pytest.raises(CalendarCoverageError) as info:
        statutory_calendar(first, last)
    err = info.value
    assert (day, date(2004, 1, 1), date(2026, 12, 31)) == (err.day, err.first_day, err.last_day)


@pytest.mark.parametrize(
    ("first", "last", "field", "code"),
    [
        (2026, 2025, "last_year", "ge"),
        (0, 2025, "first_year", "format"),
        ("2025", 2025, "first_year", "format"),
        (2025, 9999, "last_year", "format"),
    ],
)
def test_invalid_years(first: object, last: object, field: str, code: str) -> None:
    """Years must be integers, in order, within 1-9998."""
    with pytest.raises(InvalidValue) as info:
        statutory_calendar(first, last)  # type: ignore[arg-type]
    assert (field, code) == (info.value.field, info.value.code)


def test_without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``chinesecalendar`` the builder says what to install."""
    monkeypatch.setitem(sys.modules, "chinese_calendar", None)
    with pytest.raises(MissingDependency) as info:
        statutory_calendar(2026, 2026)
    err = info.value
    assert isinstance(err, ImportError)
    assert isinstance(err, PmcrmError)
    assert ("chinesecalendar", "china") == (err.package, err.extra)
    assert 'pip install "pmcrm[china]"' in str(err)
    assert 'pip install "pmcrm[china]"' in err.message_zh


def test_the_data_comes_from_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """A newer package (here a stand-in with 2027 data) extends what can be built."""
    stand_in = types.ModuleType("chinese_calendar")
    stand_in.holidays = {date(2026, 1, 1): "x", date(2027, 1, 1): "x"}  # type: ignore[attr-defined]
    stand_in.workdays = {date(2027, 1, 9): "x"}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "chinese_calendar", stand_in)
    cal = statutory_calendar(2027, 2027)
    assert ((date(2027, 1, 1),), (date(2027, 1, 9),)) == (cal.holidays, cal.workdays)


def test_from_days_needs_no_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """``from_days`` builds from given days, keeps those covered, sorts them, takes options."""
    monkeypatch.setitem(sys.modules, "chinese_calendar", None)
    utc = UTC
    cal = from_days(
        [date(2026, 6, 19), date(2025, 1, 1), date(2026, 6, 1)],
        iter([date(2026, 6, 27)]),
        first_day=date(2026, 6, 1),
        last_day=date(2026, 6, 30),
        hours=(WorkingHours(weekday=3, start=time(8), end=time(16)),),
        timezone=utc,
        name="plant",
        make_up_as=3,
    )
    assert ((date(2026, 6, 1), date(2026, 6, 19)), (date(2026, 6, 27),)) == (
        cal.holidays,
        cal.workdays,
    )
    assert ("plant", utc, 3) == (cal.name, cal.timezone, cal.make_up_as)
    assert ((datetime(2026, 6, 27, 8, tzinfo=utc), datetime(2026, 6, 27, 16, tzinfo=utc)),) == (
        cal.day_intervals(date(2026, 6, 27))
    )


def test_from_days_refuses_a_day_in_both_lists() -> None:
    """A day cannot be both a holiday and a make-up working day."""
    with pytest.raises(InvalidValue) as info:
        from_days(
            [date(2026, 2, 14)],
            [date(2026, 2, 14)],
            first_day=date(2026, 2, 1),
            last_day=date(2026, 2, 28),
        )
    assert ("workdays", ".workdays[0]") == (info.value.field, info.value.subpath)


# --- SLA examples on the 2026 calendar ------------------------------------------------------

TWO_HOURS = timedelta(hours=2)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # National Day 1-7 October 2026 (and the weekend), back on Thursday 8 October.
        (cn(2026, 10, 1, 10), TWO_HOURS, cn(2026, 10, 8, 11)),
        # Spring Festival 15-23 February 2026; Saturday 14 February is a make-up day.
        (cn(2026, 2, 13, 17), TWO_HOURS, cn(2026, 2, 14, 10)),
        (cn(2026, 2, 14, 17), TWO_HOURS, cn(2026, 2, 24, 10)),
        # Saturday 28 February 2026 is a make-up day too.
        (cn(2026, 2, 28, 11, 30), timedelta(hours=1), cn(2026, 2, 28, 14)),
        # Lunch break, 18:00 exactly, the weekend.
        (cn(2026, 3, 4, 11, 30), timedelta(hours=1), cn(2026, 3, 4, 14)),
        (cn(2026, 3, 6, 16), TWO_HOURS, cn(2026, 3, 6, 18)),
        (cn(2026, 3, 6, 17), TWO_HOURS, cn(2026, 3, 9, 10)),
        # A plain Saturday is off.
        (cn(2026, 3, 7, 10), TWO_HOURS, cn(2026, 3, 9, 11)),
    ],
)
def test_due_dates(start: datetime, duration: timedelta, expected: datetime) -> None:
    """Due dates over holidays, 调休 Saturdays, lunch and weekends."""
    assert expected == CN.add(start, duration)


def test_make_up_saturdays_are_working_days() -> None:
    """2026-02-14 and 2026-02-28 are worked with office hours; 2026-02-21 is not."""
    assert CN.is_working(cn(2026, 2, 14, 9))
    assert CN.is_working(cn(2026, 2, 28, 17, 59))
    assert not CN.is_working(cn(2026, 2, 21, 10))
    assert timedelta(hours=7, minutes=30) == CN.between(cn(2026, 2, 14), cn(2026, 2, 15))


def test_an_input_in_another_zone() -> None:
    """A complaint logged in UTC is answered in China Standard Time."""
    received = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    due = CN.add(received, TWO_HOURS)
    assert ("2026-03-04T11:00:00+08:00", CHINA_STANDARD_TIME) == (due.isoformat(), due.tzinfo)


def test_complaint_open_over_national_day() -> None:
    """Open from 30 September 17:00 to 9 October 10:00 2026: 1 h + 7.5 h + 1 h."""
    assert timedelta(hours=9, minutes=30) == CN.between(cn(2026, 9, 30, 17), cn(2026, 10, 9, 10))


test_statutory_calendar_contract = contract_test(
    CN,
    st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - bounds; the zone is given
        max_value=datetime(2026, 12, 31, 23, 59, 59),  # noqa: DTZ001
        timezones=st.just(CHINA_STANDARD_TIME),
    ),
)
