"""Size limits on untrusted input: lists, strings, nesting and numbers, on both converter paths.

Every limit of :class:`~pmcrm.serialization.Limits` is checked on the fast
path (``load``, which falls back to the detailed path only to report) and on
the detailed path alone (``load_detailed``); a breach is a report entry with
the limit's code at the path of the offending value, never another exception.
"""

import sys
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm import serialization
from pmcrm.customers import Customer, Preferences, PropertyUnit
from pmcrm.errors import InvalidValue, ValidationError, ValidationReport
from pmcrm.serialization import _MAX_DEPTH_LIMIT, Limits, PmcrmConverter, make_converter
from pmcrm.surveys import DimensionDef, Instrument, Item, ItemRole, Scale
from pmcrm.surveys.scoring import _groups
from pmcrm.tiers.conditions import AnyOf, Condition, ConditionResult
from pmcrm.tiers.policy import Tier
from pmcrm.values import Label, Lang

Load = Callable[[PmcrmConverter, Any, Any], Any]

#: The tier-condition union, typed loosely (it is a protocol, which mypy will not load).
CONDITION: Any = Condition

#: ``load`` (the generated fast path, then the detailed path to report) and
#: ``load_detailed`` (cattrs only).
PATHS = [
    pytest.param(PmcrmConverter.load, id="load"),
    pytest.param(PmcrmConverter.load_detailed, id="load_detailed"),
]


def faults(load: Load, converter: PmcrmConverter, data: Any, cl: Any) -> list[tuple[str, str]]:
    """``(path, code)`` of every fault of loading *data*; ``[]`` when it loads."""
    try:
        load(converter, data, cl)
    except ValidationError as error:
        return list(zip(error.report.paths, error.report.codes, strict=True))
    return []


def report(load: Load, converter: PmcrmConverter, data: Any, cl: Any) -> ValidationReport:
    """The report of loading *data*, which must fail."""
    with pytest.raises(ValidationError) as info:
        load(converter, data, cl)
    return info.value.report


# --- the limits themselves ---------------------------------------------------------


def test_defaults() -> None:
    """10,000 items, 10,000 characters and 32 levels of nesting unless told otherwise."""
    assert (10_000, 10_000, 32) == attrs.astuple(Limits())
    assert 100 == _MAX_DEPTH_LIMIT


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_items": -1},
        {"max_string": -1},
        {"max_depth": -1},
        {"max_depth": _MAX_DEPTH_LIMIT + 1},
    ],
)
def test_limits_are_checked(kwargs: dict[str, int]) -> None:
    """Limits are counts; nesting deeper than 100 would near Python's recursion limit."""
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Limits(**kwargs)


@pytest.mark.parametrize("field", ["max_items", "max_string", "max_depth"])
@pytest.mark.parametrize("value", ["10", None, 1.5])
def test_a_limit_that_is_not_an_integer_is_refused_by_name(field: str, value: object) -> None:
    """Not a bare TypeError from comparing: the library's error, naming the field, zh and en."""
    with pytest.raises(InvalidValue) as error:
        Limits(**{field: value})  # type: ignore[arg-type]  # the point: not an int
    assert (error.value.field, error.value.code) == (field, "type")
    assert error.value.message_en.startswith(f"'{field}' must be int, got ")
    assert error.value.message_zh.startswith(f"'{field}' 应为 int，实际为 ")


# --- lists and strings, on both paths --------------------------------------------------


@pytest.mark.parametrize("load", PATHS)
def test_lists_and_strings_of_a_customer(load: Load) -> None:
    """Top-level and nested lists and strings, personal data included, at their paths."""
    converter = make_converter(limits=Limits(max_items=2, max_string=9))
    data = {
        "customer_id": "C" * 10,
        "name": "王" * 10,
        "roles": [{"kind": "visitor"}],
        "units": [{"code": "U" * 10, "property_type": "residential", "area": "1"}],
        "preferences": {"topics": ["a", "b" * 10]},
        "fees": [{"year": 2020 + i, "amount": {"amount": "1"}} for i in range(3)],
        "registered_at": "2020-05-01T09:30:00+08:00",
    }
    assert [
        ("$.customer_id", "max_length"),
        ("$.name", "max_length"),
        ("$.units[0].code", "max_length"),
        ("$.preferences.topics[1]", "max_length"),
        ("$.fees", "max_items"),
    ] == faults(load, converter, data, Customer)


