"""Periodic review: upgrades, downgrade notices, cures, overrides, schedules and batches."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.customers import Arrears, Customer
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure
from pmcrm.tiers import (
    CooperationRefusal,
    Designation,
    DowngradeCause,
    DowngradeNotice,
    DowngradeStep,
    MemberRecord,
    MonthDay,
    Override,
    OverrideKind,
    ReviewAction,
    ReviewPolicy,
    ReviewSchedule,
    SatisfactionScore,
    ScheduleKind,
    TierPolicy,
    Violation,
    review,
    review_dates,
    review_portfolio,
    triggers,
)
from pmcrm.values import Money
from test_tiers import AS_OF, LADDER, make_customer

SCHEDULE = ReviewSchedule(kind=ScheduleKind.FIXED_DATES, dates=(MonthDay(month=1, day=1),))
REVIEW = ReviewPolicy(
    schedule=SCHEDULE,
    notice_days=30,
    arrears_days=90,
    arrears_amount=Money.of("5000"),
    low_satisfaction_count=3,
    low_satisfaction_below=Decimal(60),
    violation_window_months=12,
)
POLICY = TierPolicy(ladder=LADDER, review=REVIEW)
PLATINUM_FEES = {2024: "50000", 2025: "50000", 2026: "50000"}


def platinum(**changes: Any) -> Customer:
    """A customer who qualifies for platinum (a 3-year run of 50,000)."""
    return attrs.evolve(make_customer(PLATINUM_FEES), **changes)


def record(tier: str = "platinum", **changes: Any) -> MemberRecord:
    """A member record for customer C-1."""
    return MemberRecord(customer_id="C-1", tier=tier, since=date(2024, 1, 1), **changes)


def owing(amount: str, since: date, settled_on: date | None = None) -> tuple[Arrears, ...]:
    """One debt."""
    return (Arrears(amount=Money.of(amount), since=since, settled_on=settled_on),)


def test_a_qualifying_customer_stays() -> None:
    """No trigger, same tier: stay."""
    outcome = review(platinum(), record(), POLICY, AS_OF)
    assert (outcome.action, outcome.from_tier, outcome.to_tier) == (
        ReviewAction.STAY,
        "platinum",
        "platinum",
    )
    assert outcome.record == record()
    assert outcome.explain("en") == "Stay: Platinum → Platinum\nstays Platinum"


def test_upgrade_is_immediate() -> None:
    """A customer who qualifies higher is upgraded at once, from the review day."""
    outcome = review(make_customer({2026: "200000"}), record(), POLICY, AS_OF)
    assert (outcome.action, outcome.to_tier) == (ReviewAction.UPGRADE, "diamond")
    assert (outcome.record.tier, outcome.record.since) == ("diamond", AS_OF)
    assert outcome.explain("zh").splitlines()[1] == "符合更高等级：钻石"


def test_arrears_of_exactly_the_limit_in_days_trigger_a_notice_not_a_downgrade() -> None:
    """Arrears owed for exactly 90 days issue a notice effective 30 days later."""
    customer = platinum(arrears=owing("100", AS_OF - timedelta(days=90)))
    outcome = review(customer, record(), POLICY, AS_OF)
    assert outcome.action is ReviewAction.NOTICE
    assert outcome.record.tier == "platinum"
    assert outcome.notice == DowngradeNotice(
        issued_on=AS_OF,
        effective_on=AS_OF + timedelta(days=30),
        from_tier="platinum",
        to_tier="gold",
        causes=(DowngradeCause.ARREARS_DAYS,),
    )
    assert "owed for 90 days (limit 90 days)" in outcome.explain("en")
    assert "已连续欠费 90 天（上限 90 天）" in outcome.explain("zh")


def test_arrears_one_day_short_do_not_trigger() -> None:
    """89 days owed is below the limit."""
    customer = platinum(arrears=owing("100", AS_OF - timedelta(days=89)))
    assert review(customer, record(), POLICY, AS_OF).action is ReviewAction.STAY


def test_arrears_amount_at_the_limit_triggers() -> None:
    """Owing exactly 5,000 triggers; 4,999.99 does not."""
    at_limit = platinum(arrears=owing("5000", AS_OF - timedelta(days=1)))
    below = platinum(arrears=owing("4999.99", AS_OF - timedelta(days=1)))
    assert review(at_limit, record(), POLICY, AS_OF).notice is not None
    assert review(below, record(), POLICY, AS_OF).notice is None
    causes = [c for c, _ in triggers(at_limit, record(), POLICY, AS_OF)]
    assert causes == [DowngradeCause.ARREARS_AMOUNT]


def test_notice_lifecycle_pending_then_effective() -> None:
    """Pending before the effective date; the downgrade takes effect on it."""
    customer = platinum(arrears=owing("9000", date(2026, 6, 1)))
    notice = review(customer, record(), POLICY, AS_OF)
    pending = review(customer, notice.record, POLICY, AS_OF + timedelta(days=29))
    assert (pending.action, pending.record.tier) == (ReviewAction.PENDING, "platinum")
    effective = review(customer, notice.record, POLICY, AS_OF + timedelta(days=30))
    assert (effective.action, effective.record.tier) == (ReviewAction.DOWNGRADE, "gold")
    assert effective.record.notice is None
    assert effective.record.since == AS_OF + timedelta(days=30)


def test_curing_before_the_effective_date_cancels_the_notice() -> None:
    """Arrears paid before the effective date: the notice lapses, the tier stays."""
    customer = platinum(arrears=owing("9000", date(2026, 6, 1)))
    notice = review(customer, record(), POLICY, AS_OF)
    paid = platinum(arrears=owing("9000", date(2026, 6, 1), settled_on=AS_OF + timedelta(days=5)))
    outcome = review(paid, notice.record, POLICY, AS_OF + timedelta(days=30))
    assert (outcome.action, outcome.record.tier, outcome.record.notice) == (
        ReviewAction.LAPSED,
        "platinum",
        None,
    )
    assert outcome.explain("en").splitlines()[1] == (
        "cause cured: Arrears continuing too long, Arrears reaching the limit"
    )


def test_low_satisfaction_needs_a_refusal_too() -> None:
    """Three scores below 60 trigger only together with a refusal since the first of them."""
    scores = tuple(
        SatisfactionScore(on=date(2026, m, 1), score=Decimal(s))
        for m, s in ((3, "40"), (6, "55"), (9, "59.99"))
    )
    alone = record(satisfaction=scores)
    assert review(platinum(), alone, POLICY, AS_OF).action is ReviewAction.STAY
    old_refusal = record(
        satisfaction=scores, refusals=(CooperationRefusal(on=date(2026, 1, 1), note="n"),)
    )
    assert review(platinum(), old_refusal, POLICY, AS_OF).action is ReviewAction.STAY
    refused = record(
        satisfaction=scores, refusals=(CooperationRefusal(on=date(2026, 9, 2), note="拒绝整改"),)
    )
    outcome = review(platinum(), refused, POLICY, AS_OF)
    assert outcome.notice is not None
    assert outcome.notice.causes == (DowngradeCause.LOW_SATISFACTION,)
    assert "last scores 40, 55, 59.99 all below 60, and refused to cooperate on 2026-09-02" in (
        outcome.explain("en")
    )


def test_a_score_at_the_threshold_or_too_few_scores_do_not_trigger() -> None:
    """60 is not below 60; two scores are fewer than three."""
    refusal = (CooperationRefusal(on=date(2026, 9, 2), note="n"),)
    at_threshold = tuple(
        SatisfactionScore(on=date(2026, m, 1), score=Decimal(s))
        for m, s in ((3, "40"), (6, "60"), (9, "50"))
    )
    assert not triggers(
        platinum(), record(satisfaction=at_threshold, refusals=refusal), POLICY, AS_OF
    )
    two = at_threshold[:1] + at_threshold[2:]
    assert not triggers(platinum(), record(satisfaction=two, refusals=refusal), POLICY, AS_OF)


def test_harmful_violations_in_the_window_trigger() -> None:
    """A harmful violation within 12 months triggers; a harmless or old one does not."""
    recent = record(violations=(Violation(on=date(2026, 2, 1), description="私搭乱建"),))
    assert review(platinum(), recent, POLICY, AS_OF).notice is not None
    harmless = record(violations=(Violation(on=date(2026, 2, 1), description="d", harmful=False),))
    old = record(violations=(Violation(on=date(2025, 11, 23), description="d"),))
    assert review(platinum(), harmless, POLICY, AS_OF).notice is None
    assert review(platinum(), old, POLICY, AS_OF).notice is None


def causes_and_reasons(rec: MemberRecord, customer: Customer | None = None) -> list[Any]:
    """The causes present on :data:`AS_OF`, each with its reason's code, zh and en text."""
    present = triggers(customer or platinum(), rec, POLICY, AS_OF)
    return [(cause, r.code, r.text("zh"), r.text("en")) for cause, r in present]


