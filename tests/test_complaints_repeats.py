"""Repeat complaints: keys, window boundary, ties, thresholds, rectification groups, invariants."""

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.complaints.events import Registered
from pmcrm.complaints.facts import ComplaintFacts, facts
from pmcrm.complaints.lifecycle import replay
from pmcrm.complaints.model import ComplaintChannel
from pmcrm.complaints.repeats import (
    Rectification,
    RepeatFinding,
    RepeatKey,
    RepeatPolicy,
    find_repeats,
    rectifications,
)
from pmcrm.errors import InvalidValue, ValidationError
from pmcrm.serialization import structure, unstructure

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
DAY = timedelta(days=1)
CUSTOMER, UNIT = RepeatKey.CUSTOMER, RepeatKey.UNIT
DEFAULT = RepeatPolicy()


def complaint(
    complaint_id: str,
    at: datetime | timedelta = timedelta(0),
    *,
    customer: str = "CU-1",
    unit: str | None = "3-1501",
    category: str = "cleaning",
) -> ComplaintFacts:
    """The facts of a complaint registered at *at* (or ``T0 + at``), by replaying its event."""
    when = T0 + at if isinstance(at, timedelta) else at
    event = Registered(
        complaint_id=complaint_id,
        at=when,
        by="s-wang",
        customer_id=customer,
        unit=unit,
        location="Block 3 lobby",
        channel=ComplaintChannel.PHONE,
        category=category,
        summary="Lobby floor not cleaned",
    )
    return facts(replay([event]))


def by_id(findings: Sequence[RepeatFinding]) -> dict[str, RepeatFinding]:
    """The findings keyed by complaint id."""
    return {f.complaint_id: f for f in findings}


def summary(findings: Sequence[RepeatFinding]) -> list[tuple[str, tuple[str, ...], bool]]:
    """``(id, earlier, rectification)`` of each finding, in order."""
    return [(f.complaint_id, f.earlier, f.rectification) for f in findings]


def codes(finding: RepeatFinding | Rectification) -> list[str]:
    """The reason codes."""
    return [r.code for r in finding.reasons]


# --- policy -----------------------------------------------------------------------------


def test_policy_defaults() -> None:
    """90 days, customer or unit, threshold 3, at most 20 earlier complaints named."""
    assert (timedelta(days=90), (CUSTOMER, UNIT), 3, 20) == (
        DEFAULT.window,
        DEFAULT.keys,
        DEFAULT.rectification_threshold,
        DEFAULT.max_listed,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": timedelta(0)}, "'window' must be > 0: '0:00:00'"),
        ({"window": -DAY}, "'window' must be > 0: '-1 day, 0:00:00'"),
        ({"window": 90}, "'window' must be timedelta, got int"),
        ({"keys": ()}, "'keys' must have at least 1 items: got 0"),
        ({"keys": (UNIT, UNIT)}, "'keys' has a duplicate entry: 'unit'"),
        ({"rectification_threshold": 1}, "'rectification_threshold' must be >= 2: 1"),
        ({"max_listed": 0}, "'max_listed' must be >= 1: 0"),
        ({"max_listed": 10_001}, "'max_listed' must be <= 10000: 10001"),
        ({"max_listed": "20"}, "'max_listed' must be int, got str"),
        ({"max_listed": 2.0}, "'max_listed' must be int, got float"),
    ],
)
def test_policy_refuses(kwargs: dict[str, object], message: str) -> None:
    """Each rule of the policy names its field."""
    with pytest.raises(InvalidValue) as info:
        RepeatPolicy(**kwargs)  # type: ignore[arg-type]
    assert message == str(info.value)


def test_the_window_validator_has_a_readable_repr() -> None:
    """Like attrs' validators, it says what it checks."""
    validator = attrs.fields(RepeatPolicy).window.validator
    assert "<positive duration validator>" == repr(validator)


def test_policy_accepts_the_bounds() -> None:
    """One second of window, one key, a threshold of 2, one to 10,000 complaints named."""
    policy = RepeatPolicy(
        window=timedelta(seconds=1), keys=(UNIT,), rectification_threshold=2, max_listed=1
    )
    assert ((UNIT,), 1) == (policy.keys, policy.max_listed)
    assert 10_000 == RepeatPolicy(max_listed=10_000).max_listed


def test_policy_round_trips_through_the_converter() -> None:
    """Dumped as JSON-ready data and loaded back equal."""
    policy = RepeatPolicy(
        window=timedelta(days=30), keys=(UNIT,), rectification_threshold=4, max_listed=7
    )
    data = unstructure(policy)
    assert {
        "window": "PT720H",
        "keys": ["unit"],
        "rectification_threshold": 4,
        "max_listed": 7,
    } == data
    assert policy == structure(data, RepeatPolicy)
    assert DEFAULT == structure({}, RepeatPolicy)
    # A configuration written before ``max_listed`` existed still loads, with the default.
    older = {"window": "PT720H", "keys": ["unit"], "rectification_threshold": 4}
    assert 20 == structure(older, RepeatPolicy).max_listed


