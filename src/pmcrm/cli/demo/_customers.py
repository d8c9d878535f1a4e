"""The customer sections: overview, kinds, property types, value and rule segments, top."""

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from pmcrm.cli._table import percent, render_table, truncate
from pmcrm.cli.demo._context import (
    _LIST_SEPARATOR,
    _SHARE,
    _TOTAL,
    NAME_WIDTH,
    Demo,
    Json,
    Section,
    _t,
)
from pmcrm.customers import CustomerKind, PropertyType
from pmcrm.segmentation import Factor, ValueSegment
from pmcrm.serialization import unstructure
from pmcrm.values import MONEY_CONTEXT, Label, Period

__all__ = [
    "section_kinds",
    "section_overview",
    "section_property_types",
    "section_rule_segments",
    "section_top",
    "section_value_segments",
]

_NONE = _t("无物业单元", "No unit")


def _count_table(
    demo: Demo,
    key: str,
    *,
    title: Label,
    first: Label,
    members: Sequence[tuple[str, Label]],
    primary: Sequence[str],
    holding: Sequence[Sequence[str]],
) -> Section:
    """A "customers by …" section: each customer's primary member, and every member held.

    The primary column partitions the portfolio (it adds up to the total);
    the holding column counts every customer holding the member, so one
    customer with several roles or units counts once in each.
    """
    count = len(demo.customers)
    primary_counts = Counter(primary)
    holding_counts = Counter(m for held in holding for m in dict.fromkeys(held))
    rows: list[Mapping[str, Json]] = [
        {
            "key": member,
            "label": demo.text(label),
            "primary": primary_counts[member],
            "holding": holding_counts[member],
            "share_percent": percent(primary_counts[member], count),
        }
        for member, label in members
    ]
    header = [
        demo.text(first),
        demo.text(_t("主要", "Primary")),
        demo.text(_t("持有", "Holding")),
        demo.text(_SHARE),
    ]
    body = [
        [
            demo.text(label),
            str(primary_counts[member]),
            str(holding_counts[member]),
            f"{percent(primary_counts[member], count)}%",
        ]
        for member, label in members
    ]
    body.append([demo.text(_TOTAL), str(count), "", f"{percent(count, count)}%"])
    note = demo.text(
        _t(
            "“主要”按第一项计，合计即客户总数；“持有”计入每位持有者，一位客户可计入多行。",
            "'Primary' counts each customer once, by the first one listed; 'Holding' counts "
            "every holder, so a customer may count in several rows.",
        )
    )
    return Section(
        key=key,
        title=demo.text(title),
        data={"title": demo.text(title), "rows": rows, "total": count},
        lines=(*render_table(header, body, right=[False, True, True, True]), note),
    )


def section_overview(demo: Demo) -> Section:
    """The scoring window, weights, full-marks figures and cut-offs the report uses."""
    policy = demo.config.policy
    window = Period.trailing(demo.as_of, months=policy.window_months)
    last_day = window.end - timedelta(days=1)
    factors = (
        (Factor.SPENDING, policy.spending_weight, str(policy.spending_full)),
        (Factor.FREQUENCY, policy.frequency_weight, str(policy.frequency_full)),
        (Factor.CONTRIBUTION, policy.contribution_weight, str(policy.contribution_full)),
    )
    title = demo.text(_t("概览：价值评分规则", "Overview: the value score"))
    lines = [
        demo.text(
            _t(
                "统计区间：{start} 至 {end}（近 {n} 个月）",
                "Window: {start} to {end} (the last {n} months)",
            )
        ).format(start=window.start.isoformat(), end=last_day.isoformat(), n=policy.window_months),
        demo.text(
            _t(
                "价值分 = 100 × Σ 权重 × min(1, 实际 / 满分线) ÷ Σ 权重",
                "score = 100 × Σ weight × min(1, observed / full marks) ÷ Σ weight",
            )
        ),
        *render_table(
            [
                demo.text(_t("因素", "Factor")),
                demo.text(_t("权重", "Weight")),
                demo.text(_t("满分线", "Full marks at")),
            ],
            [[demo.text(f.label), f"{w:f}", full] for f, w, full in factors],
            right=[False, True, True],
        ),
        demo.text(
            _t(
                "分层：价值分 ≥ {high} 为高端客户，≥ {mid} 为中端客户，其余为低端客户",
                "Segments: high-end from {high}, mid-end from {mid}, low-end below",
            )
        ).format(high=f"{policy.high_cutoff:f}", mid=f"{policy.mid_cutoff:f}"),
    ]
    data: Mapping[str, Json] = {
        "title": title,
        "window": {"start": window.start.isoformat(), "end": last_day.isoformat()},
        "window_months": policy.window_months,
        "factors": [
            {"factor": f.value, "label": demo.text(f.label), "weight": w, "full_marks": full}
            for f, w, full in factors
        ],
        "cutoffs": {"high": policy.high_cutoff, "mid": policy.mid_cutoff},
    }
    return Section(key="overview", title=title, data=data, lines=tuple(lines))


def section_kinds(demo: Demo) -> Section:
    """Customers by kind (客户类型): primary role and every role held."""
    return _count_table(
        demo,
        "kinds",
        title=_t("按客户类型", "Customers by kind"),
        first=_t("客户类型", "Kind"),
        members=[(k.value, k.label) for k in CustomerKind],
        primary=[c.kinds[0].value for c in demo.customers],
        holding=[[k.value for k in c.kinds] for c in demo.customers],
    )


