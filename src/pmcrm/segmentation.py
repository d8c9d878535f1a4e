"""Customer segmentation (客户分层): a weighted value score and rule-based segments.

**Value score.**  Three factors, as the domain brief names them: spending
capacity (消费能力), frequency of service demand (服务需求频率) and
contribution (贡献度).  Each factor is scored as the observed figure divided
by the figure that earns full marks, capped at 1.  The value score is

    score = 100 × Σ wᵢ · min(1, observedᵢ / fullᵢ) / Σ wᵢ

computed exactly with fractions and rounded once, to 0.01 with ROUND_HALF_UP.
The segment follows from the policy's cut-offs: ``score >= high_cutoff`` is
high-end, ``score >= mid_cutoff`` mid-end, anything lower low-end (equality
at a cut-off qualifies).

The figures, over the policy's trailing window of ``window_months`` ending on
``as_of`` (see :meth:`pmcrm.values.Period.trailing`):

* spending: the property-service fee of the latest fee year that the window
  touches (from the window's first year to ``as_of``'s year), plus every
  service purchase in the window; an older fee no longer counts;
* frequency: the number of service purchases in the window;
* contribution: points for referrals, community participations and
  contributions in the window, each kind worth the points the policy gives.

>>> from datetime import date, timedelta
>>> from decimal import Decimal
>>> from pmcrm.values import Money
>>> policy = ValueScorePolicy(
...     window_months=12,
...     spending_weight=Decimal(5),
...     frequency_weight=Decimal(3),
...     contribution_weight=Decimal(2),
...     spending_full=Money.of("50000"),
...     frequency_full=12,
...     contribution_full=10,
...     high_cutoff=Decimal(70),
...     mid_cutoff=Decimal(40),
... )
>>> policy.weight_total
Decimal('10')

**Rule-based segments.**  A :class:`SegmentRule` combines criteria with
*all* or *any*; :func:`match_rule` says whether a customer belongs and why.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from pmcrm import _html
from pmcrm.customers import (
    Customer,
    CustomerKind,
    PropertyType,
    ServiceNeed,
    arrears_outstanding,
    fee_for_year,
)
from pmcrm.errors import CurrencyMismatch, InvalidValue
from pmcrm.explain import Reason
from pmcrm.validators import at_least, at_most, each, min_items, money_at_least, of_type, text
from pmcrm.values import Label, LabelledEnum, Lang, Money, Period, round_half_up

__all__ = [
    "CRITERIA",
    "AnnualFeeAtLeast",
    "ArrearsAtLeast",
    "Criterion",
    "CriterionCheck",
    "Factor",
    "FactorScore",
    "HasTag",
    "KindIs",
    "Match",
    "NeedsService",
    "PropertyTypeIs",
    "RuleMatch",
    "SegmentRule",
    "ServiceCountAtLeast",
    "ValueScore",
    "ValueScorePolicy",
    "ValueSegment",
    "classify",
    "match_rule",
    "score_customer",
    "segment_for",
    "segment_portfolio",
]

_SCORE_STEP = Decimal("0.01")
_HUNDRED = Decimal(100)


class ValueSegment(LabelledEnum):
    """A value segment (价值分层)."""

    HIGH = "high", "高端客户", "High-end"
    MID = "mid", "中端客户", "Mid-end"
    LOW = "low", "低端客户", "Low-end"


class Factor(LabelledEnum):
    """A factor of the value score."""

    SPENDING = "spending", "消费能力", "Spending capacity"
    FREQUENCY = "frequency", "服务需求频率", "Frequency of service demand"
    CONTRIBUTION = "contribution", "贡献度", "Contribution"


def _positive_money(_inst: object, attr: "attrs.Attribute[Money]", value: Money) -> None:
    money_at_least(Money.of("0.01", value.currency))(_inst, attr, value)


def _score(_inst: object, attr: "attrs.Attribute[Decimal]", value: Decimal) -> None:
    at_least(Decimal(0))(_inst, attr, value)
    at_most(_HUNDRED)(_inst, attr, value)


_WEIGHT = at_least(Decimal(0))


@attrs.frozen(kw_only=True)
class ValueScorePolicy:
    """How a company scores customer value: weights, full-marks figures, cut-offs.

    Every figure is the company's own choice (configuration), so none has a
    default but the contribution points.

    Attributes:
        window_months: Length of the trailing window, 1 to 120 months.
        spending_weight: Weight of spending, not negative.
        frequency_weight: Weight of service frequency, not negative.
        contribution_weight: Weight of contribution, not negative.  The three
            weights must not all be zero.
        spending_full: Spending that earns full marks, more than zero.
        frequency_full: Purchases in the window that earn full marks, at least 1.
        contribution_full: Contribution points that earn full marks, at least 1.
        referral_points: Points per referral.
        participation_points: Points per community participation.
        contribution_points: Points per recorded contribution.
        high_cutoff: Lowest score of the high-end segment, 0 to 100.
        mid_cutoff: Lowest score of the mid-end segment, 0 to 100 and not
            above *high_cutoff*.
    """

    window_months: int = attrs.field(validator=[at_least(1), at_most(120)])
    spending_weight: Decimal = attrs.field(validator=_WEIGHT)
    frequency_weight: Decimal = attrs.field(validator=_WEIGHT)
    contribution_weight: Decimal = attrs.field(validator=_WEIGHT)
    spending_full: Money = attrs.field(validator=_positive_money)
    frequency_full: int = attrs.field(validator=at_least(1))
    contribution_full: int = attrs.field(validator=at_least(1))
    referral_points: int = attrs.field(default=3, validator=at_least(0))
    participation_points: int = attrs.field(default=1, validator=at_least(0))
    contribution_points: int = attrs.field(default=2, validator=at_least(0))
    high_cutoff: Decimal = attrs.field(validator=_score)
    mid_cutoff: Decimal = attrs.field(validator=_score)

    def __attrs_post_init__(self) -> None:
        check_policy(self)

    @property
    def weight_total(self) -> Decimal:
        """The sum of the three weights."""
        return self.spending_weight + self.frequency_weight + self.contribution_weight


def check_policy(policy: ValueScorePolicy) -> None:
    """The cross-field rules of a :class:`ValueScorePolicy`."""
    if policy.weight_total <= 0:
        raise InvalidValue(
            "weights",
            "gt",
            value=policy.weight_total,
            bound="0 in sum",
            subpath=".spending_weight",
        )
    if policy.mid_cutoff > policy.high_cutoff:
        raise InvalidValue(
            "mid_cutoff",
            "le",
            value=policy.mid_cutoff,
            bound=f"high_cutoff ({policy.high_cutoff})",
            subpath=".mid_cutoff",
        )


@attrs.frozen(kw_only=True)
class FactorScore:
    """One factor of a value score, with the figures used.

    Attributes:
        factor: Which factor.
        observed: The observed figure (money as a string with currency, or a count).
        full: The figure that earns full marks.
        ratio: ``min(1, observed / full)``, rounded to 4 places for display.
        weight: The factor's weight.
    """

    factor: Factor
    observed: str
    full: str
    ratio: Decimal
    weight: Decimal

    def reason(self) -> Reason:
        """Why this factor scored as it did."""
        return Reason(
            code=f"factor.{self.factor.value}",
            zh="{factor_zh}：实际 {observed}，满分线 {full}，得分率 {ratio}，权重 {weight}",
            en="{factor_en}: observed {observed}, full marks at {full}, ratio {ratio}, "
            "weight {weight}",
            figures=(
                ("factor_zh", self.factor.label.zh),
                ("factor_en", self.factor.label.en),
                ("observed", self.observed),
                ("full", self.full),
                ("ratio", f"{self.ratio:f}"),
                ("weight", f"{self.weight:f}"),
            ),
        )


@attrs.frozen(kw_only=True)
class ValueScore:
    """A customer's value score and segment on a date, and why.

    Attributes:
        customer_id: Whose score.
        as_of: The day it was computed for.
        window: The trailing window the figures come from.
        score: 0.00 to 100.00.
        segment: High-, mid- or low-end.
        factors: The three factors, with their figures.
        high_cutoff: The policy's high-end cut-off.
        mid_cutoff: The policy's mid-end cut-off.
    """

    customer_id: str
    as_of: date
    window: Period
    score: Decimal
    segment: ValueSegment
    factors: tuple[FactorScore, ...] = attrs.field(repr=False)
    high_cutoff: Decimal
    mid_cutoff: Decimal

    def reasons(self) -> tuple[Reason, ...]:
        """The factors, then the segment decision, as reasons."""
        return value_score_reasons(self)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The reasons in *lang*, one per line."""
        return "\n".join(r.text(lang) for r in self.reasons())

    def _repr_html_(self) -> str:
        """The score, its factors and the segment decision as HTML, for notebooks."""
        return _value_score_html(self)