def test_policy_loading_reports_every_fault_with_its_path() -> None:
    """The strict converter reports each broken rule at its path."""
    with pytest.raises(ValidationError) as info:
        structure(
            {"window": "PT0S", "keys": ["unit", "unit"], "rectification_threshold": 1},
            RepeatPolicy,
        )
    assert ("$.window", "$.keys[1]", "$.rectification_threshold") == info.value.report.paths
    assert ("gt", "duplicate", "ge") == info.value.report.codes


@pytest.mark.parametrize(
    ("value", "code", "en", "zh"),
    [
        (0, "ge", "'max_listed' must be >= 1: 0", "'max_listed' 必须 >= 1：0"),
        (
            10_001,
            "le",
            "'max_listed' must be <= 10000: 10001",
            "'max_listed' 必须 <= 10000：10001",
        ),
        ("20", "type", None, None),
        (True, "type", None, None),
        (1.5, "type", None, None),
    ],
)
def test_a_bad_max_listed_is_refused_at_its_path(
    value: object, code: str, en: str | None, zh: str | None
) -> None:
    """The strict converter refuses a bad ``max_listed`` at ``$.max_listed``, in zh and en."""
    with pytest.raises(ValidationError) as info:
        structure({"max_listed": value}, RepeatPolicy)
    report = info.value.report
    assert (("$.max_listed",), (code,)) == (report.paths, report.codes)
    if en is not None:
        assert f"$.max_listed: [{code}] {en}" == report.render("en")
        assert f"$.max_listed: [{code}] {zh}" == report.render("zh")


# --- findings: examples -------------------------------------------------------------------


def test_no_complaints_no_findings() -> None:
    """An empty input gives no findings and no rectifications."""
    assert () == find_repeats([], DEFAULT)
    assert () == rectifications([], DEFAULT)


def test_a_first_complaint_is_not_a_repeat_and_says_so() -> None:
    """No earlier complaint: not a repeat, with the window, category and keys."""
    (finding,) = find_repeats([complaint("C-1")], DEFAULT)
    assert (
        RepeatFinding(
            complaint_id="C-1",
            registered_at=T0,
            is_repeat=False,
            earlier=(),
            earlier_count=0,
            matched_by=(),
            rectification=False,
            reasons=finding.reasons,
        )
        == finding
    )
    (reason,) = finding.reasons
    assert "repeat.none" == reason.code
    assert (
        "not a repeat: no earlier 'cleaning' complaint with the same customer or same unit "
        "within 90 days"
    ) == reason.text("en")
    assert "非重复投诉：90 天内无同类别「cleaning」且同一客户或同一单元的早前投诉" == reason.text(
        "zh"
    )


def test_same_customer_other_unit_matches_by_customer() -> None:
    """The same customer in another unit repeats by customer only."""
    findings = find_repeats([complaint("C-1"), complaint("C-2", 10 * DAY, unit="5-0202")], DEFAULT)
    second = findings[1]
    assert (True, ("C-1",), (CUSTOMER,)) == (second.is_repeat, second.earlier, second.matched_by)
    assert ["repeat.customer", "repeat.customer.below_threshold"] == codes(second)
    assert (
        "repeat complaint (same customer): 1 earlier 'cleaning' complaint(s) within 90 days: "
        "C-1 (2026-03-02T09:00:00+08:00)"
    ) == second.reasons[0].text("en")
    assert (
        "重复投诉（同一客户）：90 天内同类别「cleaning」早前投诉 1 起："
        "C-1 (2026-03-02T09:00:00+08:00)"
    ) == second.reasons[0].text("zh")
    assert (
        "no special rectification yet (same customer): 2 'cleaning' complaints within 90 days, "
        "threshold 3"
    ) == second.reasons[1].text("en")
    assert (
        "未达专项整改阈值（同一客户）：90 天内同类别「cleaning」投诉共 2 起，阈值 3"
        == second.reasons[1].text("zh")
    )


def test_same_unit_other_customer_matches_by_unit() -> None:
    """Another customer (a tenant, a family member) in the same unit repeats by unit."""
    findings = find_repeats([complaint("C-1"), complaint("C-2", DAY, customer="CU-2")], DEFAULT)
    assert (("C-1",), (UNIT,)) == (findings[1].earlier, findings[1].matched_by)


