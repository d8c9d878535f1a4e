"""The ``pmcrm`` command line: a demo report on the embedded sample portfolio.

This module and :mod:`pmcrm.__main__` are the only ones that touch the
terminal.  The report is built from *sections*: each section function takes
the shared :class:`Demo` context and returns a :class:`Section` holding its
JSON-ready data and its text lines, so a new section (benefits,
complaints, surveys…) is one more function in :data:`SECTIONS`.

Personal data never leaves this module unmasked: the report shows masked
names only, and neither mobile numbers, ID numbers nor addresses.

>>> main(["demo", "--lang", "en", "--top", "1"])  # doctest: +ELLIPSIS
pmcrm sample customer report
...
0
"""

import argparse
import itertools
import json
import os
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Protocol, TypeAlias

import attrs

from pmcrm import __version__, _parse
from pmcrm.benefits import (
    PROPERTY_FEE,
    Entitlement,
    QuotaBenefit,
    TierSpell,
    balance,
    discount_rules,
    entitlements,
)
from pmcrm.calendars import BusinessCalendar
from pmcrm.calendars.china import CHINA_STANDARD_TIME
from pmcrm.care import ContactLog, DueTouchpoint, FestivalCoverageError, Touchpoint, due_list
from pmcrm.complaints import (
    CategoryCatalogue,
    ClockStatus,
    ComplaintAnalysis,
    ComplaintClocks,
    ComplaintFacts,
    ComplaintState,
    GroupStats,
    Metric,
    MetricClock,
    Share,
    analyse,
    clocks_of,
    duration_text,
    facts,
    find_repeats,
    rectifications,
    state_at,
)
from pmcrm.customers import Customer, CustomerKind, PropertyType
from pmcrm.errors import CalendarCoverageError, InvalidValue, MissingDependency, iso_duration
from pmcrm.pricing import PricedBill, price
from pmcrm.sample import (
    SampleBenefits,
    SampleComplaints,
    SampleConfig,
    SampleSurvey,
    sample_benefits,
    sample_calendar,
    sample_complaints,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_survey,
    sample_tier_policy,
)
from pmcrm.segmentation import (
    Factor,
    RuleMatch,
    ValueScore,
    ValueSegment,
    classify,
    segment_portfolio,
)
from pmcrm.serialization import unstructure
from pmcrm.surveys import charts
from pmcrm.surveys.breakdowns import DEFAULT_MIN_N, Group, PeriodUnit, by_segment, period_key
from pmcrm.surveys.history import satisfaction_history
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, IpaItem, IpaResult, Quadrant, ipa
from pmcrm.surveys.responses import Response
from pmcrm.surveys.scoring import SurveyScores, score_survey
from pmcrm.tiers import (
    MemberRecord,
    ReviewAction,
    ReviewOutcome,
    TierDecision,
    TierPolicy,
    apply_for,
    evaluate,
    explain_tier,
    review_portfolio,
)
from pmcrm.values import MONEY_CONTEXT, Label, Lang, Period

__all__ = [
    "BOARD_TIME",
    "CARE_HORIZON_DAYS",
    "CARE_SHOWN",
    "CHART_FILES",
    "QUESTION_WIDTH",
    "SECTIONS",
    "SURVEY_MIN_N",
    "Demo",
    "Json",
    "Section",
    "Stream",
    "board_instant",
    "build_parser",
    "display_width",
    "emit",
    "main",
    "pad",
    "percent",
    "render_json",
    "render_table",
    "render_text",
    "run_demo",
    "section_complaints",
    "section_entitlements",
    "section_kinds",
    "section_overview",
    "section_property_types",
    "section_rule_segments",
    "section_survey",
    "section_tiers",
    "section_top",
    "section_value_segments",
    "truncate",
    "write_charts",
]

#: A JSON-ready value; :class:`~decimal.Decimal` is written as a string.
Json: TypeAlias = "bool | int | str | Decimal | Sequence[Json] | Mapping[str, Json] | None"

#: The earliest and latest ``--as-of`` the demo accepts.
AS_OF_RANGE = (date(1900, 1, 1), date(2199, 12, 31))

#: Widest masked name shown in the text report (display columns).
NAME_WIDTH = 16

EXAMPLES = """\
examples:
  python -m pmcrm demo                      # the report in Chinese
  python -m pmcrm demo --lang en --top 5    # in English, the five best customers
  python -m pmcrm demo --json | python -m json.tool
  python -m pmcrm demo --as-of 2026-06-30   # score on another day
  python -m pmcrm demo --charts charts      # also draw the survey charts (pmcrm[plot])
"""

# --- text ----------------------------------------------------------------------


def _t(zh: str, en: str) -> Label:
    return Label(zh=zh, en=en)


_REPORT_TITLE = _t("pmcrm 示例客户报告", "pmcrm sample customer report")
_SUBTITLE = _t(
    "溪岚市物业服务公司（虚构）· 基准日 {as_of} · 客户 {count} 位",
    "Xilan property services (fictional) · as of {as_of} · {count} customers",
)
_TOTAL = _t("合计", "Total")
_SHARE = _t("占比", "Share")
_NONE = _t("无物业单元", "No unit")
_LIST_SEPARATOR = _t("、", ", ")


def display_width(text: str) -> int:
    r"""Columns *text* takes in a terminal: CJK wide and full-width characters take two.

    >>> display_width("业主"), display_width("Owner"), display_width("e\u0301")
    (4, 5, 1)
    """
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def pad(text: str, width: int, *, right: bool = False) -> str:
    """*text* padded with spaces to *width* display columns (on the left if *right*).

    >>> pad("业主", 6) + "|", pad("42", 6, right=True) + "|"
    ('业主  |', '    42|')
    """
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def truncate(text: str, width: int) -> str:
    """*text* cut to at most *width* display columns, ending in ``…`` when cut.

    >>> truncate("O***** ****", 8), truncate("王**", 8)
    ('O***** …', '王**')
    """
    if display_width(text) <= width:
        return text
    # Running widths never decrease, so those within the room left for "…" are a prefix.
    running = itertools.accumulate(display_width(ch) for ch in text)
    return text[: sum(1 for w in running if w <= width - 1)] + "…"


