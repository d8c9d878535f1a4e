"""Pricing: bills, discount rules, stacking, rounding, itemised and explained results."""

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from html_cells import read
from pmcrm.errors import InvalidValue
from pmcrm.pricing import (
    MIN_UNIT,
    ROUNDING_MODES,
    Bill,
    BillLine,
    DiscountRule,
    PricedBill,
    PricingPolicy,
    RoundingScope,
    Stacking,
    describe_policy,
    effective_rate,
    price,
    price_bills,
    rule_applies,
)
from pmcrm.serialization import structure, unstructure
from pmcrm.values import FEN, MONEY_CONTEXT, Label, Money, Rate, quantize_amount

CATEGORIES = ("property_fee", "cleaning", "parking")
PLATINUM_FEE = DiscountRule(
    rate=Rate.percent(10),
    category="property_fee",
    source=Label(zh="铂金物业费折扣", en="Platinum property-fee discount"),
)
PLATINUM_SERVICES = DiscountRule(
    rate=Rate.percent(5), source=Label(zh="铂金增值服务折扣", en="Platinum service discount")
)
PROMO_CLEANING = DiscountRule(
    rate=Rate.percent(8), category="cleaning", source=Label(zh="保洁季活动", en="Cleaning promo")
)


def line(amount: str, category: str = "property_fee", currency: str = "CNY") -> BillLine:
    """A bill line of *amount* in *category*."""
    return BillLine(
        category=category, description="服务", amount=Money.of(amount, currency=currency)
    )


def bill(*amounts: tuple[str, str]) -> Bill:
    """A CNY bill with ``(amount, category)`` lines."""
    return Bill(lines=tuple(line(a, c) for a, c in amounts))


def discounts(priced: PricedBill) -> list[str]:
    """The line discounts as strings."""
    return [str(item.discount.amount) for item in priced.lines]


# --- strategies --------------------------------------------------------------------

units = st.sampled_from([FEN, Decimal("0.05"), Decimal(1), Decimal("0.001")])
rates = st.integers(0, 10_000).map(
    lambda k: Rate(MONEY_CONTEXT.divide(Decimal(k), Decimal(10_000)))
)
rules_st = st.lists(
    st.builds(
        DiscountRule,
        rate=rates,
        category=st.none() | st.sampled_from(CATEGORIES),
        source=st.just(Label(zh="折扣", en="discount")),
    ),
    max_size=4,
)
policies = st.builds(
    PricingPolicy,
    stacking=st.sampled_from(Stacking),
    max_total_rate=rates,
    rounding=st.sampled_from(RoundingScope),
    rounding_mode=st.sampled_from(ROUNDING_MODES),
    unit=units,
)


@st.composite
def bills_for(draw: st.DrawFn, unit: Decimal) -> Bill:
    """A CNY bill whose amounts are whole numbers of *unit*."""
    count = draw(st.integers(0, 12))
    lines = tuple(
        BillLine(
            category=draw(st.sampled_from(CATEGORIES)),
            description="服务",
            amount=Money(
                amount=MONEY_CONTEXT.multiply(
                    Decimal(draw(st.integers(0, 10**9) | st.integers(0, 30))), unit
                )
            ),
        )
        for _ in range(count)
    )
    return Bill(lines=lines)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Bill, list[DiscountRule], PricingPolicy]:
    """A bill, rules and a policy whose unit divides the bill's amounts."""
    policy = draw(policies)
    return draw(bills_for(policy.unit)), draw(rules_st), policy


def total_units(priced: PricedBill) -> int:
    """The total discount in units of the policy."""
    return int(MONEY_CONTEXT.divide(priced.discount.amount, priced.policy.unit))


# --- the invariants ------------------------------------------------------------------


@given(cases())
def test_lines_and_totals_always_add_up(
    case: tuple[Bill, list[DiscountRule], PricingPolicy],
) -> None:
    """0 <= discount <= original, net + discount == original, totals are the sums, exactly."""
    the_bill, rules, policy = case
    priced = price(the_bill, rules, policy)
    assert len(the_bill.lines) == len(priced.lines)
    for item in priced.lines:
        assert Money.zero() <= item.discount <= item.original
        assert Money.zero() <= item.net <= item.original
        assert item.original == item.net + item.discount
        assert Decimal(0) == MONEY_CONTEXT.remainder(item.discount.amount, policy.unit)
    assert priced.original == sum((i.original for i in priced.lines), Money.zero())
    assert priced.discount == sum((i.discount for i in priced.lines), Money.zero())
    assert priced.net == sum((i.net for i in priced.lines), Money.zero())
    assert priced.original == priced.net + priced.discount


@given(cases())
def test_best_of_never_beats_uncapped_cumulative(
    case: tuple[Bill, list[DiscountRule], PricingPolicy],
) -> None:
    """Best-of gives no more discount than cumulative with no cap, per line and in total."""
    the_bill, rules, policy = case
    best = price(the_bill, rules, PricingPolicy(stacking=Stacking.BEST_OF, unit=policy.unit))
    summed = price(the_bill, rules, PricingPolicy(stacking=Stacking.CUMULATIVE, unit=policy.unit))
    assert best.discount <= summed.discount
    for b, s in zip(best.lines, summed.lines, strict=True):
        assert b.rate.value <= s.rate.value
        assert b.discount <= s.discount