def test_both_keys_match_and_earlier_is_the_union_oldest_first() -> None:
    """Earlier complaints found by either key are listed once, oldest first."""
    findings = find_repeats(
        [
            complaint("C-3", 20 * DAY),
            complaint("C-2", 10 * DAY, customer="CU-2"),  # same unit
            complaint("C-1", 0 * DAY, unit="5-0202"),  # same customer
            complaint("C-0", 5 * DAY),  # both
        ],
        DEFAULT,
    )
    last = by_id(findings)["C-3"]
    assert ("C-1", "C-0", "C-2") == last.earlier
    assert 3 == last.earlier_count
    assert (CUSTOMER, UNIT) == last.matched_by


def test_another_category_is_not_a_repeat() -> None:
    """The same customer and unit, another category: not a repeat."""
    findings = find_repeats([complaint("C-1"), complaint("C-2", DAY, category="noise")], DEFAULT)
    assert [False, False] == [f.is_repeat for f in findings]


def test_the_window_boundary_is_included() -> None:
    """Registered exactly ``window`` before counts; one second more does not."""
    window = DEFAULT.window
    exactly = find_repeats([complaint("C-1"), complaint("C-2", window)], DEFAULT)
    beyond = find_repeats(
        [complaint("C-1"), complaint("C-2", window + timedelta(seconds=1))], DEFAULT
    )
    assert ("C-1",) == exactly[1].earlier
    assert () == beyond[1].earlier


def test_a_complaint_leaves_the_window_but_later_ones_stay() -> None:
    """The window slides: only the complaints still inside it count."""
    findings = find_repeats(
        [complaint("C-1"), complaint("C-2", 60 * DAY), complaint("C-3", 120 * DAY)], DEFAULT
    )
    assert [("C-1", (), False), ("C-2", ("C-1",), False), ("C-3", ("C-2",), False)] == summary(
        findings
    )


def test_equal_instants_are_ordered_by_complaint_id_as_strings() -> None:
    """At one instant the smaller id (as a string: "C-10" < "C-9") is the earlier one."""
    findings = find_repeats([complaint("C-9"), complaint("C-10")], DEFAULT)
    assert [("C-10", (), False), ("C-9", ("C-10",), False)] == summary(findings)


def test_instants_compare_whatever_their_offsets() -> None:
    """01:00 UTC is 09:00 at +08:00: the same instant, so the ids decide."""
    findings = find_repeats([complaint("C-2", T0), complaint("C-1", T0.astimezone(UTC))], DEFAULT)
    assert ["C-1", "C-2"] == [f.complaint_id for f in findings]
    assert ("C-1",) == findings[1].earlier


def test_findings_come_in_registration_order() -> None:
    """The output order is (registered_at, complaint_id), whatever the input order."""
    findings = find_repeats(
        [complaint("C-3", 2 * DAY), complaint("C-1", DAY), complaint("C-2", DAY)], DEFAULT
    )
    assert ["C-1", "C-2", "C-3"] == [f.complaint_id for f in findings]


def test_a_complaint_without_unit_is_not_matched_by_unit() -> None:
    """No unit: customer matching only, and a reason says so; two without unit do not match."""
    findings = find_repeats(
        [
            complaint("C-1", unit=None),
            complaint("C-2", DAY, unit=None, customer="CU-2"),
            complaint("C-3", 2 * DAY, unit=None),
        ],
        DEFAULT,
    )
    first, second, third = findings
    assert ["repeat.unit.absent", "repeat.none"] == codes(first)
    assert "no unit registered: not matched by unit" == first.reasons[0].text("en")
    assert "投诉未登记单元：不按同一单元比对" == first.reasons[0].text("zh")
    assert not second.is_repeat
    assert (("C-1",), (CUSTOMER,)) == (third.earlier, third.matched_by)


def test_keys_limit_what_matches() -> None:
    """With the unit key only, the same customer in another unit is not a repeat."""
    policy = RepeatPolicy(keys=(UNIT,))
    findings = find_repeats(
        [complaint("C-1"), complaint("C-2", DAY, unit="5-0202"), complaint("C-3", 2 * DAY)],
        policy,
    )
    assert [(), (), ("C-1",)] == [f.earlier for f in findings]
    assert (
        "not a repeat: no earlier 'cleaning' complaint with the same unit within 90 days"
        == findings[1].reasons[0].text("en")
    )
    customer_only = find_repeats([complaint("C-1", unit=None)], RepeatPolicy(keys=(CUSTOMER,)))
    assert ["repeat.none"] == codes(customer_only[0])


