"""Leaf parsers for times of day, durations and time zones; the validators and errors with them.

The parsers of :mod:`pmcrm._parse`, the ``aware``, ``code`` and ``optional_text``
validators, ``CalendarCoverageError`` and ``TransitionNotAllowed``.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm._parse import (
    format_duration,
    format_time,
    format_timezone,
    parse_duration,
    parse_time,
    parse_timezone,
)
from pmcrm.errors import (
    CalendarCoverageError,
    InvalidValue,
    PmcrmError,
    TransitionNotAllowed,
    ValidationError,
)
from pmcrm.serialization import make_converter, structure, unstructure
from pmcrm.validators import at_least, aware, code, optional_text

CST = timezone(timedelta(hours=8))
LIMIT = timedelta(hours=1_000_000)


def fault(call: Callable[[], object]) -> InvalidValue:
    """The InvalidValue *call* raises."""
    with pytest.raises(InvalidValue) as info:
        call()
    return info.value


# --- times of day ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("18:30:15", time(18, 30, 15)),
        ("23:59:59", time(23, 59, 59)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    """HH:MM or HH:MM:SS, 24-hour."""
    assert expected == parse_time(text)


@pytest.mark.parametrize(
    "text",
    ["9:00", "24:00", "09:60", "09:00:60", "0900", "09:00+08:00", "09:00:00.5", "09:00 ", ""],
)
def test_parse_time_refuses(text: str) -> None:
    """Single-digit hours, 24:00, offsets, fractions and padding are refused."""
    err = fault(lambda: parse_time(text))
    assert "format" == err.code
    assert f"'' is not a valid time (HH:MM): {text!r}" == str(err)


@pytest.mark.parametrize("value", [900, None, time(9, 0), ["09:00"]])
def test_parse_time_wants_a_string(value: object) -> None:
    """Anything but a string is a type fault."""
    assert "type" == fault(lambda: parse_time(value)).code


def test_format_time() -> None:
    """Minutes only when there are no seconds."""
    assert ("09:00", "09:00:05", "23:59:59") == (
        format_time(time(9, 0)),
        format_time(time(9, 0, 5)),
        format_time(time(23, 59, 59)),
    )


@pytest.mark.parametrize("value", [time(9, 0, 0, 1), time(9, 0, tzinfo=UTC)])
def test_format_time_refuses_what_parse_time_would_not_read(value: time) -> None:
    """Microseconds and a zone are refused, not silently dropped or written."""
    err = fault(lambda: format_time(value))
    assert ("invalid", "a time of day is whole seconds, without a zone") == (
        err.code,
        err.params["detail"],
    )


@given(st.times().map(lambda t: t.replace(microsecond=0)))
def test_times_round_trip(value: time) -> None:
    """parse_time(format_time(t)) == t for whole-second naive times."""
    assert value == parse_time(format_time(value))


# --- durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "canonical"),
    [
        ("PT2H", timedelta(hours=2), "PT2H"),
        ("P3D", timedelta(days=3), "PT72H"),
        ("P3DT4H30M", timedelta(days=3, hours=4, minutes=30), "PT76H30M"),
        ("PT90M", timedelta(minutes=90), "PT1H30M"),
        ("PT3600S", timedelta(hours=1), "PT1H"),
        ("P1DT1S", timedelta(days=1, seconds=1), "PT24H1S"),
        ("PT1H0M5S", timedelta(hours=1, seconds=5), "PT1H5S"),
        ("PT0S", timedelta(0), "PT0S"),
        ("P0D", timedelta(0), "PT0S"),
        ("PT999999H", timedelta(hours=999_999), "PT999999H"),
    ],
)
def test_parse_duration_and_its_canonical_form(
    text: str, expected: timedelta, canonical: str
) -> None:
    """Days, hours, minutes, seconds are read; they are written back as hours, minutes, seconds."""
    assert expected == parse_duration(text)
    assert canonical == format_duration(parse_duration(text))
    assert expected == parse_duration(canonical)


@pytest.mark.parametrize(
    "text",
    [
        "P",
        "PT",
        "P1DT",
        "-PT1H",
        "PT1.5H",
        "PT0.5S",
        "P1W",
        "P1Y",
        "P1M",
        "pt2h",
        "PT2H ",
        "2H",
        "PT1000000H",
        "P100000D",
        "",
    ],
)
def test_parse_duration_refuses(text: str) -> None:
    """Empty designators, signs, fractions, weeks, years, months and too many digits."""
    err = fault(lambda: parse_duration(text))
    assert "format" == err.code
    assert f"'' is not a valid ISO 8601 duration (such as PT2H or P3D): {text!r}" == str(err)
    assert err.message_zh.startswith("'' 不是有效的ISO 8601 时长（如 PT2H、P3D）")


@pytest.mark.parametrize("value", [7200, None, timedelta(hours=2)])
def test_parse_duration_wants_a_string(value: object) -> None:
    """Anything but a string is a type fault."""
    assert "type" == fault(lambda: parse_duration(value)).code


@pytest.mark.parametrize(
    "value",
    [-timedelta(seconds=1), timedelta(microseconds=1), timedelta(hours=2, microseconds=5), LIMIT],
)
def test_format_duration_refuses_what_parse_duration_would_not_read(value: timedelta) -> None:
    """Negative, sub-second and 1,000,000-hour durations are refused."""
    err = fault(lambda: format_duration(value))
    assert "invalid" == err.code
    assert (
        "a duration is whole seconds, not negative and under 1,000,000 hours"
        == (err.params["detail"])
    )


def test_the_longest_duration_written() -> None:
    """One second under 1,000,000 hours is written and read back."""
    longest = LIMIT - timedelta(seconds=1)
    assert "PT999999H59M59S" == format_duration(longest)
    assert longest == parse_duration(format_duration(longest))


whole_seconds = st.integers(0, LIMIT // timedelta(seconds=1) - 1).map(
    lambda s: timedelta(seconds=s)
)


@given(whole_seconds)
def test_durations_round_trip(value: timedelta) -> None:
    """parse_duration(format_duration(d)) == d, and the written form is canonical."""
    text = format_duration(value)
    assert value == parse_duration(text)
    assert text == format_duration(parse_duration(text))


@given(
    st.timedeltas(min_value=timedelta(0)).map(lambda d: d - d.microseconds * timedelta.resolution)
)
def test_any_whole_second_duration_round_trips_or_is_refused(value: timedelta) -> None:
    """Any whole-second non-negative duration is written and read back, or refused if too long."""
    if value >= LIMIT:
        assert "invalid" == fault(lambda: format_duration(value)).code
    else:
        assert value == parse_duration(format_duration(value))


@given(st.timedeltas(max_value=-timedelta(microseconds=1)))
def test_negative_durations_are_refused(value: timedelta) -> None:
    """format_duration refuses every negative duration."""
    assert "invalid" == fault(lambda: format_duration(value)).code


# --- time zones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UTC", UTC),
        ("+08:00", CST),
        ("-05:30", timezone(-timedelta(hours=5, minutes=30))),
        ("+00:00", UTC),
        ("-00:00", UTC),
        ("+23:59", timezone(timedelta(hours=23, minutes=59))),
        ("Asia/Shanghai", ZoneInfo("Asia/Shanghai")),
        ("Europe/Berlin", ZoneInfo("Europe/Berlin")),
        ("America/Argentina/Buenos_Aires", ZoneInfo("America/Argentina/Buenos_Aires")),
        ("Etc/GMT+8", ZoneInfo("Etc/GMT+8")),
    ],
)
def test_parse_timezone(text: str, expected: tzinfo) -> None:
    """UTC, fixed offsets and IANA keys."""
    assert expected == parse_timezone(text, ZoneInfo)


@pytest.mark.parametrize(
    "text",
    [
        "Asia",
        "Asia/Nowhere",
        "+24:00",
        "+08",
        "+0800",
        "08:00",
        "+8:00",
        "../etc/passwd",
        "/etc/localtime",
        "localtime",
        "Asia/Shanghai/",
        "A/B/C/D",
        "Europe/" + "X" * 60,
        "",
    ],
)
def test_parse_timezone_refuses(text: str) -> None:
    """Folders, unknown keys, bad offsets, paths, the machine's own zone and over-long names."""
    err = fault(lambda: parse_timezone(text, ZoneInfo))
    assert "format" == err.code
    assert err.message_en.startswith(
        "'' is not a valid time zone (UTC, +08:00 or an IANA name such as Asia/Shanghai): "
    )


