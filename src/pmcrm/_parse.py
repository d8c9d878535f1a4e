"""Strict leaf parsers shared by the detailed converter and the fast path.

Both paths call these same functions, so they accept exactly the same
leaves; they differ only in how they report a fault.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pmcrm.errors import InvalidValue

#: Largest absolute integer accepted from JSON (exactly representable as a double).
MAX_INT = 2**53 - 1

_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,6})?\Z")
_MAX_DECIMAL_INT = 10**15 - 1
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DATETIME_MAX = 40

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


def type_error(expected: str, value: object) -> InvalidValue:
    """A ``type`` fault: *expected* a JSON type, got *value*'s."""
    return InvalidValue("", "type", value=value, expected=expected, got=json_type(value))


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
