"""Core value types: money, rates, periods, bilingual labels and masked personal data.

All of them are frozen, slotted and compared by value.  None reads the
ambient :mod:`decimal` context: every operation uses the private context
:data:`MONEY_CONTEXT` and rounds only where it says so.

>>> from decimal import Decimal
>>> fee = Money.of("1000.00")
>>> fee * Decimal("0.955")
Money(amount=Decimal('955.00000'), currency='CNY')
>>> (fee * Decimal("0.955")).quantize()
Money(amount=Decimal('955.00'), currency='CNY')
>>> [str(part) for part in Money.of("100.00").allocate([1, 1, 1])]
['33.34 CNY', '33.33 CNY', '33.33 CNY']
>>> MobileNumber("13812341234")
MobileNumber('138****1234')
"""

import enum
import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction
from typing import Any, Self

import attrs
from dateutil.relativedelta import relativedelta

from pmcrm.errors import CurrencyMismatch, InvalidValue

__all__ = [
    "CURRENCY_UNITS",
    "FEN",
    "MAX_AMOUNT",
    "MONEY_CONTEXT",
    "Address",
    "IdCardNumber",
    "Label",
    "LabelledEnum",
    "Lang",
    "MobileNumber",
    "Money",
    "Period",
    "PersonName",
    "Rate",
    "mask_address",
    "mask_id_card",
    "mask_mobile",
    "mask_name",
    "round_half_up",
]

#: The decimal context every pmcrm computation uses (never the ambient one):
#: 34 significant digits, ROUND_HALF_UP, and traps for invalid operations,
#: overflow and division by zero.
MONEY_CONTEXT = Context(
    prec=34,
    rounding=ROUND_HALF_UP,
    traps=[InvalidOperation, Overflow, DivisionByZero],
)

#: One fen (分), the smallest unit of the renminbi: ``Decimal("0.01")``.
FEN = Decimal("0.01")

#: Largest absolute amount :class:`Money` holds (exclusive): 10**15.
MAX_AMOUNT = Decimal(10) ** 15

#: Smallest unit per currency, used by :meth:`Money.quantize` by default.
#: Currencies not listed use two decimal places.
CURRENCY_UNITS = {"CNY": FEN, "HKD": FEN, "USD": FEN, "EUR": FEN, "JPY": Decimal(1)}

_CURRENCY = re.compile(r"[A-Z]{3}\Z")


class Lang(enum.Enum):
    """A language pmcrm writes labels and explanations in."""

    ZH = "zh"
    EN = "en"


@attrs.frozen(weakref_slot=False)
class Label:
    """A text in Chinese (zh-CN) and English.

    >>> Label(zh="业主", en="Owner").get(Lang.ZH)
    '业主'
    """

    zh: str
    en: str

    def get(self, lang: "Lang | str" = Lang.EN) -> str:
        """The text in *lang* (a :class:`Lang` or ``"zh"``/``"en"``)."""
        return self.zh if Lang(lang) is Lang.ZH else self.en


class LabelledEnum(enum.Enum):
    """An enumeration whose members carry a zh/en :class:`Label`.

    Members are written ``NAME = "value", "中文", "English"``; the value is
    the first item, and it is what serialisation uses.

    >>> class Colour(LabelledEnum):
    ...     RED = "red", "红色", "Red"
    >>> Colour.RED.value, Colour.RED.label.zh, Colour("red").text("en")
    ('red', '红色', 'Red')
    """

    _value_: str
    label: Label

    def __new__(cls, value: str, zh: str, en: str) -> Self:
        """Make a member from its value and its zh/en labels."""
        member = object.__new__(cls)
        member._value_ = value
        member.label = Label(zh=zh, en=en)
        return member

    def text(self, lang: "Lang | str" = Lang.EN) -> str:
        """The member's label in *lang*."""
        return self.label.get(lang)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}: {self._value_!r}>"


# --- money -----------------------------------------------------------------


def _check_amount(_inst: object, _attr: "attrs.Attribute[Decimal]", value: object) -> None:
    if isinstance(value, float):
        raise InvalidValue("amount", "float", value=value)
    if type(value) is not Decimal:
        raise InvalidValue(
            "amount", "type", value=value, expected="Decimal", got=type(value).__name__
        )
    if not value.is_finite():
        raise InvalidValue(
            "amount", "format", value=value, what="finite amount", what_zh="有限金额"
        )
    if abs(value) >= MAX_AMOUNT:
        raise InvalidValue("amount", "lt", value=value, bound="10**15 in absolute value")


