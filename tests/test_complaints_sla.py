"""SLA policies: rules as data, which rule wins, and the default figures of DOMAIN.md."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.complaints.model import ComplaintType, EmergencyClass, PauseReason, Severity
from pmcrm.complaints.sla import (
    Metric,
    SlaPolicy,
    SlaRule,
    TimeBasis,
    default_policy,
    duration_text,
    select_rule,
)
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure

H = timedelta(hours=1)
ROUTINE = (ComplaintType.ROUTINE, Severity.MEDIUM, None)


def choose(policy: SlaPolicy, metric: Metric, *classification: object) -> SlaRule | None:
    """The winning rule, or None."""
    choice = select_rule(policy, metric, *classification or ROUTINE)  # type: ignore[arg-type]
    return None if choice is None else choice.rule


def test_default_policy_holds_the_domain_figures() -> None:
    """Safety accident 2 h / 48 h, service failure 2 h / 2 h, otherwise 24 h / 72 h."""
    policy = default_policy()
    safety = (ComplaintType.URGENT, Severity.HIGH, EmergencyClass.SAFETY_ACCIDENT)
    failure = (ComplaintType.URGENT, Severity.HIGH, EmergencyClass.SERVICE_FAILURE)
    targets = {
        (metric, name): getattr(choose(policy, metric, *cls), "target", None)
        for metric in Metric
        for name, cls in (("safety", safety), ("failure", failure), ("routine", ROUTINE))
    }
    assert {
        (Metric.FIRST_RESPONSE, "safety"): 2 * H,
        (Metric.FIRST_RESPONSE, "failure"): 2 * H,
        (Metric.FIRST_RESPONSE, "routine"): 24 * H,
        (Metric.INVESTIGATION, "safety"): 48 * H,
        (Metric.INVESTIGATION, "failure"): 72 * H,
        (Metric.INVESTIGATION, "routine"): 72 * H,
        (Metric.RESOLUTION, "safety"): 72 * H,
        (Metric.RESOLUTION, "failure"): 2 * H,
        (Metric.RESOLUTION, "routine"): 72 * H,
        (Metric.FOLLOW_UP, "safety"): 16 * H,
        (Metric.FOLLOW_UP, "failure"): 16 * H,
        (Metric.FOLLOW_UP, "routine"): 16 * H,
    } == targets
    follow_up = choose(policy, Metric.FOLLOW_UP)
    assert follow_up is not None
    assert TimeBasis.BUSINESS == follow_up.basis


def test_the_most_specific_rule_wins() -> None:
    """Two criteria beat one; one beats none, whatever the targets."""
    policy = SlaPolicy(
        name="p",
        rules=(
            SlaRule(metric=Metric.RESOLUTION, target=H),
            SlaRule(metric=Metric.RESOLUTION, target=5 * H, severity=Severity.HIGH),
            SlaRule(
                metric=Metric.RESOLUTION,
                target=9 * H,
                severity=Severity.HIGH,
                complaint_type=ComplaintType.SPECIAL,
            ),
        ),
    )
    special_high = (ComplaintType.SPECIAL, Severity.HIGH, None)
    assert 9 * H == getattr(choose(policy, Metric.RESOLUTION, *special_high), "target", None)
    routine_high = (ComplaintType.ROUTINE, Severity.HIGH, None)
    assert 5 * H == getattr(choose(policy, Metric.RESOLUTION, *routine_high), "target", None)
    assert H == getattr(choose(policy, Metric.RESOLUTION), "target", None)
    choice = select_rule(policy, Metric.RESOLUTION, *special_high)
    assert choice is not None
    assert (2, 3) == (choice.index, choice.candidates)
    assert "chosen from 3 matching (most specific wins" in choice.explain("en")
    assert "从 3 条适用规则中选出" in choice.explain("zh")
    assert "类型 = 特殊投诉，严重程度 = 严重" in choice.explain("zh")


def test_equally_specific_the_strictest_then_the_first_wins() -> None:
    """Ties go to the shortest target, then to the first declared."""
    policy = SlaPolicy(
        name="p",
        rules=(
            SlaRule(metric=Metric.RESOLUTION, target=5 * H, severity=Severity.HIGH),
            SlaRule(metric=Metric.RESOLUTION, target=3 * H, complaint_type=ComplaintType.URGENT),
            SlaRule(metric=Metric.RESOLUTION, target=3 * H, emergency=EmergencyClass.PUBLIC_ORDER),
        ),
    )
    urgent = (ComplaintType.URGENT, Severity.HIGH, EmergencyClass.PUBLIC_ORDER)
    choice = select_rule(policy, Metric.RESOLUTION, *urgent)
    assert choice is not None
    assert 1 == choice.index


def test_no_matching_rule() -> None:
    """A metric no rule matches has no rule."""
    policy = SlaPolicy(
        name="p", rules=(SlaRule(metric=Metric.RESOLUTION, target=H, severity=Severity.LOW),)
    )
    assert choose(policy, Metric.RESOLUTION) is None
    assert choose(policy, Metric.FOLLOW_UP) is None


def test_rule_helpers() -> None:
    """Specificity, matching and the criteria text."""
    rule = SlaRule(
        metric=Metric.RESOLUTION,
        target=H,
        severity=Severity.HIGH,
        emergency=EmergencyClass.NATURAL_DISASTER,
    )
    assert 2 == rule.specificity
    assert rule.matches(ComplaintType.URGENT, Severity.HIGH, EmergencyClass.NATURAL_DISASTER)
    assert not rule.matches(ComplaintType.URGENT, Severity.HIGH, None)
    assert "severity = high, emergency = natural disaster" == rule.criteria_text("en")
    assert "any complaint" == SlaRule(metric=Metric.RESOLUTION, target=H).criteria_text()
    assert "所有投诉" == SlaRule(metric=Metric.RESOLUTION, target=H).criteria_text("zh")


def test_policies_round_trip_through_json() -> None:
    """A policy dumps to JSON and loads back equal."""
    policy = default_policy()
    data = json.loads(json.dumps(unstructure(policy)))
    assert "PT72H" == data["rules"][5]["target"]
    assert policy == structure(data, SlaPolicy)


def test_bad_policies_are_reported_with_paths() -> None:
    """Every fault of a policy is located."""
    bad = {
        "name": "x",
        "rules": [
            {"metric": "resolution", "target": "PT0S"},
            {"metric": "resolution", "target": "PT1H", "pause_on": ["customer", "customer"]},
            {"metric": "resolutions", "target": "1 hour"},
        ],
        "warnings": ["0.8", "0.5"],
    }
    with pytest.raises(ValidationError) as caught:
        structure(bad, SlaPolicy)
    assert [
        "$.rules[0].target",
        "$.rules[1].pause_on[1]",
        "$.rules[2].metric",
        "$.rules[2].target",
        "$.warnings[1]",
    ] == list(caught.value.report.paths)


def test_duplicate_rules_and_bad_warnings() -> None:
    """Two rules with one metric and the same criteria are refused; warnings in (0, 1)."""
    rule = SlaRule(metric=Metric.RESOLUTION, target=H)
    with pytest.raises(InvalidValue, match="duplicate"):
        SlaPolicy(name="p", rules=(rule, rule))
    with pytest.raises(InvalidValue, match="between 0 and 1"):
        SlaPolicy(name="p", rules=(rule,), warnings=(Decimal(1),))
    with pytest.raises(InvalidValue, match="between 0 and 1"):
        SlaPolicy(name="p", rules=(rule,), warnings=(0.5,))  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="at least 1 items"):
        SlaPolicy(name="p", rules=())
    with pytest.raises(InvalidValue, match="'target' must be > PT0S"):
        SlaRule(metric=Metric.RESOLUTION, target=timedelta(0))
    with pytest.raises(InvalidValue, match="duplicate"):
        SlaRule(
            metric=Metric.RESOLUTION,
            target=H,
            pause_on=(PauseReason.CUSTOMER, PauseReason.CUSTOMER),
        )


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (timedelta(0), "0 min", "0分"),
        (timedelta(hours=72, minutes=5), "72 h 5 min", "72小时5分"),
        (timedelta(seconds=61), "1 min 1 s", "1分1秒"),
        (-timedelta(hours=2), "-2 h", "-2小时"),
    ],
)
def test_duration_text(value: timedelta, en: str, zh: str) -> None:
    """Durations for people, in zh and en."""
    assert (en, zh) == (duration_text(value, "en"), duration_text(value, "zh"))


RULES = st.builds(
    SlaRule,
    metric=st.sampled_from(Metric),
    target=st.integers(1, 100).map(lambda h: h * H),
    complaint_type=st.none() | st.sampled_from(ComplaintType),
    severity=st.none() | st.sampled_from(Severity),
    emergency=st.none() | st.sampled_from(EmergencyClass),
)


@given(
    st.lists(
        RULES,
        min_size=1,
        max_size=8,
        unique_by=lambda r: (r.metric, r.complaint_type, r.severity, r.emergency),
    ),
    st.sampled_from(Metric),
    st.sampled_from(ComplaintType),
    st.sampled_from(Severity),
    st.none() | st.sampled_from(EmergencyClass),
)
def test_the_winner_matches_and_no_matching_rule_beats_it(
    rules: list[SlaRule],
    metric: Metric,
    complaint_type: ComplaintType,
    severity: Severity,
    emergency: EmergencyClass | None,
) -> None:
    """The chosen rule matches; no other match is more specific, or as specific and stricter."""
    policy = SlaPolicy(name="p", rules=tuple(rules))
    choice = select_rule(policy, metric, complaint_type, severity, emergency)
    matching = [
        (i, r)
        for i, r in enumerate(rules)
        if r.metric is metric and r.matches(complaint_type, severity, emergency)
    ]
    assert (choice is None) == (not matching)
    if choice is not None:
        assert len(matching) == choice.candidates
        best = min(matching, key=lambda ir: (-ir[1].specificity, ir[1].target, ir[0]))
        assert best == (choice.index, choice.rule)
