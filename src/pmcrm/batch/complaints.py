"""The complaint kernels: complaints replayed from their events, and their SLA clocks.

The input is a stream of complaint **events**, one record each: the JSON
object of a :data:`~pmcrm.complaints.events.ComplaintEvent`, tagged by its
``"event"`` key (the columns are :data:`CLOCK_INPUT`).  A complaint's events
must come **together, in time order** — as pmcrm and most complaint systems
export them; in a data engine, partition by ``complaint_id`` and keep each
complaint's events consecutive and sorted by ``at`` within a partition.
Only one complaint's events are held at a time (and the ids already seen,
to refuse a complaint whose events come back after another's).

:func:`complaint_states` replays each complaint
(:func:`~pmcrm.complaints.lifecycle.replay`); :func:`clock_records` reads its SLA
clocks at an instant (:func:`~pmcrm.complaints.clocks.complaint_clocks`), one
result record per complaint and metric (:data:`CLOCK_SCHEMA`).  A complaint
with a faulty event is rejected as a whole, once.

>>> from datetime import datetime, timedelta, timezone
>>> from pmcrm.complaints import ComplaintEvent
>>> from pmcrm.sample import sample_calendar, sample_complaints
>>> from pmcrm.serialization import unstructure
>>> complaints = sample_complaints()
>>> records = [
...     unstructure(e, unstructure_as=ComplaintEvent)
...     for e in complaints.events
...     if e.complaint_id in {"TS-2026-0001", "TS-2026-0002"}
... ]
>>> records[-1]["at"] = "yesterday"  # a bad event: its complaint is rejected
>>> at = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=8)))
>>> rows = list(clock_records(records, complaints.policy, at, calendar=sample_calendar()))
>>> for r in rows:
...     print(r["row"], r["status"], r["complaint_id"], r["metric"], r["clock_status"])
0 ok TS-2026-0001 first_response met
0 ok TS-2026-0001 investigation met
0 ok TS-2026-0001 resolution met
0 ok TS-2026-0001 follow_up met
15 rejected TS-2026-0002 None None
>>> [e["path"] for e in json.loads(rows[-1]["errors"])]
['$.at']
"""

import functools
import json
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from pmcrm.batch._core import (
    Column,
    Record,
    Schema,
    _column,
    _json_entry,
    accepted,
    converter_or_default,
    entries_of,
    from_engine,
    guarded,
    key_of,
    make_schema,
    plain,
    records_of,
    rejected,
    row_ids,
    to_frame,
)
from pmcrm.calendars import TimeBase
from pmcrm.complaints.clocks import MetricClock, complaint_clocks
from pmcrm.complaints.events import EVENTS, ComplaintEvent
from pmcrm.complaints.lifecycle import ComplaintState, replay
from pmcrm.complaints.sla import SlaPolicy
from pmcrm.errors import (
    InvalidValue,
    PmcrmError,
    ReportEntry,
    TransitionNotAllowed,
    ValidationError,
)
from pmcrm.serialization import PmcrmConverter
from pmcrm.values import Lang

__all__ = [
    "CLOCK_INPUT",
    "CLOCK_SCHEMA",
    "STATE_SCHEMA",
    "clock_frame",
    "clock_records",
    "complaint_states",
]


def _input_columns() -> dict[str, Any]:
    columns: dict[str, Any] = {"event": str}
    for cls in EVENTS.values():
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            columns.setdefault(field.name, hints[field.name])
    return columns


#: The columns of an event record and their types: ``"event"`` (the kind's
#: tag) and the fields of every :data:`~pmcrm.complaints.events.ComplaintEvent`
#: kind (the type is the first kind's that has the field; where kinds differ,
#: as for ``reason``, the JSON is text for all of them).  Which kind has
#: which field: :data:`~pmcrm.complaints.events.EVENTS`.  A record holds its
#: kind's fields only; a null (or ``NaN``) cell counts as absent, so one wide
#: table can hold every kind.  Instants are ISO text with their offset.
#: ``compensation`` (an object) may also be JSON text, or flat columns
#: (``compensation.amount``) read with :func:`~pmcrm.batch.from_flat` and
#: this mapping as the shape; every other value is read as it is (a
#: summary starting with ``[`` stays text).
CLOCK_INPUT: Final[Mapping[str, Any]] = _input_columns()

