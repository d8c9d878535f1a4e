"""F1 (replay complaint histories into states) and F2 (apply one event), against a dict table.

The histories are generated from a seed: each is 8-15 events of one
complaint, 5 minutes to 10 hours apart at +08:00, in the shape DOMAIN.md §4
describes -- registered, acknowledged by phone, assessed (urgent ones
escalated), assigned, sometimes handed over (30 %), paused for the customer
or a third party and resumed (40 %; one pause in four is taken before the
assignment, so that resuming returns to *assessed*), investigated, resolved,
followed up; one in six is reopened after the follow-up and resolved again;
most are archived.  Extra contacts pad short ones to 8 events.

The floor folds the same event objects through a plain dict
``(status, event class) -> status`` built from ``LIFECYCLE.transitions``, with
a one-slot stack for the status a pause returns to.  Before timing, the
floor's final statuses are checked equal to ``replay``'s for every history,
and F2's single steps equal to ``apply``'s.

F1 times whole chunks of histories (1,000,000 events per round, 100,000
with ``--quick``); F2 times batches of 1,000 single steps (a state and the
next event of its history, drawn at random positions), so that the timer's
own cost is not charged per step.
"""

import functools
import random
import statistics
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from benchmarks._harness import Config, Section, interleave, timed_row
from pmcrm.complaints.events import (
    Archived,
    Assessed,
    Assigned,
    ComplaintEvent,
    Contacted,
    Escalated,
    FollowedUp,
    Investigated,
    Paused,
    Registered,
    Reopened,
    Resolved,
    Resumed,
    Transferred,
)
from pmcrm.complaints.lifecycle import LIFECYCLE, ComplaintState, Status, apply, replay
from pmcrm.complaints.model import (
    Category,
    ComplaintChannel,
    ComplaintType,
    EmergencyClass,
    Emotion,
    Outcome,
    PauseReason,
    RootCause,
    Severity,
    Verdict,
)
from pmcrm.values import Money

#: Events replayed per round (default, quick).
F1_EVENTS = {False: 1_000_000, True: 100_000}
#: F1: the histories are timed in this many chunks per round.
F1_CHUNKS = 50
#: F1 rounds: every round replays all the events with each candidate.
F1_ROUNDS = {False: 9, True: 5}
#: F2: batches of single steps (default, quick), and their size.
F2_BATCHES = {False: 200, True: 60}
F2_BATCH = 1_000

CST = timezone(timedelta(hours=8))
STAFF = ("s-wang", "s-li", "s-zhang", "s-chen", "s-zhao", "s-zhou", "s-wu", "s-sun")
DEPARTMENTS = ("工程部", "保洁部", "安保部", "客服部", "绿化部")
CATEGORIES = tuple(c.value for c in Category)

History = list[ComplaintEvent]


# --- the workload -----------------------------------------------------------------------


class _Writer:
    """Builds one complaint's events, each a little later than the one before."""

    def __init__(self, rng: random.Random, complaint_id: str, start: datetime) -> None:
        self.rng = rng
        self.cid = complaint_id
        self.at = start
        self.events: History = []

    def add(self, cls: type[Any], by: str, **fields: Any) -> None:
        self.events.append(cls(complaint_id=self.cid, at=self.at, by=by, **fields))
        self.at += timedelta(minutes=self.rng.randint(5, 600))

    def contact(self, by: str, note: str | None = None) -> None:
        self.add(Contacted, by, channel=self.rng.choice(list(ComplaintChannel)), note=note)


