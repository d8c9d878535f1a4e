"""Care calendar: cadences, month ends, birthdays, festivals, due lists and their invariants."""

import inspect
import itertools
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule
from hypothesis import given
from hypothesis import strategies as st

from pmcrm import care
from pmcrm.care import (
    Cadence,
    CarePolicy,
    ContactLog,
    DueTouchpoint,
    Festival,
    FestivalCalendar,
    FestivalCoverageError,
    Greeting,
    Touchpoint,
    birthday_in,
    due,
    due_list,
    last_contact,
    next_contact,
)
from pmcrm.customers import Customer
from pmcrm.errors import InvalidValue, PmcrmError, ValidationError
from pmcrm.serialization import make_converter, structure, unstructure
from pmcrm.values import Label
from test_tiers import make_customer

AS_OF = date(2026, 11, 23)
MANAGER = Touchpoint.MANAGER_CONTACT
SURVEY = Touchpoint.QUESTIONNAIRE
VIP = ("gold", "platinum", "diamond")
POLICY = CarePolicy(
    cadences=(
        Cadence(kind=MANAGER, months=1, tiers=VIP),
        Cadence(kind=SURVEY, months=3, tiers=VIP),
    ),
    greetings=(
        Greeting(kind=Touchpoint.BIRTHDAY, days_ahead=3, tiers=VIP),
        Greeting(kind=Touchpoint.FESTIVAL, days_ahead=5, tiers=("diamond",)),
    ),
)
MID_AUTUMN = Label(zh="中秋节", en="Mid-Autumn Festival")
SPRING = Label(zh="春节", en="Spring Festival")
FESTIVALS = FestivalCalendar(
    first_year=2026,
    last_year=2027,
    festivals=(
        Festival(key="mid_autumn", name=MID_AUTUMN, on=date(2026, 9, 25)),
        Festival(key="spring_festival", name=SPRING, on=date(2026, 2, 17)),
        Festival(key="spring_festival", name=SPRING, on=date(2027, 2, 6)),
        Festival(key="new_year", name=Label(zh="元旦", en="New Year"), on=date(2027, 1, 1)),
    ),
)


def customer(birth_date: date | None = None, customer_id: str = "C-1") -> Customer:
    """Customer C-1 with the given birth date."""
    return attrs.evolve(make_customer(), birth_date=birth_date, customer_id=customer_id)


def log(kind: Touchpoint, on: date, customer_id: str = "C-1") -> ContactLog:
    """One contact of *kind* on *on*."""
    return ContactLog(customer_id=customer_id, kind=kind, on=on)


def kinds_and_days(items: tuple[DueTouchpoint, ...]) -> list[tuple[str, date]]:
    """The ``(kind, due)`` pairs of a due list."""
    return [(i.kind.value, i.due) for i in items]


# --- recurring contacts ------------------------------------------------------------------


def test_the_issue_example_reads_with_its_figures() -> None:
    """Last call 2026-09-30, cadence 1 month → due 2026-10-30, 24 days overdue (zh and en)."""
    items = due(customer(), "gold", (log(MANAGER, date(2026, 9, 30)),), POLICY, FESTIVALS, AS_OF)
    manager = next(i for i in items if i.kind is MANAGER)
    assert (manager.due, manager.overdue, manager.days_overdue, manager.last) == (
        date(2026, 10, 30),
        True,
        24,
        date(2026, 9, 30),
    )
    assert manager.reason.text("en") == (
        "Account-manager call or visit: last 2026-09-30, every 1 month(s) "
        "→ due 2026-10-30, 24 days overdue"
    )
    assert manager.reason.text("zh") == (
        "客户经理回访：上次 2026-09-30，每 1 个月 → 2026-10-30 到期，已逾期 24 天"
    )


def test_a_monthly_cadence_from_31_january_clips_to_the_end_of_february() -> None:
    """relativedelta: 31 Jan + 1 month = 28 Feb (29 in a leap year); rrule would skip February."""
    cadence = Cadence(kind=MANAGER, months=1, tiers=VIP)
    common = next_contact("C-1", cadence, (log(MANAGER, date(2026, 1, 31)),), date(2026, 2, 1))
    leap = next_contact("C-1", cadence, (log(MANAGER, date(2028, 1, 31)),), date(2028, 2, 1))
    assert (date(2026, 2, 28), date(2028, 2, 29)) == (common.due, leap.due)
    # The pitfall avoided: a monthly rrule from 31 January has no February at all.
    skipped = rrule(MONTHLY, dtstart=datetime(2026, 1, 31), count=2)  # noqa: DTZ001
    assert [d.date() for d in skipped] == [date(2026, 1, 31), date(2026, 3, 31)]


