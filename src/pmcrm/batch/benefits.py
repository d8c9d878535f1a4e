"""The benefit kernels: the entitlements held on a day, and bills priced with them.

Each input record of :func:`entitlement_records` is one customer's tier
history and manual grants (:data:`ENTITLEMENT_INPUT`); each result record
is one benefit the customer holds on the day (:data:`ENTITLEMENT_SCHEMA`).
Each input record of :func:`price_records` is one bill with its customer's
tier history and grants (:data:`PRICE_INPUT`); each result record is the
bill priced with the discounts held on its day (:data:`PRICE_SCHEMA`).

>>> from datetime import date
>>> from pmcrm.benefits import TierSpell
>>> from pmcrm.sample import sample_benefits, sample_members
>>> from pmcrm.serialization import unstructure
>>> benefits, on = sample_benefits(), date(2026, 11, 23)
>>> records = [
...     {
...         "customer_id": m.customer_id,
...         "tier_history": [unstructure(TierSpell(tier=m.tier, since=m.since))],
...     }
...     for m in sample_members()[1:3]
... ]
>>> records.append({"customer_id": "C9999", "tier_history": '[{"tier": "gold"}]'})
>>> rows = list(entitlement_records(records, benefits.catalogue, on))
>>> for r in rows[:5]:
...     print(r["row"], r["status"], r["customer_id"], r["benefit"], r["kind"], r["end"])
0 ok C0002 None None None
1 ok C0003 gold_priority_repairs access None
1 ok C0003 gold_vip_channel access None
1 ok C0003 gold_emergency_line access None
1 ok C0003 gold_fee_3 discount None
>>> rows[-1]["customer_id"], [e["path"] for e in json.loads(rows[-1]["errors"])]
('C9999', ['$.tier_history[0].since'])

The same gold customer's bill, priced on the day with the discounts held:

>>> bill = {
...     "bill_id": "B-1",
...     "customer_id": "C0003",
...     "on": "2026-11-23",
...     "lines": [unstructure(line) for line in benefits.bill_lines],
...     "tier_history": records[1]["tier_history"],
... }
>>> [priced] = price_records([bill], benefits.catalogue, benefits.pricing)
>>> priced["original"], priced["discount"], priced["net"]
('13112.80', '402.04', '12710.76')
>>> for line in json.loads(priced["lines"]):
...     print(line["category"], line["amount"], line["rate"], line["discount"])
property_fee 12680.50 0.03 380.42
housekeeping 399.00 0.05 19.95
car_wash 33.30 0.05 1.67
>>> print(priced["explanation_en"].splitlines()[-1])
total: 13112.80 CNY − 402.04 CNY discount = 12710.76 CNY
"""

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, Final

import attrs

from pmcrm.batch._core import (
    Column,
    Record,
    Schema,
    _column,
    accepted,
    converter_or_default,
    entries_of,
    from_engine,
    guarded,
    key_of,
    load,
    make_schema,
    plain,
    records_of,
    rejected,
    row_ids,
    to_frame,
)
from pmcrm.benefits.catalogue import Benefit, Catalogue, Discount, DiscountTarget, QuotaBenefit
from pmcrm.benefits.entitlements import (
    PROPERTY_FEE,
    Entitlement,
    ManualGrant,
    TierSpell,
    check_history,
    discount_rules,
    entitlements,
)
from pmcrm.errors import InvalidValue, ReportEntry, ValidationError, ValidationReport
from pmcrm.pricing import Bill, BillLine, PricedBill, PricingPolicy, price
from pmcrm.serialization import PmcrmConverter
from pmcrm.values import Lang

__all__ = [
    "ENTITLEMENT_INPUT",
    "ENTITLEMENT_SCHEMA",
    "PRICE_INPUT",
    "PRICE_SCHEMA",
    "entitlement_frame",
    "entitlement_records",
    "price_frame",
    "price_records",
]

#: The input record of :func:`entitlement_records`: the columns it reads
#: and what each holds.  ``grants`` is optional (absent or null: none); a
#: nested value may also be JSON text.  Every grant must be the row's
#: customer's.
ENTITLEMENT_INPUT: Final[Mapping[str, Any]] = {
    "customer_id": str,
    "tier_history": tuple[TierSpell, ...],
    "grants": tuple[ManualGrant, ...],
}

