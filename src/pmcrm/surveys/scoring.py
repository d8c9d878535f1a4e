"""Scoring a survey: item and dimension scores, CSAT, NPS, the CSI, gaps and alpha.

:func:`score_survey` streams the responses once through integer
accumulators — counts, sums and sums of squares per item, plus the sums of
the complete cases of each dimension for Cronbach's alpha — so its memory
does not grow with the number of responses, and every figure is exact
(:class:`~fractions.Fraction`) until it is shown.  The formulas:

* **item score**: the mean of the answers after reverse coding; on 0–100 as
  ``(mean − low) / (high − low) × 100``;
* **dimension score**: the mean of its items' 0–100 scores (items nobody
  answered left out);
* **CSI** (customer satisfaction index, 0–100): the weighted mean of the
  dimension scores, with the declared weights or, with
  ``weights=Weighting.IMPORTANCE``, the dimensions' mean stated importance;
* **CSAT**: the share of the overall item's answers in its top box(es)
  (:attr:`~pmcrm.surveys.instrument.Instrument.top_box`), with a Wilson interval;
* **NPS**: % promoters (9–10) − % detractors (0–6) of the NPS item, with
  a normal-approximation interval;
* **gap** (SERVQUAL): mean perception − mean expectation over the answers
  that give both (both reverse-coded on a reverse-coded item, so a positive
  gap is always better than expected); a dimension's gap is the mean of its
  items' gaps;
* **Cronbach's alpha** per dimension, over the respondents who scored
  every item of the dimension (listwise deletion: an item skipped or not
  applicable leaves the respondent out of that dimension's alpha).

Missing answers (no answer) and "not applicable" are counted apart and
left out of every mean and share.
"""

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter, index, itemgetter
from typing import Any, NoReturn

import attrs

from pmcrm import _html
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.surveys.instrument import DimensionDef, Instrument, ItemRole, Scale, scale_bounds
from pmcrm.surveys.responses import Answer, Response, check_response, is_integer
from pmcrm.surveys.stats import cronbach_alpha, nps, nps_interval, wilson_interval
from pmcrm.values import Label, LabelledEnum, round_half_up

__all__ = [
    "DimensionScore",
    "ItemScore",
    "NpsScore",
    "Proportion",
    "SurveyScores",
    "Weighting",
    "score_survey",
    "to_100",
]


class Weighting(LabelledEnum):
    """Where the CSI's dimension weights come from."""

    DECLARED = "declared", "声明的权重", "declared weights"
    IMPORTANCE = "importance", "陈述的重要性", "stated importance"


@attrs.frozen
class Proportion:
    """An exact share ``part / whole`` with its Wilson interval.

    >>> Proportion(8, 10).percent(), Proportion(8, 10).interval()
    (Decimal('80.0'), (Decimal('0.490162'), Decimal('0.943318')))
    """

    part: int
    whole: int

    @property
    def share(self) -> Fraction | None:
        """The exact share, ``None`` for an empty whole."""
        return Fraction(self.part, self.whole) if self.whole else None

    def percent(self) -> Decimal | None:
        """The share in percent, half up to 0.1."""
        if not self.whole:
            return None
        return round_half_up(100 * self.part, self.whole, 1)

    def interval(self) -> tuple[Decimal, Decimal] | None:
        """The 95 % Wilson score interval, ``None`` for an empty whole."""
        return wilson_interval(self.part, self.whole) if self.whole else None


def to_100(mean: Fraction, scale: Scale) -> Fraction:
    """A mean on *scale* rescaled to 0–100: ``(mean − low) / (high − low) × 100``."""
    low, high = scale_bounds(scale)
    return (mean - low) * 100 / (high - low)