def _check_currency(_inst: object, _attr: "attrs.Attribute[str]", value: object) -> None:
    if type(value) is not str or not _CURRENCY.match(value):
        raise InvalidValue(
            "currency",
            "format",
            value=value,
            what="ISO 4217 currency code (three capital letters)",
            what_zh="ISO 4217 币种代码（三个大写字母）",
        )


def _as_decimal(value: Decimal | int | str, field: str) -> Decimal:
    """Exact conversion of an int, a str or a Decimal; floats are refused."""
    if isinstance(value, (bool, float)):
        raise InvalidValue(
            field,
            "float" if isinstance(value, float) else "type",
            value=value,
            expected="Decimal, int or str",
            got=type(value).__name__,
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        return Decimal(value)
    else:
        try:
            result = Decimal(value)
        except (InvalidOperation, TypeError):
            raise InvalidValue(field, "decimal", value=value) from None
    if not result.is_finite():
        raise InvalidValue(field, "format", value=value, what="finite number", what_zh="有限数值")
    return result


@attrs.frozen(order=False, weakref_slot=False)
class Money:
    """An amount of money: a :class:`~decimal.Decimal` and a currency.

    Floats are refused.  Arithmetic keeps the currency and refuses to mix
    currencies (:class:`~pmcrm.errors.CurrencyMismatch`); it is exact (up to
    34 significant digits) and never rounds: rounding happens only in
    :meth:`quantize` and :meth:`allocate`, at points the caller names.

    ``sum()`` works (``0`` is accepted as the start value), and amounts of
    one currency are ordered.

    Attributes:
        amount: The amount, finite, with absolute value below 10**15.
        currency: An ISO 4217 code; ``"CNY"`` unless said otherwise.
    """

    amount: Decimal = attrs.field(validator=_check_amount)
    currency: str = attrs.field(default="CNY", validator=_check_currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str = "CNY") -> "Money":
        """Money from a Decimal, an int or a decimal string (never a float).

        >>> Money.of("12.50")
        Money(amount=Decimal('12.50'), currency='CNY')
        """
        return cls(amount=_as_decimal(amount, "amount"), currency=currency)

    @classmethod
    def zero(cls, currency: str = "CNY") -> "Money":
        """No money in *currency*."""
        return cls(amount=Decimal(0), currency=currency)

    def _same(self, other: "Money") -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(amount=MONEY_CONTEXT.add(self.amount, other.amount), currency=self.currency)

    def __radd__(self, other: "Money | int") -> "Money":
        # ``sum()`` starts from the int 0.
        if other == 0 and type(other) is int:
            return self
        return NotImplemented

    def __sub__(self, other: "Money") -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(
            amount=MONEY_CONTEXT.subtract(self.amount, other.amount), currency=self.currency
        )

    def __mul__(self, factor: Decimal | int) -> "Money":
        if isinstance(factor, bool) or not isinstance(factor, (Decimal, int)):
            return NotImplemented
        factor = _as_decimal(factor, "factor")
        try:
            product = MONEY_CONTEXT.multiply(self.amount, factor)
        except Overflow:
            raise InvalidValue(
                "amount", "lt", value=factor, bound="10**15 in absolute value"
            ) from None
        return Money(amount=product, currency=self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> "Money":
        return Money(amount=MONEY_CONTEXT.minus(self.amount), currency=self.currency)

    def __abs__(self) -> "Money":
        return Money(amount=MONEY_CONTEXT.abs(self.amount), currency=self.currency)

    def __lt__(self, other: "Money") -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: "Money") -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: "Money") -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount >= other.amount

    @property
    def unit(self) -> Decimal:
        """The currency's smallest unit (one fen for CNY)."""
        return CURRENCY_UNITS.get(self.currency, FEN)

    def quantize(self, unit: Decimal | None = None, rounding: str = ROUND_HALF_UP) -> "Money":
        """Round to *unit* (default: the currency's smallest unit) with *rounding*.

        The default rule is ROUND_HALF_UP (四舍五入), as Chinese billing
        expects; pass any :mod:`decimal` rounding mode to change it.

        >>> Money.of("2.665").quantize()
        Money(amount=Decimal('2.67'), currency='CNY')
        >>> from decimal import ROUND_HALF_EVEN
        >>> Money.of("2.665").quantize(rounding=ROUND_HALF_EVEN)
        Money(amount=Decimal('2.66'), currency='CNY')

        A unit that is not a power of ten rounds to its multiples (cash
        rounding to 5 fen, say):

        >>> Money.of("2.675").quantize(Decimal("0.05"))
        Money(amount=Decimal('2.70'), currency='CNY')
        """
        return Money(
            amount=quantize_amount(self.amount, self.unit if unit is None else unit, rounding),
            currency=self.currency,
        )

    def allocate(
        self, weights: Sequence[Decimal | int], unit: Decimal | None = None
    ) -> tuple["Money", ...]:
        """Split into parts proportional to *weights* that sum exactly to the whole.

        Uses the largest-remainder method in steps of *unit* (default: the
        currency's smallest unit): each part gets the exact share rounded
        down, and the units left over go one each to the parts with the
        largest remainders, earlier parts first on ties.  Every part differs
        from its exact share by less than one unit.

        Raises:
            InvalidValue: the amount is not a whole number of units, or a
                weight is negative or not finite, or no weight is positive,
                or the unit is not positive.
        """
        step = self.unit if unit is None else unit
        return tuple(
            Money(amount=a, currency=self.currency)
            for a in allocate_amount(self.amount, weights, step)
        )

    def __str__(self) -> str:
        return f"{self.amount:f} {self.currency}"


