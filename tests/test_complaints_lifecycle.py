"""The complaint lifecycle: the table, its checks, the fold of events and the events' JSON."""

import functools
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from complaint_strategies import (
    BERLIN,
    CID,
    T0,
    TABLE,
    arbitrary_histories,
    ev,
    event,
    events,
    expected_status,
    histories,
    later,
    step,
    walk,
)
from pmcrm.complaints.events import ComplaintEvent, EventKind, Reopened
from pmcrm.complaints.facts import facts
from pmcrm.complaints.lifecycle import (
    LIFECYCLE,
    ComplaintState,
    Lifecycle,
    Status,
    Transition,
    apply,
    replay,
    start,
)
from pmcrm.errors import InvalidValue, PmcrmError, TransitionNotAllowed, ValidationError
from pmcrm.serialization import structure, unstructure
from pmcrm.values import Lang

E, S = EventKind, Status

#: The lifecycle written out by hand: (status, event) -> next status, None for "back".
EXPECTED_TABLE: dict[tuple[Status, EventKind], Status | None] = {
    (S.REGISTERED, E.ASSESSED): S.ASSESSED,
    (S.REGISTERED, E.TRANSFERRED): S.REGISTERED,
    (S.REGISTERED, E.CONTACTED): S.REGISTERED,
    (S.REGISTERED, E.ESCALATED): S.REGISTERED,
    (S.ASSESSED, E.ASSESSED): S.ASSESSED,
    (S.ASSESSED, E.ASSIGNED): S.IN_PROGRESS,
    (S.ASSESSED, E.TRANSFERRED): S.ASSESSED,
    (S.ASSESSED, E.CONTACTED): S.ASSESSED,
    (S.ASSESSED, E.INVESTIGATED): S.ASSESSED,
    (S.ASSESSED, E.ESCALATED): S.ASSESSED,
    (S.ASSESSED, E.PAUSED): S.PAUSED,
    (S.ASSESSED, E.RESOLVED): S.RESOLVED,
    (S.IN_PROGRESS, E.ASSESSED): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.ASSIGNED): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.TRANSFERRED): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.CONTACTED): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.INVESTIGATED): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.ESCALATED): S.IN_PROGRESS,
    (S.IN_PROGRESS, E.PAUSED): S.PAUSED,
    (S.IN_PROGRESS, E.RESOLVED): S.RESOLVED,
    (S.PAUSED, E.RESUMED): None,
    (S.PAUSED, E.TRANSFERRED): S.PAUSED,
    (S.PAUSED, E.CONTACTED): S.PAUSED,
    (S.PAUSED, E.INVESTIGATED): S.PAUSED,
    (S.PAUSED, E.ESCALATED): S.PAUSED,
    (S.PAUSED, E.RESOLVED): S.RESOLVED,
    (S.RESOLVED, E.FOLLOWED_UP): S.CLOSED,
    (S.RESOLVED, E.REOPENED): S.IN_PROGRESS,
    (S.CLOSED, E.REOPENED): S.IN_PROGRESS,
    (S.CLOSED, E.ARCHIVED): S.ARCHIVED,
}

#: Events that lead from ``registered`` to each status.
PATHS: dict[Status, tuple[EventKind, ...]] = {
    S.REGISTERED: (),
    S.ASSESSED: (E.ASSESSED,),
    S.IN_PROGRESS: (E.ASSESSED, E.ASSIGNED),
    S.PAUSED: (E.ASSESSED, E.ASSIGNED, E.PAUSED),
    S.RESOLVED: (E.ASSESSED, E.RESOLVED),
    S.CLOSED: (E.ASSESSED, E.RESOLVED, E.FOLLOWED_UP),
    S.ARCHIVED: (E.ASSESSED, E.RESOLVED, E.FOLLOWED_UP, E.ARCHIVED),
}

REFUSED = [(s, e) for s in Status for e in EventKind if (s, e) not in EXPECTED_TABLE]


def state_at(status: Status) -> ComplaintState:
    """The example complaint in *status* (paused from in progress)."""
    state = replay(walk(*PATHS[status]))
    assert status is state.status
    return state


def next_event(state: ComplaintState, kind: EventKind, **changes: Any) -> Any:
    """An example event of *kind*, ten minutes after *state*'s latest."""
    minutes = (state.updated_at - T0) // timedelta(minutes=1)
    return ev(kind, minutes + 10, **changes)


