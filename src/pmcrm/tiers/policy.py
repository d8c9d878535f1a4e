"""The VIP programme as data: tiers, the ladder and its validation.

A :class:`TierLadder` lists tiers from the highest down; everyone who meets
no tier's condition is in the base tier (regular, 普通客户).  The ladder is
checked when it is built: tier names are unique, and wherever two adjacent
tiers use the same kind of threshold condition, the higher tier's
threshold is not the easier one (a Gold fee threshold above the Platinum one
is an unordered ladder).

>>> from pmcrm.values import Money
>>> from pmcrm.tiers.conditions import AnnualFeeAtLeast
>>> TierLadder(
...     tiers=(
...         Tier(
...             name="gold",
...             label=Label(zh="黄金", en="Gold"),
...             condition=AnnualFeeAtLeast(amount=Money.of("50000")),
...         ),
...         Tier(
...             name="platinum",
...             label=Label(zh="铂金", en="Platinum"),
...             condition=AnnualFeeAtLeast(amount=Money.of("100000")),
...         ),
...     )
... )
Traceback (most recent call last):
...
pmcrm.errors.InvalidValue: 'amount' must not exceed 50000 CNY, the threshold of the higher
tier 'gold': '100000 CNY'
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import attrs

from pmcrm.errors import InvalidValue
from pmcrm.tiers.conditions import (
    AnnualFeeAtLeast,
    AnyOf,
    BusinessGrowthAtLeast,
    Condition,
    ConsecutiveYears,
    ParticipationAtLeast,
    ReferralsAtLeast,
    YearsOfPurchase,
)
from pmcrm.validators import at_least, at_most, min_items, money_at_least, text, unique
from pmcrm.values import Label, LabelledEnum, Lang, Money

__all__ = [
    "DowngradeStep",
    "MonthDay",
    "ReviewPolicy",
    "ReviewSchedule",
    "ScheduleKind",
    "Tier",
    "TierLadder",
    "TierPolicy",
]

_NAME = text(40)
_BASE_LABEL = Label(zh="普通客户", en="Regular")


@attrs.frozen(kw_only=True)
class Tier:
    """One tier of a VIP programme.

    Attributes:
        name: A short identifier such as ``"diamond"``.
        label: The tier's name in zh and en (钻石 / Diamond).
        condition: What qualifies a customer; usually an
            :class:`~pmcrm.tiers.conditions.AnyOf` (满足其一).
    """

    name: str = attrs.field(validator=_NAME)
    label: Label
    condition: Condition

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The tier and its rule in words."""
        return f"{self.label.get(lang)}: {self.condition.describe(lang)}"


@attrs.frozen(kw_only=True)
class TierLadder:
    """Tiers from the highest down, and the base tier below them all.

    Attributes:
        tiers: At least one tier, highest first, names unique.
        base_name: The name of the base tier (everyone else).
        base_label: Its label.
    """

    tiers: tuple[Tier, ...] = attrs.field(
        validator=[min_items(1), unique(lambda t: t.name, "tier name")]
    )
    base_name: str = attrs.field(default="regular", validator=_NAME)
    base_label: Label = attrs.field(default=_BASE_LABEL)

    def __attrs_post_init__(self) -> None:
        check_ladder(self)

    @property
    def names(self) -> tuple[str, ...]:
        """Every tier's name, highest first, the base tier last."""
        return (*(t.name for t in self.tiers), self.base_name)

    def rank(self, name: str) -> int:
        """0 for the highest tier, ``len(tiers)`` for the base tier.

        Raises:
            InvalidValue: no tier has that name.
        """
        return tier_rank(self, name)

    def label(self, name: str) -> Label:
        """The label of the tier called *name* (the base tier included)."""
        rank = tier_rank(self, name)
        return self.base_label if rank == len(self.tiers) else self.tiers[rank].label


def tier_rank(ladder: TierLadder, name: str) -> int:
    """The position of *name* in the ladder, highest first."""
    for index, tier in enumerate(ladder.tiers):
        if tier.name == name:
            return index
    if name == ladder.base_name:
        return len(ladder.tiers)
    raise InvalidValue("tier", "choice", value=name, choices=", ".join(ladder.names))


