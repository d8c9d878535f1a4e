"""Flat records of the aggregate results: the complaint analysis, survey scores and IPA."""

import json
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given

from pmcrm.batch import (
    ANALYSIS_SCHEMA,
    CAUSE_SCHEMA,
    IPA_SCHEMA,
    OK,
    SCORE_SCHEMA,
    Record,
    Schema,
    analysis_records,
    cause_records,
    ipa_records,
    score_records,
)
from pmcrm.complaints import CategoryCatalogue, CategoryDef, analyse, default_policy
from pmcrm.complaints.analysis import (
    ComplaintAnalysis,
    GroupStats,
    MetricStats,
    Share,
)
from pmcrm.complaints.model import RootCause
from pmcrm.complaints.sla import Metric
from pmcrm.errors import InvalidValue, iso_duration
from pmcrm.sample import sample_calendar, sample_complaints, sample_survey
from pmcrm.surveys import (
    Answer,
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    Response,
    score_survey,
)
from pmcrm.surveys.ipa import (
    Crosshair,
    ImportanceSource,
    IpaResult,
    Unplaced,
    ipa,
    ipa_from_responses,
)
from pmcrm.surveys.scoring import Proportion, SurveyScores
from pmcrm.values import Label, round_half_up
from survey_strategies import surveys

AT = datetime(2026, 11, 23, 18, 0, tzinfo=timezone(timedelta(hours=8)))
COMPLAINTS = sample_complaints()
ANALYSIS = analyse(COMPLAINTS.states, COMPLAINTS.policy, AT, calendar=sample_calendar())

SURVEY = sample_survey()
INSTRUMENT = SURVEY.instrument
Q4 = [r for r in SURVEY.responses if r.respondent_id.startswith("2026Q4")]
SCORES = score_survey(INSTRUMENT, Q4)

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
_DURATION = re.compile(r"-?PT([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?\Z")


def half_up(value: Fraction | None, places: int) -> str | None:
    """*value* rounded half up to *places*, as text (the oracle of the decimal columns)."""
    if value is None:
        return None
    return f"{round_half_up(value.numerator, value.denominator, places):f}"


def check_records(records: list[Record], schema: Schema) -> None:
    """Each record has exactly the schema's columns, in order, typed as published, JSON-ready."""
    assert list(range(len(records))) == [r["row"] for r in records]
    for record in records:
        assert list(schema.names) == list(record)
        assert (OK, None) == (record["status"], record["errors"])
        assert record == json.loads(json.dumps(record, ensure_ascii=False))
        for column in schema.columns:
            value = record[column.name]
            if value is None:
                assert column.nullable, column.name
                continue
            kind = column.type
            if kind == "integer":
                assert type(value) is int, column.name
            elif kind == "decimal":
                assert _DECIMAL.match(value), (column.name, value)
            elif kind == "datetime":
                assert datetime.fromisoformat(value).utcoffset() is not None
            elif kind == "duration":
                assert _DURATION.match(value), (column.name, value)
            else:
                assert type(value) is str, column.name


# --- the complaint analysis ------------------------------------------------------------


def share(name: str, value: Share) -> dict[str, Any]:
    """The three columns of *value*."""
    percent = value.percent()
    return {
        f"{name}_part": value.part,
        f"{name}_whole": value.whole,
        f"{name}_percent": None if percent is None else str(percent),
    }


def metric_columns(stats: MetricStats | None) -> dict[str, Any]:
    """The metric columns of *stats* (all null for none)."""
    if stats is None:
        names = [n for n in ANALYSIS_SCHEMA.names if n not in GROUP_COLUMNS]
        return dict.fromkeys(names)
    return {
        "metric": stats.metric.value,
        "timed": stats.timed,
        "met": stats.met,
        "breached": stats.breached,
        "running": stats.running,
        **share("on_time", stats.on_time),
        "median": None if stats.median is None else iso_duration(stats.median),
        "mean": None if stats.mean is None else iso_duration(stats.mean),
    }


GROUP_COLUMNS = {
    "row",
    "status",
    "errors",
    "at",
    "scope",
    "group_key",
    "complaints",
    "open",
    *(f"{n}_{p}" for n in ("reopened", "repeats") for p in ("part", "whole", "percent")),
}


