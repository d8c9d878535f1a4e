"""Tier conditions, the ladder, evaluation, explanations and applications."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.customers import (
    Contribution,
    ContributionKind,
    Customer,
    CustomerKind,
    Participation,
    PropertyType,
    PropertyUnit,
    Referral,
    Role,
    ServiceNeed,
    ServicePurchase,
    YearlyFee,
)
from pmcrm.errors import InvalidValue, PmcrmError, ValidationError
from pmcrm.explain import Reason
from pmcrm.serialization import make_converter, structure, unstructure
from pmcrm.tiers import (
    AllOf,
    AnnualFeeAtLeast,
    AnyNOf,
    AnyOf,
    BusinessGrowthAtLeast,
    ConditionResult,
    ConsecutiveYears,
    Designated,
    Designation,
    ParticipationAtLeast,
    ReferralsAtLeast,
    Tier,
    TierContext,
    TierLadder,
    TierPolicy,
    YearsOfPurchase,
    apply_for,
    compile_ladder,
    evaluate,
    evaluate_tree,
    explain_tier,
)
from pmcrm.tiers.conditions import best_fee_amount, best_fee_in_window, best_in, fee_amounts
from pmcrm.values import Label, Lang, Money, PersonName

AS_OF = date(2026, 11, 23)
CTX = TierContext(as_of=AS_OF, tier="gold")


def cny(amount: str) -> Money:
    """Money in CNY from a string."""
    return Money.of(amount)


def make_customer(
    fees: dict[int, str] | None = None,
    *,
    referrals: tuple[date, ...] = (),
    participations: tuple[date, ...] = (),
    contributions: tuple[date, ...] = (),
    purchases: tuple[tuple[date, ServiceNeed, str], ...] = (),
) -> Customer:
    """A customer with the given fee per year and activity dates."""
    return Customer(
        customer_id="C-1",
        name=PersonName("李娜"),
        roles=(Role(kind=CustomerKind.OWNER, unit_code="A-1"),),
        units=(
            PropertyUnit(code="A-1", property_type=PropertyType.RESIDENTIAL, area=Decimal("100")),
        ),
        fees=tuple(YearlyFee(year=y, amount=cny(a)) for y, a in sorted((fees or {}).items())),
        referrals=tuple(
            Referral(referred_customer_id=f"N{i}", on=d) for i, d in enumerate(referrals)
        ),
        participations=tuple(Participation(activity="gala", on=d) for d in participations),
        contributions=tuple(
            Contribution(kind=ContributionKind.SUGGESTION, on=d, note="idea")
            for d in contributions
        ),
        purchases=tuple(
            ServicePurchase(on=d, need=n, category="service", amount=cny(a))
            for d, n, a in purchases
        ),
        registered_at=datetime(2015, 1, 1, tzinfo=UTC),
    )


def tier(name: str, zh: str, *conditions: Any) -> Tier:
    """A tier whose condition is any of *conditions*."""
    return Tier(
        name=name, label=Label(zh=zh, en=name.title()), condition=AnyOf(conditions=conditions)
    )


LADDER = TierLadder(
    tiers=(
        tier(
            "diamond",
            "钻石",
            AnnualFeeAtLeast(amount=cny("200000")),
            ConsecutiveYears(years=5, each_at_least=cny("100000")),
            Designated(),
        ),
        tier(
            "platinum",
            "铂金",
            AnnualFeeAtLeast(amount=cny("100000")),
            ConsecutiveYears(years=3, each_at_least=cny("50000")),
            ParticipationAtLeast(count=6, window_months=12),
        ),
        tier(
            "gold",
            "黄金",
            AnnualFeeAtLeast(amount=cny("50000")),
            YearsOfPurchase(years=3, each_at_least=cny("20000")),
            ReferralsAtLeast(count=2, window_months=24),
            BusinessGrowthAtLeast(amount=cny("30000")),
        ),
    )
)


# --- leaf conditions at their boundaries ----------------------------------------------


def test_annual_fee_qualifies_at_equality_and_not_one_fen_below() -> None:
    """``>=``: exactly the threshold passes, one fen below fails."""
    rule = AnnualFeeAtLeast(amount=cny("50000.00"))
    assert rule.holds(make_customer({2026: "50000.00"}), CTX)
    assert not rule.holds(make_customer({2026: "49999.99"}), CTX)


def test_annual_fee_window_looks_back_the_given_years() -> None:
    """A window of 2 fee years counts last year's fee; a window of 1 does not."""
    customer = make_customer({2025: "60000", 2026: "1000"})
    assert not AnnualFeeAtLeast(amount=cny("50000")).holds(customer, CTX)
    assert AnnualFeeAtLeast(amount=cny("50000"), window_years=2).holds(customer, CTX)


def test_annual_fee_check_reports_figures_and_the_gap() -> None:
    """The check names the observed fee, its year, the threshold and what is missing."""
    result = AnnualFeeAtLeast(amount=cny("50000")).check(make_customer({2026: "42000.50"}), CTX)
    assert result.passed is False
    assert result.reason.text("en") == (
        "annual property-service fee: observed 42000.50 CNY (2026), "
        "required >= 50000 CNY → not met"
    )
    assert result.missing is not None
    assert result.missing.text("en") == "needs 7999.50 CNY more (2026 fee year)"
    assert result.missing.text("zh") == "还需 7999.50 CNY（2026 年度）"


def test_annual_fee_without_records_is_zero() -> None:
    """No fee record counts as zero in the evaluation year."""
    result = AnnualFeeAtLeast(amount=cny("1")).check(make_customer(), CTX)
    assert result.reason.figure("observed") == "0 CNY (2026)"


def test_annual_fee_passing_check_has_no_gap() -> None:
    """A passing leaf has nothing missing."""
    result = AnnualFeeAtLeast(amount=cny("100")).check(make_customer({2026: "100"}), CTX)
    assert (result.passed, result.missing, result.shortfalls()) == (True, None, ())