def instant(moment: datetime) -> datetime:
    """*moment* in UTC: compares by the instant even inside a DST fold."""
    return moment.astimezone(UTC)


# --- the table ---------------------------------------------------------------------------


def test_the_table_is_the_documented_one() -> None:
    """LIFECYCLE holds exactly the rows written out above, registered first, archived final."""
    actual = {(r.source, r.event): r.target for r in LIFECYCLE.transitions}
    assert EXPECTED_TABLE == actual
    assert len(EXPECTED_TABLE) == len(LIFECYCLE.transitions)
    assert (S.REGISTERED, (S.ARCHIVED,)) == (LIFECYCLE.initial, LIFECYCLE.final)


@pytest.mark.parametrize(
    ("source", "kind"), list(EXPECTED_TABLE), ids=lambda v: getattr(v, "value", str(v))
)
def test_every_transition_row(source: Status, kind: EventKind) -> None:
    """Each row takes a complaint from its status to its target (resumed: back to in progress)."""
    state = state_at(source)
    after = apply(state, next_event(state, kind))
    expected = EXPECTED_TABLE[source, kind] or S.IN_PROGRESS
    assert expected == after.status
    assert (*state.events, after.events[-1]) == after.events


@pytest.mark.parametrize(("status", "kind"), REFUSED, ids=lambda v: getattr(v, "value", str(v)))
def test_every_other_event_is_refused(status: Status, kind: EventKind) -> None:
    """An event its status has no row for raises TransitionNotAllowed naming both."""
    state = state_at(status)
    with pytest.raises(TransitionNotAllowed) as info:
        apply(state, next_event(state, kind))
    err = info.value
    assert (CID, status.value, kind.value, None) == (err.subject, err.state, err.event, err.index)
    assert tuple(e.value for e in LIFECYCLE.allowed(status)) == err.allowed


def test_allowed_lists_the_rows_of_a_status_in_table_order() -> None:
    """allowed() gives the status's events in table order; a final status allows nothing."""
    assert (E.FOLLOWED_UP, E.REOPENED) == LIFECYCLE.allowed(S.RESOLVED)
    assert () == LIFECYCLE.allowed(S.ARCHIVED)
    assert LIFECYCLE.allowed(S.PAUSED) == state_at(S.PAUSED).allowed()


# --- refusals ------------------------------------------------------------------------------


def test_refusal_message_names_the_status_and_the_allowed_events() -> None:
    """The message names the status, the event and every allowed event, in en and zh."""
    state = state_at(S.ASSESSED)
    with pytest.raises(TransitionNotAllowed) as info:
        apply(state, next_event(state, E.ARCHIVED))
    assert (
        "complaint 'C-1' is assessed: event 'archived' is not allowed (allowed: assessed, "
        "assigned, transferred, contacted, investigated, escalated, paused, resolved)"
    ) == str(info.value)
    assert (
        "投诉 'C-1' 当前为「已分析」：不允许「归档」（允许：「初步分析」、「分派处理」、"
        "「移交」、「联系客户」、「调查报告」、「升级」、「暂停」、「解决」）"
    ) == info.value.message_zh


def test_refusal_in_zh_uses_the_status_name_not_the_event_name() -> None:
    """A status that shares its value with an event (paused, archived) keeps its own zh name."""
    paused = state_at(S.PAUSED)
    with pytest.raises(TransitionNotAllowed) as info:
        apply(paused, next_event(paused, E.ARCHIVED))
    assert (
        "投诉 'C-1' 当前为「已暂停」：不允许「归档」（允许：「恢复」、「移交」、「联系客户」、"
        "「调查报告」、「升级」、「解决」）"
    ) == info.value.message_zh
    archived = state_at(S.ARCHIVED)
    with pytest.raises(TransitionNotAllowed) as info:
        apply(archived, next_event(archived, E.REOPENED))
    assert "投诉 'C-1' 当前为「已归档」：不允许「重新打开」（允许：无）" == info.value.message_zh
    assert "complaint 'C-1' is archived: event 'reopened' is not allowed (allowed: none)" == str(
        info.value
    )


