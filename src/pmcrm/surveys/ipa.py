"""Importance–satisfaction analysis (四分图, IPA): what to keep up and what to fix first.

Importance–performance analysis (Martilla & James 1977; the quadrant chart
of GB/T 19038-2009) plots every rating item as a point — x = importance,
y = satisfaction — and splits the plane with a crosshair into four
:class:`Quadrant` cells.  The rules, stated once:

* **satisfaction** is the item's 0–100 score
  (:attr:`~pmcrm.surveys.scoring.ItemScore.score_100`), exact;
* **importance** (:class:`ImportanceSource`) is either

  - **stated**: the mean importance rating, rescaled to 0–100 on the item's
    scale (:func:`~pmcrm.surveys.scoring.to_100`), exact; or
  - **derived**: Pearson's *r* between the item's score (after reverse
    coding) and the overall-satisfaction item, over the respondents who
    scored both.  :func:`pair_sums` streams the responses into exact integer
    sums (n, Σx, Σy, Σx², Σy², Σxy); then
    ``r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²))``, the numerator
    and the product under the root exact integers, the square root and the
    division on a private :class:`~decimal.Context` of 34 significant
    digits (half to even; the global context is never read), clamped to
    [−1, 1].  That 34-digit *r* is then held as an exact
    :class:`~fractions.Fraction` so the crosshair and the comparisons are
    exact;

* the **crosshair** of each axis is chosen explicitly (:class:`Crosshair`):
  the mean of the placed items, their median (the mean of the middle two
  for an even count), or a given value — a company target, an industry
  average — on the axis' range (0–100; −1 to 1 for derived importance);
* **on the line counts as high**: an item whose importance (satisfaction)
  equals the crosshair exactly is high on that axis (``>=``), and its
  explanation says it was on the line;
* items lacking a coordinate are **unplaced**, listed with the reason
  (:class:`Unplaced`), never dropped; mean and median crosshairs are taken
  over the placed items only.

Figures in explanations and tables are rounded half up (四舍五入): 0–100
values to 0.01, a derived *r* to 0.0001.

>>> from datetime import date
>>> from decimal import Decimal
>>> from pmcrm.surveys import Answer, Instrument, DimensionDef, Dimension, Item, ItemRole
>>> from pmcrm.values import Label
>>> instrument = Instrument(
...     code="ipa-demo",
...     name=Label(zh="示例", en="Demo"),
...     dimensions=(DimensionDef.standard(Dimension.SERVICE),),
...     items=(
...         Item(
...             code="repair",
...             text=Label(zh="维修", en="Repairs"),
...             dimension="service",
...             importance=True,
...         ),
...         Item(
...             code="lobby",
...             text=Label(zh="大堂", en="Lobby"),
...             dimension="service",
...             importance=True,
...         ),
...         Item(code="overall", text=Label(zh="总体", en="Overall"), role=ItemRole.OVERALL),
...     ),
... )
>>> def answers(repair, lobby, overall):
...     return (
...         Answer(item="repair", score=repair[0], importance=repair[1]),
...         Answer(item="lobby", score=lobby[0], importance=lobby[1]),
...         Answer(item="overall", score=overall),
...     )
>>> responses = [
...     Response(respondent_id="R1", on=date(2026, 11, 2), answers=answers((2, 5), (5, 2), 2)),
...     Response(respondent_id="R2", on=date(2026, 11, 3), answers=answers((3, 5), (4, 3), 3)),
...     Response(respondent_id="R3", on=date(2026, 11, 4), answers=answers((4, 4), (5, 2), 4)),
... ]
>>> result = ipa_from_responses(
...     instrument,
...     responses,
...     importance=ImportanceSource.STATED,
...     importance_line=Crosshair.mean(),
...     satisfaction_line=Crosshair.given(Decimal(80), source=Label(zh="公司目标", en="target")),
... )
>>> [(i.code, i.quadrant.text("zh")) for i in result.items]
[('repair', '急需改进'), ('lobby', '锦上添花')]
>>> for part in result.item("repair").explain("en").split("; "):
...     print(part)
repair: importance 91.67 is high (≥ 62.50, mean of the items)
satisfaction 50.00 is low (< 80.00, target) → urgent improvement
>>> print(result.table("en"))
importance: stated importance; crosshair 62.50 (mean of the items)
satisfaction: crosshair 80.00 (target); on a line counts as high
item    text     importance  satisfaction  quadrant
------  -------  ----------  ------------  -------------------
repair  Repairs       91.67         50.00  urgent improvement
lobby   Lobby         33.33         91.67  secondary advantage
"""