@pytest.mark.parametrize("load", PATHS)
def test_limits_are_inclusive(load: Load) -> None:
    """A list or a string exactly at its limit loads."""
    converter = make_converter(limits=Limits(max_items=3, max_string=4))
    assert ("abcd", "e", "f") == load(
        converter, {"topics": ["abcd", "e", "f"]}, Preferences
    ).topics


@pytest.mark.parametrize("load", PATHS)
def test_a_top_level_sequence(load: Load) -> None:
    """A sequence asked for at the top is limited too (``$``)."""
    converter = make_converter(limits=Limits(max_items=1))
    unit = {"code": "A-1", "property_type": "office", "area": "12"}
    assert [("$", "max_items")] == faults(load, converter, [unit, unit], tuple[PropertyUnit, ...])


@pytest.mark.parametrize("load", PATHS)
def test_the_message_gives_the_limit(load: Load) -> None:
    """The report says which limit, in both languages, and never echoes the long text."""
    converter = make_converter(limits=Limits(max_string=3))
    entry = report(load, converter, {"topics": ["秘密秘密"]}, Preferences).entries[0]
    assert (
        "'topics[0]' must be at most 3 characters long: got 4",
        "'topics[0]' 长度不能超过 3：实际 4",
    ) == (entry.message_en, entry.message_zh)


# --- nesting ------------------------------------------------------------------------------


def any_of(depth: int) -> dict[str, Any]:
    """*depth* ``any_of`` conditions nested in one another around a leaf."""
    condition: dict[str, Any] = {"type": "designated"}
    for _ in range(depth):
        condition = {"type": "any_of", "conditions": [condition]}
    return condition


def path_at(depth: int) -> str:
    """The path of the condition nested *depth* levels below the top."""
    return "$" + ".conditions[0]" * depth


@pytest.mark.parametrize("load", PATHS)
def test_conditions_nest_up_to_the_limit(load: Load) -> None:
    """32 nested combinators load; the 33rd is refused where it is."""
    converter = make_converter()
    loaded = load(converter, any_of(32), Condition)
    assert isinstance(loaded, AnyOf)
    assert [(path_at(32), "max_depth")] == faults(load, converter, any_of(33), Condition)


@pytest.mark.parametrize("load", PATHS)
@pytest.mark.parametrize("depth", [100, 1_000, 10_000])
def test_deep_conditions_give_a_report_not_a_recursion_error(load: Load, depth: int) -> None:
    """However deep the input, loading stops at the limit with one located fault."""
    entries = report(load, make_converter(), any_of(depth), Condition).entries
    assert [(path_at(32), "max_depth")] == [(e.path, e.code) for e in entries]
    assert "'conditions[0]' is nested too deeply: at most 32 levels" == entries[0].message_en
    assert "'conditions[0]' 嵌套过深：最多 32 层" == entries[0].message_zh
    assert 0 == serialization._DEPTH.get()


@pytest.mark.parametrize("load", PATHS)
def test_nesting_inside_other_values(load: Load) -> None:
    """Only the conditions count, from wherever the tree starts."""
    converter = make_converter(limits=Limits(max_depth=2))
    tier = {"name": "gold", "label": {"zh": "金", "en": "Gold"}, "condition": any_of(2)}
    assert isinstance(load(converter, tier, Tier).condition, AnyOf)
    tier["condition"] = any_of(3)
    assert [("$.condition" + ".conditions[0]" * 2, "max_depth")] == faults(
        load, converter, tier, Tier
    )


@pytest.mark.parametrize("load", PATHS)
def test_every_kind_of_combinator_counts(load: Load) -> None:
    """all_of, any_of and any_n_of each count as a level; leaves do not."""
    converter = make_converter(limits=Limits(max_depth=3))
    leaf = {"type": "referrals", "count": 1, "window_months": 12}
    tree = {
        "type": "all_of",
        "conditions": [
            leaf,
            {"type": "any_n_of", "n": 1, "conditions": [{"type": "any_of", "conditions": [leaf]}]},
        ],
    }
    assert load(converter, tree, Condition).describe("en").startswith("all of")
    assert [("$", "max_depth")] == faults(
        load, make_converter(limits=Limits(max_depth=0)), tree, Condition
    )
    assert [("$.conditions[1].conditions[0]", "max_depth")] == faults(
        load, make_converter(limits=Limits(max_depth=2)), tree, Condition
    )