def test_replay_gives_the_index_of_the_refused_event() -> None:
    """replay's refusal carries the event's index, in the message too."""
    history = [*walk(E.ASSESSED), ev(E.FOLLOWED_UP, 20), ev(E.ARCHIVED, 30)]
    with pytest.raises(TransitionNotAllowed) as info:
        replay(history)
    assert 2 == info.value.index
    assert str(info.value).startswith(
        "events[2]: complaint 'C-1' is assessed: event 'followed_up'"
    )
    assert info.value.message_zh.startswith(
        "events[2]：投诉 'C-1' 当前为「已分析」：不允许「回访」"
    )


def test_start_refuses_anything_but_registered() -> None:
    """start (and apply to no state) needs a registered event: the state is 'new' (未登记)."""
    for call in (start, functools.partial(apply, None)):
        with pytest.raises(TransitionNotAllowed) as info:
            call(ev(E.ASSESSED))
        err = info.value
        assert ("new", "assessed", ("registered",), 0) == (
            err.state,
            err.event,
            err.allowed,
            err.index,
        )
        assert "events[0]：投诉 'C-1' 当前为「未登记」：不允许「初步分析」（允许：「登记」）" == (
            err.message_zh
        )


def test_a_second_registration_is_refused() -> None:
    """A registered complaint cannot be registered again."""
    state = state_at(S.REGISTERED)
    with pytest.raises(TransitionNotAllowed, match="event 'registered' is not allowed"):
        apply(state, next_event(state, E.REGISTERED))


def test_start_and_apply_to_none_give_the_initial_state() -> None:
    """A registered event creates a registered complaint owned by its receiver."""
    registration = ev(E.REGISTERED, by="s-zhou")
    expected = ComplaintState(
        complaint_id=CID,
        status=S.REGISTERED,
        owner="s-zhou",
        updated_at=T0,
        resume_to=None,
        events=(registration,),
    )
    assert expected == start(registration)
    assert expected == apply(None, registration)
    assert registration == expected.registration


def test_replay_of_nothing_is_refused() -> None:
    """replay([]) raises InvalidValue: a complaint starts with its registration."""
    with pytest.raises(InvalidValue) as info:
        replay([])
    assert ("events", "min_items") == (info.value.field, info.value.code)
    assert "'events' must have at least 1 items: got 0" == str(info.value)


def test_replay_accepts_any_iterable() -> None:
    """replay reads an iterator once."""
    history = walk(E.ASSESSED, E.ASSIGNED)
    assert replay(history) == replay(iter(history))


# --- pauses, reopenings, ownership -----------------------------------------------------------


@pytest.mark.parametrize("before", [S.ASSESSED, S.IN_PROGRESS])
def test_resume_returns_to_the_status_before_the_pause(before: Status) -> None:
    """Paused from assessed or in progress, resumed goes back there."""
    history = walk(*PATHS[before], E.PAUSED)
    paused = replay(history)
    assert (S.PAUSED, before) == (paused.status, paused.resume_to)
    resumed = apply(paused, next_event(paused, E.RESUMED))
    assert (before, None) == (resumed.status, resumed.resume_to)


@pytest.mark.parametrize("kind", [E.TRANSFERRED, E.CONTACTED, E.INVESTIGATED, E.ESCALATED])
def test_events_during_a_pause_keep_the_status_to_resume_to(kind: EventKind) -> None:
    """Whatever happens while paused, resumed still goes back to the status before the pause."""
    state = replay(walk(E.ASSESSED, E.PAUSED, kind, kind, E.RESUMED))
    assert (S.ASSESSED, None) == (state.status, state.resume_to)


def test_paused_then_resolved_in_one_step() -> None:
    """A paused complaint can be resolved directly; the pause ends."""
    state = replay(walk(E.ASSESSED, E.ASSIGNED, E.PAUSED, E.RESOLVED))
    assert (S.RESOLVED, None) == (state.status, state.resume_to)
    assert T0 + timedelta(minutes=40) == facts(state).pauses[0].end


def test_pause_again_after_resuming() -> None:
    """A second pause remembers its own status."""
    state = replay(walk(E.ASSESSED, E.PAUSED, E.RESUMED, E.ASSIGNED, E.PAUSED))
    assert (S.PAUSED, S.IN_PROGRESS) == (state.status, state.resume_to)


def test_no_pause_before_the_assessment() -> None:
    """Work waits on someone only once the complaint is assessed: no resolution skips it."""
    with pytest.raises(TransitionNotAllowed, match="complaint 'C-1' is registered"):
        replay(walk(E.PAUSED))