@attrs.frozen(kw_only=True)
class ItemScore:
    """The figures of one item.

    Attributes:
        code: The item.
        scale: Its scale.
        n: Answers with a score.
        missing: Respondents who skipped it.
        na: Respondents who marked it not applicable.
        total: The sum of the scores (after reverse coding).
        squares: The sum of their squares.
        counts: How many scored each value, low to high (after reverse coding).
        satisfied: Scores in the top box(es).
        importance_n: Importance ratings given.
        importance_total: Their sum.
        gap_n: Answers with both a perception (the score) and an expectation.
        gap_total: The sum of perception − expectation over those.
    """

    code: str
    scale: Scale
    n: int
    missing: int
    na: int
    total: int
    squares: int
    counts: tuple[int, ...]
    satisfied: int
    importance_n: int
    importance_total: int
    gap_n: int
    gap_total: int

    @property
    def mean(self) -> Fraction | None:
        """The mean score, ``None`` if nobody scored it."""
        return Fraction(self.total, self.n) if self.n else None

    @property
    def score_100(self) -> Fraction | None:
        """The mean on 0–100."""
        mean = self.mean
        return None if mean is None else to_100(mean, self.scale)

    @property
    def csat(self) -> Proportion:
        """The share of scores in the top box(es)."""
        return Proportion(self.satisfied, self.n)

    @property
    def importance(self) -> Fraction | None:
        """The mean stated importance, if asked and answered."""
        return Fraction(self.importance_total, self.importance_n) if self.importance_n else None

    @property
    def gap(self) -> Fraction | None:
        """The mean SERVQUAL gap (perception − expectation), if asked and answered."""
        return Fraction(self.gap_total, self.gap_n) if self.gap_n else None


@attrs.frozen(kw_only=True)
class DimensionScore:
    """The figures of one dimension.

    Attributes:
        code: The dimension.
        label: Its name.
        weight: The weight used in the CSI (normalised to sum to 1).
        score_100: The mean of its items' 0–100 scores.
        importance: The mean of its items' stated importance, if any.
        gap: The mean of its items' gaps, if any.
        alpha: Cronbach's alpha over the complete cases, if defined.
        complete: How many respondents scored every item of the dimension.
        items: How many rating items it has.
    """

    code: str
    label: Label
    weight: Fraction
    score_100: Fraction | None
    importance: Fraction | None
    gap: Fraction | None
    alpha: Fraction | None
    complete: int
    items: int


@attrs.frozen(kw_only=True)
class NpsScore:
    """The Net Promoter Score.

    Attributes:
        promoters: Answers 9–10.
        passives: Answers 7–8.
        detractors: Answers 0–6.
    """

    promoters: int
    passives: int
    detractors: int

    @property
    def n(self) -> int:
        """Respondents who answered the NPS item."""
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> Fraction:
        """% promoters − % detractors, exactly (from −100 to 100)."""
        return nps(promoters=self.promoters, passives=self.passives, detractors=self.detractors)

    def interval(self) -> tuple[Decimal, Decimal]:
        """The 95 % normal-approximation interval."""
        return nps_interval(
            promoters=self.promoters, passives=self.passives, detractors=self.detractors
        )


@attrs.frozen(kw_only=True)
class SurveyScores:
    """Everything :func:`score_survey` computes for one instrument.

    Attributes:
        instrument: The instrument's code.
        respondents: How many responses were scored.
        items: One entry per item, in instrument order.
        dimensions: One entry per dimension, in instrument order.
        weighting: Where the CSI weights came from.
        csi: The customer satisfaction index (0–100), ``None`` if no
            dimension was scored.
        csat: The overall item's top-box share, if the instrument has one.
        nps: The NPS, if the instrument has an NPS item and someone answered it.
    """

    instrument: str
    respondents: int
    items: tuple[ItemScore, ...] = attrs.field(repr=False)
    dimensions: tuple[DimensionScore, ...] = attrs.field(repr=False)
    weighting: Weighting
    csi: Fraction | None = attrs.field(repr=_html.approx)
    csat: Proportion | None
    nps: NpsScore | None

    def item(self, code: str) -> ItemScore:
        """The figures of item *code*.

        Raises:
            InvalidValue: no such item.
        """
        for item in self.items:
            if item.code == code:
                return item
        raise InvalidValue("item", "reference", value=code, what="item", what_zh="题目")

    def dimension(self, code: str) -> DimensionScore:
        """The figures of dimension *code*.

        Raises:
            InvalidValue: no such dimension.
        """
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise InvalidValue("dimension", "reference", value=code, what="dimension", what_zh="维度")

    def _repr_html_(self) -> str:
        """The headline figures, the dimension and the item tables as HTML, for notebooks."""
        return _scores_html(self)


