"""Hypothesis strategies for pmcrm's values and models (the ``pmcrm[hypothesis]`` extra).

``st.from_type`` on an attrs class ignores its validators, so it would build
values pmcrm refuses.  These strategies build only valid values, inside the
domain the converter of :mod:`pmcrm.serialization` accepts (decimals with at
most 15 integer and 6 fractional digits, money with 2 places, strings of at
most 200 characters, timezone-aware date-times), so that
``structure(unstructure(x), type(x)) == x`` holds for everything they make.

Installing pmcrm registers them with Hypothesis (through the ``hypothesis``
entry point), so ``st.from_type(Customer)`` uses :func:`customers`.

Every strategy checks its arguments when it is called and raises
:class:`hypothesis.errors.InvalidArgument` for bad ones.  Sizes are small by
default, so that property tests stay fast.

>>> from hypothesis import given
>>> @given(customers())
... def test_round_trip(customer):
...     from pmcrm.serialization import structure, unstructure
...
...     assert structure(unstructure(customer), Customer) == customer
>>> test_round_trip()
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from typing import Any, TypeAlias

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pmcrm.customers import (
    Arrears,
    Contact,
    ContactChannel,
    Contribution,
    ContributionKind,
    Customer,
    CustomerKind,
    Gender,
    Participation,
    PartyType,
    Preferences,
    PropertyType,
    PropertyUnit,
    Referral,
    Role,
    ServiceNeed,
    ServicePurchase,
    YearlyFee,
)
from pmcrm.errors import InvalidValue
from pmcrm.values import (
    MAX_AMOUNT,
    MONEY_CONTEXT,
    Address,
    IdCardNumber,
    Lang,
    MobileNumber,
    Money,
    Period,
    PersonName,
    Rate,
)

__all__ = [
    "FIXED_OFFSETS",
    "addresses",
    "arrears",
    "aware_datetimes",
    "contacts",
    "contributions",
    "customers",
    "id_card_numbers",
    "json_values",
    "mobile_numbers",
    "money",
    "participations",
    "periods",
    "person_names",
    "preferences",
    "property_units",
    "rates",
    "referrals",
    "register_type_strategies",
    "roles",
    "service_purchases",
    "yearly_fees",
]

_Amount: TypeAlias = Decimal | int | str

#: The fixed UTC offsets :func:`aware_datetimes` uses by default: UTC,
#: China (+08:00) and a few others, including half- and quarter-hours.
FIXED_OFFSETS: tuple[timezone, ...] = (
    UTC,
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=-5)),
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=5, minutes=45)),
    timezone(timedelta(hours=-9, minutes=-30)),
)

#: Dates of events (purchases, fees, referrals…) fall in this range by default.
_FIRST_DAY = date(2000, 1, 1)
_LAST_DAY = date(2049, 12, 31)

# The character pools below are disjoint, so that no free-text field can
# contain a person's name or the visible part of an address by chance: the
# tests that check a repr never shows personal data rely on it.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡余杜叶程苏魏吕丁"
)
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉萍红燕辉婷雪琳欣怡浩宇轩博"
_LATIN_GIVEN = ("Li", "Na", "Wei", "Anna", "John", "Maria", "David", "Emma", "Lucas", "Zoë")
_LATIN_FAMILY = ("Smith", "Wang", "Garcia", "Müller", "Nguyen", "Kim", "Brown", "O'Neil")
_CITIES = (
    "北京市朝阳区",
    "上海市浦东新区",
    "广州市天河区",
    "深圳市南山区",
    "杭州市西湖区",
    "成都市武侯区",
    "南京市鼓楼区",
)
_ROADS = ("世纪大道", "建国路", "中山路", "人民路", "解放路", "长江路")
_LABEL_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_ 保洁绿化维修活动议志愿服务安全停车园艺"
_CATEGORIES = ("cleaning", "repair", "butler", "car_wash", "plant_care", "保洁", "维修")


def _check_size(name: str, value: int, low: int = 0) -> None:
    if type(value) is not int or value < low:
        raise InvalidArgument(f"{name} must be an int >= {low}, got {value!r}")


def _to_decimal(name: str, value: _Amount) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidArgument(f"{name} must be a Decimal, an int or a str, got {value!r}")
    try:
        result = Decimal(value)
    except ArithmeticError:
        raise InvalidArgument(f"{name} is not a decimal: {value!r}") from None
    if not result.is_finite():
        raise InvalidArgument(f"{name} must be finite, got {value!r}")
    return result


# --- values ------------------------------------------------------------------


def money(
    min_value: _Amount | None = None,
    max_value: _Amount | None = None,
    currency: str = "CNY",
    places: int = 2,
) -> st.SearchStrategy[Money]:
    """Money in *currency* with exactly *places* decimal places.

    Args:
        min_value: The smallest amount (inclusive); by default the smallest
            :class:`~pmcrm.values.Money` holds at *places* places.
        max_value: The largest amount (inclusive); by default the largest.
        currency: An ISO 4217 code.
        places: Decimal places, 0 to 6 (the converter reads at most 6).

    Returns:
        A strategy for :class:`~pmcrm.values.Money`; amounts shrink towards 0
        (or towards the bound nearer to 0).

    Raises:
        InvalidArgument: a bound is not a finite decimal, the bounds hold no
            amount at *places* places, or *currency* or *places* is invalid.
    """
    _check_size("places", places)
    if places > 6:
        raise InvalidArgument(f"places must be at most 6, got {places}")
    try:
        Money.zero(currency)
    except InvalidValue:
        raise InvalidArgument(
            f"currency must be three capital letters, got {currency!r}"
        ) from None
    scale = 10**places
    largest = int(MAX_AMOUNT) * scale - 1
    low = (
        -largest
        if min_value is None
        else ceil(Fraction(_to_decimal("min_value", min_value)) * scale)
    )
    high = (
        largest
        if max_value is None
        else floor(Fraction(_to_decimal("max_value", max_value)) * scale)
    )
    low, high = max(low, -largest), min(high, largest)
    if low > high:
        raise InvalidArgument(
            f"no amount with {places} places lies between {min_value} and {max_value}"
        )
    return st.integers(low, high).map(
        lambda units: Money(
            amount=Decimal(units).scaleb(-places, MONEY_CONTEXT), currency=currency
        )
    )


def rates(places: int = 4) -> st.SearchStrategy[Rate]:
    """Rates from 0 to 1 (both included), with exactly *places* decimal places.

    Args:
        places: Decimal places, 0 to 6.

    Returns:
        A strategy for :class:`~pmcrm.values.Rate`.

    Raises:
        InvalidArgument: *places* is not between 0 and 6.
    """
    _check_size("places", places)
    if places > 6:
        raise InvalidArgument(f"places must be at most 6, got {places}")
    return st.integers(0, 10**places).map(
        lambda n: Rate(Decimal(n).scaleb(-places, MONEY_CONTEXT))
    )


def _dates(min_value: date, max_value: date) -> st.SearchStrategy[date]:
    if not (type(min_value) is date and type(max_value) is date):
        raise InvalidArgument("date bounds must be dates (not date-times)")
    if min_value > max_value:
        raise InvalidArgument(f"min_value {min_value} is after max_value {max_value}")
    return st.dates(min_value, max_value)


def periods(
    min_value: date = _FIRST_DAY, max_value: date = _LAST_DAY, max_days: int = 3660
) -> st.SearchStrategy[Period]:
    """Periods that start on or after *min_value* and end on or before *max_value*.

    Args:
        min_value: The earliest start.
        max_value: The latest end (the first day after the period).
        max_days: The longest period, in days (at least 1).

    Returns:
        A strategy for :class:`~pmcrm.values.Period`.

    Raises:
        InvalidArgument: the bounds are not dates at least a day apart, or
            *max_days* is less than 1.
    """
    _check_size("max_days", max_days, 1)
    if type(max_value) is date and max_value == date.min:
        raise InvalidArgument("max_value must be after date.min")
    starts = _dates(min_value, max_value - timedelta(days=1))

    def period(start: date, days: int) -> Period:
        # Clipped to max_value: long periods that would pass it end there.
        return Period(start=start, end=min(start + timedelta(days=days), max_value))

    return st.builds(period, starts, st.integers(1, min(max_days, (max_value - min_value).days)))


def aware_datetimes(
    min_value: datetime = datetime(2000, 1, 1),  # noqa: DTZ001 - a naive bound, as Hypothesis wants
    max_value: datetime = datetime(2049, 12, 31, 23, 59, 59),  # noqa: DTZ001
    offsets: Sequence[timezone] = FIXED_OFFSETS,
) -> st.SearchStrategy[datetime]:
    """Timezone-aware date-times with a fixed UTC offset.

    Args:
        min_value: The earliest local time (naive, as
            :func:`hypothesis.strategies.datetimes` wants).
        max_value: The latest local time (naive).
        offsets: The offsets to attach; :data:`FIXED_OFFSETS` by default.

    Returns:
        A strategy for aware :class:`~datetime.datetime` values, whose
        ``isoformat()`` the converter reads back.

    Raises:
        InvalidArgument: no offsets are given, or one is not a :class:`datetime.timezone`.
    """
    if not offsets or not all(isinstance(o, timezone) for o in offsets):
        raise InvalidArgument("offsets must be a non-empty sequence of datetime.timezone")
    return st.datetimes(min_value, max_value, timezones=st.sampled_from(tuple(offsets))).map(
        lambda moment: moment.replace(fold=0)
    )


# --- personal data -------------------------------------------------------------


def mobile_numbers() -> st.SearchStrategy[MobileNumber]:
    """Mainland mobile numbers: 11 digits starting ``13`` to ``19``.

    Returns:
        A strategy for :class:`~pmcrm.values.MobileNumber`.
    """
    return st.builds(
        lambda second, rest: MobileNumber(f"1{second}{rest:09d}"),
        st.integers(3, 9),
        st.integers(0, 10**9 - 1),
    )


def _id_number(region: int, born: date, sequence: int) -> str:
    """GB 11643: the ISO 7064 MOD 11-2 check character, computed from its definition."""
    body = f"{region:06d}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(body))
    check = (12 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def id_card_numbers(
    min_birth: date = date(1900, 1, 1), max_birth: date = date(2020, 12, 31)
) -> st.SearchStrategy[IdCardNumber]:
    """Resident ID numbers with a valid birth date and GB 11643 check character.

    Args:
        min_birth: The earliest birth date (year 1000 or later).
        max_birth: The latest birth date.

    Returns:
        A strategy for :class:`~pmcrm.values.IdCardNumber`; about one in
        eleven ends with ``X``.

    Raises:
        InvalidArgument: the birth dates are not in order or not 4-digit years.
    """
    if not (type(min_birth) is date and min_birth.year >= 1000):
        raise InvalidArgument(f"min_birth must be a date in year 1000 or later: {min_birth!r}")
    return st.builds(
        lambda region, born, sequence: IdCardNumber(_id_number(region, born, sequence)),
        st.integers(100_000, 999_999),
        _dates(min_birth, max_birth),
        st.integers(0, 999),
    )


def person_names() -> st.SearchStrategy[PersonName]:
    """Realistic personal names: Chinese (``王伟``) or Latin (``Anna Smith``).

    Chinese names are a surname and one or two given characters; Latin names
    are a given name and a family name.  They share no character with the
    free text the other strategies make.

    Returns:
        A strategy for :class:`~pmcrm.values.PersonName`.
    """
    chinese = st.builds(
        lambda surname, given: surname + given,
        st.sampled_from(_SURNAMES),
        st.text(alphabet=_GIVEN, min_size=1, max_size=2),
    )
    latin = st.builds(
        lambda given, family: f"{given} {family}",
        st.sampled_from(_LATIN_GIVEN),
        st.sampled_from(_LATIN_FAMILY),
    )
    return st.one_of(chinese, latin).map(PersonName)


def addresses() -> st.SearchStrategy[Address]:
    """Chinese postal addresses: city and district, road, number, building and room.

    Returns:
        A strategy for :class:`~pmcrm.values.Address`.
    """
    return st.builds(
        lambda city, road, number, building, room: Address(
            f"{city}{road}{number}号{building}栋{room}"
        ),
        st.sampled_from(_CITIES),
        st.sampled_from(_ROADS),
        st.integers(1, 999),
        st.integers(1, 30),
        st.integers(101, 3302),
    )


# --- customers -------------------------------------------------------------------


def _labels(max_size: int = 30) -> st.SearchStrategy[str]:
    """Non-blank free text from an alphabet no name or address uses."""
    return st.text(alphabet=_LABEL_ALPHABET, min_size=1, max_size=max_size).filter(str.strip)


def _unit_codes() -> st.SearchStrategy[str]:
    return st.builds(
        lambda block, floor_, room: f"{block}-{floor_}-{room}",
        st.sampled_from("ABCDEFGH"),
        st.integers(1, 30),
        st.integers(101, 3204),
    )


def _customer_ids() -> st.SearchStrategy[str]:
    return st.builds(lambda n: f"C{n:06d}", st.integers(0, 999_999))


def _event_days() -> st.SearchStrategy[date]:
    return st.dates(_FIRST_DAY, _LAST_DAY)


def property_units(
    unit_codes: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PropertyUnit]:
    """Units of property with a code, a type, an area and perhaps a building.

    Args:
        unit_codes: Where the codes come from; codes such as ``"A-3-1201"``
            by default.

    Returns:
        A strategy for :class:`~pmcrm.customers.PropertyUnit` with an area
        from 0.01 to 1,000,000.00 square metres (2 places).
    """
    return st.builds(
        PropertyUnit,
        code=_unit_codes() if unit_codes is None else unit_codes,
        property_type=st.sampled_from(PropertyType),
        area=st.integers(1, 100_000_000).map(lambda n: Decimal(n).scaleb(-2, MONEY_CONTEXT)),
        building=st.none() | st.builds(lambda n: f"{n}号楼", st.integers(1, 99)),
    )


def roles(unit_codes: Sequence[str] | None = None) -> st.SearchStrategy[Role]:
    """Roles of a customer, over one of *unit_codes* or none.

    Args:
        unit_codes: The codes of the customer's units.  ``None`` (the
            default) draws any code; an empty sequence gives roles over no
            unit.

    Returns:
        A strategy for :class:`~pmcrm.customers.Role`.
    """
    if unit_codes is None:
        codes: st.SearchStrategy[str | None] = st.none() | _unit_codes()
    elif unit_codes:
        codes = st.none() | st.sampled_from(tuple(unit_codes))
    else:
        codes = st.none()
    return st.builds(
        Role,
        kind=st.sampled_from(CustomerKind),
        unit_code=codes,
        since=st.none() | _event_days(),
    )


def contacts() -> st.SearchStrategy[Contact]:
    """Contacts with or without a mobile number and an address.

    Returns:
        A strategy for :class:`~pmcrm.customers.Contact`.
    """
    return st.builds(
        Contact,
        mobile=st.none() | mobile_numbers(),
        address=st.none() | addresses(),
        wechat=st.booleans(),
    )


def preferences(max_topics: int = 3) -> st.SearchStrategy[Preferences]:
    """Preferred language and channel, and up to *max_topics* interests.

    Args:
        max_topics: The most topics.

    Returns:
        A strategy for :class:`~pmcrm.customers.Preferences`.

    Raises:
        InvalidArgument: *max_topics* is negative.
    """
    _check_size("max_topics", max_topics)
    return st.builds(
        Preferences,
        language=st.sampled_from(Lang),
        channel=st.sampled_from(ContactChannel),
        topics=st.lists(_labels(), max_size=max_topics).map(tuple),
    )


def yearly_fees(min_year: int = 2000, max_year: int = 2049) -> st.SearchStrategy[YearlyFee]:
    """Yearly property-service fees from 0 to 1,000,000.00 CNY.

    Args:
        min_year: The earliest fee year (1900 or later).
        max_year: The latest fee year (2200 or earlier).

    Returns:
        A strategy for :class:`~pmcrm.customers.YearlyFee`.

    Raises:
        InvalidArgument: the years are out of order or outside 1900–2200.
    """
    _check_size("min_year", min_year, 1900)
    _check_size("max_year", max_year, min_year)
    if max_year > 2200:
        raise InvalidArgument(f"max_year must be at most 2200, got {max_year}")
    return st.builds(
        YearlyFee,
        year=st.integers(min_year, max_year),
        amount=money(0, 1_000_000),
    )


def arrears() -> st.SearchStrategy[Arrears]:
    """Debts from 0.01 to 100,000.00 CNY, owed or settled within about ten years.

    Returns:
        A strategy for :class:`~pmcrm.customers.Arrears`.
    """
    return st.builds(
        _arrears,
        amount=money("0.01", 100_000),
        since=_event_days(),
        settled_after=st.none() | st.integers(1, 3660),
    )


def _arrears(amount: Money, since: date, settled_after: int | None) -> Arrears:
    settled_on = None if settled_after is None else since + timedelta(days=settled_after)
    return Arrears(amount=amount, since=since, settled_on=settled_on)


def service_purchases() -> st.SearchStrategy[ServicePurchase]:
    """Services bought or requested, free or paid (up to 100,000.00 CNY).

    Returns:
        A strategy for :class:`~pmcrm.customers.ServicePurchase`.
    """
    return st.builds(
        ServicePurchase,
        on=_event_days(),
        need=st.sampled_from(ServiceNeed),
        category=st.sampled_from(_CATEGORIES) | _labels(40),
        amount=money(0, 100_000),
    )


def referrals() -> st.SearchStrategy[Referral]:
    """Referrals of new customers.

    Returns:
        A strategy for :class:`~pmcrm.customers.Referral`.
    """
    return st.builds(Referral, referred_customer_id=_customer_ids(), on=_event_days())


def participations() -> st.SearchStrategy[Participation]:
    """Community activities joined.

    Returns:
        A strategy for :class:`~pmcrm.customers.Participation`.
    """
    return st.builds(Participation, activity=_labels(), on=_event_days())


def contributions() -> st.SearchStrategy[Contribution]:
    """Suggestions and other contributions.

    Returns:
        A strategy for :class:`~pmcrm.customers.Contribution`.
    """
    return st.builds(
        Contribution,
        kind=st.sampled_from(ContributionKind),
        on=_event_days(),
        note=_labels(),
    )


def customers(max_units: int = 3, max_items: int = 3) -> st.SearchStrategy[Customer]:
    """Valid customers, by construction.

    Unit codes are unique, every role refers to one of the customer's units
    or to none, fee years and service needs are unique, and ``registered_at``
    carries a fixed offset (see :data:`FIXED_OFFSETS`).

    Args:
        max_units: The most units a customer holds.
        max_items: The most roles, fees, arrears, purchases, referrals,
            participations, contributions and tags.

    Returns:
        A strategy for :class:`~pmcrm.customers.Customer`.

    Raises:
        InvalidArgument: *max_units* is negative or *max_items* is less than 1.
    """
    _check_size("max_units", max_units)
    _check_size("max_items", max_items, 1)

    def some(strategy: st.SearchStrategy[Any], **kwargs: Any) -> st.SearchStrategy[Any]:
        return st.lists(strategy, max_size=max_items, **kwargs).map(tuple)

    # A role names its unit by an index into the units drawn with it.
    role_parts = st.tuples(
        st.sampled_from(CustomerKind),
        st.none() | st.integers(0, max(max_units - 1, 0)),
        st.none() | _event_days(),
    )
    parts: dict[str, st.SearchStrategy[Any]] = {
        "customer_id": _customer_ids(),
        "name": person_names(),
        "party": st.sampled_from(PartyType),
        "gender": st.none() | st.sampled_from(Gender),
        "birth_date": st.none() | st.dates(date(1920, 1, 1), date(2020, 12, 31)),
        "id_number": st.none() | id_card_numbers(),
        "role_parts": st.lists(role_parts, min_size=1, max_size=max_items),
        "units": st.lists(property_units(), max_size=max_units, unique_by=lambda u: u.code).map(
            tuple
        ),
        "needs": some(st.sampled_from(ServiceNeed), unique=True),
        "contact": contacts(),
        "preferences": preferences(),
        "fees": some(yearly_fees(), unique_by=lambda f: f.year),
        "arrears": some(arrears()),
        "purchases": some(service_purchases()),
        "referrals": some(referrals()),
        "participations": some(participations()),
        "contributions": some(contributions()),
        "tags": some(_labels()),
        "registered_at": aware_datetimes(),
    }
    return st.fixed_dictionaries(parts).map(_customer)


def _customer(parts: dict[str, Any]) -> Customer:
    codes = [u.code for u in parts["units"]]
    roles = tuple(
        Role(
            kind=kind,
            unit_code=None if i is None or not codes else codes[i % len(codes)],
            since=since,
        )
        for kind, i, since in parts.pop("role_parts")
    )
    return Customer(roles=roles, **parts)


# --- JSON ------------------------------------------------------------------------


def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Arbitrary JSON-shaped data: what :func:`json.loads` can return.

    ``None``, booleans, integers, finite floats and strings, nested in lists
    and objects with string keys.  Use it to check that loading untrusted
    input either succeeds or raises :class:`~pmcrm.errors.ValidationError`.

    Args:
        max_leaves: The most scalar values in one document.

    Returns:
        A strategy for JSON-shaped Python values.

    Raises:
        InvalidArgument: *max_leaves* is less than 1.
    """
    _check_size("max_leaves", max_leaves, 1)
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=20)
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=max_leaves,
    )


# --- registration ----------------------------------------------------------------


def register_type_strategies() -> None:
    """Register these strategies with Hypothesis, for ``st.from_type``.

    pmcrm's ``hypothesis`` entry point calls it when Hypothesis loads, so
    you need not; calling it again is harmless.
    """
    table: dict[type[Any], st.SearchStrategy[Any]] = {
        Money: money(),
        Rate: rates(),
        Period: periods(),
        MobileNumber: mobile_numbers(),
        IdCardNumber: id_card_numbers(),
        PersonName: person_names(),
        Address: addresses(),
        PropertyUnit: property_units(),
        Role: roles(),
        Contact: contacts(),
        Preferences: preferences(),
        YearlyFee: yearly_fees(),
        Arrears: arrears(),
        ServicePurchase: service_purchases(),
        Referral: referrals(),
        Participation: participations(),
        Contribution: contributions(),
        Customer: customers(),
    }
    for cls, strategy in table.items():
        st.register_type_strategy(cls, strategy)


# Hypothesis registers these through pmcrm's entry point when it loads; when
# this module is the one importing Hypothesis, that hook runs before anything
# here is defined and skips, so register now.
register_type_strategies()
