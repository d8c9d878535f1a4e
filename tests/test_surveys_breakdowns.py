"""Breakdowns by segment and period: a partition of the responses, small groups flagged."""

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.surveys import (
    Answer,
    Instrument,
    Item,
    ItemRole,
    Response,
    Scale,
    Segment,
    SurveyScores,
    Weighting,
    score_survey,
)
from pmcrm.surveys.breakdowns import (
    DEFAULT_MIN_N,
    NONE_GROUP,
    Breakdown,
    PeriodUnit,
    breakdown,
    by_period,
    by_segment,
    period_key,
)
from pmcrm.values import Label
from test_surveys_ipa import OVERALL, instrument_of, rating, respond, scored, surveys

NPS = Item(
    code="nps", text=Label(zh="推荐", en="recommend"), role=ItemRole.NPS, scale=Scale.ZERO_TO_TEN
)
INSTRUMENT = instrument_of(rating("s1", importance=True), OVERALL, NPS)


def answered(index: int, score: int, *, tier: str | None = None, on: date, nps: int) -> Response:
    """A response scoring s1 and overall *score*, the NPS item *nps*."""
    return respond(
        index,
        scored("s1", score, 3),
        scored("overall", score),
        scored("nps", nps),
        on=on,
        segments=() if tier is None else (Segment(key="tier", value=tier),),
    )


RESPONSES = [
    answered(1, 5, tier="gold", on=date(2026, 3, 31), nps=10),
    answered(2, 4, tier="silver", on=date(2026, 4, 1), nps=6),
    answered(3, 2, on=date(2026, 4, 30), nps=9),
    answered(4, 3, tier="(none)", on=date(2025, 12, 31), nps=8),
    answered(5, 5, tier="gold", on=date(2026, 1, 1), nps=10),
]


def _counts(scores: SurveyScores) -> list[tuple[Any, ...]]:
    return [
        (
            i.n,
            i.na,
            i.missing,
            i.total,
            i.squares,
            i.counts,
            i.satisfied,
            i.importance_n,
            i.importance_total,
            i.gap_n,
            i.gap_total,
        )
        for i in scores.items
    ]


