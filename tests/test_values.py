"""Tests of :mod:`pmcrm.values`: money, rates, periods, labels and masked personal data."""

import operator
from collections.abc import Callable
from datetime import date
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    localcontext,
)
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm import strategies as pst
from pmcrm.errors import CurrencyMismatch, InvalidValue
from pmcrm.values import (
    CURRENCY_UNITS,
    FEN,
    MAX_AMOUNT,
    Address,
    IdCardNumber,
    Label,
    LabelledEnum,
    Lang,
    MobileNumber,
    Money,
    Period,
    PersonName,
    Rate,
    allocate_amount,
    check_period,
    id_card_is_valid,
    mask_address,
    mask_id_card,
    mask_mobile,
    mask_name,
    round_half_up,
    sensitive_types,
    total,
)


def cny(amount: str) -> Money:
    """Money in CNY from a decimal string."""
    return Money.of(amount)


def usd(amount: str) -> Money:
    """Money in USD from a decimal string."""
    return Money.of(amount, "USD")


def code_of(call: Callable[[], object]) -> tuple[str, str]:
    """The field and code of the InvalidValue *call* raises."""
    with pytest.raises(InvalidValue) as info:
        call()
    return info.value.field, info.value.code


# --- labels ------------------------------------------------------------------


class Colour(LabelledEnum):
    """A labelled enumeration for the tests."""

    RED = "red", "红色", "Red"
    GREEN = "green", "绿色", "Green"


def test_label_in_each_language() -> None:
    """A label answers in the Lang or language code asked, English by default."""
    label = Label(zh="业主", en="Owner")
    assert ["Owner", "业主", "业主", "Owner"] == [
        label.get(),
        label.get(Lang.ZH),
        label.get("zh"),
        label.get("en"),
    ]


def test_label_refuses_an_unknown_language() -> None:
    """Only zh and en exist."""
    with pytest.raises(ValueError, match="'fr' is not a valid Lang"):
        Label(zh="业主", en="Owner").get("fr")


def test_labelled_enum_member() -> None:
    """A member keeps its value for serialisation and carries a zh/en label."""
    assert "red" == Colour.RED.value
    assert Label(zh="红色", en="Red") == Colour.RED.label
    assert ("红色", "Red") == (Colour.RED.text("zh"), Colour.RED.text())
    assert Colour.GREEN is Colour("green")  # type: ignore[call-arg]  # lookup by value
    assert "<Colour.RED: 'red'>" == repr(Colour.RED)


# --- money: construction ------------------------------------------------------


@pytest.mark.parametrize(
    ("given_amount", "expected"),
    [("12.50", Decimal("12.50")), (12, Decimal(12)), (Decimal("0.1"), Decimal("0.1"))],
)
def test_money_of(given_amount: Decimal | int | str, expected: Decimal) -> None:
    """Money.of takes a decimal string, an int or a Decimal, exactly, in CNY by default."""
    assert Money(amount=expected, currency="CNY") == Money.of(given_amount)


def test_money_zero_and_currency() -> None:
    """Zero money in any currency; the currency is kept."""
    assert Money(amount=Decimal(0), currency="USD") == Money.zero("USD")
    assert "USD" == usd("1").currency


@pytest.mark.parametrize(
    ("given_amount", "code"),
    [(1.5, "float"), (True, "type"), ("abc", "decimal"), ("1,5", "decimal")],
)
def test_money_of_refuses(given_amount: Any, code: str) -> None:
    """Floats, booleans and unparsable strings are refused with a named rule."""
    assert ("amount", code) == code_of(lambda: Money.of(given_amount))


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (1.5, "float"),
        (1, "type"),
        ("one", "type"),
        (Decimal("NaN"), "format"),
        (Decimal("Infinity"), "format"),
        (MAX_AMOUNT, "lt"),
        (-MAX_AMOUNT, "lt"),
    ],
)
def test_money_constructor_refuses(amount: Any, code: str) -> None:
    """The amount must be a finite Decimal below 10**15 in absolute value."""
    assert ("amount", code) == code_of(lambda: Money(amount=amount))


