"""Interleaved timing, result rows and the printed table."""

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Config:
    """How long to measure."""

    quick: bool
    records: int
    rounds: int
    import_rounds: int
    memory_customers: int
    seg_customers: int
    seed: int


def make_config(*, quick: bool, seed: int) -> Config:
    """The default or the ``--quick`` configuration."""
    if quick:
        return Config(
            quick=True,
            records=200,
            rounds=7,
            import_rounds=4,
            memory_customers=5_000,
            seg_customers=50_000,
            seed=seed,
        )
    return Config(
        quick=False,
        records=400,
        rounds=25,
        import_rounds=10,
        memory_customers=20_000,
        seg_customers=1_000_000,
        seed=seed,
    )


@dataclass
class Row:
    """One line of the table.

    ``value`` is a time per call in seconds (or bytes, or a rate: see
    ``unit``); ``ratio`` is the median per-round ratio against the row's
    baseline, ``spread`` its quartiles.
    """

    bench: str
    label: str
    value: float | None = None
    unit: str = "s"
    ratio: float | None = None
    spread: tuple[float, float] | None = None
    target: float | None = None
    note: str = ""

    @property
    def status(self) -> str:
        """``PASS``/``MISS`` when the row has a target, else blank.

        The ratio is compared at the precision it is printed with (2 decimals).
        """
        if self.target is None or self.ratio is None:
            return ""
        return "PASS" if round(self.ratio, 2) <= self.target else "MISS"


@dataclass
class Section:
    """The rows of one benchmark id, and whether its checks held."""

    bench: str
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: str | None = None
    skipped: str | None = None


#: A call that takes more than this many times the median of the same call
#: (same candidate, same item) over all rounds was interrupted by the system.
OUTLIER = 3.0


@dataclass
class Timings:
    """Mean seconds per call of each candidate, one value per round."""

    times: dict[str, list[float]]
    calls: int
    interrupted: int

    def note(self) -> str:
        """How many calls were counted at their median because they were interrupted."""
        share = self.interrupted / self.calls if self.calls else 0.0
        return (
            f"{self.interrupted} of {self.calls:,} timed calls ({share:.2%}) took > {OUTLIER:g}× "
            "their median (system interruptions) and were counted at the median"
        )


def interleave(
    candidates: dict[str, tuple[Callable[[Any], object], Sequence[Any]]],
    rounds: int,
    *,
    warmup: int = 1,
) -> Timings:
    """Time candidates interleaved call by call; mean seconds per call, one value per round.

    Each candidate is a function and the items it is called with (all the
    same length).  In a round, item *i* is given to every candidate in turn
    (A B C, then B C A for the next item, ...), each call timed on its own,
    so that the candidates share the machine's moods at a fine grain.  The
    cyclic garbage collector is off during a round and runs between rounds
    (as :mod:`timeit` does), so that a full collection is not charged to
    whichever candidate happened to trigger it.  A call that took more than
    :data:`OUTLIER` times the median of the same call over all rounds was
    preempted by another process (these machines are shared); it is counted
    at that median instead.
    """
    names = list(candidates)
    count = len(next(iter(candidates.values()))[1])
    if any(len(items) != count for _fn, items in candidates.values()):
        raise ValueError("every candidate needs the same number of items")
    slots = [(k, *candidates[name]) for k, name in enumerate(names)]
    orders = [slots[shift:] + slots[:shift] for shift in range(len(slots))]
    clock = time.perf_counter
    # calls[k][r][i]: seconds of candidate k on item i in round r
    calls: list[list[list[float]]] = [[] for _ in names]
    enabled = gc.isenabled()
    for r in range(-warmup, rounds):
        gc.collect()
        gc.disable()
        per_call = [[0.0] * count for _ in names]
        try:
            for i in range(count):
                for k, fn, items in orders[(i + r) % len(orders)]:
                    item = items[i]
                    start = clock()
                    fn(item)
                    per_call[k][i] = clock() - start
        finally:
            if enabled:
                gc.enable()
        if r >= 0:
            for k in range(len(names)):
                calls[k].append(per_call[k])
    times: dict[str, list[float]] = {}
    interrupted = 0
    for k, name in enumerate(names):
        times[name], dropped = _per_round(calls[k])
        interrupted += dropped
    return Timings(times, rounds * count * len(names), interrupted)


