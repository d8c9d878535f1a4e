"""V1 (score a survey in pure Python) and V2 (the optional numpy path), against a plain floor.

The workload is one questionnaire of 20 items -- 18 Likert-5 rating items,
three for each of the six standard dimensions (service, facilities,
management, price, communication, emotional; weights 3, 2, 2, 1, 1, 1),
two of them reverse-coded ("fees are too high", "rules are a nuisance"),
one overall-satisfaction item (Likert-5, top-2 box) and one 0-10 NPS item
-- answered by 50,000 respondents (1,000,000 answers; 5,000 with
``--quick``).  Each respondent has a latent satisfaction (normal, mean 3.7,
sd 0.7) plus a per-dimension offset; an answer is the rounded latent plus
noise, clipped to the scale (mirrored on reverse-coded items).  About 3 %
of the items are skipped (no answer) and 2 % marked "not applicable" (never
the NPS item, which cannot be).  The ``Response`` objects (each answer its
own ``Answer``) are built once from the seed, outside the timing.

V1 candidates, each computing the same figures (per item: answered, not
applicable, skipped, mean; per dimension: 0-100 score, complete cases and
Cronbach's alpha; the CSI; the overall item's CSAT; the NPS and its counts):

* **floor** -- a plain hand-written function over the same ``Response``
  objects with exact integer accumulators, as tight as a plain function
  gets: per answer one dict look-up and one histogram increment (raw score,
  recoded at the end), the recoded score kept in a row for the dimensions'
  complete cases; per respondent and dimension the complete-case sums; then
  the same exact ``Fraction`` figures.  It checks nothing it does not need
  (an unknown item is a ``KeyError``; an answer out of scale is not caught).
* **pmcrm** -- ``score_survey`` (which checks every answer against the
  instrument and builds the full ``SurveyScores``), figures read off it.
* **statistics** -- the ``statistics`` module used for speed: each item's
  scores collected in a list, ``statistics.fmean`` for the means,
  ``statistics.fmean(..., weights)`` for the CSI, the complete rows of each
  dimension collected and ``statistics.variance`` of each column and of the
  totals for alpha.  Its figures are floats.  (The target is against this,
  the faster way to use the module.)
* *context*: the same with ``statistics.mean`` (exact sums, then one
  rounding; much slower) for the item means.
* *context*: **textbook floor** -- the same plain function written the
  textbook way, updating count, sum, sum of squares, histogram and top-box
  count at every answer.

Before timing, the floor's figures (``Fraction``) are checked **equal** to
pmcrm's, alpha included; the textbook floor's too; both statistics
candidates' within a relative 1e-9 (the largest difference is printed).  Each
candidate scores the whole survey once per round, interleaved.

V2 times ``pmcrm.surveys.fast.score_array`` on the same answers held in a
respondents x items ``int8`` array (``-1`` skipped, ``-2`` not applicable,
built once, outside the timing) against the same floor; its
``SurveyScores`` is checked equal to ``score_survey``'s (so the largest
relative error of any figure is 0).  *Context*: the same including the
conversion of the ``Response`` objects into the array.  V2 is skipped when
numpy is not installed.

Memory: ``tracemalloc``'s peak while each candidate scores a *generator*
of responses built on the fly, for two survey sizes, minus the peak of
consuming the same generator alone; a flat figure shows that the candidate
streams.
"""

import functools
import gc
import importlib.util
import random
import statistics
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from benchmarks._harness import Config, Section, interleave, ratio_row, timed_row
from pmcrm.surveys import (
    Answer,
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Response,
    Scale,
    Segment,
    SurveyScores,
    scale_bounds,
    score_survey,
)
from pmcrm.values import Label

#: Respondents (default, quick); the instrument has 20 items.
RESPONDENTS = {False: 50_000, True: 5_000}
#: Rounds of V1 and V2: every round scores the whole survey with each candidate.
ROUNDS = {False: 9, True: 5}
#: Survey sizes of the memory measurement (default, quick); tracemalloc slows
#: building the responses to ~0.5 ms each.  Past ~2,000 responses the
#: interpreter's tuple free lists (which tracemalloc counts) are full.
MEMORY_SIZES = {False: (4_000, 12_000), True: (2_000, 4_000)}
#: Shares of skipped and not-applicable answers.
SKIPPED, NOT_APPLICABLE = 0.03, 0.02

