"""Scoring answers held in arrays, with numpy (the ``fast`` extra): the same figures, exactly.

:func:`score_array` takes the answers as a 2-D integer array, one row per
respondent and one column per item in the instrument's order, with
:data:`MISSING` for a skipped item and :data:`NOT_APPLICABLE` for "not
applicable", and returns the same :class:`~pmcrm.surveys.scoring.SurveyScores`
as :func:`~pmcrm.surveys.scoring.score_survey` given the same answers as
:class:`~pmcrm.surveys.responses.Response` objects.  numpy only *counts*: a
histogram of each item's scores and, for each dimension, the column sums
of its complete rows and a histogram of their totals.  Every figure is then
computed from those integers as the pure path computes it, so the results
are equal, Cronbach's alpha included — not merely close.

numpy is imported when :func:`score_array` is called, never when
:mod:`pmcrm.surveys` is; without it the call raises
:exc:`~pmcrm.errors.MissingDependency` naming the extra
(``pip install "pmcrm[fast]"``).

>>> from pmcrm.values import Label
>>> from pmcrm.surveys import Dimension, DimensionDef, Instrument, Item, ItemRole, Scale
>>> instrument = Instrument(
...     code="q-2026",
...     name=Label(zh="业主满意度调查", en="Owner satisfaction survey"),
...     dimensions=(DimensionDef.standard(Dimension.SERVICE),),
...     items=(
...         Item(code="s1", text=Label(zh="维修及时", en="Repairs"), dimension="service"),
...         Item(code="s2", text=Label(zh="态度", en="Manner"), dimension="service"),
...         Item(
...             code="nps",
...             text=Label(zh="推荐意愿", en="Would recommend"),
...             role=ItemRole.NPS,
...             scale=Scale.ZERO_TO_TEN,
...         ),
...     ),
... )
>>> scores = score_array(
...     instrument, [[5, 4, 10], [4, 4, 9], [2, NOT_APPLICABLE, 3], [3, 2, MISSING]]
... )
>>> scores.item("s2").na, scores.nps.score, scores.dimension("service").alpha
(1, Fraction(100, 3), Fraction(12, 13))
"""

from typing import TYPE_CHECKING, NoReturn

