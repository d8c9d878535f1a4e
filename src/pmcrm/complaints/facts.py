"""What a complaint's events say: its classification, people, milestones and pauses.

:func:`facts` reads a :class:`~pmcrm.complaints.lifecycle.ComplaintState`'s
events once and returns a :class:`ComplaintFacts`: the latest
classification, the owner and the hand-overs, the handling, the root cause,
the outcome and the verdict, and the instants the SLA clocks need.  It is
computed on each call: keep the result.
"""

from datetime import datetime

import attrs

from pmcrm.complaints.events import (
    Archived,
    Assessed,
    Assigned,
    Contacted,
    Escalated,
    FollowedUp,
    Investigated,
    Paused,
    Reopened,
    Resolved,
    Resumed,
    Transferred,
)
from pmcrm.complaints.lifecycle import ComplaintState, Status
from pmcrm.complaints.model import (
    ComplaintType,
    EmergencyClass,
    Motive,
    Outcome,
    PauseReason,
    RootCause,
    Severity,
    Verdict,
)
from pmcrm.values import Money

__all__ = ["ComplaintFacts", "Handover", "Pause", "Reopening", "facts"]


@attrs.frozen(kw_only=True)
class Pause:
    """A span during which the complaint waited on someone else.

    Attributes:
        start: When the pause began.
        end: When it ended (resumed or resolved); ``None`` while it lasts.
        reason: Who held the next step.
    """

    start: datetime
    end: datetime | None
    reason: PauseReason


@attrs.frozen(kw_only=True)
class Reopening:
    """A resolution that did not hold: resolved, then reopened.

    Attributes:
        resolved_at: When it was (thought) resolved.
        reopened_at: When it was reopened.
        reason: Why.
    """

    resolved_at: datetime
    reopened_at: datetime
    reason: str


@attrs.frozen(kw_only=True)
class Handover:
    """An explicit change of owner.

    Attributes:
        at: When.
        from_owner: The previous owner.
        to_owner: The new owner.
        reason: Why.
    """

    at: datetime
    from_owner: str
    to_owner: str
    reason: str


@attrs.frozen(kw_only=True)
class ComplaintFacts:
    """Everything the events of one complaint establish.

    Attributes:
        complaint_id: The id.
        status: Where it stands.
        customer_id: The customer.
        unit: The unit, if any.
        category: The category code.
        registered_at: When it was received.
        receiver: Who received it.
        owner: Who owns it now.
        handovers: Every change of owner, in order.
        complaint_type: The latest classification's type.
        severity: The latest severity.
        emergency: The latest emergency class, if any.
        motive: The customer's motive, when judged.
        department: The department handling it (latest assignment).
        handler: The person handling it.
        root_cause: The root cause (latest investigation).
        responsible_department: The department answerable for the cause.
        outcome: How it was last resolved.
        compensation: Money paid at the last resolution, if any.
        verdict: The customer's latest verdict.
        escalations: How many times it was reported up.
        first_contact_at: The first ``contacted`` event.
        assessed_at: The first assessment.
        investigated_at: The first investigation report.
        resolved_at: The latest resolution, if it stands (``None`` after a reopening).
        first_resolved_at: The first resolution.
        followed_up_at: The latest follow-up, if it belongs to the standing resolution.
        archived_at: When it was archived.
        pauses: Every pause, the last one open while the complaint is paused.
        reopenings: Every resolution that was reopened.
    """

    complaint_id: str
    status: Status
    customer_id: str
    unit: str | None
    category: str
    registered_at: datetime
    receiver: str
    owner: str
    handovers: tuple[Handover, ...]
    complaint_type: ComplaintType
    severity: Severity
    emergency: EmergencyClass | None
    motive: Motive | None
    department: str | None
    handler: str | None
    root_cause: RootCause | None
    responsible_department: str | None
    outcome: Outcome | None
    compensation: Money | None
    verdict: Verdict | None
    escalations: int
    first_contact_at: datetime | None
    assessed_at: datetime | None
    investigated_at: datetime | None
    resolved_at: datetime | None
    first_resolved_at: datetime | None
    followed_up_at: datetime | None
    archived_at: datetime | None
    pauses: tuple[Pause, ...]
    reopenings: tuple[Reopening, ...]

    @property
    def reopen_count(self) -> int:
        """How many times it was reopened."""
        return len(self.reopenings)

    @property
    def is_open(self) -> bool:
        """Not yet resolved (or reopened since)."""
        return self.status not in (Status.RESOLVED, Status.CLOSED, Status.ARCHIVED)


