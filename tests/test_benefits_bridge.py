"""Tests for the bridge from entitlements to pricing (``pmcrm.benefits.discount_rules``)."""

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.benefits import (
    PROPERTY_FEE,
    AccessKind,
    AccessRight,
    Catalogue,
    ComplimentaryService,
    Discount,
    DiscountTarget,
    Entitlement,
    Grant,
    ManualGrant,
    Source,
    Term,
    TermKind,
    TierBenefits,
    TierSpell,
    discount_rules,
    entitlements,
)
from pmcrm.errors import InvalidValue
from pmcrm.pricing import Bill, BillLine, PricingPolicy, RoundingScope, Stacking, price
from pmcrm.values import Label, Money, Rate

AS_OF = date(2026, 11, 23)
SINCE = date(2025, 1, 1)
VALUE_ADDED = ("housekeeping", "car_wash", "laundry")


def fee(code: str, percent: int) -> Discount:
    """A property-fee discount."""
    return Discount(code=code, rate=Rate.percent(percent), target=DiscountTarget.PROPERTY_FEE)


def services(code: str, percent: int, category: str | None = None) -> Discount:
    """A value-added discount, for every value-added category or for one."""
    return Discount(
        code=code,
        rate=Rate.percent(percent),
        target=DiscountTarget.VALUE_ADDED,
        category=category,
    )


def held_by_tier(
    *grants: Grant, tier: str = "diamond", since: date = SINCE
) -> tuple[Entitlement, ...]:
    """What customer C-1 holds on :data:`AS_OF` in *tier* granting *grants*."""
    catalogue = Catalogue(tiers=(TierBenefits(tier=tier, grants=grants),))
    return entitlements("C-1", (TierSpell(tier=tier, since=since),), catalogue, AS_OF)


def test_property_fee_and_value_added_discounts_become_rules() -> None:
    """A fee discount targets the property fee; a value-added one each category named."""
    held = held_by_tier(Grant(benefit=fee("fee_8", 8)), Grant(benefit=services("va_15", 15)))
    rules = discount_rules(held, AS_OF, value_added=VALUE_ADDED)
    expected = [
        (PROPERTY_FEE, Decimal("0.08")),
        ("housekeeping", Decimal("0.15")),
        ("car_wash", Decimal("0.15")),
        ("laundry", Decimal("0.15")),
    ]
    assert expected == [(r.category, r.rate.value) for r in rules]


def test_value_added_discount_never_reaches_the_property_fee() -> None:
    """A bill priced with a 15 % value-added discount and no fee discount: the fee is untouched."""
    held = held_by_tier(Grant(benefit=services("va_15", 15)))
    bill = Bill(
        lines=(
            BillLine(category=PROPERTY_FEE, description="物业费", amount=Money.of("1000.00")),
            BillLine(category="car_wash", description="洗车", amount=Money.of("40.00")),
        )
    )
    priced = price(bill, discount_rules(held, AS_OF, value_added=["car_wash"]), PricingPolicy())
    assert [Decimal("0.00"), Decimal("6.00")] == list(priced.discounts)


def test_a_category_discount_applies_to_its_category_only() -> None:
    """A discount with a category gives one rule for that category, whatever its target."""
    held = held_by_tier(Grant(benefit=services("wash_20", 20, "car_wash")))
    rules = discount_rules(held, AS_OF)
    assert [("car_wash", "20%")] == [(r.category, str(r.rate)) for r in rules]


def test_the_property_fee_category_can_be_renamed() -> None:
    """An integrator billing the fee under another category says so."""
    held = held_by_tier(Grant(benefit=fee("fee_5", 5)))
    rules = discount_rules(held, AS_OF, property_fee="management_fee")
    assert ["management_fee"] == [r.category for r in rules]


def test_other_benefit_kinds_give_no_rule() -> None:
    """Access rights and complimentary services are not discounts."""
    held = held_by_tier(
        Grant(benefit=AccessRight(code="vip", kind=AccessKind.VIP_CHANNEL)),
        Grant(
            benefit=ComplimentaryService(
                code="cleaning",
                service=Label(zh="上门保洁", en="house cleaning"),
                units=1,
                term=Term(kind=TermKind.CALENDAR_YEAR),
            )
        ),
    )
    assert len(held) == 2
    assert () == discount_rules(held, AS_OF)


def test_only_discounts_active_on_the_day_count() -> None:
    """An entitlement outside its span on *as_of* gives no rule."""
    catalogue = Catalogue(
        tiers=(TierBenefits(tier="gold", grants=(Grant(benefit=fee("f3", 3)),)),)
    )
    spells = (TierSpell(tier="gold", since=SINCE, until=date(2026, 1, 1)),)
    history = entitlements("C-1", spells, catalogue, date(2025, 6, 1))
    assert len(discount_rules(history, date(2025, 6, 1))) == 1
    assert () == discount_rules(history, AS_OF)


def test_same_code_held_twice_counts_the_latest() -> None:
    """A manual grant of a code the tier also grants: the one that started last counts, once."""
    tier_held = held_by_tier(Grant(benefit=fee("fee", 5)))
    later = Entitlement(
        customer_id="C-1",
        benefit=fee("fee", 9),
        source=Source.PROMOTION,
        start=date(2026, 11, 1),
        end=None,
        anchor=date(2026, 11, 1),
    )
    for held in ((*tier_held, later), (later, *tier_held)):
        rules = discount_rules(held, AS_OF)
        assert ["9%"] == [str(r.rate) for r in rules]
        assert rules[0].source == Label(
            zh="促销活动：物业费优惠 9%", en="promotion: 9% off the property fee"
        )