def test_a_violation_on_the_review_day_or_the_window_s_first_day_triggers() -> None:
    """The 12-month window is (AS_OF − 12 months, AS_OF]: both of its ends count."""
    today = record(violations=(Violation(on=AS_OF, description="d"),))
    assert [
        (
            DowngradeCause.VIOLATION,
            "review.violation",
            "违反规定损害公司或其他业主利益：2026-11-23 有违规记录（近 12 个月内）",
            "Rule violation causing harm: violation on 2026-11-23 (within 12 months)",
        )
    ] == causes_and_reasons(today)
    first_day = record(violations=(Violation(on=date(2025, 11, 24), description="d"),))
    assert [DowngradeCause.VIOLATION] == [c for c, *_ in causes_and_reasons(first_day)]


def test_low_satisfaction_counts_the_review_day_and_the_first_score_s_day() -> None:
    """A score or a refusal on the review day counts, and a refusal on the first score's day."""
    scores = tuple(
        SatisfactionScore(on=day, score=Decimal(s))
        for day, s in ((date(2026, 3, 1), "40"), (date(2026, 6, 1), "55"), (AS_OF, "50"))
    )
    for refused_on in (AS_OF, date(2026, 3, 1)):
        rec = record(satisfaction=scores, refusals=(CooperationRefusal(on=refused_on, note="n"),))
        assert [DowngradeCause.LOW_SATISFACTION] == [c for c, *_ in causes_and_reasons(rec)]


