"""The tier-review kernel: review a portfolio's members, row by row.

Each input record holds a customer and their member record (see
:data:`REVIEW_INPUT`); each result record says what the review decided,
why, and the member record after it (:data:`REVIEW_SCHEMA`), ready to be
fed to the next review.

>>> from datetime import date
>>> from pmcrm.sample import sample_members, sample_portfolio, sample_tier_policy
>>> from pmcrm.serialization import unstructure
>>> records = [
...     {"customer": unstructure(c), "member": unstructure(m)}
...     for c, m in zip(sample_portfolio()[:3], sample_members()[:3])
... ]
>>> records.append({"customer": "{not json", "member": None})
>>> rows = list(review_records(records, sample_tier_policy(), date(2026, 11, 23)))
>>> for r in rows:
...     print(r["row"], r["status"], r["customer_id"], r["action"], r["to_tier"])
0 ok C0001 stay regular
1 ok C0002 upgrade gold
2 ok C0003 stay gold
3 rejected None None None
>>> [e["path"] for e in json.loads(rows[3]["errors"])]
['$.customer', '$.member']
"""

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, Final

from pmcrm.batch._core import (
    Record,
    Schema,
    _column,
    accepted,
    converter_or_default,
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
from pmcrm.customers import Customer
from pmcrm.serialization import PmcrmConverter
from pmcrm.tiers.policy import TierPolicy
from pmcrm.tiers.review import MemberRecord, ReviewOutcome, review

__all__ = ["REVIEW_INPUT", "REVIEW_SCHEMA", "review_frame", "review_records"]

#: The input record: the columns a review reads and what each holds.
#: A value is a JSON-shaped object, or the same object as JSON text (how
#: data engines store nested records).
REVIEW_INPUT: Final[Mapping[str, Any]] = {"customer": Customer, "member": MemberRecord}

#: The result schema of :func:`review_records`.
REVIEW_SCHEMA: Final[Schema] = make_schema(
    _column(
        "customer_id",
        "string",
        "客户编号",
        "The customer",
        nullable=True,
        title=("客户", "customer"),
    ),
    _column(
        "on", "date", "复核日", "The day of the review", nullable=True, title=("复核日", "on")
    ),
    _column(
        "action",
        "string",
        "复核结论（ReviewAction 的值）",
        "What was decided (a ReviewAction value)",
        nullable=True,
        title=("结论", "action"),
    ),
    _column(
        "from_tier",
        "string",
        "复核前的等级",
        "The tier before",
        nullable=True,
        title=("原等级", "from"),
    ),
    _column(
        "to_tier",
        "string",
        "复核后（或通知所指）的等级",
        "The tier after (for a notice: the tier it would move to)",
        nullable=True,
        title=("新等级", "to"),
    ),
    _column(
        "notice_issued_on",
        "date",
        "降级通知的发出日",
        "When the pending notice was issued",
        nullable=True,
        title=("通知日", "notice issued"),
    ),
    _column(
        "notice_effective_on",
        "date",
        "降级通知的生效日",
        "When the pending notice takes effect",
        nullable=True,
        title=("通知生效日", "notice effective"),
    ),
    _column(
        "reasons_zh",
        "string",
        "原因（中文，每行一条）",
        "Why, in Chinese, one reason per line",
        nullable=True,
        title=("原因", "reasons (zh)"),
    ),
    _column(
        "reasons_en",
        "string",
        "原因（英文，每行一条）",
        "Why, in English, one reason per line",
        nullable=True,
        title=("原因（英文）", "reasons"),
    ),
    _column(
        "member",
        "json",
        "复核后的会员记录（下次复核的输入）",
        "The member record after the review (the next review's input)",
        nullable=True,
        title=("会员记录", "member record"),
    ),
)


def _result(row: int, outcome: ReviewOutcome, converter: PmcrmConverter) -> Record:
    notice = outcome.notice
    return accepted(
        REVIEW_SCHEMA,
        row,
        {
            "customer_id": outcome.customer_id,
            "on": plain(outcome.on),
            "action": outcome.action.value,
            "from_tier": outcome.from_tier,
            "to_tier": outcome.to_tier,
            "notice_issued_on": None if notice is None else plain(notice.issued_on),
            "notice_effective_on": None if notice is None else plain(notice.effective_on),
            "reasons_zh": "\n".join(r.text("zh") for r in outcome.reasons),
            "reasons_en": "\n".join(r.text("en") for r in outcome.reasons),
            "member": json.dumps(converter.dump(outcome.record), ensure_ascii=False),
        },
    )


def _review_one(
    row: int,
    customer: Customer,
    member: MemberRecord,
    *,
    policy: TierPolicy,
    on: date,
    converter: PmcrmConverter,
) -> list[Record]:
    return [_result(row, review(customer, member, policy, on), converter)]


def review_records(
    records: Iterable[Mapping[str, Any]],
    policy: TierPolicy,
    on: date,
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
) -> Iterator[Record]:
    """Review each input record on *on*, lazily: one result record per input record.

    Args:
        records: Plain records with the columns of :data:`REVIEW_INPUT`.
        policy: The VIP programme.
        on: The day of the review.
        converter: The strict converter to load records with (default: the
            process's; in a data-engine worker, build one per worker).
        first_row: The number of the first record (``row`` column).

    Yields:
        Records of :data:`REVIEW_SCHEMA`: ``status`` ``"ok"`` with the
        decision, or ``"rejected"`` with every fault, each with its path
        (``$.customer.units[0].area``), in ``errors``.
    """
    conv = converter_or_default(converter)
    for row, record in enumerate(records, first_row):
        customer = load(conv, record, "customer", Customer)
        member = load(conv, record, "member", MemberRecord)
        if isinstance(customer, list) or isinstance(member, list):
            faults = [*(customer if isinstance(customer, list) else ())]
            faults += member if isinstance(member, list) else ()
            yield rejected(
                REVIEW_SCHEMA, row, faults, customer_id=key_of(record, "customer", "customer_id")
            )
            continue
        yield from guarded(
            REVIEW_SCHEMA,
            row,
            {"customer_id": customer.customer_id},
            functools.partial(
                _review_one, row, customer, member, policy=policy, on=on, converter=conv
            ),
        )


def review_frame(
    frame: Any,
    policy: TierPolicy,
    on: date,
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
    row_column: str | None = None,
) -> Any:
    """As :func:`review_records`, over a pandas DataFrame, returning one (needs pandas).

    Only the columns of :data:`REVIEW_INPUT` are read.  The result has the
    columns of :data:`REVIEW_SCHEMA`, each of ``object`` dtype, also when
    empty: use it as Dask's ``map_partitions`` function and Spark's
    ``mapInPandas`` function unchanged.

    With *row_column*, each result's ``row`` is that input column's value
    instead of the input's position.
    """
    records = records_of(frame, list(REVIEW_INPUT))
    return to_frame(
        review_records(records, policy, on, converter=converter, first_row=first_row),
        REVIEW_SCHEMA,
        rows=row_ids(frame, row_column),
        first_row=first_row,
    )
