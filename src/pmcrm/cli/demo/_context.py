"""The demo report's model: the shared :class:`Demo` context, a :class:`Section`, texts."""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeAlias

import attrs

from pmcrm.calendars import BusinessCalendar
from pmcrm.complaints import ComplaintState
from pmcrm.customers import Customer
from pmcrm.sample import (
    SampleBenefits,
    SampleComplaints,
    SampleConfig,
    SampleSurvey,
    sample_benefits,
    sample_calendar,
    sample_complaints,
    sample_survey,
)
from pmcrm.segmentation import RuleMatch, ValueScore, classify, segment_portfolio
from pmcrm.tiers import (
    MemberRecord,
    ReviewOutcome,
    TierDecision,
    TierPolicy,
    evaluate,
    review_portfolio,
)
from pmcrm.values import Label, Lang

__all__ = ["NAME_WIDTH", "Demo", "Json", "Section"]

#: A JSON-ready value; :class:`~decimal.Decimal` is written as a string.
Json: TypeAlias = "bool | int | str | Decimal | Sequence[Json] | Mapping[str, Json] | None"

#: Widest masked name shown in the text report (display columns).
NAME_WIDTH = 16

# --- texts shared by several sections ------------------------------------------------


def _t(zh: str, en: str) -> Label:
    return Label(zh=zh, en=en)


_TOTAL = _t("合计", "Total")
_SHARE = _t("占比", "Share")
_LIST_SEPARATOR = _t("、", ", ")
_INDENT = " " * 6
_MORE = _t("…… 另有 {n} 项", "… and {n} more")


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
