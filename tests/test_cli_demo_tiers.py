"""Tests for the VIP tier section of ``pmcrm demo``."""

import re
from collections import Counter
from typing import Any, cast

import attrs
import pytest

from cli_demo_helpers import PORTFOLIO_SIZE, demo_of, run, run_json, section_lines
from pmcrm.cli._table import display_width
from pmcrm.cli.demo import Demo, section_tiers
from pmcrm.sample import sample_config, sample_members, sample_portfolio, sample_tier_policy
from pmcrm.tiers import (
    ReviewAction,
    ReviewSchedule,
    ScheduleKind,
    apply_for,
    evaluate,
    review_portfolio,
    triggers,
)
from pmcrm.values import Lang

#: The lists of the tier section, by JSON key, and the review action each one shows.
TIER_LISTS = {
    "upgrades": ReviewAction.UPGRADE,
    "notices": ReviewAction.NOTICE,
    "pending": ReviewAction.PENDING,
    "downgrades": ReviewAction.DOWNGRADE,
    "lapsed": ReviewAction.LAPSED,
}


def sample_outcomes() -> list[Any]:
    """The review of every sample customer on the sample's day, as the library gives it."""
    pairs = zip(sample_portfolio(), sample_members(), strict=True)
    return list(review_portfolio(pairs, sample_tier_policy(), sample_config().as_of))


def test_tier_section_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The tier section shows the ladder, both distributions, the review and two examples."""
    _, out, _ = run(capsys, "demo")
    lines = section_lines(out, "VIP 客户分级与定期评审")
    text = "\n".join(lines)
    assert lines[0].startswith("钻石: 满足其一: (年度物业服务费 >= 200000.00 CNY")
    assert "定期评审：固定日期（01-01、07-01）；降级提前 30 天通知；降一级" in lines
    counts = Counter(o.action for o in sample_outcomes())
    assert f"-- 应升级：{counts[ReviewAction.UPGRADE]} 位 --" in lines
    assert f"-- 本次发出降级通知：{counts[ReviewAction.NOTICE]} 位 --" in lines
    for heading in ("降级通知待生效", "降级生效", "降级通知失效", "管理层保级"):
        assert any(line.startswith(f"-- {heading}：") for line in lines)
    for reason in (
        "连续欠费达到期限",
        "长期满意度低且拒绝配合改进",
        "原因已消除",
        "不再符合等级条件",
    ):
        assert reason in text
    assert "评定等级：" in text
    assert "不予批准" in text
    assert "还需" in text
    assert "Upgrades due" not in text


def test_tier_section_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang en`` prints the tier section in English, reasons included."""
    _, out, _ = run(capsys, "demo", "--lang", "en")
    lines = section_lines(out, "VIP tiers and the periodic review")
    text = "\n".join(lines)
    assert lines[3] == "Regular: meets none of the above"
    assert "Downgrade triggers (any one): arrears owed >= 90 days" in text
    for heading in (
        "Upgrades due",
        "Downgrade notices issued",
        "Downgrade notices pending",
        "Downgrades taking effect",
        "Notices lapsed",
        "Retained by management",
    ):
        assert any(line.startswith(f"-- {heading}: ") for line in lines)
    assert "Arrears reaching the limit: owes" in text
    assert "Rule violation causing harm" in text
    assert "qualifying tier: " in text
    assert "application for Gold: refused" in text
    assert "needs " in text
    assert not re.search(r"[\u4e00-\u9fff]{2,}：", text), "no Chinese template text"


def test_tier_distribution_table_aligns(capsys: pytest.CaptureFixture[str]) -> None:
    """The distribution table's rows end in the same display column, in zh and in en."""
    for lang, title in (
        ("zh", "VIP 客户分级与定期评审"),
        ("en", "VIP tiers and the periodic review"),
    ):
        _, out, _ = run(capsys, "demo", "--lang", lang)
        lines = section_lines(out, title)
        start = next(i for i, line in enumerate(lines) if line.startswith(("等级", "Tier ")))
        table = lines[start : start + 2 + 4 + 1]  # header, rule, four tiers, total
        assert len({display_width(line) for line in table}) == 1


def test_json_tier_counts_add_up_to_the_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    """Held tiers, qualifying tiers and review actions each partition the portfolio."""
    tiers = run_json(capsys, "--lang", "en")["sections"]["tiers"]
    rows = tiers["distribution"]["rows"]
    assert [r["tier"] for r in rows] == ["diamond", "platinum", "gold", "regular"]
    assert [r["label"] for r in rows] == ["Diamond", "Platinum", "Gold", "Regular"]
    assert sum(r["current"] for r in rows) == PORTFOLIO_SIZE
    assert sum(r["qualifying"] for r in rows) == PORTFOLIO_SIZE
    assert tiers["distribution"]["total"] == PORTFOLIO_SIZE
    held = Counter(m.tier for m in sample_members())
    assert {r["tier"]: r["current"] for r in rows} == dict(held)
    policy, as_of = sample_tier_policy(), sample_config().as_of
    qualifying = Counter(
        evaluate(c, policy.ladder, as_of, m.designations).tier
        for c, m in zip(sample_portfolio(), sample_members(), strict=True)
    )
    assert {r["tier"]: r["qualifying"] for r in rows} == dict(qualifying)
    actions = {r["action"]: r["customers"] for r in tiers["actions"]["rows"]}
    assert list(actions) == [a.value for a in ReviewAction]
    assert sum(actions.values()) == tiers["actions"]["total"] == PORTFOLIO_SIZE
    for key, action in TIER_LISTS.items():
        assert len(tiers[key]) == actions[action.value]


