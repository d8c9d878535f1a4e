"""SLA clocks: start and stop, pauses, reopenings, due times, status and timelines."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaint_builders import CST, History, at, office
from pmcrm.calendars import ContinuousTime, TimeBase
from pmcrm.complaints.clocks import (
    ClockStatus,
    ComplaintClocks,
    MetricClock,
    Span,
    SpanKind,
    complaint_clocks,
    measure,
    state_at,
)
from pmcrm.complaints.facts import facts
from pmcrm.complaints.lifecycle import replay
from pmcrm.complaints.model import ComplaintType, EmergencyClass, PauseReason, Severity
from pmcrm.complaints.sla import (
    Metric,
    SlaPolicy,
    SlaRule,
    TimeBasis,
    default_policy,
    select_rule,
)
from pmcrm.errors import InvalidValue, PmcrmError

H = timedelta(hours=1)
WAITING = (PauseReason.CUSTOMER, PauseReason.THIRD_PARTY)
BUSINESS = SlaPolicy(
    name="business",
    rules=(
        SlaRule(metric=Metric.FIRST_RESPONSE, target=4 * H, basis=TimeBasis.BUSINESS),
        SlaRule(
            metric=Metric.RESOLUTION, target=16 * H, basis=TimeBasis.BUSINESS, pause_on=WAITING
        ),
        SlaRule(metric=Metric.FOLLOW_UP, target=8 * H, basis=TimeBasis.BUSINESS),
    ),
)
CALENDAR = office()


def clock(history: History, metric: Metric, when: datetime, **kwargs: object) -> MetricClock:
    """The *metric* clock of *history* at *when* under the business policy."""
    policy = kwargs.pop("policy", BUSINESS)
    calendar = kwargs.pop("calendar", CALENDAR)
    assert isinstance(policy, SlaPolicy)
    result = complaint_clocks(
        replay(history.events),
        policy,
        when,
        calendar=calendar,  # type: ignore[arg-type]
    ).get(metric)
    assert result is not None
    return result


def test_filed_on_a_holiday_starts_at_the_next_opening() -> None:
    """Filed on 3 October (National Day): 4 business hours run from Thursday 8 October 09:00."""
    history = History().registered(at(3, 10))
    first = clock(history, Metric.FIRST_RESPONSE, at(8, 9))
    assert at(8, 14, 30) == first.due
    assert timedelta(0) == first.elapsed
    assert ClockStatus.RUNNING == first.status


def test_filed_on_a_make_up_saturday_counts_that_day() -> None:
    """Saturday 10 October is a 调休 working day: the clock runs on it with Monday's hours."""
    history = History().registered(at(10, 10))
    first = clock(history, Metric.FIRST_RESPONSE, at(10, 11))
    assert at(10, 15, 30) == first.due
    assert H == first.elapsed


def test_over_the_lunch_break() -> None:
    """Registered at 11:30: half an hour before lunch, the rest from 13:30."""
    history = History().registered(at(12, 11, 30))
    first = clock(history, Metric.FIRST_RESPONSE, at(12, 14))
    assert at(12, 17) == first.due
    assert H == first.elapsed


def test_a_deadline_exactly_at_closing_time_stays_there() -> None:
    """14:00 + 4 business hours is 18:00 the same day, not 09:00 the next."""
    history = History().registered(at(12, 14))
    assert at(12, 18) == clock(history, Metric.FIRST_RESPONSE, at(12, 14)).due


def test_met_exactly_at_the_deadline() -> None:
    """A contact at the due instant meets the target."""
    history = History().registered(at(12, 14)).contacted(at(12, 18))
    first = clock(history, Metric.FIRST_RESPONSE, at(13, 9))
    assert (ClockStatus.MET, 4 * H, timedelta(0)) == (first.status, first.elapsed, first.overdue)
    assert at(12, 18) == first.stop


def test_paused_across_a_weekend() -> None:
    """Paused Friday 16:00 to Monday 10:00: 3 business hours paused, the due time moves on."""
    history = (
        History()
        .registered(at(16, 9))
        .assessed(at(16, 9, 10))
        .paused(at(16, 16))
        .resumed(at(19, 10))
    )
    resolution = clock(history, Metric.RESOLUTION, at(19, 12))
    assert (7.5 * H, 3 * H, timedelta(0)) == (
        resolution.elapsed,
        resolution.paused,
        resolution.excluded,
    )
    assert at(20, 14, 30) == resolution.due
    assert [SpanKind.COUNTED, SpanKind.PAUSED, SpanKind.COUNTED] == [
        s.kind for s in resolution.timeline
    ]
    assert PauseReason.CUSTOMER == resolution.timeline[1].pause_reason
    # The first response does not pause: it has run through.
    first = clock(history, Metric.FIRST_RESPONSE, at(19, 12))
    assert ClockStatus.BREACHED == first.status
    assert 6.5 * H == first.overdue


