"""The complaint kernels: event streams replayed and clocked, as ``pmcrm.complaints`` says."""

import json
import sys
import typing
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.batch import (
    CLOCK_INPUT,
    CLOCK_SCHEMA,
    OK,
    REJECTED,
    STATE_SCHEMA,
    clock_frame,
    clock_records,
    complaint_states,
    from_flat,
)
from pmcrm.batch._core import key_of
from pmcrm.batch.complaints import _OBJECT_COLUMNS, _replay_fault
from pmcrm.complaints import (
    EVENTS,
    ComplaintEvent,
    ComplaintState,
    Metric,
    SlaPolicy,
    SlaRule,
    complaint_clocks,
    replay,
)
from pmcrm.complaints.model import EmergencyClass, PauseReason
from pmcrm.errors import InvalidValue, MissingDependency, PmcrmError, TransitionNotAllowed
from pmcrm.sample import sample_calendar, sample_complaints, sample_config
from pmcrm.serialization import structure, unstructure
from pmcrm.values import Money
from test_batch import FakeFrame, fake_pandas

COMPLAINTS = sample_complaints()
POLICY = COMPLAINTS.policy
CALENDAR = sample_calendar()
SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime.combine(sample_config().as_of, time(18), tzinfo=SHANGHAI)
EVENT_RECORDS = [unstructure(e, unstructure_as=ComplaintEvent) for e in COMPLAINTS.events]


def events_of(*complaint_ids: str) -> list[dict[str, Any]]:
    """The sample's event records of *complaint_ids*, complaint after complaint (fresh copies)."""
    return [dict(r) for cid in complaint_ids for r in EVENT_RECORDS if r["complaint_id"] == cid]


def paths(record: dict[str, Any]) -> list[str]:
    """The paths of a rejected record's errors."""
    return [e["path"] for e in json.loads(record["errors"])]


def expected_clocks(row: int, state: ComplaintState, at: datetime) -> list[dict[str, Any]]:
    """The records the kernel must give for *state*, read off the library's clocks."""
    clocks = complaint_clocks(state, POLICY, at, calendar=CALENDAR)
    return [
        {
            "row": row,
            "status": OK,
            "complaint_id": state.complaint_id,
            "at": at.isoformat(),
            "metric": c.metric.value,
            "rule": c.choice.index,
            "target": unstructure(c.target),
            "time_base": c.time_base,
            "start": None if c.start is None else c.start.isoformat(),
            "stop": None if c.stop is None else c.stop.isoformat(),
            "due": None if c.due is None else c.due.isoformat(),
            "provisional": c.provisional,
            "elapsed": unstructure(c.elapsed),
            "paused": unstructure(c.paused),
            "excluded": unstructure(c.excluded),
            "remaining": unstructure(c.remaining),
            "overdue": unstructure(c.overdue),
            "clock_status": c.status.value,
            "warning": None if c.warning is None else str(c.warning),
            "explanation_zh": c.explain("zh"),
            "explanation_en": c.explain("en"),
            "errors": None,
        }
        for c in clocks.clocks
    ]


def first_rows() -> list[int]:
    """The row of each sample complaint's first event."""
    seen: dict[str, int] = {}
    for row, record in enumerate(EVENT_RECORDS):
        seen.setdefault(record["complaint_id"], row)
    return list(seen.values())


# --- states and clocks equal the library -----------------------------------------------


def test_complaint_states_equal_replay() -> None:
    """Each complaint's consecutive events replayed, with its first event's row."""
    states = list(complaint_states(EVENT_RECORDS, first_row=1))
    assert [(row + 1, s) for row, s in zip(first_rows(), COMPLAINTS.states, strict=True)] == (
        states
    )


def test_clock_records_equal_complaint_clocks() -> None:
    """Every clock of every sample complaint, exactly as the library reads it."""
    rows = list(clock_records(EVENT_RECORDS, POLICY, AT, calendar=CALENDAR))
    expected = [
        record
        for row, state in zip(first_rows(), COMPLAINTS.states, strict=True)
        for record in expected_clocks(row, state, AT)
    ]
    assert expected == rows
    assert {"met", "breached", "running", "paused", "not_started"} == {
        r["clock_status"] for r in rows
    }
    assert any(r["warning"] is not None for r in rows)


def test_events_after_at_are_ignored() -> None:
    """Read at an earlier instant, the clocks are those of that instant."""
    at = datetime(2026, 9, 3, 9, 0, tzinfo=SHANGHAI)
    records = events_of("TS-2026-0001")
    rows = list(clock_records(records, POLICY, at, calendar=CALENDAR))
    assert expected_clocks(0, replay(COMPLAINTS.states[0].events), at) == rows
    assert "running" in {r["clock_status"] for r in rows}


# --- rejections -----------------------------------------------------------------------