def test_money_holds_the_largest_amount() -> None:
    """Just below 10**15 is accepted, either sign."""
    largest = MAX_AMOUNT - FEN
    assert (largest, -largest) == (Money(amount=largest).amount, Money(amount=-largest).amount)


@pytest.mark.parametrize("currency", ["cny", "CN", "CNYY", 156, ""])
def test_money_refuses_a_bad_currency(currency: Any) -> None:
    """The currency is three capital letters."""
    assert ("currency", "format") == code_of(lambda: Money.of("1", currency))


# --- money: arithmetic --------------------------------------------------------


def test_money_arithmetic() -> None:
    """Addition, subtraction, multiplication, negation and abs are exact and keep the currency."""
    a, b = cny("10.25"), cny("0.75")
    assert cny("11.00") == a + b
    assert cny("9.50") == a - b
    assert cny("30.75") == a * 3
    assert cny("30.75") == 3 * a
    assert Money.of("9.788750") == a * Decimal("0.955")
    assert cny("-10.25") == -a
    assert cny("10.25") == abs(-a)
    assert usd("2") == usd("1") + usd("1")


def test_money_multiplication_does_not_round() -> None:
    """A product keeps every digit until the caller quantizes it."""
    assert Decimal("955.00000") == (cny("1000.00") * Decimal("0.955")).amount


def test_money_is_ordered_within_a_currency() -> None:
    """Comparisons of one currency follow the amounts."""
    small, big = cny("1.00"), cny("2.00")
    assert [True, True, True, True, False, False] == [
        small < big,
        small <= big,
        big > small,
        big >= small,
        big < small,
        small >= big,
    ]
    assert cny("1.0") == cny("1.00")
    assert cny("1.00") != usd("1.00")


@pytest.mark.parametrize(
    "op",
    [operator.add, operator.sub, operator.lt, operator.le, operator.gt, operator.ge],
)
def test_money_refuses_to_mix_currencies(op: Callable[[Money, Money], object]) -> None:
    """Arithmetic and ordering across currencies raise CurrencyMismatch."""
    with pytest.raises(CurrencyMismatch) as info:
        op(cny("1"), usd("1"))
    assert ("CNY", "USD") == (info.value.left, info.value.right)


@pytest.mark.parametrize(
    ("op", "other"),
    [
        (operator.add, 1),
        (operator.sub, 1),
        (operator.mul, 1.5),
        (operator.mul, True),
        (operator.mul, "2"),
        (operator.lt, 1),
        (operator.le, 1),
        (operator.gt, 1),
        (operator.ge, 1),
    ],
)
def test_money_with_other_types_is_not_implemented(
    op: Callable[[object, object], object], other: object
) -> None:
    """Python reports a TypeError when money meets a number it cannot combine with."""
    with pytest.raises(TypeError):
        op(cny("1"), other)


def test_reflected_operations_with_other_types() -> None:
    """Only the int 0 may be added on the left (for sum()); anything else is a TypeError."""
    assert NotImplemented is cny("1").__radd__(Decimal(0))  # type: ignore[operator]
    assert NotImplemented is cny("1").__radd__(1)
    with pytest.raises(TypeError):
        _ = 1 + cny("1")
    with pytest.raises(TypeError):
        _ = 1.5 * cny("1")  # type: ignore[operator]


def test_sum_of_money() -> None:
    """sum() starts from 0 and adds money of one currency; mixing currencies raises."""
    assert cny("3.50") == sum([cny("1.25"), cny("2.25")])
    assert cny("1.25") == 0 + cny("1.25")
    with pytest.raises(CurrencyMismatch):
        sum([cny("1"), usd("1")])


def test_total() -> None:
    """total() is zero in the given currency when there is nothing to add."""
    assert Money.zero("USD") == total([], "USD")
    assert cny("3") == total([cny("1"), cny("2")])


def test_unit_per_currency() -> None:
    """Each currency has its smallest unit; unknown ones use two places."""
    assert (FEN, Decimal(1), FEN) == (cny("1").unit, Money.of("1", "JPY").unit, usd("1").unit)
    assert FEN == Money.of("1", "XTS").unit
    assert CURRENCY_UNITS["CNY"] == FEN


