"""Questionnaires as data: items, scales, dimensions and weights (问卷).

An :class:`Instrument` lists its :class:`Item` questions.  Each rating item
belongs to a dimension (service, facilities, management, price,
communication, emotional — or an integrator's own), is answered on a
:class:`Scale`, may be reverse-coded, and may also ask how important the
point is and what the customer expected (SERVQUAL pairs).  One item may be
the overall-satisfaction question and one the NPS question ("how likely are
you to recommend us", 0–10).  Dimension weights are declared.

>>> from pmcrm.values import Label
>>> instrument = Instrument(
...     code="q-2026",
...     name=Label(zh="业主满意度调查", en="Owner satisfaction survey"),
...     dimensions=(
...         DimensionDef.standard(Dimension.SERVICE, weight=Decimal(2)),
...         DimensionDef.standard(Dimension.PRICE),
...     ),
...     items=(
...         Item(
...             code="s1",
...             text=Label(zh="维修及时", en="Repairs are timely"),
...             dimension="service",
...             scale=Scale.LIKERT_5,
...         ),
...         Item(
...             code="p1",
...             text=Label(zh="收费偏高", en="Fees are too high"),
...             dimension="price",
...             scale=Scale.LIKERT_5,
...             reverse=True,
...         ),
...         Item(
...             code="nps",
...             text=Label(zh="推荐意愿", en="Would recommend"),
...             role=ItemRole.NPS,
...             scale=Scale.ZERO_TO_TEN,
...         ),
...     ),
... )
>>> instrument.item("p1").recode(5), Scale.LIKERT_5.bounds
(1, (1, 5))
"""

from collections.abc import Iterator
from decimal import Decimal

import attrs

from pmcrm.errors import InvalidValue
from pmcrm.validators import code, greater_than, min_items, unique
from pmcrm.values import Label, LabelledEnum

__all__ = [
    "Dimension",
    "DimensionDef",
    "Instrument",
    "Item",
    "ItemRole",
    "Scale",
    "scale_bounds",
]


class Scale(LabelledEnum):
    """The answer scales pmcrm reads; answers are integers within the bounds."""

    LIKERT_5 = "likert5", "五级量表（1–5）", "Likert 1–5"
    LIKERT_7 = "likert7", "七级量表（1–7）", "Likert 1–7"
    ZERO_TO_TEN = "0-10", "十一级量表（0–10）", "0–10"
    YES_NO = "yes_no", "是/否（1/0）", "yes/no (1/0)"

    @property
    def bounds(self) -> tuple[int, int]:
        """The lowest and highest answer."""
        return scale_bounds(self)


def scale_bounds(scale: Scale) -> tuple[int, int]:
    """The lowest and highest answer of *scale*: 1–5, 1–7, 0–10 or 0–1 (no, yes)."""
    if scale is Scale.LIKERT_5:
        return 1, 5
    if scale is Scale.LIKERT_7:
        return 1, 7
    if scale is Scale.ZERO_TO_TEN:
        return 0, 10
    return 0, 1


class Dimension(LabelledEnum):
    """The standard dimensions of DOMAIN.md §5; integrators add their own codes."""

    SERVICE = "service", "服务", "service"
    FACILITIES = "facilities", "设施", "facilities"
    MANAGEMENT = "management", "管理", "management"
    PRICE = "price", "价格", "price"
    COMMUNICATION = "communication", "沟通", "communication"
    EMOTIONAL = "emotional", "情感", "emotional"


@attrs.frozen(kw_only=True)
class DimensionDef:
    """A dimension of an instrument, with its declared weight.

    Attributes:
        code: The code items refer to, such as ``"service"``.
        label: Its name in zh and en.
        weight: Its weight in the satisfaction index (> 0; only ratios matter).
    """

    code: str = attrs.field(validator=code())
    label: Label
    weight: Decimal = attrs.field(default=Decimal(1), validator=greater_than(Decimal(0)))

    @classmethod
    def standard(cls, dimension: Dimension, *, weight: Decimal = Decimal(1)) -> "DimensionDef":
        """The standard *dimension*, with *weight*."""
        return cls(code=dimension.value, label=dimension.label, weight=weight)


class ItemRole(LabelledEnum):
    """What an item measures."""

    RATING = "rating", "评价项", "rating"
    OVERALL = "overall", "总体满意度", "overall satisfaction"
    NPS = "nps", "推荐意愿（NPS）", "likelihood to recommend (NPS)"


@attrs.frozen(kw_only=True)
class Item:
    """One question.

    Attributes:
        code: The code answers refer to.
        text: The question in zh and en.
        role: A rating (the default), the overall-satisfaction item or the NPS item.
        dimension: The dimension code of a rating item (``None`` for the
            overall and NPS items).
        scale: The answer scale.
        reverse: Reverse-coded: a high answer means low satisfaction
            ("fees are too high"); scores use ``low + high - answer``.
        importance: The item also asks how important the point is (same scale).
        expectation: The item also asks what the customer expected (SERVQUAL:
            the answer is the perception; gap = perception − expectation).
    """

    code: str = attrs.field(validator=code())
    text: Label
    role: ItemRole = ItemRole.RATING
    dimension: str | None = attrs.field(default=None)
    scale: Scale = Scale.LIKERT_5
    reverse: bool = False
    importance: bool = False
    expectation: bool = False

    def recode(self, answer: int) -> int:
        """The score of *answer*: itself, or ``low + high - answer`` when reverse-coded."""
        return recode(self, answer)


