"""Pricing (计价): discount rules applied to a bill, itemised, rounded and explained.

A :class:`Bill` is a list of :class:`BillLine` (a service category and an
amount).  :func:`price` applies :class:`DiscountRule` values (a rate for one
category, or for every category) under a :class:`PricingPolicy` and returns
a :class:`PricedBill`: per line the original amount, the discount, the net
amount and the rules applied; totals of all three.

The semantics, precisely:

* **Which rules apply.** A rule applies to a line when its ``category`` is
  ``None`` (every category) or equal to the line's category.
* **Stacking.** ``Stacking.BEST_OF``: the line's rate is the single
  highest applicable rate (the first such rule, in the order given, is the
  one recorded).  ``Stacking.CUMULATIVE``: the applicable rates add up.
  In both modes the rate is then capped at
  :attr:`PricingPolicy.max_total_rate` (100 % by default), and a line with no
  applicable rule has rate 0.
* **Rounding.** Only discounts are rounded, never the amounts billed, to a
  multiple of :attr:`PricingPolicy.unit` (one fen by default) with
  :attr:`PricingPolicy.rounding_mode` (``ROUND_HALF_UP``, 四舍五入, by
  default).  ``RoundingScope.PER_LINE``: each line's exact discount
  (amount × rate) is rounded.  ``RoundingScope.PER_BILL``: the sum of
  the exact line discounts is rounded once, and that rounded total is
  allocated back to the lines by the largest-remainder method in proportion
  to their exact discounts (earlier lines first on ties, as
  :meth:`~pmcrm.values.Money.allocate` does), no line receiving more than its
  own amount.  Net = original − discount, per line.
* **What always holds.** Every line amount must be a whole number of units
  (else :class:`~pmcrm.errors.InvalidValue`); then every discount and every
  net amount is a whole number of units, ``0 <= discount <= original``,
  ``net + discount == original`` per line and in total, and each total is
  exactly the sum of its lines.  Per-line and per-bill rounding of the same
  bill differ by at most one unit per line in total.

No arithmetic uses the ambient :mod:`decimal` context: everything runs in
:data:`~pmcrm.values.MONEY_CONTEXT`.  Explanations are built only when asked
for (:meth:`PricedBill.explain`), so pricing itself stays fast.

>>> from pmcrm.values import Label, Money, Rate
>>> bill = Bill(
...     lines=(
...         BillLine(category="property_fee", description="物业费", amount=Money.of("3280.55")),
...         BillLine(category="cleaning", description="深度保洁", amount=Money.of("399.00")),
...     )
... )
>>> rules = (
...     DiscountRule(
...         rate=Rate.percent(10),
...         category="property_fee",
...         source=Label(zh="铂金物业费折扣", en="Platinum fees"),
...     ),
...     DiscountRule(
...         rate=Rate.percent(5), source=Label(zh="铂金服务折扣", en="Platinum services")
...     ),
... )
>>> priced = price(bill, rules, PricingPolicy())
>>> [str(line.discount) for line in priced.lines]
['328.06 CNY', '19.95 CNY']
>>> str(priced.original), str(priced.discount), str(priced.net)
('3679.55 CNY', '348.01 CNY', '3331.54 CNY')
>>> print(priced.explain("en"))
line 1 property_fee (物业费): 3280.55 CNY × 10% = 328.06 CNY off (Platinum fees) → 2952.49 CNY
line 2 cleaning (深度保洁): 399.00 CNY × 5% = 19.95 CNY off (Platinum services) → 379.05 CNY
rounding: per line, ROUND_HALF_UP to 0.01; stacking: best of
total: 3679.55 CNY − 348.01 CNY discount = 3331.54 CNY
"""

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
)
from fractions import Fraction
from typing import Any

import attrs

from pmcrm import _html
from pmcrm.errors import InvalidValue
from pmcrm.explain import Reason, render
from pmcrm.validators import non_negative_money, of_type, text
from pmcrm.values import (
    FEN,
    MAX_AMOUNT,
    MONEY_CONTEXT,
    Label,
    LabelledEnum,
    Lang,
    Money,
    Rate,
    _check_currency,
)