@given(cases())
def test_per_line_and_per_bill_differ_by_at_most_one_unit_per_line(
    case: tuple[Bill, list[DiscountRule], PricingPolicy],
) -> None:
    """The two rounding scopes differ by at most (number of lines) units in total."""
    the_bill, rules, policy = case
    per_line = price(
        the_bill, rules, PricingPolicy(rounding=RoundingScope.PER_LINE, unit=policy.unit)
    )
    per_bill = price(
        the_bill, rules, PricingPolicy(rounding=RoundingScope.PER_BILL, unit=policy.unit)
    )
    assert abs(total_units(per_line) - total_units(per_bill)) <= len(the_bill.lines)
    assert per_bill.discount == Money(amount=quantize_amount(per_bill.exact_discount, policy.unit))


@given(cases())
def test_per_bill_allocation_is_money_allocate_when_that_fits(
    case: tuple[Bill, list[DiscountRule], PricingPolicy],
) -> None:
    """Per-bill shares are ``Money.allocate``'s by exact discounts unless a line goes below 0."""
    the_bill, rules, policy = case
    priced = price(the_bill, rules, attrs.evolve(policy, rounding=RoundingScope.PER_BILL))
    exact = [MONEY_CONTEXT.multiply(i.original.amount, i.rate.value) for i in priced.lines]
    assume(any(exact))
    parts = priced.discount.allocate(exact, unit=policy.unit)
    assume(all(p <= i.original for p, i in zip(parts, priced.lines, strict=True)))
    assert list(parts) == [i.discount for i in priced.lines]


@given(cases())
def test_price_bills_equals_price_of_each(
    case: tuple[Bill, list[DiscountRule], PricingPolicy],
) -> None:
    """Streaming with one rate cache gives what pricing each bill alone gives."""
    the_bill, rules, policy = case
    other = Bill(lines=the_bill.lines[::-1])
    assert [price(the_bill, rules, policy), price(other, rules, policy)] == list(
        price_bills([the_bill, other], rules, policy)
    )


@given(st.integers(0, 10**12), rates, st.sampled_from(ROUNDING_MODES))
def test_fast_rounding_equals_quantize_amount(fen: int, rate: Rate, mode: str) -> None:
    """The one-``quantize`` path for power-of-ten units equals the general rule exactly."""
    amount = MONEY_CONTEXT.multiply(Decimal(fen), FEN)
    priced = price(
        Bill(lines=(BillLine(category="x", description="d", amount=Money(amount=amount)),)),
        [DiscountRule(rate=rate, source=Label(zh="折", en="off"))],
        PricingPolicy(rounding_mode=mode),
    )
    expected = quantize_amount(MONEY_CONTEXT.multiply(amount, rate.value), FEN, mode)
    assert str(expected) == str(priced.lines[0].discount.amount)


@given(policies, rules_st)
def test_policy_and_rules_round_trip(policy: PricingPolicy, rules: list[DiscountRule]) -> None:
    """Policies and rules survive ``unstructure`` then ``structure``."""
    assert policy == structure(unstructure(policy), PricingPolicy)
    assert rules == structure(unstructure(rules), list[DiscountRule])


def test_policy_unstructures_to_plain_values() -> None:
    """Enums by value, decimals as strings."""
    data = unstructure(
        PricingPolicy(stacking=Stacking.CUMULATIVE, max_total_rate=Rate.percent(20))
    )
    assert {
        "stacking": "cumulative",
        "max_total_rate": {"value": "0.2"},
        "rounding": "per_line",
        "rounding_mode": "ROUND_HALF_UP",
        "unit": "0.01",
    } == data


# --- examples ------------------------------------------------------------------------


def test_half_up_not_bankers_rounding() -> None:
    """5 % of 53.30 is 2.665: 四舍五入 gives 2.67 where banker's rounding gives 2.66."""
    the_bill = bill(("53.30", "cleaning"))
    assert ["2.67"] == discounts(price(the_bill, [PLATINUM_SERVICES], PricingPolicy()))
    even = PricingPolicy(rounding_mode=ROUND_HALF_EVEN)
    assert ["2.66"] == discounts(price(the_bill, [PLATINUM_SERVICES], even))


def test_best_of_takes_the_highest_applicable_rate() -> None:
    """Cleaning gets the 8 % promo, the fee its 10 %, parking the 5 % for all categories."""
    the_bill = bill(("1000.00", "property_fee"), ("200.00", "cleaning"), ("50.00", "parking"))
    rules = [PLATINUM_FEE, PLATINUM_SERVICES, PROMO_CLEANING]
    priced = price(the_bill, rules, PricingPolicy())
    assert ["100.00", "16.00", "2.50"] == discounts(priced)
    assert [(PLATINUM_FEE,), (PROMO_CLEANING,), (PLATINUM_SERVICES,)] == [
        i.rules for i in priced.lines
    ]
    assert Money.of("1131.50") == priced.net


