"""Periodic review (定期评审): upgrades, downgrade notices, cures and overrides.

A review looks at a customer and their :class:`MemberRecord` on a day and
says what changes, following the rules of dynamic management (动态管理):

1. An active manual override (retain, upgrade or downgrade, with a reason
   and an expiry) takes precedence while it lasts.
2. A pending downgrade notice takes effect on its effective date if its
   cause is still there; if the cause was cured before (arrears paid,
   satisfaction back up, qualification regained), the notice lapses.
3. Otherwise the triggers are checked: arrears continuing for ``arrears_days``
   or reaching ``arrears_amount``; the last ``low_satisfaction_count``
   satisfaction scores all below ``low_satisfaction_below`` *together with*
   a refusal to cooperate recorded since the first of them; a harmful rule
   violation in the last ``violation_window_months``; and no longer
   qualifying for the tier.  Any trigger issues a **notice**: the downgrade
   takes effect ``notice_days`` later, never at once.
4. A customer who qualifies for a higher tier is upgraded at once.

Every outcome carries the new record, so reviews chain: the record returned
by one review is the input of the next.
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import YEARLY, rrule

from pmcrm import _html
from pmcrm.customers import Customer, arrears_outstanding
from pmcrm.errors import InvalidValue
from pmcrm.explain import Reason
from pmcrm.tiers.conditions import Designation
from pmcrm.tiers.evaluation import TierDecision, evaluate
from pmcrm.tiers.policy import (
    DowngradeStep,
    ReviewPolicy,
    ReviewSchedule,
    ScheduleKind,
    TierLadder,
    TierPolicy,
)
from pmcrm.validators import at_least, at_most, min_items, text
from pmcrm.values import Label, LabelledEnum, Lang, Money

__all__ = [
    "CooperationRefusal",
    "DowngradeCause",
    "DowngradeNotice",
    "MemberRecord",
    "Override",
    "OverrideKind",
    "ReviewAction",
    "ReviewOutcome",
    "SatisfactionScore",
    "Violation",
    "review",
    "review_dates",
    "review_portfolio",
    "triggers",
]

_NOTE = text(500)
_TIER = text(40)


class OverrideKind(LabelledEnum):
    """A manual override by management."""

    RETAIN = "retain", "保级", "Retain"
    UPGRADE = "upgrade", "升级", "Upgrade"
    DOWNGRADE = "downgrade", "降级", "Downgrade"


class DowngradeCause(LabelledEnum):
    """Why a downgrade notice was issued."""

    ARREARS_DAYS = "arrears_days", "连续欠费达到期限", "Arrears continuing too long"
    ARREARS_AMOUNT = "arrears_amount", "欠费达到金额", "Arrears reaching the limit"
    LOW_SATISFACTION = (
        "low_satisfaction",
        "长期满意度低且拒绝配合改进",
        "Sustained low satisfaction with refusal to cooperate",
    )
    VIOLATION = "violation", "违反规定损害公司或其他业主利益", "Rule violation causing harm"
    NOT_QUALIFIED = "not_qualified", "不再符合等级条件", "No longer qualifies"
    MANUAL = "manual", "管理层决定", "Decision by management"


class ReviewAction(LabelledEnum):
    """What a review decided."""

    STAY = "stay", "保持", "Stay"
    UPGRADE = "upgrade", "升级", "Upgrade"
    NOTICE = "notice", "发出降级通知", "Downgrade notice issued"
    PENDING = "pending", "降级通知待生效", "Downgrade notice pending"
    DOWNGRADE = "downgrade", "降级生效", "Downgrade takes effect"
    LAPSED = "lapsed", "降级通知失效（原因已消除）", "Notice lapsed (cause cured)"


@attrs.frozen(kw_only=True)
class SatisfactionScore:
    """A satisfaction score from a survey or a follow-up, on 0–100.

    Attributes:
        on: When it was given.
        score: 0 to 100.
    """

    on: date
    score: Decimal = attrs.field(validator=[at_least(Decimal(0)), at_most(Decimal(100))])


@attrs.frozen(kw_only=True)
class CooperationRefusal:
    """A recorded refusal to cooperate on improvement (拒绝配合改进).

    Attributes:
        on: When.
        note: What happened.
    """

    on: date
    note: str = attrs.field(validator=_NOTE)


@attrs.frozen(kw_only=True)
class Violation:
    """A recorded breach of the rules (违规).

    Attributes:
        on: When.
        description: What happened.
        harmful: Whether it harmed the company or other owners (only harmful
            violations trigger a downgrade).
    """

    on: date
    description: str = attrs.field(validator=_NOTE)
    harmful: bool = True


@attrs.frozen(kw_only=True)
class Override:
    """A manual decision by management that takes precedence while it lasts.

    Attributes:
        kind: Retain, upgrade or downgrade.
        tier: The tier retained or moved to.
        by: Who decided.
        reason: Why.
        on: The first day it holds.
        expires_on: The first day it no longer holds, after *on*.
    """

    kind: OverrideKind
    tier: str = attrs.field(validator=_TIER)
    by: str = attrs.field(validator=text(100))
    reason: str = attrs.field(validator=_NOTE)
    on: date
    expires_on: date

    def __attrs_post_init__(self) -> None:
        if not self.expires_on > self.on:
            raise InvalidValue(
                "expires_on",
                "order",
                value=self.expires_on.isoformat(),
                other="on",
                subpath=".expires_on",
            )

    def active_on(self, day: date) -> bool:
        """Whether the override holds on *day*."""
        return self.on <= day < self.expires_on


@attrs.frozen(kw_only=True)
class DowngradeNotice:
    """Advance notice of a downgrade (降级预先通知).

    Attributes:
        issued_on: When the customer was notified.
        effective_on: When the downgrade takes effect if the cause remains.
        from_tier: The tier now.
        to_tier: The tier after the downgrade.
        causes: Why, at least one.
    """

    issued_on: date
    effective_on: date
    from_tier: str = attrs.field(validator=_TIER)
    to_tier: str = attrs.field(validator=_TIER)
    causes: tuple[DowngradeCause, ...] = attrs.field(validator=min_items(1))

    def __attrs_post_init__(self) -> None:
        if not self.effective_on > self.issued_on:
            raise InvalidValue(
                "effective_on",
                "order",
                value=self.effective_on.isoformat(),
                other="issued_on",
                subpath=".effective_on",
            )


@attrs.frozen(kw_only=True)
class MemberRecord:
    """A customer's standing in the VIP programme and the history reviews read.

    Attributes:
        customer_id: Whose record.
        tier: The current tier's name.
        since: When the customer entered it.
        designations: Designations by management.
        satisfaction: Satisfaction scores, any order.
        refusals: Refusals to cooperate.
        violations: Rule violations.
        overrides: Manual overrides.
        notice: A pending downgrade notice, if any.
    """

    customer_id: str = attrs.field(validator=text(64))
    tier: str = attrs.field(validator=_TIER)
    since: date
    designations: tuple[Designation, ...] = ()
    satisfaction: tuple[SatisfactionScore, ...] = ()
    refusals: tuple[CooperationRefusal, ...] = ()
    violations: tuple[Violation, ...] = ()
    overrides: tuple[Override, ...] = ()
    notice: DowngradeNotice | None = None


@attrs.frozen(kw_only=True)
class ReviewOutcome:
    """What a review decided, why, and the record after it.

    Attributes:
        customer_id: Whose review.
        on: The day of the review.
        action: What was decided.
        from_tier: The tier before.
        to_tier: The tier after (for a notice: the tier it would move to).
        from_label: The label of *from_tier*.
        to_label: The label of *to_tier*.
        notice: The notice issued or still pending, if any.
        record: The member record after the review.
        reasons: Why, with the figures, in zh and en.
    """

    customer_id: str
    on: date
    action: ReviewAction
    from_tier: str
    to_tier: str
    from_label: Label
    to_label: Label
    notice: DowngradeNotice | None = attrs.field(repr=False)
    record: MemberRecord = attrs.field(repr=False)
    reasons: tuple[Reason, ...] = attrs.field(repr=False)

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The action and its reasons, in *lang*."""
        head = f"{self.action.text(lang)}: {self.from_label.get(lang)} → {self.to_label.get(lang)}"
        return "\n".join([head, *(r.text(lang) for r in self.reasons)])

    def _repr_html_(self) -> str:
        """The action, the notice and the reasons as HTML, in zh and en, for notebooks."""
        return _outcome_html(self)