def make_history(rng: random.Random, number: int) -> History:
    """One realistic complaint history of 8-15 events (see the module docstring)."""
    start = datetime(2026, 1, 1, 8, tzinfo=CST) + timedelta(minutes=rng.randint(0, 525_600))
    w = _Writer(rng, f"C-{number:07d}", start)
    owner = rng.choice(STAFF)
    urgent = rng.random() < 0.25
    kind = ComplaintType.URGENT if urgent else rng.choice(list(ComplaintType))
    w.add(
        Registered,
        owner,
        customer_id=f"CU-{rng.randint(1, 50_000):06d}",
        unit=f"{rng.choice('ABCDEFGH')}-{rng.randint(1, 30)}-{rng.randint(101, 3204)}",
        location="3 号楼大堂",
        channel=rng.choice(list(ComplaintChannel)),
        category=rng.choice(CATEGORIES),
        summary="电梯故障，困人 20 分钟" if urgent else "大堂地面未清洁",
        emotion=rng.choice(list(Emotion)),
        complaint_type=kind,
    )
    w.contact(owner, "已受理")
    w.add(
        Assessed,
        owner,
        complaint_type=kind,
        severity=Severity.HIGH if urgent else rng.choice(list(Severity)),
        emergency=EmergencyClass.SAFETY_ACCIDENT if urgent else None,
    )
    if urgent:
        w.add(Escalated, owner, to="项目经理", reason="紧急投诉")
    pause = rng.random() < 0.4
    early_pause = pause and rng.random() < 0.25
    if early_pause:
        w.add(Paused, owner, reason=PauseReason.CUSTOMER, note="等待业主在家")
        w.add(Resumed, owner)
    department = rng.choice(DEPARTMENTS)
    w.add(Assigned, owner, department=department, handler=rng.choice(STAFF), plan="上门处理")
    if rng.random() < 0.3:
        new_owner = rng.choice([s for s in STAFF if s != owner])
        w.add(Transferred, owner, to=new_owner, reason="换班")
        owner = new_owner
    if pause and not early_pause:
        w.add(Paused, owner, reason=rng.choice(list(PauseReason)))
        if rng.random() < 0.5:
            w.contact(owner, "告知进度")
        w.add(Resumed, owner, note="配件到货")
    w.add(
        Investigated,
        owner,
        root_cause=rng.choice(list(RootCause)),
        responsible_department=department,
        report="现场核实",
    )
    compensation = Money.of("200") if rng.random() < 0.1 else None
    w.add(
        Resolved,
        owner,
        outcome=rng.choice(list(Outcome)),
        note="已处理",
        compensation=compensation,
    )
    w.add(FollowedUp, owner, verdict=rng.choice(list(Verdict)), channel=ComplaintChannel.PHONE)
    if rng.random() < 1 / 6:
        w.add(Reopened, owner, reason="问题复发")
        w.add(Assigned, owner, department=department, handler=rng.choice(STAFF), plan="返工")
        w.add(Resolved, owner, outcome=Outcome.REPAIRED, note="返工完成")
        w.add(FollowedUp, owner, verdict=Verdict.SATISFIED, channel=ComplaintChannel.PHONE)
    while len(w.events) < 8:
        # Pad before the resolution: one more progress call.
        resolved_at = next(i for i, e in enumerate(w.events) if isinstance(e, Resolved))
        w.events.insert(
            resolved_at,
            Contacted(
                complaint_id=w.cid,
                at=w.events[resolved_at - 1].at,
                by=owner,
                channel=ComplaintChannel.PHONE,
            ),
        )
    if len(w.events) < 15 and rng.random() < 0.85:
        w.add(Archived, owner, note="归档")
    return w.events[:15]


@functools.cache
def histories(events: int, seed: int) -> tuple[History, ...]:
    """Histories holding *events* events in all (the last one cut to fit)."""
    rng = random.Random(seed)
    result: list[History] = []
    total = 0
    while total < events:
        history = make_history(rng, len(result))
        history = history[: events - total] if total + len(history) > events else history
        result.append(history)
        total += len(history)
    return tuple(result)


# --- the floor ----------------------------------------------------------------------------

_PAUSED = Status.PAUSED


def make_table() -> dict[tuple[Status, type[Any]], Status | None]:
    """``(status, event class) -> status`` from LIFECYCLE (``None``: back to before the pause)."""
    from pmcrm.complaints.events import EVENTS

    return {(r.source, EVENTS[r.event.value]): r.target for r in LIFECYCLE.transitions}


TABLE = make_table()


def table_fold(history: Sequence[ComplaintEvent], table: dict[Any, Any] = TABLE) -> Status:
    """The floor: fold a history through the dict (KeyError for a refused event)."""
    status = Status.REGISTERED
    resume_to = None
    for event in history[1:]:
        target = table[status, event.__class__]
        if target is None:
            target, resume_to = resume_to, None
        elif target is _PAUSED and status is not _PAUSED:
            resume_to = status
        status = target
    return status


def table_step(
    status: Status, resume_to: Status | None, event: ComplaintEvent, table: dict[Any, Any] = TABLE
) -> Status:
    """The floor of F2: one step of the dict table."""
    target = table[status, event.__class__]
    if target is None:
        return resume_to  # type: ignore[return-value]
    return target  # type: ignore[no-any-return]


# --- F1 -----------------------------------------------------------------------------------


