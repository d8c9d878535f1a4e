"""Tests for ``pmcrm.segmentation``: the value score, its segments and rule-based segments."""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.customers import (
    Arrears,
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
from pmcrm.errors import CurrencyMismatch, InvalidValue, ValidationError
from pmcrm.segmentation import (
    CRITERIA,
    AnnualFeeAtLeast,
    ArrearsAtLeast,
    Criterion,
    Factor,
    HasTag,
    KindIs,
    Match,
    NeedsService,
    PropertyTypeIs,
    SegmentRule,
    ServiceCountAtLeast,
    ValueScorePolicy,
    ValueSegment,
    classify,
    contribution_in,
    frequency_in,
    match_rule,
    score_customer,
    segment_for,
    segment_portfolio,
    spending_in,
)
from pmcrm.serialization import structure, unstructure
from pmcrm.values import Label, Lang, Money, Period, PersonName

E = TypeVar("E", bound=Enum)

AS_OF = date(2026, 11, 23)
CST = timezone(timedelta(hours=8))


def cny(amount: str) -> Money:
    """Renminbi from a decimal string."""
    return Money.of(amount)


def make_policy(**changes: Any) -> ValueScorePolicy:
    """The policy of the worked example, with *changes*.

    Weights 5/3/2, full marks at 50,000 CNY, 12 purchases and 10 points,
    points 3 per referral, 1 per participation, 2 per contribution, cut-offs
    70 and 40, a 12-month window.
    """
    fields: dict[str, Any] = {
        "window_months": 12,
        "spending_weight": Decimal(5),
        "frequency_weight": Decimal(3),
        "contribution_weight": Decimal(2),
        "spending_full": cny("50000.00"),
        "frequency_full": 12,
        "contribution_full": 10,
        "high_cutoff": Decimal(70),
        "mid_cutoff": Decimal(40),
    }
    fields.update(changes)
    return ValueScorePolicy(**fields)


def make_customer(**changes: Any) -> Customer:
    """A residential owner with nothing recorded but what *changes* adds."""
    fields: dict[str, Any] = {
        "customer_id": "C-TEST",
        "name": PersonName("王建国"),
        "roles": (Role(kind=CustomerKind.OWNER, unit_code="A-1-1201"),),
        "units": (
            PropertyUnit(
                code="A-1-1201", property_type=PropertyType.RESIDENTIAL, area=Decimal("120")
            ),
        ),
        "registered_at": datetime(2020, 5, 1, 9, 30, tzinfo=CST),
    }
    fields.update(changes)
    return Customer(**fields)


def purchase(on: date, amount: str = "0.00", need: ServiceNeed = ServiceNeed.BASIC) -> Any:
    """A service purchase on *on*."""
    return ServicePurchase(on=on, need=need, category="repair", amount=cny(amount))


def worked_example() -> Customer:
    """The customer of the worked example (see :func:`test_worked_example_score`)."""
    return make_customer(
        fees=(
            YearlyFee(year=2025, amount=cny("6000.00")),
            YearlyFee(year=2026, amount=cny("7000.00")),
            YearlyFee(year=2027, amount=cny("99999.00")),  # a prepaid future year: ignored
        ),
        purchases=(
            purchase(date(2025, 11, 23), "9999.00", ServiceNeed.VALUE_ADDED),  # before the window
            purchase(date(2026, 1, 10), "500.00", ServiceNeed.VALUE_ADDED),
            purchase(date(2026, 6, 1), "500.00", ServiceNeed.SPECIAL),
            purchase(AS_OF),  # basic, free, on the last day of the window
        ),
        referrals=(Referral(referred_customer_id="C-NEW", on=date(2026, 3, 1)),),
        participations=(
            Participation(activity="中秋游园会", on=date(2026, 9, 25)),
            Participation(activity="重阳敬老宴", on=date(2026, 10, 18)),
            Participation(activity="中秋游园会", on=date(2025, 10, 6)),  # before the window
        ),
        contributions=(
            Contribution(kind=ContributionKind.SUGGESTION, on=date(2026, 4, 2), note="增设充电桩"),
        ),
    )


# --- the value score, worked by hand ------------------------------------------------------


def test_worked_example_score() -> None:
    """Spending 8,000, 3 purchases, 7 points under weights 5/3/2 score 29.50, low-end.

    spending     = 7,000 (fee 2026; 2027 is after as_of's year) + 500 + 500 = 8,000
    frequency    = 3 purchases in 2025-11-24 … 2026-11-23
    contribution = 1 referral × 3 + 2 participations × 1 + 1 contribution × 2 = 7
    score = 100 × (5 × 8000/50000 + 3 × 3/12 + 2 × 7/10) / 10
          = 100 × (0.8 + 0.75 + 1.4) / 10 = 29.50
    """
    result = score_customer(worked_example(), make_policy(), AS_OF)
    assert result.score == Decimal("29.50")
    assert result.segment is ValueSegment.LOW
    assert [(f.factor, f.observed, f.full, f.ratio, f.weight) for f in result.factors] == [
        (Factor.SPENDING, "8000.00 CNY", "50000.00 CNY", Decimal("0.1600"), Decimal(5)),
        (Factor.FREQUENCY, "3", "12", Decimal("0.2500"), Decimal(3)),
        (Factor.CONTRIBUTION, "7", "10", Decimal("0.7000"), Decimal(2)),
    ]
    assert result.window == Period(start=date(2025, 11, 24), end=date(2026, 11, 24))
    assert (result.customer_id, result.as_of) == ("C-TEST", AS_OF)
    assert (result.high_cutoff, result.mid_cutoff) == (Decimal(70), Decimal(40))


def test_weights_change_the_score() -> None:
    """With all the weight on contribution, the score is the contribution ratio: 70.00."""
    policy = make_policy(
        spending_weight=Decimal(0), frequency_weight=Decimal(0), contribution_weight=Decimal(1)
    )
    result = score_customer(worked_example(), policy, AS_OF)
    assert result.score == Decimal("70.00")
    assert result.segment is ValueSegment.HIGH


def test_ratios_are_capped_at_one() -> None:
    """Spending and points above full marks count as full marks, never more.

    score = 100 × (5 × 1 + 3 × 3/12 + 2 × 1) / 10 = 77.50
    """
    customer = attrs.evolve(
        worked_example(),
        fees=(YearlyFee(year=2026, amount=cny("79000.00")),),
        referrals=tuple(
            Referral(referred_customer_id=f"C-{n}", on=date(2026, 2, n)) for n in range(1, 9)
        ),
    )
    result = score_customer(customer, make_policy(), AS_OF)
    assert [f.ratio for f in result.factors] == [Decimal(1), Decimal("0.25"), Decimal(1)]
    assert result.factors[0].observed == "80000.00 CNY"
    assert result.factors[2].observed == "28"
    assert result.score == Decimal("77.50")


def test_score_rounds_once_half_up() -> None:
    """An exact 3.125 is rounded half up to 3.13 (banker's rounding would give 3.12)."""
    policy = make_policy(
        spending_weight=Decimal(0),
        frequency_weight=Decimal(1),
        contribution_weight=Decimal(0),
        frequency_full=32,
    )
    customer = make_customer(purchases=(purchase(date(2026, 5, 1)),))
    assert score_customer(customer, policy, AS_OF).score == Decimal("3.13")


def test_spending_uses_the_latest_fee_year_the_window_touches() -> None:
    """Last year's fee counts (the window starts then); older fees do not."""
    window = Period.trailing(AS_OF, months=12)
    last_year = make_customer(fees=(YearlyFee(year=2025, amount=cny("3000.00")),))
    assert spending_in(last_year, window, AS_OF, "CNY") == cny("3000.00")
    old = make_customer(fees=(YearlyFee(year=2024, amount=cny("3000.00")),))
    assert spending_in(old, window, AS_OF, "CNY") == Money.zero()
    assert spending_in(make_customer(), window, AS_OF, "CNY") == Money.zero()


def test_a_customer_with_nothing_scores_zero() -> None:
    """No fees, purchases or contributions: every ratio is 0 and the score 0.00, low-end."""
    result = score_customer(make_customer(), make_policy(), AS_OF)
    assert result.score == Decimal("0.00")
    assert [f.ratio for f in result.factors] == [Decimal(0)] * 3
    assert result.segment is ValueSegment.LOW


# --- cut-offs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "segment"),
    [
        ("100.00", ValueSegment.HIGH),
        ("70.00", ValueSegment.HIGH),
        ("69.99", ValueSegment.MID),
        ("40.00", ValueSegment.MID),
        ("39.99", ValueSegment.LOW),
        ("0.00", ValueSegment.LOW),
    ],
)
def test_segment_for_equality_qualifies(score: str, segment: ValueSegment) -> None:
    """A score equal to a cut-off is in the higher segment; 0.01 below is in the lower one."""
    assert segment_for(Decimal(score), Decimal(70), Decimal(40)) is segment


