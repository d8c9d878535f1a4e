"""K1 (the tier-review kernel) and K2 (the SLA-clock kernel) against hand-written floors.

The batch kernels (``pmcrm.batch``) wrap pmcrm's jobs in the framing a data
engine needs: row numbers, a status, every pmcrm error caught and turned
into a rejected record, the result checked against its schema.  These
benchmarks measure what that framing costs on valid input, against floors
that do the same work without it.

* **K1** -- ``review_records`` over the sample portfolio's 200 member records
  (``{"customer": …, "member": …}``, each as ``pmcrm.serialization.unstructure``
  writes it, as ``pmcrm sample-files`` does) on the sample's day, against a
  loop that loads the customer and the member record with the same strict
  converter, calls ``pmcrm.tiers.review`` and builds the same result record
  (same keys in the same order, same values: dates as ISO text, the reasons
  joined per language, the member record after the review as JSON text).
* **K2** -- ``clock_records`` over the sample's complaint events (418 events of
  54 complaints, unstructured as ``ComplaintEvent``) at 2026-11-23 18:00
  +08:00 with the sample calendar, against a loop that groups consecutive
  events by ``complaint_id``, loads each event with ``converter.load(record,
  ComplaintEvent)`` (the call the kernel makes), replays them, reads
  ``complaint_clocks`` and builds the same record per clock.

Both are checked equal first: every record, key by key, in order.  The
floors catch no errors and look at no cell: they are for valid input only
(all the sample's records are valid), so the ratio is the framing's cost on
the common path.  Each timed call runs a chunk of records (K1) or of whole
complaints (K2), so that a kernel's per-call set-up is spread as in a
stream; the table shows time per input record.
"""

import itertools
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from benchmarks._harness import Config, Section, interleave, timed_row
from pmcrm.batch import clock_records, review_records
from pmcrm.calendars import TimeBase
from pmcrm.complaints import ComplaintEvent, SlaPolicy, complaint_clocks, replay
from pmcrm.customers import Customer
from pmcrm.errors import iso_duration
from pmcrm.sample import (
    sample_calendar,
    sample_complaints,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_tier_policy,
)
from pmcrm.serialization import PmcrmConverter, default_converter, unstructure
from pmcrm.tiers import MemberRecord, TierPolicy, review

#: K1: records per timed call.
K1_CHUNK = 20
#: K2: whole complaints per timed call.
K2_COMPLAINTS = 5
#: How many times the sample is gone through per round (default, quick).
PASSES = {False: 2, True: 1}
#: At least this many rounds, also with ``--quick`` (a round takes about 0.1 s).
MIN_ROUNDS = 15
#: The instant K2 reads the clocks at: the sample's day, after office hours.
CLOCK_AT = datetime(2026, 11, 23, 18, 0, tzinfo=timezone(timedelta(hours=8)))

Record = dict[str, Any]
Chunk = tuple[int, Sequence[Mapping[str, Any]]]


# --- the inputs ------------------------------------------------------------------------


def member_records() -> list[Record]:
    """The sample's member records as the review kernel reads them."""
    return [
        {"customer": unstructure(c), "member": unstructure(m)}
        for c, m in zip(sample_portfolio(), sample_members(), strict=True)
    ]


def event_records() -> list[Record]:
    """The sample's complaint events as the clock kernel reads them."""
    return [unstructure(e, unstructure_as=ComplaintEvent) for e in sample_complaints().events]


def record_chunks(records: Sequence[Record], size: int) -> list[Chunk]:
    """*records* in chunks of *size*, each with the row number of its first record."""
    return [(i, records[i : i + size]) for i in range(0, len(records), size)]


