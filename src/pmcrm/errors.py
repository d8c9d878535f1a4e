"""The errors pmcrm raises.

Every error derives from :class:`PmcrmError`.  Errors a caller would naturally
catch as a builtin also derive from that builtin: :class:`InvalidValue` and
:class:`ValidationError` are :class:`ValueError` instances, :class:`CurrencyMismatch`
is a :class:`ValueError` too.

Messages name the field, the rule and the value, in English and Chinese --
except personal data: a value marked *sensitive* is never echoed, whatever
the rule it broke.

>>> err = InvalidValue("area", "ge", value=-3, bound=0)
>>> print(err)
'area' must be >= 0: -3
>>> print(err.message_zh)
'area' 必须 >= 0：-3
"""

import reprlib
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

import attrs

__all__ = [
    "ERROR_CODES",
    "CalendarCoverageError",
    "CurrencyMismatch",
    "InvalidValue",
    "MissingDependency",
    "PmcrmError",
    "ReportEntry",
    "TransitionNotAllowed",
    "ValidationError",
    "ValidationReport",
    "iso_duration",
]

#: Longest rendering of an offending value echoed in a message.
_MAX_ECHO = 40

#: Stable error codes with their message templates, ``(zh, en)``.  The
#: templates use :meth:`str.format` fields filled from the error's
#: parameters; ``{field}`` and ``{value}`` are always available.
ERROR_CODES: Mapping[str, tuple[str, str]] = {
    "type": (
        "'{field}' 应为 {expected}，实际为 {got}",
        "'{field}' must be {expected}, got {got}",
    ),
    "missing": ("缺少必填字段 '{field}'", "required field '{field}' is missing"),
    "extra_key": (
        "未知字段 '{field}'（不接受额外字段）",
        "unknown field '{field}' (extra keys are not accepted)",
    ),
    "ge": ("'{field}' 必须 >= {bound}：{value}", "'{field}' must be >= {bound}: {value}"),
    "gt": ("'{field}' 必须 > {bound}：{value}", "'{field}' must be > {bound}: {value}"),
    "le": ("'{field}' 必须 <= {bound}：{value}", "'{field}' must be <= {bound}: {value}"),
    "lt": ("'{field}' 必须 < {bound}：{value}", "'{field}' must be < {bound}: {value}"),
    "max_length": (
        "'{field}' 长度不能超过 {bound}：实际 {length}",
        "'{field}' must be at most {bound} characters long: got {length}",
    ),
    "max_items": (
        "'{field}' 最多 {bound} 项：实际 {length}",
        "'{field}' must have at most {bound} items: got {length}",
    ),
    "max_depth": (
        "'{field}' 嵌套过深：最多 {bound} 层",
        "'{field}' is nested too deeply: at most {bound} levels",
    ),
    "min_items": (
        "'{field}' 至少需要 {bound} 项：实际 {length}",
        "'{field}' must have at least {bound} items: got {length}",
    ),
    "empty": ("'{field}' 不能为空", "'{field}' must not be empty"),
    "format": (
        "'{field}' 不是有效的{what_zh}：{value}",
        "'{field}' is not a valid {what}: {value}",
    ),
    "decimal": (
        "'{field}' 不是有效的十进制数（字符串或整数，最多 15 位整数、6 位小数）：{value}",
        "'{field}' is not a valid decimal (a string or an integer with at most "
        "15 integer and 6 fractional digits): {value}",
    ),
    "naive_datetime": (
        "'{field}' 必须带时区偏移（如 +08:00）：{value}",
        "'{field}' must be timezone-aware (with an offset such as +08:00): {value}",
    ),
    "choice": (
        "'{field}' 必须是 {choices} 之一：{value}",
        "'{field}' must be one of {choices}: {value}",
    ),
    "duplicate": ("'{field}' 中有重复项：{value}", "'{field}' has a duplicate entry: {value}"),
    "reference": (
        "'{field}' 引用了不存在的{what_zh}：{value}",
        "'{field}' refers to an unknown {what}: {value}",
    ),
    "order": (
        "'{field}' 必须晚于 '{other}'：{value}",
        "'{field}' must be after '{other}': {value}",
    ),
    "currency": (
        "'{field}' 币种不一致：{value} 与 {other}",
        "'{field}' mixes currencies: {value} and {other}",
    ),
    "float": (
        "'{field}' 不接受浮点数，请使用 Decimal、整数或字符串：{value}",
        "'{field}' does not accept floats; use a Decimal, an int or a string: {value}",
    ),
    "ladder_order": (
        "'{field}' 不能超过更高等级 '{tier}' 的门槛 {bound}：{value}",
        "'{field}' must not exceed {bound}, the threshold of the higher tier '{tier}': {value}",
    ),
    "invalid": ("'{field}' 无效：{detail}", "'{field}' is invalid: {detail}"),
}


