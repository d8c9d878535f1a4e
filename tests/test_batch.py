"""The batch machinery (``pmcrm.batch._core``) and the tier-review kernel.

pandas is not a test dependency: the ``*_frame`` functions run here on
:class:`FakePandas`, a stand-in with just the parts of ``DataFrame`` and
``Series`` they use (the other kernels' tests import it from here); the
real thing runs in ``tests/test_batch_dask.py``.
"""

import enum
import json
import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, overload

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.batch import (
    COLUMN_TYPES,
    ERRORS_COLUMN,
    OK,
    REJECTED,
    REVIEW_INPUT,
    REVIEW_SCHEMA,
    ROW_COLUMNS,
    Column,
    from_engine,
    from_flat,
    make_schema,
    plain,
    records_of,
    report_of,
    review_frame,
    review_records,
    to_frame,
)
from pmcrm.batch._core import (
    _column,
    accepted,
    converter_or_default,
    entries_of,
    errors_json,
    guarded,
    key_of,
    load,
    rejected,
)
from pmcrm.benefits import ComplimentaryService, Term
from pmcrm.complaints import Metric
from pmcrm.customers import Customer, PropertyUnit, YearlyFee
from pmcrm.errors import (
    InvalidValue,
    MissingDependency,
    PmcrmError,
    ReportEntry,
    TransitionNotAllowed,
    ValidationError,
    ValidationReport,
)
from pmcrm.sample import sample_config, sample_members, sample_portfolio, sample_tier_policy
from pmcrm.serialization import default_converter, make_converter, structure, unstructure
from pmcrm.tiers import MemberRecord, review
from pmcrm.values import Label

ON = sample_config().as_of

# --- a stand-in for pandas --------------------------------------------------------------


class FakeSeries:
    """A column: its values and dtype."""

    def __init__(self, data: Sequence[Any], dtype: Any = None) -> None:
        self.values = list(data)
        self.dtype = dtype

    def tolist(self) -> list[Any]:
        """The values as a list."""
        return list(self.values)


class FakeFrame:
    """A table with the parts of ``pandas.DataFrame`` the kernels use."""

    def __init__(self, data: Mapping[str, Any], columns: Sequence[str] | None = None) -> None:
        self.columns = list(data if columns is None else columns)
        self.data = {
            c: list(data[c].values if isinstance(data[c], FakeSeries) else data[c])
            for c in self.columns
        }
        self.dtypes = {c: getattr(data[c], "dtype", None) for c in self.columns}

    @overload
    def __getitem__(self, names: str) -> FakeSeries: ...

    @overload
    def __getitem__(self, names: list[str]) -> "FakeFrame": ...

    def __getitem__(self, names: str | list[str]) -> "FakeFrame | FakeSeries":
        if isinstance(names, str):
            return FakeSeries(self.data[names])
        return FakeFrame({n: self.data[n] for n in names}, columns=names)

    def itertuples(self, *, index: bool = True, name: str | None = "Pandas") -> Iterator[Any]:
        """The rows as tuples, as the kernels read them."""
        assert (index, name) == (False, None)
        return zip(*(self.data[c] for c in self.columns), strict=True)

    def rows(self) -> list[dict[str, Any]]:
        """The rows as dicts (for the tests' comparisons)."""
        return [
            dict(zip(self.columns, values, strict=True))
            for values in self.itertuples(index=False, name=None)
        ]


def fake_pandas() -> types.ModuleType:
    """A module named ``pandas`` with :class:`FakeFrame` and :class:`FakeSeries`."""
    module = types.ModuleType("pandas")
    module.DataFrame = FakeFrame  # type: ignore[attr-defined]
    module.Series = FakeSeries  # type: ignore[attr-defined]
    return module


