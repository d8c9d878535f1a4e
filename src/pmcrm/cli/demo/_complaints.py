"""The complaint board section: open complaints, alerts, repeats, the month, an example."""

from collections import Counter
from collections.abc import Mapping, Sequence

from pmcrm.cli._table import render_table
from pmcrm.cli.demo._board import (
    _CLOCK_HEADER,
    _active,
    _Board,
    _clock_cells,
    _clock_json,
    _flagged,
    _read_board,
    _urgency,
    board_instant,
)
from pmcrm.cli.demo._context import _LIST_SEPARATOR, _MORE, Demo, Json, Section, _t
from pmcrm.complaints import (
    CategoryCatalogue,
    ClockStatus,
    ComplaintAnalysis,
    ComplaintState,
    GroupStats,
    Metric,
    RepeatFinding,
    Share,
    analyse,
    duration_text,
    find_repeats,
    rectifications,
)
from pmcrm.errors import CalendarCoverageError, iso_duration
from pmcrm.values import Label, Lang

__all__ = ["BOARD_GROUPS", "section_complaints"]

#: How many root causes and categories the month's analysis names (fewer with ``--top``).
BOARD_GROUPS = 3

#: The labels of the standard complaint categories; another code is shown as it is.
_CATEGORIES = {d.code: d.label for d in CategoryCatalogue.standard().categories}


def _category(demo: Demo, code: str) -> str:
    """The label of the category *code* in the report's language (the code if not standard)."""
    return _CATEGORIES.get(code, Label(zh=code, en=code)).get(demo.lang)