def value_score_reasons(result: ValueScore) -> tuple[Reason, ...]:
    """The reasons behind a :class:`ValueScore`."""
    segment = Reason(
        code=f"segment.{result.segment.value}",
        zh="价值分 {score}（高端线 {high}，中端线 {mid}）→ {segment}；统计区间 {start} 至 {end}",
        en="value score {score} (high-end from {high}, mid-end from {mid}) → {segment_en}; "
        "window {start} to {end}",
        figures=(
            ("score", f"{result.score:f}"),
            ("high", f"{result.high_cutoff:f}"),
            ("mid", f"{result.mid_cutoff:f}"),
            ("segment", result.segment.label.zh),
            ("segment_en", result.segment.label.en),
            ("start", result.window.start.isoformat()),
            ("end", (result.window.end - timedelta(days=1)).isoformat()),
        ),
    )
    return (*(f.reason() for f in result.factors), segment)


def spending_in(customer: Customer, window: Period, as_of: date, currency: str) -> Money:
    """Spending: the latest fee year the window touches plus purchases in *window*."""
    first = window.start.year
    latest = max(
        (f for f in customer.fees if first <= f.year <= as_of.year),
        key=lambda f: f.year,
        default=None,
    )
    total = Money.zero(currency) if latest is None else latest.amount
    for purchase in customer.purchases:
        if window.start <= purchase.on < window.end:
            total = total + purchase.amount
    return total