@pytest.fixture
def pandas(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """The fake pandas, importable as ``pandas`` for the test."""
    module = fake_pandas()
    monkeypatch.setitem(sys.modules, "pandas", module)
    return module


@pytest.fixture
def no_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """``import pandas`` fails for the test, whatever is installed."""
    monkeypatch.setitem(sys.modules, "pandas", None)


# --- schemas ------------------------------------------------------------------------------


def test_make_schema_frames_the_columns() -> None:
    """``row`` and ``status`` first, ``errors`` last; ``empty`` fills every column with None."""
    schema = make_schema(_column("x", "integer", "甲", "x"))
    assert ("row", "status", "x", "errors") == schema.names
    assert (*ROW_COLUMNS, schema.columns[2], ERRORS_COLUMN) == schema.columns
    assert {"row": 7, "status": None, "x": None, "errors": None} == schema.empty(7)


def test_column_headings_and_lookup() -> None:
    """A column's heading is its title in a language, or its name; a schema finds a column."""
    schema = make_schema(_column("x", "integer", "甲", "x", title=("甲列", "the x")))
    assert ("甲列", "the x") == (schema.column("x").heading("zh"), schema.column("x").heading())
    assert "status" == schema.column("status").heading("zh")
    with pytest.raises(KeyError):
        schema.column("y")


def test_column_type_must_be_known() -> None:
    """A column's type is one of COLUMN_TYPES."""
    assert "decimal" in COLUMN_TYPES
    with pytest.raises(ValueError, match="type"):
        Column(name="x", type="float", doc=Label(zh="x", en="x"))


def test_every_schema_column_type_is_known() -> None:
    """The published schemas use only the documented logical types."""
    assert {c.type for c in REVIEW_SCHEMA.columns} <= set(COLUMN_TYPES)


# --- errors ---------------------------------------------------------------------------------

ENTRY = ReportEntry(path="$.a[0]", code="missing", message_zh="缺少", message_en="missing")


def test_entries_of_validation_error_keeps_or_relocates_paths() -> None:
    """A report's paths stay as they are under ``$``, and move under another path."""
    error = ValidationError(ValidationReport((ENTRY,)), "X")
    assert (ENTRY,) == entries_of(error)
    assert ("$.col.a[0]",) == tuple(e.path for e in entries_of(error, "$.col"))


def test_entries_of_invalid_value_appends_its_subpath() -> None:
    """An InvalidValue is located at the path plus its subpath, with both messages."""
    error = InvalidValue("until", "order", value="2025-01-01", other="since", subpath="[1].until")
    [entry] = entries_of(error, "$.spells")
    assert ("$.spells[1].until", "order") == (entry.path, entry.code)
    assert (error.message_zh, error.message_en) == (entry.message_zh, entry.message_en)
    [bare] = entries_of(InvalidValue("x", "empty"))
    assert "$" == bare.path


def test_entries_of_other_errors_use_their_messages() -> None:
    """Another pmcrm error gives one ``invalid`` entry; zh falls back to English."""
    refused = TransitionNotAllowed("C-1", "archived", "reopened", (), index=3)
    [entry] = entries_of(refused, "$.event")
    assert ("$.event", "invalid", str(refused), refused.message_zh) == (
        entry.path,
        entry.code,
        entry.message_en,
        entry.message_zh,
    )
    [plain_entry] = entries_of(PmcrmError("boom"))
    assert ("$", "boom", "boom") == (
        plain_entry.path,
        plain_entry.message_zh,
        plain_entry.message_en,
    )


def test_report_of_reads_back_errors_json() -> None:
    """``report_of(errors_json(entries))`` is the report of those entries."""
    entries = (ENTRY, attrs.evolve(ENTRY, path="$.b", message_zh="错误“引号”"))
    assert ValidationReport(entries) == report_of(errors_json(entries))
    assert "错误“引号”" in errors_json(entries)  # ensure_ascii off: readable Chinese


def test_rejected_and_accepted_records() -> None:
    """Rejected rows carry their keys and errors; accepted rows their values and no errors."""
    schema = make_schema(_column("k", "string", "键", "key"), _column("v", "integer", "值", "v"))
    assert {"row": 3, "status": REJECTED, "k": "K", "v": None, "errors": errors_json([ENTRY])} == (
        rejected(schema, 3, [ENTRY], k="K")
    )
    assert {"row": 4, "status": OK, "k": None, "v": 5, "errors": None} == accepted(
        schema, 4, {"v": 5}
    )


def test_accepted_refuses_unknown_columns_as_a_bug() -> None:
    """An unknown column is a kernel bug: a ValueError that ``guarded`` does not swallow."""
    schema = make_schema()
    with pytest.raises(ValueError, match=r"columns not in the schema: \['x'\]"):
        accepted(schema, 0, {"x": 1})
    with pytest.raises(ValueError, match="columns not in the schema"):
        guarded(schema, 0, {}, lambda: [accepted(schema, 0, {"x": 1})])
    assert not issubclass(ValueError, PmcrmError)


def test_guarded_rejects_on_pmcrm_errors_only() -> None:
    """A pmcrm error becomes one rejected record with the keys; results are collected first."""
    schema = make_schema(_column("k", "string", "键", "key"))

    def compute() -> Iterator[dict[str, Any]]:
        yield accepted(schema, 1, {"k": "a"})
        raise InvalidValue("k", "empty")

    [record] = guarded(schema, 1, {"k": "K"}, compute)
    assert (REJECTED, "K") == (record["status"], record["k"])
    assert [
        {"path": "$", "code": "empty", "zh": "'k' 不能为空", "en": "'k' must not be empty"}
    ] == (json.loads(record["errors"]))
    assert [accepted(schema, 1, {"k": "a"})] == guarded(
        schema, 1, {}, lambda: [accepted(schema, 1, {"k": "a"})]
    )


# --- plain values ---------------------------------------------------------------------------


class _Colour(enum.Enum):
    """A plain enumeration (not a LabelledEnum)."""

    RED = "red"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (3, 3),
        ("x", "x"),
        (Decimal("1.50"), "1.50"),
        (Decimal("1E+3"), "1000"),
        (date(2026, 1, 2), "2026-01-02"),
        (datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "2026-01-02T03:04:00+00:00"),
        (timedelta(hours=-1), "-PT1H"),
        (Metric.RESOLUTION, "resolution"),
        (_Colour.RED, "red"),
    ],
)
def test_plain(value: Any, expected: Any) -> None:
    """Every result value type has one JSON-ready form."""
    assert expected == plain(value)