def expected_analysis(analysis: ComplaintAnalysis) -> list[dict[str, Any]]:
    """The records an analysis must give, read off the object (without ``row``)."""
    groups: list[tuple[str, str | None, GroupStats]] = [("overall", None, analysis.overall)]
    groups += [("department", k, g) for k, g in analysis.by_department]
    groups += [("month", k, g) for k, g in analysis.by_month]
    rows = []
    for scope, key, stats in groups:
        head = {
            "status": OK,
            "at": analysis.at.isoformat(),
            "scope": scope,
            "group_key": key,
            "complaints": stats.complaints,
            "open": stats.open,
            **share("reopened", stats.reopened),
            **share("repeats", stats.repeats),
            "errors": None,
        }
        for metric in stats.metrics or (None,):
            rows.append(head | metric_columns(metric))
    return rows


def test_analysis_records_equal_the_analysis() -> None:
    """One record per group and metric, overall then departments then months, figures as held."""
    records = list(analysis_records(ANALYSIS))
    check_records(records, ANALYSIS_SCHEMA)
    assert expected_analysis(ANALYSIS) == [
        {k: v for k, v in r.items() if k != "row"} for r in records
    ]
    groups = 1 + len(ANALYSIS.by_department) + len(ANALYSIS.by_month)
    assert groups * len(Metric) == len(records)
    overall = [r for r in records if r["scope"] == "overall"]
    assert [m.value for m in Metric] == [r["metric"] for r in overall]
    assert {len(COMPLAINTS.states)} == {r["complaints"] for r in overall}


def test_analysis_records_spot_check() -> None:
    """The first-response figures of the sample, as the analysis holds them."""
    first = next(analysis_records(ANALYSIS))
    stats = ANALYSIS.overall.metric(Metric.FIRST_RESPONSE)
    assert stats is not None
    assert (stats.met, stats.met + stats.breached) == (
        first["on_time_part"],
        first["on_time_whole"],
    )
    assert "PT30M" == first["median"]  # half an hour: the sample's median first response


def test_an_empty_analysis_gives_one_record_without_metric() -> None:
    """No complaint: one overall record, its shares empty and its metric columns null."""
    analysis = analyse([], default_policy(), AT)
    records = list(analysis_records(analysis))
    check_records(records, ANALYSIS_SCHEMA)
    [record] = records
    assert (0, 0, 0, None) == (
        record["complaints"],
        record["open"],
        record["reopened_whole"],
        record["repeats_percent"],
    )
    assert metric_columns(None) == {k: v for k, v in record.items() if k not in GROUP_COLUMNS}


def test_a_group_without_metric_among_others() -> None:
    """A group no rule timed has one record; the groups around it have one per metric."""
    stats = ANALYSIS.overall
    empty = GroupStats(complaints=1, open=1, reopened=Share(0, 1), repeats=Share(1, 1), metrics=())
    analysis = ComplaintAnalysis(
        at=AT,
        overall=stats,
        by_department=(("A", empty),),
        by_month=(("2026-11", stats),),
        root_causes=(),
        categories=(),
    )
    records = list(analysis_records(analysis))
    check_records(records, ANALYSIS_SCHEMA)
    assert expected_analysis(analysis) == [
        {k: v for k, v in r.items() if k != "row"} for r in records
    ]
    assert [("department", "A", None, "100.0")] == [
        (r["scope"], r["group_key"], r["metric"], r["repeats_percent"])
        for r in records
        if r["scope"] == "department"
    ]


# --- causes and categories ---------------------------------------------------------------


def test_cause_records_equal_the_analysis() -> None:
    """Root causes then categories, in the analysis' order, with their labels and counts."""
    records = list(cause_records(ANALYSIS))
    check_records(records, CAUSE_SCHEMA)
    standard = {c.code: c.label for c in CategoryCatalogue.standard().categories}
    expected = [
        ("root_cause", i, c.value, c.label.zh, c.label.en, n)
        for i, (c, n) in enumerate(ANALYSIS.root_causes, 1)
    ] + [
        ("category", i, c, standard[c].zh, standard[c].en, n)
        for i, (c, n) in enumerate(ANALYSIS.categories, 1)
    ]
    assert expected == [
        (r["kind"], r["rank"], r["code"], r["label_zh"], r["label_en"], r["count"])
        for r in records
    ]
    assert {AT.isoformat()} == {r["at"] for r in records}
    assert ANALYSIS.root_causes
    assert ANALYSIS.categories


