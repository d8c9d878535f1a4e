"""R1 (tier decision), R2 (full explanation) and R3 (streaming batch review).

The ladder is built here, in DOMAIN.md §2's shape, with the sample
programme's thresholds (``pmcrm.sample.sample_tier_policy``) plus business
growth at Gold, so that every built-in condition kind is used and the
hand-written floor matches it by construction:

* Diamond: fee >= 200,000 in the last two fee years; or 5 consecutive fee
  years, each >= 150,000; or designated by management;
* Platinum: fee >= 100,000; or 4 consecutive years, each >= 80,000; or >= 4
  community activities in 12 months;
* Gold: fee >= 30,000; or 5 fee years in all, each >= 12,000; or >= 1
  referral in 12 months; or new business >= 5,000 in 12 months.

The customers are the sample portfolio (200 customers built around those
thresholds, with the designations of their member records, as of the
sample's day) and the workload records (``benchmarks.workload``, as of
2025-06-30): about half are regular and are checked against every rule, as
in a real portfolio.

R3 streams (customer, member record) pairs from a generator: templates
loaded once, each yielded customer a new object with a fresh
``customer_id`` sharing its parts with its template (copied slot by slot, as
``bench_segmentation`` does), each record built per customer with the
``MemberRecord`` constructor.  The streaming pass runs in a child process
(``python -m benchmarks.bench_tiers N SEED``) so that its peak RSS is its own.
"""

import calendar
import gc
import importlib
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from benchmarks._harness import Config, Row, Section, interleave, timed_row
from benchmarks.workload import make_records
from pmcrm.customers import Customer, ServiceNeed
from pmcrm.serialization import default_converter
from pmcrm.tiers import (
    AnnualFeeAtLeast,
    AnyOf,
    BusinessGrowthAtLeast,
    ConsecutiveYears,
    Designated,
    Designation,
    DowngradeStep,
    MemberRecord,
    MonthDay,
    ParticipationAtLeast,
    ReferralsAtLeast,
    ReviewPolicy,
    ReviewSchedule,
    ScheduleKind,
    Tier,
    TierDecision,
    TierLadder,
    TierPolicy,
    YearsOfPurchase,
    compile_ladder,
    evaluate,
    evaluate_tree,
    explain_tier,
    review,
    review_portfolio,
)
from pmcrm.values import Label, Money

#: The day the workload records are tiered on (their data ends in 2025).
WORKLOAD_AS_OF = date(2025, 6, 30)
#: The sample's day, if the sample does not say.
SAMPLE_AS_OF = date(2026, 11, 23)
#: R3: customers streamed in the default and the quick run.
R3_CUSTOMERS = {False: 1_000_000, True: 50_000}
#: R3 ratio: each round reviews this many chunks of this many pairs with each candidate.
R3_CHUNKS, R3_CHUNK = 4, 300

_D = Decimal


def _money(amount: str) -> Money:
    return Money.of(amount)


def make_ladder() -> TierLadder:
    """The benchmark's ladder (see the module docstring)."""
    return TierLadder(
        tiers=(
            Tier(
                name="diamond",
                label=Label(zh="钻石", en="Diamond"),
                condition=AnyOf(
                    conditions=(
                        AnnualFeeAtLeast(amount=_money("200000.00"), window_years=2),
                        ConsecutiveYears(years=5, each_at_least=_money("150000.00")),
                        Designated(),
                    )
                ),
            ),
            Tier(
                name="platinum",
                label=Label(zh="铂金", en="Platinum"),
                condition=AnyOf(
                    conditions=(
                        AnnualFeeAtLeast(amount=_money("100000.00"), window_years=2),
                        ConsecutiveYears(years=4, each_at_least=_money("80000.00")),
                        ParticipationAtLeast(count=4, window_months=12),
                    )
                ),
            ),
            Tier(
                name="gold",
                label=Label(zh="黄金", en="Gold"),
                condition=AnyOf(
                    conditions=(
                        AnnualFeeAtLeast(amount=_money("30000.00"), window_years=2),
                        YearsOfPurchase(years=5, each_at_least=_money("12000.00")),
                        ReferralsAtLeast(count=1, window_months=12),
                        BusinessGrowthAtLeast(amount=_money("5000.00"), window_months=12),
                    )
                ),
            ),
        )
    )


