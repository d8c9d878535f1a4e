"""Tests for the ``pmcrm`` command line (``pmcrm.cli`` and ``python -m pmcrm``)."""

import importlib
import json
import os
import re
import runpy
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

import pmcrm
from pmcrm.benefits import TierSpell, balance, discount_rules, entitlements
from pmcrm.care import due_list
from pmcrm.cli import (
    BOARD_GROUPS,
    CARE_SHOWN,
    CHART_FILES,
    SECTIONS,
    Demo,
    Json,
    Section,
    display_width,
    emit,
    main,
    pad,
    percent,
    render_json,
    render_table,
    section_complaints,
    section_entitlements,
    section_survey,
    section_tiers,
    section_value_segments,
    truncate,
)
from pmcrm.complaints import (
    ClockStatus,
    Metric,
    SlaPolicy,
    SlaRule,
    analyse,
    complaint_clocks,
    facts,
    find_repeats,
    rectifications,
    state_at,
)
from pmcrm.customers import Customer
from pmcrm.pricing import price
from pmcrm.sample import (
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
from pmcrm.segmentation import ValueSegment, classify, score_customer
from pmcrm.surveys import (
    Answer,
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Response,
    Segment,
    charts,
    score_survey,
)
from pmcrm.surveys.breakdowns import PeriodUnit, by_segment, period_key
from pmcrm.surveys.history import satisfaction_history
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, Quadrant, ipa
from pmcrm.tiers import (
    MemberRecord,
    ReviewAction,
    ReviewSchedule,
    ScheduleKind,
    apply_for,
    evaluate,
    review_portfolio,
    triggers,
)
from pmcrm.values import MONEY_CONTEXT, Label, Lang

PORTFOLIO_SIZE = len(sample_portfolio())

#: The lists of the tier section, by JSON key, and the review action each one shows.
TIER_LISTS = {
    "upgrades": ReviewAction.UPGRADE,
    "notices": ReviewAction.NOTICE,
    "pending": ReviewAction.PENDING,
    "downgrades": ReviewAction.DOWNGRADE,
    "lapsed": ReviewAction.LAPSED,
}


def demo_of(
    customers: Sequence[Customer],
    *,
    members: Sequence[MemberRecord] | None = None,
    lang: Lang = Lang.EN,
) -> Demo:
    """A demo of *customers* on the sample's day, with the sample programme."""
    config = sample_config()
    return Demo.build(
        customers,
        config,
        as_of=config.as_of,
        tier_policy=sample_tier_policy(),
        members=sample_members() if members is None else members,
        lang=lang,
    )


def sample_outcomes() -> list[Any]:
    """The review of every sample customer on the sample's day, as the library gives it."""
    pairs = zip(sample_portfolio(), sample_members(), strict=True)
    return list(review_portfolio(pairs, sample_tier_policy(), sample_config().as_of))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``main(argv)`` and return its exit code, stdout and stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Run ``pmcrm demo --json`` with *argv* and parse what it prints."""
    code, out, err = run(capsys, "demo", "--json", *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


def section_lines(text: str, title: str) -> list[str]:
    """The lines of the text report's section headed ``== title ==``."""
    lines = text.splitlines()
    start = lines.index(f"== {title} ==") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("== ")), len(lines))
    return [line for line in lines[start:end] if line]


# --- the text report ---------------------------------------------------------------


def test_demo_defaults_to_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """``pmcrm demo`` prints the report in Chinese with every section, and exits 0."""
    code, out, err = run(capsys, "demo")
    assert (code, err) == (0, "")
    assert out.startswith("pmcrm 示例客户报告\n")
    assert f"基准日 2026-11-23 · 客户 {PORTFOLIO_SIZE} 位" in out
    for title in (
        "概览：价值评分规则",
        "按客户类型",
        "按物业类型",
        "按价值分层",
        "规则分群",
        "VIP 客户分级与定期评审",
    ):
        assert f"== {title} ==" in out
    assert "== 价值分前 10 位客户 ==" in out
    for label in ("业主", "租户", "商户", "开发商", "外来人员", "内部顾客", "住宅", "工业"):
        assert label in out
    assert "消费能力：实际" in out


def test_demo_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang en`` prints the same report in English."""
    code, out, _ = run(capsys, "demo", "--lang", "en")
    assert code == 0
    assert out.startswith("pmcrm sample customer report\n")
    assert f"as of 2026-11-23 · {PORTFOLIO_SIZE} customers" in out
    for title in (
        "Customers by kind",
        "Customers by property type",
        "Rule-based segments",
        "VIP tiers and the periodic review",
    ):
        assert f"== {title} ==" in out
    assert "== Top 10 by value score ==" in out
    assert "Spending capacity: observed" in out
    assert "客户类型" not in out


def test_columns_align_with_chinese_labels(capsys: pytest.CaptureFixture[str]) -> None:
    """Table rows end in the same display column though CJK characters are double width."""
    _, out, _ = run(capsys, "demo")
    table = section_lines(out, "按客户类型")[:-1]  # the last line is a note
    assert len(table) == 2 + 6 + 1  # header, rule, six kinds, total
    widths = {display_width(line) for line in table}
    assert len(widths) == 1
    assert len({len(line) for line in table}) > 1, "CJK labels make the lengths differ"


def test_kind_counts_in_the_text_match_the_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    """The owner row shows the primary and holding counts computed from the portfolio."""
    _, out, _ = run(capsys, "demo", "--lang", "en")
    customers = sample_portfolio()
    primary = sum(1 for c in customers if c.kinds[0].value == "owner")
    holding = sum(1 for c in customers if any(k.value == "owner" for k in c.kinds))
    row = next(
        line for line in section_lines(out, "Customers by kind") if line.startswith("Owner")
    )
    assert row.split()[1:3] == [str(primary), str(holding)]


def test_top_lists_the_best_scores_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top 3`` lists three customers, best first, each followed by four reasons."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--top", "3")
    lines = section_lines(out, "Top 3 by value score")
    ranked = [line for line in lines[2:] if not line.startswith(" " * 6)]
    assert [line.split()[0] for line in ranked] == ["1", "2", "3"]
    assert len(lines) == 2 + 3 * (1 + 4)
    config = sample_config()
    scores = sorted(
        (score_customer(c, config.policy, config.as_of) for c in sample_portfolio()),
        key=lambda s: (-s.score, s.customer_id),
    )
    assert [line.split()[1] for line in ranked] == [s.customer_id for s in scores[:3]]
    assert [line.split()[-1] for line in ranked] == [f"{s.score:f}" for s in scores[:3]]


# --- the JSON report -------------------------------------------------------------------


def test_json_document_structure(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` prints one document: metadata, then every section under its key, in order."""
    doc = run_json(capsys)
    assert list(doc) == ["report", "subtitle", "version", "lang", "as_of", "customers", "sections"]
    assert (doc["version"], doc["lang"], doc["as_of"]) == (pmcrm.__version__, "zh", "2026-11-23")
    assert doc["customers"] == PORTFOLIO_SIZE
    assert list(doc["sections"]) == [
        "overview",
        "kinds",
        "property_types",
        "value_segments",
        "rule_segments",
        "top_customers",
        "tiers",
        "entitlements",
        "complaints",
        "survey",
    ]
    assert len(SECTIONS) == len(doc["sections"])