def test_a_quarterly_cadence_from_30_november_clips_to_28_february() -> None:
    """Three months after 30 November 2026 is 28 February 2027."""
    cadence = Cadence(kind=SURVEY, months=3, tiers=VIP)
    item = next_contact("C-1", cadence, (log(SURVEY, date(2026, 11, 30)),), date(2026, 12, 1))
    assert date(2027, 2, 28) == item.due
    assert "due in 89 days" == item.reason.figure("status_en")


def test_due_today_is_not_overdue() -> None:
    """A contact due on as_of is listed, not overdue, 0 days."""
    items = due(customer(), "gold", (log(MANAGER, date(2026, 10, 23)),), POLICY, FESTIVALS, AS_OF)
    manager = items[0]
    assert (manager.kind, manager.due, manager.overdue, manager.days_overdue) == (
        MANAGER,
        AS_OF,
        False,
        0,
    )
    assert "今天到期" == manager.reason.figure("status")


def test_never_contacted_is_due_on_as_of() -> None:
    """No contact on record: due on as_of, with a reason saying so."""
    items = due(customer(), "gold", (), POLICY, FESTIVALS, AS_OF)
    assert [("manager_contact", AS_OF), ("questionnaire", AS_OF)] == kinds_and_days(items)
    assert items[0].last is None
    assert "Account-manager call or visit: no contact on record → due now (2026-11-23)" == (
        items[0].reason.text("en")
    )
    assert "客户经理回访：无联系记录 → 即日到期（2026-11-23）" == items[0].reason.text("zh")


def test_only_contacts_due_within_the_horizon_are_listed() -> None:
    """Due on the horizon's last day: listed; one day later: not."""
    logs = (log(MANAGER, date(2026, 10, 30)), log(SURVEY, date(2026, 9, 1)))
    assert [] == kinds_and_days(due(customer(), "gold", logs, POLICY, FESTIVALS, AS_OF, 6))
    assert [("manager_contact", date(2026, 11, 30))] == kinds_and_days(
        due(customer(), "gold", logs, POLICY, FESTIVALS, AS_OF, 7)
    )


def test_the_latest_contact_counts_and_later_logs_are_ignored() -> None:
    """The latest log on or before as_of counts, whatever the order; a future log is ignored."""
    logs = (
        log(MANAGER, date(2026, 11, 1)),
        log(MANAGER, date(2026, 12, 1)),
        log(MANAGER, date(2026, 10, 1)),
    )
    assert date(2026, 11, 1) == last_contact("C-1", MANAGER, logs, AS_OF)
    assert last_contact("C-1", SURVEY, logs, AS_OF) is None


def test_another_customers_log_is_refused() -> None:
    """A log of another customer is an error naming the rule."""
    with pytest.raises(InvalidValue, match="refers to an unknown customer"):
        due(customer(), "gold", (log(MANAGER, AS_OF, "C-2"),), POLICY, FESTIVALS, AS_OF)


def test_a_negative_horizon_is_refused() -> None:
    """horizon_days must be >= 0."""
    with pytest.raises(InvalidValue, match="'horizon_days' must be >= 0: -1"):
        due(customer(), "gold", (), POLICY, FESTIVALS, AS_OF, -1)


def test_a_tier_outside_the_policy_gets_nothing() -> None:
    """Only entries naming the tier apply."""
    assert () == due(customer(date(1980, 11, 24)), "silver", (), POLICY, FESTIVALS, AS_OF)


# --- birthdays ---------------------------------------------------------------------------


def test_a_29_february_birthday_is_kept_on_28_february_in_common_years() -> None:
    """Born 29 Feb: greeted 28 Feb in 2027, 29 Feb in 2028."""
    born = date(1988, 2, 29)
    assert (date(2027, 2, 28), date(2028, 2, 29)) == (
        birthday_in(born, 2027),
        birthday_in(born, 2028),
    )
    items = due(customer(born), "gold", (), _greetings_only(), FESTIVALS, date(2027, 2, 25))
    assert [("birthday", date(2027, 2, 28))] == kinds_and_days(items)
    assert "Birthday greeting: birthday on 2027-02-28, listed 3 days ahead, due in 3 days" == (
        items[0].reason.text("en")
    )
    assert "生日祝福：生日 2027-02-28，提前 3 天列出，还有 3 天到期" == items[0].reason.text("zh")