def test_the_threshold_flags_a_rectification() -> None:
    """The third complaint of one customer and category within the window is flagged."""
    findings = find_repeats(
        [complaint("C-1"), complaint("C-2", 30 * DAY), complaint("C-3", 90 * DAY)], DEFAULT
    )
    assert [False, False, True] == [f.rectification for f in findings]
    third = findings[2]
    assert [
        "repeat.customer",
        "repeat.customer.rectification",
        "repeat.unit",
        "repeat.unit.rectification",
    ] == codes(third)
    assert (
        "special rectification (same customer): 3 'cleaning' complaints within 90 days, "
        "threshold 3"
    ) == third.reasons[1].text("en")
    assert (
        "需专项整改（同一客户）：90 天内同类别「cleaning」投诉共 3 起，达到阈值 3"
        == third.reasons[1].text("zh")
    )
    assert ("3", "3") == (third.reasons[1].figure("count"), third.reasons[1].figure("threshold"))


def test_counts_are_per_key() -> None:
    """One earlier by customer and one by unit do not add up to three."""
    findings = find_repeats(
        [
            complaint("C-1", unit="5-0202"),  # same customer, other unit
            complaint("C-2", DAY, customer="CU-2"),  # same unit, other customer
            complaint("C-3", 2 * DAY),
        ],
        DEFAULT,
    )
    third = findings[2]
    assert (("C-1", "C-2"), (CUSTOMER, UNIT), False) == (
        third.earlier,
        third.matched_by,
        third.rectification,
    )


def test_a_threshold_of_two_flags_the_first_repeat() -> None:
    """With threshold 2, every repeat calls for a rectification."""
    findings = find_repeats(
        [complaint("C-1"), complaint("C-2", DAY)], RepeatPolicy(rectification_threshold=2)
    )
    assert [False, True] == [f.rectification for f in findings]


@pytest.mark.parametrize(
    ("window", "en", "zh"),
    [
        (timedelta(hours=36), "36 hours", "36 小时"),
        (timedelta(minutes=90), "1.5 hours", "1.5 小时"),
        (timedelta(days=7), "7 days", "7 天"),
    ],
)
def test_windows_are_written_in_days_or_hours(window: timedelta, en: str, zh: str) -> None:
    """Whole days in days, anything else in hours."""
    (finding,) = find_repeats([complaint("C-1")], RepeatPolicy(window=window))
    assert (zh, en) == (
        finding.reasons[0].figure("window"),
        finding.reasons[0].figure("window_en"),
    )


def test_duplicate_ids_are_refused_by_name() -> None:
    """Two complaints with one id: an error naming the id, from both functions."""
    twice = [complaint("C-7"), complaint("C-1", DAY), complaint("C-7", 5 * DAY)]
    for function in (find_repeats, rectifications):
        with pytest.raises(InvalidValue) as info:
            function(twice, DEFAULT)
        assert ("complaints", "duplicate") == (info.value.field, info.value.code)
        assert "'complaints' has a duplicate entry: 'C-7'" == str(info.value)


# --- findings: listing at most max_listed -------------------------------------------------


def burst(n: int) -> list[ComplaintFacts]:
    """*n* complaints ``B-00``, ``B-01``, ... one hour apart, of one customer and unit."""
    return [complaint(f"B-{i:02}", i * timedelta(hours=1)) for i in range(n)]


def test_exactly_max_listed_earlier_complaints_are_all_named() -> None:
    """With as many earlier complaints as ``max_listed``, nothing is cut and no "more" is said."""
    last = find_repeats(burst(4), RepeatPolicy(max_listed=3))[-1]
    assert (("B-00", "B-01", "B-02"), 3) == (last.earlier, last.earlier_count)
    reason = last.reasons[0]
    assert "repeat.customer" == reason.code
    assert "3" == reason.figure("earlier_count")
    with pytest.raises(LookupError):
        reason.figure("more")
    assert reason.text("en").endswith("B-02 (2026-03-02T11:00:00+08:00)")
    assert reason.text("zh").endswith("B-02 (2026-03-02T11:00:00+08:00)")


def test_one_more_than_max_listed_names_the_most_recent_and_counts_all() -> None:
    """One more: the oldest is left out of the list, the counts stay exact, the text says so."""
    findings = find_repeats(burst(5), RepeatPolicy(max_listed=3))
    last = findings[-1]
    assert (("B-01", "B-02", "B-03"), 4) == (last.earlier, last.earlier_count)
    assert (True, (CUSTOMER, UNIT), True) == (
        last.is_repeat,
        last.matched_by,
        last.rectification,
    )
    for reason in (last.reasons[0], last.reasons[2]):  # by customer, by unit
        assert ("4", "5", "1") == (
            reason.figure("earlier_count"),
            reason.figure("count"),
            reason.figure("more"),
        )
    reason = last.reasons[0]
    listed = (
        "B-01 (2026-03-02T10:00:00+08:00), B-02 (2026-03-02T11:00:00+08:00), "
        "B-03 (2026-03-02T12:00:00+08:00)"
    )
    assert listed == reason.figure("earlier")
    assert (
        "repeat complaint (same customer): 4 earlier 'cleaning' complaint(s) within 90 days: "
        f"{listed} and 1 more (older, not listed)"
    ) == reason.text("en")
    assert (
        "重复投诉（同一客户）：90 天内同类别「cleaning」早前投诉 4 起："
        f"{listed} 等另 1 起（更早，未列出）"
    ) == reason.text("zh")
    # The complaint before it had exactly three earlier ones: all named.
    assert (("B-00", "B-01", "B-02"), 3) == (findings[-2].earlier, findings[-2].earlier_count)