class _Text(str):
    """A subclass of ``str`` (as numpy's ``str_`` is)."""


class _Amount(Decimal):
    """A subclass of ``Decimal``."""


class _Day(date):
    """A subclass of ``date``."""


class _Span(timedelta):
    """A subclass of ``timedelta``."""


def test_plain_reads_subclasses_as_their_base() -> None:
    """Values of subclasses take the same form as their base type's."""
    assert plain(_Text("x")) == "x"
    assert plain(_Amount("1.50")) == "1.50"
    assert plain(_Day(2026, 11, 23)) == "2026-11-23"
    assert plain(_Span(minutes=90)) == "PT1H30M"


def test_plain_refuses_other_values_as_a_bug() -> None:
    """A value with no plain form is a TypeError (a kernel bug), not a rejected row."""
    with pytest.raises(TypeError, match="Fraction is not a plain result value"):
        plain(Fraction(1, 3))


# --- values from data engines ---------------------------------------------------------------


def test_from_engine_turns_numpy_values_into_python_ones() -> None:
    """Arrays become lists and numpy scalars Python values, recursively."""
    value = {"a": np.array([1, 2]), "b": np.int64(3), "c": (np.bool_(True), [np.float64(1.5)])}
    got = from_engine(value)
    assert {"a": [1, 2], "b": 3, "c": [True, [1.5]]} == got
    assert type(got["b"]) is int
    assert [[1, 2], [3, 4]] == from_engine(np.array([[1, 2], [3, 4]]))
    assert [{"x": [1]}] == from_engine(np.array([{"x": np.array([1])}], dtype=object))


