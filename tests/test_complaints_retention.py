"""Retention and privacy: the 6-month floor, purge dates at month ends, pseudonyms, no PII."""

import json
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.complaints.events import (
    Archived,
    Assessed,
    Assigned,
    ComplaintEvent,
    Contacted,
    Escalated,
    FollowedUp,
    Investigated,
    Paused,
    Registered,
    Reopened,
    Resolved,
    Resumed,
    Transferred,
)
from pmcrm.complaints.facts import ComplaintFacts, facts
from pmcrm.complaints.lifecycle import Status, replay
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
from pmcrm.complaints.retention import (
    MIN_RETENTION_MONTHS,
    MIN_SALT_LENGTH,
    AnonymisedComplaint,
    PurgeDecision,
    RetentionPolicy,
    anonymise,
    may_purge,
    pseudonym,
    purge_date,
)
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure
from pmcrm.values import MobileNumber, Money, PersonName

CST = timezone(timedelta(hours=8))
SALT = "a secret from the vault"
POLICY = RetentionPolicy()

# Personal data in the events below: none of it may reach an anonymised copy.
CUSTOMER_ID = "CU-778899"
UNIT = "8-2-1803"
PII = {
    "customer id": CUSTOMER_ID,
    "unit": UNIT,
    "contact name": "欧阳娜娜",
    "contact mobile": "13912345678",
    "masked mobile": "139****5678",
    "location": "Block 8 east stairwell",
    "summary": "Mrs Ouyang says the stairwell light is broken",
    "assessment": "Caller elderly, lives alone",
    "plan": "Electrician Zhao to replace the fitting",
    "transfer reason": "Handed to night-shift lead Qian",
    "contact note": "Spoke to her daughter Lily",
    "report": "Fitting corroded; Zhao noted wet ceiling in 1803",
    "pause note": "Waiting for the owner to open the door",
    "resume note": "Owner home after 18:00",
    "escalation reason": "Resident threatens to call the newspaper",
    "resolution note": "Replaced fitting, visited by Sun",
    "reopen reason": "Light failed again on Saturday night",
    "second resolution": "Rewired the circuit in unit 1803",
    "follow-up note": "Her son Mr Ouyang Jun is satisfied",
    "archive note": "Closed after Ouyang family visit",
    "receiver": "s-wang-li",
    "new owner": "s-qian-hao",
    "handler": "h-zhao-gang",
    "responsible person": "Sun Wei",
}