import itertools
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction

import attrs

from pmcrm import _html
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.explain import Reason
from pmcrm.surveys.instrument import Instrument, Item, ItemRole, recode
from pmcrm.surveys.responses import Response, check_response
from pmcrm.surveys.scoring import ItemScore, SurveyScores, Weighting, score_survey, to_100
from pmcrm.validators import at_least
from pmcrm.values import Label, LabelledEnum, Lang, round_half_up

__all__ = [
    "Crosshair",
    "CrosshairKind",
    "ImportanceSource",
    "IpaItem",
    "IpaResult",
    "PairSums",
    "Quadrant",
    "Unplaced",
    "crosshair_value",
    "ipa",
    "ipa_from_responses",
    "pair_sums",
    "pearson",
    "quadrant_of",
    "score_and_place",
]

#: The private context of the derived-importance square root: 34 digits, half to even.
_CONTEXT = Context(
    prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
_ONE = Fraction(1)
_HUNDRED = Fraction(100)


class ImportanceSource(LabelledEnum):
    """Where an item's importance comes from."""

    STATED = "stated", "陈述重要性", "stated importance"
    DERIVED = (
        "derived",
        "推导重要性（与总体满意度的相关系数）",
        "derived importance (correlation with overall satisfaction)",
    )


class CrosshairKind(LabelledEnum):
    """How the line of one axis is drawn."""

    MEAN = "mean", "各项均值", "mean of the items"
    MEDIAN = "median", "各项中位数", "median of the items"
    GIVEN = "given", "给定值", "given value"


class Quadrant(LabelledEnum):
    """The four cells of the importance–satisfaction chart (DOMAIN.md §5)."""

    KEEP_UP = "keep_up", "继续保持", "keep up"
    URGENT_IMPROVEMENT = "urgent_improvement", "急需改进", "urgent improvement"
    SECONDARY_ADVANTAGE = "secondary_advantage", "锦上添花", "secondary advantage"
    NOT_A_PRIORITY = "not_a_priority", "不宜优先", "not a priority"

    @property
    def high_importance(self) -> bool:
        """Whether the cell lies at or above the importance line."""
        return self in (Quadrant.KEEP_UP, Quadrant.URGENT_IMPROVEMENT)

    @property
    def high_satisfaction(self) -> bool:
        """Whether the cell lies at or above the satisfaction line."""
        return self in (Quadrant.KEEP_UP, Quadrant.SECONDARY_ADVANTAGE)


class Unplaced(LabelledEnum):
    """Why an item has no place on the chart.

    When several apply, "no satisfaction scores" is the one given.
    """

    NO_SCORES = "no_scores", "无满意度评分", "no satisfaction scores"
    NOT_ASKED = "importance_not_asked", "本题未询问重要性", "the item does not ask importance"
    NO_IMPORTANCE = "no_importance", "无重要性评分", "no importance ratings"
    TOO_FEW_PAIRS = (
        "too_few_pairs",
        "同时评分本题与总体满意度题的受访者少于 2 人",
        "fewer than two respondents scored both the item and the overall item",
    )
    NO_VARIANCE = (
        "no_variance",
        "本题或总体满意度的评分没有差异，相关系数无定义",
        "no variance in the item's or the overall scores: the correlation is undefined",
    )


def _check_value(_inst: object, _attr: "attrs.Attribute[Decimal | None]", value: object) -> None:
    if value is None:
        return
    if isinstance(value, float):
        raise InvalidValue("value", "float", value=value)
    if type(value) is not Decimal:
        raise InvalidValue(
            "value", "type", value=value, expected="Decimal", got=type(value).__name__
        )
    if not value.is_finite():
        raise InvalidValue(
            "value", "format", value=value, what="finite number", what_zh="有限数值"
        )


@attrs.frozen(kw_only=True)
class Crosshair:
    """Where the line of one axis is drawn.

    Attributes:
        kind: The mean or the median of the placed items, or a given value.
        value: The given value (only, and always, for ``GIVEN``).
        source: What the given value is, such as a company target (公司目标)
            or an industry average (行业平均); only for ``GIVEN``.

    Raises:
        InvalidValue: a given crosshair without a value, a value or source
            on a mean or median crosshair, or a value that is not a finite
            :class:`~decimal.Decimal`.

    >>> Crosshair.given(Decimal(80)).label.en, Crosshair.median().label.zh
    ('given value', '各项中位数')
    """

    kind: CrosshairKind = CrosshairKind.MEAN
    value: Decimal | None = attrs.field(default=None, validator=_check_value)
    source: Label | None = None

    def __attrs_post_init__(self) -> None:
        given = self.kind is CrosshairKind.GIVEN
        if given and self.value is None:
            raise InvalidValue("value", "missing")
        for name in ("value", "source"):
            if not given and getattr(self, name) is not None:
                raise InvalidValue(
                    name,
                    "invalid",
                    value=self.kind.value,
                    detail=f"only a given crosshair has a {name}",
                    detail_zh=f"只有给定值的分界线才有 {name}",
                )

    @classmethod
    def mean(cls) -> "Crosshair":
        """The mean of the placed items."""
        return cls(kind=CrosshairKind.MEAN)

    @classmethod
    def median(cls) -> "Crosshair":
        """The median of the placed items."""
        return cls(kind=CrosshairKind.MEDIAN)

    @classmethod
    def given(cls, value: Decimal, *, source: Label | None = None) -> "Crosshair":
        """A given *value*, such as a company target or an industry average (*source*)."""
        return cls(kind=CrosshairKind.GIVEN, value=value, source=source)

    @property
    def label(self) -> Label:
        """The name of the line, the source of a given value or else the kind."""
        return self.source if self.source is not None else self.kind.label


def crosshair_value(crosshair: Crosshair, values: Sequence[Fraction]) -> Fraction | None:
    """The line *crosshair* draws over the placed items' *values*, exactly.

    The mean, the median (mean of the middle two for an even count) or the
    given value; ``None`` for a mean or median of no values.

    >>> crosshair_value(Crosshair.median(), [Fraction(1), Fraction(4), Fraction(2), Fraction(9)])
    Fraction(3, 1)
    """
    if crosshair.value is not None:  # a given line (only GIVEN has a value)
        return Fraction(crosshair.value)
    if not values:
        return None
    if crosshair.kind is CrosshairKind.MEAN:
        return sum(values, Fraction(0)) / len(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def quadrant_of(
    importance: Fraction,
    satisfaction: Fraction,
    *,
    importance_line: Fraction,
    satisfaction_line: Fraction,
) -> Quadrant:
    """The quadrant of a point; a value on a line counts as high (``>=``).

    >>> quadrant_of(
    ...     Fraction(70),
    ...     Fraction(60),
    ...     importance_line=Fraction(70),
    ...     satisfaction_line=Fraction(80),
    ... ).value
    'urgent_improvement'
    """
    high_importance = importance >= importance_line
    if satisfaction >= satisfaction_line:
        return Quadrant.KEEP_UP if high_importance else Quadrant.SECONDARY_ADVANTAGE
    return Quadrant.URGENT_IMPROVEMENT if high_importance else Quadrant.NOT_A_PRIORITY


# --- derived importance ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PairSums:
    """Exact sums over the respondents who scored both an item (x) and the overall item (y).

    Scores are taken after reverse coding.

    Attributes:
        item: The rating item.
        n: Respondents who scored both.
        sum_x: Σx.
        sum_y: Σy.
        sum_xx: Σx².
        sum_yy: Σy².
        sum_xy: Σxy.

    >>> PairSums(item="s1", n=3, sum_x=6, sum_y=6, sum_xx=14, sum_yy=14, sum_xy=14).pearson()
    Decimal('1')
    """

    item: str
    n: int = attrs.field(default=0, validator=at_least(0))
    sum_x: int = 0
    sum_y: int = 0
    sum_xx: int = attrs.field(default=0, validator=at_least(0))
    sum_yy: int = attrs.field(default=0, validator=at_least(0))
    sum_xy: int = 0

    def pearson(self) -> Decimal | None:
        """Pearson's *r*, or ``None`` when it is undefined (see :func:`pearson`)."""
        return pearson(self)


def pearson(sums: PairSums) -> Decimal | None:
    """Pearson's *r* from exact sums, on a private 34-digit context, clamped to [−1, 1].

    ``None`` for fewer than two pairs or no variance in x or y.
    """
    if sums.n < 2:
        return None
    covariance = sums.n * sums.sum_xy - sums.sum_x * sums.sum_y
    variance_x = sums.n * sums.sum_xx - sums.sum_x * sums.sum_x
    variance_y = sums.n * sums.sum_yy - sums.sum_y * sums.sum_y
    if variance_x == 0 or variance_y == 0:
        return None
    root = _CONTEXT.sqrt(Decimal(variance_x * variance_y))
    r = _CONTEXT.divide(Decimal(covariance), root)
    return max(Decimal(-1), min(Decimal(1), r))


class _Pairs:
    """The running sums of :func:`pair_sums`: six integers per rating item."""

    __slots__ = ("items", "overall", "position", "sums")

    def __init__(self, instrument: Instrument) -> None:
        overall = instrument.role(ItemRole.OVERALL)
        if overall is None:
            raise InvalidValue(
                "importance",
                "invalid",
                value=ImportanceSource.DERIVED.value,
                detail=f"instrument {instrument.code!r} has no overall-satisfaction item",
                detail_zh=f"问卷 {instrument.code!r} 没有总体满意度题",
            )
        self.overall = overall.code
        self.items: list[Item] = list(instrument.ratings())
        self.position = {item.code: i for i, item in enumerate(self.items)}
        self.sums = [[0] * 6 for _ in self.items]

    def add(self, response: Response) -> None:
        overall = response.answer(self.overall)
        if overall is None or overall.score is None:
            return
        y = overall.score
        for answer in response.answers:
            at = self.position.get(answer.item)
            if at is None or answer.score is None:
                continue
            x = recode(self.items[at], answer.score)
            sums = self.sums[at]
            sums[0] += 1
            sums[1] += x
            sums[2] += y
            sums[3] += x * x
            sums[4] += y * y
            sums[5] += x * y

    def result(self) -> tuple[PairSums, ...]:
        return tuple(
            PairSums(item=item.code, n=n, sum_x=x, sum_y=y, sum_xx=xx, sum_yy=yy, sum_xy=xy)
            for item, (n, x, y, xx, yy, xy) in zip(self.items, self.sums, strict=True)
        )


def pair_sums(instrument: Instrument, responses: Iterable[Response]) -> tuple[PairSums, ...]:
    """Stream *responses* into the exact sums of derived importance, one per rating item.

    One pass, memory independent of the number of responses; each response
    is checked with :func:`~pmcrm.surveys.responses.check_response`.  The
    sums are in instrument order.

    Raises:
        InvalidValue: the instrument has no overall-satisfaction item.
        ValidationError: a response breaks the instrument; the error's
            ``target`` names the response.
    """
    pairs = _Pairs(instrument)
    for index, response in enumerate(responses):
        try:
            check_response(instrument, response)
        except ValidationError as exc:
            target = f"response {index} (respondent {response.respondent_id!r})"
            raise ValidationError(exc.report, target) from None
        pairs.add(response)
    return pairs.result()


# --- the analysis ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class IpaItem:
    """One rating item on the chart, or why it is not on it.

    Attributes:
        code: The item.
        text: Its question.
        dimension: Its dimension.
        importance: Its importance (0–100 stated, or *r* derived), if known.
        satisfaction: Its 0–100 score, if anyone scored it.
        n: Respondents who scored it.
        importance_n: Importance ratings given (stated), or respondents who
            scored both it and the overall item (derived).
        quadrant: Its quadrant, ``None`` when unplaced.
        unplaced: Why it is unplaced, ``None`` when placed.
        reason: Its placement, or why it has none, with the figures.
    """

    code: str
    text: Label
    dimension: str
    importance: Fraction | None
    satisfaction: Fraction | None
    n: int
    importance_n: int
    quadrant: Quadrant | None
    unplaced: Unplaced | None
    reason: Reason

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """The placement and its figures, in *lang*."""
        return self.reason.text(lang)


@attrs.frozen(kw_only=True)
class IpaResult:
    """The importance–satisfaction analysis of one survey.

    Attributes:
        instrument: The instrument's code.
        importance: Where importance came from.
        importance_crosshair: How the importance line was chosen.
        satisfaction_crosshair: How the satisfaction line was chosen.
        importance_line: The importance line used (``None``: a mean or
            median with no placed item).
        satisfaction_line: The satisfaction line used.
        items: Every rating item, in instrument order, placed or not.
    """

    instrument: str
    importance: ImportanceSource
    importance_crosshair: Crosshair = attrs.field(repr=False)
    satisfaction_crosshair: Crosshair = attrs.field(repr=False)
    importance_line: Fraction | None = attrs.field(repr=_html.approx)
    satisfaction_line: Fraction | None = attrs.field(repr=_html.approx)
    items: tuple[IpaItem, ...] = attrs.field(repr=False)

    @property
    def placed(self) -> tuple[IpaItem, ...]:
        """The items with a quadrant."""
        return tuple(i for i in self.items if i.quadrant is not None)

    @property
    def unplaced(self) -> tuple[IpaItem, ...]:
        """The items without one, each with its reason."""
        return tuple(i for i in self.items if i.quadrant is None)

    def quadrant(self, quadrant: Quadrant) -> tuple[IpaItem, ...]:
        """The items in *quadrant*, in instrument order."""
        return tuple(i for i in self.items if i.quadrant is quadrant)

    def item(self, code: str) -> IpaItem:
        """The item *code*.

        Raises:
            InvalidValue: no such rating item.
        """
        for item in self.items:
            if item.code == code:
                return item
        raise InvalidValue("item", "reference", value=code, what="rating item", what_zh="评价项")

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """Every item's placement, one per line, in *lang*."""
        return "\n".join(item.explain(lang) for item in self.items)

    def table(self, lang: Lang | str = Lang.EN) -> str:
        """The result as aligned text in *lang*: the lines used, then one row per item."""
        return "\n".join(_table(self, Lang(lang)))

    def _repr_html_(self) -> str:
        """The lines used, the quadrants and the item table as HTML, for notebooks."""
        return _result_html(self)


def _show(value: Fraction | None, places: int) -> str:
    return "–" if value is None else str(round_half_up(value.numerator, value.denominator, places))


def _places(source: ImportanceSource) -> int:
    return 4 if source is ImportanceSource.DERIVED else 2


def _width(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(result: IpaResult, lang: Lang) -> Iterator[str]:
    zh = lang is Lang.ZH
    places = _places(result.importance)
    lines = (
        ("importance", "重要性", result.importance_line, result.importance_crosshair, places),
        ("satisfaction", "满意度", result.satisfaction_line, result.satisfaction_crosshair, 2),
    )
    for index, (en_name, zh_name, value, crosshair, digits) in enumerate(lines):
        shown = _show(value, digits)
        basis = crosshair.label.get(lang)
        if zh:
            head = f"{zh_name}：{result.importance.text(lang)}；" if index == 0 else f"{zh_name}："
            tail = "；恰在线上计为高" if index else ""
            yield f"{head}分界线 {shown}（{basis}）{tail}"
        else:
            head = f"{en_name}: {result.importance.text(lang)}; " if index == 0 else f"{en_name}: "
            tail = "; on a line counts as high" if index else ""
            yield f"{head}crosshair {shown} ({basis}){tail}"
    header = (
        ("题目", "内容", "重要性", "满意度", "象限")
        if zh
        else ("item", "text", "importance", "satisfaction", "quadrant")
    )
    rows = []
    for item in result.items:
        if item.quadrant is not None:
            where = item.quadrant.text(lang)
        else:
            assert item.unplaced is not None  # noqa: S101 - unplaced items carry a cause
            where = ("未放入：" if zh else "not placed: ") + item.unplaced.text(lang)
        rows.append(
            (
                item.code,
                item.text.get(lang),
                _show(item.importance, places),
                _show(item.satisfaction, 2),
                where,
            )
        )
    widths = [max(_width(row[i]) for row in (header, *rows)) for i in range(5)]
    right = (False, False, True, True, False)

    def line(cells: tuple[str, ...]) -> str:
        padded = (
            " " * (w - _width(c)) + c if r else c + " " * (w - _width(c))
            for c, w, r in zip(cells, widths, right, strict=True)
        )
        return "  ".join(padded).rstrip()

    yield line(header)
    yield "  ".join("-" * w for w in widths)
    yield from (line(row) for row in rows)


def _check_line(name: str, crosshair: Crosshair, low: Fraction, high: Fraction) -> None:
    value = crosshair.value
    if value is not None and not low <= Fraction(value) <= high:
        raise InvalidValue(
            name,
            "invalid",
            value=value,
            detail=f"a given line must lie on the axis, {low}–{high}",
            detail_zh=f"给定的分界线必须在坐标轴范围 {low}–{high} 内",
        )


def _importance(
    item: Item,
    score: ItemScore,
    source: ImportanceSource,
    pairs: PairSums | None,
) -> tuple[Fraction | None, int, Unplaced | None]:
    """An item's importance, the count behind it, and why it is missing if it is."""
    if source is ImportanceSource.STATED:
        if not item.importance:
            return None, 0, Unplaced.NOT_ASKED
        mean = score.importance
        if mean is None:
            return None, 0, Unplaced.NO_IMPORTANCE
        return to_100(mean, item.scale), score.importance_n, None
    sums = pairs if pairs is not None else PairSums(item=item.code)
    if sums.n < 2:
        return None, sums.n, Unplaced.TOO_FEW_PAIRS
    r = sums.pearson()
    if r is None:
        return None, sums.n, Unplaced.NO_VARIANCE
    return Fraction(r), sums.n, None


def _placed_reason(
    code: str,
    point: tuple[Fraction, Fraction],
    lines: tuple[Fraction, Fraction],
    crosshairs: tuple[Crosshair, Crosshair],
    places: int,
) -> tuple[Quadrant, Reason]:
    importance, satisfaction = point
    importance_line, satisfaction_line = lines
    quadrant = quadrant_of(
        importance,
        satisfaction,
        importance_line=importance_line,
        satisfaction_line=satisfaction_line,
    )
    figures: list[tuple[str, str]] = [("code", code)]
    axes = (
        ("importance", importance, importance_line, crosshairs[0], places),
        ("satisfaction", satisfaction, satisfaction_line, crosshairs[1], 2),
    )
    for name, value, line, crosshair, digits in axes:
        if value == line:
            relation_zh, relation_en = "恰在线上 ", "on the line "
        elif value > line:
            relation_zh = relation_en = "≥ "
        else:
            relation_zh = relation_en = "< "
        high = value >= line
        figures += [
            (name, _show(value, digits)),
            (f"{name}_line", _show(line, digits)),
            (f"{name}_level_zh", "高" if high else "低"),
            (f"{name}_level_en", "high" if high else "low"),
            (f"{name}_relation_zh", relation_zh),
            (f"{name}_relation_en", relation_en),
            (f"{name}_basis_zh", crosshair.label.zh),
            (f"{name}_basis_en", crosshair.label.en),
        ]
    figures += [("quadrant_zh", quadrant.label.zh), ("quadrant_en", quadrant.label.en)]
    return quadrant, Reason(
        code=f"ipa.{quadrant.value}",
        zh="{code}：重要性 {importance}，{importance_level_zh}"
        "（{importance_relation_zh}{importance_line}，{importance_basis_zh}）；"
        "满意度 {satisfaction}，{satisfaction_level_zh}"
        "（{satisfaction_relation_zh}{satisfaction_line}，{satisfaction_basis_zh}）"
        "→ {quadrant_zh}",
        en="{code}: importance {importance} is {importance_level_en}"
        " ({importance_relation_en}{importance_line}, {importance_basis_en}); "
        "satisfaction {satisfaction} is {satisfaction_level_en}"
        " ({satisfaction_relation_en}{satisfaction_line}, {satisfaction_basis_en})"
        " → {quadrant_en}",
        figures=tuple(figures),
    )


def _unplaced_reason(code: str, cause: Unplaced) -> Reason:
    return Reason(
        code=f"ipa.unplaced.{cause.value}",
        zh="{code}：未放入四分图（{cause_zh}）",
        en="{code}: not placed ({cause_en})",
        figures=(("code", code), ("cause_zh", cause.label.zh), ("cause_en", cause.label.en)),
    )


def _pairs_by_code(
    ratings: list[Item], importance: ImportanceSource, pairs: Iterable[PairSums] | None
) -> dict[str, PairSums]:
    """The pair sums by item, checked against the rating items and the importance source."""
    if importance is ImportanceSource.STATED:
        if pairs is not None:
            raise InvalidValue(
                "pairs",
                "invalid",
                value=importance.value,
                detail="pairs are read only for derived importance",
                detail_zh="仅推导重要性需要 pairs",
            )
        return {}
    if pairs is None:
        raise InvalidValue("pairs", "missing")
    codes = {item.code for item in ratings}
    by_code: dict[str, PairSums] = {}
    for entry in pairs:
        if entry.item not in codes:
            raise InvalidValue(
                "pairs", "reference", value=entry.item, what="rating item", what_zh="评价项"
            )
        by_code[entry.item] = entry
    return by_code


def ipa(
    instrument: Instrument,
    scores: SurveyScores,
    *,
    importance: ImportanceSource,
    importance_line: Crosshair,
    satisfaction_line: Crosshair,
    pairs: Iterable[PairSums] | None = None,
) -> IpaResult:
    """Place every rating item of *instrument* on the importance–satisfaction chart.

    Args:
        instrument: The questionnaire.
        scores: Its scores (:func:`~pmcrm.surveys.scoring.score_survey`).
        importance: Stated or derived importance.
        importance_line: The importance crosshair.
        satisfaction_line: The satisfaction crosshair.
        pairs: The sums of derived importance (:func:`pair_sums`); required
            for, and only for, derived importance.  An item without an entry
            has no pairs.

    Raises:
        InvalidValue: *scores* are another instrument's; *pairs* missing for
            derived importance, given for stated, or naming an item that is
            not a rating item; a given line off its axis (0–100, or −1 to 1
            for derived importance).
    """
    if scores.instrument != instrument.code:
        raise InvalidValue(
            "scores",
            "reference",
            value=scores.instrument,
            what="instrument (the scores are another instrument's)",
            what_zh="问卷（评分属于其他问卷）",
        )
    ratings = list(instrument.ratings())
    by_code = _pairs_by_code(ratings, importance, pairs)
    axis = (-_ONE, _ONE) if importance is ImportanceSource.DERIVED else (Fraction(0), _HUNDRED)
    _check_line("importance_line", importance_line, *axis)
    _check_line("satisfaction_line", satisfaction_line, Fraction(0), _HUNDRED)
    rows = []
    points: list[tuple[Fraction, Fraction]] = []
    by_item = {score.code: score for score in scores.items}
    for item in ratings:
        # One look-up per item (a dict), not a scan; an unknown code raises, located.
        score = by_item.get(item.code) or scores.item(item.code)
        value, counted, cause = _importance(item, score, importance, by_code.get(item.code))
        satisfaction = score.score_100
        point: tuple[Fraction, Fraction] | None = None
        if satisfaction is None:
            cause = Unplaced.NO_SCORES
        elif value is not None:
            point = (value, satisfaction)
            points.append(point)
        rows.append((item, score, value, satisfaction, counted, cause, point))
    i_line = crosshair_value(importance_line, [i for i, _ in points])
    s_line = crosshair_value(satisfaction_line, [s for _, s in points])
    items = []
    places = _places(importance)
    for item, score, value, satisfaction, counted, cause, point in rows:
        quadrant: Quadrant | None = None
        if point is None:
            assert cause is not None  # noqa: S101 - an unplaced item has a cause
            reason = _unplaced_reason(item.code, cause)
        else:
            # Some item is placed, so a mean or median line exists.
            assert i_line is not None  # noqa: S101
            assert s_line is not None  # noqa: S101
            quadrant, reason = _placed_reason(
                item.code,
                point,
                (i_line, s_line),
                (importance_line, satisfaction_line),
                places,
            )
        items.append(
            IpaItem(
                code=item.code,
                text=item.text,
                dimension=str(item.dimension),
                importance=value,
                satisfaction=satisfaction,
                n=score.n,
                importance_n=counted,
                quadrant=quadrant,
                unplaced=cause,
                reason=reason,
            )
        )
    return IpaResult(
        instrument=instrument.code,
        importance=importance,
        importance_crosshair=importance_line,
        satisfaction_crosshair=satisfaction_line,
        importance_line=i_line,
        satisfaction_line=s_line,
        items=tuple(items),
    )


def ipa_from_responses(
    instrument: Instrument,
    responses: Iterable[Response],
    *,
    importance: ImportanceSource,
    importance_line: Crosshair,
    satisfaction_line: Crosshair,
) -> IpaResult:
    """Score *responses* and place the items, in one streaming pass.

    For derived importance the pair sums are gathered while
    :func:`~pmcrm.surveys.scoring.score_survey` reads the responses: each
    response is added after the scorer has taken it (and checked it), so
    the responses are read once and never held.  :func:`score_and_place`
    also returns the scores.

    Raises:
        ValidationError: a response breaks the instrument.
        InvalidValue: as :func:`ipa`; derived importance on an instrument
            without an overall-satisfaction item.
    """
    _, result = score_and_place(
        instrument,
        responses,
        importance=importance,
        importance_line=importance_line,
        satisfaction_line=satisfaction_line,
    )
    return result


def score_and_place(
    instrument: Instrument,
    responses: Iterable[Response],
    *,
    importance: ImportanceSource,
    importance_line: Crosshair,
    satisfaction_line: Crosshair,
    weighting: Weighting = Weighting.DECLARED,
) -> tuple[SurveyScores, IpaResult]:
    """The scores of *responses* and the items placed, in one streaming pass.

    As :func:`ipa_from_responses`, also returning the
    :class:`~pmcrm.surveys.scoring.SurveyScores` (with *weighting*, as
    :func:`~pmcrm.surveys.scoring.score_survey`).

    Raises:
        ValidationError: a response breaks the instrument.
        InvalidValue: as :func:`ipa` and :func:`~pmcrm.surveys.scoring.score_survey`.
    """
    if importance is ImportanceSource.STATED:
        scores = score_survey(instrument, responses, weighting=weighting)
        return scores, ipa(
            instrument,
            scores,
            importance=importance,
            importance_line=importance_line,
            satisfaction_line=satisfaction_line,
        )
    pairs = _Pairs(instrument)

    def feed() -> Iterator[Response]:
        for response in responses:
            yield response
            pairs.add(response)

    scores = score_survey(instrument, feed(), weighting=weighting)
    return scores, ipa(
        instrument,
        scores,
        importance=importance,
        importance_line=importance_line,
        satisfaction_line=satisfaction_line,
        pairs=pairs.result(),
    )


# --- rich display ---------------------------------------------------------------------


def _where(item: IpaItem) -> Label:
    """The item's quadrant, or why it has none, as :meth:`IpaResult.table` words it."""
    if item.quadrant is not None:
        return item.quadrant.label
    assert item.unplaced is not None  # noqa: S101 - unplaced items carry a cause
    return Label(
        zh="未放入：" + item.unplaced.label.zh, en="not placed: " + item.unplaced.label.en
    )


def _result_html(result: IpaResult) -> str:
    zh, en = (list(itertools.islice(_table(result, lang), 2)) for lang in (Lang.ZH, Lang.EN))
    places = _places(result.importance)
    items = tuple(
        (
            item.code,
            item.text,
            _show(item.importance, places),
            _show(item.satisfaction, 2),
            _where(item),
        )
        for item in result.items
    )
    quadrants = tuple(
        (q.label, str(len(found)), ", ".join(i.code for i in found) or "–")
        for q in Quadrant
        for found in (result.quadrant(q),)
    )
    return _html.render(
        Label(zh="重要性-满意度分析（四分图）", en="Importance–satisfaction analysis"),
        _html.Fields(
            (
                (Label(zh="问卷", en="Instrument"), result.instrument),
                (Label(zh="重要性来源", en="Importance"), result.importance.label),
            )
        ),
        _html.Notes(tuple(zip(zh, en, strict=True)), Label(zh="分界线", en="Crosshairs")),
        _html.Table(
            (
                Label(zh="象限", en="Quadrant"),
                Label(zh="题数", en="Items"),
                Label(zh="题目", en="Codes"),
            ),
            quadrants,
            Label(zh="各象限", en="Quadrants"),
            right=(1,),
        ),
        _html.Table(
            (
                Label(zh="题目", en="Item"),
                Label(zh="内容", en="Text"),
                Label(zh="重要性", en="Importance"),
                Label(zh="满意度", en="Satisfaction"),
                Label(zh="象限", en="Quadrant"),
            ),
            items,
            Label(zh="各题", en="Items"),
            right=(2, 3),
        ),
    )