def test_no_birthday_before_or_in_the_birth_year() -> None:
    """There is no birthday in the year of birth nor before it."""
    assert birthday_in(date(2026, 3, 1), 2026) is None
    assert birthday_in(date(2026, 3, 1), 2025) is None
    newborn = customer(date(2026, 11, 25))
    assert () == due(newborn, "gold", (), _greetings_only(), FESTIVALS, AS_OF)


def test_a_birthday_is_listed_days_ahead_and_not_after() -> None:
    """Birthday 1 Dec, 3 days ahead, 7-day horizon from 23 Nov: listed; from 2 Dec: gone."""
    born = customer(date(1980, 12, 1))
    assert [("birthday", date(2026, 12, 1))] == kinds_and_days(
        due(born, "gold", (), _greetings_only(), FESTIVALS, AS_OF, 5)
    )
    assert [] == kinds_and_days(due(born, "gold", (), _greetings_only(), FESTIVALS, AS_OF, 4))
    assert [] == kinds_and_days(
        due(born, "gold", (), _greetings_only(), FESTIVALS, date(2026, 12, 2))
    )


def test_a_greeting_sent_in_its_window_is_not_listed_again() -> None:
    """A greeting logged 2 days before the birthday covers it; one before the window does not."""
    born = customer(date(1980, 11, 25))
    sent = (log(Touchpoint.BIRTHDAY, date(2026, 11, 23)),)
    early = (log(Touchpoint.BIRTHDAY, date(2026, 11, 21)),)
    assert () == due(born, "gold", sent, _greetings_only(), FESTIVALS, AS_OF)
    assert [("birthday", date(2026, 11, 25))] == kinds_and_days(
        due(born, "gold", early, _greetings_only(), FESTIVALS, AS_OF)
    )


def test_no_birth_date_means_no_birthday_greeting() -> None:
    """A customer whose birth date is unknown gets no birthday greeting."""
    assert () == due(customer(None), "gold", (), _greetings_only(), FESTIVALS, AS_OF, 400)


# --- festivals ---------------------------------------------------------------------------


def test_festival_greetings_come_from_the_calendar_data() -> None:
    """Diamond customers are greeted for New Year, listed 5 days ahead."""
    items = due(
        customer(), "diamond", (log(MANAGER, date(2026, 12, 20)), log(SURVEY, AS_OF)), POLICY,
        FESTIVALS, date(2026, 12, 20), 7,
    )  # fmt: skip
    assert [("festival", date(2027, 1, 1))] == kinds_and_days(items)
    assert "new_year" == items[0].occasion
    assert "Festival greeting: New Year on 2027-01-01, listed 5 days ahead, due in 12 days" == (
        items[0].reason.text("en")
    )


def test_a_year_without_festival_data_is_refused() -> None:
    """Looking past the calendar's years raises a LookupError that is a PmcrmError."""
    with pytest.raises(FestivalCoverageError) as info:
        due(customer(), "diamond", (), POLICY, FESTIVALS, date(2027, 12, 28))
    err = info.value
    assert isinstance(err, LookupError)
    assert isinstance(err, PmcrmError)
    assert (2028, 2026, 2027) == (err.year, err.first_year, err.last_year)
    assert "the festival calendar covers 2026-2027, not 2028" == str(err)
    assert "节日日历只覆盖 2026–2027 年，不含 2028 年" == err.message_zh
    # Tiers without festival greetings never consult the calendar.
    assert due(customer(), "gold", (), POLICY, FESTIVALS, date(2027, 12, 28))


def test_the_festival_calendar_checks_itself() -> None:
    """Years in order, festival days inside them, each festival once a year."""
    assert FESTIVALS.covers(2027)
    assert not FESTIVALS.covers(2025)
    with pytest.raises(InvalidValue, match="'last_year' must be >= 2027: 2026"):
        FestivalCalendar(first_year=2027, last_year=2026)
    with pytest.raises(InvalidValue, match="date in the covered years 2026-2026"):
        FestivalCalendar(first_year=2026, last_year=2026, festivals=FESTIVALS.festivals)
    twice = (FESTIVALS.festivals[1], attrs.evolve(FESTIVALS.festivals[1], on=date(2026, 2, 18)))
    with pytest.raises(InvalidValue, match="duplicate"):
        FestivalCalendar(first_year=2026, last_year=2026, festivals=twice)


# --- policy ------------------------------------------------------------------------------


