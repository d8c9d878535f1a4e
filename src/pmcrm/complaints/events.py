"""What happens to a complaint, as immutable events.

Property software records a complaint's life as a list of events; each is a
frozen value with the complaint's id, an aware timestamp ``at`` and the
member of staff who acted (``by``), and a ``kind`` property giving its
:class:`EventKind`.  :mod:`pmcrm.complaints.lifecycle` folds them into a
state.

In JSON an event is an object tagged by ``"event"`` (see :data:`EVENTS`):

>>> from pmcrm.serialization import structure
>>> event = structure(
...     {
...         "event": "contacted",
...         "complaint_id": "C-1",
...         "at": "2026-11-02T10:15:00+08:00",
...         "by": "s-wang",
...         "channel": "phone",
...     },
...     ComplaintEvent,
... )
>>> event.kind.text("zh"), event.at.isoformat()
('联系客户', '2026-11-02T10:15:00+08:00')
"""

from collections.abc import Mapping
from datetime import datetime
from typing import TypeAlias

import attrs

from pmcrm.complaints.model import (
    ComplaintChannel,
    ComplaintType,
    EmergencyClass,
    Emotion,
    Motive,
    Outcome,
    PauseReason,
    RootCause,
    Severity,
    Verdict,
)
from pmcrm.validators import aware, code, non_negative_money, optional_text, text
from pmcrm.values import LabelledEnum, MobileNumber, Money, PersonName

__all__ = [
    "EVENTS",
    "Archived",
    "Assessed",
    "Assigned",
    "ComplaintEvent",
    "Contacted",
    "Escalated",
    "EventKind",
    "FollowedUp",
    "Investigated",
    "Paused",
    "Registered",
    "Reopened",
    "Resolved",
    "Resumed",
    "Transferred",
]

_ID = text(40)
_NAME = text(60)
_NOTE = optional_text(500)


class EventKind(LabelledEnum):
    """The kinds of complaint event; the value is the JSON tag."""

    REGISTERED = "registered", "登记", "registered"
    ASSESSED = "assessed", "初步分析", "assessed"
    ASSIGNED = "assigned", "分派处理", "assigned"
    TRANSFERRED = "transferred", "移交", "transferred"
    CONTACTED = "contacted", "联系客户", "customer contacted"
    INVESTIGATED = "investigated", "调查报告", "investigated"
    PAUSED = "paused", "暂停", "paused"
    RESUMED = "resumed", "恢复", "resumed"
    RESOLVED = "resolved", "解决", "resolved"
    FOLLOWED_UP = "followed_up", "回访", "followed up"
    REOPENED = "reopened", "重新打开", "reopened"
    ESCALATED = "escalated", "升级", "escalated"
    ARCHIVED = "archived", "归档", "archived"


@attrs.frozen(kw_only=True)
class _Event:
    """What every complaint event carries (the fields come first in JSON too).

    Attributes:
        complaint_id: The complaint's id, shared by all its events.
        at: When it happened (aware).
        by: The member of staff who acted.
    """

    complaint_id: str = attrs.field(validator=_ID)
    at: datetime = attrs.field(validator=aware())
    by: str = attrs.field(validator=_ID)

    @property
    def kind(self) -> EventKind:
        """The kind of event (its JSON tag)."""
        return _KINDS[type(self)]


@attrs.frozen(kw_only=True)
class Registered(_Event):
    """The complaint is received and registered; the receiver owns it (首问负责制).

    Attributes:
        complaint_id: The complaint's id, shared by all its events.
        at: When it was received (aware).
        by: The member of staff who received it; they own the complaint
            until an explicit :class:`Transferred`.
        customer_id: The complaining customer.
        unit: The property unit concerned, if any.
        location: Where the problem is.
        channel: How it reached us.
        category: A category code (see :class:`~pmcrm.complaints.model.CategoryCatalogue`).
        summary: What the customer said, in short.
        emotion: The customer's emotional state.
        complaint_type: The receiver's first classification (default routine).
        severity: The receiver's first estimate (default medium).
        emergency: The emergency class when it is one.
        contact_name: Who to call back (personal data, masked on export).
        contact_mobile: Their mobile number (personal data, masked on export).
    """

    customer_id: str = attrs.field(validator=_ID)
    unit: str | None = attrs.field(default=None, validator=optional_text(40))
    location: str = attrs.field(validator=text(100))
    channel: ComplaintChannel
    category: str = attrs.field(validator=code())
    summary: str = attrs.field(validator=text(500))
    emotion: Emotion = Emotion.CALM
    complaint_type: ComplaintType = ComplaintType.ROUTINE
    severity: Severity = Severity.MEDIUM
    emergency: EmergencyClass | None = None
    contact_name: PersonName | None = None
    contact_mobile: MobileNumber | None = None


@attrs.frozen(kw_only=True)
class Assessed(_Event):
    """The preliminary analysis: nature, severity and scope (it may be repeated).

    The latest assessment's classification is the complaint's classification.

    Attributes:
        complaint_type: The type.
        severity: The severity.
        emergency: The emergency class, or ``None`` when it is not an emergency.
        motive: What the customer seeks, when judged.
        note: The analysis in short.
    """

    complaint_type: ComplaintType
    severity: Severity
    emergency: EmergencyClass | None = None
    motive: Motive | None = None
    note: str | None = attrs.field(default=None, validator=_NOTE)