def round_half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """``numerator / denominator`` rounded half up to *places* decimals, exactly.

    The rule of Chinese reports (四舍五入): halves go away from zero; a value
    that rounds to zero has no minus sign.  Integer arithmetic: no
    intermediate rounding, so no double rounding, and the caller's decimal
    context changes nothing.  Used wherever pmcrm shows an exact fraction
    (value scores, survey and complaint percentages).

    >>> round_half_up(2665, 1000, 2), round_half_up(-1, 8, 2), round_half_up(1, 3, 4)
    (Decimal('2.67'), Decimal('-0.13'), Decimal('0.3333'))
    >>> round_half_up(-1, 30, 1)
    Decimal('0.0')
    """
    scaled = numerator * 10**places
    quotient, remainder = divmod(abs(scaled), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    signed = -quotient if scaled < 0 else quotient
    return Decimal(signed).scaleb(-places, context=MONEY_CONTEXT)


def quantize_amount(amount: Decimal, unit: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """*amount* rounded to a multiple of *unit* with *rounding* (the rule of ``Money.quantize``).

    Raises:
        InvalidValue: *unit* is not a finite Decimal above zero.
    """
    if type(unit) is not Decimal or not unit.is_finite() or unit <= 0:
        raise InvalidValue("unit", "gt", value=unit, bound=0)
    steps = MONEY_CONTEXT.divide(amount, unit).to_integral_value(rounding=rounding)
    return MONEY_CONTEXT.multiply(steps, unit).quantize(unit, context=MONEY_CONTEXT)


def allocate_amount(
    amount: Decimal, weights: Sequence[Decimal | int], unit: Decimal
) -> list[Decimal]:
    """Largest-remainder allocation of *amount* by *weights* in steps of *unit*.

    The rule behind :meth:`Money.allocate`.
    """
    if unit <= 0:
        raise InvalidValue("unit", "gt", value=unit, bound=0)
    if not weights:
        raise InvalidValue("weights", "min_items", value=[], bound=1, length=0)
    decimal_weights = [_as_decimal(w, "weights") for w in weights]  # finite, or refused
    exact_weights = [Fraction(d) for d in decimal_weights]
    for w in exact_weights:
        if w < 0:
            raise InvalidValue("weights", "ge", value=w, bound=0)
    total_weight = sum(exact_weights)
    if total_weight == 0:
        raise InvalidValue("weights", "gt", value="sum 0", bound="0 in sum")
    units = Fraction(amount) / Fraction(unit)
    if units.denominator != 1:
        raise InvalidValue(
            "amount",
            "format",
            value=amount,
            what=f"whole number of {unit} units (quantize first)",
            what_zh=f"{unit} 的整数倍（请先取整）",
        )
    whole = int(units)
    sign = -1 if whole < 0 else 1
    whole = abs(whole)
    shares = [whole * w / total_weight for w in exact_weights]
    floors = [int(s) for s in shares]
    left = whole - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [MONEY_CONTEXT.multiply(Decimal(sign * f), unit) for f in floors]


@attrs.frozen(weakref_slot=False)
class Rate:
    """A bounded rate such as a discount or a share, between 0 and 1.

    >>> Rate.percent(5).apply(Money.of("200.00"))
    Money(amount=Decimal('10.0000'), currency='CNY')
    >>> str(Rate.percent("12.5"))
    '12.5%'

    Attributes:
        value: The rate as a fraction: ``Decimal("0.05")`` is 5 %.
    """

    value: Decimal = attrs.field()

    @value.validator
    def _check(self, _attr: "attrs.Attribute[Decimal]", value: object) -> None:
        if type(value) is not Decimal or not value.is_finite():
            raise InvalidValue(
                "rate", "type", value=value, expected="finite Decimal", got=type(value).__name__
            )
        if value < 0:
            raise InvalidValue("rate", "ge", value=value, bound=0)
        if value > 1:
            raise InvalidValue("rate", "le", value=value, bound=1)

    @classmethod
    def percent(cls, value: Decimal | int | str) -> "Rate":
        """A rate from a percentage: ``Rate.percent(5)`` is 5 %."""
        return cls(MONEY_CONTEXT.divide(_as_decimal(value, "rate"), Decimal(100)))

    def apply(self, money: Money) -> Money:
        """The rate's share of *money*, unrounded."""
        return money * self.value

    def __str__(self) -> str:
        pct = MONEY_CONTEXT.multiply(self.value, Decimal(100)).normalize(MONEY_CONTEXT)
        return f"{pct:f}%"


@attrs.frozen(weakref_slot=False)
class Period:
    """A half-open range of dates: ``start`` is in it, ``end`` is not.

    Month arithmetic clips to the month's end, as
    :class:`dateutil.relativedelta.relativedelta` does: one month after
    31 January is 28 (or 29) February.

    >>> p = Period.year(2026)
    >>> p.days, date(2026, 12, 31) in p, date(2027, 1, 1) in p
    (365, True, False)
    >>> Period.trailing(date(2026, 3, 30), months=1)
    Period(start=datetime.date(2026, 2, 28), end=datetime.date(2026, 3, 31))

    Attributes:
        start: The first day in the period.
        end: The first day after it; later than *start*.
    """

    start: date
    end: date

    def __attrs_post_init__(self) -> None:
        check_period(self.start, self.end)

    @classmethod
    def year(cls, year: int) -> "Period":
        """The calendar year *year*."""
        return cls(start=date(year, 1, 1), end=date(year + 1, 1, 1))

    @classmethod
    def trailing(cls, as_of: date, *, months: int) -> "Period":
        """The *months* months up to and including *as_of*.

        It ends the day after *as_of* and starts *months* months before
        that end, clipped to the month's end.  Windows are immutable, so the
        most recent ones are kept and reused (relativedelta is slow).
        """
        return _trailing(as_of, months)

    def __contains__(self, day: object) -> bool:
        if isinstance(day, datetime):
            raise InvalidValue(
                "day", "type", value=day, expected="a date (not a datetime)", got="datetime"
            )
        return isinstance(day, date) and self.start <= day < self.end

    @property
    def days(self) -> int:
        """How many days the period holds."""
        return (self.end - self.start).days

    def overlaps(self, other: "Period") -> bool:
        """Whether the two periods share at least one day."""
        return self.start < other.end and other.start < self.end


@functools.lru_cache(maxsize=1024)
def _trailing(as_of: date, months: int) -> Period:
    """The trailing window of :meth:`Period.trailing`, memoised."""
    end = as_of + timedelta(days=1)
    return Period(start=end - relativedelta(months=months), end=end)


def check_period(start: date, end: date) -> None:
    """The rule for a :class:`Period`: *end* must be after *start*."""
    if not end > start:
        raise InvalidValue("end", "order", value=end.isoformat(), other="start", subpath=".end")


# --- personal data ---------------------------------------------------------


def mask_mobile(number: str) -> str:
    """Keep the first 3 and last 4 digits: ``138****1234``."""
    return number[:3] + "****" + number[-4:]


def mask_id_card(number: str) -> str:
    """Keep the first 6 and last 4 characters, star the rest."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(name: str) -> str:
    """Keep the first character; star every other non-space character."""
    return (
        name[:1] + "".join(" " if ch == " " else "*" for ch in name[1:]) if len(name) > 1 else "*"
    )


def mask_address(address: str) -> str:
    """Keep at most the first 6 characters (about a city and district) and a third of the text."""
    keep = min(6, len(address) // 3)
    return address[:keep] + "****"


_MOBILE = re.compile(r"1[3-9][0-9]{9}\Z")
_ID_CARD = re.compile(r"[1-9][0-9]{16}[0-9X]\Z")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_is_valid(number: str) -> bool:
    """GB 11643-1999: 17 digits, a valid birth date, and the ISO 7064 check character."""
    if not _ID_CARD.match(number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


class _Sensitive:
    """Shared behaviour of the masked personal-data types.

    Deliberately *not* an attrs class: :func:`attrs.asdict` and
    :func:`attrs.astuple` of a customer keep these objects as they are
    (masked when shown) instead of copying the full value into a dict.
    Instances are immutable, compared and hashed by value, and pickle.
    """

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str) -> None:
        self._check(value)
        object.__setattr__(self, "_value", value)

    @staticmethod
    def _check(value: object) -> None:
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._value == other._value

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._value))

    def __reduce__(self) -> tuple[type["_Sensitive"], tuple[str]]:
        return (type(self), (self._value,))

    def reveal(self) -> str:
        """The full value.  Call this only where the full value is needed."""
        return self._value

    @property
    def masked(self) -> str:
        """The masked rendering, safe to show and to log."""
        raise NotImplementedError  # pragma: no cover - every subclass overrides it

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.masked!r})"

    def __str__(self) -> str:
        return self.masked


def _text(field: str, value: object, max_length: int) -> str:
    if type(value) is not str:
        raise InvalidValue(field, "type", expected="str", got=type(value).__name__, sensitive=True)
    if not value.strip():
        raise InvalidValue(field, "empty", sensitive=True)
    if len(value) > max_length:
        raise InvalidValue(
            field, "max_length", sensitive=True, bound=max_length, length=len(value)
        )
    return value


def _check_mobile(value: object) -> None:
    if not _MOBILE.match(_text("mobile", value, 11)):
        raise InvalidValue(
            "mobile",
            "format",
            sensitive=True,
            what="mainland mobile number (11 digits starting 13–19)",
            what_zh="大陆手机号（以 13–19 开头的 11 位数字）",
        )


def _check_id_card(value: object) -> None:
    if not id_card_is_valid(_text("id_number", value, 18)):
        raise InvalidValue(
            "id_number",
            "format",
            sensitive=True,
            what="resident ID number (18 characters, GB 11643 check digit)",
            what_zh="居民身份证号码（18 位，GB 11643 校验位）",
        )


def _check_name(value: object) -> None:
    _text("name", value, 100)


def _check_address(value: object) -> None:
    _text("address", value, 200)


class MobileNumber(_Sensitive):
    """A mainland mobile number, masked as ``138****1234`` when shown.

    >>> m = MobileNumber("13812341234")
    >>> str(m), m.reveal()
    ('138****1234', '13812341234')
    """

    __slots__ = ()
    _check = staticmethod(_check_mobile)

    @property
    def masked(self) -> str:
        """``138****1234``."""
        return mask_mobile(self._value)


class IdCardNumber(_Sensitive):
    """A resident ID-card number (身份证号), checked and masked.

    >>> IdCardNumber("11010519491231002X")
    IdCardNumber('110105********002X')
    """

    __slots__ = ()
    _check = staticmethod(_check_id_card)

    @property
    def masked(self) -> str:
        """The first 6 and last 4 characters, stars between."""
        return mask_id_card(self._value)


class PersonName(_Sensitive):
    """A person's (or contact's) name, masked as ``张**`` when shown.

    >>> PersonName("张伟明"), PersonName("Li Na")
    (PersonName('张**'), PersonName('L* **'))
    """

    __slots__ = ()
    _check = staticmethod(_check_name)

    @property
    def masked(self) -> str:
        """The first character, then stars."""
        return mask_name(self._value)


class Address(_Sensitive):
    """A postal address, masked after its first few characters.

    >>> Address("上海市浦东新区世纪大道 100 号 3 栋 1201")
    Address('上海市浦东新****')
    """

    __slots__ = ()
    _check = staticmethod(_check_address)

    @property
    def masked(self) -> str:
        """At most the first 6 characters, then ``****``."""
        return mask_address(self._value)


def sensitive_types() -> tuple[type[Any], ...]:
    """The masked personal-data types, for serialisation and tests."""
    return (MobileNumber, IdCardNumber, PersonName, Address)


def total(amounts: Iterable[Money], currency: str = "CNY") -> Money:
    """Sum of *amounts*; :meth:`Money.zero` in *currency* when there are none."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
