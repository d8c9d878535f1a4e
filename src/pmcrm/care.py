"""Care calendar (客户关怀日历): which touchpoints are due for a customer, and why.

DOMAIN.md §3 sets the contact cadence: the account manager calls or visits
each VIP at least monthly, a satisfaction questionnaire goes out every
quarter, and VIPs receive birthday and festival greetings.  A
:class:`CarePolicy` (data, loaded through the strict converter) says which
tiers get which touchpoint and how often; a :class:`FestivalCalendar`
(data too: lunar festivals are looked up, never computed) gives the festival
days; a customer's :class:`ContactLog` entries say when each touchpoint last
happened.  :func:`due` answers for one customer as of a date, and
:func:`due_list` streams the answers for a portfolio.

Date rules, stated and tested:

* **Recurring contacts** (manager contact, questionnaire) fall due *N*
  months after the last one, counted with
  :class:`dateutil.relativedelta.relativedelta`, which clips to the month's
  end: one month after 31 January is 28 February (29 in a leap year), one
  month after 30 September is 30 October.  (A monthly
  :func:`dateutil.rrule.rrule` from 31 January would instead *skip*
  February, April, June…: a contact would be missed.)  A contact is overdue
  when its due day is before *as_of*; it has been overdue for
  ``as_of - due`` days.  Only the next due contact of each kind is listed:
  the one after depends on when this one actually happens.  A customer with
  no contact of a kind on record is due on *as_of* itself.
* **Birthdays** recur yearly on the birth month and day, also counted with
  ``relativedelta`` from the birth date: a customer born on 29 February is
  greeted on 28 February in common years and on 29 February in leap years.
* **Greetings** (birthday, festival) are listed from ``days_ahead`` days
  before the occasion up to the occasion itself; they are never overdue (a
  greeting after the day is not sent late).  A greeting of the same kind
  logged in that window means it was sent: the occasion is not listed again.

>>> from datetime import date
>>> policy = CarePolicy(
...     cadences=(Cadence(kind=Touchpoint.MANAGER_CONTACT, months=1, tiers=("gold",)),),
... )
>>> log = ContactLog(customer_id="C-1", kind=Touchpoint.MANAGER_CONTACT, on=date(2026, 9, 30))
>>> item = next_contact("C-1", policy.cadences[0], (log,), date(2026, 11, 23))
>>> item.due, item.overdue, item.days_overdue
(datetime.date(2026, 10, 30), True, 24)
>>> print(item.reason.text("en"))
Account-manager call or visit: last 2026-09-30, every 1 month(s) → due 2026-10-30, 24 days overdue
>>> print(item.reason.text("zh"))
客户经理回访：上次 2026-09-30，每 1 个月 → 2026-10-30 到期，已逾期 24 天
"""

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from pmcrm.customers import Customer
from pmcrm.errors import InvalidValue, PmcrmError
from pmcrm.explain import Reason
from pmcrm.validators import at_least, at_most, each, min_items, text, unique
from pmcrm.values import Label, LabelledEnum

__all__ = [
    "Cadence",
    "CarePolicy",
    "ContactLog",
    "DueTouchpoint",
    "Festival",
    "FestivalCalendar",
    "FestivalCoverageError",
    "Greeting",
    "Touchpoint",
    "birthday_in",
    "due",
    "due_list",
    "festivals_between",
    "last_contact",
    "next_contact",
]

_TIER = text(40)
_ID = text(64)


class Touchpoint(LabelledEnum):
    """A kind of care touchpoint (关怀触点).

    >>> Touchpoint.QUESTIONNAIRE.text("zh")
    '季度满意度问卷'
    """

    MANAGER_CONTACT = "manager_contact", "客户经理回访", "Account-manager call or visit"
    QUESTIONNAIRE = "questionnaire", "季度满意度问卷", "Quarterly satisfaction questionnaire"
    BIRTHDAY = "birthday", "生日祝福", "Birthday greeting"
    FESTIVAL = "festival", "节日问候", "Festival greeting"


