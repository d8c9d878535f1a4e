"""The survey kernel: each respondent's questionnaire checked and scored, row by row.

Each input record is one :class:`~pmcrm.surveys.responses.Response` (the columns of
:data:`RESPONSE_INPUT`); each result record is the respondent's own CSI
and answer counts (:data:`RESPONSE_SCHEMA`).  A questionnaire kept as a
spreadsheet — one row per respondent, one column per item — is read with
:func:`response_from_row`; :func:`response_columns` lists its header.

>>> from pmcrm.sample import sample_survey
>>> from pmcrm.serialization import unstructure
>>> survey = sample_survey()
>>> records = [unstructure(r) for r in survey.responses[:2]]
>>> records.append(
...     {"respondent_id": "X-1", "on": "2026-11-02", "answers": [{"item": "s1", "score": 9}]}
... )
>>> for r in response_records(records, survey.instrument):
...     print(r["row"], r["status"], r["respondent_id"], r["csi"], r["missing"], r["nps_category"])
0 ok 2026Q3-001 61.25 2 promoter
1 ok 2026Q3-002 63.75 0 promoter
2 rejected X-1 None None None

The same answers in the wide form of a spreadsheet:

>>> header = response_columns(survey.instrument, segments=("tier",))
>>> header[:6]
('respondent_id', 'customer_id', 'on', 'segment.tier', 's1', 's1.importance')
>>> row = dict.fromkeys(header, "")
>>> row.update({"respondent_id": "W-1", "on": "2026-11-02", "segment.tier": "gold"})
>>> row.update({"s1": "4", "s1.importance": "5", "p1": "na", "nps": "x"})
>>> record = response_from_row(row, survey.instrument)
>>> for answer in record["answers"]:
...     print(answer)
{'item': 's1', 'score': 4, 'importance': 5}
{'item': 'p1', 'na': True}
{'item': 'nps', 'score': 'x'}
>>> [rejected] = response_records([record], survey.instrument)
>>> [e["path"] for e in json.loads(rejected["errors"])]
['$.answers[2].score']
"""

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, Final

from pmcrm.batch._core import (
    Column,
    Record,
    Schema,
    _column,
    _json_entry,
    accepted,
    converter_or_default,
    entries_of,
    from_engine,
    guarded,
    key_of,
    make_schema,
    plain,
    records_of,
    rejected,
    row_ids,
    to_frame,
)
from pmcrm.errors import PmcrmError, ReportEntry, ValidationError
from pmcrm.serialization import PmcrmConverter
from pmcrm.surveys.history import HISTORY_PLACES, respondent_csi
from pmcrm.surveys.instrument import Instrument, ItemRole
from pmcrm.surveys.responses import Answer, Response, Segment, check_response
from pmcrm.values import round_half_up

__all__ = [
    "NA_CELLS",
    "RESPONSE_INPUT",
    "RESPONSE_SCHEMA",
    "SEGMENT_PREFIX",
    "checked_responses",
    "response_columns",
    "response_frame",
    "response_from_row",
    "response_records",
]

#: The input record of :func:`response_records`: the fields of a
#: :class:`~pmcrm.surveys.responses.Response`.  ``customer_id``, ``segments`` and
#: ``answers`` are optional; ``segments`` and ``answers`` may also be JSON
#: text.  Any other column is refused (a misspelt column is reported).
RESPONSE_INPUT: Final[Mapping[str, Any]] = {
    "respondent_id": str,
    "customer_id": str | None,
    "on": date,
    "segments": tuple[Segment, ...],
    "answers": tuple[Answer, ...],
}

#: The columns whose values are lists (and so may come as JSON text).
_LIST_COLUMNS: Final = frozenset({"segments", "answers"})

#: The places the respondent's CSI is rounded to (half up): 2, as the
#: satisfaction history rounds it (:data:`~pmcrm.surveys.history.HISTORY_PLACES`).
_CSI_PLACES: Final = -int(HISTORY_PLACES.as_tuple().exponent)


