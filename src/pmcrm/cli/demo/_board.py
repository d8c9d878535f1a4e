"""The complaint board's reading: its SLA clocks at 17:00 China Standard Time, in cells."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import attrs

from pmcrm.calendars.china import CHINA_STANDARD_TIME
from pmcrm.cli.demo._context import Demo, Json, _t
from pmcrm.complaints import (
    ClockStatus,
    ComplaintClocks,
    ComplaintFacts,
    MetricClock,
    clocks_of,
    duration_text,
    facts,
    state_at,
)
from pmcrm.errors import iso_duration

__all__ = ["BOARD_TIME", "board_instant"]

#: The time of day (China Standard Time) at which the complaint board reads its clocks.
BOARD_TIME = time(17, 0)


def board_instant(as_of: date) -> datetime:
    """When the complaint board reads the SLA clocks: 17:00 China Standard Time on *as_of*.

    >>> board_instant(date(2026, 11, 23)).isoformat()
    '2026-11-23T17:00:00+08:00'
    """
    return datetime.combine(as_of, BOARD_TIME, tzinfo=CHINA_STANDARD_TIME)


def _local(instant: datetime) -> str:
    """*instant* as ``MM-DD HH:MM`` China Standard Time."""
    return instant.astimezone(CHINA_STANDARD_TIME).strftime("%m-%d %H:%M")


def _urgency(clock: MetricClock) -> tuple[bool, timedelta, bool, datetime]:
    """Breached clocks first, the most overdue first; then the earliest due.

    A clock due past the calendar's coverage (no due time yet) comes last.
    """
    due = clock.due
    return (
        clock.status is not ClockStatus.BREACHED,
        -clock.overdue,
        due is None,
        clock.at if due is None else due,
    )


def _active(clocks: ComplaintClocks) -> list[MetricClock]:
    """The clocks that started and have not stopped (running, paused or running late)."""
    return [c for c in clocks.clocks if c.start is not None and c.stop is None]


def _flagged(clock: MetricClock) -> bool:
    """Breached, or past a warning level."""
    return clock.status is ClockStatus.BREACHED or clock.warning is not None


def _status_text(demo: Demo, clock: MetricClock) -> str:
    """``"running · 80%"``: the status, and the warning level reached, if any."""
    text = clock.status.text(demo.lang)
    return text if clock.warning is None else f"{text} · {clock.warning * 100:.0f}%"


def _due_text(clock: MetricClock) -> str:
    """The due time, ``*`` when it is provisional (the clock is paused)."""
    due = "–" if clock.due is None else _local(clock.due)
    return due + ("*" if clock.provisional else "")


def _left_text(demo: Demo, clock: MetricClock) -> str:
    """How late the clock is, or how much time it has left."""
    if clock.overdue:
        return demo.text(_t("超时 {d}", "late {d}")).format(
            d=duration_text(clock.overdue, demo.lang)
        )
    return demo.text(_t("剩 {d}", "{d} left")).format(d=duration_text(clock.remaining, demo.lang))


def _clock_json(demo: Demo, clock: MetricClock) -> Mapping[str, Json]:
    return {
        "metric": clock.metric.value,
        "metric_label": clock.metric.text(demo.lang),
        "status": clock.status.value,
        "status_label": clock.status.text(demo.lang),
        "warning": clock.warning,
        "due": None
        if clock.due is None
        else clock.due.astimezone(CHINA_STANDARD_TIME).isoformat(),
        "provisional": clock.provisional,
        "elapsed": iso_duration(clock.elapsed),
        "target": iso_duration(clock.target),
        "overdue": iso_duration(clock.overdue),
        "remaining": iso_duration(clock.remaining),
        "rule": clock.choice.explain(demo.lang),
    }


def _clock_cells(demo: Demo, clock: MetricClock) -> list[str]:
    return [
        clock.metric.text(demo.lang),
        _status_text(demo, clock),
        _due_text(clock),
        _left_text(demo, clock),
    ]


_CLOCK_HEADER = (
    _t("时钟", "Clock"),
    _t("状态", "Status"),
    _t("到期", "Due"),
    _t("超时/剩余", "Late/left"),
)


@attrs.frozen(kw_only=True)
class _Board:
    """What the complaint board reads, computed once per report."""

    at: datetime
    facts: tuple[ComplaintFacts, ...]
    clocks: tuple[ComplaintClocks, ...]
    open: tuple[tuple[ComplaintFacts, ComplaintClocks, MetricClock | None], ...]


def _read_board(demo: Demo, at: datetime) -> _Board:
    """The complaints registered by *at*, their clocks, and the open ones, most urgent first."""
    policy, calendar = demo.complaints.policy, demo.calendar
    states = [s for s in (state_at(s, at) for s in demo.complaint_states) if s is not None]
    all_facts = tuple(facts(s) for s in states)
    all_clocks = tuple(clocks_of(f, policy, at, calendar=calendar) for f in all_facts)
    rows = []
    for f, clocks in zip(all_facts, all_clocks, strict=True):
        if f.is_open:
            rows.append((f, clocks, min(_active(clocks), key=_urgency, default=None)))
    rows.sort(key=lambda r: (r[2] is None, () if r[2] is None else _urgency(r[2])))
    return _Board(at=at, facts=all_facts, clocks=all_clocks, open=tuple(rows))
