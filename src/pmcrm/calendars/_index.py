"""The prefix-sum index behind :class:`~pmcrm.calendars.BusinessCalendar`.

For the whole coverage, the working intervals are laid out as sorted lists
of instants, each the exact :class:`~datetime.timedelta` from the epoch
(UTC) — absolute time, compared and added in C without conversions:

* ``starts[k]``, ``ends[k]``: the *k*-th interval, ``starts`` followed by a
  sentinel later than any instant;
* ``prefix[k]``: the working time before ``starts[k]`` (``prefix[0]`` is
  zero, ``prefix[n]`` the total);
* ``offsets[i]``: the first interval of the *i*-th covered day (the day's
  intervals are ``offsets[i]`` to ``offsets[i + 1]``).

The working time up to an instant ``x`` is then ``prefix[k] + max(0, x -
starts[k])`` with ``k = bisect_right(ends, x)``: two list look-ups after one
bisection, whatever the distance between two instants.  An instant ``u``
goes back to a datetime as ``fromutc(epoch + u)``, where ``epoch`` is the
epoch's wall time carrying the calendar's tzinfo (one C call, no offset
look-up for the UTC value).
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from pmcrm.calendars._base import EPOCH, ZERO

#: Later than any instant a calendar can hold (year 9999 is under 3 million
#: days from the epoch), yet far from ``timedelta.max``: ``x - SENTINEL``
#: must not overflow.
SENTINEL = timedelta(days=10_000_000)

#: A weekday's working intervals as wall-clock times, sorted, touching ones merged.
DaySchedule = tuple[tuple[time, time], ...]


class Index(NamedTuple):
    """The prefix-sum arrays of one calendar (see the module docstring)."""

    lo: timedelta
    hi: timedelta
    starts: list[timedelta]
    ends: list[timedelta]
    prefix: list[timedelta]
    offsets: list[int]
    epoch: datetime
    fromutc: Callable[[datetime], datetime]


def weekly_schedule(hours: Iterable[tuple[int, time, time]]) -> dict[int, DaySchedule]:
    """Each ISO weekday's intervals from ``(weekday, start, end)`` triples.

    Sorted by start, touching intervals merged.  The intervals must not
    overlap (the calendar checks it first).
    """
    by_day: dict[int, list[tuple[time, time]]] = {w: [] for w in range(1, 8)}
    for weekday, start, end in sorted(hours):
        day = by_day[weekday]
        if day and day[-1][1] == start:
            day[-1] = (day[-1][0], end)
        else:
            day.append((start, end))
    return {w: tuple(day) for w, day in by_day.items()}


def build_index(
    *,
    timezone: tzinfo,
    week: dict[int, DaySchedule],
    holidays: frozenset[date],
    workdays: frozenset[date],
    make_up_as: int,
    first_day: date,
    last_day: date,
) -> Index:
    """Lay out every working interval from *first_day* to *last_day* (see the module docstring).

    Each wall-clock time is read in *timezone* as :mod:`zoneinfo` reads it
    with ``fold=0``: a time skipped by a daylight-saving change is taken
    with the offset from before the change (02:30 on a spring-forward
    night becomes 03:30 summer time), a repeated time is its first
    occurrence.  Then each interval starts no earlier than the previous one
    ends, an interval left empty is dropped, and intervals of one day that
    touch are merged: the intervals stay sorted and disjoint.
    """
    combine = datetime.combine
    lo = combine(first_day, time(0), timezone) - EPOCH
    hi = combine(last_day + timedelta(days=1), time(0), timezone) - EPOCH
    make_up = week[make_up_as]
    starts: list[timedelta] = []
    ends: list[timedelta] = []
    prefix = [ZERO]
    offsets = [0]
    previous_end = lo
    for ordinal in range(first_day.toordinal(), last_day.toordinal() + 1):
        day = date.fromordinal(ordinal)
        if day in holidays:
            schedule: DaySchedule = ()
        elif day in workdays:
            schedule = make_up
        else:
            schedule = week[day.isoweekday()]
        first_of_day = len(ends)
        for start, end in schedule:
            a = max(combine(day, start, timezone) - EPOCH, previous_end)
            b = combine(day, end, timezone) - EPOCH
            if b <= a:
                continue
            if len(ends) > first_of_day and ends[-1] == a:
                ends[-1] = b
                prefix[-1] += b - a
            else:
                starts.append(a)
                ends.append(b)
                prefix.append(prefix[-1] + b - a)
            previous_end = b
        offsets.append(len(ends))
    starts.append(SENTINEL)
    epoch = datetime(1970, 1, 1, tzinfo=timezone)
    return Index(lo, hi, starts, ends, prefix, offsets, epoch, timezone.fromutc)
