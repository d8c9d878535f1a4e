"""The benefit catalogue (权益目录): benefit kinds and what each tier grants.

Benefit kinds are frozen attrs classes forming a tagged union (the
``"type"`` key when serialised, see :data:`BENEFITS`):

* :class:`AccessRight` — priority booking, the no-queue VIP channel, the
  dedicated hotline, the 24-hour emergency line, premium courses, priority
  event places;
* :class:`Discount` — a :class:`~pmcrm.values.Rate` off the property fee or
  off value-added services, optionally for one service category;
* :class:`ComplimentaryService` — a quota of free units per :class:`Term`
  (one free house cleaning per calendar year, plant care once a month…);
* :class:`Greeting` — greetings and gifts on birthdays and festivals.

Every benefit has a ``code``, its identifier in the catalogue (what a
redemption names).  A :class:`Catalogue` maps tier names to
:class:`Grant` values, each a benefit with an optional validity window.
Integrators add benefit kinds of their own (any frozen attrs class with a
``code`` and a ``describe`` method, see :class:`Benefit`) and register them
on *their* converter with
:meth:`~pmcrm.serialization.PmcrmConverter.register_variants`.

>>> from datetime import date
>>> from pmcrm.values import Rate
>>> gold = TierBenefits(
...     tier="gold",
...     grants=(
...         Grant(benefit=AccessRight(code="vip_channel", kind=AccessKind.VIP_CHANNEL)),
...         Grant(
...             benefit=Discount(
...                 code="fee_5", rate=Rate.percent(5), target=DiscountTarget.PROPERTY_FEE
...             )
...         ),
...         Grant(
...             benefit=ComplimentaryService(
...                 code="cleaning",
...                 service=Label(zh="上门保洁", en="house cleaning"),
...                 units=1,
...                 term=Term(kind=TermKind.CALENDAR_YEAR),
...             ),
...             starts_on=date(2026, 1, 1),
...         ),
...     ),
... )
>>> catalogue = Catalogue(tiers=(gold,), grace_days=30)
>>> [g.benefit.describe("en") for g in catalogue.grants_for("gold")]
['VIP channel, no queueing', '5% off the property fee', '1 × house cleaning per calendar year']
>>> catalogue.grants_for("regular")
()
"""

from collections.abc import Mapping
from datetime import date
from typing import Protocol, runtime_checkable

import attrs

from pmcrm.errors import InvalidValue
from pmcrm.validators import at_least, at_most, text, unique
from pmcrm.values import Label, LabelledEnum, Lang, Rate

__all__ = [
    "BENEFITS",
    "AccessKind",
    "AccessRight",
    "Benefit",
    "Catalogue",
    "ComplimentaryService",
    "Discount",
    "DiscountTarget",
    "Grant",
    "Greeting",
    "Occasion",
    "QuotaBenefit",
    "Term",
    "TermKind",
    "TierBenefits",
]

_CODE = text(64)
_TIER = text(40)


@runtime_checkable
class Benefit(Protocol):
    """A benefit kind: a frozen attrs class with a ``code`` and ``describe``.

    The four kinds of pmcrm follow it; an integrator's own kind does too,
    and is registered on the integrator's converter under a tag of its own.
    """

    @property
    def code(self) -> str:
        """The benefit's identifier in the catalogue (what redemptions name)."""
        ...  # pragma: no cover - protocol

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The benefit in words."""
        ...  # pragma: no cover - protocol


@runtime_checkable
class QuotaBenefit(Protocol):
    """A benefit that is used up: *units* per *term* (redeemed through the ledger).

    :class:`ComplimentaryService` is one; an integrator's benefit kind with
    ``units`` and ``term`` attributes is one too.
    """

    @property
    def code(self) -> str:
        """The benefit's identifier in the catalogue."""
        ...  # pragma: no cover - protocol

    @property
    def units(self) -> int:
        """How many uses per term."""
        ...  # pragma: no cover - protocol

    @property
    def term(self) -> "Term":
        """The term the quota resets with."""
        ...  # pragma: no cover - protocol

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The benefit in words."""
        ...  # pragma: no cover - protocol


class AccessKind(LabelledEnum):
    """An access right (专属权益)."""

    PRIORITY_REPAIRS = "priority_repairs", "维修优先预约", "Priority booking of repairs"
    PRIORITY_CLEANING = "priority_cleaning", "保洁优先预约", "Priority booking of cleaning"
    VIP_CHANNEL = "vip_channel", "VIP 专属通道，无需排队", "VIP channel, no queueing"
    DEDICATED_HOTLINE = "dedicated_hotline", "专属服务热线", "Dedicated hotline"
    EMERGENCY_LINE = "emergency_line", "24 小时紧急热线", "24-hour emergency line"
    PREMIUM_COURSES = "premium_courses", "高端课程与讲座", "Premium courses and lectures"
    PRIORITY_EVENTS = "priority_events", "活动优先名额", "Priority places at events"


class DiscountTarget(LabelledEnum):
    """What a discount applies to."""

    PROPERTY_FEE = "property_fee", "物业费", "the property fee"
    VALUE_ADDED = "value_added", "增值服务", "value-added services"


class TermKind(LabelledEnum):
    """How a quota's term is counted (see :func:`~pmcrm.benefits.ledger.term_window`)."""

    CALENDAR_YEAR = "calendar_year", "自然年", "calendar year"
    MEMBERSHIP_YEAR = "membership_year", "会员年度", "membership year"
    ROLLING_MONTHS = "rolling_months", "滚动月份", "rolling months"


