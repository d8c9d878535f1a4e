"""Validators for attrs fields that raise :class:`~pmcrm.errors.InvalidValue`.

Each is a public factory over a small private class with a readable repr,
in the manner of :mod:`attrs.validators`.  They name the field, the rule and
the value in their errors, and they never use the instance they are given,
so pmcrm's converter can run them on a single field to report every fault
with its path.

>>> import attrs
>>> @attrs.frozen
... class Unit:
...     area: int = attrs.field(validator=at_least(1))
>>> Unit(area=0)
Traceback (most recent call last):
...
pmcrm.errors.InvalidValue: 'area' must be >= 1: 0
"""

import re
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any

import attrs

from pmcrm.errors import InvalidValue, iso_duration
from pmcrm.values import Money

__all__ = [
    "at_least",
    "at_most",
    "aware",
    "code",
    "each",
    "greater_than",
    "min_items",
    "money_at_least",
    "non_negative_money",
    "of_type",
    "optional_text",
    "text",
    "unique",
]
_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


@attrs.frozen(repr=False)
class _Text:
    max_length: int

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
        if type(value) is not str:
            raise InvalidValue(
                attr.name, "type", value=value, expected="str", got=type(value).__name__
            )
        if not value.strip():
            raise InvalidValue(attr.name, "empty", value=value)
        if len(value) > self.max_length:
            raise InvalidValue(
                attr.name, "max_length", value=value, bound=self.max_length, length=len(value)
            )

    def __repr__(self) -> str:
        return f"<text validator, non-blank, at most {self.max_length} characters>"


def text(max_length: int = 200) -> _Validator:
    """A non-blank ``str`` of at most *max_length* characters."""
    return _Text(max_length)


@attrs.frozen(repr=False)
class _OptionalText:
    text: _Text

    def __call__(self, inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
        if value is not None:
            self.text(inst, attr, value)

    def __repr__(self) -> str:
        return f"<optional text validator, at most {self.text.max_length} characters>"


def optional_text(max_length: int = 200) -> _Validator:
    """``None``, or a non-blank ``str`` of at most *max_length* characters."""
    return _OptionalText(_Text(max_length))


@attrs.frozen(repr=False)
class _Bound:
    bound: Any
    op: str

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Any) -> None:
        if not _holds(value, self.op, self.bound):
            bound = iso_duration(self.bound) if isinstance(self.bound, timedelta) else self.bound
            raise InvalidValue(attr.name, self.op, value=value, bound=bound)

    def __repr__(self) -> str:
        return f"<bound validator {_SYMBOLS[self.op]} {self.bound!r}>"


_SYMBOLS = {"ge": ">=", "gt": ">", "le": "<="}


def _holds(value: Any, op: str, bound: Any) -> bool:
    """The comparison rule behind the bound validators."""
    if op == "ge":
        return bool(value >= bound)
    if op == "gt":
        return bool(value > bound)
    return bool(value <= bound)


def at_least(bound: Any) -> _Validator:
    """The value must be ``>= bound`` (equality passes)."""
    return _Bound(bound, "ge")


def greater_than(bound: Any) -> _Validator:
    """The value must be ``> bound`` (equality fails)."""
    return _Bound(bound, "gt")


def at_most(bound: Any) -> _Validator:
    """The value must be ``<= bound`` (equality passes)."""
    return _Bound(bound, "le")


@attrs.frozen(repr=False)
class _OfType:
    kind: type

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Any) -> None:
        if not isinstance(value, self.kind):
            raise InvalidValue(
                attr.name,
                "type",
                value=value,
                expected=self.kind.__name__,
                got=type(value).__name__,
            )

    def __repr__(self) -> str:
        return f"<type validator {self.kind.__name__}>"


def of_type(kind: type) -> _Validator:
    """The value must be an instance of *kind*."""
    return _OfType(kind)


@attrs.frozen(repr=False)
class _MinItems:
    minimum: int

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Any) -> None:
        if len(value) < self.minimum:
            raise InvalidValue(
                attr.name, "min_items", value=value, bound=self.minimum, length=len(value)
            )

    def __repr__(self) -> str:
        return f"<min_items validator {self.minimum}>"


