"""P1: pricing bill lines with tier discounts against a plain Decimal loop.

The workload is 1,000,000 bill lines (50,000 with ``--quick``) in bills of
10 lines: 2,000 distinct bills (20,000 lines) are built once from the seed
and cycled, in chunks of 100 bills (1,000 lines); each timed call prices one
chunk.  Each line has one of five service categories and an amount between
0.01 and 20,000.00 (a few zero lines).  The rules are a Platinum tier's
discounts (property fee 10 %, every service 5 %, a cleaning promotion 8 %),
stacked best-of, rounded per line ROUND_HALF_UP to the fen.

* **Baseline**: a plain loop over the same ``Bill`` objects, as a competent
  developer would write it: the rate of each category looked up in a dict
  built once, ``(amount * rate).quantize(FEN, rounding=ROUND_HALF_UP)`` for
  the discount, ``amount - discount`` for the net, the three totals summed
  per bill; it returns per bill the ``(discount, net)`` Decimals of each line
  and the totals.  It checks nothing.
* **pmcrm**: ``price_bills(chunk, rules, policy)`` consumed into a list of
  ``PricedBill`` objects (per line a ``PricedLine`` with ``Money`` values and
  the rules applied; explanations are not built).
  The itemised ``PricedLine`` objects are built when ``PricedBill.lines``
  is first read, so they are not part of this candidate.
* *context*: the same, then ``.lines`` read on every bill (a ``PricedLine``
  and two ``Money`` per line); and ``price(bill, rules, policy)`` called per
  bill (each call resolves the rules again).

Before timing, every template bill priced by pmcrm is checked equal to the
baseline, line by line (discount and net, value and exponent) and in total.
"""

import random
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from benchmarks._harness import Config, Section, interleave, timed_row
from pmcrm.pricing import Bill, BillLine, DiscountRule, PricingPolicy, price, price_bills
from pmcrm.values import FEN, Label, Money, Rate

CATEGORIES = ("property_fee", "cleaning", "repair", "parking", "car_wash")
LINES_PER_BILL = 10
BILLS_PER_CHUNK = 100
TEMPLATE_BILLS = 2_000

RULES = (
    DiscountRule(
        rate=Rate.percent(10),
        category="property_fee",
        source=Label(zh="铂金物业费折扣", en="Platinum property-fee discount"),
    ),
    DiscountRule(
        rate=Rate.percent(5), source=Label(zh="铂金增值服务折扣", en="Platinum service discount")
    ),
    DiscountRule(
        rate=Rate.percent(8),
        category="cleaning",
        source=Label(zh="保洁季活动", en="Cleaning promo"),
    ),
)
POLICY = PricingPolicy()

#: The baseline's rates, written out by hand (best of the rules above).
PLAIN_RATES = {
    "property_fee": Decimal("0.10"),
    "cleaning": Decimal("0.08"),
    "repair": Decimal("0.05"),
    "parking": Decimal("0.05"),
    "car_wash": Decimal("0.05"),
}

PlainBill = tuple[list[tuple[Decimal, Decimal]], Decimal, Decimal, Decimal]


def make_bills(seed: int) -> list[Bill]:
    """The distinct template bills."""
    rng = random.Random(seed)
    bills = []
    for b in range(TEMPLATE_BILLS):
        lines = []
        for k in range(LINES_PER_BILL):
            fen = 0 if rng.random() < 0.01 else rng.randint(1, 2_000_000)
            lines.append(
                BillLine(
                    category=rng.choice(CATEGORIES),
                    description=f"服务 {b}-{k}",
                    amount=Money(amount=Decimal(fen).scaleb(-2)),
                )
            )
        bills.append(Bill(lines=tuple(lines)))
    return bills


def plain_price(bill: Bill, _rates: dict[str, Decimal] = PLAIN_RATES) -> PlainBill:
    """The baseline for one bill: discounts and nets per line, and the totals."""
    out = []
    original = discount_total = net_total = Decimal(0)
    for line in bill.lines:
        amount = line.amount.amount
        discount = (amount * _rates[line.category]).quantize(FEN, rounding=ROUND_HALF_UP)
        net = amount - discount
        out.append((discount, net))
        original += amount
        discount_total += discount
        net_total += net
    return out, original, discount_total, net_total


