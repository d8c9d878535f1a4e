"""Customers (客户): who they are, what they hold, what they buy and give.

Every class here is a frozen, slotted attrs class; build one with keyword
arguments and change it with :func:`attrs.evolve`.  Personal data is held in
the masked types of :mod:`pmcrm.values`, so a ``repr`` never shows it.

>>> from datetime import date, datetime, timezone, timedelta
>>> from decimal import Decimal
>>> from pmcrm.values import Money, MobileNumber, PersonName
>>> c = Customer(
...     customer_id="C0001",
...     name=PersonName("王建国"),
...     roles=(Role(kind=CustomerKind.OWNER, unit_code="A-1-1201"),),
...     units=(
...         PropertyUnit(
...             code="A-1-1201", property_type=PropertyType.RESIDENTIAL, area=Decimal("128.50")
...         ),
...     ),
...     contact=Contact(mobile=MobileNumber("13812341234")),
...     fees=(YearlyFee(year=2025, amount=Money.of("6168.00")),),
...     registered_at=datetime(2020, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=8))),
... )
>>> c.name, c.contact.mobile
(PersonName('王**'), MobileNumber('138****1234'))
>>> c.fee_for(2025)
Money(amount=Decimal('6168.00'), currency='CNY')
>>> [k.text("zh") for k in c.kinds]
['业主']
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from pmcrm.errors import InvalidValue
from pmcrm.validators import (
    at_least,
    at_most,
    each,
    greater_than,
    min_items,
    money_at_least,
    of_type,
    text,
    unique,
)
from pmcrm.values import (
    Address,
    IdCardNumber,
    LabelledEnum,
    Lang,
    MobileNumber,
    Money,
    Period,
    PersonName,
    check_period,
)

__all__ = [
    "Arrears",
    "Contact",
    "ContactChannel",
    "Contribution",
    "ContributionKind",
    "Customer",
    "CustomerKind",
    "Gender",
    "Participation",
    "PartyType",
    "Preferences",
    "PropertyType",
    "PropertyUnit",
    "Referral",
    "Role",
    "ServiceNeed",
    "ServicePurchase",
    "YearlyFee",
]

_ZERO = Money.zero()


class CustomerKind(LabelledEnum):
    """What a customer is to the property (客户类型)."""

    OWNER = "owner", "业主", "Owner"
    TENANT = "tenant", "租户", "Tenant"
    MERCHANT = "merchant", "商户", "Merchant"
    DEVELOPER = "developer", "开发商", "Developer"
    VISITOR = "visitor", "外来人员", "Visitor"
    STAFF = "staff", "内部顾客", "Internal customer (staff)"


class PartyType(LabelledEnum):
    """Whether the customer is a person or an organisation."""

    PERSON = "person", "个人", "Person"
    ORGANISATION = "organisation", "单位", "Organisation"


class PropertyType(LabelledEnum):
    """The type of property (物业类型)."""

    RESIDENTIAL = "residential", "住宅", "Residential"
    COMMERCIAL = "commercial", "商业", "Commercial"
    INDUSTRIAL = "industrial", "工业", "Industrial"
    OFFICE = "office", "办公", "Office"


class ServiceNeed(LabelledEnum):
    """The kind of service a customer needs (服务需求)."""

    BASIC = "basic", "基础物业服务", "Basic property service"
    VALUE_ADDED = "value_added", "增值服务", "Value-added service"
    SPECIAL = "special", "特约服务", "Special (contracted) service"


class Gender(LabelledEnum):
    """A person's gender, as recorded."""

    FEMALE = "female", "女", "Female"
    MALE = "male", "男", "Male"
    UNDISCLOSED = "undisclosed", "未说明", "Undisclosed"


class ContactChannel(LabelledEnum):
    """A channel for reaching a customer (沟通渠道)."""

    PHONE = "phone", "电话", "Phone"
    SMS = "sms", "短信", "SMS"
    WECHAT = "wechat", "微信", "WeChat"
    APP = "app", "App", "App"
    EMAIL = "email", "邮件", "Email"
    VISIT = "visit", "上门拜访", "Home visit"


class ContributionKind(LabelledEnum):
    """A kind of contribution to the company or the community (贡献)."""

    SUGGESTION = "suggestion", "合理化建议", "Suggestion"
    VOLUNTEERING = "volunteering", "志愿服务", "Volunteering"
    COMMUNITY_BUILDING = "community_building", "社区共建", "Community building"
    STRATEGIC = "strategic", "战略贡献", "Strategic contribution"


_year = attrs.validators.and_(at_least(1900), at_most(2200))


_CODE = text(40)
_ID = text(64)
_LABEL = text(200)
_NON_NEGATIVE = money_at_least(_ZERO)


