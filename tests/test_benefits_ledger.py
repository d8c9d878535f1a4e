"""The quota ledger: terms, redemptions, reversals, balances and explained checks."""

import contextlib
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.benefits import (
    AccessKind,
    AccessRight,
    ComplimentaryService,
    Entitlement,
    EntitlementError,
    QuotaLedger,
    Redemption,
    Refusal,
    Reversal,
    Source,
    Term,
    TermKind,
    balance,
    can_use,
    entitlement_history,
    redeem,
    reverse,
    term_window,
)
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure
from pmcrm.values import Label, Lang, Period
from test_benefits import CATALOGUE, HISTORY

CALENDAR = Term(kind=TermKind.CALENDAR_YEAR)
MEMBERSHIP = Term(kind=TermKind.MEMBERSHIP_YEAR)


def rolling(months: int) -> Term:
    """A rolling term of *months* months."""
    return Term(kind=TermKind.ROLLING_MONTHS, months=months)


def service(units: int = 1, term: Term = CALENDAR, code: str = "cleaning") -> ComplimentaryService:
    """A complimentary service."""
    return ComplimentaryService(
        code=code, service=Label(zh="上门保洁", en="house cleaning"), units=units, term=term
    )


def held_by(
    customer_id: str = "C-1",
    benefit: ComplimentaryService | AccessRight | None = None,
    start: date = date(2025, 1, 1),
    end: date | None = None,
) -> tuple[Entitlement, ...]:
    """One tier entitlement."""
    return (
        Entitlement(
            customer_id=customer_id,
            benefit=service() if benefit is None else benefit,
            source=Source.TIER,
            start=start,
            end=end,
            tier="gold",
            anchor=start,
        ),
    )


HELD = held_by()
EMPTY = QuotaLedger()


# --- terms ---------------------------------------------------------------------------


def test_calendar_year_term() -> None:
    """The calendar year of the day, whatever the anchor."""
    assert Period.year(2026) == term_window(CALENDAR, date(2026, 12, 31), date(2019, 7, 7))


def test_membership_years_start_on_anniversaries() -> None:
    """Membership years run anniversary to anniversary; the day itself starts a new one."""
    anchor = date(2024, 5, 10)
    assert Period(start=date(2025, 5, 10), end=date(2026, 5, 10)) == term_window(
        MEMBERSHIP, date(2025, 5, 10), anchor
    )
    assert Period(start=date(2024, 5, 10), end=date(2025, 5, 10)) == term_window(
        MEMBERSHIP, date(2025, 5, 9), anchor
    )


def test_membership_year_from_29_february_clips_and_returns() -> None:
    """From 29 February: 28 February in common years, 29 February in leap years."""
    anchor = date(2024, 2, 29)
    assert Period(start=date(2027, 2, 28), end=date(2028, 2, 29)) == term_window(
        MEMBERSHIP, date(2027, 6, 1), anchor
    )


def test_rolling_window_clips_to_the_month_end() -> None:
    """One month up to 30 March starts on 28 February (relativedelta clips)."""
    assert Period(start=date(2026, 2, 28), end=date(2026, 3, 31)) == term_window(
        rolling(1), date(2026, 3, 30), date(2020, 1, 1)
    )


# --- redeem, reverse, balance ---------------------------------------------------------


def test_redeem_uses_a_unit_and_balance_explains_it() -> None:
    """One cleaning a year: used on 2 March, nothing left until next year."""
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 2), HELD, ref="B-1")
    assert (
        Redemption(ref="B-1", customer_id="C-1", benefit="cleaning", on=date(2026, 3, 2)),
    ) == (ledger.redemptions)
    b = balance(ledger, "C-1", "cleaning", date(2026, 7, 1), HELD)
    assert (1, 1, 0) == (b.units, b.used, b.remaining)
    assert "1/1 used on 2026-03-02 in the calendar year 2026-01-01 to 2026-12-31; 0 left" == (
        b.explain("en")
    )
    assert "已用 1/1（2026-03-02），自然年 2026-01-01 至 2026-12-31，剩余 0" == b.explain(Lang.ZH)
    fresh = balance(ledger, "C-1", "cleaning", date(2027, 1, 1), HELD)
    assert "0/1 used in the calendar year 2027-01-01 to 2027-12-31; 1 left" == fresh.explain()
    assert "已用 0/1，自然年 2027-01-01 至 2027-12-31，剩余 1" == fresh.explain("zh")


