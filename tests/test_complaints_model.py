"""The complaint vocabulary, the category catalogue, event validation and facts."""

import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from complaint_strategies import CID, CLASSES, DEFAULTS, T0, ev, walk
from pmcrm.complaints.events import EVENTS, ComplaintEvent, EventKind
from pmcrm.complaints.facts import ComplaintFacts, Handover, Pause, Reopening, facts
from pmcrm.complaints.lifecycle import Status, replay
from pmcrm.complaints.model import (
    Category,
    CategoryCatalogue,
    CategoryDef,
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
from pmcrm.errors import InvalidValue
from pmcrm.values import Label, LabelledEnum, Money

E = EventKind

ENUMS: list[type[LabelledEnum]] = [
    Category,
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
    EventKind,
    Status,
]


def minute(n: int) -> datetime:
    """*n* minutes after T0."""
    return T0 + timedelta(minutes=n)


# --- enums ---------------------------------------------------------------------------------


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_member_is_labelled_in_zh_and_en(enum: type[LabelledEnum]) -> None:
    """A lower-case value, a Chinese label and a distinct English label for every member."""
    for member in enum:
        assert member.value == member.value.lower().replace(" ", "_")
        assert all(unicodedata.east_asian_width(c) == "W" for c in member.text("zh"))
        assert member.text("en").isascii()
    assert len(enum) == len({m.text("zh") for m in enum}) == len({m.text("en") for m in enum})


def test_labels_of_examples() -> None:
    """The labels of DOMAIN.md §4."""
    assert ("紧急投诉", "urgent") == (ComplaintType.URGENT.text("zh"), ComplaintType.URGENT.text())
    assert ("安全事故", "safety accident") == (
        EmergencyClass.SAFETY_ACCIDENT.text("zh"),
        EmergencyClass.SAFETY_ACCIDENT.text("en"),
    )
    assert ("求尊重", "seeking respect") == (Motive.RESPECT.text("zh"), Motive.RESPECT.text("en"))
    assert ("已回访", "followed up") == (Status.CLOSED.text("zh"), Status.CLOSED.text("en"))
    assert ("回访", "followed up") == (E.FOLLOWED_UP.text("zh"), E.FOLLOWED_UP.text("en"))


def test_event_kinds_are_the_json_tags() -> None:
    """EVENTS maps each kind's value to the class whose kind it is."""
    assert [k.value for k in EventKind] == list(EVENTS)
    kinds = {k.value: k for k in EventKind}
    for tag, cls in EVENTS.items():
        assert tag == ev(kinds[tag]).kind.value
        assert cls is CLASSES[kinds[tag]]


# --- categories ----------------------------------------------------------------------------

EV = CategoryDef(code="ev_charging", label=Label(zh="充电桩", en="EV charging"))


def test_standard_catalogue() -> None:
    """The standard catalogue holds the Category members, in order, with their labels."""
    catalogue = CategoryCatalogue.standard()
    assert tuple(c.value for c in Category) == catalogue.codes
    assert Label(zh="保洁", en="cleaning") == catalogue.label("cleaning")


def test_extended_catalogue() -> None:
    """extended() adds codes after the standard ones and leaves the original alone."""
    standard = CategoryCatalogue.standard()
    extended = standard.extended(EV)
    assert (*standard.codes, "ev_charging") == extended.codes
    assert "充电桩" == extended.label("ev_charging").zh
    assert "ev_charging" not in standard.codes


def test_a_duplicate_category_is_refused() -> None:
    """A code already in the catalogue raises InvalidValue at its index."""
    with pytest.raises(InvalidValue) as info:
        CategoryCatalogue.standard().extended(EV, EV)
    err = info.value
    assert ("categories", "duplicate", f"[{len(Category) + 1}]") == (
        err.field,
        err.code,
        err.subpath,
    )
    assert "'categories' has a duplicate entry: 'ev_charging'" == str(err)


def test_label_of_an_unknown_code() -> None:
    """An unknown code raises InvalidValue 'reference', in en and zh."""
    with pytest.raises(InvalidValue) as info:
        CategoryCatalogue.standard().label("ev_charging")
    assert ("category", "reference") == (info.value.field, info.value.code)
    assert "'category' refers to an unknown category: 'ev_charging'" == str(info.value)
    assert "'category' 引用了不存在的投诉类别：'ev_charging'" == info.value.message_zh


def test_check_reports_the_first_unknown_code() -> None:
    """check() passes known codes and raises for the first unknown one."""
    catalogue = CategoryCatalogue.standard().extended(EV)
    catalogue.check(["cleaning", "ev_charging", "noise"])
    catalogue.check([])
    with pytest.raises(InvalidValue, match="'lift'"):
        catalogue.check(["cleaning", "lift", "pool"])


@pytest.mark.parametrize("bad", ["EV", "ev charging", "1st", "", "fees..parking", "x" * 41])
def test_a_category_code_must_be_a_code(bad: str) -> None:
    """Lower-case letters, digits, '_' with '.' or '-' between parts, at most 40 characters."""
    with pytest.raises(InvalidValue) as info:
        CategoryDef(code=bad, label=Label(zh="x", en="x"))
    assert ("code", "format") == (info.value.field, info.value.code)


# --- event validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "change", "field", "code"),
    [
        (E.REGISTERED, {"summary": "  "}, "summary", "empty"),
        (E.REGISTERED, {"summary": "x" * 501}, "summary", "max_length"),
        (E.REGISTERED, {"category": "Cleaning"}, "category", "format"),
        (E.REGISTERED, {"category": 3}, "category", "type"),
        (E.REGISTERED, {"unit": ""}, "unit", "empty"),
        (E.REGISTERED, {"at": datetime(2026, 11, 2, 9, 0)}, "at", "naive_datetime"),  # noqa: DTZ001
        (E.ASSESSED, {"at": "2026-11-02T09:00:00+08:00"}, "at", "type"),
        (E.CONTACTED, {"complaint_id": ""}, "complaint_id", "empty"),
        (E.CONTACTED, {"note": " "}, "note", "empty"),
        (E.TRANSFERRED, {"to": "x" * 41}, "to", "max_length"),
        (E.RESOLVED, {"compensation": Money.of("-0.01")}, "compensation", "ge"),
        (E.ESCALATED, {"reason": ""}, "reason", "empty"),
    ],
)
def test_event_fields_are_validated(
    kind: EventKind, change: dict[str, Any], field: str, code: str
) -> None:
    """Blank texts, bad codes, naive times and negative compensation are refused."""
    with pytest.raises(InvalidValue) as info:
        ev(kind, **change)
    assert (field, code) == (info.value.field, info.value.code)


