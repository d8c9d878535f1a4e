"""The benefit kernels: entitlements held on a day and bills priced, as ``pmcrm.benefits`` says."""

import json
import sys
from datetime import date, timedelta
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.batch import (
    ENTITLEMENT_INPUT,
    ENTITLEMENT_SCHEMA,
    OK,
    PRICE_INPUT,
    PRICE_SCHEMA,
    REJECTED,
    entitlement_frame,
    entitlement_records,
    from_flat,
    price_frame,
    price_records,
)
from pmcrm.benefits import (
    PROPERTY_FEE,
    Benefit,
    Catalogue,
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
    discount_rules,
    entitlements,
)
from pmcrm.errors import MissingDependency
from pmcrm.pricing import Bill, price
from pmcrm.sample import sample_benefits, sample_config, sample_members
from pmcrm.serialization import make_converter, unstructure
from pmcrm.values import Label, Lang
from test_batch import FakeFrame, fake_pandas

ON = sample_config().as_of
BENEFITS = sample_benefits()
CATALOGUE = BENEFITS.catalogue
PRICING = BENEFITS.pricing
LINES = [unstructure(line) for line in BENEFITS.bill_lines]


def spells_of(index: int) -> tuple[TierSpell, ...]:
    """Sample member *index*'s tier as one open spell (as the demo reads it)."""
    member = sample_members()[index]
    return (TierSpell(tier=member.tier, since=member.since),)


def holder(index: int) -> dict[str, Any]:
    """Sample member *index*'s entitlement input record."""
    return {
        "customer_id": sample_members()[index].customer_id,
        "tier_history": unstructure(spells_of(index)),
    }


GIFT = Greeting(code="tea", occasion=Occasion.NEW_YEAR, gift=Label(zh="茶叶", en="tea"))


def grant(customer_id: str, **changes: Any) -> ManualGrant:
    """A promotion for *customer_id* in November 2026."""
    values: dict[str, Any] = {
        "customer_id": customer_id,
        "benefit": GIFT,
        "starts_on": date(2026, 11, 1),
        "ends_on": date(2026, 12, 1),
        "source": Source.PROMOTION,
    }
    return ManualGrant(**(values | changes))


def paths(record: dict[str, Any]) -> list[str]:
    """The paths of a rejected record's errors."""
    return [e["path"] for e in json.loads(record["errors"])]


def expected_entitlement(row: int, e: Entitlement, on: date) -> dict[str, Any]:
    """The record the kernel must give for *e*, read off the API object."""
    quota = e.benefit if isinstance(e.benefit, QuotaBenefit) else None
    detail = unstructure(e.benefit, unstructure_as=Benefit)
    return {
        "row": row,
        "status": OK,
        "customer_id": e.customer_id,
        "on": on.isoformat(),
        "benefit": e.code,
        "kind": detail["type"],
        "description_zh": e.benefit.describe(Lang.ZH),
        "description_en": e.benefit.describe(Lang.EN),
        "source": e.source.value,
        "tier": e.tier,
        "start": e.start.isoformat(),
        "end": None if e.end is None else e.end.isoformat(),
        "anchor": e.anchor.isoformat(),
        "units": None if quota is None else quota.units,
        "term": None if quota is None else quota.term.kind.value,
        "term_months": None if quota is None else quota.term.months,
        "detail": json.dumps(detail, ensure_ascii=False),
        "errors": None,
    }


# --- entitlements ----------------------------------------------------------------------


def test_entitlement_records_equal_entitlements() -> None:
    """Every sample customer's records are exactly the entitlements they hold, in order."""
    count = len(sample_members())
    records = [holder(i) for i in range(count)]
    records[2]["grants"] = [unstructure(grant(records[2]["customer_id"]))]
    rows = list(entitlement_records(records, CATALOGUE, ON))
    expected = []
    for row, record in enumerate(records):
        customer_id = record["customer_id"]
        grants = [grant(customer_id)] if row == 2 else []
        held = entitlements(customer_id, spells_of(row), CATALOGUE, ON, grants=grants)
        expected += [expected_entitlement(row, e, ON) for e in held]
        if not held:
            expected.append(
                ENTITLEMENT_SCHEMA.empty(row)
                | {"status": OK, "customer_id": customer_id, "on": ON.isoformat()}
            )
    assert expected == rows
    assert {"access", "discount", "complimentary", "greeting"} <= {r["kind"] for r in rows}
    assert "promotion" in {r["source"] for r in rows if r["row"] == 2}


