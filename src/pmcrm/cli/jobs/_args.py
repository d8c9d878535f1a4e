"""Argument types of the job commands: strict dates and aware date-times."""

import argparse
from datetime import date, datetime

from pmcrm import _parse
from pmcrm.errors import InvalidValue

__all__ = ["count", "day", "instant", "month"]


def day(text: str) -> date:
    """A strict ``YYYY-MM-DD``."""
    try:
        return _parse.parse_date(text)
    except InvalidValue:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2026-11-23"
        ) from None


def instant(text: str) -> datetime:
    """An ISO date-time with its offset (a naive one is refused: whose 17:00?)."""
    try:
        return _parse.parse_datetime(text)
    except InvalidValue as exc:
        raise argparse.ArgumentTypeError(
            f"invalid date-time {text!r}: {exc.message_en}; expected e.g. "
            "2026-11-23T17:00:00+08:00"
        ) from None


def month(text: str) -> date:
    """A month ``YYYY-MM``, as its first day."""
    try:
        return _parse.parse_date(f"{text}-01")
    except InvalidValue:
        raise argparse.ArgumentTypeError(
            f"invalid month {text!r}: expected YYYY-MM, e.g. 2026-11"
        ) from None


def count(text: str) -> int:
    """A whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid count {text!r}: expected a whole number"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: must be at least 1")
    return value
