"""The complaint analysis report: on-time rates, times, reopenings, repeats and causes.

:func:`analyse` reads a set of complaints as of an instant and gives the
figures of the monthly complaint analysis (DOMAIN.md §4, step 6), overall,
by department and by month of registration:

* per metric, how many clocks were **met** and **breached** and the
  **on-time rate** = met / (met + breached), where *breached* includes
  clocks still running past their target (they cannot be met any more) and
  running clocks within target are not counted yet;
* the **median and mean time** of the stopped clocks, counted as the SLA
  counts it (pauses and reopening gaps left out), measured on the business
  calendar when one is given (``business_times=False`` measures each on
  its own rule's time base), else on each rule's own time base; the median
  of an even count is the mean of the middle two (to the microsecond, as
  :class:`~datetime.timedelta` division rounds);
* the **reopen rate** (complaints reopened at least once) and the **repeat
  rate** (complaints that repeat an earlier one, see
  :mod:`pmcrm.complaints.repeats`);
* the most frequent **root causes** and **categories** (ties in code order).

Rates are exact fractions (:class:`Share`); they are rounded only when
shown, half up to 0.1 %.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

import attrs

from pmcrm import _html
from pmcrm.calendars import TimeBase
from pmcrm.complaints.clocks import ClockStatus, MetricClock, SpanKind, clocks_of, state_at
from pmcrm.complaints.facts import ComplaintFacts, facts
from pmcrm.complaints.lifecycle import ComplaintState
from pmcrm.complaints.model import RootCause
from pmcrm.complaints.repeats import RepeatPolicy, find_repeats
from pmcrm.complaints.sla import Metric, SlaPolicy, duration_text
from pmcrm.values import Label, Lang, round_half_up

__all__ = [
    "ComplaintAnalysis",
    "GroupStats",
    "MetricStats",
    "Share",
    "analyse",
    "median",
]

_ZERO = timedelta(0)
UNASSIGNED = "(unassigned)"


@attrs.frozen
class Share:
    """An exact proportion ``part / whole``.

    >>> Share(2, 3).percent(), Share(0, 0).percent()
    (Decimal('66.7'), None)
    """

    part: int
    whole: int

    def percent(self) -> Decimal | None:
        """The percentage, half up to 0.1 (``None`` when *whole* is 0)."""
        if not self.whole:
            return None
        return round_half_up(100 * self.part, self.whole, 1)

    def text(self, lang: Lang | str = Lang.EN) -> str:
        """``"66.7% (2/3)"``, or ``"–"`` for an empty share."""
        value = self.percent()
        del lang  # the same in zh and en
        return "–" if value is None else f"{value}% ({self.part}/{self.whole})"


def median(values: list[timedelta]) -> timedelta | None:
    """The median (mean of the middle two for an even count), ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@attrs.frozen(kw_only=True)
class MetricStats:
    """One metric over a group of complaints.

    Attributes:
        metric: The metric.
        timed: Complaints a rule times this metric for.
        met: Clocks stopped within target.
        breached: Clocks stopped late or still running past target.
        running: Clocks running within target (not decided yet).
        median: Median counted time of the stopped clocks.
        mean: Mean counted time of the stopped clocks.
    """

    metric: Metric
    timed: int
    met: int
    breached: int
    running: int
    median: timedelta | None
    mean: timedelta | None

    @property
    def on_time(self) -> Share:
        """Met among the decided clocks."""
        return Share(self.met, self.met + self.breached)


@attrs.frozen(kw_only=True)
class GroupStats:
    """The figures of one group of complaints.

    Attributes:
        complaints: How many.
        open: Not resolved as of the report.
        reopened: Reopened at least once, among all.
        repeats: Repeating an earlier complaint, among all.
        metrics: One entry per metric some rule timed.
    """

    complaints: int
    open: int
    reopened: Share
    repeats: Share
    metrics: tuple[MetricStats, ...] = attrs.field(repr=False)

    def metric(self, metric: Metric) -> MetricStats | None:
        """The figures of *metric*, if any complaint was timed for it."""
        for stats in self.metrics:
            if stats.metric is metric:
                return stats
        return None