def render_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[bool]
) -> list[str]:
    """A plain-text table: header, a rule, the rows; columns aligned by display width.

    >>> for line in render_table(
    ...     ["类型", "n"], [["业主", "12"], ["Owner", "3"]], right=[False, True]
    ... ):
    ...     print(line)
    类型   n
    -----  --
    业主   12
    Owner   3
    """
    widths = [max(display_width(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = (pad(c, w, right=r) for c, w, r in zip(cells, widths, right, strict=True))
        return "  ".join(parts).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


def percent(part: int, whole: int) -> Decimal:
    """*part* as a percentage of *whole*, to 0.1 (ROUND_HALF_UP); 0.0 of nothing.

    >>> percent(1, 3), percent(2, 3), percent(0, 0)
    (Decimal('33.3'), Decimal('66.7'), Decimal('0.0'))
    """
    if whole == 0:
        return Decimal("0.0")
    exact = MONEY_CONTEXT.divide(Decimal(part * 100), Decimal(whole))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)


# --- the report model --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Demo:
    """Everything the report's sections read, computed once.

    Attributes:
        customers: The portfolio.
        config: The value-score policy and rule-based segments.
        as_of: The day the customers are scored on.
        lang: The report's language.
        top: How many customers the top list shows.
        scores: Each customer's value score, in portfolio order.
        matches: Each customer's outcome under each rule, in portfolio order.
        tier_policy: The VIP programme (ladder and review rules).
        members: Each customer's member record, in portfolio order.
        qualifying: The tier each customer qualifies for on *as_of*.
        outcomes: Each customer's periodic review on *as_of*.
        benefits: The benefit catalogue, pricing policy, sample bill, care
            policy, festival calendar, contact logs and quota ledger.
        complaints: The complaints' events, SLA policy and repeat rules.
        calendar: The business calendar the SLA clocks count working hours on.
        complaint_states: Each complaint replayed from its events.
        survey: The satisfaction survey: questionnaire and responses.
    """

    customers: tuple[Customer, ...]
    config: SampleConfig
    as_of: date
    lang: Lang
    top: int
    scores: tuple[ValueScore, ...]
    matches: tuple[tuple[RuleMatch, ...], ...]
    tier_policy: TierPolicy
    members: tuple[MemberRecord, ...]
    qualifying: tuple[TierDecision, ...]
    outcomes: tuple[ReviewOutcome, ...]
    benefits: SampleBenefits
    complaints: SampleComplaints
    calendar: BusinessCalendar
    complaint_states: tuple[ComplaintState, ...]
    survey: SampleSurvey

    @classmethod
    def build(
        cls,
        customers: Sequence[Customer],
        config: SampleConfig,
        *,
        as_of: date,
        tier_policy: TierPolicy,
        members: Sequence[MemberRecord],
        lang: Lang = Lang.ZH,
        top: int = 10,
        benefits: SampleBenefits | None = None,
        complaints: SampleComplaints | None = None,
        calendar: BusinessCalendar | None = None,
        survey: SampleSurvey | None = None,
    ) -> "Demo":
        """Score, classify, tier and review *customers* on *as_of*; replay the complaints.

        Each customer is paired with the member record of the same customer
        id; a customer without one holds the base tier since registration.
        *benefits*, *complaints*, *calendar* and *survey* default to the
        sample's (:func:`~pmcrm.sample.sample_benefits`,
        :func:`~pmcrm.sample.sample_complaints`,
        :func:`~pmcrm.sample.sample_calendar`,
        :func:`~pmcrm.sample.sample_survey`).
        """
        complaints = sample_complaints() if complaints is None else complaints
        ladder = tier_policy.ladder
        by_id = {m.customer_id: m for m in members}
        records = tuple(
            by_id.get(c.customer_id)
            or MemberRecord(
                customer_id=c.customer_id,
                tier=ladder.base_name,
                since=c.registered_at.date(),
            )
            for c in customers
        )
        return cls(
            customers=tuple(customers),
            config=config,
            as_of=as_of,
            lang=lang,
            top=top,
            scores=tuple(segment_portfolio(customers, config.policy, as_of)),
            matches=tuple(classify(c, config.segments, as_of) for c in customers),
            tier_policy=tier_policy,
            members=records,
            qualifying=tuple(
                evaluate(c, ladder, as_of, m.designations)
                for c, m in zip(customers, records, strict=True)
            ),
            outcomes=tuple(
                review_portfolio(zip(customers, records, strict=True), tier_policy, as_of)
            ),
            benefits=sample_benefits() if benefits is None else benefits,
            complaints=complaints,
            calendar=sample_calendar() if calendar is None else calendar,
            complaint_states=complaints.states,
            survey=sample_survey() if survey is None else survey,
        )

    def text(self, label: Label) -> str:
        """*label* in the report's language."""
        return label.get(self.lang)


@attrs.frozen(kw_only=True)
class Section:
    """One part of the report.

    Attributes:
        key: The section's key in the JSON document (stable, English).
        title: The heading, in the report's language.
        data: What the JSON document holds for the section.
        lines: What the text report prints under the heading.
    """

    key: str
    title: str
    data: Mapping[str, Json]
    lines: tuple[str, ...]


# --- sections ------------------------------------------------------------------------


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


# --- the VIP tier section --------------------------------------------------------------

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
_INDENT = " " * 6


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


# --- the entitlements section ----------------------------------------------------------

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


# --- the complaint board ---------------------------------------------------------------

#: The time of day (China Standard Time) at which the complaint board reads its clocks.
BOARD_TIME = time(17, 0)

#: How many root causes and categories the month's analysis names (fewer with ``--top``).
BOARD_GROUPS = 3

#: The labels of the standard complaint categories; another code is shown as it is.
_CATEGORIES = {d.code: d.label for d in CategoryCatalogue.standard().categories}


def _category(demo: Demo, code: str) -> str:
    """The label of the category *code* in the report's language (the code if not standard)."""
    return _CATEGORIES.get(code, Label(zh=code, en=code)).get(demo.lang)


def board_instant(as_of: date) -> datetime:
    """When the complaint board reads the SLA clocks: 17:00 China Standard Time on *as_of*.

    >>> board_instant(date(2026, 11, 23)).isoformat()
    '2026-11-23T17:00:00+08:00'
    """
    return datetime.combine(as_of, BOARD_TIME, tzinfo=CHINA_STANDARD_TIME)


def _local(instant: datetime) -> str:
    """*instant* as ``MM-DD HH:MM`` China Standard Time."""
    return instant.astimezone(CHINA_STANDARD_TIME).strftime("%m-%d %H:%M")


def _urgency(clock: MetricClock) -> tuple[bool, timedelta, bool, datetime]:
    """Breached clocks first, the most overdue first; then the earliest due.

    A clock due past the calendar's coverage (no due time yet) comes last.
    """
    due = clock.due
    return (
        clock.status is not ClockStatus.BREACHED,
        -clock.overdue,
        due is None,
        clock.at if due is None else due,
    )


def _active(clocks: ComplaintClocks) -> list[MetricClock]:
    """The clocks that started and have not stopped (running, paused or running late)."""
    return [c for c in clocks.clocks if c.start is not None and c.stop is None]


def _flagged(clock: MetricClock) -> bool:
    """Breached, or past a warning level."""
    return clock.status is ClockStatus.BREACHED or clock.warning is not None


def _status_text(demo: Demo, clock: MetricClock) -> str:
    """``"running · 80%"``: the status, and the warning level reached, if any."""
    text = clock.status.text(demo.lang)
    return text if clock.warning is None else f"{text} · {clock.warning * 100:.0f}%"


def _due_text(clock: MetricClock) -> str:
    """The due time, ``*`` when it is provisional (the clock is paused)."""
    due = "–" if clock.due is None else _local(clock.due)
    return due + ("*" if clock.provisional else "")


def _left_text(demo: Demo, clock: MetricClock) -> str:
    """How late the clock is, or how much time it has left."""
    if clock.overdue:
        return demo.text(_t("超时 {d}", "late {d}")).format(
            d=duration_text(clock.overdue, demo.lang)
        )
    return demo.text(_t("剩 {d}", "{d} left")).format(d=duration_text(clock.remaining, demo.lang))


def _clock_json(demo: Demo, clock: MetricClock) -> Mapping[str, Json]:
    return {
        "metric": clock.metric.value,
        "metric_label": clock.metric.text(demo.lang),
        "status": clock.status.value,
        "status_label": clock.status.text(demo.lang),
        "warning": clock.warning,
        "due": None
        if clock.due is None
        else clock.due.astimezone(CHINA_STANDARD_TIME).isoformat(),
        "provisional": clock.provisional,
        "elapsed": iso_duration(clock.elapsed),
        "target": iso_duration(clock.target),
        "overdue": iso_duration(clock.overdue),
        "remaining": iso_duration(clock.remaining),
        "rule": clock.choice.explain(demo.lang),
    }


def _clock_cells(demo: Demo, clock: MetricClock) -> list[str]:
    return [
        clock.metric.text(demo.lang),
        _status_text(demo, clock),
        _due_text(clock),
        _left_text(demo, clock),
    ]


_CLOCK_HEADER = (
    _t("时钟", "Clock"),
    _t("状态", "Status"),
    _t("到期", "Due"),
    _t("超时/剩余", "Late/left"),
)
_MORE = _t("…… 另有 {n} 项", "… and {n} more")


@attrs.frozen(kw_only=True)
class _Board:
    """What the complaint board reads, computed once per report."""

    at: datetime
    facts: tuple[ComplaintFacts, ...]
    clocks: tuple[ComplaintClocks, ...]
    open: tuple[tuple[ComplaintFacts, ComplaintClocks, MetricClock | None], ...]


def _read_board(demo: Demo, at: datetime) -> _Board:
    """The complaints registered by *at*, their clocks, and the open ones, most urgent first."""
    policy, calendar = demo.complaints.policy, demo.calendar
    states = [s for s in (state_at(s, at) for s in demo.complaint_states) if s is not None]
    all_facts = tuple(facts(s) for s in states)
    all_clocks = tuple(clocks_of(f, policy, at, calendar=calendar) for f in all_facts)
    rows = []
    for f, clocks in zip(all_facts, all_clocks, strict=True):
        if f.is_open:
            rows.append((f, clocks, min(_active(clocks), key=_urgency, default=None)))
    rows.sort(key=lambda r: (r[2] is None, () if r[2] is None else _urgency(r[2])))
    return _Board(at=at, facts=all_facts, clocks=all_clocks, open=tuple(rows))


def _open_list(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(a) The open complaints, breached first, each with its most urgent clock."""
    shown = board.open[: demo.top]
    data: Mapping[str, Json] = {
        "total": len(board.open),
        "rows": [
            {
                "complaint_id": f.complaint_id,
                "category": f.category,
                "category_label": _category(demo, f.category),
                "type": f.complaint_type.value,
                "type_label": f.complaint_type.text(demo.lang),
                "emergency": None if f.emergency is None else f.emergency.value,
                "status": f.status.value,
                "owner": f.owner,
                "clock": None if clock is None else _clock_json(demo, clock),
            }
            for f, _, clock in shown
        ],
    }
    lines = [
        demo.text(
            _t(
                "-- 未结投诉：{n} 起（按最紧急的时钟，超时在前；* 暂停中，假设现在恢复）--",
                "-- Open complaints: {n} (most urgent clock, breached first; "
                "* paused: due if resumed now) --",
            )
        ).format(n=len(board.open))
    ]
    if shown:
        header = [
            demo.text(_t("投诉编号", "Complaint")),
            demo.text(_t("类别", "Category")),
            demo.text(_t("类型", "Type")),
            demo.text(_t("负责人", "Owner")),
            *(demo.text(h) for h in _CLOCK_HEADER),
        ]
        cells = [
            [
                f.complaint_id,
                _category(demo, f.category),
                f.complaint_type.text(demo.lang),
                f.owner,
                *(["–"] * 4 if clock is None else _clock_cells(demo, clock)),
            ]
            for f, _, clock in shown
        ]
        lines.extend(render_table(header, cells, right=[False] * 8))
    if len(board.open) > len(shown):
        lines.append(demo.text(_MORE).format(n=len(board.open) - len(shown)))
    return data, lines


def _alerts(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(b) Every clock breached or past a warning level; the table lists those not shown above."""
    flagged = sorted(
        (
            (f, clock)
            for f, clocks in zip(board.facts, board.clocks, strict=True)
            for clock in _active(clocks)
            if _flagged(clock)
        ),
        key=lambda item: (_urgency(item[1]), item[0].complaint_id),
    )
    breached = Counter(c.metric for _, c in flagged if c.status is ClockStatus.BREACHED)
    warned = Counter(c.warning for _, c in flagged if c.warning is not None)
    shown_above = {
        (f.complaint_id, c.metric) for f, _, c in board.open[: demo.top] if c is not None
    }
    others = [(f, c) for f, c in flagged if (f.complaint_id, c.metric) not in shown_above]
    data: Mapping[str, Json] = {
        "breached": sum(breached.values()),
        "warnings": sum(warned.values()),
        "rows": [
            {"complaint_id": f.complaint_id, "clock": _clock_json(demo, c)}
            for f, c in flagged[: demo.top]
        ],
    }
    sep = demo.text(_LIST_SEPARATOR)
    by_metric = sep.join(f"{m.text(demo.lang)} {breached[m]}" for m in Metric if breached[m])
    by_level = sep.join(
        f"{level * 100:.0f}% {warned[level]}" for level in sorted(warned, reverse=True)
    )
    lines = [
        demo.text(
            _t(
                "-- 超时：{b} 个时钟（{bm}）；预警：{w} 个（{wl}）--",
                "-- Breached: {b} clocks ({bm}); warnings: {w} ({wl}) --",
            )
        ).format(
            b=sum(breached.values()),
            bm=by_metric or "–",
            w=sum(warned.values()),
            wl=by_level or "–",
        )
    ]
    shown = others[: demo.top]
    if shown:
        lines.append(demo.text(_t("上表之外的：", "Besides those above:")))
        header = [demo.text(_t("投诉编号", "Complaint")), *(demo.text(h) for h in _CLOCK_HEADER)]
        cells = [[f.complaint_id, *_clock_cells(demo, c)] for f, c in shown]
        lines.extend(render_table(header, cells, right=[False] * 5))
    if len(others) > len(shown):
        lines.append(demo.text(_MORE).format(n=len(others) - len(shown)))
    return data, lines


def _repeats(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(c) Repeat complaints, the latest first, and the special rectifications they call for."""
    policy = demo.complaints.repeat_policy
    findings = [f for f in find_repeats(board.facts, policy) if f.is_repeat]
    findings.reverse()
    groups = rectifications(board.facts, policy)
    sep = demo.text(_LIST_SEPARATOR)
    category = {f.complaint_id: f.category for f in board.facts}
    data: Mapping[str, Json] = {
        "window_days": policy.window.days,
        "threshold": policy.rectification_threshold,
        "repeats": len(findings),
        "complaints": len(board.facts),
        "rows": [
            {
                "complaint_id": f.complaint_id,
                "earlier": list(f.earlier),
                "matched_by": [k.value for k in f.matched_by],
                "category": category[f.complaint_id],
                "rectification": f.rectification,
                "reasons": [r.text(demo.lang) for r in f.reasons],
            }
            for f in findings[: demo.top]
        ],
        "rectifications": [
            {
                "key": g.key.value,
                "value": g.value,
                "category": g.category,
                "complaint_ids": list(g.complaint_ids),
                "triggered_by": g.triggered_by,
                "reason": g.reasons[0].text(demo.lang),
            }
            for g in groups[: demo.top]
        ],
    }
    window = demo.text(_t("{d} 天", "{d} days")).format(d=policy.window.days)
    lines = [
        demo.text(
            _t(
                "-- 重复投诉：{n} / {total} 起（{window}内同一客户或单元、同类别）--",
                "-- Repeat complaints: {n} of {total} "
                "(same customer or unit and category within {window}) --",
            )
        ).format(n=len(findings), total=len(board.facts), window=window)
    ]
    for f in findings[: demo.top]:
        lines.append(
            demo.text(
                _t(
                    "{id} 重复 {earlier}（{keys}，{category}）",
                    "{id} repeats {earlier} ({keys}; {category})",
                )
            ).format(
                id=f.complaint_id,
                earlier=sep.join(f.earlier),
                keys=sep.join(k.text(demo.lang) for k in f.matched_by),
                category=_category(demo, category[f.complaint_id]),
            )
        )
    if len(findings) > demo.top:
        lines.append(demo.text(_MORE).format(n=len(findings) - demo.top))
    for g in groups[: demo.top]:
        lines.append(
            demo.text(
                _t(
                    "专项整改（{key} {value}，{category}）：{ids}；"
                    "{trigger} 时达到阈值 {threshold}",
                    "Special rectification ({key} {value}, {category}): {ids}; "
                    "threshold {threshold} reached at {trigger}",
                )
            ).format(
                key=g.key.text(demo.lang),
                value=g.value,
                category=_category(demo, g.category),
                ids=sep.join(g.complaint_ids),
                trigger=g.triggered_by,
                threshold=policy.rectification_threshold,
            )
        )
    if len(groups) > demo.top:
        lines.append(demo.text(_MORE).format(n=len(groups) - demo.top))
    return data, lines


def _month(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(d) The analysis of the complaints registered in the month of the report, to date.

    Rates and clocks come from the analysis of every complaint (so a repeat
    of last month's complaint counts as a repeat); the root causes and
    categories from the analysis of this month's complaints alone.
    """
    complaints, calendar = demo.complaints, demo.calendar
    month = f"{demo.as_of:%Y-%m}"

    def run(states: Sequence[ComplaintState]) -> ComplaintAnalysis:
        return analyse(
            states,
            complaints.policy,
            board.at,
            calendar=calendar,
            repeat_policy=complaints.repeat_policy,
            top=min(demo.top, BOARD_GROUPS),
        )

    empty = GroupStats(complaints=0, open=0, reopened=Share(0, 0), repeats=Share(0, 0), metrics=())
    stats = dict(run(demo.complaint_states).by_month).get(month, empty)
    zone = calendar.timezone
    mine = run(
        [
            s
            for s in demo.complaint_states
            if f"{s.registration.at.astimezone(zone):%Y-%m}" == month
        ]
    )
    lang = demo.lang
    data: Mapping[str, Json] = {
        "month": month,
        "complaints": stats.complaints,
        "open": stats.open,
        "reopened": stats.reopened.part,
        "reopened_percent": stats.reopened.percent(),
        "repeats": stats.repeats.part,
        "repeats_percent": stats.repeats.percent(),
        "metrics": [
            {
                "metric": m.metric.value,
                "label": m.metric.text(lang),
                "timed": m.timed,
                "met": m.met,
                "breached": m.breached,
                "running": m.running,
                "on_time_percent": m.on_time.percent(),
                "median": None if m.median is None else iso_duration(m.median),
            }
            for m in stats.metrics
        ],
        "root_causes": [
            {"cause": cause.value, "label": cause.text(lang), "count": n}
            for cause, n in mine.root_causes
        ],
        "categories": [
            {"category": c, "label": _category(demo, c), "count": n} for c, n in mine.categories
        ],
    }
    lines = [
        demo.text(
            _t(
                "-- 本月至今（{start} 起）：登记 {n} 起，未结 {open} 起 --",
                "-- Month to date (from {start}): {n} registered, {open} open --",
            )
        ).format(start=demo.as_of.replace(day=1).isoformat(), n=stats.complaints, open=stats.open)
    ]
    if not stats.complaints:
        lines.append(demo.text(_t("本月尚无投诉。", "No complaint this month yet.")))
        return data, lines
    lines.append(
        demo.text(
            _t(
                "重新打开率 {reopened}；重复投诉率 {repeats}",
                "Reopened {reopened}; repeats {repeats}",
            )
        ).format(reopened=stats.reopened.text(lang), repeats=stats.repeats.text(lang))
    )
    header = [
        demo.text(_t("时钟", "Clock")),
        demo.text(_t("按时", "Met")),
        demo.text(_t("超时", "Breached")),
        demo.text(_t("计时中", "Running")),
        demo.text(_t("按时率", "On time")),
        demo.text(_t("中位用时（工作时间）", "Median (working time)")),
    ]
    cells = [
        [
            m.metric.text(lang),
            str(m.met),
            str(m.breached),
            str(m.running),
            m.on_time.text(lang),
            "–" if m.median is None else duration_text(m.median, lang),
        ]
        for m in stats.metrics
    ]
    lines.extend(render_table(header, cells, right=[False, True, True, True, True, True]))
    sep = demo.text(_LIST_SEPARATOR)
    causes = sep.join(f"{cause.text(lang)} {n}" for cause, n in mine.root_causes) or "–"
    categories = sep.join(f"{_category(demo, c)} {n}" for c, n in mine.categories)
    lines.append(
        demo.text(
            _t(
                "主要根因：{causes}；主要类别：{categories}",
                "Root causes: {causes}; categories: {categories}",
            )
        ).format(causes=causes, categories=categories)
    )
    return data, lines


def _example(demo: Demo, board: _Board) -> tuple[Json, list[str]]:
    """(e) One open complaint's resolution clock, explained span by span.

    The open complaint whose resolution clock is paused or breached, with
    the most kinds of span (counted, paused, not counted), first in board
    order; else the first open complaint with a resolution clock.
    """
    candidates = [
        (
            clock.status not in (ClockStatus.PAUSED, ClockStatus.BREACHED),
            -len({span.kind for span in clock.timeline}),
            index,
            f,
            clock,
        )
        for index, (f, clocks, _) in enumerate(board.open)
        if (clock := clocks.get(Metric.RESOLUTION)) is not None
    ]
    if not candidates:
        return None, [
            demo.text(
                _t(
                    "-- 示例：没有带解决时钟的未结投诉 --",
                    "-- An example: no open complaint with a resolution clock --",
                )
            )
        ]
    *_, f, clock = min(candidates, key=lambda c: c[:3])
    explanation = clock.explain(demo.lang).splitlines()
    data: Mapping[str, Json] = {
        "complaint_id": f.complaint_id,
        "clock": _clock_json(demo, clock),
        "explanation": explanation,
    }
    heading = demo.text(
        _t(
            "-- 示例：{id}（{category}）的解决时钟 --",
            "-- An example: the resolution clock of {id} ({category}) --",
        )
    ).format(id=f.complaint_id, category=_category(demo, f.category))
    return data, [heading, *explanation]


def section_complaints(demo: Demo) -> Section:
    """The complaint board (投诉看板), its SLA clocks read at 17:00 CST on the report's day.

    (a) The open complaints, breached first (the most overdue first), then
    by due time, each with its most urgent clock; (b) how many clocks are
    breached or past a warning level, listing those (a) does not show;
    (c) repeat complaints, the latest first, and the special
    rectifications they call for; (d) the analysis of the month to date;
    (e) one open complaint's resolution clock explained span by span.
    Lists show at most ``--top`` items.  Complaints registered after the
    reading and later events are left out.  A day the business calendar
    does not cover is reported instead of the board.
    """
    title = demo.text(_t("投诉看板", "Complaint board"))
    at = board_instant(demo.as_of)
    data: dict[str, Json] = {
        "title": title,
        "at": at.isoformat(),
        "policy": demo.complaints.policy.name,
        "calendar": demo.calendar.name,
        "error": None,
    }
    lines = [
        demo.text(
            _t(
                "时钟读取时刻：{at} 北京时间（UTC+08:00），工作时间按「{calendar}」日历",
                "Clocks read at {at} China Standard Time (UTC+08:00), "
                "business hours per the '{calendar}' calendar",
            )
        ).format(at=at.strftime("%Y-%m-%d %H:%M"), calendar=demo.calendar.name)
    ]
    try:
        demo.calendar.is_working(at)  # refuses a day the calendar does not cover
        board = _read_board(demo, at)
        parts = {
            "open": _open_list(demo, board),
            "alerts": _alerts(demo, board),
            "repeats": _repeats(demo, board),
            "month": _month(demo, board),
            "example": _example(demo, board),
        }
    except CalendarCoverageError as exc:
        reason = exc.message_zh if demo.lang is Lang.ZH else str(exc)
        message = demo.text(_t("无法读取投诉时钟：{r}", "The clocks cannot be read: {r}")).format(
            r=reason
        )
        data["error"] = message
        lines.append(message)
        return Section(key="complaints", title=title, data=data, lines=tuple(lines))
    lines.append(
        demo.text(
            _t(
                "SLA 政策：{policy}；截至读取时刻登记投诉 {n} 起",
                "SLA policy: {policy}; {n} complaints registered by then",
            )
        ).format(policy=demo.complaints.policy.name, n=len(board.facts))
    )
    data["complaints"] = len(board.facts)
    for key, (part, part_lines) in parts.items():
        data[key] = part
        lines.extend(part_lines)
    return Section(key="complaints", title=title, data=data, lines=tuple(lines))


# --- the satisfaction survey -------------------------------------------------------------

#: Groups with fewer responses than this are flagged small in the survey's tier breakdown.
SURVEY_MIN_N = DEFAULT_MIN_N

#: The files ``--charts`` writes, in order.
CHART_FILES = ("ipa.svg", "ipa.png", "dimensions.svg", "dimensions.png")

#: The order of the quadrant table: what to fix first, first.
_QUADRANT_ORDER = (
    Quadrant.URGENT_IMPROVEMENT,
    Quadrant.KEEP_UP,
    Quadrant.SECONDARY_ADVANTAGE,
    Quadrant.NOT_A_PRIORITY,
)

#: Widest question text shown in the quadrant table (display columns).
QUESTION_WIDTH = 40


@attrs.frozen(kw_only=True)
class _Wave:
    """One survey wave: its quarter, its responses and their scores."""

    key: str
    responses: tuple[Response, ...]
    scores: SurveyScores


@attrs.frozen(kw_only=True)
class _SurveyView:
    """What the survey section and the charts read: the latest wave and the one before."""

    latest: _Wave
    previous: _Wave | None
    ipa: IpaResult


def _read_survey(demo: Demo) -> _SurveyView | None:
    """The responses up to the report's day by quarter: the latest wave, the one before.

    ``None`` when nobody had answered by then.  The quadrants use stated
    importance and the mean of the items on both axes.
    """
    instrument = demo.survey.instrument
    waves: dict[str, list[Response]] = {}
    for response in demo.survey.responses:
        if response.on <= demo.as_of:
            waves.setdefault(period_key(response.on, PeriodUnit.QUARTER), []).append(response)
    if not waves:
        return None
    keys = sorted(waves)

    def wave(key: str) -> _Wave:
        return _Wave(
            key=key,
            responses=tuple(waves[key]),
            scores=score_survey(instrument, waves[key]),
        )

    latest = wave(keys[-1])
    return _SurveyView(
        latest=latest,
        previous=wave(keys[-2]) if len(keys) > 1 else None,
        ipa=ipa(
            instrument,
            latest.scores,
            importance=ImportanceSource.STATED,
            importance_line=Crosshair.mean(),
            satisfaction_line=Crosshair.mean(),
        ),
    )


def _half_up(value: Fraction, places: int = 1) -> Decimal:
    """*value* rounded half up (away from zero) to *places* decimals, exactly; never -0."""
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    # From a string, which is exact: scaleb would round in the ambient context.
    return Decimal(f"{'-' if value < 0 and whole else ''}{whole}E-{places}")


def _tenth(value: Decimal) -> Decimal:
    """An interval end rounded half up to 0.1."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)


def _shown(value: Decimal | None, *, signed: bool = False, suffix: str = "") -> str:
    """*value* for the text report (``–`` for none), with a sign if *signed*."""
    if value is None:
        return "–"
    return (f"{value:+f}" if signed else f"{value:f}") + suffix


def _maybe(value: Fraction | None, places: int = 1) -> Decimal | None:
    return None if value is None else _half_up(value, places)


def _csat_percent(scores: SurveyScores) -> Decimal | None:
    """The CSAT share in percent, half up to 0.1, if the overall item was answered."""
    share = None if scores.csat is None else scores.csat.share
    return None if share is None else _half_up(share * 100)


def _survey_headline(demo: Demo, view: _SurveyView) -> tuple[dict[str, Json], list[str]]:
    """The wave, the CSI, the NPS with its interval and the CSAT with its interval."""
    survey, latest = demo.survey, view.latest
    scores = latest.scores
    days = [r.on for r in latest.responses]
    data: dict[str, Json] = {
        "instrument": survey.instrument.code,
        "instrument_name": demo.text(survey.instrument.name),
        "wave": latest.key,
        "first_day": min(days).isoformat(),
        "last_day": max(days).isoformat(),
        "responses": len(latest.responses),
        "csi": _maybe(scores.csi),
        "weighting": scores.weighting.value,
        "nps": None,
        "csat": None,
    }
    lines = [
        demo.text(
            _t(
                "{name} · {code} · {wave} 期：{n} 份答卷，{first} 至 {last}",
                "{name} · {code} · wave {wave}: {n} responses, {first} to {last}",
            )
        ).format(
            name=demo.text(survey.instrument.name),
            code=survey.instrument.code,
            wave=latest.key,
            n=len(latest.responses),
            first=min(days).isoformat(),
            last=max(days).isoformat(),
        ),
        demo.text(
            _t(
                "CSI {csi} / 100：各维度得分按声明的权重加权平均（权重见下表）",
                "CSI {csi} / 100: the dimension scores weighted by the declared weights "
                "(see the table)",
            )
        ).format(csi=_shown(_maybe(scores.csi))),
    ]
    nps = scores.nps
    if nps is not None:
        low, high = nps.interval()
        data["nps"] = {
            "score": _half_up(nps.score),
            "low": _tenth(low),
            "high": _tenth(high),
            "n": nps.n,
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
        }
        lines.append(
            demo.text(
                _t(
                    "NPS {score}（95% 置信区间 {low} 至 {high}；n = {n}：推荐者 {p}，"
                    "中立者 {m}，贬损者 {d}）",
                    "NPS {score} (95% CI {low} to {high}; n = {n}: {p} promoters, "
                    "{m} passives, {d} detractors)",
                )
            ).format(
                score=_shown(_half_up(nps.score), signed=True),
                low=_shown(_tenth(low), signed=True),
                high=_shown(_tenth(high), signed=True),
                n=nps.n,
                p=nps.promoters,
                m=nps.passives,
                d=nps.detractors,
            )
        )
    csat = scores.csat
    interval = None if csat is None else csat.interval()
    if csat is not None and interval is not None:
        low, high = (_tenth(end * 100) for end in interval)
        top_box = survey.instrument.top_box
        data["csat"] = {
            "percent": _csat_percent(scores),
            "low_percent": low,
            "high_percent": high,
            "satisfied": csat.part,
            "n": csat.whole,
            "top_box": top_box,
        }
        lines.append(
            demo.text(
                _t(
                    "CSAT {share}（总体满意度题前 {box} 档；95% Wilson 区间 {low}% 至 {high}%；"
                    "n = {n}）",
                    "CSAT {share} (top-{box} box of the overall item; 95% Wilson CI "
                    "{low}% to {high}%; n = {n})",
                )
            ).format(
                share=_shown(_csat_percent(scores), suffix="%"),
                box=top_box,
                low=f"{low:f}",
                high=f"{high:f}",
                n=csat.whole,
            )
        )
    return data, lines


def _survey_change(demo: Demo, view: _SurveyView) -> tuple[Json, list[str]]:
    """The change of the CSI, NPS and CSAT from the wave before."""
    previous = view.previous
    if previous is None:
        return None, [demo.text(_t("无上一期可比较。", "No earlier wave to compare with."))]
    now, before = view.latest.scores, previous.scores

    def change(new: Fraction | None, old: Fraction | None) -> Decimal | None:
        return None if new is None or old is None else _half_up(new - old)

    def share(scores: SurveyScores) -> Fraction | None:
        csat = scores.csat
        part = None if csat is None else csat.share
        return None if part is None else part * 100

    def score(scores: SurveyScores) -> Fraction | None:
        return None if scores.nps is None else scores.nps.score

    figures = {
        "csi": (before.csi, now.csi),
        "nps": (score(before), score(now)),
        "csat_percent": (share(before), share(now)),
    }
    data: dict[str, Json] = {"wave": previous.key, "responses": len(previous.responses)}
    for key, (old, new) in figures.items():
        data[key] = {"before": _maybe(old), "now": _maybe(new), "change": change(new, old)}
    csi_old, csi_new = figures["csi"]
    nps_old, nps_new = figures["nps"]
    csat_old, csat_new = figures["csat_percent"]
    line = demo.text(
        _t(
            "与上期 {wave}（{n} 份）相比：CSI {c0} → {c1}（{dc}）；NPS {n0} → {n1}（{dn}）；"
            "CSAT {s0} → {s1}（{ds} 个百分点）",
            "Change from {wave} ({n} responses): CSI {c0} → {c1} ({dc}); "
            "NPS {n0} → {n1} ({dn}); CSAT {s0} → {s1} ({ds} points)",
        )
    ).format(
        wave=previous.key,
        n=len(previous.responses),
        c0=_shown(_maybe(csi_old)),
        c1=_shown(_maybe(csi_new)),
        dc=_shown(change(csi_new, csi_old), signed=True),
        n0=_shown(_maybe(nps_old), signed=True),
        n1=_shown(_maybe(nps_new), signed=True),
        dn=_shown(change(nps_new, nps_old), signed=True),
        s0=_shown(_maybe(csat_old), suffix="%"),
        s1=_shown(_maybe(csat_new), suffix="%"),
        ds=_shown(change(csat_new, csat_old), signed=True),
    )
    return data, [line]


def _survey_dimensions(
    demo: Demo, view: _SurveyView
) -> tuple[list[Mapping[str, Json]], list[str]]:
    """The dimensions, lowest score first (unscored last), with weight, change, alpha and gap."""
    before = (
        {}
        if view.previous is None
        else {d.code: d.score_100 for d in view.previous.scores.dimensions}
    )
    ranked = sorted(
        view.latest.scores.dimensions,
        key=lambda d: (d.score_100 is None, d.score_100 or 0),
    )
    rows: list[Mapping[str, Json]] = []
    cells = []
    for d in ranked:
        old = before.get(d.code)
        change = None if d.score_100 is None or old is None else _half_up(d.score_100 - old)
        row: dict[str, Json] = {
            "dimension": d.code,
            "label": demo.text(d.label),
            "weight_percent": _half_up(d.weight * 100),
            "score": _maybe(d.score_100),
            "change": change,
            "importance": _maybe(d.importance, 2),
            "alpha": _maybe(d.alpha, 2),
            "gap": _maybe(d.gap, 2),
            "complete": d.complete,
        }
        rows.append(row)
        cells.append(
            [
                demo.text(d.label),
                f"{_half_up(d.weight * 100):f}%",
                _shown(_maybe(d.score_100)),
                _shown(change, signed=True),
                _shown(_maybe(d.importance, 2)),
                _shown(_maybe(d.alpha, 2)),
                _shown(_maybe(d.gap, 2), signed=True),
            ]
        )
    header = [
        demo.text(_t("维度", "Dimension")),
        demo.text(_t("权重", "Weight")),
        demo.text(_t("得分", "Score")),
        demo.text(_t("较上期", "Change")),
        demo.text(_t("重要性（1–5）", "Importance (1–5)")),
        demo.text(_t("α 系数", "Alpha")),
        demo.text(_t("差距（感知−期望）", "Gap (P − E)")),
    ]
    heading = demo.text(
        _t(
            "-- 各维度（得分 0–100，由低到高；差距为 SERVQUAL 感知减期望，以量表分计）--",
            "-- Dimensions, lowest score first (0–100; gap: SERVQUAL perception − "
            "expectation, in scale points) --",
        )
    )
    table = render_table(header, cells, right=[False, True, True, True, True, True, True])
    return rows, [heading, *table]


def _survey_quadrants(demo: Demo, view: _SurveyView) -> tuple[Mapping[str, Json], list[str]]:
    """The quadrant table: counts, then the items, urgent improvement first (``--top`` rows)."""
    result, lang = view.ipa, demo.lang
    order = {q: i for i, q in enumerate(_QUADRANT_ORDER)}
    ranked = sorted(
        result.items,
        key=lambda i: (
            len(order) if i.quadrant is None else order[i.quadrant],
            i.satisfaction is None,
            i.satisfaction or 0,
        ),
    )
    shown = ranked[: demo.top]
    counts = Counter(i.quadrant for i in result.items)

    def where(item: IpaItem) -> str:
        if item.quadrant is not None:
            return item.quadrant.text(lang)
        cause = item.unplaced.text(lang) if item.unplaced is not None else ""
        return demo.text(_t("未放入：{c}", "not placed: {c}")).format(c=cause)

    data: Mapping[str, Json] = {
        "importance": result.importance.value,
        "crosshair": "mean",
        "importance_line": _maybe(result.importance_line, 2),
        "satisfaction_line": _maybe(result.satisfaction_line, 2),
        "counts": {q.value: counts[q] for q in Quadrant},
        "unplaced": counts[None],
        "total": len(result.items),
        "rows": [
            {
                "item": i.code,
                "text": demo.text(i.text),
                "dimension": i.dimension,
                "importance": _maybe(i.importance, 2),
                "satisfaction": _maybe(i.satisfaction, 2),
                "quadrant": None if i.quadrant is None else i.quadrant.value,
                "quadrant_label": where(i),
            }
            for i in shown
        ],
    }
    tally = [f"{q.text(lang)} {counts[q]}" for q in _QUADRANT_ORDER]
    if counts[None]:
        tally.append(demo.text(_t("未放入 {n}", "not placed {n}")).format(n=counts[None]))
    lines = [
        demo.text(_t("-- 四分图：{tally} --", "-- Quadrants: {tally} --")).format(
            tally=" · ".join(tally)
        ),
        demo.text(
            _t(
                "x = 陈述重要性，y = 满意度（0–100）；分界线取各题在两轴上的总均值："
                "重要性 {i}，满意度 {s}；恰在线上计为高",
                "x = stated importance, y = satisfaction (0–100); crosshair at the grand "
                "mean of the items on each axis: importance {i}, satisfaction {s}; on a "
                "line counts as high",
            )
        ).format(
            i=_shown(_maybe(result.importance_line, 2)),
            s=_shown(_maybe(result.satisfaction_line, 2)),
        ),
    ]
    header = [
        demo.text(_t("题目", "Item")),
        demo.text(_t("内容", "Question")),
        demo.text(_t("重要性", "Importance")),
        demo.text(_t("满意度", "Satisfaction")),
        demo.text(_t("象限", "Quadrant")),
    ]
    cells = [
        [
            i.code,
            truncate(demo.text(i.text), QUESTION_WIDTH),
            _shown(_maybe(i.importance, 2)),
            _shown(_maybe(i.satisfaction, 2)),
            where(i),
        ]
        for i in shown
    ]
    lines.extend(render_table(header, cells, right=[False, False, True, True, False]))
    if len(ranked) > len(shown):
        lines.append(demo.text(_MORE).format(n=len(ranked) - len(shown)))
    return data, lines


def _survey_tiers(demo: Demo, view: _SurveyView) -> tuple[Mapping[str, Json], list[str]]:
    """The latest wave by the tier segment, in ladder order, small groups flagged."""
    ladder = demo.tier_policy.ladder
    rank = {name: i for i, name in enumerate(ladder.names)}
    result = by_segment(demo.survey.instrument, view.latest.responses, "tier", min_n=SURVEY_MIN_N)
    groups = sorted(result.groups, key=lambda g: (g.key is None, rank.get(g.key or "", len(rank))))

    def name(group: Group) -> str:
        if group.key in rank:
            return demo.text(ladder.label(group.key))
        return group.name(demo.lang)

    def figures(n: int, small: bool, scores: SurveyScores) -> tuple[dict[str, Json], list[str]]:
        nps = None if scores.nps is None else _half_up(scores.nps.score)
        csi, csat = _maybe(scores.csi), _csat_percent(scores)
        row: dict[str, Json] = {
            "n": n,
            "small": small,
            "csi": csi,
            "csat_percent": csat,
            "nps": nps,
        }
        cells = [
            f"{n}*" if small else f"{n} ",
            _shown(csi),
            _shown(csat, suffix="%"),
            _shown(nps, signed=True),
        ]
        return row, cells

    rows: list[Mapping[str, Json]] = []
    body = []
    for group in groups:
        row, cells = figures(group.n, group.small, group.scores)
        rows.append({"tier": group.key, "label": name(group), **row})
        body.append([name(group), *cells])
    total, total_cells = figures(result.total, False, result.overall)
    body.append([demo.text(_TOTAL), *total_cells])
    header = [
        demo.text(_t("等级", "Tier")),
        "n ",
        "CSI",
        "CSAT",
        "NPS",
    ]
    heading = demo.text(_t("-- 按客户等级（{wave} 期）--", "-- By tier (wave {wave}) --")).format(
        wave=view.latest.key
    )
    note = demo.text(
        _t(
            "标 * 的组 n < {n}：样本量小，谨慎解读",
            "* n < {n}: a small group, read with care",
        )
    ).format(n=SURVEY_MIN_N)
    table = render_table(header, body, right=[False, True, True, True, True])
    data: Mapping[str, Json] = {"min_n": SURVEY_MIN_N, "rows": rows, "total": total}
    return data, [heading, *table, note]


def _survey_history(demo: Demo) -> tuple[Mapping[str, Json], list[str]]:
    """How many satisfaction records the tier review would read, and how many are low."""
    responses = [r for r in demo.survey.responses if r.on <= demo.as_of]
    history = satisfaction_history(demo.survey.instrument, responses)
    records = [s for scores in history.values() for s in scores]
    below = demo.tier_policy.review.low_satisfaction_below
    data: dict[str, Json] = {
        "customers": len(history),
        "records": len(records),
        "below": below,
        "records_below": None,
    }
    line = demo.text(
        _t(
            "等级评审可读的满意度记录：{n} 条，{c} 位客户（每份答卷本人的 CSI，记于答卷日）",
            "Tier review: {n} satisfaction records of {c} customers (each response's own "
            "CSI, dated the day answered)",
        )
    ).format(n=len(records), c=len(history))
    if below is not None:
        low = sum(1 for s in records if s.score < below)
        data["records_below"] = low
        line += demo.text(
            _t("；{n} 条低于评审的低满意度线 {b}", "; {n} below its low-satisfaction line {b}")
        ).format(n=low, b=below)
    return data, [line]


def section_survey(demo: Demo) -> Section:
    """The satisfaction survey (满意度测评): the latest wave up to the report's day.

    Responses answered after the report's day are left out; waves are
    calendar quarters of ``Response.on``.  For the latest wave: the CSI
    (0–100, the dimension scores weighted by the declared weights), the NPS
    with its 95 % interval and n, the CSAT (top-box share of the overall
    item) with its Wilson interval; the change from the wave before; the
    dimensions, lowest score first, with weight, change, mean stated
    importance, Cronbach's alpha and SERVQUAL gap; the quadrant table
    (stated importance, the crosshair at the mean of the items on both
    axes), urgent improvement first and at most ``--top`` items; the wave
    by tier held (the ``tier`` segment) in ladder order, groups under
    :data:`SURVEY_MIN_N` flagged; and how many satisfaction records
    (:func:`pmcrm.surveys.history.satisfaction_history`, every wave up to
    the day) the tier review would read.
    """
    title = demo.text(_t("满意度测评", "Satisfaction survey"))
    view = _read_survey(demo)
    if view is None:
        message = demo.text(_t("截至 {day} 尚无答卷。", "No survey responses by {day}.")).format(
            day=demo.as_of.isoformat()
        )
        data: dict[str, Json] = {"title": title, "wave": None, "message": message}
        return Section(key="survey", title=title, data=data, lines=(message,))
    data, lines = _survey_headline(demo, view)
    data = {"title": title, **data}
    parts = {
        "previous": _survey_change(demo, view),
        "dimensions": _survey_dimensions(demo, view),
        "quadrants": _survey_quadrants(demo, view),
        "tiers": _survey_tiers(demo, view),
        "history": _survey_history(demo),
    }
    for key, (part, part_lines) in parts.items():
        data[key] = part
        lines.extend(part_lines)
    return Section(key="survey", title=title, data=data, lines=tuple(lines))


def write_charts(demo: Demo, directory: Path) -> Section:
    """Draw the latest wave's quadrant and dimension charts into *directory* (I/O).

    Writes :data:`CHART_FILES` (SVG and PNG of each), creating *directory*
    if needed, and returns a section saying where.  Chinese charts need a
    CJK font: without one the charts are drawn in English, and the section
    says so.  Without responses by the report's day nothing is drawn.

    Raises:
        MissingDependency: matplotlib is not installed (``pmcrm[plot]``).
        OSError: *directory* cannot be created or written.
    """
    shown = charts.chart_language(demo.lang)  # raises without matplotlib
    title = demo.text(_t("图表", "Charts"))
    data: dict[str, Json] = {
        "title": title,
        "directory": str(directory),
        "lang": shown.value,
        "files": [],
    }
    lines: list[str] = []
    if shown is not demo.lang:
        lines.append(
            demo.text(
                _t(
                    "未找到 matplotlib 可用的中文字体，图表标签改用英文"
                    "（可安装 fonts-noto-cjk 等字体）。",
                    "No Chinese font found for matplotlib: the chart labels are in English "
                    "(install a CJK font such as fonts-noto-cjk).",
                )
            )
        )
    view = _read_survey(demo)
    if view is None:
        lines.append(
            demo.text(
                _t(
                    "截至 {day} 尚无答卷，未绘制图表。",
                    "No survey responses by {day}: no chart drawn.",
                )
            ).format(day=demo.as_of.isoformat())
        )
        return Section(key="charts", title=title, data=data, lines=tuple(lines))
    name = demo.survey.instrument.name.get(shown)
    wave, n = view.latest.key, len(view.latest.responses)
    figures = {
        "ipa": charts.ipa_chart(
            view.ipa,
            lang=shown,
            title=_t("四分图：{name}，{wave}（n = {n}）", "Quadrants: {name}, {wave} (n = {n})")
            .get(shown)
            .format(name=name, wave=wave, n=n),
        ),
        "dimensions": charts.dimension_chart(
            view.latest.scores,
            lang=shown,
            title=_t("各维度得分：{name}，{wave}", "Dimension scores: {name}, {wave}")
            .get(shown)
            .format(name=name, wave=wave),
        ),
    }
    import matplotlib  # noqa: PLC0415 - present: chart_language needs it

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    # A fixed salt keeps the SVG ids, and so the files, the same from run to run.
    with matplotlib.rc_context({"svg.hashsalt": "pmcrm"}):
        for file in CHART_FILES:
            stem, suffix = file.split(".")
            path = directory / file
            if suffix == "svg":
                figures[stem].savefig(path, format="svg", metadata={"Date": None})
            else:
                figures[stem].savefig(path, format="png", dpi=150)
            written.append(file)
    data["files"] = written
    lines.append(
        demo.text(_t("已写入 {dir}：{files}", "Written to {dir}: {files}")).format(
            dir=directory, files=demo.text(_LIST_SEPARATOR).join(written)
        )
    )
    return Section(key="charts", title=title, data=data, lines=tuple(lines))


#: The report's sections, in order.  Each takes the :class:`Demo` and returns
#: a :class:`Section`; a new section is one more function here.
SECTIONS: tuple[Callable[[Demo], Section], ...] = (
    section_overview,
    section_kinds,
    section_property_types,
    section_value_segments,
    section_rule_segments,
    section_top,
    section_tiers,
    section_entitlements,
    section_complaints,
    section_survey,
)

# --- rendering -----------------------------------------------------------------------


def _headline(demo: Demo) -> tuple[str, str]:
    subtitle = demo.text(_SUBTITLE).format(as_of=demo.as_of.isoformat(), count=len(demo.customers))
    return demo.text(_REPORT_TITLE), subtitle


def render_text(demo: Demo, sections: Sequence[Section]) -> str:
    """The report as aligned plain text."""
    title, subtitle = _headline(demo)
    lines = [title, subtitle]
    for section in sections:
        lines.extend(["", f"== {section.title} ==", *section.lines])
    return "\n".join(lines)


def _json_default(value: object) -> str:
    """Decimals as plain strings; anything else is a bug."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    raise TypeError(f"{type(value).__name__} is not JSON-ready")


def render_json(demo: Demo, sections: Sequence[Section]) -> str:
    """The report as one JSON document (keys in a fixed order, decimals as strings)."""
    title, subtitle = _headline(demo)
    document: Mapping[str, Json] = {
        "report": title,
        "subtitle": subtitle,
        "version": __version__,
        "lang": demo.lang.value,
        "as_of": demo.as_of.isoformat(),
        "customers": len(demo.customers),
        "sections": {s.key: s.data for s in sections},
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default)


# --- the command line ------------------------------------------------------------------


def _as_of(text: str) -> date:
    """Parse ``--as-of``: a strict ``YYYY-MM-DD`` within :data:`AS_OF_RANGE`."""
    try:
        day = _parse.parse_date(text)
    except InvalidValue:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2026-11-23"
        ) from None
    low, high = AS_OF_RANGE
    if not low <= day <= high:
        raise argparse.ArgumentTypeError(
            f"date {text!r} is out of range: expected {low.isoformat()} to {high.isoformat()}"
        )
    return day


def _top(text: str) -> int:
    """Parse ``--top``: a whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid count {text!r}: expected a whole number"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``pmcrm`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="pmcrm",
        description="pmcrm: property-service CRM domain logic (物业客户关系管理).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="report on the embedded sample portfolio",
        description=(
            "Report on the embedded sample portfolio (about 200 fictional customers):\n"
            "counts by kind, property type and value segment, rule-based segments, the\n"
            "top customers with the reasons for their scores, the VIP tiers with the\n"
            "periodic review (upgrades, downgrade notices, an explained tier decision),\n"
            "a VIP's benefits, a bill priced with their discounts, the quotas left\n"
            "and this week's care list, and the complaint board: open complaints and\n"
            "their SLA clocks read at 17:00 China Standard Time, breaches, repeats,\n"
            "the month's analysis and one clock explained; and the satisfaction survey:\n"
            "CSI, NPS and CSAT with their intervals, dimensions, the importance-\n"
            "satisfaction quadrants, the change from the wave before and the tiers.\n"
            "Names are masked; mobile numbers, ID numbers and addresses are never shown."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--lang", choices=[lang.value for lang in Lang], default="zh", help="zh (default) or en"
    )
    demo.add_argument("--json", action="store_true", help="print one JSON document")
    demo.add_argument(
        "--top",
        type=_top,
        default=10,
        metavar="N",
        help="show the N best customers, and at most N items in each complaint list (10)",
    )
    demo.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="YYYY-MM-DD",
        help=(
            "score and review on this day, and read the complaint clocks at 17:00 China "
            "Standard Time (default: the sample's reference date)"
        ),
    )
    demo.add_argument(
        "--charts",
        type=Path,
        default=None,
        metavar="DIR",
        help=(
            "also draw the survey's quadrant and dimension charts into DIR (created if "
            'needed) as SVG and PNG; needs matplotlib: pip install "pmcrm[plot]"'
        ),
    )
    demo.set_defaults(run=run_demo)
    return parser


def run_demo(args: argparse.Namespace) -> int:
    """The ``demo`` command."""
    config = sample_config()
    demo = Demo.build(
        sample_portfolio(),
        config,
        as_of=args.as_of or config.as_of,
        tier_policy=sample_tier_policy(),
        members=sample_members(),
        lang=Lang(args.lang),
        top=args.top,
        benefits=sample_benefits(),
        complaints=sample_complaints(),
        calendar=sample_calendar(),
        survey=sample_survey(),
    )
    sections = [section(demo) for section in SECTIONS]
    if args.charts is not None:
        try:
            sections.append(write_charts(demo, args.charts))
        except MissingDependency as exc:
            print(
                f"pmcrm demo: --charts needs matplotlib, which is not installed: "
                f'pip install "pmcrm[{exc.extra}]"',
                file=sys.stderr,
            )
            return 2
        except OSError as exc:
            print(f"pmcrm demo: --charts: cannot write the charts: {exc}", file=sys.stderr)
            return 1
    return emit(render_json(demo, sections) if args.json else render_text(demo, sections))


class Stream(Protocol):
    """Where :func:`emit` writes: a text stream with a file descriptor."""

    def write(self, text: str, /) -> int:
        """Write *text*."""
        ...  # pragma: no cover - protocol

    def flush(self) -> None:
        """Flush buffered output."""
        ...  # pragma: no cover - protocol

    def fileno(self) -> int:
        """The underlying file descriptor."""
        ...  # pragma: no cover - protocol


def emit(text: str, stream: Stream | None = None) -> int:
    """Write *text* and a newline to *stream* (default: stdout); return an exit code.

    When the reader goes away early (``pmcrm demo | head``), stop quietly with
    exit code 1 instead of a traceback, as command-line tools do: the rest of
    the output goes to the null device, so the interpreter's final flush
    cannot fail again.
    """
    out = sys.stdout if stream is None else stream
    try:
        out.write(text + "\n")
        out.flush()
    except BrokenPipeError:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, out.fileno())
        os.close(null)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pmcrm`` command with *argv* (default: ``sys.argv[1:]``); return the exit code.

    Usage errors print a message on stderr and return 2, as argparse does;
    ``--help`` and ``--version`` return 0.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return int(exc.code or 0)
    return int(args.run(args))