def test_str_of_money() -> None:
    """Str shows the amount without an exponent and the currency."""
    assert "100 CNY" == str(Money(amount=Decimal("1E+2")))
    assert "-0.50 USD" == str(usd("-0.50"))


# --- money: rounding ----------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        ("2.665", ROUND_HALF_UP, "2.67"),
        ("-2.665", ROUND_HALF_UP, "-2.67"),
        ("2.675", ROUND_HALF_UP, "2.68"),
        ("2.665", ROUND_HALF_EVEN, "2.66"),
        ("2.675", ROUND_HALF_EVEN, "2.68"),
        ("2.669", ROUND_DOWN, "2.66"),
        ("2.661", ROUND_UP, "2.67"),
        ("-2.661", ROUND_CEILING, "-2.66"),
        ("-2.661", ROUND_FLOOR, "-2.67"),
    ],
)
def test_quantize_modes(amount: str, rounding: str, expected: str) -> None:
    """ROUND_HALF_UP (四舍五入) is the default; any decimal rounding mode may be named."""
    assert Decimal(expected) == Money.of(amount).quantize(rounding=rounding).amount


def test_quantize_default_is_half_up() -> None:
    """Without a rounding argument, 2.665 becomes 2.67 (not the banker's 2.66)."""
    assert Decimal("2.67") == cny("2.665").quantize().amount


def test_quantize_to_a_unit_and_per_currency() -> None:
    """The unit defaults to the currency's (whole yen for JPY); another may be given."""
    assert Decimal("2.7") == cny("2.665").quantize(Decimal("0.1")).amount
    assert Decimal("3") == Money.of("2.5", "JPY").quantize().amount
    assert "JPY" == Money.of("2.5", "JPY").quantize().currency


def test_quantize_ignores_the_ambient_context() -> None:
    """A caller's decimal context (precision, rounding) changes nothing pmcrm computes."""
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = ROUND_DOWN
        assert Decimal("2.67") == cny("2.665").quantize().amount
        assert Decimal("123456.78") == (cny("123456.00") + cny("0.78")).amount


# --- money: allocation --------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        ("100.00", [1, 1, 1], ["33.34", "33.33", "33.33"]),
        ("-100.00", [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),
        ("0.05", [1, 1, 1], ["0.02", "0.02", "0.01"]),
        ("100.00", [0, 1, 0, 1], ["0.00", "50.00", "0.00", "50.00"]),
        ("10.00", [Decimal("0.5"), Decimal("0.25"), "0.25"], ["5.00", "2.50", "2.50"]),
        ("0.00", [1, 2], ["0.00", "0.00"]),
        ("1.00", [1, 1, 1], ["0.34", "0.33", "0.33"]),
        ("0.02", [1, 1, 1], ["0.01", "0.01", "0.00"]),
        ("0.02", [1, 2, 2], ["0.00", "0.01", "0.01"]),
    ],
)
def test_allocate(amount: str, weights: list[Any], expected: list[str]) -> None:
    """Largest remainder: floors first, leftover units to the largest remainders, earlier first."""
    parts = cny(amount).allocate(weights)
    assert [cny(e) for e in expected] == list(parts)
    assert cny(amount) == sum(parts)


def test_allocate_in_another_unit() -> None:
    """The step may be any unit, such as whole yuan."""
    assert [cny("34"), cny("33"), cny("33")] == list(cny("100").allocate([1, 1, 1], Decimal(1)))


@pytest.mark.parametrize(
    ("amount", "weights", "field", "code"),
    [
        ("100.00", [], "weights", "min_items"),
        ("100.00", [1, -1], "weights", "ge"),
        ("100.00", [0, 0], "weights", "gt"),
        ("100.00", [1.5], "weights", "float"),
        ("100.00", [True], "weights", "type"),
        ("100.00", ["one"], "weights", "decimal"),
        ("100.005", [1, 1], "amount", "format"),
        ("100.00", [1, Decimal("NaN")], "weights", "format"),
        ("100.00", ["Infinity"], "weights", "format"),
    ],
)
def test_allocate_refuses(amount: str, weights: list[Any], field: str, code: str) -> None:
    """Bad weights, and an amount that is not a whole number of units, are refused."""
    assert (field, code) == code_of(lambda: cny(amount).allocate(weights))


