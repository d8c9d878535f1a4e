"""Retention and privacy of complaint records: when they may be purged, and anonymous copies.

Complaint records are kept **at least 6 months** (DOMAIN.md §4):
:data:`MIN_RETENTION_MONTHS` is a floor no :class:`RetentionPolicy` can go
below.

The purge rule, stated and tested:

* Retention is counted from the **local date of archiving** — the date of
  ``archived_at`` in the time zone given, or else in the datetime's own UTC
  offset.  A complaint that is not archived (open, resolved, followed up)
  is never purged: :func:`purge_date` is ``None``.
* The record is kept **through** that date plus ``months`` months, counted
  with :class:`dateutil.relativedelta.relativedelta`, which clips to the
  month's end: archived on 31 August, kept through 28 February (29 in a
  leap year); archived on 31 March, kept through 30 September.
* It **may be purged on or after the next day**, :func:`purge_date`.
  Counting whole days this way, the full period has passed at every instant
  of the purge date, whatever the time of day the record was archived.

:func:`anonymise` makes a copy for analysis reports: the customer and the
unit become pseudonyms, free text and people are left out.

>>> from datetime import datetime, timedelta, timezone, date
>>> from pmcrm.complaints.events import Archived, Assessed, FollowedUp, Registered, Resolved
>>> from pmcrm.complaints.facts import facts
>>> from pmcrm.complaints.lifecycle import replay
>>> from pmcrm.complaints.model import (
...     ComplaintChannel,
...     ComplaintType,
...     Outcome,
...     Severity,
...     Verdict,
... )
>>> t0 = datetime(2026, 2, 27, 9, 0, tzinfo=timezone(timedelta(hours=8)))
>>> record = facts(
...     replay(
...         [
...             Registered(
...                 complaint_id="C-1",
...                 at=t0,
...                 by="s-wang",
...                 customer_id="CU-1",
...                 unit="3-1501",
...                 location="Block 3 lobby",
...                 channel=ComplaintChannel.PHONE,
...                 category="cleaning",
...                 summary="Lobby floor not cleaned",
...             ),
...             Assessed(
...                 complaint_id="C-1",
...                 at=t0 + timedelta(hours=1),
...                 by="s-wang",
...                 complaint_type=ComplaintType.ROUTINE,
...                 severity=Severity.LOW,
...             ),
...             Resolved(
...                 complaint_id="C-1",
...                 at=t0 + timedelta(hours=3),
...                 by="s-wang",
...                 outcome=Outcome.REPAIRED,
...                 note="Floor cleaned",
...             ),
...             FollowedUp(
...                 complaint_id="C-1",
...                 at=t0 + timedelta(days=1),
...                 by="s-wang",
...                 verdict=Verdict.SATISFIED,
...                 channel=ComplaintChannel.PHONE,
...             ),
...             Archived(complaint_id="C-1", at=t0 + timedelta(days=4), by="s-wang"),
...         ]
...     )
... )
>>> record.archived_at.date(), purge_date(record, RetentionPolicy())
(datetime.date(2026, 3, 3), datetime.date(2026, 9, 4))
>>> decision = may_purge(record, RetentionPolicy(), as_of=date(2026, 9, 3))
>>> decision.allowed
False
>>> print(decision.reasons[0].text("en"))
C-1 archived on 2026-03-03, kept at least 6 months (through 2026-09-03):
may be purged on or after 2026-09-04; not on 2026-09-03
>>> copy = anonymise(record, salt="a secret from the vault")
>>> copy.customer, copy.unit
('cust-115430ba72346fef', 'unit-cbd2808444695a38')
"""

import hashlib
import hmac
from datetime import date, datetime, tzinfo

import attrs
from dateutil.relativedelta import relativedelta

from pmcrm.complaints.facts import ComplaintFacts
from pmcrm.complaints.lifecycle import Status
from pmcrm.complaints.model import (
    ComplaintType,
    EmergencyClass,
    Outcome,
    RootCause,
    Severity,
    Verdict,
)
from pmcrm.errors import InvalidValue
from pmcrm.explain import Reason
from pmcrm.validators import at_least
from pmcrm.values import Money

__all__ = [
    "MIN_RETENTION_MONTHS",
    "MIN_SALT_LENGTH",
    "PSEUDONYM_HEX_DIGITS",
    "AnonymisedComplaint",
    "PurgeDecision",
    "RetentionPolicy",
    "anonymise",
    "may_purge",
    "pseudonym",
    "purge_date",
]

#: Complaint records are kept at least this many months (DOMAIN.md §4).
MIN_RETENTION_MONTHS = 6

#: The shortest salt :func:`anonymise` accepts.
MIN_SALT_LENGTH = 16

