"""Repeat complaints (重复投诉) and the special rectifications they call for (专项整改).

A complaint *repeats* an earlier one when both are in the same category and
share a key the :class:`RepeatPolicy` names — the same customer, or the
same unit — and the earlier one was registered within the policy's window
before it.  When one key and category gather ``rectification_threshold``
complaints within one window, the problem calls for a special
rectification (DOMAIN.md §4).

Rules, stated and tested:

* **Order.** Complaints are ordered by ``(registered_at, complaint_id)``:
  instants compare as instants whatever their UTC offsets, and two
  complaints registered at the same instant are ordered by their ids
  (compared as strings, code point by code point).  *Earlier* means before
  in this order, so of two complaints registered at the same instant the one
  with the smaller id is the earlier one.
* **Window boundary.** An earlier complaint counts when
  ``later.registered_at - earlier.registered_at <= window``: one
  registered *exactly* ``window`` before counts, one a second more does not.
* **Keys.** A complaint matches when *any* key of the policy matches and the
  category is the same.  A complaint without a unit is never matched by
  unit.
* **Rectification.** A complaint is flagged when, for one key, it and the
  earlier complaints it repeats by that key number at least
  ``rectification_threshold``.  Counts are per key: one earlier complaint of
  the same customer and one of the same unit (another customer) do not add
  up.
* **Listing.**  A finding names at most ``max_listed`` earlier complaints
  (20 by default), the most recent ones, oldest first; its
  :attr:`~RepeatFinding.earlier_count` is the exact number.  Each key's
  reason likewise lists at most ``max_listed`` and says how many more
  there are.
* **Cost.** :func:`find_repeats` sorts once and sweeps with one sliding
  window (a :class:`~collections.deque`) per non-empty subset of the
  policy's keys, their values and the category: the deque for the
  customer and the unit together holds the complaints that share both.
  Each complaint enters and leaves each of its deques once, and the exact
  count of distinct earlier complaints follows by inclusion–exclusion
  (``|A ∪ B| = |A| + |B| − |A ∩ B|``), so ``O(n log n + n·max_listed)``
  time and output in all, however many complaints share one key in one
  window.  :func:`rectifications` sorts once and moves two pointers per
  key value and category: ``O(n log n)``.  Nothing compares every pair.

The classification ``ComplaintType.REPEAT``
(:class:`~pmcrm.complaints.model.ComplaintType`) that a receiver may
choose is independent of these findings.

>>> from datetime import datetime, timedelta, timezone
>>> from pmcrm.complaints.events import Registered
>>> from pmcrm.complaints.facts import facts
>>> from pmcrm.complaints.lifecycle import replay
>>> from pmcrm.complaints.model import ComplaintChannel
>>> t0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8)))
>>> def registered(complaint_id, days):
...     event = Registered(
...         complaint_id=complaint_id,
...         at=t0 + timedelta(days=days),
...         by="s-wang",
...         customer_id="CU-1",
...         unit="3-1501",
...         location="Block 3 lobby",
...         channel=ComplaintChannel.PHONE,
...         category="cleaning",
...         summary="Lobby floor not cleaned",
...     )
...     return facts(replay([event]))
>>> # C-3 comes exactly 90 days after C-1: the boundary counts.
>>> complaints = [registered("C-1", 0), registered("C-2", 30), registered("C-3", 90)]
>>> findings = find_repeats(complaints, RepeatPolicy())
>>> [(f.complaint_id, f.earlier, f.rectification) for f in findings]
[('C-1', (), False), ('C-2', ('C-1',), False), ('C-3', ('C-1', 'C-2'), True)]
>>> print(findings[2].reasons[1].text("en"))
special rectification (same customer): 3 'cleaning' complaints within 90 days, threshold 3
>>> print(findings[2].reasons[1].text("zh"))
需专项整改（同一客户）：90 天内同类别「cleaning」投诉共 3 起，达到阈值 3
>>> [
...     (r.key.value, r.complaint_ids, r.triggered_by)
...     for r in rectifications(complaints, RepeatPolicy())
... ]
[('customer', ('C-1', 'C-2', 'C-3'), 'C-3'), ('unit', ('C-1', 'C-2', 'C-3'), 'C-3')]

With ``max_listed=1`` a finding names only the most recent earlier
complaint, and counts them all:

>>> capped = find_repeats(complaints, RepeatPolicy(max_listed=1))
>>> [(f.earlier, f.earlier_count) for f in capped]
[((), 0), (('C-1',), 1), (('C-2',), 2)]
>>> print(capped[2].reasons[0].text("en"))  # doctest: +NORMALIZE_WHITESPACE
repeat complaint (same customer): 2 earlier 'cleaning' complaint(s) within 90 days:
C-2 (2026-04-01T09:00:00+08:00) and 1 more (older, not listed)
>>> print(capped[2].reasons[0].text("zh"))  # doctest: +NORMALIZE_WHITESPACE
重复投诉（同一客户）：90 天内同类别「cleaning」早前投诉 2 起：C-2
(2026-04-01T09:00:00+08:00) 等另 1 起（更早，未列出）
"""