def test_quota_used_up_is_refused_with_reasons() -> None:
    """A second use in the same year is refused, with the balance as the reason."""
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 2), HELD, ref="B-1")
    with pytest.raises(EntitlementError) as info:
        redeem(ledger, "C-1", "cleaning", date(2026, 12, 31), HELD, ref="B-2")
    assert Refusal.QUOTA_USED_UP is info.value.refusal
    assert (
        "本期额度已用完：已用 1/1（2026-03-02），自然年 2026-01-01 至 2026-12-31，剩余 0"
        == info.value.message("zh")
    )


def test_same_reference_never_spends_twice() -> None:
    """A reference is redeemed once, even after it was reversed."""
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 2), HELD, ref="B-1")
    ledger = reverse(ledger, "C-1", "B-1", date(2026, 3, 3))
    with pytest.raises(EntitlementError) as info:
        redeem(ledger, "C-1", "cleaning", date(2026, 3, 4), HELD, ref="B-1")
    assert Refusal.DUPLICATE is info.value.refusal
    assert "Reference already redeemed: reference B-1 was redeemed before" == str(info.value)


def test_reversal_returns_the_unit() -> None:
    """A cancelled booking returns its unit; the ledger keeps both events."""
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 2), HELD, ref="B-1")
    ledger = reverse(ledger, "C-1", "B-1", date(2026, 3, 2))
    assert (Reversal(ref="B-1", on=date(2026, 3, 2)),) == ledger.reversals
    assert () == ledger.active("C-1", "cleaning")
    assert 1 == balance(ledger, "C-1", "cleaning", date(2026, 3, 2), HELD).remaining
    ledger = redeem(ledger, "C-1", "cleaning", date(2026, 5, 1), HELD, ref="B-2")
    assert 0 == balance(ledger, "C-1", "cleaning", date(2026, 5, 1), HELD).remaining


@pytest.mark.parametrize(
    ("customer", "ref", "on", "refusal"),
    [
        ("C-1", "B-9", date(2026, 4, 1), Refusal.UNKNOWN_REDEMPTION),
        ("C-2", "B-1", date(2026, 4, 1), Refusal.WRONG_CUSTOMER),
        ("C-1", "B-2", date(2026, 4, 1), Refusal.ALREADY_REVERSED),
        ("C-1", "B-1", date(2026, 3, 1), Refusal.BEFORE_REDEMPTION),
    ],
)
def test_bad_reversals_are_refused(customer: str, ref: str, on: date, refusal: Refusal) -> None:
    """Unknown, someone else's, already reversed, or dated before the use."""
    held = held_by(benefit=service(units=2))
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 2), held, ref="B-1")
    ledger = redeem(ledger, "C-1", "cleaning", date(2026, 3, 2), held, ref="B-2")
    ledger = reverse(ledger, "C-1", "B-2", date(2026, 3, 5))
    with pytest.raises(EntitlementError) as info:
        reverse(ledger, customer, ref, on)
    assert refusal is info.value.refusal
    assert ref in info.value.message("en")


def test_redeem_refusals() -> None:
    """Not held, outside the window, someone else's entitlements, no quota."""
    held = held_by(end=date(2026, 1, 1)) + held_by(
        benefit=AccessRight(code="vip", kind=AccessKind.VIP_CHANNEL)
    )
    cases = [
        ("C-1", "plants", date(2025, 6, 1), held, Refusal.NOT_ENTITLED),
        ("C-1", "cleaning", date(2026, 1, 1), held, Refusal.OUTSIDE_WINDOW),
        ("C-1", "cleaning", date(2024, 12, 31), held, Refusal.OUTSIDE_WINDOW),
        ("C-2", "cleaning", date(2025, 6, 1), held, Refusal.WRONG_CUSTOMER),
        ("C-1", "vip", date(2025, 6, 1), held, Refusal.NOT_REDEEMABLE),
    ]
    refusals = []
    for customer, code, on, entitled, _ in cases:
        with pytest.raises(EntitlementError) as info:
            redeem(EMPTY, customer, code, on, entitled, ref="B-1")
        refusals.append(info.value.refusal)
    assert [c[-1] for c in cases] == refusals