def _nullable(name: str, type_: str, zh: str, en: str, *, title: tuple[str, str]) -> Column:
    return _column(name, type_, zh, en, nullable=True, title=title)


#: The result schema of :func:`response_records`: one record per response.
RESPONSE_SCHEMA: Final[Schema] = make_schema(
    _nullable(
        "respondent_id", "string", "答卷人编号", "The respondent", title=("答卷人", "respondent")
    ),
    _nullable(
        "customer_id",
        "string",
        "关联客户（未关联为空）",
        "The customer, when linked",
        title=("客户", "customer"),
    ),
    _nullable(
        "on", "date", "答卷日", "When the questionnaire was answered", title=("答卷日", "on")
    ),
    _nullable(
        "csi",
        "decimal",
        "答卷人自身的 CSI（0–100，按声明权重，四舍五入到 0.01）；未评任何评价项为空",
        "The respondent's own CSI on 0–100 (declared weights), rounded half up "
        "(四舍五入) to 0.01 as the satisfaction history rounds it; null when no rating "
        "item was scored",
        title=("CSI", "CSI"),
    ),
    _nullable(
        "answered",
        "integer",
        "有分数的题目数（问卷的全部题目中）",
        "Items of the instrument answered with a score",
        title=("已答", "answered"),
    ),
    _nullable(
        "not_applicable",
        "integer",
        "标记为不适用的题目数",
        "Items marked not applicable",
        title=("不适用", "n/a"),
    ),
    _nullable(
        "missing",
        "integer",
        "跳过的题目数（answered + not_applicable + missing = 题目总数）",
        "Items skipped (answered + not_applicable + missing = the instrument's items)",
        title=("跳过", "skipped"),
    ),
    _nullable(
        "nps_score",
        "integer",
        "推荐意愿题的分数（0–10）；问卷无此题或跳过时为空",
        "The answer to the NPS item (0–10); null without one or when skipped",
        title=("NPS 分", "NPS"),
    ),
    _nullable(
        "nps_category",
        "string",
        "推荐者 promoter（9–10）、中立者 passive（7–8）或贬损者 detractor（0–6）",
        "``promoter`` (9–10), ``passive`` (7–8) or ``detractor`` (0–6); null as ``nps_score``",
        title=("NPS 类别", "NPS group"),
    ),
)


# --- loading -------------------------------------------------------------------------


def _response(
    converter: PmcrmConverter, record: Mapping[str, Any]
) -> Response | list[ReportEntry]:
    """The response of *record*, or every fault in it."""
    data: dict[str, Any] = {}
    faults: list[ReportEntry] = []
    for key, cell in record.items():
        value = cell
        if key in _LIST_COLUMNS or not isinstance(value, str):
            try:
                value = from_engine(value)
            except json.JSONDecodeError as exc:
                faults.append(_json_entry(f"$.{key}", exc))
                continue
        else:
            value = str(value)  # numpy's str_ too: the strict converter reads str only
        if value is not None:  # a null cell: the field's default
            data[key] = value
    try:
        response = converter.load(data, Response)
    except ValidationError as exc:
        return [*faults, *exc.report]
    return faults or response


def _nps_category(score: int) -> str:
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


def _response_rows(row: int, response: Response, *, instrument: Instrument) -> list[Record]:
    csi = respondent_csi(instrument, response)  # checks the response first
    answers = {a.item: a for a in response.answers}
    answered = sum(1 for a in response.answers if a.score is not None)
    not_applicable = sum(1 for a in response.answers if a.na)
    nps_item = instrument.role(ItemRole.NPS)
    nps_answer = None if nps_item is None else answers.get(nps_item.code)
    nps = None if nps_answer is None else nps_answer.score
    return [
        accepted(
            RESPONSE_SCHEMA,
            row,
            {
                "respondent_id": response.respondent_id,
                "customer_id": response.customer_id,
                "on": plain(response.on),
                "csi": None
                if csi is None
                else plain(round_half_up(csi.numerator, csi.denominator, _CSI_PLACES)),
                "answered": answered,
                "not_applicable": not_applicable,
                "missing": len(instrument.items) - len(answers),
                "nps_score": nps,
                "nps_category": None if nps is None else _nps_category(nps),
            },
        )
    ]