def test_json_counts_add_up_to_the_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    """Primary kinds, primary property types and value segments each partition the portfolio."""
    sections = run_json(capsys)["sections"]
    assert sum(r["primary"] for r in sections["kinds"]["rows"]) == PORTFOLIO_SIZE
    assert sum(r["primary"] for r in sections["property_types"]["rows"]) == PORTFOLIO_SIZE
    assert sum(r["customers"] for r in sections["value_segments"]["rows"]) == PORTFOLIO_SIZE
    assert [r["segment"] for r in sections["value_segments"]["rows"]] == ["high", "mid", "low"]
    for section in ("kinds", "property_types", "value_segments", "rule_segments"):
        assert sections[section]["total"] == PORTFOLIO_SIZE
    holding = {r["key"]: r["holding"] for r in sections["kinds"]["rows"]}
    primary = {r["key"]: r["primary"] for r in sections["kinds"]["rows"]}
    assert all(holding[k] >= primary[k] for k in holding)
    assert sum(holding.values()) > PORTFOLIO_SIZE, "multi-role customers count in several rows"


def test_json_rule_segments_match_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """Each rule's member count is what ``classify`` finds, and its criteria are listed."""
    rows = run_json(capsys, "--lang", "en")["sections"]["rule_segments"]["rows"]
    config = sample_config()
    outcomes = [classify(c, config.segments, config.as_of) for c in sample_portfolio()]
    expected = [sum(o[i].matched for o in outcomes) for i in range(len(config.segments))]
    assert [r["customers"] for r in rows] == expected
    assert [r["name"] for r in rows] == [rule.name for rule in config.segments]
    assert [r["label"] for r in rows] == [rule.label.en for rule in config.segments]
    assert all(r["criteria"] and "type" in r["criteria"][0] for r in rows)


def test_json_writes_decimals_as_strings_and_chinese_as_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Scores, weights and shares are strings; Chinese is not escaped."""
    code, out, _ = run(capsys, "demo", "--json", "--top", "2")
    assert code == 0
    assert "业主" in out
    assert "\\u" not in out
    doc = json.loads(out)
    top = doc["sections"]["top_customers"]
    assert (top["shown"], len(top["rows"])) == (2, 2)
    first = top["rows"][0]
    assert isinstance(first["score"], str)
    assert Decimal(first["score"]) >= Decimal(top["rows"][1]["score"])
    assert first["rank"] == 1
    assert len(first["reasons"]) == 4
    assert first["reasons"][-1].startswith("价值分 " + first["score"])
    factors = doc["sections"]["overview"]["factors"]
    assert [f["weight"] for f in factors] == ["5", "3", "2"]
    assert doc["sections"]["kinds"]["rows"][0]["share_percent"] == str(
        percent(doc["sections"]["kinds"]["rows"][0]["primary"], PORTFOLIO_SIZE)
    )


def test_top_larger_than_the_portfolio_shows_everyone(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top`` beyond the portfolio size lists every customer once."""
    top = run_json(capsys, "--top", "100000")["sections"]["top_customers"]
    assert top["shown"] == PORTFOLIO_SIZE
    ids = [r["customer_id"] for r in top["rows"]]
    assert sorted(ids) == sorted(c.customer_id for c in sample_portfolio())
    scores = [Decimal(r["score"]) for r in top["rows"]]
    assert scores == sorted(scores, reverse=True)


def test_as_of_changes_the_scoring_day(capsys: pytest.CaptureFixture[str]) -> None:
    """``--as-of`` scores on that day: the window moves with it."""
    doc = run_json(capsys, "--as-of", "2026-03-31")
    assert doc["as_of"] == "2026-03-31"
    assert doc["sections"]["overview"]["window"] == {"start": "2025-04-01", "end": "2026-03-31"}
    default = run_json(capsys)["sections"]
    assert doc["sections"]["value_segments"]["rows"] != default["value_segments"]["rows"]
    tiers = doc["sections"]["tiers"]
    assert tiers["distribution"]["rows"] != default["tiers"]["distribution"]["rows"]
    assert sum(r["customers"] for r in tiers["actions"]["rows"]) == PORTFOLIO_SIZE


# --- the tier section ----------------------------------------------------------------------


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


def test_every_section_renders_an_empty_portfolio() -> None:
    """With no customers every section still renders; the tier examples are absent."""
    demo = demo_of(())
    sections = [section(demo) for section in SECTIONS]
    document = json.loads(render_json(demo, sections))
    tiers = document["sections"]["tiers"]
    assert (tiers["example"], tiers["application"]) == (None, None)
    assert tiers["distribution"]["total"] == 0
    tier_lines = next(s for s in sections if s.key == "tiers").lines
    assert not any(line.startswith("-- A tier decision") for line in tier_lines)
    entitlements = document["sections"]["entitlements"]
    assert entitlements["vip"] is None
    assert (entitlements["care"]["total"], entitlements["care"]["shown"]) == (0, [])


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


# --- usage errors, help and version --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "invalid date '2026-02-30': expected YYYY-MM-DD"),
        ("20261123", "invalid date '20261123': expected YYYY-MM-DD"),
        ("yesterday", "invalid date 'yesterday'"),
        ("1899-12-31", "date '1899-12-31' is out of range: expected 1900-01-01 to 2199-12-31"),
        ("2200-01-01", "date '2200-01-01' is out of range"),
    ],
)
def test_bad_as_of_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    """A bad ``--as-of`` prints a clear message on stderr and exits 2, as argparse does."""
    code, out, err = run(capsys, "demo", "--as-of", value)
    assert (code, out) == (2, "")
    assert "usage: pmcrm demo" in err
    assert "argument --as-of: " + message in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be at least 1"),
        ("-3", "must be at least 1"),
        ("ten", "expected a whole number"),
    ],
)
def test_bad_top_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    """``--top`` takes a whole number of at least 1."""
    code, _, err = run(capsys, "demo", f"--top={value}")
    assert code == 2
    assert f"argument --top: invalid count '{value}': {message}" in err


def test_bad_lang_and_missing_command_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown language or no command at all exits 2 with the usage."""
    code, _, err = run(capsys, "demo", "--lang", "fr")
    assert code == 2
    assert "invalid choice: 'fr'" in err
    code, _, err = run(capsys)
    assert code == 2
    assert "the following arguments are required: COMMAND" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """``pmcrm --version`` prints the version and exits 0."""
    assert run(capsys, "--version") == (0, f"pmcrm {pmcrm.__version__}\n", "")


@pytest.mark.parametrize("argv", [["--help"], ["demo", "--help"]])
def test_help_shows_examples(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """``--help`` (top level and for ``demo``) exits 0 and shows example commands."""
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "examples:" in out
    assert "python -m pmcrm demo --lang en --top 5" in out


# --- the entitlements section ----------------------------------------------------------------


def demo_vip_index() -> int:
    """The VIP the section shows: the highest tier held, first in customer-id order."""
    ladder = sample_tier_policy().ladder
    members = sample_members()
    return min(range(len(members)), key=lambda i: (ladder.rank(members[i].tier), i))


def test_entitlements_section_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """A VIP's benefits, a bill before and after discounts, quotas left, the care list."""
    _code, out, _err = run(capsys, "demo", "--lang", "en")
    lines = section_lines(out, "Benefit entitlements and the care calendar")
    customer = sample_portfolio()[demo_vip_index()]
    assert (
        lines[0]
        == f"-- A VIP: {customer.customer_id} {customer.name.masked}, Diamond since 2025-01-01 --"
    )
    assert lines[1] == "Benefits held: 15"
    assert "      8% off the property fee — tier diamond, 2025-01-01 to open-ended" in lines
    assert (
        "A sample bill: 13112.80 CNY before discounts, 12031.85 CNY after (1080.95 CNY off)"
        in lines
    )
    assert any("33.30 CNY × 20% = 6.66 CNY off" in line for line in lines)
    assert "      total: 13112.80 CNY − 1080.95 CNY discount = 12031.85 CNY" in lines
    assert (
        "      diamond_cleaning: 1/1 used on 2026-03-02 in the calendar year "
        "2026-01-01 to 2026-12-31; 0 left"
    ) in lines
    assert "-- This week's care list: 2026-11-23 to 2026-11-30 --" in lines
    assert f"The {CARE_SHOWN} most urgent:" in lines