def test_from_engine_turns_nan_into_none() -> None:
    """A float NaN (Python or numpy, any width) is a missing cell."""
    assert from_engine(float("nan")) is None
    assert from_engine(np.float64("nan")) is None
    assert from_engine(np.float32("nan")) is None
    assert [None, 1.0] == from_engine(np.array([np.nan, 1.0]))


def test_from_engine_parses_json_text_only() -> None:
    """Text that starts with ``{`` or ``[`` (after blanks) is JSON; other text stays text."""
    assert {"a": [1]} == from_engine(' {"a": [1]}')
    assert [1, "x"] == from_engine('[1, "x"]')
    assert "plain (text)" == from_engine("plain (text)")
    assert str is type(from_engine(np.str_("numpy text")))
    assert "" == from_engine("")
    assert b"[" == from_engine(b"[")
    with pytest.raises(json.JSONDecodeError):
        from_engine("{not json")


# --- flat rows --------------------------------------------------------------------------


def test_from_flat_nests_dotted_columns_and_lists() -> None:
    """Dotted headers nest; dense indices make lists, in index order, also when nested."""
    row = {
        "customer_id": "C-1",
        "units.1.code": "B-2",
        "units.1.area": "80.5",
        "units.0.code": "A-1",
        "units.0.area": "100",
        "roles.0.kind": "owner",
        "contact.wechat": "True",
        "fees.0.year": " 2025 ",
        "fees.0.amount.amount": "9252.00",
        "tags": "",
        "birth_date": None,
    }
    assert {
        "customer_id": "C-1",
        "units": [{"code": "A-1", "area": "100"}, {"code": "B-2", "area": "80.5"}],
        "roles": [{"kind": "owner"}],
        "contact": {"wechat": True},
        "fees": [{"year": 2025, "amount": {"amount": "9252.00"}}],
    } == from_flat(row, Customer)


def test_from_flat_reads_optional_ints_and_bools() -> None:
    """``int | None`` and ``bool | None`` cells are read too; other unions stay text."""
    shape = {"term": Term, "flag": bool | None, "either": int | str | None, "n": int | None}
    row = {"term.kind": "rolling_months", "term.months": "-3", "flag": "FALSE"}
    row |= {"either": "5", "n": "7", "unknown.deep": "1"}
    assert {
        "term": {"kind": "rolling_months", "months": -3},
        "flag": False,
        "either": "5",
        "n": 7,
        "unknown": {"deep": "1"},
    } == from_flat(row, shape)


def test_from_flat_types_through_optional_objects() -> None:
    """Inside ``X | None`` cells are typed as in X; inside a wider union they stay text."""
    shape = {"fee": YearlyFee | None, "either": YearlyFee | Term | None}
    assert {"fee": {"year": 2025}, "either": {"year": "2025"}} == from_flat(
        {"fee.year": "2025", "either.year": "2025"}, shape
    )


def test_from_flat_leaves_bad_cells_for_the_converter_to_locate() -> None:
    """A cell that is not what its field needs stays text and is reported at its path."""
    row = {
        "code": "cleaning",
        "service.zh": "保洁",
        "service.en": "cleaning",
        "units": "1.5",
        "term.kind": "calendar_year",
        "term.months": "twelve",
    }
    data = from_flat(row, ComplimentaryService)
    assert "1.5" == data["units"]
    with pytest.raises(ValidationError) as info:
        structure(data, ComplimentaryService)
    assert ["$.units", "$.term.months"] == [e.path for e in info.value.report]


def test_from_flat_keeps_sparse_indices_as_keys() -> None:
    """Indices with a gap are not a list: the converter reports the object where a list goes."""
    data = from_flat({"units.0.code": "A", "units.2.code": "C"}, Customer)
    assert {"units": {"0": {"code": "A"}, "2": {"code": "C"}}} == data
    with pytest.raises(ValidationError) as info:
        structure(data | {"customer_id": "C"}, Customer)
    assert "$.units" in {e.path for e in info.value.report}