def complaint_events(
    complaint_id: str = "C-1",
    start: datetime = datetime(2026, 2, 27, 9, 0, tzinfo=CST),
    *,
    archived_after: timedelta | None = timedelta(days=12),
) -> list[ComplaintEvent]:
    """Every kind of event, carrying the personal data of :data:`PII`."""
    t = start
    hour = timedelta(hours=1)
    cid = complaint_id
    events: list[ComplaintEvent] = [
        Registered(
            complaint_id=cid,
            at=t,
            by=PII["receiver"],
            customer_id=CUSTOMER_ID,
            unit=UNIT,
            location=PII["location"],
            channel=ComplaintChannel.PHONE,
            category="facilities",
            summary=PII["summary"],
            emotion=Emotion.ANXIOUS,
            contact_name=PersonName(PII["contact name"]),
            contact_mobile=MobileNumber(PII["contact mobile"]),
        ),
        Assessed(
            complaint_id=cid,
            at=t + hour,
            by=PII["receiver"],
            complaint_type=ComplaintType.URGENT,
            severity=Severity.HIGH,
            emergency=EmergencyClass.SERVICE_FAILURE,
            motive=Motive.RESPECT,
            note=PII["assessment"],
        ),
        Assigned(
            complaint_id=cid,
            at=t + 2 * hour,
            by=PII["receiver"],
            department="Engineering",
            handler=PII["handler"],
            plan=PII["plan"],
        ),
        Transferred(
            complaint_id=cid,
            at=t + 3 * hour,
            by=PII["receiver"],
            to=PII["new owner"],
            reason=PII["transfer reason"],
        ),
        Contacted(
            complaint_id=cid,
            at=t + 4 * hour,
            by=PII["new owner"],
            channel=ComplaintChannel.PHONE,
            note=PII["contact note"],
        ),
        Investigated(
            complaint_id=cid,
            at=t + 5 * hour,
            by=PII["handler"],
            root_cause=RootCause.EQUIPMENT_FAILURE,
            responsible_department="Maintenance",
            responsible_person=PII["responsible person"],
            report=PII["report"],
        ),
        Paused(
            complaint_id=cid,
            at=t + 6 * hour,
            by=PII["handler"],
            reason=PauseReason.CUSTOMER,
            note=PII["pause note"],
        ),
        Resumed(complaint_id=cid, at=t + 9 * hour, by=PII["handler"], note=PII["resume note"]),
        Escalated(
            complaint_id=cid,
            at=t + 10 * hour,
            by=PII["new owner"],
            to="Property manager",
            reason=PII["escalation reason"],
        ),
        Resolved(
            complaint_id=cid,
            at=t + 11 * hour,
            by=PII["handler"],
            outcome=Outcome.REPLACED,
            note=PII["resolution note"],
        ),
        Reopened(
            complaint_id=cid,
            at=t + 48 * hour,
            by=PII["new owner"],
            reason=PII["reopen reason"],
        ),
        Resolved(
            complaint_id=cid,
            at=t + 60 * hour,
            by=PII["handler"],
            outcome=Outcome.COMPENSATED,
            note=PII["second resolution"],
            compensation=Money.of("200.00"),
        ),
        FollowedUp(
            complaint_id=cid,
            at=t + 96 * hour,
            by=PII["new owner"],
            verdict=Verdict.BASICALLY_SATISFIED,
            channel=ComplaintChannel.PHONE,
            note=PII["follow-up note"],
        ),
    ]
    if archived_after is not None:
        events.append(
            Archived(
                complaint_id=cid,
                at=t + archived_after,
                by=PII["new owner"],
                note=PII["archive note"],
            )
        )
    return events


def archived_at(at: datetime) -> ComplaintFacts:
    """A complaint's facts, archived at exactly *at* (its other events 4 days before)."""
    events = complaint_events(start=at - timedelta(days=4), archived_after=timedelta(days=4))
    return facts(replay(events))


FULL = facts(replay(complaint_events()))
OPEN = facts(replay(complaint_events()[:3]))
CLOSED = facts(replay(complaint_events(archived_after=None)))


# --- the policy ---------------------------------------------------------------------------


def test_the_floor_is_six_months_and_the_default() -> None:
    """Six months is the floor (DOMAIN.md §4) and the default."""
    assert (6, 6) == (MIN_RETENTION_MONTHS, RetentionPolicy().months)
    assert 12 == RetentionPolicy(months=12).months


@pytest.mark.parametrize("months", [5, 0, -6])
def test_the_policy_never_goes_below_the_floor(months: int) -> None:
    """Fewer than six months is refused, naming the field and the floor."""
    with pytest.raises(InvalidValue) as info:
        RetentionPolicy(months=months)
    assert f"'months' must be >= 6: {months}" == str(info.value)
    assert ("months", "ge") == (info.value.field, info.value.code)


def test_the_policy_loads_strictly() -> None:
    """Loaded and dumped through the converter; the floor is reported at its path."""
    assert RetentionPolicy(months=24) == structure({"months": 24}, RetentionPolicy)
    assert {"months": 6} == unstructure(POLICY)
    with pytest.raises(ValidationError) as info:
        structure({"months": 3}, RetentionPolicy)
    assert ("$.months",) == info.value.report.paths
    assert "'months' 必须 >= 6：3" == info.value.report.entries[0].message_zh


# --- purge dates --------------------------------------------------------------------------


@pytest.mark.parametrize("record", [OPEN, CLOSED], ids=["open", "followed-up"])
def test_a_complaint_not_archived_is_never_purged(record: ComplaintFacts) -> None:
    """No archive, no purge date; may_purge refuses, saying why."""
    assert None is purge_date(record, POLICY)
    decision = may_purge(record, POLICY, date(2099, 1, 1))
    assert (
        PurgeDecision(complaint_id="C-1", allowed=False, purge_from=None, reasons=decision.reasons)
        == decision
    )
    (reason,) = decision.reasons
    assert "retention.not_archived" == reason.code
    status = record.status
    assert f"C-1 is not archived ({status.label.en}): it may not be purged" == reason.text("en")
    assert f"C-1 未归档（{status.label.zh}）：不得清除" == reason.text("zh")