__all__ = [
    "MIN_UNIT",
    "ROUNDING_MODES",
    "Bill",
    "BillLine",
    "DiscountRule",
    "PricedBill",
    "PricedLine",
    "PricingPolicy",
    "RoundingScope",
    "Stacking",
    "describe_policy",
    "effective_rate",
    "exact_discount",
    "price",
    "price_bills",
    "priced_lines",
    "priced_reasons",
    "rule_applies",
]

#: The :mod:`decimal` rounding modes a :class:`PricingPolicy` accepts.
ROUNDING_MODES = (
    ROUND_HALF_UP,
    ROUND_HALF_EVEN,
    ROUND_HALF_DOWN,
    ROUND_UP,
    ROUND_DOWN,
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_05UP,
)


#: The smallest rounding unit a :class:`PricingPolicy` accepts: 0.000001.
MIN_UNIT = Decimal("0.000001")


class Stacking(LabelledEnum):
    """How several applicable discount rules combine on one line.

    >>> Stacking("cumulative").text("zh"), Stacking.BEST_OF.text("en")
    ('累加', 'best of')
    """

    BEST_OF = "best_of", "取最优", "best of"
    CUMULATIVE = "cumulative", "累加", "cumulative"


class RoundingScope(LabelledEnum):
    """Where discounts are rounded: on each line, or once for the whole bill.

    >>> RoundingScope.PER_BILL.value, RoundingScope.PER_BILL.text("zh")
    ('per_bill', '整单取整')
    """

    PER_LINE = "per_line", "逐行取整", "per line"
    PER_BILL = "per_bill", "整单取整", "per bill"