#: Touchpoints that recur on a cadence counted from the last one.
_RECURRING = (Touchpoint.MANAGER_CONTACT, Touchpoint.QUESTIONNAIRE)
#: Touchpoints tied to an occasion (a birthday, a festival).
_GREETINGS = (Touchpoint.BIRTHDAY, Touchpoint.FESTIVAL)
#: Order of kinds on a day, for deterministic sorting.
_RANK = {kind: i for i, kind in enumerate(Touchpoint)}
_BIRTHDAY = Label(zh="生日", en="birthday")


@attrs.frozen(repr=False)
class _KindIn:
    allowed: tuple[Touchpoint, ...]

    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
        if value not in self.allowed:
            raise InvalidValue(
                attr.name,
                "choice",
                value=getattr(value, "value", value),
                choices=", ".join(k.value for k in self.allowed),
            )

    def __repr__(self) -> str:
        return f"<touchpoint kind validator, one of {[k.value for k in self.allowed]}>"


def _kind_in(allowed: tuple[Touchpoint, ...]) -> _KindIn:
    return _KindIn(allowed)


class FestivalCoverageError(PmcrmError, LookupError):
    """The festival calendar holds no data for a year that was asked for.

    A :class:`LookupError` too, like every calendar that declares its
    coverage and refuses the rest.

    >>> raise FestivalCoverageError(2031, 2025, 2030)
    Traceback (most recent call last):
    ...
    pmcrm.care.FestivalCoverageError: the festival calendar covers 2025-2030, not 2031

    Attributes:
        year: The year asked for.
        first_year: The first year covered.
        last_year: The last year covered.
    """

    def __init__(self, year: int, first_year: int, last_year: int) -> None:
        self.year = year
        self.first_year = first_year
        self.last_year = last_year
        super().__init__(f"the festival calendar covers {first_year}-{last_year}, not {year}")

    @property
    def message_zh(self) -> str:
        """The message in Chinese."""
        return f"节日日历只覆盖 {self.first_year}–{self.last_year} 年，不含 {self.year} 年"


@attrs.frozen(kw_only=True)
class Cadence:
    """A recurring contact: every *months* months, for the tiers named.

    >>> Cadence(kind=Touchpoint.QUESTIONNAIRE, months=3, tiers=("gold", "diamond")).months
    3

    Attributes:
        kind: ``manager_contact`` or ``questionnaire``.
        months: How many months after the last contact the next falls due, 1 to 24.
        tiers: The tier names it applies to, at least one.
    """

    kind: Touchpoint = attrs.field(validator=_kind_in(_RECURRING))
    months: int = attrs.field(validator=[at_least(1), at_most(24)])
    tiers: tuple[str, ...] = attrs.field(validator=[min_items(1), each(_TIER)])


@attrs.frozen(kw_only=True)
class Greeting:
    """A greeting on an occasion, listed *days_ahead* days before it, for the tiers named.

    >>> Greeting(kind=Touchpoint.BIRTHDAY, days_ahead=3, tiers=("gold",)).days_ahead
    3

    Attributes:
        kind: ``birthday`` or ``festival``.
        days_ahead: How many days before the occasion it is listed, 0 to 60.
        tiers: The tier names it applies to, at least one.
    """

    kind: Touchpoint = attrs.field(validator=_kind_in(_GREETINGS))
    days_ahead: int = attrs.field(validator=[at_least(0), at_most(60)])
    tiers: tuple[str, ...] = attrs.field(validator=[min_items(1), each(_TIER)])


