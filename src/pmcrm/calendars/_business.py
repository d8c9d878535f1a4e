"""Working hours and the business calendar (工作日历): the values and their arithmetic."""

from bisect import bisect_left, bisect_right
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import attrs

from pmcrm.calendars._base import EPOCH, ZERO, check_duration, since_epoch
from pmcrm.calendars._index import (
    MICROSECONDS,
    MILLISECONDS,
    SECONDS,
    Days,
    Index,
    build_days,
    build_index,
    weekly_schedule,
    worked,
)
from pmcrm.calendars._rules import DAY, WALL_TIME, check_calendar, clock
from pmcrm.errors import CalendarCoverageError, InvalidValue
from pmcrm.validators import at_least, at_most, each, min_items, of_type, text, unique

__all__ = ["BusinessCalendar", "WorkingHours"]

_ONE_DAY = timedelta(days=1)


@attrs.frozen(kw_only=True)
class WorkingHours:
    """One weekly working interval: a weekday, a start and an end (wall-clock times).

    Intervals are half-open: the clock runs from *start* included to *end*
    excluded.  An interval cannot run past midnight; for a desk that works
    round the clock use :class:`~pmcrm.calendars.ContinuousTime`, and for a
    night shift give two intervals (to 23:59:59 and from 00:00 the next
    weekday).

    >>> from datetime import time
    >>> from pmcrm.calendars import WorkingHours
    >>> WorkingHours(weekday=1, start=time(9), end=time(12))
    WorkingHours(weekday=1, start=datetime.time(9, 0), end=datetime.time(12, 0))
    >>> WorkingHours(weekday=1, start=time(13, 30), end=time(12))
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'end' must be after 'start': '12:00'

    Attributes:
        weekday: The ISO weekday, 1 (Monday) to 7 (Sunday).
        start: When work starts, a time without tzinfo.
        end: When work stops, after *start* on the same day.
    """

    weekday: int = attrs.field(validator=[of_type(int), at_least(1), at_most(7)])
    start: time = attrs.field(validator=WALL_TIME)
    end: time = attrs.field(validator=WALL_TIME)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidValue(
                "end", "order", value=clock(self.end), other="start", subpath=".end"
            )


class _Lazy:
    """Slots for the calendar's index and day tables, outside attrs' fields.

    They are derived data, built on first use: not fields, so they take no
    part in ``__init__``, equality, hashing, ``repr``, pickling,
    :func:`attrs.evolve` or serialisation.  ``_days`` is set before
    ``_index``: whoever finds the index finds the day tables.
    """

    __slots__ = ("_days", "_index")
    _days: Days
    _index: Index