@attrs.frozen(kw_only=True)
class ComplaintAnalysis:
    """The complaint analysis report.

    Attributes:
        at: The instant the report is made as of.
        overall: Every complaint.
        by_department: Per handling department (``"(unassigned)"`` when none), by name.
        by_month: Per month of registration (``"YYYY-MM"``), in order.
        root_causes: Root causes found, most frequent first.
        categories: Categories, most frequent first.
    """

    at: datetime = attrs.field(repr=_html.instant)
    overall: GroupStats
    by_department: tuple[tuple[str, GroupStats], ...] = attrs.field(repr=False)
    by_month: tuple[tuple[str, GroupStats], ...] = attrs.field(repr=False)
    root_causes: tuple[tuple[RootCause, int], ...] = attrs.field(repr=False)
    categories: tuple[tuple[str, int], ...] = attrs.field(repr=False)

    def _repr_html_(self) -> str:
        """The report's tables as HTML, in zh and en, for notebooks."""
        return _analysis_html(self)


@attrs.frozen
class _Row:
    """What the analysis keeps of one complaint: its facts and each clock's outcome.

    The clocks themselves (rules, timelines) are read once and dropped, so
    memory grows by about a complaint's facts per complaint, not by its
    clocks.
    """

    facts: ComplaintFacts
    measures: tuple[tuple[Metric, ClockStatus, timedelta | None], ...]
    repeat: bool
    month: str


def _counted(clock_spans: Iterable[tuple[datetime, datetime]], base: TimeBase) -> timedelta:
    return sum((base.between(a, b) for a, b in clock_spans), _ZERO)


def _measure(
    clock: MetricClock, base: TimeBase | None
) -> tuple[Metric, ClockStatus, timedelta | None]:
    """A clock's metric, status and (once stopped) its counted time, measured on *base*."""
    if clock.stop is None:
        return clock.metric, clock.status, None
    if base is None:
        return clock.metric, clock.status, clock.elapsed
    spans = [(s.start, s.end) for s in clock.timeline if s.kind is SpanKind.COUNTED]
    return clock.metric, clock.status, _counted(spans, base)


def _group(rows: list[_Row]) -> GroupStats:
    per_metric: dict[Metric, list[int]] = {}
    times: dict[Metric, list[timedelta]] = defaultdict(list)
    for row in rows:
        for metric, status, time in row.measures:
            counts = per_metric.setdefault(metric, [0, 0, 0, 0])
            counts[0] += 1
            if status is ClockStatus.MET:
                counts[1] += 1
            elif status is ClockStatus.BREACHED:
                counts[2] += 1
            elif status is not ClockStatus.NOT_STARTED:
                counts[3] += 1
            if time is not None:
                times[metric].append(time)
    metrics = []
    for metric in Metric:
        if metric not in per_metric:
            continue
        timed, met, breached, running = per_metric[metric]
        values = times[metric]
        metrics.append(
            MetricStats(
                metric=metric,
                timed=timed,
                met=met,
                breached=breached,
                running=running,
                median=median(values),
                mean=sum(values, _ZERO) / len(values) if values else None,
            )
        )
    return GroupStats(
        complaints=len(rows),
        open=sum(row.facts.is_open for row in rows),
        reopened=Share(sum(row.facts.reopen_count > 0 for row in rows), len(rows)),
        repeats=Share(sum(row.repeat for row in rows), len(rows)),
        metrics=tuple(metrics),
    )