class _Complete:
    """The sums of the complete cases of one dimension (for Cronbach's alpha)."""

    __slots__ = ("cases", "squares", "sums", "total", "total_square")

    def __init__(self, k: int) -> None:
        self.cases = 0
        self.sums = [0] * k
        self.squares = [0] * k
        self.total = 0
        self.total_square = 0


#: Stands for a skipped item (no answer) in a response's row of answers.
_MISSING = object()

#: When this many distinct answer patterns are held, they are folded into the
#: accumulators and counting starts afresh: it bounds the memory, whatever
#: the answers; the figures do not depend on it.
_MAX_PATTERNS = 1 << 14

_item_and_score = attrgetter("item", "score")
_importance = attrgetter("importance")
_expectation = attrgetter("expectation")

_contains = frozenset.__contains__
#: The types of the answers in a pattern that need no further check.
_PLAIN = frozenset({int, type(None), object})


def _groups(instrument: Instrument, position: dict[str, int]) -> list[tuple[str, list[int]]]:
    """Each dimension's code and the positions of its rating items, in order.

    One pass over the items: asking :meth:`Instrument.ratings` per dimension
    would take time proportional to dimensions × items.
    """
    groups: dict[str | None, list[int]] = {d.code: [] for d in instrument.dimensions}
    for item in instrument.ratings():
        groups[item.dimension].append(position[item.code])
    return [(d.code, groups[d.code]) for d in instrument.dimensions]


class _Layout:
    """What :func:`score_survey` derives from an instrument, once (see :class:`_Tally`)."""

    def __init__(self, instrument: Instrument) -> None:
        items = instrument.items
        self.position = {item.code: i for i, item in enumerate(items)}
        self.bounds = [scale_bounds(item.scale) for item in items]
        self.reverse = [item.reverse for item in items]
        self.groups = _groups(instrument, self.position)
        # The groups of items counted together: each dimension's, then the others.
        self.sets: list[tuple[list[int], str | None]] = [
            (members, code) for code, members in self.groups
        ]
        others = [i for i, item in enumerate(items) if item.role is not ItemRole.RATING]
        if others:
            self.sets.append((others, None))
        self.getters = [
            itemgetter(tag, *(items[at].code for at in members))
            for tag, (members, _) in enumerate(self.sets)
        ]
        # The row of a response before its answers: every item skipped, and
        # each group's number under itself, to start the group's pattern.
        self.row: dict[object, object] = dict.fromkeys(self.position, _MISSING)
        self.row.update((tag, tag) for tag in range(len(self.sets)))
        # The answers each member of each group may have (no "not applicable" NPS).
        self.allowed = [
            tuple(
                frozenset(
                    [
                        *range(low, high + 1),
                        _MISSING,
                        *([] if items[at].role is ItemRole.NPS else [None]),
                    ]
                )
                for at in members
                for low, high in [self.bounds[at]]
            )
            for members, _ in self.sets
        ]
        self.asks = any(item.importance or item.expectation for item in items)


_LAYOUTS: dict[int, tuple[Instrument, _Layout]] = {}


def _layout(instrument: Instrument) -> _Layout:
    """The layout of *instrument*, built on first use and kept for reuse."""
    entry = _LAYOUTS.get(id(instrument))
    if entry is None or entry[0] is not instrument:
        if len(_LAYOUTS) > 32:
            _LAYOUTS.clear()
        entry = (instrument, _Layout(instrument))
        _LAYOUTS[id(instrument)] = entry
    return entry[1]