@attrs.frozen(kw_only=True)
class CarePolicy:
    """Which touchpoints each tier gets, and how often.

    >>> policy = CarePolicy(
    ...     cadences=(Cadence(kind=Touchpoint.MANAGER_CONTACT, months=1, tiers=("gold",)),),
    ...     greetings=(Greeting(kind=Touchpoint.BIRTHDAY, days_ahead=3, tiers=("gold",)),),
    ... )
    >>> [c.kind.value for c in policy.cadences]
    ['manager_contact']

    Attributes:
        cadences: Recurring contacts, each kind at most once.
        greetings: Greetings, each kind at most once.
    """

    cadences: tuple[Cadence, ...] = attrs.field(
        default=(), validator=unique(lambda c: c.kind.value, "cadence kind")
    )
    greetings: tuple[Greeting, ...] = attrs.field(
        default=(), validator=unique(lambda g: g.kind.value, "greeting kind")
    )


@attrs.frozen(kw_only=True)
class Festival:
    """One festival day in one year, as data (lunar dates are looked up, not computed).

    >>> Festival(
    ...     key="mid_autumn",
    ...     name=Label(zh="中秋节", en="Mid-Autumn Festival"),
    ...     on=date(2026, 9, 25),
    ... ).on.year
    2026

    Attributes:
        key: A stable identifier of the festival, such as ``"spring_festival"``.
        name: Its name in zh and en.
        on: Its date that year.
    """

    key: str = attrs.field(validator=text(40))
    name: Label
    on: date


@attrs.frozen(kw_only=True)
class FestivalCalendar:
    """Festival days for the years ``first_year`` to ``last_year``, and no others.

    Asking about a year outside that range raises
    :class:`FestivalCoverageError` instead of silently answering "no
    festivals".

    >>> cal = FestivalCalendar(
    ...     first_year=2026,
    ...     last_year=2026,
    ...     festivals=(
    ...         Festival(
    ...             key="mid_autumn",
    ...             name=Label(zh="中秋节", en="Mid-Autumn Festival"),
    ...             on=date(2026, 9, 25),
    ...         ),
    ...     ),
    ... )
    >>> [f.key for f in cal.between(date(2026, 9, 1), date(2026, 10, 1))]
    ['mid_autumn']
    >>> cal.between(date(2026, 12, 1), date(2027, 1, 2))
    Traceback (most recent call last):
    ...
    pmcrm.care.FestivalCoverageError: the festival calendar covers 2026-2026, not 2027

    Attributes:
        first_year: The first year covered.
        last_year: The last year covered, not before *first_year*.
        festivals: The festival days, each inside the covered years, each
            ``(key, year)`` at most once.
    """

    first_year: int = attrs.field(validator=[at_least(1), at_most(9999)])
    last_year: int = attrs.field(validator=[at_least(1), at_most(9999)])
    festivals: tuple[Festival, ...] = attrs.field(
        default=(), validator=unique(lambda f: (f.key, f.on.year), "festival and year")
    )

    def __attrs_post_init__(self) -> None:
        if self.last_year < self.first_year:
            raise InvalidValue(
                "last_year",
                "ge",
                value=self.last_year,
                bound=self.first_year,
                subpath=".last_year",
            )
        for i, festival in enumerate(self.festivals):
            if not self.first_year <= festival.on.year <= self.last_year:
                raise InvalidValue(
                    "on",
                    "format",
                    value=festival.on.isoformat(),
                    what=f"date in the covered years {self.first_year}-{self.last_year}",
                    what_zh=f"覆盖年份 {self.first_year}–{self.last_year} 内的日期",
                    subpath=f".festivals[{i}].on",
                )

    def covers(self, year: int) -> bool:
        """Whether the calendar holds data for *year*."""
        return self.first_year <= year <= self.last_year

    def between(self, start: date, end: date) -> tuple[Festival, ...]:
        """The festivals on days from *start* to *end*, both included, by date then key.

        Raises:
            FestivalCoverageError: a year from *start* to *end* is not covered.
        """
        return festivals_between(self, start, end)


def festivals_between(calendar: FestivalCalendar, start: date, end: date) -> tuple[Festival, ...]:
    """The rule behind :meth:`FestivalCalendar.between`."""
    for year in range(start.year, end.year + 1):
        if not calendar.covers(year):
            raise FestivalCoverageError(year, calendar.first_year, calendar.last_year)
    found = [f for f in calendar.festivals if start <= f.on <= end]
    return tuple(sorted(found, key=lambda f: (f.on, f.key)))