def test_consecutive_run_counts_back_from_this_or_last_year() -> None:
    """The run ends this year if it qualifies, else last year; a gap year breaks it."""
    rule = ConsecutiveYears(years=3, each_at_least=cny("50000"))
    unpaid_this_year = make_customer({2023: "50000", 2024: "50000", 2025: "50000"})
    assert rule.holds(unpaid_this_year, CTX)
    gap = make_customer({2022: "50000", 2023: "50000", 2025: "50000", 2026: "50000"})
    assert not rule.holds(gap, CTX)
    low_year = make_customer({2024: "50000", 2025: "49999.99", 2026: "50000"})
    assert not rule.holds(low_year, CTX)
    result = rule.check(gap, CTX)
    assert result.reason.figure("observed") == "2"
    assert result.missing is not None
    assert result.missing.text("en") == "needs 1 more consecutive years"


def test_old_runs_do_not_count() -> None:
    """A run that ended two years ago is not current."""
    rule = ConsecutiveYears(years=2, each_at_least=cny("1"))
    assert not rule.holds(make_customer({2020: "5", 2021: "5", 2022: "5"}), CTX)


def test_years_of_purchase_need_not_be_consecutive() -> None:
    """Years with a gap between them still count; future fee years do not."""
    rule = YearsOfPurchase(years=3, each_at_least=cny("20000"))
    assert rule.holds(make_customer({2018: "20000", 2021: "25000", 2024: "30000"}), CTX)
    future = make_customer({2018: "20000", 2021: "25000", 2027: "30000"})
    assert not rule.holds(future, CTX)
    result = rule.check(future, CTX)
    assert result.missing is not None
    assert result.missing.text("zh") == "还需 1 个缴费年度"


def test_designation_holds_for_its_tier_until_expiry() -> None:
    """A designation counts for its tier, from its date until (not including) its expiry."""
    designation = Designation(
        tier="diamond",
        by="总经理办公会",
        on=date(2026, 1, 1),
        reason="strategic partner",
        expires_on=date(2027, 1, 1),
    )
    customer = make_customer()
    rule = Designated()
    ctx = TierContext(as_of=AS_OF, tier="diamond", designations=(designation,))
    assert rule.holds(customer, ctx)
    assert not rule.holds(customer, attrs.evolve(ctx, tier="gold"))
    assert not rule.holds(customer, attrs.evolve(ctx, as_of=date(2027, 1, 1)))
    assert not rule.holds(customer, attrs.evolve(ctx, as_of=date(2025, 12, 31)))
    assert designation.active_on(date(2026, 12, 31))
    result = rule.check(customer, ctx)
    assert result.reason.figure("observed") == "总经理办公会, 2026-01-01: strategic partner"
    failed = rule.check(customer, attrs.evolve(ctx, designations=()))
    assert failed.missing is not None
    assert failed.missing.text("en") == "needs a designation by management"


def test_designation_without_expiry_lasts() -> None:
    """``expires_on=None`` never expires."""
    designation = Designation(tier="gold", by="GM", on=date(2020, 1, 1), reason="r")
    assert designation.active_on(date(2099, 1, 1))


def test_participation_counts_activities_and_contributions_in_the_window() -> None:
    """Participations and contributions inside the trailing window count; older ones do not."""
    rule = ParticipationAtLeast(count=3, window_months=12)
    inside = make_customer(
        participations=(date(2026, 1, 5), date(2025, 11, 24)), contributions=(AS_OF,)
    )
    assert rule.holds(inside, CTX)
    outside = make_customer(
        participations=(date(2026, 1, 5), date(2025, 11, 23)), contributions=(AS_OF,)
    )
    assert not rule.holds(outside, CTX)
    result = rule.check(outside, CTX)
    assert result.missing is not None
    assert result.missing.text("en") == "needs 1 more activities"


def test_referrals_in_window() -> None:
    """Referrals inside the window count."""
    rule = ReferralsAtLeast(count=2, window_months=24)
    customer = make_customer(referrals=(date(2025, 1, 1), date(2026, 3, 1)))
    assert rule.holds(customer, CTX)
    result = rule.check(make_customer(referrals=(date(2020, 1, 1),)), CTX)
    assert (result.passed, result.reason.figure("observed")) == (False, "0")
    assert result.missing is not None
    assert result.missing.text("zh") == "还需推荐 2 位"


def test_business_growth_counts_value_added_and_special_purchases_only() -> None:
    """Basic purchases are not new business."""
    rule = BusinessGrowthAtLeast(amount=cny("1000"))
    customer = make_customer(
        purchases=(
            (date(2026, 5, 1), ServiceNeed.VALUE_ADDED, "600"),
            (date(2026, 6, 1), ServiceNeed.SPECIAL, "400"),
            (date(2026, 7, 1), ServiceNeed.BASIC, "5000"),
            (date(2024, 7, 1), ServiceNeed.SPECIAL, "5000"),
        )
    )
    assert rule.holds(customer, CTX)
    result = rule.check(customer, CTX)
    assert result.reason.figure("observed") == "1000 CNY"
    short = BusinessGrowthAtLeast(amount=cny("1500")).check(customer, CTX)
    assert short.missing is not None
    assert short.missing.text("en") == "needs 500 CNY more"


# --- combinators ------------------------------------------------------------------------


def test_combinators() -> None:
    """All-of, any-of and any-N-of combine their parts, with counts in the reason."""
    yes = AnnualFeeAtLeast(amount=cny("0"))
    no = AnnualFeeAtLeast(amount=cny("1"))
    customer = make_customer()
    assert AllOf(conditions=(yes, yes)).holds(customer, CTX)
    assert not AllOf(conditions=(yes, no)).holds(customer, CTX)
    assert AnyOf(conditions=(no, yes)).holds(customer, CTX)
    assert not AnyOf(conditions=(no, no)).holds(customer, CTX)
    assert AnyNOf(n=2, conditions=(yes, no, yes)).holds(customer, CTX)
    assert not AnyNOf(n=2, conditions=(yes, no, no)).holds(customer, CTX)
    result = AnyNOf(n=2, conditions=(yes, no, no)).check(customer, CTX)
    assert result.reason.text("en") == "at least 2 of (1/3 met) → not met"
    assert result.reason.text("zh") == "至少满足 2 项（满足 1/3）→ 不满足"
    assert AllOf(conditions=(yes, no)).check(customer, CTX).reason.text("en") == (
        "all of (1/2 met) → not met"
    )
    assert AnyOf(conditions=(yes, no)).check(customer, CTX).passed
    assert AllOf(conditions=(yes,)).check(customer, CTX).passed