def _per_round(calls: list[list[float]]) -> tuple[list[float], int]:
    """Mean seconds per call in each round, interrupted calls counted at their median."""
    rounds, count = len(calls), len(calls[0])
    medians = [statistics.median(calls[r][i] for r in range(rounds)) for i in range(count)]
    series = []
    interrupted = 0
    for per_call in calls:
        total = 0.0
        for t, median in zip(per_call, medians, strict=True):
            if t > OUTLIER * median:
                interrupted += 1
                total += median
            else:
                total += t
        series.append(total / count)
    return series, interrupted


def ratios(times: dict[str, list[float]], name: str, base: str) -> list[float]:
    """Per-round ratios ``times[name] / times[base]``."""
    return [a / b for a, b in zip(times[name], times[base], strict=True)]


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """The first and third quartiles."""
    if len(values) < 2:
        return (values[0], values[0])
    q = statistics.quantiles(values, n=4)
    return (q[0], q[2])


def timed_row(
    bench: str,
    label: str,
    times: dict[str, list[float]],
    name: str,
    base: str | None,
    *,
    target: float | None = None,
    note: str = "",
) -> Row:
    """A row with the median time of *name* and its median ratio to *base*."""
    row = Row(bench, label, value=statistics.median(times[name]), note=note)
    if base is not None and base != name:
        per_round = ratios(times, name, base)
        row.ratio = statistics.median(per_round)
        row.spread = quartiles(per_round)
        row.target = target
    elif base == name:
        row.ratio = 1.0
        row.note = note or "baseline"
    return row


def ratio_row(
    bench: str,
    label: str,
    times: dict[str, list[float]],
    name: str,
    base: str,
    *,
    target: float | None,
    note: str = "",
) -> Row:
    """A row that shows only the median per-round ratio of *name* to *base*."""
    per_round = ratios(times, name, base)
    return Row(
        bench,
        label,
        ratio=statistics.median(per_round),
        spread=quartiles(per_round),
        target=target,
        note=note,
    )


def _format_value(row: Row) -> str:
    if row.value is None:
        return ""
    if row.unit == "s":
        v = row.value
        if v < 1e-3:
            return f"{v * 1e6:9.1f} µs"
        if v < 1:
            return f"{v * 1e3:9.2f} ms"
        return f"{v:9.2f} s "
    if row.unit == "B":
        return f"{row.value:9,.0f} B "
    if row.unit == "MB":
        return f"{row.value:9,.1f} MB"
    if row.unit == "/s":
        return f"{row.value:9,.0f} /s"
    return f"{row.value:9.3g} {row.unit}"


def render(sections: Sequence[Section]) -> str:
    """The results table."""
    label_width = max(
        [44, *(len(r.label) for s in sections for r in s.rows)],
    )
    head = (
        f"{'id':<4} {'candidate':<{label_width}} {'median':>12}  {'ratio':>7} "
        f"{'[q1 - q3]':>15}  {'target':>7}  {'':4}  note"
    )
    lines = [head, "-" * len(head)]
    for section in sections:
        if section.skipped is not None:
            lines.append(f"{section.bench:<4} SKIPPED: {section.skipped}")
            continue
        if section.failed is not None:
            lines.append(f"{section.bench:<4} CHECK FAILED: {section.failed}")
            continue
        for row in section.rows:
            ratio = f"{row.ratio:6.2f}×" if row.ratio is not None else ""
            spread = f"[{row.spread[0]:.2f} - {row.spread[1]:.2f}]" if row.spread else ""
            target = f"≤{row.target:.2f}×" if row.target is not None else ""
            lines.append(
                f"{row.bench:<4} {row.label:<{label_width}} {_format_value(row):>12}  "
                f"{ratio:>7} {spread:>15}  {target:>7}  {row.status:4}  {row.note}".rstrip()
            )
        lines.extend(f"{'':4} · {note}" for note in section.notes)
    return "\n".join(lines)
