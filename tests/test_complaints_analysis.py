"""The complaint analysis report: rates, times, reopenings, repeats, causes and groups."""

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from complaint_builders import History, at, office
from pmcrm.complaints.analysis import Share, analyse, median
from pmcrm.complaints.lifecycle import ComplaintState, replay
from pmcrm.complaints.model import RootCause
from pmcrm.complaints.repeats import RepeatPolicy
from pmcrm.complaints.sla import Metric, SlaPolicy, SlaRule, TimeBasis

H = timedelta(hours=1)
POLICY = SlaPolicy(
    name="p",
    rules=(
        SlaRule(metric=Metric.FIRST_RESPONSE, target=2 * H),
        SlaRule(metric=Metric.RESOLUTION, target=8 * H, basis=TimeBasis.BUSINESS),
    ),
)
CALENDAR = office()


def portfolio() -> list[ComplaintState]:
    """Four complaints: met, late, reopened and a repeat still open, and one registered later."""
    return [
        replay(
            History("C-1")
            .registered(at(12, 9))
            .contacted(at(12, 10))
            .assessed(at(12, 10))
            .assigned(at(12, 10), "cleaning")
            .investigated(at(12, 11), RootCause.STAFF_NEGLIGENCE)
            .resolved(at(12, 15))
            .events
        ),
        replay(
            History("C-2", customer_id="CU-2", category="fees")
            .registered(at(12, 9))
            .contacted(at(12, 13))
            .assessed(at(12, 13))
            .assigned(at(12, 13), "finance")
            .investigated(at(12, 14), RootCause.MANAGEMENT_GAP)
            .resolved(at(14, 9))
            .reopened(at(15, 9))
            .resolved(at(15, 10))
            .events
        ),
        replay(
            History("C-3")
            .registered(at(20, 9))
            .contacted(at(20, 9, 30))
            .assessed(at(20, 9, 30))
            .investigated(at(20, 10), RootCause.STAFF_NEGLIGENCE)
            .events
        ),
        replay(History("C-4", customer_id="CU-9").registered(at(3, 9, month=11)).events),
    ]


def test_overall_figures() -> None:
    """Met and breached clocks, exact on-time shares, median and mean, reopen and repeat rates."""
    report = analyse(portfolio(), POLICY, at(21, 12), calendar=CALENDAR)
    overall = report.overall
    assert (3, 1) == (overall.complaints, overall.open)
    assert Share(1, 3) == overall.reopened
    assert Share(1, 3) == overall.repeats  # C-3 repeats C-1: same customer, same category
    first = overall.metric(Metric.FIRST_RESPONSE)
    assert first is not None
    assert (3, 2, 1, 0) == (first.timed, first.met, first.breached, first.running)
    assert Share(2, 3) == first.on_time
    assert Decimal("66.7") == first.on_time.percent()
    # Measured on the business calendar: 1 h, 3 h (09:00-13:00, lunch left out), 30 min.
    assert (H, 1.5 * H) == (first.median, first.mean)
    resolution = overall.metric(Metric.RESOLUTION)
    assert resolution is not None
    # C-1 in 4.5 business hours; C-2 in 15 + 1 (the day from the resolution to the
    # reopening not counted); C-3 still open after 10.5 business hours, late.
    assert (3, 1, 2, 0) == (
        resolution.timed,
        resolution.met,
        resolution.breached,
        resolution.running,
    )
    assert (4.5 * H + 16 * H) / 2 == resolution.median
    assert overall.metric(Metric.FOLLOW_UP) is None


def test_groups_and_top_lists() -> None:
    """By department (unassigned named), by month, the most frequent causes and categories."""
    report = analyse(portfolio(), POLICY, at(5, 9, month=11), calendar=CALENDAR)
    assert ["(unassigned)", "cleaning", "finance"] == [k for k, _ in report.by_department]
    assert [("2026-10", 3), ("2026-11", 1)] == [(k, g.complaints) for k, g in report.by_month]
    assert (
        (RootCause.STAFF_NEGLIGENCE, 2),
        (RootCause.MANAGEMENT_GAP, 1),
    ) == report.root_causes
    assert (("cleaning", 3), ("fees", 1)) == report.categories
    assert at(5, 9, month=11) == report.at


def test_the_report_reads_the_past() -> None:
    """As of an earlier instant, later complaints and events are left out."""
    report = analyse(portfolio(), POLICY, at(12, 12), calendar=CALENDAR, top=1)
    assert (2, 2) == (report.overall.complaints, report.overall.open)
    first = report.overall.metric(Metric.FIRST_RESPONSE)
    assert first is not None
    assert (1, 1, 0) == (first.met, first.breached, first.running)
    assert 1 == len(report.categories)


def test_without_a_calendar_times_are_on_each_rules_own_base() -> None:
    """With 24/7 rules only, no calendar is needed and months follow the registration offset."""
    policy = SlaPolicy(name="24/7", rules=(SlaRule(metric=Metric.FIRST_RESPONSE, target=2 * H),))
    report = analyse(
        portfolio(), policy, at(21, 9), repeat_policy=RepeatPolicy(window=timedelta(days=1))
    )
    first = report.overall.metric(Metric.FIRST_RESPONSE)
    assert first is not None
    assert (H, (H + 4 * H + 0.5 * H) / 3) == (first.median, first.mean)
    assert Share(0, 3) == report.overall.repeats


def test_share_and_median() -> None:
    """Shares render exactly; the median of an even count is the mean of the middle two."""
    assert "66.7% (2/3)" == Share(2, 3).text()
    assert "–" == Share(0, 0).text("zh")
    assert Decimal("0.1") == Share(1, 1000).percent()  # 0.1 exactly
    assert Decimal("0.1") == Share(1, 1500).percent()  # 0.0667 half up
    assert median([]) is None
    assert 2 * H == median([3 * H, H, 2 * H])
    assert 2.5 * H == median([4 * H, H, 2 * H, 3 * H])


@given(st.lists(st.integers(0, 10_000).map(lambda m: timedelta(minutes=m)), min_size=1))
def test_median_lies_between_the_extremes(values: list[timedelta]) -> None:
    """min <= median <= max, whatever the order."""
    middle = median(values)
    assert middle is not None
    assert min(values) <= middle <= max(values)
    assert middle == median(list(reversed(values)))


@given(st.permutations(range(4)))
def test_the_report_does_not_depend_on_input_order(order: list[int]) -> None:
    """Complaints in any order give the same report."""
    states = portfolio()
    assert analyse(states, POLICY, at(21, 9), calendar=CALENDAR) == analyse(
        [states[i] for i in order], POLICY, at(21, 9), calendar=CALENDAR
    )


def test_times_on_each_rules_own_base() -> None:
    """With business_times=False, a 24/7 rule's times are 24/7 even with a calendar."""
    report = analyse(portfolio(), POLICY, at(21, 12), calendar=CALENDAR, business_times=False)
    first = report.overall.metric(Metric.FIRST_RESPONSE)
    assert first is not None
    assert (H, (H + 4 * H + 0.5 * H) / 3) == (first.median, first.mean)