@attrs.frozen(kw_only=True)
class BusinessCalendar(_Lazy):
    """Working time (工作时间) for SLA clocks: weekly hours, holidays, make-up days, coverage.

    A day's working intervals are:

    * none on a **holiday** (节假日), whatever the week says;
    * the hours of weekday *make_up_as* (Monday by default) on a **make-up
      working day** (调休上班日, a weekend day worked to bridge a holiday);
    * otherwise the hours of its weekday.

    Wall-clock times are read in *timezone*.  A time skipped by a
    daylight-saving change is read as :mod:`zoneinfo` reads it (with the
    offset from before the change: 02:30 becomes 03:30 summer time), a
    repeated time is its first occurrence, and an interval that the change
    would make overlap its predecessor starts where that one ends.

    All arithmetic is on **absolute time**, exact to the microsecond:
    instants are measured from the epoch in UTC first (never as wall-clock
    differences), so on the night the clocks go forward an interval
    00:00-06:00 holds 5 hours of work, not 6.

    * ``between(a, b)`` is the working time from *a* to *b*, and
      ``-between(b, a)`` when *b* is before *a*.
    * ``add(t, d)`` is the **earliest** instant ``u >= t`` with
      ``between(t, u) == d``.  So ``add(t, timedelta(0)) == t``; a clock
      started outside working time starts at the next opening; and a
      deadline that falls exactly at the end of an interval stays there
      (18:00 on Friday, not 09:00 on Monday).
    * ``subtract(t, d)`` is the **latest** instant ``u <= t`` with
      ``between(u, t) == d``.
    * A duration is working time, not calendar time: ``timedelta(days=3)``
      is 72 working hours (nearly ten office days of 7.5 hours).  There is
      no month or "working day" arithmetic here.

    The calendar **covers** the days *first_day* to *last_day*: an instant
    is covered when its local date is one of them.  Any question about an
    instant outside (or an ``add`` or ``subtract`` that would run past the
    coverage) raises :exc:`~pmcrm.errors.CalendarCoverageError` instead of
    guessing.

    Each method takes any aware datetime (a naive one raises
    :exc:`~pmcrm.errors.InvalidValue` with the code ``naive_datetime``) and
    returns datetimes in the calendar's *timezone*.  On first use the
    calendar lays out the working intervals of its whole coverage as sorted
    arrays with a running sum (a prefix-sum index); each question is then
    at most one or two bisections, whatever the duration.  An instant given
    in the fixed offset of the calendar's zone (``+08:00`` for
    ``Asia/Shanghai``, as read from JSON) is placed by day tables without
    a conversion or a bisection: :meth:`between` two such instants costs
    a few list look-ups.  The answers are the same, exactly, either way.

    >>> from datetime import date, datetime, time, timedelta, timezone
    >>> from pmcrm.calendars import BusinessCalendar, WorkingHours
    >>> cst = timezone(timedelta(hours=8))
    >>> cal = BusinessCalendar(
    ...     name="office",
    ...     timezone=cst,
    ...     hours=tuple(
    ...         WorkingHours(weekday=d, start=time(*s), end=time(*e))
    ...         for d in range(1, 6)
    ...         for s, e in (((9, 0), (12, 0)), ((13, 30), (18, 0)))
    ...     ),
    ...     holidays=(date(2026, 5, 1),),
    ...     workdays=(date(2026, 5, 9),),
    ...     first_day=date(2026, 1, 1),
    ...     last_day=date(2026, 12, 31),
    ... )
    >>> cal.add(datetime(2026, 4, 30, 17, 0, tzinfo=cst), timedelta(hours=2)).isoformat()
    '2026-05-04T10:00:00+08:00'
    >>> cal.between(
    ...     datetime(2026, 5, 8, 17, 0, tzinfo=cst), datetime(2026, 5, 9, 12, 0, tzinfo=cst)
    ... )
    datetime.timedelta(seconds=14400)

    Attributes:
        name: A short name, used in coverage errors.
        timezone: The zone the wall-clock times are read in.
        hours: The weekly working intervals, at least one and at most
            :data:`~pmcrm.calendars.MAX_INTERVALS`; several a day are allowed (a lunch
            break), in any order.  Intervals of one weekday must not
            overlap; touching intervals (09:00-12:00 and 12:00-13:00) are
            allowed and work as one.
        holidays: Days off even when the week says work; unique, covered,
            none of them a make-up day.
        workdays: Make-up working days, worked even when the week says
            off; unique and covered.
        make_up_as: The ISO weekday whose hours a make-up day works (it
            must have hours when there are make-up days).
        first_day: The first day covered.
        last_day: The last day covered: not before *first_day*, and at
            most :data:`~pmcrm.calendars.MAX_COVERAGE_DAYS` days in all.
    """

    name: str = attrs.field(validator=text(64))
    timezone: tzinfo = attrs.field(validator=of_type(tzinfo))
    hours: tuple[WorkingHours, ...] = attrs.field(
        validator=[min_items(1), each(of_type(WorkingHours))]
    )
    holidays: tuple[date, ...] = attrs.field(
        default=(), validator=[each(DAY), unique(lambda d: d.isoformat(), "day")]
    )
    workdays: tuple[date, ...] = attrs.field(
        default=(), validator=[each(DAY), unique(lambda d: d.isoformat(), "day")]
    )
    make_up_as: int = attrs.field(default=1, validator=[of_type(int), at_least(1), at_most(7)])
    first_day: date = attrs.field(validator=[DAY, at_least(date(1, 1, 2))])
    last_day: date = attrs.field(validator=[DAY, at_most(date(9999, 12, 30))])

    def __attrs_post_init__(self) -> None:
        check_calendar(self)

    # --- the index -------------------------------------------------------------------

    def _build(self) -> Index:
        index = build_index(
            timezone=self.timezone,
            week=weekly_schedule((h.weekday, h.start, h.end) for h in self.hours),
            holidays=frozenset(self.holidays),
            workdays=frozenset(self.workdays),
            make_up_as=self.make_up_as,
            first_day=self.first_day,
            last_day=self.last_day,
        )
        object.__setattr__(self, "_days", build_days(index, self.first_day))
        object.__setattr__(self, "_index", index)
        return index

    def _outside(self, at: datetime) -> CalendarCoverageError:
        return CalendarCoverageError(
            self.name, at.astimezone(self.timezone).date(), self.first_day, self.last_day
        )

    def _past_end(self) -> CalendarCoverageError:
        return CalendarCoverageError(
            self.name, self.last_day + _ONE_DAY, self.first_day, self.last_day
        )

    # --- TimeBase ----------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant ``u >= start`` with ``between(start, u) == duration``.

        ``add(start, timedelta(0))`` is *start*.  Started outside working
        time, the clock starts at the next opening; a result exactly at the
        end of a working interval stays there.

        Raises:
            InvalidValue: *start* is naive, or *duration* is negative.
            CalendarCoverageError: *start* is not covered, or the coverage
                ends before *duration* of working time has passed.
        """
        try:
            _, _, starts, _, prefix, _, epoch, fromutc = self._index
        except AttributeError:
            _, _, starts, _, prefix, _, epoch, fromutc = self._build()
        done = worked(self._days, start, "start")
        try:
            nothing = duration <= ZERO
        except TypeError:
            nothing = True  # not a timedelta: check_duration refuses it below
        if nothing:
            check_duration(duration)  # refuses a negative duration, or not a timedelta
            if done is not None:
                return start.astimezone(self.timezone)
            raise self._outside(start)
        if done is None:
            raise self._outside(start)
        target = done + duration
        j = bisect_left(prefix, target)
        if j == len(prefix):
            raise self._past_end()
        j -= 1
        return fromutc(epoch + starts[j] + (target - prefix[j]))

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """The latest instant ``u <= end`` with ``between(u, end) == duration``.

        ``subtract(end, timedelta(0))`` is *end*.  A result with a positive
        duration is always working time: at worst the start of an interval.

        Raises:
            InvalidValue: *end* is naive, or *duration* is negative.
            CalendarCoverageError: *end* is not covered, or the coverage
                starts before *duration* of working time has passed.
        """
        try:
            _, _, starts, _, prefix, _, epoch, fromutc = self._index
        except AttributeError:
            _, _, starts, _, prefix, _, epoch, fromutc = self._build()
        done = worked(self._days, end, "end")
        try:
            nothing = duration <= ZERO
        except TypeError:
            nothing = True  # not a timedelta: check_duration refuses it below
        if nothing:
            check_duration(duration)  # refuses a negative duration, or not a timedelta
            if done is not None:
                return end.astimezone(self.timezone)
            raise self._outside(end)
        if done is None:
            raise self._outside(end)
        target = done - duration
        if target < ZERO:
            raise CalendarCoverageError(
                self.name, self.first_day - _ONE_DAY, self.first_day, self.last_day
            )
        j = bisect_right(prefix, target) - 1
        return fromutc(epoch + starts[j] + (target - prefix[j]))

    def between(self, start: datetime, end: datetime) -> timedelta:  # noqa: PLR0912 - inlined
        """The working time from *start* to *end*; negative when *end* is before *start*.

        Raises:
            InvalidValue: an argument is naive.
            CalendarCoverageError: an argument is not covered.
        """
        try:
            rows, zone, lo, hi, starts, ends, prefix = self._days
        except AttributeError:
            self._build()
            rows, zone, lo, hi, starts, ends, prefix = self._days
        # `worked` (pmcrm.calendars._index) inlined twice: the day tables answer an instant
        # in the offset of the calendar's first midnight (+08:00 on a China calendar) ...
        if (
            type(start) is datetime
            and type(tz := start.tzinfo) is timezone
            and tz == zone
            and (row := rows.get(start.toordinal())) is not None
        ):
            a, hours = row
            minutes, working = hours[start.hour]
            m = start.minute
            a += minutes[m]
            if working[m]:
                a += SECONDS[start.second]
                if us := start.microsecond:
                    a += MILLISECONDS[us // 1000] + MICROSECONDS[us % 1000]
        else:  # ... and the bisection any other
            try:
                t = start - EPOCH
            except TypeError:
                t = since_epoch(start, "start")
            if lo <= t < hi:
                k = bisect_right(ends, t)
                w = t - starts[k]
                a = prefix[k] + w if w > ZERO else prefix[k]
            else:
                a = None
        if (
            type(end) is datetime
            and type(tz := end.tzinfo) is timezone
            and tz == zone
            and (row := rows.get(end.toordinal())) is not None
        ):
            b, hours = row
            minutes, working = hours[end.hour]
            m = end.minute
            b += minutes[m]
            if working[m]:
                b += SECONDS[end.second]
                if us := end.microsecond:
                    b += MILLISECONDS[us // 1000] + MICROSECONDS[us % 1000]
        else:
            try:
                t = end - EPOCH
            except TypeError:
                t = since_epoch(end, "end")
            if lo <= t < hi:
                k = bisect_right(ends, t)
                w = t - starts[k]
                b = prefix[k] + w if w > ZERO else prefix[k]
            else:
                b = None
        if a is None:
            raise self._outside(start)
        if b is None:
            raise self._outside(end)
        return b - a

    def is_working(self, at: datetime) -> bool:
        """Whether *at* is working time: inside an interval, its start included, its end not.

        Raises:
            InvalidValue: *at* is naive.
            CalendarCoverageError: *at* is not covered.
        """
        try:
            lo, hi, starts, ends, _, _, _, _ = self._index
        except AttributeError:
            lo, hi, starts, ends, _, _, _, _ = self._build()
        t = since_epoch(at, "at")
        if not lo <= t < hi:
            raise self._outside(at)
        return starts[bisect_right(ends, t)] <= t

    def next_opening(self, at: datetime) -> datetime:
        """*at* if it is working time, else the start of the next working interval.

        Raises:
            InvalidValue: *at* is naive.
            CalendarCoverageError: *at* is not covered, or no working
                interval starts after it in the coverage.
        """
        try:
            lo, hi, starts, ends, _, _, epoch, fromutc = self._index
        except AttributeError:
            lo, hi, starts, ends, _, _, epoch, fromutc = self._build()
        t = since_epoch(at, "at")
        if not lo <= t < hi:
            raise self._outside(at)
        k = bisect_right(ends, t)
        if k == len(ends):
            raise self._past_end()
        if starts[k] <= t:
            return at.astimezone(self.timezone)
        return fromutc(epoch + starts[k])

    # --- days ---------------------------------------------------------------------------

    def day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of the local *day*, as aware ``(start, end)`` pairs.

        In the calendar's time zone, sorted, touching intervals merged;
        empty on a day off.

        >>> from datetime import date, time, timedelta, timezone
        >>> from pmcrm.calendars import BusinessCalendar, WorkingHours
        >>> cal = BusinessCalendar(
        ...     name="desk",
        ...     timezone=timezone(timedelta(hours=8)),
        ...     hours=(
        ...         WorkingHours(weekday=1, start=time(13, 30), end=time(18)),
        ...         WorkingHours(weekday=1, start=time(9), end=time(12)),
        ...     ),
        ...     first_day=date(2026, 3, 2),
        ...     last_day=date(2026, 3, 8),
        ... )
        >>> [
        ...     (s.strftime("%H:%M"), e.strftime("%H:%M"))
        ...     for s, e in cal.day_intervals(date(2026, 3, 2))
        ... ]
        [('09:00', '12:00'), ('13:30', '18:00')]
        >>> cal.day_intervals(date(2026, 3, 3))
        ()

        Raises:
            InvalidValue: *day* is not a date.
            CalendarCoverageError: *day* is not covered.
        """
        if type(day) is not date:
            raise InvalidValue("day", "type", value=day, expected="date", got=type(day).__name__)
        if not self.first_day <= day <= self.last_day:
            raise CalendarCoverageError(self.name, day, self.first_day, self.last_day)
        try:
            _, _, starts, ends, _, offsets, epoch, fromutc = self._index
        except AttributeError:
            _, _, starts, ends, _, offsets, epoch, fromutc = self._build()
        i = (day - self.first_day).days
        return tuple(
            (fromutc(epoch + starts[k]), fromutc(epoch + ends[k]))
            for k in range(offsets[i], offsets[i + 1])
        )
