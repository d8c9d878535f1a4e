"""Business calendars (工作日历) for SLA clocks: which time counts, and arithmetic on it.

A :class:`TimeBase` is what an SLA clock counts on.  Two ship with pmcrm:

* :class:`BusinessCalendar` — weekly working hours (a lunch break is two
  intervals), holidays (节假日), make-up working days (调休上班日) and a
  declared coverage: any instant outside it raises
  :exc:`~pmcrm.errors.CalendarCoverageError` rather than guessing;
* :class:`ContinuousTime` — 24/7, for round-the-clock desks.

:mod:`pmcrm.calendars.china` builds the mainland-China statutory calendar.
Everything here is pure data and arithmetic: no clock, no files, no time
zone database look-ups (a calendar is given its :class:`~datetime.tzinfo`).
Arithmetic is on absolute time, so a daylight-saving change never stretches
a duration, and a deadline is the *earliest* instant at which enough
working time has passed:

>>> from datetime import date, datetime, time, timedelta, timezone
>>> from pmcrm.calendars import BusinessCalendar, WorkingHours
>>> cst = timezone(timedelta(hours=8))
>>> office = BusinessCalendar(
...     name="office",
...     timezone=cst,
...     hours=tuple(
...         WorkingHours(weekday=day, start=time(*start), end=time(*end))
...         for day in range(1, 6)
...         for start, end in (((9, 0), (12, 0)), ((13, 30), (18, 0)))
...     ),
...     first_day=date(2026, 1, 1),
...     last_day=date(2026, 12, 31),
... )
>>> received = datetime(2026, 3, 6, 16, 0, tzinfo=cst)  # a Friday afternoon
>>> office.add(received, timedelta(hours=2)).isoformat()  # Friday 18:00 exactly
'2026-03-06T18:00:00+08:00'
>>> office.add(received, timedelta(hours=6)).isoformat()  # over the weekend and lunch
'2026-03-09T14:30:00+08:00'
>>> office.between(received, datetime(2026, 3, 9, 14, 0, tzinfo=cst))  # 2 h + 3 h + 30 min
datetime.timedelta(seconds=19800)
"""

from typing import Any

from pmcrm.calendars import _rules
from pmcrm.calendars._base import ContinuousTime, TimeBase
from pmcrm.calendars._business import BusinessCalendar, WorkingHours

__all__ = [
    "MAX_COVERAGE_DAYS",
    "MAX_INTERVALS",
    "BusinessCalendar",
    "ContinuousTime",
    "TimeBase",
    "WorkingHours",
]

#: The longest coverage a :class:`BusinessCalendar` may declare, in days (about
#: 100 years): its index holds every working interval of the coverage.
MAX_COVERAGE_DAYS = _rules.MAX_COVERAGE_DAYS
#: The most weekly working intervals a :class:`BusinessCalendar` may have.
MAX_INTERVALS = _rules.MAX_INTERVALS


def _publish(*classes: Any) -> None:
    """Present each class, and the functions it defines, as defined in this package.

    The classes live in private modules; users, the documentation,
    :mod:`pickle` and doctest should meet them as ``pmcrm.calendars.X``.
    """
    for cls in classes:
        private = cls.__module__
        cls.__module__ = __name__
        for member in vars(cls).values():
            function = getattr(member, "fget", member)
            if getattr(function, "__module__", None) == private:
                function.__module__ = __name__


_publish(BusinessCalendar, ContinuousTime, TimeBase, WorkingHours)