Figures = dict[str, Any]

_DIMENSIONS = (
    (Dimension.SERVICE, 3, ("维修及时", "态度友善", "响应迅速")),
    (Dimension.FACILITIES, 2, ("电梯运行", "门禁可靠", "停车方便")),
    (Dimension.MANAGEMENT, 2, ("秩序良好", "公示透明", "规定繁琐")),
    (Dimension.PRICE, 1, ("收费合理", "物有所值", "收费偏高")),
    (Dimension.COMMUNICATION, 1, ("沟通顺畅", "投诉有回应", "通知及时")),
    (Dimension.EMOTIONAL, 1, ("有归属感", "信任物业", "愿意续约")),
)
_REVERSED = {"management3", "price3"}


# --- the workload -----------------------------------------------------------------------


@functools.cache
def make_instrument() -> Instrument:
    """The 20-item questionnaire of the module docstring."""
    items = [
        Item(
            code=f"{dimension.value}{j}",
            text=Label(zh=text, en=f"{dimension.value} {j}"),
            dimension=dimension.value,
            reverse=f"{dimension.value}{j}" in _REVERSED,
        )
        for dimension, _, texts in _DIMENSIONS
        for j, text in enumerate(texts, 1)
    ]
    items.append(
        Item(
            code="overall",
            text=Label(zh="总体满意度", en="Overall satisfaction"),
            role=ItemRole.OVERALL,
        )
    )
    items.append(
        Item(
            code="nps",
            text=Label(zh="推荐意愿", en="Would recommend"),
            role=ItemRole.NPS,
            scale=Scale.ZERO_TO_TEN,
        )
    )
    return Instrument(
        code="owners-2026",
        name=Label(zh="2026 年业主满意度调查", en="Owner satisfaction survey 2026"),
        dimensions=tuple(
            DimensionDef.standard(d, weight=Decimal(weight)) for d, weight, _ in _DIMENSIONS
        ),
        items=tuple(items),
    )


def stream_responses(count: int, seed: int) -> Iterator[Response]:
    """*count* responses to :func:`make_instrument`, built one at a time from *seed*."""
    rng = random.Random(seed + 31)
    instrument = make_instrument()
    tiers = ("gold", "silver", "basic")
    start = date(2026, 10, 1)
    for number in range(count):
        latent = rng.gauss(3.7, 0.7)
        offsets = {d.value: rng.gauss(0, 0.35) for d, _, _ in _DIMENSIONS}
        answers = []
        for item in instrument.items:
            draw = rng.random()
            if draw < SKIPPED:
                continue
            if draw < SKIPPED + NOT_APPLICABLE and item.role is not ItemRole.NPS:
                answers.append(Answer(item=item.code, na=True))
                continue
            if item.role is ItemRole.NPS:
                score = min(10, max(0, round(2.6 * latent - 1.5 + rng.gauss(0, 1.2))))
            else:
                mood = latent + offsets.get(item.dimension or "", 0.0)
                score = min(5, max(1, round(mood + rng.gauss(0, 0.6))))
                if item.reverse:
                    score = 6 - score
            answers.append(Answer(item=item.code, score=score))
        yield Response(
            respondent_id=f"R-{number:06d}",
            customer_id=f"C{rng.randint(1, 99_999):05d}",
            on=start + timedelta(days=number % 45),
            segments=(Segment(key="tier", value=rng.choice(tiers)),),
            answers=tuple(answers),
        )


@functools.cache
def make_responses(count: int, seed: int) -> tuple[Response, ...]:
    """The responses of :func:`stream_responses`, kept (built once per run)."""
    return tuple(stream_responses(count, seed))


# --- the figures ---------------------------------------------------------------------------


def figures_of(scores: SurveyScores) -> Figures:
    """The compared figures, read off pmcrm's result."""
    assert scores.csat is not None
    assert scores.nps is not None
    return {
        "respondents": scores.respondents,
        "items": {i.code: (i.n, i.na, i.missing, i.mean) for i in scores.items},
        "dimensions": {d.code: (d.score_100, d.complete, d.alpha) for d in scores.dimensions},
        "csi": scores.csi,
        "csat": scores.csat.share,
        "nps": (
            scores.nps.promoters,
            scores.nps.passives,
            scores.nps.detractors,
            scores.nps.score,
        ),
    }