from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import combinations, islice
from typing import Any

import attrs

from pmcrm.complaints.facts import ComplaintFacts
from pmcrm.errors import InvalidValue
from pmcrm.explain import Reason
from pmcrm.validators import at_least, at_most, min_items, of_type, unique
from pmcrm.values import LabelledEnum

__all__ = [
    "Rectification",
    "RepeatFinding",
    "RepeatKey",
    "RepeatPolicy",
    "find_repeats",
    "rectifications",
]


class RepeatKey(LabelledEnum):
    """What two complaints must share, besides their category, to be repeats."""

    CUSTOMER = "customer", "同一客户", "same customer"
    UNIT = "unit", "同一单元", "same unit"


@attrs.frozen(repr=False)
class _Positive:
    def __call__(self, _inst: object, attr: "attrs.Attribute[Any]", value: object) -> None:
        if not isinstance(value, timedelta):
            raise InvalidValue(
                attr.name, "type", value=value, expected="timedelta", got=type(value).__name__
            )
        if not value > timedelta(0):
            raise InvalidValue(attr.name, "gt", value=str(value), bound="0")

    def __repr__(self) -> str:
        return "<positive duration validator>"


def _key_code(key: RepeatKey) -> str:
    return str(key.value)


@attrs.frozen(kw_only=True)
class RepeatPolicy:
    """When a complaint counts as a repeat, and when repeats call for a rectification.

    Loadable through the strict converter (``window`` as an ISO 8601
    duration such as ``"PT2160H"``):

    >>> from pmcrm.serialization import structure
    >>> structure({"window": "P30D", "keys": ["unit"]}, RepeatPolicy).window.days
    30
    >>> RepeatPolicy(rectification_threshold=1)
    Traceback (most recent call last):
    ...
    pmcrm.errors.InvalidValue: 'rectification_threshold' must be >= 2: 1

    Attributes:
        window: How far back an earlier complaint counts, more than zero
            (default 90 days; the boundary is included).
        keys: What a complaint may share with an earlier one, at least one,
            each once (default: the customer or the unit).
        rectification_threshold: How many complaints of one key and category
            within one window call for a special rectification, at least 2
            (default 3).
        max_listed: How many earlier complaints a finding (and each of its
            reasons) names at most, the most recent ones: an int from 1 to
            10,000 (default 20).  The counts stay exact; the cap keeps the
            output linear in the input when many complaints share a key
            within one window.
    """

    window: timedelta = attrs.field(default=timedelta(days=90), validator=_Positive())
    keys: tuple[RepeatKey, ...] = attrs.field(
        default=(RepeatKey.CUSTOMER, RepeatKey.UNIT),
        validator=[min_items(1), unique(_key_code, "repeat key")],
    )
    rectification_threshold: int = attrs.field(default=3, validator=at_least(2))
    max_listed: int = attrs.field(
        default=20, validator=[of_type(int), at_least(1), at_most(10_000)]
    )