def iso_duration(value: timedelta) -> str:
    """A duration in the ISO 8601 form pmcrm reads and writes: ``"PT72H"``, ``"PT1H30M"``.

    Hours, minutes and seconds (fractions of a second as decimals); a
    negative duration gets a leading ``-``.

    >>> (
    ...     iso_duration(timedelta(days=3)),
    ...     iso_duration(timedelta(0)),
    ...     iso_duration(-timedelta(seconds=90)),
    ... )
    ('PT72H', 'PT0S', '-PT1M30S')
    """
    sign = "-" if value < timedelta(0) else ""
    micros = abs(value) // timedelta(microseconds=1)
    seconds, fraction = divmod(micros, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if fraction:
        text += f"{seconds}.{fraction:06d}".rstrip("0") + "S"
    elif seconds or text == "PT":
        text += f"{seconds}S"
    return sign + text


#: An integer of more bits than this (about 300 digits) is echoed by its size:
#: turning a huge integer into digits takes time quadratic in its length (and
#: Python refuses beyond 4,300 digits), and its digits would be cut off anyway.
_ECHO_BITS = 1024


def _echo_int(value: int) -> str:
    bits = value.bit_length()
    return f"<integer of {bits} bits>" if bits > _ECHO_BITS else str(value)


class _ShortRepr(reprlib.Repr):
    """:mod:`reprlib` with huge integers echoed by size: bounded work for any container."""

    def repr_int(self, x: int, level: int) -> str:
        return _echo_int(x)


_SHORT = _ShortRepr()
_SHORT.maxlevel = 3
_SHORT.maxstring = _SHORT.maxother = _MAX_ECHO


def _echo(value: object) -> str:
    """Render an offending value for a message, shortened to :data:`_MAX_ECHO`.

    The work is bounded whatever the value: containers are rendered only a
    few items and levels deep (a deeply nested or huge input costs nothing
    more), and huge integers by their size.
    """
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, int):
        text = _echo_int(value)
    elif isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, (list, tuple, dict, set, frozenset)):
        text = _SHORT.repr(value)
    else:
        text = repr(value)
    if len(text) > _MAX_ECHO:
        text = text[: _MAX_ECHO - 1] + "…"
    return text


class PmcrmError(Exception):
    """The root of every error pmcrm raises."""


class InvalidValue(PmcrmError, ValueError):
    """A value broke a rule.

    Args:
        field: The name of the field (or a short description of the value).
        code: A stable error code, one of :data:`ERROR_CODES`.
        value: The offending value; echoed only when *sensitive* is false.
        sensitive: The value is personal data and must never be echoed.
        subpath: For a rule that spans several fields of one object, the
            path of the offending part relative to that object, such as
            ``".roles[1].unit_code"``; the validation report appends it to
            the object's path.
        **params: The figures the message template needs (``bound``,
            ``expected``, ``got``…); a text parameter ``x`` may come with
            its Chinese form ``x_zh``.  Never put personal data here.

    Attributes:
        field: As given.
        code: As given.
        params: The template parameters.
        sensitive: As given.
        subpath: As given.
    """

    field: str
    code: str
    params: Mapping[str, object]
    sensitive: bool
    subpath: str

    def __init__(
        self,
        field: str,
        code: str,
        *,
        value: object = None,
        sensitive: bool = False,
        subpath: str = "",
        **params: object,
    ) -> None:
        if code not in ERROR_CODES:
            raise KeyError(f"unknown pmcrm error code {code!r}")
        self.field = field
        self.code = code
        self.sensitive = sensitive
        self.subpath = subpath
        shown = "«redacted»" if sensitive else _echo(value)
        self.params = {"value": shown, **params}
        super().__init__(self.message_en)

    def _render(self, index: int) -> str:
        params = dict(self.params)
        if index == 0:  # zh: a parameter ``x_zh`` stands in for ``x``
            params.update({k[:-3]: v for k, v in self.params.items() if k.endswith("_zh")})
        return ERROR_CODES[self.code][index].format(field=self.field, **params)

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self._render(1)

    @property
    def message_zh(self) -> str:
        """The message in Chinese."""
        return self._render(0)

    def __str__(self) -> str:
        return self.message_en


class CurrencyMismatch(PmcrmError, ValueError):
    """Arithmetic or comparison between :class:`~pmcrm.values.Money` of two currencies.

    Attributes:
        left: The currency code on the left.
        right: The currency code on the right.
    """

    def __init__(self, left: str, right: str) -> None:
        self.left = left
        self.right = right
        super().__init__(f"cannot combine money in {left} with money in {right}")


class CalendarCoverageError(PmcrmError, LookupError):
    """A date outside the range a calendar has data for.

    Calendars declare the days they cover and refuse the rest instead of
    silently answering "weekdays only".

    >>> from datetime import date
    >>> err = CalendarCoverageError("cn", date(2027, 1, 4), date(2025, 1, 1), date(2026, 12, 31))
    >>> print(err)
    calendar 'cn' covers 2025-01-01 to 2026-12-31, not 2027-01-04

    Attributes:
        calendar: The calendar's name.
        day: The day asked for.
        first_day: The first day covered.
        last_day: The last day covered.
    """

    def __init__(self, calendar: str, day: date, first_day: date, last_day: date) -> None:
        self.calendar = calendar
        self.day = day
        self.first_day = first_day
        self.last_day = last_day
        super().__init__(
            f"calendar {calendar!r} covers {first_day.isoformat()} to "
            f"{last_day.isoformat()}, not {day.isoformat()}"
        )

    @property
    def message_zh(self) -> str:
        """The message in Chinese."""
        return (
            f"日历 '{self.calendar}' 仅覆盖 {self.first_day.isoformat()} 至 "
            f"{self.last_day.isoformat()}，不含 {self.day.isoformat()}"
        )