class _Tally:
    """The exact integer accumulators of one pass over the responses.

    Each response becomes a row ``{item code: answer as given}`` (``None``
    when not applicable, :data:`_MISSING` when skipped), and each group of
    items -- the rating items of a dimension, and the overall and NPS items
    -- a *pattern*: the group's number and its members' answers in that row,
    read by one :func:`operator.itemgetter`.  The patterns are counted in a
    dict (a 3-item Likert-5 dimension has at most 7³ of them), and every
    distinct pattern is checked against the instrument when it first appears.
    :meth:`fold` turns the counts into each item's histogram (scores after
    reverse coding) and not-applicable count, and each dimension's
    complete-case sums: the same integers as adding up the responses one by
    one, as a sum over the patterns weighted by their counts.  Item counts,
    sums, sums of squares and top-box counts are read off the histograms.

    Importance and expectation answers, when the instrument asks for them,
    are added up answer by answer (:meth:`extras`).
    """

    def __init__(self, instrument: Instrument) -> None:
        layout = _layout(instrument)
        count = len(instrument.items)
        self.instrument = instrument
        self.position = layout.position
        self.bounds = layout.bounds
        self.reverse = layout.reverse
        self.groups = layout.groups
        self.getters = layout.getters
        self.row = layout.row
        self.allowed = layout.allowed
        self.asks = layout.asks
        self.counts = [[0] * (high - low + 1) for low, high in self.bounds]
        self.na = [0] * count
        self.importance_n = [0] * count
        self.importance_total = [0] * count
        self.gap_n = [0] * count
        self.gap_total = [0] * count
        self.complete = {code: _Complete(len(members)) for code, members in self.groups}
        self.sets = [
            (members, None if code is None else self.complete[code])
            for members, code in layout.sets
        ]
        self.patterns: dict[tuple[Any, ...], int] = {}

    def admit(self, new: int) -> bool:
        """Check the *new* patterns last counted; fold them all if there are too many.

        False when one breaks the instrument: an answer out of its scale or
        not an integer, or a not-applicable NPS answer.
        """
        newest = reversed(self.patterns)  # a dict keeps its keys in the order first counted
        for _ in range(new):
            key = next(newest)
            answers = key[1:]
            if not all(map(_contains, self.allowed[key[0]], answers)):
                return False
            # 4.0 == 4 passes the sets: the answers must also be integers.
            if not _PLAIN.issuperset(map(type, answers)) and not all(map(_is_answer, answers)):
                return False
        if len(self.patterns) >= _MAX_PATTERNS:
            self.fold()
        return True

    def fold(self) -> None:
        """Add the counted patterns to the histograms and complete-case sums; forget them."""
        counts, na, bounds, reverse = self.counts, self.na, self.bounds, self.reverse
        for key, times in self.patterns.items():
            members, complete = self.sets[key[0]]
            scores = []
            for j, at in enumerate(members, 1):  # key[0] is the group's number
                value = key[j]
                if value is _MISSING:
                    continue
                if value is None:
                    na[at] += times
                    continue
                low, high = bounds[at]
                score = index(value)
                if reverse[at]:
                    score = low + high - score
                counts[at][score - low] += times
                scores.append(score)
            if complete is not None and len(scores) == len(members):
                complete.cases += times
                row_total = 0
                for j, score in enumerate(scores):
                    complete.sums[j] += score * times
                    complete.squares[j] += score * score * times
                    row_total += score
                complete.total += row_total * times
                complete.total_square += row_total * row_total * times
        self.patterns.clear()

    def extras(self, answers: Iterable[Answer], row: dict[object, object]) -> bool:
        """Add up the importance and expectation answers; False when one breaks the instrument.

        Only answers with a score count (as in the item's figures); every
        answer's importance and expectation must be asked and on the scale.
        """
        items = self.instrument.items
        for answer in answers:
            importance, expectation = answer.importance, answer.expectation
            if importance is None and expectation is None:
                continue
            at = self.position[answer.item]
            item = items[at]
            low, high = self.bounds[at]
            score = row[answer.item]
            if importance is not None:
                if not item.importance or not low <= importance <= high:
                    return False
                if score is not None:
                    self.importance_n[at] += 1
                    self.importance_total[at] += importance
            if expectation is not None:
                if not item.expectation or not low <= expectation <= high:
                    return False
                if score is not None:
                    if item.reverse:
                        score = low + high - score  # type: ignore[operator]
                        expectation = low + high - expectation
                    self.gap_n[at] += 1
                    self.gap_total[at] += score - expectation  # type: ignore[operator]
        return True

    def item_scores(self, respondents: int) -> tuple[ItemScore, ...]:
        """The figures of every item, read off the histograms."""
        return tuple(
            _item_score(
                self.instrument,
                at,
                respondents=respondents,
                counts=self.counts[at],
                na=self.na[at],
                importance=(self.importance_n[at], self.importance_total[at]),
                gap=(self.gap_n[at], self.gap_total[at]),
            )
            for at in range(len(self.instrument.items))
        )