def test_from_flat_types_inside_tuples_without_items() -> None:
    """An empty tuple type, or a heterogeneous index, types nothing: cells stay text."""
    assert {"a": ["1"]} == from_flat({"a.0": "1"}, {"a": tuple[()]})
    assert {"b": {"x": "1"}} == from_flat({"b.x": "1"}, {"b": tuple[int, ...]})


def test_from_flat_of_only_indices_is_empty() -> None:
    """A row of bare indices is no record: nothing comes out."""
    assert {} == from_flat({"0": "a", "1": "b"}, {})


@pytest.mark.parametrize(
    "headers",
    [("amount", "amount.amount"), ("a.b.c", "x", "a.b"), ("a.b.c", "a")],
)
def test_from_flat_refuses_a_header_that_starts_another(headers: tuple[str, ...]) -> None:
    """A column cannot be both a value and an object, whatever the cells hold."""
    with pytest.raises(PmcrmError, match="cannot hold a value"):
        from_flat(dict.fromkeys(headers, ""), YearlyFee)


# --- loading columns ----------------------------------------------------------------------

CONV = default_converter()


@pytest.mark.parametrize(
    "cell", [None, float("nan"), np.float64("nan")], ids=["none", "nan", "numpy-nan"]
)
def test_load_reports_missing_cells(cell: Any) -> None:
    """Absent, null and NaN cells are all missing, at the column's path."""
    for record in ({}, {"on": cell}):
        assert [
            ReportEntry(
                path="$.on",
                code="missing",
                message_zh="缺少必填字段“on”",
                message_en="required field 'on' is missing",
            )
        ] == load(CONV, record, "on", date)


def test_load_names_the_column_in_its_messages() -> None:
    """A fault of the whole column is worded with its name; deeper faults keep theirs."""
    [entry] = load(CONV, {"on": "2026-13-01"}, "on", date)  # type: ignore[misc]
    assert ("$.on", "format") == (entry.path, entry.code)
    assert "'on' is not a valid date" in entry.message_en
    assert "'on' 不是有效的" in entry.message_zh
    [deep] = load(
        CONV, {"u": {"code": "A", "property_type": "house", "area": 1}}, "u", PropertyUnit
    )  # type: ignore[misc]
    assert "$.u.property_type" == deep.path
    assert deep.message_en.startswith("'property_type'")


def test_load_reads_json_text_and_reports_bad_json() -> None:
    """A nested value may be JSON text; broken JSON is a ``format`` fault at the column."""
    unit = load(
        CONV, {"u": '{"code": "A", "property_type": "residential", "area": 1}'}, "u", PropertyUnit
    )
    assert isinstance(unit, PropertyUnit)
    [entry] = load(CONV, {"u": "{oops"}, "u", PropertyUnit)  # type: ignore[misc]
    assert ("$.u", "format") == (entry.path, entry.code)
    assert "line 1 column 2" in entry.message_en


def test_converter_or_default() -> None:
    """No converter: the process's default; a converter: that one."""
    mine = make_converter()
    assert default_converter() is converter_or_default(None)
    assert mine is converter_or_default(mine)


@pytest.mark.parametrize(
    ("record", "path", "expected"),
    [
        ({"customer": {"customer_id": "C-1"}}, ("customer", "customer_id"), "C-1"),
        ({"customer": '{"customer_id": "C-2"}'}, ("customer", "customer_id"), "C-2"),
        ({"customer": "{oops"}, ("customer", "customer_id"), None),
        ({"customer": {"customer_id": 5}}, ("customer", "customer_id"), None),
        ({"customer": ["C-1"]}, ("customer", "customer_id"), None),
        ({}, ("customer", "customer_id"), None),
        ({"customer_id": "C-3"}, ("customer_id",), "C-3"),
    ],
)
def test_key_of(record: dict[str, Any], path: tuple[str, ...], expected: str | None) -> None:
    """The text at a path of a raw record, through JSON text; else None."""
    assert expected == key_of(record, *path)


