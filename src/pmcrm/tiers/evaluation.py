"""Which tier a customer qualifies for, which rule decided, and why.

:func:`evaluate` is the fast decision: the highest tier whose condition
holds, and which part of it decided.  It runs Python source generated once
per ladder from the validated rule tree (:func:`compile_ladder`); a property
test checks that it always agrees with the tree.  :func:`explain_tier`
computes the full trace — every tier checked, every condition's figures,
threshold and verdict in zh and en — only when asked.

>>> from datetime import date
>>> from pmcrm.values import Money
>>> from pmcrm.tiers.conditions import AnnualFeeAtLeast, ReferralsAtLeast
>>> from pmcrm.tiers.policy import Tier
>>> ladder = TierLadder(
...     tiers=(
...         Tier(
...             name="gold",
...             label=Label(zh="黄金", en="Gold"),
...             condition=AnyOf(
...                 conditions=(
...                     AnnualFeeAtLeast(amount=Money.of("50000")),
...                     ReferralsAtLeast(count=3, window_months=12),
...                 )
...             ),
...         ),
...     )
... )
>>> from pmcrm.sample import sample_portfolio
>>> customer = sample_portfolio()[0]
>>> evaluate(customer, ladder, date(2026, 11, 23)) == evaluate_tree(
...     customer, ladder, date(2026, 11, 23)
... )
True
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from pmcrm import _html
from pmcrm.customers import Customer, ServiceNeed
from pmcrm.errors import CurrencyMismatch, InvalidValue
from pmcrm.explain import Reason
from pmcrm.tiers.conditions import (
    AnnualFeeAtLeast,
    AnyOf,
    BusinessGrowthAtLeast,
    Condition,
    ConditionResult,
    ConsecutiveYears,
    Designated,
    Designation,
    ParticipationAtLeast,
    ReferralsAtLeast,
    TierContext,
    YearsOfPurchase,
)
from pmcrm.tiers.policy import TierLadder
from pmcrm.values import MONEY_CONTEXT, Label, Lang, Period

__all__ = [
    "ApplicationDecision",
    "TierCheck",
    "TierDecision",
    "TierExplanation",
    "apply_for",
    "compile_ladder",
    "evaluate",
    "evaluate_tree",
    "explain_tier",
]

#: ``(customer, as_of, designations) -> (rank, part index or -1)``.
Evaluator = Callable[[Customer, date, tuple[Designation, ...]], tuple[int, int]]


@attrs.frozen(kw_only=True)
class TierDecision:
    """The tier a customer qualifies for on a day, and which rule decided.

    Attributes:
        customer_id: Whose decision.
        as_of: The day.
        tier: The qualifying tier's name (the base tier if none qualifies).
        rank: 0 for the highest tier; ``len(ladder.tiers)`` for the base tier.
        decided_by: For a tier whose condition is an any-of, the index of the
            first part that holds; ``None`` for the base tier or another
            kind of condition.
    """

    customer_id: str
    as_of: date
    tier: str
    rank: int
    decided_by: int | None

    def _repr_html_(self) -> str:
        """The decision as an HTML table, for notebooks."""
        return _decision_html(self)


@attrs.frozen(kw_only=True)
class TierCheck:
    """One tier's condition checked for a customer.

    Attributes:
        tier: The tier's name.
        label: Its label.
        result: The condition's result with every figure.
    """

    tier: str
    label: Label
    result: ConditionResult


@attrs.frozen(kw_only=True)
class TierExplanation:
    """The full trace of a tier decision.

    The checks run from the highest tier down and stop at the first tier
    whose condition holds: that tier is the decision, and every tier above
    it failed.

    Attributes:
        decision: The decision.
        label: The label of the decided tier.
        checks: Each tier checked, highest first.
    """

    decision: TierDecision
    label: Label
    checks: tuple[TierCheck, ...] = attrs.field(repr=False)

    def reasons(self) -> tuple[Reason, ...]:
        """The verdict on each tier checked, then the decision."""
        verdicts = tuple(
            Reason(
                code="tier.check",
                zh="{tier_zh}：{verdict_zh}",
                en="{tier_en}: {verdict_en}",
                figures=(
                    ("tier_zh", c.label.zh),
                    ("tier_en", c.label.en),
                    ("verdict_zh", "符合" if c.result.passed else "不符合"),
                    ("verdict_en", "qualifies" if c.result.passed else "does not qualify"),
                ),
            )
            for c in self.checks
        )
        decided = Reason(
            code="tier.decision",
            zh="评定等级：{tier_zh}（{as_of}）",
            en="qualifying tier: {tier_en} (as of {as_of})",
            figures=(
                ("tier_zh", self.label.zh),
                ("tier_en", self.label.en),
                ("as_of", self.decision.as_of.isoformat()),
            ),
        )
        return (*verdicts, decided)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """Every tier checked with every condition's figures, then the decision, in *lang*."""
        lines: list[str] = []
        for check, verdict in zip(self.checks, self.reasons(), strict=False):
            lines.append(verdict.text(lang))
            lines.extend(check.result.lines(lang, 1))
        lines.append(self.reasons()[-1].text(lang))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The decision and its trace as HTML, in zh and en, for notebooks."""
        return _explanation_html(self)


@attrs.frozen(kw_only=True)
class ApplicationDecision:
    """The outcome of a customer's application for a tier (升级申请).

    Attributes:
        customer_id: Who applied.
        as_of: The day of the decision.
        requested: The tier applied for.
        requested_label: Its label.
        granted: Whether the customer qualifies for it (or a higher tier).
        qualifying: The tier the customer qualifies for.
        check: The requested tier's condition with every figure.
        missing: When refused, what is missing ("needs ¥X more this year").
    """

    customer_id: str
    as_of: date
    requested: str
    requested_label: Label
    granted: bool
    qualifying: str
    check: ConditionResult = attrs.field(repr=False)
    missing: tuple[Reason, ...] = attrs.field(repr=False)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The verdict, the figures and what is missing, in *lang*."""
        zh = Lang(lang) is Lang.ZH
        if zh:
            head = f"申请{self.requested_label.zh}：" + ("批准" if self.granted else "不予批准")
        else:
            head = f"application for {self.requested_label.en}: " + (
                "granted" if self.granted else "refused"
            )
        lines = [head, *self.check.lines(lang, 1)]
        lines.extend("  " + m.text(lang) for m in self.missing)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The verdict, the figures and what is missing as HTML, in zh and en, for notebooks."""
        return _application_html(self)


# --- the tree (reference) evaluation -------------------------------------------------


def evaluate_tree(
    customer: Customer,
    ladder: TierLadder,
    as_of: date,
    designations: tuple[Designation, ...] = (),
) -> TierDecision:
    """The decision computed by walking the rule tree (the reference for :func:`evaluate`)."""
    for rank, tier in enumerate(ladder.tiers):
        context = TierContext(as_of=as_of, tier=tier.name, designations=designations)
        condition = tier.condition
        if isinstance(condition, AnyOf):
            for index, part in enumerate(condition.conditions):
                if part.holds(customer, context):
                    return _decision(customer, as_of, ladder, rank, index)
        elif condition.holds(customer, context):
            return _decision(customer, as_of, ladder, rank, -1)
    return _decision(customer, as_of, ladder, len(ladder.tiers), -1)


_new, _set = object.__new__, object.__setattr__


def _decision(
    customer: Customer, as_of: date, ladder: TierLadder, rank: int, part: int
) -> TierDecision:
    # TierDecision has no validators: set its slots directly (it is built per customer).
    tiers = ladder.tiers
    decision = _new(TierDecision)
    _set(decision, "customer_id", customer.customer_id)
    _set(decision, "as_of", as_of)
    _set(decision, "tier", tiers[rank].name if rank < len(tiers) else ladder.base_name)
    _set(decision, "rank", rank)
    _set(decision, "decided_by", None if part < 0 else part)
    return decision


# --- the generated evaluator ---------------------------------------------------------


def _contexts_for(
    tiers: tuple[str, ...],
) -> Callable[[date, tuple[Designation, ...]], list[TierContext]]:
    """A function giving each tier's context: cached per day when there are no designations."""
    cache: dict[date, list[TierContext]] = {}

    def contexts(as_of: date, designations: tuple[Designation, ...]) -> list[TierContext]:
        if designations:
            return [TierContext(as_of=as_of, tier=t, designations=designations) for t in tiers]
        found = cache.get(as_of)
        if found is None:
            if len(cache) > 64:
                cache.clear()
            found = cache[as_of] = [TierContext(as_of=as_of, tier=t) for t in tiers]
        return found

    return contexts


