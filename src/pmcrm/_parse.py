"""Strict leaf parsers shared by the detailed converter and the fast path.

Both paths call these same functions, so they accept exactly the same
leaves; they differ only in how they report a fault.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

from pmcrm.errors import InvalidValue, iso_duration

#: Largest absolute integer accepted from JSON (exactly representable as a double).
MAX_INT = 2**53 - 1

_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,6})?\Z")
_MAX_DECIMAL_INT = 10**15 - 1
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME_MAX = 40
_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?\Z")
_DURATION = re.compile(
    r"P(?:([0-9]{1,5})D)?(?:T(?:([0-9]{1,6})H)?(?:([0-9]{1,8})M)?(?:([0-9]{1,9})S)?)?\Z"
)
#: :func:`format_duration` writes hours, and :data:`_DURATION` reads at most 6 digits of them.
_DURATION_LIMIT = timedelta(hours=1_000_000)
_OFFSET = re.compile(r"([+-])([01][0-9]|2[0-3]):([0-5][0-9])\Z")
_TZ_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}\Z")

_JSON_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def json_type(value: object) -> str:
    """The JSON name of *value*'s type (never the value itself)."""
    return _JSON_NAMES.get(type(value), type(value).__name__)


#: The Chinese of the JSON type names and of what a ``type`` fault expects, for the
#: Chinese message (the English stays in the English one).
_ZH_NAMES = {
    "object": "对象",
    "array": "数组",
    "string": "字符串",
    "boolean": "布尔值",
    "integer": "整数",
    "number": "数字",
    "a string": "字符串",
    "an integer": "整数",
    "a boolean": "布尔值",
    "an array": "数组",
    "an object": "对象",
    "a date string (YYYY-MM-DD)": "日期字符串（YYYY-MM-DD）",
    "a time string (HH:MM)": "时间字符串（HH:MM）",
    "a time zone string": "时区字符串",
    "an ISO 8601 date-time string": "ISO 8601 日期时间字符串",
    "an ISO 8601 duration string (such as PT2H)": "ISO 8601 时长字符串（如 PT2H）",
    "a field of another type (pmcrm loads no floats: use Decimal)": (
        "其他类型的值（pmcrm 不读取浮点数：请用 Decimal 字符串）"
    ),
}


def type_error(expected: str, value: object, *, sensitive: bool = False) -> InvalidValue:
    """A ``type`` fault: *expected* a JSON type, got *value*'s; named in zh and en.

    With *sensitive* (personal data), the value itself is never echoed.

    >>> print(type_error("an integer", "3").message_zh)
    '' 应为 整数，实际为 字符串
    """
    got = json_type(value)
    return InvalidValue(
        "",
        "type",
        value=value,
        sensitive=sensitive,
        expected=expected,
        got=got,
        expected_zh=_ZH_NAMES.get(expected, expected),
        got_zh=_ZH_NAMES.get(got, got),
    )


def parse_str(value: Any, max_length: int) -> str:
    """A JSON string of at most *max_length* characters."""
    if type(value) is not str:
        raise type_error("a string", value)
    if len(value) > max_length:
        raise InvalidValue("", "max_length", value=value, bound=max_length, length=len(value))
    return value


def parse_int(value: Any) -> int:
    """A JSON integer (not a boolean, not a float) within ±(2**53 - 1)."""
    if type(value) is not int:
        raise type_error("an integer", value)
    if not -MAX_INT <= value <= MAX_INT:
        raise InvalidValue("", "le", value=value, bound="2**53 - 1 in absolute value")
    return value


def parse_bool(value: Any) -> bool:
    """A JSON boolean: ``true`` or ``false``, never a string or a number."""
    if type(value) is not bool:
        raise type_error("a boolean", value)
    return value


def parse_decimal(value: Any) -> Decimal:
    """A decimal from a string such as ``"-12.50"`` or from an integer.

    At most 15 integer digits and 6 fractional digits; no exponent, no sign
    ``+``, no ``NaN`` or ``Infinity``, no floats.
    """
    kind = type(value)
    if kind is str:
        if _DECIMAL.match(value):
            return Decimal(value)
    elif kind is int:
        if -_MAX_DECIMAL_INT <= value <= _MAX_DECIMAL_INT:
            return Decimal(value)
    elif kind is float:
        raise InvalidValue("", "float", value=value)
    raise InvalidValue("", "decimal", value=value)


def parse_date(value: Any) -> date:
    """A date from an ISO string ``YYYY-MM-DD``."""
    if type(value) is not str:
        raise type_error("a date string (YYYY-MM-DD)", value)
    if _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidValue(
        "", "format", value=value, what="date (YYYY-MM-DD)", what_zh="日期（YYYY-MM-DD）"
    )


