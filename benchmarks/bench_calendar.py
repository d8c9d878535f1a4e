"""D1-D3: business-time arithmetic on the mainland-China statutory calendar.

The calendar is the shipped ``pmcrm/data/calendar_cn.json`` (2025-2026,
Mon-Fri 09:00-12:00 and 13:30-18:00, statutory holidays and 调休 make-up
Saturdays, ``Asia/Shanghai``: a ``ZoneInfo``), loaded with the strict
converter.  The instants are seeded random whole seconds from 2025-01-01 to
2026-09-15, each written as ISO 8601 text with a ``+08:00`` offset and read
back with ``datetime.fromisoformat`` — as a complaint event's instant
arrives from JSON: its own ``datetime.timezone(timedelta(hours=8))``
object, equal to but not the same object as any other instant's.  Most fall
outside working time, as complaints do.  Each timed call handles a chunk of
:data:`CHUNK` instants, so that the timer's own cost is not charged per
question.

* **Baseline**: a tight day-by-day interval walk written here, the way a
  competent developer would: weekday schedules precomputed as
  ``timedelta`` offsets from midnight, holidays and make-up days as
  frozensets, one local midnight per day and wall-clock arithmetic in the
  calendar's zone (correct for China, which has no daylight saving).  For
  each local day from the start it takes the day's intervals (holiday:
  none, make-up day: Monday's) and consumes them.
* **pmcrm**: :meth:`BusinessCalendar.add` and :meth:`BusinessCalendar.between`
  (prefix sums over the coverage, bisection).
* **Peer**: the ``businesstimedelta`` package, the same calendar as two
  ``WorkDayRule`` (morning and afternoon) and a ``HolidayRule`` with
  ``pytz``'s ``Asia/Shanghai``.  It has no make-up working days (调休), so it
  is compared on the same calendar *without* them, against the walk and
  pmcrm on that calendar, timed in a separate interleaved run.

D1 is a 2-hour due date, D2 the cost of a 72-hour due date over a 2-hour
one (pmcrm should not care how long the target is), D3 the working time of
a complaint open 1-10 days: both instants in ``+08:00`` as above, the
offset of the calendar's zone, which pmcrm answers from its day tables
without converting the instants.  Context rows of D3 time the same spans
given in other zones against the walk on the same inputs: both instants in
UTC, both in the calendar's ``ZoneInfo`` (pmcrm's own results are in it),
and from ``+08:00`` to UTC (an event to a clock read in UTC); these take
pmcrm's general path (a conversion to absolute time and a bisection).
Before timing, every candidate's answer on every instant is checked equal
to the walk's.
"""

import importlib.resources
import json
import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from benchmarks._harness import Config, Row, Section, interleave, ratio_row, timed_row
from pmcrm.calendars import BusinessCalendar
from pmcrm.errors import CalendarCoverageError
from pmcrm.serialization import structure

CHUNK = 50
#: Chunks per run (and, for the peer, fewer: it is slow).
CHUNKS = {True: 40, False: 100}
PEER_CHUNKS = {True: 8, False: 20}
TWO_HOURS = timedelta(hours=2)
SEVENTY_TWO_HOURS = timedelta(hours=72)
ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
OFFSET = timezone(timedelta(hours=8))
FIRST = datetime(2025, 1, 1, tzinfo=OFFSET)
LAST = datetime(2026, 9, 15, tzinfo=OFFSET)


def shipped_calendar() -> BusinessCalendar:
    """The shipped China calendar, through the strict converter."""
    path = importlib.resources.files("pmcrm.data").joinpath("calendar_cn.json")
    return structure(json.loads(path.read_text("utf-8")), BusinessCalendar)


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second)