# --- frames ---------------------------------------------------------------------------------


def test_records_of_reads_rows_and_projects(pandas: types.ModuleType) -> None:
    """Rows as dicts, all columns or only those asked for, in the order asked."""
    frame = pandas.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [None, None]})
    assert [{"a": 1, "b": "x", "c": None}, {"a": 2, "b": "y", "c": None}] == list(
        records_of(frame)
    )
    assert [{"b": "x", "a": 1}, {"b": "y", "a": 2}] == list(records_of(frame, ["b", "a"]))


def test_to_frame_has_the_schema_columns_as_objects(pandas: types.ModuleType) -> None:
    """Every schema column, in order, of object dtype, also for no records."""
    schema = make_schema(_column("k", "string", "键", "key"))
    frame = to_frame([accepted(schema, 0, {"k": "a"})], schema)
    assert list(schema.names) == frame.columns
    assert {object} == set(frame.dtypes.values())
    assert [accepted(schema, 0, {"k": "a"})] == frame.rows()
    empty = to_frame([], schema)
    assert (list(schema.names), []) == (empty.columns, empty.rows())


def test_to_frame_needs_pandas(no_pandas: None) -> None:
    """Without pandas, a frame function says what to install."""
    with pytest.raises(MissingDependency, match=r"pmcrm\[dask\]"):
        to_frame([], REVIEW_SCHEMA)


# --- the tier-review kernel -----------------------------------------------------------------

POLICY = sample_tier_policy()


def review_input(count: int = 20) -> list[dict[str, Any]]:
    """The first *count* sample customers and their member records, as plain records."""
    return [
        {"customer": unstructure(c), "member": unstructure(m)}
        for c, m in zip(sample_portfolio()[:count], sample_members()[:count], strict=True)
    ]


def test_review_records_equal_review() -> None:
    """Each ok record holds exactly what ``review`` decides for its pair."""
    rows = list(review_records(review_input(), POLICY, ON, first_row=10))
    assert list(range(10, 30)) == [r["row"] for r in rows]
    for r, customer, member in zip(rows, sample_portfolio(), sample_members(), strict=False):
        outcome = review(customer, member, POLICY, ON)
        notice = outcome.notice
        assert {
            "row": r["row"],
            "status": OK,
            "customer_id": outcome.customer_id,
            "on": ON.isoformat(),
            "action": outcome.action.value,
            "from_tier": outcome.from_tier,
            "to_tier": outcome.to_tier,
            "notice_issued_on": None if notice is None else notice.issued_on.isoformat(),
            "notice_effective_on": None if notice is None else notice.effective_on.isoformat(),
            "reasons_zh": "\n".join(x.text("zh") for x in outcome.reasons),
            "reasons_en": "\n".join(x.text("en") for x in outcome.reasons),
            "member": json.dumps(unstructure(outcome.record), ensure_ascii=False),
            "errors": None,
        } == r
        assert outcome.record == structure(json.loads(r["member"]), MemberRecord)


def test_review_records_reject_bad_rows_and_go_on() -> None:
    """Faults of both columns, located; the customer id when readable; good rows still out."""
    records = review_input(3)
    records[1]["customer"]["units"][0]["area"] = -3
    records[1]["member"] = json.dumps({"tier": "gold"})
    records[2]["customer"] = "{oops"
    rows = list(review_records(records, POLICY, ON))
    assert [OK, REJECTED, REJECTED] == [r["status"] for r in rows]
    assert ["C0002", None] == [r["customer_id"] for r in rows[1:]]
    paths = [e["path"] for e in json.loads(rows[1]["errors"])]
    assert ["$.customer.units[0].area", "$.member.customer_id", "$.member.since"] == paths
    assert ["$.customer"] == [e["path"] for e in json.loads(rows[2]["errors"])]
    assert all(rows[1][c] is None for c in REVIEW_SCHEMA.names[3:-1])