@attrs.frozen(kw_only=True, weakref_slot=False)
class PropertyUnit:
    """A unit of property (房屋/单元) the company serves.

    Attributes:
        code: The unit's code, unique within a customer, e.g. ``"A-1-1201"``.
        property_type: Residential, commercial, industrial or office.
        area: Floor area in square metres, more than 0 and at most 1,000,000.
        building: The building's name or code, when known.
    """

    code: str = attrs.field(validator=_CODE)
    property_type: PropertyType = attrs.field(validator=of_type(PropertyType))
    area: Decimal = attrs.field(validator=[greater_than(Decimal(0)), at_most(Decimal(1_000_000))])
    building: str | None = attrs.field(default=None, validator=attrs.validators.optional(_CODE))


@attrs.frozen(kw_only=True, weakref_slot=False)
class Role:
    """A role the customer holds, over one of their units or none.

    One person may be the owner of one unit and the tenant of another; a
    visitor or an internal customer usually holds no unit.

    Attributes:
        kind: Owner, tenant, merchant, developer, visitor or staff.
        unit_code: The code of one of the customer's :attr:`Customer.units`.
        since: When the role began, when known.
    """

    kind: CustomerKind = attrs.field(validator=of_type(CustomerKind))
    unit_code: str | None = attrs.field(default=None, validator=attrs.validators.optional(_CODE))
    since: date | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class Contact:
    """How to reach a customer.  The mobile number and address are masked when shown.

    Attributes:
        mobile: A mainland mobile number.
        address: A postal address.
        wechat: Whether the customer has joined the WeChat service account.
    """

    mobile: MobileNumber | None = None
    address: Address | None = None
    wechat: bool = False


@attrs.frozen(kw_only=True, weakref_slot=False)
class Preferences:
    """What a customer prefers.

    Attributes:
        language: The language to write to them in.
        channel: The channel they prefer.
        topics: Interests, free text tags such as ``"gardening"``.
    """

    language: Lang = Lang.ZH
    channel: ContactChannel = ContactChannel.PHONE
    topics: tuple[str, ...] = attrs.field(default=(), validator=each(_LABEL))


@attrs.frozen(kw_only=True, weakref_slot=False)
class YearlyFee:
    """The property-service fee (物业服务费) paid for one fee year.

    Attributes:
        year: The fee year.
        amount: What was paid for that year, not negative.
    """

    year: int = attrs.field(validator=_year)
    amount: Money = attrs.field(validator=_NON_NEGATIVE)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Arrears:
    """Money owed (欠费) since a date, and when it was settled.

    Attributes:
        amount: What is owed, more than 0.
        since: The first day it was overdue.
        settled_on: The day it was paid, after *since*; ``None`` while owed.
    """

    amount: Money = attrs.field(validator=money_at_least(Money.of("0.01")))
    since: date
    settled_on: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.settled_on is not None:
            check_settled(self.since, self.settled_on)

    def outstanding_on(self, day: date) -> bool:
        """Whether the debt was owed on *day*."""
        return arrears_outstanding(self, day)

    def days_overdue(self, day: date) -> int:
        """Days the debt had been overdue on *day* (0 if not owed then)."""
        return (day - self.since).days if arrears_outstanding(self, day) else 0


def check_settled(since: date, settled_on: date) -> None:
    """Arrears are settled after they began."""
    try:
        check_period(since, settled_on)
    except InvalidValue:
        raise InvalidValue(
            "settled_on",
            "order",
            value=settled_on.isoformat(),
            other="since",
            subpath=".settled_on",
        ) from None


def arrears_outstanding(arrears: Arrears, day: date) -> bool:
    """Owed on *day*: overdue by then and not yet settled."""
    return arrears.since <= day and (arrears.settled_on is None or day < arrears.settled_on)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ServicePurchase:
    """A service the customer bought or requested (repairs, cleaning, butler…).

    Attributes:
        on: The day of the purchase.
        need: Basic, value-added or special.
        category: A short category such as ``"cleaning"``.
        amount: What was paid, not negative (zero for a free request).
    """

    on: date
    need: ServiceNeed = attrs.field(validator=of_type(ServiceNeed))
    category: str = attrs.field(validator=_CODE)
    amount: Money = attrs.field(validator=_NON_NEGATIVE)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Referral:
    """A new customer this customer brought in (推荐).

    Attributes:
        referred_customer_id: The new customer's id.
        on: The day of the referral.
    """

    referred_customer_id: str = attrs.field(validator=_ID)
    on: date


@attrs.frozen(kw_only=True, weakref_slot=False)
class Participation:
    """Taking part in a community activity (社区活动).

    Attributes:
        activity: What the activity was.
        on: When.
    """

    activity: str = attrs.field(validator=_LABEL)
    on: date


@attrs.frozen(kw_only=True, weakref_slot=False)
class Contribution:
    """A contribution to the company or the community (贡献).

    Attributes:
        kind: Suggestion, volunteering, community building or strategic.
        on: When.
        note: What it was.
    """

    kind: ContributionKind = attrs.field(validator=of_type(ContributionKind))
    on: date
    note: str = attrs.field(validator=_LABEL)


