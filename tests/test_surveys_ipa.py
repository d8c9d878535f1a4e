"""Importance–satisfaction analysis: coordinates, crosshairs, quadrants and explanations.

The survey strategies here are shared with the breakdown and history tests.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.sample import sample_survey
from pmcrm.surveys import (
    Answer,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Response,
    Scale,
    Segment,
    Weighting,
    score_survey,
)
from pmcrm.surveys.ipa import (
    Crosshair,
    CrosshairKind,
    ImportanceSource,
    IpaResult,
    PairSums,
    Quadrant,
    Unplaced,
    crosshair_value,
    ipa,
    ipa_from_responses,
    pair_sums,
    pearson,
    quadrant_of,
    score_and_place,
)
from pmcrm.values import Label

# --- shared strategies and builders ----------------------------------------------------

GRADED = (Scale.LIKERT_5, Scale.LIKERT_7, Scale.ZERO_TO_TEN)
DAY = date(2026, 11, 2)


@st.composite
def instruments(draw: st.DrawFn, *, overall: bool | None = None) -> Instrument:
    """An instrument with 1–3 dimensions, up to 6 rating items, maybe overall and NPS items."""
    k = draw(st.integers(1, 3))
    dimensions = tuple(
        DimensionDef(
            code=f"d{i}",
            label=Label(zh=f"维度{i}", en=f"dimension {i}"),
            weight=Decimal(draw(st.integers(1, 5))),
        )
        for i in range(k)
    )
    items = [
        Item(
            code=f"i{i}",
            text=Label(zh=f"题目{i}", en=f"item {i}"),
            dimension=f"d{i}" if i < k else f"d{draw(st.integers(0, k - 1))}",
            scale=draw(st.sampled_from((*GRADED, Scale.YES_NO))),
            reverse=draw(st.booleans()),
            importance=draw(st.booleans()),
        )
        for i in range(draw(st.integers(k, 6)))
    ]
    if draw(st.booleans()) if overall is None else overall:
        items.append(
            Item(
                code="overall",
                text=Label(zh="总体", en="overall"),
                role=ItemRole.OVERALL,
                scale=draw(st.sampled_from(GRADED)),
            )
        )
    if draw(st.booleans()):
        items.append(
            Item(
                code="nps",
                text=Label(zh="推荐", en="recommend"),
                role=ItemRole.NPS,
                scale=Scale.ZERO_TO_TEN,
            )
        )
    return Instrument(
        code="q", name=Label(zh="问卷", en="survey"), dimensions=dimensions, items=tuple(items)
    )


@st.composite
def answers_to(draw: st.DrawFn, item: Item) -> Answer | None:
    """An answer to *item* (or ``None``: skipped), in scale, importance when asked."""
    low, high = item.scale.bounds
    kind = draw(st.sampled_from(("skip", "score", "score", "score", "na")))
    if kind == "skip":
        return None
    importance = draw(st.none() | st.integers(low, high)) if item.importance else None
    if kind == "na" and item.role is not ItemRole.NPS:
        return Answer(item=item.code, na=True, importance=importance)
    return Answer(item=item.code, score=draw(st.integers(low, high)), importance=importance)


@st.composite
def responses_to(draw: st.DrawFn, instrument: Instrument, max_size: int = 25) -> list[Response]:
    """Valid responses to *instrument*, with tiers, customers and dates."""
    out = []
    for index in range(draw(st.integers(0, max_size))):
        answers = tuple(
            a for a in (draw(answers_to(item)) for item in instrument.items) if a is not None
        )
        tier = draw(st.sampled_from((None, "gold", "silver", "(none)")))
        out.append(
            Response(
                respondent_id=f"R{index}",
                customer_id=draw(st.sampled_from((None, "C-1", "C-2", "C-3"))),
                on=draw(st.dates(date(2025, 1, 1), date(2026, 12, 31))),
                segments=() if tier is None else (Segment(key="tier", value=tier),),
                answers=answers,
            )
        )
    return out


@st.composite
def surveys(
    draw: st.DrawFn, *, overall: bool | None = None, max_size: int = 25
) -> tuple[Instrument, list[Response]]:
    """An instrument and valid responses to it."""
    instrument = draw(instruments(overall=overall))
    return instrument, draw(responses_to(instrument, max_size))


def crosshairs(low: int, high: int) -> st.SearchStrategy[Crosshair]:
    """A mean, median or given crosshair on ``[low, high]``."""
    values = st.fractions(low, high, max_denominator=8).map(
        lambda f: Decimal(f.numerator) / Decimal(f.denominator)
    )
    return st.one_of(
        st.just(Crosshair.mean()),
        st.just(Crosshair.median()),
        values.map(lambda v: Crosshair.given(v.quantize(Decimal("0.001")))),
    )


def rating(code: str, **changes: Any) -> Item:
    """A Likert-5 rating item in the service dimension."""
    fields: dict[str, Any] = {
        "code": code,
        "text": Label(zh=f"题{code}", en=f"item {code}"),
        "dimension": "service",
    }
    return Item(**(fields | changes))


OVERALL = Item(code="overall", text=Label(zh="总体", en="Overall"), role=ItemRole.OVERALL)
SERVICE = DimensionDef(code="service", label=Label(zh="服务", en="service"))


def instrument_of(*items: Item) -> Instrument:
    """An instrument of *items* in one service dimension."""
    return Instrument(
        code="q", name=Label(zh="问卷", en="survey"), dimensions=(SERVICE,), items=items
    )


def respond(index: int, *answers: Answer, **fields: Any) -> Response:
    """Response *index* with *answers*."""
    values: dict[str, Any] = {"respondent_id": f"R{index}", "on": DAY, "answers": answers}
    return Response(**(values | fields))


def scored(item: str, score: int, importance: int | None = None) -> Answer:
    """A scored answer."""
    return Answer(item=item, score=score, importance=importance)


# The worked example: repairs matter and disappoint; the lobby pleases but matters less.
TWO = instrument_of(
    rating("repair", text=Label(zh="维修", en="Repairs"), importance=True),
    rating("lobby", text=Label(zh="大堂", en="Lobby"), importance=True),
    OVERALL,
)
TWO_RESPONSES = [
    respond(i, scored("repair", r, ri), scored("lobby", lo, li), Answer(item="overall", score=o))
    for i, (r, ri, lo, li, o) in enumerate(
        ((2, 5, 5, 2, 2), (3, 5, 4, 3, 3), (4, 4, 5, 2, 4)), start=1
    )
]
TARGET = Crosshair.given(Decimal(80), source=Label(zh="公司目标", en="company target"))


def stated(
    instrument: Instrument = TWO,
    responses: list[Response] = TWO_RESPONSES,
    importance_line: Crosshair | None = None,
    satisfaction_line: Crosshair = TARGET,
) -> IpaResult:
    """The stated-importance analysis, mean importance line by default."""
    return ipa_from_responses(
        instrument,
        responses,
        importance=ImportanceSource.STATED,
        importance_line=importance_line or Crosshair.mean(),
        satisfaction_line=satisfaction_line,
    )


# --- properties -------------------------------------------------------------------------


@given(
    survey=surveys(),
    source=st.sampled_from(ImportanceSource),
    data=st.data(),
)
def test_every_quadrant_agrees_with_the_crosshair(
    survey: tuple[Instrument, list[Response]], source: ImportanceSource, data: st.DataObject
) -> None:
    """Each placed item is high on an axis exactly when it is at or above that line."""
    instrument, responses = survey
    if source is ImportanceSource.DERIVED and instrument.role(ItemRole.OVERALL) is None:
        instrument = Instrument(
            code="q",
            name=instrument.name,
            dimensions=instrument.dimensions,
            items=(*instrument.items, OVERALL),
        )
    low = -1 if source is ImportanceSource.DERIVED else 0
    result = ipa_from_responses(
        instrument,
        responses,
        importance=source,
        importance_line=data.draw(crosshairs(low, 1 if low else 100)),
        satisfaction_line=data.draw(crosshairs(0, 100)),
    )
    assert [i.code for i in instrument.ratings()] == [i.code for i in result.items]
    for item in result.items:
        if item.quadrant is None:
            assert item.unplaced is not None
            assert item.reason.code == f"ipa.unplaced.{item.unplaced.value}"
            continue
        assert item.importance is not None
        assert item.satisfaction is not None
        assert result.importance_line is not None
        assert result.satisfaction_line is not None
        assert item.unplaced is None
        assert (item.importance >= result.importance_line) == item.quadrant.high_importance
        assert (item.satisfaction >= result.satisfaction_line) == item.quadrant.high_satisfaction
        assert item.reason.figure("quadrant_en") == item.quadrant.label.en
    assert len(result.placed) + len(result.unplaced) == len(result.items)
    assert sum(len(result.quadrant(q)) for q in Quadrant) == len(result.placed)


@given(
    survey=surveys(overall=True),
    source=st.sampled_from(ImportanceSource),
    order=st.randoms(use_true_random=False),
)
def test_quadrants_do_not_depend_on_the_order_of_respondents(
    survey: tuple[Instrument, list[Response]], source: ImportanceSource, order: Any
) -> None:
    """Shuffling the responses gives the same result, figures and all."""
    instrument, responses = survey
    shuffled = list(responses)
    order.shuffle(shuffled)

    def run(these: list[Response]) -> IpaResult:
        return ipa_from_responses(
            instrument,
            these,
            importance=source,
            importance_line=Crosshair.median(),
            satisfaction_line=Crosshair.mean(),
        )

    assert run(responses) == run(shuffled)


@given(survey=surveys(overall=True, max_size=40))
def test_derived_importance_matches_numpy(survey: tuple[Instrument, list[Response]]) -> None:
    """Pearson's r from the exact sums equals numpy's corrcoef within 1e-12."""
    instrument, responses = survey
    sums = {s.item: s for s in pair_sums(instrument, responses)}
    for item in instrument.ratings():
        pairs = []
        for response in responses:
            x, y = response.answer(item.code), response.answer("overall")
            if x is not None and y is not None and x.score is not None and y.score is not None:
                pairs.append((item.recode(x.score), y.score))
        r = sums[item.code].pearson()
        assert len(pairs) == sums[item.code].n
        xs = np.array([p[0] for p in pairs], dtype=float)
        ys = np.array([p[1] for p in pairs], dtype=float)
        if len(pairs) < 2 or xs.std() == 0 or ys.std() == 0:
            assert r is None
            continue
        assert r is not None
        assert abs(float(r) - np.corrcoef(xs, ys)[0, 1]) <= 1e-12


@given(survey=surveys(overall=True))
def test_one_pass_equals_two_passes(survey: tuple[Instrument, list[Response]]) -> None:
    """``ipa_from_responses`` gathers the same pair sums as ``pair_sums`` on its own."""
    instrument, responses = survey
    lines: dict[str, Crosshair] = {
        "importance_line": Crosshair.mean(),
        "satisfaction_line": Crosshair.median(),
    }
    derived = ImportanceSource.DERIVED
    expected = ipa(
        instrument,
        score_survey(instrument, responses),
        importance=derived,
        pairs=pair_sums(instrument, responses),
        **lines,
    )
    assert expected == ipa_from_responses(instrument, iter(responses), importance=derived, **lines)


def test_score_and_place_returns_the_scores_too() -> None:
    """``score_and_place`` gives ``score_survey``'s scores (with its weighting) and the IPA."""
    survey = sample_survey()
    instrument, responses = survey.instrument, survey.responses
    lines: dict[str, Crosshair] = {
        "importance_line": Crosshair.mean(),
        "satisfaction_line": Crosshair.mean(),
    }
    for source in ImportanceSource:
        scores, result = score_and_place(
            instrument,
            iter(responses),
            importance=source,
            weighting=Weighting.IMPORTANCE,
            **lines,
        )
        assert score_survey(instrument, responses, weighting=Weighting.IMPORTANCE) == scores
        assert ipa_from_responses(instrument, responses, importance=source, **lines) == result