class TransitionNotAllowed(PmcrmError):
    """An event that the current state does not allow.

    >>> err = TransitionNotAllowed(
    ...     "C-1",
    ...     "archived",
    ...     "reopened",
    ...     (),
    ...     zh_names={"archived": "已归档", "reopened": "重新打开"},
    ... )
    >>> print(err)
    complaint 'C-1' is archived: event 'reopened' is not allowed (allowed: none)
    >>> print(err.message_zh)
    投诉 'C-1' 当前为「已归档」：不允许「重新打开」（允许：无）

    Attributes:
        subject: What the state belongs to (a complaint id).
        state: The current state's name.
        event: The refused event's name.
        allowed: The names of the events the state allows.
        index: The refused event's position in the replayed list, when known.

    *zh_names* gives the Chinese names of the events (and of the state, if
    *state_zh* does not: a state and an event may share a name such as
    ``"paused"`` but not a Chinese one).
    """

    def __init__(
        self,
        subject: str,
        state: str,
        event: str,
        allowed: tuple[str, ...],
        *,
        index: int | None = None,
        zh_names: Mapping[str, str] | None = None,
        state_zh: str | None = None,
    ) -> None:
        self.subject = subject
        self.state = state
        self.event = event
        self.allowed = allowed
        self.index = index
        self._zh = dict(zh_names or {})
        self._state_zh = state_zh
        where = "" if index is None else f"events[{index}]: "
        super().__init__(
            f"{where}complaint {subject!r} is {state}: event {event!r} is not allowed "
            f"(allowed: {', '.join(allowed) or 'none'})"
        )

    @property
    def message_zh(self) -> str:
        """The message in Chinese."""
        zh = self._zh
        where = "" if self.index is None else f"events[{self.index}]："
        allowed = "、".join(f"「{zh.get(a, a)}」" for a in self.allowed) or "无"
        state = self._state_zh or zh.get(self.state, self.state)
        return (
            f"{where}投诉 {self.subject!r} 当前为「{state}」："
            f"不允许「{zh.get(self.event, self.event)}」（允许：{allowed}）"
        )


class MissingDependency(PmcrmError, ImportError):
    """An optional package pmcrm needs for this call is not installed.

    >>> raise MissingDependency("chinesecalendar", "china")
    Traceback (most recent call last):
    ...
    pmcrm.errors.MissingDependency: this needs the 'chinesecalendar' package: pip ...

    Attributes:
        package: The distribution to install.
        extra: The pmcrm extra that installs it.
    """

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(f'this needs the {package!r} package: pip install "pmcrm[{extra}]"')

    @property
    def message_zh(self) -> str:
        """The message in Chinese."""
        return f'需要安装 {self.package!r} 包：pip install "pmcrm[{self.extra}]"'


@attrs.frozen
class ReportEntry:
    """One fault found while loading data.

    Attributes:
        path: Where the fault is, as a JSON path such as ``$.units[1].area``.
        code: A stable error code, one of :data:`ERROR_CODES`.
        message_zh: What is wrong, in Chinese.
        message_en: What is wrong, in English.
    """

    path: str
    code: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "en") -> str:
        """The message in *lang* (``"zh"`` or ``"en"``)."""
        return self.message_zh if lang == "zh" else self.message_en

    def render(self, lang: str = "en") -> str:
        """``path: [code] message`` in *lang*."""
        return f"{self.path}: [{self.code}] {self.message(lang)}"


@attrs.frozen
class ValidationReport:
    """Every fault found in one input, in input order.

    Attributes:
        entries: The faults.
    """

    entries: tuple[ReportEntry, ...]

    def __iter__(self) -> Iterator[ReportEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def paths(self) -> tuple[str, ...]:
        """The path of every entry."""
        return tuple(e.path for e in self.entries)

    @property
    def codes(self) -> tuple[str, ...]:
        """The code of every entry."""
        return tuple(e.code for e in self.entries)

    def render(self, lang: str = "en") -> str:
        """One line per entry, in *lang*."""
        return "\n".join(e.render(lang) for e in self.entries)

    def as_records(self) -> list[dict[str, str]]:
        """The entries as JSON-ready dicts (for dead-letter files and APIs)."""
        return [attrs.asdict(e) for e in self.entries]


class ValidationError(PmcrmError, ValueError):
    """Input data could not be loaded; :attr:`report` lists every fault.

    Attributes:
        report: The faults, each with its path, code and zh/en message.
        target: The name of the type that was being loaded.
    """

    def __init__(self, report: ValidationReport, target: str) -> None:
        self.report = report
        self.target = target
        count = len(report)
        noun = "fault" if count == 1 else "faults"
        super().__init__(
            f"invalid {target}: {count} {noun}\n" + report.render("en"),
        )