@pytest.mark.parametrize("path", [(E.RESOLVED,), (E.RESOLVED, E.FOLLOWED_UP)], ids=str)
def test_reopen_after_resolution_or_follow_up(path: tuple[EventKind, ...]) -> None:
    """Reopened after a resolution or a follow-up puts the complaint back in progress."""
    state = replay(walk(E.ASSESSED, *path, E.REOPENED))
    assert S.IN_PROGRESS == state.status
    again = replay(walk(E.ASSESSED, *path, E.REOPENED, E.RESOLVED, E.FOLLOWED_UP, E.ARCHIVED))
    assert S.ARCHIVED == again.status


def test_the_receiver_owns_the_complaint_until_a_transfer() -> None:
    """首问负责制: assignment does not change the owner; a transfer does, each time."""
    history = [
        ev(E.REGISTERED, by="s-wang"),
        ev(E.ASSESSED, 10, by="s-li"),
        ev(E.ASSIGNED, 20, by="s-li", handler="s-zhao"),
        ev(E.ESCALATED, 30, by="s-zhao"),
    ]
    assert "s-wang" == replay(history).owner
    moved = [*history, ev(E.TRANSFERRED, 40, to="s-chen"), ev(E.CONTACTED, 50, by="s-chen")]
    assert "s-chen" == replay(moved).owner
    twice = [*moved, ev(E.TRANSFERRED, 60, by="s-chen", to="s-zhou")]
    assert "s-zhou" == replay(twice).owner


def test_a_transfer_during_a_pause_changes_the_owner() -> None:
    """A hand-over while paused is a hand-over; resuming keeps the new owner."""
    state = replay(walk(E.ASSESSED, E.PAUSED, E.TRANSFERRED))
    assert ("s-li", S.ASSESSED) == (state.owner, state.resume_to)
    resumed = apply(state, next_event(state, E.RESUMED))
    assert ("s-li", S.ASSESSED) == (resumed.owner, resumed.status)
    assert resumed.owner == facts(resumed).owner


# --- time order and complaint ids ------------------------------------------------------------


def test_an_earlier_event_is_refused() -> None:
    """An event before the latest one raises InvalidValue 'order' naming both times."""
    state = replay(walk(E.ASSESSED))
    with pytest.raises(InvalidValue) as info:
        apply(state, ev(E.CONTACTED, 5))
    assert ("at", "order") == (info.value.field, info.value.code)
    assert (
        "'at' must be after 'the previous event (2026-11-02T09:10:00+08:00)': "
        "'2026-11-02T09:05:00+08:00'"
    ) == str(info.value)
    with pytest.raises(InvalidValue) as info:
        replay([*walk(E.ASSESSED), ev(E.CONTACTED, 5)])
    assert "events[2].at" == info.value.field


def test_events_at_the_same_time_are_accepted() -> None:
    """Equal times are in order."""
    state = replay([ev(E.REGISTERED), ev(E.ASSESSED), ev(E.ASSIGNED), ev(E.CONTACTED)])
    assert (S.IN_PROGRESS, T0) == (state.status, state.updated_at)


def test_times_are_compared_as_instants_across_zones() -> None:
    """09:00+08:00 is 01:00 UTC: an event at 01:30 UTC comes after it, 00:30 UTC before."""
    assert S.ASSESSED == replay([ev(E.REGISTERED), ev(E.ASSESSED, at=T0.astimezone(UTC))]).status
    after = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
    assert after == replay([ev(E.REGISTERED), ev(E.ASSESSED, at=after)]).updated_at
    with pytest.raises(InvalidValue, match="must be after"):
        replay([ev(E.REGISTERED), ev(E.ASSESSED, at=after - timedelta(hours=1))])


def test_times_in_a_dst_fold_are_compared_as_instants() -> None:
    """In Berlin's fall-back, the second 02:15 (fold=1, CET) comes after the first 02:45 (CEST).

    Python compares two times of one zone by their wall clocks, ignoring fold.
    """
    first = datetime(2026, 10, 25, 2, 45, tzinfo=BERLIN)
    second = datetime(2026, 10, 25, 2, 15, tzinfo=BERLIN, fold=1)
    assert instant(first) < instant(second)
    history = [ev(E.REGISTERED, at=first), ev(E.ASSESSED, at=second)]
    assert second == replay(history).updated_at
    with pytest.raises(InvalidValue) as info:
        replay([ev(E.REGISTERED, at=second), ev(E.ASSESSED, at=first)])
    assert "events[1].at" == info.value.field