#: How many hex digits of the keyed hash a pseudonym keeps (64 bits).
PSEUDONYM_HEX_DIGITS = 16


@attrs.frozen(kw_only=True)
class RetentionPolicy:
    """How long archived complaint records are kept.

    >>> RetentionPolicy(months=12).months
    12
    >>> RetentionPolicy(months=3)
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'months' must be >= 6: 3

    Attributes:
        months: Months kept after archiving, at least
            :data:`MIN_RETENTION_MONTHS` (default 6).
    """

    months: int = attrs.field(
        default=MIN_RETENTION_MONTHS, validator=at_least(MIN_RETENTION_MONTHS)
    )


@attrs.frozen(kw_only=True)
class PurgeDecision:
    """Whether a complaint record may be purged on a day, and why.

    Attributes:
        complaint_id: The complaint.
        allowed: Whether it may be purged on the day asked about.
        purge_from: The first day it may be purged; ``None`` when it is not
            archived.
        reasons: Why, with the figures, in zh and en.
    """

    complaint_id: str
    allowed: bool
    purge_from: date | None
    reasons: tuple[Reason, ...]


@attrs.frozen(kw_only=True)
class AnonymisedComplaint:
    """A complaint for analysis reports: structured fields only, customer and unit pseudonymous.

    Left out: every free text (summary, notes, plans, reports, reasons —
    they may hold personal data), the contact fields, the location and the
    staff (receiver, owner, handler, hand-overs).  Kept: what an analysis of
    frequent problems, causes, departments and timings needs.  The complaint
    id is kept, so that whoever holds the records can trace a row back;
    pseudonymous data is still personal data, so share reports accordingly.

    Attributes:
        complaint_id: The complaint's id.
        customer: The customer's pseudonym (``"cust-…"``).
        unit: The unit's pseudonym (``"unit-…"``), if the complaint has a unit.
        status: Where it stands.
        category: The category code.
        complaint_type: The type.
        severity: The severity.
        emergency: The emergency class, if any.
        root_cause: The root cause found, if any.
        department: The department that handled it, if assigned.
        responsible_department: The department answerable for the cause, if found.
        outcome: How it was resolved, if it was.
        compensation: Money paid at the last resolution, if any.
        verdict: The customer's latest verdict, if any.
        reopen_count: How many times it was reopened.
        escalations: How many times it was reported up.
        registered_at: When it was received.
        first_contact_at: When the customer was first contacted.
        resolved_at: When it was resolved (the resolution that stands).
        archived_at: When it was archived.
    """

    complaint_id: str
    customer: str
    unit: str | None
    status: Status
    category: str
    complaint_type: ComplaintType
    severity: Severity
    emergency: EmergencyClass | None
    root_cause: RootCause | None
    department: str | None
    responsible_department: str | None
    outcome: Outcome | None
    compensation: Money | None
    verdict: Verdict | None
    reopen_count: int
    escalations: int
    registered_at: datetime
    first_contact_at: datetime | None
    resolved_at: datetime | None
    archived_at: datetime | None


# --- rules -----------------------------------------------------------------------------


def _archived_on(archived_at: datetime, tz: tzinfo | None) -> date:
    return (archived_at if tz is None else archived_at.astimezone(tz)).date()


def _kept_through(archived_on: date, policy: RetentionPolicy) -> date:
    return archived_on + relativedelta(months=policy.months)


def purge_date(
    facts: ComplaintFacts, policy: RetentionPolicy, tz: tzinfo | None = None
) -> date | None:
    """The first day *facts*' record may be purged; ``None`` when it is not archived.

    The local date of archiving (in *tz*, else in ``archived_at``'s own
    offset) plus ``policy.months`` months (``relativedelta``, clipping to
    the month's end), plus one day: the record may be purged **on or after**
    the returned date.

    Month ends clip: archived on 31 August 2026, the record is kept through
    28 February 2027 and may be purged from 1 March 2027.

    >>> from dateutil.relativedelta import relativedelta
    >>> date(2026, 8, 31) + relativedelta(months=6)
    datetime.date(2027, 2, 28)
    """
    if facts.archived_at is None:
        return None
    return _kept_through(_archived_on(facts.archived_at, tz), policy) + relativedelta(days=1)


