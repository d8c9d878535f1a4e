"""Tests of :mod:`pmcrm.customers`: the models, their rules and their methods."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given

from pmcrm import strategies as pst
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
    age_on,
    arrears_outstanding,
    check_role_units,
    check_settled,
    customer_kinds,
    fee_for_year,
    in_period,
    outstanding_arrears,
)
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure
from pmcrm.values import (
    Address,
    IdCardNumber,
    LabelledEnum,
    Lang,
    MobileNumber,
    Money,
    Period,
    PersonName,
)

CST = timezone(timedelta(hours=8))
REGISTERED = datetime(2020, 5, 1, 9, 30, tzinfo=CST)


def fault(call: Callable[[], object]) -> InvalidValue:
    """The InvalidValue *call* raises."""
    with pytest.raises(InvalidValue) as info:
        call()
    return info.value


def evolve_fault(instance: Any, changes: dict[str, Any]) -> InvalidValue:
    """The InvalidValue raised by changing *instance* with *changes*."""
    return fault(lambda: attrs.evolve(instance, **changes))


def unit(code: str, kind: PropertyType = PropertyType.RESIDENTIAL) -> PropertyUnit:
    """A unit of 100 square metres."""
    return PropertyUnit(code=code, property_type=kind, area=Decimal("100.00"))


@pytest.fixture
def customer() -> Customer:
    """An owner of a flat who rents a shop, with fees, debts and personal data."""
    return Customer(
        customer_id="C0001",
        name=PersonName("王建国"),
        gender=Gender.MALE,
        birth_date=date(1980, 2, 29),
        id_number=IdCardNumber("11010519491231002X"),
        roles=(
            Role(kind=CustomerKind.OWNER, unit_code="A-1-1201"),
            Role(kind=CustomerKind.TENANT, unit_code="S-1"),
            Role(kind=CustomerKind.OWNER, unit_code="A-1-1202"),
        ),
        units=(
            unit("A-1-1201"),
            unit("S-1", PropertyType.COMMERCIAL),
            unit("A-1-1202"),
        ),
        contact=Contact(
            mobile=MobileNumber("13812341234"), address=Address("上海市浦东新区世纪大道100号")
        ),
        fees=(
            YearlyFee(year=2024, amount=Money.of("6000.00")),
            YearlyFee(year=2025, amount=Money.of("6168.00")),
        ),
        arrears=(
            Arrears(amount=Money.of("500.00"), since=date(2025, 1, 1)),
            Arrears(
                amount=Money.of("300.00"), since=date(2024, 7, 1), settled_on=date(2025, 3, 1)
            ),
        ),
        registered_at=REGISTERED,
    )


# --- enumerations ---------------------------------------------------------------

ENUMS: list[type[LabelledEnum]] = [
    CustomerKind,
    PartyType,
    PropertyType,
    ServiceNeed,
    Gender,
    ContactChannel,
    ContributionKind,
]


@pytest.mark.parametrize("enum", ENUMS)
def test_every_member_has_labels(enum: type[LabelledEnum]) -> None:
    """Every member has a lower-case value and non-empty zh and en labels."""
    for member in enum:
        assert isinstance(member.value, str)
        assert member.value == member.value.lower()
        assert member.text("zh").strip()
        assert member.text("en").strip()
        assert member is enum(member.value)  # type: ignore[call-arg]  # lookup by value


def test_labels_teach_the_chinese_terms() -> None:
    """The labels carry the terms users speak."""
    assert ["业主", "租户", "商户", "开发商", "外来人员", "内部顾客"] == [
        k.text(Lang.ZH) for k in CustomerKind
    ]
    assert ["住宅", "商业", "工业", "办公"] == [t.text("zh") for t in PropertyType]
    assert ["基础物业服务", "增值服务", "特约服务"] == [n.text("zh") for n in ServiceNeed]


# --- parts ----------------------------------------------------------------------


def test_property_unit_rules() -> None:
    """Area is more than 0 and at most 1,000,000; codes are non-blank, at most 40 characters."""
    largest = PropertyUnit(code="A", property_type=PropertyType.OFFICE, area=Decimal(1_000_000))
    assert Decimal(1_000_000) == largest.area
    cases: dict[str, dict[str, Any]] = {
        "gt": {"area": Decimal(0)},
        "le": {"area": Decimal("1000000.01")},
        "empty": {"code": " "},
        "max_length": {"building": "B" * 41},
        "type": {"property_type": "office"},
    }
    found = {code: evolve_fault(unit("A"), changes).code for code, changes in cases.items()}
    assert {code: code for code in cases} == found


def test_role_and_contact_defaults() -> None:
    """A role may hold no unit; a contact may hold nothing and has not joined WeChat."""
    assert (None, None) == (
        Role(kind=CustomerKind.VISITOR).unit_code,
        Role(kind=CustomerKind.VISITOR).since,
    )
    assert Contact(mobile=None, address=None, wechat=False) == Contact()
    assert "type" == fault(lambda: Role(kind="owner")).code  # type: ignore[arg-type]


def test_preferences() -> None:
    """Defaults are Chinese, by phone, no topics; each topic is checked and located."""
    assert (Lang.ZH, ContactChannel.PHONE, ()) == attrs.astuple(Preferences(), recurse=False)
    err = fault(lambda: Preferences(topics=("gardening", "")))
    assert ("empty", "[1]") == (err.code, err.subpath)


@pytest.mark.parametrize(("year", "code"), [(1899, "ge"), (2201, "le")])
def test_yearly_fee_year_bounds(year: int, code: str) -> None:
    """Fee years run from 1900 to 2200."""
    assert code == fault(lambda: YearlyFee(year=year, amount=Money.of("1"))).code


def test_yearly_fee_amount() -> None:
    """A fee is not negative and is in CNY; the bounds are inclusive."""
    assert 1900 == YearlyFee(year=1900, amount=Money.zero()).year
    assert 2200 == YearlyFee(year=2200, amount=Money.zero()).year
    assert "ge" == fault(lambda: YearlyFee(year=2025, amount=Money.of("-0.01"))).code
    assert "currency" == fault(lambda: YearlyFee(year=2025, amount=Money.of("1", "USD"))).code


def test_arrears_rules() -> None:
    """Arrears are at least one fen and settle after they began; the fault is located."""
    assert "ge" == fault(lambda: Arrears(amount=Money.zero(), since=date(2025, 1, 1))).code
    err = fault(
        lambda: Arrears(amount=Money.of("1"), since=date(2025, 1, 1), settled_on=date(2025, 1, 1))
    )
    assert ("settled_on", "order", ".settled_on") == (err.field, err.code, err.subpath)
    assert "'settled_on' must be after 'since': '2025-01-01'" == str(err)


def test_check_settled_is_the_rule() -> None:
    """The plain rule accepts settling the next day."""
    check_settled(date(2025, 1, 1), date(2025, 1, 2))
    assert "order" == fault(lambda: check_settled(date(2025, 1, 2), date(2025, 1, 1))).code


def test_arrears_outstanding_and_overdue() -> None:
    """A debt is owed from its first day until the day before it is settled."""
    debt = Arrears(amount=Money.of("1"), since=date(2025, 1, 10), settled_on=date(2025, 2, 1))
    days = [date(2025, 1, 9), date(2025, 1, 10), date(2025, 1, 31), date(2025, 2, 1)]
    assert [False, True, True, False] == [debt.outstanding_on(d) for d in days]
    assert [0, 0, 21, 0] == [debt.days_overdue(d) for d in days]
    open_debt = attrs.evolve(debt, settled_on=None)
    assert (True, 365) == (
        arrears_outstanding(open_debt, date(2026, 1, 10)),
        open_debt.days_overdue(date(2026, 1, 10)),
    )


def test_other_records() -> None:
    """Purchases, referrals, participations and contributions check their text and money."""
    day = date(2025, 6, 1)
    assert (
        Money.zero()
        == ServicePurchase(
            on=day, need=ServiceNeed.BASIC, category="repair", amount=Money.zero()
        ).amount
    )
    assert "C0002" == Referral(referred_customer_id="C0002", on=day).referred_customer_id
    assert "gala" == Participation(activity="gala", on=day).activity
    assert (
        ContributionKind.SUGGESTION
        == Contribution(kind=ContributionKind.SUGGESTION, on=day, note="more lights").kind
    )
    codes = [
        fault(
            lambda: ServicePurchase(
                on=day, need=ServiceNeed.BASIC, category="c" * 41, amount=Money.zero()
            )
        ).code,
        fault(
            lambda: ServicePurchase(
                on=day,
                need="basic",  # type: ignore[arg-type]
                category="c",
                amount=Money.zero(),
            )
        ).code,
        fault(
            lambda: ServicePurchase(
                on=day, need=ServiceNeed.BASIC, category="c", amount=Money.of("-1")
            )
        ).code,
        fault(lambda: Referral(referred_customer_id="x" * 65, on=day)).code,
        fault(lambda: Participation(activity="", on=day)).code,
        fault(lambda: Contribution(kind=ContributionKind.STRATEGIC, on=day, note="n" * 201)).code,
    ]
    assert ["max_length", "type", "ge", "max_length", "empty", "max_length"] == codes


# --- the customer ---------------------------------------------------------------


def test_customer_defaults(customer: Customer) -> None:
    """A customer is a person needing basic service unless said otherwise."""
    assert (PartyType.PERSON, (ServiceNeed.BASIC,), Preferences()) == (
        customer.party,
        customer.needs,
        customer.preferences,
    )


def test_kinds_and_property_types(customer: Customer) -> None:
    """Each kind and property type appears once, in order of first appearance."""
    assert (CustomerKind.OWNER, CustomerKind.TENANT) == customer.kinds
    assert customer.kinds == customer_kinds(customer)
    assert (PropertyType.RESIDENTIAL, PropertyType.COMMERCIAL) == customer.property_types
    assert (
        ()
        == attrs.evolve(
            customer, units=(), roles=(Role(kind=CustomerKind.VISITOR),)
        ).property_types
    )


def test_fee_for(customer: Customer) -> None:
    """The fee of a recorded year, or None."""
    assert Money.of("6168.00") == customer.fee_for(2025)
    assert None is customer.fee_for(2023)
    assert None is fee_for_year((), 2025)


def test_arrears_on(customer: Customer) -> None:
    """The total owed on a day counts only the debts outstanding that day."""
    assert Money.zero() == customer.arrears_on(date(2024, 6, 30))
    assert Money.of("300.00") == customer.arrears_on(date(2024, 12, 31))
    assert Money.of("800.00") == customer.arrears_on(date(2025, 2, 28))
    assert Money.of("500.00") == customer.arrears_on(date(2025, 3, 1))
    assert Money.zero() == outstanding_arrears((), date(2025, 1, 1))


@pytest.mark.parametrize(
    ("as_of", "age"),
    [
        (date(2023, 2, 28), 42),  # no 29 February in 2023: not yet
        (date(2023, 3, 1), 43),  # a 29 February birthday counts on 1 March
        (date(2024, 2, 28), 43),
        (date(2024, 2, 29), 44),
        (date(1980, 2, 29), 0),
    ],
)
def test_age_with_a_leap_day_birthday(customer: Customer, as_of: date, age: int) -> None:
    """Whole years; someone born on 29 February gains a year on 1 March in common years."""
    assert age == customer.age(as_of)


def test_age_unknown(customer: Customer) -> None:
    """Without a birth date there is no age."""
    assert None is attrs.evolve(customer, birth_date=None).age(date(2025, 1, 1))
    assert 35 == age_on(date(1990, 6, 15), date(2025, 6, 15))
    assert 34 == age_on(date(1990, 6, 15), date(2025, 6, 14))


def test_in_period() -> None:
    """The plain rule agrees with the period's half-open range."""
    year = Period.year(2025)
    assert [True, False] == [
        in_period(date(2025, 12, 31), year),
        in_period(date(2026, 1, 1), year),
    ]