def test_entitlements_section_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The same section in Chinese."""
    _code, out, _err = run(capsys, "demo")
    lines = section_lines(out, "会员权益与关怀日历")
    assert lines[0].startswith("-- 示例 VIP：C0014 ")
    assert lines[0].endswith("，钻石（自 2025-01-01 起）--")
    assert "享有权益 15 项：" in lines
    assert "示例账单：原价 13112.80 CNY，优惠后 12031.85 CNY（优惠 1080.95 CNY）" in lines
    assert "      取整：逐行，按 ROUND_HALF_UP 取整到 0.01；叠加：取最优" in lines
    assert any(line.startswith("      diamond_plant_care: 已用 7/12（") for line in lines)
    assert "-- 本周关怀清单：2026-11-23 至 2026-11-30 --" in lines
    assert f"最紧急的 {CARE_SHOWN} 项：" in lines


def test_json_entitlements_are_the_library_answers(capsys: pytest.CaptureFixture[str]) -> None:
    """The VIP's benefits, priced bill and quotas are what the library computes."""
    vip = run_json(capsys, "--lang", "en")["sections"]["entitlements"]["vip"]
    index = demo_vip_index()
    customer, member = sample_portfolio()[index], sample_members()[index]
    as_of, benefits = sample_config().as_of, sample_benefits()
    spells = (TierSpell(tier=member.tier, since=member.since),)
    held = entitlements(customer.customer_id, spells, benefits.catalogue, as_of)
    assert (vip["customer_id"], vip["name"], vip["tier"]) == (
        customer.customer_id,
        customer.name.masked,
        member.tier,
    )
    assert [b["code"] for b in vip["benefits"]] == [e.code for e in held]
    assert all(b["source"] == "tier" and b["tier"] == "diamond" for b in vip["benefits"])
    rules = discount_rules(held, as_of, value_added=["housekeeping", "car_wash"])
    priced = price(benefits.bill, rules, benefits.pricing)
    after = vip["bill"]["after"]
    assert (after["original"], after["discount"], after["net"]) == (
        f"{priced.original.amount:f}",
        f"{priced.discount.amount:f}",
        f"{priced.net.amount:f}",
    )
    assert after["explanation"] == priced.explain("en").splitlines()
    before = vip["bill"]["before"]
    assert before["net"] == before["original"] == after["original"]
    assert before["discount"] == "0.00"
    assert Decimal(after["net"]) + Decimal(after["discount"]) == Decimal(after["original"])
    assert sum(Decimal(line["discount"]) for line in after["lines"]) == Decimal(after["discount"])
    for quota in vip["quotas"]:
        expected = balance(benefits.ledger, customer.customer_id, quota["code"], as_of, held)
        assert quota["explanation"] == expected.explain("en")
        assert quota["used"] + quota["remaining"] == quota["units"]
    assert [q["code"] for q in vip["quotas"]] == ["diamond_cleaning", "diamond_plant_care"]


def test_json_care_counts_are_consistent(capsys: pytest.CaptureFixture[str]) -> None:
    """Counts by kind add up to the total; overdue and the items shown match the library."""
    care = run_json(capsys)["sections"]["entitlements"]["care"]
    assert sum(row["count"] for row in care["by_kind"]) == care["total"]
    benefits, as_of = sample_benefits(), sample_config().as_of
    portfolio = [
        (c, m.tier, tuple(log for log in benefits.contacts if log.customer_id == c.customer_id))
        for c, m in zip(sample_portfolio(), sample_members(), strict=True)
    ]
    items = list(due_list(portfolio, benefits.care, benefits.festivals, as_of, 7))
    assert care["total"] == len(items) > CARE_SHOWN
    assert care["overdue"] == sum(1 for item in items if item.overdue) > 0
    by_kind = Counter(item.kind.value for item in items)
    assert {row["kind"]: row["count"] for row in care["by_kind"]} == {
        row["kind"]: by_kind[row["kind"]] for row in care["by_kind"]
    }
    shown = care["shown"]
    assert len(shown) == CARE_SHOWN
    assert [row["due"] for row in shown] == sorted(row["due"] for row in shown)
    assert shown[0]["due"] == min(item.due for item in items).isoformat()
    assert all("*" in row["name"] for row in shown)


def test_care_list_outside_the_festival_calendar_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A day the festival calendar does not cover: the care list reports it, in both languages.

    On 2024-06-01 the sample VIP had not yet entered the tier: they hold nothing.
    """
    for lang, message in (
        ("en", "the festival calendar covers 2025-2027, not 2024"),
        ("zh", "节日日历只覆盖 2025–2027 年，不含 2024 年"),
    ):
        section = run_json(capsys, "--lang", lang, "--as-of", "2024-06-01")["sections"]
        entitlement = section["entitlements"]
        assert entitlement["care"] == {"error": message}
        vip = entitlement["vip"]
        assert (vip["benefits"], vip["quotas"]) == ([], [])
        assert vip["bill"]["after"]["net"] == vip["bill"]["before"]["net"]


def test_entitlements_section_with_the_default_benefits() -> None:
    """``Demo.build`` without benefits uses the sample's."""
    demo = demo_of(sample_portfolio()[:20])
    assert demo.benefits is sample_benefits()
    section = section_entitlements(demo)
    assert section.key == "entitlements"
    assert section.data["vip"] is not None


# --- personal data ----------------------------------------------------------------------


