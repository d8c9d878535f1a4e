"""SEG: streaming value segmentation of a large portfolio.

Runs only when :mod:`pmcrm.segmentation` offers ``score_customer``,
``segment_portfolio`` and ``ValueScorePolicy``.  The measurement runs in a
fresh child process (``python -m benchmarks.bench_segmentation N SEED``) so
that its peak RSS is not inflated by the other benchmarks.

The customers come from a generator: 400 records are loaded once as
templates, then each yielded customer is a new
:class:`~pmcrm.customers.Customer` object with a fresh ``customer_id`` that
shares its parts with its template (copied slot by slot: ``attrs.evolve``
would cost more than a fifth of the segmentation itself).  Nothing holds
the stream: if ``segment_portfolio`` streams, the RSS stays flat however
many customers pass.  The generator's own cost
is timed separately on a sample, so the segmentation cost per record can be
read off.
"""

import importlib
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from benchmarks._harness import Config, Row, Section

AS_OF = date(2025, 6, 30)

#: Values for the policy's fields, by name; fields not named here keep their default.
POLICY_VALUES: dict[str, Any] = {
    "window_months": 12,
    "spending_weight": Decimal(5),
    "frequency_weight": Decimal(3),
    "contribution_weight": Decimal(2),
    "spending_full": "20000.00",
    "frequency_full": 4,
    "contribution_full": 4,
    "high_cutoff": Decimal(60),
    "mid_cutoff": Decimal(35),
}


def _api() -> Any:
    try:
        module = importlib.import_module("pmcrm.segmentation")
    except ImportError as exc:
        raise LookupError(f"pmcrm.segmentation is not importable ({exc})") from None
    missing = [
        name
        for name in ("score_customer", "segment_portfolio", "ValueScorePolicy")
        if not hasattr(module, name)
    ]
    if missing:
        raise LookupError("pmcrm.segmentation lacks " + ", ".join(missing))
    return module


def make_policy(module: Any) -> Any:
    """A ``ValueScorePolicy`` built from its fields (see :data:`POLICY_VALUES`)."""
    from pmcrm.values import Money

    cls = module.ValueScorePolicy
    kwargs: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name in POLICY_VALUES:
            value = POLICY_VALUES[field.name]
            kwargs[field.alias or field.name] = (
                Money.of(value)
                if field.name.endswith("_full") and isinstance(value, str)
                else value
            )
        elif field.default is attrs.NOTHING:
            raise LookupError(f"ValueScorePolicy field {field.name!r} has no benchmark value")
    return cls(**kwargs)


def _customers(total: int, seed: int) -> Iterator[Any]:
    from benchmarks.workload import make_records
    from pmcrm.customers import Customer
    from pmcrm.serialization import default_converter

    load = default_converter().load
    templates = [
        [(f.name, getattr(c, f.name)) for f in attrs.fields(Customer)]
        for c in (load(r, Customer) for r in make_records(400, seed))
    ]
    new, set_ = object.__new__, object.__setattr__
    n = len(templates)
    for i in range(total):
        customer = new(Customer)
        for name, value in templates[i % n]:
            set_(customer, name, value)
        set_(customer, "customer_id", f"S{i:08d}")
        yield customer


def _peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM), in KiB.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` would do, but on Linux a child
    inherits its parent's peak across ``exec``, so it reports the benchmark
    runner's memory, not the child's; ``VmHWM`` belongs to the new image.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _segment_of(item: Any) -> str:
    segment = getattr(item, "segment", item)
    return str(getattr(segment, "value", segment))


def child(total: int, seed: int) -> dict[str, Any]:
    """The measurement itself (run in the child process)."""
    module = _api()
    policy = make_policy(module)
    sample = min(total, 50_000)
    start = time.perf_counter()
    for _ in _customers(sample, seed):
        pass
    generator_seconds = (time.perf_counter() - start) / sample
    rss_before = _peak_rss_kb()
    counts: Counter[str] = Counter()
    start = time.perf_counter()
    for item in module.segment_portfolio(_customers(total, seed), policy, AS_OF):
        counts[_segment_of(item)] += 1
    seconds = time.perf_counter() - start
    rss_after = _peak_rss_kb()
    return {
        "total": total,
        "seconds": seconds,
        "generator_seconds_per_record": generator_seconds,
        "segments": dict(sorted(counts.items())),
        "peak_rss_kb_before": rss_before,
        "peak_rss_kb_after": rss_after,
        "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def run_seg(cfg: Config) -> Section:
    """SEG: stream *cfg.seg_customers* customers through ``segment_portfolio``."""
    section = Section("SEG", "streaming segmentation")
    try:
        make_policy(_api())
    except LookupError as exc:
        section.skipped = str(exc)
        return section
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "benchmarks.bench_segmentation",
            str(cfg.seg_customers),
            str(cfg.seed),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        section.failed = (result.stderr.strip().splitlines() or ["child failed"])[-1]
        return section
    data = json.loads(result.stdout)
    total = data["total"]
    if sum(data["segments"].values()) != total:
        section.failed = f"{sum(data['segments'].values())} results for {total} customers"
        return section
    per_record = data["seconds"] / total
    generator = data["generator_seconds_per_record"]
    grown_mb = (data["peak_rss_kb_after"] - data["peak_rss_kb_before"]) / 1024
    section.rows = [
        Row(
            "SEG",
            f"segment_portfolio over {total:,} streamed customers",
            value=total / data["seconds"],
            unit="/s",
            note=f"{per_record * 1e6:.1f} µs/record incl. generator; segments {data['segments']}",
        ),
        Row(
            "SEG",
            "  of which generator (clones of 400 templates)",
            value=generator,
            note=f"segmentation alone ≈ {(per_record - generator) * 1e6:.1f} µs/record",
        ),
        Row(
            "SEG",
            "  peak RSS of the child process",
            value=data["peak_rss_kb_after"] / 1024,
            unit="MB",
            note=f"VmHWM; grew {grown_mb:.1f} MB while streaming (flat = streams); "
            f"getrusage ru_maxrss {data['ru_maxrss_kb'] / 1024:.0f} MB (inherits the parent's)",
        ),
    ]
    return section


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]), int(sys.argv[2]))))
