"""The fast scoring paths: ``score_survey``'s pattern counting and the numpy ``score_array``.

``score_survey`` counts each dimension's answer patterns and checks each
distinct pattern once; these tests hold it to a plain answer-by-answer
reference (every integer accumulator, alpha from the same sums), to
``check_response`` (it refuses exactly the responses ``check_response``
refuses, with the same report), and ``score_array`` to ``score_survey``
(equal ``SurveyScores``, so every figure's relative error is 0).
"""

import random
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.errors import InvalidValue, PmcrmError, ValidationError
from pmcrm.surveys import (
    Answer,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Response,
    Scale,
    SurveyScores,
    Weighting,
    check_response,
    cronbach_alpha,
    scale_bounds,
    score_survey,
    scoring,
)
from pmcrm.surveys.fast import MISSING, NOT_APPLICABLE, score_array
from pmcrm.values import Label

SCALES = (Scale.LIKERT_5, Scale.LIKERT_7, Scale.ZERO_TO_TEN, Scale.YES_NO)
DAY = date(2026, 11, 2)

#: A matrix of answers and its importance and expectation matrices (None when not asked).
Answers = tuple[list[list[int]], list[list[int]] | None, list[list[int]] | None]


def _label(code: str) -> Label:
    return Label(zh=f"题目 {code}", en=f"item {code}")


@st.composite
def instruments(draw: st.DrawFn, *, extras: bool = True) -> Instrument:
    """Instruments of 1-3 dimensions of 1-4 items on any scale, maybe overall and NPS items."""
    dimensions = []
    items = []
    for d in range(draw(st.integers(1, 3))):
        code = f"d{d}"
        weight = Decimal(draw(st.integers(1, 3)))
        dimensions.append(DimensionDef(code=code, label=_label(code), weight=weight))
        for j in range(draw(st.integers(1, 4))):
            items.append(
                Item(
                    code=f"{code}i{j}",
                    text=_label(f"{code}i{j}"),
                    dimension=code,
                    scale=draw(st.sampled_from(SCALES)),
                    reverse=draw(st.booleans()),
                    importance=extras and draw(st.booleans()),
                    expectation=extras and draw(st.booleans()),
                )
            )
    if draw(st.booleans()):
        items.append(
            Item(
                code="overall",
                text=_label("overall"),
                role=ItemRole.OVERALL,
                scale=draw(st.sampled_from(SCALES)),
            )
        )
    if draw(st.booleans()):
        items.append(
            Item(code="nps", text=_label("nps"), role=ItemRole.NPS, scale=Scale.ZERO_TO_TEN)
        )
    ordered = draw(st.permutations(items))
    widths = [
        scale_bounds(i.scale)[1] - scale_bounds(i.scale)[0]
        for i in ordered
        if i.scale is not Scale.YES_NO
    ]
    top_box = draw(st.integers(1, min(widths, default=10)))
    return Instrument(
        code="q-test",
        name=_label("q"),
        dimensions=tuple(dimensions),
        items=tuple(ordered),
        top_box=top_box,
    )


@st.composite
def answers(draw: st.DrawFn, instrument: Instrument, max_rows: int = 25) -> Answers:
    """Valid answers as matrices: scores (or MISSING, NOT_APPLICABLE), importance, expectation."""
    rows = draw(st.integers(0, max_rows))
    skip = draw(st.sampled_from([0.0, 0.1, 0.4]))
    rng = random.Random(draw(st.integers(0, 2**32)))

    def score(item: Item) -> int:
        chance = rng.random()
        if chance < skip:
            return MISSING
        if chance < 2 * skip and item.role is not ItemRole.NPS:
            return NOT_APPLICABLE
        return rng.randint(*scale_bounds(item.scale))

    def extra(item: Item, flag: str) -> int:
        if not getattr(item, flag) or rng.random() < skip:
            return MISSING
        return rng.randint(*scale_bounds(item.scale))

    def matrix(flag: str) -> list[list[int]] | None:
        if not any(getattr(item, flag) for item in instrument.items):
            return None
        return [[extra(item, flag) for item in instrument.items] for _ in range(rows)]

    scores = [[score(item) for item in instrument.items] for _ in range(rows)]
    return scores, matrix("importance"), matrix("expectation")