def test_no_personal_data_in_any_output(capsys: pytest.CaptureFixture[str]) -> None:
    """No full name, mobile number, ID number or address of the sample appears in any output."""
    outputs = [
        run(capsys, *argv)[1]
        for argv in (
            ["demo", "--top", "100000"],
            ["demo", "--lang", "en", "--top", "100000"],
            ["demo", "--json", "--top", "100000"],
            ["demo", "--json", "--lang", "en", "--top", "100000"],
        )
    ]
    secrets = []
    for customer in sample_portfolio():
        secrets.append(customer.name.reveal())
        for value in (customer.contact.mobile, customer.id_number, customer.contact.address):
            if value is not None:
                secrets.append(value.reveal())
    assert len(secrets) > 2 * PORTFOLIO_SIZE
    leaked = [s for s in secrets for text in outputs if s in text]
    assert leaked == []
    masked = sample_portfolio()[0].name.masked
    assert all(masked in text for text in outputs), "masked names are shown"
    notices = json.loads(outputs[2])["sections"]["tiers"]["notices"]
    assert notices
    assert all("*" in row["name"] for row in notices), "the tier lists show masked names"
    assert all(not re.search(r"1[3-9][0-9]{9}", text) for text in outputs)
    for text in outputs[2:]:
        entitlement = json.loads(text)["sections"]["entitlements"]
        names = [
            entitlement["vip"]["name"],
            *(row["name"] for row in entitlement["care"]["shown"]),
        ]
        assert all("*" in name for name in names), "the entitlements section shows masked names"


# --- the module entry point ---------------------------------------------------------------