def test_not_qualifying_is_explained_in_both_languages() -> None:
    """The reason names the tier held and the tier qualified for."""
    lapsed = make_customer({2021: "50000", 2022: "50000", 2023: "50000"})
    assert [
        (
            DowngradeCause.NOT_QUALIFIED,
            "review.not_qualified",
            "不再符合等级条件：当前 铂金，符合 黄金",
            "no longer qualifies: holds Platinum, qualifies for Gold",
        )
    ] == causes_and_reasons(record(), lapsed)


def test_notice_and_override_refusals_echo_the_day_and_its_path() -> None:
    """A notice effective on its issue day and an override expiring on its start are refused."""
    with pytest.raises(InvalidValue) as notice:
        DowngradeNotice(
            issued_on=AS_OF,
            effective_on=AS_OF,
            from_tier="platinum",
            to_tier="gold",
            causes=(DowngradeCause.MANUAL,),
        )
    with pytest.raises(InvalidValue) as expiring:
        override(OverrideKind.RETAIN, "gold", expires_on=date(2026, 1, 1))
    assert [
        ("'effective_on' must be after 'issued_on': '2026-11-23'", ".effective_on"),
        ("'expires_on' must be after 'on': '2026-01-01'", ".expires_on"),
    ] == [(e.value.message_en, e.value.subpath) for e in (notice, expiring)]


def test_an_override_is_active_from_its_first_day() -> None:
    """An override given on the review day already applies."""
    rec = record("gold", overrides=(override(OverrideKind.UPGRADE, "diamond", on=AS_OF),))
    assert ReviewAction.UPGRADE is review(make_customer(), rec, POLICY, AS_OF).action


def test_no_longer_qualifying_is_a_cause_and_regaining_cures_it() -> None:
    """A platinum member who stops qualifying gets a notice; qualifying again cures it."""
    lapsed = make_customer({2021: "50000", 2022: "50000", 2023: "50000"})
    outcome = review(lapsed, record(), POLICY, AS_OF)
    assert outcome.notice is not None
    assert outcome.notice.causes == (DowngradeCause.NOT_QUALIFIED,)
    assert "no longer qualifies: holds Platinum, qualifies for Gold" in outcome.explain("en")
    cured = review(platinum(), outcome.record, POLICY, AS_OF + timedelta(days=30))
    assert cured.action is ReviewAction.LAPSED


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (DowngradeStep.ONE_STEP, "platinum"),
        (DowngradeStep.ENTITLED, "regular"),
        (DowngradeStep.BASE, "regular"),
    ],
)
def test_downgrade_step_policy(step: DowngradeStep, expected: str) -> None:
    """One step down, to the entitled tier (at least one step), or to the base tier."""
    policy = attrs.evolve(POLICY, review=attrs.evolve(REVIEW, downgrade_to=step))
    outcome = review(make_customer(), record("diamond"), policy, AS_OF)
    assert outcome.to_tier == expected