def test_a_customer_without_entitlements_still_shows() -> None:
    """Nothing held: one ok record with the customer, the day and no benefit."""
    [row] = entitlement_records(
        [{"customer_id": "C-1", "tier_history": [{"tier": "regular", "since": "2020-01-01"}]}],
        CATALOGUE,
        ON,
        first_row=4,
    )
    assert (
        ENTITLEMENT_SCHEMA.empty(4)
        | {
            "status": OK,
            "customer_id": "C-1",
            "on": ON.isoformat(),
        }
        == row
    )


def test_grace_period_and_quota_figures() -> None:
    """After a downgrade the old tier's benefits last the grace period; quotas show their term."""
    term = Term(kind=TermKind.ROLLING_MONTHS, months=3)
    plants: dict[str, Any] = {"type": "complimentary", "code": "plants"}
    plants |= {"service": {"zh": "绿植", "en": "plants"}}
    plants |= {"units": 2, "term": unstructure(term)}
    record = {
        "customer_id": "C-1",
        "tier_history": [
            {"tier": "gold", "since": "2024-01-01", "until": "2026-11-01"},
            {"tier": "regular", "since": "2026-11-01"},
        ],
        "grants": json.dumps(
            [{"customer_id": "C-1", "benefit": plants, "starts_on": "2026-01-01"}]
        ),
    }
    rows = list(entitlement_records([record], CATALOGUE, ON))
    gold_end = (date(2026, 11, 1) + timedelta(days=CATALOGUE.grace_days)).isoformat()
    assert {gold_end} == {r["end"] for r in rows if r["tier"] == "gold"}
    [manual] = [r for r in rows if r["source"] == "manual"]
    assert (2, "rolling_months", 3, "2026-01-01") == (
        manual["units"],
        manual["term"],
        manual["term_months"],
        manual["anchor"],
    )
    cleaning = next(r for r in rows if r["benefit"] == "gold_cleaning")
    assert (1, "calendar_year", None) == (
        cleaning["units"],
        cleaning["term"],
        cleaning["term_months"],
    )


def test_bad_holder_columns_are_rejected_with_their_paths() -> None:
    """Every fault of a row, located; the readable customer id kept; good rows still out."""
    other = unstructure(grant("C-2"))
    records: list[dict[str, Any]] = [
        {
            "customer_id": "C-1",
            "tier_history": [
                {"tier": "gold", "since": "2025-01-01", "until": "2026-01-01"},
                {"tier": "regular", "since": "2025-06-01"},
            ],
            "grants": [unstructure(grant("C-1")), other],
        },
        {"customer_id": " ", "tier_history": "[{oops", "grants": [{"customer_id": "C"}]},
        {"customer_id": "C" * 65, "tier_history": None},
        {"customer_id": 7, "tier_history": [], "grants": np.float32("nan")},
        holder(3),
    ]
    rows = list(entitlement_records(records, CATALOGUE, ON))
    assert [REJECTED] * 4 == [r["status"] for r in rows[:4]]
    assert {OK} == {r["status"] for r in rows[4:]}
    assert ["C-1", " ", "C" * 65, None] == [r["customer_id"] for r in rows[:4]]
    assert ["$.tier_history[1].since", "$.grants[1].customer_id"] == paths(rows[0])
    assert "another customer than 'C-1'" in json.loads(rows[0]["errors"])[1]["en"]
    assert [
        "$.customer_id",
        "$.tier_history",
        "$.grants[0].benefit",
        "$.grants[0].starts_on",
    ] == paths(rows[1])
    errors = json.loads(rows[2]["errors"])
    assert [("$.customer_id", "max_length"), ("$.tier_history", "missing")] == [
        (e["path"], e["code"]) for e in errors
    ]
    [typed] = json.loads(rows[3]["errors"])
    assert ("$.customer_id", "type") == (typed["path"], typed["code"])
    assert typed["en"].startswith("'customer_id' must be a string")


