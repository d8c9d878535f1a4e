"""C1: the care-calendar due list for a portfolio over a quarter.

The portfolio streams from a generator: 400 workload records loaded once as
templates, each yielded customer a new :class:`~pmcrm.customers.Customer`
with a fresh ``customer_id`` (copied slot by slot, as ``bench_segmentation``
does), a tier (silver, gold, platinum, diamond in turn; silver gets nothing
under the policy) and 0-3 contact logs derived from the index.  As of
2026-01-01 with a 90-day horizon (the first quarter), the policy is DOMAIN.md
§3's cadence: the account manager monthly, the questionnaire quarterly,
birthday greetings 7 days ahead, festival greetings 7 days ahead for
platinum and diamond, from a festival calendar covering 2025-2027.

The baseline is a plain loop computing the same due dates (latest log per
kind, ``relativedelta`` for the month count and the birthday, a filter over
the festival days, the same sent-greeting check and sort) without building
reasons or objects.  Both are checked equal on every chunk before timing
(customer, kind, due day), then timed interleaved on 4 chunks of 300
customers; the full stream (100,000 customers, 10,000 with ``--quick``) runs
once through ``due_list`` and reports customers per second.
"""

import time
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from benchmarks._harness import Config, Row, Section, interleave, ratio_row, timed_row
from benchmarks.workload import make_records
from pmcrm.care import (
    Cadence,
    CarePolicy,
    ContactLog,
    Festival,
    FestivalCalendar,
    Greeting,
    Touchpoint,
    due_list,
)
from pmcrm.customers import Customer
from pmcrm.serialization import default_converter
from pmcrm.values import Label

AS_OF = date(2026, 1, 1)
HORIZON = 90
CUSTOMERS = {True: 10_000, False: 100_000}
CHUNK = 300
CHUNKS = 4
TIERS = ("silver", "gold", "platinum", "diamond")
VIP = ("gold", "platinum", "diamond")

POLICY = CarePolicy(
    cadences=(
        Cadence(kind=Touchpoint.MANAGER_CONTACT, months=1, tiers=VIP),
        Cadence(kind=Touchpoint.QUESTIONNAIRE, months=3, tiers=VIP),
    ),
    greetings=(
        Greeting(kind=Touchpoint.BIRTHDAY, days_ahead=7, tiers=VIP),
        Greeting(kind=Touchpoint.FESTIVAL, days_ahead=7, tiers=("platinum", "diamond")),
    ),
)

_NAMES = {
    "new_year": Label(zh="元旦", en="New Year's Day"),
    "spring_festival": Label(zh="春节", en="Spring Festival"),
    "lantern": Label(zh="元宵节", en="Lantern Festival"),
    "dragon_boat": Label(zh="端午节", en="Dragon Boat Festival"),
    "mid_autumn": Label(zh="中秋节", en="Mid-Autumn Festival"),
    "national_day": Label(zh="国庆节", en="National Day"),
}
#: Lunar festival dates are data (as published), not computed.
_DAYS = {
    2025: {"spring_festival": (1, 29), "lantern": (2, 12), "dragon_boat": (5, 31)},
    2026: {"spring_festival": (2, 17), "lantern": (3, 3), "dragon_boat": (6, 19)},
    2027: {"spring_festival": (2, 6), "lantern": (2, 20), "dragon_boat": (6, 9)},
}
_MID_AUTUMN = {2025: (10, 6), 2026: (9, 25), 2027: (9, 15)}
FESTIVALS = FestivalCalendar(
    first_year=2025,
    last_year=2027,
    festivals=tuple(
        Festival(key=key, name=_NAMES[key], on=date(year, *md))
        for year in (2025, 2026, 2027)
        for key, md in {
            "new_year": (1, 1),
            **_DAYS[year],
            "mid_autumn": _MID_AUTUMN[year],
            "national_day": (10, 1),
        }.items()
    ),
)

Item = tuple[Customer, str, tuple[ContactLog, ...]]


def _logs(i: int, customer_id: str) -> tuple[ContactLog, ...]:
    """0-3 logs: a manager contact 0-60 days ago, a questionnaire 0-120 days ago, a greeting."""
    logs = []
    if i % 7:
        logs.append(
            ContactLog(
                customer_id=customer_id,
                kind=Touchpoint.MANAGER_CONTACT,
                on=AS_OF - timedelta(days=i % 61),
            )
        )
    if i % 5:
        logs.append(
            ContactLog(
                customer_id=customer_id,
                kind=Touchpoint.QUESTIONNAIRE,
                on=AS_OF - timedelta(days=(i * 7) % 121),
            )
        )
    if i % 11 == 0:
        logs.append(
            ContactLog(customer_id=customer_id, kind=Touchpoint.FESTIVAL, on=AS_OF),
        )
    return tuple(logs)


@cache
def _templates(seed: int) -> list[list[tuple[str, Any]]]:
    """400 workload customers, as (field, value) pairs, loaded once."""
    load = default_converter().load
    return [
        [(f.name, getattr(c, f.name)) for f in attrs.fields(Customer)]
        for c in (load(r, Customer) for r in make_records(400, seed))
    ]