def test_a_single_listed_complaint_is_the_most_recent() -> None:
    """``max_listed=1`` names the latest earlier complaint, whichever key found it."""
    findings = find_repeats(
        [
            complaint("C-1"),
            complaint("C-2", DAY, customer="CU-2"),  # same unit, found by unit
            complaint("C-3", 2 * DAY),
        ],
        RepeatPolicy(max_listed=1),
    )
    assert (("C-2",), 2) == (findings[-1].earlier, findings[-1].earlier_count)


def test_the_count_is_the_union_of_overlapping_keys() -> None:
    """|customer ∪ unit| = |customer| + |unit| − |both|: each earlier complaint counted once."""
    findings = find_repeats(
        [
            complaint("C-1"),  # both keys
            complaint("C-2", DAY),  # both keys
            complaint("C-3", 2 * DAY, unit="5-0202"),  # customer only
            complaint("C-4", 3 * DAY, customer="CU-2"),  # unit only
            complaint("C-5", 4 * DAY, customer="CU-2", unit="5-0202"),  # neither
            complaint("C-6", 5 * DAY, category="noise"),  # another category
            complaint("C-9", 9 * DAY),
        ],
        RepeatPolicy(max_listed=2),
    )
    last = by_id(findings)["C-9"]
    assert (("C-3", "C-4"), 4) == (last.earlier, last.earlier_count)
    customer, unit = last.reasons[0], last.reasons[2]
    assert (("3", "1"), ("3", "1")) == (
        (customer.figure("earlier_count"), customer.figure("more")),
        (unit.figure("earlier_count"), unit.figure("more")),
    )
    assert customer.figure("earlier").startswith("C-2 ")  # the customer's two most recent
    assert unit.figure("earlier").startswith("C-2 ")


def test_complaints_without_a_unit_count_by_customer_only() -> None:
    """No unit: never in a unit window, in either role; the union count stays exact."""
    findings = find_repeats(
        [
            complaint("C-1", unit=None),
            complaint("C-2", DAY),
            complaint("C-3", 2 * DAY, customer="CU-2"),  # same unit as C-2 only
            complaint("C-4", 3 * DAY, unit=None),
        ],
        RepeatPolicy(max_listed=1),
    )
    c2, c3, c4 = (by_id(findings)[cid] for cid in ("C-2", "C-3", "C-4"))
    assert (("C-1",), 1, (CUSTOMER,)) == (c2.earlier, c2.earlier_count, c2.matched_by)
    assert (("C-2",), 1, (UNIT,)) == (c3.earlier, c3.earlier_count, c3.matched_by)
    assert (("C-2",), 2, (CUSTOMER,)) == (c4.earlier, c4.earlier_count, c4.matched_by)
    assert "repeat.unit.absent" == c4.reasons[0].code


def test_a_window_slides_for_every_subset_of_keys() -> None:
    """Complaints that left the window leave the count of each key and of both keys."""
    findings = find_repeats(
        [
            complaint("C-1"),
            complaint("C-2", 50 * DAY),
            complaint("C-3", 100 * DAY),  # C-1 left the window
            complaint("C-4", 160 * DAY),  # C-2 left, C-3 stays
        ],
        RepeatPolicy(max_listed=1),
    )
    assert [0, 1, 1, 1] == [f.earlier_count for f in findings]
    assert [(), ("C-1",), ("C-2",), ("C-3",)] == [f.earlier for f in findings]


# --- rectification groups -----------------------------------------------------------------


