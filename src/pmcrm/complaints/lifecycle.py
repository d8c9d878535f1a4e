"""The complaint lifecycle: a transition table checked when built, and the fold of events.

A complaint moves through the steps of DOMAIN.md §4 (receive and register,
analyse, resolve, follow up, archive; GB/T 19012-2019 names the same steps).
Which event each status allows is data, :data:`LIFECYCLE`, checked on
construction: one initial status, no way out of a final one, every status
reachable, and a path to the archive from every status.  It renders itself
as a table for teaching:

>>> print(LIFECYCLE.render("en"))  # doctest: +ELLIPSIS
status      | event              | next status
------------+--------------------+------------------------------
registered  | assessed           | assessed
registered  | transferred        | registered
...
paused      | resumed            | (the status before the pause)
...

:func:`replay` folds a complaint's events into its :class:`ComplaintState`;
:func:`apply` adds one event to a state.  Both refuse an event that the
status does not allow (:class:`~pmcrm.errors.TransitionNotAllowed`, naming
the status and the allowed events), an event of another complaint and an
event earlier than the one before it (:class:`~pmcrm.errors.InvalidValue`).
Nothing is half-applied: an operation returns a new state or raises.

>>> from datetime import datetime, timedelta, timezone
>>> from pmcrm.complaints.events import Registered, Assessed, Resolved
>>> from pmcrm.complaints.model import ComplaintChannel, ComplaintType, Outcome, Severity
>>> t0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))
>>> state = replay([
...     Registered(complaint_id="C-1", at=t0, by="s-wang", customer_id="CU-1",
...                location="Block 3 lobby", channel=ComplaintChannel.PHONE,
...                category="cleaning", summary="Lobby floor not cleaned"),
...     Assessed(complaint_id="C-1", at=t0 + timedelta(minutes=20), by="s-wang",
...              complaint_type=ComplaintType.ROUTINE, severity=Severity.LOW),
... ])
>>> state.status.text("zh"), state.owner, [e.value for e in state.allowed()]
('已分析', 's-wang', ['assessed', 'assigned', 'transferred', 'contacted', 'investigated', \
'escalated', 'paused', 'resolved'])
>>> apply(state, Resolved(complaint_id="C-1", at=t0, by="s-wang",
...                       outcome=Outcome.EXPLAINED, note="Cleaned"))
Traceback (most recent call last):
...
pmcrm.errors.InvalidValue: 'at' must be after 'the previous event (2026-11-02T09:20:00+08:00)': ...
"""

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from pmcrm.complaints.events import (
    EVENTS,
    ComplaintEvent,
    EventKind,
    Registered,
    Transferred,
)
from pmcrm.errors import InvalidValue, TransitionNotAllowed
from pmcrm.values import LabelledEnum, Lang

__all__ = [
    "LIFECYCLE",
    "ComplaintState",
    "Lifecycle",
    "Status",
    "Transition",
    "apply",
    "replay",
    "start",
]


class Status(LabelledEnum):
    """Where a complaint stands."""

    REGISTERED = "registered", "已登记", "registered"
    ASSESSED = "assessed", "已分析", "assessed"
    IN_PROGRESS = "in_progress", "处理中", "in progress"
    PAUSED = "paused", "已暂停", "paused"
    RESOLVED = "resolved", "已解决", "resolved"
    CLOSED = "closed", "已回访", "followed up"
    ARCHIVED = "archived", "已归档", "archived"


@attrs.frozen(kw_only=True)
class Transition:
    """One row of the lifecycle table.

    Attributes:
        source: The status the event is allowed in.
        event: The event.
        target: The status it leads to; ``None`` means *back to the status
            before the pause* (the only use is ``resumed``).
    """

    source: Status
    event: EventKind
    target: Status | None


