"""M1: retained bytes per customer, pmcrm against a hand-built slotted graph.

Both graphs are built from the same JSON-shaped records: each makes its own
Decimal, date and datetime objects from the record's strings and keeps the
record's own ``str`` objects (which exist before and after, so neither is
charged for them).  The hand-built graph has one plain class per pmcrm class,
with ``__slots__`` naming the same fields, made immutable by a
``__setattr__`` that refuses; its tuples, Decimals, dates and enum members
are the same as pmcrm's.  Memory is what :mod:`tracemalloc` sees retained
after building *N* customers into a list, minus the list itself, divided by
*N*.
"""

import gc
import sys
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from benchmarks._harness import Config, Row, Section
from benchmarks.workload import Record, make_records
from pmcrm import customers as pm
from pmcrm import values as pv
from pmcrm.serialization import default_converter


class _Frozen:
    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, f) == getattr(other, f) for f in self.__slots__
        )

    __hash__ = None  # type: ignore[assignment]


def _plain(cls: type[Any]) -> type[Any]:
    """A plain frozen slotted class with the same fields as *cls* (the masked types hold one)."""
    names = tuple(a.name for a in attrs.fields(cls)) if attrs.has(cls) else ("_value",)

    def __init__(self: Any, *values: Any) -> None:  # noqa: N807 - it is an __init__
        for name, value in zip(names, values, strict=True):
            object.__setattr__(self, name, value)

    return type(cls.__name__, (_Frozen,), {"__slots__": names, "__init__": __init__})


PUnit = _plain(pm.PropertyUnit)
PRole = _plain(pm.Role)
PContact = _plain(pm.Contact)
PPreferences = _plain(pm.Preferences)
PMoney = _plain(pv.Money)
PFee = _plain(pm.YearlyFee)
PArrears = _plain(pm.Arrears)
PPurchase = _plain(pm.ServicePurchase)
PReferral = _plain(pm.Referral)
PParticipation = _plain(pm.Participation)
PContribution = _plain(pm.Contribution)
PCustomer = _plain(pm.Customer)
PMobile = _plain(pv.MobileNumber)
PName = _plain(pv.PersonName)
PIdCard = _plain(pv.IdCardNumber)
PAddress = _plain(pv.Address)

_E = {e: {m.value: m for m in e} for e in (pm.CustomerKind, pm.PartyType, pm.PropertyType)}
_E |= {e: {m.value: m for m in e} for e in (pm.ServiceNeed, pm.Gender, pm.ContactChannel)}
_E |= {e: {m.value: m for m in e} for e in (pm.ContributionKind, pv.Lang)}


def _opt(fn: Callable[[Any], Any], v: Any) -> Any:
    return None if v is None else fn(v)


def _d(v: str | None) -> date | None:
    return None if v is None else date.fromisoformat(v)


def _money(d: Record) -> Any:
    return PMoney(Decimal(d["amount"]), d["currency"])


def plain_customer(d: Record) -> Any:
    """The hand-built graph of one record."""
    c, p = d["contact"], d["preferences"]
    return PCustomer(
        d["customer_id"],
        PName(d["name"]),
        _E[pm.PartyType][d["party"]],
        _opt(_E[pm.Gender].__getitem__, d["gender"]),
        _d(d["birth_date"]),
        _opt(PIdCard, d["id_number"]),
        tuple(
            [
                PRole(_E[pm.CustomerKind][r["kind"]], r["unit_code"], _d(r["since"]))
                for r in d["roles"]
            ]
        ),
        tuple(
            [
                PUnit(
                    u["code"],
                    _E[pm.PropertyType][u["property_type"]],
                    Decimal(u["area"]),
                    u["building"],
                )
                for u in d["units"]
            ]
        ),
        tuple([_E[pm.ServiceNeed][n] for n in d["needs"]]),
        PContact(_opt(PMobile, c["mobile"]), _opt(PAddress, c["address"]), c["wechat"]),
        PPreferences(
            _E[pv.Lang][p["language"]], _E[pm.ContactChannel][p["channel"]], tuple(p["topics"])
        ),
        tuple([PFee(f["year"], _money(f["amount"])) for f in d["fees"]]),
        tuple(
            [
                PArrears(_money(a["amount"]), _d(a["since"]), _d(a["settled_on"]))
                for a in d["arrears"]
            ]
        ),
        tuple(
            [
                PPurchase(
                    _d(x["on"]), _E[pm.ServiceNeed][x["need"]], x["category"], _money(x["amount"])
                )
                for x in d["purchases"]
            ]
        ),
        tuple([PReferral(x["referred_customer_id"], _d(x["on"])) for x in d["referrals"]]),
        tuple([PParticipation(x["activity"], _d(x["on"])) for x in d["participations"]]),
        tuple(
            [
                PContribution(_E[pm.ContributionKind][x["kind"]], _d(x["on"]), x["note"])
                for x in d["contributions"]
            ]
        ),
        tuple(d["tags"]),
        datetime.fromisoformat(d["registered_at"]),
    )


