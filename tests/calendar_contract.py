"""A reusable contract suite for any :class:`~pmcrm.calendars.TimeBase`.

:func:`check_time_base` draws instants (from a strategy of instants inside
the time base's coverage) and durations, and checks every invariant the
protocol promises, exactly (all arithmetic is in whole microseconds).
:func:`contract_test` wraps it in a ready-made Hypothesis test for one time
base; for randomly generated time bases, call :func:`check_time_base` from
your own ``@given(st.data())`` test after drawing the time base.

An operation may raise :exc:`~pmcrm.errors.CalendarCoverageError` when its
result would leave the coverage; the checks that need that result are then
skipped for the example, and nothing else may be raised.

The invariants, for instants ``t``, ``s`` and durations ``d``, ``e`` >= 0
(``ε`` is one microsecond):

* ``between(t, t) == 0``; ``between(a, b) == -between(b, a)``;
  ``between(a, b) + between(b, c) == between(a, c)``; for ``a <= b``,
  ``0 <= between(a, b) <= b - a`` (absolute time).
* ``add(t, 0) == t``; ``u = add(t, d)`` is ``>= t`` with ``between(t, u) ==
  d``; for ``s >= t``, ``s >= u`` exactly when ``between(t, s) >= d`` (so
  ``u`` is the earliest such instant); for ``d > 0`` the clock runs just
  before ``u`` (``is_working(u - ε)``: ``u`` is working time or exactly
  the end of an interval).
* ``add(add(t, d), e) == add(t, d + e)``; ``add`` is monotone in ``t`` and
  in ``d``.
* ``subtract(t, 0) == t``; ``v = subtract(t, d)`` is ``<= t`` with
  ``between(v, t) == d``; for ``s <= t``, ``s <= v`` exactly when
  ``between(s, t) >= d`` (the latest such instant); for ``d > 0``,
  ``is_working(v)`` (working time, at worst the start of an interval).
* For ``d > 0``: ``subtract(add(t, d), d) == next_opening(t)``, and
  ``w = add(subtract(t, d), d)`` is ``<= t`` with ``between(w, t) == 0``.
* ``o = next_opening(t)`` is ``>= t``, working time, with ``between(t, o)
  == 0``; ``o == t`` exactly when ``is_working(t)``.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from hypothesis import given, note
from hypothesis import strategies as st

from pmcrm.calendars import TimeBase
from pmcrm.errors import CalendarCoverageError

ZERO = timedelta(0)
EPSILON = timedelta(microseconds=1)
T = TypeVar("T")

#: Durations from 0 to 20 days of counted time, often short, sometimes 0.
DURATIONS = st.one_of(
    st.just(ZERO),
    st.timedeltas(min_value=ZERO, max_value=timedelta(hours=8)),
    st.timedeltas(min_value=ZERO, max_value=timedelta(days=20)),
    st.sampled_from([timedelta(hours=h) for h in (1, 2, 4, 8, 24, 72)]),
)


def _maybe(operation: Callable[[], T]) -> T | None:
    """The operation's result, or ``None`` when it would leave the coverage."""
    try:
        return operation()
    except CalendarCoverageError:
        return None


def _utc(at: datetime) -> datetime:
    """*at* in UTC: compare and shift instants there, never in a zone with DST.

    Two datetimes that share a tzinfo compare (and add) by wall-clock
    time, ignoring ``fold``: 02:30 summer time and 02:30 winter time on
    the night the clocks go back would be "equal".
    """
    return at.astimezone(UTC)


def check_between(tb: TimeBase, a: datetime, b: datetime, c: datetime) -> None:
    """Antisymmetry, additivity and bounds of ``between``."""
    assert ZERO == tb.between(a, a)
    assert tb.between(a, b) == -tb.between(b, a)
    assert tb.between(a, c) == tb.between(a, b) + tb.between(b, c)
    low, high = sorted((_utc(a), _utc(b)))
    assert ZERO <= tb.between(low, high) <= high - low


def check_next_opening(tb: TimeBase, t: datetime) -> None:
    """``next_opening`` is the first working instant at or after *t*."""
    opening = _maybe(lambda: tb.next_opening(t))
    if opening is None:
        assert not tb.is_working(t)
        return
    assert _utc(opening) >= _utc(t)
    assert tb.is_working(opening)
    assert ZERO == tb.between(t, opening)
    assert (_utc(opening) == _utc(t)) == tb.is_working(t)