def complaint_chunks(events: Sequence[Record], complaints: int) -> list[Chunk]:
    """*events* in chunks of whole complaints (*complaints* each), with their first rows."""
    runs = [
        list(run) for _, run in itertools.groupby(events, key=operator.itemgetter("complaint_id"))
    ]
    chunks: list[Chunk] = []
    row = 0
    for k in range(0, len(runs), complaints):
        chunk = [e for run in runs[k : k + complaints] for e in run]
        chunks.append((row, chunk))
        row += len(chunk)
    return chunks


def _rounds(cfg: Config) -> int:
    return max(cfg.rounds, MIN_ROUNDS)


def _same(got: Sequence[Record], expected: Sequence[Record]) -> str | None:
    """Why *got* differs from *expected* (keys in order, values), or ``None``."""
    if len(got) != len(expected):
        return f"{len(got)} records, not {len(expected)}"
    for a, b in zip(got, expected, strict=True):
        if list(a.items()) != list(b.items()):
            keys = [k for k in {**a, **b} if a.get(k, ...) != b.get(k, ...)]
            return f"row {b.get('row')}: differs in {keys or 'the order of the keys'}"
    return None


# --- K1 ----------------------------------------------------------------------------------


def floor_review(
    chunk: Chunk, policy: TierPolicy, on: date, converter: PmcrmConverter
) -> list[Record]:
    """The K1 floor: load, review and build the kernel's record, for valid input only."""
    load, dump, dumps = converter.load, converter.dump, json.dumps
    first_row, records = chunk
    out = []
    for row, record in enumerate(records, first_row):
        customer = load(record["customer"], Customer)
        member = load(record["member"], MemberRecord)
        outcome = review(customer, member, policy, on)
        notice = outcome.notice
        reasons = outcome.reasons
        out.append(
            {
                "row": row,
                "status": "ok",
                "customer_id": outcome.customer_id,
                "on": outcome.on.isoformat(),
                "action": outcome.action.value,
                "from_tier": outcome.from_tier,
                "to_tier": outcome.to_tier,
                "notice_issued_on": None if notice is None else notice.issued_on.isoformat(),
                "notice_effective_on": (
                    None if notice is None else notice.effective_on.isoformat()
                ),
                "reasons_zh": "\n".join(r.text("zh") for r in reasons),
                "reasons_en": "\n".join(r.text("en") for r in reasons),
                "member": dumps(dump(outcome.record), ensure_ascii=False),
                "errors": None,
            }
        )
    return out


def load_and_review(
    chunk: Chunk, policy: TierPolicy, on: date, converter: PmcrmConverter
) -> list[Any]:
    """K1 context: the floor's loading and reviewing alone, no result record."""
    load = converter.load
    return [
        review(load(r["customer"], Customer), load(r["member"], MemberRecord), policy, on)
        for r in chunk[1]
    ]


