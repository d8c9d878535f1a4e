"""The survey's waves up to the report's day, and the rounding the survey figures use."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs

from pmcrm.cli.demo._context import Demo
from pmcrm.surveys.breakdowns import PeriodUnit, period_key
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, IpaResult, ipa
from pmcrm.surveys.responses import Response
from pmcrm.surveys.scoring import SurveyScores, score_survey
from pmcrm.values import MONEY_CONTEXT


@attrs.frozen(kw_only=True)
class _Wave:
    """One survey wave: its quarter, its responses and their scores."""

    key: str
    responses: tuple[Response, ...]
    scores: SurveyScores


@attrs.frozen(kw_only=True)
class _SurveyView:
    """What the survey section and the charts read: the latest wave and the one before."""

    latest: _Wave
    previous: _Wave | None
    ipa: IpaResult


def _read_survey(demo: Demo) -> _SurveyView | None:
    """The responses up to the report's day by quarter: the latest wave, the one before.

    ``None`` when nobody had answered by then.  The quadrants use stated
    importance and the mean of the items on both axes.
    """
    instrument = demo.survey.instrument
    waves: dict[str, list[Response]] = {}
    for response in demo.survey.responses:
        if response.on <= demo.as_of:
            waves.setdefault(period_key(response.on, PeriodUnit.QUARTER), []).append(response)
    if not waves:
        return None
    keys = sorted(waves)

    def wave(key: str) -> _Wave:
        return _Wave(
            key=key,
            responses=tuple(waves[key]),
            scores=score_survey(instrument, waves[key]),
        )

    latest = wave(keys[-1])
    return _SurveyView(
        latest=latest,
        previous=wave(keys[-2]) if len(keys) > 1 else None,
        ipa=ipa(
            instrument,
            latest.scores,
            importance=ImportanceSource.STATED,
            importance_line=Crosshair.mean(),
            satisfaction_line=Crosshair.mean(),
        ),
    )


def _half_up(value: Fraction, places: int = 1) -> Decimal:
    """*value* rounded half up (away from zero) to *places* decimals, exactly; never -0."""
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    # From a string, which is exact: scaleb would round in the ambient context.
    return Decimal(f"{'-' if value < 0 and whole else ''}{whole}E-{places}")


def _tenth(value: Decimal) -> Decimal:
    """An interval end rounded half up to 0.1."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)


def _shown(value: Decimal | None, *, signed: bool = False, suffix: str = "") -> str:
    """*value* for the text report (``–`` for none), with a sign if *signed*."""
    if value is None:
        return "–"
    return (f"{value:+f}" if signed else f"{value:f}") + suffix


def _maybe(value: Fraction | None, places: int = 1) -> Decimal | None:
    return None if value is None else _half_up(value, places)


def _csat_percent(scores: SurveyScores) -> Decimal | None:
    """The CSAT share in percent, half up to 0.1, if the overall item was answered."""
    share = None if scores.csat is None else scores.csat.share
    return None if share is None else _half_up(share * 100)
