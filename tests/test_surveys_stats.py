"""Survey statistics: Wilson intervals, the NPS and its interval, Cronbach's alpha.

Each figure is checked on hand-computed values, against its definition
(exact, with :class:`~fractions.Fraction`) and against an independent
implementation (numpy, scipy).
"""

import math
from decimal import ROUND_DOWN, Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats  # type: ignore[import-untyped]

from pmcrm.errors import InvalidValue
from pmcrm.surveys import Z_95, cronbach_alpha, decimal, nps, nps_interval, wilson_interval
from survey_strategies import alpha_by_definition

D = Decimal
COUNTS = st.integers(0, 10_000)


# --- decimal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(1, 3), None, "0.333333"),
        (Fraction(2, 3), None, "0.666667"),
        (Fraction(1, 8), D("0.01"), "0.12"),
        (Fraction(3, 8), D("0.01"), "0.38"),
        (Fraction(-5, 2), D(1), "-2"),
        (Fraction(200, 3), D("0.1"), "66.7"),
    ],
)
def test_decimal_rounds_half_to_even(
    value: Fraction, places: Decimal | None, expected: str
) -> None:
    """Fractions shown as decimals, half to even, 6 places unless told."""
    shown = decimal(value) if places is None else decimal(value, places)
    assert D(expected) == shown
    assert expected == str(shown)


def test_decimal_ignores_the_ambient_decimal_context() -> None:
    """A caller's context (3 digits, rounding down) changes neither the digits nor the rounding."""
    with localcontext() as context:
        context.prec = 3
        context.rounding = ROUND_DOWN
        shown = (decimal(Fraction(200, 3)), decimal(Fraction(7, 8), D("0.01")))
    assert (D("66.666667"), D("0.88")) == shown


# --- Wilson ------------------------------------------------------------------------


def test_wilson_interval_hand_computed() -> None:
    """8 of 10: the textbook interval; 0/n and n/n end at 0 and 1; ends rounded outwards."""
    assert (D("0.490162"), D("0.943318")) == wilson_interval(8, 10)
    low, high = wilson_interval(0, 20)
    assert D(0) == low
    assert D("0.161126") == high  # 0.16112516…, rounded outwards
    assert (D("0.838874"), D(1)) == wilson_interval(20, 20)
    assert (D("0.206549"), D(1)) == wilson_interval(1, 1)


def test_wilson_interval_with_another_z() -> None:
    """A wider z gives a wider interval; z = 0 collapses it to the share."""
    low95, high95 = wilson_interval(30, 50)
    low99, high99 = wilson_interval(30, 50, z=D("2.575829303549"))
    assert low99 < low95 < high95 < high99
    assert (D("0.6"), D("0.6")) == wilson_interval(30, 50, z=D(0))


@pytest.mark.parametrize(("part", "whole"), [(0, 0), (1, 0), (-1, 5), (6, 5), (0, -3)])
def test_wilson_interval_refuses_impossible_proportions(part: int, whole: int) -> None:
    """A proportion needs 0 <= part <= whole and whole > 0."""
    with pytest.raises(ValueError, match=rf"0 <= part <= whole and whole > 0: {part}/{whole}"):
        wilson_interval(part, whole)


def test_wilson_interval_refusal_names_the_field_and_the_rule_in_both_languages() -> None:
    """The refusal names ``part``, echoes ``part/whole`` and explains the rule in zh and en."""
    with pytest.raises(InvalidValue) as refused:
        wilson_interval(3, 2)
    error = refused.value
    assert (
        "part",
        "invalid",
        "'3/2'",
        "'part' is invalid: a proportion needs 0 <= part <= whole and whole > 0: 3/2",
        "'part' 无效：比例需满足 0 <= 部分 <= 总数且总数 > 0：3/2",
    ) == (error.field, error.code, error.params["value"], error.message_en, error.message_zh)


@st.composite
def proportions(draw: st.DrawFn, max_whole: int = 1_000_000) -> tuple[int, int]:
    """``(part, whole)`` with 0 <= part <= whole, 1 <= whole <= *max_whole*."""
    whole = draw(st.integers(1, max_whole))
    return draw(st.integers(0, whole)), whole


