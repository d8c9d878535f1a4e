"""The VIP tier section: the ladder, the periodic review and two decisions explained."""

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from pmcrm.cli._table import percent, render_table, truncate
from pmcrm.cli.demo._context import (
    _INDENT,
    _LIST_SEPARATOR,
    _SHARE,
    _TOTAL,
    NAME_WIDTH,
    Demo,
    Json,
    Section,
    _t,
)
from pmcrm.customers import Customer
from pmcrm.tiers import ReviewAction, ReviewOutcome, apply_for, explain_tier
from pmcrm.values import Label

__all__ = ["section_tiers"]

#: The review outcomes the tier section lists customer by customer: JSON key, action, heading.
_TIER_LISTS: tuple[tuple[str, ReviewAction, Label], ...] = (
    ("upgrades", ReviewAction.UPGRADE, _t("应升级", "Upgrades due")),
    ("notices", ReviewAction.NOTICE, _t("本次发出降级通知", "Downgrade notices issued")),
    ("pending", ReviewAction.PENDING, _t("降级通知待生效", "Downgrade notices pending")),
    ("downgrades", ReviewAction.DOWNGRADE, _t("降级生效", "Downgrades taking effect")),
    ("lapsed", ReviewAction.LAPSED, _t("降级通知失效", "Notices lapsed")),
)
_RETAINED = _t("管理层保级", "Retained by management")
_SUBHEADING = _t("-- {title}：{n} 位 --", "-- {title}: {n} --")


def _tier_rules(demo: Demo) -> list[str]:
    """The ladder and the review rules, one line each, in the report's language."""
    ladder, rules = demo.tier_policy.ladder, demo.tier_policy.review
    lines = [tier.describe(demo.lang) for tier in ladder.tiers]
    lines.append(
        demo.text(_t("{base}：不满足以上任何等级", "{base}: meets none of the above")).format(
            base=demo.text(ladder.base_label)
        )
    )
    dates = demo.text(_LIST_SEPARATOR).join(
        f"{md.month:02d}-{md.day:02d}" for md in rules.schedule.dates
    )
    lines.append(
        demo.text(
            _t(
                "定期评审：{kind}{dates}；降级提前 {days} 天通知；{step}",
                "Reviews: {kind}{dates}; downgrades notified {days} days ahead; {step}",
            )
        ).format(
            kind=demo.text(rules.schedule.kind.label),
            dates=demo.text(_t("（{dates}）", " ({dates})")).format(dates=dates) if dates else "",
            days=rules.notice_days,
            step=demo.text(rules.downgrade_to.label),
        )
    )
    triggers = [
        demo.text(label).format(value=value, below=rules.low_satisfaction_below)
        for value, label in (
            (rules.arrears_days, _t("连续欠费 ≥ {value} 天", "arrears owed >= {value} days")),
            (rules.arrears_amount, _t("欠费 ≥ {value}", "arrears >= {value}")),
            (
                rules.low_satisfaction_count,
                _t(
                    "最近 {value} 次满意度均低于 {below} 且拒绝配合改进",
                    "last {value} satisfaction scores below {below} and a refusal to cooperate",
                ),
            ),
            (
                rules.violation_window_months,
                _t("近 {value} 个月内有损害性违规", "a harmful violation within {value} months"),
            ),
        )
        if value is not None
    ]
    lines.append(
        demo.text(
            _t("降级条件（满足其一）：{list}", "Downgrade triggers (any one): {list}")
        ).format(list=demo.text(_LIST_SEPARATOR).join(triggers) or "–")
    )
    return lines