def test_python_dash_m_pmcrm_runs_the_demo() -> None:
    """``python -m pmcrm demo --lang en`` runs as a separate process and exits 0."""
    result = subprocess.run(
        [sys.executable, "-X", "utf8", "-m", "pmcrm", "demo", "--lang", "en", "--top", "2"],
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("pmcrm sample customer report\n")
    assert "== Top 2 by value score ==" in result.stdout


def test_main_module_calls_main(monkeypatch: pytest.MonkeyPatch) -> None:
    """Running ``pmcrm`` as ``__main__`` exits with ``main()``'s code."""
    monkeypatch.setattr(sys, "argv", ["pmcrm", "--version"])
    monkeypatch.delitem(sys.modules, "pmcrm.__main__", raising=False)
    with pytest.raises(SystemExit) as info:
        runpy.run_module("pmcrm", run_name="__main__")
    assert info.value.code == 0


def test_importing_the_main_module_runs_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Importing ``pmcrm.__main__`` (not running it) prints nothing."""
    monkeypatch.delitem(sys.modules, "pmcrm.__main__", raising=False)
    module = importlib.import_module("pmcrm.__main__")
    assert module.main is main
    assert capsys.readouterr() == ("", "")


# --- building blocks -----------------------------------------------------------------------


def test_display_width_counts_wide_characters_twice() -> None:
    """CJK and full-width characters take two columns, combining marks none."""
    assert display_width("高端客户") == 8
    assert display_width("Ｐ１") == 4
    assert display_width("e\u0301") == 1
    assert display_width("Owner · 60.0%") == 13


def test_pad_and_truncate_use_display_width() -> None:
    """Padding and cutting count display columns, not characters."""
    assert pad("租户", 6) == "租户  "
    assert pad("7", 3, right=True) == "  7"
    assert pad("开发商", 2) == "开发商"
    assert truncate("溪*********", 16) == "溪*********"
    assert truncate("N***** ******** ** ****", 10) == "N***** **…"
    assert truncate("溪岚云栖科技", 7) == "溪岚云…"


def test_render_table_aligns_mixed_scripts() -> None:
    """Every row of a table ends in the same display column."""
    lines = render_table(["类型", "n"], [["内部顾客", "5"], ["Owner", "120"]], right=[False, True])
    assert lines == ["类型        n", "--------  ---", "内部顾客    5", "Owner     120"]


def test_percent_rounds_half_up_and_handles_nothing() -> None:
    """Shares are rounded to 0.1 half up; a share of nothing is 0.0."""
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")
    assert percent(0, 0) == Decimal("0.0")


def test_value_segment_section_shows_a_dash_for_an_empty_segment() -> None:
    """With no customer in a segment, its average is ``null`` in JSON and a dash in text."""
    demo = demo_of(sample_portfolio()[:1])
    section = section_value_segments(demo)
    rows = cast(list[dict[str, Any]], section.data["rows"])
    empty = [r for r in rows if r["customers"] == 0]
    assert len(empty) == len(ValueSegment) - 1
    assert all(r["average_score"] is None for r in empty)
    assert all(r["share_percent"] == Decimal("0.0") for r in empty)
    dashed = [line for line in section.lines if line.endswith("–")]
    assert len(dashed) == len(ValueSegment) - 1


def test_render_json_refuses_values_that_are_not_json() -> None:
    """A section that puts a non-JSON value in its data is a bug, reported as TypeError."""
    demo = demo_of(sample_portfolio()[:1])
    bad = Section(key="bad", title="bad", data={"value": cast(Json, object())}, lines=())
    with pytest.raises(TypeError, match="object is not JSON-ready"):
        render_json(demo, [bad])


class BrokenPipe:
    """A stream whose reader has gone away."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str, /) -> int:
        """Fail as a closed pipe does."""
        raise BrokenPipeError

    def flush(self) -> None:
        """Nothing to flush."""

    def fileno(self) -> int:
        """The descriptor given."""
        return self.fd


def test_emit_stops_quietly_when_the_reader_goes_away() -> None:
    """On a broken pipe, ``emit`` returns 1 and points the stream at the null device."""
    read_end, write_end = os.pipe()
    try:
        assert emit("report", BrokenPipe(write_end)) == 1
        os.write(write_end, b"after the pipe broke")  # goes to the null device
        os.close(write_end)
        assert os.read(read_end, 100) == b"", "the pipe's write end was replaced"
    finally:
        os.close(read_end)


# --- the complaint board ----------------------------------------------------------------------

#: When the board reads the clocks on the sample's day: 17:00 China Standard Time.
BOARD_AT = datetime(2026, 11, 23, 17, 0, tzinfo=timezone(timedelta(hours=8)))


def board_clocks(at: datetime = BOARD_AT) -> dict[str, Any]:
    """Each complaint registered by *at*: its id -> (facts, clocks), as the library reads them."""
    complaints, calendar = sample_complaints(), sample_calendar()
    read = {}
    for state in complaints.states:
        if state.registration.at <= at:
            clocks = complaint_clocks(state, complaints.policy, at, calendar=calendar)
            past = state_at(state, at)
            assert past is not None
            read[state.complaint_id] = (facts(past), clocks)
    return read


def test_complaint_board_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """The reading time, open complaints breached first, alerts, repeats, month and example."""
    _, out, _ = run(capsys, "demo", "--lang", "en")
    lines = section_lines(out, "Complaint board")
    assert 30 <= len(lines) <= 55, "a compact section"
    assert lines[:3] == [
        "Clocks read at 2026-11-23 17:00 China Standard Time (UTC+08:00), "
        "business hours per the 'cn-statutory' calendar",
        "SLA policy: xilan-complaint-sla; 54 complaints registered by then",
        "-- Open complaints: 11 (most urgent clock, breached first; "
        "* paused: due if resumed now) --",
    ]
    assert lines[3].split() == [
        "Complaint",
        "Category",
        "Type",
        "Owner",
        "Clock",
        "Status",
        "Due",
        "Late/left",
    ]
    rows = lines[5:15]
    assert rows[0].split() == [
        "TS-2026-0044",
        "facilities",
        "repeat",
        "kf-wang",
        "resolution",
        "breached",
        "11-20",
        "11:00",
        "late",
        "78",
        "h",
    ]
    breached = ["breached" in row for row in rows]
    assert breached == sorted(breached, reverse=True)
    assert breached.count(True) == 4
    assert any("paused · 50%" in row and "*" in row for row in rows)
    assert any("running · 80%" in row for row in rows)
    assert lines[15] == "… and 1 more"
    assert lines[16] == (
        "-- Breached: 5 clocks (first response 1, resolution 3, follow-up 1); "
        "warnings: 7 (80% 2, 50% 5) --"
    )
    assert (
        "Special rectification (same customer C0144, cleaning): TS-2026-0007, TS-2026-0021, "
        "TS-2026-0038; threshold 3 reached at TS-2026-0038"
    ) in lines
    assert "-- Month to date (from 2026-11-01): 22 registered, 11 open --" in lines
    assert "Reopened 4.5% (1/22); repeats 13.6% (3/22)" in lines
    index = lines.index("-- An example: the resolution clock of TS-2026-0043 (facilities) --")
    clock = board_clocks()["TS-2026-0043"][1].get(Metric.RESOLUTION)
    assert lines[index + 1 :] == clock.explain("en").splitlines()
    assert any(line.startswith("  not counted (resolved, later reopened)") for line in lines)
    assert any(line.startswith("  paused (waiting on a third party)") for line in lines)


def test_complaint_board_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The same board in Chinese; tables align by display width."""
    _, out, _ = run(capsys, "demo")
    lines = section_lines(out, "投诉看板")
    assert (
        lines[0]
        == "时钟读取时刻：2026-11-23 17:00 北京时间（UTC+08:00），工作时间按「cn-statutory」日历"
    )
    assert lines[1] == "SLA 政策：xilan-complaint-sla；截至读取时刻登记投诉 54 起"
    assert lines[2].startswith("-- 未结投诉：11 起（")
    assert lines[5].split()[:6] == [
        "TS-2026-0044",
        "设施设备",
        "重复投诉",
        "kf-wang",
        "解决",
        "已超时",
    ]
    header, rows = lines[3], lines[5:15]
    clock_column = display_width(header[: header.index("时钟")])
    for row in rows:
        clock = row.split()[4]
        assert display_width(row[: row.index(clock, len("TS-2026-0000"))]) == clock_column
    assert "…… 另有 1 项" in lines
    assert "-- 超时：5 个时钟（首次响应 1、解决 3、回访 1）；预警：7 个（80% 2、50% 5）--" in lines
    assert "专项整改（同一单元 CH-4-1703，保洁）：TS-2026-0007、TS-2026-0021、TS-2026-0038；" in (
        "".join(lines)
    )
    assert "重新打开率 4.5% (1/22)；重复投诉率 13.6% (3/22)" in lines
    assert "-- 示例：TS-2026-0043（设施设备）的解决时钟 --" in lines
    assert "  预警：已用时限的 50%" in lines


def test_json_complaint_board_is_the_library_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """Open complaints, alerts, repeats, the month and the example are what the library gives."""
    board = run_json(capsys, "--lang", "en", "--top", "100")["sections"]["complaints"]
    assert (board["at"], board["error"], board["complaints"]) == (BOARD_AT.isoformat(), None, 54)
    read = board_clocks()
    open_ids = {cid for cid, (f, _) in read.items() if f.is_open}
    rows = board["open"]["rows"]
    assert board["open"]["total"] == len(rows) == len(open_ids)
    assert {r["complaint_id"] for r in rows} == open_ids
    for row in rows:
        f, clocks = read[row["complaint_id"]]
        metric = next(m for m in Metric if m.value == row["clock"]["metric"])
        clock = clocks.get(metric)
        assert clock is not None
        assert clock.stop is None
        assert (row["clock"]["status"], row["owner"], row["type"]) == (
            clock.status.value,
            f.owner,
            f.complaint_type.value,
        )
    active = [c for _, clocks in read.values() for c in clocks.clocks if c.start and not c.stop]
    breached = sum(c.status is ClockStatus.BREACHED for c in active)
    warned = sum(c.warning is not None for c in active)
    assert (board["alerts"]["breached"], board["alerts"]["warnings"]) == (breached, warned)
    assert len(board["alerts"]["rows"]) == breached + warned
    found = [f for f, _ in read.values()]
    policy = sample_complaints().repeat_policy
    repeats = [r for r in find_repeats(found, policy) if r.is_repeat]
    assert board["repeats"]["repeats"] == len(repeats) == 5
    assert [r["complaint_id"] for r in board["repeats"]["rows"]] == [
        r.complaint_id for r in reversed(repeats)
    ]
    groups = rectifications(found, policy)
    assert [g["complaint_ids"] for g in board["repeats"]["rectifications"]] == [
        list(g.complaint_ids) for g in groups
    ]
    complaints, calendar = sample_complaints(), sample_calendar()
    analysis = analyse(
        complaints.states,
        complaints.policy,
        BOARD_AT,
        calendar=calendar,
        repeat_policy=complaints.repeat_policy,
    )
    stats = dict(analysis.by_month)["2026-11"]
    month = board["month"]
    assert (month["complaints"], month["open"], month["repeats"], month["reopened"]) == (
        stats.complaints,
        stats.open,
        stats.repeats.part,
        stats.reopened.part,
    )
    assert [(m["metric"], m["met"], m["breached"]) for m in month["metrics"]] == [
        (m.metric.value, m.met, m.breached) for m in stats.metrics
    ]
    assert len(month["root_causes"]) == len(month["categories"]) == BOARD_GROUPS
    example = board["example"]
    clock = read[example["complaint_id"]][1].get(Metric.RESOLUTION)
    assert clock is not None
    assert example["explanation"] == clock.explain("en").splitlines()
    assert example["clock"]["status"] == ClockStatus.PAUSED.value


def test_complaint_board_honours_top(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top`` caps every list of the board; "… and N more" says what was left out."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--top", "1")
    lines = section_lines(out, "Complaint board")
    more = [line for line in lines if line.startswith("… and ")]
    # 11 open complaints, 12 flagged clocks (one shown above), 5 repeats, 2 rectifications.
    assert more == ["… and 10 more", "… and 10 more", "… and 4 more", "… and 1 more"]
    assert sum(line.startswith("Special rectification") for line in lines) == 1
    causes = next(line for line in lines if line.startswith("Root causes:"))
    assert causes.count(",") == 0
    board = run_json(capsys, "--top", "1")["sections"]["complaints"]
    assert len(board["open"]["rows"]) == len(board["alerts"]["rows"]) == 1
    assert len(board["repeats"]["rows"]) == len(board["repeats"]["rectifications"]) == 1
    assert board["open"]["total"] == 11


def test_complaint_board_outside_the_calendar_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """A day the business calendar does not cover: the board says so, in zh and en."""
    for lang, message in (
        (
            "en",
            "The clocks cannot be read: calendar 'cn-statutory' covers 2025-01-01 "
            "to 2026-12-31, not 2027-01-15",
        ),
        (
            "zh",
            "无法读取投诉时钟：日历 'cn-statutory' 仅覆盖 2025-01-01 至 2026-12-31，"
            "不含 2027-01-15",
        ),
    ):
        code, out, err = run(capsys, "demo", "--lang", lang, "--as-of", "2027-01-15")
        assert (code, err) == (0, "")
        title = "Complaint board" if lang == "en" else "投诉看板"
        assert section_lines(out, title)[1:] == [message]
        board = run_json(capsys, "--lang", lang, "--as-of", "2027-01-15")["sections"]["complaints"]
        assert board["error"] == message
        assert "open" not in board


def test_complaint_board_before_any_complaint(capsys: pytest.CaptureFixture[str]) -> None:
    """On a day before the first complaint the board is empty but complete."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--as-of", "2026-09-01")
    assert section_lines(out, "Complaint board")[1:] == [
        "SLA policy: xilan-complaint-sla; 0 complaints registered by then",
        "-- Open complaints: 0 (most urgent clock, breached first; "
        "* paused: due if resumed now) --",
        "-- Breached: 0 clocks (–); warnings: 0 (–) --",
        "-- Repeat complaints: 0 of 0 (same customer or unit and category within 60 days) --",
        "-- Month to date (from 2026-09-01): 0 registered, 0 open --",
        "No complaint this month yet.",
        "-- An example: no open complaint with a resolution clock --",
    ]
    board = run_json(capsys, "--as-of", "2026-09-01")["sections"]["complaints"]
    assert (board["complaints"], board["open"]["rows"], board["example"]) == (0, [], None)
    assert (board["month"]["metrics"], board["month"]["reopened_percent"]) == ([], None)