def _layout(instrument: Instrument) -> tuple[Any, ...]:
    """What both floors precompute from the instrument (a plain function would hard-code it)."""
    items = instrument.items
    position = {item.code: at for at, item in enumerate(items)}
    bounds = [scale_bounds(item.scale) for item in items]
    dimensions = [
        (d, [position[i.code] for i in instrument.ratings(d.code)]) for d in instrument.dimensions
    ]
    overall = instrument.role(ItemRole.OVERALL)
    nps_item = instrument.role(ItemRole.NPS)
    assert overall is not None
    assert nps_item is not None
    return items, position, bounds, dimensions, position[overall.code], position[nps_item.code]


def _exact_figures(
    instrument: Instrument,
    respondents: int,
    counts: Sequence[Sequence[int]],
    na: Sequence[int],
    complete: Sequence[tuple[int, list[int], list[int], int, int]],
) -> Figures:
    """The figures, as exact Fractions, from per-item histograms of recoded scores.

    ``counts[at][s]`` counts the recoded score *s* (indexed from 0).
    """
    items, _, bounds, dimensions, overall_at, nps_at = _layout(instrument)
    item_figures = {}
    score_100 = []
    for at, item in enumerate(items):
        low, high = bounds[at]
        n = sum(counts[at][low:])
        total = sum(s * c for s, c in enumerate(counts[at]))
        mean = Fraction(total, n) if n else None
        item_figures[item.code] = (n, na[at], respondents - n - na[at], mean)
        score_100.append(None if mean is None else (mean - low) * 100 / (high - low))
    dimension_figures = {}
    weighted = weights = Fraction(0)
    for (definition, members), (cases, sums, squares, total, square) in zip(
        dimensions, complete, strict=True
    ):
        scored = [score_100[m] for m in members if score_100[m] is not None]
        score = sum(scored, Fraction(0)) / len(scored) if scored else None
        k = len(members)
        alpha = None
        spread = cases * square - total * total
        if k > 1 and cases > 1 and spread:
            items_spread = sum(cases * q - s * s for s, q in zip(sums, squares, strict=True))
            alpha = Fraction(k, k - 1) * (1 - Fraction(items_spread, spread))
        dimension_figures[definition.code] = (score, cases, alpha)
        if score is not None:
            weighted += Fraction(definition.weight) * score
            weights += Fraction(definition.weight)
    low, high = bounds[overall_at]
    overall = counts[overall_at]
    satisfied = sum(overall[high - instrument.top_box + 1 :])
    nps_counts = counts[nps_at]
    promoters, passives, detractors = (
        sum(nps_counts[9:]),
        sum(nps_counts[7:9]),
        sum(nps_counts[:7]),
    )
    return {
        "respondents": respondents,
        "items": item_figures,
        "dimensions": dimension_figures,
        "csi": weighted / weights if weights else None,
        "csat": Fraction(satisfied, sum(overall)),
        "nps": (
            promoters,
            passives,
            detractors,
            Fraction(100 * (promoters - detractors), promoters + passives + detractors),
        ),
    }


# --- the floors ---------------------------------------------------------------------------