def _tier_distribution(demo: Demo) -> tuple[list[Mapping[str, Json]], list[str]]:
    """Customers by the tier they hold and by the tier they qualify for on the day."""
    ladder = demo.tier_policy.ladder
    count = len(demo.customers)
    held = Counter(m.tier for m in demo.members)
    qualifying = Counter(d.tier for d in demo.qualifying)
    rows: list[Mapping[str, Json]] = []
    body = []
    for name in ladder.names:
        label = demo.text(ladder.label(name))
        rows.append(
            {
                "tier": name,
                "label": label,
                "current": held[name],
                "current_share_percent": percent(held[name], count),
                "qualifying": qualifying[name],
                "qualifying_share_percent": percent(qualifying[name], count),
            }
        )
        body.append(
            [
                label,
                str(held[name]),
                f"{percent(held[name], count)}%",
                str(qualifying[name]),
                f"{percent(qualifying[name], count)}%",
            ]
        )
    everyone = f"{percent(count, count)}%"
    body.append([demo.text(_TOTAL), str(count), everyone, str(count), everyone])
    header = [
        demo.text(_t("等级", "Tier")),
        demo.text(_t("当前持有", "Held now")),
        demo.text(_SHARE),
        demo.text(_t("符合条件", "Qualifies for")),
        demo.text(_SHARE),
    ]
    return rows, render_table(header, body, right=[False, True, True, True, True])


def _tier_actions(demo: Demo) -> tuple[list[Mapping[str, Json]], list[str]]:
    """How many customers each review action applies to."""
    counts = Counter(o.action for o in demo.outcomes)
    rows: list[Mapping[str, Json]] = [
        {"action": a.value, "label": demo.text(a.label), "customers": counts[a]}
        for a in ReviewAction
    ]
    body = [[demo.text(a.label), str(counts[a])] for a in ReviewAction]
    body.append([demo.text(_TOTAL), str(len(demo.outcomes))])
    header = [demo.text(_t("评审结果", "Review outcome")), demo.text(_t("客户数", "Customers"))]
    return rows, render_table(header, body, right=[False, True])


def _effective(outcome: ReviewOutcome) -> date | None:
    """When the change takes effect: a notice's date, the review day, or never."""
    if outcome.notice is not None:
        return outcome.notice.effective_on
    if outcome.from_tier != outcome.to_tier:
        return outcome.on
    return None


def _outcome_list(
    demo: Demo, title: Label, outcomes: Sequence[tuple[Customer, ReviewOutcome]]
) -> tuple[list[Mapping[str, Json]], list[str]]:
    """Review outcomes of one kind: a row per customer, each followed by its reasons."""
    ladder = demo.tier_policy.ladder
    rows: list[Mapping[str, Json]] = []
    cells: list[list[str]] = []
    reasons: list[list[str]] = []
    for customer, outcome in outcomes:
        effective = _effective(outcome)
        causes = () if outcome.notice is None else outcome.notice.causes
        reasons.append([r.text(demo.lang) for r in outcome.reasons])
        rows.append(
            {
                "customer_id": customer.customer_id,
                "name": customer.name.masked,
                "action": outcome.action.value,
                "from_tier": outcome.from_tier,
                "to_tier": outcome.to_tier,
                "effective_on": None if effective is None else effective.isoformat(),
                "causes": [c.value for c in causes],
                "reasons": reasons[-1],
            }
        )
        cells.append(
            [
                customer.customer_id,
                truncate(customer.name.masked, NAME_WIDTH),
                demo.text(ladder.label(outcome.from_tier)),
                demo.text(ladder.label(outcome.to_tier)),
                "–" if effective is None else effective.isoformat(),
            ]
        )
    lines = [demo.text(_SUBHEADING).format(title=demo.text(title), n=len(rows))]
    if not rows:
        return rows, lines
    header = [
        demo.text(_t("客户编号", "Customer")),
        demo.text(_t("姓名（已脱敏）", "Name (masked)")),
        demo.text(_t("原等级", "From")),
        demo.text(_t("新等级", "To")),
        demo.text(_t("生效日期", "Effective")),
    ]
    table = render_table(header, cells, right=[False] * len(header))
    lines.extend(table[:2])
    for line, why in zip(table[2:], reasons, strict=True):
        lines.append(line)
        lines.extend(_INDENT + reason for reason in why)
    return rows, lines


def _by_override(outcome: ReviewOutcome) -> bool:
    """A stay decided by a manual override (a retain) rather than by the rules."""
    return outcome.action is ReviewAction.STAY and any(
        r.code.startswith("review.override.") for r in outcome.reasons
    )