def test_complaint_board_ignores_what_came_after_the_reading(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On 2026-09-16 the typhoon complaint of that morning is open; later events are ignored."""
    board = run_json(capsys, "--lang", "en", "--as-of", "2026-09-16")["sections"]["complaints"]
    at = datetime(2026, 9, 16, 17, 0, tzinfo=timezone(timedelta(hours=8)))
    assert board["complaints"] == len(board_clocks(at)) == 8
    assert [r["complaint_id"] for r in board["open"]["rows"]] == ["TS-2026-0008"]
    assert board["open"]["rows"][0]["emergency"] == "natural_disaster"
    assert board["example"]["clock"]["status"] == "running"


def test_complaint_board_with_a_policy_that_times_first_response_only() -> None:
    """Open complaints without a running clock show dashes; there is no resolution example."""
    config = sample_config()
    policy = SlaPolicy(
        name="first response only",
        rules=(SlaRule(metric=Metric.FIRST_RESPONSE, target=timedelta(hours=24)),),
    )
    demo = Demo.build(
        sample_portfolio()[:1],
        config,
        as_of=date(2026, 11, 23),
        tier_policy=sample_tier_policy(),
        members=sample_members(),
        lang=Lang.EN,
        complaints=attrs.evolve(sample_complaints(), policy=policy),
    )
    assert demo.calendar is sample_calendar()
    section = section_complaints(demo)
    rows = cast(dict[str, Any], section.data["open"])["rows"]
    assert [r["clock"] is None for r in rows].count(False) == 2, "two not contacted yet"
    assert rows[-1]["clock"] is None
    assert section.data["example"] is None
    assert section.lines[-1] == "-- An example: no open complaint with a resolution clock --"
    dashes = [line for line in section.lines if line.split()[-4:] == ["–"] * 4]
    assert len(dashes) == len(rows) - 2 == 8, "ten of the eleven are shown"


def test_complaint_board_with_a_due_time_past_the_calendar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On the calendar's last day a business-hours clock has no due time: '–', listed last."""
    code, out, err = run(capsys, "demo", "--lang", "en", "--as-of", "2026-12-31", "--top", "50")
    assert (code, err) == (0, "")
    rows = [line for line in section_lines(out, "Complaint board") if line.startswith("TS-")]
    last = rows[10].split()
    assert ("TS-2026-0046", "paused", "–*") == (last[0], last[5], last[8])


# --- the satisfaction survey --------------------------------------------------------------


def survey_waves() -> dict[str, list[Response]]:
    """The sample survey's responses by quarter answered."""
    waves: dict[str, list[Response]] = {}
    for response in sample_survey().responses:
        waves.setdefault(period_key(response.on, PeriodUnit.QUARTER), []).append(response)
    return waves


def half_up(value: Fraction, places: int = 1) -> str:
    """*value* rounded half up to *places* decimals, as the report writes it."""
    step = Decimal(1).scaleb(-places)
    exact = MONEY_CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    return str(exact.quantize(step, rounding=ROUND_HALF_UP, context=MONEY_CONTEXT))


def test_survey_section_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """The latest wave's CSI, NPS, CSAT, change, dimensions, quadrants, tiers and history."""
    _, out, _ = run(capsys, "demo", "--lang", "en")
    lines = section_lines(out, "Satisfaction survey")
    assert 30 <= len(lines) <= 45, "a compact section"
    instrument = sample_survey().instrument
    q4 = score_survey(instrument, survey_waves()["2026-Q4"])
    assert q4.csi is not None
    assert lines[0] == (
        "Owner satisfaction survey 2026 · owner-satisfaction-2026 · wave 2026-Q4: "
        "111 responses, 2026-11-02 to 2026-11-20"
    )
    assert lines[1].startswith(f"CSI {half_up(q4.csi)} / 100: the dimension scores weighted")
    assert lines[2] == (
        "NPS +6.4 (95% CI -8.0 to +20.7; n = 110: 36 promoters, 45 passives, 29 detractors)"
    )
    assert lines[3] == (
        "CSAT 72.5% (top-2 box of the overall item; 95% Wilson CI 63.4% to 80.0%; n = 109)"
    )
    assert lines[4] == (
        "Change from 2026-Q3 (109 responses): CSI 64.5 → 69.3 (+4.7); NPS -9.3 → +6.4 "
        "(+15.6); CSAT 59.8% → 72.5% (+12.7 points)"
    )
    assert lines[5].startswith("-- Dimensions, lowest score first")
    assert lines[6].split()[:3] == ["Dimension", "Weight", "Score"]
    dimensions = [row.split()[0] for row in lines[8:14]]
    assert dimensions == [
        "price",
        "management",
        "service",
        "communication",
        "facilities",
        "emotional",
    ]
    assert lines[8].split() == ["price", "15.0%", "51.5", "+2.7", "4.18", "0.78", "-1.21"]
    assert lines[11].split()[-1] == "–", "communication asks no expectation"
    assert lines[14] == (
        "-- Quadrants: urgent improvement 5 · keep up 4 · secondary advantage 6 · "
        "not a priority 3 --"
    )
    assert lines[15] == (
        "x = stated importance, y = satisfaction (0–100); crosshair at the grand mean of the "
        "items on each axis: importance 76.70, satisfaction 69.31; on a line counts as high"
    )
    rows = lines[18:28]
    assert [row.split()[0] for row in rows] == [
        "p1",
        "p3",
        "m3",
        "f1",
        "s1",
        "s3",
        "f2",
        "s2",
        "f3",
        "c3",
    ]
    assert rows[0] == (
        "p1    The property fee is too high                   83.10         42.73  "
        "urgent improvement"
    )
    assert lines[28] == "… and 8 more"
    assert lines[29] == "-- By tier (wave 2026-Q4) --"
    assert [row.split()[:2] for row in lines[32:37]] == [
        ["Diamond", "6*"],
        ["Platinum", "15*"],
        ["Gold", "26*"],
        ["Regular", "64"],
        ["Total", "111"],
    ]
    assert lines[37] == "* n < 30: a small group, read with care"
    assert lines[38] == (
        "Tier review: 220 satisfaction records of 150 customers (each response's own CSI, "
        "dated the day answered); 63 below its low-satisfaction line 60"
    )


def test_survey_section_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The same section in Chinese; the tables align by display width."""
    _, out, _ = run(capsys, "demo")
    lines = section_lines(out, "满意度测评")
    assert lines[0].startswith(
        "业主满意度调查（2026 年） · owner-satisfaction-2026 · 2026-Q4 期："
    )
    assert lines[2].startswith("NPS +6.4（95% 置信区间 -8.0 至 +20.7；n = 110：推荐者 36")
    assert lines[3].startswith("CSAT 72.5%（总体满意度题前 2 档；95% Wilson 区间")
    assert lines[4].startswith("与上期 2026-Q3（109 份）相比：CSI 64.5 → 69.3（+4.7）")
    assert [row.split()[0] for row in lines[8:14]] == [
        "价格",
        "管理",
        "服务",
        "沟通",
        "设施",
        "情感",
    ]
    assert lines[14] == "-- 四分图：急需改进 5 · 继续保持 4 · 锦上添花 6 · 不宜优先 3 --"
    assert "分界线取各题在两轴上的总均值：重要性 76.70，满意度 69.31" in lines[15]
    header, rows = lines[16], lines[18:28]
    column = display_width(header[: header.index("重要性")])
    for row in rows:
        importance = row.split()[2]
        start = row.index(importance, len(row.split()[0]) + 2)
        assert display_width(row[:start]) + len(importance) == column + display_width("重要性")
    assert rows[0].split()[1:] == ["物业费收费标准偏高", "83.10", "42.73", "急需改进"]
    assert "…… 另有 8 项" in lines
    assert "-- 按客户等级（2026-Q4 期）--" in lines
    assert "标 * 的组 n < 30：样本量小，谨慎解读" in lines
    assert lines[-1].startswith("等级评审可读的满意度记录：220 条，150 位客户")


def test_json_survey_is_the_library_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """Every figure of the JSON section is what pmcrm.surveys computes for the latest wave."""
    survey = run_json(capsys, "--lang", "en", "--top", "100")["sections"]["survey"]
    instrument = sample_survey().instrument
    waves = survey_waves()
    q3, q4 = (score_survey(instrument, r) for r in waves.values())
    assert (survey["wave"], survey["responses"]) == ("2026-Q4", len(waves["2026-Q4"]))
    assert (survey["first_day"], survey["last_day"]) == ("2026-11-02", "2026-11-20")
    assert q4.csi is not None
    assert q4.nps is not None
    assert q4.csat is not None
    assert (survey["csi"], survey["weighting"]) == (half_up(q4.csi), "declared")
    low, high = q4.nps.interval()
    assert survey["nps"] == {
        "score": half_up(q4.nps.score),
        "low": half_up(Fraction(low)),
        "high": half_up(Fraction(high)),
        "n": q4.nps.n,
        "promoters": q4.nps.promoters,
        "passives": q4.nps.passives,
        "detractors": q4.nps.detractors,
    }
    wilson = q4.csat.interval()
    assert wilson is not None
    assert survey["csat"] == {
        "percent": half_up(Fraction(q4.csat.part * 100, q4.csat.whole)),
        "low_percent": half_up(Fraction(wilson[0]) * 100),
        "high_percent": half_up(Fraction(wilson[1]) * 100),
        "satisfied": q4.csat.part,
        "n": q4.csat.whole,
        "top_box": 2,
    }
    assert q3.csi is not None
    assert survey["previous"]["wave"] == "2026-Q3"
    assert survey["previous"]["csi"] == {
        "before": half_up(q3.csi),
        "now": half_up(q4.csi),
        "change": half_up(q4.csi - q3.csi),
    }
    by_code = {d.code: d for d in q4.dimensions}
    rows = survey["dimensions"]
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)
    for row in rows:
        d = by_code[row["dimension"]]
        assert d.score_100 is not None
        assert row["score"] == half_up(d.score_100)
        assert row["weight_percent"] == half_up(d.weight * 100)
        assert row["alpha"] == (None if d.alpha is None else half_up(d.alpha, 2))
        assert row["gap"] == (None if d.gap is None else half_up(d.gap, 2))
        assert row["complete"] == d.complete
    result = ipa(
        instrument,
        q4,
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    quadrants = survey["quadrants"]
    assert result.importance_line is not None
    assert quadrants["importance_line"] == half_up(result.importance_line, 2)
    assert quadrants["counts"] == {q.value: len(result.quadrant(q)) for q in Quadrant}
    assert (quadrants["unplaced"], quadrants["total"]) == (0, 18)
    placed = {i.code: i.quadrant for i in result.items}
    assert {r["item"]: r["quadrant"] for r in quadrants["rows"]} == {
        code: q.value for code, q in placed.items() if q is not None
    }
    tiers = by_segment(instrument, waves["2026-Q4"], "tier", min_n=30)
    got = {r["tier"]: (r["n"], r["small"]) for r in survey["tiers"]["rows"]}
    assert got == {g.key: (g.n, g.small) for g in tiers.groups}
    assert [r["tier"] for r in survey["tiers"]["rows"]] == [
        "diamond",
        "platinum",
        "gold",
        "regular",
    ]
    history = satisfaction_history(instrument, sample_survey().responses)
    records = [s for scores in history.values() for s in scores]
    assert survey["history"] == {
        "customers": len(history),
        "records": len(records),
        "below": "60",
        "records_below": sum(1 for s in records if s.score < 60),
    }


def test_survey_quadrant_table_honours_top(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top`` bounds the quadrant table, in text and JSON; the counts stay whole."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--top", "2")
    lines = section_lines(out, "Satisfaction survey")
    start = lines.index(
        "----  ----------------------------------------  ----------  "
        "------------  ------------------"
    )
    assert [line.split()[0] for line in lines[start + 1 : start + 3]] == ["p1", "p3"]
    assert lines[start + 3] == "… and 16 more"
    quadrants = run_json(capsys, "--top", "2")["sections"]["survey"]["quadrants"]
    assert [r["item"] for r in quadrants["rows"]] == ["p1", "p3"]
    assert sum(quadrants["counts"].values()) == quadrants["total"] == 18


def test_survey_section_in_the_first_wave_has_nothing_to_compare(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a day in Q3 the August wave is the latest, with no wave before it."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--as-of", "2026-09-30")
    lines = section_lines(out, "Satisfaction survey")
    assert lines[0].endswith("wave 2026-Q3: 109 responses, 2026-08-03 to 2026-08-21")
    assert lines[4] == "No earlier wave to compare with."
    assert {line.split()[3] for line in lines[8:14]} == {"–"}
    survey = run_json(capsys, "--as-of", "2026-09-30")["sections"]["survey"]
    assert survey["previous"] is None
    assert {r["change"] for r in survey["dimensions"]} == {None}


def test_survey_section_before_the_first_wave(capsys: pytest.CaptureFixture[str]) -> None:
    """Before anyone answered, the section says so."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--as-of", "2026-07-31")
    assert section_lines(out, "Satisfaction survey") == ["No survey responses by 2026-07-31."]
    survey = run_json(capsys, "--as-of", "2026-07-31")["sections"]["survey"]
    assert survey == {"title": "满意度测评", "wave": None, "message": "截至 2026-07-31 尚无答卷。"}


