"""Rich display: ``_repr_html_`` fragments that parse and escape, and short, masked reprs.

Every fragment is checked the same way (:func:`shown`): it parses with
:mod:`html.parser` into balanced tags of a small known set, holds the
decisive figures and labels in zh and en, and never holds the raw personal
data of the customer behind it; the object's ``repr`` is at most
:data:`REPR_BOUND` characters and leaves the bulky nested data out.
"""

import html
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaint_builders import History, at, office
from pmcrm import _html
from pmcrm.complaints import ComplaintState, analyse, complaint_clocks, replay
from pmcrm.complaints.clocks import ClockStatus, MetricClock
from pmcrm.complaints.model import PauseReason
from pmcrm.complaints.sla import Metric, SlaPolicy, SlaRule, TimeBasis, duration_text
from pmcrm.customers import Contact, Customer
from pmcrm.explain import Reason
from pmcrm.pricing import (
    Bill,
    BillLine,
    DiscountRule,
    PricingPolicy,
    RoundingScope,
    price,
)
from pmcrm.sample import (
    sample_benefits,
    sample_calendar,
    sample_complaints,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_survey,
    sample_tier_policy,
)
from pmcrm.segmentation import HasTag, SegmentRule, match_rule, score_customer
from pmcrm.surveys import (
    Answer,
    Crosshair,
    DimensionDef,
    ImportanceSource,
    Instrument,
    Item,
    Response,
    ipa,
    score_survey,
)
from pmcrm.tiers import (
    AnyOf,
    DowngradeCause,
    DowngradeNotice,
    MemberRecord,
    Override,
    OverrideKind,
    ReferralsAtLeast,
    ReviewAction,
    ReviewOutcome,
    Tier,
    TierLadder,
    apply_for,
    evaluate,
    explain_tier,
    review,
)
from pmcrm.values import (
    Address,
    IdCardNumber,
    Label,
    MobileNumber,
    Money,
    PersonName,
    Rate,
    round_half_up,
)

#: The longest repr any display class may have on the sample data.
REPR_BOUND = 300

#: A text that would be markup if it were not escaped.
HOSTILE = '<script>alert("x")&</script>'

#: The only tags a fragment may hold.
TAGS = frozenset({"div", "table", "caption", "thead", "tbody", "tr", "th", "td"})

#: Our own tags, with their attributes: what is left after removing them must be text.
OWN_TAG = re.compile(r'</?(?:div|table|caption|thead|tbody|tr|th|td)(?: [a-z]+="[^"<>]*")*>')

NAME, MOBILE, ID_NUMBER, ADDRESS = (
    "欧阳明华",
    "13912345678",
    "11010519491231002X",
    "溪岚市云溪区桂花路 8 号",
)
SECRETS = (NAME, MOBILE, ID_NUMBER, ADDRESS)

AS_OF = sample_config().as_of
POLICY = sample_tier_policy()
SHANGHAI = ZoneInfo("Asia/Shanghai")
READ_AT = datetime(2026, 11, 23, 12, tzinfo=SHANGHAI)