def floor_score(instrument: Instrument, responses: Iterable[Response]) -> Figures:
    """The floor: one histogram increment per answer, complete-case sums per dimension."""
    items, position, bounds, dimensions, _, _ = _layout(instrument)
    count = len(items)
    # recode[at][raw] -> the score after reverse coding
    recode = [
        [low + high - s if item.reverse else s for s in range(high + 1)]
        for item, (low, high) in zip(items, bounds, strict=True)
    ]
    raw = [[0] * (high + 1) for _, high in bounds]
    na = [0] * count
    groups = [(members, [0] * len(members), [0] * len(members)) for _, members in dimensions]
    cases = [0] * len(groups)
    totals = [0] * len(groups)
    squares_of_totals = [0] * len(groups)
    respondents = 0
    for response in responses:
        respondents += 1
        row: list[int | None] = [None] * count
        for answer in response.answers:
            at = position[answer.item]
            score = answer.score
            if score is None:
                na[at] += 1
            else:
                raw[at][score] += 1
                row[at] = recode[at][score]
        for g, (members, sums, squares) in enumerate(groups):
            values = [row[m] for m in members]
            if None in values:
                continue
            cases[g] += 1
            total = 0
            for j, value in enumerate(values):
                assert value is not None
                sums[j] += value
                squares[j] += value * value
                total += value
            totals[g] += total
            squares_of_totals[g] += total * total
    counts = []
    for at, (low, high) in enumerate(bounds):
        hist = [0] * (high + 1)
        for s in range(low, high + 1):
            hist[recode[at][s]] += raw[at][s]
        counts.append(hist)
    complete = [
        (cases[g], sums, squares, totals[g], squares_of_totals[g])
        for g, (_, sums, squares) in enumerate(groups)
    ]
    return _exact_figures(instrument, respondents, counts, na, complete)


def textbook_score(instrument: Instrument, responses: Iterable[Response]) -> Figures:
    """Context: count, sum, sum of squares, histogram and top box updated at every answer."""
    items, position, bounds, dimensions, _, _ = _layout(instrument)
    count = len(items)
    lows = [low for low, _ in bounds]
    highs = [high for _, high in bounds]
    reverse = [item.reverse for item in items]
    cuts = [high - instrument.top_box + 1 for high in highs]
    n = [0] * count
    na = [0] * count
    total = [0] * count
    squares = [0] * count
    satisfied = [0] * count
    counts = [[0] * (high + 1) for high in highs]
    groups = [(members, [0] * len(members), [0] * len(members)) for _, members in dimensions]
    cases = [0] * len(groups)
    totals = [0] * len(groups)
    squares_of_totals = [0] * len(groups)
    respondents = 0
    for response in responses:
        respondents += 1
        row: list[int | None] = [None] * count
        for answer in response.answers:
            at = position[answer.item]
            score = answer.score
            if score is None:
                na[at] += 1
                continue
            if reverse[at]:
                score = lows[at] + highs[at] - score
            n[at] += 1
            total[at] += score
            squares[at] += score * score
            counts[at][score] += 1
            if score >= cuts[at]:
                satisfied[at] += 1
            row[at] = score
        for g, (members, sums, sqs) in enumerate(groups):
            values = [row[m] for m in members]
            if None in values:
                continue
            cases[g] += 1
            row_total = 0
            for j, value in enumerate(values):
                assert value is not None
                sums[j] += value
                sqs[j] += value * value
                row_total += value
            totals[g] += row_total
            squares_of_totals[g] += row_total * row_total
    complete = [
        (cases[g], sums, sqs, totals[g], squares_of_totals[g])
        for g, (_, sums, sqs) in enumerate(groups)
    ]
    # n, total, squares and satisfied are what a textbook report prints; the figures
    # compared need only the histograms (checked consistent here, outside any timing).
    figures = _exact_figures(instrument, respondents, counts, na, complete)
    figures["_sums"] = (n, total, squares, satisfied)
    return figures