class Occasion(LabelledEnum):
    """An occasion for a greeting or a gift."""

    BIRTHDAY = "birthday", "生日", "birthday"
    SPRING_FESTIVAL = "spring_festival", "春节", "Spring Festival"
    LANTERN_FESTIVAL = "lantern_festival", "元宵节", "Lantern Festival"
    DRAGON_BOAT = "dragon_boat", "端午节", "Dragon Boat Festival"
    MID_AUTUMN = "mid_autumn", "中秋节", "Mid-Autumn Festival"
    NATIONAL_DAY = "national_day", "国庆节", "National Day"
    NEW_YEAR = "new_year", "元旦", "New Year's Day"


@attrs.frozen(kw_only=True)
class Term:
    """The term a quota resets with.

    * ``calendar_year``: 1 January to 31 December;
    * ``membership_year``: yearly from the day the customer entered the
      tier (a 29 February start clips to 28 February in other years);
    * ``rolling_months``: any *months* consecutive months (a window, not a
      reset: no more than the quota in any such window).

    >>> Term(kind=TermKind.ROLLING_MONTHS, months=3).describe("zh")
    '滚动 3 个月'
    >>> Term(kind=TermKind.CALENDAR_YEAR, months=3)
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'months' is invalid: only rolling_months takes months

    Attributes:
        kind: How the term is counted.
        months: For ``rolling_months`` only: the window, 1 to 120 months.
    """

    kind: TermKind
    months: int | None = attrs.field(
        default=None, validator=attrs.validators.optional([at_least(1), at_most(120)])
    )

    def __attrs_post_init__(self) -> None:
        check_term(self)

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The term in words."""
        if self.kind is TermKind.ROLLING_MONTHS:
            return (
                f"滚动 {self.months} 个月"
                if Lang(lang) is Lang.ZH
                else f"rolling {self.months} months"
            )
        return self.kind.text(lang)


def check_term(term: Term) -> None:
    """``rolling_months`` needs *months*; the other kinds refuse it."""
    if term.kind is TermKind.ROLLING_MONTHS:
        if term.months is None:
            raise InvalidValue("months", "missing", subpath=".months")
    elif term.months is not None:
        raise InvalidValue(
            "months", "invalid", subpath=".months", detail="only rolling_months takes months"
        )


@attrs.frozen(kw_only=True)
class AccessRight:
    """A right of access: priority booking, the VIP channel, a hotline and so on.

    >>> AccessRight(code="hotline", kind=AccessKind.EMERGENCY_LINE).describe("zh")
    '24 小时紧急热线'

    Attributes:
        code: The benefit's identifier in the catalogue.
        kind: Which right.
    """

    code: str = attrs.field(validator=_CODE)
    kind: AccessKind

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The right in words."""
        return self.kind.text(lang)


@attrs.frozen(kw_only=True)
class Discount:
    """A discount (折扣) off the property fee or off value-added services.

    >>> from pmcrm.values import Rate
    >>> Discount(
    ...     code="cleaning_10",
    ...     rate=Rate.percent(10),
    ...     target=DiscountTarget.VALUE_ADDED,
    ...     category="cleaning",
    ... ).describe("en")
    '10% off value-added services (cleaning)'

    Attributes:
        code: The benefit's identifier in the catalogue.
        rate: The share taken off, between 0 and 1.
        target: What it applies to.
        category: Only this service category (``None``: every category).
    """

    code: str = attrs.field(validator=_CODE)
    rate: Rate
    target: DiscountTarget
    category: str | None = attrs.field(default=None, validator=attrs.validators.optional(_CODE))

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The discount in words."""
        if Lang(lang) is Lang.ZH:
            scope = f"（{self.category}）" if self.category else ""
            return f"{self.target.text(lang)}{scope}优惠 {self.rate}"
        scope = f" ({self.category})" if self.category else ""
        return f"{self.rate} off {self.target.text(lang)}{scope}"


@attrs.frozen(kw_only=True)
class ComplimentaryService:
    """A complimentary service (免费服务) with a quota of *units* per *term*.

    >>> ComplimentaryService(
    ...     code="plants",
    ...     service=Label(zh="绿植养护", en="plant care"),
    ...     units=1,
    ...     term=Term(kind=TermKind.ROLLING_MONTHS, months=1),
    ... ).describe("en")
    '1 × plant care per rolling 1 months'

    Attributes:
        code: The benefit's identifier in the catalogue.
        service: What is offered, in zh and en (上门保洁 / house cleaning).
        units: Free uses per term, 1 to 1000.
        term: When the quota resets.
    """

    code: str = attrs.field(validator=_CODE)
    service: Label
    units: int = attrs.field(validator=[at_least(1), at_most(1000)])
    term: Term

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The service and its quota in words."""
        if Lang(lang) is Lang.ZH:
            return f"每{self.term.describe(lang)}免费{self.service.zh} {self.units} 次"
        return f"{self.units} × {self.service.en} per {self.term.describe(lang)}"