def test_while_paused_the_due_time_is_provisional() -> None:
    """A paused clock's due time assumes it resumes now."""
    history = History().registered(at(12, 9)).assessed(at(12, 9)).paused(at(12, 10))
    resolution = clock(history, Metric.RESOLUTION, at(13, 9))
    assert (ClockStatus.PAUSED, True) == (resolution.status, resolution.provisional)
    assert H == resolution.elapsed
    assert CALENDAR.add(at(13, 9), 15 * H) == resolution.due
    assert "if resumed now" in resolution.explain("en")
    assert "假设现在恢复" in resolution.explain("zh")


def test_paused_then_resolved_in_one_step() -> None:
    """A resolution while paused ends the pause and stops the clock."""
    history = (
        History()
        .registered(at(12, 9))
        .assessed(at(12, 9))
        .paused(at(12, 10), PauseReason.THIRD_PARTY)
        .resolved(at(12, 11))
    )
    resolution = clock(history, Metric.RESOLUTION, at(14, 9))
    assert (ClockStatus.MET, H, H) == (resolution.status, resolution.elapsed, resolution.paused)
    assert at(12, 11) == resolution.stop


def test_reopened_after_resolution() -> None:
    """The gap from a resolution that did not hold to the reopening is not counted."""
    history = (
        History()
        .registered(at(12, 9))
        .assessed(at(12, 9))
        .resolved(at(12, 12))
        .followed_up(at(12, 15))
        .reopened(at(13, 12))
        .resolved(at(13, 15, 30))
    )
    resolution = clock(history, Metric.RESOLUTION, at(14, 9))
    assert (ClockStatus.MET, 5 * H, 7.5 * H) == (
        resolution.status,
        resolution.elapsed,
        resolution.excluded,
    )
    assert [SpanKind.COUNTED, SpanKind.EXCLUDED, SpanKind.COUNTED] == [
        s.kind for s in resolution.timeline
    ]
    # The follow-up clock starts again at the new resolution.
    follow_up = clock(history, Metric.FOLLOW_UP, at(14, 9))
    assert (at(13, 15, 30), None, ClockStatus.RUNNING) == (
        follow_up.start,
        follow_up.stop,
        follow_up.status,
    )
    assert 2.5 * H == follow_up.elapsed


def test_reopened_then_breached() -> None:
    """After a reopening the verdict is taken again: a late final resolution breaches."""
    history = (
        History()
        .registered(at(12, 9))
        .assessed(at(12, 9))
        .resolved(at(13, 12))
        .reopened(at(15, 9))
        .resolved(at(16, 18))
    )
    resolution = clock(history, Metric.RESOLUTION, at(19, 9))
    assert ClockStatus.BREACHED == resolution.status
    assert (7.5 + 3 + 15 - 16) * H == resolution.overdue


def test_a_time_zone_other_than_shanghai() -> None:
    """Working hours are the calendar's own: 09:00 in Berlin is 15:00 in Shanghai."""
    berlin = ZoneInfo("Europe/Berlin")
    calendar = office(berlin, "berlin")
    history = History().registered(at(12, 15))
    first = clock(history, Metric.FIRST_RESPONSE, at(12, 16), calendar=calendar)
    assert datetime(2026, 10, 12, 14, 30, tzinfo=berlin) == first.due
    assert ("berlin", berlin) == (first.time_base, first.zone)
    # The explanation shows instants in the calendar's zone.
    assert [
        "  counted: 2026-10-12 09:00 – 2026-10-12 10:00, 1 h",
        "  counted 1 h of 4 h, due 2026-10-12 14:30: running",
    ] == first.explain("en").splitlines()[1:]


def test_follow_up_not_started_before_the_resolution() -> None:
    """The follow-up clock waits for a resolution."""
    history = History().registered(at(12, 9))
    follow_up = clock(history, Metric.FOLLOW_UP, at(12, 10))
    assert (ClockStatus.NOT_STARTED, None, 8 * H) == (
        follow_up.status,
        follow_up.due,
        follow_up.remaining,
    )
    assert follow_up.explain("en").endswith("not started yet")
    assert follow_up.explain("zh").endswith("尚未开始计时")


def test_warnings_at_half_and_four_fifths() -> None:
    """A running clock reports the highest warning level it has reached."""
    history = History().registered(at(12, 9))
    assert clock(history, Metric.FIRST_RESPONSE, at(12, 10)).warning is None
    half = clock(history, Metric.FIRST_RESPONSE, at(12, 11))
    assert Decimal("0.5") == half.warning
    assert "warning: 50% of the target used" in half.explain("en")
    assert "预警：已用时限的 50%" in half.explain("zh")
    assert Decimal("0.8") == clock(history, Metric.FIRST_RESPONSE, at(12, 14, 6)).warning
    late = clock(history, Metric.FIRST_RESPONSE, at(12, 16))
    assert (ClockStatus.BREACHED, None) == (late.status, late.warning)
    assert "late by 1 h 30 min" in late.explain("en")
    assert "超时 1小时30分" in late.explain("zh")


