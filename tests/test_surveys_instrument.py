"""Survey instruments: scales, dimensions, items, the rules checked on construction, recoding."""

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure
from pmcrm.surveys import (
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Scale,
    scale_bounds,
)
from pmcrm.surveys.instrument import recode
from pmcrm.values import Label
from survey_strategies import instruments

LABEL = {"zh": "题", "en": "question"}


def item(code: str, **fields: Any) -> dict[str, Any]:
    """JSON data of an item (a Likert-5 rating unless *fields* say otherwise)."""
    return {"code": code, "text": LABEL, **fields}


def instrument_data(*items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """JSON data of an instrument with the dimensions service and price."""
    return {
        "code": "q-2026",
        "name": LABEL,
        "dimensions": [
            {"code": "service", "label": LABEL},
            {"code": "price", "label": LABEL, "weight": "2"},
        ],
        "items": list(items)
        or [item("s1", dimension="service"), item("p1", dimension="price", reverse=True)],
        **fields,
    }


GOOD = (item("s1", dimension="service"), item("p1", dimension="price"))


def refusal(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (path, code) of every fault ``structure`` reports for *data*."""
    with pytest.raises(ValidationError) as caught:
        structure(data, Instrument)
    assert "Instrument" == caught.value.target
    return list(zip(caught.value.report.paths, caught.value.report.codes, strict=True))


@pytest.mark.parametrize(
    ("scale", "bounds"),
    [
        (Scale.LIKERT_5, (1, 5)),
        (Scale.LIKERT_7, (1, 7)),
        (Scale.ZERO_TO_TEN, (0, 10)),
        (Scale.YES_NO, (0, 1)),
    ],
)
def test_scale_bounds(scale: Scale, bounds: tuple[int, int]) -> None:
    """Each scale's lowest and highest answer, as a property and a function."""
    assert bounds == scale.bounds
    assert bounds == scale_bounds(scale)


def test_scales_and_dimensions_have_labels() -> None:
    """Scales, dimensions and roles carry zh/en labels; six standard dimensions."""
    assert "是/否（1/0）" == Scale.YES_NO.text("zh")
    assert ["service", "facilities", "management", "price", "communication", "emotional"] == [
        d.value for d in Dimension
    ]
    assert "情感" == Dimension.EMOTIONAL.text("zh")
    assert "likelihood to recommend (NPS)" == ItemRole.NPS.text("en")


def test_standard_dimension_definition() -> None:
    """A standard dimension takes its code and label from the enum, weight 1 by default."""
    definition = DimensionDef.standard(Dimension.FACILITIES)
    assert DimensionDef(code="facilities", label=Label(zh="设施", en="facilities")) == definition
    assert Decimal(1) == definition.weight
    assert Decimal("2.5") == DimensionDef.standard(Dimension.PRICE, weight=Decimal("2.5")).weight


def test_a_valid_instrument_loads_and_answers_questions() -> None:
    """Items are found by code, ratings listed by dimension in order, roles looked up."""
    data = instrument_data(
        item("nps", role="nps", scale="0-10"),
        item("s1", dimension="service"),
        item("p1", dimension="price", scale="likert7", reverse=True, importance=True),
        item("s2", dimension="service", scale="yes_no", expectation=True),
        item("all", role="overall", scale="0-10"),
        top_box=3,
    )
    instrument = structure(data, Instrument)
    assert Scale.LIKERT_7 == instrument.item("p1").scale
    assert ["s1", "p1", "s2"] == [i.code for i in instrument.ratings()]
    assert ["s1", "s2"] == [i.code for i in instrument.ratings("service")]
    assert [] == list(instrument.ratings("emotional"))
    nps_item = instrument.role(ItemRole.NPS)
    overall = instrument.role(ItemRole.OVERALL)
    assert ("nps", "all") == (getattr(nps_item, "code", None), getattr(overall, "code", None))
    assert 3 == instrument.top_box
    assert instrument.role(ItemRole.NPS) is instrument.items[0]


def test_roles_absent_and_unknown_items() -> None:
    """An instrument without overall or NPS item has no such role; unknown items raise."""
    instrument = structure(instrument_data(), Instrument)
    assert instrument.role(ItemRole.OVERALL) is None
    assert instrument.role(ItemRole.NPS) is None
    assert 2 == instrument.top_box
    with pytest.raises(InvalidValue, match="refers to an unknown item: 'x9'") as caught:
        instrument.item("x9")
    assert "reference" == caught.value.code


def test_custom_dimension_codes() -> None:
    """Integrators declare their own dimension codes."""
    data = instrument_data(item("g1", dimension="greening.lawns"))
    data["dimensions"] = [{"code": "greening.lawns", "label": {"zh": "绿化", "en": "greening"}}]
    instrument = structure(data, Instrument)
    assert "绿化" == instrument.dimensions[0].label.zh


@pytest.mark.parametrize(
    ("data", "faults"),
    [
        pytest.param(
            instrument_data(*GOOD, item("s3", dimension="facilities")),
            [("$.items[2].dimension", "reference")],
            id="undeclared dimension",
        ),
        pytest.param(
            instrument_data(*GOOD, item("s3")),
            [("$.items[2]", "reference")],  # the item, which the input has
            id="rating without dimension",
        ),
        pytest.param(
            instrument_data(*GOOD, item("all", role="overall", dimension="service")),
            [("$.items[2].dimension", "invalid")],
            id="overall item with a dimension",
        ),
        pytest.param(
            instrument_data(*GOOD, item("nps", role="nps", scale="0-10", dimension="price")),
            [("$.items[2].dimension", "invalid")],
            id="NPS item with a dimension",
        ),
        pytest.param(
            instrument_data(*GOOD, item("o1", role="overall"), item("o2", role="overall")),
            [("$.items[3].role", "duplicate")],
            id="two overall items",
        ),
        pytest.param(
            instrument_data(
                item("n1", role="nps", scale="0-10"), *GOOD, item("n2", role="nps", scale="0-10")
            ),
            [("$.items[3].role", "duplicate")],
            id="two NPS items",
        ),
        pytest.param(
            instrument_data(*GOOD, item("nps", role="nps", scale="likert5")),
            [("$.items[2].scale", "choice")],
            id="NPS item not on 0-10",
        ),
        pytest.param(
            instrument_data(item("s1", dimension="service")),
            [("$.dimensions[1]", "invalid")],
            id="dimension without rating item",
        ),
        pytest.param(
            instrument_data(*GOOD, item("s1", dimension="price")),
            [("$.items[2]", "duplicate")],
            id="duplicate item code",
        ),
        pytest.param(
            {
                **instrument_data(*GOOD),
                "dimensions": [
                    {"code": "service", "label": LABEL},
                    {"code": "price", "label": LABEL},
                    {"code": "service", "label": LABEL},
                ],
            },
            [("$.dimensions[2]", "duplicate")],
            id="duplicate dimension code",
        ),
        pytest.param(
            {**instrument_data(*GOOD), "dimensions": [], "items": []},
            [("$.dimensions", "min_items"), ("$.items", "min_items")],
            id="no dimensions, no items",
        ),
        pytest.param(
            {
                **instrument_data(*GOOD),
                "dimensions": [
                    {"code": "service", "label": LABEL, "weight": "0"},
                    {"code": "Price", "label": LABEL, "weight": 1.5},
                ],
            },
            [
                ("$.dimensions[0].weight", "gt"),
                ("$.dimensions[1].code", "format"),
                ("$.dimensions[1].weight", "float"),
            ],
            id="bad dimension fields",
        ),
        pytest.param(
            instrument_data(
                item("S 1", dimension="service", scale="likert9", role="main", reverse="yes"),
                GOOD[1],
            ),
            [
                ("$.items[0].code", "format"),
                ("$.items[0].role", "choice"),
                ("$.items[0].scale", "choice"),
                ("$.items[0].reverse", "type"),
            ],
            id="bad item fields",
        ),
        pytest.param(
            instrument_data(*GOOD, top_box=0),
            [("$.top_box", "gt")],
            id="top box 0",
        ),
        pytest.param(
            {**instrument_data(*GOOD), "version": 2},
            [("$.version", "extra_key")],
            id="unknown key",
        ),
    ],
)
def test_instrument_rules_are_reported_with_paths(
    data: dict[str, Any], faults: list[tuple[str, str]]
) -> None:
    """Every rule of an instrument is refused at load time, with the offending path."""
    assert faults == refusal(data)


@pytest.mark.parametrize("role", ["overall", "nps"])
@pytest.mark.parametrize("flag", ["reverse", "importance", "expectation"])
def test_only_rating_items_reverse_or_ask_more(role: str, flag: str) -> None:
    """The overall and NPS items may not be reverse-coded or ask importance/expectation."""
    data = instrument_data(*GOOD, item("x", role=role, scale="0-10", **{flag: True}))
    assert [(f"$.items[2].{flag}", "invalid")] == refusal(data)
    with pytest.raises(ValidationError, match="only rating items may be reverse-coded"):
        structure(data, Instrument)


def test_the_messages_say_what_is_wrong() -> None:
    """Refusals name the rule; raised directly, in zh and en."""
    data = instrument_data(item("s1", dimension="service"))
    with pytest.raises(ValidationError) as caught:
        structure(data, Instrument)
    (entry,) = caught.value.report
    assert "'dimensions[1]' is invalid: dimension 'price' has no rating item" == entry.message_en
    service = Item(code="s1", text=Label(zh="题", en="q"), dimension="service")
    with pytest.raises(InvalidValue) as raised:
        Instrument(
            code="q",
            name=Label(zh="问卷", en="survey"),
            dimensions=(
                DimensionDef.standard(Dimension.SERVICE),
                DimensionDef.standard(Dimension.PRICE),
            ),
            items=(service,),
        )
    assert "'dimensions' 无效：维度 'price' 没有评价项" == raised.value.message_zh
    assert ".dimensions[1]" == raised.value.subpath


def test_load_reports_carry_the_chinese_detail() -> None:
    """The zh message of a load report uses the rule's Chinese detail.

    (Regression: report entries formatted the zh template with the raw
    parameters, so ``detail_zh`` was never used.)
    """
    data = instrument_data(*GOOD, item("o", role="overall", dimension="service"))
    with pytest.raises(ValidationError) as caught:
        structure(data, Instrument)
    (entry,) = caught.value.report
    assert "'dimension' 无效：总体满意度题与推荐意愿题不属于任何维度" == entry.message_zh


@pytest.mark.parametrize(
    ("scales", "widest_top_box"),
    [
        (("likert5",), 4),
        (("likert7",), 6),
        (("0-10",), 10),
        (("likert7", "likert5", "0-10"), 4),
        (("yes_no", "likert7"), 6),
        (("yes_no",), 10),
    ],
)
def test_top_box_must_be_below_the_narrowest_graded_width(
    scales: tuple[str, ...], widest_top_box: int
) -> None:
    """The top box fits the narrowest graded scale (yes/no is not graded); one more is refused."""
    items = [item(f"s{i}", dimension="service", scale=s) for i, s in enumerate(scales)]
    data = instrument_data(*items, item("p1", dimension="price", scale=scales[0]))
    assert widest_top_box == structure({**data, "top_box": widest_top_box}, Instrument).top_box
    with pytest.raises(ValidationError) as caught:
        structure({**data, "top_box": widest_top_box + 1}, Instrument)
    assert ("le",) == caught.value.report.codes
    assert f"must be <= {widest_top_box}: {widest_top_box + 1}" in str(caught.value)


def test_the_nps_item_counts_as_a_graded_scale_for_the_top_box() -> None:
    """An NPS item on 0-10 next to yes/no ratings allows a top box up to 10."""
    data = instrument_data(
        item("s1", dimension="service", scale="yes_no"),
        item("p1", dimension="price", scale="yes_no"),
        item("nps", role="nps", scale="0-10"),
        top_box=10,
    )
    assert 10 == structure(data, Instrument).top_box


def test_a_too_wide_top_box_is_located() -> None:
    """A top box wider than the narrowest scale is reported at ``$.top_box``.

    (Regression: the fault was reported at ``$`` as "'$' must be <= 4: 5".)
    """
    assert [("$.top_box", "le")] == refusal(instrument_data(*GOOD, top_box=5))
    with pytest.raises(ValidationError) as caught:
        structure(instrument_data(*GOOD, top_box=5), Instrument)
    assert "$.top_box: [le] 'top_box' must be <= 4: 5" == caught.value.report.render()


def test_rules_also_hold_on_direct_construction() -> None:
    """Building an instrument in Python raises InvalidValue with the rule."""
    service = Item(code="s1", text=Label(zh="题", en="q"), dimension="service")
    with pytest.raises(InvalidValue, match="unknown dimension: 'service'") as caught:
        Instrument(
            code="q",
            name=Label(zh="问卷", en="survey"),
            dimensions=(DimensionDef.standard(Dimension.PRICE),),
            items=(service,),
        )
    assert ".items[0].dimension" == caught.value.subpath
    with pytest.raises(InvalidValue, match="'top_box' must be <= 4: 5"):
        Instrument(
            code="q",
            name=Label(zh="问卷", en="survey"),
            dimensions=(DimensionDef.standard(Dimension.SERVICE),),
            items=(service,),
            top_box=5,
        )


@pytest.mark.parametrize(
    ("scale", "answer", "expected"),
    [
        (Scale.LIKERT_5, 5, 1),
        (Scale.LIKERT_5, 3, 3),
        (Scale.LIKERT_5, 2, 4),
        (Scale.LIKERT_7, 1, 7),
        (Scale.ZERO_TO_TEN, 3, 7),
        (Scale.ZERO_TO_TEN, 0, 10),
        (Scale.YES_NO, 1, 0),
        (Scale.YES_NO, 0, 1),
    ],
)
def test_recode_mirrors_reverse_coded_items(scale: Scale, answer: int, expected: int) -> None:
    """``low + high - answer`` on a reverse-coded item; the answer itself otherwise."""
    text = Label(zh="题", en="q")
    reverse = Item(code="r", text=text, dimension="d", scale=scale, reverse=True)
    plain = Item(code="p", text=text, dimension="d", scale=scale)
    assert expected == reverse.recode(answer)
    assert expected == recode(reverse, answer)
    assert answer == plain.recode(answer)


@given(st.sampled_from(Scale), st.booleans(), st.data())
def test_recoding_twice_is_identity_and_stays_in_scale(
    scale: Scale, reverse: bool, data: st.DataObject
) -> None:
    """Recoding maps the scale onto itself, and recoding twice gives the answer back."""
    subject = Item(
        code="i", text=Label(zh="题", en="q"), dimension="d", scale=scale, reverse=reverse
    )
    low, high = scale.bounds
    answer = data.draw(st.integers(low, high))
    assert answer == subject.recode(subject.recode(answer))
    assert low <= subject.recode(answer) <= high
    assert sorted(range(low, high + 1)) == sorted(subject.recode(a) for a in range(low, high + 1))


@given(instruments())
def test_instruments_round_trip_through_json(instrument: Instrument) -> None:
    """Any valid instrument dumps to JSON and loads back equal."""
    data = json.loads(json.dumps(unstructure(instrument), ensure_ascii=False))
    assert instrument == structure(data, Instrument)


def test_instrument_json_shape() -> None:
    """Enums dump as their values, weights as strings, every field written."""
    instrument = structure(
        instrument_data(*GOOD, item("nps", role="nps", scale="0-10"), top_box=1), Instrument
    )
    data = unstructure(instrument)
    assert {
        "code": "nps",
        "text": LABEL,
        "role": "nps",
        "dimension": None,
        "scale": "0-10",
        "reverse": False,
        "importance": False,
        "expectation": False,
    } == data["items"][2]
    assert {"code": "price", "label": LABEL, "weight": "2"} == data["dimensions"][1]
    assert 1 == data["top_box"]


@given(instruments())
def test_generated_instruments_keep_every_rule(instrument: Instrument) -> None:
    """The strategy's instruments: each role at most once, ratings in declared dimensions."""
    declared = {d.code for d in instrument.dimensions}
    roles = [i.role for i in instrument.items if i.role is not ItemRole.RATING]
    assert len(roles) == len(set(roles))
    assert all(i.dimension in declared for i in instrument.ratings())
    assert declared == {i.dimension for i in instrument.ratings()}
