"""Breakdowns: every survey score by segment or by period, small groups flagged.

:func:`breakdown` splits the responses by a key — a
:class:`~pmcrm.surveys.responses.Segment` (:func:`by_segment`: tier,
property type, project, customer kind…), the month or quarter of
``Response.on`` (:func:`by_period`), or any function of a response — and
scores each group with :func:`~pmcrm.surveys.scoring.score_survey`, so
every figure (item and dimension scores, CSI, CSAT, NPS, gaps, alpha) is
available per group.  The rules:

* a response without the key (no such segment) goes to the explicit
  **"(none)" group** (key ``None``), never dropped; a segment whose value is
  the text ``"(none)"`` stays apart from it;
* groups come in a **deterministic order**: by key (code-point order; for
  periods ``"2026-09"`` < ``"2026-10"`` and ``"2026-Q3"`` < ``"2026-Q4"`` is
  chronological), the "(none)" group last; only groups with responses
  appear;
* a group with fewer than ``min_n`` responses (default 30) is **flagged
  small**, not hidden;
* the groups **partition** the responses: their sizes add up to the total,
  and their counts to the overall counts (:attr:`Breakdown.overall`).

Memory: the responses are **collected per group** (a list of references
per group, so memory grows with the number of responses) and each group is
then scored in one pass.  Streaming into per-group accumulators would keep
memory to one set of sums per group, but ``score_survey`` pulls from an
iterable and keeps its accumulators private, so it cannot be fed one
response at a time; collecting keeps every group's figures exactly those of
``score_survey`` on that group's responses.  Time: every response is scored
twice, once overall and once in its group.

>>> from datetime import date
>>> from pmcrm.surveys import Answer, Dimension, DimensionDef, Instrument, Item, ItemRole, Segment
>>> from pmcrm.values import Label
>>> instrument = Instrument(
...     code="q",
...     name=Label(zh="问卷", en="Survey"),
...     dimensions=(DimensionDef.standard(Dimension.SERVICE),),
...     items=(
...         Item(code="s1", text=Label(zh="服务", en="Service"), dimension="service"),
...         Item(code="all", text=Label(zh="总体", en="Overall"), role=ItemRole.OVERALL),
...     ),
... )
>>> def response(n, tier, month, score):
...     segments = () if tier is None else (Segment(key="tier", value=tier),)
...     return Response(
...         respondent_id=f"R{n}",
...         on=date(2026, month, 1),
...         segments=segments,
...         answers=(Answer(item="s1", score=score), Answer(item="all", score=score)),
...     )
>>> responses = [
...     response(1, "gold", 10, 5),
...     response(2, "gold", 11, 4),
...     response(3, None, 11, 2),
... ]
>>> by_tier = by_segment(instrument, responses, "tier", min_n=2)
>>> [(g.name(), g.n, g.small) for g in by_tier.groups]
[('gold', 2, False), ('(none)', 1, True)]
>>> print(by_tier.table("en"))
tier    n    CSI    CSAT  NPS
------  --  ----  ------  ---
gold    2   87.5  100.0%    –
(none)  1*  25.0    0.0%    –
total   3   66.7   66.7%    –
* n < 2: a small group, read with care
>>> print(by_period(instrument, responses, PeriodUnit.QUARTER, min_n=2).table("zh"))
季度     n    CSI   CSAT  NPS
-------  --  ----  -----  ---
2026-Q4  3   66.7  66.7%    –
合计     3   66.7  66.7%    –
n < 2 的组标 *：样本量小，谨慎解读
"""

import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs

from pmcrm.errors import InvalidValue
from pmcrm.surveys.instrument import Instrument
from pmcrm.surveys.responses import Response
from pmcrm.surveys.scoring import SurveyScores, Weighting, score_survey
from pmcrm.values import Label, LabelledEnum, Lang, round_half_up

__all__ = [
    "DEFAULT_MIN_N",
    "NONE_GROUP",
    "Breakdown",
    "Group",
    "PeriodUnit",
    "breakdown",
    "by_period",
    "by_segment",
    "period_key",
]

#: Groups with fewer responses than this are flagged small by default.
DEFAULT_MIN_N = 30

#: The name of the group of responses without the key.
NONE_GROUP = Label(zh="（无）", en="(none)")


class PeriodUnit(LabelledEnum):
    """The period responses are grouped by."""

    MONTH = "month", "月份", "month"
    QUARTER = "quarter", "季度", "quarter"


def period_key(day: date, unit: PeriodUnit) -> str:
    """The period of *day*: ``"2026-11"`` (month) or ``"2026-Q4"`` (quarter).

    Calendar months and quarters (Q1 = January–March).

    >>> (
    ...     period_key(date(2026, 11, 2), PeriodUnit.MONTH),
    ...     period_key(date(2026, 11, 2), PeriodUnit.QUARTER),
    ... )
    ('2026-11', '2026-Q4')
    """
    if unit is PeriodUnit.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


@attrs.frozen(kw_only=True)
class Group:
    """One group of a breakdown.

    Attributes:
        key: The group's key (a segment value, a period), ``None`` for the
            responses without one.
        n: How many responses it holds.
        small: Fewer than the breakdown's ``min_n`` responses: read with care.
        scores: Its scores.
    """

    key: str | None
    n: int
    small: bool
    scores: SurveyScores

    def name(self, lang: Lang | str = Lang.EN) -> str:
        """The key, or "(none)" (（无）) for the responses without one."""
        return NONE_GROUP.get(lang) if self.key is None else self.key


