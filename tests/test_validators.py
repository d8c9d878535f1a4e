"""Tests of :mod:`pmcrm.validators`: each factory, its error and its repr."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

from pmcrm.errors import InvalidValue
from pmcrm.validators import (
    at_least,
    at_most,
    each,
    greater_than,
    min_items,
    money_at_least,
    non_negative_money,
    of_type,
    text,
    unique,
)
from pmcrm.values import Money


def fault(validator: Callable[..., None], value: object) -> InvalidValue:
    """The InvalidValue *validator* raises for *value* on a field named ``area``."""
    attribute = attrs.fields(Field).area
    with pytest.raises(InvalidValue) as info:
        validator(None, attribute, value)
    return info.value


def passes(validator: Callable[..., None], value: object) -> bool:
    """Whether *validator* accepts *value* (it returns None and raises nothing)."""
    validator(None, attrs.fields(Field).area, value)
    return True


@attrs.frozen
class Field:
    """A class whose only field gives the validators an attribute to name."""

    area: Any


def test_text() -> None:
    """A non-blank str within the length limit passes; the length limit is inclusive."""
    assert passes(text(3), "abc")
    assert passes(text(), "x" * 200)
    err = fault(text(3), "abcd")
    assert ("area", "max_length") == (err.field, err.code)
    assert "'area' must be at most 3 characters long: got 4" == str(err)
    assert "'area' must not be empty" == str(fault(text(3), " \t"))
    assert "'area' must be str, got int" == str(fault(text(3), 5))
    assert "<text validator, non-blank, at most 3 characters>" == repr(text(3))


@pytest.mark.parametrize(
    ("factory", "value", "ok"),
    [
        (at_least, 0, True),
        (at_least, -1, False),
        (greater_than, 0, False),
        (greater_than, 1, True),
        (at_most, 0, True),
        (at_most, 1, False),
    ],
)
def test_bounds(factory: Callable[[Any], Callable[..., None]], value: int, ok: bool) -> None:
    """at_least and at_most pass on equality; greater_than does not."""
    validator = factory(0)
    if ok:
        assert passes(validator, value)
    else:
        assert str(value) == fault(validator, value).params["value"]


def test_bound_messages_and_reprs() -> None:
    """Each bound names its rule and value; the repr shows the comparison."""
    assert "'area' must be >= 1: 0" == str(fault(at_least(1), 0))
    assert "'area' must be > 0: 0" == str(fault(greater_than(0), 0))
    assert "'area' must be <= 1000000: 1000001" == str(
        fault(at_most(Decimal(1_000_000)), Decimal(1_000_001))
    )
    assert ["<bound validator >= 1>", "<bound validator > 0>", "<bound validator <= 5>"] == [
        repr(at_least(1)),
        repr(greater_than(0)),
        repr(at_most(5)),
    ]


def test_of_type() -> None:
    """The value must be an instance of the kind (subclasses pass)."""
    assert passes(of_type(int), True)
    assert "'area' must be int, got str" == str(fault(of_type(int), "1"))
    assert "<type validator int>" == repr(of_type(int))


def test_min_items() -> None:
    """A sequence must hold at least the minimum."""
    assert passes(min_items(1), (1,))
    assert "'area' must have at least 1 items: got 0" == str(fault(min_items(1), ()))
    assert "<min_items validator 1>" == repr(min_items(1))


def test_each_locates_the_failing_item() -> None:
    """The each() validator checks every item; a fault carries the index as its subpath."""
    assert passes(each(text(5)), ("a", "b"))
    err = fault(each(text(5)), ("a", "b", " "))
    assert ("empty", "[2]") == (err.code, err.subpath)
    assert "<each validator <text validator, non-blank, at most 5 characters>>" == repr(
        each(text(5))
    )


def test_each_keeps_a_nested_subpath() -> None:
    """An inner subpath is kept after the index."""
    err = fault(each(each(text(5))), (("a",), ("b", "")))
    assert "[1][1]" == err.subpath


def test_money_at_least() -> None:
    """Money must be in the minimum's currency and at least the minimum."""
    minimum = money_at_least(Money.of("0.01"))
    assert passes(minimum, Money.of("0.01"))
    assert "'area' must be >= 0.01 CNY: '0.00 CNY'" == str(fault(minimum, Money.of("0.00")))
    err = fault(minimum, Money.of("5", "USD"))
    assert ("currency", "'area' mixes currencies: 'USD' and CNY") == (err.code, str(err))
    assert "<money validator >= 0.01 CNY>" == repr(minimum)


def test_non_negative_money() -> None:
    """Money of any currency passes from zero up; a negative amount is refused."""
    validator = non_negative_money()
    assert passes(validator, Money.zero("USD"))
    err = fault(validator, Money.of("-0.01", "USD"))
    assert ("ge", "'area' must be >= 0: '-0.01 USD'") == (err.code, str(err))
    assert "<money validator >= 0 in any currency>" == repr(validator)


def test_unique() -> None:
    """No two items share a key; the second one is located by its index."""
    by_first = unique(lambda item: item[0], "code")
    assert passes(by_first, ("a1", "b1", "c1"))
    err = fault(by_first, ("a1", "b1", "a2"))
    assert ("duplicate", "[2]", "'area' has a duplicate entry: 'a'") == (
        err.code,
        err.subpath,
        str(err),
    )
    assert "<unique validator by code>" == repr(by_first)


def test_validators_work_on_attrs_classes() -> None:
    """The validators plug into attrs fields and raise when the class is built."""

    @attrs.frozen
    class Unit:
        area: int = attrs.field(validator=[at_least(1), at_most(10)])

    assert 5 == Unit(area=5).area
    with pytest.raises(InvalidValue, match="'area' must be <= 10: 11"):
        Unit(area=11)