def test_an_event_of_another_complaint_is_refused() -> None:
    """An event with another complaint id raises InvalidValue on complaint_id."""
    state = replay(walk(E.ASSESSED))
    with pytest.raises(InvalidValue) as info:
        apply(state, next_event(state, E.CONTACTED, complaint_id="C-2"))
    assert ("complaint_id", "invalid") == (info.value.field, info.value.code)
    assert "'complaint_id' is invalid: the event belongs to another complaint than 'C-1'" == str(
        info.value
    )
    with pytest.raises(InvalidValue) as info:
        replay([*walk(E.ASSESSED), ev(E.CONTACTED, 30, complaint_id="C-2")])
    assert "events[2].complaint_id" == info.value.field


# --- the table's checks and rendering ---------------------------------------------------------

ROWS = LIFECYCLE.transitions


def without(*pairs: tuple[Status, EventKind]) -> tuple[Transition, ...]:
    """The standard rows but those of *pairs*."""
    return tuple(r for r in ROWS if (r.source, r.event) not in pairs)


def row(source: Status, kind: EventKind, target: Status | None) -> Transition:
    """One row."""
    return Transition(source=source, event=kind, target=target)


def table_fault(initial: Status, rows: tuple[Transition, ...]) -> InvalidValue:
    """The InvalidValue building a lifecycle of *rows* raises."""
    with pytest.raises(InvalidValue) as info:
        Lifecycle(initial=initial, final=(S.ARCHIVED,), transitions=rows)
    return info.value


def test_the_standard_table_builds_again() -> None:
    """The same rows make an equal lifecycle."""
    assert LIFECYCLE == Lifecycle(initial=S.REGISTERED, final=(S.ARCHIVED,), transitions=ROWS)


def test_a_duplicate_row_is_refused() -> None:
    """Two rows for one (status, event) pair: 'duplicate', located at the second."""
    err = table_fault(S.REGISTERED, (*ROWS, row(S.REGISTERED, E.ASSESSED, S.IN_PROGRESS)))
    assert ("transitions", "duplicate", f".transitions[{len(ROWS)}]") == (
        err.field,
        err.code,
        err.subpath,
    )
    assert "'transitions' has a duplicate entry: 'registered + assessed'" == str(err)


def test_an_exit_from_a_final_status_is_refused() -> None:
    """Nothing may leave archived."""
    err = table_fault(S.REGISTERED, (*ROWS, row(S.ARCHIVED, E.REOPENED, S.IN_PROGRESS)))
    assert f".transitions[{len(ROWS)}]" == err.subpath
    assert "'transitions' is invalid: archived is final: nothing may leave it" == str(err)


def test_an_unreachable_status_is_refused() -> None:
    """Without 'followed up', nothing leads to closed."""
    extra = row(S.RESOLVED, E.ARCHIVED, S.ARCHIVED)
    err = table_fault(S.REGISTERED, (*without((S.RESOLVED, E.FOLLOWED_UP)), extra))
    assert "'transitions' is invalid: closed is unreachable" == str(err)
    assert "'transitions' 无效：已回访无法到达" == err.message_zh
    assert "'closed'" == err.params["value"]


def test_a_status_without_a_path_to_a_final_one_is_refused() -> None:
    """Closed with only a loop on itself is a trap: no way to the archive."""
    rows = (
        *without((S.CLOSED, E.REOPENED), (S.CLOSED, E.ARCHIVED)),
        row(S.CLOSED, E.CONTACTED, S.CLOSED),
        row(S.RESOLVED, E.ARCHIVED, S.ARCHIVED),
    )
    err = table_fault(S.REGISTERED, rows)
    assert "'transitions' is invalid: no path leads from closed to a final status" == str(err)
    assert "'closed'" == err.params["value"]


def test_a_status_reached_through_a_pause_is_reachable() -> None:
    """A row out of paused counts: here assessed is reached only from a pause."""
    rows = (
        *without((S.REGISTERED, E.ASSESSED)),
        row(S.REGISTERED, E.PAUSED, S.PAUSED),
        row(S.PAUSED, E.ASSESSED, S.ASSESSED),
    )
    built = Lifecycle(initial=S.REGISTERED, final=(S.ARCHIVED,), transitions=rows)
    assert rows == built.transitions