def test_the_first_response_stops_at_a_resolution_without_contact() -> None:
    """A resolution answers the customer: first response and investigation stop there."""
    history = History().registered(at(12, 9)).assessed(at(12, 9)).resolved(at(12, 10))
    state = replay(history.events)
    clocks = complaint_clocks(state, default_policy(), at(20, 9), calendar=CALENDAR)
    first = clocks.get(Metric.FIRST_RESPONSE)
    investigation = clocks.get(Metric.INVESTIGATION)
    assert first is not None
    assert investigation is not None
    assert (at(12, 10), at(12, 10)) == (first.stop, investigation.stop)
    assert (ClockStatus.BREACHED,) == tuple(c.status for c in clocks.breached)


def test_later_events_are_ignored() -> None:
    """The clocks of a past instant read only the events up to it."""
    history = History().registered(at(12, 9)).contacted(at(12, 15))
    state = replay(history.events)
    early = complaint_clocks(state, BUSINESS, at(12, 10), calendar=CALENDAR)
    first = early.get(Metric.FIRST_RESPONSE)
    assert first is not None
    assert (None, ClockStatus.RUNNING) == (first.stop, first.status)
    assert state_at(state, at(12, 8)) is None
    assert state is state_at(state, at(12, 15))


def test_default_policy_emergencies() -> None:
    """A safety accident: first response 2 h and report 48 h, 24/7, no pauses."""
    history = (
        History()
        .registered(at(17, 22))  # a Saturday night
        .assessed(
            at(17, 22, 5), ComplaintType.URGENT, Severity.HIGH, EmergencyClass.SAFETY_ACCIDENT
        )
        .paused(at(17, 23))
    )
    clocks = complaint_clocks(
        replay(history.events), default_policy(), at(18, 1), calendar=CALENDAR
    )
    first = clocks.get(Metric.FIRST_RESPONSE)
    investigation = clocks.get(Metric.INVESTIGATION)
    resolution = clocks.get(Metric.RESOLUTION)
    assert first is not None
    assert investigation is not None
    assert (at(18, 0), ClockStatus.BREACHED, H) == (first.due, first.status, first.overdue)
    assert at(19, 22) == investigation.due
    assert ContinuousTime().name == first.time_base
    # The general resolution rule (72 h, pauses on waiting) applies: no emergency figure.
    assert resolution is not None
    assert (ClockStatus.PAUSED, 72 * H) == (resolution.status, resolution.target)


def test_a_rule_on_business_hours_needs_a_calendar() -> None:
    """No calendar for a business-hours rule is an error naming the metric."""
    state = replay(History().registered(at(12, 9)).events)
    with pytest.raises(PmcrmError, match="first_response rule of policy 'business'"):
        complaint_clocks(state, BUSINESS, at(12, 10))


def test_bad_instants() -> None:
    """A naive instant, or one before the registration, is refused."""
    state = replay(History().registered(at(12, 9)).events)
    with pytest.raises(InvalidValue, match="timezone-aware"):
        complaint_clocks(state, BUSINESS, datetime(2026, 10, 12, 10), calendar=CALENDAR)  # noqa: DTZ001
    with pytest.raises(InvalidValue, match="registration"):
        complaint_clocks(state, BUSINESS, at(12, 8), calendar=CALENDAR)


def test_metrics_without_a_rule_are_left_out() -> None:
    """Only the metrics a rule times get a clock."""
    state = replay(History().registered(at(12, 9)).events)
    clocks = complaint_clocks(state, BUSINESS, at(12, 10), calendar=CALENDAR)
    assert clocks.get(Metric.INVESTIGATION) is None
    assert [Metric.FIRST_RESPONSE, Metric.RESOLUTION, Metric.FOLLOW_UP] == [
        c.metric for c in clocks.clocks
    ]
    assert "\n\n" in clocks.explain("en")
    assert "C-1" == clocks.complaint_id


def test_explanation_names_rule_timeline_and_figures() -> None:
    """The explanation says which rule, what was counted and paused, and the verdict."""
    history = (
        History().registered(at(16, 9)).assessed(at(16, 9)).paused(at(16, 16)).resumed(at(19, 10))
    )
    resolution = clock(history, Metric.RESOLUTION, at(19, 12))
    assert [
        "resolution: rule 2 of the policy, the only one that matches: any complaint → 16 h, "
        "business hours",
        "  counted: 2026-10-16 09:00 – 2026-10-16 16:00, 5 h 30 min",
        "  paused (waiting on the customer): 2026-10-16 16:00 – 2026-10-19 10:00, 3 h",
        "  counted: 2026-10-19 10:00 – 2026-10-19 12:00, 2 h",
        "  counted 7 h 30 min of 16 h, due 2026-10-20 14:30: running",
    ] == resolution.explain("en").splitlines()
    assert [
        "解决：政策第 2 条，唯一适用的一条：所有投诉 → 16小时，工作时间",
        "  计时：2026-10-16 09:00 – 2026-10-16 16:00，5小时30分",
        "  暂停（等待客户）：2026-10-16 16:00 – 2026-10-19 10:00，3小时",
        "  计时：2026-10-19 10:00 – 2026-10-19 12:00，2小时",
        "  已计 7小时30分 / 时限 16小时，到期 2026-10-20 14:30：计时中",
    ] == resolution.explain("zh").splitlines()