from pmcrm.errors import InvalidValue, ReportEntry, ValidationError, ValidationReport
from pmcrm.surveys.instrument import Instrument, ItemRole, scale_bounds
from pmcrm.surveys.scoring import (
    SurveyScores,
    Weighting,
    _Complete,
    _groups,
    _item_score,
    _summarise,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

__all__ = ["MISSING", "NOT_APPLICABLE", "score_array"]

#: An item the respondent skipped (no answer).
MISSING = -1
#: An item the respondent marked "not applicable" (不适用).
NOT_APPLICABLE = -2


def score_array(
    instrument: Instrument,
    scores: "ArrayLike",
    *,
    importance: "ArrayLike | None" = None,
    expectation: "ArrayLike | None" = None,
    weighting: Weighting = Weighting.DECLARED,
) -> SurveyScores:
    """Score answers held in an array, exactly as :func:`~pmcrm.surveys.scoring.score_survey`.

    Args:
        instrument: The questionnaire.
        scores: A 2-D integer array (or nested lists): one row per
            respondent, one column per item of ``instrument.items`` in order;
            each cell the answer as given (before reverse coding),
            :data:`MISSING` or :data:`NOT_APPLICABLE`.
        importance: The stated importance, same shape, :data:`MISSING`
            where not given; counted where the item has a score.
        expectation: The stated expectation (SERVQUAL), likewise.
        weighting: Where the CSI weights come from.

    Returns:
        The same figures as ``score_survey`` on the same answers.

    Raises:
        MissingDependency: numpy is not installed (``pip install "pmcrm[fast]"``).
        InvalidValue: an array is not a 2-D integer array with one column
            per item, or the importance or expectation array's shape is not
            the scores'; ``weighting=IMPORTANCE`` and a dimension has no
            importance ratings.
        ValidationError: a row breaks the instrument (an answer out of its
            scale, a not-applicable NPS answer, an importance or expectation
            the item does not ask for or out of its scale); the report lists
            the first such row's faults, and its ``target`` names the row.
    """
    try:
        import numpy as np  # noqa: PLC0415 - optional, and heavy: imported on use
    except ImportError:
        from pmcrm.errors import MissingDependency  # noqa: PLC0415

        raise MissingDependency("numpy", "fast") from None
    items = instrument.items
    matrix = _matrix(scores, "scores", len(items))
    lows = np.array([scale_bounds(item.scale)[0] for item in items], dtype=np.int64)
    highs = np.array([scale_bounds(item.scale)[1] for item in items], dtype=np.int64)
    na = matrix == NOT_APPLICABLE
    scored = (matrix != MISSING) & ~na
    outside = scored & ((matrix < lows) | (matrix > highs))
    nps_item = instrument.role(ItemRole.NPS)
    nps_na = np.zeros_like(na)
    if nps_item is not None:
        at = items.index(nps_item)
        nps_na[:, at] = na[:, at]
    extras: dict[str, tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]] = {}
    for name, values in (("importance", importance), ("expectation", expectation)):
        if values is None:
            continue
        extra = _matrix(values, name, len(items))
        if extra.shape != matrix.shape:
            raise InvalidValue(
                name,
                "invalid",
                value=extra.shape,
                detail=f"its shape differs from the scores' {matrix.shape}",
                detail_zh=f"形状与评分数组 {matrix.shape} 不同",
            )
        given = extra != MISSING
        asked = np.array([getattr(item, name) for item in items], dtype=np.bool_)
        unasked = given & ~asked
        out = given & asked & ((extra < lows) | (extra > highs))
        extras[name] = (extra, unasked, out)
    faults = outside | nps_na
    for _, unasked, out in extras.values():
        faults |= unasked | out
    if faults.any():
        row = int(np.flatnonzero(faults.any(axis=1))[0])
        _refuse(instrument, row, matrix, outside=outside, nps_na=nps_na, extras=extras)
    reverse = np.array([item.reverse for item in items], dtype=np.bool_)
    # The scores after reverse coding (meaningful where scored).
    recoded = np.where(reverse, lows + highs - matrix, matrix)
    widths = (highs - lows + 1).tolist()
    starts = [sum(widths[:at]) for at in range(len(items))]
    cells = (recoded - lows + np.array(starts, dtype=np.int64))[scored]
    histogram: list[int] = np.bincount(cells, minlength=sum(widths)).tolist()
    na_counts: list[int] = na.sum(axis=0).tolist()
    importance_n, importance_total = _given(extras.get("importance"), scored, None, len(items))
    gap_n, gap_total = _given(
        extras.get("expectation"), scored, (reverse, lows + highs, recoded), len(items)
    )
    respondents = len(matrix)
    item_scores = tuple(
        _item_score(
            instrument,
            at,
            respondents=respondents,
            counts=histogram[starts[at] : starts[at] + widths[at]],
            na=na_counts[at],
            importance=(importance_n[at], importance_total[at]),
            gap=(gap_n[at], gap_total[at]),
        )
        for at in range(len(items))
    )
    position = {item.code: at for at, item in enumerate(items)}
    groups = _groups(instrument, position)
    complete = {code: _complete(recoded, scored, members) for code, members in groups}
    return _summarise(
        instrument=instrument,
        respondents=respondents,
        item_scores=item_scores,
        groups=groups,
        complete=complete,
        weighting=weighting,
    )


def _matrix(values: "ArrayLike", name: str, columns: int) -> "NDArray[np.int64]":
    """*values* as a 2-D int64 array with *columns* columns, or :exc:`InvalidValue`."""
    import numpy as np  # noqa: PLC0415 - imported by score_array already

    array = np.asarray(values)
    if array.dtype.kind not in "iu" or not np.can_cast(array.dtype, np.int64):
        raise InvalidValue(
            name,
            "type",
            value=None,
            expected="an integer array",
            expected_zh="整数数组",
            got=str(array.dtype),
        )
    if array.ndim != 2 or array.shape[1] != columns:
        raise InvalidValue(
            name,
            "invalid",
            value=array.shape,
            detail=f"it needs 2 dimensions: one row per respondent, {columns} columns "
            "(one per item, in the instrument's order)",
            detail_zh=f"应为二维数组：每位受访者一行，{columns} 列（每题一列，按问卷顺序）",
        )
    return array.astype(np.int64, copy=False)