def test_resume_goes_back_only_to_the_status_paused_from() -> None:
    """Registered that can only pause and resume is a trap, though other statuses also pause.

    Resuming returns to registered, not to assessed or in progress, so
    nothing leads from registered to the archive.
    """
    rows = (
        *without((S.REGISTERED, E.ASSESSED), (S.PAUSED, E.RESOLVED)),
        row(S.REGISTERED, E.PAUSED, S.PAUSED),
    )
    err = table_fault(S.REGISTERED, rows)
    assert "'transitions' is invalid: no path leads from registered to a final status" == str(err)
    assert "'registered'" == err.params["value"]


def test_a_final_initial_status_is_refused() -> None:
    """The initial status cannot be final."""
    err = table_fault(S.ARCHIVED, ROWS)
    assert ("initial", "'initial' is invalid: it is final") == (err.field, str(err))


def test_render_in_en() -> None:
    """The en table: a header, a rule and one aligned row per transition."""
    lines = LIFECYCLE.render("en").splitlines()
    assert [
        "status      | event              | next status",
        "------------+--------------------+------------------------------",
        "registered  | assessed           | assessed",
    ] == lines[:3]
    assert "paused      | resumed            | (the status before the pause)" in lines
    assert len(ROWS) + 2 == len(lines)
    assert LIFECYCLE.render() == LIFECYCLE.render(Lang.EN) == "\n".join(lines)


def test_render_in_zh_aligns_wide_characters() -> None:
    """The zh table counts a Chinese character as two columns."""
    lines = LIFECYCLE.render("zh").splitlines()
    assert [
        "状态   | 事件     | 下一状态",
        "-------+----------+---------------------",
        "已登记 | 初步分析 | 已分析",
    ] == lines[:3]
    assert "已暂停 | 恢复     | （恢复暂停前的状态）" in lines
    assert "已回访 | 归档     | 已归档" == lines[-1]
    assert LIFECYCLE.render(Lang.ZH) == "\n".join(lines)


# --- properties --------------------------------------------------------------------------------


@given(histories())
def test_replay_of_a_valid_history(history: list[ComplaintEvent]) -> None:
    """Any walk over the table replays: the oracle's status, every event kept, the last time."""
    state = replay(history)
    assert isinstance(state.status, Status)
    assert expected_status(history) == state.status
    assert tuple(history) == state.events
    assert history[-1].at == state.updated_at
    assert state.allowed() == LIFECYCLE.allowed(state.status)


@given(histories())
def test_replay_is_a_fold_of_apply(history: list[ComplaintEvent]) -> None:
    """replay(events) == reduce(apply, events, None)."""
    assert functools.reduce(apply, history, None) == replay(history)


@given(arbitrary_histories())
def test_replay_raises_only_pmcrm_errors(history: list[ComplaintEvent]) -> None:
    """Any sequence replays or raises a PmcrmError, and then the events before the fault replay."""
    error: PmcrmError | None = None
    try:
        state = replay(history)
    except PmcrmError as exc:
        error = exc
    if error is None:
        assert functools.reduce(apply, history, None) == state
        return
    assert isinstance(error, TransitionNotAllowed | InvalidValue)
    index = _fault_index(error)
    if index is not None and index > 0:
        assert tuple(history[:index]) == replay(history[:index]).events


def _fault_index(exc: PmcrmError) -> int | None:
    """The index a replay error points at, if any."""
    if isinstance(exc, TransitionNotAllowed):
        return exc.index
    assert isinstance(exc, InvalidValue)
    if exc.field.startswith("events["):
        return int(exc.field[len("events[") : exc.field.index("]")])
    return None


