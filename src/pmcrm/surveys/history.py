"""Satisfaction history: survey responses as the records the tier review reads.

The periodic tier review (:mod:`pmcrm.tiers.review`) downgrades on
sustained low satisfaction: it reads a customer's
:class:`~pmcrm.tiers.review.SatisfactionScore` records (a date and a score
on 0–100).  :func:`satisfaction_history` makes them from survey responses.
The rules:

* **one record per response linked to a customer** (``customer_id`` set),
  dated ``Response.on``; responses without a customer are skipped, and so
  are linked responses that scored no rating item (they have no score);
* **the score is the respondent's own CSI** (:func:`respondent_csi`): per
  dimension, the mean of the respondent's 0–100 item scores (reverse-coded
  items mirrored; skipped and "not applicable" items left out); then the
  mean of the dimensions they scored, weighted by the **declared** weights
  (dimensions they scored nothing in left out, the weights renormalised) —
  :func:`~pmcrm.surveys.scoring.score_survey`'s CSI for that one response.
  The CSI rather than the overall item because every instrument has rating
  items (not every one has an overall item) and it uses every answer;
* the score is **rounded half up (四舍五入) to 0.01** (:data:`HISTORY_PLACES`)
  into the record's :class:`~decimal.Decimal`, so it stays within [0, 100];
* each customer's records are **sorted by date** (then score, as the
  review sorts them); customers come in id order.

Each linked response is checked against the instrument first.

>>> from datetime import date
>>> from pmcrm.surveys import Answer, Dimension, DimensionDef, Instrument, Item
>>> from pmcrm.values import Label
>>> instrument = Instrument(
...     code="q",
...     name=Label(zh="问卷", en="Survey"),
...     dimensions=(
...         DimensionDef.standard(Dimension.SERVICE, weight=Decimal(2)),
...         DimensionDef.standard(Dimension.PRICE),
...     ),
...     items=(
...         Item(code="s1", text=Label(zh="服务", en="Service"), dimension="service"),
...         Item(code="p1", text=Label(zh="收费", en="Fees"), dimension="price"),
...     ),
... )
>>> def response(customer, on, s1, p1):
...     return Response(
...         respondent_id="R",
...         customer_id=customer,
...         on=on,
...         answers=(Answer(item="s1", score=s1), Answer(item="p1", score=p1)),
...     )
>>> history = satisfaction_history(
...     instrument,
...     [
...         response("C-1", date(2026, 9, 1), 3, 2),
...         response("C-1", date(2026, 3, 1), 5, 4),
...         response(None, date(2026, 3, 1), 1, 1),
...     ],
... )
>>> [(s.on.isoformat(), str(s.score)) for s in history["C-1"]]
[('2026-03-01', '91.67'), ('2026-09-01', '41.67')]
"""

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from pmcrm.errors import ValidationError
from pmcrm.surveys.instrument import Instrument, recode
from pmcrm.surveys.responses import Response, check_response
from pmcrm.surveys.scoring import to_100
from pmcrm.tiers.review import SatisfactionScore
from pmcrm.values import round_half_up

__all__ = [
    "HISTORY_PLACES",
    "respondent_csi",
    "satisfaction_history",
    "satisfaction_record",
]

#: The records' scores are rounded half up to this: 0.01.
HISTORY_PLACES = Decimal("0.01")
_PLACES = -int(HISTORY_PLACES.as_tuple().exponent)


def respondent_csi(instrument: Instrument, response: Response) -> Fraction | None:
    """One respondent's CSI on 0–100, exactly (see the module docstring).

    ``None`` when the response scored no rating item.

    Raises:
        ValidationError: the response breaks the instrument.
    """
    check_response(instrument, response)
    ratings = {item.code: item for item in instrument.ratings()}
    by_dimension: dict[str | None, list[Fraction]] = {}
    for answer in response.answers:
        item = ratings.get(answer.item)
        if item is None or answer.score is None:
            continue
        score = to_100(Fraction(recode(item, answer.score)), item.scale)
        by_dimension.setdefault(item.dimension, []).append(score)
    weighted = Fraction(0)
    weights = Fraction(0)
    for dimension in instrument.dimensions:
        scores = by_dimension.get(dimension.code)
        if scores:
            weight = Fraction(dimension.weight)
            weighted += weight * sum(scores, Fraction(0)) / len(scores)
            weights += weight
    return weighted / weights if weights else None


def satisfaction_record(instrument: Instrument, response: Response) -> SatisfactionScore | None:
    """The record of one response: its date and CSI rounded half up to 0.01.

    ``None`` when the response scored no rating item.  The customer link
    is not read here.

    Raises:
        ValidationError: the response breaks the instrument.
    """
    csi = respondent_csi(instrument, response)
    if csi is None:
        return None
    return SatisfactionScore(
        on=response.on, score=round_half_up(csi.numerator, csi.denominator, _PLACES)
    )


def satisfaction_history(
    instrument: Instrument, responses: Iterable[Response]
) -> dict[str, tuple[SatisfactionScore, ...]]:
    """Each linked customer's satisfaction records, sorted by date (see the module docstring).

    The records can go straight into
    :attr:`pmcrm.tiers.review.MemberRecord.satisfaction`.

    Raises:
        ValidationError: a linked response breaks the instrument; the
            error's ``target`` names it by its place in *responses*.
    """
    found: dict[str, list[SatisfactionScore]] = {}
    for index, response in enumerate(responses):
        customer = response.customer_id
        if customer is None:
            continue
        try:
            record = satisfaction_record(instrument, response)
        except ValidationError as exc:
            target = f"response {index} (respondent {response.respondent_id!r})"
            raise ValidationError(exc.report, target) from None
        if record is not None:
            found.setdefault(customer, []).append(record)
    return {
        customer: tuple(sorted(records, key=lambda s: (s.on, s.score)))
        for customer, records in sorted(found.items())
    }