def to_responses(instrument: Instrument, given_: Answers, seed: int = 0) -> list[Response]:
    """The same answers as Response objects, each response's answers shuffled."""
    scores, importance, expectation = given_
    rng = random.Random(seed)
    responses = []
    for r, row in enumerate(scores):
        answers_ = []
        for at, item in enumerate(instrument.items):
            if row[at] == MISSING:
                continue
            stated, expected = (
                None if matrix is None or matrix[r][at] == MISSING else matrix[r][at]
                for matrix in (importance, expectation)
            )
            na = row[at] == NOT_APPLICABLE
            answers_.append(
                Answer(
                    item=item.code,
                    score=None if na else row[at],
                    na=na,
                    importance=stated,
                    expectation=expected,
                )
            )
        rng.shuffle(answers_)
        responses.append(Response(respondent_id=f"R{r}", on=DAY, answers=tuple(answers_)))
    return responses


def reference(instrument: Instrument, responses: Sequence[Response]) -> dict[str, Any]:
    """The integer accumulators added up answer by answer, and alpha from them."""
    items = instrument.items
    figures: dict[str, Any] = {
        item.code: {
            "n": 0,
            "na": 0,
            "total": 0,
            "squares": 0,
            "counts": [0] * (scale_bounds(item.scale)[1] - scale_bounds(item.scale)[0] + 1),
            "satisfied": 0,
            "importance": [0, 0],
            "gap": [0, 0],
        }
        for item in items
    }
    complete: dict[str, list[list[int]]] = {d.code: [] for d in instrument.dimensions}
    for response in responses:
        row: dict[str, int] = {}
        for answer in response.answers:
            item = instrument.item(answer.item)
            fig = figures[item.code]
            if answer.score is None:
                fig["na"] += 1
                continue
            low, high = scale_bounds(item.scale)
            score = item.recode(answer.score)
            cut = high if item.scale is Scale.YES_NO else high - instrument.top_box + 1
            fig["n"] += 1
            fig["total"] += score
            fig["squares"] += score * score
            fig["counts"][score - low] += 1
            fig["satisfied"] += score >= cut
            if answer.importance is not None:
                fig["importance"][0] += 1
                fig["importance"][1] += answer.importance
            if answer.expectation is not None:
                fig["gap"][0] += 1
                fig["gap"][1] += score - item.recode(answer.expectation)
            row[item.code] = score
        for d in instrument.dimensions:
            codes = [i.code for i in instrument.ratings(d.code)]
            if all(c in row for c in codes):
                complete[d.code].append([row[c] for c in codes])
    for code, rows in complete.items():
        totals = [sum(r) for r in rows]
        columns = list(zip(*rows, strict=True)) if rows else []
        k = len(list(instrument.ratings(code)))
        figures[code] = (
            len(rows),
            cronbach_alpha(
                k=k,
                n=len(rows),
                item_sums=[sum(c) for c in columns] or [0] * k,
                item_squares=[sum(x * x for x in c) for c in columns] or [0] * k,
                total_sum=sum(totals),
                total_square=sum(t * t for t in totals),
            ),
        )
    return figures


def assert_matches_reference(
    instrument: Instrument, responses: Sequence[Response], scores: SurveyScores
) -> None:
    """*scores* has the reference's accumulators, complete cases and alpha."""
    expected = reference(instrument, responses)
    assert len(responses) == scores.respondents
    for item in scores.items:
        fig = expected[item.code]
        assert (
            fig["n"],
            fig["na"],
            len(responses) - fig["n"] - fig["na"],
            fig["total"],
            fig["squares"],
            tuple(fig["counts"]),
            fig["satisfied"],
            *fig["importance"],
            *fig["gap"],
        ) == (
            item.n,
            item.na,
            item.missing,
            item.total,
            item.squares,
            item.counts,
            item.satisfied,
            item.importance_n,
            item.importance_total,
            item.gap_n,
            item.gap_total,
        )
        assert all(type(v) is int for v in (item.n, item.total, item.squares, *item.counts))
    for dimension in scores.dimensions:
        assert expected[dimension.code] == (dimension.complete, dimension.alpha)


# --- score_survey against the reference and check_response ------------------------------


@given(st.data())
def test_score_survey_equals_the_answer_by_answer_reference(data: st.DataObject) -> None:
    """Every integer accumulator and alpha, whatever the order of the answers."""
    instrument = data.draw(instruments())
    given_ = data.draw(answers(instrument))
    responses = to_responses(instrument, given_, seed=data.draw(st.integers(0, 99)))
    assert_matches_reference(instrument, responses, score_survey(instrument, responses))