# --- triggers ------------------------------------------------------------------------


def _reason(
    cause: DowngradeCause, figures: tuple[tuple[str, str], ...], zh: str, en: str
) -> Reason:
    return Reason(
        code=f"review.{cause.value}",
        zh=f"{cause.label.zh}：{zh}",
        en=f"{cause.label.en}: {en}",
        figures=figures,
    )


def arrears_days_trigger(customer: Customer, policy: ReviewPolicy, on: date) -> Reason | None:
    """Arrears owed continuously for at least ``arrears_days`` days on *on*."""
    if policy.arrears_days is None:
        return None
    longest = max(
        ((on - a.since).days for a in customer.arrears if arrears_outstanding(a, on)), default=0
    )
    if longest < policy.arrears_days:
        return None
    return _reason(
        DowngradeCause.ARREARS_DAYS,
        (("days", str(longest)), ("limit", str(policy.arrears_days))),
        "已连续欠费 {days} 天（上限 {limit} 天）",
        "owed for {days} days (limit {limit} days)",
    )


def arrears_amount_trigger(customer: Customer, policy: ReviewPolicy, on: date) -> Reason | None:
    """Arrears owed on *on* reaching ``arrears_amount``."""
    if policy.arrears_amount is None:
        return None
    owed = sum(
        (a.amount for a in customer.arrears if arrears_outstanding(a, on)),
        Money.zero(policy.arrears_amount.currency),
    )
    if owed < policy.arrears_amount:
        return None
    return _reason(
        DowngradeCause.ARREARS_AMOUNT,
        (("owed", str(owed)), ("limit", str(policy.arrears_amount))),
        "欠费 {owed}（上限 {limit}）",
        "owes {owed} (limit {limit})",
    )