def facts(state: ComplaintState) -> ComplaintFacts:  # noqa: PLR0912, PLR0915 - one pass over the events
    """Read what *state*'s events establish (one pass, computed on each call)."""
    reg = state.registration
    complaint_type, severity, emergency = reg.complaint_type, reg.severity, reg.emergency
    motive: Motive | None = None
    owner = reg.by
    handovers: list[Handover] = []
    department: str | None = None
    handler: str | None = None
    root_cause: RootCause | None = None
    responsible: str | None = None
    outcome: Outcome | None = None
    compensation: Money | None = None
    verdict: Verdict | None = None
    escalations = 0
    first_contact: datetime | None = None
    assessed: datetime | None = None
    investigated: datetime | None = None
    resolved: datetime | None = None
    first_resolved: datetime | None = None
    followed: datetime | None = None
    archived: datetime | None = None
    pauses: list[Pause] = []
    reopenings: list[Reopening] = []
    open_pause: Paused | None = None
    for event in state.events[1:]:
        if open_pause is not None and isinstance(event, Resumed | Resolved):
            pauses.append(Pause(start=open_pause.at, end=event.at, reason=open_pause.reason))
            open_pause = None
        match event:
            case Assessed():
                complaint_type, severity = event.complaint_type, event.severity
                emergency = event.emergency
                motive = event.motive or motive
                assessed = assessed or event.at
            case Assigned():
                department, handler = event.department, event.handler
            case Transferred():
                handovers.append(
                    Handover(at=event.at, from_owner=owner, to_owner=event.to, reason=event.reason)
                )
                owner = event.to
            case Contacted():
                first_contact = first_contact or event.at
            case Investigated():
                root_cause = event.root_cause
                responsible = event.responsible_department
                investigated = investigated or event.at
            case Paused():
                open_pause = event
            case Resolved():
                outcome, compensation = event.outcome, event.compensation
                resolved = event.at
                first_resolved = first_resolved or event.at
                followed = None
            case FollowedUp():
                verdict = event.verdict
                followed = event.at
            case Reopened():
                # The lifecycle allows reopening only after a resolution.
                assert resolved is not None  # noqa: S101
                reopenings.append(
                    Reopening(resolved_at=resolved, reopened_at=event.at, reason=event.reason)
                )
                resolved = followed = None
            case Escalated():
                escalations += 1
            case Archived():
                archived = event.at
    if open_pause is not None:
        pauses.append(Pause(start=open_pause.at, end=None, reason=open_pause.reason))
    return ComplaintFacts(
        complaint_id=state.complaint_id,
        status=state.status,
        customer_id=reg.customer_id,
        unit=reg.unit,
        category=reg.category,
        registered_at=reg.at,
        receiver=reg.by,
        owner=owner,
        handovers=tuple(handovers),
        complaint_type=complaint_type,
        severity=severity,
        emergency=emergency,
        motive=motive,
        department=department,
        handler=handler,
        root_cause=root_cause,
        responsible_department=responsible,
        outcome=outcome,
        compensation=compensation,
        verdict=verdict,
        escalations=escalations,
        first_contact_at=first_contact,
        assessed_at=assessed,
        investigated_at=investigated,
        resolved_at=resolved,
        first_resolved_at=first_resolved,
        followed_up_at=followed,
        archived_at=archived,
        pauses=tuple(pauses),
        reopenings=tuple(reopenings),
    )