def test_a_bad_event_rejects_its_complaint_once() -> None:
    """One rejected record at the bad event's row; the complaint's other events are consumed."""
    records = events_of("TS-2026-0001", "TS-2026-0002", "TS-2026-0003")
    first = [key_of(r, "complaint_id") for r in records].index("TS-2026-0002")
    records[first + 2]["at"] = "2026-09-05T10:00:00"  # naive
    records[first + 3]["channel"] = "pigeon"
    records[first + 4]["by"] = None  # a null cell: the required field is missing
    rows = list(clock_records(records, POLICY, AT, calendar=CALENDAR))
    rejected = [r for r in rows if r["status"] == REJECTED]
    assert [(first + 2, "TS-2026-0002")] == [(r["row"], r["complaint_id"]) for r in rejected]
    errors = json.loads(rejected[0]["errors"])
    assert ["$.at", "$"] == [e["path"] for e in errors]
    assert (
        f"other invalid events of this complaint: rows {first + 3}, {first + 4}"
        == (errors[1]["en"])
    )
    assert f"该投诉另有无效事件：第 {first + 3}、{first + 4} 行" == errors[1]["zh"]
    assert {"TS-2026-0001", "TS-2026-0003"} == {
        r["complaint_id"] for r in rows if r["status"] == OK
    }
    assert rows == sorted(rows, key=lambda r: r["row"])


def test_a_reappearing_complaint_is_rejected() -> None:
    """Events of a complaint after another complaint's: the later run is refused, clearly."""
    one, two = events_of("TS-2026-0001"), events_of("TS-2026-0002")
    records = one[:3] + two + one[3:] + two[:1]
    items = list(complaint_states(records))
    assert [0, 3] == [item[0] for item in items[:2]]  # type: ignore[index]
    starts = {"TS-2026-0001": (3 + len(two), 0), "TS-2026-0002": (len(records) - 1, 3)}
    assert len(items) == 4
    for later in items[2:]:
        assert isinstance(later, dict)
        start, seen = starts[later["complaint_id"]]
        assert (REJECTED, start) == (later["status"], later["row"])
        [error] = json.loads(later["errors"])
        assert ("$.complaint_id", "duplicate") == (error["path"], error["code"])
        assert f"first at row {seen}" in error["en"]
        assert "must be consecutive" in error["en"]
        assert f"已在第 {seen} 行出现" in error["zh"]
        assert tuple(later) == STATE_SCHEMA.names


def test_an_event_without_a_readable_id_is_refused_on_its_own() -> None:
    """An unreadable id belongs to no complaint: refused alone, the complaint around it goes on."""
    one, two = events_of("TS-2026-0001"), events_of("TS-2026-0002")
    one[4]["complaint_id"] = 42  # inside complaint 1's events
    two[0]["complaint_id"] = None  # complaint 2's registration
    rows = list(clock_records([*one, *two], POLICY, AT, calendar=CALENDAR))
    without = replay(e for i, e in enumerate(COMPLAINTS.states[0].events) if i != 4)
    clocks = expected_clocks(0, without, AT)
    assert clocks == rows[: len(clocks)]
    orphans = rows[len(clocks) : len(clocks) + 2]
    assert [(REJECTED, 4, None), (REJECTED, 8, None)] == [
        (r["status"], r["row"], r["complaint_id"]) for r in orphans
    ]
    assert [["$.complaint_id"], ["$.complaint_id"]] == [paths(r) for r in orphans]
    # Complaint 2 lost its registration: refused where its first event is not one.
    [last] = rows[len(clocks) + 2 :]
    assert (REJECTED, 9, "TS-2026-0002", ["$.event"]) == (
        last["status"],
        last["row"],
        last["complaint_id"],
        paths(last),
    )
    [alone, *rest] = list(clock_records(two, POLICY, AT, calendar=CALENDAR))
    assert (REJECTED, 0, None, ["$.complaint_id"]) == (
        alone["status"],
        alone["row"],
        alone["complaint_id"],
        paths(alone),
    )
    assert {("TS-2026-0002", 1)} == {(r["complaint_id"], r["row"]) for r in rest}


def test_rows_the_lifecycle_refuses_are_located() -> None:
    """Out-of-order times, a refused transition and a late registration: the event's row."""
    late = events_of("TS-2026-0001")
    late[3]["at"] = "2026-09-01T00:00:00+08:00"
    unregistered = events_of("TS-2026-0002")[1:]
    archived_early = events_of("TS-2026-0003")
    archived_early.insert(1, {**archived_early[-1], "at": archived_early[0]["at"]})
    records = late + unregistered + archived_early
    rows = list(clock_records(records, POLICY, AT, calendar=CALENDAR))
    starts = (0, len(late), len(late) + len(unregistered))
    assert [
        (REJECTED, starts[0] + 3, ["$.at"]),
        (REJECTED, starts[1], ["$.event"]),
        (REJECTED, starts[2] + 1, ["$.event"]),
    ] == [(r["status"], r["row"], paths(r)) for r in rows]
    assert "events[3].at" in json.loads(rows[0]["errors"])[0]["en"]
    assert "is new: event 'assessed' is not allowed" in json.loads(rows[1]["errors"])[0]["en"]


