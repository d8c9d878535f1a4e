"""L1 (structuring), L2 (replay) and L3 (scoring): the cost per element as the input grows.

Each benchmark times a few *shapes* of input at sizes n = 10, 100, 1,000 and
10,000 (up to 1,000 with ``--quick``), and reports the time per element (a
list item, an event, a response, an answer) at each size, and the per-round
ratio of the time per element at each size to that at n = 10.  Linear cost
keeps the ratio near 1 (fixed per-call costs spread over more elements can
take it below 1); a cost quadratic in n would show about 1,000 at
n = 10,000.  The target is a ratio of at most 1.5 at the largest size.

So that every size is timed on the same amount of work, each timed call
handles as many elements as the largest size: 1,000 inputs of size 10, ...,
one input of size 10,000.  The sizes of one shape are timed interleaved, one
call each per round.  Before timing, one untimed call per size checks its
result (the loaded object holds n items; the refused input has the expected
faults; the replayed state holds n events; the clocks time every pause; the
scores count n responses or answers), so that no size is faster by doing
less.

**L1** -- ``default_converter().load`` (the generated fast path, then the
detailed path to report a refusal):

* *valid customer*: n units, n roles (an owner of each unit) and n
  purchases; per unit;
* *duplicate keys*: n yearly fees all for one year, refused at the first
  repeat (``duplicate`` at ``$.fees[1]``) after both paths read them all;
  per fee;
* *tags at their limit*: n tags of 200 characters (a tag's own limit); per
  tag;
* *strings at the converter's limit*: n tags of 10,000 characters (the
  converter's ``max_string``), each over a tag's limit: n faults; per tag;
* *unknown keys*: a preferences object with n unknown keys: n faults; per
  key;
* *wide condition*: one ``any_of`` of n conditions (a tagged union: the
  detailed path only); per condition.

**L2** -- complaints:

* *replay*: ``pmcrm.complaints.replay`` of one complaint of n events
  (registered, assessed, then contact, pause and resume over and over, 7
  minutes apart); per event;
* *kernel, one complaint*: ``pmcrm.batch.complaint_states`` over the same
  complaint's n event records (JSON-shaped: load and replay); per event;
* *SLA clocks*: ``complaint_clocks`` of that complaint on the sample's
  business calendar (n/3 pauses); per event;
* *kernel, n complaints*: ``complaint_states`` over n complaints of three
  events each (registered, assessed, resolved); per complaint;
* *repeats, one window*: ``pmcrm.complaints.find_repeats`` (default policy)
  over n complaints of one customer and unit, one minute apart, all in one
  window: each repeats every earlier one, and names at most ``max_listed``
  of them; per complaint.

**L3** -- ``pmcrm.surveys.score_survey``:

* *n responses* to V1's 20-item questionnaire; per response;
* *one response, n answers* to an instrument of n items in six dimensions;
  per answer;
* *one response, n answers, n dimensions* (one item each);
* *one response, n answers: quadrants and flat records*: ``score_and_place``
  and the records of ``pmcrm.batch.summaries`` (``score_records`` and
  ``ipa_records``), as ``pmcrm score`` writes them.

In both one-response shapes the instrument is new to every call (its layout,
which ``score_survey`` builds on first use and keeps, is forgotten before
each call), as when a questionnaire has just been loaded.
"""

import statistics
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs

from benchmarks._harness import Config, Row, Section, interleave, quartiles, ratios
from benchmarks.bench_surveys import make_instrument, make_responses
from pmcrm.batch import complaint_states
from pmcrm.batch.summaries import ipa_records, score_records
from pmcrm.complaints import (
    Assessed,
    ComplaintEvent,
    ComplaintFacts,
    Contacted,
    Paused,
    Registered,
    RepeatPolicy,
    Resolved,
    Resumed,
    complaint_clocks,
    facts,
    find_repeats,
    replay,
)
from pmcrm.complaints.model import ComplaintChannel, ComplaintType, Outcome, PauseReason, Severity
from pmcrm.customers import Customer, Preferences
from pmcrm.errors import ValidationError
from pmcrm.sample import sample_calendar, sample_complaints
from pmcrm.serialization import default_converter, unstructure
from pmcrm.surveys import Answer, DimensionDef, Instrument, Item, Response, score_survey, scoring
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, score_and_place
from pmcrm.tiers.conditions import Condition
from pmcrm.values import Label

#: The sizes timed (default, quick); every timed call handles as many elements as the largest.
SIZES = {False: (10, 100, 1_000, 10_000), True: (10, 100, 1_000)}
#: Rounds (default, quick).
ROUNDS = {False: 5, True: 3}
#: The most a ratio per element at the largest size may be.
TARGET = 1.5

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=CST)

