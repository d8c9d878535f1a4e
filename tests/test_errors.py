"""Tests of :mod:`pmcrm.errors`: codes, messages in zh and en, reports."""

from datetime import date
from decimal import Decimal

import pytest

from pmcrm.errors import (
    ERROR_CODES,
    CalendarCoverageError,
    CurrencyMismatch,
    InvalidValue,
    PmcrmError,
    ReportEntry,
    ValidationError,
    ValidationReport,
)

#: One example per error code: (code, value, params, English, Chinese).
MESSAGES = [
    (
        "type",
        "x",
        {"expected": "an integer", "got": "string"},
        "'area' must be an integer, got string",
        "'area' 应为 an integer，实际为 string",
    ),
    ("missing", None, {}, "required field 'area' is missing", "缺少必填字段 'area'"),
    (
        "extra_key",
        None,
        {},
        "unknown field 'area' (extra keys are not accepted)",
        "未知字段 'area'（不接受额外字段）",
    ),
    ("ge", -3, {"bound": 0}, "'area' must be >= 0: -3", "'area' 必须 >= 0：-3"),
    ("gt", 0, {"bound": 0}, "'area' must be > 0: 0", "'area' 必须 > 0：0"),
    ("le", 7, {"bound": 5}, "'area' must be <= 5: 7", "'area' 必须 <= 5：7"),
    ("lt", 7, {"bound": 5}, "'area' must be < 5: 7", "'area' 必须 < 5：7"),
    (
        "max_length",
        "abc",
        {"bound": 2, "length": 3},
        "'area' must be at most 2 characters long: got 3",
        "'area' 长度不能超过 2：实际 3",
    ),
    (
        "max_items",
        None,
        {"bound": 2, "length": 3},
        "'area' must have at most 2 items: got 3",
        "'area' 最多 2 项：实际 3",
    ),
    (
        "min_items",
        None,
        {"bound": 1, "length": 0},
        "'area' must have at least 1 items: got 0",
        "'area' 至少需要 1 项：实际 0",
    ),
    ("empty", " ", {}, "'area' must not be empty", "'area' 不能为空"),
    (
        "format",
        "2020-02-30",
        {"what": "date", "what_zh": "日期"},
        "'area' is not a valid date: '2020-02-30'",
        "'area' 不是有效的日期：'2020-02-30'",
    ),
    (
        "decimal",
        "1E+5",
        {},
        "'area' is not a valid decimal (a string or an integer with at most "
        "15 integer and 6 fractional digits): '1E+5'",
        "'area' 不是有效的十进制数（字符串或整数，最多 15 位整数、6 位小数）：'1E+5'",
    ),
    (
        "naive_datetime",
        "2020-01-01T00:00:00",
        {},
        "'area' must be timezone-aware (with an offset such as +08:00): '2020-01-01T00:00:00'",
        "'area' 必须带时区偏移（如 +08:00）：'2020-01-01T00:00:00'",
    ),
    (
        "choice",
        "house",
        {"choices": "office, shop"},
        "'area' must be one of office, shop: 'house'",
        "'area' 必须是 office, shop 之一：'house'",
    ),
    (
        "duplicate",
        "A-1",
        {},
        "'area' has a duplicate entry: 'A-1'",
        "'area' 中有重复项：'A-1'",
    ),
    (
        "reference",
        "Z",
        {"what": "unit", "what_zh": "单元"},
        "'area' refers to an unknown unit: 'Z'",
        "'area' 引用了不存在的单元：'Z'",
    ),
    (
        "order",
        "2020-01-01",
        {"other": "start"},
        "'area' must be after 'start': '2020-01-01'",
        "'area' 必须晚于 'start'：'2020-01-01'",
    ),
    (
        "currency",
        "USD",
        {"other": "CNY"},
        "'area' mixes currencies: 'USD' and CNY",
        "'area' 币种不一致：'USD' 与 CNY",
    ),
    (
        "float",
        1.5,
        {},
        "'area' does not accept floats; use a Decimal, an int or a string: 1.5",
        "'area' 不接受浮点数，请使用 Decimal、整数或字符串：1.5",
    ),
    (
        "ladder_order",
        "60000",
        {"bound": "50000", "tier": "platinum"},
        "'area' must not exceed 50000, the threshold of the higher tier 'platinum': '60000'",
        "'area' 不能超过更高等级 'platinum' 的门槛 50000：'60000'",
    ),
    (
        "max_depth",
        None,
        {"bound": 32},
        "'area' is nested too deeply: at most 32 levels",
        "'area' 嵌套过深：最多 32 层",
    ),
    (
        "invalid",
        None,
        {"detail": "TypeError"},
        "'area' is invalid: TypeError",
        "'area' 无效：TypeError",
    ),
]


def test_every_code_has_an_example() -> None:
    """The examples below cover every stable error code, so none goes untested."""
    assert sorted(ERROR_CODES) == sorted(code for code, *_ in MESSAGES)


@pytest.mark.parametrize(("code", "value", "params", "en", "zh"), MESSAGES)
def test_message_in_both_languages(
    code: str, value: object, params: dict[str, object], en: str, zh: str
) -> None:
    """Each code renders its English and Chinese template with the field, value and figures."""
    err = InvalidValue("area", code, value=value, **params)  # type: ignore[arg-type]
    assert (en, zh, en) == (err.message_en, err.message_zh, str(err))