def _same_shape(a: Any, b: Any) -> bool:
    """Whether pmcrm object *a* and plain object *b* hold equal values, field by field."""
    if attrs.has(type(a)) and not isinstance(a, pv.sensitive_types()):
        return type(a).__name__ == type(b).__name__ and all(
            _same_shape(getattr(a, f.name), getattr(b, f.name)) for f in attrs.fields(type(a))
        )
    if isinstance(a, pv.sensitive_types()):
        return type(a).__name__ == type(b).__name__ and a.reveal() == b._value
    if isinstance(a, tuple):
        return (
            isinstance(b, tuple)
            and len(a) == len(b)
            and all(_same_shape(x, y) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b) and bool(a == b)


def retained(build: Callable[[Record], Any], records: list[Record], n: int) -> float:
    """Bytes per object retained after building *n* of them (records cycled)."""
    count = len(records)
    gc.collect()
    tracemalloc.start()
    # One-time allocations (caches filled on first use while tracing) go to a warm-up batch.
    warmup = [build(records[i % count]) for i in range(count)]
    del warmup
    gc.collect()
    before, _ = tracemalloc.get_traced_memory()
    built = [build(records[i % count]) for i in range(n)]
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    list_size = sys.getsizeof(built)
    del built
    return (after - before - list_size) / n


def _count_objects(obj: Any) -> int:
    """attrs instances and non-empty tuples in the graph of *obj*."""
    if attrs.has(type(obj)):
        return 1 + sum(_count_objects(getattr(obj, f.name)) for f in attrs.fields(type(obj)))
    if isinstance(obj, tuple) and obj:
        return 1 + sum(_count_objects(x) for x in obj)
    return 0


def run_m1(cfg: Config) -> Section:
    """M1: bytes retained per customer."""
    section = Section("M1", "retained memory per customer")
    records = make_records(min(cfg.records, 400), cfg.seed)
    load = default_converter().load

    def pmcrm_customer(d: Record) -> pm.Customer:
        return load(d, pm.Customer)

    for d in records:
        if not _same_shape(pmcrm_customer(d), plain_customer(d)):
            section.failed = f"plain graph differs from pmcrm for {d['customer_id']}"
            return section
    n = cfg.memory_customers
    hand_bytes = retained(plain_customer, records, n)
    pmcrm_bytes = retained(pmcrm_customer, records, n)
    objects = sum(_count_objects(load(d, pm.Customer)) for d in records) / len(records)
    section.rows = [
        Row(
            "M1",
            f"hand-built frozen slotted graph (N={n:,})",
            value=hand_bytes,
            unit="B",
            ratio=1.0,
            note="baseline",
        ),
        Row(
            "M1",
            f"pmcrm customers via load (N={n:,})",
            value=pmcrm_bytes,
            unit="B",
            ratio=pmcrm_bytes / hand_bytes,
            target=1.0,
            note=f"{objects:.1f} pmcrm attrs instances and tuples per customer",
        ),
    ]
    weakref = sorted(
        cls.__name__
        for cls in (pm.Customer, pm.PropertyUnit, pv.Money, pm.YearlyFee, pv.MobileNumber)
        if "__weakref__" in getattr(cls, "__slots__", ())
    )
    if weakref:
        section.notes.append(
            "pmcrm classes with a __weakref__ slot (+8 B per instance): " + ", ".join(weakref)
        )
    return section