def _check_quantity(_inst: object, _attr: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if type(value) is not Decimal or not value.is_finite():
        raise InvalidValue(
            "quantity", "type", value=value, expected="finite Decimal", got=type(value).__name__
        )
    if value <= 0:
        raise InvalidValue("quantity", "gt", value=value, bound=0)


@attrs.frozen(kw_only=True)
class BillLine:
    """One line of a bill.

    >>> line = BillLine(category="cleaning", description="深度保洁", amount=Money.of("399.00"))
    >>> line.category, str(line.amount)
    ('cleaning', '399.00 CNY')

    Attributes:
        category: The service category, such as ``"property_fee"``; discount
            rules match on it.
        description: What was billed, for people.
        amount: The line's amount (the whole line, not a unit price), >= 0.
        quantity: How many units the amount covers, if known (> 0); for
            information only, pricing does not use it.
    """

    category: str = attrs.field(validator=text(40))
    description: str = attrs.field(validator=text(200))
    amount: Money = attrs.field(validator=[of_type(Money), non_negative_money()])
    quantity: Decimal | None = attrs.field(default=None, validator=_check_quantity)


def _check_lines(_inst: object, _attr: "attrs.Attribute[Any]", value: Iterable[object]) -> None:
    for index, line in enumerate(value):
        if not isinstance(line, BillLine):
            raise InvalidValue(
                "lines",
                "type",
                value=line,
                expected="BillLine",
                got=type(line).__name__,
                subpath=f"[{index}]",
            )


def check_bill_currency(bill: "Bill") -> None:
    """Every line of *bill* is in the bill's currency (a rule across fields)."""
    for index, line in enumerate(bill.lines):
        if line.amount.currency != bill.currency:
            raise InvalidValue(
                "lines",
                "currency",
                value=line.amount.currency,
                other=bill.currency,
                subpath=f".lines[{index}].amount.currency",
            )


@attrs.frozen(kw_only=True)
class Bill:
    """A bill: lines that are all in the bill's currency.

    >>> Bill(
    ...     lines=(
    ...         BillLine(category="parking", description="代客泊车", amount=Money.of(50, "HKD")),
    ...     )
    ... )
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'lines' mixes currencies: 'HKD' and CNY

    Attributes:
        lines: The lines, in order (may be empty).
        currency: The currency of every line and of the totals.
    """

    lines: tuple[BillLine, ...] = attrs.field(validator=_check_lines)
    currency: str = attrs.field(default="CNY", validator=_check_currency)

    def __attrs_post_init__(self) -> None:
        check_bill_currency(self)


@attrs.frozen(kw_only=True)
class DiscountRule:
    """A discount rate for one service category, or for every category.

    >>> rule = DiscountRule(
    ...     rate=Rate.percent(10),
    ...     category="property_fee",
    ...     source=Label(zh="铂金物业费折扣", en="Platinum property-fee discount"),
    ... )
    >>> rule.applies_to("property_fee"), rule.applies_to("cleaning")
    (True, False)

    Attributes:
        rate: The share of the amount taken off.
        category: The category it applies to; ``None`` for every category.
        source: Where the discount comes from, in zh and en (a tier's
            benefit, a promotion...), shown in explanations.
    """

    rate: Rate = attrs.field(validator=of_type(Rate))
    category: str | None = attrs.field(default=None, validator=attrs.validators.optional(text(40)))
    source: Label = attrs.field(validator=of_type(Label))

    def applies_to(self, category: str) -> bool:
        """Whether the rule applies to a line of *category*."""
        return rule_applies(self, category)


def rule_applies(rule: DiscountRule, category: str) -> bool:
    """The rule's category is ``None`` (every category) or *category*.

    >>> rule_applies(DiscountRule(rate=Rate.percent(5), source=Label(zh="全", en="all")), "x")
    True
    """
    return rule.category is None or rule.category == category


def _check_rounding_mode(_inst: object, _attr: "attrs.Attribute[Any]", value: object) -> None:
    if value not in ROUNDING_MODES:
        raise InvalidValue(
            "rounding_mode", "choice", value=value, choices=", ".join(ROUNDING_MODES)
        )


def _check_unit(_inst: object, _attr: "attrs.Attribute[Any]", value: object) -> None:
    if type(value) is not Decimal or not value.is_finite():
        raise InvalidValue(
            "unit", "type", value=value, expected="finite Decimal", got=type(value).__name__
        )
    if value < MIN_UNIT:
        raise InvalidValue("unit", "ge", value=value, bound=MIN_UNIT)


@attrs.frozen(kw_only=True)
class PricingPolicy:
    """How discount rules stack and how discounts are rounded.

    See the module documentation for the exact semantics.

    >>> policy = PricingPolicy(
    ...     stacking=Stacking.CUMULATIVE,
    ...     max_total_rate=Rate.percent(15),
    ...     rounding=RoundingScope.PER_BILL,
    ... )
    >>> policy.describe("zh")
    '叠加：累加（上限 15%）；取整：整单取整，ROUND_HALF_UP，单位 0.01'

    Attributes:
        stacking: Best of the applicable rates, or their sum.
        max_total_rate: The cap on a line's rate, in both stacking modes.
        rounding: Round each line's discount, or the bill's total discount.
        rounding_mode: A :mod:`decimal` rounding mode, one of
            :data:`ROUNDING_MODES`; ``ROUND_HALF_UP`` (四舍五入) by default.
        unit: The unit discounts are rounded to, at least :data:`MIN_UNIT`;
            one fen by default.  Line amounts must be whole numbers of it.
    """

    stacking: Stacking = attrs.field(default=Stacking.BEST_OF, validator=of_type(Stacking))
    max_total_rate: Rate = attrs.field(default=Rate(Decimal(1)), validator=of_type(Rate))
    rounding: RoundingScope = attrs.field(
        default=RoundingScope.PER_LINE, validator=of_type(RoundingScope)
    )
    rounding_mode: str = attrs.field(default=ROUND_HALF_UP, validator=_check_rounding_mode)
    unit: Decimal = attrs.field(default=FEN, validator=_check_unit)

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The policy in words."""
        return describe_policy(self, lang)


def describe_policy(policy: PricingPolicy, lang: Lang | str = Lang.EN) -> str:
    """The policy in *lang*: stacking (with its cap when below 100 %), then rounding.

    >>> describe_policy(PricingPolicy(rounding_mode="ROUND_HALF_EVEN"))
    'stacking: best of; rounding: per line, ROUND_HALF_EVEN to 0.01'
    """
    zh = Lang(lang) is Lang.ZH
    stacking = policy.stacking.text(lang)
    if policy.max_total_rate.value < 1:
        cap = str(policy.max_total_rate)
        stacking += f"（上限 {cap}）" if zh else f" (capped at {cap})"
    rounding = policy.rounding.text(lang)
    if zh:
        return f"叠加：{stacking}；取整：{rounding}，{policy.rounding_mode}，单位 {policy.unit}"
    return f"stacking: {stacking}; rounding: {rounding}, {policy.rounding_mode} to {policy.unit}"


def effective_rate(
    category: str, rules: Iterable[DiscountRule], policy: PricingPolicy
) -> tuple[Rate, tuple[DiscountRule, ...]]:
    """The rate a line of *category* gets, and the rules that gave it.

    >>> rules = [
    ...     DiscountRule(rate=Rate.percent(8), source=Label(zh="金卡", en="Gold")),
    ...     DiscountRule(
    ...         rate=Rate.percent(10), category="cleaning", source=Label(zh="活动", en="Promo")
    ...     ),
    ... ]
    >>> rate, applied = effective_rate("cleaning", rules, PricingPolicy())
    >>> str(rate), [r.source.en for r in applied]
    ('10%', ['Promo'])
    >>> rate, applied = effective_rate(
    ...     "cleaning",
    ...     rules,
    ...     PricingPolicy(stacking=Stacking.CUMULATIVE, max_total_rate=Rate.percent(15)),
    ... )
    >>> str(rate), [r.source.en for r in applied]
    ('15%', ['Gold', 'Promo'])
    """
    applicable = [r for r in rules if rule_applies(r, category)]
    if not applicable:
        return Rate(Decimal(0)), ()
    if policy.stacking is Stacking.BEST_OF:
        best = max(applicable, key=lambda r: r.rate.value)  # first of the highest
        value = best.rate.value
        applied: tuple[DiscountRule, ...] = (best,)
    else:
        value = Decimal(0)
        for rule in applicable:
            value = MONEY_CONTEXT.add(value, rule.rate.value)
        applied = tuple(applicable)
    cap = policy.max_total_rate.value
    return Rate(min(value, cap)), applied


@attrs.frozen(kw_only=True)
class PricedLine:
    """One line of a priced bill.

    >>> bill = Bill(lines=(BillLine(category="repair", description="换锁", amount=Money.of(120)),))
    >>> rule = DiscountRule(rate=Rate.percent(5), source=Label(zh="金卡", en="Gold"))
    >>> item = price(bill, [rule], PricingPolicy()).lines[0]
    >>> str(item.original), str(item.rate), str(item.discount), str(item.net)
    ('120 CNY', '5%', '6.00 CNY', '114.00 CNY')

    Attributes:
        line: The bill line priced; its amount is :attr:`original`.
        rate: The rate applied (after stacking and the cap).
        rules: The rules that gave the rate (empty: no discount applies).
        discount: The amount taken off, rounded (with per-bill rounding,
            this line's share of the rounded bill discount).
        net: ``original - discount``.
    """

    line: BillLine
    rate: Rate
    rules: tuple[DiscountRule, ...]
    discount: Money
    net: Money

    @property
    def original(self) -> Money:
        """The amount before discount (the bill line's amount)."""
        return self.line.amount


@attrs.frozen(kw_only=True)
class PricedBill:
    """A priced bill: each line and the totals, which always add up exactly.

    >>> bill = Bill(lines=(BillLine(category="repair", description="换锁", amount=Money.of(120)),))
    >>> rule = DiscountRule(rate=Rate.percent(5), source=Label(zh="金卡", en="Gold"))
    >>> priced = price(bill, [rule], PricingPolicy())
    >>> priced.discounts, str(priced.net)
    ((Decimal('6.00'),), '114.00 CNY')
    >>> print(priced.explain("zh"))
    第 1 行 repair（换锁）：120 CNY × 5% = 优惠 6.00 CNY（金卡）→ 114.00 CNY
    取整：逐行，按 ROUND_HALF_UP 取整到 0.01；叠加：取最优
    合计：120 CNY − 优惠 6.00 CNY = 114.00 CNY

    Pricing stores each line's rate, rules and rounded discount as plain
    columns (``rates``, ``rules``, ``discounts``); the itemised
    :class:`PricedLine` objects are built from them the first time
    ``lines`` is read, and kept.

    Attributes:
        bill: The bill priced.
        policy: The policy used.
        rates: Each line's rate, in order.
        rules: Each line's applied rules, in order.
        discounts: Each line's rounded discount, in the bill's currency.
        original: Sum of the lines' amounts before discount.
        discount: Sum of the lines' discounts.
        net: Sum of the lines' net amounts; ``original - discount``.
    """

    bill: Bill = attrs.field(repr=False)
    policy: PricingPolicy = attrs.field(repr=False)
    rates: tuple[Rate, ...] = attrs.field(repr=False)
    rules: tuple[tuple[DiscountRule, ...], ...] = attrs.field(repr=False)
    discounts: tuple[Decimal, ...] = attrs.field(repr=False)
    original: Money
    discount: Money
    net: Money

    @functools.cached_property
    def lines(self) -> tuple[PricedLine, ...]:
        """One :class:`PricedLine` per bill line, in order (built once, when first read)."""
        return priced_lines(self)

    @property
    def exact_discount(self) -> Decimal:
        """The unrounded sum of the lines' exact discounts (amount × rate)."""
        return exact_discount(self)

    def reasons(self) -> tuple[Reason, ...]:
        """Why each figure is what it is: one reason per line, then rounding and totals."""
        return priced_reasons(self)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The itemised explanation in *lang*, one statement per line."""
        return render(self.reasons(), lang)

    def _repr_html_(self) -> str:
        """The lines, the discounts and the totals as HTML, in zh and en, for notebooks."""
        return _priced_html(self)


def priced_lines(priced: PricedBill) -> tuple[PricedLine, ...]:
    """The itemised lines of *priced*: net = original − discount, per line.

    >>> bill = Bill(lines=(BillLine(category="repair", description="换锁", amount=Money.of(120)),))
    >>> [str(i.net) for i in priced_lines(price(bill, [], PricingPolicy()))]
    ['120.00 CNY']
    """
    currency = priced.bill.currency
    subtract = MONEY_CONTEXT.subtract
    return tuple(
        _priced_line(
            line,
            rate,
            rules,
            _money(discount, currency),
            _money(subtract(line.amount.amount, discount), currency),
        )
        for line, rate, rules, discount in zip(
            priced.bill.lines, priced.rates, priced.rules, priced.discounts, strict=True
        )
    )


def exact_discount(priced: PricedBill) -> Decimal:
    """Σ amount × rate over the lines of *priced*, unrounded.

    >>> bill = Bill(
    ...     lines=(BillLine(category="car_wash", description="洗车", amount=Money.of("33.30")),)
    ... )
    >>> rule = DiscountRule(rate=Rate.percent(5), source=Label(zh="金卡", en="Gold"))
    >>> exact_discount(price(bill, [rule], PricingPolicy()))
    Decimal('1.6650')
    """
    total = Decimal(0)
    for line, rate in zip(priced.bill.lines, priced.rates, strict=True):
        total = MONEY_CONTEXT.add(total, MONEY_CONTEXT.multiply(line.amount.amount, rate.value))
    return total


def _sources(rules: tuple[DiscountRule, ...], lang: Lang) -> str:
    if not rules:
        return "无适用折扣" if lang is Lang.ZH else "no discount applies"
    return " + ".join(r.source.get(lang) for r in rules)


def priced_reasons(priced: PricedBill) -> tuple[Reason, ...]:
    """The reasons of :meth:`PricedBill.reasons` (built only when asked for).

    >>> bill = Bill(lines=(BillLine(category="repair", description="换锁", amount=Money.of(120)),))
    >>> [r.code for r in priced_reasons(price(bill, [], PricingPolicy()))]
    ['pricing.line', 'pricing.rounding.per_line', 'pricing.total']
    """
    out = []
    for number, item in enumerate(priced.lines, start=1):
        out.append(
            Reason(
                code="pricing.line",
                zh="第 {number} 行 {category}（{description}）：{original} × {rate} = "
                "优惠 {discount}（{sources_zh}）→ {net}",
                en="line {number} {category} ({description}): {original} × {rate} = "
                "{discount} off ({sources_en}) → {net}",
                figures=(
                    ("number", str(number)),
                    ("category", item.line.category),
                    ("description", item.line.description),
                    ("original", str(item.original)),
                    ("rate", str(item.rate)),
                    ("discount", str(item.discount)),
                    ("net", str(item.net)),
                    ("sources_zh", _sources(item.rules, Lang.ZH)),
                    ("sources_en", _sources(item.rules, Lang.EN)),
                ),
            )
        )
    policy = priced.policy
    common = (
        ("mode", policy.rounding_mode),
        ("unit", str(policy.unit)),
        ("stacking_zh", policy.stacking.text(Lang.ZH)),
        ("stacking_en", policy.stacking.text(Lang.EN)),
    )
    if policy.rounding is RoundingScope.PER_BILL:
        out.append(
            Reason(
                code="pricing.rounding.per_bill",
                zh="取整：整单，精确优惠合计 {exact} 按 {mode} 取整到 {unit} 得 {discount}，"
                "按最大余额法分摊到各行；叠加：{stacking_zh}",
                en="rounding: per bill, exact discount {exact} rounded {mode} to {unit} "
                "is {discount}, allocated to the lines by largest remainder; "
                "stacking: {stacking_en}",
                figures=(
                    ("exact", f"{priced.exact_discount:f}"),
                    ("discount", str(priced.discount)),
                    *common,
                ),
            )
        )
    else:
        out.append(
            Reason(
                code="pricing.rounding.per_line",
                zh="取整：逐行，按 {mode} 取整到 {unit}；叠加：{stacking_zh}",
                en="rounding: per line, {mode} to {unit}; stacking: {stacking_en}",
                figures=common,
            )
        )
    out.append(
        Reason(
            code="pricing.total",
            zh="合计：{original} − 优惠 {discount} = {net}",
            en="total: {original} − {discount} discount = {net}",
            figures=(
                ("original", str(priced.original)),
                ("discount", str(priced.discount)),
                ("net", str(priced.net)),
            ),
        )
    )
    return tuple(out)


# --- the pricing kernel ------------------------------------------------------------

_new = object.__new__
_set = object.__setattr__


def _money(amount: Decimal, currency: str) -> Money:
    """A Money from a derived amount already known to be valid (skips the validators)."""
    money = _new(Money)
    _set(money, "amount", amount)
    _set(money, "currency", currency)
    return money


def _priced_line(
    line: BillLine, rate: Rate, rules: tuple[DiscountRule, ...], discount: Money, net: Money
) -> PricedLine:
    item = _new(PricedLine)
    _set(item, "line", line)
    _set(item, "rate", rate)
    _set(item, "rules", rules)
    _set(item, "discount", discount)
    _set(item, "net", net)
    return item


def _quantize_steps(amount: Decimal, unit: Decimal, mode: str, context: Context) -> Decimal:
    """*amount* rounded to a multiple of any *unit*, as :func:`~pmcrm.values.quantize_amount`.

    Its signature is that of :meth:`decimal.Decimal.quantize`, which rounds
    the same way when *unit* is a power of ten, in one step.
    """
    steps = context.divide(amount, unit).to_integral_value(rounding=mode)
    return context.multiply(steps, unit).quantize(unit, context=context)


def _not_whole(bill: Bill, unit: Decimal) -> InvalidValue:
    """The error for the first line of *bill* whose amount is not a whole number of *unit*."""
    index, amount = next(
        (i, line.amount.amount)
        for i, line in enumerate(bill.lines)
        if MONEY_CONTEXT.remainder(line.amount.amount, unit)
    )
    return InvalidValue(
        "lines",
        "format",
        value=amount,
        what=f"whole number of {unit} units",
        what_zh=f"{unit} 的整数倍",
        subpath=f"[{index}].amount.amount",
    )


def _total(amount: Decimal, currency: str) -> Money:
    """A total as Money; like ``Money(...)``, refuses 10**15 and more."""
    if amount >= MAX_AMOUNT:
        raise InvalidValue("amount", "lt", value=amount, bound="10**15 in absolute value")
    return _money(amount, currency)


class _Pricer:
    """The rules and the policy, with each category's rate resolved once."""

    __slots__ = ("_cache", "policy", "quantize", "rules")

    def __init__(self, rules: Sequence[DiscountRule], policy: PricingPolicy) -> None:
        self.rules = tuple(rules)
        self.policy = policy
        power_of_ten = policy.unit.as_tuple().digits == (1,)
        self.quantize: Callable[[Decimal, Decimal, str, Context], Decimal] = (
            Decimal.quantize if power_of_ten else _quantize_steps
        )
        self._cache: dict[str, tuple[Rate, tuple[DiscountRule, ...]]] = {}

    def resolve(self, category: str) -> tuple[Rate, tuple[DiscountRule, ...]]:
        found = self._cache[category] = effective_rate(category, self.rules, self.policy)
        return found

    def price(self, bill: Bill) -> PricedBill:
        policy = self.policy
        unit, mode, context = policy.unit, policy.rounding_mode, MONEY_CONTEXT
        multiply, add, remainder = context.multiply, context.add, context.remainder
        get, resolve, quantize = self._cache.get, self.resolve, self.quantize
        applied = []
        discounts = []
        total = total_discount = Decimal(0)
        if policy.rounding is RoundingScope.PER_LINE:
            for line in bill.lines:
                amount = line.amount.amount
                if remainder(amount, unit):
                    raise _not_whole(bill, unit)
                category = line.category
                found = get(category) or resolve(category)
                applied.append(found)
                discount = quantize(multiply(amount, found[0].value), unit, mode, context)
                discounts.append(discount)
                total = add(total, amount)
                total_discount = add(total_discount, discount)
        else:
            total_exact = Decimal(0)
            for line in bill.lines:
                amount = line.amount.amount
                if remainder(amount, unit):
                    raise _not_whole(bill, unit)
                category = line.category
                found = get(category) or resolve(category)
                applied.append(found)
                exact = multiply(amount, found[0].value)
                discounts.append(exact)
                total = add(total, amount)
                total_exact = add(total_exact, exact)
            total_discount = quantize(total_exact, unit, mode, context)
            discounts = _allocate(bill, discounts, total_discount, unit)
        currency = bill.currency
        return PricedBill(
            bill=bill,
            policy=policy,
            rates=tuple([a[0] for a in applied]),
            rules=tuple([a[1] for a in applied]),
            discounts=tuple(discounts),
            original=_total(total, currency),
            discount=_money(total_discount, currency),
            net=_money(context.subtract(total, total_discount), currency),
        )


def _allocate(bill: Bill, exact: list[Decimal], rounded: Decimal, unit: Decimal) -> list[Decimal]:
    """Share *rounded* (the rounded bill discount) among the lines, in units of *unit*.

    Largest remainder in proportion to the exact line discounts, as
    :func:`pmcrm.values.allocate_amount`, except that a line never gets more
    than its own amount.  That cap matters: a 0.01 line at 100 % beside two
    0.25 lines at 1 % has exact discounts 1, 0.25 and 0.25 fen, a rounded
    total of 2 fen, and plain largest remainder (tie, earliest first) would
    give the 0.01 line 2 fen.  One pass always suffices: the rounded total
    exceeds the exact one by less than a unit, so a line's floor share never
    passes its cap, and the lines at their cap hold less than one unit of
    the remainders, leaving enough lines with room for the units left over.
    """
    total = Fraction(sum(map(Fraction, exact)))
    units = int(Fraction(rounded) / Fraction(unit))
    if total == 0:
        return [MONEY_CONTEXT.multiply(Decimal(0), unit) for _ in exact]
    shares = [units * Fraction(e) / total for e in exact]
    caps = [int(Fraction(line.amount.amount) / Fraction(unit)) for line in bill.lines]
    floors = [int(s) for s in shares]
    left = units - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (floors[i] - shares[i], i))
    room = [i for i in order if floors[i] < caps[i]]
    for i in room[:left]:
        floors[i] += 1
    return [MONEY_CONTEXT.multiply(Decimal(f), unit) for f in floors]


def price(bill: Bill, rules: Sequence[DiscountRule], policy: PricingPolicy) -> PricedBill:
    """Apply *rules* to *bill* under *policy*: the itemised :class:`PricedBill`.

    See the module documentation for the semantics.  Per-bill rounding:

    >>> bill = Bill(
    ...     lines=tuple(
    ...         BillLine(category="cleaning", description="保洁", amount=Money.of("0.10"))
    ...         for _ in range(3)
    ...     )
    ... )
    >>> rule = DiscountRule(rate=Rate.percent(5), source=Label(zh="金卡", en="Gold"))
    >>> priced = price(bill, [rule], PricingPolicy(rounding=RoundingScope.PER_BILL))
    >>> priced.discounts, str(priced.discount)
    ((Decimal('0.01'), Decimal('0.01'), Decimal('0.00')), '0.02 CNY')

    Raises:
        InvalidValue: a line amount is not a whole number of the policy's unit.
    """
    return _Pricer(rules, policy).price(bill)


def price_bills(
    bills: Iterable[Bill], rules: Sequence[DiscountRule], policy: PricingPolicy
) -> Iterator[PricedBill]:
    """Price many bills with the same rules and policy, lazily, one at a time.

    Each category's rate is resolved once for the whole stream; the results
    equal :func:`price` of each bill.

    >>> bills = [
    ...     Bill(lines=(BillLine(category="car_wash", description="洗车", amount=Money.of(n)),))
    ...     for n in (30, 45)
    ... ]
    >>> rules = [DiscountRule(rate=Rate.percent(15), source=Label(zh="钻石", en="Diamond"))]
    >>> [str(p.net) for p in price_bills(bills, rules, PricingPolicy())]
    ['25.50 CNY', '38.25 CNY']
    """
    pricer = _Pricer(rules, policy)
    for bill in bills:
        yield pricer.price(bill)


# --- rich display ---------------------------------------------------------------------


def _priced_html(priced: PricedBill) -> str:
    rows = tuple(
        (
            str(number),
            item.line.category,
            item.line.description,
            str(item.original),
            str(item.rate),
            str(item.discount),
            str(item.net),
            Label(zh=_sources(item.rules, Lang.ZH), en=_sources(item.rules, Lang.EN)),
        )
        for number, item in enumerate(priced.lines, start=1)
    )
    return _html.render(
        Label(zh="计价", en="Priced bill"),
        _html.Table(
            (
                "#",
                Label(zh="类别", en="Category"),
                Label(zh="项目", en="Description"),
                Label(zh="原价", en="Original"),
                Label(zh="折扣率", en="Rate"),
                Label(zh="优惠", en="Discount"),
                Label(zh="实收", en="Net"),
                Label(zh="折扣来源", en="Source"),
            ),
            rows,
            right=(0, 3, 4, 5, 6),
        ),
        _html.Fields(
            (
                (Label(zh="原价合计", en="Original total"), str(priced.original)),
                (Label(zh="优惠合计", en="Discount total"), str(priced.discount)),
                (Label(zh="实收合计", en="Net total"), str(priced.net)),
            )
        ),
        _html.Notes.of(priced.reasons()[-2:-1]),
    )