def test_cutoff_equality_through_the_score() -> None:
    """The worked example's 29.50 is high-end at a 29.50 cut-off and mid-end at 29.51."""
    at = make_policy(high_cutoff=Decimal("29.50"), mid_cutoff=Decimal("29.49"))
    above = make_policy(high_cutoff=Decimal("29.51"), mid_cutoff=Decimal("29.50"))
    below = make_policy(high_cutoff=Decimal("29.52"), mid_cutoff=Decimal("29.51"))
    assert score_customer(worked_example(), at, AS_OF).segment is ValueSegment.HIGH
    assert score_customer(worked_example(), above, AS_OF).segment is ValueSegment.MID
    assert score_customer(worked_example(), below, AS_OF).segment is ValueSegment.LOW


def test_equal_cutoffs_leave_no_mid_segment() -> None:
    """With mid_cutoff == high_cutoff, a score is either high-end or low-end."""
    assert segment_for(Decimal(50), Decimal(50), Decimal(50)) is ValueSegment.HIGH
    assert segment_for(Decimal("49.99"), Decimal(50), Decimal(50)) is ValueSegment.LOW


# --- the window ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "counted"),
    [
        (date(2025, 11, 23), False),
        (date(2025, 11, 24), True),
        (date(2026, 11, 23), True),
        (date(2026, 11, 24), False),
    ],
)
def test_window_boundaries(day: date, counted: bool) -> None:
    """The 12-month window ending 2026-11-23 runs from 2025-11-24 to 2026-11-23 inclusive."""
    customer = make_customer(
        purchases=(purchase(day, "100.00", ServiceNeed.VALUE_ADDED),),
        participations=(Participation(activity="义诊", on=day),),
    )
    policy = make_policy()
    window = Period.trailing(AS_OF, months=12)
    assert frequency_in(customer, window) == int(counted)
    assert contribution_in(customer, window, policy) == int(counted)
    spent = spending_in(customer, window, AS_OF, "CNY")
    assert spent == (cny("100.00") if counted else Money.zero())