def frequency_in(customer: Customer, window: Period) -> int:
    """Service purchases in *window*."""
    return sum(1 for p in customer.purchases if window.start <= p.on < window.end)


def contribution_in(customer: Customer, window: Period, policy: ValueScorePolicy) -> int:
    """Contribution points earned in *window*."""

    def count(days: Iterable[date]) -> int:
        return sum(1 for d in days if window.start <= d < window.end)

    return (
        policy.referral_points * count(r.on for r in customer.referrals)
        + policy.participation_points * count(p.on for p in customer.participations)
        + policy.contribution_points * count(c.on for c in customer.contributions)
    )


def segment_for(score: Decimal, high_cutoff: Decimal, mid_cutoff: Decimal) -> ValueSegment:
    """The segment of *score*: equality at a cut-off qualifies."""
    if score >= high_cutoff:
        return ValueSegment.HIGH
    if score >= mid_cutoff:
        return ValueSegment.MID
    return ValueSegment.LOW


def score_customer(customer: Customer, policy: ValueScorePolicy, as_of: date) -> ValueScore:
    """The value score and segment of *customer* on *as_of* under *policy*.

    Raises:
        CurrencyMismatch: the customer's money is in another currency than
            the policy's ``spending_full``.
    """
    return score_in_window(
        customer, policy, as_of, Period.trailing(as_of, months=policy.window_months)
    )


def score_in_window(
    customer: Customer, policy: ValueScorePolicy, as_of: date, window: Period
) -> ValueScore:
    """:func:`score_customer` with the trailing window already computed.

    Exact rational arithmetic on integers (numerator, denominator), rounded
    once at the end with :func:`round_half_up`.
    """
    full_money = policy.spending_full
    spent = spending_in(customer, window, as_of, full_money.currency)
    if spent.currency != full_money.currency:
        raise CurrencyMismatch(spent.currency, full_money.currency)
    frequency = frequency_in(customer, window)
    points = contribution_in(customer, window, policy)
    spent_n, spent_d = spent.amount.as_integer_ratio()
    full_n, full_d = full_money.amount.as_integer_ratio()
    parts = (
        (
            Factor.SPENDING,
            spent_n * full_d,
            spent_d * full_n,
            policy.spending_weight,
            str(spent),
            str(full_money),
        ),
        (
            Factor.FREQUENCY,
            frequency,
            policy.frequency_full,
            policy.frequency_weight,
            str(frequency),
            str(policy.frequency_full),
        ),
        (
            Factor.CONTRIBUTION,
            points,
            policy.contribution_full,
            policy.contribution_weight,
            str(points),
            str(policy.contribution_full),
        ),
    )
    total_n, total_d = 0, 1
    factors = []
    for factor, observed_n, observed_d, weight, shown, full_shown in parts:
        # The ratio observed / full, capped at 1.
        ratio_n, ratio_d = (1, 1) if observed_n >= observed_d else (observed_n, observed_d)
        weight_n, weight_d = weight.as_integer_ratio()
        total_n = total_n * weight_d * ratio_d + weight_n * ratio_n * total_d
        total_d = total_d * weight_d * ratio_d
        factors.append(
            FactorScore(
                factor=factor,
                observed=shown,
                full=full_shown,
                ratio=round_half_up(ratio_n, ratio_d, 4),
                weight=weight,
            )
        )
    weights_n, weights_d = policy.weight_total.as_integer_ratio()
    score = round_half_up(100 * total_n * weights_d, total_d * weights_n, 2)
    return ValueScore(
        customer_id=customer.customer_id,
        as_of=as_of,
        window=window,
        score=score,
        segment=segment_for(score, policy.high_cutoff, policy.mid_cutoff),
        factors=tuple(factors),
        high_cutoff=policy.high_cutoff,
        mid_cutoff=policy.mid_cutoff,
    )