def test_unknown_code_is_refused() -> None:
    """A code that is not in ERROR_CODES is a programming error, caught at once."""
    with pytest.raises(KeyError, match="unknown pmcrm error code 'nope'"):
        InvalidValue("area", "nope")


def test_invalid_value_carries_its_data() -> None:
    """The error keeps the field, code, sensitivity, subpath and parameters."""
    err = InvalidValue("area", "ge", value=-3, subpath=".area", bound=0)
    assert ("area", "ge", False, ".area") == (err.field, err.code, err.sensitive, err.subpath)
    assert {"value": "-3", "bound": 0} == dict(err.params)


def test_invalid_value_is_a_value_error() -> None:
    """Callers can catch it as PmcrmError or as the builtin ValueError."""
    err = InvalidValue("area", "ge", value=-3, bound=0)
    assert isinstance(err, PmcrmError)
    assert isinstance(err, ValueError)


def test_sensitive_value_is_never_echoed() -> None:
    """A sensitive value is replaced by «redacted» in both languages."""
    err = InvalidValue("mobile", "decimal", value="13812341234", sensitive=True)
    assert "«redacted»" in err.message_en
    assert "«redacted»" in err.message_zh
    assert "13812341234" not in err.message_en + err.message_zh + repr(err)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-3, "-3"),
        (Decimal("1.50"), "1.50"),
        ("abc", "'abc'"),
        (None, "None"),
        ([1, 2], "[1, 2]"),
        ("x" * 50, "'" + "x" * 38 + "…"),
        (10**50, "1" + "0" * 38 + "…"),
    ],
)
def test_echoed_value_rendering(value: object, shown: str) -> None:
    """Ints and decimals are echoed plainly, other values by repr, cut to 40 characters."""
    assert shown == InvalidValue("x", "decimal", value=value).params["value"]


def test_currency_mismatch() -> None:
    """The error names both currencies and is a ValueError."""
    err = CurrencyMismatch("CNY", "USD")
    assert ("CNY", "USD") == (err.left, err.right)
    assert "cannot combine money in CNY with money in USD" == str(err)
    assert isinstance(err, ValueError)
    assert isinstance(err, PmcrmError)


ENTRY = ReportEntry(path="$.area", code="gt", message_zh="面积必须 > 0", message_en="must be > 0")
OTHER = ReportEntry(path="$.tags[2]", code="empty", message_zh="不能为空", message_en="empty")


def test_report_entry_message_and_render() -> None:
    """An entry renders ``path: [code] message`` in either language, English by default."""
    assert "must be > 0" == ENTRY.message()
    assert "面积必须 > 0" == ENTRY.message("zh")
    assert "$.area: [gt] must be > 0" == ENTRY.render()
    assert "$.area: [gt] 面积必须 > 0" == ENTRY.render("zh")


def test_validation_report() -> None:
    """A report iterates, counts, lists paths and codes, renders and exports its entries."""
    report = ValidationReport((ENTRY, OTHER))
    assert [ENTRY, OTHER] == list(report)
    assert 2 == len(report)
    assert ("$.area", "$.tags[2]") == report.paths
    assert ("gt", "empty") == report.codes
    assert "$.area: [gt] must be > 0\n$.tags[2]: [empty] empty" == report.render()
    assert "$.area: [gt] 面积必须 > 0\n$.tags[2]: [empty] 不能为空" == report.render("zh")
    expected = [
        {
            "path": "$.area",
            "code": "gt",
            "message_zh": "面积必须 > 0",
            "message_en": "must be > 0",
        },
        {"path": "$.tags[2]", "code": "empty", "message_zh": "不能为空", "message_en": "empty"},
    ]
    assert expected == report.as_records()


def test_validation_error_with_one_fault() -> None:
    """The message counts one fault and lists it; the report and target are kept."""
    report = ValidationReport((ENTRY,))
    err = ValidationError(report, "PropertyUnit")
    assert "invalid PropertyUnit: 1 fault\n$.area: [gt] must be > 0" == str(err)
    assert (report, "PropertyUnit") == (err.report, err.target)
    assert isinstance(err, ValueError)


def test_validation_error_with_several_faults() -> None:
    """Several faults are counted in the plural."""
    err = ValidationError(ValidationReport((ENTRY, OTHER)), "Customer")
    assert str(err).startswith("invalid Customer: 2 faults\n")


def test_text_parameters_have_a_chinese_form() -> None:
    """A parameter ``x_zh`` stands in for ``x`` in the Chinese message only."""
    err = InvalidValue(
        "warnings", "invalid", value="0.8", detail="must rise", detail_zh="必须递增"
    )
    assert "'warnings' is invalid: must rise" == err.message_en
    assert "'warnings' 无效：必须递增" == err.message_zh


def test_calendar_coverage_error_in_both_languages() -> None:
    """The coverage error names the calendar, its range and the day, in zh too."""
    err = CalendarCoverageError("cn", date(2027, 1, 4), date(2025, 1, 1), date(2026, 12, 31))
    assert isinstance(err, LookupError)
    assert "日历 'cn' 仅覆盖 2025-01-01 至 2026-12-31，不含 2027-01-04" == err.message_zh