def _open_list(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(a) The open complaints, breached first, each with its most urgent clock."""
    shown = board.open[: demo.top]
    data: Mapping[str, Json] = {
        "total": len(board.open),
        "rows": [
            {
                "complaint_id": f.complaint_id,
                "category": f.category,
                "category_label": _category(demo, f.category),
                "type": f.complaint_type.value,
                "type_label": f.complaint_type.text(demo.lang),
                "emergency": None if f.emergency is None else f.emergency.value,
                "status": f.status.value,
                "owner": f.owner,
                "clock": None if clock is None else _clock_json(demo, clock),
            }
            for f, _, clock in shown
        ],
    }
    lines = [
        demo.text(
            _t(
                "-- 未结投诉：{n} 起（按最紧急的时钟，超时在前；* 暂停中，假设现在恢复）--",
                "-- Open complaints: {n} (most urgent clock, breached first; "
                "* paused: due if resumed now) --",
            )
        ).format(n=len(board.open))
    ]
    if shown:
        header = [
            demo.text(_t("投诉编号", "Complaint")),
            demo.text(_t("类别", "Category")),
            demo.text(_t("类型", "Type")),
            demo.text(_t("负责人", "Owner")),
            *(demo.text(h) for h in _CLOCK_HEADER),
        ]
        cells = [
            [
                f.complaint_id,
                _category(demo, f.category),
                f.complaint_type.text(demo.lang),
                f.owner,
                *(["–"] * 4 if clock is None else _clock_cells(demo, clock)),
            ]
            for f, _, clock in shown
        ]
        lines.extend(render_table(header, cells, right=[False] * 8))
    if len(board.open) > len(shown):
        lines.append(demo.text(_MORE).format(n=len(board.open) - len(shown)))
    return data, lines


def _alerts(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(b) Every clock breached or past a warning level; the table lists those not shown above."""
    flagged = sorted(
        (
            (f, clock)
            for f, clocks in zip(board.facts, board.clocks, strict=True)
            for clock in _active(clocks)
            if _flagged(clock)
        ),
        key=lambda item: (_urgency(item[1]), item[0].complaint_id),
    )
    breached = Counter(c.metric for _, c in flagged if c.status is ClockStatus.BREACHED)
    warned = Counter(c.warning for _, c in flagged if c.warning is not None)
    shown_above = {
        (f.complaint_id, c.metric) for f, _, c in board.open[: demo.top] if c is not None
    }
    others = [(f, c) for f, c in flagged if (f.complaint_id, c.metric) not in shown_above]
    data: Mapping[str, Json] = {
        "breached": sum(breached.values()),
        "warnings": sum(warned.values()),
        "rows": [
            {"complaint_id": f.complaint_id, "clock": _clock_json(demo, c)}
            for f, c in flagged[: demo.top]
        ],
    }
    sep = demo.text(_LIST_SEPARATOR)
    by_metric = sep.join(f"{m.text(demo.lang)} {breached[m]}" for m in Metric if breached[m])
    by_level = sep.join(
        f"{level * 100:.0f}% {warned[level]}" for level in sorted(warned, reverse=True)
    )
    lines = [
        demo.text(
            _t(
                "-- 超时：{b} 个时钟（{bm}）；预警：{w} 个（{wl}）--",
                "-- Breached: {b} clocks ({bm}); warnings: {w} ({wl}) --",
            )
        ).format(
            b=sum(breached.values()),
            bm=by_metric or "–",
            w=sum(warned.values()),
            wl=by_level or "–",
        )
    ]
    shown = others[: demo.top]
    if shown:
        lines.append(demo.text(_t("上表之外的：", "Besides those above:")))
        header = [demo.text(_t("投诉编号", "Complaint")), *(demo.text(h) for h in _CLOCK_HEADER)]
        cells = [[f.complaint_id, *_clock_cells(demo, c)] for f, c in shown]
        lines.extend(render_table(header, cells, right=[False] * 5))
    if len(others) > len(shown):
        lines.append(demo.text(_MORE).format(n=len(others) - len(shown)))
    return data, lines


def _unlisted(demo: Demo, finding: RepeatFinding) -> str:
    """The " and N more" when a finding names fewer earlier complaints than it repeats."""
    more = finding.earlier_count - len(finding.earlier)
    return demo.text(_t(" 等另 {n} 起", " and {n} more")).format(n=more) if more else ""


def _repeats(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(c) Repeat complaints, the latest first, and the special rectifications they call for."""
    policy = demo.complaints.repeat_policy
    findings = [f for f in find_repeats(board.facts, policy) if f.is_repeat]
    findings.reverse()
    groups = rectifications(board.facts, policy)
    sep = demo.text(_LIST_SEPARATOR)
    category = {f.complaint_id: f.category for f in board.facts}
    data: Mapping[str, Json] = {
        "window_days": policy.window.days,
        "threshold": policy.rectification_threshold,
        "repeats": len(findings),
        "complaints": len(board.facts),
        "rows": [
            {
                "complaint_id": f.complaint_id,
                "earlier": list(f.earlier),
                "earlier_count": f.earlier_count,
                "matched_by": [k.value for k in f.matched_by],
                "category": category[f.complaint_id],
                "rectification": f.rectification,
                "reasons": [r.text(demo.lang) for r in f.reasons],
            }
            for f in findings[: demo.top]
        ],
        "rectifications": [
            {
                "key": g.key.value,
                "value": g.value,
                "category": g.category,
                "complaint_ids": list(g.complaint_ids),
                "triggered_by": g.triggered_by,
                "reason": g.reasons[0].text(demo.lang),
            }
            for g in groups[: demo.top]
        ],
    }
    window = demo.text(_t("{d} 天", "{d} days")).format(d=policy.window.days)
    lines = [
        demo.text(
            _t(
                "-- 重复投诉：{n} / {total} 起（{window}内同一客户或单元、同类别）--",
                "-- Repeat complaints: {n} of {total} "
                "(same customer or unit and category within {window}) --",
            )
        ).format(n=len(findings), total=len(board.facts), window=window)
    ]
    for f in findings[: demo.top]:
        lines.append(
            demo.text(
                _t(
                    "{id} 重复 {earlier}（{keys}，{category}）",
                    "{id} repeats {earlier} ({keys}; {category})",
                )
            ).format(
                id=f.complaint_id,
                earlier=sep.join(f.earlier) + _unlisted(demo, f),
                keys=sep.join(k.text(demo.lang) for k in f.matched_by),
                category=_category(demo, category[f.complaint_id]),
            )
        )
    if len(findings) > demo.top:
        lines.append(demo.text(_MORE).format(n=len(findings) - demo.top))
    for g in groups[: demo.top]:
        lines.append(
            demo.text(
                _t(
                    "专项整改（{key} {value}，{category}）：{ids}；"
                    "{trigger} 时达到阈值 {threshold}",
                    "Special rectification ({key} {value}, {category}): {ids}; "
                    "threshold {threshold} reached at {trigger}",
                )
            ).format(
                key=g.key.text(demo.lang),
                value=g.value,
                category=_category(demo, g.category),
                ids=sep.join(g.complaint_ids),
                trigger=g.triggered_by,
                threshold=policy.rectification_threshold,
            )
        )
    if len(groups) > demo.top:
        lines.append(demo.text(_MORE).format(n=len(groups) - demo.top))
    return data, lines


def _month(demo: Demo, board: _Board) -> tuple[Mapping[str, Json], list[str]]:
    """(d) The analysis of the complaints registered in the month of the report, to date.

    Rates and clocks come from the analysis of every complaint (so a repeat
    of last month's complaint counts as a repeat); the root causes and
    categories from the analysis of this month's complaints alone.
    """
    complaints, calendar = demo.complaints, demo.calendar
    month = f"{demo.as_of:%Y-%m}"

    def run(states: Sequence[ComplaintState]) -> ComplaintAnalysis:
        return analyse(
            states,
            complaints.policy,
            board.at,
            calendar=calendar,
            repeat_policy=complaints.repeat_policy,
            top=min(demo.top, BOARD_GROUPS),
        )

    empty = GroupStats(complaints=0, open=0, reopened=Share(0, 0), repeats=Share(0, 0), metrics=())
    stats = dict(run(demo.complaint_states).by_month).get(month, empty)
    zone = calendar.timezone
    mine = run(
        [
            s
            for s in demo.complaint_states
            if f"{s.registration.at.astimezone(zone):%Y-%m}" == month
        ]
    )
    lang = demo.lang
    data: Mapping[str, Json] = {
        "month": month,
        "complaints": stats.complaints,
        "open": stats.open,
        "reopened": stats.reopened.part,
        "reopened_percent": stats.reopened.percent(),
        "repeats": stats.repeats.part,
        "repeats_percent": stats.repeats.percent(),
        "metrics": [
            {
                "metric": m.metric.value,
                "label": m.metric.text(lang),
                "timed": m.timed,
                "met": m.met,
                "breached": m.breached,
                "running": m.running,
                "on_time_percent": m.on_time.percent(),
                "median": None if m.median is None else iso_duration(m.median),
            }
            for m in stats.metrics
        ],
        "root_causes": [
            {"cause": cause.value, "label": cause.text(lang), "count": n}
            for cause, n in mine.root_causes
        ],
        "categories": [
            {"category": c, "label": _category(demo, c), "count": n} for c, n in mine.categories
        ],
    }
    lines = [
        demo.text(
            _t(
                "-- 本月至今（{start} 起）：登记 {n} 起，未结 {open} 起 --",
                "-- Month to date (from {start}): {n} registered, {open} open --",
            )
        ).format(start=demo.as_of.replace(day=1).isoformat(), n=stats.complaints, open=stats.open)
    ]
    if not stats.complaints:
        lines.append(demo.text(_t("本月尚无投诉。", "No complaint this month yet.")))
        return data, lines
    lines.append(
        demo.text(
            _t(
                "重新打开率 {reopened}；重复投诉率 {repeats}",
                "Reopened {reopened}; repeats {repeats}",
            )
        ).format(reopened=stats.reopened.text(lang), repeats=stats.repeats.text(lang))
    )
    header = [
        demo.text(_t("时钟", "Clock")),
        demo.text(_t("按时", "Met")),
        demo.text(_t("超时", "Breached")),
        demo.text(_t("计时中", "Running")),
        demo.text(_t("按时率", "On time")),
        demo.text(_t("中位用时（工作时间）", "Median (working time)")),
    ]
    cells = [
        [
            m.metric.text(lang),
            str(m.met),
            str(m.breached),
            str(m.running),
            m.on_time.text(lang),
            "–" if m.median is None else duration_text(m.median, lang),
        ]
        for m in stats.metrics
    ]
    lines.extend(render_table(header, cells, right=[False, True, True, True, True, True]))
    sep = demo.text(_LIST_SEPARATOR)
    causes = sep.join(f"{cause.text(lang)} {n}" for cause, n in mine.root_causes) or "–"
    categories = sep.join(f"{_category(demo, c)} {n}" for c, n in mine.categories)
    lines.append(
        demo.text(
            _t(
                "主要根因：{causes}；主要类别：{categories}",
                "Root causes: {causes}; categories: {categories}",
            )
        ).format(causes=causes, categories=categories)
    )
    return data, lines


def _example(demo: Demo, board: _Board) -> tuple[Json, list[str]]:
    """(e) One open complaint's resolution clock, explained span by span.

    The open complaint whose resolution clock is paused or breached, with
    the most kinds of span (counted, paused, not counted), first in board
    order; else the first open complaint with a resolution clock.
    """
    candidates = [
        (
            clock.status not in (ClockStatus.PAUSED, ClockStatus.BREACHED),
            -len({span.kind for span in clock.timeline}),
            index,
            f,
            clock,
        )
        for index, (f, clocks, _) in enumerate(board.open)
        if (clock := clocks.get(Metric.RESOLUTION)) is not None
    ]
    if not candidates:
        return None, [
            demo.text(
                _t(
                    "-- 示例：没有带解决时钟的未结投诉 --",
                    "-- An example: no open complaint with a resolution clock --",
                )
            )
        ]
    *_, f, clock = min(candidates, key=lambda c: c[:3])
    explanation = clock.explain(demo.lang).splitlines()
    data: Mapping[str, Json] = {
        "complaint_id": f.complaint_id,
        "clock": _clock_json(demo, clock),
        "explanation": explanation,
    }
    heading = demo.text(
        _t(
            "-- 示例：{id}（{category}）的解决时钟 --",
            "-- An example: the resolution clock of {id} ({category}) --",
        )
    ).format(id=f.complaint_id, category=_category(demo, f.category))
    return data, [heading, *explanation]


def section_complaints(demo: Demo) -> Section:
    """The complaint board (投诉看板), its SLA clocks read at 17:00 CST on the report's day.

    (a) The open complaints, breached first (the most overdue first), then
    by due time, each with its most urgent clock; (b) how many clocks are
    breached or past a warning level, listing those (a) does not show;
    (c) repeat complaints, the latest first, and the special
    rectifications they call for; (d) the analysis of the month to date;
    (e) one open complaint's resolution clock explained span by span.
    Lists show at most ``--top`` items.  Complaints registered after the
    reading and later events are left out.  A day the business calendar
    does not cover is reported instead of the board.
    """
    title = demo.text(_t("投诉看板", "Complaint board"))
    at = board_instant(demo.as_of)
    data: dict[str, Json] = {
        "title": title,
        "at": at.isoformat(),
        "policy": demo.complaints.policy.name,
        "calendar": demo.calendar.name,
        "error": None,
    }
    lines = [
        demo.text(
            _t(
                "时钟读取时刻：{at} 北京时间（UTC+08:00），工作时间按「{calendar}」日历",
                "Clocks read at {at} China Standard Time (UTC+08:00), "
                "business hours per the '{calendar}' calendar",
            )
        ).format(at=at.strftime("%Y-%m-%d %H:%M"), calendar=demo.calendar.name)
    ]
    try:
        demo.calendar.is_working(at)  # refuses a day the calendar does not cover
        board = _read_board(demo, at)
        parts = {
            "open": _open_list(demo, board),
            "alerts": _alerts(demo, board),
            "repeats": _repeats(demo, board),
            "month": _month(demo, board),
            "example": _example(demo, board),
        }
    except CalendarCoverageError as exc:
        reason = exc.message_zh if demo.lang is Lang.ZH else str(exc)
        message = demo.text(_t("无法读取投诉时钟：{r}", "The clocks cannot be read: {r}")).format(
            r=reason
        )
        data["error"] = message
        lines.append(message)
        return Section(key="complaints", title=title, data=data, lines=tuple(lines))
    lines.append(
        demo.text(
            _t(
                "SLA 政策：{policy}；截至读取时刻登记投诉 {n} 起",
                "SLA policy: {policy}; {n} complaints registered by then",
            )
        ).format(policy=demo.complaints.policy.name, n=len(board.facts))
    )
    data["complaints"] = len(board.facts)
    for key, (part, part_lines) in parts.items():
        data[key] = part
        lines.extend(part_lines)
    return Section(key="complaints", title=title, data=data, lines=tuple(lines))