def test_same_code_started_the_same_day_counts_the_one_held_last() -> None:
    """A tie on the start day goes to the later of the two in *held* (a grant after the tier)."""
    tier_held = held_by_tier(Grant(benefit=fee("fee", 5)), since=date(2026, 11, 1))
    same_day = Entitlement(
        customer_id="C-1",
        benefit=fee("fee", 9),
        source=Source.PROMOTION,
        start=date(2026, 11, 1),
        end=None,
        anchor=date(2026, 11, 1),
    )
    assert ["9%"] == [str(r.rate) for r in discount_rules((*tier_held, same_day), AS_OF)]
    assert ["5%"] == [str(r.rate) for r in discount_rules((same_day, *tier_held), AS_OF)]


def test_source_labels_name_the_tier_and_the_benefit() -> None:
    """The rule's source, shown in a priced bill's explanation, says where it comes from."""
    held = held_by_tier(Grant(benefit=services("wash", 20, "car_wash")), tier="platinum")
    (rule,) = discount_rules(held, AS_OF)
    expected = Label(
        zh="会员等级 platinum：增值服务（car_wash）优惠 20%",
        en="tier platinum: 20% off value-added services (car_wash)",
    )
    assert expected == rule.source


def test_manual_grants_give_rules_too() -> None:
    """A manual grant's discount is a rule labelled as a manual grant."""
    catalogue = Catalogue()
    grant = ManualGrant(customer_id="C-1", benefit=fee("goodwill", 2), starts_on=date(2026, 11, 1))
    held = entitlements("C-1", (), catalogue, AS_OF, grants=[grant])
    (rule,) = discount_rules(held, AS_OF)
    assert ("manual grant: 2% off the property fee", PROPERTY_FEE) == (
        rule.source.en,
        rule.category,
    )


def test_value_added_discount_without_categories_is_refused() -> None:
    """A value-added discount for every category needs the categories named."""
    held = held_by_tier(Grant(benefit=services("va_10", 10)))
    with pytest.raises(InvalidValue) as info:
        discount_rules(held, AS_OF)
    assert ("value_added", "invalid") == (info.value.field, info.value.code)
    assert "va_10" in str(info.value)


def test_value_added_categories_may_be_any_iterable() -> None:
    """A generator of categories is read once, for every value-added discount."""
    held = held_by_tier(Grant(benefit=services("a", 10)), Grant(benefit=services("b", 5)))
    rules = discount_rules(held, AS_OF, value_added=(c for c in ("laundry", "car_wash")))
    assert ["laundry", "car_wash", "laundry", "car_wash"] == [r.category for r in rules]


# --- the ladder invariant -------------------------------------------------------------

CATEGORIES = (PROPERTY_FEE, *VALUE_ADDED)
percents = st.integers(min_value=0, max_value=40)


@st.composite
def ordered_catalogues(draw: st.DrawFn) -> Catalogue:
    """Three tiers whose discounts are ordered: each higher tier >= the one below, per scope.

    Every tier has a fee discount and a value-added discount; a car-wash
    discount held by a lower tier is held, at least as high, by the higher ones.
    """
    scopes: list[tuple[DiscountTarget, str | None]] = [
        (DiscountTarget.PROPERTY_FEE, None),
        (DiscountTarget.VALUE_ADDED, None),
    ]
    if draw(st.booleans()):
        scopes.append((DiscountTarget.VALUE_ADDED, "car_wash"))
    lowest_with_wash = draw(st.integers(min_value=0, max_value=2))
    tiers = []
    rates = {scope: [draw(percents) for _ in range(3)] for scope in scopes}
    for rank, tier in enumerate(("gold", "platinum", "diamond")):
        grants = []
        for (target, category), values in rates.items():
            if category is not None and rank < lowest_with_wash:
                continue
            percent = sum(sorted(values)[: rank + 1])  # non-decreasing up the ladder
            grants.append(
                Grant(
                    benefit=Discount(
                        code=f"{tier}_{target.value}_{category}",
                        rate=Rate.percent(min(percent, 100)),
                        target=target,
                        category=category,
                    )
                )
            )
        tiers.append(TierBenefits(tier=tier, grants=tuple(grants)))
    return Catalogue(tiers=tuple(tiers))


@st.composite
def bills(draw: st.DrawFn) -> Bill:
    """Up to six lines over the property fee and the value-added categories."""
    lines = draw(
        st.lists(
            st.tuples(st.sampled_from(CATEGORIES), st.integers(min_value=0, max_value=10**8)),
            max_size=6,
        )
    )
    return Bill(
        lines=tuple(
            BillLine(category=c, description=c, amount=Money.of(Decimal(fen) / 100))
            for c, fen in lines
        )
    )


policies = st.builds(
    PricingPolicy,
    stacking=st.sampled_from(Stacking),
    max_total_rate=st.integers(min_value=0, max_value=100).map(Rate.percent),
    rounding=st.sampled_from(RoundingScope),
    rounding_mode=st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN]),
)


@given(catalogue=ordered_catalogues(), bill=bills(), policy=policies)
def test_a_higher_tier_never_pays_more(
    catalogue: Catalogue, bill: Bill, policy: PricingPolicy
) -> None:
    """With an ordered catalogue, the same bill costs a higher tier no more than a lower one."""
    nets = []
    for tier in ("gold", "platinum", "diamond"):
        held = entitlements("C-1", (TierSpell(tier=tier, since=SINCE),), catalogue, AS_OF)
        rules = discount_rules(held, AS_OF, value_added=VALUE_ADDED)
        nets.append(price(bill, rules, policy).net)
    assert nets[0] >= nets[1] >= nets[2]