def test_replay_fault_fallbacks() -> None:
    """An error without an event index is reported at the complaint's first row, at ``$``."""
    rows = [5, 6]
    error = TransitionNotAllowed("C-1", "new", "x", ())
    assert (5, "$") == (_replay_fault(error, rows)[0], _replay_fault(error, rows)[1][0].path)
    other = InvalidValue("events", "min_items", value="[]", bound=1, length=0)
    assert (5, "$") == (_replay_fault(other, rows)[0], _replay_fault(other, rows)[1][0].path)
    assert (6, "$.complaint_id") == (
        _replay_fault(InvalidValue("events[1].complaint_id", "empty"), rows)[0],
        _replay_fault(InvalidValue("events[1].complaint_id", "empty"), rows)[1][0].path,
    )
    assert 5 == _replay_fault(PmcrmError("boom"), rows)[0]


def test_clock_time_faults_reject_the_complaint() -> None:
    """Registered after *at*, or a business-hours rule without a calendar: rejected, saying why."""
    records = events_of("TS-2026-0001")
    early = datetime(2026, 9, 1, tzinfo=SHANGHAI)
    [before] = clock_records(records, POLICY, early, calendar=CALENDAR)
    assert (REJECTED, "TS-2026-0001") == (before["status"], before["complaint_id"])
    assert "the registration (2026-09-02T09:40:00+08:00)" in json.loads(before["errors"])[0]["en"]
    [uncalendared] = clock_records(records, POLICY, AT)
    assert "pass the business calendar" in json.loads(uncalendared["errors"])[0]["en"]


def test_a_complaint_no_rule_times_still_shows() -> None:
    """No clock applies: one ok record with the complaint and the instant, metric null."""
    policy = SlaPolicy(
        name="fire only",
        rules=(
            SlaRule(
                metric=Metric.FIRST_RESPONSE,
                target=timedelta(hours=1),
                emergency=EmergencyClass.SAFETY_ACCIDENT,
            ),
        ),
    )
    [row] = clock_records(events_of("TS-2026-0001"), policy, AT)
    assert (
        CLOCK_SCHEMA.empty(0)
        | {
            "status": OK,
            "complaint_id": "TS-2026-0001",
            "at": AT.isoformat(),
        }
        == row
    )


def test_a_naive_instant_is_refused_at_once() -> None:
    """A naive *at* is an argument error, raised by the call, not row by row."""
    with pytest.raises(InvalidValue, match="timezone-aware"):
        clock_records(iter(()), POLICY, datetime(2026, 11, 23, 18))  # noqa: DTZ001


# --- wide tables and data engines ----------------------------------------------------------


def test_clock_input_lists_every_event_field() -> None:
    """``event`` and every field of every event kind, each with a type of that field."""
    assert str is CLOCK_INPUT["event"]
    for cls in EVENTS.values():
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            declared = {hints[field.name], CLOCK_INPUT[field.name]}
            # Where two kinds type a field differently, both are text in JSON.
            assert len(declared) == 1 or declared <= {str, str | None, PauseReason}
    assert Money | None == CLOCK_INPUT["compensation"]


def test_clock_input_is_a_flat_shape() -> None:
    """CSV rows of events read with ``from_flat`` and CLOCK_INPUT as the shape."""
    record = next(r for r in EVENT_RECORDS if r.get("compensation"))
    row = {k: v for k, v in record.items() if k != "compensation" and v is not None}
    row |= {f"compensation.{k}": v for k, v in record["compensation"].items()}
    assert {k: v for k, v in record.items() if v is not None} == from_flat(row, CLOCK_INPUT)


def test_object_columns_are_the_fields_written_as_objects() -> None:
    """Only ``compensation`` is an object in JSON; so only it is read from JSON text."""
    objects = {
        key for record in EVENT_RECORDS for key, value in record.items() if isinstance(value, dict)
    }
    assert {"compensation"} == objects == _OBJECT_COLUMNS


