"""Tier conditions (VIP 评定条件): typed, composable, serialisable rules.

Each condition is a frozen attrs class with two methods:

* ``holds(customer, context) -> bool`` — the plain rule, fast;
* ``check(customer, context) -> ConditionResult`` — the same rule with its
  figures, the threshold, the verdict and, when it fails, what is missing,
  in zh and en.

Thresholds qualify at equality (``>=``).  Every condition is monotone: more
fees, more years, more referrals or more participation never turn a pass
into a failure, so raising a figure never lowers a tier.

Integrators write their own conditions the same way and register them on
their converter with
:meth:`~pmcrm.serialization.PmcrmConverter.register_variants`.

>>> from datetime import date
>>> from pmcrm.values import Money
>>> rule = AnyOf(
...     conditions=(
...         AnnualFeeAtLeast(amount=Money.of("200000")),
...         ConsecutiveYears(years=5, each_at_least=Money.of("100000")),
...     )
... )
>>> rule.describe("en")
'any of: (annual property-service fee >= 200000 CNY; 5 consecutive fee years, each >= 100000 CNY)'
"""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from pmcrm.customers import Customer, ServiceNeed
from pmcrm.errors import CurrencyMismatch, InvalidValue
from pmcrm.explain import Reason
from pmcrm.validators import at_least, at_most, min_items, non_negative_money, text
from pmcrm.values import Lang, Money, Period

__all__ = [
    "CONDITIONS",
    "AllOf",
    "AnnualFeeAtLeast",
    "AnyNOf",
    "AnyOf",
    "BusinessGrowthAtLeast",
    "Condition",
    "ConditionResult",
    "ConsecutiveYears",
    "Designated",
    "Designation",
    "ParticipationAtLeast",
    "ReferralsAtLeast",
    "TierContext",
    "YearsOfPurchase",
]


@attrs.frozen(kw_only=True)
class Designation:
    """A designation by management (管理层认定), e.g. for a major strategic contribution.

    Attributes:
        tier: The tier's name the customer is designated for.
        by: Who designated (a role or a name of staff, not the customer).
        on: When.
        reason: Why.
        expires_on: The first day it no longer holds; ``None`` for no expiry.
    """

    tier: str = attrs.field(validator=text(40))
    by: str = attrs.field(validator=text(100))
    on: date
    reason: str = attrs.field(validator=text(500))
    expires_on: date | None = None

    def active_on(self, day: date) -> bool:
        """Whether the designation holds on *day*."""
        return designation_active(self, day)


def designation_active(designation: Designation, day: date) -> bool:
    """From its date until (not including) its expiry."""
    return designation.on <= day and (
        designation.expires_on is None or day < designation.expires_on
    )


@attrs.frozen(kw_only=True)
class TierContext:
    """What a condition may look at besides the customer.

    Attributes:
        as_of: The day of the evaluation.
        tier: The name of the tier whose conditions are being checked.
        designations: The customer's designations by management.
    """

    as_of: date
    tier: str = ""
    designations: tuple[Designation, ...] = ()


@attrs.frozen(kw_only=True)
class ConditionResult:
    """The outcome of one condition, with its figures.

    Attributes:
        passed: Whether the condition holds.
        reason: What was checked: observed value, threshold, verdict.
        missing: When it failed, what would make it pass ("needs ¥X more").
        children: For combinators, the result of each part.
    """

    passed: bool
    reason: Reason
    missing: Reason | None = None
    children: tuple["ConditionResult", ...] = ()

    def lines(self, lang: Lang | str = Lang.EN, depth: int = 0) -> list[str]:
        """The result and its parts, indented, in *lang*."""
        out = ["  " * depth + self.reason.text(lang)]
        for child in self.children:
            out.extend(child.lines(lang, depth + 1))
        return out

    def shortfalls(self) -> tuple[Reason, ...]:
        """What is missing, from the leaves of a failed result."""
        if self.passed:
            return ()
        if not self.children:
            return () if self.missing is None else (self.missing,)
        return tuple(r for child in self.children for r in child.shortfalls())


@runtime_checkable
class Condition(Protocol):
    """A tier condition: a frozen attrs class with these three methods."""

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """Whether the condition holds (the plain, fast rule)."""
        ...  # pragma: no cover - protocol

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """Whether it holds, with the figures (for explanations)."""
        ...  # pragma: no cover - protocol

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        ...  # pragma: no cover - protocol