@given(proportions(max_whole=10**13))
def test_wilson_interval_lies_in_0_1_and_contains_the_share(proportion: tuple[int, int]) -> None:
    """0 <= low <= part/whole <= high <= 1, whatever the sample size."""
    part, whole = proportion
    low, high = wilson_interval(part, whole)
    assert D(0) <= low <= Fraction(part, whole) <= high <= D(1)
    assert -6 == low.as_tuple().exponent
    assert -6 == high.as_tuple().exponent


@given(proportions(), st.integers(1, 50))
def test_wilson_interval_narrows_with_more_data(small: tuple[int, int], k: int) -> None:
    """The same share on k times the answers gives an interval no wider (k >= 1)."""
    part, whole = small
    low, high = wilson_interval(part, whole)
    low_k, high_k = wilson_interval(part * k, whole * k)
    assert high_k - low_k <= high - low


@given(proportions(max_whole=100_000))
def test_wilson_interval_matches_scipy(proportion: tuple[int, int]) -> None:
    """The ends agree with ``scipy.stats.binomtest(...).proportion_ci("wilson")``, outside it."""
    part, whole = proportion
    low, high = wilson_interval(part, whole)
    reference = scipy_stats.binomtest(part, whole).proportion_ci(
        confidence_level=0.95, method="wilson"
    )
    assert math.isclose(float(low), reference.low, abs_tol=1e-6)
    assert math.isclose(float(high), reference.high, abs_tol=1e-6)
    assert float(low) <= reference.low + 1e-12
    assert float(high) >= reference.high - 1e-12


def test_z_95_is_the_normal_quantile() -> None:
    """Z_95 is the 97.5th percentile of the standard normal distribution."""
    assert math.isclose(float(Z_95), scipy_stats.norm.ppf(0.975), abs_tol=1e-15)


def test_wilson_interval_contains_the_share_on_huge_samples() -> None:
    """The documented containment also holds for millions of answers.

    (Regression: ends rounded half to even gave [0.000001, 0.000002] for
    9/9289156 = 0.00000097; they are now rounded outwards.)
    """
    low, high = wilson_interval(9, 9_289_156)
    assert low <= Fraction(9, 9_289_156) <= high


def test_intervals_ignore_the_ambient_decimal_context() -> None:
    """A caller's decimal context (low precision) does not change any interval.

    (Regression: the first version did its additions and multiplications in
    the ambient context; with ``prec=3`` ``wilson_interval(8, 10)`` was
    ``(0.491304, 0.949275)``.)
    """
    expected = (
        wilson_interval(8, 10),
        nps_interval(promoters=5, passives=3, detractors=2),
    )
    with localcontext() as context:
        context.prec = 3
        actual = (
            wilson_interval(8, 10),
            nps_interval(promoters=5, passives=3, detractors=2),
        )
    assert expected == actual


# --- NPS ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "expected"),
    [
        (50, 30, 20, Fraction(30)),
        (1, 1, 1, Fraction(0)),
        (7, 0, 0, Fraction(100)),
        (0, 0, 4, Fraction(-100)),
        (0, 9, 0, Fraction(0)),
        (2, 0, 1, Fraction(100, 3)),
        (1, 0, 0, Fraction(100)),
        (0, 1, 0, Fraction(0)),
        (0, 0, 1, Fraction(-100)),
    ],
)
def test_nps_hand_computed(
    promoters: int, passives: int, detractors: int, expected: Fraction
) -> None:
    """% promoters − % detractors, exactly."""
    assert expected == nps(promoters=promoters, passives=passives, detractors=detractors)


def test_nps_needs_respondents() -> None:
    """No respondents, no NPS (and no interval)."""
    with pytest.raises(ValueError, match="at least one respondent"):
        nps(promoters=0, passives=0, detractors=0)
    with pytest.raises(ValueError, match="at least one respondent"):
        nps_interval(promoters=0, passives=0, detractors=0)