def section_property_types(demo: Demo) -> Section:
    """Customers by property type (物业类型): first unit, and every type held."""
    members = [(t.value, t.label) for t in PropertyType]
    members.append(("none", _NONE))
    return _count_table(
        demo,
        "property_types",
        title=_t("按物业类型", "Customers by property type"),
        first=_t("物业类型", "Property type"),
        members=members,
        primary=[c.units[0].property_type.value if c.units else "none" for c in demo.customers],
        holding=[[t.value for t in c.property_types] or ["none"] for c in demo.customers],
    )


def _average(scores: Sequence[Decimal]) -> Decimal | None:
    if not scores:
        return None
    exact = MONEY_CONTEXT.divide(sum(scores, Decimal(0)), Decimal(len(scores)))
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)


def section_value_segments(demo: Demo) -> Section:
    """Customers by value segment (价值分层), with the average score of each."""
    count = len(demo.customers)
    title = demo.text(_t("按价值分层", "Customers by value segment"))
    rows: list[Mapping[str, Json]] = []
    body = []
    for segment in ValueSegment:
        scores = [s.score for s in demo.scores if s.segment is segment]
        average = _average(scores)
        rows.append(
            {
                "segment": segment.value,
                "label": demo.text(segment.label),
                "customers": len(scores),
                "share_percent": percent(len(scores), count),
                "average_score": average,
            }
        )
        body.append(
            [
                demo.text(segment.label),
                str(len(scores)),
                f"{percent(len(scores), count)}%",
                "–" if average is None else f"{average:f}",
            ]
        )
    body.append([demo.text(_TOTAL), str(count), f"{percent(count, count)}%", ""])
    header = [
        demo.text(_t("价值分层", "Segment")),
        demo.text(_t("客户数", "Customers")),
        demo.text(_SHARE),
        demo.text(_t("平均分", "Average score")),
    ]
    return Section(
        key="value_segments",
        title=title,
        data={"title": title, "rows": rows, "total": count},
        lines=tuple(render_table(header, body, right=[False, True, True, True])),
    )


def section_rule_segments(demo: Demo) -> Section:
    """Membership of each rule-based segment (a customer may be in several, or none)."""
    count = len(demo.customers)
    title = demo.text(_t("规则分群", "Rule-based segments"))
    rows: list[Mapping[str, Json]] = []
    body = []
    for index, rule in enumerate(demo.config.segments):
        members = sum(1 for outcome in demo.matches if outcome[index].matched)
        rows.append(
            {
                "name": rule.name,
                "label": demo.text(rule.label),
                "match": rule.match.value,
                "criteria": unstructure(rule)["criteria"],
                "customers": members,
                "share_percent": percent(members, count),
            }
        )
        body.append(
            [
                demo.text(rule.label),
                rule.name,
                demo.text(rule.match.label),
                str(members),
                f"{percent(members, count)}%",
            ]
        )
    header = [
        demo.text(_t("分群", "Segment")),
        demo.text(_t("规则名", "Rule")),
        demo.text(_t("条件", "Criteria")),
        demo.text(_t("客户数", "Customers")),
        demo.text(_SHARE),
    ]
    note = demo.text(
        _t(
            "分群可以重叠：一位客户可属于多个分群，也可一个都不属于。",
            "Segments may overlap: a customer may be in several, or in none.",
        )
    )
    return Section(
        key="rule_segments",
        title=title,
        data={"title": title, "rows": rows, "total": count},
        lines=(*render_table(header, body, right=[False, False, False, True, True]), note),
    )


def section_top(demo: Demo) -> Section:
    """The top customers by value score, names masked, each with the reasons for the score.

    Ties are broken by customer id, so the list is stable.
    """
    by_id = {c.customer_id: c for c in demo.customers}
    ranked = sorted(demo.scores, key=lambda s: (-s.score, s.customer_id))[: demo.top]
    title = demo.text(_t("价值分前 {n} 位客户", "Top {n} by value score")).format(n=len(ranked))
    rows: list[Mapping[str, Json]] = []
    cells: list[list[str]] = []
    reasons: list[list[str]] = []
    for rank, score in enumerate(ranked, start=1):
        customer = by_id[score.customer_id]
        reasons.append(score.explain(demo.lang).splitlines())
        rows.append(
            {
                "rank": rank,
                "customer_id": customer.customer_id,
                "name": customer.name.masked,
                "kinds": [k.value for k in customer.kinds],
                "score": score.score,
                "segment": score.segment.value,
                "segment_label": demo.text(score.segment.label),
                "reasons": reasons[-1],
            }
        )
        cells.append(
            [
                str(rank),
                customer.customer_id,
                truncate(customer.name.masked, NAME_WIDTH),
                demo.text(_LIST_SEPARATOR).join(demo.text(k.label) for k in customer.kinds),
                demo.text(score.segment.label),
                f"{score.score:f}",
            ]
        )
    header = [
        "#",
        demo.text(_t("客户编号", "Customer")),
        demo.text(_t("姓名（已脱敏）", "Name (masked)")),
        demo.text(_t("客户类型", "Kind")),
        demo.text(_t("价值分层", "Segment")),
        demo.text(_t("价值分", "Score")),
    ]
    table = render_table(header, cells, right=[True, False, False, False, False, True])
    lines = table[:2]
    for line, why in zip(table[2:], reasons, strict=True):
        lines.append(line)
        lines.extend(f"      {reason}" for reason in why)
    return Section(
        key="top_customers",
        title=title,
        data={"title": title, "rows": rows, "shown": len(ranked), "total": len(demo.customers)},
        lines=tuple(lines),
    )
