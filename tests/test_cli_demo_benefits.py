"""Tests for the entitlements section of ``pmcrm demo``: a VIP's benefits and the care list."""

from collections import Counter
from decimal import Decimal

import pytest

from cli_demo_helpers import demo_of, run, run_json, section_lines
from pmcrm.benefits import TierSpell, balance, discount_rules, entitlements
from pmcrm.care import due_list
from pmcrm.cli.demo import CARE_SHOWN, section_entitlements
from pmcrm.pricing import price
from pmcrm.sample import (
    sample_benefits,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_tier_policy,
)


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