# --- properties --------------------------------------------------------------------

GAP = st.integers(min_value=0, max_value=3 * 24 * 60).map(lambda m: timedelta(minutes=m))


@st.composite
def histories(draw: st.DrawFn, *, pauses: bool = True) -> tuple[History, History]:
    """A complaint history with random pauses, and the same history without its pauses."""
    start = at(12, 0) + draw(GAP) * 4
    with_pauses = History().registered(start).assessed(start)
    without = History().registered(start).assessed(start)
    now = start
    for _ in range(draw(st.integers(0, 3))):
        now += draw(GAP)
        with_pauses.paused(now, draw(st.sampled_from(PauseReason)))
        now += draw(GAP)
        if draw(st.booleans()):
            with_pauses.resumed(now)
        else:
            with_pauses.resolved(now)
            without.resolved(now)
            if not draw(st.booleans()):
                return with_pauses, without
            now += draw(GAP)
            with_pauses.reopened(now)
            without.reopened(now)
    if draw(st.booleans()):
        now += draw(GAP)
        with_pauses.resolved(now)
        without.resolved(now)
    return with_pauses, without


POLICIES = st.sampled_from([BUSINESS, default_policy()])


@given(histories(), GAP, POLICIES)
def test_elapsed_paused_and_excluded_account_for_the_whole_span(
    pair: tuple[History, History], later: timedelta, policy: SlaPolicy
) -> None:
    """elapsed + paused + excluded is the whole window on the clock's time base."""
    history, _ = pair
    when = history.events[-1].at + later
    for item in complaint_clocks(replay(history.events), policy, when, calendar=CALENDAR).clocks:
        if item.start is None:
            continue
        base: TimeBase = CALENDAR if item.rule.basis is TimeBasis.BUSINESS else ContinuousTime()
        end = item.stop if item.stop is not None else when
        assert base.between(item.start, end) == item.elapsed + item.paused + item.excluded
        assert sum((s.duration for s in item.timeline), timedelta(0)) == (
            item.elapsed + item.paused + item.excluded
        )


@given(histories(), GAP, POLICIES)
def test_pausing_never_makes_a_deadline_earlier(
    pair: tuple[History, History], later: timedelta, policy: SlaPolicy
) -> None:
    """The same complaint without its pauses is never due later."""
    paused_history, plain = pair
    when = paused_history.events[-1].at + later
    with_pauses = complaint_clocks(replay(paused_history.events), policy, when, calendar=CALENDAR)
    without = complaint_clocks(replay(plain.events), policy, when, calendar=CALENDAR)
    for a, b in zip(with_pauses.clocks, without.clocks, strict=True):
        if a.due is not None and b.due is not None:
            assert a.due >= b.due
        assert a.elapsed <= b.elapsed


@given(histories(), GAP, GAP, POLICIES)
def test_elapsed_grows_with_time_and_status_agrees(
    pair: tuple[History, History], first: timedelta, second: timedelta, policy: SlaPolicy
) -> None:
    """Read later, a clock has counted at least as much; the status matches the figures.

    (A reopening starts the follow-up clock again: only the same cycle is compared.)
    """
    history, _ = pair
    state = replay(history.events)
    early_at = history.events[0].at + first
    early = complaint_clocks(state, policy, early_at, calendar=CALENDAR)
    late = complaint_clocks(state, policy, early_at + second, calendar=CALENDAR)
    for a, b in zip(early.clocks, late.clocks, strict=True):
        if a.start == b.start:
            assert a.elapsed <= b.elapsed
        for item in (a, b):
            assert (item.status is ClockStatus.BREACHED) == (item.elapsed > item.target)
            if item.status is ClockStatus.MET:
                assert item.stop is not None
            assert item.remaining - item.overdue == item.target - item.elapsed


def test_measure_on_continuous_time_directly() -> None:
    """`measure` reads one metric from facts, on any time base."""
    history = History().registered(at(12, 9)).contacted(at(12, 10))
    f = facts(replay(history.events))
    choice = select_rule(
        default_policy(), Metric.FIRST_RESPONSE, f.complaint_type, f.severity, None
    )
    assert choice is not None
    result = measure(Metric.FIRST_RESPONSE, choice, f, at(12, 11), ContinuousTime())
    assert (ClockStatus.MET, H, at(13, 9)) == (result.status, result.elapsed, result.due)
    assert CST == result.stop.tzinfo if result.stop else False


def test_a_due_time_past_the_calendar_is_unknown() -> None:
    """At the calendar's end the clock still counts; its due time is not known yet."""
    history = History().registered(at(31, 16, month=12))
    first = clock(history, Metric.FIRST_RESPONSE, at(31, 17, month=12))
    assert (None, H, ClockStatus.RUNNING) == (first.due, first.elapsed, first.status)
    assert "due (past the calendar's coverage): running" in first.explain("en")
    assert "到期 （超出日历覆盖范围）：计时中" in first.explain("zh")