@pytest.mark.parametrize(
    ("as_of", "months", "start", "end"),
    [
        (date(2026, 3, 30), 1, date(2026, 2, 28), date(2026, 3, 31)),
        (date(2026, 3, 31), 1, date(2026, 3, 1), date(2026, 4, 1)),
        (date(2024, 2, 28), 12, date(2023, 2, 28), date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2023, 3, 1), date(2024, 3, 1)),
        (date(2024, 8, 30), 6, date(2024, 2, 29), date(2024, 8, 31)),
    ],
)
def test_window_clips_to_the_month_end(as_of: date, months: int, start: date, end: date) -> None:
    """The window starts *months* before the day after as_of, clipped to the month's end."""
    customer = make_customer(purchases=(purchase(start), purchase(start - timedelta(days=1))))
    result = score_customer(customer, make_policy(window_months=months), as_of)
    assert result.window == Period(start=start, end=end)
    assert result.factors[1].observed == "1"


# --- currencies -------------------------------------------------------------------------------


def test_policy_in_another_currency_refuses_a_cny_fee() -> None:
    """Scoring CNY fees against a USD full-marks figure raises CurrencyMismatch."""
    policy = make_policy(spending_full=Money.of("5000.00", "USD"))
    customer = make_customer(fees=(YearlyFee(year=2026, amount=cny("100.00")),))
    with pytest.raises(CurrencyMismatch) as info:
        score_customer(customer, policy, AS_OF)
    assert (info.value.left, info.value.right) == ("CNY", "USD")


def test_policy_in_another_currency_refuses_cny_purchases() -> None:
    """CNY purchases cannot be added to a USD total."""
    policy = make_policy(spending_full=Money.of("5000.00", "USD"))
    customer = make_customer(purchases=(purchase(date(2026, 5, 1), "10.00"),))
    with pytest.raises(CurrencyMismatch):
        score_customer(customer, policy, AS_OF)


def test_arrears_threshold_in_another_currency_refuses_cny_debts() -> None:
    """An ArrearsAtLeast in USD cannot compare a CNY debt."""
    customer = make_customer(arrears=(Arrears(amount=cny("10.00"), since=date(2026, 1, 1)),))
    with pytest.raises(CurrencyMismatch):
        ArrearsAtLeast(amount=Money.of("1.00", "USD")).check(customer, AS_OF)


# --- criteria -------------------------------------------------------------------------------

TENANT_MERCHANT = make_customer(
    roles=(
        Role(kind=CustomerKind.TENANT, unit_code="S-1"),
        Role(kind=CustomerKind.MERCHANT, unit_code="S-2"),
    ),
    units=(
        PropertyUnit(code="S-1", property_type=PropertyType.OFFICE, area=Decimal(80)),
        PropertyUnit(code="S-2", property_type=PropertyType.COMMERCIAL, area=Decimal(40)),
    ),
    needs=(ServiceNeed.BASIC, ServiceNeed.VALUE_ADDED),
    tags=("vip", "late_night_trading"),
)
VISITOR = make_customer(roles=(Role(kind=CustomerKind.VISITOR),), units=())