@given(
    importance=st.fractions(0, 100),
    satisfaction=st.fractions(0, 100),
    lines=st.tuples(st.fractions(0, 100), st.fractions(0, 100)),
)
def test_quadrant_of_is_the_crosshair_rule(
    importance: Fraction, satisfaction: Fraction, lines: tuple[Fraction, Fraction]
) -> None:
    """``quadrant_of`` is high exactly at or above each line."""
    quadrant = quadrant_of(
        importance, satisfaction, importance_line=lines[0], satisfaction_line=lines[1]
    )
    assert (quadrant.high_importance, quadrant.high_satisfaction) == (
        importance >= lines[0],
        satisfaction >= lines[1],
    )


@given(values=st.lists(st.fractions(-100, 100), min_size=1, max_size=9))
def test_mean_and_median_crosshairs(values: list[Fraction]) -> None:
    """The mean is the exact mean; the median agrees with numpy's on the floats."""
    assert sum(values) / len(values) == crosshair_value(Crosshair.mean(), values)
    median = crosshair_value(Crosshair.median(), values)
    assert median is not None
    assert abs(float(median) - float(np.median([float(v) for v in values]))) <= 1e-9


# --- examples: the worked example ---------------------------------------------------------


def test_the_worked_example_places_and_explains_each_item() -> None:
    """Stated importance, mean importance line, a company target for satisfaction."""
    result = stated()
    repair, lobby = result.items
    assert (Fraction(275, 3), Fraction(50), 3, 3) == (
        repair.importance,
        repair.satisfaction,
        repair.n,
        repair.importance_n,
    )
    assert (Fraction(125, 2), Fraction(80)) == (result.importance_line, result.satisfaction_line)
    assert (Quadrant.URGENT_IMPROVEMENT, Quadrant.SECONDARY_ADVANTAGE) == (
        repair.quadrant,
        lobby.quadrant,
    )
    assert (
        "repair: importance 91.67 is high (≥ 62.50, mean of the items); "
        "satisfaction 50.00 is low (< 80.00, company target) → urgent improvement"
    ) == repair.explain("en")
    assert (
        "lobby：重要性 33.33，低（< 62.50，各项均值）；"
        "满意度 91.67，高（≥ 80.00，公司目标）→ 锦上添花"
    ) == lobby.explain("zh")
    assert "ipa.urgent_improvement" == repair.reason.code
    assert result.explain("en").splitlines() == [repair.explain("en"), lobby.explain("en")]
    assert (repair,) == result.quadrant(Quadrant.URGENT_IMPROVEMENT)
    assert () == result.quadrant(Quadrant.KEEP_UP)
    assert lobby == result.item("lobby")