@pytest.mark.parametrize("unit", [Decimal(0), Decimal("-0.01")])
def test_allocate_needs_a_positive_unit(unit: Decimal) -> None:
    """Steps of zero or less are refused."""
    assert ("unit", "gt") == code_of(lambda: cny("1.00").allocate([1], unit))


def test_allocate_amount_is_the_rule() -> None:
    """The plain function behind Money.allocate works on bare decimals."""
    assert [Decimal("0.5"), Decimal("0.5")] == allocate_amount(
        Decimal("1.0"), [1, 1], Decimal("0.1")
    )


@given(
    pst.money(min_value=-(10**6), max_value=10**6),
    st.lists(st.integers(0, 1000), min_size=1, max_size=8).filter(any),
)
def test_allocate_is_exact_and_fair(whole: Money, weights: list[int]) -> None:
    """Parts sum exactly to the whole and each is within one unit of its exact share."""
    parts = whole.allocate(weights)
    assert whole == sum(parts, Money.zero())
    assert len(weights) == len(parts)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(whole.amount) * weight / sum(weights)
        assert abs(Fraction(part.amount) - exact) < Fraction(FEN)
        assert part.currency == whole.currency


@given(
    st.decimals(-(10**9), 10**9, allow_nan=False, allow_infinity=False, places=6),
    st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_UP, ROUND_CEILING]),
)
def test_quantize_is_idempotent(amount: Decimal, rounding: str) -> None:
    """Rounding an already rounded amount changes nothing, and stays within one unit."""
    once = Money(amount=amount).quantize(rounding=rounding)
    assert once == once.quantize(rounding=rounding)
    assert once.amount == once.amount.quantize(FEN)
    assert abs(once.amount - amount) < FEN


# --- rates --------------------------------------------------------------------


def test_rate_bounds() -> None:
    """0 and 1 are rates; below 0 or above 1 is refused with its rule."""
    assert (Decimal(0), Decimal(1)) == (Rate(Decimal(0)).value, Rate(Decimal(1)).value)
    assert ("rate", "ge") == code_of(lambda: Rate(Decimal("-0.01")))
    assert ("rate", "le") == code_of(lambda: Rate(Decimal("1.01")))


@pytest.mark.parametrize("value", [1, 0.5, "half", Decimal("NaN"), Decimal("Infinity")])
def test_rate_must_be_a_finite_decimal(value: Any) -> None:
    """A rate is a finite Decimal, never an int, a float or a string."""
    assert ("rate", "type") == code_of(lambda: Rate(value))


def test_rate_percent_apply_and_str() -> None:
    """Rates are built from percentages, applied without rounding and shown as percentages."""
    assert Rate(Decimal("0.05")) == Rate.percent(5)
    assert Rate(Decimal("0.125")) == Rate.percent("12.5")
    assert cny("10.00") == Rate.percent(5).apply(cny("200.00"))
    assert ["12.5%", "0%", "100%", "5%"] == [
        str(Rate.percent("12.5")),
        str(Rate(Decimal(0))),
        str(Rate(Decimal(1))),
        str(Rate(Decimal("0.0500"))),
    ]
    assert ("rate", "float") == code_of(lambda: Rate.percent(5.0))  # type: ignore[arg-type]
    assert ("rate", "le") == code_of(lambda: Rate.percent(101))


# --- periods ------------------------------------------------------------------


def test_period_year_days_and_contains() -> None:
    """A year holds its 365 or 366 days; the end day is not in the period."""
    period = Period.year(2026)
    assert (365, 366) == (period.days, Period.year(2024).days)
    assert [True, True, False, False] == [
        date(2026, 1, 1) in period,
        date(2026, 12, 31) in period,
        date(2027, 1, 1) in period,
        date(2025, 12, 31) in period,
    ]