def parse_datetime(value: Any) -> datetime:
    """A timezone-aware datetime from an ISO 8601 string with an offset."""
    if type(value) is not str:
        raise type_error("an ISO 8601 date-time string", value)
    if len(value) <= _DATETIME_MAX:
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if result.utcoffset() is None:
                raise InvalidValue("", "naive_datetime", value=value)
            return result
    raise InvalidValue(
        "", "format", value=value, what="ISO 8601 date-time", what_zh="ISO 8601 日期时间"
    )


def format_decimal(value: Decimal) -> str:
    """A decimal as a plain string, never in exponent form."""
    return f"{value:f}"


def parse_time(value: Any) -> time:
    """A wall-clock time of day from ``"HH:MM"`` or ``"HH:MM:SS"`` (no offset)."""
    if type(value) is not str:
        raise type_error("a time string (HH:MM)", value)
    match = _TIME.match(value)
    if match is None:
        raise InvalidValue("", "format", value=value, what="time (HH:MM)", what_zh="时刻（HH:MM）")
    hour, minute, second = match.groups()
    return time(int(hour), int(minute), int(second or 0))


def format_time(value: time) -> str:
    """``"HH:MM"``, or ``"HH:MM:SS"`` when there are seconds.

    Raises:
        InvalidValue: a time with microseconds or a time zone, which
            :func:`parse_time` would not read back.
    """
    if value.microsecond or value.tzinfo is not None:
        raise InvalidValue(
            "", "invalid", value=value, detail="a time of day is whole seconds, without a zone"
        )
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def parse_duration(value: Any) -> timedelta:
    """A non-negative duration from an ISO 8601 string such as ``"PT2H"`` or ``"P3DT4H30M"``.

    Days, hours, minutes and whole seconds only: years and months have no
    fixed length, so they are refused.
    """
    if type(value) is not str:
        raise type_error("an ISO 8601 duration string (such as PT2H)", value)
    match = _DURATION.match(value)
    if match is None or value in ("P", "PT") or value.endswith("T"):
        raise InvalidValue(
            "",
            "format",
            value=value,
            what="ISO 8601 duration (such as PT2H or P3D)",
            what_zh="ISO 8601 时长（如 PT2H、P3D）",
        )
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The canonical ISO 8601 form: hours, minutes and seconds (``"PT72H"``, ``"PT1H30M"``).

    Raises:
        InvalidValue: a negative duration, one with microseconds or one of
            1,000,000 hours or more, which :func:`parse_duration` would not
            read back.
    """
    if value < timedelta(0) or value.microseconds or value >= _DURATION_LIMIT:
        raise InvalidValue(
            "",
            "invalid",
            value=value,
            detail="a duration is whole seconds, not negative and under 1,000,000 hours",
        )
    return iso_duration(value)


def parse_timezone(value: Any, resolve: Callable[[str], tzinfo]) -> tzinfo:
    """A time zone from ``"UTC"``, a fixed offset ``"+08:00"`` or an IANA key.

    IANA keys (``"Asia/Shanghai"``) are looked up with *resolve* (the
    serialization edge passes :class:`zoneinfo.ZoneInfo`).
    """
    if type(value) is not str:
        raise type_error("a time zone string", value)
    if value == "UTC":
        return UTC
    offset = _OFFSET.match(value)
    if offset is not None:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if sign == "-" else delta)
    # "localtime" is whatever the machine is set to: configuration is a value.
    if len(value) <= 64 and _TZ_KEY.match(value) and value != "localtime":
        try:
            return resolve(value)
        except (LookupError, ValueError, OSError):  # not found, or a folder of zones
            pass
    raise InvalidValue(
        "",
        "format",
        value=value,
        what="time zone (UTC, +08:00 or an IANA name such as Asia/Shanghai)",
        what_zh="时区（UTC、+08:00 或 IANA 名称如 Asia/Shanghai）",
    )


def format_timezone(value: tzinfo) -> str:
    """The text :func:`parse_timezone` reads back: an IANA key, ``"UTC"`` or ``"+HH:MM"``.

    Raises:
        InvalidValue: a time zone with neither a key nor a fixed offset.
    """
    key = getattr(value, "key", None)
    if isinstance(key, str):
        return key
    if value is UTC:
        return "UTC"
    if isinstance(value, timezone):
        offset = value.utcoffset(None)
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(offset) // timedelta(minutes=1)
        if not abs(offset) % timedelta(minutes=1):
            return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    raise InvalidValue(
        "", "invalid", value=value, detail="only IANA zones and whole-minute offsets are dumped"
    )
