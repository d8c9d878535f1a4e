"""The benefit catalogue, its serialisation, and entitlements from the tier history."""

import json
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.benefits import (
    BENEFITS,
    AccessKind,
    AccessRight,
    Benefit,
    Catalogue,
    ComplimentaryService,
    Discount,
    DiscountTarget,
    Entitlement,
    Grant,
    Greeting,
    ManualGrant,
    Occasion,
    QuotaBenefit,
    Source,
    Term,
    TermKind,
    TierBenefits,
    TierSpell,
    entitlement_history,
    entitlements,
)
from pmcrm.errors import InvalidValue, PmcrmError, ValidationError
from pmcrm.serialization import make_converter, structure, unstructure
from pmcrm.values import Label, Lang, Rate

CHANNEL = AccessRight(code="vip_channel", kind=AccessKind.VIP_CHANNEL)
HOTLINE = AccessRight(code="hotline", kind=AccessKind.EMERGENCY_LINE)
FEE_5 = Discount(code="fee", rate=Rate.percent(5), target=DiscountTarget.PROPERTY_FEE)
FEE_10 = Discount(code="fee", rate=Rate.percent(10), target=DiscountTarget.PROPERTY_FEE)
CLEANING = ComplimentaryService(
    code="cleaning",
    service=Label(zh="上门保洁", en="house cleaning"),
    units=1,
    term=Term(kind=TermKind.CALENDAR_YEAR),
)
PLANTS = ComplimentaryService(
    code="plants",
    service=Label(zh="绿植养护", en="plant care"),
    units=2,
    term=Term(kind=TermKind.ROLLING_MONTHS, months=3),
)
BIRTHDAY = Greeting(code="birthday", occasion=Occasion.BIRTHDAY, gift=Label(zh="蛋糕", en="cake"))

CATALOGUE = Catalogue(
    tiers=(
        TierBenefits(
            tier="platinum",
            grants=(
                Grant(benefit=CHANNEL),
                Grant(benefit=FEE_10),
                Grant(benefit=CLEANING),
                Grant(benefit=BIRTHDAY, starts_on=date(2026, 1, 1)),
            ),
        ),
        TierBenefits(
            tier="gold",
            grants=(
                Grant(benefit=CHANNEL),
                Grant(benefit=FEE_5),
                Grant(benefit=PLANTS, starts_on=date(2025, 6, 1), ends_on=date(2026, 6, 1)),
            ),
        ),
    ),
    grace_days=30,
)

HISTORY = (
    TierSpell(tier="gold", since=date(2025, 1, 1), until=date(2026, 1, 1)),
    TierSpell(tier="platinum", since=date(2026, 1, 1)),
)


def codes(held: tuple[Entitlement, ...]) -> list[tuple[str, str | None]]:
    """The code and tier of each entitlement."""
    return [(e.code, e.tier) for e in held]


# --- catalogue ------------------------------------------------------------------


def test_benefits_describe_themselves_in_both_languages() -> None:
    """Each kind says what it gives, in zh and en."""
    category = attrs.evolve(FEE_5, target=DiscountTarget.VALUE_ADDED, category="cleaning")
    plain = Greeting(code="moon", occasion=Occasion.MID_AUTUMN)
    assert [b.describe("en") for b in (HOTLINE, FEE_5, category, CLEANING, PLANTS)] == [
        "24-hour emergency line",
        "5% off the property fee",
        "5% off value-added services (cleaning)",
        "1 × house cleaning per calendar year",
        "2 × plant care per rolling 3 months",
    ]
    assert [b.describe(Lang.ZH) for b in (HOTLINE, FEE_5, category, CLEANING, PLANTS)] == [
        "24 小时紧急热线",
        "物业费优惠 5%",
        "增值服务（cleaning）优惠 5%",
        "每自然年免费上门保洁 1 次",
        "每滚动 3 个月免费绿植养护 2 次",
    ]
    assert [g.describe(lang) for g in (BIRTHDAY, plain) for lang in ("en", "zh")] == [
        "birthday greetings with a gift: cake",
        "生日问候及礼品：蛋糕",
        "Mid-Autumn Festival greetings",
        "中秋节问候",
    ]