def test_the_tables_in_zh_and_en() -> None:
    """The table lists the lines, the method and one row per item, unplaced ones too."""
    gym = rating("gym", text=Label(zh="健身房", en="Gym"))
    instrument = instrument_of(*TWO.items[:2], gym, OVERALL)
    result = stated(instrument)
    assert [
        "importance: stated importance; crosshair 62.50 (mean of the items)",
        "satisfaction: crosshair 80.00 (company target); on a line counts as high",
        "item    text     importance  satisfaction  quadrant",
        "------  -------  ----------  ------------  ----------------------------------",
        "repair  Repairs       91.67         50.00  urgent improvement",
        "lobby   Lobby         33.33         91.67  secondary advantage",
        "gym     Gym               –             –  not placed: no satisfaction scores",
    ] == result.table("en").splitlines()
    assert [
        "重要性：陈述重要性；分界线 62.50（各项均值）",
        "满意度：分界线 80.00（公司目标）；恰在线上计为高",
        "题目    内容    重要性  满意度  象限",
        "------  ------  ------  ------  --------------------",
        "repair  维修     91.67   50.00  急需改进",
        "lobby   大堂     33.33   91.67  锦上添花",
        "gym     健身房       –       –  未放入：无满意度评分",
    ] == result.table("zh").splitlines()