class DayWalk:
    """The baseline: a day-by-day walk over each local day's working intervals."""

    def __init__(self, cal: BusinessCalendar) -> None:
        self.tz = cal.timezone
        week: dict[int, list[tuple[timedelta, timedelta]]] = {w: [] for w in range(1, 8)}
        for h in cal.hours:
            week[h.weekday].append((_offset(h.start), _offset(h.end)))
        self.week: tuple[tuple[tuple[timedelta, timedelta], ...], ...] = (
            (),
            *(tuple(sorted(week[w])) for w in range(1, 8)),
        )
        self.make_up = self.week[cal.make_up_as]
        self.holidays = frozenset(cal.holidays)
        self.workdays = frozenset(cal.workdays)
        self.name, self.first_day, self.last_day = cal.name, cal.first_day, cal.last_day

    def _refuse(self, day: date) -> CalendarCoverageError:
        return CalendarCoverageError(self.name, day, self.first_day, self.last_day)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant with *duration* of working time after *start*."""
        tz = self.tz
        local = start.astimezone(tz)
        day = local.date()
        if not self.first_day <= day <= self.last_day:
            raise self._refuse(day)
        holidays, workdays, week, make_up, last = (
            self.holidays,
            self.workdays,
            self.week,
            self.make_up,
            self.last_day,
        )
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
        remaining = duration
        while True:
            if day in holidays:
                hours: tuple[tuple[timedelta, timedelta], ...] = ()
            elif day in workdays:
                hours = make_up
            else:
                hours = week[day.isoweekday()]
            for s, e in hours:
                end = midnight + e
                if end <= local:
                    continue
                begin = midnight + s
                if begin < local:  # noqa: PLR1730 - faster than max() in this loop
                    begin = local
                available = end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += ONE_DAY
            if day > last:
                raise self._refuse(day)
            midnight += ONE_DAY

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from *start* to *end* (``start <= end``)."""
        tz = self.tz
        la, lb = start.astimezone(tz), end.astimezone(tz)
        day, last = la.date(), lb.date()
        if not self.first_day <= day <= last <= self.last_day:
            raise self._refuse(day if day < self.first_day else last)
        holidays, workdays, week, make_up = self.holidays, self.workdays, self.week, self.make_up
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
        total = ZERO
        while day <= last:
            if day in holidays:
                hours: tuple[tuple[timedelta, timedelta], ...] = ()
            elif day in workdays:
                hours = make_up
            else:
                hours = week[day.isoweekday()]
            for s, e in hours:
                begin, finish = midnight + s, midnight + e
                if begin < la:  # noqa: PLR1730 - faster than max() in this loop
                    begin = la
                if finish > lb:  # noqa: PLR1730 - faster than min() in this loop
                    finish = lb
                if finish > begin:
                    total += finish - begin
            day += ONE_DAY
            midnight += ONE_DAY
        return total


def make_peer(cal: BusinessCalendar) -> tuple[Callable[[datetime], datetime], Any]:
    """``businesstimedelta`` rules for *cal* (which must have no make-up days)."""
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone("Asia/Shanghai")
    days = sorted({h.weekday - 1 for h in cal.hours})
    spans = sorted({(h.start, h.end) for h in cal.hours})
    rules = btd.Rules(
        [btd.WorkDayRule(start_time=s, end_time=e, working_days=days, tz=tz) for s, e in spans]
        + [btd.HolidayRule(frozenset(cal.holidays), tz=tz)]
    )
    two_hours = btd.BusinessTimeDelta(rules, hours=2)

    def add_two_hours(start: datetime) -> datetime:
        return start + two_hours  # type: ignore[no-any-return]

    return add_two_hours, rules


def from_json(at: datetime) -> datetime:
    """*at* written as ISO 8601 text and read back, as from JSON (a tzinfo of its own)."""
    return datetime.fromisoformat(at.isoformat())


def instants(seed: int, count: int) -> list[datetime]:
    """*count* seeded instants, whole seconds, ``+08:00``, as read from JSON."""
    rng = random.Random(seed * 7919 + 2)
    span = int((LAST - FIRST).total_seconds())
    return [from_json(FIRST + timedelta(seconds=rng.randrange(span))) for _ in range(count)]


def open_spans(seed: int, count: int) -> list[tuple[datetime, datetime]]:
    """*count* (opened, now) pairs, 1-10 days apart, as read from JSON."""
    rng = random.Random(seed * 7919 + 3)
    starts = instants(seed, count)
    return [
        (s, from_json(s + timedelta(seconds=rng.randrange(86_400, 10 * 86_400)))) for s in starts
    ]


def _chunks(items: list[Any], count: int) -> list[list[Any]]:
    return [items[k * CHUNK : (k + 1) * CHUNK] for k in range(count)]


@attrs.frozen
class _Work:
    cal: BusinessCalendar
    walk: DayWalk
    starts: list[list[datetime]]
    spans: list[list[tuple[datetime, datetime]]]


def _work(cfg: Config) -> _Work:
    cal = shipped_calendar()
    count = CHUNKS[cfg.quick]
    return _Work(
        cal,
        DayWalk(cal),
        _chunks(instants(cfg.seed, count * CHUNK), count),
        _chunks(open_spans(cfg.seed, count * CHUNK), count),
    )


def _adder(add: Callable[[datetime, timedelta], datetime], d: timedelta) -> Callable[[Any], Any]:
    def run(chunk: list[datetime]) -> list[datetime]:
        return [add(t, d) for t in chunk]

    return run


def _meter(between: Callable[[datetime, datetime], timedelta]) -> Callable[[Any], Any]:
    def run(chunk: list[tuple[datetime, datetime]]) -> list[timedelta]:
        return [between(a, b) for a, b in chunk]

    return run