@attrs.frozen(kw_only=True)
class Valet:
    """An integrator's own quota benefit."""

    code: str
    units: int
    term: Term

    def describe(self, lang: Lang | str = Lang.EN) -> str:
        """The benefit in words."""
        return "代客泊车" if Lang(lang) is Lang.ZH else "valet parking"


VALET = Valet(code="valet", units=4, term=Term(kind=TermKind.CALENDAR_YEAR))
VALET_CATALOGUE = Catalogue(tiers=(TierBenefits(tier="gold", grants=(Grant(benefit=VALET),)),))


def test_an_unregistered_benefit_kind_rejects_at_compute_time() -> None:
    """A benefit the converter cannot write rejects its row; with the kind registered, it works."""
    record = {"customer_id": "C-1", "tier_history": [{"tier": "gold", "since": "2026-01-01"}]}
    [refused] = entitlement_records([record], VALET_CATALOGUE, ON)
    assert (REJECTED, "C-1", ["$"]) == (refused["status"], refused["customer_id"], paths(refused))
    assert "not a registered variant" in json.loads(refused["errors"])[0]["en"]
    converter = make_converter()
    converter.register_variants(Benefit, {"valet": Valet})
    [row] = entitlement_records([record], VALET_CATALOGUE, ON, converter=converter)
    assert ("valet", "valet", 4, "calendar_year") == (
        row["benefit"],
        row["kind"],
        row["units"],
        row["term"],
    )


def test_entitlement_input_is_a_flat_shape() -> None:
    """The input columns double as the shape that reads a flat CSV row."""
    flat = {"customer_id": "C-1", "tier_history.0.tier": "gold"}
    flat |= {"tier_history.0.since": "2026-01-01", "grants.0.benefit.units": "3"}
    assert {
        "customer_id": "C-1",
        "tier_history": [{"tier": "gold", "since": "2026-01-01"}],
        "grants": [{"benefit": {"units": "3"}}],
    } == from_flat(flat, ENTITLEMENT_INPUT)


def test_entitlement_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame variant reads the input columns present and gives the same records."""
    monkeypatch.setitem(sys.modules, "pandas", fake_pandas())
    records = [holder(i) for i in range(5)]
    frame = FakeFrame(
        {
            "customer_id": [r["customer_id"] for r in records],
            "tier_history": [json.dumps(r["tier_history"]) for r in records],
            "extra": list(range(5)),
        }
    )
    result = entitlement_frame(frame, CATALOGUE, ON, first_row=3)
    assert list(ENTITLEMENT_SCHEMA.names) == result.columns
    assert list(entitlement_records(records, CATALOGUE, ON, first_row=3)) == result.rows()


# --- pricing --------------------------------------------------------------------------------


def bill_record(index: int, **changes: Any) -> dict[str, Any]:
    """Sample member *index*'s bill record: the sample bill on the sample day."""
    return {
        "bill_id": f"B-{index}",
        "on": ON.isoformat(),
        "lines": LINES,
        **holder(index),
        **changes,
    }


def expected_price(row: int, record: dict[str, Any], bill: Bill, on: date) -> dict[str, Any]:
    """What the kernel must give, computed with the library as the demo does."""
    held = entitlements(record["customer_id"], spells_of(row), CATALOGUE, on)
    value_added = [line.category for line in bill.lines if line.category != PROPERTY_FEE]
    rules = discount_rules(held, on, value_added=dict.fromkeys(value_added))
    priced = price(bill, rules, PRICING)
    return {
        "row": row,
        "status": OK,
        "bill_id": record["bill_id"],
        "customer_id": record["customer_id"],
        "on": on.isoformat(),
        "currency": bill.currency,
        "original": str(priced.original.amount),
        "discount": str(priced.discount.amount),
        "net": str(priced.net.amount),
        "lines": json.dumps(
            [
                {
                    "category": item.line.category,
                    "description": item.line.description,
                    "amount": str(item.original.amount),
                    "rate": str(item.rate.value),
                    "discount": str(item.discount.amount),
                    "net": str(item.net.amount),
                    "sources": [{"zh": r.source.zh, "en": r.source.en} for r in item.rules],
                }
                for item in priced.lines
            ],
            ensure_ascii=False,
        ),
        "explanation_zh": priced.explain("zh"),
        "explanation_en": priced.explain("en"),
        "errors": None,
    }