def test_best_of_tie_records_the_first_rule() -> None:
    """On equal rates, the rule given first is the one recorded."""
    twin = DiscountRule(rate=Rate.percent(10), source=Label(zh="双胞胎", en="twin"))
    rate, applied = effective_rate("property_fee", [twin, PLATINUM_FEE], PricingPolicy())
    assert (Rate.percent(10), (twin,)) == (rate, applied)


def test_cumulative_adds_up_to_the_cap() -> None:
    """Cumulative: 10 % + 5 % = 15 %, capped at 12 %; cleaning 5 % + 8 % = 13 % → 12 %."""
    policy = PricingPolicy(stacking=Stacking.CUMULATIVE, max_total_rate=Rate.percent(12))
    rules = [PLATINUM_FEE, PLATINUM_SERVICES, PROMO_CLEANING]
    assert (Rate.percent(12), (PLATINUM_FEE, PLATINUM_SERVICES)) == effective_rate(
        "property_fee", rules, policy
    )
    assert (Rate.percent(5), (PLATINUM_SERVICES,)) == effective_rate("parking", rules, policy)
    uncapped = PricingPolicy(stacking=Stacking.CUMULATIVE)
    assert Rate.percent(13) == effective_rate("cleaning", rules, uncapped)[0]


def test_no_applicable_rule_means_no_discount() -> None:
    """A category no rule covers is billed in full."""
    priced = price(bill(("88.00", "parking")), [PLATINUM_FEE], PricingPolicy())
    item = priced.lines[0]
    assert (Rate(Decimal(0)), (), Money.of("0.00"), Money.of("88.00")) == (
        item.rate,
        item.rules,
        item.discount,
        item.net,
    )
    assert not rule_applies(PLATINUM_FEE, "parking")


def test_per_bill_caps_a_line_at_its_amount() -> None:
    """Plain largest remainder would give the 0.01 line 0.02; the cap moves the fen on."""
    full = DiscountRule(
        rate=Rate(Decimal(1)), category="parking", source=Label(zh="免", en="free")
    )
    one = DiscountRule(rate=Rate.percent(1), category="cleaning", source=Label(zh="一", en="one"))
    the_bill = bill(("0.01", "parking"), ("0.25", "cleaning"), ("0.25", "cleaning"))
    policy = PricingPolicy(rounding=RoundingScope.PER_BILL)
    priced = price(the_bill, [full, one], policy)
    assert ["0.01", "0.01", "0.00"] == discounts(priced)
    assert (Decimal("0.0150"), Money.of("0.02")) == (priced.exact_discount, priced.discount)
    naive = Money.of("0.02").allocate([Decimal("0.01"), Decimal("0.0025"), Decimal("0.0025")])
    assert Money.of("0.02") == naive[0]


def test_per_bill_rounds_once() -> None:
    """Three lines of 0.10 at 5 %: per line 0.01 each (0.03), per bill 0.015 → 0.02."""
    the_bill = bill(("0.10", "cleaning"), ("0.10", "cleaning"), ("0.10", "cleaning"))
    per_line = price(the_bill, [PLATINUM_SERVICES], PricingPolicy())
    per_bill = price(the_bill, [PLATINUM_SERVICES], PricingPolicy(rounding=RoundingScope.PER_BILL))
    assert (Money.of("0.03"), Money.of("0.02")) == (per_line.discount, per_bill.discount)
    assert ["0.01", "0.01", "0.00"] == discounts(per_bill)


def test_per_bill_gives_the_units_left_to_the_largest_remainders() -> None:
    """0.10, 0.10 and 0.90 at 5 %: 0.055 in all, 0.06 rounded, 6 fen to share.

    Exact shares 0.545, 0.545 and 4.909 fen: floors 0, 0 and 4; of the 2 fen
    left, one goes to the largest remainder (the third line), one to the
    first of the tied lines.
    """
    the_bill = bill(("0.10", "cleaning"), ("0.10", "cleaning"), ("0.90", "cleaning"))
    priced = price(the_bill, [PLATINUM_SERVICES], PricingPolicy(rounding=RoundingScope.PER_BILL))
    assert (["0.01", "0.00", "0.05"], Money.of("0.06")) == (discounts(priced), priced.discount)


def test_per_bill_without_discount_and_empty_bill() -> None:
    """No discount at all allocates zeros; an empty bill has zero totals in its currency."""
    policy = PricingPolicy(rounding=RoundingScope.PER_BILL)
    assert ["0.00"] == discounts(price(bill(("9.99", "parking")), [], policy))
    empty = price(Bill(lines=(), currency="HKD"), [PLATINUM_FEE], policy)
    assert ((), Money.zero("HKD"), Money.zero("HKD")) == (empty.lines, empty.original, empty.net)