@pytest.mark.parametrize(
    ("criterion", "customer", "passed"),
    [
        (KindIs(kinds=(CustomerKind.OWNER,)), make_customer(), True),
        (KindIs(kinds=(CustomerKind.OWNER,)), TENANT_MERCHANT, False),
        (KindIs(kinds=(CustomerKind.DEVELOPER, CustomerKind.MERCHANT)), TENANT_MERCHANT, True),
        (PropertyTypeIs(types=(PropertyType.RESIDENTIAL,)), make_customer(), True),
        (PropertyTypeIs(types=(PropertyType.COMMERCIAL,)), TENANT_MERCHANT, True),
        (PropertyTypeIs(types=(PropertyType.INDUSTRIAL,)), TENANT_MERCHANT, False),
        (PropertyTypeIs(types=(PropertyType.RESIDENTIAL,)), VISITOR, False),
        (NeedsService(needs=(ServiceNeed.VALUE_ADDED,)), TENANT_MERCHANT, True),
        (NeedsService(needs=(ServiceNeed.SPECIAL,)), TENANT_MERCHANT, False),
        (HasTag(tag="vip"), TENANT_MERCHANT, True),
        (HasTag(tag="vip"), make_customer(), False),
        (HasTag(tag="VIP"), TENANT_MERCHANT, False),
    ],
)
def test_membership_criteria(criterion: Criterion, customer: Customer, passed: bool) -> None:
    """Kind, property type, need and tag criteria pass when the customer holds one wanted."""
    check = criterion.check(customer, AS_OF)
    assert check.passed is passed
    assert check.reason.figure("verdict_en") == ("met" if passed else "not met")
    assert check.reason.figure("verdict_zh") == ("满足" if passed else "不满足")


def test_membership_reason_names_what_is_held_and_wanted() -> None:
    """The reason lists the held and the wanted labels in zh and en; nothing held is said."""
    check = PropertyTypeIs(types=(PropertyType.COMMERCIAL, PropertyType.OFFICE)).check(
        TENANT_MERCHANT, AS_OF
    )
    assert check.reason.text("en") == (
        "property type: holds Office, Commercial; needs one of Commercial, Office → met"
    )
    assert check.reason.text("zh") == "物业类型：持有 办公、商业；要求其一：商业、办公 → 满足"
    empty = PropertyTypeIs(types=(PropertyType.RESIDENTIAL,)).check(VISITOR, AS_OF)
    assert "holds none;" in empty.reason.text("en")
    assert "持有 无；" in empty.reason.text("zh")


@pytest.mark.parametrize(
    ("fees", "passed", "observed"),
    [
        ((YearlyFee(year=2025, amount=cny("8000.00")),), True, "8000.00 CNY (2025)"),
        ((YearlyFee(year=2025, amount=cny("7999.99")),), False, "7999.99 CNY (2025)"),
        ((YearlyFee(year=2026, amount=cny("9000.00")),), False, "0 CNY (2025)"),
        ((), False, "0 CNY (2025)"),
    ],
)
def test_annual_fee_at_least_uses_last_year(
    fees: tuple[YearlyFee, ...], passed: bool, observed: str
) -> None:
    """Last full year's fee is compared, equality passes, and no record counts as zero."""
    check = AnnualFeeAtLeast(amount=cny("8000.00")).check(make_customer(fees=fees), AS_OF)
    assert check.passed is passed
    assert check.reason.figure("observed") == observed
    assert check.reason.figure("threshold") == "8000.00 CNY"


@pytest.mark.parametrize(
    ("days", "passed"),
    [
        ((date(2026, 5, 24), date(2026, 11, 23)), True),
        ((date(2026, 5, 23), date(2026, 11, 23)), False),
        ((date(2026, 11, 1),), False),
    ],
)
def test_service_count_at_least_counts_the_trailing_window(
    days: Sequence[date], passed: bool
) -> None:
    """Two purchases in the 6 months ending on as_of pass; one day earlier does not count."""
    customer = make_customer(purchases=tuple(purchase(d) for d in days))
    check = ServiceCountAtLeast(count=2, window_months=6).check(customer, AS_OF)
    assert check.passed is passed
    assert check.reason.text("en").startswith("services in the last 6 months: observed ")
    assert check.reason.text("zh").startswith("近 6 个月服务次数：实际 ")