def test_balance_refuses_what_is_not_a_held_quota() -> None:
    """A balance needs a quota benefit held on the day."""
    vip = held_by(benefit=AccessRight(code="vip", kind=AccessKind.VIP_CHANNEL))
    with pytest.raises(EntitlementError) as info:
        balance(EMPTY, "C-1", "vip", date(2026, 1, 1), vip)
    assert Refusal.NOT_REDEEMABLE is info.value.refusal
    with pytest.raises(EntitlementError) as info:
        balance(EMPTY, "C-1", "cleaning", date(2026, 1, 1), vip)
    assert Refusal.NOT_ENTITLED is info.value.refusal
    assert "未享有该权益：未享有权益 cleaning" == info.value.message("zh")


def test_rolling_quota_counts_back_dated_uses_in_later_windows() -> None:
    """One use per 3 months: a back-dated use may not crowd a later window."""
    held = held_by(benefit=service(term=rolling(3)))
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 1), held, ref="B-1")
    with pytest.raises(EntitlementError):
        redeem(ledger, "C-1", "cleaning", date(2026, 1, 15), held, ref="B-2")
    ledger = redeem(ledger, "C-1", "cleaning", date(2025, 12, 1), held, ref="B-3")
    ledger = redeem(ledger, "C-1", "cleaning", date(2026, 6, 1), held, ref="B-4")
    b = balance(ledger, "C-1", "cleaning", date(2026, 6, 1), held)
    assert "1/1 used on 2026-06-01 in the rolling 3 months 2026-03-02 to 2026-06-01; 0 left" == (
        b.explain()
    )


def test_membership_quota_resets_on_the_anniversary() -> None:
    """A membership year counted from the tier's start resets on the anniversary."""
    held = held_by(benefit=service(term=MEMBERSHIP), start=date(2025, 4, 1))
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 31), held, ref="B-1")
    ledger = redeem(ledger, "C-1", "cleaning", date(2026, 4, 1), held, ref="B-2")
    with pytest.raises(EntitlementError):
        redeem(ledger, "C-1", "cleaning", date(2026, 12, 1), held, ref="B-3")


def test_ledger_is_checked_and_round_trips() -> None:
    """Reversals refer to known redemptions; refs are unique; the ledger serialises."""
    with pytest.raises(InvalidValue, match="'ref' refers to an unknown redemption: 'X'"):
        QuotaLedger(reversals=(Reversal(ref="X", on=date(2026, 1, 1)),))
    one = Redemption(ref="B-1", customer_id="C-1", benefit="cleaning", on=date(2026, 3, 2))
    with pytest.raises(InvalidValue, match="'redemptions' has a duplicate entry: 'B-1'"):
        QuotaLedger(redemptions=(one, one))
    ledger = QuotaLedger(redemptions=(one,), reversals=(Reversal(ref="B-1", on=date(2026, 3, 3)),))
    assert ledger == structure(unstructure(ledger), QuotaLedger)
    data = unstructure(ledger)
    data["reversals"][0]["ref"] = "B-2"
    with pytest.raises(ValidationError) as info:
        structure(data, QuotaLedger)
    assert ("$.reversals[0].ref",) == info.value.report.paths


# --- can_use -----------------------------------------------------------------------------


def test_can_use_explains_yes_and_no_in_both_languages() -> None:
    """Yes with the entitlement and the balance; no with the reason."""
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 2), HELD, ref="B-1")
    yes = can_use("C-1", "cleaning", date(2027, 2, 1), HELD, ledger)
    assert yes.allowed
    assert (
        "Allowed\n"
        "holds: 1 × house cleaning per calendar year — tier gold, 2025-01-01 to open-ended\n"
        "0/1 used in the calendar year 2027-01-01 to 2027-12-31; 1 left"
    ) == yes.explain("en")
    no = can_use("C-1", "cleaning", date(2026, 4, 1), HELD, ledger)
    assert (False, Refusal.QUOTA_USED_UP, 0) == (
        no.allowed,
        no.refusal,
        no.balance.remaining if no.balance else None,
    )
    assert (
        "不可使用：本期额度已用完\n已用 1/1（2026-03-02），自然年 2026-01-01 至 2026-12-31，剩余 0"
        == no.explain("zh")
    )
    wrong = can_use("C-1", "cleaning", date(2026, 4, 1), held_by("C-9"))
    assert "Refused: Wrong customer\nthe entitlements given belong to another customer: C-9" == (
        wrong.explain()
    )


