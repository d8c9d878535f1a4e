"""The quota ledger (额度台账): redemptions, reversals, balances and checks.

A :class:`QuotaLedger` is an immutable record of :class:`Redemption` and
:class:`Reversal` events.  :func:`redeem` and :func:`reverse` return a new
ledger or raise :class:`EntitlementError` with a :class:`Refusal` code and
reasons in zh and en; they never double-spend: each redemption carries a
reference (a booking number…) that can be redeemed only once, and a unit
is spent only while the quota of its term has one left.

Quotas count the customer's non-reversed redemptions of a benefit code in
the term around the day (see :func:`term_window`), whichever entitlement
they were made under; the quota is that of the entitlement held on the day
(when several hold the same code, the one that started last).

>>> from datetime import date
>>> from pmcrm.benefits.catalogue import ComplimentaryService, Term, TermKind
>>> from pmcrm.benefits.entitlements import Entitlement, Source
>>> from pmcrm.values import Label
>>> cleaning = ComplimentaryService(
...     code="cleaning",
...     service=Label(zh="上门保洁", en="house cleaning"),
...     units=1,
...     term=Term(kind=TermKind.CALENDAR_YEAR),
... )
>>> held = [
...     Entitlement(
...         customer_id="C-1",
...         benefit=cleaning,
...         source=Source.TIER,
...         start=date(2025, 1, 1),
...         end=None,
...         tier="gold",
...         anchor=date(2025, 1, 1),
...     )
... ]
>>> ledger = redeem(QuotaLedger(), "C-1", "cleaning", date(2026, 3, 2), held, ref="B-1")
>>> balance(ledger, "C-1", "cleaning", date(2026, 6, 1), held).explain("en")
'1/1 used on 2026-03-02 in the calendar year 2026-01-01 to 2026-12-31; 0 left'
>>> redeem(ledger, "C-1", "cleaning", date(2026, 6, 1), held, ref="B-2")
Traceback (most recent call last):
...
pmcrm.benefits.ledger.EntitlementError: Quota used up: 1/1 used on 2026-03-02 in the ...
>>> ledger = reverse(ledger, "C-1", "B-1", date(2026, 6, 1))
>>> can_use("C-1", "cleaning", date(2026, 6, 1), held, ledger).allowed
True
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from pmcrm.benefits.catalogue import QuotaBenefit, Term, TermKind
from pmcrm.benefits.entitlements import Entitlement
from pmcrm.errors import InvalidValue, PmcrmError
from pmcrm.explain import Reason, render
from pmcrm.validators import text, unique
from pmcrm.values import LabelledEnum, Lang, Period

__all__ = [
    "Balance",
    "EntitlementError",
    "QuotaLedger",
    "Redemption",
    "Refusal",
    "Reversal",
    "UseCheck",
    "balance",
    "can_use",
    "redeem",
    "reverse",
    "term_window",
]

_REF = text(64)


class Refusal(LabelledEnum):
    """Why a use, a redemption or a reversal was refused."""

    NOT_ENTITLED = "not_entitled", "未享有该权益", "Not entitled"
    OUTSIDE_WINDOW = "outside_window", "不在权益有效期内", "Outside the validity window"
    QUOTA_USED_UP = "quota_used_up", "本期额度已用完", "Quota used up"
    WRONG_CUSTOMER = "wrong_customer", "客户不符", "Wrong customer"
    DUPLICATE = "duplicate", "该单号已核销，不可重复核销", "Reference already redeemed"
    NOT_REDEEMABLE = "not_redeemable", "该权益没有额度，无需核销", "Not a quota benefit"
    UNKNOWN_REDEMPTION = "unknown_redemption", "找不到该核销记录", "No such redemption"
    ALREADY_REVERSED = "already_reversed", "该核销已撤销", "Redemption already reversed"
    BEFORE_REDEMPTION = "before_redemption", "撤销日期早于核销日期", "Reversal before redemption"


class EntitlementError(PmcrmError):
    """A use, a redemption or a reversal was refused.

    Attributes:
        refusal: Why, as a stable code.
        reasons: The figures behind it, in zh and en.
    """

    def __init__(self, refusal: Refusal, reasons: tuple[Reason, ...]) -> None:
        self.refusal = refusal
        self.reasons = reasons
        super().__init__(self.message("en"))

    def message(self, lang: Lang | str = Lang.EN) -> str:
        """The refusal and its reasons in *lang*."""
        separator = "：" if Lang(lang) is Lang.ZH else ": "
        return self.refusal.text(lang) + separator + render(self.reasons, lang)


@attrs.frozen(kw_only=True)
class Redemption:
    """One unit of a quota benefit used.

    Attributes:
        ref: The reference of the use (a booking number); unique in a ledger.
        customer_id: Who used it.
        benefit: The benefit's code.
        on: The day of the use.
    """

    ref: str = attrs.field(validator=_REF)
    customer_id: str = attrs.field(validator=text(64))
    benefit: str = attrs.field(validator=text(64))
    on: date


@attrs.frozen(kw_only=True)
class Reversal:
    """A redemption cancelled: its unit returns to the quota.

    Attributes:
        ref: The reference of the redemption reversed.
        on: The day of the reversal.
    """

    ref: str = attrs.field(validator=_REF)
    on: date


@attrs.frozen(kw_only=True)
class QuotaLedger:
    """An immutable record of redemptions and reversals.

    >>> QuotaLedger(reversals=(Reversal(ref="B-9", on=date(2026, 1, 1)),))
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'ref' refers to an unknown redemption: 'B-9'

    Attributes:
        redemptions: Every redemption; no two share a reference.
        reversals: Every reversal; each of a known redemption, at most once.
    """

    redemptions: tuple[Redemption, ...] = attrs.field(
        default=(), validator=unique(lambda r: r.ref, "ref")
    )
    reversals: tuple[Reversal, ...] = attrs.field(
        default=(), validator=unique(lambda r: r.ref, "ref")
    )

    def __attrs_post_init__(self) -> None:
        known = {r.ref for r in self.redemptions}
        for index, reversal in enumerate(self.reversals):
            if reversal.ref not in known:
                raise InvalidValue(
                    "ref",
                    "reference",
                    value=reversal.ref,
                    what="redemption",
                    what_zh="核销记录",
                    subpath=f".reversals[{index}].ref",
                )

    def active(self, customer_id: str, benefit: str) -> tuple[Redemption, ...]:
        """The redemptions of *benefit* by *customer_id* that were not reversed."""
        return active_redemptions(self, customer_id, benefit)


def active_redemptions(
    ledger: QuotaLedger, customer_id: str, benefit: str
) -> tuple[Redemption, ...]:
    """The rule of :meth:`QuotaLedger.active`."""
    reversed_refs = {r.ref for r in ledger.reversals}
    return tuple(
        r
        for r in ledger.redemptions
        if r.customer_id == customer_id and r.benefit == benefit and r.ref not in reversed_refs
    )


def term_window(term: Term, on: date, anchor: date) -> Period:
    """The term of a quota around *on*.

    * calendar year: the year of *on*;
    * membership year: the year starting on an anniversary of *anchor*,
      computed with :class:`~dateutil.relativedelta.relativedelta` from
      *anchor* each time (never chained), so a 29 February anchor gives
      28 February in common years and 29 February again in leap years;
    * rolling months: the *months* months up to and including *on*
      (:meth:`~pmcrm.values.Period.trailing`: clipped to the month's end).

    >>> term = Term(kind=TermKind.MEMBERSHIP_YEAR)
    >>> term_window(term, date(2025, 2, 28), anchor=date(2024, 2, 29))
    Period(start=datetime.date(2025, 2, 28), end=datetime.date(2026, 2, 28))
    >>> term_window(term, date(2025, 2, 27), anchor=date(2024, 2, 29))
    Period(start=datetime.date(2024, 2, 29), end=datetime.date(2025, 2, 28))
    """
    if term.kind is TermKind.CALENDAR_YEAR:
        return Period.year(on.year)
    if term.kind is TermKind.MEMBERSHIP_YEAR:
        years = on.year - anchor.year
        if anchor + relativedelta(years=years) > on:
            years -= 1
        return Period(
            start=anchor + relativedelta(years=years), end=anchor + relativedelta(years=years + 1)
        )
    return Period.trailing(on, months=term.months or 0)


def _fits(benefit: QuotaBenefit, anchor: date, on: date, used: Sequence[date]) -> bool:
    """Whether one more use on *on* keeps every term within the quota.

    A calendar or membership year is a fixed term.  A rolling window
    slides: a back-dated use also counts in the windows ending at later
    uses, so every window that holds *on* and ends on *on* or on a later
    use is checked (the count of a sliding window changes only at uses).
    """
    term = benefit.term
    if term.kind is not TermKind.ROLLING_MONTHS:
        window = term_window(term, on, anchor)
        return sum(1 for d in used if d in window) < benefit.units
    for end in [on, *(d for d in used if d > on)]:
        window = term_window(term, end, anchor)
        if on in window and sum(1 for d in used if d in window) >= benefit.units:
            return False
    return True


@attrs.frozen(kw_only=True)
class Balance:
    """What is left of a quota on a day, and why.

    Attributes:
        customer_id: Whose quota.
        benefit: The benefit's code.
        as_of: The day.
        units: The quota per term.
        window: The term around *as_of*.
        used_on: The days of the non-reversed uses in *window*, in order.
        term: The term, in zh and en.
    """

    customer_id: str
    benefit: str
    as_of: date
    units: int
    window: Period
    used_on: tuple[date, ...]
    term: Term

    @property
    def used(self) -> int:
        """How many units were used in the window."""
        return len(self.used_on)

    @property
    def remaining(self) -> int:
        """How many units are left (never negative)."""
        return max(self.units - self.used, 0)

    @property
    def reason(self) -> Reason:
        """The balance as a :class:`~pmcrm.explain.Reason`."""
        return balance_reason(self)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The balance in *lang*, such as "1/1 used on 2026-03-02 …; 0 left"."""
        return self.reason.text(lang)


def balance_reason(b: Balance) -> Reason:
    """The reason behind a balance: used, quota, days, term, window, left."""
    days = ", ".join(d.isoformat() for d in b.used_on)
    figures = (
        ("used", str(b.used)),
        ("units", str(b.units)),
        ("days", days),
        ("term_zh", b.term.describe("zh")),
        ("term_en", b.term.describe("en")),
        ("start", b.window.start.isoformat()),
        ("end", (b.window.end - timedelta(days=1)).isoformat()),
        ("left", str(b.remaining)),
    )
    on_zh, on_en = (f"（{days}）", f" on {days}") if b.used_on else ("", "")
    return Reason(
        code="benefit.balance",
        zh="已用 {used}/{units}" + on_zh + "，{term_zh} {start} 至 {end}，剩余 {left}",
        en="{used}/{units} used" + on_en + " in the {term_en} {start} to {end}; {left} left",
        figures=figures,
    )


@attrs.frozen(kw_only=True)
class UseCheck:
    """Whether a customer may use a benefit on a day, and why.

    Attributes:
        allowed: Yes or no.
        customer_id: Who asked.
        benefit: The benefit's code.
        as_of: The day.
        refusal: When refused, why, as a stable code.
        entitlement: The entitlement that applies, if any.
        balance: For a quota benefit held on the day, its balance.
        reasons: Why, in zh and en.
    """

    allowed: bool
    customer_id: str
    benefit: str
    as_of: date
    refusal: Refusal | None = None
    entitlement: Entitlement | None = None
    balance: Balance | None = None
    reasons: tuple[Reason, ...] = ()

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The verdict and its reasons, one per line, in *lang*."""
        zh = Lang(lang) is Lang.ZH
        if self.allowed:
            head = "可以使用" if zh else "Allowed"
        else:
            assert self.refusal is not None  # noqa: S101 - set whenever refused
            head = ("不可使用：" if zh else "Refused: ") + self.refusal.text(lang)
        return "\n".join([head, render(self.reasons, lang)])


def _spans(held: Sequence[Entitlement]) -> str:
    return ", ".join(
        f"{e.start.isoformat()}–{'' if e.end is None else e.end.isoformat()}" for e in held
    )


def _check(
    customer_id: str,
    benefit: str,
    as_of: date,
    held: Iterable[Entitlement],
    ledger: QuotaLedger,
) -> UseCheck:
    held = tuple(held)

    def refused(refusal: Refusal, reason: Reason) -> UseCheck:
        return UseCheck(
            allowed=False,
            customer_id=customer_id,
            benefit=benefit,
            as_of=as_of,
            refusal=refusal,
            reasons=(reason,),
        )

    others = sorted({e.customer_id for e in held if e.customer_id != customer_id})
    if others:
        reason = Reason(
            code="benefit.wrong_customer",
            zh="给出的权益属于其他客户：{others}",
            en="the entitlements given belong to another customer: {others}",
            figures=(("others", ", ".join(others)),),
        )
        return refused(Refusal.WRONG_CUSTOMER, reason)
    matching = [e for e in held if e.code == benefit]
    if not matching:
        reason = Reason(
            code="benefit.not_entitled",
            zh="未享有权益 {benefit}",
            en="holds no benefit {benefit}",
            figures=(("benefit", benefit),),
        )
        return refused(Refusal.NOT_ENTITLED, reason)
    active = [e for e in matching if e.active_on(as_of)]
    if not active:
        reason = Reason(
            code="benefit.outside_window",
            zh="{day} 不在权益 {benefit} 的有效期内（{spans}）",
            en="{day} is outside the validity of {benefit} ({spans})",
            figures=(
                ("day", as_of.isoformat()),
                ("benefit", benefit),
                ("spans", _spans(matching)),
            ),
        )
        return refused(Refusal.OUTSIDE_WINDOW, reason)
    entitlement = max(active, key=lambda e: e.start)
    held_reason = Reason(
        code="benefit.entitled",
        zh="享有：{zh}",
        en="holds: {en}",
        figures=(("zh", entitlement.describe("zh")), ("en", entitlement.describe("en"))),
    )
    quota = entitlement.benefit
    if not isinstance(quota, QuotaBenefit):
        return UseCheck(
            allowed=True,
            customer_id=customer_id,
            benefit=benefit,
            as_of=as_of,
            entitlement=entitlement,
            reasons=(held_reason,),
        )
    used = [r.on for r in ledger.active(customer_id, benefit)]
    window = term_window(quota.term, as_of, entitlement.anchor)
    current = Balance(
        units=quota.units,
        window=window,
        used_on=tuple(sorted(d for d in used if d in window)),
        term=quota.term,
        customer_id=customer_id,
        benefit=benefit,
        as_of=as_of,
    )
    fits = _fits(quota, entitlement.anchor, as_of, used)
    return UseCheck(
        allowed=fits,
        refusal=None if fits else Refusal.QUOTA_USED_UP,
        entitlement=entitlement,
        balance=current,
        reasons=(current.reason,) if not fits else (held_reason, current.reason),
        customer_id=customer_id,
        benefit=benefit,
        as_of=as_of,
    )


def can_use(
    customer_id: str,
    benefit: str,
    as_of: date,
    held: Iterable[Entitlement],
    ledger: QuotaLedger | None = None,
) -> UseCheck:
    """Whether *customer_id* may use *benefit* (a code) on *as_of*, with reasons.

    *held* are the customer's entitlements (from
    :func:`~pmcrm.benefits.entitlements.entitlement_history`, or only those
    of the day from :func:`~pmcrm.benefits.entitlements.entitlements`).  A
    quota benefit is allowed only while the ledger leaves a unit in its term.

    >>> from pmcrm.benefits.catalogue import AccessKind, AccessRight
    >>> from pmcrm.benefits.entitlements import Entitlement, Source
    >>> held = [
    ...     Entitlement(
    ...         customer_id="C-1",
    ...         benefit=AccessRight(code="hotline", kind=AccessKind.DEDICATED_HOTLINE),
    ...         source=Source.PROMOTION,
    ...         start=date(2026, 1, 1),
    ...         end=date(2026, 4, 1),
    ...         anchor=date(2026, 1, 1),
    ...     )
    ... ]
    >>> print(can_use("C-1", "hotline", date(2026, 4, 1), held).explain("zh"))
    不可使用：不在权益有效期内
    2026-04-01 不在权益 hotline 的有效期内（2026-01-01–2026-04-01）
    >>> print(can_use("C-1", "hotline", date(2026, 3, 31), held).explain("en"))
    Allowed
    holds: Dedicated hotline — promotion, 2026-01-01 to 2026-03-31
    """
    return _check(customer_id, benefit, as_of, held, ledger or QuotaLedger())


def _not_redeemable(benefit: str) -> EntitlementError:
    reason = Reason(
        code="benefit.not_redeemable",
        zh="{benefit} 没有使用额度",
        en="{benefit} has no quota to redeem",
        figures=(("benefit", benefit),),
    )
    return EntitlementError(Refusal.NOT_REDEEMABLE, (reason,))


def redeem(
    ledger: QuotaLedger,
    customer_id: str,
    benefit: str,
    on: date,
    held: Iterable[Entitlement],
    *,
    ref: str,
) -> QuotaLedger:
    """A new ledger with one unit of *benefit* used on *on* under reference *ref*.

    Raises:
        EntitlementError: with :class:`Refusal` ``duplicate`` (the reference
            was redeemed before, even if reversed since), ``wrong_customer``,
            ``not_entitled``, ``outside_window``, ``not_redeemable`` (not a
            quota benefit) or ``quota_used_up``.
    """
    if any(r.ref == ref for r in ledger.redemptions):
        reason = Reason(
            code="benefit.duplicate",
            zh="单号 {ref} 已核销过",
            en="reference {ref} was redeemed before",
            figures=(("ref", ref),),
        )
        raise EntitlementError(Refusal.DUPLICATE, (reason,))
    check = _check(customer_id, benefit, on, held, ledger)
    if check.refusal is not None:
        raise EntitlementError(check.refusal, check.reasons)
    if check.balance is None:
        raise _not_redeemable(benefit)
    used = Redemption(ref=ref, customer_id=customer_id, benefit=benefit, on=on)
    return attrs.evolve(ledger, redemptions=(*ledger.redemptions, used))


def reverse(ledger: QuotaLedger, customer_id: str, ref: str, on: date) -> QuotaLedger:
    """A new ledger with redemption *ref* reversed on *on*: its unit returns.

    Raises:
        EntitlementError: with :class:`Refusal` ``unknown_redemption``,
            ``wrong_customer``, ``already_reversed`` or ``before_redemption``.
    """
    figures = (("ref", ref), ("day", on.isoformat()))
    found = [r for r in ledger.redemptions if r.ref == ref]
    if not found:
        reason = Reason(
            code="benefit.unknown_redemption",
            zh="没有单号为 {ref} 的核销记录",
            en="no redemption has reference {ref}",
            figures=figures,
        )
        raise EntitlementError(Refusal.UNKNOWN_REDEMPTION, (reason,))
    redemption = found[0]
    if redemption.customer_id != customer_id:
        reason = Reason(
            code="benefit.wrong_customer",
            zh="核销 {ref} 属于其他客户",
            en="redemption {ref} belongs to another customer",
            figures=figures,
        )
        raise EntitlementError(Refusal.WRONG_CUSTOMER, (reason,))
    if any(r.ref == ref for r in ledger.reversals):
        reason = Reason(
            code="benefit.already_reversed",
            zh="核销 {ref} 已撤销过",
            en="redemption {ref} was reversed before",
            figures=figures,
        )
        raise EntitlementError(Refusal.ALREADY_REVERSED, (reason,))
    if on < redemption.on:
        reason = Reason(
            code="benefit.before_redemption",
            zh="{ref} 的撤销日 {day} 早于核销日 {used}",
            en="reversal of {ref} on {day} is before the redemption day {used}",
            figures=(*figures, ("used", redemption.on.isoformat())),
        )
        raise EntitlementError(Refusal.BEFORE_REDEMPTION, (reason,))
    return attrs.evolve(ledger, reversals=(*ledger.reversals, Reversal(ref=ref, on=on)))


def balance(
    ledger: QuotaLedger,
    customer_id: str,
    benefit: str,
    as_of: date,
    held: Iterable[Entitlement],
) -> Balance:
    """The balance of quota benefit *benefit* on *as_of*, explained.

    Raises:
        EntitlementError: the benefit is not held on *as_of* (``wrong_customer``,
            ``not_entitled``, ``outside_window``) or has no quota
            (``not_redeemable``).
    """
    check = _check(customer_id, benefit, as_of, held, ledger)
    if check.balance is not None:
        return check.balance
    if check.refusal is not None:
        raise EntitlementError(check.refusal, check.reasons)
    raise _not_redeemable(benefit)
