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

The **day tables** (:data:`Days`) answer the same question for the
commonest instant — a complaint event read from JSON, carrying a
:class:`datetime.timezone` equal to the calendar's offset (``+08:00`` on a
China calendar) — from the instant's own fields, without a conversion
(``x - EPOCH`` costs a ``utcoffset()`` call and more than the rest of the
question) and without a bisection:

* The coverage is cut into *buckets* of 24 hours of absolute time from
  ``lo``, the first covered midnight; bucket *j* is keyed ``first + j``,
  ``first`` being the ordinal of the first covered day.  ``zone`` is the
  :class:`~datetime.timezone` of the offset at that midnight.  For an
  instant whose offset is ``zone``, the wall-clock time and the buckets
  share their origin: the instant is ``hour:minute:second.microsecond``
  into the bucket keyed by its ordinal.  (When the zone keeps one offset,
  as China's does, a bucket is a local day; in a zone with daylight saving
  a bucket is a day of that first offset's wall clock.)
* Each bucket lying wholly inside the coverage, whose working intervals
  start and end on whole minutes from its start, has a row ``(cum,
  hours)``: the working time before the bucket, and a table shared by all
  the buckets with the same intervals (a calendar has a handful).
  ``minutes, working = hours[h]``: ``minutes[m]`` is the working time in
  the bucket before minute *m* of hour *h*, and ``working[m]`` whether that
  minute is working time — all of it or none, since intervals start and
  end on whole minutes.

The working time up to the instant is then, exactly::

    cum + minutes[m] + (seconds + microseconds if working[m] else 0)

Every other instant (another offset or tzinfo, a datetime subclass, a
bucket without a row: not covered, a last bucket cut short by a
daylight-saving change, intervals off whole minutes, a calendar with more
than :data:`MAX_TABLES` layouts) is converted and bisected as above.
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

from pmcrm.calendars._base import EPOCH, ZERO, since_epoch

#: Later than any instant a calendar can hold (year 9999 is under 3 million
#: days from the epoch), yet far from ``timedelta.max``: ``x - SENTINEL``
#: must not overflow.
SENTINEL = timedelta(days=10_000_000)

#: A weekday's working intervals as wall-clock times, sorted, touching ones merged.
DaySchedule = tuple[tuple[time, time], ...]

#: The resolution of the day tables, and the minutes of a bucket.
MINUTE = timedelta(minutes=1)
BUCKET_MINUTES = 1440
#: The most tables (distinct bucket layouts) a calendar keeps, about 25 KB each; buckets
#: of any further layout have no row.
MAX_TABLES = 64
#: ``SECONDS[s]`` is *s* seconds, ``MILLISECONDS[n]`` *n* ms and ``MICROSECONDS[n]`` *n* µs:
#: adding two entries is four times cheaper than calling ``timedelta()``.
SECONDS = tuple(timedelta(seconds=s) for s in range(60))
MILLISECONDS = tuple(timedelta(milliseconds=n) for n in range(1000))
MICROSECONDS = tuple(timedelta(microseconds=n) for n in range(1000))
#: ``_MINUTES[m]`` is *m* minutes (shared by every table).
_MINUTES = tuple(timedelta(minutes=m) for m in range(BUCKET_MINUTES + 1))
_EPOCH_ORDINAL = EPOCH.toordinal()

#: One hour of a day table: ``minutes`` and ``working`` of its 60 minutes.
Hour = tuple[list[timedelta], list[bool]]
#: A day-table row: the working time before the bucket, and its 24 hours.
DayRow = tuple[timedelta, tuple[Hour, ...]]
#: The day tables and what the bisection needs, a plain tuple (unpacking a named tuple is
#: three times slower): ``rows`` by key, ``zone``, and ``lo``, ``hi``, ``starts``, ``ends``,
#: ``prefix`` from the :class:`Index`.
Days = tuple[
    dict[int, DayRow],
    timezone,
    timedelta,
    timedelta,
    list[timedelta],
    list[timedelta],
    list[timedelta],
]


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


def build_days(index: Index, first_day: date) -> Days:
    """The day tables of *index*, covering from *first_day* (see the module docstring)."""
    lo, hi, starts, ends, prefix = index.lo, index.hi, index.starts, index.ends, index.prefix
    first = first_day.toordinal()
    # The offset of the first covered midnight: its wall-clock time minus its absolute time.
    zone = timezone(timedelta(days=first - _EPOCH_ORDINAL) - lo)
    rows: dict[int, DayRow] = {}
    tables: dict[tuple[tuple[timedelta, timedelta], ...], tuple[Hour, ...]] = {}
    one_day = _MINUTES[-1]
    count = len(ends)
    k = 0
    begin = lo
    key = first
    while (stop := begin + one_day) <= hi:
        while k < count and ends[k] <= begin:  # the first interval ending after `begin`
            k += 1
        layout = []
        i = k
        while i < count and starts[i] < stop:
            layout.append((max(starts[i], begin) - begin, min(ends[i], stop) - begin))
            i += 1
        shape = tuple(layout)
        table = tables.get(shape)
        if table is None and len(tables) < MAX_TABLES:
            table = tables[shape] = _table(shape)
        if table:
            rows[key] = (prefix[k] + max(ZERO, begin - starts[k]), table)
        begin = stop
        key += 1
    return rows, zone, lo, hi, starts, ends, prefix


def _table(layout: tuple[tuple[timedelta, timedelta], ...]) -> tuple[Hour, ...]:
    """The 24 hours of a table for the intervals *layout*; empty if not on whole minutes."""
    marks = [divmod(edge, MINUTE) for interval in layout for edge in interval]
    if any(rest for _, rest in marks):
        return ()
    edges = [whole for whole, _ in marks]
    minutes: list[timedelta] = []
    working = [False] * BUCKET_MINUTES
    done = 0  # working minutes so far
    for begin, end in zip(edges[::2], edges[1::2], strict=True):
        minutes += [_MINUTES[done]] * (begin - len(minutes))
        for m in range(begin, end):
            minutes.append(_MINUTES[done])
            working[m] = True
            done += 1
    minutes += [_MINUTES[done]] * (BUCKET_MINUTES - len(minutes))
    return tuple((minutes[h : h + 60], working[h : h + 60]) for h in range(0, BUCKET_MINUTES, 60))


def worked(days: Days, at: datetime, parameter: str) -> timedelta | None:
    """The working time from the start of the coverage to *at*; ``None`` if *at* is not covered.

    ``BusinessCalendar.between`` does the same inline.

    Raises:
        InvalidValue: *at* is not a datetime or is naive (named *parameter*).
    """
    rows, zone, lo, hi, starts, ends, prefix = days
    if (
        type(at) is datetime
        and type(tz := at.tzinfo) is timezone
        and tz == zone
        and (row := rows.get(at.toordinal())) is not None
    ):
        done, hours = row
        minutes, working = hours[at.hour]
        m = at.minute
        done += minutes[m]
        if working[m]:
            done += SECONDS[at.second]
            if us := at.microsecond:
                done += MILLISECONDS[us // 1000] + MICROSECONDS[us % 1000]
        return done
    try:
        t = at - EPOCH
    except TypeError:
        t = since_epoch(at, parameter)
    if not lo <= t < hi:
        return None
    k = bisect_right(ends, t)
    w = t - starts[k]
    return prefix[k] + w if w > ZERO else prefix[k]