def make_policy(ladder: TierLadder) -> TierPolicy:
    """The ladder with the sample programme's review rules."""
    return TierPolicy(
        ladder=ladder,
        review=ReviewPolicy(
            schedule=ReviewSchedule(
                kind=ScheduleKind.FIXED_DATES,
                dates=(MonthDay(month=1, day=1), MonthDay(month=7, day=1)),
            ),
            notice_days=30,
            downgrade_to=DowngradeStep.ONE_STEP,
            arrears_days=90,
            arrears_amount=_money("20000.00"),
            low_satisfaction_count=3,
            low_satisfaction_below=_D(60),
            violation_window_months=12,
        ),
    )


# --- the floor: the same ladder written by hand ---------------------------------------

_200K, _150K, _100K, _80K, _30K, _12K, _5K = (
    _D("200000.00"),
    _D("150000.00"),
    _D("100000.00"),
    _D("80000.00"),
    _D("30000.00"),
    _D("12000.00"),
    _D("5000.00"),
)
_ZERO = _D(0)
_ONE_DAY = timedelta(days=1)
_BASIC = ServiceNeed.BASIC
_monthrange = calendar.monthrange


def _run(fees: dict[int, Decimal], year: int, each: Decimal) -> int:
    """The current run of fee years each >= *each*, ending this year or the year before."""
    if not fees.get(year, _ZERO) >= each:
        year -= 1
    run = 0
    while year in fees and fees[year] >= each:
        run += 1
        year -= 1
    return run


def _year_before(day: date) -> date:
    """*day* twelve months earlier, clipped to the month's end (29 February → 28)."""
    year = day.year - 1
    return day.replace(year=year, day=min(day.day, _monthrange(year, day.month)[1]))


def floor_decide(  # noqa: PLR0912 - one return per rule, as written by hand
    customer: Customer, as_of: date, designations: tuple[Designation, ...]
) -> tuple[str, int | None]:
    """The tier and the index of the rule that decided, for :func:`make_ladder`.

    Each figure is computed once, when first needed; amounts are compared as
    Decimals (one currency).
    """
    year = as_of.year
    fees: dict[int, Decimal] = {}
    best = _ZERO
    for fee in customer.fees:
        amount = fee.amount.amount
        fees[fee.year] = amount
        if year - 1 <= fee.year <= year and amount > best:
            best = amount
    if best >= _200K:
        return "diamond", 0
    if _run(fees, year, _150K) >= 5:
        return "diamond", 1
    for d in designations:
        if (
            d.tier == "diamond"
            and d.on <= as_of
            and (d.expires_on is None or as_of < d.expires_on)
        ):
            return "diamond", 2
    if best >= _100K:
        return "platinum", 0
    if _run(fees, year, _80K) >= 4:
        return "platinum", 1
    end = as_of + _ONE_DAY
    start = _year_before(end)
    active = 0
    for p in customer.participations:
        if start <= p.on < end:
            active += 1
    for c in customer.contributions:
        if start <= c.on < end:
            active += 1
    if active >= 4:
        return "platinum", 2
    if best >= _30K:
        return "gold", 0
    if sum(1 for y, amount in fees.items() if y <= year and amount >= _12K) >= 5:
        return "gold", 1
    for r in customer.referrals:
        if start <= r.on < end:
            return "gold", 2
    growth = _ZERO
    for purchase in customer.purchases:
        if purchase.need is not _BASIC and start <= purchase.on < end:
            growth += purchase.amount.amount
    if growth >= _5K:
        return "gold", 3
    return "regular", None


# --- the customers ------------------------------------------------------------------------

Item = tuple[Customer, date, tuple[Designation, ...]]
Candidates = dict[str, tuple[Callable[[Any], object], Sequence[Any]]]


def _sample() -> tuple[list[tuple[Customer, MemberRecord]], date] | None:
    """The sample portfolio with its member records, and its day (``None`` if absent)."""
    try:
        sample = importlib.import_module("pmcrm.sample")
        customers = sample.sample_portfolio()
    except (ImportError, AttributeError):
        return None
    as_of = sample.sample_config().as_of if hasattr(sample, "sample_config") else SAMPLE_AS_OF
    if hasattr(sample, "sample_members"):
        by_id = {m.customer_id: m for m in sample.sample_members()}
    else:
        by_id = {}
    pairs = [
        (
            c,
            by_id.get(c.customer_id)
            or MemberRecord(customer_id=c.customer_id, tier="regular", since=date(2024, 1, 1)),
        )
        for c in customers
    ]
    return pairs, as_of


