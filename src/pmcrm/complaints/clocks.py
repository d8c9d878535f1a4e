"""SLA clocks: for a complaint as of an instant, what is due when, paused, met or breached.

For each metric that a rule of the policy times (see
:func:`~pmcrm.complaints.sla.select_rule`), :func:`complaint_clocks` measures
on the rule's time base (24/7, or the business calendar):

* **start and stop** — first response, investigation and resolution start
  at the registration; the follow-up starts at the standing resolution.
  First response stops at the first contact with the customer, the
  investigation at the first investigation report — each also at the
  first resolution if that comes earlier (a resolution answers the
  customer); the resolution stops at the standing resolution; the
  follow-up at the follow-up after it;
* **paused time** — the pauses whose reason the rule lists, measured on the
  same time base;
* **excluded time** — on **reopening**, the resolution clock goes on from
  where it stopped: the time from the resolution that did not hold to the
  reopening is not counted (nobody knew the work was unfinished), and the
  verdict (met or breached) is taken again at the next resolution.  The
  follow-up clock starts again at the new resolution;
* **elapsed** = the counted time; ``elapsed + paused + excluded`` is the
  whole span from the start to the stop (or to *at*) on that time base;
* **due** — the instant the counted time reaches the target.  While the
  clock is paused the due time is provisional (*if resumed now*); pausing
  never makes a deadline earlier;
* **status** — not started, running, paused, met (stopped with elapsed at
  most the target: the deadline itself is on time) or breached (stopped
  late, or still running past the target), and the highest warning level
  reached while running.

Events later than *at* are ignored, so the same events give the clock of
any past instant.  Every clock explains itself with a timeline of what was
counted and what was paused (:meth:`MetricClock.explain`).
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction

import attrs

from pmcrm import _html
from pmcrm.calendars import ContinuousTime, TimeBase
from pmcrm.complaints.facts import ComplaintFacts, facts
from pmcrm.complaints.lifecycle import ComplaintState, replay
from pmcrm.complaints.model import PauseReason
from pmcrm.complaints.sla import (
    Metric,
    RuleChoice,
    SlaPolicy,
    SlaRule,
    TimeBasis,
    duration_text,
    select_rule,
)
from pmcrm.errors import CalendarCoverageError, InvalidValue, PmcrmError
from pmcrm.values import Label, LabelledEnum, Lang

__all__ = [
    "ClockStatus",
    "ComplaintClocks",
    "MetricClock",
    "Span",
    "SpanKind",
    "clocks_of",
    "complaint_clocks",
    "measure",
    "metric_window",
    "state_at",
]

_ZERO = timedelta(0)
_MICROSECOND = timedelta(microseconds=1)


class ClockStatus(LabelledEnum):
    """Where an SLA clock stands."""

    NOT_STARTED = "not_started", "未开始", "not started"
    RUNNING = "running", "计时中", "running"
    PAUSED = "paused", "已暂停", "paused"
    MET = "met", "按时完成", "met"
    BREACHED = "breached", "已超时", "breached"


class SpanKind(LabelledEnum):
    """How a stretch of a clock's window was treated."""

    COUNTED = "counted", "计时", "counted"
    PAUSED = "paused", "暂停", "paused"
    EXCLUDED = "excluded", "不计（已解决，后重新打开）", "not counted (resolved, later reopened)"


@attrs.frozen(kw_only=True)
class Span:
    """One stretch of a clock's timeline.

    Attributes:
        kind: Counted, paused or excluded.
        start: Where it begins.
        end: Where it ends.
        duration: Its length on the clock's time base.
        pause_reason: For a pause, who held the next step.
    """

    kind: SpanKind
    start: datetime
    end: datetime
    duration: timedelta
    pause_reason: PauseReason | None = None