def test_rectification_groups_by_key() -> None:
    """Three complaints of one customer in one unit: a group by customer and one by unit."""
    complaints = [complaint("C-1"), complaint("C-2", 30 * DAY), complaint("C-3", 90 * DAY)]
    by_customer, by_unit = rectifications(complaints, DEFAULT)
    assert (
        Rectification(
            key=CUSTOMER,
            value="CU-1",
            category="cleaning",
            complaint_ids=("C-1", "C-2", "C-3"),
            first_registered_at=T0,
            last_registered_at=T0 + 90 * DAY,
            triggered_by="C-3",
            reasons=by_customer.reasons,
        )
        == by_customer
    )
    assert (UNIT, "3-1501", 3) == (by_unit.key, by_unit.value, by_unit.count)
    (reason,) = by_customer.reasons
    assert "rectification.customer" == reason.code
    assert (
        "special rectification (same customer CU-1, category 'cleaning'): 3 complaints from "
        "2026-03-02T09:00:00+08:00 to 2026-05-31T09:00:00+08:00; threshold 3 within 90 days "
        "reached at C-3"
    ) == reason.text("en")
    assert (
        "专项整改（同一客户 CU-1，类别「cleaning」）：2026-03-02T09:00:00+08:00 至 "
        "2026-05-31T09:00:00+08:00 共 3 起投诉；C-3 时 90 天内达到阈值 3"
    ) == reason.text("zh")


def test_below_the_threshold_there_is_no_rectification() -> None:
    """Two repeats of three complaints spread over more than one window: nothing."""
    complaints = [complaint("C-1"), complaint("C-2", 60 * DAY), complaint("C-3", 120 * DAY)]
    assert () == rectifications(complaints, DEFAULT)


def test_overlapping_full_windows_merge_into_one_rectification() -> None:
    """A problem that keeps coming back every 40 days is one rectification of 5 complaints."""
    complaints = [complaint(f"C-{i}", 40 * i * DAY) for i in range(5)]
    (group,) = rectifications(complaints, RepeatPolicy(keys=(CUSTOMER,)))
    assert (("C-0", "C-1", "C-2", "C-3", "C-4"), "C-2") == (
        group.complaint_ids,
        group.triggered_by,
    )
    assert (T0, T0 + 160 * DAY) == (group.first_registered_at, group.last_registered_at)


def test_full_windows_that_share_no_complaint_are_separate_rectifications() -> None:
    """Two bursts far apart are two rectifications, each with its own trigger."""
    days = (0, 1, 2, 200, 201, 202, 203)
    complaints = [complaint(f"C-{d:03}", d * DAY) for d in days]
    groups = rectifications(complaints, RepeatPolicy(keys=(UNIT,)))
    assert [
        (("C-000", "C-001", "C-002"), "C-002"),
        (("C-200", "C-201", "C-202", "C-203"), "C-202"),
    ] == [(g.complaint_ids, g.triggered_by) for g in groups]


def test_adjacent_full_windows_without_a_shared_complaint_stay_apart() -> None:
    """Windows [C-0..C-2] and [C-3..C-5] touch in order but share no complaint."""
    days = (0, 1, 2, 93, 94, 95)
    complaints = [complaint(f"C-{i}", d * DAY) for i, d in enumerate(days)]
    groups = rectifications(complaints, RepeatPolicy(keys=(CUSTOMER,)))
    assert [("C-0", "C-1", "C-2"), ("C-3", "C-4", "C-5")] == [g.complaint_ids for g in groups]


def test_rectifications_are_ordered_by_first_complaint_then_key() -> None:
    """By the first complaint's (registered_at, id), then the policy's key order."""
    complaints = [
        complaint("B-1", DAY, customer="CU-9", unit="9-0101", category="noise"),
        complaint("B-2", 2 * DAY, customer="CU-9", unit="9-0101", category="noise"),
        complaint("A-1", 3 * DAY),
        complaint("A-2", 4 * DAY),
        complaint("A-0"),  # an earlier start for the CU-1 / 3-1501 groups
    ]
    policy = RepeatPolicy(keys=(UNIT, CUSTOMER), rectification_threshold=2)
    groups = rectifications(complaints, policy)
    assert [
        (UNIT, "3-1501", ("A-0", "A-1", "A-2")),
        (CUSTOMER, "CU-1", ("A-0", "A-1", "A-2")),
        (UNIT, "9-0101", ("B-1", "B-2")),
        (CUSTOMER, "CU-9", ("B-1", "B-2")),
    ] == [(g.key, g.value, g.complaint_ids) for g in groups]


def test_rectifications_keep_categories_apart_and_skip_missing_units() -> None:
    """Another category is another group; complaints without a unit form no unit group."""
    complaints = [
        complaint("C-1", unit=None),
        complaint("C-2", DAY, unit=None),
        complaint("C-3", 2 * DAY, unit=None, category="noise"),
    ]
    groups = rectifications(complaints, RepeatPolicy(rectification_threshold=2))
    assert [(CUSTOMER, "cleaning", ("C-1", "C-2"))] == [
        (g.key, g.category, g.complaint_ids) for g in groups
    ]