def analyse(
    states: Iterable[ComplaintState],
    policy: SlaPolicy,
    at: datetime,
    *,
    calendar: TimeBase | None = None,
    repeat_policy: RepeatPolicy | None = None,
    top: int = 5,
    business_times: bool = True,
) -> ComplaintAnalysis:
    """The analysis of the complaints *states* as of *at*.

    Complaints registered after *at* are left out; events after *at* are
    ignored (see :func:`~pmcrm.complaints.clocks.state_at`).

    Args:
        states: The complaints.
        policy: The SLA policy the clocks follow.
        at: The instant of the report (aware).
        calendar: The business calendar: rules on business hours count on
            it, and times are measured on it.
        repeat_policy: How repeats are found (default
            :class:`~pmcrm.complaints.repeats.RepeatPolicy`).
        top: How many root causes and categories to list.
        business_times: Measure the times on *calendar* (the default), or,
            when false, each on its own rule's time base.
    """
    base = calendar if business_times else None
    rows: list[_Row] = []
    for state in states:
        if state.registration.at > at:
            continue
        past = state_at(state, at)
        assert past is not None  # noqa: S101 - registered by *at*
        f = facts(past)
        clocks = clocks_of(f, policy, at, calendar=calendar)
        zone = getattr(calendar, "timezone", None)
        local = f.registered_at if zone is None else f.registered_at.astimezone(zone)
        measures = tuple(_measure(clock, base) for clock in clocks.clocks)
        rows.append(_Row(facts=f, measures=measures, repeat=False, month=f"{local:%Y-%m}"))
    findings = {
        finding.complaint_id: finding.is_repeat
        for finding in find_repeats((r.facts for r in rows), repeat_policy or RepeatPolicy())
    }
    rows = [attrs.evolve(r, repeat=findings[r.facts.complaint_id]) for r in rows]
    by_department: dict[str, list[_Row]] = defaultdict(list)
    by_month: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_department[row.facts.department or UNASSIGNED].append(row)
        by_month[row.month].append(row)
    causes = Counter(r.facts.root_cause for r in rows if r.facts.root_cause is not None)
    categories = Counter(r.facts.category for r in rows)
    return ComplaintAnalysis(
        at=at,
        overall=_group(rows),
        by_department=tuple((k, _group(v)) for k, v in sorted(by_department.items())),
        by_month=tuple((k, _group(v)) for k, v in sorted(by_month.items())),
        root_causes=tuple(sorted(causes.items(), key=lambda kv: (-kv[1], kv[0].value)))[:top],
        categories=tuple(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0])))[:top],
    )


# --- rich display ---------------------------------------------------------------------

_COUNT = Label(zh="次数", en="Count")


def _duration(value: timedelta | None) -> _html.Text:
    if value is None:
        return "–"
    return Label(zh=duration_text(value, Lang.ZH), en=duration_text(value, Lang.EN))


def _groups(
    name: Label, groups: tuple[tuple[str, GroupStats], ...], heading: Label
) -> _html.Table:
    return _html.Table(
        (
            name,
            Label(zh="投诉数", en="Complaints"),
            Label(zh="未结", en="Open"),
            Label(zh="重开率", en="Reopened"),
            Label(zh="重复率", en="Repeats"),
        ),
        tuple(
            (key, str(g.complaints), str(g.open), g.reopened.text(), g.repeats.text())
            for key, g in groups
        ),
        heading,
        right=(1, 2, 3, 4),
    )


def _analysis_html(report: ComplaintAnalysis) -> str:
    overall = report.overall
    metrics = _html.Table(
        (
            Label(zh="指标", en="Metric"),
            Label(zh="计时", en="Timed"),
            Label(zh="按时", en="Met"),
            Label(zh="超时", en="Breached"),
            Label(zh="进行中", en="Running"),
            Label(zh="按时率", en="On time"),
            Label(zh="中位时长", en="Median"),
            Label(zh="平均时长", en="Mean"),
        ),
        tuple(
            (
                m.metric.label,
                str(m.timed),
                str(m.met),
                str(m.breached),
                str(m.running),
                m.on_time.text(),
                _duration(m.median),
                _duration(m.mean),
            )
            for m in overall.metrics
        ),
        Label(zh="时限达成", en="Time limits"),
        right=(1, 2, 3, 4, 5, 6, 7),
    )
    return _html.render(
        Label(zh="投诉分析", en="Complaint analysis"),
        _html.Fields(
            (
                (Label(zh="截至", en="As of"), report.at.strftime("%Y-%m-%d %H:%M")),
                (Label(zh="投诉数", en="Complaints"), str(overall.complaints)),
                (Label(zh="未结", en="Open"), str(overall.open)),
                (Label(zh="重开率", en="Reopened"), overall.reopened.text()),
                (Label(zh="重复率", en="Repeats"), overall.repeats.text()),
            )
        ),
        metrics,
        _groups(
            Label(zh="部门", en="Department"),
            report.by_department,
            Label(zh="按部门", en="By department"),
        ),
        _groups(
            Label(zh="月份", en="Month"), report.by_month, Label(zh="按登记月份", en="By month")
        ),
        _html.Table(
            (Label(zh="根本原因", en="Root cause"), _COUNT),
            tuple((cause.label, str(n)) for cause, n in report.root_causes),
            Label(zh="主要根本原因", en="Top root causes"),
            right=(1,),
        ),
        _html.Table(
            (Label(zh="类别", en="Category"), _COUNT),
            tuple((category, str(n)) for category, n in report.categories),
            Label(zh="主要类别", en="Top categories"),
            right=(1,),
        ),
    )
