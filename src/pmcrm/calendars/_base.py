"""The time-base protocol, the 24/7 time base and the instant helpers both time bases share.

Instants are measured as the :class:`~datetime.timedelta` from the Unix
epoch, ``at - EPOCH``: exact (whole microseconds, never the float
:meth:`datetime.datetime.timestamp`), and absolute, because subtracting
from the aware UTC :data:`EPOCH` converts to UTC first (two datetimes
that share a daylight-saving zone would subtract as wall-clock times).
"""

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

import attrs

from pmcrm.errors import InvalidValue
from pmcrm.validators import text

__all__ = ["ContinuousTime", "TimeBase"]

#: The Unix epoch, aware (UTC).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The zero duration.
ZERO = timedelta(0)


def since_epoch(at: object, parameter: str) -> timedelta:
    """The absolute time from the epoch to *at*, an aware datetime named *parameter*.

    Raises:
        InvalidValue: *at* is not a datetime (``type``) or is naive
            (``naive_datetime``).
    """
    if not isinstance(at, datetime):
        raise InvalidValue(
            parameter, "type", value=at, expected="an aware datetime", got=type(at).__name__
        )
    if at.utcoffset() is None:
        raise InvalidValue(parameter, "naive_datetime", value=at.isoformat())
    return at - EPOCH


def check_duration(duration: object, parameter: str = "duration") -> timedelta:
    """*duration*, checked to be a :class:`~datetime.timedelta` that is not negative.

    Raises:
        InvalidValue: *duration* is not a timedelta (``type``) or is
            negative (``ge``).
    """
    if not isinstance(duration, timedelta):
        raise InvalidValue(
            parameter,
            "type",
            value=duration,
            expected="a timedelta",
            got=type(duration).__name__,
        )
    if duration < ZERO:
        raise InvalidValue(parameter, "ge", value=duration, bound="0")
    return duration


@runtime_checkable
class TimeBase(Protocol):
    """What an SLA clock counts on: a notion of which time counts, and arithmetic on it.

    :class:`~pmcrm.calendars.BusinessCalendar` (working hours, holidays,
    调休) and :class:`~pmcrm.calendars.ContinuousTime` (24/7) implement it;
    so can your own class (a tested contract suite lives in the project's
    ``tests/calendar_contract.py``).  Every method takes aware datetimes
    and refuses naive ones; durations are :class:`~datetime.timedelta`
    values of *counted* time, never negative, and all arithmetic is on
    absolute time (a daylight-saving change does not stretch or shrink a
    duration).

    >>> from datetime import datetime, timedelta, timezone
    >>> from pmcrm.calendars import ContinuousTime, TimeBase
    >>> desk: TimeBase = ContinuousTime()
    >>> desk.add(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), timedelta(hours=30))
    datetime.datetime(2026, 3, 3, 15, 0, tzinfo=datetime.timezone.utc)
    >>> isinstance(desk, TimeBase)
    True
    """

    @property
    def name(self) -> str:
        """A short name, used in messages (and in coverage errors)."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant ``u >= start`` with ``between(start, u) == duration``."""

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """The latest instant ``u <= end`` with ``between(u, end) == duration``."""

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The counted time from *start* to *end* (negative when *end* is earlier)."""

    def is_working(self, at: datetime) -> bool:
        """Whether the clock runs at *at* (working intervals are half-open)."""

    def next_opening(self, at: datetime) -> datetime:
        """*at* if the clock runs at *at*, else the instant it next starts running."""


@attrs.frozen
class ContinuousTime:
    """The 24/7 time base: every instant counts (a hotline, a round-the-clock desk).

    Durations are absolute: across a daylight-saving change, 24 hours are
    24 hours of elapsed time, not "the same time tomorrow".  Results are
    given in the time zone of the input, computed in UTC.  There is no
    coverage limit.

    >>> from datetime import datetime, timedelta
    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> desk = ContinuousTime()
    >>> start = datetime(2026, 3, 28, 12, 0, tzinfo=berlin)  # the day before the clocks go forward
    >>> desk.add(start, timedelta(hours=24)).isoformat()
    '2026-03-29T13:00:00+02:00'
    >>> desk.between(start, datetime(2026, 3, 29, 12, 0, tzinfo=berlin))
    datetime.timedelta(seconds=82800)

    Attributes:
        name: A short name, ``"24/7"`` unless told otherwise.
    """

    name: str = attrs.field(default="24/7", validator=text(64))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """*start* plus *duration* of elapsed time, in *start*'s time zone.

        Raises:
            InvalidValue: *start* is naive, or *duration* is negative.
        """
        return (EPOCH + since_epoch(start, "start") + check_duration(duration)).astimezone(
            start.tzinfo
        )

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """*end* minus *duration* of elapsed time, in *end*'s time zone.

        Raises:
            InvalidValue: *end* is naive, or *duration* is negative.
        """
        return (EPOCH + since_epoch(end, "end") - check_duration(duration)).astimezone(end.tzinfo)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The elapsed time from *start* to *end* (negative when *end* is earlier).

        Raises:
            InvalidValue: an argument is naive.
        """
        return since_epoch(end, "end") - since_epoch(start, "start")

    def is_working(self, at: datetime) -> bool:
        """Always true (for an aware *at*).

        Raises:
            InvalidValue: *at* is naive.
        """
        since_epoch(at, "at")
        return True

    def next_opening(self, at: datetime) -> datetime:
        """*at* itself: the desk never closes.

        Raises:
            InvalidValue: *at* is naive.
        """
        since_epoch(at, "at")
        return at