#: The columns whose values are objects (and so may come as JSON text).
_OBJECT_COLUMNS: Final = frozenset({"compensation"})

_COMPLAINT_ID = _column(
    "complaint_id",
    "string",
    "投诉编号",
    "The complaint",
    nullable=True,
    title=("投诉", "complaint"),
)

#: The schema of the rejected records :func:`complaint_states` yields: the
#: complaint (when readable) and why it was refused.
STATE_SCHEMA: Final[Schema] = make_schema(_COMPLAINT_ID)


def _nullable(name: str, type_: str, zh: str, en: str, *, title: tuple[str, str]) -> Column:
    return _column(name, type_, zh, en, nullable=True, title=title)


#: The result schema of :func:`clock_records`: one record per complaint and
#: metric the policy times.  ``row`` is the row of the complaint's first
#: event (of its faulty event, when rejected).  A complaint no rule times
#: gets one record with ``metric`` null.  Durations count on the rule's
#: time base; instants keep their offsets.
CLOCK_SCHEMA: Final[Schema] = make_schema(
    _COMPLAINT_ID,
    _nullable(
        "at",
        "datetime",
        "读取时刻",
        "The instant the clocks are read at",
        title=("读取时刻", "at"),
    ),
    _nullable(
        "metric",
        "string",
        "计时指标：first_response、investigation、resolution 或 follow_up",
        "What it times: ``first_response``, ``investigation``, ``resolution`` or ``follow_up``",
        title=("指标", "metric"),
    ),
    _nullable(
        "rule",
        "integer",
        "适用规则在政策中的位置（从 0 起；说明中从 1 起编号）",
        "The rule that applies: its position in the policy's rules, from 0 "
        "(the explanation numbers them from 1)",
        title=("规则", "rule"),
    ),
    _nullable("target", "duration", "时限", "The rule's time limit", title=("时限", "target")),
    _nullable(
        "time_base",
        "string",
        "计时基准（连续时间或工作日历的名称）",
        "The time base counted on: continuous time or the business calendar's name",
        title=("计时基准", "time base"),
    ),
    _nullable(
        "start",
        "datetime",
        "开始计时时刻",
        "Where it started (null: not started)",
        title=("开始", "start"),
    ),
    _nullable(
        "stop",
        "datetime",
        "停止计时时刻",
        "Where it stopped (null: running or not started)",
        title=("停止", "stop"),
    ),
    _nullable(
        "due",
        "datetime",
        "到期时刻（未开始，或超出日历覆盖范围时为空）",
        "When it falls due (null: not started, or past the calendar's coverage)",
        title=("到期", "due"),
    ),
    _nullable(
        "provisional",
        "boolean",
        "到期时刻为暂定（暂停中：假设现在恢复）",
        "The due time assumes the clock resumes now (it is paused)",
        title=("暂定", "provisional"),
    ),
    _nullable("elapsed", "duration", "已计时长", "Counted time", title=("已计", "elapsed")),
    _nullable("paused", "duration", "暂停时长", "Paused time", title=("暂停", "paused")),
    _nullable(
        "excluded",
        "duration",
        "不计时长（已解决至重新打开之间）",
        "Time not counted between a resolution and its reopening",
        title=("不计", "excluded"),
    ),
    _nullable(
        "remaining",
        "duration",
        "剩余时长",
        "Target minus elapsed, not below zero",
        title=("剩余", "remaining"),
    ),
    _nullable(
        "overdue",
        "duration",
        "超时时长",
        "Elapsed minus target, not below zero",
        title=("超时", "overdue"),
    ),
    _nullable(
        "clock_status",
        "string",
        "计时状态：not_started、running、paused、met 或 breached",
        "Where the clock stands: ``not_started``, ``running``, ``paused``, ``met`` or "
        "``breached``",
        title=("计时状态", "clock"),
    ),
    _nullable(
        "warning",
        "decimal",
        "已达到的最高预警水平（时限的比例，如 0.8）",
        "The highest warning level reached, as a share of the target (``'0.8'``)",
        title=("预警", "warning"),
    ),
    _nullable(
        "explanation_zh",
        "string",
        "计时说明（中文）",
        "Why, in Chinese",
        title=("说明", "explanation (zh)"),
    ),
    _nullable(
        "explanation_en",
        "string",
        "计时说明（英文）",
        "Why, in English",
        title=("说明（英文）", "explanation"),
    ),
)