@pytest.mark.parametrize(
    ("arrears", "passed"),
    [
        ((Arrears(amount=cny("500.00"), since=date(2026, 3, 31)),), True),
        ((Arrears(amount=cny("499.99"), since=date(2026, 3, 31)),), False),
        (
            (
                Arrears(amount=cny("300.00"), since=date(2026, 3, 31)),
                Arrears(amount=cny("200.00"), since=date(2025, 3, 31)),
            ),
            True,
        ),
        (
            (Arrears(amount=cny("900.00"), since=date(2025, 3, 31), settled_on=date(2025, 9, 1)),),
            False,
        ),
        ((Arrears(amount=cny("900.00"), since=date(2026, 11, 24)),), False),
    ],
)
def test_arrears_at_least_counts_what_is_owed_on_as_of(
    arrears: tuple[Arrears, ...], passed: bool
) -> None:
    """Debts owed on as_of are summed; settled or later debts are not owed."""
    check = ArrearsAtLeast(amount=cny("500.00")).check(make_customer(arrears=arrears), AS_OF)
    assert check.passed is passed


def test_every_builtin_criterion_is_a_criterion() -> None:
    """Each class in CRITERIA satisfies the Criterion protocol and has a unique tag."""
    assert set(CRITERIA) == {
        "kind",
        "property_type",
        "need",
        "annual_fee_at_least",
        "service_count_at_least",
        "arrears_at_least",
        "tag",
    }
    assert len(set(CRITERIA.values())) == len(CRITERIA)
    assert isinstance(HasTag(tag="x"), Criterion)


# --- rules -------------------------------------------------------------------------------------

PASS = HasTag(tag="vip")
FAIL = HasTag(tag="absent")


@pytest.mark.parametrize(
    ("match", "criteria", "matched"),
    [
        (Match.ALL, (PASS, PASS), True),
        (Match.ALL, (PASS, FAIL), False),
        (Match.ANY, (PASS, FAIL), True),
        (Match.ANY, (FAIL, FAIL), False),
    ],
)
def test_match_all_and_any(match: Match, criteria: tuple[Criterion, ...], matched: bool) -> None:
    """ALL needs every criterion, ANY needs one; every check is reported either way."""
    rule = SegmentRule(
        name="r", label=Label(zh="分群", en="group"), match=match, criteria=criteria
    )
    result = match_rule(TENANT_MERCHANT, rule, AS_OF)
    assert result.matched is matched
    assert [c.passed for c in result.checks] == [c is PASS for c in criteria]
    assert (result.rule, result.label) == ("r", rule.label)


def test_rule_default_is_all() -> None:
    """A rule combines its criteria with ALL unless told otherwise."""
    rule = SegmentRule(name="r", label=Label(zh="分群", en="group"), criteria=(PASS,))
    assert rule.match is Match.ALL


def test_rule_match_explains_itself_in_both_languages() -> None:
    """The explanation gives the verdict, then each check with its figures."""
    rule = SegmentRule(
        name="key_accounts",
        label=Label(zh="重点客户", en="Key accounts"),
        criteria=(AnnualFeeAtLeast(amount=cny("8000.00")), PASS),
    )
    member = make_customer(fees=(YearlyFee(year=2025, amount=cny("8800.00")),), tags=("vip",))
    inside = match_rule(member, rule, AS_OF)
    outside = match_rule(make_customer(), rule, AS_OF)
    assert inside.explain("zh").splitlines() == [
        "属于「重点客户」",
        "上一年度物业费：实际 8800.00 CNY (2025)，门槛 ≥ 8000.00 CNY → 满足",
        "标签 vip → 满足",
    ]
    assert inside.explain(Lang.EN).splitlines() == [
        "in 'Key accounts'",
        "last year's property fee: observed 8800.00 CNY (2025), threshold >= 8000.00 CNY → met",
        "tag vip → met",
    ]
    assert outside.explain("zh").splitlines()[0] == "不属于「重点客户」"
    assert outside.explain().splitlines()[0] == "not in 'Key accounts'"


def test_classify_keeps_the_rules_order() -> None:
    """``classify`` returns one outcome per rule, in order."""
    rules = [
        SegmentRule(name=name, label=Label(zh=name, en=name), criteria=(crit,))
        for name, crit in (("b", FAIL), ("a", PASS))
    ]
    result = classify(TENANT_MERCHANT, rules, AS_OF)
    assert [(r.rule, r.matched) for r in result] == [("b", False), ("a", True)]


# --- explanations ------------------------------------------------------------------------------