def _check_table(initial: Status, final: tuple[Status, ...], rows: tuple[Transition, ...]) -> None:
    """The rules a lifecycle table must keep (python-statemachine's checks)."""
    if initial in final:
        raise InvalidValue(
            "initial",
            "invalid",
            value=initial.value,
            detail="it is final",
            detail_zh="初始状态不能是终止状态",
        )
    seen: set[tuple[Status, EventKind]] = set()
    for index, row in enumerate(rows):
        key = (row.source, row.event)
        if key in seen:
            raise InvalidValue(
                "transitions",
                "duplicate",
                value=f"{row.source.value} + {row.event.value}",
                subpath=f".transitions[{index}]",
            )
        seen.add(key)
        if row.source in final:
            raise InvalidValue(
                "transitions",
                "invalid",
                value=row.source.value,
                detail=f"{row.source.value} is final: nothing may leave it",
                detail_zh=f"{row.source.label.zh}为终止状态，不能再转出",
                subpath=f".transitions[{index}]",
            )
    edges = _edges(rows)
    reachable = _closure({(initial, None)}, edges)
    for status in Status:
        nodes = [node for node in reachable if node[0] is status]
        if not nodes:
            raise InvalidValue(
                "transitions",
                "invalid",
                value=status.value,
                detail=f"{status.value} is unreachable",
                detail_zh=f"{status.label.zh}无法到达",
            )
        if any(not {s for s, _ in _closure({node}, edges)} & set(final) for node in nodes):
            raise InvalidValue(
                "transitions",
                "invalid",
                value=status.value,
                detail=f"no path leads from {status.value} to a final status",
                detail_zh=f"从{status.label.zh}无路可达终止状态",
            )


#: Where a complaint is: its status, and the status a ``resumed`` event returns to.
_Node = tuple[Status, Status | None]


def _edges(rows: tuple[Transition, ...]) -> dict[_Node, set[_Node]]:
    """The moves between nodes, by the rules of :func:`_fold`.

    A pause remembers the status it left, a ``None`` target goes back there,
    and leaving the pause otherwise forgets it.  (Reading a ``None`` target
    as "back to any status that pauses" would accept tables in which a
    complaint can only go round between a status and its pause.)
    """
    edges: dict[_Node, set[_Node]] = {(s, r): set() for s in Status for r in (None, *Status)}
    for (status, resume_to), moves in edges.items():
        for row in rows:
            target = row.target
            if row.source is not status or target is status:
                continue
            if target is None:
                if resume_to is not None:
                    moves.add((resume_to, None))
            elif target is Status.PAUSED:
                moves.add((target, status))
            else:
                moves.add((target, None if status is Status.PAUSED else resume_to))
    return edges


def _closure(start: set[_Node], edges: Mapping[_Node, set[_Node]]) -> set[_Node]:
    seen = set(start)
    todo = list(start)
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@attrs.frozen(kw_only=True)
class Lifecycle:
    """A lifecycle table, checked when built.

    Attributes:
        initial: The status a ``registered`` event creates.
        final: The statuses nothing leaves.
        transitions: The allowed ``(status, event) → status`` rows.

    Raises:
        InvalidValue: a rule of the table is broken (see the module docstring).
    """

    initial: Status
    final: tuple[Status, ...]
    transitions: tuple[Transition, ...]
    _table: Mapping[Status, Mapping[type[Any], Status | None]] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        _check_table(self.initial, self.final, self.transitions)
        table: dict[Status, dict[type[Any], Status | None]] = {s: {} for s in Status}
        for row in self.transitions:
            table[row.source][EVENTS[row.event.value]] = row.target
        object.__setattr__(self, "_table", table)

    def allowed(self, status: Status) -> tuple[EventKind, ...]:
        """The events *status* allows, in table order."""
        return tuple(row.event for row in self.transitions if row.source is status)

    def render(self, lang: Lang | str = Lang.EN) -> str:
        """The table as aligned text in *lang*, one row per transition."""
        back = "（恢复暂停前的状态）" if Lang(lang) is Lang.ZH else "(the status before the pause)"
        head = (
            ("状态", "事件", "下一状态")
            if Lang(lang) is Lang.ZH
            else (
                "status",
                "event",
                "next status",
            )
        )
        rows = [
            (
                r.source.text(lang),
                r.event.text(lang),
                back if r.target is None else r.target.text(lang),
            )
            for r in self.transitions
        ]
        widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(3)]

        def line(cells: tuple[str, str, str]) -> str:
            padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
            return " | ".join(padded).rstrip()

        return "\n".join([line(head), "-+-".join("-" * w for w in widths), *map(line, rows)])


