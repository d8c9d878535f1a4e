"""The statistics of survey scoring, exact where it matters.

Counts and sums are Python integers; means, shares and indices are
:class:`~fractions.Fraction` values, exact until they are shown.  Interval
arithmetic (square roots included) runs on a private decimal context of 34
significant digits, so the caller's decimal context changes nothing, and
the interval ends are rounded outwards to 6 decimals (the low end down,
the high end up), so a rounded interval still contains the observed value.

* :func:`wilson_interval` — the Wilson score interval of a proportion
  (Wilson 1927): it always lies in [0, 1] and contains the observed share;
* :func:`nps` and :func:`nps_interval` — the Net Promoter Score and a
  normal-approximation interval (the NPS is a difference of two shares of
  one multinomial sample);
* :func:`cronbach_alpha` — Cronbach's alpha (Cronbach 1951) from item and
  total sums of squares.

>>> wilson_interval(8, 10)
(Decimal('0.490162'), Decimal('0.943318'))
>>> nps(promoters=50, passives=30, detractors=20)
Fraction(30, 1)
>>> cronbach_alpha(
...     k=2, n=3, item_sums=(6, 6), item_squares=(14, 14), total_sum=12, total_square=56
... )
Fraction(1, 1)
"""

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from pmcrm.errors import InvalidValue

__all__ = [
    "Z_95",
    "cronbach_alpha",
    "decimal",
    "nps",
    "nps_interval",
    "wilson_interval",
]

#: The 97.5th percentile of the standard normal distribution (a 95 % interval).
Z_95 = Decimal("1.959963984540054")

_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)
_PLACES = Decimal("0.000001")


def decimal(value: Fraction, places: Decimal = _PLACES) -> Decimal:
    """*value* as a Decimal rounded half to even to *places* (default 6 decimals)."""
    quotient = _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    return quotient.quantize(places, rounding=ROUND_HALF_EVEN, context=_CONTEXT)


def _sqrt(value: Fraction) -> Decimal:
    return _CONTEXT.sqrt(_CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator)))


def _outward(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    """The ends rounded outwards to 6 decimals, so the interval never shrinks."""
    return (
        low.quantize(_PLACES, rounding=ROUND_FLOOR, context=_CONTEXT),
        high.quantize(_PLACES, rounding=ROUND_CEILING, context=_CONTEXT),
    )


def wilson_interval(part: int, whole: int, z: Decimal = Z_95) -> tuple[Decimal, Decimal]:
    """The Wilson score interval of the proportion *part* / *whole*.

    ``(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)``, clamped to [0, 1];
    the ends are rounded outwards to 6 decimals.

    Raises:
        InvalidValue: *whole* is not positive or *part* is outside 0..*whole*
            (a :class:`ValueError`).
    """
    if whole <= 0 or not 0 <= part <= whole:
        raise InvalidValue(
            "part",
            "invalid",
            value=f"{part}/{whole}",
            detail=f"a proportion needs 0 <= part <= whole and whole > 0: {part}/{whole}",
            detail_zh=f"比例需满足 0 <= 部分 <= 总数且总数 > 0：{part}/{whole}",
        )
    c = _CONTEXT
    n = Decimal(whole)
    p = c.divide(Decimal(part), n)
    z2 = c.multiply(z, z)
    centre = c.add(p, c.divide(z2, c.multiply(2, n)))
    spread = c.multiply(
        z,
        c.sqrt(
            c.add(
                c.divide(c.multiply(p, c.subtract(1, p)), n),
                c.divide(z2, c.multiply(4, c.multiply(n, n))),
            )
        ),
    )
    scale = c.add(1, c.divide(z2, n))
    low = max(Decimal(0), c.divide(c.subtract(centre, spread), scale))
    high = min(Decimal(1), c.divide(c.add(centre, spread), scale))
    return _outward(low, high)


def nps(*, promoters: int, passives: int, detractors: int) -> Fraction:
    """100 × (promoters − detractors) / respondents, exactly.

    Raises:
        InvalidValue: no respondents (a :class:`ValueError`).
    """
    n = promoters + passives + detractors
    if n <= 0:
        raise InvalidValue(
            "respondents",
            "invalid",
            value=n,
            detail="the NPS needs at least one respondent",
            detail_zh="计算 NPS 至少需要一位受访者",
        )
    return Fraction(100 * (promoters - detractors), n)


def nps_interval(
    *, promoters: int, passives: int, detractors: int, z: Decimal = Z_95
) -> tuple[Decimal, Decimal]:
    """A normal-approximation interval of the NPS, clamped to [−100, 100].

    With shares *p* (promoters) and *d* (detractors) of *n*, the variance of
    *p − d* is ``(p + d − (p − d)²) / n``; the interval is
    ``NPS ± z · 100 · √variance``, ends rounded outwards to 6 decimals.

    Raises:
        InvalidValue: no respondents (a :class:`ValueError`).
    """
    score = nps(promoters=promoters, passives=passives, detractors=detractors)
    n = promoters + passives + detractors
    p, d = Fraction(promoters, n), Fraction(detractors, n)
    c = _CONTEXT
    half = c.multiply(c.multiply(z, 100), _sqrt((p + d - (p - d) ** 2) / n))
    centre = c.divide(Decimal(score.numerator), Decimal(score.denominator))
    low = max(Decimal(-100), c.subtract(centre, half))
    high = min(Decimal(100), c.add(centre, half))
    return _outward(low, high)


def cronbach_alpha(
    *,
    k: int,
    n: int,
    item_sums: Sequence[int],
    item_squares: Sequence[int],
    total_sum: int,
    total_square: int,
) -> Fraction | None:
    """Cronbach's alpha of *k* items over *n* complete respondents, exactly.

    ``α = k/(k−1) · (1 − Σ var(item) / var(total))``; the variances share
    their denominator, so ``α = k/(k−1) · (1 − Σ(n·Σx² − (Σx)²) / (n·ΣT² − (ΣT)²))``.
    ``None`` when it is undefined: fewer than two items or two respondents,
    or no variance in the totals.
    """
    if k < 2 or n < 2:
        return None
    total_var = n * total_square - total_sum * total_sum
    if total_var == 0:
        return None
    item_var = sum(
        n * square - total * total for total, square in zip(item_sums, item_squares, strict=True)
    )
    return Fraction(k, k - 1) * (1 - Fraction(item_var, total_var))