class _Source:
    """The source of one generated evaluator, with its bound names.

    Built-in leaf conditions are written out as plain loops and comparisons
    on Decimals, each figure computed once, when first needed: the code a
    careful programmer would write by hand for this ladder.  Other
    conditions are called through their ``holds`` method.  A property test
    checks that the result always equals :func:`evaluate_tree`.
    """

    def __init__(self, tiers: tuple[str, ...]) -> None:
        self.names: dict[str, Any] = {
            "_contexts": _contexts_for(tiers),
            "_win": Period.trailing,
            "_mismatch": _mismatch,
            "_ZERO": Decimal(0),
            "_NONE": Decimal("-Infinity"),
            "_BASIC": ServiceNeed.BASIC,
            "_add": MONEY_CONTEXT.add,
        }
        self.lines: list[str] = []
        self.computed: set[str] = set()
        self.values: dict[object, str] = {}

    def bind(self, value: object) -> str:
        """A name for *value* in the generated module (equal values share one)."""
        key = (type(value), value)
        if key not in self.values:
            self.values[key] = f"_v{len(self.values)}"
            self.names[self.values[key]] = value
        return self.values[key]

    def once(self, variable: str, *block: str) -> str:
        """Emit *block* (computing *variable*) the first time *variable* is needed."""
        if variable not in self.computed:
            self.computed.add(variable)
            self.lines.extend(f"    {line}" for line in block)
        return variable

    def fees(self, currency: str) -> str:
        """``{year: amount}`` of the customer's fees, all in *currency*."""
        name = f"fees_{currency}"
        return self.once(
            name,
            f"{name} = {{}}",
            "for f in customer.fees:",
            "    m = f.amount",
            f"    if m.currency != {currency!r}: _mismatch(m.currency, {currency!r})",
            f"    {name}[f.year] = m.amount",
        )

    def window(self, months: int) -> str:
        """The trailing window's bounds, as two variables ``start{m}``/``end{m}``."""
        self.once(
            f"w{months}",
            f"w{months} = _win(as_of, months={months})",
            f"start{months} = w{months}.start",
            f"end{months} = w{months}.end",
        )
        return f"{months}"

    def count(self, name: str, months: int, *collections: str) -> str:
        """How many dates of *collections* fall in the window of *months*."""
        m = self.window(months)
        block = [f"{name} = 0"]
        for collection in collections:
            block.append(f"for x in customer.{collection}:")
            block.append(f"    if start{m} <= x.on < end{m}: {name} += 1")
        return self.once(name, *block)

    def test(self, part: Condition, rank: int, tier: str) -> str:
        """A Python expression that is true when *part* holds."""
        if isinstance(part, AnnualFeeAtLeast):
            fees = self.fees(part.amount.currency)
            w = part.window_years
            best = self.once(
                f"best{w}_{fees}",
                f"best{w}_{fees} = _ZERO",
                f"for y, a in {fees}.items():",
                f"    if as_of.year - {w - 1} <= y <= as_of.year and a > best{w}_{fees}:",
                f"        best{w}_{fees} = a",
            )
            return f"{best} >= {self.bind(part.amount.amount)}"
        if isinstance(part, ConsecutiveYears):
            fees = self.fees(part.each_at_least.currency)
            floor = self.bind(part.each_at_least.amount)
            run = self.once(
                f"run{floor}_{fees}",
                f"y = as_of.year if {fees}.get(as_of.year, _NONE) >= {floor} else as_of.year - 1",
                f"run{floor}_{fees} = 0",
                f"while {fees}.get(y, _NONE) >= {floor}:",
                f"    run{floor}_{fees} += 1",
                "    y -= 1",
            )
            return f"{run} >= {part.years}"
        if isinstance(part, YearsOfPurchase):
            fees = self.fees(part.each_at_least.currency)
            floor = self.bind(part.each_at_least.amount)
            years = self.once(
                f"years{floor}_{fees}",
                f"years{floor}_{fees} = 0",
                f"for y, a in {fees}.items():",
                f"    if y <= as_of.year and a >= {floor}: years{floor}_{fees} += 1",
            )
            return f"{years} >= {part.years}"
        if isinstance(part, ParticipationAtLeast):
            months = part.window_months
            seen = self.count(f"activities{months}", months, "participations", "contributions")
            return f"{seen} >= {part.count}"
        if isinstance(part, ReferralsAtLeast):
            seen = self.count(f"referrals{part.window_months}", part.window_months, "referrals")
            return f"{seen} >= {part.count}"
        if isinstance(part, BusinessGrowthAtLeast):
            m = self.window(part.window_months)
            currency = part.amount.currency
            name = f"business{m}_{currency}"
            self.once(
                name,
                f"{name} = _ZERO",
                "for p in customer.purchases:",
                f"    if p.need is not _BASIC and start{m} <= p.on < end{m}:",
                "        m = p.amount",
                f"        if m.currency != {currency!r}: _mismatch(m.currency, {currency!r})",
                f"        {name} = _add({name}, m.amount)",
            )
            return f"{name} >= {self.bind(part.amount.amount)}"
        if isinstance(part, Designated):
            name = f"designated{rank}"
            return self.once(
                name,
                f"{name} = False",
                "for d in designations:",
                f"    if d.tier == {tier!r} and d.on <= as_of and "
                "(d.expires_on is None or as_of < d.expires_on):",
                f"        {name} = True",
                "        break",
            )
        contexts = self.once("ctxs", "ctxs = _contexts(as_of, designations)")
        return f"{self.bind(part.holds)}(customer, {contexts}[{rank}])"