# --- edges of the window, pauses and the due time ----------------------------------


def kinds(item: MetricClock) -> list[SpanKind]:
    """The kinds of the spans of *item*'s timeline, in order."""
    return [s.kind for s in item.timeline]


def test_paused_at_the_instant_read() -> None:
    """A pause that begins at the reading instant pauses the clock but adds no empty span."""
    history = History().registered(at(12, 9)).assessed(at(12, 9)).paused(at(12, 10))
    resolution = clock(history, Metric.RESOLUTION, at(12, 10))
    assert (ClockStatus.PAUSED, True, H) == (
        resolution.status,
        resolution.provisional,
        resolution.elapsed,
    )
    assert [SpanKind.COUNTED] == kinds(resolution)


def test_resumed_at_the_instant_read() -> None:
    """Resumed at the reading instant, the clock runs again: its due time is firm."""
    history = (
        History().registered(at(12, 9)).assessed(at(12, 9)).paused(at(12, 10)).resumed(at(12, 11))
    )
    resolution = clock(history, Metric.RESOLUTION, at(12, 11))
    assert (ClockStatus.RUNNING, False, H, H) == (
        resolution.status,
        resolution.provisional,
        resolution.elapsed,
        resolution.paused,
    )
    assert [SpanKind.COUNTED, SpanKind.PAUSED] == kinds(resolution)
    assert CALENDAR.add(at(12, 11), 15 * H) == resolution.due


def test_paused_at_the_registration_instant() -> None:
    """A pause from the very start: the timeline opens with the pause."""
    history = (
        History().registered(at(12, 9)).assessed(at(12, 9)).paused(at(12, 9)).resumed(at(12, 10))
    )
    resolution = clock(history, Metric.RESOLUTION, at(12, 11))
    assert [SpanKind.PAUSED, SpanKind.COUNTED] == kinds(resolution)
    assert (H, H) == (resolution.elapsed, resolution.paused)


def test_read_at_the_registration_instant() -> None:
    """Read the moment it is filed, a clock has counted nothing, and says so."""
    history = History().registered(at(12, 9))
    first = clock(history, Metric.FIRST_RESPONSE, at(12, 9))
    assert (ClockStatus.RUNNING, timedelta(0), at(12, 14, 30)) == (
        first.status,
        first.elapsed,
        first.due,
    )
    assert [SpanKind.COUNTED] == kinds(first)
    assert [
        "  counted: 2026-10-12 09:00 – 2026-10-12 09:00, 0 min",
        "  counted 0 min of 4 h, due 2026-10-12 14:30: running",
    ] == first.explain("en").splitlines()[1:]


def test_paused_exactly_when_the_target_is_used_up() -> None:
    """Paused with the whole target counted: due at the pause, a firm (not provisional) time."""
    hour_policy = SlaPolicy(
        name="tight",
        rules=(
            SlaRule(
                metric=Metric.RESOLUTION, target=H, basis=TimeBasis.BUSINESS, pause_on=WAITING
            ),
        ),
    )
    history = History().registered(at(12, 9)).assessed(at(12, 9)).paused(at(12, 10))
    resolution = clock(history, Metric.RESOLUTION, at(13, 9), policy=hour_policy)
    assert (ClockStatus.PAUSED, at(12, 10), False) == (
        resolution.status,
        resolution.due,
        resolution.provisional,
    )
    assert (H, timedelta(0), timedelta(0)) == (
        resolution.elapsed,
        resolution.remaining,
        resolution.overdue,
    )
    assert [
        "  counted 1 h of 1 h, due 2026-10-12 10:00: paused",
        "  warning: 80% of the target used",
    ] == resolution.explain("en").splitlines()[-2:]


def test_the_investigation_stops_at_the_report() -> None:
    """The investigation clock stops at the first investigation report."""
    policy = SlaPolicy(
        name="reports",
        rules=(SlaRule(metric=Metric.INVESTIGATION, target=8 * H, basis=TimeBasis.BUSINESS),),
    )
    history = (
        History()
        .registered(at(12, 9))
        .assessed(at(12, 9))
        .investigated(at(12, 15))
        .resolved(at(13, 10))
    )
    investigation = clock(history, Metric.INVESTIGATION, at(14, 9), policy=policy)
    assert (at(12, 15), ClockStatus.MET, 4.5 * H) == (
        investigation.stop,
        investigation.status,
        investigation.elapsed,
    )


def test_an_event_at_the_instant_read_counts() -> None:
    """Read at the very instant of the contact, the first response has stopped."""
    history = (
        History()
        .registered(at(12, 9))
        .contacted(at(12, 10))
        .assessed(at(12, 11))
        .resolved(at(12, 12))
    )
    first = clock(history, Metric.FIRST_RESPONSE, at(12, 10))
    assert (at(12, 10), ClockStatus.MET, H) == (first.stop, first.status, first.elapsed)


