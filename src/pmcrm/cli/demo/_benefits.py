"""The entitlements section: one VIP's benefits and bill, and this week's care list."""

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta

from pmcrm.benefits import (
    PROPERTY_FEE,
    Entitlement,
    QuotaBenefit,
    TierSpell,
    balance,
    discount_rules,
    entitlements,
)
from pmcrm.care import ContactLog, DueTouchpoint, FestivalCoverageError, Touchpoint, due_list
from pmcrm.cli._table import render_table, truncate
from pmcrm.cli.demo._context import _INDENT, _TOTAL, NAME_WIDTH, Demo, Json, Section, _t
from pmcrm.pricing import PricedBill, price
from pmcrm.values import Lang

__all__ = ["CARE_HORIZON_DAYS", "CARE_SHOWN", "section_entitlements"]

#: How many days ahead the care list looks (this week: the day and the next seven).
CARE_HORIZON_DAYS = 7

#: How many care items the entitlements section lists one by one.
CARE_SHOWN = 5


def _demo_vip(demo: Demo) -> int | None:
    """The customer the section shows: the highest tier held, first in portfolio order."""
    ladder = demo.tier_policy.ladder
    return min(
        range(len(demo.members)),
        key=lambda i: (ladder.rank(demo.members[i].tier), i),
        default=None,
    )


def _held(demo: Demo, index: int) -> tuple[Entitlement, ...]:
    """What customer *index* holds on the report's day.

    The member record gives the tier held and the day the customer entered
    it, nothing earlier: one open :class:`~pmcrm.benefits.TierSpell` per
    customer (a tier history with ended spells would also give the grace
    period after a downgrade).
    """
    member = demo.members[index]
    spells = (TierSpell(tier=member.tier, since=member.since),)
    catalogue = demo.benefits.catalogue
    return entitlements(member.customer_id, spells, catalogue, demo.as_of)


def _priced_json(priced: PricedBill, lang: Lang) -> Mapping[str, Json]:
    """A priced bill's totals and lines, JSON-ready."""
    return {
        "original": priced.original.amount,
        "discount": priced.discount.amount,
        "net": priced.net.amount,
        "lines": [
            {
                "category": item.line.category,
                "description": item.line.description,
                "original": item.original.amount,
                "rate": str(item.rate),
                "discount": item.discount.amount,
                "net": item.net.amount,
                "sources": [r.source.get(lang) for r in item.rules],
            }
            for item in priced.lines
        ],
        "explanation": priced.explain(lang).splitlines(),
    }


def _vip_benefits(demo: Demo, index: int) -> tuple[Mapping[str, Json], list[str]]:
    """One VIP: tier, benefits held, a bill before and after discounts, quotas left."""
    customer, member = demo.customers[index], demo.members[index]
    ladder, lang = demo.tier_policy.ladder, demo.lang
    held = _held(demo, index)
    bill, policy = demo.benefits.bill, demo.benefits.pricing
    value_added = [line.category for line in bill.lines if line.category != PROPERTY_FEE]
    rules = discount_rules(held, demo.as_of, value_added=dict.fromkeys(value_added))
    before, after = price(bill, (), policy), price(bill, rules, policy)
    quota_codes = dict.fromkeys(e.code for e in held if isinstance(e.benefit, QuotaBenefit))
    ledger = demo.benefits.ledger
    balances = [balance(ledger, customer.customer_id, c, demo.as_of, held) for c in quota_codes]
    data: Mapping[str, Json] = {
        "customer_id": customer.customer_id,
        "name": customer.name.masked,
        "tier": member.tier,
        "tier_label": demo.text(ladder.label(member.tier)),
        "since": member.since.isoformat(),
        "benefits": [
            {
                "code": e.code,
                "description": e.benefit.describe(lang),
                "source": e.source.value,
                "tier": e.tier,
                "start": e.start.isoformat(),
                "end": None if e.end is None else (e.end - timedelta(days=1)).isoformat(),
            }
            for e in held
        ],
        "bill": {
            "policy": policy.describe(lang),
            "before": _priced_json(before, lang),
            "after": _priced_json(after, lang),
        },
        "quotas": [
            {
                "code": b.benefit,
                "units": b.units,
                "used": b.used,
                "remaining": b.remaining,
                "explanation": b.explain(lang),
            }
            for b in balances
        ],
    }
    lines = [
        demo.text(
            _t(
                "-- 示例 VIP：{id} {name}，{tier}（自 {since} 起）--",
                "-- A VIP: {id} {name}, {tier} since {since} --",
            )
        ).format(
            id=customer.customer_id,
            name=customer.name.masked,
            tier=demo.text(ladder.label(member.tier)),
            since=member.since.isoformat(),
        ),
        demo.text(_t("享有权益 {n} 项：", "Benefits held: {n}")).format(n=len(held)),
        *(_INDENT + e.describe(lang) for e in held),
        demo.text(
            _t(
                "示例账单：原价 {before}，优惠后 {after}（优惠 {off}）",
                "A sample bill: {before} before discounts, {after} after ({off} off)",
            )
        ).format(before=before.net, after=after.net, off=after.discount),
        *(_INDENT + line for line in after.explain(lang).splitlines()),
        demo.text(_t("剩余额度：", "Quotas left:")),
        *(_INDENT + f"{b.benefit}: {b.explain(lang)}" for b in balances),
    ]
    return data, lines