def test_every_kind_follows_the_protocols() -> None:
    """The four kinds are benefits; only complimentary services carry a quota."""
    assert all(isinstance(b, Benefit) for b in (CHANNEL, FEE_5, CLEANING, BIRTHDAY))
    assert [isinstance(b, QuotaBenefit) for b in (CHANNEL, FEE_5, CLEANING, BIRTHDAY)] == [
        False,
        False,
        True,
        False,
    ]
    assert {"access", "discount", "complimentary", "greeting"} == set(BENEFITS)


def test_terms_need_months_only_when_rolling() -> None:
    """A rolling term needs its months; a year term refuses them."""
    with pytest.raises(InvalidValue, match="'months' is missing"):
        Term(kind=TermKind.ROLLING_MONTHS)
    with pytest.raises(InvalidValue, match="only rolling_months takes months"):
        Term(kind=TermKind.MEMBERSHIP_YEAR, months=12)
    with pytest.raises(InvalidValue, match="'months' must be <= 120"):
        Term(kind=TermKind.ROLLING_MONTHS, months=121)
    assert "membership year" == Term(kind=TermKind.MEMBERSHIP_YEAR).describe("en")


def test_grants_and_catalogues_are_checked_when_built() -> None:
    """Windows run forwards; tiers and codes within a tier are unique."""
    with pytest.raises(InvalidValue, match="'ends_on' must be after 'starts_on'"):
        Grant(benefit=CHANNEL, starts_on=date(2026, 2, 1), ends_on=date(2026, 1, 1))
    with pytest.raises(InvalidValue, match="'grants' has a duplicate entry: 'fee'"):
        TierBenefits(tier="gold", grants=(Grant(benefit=FEE_5), Grant(benefit=FEE_10)))
    with pytest.raises(InvalidValue, match="'tiers' has a duplicate entry: 'gold'"):
        Catalogue(tiers=(TierBenefits(tier="gold"), TierBenefits(tier="gold")))
    with pytest.raises(InvalidValue, match="'grace_days' must be <= 366"):
        Catalogue(grace_days=400)


def test_catalogue_lookup_by_tier() -> None:
    """A tier's grants in catalogue order; a tier not listed grants nothing."""
    assert [g.benefit.code for g in CATALOGUE.grants_for("gold")] == [
        "vip_channel",
        "fee",
        "plants",
    ]
    assert () == CATALOGUE.grants_for("regular")


# --- serialisation -----------------------------------------------------------------


CATALOGUE_DATA: dict[str, Any] = {
    "tiers": [
        {
            "tier": "gold",
            "grants": [
                {"benefit": {"type": "access", "code": "vip", "kind": "vip_channel"}},
                {
                    "benefit": {
                        "type": "discount",
                        "code": "va",
                        "rate": {"value": "0.1"},
                        "target": "value_added",
                        "category": "cleaning",
                    },
                    "starts_on": "2026-01-01",
                    "ends_on": "2027-01-01",
                },
                {
                    "benefit": {
                        "type": "complimentary",
                        "code": "plants",
                        "service": {"zh": "绿植养护", "en": "plant care"},
                        "units": 1,
                        "term": {"kind": "rolling_months", "months": 1},
                    }
                },
                {"benefit": {"type": "greeting", "code": "bd", "occasion": "birthday"}},
            ],
        }
    ],
    "grace_days": 14,
}


def test_catalogue_round_trips_through_json() -> None:
    """A catalogue loads from JSON-shaped data and dumps back to the same value."""
    catalogue = structure(CATALOGUE_DATA, Catalogue)
    dumped = unstructure(catalogue)
    assert structure(json.loads(json.dumps(dumped)), Catalogue) == catalogue
    assert [g["benefit"]["type"] for g in dumped["tiers"][0]["grants"]] == [
        "access",
        "discount",
        "complimentary",
        "greeting",
    ]
    assert structure(unstructure(CATALOGUE), Catalogue) == CATALOGUE


