"""Hypothesis strategies for complaint events and histories (shared by the complaint tests).

Every event strategy builds only valid events: non-blank texts within their
limits, category codes, non-negative compensation, and aware date-times in
several zones -- UTC, fixed offsets such as +08:00, and the ``ZoneInfo``
zones Europe/Berlin and Asia/Shanghai, so that times inside a DST fold
(and their ``fold`` attribute) are drawn too.

:func:`histories` walks :data:`~pmcrm.complaints.lifecycle.LIFECYCLE` from a
``registered`` event: each step picks one of the events the current status
allows, at the same time as the step before or later.  :func:`expected_status`
is the oracle the tests compare :func:`~pmcrm.complaints.lifecycle.replay`
with: a plain ``(status, event) -> status`` dict and a one-slot stack for the
status a pause returns to.  :func:`arbitrary_histories` makes sequences that
may break every rule.
"""

import string
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st

from pmcrm.complaints.events import (
    Archived,
    Assessed,
    Assigned,
    ComplaintEvent,
    Contacted,
    Escalated,
    EventKind,
    FollowedUp,
    Investigated,
    Paused,
    Registered,
    Reopened,
    Resolved,
    Resumed,
    Transferred,
)
from pmcrm.complaints.lifecycle import LIFECYCLE, Status
from pmcrm.complaints.model import (
    Category,
    ComplaintChannel,
    ComplaintType,
    EmergencyClass,
    Emotion,
    Motive,
    Outcome,
    PauseReason,
    RootCause,
    Severity,
    Verdict,
)
from pmcrm.strategies import mobile_numbers, money, person_names

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))

#: The zones event times are drawn in.
ZONES: tuple[tzinfo, ...] = (UTC, CST, timezone(timedelta(hours=-5)), BERLIN, SHANGHAI)

Strategy = st.SearchStrategy

# --- fields -------------------------------------------------------------------------------


def moments() -> Strategy[datetime]:
    """Aware date-times from 2020 to 2035 in :data:`ZONES` (no imaginary wall times)."""
    return st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - naive bounds, as Hypothesis wants
        max_value=datetime(2035, 12, 31),  # noqa: DTZ001
        timezones=st.sampled_from(ZONES),
        allow_imaginary=False,
    )


#: Pauses between two events: often none or small, sometimes days.
_STEPS = st.one_of(
    st.sampled_from(
        [timedelta(0), timedelta(seconds=1), timedelta(minutes=30), timedelta(hours=1)]
    ),
    st.timedeltas(timedelta(0), timedelta(days=3)),
)


def later(moment: datetime) -> Strategy[datetime]:
    """The same instant as *moment* or a later one, shown in any of :data:`ZONES`.

    The step is added in UTC (adding to a ``ZoneInfo`` time adds wall-clock
    time) and the result converted, so a step inside a DST fall-back gives
    a time with ``fold=1``.
    """
    start = moment.astimezone(UTC)
    return st.builds(
        lambda step, zone: (start + step).astimezone(zone), _STEPS, st.sampled_from(ZONES)
    )


_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


def ids(max_size: int = 40) -> Strategy[str]:
    """Ids such as staff or customer ids (ASCII, never blank)."""
    return st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=max_size)


def complaint_ids() -> Strategy[str]:
    """Complaint ids: ``"C-"`` and a number."""
    return st.builds(lambda n: f"C-{n}", st.integers(1, 999_999))


def staff() -> Strategy[str]:
    """A member of staff: a few familiar ids, or any id."""
    return st.one_of(st.sampled_from(["s-wang", "s-li", "s-zhang", "s-chen"]), ids())


_SAMPLES = ("大堂地面未清洁", "电梯故障，困人 20 分钟", "Lobby floor not cleaned", "车位被占")


def texts(max_size: int) -> Strategy[str]:
    """Non-blank free text of at most *max_size* characters (CJK samples or any)."""
    anything = st.text(min_size=1, max_size=max_size).filter(str.strip)
    return st.one_of(st.sampled_from([s for s in _SAMPLES if len(s) <= max_size]), anything)


def notes(max_size: int = 500) -> Strategy[str | None]:
    """``None`` or a note."""
    return st.one_of(st.none(), texts(max_size))


def category_codes() -> Strategy[str]:
    """A standard category code or an integrator's (``"ev_charging"``, ``"fees.parking"``)."""
    return st.one_of(
        st.sampled_from([c.value for c in Category]),
        st.from_regex(r"[a-z][a-z0-9_]{0,15}(?:[.-][a-z0-9_]{1,8}){0,2}", fullmatch=True),
    )


def _optional(strategy: Strategy[Any]) -> Strategy[Any]:
    return st.one_of(st.none(), strategy)