def test_derived_importance_of_the_worked_example() -> None:
    """r of repairs with overall is exact on the sums; the table shows r to 0.0001."""
    result = ipa_from_responses(
        TWO,
        TWO_RESPONSES,
        importance=ImportanceSource.DERIVED,
        importance_line=Crosshair.given(Decimal("0.5"), source=Label(zh="经验值", en="rule")),
        satisfaction_line=Crosshair.mean(),
    )
    repair, lobby = result.items
    # repair (x) equals overall (y) for every respondent: r = 1 exactly.
    assert (Fraction(1), Fraction(0)) == (repair.importance, lobby.importance)
    assert (Quadrant.URGENT_IMPROVEMENT, Quadrant.SECONDARY_ADVANTAGE) == (
        repair.quadrant,
        lobby.quadrant,
    )
    assert repair.explain("en").startswith(
        "repair: importance 1.0000 is high (≥ 0.5000, rule); satisfaction 50.00 is low"
    )
    assert result.table("en").splitlines()[0] == (
        "importance: derived importance (correlation with overall satisfaction); "
        "crosshair 0.5000 (rule)"
    )


# --- examples: the rule on the line ---------------------------------------------------------


def test_an_item_on_a_line_counts_as_high_and_says_so() -> None:
    """Satisfaction exactly 50 against a line of 50 is high, and the explanation says so."""
    result = stated(
        importance_line=Crosshair.given(Decimal(90)),
        satisfaction_line=Crosshair.given(Decimal(50)),
    )
    repair = result.item("repair")
    assert Quadrant.KEEP_UP == repair.quadrant
    assert "satisfaction 50.00 is high (on the line 50.00, given value)" in repair.explain("en")
    assert "满意度 50.00，高（恰在线上 50.00，给定值）" in repair.explain("zh")
    # Just below 275/3 is not on the line: the comparison is exact, not on the rounded figures.
    near = stated(importance_line=Crosshair.given(Decimal("91.666666"))).item("repair")
    assert "importance 91.67 is high (≥ 91.67, given value)" in near.explain("en")
    above = stated(importance_line=Crosshair.given(Decimal("91.666667"))).item("repair")
    assert "importance 91.67 is low (< 91.67, given value)" in above.explain("en")