def test_cash_unit_rounds_to_its_multiples() -> None:
    """A 0.05 unit: 10 % of 12.35 is 1.235 → 1.25 (nearest multiple of 0.05)."""
    policy = PricingPolicy(unit=Decimal("0.05"))
    priced = price(bill(("12.35", "property_fee")), [PLATINUM_FEE], policy)
    assert (["1.25"], Money.of("11.10")) == (discounts(priced), priced.net)


def test_other_currency_keeps_its_currency() -> None:
    """Discounts and totals are in the bill's currency."""
    the_bill = Bill(lines=(line("100.00", currency="HKD"),), currency="HKD")
    priced = price(the_bill, [PLATINUM_FEE], PricingPolicy())
    assert ("HKD", "HKD", "HKD") == (
        priced.lines[0].discount.currency,
        priced.lines[0].net.currency,
        priced.discount.currency,
    )


# --- explanations ---------------------------------------------------------------------


def test_explain_per_line_in_both_languages() -> None:
    """Each line shows its figures and sources; then rounding and the totals."""
    the_bill = bill(("1000.00", "property_fee"), ("50.00", "parking"))
    priced = price(the_bill, [PLATINUM_FEE], PricingPolicy())
    assert [
        "line 1 property_fee (服务): 1000.00 CNY × 10% = 100.00 CNY off "
        "(Platinum property-fee discount) → 900.00 CNY",
        "line 2 parking (服务): 50.00 CNY × 0% = 0.00 CNY off (no discount applies) → 50.00 CNY",
        "rounding: per line, ROUND_HALF_UP to 0.01; stacking: best of",
        "total: 1050.00 CNY − 100.00 CNY discount = 950.00 CNY",
    ] == priced.explain("en").splitlines()
    assert [
        "第 1 行 property_fee（服务）：1000.00 CNY × 10% = 优惠 100.00 CNY"
        "（铂金物业费折扣）→ 900.00 CNY",
        "第 2 行 parking（服务）：50.00 CNY × 0% = 优惠 0.00 CNY（无适用折扣）→ 50.00 CNY",
        "取整：逐行，按 ROUND_HALF_UP 取整到 0.01；叠加：取最优",
        "合计：1050.00 CNY − 优惠 100.00 CNY = 950.00 CNY",
    ] == priced.explain("zh").splitlines()


def test_explain_per_bill_cumulative() -> None:
    """Per-bill rounding states the exact and rounded discounts; cumulative lists all sources."""
    the_bill = bill(("0.10", "cleaning"), ("0.10", "cleaning"))
    policy = PricingPolicy(stacking=Stacking.CUMULATIVE, rounding=RoundingScope.PER_BILL)
    priced = price(the_bill, [PLATINUM_SERVICES, PROMO_CLEANING], policy)
    reasons = priced.reasons()
    assert ["pricing.line", "pricing.line", "pricing.rounding.per_bill", "pricing.total"] == [
        r.code for r in reasons
    ]
    assert "Platinum service discount + Cleaning promo" == reasons[0].figure("sources_en")
    assert (
        "rounding: per bill, exact discount 0.0260 rounded ROUND_HALF_UP to 0.01 is 0.03 CNY, "
        "allocated to the lines by largest remainder; stacking: cumulative"
    ) == reasons[2].text("en")
    assert "按最大余额法分摊到各行" in reasons[2].text("zh")


def test_describe_policy() -> None:
    """The policy in words, with the cap only when it is below 100 %."""
    assert "stacking: best of; rounding: per line, ROUND_HALF_UP to 0.01" == describe_policy(
        PricingPolicy()
    )
    capped = PricingPolicy(stacking=Stacking.CUMULATIVE, max_total_rate=Rate.percent("12.5"))
    assert (
        "stacking: cumulative (capped at 12.5%); rounding: per line, ROUND_HALF_UP to 0.01"
        == capped.describe("en")
    )


# --- refusals ------------------------------------------------------------------------


def test_amount_must_be_whole_units_of_the_policy() -> None:
    """12.34 is not a multiple of 0.05: refused, with the line's path."""
    with pytest.raises(InvalidValue) as info:
        price(bill(("1.00", "x"), ("12.34", "x")), [], PricingPolicy(unit=Decimal("0.05")))
    assert ("lines", "format", "[1].amount.amount") == (
        info.value.field,
        info.value.code,
        info.value.subpath,
    )


def test_whole_units_are_checked_with_per_bill_rounding_too() -> None:
    """The same refusal when rounding per bill."""
    policy = PricingPolicy(unit=Decimal(1), rounding=RoundingScope.PER_BILL)
    with pytest.raises(InvalidValue) as info:
        price(bill(("0.50", "x")), [], policy)
    assert "[0].amount.amount" == info.value.subpath


def test_totals_beyond_the_money_bound_are_refused() -> None:
    """Lines below 10**15 whose sum reaches it: the total is refused like any Money."""
    big = "600000000000000.00"
    with pytest.raises(InvalidValue) as info:
        price(bill((big, "x"), (big, "x")), [], PricingPolicy())
    assert ("amount", "lt") == (info.value.field, info.value.code)