class ComplaintMachine(RuleBasedStateMachine):
    """Fires random events, valid and invalid, at one complaint.

    After each step: a refused event left the state as it was, the state
    matches the oracle and its own replay, and its facts agree with it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.state: ComplaintState | None = None
        self.resume_to: Status | None = None

    @initialize(history=histories(max_events=0))
    def register(self, history: list[ComplaintEvent]) -> None:
        """Start with a registered complaint."""
        self.state = start(history[0])

    def fire(self, item: ComplaintEvent, valid: bool) -> None:
        """Apply *item*; it must succeed exactly when *valid*."""
        state = self.state
        assert state is not None
        snapshot = attrs.asdict(state, recurse=False)
        try:
            after = apply(state, item)
        except (TransitionNotAllowed, InvalidValue):
            assert not valid
            assert snapshot == attrs.asdict(state, recurse=False)
            return
        assert valid
        status, self.resume_to = step(state.status, self.resume_to, item.kind)
        assert (status, self.resume_to) == (after.status, after.resume_to)
        assert (*state.events, item) == after.events
        self.state = after

    @rule(kind=st.sampled_from(EventKind), data=st.data())
    def any_event(self, kind: EventKind, data: st.DataObject) -> None:
        """Any kind, at the latest time or later."""
        assert self.state is not None
        state = self.state
        item = data.draw(event(kind, st.just(state.complaint_id), later(state.updated_at)))
        self.fire(item, (state.status, kind) in TABLE)

    @rule(data=st.data())
    def allowed_event(self, data: st.DataObject) -> None:
        """An allowed kind (so that the walk gets somewhere)."""
        assert self.state is not None
        state = self.state
        kinds = state.allowed()
        if kinds:
            kind = data.draw(st.sampled_from(kinds))
            item = data.draw(event(kind, st.just(state.complaint_id), later(state.updated_at)))
            self.fire(item, valid=True)

    @rule(kind=st.sampled_from(EventKind), data=st.data())
    def foreign_event(self, kind: EventKind, data: st.DataObject) -> None:
        """An event of another complaint is refused."""
        assert self.state is not None
        item = data.draw(event(kind, st.just("C-0"), later(self.state.updated_at)))
        self.fire(item, valid=False)

    @rule(kind=st.sampled_from(EventKind), data=st.data())
    def early_event(self, kind: EventKind, data: st.DataObject) -> None:
        """An event before the latest one is refused."""
        assert self.state is not None
        state = self.state
        back = data.draw(st.timedeltas(timedelta(seconds=1), timedelta(days=2)))
        item = data.draw(
            event(kind, st.just(state.complaint_id), st.just(state.updated_at - back))
        )
        self.fire(item, valid=False)

    @invariant()
    def consistent(self) -> None:
        """The state agrees with the table, its replay and its facts."""
        state = self.state
        if state is None:
            return
        assert state.allowed() == LIFECYCLE.allowed(state.status)
        assert replay(state.events) == state
        found = facts(state)
        assert state.owner == found.owner
        assert state.status == found.status
        open_pauses = [p for p in found.pauses if p.end is None]
        assert len(open_pauses) == (1 if state.status is S.PAUSED else 0)
        assert not open_pauses or open_pauses[0] is found.pauses[-1]
        for pause in found.pauses:
            assert pause.end is None or instant(pause.start) <= instant(pause.end)
        for first, second in zip(found.pauses, found.pauses[1:], strict=False):
            assert first.end is not None
            assert instant(first.end) <= instant(second.start)
        reopened = sum(isinstance(e, Reopened) for e in state.events)
        assert reopened == found.reopen_count


ComplaintMachine.TestCase.settings = settings(
    ComplaintMachine.TestCase.settings, stateful_step_count=25
)
TestComplaintMachine = ComplaintMachine.TestCase


# --- JSON ----------------------------------------------------------------------------------------


#: The union as an argument: mypy takes ``structure``'s ``type[T]`` for classes only.
EVENT: Any = ComplaintEvent


def load_event(data: Any) -> ComplaintEvent:
    """``structure(data, ComplaintEvent)``."""
    loaded: ComplaintEvent = structure(data, EVENT)
    return loaded


def as_loaded(item: ComplaintEvent) -> ComplaintEvent:
    """*item* as JSON gives it back: its time at its UTC offset (JSON keeps no zone name)."""
    offset = item.at.utcoffset()
    assert offset is not None
    return attrs.evolve(item, at=item.at.astimezone(timezone(offset)))


@given(events())
def test_an_event_round_trips_as_the_union(item: ComplaintEvent) -> None:
    """Dumped as ComplaintEvent an event carries its tag and loads back (through JSON too)."""
    data = unstructure(item, unstructure_as=ComplaintEvent)
    assert item.kind.value == data["event"]
    text = json.dumps(data, ensure_ascii=False)
    assert as_loaded(item) == load_event(json.loads(text))
    assert data == unstructure(load_event(data), unstructure_as=ComplaintEvent)


@given(histories(max_events=10))
def test_a_history_round_trips_as_a_tuple(history: list[ComplaintEvent]) -> None:
    """A tuple of events dumps with tags and loads back, and replays to the same status."""
    data = unstructure(tuple(history), unstructure_as=tuple[ComplaintEvent, ...])
    assert [e.kind.value for e in history] == [d["event"] for d in data]
    loaded = structure(json.loads(json.dumps(data)), tuple[ComplaintEvent, ...])
    assert tuple(as_loaded(e) for e in history) == loaded
    assert replay(history).status == replay(loaded).status


def test_an_event_in_json() -> None:
    """The JSON of an event: the tag, then its fields; enums by value, times in ISO 8601."""
    assert {
        "event": "paused",
        "complaint_id": "C-1",
        "at": "2026-11-02T09:30:00+08:00",
        "by": "s-wang",
        "reason": "customer",
        "note": None,
    } == unstructure(ev(E.PAUSED, 30), unstructure_as=ComplaintEvent)


GOOD: dict[str, Any] = {
    "event": "contacted",
    "complaint_id": "C-1",
    "at": "2026-11-02T10:15:00+08:00",
    "by": "s-wang",
    "channel": "phone",
}


def report_of(data: Any, cl: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The paths and codes of the report structuring *data* raises."""
    with pytest.raises(ValidationError) as info:
        structure(data, cl)
    return info.value.report.paths, info.value.report.codes


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"event": "closed"}, "$.event", "choice"),
        ({"event": 3}, "$.event", "choice"),
        ({"at": "2026-11-02T10:15:00"}, "$.at", "naive_datetime"),
        ({"by": None}, "$.by", "type"),
        ({"colour": "red"}, "$.colour", "extra_key"),
        ({"channel": "fax"}, "$.channel", "choice"),
        ({"by": " "}, "$.by", "empty"),
    ],
)
def test_a_bad_event_is_located(change: dict[str, Any], path: str, code: str) -> None:
    """An unknown tag, a naive time, an unknown key, a bad value: each at its path."""
    assert ((path,), (code,)) == report_of(GOOD | change, ComplaintEvent)