@attrs.frozen(kw_only=True)
class MetricClock:
    """One metric's clock for one complaint as of an instant.

    Attributes:
        metric: What it times.
        choice: The rule that applies and why.
        at: The instant it is read at.
        time_base: The name of the time base it counts on.
        zone: The time base's time zone (a business calendar's), in which the
            explanation shows instants; ``None`` shows each in its own offset.
        start: Where it started (``None``: not started).
        stop: Where it stopped (``None``: still running, or not started).
        due: When the counted time reaches the target (``None`` when the clock
            has not started, or when that lies past the calendar's coverage).
        provisional: The due time assumes the clock resumes now (it is paused).
        elapsed: Counted time.
        paused: Paused time (on the same time base).
        excluded: Time not counted between a resolution and its reopening.
        remaining: Target minus elapsed, not below zero.
        overdue: Elapsed minus target, not below zero.
        status: Where the clock stands.
        warning: The highest warning level reached while running, if any.
        timeline: What was counted, paused or excluded, in order.
    """

    metric: Metric
    choice: RuleChoice = attrs.field(repr=False)
    at: datetime = attrs.field(repr=False)
    time_base: str = attrs.field(repr=False)
    zone: tzinfo | None = attrs.field(repr=False)
    start: datetime | None = attrs.field(repr=False)
    stop: datetime | None = attrs.field(repr=False)
    due: datetime | None = attrs.field(repr=_html.instant)
    provisional: bool = attrs.field(repr=False)
    elapsed: timedelta
    paused: timedelta = attrs.field(repr=False)
    excluded: timedelta = attrs.field(repr=False)
    remaining: timedelta = attrs.field(repr=False)
    overdue: timedelta = attrs.field(repr=False)
    status: ClockStatus
    warning: Decimal | None
    timeline: tuple[Span, ...] = attrs.field(repr=False)

    @property
    def rule(self) -> SlaRule:
        """The rule that applies."""
        return self.choice.rule

    @property
    def target(self) -> timedelta:
        """The rule's target."""
        return self.choice.rule.target

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """Why the clock reads what it does: the rule, the timeline and the verdict."""
        return "\n".join(explain_lines(self, lang))

    def _repr_html_(self) -> str:
        """The figures and the timeline as HTML, in zh and en, for notebooks."""
        return _clock_html(self)


@attrs.frozen(kw_only=True)
class ComplaintClocks:
    """Every SLA clock of one complaint as of an instant.

    Attributes:
        complaint_id: The complaint.
        at: The instant.
        clocks: One clock per metric the policy times, in
            :class:`~pmcrm.complaints.sla.Metric` order.
    """

    complaint_id: str
    at: datetime = attrs.field(repr=_html.instant)
    clocks: tuple[MetricClock, ...] = attrs.field(repr=False)

    def get(self, metric: Metric) -> MetricClock | None:
        """The clock of *metric*, or ``None`` when no rule times it."""
        for clock in self.clocks:
            if clock.metric is metric:
                return clock
        return None

    @property
    def breached(self) -> tuple[MetricClock, ...]:
        """The clocks that are breached."""
        return tuple(c for c in self.clocks if c.status is ClockStatus.BREACHED)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """Every clock's explanation, one after the other."""
        return "\n\n".join(c.explain(lang) for c in self.clocks)

    def _repr_html_(self) -> str:
        """A row per clock, then each clock's timeline, as HTML, for notebooks."""
        return _clocks_html(self)


def state_at(state: ComplaintState, at: datetime) -> ComplaintState | None:
    """*state* as it stood at *at*: only the events up to *at* (``None`` before registration)."""
    if state.updated_at <= at:
        return state
    kept = [e for e in state.events if e.at <= at]
    return replay(kept) if kept else None


def _earliest(*instants: datetime | None) -> datetime | None:
    present = [i for i in instants if i is not None]
    return min(present) if present else None


def metric_window(
    metric: Metric, f: ComplaintFacts
) -> tuple[datetime | None, datetime | None, tuple[tuple[datetime, datetime], ...]]:
    """Where *metric*'s clock starts and stops, and the spans it never counts.

    Returns:
        ``(start, stop, excluded)``: *start* is ``None`` when the clock has
        not started, *stop* ``None`` while it runs; *excluded* are the
        resolution-to-reopening spans of the resolution clock.
    """
    if metric is Metric.FIRST_RESPONSE:
        return f.registered_at, _earliest(f.first_contact_at, f.first_resolved_at), ()
    if metric is Metric.INVESTIGATION:
        return f.registered_at, _earliest(f.investigated_at, f.first_resolved_at), ()
    if metric is Metric.RESOLUTION:
        gaps = tuple((r.resolved_at, r.reopened_at) for r in f.reopenings)
        return f.registered_at, f.resolved_at, gaps
    return f.resolved_at, f.followed_up_at, ()