def test_purge_from_the_day_after_six_months() -> None:
    """Archived 11 March 2026: kept through 11 September, purged from 12 September."""
    assert date(2026, 3, 11) == FULL.archived_at.date()  # type: ignore[union-attr]
    assert date(2026, 9, 12) == purge_date(FULL, POLICY)
    assert date(2027, 3, 12) == purge_date(FULL, RetentionPolicy(months=12))


@pytest.mark.parametrize(
    ("archived", "purge"),
    [
        (date(2026, 8, 31), date(2027, 3, 1)),  # kept through 28 Feb 2027 (clipped)
        (date(2027, 8, 31), date(2028, 3, 1)),  # kept through 29 Feb 2028 (leap year)
        (date(2027, 8, 30), date(2028, 3, 1)),  # kept through 29 Feb 2028 too
        (date(2026, 8, 29), date(2027, 3, 1)),  # 28 Feb: the same purge day as 30 and 31 Aug
        (date(2026, 3, 31), date(2026, 10, 1)),  # kept through 30 September (clipped)
        (date(2026, 12, 31), date(2027, 7, 1)),  # kept through 30 June
        (date(2026, 6, 30), date(2026, 12, 31)),  # kept through 30 December: no clipping
    ],
)
def test_month_ends_clip(archived: date, purge: date) -> None:
    """Six months after a month-end day is clipped to the shorter month's end, then + 1 day."""
    record = archived_at(datetime.combine(archived, time(15, 0), tzinfo=CST))
    assert purge == purge_date(record, POLICY)


def test_a_leap_day_plus_twelve_months_clips_to_28_february() -> None:
    """Archived 29 Feb 2028, kept twelve months: through 28 Feb 2029, purged from 1 March."""
    record = archived_at(datetime(2028, 2, 29, 10, 0, tzinfo=CST))
    assert date(2029, 3, 1) == purge_date(record, RetentionPolicy(months=12))


def test_the_local_date_of_archiving_depends_on_the_time_zone() -> None:
    """01:00 on 1 March at +08:00 is still 28 February in UTC."""
    record = archived_at(datetime(2026, 3, 1, 1, 0, tzinfo=CST))
    assert date(2026, 9, 2) == purge_date(record, POLICY)
    assert date(2026, 9, 2) == purge_date(record, POLICY, ZoneInfo("Asia/Shanghai"))
    assert date(2026, 8, 29) == purge_date(record, POLICY, UTC)  # 28 Feb + 6 months + 1 day
    utc_record = archived_at(datetime(2026, 2, 28, 17, 0, tzinfo=UTC))
    assert date(2026, 8, 29) == purge_date(utc_record, POLICY)
    assert date(2026, 9, 2) == purge_date(utc_record, POLICY, CST)


def test_may_purge_on_and_after_the_purge_day_only() -> None:
    """The day before: kept; the purge day and after: allowed; the reasons give the figures."""
    before = may_purge(FULL, POLICY, date(2026, 9, 11))
    on = may_purge(FULL, POLICY, date(2026, 9, 12))
    after = may_purge(FULL, POLICY, date(2030, 1, 1))
    assert [False, True, True] == [d.allowed for d in (before, on, after)]
    assert {date(2026, 9, 12)} == {d.purge_from for d in (before, on, after)}
    assert ["retention.kept", "retention.expired"] == [before.reasons[0].code, on.reasons[0].code]
    assert (
        "C-1 archived on 2026-03-11, kept at least 6 months (through 2026-09-11): may be purged "
        "on or after 2026-09-12; not on 2026-09-11"
    ) == before.reasons[0].text("en")
    assert (
        "C-1 于 2026-03-11 归档，至少保留 6 个月（至 2026-09-11）：2026-09-12 起可清除；"
        "2026-09-11 尚不可清除"
    ) == before.reasons[0].text("zh")
    assert (
        "C-1 archived on 2026-03-11, kept at least 6 months (through 2026-09-11): may be purged "
        "on or after 2026-09-12; allowed on 2026-09-12"
    ) == on.reasons[0].text("en")
    assert (
        "C-1 于 2026-03-11 归档，至少保留 6 个月（至 2026-09-11）：2026-09-12 起可清除；"
        "2026-09-12 可清除"
    ) == on.reasons[0].text("zh")