def test_missing_fields_and_tag_are_located() -> None:
    """A missing field and a missing tag are reported at their paths."""
    without_by = {k: v for k, v in GOOD.items() if k != "by"}
    assert (("$.by",), ("missing",)) == report_of(without_by, ComplaintEvent)
    untagged = {k: v for k, v in GOOD.items() if k != "event"}
    assert (("$.event",), ("missing",)) == report_of(untagged, ComplaintEvent)
    assert (("$",), ("type",)) == report_of(["contacted"], ComplaintEvent)


def test_faults_in_a_list_of_events_are_located_by_index() -> None:
    """Every fault of every event, with the event's index."""
    data = [GOOD, GOOD | {"at": "2026-11-02T10:15:00", "channel": "fax"}, {"event": "nope"}]
    assert (
        ("$[1].at", "$[1].channel", "$[2].event"),
        ("naive_datetime", "choice", "choice"),
    ) == report_of(data, tuple[ComplaintEvent, ...])


def test_unknown_tag_message_lists_the_tags() -> None:
    """The message lists the event tags."""
    with pytest.raises(ValidationError) as info:
        load_event(GOOD | {"event": "closed"})
    assert (
        "'event' must be one of registered, assessed, assigned, transferred, contacted, "
        "investigated, paused, resumed, resolved, followed_up, reopened, escalated, archived: "
        "'closed'"
    ) == info.value.report.entries[0].message_en


def test_a_registration_with_personal_data_round_trips() -> None:
    """Contact name and mobile survive the round trip and are masked when redacted."""
    from pmcrm.values import MobileNumber, PersonName

    registration = ev(
        E.REGISTERED, contact_name=PersonName("王建国"), contact_mobile=MobileNumber("13812341234")
    )
    data = unstructure(registration, unstructure_as=ComplaintEvent)
    assert ("王建国", "13812341234") == (data["contact_name"], data["contact_mobile"])
    assert registration == load_event(data)
    redacted = unstructure(registration, redact=True, unstructure_as=ComplaintEvent)
    assert ("王**", "138****1234") == (redacted["contact_name"], redacted["contact_mobile"])
