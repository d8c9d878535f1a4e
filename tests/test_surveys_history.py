"""Satisfaction history: respondents' CSI as the records the tier review reads."""

from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import given

from pmcrm.errors import ValidationError
from pmcrm.surveys import (
    Answer,
    DimensionDef,
    Instrument,
    Response,
    Scale,
    score_survey,
)
from pmcrm.surveys.history import (
    HISTORY_PLACES,
    respondent_csi,
    satisfaction_history,
    satisfaction_record,
)
from pmcrm.tiers import (
    CooperationRefusal,
    DowngradeCause,
    ReviewAction,
    SatisfactionScore,
    review,
    triggers,
)
from pmcrm.values import Label
from test_surveys_ipa import OVERALL, SERVICE, instrument_of, rating, respond, scored, surveys
from test_tiers import AS_OF
from test_tiers_review import POLICY, platinum, record

PRICE = DimensionDef(code="price", label=Label(zh="价格", en="price"), weight=Decimal(3))
TWO_DIMENSIONS = Instrument(
    code="q",
    name=Label(zh="问卷", en="survey"),
    dimensions=(SERVICE, PRICE),
    items=(
        rating("s1"),
        rating("s2", scale=Scale.ZERO_TO_TEN),
        rating("fee", dimension="price", reverse=True),
        OVERALL,
    ),
)


def _rounded(value: Fraction) -> Decimal:
    """The reference rounding: half up to 0.01 through Decimal (exact for these values)."""
    context = Context(prec=60)
    quotient = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    return quotient.quantize(HISTORY_PLACES, rounding=ROUND_HALF_UP, context=context)


# --- properties --------------------------------------------------------------------------


@given(survey=surveys())
def test_history_scores_are_each_respondents_csi_within_0_and_100(
    survey: tuple[Instrument, list[Response]],
) -> None:
    """One record per linked response with a CSI: score_survey's CSI of that response, rounded."""
    instrument, responses = survey
    history = satisfaction_history(instrument, responses)
    expected: dict[str, list[tuple[date, Decimal]]] = {}
    for response in responses:
        csi = score_survey(instrument, [response]).csi
        assert csi == respondent_csi(instrument, response)
        if response.customer_id is not None and csi is not None:
            expected.setdefault(response.customer_id, []).append((response.on, _rounded(csi)))
    assert sorted(expected) == list(history)
    for customer, records in history.items():
        assert sorted(expected[customer]) == [(r.on, r.score) for r in records]
        assert all(Decimal(0) <= r.score <= Decimal(100) for r in records)
        assert all(r.score == r.score.quantize(HISTORY_PLACES) for r in records)
        assert [r.on for r in records] == sorted(r.on for r in records)


# --- examples ------------------------------------------------------------------------------


def test_the_respondents_csi_uses_declared_weights_and_reverse_coding() -> None:
    """Service (weight 1) = mean(75, 80); price (weight 3) = the mirrored fee answer."""
    response = respond(1, scored("s1", 4), scored("s2", 8), scored("fee", 2), scored("overall", 1))
    # service 77.5; fee 2 reversed is 4 → 75; (77.5 + 3·75) / 4 = 75.625
    assert Fraction(605, 8) == respondent_csi(TWO_DIMENSIONS, response)
    assert SatisfactionScore(on=date(2026, 11, 2), score=Decimal("75.63")) == (
        satisfaction_record(TWO_DIMENSIONS, response)
    )


def test_unscored_dimensions_and_items_are_left_out() -> None:
    """Only what the respondent scored counts: n/a and skipped items, empty dimensions."""
    response = respond(1, scored("s1", 5), Answer(item="s2", na=True), scored("overall", 1))
    assert Fraction(100) == respondent_csi(TWO_DIMENSIONS, response)
    nothing = respond(2, Answer(item="s1", na=True), scored("overall", 5))
    assert respondent_csi(TWO_DIMENSIONS, nothing) is None
    assert satisfaction_record(TWO_DIMENSIONS, nothing) is None


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        ("0.00005", "0.01"),  # 0.005 rounds up, not to even
        ("0.00025", "0.03"),  # 0.025: half up gives 0.03 where half even gives 0.02
        ("0.00015", "0.02"),
        ("0.000049", "0.00"),
    ],
)
def test_scores_round_half_up_to_the_hundredth(weight: str, expected: str) -> None:
    """A score of 100 weighted *weight* against a score of 0: the CSI is 100·weight."""
    instrument = Instrument(
        code="q",
        name=Label(zh="问卷", en="survey"),
        dimensions=(
            DimensionDef(code="service", label=SERVICE.label, weight=Decimal(weight)),
            DimensionDef(code="price", label=PRICE.label, weight=1 - Decimal(weight)),
        ),
        items=(rating("s1"), rating("fee", dimension="price")),
    )
    response = respond(1, scored("s1", 5), scored("fee", 1))
    assert Fraction(Decimal(weight)) * 100 == respondent_csi(instrument, response)
    found = satisfaction_record(instrument, response)
    assert found is not None
    assert Decimal(expected) == found.score