def test_lines_are_built_once_on_demand() -> None:
    """``lines`` is computed on first reading and kept; equality ignores it."""
    priced = price(bill(("10.00", "cleaning")), [PLATINUM_SERVICES], PricingPolicy())
    first = priced.lines
    assert first is priced.lines
    assert price(bill(("10.00", "cleaning")), [PLATINUM_SERVICES], PricingPolicy()) == priced
    assert ((Rate.percent(5),), (Decimal("0.50"),)) == (priced.rates, priced.discounts)


def test_bill_loads_strictly_with_the_path_of_a_mixed_currency() -> None:
    """A bill loads strictly; a foreign line currency is reported at its path."""
    from pmcrm.errors import ValidationError
    from pmcrm.serialization import structure, unstructure

    good = Bill(lines=(line("1.00"), line("2.00")))
    assert structure(unstructure(good), Bill) == good
    data = unstructure(good)
    data["lines"][1]["amount"]["currency"] = "HKD"
    with pytest.raises(ValidationError) as info:
        structure(data, Bill)
    assert info.value.report.paths == ("$.lines[1].amount.currency",)


def test_bill_refuses_mixed_currencies_and_non_lines() -> None:
    """Every line in the bill's currency; lines must be ``BillLine``."""
    with pytest.raises(InvalidValue) as info:
        Bill(lines=(line("1.00"), line("2.00", currency="HKD")))
    assert ("currency", ".lines[1].amount.currency") == (info.value.code, info.value.subpath)
    with pytest.raises(InvalidValue) as info:
        Bill(lines=("1.00",))  # type: ignore[arg-type]
    assert ("type", "[0]") == (info.value.code, info.value.subpath)
    with pytest.raises(InvalidValue):
        Bill(lines=(), currency="yuan")


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"amount": Money.of("-1.00")}, "amount", "ge"),
        ({"quantity": Decimal(0)}, "quantity", "gt"),
        ({"quantity": 2}, "quantity", "type"),
        ({"quantity": Decimal("NaN")}, "quantity", "type"),
        ({"category": " "}, "category", "empty"),
    ],
)
def test_bill_line_refusals(kwargs: dict[str, Any], field: str, code: str) -> None:
    """Amounts are >= 0, quantities finite Decimals > 0, categories non-blank."""
    values: dict[str, Any] = {"category": "x", "description": "d", "amount": Money.of(1)}
    with pytest.raises(InvalidValue) as info:
        BillLine(**{**values, **kwargs})
    assert (field, code) == (info.value.field, info.value.code)


def test_bill_line_quantity_is_informational() -> None:
    """A quantity is kept and does not change the price."""
    with_qty = BillLine(category="x", description="d", amount=Money.of(10), quantity=Decimal(2))
    priced = price(Bill(lines=(with_qty,)), [PLATINUM_SERVICES], PricingPolicy())
    assert (Decimal(2), Money.of("0.50")) == (with_qty.quantity, priced.discount)


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"rounding_mode": "HALF_UP"}, "rounding_mode", "choice"),
        ({"unit": Decimal(0)}, "unit", "ge"),
        ({"unit": MIN_UNIT / 10}, "unit", "ge"),
        ({"unit": "0.01"}, "unit", "type"),
        ({"unit": Decimal("Infinity")}, "unit", "type"),
        ({"stacking": "best_of"}, "stacking", "type"),
        ({"max_total_rate": Decimal(1)}, "max_total_rate", "type"),
    ],
)
def test_policy_refusals(kwargs: dict[str, Any], field: str, code: str) -> None:
    """A policy names a known rounding mode, a unit >= 0.000001, enum members and a Rate."""
    with pytest.raises(InvalidValue) as info:
        PricingPolicy(**kwargs)
    assert (field, code) == (info.value.field, info.value.code)


def test_rule_refusals() -> None:
    """A rule needs a Rate, a non-blank category or None, and a Label."""
    with pytest.raises(InvalidValue):
        DiscountRule(rate=Decimal("0.1"), source=Label(zh="a", en="b"))  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        DiscountRule(rate=Rate.percent(1), category="", source=Label(zh="a", en="b"))
    with pytest.raises(InvalidValue):
        DiscountRule(rate=Rate.percent(1), source="a")  # type: ignore[arg-type]


def test_default_policy() -> None:
    """Best of, per line, ROUND_HALF_UP to one fen, no cap below 100 %."""
    assert (Stacking.BEST_OF, RoundingScope.PER_LINE, ROUND_HALF_UP, FEN, Rate(Decimal(1))) == (
        PricingPolicy().stacking,
        PricingPolicy().rounding,
        PricingPolicy().rounding_mode,
        PricingPolicy().unit,
        PricingPolicy().max_total_rate,
    )


# --- exact figures at the edges (the mutation job's findings) ------------------------


def refusal(error: InvalidValue) -> tuple[str, str, str, dict[str, object], str, str]:
    """Everything a refusal tells: field, code, path, figures and both messages."""
    return (
        error.field,
        error.code,
        error.subpath,
        dict(error.params),
        error.message_en,
        error.message_zh,
    )