def test_a_large_input_is_swept_not_compared_pairwise() -> None:
    """Twenty thousand complaints: one a day from each of fifty customers, swept quickly.

    (Copies of one replayed complaint, to keep the test about the sweep.)
    """
    day_one = complaint("X-0")
    many = [
        _evolve(day_one, f"C-{i:05}", T0 + (i // 50) * DAY, f"CU-{i % 50}") for i in range(20_000)
    ]
    findings = find_repeats(many, RepeatPolicy(window=3 * DAY, keys=(CUSTOMER,)))
    assert 20_000 == len(findings)
    # Three days hold three earlier complaints of each customer, the boundary included.
    assert ("C-19849", "C-19899", "C-19949") == findings[-1].earlier
    assert 3 == findings[-1].earlier_count
    # From the third day on, each complaint is the third in its window.
    assert 20_000 - 2 * 50 == sum(f.rectification for f in findings)


def test_many_complaints_of_one_customer_and_unit_stay_linear() -> None:
    """Three thousand complaints of one customer and unit in one window: at most 20 named each.

    Listing every earlier complaint would make 4.5 million ids; the findings
    and their reasons name at most ``max_listed`` per complaint and key.
    """
    day_one = complaint("X-0")
    many = [
        _evolve(day_one, f"C-{i:05}", T0 + i * timedelta(minutes=1), "CU-1") for i in range(3_000)
    ]
    findings = find_repeats(many, DEFAULT)
    assert [min(i, 20) for i in range(3_000)] == [len(f.earlier) for f in findings]
    assert list(range(3_000)) == [f.earlier_count for f in findings]
    last = findings[-1]
    assert tuple(f"C-{i:05}" for i in range(2_979, 2_999)) == last.earlier
    assert ("2999", "2979") == (
        last.reasons[0].figure("earlier_count"),
        last.reasons[0].figure("more"),
    )
    assert 20 == last.reasons[0].figure("earlier").count("C-")


def _evolve(facts_: ComplaintFacts, cid: str, at: datetime, customer: str) -> ComplaintFacts:
    return attrs.evolve(facts_, complaint_id=cid, registered_at=at, customer_id=customer)


# --- properties ---------------------------------------------------------------------------

ZONES = (CST, UTC, timezone(timedelta(hours=-5)))


@st.composite
def complaint_sets(draw: st.DrawFn, days: int = 200) -> list[ComplaintFacts]:
    """Up to 14 complaints over ~*days* days: few customers, units and categories, unique ids.

    Over 200 days most complaints stand alone or repeat one or two; over 20,
    many share a key within one window, so ``max_listed`` cuts often.
    """
    numbers = draw(st.lists(st.integers(0, 99), unique=True, max_size=14))
    result = []
    for n in numbers:
        at = (
            T0
            + draw(st.integers(0, days)) * DAY
            + draw(st.sampled_from([0, 12])) * timedelta(hours=1)
        )
        result.append(
            complaint(
                f"C-{n}",
                at.astimezone(draw(st.sampled_from(ZONES))),
                customer=draw(st.sampled_from(["CU-1", "CU-2", "CU-3"])),
                unit=draw(st.sampled_from(["1-101", "1-102", None])),
                category=draw(st.sampled_from(["cleaning", "noise"])),
            )
        )
    return result


policies = st.builds(
    RepeatPolicy,
    window=st.sampled_from([timedelta(days=30), timedelta(days=90), timedelta(hours=36)]),
    keys=st.sampled_from([(CUSTOMER,), (UNIT,), (CUSTOMER, UNIT), (UNIT, CUSTOMER)]),
    rectification_threshold=st.integers(2, 4),
    max_listed=st.integers(1, 4) | st.just(20),
)


def _value(c: ComplaintFacts, key: RepeatKey) -> str | None:
    return c.customer_id if key is CUSTOMER else c.unit


def pairwise(
    complaints: list[ComplaintFacts], policy: RepeatPolicy
) -> dict[str, dict[RepeatKey, list[ComplaintFacts]]]:
    """Every pair compared: ``id -> key -> the earlier complaints by that key``, oldest first."""
    result = {}
    for c in complaints:
        per_key = {}
        for key in policy.keys:
            value = _value(c, key)
            per_key[key] = [
                d
                for d in complaints
                if value is not None
                and _value(d, key) == value
                and d.category == c.category
                and (d.registered_at, d.complaint_id) < (c.registered_at, c.complaint_id)
                and c.registered_at - d.registered_at <= policy.window
            ]
            per_key[key].sort(key=lambda d: (d.registered_at, d.complaint_id))
        result[c.complaint_id] = per_key
    return result


def reference(
    complaints: list[ComplaintFacts], policy: RepeatPolicy
) -> dict[str, tuple[tuple[str, ...], int, tuple[RepeatKey, ...], bool]]:
    """The rules read literally: ``id -> (earlier, earlier_count, matched_by, flag)``.

    ``earlier`` is the last ``max_listed`` of all the earlier complaints.
    """
    result = {}
    for cid, per_key in pairwise(complaints, policy).items():
        earlier = sorted(
            {d.complaint_id: d for found in per_key.values() for d in found}.values(),
            key=lambda d: (d.registered_at, d.complaint_id),
        )
        ids = tuple(d.complaint_id for d in earlier)
        result[cid] = (
            ids[-policy.max_listed :],
            len(ids),
            tuple(k for k in policy.keys if per_key[k]),
            any(len(found) + 1 >= policy.rectification_threshold for found in per_key.values()),
        )
    return result


@given(complaint_sets() | complaint_sets(days=20), policies)
def test_findings_match_the_pairwise_reference(
    complaints: list[ComplaintFacts], policy: RepeatPolicy
) -> None:
    """A repeat iff an earlier same-category complaint with a matching key lies in the window.

    The exact count, the most recent ``max_listed`` ids and the flag agree
    with comparing every pair.
    """
    found = {
        f.complaint_id: (f.earlier, f.earlier_count, f.matched_by, f.rectification)
        for f in find_repeats(complaints, policy)
    }
    assert reference(complaints, policy) == found
    assert all(
        f.is_repeat == bool(f.earlier) == bool(f.earlier_count) == bool(f.matched_by)
        for f in find_repeats(complaints, policy)
    )


@given(complaint_sets() | complaint_sets(days=20), policies)
def test_each_key_reason_counts_exactly_and_lists_the_most_recent(
    complaints: list[ComplaintFacts], policy: RepeatPolicy
) -> None:
    """Per key: the exact count, the last ``max_listed`` listed, and how many more."""
    expected = pairwise(complaints, policy)
    for finding in find_repeats(complaints, policy):
        reasons = {r.code: r for r in finding.reasons}
        for key, found in expected[finding.complaint_id].items():
            if not found:
                assert f"repeat.{key.value}" not in reasons
                continue
            reason = reasons[f"repeat.{key.value}"]
            shown = found[-policy.max_listed :]
            figures = dict(reason.figures)
            assert (
                str(len(found)),
                ", ".join(f"{d.complaint_id} ({d.registered_at.isoformat()})" for d in shown),
                str(len(found) - len(shown)) if len(found) > len(shown) else None,
            ) == (figures["earlier_count"], figures["earlier"], figures.get("more"))
            assert ("more" in figures) == (" more " in reason.text("en"))
            assert ("more" in figures) == ("等另" in reason.text("zh"))


@given(complaint_sets(), policies, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(
    complaints: list[ComplaintFacts], policy: RepeatPolicy, rnd: random.Random
) -> None:
    """Shuffling the input changes neither the findings nor the rectifications."""
    shuffled = list(complaints)
    rnd.shuffle(shuffled)
    assert find_repeats(complaints, policy) == find_repeats(shuffled, policy)
    assert rectifications(complaints, policy) == rectifications(shuffled, policy)


@given(complaint_sets(), policies, st.data())
def test_adding_a_complaint_never_removes_a_repeat(
    complaints: list[ComplaintFacts], policy: RepeatPolicy, data: st.DataObject
) -> None:
    """A new complaint only adds earlier complaints: repeats and flags stay."""
    extra = data.draw(complaint_sets().filter(bool)).pop()
    extra_id = "N-" + extra.complaint_id
    more = [*complaints, attrs.evolve(extra, complaint_id=extra_id)]
    before = by_id(find_repeats(complaints, policy))
    after = by_id(find_repeats(more, policy))
    for cid, finding in before.items():
        assert finding.earlier_count <= after[cid].earlier_count
        if after[cid].earlier_count <= policy.max_listed:
            assert set(finding.earlier) <= set(after[cid].earlier)
        assert finding.is_repeat <= after[cid].is_repeat
        assert finding.rectification <= after[cid].rectification


@given(complaint_sets(), policies)
def test_rectification_groups_agree_with_the_findings(
    complaints: list[ComplaintFacts], policy: RepeatPolicy
) -> None:
    """Every flagged complaint is in a group; every group is full and triggered by a flag."""
    findings = by_id(find_repeats(complaints, policy))
    groups = rectifications(complaints, policy)
    flagged = {cid for cid, f in findings.items() if f.rectification}
    assert flagged <= {cid for g in groups for cid in g.complaint_ids}
    for group in groups:
        assert group.count >= policy.rectification_threshold
        assert group.triggered_by in flagged
        registered = [findings[cid].registered_at for cid in group.complaint_ids]
        assert (group.first_registered_at, group.last_registered_at) == (
            registered[0],
            registered[-1],
        )
