"""Tests of :mod:`pmcrm.strategies`: every strategy makes valid values, and only those."""

import json
import sys
import types
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pmcrm import _hypothesis_plugin
from pmcrm import strategies as pst
from pmcrm.customers import (
    Arrears,
    Contact,
    Contribution,
    Customer,
    Participation,
    Preferences,
    PropertyUnit,
    Referral,
    Role,
    ServicePurchase,
    YearlyFee,
)
from pmcrm.values import (
    Address,
    IdCardNumber,
    MobileNumber,
    Money,
    Period,
    PersonName,
    Rate,
    id_card_is_valid,
)

REGISTERED = [
    Money,
    Rate,
    Period,
    MobileNumber,
    IdCardNumber,
    PersonName,
    Address,
    PropertyUnit,
    Role,
    Contact,
    Preferences,
    YearlyFee,
    Arrears,
    ServicePurchase,
    Referral,
    Participation,
    Contribution,
    Customer,
]


@given(pst.money())
def test_money_by_default(money: Money) -> None:
    """Default money is CNY with two places, within what Money holds."""
    assert ("CNY", -2) == (money.currency, money.amount.as_tuple().exponent)
    assert abs(money.amount) < Decimal(10) ** 15


@given(pst.money(min_value="-1.005", max_value=3, currency="JPY", places=0))
def test_money_within_bounds(money: Money) -> None:
    """Bounds are inclusive and rounded inwards to the places asked."""
    assert money.amount in {Decimal(-1), Decimal(0), Decimal(1), Decimal(2), Decimal(3)}
    assert ("JPY", 0) == (money.currency, money.amount.as_tuple().exponent)


@given(pst.money(min_value=Decimal("0.000001"), max_value=Decimal("0.000001"), places=6))
def test_money_with_one_possible_amount(money: Money) -> None:
    """Equal bounds give that amount."""
    assert Decimal("0.000001") == money.amount


@pytest.mark.parametrize(
    "kwargs",
    [
        {"places": 7},
        {"places": -1},
        {"places": 1.5},
        {"currency": "cny"},
        {"min_value": 1.5},
        {"min_value": True},
        {"max_value": "abc"},
        {"max_value": "NaN"},
        {"min_value": "0.001", "max_value": "0.009"},
        {"min_value": 2, "max_value": 1},
    ],
    ids=repr,
)
def test_money_refuses_bad_arguments(kwargs: dict[str, Any]) -> None:
    """Bad arguments are refused when the strategy is made, not when it is drawn."""
    with pytest.raises(InvalidArgument):
        pst.money(**kwargs)


@given(pst.rates(places=2))
def test_rates(rate: Rate) -> None:
    """Rates lie in [0, 1] with the places asked."""
    assert Decimal(0) <= rate.value <= Decimal(1)
    assert -2 == rate.value.as_tuple().exponent


@pytest.mark.parametrize("places", [-1, 7])
def test_rates_refuse_bad_places(places: int) -> None:
    """Places run from 0 to 6."""
    with pytest.raises(InvalidArgument):
        pst.rates(places)


