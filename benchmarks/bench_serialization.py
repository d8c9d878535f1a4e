"""S1 (strict structure), S2 (unstructure) and S5 (rejection with a report)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

import cattrs

from benchmarks import floors
from benchmarks._harness import Config, Section, interleave, ratio_row, timed_row
from benchmarks.workload import BAD_PATHS, Record, bad_record, json_size, make_records
from pmcrm.customers import Customer
from pmcrm.errors import ValidationError
from pmcrm.serialization import PmcrmConverter, default_converter
from pmcrm.values import sensitive_types


@dataclass
class Workload:
    """The records every serialisation benchmark uses, and what they load to."""

    records: list[Record]

    @classmethod
    def build(cls, cfg: Config) -> "Workload":
        """*cfg.records* distinct records from *cfg.seed*."""
        return cls(make_records(cfg.records, cfg.seed))

    @cached_property
    def customers(self) -> list[Customer]:
        """The records loaded by pmcrm's default converter."""
        load = default_converter().load
        return [load(r, Customer) for r in self.records]

    @cached_property
    def bad(self) -> list[Record]:
        """Each record with two faults (see :func:`benchmarks.workload.bad_record`)."""
        return [bad_record(r) for r in self.records]

    def describe(self) -> str:
        """Size of the workload."""
        sizes = [json_size(r) for r in self.records]
        return (
            f"{len(self.records)} distinct records, JSON {min(sizes)}-{max(sizes)} bytes "
            f"(mean {sum(sizes) / len(sizes):.0f})"
        )


def plain_cattrs_converter() -> cattrs.Converter:
    """A default :class:`cattrs.Converter` with only the leaf hooks it lacks.

    Lenient, as cattrs is by default: unknown keys are ignored, scalars are
    coerced by calling their type.
    """
    converter = cattrs.Converter()
    converter.register_structure_hook(Decimal, lambda v, _t: Decimal(v))
    converter.register_structure_hook(date, lambda v, _t: date.fromisoformat(v))
    converter.register_structure_hook(datetime, lambda v, _t: datetime.fromisoformat(v))
    for cls in sensitive_types():
        converter.register_structure_hook(cls, lambda v, _t, cls=cls: cls(v))
    return converter


def _refused_by_floor(record: Record) -> bool:
    try:
        floors.load_customer(record)
    except (ValueError, KeyError, TypeError):
        return True
    return False


def run_s1(cfg: Config, work: Workload) -> Section:
    """S1: strict structure of a customer."""
    from benchmarks import pydantic_models

    section = Section("S1", "strict structure of a customer")
    records = work.records
    converter = default_converter()
    plain = plain_cattrs_converter()
    expected = [floors.load_customer(r) for r in records]
    checks = {
        "pmcrm load": [converter.load(r, Customer) for r in records],
        "pmcrm load_detailed": [converter.load_detailed(r, Customer) for r in records],
        "cattrs default": [plain.structure(r, Customer) for r in records],
    }
    for name, got in checks.items():
        if got != expected:
            section.failed = f"{name} differs from the floor"
            return section
    if [floors.dump_customer(c) for c in expected] != records:
        section.failed = "the floor loses data (dump(floor(d)) != d)"
        return section
    pyd = [pydantic_models.Customer.model_validate(r) for r in records]
    if [m.model_dump(mode="json") for m in pyd] != records:
        section.failed = "pydantic model_dump(mode='json') differs from the input"
        return section
    if not all(_refused_by_floor(b) for b in work.bad):
        section.failed = "the floor accepts a bad record"
        return section

    def pmcrm_load(d: Record, _load: Any = converter.load) -> Customer:
        return _load(d, Customer)  # type: ignore[no-any-return]

    def detailed(d: Record, _load: Any = converter.load_detailed) -> Customer:
        return _load(d, Customer)  # type: ignore[no-any-return]

    def cattrs_default(d: Record, _structure: Any = plain.structure) -> Customer:
        return _structure(d, Customer)  # type: ignore[no-any-return]

    candidates = {
        "floor": (floors.load_customer, records),
        "pmcrm": (pmcrm_load, records),
        "pydantic": (pydantic_models.Customer.model_validate, records),
        "cattrs": (cattrs_default, records),
        "detailed": (detailed, records),
    }
    timings = interleave(candidates, cfg.rounds)
    times = timings.times
    section.rows = [
        timed_row("S1", "floor: hand-written dict→pmcrm attrs", times, "floor", "floor"),
        timed_row("S1", "pmcrm default_converter().load", times, "pmcrm", "floor", target=1.35),
        ratio_row("S1", "pmcrm load ÷ pydantic", times, "pmcrm", "pydantic", target=0.85),
        timed_row(
            "S1",
            "pydantic v2 model_validate (frozen, strict-ish)",
            times,
            "pydantic",
            "floor",
            note="context",
        ),
        timed_row(
            "S1",
            "cattrs.Converter() default + leaf hooks",
            times,
            "cattrs",
            "floor",
            note="context (lenient)",
        ),
        timed_row(
            "S1", "pmcrm load_detailed (no fast path)", times, "detailed", "floor", note="context"
        ),
    ]
    section.notes.append(work.describe() + "; all candidates checked equal first")
    section.notes.append(timings.note())
    return section