# --- events -------------------------------------------------------------------------------

_Fields = Callable[[], dict[str, Strategy[Any]]]

#: The fields of each event other than complaint_id, at and by.
_FIELDS: dict[type[Any], _Fields] = {
    Registered: lambda: {
        "customer_id": ids(),
        "unit": _optional(ids(40)),
        "location": texts(100),
        "channel": st.sampled_from(ComplaintChannel),
        "category": category_codes(),
        "summary": texts(500),
        "emotion": st.sampled_from(Emotion),
        "complaint_type": st.sampled_from(ComplaintType),
        "severity": st.sampled_from(Severity),
        "emergency": _optional(st.sampled_from(EmergencyClass)),
        "contact_name": _optional(person_names()),
        "contact_mobile": _optional(mobile_numbers()),
    },
    Assessed: lambda: {
        "complaint_type": st.sampled_from(ComplaintType),
        "severity": st.sampled_from(Severity),
        "emergency": _optional(st.sampled_from(EmergencyClass)),
        "motive": _optional(st.sampled_from(Motive)),
        "note": notes(),
    },
    Assigned: lambda: {"department": texts(60), "handler": ids(), "plan": texts(500)},
    Transferred: lambda: {"to": staff(), "reason": texts(200)},
    Contacted: lambda: {"channel": st.sampled_from(ComplaintChannel), "note": notes()},
    Investigated: lambda: {
        "root_cause": st.sampled_from(RootCause),
        "responsible_department": texts(60),
        "responsible_person": _optional(ids(40)),
        "report": texts(1000),
    },
    Paused: lambda: {"reason": st.sampled_from(PauseReason), "note": notes()},
    Resumed: lambda: {"note": notes()},
    Resolved: lambda: {
        "outcome": st.sampled_from(Outcome),
        "note": texts(500),
        "compensation": _optional(money(min_value=0, max_value=100_000)),
    },
    FollowedUp: lambda: {
        "verdict": st.sampled_from(Verdict),
        "channel": st.sampled_from(ComplaintChannel),
        "note": notes(),
    },
    Reopened: lambda: {"reason": texts(200)},
    Escalated: lambda: {"to": texts(60), "reason": texts(200)},
    Archived: lambda: {"note": notes()},
}

#: The event class of each kind.
CLASSES: dict[EventKind, type[Any]] = {
    EventKind.REGISTERED: Registered,
    EventKind.ASSESSED: Assessed,
    EventKind.ASSIGNED: Assigned,
    EventKind.TRANSFERRED: Transferred,
    EventKind.CONTACTED: Contacted,
    EventKind.INVESTIGATED: Investigated,
    EventKind.PAUSED: Paused,
    EventKind.RESUMED: Resumed,
    EventKind.RESOLVED: Resolved,
    EventKind.FOLLOWED_UP: FollowedUp,
    EventKind.REOPENED: Reopened,
    EventKind.ESCALATED: Escalated,
    EventKind.ARCHIVED: Archived,
}


def event(
    kind: EventKind,
    complaint_id: Strategy[str] | None = None,
    at: Strategy[datetime] | None = None,
) -> Strategy[ComplaintEvent]:
    """Valid events of *kind*.

    Args:
        kind: Which event.
        complaint_id: Where the complaint id comes from (:func:`complaint_ids`
            by default).
        at: Where the time comes from (:func:`moments` by default).
    """
    cls = CLASSES[kind]
    return st.builds(
        cls,
        complaint_id=complaint_id if complaint_id is not None else complaint_ids(),
        at=at if at is not None else moments(),
        by=staff(),
        **_FIELDS[cls](),
    )


def events(complaint_id: Strategy[str] | None = None) -> Strategy[ComplaintEvent]:
    """Valid events of any kind."""
    return st.sampled_from(EventKind).flatmap(lambda kind: event(kind, complaint_id))


# --- histories -----------------------------------------------------------------------------

#: The lifecycle as a plain dict; ``None`` means back to the status before the pause.
TABLE: dict[tuple[Status, EventKind], Status | None] = {
    (row.source, row.event): row.target for row in LIFECYCLE.transitions
}


def step(
    status: Status, resume_to: Status | None, kind: EventKind
) -> tuple[Status, Status | None]:
    """The oracle's step: the next status and the status a ``resumed`` would return to."""
    target = TABLE[status, kind]
    if target is None:
        assert resume_to is not None
        return resume_to, None
    if target is Status.PAUSED and status is not Status.PAUSED:
        return target, status
    if status is Status.PAUSED and target is not Status.PAUSED:
        return target, None
    return target, resume_to


def expected_status(history: Sequence[ComplaintEvent]) -> Status:
    """The status a valid *history* leads to, by the oracle."""
    status, resume_to = LIFECYCLE.initial, None
    for item in history[1:]:
        status, resume_to = step(status, resume_to, item.kind)
    return status