def test_malformed_catalogue_is_reported_with_paths() -> None:
    """Bad rates, terms, windows, unknown kinds and missing tags are all reported."""
    bad = json.loads(json.dumps(CATALOGUE_DATA))
    grants = bad["tiers"][0]["grants"]
    grants[1]["benefit"]["rate"]["value"] = "1.5"
    grants[1]["ends_on"] = "2025-01-01"
    grants[2]["benefit"]["term"] = {"kind": "calendar_year", "months": 3}
    grants[3]["benefit"]["type"] = "yacht"
    grants.append({"benefit": {"code": "x"}})
    bad["grace_days"] = -1
    with pytest.raises(ValidationError) as info:
        structure(bad, Catalogue)
    assert info.value.report.paths == (
        "$.tiers[0].grants[1].benefit.rate.value",
        "$.tiers[0].grants[2].benefit.term.months",
        "$.tiers[0].grants[3].benefit.type",
        "$.tiers[0].grants[4].benefit.type",
        "$.grace_days",
    )
    assert info.value.report.codes == ("le", "invalid", "choice", "missing", "ge")


def test_window_order_is_reported_with_its_path() -> None:
    """An end before the start is refused at the grant's ``ends_on``."""
    bad = json.loads(json.dumps(CATALOGUE_DATA))
    bad["tiers"][0]["grants"][1]["ends_on"] = "2025-01-01"
    with pytest.raises(ValidationError) as info:
        structure(bad, Catalogue)
    assert info.value.report.paths == ("$.tiers[0].grants[1].ends_on",)


@attrs.frozen(kw_only=True)
class ValetParking:
    """An integrator's own benefit kind: valet parking (代客泊车), a quota per month."""

    code: str
    units: int
    term: Term

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The benefit in words."""
        return "代客泊车" if Lang(lang) is Lang.ZH else "valet parking"


def test_integrators_register_their_own_benefit_kinds() -> None:
    """A custom kind loads, grants and dumps on the integrator's own converter only."""
    converter = make_converter()
    converter.register_variants(Benefit, {"valet": ValetParking})
    data = {
        "tiers": [
            {
                "tier": "gold",
                "grants": [
                    {
                        "benefit": {
                            "type": "valet",
                            "code": "valet",
                            "units": 4,
                            "term": {"kind": "rolling_months", "months": 1},
                        }
                    }
                ],
            }
        ]
    }
    catalogue = converter.load(data, Catalogue)
    held = entitlements("C-1", HISTORY[:1], catalogue, date(2025, 3, 1))
    assert ["valet parking — tier gold, 2025-01-01 to 2025-12-31"] == [
        e.describe("en") for e in held
    ]
    assert isinstance(held[0].benefit, QuotaBenefit)
    assert converter.dump(catalogue)["tiers"][0]["grants"][0]["benefit"] == {
        "type": "valet",
        "code": "valet",
        "units": 4,
        "term": {"kind": "rolling_months", "months": 1},
    }
    with pytest.raises(ValidationError):
        structure(data, Catalogue)
    with pytest.raises(PmcrmError):
        make_converter().dump(catalogue)


# --- entitlements -----------------------------------------------------------------


def test_entitlements_follow_the_current_tier() -> None:
    """In gold: gold's benefits; after the switch: platinum's, plus gold's in grace."""
    assert [("vip_channel", "gold"), ("fee", "gold"), ("plants", "gold")] == codes(
        entitlements("C-1", HISTORY, CATALOGUE, date(2025, 7, 1))
    )
    assert [
        ("vip_channel", "gold"),
        ("fee", "gold"),
        ("plants", "gold"),
        ("vip_channel", "platinum"),
        ("fee", "platinum"),
        ("cleaning", "platinum"),
        ("birthday", "platinum"),
    ] == codes(entitlements("C-1", HISTORY, CATALOGUE, date(2026, 1, 30)))
    assert [
        ("vip_channel", "platinum"),
        ("fee", "platinum"),
        ("cleaning", "platinum"),
        ("birthday", "platinum"),
    ] == codes(entitlements("C-1", HISTORY, CATALOGUE, date(2026, 1, 31)))