def _care_list(demo: Demo) -> tuple[Mapping[str, Json], list[str]]:
    """This week's care touchpoints for the portfolio: counts by kind, overdue, the first few."""
    last_day = demo.as_of + timedelta(days=CARE_HORIZON_DAYS)
    heading = demo.text(
        _t("-- 本周关怀清单：{start} 至 {end} --", "-- This week's care list: {start} to {end} --")
    ).format(start=demo.as_of.isoformat(), end=last_day.isoformat())
    logs: dict[str, list[ContactLog]] = {}
    for log in demo.benefits.contacts:
        logs.setdefault(log.customer_id, []).append(log)
    portfolio = (
        (c, m.tier, tuple(logs.get(c.customer_id, ())))
        for c, m in zip(demo.customers, demo.members, strict=True)
    )
    care = demo.benefits.care
    try:
        items = list(
            due_list(portfolio, care, demo.benefits.festivals, demo.as_of, CARE_HORIZON_DAYS)
        )
    except FestivalCoverageError as exc:
        message = exc.message_zh if demo.lang is Lang.ZH else str(exc)
        return {"error": message}, [heading, _INDENT + message]
    counts = Counter(item.kind for item in items)
    overdue = sum(1 for item in items if item.overdue)
    names = {c.customer_id: c.name.masked for c in demo.customers}
    # The most urgent first: by due day, then in portfolio order (the sort is stable).
    shown: list[DueTouchpoint] = sorted(items, key=lambda item: item.due)[:CARE_SHOWN]
    data: Mapping[str, Json] = {
        "start": demo.as_of.isoformat(),
        "end": last_day.isoformat(),
        "total": len(items),
        "overdue": overdue,
        "by_kind": [
            {"kind": k.value, "label": demo.text(k.label), "count": counts[k]} for k in Touchpoint
        ],
        "shown": [
            {
                "customer_id": item.customer_id,
                "name": names[item.customer_id],
                "kind": item.kind.value,
                "due": item.due.isoformat(),
                "overdue": item.overdue,
                "days_overdue": item.days_overdue,
                "reason": item.reason.text(demo.lang),
            }
            for item in shown
        ],
    }
    body = [[demo.text(k.label), str(counts[k])] for k in Touchpoint]
    body.append([demo.text(_TOTAL), str(len(items))])
    body.append([demo.text(_t("其中已逾期", "of which overdue")), str(overdue)])
    header = [demo.text(_t("关怀触点", "Touchpoint")), demo.text(_t("数量", "Count"))]
    lines = [heading, *render_table(header, body, right=[False, True])]
    if shown:
        lines.append(
            demo.text(_t("最紧急的 {n} 项：", "The {n} most urgent:")).format(n=len(shown))
        )
        cells = [
            [
                item.customer_id,
                truncate(names[item.customer_id], NAME_WIDTH),
                item.due.isoformat(),
                item.reason.text(demo.lang),
            ]
            for item in shown
        ]
        header = [
            demo.text(_t("客户编号", "Customer")),
            demo.text(_t("姓名（已脱敏）", "Name (masked)")),
            demo.text(_t("到期日", "Due")),
            demo.text(_t("说明", "Why")),
        ]
        lines.extend(render_table(header, cells, right=[False] * 4))
    return data, lines


def section_entitlements(demo: Demo) -> Section:
    """Benefit entitlements (权益) and this week's care list (关怀清单).

    For one VIP, the first customer in portfolio order holding the highest
    tier held by anyone (masked name): the tier, the benefits held with
    their source and dates, the sample bill priced before and after their
    discounts with the explanation, and the quotas left.  Then the care
    touchpoints due for the whole portfolio from the report's day to
    :data:`CARE_HORIZON_DAYS` days later: counts by kind, how many are
    overdue, and the :data:`CARE_SHOWN` most urgent (earliest due, then in
    portfolio order) with masked names.

    The tier spells come from the member records: one open spell per
    customer, from ``MemberRecord.since`` in ``MemberRecord.tier``.
    """
    title = demo.text(_t("会员权益与关怀日历", "Benefit entitlements and the care calendar"))
    index = _demo_vip(demo)
    data: dict[str, Json] = {"title": title, "vip": None}
    lines: list[str] = []
    if index is not None:
        vip, lines = _vip_benefits(demo, index)
        data["vip"] = vip
        lines.append("")
    care, care_lines = _care_list(demo)
    data["care"] = care
    lines.extend(care_lines)
    return Section(key="entitlements", title=title, data=data, lines=tuple(lines))