#: The input record of :func:`price_records`.  ``on`` (the day the bill is
#: priced on) is not read when the kernel's *on* argument is given;
#: ``currency`` is optional (default ``"CNY"``, as
#: :class:`~pmcrm.pricing.Bill`'s), and so is ``grants``.
PRICE_INPUT: Final[Mapping[str, Any]] = {
    "bill_id": str,
    "customer_id": str,
    "on": date,
    "currency": str,
    "lines": tuple[BillLine, ...],
    "tier_history": tuple[TierSpell, ...],
    "grants": tuple[ManualGrant, ...],
}

#: The longest identifier (customer, bill) the kernels accept.
_ID_LENGTH = 64


def _nullable(name: str, type_: str, zh: str, en: str, *, title: tuple[str, str]) -> Column:
    return _column(name, type_, zh, en, nullable=True, title=title)


#: The result schema of :func:`entitlement_records`: one record per
#: entitlement held on the day; a customer who holds none gets one record
#: with ``benefit`` (and every column after it) null, so every customer
#: shows.
ENTITLEMENT_SCHEMA: Final[Schema] = make_schema(
    _nullable("customer_id", "string", "客户编号", "The customer", title=("客户", "customer")),
    _nullable(
        "on", "date", "查询日", "The day the entitlements are held on", title=("查询日", "on")
    ),
    _nullable(
        "benefit",
        "string",
        "权益代码；该客户当日无任何权益时为空",
        "The benefit's code; null when the customer holds none that day",
        title=("权益", "benefit"),
    ),
    _nullable(
        "kind",
        "string",
        "权益类型（目录 JSON 中的 type 标签，如 discount）",
        "The benefit's kind: its ``type`` tag in the catalogue JSON (``discount``…)",
        title=("类型", "kind"),
    ),
    _nullable(
        "description_zh",
        "string",
        "权益说明（中文）",
        "The benefit, in Chinese",
        title=("权益说明", "description (zh)"),
    ),
    _nullable(
        "description_en",
        "string",
        "权益说明（英文）",
        "The benefit, in English",
        title=("权益说明（英文）", "description"),
    ),
    _nullable(
        "source",
        "string",
        "来源：tier（会员等级）、manual（人工授予）或 promotion（促销）",
        "Where it comes from: ``tier``, ``manual`` or ``promotion``",
        title=("来源", "source"),
    ),
    _nullable(
        "tier",
        "string",
        "来源等级（等级权益）",
        "For a tier's benefit, the tier",
        title=("等级", "tier"),
    ),
    _nullable("start", "date", "享有首日", "The first day it is held", title=("起始日", "from")),
    _nullable(
        "end",
        "date",
        "不再享有的首日（不含；含宽限期）；长期有效为空",
        "The first day it is no longer held (grace period included); null: open-ended",
        title=("截止日（不含）", "until"),
    ),
    _nullable(
        "anchor",
        "date",
        "会员年度起算日（进入该等级之日，或授予首日）",
        "The day membership years count from (entering the tier, or the grant's first day)",
        title=("年度起算日", "anchor"),
    ),
    _nullable(
        "units",
        "integer",
        "每期免费次数（限次权益）",
        "For a quota benefit: free uses per term",
        title=("次数", "units"),
    ),
    _nullable(
        "term",
        "string",
        "限次周期：calendar_year、membership_year 或 rolling_months",
        "For a quota benefit: its term, ``calendar_year``, ``membership_year`` or "
        "``rolling_months``",
        title=("周期", "term"),
    ),
    _nullable(
        "term_months",
        "integer",
        "滚动周期的月数",
        "For a ``rolling_months`` term: the months",
        title=("月数", "months"),
    ),
    _nullable(
        "detail",
        "json",
        "权益本身（目录 JSON 形式，含 type 标签）",
        "The benefit itself, as the catalogue JSON writes it (with its ``type`` tag)",
        title=("权益明细", "detail"),
    ),
)

