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
* **Cost.** :func:`find_repeats` and :func:`rectifications` sort once and
  sweep with one sliding window (a :class:`~collections.deque`) per key
  value and category: ``O(n log n)`` time, plus the size of the output
  (:attr:`RepeatFinding.earlier` lists every earlier complaint, so a
  customer who complains *k* times in one window produces *k²/2* ids).
  Nothing compares every pair.

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
"""

from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from pmcrm.complaints.facts import ComplaintFacts
from pmcrm.errors import InvalidValue
from pmcrm.explain import Reason
from pmcrm.validators import at_least, min_items, unique
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
    """

    window: timedelta = attrs.field(default=timedelta(days=90), validator=_Positive())
    keys: tuple[RepeatKey, ...] = attrs.field(
        default=(RepeatKey.CUSTOMER, RepeatKey.UNIT),
        validator=[min_items(1), unique(_key_code, "repeat key")],
    )
    rectification_threshold: int = attrs.field(default=3, validator=at_least(2))


@attrs.frozen(kw_only=True)
class RepeatFinding:
    """Whether one complaint repeats earlier ones, and why.

    Attributes:
        complaint_id: The complaint.
        registered_at: When it was registered.
        is_repeat: Whether an earlier complaint matches it.
        earlier: The ids of the earlier complaints it repeats (by any key),
            oldest first.
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


def _listed(complaints: Iterable[ComplaintFacts]) -> str:
    return ", ".join(f"{c.complaint_id} ({c.registered_at.isoformat()})" for c in complaints)


def _sweep(
    ordered: list[ComplaintFacts], policy: RepeatPolicy
) -> Iterator[tuple[ComplaintFacts, dict[RepeatKey, tuple[ComplaintFacts, ...]]]]:
    """Each complaint with the earlier complaints it repeats, per key.

    One deque per ``(key, value, category)`` holds the complaints still in
    the window; each complaint enters and leaves each of its deques once.
    """
    windows: dict[tuple[RepeatKey, str, str], deque[ComplaintFacts]] = {}
    window = policy.window
    for complaint in ordered:
        matches: dict[RepeatKey, tuple[ComplaintFacts, ...]] = {}
        for key in policy.keys:
            value = _key_value(complaint, key)
            if value is None:
                continue
            recent = windows.setdefault((key, value, complaint.category), deque())
            while recent and complaint.registered_at - recent[0].registered_at > window:
                recent.popleft()
            matches[key] = tuple(recent)
            recent.append(complaint)
        yield complaint, matches


def find_repeats(
    complaints: Iterable[ComplaintFacts], policy: RepeatPolicy
) -> tuple[RepeatFinding, ...]:
    """One finding per complaint, in ``(registered_at, complaint_id)`` order.

    See the module docstring for the rules (order, window boundary, keys,
    threshold) and the cost.

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


def _finding(
    complaint: ComplaintFacts,
    matches: dict[RepeatKey, tuple[ComplaintFacts, ...]],
    policy: RepeatPolicy,
) -> RepeatFinding:
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
    earlier: dict[str, ComplaintFacts] = {}
    matched_by: list[RepeatKey] = []
    rectification = False
    for key, found in matches.items():
        if not found:
            continue
        matched_by.append(key)
        earlier.update((c.complaint_id, c) for c in found)
        count = len(found) + 1
        reached = count >= threshold
        rectification = rectification or reached
        figures = (
            ("key", key.label.zh),
            ("key_en", key.label.en),
            *base,
            ("count", str(count)),
            ("threshold", str(threshold)),
        )
        reasons.append(
            Reason(
                code=f"repeat.{key.value}",
                zh="重复投诉（{key}）：{window}内同类别「{category}」早前投诉 {earlier_count} 起："
                "{earlier}",
                en="repeat complaint ({key_en}): {earlier_count} earlier '{category}' "
                "complaint(s) within {window_en}: {earlier}",
                figures=(
                    *figures,
                    ("earlier_count", str(len(found))),
                    ("earlier", _listed(found)),
                ),
            )
        )
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
        earlier=tuple(sorted(earlier, key=lambda cid: _order(earlier[cid]))),
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