def segment_portfolio(
    customers: Iterable[Customer], policy: ValueScorePolicy, as_of: date
) -> Iterator[ValueScore]:
    """Score each customer in turn, lazily: it streams, holding one customer at a time."""
    window = Period.trailing(as_of, months=policy.window_months)
    for customer in customers:
        yield score_in_window(customer, policy, as_of, window)


# --- rule-based segments ------------------------------------------------------


class Match(LabelledEnum):
    """How a rule combines its criteria."""

    ALL = "all", "全部满足", "All of"
    ANY = "any", "任一满足", "Any of"


@attrs.frozen(kw_only=True)
class CriterionCheck:
    """The outcome of one criterion for one customer.

    Attributes:
        passed: Whether the criterion holds.
        reason: What was checked, with the figures.
    """

    passed: bool
    reason: Reason


@runtime_checkable
class Criterion(Protocol):
    """A criterion of a rule-based segment.

    Integrators write their own as frozen attrs classes with this method and
    register them on their converter with
    :meth:`pmcrm.serialization.PmcrmConverter.register_variants`.
    """

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Whether *customer* meets the criterion on *as_of*, and why."""
        ...  # pragma: no cover - protocol


def _names(members: Iterable[LabelledEnum], lang: str) -> str:
    return (
        "、".join(m.text(lang) for m in members)
        if lang == "zh"
        else ", ".join(m.text(lang) for m in members)
    )


def _membership(
    code: str, wanted: Sequence[LabelledEnum], held: Sequence[LabelledEnum], what: Label
) -> CriterionCheck:
    passed = any(h in wanted for h in held)
    return CriterionCheck(
        passed=passed,
        reason=Reason(
            code=code,
            zh=f"{what.zh}：持有 {{held_zh}}；要求其一：{{wanted_zh}} → {{verdict_zh}}",
            en=f"{what.en}: holds {{held_en}}; needs one of {{wanted_en}} → {{verdict_en}}",
            figures=(
                ("held_zh", _names(held, "zh") or "无"),
                ("held_en", _names(held, "en") or "none"),
                ("wanted_zh", _names(wanted, "zh")),
                ("wanted_en", _names(wanted, "en")),
                *_verdict(passed),
            ),
        ),
    )


def _verdict(passed: bool) -> tuple[tuple[str, str], tuple[str, str]]:
    return (
        ("verdict_zh", "满足" if passed else "不满足"),
        ("verdict_en", "met" if passed else "not met"),
    )


@attrs.frozen(kw_only=True)
class KindIs:
    """The customer holds a role of one of *kinds*.

    Attributes:
        kinds: The kinds that qualify, at least one.
    """

    kinds: tuple[CustomerKind, ...] = attrs.field(
        validator=[min_items(1), each(of_type(CustomerKind))]
    )

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Whether one of the customer's roles is of a wanted kind."""
        return _membership("criterion.kind", self.kinds, customer.kinds, Label("客户类型", "kind"))


@attrs.frozen(kw_only=True)
class PropertyTypeIs:
    """The customer holds a unit of one of *types*.

    Attributes:
        types: The property types that qualify, at least one.
    """

    types: tuple[PropertyType, ...] = attrs.field(
        validator=[min_items(1), each(of_type(PropertyType))]
    )

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Whether one of the customer's units is of a wanted type."""
        return _membership(
            "criterion.property_type",
            self.types,
            customer.property_types,
            Label("物业类型", "property type"),
        )