@given(st.data())
def test_score_survey_is_independent_of_how_often_patterns_are_folded(
    data: st.DataObject,
) -> None:
    """Folding the pattern counts early (bounded memory) changes no figure."""
    instrument = data.draw(instruments())
    responses = to_responses(instrument, data.draw(answers(instrument)))
    expected = score_survey(instrument, responses)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scoring, "_MAX_PATTERNS", data.draw(st.integers(1, 4)))
        assert expected == score_survey(instrument, iter(responses))


FAULTS = ("high", "low", "nps_na", "unknown", "importance", "expectation", "none")


def _break(instrument: Instrument, response: Response, fault: str) -> Response:
    """*response* with one *fault* (``"none"``: unchanged)."""
    answers_ = list(response.answers)
    if fault == "unknown":
        answers_.insert(0, Answer(item="zz", score=1))
    elif fault == "nps_na":
        nps = instrument.role(ItemRole.NPS)
        if nps is None:
            return response
        answers_ = [a for a in answers_ if a.item != nps.code] + [Answer(item=nps.code, na=True)]
    elif fault in ("high", "low"):
        if not answers_:
            return response
        first = answers_[-1]
        low, high = scale_bounds(instrument.item(first.item).scale)
        score = high + 1 if fault == "high" else low - 1
        answers_[-1] = Answer(item=first.item, score=score)
    elif fault in ("importance", "expectation"):
        if not answers_:
            return response
        first = answers_[0]
        answers_[0] = Answer(
            item=first.item,
            score=first.score,
            na=first.na,
            **{fault: 11},
        )
    return Response(respondent_id=response.respondent_id, on=DAY, answers=tuple(answers_))


@given(st.data())
def test_score_survey_refuses_exactly_what_check_response_refuses(data: st.DataObject) -> None:
    """The first response check_response refuses is refused, with its report and index."""
    instrument = data.draw(instruments(extras=data.draw(st.booleans())))
    responses = to_responses(instrument, data.draw(answers(instrument, max_rows=8)))
    responses = [_break(instrument, r, data.draw(st.sampled_from(FAULTS))) for r in responses]
    failures = []
    for index, response in enumerate(responses):
        try:
            check_response(instrument, response)
        except ValidationError as exc:
            failures.append((index, exc))
    if not failures:
        assert_matches_reference(instrument, responses, score_survey(instrument, responses))
        return
    index, first = failures[0]
    with pytest.raises(ValidationError) as caught:
        score_survey(instrument, responses)
    assert first.report == caught.value.report
    assert f"response {index} (respondent 'R{index}')" == caught.value.target


LIKERT = Instrument(
    code="q-likert",
    name=_label("q"),
    dimensions=(DimensionDef(code="d", label=_label("d")),),
    items=(
        Item(code="a", text=_label("a"), dimension="d"),
        Item(code="b", text=_label("b"), dimension="d", scale=Scale.YES_NO),
        Item(code="nps", text=_label("nps"), role=ItemRole.NPS, scale=Scale.ZERO_TO_TEN),
    ),
)


def _response(*answers_: Answer, respondent: str = "R1") -> Response:
    return Response(respondent_id=respondent, on=DAY, answers=answers_)


def test_a_score_that_is_not_an_integer_is_a_located_type_fault() -> None:
    """check_response takes 4.0 (it is within 1-5); the counts need integers."""
    good = _response(Answer(item="a", score=3), respondent="R0")
    bad = _response(Answer(item="b", score=1), Answer(item="a", score=4.0))  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        score_survey(LIKERT, [good, bad])
    assert caught.value.target == "response 1 (respondent 'R1')"
    assert caught.value.report.paths == ("$.answers[1].score",)
    assert caught.value.report.codes == ("type",)
    assert "must be an integer, got float" in str(caught.value)


def test_integer_types_other_than_int_count_as_their_value() -> None:
    """bool and numpy integers are integers (``operator.index``); the figures are plain ints."""
    plain = [_response(Answer(item="a", score=5), Answer(item="b", score=1), respondent="R0")]
    other = [
        _response(
            Answer(item="a", score=np.int64(5)),  # type: ignore[arg-type]
            Answer(item="b", score=True),
            respondent="R0",
        )
    ]
    assert score_survey(LIKERT, plain) == score_survey(LIKERT, other)
    assert type(score_survey(LIKERT, other).item("a").total) is int