def test_the_rule_follows_the_type_and_severity() -> None:
    """The most specific rule for the assessed type or severity sets the target."""
    policy = SlaPolicy(
        name="graded",
        rules=(
            SlaRule(metric=Metric.RESOLUTION, target=72 * H),
            SlaRule(metric=Metric.RESOLUTION, target=8 * H, complaint_type=ComplaintType.URGENT),
            SlaRule(metric=Metric.RESOLUTION, target=24 * H, severity=Severity.HIGH),
        ),
    )
    urgent = History().registered(at(12, 9)).assessed(at(12, 9), ComplaintType.URGENT)
    high = History().registered(at(12, 9)).assessed(at(12, 9), severity=Severity.HIGH)
    plain = History().registered(at(12, 9)).assessed(at(12, 9))
    assert [8 * H, 24 * H, 72 * H] == [
        clock(h, Metric.RESOLUTION, at(12, 10), policy=policy).target
        for h in (urgent, high, plain)
    ]


def test_a_clock_not_started_has_no_timeline() -> None:
    """Not started: an empty timeline, no provisional due time, the calendar's zone."""
    follow_up = clock(History().registered(at(12, 9)), Metric.FOLLOW_UP, at(12, 10))
    assert ((), False, CST, "office-2026") == (
        follow_up.timeline,
        follow_up.provisional,
        follow_up.zone,
        follow_up.time_base,
    )


# --- messages and explanations -----------------------------------------------------


def test_the_missing_calendar_message() -> None:
    """The message names the metric, the policy and what to pass."""
    state = replay(History().registered(at(12, 9)).events)
    with pytest.raises(PmcrmError) as caught:
        complaint_clocks(state, BUSINESS, at(12, 10))
    assert (
        "the first_response rule of policy 'business' counts business hours: "
        "pass the business calendar (calendar=...)"
    ) == str(caught.value)


def test_bad_instant_messages() -> None:
    """A naive instant and one before the registration name 'at' and echo it, in zh and en."""
    state = replay(History().registered(at(12, 9)).events)
    with pytest.raises(InvalidValue) as naive:
        complaint_clocks(state, BUSINESS, datetime(2026, 10, 12, 10), calendar=CALENDAR)  # noqa: DTZ001
    assert ("at", "naive_datetime") == (naive.value.field, naive.value.code)
    assert (
        "'at' must be timezone-aware (with an offset such as +08:00): '2026-10-12T10:00:00'"
    ) == naive.value.message_en
    with pytest.raises(InvalidValue) as early:
        complaint_clocks(state, BUSINESS, at(12, 8), calendar=CALENDAR)
    assert ("at", "order") == (early.value.field, early.value.code)
    assert (
        "'at' must be after 'the registration (2026-10-12T09:00:00+08:00)': "
        "'2026-10-12T08:00:00+08:00'"
    ) == early.value.message_en
    assert (
        "'at' 必须晚于 '登记时间（2026-10-12T09:00:00+08:00）'：'2026-10-12T08:00:00+08:00'"
    ) == early.value.message_zh


def test_the_explanations_of_all_clocks_are_separated_by_a_blank_line() -> None:
    """`ComplaintClocks.explain` is each clock's explanation, a blank line between them."""
    state = replay(History().registered(at(12, 9)).events)
    clocks = complaint_clocks(state, BUSINESS, at(12, 10), calendar=CALENDAR)
    for lang in ("en", "zh"):
        assert [c.explain(lang) for c in clocks.clocks] == clocks.explain(lang).split("\n\n")


def test_a_paused_clock_explains_its_provisional_due_time() -> None:
    """While paused, the verdict line says the due time assumes the clock resumes now."""
    history = History().registered(at(12, 9)).assessed(at(12, 9)).paused(at(12, 10))
    resolution = clock(history, Metric.RESOLUTION, at(13, 9))
    assert (
        "  counted 1 h of 16 h, due 2026-10-14 18:00 (if resumed now): paused"
        == (resolution.explain("en").splitlines()[-1])
    )
    assert (
        "  已计 1小时 / 时限 16小时，到期 2026-10-14 18:00（假设现在恢复）：已暂停"
        == (resolution.explain("zh").splitlines()[-1])
    )


def test_the_four_fifths_warning_in_percent() -> None:
    """At 3 h 12 min of 4 h, the 80 % level is reached and shown as 80%."""
    first = clock(History().registered(at(12, 9)), Metric.FIRST_RESPONSE, at(12, 13, 42))
    assert Decimal("0.8") == first.warning
    assert "  warning: 80% of the target used" == first.explain("en").splitlines()[-1]
    assert "  预警：已用时限的 80%" == first.explain("zh").splitlines()[-1]