def test_naive_time_message() -> None:
    """The message names the field and shows the time."""
    with pytest.raises(InvalidValue) as info:
        ev(E.PAUSED, at=datetime(2026, 11, 2, 9, 0))  # noqa: DTZ001 - the fault tested
    assert (
        "'at' must be timezone-aware (with an offset such as +08:00): '2026-11-02T09:00:00'"
        == str(info.value)
    )


def test_compensation_may_be_zero_or_absent() -> None:
    """No compensation, or zero, is fine."""
    assert ev(E.RESOLVED).compensation is None
    assert Money.zero() == ev(E.RESOLVED, compensation=Money.zero()).compensation


@pytest.mark.parametrize("kind", list(EventKind), ids=lambda k: k.value)
def test_every_event_has_its_kind(kind: EventKind) -> None:
    """Each example event is of its kind and keeps the common fields."""
    item: ComplaintEvent = ev(kind, 5)
    assert (kind, CID, minute(5), "s-wang") == (item.kind, item.complaint_id, item.at, item.by)
    assert set(DEFAULTS[type(item)]) <= set(attrs.fields_dict(type(item)))


# --- facts -------------------------------------------------------------------------------------


def test_facts_of_a_full_history() -> None:
    """Every fact of a complaint handled from registration to archive."""
    history = [
        ev(E.REGISTERED, 0, unit="3-1201"),
        ev(E.CONTACTED, 5),
        ev(E.ASSESSED, 10, complaint_type=ComplaintType.URGENT, severity=Severity.HIGH),
        ev(E.ASSIGNED, 15),
        ev(E.ESCALATED, 20),
        ev(E.TRANSFERRED, 25, to="s-li"),
        ev(E.INVESTIGATED, 30),
        ev(E.PAUSED, 35, reason=PauseReason.THIRD_PARTY),
        ev(E.RESUMED, 50),
        ev(E.RESOLVED, 60, outcome=Outcome.COMPENSATED, compensation=Money.of("200")),
        ev(E.FOLLOWED_UP, 90),
        ev(E.ARCHIVED, 120),
    ]
    assert ComplaintFacts(
        complaint_id=CID,
        status=Status.ARCHIVED,
        customer_id="CU-1",
        unit="3-1201",
        category="cleaning",
        registered_at=T0,
        receiver="s-wang",
        owner="s-li",
        handovers=(Handover(at=minute(25), from_owner="s-wang", to_owner="s-li", reason="换班"),),
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=None,
        motive=None,
        department="保洁部",
        handler="s-zhao",
        root_cause=RootCause.STAFF_NEGLIGENCE,
        responsible_department="保洁部",
        outcome=Outcome.COMPENSATED,
        compensation=Money(amount=Decimal("200.00")),
        verdict=Verdict.SATISFIED,
        escalations=1,
        first_contact_at=minute(5),
        assessed_at=minute(10),
        investigated_at=minute(30),
        resolved_at=minute(60),
        first_resolved_at=minute(60),
        followed_up_at=minute(90),
        archived_at=minute(120),
        pauses=(Pause(start=minute(35), end=minute(50), reason=PauseReason.THIRD_PARTY),),
        reopenings=(),
    ) == facts(replay(history))