def response_records(
    records: Iterable[Mapping[str, Any]],
    instrument: Instrument,
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
) -> Iterator[Record]:
    """Check and score each response against *instrument*, lazily: one result per record.

    Each response is checked (:func:`~pmcrm.surveys.responses.check_response`: an
    unknown item, a score off its scale, an importance the item does not
    ask…) and scored: the respondent's own CSI
    (:func:`~pmcrm.surveys.history.respondent_csi`), the answer counts and the NPS
    answer's category.

    Args:
        records: Plain records with the columns of :data:`RESPONSE_INPUT`.
        instrument: The questionnaire.
        converter: The strict converter to load records with (default: the
            process's; in a data-engine worker, build one per worker).
        first_row: The number of the first record (``row`` column).

    Yields:
        Records of :data:`RESPONSE_SCHEMA`: ``status`` ``"ok"`` with the
        scores, or ``"rejected"`` with every fault, each with its path
        (``$.answers[3].score``), in ``errors``.
    """
    conv = converter_or_default(converter)
    for row, record in enumerate(records, first_row):
        response = _response(conv, record)
        if isinstance(response, list):
            yield rejected(
                RESPONSE_SCHEMA,
                row,
                response,
                respondent_id=key_of(record, "respondent_id"),
                customer_id=key_of(record, "customer_id"),
            )
            continue
        yield from guarded(
            RESPONSE_SCHEMA,
            row,
            {"respondent_id": response.respondent_id, "customer_id": response.customer_id},
            functools.partial(_response_rows, row, response, instrument=instrument),
        )


def checked_responses(
    records: Iterable[Mapping[str, Any]],
    instrument: Instrument,
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
) -> Iterator[tuple[int, Response] | Record]:
    """Each record loaded as a response and checked against *instrument*, lazily.

    The stream a whole-survey report reads
    (:func:`~pmcrm.surveys.scoring.score_survey`,
    :func:`~pmcrm.surveys.ipa.ipa_from_responses`): the good responses, and
    the bad ones set aside with their faults, so one bad row never stops
    the scoring of the others.

    Yields:
        ``(row, response)`` for a response that loads and fits the
        instrument, or a rejected record of :data:`RESPONSE_SCHEMA` (a dict)
        with every fault and its path.

    >>> from pmcrm.sample import sample_survey
    >>> survey = sample_survey()
    >>> records = [
    ...     {"respondent_id": "r1", "on": "2026-11-02", "answers": [{"item": "s1", "score": 9}]}
    ... ]
    >>> [
    ...     (r["status"], json.loads(r["errors"])[0]["path"])
    ...     for r in checked_responses(records, survey.instrument)
    ... ]
    [('rejected', '$.answers[0].score')]
    """
    conv = converter_or_default(converter)
    for row, record in enumerate(records, first_row):
        response = _response(conv, record)
        keys = {
            "respondent_id": key_of(record, "respondent_id"),
            "customer_id": key_of(record, "customer_id"),
        }
        if isinstance(response, list):
            yield rejected(RESPONSE_SCHEMA, row, response, **keys)
            continue
        try:
            check_response(instrument, response)
        except PmcrmError as exc:
            yield rejected(RESPONSE_SCHEMA, row, entries_of(exc), **keys)
            continue
        yield row, response


def response_frame(
    frame: Any,
    instrument: Instrument,
    *,
    converter: PmcrmConverter | None = None,
    first_row: int = 0,
    row_column: str | None = None,
) -> Any:
    """As :func:`response_records`, over a pandas DataFrame, returning one (needs pandas).

    Only the columns of :data:`RESPONSE_INPUT` are read (the optional ones
    may be absent).  The result has the columns of :data:`RESPONSE_SCHEMA`,
    each of ``object`` dtype, also when empty: use it as Dask's
    ``map_partitions`` function and Spark's ``mapInPandas`` function
    unchanged.  With *row_column*, each result's ``row`` is that input
    column's value instead of the input's position.
    """
    records = records_of(frame, [c for c in RESPONSE_INPUT if c in frame.columns])
    return to_frame(
        response_records(records, instrument, converter=converter, first_row=first_row),
        RESPONSE_SCHEMA,
        rows=row_ids(frame, row_column),
        first_row=first_row,
    )