def _chunks(items: Sequence[History], count: int) -> list[Sequence[History]]:
    size = -(-len(items) // count)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _shape(all_histories: Sequence[History]) -> str:
    lengths = [len(h) for h in all_histories[:-1]]
    kinds = [type(e) for h in all_histories for e in h]

    def share(cls: type[Any]) -> str:
        count = sum(any(type(e) is cls for e in h) for h in all_histories)
        return f"{count / len(all_histories):.0%}"

    return (
        f"{len(all_histories):,} histories of {min(lengths)}-{max(lengths)} events (mean "
        f"{statistics.mean(lengths):.1f}; the last cut to {len(all_histories[-1])} to make "
        f"the total), {len(kinds):,} events; with a pause "
        f"{share(Paused)}, a transfer {share(Transferred)}, a reopening {share(Reopened)}, "
        f"archived {share(Archived)}"
    )


def run_f1(cfg: Config) -> Section:
    """F1: ``replay`` of every history vs the dict table, same event objects."""
    section = Section("F1", "replay complaint histories")
    total = F1_EVENTS[cfg.quick]
    all_histories = histories(total, cfg.seed)
    states = [replay(h) for h in all_histories]
    floor = [table_fold(h) for h in all_histories]
    if [s.status for s in states] != floor:
        section.failed = "the dict table's final statuses differ from replay's"
        return section
    if any(s.events != tuple(h) for s, h in zip(states, all_histories, strict=True)):
        section.failed = "replay lost or reordered events"
        return section
    finals = statistics.multimode(floor)
    del states

    def fold_chunk(chunk: Sequence[History], _fold: Callable[..., Status] = table_fold) -> None:
        for history in chunk:
            _fold(history)

    def replay_chunk(chunk: Sequence[History], _replay: Callable[..., Any] = replay) -> None:
        for history in chunk:
            _replay(history)

    chunks = _chunks(all_histories, F1_CHUNKS)
    timings = interleave(
        {"table": (fold_chunk, chunks), "replay": (replay_chunk, chunks)},
        F1_ROUNDS[cfg.quick],
    )
    per_event = {name: [t * len(chunks) / total for t in ts] for name, ts in timings.times.items()}
    section.rows = [
        timed_row(
            "F1", "floor: dict (status, event class) table, per event", per_event, "table", "table"
        ),
        timed_row(
            "F1",
            "pmcrm.complaints.replay into ComplaintState, per event",
            per_event,
            "replay",
            "table",
            target=5.0,
        ),
    ]
    section.notes = [
        _shape(all_histories),
        f"{total:,} events per round and candidate, in {len(chunks)} chunks; final statuses "
        f"checked equal for every history first (most common: {finals[0].value})",
        timings.note(),
    ]
    return section


# --- F2 -----------------------------------------------------------------------------------


def _steps(
    all_histories: Sequence[History], count: int, seed: int
) -> list[tuple[ComplaintState, ComplaintEvent]]:
    """*count* (state, next event) pairs from random positions of random histories."""
    rng = random.Random(seed + 2)
    pairs = []
    while len(pairs) < count:
        history = rng.choice(all_histories)
        if len(history) < 2:
            continue
        k = rng.randint(1, len(history) - 1)
        pairs.append((replay(history[:k]), history[k]))
    return pairs


def run_f2(cfg: Config) -> Section:
    """F2: ``apply(state, event)`` vs one step of the dict table, in batches."""
    section = Section("F2", "apply one event")
    batches = F2_BATCHES[cfg.quick]
    all_histories = histories(F1_EVENTS[True], cfg.seed)
    pairs = _steps(all_histories, batches * F2_BATCH, cfg.seed)
    applied = [apply(s, e).status for s, e in pairs]
    stepped = [table_step(s.status, s.resume_to, e) for s, e in pairs]
    if applied != stepped:
        section.failed = "the dict table's steps differ from apply's"
        return section
    apply_items = [pairs[i : i + F2_BATCH] for i in range(0, len(pairs), F2_BATCH)]
    table_items = [[(s.status, s.resume_to, e) for s, e in batch] for batch in apply_items]

    def apply_batch(
        batch: list[tuple[ComplaintState, ComplaintEvent]], _apply: Any = apply
    ) -> None:
        for state, event in batch:
            _apply(state, event)

    def step_batch(
        batch: list[tuple[Status, Status | None, ComplaintEvent]], _step: Any = table_step
    ) -> None:
        for status, resume_to, event in batch:
            _step(status, resume_to, event)

    timings = interleave(
        {"table": (step_batch, table_items), "apply": (apply_batch, apply_items)}, cfg.rounds
    )
    per_step = {name: [t / F2_BATCH for t in ts] for name, ts in timings.times.items()}
    lengths = [len(s.events) for s, _ in pairs]
    section.rows = [
        timed_row("F2", "floor: one step of the dict table", per_step, "table", "table"),
        timed_row(
            "F2",
            "pmcrm.complaints.apply(state, event)",
            per_step,
            "apply",
            "table",
            target=20.0,
        ),
    ]
    section.notes = [
        f"{len(pairs):,} steps in batches of {F2_BATCH:,}, each a state and the next event of "
        f"its history (states of {min(lengths)}-{max(lengths)} events, mean "
        f"{statistics.mean(lengths):.1f}); every step checked equal to the table's first",
        "apply copies the state's events into a new tuple: its cost grows with the history",
        timings.note(),
    ]
    return section