@st.composite
def histories(draw: st.DrawFn, max_events: int = 20) -> list[ComplaintEvent]:
    """Valid histories: a random walk over the lifecycle from a ``registered`` event.

    One complaint id; each event at the time of the one before or later.
    """
    complaint_id = draw(complaint_ids())
    moment = draw(moments())
    history: list[ComplaintEvent] = [
        draw(event(EventKind.REGISTERED, st.just(complaint_id), st.just(moment)))
    ]
    status: Status = LIFECYCLE.initial
    resume_to: Status | None = None
    for _ in range(draw(st.integers(0, max_events))):
        kinds = LIFECYCLE.allowed(status)
        if not kinds:
            break
        kind = draw(st.sampled_from(kinds))
        moment = draw(later(moment))
        history.append(draw(event(kind, st.just(complaint_id), st.just(moment))))
        status, resume_to = step(status, resume_to, kind)
    return history


_MUTATIONS = ("insert", "delete", "swap", "foreign", "earlier")


@st.composite
def mutated_histories(draw: st.DrawFn) -> list[ComplaintEvent]:
    """A valid history with one to three faults.

    An event added, removed, moved, given another complaint's id or put back in time.
    """
    history = draw(histories(max_events=12))
    for mutation in draw(st.lists(st.sampled_from(_MUTATIONS), min_size=1, max_size=3)):
        index = draw(st.integers(0, len(history) - 1))
        if mutation == "insert":
            cid = history[0].complaint_id
            added = draw(
                event(draw(st.sampled_from(EventKind)), st.just(cid), later(history[-1].at))
            )
            history.insert(index, added)
        elif mutation == "delete" and len(history) > 1:
            del history[index]
        elif mutation == "swap":
            other = draw(st.integers(0, len(history) - 1))
            history[index], history[other] = history[other], history[index]
        elif mutation == "foreign":
            history[index] = attrs.evolve(history[index], complaint_id="C-0")
        else:
            earlier = history[index].at - draw(
                st.timedeltas(timedelta(seconds=1), timedelta(days=9))
            )
            history[index] = attrs.evolve(history[index], at=earlier)
    return history


def arbitrary_histories(max_size: int = 12) -> Strategy[list[ComplaintEvent]]:
    """Sequences that may break any rule.

    Random events of two complaints, or valid histories with faults put in.
    """
    return st.one_of(
        st.lists(events(st.sampled_from(["C-1", "C-2"])), max_size=max_size),
        mutated_histories(),
    )


# --- examples ------------------------------------------------------------------------------

#: The complaint of the examples, and the time its events count from.
CID = "C-1"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=CST)

#: Field values of the examples, by event class.
DEFAULTS: dict[type[Any], dict[str, Any]] = {
    Registered: {
        "customer_id": "CU-1",
        "location": "3 号楼大堂",
        "channel": ComplaintChannel.PHONE,
        "category": "cleaning",
        "summary": "大堂地面未清洁",
    },
    Assessed: {"complaint_type": ComplaintType.ROUTINE, "severity": Severity.LOW},
    Assigned: {"department": "保洁部", "handler": "s-zhao", "plan": "当日重新清洁"},
    Transferred: {"to": "s-li", "reason": "换班"},
    Contacted: {"channel": ComplaintChannel.PHONE},
    Investigated: {
        "root_cause": RootCause.STAFF_NEGLIGENCE,
        "responsible_department": "保洁部",
        "report": "漏扫",
    },
    Paused: {"reason": PauseReason.CUSTOMER},
    Resumed: {},
    Resolved: {"outcome": Outcome.REPAIRED, "note": "已重新清洁"},
    FollowedUp: {"verdict": Verdict.SATISFIED, "channel": ComplaintChannel.PHONE},
    Reopened: {"reason": "再次脏污"},
    Escalated: {"to": "项目经理", "reason": "客户情绪激动"},
    Archived: {},
}


def ev(kind: EventKind, minute: int = 0, **changes: Any) -> Any:
    """An example event of *kind* for complaint :data:`CID`, *minute* minutes after :data:`T0`."""
    cls = CLASSES[kind]
    fields = {
        "complaint_id": CID,
        "at": T0 + timedelta(minutes=minute),
        "by": "s-wang",
        **DEFAULTS[cls],
        **changes,
    }
    return cls(**fields)


def walk(*kinds: EventKind) -> list[ComplaintEvent]:
    """A ``registered`` event at :data:`T0`, then one event of each kind, ten minutes apart."""
    return [ev(EventKind.REGISTERED), *(ev(k, 10 * n) for n, k in enumerate(kinds, 1))]