def low_satisfaction_trigger(
    record: MemberRecord, policy: ReviewPolicy, on: date
) -> Reason | None:
    """The last K scores up to *on* all below the threshold, and a refusal since the first."""
    if policy.low_satisfaction_count is None or policy.low_satisfaction_below is None:
        return None
    count, below = policy.low_satisfaction_count, policy.low_satisfaction_below
    scores = sorted((s for s in record.satisfaction if s.on <= on), key=lambda s: (s.on, s.score))[
        -count:
    ]
    if len(scores) < count or any(s.score >= below for s in scores):
        return None
    refusals = [r for r in record.refusals if scores[0].on <= r.on <= on]
    if not refusals:
        return None
    shown = ", ".join(f"{s.score}" for s in scores)
    return _reason(
        DowngradeCause.LOW_SATISFACTION,
        (("scores", shown), ("below", str(below)), ("refused", refusals[0].on.isoformat())),
        "最近评分 {scores} 均低于 {below}，且于 {refused} 拒绝配合改进",
        "last scores {scores} all below {below}, and refused to cooperate on {refused}",
    )


def violation_trigger(record: MemberRecord, policy: ReviewPolicy, on: date) -> Reason | None:
    """A harmful violation in the last ``violation_window_months`` up to *on*."""
    if policy.violation_window_months is None or not record.violations:
        return None
    start = on + timedelta(days=1) - relativedelta(months=policy.violation_window_months)
    found = [v for v in record.violations if v.harmful and start <= v.on <= on]
    if not found:
        return None
    return _reason(
        DowngradeCause.VIOLATION,
        (("on", found[-1].on.isoformat()), ("months", str(policy.violation_window_months))),
        "{on} 有违规记录（近 {months} 个月内）",
        "violation on {on} (within {months} months)",
    )


def triggers(
    customer: Customer, record: MemberRecord, policy: TierPolicy, on: date
) -> tuple[tuple[DowngradeCause, Reason], ...]:
    """Every downgrade trigger present on *on*, with its figures."""
    qualifying = evaluate(customer, policy.ladder, on, record.designations)
    return _triggers(customer, record, policy, on, qualifying)