def test_entitled_step_goes_at_least_one_step() -> None:
    """A diamond-qualified diamond member with arrears still goes one step down."""
    policy = attrs.evolve(POLICY, review=attrs.evolve(REVIEW, downgrade_to=DowngradeStep.ENTITLED))
    rich = make_customer({2026: "200000"})
    customer = attrs.evolve(rich, arrears=owing("9000", date(2026, 1, 1)))
    assert review(customer, record("diamond"), policy, AS_OF).to_tier == "platinum"


def test_the_base_tier_cannot_go_lower() -> None:
    """A regular customer with arrears gets no notice: there is nowhere to go."""
    customer = attrs.evolve(make_customer(), arrears=owing("9000", date(2026, 1, 1)))
    outcome = review(customer, record("regular"), POLICY, AS_OF)
    assert (outcome.action, outcome.notice) == (ReviewAction.STAY, None)


def override(kind: OverrideKind, tier: str, **changes: Any) -> Override:
    """An override valid for 2026."""
    values: dict[str, Any] = {
        "kind": kind,
        "tier": tier,
        "by": "物业经理",
        "reason": "长期合作",
        "on": date(2026, 1, 1),
        "expires_on": date(2027, 1, 1),
    }
    values.update(changes)
    return Override(**values)


def test_retain_override_takes_precedence_and_clears_a_notice() -> None:
    """While a retain override lasts, arrears do not downgrade and a notice is dropped."""
    customer = platinum(arrears=owing("9000", date(2026, 6, 1)))
    notice = review(customer, record(), POLICY, AS_OF).record
    kept = attrs.evolve(notice, overrides=(override(OverrideKind.RETAIN, "platinum"),))
    outcome = review(customer, kept, POLICY, AS_OF + timedelta(days=30))
    assert (outcome.action, outcome.record.tier, outcome.record.notice) == (
        ReviewAction.STAY,
        "platinum",
        None,
    )
    assert "override by management: Retain (物业经理, 长期合作, until 2027-01-01)" in (
        outcome.explain("en")
    )
    expired = review(customer, kept, POLICY, date(2027, 1, 1))
    assert expired.action is ReviewAction.DOWNGRADE


def test_upgrade_override_moves_at_once() -> None:
    """A manual upgrade takes effect on the review day."""
    outcome = review(
        make_customer(),
        record("gold", overrides=(override(OverrideKind.UPGRADE, "diamond"),)),
        POLICY,
        AS_OF,
    )
    assert (outcome.action, outcome.record.tier) == (ReviewAction.UPGRADE, "diamond")


def test_manual_downgrade_goes_through_a_notice() -> None:
    """A manual downgrade is not immediate either: notice, pending, then effective."""
    rec = record("diamond", overrides=(override(OverrideKind.DOWNGRADE, "gold"),))
    rich = make_customer({2026: "200000"})
    first = review(rich, rec, POLICY, AS_OF)
    assert (first.action, first.notice and first.notice.causes) == (
        ReviewAction.NOTICE,
        (DowngradeCause.MANUAL,),
    )
    second = review(rich, first.record, POLICY, AS_OF + timedelta(days=1))
    assert second.action is ReviewAction.PENDING
    third = review(rich, first.record, POLICY, date(2026, 12, 23))
    assert (third.action, third.record.tier) == (ReviewAction.DOWNGRADE, "gold")


def test_override_outcomes_are_dated_and_restart_the_tier() -> None:
    """Every override outcome names the customer and the day; a move restarts the tier."""
    customer = platinum(arrears=owing("9000", date(2026, 6, 1)))
    noticed = review(customer, record(), POLICY, AS_OF).record
    assert noticed.notice is not None
    upgraded = review(
        customer,
        attrs.evolve(noticed, overrides=(override(OverrideKind.UPGRADE, "diamond"),)),
        POLICY,
        AS_OF,
    )
    assert ("C-1", AS_OF, ReviewAction.UPGRADE, "diamond", AS_OF, None) == (
        upgraded.customer_id,
        upgraded.on,
        upgraded.action,
        upgraded.record.tier,
        upgraded.record.since,
        upgraded.record.notice,
    )
    kept = review(
        customer,
        attrs.evolve(noticed, overrides=(override(OverrideKind.RETAIN, "platinum"),)),
        POLICY,
        AS_OF,
    )
    assert (AS_OF, date(2024, 1, 1)) == (kept.on, kept.record.since)
    rich = make_customer({2026: "200000"})
    rec = record("diamond", overrides=(override(OverrideKind.DOWNGRADE, "gold"),))
    first = review(rich, rec, POLICY, AS_OF)
    pending_on = AS_OF + timedelta(days=1)
    effective_on = date(2026, 12, 23)
    second = review(rich, first.record, POLICY, pending_on)
    third = review(rich, first.record, POLICY, effective_on)
    assert [AS_OF, pending_on, effective_on] == [o.on for o in (first, second, third)]
    assert ("gold", effective_on, None) == (
        third.record.tier,
        third.record.since,
        third.record.notice,
    )