def sparse_survey() -> SampleSurvey:
    """A survey with no NPS item, items nobody answers, no importance anywhere.

    One response has no tier segment, one an unknown tier; one wave only.
    """
    instrument = Instrument(
        code="sparse",
        name=Label(zh="简易问卷", en="Sparse survey"),
        dimensions=(
            DimensionDef.standard(Dimension.SERVICE),
            DimensionDef.standard(Dimension.PRICE),
        ),
        items=(
            Item(code="s1", text=Label(zh="及时", en="On time"), dimension="service"),
            Item(code="p1", text=Label(zh="收费", en="Fees"), dimension="price"),
            Item(code="all", text=Label(zh="总体", en="Overall"), role=ItemRole.OVERALL),
        ),
    )

    def response(n: int, tier: str | None, score: int) -> Response:
        segments = () if tier is None else (Segment(key="tier", value=tier),)
        return Response(
            respondent_id=f"R{n}",
            customer_id=f"C{n:04d}",
            on=date(2026, 11, 2),
            segments=segments,
            answers=(Answer(item="s1", score=score),),
        )

    return SampleSurvey(
        instrument=instrument,
        responses=(response(1, "gold", 5), response(2, None, 2), response(3, "vip-x", 1)),
    )


def test_survey_section_with_a_sparse_survey() -> None:
    """Missing items, scores and importance show as dashes and "not placed", never as errors."""
    config = sample_config()
    policy = sample_tier_policy()
    policy = attrs.evolve(
        policy,
        review=attrs.evolve(
            policy.review, low_satisfaction_count=None, low_satisfaction_below=None
        ),
    )
    demo = Demo.build(
        sample_portfolio()[:5],
        config,
        as_of=config.as_of,
        tier_policy=policy,
        members=sample_members(),
        lang=Lang.EN,
        survey=sparse_survey(),
    )
    section = section_survey(demo)
    lines = list(section.lines)
    assert lines[1].startswith("CSI 41.7 / 100: ")
    assert lines[2] == "No earlier wave to compare with."
    assert lines[6].split() == ["service", "50.0%", "41.7", "–", "–", "–", "–"]
    assert lines[7].split() == ["price", "50.0%", "–", "–", "–", "–", "–"]
    assert lines[8] == (
        "-- Quadrants: urgent improvement 0 · keep up 0 · secondary advantage 0 · "
        "not a priority 0 · not placed 2 --"
    )
    assert "importance –, satisfaction –" in lines[9]
    assert lines[12].endswith("41.67  not placed: the item does not ask importance")
    assert lines[13].endswith("–  not placed: no satisfaction scores")
    assert [line.split() for line in lines[17:21]] == [
        ["Gold", "1*", "100.0", "–", "–"],
        ["vip-x", "1*", "0.0", "–", "–"],
        ["(none)", "1*", "25.0", "–", "–"],
        ["Total", "3", "41.7", "–", "–"],
    ]
    assert lines[-1] == (
        "Tier review: 3 satisfaction records of 3 customers (each response's own CSI, "
        "dated the day answered)"
    )
    data = section.data
    assert (data["nps"], data["csat"], data["previous"]) == (None, None, None)
    assert data["history"] == {"customers": 3, "records": 3, "below": None, "records_below": None}
    quadrants = cast(dict[str, Any], data["quadrants"])
    assert (quadrants["importance_line"], quadrants["unplaced"]) == (None, 2)
    assert [r["quadrant"] for r in quadrants["rows"]] == [None, None]