def test_nps_refusal_names_the_field_and_the_rule_in_both_languages() -> None:
    """The refusal names ``respondents``, echoes the count and explains the rule in zh and en."""
    with pytest.raises(InvalidValue) as refused:
        nps(promoters=0, passives=0, detractors=0)
    error = refused.value
    assert (
        "respondents",
        "invalid",
        "0",
        "'respondents' is invalid: the NPS needs at least one respondent",
        "'respondents' 无效：计算 NPS 至少需要一位受访者",
    ) == (error.field, error.code, error.params["value"], error.message_en, error.message_zh)


def test_nps_interval_hand_computed() -> None:
    """5/3/2: NPS 30, variance (0.7 − 0.09)/10, half-width z·100·√0.061."""
    low, high = nps_interval(promoters=5, passives=3, detractors=2)
    half = 1.959963984540054 * 100 * math.sqrt(0.061)
    assert math.isclose(float(low), 30 - half, abs_tol=1e-6)
    assert math.isclose(float(high), 30 + half, abs_tol=1e-6)
    assert (D("-18.407540"), D("78.407540")) == (low, high)


def test_nps_interval_degenerate_and_clamped() -> None:
    """No spread when everyone agrees; the ends never pass ±100."""
    assert (D(0), D(0)) == nps_interval(promoters=0, passives=12, detractors=0)
    assert (D(100), D(100)) == nps_interval(promoters=3, passives=0, detractors=0)
    assert (D(-100), D(-100)) == nps_interval(promoters=0, passives=0, detractors=3)
    # 9/0/1: NPS 80, variance (1 − 0.64)/10 = 0.036, half-width z·100·√0.036 ≈ 37.19.
    low, high = nps_interval(promoters=9, passives=0, detractors=1)
    assert D(100) == high
    assert D("42.812298") == low
    low, high = nps_interval(promoters=1, passives=0, detractors=9)
    assert D(-100) == low
    assert D("-42.812298") == high


NPS_COUNTS = st.tuples(COUNTS, COUNTS, COUNTS).filter(lambda c: sum(c) > 0)


@given(NPS_COUNTS)
def test_nps_lies_between_minus_100_and_100(counts: tuple[int, int, int]) -> None:
    """The NPS and its interval lie in [−100, 100]; the interval contains the NPS."""
    p, a, d = counts
    score = nps(promoters=p, passives=a, detractors=d)
    low, high = nps_interval(promoters=p, passives=a, detractors=d)
    assert -100 <= low <= score <= high <= 100


@given(NPS_COUNTS)
def test_a_promoter_never_lowers_and_a_detractor_never_raises_the_nps(
    counts: tuple[int, int, int],
) -> None:
    """Adding one promoter: NPS ≥ before; one detractor: NPS ≤ before."""
    p, a, d = counts
    before = nps(promoters=p, passives=a, detractors=d)
    assert nps(promoters=p + 1, passives=a, detractors=d) >= before
    assert nps(promoters=p, passives=a, detractors=d + 1) <= before


@given(NPS_COUNTS)
def test_nps_interval_matches_numpy(counts: tuple[int, int, int]) -> None:
    """The interval equals a numpy computation of the same formula within 1e-6."""
    p, a, d = counts
    n = p + a + d
    shares = np.array([p, d], dtype=np.float64) / n
    centre = 100 * (shares[0] - shares[1])
    variance = (shares.sum() - (shares[0] - shares[1]) ** 2) / n
    half = 1.959963984540054 * 100 * np.sqrt(max(variance, 0.0))
    expected = (max(-100.0, centre - half), min(100.0, centre + half))
    low, high = nps_interval(promoters=p, passives=a, detractors=d)
    assert math.isclose(expected[0], float(low), abs_tol=1e-6)
    assert math.isclose(expected[1], float(high), abs_tol=1e-6)


# --- Cronbach's alpha ----------------------------------------------------------------