def test_override_reasons_in_both_languages() -> None:
    """The reason names the kind, who decided, why and until when, in zh and en."""
    rec = record("gold", overrides=(override(OverrideKind.RETAIN, "gold"),))
    (why,) = review(make_customer(), rec, POLICY, AS_OF).reasons
    assert (
        "review.override.retain",
        "管理层保级（物业经理，长期合作，有效至 2027-01-01）",
        "override by management: Retain (物业经理, 长期合作, until 2027-01-01)",
    ) == (why.code, why.text("zh"), why.text("en"))


def test_override_to_the_current_tier_is_a_stay() -> None:
    """An upgrade override to the tier already held changes nothing."""
    rec = record("gold", overrides=(override(OverrideKind.UPGRADE, "gold"),))
    assert review(make_customer(), rec, POLICY, AS_OF).action is ReviewAction.STAY


def test_override_for_an_unknown_tier_is_refused() -> None:
    """An override naming a tier the ladder lacks is an error."""
    rec = record("gold", overrides=(override(OverrideKind.UPGRADE, "silver"),))
    with pytest.raises(InvalidValue, match="'tier' must be one of"):
        review(make_customer(), rec, POLICY, AS_OF)


def test_review_refuses_another_customers_record() -> None:
    """The record must be the customer's own."""
    with pytest.raises(InvalidValue, match="refers to an unknown customer"):
        review(make_customer(), attrs.evolve(record(), customer_id="C-2"), POLICY, AS_OF)


def test_the_refusal_of_another_customers_record_in_both_languages() -> None:
    """The refusal names the field and echoes the record's customer, in en and zh."""
    with pytest.raises(InvalidValue) as refused:
        review(make_customer(), attrs.evolve(record(), customer_id="C-2"), POLICY, AS_OF)
    assert (
        "customer_id",
        "'customer_id' refers to an unknown customer (the record is another customer's): 'C-2'",
        "'customer_id' 引用了不存在的客户（记录属于其他客户）：'C-2'",
    ) == (refused.value.field, refused.value.message_en, refused.value.message_zh)


def reasons(outcome: Any) -> list[tuple[str, str, str]]:
    """The code and the zh and en text of each reason of *outcome*."""
    return [(r.code, r.text("zh"), r.text("en")) for r in outcome.reasons]


def test_every_action_is_dated_and_explained_in_both_languages() -> None:
    """Stay, upgrade, notice, pending, downgrade and lapse carry the review day and why."""
    stay = review(platinum(), record(), POLICY, AS_OF)
    assert [("review.stay", "保持 铂金", "stays Platinum")] == reasons(stay)
    upgrade = review(platinum(), record("gold"), POLICY, AS_OF)
    assert [
        ("review.upgrade", "符合更高等级：铂金", "qualifies for the higher tier Platinum")
    ] == reasons(upgrade)
    customer = platinum(arrears=owing("9000", date(2026, 6, 1)))
    notice = review(customer, record(), POLICY, AS_OF)
    assert [
        (
            "review.arrears_days",
            "连续欠费达到期限：已连续欠费 175 天（上限 90 天）",
            "Arrears continuing too long: owed for 175 days (limit 90 days)",
        ),
        (
            "review.arrears_amount",
            "欠费达到金额：欠费 9000 CNY（上限 5000 CNY）",
            "Arrears reaching the limit: owes 9000 CNY (limit 5000 CNY)",
        ),
    ] == reasons(notice)
    later, effective = AS_OF + timedelta(days=29), AS_OF + timedelta(days=30)
    pending = review(customer, notice.record, POLICY, later)
    downgrade = review(customer, notice.record, POLICY, effective)
    paid = platinum(arrears=owing("9000", date(2026, 6, 1), settled_on=AS_OF + timedelta(days=5)))
    lapsed = review(paid, notice.record, POLICY, effective)
    assert [
        (
            "review.cured",
            "原因已消除：连续欠费达到期限、欠费达到金额",
            "cause cured: Arrears continuing too long, Arrears reaching the limit",
        )
    ] == reasons(lapsed)
    outcomes = (stay, upgrade, notice, pending, downgrade, lapsed)
    assert [AS_OF, AS_OF, AS_OF, later, effective, effective] == [o.on for o in outcomes]
    assert {"C-1"} == {o.customer_id for o in outcomes}