def test_value_score_explains_itself_with_the_figures() -> None:
    """The explanation names each factor's figures, the score, the cut-offs and the window."""
    result = score_customer(worked_example(), make_policy(), AS_OF)
    assert [r.code for r in result.reasons()] == [
        "factor.spending",
        "factor.frequency",
        "factor.contribution",
        "segment.low",
    ]
    assert result.explain("zh").splitlines() == [
        "消费能力：实际 8000.00 CNY，满分线 50000.00 CNY，得分率 0.1600，权重 5",
        "服务需求频率：实际 3，满分线 12，得分率 0.2500，权重 3",
        "贡献度：实际 7，满分线 10，得分率 0.7000，权重 2",
        "价值分 29.50（高端线 70，中端线 40）→ 低端客户；统计区间 2025-11-24 至 2026-11-23",
    ]
    assert result.explain(Lang.EN).splitlines() == [
        "Spending capacity: observed 8000.00 CNY, full marks at 50000.00 CNY, ratio 0.1600, "
        "weight 5",
        "Frequency of service demand: observed 3, full marks at 12, ratio 0.2500, weight 3",
        "Contribution: observed 7, full marks at 10, ratio 0.7000, weight 2",
        "value score 29.50 (high-end from 70, mid-end from 40) → Low-end; "
        "window 2025-11-24 to 2026-11-23",
    ]


# --- policy validation -------------------------------------------------------------------------

POLICY_DATA: dict[str, Any] = {
    "window_months": 12,
    "spending_weight": "5",
    "frequency_weight": "3",
    "contribution_weight": "2",
    "spending_full": {"amount": "50000.00", "currency": "CNY"},
    "frequency_full": 12,
    "contribution_full": 10,
    "high_cutoff": "70",
    "mid_cutoff": "40",
}


def test_policy_loads_from_json_data() -> None:
    """The documented JSON shape loads into the worked example's policy."""
    assert structure(POLICY_DATA, ValueScorePolicy) == make_policy()
    assert make_policy().weight_total == Decimal(10)


@pytest.mark.parametrize(
    ("changes", "faults"),
    [
        ({"mid_cutoff": "80"}, [("$.mid_cutoff", "le")]),
        (
            {"spending_weight": "0", "frequency_weight": "0", "contribution_weight": "0"},
            [("$.spending_weight", "gt")],
        ),
        ({"frequency_weight": "-1"}, [("$.frequency_weight", "ge")]),
        (
            {"window_months": 0, "high_cutoff": "100.01"},
            [
                ("$.window_months", "ge"),
                ("$.high_cutoff", "le"),
            ],
        ),
        ({"spending_full": {"amount": "0", "currency": "CNY"}}, [("$.spending_full", "ge")]),
        (
            {"contribution_full": 0, "referral_points": -1},
            [
                ("$.contribution_full", "ge"),
                ("$.referral_points", "ge"),
            ],
        ),
        ({"spending_weight": 0.5}, [("$.spending_weight", "float")]),
    ],
)
def test_policy_faults_are_reported_with_paths(
    changes: dict[str, Any], faults: list[tuple[str, str]]
) -> None:
    """Every fault of a policy is reported with its path and code."""
    with pytest.raises(ValidationError) as info:
        structure({**POLICY_DATA, **changes}, ValueScorePolicy)
    assert list(zip(info.value.report.paths, info.value.report.codes, strict=True)) == faults


def test_policy_cross_field_rule_in_python() -> None:
    """Built in Python, a mid cut-off above the high one raises InvalidValue naming it."""
    with pytest.raises(InvalidValue) as info:
        make_policy(mid_cutoff=Decimal(71))
    assert (info.value.field, info.value.code) == ("mid_cutoff", "le")
    assert str(info.value) == "'mid_cutoff' must be <= high_cutoff (70): 71"


RULE_DATA: dict[str, Any] = {
    "name": "commercial_key_accounts",
    "label": {"zh": "商业重点客户", "en": "Commercial key accounts"},
    "match": "any",
    "criteria": [
        {"type": "property_type", "types": ["commercial", "office"]},
        {"type": "service_count_at_least", "count": 4, "window_months": 12},
    ],
}


def test_rule_loads_from_tagged_criteria() -> None:
    """Criteria are tagged dicts; they load into the matching classes."""
    rule = structure(RULE_DATA, SegmentRule)
    assert rule.match is Match.ANY
    assert rule.criteria == (
        PropertyTypeIs(types=(PropertyType.COMMERCIAL, PropertyType.OFFICE)),
        ServiceCountAtLeast(count=4, window_months=12),
    )
    assert unstructure(rule) == RULE_DATA


@pytest.mark.parametrize(
    ("criteria", "faults"),
    [
        ([], [("$.criteria", "min_items")]),
        ([{"type": "age_at_least", "years": 60}], [("$.criteria[0].type", "choice")]),
        ([{"kinds": ["owner"]}], [("$.criteria[0].type", "missing")]),
        ([{"type": "kind", "kinds": []}], [("$.criteria[0].kinds", "min_items")]),
        (
            [{"type": "tag", "tag": "vip", "colour": "red"}],
            [("$.criteria[0].colour", "extra_key")],
        ),
        (
            [{"type": "tag", "tag": "vip"}, {"type": "service_count_at_least", "count": 0}],
            [("$.criteria[1].count", "ge"), ("$.criteria[1].window_months", "missing")],
        ),
        ("kind", [("$.criteria", "type")]),
    ],
)
def test_rule_faults_are_reported_with_paths(criteria: Any, faults: list[tuple[str, str]]) -> None:
    """Unknown or missing criterion types, empty criteria and bad fields are located."""
    with pytest.raises(ValidationError) as info:
        structure({**RULE_DATA, "criteria": criteria}, SegmentRule)
    assert list(zip(info.value.report.paths, info.value.report.codes, strict=True)) == faults