def test_facts_of_a_bare_registration() -> None:
    """Only the registration: its classification, nothing else, open."""
    found = facts(replay([ev(E.REGISTERED, emergency=EmergencyClass.SAFETY_ACCIDENT)]))
    assert (ComplaintType.ROUTINE, Severity.MEDIUM, EmergencyClass.SAFETY_ACCIDENT) == (
        found.complaint_type,
        found.severity,
        found.emergency,
    )
    assert (None, None, None, (), (), 0, 0) == (
        found.assessed_at,
        found.department,
        found.resolved_at,
        found.pauses,
        found.handovers,
        found.escalations,
        found.reopen_count,
    )
    assert found.is_open


def test_the_latest_classification_wins() -> None:
    """Each assessment replaces type, severity and emergency; a motive stays until replaced."""
    history = [
        ev(E.REGISTERED),
        ev(
            E.ASSESSED,
            10,
            complaint_type=ComplaintType.URGENT,
            severity=Severity.CRITICAL,
            emergency=EmergencyClass.SERVICE_FAILURE,
            motive=Motive.COMPENSATION,
        ),
        ev(E.ASSIGNED, 20),
        ev(E.ASSESSED, 30, complaint_type=ComplaintType.REPEAT, severity=Severity.LOW),
    ]
    found = facts(replay(history))
    assert (ComplaintType.REPEAT, Severity.LOW, None, Motive.COMPENSATION) == (
        found.complaint_type,
        found.severity,
        found.emergency,
        found.motive,
    )
    assert minute(10) == found.assessed_at
    again = facts(replay([*history, ev(E.ASSESSED, 40, motive=Motive.VENTING)]))
    assert Motive.VENTING == again.motive


def test_first_contact_and_first_investigation() -> None:
    """The first contact and first report are kept; the root cause is the latest."""
    history = [
        *walk(E.ASSESSED),
        ev(E.CONTACTED, 20),
        ev(E.INVESTIGATED, 30, root_cause=RootCause.EQUIPMENT_FAILURE),
        ev(E.CONTACTED, 40),
        ev(
            E.INVESTIGATED,
            50,
            root_cause=RootCause.MANAGEMENT_GAP,
            responsible_department="工程部",
        ),
    ]
    found = facts(replay(history))
    assert (minute(20), minute(30)) == (found.first_contact_at, found.investigated_at)
    assert (RootCause.MANAGEMENT_GAP, "工程部") == (found.root_cause, found.responsible_department)