def test_many_instruments_in_turn() -> None:
    """What is derived from an instrument is kept for a few dozen instruments, then renewed."""
    instruments_ = [attrs.evolve(LIKERT, code=f"q-{n}") for n in range(40)]
    responses = [_response(Answer(item="a", score=4), Answer(item="nps", score=9))]
    expected = score_survey(LIKERT, responses).items
    for instrument in instruments_ * 2:
        assert expected == score_survey(instrument, responses).items


def test_no_responses() -> None:
    """No response: nothing is scored, nothing is undefined by accident."""
    scores = score_survey(LIKERT, iter(()))
    assert (0, None, None) == (scores.respondents, scores.csi, scores.nps)
    assert (0, None) == (scores.dimension("d").complete, scores.dimension("d").alpha)


SERVQUAL = Instrument(
    code="q-servqual",
    name=_label("q"),
    dimensions=(DimensionDef(code="d", label=_label("d")),),
    items=(
        Item(code="a", text=_label("a"), dimension="d", importance=True, expectation=True),
        Item(code="r", text=_label("r"), dimension="d", reverse=True, expectation=True),
        Item(code="c", text=_label("c"), dimension="d"),
    ),
)


def test_importance_and_gaps_count_only_answers_with_a_score() -> None:
    """A not-applicable answer's importance and expectation are checked, not counted."""
    responses = [
        _response(
            Answer(item="a", score=4, importance=5, expectation=5),
            Answer(item="r", score=2, expectation=1),  # reverse: 4 - 5
            Answer(item="c", score=3),
        ),
        _response(Answer(item="a", na=True, importance=3, expectation=2), respondent="R2"),
    ]
    scores = score_survey(SERVQUAL, responses, weighting=Weighting.IMPORTANCE)
    a, r = scores.item("a"), scores.item("r")
    assert (1, 5, 1, -1) == (a.importance_n, a.importance_total, a.gap_n, a.gap_total)
    assert (0, 1, -1) == (r.importance_n, r.gap_n, r.gap_total)
    assert Fraction(5) == scores.dimension("d").importance
    assert_matches_reference(SERVQUAL, responses[:1], score_survey(SERVQUAL, responses[:1]))


@pytest.mark.parametrize(
    ("answer", "path"),
    [
        (Answer(item="c", score=3, importance=2), "$.answers[0].importance"),
        (Answer(item="r", score=3, importance=2), "$.answers[0].importance"),
        (Answer(item="a", score=3, importance=6), "$.answers[0].importance"),
        (Answer(item="c", score=3, expectation=2), "$.answers[0].expectation"),
        (Answer(item="a", score=3, expectation=0), "$.answers[0].expectation"),
        (Answer(item="a", na=True, importance=9), "$.answers[0].importance"),
    ],
)
def test_importance_and_expectation_must_be_asked_and_on_the_scale(
    answer: Answer, path: str
) -> None:
    """On an instrument that asks for them, each is checked as check_response does."""
    with pytest.raises(ValidationError) as caught:
        score_survey(SERVQUAL, [_response(answer)])
    assert (path,) == caught.value.report.paths


# --- score_array ----------------------------------------------------------------------------


@given(st.data())
def test_score_array_equals_score_survey(data: st.DataObject) -> None:
    """Equal SurveyScores: every figure exact, so the relative error is 0 (≤ 1e-12)."""
    instrument = data.draw(instruments())
    scores, importance, expectation = data.draw(answers(instrument))
    responses = to_responses(instrument, (scores, importance, expectation))
    dtype = data.draw(st.sampled_from([np.int8, np.int16, np.int64]))

    def array(values: list[list[int]] | None) -> Any:
        if values is None:
            return None
        return np.array(values, dtype=dtype).reshape(-1, len(instrument.items))

    fast = score_array(
        instrument, array(scores), importance=array(importance), expectation=array(expectation)
    )
    exact = score_survey(instrument, responses)
    assert exact == fast
    for item_fast, item_exact in zip(fast.items, exact.items, strict=True):
        if item_exact.mean is not None:
            assert item_fast.mean is not None
            assert abs(item_fast.mean - item_exact.mean) <= Fraction(1, 10**12) * abs(
                item_exact.mean
            )