def test_a_line_that_is_not_a_bill_line_is_named_with_its_type() -> None:
    """Lines must be ``BillLine``: the index, what came instead, in zh and en."""
    with pytest.raises(InvalidValue) as info:
        Bill(lines=(line("1.00"), "1.00"))  # type: ignore[arg-type]
    assert (
        "lines",
        "type",
        "[1]",
        {"value": "'1.00'", "expected": "BillLine", "got": "str"},
        "'lines' must be BillLine, got str",
        "'lines' 应为 BillLine，实际为 str",
    ) == refusal(info.value)


def test_a_foreign_currency_line_is_named_with_both_currencies() -> None:
    """A HKD line on a CNY bill: both currencies in the message, the line's path."""
    with pytest.raises(InvalidValue) as info:
        Bill(lines=(line("1.00"), line("2.00", currency="HKD")))
    assert (
        "lines",
        "currency",
        ".lines[1].amount.currency",
        {"value": "'HKD'", "other": "CNY"},
        "'lines' mixes currencies: 'HKD' and CNY",
        "'lines' 币种不一致：'HKD' 与 CNY",
    ) == refusal(info.value)


@pytest.mark.parametrize(
    ("quantity", "figures", "en", "zh"),
    [
        (
            2,
            {"value": "2", "expected": "finite Decimal", "got": "int"},
            "'quantity' must be finite Decimal, got int",
            "'quantity' 应为 finite Decimal，实际为 int",
        ),
        (
            Decimal(0),
            {"value": "0", "bound": 0},
            "'quantity' must be > 0: 0",
            "'quantity' 必须 > 0：0",
        ),
        (
            Decimal("-0.5"),
            {"value": "-0.5", "bound": 0},
            "'quantity' must be > 0: -0.5",
            "'quantity' 必须 > 0：-0.5",
        ),
    ],
)
def test_quantity_refusals_in_both_languages(
    quantity: object, figures: dict[str, object], en: str, zh: str
) -> None:
    """A quantity is a finite Decimal above 0; the refusal shows the value given."""
    given: Any = quantity
    with pytest.raises(InvalidValue) as info:
        BillLine(category="x", description="d", amount=Money.of(1), quantity=given)
    assert ("quantity", info.value.code, "", figures, en, zh) == refusal(info.value)


def test_a_quantity_may_be_a_fraction() -> None:
    """Half an hour of handyman work is a valid quantity: the bound is 0, not 1."""
    half = BillLine(
        category="repair", description="半小时维修", amount=Money.of(40), quantity=Decimal("0.5")
    )
    assert Decimal("0.5") == half.quantity


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"unit": "0.01"},
            (
                "unit",
                "type",
                "",
                {"value": "'0.01'", "expected": "finite Decimal", "got": "str"},
                "'unit' must be finite Decimal, got str",
                "'unit' 应为 finite Decimal，实际为 str",
            ),
        ),
        (
            {"unit": Decimal("0.0000001")},
            (
                "unit",
                "ge",
                "",
                {"value": "1E-7", "bound": MIN_UNIT},
                "'unit' must be >= 0.000001: 1E-7",
                "'unit' 必须 >= 0.000001：1E-7",
            ),
        ),
        (
            {"rounding_mode": "HALF_UP"},
            (
                "rounding_mode",
                "choice",
                "",
                {"value": "'HALF_UP'", "choices": ", ".join(ROUNDING_MODES)},
                f"'rounding_mode' must be one of {', '.join(ROUNDING_MODES)}: 'HALF_UP'",
                f"'rounding_mode' 必须是 {', '.join(ROUNDING_MODES)} 之一：'HALF_UP'",
            ),
        ),
    ],
)
def test_policy_refusals_in_both_languages(
    kwargs: dict[str, Any], expected: tuple[object, ...]
) -> None:
    """A policy's refusals name the field, the value and the rule, in zh and en."""
    with pytest.raises(InvalidValue) as info:
        PricingPolicy(**kwargs)
    assert expected == refusal(info.value)


def test_the_smallest_unit_is_accepted() -> None:
    """0.000001 itself is a valid unit: the bound is inclusive."""
    assert MIN_UNIT == PricingPolicy(unit=MIN_UNIT).unit
    assert len(ROUNDING_MODES) == len({PricingPolicy(rounding_mode=m) for m in ROUNDING_MODES})


def test_a_line_off_the_unit_is_refused_in_both_languages() -> None:
    """12.34 is not a whole number of 0.05: the amount, the unit and the line's path."""
    with pytest.raises(InvalidValue) as info:
        price(bill(("1.00", "x"), ("12.34", "x")), [], PricingPolicy(unit=Decimal("0.05")))
    assert (
        "lines",
        "format",
        "[1].amount.amount",
        {"value": "12.34", "what": "whole number of 0.05 units", "what_zh": "0.05 的整数倍"},
        "'lines' is not a valid whole number of 0.05 units: 12.34",
        "'lines' 不是有效的0.05 的整数倍：12.34",
    ) == refusal(info.value)