def _top_level(condition: Condition) -> Iterator[tuple[str, Condition]]:
    """The parts of a tier's condition whose thresholds can be compared, with subpaths."""
    if isinstance(condition, AnyOf):
        for index, part in enumerate(condition.conditions):
            yield f".conditions[{index}]", part
    else:
        yield "", condition


def _threshold(condition: Condition) -> tuple[tuple[object, ...], tuple[object, ...], str] | None:
    """``(kind key, thresholds, field)`` for built-in leaf conditions, else ``None``."""
    if isinstance(condition, AnnualFeeAtLeast):
        return (
            ("annual_fee", condition.window_years, condition.amount.currency),
            (condition.amount,),
            "amount",
        )
    if isinstance(condition, (ConsecutiveYears, YearsOfPurchase)):
        return (
            (type(condition).__name__, condition.each_at_least.currency),
            (
                condition.years,
                condition.each_at_least,
            ),
            "years",
        )
    if isinstance(condition, (ParticipationAtLeast, ReferralsAtLeast)):
        return (type(condition).__name__, condition.window_months), (condition.count,), "count"
    if isinstance(condition, BusinessGrowthAtLeast):
        return (
            ("growth", condition.window_months, condition.amount.currency),
            (condition.amount,),
            "amount",
        )
    return None


def _easier(higher: tuple[object, ...], lower: tuple[object, ...]) -> bool:
    """Every threshold of *higher* is at most *lower*'s, and one is below."""
    pairs = list(zip(higher, lower, strict=True))
    return all(h <= lo for h, lo in pairs) and any(h < lo for h, lo in pairs)  # type: ignore[operator]


def check_ladder(ladder: TierLadder) -> None:
    """Comparable thresholds respect the order of the ladder.

    Every tier is compared with every higher tier (not only its neighbour),
    so a tier without a fee condition cannot hide an inversion between the
    tiers around it.
    """
    if ladder.base_name in {t.name for t in ladder.tiers}:
        raise InvalidValue(
            "base_name",
            "duplicate",
            value=ladder.base_name,
            what="tier name",
            subpath=".base_name",
        )
    for index, lower in enumerate(ladder.tiers):
        for higher in ladder.tiers[:index]:
            above = {}
            for _, part in _top_level(higher.condition):
                found = _threshold(part)
                if found is not None:
                    above[found[0]] = found[1]
            for subpath, part in _top_level(lower.condition):
                found = _threshold(part)
                if found is None or found[0] not in above:
                    continue
                key, values, field = found
                if _easier(above[key], values):
                    raise InvalidValue(
                        field,
                        "ladder_order",
                        value=", ".join(str(v) for v in values),
                        bound=", ".join(str(v) for v in above[key]),
                        tier=higher.name,
                        subpath=f".tiers[{index}].condition{subpath}.{field}",
                    )


class DowngradeStep(LabelledEnum):
    """How far a downgrade goes."""

    ONE_STEP = "one_step", "降一级", "One tier down"
    ENTITLED = "entitled", "降至符合条件的等级", "To the tier the customer qualifies for"
    BASE = "base", "降为普通客户", "To the base tier"


class ScheduleKind(LabelledEnum):
    """How review dates recur."""

    FIXED_DATES = "fixed_dates", "固定日期", "Fixed dates every year"
    ANNIVERSARY = "anniversary", "入级周年", "Anniversary of the tier"
    EVERY_N_MONTHS = "every_n_months", "每 N 个月", "Every N months"


