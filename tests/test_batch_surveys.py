"""The survey kernel and the wide form: responses checked and scored as ``pmcrm.surveys`` does."""

import json
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.batch import (
    NA_CELLS,
    OK,
    REJECTED,
    RESPONSE_INPUT,
    RESPONSE_SCHEMA,
    SEGMENT_PREFIX,
    checked_responses,
    response_columns,
    response_frame,
    response_from_row,
    response_records,
)
from pmcrm.errors import MissingDependency
from pmcrm.sample import sample_survey
from pmcrm.serialization import structure, unstructure
from pmcrm.surveys import (
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    Response,
    respondent_csi,
    satisfaction_record,
)
from pmcrm.values import Label, round_half_up
from test_batch import FakeFrame, fake_pandas

SURVEY = sample_survey()
INSTRUMENT = SURVEY.instrument
RESPONSES = SURVEY.responses
RECORDS = [unstructure(r) for r in RESPONSES]


def paths(record: dict[str, Any]) -> list[str]:
    """The paths of a rejected record's errors."""
    return [e["path"] for e in json.loads(record["errors"])]


def category(score: int) -> str:
    """The NPS group of an answer, by the textbook thresholds."""
    return "promoter" if score in (9, 10) else "passive" if score in (7, 8) else "detractor"


def expected(row: int, response: Response, instrument: Instrument = INSTRUMENT) -> dict[str, Any]:
    """The record the kernel must give for *response*, from the library and by counting."""
    csi = respondent_csi(instrument, response)
    scored = [a for a in response.answers if a.score is not None]
    nps = next((a.score for a in response.answers if a.item == "nps"), None)
    return {
        "row": row,
        "status": OK,
        "respondent_id": response.respondent_id,
        "customer_id": response.customer_id,
        "on": response.on.isoformat(),
        "csi": None if csi is None else str(round_half_up(csi.numerator, csi.denominator, 2)),
        "answered": len(scored),
        "not_applicable": sum(a.na for a in response.answers),
        "missing": len(instrument.items) - len(response.answers),
        "nps_score": nps,
        "nps_category": None if nps is None else category(nps),
        "errors": None,
    }


def test_response_records_equal_the_library() -> None:
    """Every sample response: its own CSI (rounded half up to 0.01), counts and NPS group."""
    rows = list(response_records(RECORDS, INSTRUMENT, first_row=1))
    assert [expected(i + 1, r) for i, r in enumerate(RESPONSES)] == rows
    assert {"promoter", "passive", "detractor", None} == {r["nps_category"] for r in rows}
    assert any(r["not_applicable"] for r in rows)
    assert any(r["missing"] for r in rows)


def test_csi_is_the_satisfaction_history_score() -> None:
    """The CSI column is the score the tier review's satisfaction record gets."""
    rows = response_records(RECORDS[:40], INSTRUMENT)
    for row, response in zip(rows, RESPONSES, strict=False):
        record = satisfaction_record(INSTRUMENT, response)
        assert record is not None
        assert str(record.score) == row["csi"]


def test_csi_rounds_half_up() -> None:
    """A CSI of exactly x.xx5 rounds up (四舍五入), not to even."""
    instrument = Instrument(
        code="q",
        name=Label(zh="问卷", en="Survey"),
        dimensions=(DimensionDef.standard(Dimension.SERVICE),),
        items=tuple(
            Item(code=f"s{i}", text=Label(zh="题", en="item"), dimension="service")
            for i in range(8)
        ),
    )
    # Seven answers of 5 (100) and one of 4 (75) give 96.875 exactly.
    answers = [{"item": f"s{i}", "score": 5} for i in range(7)] + [{"item": "s7", "score": 4}]
    [row] = response_records(
        [{"respondent_id": "R", "on": "2026-11-01", "answers": answers}], instrument
    )
    assert ("96.88", None, None) == (row["csi"], row["nps_score"], row["nps_category"])


def test_a_response_without_ratings_has_no_csi() -> None:
    """Only the NPS item answered: no CSI, every rating missing."""
    [row] = response_records(
        [{"respondent_id": "R", "on": "2026-11-01", "answers": [{"item": "nps", "score": 6}]}],
        INSTRUMENT,
    )
    assert (None, 1, len(INSTRUMENT.items) - 1, 6, "detractor") == (
        row["csi"],
        row["answered"],
        row["missing"],
        row["nps_score"],
        row["nps_category"],
    )