def test_review_records_reject_a_record_of_another_customer() -> None:
    """``review`` refusing a pair (the member record is another's) rejects that row only."""
    customers = [unstructure(c) for c in sample_portfolio()[:2]]
    members = [unstructure(m) for m in sample_members()[:2]]
    records = [{"customer": customers[0], "member": members[1]}]
    records.append({"customer": customers[1], "member": members[1]})
    rows = list(review_records(records, POLICY, ON))
    assert [(REJECTED, "C0001"), (OK, "C0002")] == [(r["status"], r["customer_id"]) for r in rows]
    [entry] = json.loads(rows[0]["errors"])
    assert ("$", "reference") == (entry["path"], entry["code"])
    assert "another customer" in entry["en"]


def test_review_input_is_the_member_and_the_customer() -> None:
    """The input columns, which are also a shape for ``from_flat``."""
    assert ["customer", "member"] == list(REVIEW_INPUT)
    assert {"member": {"since": "2026-01-01"}} == from_flat(
        {"member.since": "2026-01-01"}, REVIEW_INPUT
    )


def test_review_frame(pandas: types.ModuleType) -> None:
    """The frame variant reads only the input columns and gives the same records."""
    records = review_input(4)
    frame = pandas.DataFrame(
        {
            "customer": [json.dumps(r["customer"]) for r in records],
            "member": [r["member"] for r in records],
            "__null_dask_index__": [0, 1, 2, 3],
        }
    )
    result = review_frame(frame, POLICY, ON, first_row=5)
    assert list(REVIEW_SCHEMA.names) == result.columns
    assert list(review_records(records, POLICY, ON, first_row=5)) == result.rows()


def test_review_frame_takes_rows_from_a_column(pandas: types.ModuleType) -> None:
    """With ``row_column``, each result's ``row`` is the input's id, not its position."""
    records = review_input(3)
    frame = pandas.DataFrame(
        {
            "customer": [r["customer"] for r in records],
            "member": [r["member"] for r in records],
            "row_id": [70, 71, 72],
        }
    )
    result = review_frame(frame, POLICY, ON, first_row=5, row_column="row_id")
    expected = list(review_records(records, POLICY, ON))
    assert [r | {"row": 70 + r["row"]} for r in expected] == result.rows()


class NAType:
    """A stand-in for ``pandas.NA``'s type (tested by module and name, not imported)."""


NAType.__module__ = "pandas._libs.missing"


def test_pandas_missing_values_are_none() -> None:
    """``pandas.NA`` (by its type's name and module) is a missing cell; other objects are not."""
    assert from_engine(NAType()) is None
    assert from_engine({"a": [NAType(), float("nan")]}) == {"a": [None, None]}
    other = object()
    assert from_engine(other) is other


def test_review_frame_needs_pandas(no_pandas: None) -> None:
    """Without pandas the frame variant fails with MissingDependency, before any work."""
    frame = FakeFrame({"customer": [], "member": []})
    with pytest.raises(MissingDependency):
        review_frame(frame, POLICY, ON)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(review_input(5)),
            st.fixed_dictionaries(
                {},
                optional={
                    "customer": st.one_of(st.none(), st.text(max_size=3), st.just("{")),
                    "member": st.one_of(
                        st.none(), st.just({"customer_id": "C0001"}), st.integers()
                    ),
                },
            ),
        ),
        max_size=6,
    )
)
def test_review_records_keep_every_row(records: list[dict[str, Any]]) -> None:
    """One record per input row, in order, each with exactly the schema's columns."""
    rows = list(review_records(records, POLICY, ON))
    assert list(range(len(records))) == [r["row"] for r in rows]
    assert all(tuple(r) == REVIEW_SCHEMA.names for r in rows)
    assert all((r["status"] == OK) == (r["errors"] is None) for r in rows)