@attrs.frozen(kw_only=True)
class Breakdown:
    """Survey scores per group.

    Attributes:
        by: What the responses were grouped by (``"segment:tier"``,
            ``"month"``, ``"quarter"``, or the caller's name).
        min_n: Groups with fewer responses are flagged small.
        total: How many responses there were.
        overall: The scores of all the responses together.
        groups: The groups, by key, the "(none)" group last.
    """

    by: str
    min_n: int
    total: int
    overall: SurveyScores
    groups: tuple[Group, ...]

    def group(self, key: str | None) -> Group:
        """The group *key* (``None``: the responses without a key).

        Raises:
            InvalidValue: no response had that key.
        """
        for group in self.groups:
            if group.key == key:
                return group
        raise InvalidValue("group", "reference", value=key, what="group", what_zh="分组")

    @property
    def small(self) -> tuple[Group, ...]:
        """The groups flagged small."""
        return tuple(g for g in self.groups if g.small)

    def table(self, lang: Lang | str = Lang.EN) -> str:
        """Group, size (``*`` when small), CSI, CSAT and NPS as aligned text in *lang*.

        Scores are rounded half up to 0.1; ``–`` when there is none.
        """
        return _table(self, Lang(lang))


def _tenths(value: Fraction) -> Decimal:
    """*value* rounded half up to 0.1."""
    return round_half_up(value.numerator, value.denominator, 1)


def _row(name: str, n: int, small: bool, scores: SurveyScores) -> tuple[str, ...]:
    csat = None if scores.csat is None else scores.csat.percent()
    nps = scores.nps
    return (
        name,
        f"{n}*" if small else f"{n} ",
        "–" if scores.csi is None else str(_tenths(scores.csi)),
        "–" if csat is None else f"{csat}%",
        "–" if nps is None else str(_tenths(nps.score)),
    )


def _by_label(by: str, lang: Lang) -> str:
    for unit in PeriodUnit:
        if by == unit.value:
            return unit.text(lang)
    return by.removeprefix("segment:")


def _table(result: Breakdown, lang: Lang) -> str:
    zh = lang is Lang.ZH
    header = (_by_label(result.by, lang), "n ", "CSI", "CSAT", "NPS")
    rows = [_row(g.name(lang), g.n, g.small, g.scores) for g in result.groups]
    rows.append(_row("合计" if zh else "total", result.total, False, result.overall))
    widths = [max(_width(row[i]) for row in (header, *rows)) for i in range(5)]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0] + " " * (widths[0] - _width(cells[0]))
        rest = (" " * (w - len(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    note = (
        f"n < {result.min_n} 的组标 *：样本量小，谨慎解读"
        if zh
        else f"* n < {result.min_n}: a small group, read with care"
    )
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows), note])


def _width(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def breakdown(
    instrument: Instrument,
    responses: Iterable[Response],
    key: Callable[[Response], str | None],
    *,
    by: str,
    min_n: int = DEFAULT_MIN_N,
    weighting: Weighting = Weighting.DECLARED,
) -> Breakdown:
    """Score *responses* per ``key(response)`` (see the module docstring).

    Args:
        instrument: The questionnaire.
        responses: The responses, read once.
        key: The group of a response, ``None`` for the "(none)" group.
        by: What *key* is, for the report.
        min_n: Groups with fewer responses are flagged small (at least 1).
        weighting: The CSI weights, as for ``score_survey``.

    Raises:
        InvalidValue: *min_n* is below 1; ``weighting=IMPORTANCE`` and a
            dimension has no importance ratings overall or in some group.
        ValidationError: a response breaks the instrument; the error's
            ``target`` names the response by its place in *responses*.
    """
    if min_n < 1:
        raise InvalidValue("min_n", "ge", value=min_n, bound=1)
    everything: list[Response] = []
    groups: dict[str | None, list[Response]] = {}
    for response in responses:
        everything.append(response)
        groups.setdefault(key(response), []).append(response)
    overall = score_survey(instrument, everything, weighting=weighting)
    keyed = sorted(k for k in groups if k is not None)
    order: list[str | None] = [*keyed, None] if None in groups else list(keyed)
    return Breakdown(
        by=by,
        min_n=min_n,
        total=len(everything),
        overall=overall,
        groups=tuple(
            Group(
                key=k,
                n=len(groups[k]),
                small=len(groups[k]) < min_n,
                scores=score_survey(instrument, groups[k], weighting=weighting),
            )
            for k in order
        ),
    )


def by_segment(
    instrument: Instrument,
    responses: Iterable[Response],
    segment: str,
    *,
    min_n: int = DEFAULT_MIN_N,
    weighting: Weighting = Weighting.DECLARED,
) -> Breakdown:
    """Score *responses* per value of the segment *segment* (``by="segment:<key>"``).

    Responses without the segment form the "(none)" group.  Raises as
    :func:`breakdown`.
    """

    def value(response: Response) -> str | None:
        return response.segment(segment)

    return breakdown(
        instrument, responses, value, by=f"segment:{segment}", min_n=min_n, weighting=weighting
    )


def by_period(
    instrument: Instrument,
    responses: Iterable[Response],
    unit: PeriodUnit = PeriodUnit.MONTH,
    *,
    min_n: int = DEFAULT_MIN_N,
    weighting: Weighting = Weighting.DECLARED,
) -> Breakdown:
    """Score *responses* per month or quarter of ``Response.on`` (:func:`period_key`).

    Raises as :func:`breakdown`.
    """

    def period(response: Response) -> str:
        return period_key(response.on, unit)

    return breakdown(
        instrument, responses, period, by=unit.value, min_n=min_n, weighting=weighting
    )