@pytest.mark.parametrize("load", PATHS)
def test_the_deepest_allowed_tree_works_everywhere(load: Load) -> None:
    """At the largest limit the objects still load, dump, compare and describe themselves."""
    converter = make_converter(limits=Limits(max_depth=_MAX_DEPTH_LIMIT))
    data = any_of(_MAX_DEPTH_LIMIT)
    loaded = load(converter, data, Condition)
    assert data == converter.dump(loaded, unstructure_as=Condition)
    assert loaded == load(converter, data, Condition)
    assert loaded.describe("zh").count("满足其一") == _MAX_DEPTH_LIMIT


@pytest.mark.parametrize("load", PATHS)
def test_condition_results_nest_too(load: Load) -> None:
    """An explanation tree is recursive directly, without a tagged union."""
    reason = {"code": "x", "zh": "是", "en": "yes", "figures": []}
    result: dict[str, Any] = {"passed": True, "reason": reason}
    for _ in range(4):
        result = {"passed": True, "reason": reason, "children": [result]}
    converter = make_converter(limits=Limits(max_depth=5))
    assert isinstance(load(converter, result, ConditionResult), ConditionResult)
    converter = make_converter(limits=Limits(max_depth=4))
    assert [("$" + ".children[0]" * 4, "max_depth")] == faults(
        load, converter, result, ConditionResult
    )


@attrs.frozen
class Box:
    """A self-containing class with a plain string, a list and an optional child."""

    name: str
    tags: tuple[str, ...] = ()
    inner: "Box | None" = None


@attrs.frozen
class Pair:
    """Two strings, so that the walk over the field types meets ``str`` twice."""

    first: str
    second: str


@attrs.frozen
class Flat:
    """A class the fast path compiles: strings and lists, two levels deep."""

    name: str
    tags: tuple[str, ...] = ()
    parts: tuple[Pair, ...] = ()


@attrs.frozen
class Holder:
    """A class that holds a self-containing one (without being one itself)."""

    box: Box


def test_the_fast_path_leaves_self_containing_classes_to_cattrs() -> None:
    """The generated code never recurses: a class that can hold itself goes the detailed way."""
    converter = make_converter()
    assert serialization._compile_structure(converter, Box) is None
    assert serialization._compile_structure(converter, Holder) is None
    assert serialization._compile_structure(converter, Flat) is not None
    assert (True, False, False) == tuple(map(converter._contains_itself, (Box, Holder, Flat)))


@pytest.mark.parametrize("load", PATHS)
def test_a_self_containing_class_of_ones_own(load: Load) -> None:
    """The depth limit holds for any attrs class that can contain itself."""
    converter = make_converter(limits=Limits(max_depth=3))
    assert Box("a", inner=Box("b", inner=Box("c"))) == load(
        converter, {"name": "a", "inner": {"name": "b", "inner": {"name": "c"}}}, Box
    )
    data = {"name": "a", "inner": {"name": "b", "inner": {"name": "c", "inner": {"name": "d"}}}}
    assert [("$.inner.inner.inner", "max_depth")] == faults(load, converter, data, Box)


def test_the_depth_is_restored_after_a_failure() -> None:
    """A refused load leaves no depth behind: the next load starts from the top."""
    converter = make_converter(limits=Limits(max_depth=2))
    with pytest.raises(ValidationError):
        converter.load(any_of(3), CONDITION)
    assert 0 == serialization._DEPTH.get()
    assert isinstance(converter.load(any_of(2), CONDITION), AnyOf)


def test_a_value_of_the_wrong_type_where_a_nested_object_goes() -> None:
    """Type faults are found before the depth is counted."""
    converter = make_converter(limits=Limits(max_depth=1))
    assert [("$.inner", "type")] == faults(
        PmcrmConverter.load_detailed, converter, {"name": "a", "inner": "b"}, Box
    )
    assert [("$", "type")] == faults(PmcrmConverter.load_detailed, converter, [], Box)


# --- numbers and odd values -----------------------------------------------------------------


@attrs.frozen
class Counter:
    """An integer without a validator of its own, so that only the converter bounds it."""

    start: date
    count: int