def test_price_records_equal_the_library() -> None:
    """Each bill is priced with the discounts held that day, exactly as the library prices it."""
    count = len(sample_members())
    records = [bill_record(i) for i in range(count)]
    rows = list(price_records(records, CATALOGUE, PRICING))
    assert [expected_price(i, records[i], BENEFITS.bill, ON) for i in range(count)] == rows
    assert len({r["net"] for r in rows}) == 4  # regular, gold, platinum, diamond


def test_the_on_argument_overrides_the_column() -> None:
    """With *on* given, the ``on`` column is not read (here it is absent or broken)."""
    day = date(2026, 1, 5)
    records = [bill_record(i, on="not a date") for i in range(8)]
    del records[0]["on"]
    rows = list(price_records(records, CATALOGUE, PRICING, on=day))
    assert [expected_price(i, records[i], BENEFITS.bill, day) for i in range(8)] == rows


def test_currency_column() -> None:
    """Lines in another currency need the ``currency`` column; a mix is located."""
    hkd = [{**line, "amount": {"amount": "100.00", "currency": "HKD"}} for line in LINES]
    rows = list(
        price_records(
            [
                bill_record(2, lines=hkd, currency="HKD"),
                bill_record(2, lines=hkd),
                bill_record(2, lines=hkd, currency="hkd"),
                bill_record(2, currency=None),
            ],
            CATALOGUE,
            PRICING,
        )
    )
    assert [OK, REJECTED, REJECTED, OK] == [r["status"] for r in rows]
    assert "HKD" == rows[0]["currency"]
    assert ["$.lines[0].amount.currency"] == paths(rows[1])
    assert ["$.currency"] == paths(rows[2])
    assert "CNY" == rows[3]["currency"]


def test_value_added_categories() -> None:
    """By default every line but the property fee is value-added; an argument says otherwise."""
    gold = 2  # C0003, gold: 3 % off the fee, 5 % off value-added services
    assert "gold" == sample_members()[gold].tier
    [default] = price_records([bill_record(gold)], CATALOGUE, PRICING)
    assert ["0.03", "0.05", "0.05"] == [x["rate"] for x in json.loads(default["lines"])]
    [narrow] = price_records([bill_record(gold)], CATALOGUE, PRICING, value_added=["car_wash"])
    assert ["0.03", "0", "0.05"] == [x["rate"] for x in json.loads(narrow["lines"])]
    fee_only = bill_record(gold, lines=LINES[:1])
    [alone] = price_records([fee_only], CATALOGUE, PRICING)
    assert (OK, ["0.03"]) == (alone["status"], [x["rate"] for x in json.loads(alone["lines"])])
    [refused] = price_records([fee_only], CATALOGUE, PRICING, value_added=())
    assert (REJECTED, ["$"]) == (refused["status"], paths(refused))
    assert "name their categories" in json.loads(refused["errors"])[0]["en"]


def test_property_fee_category() -> None:
    """A company whose fee category has another name says so."""
    lines = [{**LINES[0], "category": "wuyefei"}]
    [row] = price_records(
        [bill_record(2, lines=lines)], CATALOGUE, PRICING, property_fee="wuyefei"
    )
    assert ["0.03"] == [x["rate"] for x in json.loads(row["lines"])]


def test_compute_time_faults_are_located_or_rejected() -> None:
    """An amount off the policy's unit is located; an impossible total rejects the row."""
    cents = [{**LINES[0], "amount": {"amount": "1.001"}}]
    huge = [{**LINES[0], "amount": {"amount": "900000000000000.00"}}] * 2
    rows = list(
        price_records(
            [bill_record(2, lines=cents), bill_record(2, lines=huge), bill_record(3)],
            CATALOGUE,
            PRICING,
        )
    )
    assert [REJECTED, REJECTED, OK] == [r["status"] for r in rows]
    assert ["$.lines[0].amount.amount"] == paths(rows[0])
    assert ("B-2", "C0003") == (rows[0]["bill_id"], rows[0]["customer_id"])
    assert ["$"] == paths(rows[1])
    assert "10**15" in json.loads(rows[1]["errors"])[0]["en"]