def _triggers(
    customer: Customer,
    record: MemberRecord,
    policy: TierPolicy,
    on: date,
    qualifying: TierDecision,
) -> tuple[tuple[DowngradeCause, Reason], ...]:
    review_policy = policy.review
    found: list[tuple[DowngradeCause, Reason]] = []
    checks = (
        (DowngradeCause.ARREARS_DAYS, arrears_days_trigger(customer, review_policy, on)),
        (DowngradeCause.ARREARS_AMOUNT, arrears_amount_trigger(customer, review_policy, on)),
        (DowngradeCause.LOW_SATISFACTION, low_satisfaction_trigger(record, review_policy, on)),
        (DowngradeCause.VIOLATION, violation_trigger(record, review_policy, on)),
    )
    found.extend((cause, reason) for cause, reason in checks if reason is not None)
    if qualifying.rank > policy.ladder.rank(record.tier):
        found.append(
            (
                DowngradeCause.NOT_QUALIFIED,
                Reason(
                    code="review.not_qualified",
                    zh="不再符合等级条件：当前 {tier_zh}，符合 {qualifying_zh}",
                    en="no longer qualifies: holds {tier_en}, qualifies for {qualifying_en}",
                    figures=(
                        *_tier_figures(policy.ladder, record.tier),
                        ("qualifying_zh", policy.ladder.label(qualifying.tier).zh),
                        ("qualifying_en", policy.ladder.label(qualifying.tier).en),
                    ),
                ),
            )
        )
    return tuple(found)


def _target(ladder: TierLadder, step: DowngradeStep, current: str, qualifying_rank: int) -> str:
    """The tier a downgrade goes to under *step*."""
    base = len(ladder.tiers)
    one_down = min(ladder.rank(current) + 1, base)
    if step is DowngradeStep.ONE_STEP:
        return ladder.names[one_down]
    if step is DowngradeStep.ENTITLED:
        return ladder.names[max(one_down, qualifying_rank)]
    return ladder.names[base]


# --- the review ---------------------------------------------------------------------


def _tier_figures(ladder: TierLadder, tier: str) -> tuple[tuple[str, str], ...]:
    label = ladder.label(tier)
    return (("tier_zh", label.zh), ("tier_en", label.en))


def _outcome(  # noqa: PLR0917 - a private helper with one call shape
    ladder: TierLadder,
    record: MemberRecord,
    on: date,
    action: ReviewAction,
    to_tier: str,
    new_record: MemberRecord,
    reasons: Iterable[Reason],
) -> ReviewOutcome:
    return ReviewOutcome(
        customer_id=record.customer_id,
        on=on,
        action=action,
        from_tier=record.tier,
        to_tier=to_tier,
        from_label=ladder.label(record.tier),
        to_label=ladder.label(to_tier),
        notice=new_record.notice,
        record=new_record,
        reasons=tuple(reasons),
    )