def test_policy_entries_check_their_kind() -> None:
    """A cadence is a recurring contact; a greeting is an occasion."""
    with pytest.raises(InvalidValue, match="must be one of manager_contact, questionnaire"):
        Cadence(kind=Touchpoint.BIRTHDAY, months=1, tiers=VIP)
    with pytest.raises(InvalidValue, match="must be one of birthday, festival"):
        Greeting(kind=MANAGER, days_ahead=1, tiers=VIP)
    validator = attrs.fields(Cadence).kind.validator
    assert "<touchpoint kind validator, one of ['manager_contact', 'questionnaire']>" == repr(
        validator
    )
    with pytest.raises(InvalidValue, match="duplicate"):
        CarePolicy(cadences=(POLICY.cadences[0], POLICY.cadences[0]))


def test_policy_loads_strictly_with_every_fault_and_its_path() -> None:
    """The converter reports each fault of a bad policy with its path."""
    bad = {"cadences": [{"kind": "birthday", "months": 0, "tiers": []}], "extra": 1}
    with pytest.raises(ValidationError) as info:
        structure(bad, CarePolicy)
    paths = sorted(e.path for e in info.value.report.entries)
    assert ["$.cadences[0].kind", "$.cadences[0].months", "$.cadences[0].tiers", "$.extra"] == (
        paths
    )


def test_festival_calendar_round_trips() -> None:
    """A festival calendar loads from its own dump."""
    assert FESTIVALS == structure(unstructure(FESTIVALS), FestivalCalendar)


# --- portfolio ---------------------------------------------------------------------------


def test_due_list_streams_customers_in_order_each_sorted() -> None:
    """Per customer in portfolio order; on one day, manager contact before questionnaire."""
    a, b = customer(date(1980, 11, 24), "C-1"), customer(None, "C-2")
    portfolio = [
        (a, "gold", (log(MANAGER, date(2026, 10, 24)), log(SURVEY, date(2026, 8, 24)))),
        (b, "silver", ()),
        (b, "gold", ()),
    ]
    stream = due_list(iter(portfolio), POLICY, FESTIVALS, AS_OF)
    assert isinstance(stream, Iterator)
    assert [(i.customer_id, i.kind.value, i.due) for i in stream] == [
        ("C-1", "manager_contact", date(2026, 11, 24)),
        ("C-1", "questionnaire", date(2026, 11, 24)),
        ("C-1", "birthday", date(2026, 11, 24)),
        ("C-2", "manager_contact", AS_OF),
        ("C-2", "questionnaire", AS_OF),
    ]


def test_public_names_exist_and_are_documented() -> None:
    """``__all__`` names exist with docstrings; every public class is in ``__all__``."""
    assert all(inspect.getdoc(getattr(care, n)) for n in care.__all__)
    classes = {
        n
        for n, v in vars(care).items()
        if inspect.isclass(v) and v.__module__ == care.__name__ and not n.startswith("_")
    }
    assert classes <= set(care.__all__)


# --- properties --------------------------------------------------------------------------

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def _greetings_only() -> CarePolicy:
    return CarePolicy(greetings=(Greeting(kind=Touchpoint.BIRTHDAY, days_ahead=3, tiers=VIP),))