def portfolio(total: int, seed: int, first: int = 0) -> Iterator[Item]:
    """*total* (customer, tier, logs) triples cloned from 400 templates."""
    templates = _templates(seed)
    new, set_ = object.__new__, object.__setattr__
    n = len(templates)
    for i in range(first, first + total):
        customer = new(Customer)
        for name, value in templates[i % n]:
            set_(customer, name, value)
        customer_id = f"K{i:08d}"
        set_(customer, "customer_id", customer_id)
        yield customer, TIERS[i % 4], _logs(i, customer_id)


_LAST_DAY = AS_OF + timedelta(days=HORIZON)
_FESTIVAL_DAYS = sorted((f.on, f.key) for f in FESTIVALS.festivals)


def _plain_contacts(tier: str, logs: tuple[ContactLog, ...]) -> list[tuple[date, int, str, str]]:
    mine = []
    for rank, cadence in enumerate(POLICY.cadences):
        if tier in cadence.tiers:
            days = [log.on for log in logs if log.kind is cadence.kind and log.on <= AS_OF]
            due_on = max(days) + relativedelta(months=cadence.months) if days else AS_OF
            if due_on <= _LAST_DAY:
                mine.append((due_on, rank, "", cadence.kind.value))
    return mine


def _plain_greetings(
    customer: Customer, tier: str, logs: tuple[ContactLog, ...]
) -> list[tuple[date, int, str, str]]:
    mine = []
    for rank, greeting in enumerate(POLICY.greetings, start=2):
        if tier not in greeting.tiers:
            continue
        ahead = timedelta(days=greeting.days_ahead)
        until = _LAST_DAY + ahead
        occasions: list[tuple[date, str]] = []
        born = customer.birth_date
        if greeting.kind is not Touchpoint.BIRTHDAY:
            occasions = [d for d in _FESTIVAL_DAYS if AS_OF <= d[0] <= until]
        elif born is not None:
            for year in range(max(AS_OF.year, born.year + 1), until.year + 1):
                day = born + relativedelta(years=year - born.year)
                if AS_OF <= day <= until:
                    occasions.append((day, "birthday"))
        for day, key in occasions:
            start, end = day - ahead, min(day, AS_OF)
            if not any(g.kind is greeting.kind and start <= g.on <= end for g in logs):
                mine.append((day, rank, key, greeting.kind.value))
    return mine


def plain_loop(items: list[Item]) -> list[tuple[str, str, date]]:
    """The baseline: the same due dates, computed with a plain loop and relativedelta."""
    out: list[tuple[str, str, date]] = []
    for customer, tier, logs in items:
        mine = _plain_contacts(tier, logs) + _plain_greetings(customer, tier, logs)
        mine.sort()
        out.extend((customer.customer_id, kind, day) for day, _r, _k, kind in mine)
    return out


def with_due_list(items: list[Item]) -> list[tuple[str, str, date]]:
    """``due_list`` reduced to (customer, kind, due) for the check."""
    return [
        (d.customer_id, d.kind.value, d.due)
        for d in due_list(iter(items), POLICY, FESTIVALS, AS_OF, HORIZON)
    ]


def run_c1(cfg: Config) -> Section:
    """C1: the due list for a portfolio over a quarter; ratio to a plain loop."""
    section = Section("C1", "care calendar due list")
    chunks = [list(portfolio(CHUNK, cfg.seed, k * CHUNK)) for k in range(CHUNKS)]
    for chunk in chunks:
        if with_due_list(chunk) != plain_loop(chunk):
            section.failed = "due_list differs from the plain loop"
            return section

    def stream(chunk: list[Item]) -> None:
        for _ in due_list(iter(chunk), POLICY, FESTIVALS, AS_OF, HORIZON):
            pass

    timings = interleave({"loop": (plain_loop, chunks), "due_list": (stream, chunks)}, cfg.rounds)
    total = CUSTOMERS[cfg.quick]
    sample = min(total, 20_000)
    _templates(cfg.seed)
    start = time.perf_counter()
    for _ in portfolio(sample, cfg.seed):
        pass
    generator = (time.perf_counter() - start) / sample
    listed = 0
    start = time.perf_counter()
    for _ in due_list(portfolio(total, cfg.seed), POLICY, FESTIVALS, AS_OF, HORIZON):
        listed += 1
    seconds = time.perf_counter() - start
    per_record = seconds / total
    section.rows = [
        Row(
            "C1",
            f"due_list over {total:,} streamed customers, 90 days",
            value=total / seconds,
            unit="/s",
            note=f"{per_record * 1e6:.1f} µs/customer incl. generator "
            f"(≈ {(per_record - generator) * 1e6:.1f} µs without); {listed:,} touchpoints listed",
        ),
        _per_customer(
            timed_row("C1", "baseline: plain loop, same due dates", timings.times, "loop", "loop")
        ),
        _per_customer(
            timed_row("C1", "due_list, per customer", timings.times, "due_list", "loop")
        ),
        ratio_row(
            "C1",
            "  ratio due_list / plain loop",
            timings.times,
            "due_list",
            "loop",
            target=None,
            note="context: due_list also builds a DueTouchpoint and a zh/en Reason per item",
        ),
    ]
    section.notes.append(timings.note())
    return section


def _per_customer(row: Row) -> Row:
    """Turn a per-chunk time into a per-customer time."""
    if row.value is not None:
        row.value /= CHUNK
    return row