def test_designations_in_the_record_count() -> None:
    """A record's designation makes the review upgrade to diamond."""
    designation = Designation(tier="diamond", by="GM", on=date(2026, 1, 1), reason="r")
    outcome = review(make_customer(), record("gold", designations=(designation,)), POLICY, AS_OF)
    assert outcome.to_tier == "diamond"


def test_triggers_off_when_not_configured() -> None:
    """A policy without arrears, satisfaction or violation rules only checks qualification."""
    bare = attrs.evolve(POLICY, review=ReviewPolicy(schedule=SCHEDULE, notice_days=10))
    customer = platinum(arrears=owing("9000", date(2020, 1, 1)))
    everything = record(
        satisfaction=(SatisfactionScore(on=date(2026, 1, 1), score=Decimal(0)),),
        refusals=(CooperationRefusal(on=date(2026, 2, 1), note="n"),),
        violations=(Violation(on=date(2026, 2, 1), description="d"),),
    )
    assert triggers(customer, everything, bare, AS_OF) == ()


def test_batch_review_streams() -> None:
    """``review_portfolio`` is lazy and reviews each pair in order."""
    pairs = iter([(platinum(), record()), (make_customer({2026: "200000"}), record())])
    outcomes = review_portfolio(pairs, POLICY, AS_OF)
    assert next(outcomes).action is ReviewAction.STAY
    assert next(outcomes).action is ReviewAction.UPGRADE
    assert list(outcomes) == []


# --- records and policies --------------------------------------------------------------


def test_records_validate_their_dates() -> None:
    """Overrides expire after they start; notices take effect after they are issued."""
    with pytest.raises(InvalidValue, match="'expires_on' must be after 'on'"):
        override(OverrideKind.RETAIN, "gold", expires_on=date(2026, 1, 1))
    with pytest.raises(InvalidValue, match="'effective_on' must be after 'issued_on'"):
        DowngradeNotice(
            issued_on=AS_OF,
            effective_on=AS_OF,
            from_tier="gold",
            to_tier="regular",
            causes=(DowngradeCause.MANUAL,),
        )
    with pytest.raises(InvalidValue, match="'score' must be <= 100"):
        SatisfactionScore(on=AS_OF, score=Decimal("100.01"))


def test_review_policy_rules() -> None:
    """Schedules need their fields; satisfaction settings come in pairs; days are real."""
    with pytest.raises(InvalidValue, match="'dates' must have at least 1"):
        ReviewSchedule(kind=ScheduleKind.FIXED_DATES)
    with pytest.raises(InvalidValue, match="'months' is missing"):
        ReviewSchedule(kind=ScheduleKind.EVERY_N_MONTHS, anchor=AS_OF)
    with pytest.raises(InvalidValue, match="'anchor' is missing"):
        ReviewSchedule(kind=ScheduleKind.EVERY_N_MONTHS, months=3)
    with pytest.raises(InvalidValue, match="'low_satisfaction_below' is missing"):
        ReviewPolicy(schedule=SCHEDULE, notice_days=10, low_satisfaction_count=3)
    with pytest.raises(InvalidValue, match="'day' must be <= 30: 31"):
        MonthDay(month=4, day=31)
    assert MonthDay(month=2, day=29).day == 29
    with pytest.raises(InvalidValue, match="'notice_days' must be >= 1: 0"):
        ReviewPolicy(schedule=SCHEDULE, notice_days=0)


def test_review_policy_loads_with_paths() -> None:
    """A malformed review policy is reported with every path."""
    data = unstructure(REVIEW)
    data["notice_days"] = 0
    data["arrears_amount"] = {"amount": "0"}
    data["schedule"]["dates"] = [{"month": 2, "day": 30}]
    with pytest.raises(ValidationError) as info:
        structure(data, ReviewPolicy)
    assert info.value.report.paths == (
        "$.schedule.dates[0].day",
        "$.notice_days",
        "$.arrears_amount",
    )


