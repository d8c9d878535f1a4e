"""Tests for the complaint board of ``pmcrm demo``."""

from datetime import date, datetime, timedelta, timezone
from typing import Any, cast

import attrs
import pytest

from cli_demo_helpers import run, run_json, section_lines
from pmcrm.cli._table import display_width
from pmcrm.cli.demo import Demo, section_complaints
from pmcrm.cli.demo._complaints import BOARD_GROUPS
from pmcrm.complaints import (
    ClockStatus,
    Metric,
    SlaPolicy,
    SlaRule,
    analyse,
    complaint_clocks,
    facts,
    find_repeats,
    rectifications,
    state_at,
)
from pmcrm.sample import (
    sample_calendar,
    sample_complaints,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_tier_policy,
)
from pmcrm.values import Lang

#: When the board reads the clocks on the sample's day: 17:00 China Standard Time.
BOARD_AT = datetime(2026, 11, 23, 17, 0, tzinfo=timezone(timedelta(hours=8)))


def board_clocks(at: datetime = BOARD_AT) -> dict[str, Any]:
    """Each complaint registered by *at*: its id -> (facts, clocks), as the library reads them."""
    complaints, calendar = sample_complaints(), sample_calendar()
    read = {}
    for state in complaints.states:
        if state.registration.at <= at:
            clocks = complaint_clocks(state, complaints.policy, at, calendar=calendar)
            past = state_at(state, at)
            assert past is not None
            read[state.complaint_id] = (facts(past), clocks)
    return read


def test_complaint_board_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """The reading time, open complaints breached first, alerts, repeats, month and example."""
    _, out, _ = run(capsys, "demo", "--lang", "en")
    lines = section_lines(out, "Complaint board")
    assert 30 <= len(lines) <= 55, "a compact section"
    assert lines[:3] == [
        "Clocks read at 2026-11-23 17:00 China Standard Time (UTC+08:00), "
        "business hours per the 'cn-statutory' calendar",
        "SLA policy: xilan-complaint-sla; 54 complaints registered by then",
        "-- Open complaints: 11 (most urgent clock, breached first; "
        "* paused: due if resumed now) --",
    ]
    assert lines[3].split() == [
        "Complaint",
        "Category",
        "Type",
        "Owner",
        "Clock",
        "Status",
        "Due",
        "Late/left",
    ]
    rows = lines[5:15]
    assert rows[0].split() == [
        "TS-2026-0044",
        "facilities",
        "repeat",
        "kf-wang",
        "resolution",
        "breached",
        "11-20",
        "11:00",
        "late",
        "78",
        "h",
    ]
    breached = ["breached" in row for row in rows]
    assert breached == sorted(breached, reverse=True)
    assert breached.count(True) == 4
    assert any("paused · 50%" in row and "*" in row for row in rows)
    assert any("running · 80%" in row for row in rows)
    assert lines[15] == "… and 1 more"
    assert lines[16] == (
        "-- Breached: 5 clocks (first response 1, resolution 3, follow-up 1); "
        "warnings: 7 (80% 2, 50% 5) --"
    )
    assert (
        "Special rectification (same customer C0144, cleaning): TS-2026-0007, TS-2026-0021, "
        "TS-2026-0038; threshold 3 reached at TS-2026-0038"
    ) in lines
    assert "-- Month to date (from 2026-11-01): 22 registered, 11 open --" in lines
    assert "Reopened 4.5% (1/22); repeats 13.6% (3/22)" in lines
    index = lines.index("-- An example: the resolution clock of TS-2026-0043 (facilities) --")
    clock = board_clocks()["TS-2026-0043"][1].get(Metric.RESOLUTION)
    assert lines[index + 1 :] == clock.explain("en").splitlines()
    assert any(line.startswith("  not counted (resolved, later reopened)") for line in lines)
    assert any(line.startswith("  paused (waiting on a third party)") for line in lines)