@given(pst.periods(date(2020, 1, 1), date(2020, 1, 10), max_days=3))
def test_periods_within_bounds(period: Period) -> None:
    """Periods stay within the bounds and last at most max_days."""
    assert date(2020, 1, 1) <= period.start < period.end <= date(2020, 1, 10)
    assert 1 <= period.days <= 3


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((date(2020, 1, 2), date(2020, 1, 2)), {}),
        ((date(2020, 1, 1), date.min), {}),
        ((datetime(2020, 1, 1), date(2021, 1, 1)), {}),  # noqa: DTZ001 - a wrong bound
        ((), {"max_days": 0}),
    ],
)
def test_periods_refuse_bad_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The bounds must be dates at least a day apart; periods last at least a day."""
    with pytest.raises(InvalidArgument):
        pst.periods(*args, **kwargs)


@given(pst.aware_datetimes())
def test_aware_datetimes(moment: datetime) -> None:
    """Every date-time carries one of the fixed offsets, and no fold."""
    assert moment.tzinfo in pst.FIXED_OFFSETS
    assert 0 == moment.fold
    assert moment == datetime.fromisoformat(moment.isoformat())


@pytest.mark.parametrize("offsets", [(), (None,)])
def test_aware_datetimes_need_offsets(offsets: tuple[Any, ...]) -> None:
    """At least one fixed offset is needed."""
    with pytest.raises(InvalidArgument):
        pst.aware_datetimes(offsets=offsets)


@given(pst.mobile_numbers())
def test_mobile_numbers(mobile: MobileNumber) -> None:
    """Mobiles are 11 digits starting 13 to 19."""
    number = mobile.reveal()
    assert (11, "1") == (len(number), number[0])
    assert number[1] in "3456789"


@given(pst.id_card_numbers(min_birth=date(2000, 2, 28), max_birth=date(2000, 3, 1)))
def test_id_card_numbers(number: IdCardNumber) -> None:
    """ID numbers pass the GB 11643 check and carry the birth date asked."""
    assert id_card_is_valid(number.reveal())
    assert number.reveal()[6:14] in {"20000228", "20000229", "20000301"}


def test_id_card_check_character() -> None:
    """The check character is computed from the standard's definition, X included."""
    assert "11010519491231002X" == pst._id_number(110105, date(1949, 12, 31), 2)
    assert "440524188001010014" == pst._id_number(440524, date(1880, 1, 1), 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_birth": date(999, 1, 1)},
        {"min_birth": date(2000, 1, 2), "max_birth": date(2000, 1, 1)},
    ],
)
def test_id_card_numbers_refuse_bad_arguments(kwargs: dict[str, Any]) -> None:
    """Birth dates must be in order, with four-digit years."""
    with pytest.raises(InvalidArgument):
        pst.id_card_numbers(**kwargs)


@given(pst.person_names(), pst.addresses())
def test_names_and_addresses(name: PersonName, address: Address) -> None:
    """Names and addresses are non-blank and within their limits."""
    assert 2 <= len(name.reveal()) <= 100
    assert name.reveal() == name.reveal().strip()
    assert address.reveal().endswith(tuple("0123456789"))
    assert len(address.reveal()) <= 200


@given(st.lists(pst.property_units(), max_size=3))
def test_property_units(units: list[PropertyUnit]) -> None:
    """Areas are positive with two places."""
    for unit in units:
        assert Decimal(0) < unit.area <= Decimal(1_000_000)
        assert -2 == unit.area.as_tuple().exponent


@given(pst.property_units(unit_codes=st.just("X-1")))
def test_property_units_with_given_codes(unit: PropertyUnit) -> None:
    """Codes may come from the caller."""
    assert "X-1" == unit.code


@given(pst.roles(["A-1", "B-2"]), pst.roles([]))
def test_roles_over_given_units(role: Role, unitless: Role) -> None:
    """Roles name one of the codes given, or none."""
    assert role.unit_code in {None, "A-1", "B-2"}
    assert None is unitless.unit_code


@given(pst.preferences(max_topics=1), pst.contacts())
def test_preferences_and_contacts(preferences: Preferences, contact: Contact) -> None:
    """Topics respect their limit; contacts are valid."""
    assert len(preferences.topics) <= 1
    attrs.validate(contact)


@pytest.mark.parametrize(
    ("factory", "kwargs"),
    [
        (pst.preferences, {"max_topics": -1}),
        (pst.yearly_fees, {"min_year": 1899}),
        (pst.yearly_fees, {"min_year": 2000, "max_year": 1999}),
        (pst.yearly_fees, {"max_year": 2201}),
        (pst.customers, {"max_units": -1}),
        (pst.customers, {"max_items": 0}),
        (pst.json_values, {"max_leaves": 0}),
    ],
)
def test_sizes_are_checked(factory: Any, kwargs: dict[str, Any]) -> None:
    """Sizes and years out of range are refused at once."""
    with pytest.raises(InvalidArgument):
        factory(**kwargs)


@given(pst.yearly_fees(min_year=2020, max_year=2021), pst.arrears())
def test_fees_and_arrears(fee: YearlyFee, debt: Arrears) -> None:
    """Fees fall in the years asked; settled debts settle after they began."""
    assert fee.year in {2020, 2021}
    assert debt.settled_on is None or debt.settled_on > debt.since
    assert Money.of("0.01") <= debt.amount