@cache
def _workload(records: int, seed: int) -> list[Customer]:
    load = default_converter().load
    return [load(r, Customer) for r in make_records(records, seed)]


@cache
def items(records: int, seed: int) -> tuple[Item, ...]:
    """R1/R2 items: the sample portfolio and *records* workload customers, with their days."""
    out: list[Item] = []
    sample = _sample()
    if sample is not None:
        pairs, as_of = sample
        out.extend((c, as_of, m.designations) for c, m in pairs)
    out.extend((c, WORKLOAD_AS_OF, ()) for c in _workload(records, seed))
    return tuple(out)


def _describe_items(rows: tuple[Item, ...], decisions: list[tuple[str, int | None]]) -> str:
    sample = sum(1 for _c, day, _d in rows if day != WORKLOAD_AS_OF)
    counts = Counter(decisions)
    shown = ", ".join(
        f"{tier}{'' if rule is None else f'/{rule}'} {n}"
        for (tier, rule), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    )
    return (
        f"{len(rows)} customers ({sample} sample portfolio, {len(rows) - sample} workload); "
        f"decisions (tier/rule): {shown}"
    )


# --- R1 -----------------------------------------------------------------------------------


def run_r1(cfg: Config) -> Section:
    """R1: a tier decision that records which rule decided."""
    section = Section("R1", "tier decision with the deciding rule")
    ladder = make_ladder()
    rows = items(cfg.records, cfg.seed)
    compiled = compile_ladder(ladder)
    names = ladder.names
    expected = [floor_decide(c, day, des) for c, day, des in rows]
    checks: dict[str, Callable[[Item], tuple[str, int | None]]] = {
        "evaluate": lambda it: _pair(evaluate(it[0], ladder, it[1], it[2])),
        "evaluate_tree": lambda it: _pair(evaluate_tree(it[0], ladder, it[1], it[2])),
        "compile_ladder": lambda it: _ranked(names, compiled(*it)),
    }
    for name, fn in checks.items():
        got = [fn(it) for it in rows]
        if got != expected:
            bad = next(i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b)
            section.failed = (
                f"{name} differs from the floor for {rows[bad][0].customer_id}: "
                f"{got[bad]} != {expected[bad]}"
            )
            return section

    def floor(it: Item, _f: Any = floor_decide) -> object:
        return _f(it[0], it[1], it[2])

    def pmcrm_evaluate(it: Item, _f: Any = evaluate, _ladder: TierLadder = ladder) -> object:
        return _f(it[0], _ladder, it[1], it[2])

    def generated(it: Item, _f: Any = compiled) -> object:
        return _f(it[0], it[1], it[2])

    def tree(it: Item, _f: Any = evaluate_tree, _ladder: TierLadder = ladder) -> object:
        return _f(it[0], _ladder, it[1], it[2])

    candidates: Candidates = {
        "floor": (floor, rows),
        "evaluate": (pmcrm_evaluate, rows),
        "generated": (generated, rows),
        "tree": (tree, rows),
    }
    timings = interleave(candidates, cfg.rounds)
    times = timings.times
    section.rows = [
        timed_row("R1", "floor: hand-written function of the ladder", times, "floor", "floor"),
        timed_row(
            "R1",
            "pmcrm.tiers.evaluate → TierDecision",
            times,
            "evaluate",
            "floor",
            target=1.2,
        ),
        timed_row(
            "R1",
            "  generated function alone → (rank, part)",
            times,
            "generated",
            "floor",
            note="context: compile_ladder(ladder), without the TierDecision",
        ),
        timed_row(
            "R1",
            "evaluate_tree (walks the rule tree)",
            times,
            "tree",
            "floor",
            note="context",
        ),
    ]
    section.notes = [_describe_items(rows, expected), timings.note()]
    return section


def _pair(decision: TierDecision) -> tuple[str, int | None]:
    return decision.tier, decision.decided_by


def _ranked(names: tuple[str, ...], found: tuple[int, int]) -> tuple[str, int | None]:
    rank, part = found
    return names[rank], None if part < 0 else part


# --- R2 -----------------------------------------------------------------------------------