def run_s2(cfg: Config, work: Workload) -> Section:
    """S2: unstructure to a JSON-ready dict."""
    from benchmarks import pydantic_models

    section = Section("S2", "unstructure")
    converter = default_converter()
    customers = work.customers
    pyd = [pydantic_models.Customer.model_validate(r) for r in work.records]
    if [floors.dump_customer(c) for c in customers] != work.records:
        section.failed = "the floor's dict differs from the input record"
        return section
    if [converter.dump(c) for c in customers] != work.records:
        section.failed = "pmcrm dump differs from the input record"
        return section

    def pyd_dump(m: Any) -> Any:
        return m.model_dump(mode="json")

    candidates = {
        "floor": (floors.dump_customer, customers),
        "pmcrm": (converter.dump, customers),
        "pydantic": (pyd_dump, pyd),
    }
    timings = interleave(candidates, cfg.rounds)
    times = timings.times
    section.rows = [
        timed_row("S2", "floor: hand-written pmcrm→dict", times, "floor", "floor"),
        timed_row("S2", "pmcrm default_converter().dump", times, "pmcrm", "floor", target=1.20),
        timed_row(
            "S2",
            "pydantic model_dump(mode='json')",
            times,
            "pydantic",
            "floor",
            note="context",
        ),
    ]
    section.notes.append(timings.note())
    return section


def _reject(converter: PmcrmConverter) -> Any:
    def reject(d: Record) -> str:
        try:
            converter.load(d, Customer)
        except ValidationError as exc:
            return str(exc)
        raise AssertionError("a bad record was accepted")

    return reject


def _reject_pydantic(d: Record) -> str:
    from pydantic import ValidationError as PydanticError

    from benchmarks import pydantic_models

    try:
        pydantic_models.Customer.model_validate(d)
    except PydanticError as exc:
        return str(exc)
    raise AssertionError("a bad record was accepted")


def run_s5(cfg: Config, work: Workload) -> Section:
    """S5: reject a record with two bad fields, report rendered."""
    section = Section("S5", "reject a record with two faults")
    converter = default_converter()
    reject = _reject(converter)
    for b in work.bad:
        try:
            converter.load(b, Customer)
        except ValidationError as exc:
            if exc.report.paths != BAD_PATHS:
                section.failed = f"report paths {exc.report.paths} != {BAD_PATHS}"
                return section
            if not str(exc).startswith("invalid Customer: 2 faults"):
                section.failed = f"unexpected report {str(exc)!r}"
                return section
        else:
            section.failed = "pmcrm accepted a bad record"
            return section
    candidates = {
        "floor": (floors.load_customer, work.records),
        "pmcrm": (reject, work.bad),
        "pydantic": (_reject_pydantic, work.bad),
    }
    timings = interleave(candidates, cfg.rounds)
    times = timings.times
    section.rows = [
        timed_row("S5", "floor: valid record, hand-written (S1)", times, "floor", "floor"),
        timed_row(
            "S5", "pmcrm load of a bad record + str(report)", times, "pmcrm", "floor", target=5.0
        ),
        timed_row(
            "S5",
            "pydantic reject + str(exc)",
            times,
            "pydantic",
            "floor",
            note="context (finds 1: lax Decimal takes the float)",
        ),
    ]
    section.notes.append(timings.note())
    return section