def test_member_record_round_trips() -> None:
    """A full member record dumps and loads back equal."""
    rec = record(
        designations=(Designation(tier="gold", by="GM", on=AS_OF, reason="r"),),
        satisfaction=(SatisfactionScore(on=AS_OF, score=Decimal("88.5")),),
        refusals=(CooperationRefusal(on=AS_OF, note="n"),),
        violations=(Violation(on=AS_OF, description="d", harmful=False),),
        overrides=(override(OverrideKind.RETAIN, "gold"),),
        notice=DowngradeNotice(
            issued_on=AS_OF,
            effective_on=AS_OF + timedelta(days=1),
            from_tier="gold",
            to_tier="regular",
            causes=(DowngradeCause.VIOLATION,),
        ),
    )
    assert structure(unstructure(rec), MemberRecord) == rec


# --- schedules ---------------------------------------------------------------------------


def test_fixed_dates_schedule() -> None:
    """1 January and 1 July each year, inside the half-open range."""
    schedule = ReviewSchedule(
        kind=ScheduleKind.FIXED_DATES, dates=(MonthDay(month=7, day=1), MonthDay(month=1, day=1))
    )
    assert review_dates(schedule, AS_OF, date(2025, 1, 1), date(2026, 7, 1)) == [
        date(2025, 1, 1),
        date(2025, 7, 1),
        date(2026, 1, 1),
    ]


def test_29_february_fixed_date_falls_only_in_leap_years() -> None:
    """With rrule semantics, the fixed date 29 February is skipped in common years."""
    schedule = ReviewSchedule(kind=ScheduleKind.FIXED_DATES, dates=(MonthDay(month=2, day=29),))
    assert review_dates(schedule, AS_OF, date(2025, 1, 1), date(2029, 1, 1)) == [date(2028, 2, 29)]