def run_r2(cfg: Config) -> Section:
    """R2: the full explanation of one decision."""
    section = Section("R2", "full explanation of a tier decision")
    ladder = make_ladder()
    rows = items(cfg.records, cfg.seed)
    base = len(ladder.tiers)
    for customer, day, des in rows:
        explanation = explain_tier(customer, ladder, day, des)
        decision = explanation.decision
        checks = explanation.checks
        if (
            (decision.tier, decision.decided_by) != floor_decide(customer, day, des)
            or decision != evaluate(customer, ladder, day, des)
            or len(checks) != min(decision.rank + 1, base)
            or any(c.result.passed for c in checks[:-1])
            or checks[-1].result.passed != (decision.rank < base)
        ):
            section.failed = f"explain_tier disagrees with the floor for {customer.customer_id}"
            return section

    def floor(it: Item, _f: Any = floor_decide) -> object:
        return _f(it[0], it[1], it[2])

    def explain(it: Item, _f: Any = explain_tier, _ladder: TierLadder = ladder) -> object:
        return _f(it[0], _ladder, it[1], it[2])

    def explain_text(it: Item, _f: Any = explain_tier, _ladder: TierLadder = ladder) -> object:
        return _f(it[0], _ladder, it[1], it[2]).explain("zh")

    candidates: Candidates = {
        "floor": (floor, rows),
        "explain": (explain, rows),
        "text": (explain_text, rows),
    }
    timings = interleave(candidates, cfg.rounds)
    times = timings.times
    section.rows = [
        timed_row("R2", "floor: hand-written function of the ladder", times, "floor", "floor"),
        timed_row(
            "R2",
            "pmcrm.tiers.explain_tier (every figure)",
            times,
            "explain",
            "floor",
            target=25.0,
        ),
        timed_row(
            "R2",
            "  and its text: .explain('zh')",
            times,
            "text",
            "floor",
            note="context",
        ),
    ]
    section.notes = [
        "explanations checked: same decision as evaluate and the floor, one check per "
        "tier down to the decided one, only the last passed",
        timings.note(),
    ]
    return section


# --- R3 -----------------------------------------------------------------------------------

Template = tuple[list[tuple[str, Any]], dict[str, Any]]


@cache
def _templates(seed: int) -> tuple[tuple[Template, ...], date]:
    """R3 templates: the sample pairs, and 200 workload customers with records; the day.

    A workload customer's record holds the tier it qualified for on
    :data:`WORKLOAD_AS_OF`, since the next day: by the review day some have
    lost it (a referral out of the window), some owe arrears.
    """
    ladder = make_ladder()
    pairs: list[tuple[Customer, MemberRecord]] = []
    sample = _sample()
    day = SAMPLE_AS_OF
    if sample is not None:
        pairs, day = sample
    for customer in _workload(200, seed):
        tier = evaluate(customer, ladder, WORKLOAD_AS_OF).tier
        since = WORKLOAD_AS_OF + timedelta(days=1)
        pairs.append(
            (customer, MemberRecord(customer_id=customer.customer_id, tier=tier, since=since))
        )
    customer_fields = [f.name for f in attrs.fields(Customer)]
    record_fields = [f.name for f in attrs.fields(MemberRecord)]
    templates = tuple(
        (
            [(name, getattr(c, name)) for name in customer_fields],
            {name: getattr(r, name) for name in record_fields},
        )
        for c, r in pairs
    )
    return templates, day


def pairs(total: int, seed: int, first: int = 0) -> Iterator[tuple[Customer, MemberRecord]]:
    """*total* (customer, record) pairs, lazily: templates cycled, fresh ids from *first*."""
    templates, _day = _templates(seed)
    new, set_ = object.__new__, object.__setattr__
    n = len(templates)
    for i in range(first, first + total):
        slots, record = templates[i % n]
        customer = new(Customer)
        for name, value in slots:
            set_(customer, name, value)
        customer_id = f"R{i:08d}"
        set_(customer, "customer_id", customer_id)
        yield customer, MemberRecord(**{**record, "customer_id": customer_id})


