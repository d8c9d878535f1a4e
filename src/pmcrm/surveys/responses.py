"""Survey responses: answers per item, with missing and "not applicable" kept apart.

A :class:`Response` is one respondent's questionnaire.  An item the
respondent skipped has no :class:`Answer` (*missing*); an item they marked
"not applicable" has an answer with ``na=True`` and no score.  Both are
left out of the item's statistics, and counted separately.  An answer out
of its item's scale is an error, never clipped (:func:`check_response`).

>>> from datetime import date
>>> response = Response(
...     respondent_id="R-1",
...     customer_id="C0001",
...     on=date(2026, 11, 2),
...     segments=(Segment(key="tier", value="gold"),),
...     answers=(Answer(item="s1", score=4), Answer(item="p1", na=True)),
... )
>>> response.answer("p1").na, response.answer("s2") is None
(True, True)
"""

import operator
from collections.abc import Iterator
from datetime import date

import attrs

from pmcrm.errors import InvalidValue, ReportEntry, ValidationError, ValidationReport
from pmcrm.surveys.instrument import Instrument, ItemRole, scale_bounds
from pmcrm.validators import code, optional_text, text, unique

__all__ = ["Answer", "Response", "Segment", "check_response"]


@attrs.frozen(kw_only=True)
class Answer:
    """The answer to one item.

    Attributes:
        item: The item's code.
        score: The answer on the item's scale (``None`` when not applicable).
        na: "Not applicable" (不适用): no score, and not counted as missing.
        importance: How important the point is, on the item's scale, if asked.
        expectation: What the customer expected, on the item's scale, if asked.
    """

    item: str = attrs.field(validator=code())
    score: int | None = None
    na: bool = False
    importance: int | None = None
    expectation: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.na == (self.score is not None):
            raise InvalidValue(
                "score",
                "invalid",
                value=self.score,
                detail="an answer has exactly one of a score and na=true (not applicable); "
                "leave a skipped item out",
                detail_zh="答案须有分数或标记为不适用（na），且只能二选一；跳过的题目不必列出",
                subpath=".score",
            )


@attrs.frozen(kw_only=True)
class Segment:
    """A value a response can be broken down by (tier, property type, project…).

    Attributes:
        key: What it is, such as ``"tier"``.
        value: Its value, such as ``"gold"``.
    """

    key: str = attrs.field(validator=code())
    value: str = attrs.field(validator=text(60))


def _item_of(answer: Answer) -> str:
    return answer.item


def _key_of(segment: Segment) -> str:
    return segment.key


@attrs.frozen(kw_only=True)
class Response:
    """One respondent's answers.

    Attributes:
        respondent_id: Who answered (a survey-local id).
        customer_id: The customer, when the response is linked to one.
        on: When the questionnaire was answered.
        segments: Values to break the results down by, each key once.
        answers: The answers, each item at most once.
    """

    respondent_id: str = attrs.field(validator=text(40))
    customer_id: str | None = attrs.field(default=None, validator=optional_text(40))
    on: date
    segments: tuple[Segment, ...] = attrs.field(default=(), validator=unique(_key_of, "key"))
    answers: tuple[Answer, ...] = attrs.field(default=(), validator=unique(_item_of, "item"))

    def answer(self, item: str) -> Answer | None:
        """The answer to *item*, or ``None`` when it was skipped (missing)."""
        for answer in self.answers:
            if answer.item == item:
                return answer
        return None

    def segment(self, key: str) -> str | None:
        """The value of segment *key*, if the response has one."""
        for segment in self.segments:
            if segment.key == key:
                return segment.value
        return None


def _faults(instrument: Instrument, response: Response) -> Iterator[ReportEntry]:
    items = {item.code: item for item in instrument.items}
    for index, answer in enumerate(response.answers):
        where = f"$.answers[{index}]"
        item = items.get(answer.item)
        if item is None:
            err = InvalidValue("item", "reference", value=answer.item, what="item", what_zh="题目")
            yield _entry(f"{where}.item", err)
            continue
        low, high = scale_bounds(item.scale)
        asked = {
            "score": True,
            "importance": item.importance,
            "expectation": item.expectation,
        }
        for name, allowed in asked.items():
            value = getattr(answer, name)
            if value is None:
                continue
            if not allowed:
                err = InvalidValue(
                    name,
                    "invalid",
                    value=value,
                    detail=f"item {item.code!r} does not ask for {name}",
                    detail_zh=f"题目 {item.code!r} 不询问{_ASKED_ZH[name]}",
                )
                yield _entry(f"{where}.{name}", err)
            elif not is_integer(value):
                err = InvalidValue(
                    name,
                    "type",
                    value=value,
                    expected="an integer",
                    expected_zh="整数",
                    got=type(value).__name__,
                )
                yield _entry(f"{where}.{name}", err)
            elif not low <= value <= high:
                err = InvalidValue(
                    name,
                    "invalid",
                    value=value,
                    detail=f"{value} is out of the scale {low}–{high}",
                    detail_zh=f"{value} 超出量表范围 {low}–{high}",
                )
                yield _entry(f"{where}.{name}", err)
        if answer.na and item.role is ItemRole.NPS:
            err = InvalidValue(
                "na",
                "invalid",
                value=True,
                detail="the NPS item cannot be not applicable",
                detail_zh="推荐意愿题不能标记为不适用",
            )
            yield _entry(f"{where}.na", err)


def is_integer(value: object) -> bool:
    """Whether *value* is an integer of any integer type (``int``, ``bool``, numpy's…)."""
    try:
        operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


_ASKED_ZH = {"score": "评分", "importance": "重要性", "expectation": "期望"}


def _entry(path: str, err: InvalidValue) -> ReportEntry:
    return ReportEntry(
        path=path, code=err.code, message_zh=err.message_zh, message_en=err.message_en
    )


def check_response(instrument: Instrument, response: Response) -> None:
    """Check *response* against *instrument*: every fault at once, with its path.

    Raises:
        ValidationError: an answer to an unknown item, an answer that is
            not an integer or is out of its item's scale (never clipped), an
            importance or expectation the item does not ask for, or a "not
            applicable" NPS answer.
    """
    faults = tuple(_faults(instrument, response))
    if faults:
        raise ValidationError(ValidationReport(faults), "Response")