def _mismatch(left: str, right: str) -> None:
    """Raise the currency mismatch the plain rule functions raise."""
    raise CurrencyMismatch(left, right)


def compile_ladder(ladder: TierLadder) -> Evaluator:
    """Generate, once, a plain Python function deciding the tier for *ladder*.

    The function checks the tiers from the highest down and each part of a
    top-level any-of in turn, exactly as :func:`evaluate_tree` does, and
    returns ``(rank, part)``.  Built-in leaf conditions become inline
    comparisons whose figures are computed once, when first needed (the fee
    of the year, a consecutive run…); other conditions are called through
    their ``holds`` method with contexts built once per tier and day.
    """
    source = _Source(tuple(t.name for t in ladder.tiers))
    source.lines.append("def _decide(customer, as_of, designations):")
    for rank, tier in enumerate(ladder.tiers):
        condition = tier.condition
        parts: tuple[Condition, ...] = (
            condition.conditions if isinstance(condition, AnyOf) else (condition,)
        )
        for index, part in enumerate(parts):
            decided = index if isinstance(condition, AnyOf) else -1
            source.lines.append(f"    if {source.test(part, rank, tier.name)}:")
            source.lines.append(f"        return {rank}, {decided}")
    source.lines.append(f"    return {len(ladder.tiers)}, -1")
    exec("\n".join(source.lines), source.names)  # noqa: S102 - built from the validated ladder
    return source.names["_decide"]  # type: ignore[no-any-return]


