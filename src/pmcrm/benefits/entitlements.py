"""Entitlements (权益享有): which benefits a customer holds, from when, until when.

An :class:`Entitlement` is one benefit held over a half-open span of days,
with its source: the customer's tier, a manual grant or a promotion.

* A tier grants its catalogue benefits while the customer is in it
  (a :class:`TierSpell`), within each grant's own validity window; when
  the tier ends, they last :attr:`~pmcrm.benefits.catalogue.Catalogue.grace_days`
  more days (the grace period never extends a grant's own window).
* A :class:`ManualGrant` gives one customer a benefit over its own span.

:func:`entitlement_history` lists every span; :func:`entitlements` the
ones held on a day.

>>> from datetime import date
>>> from pmcrm.benefits.catalogue import (
...     AccessKind,
...     AccessRight,
...     Catalogue,
...     Grant,
...     TierBenefits,
... )
>>> channel = AccessRight(code="vip_channel", kind=AccessKind.VIP_CHANNEL)
>>> catalogue = Catalogue(
...     tiers=(TierBenefits(tier="gold", grants=(Grant(benefit=channel),)),),
...     grace_days=30,
... )
>>> history = (TierSpell(tier="gold", since=date(2025, 1, 1), until=date(2026, 1, 1)),)
>>> [e.describe("en") for e in entitlements("C-1", history, catalogue, date(2026, 1, 15))]
['VIP channel, no queueing — tier gold, 2025-01-01 to 2026-01-30']
>>> entitlements("C-1", history, catalogue, date(2026, 1, 31))
()
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import attrs

from pmcrm.benefits.catalogue import Benefit, Catalogue, Discount, DiscountTarget, check_window
from pmcrm.errors import InvalidValue
from pmcrm.pricing import DiscountRule
from pmcrm.values import Label, LabelledEnum, Lang

__all__ = [
    "PROPERTY_FEE",
    "Entitlement",
    "ManualGrant",
    "Source",
    "TierSpell",
    "discount_rules",
    "entitlement_history",
    "entitlements",
]

#: The bill-line category of the property fee (what a property-fee discount applies to).
PROPERTY_FEE = "property_fee"

_ID = attrs.validators.and_(attrs.validators.instance_of(str), attrs.validators.min_len(1))


class Source(LabelledEnum):
    """Where an entitlement comes from."""

    TIER = "tier", "会员等级", "tier"
    MANUAL = "manual", "人工授予", "manual grant"
    PROMOTION = "promotion", "促销活动", "promotion"


@attrs.frozen(kw_only=True)
class TierSpell:
    """A stretch of time a customer spent in one tier.

    >>> TierSpell(tier="gold", since=date(2026, 1, 1), until=date(2026, 1, 1))
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'until' must be after 'since': '2026-01-01'

    Attributes:
        tier: The tier's name.
        since: The first day in the tier.
        until: The first day no longer in it (``None``: still in it).
    """

    tier: str = attrs.field(validator=_ID)
    since: date
    until: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.until is not None and not self.until > self.since:
            raise InvalidValue(
                "until", "order", value=self.until.isoformat(), other="since", subpath=".until"
            )


@attrs.frozen(kw_only=True)
class ManualGrant:
    """A benefit given to one customer by hand or by a promotion.

    >>> from pmcrm.benefits.catalogue import Greeting, Occasion
    >>> ManualGrant(
    ...     customer_id="C-1",
    ...     benefit=Greeting(code="gift", occasion=Occasion.BIRTHDAY),
    ...     source=Source.TIER,
    ...     starts_on=date(2026, 1, 1),
    ... )
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'source' must be one of manual, promotion: 'tier'

    Attributes:
        customer_id: Whose grant.
        benefit: What is granted.
        starts_on: The first day it is held.
        ends_on: The first day it is no longer held (``None``: open-ended).
        source: ``manual`` (the default) or ``promotion``.
    """

    customer_id: str = attrs.field(validator=_ID)
    benefit: Benefit
    starts_on: date
    ends_on: date | None = None
    source: Source = Source.MANUAL

    def __attrs_post_init__(self) -> None:
        if self.source is Source.TIER:
            raise InvalidValue("source", "choice", value=self.source, choices="manual, promotion")
        check_window(self.starts_on, self.ends_on)


@attrs.frozen(kw_only=True)
class Entitlement:
    """A benefit held by a customer over a half-open span of days.

    Attributes:
        customer_id: Who holds it.
        benefit: What is held.
        source: Tier, manual grant or promotion.
        start: The first day it is held.
        end: The first day it is no longer held (``None``: open-ended).
        tier: For a tier entitlement, the tier's name.
        anchor: The day membership years count from: the day the customer
            entered the tier (for a grant, its first day).
    """

    customer_id: str
    benefit: Benefit
    source: Source
    start: date
    end: date | None
    tier: str | None = None
    anchor: date

    @property
    def code(self) -> str:
        """The benefit's code."""
        return self.benefit.code

    def active_on(self, day: date) -> bool:
        """Whether the benefit is held on *day*."""
        return active_on(self, day)

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The benefit, its source and its span in words."""
        zh = Lang(lang) is Lang.ZH
        source = self.source.text(lang)
        if self.tier is not None:
            source = f"{source} {self.tier}"
        end = (
            (self.end - timedelta(days=1)).isoformat()
            if self.end is not None
            else ("长期" if zh else "open-ended")
        )
        if zh:
            return f"{self.benefit.describe(lang)}（{source}，{self.start.isoformat()} 至 {end}）"
        return f"{self.benefit.describe(lang)} — {source}, {self.start.isoformat()} to {end}"


def active_on(entitlement: Entitlement, day: date) -> bool:
    """``start <= day < end`` (no end: from *start* on)."""
    return entitlement.start <= day and (entitlement.end is None or day < entitlement.end)


def check_history(tier_history: Sequence[TierSpell]) -> None:
    """Spells are in order and do not overlap; only the last may be open.

    Raises:
        InvalidValue: at the first spell out of order, with its index.
    """
    for index in range(1, len(tier_history)):
        before, spell = tier_history[index - 1], tier_history[index]
        if before.until is None or spell.since < before.until:
            raise InvalidValue(
                "since",
                "order",
                value=spell.since.isoformat(),
                other="the previous spell's until",
                subpath=f"[{index}].since",
            )


def _earlier(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def entitlement_history(
    customer_id: str,
    tier_history: Sequence[TierSpell],
    catalogue: Catalogue,
    *,
    grants: Iterable[ManualGrant] = (),
) -> tuple[Entitlement, ...]:
    """Every entitlement of *customer_id* over the tier history and the grants.

    Tier entitlements come first, spell by spell in catalogue order, then
    the grants of *customer_id* in the order given (grants of other
    customers are skipped).  A tier grant whose window does not meet the
    spell (plus grace) gives nothing.

    Raises:
        InvalidValue: the spells are out of order or overlap.
    """
    check_history(tier_history)
    grace = timedelta(days=catalogue.grace_days)
    out: list[Entitlement] = []
    for spell in tier_history:
        spell_end = None if spell.until is None else spell.until + grace
        for grant in catalogue.grants_for(spell.tier):
            start = spell.since if grant.starts_on is None else max(spell.since, grant.starts_on)
            end = _earlier(spell_end, grant.ends_on)
            if end is None or end > start:
                out.append(
                    Entitlement(
                        customer_id=customer_id,
                        benefit=grant.benefit,
                        source=Source.TIER,
                        start=start,
                        end=end,
                        tier=spell.tier,
                        anchor=spell.since,
                    )
                )
    out.extend(
        Entitlement(
            customer_id=customer_id,
            benefit=grant.benefit,
            source=grant.source,
            start=grant.starts_on,
            end=grant.ends_on,
            anchor=grant.starts_on,
        )
        for grant in grants
        if grant.customer_id == customer_id
    )
    return tuple(out)


def entitlements(
    customer_id: str,
    tier_history: Sequence[TierSpell],
    catalogue: Catalogue,
    as_of: date,
    *,
    grants: Iterable[ManualGrant] = (),
) -> tuple[Entitlement, ...]:
    """The entitlements of *customer_id* held on *as_of*.

    The same benefit code may appear more than once (a grace period
    overlapping the next tier, a manual grant on top of a tier's);
    :func:`~pmcrm.benefits.ledger.can_use` and the ledger use the one that
    started last.

    Raises:
        InvalidValue: the spells are out of order or overlap.
    """
    return tuple(
        e
        for e in entitlement_history(customer_id, tier_history, catalogue, grants=grants)
        if e.active_on(as_of)
    )


def _source_label(entitlement: Entitlement) -> Label:
    """Where a discount rule comes from: the entitlement's source (and tier), then the benefit."""
    labels = []
    for lang in (Lang.ZH, Lang.EN):
        source = entitlement.source.text(lang)
        if entitlement.tier is not None:
            source = f"{source} {entitlement.tier}"
        separator = "：" if lang is Lang.ZH else ": "
        labels.append(f"{source}{separator}{entitlement.benefit.describe(lang)}")
    return Label(zh=labels[0], en=labels[1])


def discount_rules(
    held: Iterable[Entitlement],
    as_of: date,
    *,
    value_added: Iterable[str] = (),
    property_fee: str = PROPERTY_FEE,
) -> tuple[DiscountRule, ...]:
    """The :class:`~pmcrm.pricing.DiscountRule` values of the discounts *held* on *as_of*.

    The bridge from entitlements to :func:`~pmcrm.pricing.price`:

    * only entitlements active on *as_of* whose benefit is a
      :class:`~pmcrm.benefits.catalogue.Discount` count (other kinds, and
      integrators' kinds, give no rule);
    * when the same benefit code is held more than once (a grace period
      overlapping the next tier's, a manual grant on top of a tier's), the
      entitlement that started last counts, as in
      :func:`~pmcrm.benefits.ledger.can_use`; different codes all give rules,
      and the :class:`~pmcrm.pricing.PricingPolicy` decides how they stack;
    * a discount with a ``category`` applies to that bill-line category;
      otherwise a property-fee discount applies to *property_fee*
      (``"property_fee"`` by default), and a value-added discount to each
      category in *value_added*, one rule per category (a value-added
      discount never reaches the property fee, which a rule for every
      category would);
    * each rule's source names the entitlement's source, its tier and the
      benefit, in zh and en, for the priced bill's explanation.

    Rules come in the order of *held*, then of *value_added*.

    >>> from pmcrm.benefits.catalogue import Grant, TierBenefits
    >>> from pmcrm.values import Rate
    >>> fee = Discount(code="fee_8", rate=Rate.percent(8), target=DiscountTarget.PROPERTY_FEE)
    >>> services = Discount(code="va_10", rate=Rate.percent(10), target=DiscountTarget.VALUE_ADDED)
    >>> catalogue = Catalogue(
    ...     tiers=(
    ...         TierBenefits(tier="diamond", grants=(Grant(benefit=fee), Grant(benefit=services))),
    ...     )
    ... )
    >>> spells = (TierSpell(tier="diamond", since=date(2025, 1, 1)),)
    >>> held = entitlements("C-1", spells, catalogue, date(2026, 11, 23))
    >>> rules = discount_rules(held, date(2026, 11, 23), value_added=("housekeeping", "car_wash"))
    >>> [(r.category, str(r.rate)) for r in rules]
    [('property_fee', '8%'), ('housekeeping', '10%'), ('car_wash', '10%')]
    >>> rules[0].source.en
    'tier diamond: 8% off the property fee'
    >>> discount_rules(held, date(2026, 11, 23))
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'value_added' is invalid: va_10 covers every value-added ...

    Raises:
        InvalidValue: a value-added discount without a category is held and
            *value_added* names no category.
    """
    categories = tuple(value_added)
    latest: dict[str, Entitlement] = {}
    for entitlement in held:
        if isinstance(entitlement.benefit, Discount) and entitlement.active_on(as_of):
            before = latest.get(entitlement.code)
            if before is None or entitlement.start >= before.start:
                latest[entitlement.code] = entitlement
    rules: list[DiscountRule] = []
    for entitlement in latest.values():
        benefit = entitlement.benefit
        assert isinstance(benefit, Discount)  # noqa: S101 - filtered above, for the type checker
        if benefit.category is not None:
            scope: tuple[str, ...] = (benefit.category,)
        elif benefit.target is DiscountTarget.PROPERTY_FEE:
            scope = (property_fee,)
        elif categories:
            scope = categories
        else:
            raise InvalidValue(
                "value_added",
                "invalid",
                detail=f"{benefit.code} covers every value-added service: name their categories",
            )
        source = _source_label(entitlement)
        rules.extend(DiscountRule(rate=benefit.rate, category=c, source=source) for c in scope)
    return tuple(rules)
