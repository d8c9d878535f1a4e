"""Frozen pydantic v2 models equivalent to :class:`pmcrm.customers.Customer`.

Strict where pydantic allows it in Python mode: strings, integers and
booleans are strict (no coercion); extra keys are forbidden.  Decimals,
dates, date-times, enums and tuples must be *lax*, since pydantic's strict
Python mode refuses the JSON forms (a string for a Decimal or a date, a
list for a tuple); lax Decimal also accepts floats, which pmcrm refuses.
The rules pmcrm checks are checked here too: string lengths and
non-blankness, bounds, the mobile-number pattern, the ID-card check digit,
finite amounts, and (in one model validator) unique unit codes, fee years
and needs, non-negative fees and purchases, positive arrears settled after
they began, and roles that name a known unit.

``model_dump(mode="json")`` gives the same dict as ``pmcrm``'s ``dump``.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from pmcrm.customers import (
    ContactChannel,
    ContributionKind,
    CustomerKind,
    Gender,
    PartyType,
    PropertyType,
    ServiceNeed,
)
from pmcrm.values import Lang, id_card_is_valid


def _text(max_length: int) -> object:
    return Field(strict=True, min_length=1, max_length=max_length, pattern=r"\S")


def _id_card(value: str) -> str:
    if not id_card_is_valid(value):
        raise ValueError("not a valid resident ID number")
    return value


Code = Annotated[str, _text(40)]
Ident = Annotated[str, _text(64)]
LabelText = Annotated[str, _text(200)]
Name = Annotated[str, _text(100)]
AddressText = Annotated[str, _text(200)]
Mobile = Annotated[str, Field(strict=True, pattern=r"^1[3-9][0-9]{9}$")]
IdNumber = Annotated[str, Field(strict=True, max_length=18), AfterValidator(_id_card)]
Amount = Annotated[
    Decimal,
    Field(
        strict=False,
        allow_inf_nan=False,
        max_digits=21,
        decimal_places=6,
        gt=-(10**15),
        lt=10**15,
    ),
]
Area = Annotated[Decimal, Field(strict=False, allow_inf_nan=False, gt=0, le=1_000_000)]
Year = Annotated[int, Field(strict=True, ge=1900, le=2200)]
LaxDate = Annotated[date, Field(strict=False)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Money(_Model):
    amount: Amount
    currency: Annotated[str, Field(strict=True, pattern=r"^[A-Z]{3}$")] = "CNY"


class PropertyUnit(_Model):
    code: Code
    property_type: PropertyType
    area: Area
    building: Code | None = None


class Role(_Model):
    kind: CustomerKind
    unit_code: Code | None = None
    since: LaxDate | None = None


class Contact(_Model):
    mobile: Mobile | None = None
    address: AddressText | None = None
    wechat: Annotated[bool, Field(strict=True)] = False


class Preferences(_Model):
    language: Lang = Lang.ZH
    channel: ContactChannel = ContactChannel.PHONE
    topics: tuple[LabelText, ...] = ()


class YearlyFee(_Model):
    year: Year
    amount: Money


class Arrears(_Model):
    amount: Money
    since: LaxDate
    settled_on: LaxDate | None = None


class ServicePurchase(_Model):
    on: LaxDate
    need: ServiceNeed
    category: Code
    amount: Money


class Referral(_Model):
    referred_customer_id: Ident
    on: LaxDate


class Participation(_Model):
    activity: LabelText
    on: LaxDate


class Contribution(_Model):
    kind: ContributionKind
    on: LaxDate
    note: LabelText


class Customer(_Model):
    customer_id: Ident
    name: Name
    party: PartyType = PartyType.PERSON
    gender: Gender | None = None
    birth_date: LaxDate | None = None
    id_number: IdNumber | None = None
    roles: Annotated[tuple[Role, ...], Field(min_length=1)]
    units: tuple[PropertyUnit, ...] = ()
    needs: tuple[ServiceNeed, ...] = (ServiceNeed.BASIC,)
    contact: Contact = Contact()
    preferences: Preferences = Preferences()
    fees: tuple[YearlyFee, ...] = ()
    arrears: tuple[Arrears, ...] = ()
    purchases: tuple[ServicePurchase, ...] = ()
    referrals: tuple[Referral, ...] = ()
    participations: tuple[Participation, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    tags: tuple[LabelText, ...] = ()
    registered_at: Annotated[AwareDatetime, Field(strict=False)]

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Self:
        codes = {u.code for u in self.units}
        if len(codes) != len(self.units):
            raise ValueError("duplicate unit code")
        if len({f.year for f in self.fees}) != len(self.fees):
            raise ValueError("duplicate fee year")
        if len(set(self.needs)) != len(self.needs):
            raise ValueError("duplicate service need")
        for role in self.roles:
            if role.unit_code is not None and role.unit_code not in codes:
                raise ValueError("role refers to an unknown unit")
        for money in [f.amount for f in self.fees] + [p.amount for p in self.purchases]:
            if money.currency != "CNY" or money.amount < 0:
                raise ValueError("amount must be >= 0 CNY")
        for debt in self.arrears:
            if debt.amount.currency != "CNY" or debt.amount.amount < Decimal("0.01"):
                raise ValueError("arrears must be >= 0.01 CNY")
            if debt.settled_on is not None and not debt.settled_on > debt.since:
                raise ValueError("settled_on must be after since")
        return self