#: The result schema of :func:`price_records`: one record per bill.
PRICE_SCHEMA: Final[Schema] = make_schema(
    _nullable("bill_id", "string", "账单编号", "The bill", title=("账单", "bill")),
    _nullable("customer_id", "string", "客户编号", "The customer", title=("客户", "customer")),
    _nullable(
        "on", "date", "计价日（按当日享有的折扣计价）", "The day priced on", title=("计价日", "on")
    ),
    _nullable("currency", "string", "币种", "The bill's currency", title=("币种", "currency")),
    _nullable(
        "original", "decimal", "折前合计", "The total before discounts", title=("原价", "original")
    ),
    _nullable("discount", "decimal", "优惠合计", "The total discount", title=("优惠", "discount")),
    _nullable(
        "net",
        "decimal",
        "应付合计（折前 − 优惠）",
        "The total due: original − discount",
        title=("应付", "net"),
    ),
    _nullable(
        "lines",
        "json",
        "逐行：[{category, description, amount, rate, discount, net, sources}]；"
        "rate 为小数（0.08 即 8%），sources 为所用折扣的来源 [{zh, en}]",
        "Per line: ``[{category, description, amount, rate, discount, net, sources}]``; "
        "``rate`` as a fraction (``'0.08'`` is 8 %), ``sources`` the discounts used, "
        "``[{zh, en}]``",
        title=("逐行明细", "lines"),
    ),
    _nullable(
        "explanation_zh",
        "string",
        "计价说明（中文，每行一条）",
        "Why, in Chinese",
        title=("说明", "explanation (zh)"),
    ),
    _nullable(
        "explanation_en",
        "string",
        "计价说明（英文，每行一条）",
        "Why, in English",
        title=("说明（英文）", "explanation"),
    ),
)


# --- loading -------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    """An absent cell: ``None``, or a data engine's ``NaN`` (any float, numpy's too)."""
    if isinstance(value, str | Mapping | list | tuple):
        return False
    return from_engine(value) is None


def _identifier(
    converter: PmcrmConverter, record: Mapping[str, Any], key: str
) -> str | list[ReportEntry]:
    """The non-blank text of column *key*, at most 64 characters."""
    value = load(converter, record, key, str)
    if isinstance(value, list):
        return value
    if not value.strip():
        return list(entries_of(InvalidValue(key, "empty"), f"$.{key}"))
    if len(value) > _ID_LENGTH:
        error = InvalidValue(key, "max_length", value=value, bound=_ID_LENGTH, length=len(value))
        return list(entries_of(error, f"$.{key}"))
    return value


def _optional(
    converter: PmcrmConverter, record: Mapping[str, Any], key: str, cl: Any, default: Any
) -> Any:
    """Column *key* loaded as *cl*, or *default* when absent or null."""
    if _missing(record.get(key)):
        return default
    return load(converter, record, key, cl)


def _faults(*loaded: object) -> list[ReportEntry]:
    """The report entries among *loaded* (a failed load is a list of them)."""
    return [entry for value in loaded if isinstance(value, list) for entry in value]


_COLUMN = re.compile(r"\$\.(\w+)")


def _in_order(faults: list[ReportEntry], columns: Mapping[str, Any]) -> list[ReportEntry]:
    """*faults* in the order of the input *columns* their paths start with."""
    order = {name: index for index, name in enumerate(columns)}

    def position(entry: ReportEntry) -> int:
        found = _COLUMN.match(entry.path)
        return order.get(found.group(1), len(order)) if found else len(order)

    return sorted(faults, key=position)


@attrs.frozen
class _Holder:
    """A customer's id, tier history and grants, loaded and checked."""

    customer_id: str
    history: tuple[TierSpell, ...]
    grants: tuple[ManualGrant, ...]