def recode(item: Item, answer: int) -> int:
    """The score of *answer* to *item* (reverse-coded items are mirrored)."""
    if item.reverse:
        low, high = scale_bounds(item.scale)
        return low + high - answer
    return answer


def _code_of(value: DimensionDef | Item) -> str:
    return value.code


@attrs.frozen(kw_only=True)
class Instrument:
    """A questionnaire, checked when built.

    Attributes:
        code: The instrument's code.
        name: Its title in zh and en.
        dimensions: The dimensions rating items use, with their weights.
        items: The questions, in order.
        top_box: How many of the highest answers count as satisfied in
            CSAT (1: top box; 2: top-2 box, the default); on a yes/no item
            only "yes" does.

    Raises:
        InvalidValue: codes repeat; a rating item has no declared dimension,
            or the overall or NPS item has one; more than one overall or NPS
            item; the NPS item is not on the 0–10 scale; an overall or NPS
            item is reverse-coded or asks importance or expectation; a
            dimension has no rating item; *top_box* is larger than the
            narrowest graded scale's width (``high - low``: then every
            answer would count as satisfied).
    """

    code: str = attrs.field(validator=code())
    name: Label
    dimensions: tuple[DimensionDef, ...] = attrs.field(
        validator=(min_items(1), unique(_code_of, "dimension code"))
    )
    items: tuple[Item, ...] = attrs.field(validator=(min_items(1), unique(_code_of, "item code")))
    top_box: int = attrs.field(default=2, validator=greater_than(0))

    def __attrs_post_init__(self) -> None:
        check_instrument(self)

    def item(self, item_code: str) -> Item:
        """The item *item_code*.

        Raises:
            InvalidValue: there is no such item.
        """
        for item in self.items:
            if item.code == item_code:
                return item
        raise InvalidValue("item", "reference", value=item_code, what="item", what_zh="题目")

    def ratings(self, dimension: str | None = None) -> Iterator[Item]:
        """The rating items (of *dimension* when given), in order."""
        for item in self.items:
            if item.role is ItemRole.RATING and dimension in (None, item.dimension):
                yield item

    def role(self, role: ItemRole) -> Item | None:
        """The overall or NPS item, if the instrument has one."""
        return next((i for i in self.items if i.role is role), None)


def check_instrument(instrument: Instrument) -> None:
    """Raise :class:`~pmcrm.errors.InvalidValue` for the first broken rule.

    The rules are listed on :class:`Instrument`.
    """
    declared = {d.code for d in instrument.dimensions}
    seen_roles: set[ItemRole] = set()
    narrowest = 10
    for index, item in enumerate(instrument.items):
        where = f".items[{index}]"
        low, high = scale_bounds(item.scale)
        if item.scale is not Scale.YES_NO:
            narrowest = min(narrowest, high - low)
        if item.role is ItemRole.RATING:
            if item.dimension not in declared:
                raise InvalidValue(
                    "dimension",
                    "reference",
                    value=item.dimension,
                    what="dimension",
                    what_zh="维度",
                    subpath=f"{where}.dimension",
                )
            continue
        if item.role in seen_roles:
            raise InvalidValue("role", "duplicate", value=item.role.value, subpath=f"{where}.role")
        seen_roles.add(item.role)
        if item.dimension is not None:
            raise InvalidValue(
                "dimension",
                "invalid",
                value=item.dimension,
                detail="the overall and NPS items belong to no dimension",
                detail_zh="总体满意度题与推荐意愿题不属于任何维度",
                subpath=f"{where}.dimension",
            )
        if item.role is ItemRole.NPS and item.scale is not Scale.ZERO_TO_TEN:
            raise InvalidValue(
                "scale", "choice", value=item.scale.value, choices="0-10", subpath=f"{where}.scale"
            )
        for flag in ("reverse", "importance", "expectation"):
            if getattr(item, flag):
                raise InvalidValue(
                    flag,
                    "invalid",
                    value=True,
                    detail="only rating items may be reverse-coded or ask importance "
                    "or expectation",
                    detail_zh="只有评价项可以反向计分或询问重要性、期望",
                    subpath=f"{where}.{flag}",
                )
    used = {item.dimension for item in instrument.ratings()}
    for index, dimension in enumerate(instrument.dimensions):
        if dimension.code not in used:
            raise InvalidValue(
                "dimensions",
                "invalid",
                value=dimension.code,
                detail=f"dimension {dimension.code!r} has no rating item",
                detail_zh=f"维度 {dimension.code!r} 没有评价项",
                subpath=f".dimensions[{index}]",
            )
    if instrument.top_box > narrowest:
        raise InvalidValue(
            "top_box", "le", value=instrument.top_box, bound=narrowest, subpath=".top_box"
        )