@attrs.frozen(kw_only=True)
class Assigned(_Event):
    """Handling is assigned: the responsible department and person, and the plan.

    Assignment names who does the work; ownership of the complaint stays
    with its owner (see :class:`Transferred`).

    Attributes:
        department: The responsible department.
        handler: The responsible person.
        plan: The handling plan.
    """

    department: str = attrs.field(validator=_NAME)
    handler: str = attrs.field(validator=_ID)
    plan: str = attrs.field(validator=text(500))


@attrs.frozen(kw_only=True)
class Transferred(_Event):
    """An explicit hand-over of ownership to another member of staff.

    Attributes:
        to: The new owner.
        reason: Why it was handed over.
    """

    to: str = attrs.field(validator=_ID)
    reason: str = attrs.field(validator=text(200))


@attrs.frozen(kw_only=True)
class Contacted(_Event):
    """The customer was contacted (acknowledgement, listening, progress news).

    Attributes:
        channel: How.
        note: What was said, in short.
    """

    channel: ComplaintChannel
    note: str | None = attrs.field(default=None, validator=_NOTE)


@attrs.frozen(kw_only=True)
class Investigated(_Event):
    """The investigation report: the root cause and who is responsible.

    Attributes:
        root_cause: The root cause found.
        responsible_department: The department answerable for it.
        responsible_person: The person answerable for it, when named.
        report: The findings in short.
    """

    root_cause: RootCause
    responsible_department: str = attrs.field(validator=_NAME)
    responsible_person: str | None = attrs.field(default=None, validator=optional_text(40))
    report: str = attrs.field(validator=text(1000))


@attrs.frozen(kw_only=True)
class Paused(_Event):
    """Work waits on someone else; clocks whose rule allows it stop.

    Attributes:
        reason: Who holds the next step.
        note: What is awaited.
    """

    reason: PauseReason
    note: str | None = attrs.field(default=None, validator=_NOTE)


@attrs.frozen(kw_only=True)
class Resumed(_Event):
    """Work resumes after a pause; the complaint returns to where it was.

    Attributes:
        note: What unblocked it.
    """

    note: str | None = attrs.field(default=None, validator=_NOTE)


@attrs.frozen(kw_only=True)
class Resolved(_Event):
    """The complaint is resolved (a resolution while paused also ends the pause).

    Attributes:
        outcome: How.
        note: What was done.
        compensation: Money paid or credited, if any.
    """

    outcome: Outcome
    note: str = attrs.field(validator=text(500))
    compensation: Money | None = attrs.field(
        default=None, validator=attrs.validators.optional(non_negative_money())
    )


@attrs.frozen(kw_only=True)
class FollowedUp(_Event):
    """The follow-up (回访): the customer is told the outcome and gives a verdict.

    Attributes:
        verdict: The customer's verdict.
        channel: How they were reached.
        note: What they said.
    """

    verdict: Verdict
    channel: ComplaintChannel
    note: str | None = attrs.field(default=None, validator=_NOTE)


@attrs.frozen(kw_only=True)
class Reopened(_Event):
    """A resolved or followed-up complaint is opened again.

    Attributes:
        reason: Why (the problem came back, the customer was not satisfied…).
    """

    reason: str = attrs.field(validator=text(200))


@attrs.frozen(kw_only=True)
class Escalated(_Event):
    """The complaint is reported up (上报).

    Attributes:
        to: The role or person it goes to.
        reason: Why.
    """

    to: str = attrs.field(validator=_NAME)
    reason: str = attrs.field(validator=text(200))


@attrs.frozen(kw_only=True)
class Archived(_Event):
    """The complaint is archived with its summary; nothing follows.

    Attributes:
        note: The closing summary.
    """

    note: str | None = attrs.field(default=None, validator=_NOTE)


#: Any complaint event (the annotation the converter loads as a tagged union).
ComplaintEvent: TypeAlias = (
    Registered
    | Assessed
    | Assigned
    | Transferred
    | Contacted
    | Investigated
    | Paused
    | Resumed
    | Resolved
    | FollowedUp
    | Reopened
    | Escalated
    | Archived
)

#: The event class of each JSON tag (the value of ``"event"``).
EVENTS: Mapping[str, type[ComplaintEvent]] = {
    EventKind.REGISTERED.value: Registered,
    EventKind.ASSESSED.value: Assessed,
    EventKind.ASSIGNED.value: Assigned,
    EventKind.TRANSFERRED.value: Transferred,
    EventKind.CONTACTED.value: Contacted,
    EventKind.INVESTIGATED.value: Investigated,
    EventKind.PAUSED.value: Paused,
    EventKind.RESUMED.value: Resumed,
    EventKind.RESOLVED.value: Resolved,
    EventKind.FOLLOWED_UP.value: FollowedUp,
    EventKind.REOPENED.value: Reopened,
    EventKind.ESCALATED.value: Escalated,
    EventKind.ARCHIVED.value: Archived,
}

#: The kind of each event class.
_KINDS: Mapping[type[_Event], EventKind] = {EVENTS[kind.value]: kind for kind in EventKind}