def _item_score(
    instrument: Instrument,
    at: int,
    *,
    respondents: int,
    counts: list[int],
    na: int,
    importance: tuple[int, int],
    gap: tuple[int, int],
) -> ItemScore:
    """The figures of the item at *at* from its histogram (scores after reverse coding).

    *importance* and *gap* are ``(count, sum)`` pairs.
    """
    item = instrument.items[at]
    low, high = scale_bounds(item.scale)
    cut = high if item.scale is Scale.YES_NO else high - instrument.top_box + 1
    n = sum(counts)
    return ItemScore(
        code=item.code,
        scale=item.scale,
        n=n,
        missing=respondents - n - na,
        na=na,
        total=sum((low + j) * times for j, times in enumerate(counts)),
        squares=sum((low + j) ** 2 * times for j, times in enumerate(counts)),
        counts=tuple(counts),
        satisfied=sum(counts[cut - low :]),
        importance_n=importance[0],
        importance_total=importance[1],
        gap_n=gap[0],
        gap_total=gap[1],
    )


def _count(tally: _Tally, responses: Iterable[Response]) -> int:
    """Count *responses* into *tally* (the hot loop); how many there were."""
    getters, patterns, asks = tally.getters, tally.patterns, tally.asks
    size = len(tally.row)
    blank = tally.row.copy
    seen = patterns.get
    known = 0
    respondents = 0
    for respondents, response in enumerate(responses, 1):
        answers = response.answers
        row = blank()
        row.update(map(_item_and_score, answers))
        if len(row) != size:  # an unknown item
            _refuse(tally.instrument, response, respondents - 1)
        for getter in getters:
            key = getter(row)
            patterns[key] = seen(key, 0) + 1
        if len(patterns) != known:
            if not tally.admit(len(patterns) - known):
                _refuse(tally.instrument, response, respondents - 1)
            known = len(patterns)
        if asks:
            if not tally.extras(answers, row):
                _refuse(tally.instrument, response, respondents - 1)
        elif [*map(_importance, answers), *map(_expectation, answers)].count(None) != 2 * len(
            answers
        ):
            _refuse(tally.instrument, response, respondents - 1)
    return respondents


def _refuse(instrument: Instrument, response: Response, index: int) -> NoReturn:
    """Raise the located report of *response*, the *index*-th, which the fast loop refused."""
    target = f"response {index} (respondent {response.respondent_id!r})"
    try:
        check_response(instrument, response)
    except ValidationError as exc:
        raise ValidationError(exc.report, target) from None
    raise AssertionError  # pragma: no cover - the loop refuses only what check_response does


def _is_answer(value: object) -> bool:
    """An integer (of any integer type), ``None`` or :data:`_MISSING`."""
    return value is None or value is _MISSING or is_integer(value)