def _same(a: Decimal, b: Decimal) -> bool:
    return a == b and a.as_tuple() == b.as_tuple()


def check(bills: Sequence[Bill]) -> str | None:
    """``None`` when pmcrm and the baseline agree on every bill, else what differs."""
    for index, (priced, bill) in enumerate(
        zip(price_bills(bills, RULES, POLICY), bills, strict=True)
    ):
        lines, original, discount, net = plain_price(bill)
        got = [(i.discount.amount, i.net.amount) for i in priced.lines]
        if not all(_same(a, c) and _same(b, d) for (a, b), (c, d) in zip(got, lines, strict=True)):
            return f"bill {index}: lines {got} != {lines}"
        totals = (priced.original.amount, priced.discount.amount, priced.net.amount)
        if totals != (original, discount, net):
            return f"bill {index}: totals {totals} != {(original, discount, net)}"
        if priced != price(bill, RULES, POLICY):
            return f"bill {index}: price_bills differs from price"
    return None


def run_p1(cfg: Config) -> Section:
    """P1: price bill lines in chunks, pmcrm against the plain loop, interleaved."""
    total_lines = 50_000 if cfg.quick else 1_000_000
    section = Section("P1", "pricing bill lines with tier discounts")
    bills = make_bills(cfg.seed)
    failed = check(bills)
    if failed is not None:
        section.failed = failed
        return section
    chunk_count = total_lines // (LINES_PER_BILL * BILLS_PER_CHUNK)
    per_template = TEMPLATE_BILLS // BILLS_PER_CHUNK
    chunks = [
        bills[(k % per_template) * BILLS_PER_CHUNK : (k % per_template + 1) * BILLS_PER_CHUNK]
        for k in range(chunk_count)
    ]

    def plain(chunk: list[Bill], _f: Callable[[Bill], PlainBill] = plain_price) -> object:
        return [_f(b) for b in chunk]

    def pmcrm_stream(chunk: list[Bill], _f: Any = price_bills) -> object:
        return list(_f(chunk, RULES, POLICY))

    def pmcrm_lines(chunk: list[Bill], _f: Any = price_bills) -> object:
        return [p.lines for p in _f(chunk, RULES, POLICY)]

    def pmcrm_each(chunk: list[Bill], _f: Any = price) -> object:
        return [_f(b, RULES, POLICY) for b in chunk]

    rounds = cfg.rounds if cfg.quick else 5
    timings = interleave(
        {
            "plain": (plain, chunks),
            "price_bills": (pmcrm_stream, chunks),
            "lines": (pmcrm_lines, chunks),
            "price": (pmcrm_each, chunks),
        },
        rounds,
    )
    times = timings.times
    per_chunk = LINES_PER_BILL * BILLS_PER_CHUNK
    section.rows = [
        timed_row(
            "P1",
            f"plain Decimal loop, chunk of {per_chunk:,} lines",
            times,
            "plain",
            "plain",
        ),
        timed_row(
            "P1",
            "pmcrm.pricing.price_bills → PricedBill",
            times,
            "price_bills",
            "plain",
            target=2.0,
        ),
        timed_row(
            "P1",
            "  price_bills, then every PricedLine built",
            times,
            "lines",
            "plain",
            note="context: .lines read on every bill (a PricedLine and two Money per line)",
        ),
        timed_row(
            "P1",
            "  price() per bill",
            times,
            "price",
            "plain",
            note="context: resolves the rules again for every bill",
        ),
    ]
    section.notes = [
        f"{chunk_count * per_chunk:,} lines per candidate per round, {rounds} rounds; "
        f"{TEMPLATE_BILLS:,} distinct bills of {LINES_PER_BILL} lines cycled; "
        "results checked equal to the baseline line by line first",
        timings.note(),
    ]
    return section
