"""The construction rules of working hours and business calendars, with their messages."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import attrs

from pmcrm.errors import InvalidValue

if TYPE_CHECKING:
    from pmcrm.calendars._business import BusinessCalendar, WorkingHours

#: The longest coverage a calendar may declare, in days (about 100 years):
#: the index holds every working interval of the coverage in memory.
MAX_COVERAGE_DAYS = 36_525
#: The most weekly working intervals a calendar may have (12 a day on average).
MAX_INTERVALS = 84
_WEEKDAYS = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
_WEEKDAYS_ZH = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


@attrs.frozen(repr=False)
class _WallTime:
    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
        if type(value) is not time:
            raise InvalidValue(
                attr.name, "type", value=value, expected="time", got=type(value).__name__
            )
        if value.tzinfo is not None:
            raise InvalidValue(
                attr.name,
                "format",
                value=value.isoformat(),
                what="wall-clock time (without a time zone: the calendar has one)",
                what_zh="钟面时刻（不带时区：时区由日历给出）",
            )

    def __repr__(self) -> str:
        return "<wall-clock time validator>"


@attrs.frozen(repr=False)
class _Day:
    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
        if type(value) is not date:
            raise InvalidValue(
                attr.name, "type", value=value, expected="date", got=type(value).__name__
            )

    def __repr__(self) -> str:
        return "<date validator (a date, not a datetime)>"


Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
WALL_TIME: Validator = _WallTime()
DAY: Validator = _Day()


def clock(value: time) -> str:
    """``"HH:MM"``, or ``"HH:MM:SS"`` (with any fraction) when there are seconds."""
    return value.isoformat(timespec="seconds" if value.second or value.microsecond else "minutes")


def check_calendar(cal: "BusinessCalendar") -> None:
    """The rules that span several fields of a calendar (the field validators ran first)."""
    if cal.last_day < cal.first_day:
        raise InvalidValue(
            "last_day",
            "ge",
            value=cal.last_day.isoformat(),
            bound=cal.first_day.isoformat(),
            subpath=".last_day",
        )
    if (cal.last_day - cal.first_day).days >= MAX_COVERAGE_DAYS:
        bound = cal.first_day + timedelta(days=MAX_COVERAGE_DAYS - 1)
        raise InvalidValue(
            "last_day",
            "le",
            value=cal.last_day.isoformat(),
            bound=f"{bound.isoformat()} ({MAX_COVERAGE_DAYS} days of coverage)",
            bound_zh=f"{bound.isoformat()}（覆盖 {MAX_COVERAGE_DAYS} 天）",
            subpath=".last_day",
        )
    if len(cal.hours) > MAX_INTERVALS:
        raise InvalidValue(
            "hours",
            "max_items",
            value=f"<{len(cal.hours)} items>",
            bound=MAX_INTERVALS,
            length=len(cal.hours),
            subpath=".hours",
        )
    check_hours(cal.hours)
    check_days(cal)
    if cal.timezone.utcoffset(datetime.combine(cal.first_day, time(12))) is None:
        raise InvalidValue(
            "timezone",
            "format",
            value=repr(cal.timezone),
            what="time zone (its utcoffset() is None)",
            what_zh="时区（其 utcoffset() 为 None）",
            subpath=".timezone",
        )


def check_hours(hours: "tuple[WorkingHours, ...]") -> None:
    """No two intervals of one weekday overlap (touching is fine)."""
    ordered = sorted(range(len(hours)), key=lambda i: (hours[i].weekday, hours[i].start))
    for before, after in pairwise(ordered):
        a, b = hours[before], hours[after]
        if a.weekday == b.weekday and b.start < a.end:
            first, earlier = max(before, after), min(before, after)
            other = hours[earlier]
            span = f"{_WEEKDAYS[a.weekday]} {clock(other.start)}-{clock(other.end)}"
            span_zh = f"{_WEEKDAYS_ZH[a.weekday]} {clock(other.start)}-{clock(other.end)}"
            raise InvalidValue(
                "hours",
                "format",
                value=f"{clock(hours[first].start)}-{clock(hours[first].end)}",
                what=f"working interval: it overlaps hours[{earlier}], {span}",
                what_zh=f"工作时段：与 hours[{earlier}]（{span_zh}）重叠",
                subpath=f".hours[{first}]",
            )


def check_days(cal: "BusinessCalendar") -> None:
    """Holidays and make-up days are covered and disjoint; make-up days have hours to work."""
    first, last = cal.first_day, cal.last_day
    coverage = f"{first.isoformat()} to {last.isoformat()}"
    for field in ("holidays", "workdays"):
        for i, day in enumerate(getattr(cal, field)):
            if not first <= day <= last:
                raise InvalidValue(
                    field,
                    "format",
                    value=day.isoformat(),
                    what=f"day in the calendar's coverage, {coverage}",
                    what_zh=f"日历覆盖范围内的日期（{first.isoformat()} 至 {last.isoformat()}）",
                    subpath=f".{field}[{i}]",
                )
    holidays = set(cal.holidays)
    for i, day in enumerate(cal.workdays):
        if day in holidays:
            raise InvalidValue(
                "workdays",
                "format",
                value=day.isoformat(),
                what="make-up working day: it is also listed in holidays",
                what_zh="调休上班日：它同时列在 holidays 中",
                subpath=f".workdays[{i}]",
            )
    if cal.workdays and not any(h.weekday == cal.make_up_as for h in cal.hours):
        raise InvalidValue(
            "make_up_as",
            "format",
            value=cal.make_up_as,
            what="weekday with working hours (make-up days work its hours)",
            what_zh="有工作时段的星期（调休上班日按其时段上班）",
            subpath=".make_up_as",
        )