def test_anniversary_clips_to_month_end() -> None:
    """With relativedelta semantics, the anniversary of 29 February 2024 is 28 February 2025."""
    schedule = ReviewSchedule(kind=ScheduleKind.ANNIVERSARY)
    assert review_dates(schedule, date(2024, 2, 29), date(2024, 1, 1), date(2028, 3, 1)) == [
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_every_n_months_counts_from_the_anchor_inside_a_half_open_window() -> None:
    """The anchor itself is a review day; a day equal to *start* is in, one equal to *end* out."""
    schedule = ReviewSchedule(kind=ScheduleKind.EVERY_N_MONTHS, months=3, anchor=date(2026, 1, 31))
    assert [date(2026, 1, 31), date(2026, 4, 30)] == review_dates(
        schedule, AS_OF, date(2026, 1, 31), date(2026, 7, 31)
    )


def test_every_n_months_clips_and_never_skips() -> None:
    """Every month from 31 January gives 28 February, 31 March, 30 April."""
    schedule = ReviewSchedule(kind=ScheduleKind.EVERY_N_MONTHS, months=1, anchor=date(2026, 1, 31))
    assert review_dates(schedule, AS_OF, date(2026, 2, 1), date(2026, 5, 1)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


# --- properties ---------------------------------------------------------------------------

DEBT_DAYS = st.integers(min_value=0, max_value=400)


@given(
    DEBT_DAYS,
    st.integers(min_value=1, max_value=20_000),
    st.integers(min_value=0, max_value=120),
    st.one_of(st.none(), st.integers(min_value=1, max_value=120)),
)
def test_no_downgrade_before_the_notice_period_ends(
    owed_days: int, amount: int, later: int, settle_after: int | None
) -> None:
    """A tier drops only on or after a notice's effective date; a cure before it cancels it."""
    start = AS_OF - timedelta(days=owed_days)
    settled_on = None if settle_after is None else AS_OF + timedelta(days=settle_after)
    customer = platinum(arrears=owing(str(amount), start, settled_on))
    first = review(customer, record(), POLICY, AS_OF)
    assert first.record.tier == "platinum"
    second = review(customer, first.record, POLICY, AS_OF + timedelta(days=later))
    if second.record.tier != "platinum":
        assert first.notice is not None
        assert AS_OF + timedelta(days=later) >= first.notice.effective_on
        assert settled_on is None or settled_on > AS_OF + timedelta(days=later)
    if (
        first.notice is not None
        and settled_on is not None
        and settled_on <= AS_OF + timedelta(days=later)
    ):
        assert second.action is ReviewAction.LAPSED
        assert second.record.tier == "platinum"


def test_no_upgrade_while_a_downgrade_cause_remains() -> None:
    """A regular customer qualifying for gold but owing arrears stays regular, with the reason."""
    customer = attrs.evolve(
        make_customer({2026: "60000"}), arrears=owing("9000", date(2026, 1, 1))
    )
    outcome = review(customer, record("regular"), POLICY, AS_OF)
    assert (outcome.action, outcome.record.tier) == (ReviewAction.STAY, "regular")
    assert "Arrears continuing too long" in outcome.explain("en")


# --- edges of the triggers and the schedule --------------------------------------------


def test_a_one_day_arrears_limit_counts_whole_days_owed() -> None:
    """With a limit of 1 day: no debt or a debt due today is no trigger; one due yesterday is."""
    one_day = attrs.evolve(
        POLICY, review=ReviewPolicy(schedule=SCHEDULE, notice_days=30, arrears_days=1)
    )
    assert triggers(platinum(), record(), one_day, AS_OF) == ()
    assert triggers(platinum(arrears=owing("100", AS_OF)), record(), one_day, AS_OF) == ()
    yesterday = platinum(arrears=owing("100", AS_OF - timedelta(days=1)))
    assert [
        (
            DowngradeCause.ARREARS_DAYS,
            "连续欠费达到期限：已连续欠费 1 天（上限 1 天）",
            "Arrears continuing too long: owed for 1 days (limit 1 days)",
        )
    ] == [
        (c, r.text("zh"), r.text("en")) for c, r in triggers(yesterday, record(), one_day, AS_OF)
    ]


def test_low_satisfaction_is_explained_in_both_languages() -> None:
    """The reason lists the scores, the bar and the day of the refusal, in zh and en."""
    scores = tuple(
        SatisfactionScore(on=date(2026, m, 1), score=Decimal(s))
        for m, s in ((3, "40"), (6, "55"), (9, "59.99"))
    )
    refused = record(satisfaction=scores, refusals=(CooperationRefusal(on=AS_OF, note="n"),))
    assert [
        (
            DowngradeCause.LOW_SATISFACTION,
            "review.low_satisfaction",
            "长期满意度低且拒绝配合改进：最近评分 40, 55, 59.99 均低于 60，"
            "且于 2026-11-23 拒绝配合改进",
            "Sustained low satisfaction with refusal to cooperate: last scores 40, 55, 59.99 "
            "all below 60, and refused to cooperate on 2026-11-23",
        )
    ] == causes_and_reasons(refused)


def test_a_violation_after_the_review_day_or_a_harmless_one_does_not_trigger() -> None:
    """Only harmful violations up to the review day count."""
    later = Violation(on=AS_OF + timedelta(days=1), description="d")
    harmless = Violation(on=AS_OF, description="d", harmful=False)
    assert [] == causes_and_reasons(record(violations=(later, harmless)))


def test_triggers_read_the_record_s_designations() -> None:
    """A diamond designated by management still qualifies: no downgrade trigger."""
    designation = Designation(tier="diamond", by="GM", on=date(2026, 1, 1), reason="r")
    designated = record("diamond", designations=(designation,))
    assert triggers(make_customer(), designated, POLICY, AS_OF) == ()
    assert [DowngradeCause.NOT_QUALIFIED] == [
        c for c, _ in triggers(make_customer(), record("diamond"), POLICY, AS_OF)
    ]


def test_the_base_tier_stays_with_its_causes_on_the_review_day() -> None:
    """At the base tier a cause keeps the member there, dated and explained."""
    customer = attrs.evolve(make_customer(), arrears=owing("100", date(2026, 1, 1)))
    outcome = review(customer, record("regular"), POLICY, AS_OF)
    assert (ReviewAction.STAY, AS_OF, "C-1", "regular") == (
        outcome.action,
        outcome.on,
        outcome.customer_id,
        outcome.to_tier,
    )
    assert [
        (
            "review.arrears_days",
            "连续欠费达到期限：已连续欠费 326 天（上限 90 天）",
            "Arrears continuing too long: owed for 326 days (limit 90 days)",
        )
    ] == reasons(outcome)


def test_fixed_dates_on_both_ends_of_the_window() -> None:
    """A fixed date on *start* or on the day before *end* is in; one on *end* is out."""
    schedule = ReviewSchedule(
        kind=ScheduleKind.FIXED_DATES,
        dates=(MonthDay(month=1, day=1), MonthDay(month=12, day=31)),
    )
    assert [date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31)] == review_dates(
        schedule, AS_OF, date(2025, 12, 31), date(2027, 1, 1)
    )
    assert [] == review_dates(schedule, AS_OF, date(2026, 1, 2), date(2026, 12, 31))