def _holder(converter: PmcrmConverter, record: Mapping[str, Any]) -> _Holder | list[ReportEntry]:
    """The holder columns of *record*, or every fault in them.

    The tier history must be in order without overlaps (``$.tier_history``),
    and every grant must be the row's customer's
    (``$.grants[i].customer_id``): a grant for someone else in a
    customer's row is a data fault, not a grant to skip.
    """
    customer_id = _identifier(converter, record, "customer_id")
    history = load(converter, record, "tier_history", tuple[TierSpell, ...])
    grants = _optional(converter, record, "grants", tuple[ManualGrant, ...], ())
    faults = _faults(customer_id, history, grants)
    if not isinstance(history, list):
        try:
            check_history(history)
        except InvalidValue as exc:
            faults.extend(entries_of(exc, "$.tier_history"))
    if isinstance(customer_id, str) and not isinstance(grants, list):
        for index, grant in enumerate(grants):
            if grant.customer_id != customer_id:
                error = InvalidValue(
                    "customer_id",
                    "invalid",
                    value=grant.customer_id,
                    detail=f"the grant is for another customer than {customer_id!r}",
                    detail_zh=f"该授予不属于本行客户 {customer_id!r}",
                )
                faults.extend(entries_of(error, f"$.grants[{index}].customer_id"))
    if faults or isinstance(customer_id, list) or isinstance(history, list):
        return faults
    return _Holder(customer_id=customer_id, history=history, grants=grants)


# --- entitlements ----------------------------------------------------------------------


def _entitlement(
    row: int, entitlement: Entitlement, on: date, converter: PmcrmConverter
) -> Record:
    benefit = entitlement.benefit
    detail = converter.dump(benefit, Benefit)
    quota = benefit if isinstance(benefit, QuotaBenefit) else None
    return accepted(
        ENTITLEMENT_SCHEMA,
        row,
        {
            "customer_id": entitlement.customer_id,
            "on": plain(on),
            "benefit": entitlement.code,
            "kind": detail["type"],
            "description_zh": benefit.describe(Lang.ZH),
            "description_en": benefit.describe(Lang.EN),
            "source": entitlement.source.value,
            "tier": entitlement.tier,
            "start": plain(entitlement.start),
            "end": plain(entitlement.end),
            "anchor": plain(entitlement.anchor),
            "units": None if quota is None else quota.units,
            "term": None if quota is None else quota.term.kind.value,
            "term_months": None if quota is None else quota.term.months,
            "detail": json.dumps(detail, ensure_ascii=False),
        },
    )


def _entitlement_rows(
    row: int,
    holder: _Holder,
    *,
    catalogue: Catalogue,
    on: date,
    converter: PmcrmConverter,
) -> list[Record]:
    held = entitlements(holder.customer_id, holder.history, catalogue, on, grants=holder.grants)
    if not held:
        return [
            accepted(ENTITLEMENT_SCHEMA, row, {"customer_id": holder.customer_id, "on": plain(on)})
        ]
    return [_entitlement(row, e, on, converter) for e in held]


def entitlement_records(
    records: Iterable[Mapping[str, Any]],
    catalogue: Catalogue,
    on: date,
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
) -> Iterator[Record]:
    """The entitlements each customer holds on *on*, lazily, customer by customer.

    As :func:`pmcrm.benefits.entitlements.entitlements`: the tier history's benefits
    (with the catalogue's grace period after a tier ends) and the manual
    grants, in that order.

    Args:
        records: Plain records with the columns of :data:`ENTITLEMENT_INPUT`.
        catalogue: What each tier grants.
        on: The day.
        converter: The strict converter to load records with (default: the
            process's; in a data-engine worker, build one per worker).
        first_row: The number of the first record (``row`` column).

    Yields:
        Records of :data:`ENTITLEMENT_SCHEMA`, all of an input row's
        together: one per entitlement held (``status`` ``"ok"``), or one
        with ``benefit`` null when the customer holds none, or one
        ``"rejected"`` record with every fault, each with its path
        (``$.tier_history[1].since``), in ``errors``.
    """
    conv = converter_or_default(converter)
    for row, record in enumerate(records, first_row):
        holder = _holder(conv, record)
        if isinstance(holder, list):
            yield rejected(
                ENTITLEMENT_SCHEMA, row, holder, customer_id=key_of(record, "customer_id")
            )
            continue
        yield from guarded(
            ENTITLEMENT_SCHEMA,
            row,
            {"customer_id": holder.customer_id},
            functools.partial(
                _entitlement_rows, row, holder, catalogue=catalogue, on=on, converter=conv
            ),
        )