def review(
    customer: Customer, record: MemberRecord, policy: TierPolicy, on: date
) -> ReviewOutcome:
    """Review *customer* on *on*: what changes, why, and the record after it.

    Raises:
        InvalidValue: the record belongs to another customer, or names a
            tier the ladder does not have.
    """
    if record.customer_id != customer.customer_id:
        raise InvalidValue(
            "customer_id",
            "reference",
            value=record.customer_id,
            what="customer (the record is another customer's)",
            what_zh="客户（记录属于其他客户）",
        )
    ladder = policy.ladder
    current_rank = ladder.rank(record.tier)
    override = next((o for o in reversed(record.overrides) if o.active_on(on)), None)
    if override is not None:
        return _apply_override(record, override, policy, on)
    qualifying = evaluate(customer, ladder, on, record.designations)
    present = _triggers(customer, record, policy, on, qualifying)
    notice = record.notice
    if notice is not None:
        still = [r for cause, r in present if cause in notice.causes]
        if not still:
            cleared = attrs.evolve(record, notice=None)
            cured = Reason(
                code="review.cured",
                zh="原因已消除：{causes}",
                en="cause cured: {causes_en}",
                figures=(
                    ("causes", "、".join(c.label.zh for c in notice.causes)),
                    ("causes_en", ", ".join(c.label.en for c in notice.causes)),
                ),
            )
            return _outcome(
                ladder, record, on, ReviewAction.LAPSED, record.tier, cleared, (cured,)
            )
        if on < notice.effective_on:
            return _outcome(
                ladder, record, on, ReviewAction.PENDING, notice.to_tier, record, still
            )
        moved = attrs.evolve(record, tier=notice.to_tier, since=on, notice=None)
        return _outcome(ladder, record, on, ReviewAction.DOWNGRADE, notice.to_tier, moved, still)
    if present:
        to_tier = _target(ladder, policy.review.downgrade_to, record.tier, qualifying.rank)
        if ladder.rank(to_tier) > current_rank:
            issued = DowngradeNotice(
                issued_on=on,
                effective_on=on + timedelta(days=policy.review.notice_days),
                from_tier=record.tier,
                to_tier=to_tier,
                causes=tuple(c for c, _ in present),
            )
            return _outcome(
                ladder,
                record,
                on,
                ReviewAction.NOTICE,
                to_tier,
                attrs.evolve(record, notice=issued),
                (r for _, r in present),
            )
    if present:
        # Nowhere lower to go (the base tier): stay, and no upgrade while a cause remains.
        return _outcome(
            ladder, record, on, ReviewAction.STAY, record.tier, record, (r for _, r in present)
        )
    if qualifying.rank < current_rank:
        moved = attrs.evolve(record, tier=qualifying.tier, since=on)
        return _outcome(
            ladder,
            record,
            on,
            ReviewAction.UPGRADE,
            qualifying.tier,
            moved,
            (
                Reason(
                    code="review.upgrade",
                    zh="符合更高等级：{tier_zh}",
                    en="qualifies for the higher tier {tier_en}",
                    figures=_tier_figures(ladder, qualifying.tier),
                ),
            ),
        )
    return _outcome(
        ladder,
        record,
        on,
        ReviewAction.STAY,
        record.tier,
        record,
        (
            Reason(
                code="review.stay",
                zh="保持 {tier_zh}",
                en="stays {tier_en}",
                figures=_tier_figures(ladder, record.tier),
            ),
        ),
    )


def _apply_override(
    record: MemberRecord, override: Override, policy: TierPolicy, on: date
) -> ReviewOutcome:
    """Apply an active override.

    Retain stays (and clears any notice); upgrade moves at once; downgrade
    issues a notice like any other downgrade.
    """
    ladder = policy.ladder
    ladder.rank(override.tier)
    why = Reason(
        code=f"review.override.{override.kind.value}",
        zh="管理层{kind}（{by}，{reason}，有效至 {until}）",
        en="override by management: {kind_en} ({by}, {reason}, until {until})",
        figures=(
            ("kind", override.kind.label.zh),
            ("kind_en", override.kind.label.en),
            ("by", override.by),
            ("reason", override.reason),
            ("until", override.expires_on.isoformat()),
        ),
    )
    if override.kind is OverrideKind.RETAIN or override.tier == record.tier:
        kept = attrs.evolve(record, notice=None)
        return _outcome(ladder, record, on, ReviewAction.STAY, record.tier, kept, (why,))
    if ladder.rank(override.tier) < ladder.rank(record.tier):
        moved = attrs.evolve(record, tier=override.tier, since=on, notice=None)
        return _outcome(ladder, record, on, ReviewAction.UPGRADE, override.tier, moved, (why,))
    notice = record.notice
    if notice is not None and DowngradeCause.MANUAL in notice.causes:
        if on < notice.effective_on:
            return _outcome(
                ladder, record, on, ReviewAction.PENDING, notice.to_tier, record, (why,)
            )
        moved = attrs.evolve(record, tier=notice.to_tier, since=on, notice=None)
        return _outcome(ladder, record, on, ReviewAction.DOWNGRADE, notice.to_tier, moved, (why,))
    issued = DowngradeNotice(
        issued_on=on,
        effective_on=on + timedelta(days=policy.review.notice_days),
        from_tier=record.tier,
        to_tier=override.tier,
        causes=(DowngradeCause.MANUAL,),
    )
    return _outcome(
        ladder,
        record,
        on,
        ReviewAction.NOTICE,
        override.tier,
        attrs.evolve(record, notice=issued),
        (why,),
    )