@pytest.mark.parametrize("error", [KeyError, ValueError, IsADirectoryError])
def test_parse_timezone_turns_a_lookup_failure_into_a_format_fault(
    error: type[Exception],
) -> None:
    """Whatever the resolver raises for a bad key (not found, a folder, not a zone file)."""

    def resolve(key: str) -> tzinfo:
        raise error(key)

    assert "format" == fault(lambda: parse_timezone("Asia/Shanghai", resolve)).code


@pytest.mark.parametrize("value", [8, None, CST])
def test_parse_timezone_wants_a_string(value: object) -> None:
    """Anything but a string is a type fault."""
    assert "type" == fault(lambda: parse_timezone(value, ZoneInfo)).code


@pytest.mark.parametrize(
    ("zone", "text"),
    [
        (ZoneInfo("Europe/Berlin"), "Europe/Berlin"),
        (ZoneInfo("UTC"), "UTC"),
        (UTC, "UTC"),
        (timezone(timedelta(0)), "UTC"),
        (CST, "+08:00"),
        (timezone(timedelta(hours=8), "CST"), "+08:00"),
        (timezone(-timedelta(hours=5, minutes=30)), "-05:30"),
        (timezone(-timedelta(minutes=1)), "-00:01"),
        (timezone(timedelta(hours=23, minutes=59)), "+23:59"),
    ],
)
def test_format_timezone(zone: tzinfo, text: str) -> None:
    """An IANA key as is, UTC, a fixed offset as ±HH:MM (a name is dropped)."""
    assert text == format_timezone(zone)