def test_role_must_name_a_unit_of_the_customer(customer: Customer) -> None:
    """A role over an unknown unit is refused, located at its index and field."""
    roles = (
        Role(kind=CustomerKind.OWNER, unit_code="A-1-1201"),
        Role(kind=CustomerKind.TENANT, unit_code="Z-9"),
    )
    err = fault(lambda: attrs.evolve(customer, roles=roles))
    assert ("unit_code", "reference", ".roles[1].unit_code") == (err.field, err.code, err.subpath)
    assert "'unit_code' refers to an unknown unit (not in 'units'): 'Z-9'" == str(err)


def test_role_unit_rule_through_the_converter(customer: Customer) -> None:
    """Loading reports the cross-field fault at ``$.roles[1].unit_code``."""
    data = unstructure(customer)
    data["roles"][1]["unit_code"] = "Z-9"
    with pytest.raises(ValidationError) as info:
        structure(data, Customer)
    assert ("$.roles[1].unit_code",) == info.value.report.paths


def test_check_role_units_is_the_rule() -> None:
    """Roles over no unit, or over a listed unit, pass."""
    check_role_units(
        [Role(kind=CustomerKind.VISITOR), Role(kind=CustomerKind.OWNER, unit_code="A")],
        [unit("A")],
    )
    assert (
        "reference"
        == fault(lambda: check_role_units([Role(kind=CustomerKind.OWNER, unit_code="A")], [])).code
    )