def test_cause_records_label_categories_from_the_catalogue() -> None:
    """A code the catalogue lacks keeps null labels; a catalogue that has it names it."""
    analysis = ComplaintAnalysis(
        at=AT,
        overall=ANALYSIS.overall,
        by_department=(),
        by_month=(),
        root_causes=((RootCause.STAFF_NEGLIGENCE, 1),),
        categories=(("ev_charging", 4), ("noise", 2)),
    )
    plain = list(cause_records(analysis))
    check_records(plain, CAUSE_SCHEMA)
    assert [("员工失职", "staff negligence"), (None, None), ("噪音", "noise")] == [
        (r["label_zh"], r["label_en"]) for r in plain
    ]
    ev = CategoryDef(code="ev_charging", label=Label(zh="充电桩", en="EV charging"))
    named = list(cause_records(analysis, catalogue=CategoryCatalogue(categories=(ev,))))
    assert [("员工失职", "staff negligence"), ("充电桩", "EV charging"), (None, None)] == [
        (r["label_zh"], r["label_en"]) for r in named
    ]


# --- survey scores ----------------------------------------------------------------------


def csat_columns(csat: Proportion | None) -> dict[str, Any]:
    """The CSAT columns of *csat*, the interval ends moved to percent exactly."""
    if csat is None:
        return dict.fromkeys(("csat_satisfied", "csat_n", "csat_percent", "csat_low", "csat_high"))
    interval = csat.interval()
    percent = csat.percent()
    # The ends have 6 decimals of a share: 4 of a percentage, exactly.
    ends = (None, None) if interval is None else (e * 100 for e in interval)
    low, high = (None if e is None else f"{e.quantize(Decimal('0.0001')):f}" for e in ends)
    return {
        "csat_satisfied": csat.part,
        "csat_n": csat.whole,
        "csat_percent": None if percent is None else str(percent),
        "csat_low": low,
        "csat_high": high,
    }


def expected_scores(
    scores: SurveyScores, instrument: Instrument | None = None
) -> list[dict[str, Any]]:
    """The records scores must give, read off the object (every column)."""
    blank = dict.fromkeys(SCORE_SCHEMA.names) | {"status": OK, "instrument": scores.instrument}
    rows = []
    for item in scores.items:
        defined = None if instrument is None else instrument.item(item.code)
        rows.append(
            blank
            | {
                "kind": "item",
                "code": item.code,
                "label_zh": None if defined is None else defined.text.zh,
                "label_en": None if defined is None else defined.text.en,
                "role": None if defined is None else defined.role.value,
                "dimension": None if defined is None else defined.dimension,
                "scale": item.scale.value,
                "n": item.n,
                "missing": item.missing,
                "not_applicable": item.na,
                "mean": half_up(item.mean, 2),
                "score_100": half_up(item.score_100, 1),
                "importance": half_up(item.importance, 2),
                "gap": half_up(item.gap, 2),
                **csat_columns(item.csat),
            }
        )
    for dimension in scores.dimensions:
        rows.append(
            blank
            | {
                "kind": "dimension",
                "code": dimension.code,
                "label_zh": dimension.label.zh,
                "label_en": dimension.label.en,
                "score_100": half_up(dimension.score_100, 1),
                "weight_percent": half_up(dimension.weight * 100, 1),
                "importance": half_up(dimension.importance, 2),
                "gap": half_up(dimension.gap, 2),
                "alpha": half_up(dimension.alpha, 2),
                "complete": dimension.complete,
                "items": dimension.items,
            }
        )
    overall = blank | {
        "kind": "overall",
        "label_zh": None if instrument is None else instrument.name.zh,
        "label_en": None if instrument is None else instrument.name.en,
        "n": scores.respondents,
        **csat_columns(scores.csat),
        "csi": half_up(scores.csi, 1),
        "weighting": scores.weighting.value,
    }
    if scores.nps is not None:
        low, high = scores.nps.interval()
        overall |= {
            "promoters": scores.nps.promoters,
            "passives": scores.nps.passives,
            "detractors": scores.nps.detractors,
            "nps": half_up(scores.nps.score, 1),
            "nps_low": f"{low:f}",
            "nps_high": f"{high:f}",
        }
    rows.append(overall)
    return [row | {"row": i} for i, row in enumerate(rows)]


def test_score_records_equal_the_scores() -> None:
    """Items, dimensions, then the whole survey: the scores' figures, rounded as stated."""
    records = list(score_records(SCORES))
    check_records(records, SCORE_SCHEMA)
    assert expected_scores(SCORES) == records
    with_instrument = list(score_records(SCORES, instrument=INSTRUMENT))
    check_records(with_instrument, SCORE_SCHEMA)
    assert expected_scores(SCORES, INSTRUMENT) == with_instrument
    assert "业主满意度调查（2026 年）" == with_instrument[-1]["label_zh"]