def test_complaint_board_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The same board in Chinese; tables align by display width."""
    _, out, _ = run(capsys, "demo")
    lines = section_lines(out, "投诉看板")
    assert (
        lines[0]
        == "时钟读取时刻：2026-11-23 17:00 北京时间（UTC+08:00），工作时间按「cn-statutory」日历"
    )
    assert lines[1] == "SLA 政策：xilan-complaint-sla；截至读取时刻登记投诉 54 起"
    assert lines[2].startswith("-- 未结投诉：11 起（")
    assert lines[5].split()[:6] == [
        "TS-2026-0044",
        "设施设备",
        "重复投诉",
        "kf-wang",
        "解决",
        "已超时",
    ]
    header, rows = lines[3], lines[5:15]
    clock_column = display_width(header[: header.index("时钟")])
    for row in rows:
        clock = row.split()[4]
        assert display_width(row[: row.index(clock, len("TS-2026-0000"))]) == clock_column
    assert "…… 另有 1 项" in lines
    assert "-- 超时：5 个时钟（首次响应 1、解决 3、回访 1）；预警：7 个（80% 2、50% 5）--" in lines
    assert "专项整改（同一单元 CH-4-1703，保洁）：TS-2026-0007、TS-2026-0021、TS-2026-0038；" in (
        "".join(lines)
    )
    assert "重新打开率 4.5% (1/22)；重复投诉率 13.6% (3/22)" in lines
    assert "-- 示例：TS-2026-0043（设施设备）的解决时钟 --" in lines
    assert "  预警：已用时限的 50%" in lines


def test_json_complaint_board_is_the_library_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """Open complaints, alerts, repeats, the month and the example are what the library gives."""
    board = run_json(capsys, "--lang", "en", "--top", "100")["sections"]["complaints"]
    assert (board["at"], board["error"], board["complaints"]) == (BOARD_AT.isoformat(), None, 54)
    read = board_clocks()
    open_ids = {cid for cid, (f, _) in read.items() if f.is_open}
    rows = board["open"]["rows"]
    assert board["open"]["total"] == len(rows) == len(open_ids)
    assert {r["complaint_id"] for r in rows} == open_ids
    for row in rows:
        f, clocks = read[row["complaint_id"]]
        metric = next(m for m in Metric if m.value == row["clock"]["metric"])
        clock = clocks.get(metric)
        assert clock is not None
        assert clock.stop is None
        assert (row["clock"]["status"], row["owner"], row["type"]) == (
            clock.status.value,
            f.owner,
            f.complaint_type.value,
        )
    active = [c for _, clocks in read.values() for c in clocks.clocks if c.start and not c.stop]
    breached = sum(c.status is ClockStatus.BREACHED for c in active)
    warned = sum(c.warning is not None for c in active)
    assert (board["alerts"]["breached"], board["alerts"]["warnings"]) == (breached, warned)
    assert len(board["alerts"]["rows"]) == breached + warned
    found = [f for f, _ in read.values()]
    policy = sample_complaints().repeat_policy
    repeats = [r for r in find_repeats(found, policy) if r.is_repeat]
    assert board["repeats"]["repeats"] == len(repeats) == 5
    assert [r["complaint_id"] for r in board["repeats"]["rows"]] == [
        r.complaint_id for r in reversed(repeats)
    ]
    groups = rectifications(found, policy)
    assert [g["complaint_ids"] for g in board["repeats"]["rectifications"]] == [
        list(g.complaint_ids) for g in groups
    ]
    complaints, calendar = sample_complaints(), sample_calendar()
    analysis = analyse(
        complaints.states,
        complaints.policy,
        BOARD_AT,
        calendar=calendar,
        repeat_policy=complaints.repeat_policy,
    )
    stats = dict(analysis.by_month)["2026-11"]
    month = board["month"]
    assert (month["complaints"], month["open"], month["repeats"], month["reopened"]) == (
        stats.complaints,
        stats.open,
        stats.repeats.part,
        stats.reopened.part,
    )
    assert [(m["metric"], m["met"], m["breached"]) for m in month["metrics"]] == [
        (m.metric.value, m.met, m.breached) for m in stats.metrics
    ]
    assert len(month["root_causes"]) == len(month["categories"]) == BOARD_GROUPS
    example = board["example"]
    clock = read[example["complaint_id"]][1].get(Metric.RESOLUTION)
    assert clock is not None
    assert example["explanation"] == clock.explain("en").splitlines()
    assert example["clock"]["status"] == ClockStatus.PAUSED.value


def test_complaint_board_honours_top(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top`` caps every list of the board; "… and N more" says what was left out."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--top", "1")
    lines = section_lines(out, "Complaint board")
    more = [line for line in lines if line.startswith("… and ")]
    # 11 open complaints, 12 flagged clocks (one shown above), 5 repeats, 2 rectifications.
    assert more == ["… and 10 more", "… and 10 more", "… and 4 more", "… and 1 more"]
    assert sum(line.startswith("Special rectification") for line in lines) == 1
    causes = next(line for line in lines if line.startswith("Root causes:"))
    assert causes.count(",") == 0
    board = run_json(capsys, "--top", "1")["sections"]["complaints"]
    assert len(board["open"]["rows"]) == len(board["alerts"]["rows"]) == 1
    assert len(board["repeats"]["rows"]) == len(board["repeats"]["rectifications"]) == 1
    assert board["open"]["total"] == 11


def test_complaint_board_outside_the_calendar_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """A day the business calendar does not cover: the board says so, in zh and en."""
    for lang, message in (
        (
            "en",
            "The clocks cannot be read: calendar 'cn-statutory' covers 2025-01-01 "
            "to 2026-12-31, not 2027-01-15",
        ),
        (
            "zh",
            "无法读取投诉时钟：日历 'cn-statutory' 仅覆盖 2025-01-01 至 2026-12-31，"
            "不含 2027-01-15",
        ),
    ):
        code, out, err = run(capsys, "demo", "--lang", lang, "--as-of", "2027-01-15")
        assert (code, err) == (0, "")
        title = "Complaint board" if lang == "en" else "投诉看板"
        assert section_lines(out, title)[1:] == [message]
        board = run_json(capsys, "--lang", lang, "--as-of", "2027-01-15")["sections"]["complaints"]
        assert board["error"] == message
        assert "open" not in board


def test_complaint_board_before_any_complaint(capsys: pytest.CaptureFixture[str]) -> None:
    """On a day before the first complaint the board is empty but complete."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--as-of", "2026-09-01")
    assert section_lines(out, "Complaint board")[1:] == [
        "SLA policy: xilan-complaint-sla; 0 complaints registered by then",
        "-- Open complaints: 0 (most urgent clock, breached first; "
        "* paused: due if resumed now) --",
        "-- Breached: 0 clocks (–); warnings: 0 (–) --",
        "-- Repeat complaints: 0 of 0 (same customer or unit and category within 60 days) --",
        "-- Month to date (from 2026-09-01): 0 registered, 0 open --",
        "No complaint this month yet.",
        "-- An example: no open complaint with a resolution clock --",
    ]
    board = run_json(capsys, "--as-of", "2026-09-01")["sections"]["complaints"]
    assert (board["complaints"], board["open"]["rows"], board["example"]) == (0, [], None)
    assert (board["month"]["metrics"], board["month"]["reopened_percent"]) == ([], None)