def test_a_reopening_clears_the_resolution() -> None:
    """Reopened: resolved_at is None again, the reopening recorded, the first resolution kept."""
    history = [*walk(E.ASSESSED, E.RESOLVED), ev(E.REOPENED, 30, reason="又漏水")]
    found = facts(replay(history))
    assert (None, minute(20)) == (found.resolved_at, found.first_resolved_at)
    assert (Reopening(resolved_at=minute(20), reopened_at=minute(30), reason="又漏水"),) == (
        found.reopenings
    )
    assert (1, True, Outcome.REPAIRED) == (found.reopen_count, found.is_open, found.outcome)
    resolved_again = facts(replay([*history, ev(E.RESOLVED, 40)]))
    assert (minute(40), minute(20)) == (
        resolved_again.resolved_at,
        resolved_again.first_resolved_at,
    )


def test_a_reopening_clears_the_follow_up() -> None:
    """A follow-up belongs to its resolution: reopening clears it; the verdict stays."""
    history = [
        *walk(E.ASSESSED, E.RESOLVED),
        ev(E.FOLLOWED_UP, 30, verdict=Verdict.DISSATISFIED),
        ev(E.REOPENED, 40),
    ]
    found = facts(replay(history))
    assert (None, None, Verdict.DISSATISFIED) == (
        found.resolved_at,
        found.followed_up_at,
        found.verdict,
    )
    assert (Reopening(resolved_at=minute(20), reopened_at=minute(40), reason="再次脏污"),) == (
        found.reopenings
    )
    resolved = facts(replay([*history, ev(E.RESOLVED, 50)]))
    assert (minute(50), None) == (resolved.resolved_at, resolved.followed_up_at)
    closed = facts(
        replay([*history, ev(E.RESOLVED, 50), ev(E.FOLLOWED_UP, 60, verdict=Verdict.SATISFIED)])
    )
    assert (minute(60), Verdict.SATISFIED, 1) == (
        closed.followed_up_at,
        closed.verdict,
        closed.reopen_count,
    )
    assert not closed.is_open


def test_handovers_and_escalations() -> None:
    """Every transfer is a hand-over from the owner of the time; escalations are counted."""
    history = [
        ev(E.REGISTERED, by="s-wang"),
        ev(E.ESCALATED, 5),
        ev(E.TRANSFERRED, 10, to="s-li", reason="夜班"),
        ev(E.ESCALATED, 15),
        ev(E.TRANSFERRED, 20, by="s-li", to="s-zhang", reason="专业对口"),
        ev(E.ESCALATED, 25),
    ]
    found = facts(replay(history))
    assert (
        Handover(at=minute(10), from_owner="s-wang", to_owner="s-li", reason="夜班"),
        Handover(at=minute(20), from_owner="s-li", to_owner="s-zhang", reason="专业对口"),
    ) == found.handovers
    assert ("s-wang", "s-zhang", 3) == (found.receiver, found.owner, found.escalations)


def test_an_open_pause_at_the_end() -> None:
    """A pause that lasts has no end; earlier pauses are closed by resumed or resolved."""
    history = [
        *walk(E.ASSESSED, E.PAUSED, E.RESUMED, E.PAUSED, E.RESOLVED, E.REOPENED),
        ev(E.PAUSED, 70, reason=PauseReason.THIRD_PARTY),
    ]
    found = facts(replay(history))
    assert (
        Pause(start=minute(20), end=minute(30), reason=PauseReason.CUSTOMER),
        Pause(start=minute(40), end=minute(50), reason=PauseReason.CUSTOMER),
        Pause(start=minute(70), end=None, reason=PauseReason.THIRD_PARTY),
    ) == found.pauses
    assert (Status.PAUSED, True) == (found.status, found.is_open)


@pytest.mark.parametrize(
    ("path", "is_open"),
    [
        ((E.ASSESSED, E.PAUSED), True),
        ((E.ASSESSED, E.RESOLVED), False),
        ((E.ASSESSED, E.RESOLVED, E.FOLLOWED_UP), False),
        ((E.ASSESSED, E.RESOLVED, E.FOLLOWED_UP, E.ARCHIVED), False),
    ],
)
def test_is_open(path: tuple[EventKind, ...], is_open: bool) -> None:
    """Open until resolved; resolved, followed up and archived are not open."""
    assert is_open == facts(replay(walk(*path))).is_open