def test_any_n_of_cannot_ask_for_more_than_it_has() -> None:
    """``n`` above the number of parts is refused, naming the field."""
    with pytest.raises(InvalidValue, match="'n' must be <= the number of conditions"):
        AnyNOf(n=3, conditions=(Designated(), Designated()))


def test_shortfalls_of_a_nested_failure() -> None:
    """Shortfalls come from failed leaves; a failed leaf with no gap adds nothing."""
    leaf = ConditionResult(passed=False, reason=Reason(code="x", zh="x", en="x"))
    gap = Reason(code="g", zh="差", en="gap")
    parent = ConditionResult(
        passed=False,
        reason=Reason(code="p", zh="p", en="p"),
        children=(leaf, ConditionResult(passed=False, reason=leaf.reason, missing=gap)),
    )
    assert parent.shortfalls() == (gap,)
    assert parent.lines("en") == ["p", "  x", "  x"]


def test_descriptions_in_both_languages() -> None:
    """Every built-in condition describes itself in zh and en."""
    rule = AnyOf(
        conditions=(
            AllOf(conditions=(AnnualFeeAtLeast(amount=cny("1")), Designated())),
            AnyNOf(
                n=1,
                conditions=(
                    ConsecutiveYears(years=2, each_at_least=cny("3")),
                    YearsOfPurchase(years=2, each_at_least=cny("3")),
                    ParticipationAtLeast(count=1, window_months=6),
                    ReferralsAtLeast(count=1, window_months=6),
                    BusinessGrowthAtLeast(amount=cny("5")),
                ),
            ),
        )
    )
    assert rule.describe("en") == (
        "any of: (all of: (annual property-service fee >= 1 CNY; designated by management); "
        "at least 1 of: (2 consecutive fee years, each >= 3 CNY; 2 fee years in all, each >= 3 "
        "CNY; >= 1 community activities in 6 months; >= 1 referrals in 6 months; "
        "new business >= 5 CNY in 12 months))"
    )
    assert rule.describe("zh") == (
        "满足其一: (全部满足: (年度物业服务费 >= 1 CNY; 管理层认定); 至少满足 1 项: "
        "(连续 2 年缴费，每年 >= 3 CNY; 累计 2 年缴费，每年 >= 3 CNY; 近 6 个月社区参与 >= 1 次; "
        "近 6 个月推荐新客户 >= 1 位; 近 12 个月增值业务 >= 5 CNY))"
    )
    assert LADDER.tiers[0].describe("zh").startswith("钻石: 满足其一")


# --- the ladder ---------------------------------------------------------------------------


def test_ladder_names_ranks_and_labels() -> None:
    """Ranks run from 0 (highest) to the base tier."""
    assert LADDER.names == ("diamond", "platinum", "gold", "regular")
    assert [LADDER.rank(n) for n in LADDER.names] == [0, 1, 2, 3]
    assert LADDER.label("regular").zh == "普通客户"
    assert LADDER.label("platinum").en == "Platinum"
    with pytest.raises(InvalidValue, match="'tier' must be one of diamond, platinum"):
        LADDER.rank("silver")


def test_ladder_refuses_duplicates_and_a_base_name_clash() -> None:
    """Tier names are unique, and the base tier's name is not a tier's."""
    gold = tier("gold", "黄金", Designated())
    with pytest.raises(InvalidValue, match="duplicate"):
        TierLadder(tiers=(gold, gold))
    with pytest.raises(InvalidValue, match="'base_name' has a duplicate entry"):
        TierLadder(tiers=(gold,), base_name="gold")


@pytest.mark.parametrize(
    ("higher", "lower"),
    [
        (AnnualFeeAtLeast(amount=cny("50000")), AnnualFeeAtLeast(amount=cny("50000.01"))),
        (
            ConsecutiveYears(years=3, each_at_least=cny("10")),
            ConsecutiveYears(years=4, each_at_least=cny("10")),
        ),
        (
            YearsOfPurchase(years=3, each_at_least=cny("9")),
            YearsOfPurchase(years=3, each_at_least=cny("10")),
        ),
        (
            ParticipationAtLeast(count=1, window_months=12),
            ParticipationAtLeast(count=2, window_months=12),
        ),
        (
            ReferralsAtLeast(count=1, window_months=12),
            ReferralsAtLeast(count=2, window_months=12),
        ),
        (BusinessGrowthAtLeast(amount=cny("1")), BusinessGrowthAtLeast(amount=cny("2"))),
    ],
)
def test_unordered_ladder_is_refused(higher: Any, lower: Any) -> None:
    """A higher tier may not have the easier threshold of the same kind."""
    with pytest.raises(InvalidValue, match="the threshold of the higher tier 'a'"):
        TierLadder(tiers=(tier("a", "甲", higher), tier("b", "乙", lower)))


def test_ladder_order_check_compares_only_like_with_like() -> None:
    """Different windows, currencies, kinds or tradeoffs are not compared; equality is fine."""
    TierLadder(
        tiers=(
            tier(
                "a",
                "甲",
                AnnualFeeAtLeast(amount=cny("10"), window_years=2),
                ConsecutiveYears(years=5, each_at_least=cny("5")),
                AllOf(conditions=(Designated(),)),
            ),
            tier(
                "b",
                "乙",
                AnnualFeeAtLeast(amount=cny("20")),
                AnnualFeeAtLeast(amount=Money.of("30", "USD")),
                ConsecutiveYears(years=4, each_at_least=cny("6")),
                Designated(),
            ),
        )
    )
    single = Tier(
        name="c", label=Label(zh="丙", en="C"), condition=AnnualFeeAtLeast(amount=cny("5"))
    )
    TierLadder(tiers=(single, attrs.evolve(single, name="d")))


# --- evaluation -----------------------------------------------------------------------------


def test_evaluate_picks_the_highest_qualifying_tier_and_the_deciding_rule() -> None:
    """Diamond by fee; platinum by a consecutive run; gold by referrals; else regular."""
    diamond = make_customer({2026: "200000"})
    platinum = make_customer({2024: "50000", 2025: "50000", 2026: "50000"})
    gold = make_customer(referrals=(date(2026, 1, 1), date(2026, 2, 1)))
    regular = make_customer({2026: "49999.99"})
    decisions = [evaluate(c, LADDER, AS_OF) for c in (diamond, platinum, gold, regular)]
    assert [(d.tier, d.rank, d.decided_by) for d in decisions] == [
        ("diamond", 0, 0),
        ("platinum", 1, 1),
        ("gold", 2, 2),
        ("regular", 3, None),
    ]
    assert decisions[0].customer_id == "C-1"
    assert decisions[0].as_of == AS_OF