def test_history_skips_unlinked_and_unscored_responses_and_sorts_by_date() -> None:
    """Customers in id order; each one's records by date; unlinked responses skipped."""
    instrument = instrument_of(rating("s1"))
    responses = [
        respond(1, scored("s1", 2), customer_id="C-2", on=date(2026, 9, 1)),
        respond(2, scored("s1", 5), customer_id="C-1", on=date(2026, 6, 1)),
        respond(3, scored("s1", 1), on=date(2026, 1, 1)),
        respond(4, scored("s1", 4), customer_id="C-2", on=date(2026, 3, 1)),
        respond(5, Answer(item="s1", na=True), customer_id="C-3", on=date(2026, 3, 1)),
        respond(6, scored("s1", 3), customer_id="C-2", on=date(2026, 3, 1)),
    ]
    history = satisfaction_history(instrument, responses)
    assert ["C-1", "C-2"] == list(history)
    assert [
        (date(2026, 3, 1), Decimal("50.00")),
        (date(2026, 3, 1), Decimal("75.00")),
        (date(2026, 9, 1), Decimal("25.00")),
    ] == [(s.on, s.score) for s in history["C-2"]]
    assert {} == satisfaction_history(instrument, [responses[2]])


def test_a_broken_linked_response_is_named_by_its_place() -> None:
    """Linked responses are checked; the error names the response."""
    instrument = instrument_of(rating("s1"))
    broken = [
        respond(1, scored("s1", 9)),  # not linked: not read
        respond(2, scored("s1", 3), customer_id="C-1"),
        respond(3, scored("s1", 6), customer_id="C-1"),
    ]
    with pytest.raises(ValidationError) as caught:
        satisfaction_history(instrument, broken)
    assert "response 2 (respondent 'R3')" == caught.value.target
    with pytest.raises(ValidationError):
        respondent_csi(instrument, broken[0])


# --- the tier review reads the history ------------------------------------------------------


def test_the_tier_review_reads_the_history_as_sustained_low_satisfaction() -> None:
    """Three low survey scores and a refusal since the first: a downgrade notice."""
    instrument = instrument_of(rating("s1"), rating("s2"))
    months_scores = ((3, (2, 3)), (6, (3, 3)), (9, (3, 2)))  # 37.5, 50, 37.5: all below 60
    responses = [
        respond(m, scored("s1", a), scored("s2", b), customer_id="C-1", on=date(2026, m, 1))
        for m, (a, b) in months_scores
    ]
    history = satisfaction_history(instrument, responses)
    assert [Decimal("37.50"), Decimal("50.00"), Decimal("37.50")] == [
        s.score for s in history["C-1"]
    ]
    refused = record(
        satisfaction=history["C-1"],
        refusals=(CooperationRefusal(on=date(2026, 9, 15), note="拒绝整改"),),
    )
    outcome = review(platinum(), refused, POLICY, AS_OF)
    assert ReviewAction.NOTICE == outcome.action
    assert outcome.notice is not None
    assert (DowngradeCause.LOW_SATISFACTION,) == outcome.notice.causes
    assert "last scores 37.50, 50.00, 37.50 all below 60" in outcome.explain("en")


def test_a_good_survey_score_cures_the_trigger() -> None:
    """A later high score breaks the run of low ones: no trigger."""
    instrument = instrument_of(rating("s1"))
    responses = [
        respond(m, scored("s1", s), customer_id="C-1", on=date(2026, m, 1))
        for m, s in ((3, 1), (6, 2), (8, 2), (10, 5))
    ]
    refusal = (CooperationRefusal(on=date(2026, 6, 15), note="n"),)
    history = satisfaction_history(instrument, responses)["C-1"]
    assert not triggers(platinum(), record(satisfaction=history, refusals=refusal), POLICY, AS_OF)
    low_run = record(satisfaction=history[:3], refusals=refusal)
    assert triggers(platinum(), low_run, POLICY, AS_OF)


def test_the_ambient_decimal_context_changes_nothing() -> None:
    """A caller's 2-digit context does not round the records' scores."""
    import decimal

    response = respond(
        1, scored("s1", 4), scored("s2", 8), scored("fee", 2), customer_id="C-1", on=AS_OF
    )
    with decimal.localcontext() as context:
        context.prec = 2
        history = satisfaction_history(TWO_DIMENSIONS, [response])
    assert (SatisfactionScore(on=AS_OF, score=Decimal("75.63")),) == history["C-1"]