def test_events_recorded_in_utc_are_explained_in_the_calendar_zone() -> None:
    """Instants kept in UTC are shown on the calendar's wall clock (UTC+8)."""
    history = History().registered(utc(12, 1)).contacted(utc(12, 2))
    first = clock(history, Metric.FIRST_RESPONSE, utc(12, 3))
    assert [
        "  counted: 2026-10-12 09:00 – 2026-10-12 10:00, 1 h",
        "  counted 1 h of 4 h, due 2026-10-12 14:30: met",
    ] == first.explain("en").splitlines()[1:]
    # A clock whose due time was stored in UTC too (built by hand) shows it the same way.
    stored = attrs.evolve(first, due=at(12, 14, 30).astimezone(UTC))
    assert "due 2026-10-12 14:30: met" in stored.explain("en")
    assert ("到期 Due", "2026-10-12 14:30") in html_view(stored)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of October 2026 in UTC."""
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


@attrs.frozen
class NamedZoneTime(ContinuousTime):
    """24/7 time that names its zone as text: not a tzinfo, so instants keep their offset."""

    timezone: str = "Asia/Shanghai"


def test_a_time_zone_that_is_only_a_name_is_not_used() -> None:
    """A time base whose ``timezone`` is not a tzinfo shows each instant in its own offset."""
    policy = SlaPolicy(
        name="desk",
        rules=(SlaRule(metric=Metric.FIRST_RESPONSE, target=4 * H, basis=TimeBasis.BUSINESS),),
    )
    history = History().registered(utc(12, 1))
    clocks = complaint_clocks(replay(history.events), policy, utc(12, 2), calendar=NamedZoneTime())
    first = clocks.get(Metric.FIRST_RESPONSE)
    assert first is not None
    assert ("24/7", None) == (first.time_base, first.zone)
    assert "  counted: 2026-10-12 01:00 – 2026-10-12 02:00, 1 h" in first.explain("en")


def test_a_hand_built_timeline_labels_only_pauses_with_their_reason() -> None:
    """A pause without a reason is just 'paused'; a reason on a counted span is not shown."""
    first = clock(History().registered(at(12, 9)), Metric.FIRST_RESPONSE, at(12, 11))
    built = attrs.evolve(
        first,
        timeline=(
            Span(
                kind=SpanKind.COUNTED,
                start=at(12, 9),
                end=at(12, 10),
                duration=H,
                pause_reason=PauseReason.CUSTOMER,
            ),
            Span(kind=SpanKind.PAUSED, start=at(12, 10), end=at(12, 11), duration=H),
        ),
    )
    assert [
        "  counted: 2026-10-12 09:00 – 2026-10-12 10:00, 1 h",
        "  paused: 2026-10-12 10:00 – 2026-10-12 11:00, 1 h",
    ] == built.explain("en").splitlines()[1:3]
    assert [
        "  计时：2026-10-12 09:00 – 2026-10-12 10:00，1小时",
        "  暂停：2026-10-12 10:00 – 2026-10-12 11:00，1小时",
    ] == built.explain("zh").splitlines()[1:3]
    timeline = html_view(built)[-2:]
    assert [
        ("计时 counted", "2026-10-12 09:00", "2026-10-12 10:00", "> 1小时 1 h"),
        ("暂停 paused", "2026-10-12 10:00", "2026-10-12 11:00", "> 1小时 1 h"),
    ] == timeline


# --- rich display ------------------------------------------------------------------


class _Reader(HTMLParser):
    """A fragment as rows of texts: the title and each caption alone, a table row as its cells.

    A right-aligned cell (a figure column) is written ``"> text"``.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, ...]] = []
        self.row: list[str] = []
        self.cell: list[str] | None = None
        self.right = False

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        style = dict(attributes).get("style") or ""
        if tag in {"th", "td", "caption"} or style == "font-weight:bold":
            self.cell, self.right = [], "text-align:right" in style

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self.rows.append(tuple(self.row))
            self.row = []
        if self.cell is None:
            return
        text = ("> " if self.right else "") + "".join(self.cell)
        self.cell = None
        if tag in {"th", "td"}:
            self.row.append(text)
        else:  # the title or a caption
            self.rows.append((text,))

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_view(item: MetricClock | ComplaintClocks) -> list[tuple[str, ...]]:
    """The rows of texts of *item*'s HTML fragment (see :class:`_Reader`)."""
    reader = _Reader()
    reader.feed(item._repr_html_())
    reader.close()
    return reader.rows


def utc_history() -> History:
    """Filed Friday 16 October 09:00 (+08:00) and kept in UTC; contacted, paused over a weekend."""
    return (
        History()
        .registered(utc(16, 1))
        .assessed(utc(16, 1))
        .contacted(utc(16, 2))
        .paused(utc(16, 8))
        .resumed(utc(19, 2))
    )