def _clip(
    spans: Iterable[tuple[datetime, datetime | None]], start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    for a, b in spans:
        lo = max(a, start)
        hi = end if b is None else min(b, end)
        if lo < hi:
            yield lo, hi


def measure(
    metric: Metric,
    choice: RuleChoice,
    f: ComplaintFacts,
    at: datetime,
    time_base: TimeBase,
    *,
    warnings: tuple[Decimal, ...] = (),
) -> MetricClock:
    """The clock of *metric* for the complaint *f* as of *at*, on *time_base*.

    *f* must hold only events up to *at* (see :func:`state_at`).
    """
    rule = choice.rule
    target = rule.target
    start, stop, gaps = metric_window(metric, f)
    if start is None:
        return _not_started(metric, choice, at, time_base)
    stopped = stop is not None
    end = stop if stop is not None else at
    pauses = [(p.start, p.end, p.reason) for p in f.pauses if p.reason in rule.pause_on]
    holes: list[tuple[datetime, datetime, SpanKind, PauseReason | None]] = [
        (a, b, SpanKind.EXCLUDED, None) for a, b in _clip(gaps, start, end)
    ]
    for a, b, why in pauses:
        holes.extend((lo, hi, SpanKind.PAUSED, why) for lo, hi in _clip([(a, b)], start, end))
    holes.sort()  # they never overlap: by start
    between = time_base.between
    timeline: list[Span] = []
    cursor = start
    for a, b, kind, reason in holes:
        if cursor < a:
            timeline.append(_span(SpanKind.COUNTED, cursor, a, between))
        timeline.append(_span(kind, a, b, between, reason))
        cursor = b
    if cursor < end or not timeline:
        timeline.append(_span(SpanKind.COUNTED, cursor, end, between))
    elapsed = sum((s.duration for s in timeline if s.kind is SpanKind.COUNTED), _ZERO)
    paused = sum((s.duration for s in timeline if s.kind is SpanKind.PAUSED), _ZERO)
    excluded = sum((s.duration for s in timeline if s.kind is SpanKind.EXCLUDED), _ZERO)
    in_pause = not stopped and any(a <= at and (b is None or b > at) for a, b, _ in pauses)
    due: datetime | None
    try:
        due, provisional = _due(timeline, target, end, in_pause, time_base)
    except CalendarCoverageError:
        # The target lies past the calendar's last day: the clock still counts,
        # but its due time cannot be known until the calendar is extended.
        due, provisional = None, in_pause
    status = _status(stopped, in_pause, elapsed, target)
    return MetricClock(
        metric=metric,
        choice=choice,
        at=at,
        time_base=time_base.name,
        zone=_zone(time_base),
        start=start,
        stop=stop,
        due=due,
        provisional=provisional,
        elapsed=elapsed,
        paused=paused,
        excluded=excluded,
        remaining=max(target - elapsed, _ZERO),
        overdue=max(elapsed - target, _ZERO),
        status=status,
        warning=_warning(status, elapsed, target, warnings),
        timeline=tuple(timeline),
    )


def _span(
    kind: SpanKind,
    start: datetime,
    end: datetime,
    between: Callable[[datetime, datetime], timedelta],
    reason: PauseReason | None = None,
) -> Span:
    return Span(kind=kind, start=start, end=end, duration=between(start, end), pause_reason=reason)


def _due(
    timeline: list[Span], target: timedelta, end: datetime, in_pause: bool, tb: TimeBase
) -> tuple[datetime, bool]:
    """The instant the counted time reaches *target*, and whether it is provisional."""
    counted = _ZERO
    for span in timeline:
        if span.kind is SpanKind.COUNTED:
            if counted + span.duration >= target:
                return tb.add(span.start, target - counted), False
            counted += span.duration
    # Not reached yet: the clock goes on from the end of its window.
    return tb.add(end, target - counted), in_pause


def _status(stopped: bool, in_pause: bool, elapsed: timedelta, target: timedelta) -> ClockStatus:
    """Met or breached once stopped; breached, paused or running while open."""
    if elapsed > target:
        return ClockStatus.BREACHED
    if stopped:
        return ClockStatus.MET
    if in_pause:
        return ClockStatus.PAUSED
    return ClockStatus.RUNNING


def _warning(
    status: ClockStatus, elapsed: timedelta, target: timedelta, levels: tuple[Decimal, ...]
) -> Decimal | None:
    """The highest level whose share of *target* an open, unbreached clock has used."""
    if status not in (ClockStatus.RUNNING, ClockStatus.PAUSED):
        return None
    # Exact: whole microseconds as a fraction, compared with each decimal level.
    used = Fraction(elapsed // _MICROSECOND, target // _MICROSECOND)
    reached = None
    for level in levels:
        if used >= level:
            reached = level
    return reached


def _not_started(metric: Metric, choice: RuleChoice, at: datetime, tb: TimeBase) -> MetricClock:
    return MetricClock(
        metric=metric,
        choice=choice,
        at=at,
        time_base=tb.name,
        zone=_zone(tb),
        start=None,
        stop=None,
        due=None,
        provisional=False,
        elapsed=_ZERO,
        paused=_ZERO,
        excluded=_ZERO,
        remaining=choice.rule.target,
        overdue=_ZERO,
        status=ClockStatus.NOT_STARTED,
        warning=None,
        timeline=(),
    )


def complaint_clocks(
    state: ComplaintState,
    policy: SlaPolicy,
    at: datetime,
    *,
    calendar: TimeBase | None = None,
) -> ComplaintClocks:
    """Every SLA clock of the complaint *state* as of *at*.

    Args:
        state: The complaint (events after *at* are ignored).
        policy: The SLA rules.
        at: The instant to read the clocks at (aware).
        calendar: The business calendar, required when a rule that applies
            counts business hours.

    Raises:
        InvalidValue: *at* is naive, or is before the registration.
        PmcrmError: a rule counts business hours and no calendar was given.
        CalendarCoverageError: the calendar does not cover the clock's span.
    """
    if at.utcoffset() is None:
        raise InvalidValue("at", "naive_datetime", value=at.isoformat())
    current = state_at(state, at)
    if current is None:
        raise InvalidValue(
            "at",
            "order",
            value=at.isoformat(),
            other=f"the registration ({state.registration.at.isoformat()})",
            other_zh=f"登记时间（{state.registration.at.isoformat()}）",
        )
    return clocks_of(facts(current), policy, at, calendar=calendar)


def clocks_of(
    f: ComplaintFacts,
    policy: SlaPolicy,
    at: datetime,
    *,
    calendar: TimeBase | None = None,
) -> ComplaintClocks:
    """As :func:`complaint_clocks`, from the facts of the complaint as it stood at *at*."""
    continuous = ContinuousTime()
    clocks = []
    for metric in Metric:
        choice = select_rule(policy, metric, f.complaint_type, f.severity, f.emergency)
        if choice is None:
            continue
        time_base: TimeBase = continuous
        if choice.rule.basis is TimeBasis.BUSINESS:
            if calendar is None:
                raise PmcrmError(
                    f"the {metric.value} rule of policy {policy.name!r} counts business "
                    "hours: pass the business calendar (calendar=...)"
                )
            time_base = calendar
        clocks.append(measure(metric, choice, f, at, time_base, warnings=policy.warnings))
    return ComplaintClocks(complaint_id=f.complaint_id, at=at, clocks=tuple(clocks))


def _zone(time_base: TimeBase) -> tzinfo | None:
    zone = getattr(time_base, "timezone", None)
    return zone if isinstance(zone, tzinfo) else None


def _when(instant: datetime, zone: tzinfo | None) -> str:
    local = instant if zone is None else instant.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M")


def explain_lines(clock: MetricClock, lang: Lang | str = Lang.EN) -> Iterator[str]:
    """The lines of :meth:`MetricClock.explain`."""
    zh = Lang(lang) is Lang.ZH
    yield clock.choice.explain(lang)
    if clock.start is None:
        yield "  尚未开始计时" if zh else "  not started yet"
        return
    for span in clock.timeline:
        length = duration_text(span.duration, lang)
        spell = f"{_when(span.start, clock.zone)} – {_when(span.end, clock.zone)}"
        if span.kind is SpanKind.PAUSED and span.pause_reason is not None:
            label = (
                f"{span.kind.text(lang)}（{span.pause_reason.text(lang)}）"
                if zh
                else (f"{span.kind.text(lang)} ({span.pause_reason.text(lang)})")
            )
        else:
            label = span.kind.text(lang)
        yield f"  {label}：{spell}，{length}" if zh else f"  {label}: {spell}, {length}"
    figures = (
        duration_text(clock.elapsed, lang),
        duration_text(clock.target, lang),
        clock.status.text(lang),
    )
    if clock.due is not None:
        due = _when(clock.due, clock.zone)
    else:
        due = "（超出日历覆盖范围）" if zh else "(past the calendar's coverage)"
    if zh:
        note = "（假设现在恢复）" if clock.provisional else ""
        yield f"  已计 {figures[0]} / 时限 {figures[1]}，到期 {due}{note}：{figures[2]}"
    else:
        note = " (if resumed now)" if clock.provisional else ""
        yield f"  counted {figures[0]} of {figures[1]}, due {due}{note}: {figures[2]}"
    if clock.overdue:
        late = duration_text(clock.overdue, lang)
        yield f"  超时 {late}" if zh else f"  late by {late}"
    elif clock.warning is not None:
        share = f"{clock.warning * 100:.0f}%"
        yield f"  预警：已用时限的 {share}" if zh else f"  warning: {share} of the target used"


# --- rich display ---------------------------------------------------------------------


def _durations(value: timedelta) -> Label:
    return Label(zh=duration_text(value, Lang.ZH), en=duration_text(value, Lang.EN))


def _instant(instant: datetime | None, zone: tzinfo | None) -> str:
    return "–" if instant is None else _when(instant, zone)


def _due_text(clock: MetricClock) -> _html.Text:
    """The due time as :func:`explain_lines` words it (``–`` for a clock not started)."""
    if clock.start is None:
        return "–"
    if clock.due is None:
        return Label(zh="（超出日历覆盖范围）", en="(past the calendar's coverage)")
    due = _when(clock.due, clock.zone)
    if clock.provisional:
        return Label(zh=f"{due}（假设现在恢复）", en=f"{due} (if resumed now)")
    return due


def _warning_text(clock: MetricClock) -> str:
    return "–" if clock.warning is None else f"{clock.warning * 100:.0f}%"


def _timeline(clock: MetricClock, heading: _html.Text | None = None) -> _html.Table:
    rows = []
    for span in clock.timeline:
        kind: _html.Text = span.kind.label
        if span.kind is SpanKind.PAUSED and span.pause_reason is not None:
            why = span.pause_reason.label
            kind = Label(
                zh=f"{span.kind.label.zh}（{why.zh}）", en=f"{span.kind.label.en} ({why.en})"
            )
        rows.append(
            (
                kind,
                _when(span.start, clock.zone),
                _when(span.end, clock.zone),
                _durations(span.duration),
            )
        )
    return _html.Table(
        (
            Label(zh="类型", en="Kind"),
            Label(zh="开始", en="Start"),
            Label(zh="结束", en="End"),
            Label(zh="时长", en="Duration"),
        ),
        tuple(rows),
        heading,
        right=(3,),
    )


def _clock_html(clock: MetricClock) -> str:
    zone = clock.zone
    return _html.render(
        Label(zh=f"SLA 时钟：{clock.metric.label.zh}", en=f"SLA clock: {clock.metric.label.en}"),
        _html.Fields(
            (
                (Label(zh="状态", en="Status"), clock.status.label),
                (Label(zh="到期", en="Due"), _due_text(clock)),
                (Label(zh="时限", en="Target"), _durations(clock.target)),
                (Label(zh="已计", en="Elapsed"), _durations(clock.elapsed)),
                (Label(zh="剩余", en="Remaining"), _durations(clock.remaining)),
                (Label(zh="超时", en="Overdue"), _durations(clock.overdue)),
                (Label(zh="暂停", en="Paused"), _durations(clock.paused)),
                (Label(zh="不计", en="Excluded"), _durations(clock.excluded)),
                (Label(zh="预警", en="Warning"), _warning_text(clock)),
                (Label(zh="开始", en="Start"), _instant(clock.start, zone)),
                (Label(zh="停止", en="Stop"), _instant(clock.stop, zone)),
                (Label(zh="读取时间", en="Read at"), _when(clock.at, zone)),
                (Label(zh="时间基准", en="Time base"), clock.time_base),
                (
                    Label(zh="规则", en="Rule"),
                    Label(zh=clock.choice.explain(Lang.ZH), en=clock.choice.explain(Lang.EN)),
                ),
            )
        ),
        *([_timeline(clock, Label(zh="计时明细", en="Timeline"))] if clock.timeline else []),
    )


def _clocks_html(clocks: ComplaintClocks) -> str:
    summary = _html.Table(
        (
            Label(zh="指标", en="Metric"),
            Label(zh="状态", en="Status"),
            Label(zh="时限", en="Target"),
            Label(zh="已计", en="Elapsed"),
            Label(zh="剩余", en="Remaining"),
            Label(zh="超时", en="Overdue"),
            Label(zh="到期", en="Due"),
            Label(zh="预警", en="Warning"),
        ),
        tuple(
            (
                c.metric.label,
                c.status.label,
                _durations(c.target),
                _durations(c.elapsed),
                _durations(c.remaining),
                _durations(c.overdue),
                _due_text(c),
                _warning_text(c),
            )
            for c in clocks.clocks
        ),
        right=(2, 3, 4, 5),
    )
    timelines = (
        _timeline(
            c,
            Label(zh=f"{c.metric.label.zh}：计时明细", en=f"{c.metric.label.en}: timeline"),
        )
        for c in clocks.clocks
        if c.timeline
    )
    return _html.render(
        Label(zh="SLA 时钟", en="SLA clocks"),
        _html.Fields(
            (
                (Label(zh="投诉", en="Complaint"), clocks.complaint_id),
                (Label(zh="读取时间", en="Read at"), _when(clocks.at, None)),
            )
        ),
        summary,
        *timelines,
    )