@attrs.frozen(kw_only=True)
class ContactLog:
    """A touchpoint that happened: who, what kind, on which day.

    >>> ContactLog(customer_id="C-1", kind=Touchpoint.BIRTHDAY, on=date(2026, 5, 4)).kind.value
    'birthday'

    Attributes:
        customer_id: Whose contact.
        kind: Which touchpoint.
        on: The day it happened.
    """

    customer_id: str = attrs.field(validator=_ID)
    kind: Touchpoint
    on: date


@attrs.frozen(kw_only=True)
class DueTouchpoint:
    """A touchpoint due for a customer, with why.

    Attributes:
        customer_id: Whose touchpoint.
        kind: Which touchpoint.
        due: The day it is due (for a greeting: the occasion).
        overdue: Whether *due* is before the day asked about.
        days_overdue: How many days overdue (0 when not overdue).
        last: The last contact of this kind on record, if any (recurring contacts only).
        occasion: For a greeting, the occasion's key (``"birthday"`` or the festival's key).
        reason: Why, with the figures, in zh and en.
    """

    customer_id: str
    kind: Touchpoint
    due: date
    overdue: bool
    days_overdue: int
    last: date | None
    occasion: str | None
    reason: Reason

    @property
    def sort_key(self) -> tuple[date, int, str]:
        """``(due, kind order, occasion)``: the order of a customer's list."""
        return (self.due, _RANK[self.kind], self.occasion or "")


# --- rules -----------------------------------------------------------------------------


def last_contact(
    customer_id: str, kind: Touchpoint, logs: Iterable[ContactLog], as_of: date
) -> date | None:
    """The latest day on or before *as_of* with a contact of *kind* in *logs*.

    Logs after *as_of* are ignored (the list is as of that day).

    Raises:
        InvalidValue: a log belongs to another customer.

    >>> logs = (
    ...     ContactLog(customer_id="C-1", kind=Touchpoint.QUESTIONNAIRE, on=date(2026, 1, 5)),
    ...     ContactLog(customer_id="C-1", kind=Touchpoint.QUESTIONNAIRE, on=date(2026, 4, 2)),
    ... )
    >>> last_contact("C-1", Touchpoint.QUESTIONNAIRE, logs, date(2026, 3, 1))
    datetime.date(2026, 1, 5)
    """
    latest: date | None = None
    for log in logs:
        if log.customer_id != customer_id:
            raise InvalidValue(
                "customer_id",
                "reference",
                value=log.customer_id,
                what="customer (the contact log is another customer's)",
                what_zh="客户（联系记录属于其他客户）",
            )
        if log.kind is kind and log.on <= as_of and (latest is None or log.on > latest):
            latest = log.on
    return latest


def _status(due_on: date, as_of: date) -> tuple[bool, int, str, str]:
    days = (as_of - due_on).days
    if days > 0:
        return True, days, f"已逾期 {days} 天", f"{days} days overdue"
    if days == 0:
        return False, 0, "今天到期", "due today"
    return False, 0, f"还有 {-days} 天到期", f"due in {-days} days"