def statistics_score(
    instrument: Instrument,
    responses: Iterable[Response],
    mean: Callable[[list[int]], float] = statistics.fmean,
) -> Figures:
    """The statistics module: lists of scores, *mean* and ``variance`` (floats)."""
    items, position, bounds, dimensions, overall_at, nps_at = _layout(instrument)
    count = len(items)
    scores: list[list[int]] = [[] for _ in items]
    na = [0] * count
    rows: list[list[list[int]]] = [[] for _ in dimensions]
    respondents = 0
    for response in responses:
        respondents += 1
        row: list[int | None] = [None] * count
        for answer in response.answers:
            at = position[answer.item]
            score = answer.score
            if score is None:
                na[at] += 1
                continue
            if items[at].reverse:
                low, high = bounds[at]
                score = low + high - score
            scores[at].append(score)
            row[at] = score
        for g, (_, members) in enumerate(dimensions):
            values = [row[m] for m in members]
            if None not in values:
                rows[g].append(values)
    item_figures = {}
    score_100: list[float | None] = []
    for at, item in enumerate(items):
        low, high = bounds[at]
        average = mean(scores[at]) if scores[at] else None
        n = len(scores[at])
        item_figures[item.code] = (n, na[at], respondents - n - na[at], average)
        score_100.append(None if average is None else (average - low) * 100 / (high - low))
    dimension_figures = {}
    dim_scores, dim_weights = [], []
    for (definition, members), complete in zip(dimensions, rows, strict=True):
        scored = [x for x in (score_100[m] for m in members) if x is not None]
        dim_score = statistics.fmean(scored) if scored else None
        k = len(members)
        alpha = None
        if k > 1 and len(complete) > 1:
            columns = list(zip(*complete, strict=True))
            total_variance = statistics.variance([sum(r) for r in complete])
            if total_variance:
                items_variance = sum(statistics.variance(c) for c in columns)
                alpha = k / (k - 1) * (1 - items_variance / total_variance)
        dimension_figures[definition.code] = (dim_score, len(complete), alpha)
        if dim_score is not None:
            dim_scores.append(dim_score)
            dim_weights.append(float(definition.weight))
    overall = scores[overall_at]
    cut = bounds[overall_at][1] - instrument.top_box + 1
    nps_scores = scores[nps_at]
    promoters = sum(1 for s in nps_scores if s >= 9)
    detractors = sum(1 for s in nps_scores if s <= 6)
    return {
        "respondents": respondents,
        "items": item_figures,
        "dimensions": dimension_figures,
        "csi": statistics.fmean(dim_scores, weights=dim_weights) if dim_scores else None,
        "csat": sum(1 for s in overall if s >= cut) / len(overall),
        "nps": (
            promoters,
            len(nps_scores) - promoters - detractors,
            detractors,
            100 * (promoters - detractors) / len(nps_scores),
        ),
    }


def statistics_mean_score(instrument: Instrument, responses: Iterable[Response]) -> Figures:
    """The same with ``statistics.mean`` (exact, then rounded) for the item means."""
    return statistics_score(instrument, responses, statistics.mean)


def pmcrm_score(instrument: Instrument, responses: Iterable[Response]) -> Figures:
    """pmcrm's ``score_survey``, its figures read off the result."""
    return figures_of(score_survey(instrument, responses))


# --- the checks ---------------------------------------------------------------------------


def _flatten(figures: Figures) -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = [("respondents", figures["respondents"])]
    for code, values in figures["items"].items():
        flat += [
            (f"{code}.{name}", v)
            for name, v in zip(("n", "na", "missing", "mean"), values, strict=True)
        ]
    for code, values in figures["dimensions"].items():
        flat += [
            (f"{code}.{name}", v)
            for name, v in zip(("score", "complete", "alpha"), values, strict=True)
        ]
    flat += [("csi", figures["csi"]), ("csat", figures["csat"])]
    flat += [
        (f"nps.{n}", v) for n, v in zip(("p", "pas", "d", "score"), figures["nps"], strict=True)
    ]
    return flat


def largest_difference(figures: Figures, exact: Figures) -> tuple[float, str]:
    """The largest relative difference of *figures* from *exact*, and where.

    Raises:
        AssertionError: a count differs, or a figure is missing on one side only.
    """
    worst, where = 0.0, "-"
    for (name, value), (exact_name, reference) in zip(
        _flatten(figures), _flatten(exact), strict=True
    ):
        assert name == exact_name
        if isinstance(reference, int):
            assert value == reference, f"{name}: {value} != {reference}"
            continue
        assert (value is None) == (reference is None), name
        if reference is None:
            continue
        diff = abs(Fraction(value) - reference) / abs(reference) if reference else abs(value)
        if diff > worst:
            worst, where = float(diff), name
    return worst, where