@attrs.frozen(kw_only=True)
class NeedsService:
    """The customer needs one of *needs*.

    Attributes:
        needs: The service needs that qualify, at least one.
    """

    needs: tuple[ServiceNeed, ...] = attrs.field(
        validator=[min_items(1), each(of_type(ServiceNeed))]
    )

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Whether the customer has a wanted service need."""
        return _membership(
            "criterion.need", self.needs, customer.needs, Label("服务需求", "service need")
        )


def _at_least_check(
    code: str, observed: str, threshold: str, passed: bool, what: Label
) -> CriterionCheck:
    return CriterionCheck(
        passed=passed,
        reason=Reason(
            code=code,
            zh=f"{what.zh}：实际 {{observed}}，门槛 ≥ {{threshold}} → {{verdict_zh}}",
            en=f"{what.en}: observed {{observed}}, threshold >= {{threshold}} → {{verdict_en}}",
            figures=(("observed", observed), ("threshold", threshold), *_verdict(passed)),
        ),
    )


@attrs.frozen(kw_only=True)
class AnnualFeeAtLeast:
    """The fee of the fee year before ``as_of``'s year (the last full year) is at least *amount*.

    Attributes:
        amount: The threshold, not negative; equality qualifies.
    """

    amount: Money = attrs.field(validator=money_at_least(Money.zero()))

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Compare last year's fee with the threshold (no record counts as zero)."""
        year = as_of.year - 1
        fee = fee_for_year(customer.fees, year) or Money.zero(self.amount.currency)
        return _at_least_check(
            "criterion.annual_fee",
            f"{fee} ({year})",
            str(self.amount),
            fee >= self.amount,
            Label("上一年度物业费", "last year's property fee"),
        )


@attrs.frozen(kw_only=True)
class ServiceCountAtLeast:
    """At least *count* service purchases in the trailing *window_months*.

    Attributes:
        count: The threshold, at least 1; equality qualifies.
        window_months: The trailing window, 1 to 120 months.
    """

    count: int = attrs.field(validator=at_least(1))
    window_months: int = attrs.field(validator=[at_least(1), at_most(120)])

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Count purchases in the window ending on *as_of*."""
        observed = frequency_in(customer, Period.trailing(as_of, months=self.window_months))
        return _at_least_check(
            "criterion.service_count",
            str(observed),
            str(self.count),
            observed >= self.count,
            Label(
                f"近 {self.window_months} 个月服务次数",
                f"services in the last {self.window_months} months",
            ),
        )


@attrs.frozen(kw_only=True)
class ArrearsAtLeast:
    """The customer owes at least *amount* on ``as_of``.

    Attributes:
        amount: The threshold, more than zero; equality qualifies.
    """

    amount: Money = attrs.field(validator=_positive_money)

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Compare what is owed on *as_of* with the threshold."""
        owed = sum(
            (a.amount for a in customer.arrears if arrears_outstanding(a, as_of)),
            Money.zero(self.amount.currency),
        )
        return _at_least_check(
            "criterion.arrears",
            str(owed),
            str(self.amount),
            owed >= self.amount,
            Label("欠费", "arrears"),
        )


@attrs.frozen(kw_only=True)
class HasTag:
    """The customer carries *tag*.

    Attributes:
        tag: The tag, compared exactly.
    """

    tag: str = attrs.field(validator=text(200))

    def check(self, customer: Customer, as_of: date) -> CriterionCheck:
        """Whether the tag is among the customer's tags."""
        passed = self.tag in customer.tags
        return CriterionCheck(
            passed=passed,
            reason=Reason(
                code="criterion.tag",
                zh="标签 {tag} → {verdict_zh}",
                en="tag {tag} → {verdict_en}",
                figures=(("tag", self.tag), *_verdict(passed)),
            ),
        )


#: The built-in criteria by their tag in JSON (``{"type": "kind", ...}``).
CRITERIA: dict[str, type[Criterion]] = {
    "kind": KindIs,
    "property_type": PropertyTypeIs,
    "need": NeedsService,
    "annual_fee_at_least": AnnualFeeAtLeast,
    "service_count_at_least": ServiceCountAtLeast,
    "arrears_at_least": ArrearsAtLeast,
    "tag": HasTag,
}


