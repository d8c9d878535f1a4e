"""Scoring surveys: responses checked, item and dimension scores, CSAT, NPS, CSI, gaps, alpha.

The example tests use one hand-computed survey (:data:`OWNERS` answered by
:data:`ANSWERED`).  The property tests compare :func:`score_survey` with
:func:`reference`, a plain re-reading of the module docstring's formulas,
and with numpy, and check the invariants: ranges, monotonicity, order and
concatenation.
"""

import itertools
import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from html_cells import HtmlCells, read
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure
from pmcrm.surveys import (
    Answer,
    Dimension,
    DimensionDef,
    DimensionScore,
    Instrument,
    Item,
    ItemRole,
    ItemScore,
    NpsScore,
    Proportion,
    Response,
    Scale,
    Segment,
    SurveyScores,
    Weighting,
    check_response,
    score_survey,
    to_100,
)
from pmcrm.values import Label
from survey_strategies import (
    alpha_by_definition,
    instruments,
    near_misses,
    rating_matrix,
    recoded,
    response_data,
    responses,
    surveys,
)

ON = date(2026, 11, 2)
F = Fraction


def text(en: str) -> Label:
    """A label for tests."""
    return Label(zh=f"「{en}」", en=en)


def rating(code: str, dimension: str, **fields: Any) -> Item:
    """A Likert-5 rating item unless *fields* say otherwise."""
    return Item(code=code, text=text(code), dimension=dimension, **fields)


#: Service (weight 2): s1 asks importance and expectation, s2 is reverse-coded and
#: asks expectation.  Price (weight 1): p1 is reverse-coded and asks importance.
#: Plus an overall item and an NPS item.  Top-2 box.
OWNERS = Instrument(
    code="owners-2026",
    name=text("owners"),
    dimensions=(
        DimensionDef.standard(Dimension.SERVICE, weight=Decimal(2)),
        DimensionDef.standard(Dimension.PRICE),
    ),
    items=(
        rating("s1", "service", importance=True, expectation=True),
        rating("s2", "service", reverse=True, expectation=True),
        rating("p1", "price", reverse=True, importance=True),
        Item(code="sat", text=text("overall"), role=ItemRole.OVERALL),
        Item(code="nps", text=text("nps"), role=ItemRole.NPS, scale=Scale.ZERO_TO_TEN),
    ),
)


def response(respondent: str, *answers: Answer, **fields: Any) -> Response:
    """A response of *respondent* on :data:`ON`."""
    return Response(respondent_id=respondent, on=ON, answers=answers, **fields)


def a(item: str, score: int | None = None, **fields: Any) -> Answer:
    """An answer; no score means not applicable."""
    return Answer(item=item, score=score, na=score is None, **fields)


ANSWERED = (
    response(
        "R1",
        a("s1", 5, importance=5, expectation=4),
        a("s2", 1, expectation=2),
        a("p1", 2, importance=4),
        a("sat", 5),
        a("nps", 10),
    ),
    response(
        "R2",
        a("s1", 4, importance=4, expectation=3),
        a("s2", 2, expectation=3),
        a("p1"),
        a("sat", 4),
        a("nps", 9),
    ),
    response("R3", a("s1", 3), a("p1", 5, importance=2), a("sat", 2), a("nps", 7)),
    response("R4", a("s1"), a("s2", 5, expectation=5), a("p1", 1), a("nps", 3)),
)


# --- responses ----------------------------------------------------------------------


def test_response_lookups() -> None:
    """Answers and segments are found by key; a skipped item has no answer."""
    answered = response("R1", a("s1", 4), a("p1"), segments=(Segment(key="tier", value="gold"),))
    assert Answer(item="s1", score=4) == answered.answer("s1")
    p1 = answered.answer("p1")
    assert p1 is not None
    assert (True, None) == (p1.na, p1.score)
    assert answered.answer("s2") is None
    assert "gold" == answered.segment("tier")
    assert answered.segment("project") is None


def test_an_answer_has_a_score_or_is_not_applicable() -> None:
    """Both a score and na, or neither, is refused — directly and through ``structure``."""
    with pytest.raises(InvalidValue, match="has exactly one of a score and na=true"):
        Answer(item="s1", score=3, na=True)
    with pytest.raises(InvalidValue, match="leave a skipped item out"):
        Answer(item="s1")
    data = {
        "respondent_id": "R1",
        "on": "2026-11-02",
        "answers": [{"item": "s1", "score": 3}, {"item": "s2", "score": 3, "na": True}],
    }
    with pytest.raises(ValidationError) as caught:
        structure(data, Response)
    assert ("$.answers[1].score",) == caught.value.report.paths


def test_response_load_faults_are_located() -> None:
    """Duplicate items and segment keys, non-integer scores, bad codes: every fault, located."""
    data = {
        "respondent_id": " ",
        "on": "2026-11-02",
        "segments": [{"key": "tier", "value": "gold"}, {"key": "tier", "value": "silver"}],
        "answers": [
            {"item": "s1", "score": 4},
            {"item": "s1", "score": 3},
            {"item": "S2", "score": 4.0},
            {"item": "s3", "score": True},
        ],
    }
    with pytest.raises(ValidationError) as caught:
        structure(data, Response)
    assert [
        ("$.respondent_id", "empty"),
        ("$.segments[1]", "duplicate"),
        ("$.answers[2].item", "format"),
        ("$.answers[2].score", "type"),
        ("$.answers[3].score", "type"),
    ] == list(zip(caught.value.report.paths, caught.value.report.codes, strict=True))


def faults(instrument: Instrument, answered: Response) -> list[tuple[str, str]]:
    """The (path, English message) of every fault :func:`check_response` finds."""
    with pytest.raises(ValidationError) as caught:
        check_response(instrument, answered)
    assert "Response" == caught.value.target
    return [(e.path, e.message_en) for e in caught.value.report]


def test_check_response_accepts_valid_answers() -> None:
    """Every hand-made response is valid; skipped items and na are fine."""
    for answered in ANSWERED:
        check_response(OWNERS, answered)