def test_bad_responses_are_rejected_with_their_paths() -> None:
    """Load faults and instrument faults, located; the ids kept; good rows still out."""
    records: list[dict[str, Any]] = [
        {
            "respondent_id": "R-1",
            "customer_id": "C0001",
            "on": "2026-11-31",
            "answers": [{"item": "s1"}, {"item": "s2", "score": 3, "na": True}],
            "remarks": "x",
        },
        {
            "respondent_id": "R-2",
            "on": "2026-11-01",
            "answers": [
                {"item": "s1", "score": 6},
                {"item": "zz", "score": 1},
                {"item": "nps", "na": True},
                {"item": "s2", "score": 3, "expectation": 4},
            ],
        },
        {"respondent_id": 5, "on": "2026-11-01", "segments": "[{oops", "answers": "[{oops"},
        RECORDS[0],
    ]
    rows = list(response_records(records, INSTRUMENT))
    assert [REJECTED, REJECTED, REJECTED, OK] == [r["status"] for r in rows]
    assert [("R-1", "C0001"), ("R-2", None), (None, None)] == [
        (r["respondent_id"], r["customer_id"]) for r in rows[:3]
    ]
    # answers[0] has no score key: its fault is reported at the answer, which the input has.
    assert ["$.on", "$.answers[0]", "$.answers[1].score", "$.remarks"] == paths(rows[0])
    assert [
        "$.answers[0].score",
        "$.answers[1].item",
        "$.answers[2].na",
        "$.answers[3].expectation",
    ] == paths(rows[1])
    assert ["$.segments", "$.answers", "$.respondent_id"] == paths(rows[2])
    assert all(rows[0][c] is None for c in RESPONSE_SCHEMA.names[4:-1])


def test_engine_cells() -> None:
    """NaN is an absent optional cell, numpy text is text, lists may be JSON text or arrays."""
    record = dict(RECORDS[1])
    record["customer_id"] = float("nan")
    record["respondent_id"] = np.str_(record["respondent_id"])
    record["answers"] = json.dumps(record["answers"])
    record["segments"] = np.array(record["segments"], dtype=object)
    [row] = response_records([record], INSTRUMENT)
    response = structure(RECORDS[1] | {"customer_id": None}, Response)
    assert expected(0, response) == row


# --- the wide form ----------------------------------------------------------------------------

SEGMENT_KEYS = ("tier", "property_type", "customer_kind", "project")
HEADER = response_columns(INSTRUMENT, segments=SEGMENT_KEYS)


def wide_row(response: Response, na: str = "na") -> dict[str, str]:
    """*response* written as a spreadsheet row under HEADER (empty cells where skipped)."""
    row = dict.fromkeys(HEADER, "")
    row |= {"respondent_id": response.respondent_id, "on": response.on.isoformat()}
    row["customer_id"] = response.customer_id or ""
    for segment in response.segments:
        row[SEGMENT_PREFIX + segment.key] = segment.value
    for answer in response.answers:
        row[answer.item] = na if answer.na else str(answer.score)
        for part in ("importance", "expectation"):
            value = getattr(answer, part)
            if value is not None:
                row[f"{answer.item}.{part}"] = str(value)
    return row


def test_response_columns() -> None:
    """Fixed columns, segment columns, then each item with the parts it asks."""
    assert (
        "respondent_id",
        "customer_id",
        "on",
        "segment.tier",
        "segment.property_type",
        "segment.customer_kind",
        "segment.project",
        "s1",
        "s1.importance",
        "s1.expectation",
        "s2",
        "s2.importance",
    ) == HEADER[:12]
    assert ("overall", "nps") == HEADER[-2:]
    plain = response_columns(INSTRUMENT)
    assert HEADER[:3] + HEADER[7:] == plain
    asked = sum(i.importance + i.expectation for i in INSTRUMENT.items)
    assert 3 + len(INSTRUMENT.items) + asked == len(plain)


@pytest.mark.parametrize("na", [*sorted(NA_CELLS), "NA", " N/A "])
def test_wide_rows_read_back_as_the_same_responses(na: str) -> None:
    """Every sample response written wide reads back, through the converter, as itself."""
    for response in RESPONSES[:60]:
        record = response_from_row(wide_row(response, na), INSTRUMENT)
        assert response == structure(record, Response)
    wide = [response_from_row(wide_row(r, na), INSTRUMENT) for r in RESPONSES[:60]]
    assert list(response_records(RECORDS[:60], INSTRUMENT)) == list(
        response_records(wide, INSTRUMENT)
    )