def test_may_purge_counts_in_the_time_zone_given() -> None:
    """The same record and day: allowed counting in UTC, not yet at +08:00."""
    record = archived_at(datetime(2026, 3, 1, 1, 0, tzinfo=CST))
    day = date(2026, 8, 30)
    assert (True, False) == (
        may_purge(record, POLICY, day, UTC).allowed,
        may_purge(record, POLICY, day).allowed,
    )


# --- anonymisation ------------------------------------------------------------------------


def test_anonymise_keeps_the_structured_fields() -> None:
    """Everything an analysis needs, with the customer and the unit pseudonymous."""
    copy = anonymise(FULL, salt=SALT)
    t = FULL.registered_at
    assert (
        AnonymisedComplaint(
            complaint_id="C-1",
            customer=pseudonym("cust", CUSTOMER_ID, salt=SALT),
            unit=pseudonym("unit", UNIT, salt=SALT),
            status=Status.ARCHIVED,
            category="facilities",
            complaint_type=ComplaintType.URGENT,
            severity=Severity.HIGH,
            emergency=EmergencyClass.SERVICE_FAILURE,
            root_cause=RootCause.EQUIPMENT_FAILURE,
            department="Engineering",
            responsible_department="Maintenance",
            outcome=Outcome.COMPENSATED,
            compensation=Money.of("200.00"),
            verdict=Verdict.BASICALLY_SATISFIED,
            reopen_count=1,
            escalations=1,
            registered_at=t,
            first_contact_at=t + timedelta(hours=4),
            resolved_at=t + timedelta(hours=60),
            archived_at=t + timedelta(days=12),
        )
        == copy
    )


def test_anonymise_without_unit() -> None:
    """No unit, no unit pseudonym."""
    record = attrs.evolve(OPEN, unit=None)
    assert None is anonymise(record, salt=SALT).unit


def test_the_anonymised_copy_is_json_ready_and_holds_no_personal_data() -> None:
    """No PII value of the events appears in the dumped copy, redacted or not."""
    copy = anonymise(FULL, salt=SALT)
    for redact in (False, True):
        data = unstructure(copy, redact=redact)
        text = json.dumps(data, ensure_ascii=False)
        leaked = {name for name, value in PII.items() if value in text}
        assert set() == leaked
    data = unstructure(copy)
    assert {
        "complaint_id",
        "customer",
        "unit",
        "status",
        "category",
        "complaint_type",
        "severity",
        "emergency",
        "root_cause",
        "department",
        "responsible_department",
        "outcome",
        "compensation",
        "verdict",
        "reopen_count",
        "escalations",
        "registered_at",
        "first_contact_at",
        "resolved_at",
        "archived_at",
    } == set(data)
    assert ("archived", "2026-02-27T09:00:00+08:00", {"amount": "200.00", "currency": "CNY"}) == (
        data["status"],
        data["registered_at"],
        data["compensation"],
    )
    assert copy == structure(data, AnonymisedComplaint)


def test_the_events_do_carry_the_personal_data() -> None:
    """The check above is meaningful: unredacted, the events hold every PII value but one."""
    text = json.dumps(unstructure(complaint_events()), ensure_ascii=False)
    assert {"masked mobile"} == {name for name, value in PII.items() if value not in text}
    redacted = json.dumps(unstructure(complaint_events(), redact=True), ensure_ascii=False)
    assert "139****5678" in redacted


def test_pseudonyms_have_a_fixed_shape() -> None:
    """``cust-`` or ``unit-`` and sixteen lower-case hex digits."""
    copy = anonymise(FULL, salt=SALT)
    assert re.fullmatch(r"cust-[0-9a-f]{16}", copy.customer)
    assert re.fullmatch(r"unit-[0-9a-f]{16}", copy.unit or "")


def test_a_customer_and_a_unit_with_one_string_get_unrelated_pseudonyms() -> None:
    """The kind is hashed too: the same string as customer and as unit does not link."""
    same = attrs.evolve(OPEN, customer_id="A-1", unit="A-1")
    copy = anonymise(same, salt=SALT)
    assert copy.customer[5:] != (copy.unit or "")[5:]