def test_bad_bill_columns_are_rejected_in_column_order() -> None:
    """Every fault of a bill row, located, in the order of the input columns."""
    record = {
        "grants": [{"customer_id": "C0003"}],
        "lines": [{"category": "x", "description": "", "amount": {"amount": "-1"}}],
        "tier_history": [],
        "on": "2026-02-30",
        "customer_id": "C0003",
        "bill_id": "",
    }
    [row] = price_records([record], CATALOGUE, PRICING)
    assert [
        "$.bill_id",
        "$.on",
        "$.lines[0].description",
        "$.lines[0].amount",
        "$.grants[0].benefit",
        "$.grants[0].starts_on",
    ] == paths(row)
    assert ("", "C0003") == (row["bill_id"], row["customer_id"])
    [empty] = price_records([{}], CATALOGUE, PRICING)
    assert ["$.bill_id", "$.customer_id", "$.on", "$.lines", "$.tier_history"] == paths(empty)


def test_price_input_columns() -> None:
    """The documented input columns, in the order faults are reported."""
    assert ["bill_id", "customer_id", "on", "currency", "lines", "tier_history", "grants"] == (
        list(PRICE_INPUT)
    )


def test_price_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame variant reads the input columns present and gives the same records."""
    monkeypatch.setitem(sys.modules, "pandas", fake_pandas())
    records = [bill_record(i) for i in range(4)]
    columns = ["bill_id", "customer_id", "on", "lines", "tier_history"]
    frame = FakeFrame({c: [r[c] for r in records] for c in columns})
    result = price_frame(frame, CATALOGUE, PRICING, first_row=1)
    assert list(PRICE_SCHEMA.names) == result.columns
    assert list(price_records(records, CATALOGUE, PRICING, first_row=1)) == result.rows()


def test_frames_need_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas, both frame variants say what to install."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    frame = FakeFrame({"customer_id": []})
    with pytest.raises(MissingDependency):
        entitlement_frame(frame, CATALOGUE, ON)
    with pytest.raises(MissingDependency):
        price_frame(frame, CATALOGUE, PRICING)


# --- properties ---------------------------------------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.text(max_size=4),
    st.integers(),
    st.booleans(),
    st.just("[{oops"),
    st.just([]),
    st.just(float("nan")),
    st.lists(st.dictionaries(st.sampled_from(["tier", "since"]), st.text(max_size=3)), max_size=2),
)


def junk_records(columns: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Records with some of *columns* (and an unknown one) holding junk."""
    return st.dictionaries(st.sampled_from([*columns, "other"]), JUNK, max_size=len(columns) + 1)


@given(
    st.lists(
        st.one_of(st.builds(holder, st.integers(0, 30)), junk_records(list(ENTITLEMENT_INPUT))),
        max_size=6,
    )
)
def test_entitlement_records_keep_every_row(records: list[dict[str, Any]]) -> None:
    """Every input row comes out, in order, as ok or rejected; every record has the schema."""
    rows = list(entitlement_records(records, CATALOGUE, ON))
    assert list(range(len(records))) == sorted({r["row"] for r in rows})
    assert [r["row"] for r in rows] == sorted(r["row"] for r in rows)
    assert all(tuple(r) == ENTITLEMENT_SCHEMA.names for r in rows)
    for r in rows:
        assert (r["status"] == OK) == (r["errors"] is None)
        assert r["status"] == OK or len({x["row"] for x in rows if x["row"] == r["row"]}) == 1


@given(
    st.lists(
        st.one_of(st.builds(bill_record, st.integers(0, 30)), junk_records(list(PRICE_INPUT))),
        max_size=5,
    )
)
def test_price_records_keep_every_row(records: list[dict[str, Any]]) -> None:
    """One record per input row, in order, ok or rejected, each with the schema's columns."""
    rows = list(price_records(records, CATALOGUE, PRICING))
    assert list(range(len(records))) == [r["row"] for r in rows]
    assert all(tuple(r) == PRICE_SCHEMA.names for r in rows)
    assert all((r["status"] == OK) == (r["errors"] is None) for r in rows)