@pytest.mark.parametrize(
    ("changes", "code", "subpath"),
    [
        ({"roles": ()}, "min_items", ""),
        ({"units": (unit("A-1-1201"), unit("A-1-1201"))}, "duplicate", "[1]"),
        (
            {
                "fees": (
                    YearlyFee(year=2025, amount=Money.zero()),
                    YearlyFee(year=2025, amount=Money.of("1")),
                )
            },
            "duplicate",
            "[1]",
        ),
        ({"needs": (ServiceNeed.SPECIAL, ServiceNeed.SPECIAL)}, "duplicate", "[1]"),
        ({"tags": ("vip", "")}, "empty", "[1]"),
        ({"customer_id": "C" * 65}, "max_length", ""),
        ({"registered_at": datetime(2020, 5, 1, 9, 30)}, "naive_datetime", ""),  # noqa: DTZ001
    ],
)
def test_customer_rules(
    customer: Customer, changes: dict[str, Any], code: str, subpath: str
) -> None:
    """Every field rule of a customer refuses with its code and, for lists, the index."""
    base = attrs.evolve(customer, roles=(Role(kind=CustomerKind.OWNER, unit_code="A-1-1201"),))
    err = fault(lambda: attrs.evolve(base, **changes))
    assert (code, subpath) == (err.code, err.subpath)


def test_registered_at_in_any_offset(customer: Customer) -> None:
    """UTC and +08:00 are both aware; equal instants compare equal."""
    utc = attrs.evolve(customer, registered_at=datetime(2020, 5, 1, 1, 30, tzinfo=UTC))
    assert customer == utc


def test_repr_masks_personal_data(customer: Customer) -> None:
    """The repr shows masked personal data only."""
    text = repr(customer)
    for secret in ("王建国", "13812341234", "11010519491231002X", "上海市浦东新区世纪大道100号"):
        assert secret not in text
    for masked in ("王**", "138****1234", "110105********002X", "上海市浦东****"):
        assert masked in text


@given(pst.customers())
def test_repr_never_reveals_personal_data(customer: Customer) -> None:
    """Neither repr nor str of a customer contains any revealed personal value."""
    shown = repr(customer) + str(customer)
    secrets = [customer.name.reveal()]
    secrets += [
        s.reveal()
        for s in (customer.id_number, customer.contact.mobile, customer.contact.address)
        if s is not None
    ]
    for secret in secrets:
        assert secret not in shown