@given(pst.customers(max_units=2, max_items=2))
def test_customers_are_valid_by_construction(customer: Customer) -> None:
    """Unit codes, fee years and needs are unique; roles name the customer's units."""
    codes = [u.code for u in customer.units]
    assert len(set(codes)) == len(codes) <= 2
    assert len({f.year for f in customer.fees}) == len(customer.fees) <= 2
    assert len(set(customer.needs)) == len(customer.needs)
    assert {r.unit_code for r in customer.roles} <= {None, *codes}
    assert 1 <= len(customer.roles) <= 2
    assert customer.registered_at.tzinfo in pst.FIXED_OFFSETS
    attrs.validate(customer)


@given(pst.customers(max_units=0))
def test_customers_without_units(customer: Customer) -> None:
    """With no units, no role names one."""
    assert ((), {None}) == (customer.units, {r.unit_code for r in customer.roles})


@given(pst.json_values())
def test_json_values_are_json(value: Any) -> None:
    """Every value survives strict JSON (no NaN, no infinity) unchanged."""
    assert value == json.loads(json.dumps(value, allow_nan=False))


@pytest.mark.parametrize("cl", REGISTERED, ids=lambda c: c.__name__)
@given(data=st.data())
def test_from_type_uses_the_registered_strategies(cl: type[Any], data: st.DataObject) -> None:
    """After registration, st.from_type builds valid values of every model."""
    value = data.draw(st.from_type(cl))
    assert isinstance(value, cl)
    check_valid(value)


def check_valid(value: Any) -> None:
    """Run an attrs value's validators, or rebuild a personal-data value from its text."""
    if attrs.has(type(value)):
        attrs.validate(value)
    else:
        assert type(value)(value.reveal()) == value


def assert_draws(cl: type[Any]) -> None:
    """st.from_type(cl) draws valid instances of *cl*."""

    @given(st.from_type(cl))
    def draws(value: Any) -> None:
        assert isinstance(value, cl)
        check_valid(value)

    draws()


def test_register_type_strategies_is_repeatable() -> None:
    """Registering again is harmless."""
    pst.register_type_strategies()
    pst.register_type_strategies()
    assert_draws(Money)


def test_plugin_waits_while_strategies_is_importing(monkeypatch: pytest.MonkeyPatch) -> None:
    """When pmcrm.strategies is importing Hypothesis, the hook leaves registration to it."""
    half_imported = types.ModuleType("pmcrm.strategies")
    monkeypatch.setitem(sys.modules, "pmcrm.strategies", half_imported)
    _hypothesis_plugin._hypothesis_setup_hook()
    assert not hasattr(half_imported, "register_type_strategies")


def test_plugin_registers_when_called() -> None:
    """The entry point registers every strategy once pmcrm.strategies exists."""
    _hypothesis_plugin._hypothesis_setup_hook()
    assert_draws(Period)


def test_strategies_import_before_hypothesis() -> None:
    """A fresh interpreter can import pmcrm.strategies first (no circular import)."""
    import subprocess

    code = (
        "import pmcrm.strategies\n"
        "from hypothesis import strategies as st\n"
        "from pmcrm.customers import Customer\n"
        "print(type(st.from_type(Customer).example()).__name__)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "Customer" == result.stdout.strip()


def test_dates_strategy_checks_types() -> None:
    """Date bounds that are date-times are refused."""
    with pytest.raises(InvalidArgument):
        pst._dates(date(2020, 1, 1), datetime(2021, 1, 1))  # noqa: DTZ001 - a wrong bound


def test_character_pools_are_disjoint() -> None:
    """Names, shown address prefixes and free text share no character (repr tests rely on it)."""
    names = set(pst._SURNAMES + pst._GIVEN)
    prefixes = set("".join(pst._CITIES))
    text = set(pst._LABEL_ALPHABET + "".join(pst._CATEGORIES))
    assert (set(), set(), set()) == (names & prefixes, names & text, prefixes & text)