@attrs.frozen(kw_only=True)
class RepeatFinding:
    """Whether one complaint repeats earlier ones, and why.

    Attributes:
        complaint_id: The complaint.
        registered_at: When it was registered.
        is_repeat: Whether an earlier complaint matches it.
        earlier: The ids of the earlier complaints it repeats (by any key):
            at most the policy's ``max_listed``, the most recent ones,
            listed oldest first.
        earlier_count: How many distinct earlier complaints it repeats (by
            any key), exactly, however many :attr:`earlier` names.
        matched_by: The keys by which at least one earlier complaint
            matches, in policy order.
        rectification: Whether, for one key, it and the earlier complaints
            it repeats by that key reach the rectification threshold.
        reasons: Why, with the figures, in zh and en.
    """

    complaint_id: str
    registered_at: datetime
    is_repeat: bool
    earlier: tuple[str, ...]
    earlier_count: int
    matched_by: tuple[RepeatKey, ...]
    rectification: bool
    reasons: tuple[Reason, ...]


@attrs.frozen(kw_only=True)
class Rectification:
    """A group of complaints that calls for a special rectification (专项整改).

    The group holds every complaint of one key value and category that lies
    in some window holding at least ``rectification_threshold`` of them;
    such windows that share a complaint make one group, so a problem that
    keeps coming back is one rectification, not one per complaint.

    Attributes:
        key: The key the complaints share.
        value: Its value (the customer id or the unit).
        category: The category code.
        complaint_ids: The complaints, oldest first.
        first_registered_at: When the first was registered.
        last_registered_at: When the last was registered.
        triggered_by: The complaint with which the count first reached the
            threshold (from then on, the rectification is due).
        reasons: Why, with the figures, in zh and en.
    """

    key: RepeatKey
    value: str
    category: str
    complaint_ids: tuple[str, ...]
    first_registered_at: datetime
    last_registered_at: datetime
    triggered_by: str
    reasons: tuple[Reason, ...]

    @property
    def count(self) -> int:
        """How many complaints the group holds."""
        return len(self.complaint_ids)


# --- rules -----------------------------------------------------------------------------


def _order(complaint: ComplaintFacts) -> tuple[datetime, str]:
    return (complaint.registered_at, complaint.complaint_id)


def _in_order(complaints: Iterable[ComplaintFacts]) -> list[ComplaintFacts]:
    """The complaints in ``(registered_at, complaint_id)`` order, ids checked unique."""
    ordered = sorted(complaints, key=_order)
    seen: set[str] = set()
    for complaint in ordered:
        if complaint.complaint_id in seen:
            raise InvalidValue(
                "complaints", "duplicate", value=complaint.complaint_id, what="complaint id"
            )
        seen.add(complaint.complaint_id)
    return ordered


def _key_value(complaint: ComplaintFacts, key: RepeatKey) -> str | None:
    return complaint.customer_id if key is RepeatKey.CUSTOMER else complaint.unit


def _span(window: timedelta) -> tuple[str, str]:
    """*window* for people: ``("90 天", "90 days")``, or in hours when not whole days."""
    if window % timedelta(days=1) == timedelta(0):
        return f"{window.days} 天", f"{window.days} days"
    hours = f"{window / timedelta(hours=1):g}"
    return f"{hours} 小时", f"{hours} hours"


@attrs.frozen
class _KeyMatch:
    """The earlier complaints of one key: how many, and the most recent ones listed."""

    count: int
    shown: int
    listed: str


@attrs.frozen
class _Matches:
    """What the sweep found for one complaint."""

    per_key: dict[RepeatKey, _KeyMatch]
    earlier: tuple[str, ...]
    earlier_count: int