@pytest.mark.parametrize("salt", ["", "short", "x" * (MIN_SALT_LENGTH - 1), b"b" * 20, None])
def test_a_weak_salt_is_refused_and_never_echoed(salt: object) -> None:
    """Salts shorter than 16 characters (or not strings) are refused; the value is not shown."""
    with pytest.raises(InvalidValue) as info:
        anonymise(FULL, salt=salt)  # type: ignore[arg-type]
    message = str(info.value)
    assert "'salt' is invalid: a salt is a secret string of at least 16 characters" == message
    assert info.value.sensitive
    assert "«redacted»" == info.value.params["value"]


def test_a_salt_of_sixteen_characters_is_enough() -> None:
    """The boundary: exactly :data:`MIN_SALT_LENGTH` characters."""
    assert pseudonym("cust", "CU-1", salt="x" * MIN_SALT_LENGTH).startswith("cust-")


# --- properties ---------------------------------------------------------------------------

ZONES: tuple[tzinfo, ...] = (
    CST,
    UTC,
    timezone(timedelta(hours=-10)),
    timezone(timedelta(hours=14)),
)
instants = st.datetimes(
    min_value=datetime.combine(date(2000, 1, 1), time.min),  # naive bounds, as Hypothesis wants
    max_value=datetime.combine(date(2090, 12, 31), time.max),
    timezones=st.sampled_from(ZONES),
)
retention = st.builds(RetentionPolicy, months=st.integers(MIN_RETENTION_MONTHS, 120))


@given(instants, retention, st.sampled_from((None, *ZONES)))
def test_purge_date_is_never_earlier_than_the_policy_allows(
    at: datetime, policy: RetentionPolicy, tz: tzinfo | None
) -> None:
    """Never before the local archive date + 6 months; every instant of it is past the period."""
    record = archived_at(at)
    purge = purge_date(record, policy, tz)
    assert purge is not None
    local = at if tz is None else at.astimezone(tz)
    assert purge > local.date() + relativedelta(months=MIN_RETENTION_MONTHS)
    assert purge == local.date() + relativedelta(months=policy.months) + timedelta(days=1)
    # The first instant of the purge day, in the same zone, is after archiving + the period.
    start_of_day = datetime.combine(purge, time.min, tzinfo=local.tzinfo)
    assert local + relativedelta(months=policy.months) < start_of_day
    if tz is None:
        assert purge > at.date() + relativedelta(months=6)


@given(instants, retention, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_may_purge_agrees_with_purge_date(
    at: datetime, policy: RetentionPolicy, as_of: date
) -> None:
    """Allowed exactly from the purge day on."""
    record = archived_at(at)
    decision = may_purge(record, policy, as_of)
    assert decision.purge_from is not None
    assert decision.purge_from == purge_date(record, policy)
    assert decision.allowed == (as_of >= decision.purge_from)


salts = st.text(min_size=MIN_SALT_LENGTH, max_size=40)
values = st.text(min_size=1, max_size=40)


@given(salts, salts, values)
def test_pseudonyms_are_deterministic_per_salt_and_differ_across_salts(
    salt: str, other: str, value: str
) -> None:
    """The same salt and value give the same pseudonym; another salt gives another."""
    assert pseudonym("cust", value, salt=salt) == pseudonym("cust", value, salt=salt)
    if other != salt:
        assert pseudonym("cust", value, salt=salt) != pseudonym("cust", value, salt=other)


@given(salts, values, values)
def test_pseudonyms_keep_repeats_linkable(salt: str, first: str, second: str) -> None:
    """Under one salt, two customers share a pseudonym iff they are the same customer."""
    a = anonymise(attrs.evolve(OPEN, customer_id=first), salt=salt).customer
    b = anonymise(attrs.evolve(OPEN, customer_id=second), salt=salt).customer
    assert (a == b) == (first == second)


def test_missing_values_dump_as_null() -> None:
    """An open complaint: no compensation, verdict or archive time, written as null."""
    data = unstructure(anonymise(OPEN, salt=SALT))
    assert (None, None, None) == (data["compensation"], data["verdict"], data["archived_at"])