def _given(
    extra: "tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]] | None",
    scored: "NDArray[np.bool_]",
    gap: "tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64]] | None",
    columns: int,
) -> tuple[list[int], list[int]]:
    """How many importance (or expectation) answers count per item, and their sums.

    With *gap* (reverse flags, ``low + high`` per item, recoded scores), the
    sums are of perception − expectation, both after reverse coding.
    """
    import numpy as np  # noqa: PLC0415 - imported by score_array already

    if extra is None:
        return [0] * columns, [0] * columns
    values = extra[0]
    counted = scored & (values != MISSING)
    if gap is not None:
        reverse, mirror, recoded = gap
        values = recoded - np.where(reverse, mirror - values, values)
    n: list[int] = counted.sum(axis=0).tolist()
    total: list[int] = np.where(counted, values, 0).sum(axis=0).tolist()
    return n, total


def _complete(
    recoded: "NDArray[np.int64]", scored: "NDArray[np.bool_]", members: list[int]
) -> _Complete:
    """The complete-case sums of one dimension (the respondents who scored all *members*)."""
    import numpy as np  # noqa: PLC0415 - imported by score_array already

    rows = recoded[scored[:, members].all(axis=1)][:, members]
    acc = _Complete(len(members))
    acc.cases = len(rows)
    acc.sums = rows.sum(axis=0).tolist()
    acc.squares = (rows * rows).sum(axis=0).tolist()
    # The totals' sum of squares could pass 2**63 in int64: take it from their histogram.
    totals = np.bincount(rows.sum(axis=1)).tolist() if acc.cases else []
    acc.total = sum(t * times for t, times in enumerate(totals))
    acc.total_square = sum(t * t * times for t, times in enumerate(totals))
    return acc


def _refuse(
    instrument: Instrument,
    row: int,
    matrix: "NDArray[np.int64]",
    *,
    outside: "NDArray[np.bool_]",
    nps_na: "NDArray[np.bool_]",
    extras: "dict[str, tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]]",
) -> NoReturn:
    """Raise the :exc:`ValidationError` listing the faults of *row*."""
    entries: list[ReportEntry] = []
    for at, item in enumerate(instrument.items):
        low, high = scale_bounds(item.scale)
        if outside[row, at]:
            err = _out_of_scale("score", int(matrix[row, at]), low, high)
            entries.append(_entry("scores", row, at, err))
        if nps_na[row, at]:
            err = InvalidValue(
                "na",
                "invalid",
                value=True,
                detail="the NPS item cannot be not applicable",
                detail_zh="推荐意愿题不能标记为不适用",
            )
            entries.append(_entry("scores", row, at, err))
        for name, (values, unasked, out) in extras.items():
            if unasked[row, at]:
                err = InvalidValue(
                    name,
                    "invalid",
                    value=int(values[row, at]),
                    detail=f"item {item.code!r} does not ask for {name}",
                    detail_zh=f"题目 {item.code!r} 不询问{_ASKED_ZH[name]}",
                )
                entries.append(_entry(name, row, at, err))
            elif out[row, at]:
                err = _out_of_scale(name, int(values[row, at]), low, high)
                entries.append(_entry(name, row, at, err))
    raise ValidationError(ValidationReport(tuple(entries)), f"row {row}")


_ASKED_ZH = {"importance": "重要性", "expectation": "期望"}


def _out_of_scale(name: str, value: int, low: int, high: int) -> InvalidValue:
    return InvalidValue(
        name,
        "invalid",
        value=value,
        detail=f"{value} is out of the scale {low}–{high}",
        detail_zh=f"{value} 超出量表范围 {low}–{high}",
    )


def _entry(array: str, row: int, at: int, err: InvalidValue) -> ReportEntry:
    return ReportEntry(
        path=f"$.{array}[{row}][{at}]",
        code=err.code,
        message_zh=err.message_zh,
        message_en=err.message_en,
    )