@pytest.mark.parametrize("load", PATHS)
@pytest.mark.parametrize(
    ("value", "code"),
    [
        (2**53 - 1, None),
        (-(2**53 - 1), None),
        (2**53, "le"),
        (-(2**53), "le"),
        (10**5000, "le"),
        (-(10**5000), "le"),
    ],
    ids=["max", "min", "over", "under", "huge", "-huge"],
)
def test_integers_are_bounded(load: Load, value: int, code: str | None) -> None:
    """Integers must be exact as a double (±(2**53 - 1)); huge ones are refused as cheaply."""
    data = {"start": "2020-01-01", "count": value}
    assert ([] if code is None else [("$.count", code)]) == faults(
        load, make_converter(), data, Counter
    )


@pytest.mark.parametrize("load", PATHS)
@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("999999999999999.999999", True),
        ("-999999999999999.999999", True),
        (999_999_999_999_999, True),
        ("1000000000000000", False),
        ("1.0000001", False),
        (10**15, False),
        (10**5000, False),
        ("9" * 10_000, False),
        ("1E+999999", False),
    ],
    ids=lambda v: repr(v)[:20] if not isinstance(v, int) else f"int{v.bit_length()}",
)
def test_decimals_are_bounded_by_digits(load: Load, value: Any, ok: bool) -> None:
    """At most 15 integer and 6 fractional digits, whatever the form."""
    data = {"code": "A-1", "property_type": "office", "area": value}
    got = faults(load, make_converter(), data, PropertyUnit)
    if ok:  # within the grammar; the unit's own rule (0 < area <= 1,000,000) may still refuse
        assert all(code != "decimal" for _, code in got)
    else:
        assert [("$.area", "decimal")] == got


def nested_list(depth: int) -> list[Any]:
    """A list nested *depth* levels deep."""
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("load", PATHS)
def test_deep_values_where_leaves_go(load: Load) -> None:
    """A deeply nested value where a string or a choice goes is a type or choice fault."""
    deep = nested_list(sys.getrecursionlimit() * 5)
    data = {"code": deep, "property_type": deep, "area": deep}
    entries = report(load, make_converter(), data, PropertyUnit).entries
    assert ["type", "choice", "decimal"] == [e.code for e in entries]
    assert entries[1].message_en.endswith(": [[[[...]]]]")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (10**5000, "<integer of 16610 bits>"),
        (2**1024 - 1, str(2**1024 - 1)[:39] + "…"),
        (2**1024, "<integer of 1025 bits>"),
        ([1, "a", {"b": [[[[2]]]]}], "[1, 'a', {'b': [[...]]}]"),
        ([10**5000], "[<integer of 16610 bits>]"),
        ((1, 2), "(1, 2)"),
        ({3}, "{3}"),
        (Decimal("1.50"), "1.50"),
        (timedelta(hours=2), "PT2H"),
        (Lang.ZH, "'zh'"),
        (["x" * 100] * 100, "['" + "x" * 17 + "..." + "x" * 17 + "…"),
    ],
    ids=[
        "huge",
        "1024-bit",
        "1025-bit",
        "nested",
        "huge-inside",
        "tuple",
        "set",
        "decimal",
        "duration",
        "enum",
        "long",
    ],
)
def test_echoed_values_are_bounded(value: Any, shown: str) -> None:
    """Messages echo at most 40 characters, found with bounded work."""
    assert shown == InvalidValue("x", "choice", value=value, choices="a").params["value"]


@pytest.mark.parametrize("load", PATHS)
def test_unknown_keys_are_each_reported(load: Load) -> None:
    """Keys are checked against the fields: every unknown key is a fault of its own."""
    data = {f"k{i}": i for i in range(50)}
    assert [(f"$.k{i}", "extra_key") for i in sorted(range(50), key=lambda i: repr(f"k{i}"))] == (
        faults(load, make_converter(), data, Preferences)
    )
    assert Preferences() == load(make_converter(forbid_extra_keys=False), data, Preferences)


# --- a property: over a limit, refused with its code at its path ------------------------------

LIMITS = st.builds(
    Limits,
    max_items=st.integers(0, 4),
    max_string=st.integers(0, 6),
    max_depth=st.integers(0, 4),
)
TEXT = st.text(alphabet="ab王", max_size=8)
TAGS = st.lists(TEXT, max_size=6)