def test_on_the_line_on_both_axes_is_keep_up() -> None:
    """An item on both lines (a median of one item) keeps up."""
    only = instrument_of(rating("a", importance=True))
    result = stated(
        only,
        [respond(1, scored("a", 3, 4))],
        importance_line=Crosshair.median(),
        satisfaction_line=Crosshair.median(),
    )
    (item,) = result.items
    assert (Quadrant.KEEP_UP, Fraction(75), Fraction(50)) == (
        item.quadrant,
        result.importance_line,
        result.satisfaction_line,
    )
    assert (
        "a: importance 75.00 is high (on the line 75.00, median of the items); "
        "satisfaction 50.00 is high (on the line 50.00, median of the items) → keep up"
    ) == item.explain("en")


def test_every_quadrant_and_its_boundaries() -> None:
    """Each cell, with ties at the lines counted as high."""
    one, two = Fraction(1), Fraction(2)

    def cell(i: Fraction, s: Fraction) -> Quadrant:
        return quadrant_of(i, s, importance_line=one, satisfaction_line=one)

    assert [
        Quadrant.KEEP_UP,
        Quadrant.URGENT_IMPROVEMENT,
        Quadrant.SECONDARY_ADVANTAGE,
        Quadrant.NOT_A_PRIORITY,
        Quadrant.KEEP_UP,
        Quadrant.URGENT_IMPROVEMENT,
        Quadrant.SECONDARY_ADVANTAGE,
    ] == [
        cell(two, two),
        cell(two, Fraction(0)),
        cell(Fraction(0), two),
        cell(Fraction(0), Fraction(0)),
        cell(one, one),
        cell(one, Fraction(1, 2)),
        cell(Fraction(1, 2), one),
    ]
    assert ["继续保持", "急需改进", "锦上添花", "不宜优先"] == [q.text("zh") for q in Quadrant]


# --- examples: crosshairs ----------------------------------------------------------------


def test_crosshair_values() -> None:
    """Mean, median of odd and even counts, nothing to average, and a given value."""
    values = [Fraction(3), Fraction(1), Fraction(2)]
    assert Fraction(2) == crosshair_value(Crosshair.mean(), values)
    assert Fraction(2) == crosshair_value(Crosshair.median(), values)
    assert Fraction(5, 2) == crosshair_value(Crosshair.median(), [*values, Fraction(4)])
    assert crosshair_value(Crosshair.mean(), []) is None
    assert crosshair_value(Crosshair.median(), []) is None
    assert Fraction(7, 10) == crosshair_value(Crosshair.given(Decimal("0.7")), [])
    assert CrosshairKind.GIVEN == Crosshair.given(Decimal(1)).kind
    assert Label(zh="行业平均", en="industry average") == (
        Crosshair.given(Decimal(1), source=Label(zh="行业平均", en="industry average")).label
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": CrosshairKind.GIVEN}, "'value' is missing"),
        ({"kind": CrosshairKind.MEAN, "value": Decimal(1)}, "only a given crosshair has a value"),
        (
            {"kind": CrosshairKind.MEDIAN, "source": Label(zh="目标", en="target")},
            "only a given crosshair has a source",
        ),
        ({"kind": CrosshairKind.GIVEN, "value": 0.5}, "does not accept floats"),
        ({"kind": CrosshairKind.GIVEN, "value": 80}, "must be Decimal, got int"),
        ({"kind": CrosshairKind.GIVEN, "value": Decimal("NaN")}, "not a valid finite number"),
    ],
)
def test_crosshairs_are_checked_when_built(fields: dict[str, Any], message: str) -> None:
    """A given crosshair needs a finite Decimal; the others take none."""
    with pytest.raises(InvalidValue, match=message):
        Crosshair(**fields)