def test_period_contains_only_dates() -> None:
    """Something that is not a date is not in a period."""
    assert "2026-01-01" not in Period.year(2026)


@pytest.mark.parametrize("end", [date(2026, 1, 1), date(2025, 12, 31)])
def test_period_end_must_be_after_start(end: date) -> None:
    """An empty or reversed period is refused; the fault is located at ``.end``."""
    with pytest.raises(InvalidValue) as info:
        Period(start=date(2026, 1, 1), end=end)
    assert ("end", "order", ".end") == (info.value.field, info.value.code, info.value.subpath)
    assert f"'end' must be after 'start': '{end.isoformat()}'" == str(info.value)


def test_check_period_is_the_rule() -> None:
    """The plain function accepts a day-long period and refuses an empty one."""
    check_period(date(2026, 1, 1), date(2026, 1, 2))
    assert ("end", "order") == code_of(lambda: check_period(date(2026, 1, 1), date(2026, 1, 1)))


@pytest.mark.parametrize(
    ("as_of", "months", "start", "end"),
    [
        # 31 February does not exist: the start clips to the month's end.
        (date(2026, 3, 30), 1, date(2026, 2, 28), date(2026, 3, 31)),
        (date(2024, 3, 30), 1, date(2024, 2, 29), date(2024, 3, 31)),
        (date(2026, 5, 30), 3, date(2026, 2, 28), date(2026, 5, 31)),
        # 31 April does not exist either.
        (date(2026, 5, 30), 1, date(2026, 4, 30), date(2026, 5, 31)),
        (date(2026, 1, 31), 1, date(2026, 1, 1), date(2026, 2, 1)),
        (date(2026, 12, 31), 12, date(2026, 1, 1), date(2027, 1, 1)),
        (date(2026, 6, 14), 1, date(2026, 5, 15), date(2026, 6, 15)),
    ],
)
def test_trailing_clips_to_month_end(as_of: date, months: int, start: date, end: date) -> None:
    """A trailing period ends the day after *as_of*; its start clips to the month's end."""
    assert Period(start=start, end=end) == Period.trailing(as_of, months=months)


def test_trailing_needs_at_least_a_month() -> None:
    """Zero months would be an empty period, which is refused."""
    assert ("end", "order") == code_of(lambda: Period.trailing(date(2026, 1, 1), months=0))


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (Period(start=date(2026, 12, 31), end=date(2027, 2, 1)), True),
        (Period(start=date(2027, 1, 1), end=date(2027, 2, 1)), False),
        (Period(start=date(2025, 1, 1), end=date(2026, 1, 1)), False),
        (Period(start=date(2026, 3, 1), end=date(2026, 4, 1)), True),
        (Period(start=date(2020, 1, 1), end=date(2030, 1, 1)), True),
    ],
)
def test_overlaps(other: Period, expected: bool) -> None:
    """Periods overlap when they share a day (adjacent ones do not), symmetrically."""
    year = Period.year(2026)
    assert (expected, expected) == (year.overlaps(other), other.overlaps(year))


# --- masking ------------------------------------------------------------------


def test_masks() -> None:
    """Each mask keeps only what its rule allows."""
    assert "138****1234" == mask_mobile("13812341234")
    assert "110105********002X" == mask_id_card("11010519491231002X")
    assert ["张**", "L* **", "*", "*", "李*"] == [
        mask_name("张伟明"),
        mask_name("Li Na"),
        mask_name("张"),
        mask_name(""),
        mask_name("李四"),
    ]
    assert ["上海市浦东新****", "ab****", "****"] == [
        mask_address("上海市浦东新区世纪大道 100 号 3 栋 1201"),
        mask_address("abcdefg"),
        mask_address("ab"),
    ]