@attrs.frozen(kw_only=True)
class MonthDay:
    """A day of the year, such as 1 January.

    Attributes:
        month: 1 to 12.
        day: A day that month has (29 February is allowed and falls only in leap years).
    """

    month: int = attrs.field(validator=[at_least(1), at_most(12)])
    day: int = attrs.field(validator=[at_least(1), at_most(31)])

    def __attrs_post_init__(self) -> None:
        if self.day > _MONTH_DAYS[self.month - 1]:
            raise InvalidValue(
                "day", "le", value=self.day, bound=_MONTH_DAYS[self.month - 1], subpath=".day"
            )


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@attrs.frozen(kw_only=True)
class ReviewSchedule:
    """When periodic reviews fall (定期评审).

    * ``fixed_dates``: the given days every year (e.g. 1 January and 1 July);
    * ``anniversary``: each anniversary of the day the customer entered the tier;
    * ``every_n_months``: every *months* months from *anchor*.

    Month-end semantics: see :func:`pmcrm.tiers.review.review_dates`.

    Attributes:
        kind: One of the three kinds.
        dates: For ``fixed_dates``: at least one day of the year.
        months: For ``every_n_months``: 1 to 120.
        anchor: For ``every_n_months``: the first review day.
    """

    kind: ScheduleKind
    dates: tuple[MonthDay, ...] = ()
    months: int | None = attrs.field(
        default=None, validator=attrs.validators.optional([at_least(1), at_most(120)])
    )
    anchor: date | None = None

    def __attrs_post_init__(self) -> None:
        check_schedule(self)


def check_schedule(schedule: ReviewSchedule) -> None:
    """Each kind has the fields it needs."""
    if schedule.kind is ScheduleKind.FIXED_DATES and not schedule.dates:
        raise InvalidValue("dates", "min_items", value=[], bound=1, length=0, subpath=".dates")
    if schedule.kind is ScheduleKind.EVERY_N_MONTHS:
        if schedule.months is None:
            raise InvalidValue("months", "missing", subpath=".months")
        if schedule.anchor is None:
            raise InvalidValue("anchor", "missing", subpath=".anchor")


def _optional_positive_money(
    _inst: object, attr: "attrs.Attribute[Money | None]", value: Money | None
) -> None:
    if value is not None:
        money_at_least(Money.of("0.01", value.currency))(_inst, attr, value)


@attrs.frozen(kw_only=True)
class ReviewPolicy:
    """How reviews and downgrades work (动态管理).

    A downgrade is never immediate: a trigger produces a notice that takes
    effect *notice_days* later, and lapses if the cause is cured before then.

    Attributes:
        schedule: When periodic reviews fall.
        notice_days: Days between a downgrade notice and its effect, at least 1.
        downgrade_to: One step down, to the tier the customer qualifies for,
            or to the base tier.
        arrears_days: Arrears owed continuously for this many days trigger a
            downgrade (``None``: this trigger is off).
        arrears_amount: Arrears owed of at least this much trigger a downgrade.
        low_satisfaction_count: With *low_satisfaction_below*: the last this
            many satisfaction scores all below the threshold, together with a
            recorded refusal to cooperate, trigger a downgrade.
        low_satisfaction_below: The satisfaction threshold (0–100).
        violation_window_months: A rule violation that harmed the company or
            other owners within this many months triggers a downgrade.
    """

    schedule: ReviewSchedule
    notice_days: int = attrs.field(validator=[at_least(1), at_most(365)])
    downgrade_to: DowngradeStep = DowngradeStep.ONE_STEP
    arrears_days: int | None = attrs.field(
        default=None, validator=attrs.validators.optional([at_least(1), at_most(3650)])
    )
    arrears_amount: Money | None = attrs.field(default=None, validator=_optional_positive_money)
    low_satisfaction_count: int | None = attrs.field(
        default=None, validator=attrs.validators.optional([at_least(1), at_most(100)])
    )
    low_satisfaction_below: Decimal | None = attrs.field(
        default=None,
        validator=attrs.validators.optional([at_least(Decimal(0)), at_most(Decimal(100))]),
    )
    violation_window_months: int | None = attrs.field(
        default=None, validator=attrs.validators.optional([at_least(1), at_most(120)])
    )

    def __attrs_post_init__(self) -> None:
        if (self.low_satisfaction_count is None) != (self.low_satisfaction_below is None):
            raise InvalidValue(
                "low_satisfaction_below", "missing", subpath=".low_satisfaction_below"
            )


@attrs.frozen(kw_only=True)
class TierPolicy:
    """A whole VIP programme: the ladder and the review rules.

    Attributes:
        ladder: The tiers.
        review: How reviews, notices and downgrades work.
    """

    ladder: TierLadder
    review: ReviewPolicy