def _subsets(keys: tuple[RepeatKey, ...]) -> tuple[tuple[RepeatKey, ...], ...]:
    """The non-empty subsets of *keys*, smallest first, each in policy order."""
    return tuple(subset for size in range(1, len(keys) + 1) for subset in combinations(keys, size))


class _Labels:
    """``"C-1 (2026-03-02T09:00:00+08:00)"`` for each complaint, rendered when first listed."""

    def __init__(self, ordered: list[ComplaintFacts]) -> None:
        self._ordered = ordered
        self._text: dict[int, str] = {}

    def listed(self, positions: Iterable[int]) -> str:
        """The complaints at *positions*, as a reason lists them."""
        return ", ".join(self._label(i) for i in positions)

    def _label(self, i: int) -> str:
        text = self._text.get(i)
        if text is None:
            c = self._ordered[i]
            text = self._text[i] = f"{c.complaint_id} ({c.registered_at.isoformat()})"
        return text


def _sweep(
    ordered: list[ComplaintFacts], policy: RepeatPolicy
) -> Iterator[tuple[ComplaintFacts, _Matches]]:
    """Each complaint with what it repeats: per key, and by any key.

    One deque per ``(subset of keys, their values, category)`` holds the
    positions (in *ordered*) of the complaints still in the window that
    share all of those keys; each complaint enters and leaves each of its
    deques once.  All deques slide by the same window, so after expiring
    the ones a complaint touches, their lengths are exact, and
    inclusion–exclusion over the subsets gives the number of distinct
    earlier complaints matched by any key.  Each key's ``max_listed`` most
    recent positions hold the union's ``max_listed`` most recent, and
    positions sort in ``(registered_at, complaint_id)`` order.
    """
    windows: dict[tuple[tuple[RepeatKey, ...], tuple[str | None, ...], str], deque[int]] = {}
    window, limit = policy.window, policy.max_listed
    subsets = _subsets(policy.keys)
    labels = _Labels(ordered)
    for i, complaint in enumerate(ordered):
        at = complaint.registered_at
        values = {key: _key_value(complaint, key) for key in policy.keys}
        per_key: dict[RepeatKey, _KeyMatch] = {}
        recent_by_key: list[list[int]] = []
        count = 0
        for subset in subsets:
            shared = tuple(values[key] for key in subset)
            if None in shared:
                continue  # no unit: never in a unit deque
            recent = windows.setdefault((subset, shared, complaint.category), deque())
            while recent and at - ordered[recent[0]].registered_at > window:
                recent.popleft()
            count += len(recent) if len(subset) % 2 else -len(recent)
            if len(subset) == 1:
                latest = list(islice(reversed(recent), limit))
                latest.reverse()
                recent_by_key.append(latest)
                per_key[subset[0]] = _KeyMatch(
                    count=len(recent), shown=len(latest), listed=labels.listed(latest)
                )
            recent.append(i)
        earlier = sorted(set().union(*recent_by_key))[-limit:]
        yield (
            complaint,
            _Matches(
                per_key=per_key,
                earlier=tuple(ordered[j].complaint_id for j in earlier),
                earlier_count=count,
            ),
        )


def find_repeats(
    complaints: Iterable[ComplaintFacts], policy: RepeatPolicy
) -> tuple[RepeatFinding, ...]:
    """One finding per complaint, in ``(registered_at, complaint_id)`` order.

    See the module docstring for the rules (order, window boundary, keys,
    threshold, listing) and the cost: ``O(n log n + n·max_listed)``, however
    many complaints share a key within one window.

    Args:
        complaints: The complaints to compare, in any order.
        policy: The rules (``RepeatPolicy()`` for the defaults).

    Raises:
        InvalidValue: two complaints share an id (the error names it).
    """
    return tuple(
        _finding(complaint, matches, policy)
        for complaint, matches in _sweep(_in_order(complaints), policy)
    )