def test_a_total_of_exactly_10_to_the_15_is_refused() -> None:
    """The bound is exclusive, like Money's: 10**15 is refused, one fen less is billed."""
    half = "500000000000000.00"
    with pytest.raises(InvalidValue) as info:
        price(bill((half, "x"), (half, "x")), [], PricingPolicy())
    assert (
        "amount",
        "lt",
        "",
        {"value": "1000000000000000.00", "bound": "10**15 in absolute value"},
        "'amount' must be < 10**15 in absolute value: 1000000000000000.00",
        "'amount' 必须 < 10**15 in absolute value：1000000000000000.00",
    ) == refusal(info.value)
    below = price(bill((half, "x"), ("499999999999999.99", "x")), [], PricingPolicy())
    assert Money.of("999999999999999.99") == below.original


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (ROUND_HALF_UP, "0.05"),
        (ROUND_HALF_EVEN, "0.00"),
        ("ROUND_HALF_DOWN", "0.00"),
        ("ROUND_UP", "0.05"),
        ("ROUND_DOWN", "0.00"),
    ],
)
def test_a_cash_unit_tie_follows_the_policy_mode(mode: str, expected: str) -> None:
    """5 % of 0.50 is 0.025, half of the 0.05 unit: the policy's mode decides, alone."""
    policy = PricingPolicy(unit=Decimal("0.05"), rounding_mode=mode)
    the_bill = bill(("0.50", "cleaning"))
    assert [expected] == discounts(price(the_bill, [PLATINUM_SERVICES], policy))
    per_bill = attrs.evolve(policy, rounding=RoundingScope.PER_BILL)
    assert Money.of(expected) == price(the_bill, [PLATINUM_SERVICES], per_bill).discount


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(ROUND_HALF_UP, "0.03"), (ROUND_HALF_EVEN, "0.02"), ("ROUND_DOWN", "0.02")],
)
def test_a_per_bill_tie_follows_the_policy_mode(mode: str, expected: str) -> None:
    """Two 0.25 lines at 5 %: exactly 0.025 in all, rounded once with the policy's mode."""
    policy = PricingPolicy(rounding=RoundingScope.PER_BILL, rounding_mode=mode)
    priced = price(bill(("0.25", "x"), ("0.25", "x")), [PLATINUM_SERVICES], policy)
    assert (Decimal("0.0250"), Money.of(expected)) == (priced.exact_discount, priced.discount)


def test_a_unit_that_is_not_a_power_of_ten() -> None:
    """A 0.02 unit: 3 % of 1.00 is 0.03, 1.5 units, so 0.04 half up (never 0.03)."""
    policy = PricingPolicy(unit=Decimal("0.02"))
    priced = price(
        bill(("1.00", "cleaning")), [attrs.evolve(PLATINUM_SERVICES, rate=Rate.percent(3))], policy
    )
    assert (["0.04"], Money.of("0.96")) == (discounts(priced), priced.net)


def test_pricing_ignores_the_ambient_decimal_context() -> None:
    """A coarse, trapping, rounding-down ambient context changes no figure."""
    from decimal import ROUND_DOWN, Context, localcontext

    cases = [
        (bill(("0.50", "cleaning"), ("123456789.85", "x")), PricingPolicy(unit=Decimal("0.05"))),
        (
            bill(("0.25", "x"), ("0.25", "x"), ("98765432.10", "x")),
            PricingPolicy(rounding=RoundingScope.PER_BILL),
        ),
        (
            bill(("0.50", "cleaning"), ("123456789.85", "x")),
            PricingPolicy(unit=Decimal("0.05"), rounding=RoundingScope.PER_BILL),
        ),
    ]
    expected = [price(b, [PLATINUM_SERVICES], p) for b, p in cases]
    coarse = Context(prec=3, rounding=ROUND_DOWN)
    coarse.traps = dict.fromkeys(coarse.traps, True)
    with localcontext(coarse):
        got = [price(b, [PLATINUM_SERVICES], p) for b, p in cases]
        texts = [p.explain("en") for p in got]
    assert expected == got
    assert [p.explain("en") for p in expected] == texts


def test_each_category_rate_is_resolved_once_per_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """``price_bills`` resolves a category once for the whole stream, as documented."""
    import pmcrm.pricing

    asked: list[str] = []
    original = pmcrm.pricing.effective_rate

    def counting(
        category: str, rules: Any, policy: PricingPolicy
    ) -> tuple[Rate, tuple[DiscountRule, ...]]:
        asked.append(category)
        return original(category, rules, policy)

    monkeypatch.setattr(pmcrm.pricing, "effective_rate", counting)
    bills = [bill(("1.00", "cleaning"), ("2.00", "parking")), bill(("3.00", "cleaning"))]
    for rounding in RoundingScope:
        asked.clear()
        policy = PricingPolicy(rounding=rounding)
        priced = list(price_bills(bills, [PLATINUM_SERVICES, PROMO_CLEANING], policy))
        assert ["cleaning", "parking"] == asked
        assert [["0.08", "0.10"], ["0.24"]] == [discounts(p) for p in priced]