def test_json_tier_lists_are_the_library_review(capsys: pytest.CaptureFixture[str]) -> None:
    """Each list holds the customers ``review_portfolio`` gives that action, with the reasons."""
    tiers = run_json(capsys, "--lang", "en")["sections"]["tiers"]
    outcomes = sample_outcomes()
    names = {c.customer_id: c.name.masked for c in sample_portfolio()}
    for key, action in TIER_LISTS.items():
        expected = [o for o in outcomes if o.action is action]
        assert [r["customer_id"] for r in tiers[key]] == [o.customer_id for o in expected]
        assert [r["reasons"] for r in tiers[key]] == [
            [reason.text("en") for reason in o.reasons] for o in expected
        ]
        assert all(r["name"] == names[r["customer_id"]] for r in tiers[key])
        assert all(r["action"] == action.value for r in tiers[key])
    notice = tiers["notices"][0]
    assert notice["effective_on"] == "2026-12-23"
    assert notice["causes"]
    assert {r["effective_on"] for r in tiers["upgrades"]} == {"2026-11-23"}
    assert [r["effective_on"] for r in tiers["lapsed"]] == [None]
    assert [r["causes"] for r in tiers["downgrades"]] == [[]]
    retained = tiers["retained"]
    assert len(retained) == 1
    assert retained[0]["from_tier"] == retained[0]["to_tier"]
    assert retained[0]["reasons"][0].startswith("override by management: Retain")


def test_json_tier_examples_are_the_library_explanations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The worked example is ``explain_tier``; the refused application shows what is missing."""
    tiers = run_json(capsys, "--lang", "en")["sections"]["tiers"]
    example = tiers["example"]
    assert example["tier"] == "platinum"
    assert example["lines"][0] == "Diamond: does not qualify"
    assert example["lines"][-1] == "qualifying tier: Platinum (as of 2026-11-23)"
    application = tiers["application"]
    assert (application["requested"], application["granted"]) == ("gold", False)
    assert application["qualifying"] == "regular"
    assert application["missing"]
    assert all(m.startswith("needs ") for m in application["missing"])
    index = int(application["customer_id"][1:]) - 1
    customer, record = sample_portfolio()[index], sample_members()[index]
    decision = apply_for(
        customer, sample_tier_policy().ladder, "gold", sample_config().as_of, record.designations
    )
    assert application["lines"] == decision.explain("en").splitlines()


def test_customers_without_a_member_record_hold_the_base_tier() -> None:
    """A customer with no member record is reviewed as regular since registration."""
    customers = sample_portfolio()[:20]
    demo = demo_of(customers, members=())
    assert {m.tier for m in demo.members} == {"regular"}
    assert [m.since for m in demo.members] == [c.registered_at.date() for c in customers]
    policy = sample_tier_policy()
    upgradable = sum(
        1
        for customer, member, decision in zip(
            customers, demo.members, demo.qualifying, strict=True
        )
        if decision.tier != "regular" and not triggers(customer, member, policy, demo.as_of)
    )
    assert sum(1 for o in demo.outcomes if o.action is ReviewAction.UPGRADE) == upgradable
    assert upgradable > 0


def test_tier_lists_without_customers_show_only_their_heading() -> None:
    """An empty list is a heading with a count of 0 in text, and ``[]`` in JSON."""
    demo = demo_of(sample_portfolio()[:1])
    section = section_tiers(demo)
    assert section.data["downgrades"] == []
    index = section.lines.index("-- Downgrades taking effect: 0 --")
    assert section.lines[index + 1] == ""


def test_tier_rules_without_triggers_or_fixed_dates() -> None:
    """A programme with no downgrade trigger and anniversary reviews is described as such."""
    policy = sample_tier_policy()
    review = attrs.evolve(
        policy.review,
        schedule=ReviewSchedule(kind=ScheduleKind.ANNIVERSARY),
        arrears_days=None,
        arrears_amount=None,
        low_satisfaction_count=None,
        low_satisfaction_below=None,
        violation_window_months=None,
    )
    config = sample_config()
    demo = Demo.build(
        sample_portfolio()[:3],
        config,
        as_of=config.as_of,
        tier_policy=attrs.evolve(policy, review=review),
        members=sample_members(),
        lang=Lang.EN,
    )
    rules = cast(list[str], section_tiers(demo).data["rules"])
    assert rules[-2:] == [
        "Reviews: Anniversary of the tier; downgrades notified 30 days ahead; One tier down",
        "Downgrade triggers (any one): –",
    ]