def _add(rows: list[list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """Add per-item count tuples field by field (tuples of counts elementwise)."""
    out = []
    for per_item in zip(*rows, strict=True):
        fields = []
        for values in zip(*per_item, strict=True):
            if isinstance(values[0], tuple):
                fields.append(tuple(sum(v) for v in zip(*values, strict=True)))
            else:
                fields.append(sum(values))
        out.append(tuple(fields))
    return out


# --- properties --------------------------------------------------------------------------


@given(
    survey=surveys(),
    how=st.sampled_from(("tier", PeriodUnit.MONTH, PeriodUnit.QUARTER)),
    min_n=st.integers(1, 8),
)
def test_groups_partition_the_responses(
    survey: tuple[Instrument, list[Response]], how: str | PeriodUnit, min_n: int
) -> None:
    """Sizes add up to the total and every count adds up to the overall count."""
    instrument, responses = survey
    if isinstance(how, PeriodUnit):
        result = by_period(instrument, iter(responses), how, min_n=min_n)
    else:
        result = by_segment(instrument, iter(responses), how, min_n=min_n)
    overall = score_survey(instrument, responses)
    assert overall == result.overall
    assert len(responses) == result.total == sum(g.n for g in result.groups)
    assert [g.n for g in result.groups] == [g.scores.respondents for g in result.groups]
    assert all(g.n > 0 for g in result.groups)
    if result.groups:
        assert _counts(overall) == _add([_counts(g.scores) for g in result.groups])
    nps = [g.scores.nps for g in result.groups if g.scores.nps is not None]
    assert (0 if overall.nps is None else overall.nps.n) == sum(n.n for n in nps)
    assert [g.n < min_n for g in result.groups] == [g.small for g in result.groups]
    assert list(result.small) == [g for g in result.groups if g.small]


@given(survey=surveys())
def test_groups_come_in_key_order_with_none_last(
    survey: tuple[Instrument, list[Response]],
) -> None:
    """Keys ascend, each once; the "(none)" group, if any, is last; the order is stable."""
    instrument, responses = survey
    result = by_segment(instrument, responses, "tier")
    keys = [g.key for g in result.groups]
    named = [k for k in keys if k is not None]
    assert sorted(set(named)) == named
    assert keys == named + ([None] if any(r.segment("tier") is None for r in responses) else [])
    assert keys == [g.key for g in by_segment(instrument, responses[::-1], "tier").groups]
    for group in result.groups:
        members = [r for r in responses if r.segment("tier") == group.key]
        assert score_survey(instrument, members) == group.scores


@given(day=st.dates(date(1990, 1, 1), date(2100, 12, 31)))
def test_period_keys_order_like_dates(day: date) -> None:
    """Month and quarter keys name the day's calendar month and quarter."""
    month, quarter = period_key(day, PeriodUnit.MONTH), period_key(day, PeriodUnit.QUARTER)
    assert f"{day:%Y-%m}" == month
    assert quarter == f"{day.year}-Q{(day.month + 2) // 3}"


# --- examples ------------------------------------------------------------------------------


def test_by_segment_keeps_the_none_group_apart_from_a_none_value() -> None:
    """No segment → the (none) group (key None), after "(none)" as a real value."""
    result = by_segment(INSTRUMENT, RESPONSES, "tier", min_n=2)
    assert ["(none)", "gold", "silver", None] == [g.key for g in result.groups]
    assert [1, 2, 1, 1] == [g.n for g in result.groups]
    assert [True, False, True, True] == [g.small for g in result.groups]
    assert ("(none)", "（无）") == (result.group(None).name("en"), result.group(None).name("zh"))
    assert "(none)" == result.group("(none)").name("zh")
    assert ("segment:tier", 2, 5) == (result.by, result.min_n, result.total)
    assert NONE_GROUP == Label(zh="（无）", en="(none)")


def test_by_period_months_and_quarters() -> None:
    """31 March is Q1 and 1 April Q2; months in calendar order across years."""
    months = by_period(INSTRUMENT, RESPONSES)
    assert ["2025-12", "2026-01", "2026-03", "2026-04"] == [g.key for g in months.groups]
    assert ("month", [1, 1, 1, 2]) == (months.by, [g.n for g in months.groups])
    quarters = by_period(INSTRUMENT, RESPONSES, PeriodUnit.QUARTER)
    assert ["2025-Q4", "2026-Q1", "2026-Q2"] == [g.key for g in quarters.groups]
    assert [1, 2, 2] == [g.n for g in quarters.groups]
    assert all(g.small for g in quarters.groups)
    assert DEFAULT_MIN_N == quarters.min_n == 30


def test_a_custom_key() -> None:
    """Any function of a response: here customers, the unlinked in (none)."""
    linked = [RESPONSES[0], respond(7, scored("s1", 1), customer_id="C-9")]

    def customer(response: Response) -> str | None:
        return response.customer_id

    result = breakdown(INSTRUMENT, linked, customer, by="customer", min_n=1)
    assert ["C-9", None] == [g.key for g in result.groups]
    assert [False, False] == [g.small for g in result.groups]


def test_the_table_in_en_and_zh() -> None:
    """Size (starred when small), CSI, CSAT and NPS per group, then the total and the note."""
    result = by_segment(INSTRUMENT, RESPONSES, "tier", min_n=2)
    assert [
        "tier    n     CSI    CSAT     NPS",
        "------  --  -----  ------  ------",
        "(none)  1*   50.0    0.0%     0.0",
        "gold    2   100.0  100.0%   100.0",
        "silver  1*   75.0  100.0%  -100.0",
        "(none)  1*   25.0    0.0%   100.0",
        "total   5    70.0   60.0%    40.0",
        "* n < 2: a small group, read with care",
    ] == result.table("en").splitlines()
    assert [
        "季度     n     CSI    CSAT    NPS",
        "-------  --  -----  ------  -----",
        "2025-Q4  1*   50.0    0.0%    0.0",
        "2026-Q1  2*  100.0  100.0%  100.0",
        "2026-Q2  2*   50.0   50.0%    0.0",
        "合计     5    70.0   60.0%   40.0",
        "n < 30 的组标 *：样本量小，谨慎解读",
    ] == by_period(INSTRUMENT, RESPONSES, PeriodUnit.QUARTER).table("zh").splitlines()
    assert "月份" == by_period(INSTRUMENT, RESPONSES).table("zh").split()[0]


def test_the_table_shows_a_dash_for_missing_scores() -> None:
    """No overall or NPS item and no scores: dashes; CSI rounds half up to 0.1."""
    instrument = instrument_of(rating("a", scale=Scale.LIKERT_7))
    responses = [
        respond(1, scored("a", 2), segments=(Segment(key="tier", value="gold"),)),
        respond(2, Answer(item="a", na=True)),
    ]
    lines = by_segment(instrument, responses, "tier", min_n=1).table("en").splitlines()
    assert ["gold    1   16.7     –    –", "(none)  1      –     –    –"] == lines[2:4]


def test_no_responses_no_groups() -> None:
    """An empty input gives no group and an empty overall."""
    result = by_segment(INSTRUMENT, [], "tier")
    assert ((), 0, 0) == (result.groups, result.total, result.overall.respondents)


def test_looking_up_a_group_that_is_not_there() -> None:
    """Only keys some response had are groups."""
    with pytest.raises(InvalidValue, match="'group' refers to an unknown group: 'bronze'"):
        by_segment(INSTRUMENT, RESPONSES, "tier").group("bronze")
    with pytest.raises(InvalidValue, match="unknown group: None"):
        by_period(INSTRUMENT, RESPONSES).group(None)


def test_min_n_must_be_positive() -> None:
    """A threshold below one flags nothing meaningfully: refused."""
    with pytest.raises(InvalidValue, match="'min_n' must be >= 1: 0"):
        by_segment(INSTRUMENT, RESPONSES, "tier", min_n=0)


def test_a_broken_response_is_named_by_its_place() -> None:
    """The overall scoring checks every response first."""
    broken = [*RESPONSES, respond(9, scored("s1", 9))]
    with pytest.raises(ValidationError) as caught:
        by_segment(INSTRUMENT, broken, "tier")
    assert "response 5 (respondent 'R9')" == caught.value.target


def test_importance_weighting_is_passed_on() -> None:
    """The CSI weighting applies overall and per group."""
    result = by_period(INSTRUMENT, RESPONSES, weighting=Weighting.IMPORTANCE, min_n=1)
    assert Weighting.IMPORTANCE == result.overall.weighting
    assert {Weighting.IMPORTANCE} == {g.scores.weighting for g in result.groups}
    assert isinstance(result, Breakdown)


def test_a_tiny_negative_nps_shows_as_zero_without_a_sign() -> None:
    """-100/2001 rounds to 0.0, shown without a minus sign; the ambient context is ignored."""
    import decimal

    import attrs

    from pmcrm.surveys import NpsScore

    result = by_segment(INSTRUMENT, RESPONSES[:1], "tier", min_n=1)
    tiny = NpsScore(promoters=0, passives=2000, detractors=1)
    shifted = attrs.evolve(result, overall=attrs.evolve(result.overall, nps=tiny))
    assert shifted.table("en").splitlines()[-2].endswith("  0.0")
    with decimal.localcontext() as context:
        context.prec = 1
        assert result.table("en") == (
            by_segment(INSTRUMENT, RESPONSES[:1], "tier", min_n=1).table("en")
        )
        assert "gold   1   100.0  100.0%  100.0" == result.table("en").splitlines()[2]