def test_rule_applies_to_its_category_or_every_category() -> None:
    """``DiscountRule.applies_to`` is :func:`rule_applies`."""
    assert (True, False) == (
        PLATINUM_FEE.applies_to("property_fee"),
        PLATINUM_FEE.applies_to("parking"),
    )
    assert (True, True) == (
        PLATINUM_SERVICES.applies_to("parking"),
        PLATINUM_SERVICES.applies_to("property_fee"),
    )


def test_describe_policy_in_chinese_with_a_cap() -> None:
    """The zh description has the cap in zh; ``describe`` passes the language on."""
    capped = PricingPolicy(
        stacking=Stacking.CUMULATIVE,
        max_total_rate=Rate.percent("12.5"),
        rounding=RoundingScope.PER_BILL,
        unit=Decimal("0.05"),
    )
    assert "叠加：累加（上限 12.5%）；取整：整单取整，ROUND_HALF_UP，单位 0.05" == capped.describe(
        "zh"
    )
    assert "叠加：取最优；取整：逐行取整，ROUND_HALF_UP，单位 0.01" == describe_policy(
        PricingPolicy(), "zh"
    )
    assert capped.describe("en") == capped.describe() == describe_policy(capped)


def test_explain_per_bill_in_chinese_and_per_line_codes() -> None:
    """The per-bill rounding statement in zh in full; the per-line statement's code."""
    the_bill = bill(("0.10", "cleaning"), ("0.10", "cleaning"))
    policy = PricingPolicy(stacking=Stacking.CUMULATIVE, rounding=RoundingScope.PER_BILL)
    reasons = price(the_bill, [PLATINUM_SERVICES, PROMO_CLEANING], policy).reasons()
    assert (
        "取整：整单，精确优惠合计 0.0260 按 ROUND_HALF_UP 取整到 0.01 得 0.03 CNY，"
        "按最大余额法分摊到各行；叠加：累加"
    ) == reasons[2].text("zh")
    per_line = price(the_bill, [PLATINUM_SERVICES], PricingPolicy()).reasons()
    assert ["pricing.line", "pricing.line", "pricing.rounding.per_line", "pricing.total"] == [
        r.code for r in per_line
    ]


def test_columns_that_disagree_with_the_bill_are_refused() -> None:
    """A priced bill built by hand with too few rates or discounts is never truncated."""
    priced = price(bill(("1.00", "x"), ("2.00", "x")), [PLATINUM_SERVICES], PricingPolicy())
    short_rates = attrs.evolve(priced, rates=priced.rates[:1])
    with pytest.raises(ValueError, match="shorter"):
        _ = short_rates.exact_discount
    with pytest.raises(ValueError, match="shorter"):
        _ = short_rates.lines
    with pytest.raises(ValueError, match="shorter"):
        _ = attrs.evolve(priced, discounts=priced.discounts[:1]).lines


# --- rich display ----------------------------------------------------------------------


def test_priced_bill_html_shows_every_figure_in_its_column() -> None:
    """Headers in zh and en, figures right, numbered rows, the totals, the rounding note.

    The note is the rounding statement alone, not the statements of the lines.
    """
    the_bill = bill(("100.00", "property_fee"), ("50.00", "parking"), ("0.10", "cleaning"))
    priced = price(the_bill, [PLATINUM_FEE, PROMO_CLEANING], PricingPolicy())
    cells = read(priced._repr_html_())
    assert ["计价 Priced bill"] == cells.headings
    table, totals, notes = cells.tables
    r, left = "right", "left"
    assert [
        [
            ("#", r),
            ("类别 Category", left),
            ("项目 Description", left),
            ("原价 Original", r),
            ("折扣率 Rate", r),
            ("优惠 Discount", r),
            ("实收 Net", r),
            ("折扣来源 Source", left),
        ],
        [
            ("1", r),
            ("property_fee", left),
            ("服务", left),
            ("100.00 CNY", r),
            ("10%", r),
            ("10.00 CNY", r),
            ("90.00 CNY", r),
            ("铂金物业费折扣 Platinum property-fee discount", left),
        ],
        [
            ("2", r),
            ("parking", left),
            ("服务", left),
            ("50.00 CNY", r),
            ("0%", r),
            ("0.00 CNY", r),
            ("50.00 CNY", r),
            ("无适用折扣 no discount applies", left),
        ],
        [
            ("3", r),
            ("cleaning", left),
            ("服务", left),
            ("0.10 CNY", r),
            ("8%", r),
            ("0.01 CNY", r),
            ("0.09 CNY", r),
            ("保洁季活动 Cleaning promo", left),
        ],
    ] == table
    assert [
        [("原价合计 Original total", left), ("150.10 CNY", left)],
        [("优惠合计 Discount total", left), ("10.01 CNY", left)],
        [("实收合计 Net total", left), ("140.09 CNY", left)],
    ] == totals
    assert [
        [("说明", left), ("Explanation", left)],
        [
            ("取整：逐行，按 ROUND_HALF_UP 取整到 0.01；叠加：取最优", left),
            ("rounding: per line, ROUND_HALF_UP to 0.01; stacking: best of", left),
        ],
    ] == notes
