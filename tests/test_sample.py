"""Tests for the embedded sample data (``pmcrm.sample``) and its generator script."""

import importlib.resources
import importlib.util
import json
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import cast

import attrs
import pytest

from pmcrm.benefits import (
    Discount,
    DiscountTarget,
    QuotaLedger,
    TierSpell,
    balance,
    entitlements,
    redeem,
    reverse,
)
from pmcrm.calendars import BusinessCalendar
from pmcrm.care import Touchpoint
from pmcrm.complaints import (
    ClockStatus,
    ComplaintType,
    EmergencyClass,
    Metric,
    PauseReason,
    RepeatKey,
    RepeatPolicy,
    Severity,
    Status,
    TimeBasis,
    complaint_clocks,
    default_policy,
    facts,
    find_repeats,
    rectifications,
    replay,
    select_rule,
)
from pmcrm.customers import CustomerKind, PartyType, PropertyType
from pmcrm.errors import ValidationError
from pmcrm.sample import (
    BENEFITS_FILE,
    CALENDAR_FILE,
    COMPLAINTS_FILE,
    CONFIG_FILE,
    PORTFOLIO_FILE,
    SURVEY_FILE,
    TIERS_FILE,
    SampleBenefits,
    SampleComplaints,
    SampleConfig,
    SampleSurvey,
    SampleTiers,
    sample_benefits,
    sample_calendar,
    sample_complaints,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_survey,
    sample_tier_policy,
    sample_tiers,
)
from pmcrm.segmentation import ValueScorePolicy
from pmcrm.serialization import structure, unstructure
from pmcrm.surveys import Dimension, ItemRole, Response, Scale, check_response, score_survey
from pmcrm.surveys.breakdowns import PeriodUnit, period_key
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, IpaResult, Quadrant, ipa
from pmcrm.tiers import (
    AnyOf,
    DowngradeCause,
    DowngradeStep,
    ReviewAction,
    ReviewOutcome,
    ScheduleKind,
    TierPolicy,
    evaluate,
    review_portfolio,
)
from pmcrm.values import Rate, id_card_is_valid

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_sample.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """The ``scripts/make_sample.py`` module, imported from its path."""
    spec = importlib.util.spec_from_file_location("make_sample", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shipped(name: str) -> str:
    return importlib.resources.files("pmcrm").joinpath(name).read_text("utf-8")


def test_committed_portfolio_is_what_the_generator_writes(generator: ModuleType) -> None:
    """The shipped portfolio file is byte for byte what ``build_portfolio()`` renders."""
    assert _shipped(PORTFOLIO_FILE) == generator.render_portfolio(generator.build_portfolio())


def test_committed_config_is_what_the_generator_writes(generator: ModuleType) -> None:
    """The shipped config file is byte for byte what ``build_config()`` renders."""
    assert _shipped(CONFIG_FILE) == generator.render_config(generator.build_config())


def test_generator_is_deterministic(generator: ModuleType) -> None:
    """Two runs of the generator build the same portfolio (no clock, a seeded RNG)."""
    assert generator.build_portfolio() == generator.build_portfolio()


def test_generator_check_mode_passes_on_the_committed_files(generator: ModuleType) -> None:
    """``make_sample.py --check`` exits 0 when the committed files are current."""
    assert generator.main(["--check"]) == 0


def test_generator_id_check_character_matches_the_standard(generator: ModuleType) -> None:
    """The script's GB 11643 check character agrees with the published example."""
    assert generator.id_check_character("11010519491231002") == "X"


def test_portfolio_loads_through_the_strict_converter() -> None:
    """The shipped JSON loads strictly and dumps back to the same data."""
    customers = sample_portfolio()
    assert 180 <= len(customers) <= 220
    assert [unstructure(c) for c in customers] == json.loads(_shipped(PORTFOLIO_FILE))


def test_loaders_are_cached() -> None:
    """Both loaders return the very same objects on every call."""
    assert sample_portfolio() is sample_portfolio()
    assert sample_config() is sample_config()
    assert sample_tiers() is sample_tiers()


def test_customer_ids_are_unique_and_ordered() -> None:
    """Every customer id is unique, ``C0001`` upwards in registration order."""
    customers = sample_portfolio()
    ids = [c.customer_id for c in customers]
    assert ids == [f"C{n:04d}" for n in range(1, len(customers) + 1)]
    registered = [c.registered_at for c in customers]
    assert registered == sorted(registered)


def test_portfolio_covers_every_property_type_residential_first() -> None:
    """All four property types occur; residential is the majority, then commercial."""
    counts = Counter(t for c in sample_portfolio() for t in c.property_types)
    assert set(counts) == set(PropertyType)
    ranked = [t for t, _ in counts.most_common()]
    assert ranked[:2] == [PropertyType.RESIDENTIAL, PropertyType.COMMERCIAL]
    assert counts[PropertyType.RESIDENTIAL] > len(sample_portfolio()) // 2


def test_portfolio_covers_every_customer_kind() -> None:
    """Owners, tenants, merchants, developers, visitors and staff all occur."""
    kinds = {k for c in sample_portfolio() for k in c.kinds}
    assert kinds == set(CustomerKind)


def test_portfolio_has_chinese_and_latin_names_and_organisations() -> None:
    """Names are written in Chinese and in Latin script; some customers are organisations."""
    names = [c.name.reveal() for c in sample_portfolio()]
    chinese = [n for n in names if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", n)]
    latin_people = [n for n in names if re.fullmatch(r"[A-Z][a-zü]+ [A-Z][a-z]+", n)]
    assert len(chinese) > 100
    assert len(latin_people) >= 5
    assert any(c.party is PartyType.ORGANISATION for c in sample_portfolio())


def test_portfolio_has_multi_role_customers_over_several_units() -> None:
    """Some customers hold roles of different kinds over different units."""
    multi = [
        c
        for c in sample_portfolio()
        if len(c.kinds) > 1 and len({r.unit_code for r in c.roles if r.unit_code}) > 1
    ]
    assert len(multi) >= 5


def test_personal_data_is_fake_by_construction() -> None:
    """Mobiles are ``1xx0000xxxx``; the few ID numbers are valid and use region 990101."""
    customers = sample_portfolio()
    mobiles = [c.contact.mobile.reveal() for c in customers if c.contact.mobile is not None]
    assert len(mobiles) == len(customers)
    assert len(set(mobiles)) == len(mobiles)
    assert all(re.fullmatch(r"1[3-9][0-9]0000[0-9]{4}", m) for m in mobiles)
    ids = [c.id_number.reveal() for c in customers if c.id_number is not None]
    assert 3 <= len(ids) <= 20
    assert all(n.startswith("990101") and id_card_is_valid(n) for n in ids)


def test_fees_are_realistic_yearly_amounts() -> None:
    """Fee-paying customers have up to six fee years, mostly three or more, in CNY."""
    payers = [c for c in sample_portfolio() if c.fees]
    assert all(len(c.fees) <= 6 for c in payers)
    assert sum(len(c.fees) >= 3 for c in payers) > 0.8 * len(payers)
    assert {f.amount.currency for c in payers for f in c.fees} == {"CNY"}
    assert any(
        [f.year for f in c.fees] != list(range(c.fees[0].year, c.fees[-1].year + 1))
        for c in payers
    ), "some customers have a gap in their fee years"


def test_arrears_for_about_a_tenth_some_settled() -> None:
    """About one customer in ten has arrears; some are settled, some still owed."""
    customers = sample_portfolio()
    as_of = sample_config().as_of
    with_arrears = [c for c in customers if c.arrears]
    assert 0.05 * len(customers) <= len(with_arrears) <= 0.15 * len(customers)
    settled = [a for c in with_arrears for a in c.arrears if a.settled_on is not None]
    owed = [c for c in with_arrears if c.arrears_on(as_of).amount > 0]
    assert settled
    assert owed


def test_activity_records_are_present_and_dated_no_later_than_the_reference() -> None:
    """Purchases, referrals, participations and contributions occur, none after ``as_of``."""
    customers = sample_portfolio()
    as_of = sample_config().as_of
    purchases = [p for c in customers for p in c.purchases]
    assert {p.need.value for p in purchases} == {"basic", "value_added", "special"}
    assert all(p.amount.amount == 0 for p in purchases if p.need.value == "basic")
    assert all(p.amount.amount > 0 for p in purchases if p.need.value != "basic")
    days = [
        *(p.on for p in purchases),
        *(r.on for c in customers for r in c.referrals),
        *(p.on for c in customers for p in c.participations),
        *(x.on for c in customers for x in c.contributions),
    ]
    assert max(days) <= as_of
    ids = {c.customer_id for c in customers}
    referred = [r.referred_customer_id for c in customers for r in c.referrals]
    assert referred
    assert set(referred) <= ids


def test_registration_times_are_in_china_standard_time() -> None:
    """Every ``registered_at`` carries the +08:00 offset."""
    offsets = {c.registered_at.isoformat()[-6:] for c in sample_portfolio()}
    assert offsets == {"+08:00"}


def test_config_loads_with_the_reference_date() -> None:
    """The sample config holds a policy, four rules and the reference date 2026-11-23."""
    config = sample_config()
    assert isinstance(config.policy, ValueScorePolicy)
    assert config.as_of.isoformat() == "2026-11-23"
    assert len(config.segments) == 4
    assert structure(unstructure(config), SampleConfig) == config


def test_config_refuses_an_empty_segment_list() -> None:
    """A sample config must list at least one rule-based segment."""
    data = unstructure(sample_config())
    with pytest.raises(ValidationError) as info:
        structure({**data, "segments": []}, SampleConfig)
    assert info.value.report.paths == ("$.segments",)


# --- the VIP programme and member records ---------------------------------------------------


def _review() -> list[ReviewOutcome]:
    """Every sample customer reviewed on the sample's day."""
    pairs = zip(sample_portfolio(), sample_members(), strict=True)
    return list(review_portfolio(pairs, sample_tier_policy(), sample_config().as_of))


def test_committed_tiers_are_what_the_generator_writes(generator: ModuleType) -> None:
    """The shipped programme and member records are byte for byte what the generator renders."""
    assert _shipped(TIERS_FILE) == generator.render_tiers(generator.build_tiers())


def test_tier_generator_is_deterministic(generator: ModuleType) -> None:
    """Two runs build the same programme and member records."""
    assert generator.build_tiers() == generator.build_tiers()


def test_tiers_load_through_the_strict_converter_and_are_cached() -> None:
    """The shipped file loads strictly, dumps back to the same data, and is loaded once."""
    assert unstructure(sample_tiers()) == json.loads(_shipped(TIERS_FILE))
    assert sample_tier_policy() is sample_tier_policy() is sample_tiers().policy
    assert sample_members() is sample_members() is sample_tiers().members


def test_tier_policy_round_trips(generator: ModuleType) -> None:
    """The programme dumps and loads back equal, and is the generator's value."""
    policy = sample_tier_policy()
    assert isinstance(policy, TierPolicy)
    assert structure(unstructure(policy), TierPolicy) == policy
    assert policy == generator.sample_tier_policy_value()


def test_tier_policy_is_the_default_ladder_with_any_of_conditions() -> None:
    """Diamond 钻石 > platinum 铂金 > gold 黄金 > regular 普通客户, each any of three rules."""
    ladder = sample_tier_policy().ladder
    assert ladder.names == ("diamond", "platinum", "gold", "regular")
    labels = [ladder.label(name) for name in ladder.names]
    assert [(label.zh, label.en) for label in labels] == [
        ("钻石", "Diamond"),
        ("铂金", "Platinum"),
        ("黄金", "Gold"),
        ("普通客户", "Regular"),
    ]
    kinds = [[type(c).__name__ for c in cast(AnyOf, t.condition).conditions] for t in ladder.tiers]
    assert kinds == [
        ["AnnualFeeAtLeast", "ConsecutiveYears", "Designated"],
        ["AnnualFeeAtLeast", "ConsecutiveYears", "ParticipationAtLeast"],
        ["AnnualFeeAtLeast", "YearsOfPurchase", "ReferralsAtLeast"],
    ]


def test_review_policy_follows_the_house_rules() -> None:
    """Reviews on 1 January and 1 July, 30 days' notice, one step down, every trigger on."""
    review = sample_tier_policy().review
    assert review.schedule.kind is ScheduleKind.FIXED_DATES
    assert [(d.month, d.day) for d in review.schedule.dates] == [(1, 1), (7, 1)]
    assert (review.notice_days, review.downgrade_to) == (30, DowngradeStep.ONE_STEP)
    assert review.arrears_days == 90
    assert review.arrears_amount is not None
    assert (review.low_satisfaction_count, review.low_satisfaction_below) == (3, Decimal(60))
    assert review.violation_window_months == 12


def test_every_customer_has_one_member_record_in_portfolio_order() -> None:
    """One record per customer, same order, so ``zip(customers, members)`` pairs them."""
    ids = [c.customer_id for c in sample_portfolio()]
    assert [m.customer_id for m in sample_members()] == ids


def test_tier_distribution_is_plausible() -> None:
    """A handful of diamonds, more platinum, more gold, most customers regular."""
    policy, as_of = sample_tier_policy(), sample_config().as_of
    held = Counter(m.tier for m in sample_members())
    qualifying = Counter(
        evaluate(c, policy.ladder, as_of, m.designations).tier
        for c, m in zip(sample_portfolio(), sample_members(), strict=True)
    )
    for counts in (held, qualifying):
        assert 3 <= counts["diamond"] <= 12
        assert counts["diamond"] < counts["platinum"] < counts["gold"] < counts["regular"]
        assert counts["regular"] > len(sample_portfolio()) // 2


def test_the_sample_review_shows_every_action() -> None:
    """Stay, upgrade, notice, pending, downgrade and lapsed all occur; about 10 % upgrade."""
    actions = Counter(o.action for o in _review())
    assert set(actions) == set(ReviewAction)
    assert actions[ReviewAction.STAY] > len(sample_portfolio()) // 2
    assert 0.05 * len(sample_portfolio()) <= actions[ReviewAction.UPGRADE]
    assert actions[ReviewAction.UPGRADE] <= 0.15 * len(sample_portfolio())


def test_notices_are_issued_for_every_cause() -> None:
    """Arrears (days and amount), low satisfaction, a violation and lost qualification."""
    causes = {
        cause
        for o in _review()
        if o.action is ReviewAction.NOTICE and o.notice is not None
        for cause in o.notice.causes
    }
    assert causes == set(DowngradeCause) - {DowngradeCause.MANUAL}


def test_arrears_notices_are_for_arrears_in_the_portfolio() -> None:
    """Every arrears cause is a debt the sample customer really owes on the sample's day."""
    as_of = sample_config().as_of
    customers = {c.customer_id: c for c in sample_portfolio()}
    arrears = {DowngradeCause.ARREARS_DAYS, DowngradeCause.ARREARS_AMOUNT}
    owing = [
        o.customer_id for o in _review() if o.notice is not None and arrears & set(o.notice.causes)
    ]
    assert owing
    assert all(customers[i].arrears_on(as_of).amount > 0 for i in owing)


def test_pending_notices_were_issued_before_the_sample_day() -> None:
    """Notices in the records predate the sample's day; one took effect, one lapsed, one waits."""
    as_of = sample_config().as_of
    notices = {m.customer_id: m.notice for m in sample_members() if m.notice is not None}
    assert all(n.issued_on < as_of for n in notices.values())
    by_action = {o.action: o for o in _review() if o.customer_id in notices}
    assert set(by_action) == {ReviewAction.DOWNGRADE, ReviewAction.LAPSED, ReviewAction.PENDING}
    effective = {a: notices[o.customer_id].effective_on for a, o in by_action.items()}
    assert effective[ReviewAction.DOWNGRADE] < as_of < effective[ReviewAction.PENDING]


def test_designations_and_overrides_by_management() -> None:
    """Two designations in force and one expired; one retain and one upgrade override."""
    as_of = sample_config().as_of
    designations = [d for m in sample_members() for d in m.designations]
    assert sum(d.active_on(as_of) for d in designations) == 2
    assert sum(not d.active_on(as_of) for d in designations) == 1
    overrides = [o for m in sample_members() for o in m.overrides]
    assert sorted(o.kind.value for o in overrides) == ["retain", "upgrade"]
    assert all(o.active_on(as_of) for o in overrides)


def test_satisfaction_scores_are_on_0_to_100_and_not_after_the_sample_day() -> None:
    """Scores lie on 0–100; every recorded event is dated no later than the sample's day."""
    as_of = sample_config().as_of
    members = sample_members()
    scores = [s for m in members for s in m.satisfaction]
    assert len(scores) > len(members)
    assert all(0 <= s.score <= 100 and s.on <= as_of for s in scores)
    events = [
        *(m.since for m in members),
        *(r.on for m in members for r in m.refusals),
        *(v.on for m in members for v in m.violations),
    ]
    assert max(events) <= as_of


def test_sample_tiers_refuse_two_records_for_one_customer() -> None:
    """A customer has at most one member record."""
    data = unstructure(sample_tiers())
    twice = {**data, "members": [data["members"][0], data["members"][0]]}
    with pytest.raises(ValidationError):
        structure(twice, SampleTiers)


# --- benefits, care and the ledger ----------------------------------------------------------


def test_committed_benefits_are_what_the_generator_writes(generator: ModuleType) -> None:
    """The shipped benefits file is byte for byte what ``build_benefits()`` renders."""
    assert _shipped(BENEFITS_FILE) == generator.render_benefits(generator.build_benefits())


def test_benefits_load_through_the_strict_converter_and_are_cached() -> None:
    """``sample_benefits()`` loads strictly, round-trips and returns the same object."""
    benefits = sample_benefits()
    assert sample_benefits() is benefits
    assert structure(unstructure(benefits), SampleBenefits) == benefits
    assert structure(json.loads(_shipped(BENEFITS_FILE)), SampleBenefits) == benefits


def test_catalogue_covers_the_vip_tiers_with_ordered_discounts() -> None:
    """Diamond 8 %, platinum 5 %, gold 3 % off the fee; each discount no lower up the ladder."""
    benefits = sample_benefits()
    ladder = sample_tier_policy().ladder
    assert [t.tier for t in benefits.catalogue.tiers] == list(ladder.names[:-1])
    rates: dict[str, dict[tuple[DiscountTarget, str | None], Rate]] = {}
    for entry in benefits.catalogue.tiers:
        rates[entry.tier] = {
            (g.benefit.target, g.benefit.category): g.benefit.rate
            for g in entry.grants
            if isinstance(g.benefit, Discount)
        }
    fee = (DiscountTarget.PROPERTY_FEE, None)
    assert [str(rates[t][fee]) for t in ("diamond", "platinum", "gold")] == ["8%", "5%", "3%"]
    for higher, lower in (("diamond", "platinum"), ("platinum", "gold")):
        for scope, rate in rates[lower].items():
            assert rates[higher][scope].value >= rate.value
    kinds = Counter(
        type(g.benefit).__name__ for entry in benefits.catalogue.tiers for g in entry.grants
    )
    assert set(kinds) == {"AccessRight", "Discount", "ComplimentaryService", "Greeting"}
    assert benefits.catalogue.grace_days == 30


def test_festival_calendar_holds_the_lunar_dates_for_2025_to_2027() -> None:
    """春节, 端午 and 中秋 on the published dates; the calendar covers 2025-2027 only."""
    festivals = sample_benefits().festivals
    assert (festivals.first_year, festivals.last_year) == (2025, 2027)
    days = {(f.key, f.on.year): f.on.isoformat() for f in festivals.festivals}
    expected = {
        "spring_festival": ("2025-01-29", "2026-02-17", "2027-02-06"),
        "mid_autumn": ("2025-10-06", "2026-09-25", "2027-09-15"),
        "dragon_boat": ("2025-05-31", "2026-06-19", "2027-06-09"),
    }
    for key, dates in expected.items():
        assert tuple(days[key, year] for year in (2025, 2026, 2027)) == dates


def test_care_policy_follows_the_contact_cadence() -> None:
    """A monthly call or visit and a quarterly questionnaire for every VIP tier, and greetings."""
    policy = sample_benefits().care
    vips = set(sample_tier_policy().ladder.names[:-1])
    assert {(c.kind, c.months) for c in policy.cadences} == {
        (Touchpoint.MANAGER_CONTACT, 1),
        (Touchpoint.QUESTIONNAIRE, 3),
    }
    assert {g.kind for g in policy.greetings} == {Touchpoint.BIRTHDAY, Touchpoint.FESTIVAL}
    assert all(set(c.tiers) == vips for c in policy.cadences)
    assert all(set(g.tiers) == vips for g in policy.greetings)


def test_contacts_are_vips_and_not_after_the_sample_day() -> None:
    """Every VIP has a last call or visit on record; no contact is dated after the sample day."""
    contacts = sample_benefits().contacts
    as_of = sample_config().as_of
    vips = {m.customer_id for m in sample_members() if m.tier != "regular"}
    called = {c.customer_id for c in contacts if c.kind is Touchpoint.MANAGER_CONTACT}
    assert called == vips
    assert {c.customer_id for c in contacts} == vips
    assert all(c.on <= as_of for c in contacts)
    assert [c.customer_id for c in contacts] == sorted(c.customer_id for c in contacts)


def test_ledger_replays_through_redeem_and_reverse() -> None:
    """Every redemption in the ledger was allowed when made; the reversal returned its unit."""
    benefits = sample_benefits()
    members = {m.customer_id: m for m in sample_members()}
    replayed = QuotaLedger()
    for redemption in benefits.ledger.redemptions:
        member = members[redemption.customer_id]
        spells = (TierSpell(tier=member.tier, since=member.since),)
        held = entitlements(member.customer_id, spells, benefits.catalogue, redemption.on)
        replayed = redeem(
            replayed,
            member.customer_id,
            redemption.benefit,
            redemption.on,
            held,
            ref=redemption.ref,
        )
    for reversal in benefits.ledger.reversals:
        (redemption,) = [r for r in replayed.redemptions if r.ref == reversal.ref]
        replayed = reverse(replayed, redemption.customer_id, reversal.ref, reversal.on)
    assert replayed == benefits.ledger
    vip = members["C0014"]
    held = entitlements(
        "C0014",
        (TierSpell(tier=vip.tier, since=vip.since),),
        benefits.catalogue,
        date(2026, 11, 23),
    )
    left = balance(benefits.ledger, "C0014", "diamond_plant_care", date(2026, 11, 23), held)
    assert (left.used, left.remaining) == (7, 5)


def test_sample_bill_is_a_property_fee_and_value_added_services() -> None:
    """The sample bill: the property fee first, then value-added services, in CNY."""
    bill = sample_benefits().bill
    assert [line.category for line in bill.lines] == ["property_fee", "housekeeping", "car_wash"]
    assert bill.currency == "CNY"


# --- complaints and the business calendar ---------------------------------------------------

#: When the demo reads the sample's SLA clocks: 17:00 China Standard Time on the reference date.
BOARD_AT = datetime(2026, 11, 23, 17, 0, tzinfo=timezone(timedelta(hours=8)))


def test_committed_complaints_are_what_the_generator_writes(generator: ModuleType) -> None:
    """The shipped complaints file is byte for byte what ``build_complaints()`` renders."""
    assert _shipped(COMPLAINTS_FILE) == generator.render_complaints(generator.build_complaints())


def test_complaint_generator_is_deterministic(generator: ModuleType) -> None:
    """Two runs build the same complaints (a seeded stream of their own, no clock)."""
    assert generator.build_complaints() == generator.build_complaints()


def test_complaints_load_through_the_strict_converter_and_are_cached() -> None:
    """``sample_complaints()`` loads strictly, round-trips and returns the same object."""
    complaints = sample_complaints()
    assert sample_complaints() is complaints
    assert structure(unstructure(complaints), SampleComplaints) == complaints
    assert unstructure(complaints) == json.loads(_shipped(COMPLAINTS_FILE))


def test_calendar_loads_through_the_strict_converter_and_is_cached() -> None:
    """The shipped statutory calendar covers 2025-2026 with the National Day holiday and 调休."""
    calendar = sample_calendar()
    assert sample_calendar() is calendar
    assert calendar == structure(json.loads(_shipped(CALENDAR_FILE)), BusinessCalendar)
    assert (calendar.first_day, calendar.last_day) == (date(2025, 1, 1), date(2026, 12, 31))
    national_day = [date(2026, 10, d) for d in range(1, 8)]
    assert set(national_day) <= set(calendar.holidays)
    assert {date(2026, 9, 20), date(2026, 10, 10)} <= set(calendar.workdays)


def test_every_sample_complaint_replays_in_order_of_registration() -> None:
    """Each complaint's events replay; ids run ``TS-2026-0001`` upwards by registration."""
    complaints = sample_complaints()
    states = complaints.states
    ids = [s.complaint_id for s in states]
    assert ids == [f"TS-2026-{n:04d}" for n in range(1, len(states) + 1)]
    assert 40 <= len(states) <= 60
    assert [e for s in states for e in s.events] == list(complaints.events)
    for state in states:
        assert replay(state.events) == state
    registered = [s.registration.at for s in states]
    assert registered == sorted(registered)


def test_complaints_are_by_sample_customers_about_their_units() -> None:
    """Complainants are sample customers, registered earlier, complaining about their own unit.

    Contact details are the customers' own masked-PII values (persons only).
    """
    customers = {c.customer_id: c for c in sample_portfolio()}
    for state in sample_complaints().states:
        reg = state.registration
        customer = customers[reg.customer_id]
        assert reg.at > customer.registered_at
        if reg.unit is None:
            assert customer.kinds == (CustomerKind.VISITOR,)
        else:
            assert reg.unit in {u.code for u in customer.units}
        if customer.party is PartyType.PERSON:
            assert (reg.contact_name, reg.contact_mobile) == (
                customer.name,
                customer.contact.mobile,
            )
        else:
            assert (reg.contact_name, reg.contact_mobile) == (None, None)


def test_complaint_events_run_from_september_to_the_reference_afternoon() -> None:
    """Every event is in China Standard Time, from early September to 2026-11-23 16:30."""
    events = sample_complaints().events
    assert {e.at.utcoffset() for e in events} == {timedelta(hours=8)}
    assert min(e.at for e in events).date() == date(2026, 9, 2)
    assert max(e.at for e in events) <= BOARD_AT - timedelta(minutes=30)
    assert sample_config().as_of == BOARD_AT.date()


def test_the_sla_policy_is_the_default_plus_house_rules() -> None:
    """The default rules, then house rules: 2 h first response for disasters and public order."""
    policy = sample_complaints().policy
    default = default_policy()
    assert policy.rules[: len(default.rules)] == default.rules
    added = policy.rules[len(default.rules) :]
    assert {(r.metric, r.emergency, r.target) for r in added if r.emergency} == {
        (Metric.FIRST_RESPONSE, EmergencyClass.NATURAL_DISASTER, timedelta(hours=2)),
        (Metric.INVESTIGATION, EmergencyClass.NATURAL_DISASTER, timedelta(hours=48)),
        (Metric.FIRST_RESPONSE, EmergencyClass.PUBLIC_ORDER, timedelta(hours=2)),
    }
    special = select_rule(policy, Metric.RESOLUTION, ComplaintType.SPECIAL, Severity.MEDIUM, None)
    assert special is not None
    assert special.rule.basis is TimeBasis.BUSINESS
    assert sample_complaints().repeat_policy == RepeatPolicy(
        window=timedelta(days=60), rectification_threshold=3
    )


def test_the_complaint_mix_follows_the_domain_shares() -> None:
    """About 67 % routine, 23 % urgent (emergency classes), 10 % repeats, and a few special."""
    found = [facts(s) for s in sample_complaints().states]
    types = Counter(f.complaint_type for f in found)
    total = len(found)
    assert 0.6 <= types[ComplaintType.ROUTINE] / total <= 0.72
    assert 0.18 <= types[ComplaintType.URGENT] / total <= 0.28
    assert types[ComplaintType.REPEAT] == 5
    assert types[ComplaintType.SPECIAL] >= 1
    urgent = [f for f in found if f.complaint_type is ComplaintType.URGENT]
    assert all(f.emergency is not None for f in urgent)
    assert {f.emergency for f in urgent} == set(EmergencyClass) - {
        EmergencyClass.CUSTOMER_COMPLAINT
    }
    assert len({f.category for f in found}) >= 9
    assert len({f.registered_at.date() for f in found}) > 40


def test_the_sample_shows_the_whole_process() -> None:
    """Transfers, escalations, pauses (over a weekend and National Day) and reopenings."""
    found = [facts(s) for s in sample_complaints().states]
    assert sum(len(f.handovers) for f in found) == 2
    assert sum(f.escalations for f in found) >= 2
    reopened = [f for f in found if f.reopenings]
    assert len(reopened) == 2
    pauses = [p for f in found for p in f.pauses]
    assert {p.reason for p in pauses} == set(PauseReason)
    spans = [(p.start.date(), p.end.date()) for p in pauses if p.end is not None]
    assert any(a.isoweekday() == 5 and b.isoweekday() == 1 for a, b in spans), "a weekend"
    assert any(a < date(2026, 10, 1) and b > date(2026, 10, 7) for a, b in spans), "National Day"
    archived = [f for f in found if f.status is Status.ARCHIVED]
    assert len(archived) > len(found) // 2
    assert all(f.verdict is not None for f in archived)


def test_on_the_reference_afternoon_the_board_has_every_case() -> None:
    """At 17:00 on 2026-11-23: 8-12 open, running, paused, breached and warning clocks."""
    complaints, calendar = sample_complaints(), sample_calendar()
    clocks = {
        s.complaint_id: complaint_clocks(s, complaints.policy, BOARD_AT, calendar=calendar)
        for s in complaints.states
    }
    found = {s.complaint_id: facts(s) for s in complaints.states}
    open_ids = [cid for cid, f in found.items() if f.is_open]
    assert 8 <= len(open_ids) <= 12
    statuses = Counter(c.status for cid in open_ids for c in clocks[cid].clocks if c.stop is None)
    assert {ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.BREACHED} <= set(statuses)
    warnings = {c.warning for cid in open_ids for c in clocks[cid].clocks}
    assert {Decimal("0.5"), Decimal("0.8")} <= warnings
    assert any(found[cid].status is Status.PAUSED for cid in open_ids)
    assert any(found[cid].reopenings for cid in open_ids), "one reopened complaint is open"
    breached = {c.metric for cc in clocks.values() for c in cc.breached}
    assert breached == set(Metric), "every metric has been breached at least once"


def test_repeats_and_a_special_rectification() -> None:
    """Five repeats of the same customer and category; one customer three times in 60 days."""
    complaints = sample_complaints()
    found = [facts(s) for s in complaints.states]
    repeats = [r for r in find_repeats(found, complaints.repeat_policy) if r.is_repeat]
    assert len(repeats) == 5
    by_id = {f.complaint_id: f for f in found}
    assert all(by_id[r.complaint_id].complaint_type is ComplaintType.REPEAT for r in repeats)
    groups = rectifications(found, complaints.repeat_policy)
    assert [(g.key, g.count, g.category) for g in groups] == [
        (RepeatKey.CUSTOMER, 3, "cleaning"),
        (RepeatKey.UNIT, 3, "cleaning"),
    ]
    assert groups[0].last_registered_at - groups[0].first_registered_at < timedelta(days=60)


def test_sample_complaints_states_follow_the_events() -> None:
    """``states`` replays the events it holds, grouped by complaint in order of appearance."""
    complaints = sample_complaints()
    first, second = complaints.states[:2]
    swapped = attrs.evolve(complaints, events=second.events + first.events)
    assert [s.complaint_id for s in swapped.states] == [second.complaint_id, first.complaint_id]
    assert swapped.states == (second, first)


# --- the satisfaction survey ------------------------------------------------------------


def _waves() -> dict[str, list[Response]]:
    """The sample survey's responses by quarter answered."""
    waves: dict[str, list[Response]] = {}
    for response in sample_survey().responses:
        waves.setdefault(period_key(response.on, PeriodUnit.QUARTER), []).append(response)
    return waves


def _quadrants(responses: list[Response]) -> IpaResult:
    """The quadrant chart the demo draws: stated importance, mean crosshairs."""
    instrument = sample_survey().instrument
    return ipa(
        instrument,
        score_survey(instrument, responses),
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )


def test_committed_survey_is_what_the_generator_writes(generator: ModuleType) -> None:
    """The shipped survey file is byte for byte what ``build_survey()`` renders."""
    assert _shipped(SURVEY_FILE) == generator.render_survey(generator.build_survey())


def test_survey_generator_is_deterministic(generator: ModuleType) -> None:
    """Two runs build the same survey (a seeded stream of its own, no clock)."""
    assert generator.build_survey() == generator.build_survey()


def test_survey_file_has_one_response_per_line() -> None:
    """The questionnaire is indented; each response is one line (readable diffs)."""
    lines = _shipped(SURVEY_FILE).splitlines()
    start = lines.index('  "responses": [')
    responses = lines[start + 1 : -2]
    assert len(responses) == len(sample_survey().responses)
    assert all(line.startswith('    {"respondent_id": ') for line in responses)
    assert lines[-2:] == ["  ]", "}"]


def test_check_mode_names_a_stale_survey_file_only(
    generator: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--check`` exits 1 naming the survey file when it differs, and writes nothing."""
    monkeypatch.setattr(generator, "render_survey", lambda data: "{}\n")
    assert generator.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "src/pmcrm/data/sample_survey.json: differs",
        "run: python scripts/make_sample.py",
    ]
    assert _shipped(SURVEY_FILE) != "{}\n"


def test_survey_loads_through_the_strict_converter_and_is_cached() -> None:
    """``sample_survey()`` loads strictly, round-trips and returns the same object."""
    survey = sample_survey()
    assert sample_survey() is survey
    assert structure(unstructure(survey), SampleSurvey) == survey
    assert unstructure(survey) == json.loads(_shipped(SURVEY_FILE))


def test_sample_survey_refuses_two_responses_with_one_respondent_id() -> None:
    """Respondent ids are unique."""
    data = unstructure(sample_survey())
    twice = {**data, "responses": [data["responses"][0], data["responses"][0]]}
    with pytest.raises(ValidationError):
        structure(twice, SampleSurvey)


def test_the_questionnaire_covers_the_six_dimensions() -> None:
    """18 rating items over the six standard dimensions, overall and NPS items, zh and en."""
    instrument = sample_survey().instrument
    assert [d.code for d in instrument.dimensions] == [d.value for d in Dimension]
    assert sum(d.weight for d in instrument.dimensions) == Decimal(1)
    ratings = list(instrument.ratings())
    assert len(ratings) == 18
    per_dimension = Counter(item.dimension for item in ratings)
    assert min(per_dimension.values()) >= 2
    assert all(item.importance and item.scale is Scale.LIKERT_5 for item in ratings)
    servqual = [item.code for item in ratings if item.expectation]
    assert servqual == ["s1", "f1", "m3", "p3", "e1"]
    assert [item.code for item in ratings if item.reverse] == ["p1"]
    assert "偏高" in instrument.item("p1").text.zh
    overall, nps = instrument.role(ItemRole.OVERALL), instrument.role(ItemRole.NPS)
    assert overall is not None
    assert nps is not None
    assert nps.scale is Scale.ZERO_TO_TEN
    texts = [item.text for item in instrument.items]
    assert all(re.search(r"[\u4e00-\u9fff]", t.zh) and t.en.isascii() for t in texts)


def test_every_response_checks_against_the_questionnaire() -> None:
    """Each response passes ``check_response``; the responses come in the order answered."""
    survey = sample_survey()
    for response in survey.responses:
        check_response(survey.instrument, response)
    keys = [(r.on, r.respondent_id) for r in survey.responses]
    assert keys == sorted(keys)


def test_two_waves_in_august_and_november() -> None:
    """About a hundred responses in each wave, answered in August and in November 2026."""
    waves = _waves()
    assert list(waves) == ["2026-Q3", "2026-Q4"]
    assert {r.on.month for r in waves["2026-Q3"]} == {8}
    assert {r.on.month for r in waves["2026-Q4"]} == {11}
    assert all(90 <= len(w) <= 130 for w in waves.values())
    assert max(r.on for r in sample_survey().responses) <= sample_config().as_of
    for key, responses in waves.items():
        prefix = key.replace("-", "") + "-"
        assert all(r.respondent_id.startswith(prefix) for r in responses)


def test_responses_are_linked_to_sample_customers_with_their_segments() -> None:
    """Every response is a customer's with a unit, segmented by tier held, type, kind, project."""
    by_id = {c.customer_id: c for c in sample_portfolio()}
    tiers = {m.customer_id: m.tier for m in sample_members()}
    for response in sample_survey().responses:
        assert response.customer_id is not None
        customer = by_id[response.customer_id]
        assert customer.units
        assert CustomerKind.STAFF not in customer.kinds
        assert CustomerKind.DEVELOPER not in customer.kinds
        assert customer.registered_at.date() < response.on
        assert [s.key for s in response.segments] == [
            "tier",
            "property_type",
            "customer_kind",
            "project",
        ]
        assert response.segment("tier") == tiers[customer.customer_id]
        assert response.segment("property_type") == customer.units[0].property_type.value
        assert response.segment("customer_kind") == customer.kinds[0].value
    projects = {r.segment("project") for r in sample_survey().responses}
    assert {"翠湖苑", "云庭", "溪岚中心广场", "星河国际大厦"} <= projects
    held = Counter(r.segment("tier") for r in _waves()["2026-Q4"])
    assert set(held) == {"diamond", "platinum", "gold", "regular"}


def test_a_wave_answers_once_per_customer() -> None:
    """Nobody answers twice in a wave; many customers answer in both."""
    waves = _waves()
    for responses in waves.values():
        customers = [r.customer_id for r in responses]
        assert len(set(customers)) == len(customers)
    both = {r.customer_id for r in waves["2026-Q3"]} & {r.customer_id for r in waves["2026-Q4"]}
    assert len(both) >= 50


def test_some_answers_are_missing_or_not_applicable() -> None:
    """Each wave has skipped items and "not applicable" answers, villas' lifts among them."""
    instrument = sample_survey().instrument
    for responses in _waves().values():
        scores = score_survey(instrument, responses)
        assert sum(item.missing for item in scores.items) >= 10
        assert sum(item.na for item in scores.items) >= 5
        assert scores.item("f2").na >= 2
        assert scores.item("nps").na == 0
        assert sum(item.importance_n < item.n for item in scores.items) >= 5


def test_the_latest_quadrant_chart_has_every_quadrant() -> None:
    """With stated importance and mean crosshairs each wave puts items in all four quadrants."""
    for responses in _waves().values():
        result = _quadrants(responses)
        assert result.unplaced == ()
        assert all(result.quadrant(q) for q in Quadrant)
    latest = _quadrants(_waves()["2026-Q4"])
    urgent = {i.code for i in latest.quadrant(Quadrant.URGENT_IMPROVEMENT)}
    assert {"m3", "p1", "p3"} <= urgent
    assert "f3" in {i.code for i in latest.quadrant(Quadrant.KEEP_UP)}


def test_price_and_management_are_the_weak_dimensions_and_q4_improves() -> None:
    """Price scores lowest, then management; the CSI, NPS and CSAT rise from Q3 to Q4."""
    instrument = sample_survey().instrument
    q3, q4 = (score_survey(instrument, r) for r in _waves().values())
    for scores in (q3, q4):
        ranked = sorted(scores.dimensions, key=lambda d: d.score_100 or 0)
        assert [d.code for d in ranked[:2]] == ["price", "management"]
        assert all(d.alpha is not None and d.alpha > Fraction(1, 2) for d in scores.dimensions)
    assert q3.csi is not None
    assert q4.csi is not None
    assert q3.csi < q4.csi
    assert q3.nps is not None
    assert q4.nps is not None
    assert q3.nps.score < 0 < q4.nps.score
    before, after = q3.item("m3").score_100, q4.item("m3").score_100
    assert before is not None
    assert after is not None
    assert before < after