def test_mobile_number() -> None:
    """A valid mobile is masked when shown and revealed only on request."""
    mobile = MobileNumber("13812341234")
    assert ("138****1234", "138****1234", "MobileNumber('138****1234')") == (
        mobile.masked,
        str(mobile),
        repr(mobile),
    )
    assert "13812341234" == mobile.reveal()
    assert MobileNumber("13812341234") == mobile


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12812341234", "format"),
        ("1381234123", "format"),
        ("1381234123x", "format"),
        ("138123412345", "max_length"),
        ("   ", "empty"),
        (13812341234, "type"),
    ],
)
def test_mobile_number_refused_without_echo(value: Any, code: str) -> None:
    """Invalid mobiles are refused by rule, and the number is never echoed."""
    with pytest.raises(InvalidValue) as info:
        MobileNumber(value)
    assert ("mobile", code, True) == (info.value.field, info.value.code, info.value.sensitive)
    shown = str(info.value) + info.value.message_zh + repr(info.value)
    assert str(value).strip() == "" or str(value) not in shown


def test_id_card_number() -> None:
    """A valid ID number is masked to its first 6 and last 4 characters."""
    number = IdCardNumber("11010519491231002X")
    assert "IdCardNumber('110105********002X')" == repr(number)
    assert "11010519491231002X" == number.reveal()


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),
        ("440524188001010014", True),
        ("11010519491231002x", False),  # lower-case check character
        ("110105194912310021", False),  # wrong check digit
        ("110105194902300028", False),  # 30 February
        ("010105194912310020", False),  # starts with 0
        ("11010519491231002", False),  # 17 characters
        ("1101051949123100X2", False),  # X in the body
        ("110105000012310020", False),  # year 0
    ],
)
def test_id_card_checksum(value: str, valid: bool) -> None:
    """GB 11643: 17 digits, a real birth date and the ISO 7064 MOD 11-2 check character."""
    assert valid == id_card_is_valid(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "format"),
        ("11010519491231002X0", "max_length"),
        ("", "empty"),
        (None, "type"),
    ],
)
def test_id_card_number_refused_without_echo(value: Any, code: str) -> None:
    """Invalid ID numbers are refused by rule, never echoed."""
    with pytest.raises(InvalidValue) as info:
        IdCardNumber(value)
    assert ("id_number", code) == (info.value.field, info.value.code)
    if value:
        assert value not in str(info.value) + info.value.message_zh + repr(info.value)


def test_person_name_and_address() -> None:
    """Names and addresses are masked; their limits are 100 and 200 characters."""
    assert "PersonName('王**')" == repr(PersonName("王建国"))
    assert "Address('上海市浦东****')" == repr(Address("上海市浦东新区世纪大道100号"))
    assert ("name", "max_length") == code_of(lambda: PersonName("王建国" * 34))
    assert ("name", "empty") == code_of(lambda: PersonName(" "))
    assert ("address", "max_length") == code_of(lambda: Address("路" * 201))
    assert ("address", "type") == code_of(lambda: Address(b"road"))  # type: ignore[arg-type]
    assert 100 == len(PersonName("王" * 100).reveal())
    assert 200 == len(Address("路" * 200).reveal())


def test_long_name_is_not_echoed() -> None:
    """A name that is too long is refused without echoing it."""
    with pytest.raises(InvalidValue) as info:
        PersonName("王建国" * 34)
    assert "王建国" not in str(info.value) + info.value.message_zh


def test_sensitive_types() -> None:
    """The masked personal-data types are listed for serialisation."""
    assert (MobileNumber, IdCardNumber, PersonName, Address) == sensitive_types()


@given(pst.mobile_numbers())
def test_masked_mobile_hides_the_middle_four(mobile: MobileNumber) -> None:
    """The masked mobile shows the first 3 and last 4 digits only, never the whole number."""
    full, masked = mobile.reveal(), mobile.masked
    assert full[:3] + "****" + full[7:] == masked
    assert full not in masked + repr(mobile) + str(mobile)


@given(pst.id_card_numbers())
def test_masked_id_hides_the_middle_eight(number: IdCardNumber) -> None:
    """The masked ID shows the first 6 and last 4 characters, stars for the 8 between."""
    full, masked = number.reveal(), number.masked
    assert full[:6] + "*" * 8 + full[14:] == masked
    assert full not in masked + repr(number) + str(number)