def _tier_examples(demo: Demo) -> tuple[Mapping[str, Json], list[str]]:
    """A tier decision explained in full, and an upgrade application with what is missing.

    The explained decision is a customer who qualifies for the second tier
    (the trace then shows a failed tier and a passed one), by the last part
    of its condition if possible.  The applicant is a customer in the lowest
    tier with the highest fee this year, applying for the tier above.
    """
    ladder = demo.tier_policy.ladder
    indices = range(len(demo.customers))
    shown = min(
        indices,
        key=lambda i: (
            abs(demo.qualifying[i].rank - 1),
            -(demo.qualifying[i].decided_by or 0),
            i,
        ),
        default=None,
    )
    if shown is None:
        return {"example": None, "application": None}, []

    def fee(i: int) -> Decimal:
        paid = demo.customers[i].fee_for(demo.as_of.year)
        return Decimal(0) if paid is None else paid.amount

    applicant = max(indices, key=lambda i: (demo.qualifying[i].rank, fee(i), -i))
    customer, record = demo.customers[shown], demo.members[shown]
    explanation = explain_tier(customer, ladder, demo.as_of, record.designations)
    explained = explanation.explain(demo.lang).splitlines()
    asking, asking_record = demo.customers[applicant], demo.members[applicant]
    requested = ladder.names[max(demo.qualifying[applicant].rank - 1, 0)]
    decision = apply_for(asking, ladder, requested, demo.as_of, asking_record.designations)
    answer = decision.explain(demo.lang).splitlines()
    data: Mapping[str, Json] = {
        "example": {
            "customer_id": customer.customer_id,
            "name": customer.name.masked,
            "tier": explanation.decision.tier,
            "decided_by": explanation.decision.decided_by,
            "lines": explained,
        },
        "application": {
            "customer_id": asking.customer_id,
            "name": asking.name.masked,
            "requested": requested,
            "granted": decision.granted,
            "qualifying": decision.qualifying,
            "missing": [m.text(demo.lang) for m in decision.missing],
            "lines": answer,
        },
    }
    lines = [
        demo.text(
            _t("-- 等级评定示例：{id} {name} --", "-- A tier decision explained: {id} {name} --")
        ).format(id=customer.customer_id, name=customer.name.masked),
        *(_INDENT + line for line in explained),
        "",
        demo.text(
            _t(
                "-- 升级申请示例：{id} {name} 申请{tier} --",
                "-- An application: {id} {name} applies for {tier} --",
            )
        ).format(
            id=asking.customer_id,
            name=asking.name.masked,
            tier=demo.text(ladder.label(requested)),
        ),
        *(_INDENT + line for line in answer),
    ]
    return data, lines


def section_tiers(demo: Demo) -> Section:
    """VIP tiers (VIP 客户分级) and the periodic review (定期评审) on the report's day.

    The ladder and the review rules; customers by the tier they hold and by
    the tier they qualify for; how many customers each review action applies
    to; then, customer by customer with masked names and the reasons: the
    upgrades due, the downgrade notices issued and pending, the downgrades
    taking effect, the notices that lapsed and the tiers retained by
    management; finally one tier decision explained in full and one
    upgrade application with what is missing.
    """
    title = demo.text(_t("VIP 客户分级与定期评审", "VIP tiers and the periodic review"))
    rules = _tier_rules(demo)
    distribution, distribution_lines = _tier_distribution(demo)
    actions, action_lines = _tier_actions(demo)
    pairs = list(zip(demo.customers, demo.outcomes, strict=True))
    data: dict[str, Json] = {
        "title": title,
        "rules": rules,
        "distribution": {"rows": distribution, "total": len(demo.customers)},
        "actions": {"rows": actions, "total": len(demo.outcomes)},
    }
    lines = [*rules, "", *distribution_lines, "", *action_lines]
    lists = [
        (key, heading, [p for p in pairs if p[1].action is a]) for key, a, heading in _TIER_LISTS
    ]
    lists.append(("retained", _RETAINED, [p for p in pairs if _by_override(p[1])]))
    for key, heading, chosen in lists:
        rows, block = _outcome_list(demo, heading, chosen)
        data[key] = rows
        lines.extend(["", *block])
    examples, example_lines = _tier_examples(demo)
    data.update(examples)
    lines.extend(["", *example_lines] if example_lines else [])
    return Section(key="tiers", title=title, data=data, lines=tuple(lines))