def next_contact(
    customer_id: str, cadence: Cadence, logs: Iterable[ContactLog], as_of: date
) -> DueTouchpoint:
    """The next contact of *cadence*'s kind, as of *as_of*, whether due yet or not.

    Due ``cadence.months`` months after the last contact (``relativedelta``,
    clipping to the month's end: 31 January + 1 month = 28/29 February); on
    *as_of* if there is none on record.

    >>> c = Cadence(kind=Touchpoint.MANAGER_CONTACT, months=1, tiers=("gold",))
    >>> log = ContactLog(customer_id="C-1", kind=c.kind, on=date(2026, 1, 31))
    >>> next_contact("C-1", c, (log,), date(2026, 2, 1)).due
    datetime.date(2026, 2, 28)
    """
    kind = cadence.kind
    last = last_contact(customer_id, kind, logs, as_of)
    if last is None:
        reason = Reason(
            code=f"care.{kind.value}.never",
            zh="{kind}：无联系记录 → 即日到期（{due}）",
            en="{kind_en}: no contact on record → due now ({due})",
            figures=(
                ("kind", kind.label.zh),
                ("kind_en", kind.label.en),
                ("due", as_of.isoformat()),
            ),
        )
        return DueTouchpoint(
            customer_id=customer_id,
            kind=kind,
            due=as_of,
            overdue=False,
            days_overdue=0,
            last=None,
            occasion=None,
            reason=reason,
        )
    due_on = last + relativedelta(months=cadence.months)
    overdue, days, status_zh, status_en = _status(due_on, as_of)
    reason = Reason(
        code=f"care.{kind.value}",
        zh="{kind}：上次 {last}，每 {months} 个月 → {due} 到期，{status}",
        en="{kind_en}: last {last}, every {months} month(s) → due {due}, {status_en}",
        figures=(
            ("kind", kind.label.zh),
            ("kind_en", kind.label.en),
            ("last", last.isoformat()),
            ("months", str(cadence.months)),
            ("due", due_on.isoformat()),
            ("status", status_zh),
            ("status_en", status_en),
        ),
    )
    return DueTouchpoint(
        customer_id=customer_id,
        kind=kind,
        due=due_on,
        overdue=overdue,
        days_overdue=days,
        last=last,
        occasion=None,
        reason=reason,
    )


def birthday_in(birth_date: date, year: int) -> date | None:
    """The day the birthday of *birth_date* is kept in *year*, or ``None`` before birth.

    A 29 February birthday is kept on 28 February in common years
    (``relativedelta`` clips to the month's end).

    >>> birthday_in(date(1988, 2, 29), 2027), birthday_in(date(1988, 2, 29), 2028)
    (datetime.date(2027, 2, 28), datetime.date(2028, 2, 29))
    """
    if year <= birth_date.year:
        return None
    return birth_date + relativedelta(years=year - birth_date.year)


def _sent(kind: Touchpoint, logs: tuple[ContactLog, ...], start: date, end: date) -> bool:
    return any(log.kind is kind and start <= log.on <= end for log in logs)


def _greetings(  # noqa: PLR0917 - a private helper with one call shape
    customer: Customer,
    greeting: Greeting,
    logs: tuple[ContactLog, ...],
    festivals: FestivalCalendar,
    as_of: date,
    last_day: date,
) -> Iterator[DueTouchpoint]:
    """Greetings whose occasion is in ``[as_of, last_day + days_ahead]`` and not yet sent."""
    ahead = timedelta(days=greeting.days_ahead)
    until = last_day + ahead
    occasions: list[tuple[date, str, Label]] = []
    if greeting.kind is Touchpoint.BIRTHDAY:
        if customer.birth_date is not None:
            for year in range(as_of.year, until.year + 1):
                day = birthday_in(customer.birth_date, year)
                if day is not None and as_of <= day <= until:
                    occasions.append((day, "birthday", _BIRTHDAY))
    else:
        occasions.extend((f.on, f.key, f.name) for f in festivals.between(as_of, until))
    for day, key, name in occasions:
        if _sent(greeting.kind, logs, day - ahead, min(day, as_of)):
            continue
        _overdue, _days, status_zh, status_en = _status(day, as_of)
        reason = Reason(
            code=f"care.{greeting.kind.value}",
            zh="{kind}：{name} {due}，提前 {ahead} 天列出，{status}",
            en="{kind_en}: {name_en} on {due}, listed {ahead} days ahead, {status_en}",
            figures=(
                ("kind", greeting.kind.label.zh),
                ("kind_en", greeting.kind.label.en),
                ("name", name.zh),
                ("name_en", name.en),
                ("due", day.isoformat()),
                ("ahead", str(greeting.days_ahead)),
                ("status", status_zh),
                ("status_en", status_en),
            ),
        )
        yield DueTouchpoint(
            customer_id=customer.customer_id,
            kind=greeting.kind,
            due=day,
            overdue=False,
            days_overdue=0,
            last=None,
            occasion=key,
            reason=reason,
        )