# --- charts ------------------------------------------------------------------------------


def test_charts_are_written_and_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``--charts DIR`` creates DIR and writes the four charts; the last section says where."""
    target = tmp_path / "out" / "charts"
    code, out, err = run(capsys, "demo", "--lang", "en", "--charts", str(target))
    assert (code, err) == (0, "")
    assert sorted(p.name for p in target.iterdir()) == sorted(CHART_FILES)
    for name in CHART_FILES:
        content = (target / name).read_bytes()
        assert content
        if name.endswith(".svg"):
            assert content.startswith(b"<?xml")
            assert b"<svg" in content[:500]
        else:
            assert content.startswith(b"\x89PNG\r\n\x1a\n")
    assert section_lines(out, "Charts") == [
        f"Written to {target}: ipa.svg, ipa.png, dimensions.svg, dimensions.png"
    ]
    svg = (target / "ipa.svg").read_text("utf-8")
    assert 'id="importance-line"' in svg
    assert "urgent improvement" in svg


def test_charts_are_the_same_from_run_to_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """No date and no random ids: two runs write the same bytes."""
    for name in ("a", "b"):
        assert run(capsys, "demo", "--lang", "en", "--charts", str(tmp_path / name))[0] == 0
    for file in CHART_FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_charts_in_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """With ``--json`` the document gains a ``charts`` section and stays one JSON document."""
    document = run_json(capsys, "--lang", "en", "--charts", str(tmp_path))
    assert list(document["sections"])[-2:] == ["survey", "charts"]
    assert document["sections"]["charts"] == {
        "title": "Charts",
        "directory": str(tmp_path),
        "lang": "en",
        "files": list(CHART_FILES),
    }


def test_chinese_charts_without_a_cjk_font_are_drawn_in_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a CJK font the zh report draws English charts and says so; nothing warns."""
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    code, out, err = run(capsys, "demo", "--charts", str(tmp_path))
    assert (code, err) == (0, "")
    lines = section_lines(out, "图表")
    assert lines[0].startswith("未找到 matplotlib 可用的中文字体，图表标签改用英文")
    assert lines[1] == f"已写入 {tmp_path}：ipa.svg、ipa.png、dimensions.svg、dimensions.png"
    assert "urgent improvement" in (tmp_path / "ipa.svg").read_text("utf-8")
    assert run_json(capsys, "--charts", str(tmp_path))["sections"]["charts"]["lang"] == "en"


def test_charts_before_the_first_wave_draw_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With no responses by the day, no chart is drawn and the directory is left alone."""
    target = tmp_path / "none"
    code, out, _ = run(
        capsys, "demo", "--lang", "en", "--as-of", "2026-07-31", "--charts", str(target)
    )
    assert code == 0
    assert section_lines(out, "Charts") == ["No survey responses by 2026-07-31: no chart drawn."]
    assert not target.exists()


def test_charts_without_matplotlib_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without matplotlib ``--charts`` prints how to install it and exits 2, printing no report."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = run(capsys, "demo", "--charts", str(tmp_path / "charts"))
    assert (code, out) == (2, "")
    assert err == (
        "pmcrm demo: --charts needs matplotlib, which is not installed: "
        'pip install "pmcrm[plot]"\n'
    )
    assert not (tmp_path / "charts").exists()
    assert run(capsys, "demo", "--lang", "en", "--top", "1")[0] == 0, "no matplotlib needed"


def test_charts_that_cannot_be_written_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A DIR that cannot be a directory is reported on stderr, with exit status 1."""
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    code, out, err = run(capsys, "demo", "--charts", str(blocker / "charts"))
    assert (code, out) == (1, "")
    assert err.startswith("pmcrm demo: --charts: cannot write the charts: ")