def sums_of(matrix: list[list[int]]) -> dict[str, object]:
    """The keyword arguments of :func:`cronbach_alpha` for *matrix* (rows = respondents)."""
    k = len(matrix[0]) if matrix else 0
    totals = [sum(row) for row in matrix]
    return {
        "k": k,
        "n": len(matrix),
        "item_sums": [sum(row[j] for row in matrix) for j in range(k)],
        "item_squares": [sum(row[j] ** 2 for row in matrix) for j in range(k)],
        "total_sum": sum(totals),
        "total_square": sum(t * t for t in totals),
    }


def alpha(matrix: list[list[int]]) -> Fraction | None:
    """:func:`cronbach_alpha` of *matrix*."""
    return cronbach_alpha(**sums_of(matrix))  # type: ignore[arg-type]


def test_alpha_hand_computed() -> None:
    """Identical items: 1; two hand-worked covariance matrices, one giving a negative alpha."""
    assert Fraction(1) == alpha([[1, 1], [2, 2], [3, 3]])
    # Covariance matrix [[1, 1/2], [1/2, 1]]: 2 · (1 − 2/3) = 2/3.
    assert Fraction(2, 3) == alpha([[1, 1], [2, 3], [3, 2]])
    # Opposed items, [[4, −4], [−4, 13/3]]: total 1/3, so 2 · (1 − (25/3) / (1/3)) = −48.
    assert Fraction(-48) == alpha([[1, 5], [3, 2], [5, 1]])


@pytest.mark.parametrize(
    "matrix",
    [
        pytest.param([[1], [2], [5]], id="one item"),
        pytest.param([[1, 2, 3]], id="one respondent"),
        pytest.param([[1, 5], [2, 4], [3, 3]], id="constant totals"),
        pytest.param([[4, 4], [4, 4]], id="no variance at all"),
    ],
)
def test_alpha_undefined(matrix: list[list[int]]) -> None:
    """Fewer than two items or respondents, or no variance in the totals: None."""
    assert alpha(matrix) is None
    assert alpha_by_definition(matrix, len(matrix[0])) is None


def test_alpha_with_no_respondents_is_undefined() -> None:
    """Zero complete respondents: None."""
    assert (
        cronbach_alpha(
            k=3, n=0, item_sums=(0, 0, 0), item_squares=(0, 0, 0), total_sum=0, total_square=0
        )
        is None
    )


def test_alpha_refuses_item_sums_and_squares_of_different_lengths() -> None:
    """One sum of squares per item sum: a missing one is an error, not a shorter sum."""
    with pytest.raises(ValueError, match="zip"):
        cronbach_alpha(
            k=2, n=3, item_sums=(6, 6), item_squares=(14,), total_sum=12, total_square=56
        )


MATRICES = st.integers(2, 6).flatmap(
    lambda k: st.lists(
        st.lists(st.integers(0, 10), min_size=k, max_size=k), min_size=2, max_size=40
    )
)


@given(MATRICES)
def test_alpha_equals_the_covariance_definition(matrix: list[list[int]]) -> None:
    """On random complete data alpha equals the exact covariance-matrix formula."""
    assert alpha_by_definition(matrix, len(matrix[0])) == alpha(matrix)


@given(MATRICES)
def test_alpha_matches_numpy(matrix: list[list[int]]) -> None:
    """Alpha agrees with a numpy covariance-matrix computation within 1e-12 (relative)."""
    exact = alpha(matrix)
    cov = np.cov(np.array(matrix, dtype=np.float64), rowvar=False)
    k = len(matrix[0])
    total = float(cov.sum())
    if exact is None:
        assert abs(total) < 1e-9
        return
    reference = k / (k - 1) * (1 - float(np.trace(cov)) / total)
    assert math.isclose(float(exact), reference, rel_tol=1e-12, abs_tol=1e-12)


@given(MATRICES)
def test_alpha_is_at_most_1(matrix: list[list[int]]) -> None:
    """Alpha never exceeds 1 (the sum of variances is at least total variance / k)."""
    value = alpha(matrix)
    assert value is None or value <= 1