def test_complaint_board_ignores_what_came_after_the_reading(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On 2026-09-16 the typhoon complaint of that morning is open; later events are ignored."""
    board = run_json(capsys, "--lang", "en", "--as-of", "2026-09-16")["sections"]["complaints"]
    at = datetime(2026, 9, 16, 17, 0, tzinfo=timezone(timedelta(hours=8)))
    assert board["complaints"] == len(board_clocks(at)) == 8
    assert [r["complaint_id"] for r in board["open"]["rows"]] == ["TS-2026-0008"]
    assert board["open"]["rows"][0]["emergency"] == "natural_disaster"
    assert board["example"]["clock"]["status"] == "running"


def test_complaint_board_with_a_policy_that_times_first_response_only() -> None:
    """Open complaints without a running clock show dashes; there is no resolution example."""
    config = sample_config()
    policy = SlaPolicy(
        name="first response only",
        rules=(SlaRule(metric=Metric.FIRST_RESPONSE, target=timedelta(hours=24)),),
    )
    demo = Demo.build(
        sample_portfolio()[:1],
        config,
        as_of=date(2026, 11, 23),
        tier_policy=sample_tier_policy(),
        members=sample_members(),
        lang=Lang.EN,
        complaints=attrs.evolve(sample_complaints(), policy=policy),
    )
    assert demo.calendar is sample_calendar()
    section = section_complaints(demo)
    rows = cast(dict[str, Any], section.data["open"])["rows"]
    assert [r["clock"] is None for r in rows].count(False) == 2, "two not contacted yet"
    assert rows[-1]["clock"] is None
    assert section.data["example"] is None
    assert section.lines[-1] == "-- An example: no open complaint with a resolution clock --"
    dashes = [line for line in section.lines if line.split()[-4:] == ["–"] * 4]
    assert len(dashes) == len(rows) - 2 == 8, "ten of the eleven are shown"


def test_complaint_board_with_a_due_time_past_the_calendar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On the calendar's last day a business-hours clock has no due time: '–', listed last."""
    code, out, err = run(capsys, "demo", "--lang", "en", "--as-of", "2026-12-31", "--top", "50")
    assert (code, err) == (0, "")
    rows = [line for line in section_lines(out, "Complaint board") if line.startswith("TS-")]
    last = rows[10].split()
    assert ("TS-2026-0046", "paused", "–*") == (last[0], last[5], last[8])


def test_repeats_name_at_most_max_listed_and_say_how_many_more() -> None:
    """With ``max_listed=1`` a repeat names its latest earlier complaint and counts the rest."""
    complaints = sample_complaints()
    policy = attrs.evolve(complaints.repeat_policy, max_listed=1)
    demo = Demo.build(
        sample_portfolio()[:1],
        sample_config(),
        as_of=date(2026, 11, 23),
        tier_policy=sample_tier_policy(),
        members=sample_members(),
        lang=Lang.EN,
        complaints=attrs.evolve(complaints, repeat_policy=policy),
    )
    section = section_complaints(demo)
    rows = cast(dict[str, Any], section.data["repeats"])["rows"]
    assert all(len(r["earlier"]) == 1 <= r["earlier_count"] for r in rows)
    cut = [r for r in rows if r["earlier_count"] > 1]
    assert cut, "the sample has a complaint that repeats two earlier ones"
    for row in cut:
        line = next(x for x in section.lines if x.startswith(f"{row['complaint_id']} repeats "))
        more = row["earlier_count"] - 1
        assert line.startswith(
            f"{row['complaint_id']} repeats {row['earlier'][0]} and {more} more ("
        )