def test_score_records_spot_checks() -> None:
    """The Q4 wave's figures the Chinese survey page states, as the records give them."""
    records = list(score_records(SCORES))
    overall = records[-1]
    assert ("79", "109", "72.5") == tuple(
        str(overall[c]) for c in ("csat_satisfied", "csat_n", "csat_percent")
    )
    # The Wilson interval (0.634357, 0.799880) in percent, not rounded again.
    assert ("63.4357", "79.9880") == (overall["csat_low"], overall["csat_high"])
    assert ("6.4", "-7.952270", "20.679542") == (
        overall["nps"],
        overall["nps_low"],
        overall["nps_high"],
    )
    assert (36, 45, 29) == (overall["promoters"], overall["passives"], overall["detractors"])
    price = next(r for r in records if r["kind"] == "dimension" and r["code"] == "price")
    assert ("51.5", "15.0") == (price["score_100"], price["weight_percent"])  # 51.48 on the page


def test_score_records_of_no_responses() -> None:
    """Nobody answered: counts are 0, every mean, share and interval null, no NPS."""
    scores = score_survey(INSTRUMENT, [])
    records = list(score_records(scores, instrument=INSTRUMENT))
    check_records(records, SCORE_SCHEMA)
    assert expected_scores(scores, INSTRUMENT) == records
    items = [r for r in records if r["kind"] == "item"]
    assert {(0, None, None, None)} == {
        (r["csat_n"], r["csat_percent"], r["csat_low"], r["mean"]) for r in items
    }
    assert (None, None, 0) == (records[-1]["csi"], records[-1]["nps"], records[-1]["n"])