def _check_v1(instrument: Instrument, responses: Sequence[Response]) -> tuple[Figures, str]:
    """Check that every candidate gives the same figures; the exact figures and a note."""
    exact = pmcrm_score(instrument, responses)
    floor = floor_score(instrument, responses)
    if floor != exact:
        raise AssertionError("the floor's figures differ from score_survey's")
    textbook = textbook_score(instrument, responses)
    n, total, squares, satisfied = textbook.pop("_sums")
    items = score_survey(instrument, responses).items
    if textbook != exact or [(i.n, i.total, i.squares, i.satisfied) for i in items] != list(
        zip(n, total, squares, satisfied, strict=True)
    ):
        raise AssertionError("the textbook floor's figures differ from score_survey's")
    worst, where = largest_difference(statistics_score(instrument, responses), exact)
    worst_mean, _ = largest_difference(statistics_mean_score(instrument, responses), exact)
    if max(worst, worst_mean) > 1e-9:
        raise AssertionError(f"the statistics module is off by {worst:.1e} at {where}")
    note = (
        "figures checked first: floor, textbook floor and pmcrm equal (exact Fractions, "
        f"alpha included); statistics module within {worst:.1e} relative (largest at {where})"
    )
    return exact, note


# --- V1 -----------------------------------------------------------------------------------


def _shape(instrument: Instrument, responses: Sequence[Response], exact: Figures) -> str:
    answers = sum(len(r.answers) for r in responses)
    cells = len(responses) * len(instrument.items)
    na = sum(1 for r in responses for a in r.answers if a.na)
    alphas = [float(a) for _, _, a in exact["dimensions"].values() if a is not None]
    nps = float(exact["nps"][3])
    return (
        f"{len(responses):,} respondents x {len(instrument.items)} items = {cells:,} cells: "
        f"{answers:,} answers ({(cells - answers) / cells:.1%} skipped, {na / cells:.1%} "
        f"not applicable); NPS {nps:.1f}, CSI {float(exact['csi']):.1f}, alpha "
        f"{min(alphas):.2f}-{max(alphas):.2f}; Response objects built before timing"
    )


def _whole(fn: Callable[[Instrument, Iterable[Response]], object]) -> Callable[[Any], None]:
    def run(item: tuple[Instrument, Sequence[Response]]) -> None:
        fn(*item)

    return run


def run_v1(cfg: Config) -> Section:
    """V1: score_survey vs the floor and the statistics module, whole survey per call."""
    section = Section("V1", "score a survey (pure Python)")
    instrument = make_instrument()
    responses = make_responses(RESPONDENTS[cfg.quick], cfg.seed)
    try:
        exact, checked = _check_v1(instrument, responses)
    except AssertionError as exc:
        section.failed = str(exc)
        return section
    work = [(instrument, responses)]
    timings = interleave(
        {
            "floor": (_whole(floor_score), work),
            "pmcrm": (_whole(pmcrm_score), work),
            "statistics": (_whole(statistics_score), work),
            "statistics.mean": (_whole(statistics_mean_score), work),
            "textbook": (_whole(textbook_score), work),
        },
        ROUNDS[cfg.quick],
    )
    times = timings.times
    per_answer = 1e6 / sum(len(r.answers) for r in responses)
    section.rows = [
        timed_row(
            "V1", "floor: plain exact-integer function, whole survey", times, "floor", "floor"
        ),
        timed_row(
            "V1",
            "pmcrm.surveys.score_survey, whole survey",
            times,
            "pmcrm",
            "floor",
            target=1.0,
            note=f"{statistics.median(times['pmcrm']) * per_answer:.2f} µs per answer",
        ),
        timed_row(
            "V1",
            "statistics module (fmean, variance), whole survey",
            times,
            "statistics",
            "floor",
        ),
        ratio_row(
            "V1",
            "pmcrm / statistics module (fmean) (≤ 0.40: ≥ 2.5× faster)",
            times,
            "pmcrm",
            "statistics",
            target=0.40,
        ),
        timed_row(
            "V1",
            "context: statistics module with mean (exact) for the item means",
            times,
            "statistics.mean",
            "floor",
        ),
        ratio_row(
            "V1",
            "context: pmcrm / statistics module (mean)",
            times,
            "pmcrm",
            "statistics.mean",
            target=None,
        ),
        timed_row(
            "V1",
            "context: textbook floor (n, Σx, Σx², histogram, top box per answer)",
            times,
            "textbook",
            "floor",
        ),
    ]
    section.notes = [_shape(instrument, responses, exact), checked, timings.note()]
    section.notes += _memory_notes(cfg)
    return section


# --- memory -------------------------------------------------------------------------------