def wide(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*records* as rows of one wide table: every column, NaN where a kind has no field."""
    return [{c: r.get(c, float("nan")) for c in CLOCK_INPUT} for r in records]


def test_wide_tables_with_nulls_and_json_text() -> None:
    """Null and NaN cells are absent fields; an object may be JSON text; text stays text."""
    cid = next(r["complaint_id"] for r in EVENT_RECORDS if r.get("compensation"))
    records = events_of(cid)
    for record in records:
        if record.get("compensation"):
            record["compensation"] = json.dumps(record["compensation"])
        if record["event"] == "registered":
            record["summary"] = "[紧急] " + record["summary"]
    table = wide(records)
    table[1]["by"] = np.str_(table[1]["by"])
    rows = list(clock_records(table, POLICY, AT, calendar=CALENDAR))
    states = list(complaint_states(table))
    assert [(0, replay(loaded_events(records)))] == states
    assert expected_clocks(0, states[0][1], AT) == rows  # type: ignore[index]
    assert states[0][1].registration.summary.startswith("[紧急] ")  # type: ignore[index]


def loaded_events(records: list[dict[str, Any]]) -> list[ComplaintEvent]:
    """The events of *records* loaded one by one (with the JSON text parsed back)."""
    out: list[ComplaintEvent] = []
    for record in records:
        data = dict(record)
        if isinstance(data.get("compensation"), str):
            data["compensation"] = json.loads(data["compensation"])
        out.append(structure(data, ComplaintEvent))  # type: ignore[arg-type]
    return out


def test_bad_json_text_and_extra_columns_are_located() -> None:
    """Broken JSON in an object column and an unknown column: both reported with paths."""
    cid = next(r["complaint_id"] for r in EVENT_RECORDS if r.get("compensation"))
    records = events_of(cid)
    index = next(i for i, r in enumerate(records) if r.get("compensation"))
    records[index]["compensation"] = "{oops"
    records[index]["remark"] = "x"
    [row] = clock_records(records, POLICY, AT, calendar=CALENDAR)
    assert (REJECTED, index) == (row["status"], row["row"])
    assert ["$.compensation", "$.remark"] == paths(row)
    records[index]["remark"] = None  # a null extra cell is an absent one
    [row] = clock_records(records, POLICY, AT, calendar=CALENDAR)
    assert ["$.compensation"] == paths(row)


def test_clock_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame variant reads the event columns the frame has and gives the same records."""
    monkeypatch.setitem(sys.modules, "pandas", fake_pandas())
    records = events_of("TS-2026-0001", "TS-2026-0002")
    table = wide(records)
    columns = [c for c in CLOCK_INPUT if c != "compensation"]
    data = {c: [r[c] for r in table] for c in columns}
    frame = FakeFrame(data | {"__null_dask_index__": list(range(len(table)))})
    result = clock_frame(frame, POLICY, AT, calendar=CALENDAR, first_row=2)
    assert list(CLOCK_SCHEMA.names) == result.columns
    assert list(clock_records(records, POLICY, AT, calendar=CALENDAR, first_row=2)) == (
        result.rows()
    )


def test_clock_frame_needs_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas, the frame variant says what to install."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependency):
        clock_frame(FakeFrame({"event": []}), POLICY, AT)


# --- properties -----------------------------------------------------------------------------

SOME = events_of("TS-2026-0001", "TS-2026-0002", "TS-2026-0003", "TS-2026-0004")
JUNK = st.fixed_dictionaries(
    {},
    optional={
        "complaint_id": st.sampled_from(["TS-2026-0001", "TS-2026-0002", "X", "", None, 3]),
        "event": st.sampled_from(["registered", "resolved", "nope", None]),
        "at": st.sampled_from(["2026-09-02T10:00:00+08:00", "soon", None]),
        "compensation": st.sampled_from(["{", "[]", None]),
        "other": st.integers(),
    },
)


def runs(records: list[dict[str, Any]]) -> list[list[int]]:
    """The rows of each run of events of one id; an event without a readable id is alone."""
    out: list[list[int]] = []
    current: list[int] = []
    current_id: str | None = None
    for row, record in enumerate(records):
        cid = key_of(record, "complaint_id")
        if cid is None:
            out.append([row])
            continue
        if not current or cid != current_id:
            current = []
            current_id = cid
            out.append(current)
        current.append(row)
    return out


@given(st.lists(st.one_of(st.sampled_from(SOME), JUNK), max_size=12))
def test_clock_records_keep_every_complaint(records: list[dict[str, Any]]) -> None:
    """Every run of events comes out, ok or rejected, at one of its rows; nothing else does."""
    rows = list(clock_records(records, POLICY, AT, calendar=CALENDAR))
    assert all(tuple(r) == CLOCK_SCHEMA.names for r in rows)
    assert all((r["status"] == OK) == (r["errors"] is None) for r in rows)
    out = [r["row"] for r in rows]
    for run in runs(records):
        mine = [r for r in rows if r["row"] in run]
        assert mine
        assert len({r["row"] for r in mine}) == 1
        assert all(r["status"] == OK for r in mine) or len(mine) == 1
    assert set(out) <= {row for run in runs(records) for row in run}