def test_can_use_prefers_the_latest_entitlement() -> None:
    """In the grace period of gold, platinum's channel (started later) applies."""
    held = entitlement_history("C-1", HISTORY, CATALOGUE)
    check = can_use("C-1", "vip_channel", date(2026, 1, 10), held)
    assert check.allowed
    assert check.entitlement is not None
    assert "platinum" == check.entitlement.tier
    assert check.balance is None
    assert "可以使用\n享有：VIP 专属通道，无需排队（会员等级 platinum，2026-01-01 至 长期）" == (
        check.explain("zh")
    )


def test_tier_cleaning_through_the_catalogue() -> None:
    """Platinum's yearly cleaning, from the catalogue, is counted per calendar year."""
    held = entitlement_history("C-1", HISTORY, CATALOGUE)
    ledger = redeem(EMPTY, "C-1", "cleaning", date(2026, 3, 2), held, ref="B-1")
    assert not can_use("C-1", "cleaning", date(2026, 9, 1), held, ledger).allowed
    assert can_use("C-1", "cleaning", date(2027, 1, 1), held, ledger).allowed


# --- properties ------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
TERMS = st.one_of(st.just(CALENDAR), st.just(MEMBERSHIP), st.integers(1, 12).map(rolling))


def try_redeem(
    ledger: QuotaLedger, on: date, held: tuple[Entitlement, ...], ref: str
) -> QuotaLedger:
    """Redeem, or keep the ledger when refused."""
    try:
        return redeem(ledger, "C-1", "cleaning", on, held, ref=ref)
    except EntitlementError:
        return ledger


@given(TERMS, st.integers(1, 3), st.lists(DAYS, max_size=25))
def test_successful_redemptions_never_exceed_the_quota(
    term: Term, units: int, attempts: list[date]
) -> None:
    """Whatever the order of attempts, no term holds more uses than the quota."""
    held = held_by(benefit=service(units=units, term=term), start=date(2024, 2, 29))
    ledger = EMPTY
    for index, day in enumerate(attempts):
        ledger = try_redeem(ledger, day, held, f"B-{index}")
    used = [r.on for r in ledger.redemptions]
    for day in used:
        window = term_window(term, day, date(2024, 2, 29))
        if term.kind is TermKind.ROLLING_MONTHS:
            # every window that ends on a use and holds it
            windows = [term_window(term, end, date(2024, 2, 29)) for end in used if end >= day]
            assert all(sum(1 for d in used if d in w) <= units for w in windows)
        assert sum(1 for d in used if d in window) <= units
    if attempts:
        assert len(ledger.redemptions) >= 1


@given(TERMS, st.integers(1, 3), st.lists(DAYS, max_size=10), DAYS, DAYS)
def test_redeem_then_reverse_restores_the_balance(
    term: Term, units: int, before: list[date], day: date, later: date
) -> None:
    """A redemption followed by its reversal leaves every balance as it was."""
    held = held_by(benefit=service(units=units, term=term))
    ledger = EMPTY
    for index, used_on in enumerate(before):
        ledger = try_redeem(ledger, used_on, held, f"B-{index}")
    check = can_use("C-1", "cleaning", day, held, ledger)
    if not check.allowed:
        assert Refusal.QUOTA_USED_UP is check.refusal
        return
    after = redeem(ledger, "C-1", "cleaning", day, held, ref="NEW")
    after = reverse(after, "C-1", "NEW", max(day, later))
    for as_of in (day, later):
        assert balance(ledger, "C-1", "cleaning", as_of, held) == balance(
            after, "C-1", "cleaning", as_of, held
        )
    assert attrs.evolve(after, redemptions=after.redemptions[:-1], reversals=()) == attrs.evolve(
        ledger, reversals=()
    )


@given(st.lists(st.tuples(st.booleans(), DAYS, st.integers(0, 8)), max_size=30))
def test_interleaved_redemptions_and_reversals_keep_balances_sound(
    steps: list[tuple[bool, date, int]],
) -> None:
    """After any mix of redemptions and reversals, used + remaining is the quota."""
    held = held_by(benefit=service(units=2, term=CALENDAR))
    ledger = EMPTY
    for index, (is_redeem, day, target) in enumerate(steps):
        if is_redeem:
            ledger = try_redeem(ledger, day, held, f"B-{index}")
        else:
            with contextlib.suppress(EntitlementError):
                ledger = reverse(ledger, "C-1", f"B-{target}", day)
        for year in (2025, 2026, 2027):
            b = balance(ledger, "C-1", "cleaning", date(year, 6, 1), held)
            assert b.used + b.remaining == 2
            assert b.used <= 2
