"""Shown figures are rounded by the stated rule, whatever the caller's decimal context."""

from decimal import Decimal, localcontext

from pmcrm.surveys.scoring import Proportion


def test_percentages_ignore_the_ambient_context() -> None:
    """A 1-digit, round-down context does not change 100.0 % or the half-up rule."""
    with localcontext() as context:
        context.prec = 1
        assert Decimal("100.0") == Proportion(10, 10).percent()
        assert Decimal("66.7") == Proportion(2, 3).percent()
        assert Decimal("0.1") == Proportion(1, 1000).percent()


def test_half_up_and_no_negative_zero() -> None:
    """Halves go away from zero; a value that rounds to zero has no minus sign."""
    from pmcrm.values import round_half_up

    assert Decimal("-0.1") == round_half_up(-1, 20, 1)
    assert "0.0" == str(round_half_up(-1, 30, 1))
    assert Decimal("0.1") == round_half_up(1, 20, 1)


def test_importance_weights_that_are_all_zero_are_refused() -> None:
    """On a 0-10 scale every dimension may be rated 0 for importance: no weights, an error."""
    from datetime import date

    import pytest

    from pmcrm.errors import InvalidValue
    from pmcrm.surveys import (
        Answer,
        Dimension,
        DimensionDef,
        Instrument,
        Item,
        Response,
        Scale,
        Weighting,
        score_survey,
    )
    from pmcrm.values import Label

    instrument = Instrument(
        code="q",
        name=Label(zh="问卷", en="survey"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=(
            Item(
                code="s1",
                text=Label(zh="及时", en="timely"),
                dimension="service",
                scale=Scale.ZERO_TO_TEN,
                importance=True,
            ),
        ),
    )
    response = Response(
        respondent_id="R-1",
        on=date(2026, 11, 2),
        answers=(Answer(item="s1", score=7, importance=0),),
    )
    with pytest.raises(InvalidValue, match="mean importance is 0"):
        score_survey(instrument, [response], weighting=Weighting.IMPORTANCE)