def _disagree(candidates: dict[str, Callable[[Any], Any]], chunks: list[Any]) -> str | None:
    """The first candidate whose answers differ from the first candidate's, if any."""
    (base_name, base), *others = candidates.items()
    for chunk in chunks:
        expected = base(chunk)
        for name, fn in others:
            if fn(chunk) != expected:
                return f"{name} differs from {base_name}"
    return None


def _per_question(row: Row) -> Row:
    if row.value is not None:
        row.value /= CHUNK
    return row


def _note(cfg: Config, count: int, timings_note: str) -> list[str]:
    return [
        f"{count * CHUNK:,} seeded instants in chunks of {CHUNK}, {cfg.rounds} interleaved "
        "rounds; answers checked equal to the day walk's first; times per question",
        timings_note,
    ]


def run_d1(cfg: Config) -> Section:
    """D1: a 2-hour due date, pmcrm against the day walk (and the businesstimedelta peer)."""
    section = Section("D1", "business-time due date, 2 h target")
    work = _work(cfg)
    candidates = {
        "walk": _adder(work.walk.add, TWO_HOURS),
        "pmcrm": _adder(work.cal.add, TWO_HOURS),
    }
    failed = _disagree(candidates, work.starts)
    if failed:
        section.failed = failed
        return section
    timings = interleave({k: (fn, work.starts) for k, fn in candidates.items()}, cfg.rounds)
    t = timings.times
    section.rows = [
        _per_question(timed_row("D1", "day-by-day interval walk", t, "walk", "walk")),
        _per_question(
            timed_row("D1", "pmcrm BusinessCalendar.add", t, "pmcrm", "walk", target=1.3)
        ),
    ]
    section.notes = _note(cfg, len(work.starts), timings.note())
    _peer(cfg, work, section)
    return section