# --- events ----------------------------------------------------------------------------


def _event(
    converter: PmcrmConverter, record: Mapping[str, Any]
) -> ComplaintEvent | list[ReportEntry]:
    """The event of *record*, or the entries that say why not."""
    data: dict[str, Any] = {}
    faults: list[ReportEntry] = []
    for key, cell in record.items():
        value = cell
        if value is None:  # a null cell of a wide table: a field this kind lacks
            continue
        if key in _OBJECT_COLUMNS or not isinstance(value, str):
            try:
                value = from_engine(value)
            except json.JSONDecodeError as exc:
                faults.append(_json_entry(f"$.{key}", exc))
                continue
        else:
            value = str(value)  # numpy's str_ too: the strict converter reads str only
        if value is not None:  # a null cell of a wide table: a field this kind lacks
            data[key] = value
    try:
        # A tagged union, not a class: ``load`` reads it all the same.
        event: ComplaintEvent = converter.load(data, ComplaintEvent)  # type: ignore[arg-type]
    except ValidationError as exc:
        return [*faults, *exc.report]
    return faults or event


@attrs.define
class _Run:
    """The consecutive events of one complaint, as they are read."""

    complaint_id: str
    first_row: int
    seen_at: int | None  # when the complaint already appeared: the row it did
    rows: list[int] = attrs.Factory(list)
    events: list[ComplaintEvent] = attrs.Factory(list)
    bad_rows: list[int] = attrs.Factory(list)
    faults: list[ReportEntry] = attrs.Factory(list)
    # Events without a readable complaint id met meanwhile, refused on their own.
    orphans: list[Record] = attrs.Factory(list)

    def add(self, row: int, event: ComplaintEvent | list[ReportEntry]) -> None:
        if isinstance(event, list):
            if not self.bad_rows:
                self.faults = event
            self.bad_rows.append(row)
        elif not self.bad_rows:
            self.rows.append(row)
            self.events.append(event)


def _reappeared(run: _Run) -> ReportEntry:
    return ReportEntry(
        path="$.complaint_id",
        code="duplicate",
        message_zh=f"投诉 {run.complaint_id!r} 的事件不连续：已在第 {run.seen_at} 行出现，"
        "其间夹有其他投诉的事件；请按 complaint_id 排列（或分区）事件",
        message_en=f"complaint {run.complaint_id!r} appears again after other complaints' "
        f"events (first at row {run.seen_at}): a complaint's events must be consecutive; "
        "sort or partition the events by complaint_id",
    )


def _others(rows: list[int]) -> ReportEntry:
    listed = ", ".join(str(r) for r in rows)
    rows_en = f"row {listed}" if len(rows) == 1 else f"rows {listed}"
    return ReportEntry(
        path="$",
        code="invalid",
        message_zh=f"该投诉另有无效事件：第 {'、'.join(str(r) for r in rows)} 行",
        message_en=f"other invalid events of this complaint: {rows_en}",
    )


_EVENT_FIELD = re.compile(r"events\[([0-9]+)\]\.(\w+)\Z")


def _replay_fault(error: PmcrmError, rows: list[int]) -> tuple[int, tuple[ReportEntry, ...]]:
    """The row of the event *error* refused, and why, located in that event's record."""
    if isinstance(error, TransitionNotAllowed) and error.index is not None:
        return rows[error.index], entries_of(error, "$.event")
    if isinstance(error, InvalidValue):
        found = _EVENT_FIELD.match(error.field)
        if found:
            return rows[int(found.group(1))], entries_of(error, f"$.{found.group(2)}")
    return rows[0], entries_of(error)


def _outcome(run: _Run) -> tuple[int, ComplaintState] | Record:
    keys = {"complaint_id": run.complaint_id}
    if run.seen_at is not None:
        return rejected(STATE_SCHEMA, run.first_row, [_reappeared(run)], **keys)
    if run.bad_rows:
        more = [_others(run.bad_rows[1:])] if len(run.bad_rows) > 1 else []
        return rejected(STATE_SCHEMA, run.bad_rows[0], [*run.faults, *more], **keys)
    try:
        state = replay(run.events)
    except PmcrmError as exc:
        row, entries = _replay_fault(exc, run.rows)
        return rejected(STATE_SCHEMA, row, entries, **keys)
    return run.first_row, state