@pytest.mark.parametrize(
    ("source", "importance_line", "satisfaction_line", "name"),
    [
        (ImportanceSource.STATED, Decimal("100.1"), Decimal(50), "importance_line"),
        (ImportanceSource.STATED, Decimal(-1), Decimal(50), "importance_line"),
        (ImportanceSource.DERIVED, Decimal("1.5"), Decimal(50), "importance_line"),
        (ImportanceSource.DERIVED, Decimal(-2), Decimal(50), "importance_line"),
        (ImportanceSource.STATED, Decimal(50), Decimal(101), "satisfaction_line"),
        (ImportanceSource.DERIVED, Decimal(0), Decimal("-0.5"), "satisfaction_line"),
    ],
)
def test_a_given_line_must_lie_on_its_axis(
    source: ImportanceSource, importance_line: Decimal, satisfaction_line: Decimal, name: str
) -> None:
    """0–100, or −1 to 1 for derived importance: a unit mistake is refused."""
    with pytest.raises(InvalidValue, match=f"'{name}' is invalid: a given line must lie"):
        ipa_from_responses(
            TWO,
            TWO_RESPONSES,
            importance=source,
            importance_line=Crosshair.given(importance_line),
            satisfaction_line=Crosshair.given(satisfaction_line),
        )


def test_the_ends_of_an_axis_are_on_it() -> None:
    """0 and 100 (−1 and 1 derived) are valid lines."""
    for low, high in ((Decimal(0), Decimal(100)), (Decimal(100), Decimal(0))):
        assert stated(
            importance_line=Crosshair.given(low), satisfaction_line=Crosshair.given(high)
        ).placed
    for end in (Decimal(-1), Decimal(1)):
        assert ipa_from_responses(
            TWO,
            TWO_RESPONSES,
            importance=ImportanceSource.DERIVED,
            importance_line=Crosshair.given(end),
            satisfaction_line=Crosshair.mean(),
        ).placed


# --- examples: unplaced items ---------------------------------------------------------------


def test_items_without_data_are_listed_as_unplaced_with_the_reason() -> None:
    """No scores, importance not asked, no importance ratings: listed, not dropped."""
    instrument = instrument_of(
        rating("a", importance=True),
        rating("unasked"),
        rating("unrated", importance=True),
        rating("empty", importance=True),
        rating("na_only", importance=True),
    )
    responses = [
        respond(
            1,
            scored("a", 4, 5),
            scored("unasked", 2),
            scored("unrated", 3),
            Answer(item="na_only", na=True, importance=5),
        ),
        respond(2, scored("a", 2, 3), scored("unasked", 5)),
    ]
    result = stated(instrument, responses)
    assert [None, Unplaced.NOT_ASKED, Unplaced.NO_IMPORTANCE, Unplaced.NO_SCORES] == [
        i.unplaced for i in result.items[:4]
    ]
    assert Unplaced.NO_SCORES == result.item("na_only").unplaced
    assert ["a"] == [i.code for i in result.placed]
    assert ["unasked", "unrated", "empty", "na_only"] == [i.code for i in result.unplaced]
    unasked = result.item("unasked")
    assert (None, Fraction(125, 2), 2) == (unasked.importance, unasked.satisfaction, unasked.n)
    assert "unasked: not placed (the item does not ask importance)" == unasked.explain("en")
    assert "empty：未放入四分图（无满意度评分）" == result.item("empty").explain("zh")


def test_no_placed_item_leaves_mean_and_median_lines_empty() -> None:
    """Nothing to average: the lines are ``None`` and show as a dash; a given line stays."""
    instrument = instrument_of(rating("a"))
    result = stated(
        instrument,
        [respond(1, scored("a", 4))],
        importance_line=Crosshair.median(),
        satisfaction_line=Crosshair.mean(),
    )
    assert (None, None, ()) == (result.importance_line, result.satisfaction_line, result.placed)
    assert result.table("en").splitlines()[:2] == [
        "importance: stated importance; crosshair – (median of the items)",
        "satisfaction: crosshair – (mean of the items); on a line counts as high",
    ]
    given_line = stated(instrument, [], importance_line=Crosshair.given(Decimal(60)))
    assert (Fraction(60), Fraction(80)) == (
        given_line.importance_line,
        given_line.satisfaction_line,
    )
    assert Unplaced.NO_SCORES == given_line.items[0].unplaced