def test_html_of_a_clock() -> None:
    """Every figure in zh and en, instants on the calendar's wall clock, then the timeline."""
    resolution = clock(utc_history(), Metric.RESOLUTION, utc(19, 4))
    assert [
        ("SLA 时钟：解决 SLA clock: resolution",),
        ("状态 Status", "计时中 running"),
        ("到期 Due", "2026-10-20 14:30"),
        ("时限 Target", "16小时 16 h"),
        ("已计 Elapsed", "7小时30分 7 h 30 min"),
        ("剩余 Remaining", "8小时30分 8 h 30 min"),
        ("超时 Overdue", "0分 0 min"),
        ("暂停 Paused", "3小时 3 h"),
        ("不计 Excluded", "0分 0 min"),
        ("预警 Warning", "–"),
        ("开始 Start", "2026-10-16 09:00"),
        ("停止 Stop", "–"),
        ("读取时间 Read at", "2026-10-19 12:00"),
        ("时间基准 Time base", "office-2026"),
        (
            "规则 Rule",
            "解决：政策第 2 条，唯一适用的一条：所有投诉 → 16小时，工作时间 "
            "resolution: rule 2 of the policy, the only one that matches: any complaint → 16 h, "
            "business hours",
        ),
        ("计时明细 Timeline",),
        ("类型 Kind", "开始 Start", "结束 End", "> 时长 Duration"),
        ("计时 counted", "2026-10-16 09:00", "2026-10-16 16:00", "> 5小时30分 5 h 30 min"),
        (
            "暂停（等待客户） paused (waiting on the customer)",
            "2026-10-16 16:00",
            "2026-10-19 10:00",
            "> 3小时 3 h",
        ),
        ("计时 counted", "2026-10-19 10:00", "2026-10-19 12:00", "> 2小时 2 h"),
    ] == html_view(resolution)
    first = clock(utc_history(), Metric.FIRST_RESPONSE, utc(19, 4))
    assert [("开始 Start", "2026-10-16 09:00"), ("停止 Stop", "2026-10-16 10:00")] == [
        row for row in html_view(first) if row[0] in {"开始 Start", "停止 Stop"}
    ]


def test_html_of_a_clock_not_started() -> None:
    """No start, stop or due time (dashes) and no timeline."""
    follow_up = clock(History().registered(at(12, 9)), Metric.FOLLOW_UP, at(12, 13, 42))
    assert [
        ("SLA 时钟：回访 SLA clock: follow-up",),
        ("状态 Status", "未开始 not started"),
        ("到期 Due", "–"),
        ("时限 Target", "8小时 8 h"),
        ("已计 Elapsed", "0分 0 min"),
        ("剩余 Remaining", "8小时 8 h"),
        ("超时 Overdue", "0分 0 min"),
        ("暂停 Paused", "0分 0 min"),
        ("不计 Excluded", "0分 0 min"),
        ("预警 Warning", "–"),
        ("开始 Start", "–"),
        ("停止 Stop", "–"),
        ("读取时间 Read at", "2026-10-12 13:42"),
        ("时间基准 Time base", "office-2026"),
        (
            "规则 Rule",
            "回访：政策第 3 条，唯一适用的一条：所有投诉 → 8小时，工作时间 "
            "follow-up: rule 3 of the policy, the only one that matches: any complaint → 8 h, "
            "business hours",
        ),
    ] == html_view(follow_up)


def test_html_of_all_clocks() -> None:
    """A row per clock (figures right-aligned, warnings in percent), then each timeline."""
    state = replay(History().registered(at(12, 9)).events)
    clocks = complaint_clocks(state, BUSINESS, at(12, 13, 42), calendar=CALENDAR)
    counted = ("计时 counted", "2026-10-12 09:00", "2026-10-12 13:42", "> 3小时12分 3 h 12 min")
    assert [
        ("SLA 时钟 SLA clocks",),
        ("投诉 Complaint", "C-1"),
        ("读取时间 Read at", "2026-10-12 13:42"),
        (
            "指标 Metric",
            "状态 Status",
            "> 时限 Target",
            "> 已计 Elapsed",
            "> 剩余 Remaining",
            "> 超时 Overdue",
            "到期 Due",
            "预警 Warning",
        ),
        (
            "首次响应 first response",
            "计时中 running",
            "> 4小时 4 h",
            "> 3小时12分 3 h 12 min",
            "> 48分 48 min",
            "> 0分 0 min",
            "2026-10-12 14:30",
            "80%",
        ),
        (
            "解决 resolution",
            "计时中 running",
            "> 16小时 16 h",
            "> 3小时12分 3 h 12 min",
            "> 12小时48分 12 h 48 min",
            "> 0分 0 min",
            "2026-10-14 10:00",
            "–",
        ),
        (
            "回访 follow-up",
            "未开始 not started",
            "> 8小时 8 h",
            "> 0分 0 min",
            "> 8小时 8 h",
            "> 0分 0 min",
            "–",
            "–",
        ),
        ("首次响应：计时明细 first response: timeline",),
        ("类型 Kind", "开始 Start", "结束 End", "> 时长 Duration"),
        counted,
        ("解决：计时明细 resolution: timeline",),
        ("类型 Kind", "开始 Start", "结束 End", "> 时长 Duration"),
        counted,
    ] == html_view(clocks)