def score_survey(
    instrument: Instrument,
    responses: Iterable[Response],
    *,
    weighting: Weighting = Weighting.DECLARED,
) -> SurveyScores:
    """Score *responses* to *instrument* in one pass (see the module docstring).

    Raises:
        ValidationError: a response breaks the instrument (an unknown item,
            an answer out of scale…), with the faults' paths; the error's
            ``target`` names the response.
        InvalidValue: ``weighting=IMPORTANCE`` and a dimension has no
            importance ratings.
    """
    tally = _Tally(instrument)
    respondents = _count(tally, responses)
    tally.fold()
    return _summarise(
        instrument=instrument,
        respondents=respondents,
        item_scores=tally.item_scores(respondents),
        groups=tally.groups,
        complete=tally.complete,
        weighting=weighting,
    )


def _mean(values: list[Fraction]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


#: One dimension on its way to a :class:`DimensionScore`: its definition, the positions of
#: its items, its weight before normalising, its score, importance and gap.
_Dimension = tuple[
    DimensionDef, list[int], Fraction, Fraction | None, Fraction | None, Fraction | None
]


def _summarise(
    *,
    instrument: Instrument,
    respondents: int,
    item_scores: tuple[ItemScore, ...],
    groups: list[tuple[str, list[int]]],
    complete: dict[str, _Complete],
    weighting: Weighting,
) -> SurveyScores:
    members_of = dict(groups)
    raw: list[_Dimension] = []
    for definition in instrument.dimensions:
        code = definition.code
        members = members_of[code]
        scored = [item_scores[m] for m in members]
        score = _mean([s.score_100 for s in scored if s.score_100 is not None])
        importance = _mean([s.importance for s in scored if s.importance is not None])
        gap = _mean([s.gap for s in scored if s.gap is not None])
        if weighting is Weighting.IMPORTANCE:
            if importance is None:
                raise InvalidValue(
                    "weighting",
                    "invalid",
                    value=weighting.value,
                    detail=f"dimension {code!r} has no importance ratings",
                    detail_zh=f"维度 {code!r} 没有重要性评分",
                )
            weight = importance
        else:
            weight = Fraction(definition.weight)
        raw.append((definition, members, weight, score, importance, gap))
    scored_weight = sum(w for _, _, w, s, _, _ in raw if s is not None)
    all_weight = sum(w for _, _, w, _, _, _ in raw)
    if not all_weight:  # only stated importance can be all zero (0-10 or yes/no scales)
        raise InvalidValue(
            "weighting",
            "invalid",
            value=weighting.value,
            detail="every dimension's mean importance is 0: no weights to use",
            detail_zh="所有维度的平均重要性均为 0，无法作为权重",
        )
    csi = (
        Fraction(sum(w * s for _, _, w, s, _, _ in raw if s is not None), scored_weight)
        if scored_weight
        else None
    )
    dimensions = []
    for definition, members, weight, score, importance, gap in raw:
        code = definition.code
        acc = complete[code]
        alpha = cronbach_alpha(
            k=len(members),
            n=acc.cases,
            item_sums=acc.sums,
            item_squares=acc.squares,
            total_sum=acc.total,
            total_square=acc.total_square,
        )
        dimensions.append(
            DimensionScore(
                code=code,
                label=definition.label,
                weight=weight / all_weight,
                score_100=score,
                importance=importance,
                gap=gap,
                alpha=alpha,
                complete=acc.cases,
                items=len(members),
            )
        )
    overall = instrument.role(ItemRole.OVERALL)
    csat = None
    if overall is not None:
        csat = next(s for s in item_scores if s.code == overall.code).csat
    nps_item = instrument.role(ItemRole.NPS)
    nps_score = None
    if nps_item is not None:
        counts = next(s for s in item_scores if s.code == nps_item.code).counts
        if sum(counts):
            nps_score = NpsScore(
                promoters=sum(counts[9:]), passives=sum(counts[7:9]), detractors=sum(counts[:7])
            )
    return SurveyScores(
        instrument=instrument.code,
        respondents=respondents,
        items=item_scores,
        dimensions=tuple(dimensions),
        weighting=weighting,
        csi=csi,
        csat=csat,
        nps=nps_score,
    )


# --- rich display ---------------------------------------------------------------------


def _percent(value: Fraction | Decimal) -> str:
    """A share (0 to 1) in percent, half up to 0.1."""
    return _html.tenths(Fraction(value) * 100)


def _csat_text(csat: Proportion | None) -> _html.Text:
    interval = None if csat is None else csat.interval()
    if csat is None or interval is None:
        return "–"
    share, (low, high) = f"{csat.percent()}%", (_percent(end) for end in interval)
    return Label(
        zh=f"{share}（95% Wilson 区间 {low}% 至 {high}%；n = {csat.whole}）",
        en=f"{share} (95% Wilson CI {low}% to {high}%; n = {csat.whole})",
    )


def _nps_text(score: NpsScore | None) -> _html.Text:
    if score is None:
        return "–"
    shown = _html.tenths(score.score, signed=True)
    low, high = (_html.tenths(end, signed=True) for end in score.interval())
    p, m, d = score.promoters, score.passives, score.detractors
    return Label(
        zh=f"{shown}（95% 置信区间 {low} 至 {high}；n = {score.n}：推荐者 {p}，中立者 {m}，"
        f"贬损者 {d}）",
        en=f"{shown} (95% CI {low} to {high}; n = {score.n}: {p} promoters, {m} passives, "
        f"{d} detractors)",
    )


def _scores_html(scores: SurveyScores) -> str:
    tenths = _html.tenths
    dimensions = tuple(
        (
            d.label,
            f"{_percent(d.weight)}%",
            tenths(d.score_100),
            tenths(d.importance, 2),
            tenths(d.gap, 2, signed=d.gap is not None),
            tenths(d.alpha, 2),
            str(d.complete),
            str(d.items),
        )
        for d in scores.dimensions
    )
    items = tuple(
        (
            i.code,
            str(i.n),
            str(i.missing),
            str(i.na),
            tenths(i.mean, 2),
            tenths(i.score_100),
            "–" if i.n == 0 else f"{i.csat.percent()}%",
            tenths(i.importance, 2),
            tenths(i.gap, 2, signed=i.gap is not None),
        )
        for i in scores.items
    )
    return _html.render(
        Label(zh="满意度测评得分", en="Survey scores"),
        _html.Fields(
            (
                (Label(zh="问卷", en="Instrument"), scores.instrument),
                (Label(zh="答卷数", en="Respondents"), str(scores.respondents)),
                (Label(zh="权重来源", en="Weighting"), scores.weighting.label),
                ("CSI", f"{tenths(scores.csi)} / 100"),
                ("CSAT", _csat_text(scores.csat)),
                ("NPS", _nps_text(scores.nps)),
            )
        ),
        _html.Table(
            (
                Label(zh="维度", en="Dimension"),
                Label(zh="权重", en="Weight"),
                Label(zh="得分", en="Score"),
                Label(zh="重要性", en="Importance"),
                Label(zh="差距", en="Gap"),
                Label(zh="信度 α", en="Alpha"),
                Label(zh="完整样本", en="Complete"),
                Label(zh="题数", en="Items"),
            ),
            dimensions,
            Label(zh="维度得分（0–100）", en="Dimension scores (0–100)"),
            right=(1, 2, 3, 4, 5, 6, 7),
        ),
        _html.Table(
            (
                Label(zh="题目", en="Item"),
                "n",
                Label(zh="缺答", en="Missing"),
                Label(zh="不适用", en="N/A"),
                Label(zh="均值", en="Mean"),
                Label(zh="得分", en="Score"),
                Label(zh="满意率", en="CSAT"),
                Label(zh="重要性", en="Importance"),
                Label(zh="差距", en="Gap"),
            ),
            items,
            Label(zh="题目得分", en="Item scores"),
            right=(1, 2, 3, 4, 5, 6, 7, 8),
        ),
    )