def test_designation_decides_through_evaluate() -> None:
    """A designation for diamond makes a customer diamond, by the third rule."""
    designation = Designation(tier="diamond", by="GM", on=date(2026, 1, 1), reason="r")
    decision = evaluate(make_customer(), LADDER, AS_OF, (designation,))
    assert (decision.tier, decision.decided_by) == ("diamond", 2)
    # A second customer without designations still uses the cached contexts.
    assert evaluate(make_customer(), LADDER, AS_OF).tier == "regular"


def test_non_any_of_tier_conditions() -> None:
    """A tier whose condition is not an any-of decides without a part index."""
    ladder = TierLadder(
        tiers=(
            Tier(
                name="vip",
                label=Label(zh="贵宾", en="VIP"),
                condition=AllOf(conditions=(AnnualFeeAtLeast(amount=cny("10")),)),
            ),
        )
    )
    rich = make_customer({2026: "10"})
    assert evaluate(rich, ladder, AS_OF).decided_by is None
    assert evaluate(rich, ladder, AS_OF).tier == "vip"
    assert evaluate_tree(rich, ladder, AS_OF) == evaluate(rich, ladder, AS_OF)
    assert evaluate_tree(make_customer(), ladder, AS_OF).tier == "regular"


def test_compiled_evaluator_context_cache_is_bounded() -> None:
    """Custom conditions get contexts, cached per day but bounded, or built for designations."""
    ladder = TierLadder(
        tiers=(Tier(name="vip", label=Label(zh="贵宾", en="VIP"), condition=HasTag(tag="board")),)
    )
    decide = compile_ladder(ladder)
    board = attrs.evolve(make_customer(), tags=("board",))
    results = {decide(board, date(2000 + i, 6, 1), ()) for i in range(70)}
    assert results == {(0, -1)}
    designation = Designation(tier="vip", by="GM", on=date(2020, 1, 1), reason="r")
    assert decide(make_customer(), AS_OF, (designation,)) == (1, -1)
    assert decide(board, AS_OF, (designation,)) == (0, -1)


def test_explanation_trace_stops_at_the_decided_tier() -> None:
    """The trace lists diamond (failed) then platinum (passed), and renders in zh and en."""
    customer = make_customer({2024: "50000", 2025: "50000", 2026: "50000"})
    explanation = explain_tier(customer, LADDER, AS_OF)
    assert [c.tier for c in explanation.checks] == ["diamond", "platinum"]
    assert [c.result.passed for c in explanation.checks] == [False, True]
    assert explanation.decision.tier == "platinum"
    text_en = explanation.explain("en")
    assert text_en.splitlines()[0] == "Diamond: does not qualify"
    assert "consecutive fee years (each >= 50000 CNY): observed 3, required >= 3 → met" in text_en
    assert text_en.splitlines()[-1] == "qualifying tier: Platinum (as of 2026-11-23)"
    assert explanation.explain("zh").splitlines()[-1] == "评定等级：铂金（2026-11-23）"


def test_explanation_for_the_base_tier_checks_every_tier() -> None:
    """A regular customer's trace has every tier, all failed."""
    explanation = explain_tier(make_customer(), LADDER, AS_OF)
    assert [c.result.passed for c in explanation.checks] == [False, False, False]
    assert explanation.label.en == "Regular"


def test_application_refused_says_what_is_missing() -> None:
    """Applying for gold with 42,000 this year: every alternative's gap is listed."""
    customer = make_customer({2025: "20000", 2026: "42000"})
    decision = apply_for(customer, LADDER, "gold", AS_OF)
    assert (decision.granted, decision.qualifying) == (False, "regular")
    assert [m.text("en") for m in decision.missing] == [
        "needs 8000 CNY more (2026 fee year)",
        "needs 1 more fee years",
        "needs 2 more referrals",
        "needs 30000 CNY more",
    ]
    text = decision.explain("zh")
    assert text.splitlines()[0] == "申请黄金：不予批准"
    assert "还需 8000 CNY（2026 年度）" in text


def test_application_granted_when_qualifying_for_it_or_higher() -> None:
    """A platinum-qualified customer applying for gold is granted, with nothing missing."""
    customer = make_customer({2026: "100000"})
    decision = apply_for(customer, LADDER, "gold", AS_OF)
    assert (decision.granted, decision.qualifying, decision.missing) == (True, "platinum", ())
    assert decision.explain("en").splitlines()[0] == "application for Gold: granted"


def test_application_for_an_unknown_or_the_base_tier_is_refused() -> None:
    """Only the ladder's tiers can be applied for."""
    with pytest.raises(InvalidValue, match="'tier' must be one of diamond, platinum, gold"):
        apply_for(make_customer(), LADDER, "regular", AS_OF)
    with pytest.raises(InvalidValue):
        apply_for(make_customer(), LADDER, "silver", AS_OF)


# --- serialisation -----------------------------------------------------------------------

POLICY_DATA: dict[str, Any] = {
    "ladder": {
        "tiers": [
            {
                "name": "diamond",
                "label": {"zh": "钻石", "en": "Diamond"},
                "condition": {
                    "type": "any_of",
                    "conditions": [
                        {"type": "annual_fee", "amount": {"amount": "200000"}},
                        {"type": "designated"},
                    ],
                },
            },
            {
                "name": "gold",
                "label": {"zh": "黄金", "en": "Gold"},
                "condition": {
                    "type": "any_n_of",
                    "n": 1,
                    "conditions": [
                        {
                            "type": "years_of_purchase",
                            "years": 3,
                            "each_at_least": {"amount": "1"},
                        },
                        {"type": "referrals", "count": 2, "window_months": 24},
                    ],
                },
            },
        ]
    },
    "review": {
        "schedule": {"kind": "anniversary"},
        "notice_days": 30,
        "arrears_days": 90,
    },
}


def test_policy_round_trips_through_json() -> None:
    """A policy loads from JSON-shaped data and dumps back to the same data."""
    policy = structure(POLICY_DATA, TierPolicy)
    dumped = unstructure(policy)
    assert structure(json.loads(json.dumps(dumped)), TierPolicy) == policy
    assert dumped["ladder"]["tiers"][1]["condition"]["type"] == "any_n_of"