def boxes(depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """JSON for :class:`Box`, up to six levels deep."""
    inner = st.just(None) if depth >= 6 else st.none() | boxes(depth + 1)
    return st.builds(
        lambda name, tags, child: {
            "name": name,
            "tags": tags,
            **({} if child is None else {"inner": child}),
        },
        TEXT,
        TAGS,
        inner,
    )


def expected_box(data: dict[str, Any], limits: Limits, path: str, depth: int) -> list[Any]:
    """The faults the limits alone find in Box JSON (depth: boxes enclosing this one)."""
    if depth >= limits.max_depth:
        return [(path, "max_depth")]
    found = expected_strings({"name": data["name"], "tags": data["tags"]}, limits, path)
    if "inner" in data:
        found += expected_box(data["inner"], limits, f"{path}.inner", depth + 1)
    return found


def expected_strings(data: dict[str, Any], limits: Limits, path: str) -> list[Any]:
    """The faults of a ``name`` and a ``tags`` list."""
    found = []
    if len(data["name"]) > limits.max_string:
        found.append((f"{path}.name", "max_length"))
    if len(data["tags"]) > limits.max_items:
        found.append((f"{path}.tags", "max_items"))
    else:
        found += [
            (f"{path}.tags[{i}]", "max_length")
            for i, tag in enumerate(data["tags"])
            if len(tag) > limits.max_string
        ]
    return found


@given(limits=LIMITS, data=boxes())
def test_any_breach_is_refused_with_its_code_at_its_path(
    limits: Limits, data: dict[str, Any]
) -> None:
    """Both paths find exactly the breaches a plain reading of the limits finds."""
    converter = make_converter(limits=limits)
    expected = expected_box(data, limits, "$", 0)
    for load in (PmcrmConverter.load, PmcrmConverter.load_detailed):
        assert expected == faults(load, converter, data, Box)


def fast_refuses(cl: type[Any], converter: PmcrmConverter, data: Any) -> bool:
    """Whether the generated code of *cl* alone refuses *data*."""
    fast = serialization._compile_structure(converter, cl)
    assert fast is not None
    try:
        fast(data)
    except Exception:  # noqa: BLE001 - any refusal of the fast path
        return True
    return False


@given(limits=LIMITS, name=TEXT, tags=TAGS)
def test_the_fast_path_refuses_every_breach_by_itself(
    limits: Limits, name: str, tags: list[str]
) -> None:
    """The generated code alone accepts an input only when no limit is broken."""
    converter = make_converter(limits=limits)
    pair = {"first": name, "second": name}
    data = {"name": name, "tags": tags, "parts": [pair] * len(tags)}
    expected = expected_strings(data, limits, "$")
    if len(tags) > limits.max_items:
        expected.append(("$.parts", "max_items"))
    elif len(name) > limits.max_string:
        expected += [
            (f"$.parts[{i}].{key}", "max_length") for i in range(len(tags)) for key in pair
        ]
    assert bool(expected) == fast_refuses(Flat, converter, data)
    assert expected == faults(PmcrmConverter.load, converter, data, Flat)


# --- linear cost ------------------------------------------------------------------------------


@given(st.lists(st.integers(0, 9), min_size=1, max_size=30), st.integers(1, 6))
def test_survey_groups_in_one_pass(draws: list[int], count: int) -> None:
    """The one-pass grouping of items by dimension equals asking each dimension in turn."""
    used = sorted({d % count for d in draws})
    dimensions = tuple(DimensionDef(code=f"d{j}", label=Label(zh="维", en="d")) for j in used)
    items = (
        *(
            Item(code=f"i{k}", text=Label(zh="题", en="i"), dimension=f"d{d % count}")
            for k, d in enumerate(draws)
        ),
        Item(
            code="nps", text=Label(zh="推荐", en="nps"), role=ItemRole.NPS, scale=Scale.ZERO_TO_TEN
        ),
    )
    instrument = Instrument(
        code="q", name=Label(zh="问卷", en="q"), dimensions=dimensions, items=items
    )
    position = {item.code: at for at, item in enumerate(items)}
    assert [
        (d.code, [position[i.code] for i in instrument.ratings(d.code)]) for d in dimensions
    ] == _groups(instrument, position)