def run_r3(cfg: Config) -> Section:
    """R3: stream customers through ``review_portfolio``; per-record ratio to a ``review`` loop."""
    section = Section("R3", "streaming batch review")
    total = R3_CUSTOMERS[cfg.quick]
    policy = make_policy(make_ladder())
    templates, day = _templates(cfg.seed)
    chunks = [list(pairs(R3_CHUNK, cfg.seed, k * R3_CHUNK)) for k in range(R3_CHUNKS)]
    for chunk in chunks:
        streamed = list(review_portfolio(iter(chunk), policy, day))
        if streamed != [review(c, r, policy, day) for c, r in chunk]:
            section.failed = "review_portfolio differs from a loop calling review"
            return section
    actions = Counter(
        o.action.value for chunk in chunks[:1] for o in review_portfolio(chunk, policy, day)
    )

    def portfolio(chunk: list[tuple[Customer, MemberRecord]]) -> None:
        for _ in review_portfolio(iter(chunk), policy, day):
            pass

    def loop(chunk: list[tuple[Customer, MemberRecord]], _review: Any = review) -> None:
        for customer, record in chunk:
            _review(customer, record, policy, day)

    timings = interleave({"loop": (loop, chunks), "portfolio": (portfolio, chunks)}, cfg.rounds)
    times = timings.times
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.bench_tiers", str(total), str(cfg.seed)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        section.failed = (result.stderr.strip().splitlines() or ["child failed"])[-1]
        return section
    data = json.loads(result.stdout)
    if sum(data["actions"].values()) != total:
        section.failed = f"{sum(data['actions'].values())} outcomes for {total} pairs"
        return section
    per_record = data["seconds"] / total
    generator = data["generator_seconds_per_record"]
    grown_mb = (data["peak_rss_kb_after"] - data["peak_rss_kb_before"]) / 1024
    rss = " → ".join(f"{kb / 1024:.0f}" for kb in data["rss_kb"])
    per_chunk = R3_CHUNK
    section.rows = [
        Row(
            "R3",
            f"review_portfolio over {total:,} streamed pairs",
            value=total / data["seconds"],
            unit="/s",
            note=f"{per_record * 1e6:.1f} µs/record incl. generator; "
            f"review alone ≈ {(per_record - generator) * 1e6:.1f} µs/record",
        ),
        Row(
            "R3",
            f"  of which generator ({len(templates)} templates)",
            value=generator,
            note="a customer cloned slot by slot + MemberRecord(...) per pair",
        ),
        Row(
            "R3",
            "  peak RSS of the child process",
            value=data["peak_rss_kb_after"] / 1024,
            unit="MB",
            note=f"VmHWM; grew {grown_mb:.1f} MB while streaming (flat = streams); "
            f"VmRSS at 0/25/50/75/100 %: {rss} MB",
        ),
        _per_record(
            timed_row(
                "R3",
                "floor: for-loop calling review, per record",
                times,
                "loop",
                "loop",
            ),
            per_chunk,
        ),
        _per_record(
            timed_row(
                "R3",
                "review_portfolio, per record",
                times,
                "portfolio",
                "loop",
                target=1.3,
            ),
            per_chunk,
        ),
    ]
    section.notes = [
        f"per-record ratio: {R3_CHUNKS} chunks of {R3_CHUNK} pairs per round, each chunk "
        "reviewed by both candidates in turn; outcomes checked equal first",
        f"review day {day.isoformat()}; actions in the first chunk: "
        f"{dict(sorted(actions.items()))}",
        f"streaming actions: {data['actions']}",
        timings.note(),
    ]
    return section


def _per_record(row: Row, size: int) -> Row:
    if row.value is not None:
        row.value /= size
    return row


def _rss_kb(key: str) -> int:
    """A ``/proc/self/status`` figure in KiB (``VmHWM``: peak, ``VmRSS``: now).

    ``getrusage(...).ru_maxrss`` is inherited across ``exec`` on Linux, so it
    would report the parent's peak; these belong to this process.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(total: int, seed: int) -> dict[str, Any]:
    """The streaming pass itself (run in the child process)."""
    policy = make_policy(make_ladder())
    day = _templates(seed)[1]
    sample = min(total, 50_000)
    start = time.perf_counter()
    for _ in pairs(sample, seed):
        pass
    generator_seconds = (time.perf_counter() - start) / sample
    gc.collect()
    rss_before = _rss_kb("VmHWM")
    marks = {total * k // 4 for k in range(1, 5)}
    rss = [_rss_kb("VmRSS")]
    actions: Counter[str] = Counter()
    start = time.perf_counter()
    for n, outcome in enumerate(review_portfolio(pairs(total, seed), policy, day), 1):
        actions[outcome.action.value] += 1
        if n in marks:
            rss.append(_rss_kb("VmRSS"))
    seconds = time.perf_counter() - start
    return {
        "total": total,
        "seconds": seconds,
        "generator_seconds_per_record": generator_seconds,
        "actions": dict(sorted(actions.items())),
        "peak_rss_kb_before": rss_before,
        "peak_rss_kb_after": _rss_kb("VmHWM"),
        "rss_kb": rss,
    }


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]), int(sys.argv[2]))))