def _row_of(item: tuple[int, ComplaintState] | Record) -> int:
    return item[0] if isinstance(item, tuple) else int(item["row"])


def _finish(run: _Run) -> Iterator[tuple[int, ComplaintState] | Record]:
    """The complaint's outcome and the id-less events met meanwhile, in row order."""
    yield from sorted([_outcome(run), *run.orphans], key=_row_of)


def _orphan(converter: PmcrmConverter, row: int, record: Mapping[str, Any]) -> Record:
    """The refusal of an event whose complaint id cannot be read: it belongs to no complaint."""
    loaded = _event(converter, record)  # refused: an event needs its complaint id
    return rejected(STATE_SCHEMA, row, loaded if isinstance(loaded, list) else [])


def complaint_states(
    records: Iterable[Mapping[str, Any]],
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
) -> Iterator[tuple[int, ComplaintState] | Record]:
    """Each complaint of an event stream replayed, lazily, complaint by complaint.

    The events of one complaint are the consecutive records with its
    ``complaint_id`` (see the module documentation).  An event whose
    ``complaint_id`` cannot be read belongs to no complaint: it is refused
    on its own (in an export such rows may lie anywhere; in a data engine
    they sort together), and the complaint around it goes on without it.
    The stream the monthly analysis reads
    (:func:`~pmcrm.complaints.analysis.analyse` over the states).

    Args:
        records: Event records (the columns of :data:`CLOCK_INPUT`).
        converter: The strict converter to load events with (default: the
            process's; in a data-engine worker, build one per worker).
        first_row: The number of the first record.

    Yields:
        ``(row, state)`` for a complaint replayed, *row* being its first
        event's; or a rejected record of :data:`STATE_SCHEMA` (a dict) for a
        complaint refused, once: at the row of its first faulty event, with
        that event's faults (and the rows of any other faulty events); at the
        row of the event the lifecycle refused; or, for a complaint whose
        events reappear after another complaint's, at the first row of the
        reappearance (the earlier run was processed as it stood); and one
        for each event without a readable complaint id, at its row, with
        ``complaint_id`` null.  Outcomes come in the order of their rows.

    The monthly analysis over an event file, its refusals set aside:

    >>> from datetime import datetime, timedelta, timezone
    >>> from pmcrm.complaints import ComplaintEvent, analyse
    >>> from pmcrm.sample import sample_calendar, sample_complaints
    >>> from pmcrm.serialization import unstructure
    >>> complaints = sample_complaints()
    >>> events = [unstructure(e, unstructure_as=ComplaintEvent) for e in complaints.events]
    >>> events[0]["by"] = ""
    >>> states, refused = [], []
    >>> for item in complaint_states(events):
    ...     (refused if isinstance(item, dict) else states).append(item)
    >>> len(states), [(r["row"], r["complaint_id"]) for r in refused]
    (53, [(0, 'TS-2026-0001')])
    >>> at = datetime(2026, 11, 23, 18, 0, tzinfo=timezone(timedelta(hours=8)))
    >>> report = analyse(
    ...     (state for _, state in states), complaints.policy, at, calendar=sample_calendar()
    ... )
    >>> report.overall.complaints
    53
    """
    conv = converter_or_default(converter)
    seen: dict[str, int] = {}
    run: _Run | None = None
    for row, record in enumerate(records, first_row):
        complaint_id = key_of(record, "complaint_id")
        if complaint_id is None:
            orphan = _orphan(conv, row, record)
            if run is None:
                yield orphan
            else:  # after the complaint it interrupts, to keep the rows in order
                run.orphans.append(orphan)
            continue
        if run is None or complaint_id != run.complaint_id:
            if run is not None:
                yield from _finish(run)
            seen_at = seen.setdefault(complaint_id, row)
            run = _Run(complaint_id, row, None if seen_at == row else seen_at)
        if run.seen_at is None:  # a reappearance is consumed, not loaded
            run.add(row, _event(conv, record))
    if run is not None:
        yield from _finish(run)


# --- clocks ----------------------------------------------------------------------------


