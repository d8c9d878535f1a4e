"""The mainland-China statutory working calendar (法定节假日与调休安排).

Each year the General Office of the State Council (国务院办公厅) publishes
the next year's public holidays and make-up working days (调休上班日),
usually in November or December.  The dates cannot be computed: they are
data.  :func:`statutory_calendar` takes them from the ``chinesecalendar``
package (install it with ``pip install "pmcrm[china]"``), which must
therefore be **upgraded every year** once the new notice is out.  A
calendar refuses the years the installed package has no data for
(:exc:`~pmcrm.errors.CalendarCoverageError`) rather than silently treating
them as plain Monday-to-Friday years.

:func:`from_days` is the same builder with the days given by you (from your
own table, or from a calendar loaded from JSON), and needs no package.

China has one time zone and has not observed daylight saving time since
1991, so the default zone is the fixed offset :data:`CHINA_STANDARD_TIME`
(UTC+08:00), which needs no time-zone database; give a
:class:`zoneinfo.ZoneInfo` (``Asia/Shanghai``) if you prefer.

>>> from datetime import date, datetime, timedelta
>>> cal = from_days(
...     holidays=[date(2026, 2, 16), date(2026, 2, 17)],
...     workdays=[date(2026, 2, 14)],
...     first_day=date(2026, 2, 1),
...     last_day=date(2026, 2, 28),
... )
>>> saturday = datetime(2026, 2, 14, 17, 0, tzinfo=CHINA_STANDARD_TIME)  # 调休: worked
>>> cal.add(saturday, timedelta(hours=2)).isoformat()  # Sunday off, Mon-Tue holidays
'2026-02-18T10:00:00+08:00'
"""

import importlib
from collections.abc import Iterable
from datetime import date, time, timedelta, tzinfo
from datetime import timezone as _timezone

from pmcrm.calendars._business import BusinessCalendar, WorkingHours
from pmcrm.errors import CalendarCoverageError, InvalidValue, MissingDependency

__all__ = [
    "CHINA_STANDARD_TIME",
    "OFFICE_HOURS",
    "from_days",
    "statutory_calendar",
]

#: China Standard Time, UTC+08:00, a fixed offset (no daylight saving since 1991).
CHINA_STANDARD_TIME = _timezone(timedelta(hours=8), "CST")

#: Default office hours, Monday to Friday 09:00-12:00 and 13:30-18:00 (a lunch break).
#: Only a default: pass your own *hours* to the builders.
OFFICE_HOURS = tuple(
    WorkingHours(weekday=weekday, start=start, end=end)
    for weekday in range(1, 6)
    for start, end in ((time(9), time(12)), (time(13, 30), time(18)))
)

_PACKAGE = "chinesecalendar"
_MODULE = "chinese_calendar"


def from_days(
    holidays: Iterable[date],
    workdays: Iterable[date],
    *,
    first_day: date,
    last_day: date,
    hours: tuple[WorkingHours, ...] = OFFICE_HOURS,
    timezone: tzinfo = CHINA_STANDARD_TIME,
    name: str = "cn-statutory",
    make_up_as: int = 1,
) -> BusinessCalendar:
    """A calendar from lists of holidays and make-up working days, for *first_day* to *last_day*.

    Days outside *first_day*..*last_day* are left out, so a whole table
    can be passed; the days kept are sorted.  A make-up day works the hours
    of weekday *make_up_as* (Monday: with :data:`OFFICE_HOURS`, a normal
    office day).

    Raises:
        InvalidValue: the calendar is invalid (a day listed twice, a day
            both a holiday and a make-up day, ...).

    >>> from datetime import date
    >>> cal = from_days(
    ...     [date(2025, 12, 31), date(2026, 1, 1)],
    ...     [],
    ...     first_day=date(2026, 1, 1),
    ...     last_day=date(2026, 1, 31),
    ... )
    >>> cal.holidays
    (datetime.date(2026, 1, 1),)
    """
    return BusinessCalendar(
        name=name,
        timezone=timezone,
        hours=hours,
        holidays=tuple(sorted(d for d in holidays if first_day <= d <= last_day)),
        workdays=tuple(sorted(d for d in workdays if first_day <= d <= last_day)),
        make_up_as=make_up_as,
        first_day=first_day,
        last_day=last_day,
    )


def statutory_calendar(
    first_year: int,
    last_year: int,
    *,
    hours: tuple[WorkingHours, ...] = OFFICE_HOURS,
    timezone: tzinfo = CHINA_STANDARD_TIME,
    name: str = "cn-statutory",
) -> BusinessCalendar:
    """The statutory calendar of *first_year* to *last_year*, from the ``chinesecalendar`` package.

    Covers 1 January of *first_year* to 31 December of *last_year*.
    Holidays and make-up days are the package's (as published by the State
    Council); make-up days work Monday's hours.  The package is imported
    here, not when :mod:`pmcrm.calendars.china` is.

    Raises:
        MissingDependency: ``chinesecalendar`` is not installed
            (``pip install "pmcrm[china]"``).
        CalendarCoverageError: the package has no data for a year asked
            for: a new year needs a package release (upgrade it).
        InvalidValue: *last_year* is before *first_year*.

    >>> cal = statutory_calendar(2026, 2026)
    >>> cal.first_day, cal.last_day
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    >>> date(2026, 2, 14) in cal.workdays, date(2026, 10, 1) in cal.holidays
    (True, True)
    """
    for field, year in (("first_year", first_year), ("last_year", last_year)):
        if type(year) is not int or not 1 <= year <= 9998:
            raise InvalidValue(field, "format", value=year, what="year (1-9998)", what_zh="年份")
    if last_year < first_year:
        raise InvalidValue("last_year", "ge", value=last_year, bound=first_year)
    try:
        package = importlib.import_module(_MODULE)
    except ImportError:
        raise MissingDependency(_PACKAGE, "china") from None
    holidays: dict[date, object] = package.holidays
    workdays: dict[date, object] = package.workdays
    data_first, data_last = min(holidays).year, max(holidays).year
    if first_year < data_first:
        raise CalendarCoverageError(
            name, date(first_year, 1, 1), date(data_first, 1, 1), date(data_last, 12, 31)
        )
    if last_year > data_last:
        raise CalendarCoverageError(
            name, date(data_last + 1, 1, 1), date(data_first, 1, 1), date(data_last, 12, 31)
        )
    return from_days(
        holidays,
        workdays,
        first_day=date(first_year, 1, 1),
        last_day=date(last_year, 12, 31),
        hours=hours,
        timezone=timezone,
        name=name,
    )