def test_derived_importance_needs_two_pairs_and_variance() -> None:
    """One pair, no pairs, or no variance leaves the item unplaced, with the reason."""
    instrument = instrument_of(
        rating("flat"), rating("once"), rating("never"), rating("varied"), OVERALL
    )
    responses = [
        respond(
            1, scored("flat", 3), scored("once", 4), scored("varied", 1), scored("overall", 2)
        ),
        respond(2, scored("flat", 3), scored("varied", 5), scored("overall", 5)),
        respond(3, scored("never", 2), scored("varied", 2)),  # no overall: no pair
        respond(4, scored("never", 4), Answer(item="overall", na=True)),
    ]
    result = ipa_from_responses(
        instrument,
        responses,
        importance=ImportanceSource.DERIVED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    assert [Unplaced.NO_VARIANCE, Unplaced.TOO_FEW_PAIRS, Unplaced.TOO_FEW_PAIRS, None] == [
        i.unplaced for i in result.items
    ]
    assert [2, 1, 0, 2] == [i.importance_n for i in result.items]
    assert (Fraction(1), Quadrant.KEEP_UP) == (
        result.items[3].importance,
        result.items[3].quadrant,
    )
    # A pairs table without an item's entry: that item has no pairs.
    partial = ipa(
        instrument,
        score_survey(instrument, responses),
        importance=ImportanceSource.DERIVED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
        pairs=[s for s in pair_sums(instrument, responses) if s.item != "varied"],
    )
    assert (Unplaced.TOO_FEW_PAIRS, 0) == (
        partial.item("varied").unplaced,
        partial.item("varied").importance_n,
    )


# --- examples: pair sums and Pearson ---------------------------------------------------------


def test_pair_sums_are_exact_and_reverse_coded() -> None:
    """Reverse-coded items are mirrored before summing; n/a answers and other items skipped."""
    instrument = instrument_of(rating("fee", reverse=True), OVERALL)
    responses = [
        respond(1, scored("fee", 5), scored("overall", 1)),
        respond(2, scored("fee", 1), scored("overall", 5)),
        respond(3, Answer(item="fee", na=True), scored("overall", 3)),
        respond(4, scored("fee", 2)),
    ]
    (sums,) = pair_sums(instrument, responses)
    assert PairSums(item="fee", n=2, sum_x=6, sum_y=6, sum_xx=26, sum_yy=26, sum_xy=26) == sums
    assert Decimal(1) == sums.pearson()


def test_pearson_edge_cases() -> None:
    """Undefined for under two pairs or no variance; ±1 exactly for perfect lines."""
    assert pearson(PairSums(item="a", n=1, sum_x=3, sum_y=3, sum_xx=9, sum_yy=9, sum_xy=9)) is None
    flat_y = PairSums(item="a", n=2, sum_x=3, sum_y=4, sum_xx=5, sum_yy=8, sum_xy=6)
    assert pearson(flat_y) is None
    falling = PairSums(item="a", n=3, sum_x=6, sum_y=6, sum_xx=14, sum_yy=14, sum_xy=10)
    assert Decimal(-1) == pearson(falling)
    some = PairSums(item="a", n=3, sum_x=6, sum_y=7, sum_xx=14, sum_yy=21, sum_xy=16)
    r = pearson(some)
    assert r is not None
    assert abs(float(r) - np.corrcoef([1, 2, 3], [2, 1, 4])[0, 1]) <= 1e-15
    assert 34 == len(r.as_tuple().digits)


def test_derived_importance_needs_an_overall_item() -> None:
    """Without an overall-satisfaction item there is nothing to correlate with."""
    instrument = instrument_of(rating("a"))
    message = "'importance' is invalid: instrument 'q' has no overall-satisfaction item"
    with pytest.raises(InvalidValue, match=message):
        pair_sums(instrument, [])
    with pytest.raises(InvalidValue, match=message):
        ipa_from_responses(
            instrument,
            [],
            importance=ImportanceSource.DERIVED,
            importance_line=Crosshair.mean(),
            satisfaction_line=Crosshair.mean(),
        )


def test_broken_responses_are_reported_with_their_place() -> None:
    """An out-of-scale answer raises, naming the response; never clipped."""
    broken = [*TWO_RESPONSES, respond(9, scored("repair", 6))]
    with pytest.raises(ValidationError) as caught:
        pair_sums(TWO, broken)
    assert "response 3 (respondent 'R9')" == caught.value.target
    assert ["$.answers[0].score"] == [entry.path for entry in caught.value.report]
    with pytest.raises(ValidationError):
        ipa_from_responses(
            TWO,
            broken,
            importance=ImportanceSource.DERIVED,
            importance_line=Crosshair.mean(),
            satisfaction_line=Crosshair.mean(),
        )


# --- examples: the arguments of ipa ------------------------------------------------------


def _ipa(**changes: Any) -> IpaResult:
    arguments: dict[str, Any] = {
        "importance": ImportanceSource.STATED,
        "importance_line": Crosshair.mean(),
        "satisfaction_line": Crosshair.mean(),
    }
    return ipa(TWO, score_survey(TWO, TWO_RESPONSES), **(arguments | changes))


def test_pairs_go_with_derived_importance_only() -> None:
    """Missing for derived, given for stated, or naming a non-rating item: refused."""
    with pytest.raises(InvalidValue, match="'pairs' is missing"):
        _ipa(importance=ImportanceSource.DERIVED)
    with pytest.raises(InvalidValue, match="pairs are read only for derived importance"):
        _ipa(pairs=pair_sums(TWO, TWO_RESPONSES))
    with pytest.raises(InvalidValue, match="'pairs' refers to an unknown rating item: 'overall'"):
        _ipa(importance=ImportanceSource.DERIVED, pairs=[PairSums(item="overall")])


def test_scores_of_another_instrument_are_refused() -> None:
    """The scores must be the instrument's own."""
    other = Instrument(code="other", name=TWO.name, dimensions=TWO.dimensions, items=TWO.items)
    with pytest.raises(InvalidValue, match="'scores' refers to an unknown instrument"):
        ipa(
            other,
            score_survey(TWO, TWO_RESPONSES),
            importance=ImportanceSource.STATED,
            importance_line=Crosshair.mean(),
            satisfaction_line=Crosshair.mean(),
        )


def test_unknown_item_lookup() -> None:
    """Looking up an item that is not a rating item raises."""
    with pytest.raises(InvalidValue, match="unknown rating item: 'overall'"):
        _ipa().item("overall")


def test_stated_importance_uses_the_items_scale() -> None:
    """Importance 6 of 7 is 83.33 on 0–100; 1 of 0–10 is 10."""
    instrument = instrument_of(
        rating("seven", scale=Scale.LIKERT_7, importance=True),
        rating("ten", scale=Scale.ZERO_TO_TEN, importance=True),
    )
    result = stated(instrument, [respond(1, scored("seven", 7, 6), scored("ten", 0, 1))])
    assert [Fraction(250, 3), Fraction(10)] == [i.importance for i in result.items]
    assert [Fraction(100), Fraction(0)] == [i.satisfaction for i in result.items]


def test_pair_sums_refuse_negative_counts_and_squares() -> None:
    """A count or a sum of squares below zero cannot come from answers."""
    with pytest.raises(InvalidValue, match="'n' must be >= 0: -1"):
        PairSums(item="a", n=-1)
    with pytest.raises(InvalidValue, match="'sum_yy' must be >= 0: -4"):
        PairSums(item="a", sum_yy=-4)


def test_negative_correlations_and_lines_just_below_zero() -> None:
    """A negative r shows its sign; a line that rounds to zero shows no minus sign."""
    instrument = instrument_of(rating("noise"), OVERALL)
    responses = [
        respond(i, scored("noise", x), scored("overall", y))
        for i, (x, y) in enumerate(((1, 5), (3, 3), (5, 1)))
    ]
    result = ipa_from_responses(
        instrument,
        responses,
        importance=ImportanceSource.DERIVED,
        importance_line=Crosshair.given(Decimal("-0.00001")),
        satisfaction_line=Crosshair.mean(),
    )
    (item,) = result.items
    assert (Fraction(-1), Quadrant.SECONDARY_ADVANTAGE) == (item.importance, item.quadrant)
    assert "importance -1.0000 is low (< 0.0000, given value)" in item.explain("en")
    assert "crosshair 0.0000 (given value)" in result.table("en").splitlines()[0]


def test_the_ambient_decimal_context_changes_nothing() -> None:
    """A caller's 3-digit, round-down context leaves r, the lines and the figures alone."""
    import decimal

    def run() -> tuple[IpaResult, IpaResult]:
        lines: dict[str, Crosshair] = {
            "importance_line": Crosshair.median(),
            "satisfaction_line": Crosshair.given(Decimal("66.667")),
        }
        derived = ipa_from_responses(
            TWO, TWO_RESPONSES, importance=ImportanceSource.DERIVED, **lines
        )
        return derived, stated(
            importance_line=lines["importance_line"],
            satisfaction_line=lines["satisfaction_line"],
        )

    expected = run()
    with decimal.localcontext() as context:
        context.prec = 3
        context.rounding = decimal.ROUND_DOWN
        assert expected == run()
        assert [r.table("zh") for r in expected] == [r.table("zh") for r in run()]
        some = PairSums(item="a", n=3, sum_x=6, sum_y=7, sum_xx=14, sum_yy=21, sum_xy=16)
        # 6 / √84, to 34 significant digits
        assert Decimal("0.6546536707079771437982924562468584") == some.pearson()