def _width(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _rows() -> tuple[Transition, ...]:
    S, E = Status, EventKind  # noqa: N806 - short names keep the table readable
    open_rows = {
        S.REGISTERED: (E.ASSESSED, E.TRANSFERRED, E.CONTACTED, E.ESCALATED),
        S.ASSESSED: (
            E.ASSESSED,
            E.ASSIGNED,
            E.TRANSFERRED,
            E.CONTACTED,
            E.INVESTIGATED,
            E.ESCALATED,
            E.PAUSED,
            E.RESOLVED,
        ),
        S.IN_PROGRESS: (
            E.ASSESSED,
            E.ASSIGNED,
            E.TRANSFERRED,
            E.CONTACTED,
            E.INVESTIGATED,
            E.ESCALATED,
            E.PAUSED,
            E.RESOLVED,
        ),
        S.PAUSED: (
            E.RESUMED,
            E.TRANSFERRED,
            E.CONTACTED,
            E.INVESTIGATED,
            E.ESCALATED,
            E.RESOLVED,
        ),
        S.RESOLVED: (E.FOLLOWED_UP, E.REOPENED),
        S.CLOSED: (E.REOPENED, E.ARCHIVED),
    }
    targets = {
        E.ASSESSED: {S.REGISTERED: S.ASSESSED},
        E.ASSIGNED: {S.ASSESSED: S.IN_PROGRESS},
        E.PAUSED: {},
        E.RESUMED: {},
        E.RESOLVED: {},
        E.FOLLOWED_UP: {},
        E.REOPENED: {},
        E.ARCHIVED: {},
    }
    fixed = {
        E.PAUSED: S.PAUSED,
        E.RESOLVED: S.RESOLVED,
        E.FOLLOWED_UP: S.CLOSED,
        E.REOPENED: S.IN_PROGRESS,
        E.ARCHIVED: S.ARCHIVED,
    }
    rows = []
    for source, events in open_rows.items():
        for event in events:
            target: Status | None
            if event is E.RESUMED:
                target = None
            elif event in fixed:
                target = fixed[event]
            else:
                target = targets.get(event, {}).get(source, source)
            rows.append(Transition(source=source, event=event, target=target))
    return tuple(rows)


#: The standard complaint lifecycle.
LIFECYCLE = Lifecycle(initial=Status.REGISTERED, final=(Status.ARCHIVED,), transitions=_rows())

# Events only: a status and an event can share a value ("paused") but not
# a name (已暂停, 暂停), so the status's name is passed on its own.
_ZH_EVENTS = {m.value: m.label.zh for m in EventKind}


@attrs.frozen(kw_only=True)
class ComplaintState:
    """A complaint as its events left it.

    The state keeps the events themselves (event sourcing): what happened
    is never lost, and :func:`pmcrm.complaints.facts` reads the rest from
    them.

    Attributes:
        complaint_id: The complaint's id.
        status: Where it stands.
        owner: Who owns it (首问负责制): the receiver, until an explicit
            hand-over.
        updated_at: The time of the latest event.
        resume_to: While paused, the status a ``resumed`` event returns to.
        events: Every event, in order.
    """

    complaint_id: str
    status: Status
    owner: str
    updated_at: datetime
    resume_to: Status | None
    events: tuple[ComplaintEvent, ...]

    @property
    def registration(self) -> Registered:
        """The ``registered`` event (always the first)."""
        first = self.events[0]
        assert type(first) is Registered  # noqa: S101 - replay guarantees it
        return first

    def allowed(self) -> tuple[EventKind, ...]:
        """The events the current status allows."""
        return LIFECYCLE.allowed(self.status)


def start(event: ComplaintEvent) -> ComplaintState:
    """The state a ``registered`` event creates.

    Raises:
        TransitionNotAllowed: *event* is not a :class:`~pmcrm.complaints.events.Registered`.
    """
    if type(event) is not Registered:
        raise TransitionNotAllowed(
            event.complaint_id,
            "new",
            event.kind.value,
            (EventKind.REGISTERED.value,),
            index=0,
            zh_names=_ZH_EVENTS,
            state_zh="未登记",
        )
    return ComplaintState(
        complaint_id=event.complaint_id,
        status=LIFECYCLE.initial,
        owner=event.by,
        updated_at=event.at,
        resume_to=None,
        events=(event,),
    )


def _fold(state: ComplaintState, events: Iterable[ComplaintEvent], offset: int) -> ComplaintState:
    """Fold *events* onto *state*; the loop behind :func:`apply` and :func:`replay`."""
    table = LIFECYCLE._table
    missing = _MISSING
    paused = Status.PAUSED
    cid = state.complaint_id
    status = state.status
    owner = state.owner
    last = state.updated_at
    resume_to = state.resume_to
    collected = list(state.events)
    allowed = table[status]
    for index, event in enumerate(events, offset):
        at = event.at
        # Python compares two times of one zone by their wall clocks and
        # ignores ``fold``: in a DST fall-back the second 02:15 would come
        # "before" the first 02:45.  Then compare the instants instead.
        if at.astimezone(UTC) < last.astimezone(UTC) if at.fold or last.fold else at < last:
            raise InvalidValue(
                f"events[{index}].at" if offset else "at",
                "order",
                value=at.isoformat(),
                other=f"the previous event ({last.isoformat()})",
                other_zh=f"上一事件（{last.isoformat()}）",
            )
        target = allowed.get(event.__class__, missing)
        if target is missing:
            raise TransitionNotAllowed(
                cid,
                status.value,
                event.kind.value,
                tuple(e.value for e in LIFECYCLE.allowed(status)),
                index=index if offset else None,
                zh_names=_ZH_EVENTS,
                state_zh=status.label.zh,
            )
        if event.complaint_id != cid:
            raise InvalidValue(
                f"events[{index}].complaint_id" if offset else "complaint_id",
                "invalid",
                value=event.complaint_id,
                detail=f"the event belongs to another complaint than {cid!r}",
                detail_zh=f"该事件不属于投诉 {cid!r}",
            )
        if target is None:
            target = resume_to
            resume_to = None
        elif target is not status:
            if target is paused:
                resume_to = status
            elif status is paused:
                resume_to = None
        if event.__class__ is Transferred:
            owner = event.to
        if target is not status:
            status = target
            allowed = table[status]
        last = at
        collected.append(event)
    return ComplaintState(
        complaint_id=cid,
        status=status,
        owner=owner,
        updated_at=last,
        resume_to=resume_to,
        events=tuple(collected),
    )


_MISSING: Any = object()


def apply(state: ComplaintState | None, event: ComplaintEvent) -> ComplaintState:
    """The state after *event* (``None`` for a complaint not yet registered).

    The new state holds the whole history, so each call copies it: to read
    a long history, :func:`replay` it in one pass rather than applying its
    events one by one (quadratic in the number of events).

    Raises:
        TransitionNotAllowed: the status does not allow *event*.
        InvalidValue: *event* is earlier than the latest event, or belongs
            to another complaint.
    """
    if state is None:
        return start(event)
    return _fold(state, (event,), 0)


def replay(events: Iterable[ComplaintEvent]) -> ComplaintState:
    """The state a complaint's events lead to, the first being ``registered``.

    Raises:
        TransitionNotAllowed: an event its status does not allow (the error
            gives its index).
        InvalidValue: no events; an event earlier than the one before it or
            of another complaint (the field names the index).
    """
    iterator = iter(events)
    first = next(iterator, None)
    if first is None:
        raise InvalidValue("events", "min_items", value="[]", bound=1, length=0)
    return _fold(start(first), iterator, 1)