def _verdict(passed: bool) -> tuple[tuple[str, str], tuple[str, str]]:
    return (
        ("verdict_zh", "满足" if passed else "不满足"),
        ("verdict_en", "met" if passed else "not met"),
    )


def _result(  # noqa: PLR0917 - a private helper with one call shape
    code: str,
    what: tuple[str, str],
    observed: str,
    threshold: str,
    passed: bool,
    missing: tuple[str, str, tuple[tuple[str, str], ...]] | None,
) -> ConditionResult:
    reason = Reason(
        code=code,
        zh=what[0] + "：实际 {observed}，要求 {threshold} → {verdict_zh}",
        en=what[1] + ": observed {observed}, required {threshold} → {verdict_en}",
        figures=(("observed", observed), ("threshold", threshold), *_verdict(passed)),
    )
    gap = None
    if not passed and missing is not None:
        gap = Reason(code=code + ".missing", zh=missing[0], en=missing[1], figures=missing[2])
    return ConditionResult(passed=passed, reason=reason, missing=gap)


# --- figures (plain functions, shared by holds, check and generated code) ------


def fee_amounts(customer: Customer, currency: str) -> list[tuple[int, Decimal]]:
    """``(year, amount)`` of every fee, all in *currency*.

    Raises:
        CurrencyMismatch: a fee is in another currency.
    """
    out = []
    for fee in customer.fees:
        money = fee.amount
        if money.currency != currency:
            raise CurrencyMismatch(money.currency, currency)
        out.append((fee.year, money.amount))
    return out


def best_fee_amount(
    customer: Customer, as_of: date, window_years: int, currency: str = "CNY"
) -> tuple[Decimal, int]:
    """The highest fee amount among the *window_years* fee years ending with ``as_of.year``.

    Returns the amount and its year, the latest year on ties (zero and
    ``as_of.year`` when there is none).
    """
    return best_in(fee_amounts(customer, currency), as_of.year, window_years)


def best_in(fees: list[tuple[int, Decimal]], year: int, window_years: int) -> tuple[Decimal, int]:
    """The rule of :func:`best_fee_amount` on ``(year, amount)`` pairs."""
    first = year - window_years + 1
    # The largest (amount, year): the latest year on ties; the first of equal pairs.
    return max(
        ((amount, fee_year) for fee_year, amount in fees if first <= fee_year <= year),
        default=(Decimal(0), year),
    )


def best_fee_in_window(
    customer: Customer, as_of: date, window_years: int, currency: str = "CNY"
) -> tuple[Money, int]:
    """:func:`best_fee_amount` as money."""
    amount, year = best_fee_amount(customer, as_of, window_years, currency)
    return Money(amount=amount, currency=currency), year


def consecutive_run(customer: Customer, as_of: date, each_at_least: Money) -> int:
    """Length of the current run of fee years each ``>= each_at_least``.

    The run ends with ``as_of.year`` if that year qualifies, else with the year
    before (the current year's fee may not be due yet); a year without a
    qualifying fee breaks it.
    """
    return run_in(fee_amounts(customer, each_at_least.currency), as_of.year, each_at_least.amount)


def run_in(fees: list[tuple[int, Decimal]], year: int, floor: Decimal) -> int:
    """The rule of :func:`consecutive_run` on ``(year, amount)`` pairs."""
    qualifying = {fee_year for fee_year, amount in fees if amount >= floor}
    if year not in qualifying:
        year -= 1
    run = 0
    while year in qualifying:
        run += 1
        year -= 1
    return run


def qualifying_years(customer: Customer, as_of: date, each_at_least: Money) -> int:
    """Fee years up to ``as_of.year`` with a fee ``>= each_at_least``, consecutive or not."""
    return years_in(
        fee_amounts(customer, each_at_least.currency), as_of.year, each_at_least.amount
    )


def years_in(fees: list[tuple[int, Decimal]], year: int, floor: Decimal) -> int:
    """The rule of :func:`qualifying_years` on ``(year, amount)`` pairs."""
    return sum(1 for fee_year, amount in fees if fee_year <= year and amount >= floor)


def count_in_window(days: Iterable[date], window: Period) -> int:
    """How many of *days* fall in *window*."""
    return sum(1 for d in days if window.start <= d < window.end)


def new_business(customer: Customer, window: Period, currency: str) -> Money:
    """Value-added and special purchases in *window*: business beyond the basic fee."""
    total = Money.zero(currency)
    for p in customer.purchases:
        if p.need is not ServiceNeed.BASIC and window.start <= p.on < window.end:
            total = total + p.amount
    return total