def _clock(row: int, complaint_id: str, clock: MetricClock) -> Record:
    return accepted(
        CLOCK_SCHEMA,
        row,
        {
            "complaint_id": complaint_id,
            "at": plain(clock.at),
            "metric": clock.metric.value,
            "rule": clock.choice.index,
            "target": plain(clock.target),
            "time_base": clock.time_base,
            "start": plain(clock.start),
            "stop": plain(clock.stop),
            "due": plain(clock.due),
            "provisional": clock.provisional,
            "elapsed": plain(clock.elapsed),
            "paused": plain(clock.paused),
            "excluded": plain(clock.excluded),
            "remaining": plain(clock.remaining),
            "overdue": plain(clock.overdue),
            "clock_status": clock.status.value,
            "warning": plain(clock.warning),
            "explanation_zh": clock.explain(Lang.ZH),
            "explanation_en": clock.explain(Lang.EN),
        },
    )


def _clock_rows(
    row: int,
    state: ComplaintState,
    *,
    policy: SlaPolicy,
    at: datetime,
    calendar: TimeBase | None,
) -> list[Record]:
    clocks = complaint_clocks(state, policy, at, calendar=calendar)
    if not clocks.clocks:
        return [accepted(CLOCK_SCHEMA, row, {"complaint_id": state.complaint_id, "at": plain(at)})]
    return [_clock(row, state.complaint_id, clock) for clock in clocks.clocks]


def clock_records(
    records: Iterable[Mapping[str, Any]],
    policy: SlaPolicy,
    at: datetime,
    *,
    calendar: TimeBase | None = None,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
) -> Iterator[Record]:
    """Every SLA clock of each complaint of an event stream at *at*, lazily.

    Each complaint is replayed (:func:`complaint_states`) and its clocks
    read at *at* (:func:`~pmcrm.complaints.clocks.complaint_clocks`: events after
    *at* are ignored).  A complaint registered after *at* has no clocks
    then, and is rejected saying so.

    Args:
        records: Event records (the columns of :data:`CLOCK_INPUT`),
            each complaint's together and in time order.
        policy: The SLA rules.
        at: The instant to read the clocks at (aware).
        calendar: The business calendar, for rules on business hours.
        converter: The strict converter to load events with (default: the
            process's; in a data-engine worker, build one per worker).
        first_row: The number of the first record (``row`` column).

    Returns:
        An iterator of records of :data:`CLOCK_SCHEMA`, all of a
        complaint's together: one per metric the policy times (``status``
        ``"ok"``), or one ``"rejected"`` record for the complaint, with
        every fault and its path (``$.at``) in ``errors``.

    Raises:
        InvalidValue: *at* is naive (at once, not when iterating).
    """
    if at.utcoffset() is None:
        raise InvalidValue("at", "naive_datetime", value=at.isoformat())
    compute: Callable[[int, ComplaintState], list[Record]] = functools.partial(
        _clock_rows, policy=policy, at=at, calendar=calendar
    )
    return _clocks(complaint_states(records, converter=converter, first_row=first_row), compute)


def _clocks(
    states: Iterator[tuple[int, ComplaintState] | Record],
    compute: Callable[[int, ComplaintState], list[Record]],
) -> Iterator[Record]:
    for item in states:
        if isinstance(item, dict):
            yield CLOCK_SCHEMA.empty(item["row"]) | item
            continue
        row, state = item
        yield from guarded(
            CLOCK_SCHEMA,
            row,
            {"complaint_id": state.complaint_id},
            functools.partial(compute, row, state),
        )


def clock_frame(
    frame: Any,
    policy: SlaPolicy,
    at: datetime,
    *,
    calendar: TimeBase | None = None,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
    row_column: str | None = None,
) -> Any:
    """As :func:`clock_records`, over a pandas DataFrame, returning one (needs pandas).

    Only the columns of :data:`CLOCK_INPUT` are read (those the frame has).
    Each complaint's events must lie in one frame (partition by
    ``complaint_id``), consecutive and in time order.  The result has the
    columns of :data:`CLOCK_SCHEMA`, each of ``object`` dtype, also when
    empty: use it as Dask's ``map_partitions`` function and Spark's
    ``mapInPandas`` function unchanged.

    With *row_column*, each result's ``row`` is that input column's value
    instead of the input's position.
    """
    records = records_of(frame, [c for c in CLOCK_INPUT if c in frame.columns])
    return to_frame(
        clock_records(
            records, policy, at, calendar=calendar, converter=converter, first_row=first_row
        ),
        CLOCK_SCHEMA,
        rows=row_ids(frame, row_column),
        first_row=first_row,
    )