@pytest.mark.parametrize(
    ("answer", "path", "message"),
    [
        pytest.param(
            a("x1", 3), "$.answers[1].item", "refers to an unknown item: 'x1'", id="unknown"
        ),
        pytest.param(a("s1", 6), "$.answers[1].score", "out of the scale 1–5", id="above"),
        pytest.param(a("s1", 0), "$.answers[1].score", "out of the scale 1–5", id="below"),
        pytest.param(a("nps", 11), "$.answers[1].score", "out of the scale 0–10", id="nps above"),
        pytest.param(
            a("nps", 8, importance=3),
            "$.answers[1].importance",
            "item 'nps' does not ask for importance",
            id="importance not asked",
        ),
        pytest.param(
            a("p1", 3, expectation=3),
            "$.answers[1].expectation",
            "item 'p1' does not ask for expectation",
            id="expectation not asked",
        ),
        pytest.param(
            a("s1", 3, importance=9),
            "$.answers[1].importance",
            "out of the scale 1–5",
            id="importance out of scale",
        ),
        pytest.param(
            a("s1", 3, expectation=-1),
            "$.answers[1].expectation",
            "out of the scale 1–5",
            id="expectation out of scale",
        ),
        pytest.param(
            a("nps"), "$.answers[1].na", "the NPS item cannot be not applicable", id="na on nps"
        ),
        pytest.param(
            a("sat", importance=2),
            "$.answers[1].importance",
            "item 'sat' does not ask for importance",
            id="na with importance not asked",
        ),
    ],
)
def test_check_response_refuses_each_fault(answer: Answer, path: str, message: str) -> None:
    """Unknown items, answers out of scale (never clipped), unasked ratings, na on the NPS."""
    answered = response("R9", a("s2", 3), answer)
    ((where, said),) = faults(OWNERS, answered)
    assert path == where
    assert message in said
    with pytest.raises(ValidationError):
        score_survey(OWNERS, [answered])


def test_check_response_reports_every_fault_at_once() -> None:
    """All faults of one response, in answer order, with zh messages too."""
    answered = response(
        "R9",
        a("s1", 7, importance=0, expectation=6),
        a("zz", 1),
        a("s2", 2, importance=2),
        a("nps"),
    )
    assert [
        "$.answers[0].score",
        "$.answers[0].importance",
        "$.answers[0].expectation",
        "$.answers[1].item",
        "$.answers[2].importance",
        "$.answers[3].na",
    ] == [path for path, _ in faults(OWNERS, answered)]
    with pytest.raises(ValidationError) as caught:
        check_response(OWNERS, answered)
    zh = caught.value.report.render("zh")
    assert "超出量表范围 1–5" in zh
    assert "题目 's2' 不询问重要性" in zh
    assert "推荐意愿题不能标记为不适用" in zh


def test_a_bad_response_names_its_index_and_respondent() -> None:
    """``score_survey`` raises the response's report, its target naming index and respondent."""
    bad = response("王-7", a("s1", 9), a("nps", 10))
    with pytest.raises(ValidationError) as caught:
        score_survey(OWNERS, [*ANSWERED[:2], bad, ANSWERED[2]])
    assert "response 2 (respondent '王-7')" == caught.value.target
    assert ("$.answers[0].score",) == caught.value.report.paths
    assert str(caught.value).startswith("invalid response 2 (respondent '王-7'): 1 fault")


PLAIN = Instrument(
    code="plain",
    name=text("plain"),
    dimensions=(DimensionDef.standard(Dimension.SERVICE),),
    items=(rating("s1", "service"), rating("s3", "service")),
)


@pytest.mark.parametrize(
    ("instrument", "bad", "path"),
    [
        pytest.param(OWNERS, a("zz", 3), "$.answers[0].item", id="unknown item"),
        pytest.param(OWNERS, a("s1", 6), "$.answers[0].score", id="score off the scale"),
        pytest.param(OWNERS, a("s2", 3, importance=3), "$.answers[0].importance", id="unasked"),
        pytest.param(PLAIN, a("s1", 3, importance=3), "$.answers[0].importance", id="none asked"),
    ],
)
def test_every_refusal_names_the_response_by_index(
    instrument: Instrument, bad: Answer, path: str
) -> None:
    """Whichever check of the scoring loop refuses it, the third response is response 2."""
    good = [response("R1", a("s1", 4)), response("R2", a("s1", 2))]
    answered = [*good, response("王-3", bad), response("R4", a("s1", 1))]
    with pytest.raises(ValidationError) as caught:
        score_survey(instrument, answered)
    assert ("response 2 (respondent '王-3')", (path,)) == (
        caught.value.target,
        caught.value.report.paths,
    )
    assert 2 == score_survey(instrument, good).respondents
    with pytest.raises(ValidationError) as first:
        score_survey(instrument, [response("王-3", bad), *good])
    assert "response 0 (respondent '王-3')" == first.value.target