def due(  # noqa: PLR0917 - the signature issue 4 specifies; as_of stays explicit
    customer: Customer,
    tier: str,
    last_contacts: Iterable[ContactLog],
    policy: CarePolicy,
    festivals: FestivalCalendar,
    as_of: date,
    horizon_days: int = 7,
) -> tuple[DueTouchpoint, ...]:
    """The touchpoints due for *customer* (in *tier*) from *as_of* to ``as_of + horizon_days``.

    * a recurring contact is listed, once, when its next due day is on or
      before the horizon's last day (overdue ones included);
    * a greeting is listed when its listing window (``days_ahead`` days
      before the occasion up to the occasion) meets the horizon and it was
      not sent in that window.

    Only the policy's entries naming *tier* apply.  The result is sorted by
    due day, then kind (in :class:`Touchpoint` order), then occasion; it does
    not depend on the order of *last_contacts*.

    Raises:
        InvalidValue: *horizon_days* is negative, or a log is another customer's.
        FestivalCoverageError: festival greetings apply and the festival
            calendar does not cover the years looked at.

    >>> from pmcrm.sample import sample_portfolio
    >>> customer = attrs.evolve(sample_portfolio()[0], birth_date=date(1980, 12, 1))
    >>> policy = CarePolicy(
    ...     cadences=(Cadence(kind=Touchpoint.MANAGER_CONTACT, months=1, tiers=("gold",)),),
    ...     greetings=(Greeting(kind=Touchpoint.BIRTHDAY, days_ahead=3, tiers=("gold",)),),
    ... )
    >>> cal = FestivalCalendar(first_year=2026, last_year=2026)
    >>> logs = (
    ...     ContactLog(
    ...         customer_id=customer.customer_id,
    ...         kind=Touchpoint.MANAGER_CONTACT,
    ...         on=date(2026, 10, 31),
    ...     ),
    ... )
    >>> for item in due(customer, "gold", logs, policy, cal, date(2026, 11, 23)):
    ...     print(item.kind.value, item.due, item.reason.figure("status_en"))
    manager_contact 2026-11-30 due in 7 days
    birthday 2026-12-01 due in 8 days
    """
    if type(horizon_days) is not int or horizon_days < 0:
        raise InvalidValue("horizon_days", "ge", value=horizon_days, bound=0)
    logs = tuple(last_contacts)
    last_day = as_of + timedelta(days=horizon_days)
    found: list[DueTouchpoint] = []
    for cadence in policy.cadences:
        if tier in cadence.tiers:
            item = next_contact(customer.customer_id, cadence, logs, as_of)
            if item.due <= last_day:
                found.append(item)
    for greeting in policy.greetings:
        if tier in greeting.tiers:
            found.extend(_greetings(customer, greeting, logs, festivals, as_of, last_day))
    found.sort(key=lambda d: d.sort_key)
    return tuple(found)


def due_list(
    portfolio: Iterable[tuple[Customer, str, tuple[ContactLog, ...]]],
    policy: CarePolicy,
    festivals: FestivalCalendar,
    as_of: date,
    horizon_days: int = 7,
) -> Iterator[DueTouchpoint]:
    """The due touchpoints of each ``(customer, tier, contact logs)``, lazily (it streams).

    Customers come in portfolio order; each customer's touchpoints are in
    :func:`due`'s order.

    >>> list(
    ...     due_list(
    ...         [],
    ...         CarePolicy(),
    ...         FestivalCalendar(first_year=2026, last_year=2026),
    ...         date(2026, 11, 23),
    ...     )
    ... )
    []
    """
    for customer, tier, logs in portfolio:
        yield from due(customer, tier, logs, policy, festivals, as_of, horizon_days)