def test_wide_cells_are_read_as_their_columns_say() -> None:
    """Numbers become integers; other text is passed on; empty and None cells are left out."""
    row: dict[str, str | None] = {
        "respondent_id": "W-1",
        "customer_id": None,
        "on": "2026-11-02",
        "segment.tier": "gold",
        "segment.project": "  ",
        "s1": " 4 ",
        "s1.expectation": "5",
        "s1.importance": "high",
        "s2.importance": "3",
        "s3": "4.5",
        "nps": "-1",
        "remarks": "call back",
        "zz.importance": "1",
    }
    assert {
        "respondent_id": "W-1",
        "on": "2026-11-02",
        "segments": [{"key": "tier", "value": "gold"}],
        "answers": [
            {"item": "s1", "score": 4, "expectation": 5, "importance": "high"},
            {"item": "s2", "importance": 3},
            {"item": "s3", "score": "4.5"},
            {"item": "nps", "score": -1},
        ],
        "remarks": "call back",
        "zz.importance": "1",
    } == response_from_row(row, INSTRUMENT)
    [rejected] = response_records([response_from_row(row, INSTRUMENT)], INSTRUMENT)
    assert [
        "$.answers[0].importance",
        "$.answers[1]",  # no score cell: the answer, which the row has
        "$.answers[2].score",
        "$.remarks",
        "$['zz.importance']",
    ] == paths(rejected)


def test_wide_form_never_loses_the_na_mark_to_a_score() -> None:
    """A not-applicable cell gives ``na`` and no score; the kernel counts it."""
    row = wide_row(RESPONSES[0]) | {"f4": "不适用", "f4.importance": ""}
    record = response_from_row(row, INSTRUMENT)
    assert {"item": "f4", "na": True} in record["answers"]
    [scored] = response_records([record], INSTRUMENT)
    assert scored["not_applicable"] == 1 + sum(a.na for a in RESPONSES[0].answers)


def test_response_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame variant reads the input columns present and gives the same records."""
    monkeypatch.setitem(sys.modules, "pandas", fake_pandas())
    records = [dict(r) for r in RECORDS[:5]]
    columns = ["respondent_id", "on", "answers"]
    frame = FakeFrame({c: [r[c] for r in records] for c in columns})
    result = response_frame(frame, INSTRUMENT, first_row=2)
    projected = [{c: r[c] for c in columns} for r in records]
    assert list(RESPONSE_SCHEMA.names) == result.columns
    assert list(response_records(projected, INSTRUMENT, first_row=2)) == result.rows()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependency):
        response_frame(frame, INSTRUMENT)


# --- properties -----------------------------------------------------------------------------

JUNK = st.dictionaries(
    st.sampled_from([*RESPONSE_INPUT, "other"]),
    st.one_of(
        st.none(),
        st.text(max_size=4),
        st.integers(),
        st.just("[{"),
        st.just(float("nan")),
        st.lists(
            st.fixed_dictionaries(
                {"item": st.sampled_from(["s1", "nps", "zz"])},
                optional={"score": st.integers(-2, 12), "na": st.booleans()},
            ),
            max_size=3,
        ),
    ),
)


@given(st.lists(st.one_of(st.sampled_from(RECORDS[:20]), JUNK), max_size=6))
def test_response_records_keep_every_row(records: list[dict[str, Any]]) -> None:
    """One record per input row, in order, ok or rejected, each with the schema's columns."""
    rows = list(response_records(records, INSTRUMENT))
    assert list(range(len(records))) == [r["row"] for r in rows]
    assert all(tuple(r) == RESPONSE_SCHEMA.names for r in rows)
    assert all((r["status"] == OK) == (r["errors"] is None) for r in rows)


@given(
    st.dictionaries(
        st.sampled_from([*HEADER[:12], "nps", "x.y", "segment."]),
        st.one_of(st.none(), st.sampled_from(["", "na", "3", "-1", "x", " 7 "])),
    )
)
def test_wide_rows_always_give_a_record(row: dict[str, str | None]) -> None:
    """Whatever the cells, the wide form gives a record the kernel judges without failing."""
    record = response_from_row(row, INSTRUMENT)
    [result] = response_records([record], INSTRUMENT)
    assert tuple(result) == RESPONSE_SCHEMA.names


def test_sample_segments_are_the_documented_ones() -> None:
    """The segment keys used above are those of the sample responses."""
    assert {s.key for r in RESPONSES for s in r.segments} == set(SEGMENT_KEYS)


def test_checked_responses_sets_bad_ones_aside() -> None:
    """Good responses come out as ``(row, response)``; a load or instrument fault is rejected."""
    survey = sample_survey()
    good = unstructure(survey.responses[0], unstructure_as=Response)
    records = [
        good,
        good | {"on": "someday"},
        good | {"answers": [{"item": "zz", "score": 3}]},
    ]
    out = list(checked_responses(records, survey.instrument, first_row=1))
    assert out[0] == (1, survey.responses[0])
    rejected = [r for r in out[1:] if isinstance(r, dict)]
    assert [(r["row"], r["status"], r["respondent_id"]) for r in rejected] == [
        (2, "rejected", good["respondent_id"]),
        (3, "rejected", good["respondent_id"]),
    ]
    assert [json.loads(r["errors"])[0]["path"] for r in rejected] == ["$.on", "$.answers[0].item"]