def test_score_records_without_overall_or_nps_item() -> None:
    """No overall item: the overall record's CSAT is null; no NPS item: its NPS is null."""
    instrument = Instrument(
        code="q",
        name=Label(zh="问卷", en="Survey"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=(
            Item(code="s1", text=Label(zh="服务", en="Service"), dimension="service"),
            Item(code="s2", text=Label(zh="态度", en="Manner"), dimension="service"),
        ),
    )
    response = Response(
        respondent_id="R1",
        on=date(2026, 11, 2),
        answers=(Answer(item="s1", score=4), Answer(item="s2", score=5)),
    )
    scores = score_survey(instrument, [response])
    records = list(score_records(scores))
    check_records(records, SCORE_SCHEMA)
    assert expected_scores(scores) == records
    overall = records[-1]
    assert (None, None, "87.5") == (overall["csat_n"], overall["nps"], overall["csi"])


def test_score_records_refuse_another_instruments_questionnaire() -> None:
    """The instrument must be the one scored: refused at the call, not when iterating."""
    other = Instrument(
        code="other",
        name=Label(zh="其他", en="Other"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=(Item(code="s1", text=Label(zh="服务", en="Service"), dimension="service"),),
    )
    with pytest.raises(InvalidValue, match="another instrument"):
        score_records(SCORES, instrument=other)


@given(surveys(max_size=8))
def test_score_records_match_items_and_dimensions_one_to_one(
    survey: tuple[Instrument, list[Response]],
) -> None:
    """For any survey: one record per item and per dimension, in order, then one overall."""
    instrument, responses = survey
    scores = score_survey(instrument, responses)
    records = list(score_records(scores, instrument=instrument))
    check_records(records, SCORE_SCHEMA)
    items = [r for r in records if r["kind"] == "item"]
    dimensions = [r for r in records if r["kind"] == "dimension"]
    assert [i.code for i in scores.items] == [r["code"] for r in items]
    assert [d.code for d in scores.dimensions] == [r["code"] for r in dimensions]
    assert ["overall"] == [r["kind"] for r in records[len(items) + len(dimensions) :]]
    assert [(i.n, i.missing, i.na) for i in scores.items] == [
        (r["n"], r["missing"], r["not_applicable"]) for r in items
    ]
    assert [half_up(d.score_100, 1) for d in scores.dimensions] == [
        r["score_100"] for r in dimensions
    ]
    assert expected_scores(scores, instrument) == records


# --- importance–satisfaction analysis --------------------------------------------------


def expected_ipa(result: IpaResult, places: int) -> list[dict[str, Any]]:
    """The records an IPA result must give, read off the object."""
    rows = []
    for row, item in enumerate(result.items):
        quadrant, unplaced = item.quadrant, item.unplaced
        rows.append(
            {
                "row": row,
                "status": OK,
                "instrument": result.instrument,
                "importance_source": result.importance.value,
                "code": item.code,
                "dimension": item.dimension,
                "label_zh": item.text.zh,
                "label_en": item.text.en,
                "n": item.n,
                "importance_n": item.importance_n,
                "importance": half_up(item.importance, places),
                "satisfaction": half_up(item.satisfaction, 2),
                "quadrant": None if quadrant is None else quadrant.value,
                "quadrant_zh": None if quadrant is None else quadrant.text("zh"),
                "quadrant_en": None if quadrant is None else quadrant.text("en"),
                "unplaced": None if unplaced is None else unplaced.value,
                "unplaced_zh": None if unplaced is None else unplaced.text("zh"),
                "unplaced_en": None if unplaced is None else unplaced.text("en"),
                "explanation_zh": item.explain("zh"),
                "explanation_en": item.explain("en"),
                "importance_line": half_up(result.importance_line, places),
                "importance_line_kind": result.importance_crosshair.kind.value,
                "importance_line_basis_zh": result.importance_crosshair.label.zh,
                "importance_line_basis_en": result.importance_crosshair.label.en,
                "satisfaction_line": half_up(result.satisfaction_line, 2),
                "satisfaction_line_kind": result.satisfaction_crosshair.kind.value,
                "satisfaction_line_basis_zh": result.satisfaction_crosshair.label.zh,
                "satisfaction_line_basis_en": result.satisfaction_crosshair.label.en,
                "errors": None,
            }
        )
    return rows


def table_rows(result: IpaResult) -> list[tuple[str, ...]]:
    """(item, importance, satisfaction) as the result's own English table shows them."""
    rows = []
    for line in result.table("en").splitlines()[4:]:
        figures = [t for t in line.split() if _DECIMAL.match(t) or t == "–"]
        rows.append((line.split()[0], *figures[-2:]))
    return rows


STATED = ipa(
    INSTRUMENT,
    SCORES,
    importance=ImportanceSource.STATED,
    importance_line=Crosshair.mean(),
    satisfaction_line=Crosshair.mean(),
)


def test_ipa_records_equal_the_result() -> None:
    """One record per rating item, with the crosshair on each, figures as the table shows."""
    records = list(ipa_records(STATED))
    check_records(records, IPA_SCHEMA)
    assert expected_ipa(STATED, 2) == records
    shown = [(r["code"], r["importance"], r["satisfaction"]) for r in records]
    assert table_rows(STATED) == shown


def test_ipa_records_spot_checks() -> None:
    """The first item and the lines the Chinese survey page states."""
    first = next(ipa_records(STATED))
    assert ("s1", "86.21", "66.36", "urgent_improvement", "急需改进") == (
        first["code"],
        first["importance"],
        first["satisfaction"],
        first["quadrant"],
        first["quadrant_zh"],
    )
    assert ("76.70", "69.31") == (first["importance_line"], first["satisfaction_line"])


def test_ipa_records_of_derived_importance_and_a_given_line() -> None:
    """Derived importance (Pearson's r) to 0.0001; a given line named by its source."""
    target = Label(zh="公司目标", en="company target")
    result = ipa_from_responses(
        INSTRUMENT,
        Q4,
        importance=ImportanceSource.DERIVED,
        importance_line=Crosshair.median(),
        satisfaction_line=Crosshair.given(Decimal(75), source=target),
    )
    records = list(ipa_records(result))
    check_records(records, IPA_SCHEMA)
    assert expected_ipa(result, 4) == records
    assert {4} == {len(r["importance"].split(".")[1]) for r in records}
    assert {("median", "given", "75.00", "公司目标", "company target")} == {
        (
            r["importance_line_kind"],
            r["satisfaction_line_kind"],
            r["satisfaction_line"],
            r["satisfaction_line_basis_zh"],
            r["satisfaction_line_basis_en"],
        )
        for r in records
    }


def test_ipa_records_of_unplaced_items_and_no_lines() -> None:
    """Nobody answered: every item unplaced with its reason, and no mean lines."""
    result = ipa(
        INSTRUMENT,
        score_survey(INSTRUMENT, []),
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    records = list(ipa_records(result))
    check_records(records, IPA_SCHEMA)
    assert expected_ipa(result, 2) == records
    assert {(None, None, None, Unplaced.NO_SCORES.value, "无满意度评分")} == {
        (r["quadrant"], r["importance_line"], r["satisfaction"], r["unplaced"], r["unplaced_zh"])
        for r in records
    }