def _months_later(day: date, months: int) -> date:
    """An oracle without relativedelta: the same day *months* later, clipped to the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first_of_next = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (first_of_next - timedelta(days=1)).day))


@given(last=days, months=st.integers(1, 24), ahead=st.integers(0, 400))
def test_next_due_is_the_clipped_month_count(last: date, months: int, ahead: int) -> None:
    """The due day is the last contact's day *months* later, clipped to the month's end."""
    cadence = Cadence(kind=MANAGER, months=months, tiers=VIP)
    as_of = last + timedelta(days=ahead)
    item = next_contact("C-1", cadence, (log(MANAGER, last),), as_of)
    assert _months_later(last, months) == item.due
    assert (item.due < as_of, max(0, (as_of - item.due).days)) == (
        item.overdue,
        item.days_overdue,
    )


@given(
    start=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    manager=st.integers(1, 3),
    survey=st.integers(1, 6),
    first=st.integers(0, 60),
    horizon=st.integers(0, 20),
)
def test_the_calendar_never_skips_a_contact_nor_lists_one_twice(
    start: date, manager: int, survey: int, first: int, horizon: int
) -> None:
    """Doing each contact on its due day, every day for a year: each one on time, listed once.

    Each day the list (with a horizon) shows each kind at most once; a contact is
    done on the day it falls due, and the next one is then due exactly its cadence
    later: no contact is skipped, and a done contact is never listed again.
    """
    policy = CarePolicy(
        cadences=(
            Cadence(kind=MANAGER, months=manager, tiers=VIP),
            Cadence(kind=SURVEY, months=survey, tiers=VIP),
        )
    )
    cadence = {MANAGER: manager, SURVEY: survey}
    logs = [log(MANAGER, start - timedelta(days=first)), log(SURVEY, start)]
    done: dict[Touchpoint, list[date]] = {MANAGER: [logs[0].on], SURVEY: [start]}
    for offset in range(1, 366):
        today = start + timedelta(days=offset)
        items = due(customer(), "gold", tuple(logs), policy, FESTIVALS, today, horizon)
        kinds = [i.kind for i in items]
        assert len(kinds) == len(set(kinds))
        for item in items:
            expected = _months_later(done[item.kind][-1], cadence[item.kind])
            assert expected == item.due
            assert item.due <= today + timedelta(days=horizon)
            if item.due <= today:
                logs.append(log(item.kind, today))
                done[item.kind].append(today)
    end = start + timedelta(days=365)
    first_day = start + timedelta(days=1)
    for kind, history in done.items():
        for before, after in itertools.pairwise(history):
            assert max(_months_later(before, cadence[kind]), first_day) == after
        assert _months_later(history[-1], cadence[kind]) > end


@given(
    born=st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)),
    start=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 6, 30)),
    ahead=st.integers(0, 10),
    horizon=st.integers(0, 14),
)
def test_greetings_are_never_skipped_nor_listed_twice(
    born: date, start: date, ahead: int, horizon: int
) -> None:
    """Daily lists over a year show every birthday in it, each once per list, none extra."""
    policy = CarePolicy(
        greetings=(Greeting(kind=Touchpoint.BIRTHDAY, days_ahead=ahead, tiers=VIP),)
    )
    who = customer(born)
    seen: set[date] = set()
    end = start + timedelta(days=365)
    for offset in range(366):
        today = start + timedelta(days=offset)
        items = due(who, "gold", (), policy, FESTIVALS, today, horizon)
        keys = [(i.kind, i.occasion, i.due) for i in items]
        assert len(keys) == len(set(keys))
        for item in items:
            assert today <= item.due <= today + timedelta(days=horizon + ahead)
        seen.update(i.due for i in items)
    expected = {
        d
        for year in (start.year, start.year + 1, start.year + 2)
        if (d := born + relativedelta(years=year - born.year)) >= start
        and d <= end + timedelta(days=horizon + ahead)
    }
    assert expected == seen


@given(
    logs=st.lists(
        st.builds(
            log,
            st.sampled_from(list(Touchpoint)),
            st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
        ),
        max_size=12,
    ),
    born=st.none() | st.dates(min_value=date(1950, 1, 1), max_value=date(2000, 12, 31)),
    horizon=st.integers(0, 60),
    data=st.data(),
)
def test_due_lists_are_deterministic_and_ignore_log_order(
    logs: list[ContactLog], born: date | None, horizon: int, data: st.DataObject
) -> None:
    """Any permutation of the logs gives the same, sorted, duplicate-free list."""
    who = customer(born)
    first = due(who, "diamond", logs, POLICY, FESTIVALS, AS_OF, horizon)
    shuffled = data.draw(st.permutations(logs))
    assert first == due(who, "diamond", shuffled, POLICY, FESTIVALS, AS_OF, horizon)
    assert list(first) == sorted(first, key=lambda i: i.sort_key)
    assert len({(i.kind, i.occasion, i.due) for i in first}) == len(first)


tiers = st.lists(st.sampled_from(["silver", "gold", "platinum", "diamond"]), min_size=1)
policies = st.builds(
    CarePolicy,
    cadences=st.lists(
        st.builds(
            Cadence,
            kind=st.sampled_from([MANAGER, SURVEY]),
            months=st.integers(1, 24),
            tiers=tiers.map(tuple),
        ),
        max_size=2,
        unique_by=lambda c: c.kind,
    ).map(tuple),
    greetings=st.lists(
        st.builds(
            Greeting,
            kind=st.sampled_from([Touchpoint.BIRTHDAY, Touchpoint.FESTIVAL]),
            days_ahead=st.integers(0, 60),
            tiers=tiers.map(tuple),
        ),
        max_size=2,
        unique_by=lambda g: g.kind,
    ).map(tuple),
)


@given(policy=policies)
def test_policy_round_trips_through_the_converter(policy: CarePolicy) -> None:
    """unstructure then structure gives the same policy, with a fresh converter too."""
    data: Any = unstructure(policy)
    assert policy == structure(data, CarePolicy)
    assert policy == structure(data, CarePolicy, converter=make_converter())