def test_grant_windows_clip_tier_entitlements() -> None:
    """A grant's own window bounds the entitlement; the grace never extends it."""
    plants = [e for e in entitlement_history("C-1", HISTORY, CATALOGUE) if e.code == "plants"]
    assert [(date(2025, 6, 1), date(2026, 1, 31), date(2025, 1, 1))] == [
        (e.start, e.end, e.anchor) for e in plants
    ]
    short = (TierSpell(tier="gold", since=date(2025, 1, 1), until=date(2025, 3, 1)),)
    assert "plants" not in [e.code for e in entitlement_history("C-1", short, CATALOGUE)]
    late = (TierSpell(tier="gold", since=date(2026, 7, 1)),)
    assert ["vip_channel", "fee"] == [e.code for e in entitlement_history("C-1", late, CATALOGUE)]
    # A grant that ends on the day the spell starts leaves an empty span: no entitlement.
    on_its_end = (TierSpell(tier="gold", since=date(2026, 6, 1)),)
    assert ["vip_channel", "fee"] == [
        e.code for e in entitlement_history("C-1", on_its_end, CATALOGUE)
    ]


def test_entitlements_belong_to_the_customer_asked_about() -> None:
    """Tier entitlements and grants alike carry the customer id they were computed for."""
    grants = (ManualGrant(customer_id="C-7", benefit=HOTLINE, starts_on=date(2026, 3, 1)),)
    held = entitlement_history("C-7", HISTORY, CATALOGUE, grants=grants)
    assert {"C-7"} == {e.customer_id for e in held}
    assert "hotline" == held[-1].code


def test_manual_grants_and_promotions() -> None:
    """A customer's grants are added with their source; others' grants are skipped."""
    grants = (
        ManualGrant(customer_id="C-1", benefit=HOTLINE, starts_on=date(2026, 3, 1)),
        ManualGrant(
            customer_id="C-1",
            benefit=BIRTHDAY,
            source=Source.PROMOTION,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 4, 1),
        ),
        ManualGrant(customer_id="C-2", benefit=CLEANING, starts_on=date(2026, 3, 1)),
    )
    held = entitlements("C-1", (), CATALOGUE, date(2026, 3, 31), grants=grants)
    assert [
        "24-hour emergency line — manual grant, 2026-03-01 to open-ended",
        "birthday greetings with a gift: cake — promotion, 2026-03-01 to 2026-03-31",
    ] == [e.describe("en") for e in held]
    assert "24 小时紧急热线（人工授予，2026-03-01 至 长期）" == held[0].describe("zh")
    assert [(Source.MANUAL, None, date(2026, 3, 1))] == [
        (e.source, e.tier, e.anchor) for e in held[:1]
    ]
    assert () == entitlements("C-2", (), CATALOGUE, date(2026, 2, 28), grants=grants)


def test_tier_descriptions_in_chinese() -> None:
    """A tier entitlement names its tier in zh too."""
    held = entitlements("C-1", HISTORY, CATALOGUE, date(2026, 2, 1))
    assert "VIP 专属通道，无需排队（会员等级 platinum，2026-01-01 至 长期）" == held[0].describe(
        "zh"
    )


def test_spells_and_grants_are_checked() -> None:
    """Spells run forwards and do not overlap; grants are manual or promotions."""
    with pytest.raises(InvalidValue, match="'until' must be after 'since'"):
        TierSpell(tier="gold", since=date(2026, 1, 1), until=date(2025, 1, 1))
    overlapping = (
        TierSpell(tier="gold", since=date(2025, 1, 1), until=date(2026, 1, 2)),
        TierSpell(tier="platinum", since=date(2026, 1, 1)),
    )
    with pytest.raises(InvalidValue) as info:
        entitlements("C-1", overlapping, CATALOGUE, date(2026, 1, 1))
    assert (info.value.field, info.value.subpath) == ("since", "[1].since")
    with pytest.raises(InvalidValue, match="'since' must be after"):
        entitlements("C-1", tuple(reversed(HISTORY)), CATALOGUE, date(2026, 1, 1))
    with pytest.raises(InvalidValue, match="'source' must be one of manual, promotion"):
        ManualGrant(
            customer_id="C-1", benefit=HOTLINE, source=Source.TIER, starts_on=date(2026, 1, 1)
        )
    with pytest.raises(InvalidValue, match="'ends_on' must be after 'starts_on'"):
        ManualGrant(
            customer_id="C-1",
            benefit=HOTLINE,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 1, 1),
        )