def may_purge(
    facts: ComplaintFacts, policy: RetentionPolicy, as_of: date, tz: tzinfo | None = None
) -> PurgeDecision:
    """Whether *facts*' record may be purged on *as_of* (a date in *tz*, see :func:`purge_date`).

    Allowed when the complaint is archived and *as_of* is on or after
    :func:`purge_date`.
    """
    cid = facts.complaint_id
    if facts.archived_at is None:
        reason = Reason(
            code="retention.not_archived",
            zh="{complaint} 未归档（{status}）：不得清除",
            en="{complaint} is not archived ({status_en}): it may not be purged",
            figures=(
                ("complaint", cid),
                ("status", facts.status.label.zh),
                ("status_en", facts.status.label.en),
            ),
        )
        return PurgeDecision(complaint_id=cid, allowed=False, purge_from=None, reasons=(reason,))
    archived_on = _archived_on(facts.archived_at, tz)
    kept_through = _kept_through(archived_on, policy)
    purge_from = kept_through + relativedelta(days=1)
    allowed = as_of >= purge_from
    figures = (
        ("complaint", cid),
        ("archived", archived_on.isoformat()),
        ("months", str(policy.months)),
        ("kept_through", kept_through.isoformat()),
        ("purge_from", purge_from.isoformat()),
        ("as_of", as_of.isoformat()),
    )
    zh = (
        "{complaint} 于 {archived} 归档，至少保留 {months} 个月（至 {kept_through}）："
        "{purge_from} 起可清除；"
    )
    en = (
        "{complaint} archived on {archived}, kept at least {months} months "
        "(through {kept_through}): may be purged on or after {purge_from}; "
    )
    reason = (
        Reason(
            code="retention.expired",
            zh=zh + "{as_of} 可清除",
            en=en + "allowed on {as_of}",
            figures=figures,
        )
        if allowed
        else Reason(
            code="retention.kept",
            zh=zh + "{as_of} 尚不可清除",
            en=en + "not on {as_of}",
            figures=figures,
        )
    )
    return PurgeDecision(
        complaint_id=cid, allowed=allowed, purge_from=purge_from, reasons=(reason,)
    )


def pseudonym(kind: str, value: str, *, salt: str) -> str:
    """A stable pseudonym for *value*: ``f"{kind}-"`` and 16 hex digits of a keyed hash.

    The hash is HMAC-SHA-256 (:mod:`hmac` over :func:`hashlib.sha256`) keyed
    with *salt*, of ``kind`` and ``value``: the same salt gives the same
    pseudonym, so repeat complaints stay linkable across a report; another
    salt gives unrelated pseudonyms.  Customer ids and unit numbers are
    short and guessable, so anyone who knows the salt can rebuild the table
    by hashing every candidate: keep the salt secret (from a vault, not the
    report) and at least :data:`MIN_SALT_LENGTH` characters.  *kind* is part
    of the hashed message, so a customer and a unit that happen to share a
    string get unrelated pseudonyms.

    >>> pseudonym("cust", "CU-1", salt="a secret from the vault")
    'cust-115430ba72346fef'

    Raises:
        InvalidValue: *salt* is shorter than :data:`MIN_SALT_LENGTH` (the
            salt is never echoed).
    """
    if type(salt) is not str or len(salt) < MIN_SALT_LENGTH:
        raise InvalidValue(
            "salt",
            "invalid",
            sensitive=True,
            detail=f"a salt is a secret string of at least {MIN_SALT_LENGTH} characters",
            detail_zh=f"盐值须为至少 {MIN_SALT_LENGTH} 个字符的保密字符串",
        )
    message = f"{kind}\x00{value}".encode()
    digest = hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:PSEUDONYM_HEX_DIGITS]}"


def anonymise(facts: ComplaintFacts, *, salt: str) -> AnonymisedComplaint:
    """A copy of *facts* for analysis reports (see :class:`AnonymisedComplaint`).

    The customer and the unit are replaced by :func:`pseudonym` ``("cust", …)``
    and ``("unit", …)``; ``pmcrm.serialization.unstructure`` turns the result
    into JSON-ready data.

    Raises:
        InvalidValue: *salt* is too short (see :func:`pseudonym`).
    """
    return AnonymisedComplaint(
        complaint_id=facts.complaint_id,
        customer=pseudonym("cust", facts.customer_id, salt=salt),
        unit=None if facts.unit is None else pseudonym("unit", facts.unit, salt=salt),
        status=facts.status,
        category=facts.category,
        complaint_type=facts.complaint_type,
        severity=facts.severity,
        emergency=facts.emergency,
        root_cause=facts.root_cause,
        department=facts.department,
        responsible_department=facts.responsible_department,
        outcome=facts.outcome,
        compensation=facts.compensation,
        verdict=facts.verdict,
        reopen_count=facts.reopen_count,
        escalations=facts.escalations,
        registered_at=facts.registered_at,
        first_contact_at=facts.first_contact_at,
        resolved_at=facts.resolved_at,
        archived_at=facts.archived_at,
    )