def test_rule_refuses_no_criteria_in_python() -> None:
    """Built in Python, a rule without criteria raises InvalidValue."""
    with pytest.raises(InvalidValue) as info:
        SegmentRule(name="r", label=Label(zh="分群", en="group"), criteria=())
    assert (info.value.field, info.value.code) == ("criteria", "min_items")


# --- properties ---------------------------------------------------------------------------------

EVENT_DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))
YUAN = st.integers(min_value=0, max_value=200_000).map(lambda fen: Money.of(fen) * Decimal("0.01"))
WEIGHTS = st.integers(min_value=0, max_value=10).map(Decimal)
CUTOFFS = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def policies(draw: st.DrawFn) -> ValueScorePolicy:
    """Any valid policy in CNY."""
    weights = draw(st.tuples(WEIGHTS, WEIGHTS, WEIGHTS).filter(lambda w: sum(w) > 0))
    low, high = sorted(draw(st.tuples(CUTOFFS, CUTOFFS)))
    return ValueScorePolicy(
        window_months=draw(st.integers(min_value=1, max_value=36)),
        spending_weight=weights[0],
        frequency_weight=weights[1],
        contribution_weight=weights[2],
        spending_full=draw(YUAN.filter(lambda m: m.amount > 0)),
        frequency_full=draw(st.integers(min_value=1, max_value=20)),
        contribution_full=draw(st.integers(min_value=1, max_value=20)),
        referral_points=draw(st.integers(min_value=0, max_value=5)),
        participation_points=draw(st.integers(min_value=0, max_value=5)),
        contribution_points=draw(st.integers(min_value=0, max_value=5)),
        high_cutoff=high,
        mid_cutoff=low,
    )


PURCHASES = st.builds(
    ServicePurchase,
    on=EVENT_DAYS,
    need=st.sampled_from(ServiceNeed),
    category=st.sampled_from(["repair", "cleaning", "butler"]),
    amount=YUAN,
)
REFERRALS = st.builds(Referral, referred_customer_id=st.just("C-NEW"), on=EVENT_DAYS)
PARTICIPATIONS = st.builds(Participation, activity=st.just("义诊"), on=EVENT_DAYS)
CONTRIBUTIONS = st.builds(
    Contribution, kind=st.sampled_from(ContributionKind), on=EVENT_DAYS, note=st.just("建议")
)


@st.composite
def customers(draw: st.DrawFn, customer_id: str = "C-TEST") -> Customer:
    """A customer with fees, purchases and contributions around the test's as_of."""
    years = draw(st.lists(st.integers(min_value=2020, max_value=2028), unique=True, max_size=4))
    return make_customer(
        customer_id=customer_id,
        fees=tuple(YearlyFee(year=y, amount=draw(YUAN)) for y in years),
        purchases=tuple(draw(st.lists(PURCHASES, max_size=6))),
        referrals=tuple(draw(st.lists(REFERRALS, max_size=3))),
        participations=tuple(draw(st.lists(PARTICIPATIONS, max_size=3))),
        contributions=tuple(draw(st.lists(CONTRIBUTIONS, max_size=3))),
    )


def some(members: type[E]) -> st.SearchStrategy[tuple[E, ...]]:
    """One to three distinct members of the enum *members*."""
    return st.lists(st.sampled_from(members), min_size=1, max_size=3, unique=True).map(tuple)


@st.composite
def rules(draw: st.DrawFn) -> SegmentRule:
    """Any valid rule, using every kind of built-in criterion."""
    criterion = st.one_of(
        st.builds(KindIs, kinds=some(CustomerKind)),
        st.builds(PropertyTypeIs, types=some(PropertyType)),
        st.builds(NeedsService, needs=some(ServiceNeed)),
        st.builds(AnnualFeeAtLeast, amount=YUAN),
        st.builds(
            ServiceCountAtLeast,
            count=st.integers(min_value=1, max_value=50),
            window_months=st.integers(min_value=1, max_value=120),
        ),
        st.builds(ArrearsAtLeast, amount=YUAN.filter(lambda m: m.amount > 0)),
        st.builds(HasTag, tag=st.sampled_from(["vip", "业委会", "pet owner"])),
    )
    return SegmentRule(
        name=draw(st.sampled_from(["vip", "key_accounts", "arrears"])),
        label=Label(zh="分群", en="Segment"),
        match=draw(st.sampled_from(Match)),
        criteria=tuple(draw(st.lists(criterion, min_size=1, max_size=4))),
    )