def test_spell_and_grant_refusals_echo_the_value_and_its_path() -> None:
    """A spell ending on its first day and a grant sourced from a tier are refused in full."""
    with pytest.raises(InvalidValue) as empty:
        TierSpell(tier="gold", since=date(2026, 1, 1), until=date(2026, 1, 1))
    assert ("'until' must be after 'since': '2026-01-01'", ".until") == (
        empty.value.message_en,
        empty.value.subpath,
    )
    with pytest.raises(InvalidValue) as tier:
        ManualGrant(
            customer_id="C-1", benefit=HOTLINE, source=Source.TIER, starts_on=date(2026, 1, 1)
        )
    assert "'source' must be one of manual, promotion: 'tier'" == tier.value.message_en


def test_overlapping_spells_are_reported_with_the_day_and_the_rule() -> None:
    """The refusal names the later spell's first day and the bound it broke."""
    overlapping = (
        TierSpell(tier="gold", since=date(2025, 1, 1), until=date(2026, 1, 2)),
        TierSpell(tier="platinum", since=date(2026, 1, 1)),
    )
    with pytest.raises(InvalidValue) as info:
        entitlement_history("C-1", overlapping, CATALOGUE)
    assert (
        "'since' must be after 'the previous spell's until': '2026-01-01'",
        "[1].since",
    ) == (info.value.message_en, info.value.subpath)


def test_history_and_grants_round_trip() -> None:
    """Tier spells and manual grants load and dump like the catalogue."""
    grant = ManualGrant(
        customer_id="C-1", benefit=PLANTS, source=Source.PROMOTION, starts_on=date(2026, 1, 1)
    )
    assert structure(unstructure(grant), ManualGrant) == grant
    assert structure(unstructure(HISTORY[0]), TierSpell) == HISTORY[0]


# --- properties ---------------------------------------------------------------------

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
TIERS = st.sampled_from(["gold", "platinum", "regular"])


@st.composite
def histories(draw: st.DrawFn) -> tuple[TierSpell, ...]:
    """Ordered, non-overlapping tier spells; the last one may be open."""
    cuts = sorted(set(draw(st.lists(DAYS, min_size=1, max_size=6))))
    open_end = draw(st.booleans())
    ends: list[date | None] = [*cuts[1:], None if open_end else cuts[-1] + timedelta(days=90)]
    return tuple(
        TierSpell(tier=draw(TIERS), since=since, until=until)
        for since, until in zip(cuts, ends, strict=True)
    )


@given(histories(), DAYS, st.integers(min_value=0, max_value=60))
def test_entitlements_are_a_function_of_the_tier_history(
    history: tuple[TierSpell, ...], as_of: date, grace: int
) -> None:
    """Every benefit held lies within its grant's window and its spell plus grace."""
    catalogue = attrs.evolve(CATALOGUE, grace_days=grace)
    held = entitlements("C-1", history, catalogue, as_of)
    assert held == entitlements("C-1", history, catalogue, as_of)
    for e in held:
        assert e.start <= as_of
        assert e.end is None or as_of < e.end
        spell = next(s for s in history if s.tier == e.tier and s.since == e.anchor)
        assert spell.since <= as_of
        assert spell.until is None or as_of < spell.until + timedelta(days=grace)
        grant = next(g for g in catalogue.grants_for(spell.tier) if g.benefit == e.benefit)
        assert grant.starts_on is None or grant.starts_on <= as_of
        assert grant.ends_on is None or as_of < grant.ends_on
    expected = [
        (s.tier, g.benefit)
        for s in history
        if s.since <= as_of and (s.until is None or as_of < s.until)
        for g in catalogue.grants_for(s.tier)
        if (g.starts_on is None or g.starts_on <= as_of)
        and (g.ends_on is None or as_of < g.ends_on)
    ]
    assert set(expected) <= {(e.tier, e.benefit) for e in held}