def run_k1(cfg: Config) -> Section:
    """K1: ``review_records`` vs the hand-written floor, per record."""
    section = Section("K1", "tier-review kernel")
    policy = sample_tier_policy()
    on = sample_config().as_of
    converter = default_converter()
    records = member_records()
    chunks = record_chunks(records, K1_CHUNK)

    def kernel(chunk: Chunk, _kernel: Callable[..., Iterable[Record]] = review_records) -> Any:
        return list(_kernel(chunk[1], policy, on, converter=converter, first_row=chunk[0]))

    def floor(chunk: Chunk, _floor: Callable[..., list[Record]] = floor_review) -> Any:
        return _floor(chunk, policy, on, converter)

    def bare(chunk: Chunk, _bare: Callable[..., list[Any]] = load_and_review) -> Any:
        return _bare(chunk, policy, on, converter)

    expected = [r for c in chunks for r in floor(c)]
    problem = _same([r for c in chunks for r in kernel(c)], expected) or _same(
        list(review_records(records, policy, on, converter=converter)), expected
    )
    if problem is not None:
        section.failed = f"review_records differs from the floor: {problem}"
        return section
    if any(r["status"] != "ok" for r in expected):
        section.failed = "a sample record was rejected"
        return section
    items = chunks * PASSES[cfg.quick]
    timings = interleave(
        {"floor": (floor, items), "kernel": (kernel, items), "bare": (bare, items)},
        _rounds(cfg),
    )
    per_record = {
        name: [t * len(items) / (len(records) * PASSES[cfg.quick]) for t in ts]
        for name, ts in timings.times.items()
    }
    actions: dict[str, int] = {}
    for r in expected:
        actions[r["action"]] = actions.get(r["action"], 0) + 1
    section.rows = [
        timed_row(
            "K1",
            "floor: load ×2, review, build the record",
            per_record,
            "floor",
            "floor",
        ),
        timed_row(
            "K1",
            "pmcrm.batch.review_records, per record",
            per_record,
            "kernel",
            "floor",
            target=1.10,
        ),
        timed_row(
            "K1",
            "  load ×2 and review only, no record",
            per_record,
            "bare",
            "floor",
            note="context: what building the result record costs in the floor",
        ),
    ]
    section.notes = [
        f"the sample's {len(records)} member records on {on.isoformat()} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(actions.items()))}), "
        f"{len(chunks)} chunks of {K1_CHUNK} per pass, {PASSES[cfg.quick]} pass(es) per round, "
        f"{_rounds(cfg)} rounds; every record checked equal to the floor's first "
        "(keys in order, values)",
        timings.note(),
    ]
    return section


# --- K2 ----------------------------------------------------------------------------------