def test_score_array_takes_nested_lists_and_numpy_integers() -> None:
    """Nested lists and any integer dtype give the same scores."""
    rows = [[5, 1, 10], [4, NOT_APPLICABLE, MISSING], [1, 0, 0]]
    responses = [
        _response(
            Answer(item="a", score=5), Answer(item="b", score=1), Answer(item="nps", score=10)
        ),
        _response(Answer(item="a", score=4), Answer(item="b", na=True), respondent="R2"),
        _response(
            Answer(item="a", score=1),
            Answer(item="b", score=0),
            Answer(item="nps", score=0),
            respondent="R3",
        ),
    ]
    expected = score_survey(LIKERT, responses)
    assert expected == score_array(LIKERT, rows)
    assert expected == score_array(LIKERT, np.array(rows, dtype=np.int32))
    assert expected.dimension("d").alpha == score_array(LIKERT, rows).dimension("d").alpha


def test_score_array_of_no_rows() -> None:
    """An empty array scores like no responses."""
    assert score_survey(LIKERT, []) == score_array(LIKERT, np.empty((0, 3), dtype=np.int64))


@pytest.mark.parametrize(
    ("values", "code"),
    [
        (np.array([[1.0, 1.0, 1.0]]), "type"),
        (np.array([[True, True, True]]), "type"),
        (np.array([[1, 1, 1]], dtype=np.uint64), "type"),
        (np.array([1, 1, 1]), "invalid"),
        (np.array([[1, 1]]), "invalid"),
    ],
)
def test_score_array_needs_a_2d_integer_array_with_a_column_per_item(
    values: Any, code: str
) -> None:
    """Floats, booleans, uint64, 1-D arrays and wrong widths are refused."""
    with pytest.raises(InvalidValue) as caught:
        score_array(LIKERT, values)
    assert code == caught.value.code


def test_the_extra_arrays_need_the_scores_shape() -> None:
    """An importance array of another shape is refused."""
    with pytest.raises(InvalidValue, match="shape"):
        score_array(SERVQUAL, [[1, 2, 3]], importance=[[1, 2, 3], [1, 2, 3]])


def test_score_array_reports_the_first_bad_row() -> None:
    """Every fault of the first bad row, each with its cell."""
    rows = [[5, 1, 10], [6, 2, NOT_APPLICABLE], [0, 1, 1]]
    with pytest.raises(ValidationError) as caught:
        score_array(LIKERT, rows)
    assert "row 1" == caught.value.target
    assert ("$.scores[1][0]", "$.scores[1][1]", "$.scores[1][2]") == caught.value.report.paths
    assert "out of the scale 1–5" in str(caught.value)
    assert "the NPS item cannot be not applicable" in str(caught.value)


def test_score_array_checks_importance_and_expectation() -> None:
    """Importance and expectation must be asked and on the scale."""
    scores = [[3, 3, 3], [3, 3, 3]]
    importance = [[MISSING, MISSING, MISSING], [6, MISSING, 2]]
    expectation = [[MISSING, MISSING, MISSING], [MISSING, 0, 4]]
    with pytest.raises(ValidationError) as caught:
        score_array(SERVQUAL, scores, importance=importance, expectation=expectation)
    assert "row 1" == caught.value.target
    assert (
        "$.importance[1][0]",
        "$.expectation[1][1]",
        "$.importance[1][2]",
        "$.expectation[1][2]",
    ) == caught.value.report.paths
    assert "does not ask for importance" in caught.value.report.render()


def test_score_array_without_numpy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without numpy: a PmcrmError that is an ImportError, naming the ``fast`` extra."""
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(ImportError) as caught:
        score_array(LIKERT, [[5, 1, 10]])
    assert isinstance(caught.value, PmcrmError)
    assert 'pip install "pmcrm[fast]"' in str(caught.value)
    assert "numpy" in str(caught.value)


def test_importing_the_surveys_imports_no_numpy() -> None:
    """``pmcrm.surveys`` and ``pmcrm.surveys.fast`` import numpy only when it is used."""
    code = (
        "import sys, pmcrm.surveys, pmcrm.surveys.fast; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'numpy', 'pandas'}))"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "[]" == out.strip()