def min_items(minimum: int) -> _Validator:
    """The sequence must hold at least *minimum* items."""
    return _MinItems(minimum)


@attrs.frozen(repr=False)
class _Each:
    item: _Validator

    def __call__(self, inst: object, attr: "attrs.Attribute[Any]", value: Any) -> None:
        for index, item in enumerate(value):
            try:
                self.item(inst, attr, item)
            except InvalidValue as exc:
                exc.subpath = f"[{index}]" + exc.subpath
                raise

    def __repr__(self) -> str:
        return f"<each validator {self.item!r}>"


def each(item: _Validator) -> _Validator:
    """Apply *item* to every element of the sequence; faults carry the index."""
    return _Each(item)


@attrs.frozen(repr=False)
class _MoneyAtLeast:
    minimum: Money

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Money) -> None:
        if value.currency != self.minimum.currency:
            raise InvalidValue(
                attr.name, "currency", value=value.currency, other=self.minimum.currency
            )
        if value.amount < self.minimum.amount:
            raise InvalidValue(attr.name, "ge", value=str(value), bound=str(self.minimum))

    def __repr__(self) -> str:
        return f"<money validator >= {self.minimum}>"


def money_at_least(minimum: Money) -> _Validator:
    """The money must be in *minimum*'s currency and at least *minimum*."""
    return _MoneyAtLeast(minimum)


@attrs.frozen(repr=False)
class _Unique:
    key: Callable[[Any], Hashable]
    what: str

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Any) -> None:
        seen: set[Hashable] = set()
        for index, item in enumerate(value):
            k = self.key(item)
            if k in seen:
                raise InvalidValue(
                    attr.name, "duplicate", value=k, subpath=f"[{index}]", what=self.what
                )
            seen.add(k)

    def __repr__(self) -> str:
        return f"<unique validator by {self.what}>"


def unique(key: Callable[[Any], Hashable], what: str) -> _Validator:
    """No two items of the sequence share ``key(item)`` (*what* names the key)."""
    return _Unique(key, what)


@attrs.frozen(repr=False)
class _NonNegativeMoney:
    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Money) -> None:
        if value.amount < 0:
            raise InvalidValue(attr.name, "ge", value=str(value), bound=0)

    def __repr__(self) -> str:
        return "<money validator >= 0 in any currency>"


def non_negative_money() -> _Validator:
    """The money must not be negative; any currency."""
    return _NonNegativeMoney()


@attrs.frozen(repr=False)
class _Aware:
    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Any) -> None:
        if not isinstance(value, datetime):
            raise InvalidValue(
                attr.name, "type", value=value, expected="datetime", got=type(value).__name__
            )
        if value.utcoffset() is None:
            raise InvalidValue(attr.name, "naive_datetime", value=value.isoformat())

    def __repr__(self) -> str:
        return "<aware datetime validator>"


def aware() -> _Validator:
    """A timezone-aware :class:`~datetime.datetime` (one with a UTC offset)."""
    return _Aware()


_CODE = re.compile(r"[a-z][a-z0-9_]*(?:[.-][a-z0-9_]+)*\Z")


@attrs.frozen(repr=False)
class _Code:
    max_length: int

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: Any) -> None:
        if type(value) is not str:
            raise InvalidValue(
                attr.name, "type", value=value, expected="str", got=type(value).__name__
            )
        if len(value) > self.max_length or not _CODE.match(value):
            raise InvalidValue(
                attr.name,
                "format",
                value=value,
                what=f"code (lower-case letters, digits, '_', '.', '-'; "
                f"at most {self.max_length} characters)",
                what_zh=f"代码（小写字母、数字、_ . -，最多 {self.max_length} 个字符）",
            )

    def __repr__(self) -> str:
        return f"<code validator, at most {self.max_length} characters>"


def code(max_length: int = 40) -> _Validator:
    """A machine code such as ``"water_leak"`` or ``"fees.parking"``.

    Lower-case ASCII letters, digits and ``_``, with ``.`` or ``-`` between
    parts; it starts with a letter.
    """
    return _Code(max_length)