def review_portfolio(
    members: Iterable[tuple[Customer, MemberRecord]], policy: TierPolicy, on: date
) -> Iterator[ReviewOutcome]:
    """Review each ``(customer, record)`` pair in turn, lazily (it streams)."""
    for customer, record in members:
        yield review(customer, record, policy, on)


# --- schedules -----------------------------------------------------------------------


def review_dates(schedule: ReviewSchedule, since: date, start: date, end: date) -> list[date]:
    """The review days in ``[start, end)`` under *schedule*.

    *since* is the day the customer entered the tier (for anniversaries).

    Month-end semantics, stated and tested:

    * fixed dates use :func:`dateutil.rrule.rrule` (yearly, by month and
      day): 29 February falls only in leap years;
    * anniversaries and every-N-months use
      :class:`dateutil.relativedelta.relativedelta` counted from the start
      day, which clips to the month's end: the anniversary of 29 February
      2024 is 28 February 2025, and one month after 31 January is 28 (or 29)
      February — the schedule never skips a review.
    """
    if schedule.kind is ScheduleKind.FIXED_DATES:
        days: set[date] = set()
        for md in schedule.dates:
            rule = rrule(
                YEARLY,
                dtstart=_midnight(date(start.year, 1, 1)),
                bymonth=md.month,
                bymonthday=md.day,
                until=_midnight(end - timedelta(days=1)),  # rrule's until is inclusive
            )
            days.update(d.date() for d in rule)
        return sorted(d for d in days if d >= start)
    if schedule.kind is ScheduleKind.ANNIVERSARY:
        return _stepped(since, relativedelta(years=1), start, end, skip_first=True)
    # Both are present for this kind: ReviewSchedule checks it when built.
    anchor, months = cast(date, schedule.anchor), cast(int, schedule.months)
    return _stepped(anchor, relativedelta(months=months), start, end, skip_first=False)


def _stepped(
    origin: date, step: relativedelta, start: date, end: date, *, skip_first: bool
) -> list[date]:
    """``origin + k·step`` for k = 0, 1, … (from 1 with *skip_first*) inside ``[start, end)``."""
    out = []
    k = 1 if skip_first else 0
    while (day := origin + step * k) < end:
        if day >= start:
            out.append(day)
        k += 1
    return out


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)  # noqa: DTZ001 - rrule works on naive dates here


# --- rich display ---------------------------------------------------------------------


def _outcome_html(outcome: ReviewOutcome) -> str:
    rows: list[tuple[_html.Text, _html.Text]] = [
        (Label(zh="客户", en="Customer"), outcome.customer_id),
        (Label(zh="评审日", en="Review day"), outcome.on.isoformat()),
        (Label(zh="结果", en="Action"), outcome.action.label),
        (Label(zh="原等级", en="From"), outcome.from_label),
        (Label(zh="新等级", en="To"), outcome.to_label),
    ]
    notice = outcome.notice
    if notice is not None:
        issued, effective = notice.issued_on.isoformat(), notice.effective_on.isoformat()
        rows.append(
            (
                Label(zh="降级通知", en="Downgrade notice"),
                Label(
                    zh=f"{issued} 发出，{effective} 生效",
                    en=f"issued {issued}, effective {effective}",
                ),
            )
        )
        rows.append(
            (
                Label(zh="通知原因", en="Causes"),
                Label(
                    zh="、".join(c.label.zh for c in notice.causes),
                    en=", ".join(c.label.en for c in notice.causes),
                ),
            )
        )
    return _html.render(
        Label(zh="定期评审", en="Periodic review"),
        _html.Fields(tuple(rows)),
        _html.Notes.of(outcome.reasons),
    )
