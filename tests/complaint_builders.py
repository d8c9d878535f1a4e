"""Small builders of complaint events for the SLA, clock and analysis tests."""

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from pmcrm.calendars import BusinessCalendar, WorkingHours
from pmcrm.complaints.events import (
    Archived,
    Assessed,
    Assigned,
    ComplaintEvent,
    Contacted,
    FollowedUp,
    Investigated,
    Paused,
    Registered,
    Reopened,
    Resolved,
    Resumed,
)
from pmcrm.complaints.model import (
    ComplaintChannel,
    ComplaintType,
    EmergencyClass,
    Outcome,
    PauseReason,
    RootCause,
    Severity,
    Verdict,
)

CST = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    """An instant of 2026 in China Standard Time."""
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


def office(tz: Any = CST, name: str = "office-2026") -> BusinessCalendar:
    """Mon-Fri 09:00-12:00 and 13:30-18:00; National Day 1-7 Oct off; 调休 Sat 10 Oct."""
    return BusinessCalendar(
        name=name,
        timezone=tz,
        hours=tuple(
            WorkingHours(weekday=day, start=start, end=end)
            for day in range(1, 6)
            for start, end in ((time(9), time(12)), (time(13, 30), time(18)))
        ),
        holidays=tuple(date(2026, 10, d) for d in range(1, 8)),
        workdays=(date(2026, 9, 20), date(2026, 10, 10)),
        first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31),
    )


class History:
    """Events of one complaint, written one call per event."""

    def __init__(self, cid: str = "C-1", **registration: Any) -> None:
        self.cid = cid
        self.registration = registration
        self.events: list[ComplaintEvent] = []

    def _common(self, when: datetime) -> dict[str, Any]:
        return {"complaint_id": self.cid, "at": when, "by": "s-wang"}

    def registered(self, when: datetime, **fields: Any) -> "History":
        """Register (a routine, medium cleaning complaint unless *fields* say otherwise)."""
        values: dict[str, Any] = {
            "customer_id": "CU-1",
            "location": "Block 3",
            "channel": ComplaintChannel.PHONE,
            "category": "cleaning",
            "summary": "Lobby not cleaned",
            **self.registration,
            **fields,
        }
        self.events.append(Registered(**self._common(when), **values))
        return self

    def assessed(
        self,
        when: datetime,
        complaint_type: ComplaintType = ComplaintType.ROUTINE,
        severity: Severity = Severity.MEDIUM,
        emergency: EmergencyClass | None = None,
    ) -> "History":
        """Assess."""
        self.events.append(
            Assessed(
                **self._common(when),
                complaint_type=complaint_type,
                severity=severity,
                emergency=emergency,
            )
        )
        return self

    def assigned(self, when: datetime, department: str = "maintenance") -> "History":
        """Assign to *department*."""
        self.events.append(
            Assigned(**self._common(when), department=department, handler="h-li", plan="fix")
        )
        return self

    def contacted(self, when: datetime) -> "History":
        """Contact the customer."""
        self.events.append(Contacted(**self._common(when), channel=ComplaintChannel.PHONE))
        return self

    def investigated(
        self, when: datetime, cause: RootCause = RootCause.STAFF_NEGLIGENCE
    ) -> "History":
        """File the investigation report."""
        self.events.append(
            Investigated(
                **self._common(when),
                root_cause=cause,
                responsible_department="cleaning",
                report="found",
            )
        )
        return self

    def paused(self, when: datetime, reason: PauseReason = PauseReason.CUSTOMER) -> "History":
        """Pause."""
        self.events.append(Paused(**self._common(when), reason=reason))
        return self

    def resumed(self, when: datetime) -> "History":
        """Resume."""
        self.events.append(Resumed(**self._common(when)))
        return self

    def resolved(self, when: datetime) -> "History":
        """Resolve."""
        self.events.append(Resolved(**self._common(when), outcome=Outcome.REPAIRED, note="done"))
        return self

    def reopened(self, when: datetime) -> "History":
        """Reopen."""
        self.events.append(Reopened(**self._common(when), reason="came back"))
        return self

    def followed_up(self, when: datetime, verdict: Verdict = Verdict.SATISFIED) -> "History":
        """Follow up."""
        self.events.append(
            FollowedUp(**self._common(when), verdict=verdict, channel=ComplaintChannel.PHONE)
        )
        return self

    def archived(self, when: datetime) -> "History":
        """Archive."""
        self.events.append(Archived(**self._common(when)))
        return self