def _peak(consume: Callable[[Iterator[Response]], object], count: int, seed: int) -> int:
    """tracemalloc's peak while *consume* takes a generator of *count* responses."""
    gc.collect()
    tracemalloc.start()
    try:
        consume(stream_responses(count, seed))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def _drain(responses: Iterator[Response]) -> None:
    for _ in responses:
        pass


def _memory_notes(cfg: Config) -> list[str]:
    instrument = make_instrument()
    small, large = MEMORY_SIZES[cfg.quick]
    seed = cfg.seed + 1
    alone = {n: _peak(_drain, n, seed) for n in (small, large)}
    lines = []
    for name, fn in (
        ("score_survey", score_survey),
        ("floor", floor_score),
        ("statistics module", statistics_score),
    ):
        peaks = [
            _peak(functools.partial(fn, instrument), n, seed) - alone[n] for n in (small, large)
        ]
        lines.append(f"{name} {peaks[0] / 1024:,.0f} / {peaks[1] / 1024:,.0f} KiB")
    return [
        "memory: tracemalloc peak while scoring a generator of "
        f"{small:,} / {large:,} responses, minus the peak of the generator alone "
        f"({alone[small] / 1024:,.0f} / {alone[large] / 1024:,.0f} KiB): " + "; ".join(lines)
    ]


# --- V2 -----------------------------------------------------------------------------------


def to_array(instrument: Instrument, responses: Iterable[Response]) -> Any:
    """The answers as a respondents x items int8 array: -1 skipped, -2 not applicable."""
    import numpy as np

    from pmcrm.surveys.fast import MISSING, NOT_APPLICABLE

    position = {item.code: at for at, item in enumerate(instrument.items)}
    rows = []
    blank = [MISSING] * len(position)
    for response in responses:
        row = blank.copy()
        for answer in response.answers:
            score = answer.score
            row[position[answer.item]] = NOT_APPLICABLE if score is None else score
        rows.append(row)
    return np.array(rows, dtype=np.int8).reshape(-1, len(position))


def run_v2(cfg: Config) -> Section:
    """V2: score_array on an int array vs the floor on the Response objects."""
    section = Section("V2", "score a survey from an array (numpy)")
    if importlib.util.find_spec("numpy") is None:
        section.skipped = 'numpy is not installed (pip install "pmcrm[fast]")'
        return section
    from pmcrm.surveys.fast import score_array

    instrument = make_instrument()
    responses = make_responses(RESPONDENTS[cfg.quick], cfg.seed)
    array = to_array(instrument, responses)
    exact = score_survey(instrument, responses)
    fast = score_array(instrument, array)
    if fast != exact:
        section.failed = "score_array's SurveyScores differ from score_survey's"
        return section
    worst, where = largest_difference(figures_of(fast), figures_of(exact))
    if floor_score(instrument, responses) != figures_of(exact):
        section.failed = "the floor's figures differ from score_survey's"
        return section

    def numpy_only(item: tuple[Instrument, Any]) -> None:
        score_array(*item)

    def with_conversion(item: tuple[Instrument, Sequence[Response]]) -> None:
        score_array(item[0], to_array(*item))

    timings = interleave(
        {
            "floor": (_whole(floor_score), [(instrument, responses)]),
            "numpy": (numpy_only, [(instrument, array)]),
            "converted": (with_conversion, [(instrument, responses)]),
        },
        ROUNDS[cfg.quick],
    )
    times = timings.times
    section.rows = [
        timed_row(
            "V2",
            "floor: plain exact-integer function on Response objects",
            times,
            "floor",
            "floor",
        ),
        timed_row(
            "V2",
            "pmcrm.surveys.fast.score_array on an int8 array",
            times,
            "numpy",
            "floor",
            target=0.25,
            note=f"max relative error {worst:g} ({where})",
        ),
        timed_row(
            "V2",
            "context: the same, converting the Response objects first",
            times,
            "converted",
            "floor",
        ),
    ]
    section.notes = [
        f"{array.shape[0]:,} x {array.shape[1]} int8 array ({array.nbytes / 1e6:.1f} MB) built "
        "once before timing; score_array's SurveyScores checked equal to score_survey's "
        "(every figure exact, alpha included)",
        timings.note(),
    ]
    return section