def test_malformed_policy_is_reported_with_paths() -> None:
    """Negative thresholds, unknown kinds and a missing tag are all reported."""
    bad = json.loads(json.dumps(POLICY_DATA))
    conditions = bad["ladder"]["tiers"][0]["condition"]["conditions"]
    conditions[0]["amount"]["amount"] = "-1"
    conditions.append({"type": "vip_by_magic"})
    conditions.append({"amount": {"amount": "1"}})
    with pytest.raises(ValidationError) as info:
        structure(bad, TierPolicy)
    assert info.value.report.paths == (
        "$.ladder.tiers[0].condition.conditions[0].amount",
        "$.ladder.tiers[0].condition.conditions[2].type",
        "$.ladder.tiers[0].condition.conditions[3].type",
    )
    assert info.value.report.codes == ("ge", "choice", "missing")


def test_unordered_policy_is_reported_with_a_path() -> None:
    """A lower tier with a higher fee threshold is refused at its path."""
    bad = json.loads(json.dumps(POLICY_DATA))
    bad["ladder"]["tiers"][1]["condition"] = {"type": "annual_fee", "amount": {"amount": "300000"}}
    with pytest.raises(ValidationError) as info:
        structure(bad, TierPolicy)
    assert info.value.report.paths == ("$.ladder.tiers[1].condition.amount",)


@attrs.frozen(kw_only=True)
class HasTag:
    """An integrator's own condition: the customer carries a tag."""

    tag: str

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return self.tag in customer.tags

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule with its figures."""
        passed = self.holds(customer, context)
        return ConditionResult(passed=passed, reason=Reason(code="tag", zh="标签", en="tag"))

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        return f"tag {self.tag}"


def test_integrators_register_their_own_conditions() -> None:
    """A custom condition loads, evaluates and dumps on the integrator's own converter."""
    from pmcrm.tiers import Condition

    converter = make_converter()
    converter.register_variants(Condition, {"has_tag": HasTag})
    data = {
        "tiers": [
            {
                "name": "vip",
                "label": {"zh": "贵宾", "en": "VIP"},
                "condition": {"type": "has_tag", "tag": "board-member"},
            }
        ]
    }
    ladder = converter.load(data, TierLadder)
    tagged = attrs.evolve(make_customer(), tags=("board-member",))
    assert evaluate(tagged, ladder, AS_OF).tier == "vip"
    assert converter.dump(ladder)["tiers"][0]["condition"] == {
        "type": "has_tag",
        "tag": "board-member",
    }
    with pytest.raises(ValidationError):
        structure(data, TierLadder)
    with pytest.raises(PmcrmError):
        make_converter().dump(ladder)


# --- properties ---------------------------------------------------------------------------

YEARS = st.integers(min_value=2015, max_value=2027)
AMOUNTS = st.integers(min_value=0, max_value=300_000)
DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 1, 1))


@st.composite
def tier_customers(draw: st.DrawFn) -> Customer:
    """Customers whose figures straddle LADDER's thresholds."""
    fees = draw(st.dictionaries(YEARS, AMOUNTS.map(str), max_size=8))
    return make_customer(
        fees,
        referrals=tuple(draw(st.lists(DAYS, max_size=4))),
        participations=tuple(draw(st.lists(DAYS, max_size=8))),
        contributions=tuple(draw(st.lists(DAYS, max_size=3))),
        purchases=tuple(
            (d, n, str(a))
            for d, n, a in draw(
                st.lists(st.tuples(DAYS, st.sampled_from(ServiceNeed), AMOUNTS), max_size=4)
            )
        ),
    )


DESIGNATIONS = st.lists(
    st.builds(
        Designation,
        tier=st.sampled_from(["diamond", "platinum", "gold", "other"]),
        by=st.just("GM"),
        on=DAYS,
        reason=st.just("r"),
        expires_on=st.one_of(st.none(), DAYS),
    ),
    max_size=2,
).map(tuple)


@given(
    tier_customers(),
    st.sampled_from([AS_OF, date(2025, 12, 31), date(2027, 1, 1)]),
    DESIGNATIONS,
)
def test_generated_evaluator_agrees_with_the_tree(
    customer: Customer, as_of: date, designations: tuple[Designation, ...]
) -> None:
    """The compiled evaluator and the rule tree always decide the same."""
    assert evaluate(customer, LADDER, as_of, designations) == evaluate_tree(
        customer, LADDER, as_of, designations
    )


@given(tier_customers())
def test_trace_is_consistent_with_the_decision(customer: Customer) -> None:
    """The decided tier's condition passes and every higher tier's fails."""
    explanation = explain_tier(customer, LADDER, AS_OF)
    rank = explanation.decision.rank
    passed = [c.result.passed for c in explanation.checks]
    assert passed[:rank] == [False] * rank
    if rank < len(LADDER.tiers):
        assert passed[rank] is True
        assert len(passed) == rank + 1
    else:
        assert len(passed) == len(LADDER.tiers)


@given(
    tier_customers(),
    st.sampled_from(["fee", "year", "referral", "participation", "purchase"]),
    YEARS,
    st.integers(min_value=1, max_value=100_000),
    DAYS,
)
def test_raising_a_figure_never_lowers_the_tier(
    customer: Customer, what: str, year: int, more: int, day: date
) -> None:
    """More fees, fee years, referrals, participation or business never lower the tier."""
    before = evaluate(customer, LADDER, AS_OF).rank
    fees = {f.year: f.amount.amount for f in customer.fees}
    if what == "fee" and fees:
        year = sorted(fees)[year % len(fees)]
        fees[year] += more
        richer = attrs.evolve(
            customer,
            fees=tuple(YearlyFee(year=y, amount=Money(amount=a)) for y, a in sorted(fees.items())),
        )
    elif what in {"fee", "year"}:
        fees.setdefault(year, Decimal(more))
        richer = attrs.evolve(
            customer,
            fees=tuple(YearlyFee(year=y, amount=Money(amount=a)) for y, a in sorted(fees.items())),
        )
    elif what == "referral":
        richer = attrs.evolve(
            customer, referrals=(*customer.referrals, Referral(referred_customer_id="X", on=day))
        )
    elif what == "participation":
        richer = attrs.evolve(
            customer,
            participations=(*customer.participations, Participation(activity="a", on=day)),
        )
    else:
        purchase = ServicePurchase(
            on=day, need=ServiceNeed.SPECIAL, category="c", amount=cny(str(more))
        )
        richer = attrs.evolve(customer, purchases=(*customer.purchases, purchase))
    assert evaluate(richer, LADDER, AS_OF).rank <= before