@attrs.frozen(kw_only=True)
class Greeting:
    """A greeting, with an optional gift, on an occasion (生日、节日问候与礼品).

    >>> cake = Label(zh="蛋糕", en="cake")
    >>> Greeting(code="birthday", occasion=Occasion.BIRTHDAY, gift=cake).describe("zh")
    '生日问候及礼品：蛋糕'

    Attributes:
        code: The benefit's identifier in the catalogue.
        occasion: When.
        gift: The gift, if any, in zh and en.
    """

    code: str = attrs.field(validator=_CODE)
    occasion: Occasion
    gift: Label | None = None

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The greeting in words."""
        if Lang(lang) is Lang.ZH:
            base = f"{self.occasion.text(lang)}问候"
            return base + (f"及礼品：{self.gift.zh}" if self.gift else "")
        base = f"{self.occasion.text(lang)} greetings"
        return base + (f" with a gift: {self.gift.en}" if self.gift else "")


#: The benefit kinds of pmcrm by their serialisation tag.
BENEFITS: Mapping[str, type[Benefit]] = {
    "access": AccessRight,
    "discount": Discount,
    "complimentary": ComplimentaryService,
    "greeting": Greeting,
}


@attrs.frozen(kw_only=True)
class Grant:
    """A benefit granted by a tier, within an optional validity window.

    The window is half-open: *starts_on* is in it, *ends_on* is not.

    >>> from datetime import date
    >>> Grant(
    ...     benefit=Greeting(code="moon", occasion=Occasion.MID_AUTUMN),
    ...     starts_on=date(2026, 9, 1),
    ...     ends_on=date(2026, 9, 1),
    ... )
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'ends_on' must be after 'starts_on': '2026-09-01'

    Attributes:
        benefit: What is granted.
        starts_on: The first day it may be held (``None``: no start limit).
        ends_on: The first day it is no longer held (``None``: no end limit).
    """

    benefit: Benefit
    starts_on: date | None = None
    ends_on: date | None = None

    def __attrs_post_init__(self) -> None:
        check_window(self.starts_on, self.ends_on)


def check_window(starts_on: date | None, ends_on: date | None) -> None:
    """A window's end, when both are given, is after its start."""
    if starts_on is not None and ends_on is not None and not ends_on > starts_on:
        raise InvalidValue(
            "ends_on", "order", value=ends_on.isoformat(), other="starts_on", subpath=".ends_on"
        )


@attrs.frozen(kw_only=True)
class TierBenefits:
    """What one tier grants.

    Attributes:
        tier: The tier's name (as in the tier ladder).
        grants: The grants; no two share a benefit code.
    """

    tier: str = attrs.field(validator=_TIER)
    grants: tuple[Grant, ...] = attrs.field(
        default=(), validator=unique(lambda g: g.benefit.code, "benefit code")
    )


@attrs.frozen(kw_only=True)
class Catalogue:
    """Benefits by tier, with the grace period after a tier ends.

    A tier absent from the catalogue (such as the base tier) grants nothing.

    Attributes:
        tiers: What each tier grants; no two entries for one tier.
        grace_days: Days a tier's benefits outlast the tier (0 to 366).
    """

    tiers: tuple[TierBenefits, ...] = attrs.field(
        default=(), validator=unique(lambda t: t.tier, "tier")
    )
    grace_days: int = attrs.field(default=0, validator=[at_least(0), at_most(366)])

    def grants_for(self, tier: str) -> tuple[Grant, ...]:
        """The grants of *tier* (none for a tier not in the catalogue)."""
        return grants_for(self, tier)


def grants_for(catalogue: Catalogue, tier: str) -> tuple[Grant, ...]:
    """The rule of :meth:`Catalogue.grants_for`."""
    for entry in catalogue.tiers:
        if entry.tier == tier:
            return entry.grants
    return ()