class Fragment(HTMLParser):
    """A strict reader of a fragment: balanced tags, and each element's own text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str]]] = []
        self.tags: set[str] = set()
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element."""
        self.tags.add(tag)
        self.open.append((tag, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Fragments hold no self-closing tags."""
        raise AssertionError(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost element, which must be *tag*."""
        assert self.open, f"</{tag}> closes nothing"
        name, data = self.open.pop()
        assert name == tag, f"</{tag}> closes <{name}>"
        if data:
            self.texts.append("".join(data))

    def handle_data(self, data: str) -> None:
        """Text belongs to the innermost element."""
        assert self.open, f"text outside the fragment: {data!r}"
        self.open[-1][1].append(data)


def parse(fragment: str) -> Fragment:
    """Read *fragment*: balanced, known tags only, one ``<div class="pmcrm">`` around it all."""
    reader = Fragment()
    reader.feed(fragment)
    reader.close()
    assert [] == reader.open
    assert reader.tags <= TAGS
    assert fragment.startswith('<div class="pmcrm">')
    assert fragment.endswith("</div>")
    assert "<" not in OWN_TAG.sub("", fragment)
    assert ">" not in OWN_TAG.sub("", fragment)
    return reader


def shown(value: object, *expected: str, hidden: Iterable[str] = ()) -> list[str]:
    """Check *value*'s fragment and repr; the texts of the fragment's elements.

    Each of *expected* is one element's whole text; each of *hidden* (a
    class name of bulky data) is absent from the repr.
    """
    fragment = value._repr_html_()  # type: ignore[attr-defined]
    texts = parse(fragment).texts
    missing = [e for e in expected if e not in texts]
    assert [] == missing, texts
    shown_repr = repr(value)
    assert len(shown_repr) <= REPR_BOUND, shown_repr
    for name in hidden:
        assert not re.search(rf"\b{name}\(", shown_repr), name
    for secret in SECRETS:
        assert secret not in fragment
        assert secret not in shown_repr
    return texts


def escaped(value: object) -> None:
    """*value*'s fragment shows :data:`HOSTILE` as text, never as markup."""
    fragment = value._repr_html_()  # type: ignore[attr-defined]
    assert HOSTILE not in fragment
    assert html.escape(HOSTILE) in fragment
    assert any(HOSTILE in t for t in parse(fragment).texts)


def both(value: Label | tuple[str, str]) -> str:
    """A label as fragments show it: ``"zh en"``."""
    zh, en = (value.zh, value.en) if isinstance(value, Label) else value
    return f"{zh} {en}"


def durations(value: timedelta) -> str:
    """A duration as fragments show it, in zh and en."""
    return both((duration_text(value, "zh"), duration_text(value, "en")))


def secret(customer: Customer) -> Customer:
    """*customer* with personal data whose full values the test knows."""
    return attrs.evolve(
        customer,
        name=PersonName(NAME),
        id_number=IdCardNumber(ID_NUMBER),
        contact=Contact(mobile=MobileNumber(MOBILE), address=Address(ADDRESS)),
    )


CUSTOMERS = tuple(secret(c) for c in sample_portfolio()[:40])
#: A regular customer, and one who qualifies for a tier through a part of an any-of.
REGULAR = CUSTOMERS[0]
QUALIFIED = next(c for c in CUSTOMERS if evaluate(c, POLICY.ladder, AS_OF).decided_by is not None)
HOSTILE_LADDER = TierLadder(
    tiers=(
        Tier(
            name="gold",
            label=Label(zh=HOSTILE, en=HOSTILE),
            condition=AnyOf(conditions=(ReferralsAtLeast(count=99, window_months=12),)),
        ),
    )
)


# --- the builder ------------------------------------------------------------------------


def test_a_fragment_is_a_div_of_tables() -> None:
    """Title, key-value block, table and notes: each part a table, cells in order."""
    fragment = _html.render(
        Label(zh="标题", en="Title"),
        _html.Fields(((Label(zh="等级", en="Tier"), "gold"),), heading="block"),
        _html.Table(("a", Label(zh="乙", en="b")), (("1", "2"),), right=(1,)),
        _html.Notes.from_text("甲\n  乙", "a\n  b\nc"),
    )
    reader = parse(fragment)
    assert [
        "标题 Title",
        "block",
        "等级 Tier",
        "gold",
        "a",
        "乙 b",
        "1",
        "2",
        "说明",
        "Explanation",
        "甲",
        "a",
        "  乙",
        "  b",
        "c",
    ] == reader.texts
    assert 3 == fragment.count("<table")
    assert "text-align:right" in fragment
    assert "white-space:pre-wrap" in fragment


def test_notes_of_reasons_fill_in_the_figures() -> None:
    """Reasons are shown in zh and en with their figures."""
    reason = Reason(code="x", zh="满 {n} 分", en="{n} points", figures=(("n", "<5>"),))
    fragment = _html.render("t", _html.Notes.of([reason], heading=Label(zh="原因", en="Why")))
    assert ["t", "原因 Why", "说明", "Explanation", "满 <5> 分", "<5> points"] == parse(
        fragment
    ).texts
    assert "&lt;5&gt;" in fragment


@given(st.lists(st.text(), min_size=8, max_size=8))
def test_any_text_stays_text(texts: list[str]) -> None:
    """Whatever the texts, the fragment parses, holds only its own tags and shows them back."""
    title, key, value, header, cell, zh, en, heading = texts
    fragment = _html.render(
        title,
        _html.Fields(((key, value),), heading=heading),
        _html.Table((header,), ((cell,),)),
        _html.Notes(((zh, en),)),
    )
    reader = parse(fragment)
    expected = [title, heading, key, value, header, cell, "说明", "Explanation", zh, en]
    assert [t for t in expected if t] == reader.texts


def test_figures_round_half_up_exactly() -> None:
    """Shares and scores are rounded half up, exactly; fractions and instants have short reprs."""
    assert ("0.1", "-0.1", "+2.50", "–") == (
        _html.tenths(Fraction(1, 20)),
        _html.tenths(Decimal("-0.05")),
        _html.tenths(Fraction(5, 2), 2, signed=True),
        _html.tenths(None),
    )
    assert ("<Fraction ≈ 0.33>", "None") == (_html.approx(Fraction(1, 3)), _html.approx(None))
    assert ("datetime.fromisoformat('2026-11-23T12:00:00+08:00')", "None") == (
        _html.instant(READ_AT),
        _html.instant(None),
    )


# --- tiers ------------------------------------------------------------------------------


def test_tier_decision() -> None:
    """The tier, the rank and the deciding part of an any-of."""
    decision = evaluate(QUALIFIED, POLICY.ladder, AS_OF)
    assert decision.decided_by is not None
    shown(
        decision,
        "等级评定 Tier decision",
        "等级 Tier",
        decision.tier,
        QUALIFIED.customer_id,
        AS_OF.isoformat(),
        "决定条件（序号） Decided by (part index)",
        str(decision.decided_by),
    )
    regular = evaluate(REGULAR, POLICY.ladder, AS_OF)
    shown(regular, "regular", "–")
    escaped(attrs.evolve(regular, tier=HOSTILE))


def test_tier_explanation() -> None:
    """Every tier checked and every figure, line by line in zh and en."""
    explanation = explain_tier(QUALIFIED, POLICY.ladder, AS_OF)
    zh, en = explanation.explain("zh").splitlines(), explanation.explain("en").splitlines()
    texts = shown(
        explanation,
        "等级评定说明 Tier explanation",
        both(explanation.label),
        *zh,
        *en,
        hidden=("TierCheck", "ConditionResult"),
    )
    assert texts.index(zh[-1]) + 1 == texts.index(en[-1])
    escaped(explain_tier(REGULAR, HOSTILE_LADDER, AS_OF))
    assert attrs.evolve(explanation, checks=()) != explanation  # repr=False keeps equality


def test_application_granted_and_refused() -> None:
    """The verdict in zh and en, the requested tier and what is missing."""
    wanted = evaluate(QUALIFIED, POLICY.ladder, AS_OF).tier
    granted = apply_for(QUALIFIED, POLICY.ladder, wanted, AS_OF)
    label = POLICY.ladder.label(wanted)
    shown(granted, "批准 granted", both(label), "结果 Outcome", hidden=("ConditionResult",))
    refused = apply_for(REGULAR, POLICY.ladder, "diamond", AS_OF)
    assert refused.missing
    shown(
        refused,
        "不予批准 refused",
        "  " + refused.missing[0].text("zh"),
        "  " + refused.missing[0].text("en"),
        hidden=("ConditionResult", "Reason"),
    )
    escaped(apply_for(REGULAR, HOSTILE_LADDER, "gold", AS_OF))


def test_review_outcome_with_a_notice() -> None:
    """The action, the tiers, the notice's dates and causes, the reasons; no member record."""
    outcome = next(
        o
        for c, m in zip(CUSTOMERS, sample_members(), strict=False)
        for o in (review(c, m, POLICY, AS_OF),)
        if o.notice is not None
    )
    notice = outcome.notice
    assert notice is not None
    shown(
        outcome,
        "定期评审 Periodic review",
        both(outcome.action.label),
        both(outcome.to_label),
        f"{notice.issued_on} 发出，{notice.effective_on} 生效 "
        f"issued {notice.issued_on}, effective {notice.effective_on}",
        outcome.reasons[0].text("zh"),
        outcome.reasons[0].text("en"),
        hidden=("MemberRecord", "DowngradeNotice", "Reason"),
    )


def test_review_outcome_without_a_notice_escapes_an_override_reason() -> None:
    """An override's reason is shown as text."""
    record = sample_members()[0]
    override = Override(
        kind=OverrideKind.RETAIN,
        tier=record.tier,
        by="经理",
        reason=HOSTILE,
        on=AS_OF - timedelta(days=1),
        expires_on=AS_OF + timedelta(days=30),
    )
    outcome = review(REGULAR, attrs.evolve(record, overrides=(override,)), POLICY, AS_OF)
    assert outcome.notice is None
    texts = shown(outcome, "保持 Stay", hidden=("MemberRecord", "Override"))
    assert not any("降级通知" in t for t in texts)
    escaped(outcome)


def gold_member_outcome(notice: DowngradeNotice | None) -> ReviewOutcome:
    """The review of a gold member on 1 July 2026: a notice to regular, or a stay."""
    reason = (
        Reason(
            code="review.stay",
            zh="保持 {tier_zh}",
            en="stays {tier_en}",
            figures=(("tier_zh", "黄金"), ("tier_en", "Gold")),
        )
        if notice is None
        else Reason(
            code="review.arrears_days",
            zh="连续欠费达到期限：已连续欠费 {days} 天（上限 {limit} 天）",
            en="Arrears continuing too long: owed for {days} days (limit {limit} days)",
            figures=(("days", "120"), ("limit", "90")),
        )
    )
    return ReviewOutcome(
        customer_id="C-7",
        on=date(2026, 7, 1),
        action=ReviewAction.STAY if notice is None else ReviewAction.NOTICE,
        from_tier="gold",
        to_tier="gold" if notice is None else notice.to_tier,
        from_label=Label(zh="黄金", en="Gold"),
        to_label=Label(zh="黄金", en="Gold") if notice is None else Label(zh="普通", en="Regular"),
        notice=notice,
        record=MemberRecord(customer_id="C-7", tier="gold", since=date(2025, 1, 1), notice=notice),
        reasons=(reason,),
    )


def test_review_outcome_rows_in_full() -> None:
    """Every row of a notice, in order: who, when, what, from, to, the notice and its causes."""
    notice = DowngradeNotice(
        issued_on=date(2026, 7, 1),
        effective_on=date(2026, 7, 31),
        from_tier="gold",
        to_tier="regular",
        causes=(DowngradeCause.ARREARS_DAYS, DowngradeCause.VIOLATION),
    )
    assert [
        "定期评审 Periodic review",
        "客户 Customer",
        "C-7",
        "评审日 Review day",
        "2026-07-01",
        "结果 Action",
        "发出降级通知 Downgrade notice issued",
        "原等级 From",
        "黄金 Gold",
        "新等级 To",
        "普通 Regular",
        "降级通知 Downgrade notice",
        "2026-07-01 发出，2026-07-31 生效 issued 2026-07-01, effective 2026-07-31",
        "通知原因 Causes",
        "连续欠费达到期限、违反规定损害公司或其他业主利益 "
        "Arrears continuing too long, Rule violation causing harm",
        "说明",
        "Explanation",
        "连续欠费达到期限：已连续欠费 120 天（上限 90 天）",
        "Arrears continuing too long: owed for 120 days (limit 90 days)",
    ] == shown(gold_member_outcome(notice), hidden=("MemberRecord", "DowngradeNotice"))
    assert [
        "定期评审 Periodic review",
        "客户 Customer",
        "C-7",
        "评审日 Review day",
        "2026-07-01",
        "结果 Action",
        "保持 Stay",
        "原等级 From",
        "黄金 Gold",
        "新等级 To",
        "黄金 Gold",
        "说明",
        "Explanation",
        "保持 黄金",
        "stays Gold",
    ] == shown(gold_member_outcome(None), hidden=("MemberRecord",))


# --- segmentation -----------------------------------------------------------------------


def test_value_score() -> None:
    """The score, the segment, the window, the factor table and the decision."""
    score = score_customer(REGULAR, sample_config().policy, AS_OF)
    decision = score.reasons()[-1]
    shown(
        score,
        "客户价值评分 Value score",
        f"{score.score:f}",
        both(score.segment.label),
        "消费能力 Spending capacity",
        score.factors[0].observed,
        f"{score.factors[0].ratio:f}",
        decision.text("zh"),
        decision.text("en"),
        hidden=("FactorScore",),
    )
    escaped(attrs.evolve(score, customer_id=HOSTILE))


def test_rule_match_in_and_not_in() -> None:
    """The verdict and each criterion's check; a tag and a label are escaped."""
    rule = SegmentRule(
        name="tagged", label=Label(zh=HOSTILE, en="tagged"), criteria=(HasTag(tag=HOSTILE),)
    )
    member = match_rule(attrs.evolve(REGULAR, tags=(HOSTILE,)), rule, AS_OF)
    assert member.matched
    shown(member, "属于 in", f"标签 {HOSTILE} → 满足", f"tag {HOSTILE} → met")
    escaped(member)
    other = match_rule(REGULAR, rule, AS_OF)
    shown(other, "不属于 not in", hidden=("CriterionCheck",))


# --- pricing ----------------------------------------------------------------------------

RULES = (
    DiscountRule(
        rate=Rate.percent(10), category="property_fee", source=Label(zh="铂金", en=HOSTILE)
    ),
    DiscountRule(rate=Rate.percent(5), source=Label(zh="全部服务", en="all services")),
)


def hostile_bill(description: str = HOSTILE) -> Bill:
    """The sample bill and one more line described by *description*."""
    lines = sample_benefits().bill_lines
    extra = BillLine(category="repairs", description=description, amount=Money.of("88.00"))
    return Bill(lines=(*lines, extra))


def test_priced_bill_lines_and_totals() -> None:
    """Each line's figures and sources, the totals and the rounding; no lines in the repr."""
    priced = price(hostile_bill(), RULES, PricingPolicy(rounding=RoundingScope.PER_BILL))
    first = priced.lines[0]
    texts = shown(
        priced,
        "计价 Priced bill",
        str(first.original),
        str(first.rate),
        str(first.discount),
        str(first.net),
        "全部服务 all services",
        str(priced.original),
        str(priced.discount),
        str(priced.net),
        "实收合计 Net total",
        hidden=("Bill", "BillLine", "PricingPolicy", "DiscountRule", "Rate"),
    )
    assert any("largest remainder" in t for t in texts)
    assert any("最大余额法" in t for t in texts)
    escaped(priced)


def test_priced_bill_repr_does_not_grow_with_the_lines() -> None:
    """The repr shows the totals only: 50 lines differ from one only in the digits."""
    one = price(Bill(lines=hostile_bill().lines[:1]), (), PricingPolicy())
    many = price(Bill(lines=hostile_bill().lines[:1] * 50), (), PricingPolicy())
    assert re.sub(r"\d", "", repr(one)) == re.sub(r"\d", "", repr(many))
    assert repr(one).startswith("PricedBill(original=")


@given(
    description=st.text(min_size=1, max_size=200).filter(str.strip),
)
def test_a_line_description_never_becomes_markup(description: str) -> None:
    """Any description is shown as it is, as text."""
    fragment = price(hostile_bill(description), RULES, PricingPolicy())._repr_html_()
    assert description in parse(fragment).texts


# --- complaints -------------------------------------------------------------------------

H = timedelta(hours=1)
BUSINESS = SlaPolicy(
    name="business",
    rules=(
        SlaRule(metric=Metric.FIRST_RESPONSE, target=4 * H, basis=TimeBasis.BUSINESS),
        SlaRule(
            metric=Metric.RESOLUTION,
            target=16 * H,
            basis=TimeBasis.BUSINESS,
            pause_on=(PauseReason.CUSTOMER,),
        ),
        SlaRule(metric=Metric.FOLLOW_UP, target=8 * H, basis=TimeBasis.BUSINESS),
    ),
)


def clock_of(
    history: History, metric: Metric, when: datetime, name: str = "office"
) -> MetricClock:
    """The *metric* clock of *history* at *when* on the office calendar named *name*."""
    found = complaint_clocks(
        replay(history.events), BUSINESS, when, calendar=office(name=name)
    ).get(metric)
    assert found is not None
    return found


def test_sample_complaint_clocks() -> None:
    """A row per clock and each clock's timeline; no spans or rules in the repr."""
    complaints = sample_complaints()
    state = complaints.states[0]
    clocks = complaint_clocks(state, complaints.policy, READ_AT, calendar=sample_calendar())
    first = clocks.clocks[0]
    shown(
        clocks,
        "SLA 时钟 SLA clocks",
        state.complaint_id,
        both(first.metric.label),
        both(first.status.label),
        durations(first.target),
        durations(first.elapsed),
        f"{first.metric.label.zh}：计时明细 {first.metric.label.en}: timeline",
        hidden=("MetricClock", "Span", "RuleChoice", "SlaRule"),
    )
    texts = shown(
        first,
        "状态 Status",
        "计时 counted",
        both((first.choice.explain("zh"), first.choice.explain("en"))),
        hidden=("Span", "RuleChoice", "SlaRule"),
    )
    assert first.due is not None
    assert first.due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in texts


def test_a_paused_clock_shows_the_pause_and_a_provisional_due_time() -> None:
    """The pause's reason in the timeline; the due time if resumed now."""
    history = History().registered(at(12, 9)).assessed(at(12, 9)).paused(at(12, 10))
    resolution = clock_of(history, Metric.RESOLUTION, at(13, 9))
    assert (ClockStatus.PAUSED, True) == (resolution.status, resolution.provisional)
    texts = shown(resolution, "已暂停 paused", durations(resolution.paused))
    assert any(t.startswith("暂停（") and "paused (" in t for t in texts)
    assert any("（假设现在恢复）" in t and "(if resumed now)" in t for t in texts)


def test_warning_breach_not_started_and_past_the_calendar() -> None:
    """Warning levels in percent, the overdue time, a clock not started, an unknown due time."""
    history = History().registered(at(12, 9))
    half = clock_of(history, Metric.FIRST_RESPONSE, at(12, 11))
    shown(half, "50%")
    late = clock_of(history, Metric.FIRST_RESPONSE, at(12, 16))
    shown(late, "已超时 breached", durations(late.overdue))
    waiting = clock_of(history, Metric.FOLLOW_UP, at(12, 10))
    texts = shown(waiting, "未开始 not started")
    assert not any("计时明细" in t for t in texts)
    assert "due=None" in repr(waiting)
    beyond = clock_of(
        History().registered(at(31, 16, month=12)), Metric.FIRST_RESPONSE, at(31, 17, month=12)
    )
    shown(beyond, "（超出日历覆盖范围） (past the calendar's coverage)")


def test_clock_texts_are_escaped() -> None:
    """A calendar's name and a complaint id are shown as text."""
    history = History(cid=HOSTILE).registered(at(12, 9))
    when = at(12, 10)
    escaped(clock_of(history, Metric.FIRST_RESPONSE, when, name=HOSTILE))
    escaped(complaint_clocks(replay(history.events), BUSINESS, when, calendar=office()))


def hostile_complaints() -> list[ComplaintState]:
    """One complaint handled by a department with a hostile name, not answered yet."""
    return [
        replay(
            History().registered(at(12, 9)).assessed(at(12, 9)).assigned(at(12, 9), HOSTILE).events
        )
    ]


def test_complaint_analysis() -> None:
    """Headline figures, per-metric table, groups, causes and categories; a short repr."""
    complaints = sample_complaints()
    report = analyse(
        complaints.states,
        complaints.policy,
        READ_AT,
        calendar=sample_calendar(),
        repeat_policy=complaints.repeat_policy,
    )
    overall = report.overall
    metric = overall.metrics[0]
    cause, count = report.root_causes[0]
    shown(
        report,
        "投诉分析 Complaint analysis",
        str(overall.complaints),
        overall.reopened.text(),
        both(metric.metric.label),
        metric.on_time.text(),
        both(cause.label),
        str(count),
        report.by_department[0][0],
        report.by_month[0][0],
        report.categories[0][0],
        hidden=("MetricStats",),
    )
    assert "GroupStats(complaints=" in repr(report)


def test_complaint_analysis_escapes_a_department() -> None:
    """A department's name is text; times not known yet show as a dash."""
    report = analyse(hostile_complaints(), BUSINESS, at(12, 10), calendar=office())
    texts = shown(report, "–", HOSTILE)
    assert "0.0% (0/1)" in texts
    escaped(report)


# --- surveys ----------------------------------------------------------------------------


def tenths(value: Fraction) -> str:
    """*value* half up to 0.1."""
    return f"{round_half_up(value.numerator, value.denominator, 1)}"


def test_survey_scores() -> None:
    """CSI, CSAT and NPS with their intervals, the dimension and item tables."""
    survey = sample_survey()
    scores = score_survey(survey.instrument, survey.responses)
    assert scores.csi is not None
    assert scores.nps is not None
    service = scores.dimensions[0]
    assert service.score_100 is not None
    texts = shown(
        scores,
        "满意度测评得分 Survey scores",
        f"{tenths(scores.csi)} / 100",
        both(service.label),
        tenths(service.score_100),
        scores.items[0].code,
        hidden=("ItemScore", "DimensionScore", "Fraction"),
    )
    assert any("Wilson" in t and "n = " in t for t in texts)
    assert any("推荐者" in t and "promoters" in t for t in texts)


def test_survey_scores_with_no_responses() -> None:
    """Nothing scored: dashes, never an error."""
    scores = score_survey(sample_survey().instrument, [])
    assert scores.csi is None
    texts = shown(scores, "– / 100")
    assert "csi=None" in repr(scores)
    assert ["CSAT", "–", "NPS", "–"] == texts[texts.index("CSAT") : texts.index("CSAT") + 4]


def hostile_instrument() -> Instrument:
    """Two rating items, one not asking importance; the dimension and an item hostile."""
    return Instrument(
        code="hostile",
        name=Label(zh="示例", en="Demo"),
        dimensions=(DimensionDef(code="service", label=Label(zh=HOSTILE, en=HOSTILE)),),
        items=(
            Item(
                code="repair",
                text=Label(zh="维修", en=HOSTILE),
                dimension="service",
                importance=True,
            ),
            Item(code="lobby", text=Label(zh="大堂", en="Lobby"), dimension="service"),
        ),
    )


def hostile_responses() -> list[Response]:
    """Three responses to :func:`hostile_instrument`."""
    return [
        Response(
            respondent_id=f"R{n}",
            on=date(2026, 11, n),
            answers=(
                Answer(item="repair", score=n + 1, importance=5 - n),
                Answer(item="lobby", score=5 - n),
            ),
        )
        for n in (1, 2, 3)
    ]


def test_survey_scores_escape_a_dimension_label() -> None:
    """A dimension's label is text; no overall or NPS item: no CSAT, no NPS."""
    scores = score_survey(hostile_instrument(), hostile_responses())
    assert (None, None) == (scores.csat, scores.nps)
    shown(scores, "–")
    escaped(scores)


def test_ipa_result() -> None:
    """The crosshairs, the quadrants and the item table; a short repr."""
    survey = sample_survey()
    scores = score_survey(survey.instrument, survey.responses)
    result = ipa(
        survey.instrument,
        scores,
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    first = result.items[0]
    assert first.quadrant is not None
    zh, en = result.table("zh").splitlines(), result.table("en").splitlines()
    shown(
        result,
        "重要性-满意度分析（四分图） Importance–satisfaction analysis",
        zh[0],
        en[0],
        both(first.quadrant.label),
        both(first.text),
        str(len(result.quadrant(first.quadrant))),
        hidden=("IpaItem", "Crosshair", "Fraction"),
    )


def test_ipa_result_unplaced_and_escaped() -> None:
    """An item without importance is listed with its cause; texts and sources are escaped."""
    instrument = hostile_instrument()
    result = ipa(
        instrument,
        score_survey(instrument, hostile_responses()),
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.given(Decimal(80), source=Label(zh="目标", en=HOSTILE)),
    )
    shown(result, "未放入：本题未询问重要性 not placed: the item does not ask importance", "–")
    escaped(result)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_notes_follow_the_explain_texts(lang: str) -> None:
    """A fragment's notes are the object's own ``explain`` lines, not figures derived again."""
    explanation = explain_tier(QUALIFIED, POLICY.ladder, AS_OF)
    texts = parse(explanation._repr_html_()).texts
    lines = explanation.explain(lang).splitlines()
    start = texts.index(lines[0])
    step = 2
    assert lines == texts[start : start + step * len(lines) : step]