def _earlier_reason(
    key: RepeatKey, match: _KeyMatch, figures: tuple[tuple[str, str], ...]
) -> Reason:
    """The reason that *key* matches: the exact count, the most recent listed."""
    zh = "重复投诉（{key}）：{window}内同类别「{category}」早前投诉 {earlier_count} 起：{earlier}"
    en = (
        "repeat complaint ({key_en}): {earlier_count} earlier '{category}' "
        "complaint(s) within {window_en}: {earlier}"
    )
    listed = (
        *figures,
        ("earlier_count", str(match.count)),
        ("earlier", match.listed),
    )
    more = match.count - match.shown
    if more:
        zh += " 等另 {more} 起（更早，未列出）"
        en += " and {more} more (older, not listed)"
        listed = (*listed, ("more", str(more)))
    return Reason(code=f"repeat.{key.value}", zh=zh, en=en, figures=listed)


def _finding(complaint: ComplaintFacts, matches: _Matches, policy: RepeatPolicy) -> RepeatFinding:
    zh_window, en_window = _span(policy.window)
    threshold = policy.rectification_threshold
    base = (
        ("category", complaint.category),
        ("window", zh_window),
        ("window_en", en_window),
    )
    reasons: list[Reason] = []
    if RepeatKey.UNIT in policy.keys and complaint.unit is None:
        reasons.append(
            Reason(
                code="repeat.unit.absent",
                zh="投诉未登记单元：不按同一单元比对",
                en="no unit registered: not matched by unit",
            )
        )
    matched_by: list[RepeatKey] = []
    rectification = False
    for key, match in matches.per_key.items():
        if not match.count:
            continue
        matched_by.append(key)
        count = match.count + 1
        reached = count >= threshold
        rectification = rectification or reached
        figures = (
            ("key", key.label.zh),
            ("key_en", key.label.en),
            *base,
            ("count", str(count)),
            ("threshold", str(threshold)),
        )
        reasons.append(_earlier_reason(key, match, figures))
        if reached:
            reasons.append(
                Reason(
                    code=f"repeat.{key.value}.rectification",
                    zh="需专项整改（{key}）：{window}内同类别「{category}」投诉共 {count} 起，"
                    "达到阈值 {threshold}",
                    en="special rectification ({key_en}): {count} '{category}' complaints "
                    "within {window_en}, threshold {threshold}",
                    figures=figures,
                )
            )
        else:
            reasons.append(
                Reason(
                    code=f"repeat.{key.value}.below_threshold",
                    zh="未达专项整改阈值（{key}）：{window}内同类别「{category}」"
                    "投诉共 {count} 起，阈值 {threshold}",
                    en="no special rectification yet ({key_en}): {count} '{category}' "
                    "complaints within {window_en}, threshold {threshold}",
                    figures=figures,
                )
            )
    if not matched_by:
        keys = policy.keys
        reasons.append(
            Reason(
                code="repeat.none",
                zh="非重复投诉：{window}内无同类别「{category}」且{keys}的早前投诉",
                en="not a repeat: no earlier '{category}' complaint with the {keys_en} "
                "within {window_en}",
                figures=(
                    *base,
                    ("keys", "或".join(k.label.zh for k in keys)),
                    ("keys_en", " or ".join(k.label.en for k in keys)),
                ),
            )
        )
    return RepeatFinding(
        complaint_id=complaint.complaint_id,
        registered_at=complaint.registered_at,
        is_repeat=bool(matched_by),
        earlier=matches.earlier,
        earlier_count=matches.earlier_count,
        matched_by=tuple(matched_by),
        rectification=rectification,
        reasons=tuple(reasons),
    )


