"""Run the benchmarks and print the table: ``python -m benchmarks [--quick] [--only S1,S2]``."""

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version

from benchmarks._harness import Config, Section, make_config, render
from benchmarks.workload import DEFAULT_SEED

BENCHMARKS = (
    "S1",
    "S2",
    "S5",
    "S6",
    "M1",
    "SEG",
    "R1",
    "R2",
    "R3",
    "P1",
    "C1",
    "D1",
    "D2",
    "D3",
    "F1",
    "F2",
    "K1",
    "K2",
    "V1",
    "V2",
    "L1",
    "L2",
    "L3",
)


def _versions() -> str:
    parts = [f"CPython {platform.python_version()}"]
    for dist in ("pmcrm", "attrs", "cattrs", "pydantic", "python-dateutil"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (absent)")
    return ", ".join(parts)


def _runners(cfg: Config) -> dict[str, Callable[[], Section]]:
    from benchmarks import (
        bench_batch,
        bench_calendar,
        bench_care,
        bench_complaints,
        bench_import,
        bench_memory,
        bench_pricing,
        bench_scaling,
        bench_segmentation,
        bench_serialization,
        bench_surveys,
        bench_tiers,
    )

    work = bench_serialization.Workload.build(cfg)
    return {
        "S1": lambda: bench_serialization.run_s1(cfg, work),
        "S2": lambda: bench_serialization.run_s2(cfg, work),
        "S5": lambda: bench_serialization.run_s5(cfg, work),
        "S6": lambda: bench_import.run_s6(cfg),
        "M1": lambda: bench_memory.run_m1(cfg),
        "SEG": lambda: bench_segmentation.run_seg(cfg),
        "R1": lambda: bench_tiers.run_r1(cfg),
        "R2": lambda: bench_tiers.run_r2(cfg),
        "R3": lambda: bench_tiers.run_r3(cfg),
        "P1": lambda: bench_pricing.run_p1(cfg),
        "C1": lambda: bench_care.run_c1(cfg),
        "D1": lambda: bench_calendar.run_d1(cfg),
        "D2": lambda: bench_calendar.run_d2(cfg),
        "D3": lambda: bench_calendar.run_d3(cfg),
        "F1": lambda: bench_complaints.run_f1(cfg),
        "F2": lambda: bench_complaints.run_f2(cfg),
        "K1": lambda: bench_batch.run_k1(cfg),
        "K2": lambda: bench_batch.run_k2(cfg),
        "V1": lambda: bench_surveys.run_v1(cfg),
        "V2": lambda: bench_surveys.run_v2(cfg),
        "L1": lambda: bench_scaling.run_l1(cfg),
        "L2": lambda: bench_scaling.run_l2(cfg),
        "L3": lambda: bench_scaling.run_l3(cfg),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; exit 1 if a correctness check failed (never for timing)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument(
        "--only", default="", help=f"comma-separated ids to run, of {','.join(BENCHMARKS)}"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="workload seed")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    args = parser.parse_args(argv)
    selected = [s.strip().upper() for s in args.only.split(",") if s.strip()] or list(BENCHMARKS)
    unknown = [s for s in selected if s not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark id(s): {', '.join(unknown)}")
    cfg = make_config(quick=args.quick, seed=args.seed)
    print(f"pmcrm benchmarks ({'quick' if cfg.quick else 'default'} run, seed {cfg.seed})")
    print(f"{_versions()}; {os.cpu_count()} CPUs; {platform.machine()} {platform.system()}")
    print(
        f"{cfg.rounds} interleaved rounds per timing benchmark, {cfg.import_rounds} for S6; "
        "ratio = median per-round ratio to the row's baseline, [q1 - q3] its spread"
    )
    print(flush=True)
    runners = _runners(cfg)
    sections: list[Section] = []
    started = time.perf_counter()
    for bench in selected:
        t0 = time.perf_counter()
        print(f"running {bench} ...", file=sys.stderr, flush=True)
        try:
            section = runners[bench]()
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the rest
            section = Section(bench, bench, failed=f"{type(exc).__name__}: {exc}")
        print(f"  {bench} took {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        sections.append(section)
    print(render(sections))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if args.json:
        payload = {
            "config": asdict(cfg),
            "versions": _versions(),
            "sections": [
                {**asdict(s), "rows": [{**asdict(r), "status": r.status} for r in s.rows]}
                for s in sections
            ],
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False, indent=2)
    return 1 if any(s.failed for s in sections) else 0


if __name__ == "__main__":
    sys.exit(main())