@given(tier_customers(), st.randoms(use_true_random=False))
def test_decision_does_not_depend_on_record_order(customer: Customer, rnd: Any) -> None:
    """Shuffling fees, referrals, participations and purchases changes nothing."""

    def shuffled(items: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    other = attrs.evolve(
        customer,
        fees=shuffled(customer.fees),
        referrals=shuffled(customer.referrals),
        participations=shuffled(customer.participations),
        purchases=shuffled(customer.purchases),
    )
    assert evaluate(other, LADDER, AS_OF) == evaluate(customer, LADDER, AS_OF)
    assert explain_tier(other, LADDER, AS_OF) == explain_tier(customer, LADDER, AS_OF)


@given(tier_customers())
def test_policy_round_trip_property(customer: Customer) -> None:
    """Any decision is the same under the policy after a round trip through the converter."""
    policy = structure(POLICY_DATA, TierPolicy)
    again = structure(unstructure(policy), TierPolicy)
    assert evaluate(customer, again.ladder, AS_OF) == evaluate(customer, policy.ladder, AS_OF)


POLICY_TOML = """
[[ladder.tiers]]
name = "diamond"
label = { zh = "钻石", en = "Diamond" }
condition = { type = "any_of", conditions = [
  { type = "annual_fee", amount = { amount = "200000" } },
  { type = "designated" },
] }

[[ladder.tiers]]
name = "gold"
label = { zh = "黄金", en = "Gold" }
condition = { type = "referrals", count = 2, window_months = 24 }

[review]
notice_days = 30
arrears_days = 90
arrears_amount = { amount = "5000.00" }
schedule = { kind = "every_n_months", months = 6, anchor = "2026-01-01" }
"""


def test_policy_loads_from_toml() -> None:
    """A policy written in TOML (parsed by the caller with tomllib) loads strictly."""
    import tomllib

    policy = structure(tomllib.loads(POLICY_TOML), TierPolicy)
    assert policy.ladder.names == ("diamond", "gold", "regular")
    assert policy.review.arrears_amount == cny("5000.00")
    assert policy.review.schedule.anchor == date(2026, 1, 1)


def test_order_check_sees_past_a_tier_without_the_condition() -> None:
    """Fee 50,000 above a referrals-only tier above fee 100,000 is an inversion too."""
    with pytest.raises(InvalidValue) as info:
        TierLadder(
            tiers=(
                tier("a", "甲", AnnualFeeAtLeast(amount=cny("50000"))),
                tier("b", "乙", ReferralsAtLeast(count=1, window_months=12)),
                tier("c", "丙", AnnualFeeAtLeast(amount=cny("100000"))),
            )
        )
    assert info.value.subpath == ".tiers[2].condition.conditions[0].amount"
    assert info.value.message_zh == (
        "'amount' 不能超过更高等级 'a' 的门槛 50000 CNY：'100000 CNY'"
    )


def test_equal_thresholds_share_one_name_in_the_generated_evaluator() -> None:
    """Two tiers with the same fee threshold decide like the tree (the higher one wins)."""
    same = AnnualFeeAtLeast(amount=cny("10"))
    ladder = TierLadder(tiers=(tier("a", "甲", same), tier("b", "乙", same, Designated())))
    customer = make_customer({2026: "10"})
    assert evaluate(customer, ladder, AS_OF) == evaluate_tree(customer, ladder, AS_OF)
    assert evaluate(customer, ladder, AS_OF).tier == "a"


def test_fee_rules_refuse_mixed_currencies() -> None:
    """A threshold in USD against fees in CNY is a CurrencyMismatch, not a silent answer."""
    from pmcrm.errors import CurrencyMismatch

    customer = make_customer({2026: "10"})
    for rule in (
        AnnualFeeAtLeast(amount=Money.of("1", "USD")),
        ConsecutiveYears(years=1, each_at_least=Money.of("1", "USD")),
        YearsOfPurchase(years=1, each_at_least=Money.of("1", "USD")),
    ):
        with pytest.raises(CurrencyMismatch):
            rule.holds(customer, CTX)
        ladder = TierLadder(tiers=(tier("a", "甲", rule),))
        with pytest.raises(CurrencyMismatch):
            evaluate(customer, ladder, AS_OF)
    growth = TierLadder(
        tiers=(tier("a", "甲", BusinessGrowthAtLeast(amount=Money.of("1", "USD"))),)
    )
    buyer = make_customer(purchases=((AS_OF, ServiceNeed.SPECIAL, "5"),))
    with pytest.raises(CurrencyMismatch):
        evaluate(buyer, growth, AS_OF)
    assert AnnualFeeAtLeast(amount=Money.of("1", "USD")).holds(make_customer(), CTX) is False


def test_a_fee_window_is_described() -> None:
    """A window of more than one fee year is named in the rule's words."""
    rule = AnnualFeeAtLeast(amount=cny("30000"), window_years=2)
    assert rule.describe("en") == (
        "annual property-service fee >= 30000 CNY (in one of the last 2 fee years)"
    )
    assert rule.describe("zh") == "年度物业服务费 >= 30000 CNY（近 2 个缴费年度之一）"


# --- every check in full: the verdict, the figures and what is missing -------------------

#: A reason as a reader sees it: its code, then its text in zh and in en.
Said = tuple[str, str, str]


def said(reason: Reason | None) -> Said | None:
    """*reason*'s code and its zh and en texts; ``None`` for no reason."""
    return None if reason is None else (reason.code, reason.text("zh"), reason.text("en"))


def in_full(result: ConditionResult) -> tuple[bool, Said | None, Said | None]:
    """A result as ``(passed, its reason, what is missing)``."""
    return (result.passed, said(result.reason), said(result.missing))


GM_DIAMOND = Designation(tier="diamond", by="总经理办公会", on=date(2026, 1, 1), reason="战略合作")
GM_GOLD = attrs.evolve(GM_DIAMOND, tier="gold")
DIAMOND_CTX = TierContext(as_of=AS_OF, tier="diamond", designations=(GM_DIAMOND,))
YES = AnnualFeeAtLeast(amount=cny("0"))
NO = AnnualFeeAtLeast(amount=cny("1"))


@pytest.mark.parametrize(
    ("rule", "customer", "context", "expected"),
    [
        pytest.param(
            AnnualFeeAtLeast(amount=cny("50000")),
            make_customer({2026: "50000"}),
            CTX,
            (
                True,
                (
                    "tier.annual_fee",
                    "年度物业服务费：实际 50000 CNY (2026)，要求 >= 50000 CNY → 满足",
                    "annual property-service fee: observed 50000 CNY (2026), "
                    "required >= 50000 CNY → met",
                ),
                None,
            ),
            id="fee-at-the-threshold",
        ),
        pytest.param(
            AnnualFeeAtLeast(amount=cny("50000"), window_years=2),
            make_customer({2024: "90000", 2025: "42000", 2026: "30000"}),
            CTX,
            (
                False,
                (
                    "tier.annual_fee",
                    "年度物业服务费：实际 42000 CNY (2025)，要求 >= 50000 CNY → 不满足",
                    "annual property-service fee: observed 42000 CNY (2025), "
                    "required >= 50000 CNY → not met",
                ),
                (
                    "tier.annual_fee.missing",
                    "还需 8000 CNY（2025 年度）",
                    "needs 8000 CNY more (2025 fee year)",
                ),
            ),
            id="fee-best-of-a-two-year-window",
        ),
        pytest.param(
            ConsecutiveYears(years=3, each_at_least=cny("50000")),
            make_customer({2024: "50000", 2025: "50000", 2026: "50000"}),
            CTX,
            (
                True,
                (
                    "tier.consecutive_years",
                    "连续缴费年限（每年 >= 50000 CNY）：实际 3，要求 >= 3 → 满足",
                    "consecutive fee years (each >= 50000 CNY): observed 3, required >= 3 → met",
                ),
                None,
            ),
            id="run-at-the-threshold",
        ),
        pytest.param(
            ConsecutiveYears(years=3, each_at_least=cny("50000")),
            make_customer({2025: "50000", 2026: "50000"}),
            CTX,
            (
                False,
                (
                    "tier.consecutive_years",
                    "连续缴费年限（每年 >= 50000 CNY）：实际 2，要求 >= 3 → 不满足",
                    "consecutive fee years (each >= 50000 CNY): observed 2, "
                    "required >= 3 → not met",
                ),
                (
                    "tier.consecutive_years.missing",
                    "还需连续 1 年",
                    "needs 1 more consecutive years",
                ),
            ),
            id="run-one-year-short",
        ),
        pytest.param(
            YearsOfPurchase(years=2, each_at_least=cny("20000")),
            make_customer({2019: "20000", 2023: "25000"}),
            CTX,
            (
                True,
                (
                    "tier.years_of_purchase",
                    "累计缴费年限（每年 >= 20000 CNY）：实际 2，要求 >= 2 → 满足",
                    "fee years in all (each >= 20000 CNY): observed 2, required >= 2 → met",
                ),
                None,
            ),
            id="years-at-the-threshold",
        ),
        pytest.param(
            YearsOfPurchase(years=2, each_at_least=cny("20000")),
            make_customer({2019: "20000", 2023: "19999.99"}),
            CTX,
            (
                False,
                (
                    "tier.years_of_purchase",
                    "累计缴费年限（每年 >= 20000 CNY）：实际 1，要求 >= 2 → 不满足",
                    "fee years in all (each >= 20000 CNY): observed 1, required >= 2 → not met",
                ),
                ("tier.years_of_purchase.missing", "还需 1 个缴费年度", "needs 1 more fee years"),
            ),
            id="years-one-short",
        ),
        pytest.param(
            ParticipationAtLeast(count=2, window_months=12),
            make_customer(participations=(date(2025, 11, 24),), contributions=(AS_OF,)),
            CTX,
            (
                True,
                (
                    "tier.participation",
                    "近 12 个月社区参与：实际 2，要求 >= 2 → 满足",
                    "community activities, last 12 months: observed 2, required >= 2 → met",
                ),
                None,
            ),
            id="participation-on-both-ends-of-the-window",
        ),
        pytest.param(
            ParticipationAtLeast(count=2, window_months=12),
            make_customer(
                participations=(date(2025, 11, 23), date(2026, 11, 24)),
                contributions=(date(2026, 6, 1),),
            ),
            CTX,
            (
                False,
                (
                    "tier.participation",
                    "近 12 个月社区参与：实际 1，要求 >= 2 → 不满足",
                    "community activities, last 12 months: observed 1, required >= 2 → not met",
                ),
                ("tier.participation.missing", "还需参与 1 次", "needs 1 more activities"),
            ),
            id="participation-just-outside-the-window",
        ),
        pytest.param(
            ReferralsAtLeast(count=1, window_months=24),
            make_customer(referrals=(AS_OF,)),
            CTX,
            (
                True,
                (
                    "tier.referrals",
                    "近 24 个月推荐新客户：实际 1，要求 >= 1 → 满足",
                    "referrals, last 24 months: observed 1, required >= 1 → met",
                ),
                None,
            ),
            id="referral-on-the-day",
        ),
        pytest.param(
            ReferralsAtLeast(count=3, window_months=24),
            make_customer(referrals=(date(2024, 11, 24), date(2024, 11, 23), date(2026, 11, 24))),
            CTX,
            (
                False,
                (
                    "tier.referrals",
                    "近 24 个月推荐新客户：实际 1，要求 >= 3 → 不满足",
                    "referrals, last 24 months: observed 1, required >= 3 → not met",
                ),
                ("tier.referrals.missing", "还需推荐 2 位", "needs 2 more referrals"),
            ),
            id="referrals-two-short",
        ),
        pytest.param(
            BusinessGrowthAtLeast(amount=cny("1000")),
            make_customer(
                purchases=(
                    (date(2025, 11, 24), ServiceNeed.VALUE_ADDED, "1000"),
                    (date(2026, 11, 24), ServiceNeed.SPECIAL, "500"),
                )
            ),
            CTX,
            (
                True,
                (
                    "tier.business_growth",
                    "近 12 个月增值业务：实际 1000 CNY，要求 >= 1000 CNY → 满足",
                    "new business, last 12 months: observed 1000 CNY, required >= 1000 CNY → met",
                ),
                None,
            ),
            id="business-on-the-window-s-first-day",
        ),
        pytest.param(
            BusinessGrowthAtLeast(amount=cny("1500"), window_months=6),
            make_customer(
                purchases=(
                    (date(2026, 5, 23), ServiceNeed.SPECIAL, "800"),
                    (date(2026, 5, 24), ServiceNeed.SPECIAL, "600"),
                )
            ),
            CTX,
            (
                False,
                (
                    "tier.business_growth",
                    "近 6 个月增值业务：实际 600 CNY，要求 >= 1500 CNY → 不满足",
                    "new business, last 6 months: observed 600 CNY, "
                    "required >= 1500 CNY → not met",
                ),
                ("tier.business_growth.missing", "还需 900 CNY", "needs 900 CNY more"),
            ),
            id="business-900-short",
        ),
        pytest.param(
            Designated(),
            make_customer(),
            DIAMOND_CTX,
            (
                True,
                (
                    "tier.designated",
                    "管理层认定：实际 总经理办公会, 2026-01-01: 战略合作，要求 diamond → 满足",
                    "designated by management: observed 总经理办公会, 2026-01-01: 战略合作, "
                    "required diamond → met",
                ),
                None,
            ),
            id="designated",
        ),
        pytest.param(
            Designated(),
            make_customer(),
            attrs.evolve(DIAMOND_CTX, designations=(GM_GOLD,)),
            (
                False,
                (
                    "tier.designated",
                    "管理层认定：实际 -，要求 diamond → 不满足",
                    "designated by management: observed -, required diamond → not met",
                ),
                (
                    "tier.designated.missing",
                    "需管理层认定",
                    "needs a designation by management",
                ),
            ),
            id="designated-for-another-tier",
        ),
        pytest.param(
            AllOf(conditions=(YES, YES)),
            make_customer(),
            CTX,
            (True, ("tier.all_of", "全部满足（满足 2/2）→ 满足", "all of (2/2 met) → met"), None),
            id="all-of",
        ),
        pytest.param(
            AnyOf(conditions=(NO, YES)),
            make_customer(),
            CTX,
            (True, ("tier.any_of", "满足其一（满足 1/2）→ 满足", "any of (1/2 met) → met"), None),
            id="any-of",
        ),
        pytest.param(
            AnyOf(conditions=(NO,)),
            make_customer(),
            CTX,
            (
                False,
                ("tier.any_of", "满足其一（满足 0/1）→ 不满足", "any of (0/1 met) → not met"),
                None,
            ),
            id="any-of-none",
        ),
        pytest.param(
            AnyNOf(n=2, conditions=(YES, NO, YES)),
            make_customer(),
            CTX,
            (
                True,
                (
                    "tier.any_n_of",
                    "至少满足 2 项（满足 2/3）→ 满足",
                    "at least 2 of (2/3 met) → met",
                ),
                None,
            ),
            id="any-n-of-exactly-n",
        ),
    ],
)
def test_every_check_in_full(
    rule: Any, customer: Customer, context: TierContext, expected: Any
) -> None:
    """Each condition's verdict, figures and shortfall, in zh and en, on both sides of its bar."""
    result = rule.check(customer, context)
    assert expected == in_full(result)
    assert result.passed is rule.holds(customer, context)


def test_any_n_of_may_ask_for_all_of_its_parts() -> None:
    """``n`` equal to the number of parts is allowed; one more is refused, in zh and en."""
    assert AnyNOf(n=2, conditions=(YES, YES)).holds(make_customer(), CTX)
    with pytest.raises(InvalidValue) as refused:
        AnyNOf(n=3, conditions=(YES, YES))
    assert (
        "n",
        "'n' must be <= the number of conditions (2): 3",
        "'n' 必须 <= the number of conditions (2)：3",
        ".n",
    ) == (
        refused.value.field,
        refused.value.message_en,
        refused.value.message_zh,
        refused.value.subpath,
    )


def test_the_best_fee_is_the_highest_in_the_window_and_the_latest_on_ties() -> None:
    """Within the window the highest fee counts, the later year on a tie; the year before not."""
    customer = make_customer({2023: "9000", 2024: "700", 2025: "800", 2026: "800"})
    assert best_fee_amount(customer, AS_OF, 3) == (Decimal(800), 2026)
    assert best_fee_amount(customer, AS_OF, 3) == best_in(
        fee_amounts(customer, "CNY"), AS_OF.year, 3
    )
    rising = make_customer({2024: "100", 2025: "300", 2026: "200"})
    assert best_fee_in_window(rising, AS_OF, 3) == (cny("300"), 2025)
    assert best_fee_in_window(make_customer({2025: "0"}), AS_OF, 2) == (cny("0"), 2025)
    assert best_fee_in_window(make_customer({2025: "500"}), AS_OF, 1) == (cny("0"), 2026)


def test_a_customer_without_fees_is_read_in_the_threshold_s_currency() -> None:
    """Fees are in CNY; with none, a USD threshold sees zero dollars and names the gap in USD."""
    assert best_fee_in_window(make_customer(), AS_OF, 1, "USD") == (Money.of("0", "USD"), 2026)
    result = AnnualFeeAtLeast(amount=Money.of("1000", "USD")).check(make_customer(), CTX)
    assert said(result.missing) == (
        "tier.annual_fee.missing",
        "还需 1000 USD（2026 年度）",
        "needs 1000 USD more (2026 fee year)",
    )
    assert result.reason.figure("observed") == "0 USD (2026)"


@pytest.mark.parametrize(
    "rule",
    [
        AnnualFeeAtLeast(amount=Money.of("1", "USD")),
        ConsecutiveYears(years=1, each_at_least=Money.of("1", "USD")),
        YearsOfPurchase(years=1, each_at_least=Money.of("1", "USD")),
    ],
)
def test_a_fee_in_another_currency_names_both_currencies(rule: Any) -> None:
    """The check refuses too, saying which currency the fee is in and which the rule asked for."""
    from pmcrm.errors import CurrencyMismatch

    with pytest.raises(CurrencyMismatch) as mixed:
        rule.check(make_customer({2026: "10"}), CTX)
    assert ("CNY", "USD", "cannot combine money in CNY with money in USD") == (
        mixed.value.left,
        mixed.value.right,
        str(mixed.value),
    )