def _check_aware(_inst: object, attr: "attrs.Attribute[datetime]", value: datetime) -> None:
    if value.utcoffset() is None:
        raise InvalidValue(attr.name, "naive_datetime", value=value.isoformat())


@attrs.frozen(kw_only=True, weakref_slot=False)
class Customer:
    """A customer: a person or organisation that buys and uses property services.

    Attributes:
        customer_id: The customer's id, unique in a portfolio.
        name: The name, masked when shown.
        party: Person or organisation.
        gender: As recorded, if at all.
        birth_date: For greetings and age, if known.
        id_number: The resident ID number, masked when shown.
        roles: At least one role; each role's unit is one of *units*.
        units: The units the customer holds, each code once.
        needs: The kinds of service the customer needs, each once.
        contact: How to reach the customer.
        preferences: Language, channel and interests.
        fees: Property-service fees by fee year, each year once.
        arrears: Debts, owed or settled.
        purchases: Services bought or requested.
        referrals: New customers referred.
        participations: Community activities joined.
        contributions: Suggestions and other contributions.
        tags: Free-text tags.
        registered_at: When the customer was registered (timezone-aware).
    """

    customer_id: str = attrs.field(validator=_ID)
    name: PersonName
    party: PartyType = PartyType.PERSON
    gender: Gender | None = None
    birth_date: date | None = None
    id_number: IdCardNumber | None = None
    roles: tuple[Role, ...] = attrs.field(validator=min_items(1))
    units: tuple[PropertyUnit, ...] = attrs.field(
        default=(), validator=unique(lambda u: u.code, "unit code")
    )
    needs: tuple[ServiceNeed, ...] = attrs.field(
        default=(ServiceNeed.BASIC,), validator=unique(lambda n: n.value, "service need")
    )
    contact: Contact = Contact()
    preferences: Preferences = Preferences()
    fees: tuple[YearlyFee, ...] = attrs.field(
        default=(), validator=unique(lambda f: f.year, "fee year")
    )
    arrears: tuple[Arrears, ...] = ()
    purchases: tuple[ServicePurchase, ...] = ()
    referrals: tuple[Referral, ...] = ()
    participations: tuple[Participation, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    tags: tuple[str, ...] = attrs.field(default=(), validator=each(_LABEL))
    registered_at: datetime = attrs.field(validator=_check_aware)

    def __attrs_post_init__(self) -> None:
        check_role_units(self.roles, self.units)

    @property
    def kinds(self) -> tuple[CustomerKind, ...]:
        """The kinds of role the customer holds, each once, in role order."""
        return customer_kinds(self)

    @property
    def property_types(self) -> tuple[PropertyType, ...]:
        """The property types of the customer's units, each once, in unit order."""
        return tuple(dict.fromkeys(u.property_type for u in self.units))

    def fee_for(self, year: int) -> Money | None:
        """The fee paid for fee *year*, or ``None`` if there is no record."""
        return fee_for_year(self.fees, year)

    def arrears_on(self, day: date) -> Money:
        """The total owed on *day*."""
        return outstanding_arrears(self.arrears, day)

    def age(self, as_of: date) -> int | None:
        """Age in whole years on *as_of*, if the birth date is known."""
        return age_on(self.birth_date, as_of)


def check_role_units(roles: Iterable[Role], units: Iterable[PropertyUnit]) -> None:
    """Every role's unit code names one of the customer's units."""
    codes = {u.code for u in units}
    for index, role in enumerate(roles):
        if role.unit_code is not None and role.unit_code not in codes:
            raise InvalidValue(
                "unit_code",
                "reference",
                value=role.unit_code,
                what="unit (not in 'units')",
                what_zh="单元（不在 units 中）",
                subpath=f".roles[{index}].unit_code",
            )


def customer_kinds(customer: Customer) -> tuple[CustomerKind, ...]:
    """The customer's role kinds, each once, in role order."""
    return tuple(dict.fromkeys(r.kind for r in customer.roles))


def fee_for_year(fees: Iterable[YearlyFee], year: int) -> Money | None:
    """The fee recorded for *year*, if any."""
    for fee in fees:
        if fee.year == year:
            return fee.amount
    return None


def outstanding_arrears(arrears: Iterable[Arrears], day: date) -> Money:
    """The sum of the debts owed on *day*."""
    owed = [a.amount for a in arrears if arrears_outstanding(a, day)]
    return sum(owed, _ZERO)


def age_on(birth_date: date | None, as_of: date) -> int | None:
    """Whole years from *birth_date* to *as_of* (a 29 February birthday counts on 1 March)."""
    if birth_date is None:
        return None
    years = as_of.year - birth_date.year
    if (as_of.month, as_of.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def in_period(day: date, period: Period) -> bool:
    """Whether *day* falls in *period* (a plain function for rules to call)."""
    return period.start <= day < period.end