@given(pst.person_names())
def test_masked_name_keeps_the_first_character(name: PersonName) -> None:
    """Only the first character (and spaces) survive masking."""
    full, masked = name.reveal(), name.masked
    assert len(full) == len(masked)
    assert full[0] == masked[0]
    assert set(masked[1:]) <= {"*", " "}
    assert full not in repr(name)


@given(pst.addresses())
def test_masked_address_keeps_a_short_prefix(address: Address) -> None:
    """At most 6 characters and at most a third of the address are shown."""
    full, masked = address.reveal(), address.masked
    shown = masked.removesuffix("****")
    assert full.startswith(shown)
    assert len(shown) <= min(6, len(full) // 3)
    assert full not in repr(address)


@pytest.mark.parametrize(
    "value",
    [
        MobileNumber("13812341234"),
        IdCardNumber("11010519491231002X"),
        PersonName("张伟明"),
        Address("溪岚市临江路 8 号"),
    ],
    ids=lambda v: type(v).__name__,
)
def test_personal_data_values_are_immutable_hashable_and_picklable(value: Any) -> None:
    """Masked types compare by value, refuse changes, pickle, and never leak through asdict."""
    import pickle

    same = type(value)(value.reveal())
    assert same == value
    assert hash(same) == hash(value)
    assert value != value.reveal()
    assert pickle.loads(pickle.dumps(value)) == value  # noqa: S301 - our own bytes
    with pytest.raises(AttributeError, match="immutable"):
        value._value = "x"
    with pytest.raises(AttributeError, match="immutable"):
        del value._value

    @attrs.frozen
    class Holder:
        held: Any

    dumped = attrs.asdict(Holder(held=value))
    assert value.reveal() not in repr(dumped)


def test_non_finite_and_overflowing_factors_are_refused() -> None:
    """NaN, sNaN and infinite factors, and products past the bound, raise InvalidValue."""
    for bad in ("NaN", "sNaN", "Infinity"):
        with pytest.raises(InvalidValue, match="finite number"):
            Money.of("1") * Decimal(bad)
        with pytest.raises(InvalidValue):
            Rate.percent(bad)
    with pytest.raises(InvalidValue, match="10\\*\\*15"):
        Money.of("50") * Decimal("1E+999999")


def test_quantize_to_a_unit_that_is_not_a_power_of_ten() -> None:
    """Cash rounding to 5 fen rounds to multiples of 0.05; a bad unit is refused."""
    assert Money.of("2.675").quantize(Decimal("0.05")) == Money.of("2.70")
    assert Money.of("2.62").quantize(Decimal("0.05")) == Money.of("2.60")
    assert str(Money.of("2.625").quantize(Decimal("0.05"), rounding=ROUND_HALF_EVEN)) == "2.60 CNY"
    for unit in (Decimal(0), Decimal("-0.01"), Decimal("NaN")):
        with pytest.raises(InvalidValue, match="'unit' must be > 0"):
            Money.of("1").quantize(unit)


def test_a_datetime_is_not_silently_compared_with_a_period() -> None:
    """``datetime in period`` raises a clear error instead of a TypeError."""
    from datetime import UTC, datetime

    with pytest.raises(InvalidValue, match="must be a date \\(not a datetime\\)"):
        _ = datetime(2026, 1, 1, tzinfo=UTC) in Period.year(2026)


@given(
    st.integers(-(10**12), 10**12),
    st.integers(1, 10**6),
    st.integers(0, 6),
)
def test_round_half_up_matches_decimal_half_up_on_the_exact_quotient(
    numerator: int, denominator: int, places: int
) -> None:
    """The exact quotient rounded ROUND_HALF_UP, never a negative zero, whatever the context."""
    from decimal import ROUND_HALF_UP, Context, localcontext

    exact = Context(prec=60).divide(Decimal(numerator), Decimal(denominator))
    expected = exact.quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=60)
    )
    with localcontext() as ambient:
        ambient.prec = 2
        got = round_half_up(numerator, denominator, places)
    assert expected == got
    assert not got.is_signed() or got != 0