@given(customer=customers(), policy=policies(), as_of=EVENT_DAYS)
def test_score_is_between_0_and_100_in_hundredths(
    customer: Customer, policy: ValueScorePolicy, as_of: date
) -> None:
    """A score is always within [0, 100], with exactly two decimal places."""
    score = score_customer(customer, policy, as_of).score
    assert Decimal(0) <= score <= Decimal(100)
    assert score.as_tuple().exponent == -2


@given(customer=customers(), policy=policies(), extra=PURCHASES)
def test_adding_a_purchase_never_lowers_the_score(
    customer: Customer, policy: ValueScorePolicy, extra: ServicePurchase
) -> None:
    """One more purchase (any day, any amount) never lowers the value score."""
    more = attrs.evolve(customer, purchases=(*customer.purchases, extra))
    before = score_customer(customer, policy, AS_OF).score
    assert score_customer(more, policy, AS_OF).score >= before


@given(customer=customers(), policy=policies(), extra=PARTICIPATIONS)
def test_adding_a_participation_never_lowers_the_score(
    customer: Customer, policy: ValueScorePolicy, extra: Participation
) -> None:
    """One more community participation never lowers the value score."""
    more = attrs.evolve(customer, participations=(*customer.participations, extra))
    before = score_customer(customer, policy, AS_OF).score
    assert score_customer(more, policy, AS_OF).score >= before


@given(customer=customers(), policy=policies(), extra=REFERRALS)
def test_adding_a_referral_never_lowers_the_score(
    customer: Customer, policy: ValueScorePolicy, extra: Referral
) -> None:
    """One more referral never lowers the value score."""
    more = attrs.evolve(customer, referrals=(*customer.referrals, extra))
    before = score_customer(customer, policy, AS_OF).score
    assert score_customer(more, policy, AS_OF).score >= before


@given(customer=customers(), policy=policies(), extra=CONTRIBUTIONS)
def test_adding_a_contribution_never_lowers_the_score(
    customer: Customer, policy: ValueScorePolicy, extra: Contribution
) -> None:
    """One more recorded contribution never lowers the value score."""
    more = attrs.evolve(customer, contributions=(*customer.contributions, extra))
    before = score_customer(customer, policy, AS_OF).score
    assert score_customer(more, policy, AS_OF).score >= before


@given(
    portfolio=st.lists(customers(), max_size=8).map(
        lambda cs: [attrs.evolve(c, customer_id=f"C{i}") for i, c in enumerate(cs)]
    ),
    policy=policies(),
)
def test_segments_partition_the_portfolio(
    portfolio: list[Customer], policy: ValueScorePolicy
) -> None:
    """Every customer is in exactly one value segment, the one its score and cut-offs give."""
    scores = list(segment_portfolio(portfolio, policy, AS_OF))
    assert [s.customer_id for s in scores] == [c.customer_id for c in portfolio]
    assert sum(Counter(s.segment for s in scores).values()) == len(portfolio)
    for s in scores:
        in_high = s.score >= policy.high_cutoff
        in_mid = policy.mid_cutoff <= s.score < policy.high_cutoff
        in_low = s.score < policy.mid_cutoff
        assert [in_high, in_mid, in_low].count(True) == 1
        expected = (
            ValueSegment.HIGH if in_high else ValueSegment.MID if in_mid else ValueSegment.LOW
        )
        assert s.segment is expected


@given(policy=policies())
def test_policy_round_trips(policy: ValueScorePolicy) -> None:
    """A policy survives ``structure(unstructure(policy))`` unchanged."""
    assert structure(unstructure(policy), ValueScorePolicy) == policy


@given(rule=rules())
def test_rule_round_trips(rule: SegmentRule) -> None:
    """A rule, with any built-in criteria, survives ``structure(unstructure(rule))``."""
    data = unstructure(rule)
    assert all(c["type"] in CRITERIA for c in data["criteria"])
    assert structure(data, SegmentRule) == rule


@given(customer=customers(), rule=rules(), as_of=EVENT_DAYS)
def test_rule_match_combines_its_checks(
    customer: Customer, rule: SegmentRule, as_of: date
) -> None:
    """A rule matches iff all (ALL) or any (ANY) of its checks pass, one check per criterion."""
    result = match_rule(customer, rule, as_of)
    outcomes = [c.passed for c in result.checks]
    assert len(outcomes) == len(rule.criteria)
    assert result.matched is (all(outcomes) if rule.match is Match.ALL else any(outcomes))