def entitlement_frame(
    frame: Any,
    catalogue: Catalogue,
    on: date,
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
    row_column: str | None = None,
) -> Any:
    """As :func:`entitlement_records`, over a pandas DataFrame, returning one (needs pandas).

    Only the columns of :data:`ENTITLEMENT_INPUT` are read (``grants`` may
    be absent).  The result has the columns of :data:`ENTITLEMENT_SCHEMA`,
    each of ``object`` dtype, also when empty: use it as Dask's
    ``map_partitions`` function and Spark's ``mapInPandas`` function
    unchanged.  With *row_column*, each result's ``row`` is that input
    column's value instead of the input's position.
    """
    records = records_of(frame, [c for c in ENTITLEMENT_INPUT if c in frame.columns])
    return to_frame(
        entitlement_records(records, catalogue, on, converter=converter, first_row=first_row),
        ENTITLEMENT_SCHEMA,
        rows=row_ids(frame, row_column),
        first_row=first_row,
    )


# --- pricing ---------------------------------------------------------------------------


def _bill(lines: tuple[BillLine, ...], currency: str) -> Bill | list[ReportEntry]:
    """The bill of *lines* in *currency*, or why not (``$.currency``, ``$.lines[i]…``)."""
    try:
        return Bill(lines=lines, currency=currency)
    except InvalidValue as exc:
        # A rule across the bill's fields carries its path from the bill
        # (``.lines[0].amount.currency``); a field's own rule does not.
        return list(entries_of(exc, "$" if exc.subpath else f"$.{exc.field}"))


def _bill_row(
    converter: PmcrmConverter, record: Mapping[str, Any], on: date | None
) -> tuple[str, _Holder, date, Bill] | list[ReportEntry]:
    """The columns of one bill's record, or every fault in them, in column order."""
    bill_id = _identifier(converter, record, "bill_id")
    holder = _holder(converter, record)
    day = on if on is not None else load(converter, record, "on", date)
    currency = _optional(converter, record, "currency", str, "CNY")
    lines = load(converter, record, "lines", tuple[BillLine, ...])
    bill: Bill | list[ReportEntry] = []  # not built while its columns are faulty
    if not isinstance(currency, list) and not isinstance(lines, list):
        bill = _bill(lines, currency)
    if (
        isinstance(bill_id, list)
        or isinstance(holder, list)
        or isinstance(day, list)
        or isinstance(bill, list)
    ):
        faults = _faults(bill_id, holder, day, currency, lines, bill)
        return _in_order(faults, PRICE_INPUT)
    return bill_id, holder, day, bill


def _covers_every_value_added(entitlement: Entitlement) -> bool:
    benefit = entitlement.benefit
    return (
        isinstance(benefit, Discount)
        and benefit.target is DiscountTarget.VALUE_ADDED
        and benefit.category is None
    )


def _priced(row: int, bill_id: str, customer_id: str, day: date, priced: PricedBill) -> Record:
    lines = [
        {
            "category": item.line.category,
            "description": item.line.description,
            "amount": plain(item.original.amount),
            "rate": plain(item.rate.value),
            "discount": plain(item.discount.amount),
            "net": plain(item.net.amount),
            "sources": [{"zh": r.source.zh, "en": r.source.en} for r in item.rules],
        }
        for item in priced.lines
    ]
    return accepted(
        PRICE_SCHEMA,
        row,
        {
            "bill_id": bill_id,
            "customer_id": customer_id,
            "on": plain(day),
            "currency": priced.bill.currency,
            "original": plain(priced.original.amount),
            "discount": plain(priced.discount.amount),
            "net": plain(priced.net.amount),
            "lines": json.dumps(lines, ensure_ascii=False),
            "explanation_zh": priced.explain(Lang.ZH),
            "explanation_en": priced.explain(Lang.EN),
        },
    )


@attrs.frozen(kw_only=True)
class _Pricing:
    """What every bill of a run is priced with."""

    catalogue: Catalogue
    policy: PricingPolicy
    value_added: tuple[str, ...] | None
    property_fee: str