def _peer(cfg: Config, work: _Work, section: Section) -> None:
    """The businesstimedelta rows, on the calendar without make-up days."""
    try:
        peer_add, _rules = make_peer(attrs.evolve(work.cal, workdays=()))
    except ImportError as exc:
        section.notes.append(f"businesstimedelta peer skipped: {exc}")
        return
    plain = attrs.evolve(work.cal, workdays=())
    walk = DayWalk(plain)
    chunks = work.starts[: PEER_CHUNKS[cfg.quick]]
    candidates = {
        "walk": _adder(walk.add, TWO_HOURS),
        "pmcrm": _adder(plain.add, TWO_HOURS),
        "peer": lambda chunk: [peer_add(t) for t in chunk],
    }
    failed = _disagree(candidates, chunks)
    if failed:
        section.notes.append(f"businesstimedelta peer skipped: {failed}")
        return
    rounds = max(3, cfg.rounds // 3)
    timings = interleave({k: (fn, chunks) for k, fn in candidates.items()}, rounds)
    t = timings.times
    section.rows += [
        ratio_row(
            "D1",
            "peer run: pmcrm / walk (no 调休 days)",
            t,
            "pmcrm",
            "walk",
            target=None,
            note="context: the calendar without make-up days, which the peer cannot express",
        ),
        _per_question(
            timed_row(
                "D1",
                "businesstimedelta (no 调休 days)",
                t,
                "peer",
                "walk",
                note=f"context: peer; {len(chunks) * CHUNK:,} instants, {rounds} rounds",
            )
        ),
    ]


def run_d2(cfg: Config) -> Section:
    """D2: the cost of a 72-hour due date against a 2-hour one."""
    section = Section("D2", "due-date cost against target length")
    work = _work(cfg)
    pairs = {
        "pmcrm 2h": _adder(work.cal.add, TWO_HOURS),
        "pmcrm 72h": _adder(work.cal.add, SEVENTY_TWO_HOURS),
        "walk 2h": _adder(work.walk.add, TWO_HOURS),
        "walk 72h": _adder(work.walk.add, SEVENTY_TWO_HOURS),
    }
    for short, long in (("walk 2h", "pmcrm 2h"), ("walk 72h", "pmcrm 72h")):
        failed = _disagree({short: pairs[short], long: pairs[long]}, work.starts)
        if failed:
            section.failed = failed
            return section
    timings = interleave({k: (fn, work.starts) for k, fn in pairs.items()}, cfg.rounds)
    t = timings.times
    section.rows = [
        _per_question(timed_row("D2", "pmcrm add, 2 h", t, "pmcrm 2h", "pmcrm 2h")),
        _per_question(
            timed_row("D2", "pmcrm add, 72 h: t(72 h) / t(2 h)", t, "pmcrm 72h", "pmcrm 2h")
        ),
        ratio_row("D2", "  ratio t(72 h) / t(2 h), pmcrm", t, "pmcrm 72h", "pmcrm 2h", target=1.5),
        ratio_row(
            "D2",
            "  ratio t(72 h) / t(2 h), day walk",
            t,
            "walk 72h",
            "walk 2h",
            target=None,
            note="context: the walk's cost grows with the target",
        ),
        _per_question(
            timed_row(
                "D2",
                "  pmcrm 72 h against the walk, 72 h",
                t,
                "pmcrm 72h",
                "walk 72h",
                note="context",
            )
        ),
    ]
    section.notes = _note(cfg, len(work.starts), timings.note())
    return section


#: The D3 spans in other zones: (label, key, how each instant of a pair is given).
OTHER_ZONES: list[tuple[str, str, tuple[Callable[[datetime], datetime], ...]]] = [
    ("both in UTC", "utc", (lambda t: t.astimezone(UTC),) * 2),
    (
        "both in Asia/Shanghai (ZoneInfo)",
        "zoneinfo",
        (lambda t: t.astimezone(ZoneInfo("Asia/Shanghai")),) * 2,
    ),
    ("+08:00 to UTC", "mixed", (lambda t: t, lambda t: t.astimezone(UTC))),
]


def _other_zones(cfg: Config, work: _Work, section: Section) -> None:
    """Context rows: the D3 spans given in other zones, pmcrm against the walk on the same."""
    candidates: dict[str, tuple[Callable[[Any], object], Sequence[Any]]] = {}
    for _label, key, (first, second) in OTHER_ZONES:
        spans = [[(first(a), second(b)) for a, b in chunk] for chunk in work.spans]
        walk, pmcrm = _meter(work.walk.between), _meter(work.cal.between)
        failed = _disagree({"walk": walk, "pmcrm": pmcrm}, spans)
        if failed:
            section.failed = f"{key}: {failed}"
            return
        candidates[f"walk {key}"] = (walk, spans)
        candidates[f"pmcrm {key}"] = (pmcrm, spans)
    timings = interleave(candidates, max(3, cfg.rounds // 3))
    t = timings.times
    section.rows += [
        ratio_row(
            "D3",
            f"  {label}: pmcrm / walk",
            t,
            f"pmcrm {key}",
            f"walk {key}",
            target=None,
            note=f"context: {'one instant' if key == 'mixed' else 'both'} by the general path",
        )
        for label, key, _ in OTHER_ZONES
    ]
    section.notes.append(f"other zones: {timings.note()}")


def run_d3(cfg: Config) -> Section:
    """D3: the working time of a complaint open 1-10 days, pmcrm against the day walk."""
    section = Section("D3", "business time elapsed between two instants")
    work = _work(cfg)
    candidates = {
        "walk": _meter(work.walk.between),
        "pmcrm": _meter(work.cal.between),
    }
    failed = _disagree(candidates, work.spans)
    if failed:
        section.failed = failed
        return section
    timings = interleave({k: (fn, work.spans) for k, fn in candidates.items()}, cfg.rounds)
    t = timings.times
    section.rows = [
        _per_question(timed_row("D3", "day-by-day interval walk, 1-10 days", t, "walk", "walk")),
        _per_question(
            timed_row("D3", "pmcrm BusinessCalendar.between", t, "pmcrm", "walk", target=0.15)
        ),
    ]
    section.notes = _note(cfg, len(work.spans), timings.note())
    _other_zones(cfg, work, section)
    try:
        _, rules = make_peer(attrs.evolve(work.cal, workdays=()))
    except ImportError as exc:
        section.notes.append(f"businesstimedelta peer skipped: {exc}")
        return section
    plain = attrs.evolve(work.cal, workdays=())
    walk = DayWalk(plain)
    chunks = work.spans[: PEER_CHUNKS[cfg.quick]]
    peer = {
        "walk": _meter(walk.between),
        "pmcrm": _meter(plain.between),
        "peer": lambda chunk: [rules.difference(a, b).timedelta for a, b in chunk],
    }
    failed = _disagree(peer, chunks)
    if failed:
        section.notes.append(f"businesstimedelta peer skipped: {failed}")
        return section
    rounds = max(3, cfg.rounds // 3)
    timings = interleave({k: (fn, chunks) for k, fn in peer.items()}, rounds)
    t = timings.times
    section.rows += [
        ratio_row(
            "D3",
            "peer run: pmcrm / walk (no 调休 days)",
            t,
            "pmcrm",
            "walk",
            target=None,
            note="context: the calendar without make-up days",
        ),
        _per_question(
            timed_row(
                "D3",
                "businesstimedelta difference (no 调休 days)",
                t,
                "peer",
                "walk",
                note=f"context: peer; {len(chunks) * CHUNK:,} spans, {rounds} rounds",
            )
        ),
    ]
    return section