def _instant(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def floor_clocks(
    chunk: Chunk,
    policy: SlaPolicy,
    at: datetime,
    calendar: TimeBase | None,
    converter: PmcrmConverter,
    *,
    drop_nulls: bool = False,
) -> list[Record]:
    """The K2 floor: group, load, replay, read the clocks, build the kernel's records.

    For valid input only; a complaint with no clock gets the kernel's one
    record with ``metric`` null.  With *drop_nulls*, each event's null
    cells are dropped before loading, as the kernel does (a context row).
    """
    load = converter.load
    first_row, events = chunk
    out: list[Record] = []
    row = first_row
    for complaint_id, run in itertools.groupby(events, key=operator.itemgetter("complaint_id")):
        cells: Iterable[Mapping[str, Any]] = run
        if drop_nulls:
            cells = ({k: v for k, v in e.items() if v is not None} for e in run)
        loaded: list[ComplaintEvent] = [
            load(e, ComplaintEvent)  # type: ignore[arg-type]  # a union, as in the kernel
            for e in cells
        ]
        state = replay(loaded)
        clocks = complaint_clocks(state, policy, at, calendar=calendar).clocks
        if not clocks:
            out.append(_no_clock(row, complaint_id, at))
        for clock in clocks:
            warning = clock.warning
            out.append(
                {
                    "row": row,
                    "status": "ok",
                    "complaint_id": complaint_id,
                    "at": clock.at.isoformat(),
                    "metric": clock.metric.value,
                    "rule": clock.choice.index,
                    "target": iso_duration(clock.target),
                    "time_base": clock.time_base,
                    "start": _instant(clock.start),
                    "stop": _instant(clock.stop),
                    "due": _instant(clock.due),
                    "provisional": clock.provisional,
                    "elapsed": iso_duration(clock.elapsed),
                    "paused": iso_duration(clock.paused),
                    "excluded": iso_duration(clock.excluded),
                    "remaining": iso_duration(clock.remaining),
                    "overdue": iso_duration(clock.overdue),
                    "clock_status": clock.status.value,
                    "warning": None if warning is None else f"{warning:f}",
                    "explanation_zh": clock.explain("zh"),
                    "explanation_en": clock.explain("en"),
                    "errors": None,
                }
            )
        row += len(loaded)
    return out


#: The columns a complaint without a clock has null.
_CLOCK_KEYS = (
    "metric",
    "rule",
    "target",
    "time_base",
    "start",
    "stop",
    "due",
    "provisional",
    "elapsed",
    "paused",
    "excluded",
    "remaining",
    "overdue",
    "clock_status",
    "warning",
    "explanation_zh",
    "explanation_en",
)


def _no_clock(row: int, complaint_id: str, at: datetime) -> Record:
    return (
        {"row": row, "status": "ok", "complaint_id": complaint_id, "at": at.isoformat()}
        | dict.fromkeys(_CLOCK_KEYS)
        | {"errors": None}
    )


def run_k2(cfg: Config) -> Section:
    """K2: ``clock_records`` vs the hand-written floor, per event."""
    section = Section("K2", "SLA-clock kernel")
    policy = sample_complaints().policy
    calendar = sample_calendar()
    converter = default_converter()
    events = event_records()
    chunks = complaint_chunks(events, K2_COMPLAINTS)

    def kernel(chunk: Chunk, _kernel: Callable[..., Iterable[Record]] = clock_records) -> Any:
        return list(
            _kernel(
                chunk[1],
                policy,
                CLOCK_AT,
                calendar=calendar,
                converter=converter,
                first_row=chunk[0],
            )
        )

    def floor(chunk: Chunk, _floor: Callable[..., list[Record]] = floor_clocks) -> Any:
        return _floor(chunk, policy, CLOCK_AT, calendar, converter)

    def floor_dropping(chunk: Chunk, _floor: Callable[..., list[Record]] = floor_clocks) -> Any:
        return _floor(chunk, policy, CLOCK_AT, calendar, converter, drop_nulls=True)

    expected = [r for c in chunks for r in floor(c)]
    whole = list(clock_records(events, policy, CLOCK_AT, calendar=calendar, converter=converter))
    problem = (
        _same([r for c in chunks for r in kernel(c)], expected)
        or _same(whole, expected)
        or _same([r for c in chunks for r in floor_dropping(c)], expected)
    )
    if problem is not None:
        section.failed = f"clock_records differs from the floor: {problem}"
        return section
    if any(r["status"] != "ok" for r in expected):
        section.failed = "a sample complaint was rejected"
        return section
    items = chunks * PASSES[cfg.quick]
    timings = interleave(
        {"floor": (floor, items), "kernel": (kernel, items), "dropping": (floor_dropping, items)},
        _rounds(cfg),
    )
    per_event = {
        name: [t * len(items) / (len(events) * PASSES[cfg.quick]) for t in ts]
        for name, ts in timings.times.items()
    }
    statuses: dict[str, int] = {}
    for r in expected:
        statuses[r["clock_status"]] = statuses.get(r["clock_status"], 0) + 1
    complaints = len({e["complaint_id"] for e in events})
    nulls = sum(v is None for e in events for v in e.values())
    section.rows = [
        timed_row(
            "K2",
            "floor: group, load, replay, clocks, records",
            per_event,
            "floor",
            "floor",
        ),
        timed_row(
            "K2",
            "pmcrm.batch.clock_records, per event",
            per_event,
            "kernel",
            "floor",
            target=1.15,
        ),
        timed_row(
            "K2",
            "  floor dropping null cells before loading",
            per_event,
            "dropping",
            "floor",
            note="context: the kernel loads events without their null cells",
        ),
    ]
    section.notes = [
        f"the sample's {len(events)} events of {complaints} complaints "
        f"({nulls} null cells), read at {CLOCK_AT.isoformat()} with the sample calendar: "
        f"{len(expected)} clocks ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))})"
        f"; {len(chunks)} chunks of {K2_COMPLAINTS} complaints per pass, "
        f"{PASSES[cfg.quick]} pass(es) per round, {_rounds(cfg)} rounds; every record checked "
        "equal first",
        "the kernel normalises each event's cells before loading (drops nulls, parses JSON "
        "text in object columns, from_engine on every non-text cell): part of its framing; "
        "the floor loads the record as it is",
        timings.note(),
    ]
    return section