class Local(tzinfo):
    """A zone with neither a key nor a fixed offset."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        """Always +01:00."""
        return timedelta(hours=1)

    def dst(self, dt: datetime | None) -> timedelta:
        """No summer time."""
        return timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        """A name."""
        return "local"


def berlin_from_file() -> ZoneInfo:
    """Berlin read from its TZif file: a ZoneInfo without a key."""
    with (resources.files("tzdata.zoneinfo") / "Europe" / "Berlin").open("rb") as data:
        return ZoneInfo.from_file(data)


@pytest.mark.parametrize(
    "zone",
    [
        Local(),
        timezone(timedelta(seconds=30)),
        timezone(-timedelta(hours=1, seconds=1)),
        timezone(timedelta(minutes=5, microseconds=1)),
    ],
    ids=["custom", "30s", "-1h1s", "5min1us"],
)
def test_format_timezone_refuses_zones_it_cannot_name(zone: tzinfo) -> None:
    """A zone without a key, or an offset that is not whole minutes."""
    err = fault(lambda: format_timezone(zone))
    assert ("invalid", "only IANA zones and whole-minute offsets are dumped") == (
        err.code,
        err.params["detail"],
    )


def test_format_timezone_refuses_a_zone_info_without_a_key() -> None:
    """ZoneInfo.from_file has no key to write."""
    zone = berlin_from_file()
    assert None is getattr(zone, "key", "a key")
    assert "invalid" == fault(lambda: format_timezone(zone)).code


offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
keys = st.sampled_from(["Asia/Shanghai", "Asia/Hong_Kong", "Europe/Berlin", "America/New_York"])


@given(offsets)
def test_offsets_round_trip(zone: timezone) -> None:
    """parse_timezone(format_timezone(z)) == z for whole-minute offsets."""
    text = format_timezone(zone)
    assert zone == parse_timezone(text, ZoneInfo)
    assert text == format_timezone(parse_timezone(text, ZoneInfo))


@given(keys)
def test_keys_round_trip(key: str) -> None:
    """An IANA key is read and written back unchanged (the same ZoneInfo)."""
    assert ZoneInfo(key) is parse_timezone(key, ZoneInfo)
    assert key == format_timezone(parse_timezone(key, ZoneInfo))


# --- the converter edge ----------------------------------------------------------------------


@attrs.frozen
class Window:
    """A class with every new leaf type, plain and optional."""

    opens: time
    lasts: timedelta
    zone: tzinfo
    closes: time | None = None
    grace: timedelta | None = None
    shown_in: tzinfo | None = None


WINDOW = Window(
    opens=time(8, 30),
    lasts=timedelta(hours=9, minutes=30),
    zone=ZoneInfo("Asia/Shanghai"),
    closes=time(18, 0, 30),
    grace=timedelta(0),
    shown_in=timezone(-timedelta(hours=5)),
)
WINDOW_DATA = {
    "opens": "08:30",
    "lasts": "PT9H30M",
    "zone": "Asia/Shanghai",
    "closes": "18:00:30",
    "grace": "PT0S",
    "shown_in": "-05:00",
}


def test_leaves_load_and_dump_through_both_paths() -> None:
    """The fast path and the detailed converter read the same leaves; dumps are canonical."""
    converter = make_converter()
    assert WINDOW_DATA == unstructure(WINDOW)
    assert WINDOW == structure(WINDOW_DATA, Window)
    assert WINDOW == converter.load_detailed(WINDOW_DATA, Window)
    slow = make_converter()
    slow.register_unstructure_hook(bytes, bytes.hex)  # turns the fast paths off
    assert WINDOW_DATA == slow.dump(WINDOW)
    bare = Window(opens=time(0, 0), lasts=timedelta(days=3), zone=UTC)
    data: dict[str, str | None] = {"opens": "00:00", "lasts": "PT72H", "zone": "UTC"}
    data |= {"closes": None, "grace": None, "shown_in": None}
    assert data == unstructure(bare)
    assert bare == structure(data, Window)
    assert bare == structure({"opens": "00:00", "lasts": "P3D", "zone": "UTC"}, Window)


def test_bad_leaves_are_located() -> None:
    """Each bad leaf is reported at its path with its rule."""
    with pytest.raises(ValidationError) as info:
        structure(
            {"opens": "8:30", "lasts": "PT9.5H", "zone": "Asia", "closes": 1800, "grace": "-PT1H"},
            Window,
        )
    report = info.value.report
    assert ("$.opens", "$.lasts", "$.zone", "$.closes", "$.grace") == report.paths
    assert ("format", "format", "format", "type", "format") == report.codes


def test_dumping_an_unwritable_leaf_raises() -> None:
    """A duration the parser would not read back is not dumped."""
    with pytest.raises(InvalidValue):
        unstructure(attrs.evolve(WINDOW, lasts=timedelta(seconds=-1)))
    with pytest.raises(InvalidValue):
        unstructure(attrs.evolve(WINDOW, opens=time(8, 30, 0, 1)))


# --- validators ------------------------------------------------------------------------------


@attrs.frozen
class Field:
    """A class whose only field gives the validators an attribute to name."""

    when: Any


def check(validator: Callable[..., None], value: object) -> None:
    """Run *validator* on *value* as the field ``when``."""
    validator(None, attrs.fields(Field).when, value)


def test_aware() -> None:
    """An aware datetime passes; naive ones and non-datetimes are refused."""
    check(aware(), datetime(2026, 11, 2, 9, tzinfo=CST))
    check(aware(), datetime(2026, 10, 25, 2, 15, tzinfo=ZoneInfo("Europe/Berlin"), fold=1))
    naive = fault(lambda: check(aware(), datetime(2026, 11, 2, 9)))  # noqa: DTZ001
    assert ("when", "naive_datetime") == (naive.field, naive.code)
    assert (
        "'when' must be timezone-aware (with an offset such as +08:00): '2026-11-02T09:00:00'"
        == str(naive)
    )
    for value in (date(2026, 11, 2), "2026-11-02T09:00:00+08:00", None):
        with pytest.raises(InvalidValue) as info:
            check(aware(), value)
        assert "type" == info.value.code
    assert "'when' must be datetime, got date" == str(fault(lambda: check(aware(), date.min)))
    assert "<aware datetime validator>" == repr(aware())


def test_aware_refuses_a_zone_without_an_offset() -> None:
    """A tzinfo whose utcoffset is None makes a naive datetime."""

    class Nowhere(tzinfo):
        def utcoffset(self, dt: datetime | None) -> None:
            return None

        def dst(self, dt: datetime | None) -> None:
            return None

        def tzname(self, dt: datetime | None) -> str:
            return "nowhere"

    nowhere = Nowhere()

    assert (
        "naive_datetime"
        == fault(lambda: check(aware(), datetime(2026, 1, 1, tzinfo=nowhere))).code
    )


@pytest.mark.parametrize(
    "value", ["water_leak", "fees.parking", "ev-charging", "a", "a1", "a_b.c-d", "x" * 40]
)
def test_code_accepts(value: str) -> None:
    """Lower-case letters, digits and '_', parts joined by '.' or '-', starting with a letter."""
    check(code(), value)


@pytest.mark.parametrize(
    "value", ["Water", "_x", "1a", "a.", "a..b", "a b", "a/b", "", "水管", "x" * 41, "a-"]
)
def test_code_refuses(value: str) -> None:
    """Capitals, leading digits or separators, empty parts, spaces, non-ASCII, too long."""
    err = fault(lambda: check(code(), value))
    assert ("when", "format") == (err.field, err.code)


def test_code_messages_and_limit() -> None:
    """The message states the rule and the limit, in en and zh; the limit is a parameter."""
    err = fault(lambda: check(code(5), "abcdef"))
    assert (
        "'when' is not a valid code (lower-case letters, digits, '_', '.', '-'; "
        "at most 5 characters): 'abcdef'"
    ) == str(err)
    assert (
        "'when' 不是有效的代码（小写字母、数字、_ . -，最多 5 个字符）：'abcdef'" == err.message_zh
    )
    check(code(5), "abcde")
    assert "'when' must be str, got int" == str(fault(lambda: check(code(), 3)))
    assert "<code validator, at most 40 characters>" == repr(code())


def test_a_duration_bound_is_shown_in_iso_8601() -> None:
    """A bound validator on a timedelta names its bound as a duration."""
    err = fault(lambda: check(at_least(timedelta(hours=2)), timedelta(minutes=90)))
    assert ("ge", "PT2H", "PT1H30M") == (err.code, err.params["bound"], err.params["value"])
    check(at_least(timedelta(hours=2)), timedelta(hours=2))


def test_optional_text() -> None:
    """None or a non-blank string within the limit."""
    check(optional_text(3), None)
    check(optional_text(3), "abc")
    assert "empty" == fault(lambda: check(optional_text(3), " ")).code
    assert "empty" == fault(lambda: check(optional_text(3), "")).code
    assert "max_length" == fault(lambda: check(optional_text(3), "abcd")).code
    assert "type" == fault(lambda: check(optional_text(3), 3)).code
    assert "<optional text validator, at most 3 characters>" == repr(optional_text(3))
    assert "<optional text validator, at most 200 characters>" == repr(optional_text())


# --- errors ----------------------------------------------------------------------------------


def test_calendar_coverage_error() -> None:
    """It names the calendar, its range and the day, in en and zh, and is a LookupError."""
    err = CalendarCoverageError("cn", date(2027, 1, 4), date(2025, 1, 1), date(2026, 12, 31))
    assert "calendar 'cn' covers 2025-01-01 to 2026-12-31, not 2027-01-04" == str(err)
    assert "日历 'cn' 仅覆盖 2025-01-01 至 2026-12-31，不含 2027-01-04" == err.message_zh
    assert ("cn", date(2027, 1, 4), date(2025, 1, 1), date(2026, 12, 31)) == (
        err.calendar,
        err.day,
        err.first_day,
        err.last_day,
    )
    assert isinstance(err, LookupError)
    assert isinstance(err, PmcrmError)


def test_transition_not_allowed_without_names() -> None:
    """Without Chinese names the zh message uses the names given; no index, no prefix."""
    err = TransitionNotAllowed("C-9", "open", "close", ("hold", "fix"))
    assert "complaint 'C-9' is open: event 'close' is not allowed (allowed: hold, fix)" == str(err)
    assert (
        "投诉 'C-9' 当前为「open」：不允许「close」（允许：「hold」、「fix」）" == err.message_zh
    )
    assert (None, ("hold", "fix")) == (err.index, err.allowed)
    assert not isinstance(err, ValueError)


def test_transition_not_allowed_with_a_state_name() -> None:
    """state_zh names the state when it shares its name with an event."""
    err = TransitionNotAllowed(
        "C-9",
        "paused",
        "archived",
        ("paused",),
        index=4,
        zh_names={"paused": "暂停", "archived": "归档"},
        state_zh="已暂停",
    )
    assert (
        "events[4]：投诉 'C-9' 当前为「已暂停」：不允许「归档」（允许：「暂停」）"
        == err.message_zh
    )
    assert str(err).startswith("events[4]: complaint 'C-9' is paused")