#: A check of a shape's result at size n: ``None`` when right, else what is wrong.
Check = Callable[[Any, int], str | None]


class Shape:
    """One kind of input: how to build it at size n, what to call, how to check the result."""

    def __init__(
        self,
        label: str,
        build: Callable[[int], Any],
        call: Callable[[Any], Any],
        check: Check,
        unit: str,
    ) -> None:
        self.label = label
        self.build = build
        self.call = call
        self.check = check
        self.unit = unit


def _refused(load: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """*load*, returning the report of the :exc:`ValidationError` it raises."""

    def call(data: Any) -> Any:
        try:
            return load(data)
        except ValidationError as error:
            return error.report

    return call


def _faults(expected: Callable[[int], list[tuple[str, str]]]) -> Check:
    """A check that the result is a report with exactly the *expected* ``(path, code)``s."""

    def check(result: Any, n: int) -> str | None:
        if not hasattr(result, "entries"):
            return f"loaded at n={n}, should be refused"
        got = list(zip(result.paths, result.codes, strict=True))
        if got != expected(n):
            return f"n={n}: faults {got[:3]}... differ from the expected {expected(n)[:3]}..."
        return None

    return check


def _holds(read: Callable[[Any], int]) -> Check:
    """A check that ``read(result) == n``."""

    def check(result: Any, n: int) -> str | None:
        got = read(result)
        return None if got == n else f"n={n}: the result holds {got}, not {n}"

    return check


# --- L1 --------------------------------------------------------------------------------------


def customer(n: int, **extra: Any) -> dict[str, Any]:
    """A customer's JSON with n units, roles and purchases (and *extra* fields)."""
    return {
        "customer_id": f"C{n:06d}",
        "name": "王建国",
        "roles": [{"kind": "owner", "unit_code": f"U-{i}"} for i in range(n)],
        "units": [
            {"code": f"U-{i}", "property_type": "residential", "area": "88.20"} for i in range(n)
        ],
        "purchases": [
            {
                "on": "2025-03-01",
                "need": "value_added",
                "category": "cleaning",
                "amount": {"amount": "120.00"},
            }
            for _ in range(n)
        ],
        "registered_at": "2020-05-01T09:30:00+08:00",
        **extra,
    }


def l1_shapes() -> list[Shape]:
    """The shapes of L1."""
    conv = default_converter()
    condition: Any = Condition

    def load_customer(data: Any) -> Any:
        return conv.load(data, Customer)

    leaf = {"type": "referrals", "count": 1, "window_months": 12}
    return [
        Shape(
            "valid customer",
            customer,
            load_customer,
            _holds(lambda c: len(c.units) if len(c.purchases) == len(c.roles) else -1),
            "unit",
        ),
        Shape(
            "duplicate keys: n fees of one year",
            lambda n: customer(1, fees=[{"year": 2024, "amount": {"amount": "1"}}] * n),
            _refused(load_customer),
            _faults(lambda n: [("$.fees[1]", "duplicate")]),
            "fee",
        ),
        Shape(
            "tags at their limit (200 characters)",
            lambda n: customer(1, tags=["标" * 200] * n),
            load_customer,
            _holds(lambda c: len(c.tags)),
            "tag",
        ),
        Shape(
            "strings at max_string (10,000): n faults",
            lambda n: customer(1, tags=["x" * conv.limits.max_string] * n),
            _refused(load_customer),
            _faults(lambda n: [(f"$.tags[{i}]", "max_length") for i in range(n)]),
            "tag",
        ),
        Shape(
            "unknown keys: n faults",
            lambda n: {f"k{i:05d}": i for i in range(n)},
            _refused(lambda data: conv.load(data, Preferences)),
            _faults(lambda n: [(f"$.k{i:05d}", "extra_key") for i in range(n)]),
            "key",
        ),
        Shape(
            "wide condition: any_of n conditions",
            lambda n: {"type": "any_of", "conditions": [leaf] * n},
            lambda data: conv.load(data, condition),
            _holds(lambda c: len(c.conditions)),
            "condition",
        ),
    ]


# --- L2 --------------------------------------------------------------------------------------


def history(n: int, complaint_id: str = "C-1") -> list[ComplaintEvent]:
    """One complaint of n events: registered, assessed, then contact, pause, resume, ..."""
    events: list[ComplaintEvent] = [
        Registered(
            complaint_id=complaint_id,
            at=T0,
            by="s-wang",
            customer_id="CU-1",
            location="3 号楼大堂",
            channel=ComplaintChannel.PHONE,
            category="cleaning",
            summary="大堂地面未清洁",
        ),
        Assessed(
            complaint_id=complaint_id,
            at=T0,
            by="s-wang",
            complaint_type=ComplaintType.ROUTINE,
            severity=Severity.LOW,
        ),
    ]
    at = T0
    while len(events) < n:
        at += timedelta(minutes=7)
        step = len(events) % 3
        if step == 2:
            events.append(
                Contacted(
                    complaint_id=complaint_id, at=at, by="s-wang", channel=ComplaintChannel.PHONE
                )
            )
        elif step == 0:
            events.append(
                Paused(complaint_id=complaint_id, at=at, by="s-wang", reason=PauseReason.CUSTOMER)
            )
        else:
            events.append(Resumed(complaint_id=complaint_id, at=at, by="s-wang"))
    return events[:n]


def records(events: list[ComplaintEvent]) -> list[dict[str, Any]]:
    """The events as the JSON records a batch kernel reads."""
    return [unstructure(e, unstructure_as=ComplaintEvent) for e in events]


def short_complaints(n: int) -> list[dict[str, Any]]:
    """n complaints of three events each, as records."""
    out: list[dict[str, Any]] = []
    for number in range(n):
        cid = f"C-{number:06d}"
        events = history(2, cid)
        events.append(
            Resolved(
                complaint_id=cid,
                at=T0 + timedelta(hours=2),
                by="s-wang",
                outcome=Outcome.EXPLAINED,
                note="已处理",
            )
        )
        out.extend(records(events))
    return out


def _states(data: list[dict[str, Any]]) -> list[Any]:
    return list(complaint_states(data))


def _events_of_states(states: list[Any]) -> int:
    """Events in the replayed states (-1 if a complaint was refused)."""
    if any(isinstance(s, dict) for s in states):
        return -1
    return sum(len(state.events) for _, state in states)


def _every_pause_timed(clocks: Any, n: int) -> str | None:
    """Whether the longest clock's timeline holds every pause of :func:`history` (n events)."""
    pauses = max(sum(s.pause_reason is not None for s in c.timeline) for c in clocks.clocks)
    expected = len(range(3, n, 3))  # history(n) pauses at events 3, 6, 9, ...
    return None if pauses == expected else f"n={n}: {pauses} pauses timed, not {expected}"


def one_window(n: int) -> list[ComplaintFacts]:
    """n complaints of one customer, unit and category, one minute apart (one window)."""
    first = attrs.evolve(facts(replay(history(1))), unit="3-1501")
    return [
        attrs.evolve(first, complaint_id=f"C-{i:06d}", registered_at=T0 + timedelta(minutes=i))
        for i in range(n)
    ]


def _repeats_all_counted(findings: Any, n: int) -> str | None:
    """Whether the last finding counts the other n - 1 complaints (and names a bounded few)."""
    last = findings[-1]
    if last.earlier_count != n - 1 or len(last.earlier) > RepeatPolicy().max_listed:
        return f"n={n}: {last.earlier_count} counted, {len(last.earlier)} named"
    return None


def l2_shapes() -> list[Shape]:
    """The shapes of L2."""
    policy = sample_complaints().policy
    calendar = sample_calendar()

    def clocks(state: Any) -> Any:
        at = state.updated_at + timedelta(hours=1)
        return complaint_clocks(state, policy, at, calendar=calendar)

    return [
        Shape("replay: one complaint", history, replay, _holds(lambda s: len(s.events)), "event"),
        Shape(
            "kernel: one complaint's records",
            lambda n: records(history(n)),
            _states,
            _holds(_events_of_states),
            "event",
        ),
        Shape(
            "SLA clocks of one complaint",
            lambda n: replay(history(n)),
            clocks,
            _every_pause_timed,
            "event",
        ),
        Shape(
            "kernel: n complaints of 3 events",
            short_complaints,
            _states,
            _holds(lambda states: len(states) if _events_of_states(states) > 0 else -1),
            "complaint",
        ),
        Shape(
            "repeats: n complaints of one customer and unit in one window",
            one_window,
            lambda complaints: find_repeats(complaints, RepeatPolicy()),
            _repeats_all_counted,
            "complaint",
        ),
    ]


# --- L3 --------------------------------------------------------------------------------------


def instrument(n: int, dimensions: int) -> Instrument:
    """An instrument of n Likert-5 items spread over *dimensions* dimensions."""
    count = min(n, dimensions)
    return Instrument(
        code="scaling",
        name=Label(zh="规模", en="scaling"),
        dimensions=tuple(
            DimensionDef(code=f"d{j}", label=Label(zh=f"维度{j}", en=f"dimension {j}"))
            for j in range(count)
        ),
        items=tuple(
            Item(code=f"i{k}", text=Label(zh="题目", en="item"), dimension=f"d{k % count}")
            for k in range(n)
        ),
    )


def one_response(n: int, dimensions: int) -> tuple[Instrument, Response]:
    """An instrument of n items and one response answering all of them."""
    answers = tuple(Answer(item=f"i{k}", score=1 + k % 5) for k in range(n))
    return instrument(n, dimensions), Response(
        respondent_id="R-1", on=date(2026, 11, 2), answers=answers
    )


def _score_fresh(data: tuple[Instrument, Response]) -> Any:
    scoring._LAYOUTS.clear()  # as for an instrument just loaded
    return score_survey(data[0], [data[1]])


def _place_fresh(data: tuple[Instrument, Response]) -> tuple[list[Any], list[Any]]:
    """Scores and quadrants of one response, as the flat records ``pmcrm score`` writes."""
    scoring._LAYOUTS.clear()
    scores, placed = score_and_place(
        data[0],
        [data[1]],
        importance=ImportanceSource.STATED,
        importance_line=Crosshair(),
        satisfaction_line=Crosshair(),
    )
    return list(score_records(scores, instrument=data[0])), list(ipa_records(placed))


def _placed_items(result: tuple[list[Any], list[Any]]) -> int:
    """The items in both the score records and the IPA records, or -1 if they disagree."""
    scored = sum(1 for record in result[0] if record["kind"] == "item")
    return scored if scored == len(result[1]) else -1


def l3_shapes(seed: int, most: int) -> list[Shape]:
    """The shapes of L3, up to *most* responses."""
    questionnaire = make_instrument()
    responses = make_responses(most, seed)
    return [
        Shape(
            "n responses (20 items)",
            lambda n: responses[:n],
            lambda data: score_survey(questionnaire, data),
            _holds(lambda s: s.respondents),
            "response",
        ),
        Shape(
            "one response, n answers, 6 dimensions",
            lambda n: one_response(n, 6),
            _score_fresh,
            _holds(lambda s: sum(i.n for i in s.items)),
            "answer",
        ),
        Shape(
            "one response, n answers, n dimensions",
            lambda n: one_response(n, n),
            _score_fresh,
            _holds(
                lambda s: sum(i.n for i in s.items) if len(s.dimensions) == len(s.items) else -1
            ),
            "answer",
        ),
        Shape(
            "one response, n answers: quadrants and flat records",
            lambda n: one_response(n, 6),
            _place_fresh,
            _holds(_placed_items),
            "answer",
        ),
    ]


# --- the runner ------------------------------------------------------------------------------


def _repeat(call: Callable[[Any], Any], data: Any, times: int) -> Callable[[Any], None]:
    """A timed call: *call* on *data*, *times* times."""

    def timed(_item: object) -> None:
        for _ in range(times):
            call(data)

    return timed


def run_shapes(bench: str, title: str, shapes: list[Shape], cfg: Config) -> Section:
    """Check and time every shape at every size; one row per size, the target on the last."""
    section = Section(bench, title)
    sizes = SIZES[cfg.quick]
    elements = sizes[-1]
    for shape in shapes:
        candidates = {}
        for n in sizes:
            data = shape.build(n)
            problem = shape.check(shape.call(data), n)  # also the warm-up
            if problem is not None:
                section.failed = f"{shape.label}: {problem}"
                return section
            candidates[f"n={n:,}"] = (_repeat(shape.call, data, elements // n), [None])
        timings = interleave(candidates, ROUNDS[cfg.quick], warmup=0)
        base = f"n={sizes[0]:,}"
        for n in sizes:
            name = f"n={n:,}"
            row = Row(
                bench,
                f"{shape.label}, {name}",
                value=statistics.median(timings.times[name]) / elements,
                note=f"per {shape.unit}" + ("; the baseline" if name == base else ""),
            )
            if name != base:
                per_round = ratios(timings.times, name, base)
                row.ratio = statistics.median(per_round)
                row.spread = quartiles(per_round)
                if n == elements:
                    row.target = TARGET
            else:
                row.ratio = 1.0
            section.rows.append(row)
    section.notes.append(
        f"ratio = time per element at n ÷ at n={sizes[0]} (the same {elements:,} elements per "
        f"timed call at every size; {ROUNDS[cfg.quick]} interleaved rounds); linear ≈ 1, "
        f"quadratic ≈ n/{sizes[0]}; every result checked first"
    )
    return section


def run_l1(cfg: Config) -> Section:
    """L1: structuring, per list item."""
    return run_shapes("L1", "structuring cost per item", l1_shapes(), cfg)


def run_l2(cfg: Config) -> Section:
    """L2: replaying complaints, per event or complaint."""
    return run_shapes("L2", "replay cost per event", l2_shapes(), cfg)


def run_l3(cfg: Config) -> Section:
    """L3: scoring, per response or answer."""
    shapes = l3_shapes(cfg.seed, SIZES[cfg.quick][-1])
    return run_shapes("L3", "scoring cost per response or answer", shapes, cfg)