# --- the wide form of a spreadsheet ------------------------------------------------------

#: The prefix of a segment column in the wide form: ``segment.tier``.
SEGMENT_PREFIX: Final = "segment."

#: The cells that mark an item not applicable in the wide form (any case).
NA_CELLS: Final = frozenset({"na", "n/a", "不适用"})

_FIXED: Final = ("respondent_id", "customer_id", "on")
_ASKED: Final = ("importance", "expectation")
_INTEGER = re.compile(r"-?[0-9]+\Z")


def response_columns(instrument: Instrument, *, segments: Iterable[str] = ()) -> tuple[str, ...]:
    """The header of the wide form of *instrument*'s responses (a CSV template).

    ``respondent_id``, ``customer_id``, ``on``, a ``segment.<key>`` column
    per segment key in *segments*, then per item, in order, its code and
    ``<code>.importance`` and ``<code>.expectation`` when it asks them.

    >>> from pmcrm.sample import sample_survey
    >>> response_columns(sample_survey().instrument)[-4:]
    ('e2', 'e2.importance', 'overall', 'nps')
    """
    columns = [*_FIXED, *(SEGMENT_PREFIX + key for key in segments)]
    for item in instrument.items:
        columns.append(item.code)
        columns.extend(f"{item.code}.{part}" for part in _ASKED if getattr(item, part))
    return tuple(columns)


def _number(text: str) -> int | str:
    """*text* as an integer when it is one; else as it is, for the converter to judge."""
    stripped = text.strip()
    return int(stripped) if _INTEGER.match(stripped) else text


def response_from_row(row: Mapping[str, str | None], instrument: Instrument) -> dict[str, Any]:
    """A response in the wide form (one spreadsheet row) as a record for :func:`response_records`.

    The columns (see :func:`response_columns`): ``respondent_id``,
    ``customer_id``, ``on``; ``segment.<key>`` for each segment; one column
    per item code holding its score, a mark of :data:`NA_CELLS` for "not
    applicable", or nothing when skipped; and ``<code>.importance``,
    ``<code>.expectation`` when asked.  An empty cell is left out.  Answers
    come in the instrument's item order, so ``$.answers[i]`` is the
    *i*-th item the row answers.  A cell that is not an integer is passed
    on as text, and any other column as it is, so that
    :func:`response_records` reports them at their path
    (``$.answers[2].score``, ``$.remarks``).

    Args:
        row: The cells by header (as :class:`csv.DictReader` reads them).
        instrument: The questionnaire: which columns are items.

    Returns:
        The JSON-shaped record of one response.
    """
    items = {item.code: item for item in instrument.items}
    record: dict[str, Any] = {}
    segments: list[dict[str, str]] = []
    answers: dict[str, dict[str, Any]] = {}
    for header, cell in row.items():
        if cell is None or not cell.strip():
            continue
        if header in _FIXED:
            record[header] = cell
        elif header.startswith(SEGMENT_PREFIX):
            segments.append({"key": header[len(SEGMENT_PREFIX) :], "value": cell})
        elif header in items:
            answer = answers.setdefault(header, {"item": header})
            if cell.strip().lower() in NA_CELLS:
                answer["na"] = True
            else:
                answer["score"] = _number(cell)
        else:
            code, _, part = header.rpartition(".")
            if code in items and part in _ASKED:
                answers.setdefault(code, {"item": code})[part] = _number(cell)
            else:
                record[header] = cell
    record["segments"] = segments
    record["answers"] = [answers[code] for code in items if code in answers]
    return record