def _price_rows(
    row: int, bill_id: str, holder: _Holder, day: date, bill: Bill, *, setup: _Pricing
) -> list[Record]:
    held = entitlements(
        holder.customer_id, holder.history, setup.catalogue, day, grants=holder.grants
    )
    categories = setup.value_added
    if categories is None:
        categories = tuple(
            dict.fromkeys(
                line.category for line in bill.lines if line.category != setup.property_fee
            )
        )
        if not categories:  # no value-added line: such a discount applies to nothing
            held = tuple(e for e in held if not _covers_every_value_added(e))
    rules = discount_rules(held, day, value_added=categories, property_fee=setup.property_fee)
    try:
        priced = price(bill, rules, setup.policy)
    except InvalidValue as exc:
        if exc.field != "lines":
            raise
        # A line amount that is not a whole number of units: locate it.
        raise ValidationError(ValidationReport(entries_of(exc, "$.lines")), "Bill") from None
    return [_priced(row, bill_id, holder.customer_id, day, priced)]


def price_records(
    records: Iterable[Mapping[str, Any]],
    catalogue: Catalogue,
    pricing: PricingPolicy,
    *,
    on: date | None = None,
    value_added: Iterable[str] | None = None,
    property_fee: str = PROPERTY_FEE,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
) -> Iterator[Record]:
    """Price each bill with the discounts its customer holds on its day, lazily.

    For each bill: the entitlements held on the day
    (:func:`~pmcrm.benefits.entitlements.entitlements`), their discount rules
    (:func:`~pmcrm.benefits.entitlements.discount_rules`), and the bill priced with them
    under *pricing* (:func:`~pmcrm.pricing.price`).

    Args:
        records: Plain records with the columns of :data:`PRICE_INPUT`.
        catalogue: What each tier grants.
        pricing: How discounts stack and are rounded.
        on: Price every bill on this day (the ``on`` column is then not
            read); default: each bill's ``on``.
        value_added: The bill-line categories a value-added discount without
            a category of its own applies to.  Default: each bill's
            categories other than *property_fee* (so such a discount applies
            to every line but the property fee; a bill without such lines
            gets no rule from it).
        property_fee: The category of the property fee.
        converter: The strict converter to load records with (default: the
            process's; in a data-engine worker, build one per worker).
        first_row: The number of the first record (``row`` column).

    Yields:
        One record of :data:`PRICE_SCHEMA` per input record: ``status``
        ``"ok"`` with the totals, the priced lines and the explanation, or
        ``"rejected"`` with every fault, each with its path
        (``$.lines[1].amount.amount``), in ``errors``.
    """
    conv = converter_or_default(converter)
    setup = _Pricing(
        catalogue=catalogue,
        policy=pricing,
        value_added=None if value_added is None else tuple(value_added),
        property_fee=property_fee,
    )
    for row, record in enumerate(records, first_row):
        loaded = _bill_row(conv, record, on)
        if isinstance(loaded, list):
            yield rejected(
                PRICE_SCHEMA,
                row,
                loaded,
                bill_id=key_of(record, "bill_id"),
                customer_id=key_of(record, "customer_id"),
            )
            continue
        bill_id, holder, day, bill = loaded
        yield from guarded(
            PRICE_SCHEMA,
            row,
            {"bill_id": bill_id, "customer_id": holder.customer_id},
            functools.partial(_price_rows, row, bill_id, holder, day, bill, setup=setup),
        )


def price_frame(
    frame: Any,
    catalogue: Catalogue,
    pricing: PricingPolicy,
    *,
    on: date | None = None,
    value_added: Iterable[str] | None = None,
    property_fee: str = PROPERTY_FEE,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
    row_column: str | None = None,
) -> Any:
    """As :func:`price_records`, over a pandas DataFrame, returning one (needs pandas).

    Only the columns of :data:`PRICE_INPUT` are read (the optional ones may
    be absent).  The result has the columns of :data:`PRICE_SCHEMA`, each of
    ``object`` dtype, also when empty: use it as Dask's ``map_partitions``
    function and Spark's ``mapInPandas`` function unchanged.

    With *row_column*, each result's ``row`` is that input column's value
    instead of the input's position.
    """
    records = records_of(frame, [c for c in PRICE_INPUT if c in frame.columns])
    return to_frame(
        price_records(
            records,
            catalogue,
            pricing,
            on=on,
            value_added=value_added,
            property_fee=property_fee,
            converter=converter,
            first_row=first_row,
        ),
        PRICE_SCHEMA,
        rows=row_ids(frame, row_column),
        first_row=first_row,
    )
