"""Hypothesis strategies for survey instruments and responses (shared by the survey tests).

:func:`instruments` builds valid questionnaires: one to a few dimensions,
standard (:class:`~pmcrm.surveys.instrument.Dimension`) or custom codes,
with declared weights; rating items on every scale, some reverse-coded,
some asking importance or expectation; an optional overall item (on any
scale) and an optional NPS item (0–10); items in any order; a top box from
1 to the narrowest graded scale's width.

:func:`responses` answers a given instrument: each item scored within its
scale, skipped (missing) or marked not applicable (never the NPS item),
with importance and expectation only where the item asks them.
:func:`near_misses` builds responses that break :func:`check_response` in
exactly one way, with the path of the fault; :func:`response_data` builds
JSON-shaped data that is valid, near a valid response, or arbitrary.

Helpers :func:`recoded`, :func:`rating_matrix` and :func:`alpha_by_definition`
read answers back independently of :mod:`pmcrm.surveys.scoring`, for the
oracles of the tests.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st

from pmcrm.serialization import unstructure
from pmcrm.strategies import json_values
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
)
from pmcrm.values import Label

STANDARD = {d.value: d for d in Dimension}
STANDARD_CODES = tuple(STANDARD)
GRADED = (Scale.LIKERT_5, Scale.LIKERT_7, Scale.ZERO_TO_TEN)


def label(text: str) -> Label:
    """A zh/en label with *text* in both languages."""
    return Label(zh=f"「{text}」", en=text)


def codes(max_parts: int = 2) -> st.SearchStrategy[str]:
    """Machine codes: ``service``, ``fees.level``, ``q-7`` and so on."""
    part = r"[a-z0-9_]{1,6}"
    return st.from_regex(
        rf"[a-z][a-z0-9_]{{0,8}}(?:[.-]{part}){{0,{max_parts - 1}}}", fullmatch=True
    )


def weights() -> st.SearchStrategy[Decimal]:
    """Declared dimension weights: whole numbers and two-place decimals, all > 0."""
    return st.one_of(
        st.integers(1, 10).map(Decimal),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2),
    )


def dimension_defs(code: str) -> st.SearchStrategy[DimensionDef]:
    """A definition of the dimension *code* (standard label when it is a standard code)."""
    if code in STANDARD_CODES:
        return weights().map(lambda w: DimensionDef.standard(STANDARD[code], weight=w))
    return weights().map(lambda w: DimensionDef(code=code, label=label(code), weight=w))


@st.composite
def rating_items(
    draw: st.DrawFn, code: str, dimension: str, *, importance: bool | None = None
) -> Item:
    """A rating item of *dimension* on any scale, maybe reverse-coded, maybe SERVQUAL."""
    return Item(
        code=code,
        text=label(code),
        dimension=dimension,
        scale=draw(st.sampled_from(Scale)),
        reverse=draw(st.booleans()),
        importance=draw(st.booleans()) if importance is None else importance,
        expectation=draw(st.booleans()),
    )


@st.composite
def instruments(
    draw: st.DrawFn,
    *,
    max_dimensions: int = 3,
    max_items: int = 3,
    overall: bool | None = None,
    nps: bool | None = None,
    importance: bool | None = None,
) -> Instrument:
    """Valid instruments.

    Args:
        draw: Hypothesis' draw function.
        max_dimensions: The most dimensions.
        max_items: The most rating items per dimension.
        overall: Force (True) or forbid (False) an overall item; random if None.
        nps: Force or forbid an NPS item; random if None.
        importance: Every rating item asks importance (True), none (False),
            or each at random (None).
    """
    dimension_codes = draw(
        st.lists(
            st.one_of(st.sampled_from(STANDARD_CODES), codes()),
            min_size=1,
            max_size=max_dimensions,
            unique=True,
        )
    )
    dimensions = [draw(dimension_defs(c)) for c in dimension_codes]
    per_dimension = [draw(st.integers(1, max_items)) for _ in dimensions]
    wanted = sum(per_dimension) + 2
    item_codes = iter(draw(st.lists(codes(), min_size=wanted, max_size=wanted, unique=True)))
    items = [
        draw(rating_items(next(item_codes), d.code, importance=importance))
        for d, count in zip(dimensions, per_dimension, strict=True)
        for _ in range(count)
    ]
    overall_code, nps_code = next(item_codes), next(item_codes)
    if draw(st.booleans()) if overall is None else overall:
        scale = draw(st.sampled_from(Scale))
        items.append(
            Item(code=overall_code, text=label("overall"), role=ItemRole.OVERALL, scale=scale)
        )
    if draw(st.booleans()) if nps is None else nps:
        items.append(
            Item(code=nps_code, text=label("nps"), role=ItemRole.NPS, scale=Scale.ZERO_TO_TEN)
        )
    graded = [i.scale.bounds for i in items if i.scale is not Scale.YES_NO]
    narrowest = min((high - low for low, high in graded), default=10)
    return Instrument(
        code=draw(codes()),
        name=label("survey"),
        dimensions=tuple(dimensions),
        items=tuple(draw(st.permutations(items))),
        top_box=draw(st.integers(1, narrowest)),
    )


def respondent_ids() -> st.SearchStrategy[str]:
    """Survey-local respondent ids (non-blank, at most 40 characters)."""
    return st.text(st.sampled_from("ABCRxyz0129-_ 张王李"), min_size=1, max_size=12).filter(
        str.strip
    )


@st.composite
def answers(
    draw: st.DrawFn,
    item: Item,
    *,
    complete: bool = False,
    importance: bool = False,
) -> Answer | None:
    """An answer to *item*, or None when the respondent skipped it.

    Args:
        draw: Hypothesis' draw function.
        item: The item.
        complete: Always a score (never missing or not applicable).
        importance: Always give the importance when the item asks it, and
            never 0 (a 0 importance on a 0–10 or yes/no item is drawn only
            when this is False).
    """
    low, high = item.scale.bounds
    kinds = ["score"] if complete else ["score", "score", "missing", "na"]
    if item.role is ItemRole.NPS:
        kinds = [k for k in kinds if k != "na"]
    kind = draw(st.sampled_from(kinds))
    if kind == "missing":
        return None
    if kind == "na":
        return Answer(item=item.code, na=True)
    stated: int | None = None
    if item.importance:
        scores = st.integers(max(low, 1), high) if importance else st.integers(low, high)
        stated = draw(scores if importance else st.none() | scores)
    expected = draw(st.none() | st.integers(low, high)) if item.expectation else None
    return Answer(
        item=item.code,
        score=draw(st.integers(low, high)),
        importance=stated,
        expectation=expected,
    )


@st.composite
def responses(
    draw: st.DrawFn,
    instrument: Instrument,
    *,
    complete: bool = False,
    importance: bool = False,
) -> Response:
    """A valid response to *instrument* (see :func:`answers` for the flags)."""
    given = [draw(answers(i, complete=complete, importance=importance)) for i in instrument.items]
    segments = draw(
        st.lists(
            st.builds(
                Segment,
                key=st.sampled_from(["tier", "project", "property_type"]),
                value=st.sampled_from(["gold", "silver", "东区", "residential"]),
            ),
            max_size=2,
            unique_by=lambda s: s.key,
        )
    )
    return Response(
        respondent_id=draw(respondent_ids()),
        customer_id=draw(st.none() | st.from_regex(r"C[0-9]{4}", fullmatch=True)),
        on=draw(st.dates(date(2020, 1, 1), date(2030, 12, 31))),
        segments=tuple(segments),
        answers=tuple(draw(st.permutations([a for a in given if a is not None]))),
    )


def response_lists(
    instrument: Instrument,
    *,
    min_size: int = 0,
    max_size: int = 12,
    complete: bool = False,
    importance: bool = False,
) -> st.SearchStrategy[list[Response]]:
    """Lists of valid responses to *instrument*."""
    return st.lists(
        responses(instrument, complete=complete, importance=importance),
        min_size=min_size,
        max_size=max_size,
    )


@st.composite
def surveys(
    draw: st.DrawFn,
    /,
    *,
    min_size: int = 0,
    max_size: int = 12,
    complete: bool = False,
    importance: bool = False,
    asks_importance: bool | None = None,
    **instrument_options: Any,
) -> tuple[Instrument, list[Response]]:
    """An instrument (*asks_importance* is its ``importance``) and valid responses to it."""
    instrument = draw(instruments(importance=asks_importance, **instrument_options))
    answered = draw(
        response_lists(
            instrument,
            min_size=min_size,
            max_size=max_size,
            complete=complete,
            importance=importance,
        )
    )
    return instrument, answered


#: The ways :func:`near_misses` breaks a response.
FAULTS = (
    "unknown item",
    "score below",
    "score above",
    "importance not asked",
    "importance out of scale",
    "expectation not asked",
    "expectation out of scale",
    "na on nps",
    "na with importance",
    "na with expectation",
)


def _faults_possible(instrument: Instrument, faults: Sequence[str]) -> list[str]:
    items = instrument.items
    possible = []
    for fault in faults:
        name = fault.split()[0]
        if fault.endswith("not asked") and all(getattr(i, name) for i in items):
            continue
        if fault.endswith("out of scale") and not any(getattr(i, name) for i in items):
            continue
        if fault == "na on nps" and instrument.role(ItemRole.NPS) is None:
            continue
        possible.append(fault)
    return possible


def _outside(item: Item) -> st.SearchStrategy[int]:
    low, high = item.scale.bounds
    return st.one_of(st.integers(low - 20, low - 1), st.integers(high + 1, high + 20))


@st.composite
def near_misses(
    draw: st.DrawFn, instrument: Instrument, *, faults: Sequence[str] = FAULTS
) -> tuple[Response, str, str]:
    """A response with exactly one fault: ``(response, fault, path of the fault)``.

    The other answers are valid.  *faults* are the kinds to pick from (see
    :data:`FAULTS`); ``"na with importance"`` and ``"na with expectation"``
    are a not-applicable answer that still carries an importance or
    expectation the item does not ask, or one out of its scale.
    """
    base = draw(responses(instrument))
    fault = draw(st.sampled_from(_faults_possible(instrument, faults)))
    items = instrument.items
    item = draw(st.sampled_from(items))
    high = item.scale.bounds[1]
    if fault == "unknown item":
        known = {i.code for i in items}
        bad = Answer(item=draw(codes().filter(lambda c: c not in known)), score=1)
    elif fault == "score below":
        bad = Answer(item=item.code, score=item.scale.bounds[0] - draw(st.integers(1, 20)))
    elif fault == "score above":
        bad = Answer(item=item.code, score=high + draw(st.integers(1, 20)))
    elif fault == "na on nps":
        nps_item = instrument.role(ItemRole.NPS)
        assert nps_item is not None
        bad = Answer(item=nps_item.code, na=True)
    else:
        name = fault.split()[0] if not fault.startswith("na") else fault.split()[-1]
        if fault.endswith("not asked"):
            item = draw(st.sampled_from([i for i in items if not getattr(i, name)]))
            value = draw(st.integers(*item.scale.bounds))
        elif fault.endswith("out of scale"):
            item = draw(st.sampled_from([i for i in items if getattr(i, name)]))
            value = draw(_outside(item))
        else:
            item = draw(st.sampled_from(list(instrument.ratings())))
            asked = getattr(item, name)
            value = draw(_outside(item) if asked else st.integers(*item.scale.bounds))
        score = None if fault.startswith("na") else item.scale.bounds[1]
        stated = value if name == "importance" else None
        expected = value if name == "expectation" else None
        bad = Answer(
            item=item.code,
            score=score,
            na=score is None,
            importance=stated,
            expectation=expected,
        )
    field = {
        "unknown item": "item",
        "score below": "score",
        "score above": "score",
        "na on nps": "na",
    }.get(fault) or (fault.split()[0] if not fault.startswith("na") else fault.split()[-1])
    kept = [a for a in base.answers if a.item != bad.item]
    at = draw(st.integers(0, len(kept)))
    kept.insert(at, bad)
    return attrs.evolve(base, answers=tuple(kept)), fault, f"$.answers[{at}].{field}"


def _mutations(data: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """JSON data one step away from *data*: a key dropped, replaced or added."""
    keys = sorted(data)

    def drop(key: str) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k != key}

    def replace(pair: tuple[str, Any]) -> dict[str, Any]:
        return {**data, pair[0]: pair[1]}

    near_values = st.one_of(
        json_values(max_leaves=4),
        st.sampled_from(["", " ", "2026-02-30", "2026-01-01T00:00:00", "1.5", "na"]),
        st.sampled_from([[], [{}], [{"item": "s1"}], [{"item": "s1", "score": True}]]),
        st.integers(-(2**70), 2**70),
    )
    return st.one_of(
        st.sampled_from(keys).map(drop),
        st.tuples(st.sampled_from(keys), near_values).map(replace),
        st.tuples(st.sampled_from(["extra", "Score", "answers "]), near_values).map(replace),
    )


@st.composite
def response_data(draw: st.DrawFn, instrument: Instrument) -> Any:
    """JSON-shaped data: a valid response, one mutated near it, or anything at all."""
    valid = unstructure(draw(responses(instrument)))
    answer_data = valid["answers"]
    if answer_data and draw(st.booleans()):
        index = draw(st.integers(0, len(answer_data) - 1))
        answer_data = list(answer_data)
        answer_data[index] = draw(_mutations(answer_data[index]))
        valid = {**valid, "answers": answer_data}
    return draw(
        st.one_of(st.just(valid), _mutations(valid), json_values(max_leaves=8)),
    )


def recoded(instrument: Instrument, response: Response) -> dict[str, int]:
    """The scores of *response* after reverse coding (written apart from pmcrm's ``recode``)."""
    scores = {}
    for answer in response.answers:
        if answer.score is None:
            continue
        item = instrument.item(answer.item)
        low, high = item.scale.bounds
        scores[item.code] = (low + high - answer.score) if item.reverse else answer.score
    return scores


def rating_matrix(
    instrument: Instrument, answered: Sequence[Response], dimension: str
) -> list[list[int]]:
    """The recoded scores of the respondents who scored every item of *dimension*."""
    members = [i.code for i in instrument.ratings(dimension)]
    rows = []
    for response in answered:
        scores = recoded(instrument, response)
        if all(m in scores for m in members):
            rows.append([scores[m] for m in members])
    return rows


def alpha_by_definition(matrix: Sequence[Sequence[int]], k: int) -> Fraction | None:
    """Cronbach's alpha of *matrix* (rows = respondents, *k* columns), exactly.

    ``k/(k−1)·(1 − Σσ_ii / ΣΣσ_ij)`` from the sample covariance matrix;
    ``None`` for fewer than two items or rows, or a zero total variance.
    """
    n = len(matrix)
    if k < 2 or n < 2:
        return None
    means = [Fraction(sum(row[j] for row in matrix), n) for j in range(k)]

    def cov(i: int, j: int) -> Fraction:
        deviations = ((row[i] - means[i]) * (row[j] - means[j]) for row in matrix)
        return sum(deviations, Fraction(0)) / (n - 1)

    total = sum((cov(i, j) for i in range(k) for j in range(k)), Fraction(0))
    if total == 0:
        return None
    return Fraction(k, k - 1) * (1 - sum((cov(i, i) for i in range(k)), Fraction(0)) / total)