@attrs.frozen(kw_only=True)
class SegmentRule:
    """A named segment defined by criteria combined with all or any.

    Attributes:
        name: A short identifier, e.g. ``"commercial_heavy_users"``.
        label: The segment's name in zh and en.
        match: ``all`` or ``any``.
        criteria: At least one criterion.
    """

    name: str = attrs.field(validator=text(64))
    label: Label
    match: Match = Match.ALL
    criteria: tuple[Criterion, ...] = attrs.field(validator=min_items(1))


@attrs.frozen(kw_only=True)
class RuleMatch:
    """Whether a customer belongs to a rule-based segment, and why.

    Attributes:
        rule: The rule's name.
        label: The rule's label.
        matched: Whether the customer belongs.
        checks: Every criterion's outcome, in the rule's order.
    """

    rule: str
    label: Label
    matched: bool
    checks: tuple[CriterionCheck, ...] = attrs.field(repr=False)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The verdict and each check, in *lang*."""
        verdict = (
            ("属于" if self.matched else "不属于") + f"「{self.label.zh}」"
            if Lang(lang) is Lang.ZH
            else ("in" if self.matched else "not in") + f" '{self.label.en}'"
        )
        return "\n".join([verdict, *(c.reason.text(lang) for c in self.checks)])

    def _repr_html_(self) -> str:
        """The verdict and each criterion's check as HTML, in zh and en, for notebooks."""
        return _rule_match_html(self)


def match_rule(customer: Customer, rule: SegmentRule, as_of: date) -> RuleMatch:
    """Check every criterion of *rule* and combine them with its :class:`Match`."""
    checks = tuple(c.check(customer, as_of) for c in rule.criteria)
    outcomes = [c.passed for c in checks]
    matched = all(outcomes) if rule.match is Match.ALL else any(outcomes)
    return RuleMatch(rule=rule.name, label=rule.label, matched=matched, checks=checks)


def classify(
    customer: Customer, rules: Iterable[SegmentRule], as_of: date
) -> tuple[RuleMatch, ...]:
    """The customer's outcome under each rule, in the rules' order."""
    return tuple(match_rule(customer, rule, as_of) for rule in rules)


# --- rich display ---------------------------------------------------------------------


def _value_score_html(result: ValueScore) -> str:
    decision = value_score_reasons(result)[-1]
    start, end = decision.figure("start"), decision.figure("end")
    high, mid = decision.figure("high"), decision.figure("mid")
    factors: list[tuple[_html.Text, ...]] = []
    for factor in result.factors:
        reason = factor.reason()
        figures = (reason.figure(n) for n in ("observed", "full", "ratio", "weight"))
        factors.append((factor.factor.label, *figures))
    return _html.render(
        Label(zh="客户价值评分", en="Value score"),
        _html.Fields(
            (
                (Label(zh="客户", en="Customer"), result.customer_id),
                (Label(zh="评分日", en="As of"), result.as_of.isoformat()),
                (Label(zh="统计区间", en="Window"), f"{start} – {end}"),
                (Label(zh="价值分", en="Score"), decision.figure("score")),
                (Label(zh="分层", en="Segment"), result.segment.label),
                (
                    Label(zh="分界线", en="Cut-offs"),
                    Label(zh=f"高端 ≥ {high}，中端 ≥ {mid}", en=f"high ≥ {high}, mid ≥ {mid}"),
                ),
            )
        ),
        _html.Table(
            (
                Label(zh="因素", en="Factor"),
                Label(zh="实际", en="Observed"),
                Label(zh="满分线", en="Full marks"),
                Label(zh="得分率", en="Ratio"),
                Label(zh="权重", en="Weight"),
            ),
            tuple(factors),
            right=(1, 2, 3, 4),
        ),
        _html.Notes.of((decision,)),
    )


def _rule_match_html(match: RuleMatch) -> str:
    verdict = Label(zh="属于", en="in") if match.matched else Label(zh="不属于", en="not in")
    return _html.render(
        Label(zh="规则细分", en="Rule-based segment"),
        _html.Fields(
            (
                (Label(zh="规则", en="Rule"), match.rule),
                (Label(zh="细分", en="Segment"), match.label),
                (Label(zh="结果", en="Verdict"), verdict),
            )
        ),
        _html.Notes.of(c.reason for c in match.checks),
    )