@pytest.mark.parametrize("scale", list(Scale))
@pytest.mark.parametrize("reverse", [False, True])
def test_scores_just_off_the_scale_are_refused(scale: Scale, reverse: bool) -> None:
    """The lowest and highest answers count; one below or above is refused, either way round.

    Each case scores a new instrument, so its layout is derived afresh.
    """
    instrument = Instrument(
        code=f"q-{scale.value}-{int(reverse)}",
        name=text("q"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=(rating("s1", "service", scale=scale, reverse=reverse),),
    )
    low, high = {"likert5": (1, 5), "likert7": (1, 7), "0-10": (0, 10), "yes_no": (0, 1)}[
        scale.value
    ]
    scored = score_survey(
        instrument, [response("R1", a("s1", low)), response("R2", a("s1", high))]
    )
    assert (2, low + high) == (scored.item("s1").n, scored.item("s1").total)
    for off in (low - 1, high + 1):
        with pytest.raises(ValidationError) as caught:
            score_survey(instrument, [response("R1", a("s1", high)), response("R2", a("s1", off))])
        assert ("response 1 (respondent 'R2')", ("$.answers[0].score",)) == (
            caught.value.target,
            caught.value.report.paths,
        )


def test_importance_and_expectation_at_both_ends_of_the_scale() -> None:
    """Importance and expectation of 1 and of 5 on a Likert-5 item are accepted and counted."""
    answered = [
        response("R1", a("s1", 5, importance=1, expectation=1)),
        response("R2", a("s1", 1, importance=5, expectation=5)),
    ]
    s1 = score_survey(OWNERS, answered).item("s1")
    assert (2, 6, 2, 0) == (s1.importance_n, s1.importance_total, s1.gap_n, s1.gap_total)


def test_an_instrument_layout_is_kept_for_the_same_instrument_only() -> None:
    """Scoring derives an instrument's layout once and reuses it; the cache stays bounded.

    A layout kept under the id of an instrument since collected is never
    reused for another instrument that happens to get the same id.
    """
    from pmcrm.surveys import scoring

    scoring._LAYOUTS.clear()
    first = scoring._layout(OWNERS)
    assert first is scoring._layout(OWNERS)
    assert first.position == {"s1": 0, "s2": 1, "p1": 2, "sat": 3, "nps": 4}
    scoring._LAYOUTS[id(PLAIN)] = (OWNERS, first)  # as if PLAIN reused a collected id
    assert {"s1": 0, "s3": 1} == scoring._layout(PLAIN).position
    assert PLAIN is scoring._LAYOUTS[id(PLAIN)][0]
    kept = [attrs.evolve(PLAIN, code=f"q{n}") for n in range(40)]
    sizes = []
    for instrument in kept:
        scoring._layout(instrument)
        sizes.append(len(scoring._LAYOUTS))
    # 2 layouts, then one more per instrument up to 33; the 34th starts afresh.
    assert [*range(3, 34), *range(1, 10)] == sizes
    assert F(75) == score_survey(kept[-1], [response("R1", a("s1", 4))]).csi


def test_scoring_refuses_what_check_response_refuses_on_na_answers() -> None:
    """A not-applicable answer with an unasked or out-of-scale extra is refused by scoring too.

    (Regression: the first version of the scoring loop skipped NA answers
    before looking at their importance and expectation.)
    """
    plain = Instrument(
        code="q",
        name=text("q"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=(rating("s1", "service"),),
    )
    cases = [
        (OWNERS, response("R9", a("s2", importance=3)), "$.answers[0].importance"),
        (OWNERS, response("R9", a("s1", expectation=0)), "$.answers[0].expectation"),
        (plain, response("R9", a("s1", expectation=3)), "$.answers[0].expectation"),
        (plain, response("R9", a("s1", 3, importance=3)), "$.answers[0].importance"),
    ]
    for instrument, answered, path in cases:
        with pytest.raises(ValidationError) as checked:
            check_response(instrument, answered)
        assert (path,) == checked.value.report.paths
        with pytest.raises(ValidationError) as scored:
            score_survey(instrument, [answered])
        assert checked.value.report == scored.value.report


def test_an_na_answer_may_state_importance_but_it_is_not_counted() -> None:
    """Importance and expectation count only with a score (as in the item's figures)."""
    answered = [response("R1", a("s1", importance=4, expectation=2)), response("R2", a("s1", 2))]
    check_response(OWNERS, answered[0])
    s1 = score_survey(OWNERS, answered).item("s1")
    assert (1, 1, 0, 0, 0) == (s1.n, s1.na, s1.importance_n, s1.gap_n, s1.missing)


def test_other_integer_types_score_like_int() -> None:
    """numpy integers (say, read from a data frame) score exactly as ints do.

    Also next to a not-applicable and a skipped answer in the same dimension.
    """
    int64: Any = np.int64  # an integer type that is not int, as Answer allows
    answered = [
        response("R1", a("s1", int64(4)), a("s2"), a("nps", int64(9))),
        response("R2", a("s1", int64(3)), a("p1", int64(2))),
    ]
    plain = [
        response("R1", a("s1", 4), a("s2"), a("nps", 9)),
        response("R2", a("s1", 3), a("p1", 2)),
    ]
    assert score_survey(OWNERS, plain) == score_survey(OWNERS, answered)


def test_scores_must_be_integers() -> None:
    """A score or importance built in Python as a float is refused with a type fault."""
    answered = response(
        "R1",
        a("s1", 4, importance=4.0),
        a("s2", 4.0),  # type: ignore[arg-type]
        a("p1", 2),
    )
    with pytest.raises(ValidationError) as checked:
        check_response(OWNERS, answered)
    assert [("$.answers[0].importance", "type"), ("$.answers[1].score", "type")] == list(
        zip(checked.value.report.paths, checked.value.report.codes, strict=True)
    )
    assert "must be an integer" in checked.value.report.entries[1].message_en
    with pytest.raises(ValidationError) as scored:
        score_survey(OWNERS, [ANSWERED[0], answered])
    assert "response 1 (respondent 'R1')" == scored.value.target
    assert checked.value.report == scored.value.report


@given(instruments().flatmap(lambda i: st.tuples(st.just(i), near_misses(i), st.integers(0, 3))))
def test_scoring_refuses_exactly_what_check_response_refuses(
    case: tuple[Instrument, tuple[Response, str, str], int],
) -> None:
    """One fault in a response: both report it at its path; scoring names the response."""
    instrument, (answered, _fault, path), before = case
    with pytest.raises(ValidationError) as checked:
        check_response(instrument, answered)
    assert (path,) == checked.value.report.paths
    valid = [response(f"ok{i}") for i in range(before)]
    with pytest.raises(ValidationError) as scored:
        score_survey(instrument, [*valid, answered])
    assert checked.value.report == scored.value.report
    assert f"response {before} (respondent {answered.respondent_id!r})" == scored.value.target


@given(instruments().flatmap(lambda i: st.tuples(st.just(i), responses(i))))
def test_responses_round_trip_through_json(case: tuple[Instrument, Response]) -> None:
    """A valid response dumps to JSON and loads back equal (and still passes the check)."""
    instrument, answered = case
    data = json.loads(json.dumps(unstructure(answered), ensure_ascii=False))
    loaded = structure(data, Response)
    assert answered == loaded
    check_response(instrument, loaded)


@given(instruments().flatmap(response_data))
def test_any_response_data_loads_or_is_refused(data: Any) -> None:
    """Arbitrary or near-miss data loads into a Response or raises ValidationError only."""
    try:
        loaded = structure(data, Response)
    except ValidationError as exc:
        report = exc.report
        assert len(report) >= 1
    else:
        assert loaded == structure(unstructure(loaded), Response)


# --- the hand-computed survey ----------------------------------------------------------


def test_item_figures_hand_computed() -> None:
    """Counts, sums, top-2 box, importance and gaps per item, after reverse coding."""
    scores = score_survey(OWNERS, ANSWERED)
    assert 4 == scores.respondents
    assert "owners-2026" == scores.instrument
    assert ItemScore(
        code="s1",
        scale=Scale.LIKERT_5,
        n=3,
        missing=0,
        na=1,
        total=12,
        squares=50,
        counts=(0, 0, 1, 1, 1),
        satisfied=2,
        importance_n=2,
        importance_total=9,
        gap_n=2,
        gap_total=2,
    ) == scores.item("s1")
    # s2 answers 1, 2, 5 are recoded to 5, 4, 1; expectations 2, 3, 5 to 4, 3, 1.
    assert ItemScore(
        code="s2",
        scale=Scale.LIKERT_5,
        n=3,
        missing=1,
        na=0,
        total=10,
        squares=42,
        counts=(1, 0, 0, 1, 1),
        satisfied=2,
        importance_n=0,
        importance_total=0,
        gap_n=3,
        gap_total=2,
    ) == scores.item("s2")
    # p1 answers 2, 5, 1 are recoded to 4, 1, 5; importance stays as stated (4, 2).
    p1 = scores.item("p1")
    assert (3, 0, 1, 10, 42, (1, 0, 0, 1, 1)) == (
        p1.n,
        p1.missing,
        p1.na,
        p1.total,
        p1.squares,
        p1.counts,
    )
    assert (2, 6) == (p1.importance_n, p1.importance_total)
    assert (F(4), F(75)) == (scores.item("s1").mean, scores.item("s1").score_100)
    assert (F(10, 3), F(175, 3)) == (scores.item("s2").mean, scores.item("s2").score_100)
    assert (F(9, 2), F(1)) == (scores.item("s1").importance, scores.item("s1").gap)
    assert F(2, 3) == scores.item("s2").gap
    assert scores.item("s2").importance is None
    assert Proportion(2, 3) == scores.item("s1").csat


def test_dimension_figures_and_declared_csi() -> None:
    """Dimension means of item 0–100 scores; the CSI weights them 2 : 1."""
    scores = score_survey(OWNERS, ANSWERED)
    assert DimensionScore(
        code="service",
        label=Label(zh="服务", en="service"),
        weight=F(2, 3),
        score_100=F(200, 3),
        importance=F(9, 2),
        gap=F(5, 6),
        alpha=F(1),
        complete=2,
        items=2,
    ) == scores.dimension("service")
    assert DimensionScore(
        code="price",
        label=Label(zh="价格", en="price"),
        weight=F(1, 3),
        score_100=F(175, 3),
        importance=F(3),
        gap=None,
        alpha=None,
        complete=3,
        items=1,
    ) == scores.dimension("price")
    assert Weighting.DECLARED == scores.weighting
    assert F(575, 9) == scores.csi


def test_csi_with_importance_weights() -> None:
    """With stated importance 9/2 and 3 the weights are 3/5 and 2/5: CSI 190/3."""
    scores = score_survey(OWNERS, ANSWERED, weighting=Weighting.IMPORTANCE)
    assert Weighting.IMPORTANCE == scores.weighting
    assert (F(3, 5), F(2, 5)) == tuple(d.weight for d in scores.dimensions)
    assert F(190, 3) == scores.csi


def test_importance_weights_need_importance_in_every_dimension() -> None:
    """A dimension without importance ratings cannot be weighted by importance."""
    without = [
        attrs.evolve(r, answers=tuple(attrs.evolve(x, importance=None) for x in r.answers))
        for r in ANSWERED
    ]
    only_service = [
        attrs.evolve(r, answers=tuple(x for x in r.answers if x.item != "p1")) for r in ANSWERED
    ]
    for answered, dimension in ((without, "service"), (only_service, "price")):
        with pytest.raises(InvalidValue) as caught:
            score_survey(OWNERS, answered, weighting=Weighting.IMPORTANCE)
        assert (
            f"'weighting' is invalid: dimension {dimension!r} has no importance ratings"
            == caught.value.message_en
        )
        assert f"'weighting' 无效：维度 {dimension!r} 没有重要性评分" == caught.value.message_zh
        assert ("weighting", "invalid", "'importance'") == (
            caught.value.field,
            caught.value.code,
            caught.value.params["value"],
        )
    assert F(575, 9) == score_survey(OWNERS, without).csi


def test_importance_weights_of_zero() -> None:
    """Zero stated importance everywhere leaves no weights: a clear error, not a crash.

    (Regression: the first version divided by the zero total weight.)
    """
    instrument = Instrument(
        code="q",
        name=text("q"),
        dimensions=(DimensionDef(code="d", label=text("d")),),
        items=(rating("a", "d", scale=Scale.ZERO_TO_TEN, importance=True),),
    )
    answered = [response("R1", a("a", 5, importance=0))]
    with pytest.raises(InvalidValue) as caught:
        score_survey(instrument, answered, weighting=Weighting.IMPORTANCE)
    assert (
        "'weighting' is invalid: every dimension's mean importance is 0: no weights to use"
        == caught.value.message_en
    )
    assert "'weighting' 无效：所有维度的平均重要性均为 0，无法作为权重" == caught.value.message_zh
    assert ("weighting", "invalid", "'importance'") == (
        caught.value.field,
        caught.value.code,
        caught.value.params["value"],
    )
    assert F(50) == score_survey(instrument, answered).csi


def test_csat_and_nps_hand_computed() -> None:
    """Overall 5, 4, 2 (one missing): top-2 box 2/3; NPS 10, 9, 7, 3: 2 − 1 of 4 = 25."""
    scores = score_survey(OWNERS, ANSWERED)
    assert Proportion(2, 3) == scores.csat
    assert scores.csat is not None
    assert Decimal("66.7") == scores.csat.percent()
    assert (1, 0) == (scores.item("sat").missing, scores.item("sat").na)
    assert NpsScore(promoters=2, passives=1, detractors=1) == scores.nps
    assert scores.nps is not None
    assert (4, F(25)) == (scores.nps.n, scores.nps.score)
    low, high = scores.nps.interval()
    assert low < 25 < high


def test_top_box_and_top_2_box() -> None:
    """Top box counts only the highest answer; top-2 the two highest; on 0–10 and Likert-7."""
    items = (
        rating("l7", "service", scale=Scale.LIKERT_7),
        Item(code="all", text=text("all"), role=ItemRole.OVERALL, scale=Scale.ZERO_TO_TEN),
    )
    answered = [
        response(f"R{i}", a("l7", l7), a("all", overall))
        for i, (l7, overall) in enumerate([(7, 10), (6, 9), (5, 8), (1, 0), (7, 9)])
    ]
    shares = {}
    for top_box in (1, 2, 3):
        instrument = Instrument(
            code="q",
            name=text("q"),
            dimensions=(DimensionDef.standard(Dimension.SERVICE),),
            items=items,
            top_box=top_box,
        )
        scores = score_survey(instrument, answered)
        shares[top_box] = (scores.item("l7").satisfied, scores.csat)
    assert {
        1: (2, Proportion(1, 5)),
        2: (3, Proportion(3, 5)),
        3: (4, Proportion(4, 5)),
    } == shares


def test_yes_no_items() -> None:
    """On yes/no only "yes" is satisfied, whatever the top box; reverse-coded "no" counts."""
    instrument = Instrument(
        code="q",
        name=text("q"),
        dimensions=(DimensionDef.standard(Dimension.MANAGEMENT),),
        items=(
            rating("fair", "management", scale=Scale.YES_NO),
            rating("chased", "management", scale=Scale.YES_NO, reverse=True),
            Item(code="ok", text=text("ok"), role=ItemRole.OVERALL, scale=Scale.YES_NO),
        ),
        top_box=3,
    )
    answered = [
        response("R1", a("fair", 1), a("chased", 0), a("ok", 1)),
        response("R2", a("fair", 0), a("chased", 0), a("ok", 0)),
        response("R3", a("fair", 1), a("chased", 1), a("ok", 1)),
        response("R4", a("chased"), a("ok", 1)),
    ]
    scores = score_survey(instrument, answered)
    fair, chased = scores.item("fair"), scores.item("chased")
    assert ((1, 2), 2, F(200, 3)) == (fair.counts, fair.satisfied, fair.score_100)
    assert ((1, 2), 2, F(200, 3), 1) == (
        chased.counts,
        chased.satisfied,
        chased.score_100,
        chased.na,
    )
    assert Proportion(3, 4) == scores.csat
    assert F(200, 3) == scores.csi


def test_missing_and_not_applicable_are_counted_apart() -> None:
    """Skipped items are missing, na answers are na; neither enters a mean or a share."""
    scores = score_survey(OWNERS, ANSWERED)
    assert {
        "s1": (3, 0, 1),
        "s2": (3, 1, 0),
        "p1": (3, 0, 1),
        "sat": (3, 1, 0),
        "nps": (4, 0, 0),
    } == {i.code: (i.n, i.missing, i.na) for i in scores.items}
    empty = score_survey(OWNERS, [response("R1", a("s1"), a("p1"))])
    assert (0, 0, 1) == (empty.item("s1").n, empty.item("s1").missing, empty.item("s1").na)
    assert (0, 1, 0) == (empty.item("s2").n, empty.item("s2").missing, empty.item("s2").na)


def test_servqual_gaps_with_a_reverse_coded_item() -> None:
    """Gap = perception − expectation; on a reverse-coded item both are mirrored first."""
    answered = [
        response("R1", a("s2", 2, expectation=4)),
        response("R2", a("s2", 4, expectation=2)),
    ]
    scores = score_survey(OWNERS, answered)
    # "Fees too high" 2 when 4 was expected: mirrored 4 − 2 = +2, better than expected.
    assert (2, 0) == (scores.item("s2").gap_n, scores.item("s2").gap_total)
    assert F(0) == scores.item("s2").gap
    first = score_survey(OWNERS, answered[:1])
    assert F(2) == first.item("s2").gap
    assert F(-2) == score_survey(OWNERS, answered[1:]).item("s2").gap
    assert F(2) == first.dimension("service").gap
    answered = [response("R1", a("s1", 2, expectation=4))]
    assert F(-2) == score_survey(OWNERS, answered).item("s1").gap


def test_no_answers_no_figures() -> None:
    """Nobody answered: no means, no CSI, no NPS, an empty CSAT; items still listed."""
    scores = score_survey(OWNERS, [])
    assert 0 == scores.respondents
    assert scores.csi is None
    assert scores.nps is None
    assert Proportion(0, 0) == scores.csat
    assert scores.csat is not None
    assert (None, None, None) == (
        scores.csat.share,
        scores.csat.percent(),
        scores.csat.interval(),
    )
    s1 = scores.item("s1")
    assert (None, None, None, None) == (s1.mean, s1.score_100, s1.importance, s1.gap)
    service = scores.dimension("service")
    assert (None, None, None, None, 0) == (
        service.score_100,
        service.importance,
        service.gap,
        service.alpha,
        service.complete,
    )
    only_nps = score_survey(OWNERS, [response("R1", a("nps", 8))])
    assert only_nps.csi is None
    assert NpsScore(promoters=0, passives=1, detractors=0) == only_nps.nps


def test_csi_uses_the_scored_dimensions_only() -> None:
    """A dimension nobody scored leaves the CSI to the others."""
    scores = score_survey(OWNERS, [response("R1", a("p1", 2)), response("R2", a("s1"))])
    assert scores.dimension("service").score_100 is None
    assert F(75) == scores.dimension("price").score_100
    assert F(75) == scores.csi


def test_instruments_without_overall_or_nps() -> None:
    """No overall item: no CSAT; no NPS item: no NPS."""
    instrument = Instrument(
        code="q",
        name=text("q"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=(rating("s1", "service"),),
    )
    scores = score_survey(instrument, [response("R1", a("s1", 4))])
    assert (None, None) == (scores.csat, scores.nps)
    assert F(75) == scores.csi


def test_lookups_of_unknown_codes_raise() -> None:
    """Asking the scores for an unknown item or dimension raises InvalidValue."""
    scores = score_survey(OWNERS, ANSWERED)
    with pytest.raises(InvalidValue, match="unknown item: 'zz'") as item:
        scores.item("zz")
    with pytest.raises(InvalidValue, match="unknown dimension: 'emotional'") as dimension:
        scores.dimension("emotional")
    assert [
        ("item", "reference", "'item' 引用了不存在的题目：'zz'"),
        ("dimension", "reference", "'dimension' 引用了不存在的维度：'emotional'"),
    ] == [(e.value.field, e.value.code, e.value.message_zh) for e in (item, dimension)]
    assert "s2" == scores.item("s2").code
    assert "price" == scores.dimension("price").code


@pytest.mark.parametrize(
    ("matrix", "alpha", "complete"),
    [
        pytest.param([(5, 5)], None, 1, id="one complete respondent"),
        pytest.param([(1, 5), (3, 3), (5, 1)], None, 3, id="constant totals"),
        pytest.param([(1, 1), (2, 3), (3, 2)], F(2, 3), 3, id="two thirds"),
        pytest.param([(1, None), (2, 2), (None, 2), (4, 4)], F(1), 2, id="listwise deletion"),
    ],
)
def test_alpha_per_dimension(
    matrix: list[tuple[int | None, int | None]], alpha: Fraction | None, complete: int
) -> None:
    """Alpha over complete cases (skipped or na leaves a respondent out); undefined cases."""
    answered = []
    for i, row in enumerate(matrix):
        given = [
            a(code, v) if v is not None else a(code)
            for code, v in zip(("s1", "s3"), row, strict=True)
        ]
        if i % 2:  # skipped rather than not applicable: left out just the same
            given = [g for g in given if not g.na]
        answered.append(response(f"R{i}", *given))
    instrument = Instrument(
        code="q",
        name=text("q"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=(rating("s1", "service"), rating("s3", "service")),
    )
    service = score_survey(instrument, answered).dimension("service")
    assert (alpha, complete) == (service.alpha, service.complete)


def test_proportions_and_percentages() -> None:
    """Shares are exact; percentages round half up to 0.1; intervals are Wilson's."""
    assert (F(1, 16), Decimal("6.3")) == (Proportion(1, 16).share, Proportion(1, 16).percent())
    assert Decimal("12.5") == Proportion(1, 8).percent()
    assert Decimal("33.3") == Proportion(1, 3).percent()
    assert Decimal("100.0") == Proportion(4, 4).percent()
    assert Decimal("0.0") == Proportion(0, 4).percent()
    assert (Decimal("0.490162"), Decimal("0.943318")) == Proportion(8, 10).interval()


@pytest.mark.parametrize(
    ("mean", "scale", "expected"),
    [
        (F(3), Scale.LIKERT_5, F(50)),
        (F(1), Scale.LIKERT_5, F(0)),
        (F(4), Scale.LIKERT_7, F(50)),
        (F(7), Scale.ZERO_TO_TEN, F(70)),
        (F(1, 3), Scale.YES_NO, F(100, 3)),
    ],
)
def test_to_100(mean: Fraction, scale: Scale, expected: Fraction) -> None:
    """``(mean − low) / (high − low) × 100``."""
    assert expected == to_100(mean, scale)


def test_scores_are_streamed_once() -> None:
    """Responses may come from a one-shot iterator (a generator)."""
    assert score_survey(OWNERS, ANSWERED) == score_survey(OWNERS, iter(ANSWERED))


# --- the oracle --------------------------------------------------------------------------


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, F(0)) / len(values) if values else None


def reference(
    instrument: Instrument,
    answered: Sequence[Response],
    weighting: Weighting = Weighting.DECLARED,
) -> SurveyScores:
    """:func:`score_survey` re-read from the module docstring, one figure at a time."""
    items = []
    for item in instrument.items:
        low, high = item.scale.bounds
        given = [r.answer(item.code) for r in answered]
        scored = [x for x in given if x is not None and x.score is not None]

        def mirrored(value: int, item: Item = item, low: int = low, high: int = high) -> int:
            return low + high - value if item.reverse else value

        values = [mirrored(x.score) for x in scored if x.score is not None]

        cut = high if item.scale is Scale.YES_NO else high - instrument.top_box + 1
        stated = [x.importance for x in scored if x.importance is not None]
        gaps = [
            v - mirrored(x.expectation)
            for x, v in zip(scored, values, strict=True)
            if x.expectation is not None
        ]
        items.append(
            ItemScore(
                code=item.code,
                scale=item.scale,
                n=len(values),
                missing=sum(x is None for x in given),
                na=sum(x is not None and x.na for x in given),
                total=sum(values),
                squares=sum(v * v for v in values),
                counts=tuple(values.count(v) for v in range(low, high + 1)),
                satisfied=sum(v >= cut for v in values),
                importance_n=len(stated),
                importance_total=sum(stated),
                gap_n=len(gaps),
                gap_total=sum(gaps),
            )
        )
    by_code = {s.code: s for s in items}
    rows = []
    for definition in instrument.dimensions:
        members = [by_code[i.code] for i in instrument.ratings(definition.code)]
        score = _mean([s.score_100 for s in members if s.score_100 is not None])
        importance = _mean([s.importance for s in members if s.importance is not None])
        gap = _mean([s.gap for s in members if s.gap is not None])
        if weighting is Weighting.IMPORTANCE:
            assert importance is not None
            weight = importance
        else:
            weight = F(definition.weight)
        matrix = rating_matrix(instrument, answered, definition.code)
        rows.append((definition, members, weight, score, importance, gap, matrix))
    scored_weight = sum((w for _, _, w, s, *_ in rows if s is not None), F(0))
    csi = (
        sum((w * s for _, _, w, s, *_ in rows if s is not None), F(0)) / scored_weight
        if scored_weight
        else None
    )
    all_weight = sum((r[2] for r in rows), F(0))
    dimensions = tuple(
        DimensionScore(
            code=d.code,
            label=d.label,
            weight=w / all_weight,
            score_100=s,
            importance=imp,
            gap=gap,
            alpha=alpha_by_definition(matrix, len(members)),
            complete=len(matrix),
            items=len(members),
        )
        for d, members, w, s, imp, gap, matrix in rows
    )
    overall = instrument.role(ItemRole.OVERALL)
    csat = (
        None
        if overall is None
        else Proportion(by_code[overall.code].satisfied, by_code[overall.code].n)
    )
    nps_item = instrument.role(ItemRole.NPS)
    nps = None
    if nps_item is not None and by_code[nps_item.code].n:
        answers = [recoded(instrument, r).get(nps_item.code) for r in answered]
        nps = NpsScore(
            promoters=sum(x is not None and x >= 9 for x in answers),
            passives=sum(x in (7, 8) for x in answers),
            detractors=sum(x is not None and x <= 6 for x in answers),
        )
    return SurveyScores(
        instrument=instrument.code,
        respondents=len(answered),
        items=tuple(items),
        dimensions=dimensions,
        weighting=weighting,
        csi=csi,
        csat=csat,
        nps=nps,
    )


def test_the_oracle_agrees_on_the_hand_computed_survey() -> None:
    """The reference implementation gives the hand-computed figures too (both weightings)."""
    for weighting in Weighting:
        assert reference(OWNERS, ANSWERED, weighting) == score_survey(
            OWNERS, ANSWERED, weighting=weighting
        )


# --- properties ------------------------------------------------------------------------


@given(surveys())
def test_scores_equal_the_reference(survey: tuple[Instrument, list[Response]]) -> None:
    """Every figure equals the plain re-computation from the documented formulas."""
    instrument, answered = survey
    assert reference(instrument, answered) == score_survey(instrument, answered)


@given(surveys(importance=True, complete=True, min_size=1, asks_importance=True))
def test_importance_weighted_scores_equal_the_reference(
    survey: tuple[Instrument, list[Response]],
) -> None:
    """With importance weights too (every item asks and every respondent states importance)."""
    instrument, answered = survey
    expected = reference(instrument, answered, Weighting.IMPORTANCE)
    assert expected == score_survey(instrument, answered, weighting=Weighting.IMPORTANCE)


@given(surveys(nps=True, min_size=1))
def test_nps_lies_between_minus_100_and_100(survey: tuple[Instrument, list[Response]]) -> None:
    """The NPS of any survey lies in [−100, 100], and so does its interval."""
    instrument, answered = survey
    scores = score_survey(instrument, answered)
    if scores.nps is None:
        nps_item = instrument.role(ItemRole.NPS)
        assert nps_item is not None
        assert 0 == scores.item(nps_item.code).n
        return
    low, high = scores.nps.interval()
    assert -100 <= low <= scores.nps.score <= high <= 100


def _with_nps(answered: Response, nps_code: str, value: int) -> Response:
    kept = tuple(x for x in answered.answers if x.item != nps_code)
    return attrs.evolve(answered, answers=(*kept, Answer(item=nps_code, score=value)))


@given(surveys(nps=True), st.integers(9, 10), st.integers(0, 6))
def test_a_promoter_never_lowers_and_a_detractor_never_raises_the_nps(
    survey: tuple[Instrument, list[Response]], promoter: int, detractor: int
) -> None:
    """Adding a respondent who promotes never lowers the NPS; one who detracts never raises it."""
    instrument, answered = survey
    nps_item = instrument.role(ItemRole.NPS)
    assert nps_item is not None
    before = score_survey(instrument, answered).nps
    added = response("new", Answer(item=nps_item.code, score=promoter))
    promoted = score_survey(instrument, [*answered, added]).nps
    added = response("new", Answer(item=nps_item.code, score=detractor))
    detracted = score_survey(instrument, [*answered, added]).nps
    assert promoted is not None
    assert detracted is not None
    if before is None:
        assert (F(100), F(-100)) == (promoted.score, detracted.score)
    else:
        assert promoted.score >= before.score >= detracted.score


@given(surveys())
def test_scores_lie_between_0_and_100(survey: tuple[Instrument, list[Response]]) -> None:
    """Item, dimension and CSI scores lie in [0, 100]; weights sum to 1."""
    instrument, answered = survey
    scores = score_survey(instrument, answered)
    for value in [i.score_100 for i in scores.items] + [d.score_100 for d in scores.dimensions]:
        assert value is None or 0 <= value <= 100
    assert scores.csi is None or 0 <= scores.csi <= 100
    assert F(1) == sum((d.weight for d in scores.dimensions), F(0))


@st.composite
def raised_answers(
    draw: st.DrawFn, /, **options: Any
) -> tuple[Instrument, list[Response], list[Response]]:
    """A survey and a copy where one rating answer's recoded value is one higher."""
    instrument, answered = draw(surveys(min_size=1, **options))
    candidates = [
        (r, x)
        for r, each in enumerate(answered)
        for x, answer in enumerate(each.answers)
        if answer.score is not None
        and instrument.item(answer.item).role is ItemRole.RATING
        and recoded(instrument, each)[answer.item] < instrument.item(answer.item).scale.bounds[1]
    ]
    assume(candidates)
    r, x = draw(st.sampled_from(candidates))
    answer = answered[r].answers[x]
    assert answer.score is not None
    step = -1 if instrument.item(answer.item).reverse else 1
    answers = list(answered[r].answers)
    answers[x] = attrs.evolve(answer, score=answer.score + step)
    changed = list(answered)
    changed[r] = attrs.evolve(answered[r], answers=tuple(answers))
    return instrument, answered, changed


@given(raised_answers())
def test_csi_is_monotone_in_every_recoded_answer(
    case: tuple[Instrument, list[Response], list[Response]],
) -> None:
    """Raising one answer's recoded value never lowers the CSI (declared weights)."""
    instrument, before, after = case
    low, high = score_survey(instrument, before).csi, score_survey(instrument, after).csi
    assert low is not None
    assert high is not None
    assert high >= low


@given(raised_answers(importance=True, complete=True, asks_importance=True))
def test_importance_weighted_csi_is_monotone(
    case: tuple[Instrument, list[Response], list[Response]],
) -> None:
    """Raising one recoded answer never lowers the importance-weighted CSI either."""
    instrument, before, after = case
    weighting = Weighting.IMPORTANCE
    low = score_survey(instrument, before, weighting=weighting).csi
    high = score_survey(instrument, after, weighting=weighting).csi
    assert low is not None
    assert high is not None
    assert high >= low


@given(surveys().flatmap(lambda s: st.tuples(st.just(s), st.permutations(s[1]))))
def test_scores_do_not_depend_on_respondent_order(
    case: tuple[tuple[Instrument, list[Response]], list[Response]],
) -> None:
    """Shuffling the responses changes nothing."""
    (instrument, answered), shuffled = case
    assert score_survey(instrument, answered) == score_survey(instrument, shuffled)


INTEGER_FIELDS = (
    "n",
    "missing",
    "na",
    "total",
    "squares",
    "satisfied",
    "importance_n",
    "importance_total",
    "gap_n",
    "gap_total",
)


def merged(left: ItemScore, right: ItemScore) -> ItemScore:
    """Two item scores of the same item, added up."""
    return attrs.evolve(
        left,
        counts=tuple(x + y for x, y in zip(left.counts, right.counts, strict=True)),
        **{name: getattr(left, name) + getattr(right, name) for name in INTEGER_FIELDS},
    )


@given(
    surveys().flatmap(lambda s: st.tuples(st.just(s[0]), st.just(s[1]), response_lists_for(s[0])))
)
def test_scoring_a_concatenation_equals_merging(
    case: tuple[Instrument, list[Response], list[Response]],
) -> None:
    """score(a + b): counts and sums add up, item by item, dimension by dimension."""
    instrument, first, second = case
    left, right = score_survey(instrument, first), score_survey(instrument, second)
    both = score_survey(instrument, first + second)
    assert left.respondents + right.respondents == both.respondents
    assert tuple(merged(x, y) for x, y in zip(left.items, right.items, strict=True)) == both.items
    assert [
        x.complete + y.complete for x, y in zip(left.dimensions, right.dimensions, strict=True)
    ] == [d.complete for d in both.dimensions]
    if both.csat is not None:
        assert left.csat is not None
        assert right.csat is not None
        assert (
            Proportion(left.csat.part + right.csat.part, left.csat.whole + right.csat.whole)
            == both.csat
        )
    counts = [
        (s.nps.promoters, s.nps.passives, s.nps.detractors) if s.nps else (0, 0, 0)
        for s in (left, right, both)
    ]
    assert [x + y for x, y in zip(counts[0], counts[1], strict=True)] == list(counts[2])


def response_lists_for(instrument: Instrument) -> st.SearchStrategy[list[Response]]:
    """Lists of responses to *instrument*."""
    return st.lists(responses(instrument), max_size=8)


@given(surveys(min_size=1))
def test_item_means_and_variances_match_numpy(survey: tuple[Instrument, list[Response]]) -> None:
    """Mean and population variance from the sums equal numpy's on the recoded answers."""
    instrument, answered = survey
    scores = score_survey(instrument, answered)
    for item in instrument.items:
        values = np.array(
            [v for r in answered if (v := recoded(instrument, r).get(item.code)) is not None],
            dtype=np.float64,
        )
        figures = scores.item(item.code)
        assert len(values) == figures.n
        if not len(values):
            continue
        assert figures.mean is not None
        variance = F(figures.squares, figures.n) - figures.mean**2
        assert np.isclose(float(figures.mean), values.mean(), rtol=1e-12, atol=1e-12)
        assert np.isclose(float(variance), values.var(), rtol=1e-12, atol=1e-12)
        low = item.scale.bounds[0]
        shifted = values.astype(np.int64) - low
        expected = np.bincount(shifted, minlength=len(figures.counts))
        assert expected.tolist() == list(figures.counts)


@given(surveys(min_size=2, complete=True, max_items=4))
def test_dimension_alpha_matches_numpy(survey: tuple[Instrument, list[Response]]) -> None:
    """Each dimension's alpha equals a numpy covariance-matrix computation within 1e-12."""
    instrument, answered = survey
    scores = score_survey(instrument, answered)
    for dimension in scores.dimensions:
        matrix = np.array(rating_matrix(instrument, answered, dimension.code), dtype=np.float64)
        assert len(matrix) == dimension.complete == len(answered)
        if dimension.items < 2:
            assert dimension.alpha is None
            continue
        cov = np.cov(matrix, rowvar=False)
        total = float(cov.sum())
        if dimension.alpha is None:
            assert abs(total) < 1e-9
            continue
        k = dimension.items
        expected = k / (k - 1) * (1 - float(np.trace(cov)) / total)
        assert np.isclose(float(dimension.alpha), expected, rtol=1e-12, atol=1e-12)


def test_many_distinct_answer_patterns() -> None:
    """Over 16 384 distinct answer patterns (the loop's memory bound): figures still exact."""
    instrument = Instrument(
        code="q",
        name=text("q"),
        dimensions=(DimensionDef.standard(Dimension.FACILITIES),),
        items=tuple(
            rating(f"f{j}", "facilities", scale=Scale.LIKERT_7, reverse=j == 2) for j in range(5)
        ),
    )
    codes = [i.code for i in instrument.items]
    answered = [
        response(
            f"R{n}",
            *(a(code, v) for code, v in zip(codes, values, strict=True) if v != 7 or n % 5),
        )
        for n, values in enumerate(itertools.product(range(1, 8), repeat=5))
    ]
    assert 16_807 == len(answered)
    scores = score_survey(instrument, answered)
    matrix = np.array(rating_matrix(instrument, answered, "facilities"), dtype=np.float64)
    facilities = scores.dimension("facilities")
    assert len(matrix) == facilities.complete
    cov = np.cov(matrix, rowvar=False)
    expected_alpha = 5 / 4 * (1 - float(np.trace(cov)) / float(cov.sum()))
    assert facilities.alpha is not None
    assert np.isclose(float(facilities.alpha), expected_alpha, rtol=1e-12, atol=1e-12)
    for item in instrument.items:
        values = [v for r in answered if (v := recoded(instrument, r).get(item.code)) is not None]
        figures = scores.item(item.code)
        assert (len(values), sum(values), sum(v * v for v in values)) == (
            figures.n,
            figures.total,
            figures.squares,
        )
        assert len(answered) - len(values) == figures.missing


# --- rich display ----------------------------------------------------------------------


def cells(scores: SurveyScores) -> HtmlCells:
    """The parsed ``_repr_html_`` of *scores*."""
    return read(scores._repr_html_())


def row(*texts: str, right: Sequence[int] = ()) -> list[tuple[str, str]]:
    """A table row of *texts*, the columns *right* aligned right."""
    return [(t, "right" if i in right else "left") for i, t in enumerate(texts)]


DIMENSION_HEADER = row(
    "维度 Dimension",
    "权重 Weight",
    "得分 Score",
    "重要性 Importance",
    "差距 Gap",
    "信度 α Alpha",
    "完整样本 Complete",
    "题数 Items",
    right=range(1, 8),
)
ITEM_HEADER = row(
    "题目 Item",
    "n",
    "缺答 Missing",
    "不适用 N/A",
    "均值 Mean",
    "得分 Score",
    "满意率 CSAT",
    "重要性 Importance",
    "差距 Gap",
    right=range(1, 9),
)


def test_html_of_the_hand_computed_survey() -> None:
    """The headline figures in zh and en, then every figure of the tables, aligned right."""
    shown = cells(score_survey(OWNERS, ANSWERED))
    assert [
        "满意度测评得分 Survey scores",
        "维度得分（0–100） Dimension scores (0–100)",
        "题目得分 Item scores",
    ] == shown.headings
    fields, dimensions, items = shown.tables
    assert [
        row("问卷 Instrument", "owners-2026"),
        row("答卷数 Respondents", "4"),
        row("权重来源 Weighting", "声明的权重 declared weights"),
        row("CSI", "63.9 / 100"),
        row(
            "CSAT",
            "66.7%（95% Wilson 区间 20.8% 至 93.9%；n = 3） "
            "66.7% (95% Wilson CI 20.8% to 93.9%; n = 3)",
        ),
        row(
            "NPS",
            "+25.0（95% 置信区间 -56.3 至 +100.0；n = 4：推荐者 2，中立者 1，贬损者 1） "
            "+25.0 (95% CI -56.3 to +100.0; n = 4: 2 promoters, 1 passives, 1 detractors)",
        ),
    ] == fields
    r = range(1, 9)
    assert [
        DIMENSION_HEADER,
        row("服务 service", "66.7%", "66.7", "4.50", "+0.83", "1.00", "2", "2", right=r),
        row("价格 price", "33.3%", "58.3", "3.00", "–", "–", "3", "1", right=r),
    ] == dimensions
    assert [
        ITEM_HEADER,
        row("s1", "3", "0", "1", "4.00", "75.0", "66.7%", "4.50", "+1.00", right=r),
        row("s2", "3", "1", "0", "3.33", "58.3", "66.7%", "–", "+0.67", right=r),
        row("p1", "3", "0", "1", "3.33", "58.3", "66.7%", "3.00", "–", right=r),
        row("sat", "3", "1", "0", "3.67", "66.7", "66.7%", "–", "–", right=r),
        row("nps", "4", "0", "0", "7.25", "72.5", "50.0%", "–", "–", right=r),
    ] == items


def test_html_of_a_sparse_survey() -> None:
    """Negative gaps and NPS signed; dashes where nothing was answered; importance weights."""
    answered = [
        response("R1", a("s1", 2, importance=5, expectation=4), a("p1", 5, importance=1)),
        response("R2", a("s1", 3, importance=3, expectation=3), a("nps", 6)),
    ]
    fields, dimensions, items = cells(
        score_survey(OWNERS, answered, weighting=Weighting.IMPORTANCE)
    ).tables
    assert [
        row("问卷 Instrument", "owners-2026"),
        row("答卷数 Respondents", "2"),
        row("权重来源 Weighting", "陈述的重要性 stated importance"),
        row("CSI", "30.0 / 100"),
        row("CSAT", "–"),
        row(
            "NPS",
            "-100.0（95% 置信区间 -100.0 至 -100.0；n = 1：推荐者 0，中立者 0，贬损者 1） "
            "-100.0 (95% CI -100.0 to -100.0; n = 1: 0 promoters, 0 passives, 1 detractors)",
        ),
    ] == fields
    r = range(1, 9)
    assert [
        DIMENSION_HEADER,
        row("服务 service", "80.0%", "37.5", "4.00", "-1.00", "–", "0", "2", right=r),
        row("价格 price", "20.0%", "0.0", "1.00", "–", "–", "1", "1", right=r),
    ] == dimensions
    assert [
        ITEM_HEADER,
        row("s1", "2", "0", "0", "2.50", "37.5", "0.0%", "4.00", "-1.00", right=r),
        row("s2", "0", "2", "0", "–", "–", "–", "–", "–", right=r),
        row("p1", "1", "1", "0", "1.00", "0.0", "0.0%", "1.00", "–", right=r),
        row("sat", "0", "2", "0", "–", "–", "–", "–", "–", right=r),
        row("nps", "1", "1", "0", "6.00", "60.0", "0.0%", "–", "–", right=r),
    ] == items


def test_html_with_no_responses_shows_dashes() -> None:
    """Nothing scored: a dash for the CSI, the CSAT, the NPS and every mean."""
    fields, _, items = cells(score_survey(OWNERS, [])).tables
    assert [row("CSI", "– / 100"), row("CSAT", "–"), row("NPS", "–")] == fields[3:]
    assert row("s1", "0", "0", "0", "–", "–", "–", "–", "–", right=range(1, 9)) == items[1]