_COMPILED: dict[int, tuple[TierLadder, Evaluator]] = {}


def _evaluator(ladder: TierLadder) -> Evaluator:
    """The compiled evaluator of *ladder*, built on first use and kept for reuse."""
    entry = _COMPILED.get(id(ladder))
    if entry is None or entry[0] is not ladder:
        if len(_COMPILED) > 32:
            _COMPILED.clear()
        entry = (ladder, compile_ladder(ladder))
        _COMPILED[id(ladder)] = entry
    return entry[1]


def evaluate(
    customer: Customer,
    ladder: TierLadder,
    as_of: date,
    designations: tuple[Designation, ...] = (),
) -> TierDecision:
    """The tier *customer* qualifies for on *as_of*, and which rule decided.

    Pure and deterministic: the same customer, ladder, day and designations
    always give the same decision, whatever the order of the records.
    """
    rank, part = _evaluator(ladder)(customer, as_of, designations)
    return _decision(customer, as_of, ladder, rank, part)


def explain_tier(
    customer: Customer,
    ladder: TierLadder,
    as_of: date,
    designations: tuple[Designation, ...] = (),
) -> TierExplanation:
    """The decision with its full trace (slower: compute it only when asked)."""
    checks = []
    for tier in ladder.tiers:
        context = TierContext(as_of=as_of, tier=tier.name, designations=designations)
        result = tier.condition.check(customer, context)
        checks.append(TierCheck(tier=tier.name, label=tier.label, result=result))
        if result.passed:
            break
    decision = evaluate(customer, ladder, as_of, designations)
    return TierExplanation(
        decision=decision, label=ladder.label(decision.tier), checks=tuple(checks)
    )