def rectifications(
    complaints: Iterable[ComplaintFacts], policy: RepeatPolicy
) -> tuple[Rectification, ...]:
    """The groups of complaints that call for a special rectification.

    For each key of the policy, the complaints are grouped by key value and
    category.  A window ending at a complaint (every complaint of the group
    registered at most ``window`` before it, itself included) that holds at
    least ``rectification_threshold`` complaints is *full*; full windows
    that share a complaint merge, and each merged run is one
    :class:`Rectification`.  The same complaints may form a group by
    customer and another by unit: both are listed, since each points at a
    different fix.  ``O(n log n)``: one sort, then two pointers per group.

    Args:
        complaints: The complaints, in any order (the same input as
            :func:`find_repeats`).
        policy: The rules (``RepeatPolicy()`` for the defaults).

    Returns:
        The groups, ordered by their first complaint
        ``(registered_at, complaint_id)``, then by the policy's key order.

    Raises:
        InvalidValue: two complaints share an id (the error names it).
    """
    ordered = _in_order(complaints)
    rank = {key: i for i, key in enumerate(policy.keys)}
    found: list[tuple[tuple[datetime, str], int, Rectification]] = []
    for key in policy.keys:
        groups: dict[tuple[str, str], list[ComplaintFacts]] = {}
        for complaint in ordered:
            value = _key_value(complaint, key)
            if value is not None:
                groups.setdefault((value, complaint.category), []).append(complaint)
        for (value, category), members in groups.items():
            for run, trigger in _full_runs(members, policy):
                found.append(
                    (
                        _order(run[0]),
                        rank[key],
                        _rectification(
                            key=key,
                            value=value,
                            category=category,
                            run=run,
                            trigger=trigger,
                            policy=policy,
                        ),
                    )
                )
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(item[2] for item in found)


def _full_runs(
    members: list[ComplaintFacts], policy: RepeatPolicy
) -> Iterator[tuple[list[ComplaintFacts], ComplaintFacts]]:
    """Merged full windows of one group (in order) with the complaint that first filled each."""
    window = policy.window
    threshold = policy.rectification_threshold
    start = 0
    run: tuple[int, int, int] | None = None  # first, last, trigger
    for end, complaint in enumerate(members):
        while complaint.registered_at - members[start].registered_at > window:
            start += 1
        if end - start + 1 < threshold:
            continue
        if run is not None and start <= run[1]:
            run = (run[0], end, run[2])
            continue
        if run is not None:
            yield members[run[0] : run[1] + 1], members[run[2]]
        run = (start, end, end)
    if run is not None:
        yield members[run[0] : run[1] + 1], members[run[2]]


def _rectification(
    *,
    key: RepeatKey,
    value: str,
    category: str,
    run: list[ComplaintFacts],
    trigger: ComplaintFacts,
    policy: RepeatPolicy,
) -> Rectification:
    zh_window, en_window = _span(policy.window)
    first, last = run[0].registered_at, run[-1].registered_at
    reason = Reason(
        code=f"rectification.{key.value}",
        zh="专项整改（{key} {value}，类别「{category}」）：{first} 至 {last} 共 {count} 起投诉；"
        "{trigger} 时 {window}内达到阈值 {threshold}",
        en="special rectification ({key_en} {value}, category '{category}'): {count} "
        "complaints from {first} to {last}; threshold {threshold} within {window_en} "
        "reached at {trigger}",
        figures=(
            ("key", key.label.zh),
            ("key_en", key.label.en),
            ("value", value),
            ("category", category),
            ("count", str(len(run))),
            ("first", first.isoformat()),
            ("last", last.isoformat()),
            ("trigger", trigger.complaint_id),
            ("window", zh_window),
            ("window_en", en_window),
            ("threshold", str(policy.rectification_threshold)),
        ),
    )
    return Rectification(
        key=key,
        value=value,
        category=category,
        complaint_ids=tuple(c.complaint_id for c in run),
        first_registered_at=first,
        last_registered_at=last,
        triggered_by=trigger.complaint_id,
        reasons=(reason,),
    )
