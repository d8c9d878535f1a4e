"""Hand-written floors: the fastest plain code that does the same job as pmcrm.

:func:`load_customer` turns a JSON-shaped dict into the same pmcrm attrs
objects as ``default_converter().load(d, Customer)``, with equivalent
strictness: every object must be a ``dict`` with no unknown key, scalars are
type-checked (``type(v) is str``/``int``/``bool``), decimals come from
strings (or integers) through ``Decimal(s)``, dates through
``date.fromisoformat``, the registration time through
``datetime.fromisoformat`` with an awareness check, enums by dict lookup on
their values, tuples only from lists.  The attrs validators of the pmcrm
classes run as usual (they check text lengths, bounds, money, ID numbers...).
It does *not* enforce pmcrm's global size limits (10,000 characters per
string, 10,000 items per list, integers within 2**53) nor its decimal
grammar (at most 15 integer and 6 fractional digits), so it is slightly
laxer, which only makes it faster.

:func:`dump_customer` turns a pmcrm customer into exactly the dict
``default_converter().dump(c)`` gives.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
from pmcrm.values import Address, IdCardNumber, Lang, MobileNumber, Money, PersonName

_EMPTY_LIST: list[Any] = []
_EMPTY_DICT: dict[str, Any] = {}
_BASIC: list[str] = ["basic"]


def _table(enum: Any) -> dict[str, Any]:
    return {m.value: m for m in enum}


_KIND = _table(CustomerKind)
_PARTY = _table(PartyType)
_PROPERTY_TYPE = _table(PropertyType)
_NEED = _table(ServiceNeed)
_GENDER = _table(Gender)
_CHANNEL = _table(ContactChannel)
_CONTRIBUTION_KIND = _table(ContributionKind)
_LANG = _table(Lang)

_K_UNIT = frozenset(("code", "property_type", "area", "building"))
_K_ROLE = frozenset(("kind", "unit_code", "since"))
_K_CONTACT = frozenset(("mobile", "address", "wechat"))
_K_PREFERENCES = frozenset(("language", "channel", "topics"))
_K_MONEY = frozenset(("amount", "currency"))
_K_FEE = frozenset(("year", "amount"))
_K_ARREARS = frozenset(("amount", "since", "settled_on"))
_K_PURCHASE = frozenset(("on", "need", "category", "amount"))
_K_REFERRAL = frozenset(("referred_customer_id", "on"))
_K_PARTICIPATION = frozenset(("activity", "on"))
_K_CONTRIBUTION = frozenset(("kind", "on", "note"))
_K_CUSTOMER = frozenset(
    (
        "customer_id",
        "name",
        "party",
        "gender",
        "birth_date",
        "id_number",
        "roles",
        "units",
        "needs",
        "contact",
        "preferences",
        "fees",
        "arrears",
        "purchases",
        "referrals",
        "participations",
        "contributions",
        "tags",
        "registered_at",
    )
)


class Refused(ValueError):
    """The floor refuses the input (it does not say where or why)."""


def _obj(d: Any, keys: frozenset[str]) -> dict[str, Any]:
    if type(d) is not dict or not keys.issuperset(d):
        raise Refused
    return d


def _list(v: Any) -> list[Any]:
    if type(v) is not list:
        raise Refused
    return v


def _dec(v: Any) -> Decimal:
    if type(v) is str or type(v) is int:
        return Decimal(v)
    raise Refused


def _date(v: Any) -> date:
    if type(v) is not str:
        raise Refused
    return date.fromisoformat(v)


def _opt_date(v: Any) -> date | None:
    return None if v is None else _date(v)


def _money(d: Any) -> Money:
    d = _obj(d, _K_MONEY)
    return Money(amount=_dec(d["amount"]), currency=d.get("currency", "CNY"))


def _unit(d: Any) -> PropertyUnit:
    d = _obj(d, _K_UNIT)
    return PropertyUnit(
        code=d["code"],
        property_type=_PROPERTY_TYPE[d["property_type"]],
        area=_dec(d["area"]),
        building=d.get("building"),
    )


def _role(d: Any) -> Role:
    d = _obj(d, _K_ROLE)
    return Role(
        kind=_KIND[d["kind"]], unit_code=d.get("unit_code"), since=_opt_date(d.get("since"))
    )


def _contact(d: Any) -> Contact:
    d = _obj(d, _K_CONTACT)
    mobile = d.get("mobile")
    address = d.get("address")
    wechat = d.get("wechat", False)
    if type(wechat) is not bool:
        raise Refused
    return Contact(
        mobile=None if mobile is None else MobileNumber(mobile),
        address=None if address is None else Address(address),
        wechat=wechat,
    )


def _preferences(d: Any) -> Preferences:
    d = _obj(d, _K_PREFERENCES)
    return Preferences(
        language=_LANG[d.get("language", "zh")],
        channel=_CHANNEL[d.get("channel", "phone")],
        topics=tuple(_list(d.get("topics", _EMPTY_LIST))),
    )


def _fee(d: Any) -> YearlyFee:
    d = _obj(d, _K_FEE)
    year = d["year"]
    if type(year) is not int:
        raise Refused
    return YearlyFee(year=year, amount=_money(d["amount"]))


def _arrears(d: Any) -> Arrears:
    d = _obj(d, _K_ARREARS)
    return Arrears(
        amount=_money(d["amount"]),
        since=_date(d["since"]),
        settled_on=_opt_date(d.get("settled_on")),
    )


def _purchase(d: Any) -> ServicePurchase:
    d = _obj(d, _K_PURCHASE)
    return ServicePurchase(
        on=_date(d["on"]),
        need=_NEED[d["need"]],
        category=d["category"],
        amount=_money(d["amount"]),
    )


def _referral(d: Any) -> Referral:
    d = _obj(d, _K_REFERRAL)
    return Referral(referred_customer_id=d["referred_customer_id"], on=_date(d["on"]))


def _participation(d: Any) -> Participation:
    d = _obj(d, _K_PARTICIPATION)
    return Participation(activity=d["activity"], on=_date(d["on"]))


def _contribution(d: Any) -> Contribution:
    d = _obj(d, _K_CONTRIBUTION)
    return Contribution(kind=_CONTRIBUTION_KIND[d["kind"]], on=_date(d["on"]), note=d["note"])


def load_customer(d: Any) -> Customer:
    """A pmcrm :class:`Customer` from its JSON-shaped dict, or raise."""
    d = _obj(d, _K_CUSTOMER)
    gender = d.get("gender")
    id_number = d.get("id_number")
    registered_at = d["registered_at"]
    if type(registered_at) is not str:
        raise Refused
    registered = datetime.fromisoformat(registered_at)
    if registered.utcoffset() is None:
        raise Refused
    return Customer(
        customer_id=d["customer_id"],
        name=PersonName(d["name"]),
        party=_PARTY[d.get("party", "person")],
        gender=None if gender is None else _GENDER[gender],
        birth_date=_opt_date(d.get("birth_date")),
        id_number=None if id_number is None else IdCardNumber(id_number),
        roles=tuple([_role(x) for x in _list(d["roles"])]),
        units=tuple([_unit(x) for x in _list(d.get("units", _EMPTY_LIST))]),
        needs=tuple([_NEED[x] for x in _list(d.get("needs", _BASIC))]),
        contact=_contact(d.get("contact", _EMPTY_DICT)),
        preferences=_preferences(d.get("preferences", _EMPTY_DICT)),
        fees=tuple([_fee(x) for x in _list(d.get("fees", _EMPTY_LIST))]),
        arrears=tuple([_arrears(x) for x in _list(d.get("arrears", _EMPTY_LIST))]),
        purchases=tuple([_purchase(x) for x in _list(d.get("purchases", _EMPTY_LIST))]),
        referrals=tuple([_referral(x) for x in _list(d.get("referrals", _EMPTY_LIST))]),
        participations=tuple(
            [_participation(x) for x in _list(d.get("participations", _EMPTY_LIST))]
        ),
        contributions=tuple(
            [_contribution(x) for x in _list(d.get("contributions", _EMPTY_LIST))]
        ),
        tags=tuple(_list(d.get("tags", _EMPTY_LIST))),
        registered_at=registered,
    )


# --- dumping -------------------------------------------------------------------


def _dump_money(m: Money) -> dict[str, Any]:
    return {"amount": f"{m.amount:f}", "currency": m.currency}


def dump_customer(c: Customer) -> dict[str, Any]:
    """The JSON-ready dict of *c*, exactly as ``default_converter().dump(c)`` gives it."""
    contact = c.contact
    preferences = c.preferences
    return {
        "customer_id": c.customer_id,
        "name": c.name.reveal(),
        "party": c.party.value,
        "gender": None if c.gender is None else c.gender.value,
        "birth_date": None if c.birth_date is None else c.birth_date.isoformat(),
        "id_number": None if c.id_number is None else c.id_number.reveal(),
        "roles": [
            {
                "kind": r.kind.value,
                "unit_code": r.unit_code,
                "since": None if r.since is None else r.since.isoformat(),
            }
            for r in c.roles
        ],
        "units": [
            {
                "code": u.code,
                "property_type": u.property_type.value,
                "area": f"{u.area:f}",
                "building": u.building,
            }
            for u in c.units
        ],
        "needs": [n.value for n in c.needs],
        "contact": {
            "mobile": None if contact.mobile is None else contact.mobile.reveal(),
            "address": None if contact.address is None else contact.address.reveal(),
            "wechat": contact.wechat,
        },
        "preferences": {
            "language": preferences.language.value,
            "channel": preferences.channel.value,
            "topics": list(preferences.topics),
        },
        "fees": [{"year": f.year, "amount": _dump_money(f.amount)} for f in c.fees],
        "arrears": [
            {
                "amount": _dump_money(a.amount),
                "since": a.since.isoformat(),
                "settled_on": None if a.settled_on is None else a.settled_on.isoformat(),
            }
            for a in c.arrears
        ],
        "purchases": [
            {
                "on": p.on.isoformat(),
                "need": p.need.value,
                "category": p.category,
                "amount": _dump_money(p.amount),
            }
            for p in c.purchases
        ],
        "referrals": [
            {"referred_customer_id": r.referred_customer_id, "on": r.on.isoformat()}
            for r in c.referrals
        ],
        "participations": [
            {"activity": p.activity, "on": p.on.isoformat()} for p in c.participations
        ],
        "contributions": [
            {"kind": k.kind.value, "on": k.on.isoformat(), "note": k.note} for k in c.contributions
        ],
        "tags": list(c.tags),
        "registered_at": c.registered_at.isoformat(),
    }