def apply_for(
    customer: Customer,
    ladder: TierLadder,
    tier: str,
    as_of: date,
    designations: tuple[Designation, ...] = (),
) -> ApplicationDecision:
    """Decide a customer's application for *tier*: granted or refused, with what is missing.

    Granted when the customer qualifies for *tier* or a higher one.

    Raises:
        InvalidValue: *tier* is not a tier of the ladder (the base tier cannot
            be applied for).
    """
    rank = ladder.rank(tier)
    if rank == len(ladder.tiers):
        raise InvalidValue(
            "tier", "choice", value=tier, choices=", ".join(t.name for t in ladder.tiers)
        )
    decision = evaluate(customer, ladder, as_of, designations)
    wanted = ladder.tiers[rank]
    context = TierContext(as_of=as_of, tier=wanted.name, designations=designations)
    result = wanted.condition.check(customer, context)
    granted = decision.rank <= rank
    return ApplicationDecision(
        customer_id=customer.customer_id,
        as_of=as_of,
        requested=tier,
        requested_label=wanted.label,
        granted=granted,
        qualifying=decision.tier,
        check=result,
        missing=() if granted else result.shortfalls(),
    )


# --- rich display ---------------------------------------------------------------------

_CUSTOMER = Label(zh="客户", en="Customer")
_AS_OF = Label(zh="评定日", en="As of")
_TIER = Label(zh="等级", en="Tier")
_RANK = Label(zh="排位（0 为最高）", en="Rank (0 = highest)")


def _decision_html(decision: TierDecision) -> str:
    part = "–" if decision.decided_by is None else str(decision.decided_by)
    return _html.render(
        Label(zh="等级评定", en="Tier decision"),
        _html.Fields(
            (
                (_CUSTOMER, decision.customer_id),
                (_AS_OF, decision.as_of.isoformat()),
                (_TIER, decision.tier),
                (_RANK, str(decision.rank)),
                (Label(zh="决定条件（序号）", en="Decided by (part index)"), part),
            )
        ),
    )


def _explanation_html(explanation: TierExplanation) -> str:
    decision = explanation.decision
    return _html.render(
        Label(zh="等级评定说明", en="Tier explanation"),
        _html.Fields(
            (
                (_CUSTOMER, decision.customer_id),
                (_AS_OF, decision.as_of.isoformat()),
                (_TIER, explanation.label),
                (_RANK, str(decision.rank)),
            )
        ),
        _html.Notes.from_text(explanation.explain(Lang.ZH), explanation.explain(Lang.EN)),
    )


def _application_html(application: ApplicationDecision) -> str:
    verdict = (
        Label(zh="批准", en="granted")
        if application.granted
        else Label(zh="不予批准", en="refused")
    )
    return _html.render(
        Label(zh="等级申请", en="Tier application"),
        _html.Fields(
            (
                (_CUSTOMER, application.customer_id),
                (_AS_OF, application.as_of.isoformat()),
                (Label(zh="申请等级", en="Requested"), application.requested_label),
                (Label(zh="结果", en="Outcome"), verdict),
                (Label(zh="符合等级", en="Qualifies for"), application.qualifying),
            )
        ),
        _html.Notes.from_text(application.explain(Lang.ZH), application.explain(Lang.EN)),
    )