def check_add(tb: TimeBase, t: datetime, s: datetime, d: timedelta) -> None:
    """``add(t, d)`` is the earliest instant at which *d* of counted time has passed."""
    assert _utc(t) == _utc(tb.add(t, ZERO))
    result = _maybe(lambda: tb.add(t, d))
    if result is None:
        return
    note(f"add({t.isoformat()}, {d!r}) = {result.isoformat()}")
    u = _utc(result)
    assert u >= _utc(t)
    assert d == tb.between(t, result)
    if _utc(s) >= _utc(t):
        assert (_utc(s) >= u) == (tb.between(t, s) >= d)
    if d > ZERO:
        assert tb.is_working(u - EPSILON)
        assert tb.between(t, u - EPSILON) < d
        assert _utc(tb.next_opening(t)) == _utc(tb.subtract(result, d))


def check_subtract(tb: TimeBase, t: datetime, s: datetime, d: timedelta) -> None:
    """``subtract(t, d)`` is the latest instant from which *d* of counted time passes by *t*."""
    assert _utc(t) == _utc(tb.subtract(t, ZERO))
    result = _maybe(lambda: tb.subtract(t, d))
    if result is None:
        return
    note(f"subtract({t.isoformat()}, {d!r}) = {result.isoformat()}")
    v = _utc(result)
    assert v <= _utc(t)
    assert d == tb.between(result, t)
    if _utc(s) <= _utc(t):
        assert (_utc(s) <= v) == (tb.between(s, t) >= d)
    if d > ZERO:
        assert tb.is_working(result)
        assert tb.between(v + EPSILON, t) < d
        w = _utc(tb.add(result, d))
        assert w <= _utc(t)
        assert ZERO == tb.between(w, t)


def check_composition(tb: TimeBase, t: datetime, d: timedelta, e: timedelta) -> None:
    """``add`` composes: adding *d* then *e* is adding ``d + e``."""
    whole = _maybe(lambda: tb.add(t, d + e))
    if whole is None:
        return
    assert _utc(whole) == _utc(tb.add(tb.add(t, d), e))


def check_monotone(tb: TimeBase, t1: datetime, t2: datetime, d1: timedelta, d2: timedelta) -> None:
    """``add`` and ``subtract`` are monotone in the instant and in the duration."""
    early, late = sorted((_utc(t1), _utc(t2)))
    short, long = sorted((d1, d2))
    late_long = _maybe(lambda: tb.add(late, long))
    if late_long is not None:
        assert _utc(tb.add(early, long)) <= _utc(late_long)
        assert _utc(tb.add(late, short)) <= _utc(late_long)
    early_long = _maybe(lambda: tb.subtract(early, long))
    if early_long is not None:
        assert _utc(early_long) <= _utc(tb.subtract(late, long))
        assert _utc(early_long) <= _utc(tb.subtract(early, short))


def check_time_base(
    tb: TimeBase,
    data: st.DataObject,
    instants: st.SearchStrategy[datetime],
    durations: st.SearchStrategy[timedelta] = DURATIONS,
) -> None:
    """Check every invariant of the module docstring once, on values drawn from *data*.

    Args:
        tb: The time base under test.
        data: Hypothesis' ``st.data()`` of the calling test.
        instants: Aware instants inside *tb*'s coverage.
        durations: Durations >= 0.
    """
    t, s, c = (data.draw(instants, label=label) for label in ("t", "s", "c"))
    d, e = (data.draw(durations, label=label) for label in ("d", "e"))
    assert isinstance(tb.name, str)
    check_between(tb, t, s, c)
    check_next_opening(tb, t)
    check_add(tb, t, s, d)
    check_subtract(tb, t, s, d)
    check_composition(tb, t, d, e)
    check_monotone(tb, t, s, d, e)


def contract_test(
    tb: TimeBase,
    instants: st.SearchStrategy[datetime],
    durations: st.SearchStrategy[timedelta] = DURATIONS,
) -> Callable[[], None]:
    """A Hypothesis test of the whole contract for one time base.

    Assign it to a ``test_…`` name in a test module::

        test_my_calendar_contract = contract_test(my_calendar, my_instants)
    """

    @given(st.data())
    def test(data: st.DataObject) -> None:
        check_time_base(tb, data, instants, durations)

    test.__doc__ = f"The TimeBase contract holds for {tb!r:.60}."
    return test