# --- leaf conditions -------------------------------------------------------------

_MONEY = non_negative_money()
_YEARS = [at_least(1), at_most(100)]
_MONTHS = [at_least(1), at_most(120)]
_COUNT = [at_least(1), at_most(1_000_000)]


@attrs.frozen(kw_only=True)
class AnnualFeeAtLeast:
    """The annual property-service fee reaches *amount* in a year window.

    Holds when the fee of at least one of the *window_years* fee years ending
    with the evaluation's year is ``>= amount``.

    Attributes:
        amount: The threshold, not negative.
        window_years: How many fee years to look at, ending with ``as_of.year``.
    """

    amount: Money = attrs.field(validator=_MONEY)
    window_years: int = attrs.field(default=1, validator=_YEARS)

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        amount = self.amount
        return (
            best_fee_amount(customer, context.as_of, self.window_years, amount.currency)[0]
            >= amount.amount
        )

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule with its figures; what is missing is the amount still to pay."""
        fee, year = best_fee_in_window(
            customer, context.as_of, self.window_years, self.amount.currency
        )
        passed = fee >= self.amount
        return _result(
            "tier.annual_fee",
            ("年度物业服务费", "annual property-service fee"),
            f"{fee} ({year})",
            f">= {self.amount}",
            passed,
            (
                "还需 {gap}（{year} 年度）",
                "needs {gap} more ({year} fee year)",
                (("gap", str(self.amount - fee)), ("year", str(year))),
            ),
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        zh = Lang(lang) is Lang.ZH
        text = (
            f"年度物业服务费 >= {self.amount}"
            if zh
            else (f"annual property-service fee >= {self.amount}")
        )
        if self.window_years > 1:
            text += (
                f"（近 {self.window_years} 个缴费年度之一）"
                if zh
                else f" (in one of the last {self.window_years} fee years)"
            )
        return text


@attrs.frozen(kw_only=True)
class ConsecutiveYears:
    """At least *years* consecutive fee years, each ``>= each_at_least`` (连续年限).

    The run is the current one (see :func:`consecutive_run`): a gap year breaks it.

    Attributes:
        years: The run length required, 1 to 100.
        each_at_least: The fee each year of the run must reach.
    """

    years: int = attrs.field(validator=_YEARS)
    each_at_least: Money = attrs.field(validator=_MONEY)

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return consecutive_run(customer, context.as_of, self.each_at_least) >= self.years

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule with its figures; what is missing is the years still to come."""
        run = consecutive_run(customer, context.as_of, self.each_at_least)
        return _result(
            "tier.consecutive_years",
            (
                f"连续缴费年限（每年 >= {self.each_at_least}）",
                f"consecutive fee years (each >= {self.each_at_least})",
            ),
            str(run),
            f">= {self.years}",
            run >= self.years,
            (
                "还需连续 {more} 年",
                "needs {more} more consecutive years",
                (("more", str(self.years - run)),),
            ),
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        if Lang(lang) is Lang.ZH:
            return f"连续 {self.years} 年缴费，每年 >= {self.each_at_least}"
        return f"{self.years} consecutive fee years, each >= {self.each_at_least}"


@attrs.frozen(kw_only=True)
class YearsOfPurchase:
    """At least *years* fee years (not necessarily consecutive), each ``>= each_at_least``.

    Attributes:
        years: The number of years required, 1 to 100.
        each_at_least: The fee each counted year must reach.
    """

    years: int = attrs.field(validator=_YEARS)
    each_at_least: Money = attrs.field(validator=_MONEY)

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return qualifying_years(customer, context.as_of, self.each_at_least) >= self.years

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule with its figures; what is missing is the years still to come."""
        count = qualifying_years(customer, context.as_of, self.each_at_least)
        return _result(
            "tier.years_of_purchase",
            (
                f"累计缴费年限（每年 >= {self.each_at_least}）",
                f"fee years in all (each >= {self.each_at_least})",
            ),
            str(count),
            f">= {self.years}",
            count >= self.years,
            (
                "还需 {more} 个缴费年度",
                "needs {more} more fee years",
                (("more", str(self.years - count)),),
            ),
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        if Lang(lang) is Lang.ZH:
            return f"累计 {self.years} 年缴费，每年 >= {self.each_at_least}"
        return f"{self.years} fee years in all, each >= {self.each_at_least}"


@attrs.frozen(kw_only=True)
class Designated:
    """Designated by management for the tier being evaluated, and not expired."""

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return any(
            d.tier == context.tier and designation_active(d, context.as_of)
            for d in context.designations
        )

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule, naming the designation that holds (by whom, when, why)."""
        active = [
            d
            for d in context.designations
            if d.tier == context.tier and designation_active(d, context.as_of)
        ]
        observed = (
            f"{active[0].by}, {active[0].on.isoformat()}: {active[0].reason}" if active else "-"
        )
        return _result(
            "tier.designated",
            ("管理层认定", "designated by management"),
            observed,
            context.tier,
            bool(active),
            ("需管理层认定", "needs a designation by management", ()),
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        return "管理层认定" if Lang(lang) is Lang.ZH else "designated by management"


@attrs.frozen(kw_only=True)
class ParticipationAtLeast:
    """At least *count* community activities in the trailing window (社区参与).

    Activities are participations in community events and recorded
    contributions (suggestions, volunteering, community building).

    Attributes:
        count: The threshold, at least 1.
        window_months: The trailing window ending on ``as_of``.
    """

    count: int = attrs.field(validator=_COUNT)
    window_months: int = attrs.field(validator=_MONTHS)

    def observed(self, customer: Customer, as_of: date) -> int:
        """Activities in the window."""
        window = Period.trailing(as_of, months=self.window_months)
        return count_in_window((p.on for p in customer.participations), window) + count_in_window(
            (c.on for c in customer.contributions), window
        )

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return self.observed(customer, context.as_of) >= self.count

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule with its figures."""
        seen = self.observed(customer, context.as_of)
        return _result(
            "tier.participation",
            (
                f"近 {self.window_months} 个月社区参与",
                f"community activities, last {self.window_months} months",
            ),
            str(seen),
            f">= {self.count}",
            seen >= self.count,
            (
                "还需参与 {more} 次",
                "needs {more} more activities",
                (("more", str(self.count - seen)),),
            ),
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        if Lang(lang) is Lang.ZH:
            return f"近 {self.window_months} 个月社区参与 >= {self.count} 次"
        return f">= {self.count} community activities in {self.window_months} months"


@attrs.frozen(kw_only=True)
class ReferralsAtLeast:
    """At least *count* new customers referred in the trailing window (推荐新客户).

    Attributes:
        count: The threshold, at least 1.
        window_months: The trailing window ending on ``as_of``.
    """

    count: int = attrs.field(validator=_COUNT)
    window_months: int = attrs.field(validator=_MONTHS)

    def observed(self, customer: Customer, as_of: date) -> int:
        """Referrals in the window."""
        window = Period.trailing(as_of, months=self.window_months)
        return count_in_window((r.on for r in customer.referrals), window)

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return self.observed(customer, context.as_of) >= self.count

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule with its figures."""
        seen = self.observed(customer, context.as_of)
        return _result(
            "tier.referrals",
            (
                f"近 {self.window_months} 个月推荐新客户",
                f"referrals, last {self.window_months} months",
            ),
            str(seen),
            f">= {self.count}",
            seen >= self.count,
            (
                "还需推荐 {more} 位",
                "needs {more} more referrals",
                (("more", str(self.count - seen)),),
            ),
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        if Lang(lang) is Lang.ZH:
            return f"近 {self.window_months} 个月推荐新客户 >= {self.count} 位"
        return f">= {self.count} referrals in {self.window_months} months"


@attrs.frozen(kw_only=True)
class BusinessGrowthAtLeast:
    """New business brought in the trailing window reaches *amount* (带来业务增长).

    New business is the value-added and special services bought in the window
    (see :func:`new_business`).

    Attributes:
        amount: The threshold, not negative.
        window_months: The trailing window ending on ``as_of``.
    """

    amount: Money = attrs.field(validator=_MONEY)
    window_months: int = attrs.field(default=12, validator=_MONTHS)

    def observed(self, customer: Customer, as_of: date) -> Money:
        """New business in the window."""
        window = Period.trailing(as_of, months=self.window_months)
        return new_business(customer, window, self.amount.currency)

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return self.observed(customer, context.as_of) >= self.amount

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """The rule with its figures."""
        seen = self.observed(customer, context.as_of)
        return _result(
            "tier.business_growth",
            (
                f"近 {self.window_months} 个月增值业务",
                f"new business, last {self.window_months} months",
            ),
            str(seen),
            f">= {self.amount}",
            seen >= self.amount,
            ("还需 {gap}", "needs {gap} more", (("gap", str(self.amount - seen)),)),
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        if Lang(lang) is Lang.ZH:
            return f"近 {self.window_months} 个月增值业务 >= {self.amount}"
        return f"new business >= {self.amount} in {self.window_months} months"


# --- combinators -------------------------------------------------------------------


def _combined(
    code: str, label: tuple[str, str], passed: bool, children: tuple[ConditionResult, ...]
) -> ConditionResult:
    met = sum(1 for c in children if c.passed)
    return ConditionResult(
        passed=passed,
        reason=Reason(
            code=code,
            zh=label[0] + "（满足 {met}/{total}）→ {verdict_zh}",
            en=label[1] + " ({met}/{total} met) → {verdict_en}",
            figures=(("met", str(met)), ("total", str(len(children))), *_verdict(passed)),
        ),
        children=children,
    )


def _join(conditions: Iterable[Condition], lang: Lang | str) -> str:
    return "; ".join(c.describe(lang) for c in conditions)


_PARTS = min_items(1)


@attrs.frozen(kw_only=True)
class AllOf:
    """Every one of *conditions* holds.

    Attributes:
        conditions: At least one condition.
    """

    conditions: tuple[Condition, ...] = attrs.field(validator=_PARTS)

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule (stops at the first failure)."""
        return all(c.holds(customer, context) for c in self.conditions)

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """Every part's result, and the combined verdict."""
        children = tuple(c.check(customer, context) for c in self.conditions)
        return _combined(
            "tier.all_of", ("全部满足", "all of"), all(c.passed for c in children), children
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        head = "全部满足" if Lang(lang) is Lang.ZH else "all of"
        return f"{head}: ({_join(self.conditions, lang)})"


@attrs.frozen(kw_only=True)
class AnyOf:
    """At least one of *conditions* holds (the domain's usual 满足其一).

    Attributes:
        conditions: At least one condition.
    """

    conditions: tuple[Condition, ...] = attrs.field(validator=_PARTS)

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule (stops at the first pass)."""
        return any(c.holds(customer, context) for c in self.conditions)

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """Every part's result, and the combined verdict."""
        children = tuple(c.check(customer, context) for c in self.conditions)
        return _combined(
            "tier.any_of", ("满足其一", "any of"), any(c.passed for c in children), children
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        head = "满足其一" if Lang(lang) is Lang.ZH else "any of"
        return f"{head}: ({_join(self.conditions, lang)})"


@attrs.frozen(kw_only=True)
class AnyNOf:
    """At least *n* of *conditions* hold.

    Attributes:
        n: How many must hold, from 1 to the number of conditions.
        conditions: At least one condition.
    """

    n: int = attrs.field(validator=at_least(1))
    conditions: tuple[Condition, ...] = attrs.field(validator=_PARTS)

    def __attrs_post_init__(self) -> None:
        check_any_n(self.n, len(self.conditions))

    def holds(self, customer: Customer, context: TierContext) -> bool:
        """The plain rule."""
        return sum(1 for c in self.conditions if c.holds(customer, context)) >= self.n

    def check(self, customer: Customer, context: TierContext) -> ConditionResult:
        """Every part's result, and the combined verdict."""
        children = tuple(c.check(customer, context) for c in self.conditions)
        met = sum(1 for c in children if c.passed)
        return _combined(
            "tier.any_n_of",
            (f"至少满足 {self.n} 项", f"at least {self.n} of"),
            met >= self.n,
            children,
        )

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The rule in words."""
        head = f"至少满足 {self.n} 项" if Lang(lang) is Lang.ZH else f"at least {self.n} of"
        return f"{head}: ({_join(self.conditions, lang)})"


def check_any_n(n: int, count: int) -> None:
    """*n* cannot exceed the number of conditions."""
    if n > count:
        raise InvalidValue(
            "n", "le", value=n, bound=f"the number of conditions ({count})", subpath=".n"
        )


#: The built-in conditions by their tag in JSON (``{"type": "annual_fee", ...}``).
CONDITIONS: Mapping[str, type[Condition]] = {
    "annual_fee": AnnualFeeAtLeast,
    "consecutive_years": ConsecutiveYears,
    "years_of_purchase": YearsOfPurchase,
    "designated": Designated,
    "participation": ParticipationAtLeast,
    "referrals": ReferralsAtLeast,
    "business_growth": BusinessGrowthAtLeast,
    "all_of": AllOf,
    "any_of": AnyOf,
    "any_n_of": AnyNOf,
}
