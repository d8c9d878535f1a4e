"""The satisfaction survey section: the latest wave's scores, dimensions, quadrants, tiers."""

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from pmcrm.cli._table import render_table, truncate
from pmcrm.cli.demo._context import _MORE, _TOTAL, Demo, Json, Section, _t
from pmcrm.cli.demo._waves import (
    _csat_percent,
    _half_up,
    _maybe,
    _read_survey,
    _shown,
    _SurveyView,
    _tenth,
)
from pmcrm.surveys.breakdowns import DEFAULT_MIN_N, Group, by_segment
from pmcrm.surveys.history import satisfaction_history
from pmcrm.surveys.ipa import IpaItem, Quadrant
from pmcrm.surveys.scoring import SurveyScores

__all__ = ["QUESTION_WIDTH", "SURVEY_MIN_N", "section_survey"]

#: Groups with fewer responses than this are flagged small in the survey's tier breakdown.
SURVEY_MIN_N = DEFAULT_MIN_N

#: The order of the quadrant table: what to fix first, first.
_QUADRANT_ORDER = (
    Quadrant.URGENT_IMPROVEMENT,
    Quadrant.KEEP_UP,
    Quadrant.SECONDARY_ADVANTAGE,
    Quadrant.NOT_A_PRIORITY,
)

#: Widest question text shown in the quadrant table (display columns).
QUESTION_WIDTH = 40


def _survey_headline(demo: Demo, view: _SurveyView) -> tuple[dict[str, Json], list[str]]:
    """The wave, the CSI, the NPS with its interval and the CSAT with its interval."""
    survey, latest = demo.survey, view.latest
    scores = latest.scores
    days = [r.on for r in latest.responses]
    data: dict[str, Json] = {
        "instrument": survey.instrument.code,
        "instrument_name": demo.text(survey.instrument.name),
        "wave": latest.key,
        "first_day": min(days).isoformat(),
        "last_day": max(days).isoformat(),
        "responses": len(latest.responses),
        "csi": _maybe(scores.csi),
        "weighting": scores.weighting.value,
        "nps": None,
        "csat": None,
    }
    lines = [
        demo.text(
            _t(
                "{name} · {code} · {wave} 期：{n} 份答卷，{first} 至 {last}",
                "{name} · {code} · wave {wave}: {n} responses, {first} to {last}",
            )
        ).format(
            name=demo.text(survey.instrument.name),
            code=survey.instrument.code,
            wave=latest.key,
            n=len(latest.responses),
            first=min(days).isoformat(),
            last=max(days).isoformat(),
        ),
        demo.text(
            _t(
                "CSI {csi} / 100：各维度得分按声明的权重加权平均（权重见下表）",
                "CSI {csi} / 100: the dimension scores weighted by the declared weights "
                "(see the table)",
            )
        ).format(csi=_shown(_maybe(scores.csi))),
    ]
    nps = scores.nps
    if nps is not None:
        low, high = nps.interval()
        data["nps"] = {
            "score": _half_up(nps.score),
            "low": _tenth(low),
            "high": _tenth(high),
            "n": nps.n,
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
        }
        lines.append(
            demo.text(
                _t(
                    "NPS {score}（95% 置信区间 {low} 至 {high}；n = {n}：推荐者 {p}，"
                    "中立者 {m}，贬损者 {d}）",
                    "NPS {score} (95% CI {low} to {high}; n = {n}: {p} promoters, "
                    "{m} passives, {d} detractors)",
                )
            ).format(
                score=_shown(_half_up(nps.score), signed=True),
                low=_shown(_tenth(low), signed=True),
                high=_shown(_tenth(high), signed=True),
                n=nps.n,
                p=nps.promoters,
                m=nps.passives,
                d=nps.detractors,
            )
        )
    csat = scores.csat
    interval = None if csat is None else csat.interval()
    if csat is not None and interval is not None:
        low, high = (_tenth(end * 100) for end in interval)
        top_box = survey.instrument.top_box
        data["csat"] = {
            "percent": _csat_percent(scores),
            "low_percent": low,
            "high_percent": high,
            "satisfied": csat.part,
            "n": csat.whole,
            "top_box": top_box,
        }
        lines.append(
            demo.text(
                _t(
                    "CSAT {share}（总体满意度题前 {box} 档；95% Wilson 区间 {low}% 至 {high}%；"
                    "n = {n}）",
                    "CSAT {share} (top-{box} box of the overall item; 95% Wilson CI "
                    "{low}% to {high}%; n = {n})",
                )
            ).format(
                share=_shown(_csat_percent(scores), suffix="%"),
                box=top_box,
                low=f"{low:f}",
                high=f"{high:f}",
                n=csat.whole,
            )
        )
    return data, lines


def _survey_change(demo: Demo, view: _SurveyView) -> tuple[Json, list[str]]:
    """The change of the CSI, NPS and CSAT from the wave before."""
    previous = view.previous
    if previous is None:
        return None, [demo.text(_t("无上一期可比较。", "No earlier wave to compare with."))]
    now, before = view.latest.scores, previous.scores

    def change(new: Fraction | None, old: Fraction | None) -> Decimal | None:
        return None if new is None or old is None else _half_up(new - old)

    def share(scores: SurveyScores) -> Fraction | None:
        csat = scores.csat
        part = None if csat is None else csat.share
        return None if part is None else part * 100

    def score(scores: SurveyScores) -> Fraction | None:
        return None if scores.nps is None else scores.nps.score

    figures = {
        "csi": (before.csi, now.csi),
        "nps": (score(before), score(now)),
        "csat_percent": (share(before), share(now)),
    }
    data: dict[str, Json] = {"wave": previous.key, "responses": len(previous.responses)}
    for key, (old, new) in figures.items():
        data[key] = {"before": _maybe(old), "now": _maybe(new), "change": change(new, old)}
    csi_old, csi_new = figures["csi"]
    nps_old, nps_new = figures["nps"]
    csat_old, csat_new = figures["csat_percent"]
    line = demo.text(
        _t(
            "与上期 {wave}（{n} 份）相比：CSI {c0} → {c1}（{dc}）；NPS {n0} → {n1}（{dn}）；"
            "CSAT {s0} → {s1}（{ds} 个百分点）",
            "Change from {wave} ({n} responses): CSI {c0} → {c1} ({dc}); "
            "NPS {n0} → {n1} ({dn}); CSAT {s0} → {s1} ({ds} points)",
        )
    ).format(
        wave=previous.key,
        n=len(previous.responses),
        c0=_shown(_maybe(csi_old)),
        c1=_shown(_maybe(csi_new)),
        dc=_shown(change(csi_new, csi_old), signed=True),
        n0=_shown(_maybe(nps_old), signed=True),
        n1=_shown(_maybe(nps_new), signed=True),
        dn=_shown(change(nps_new, nps_old), signed=True),
        s0=_shown(_maybe(csat_old), suffix="%"),
        s1=_shown(_maybe(csat_new), suffix="%"),
        ds=_shown(change(csat_new, csat_old), signed=True),
    )
    return data, [line]


def _survey_dimensions(
    demo: Demo, view: _SurveyView
) -> tuple[list[Mapping[str, Json]], list[str]]:
    """The dimensions, lowest score first (unscored last), with weight, change, alpha and gap."""
    before = (
        {}
        if view.previous is None
        else {d.code: d.score_100 for d in view.previous.scores.dimensions}
    )
    ranked = sorted(
        view.latest.scores.dimensions,
        key=lambda d: (d.score_100 is None, d.score_100 or 0),
    )
    rows: list[Mapping[str, Json]] = []
    cells = []
    for d in ranked:
        old = before.get(d.code)
        change = None if d.score_100 is None or old is None else _half_up(d.score_100 - old)
        row: dict[str, Json] = {
            "dimension": d.code,
            "label": demo.text(d.label),
            "weight_percent": _half_up(d.weight * 100),
            "score": _maybe(d.score_100),
            "change": change,
            "importance": _maybe(d.importance, 2),
            "alpha": _maybe(d.alpha, 2),
            "gap": _maybe(d.gap, 2),
            "complete": d.complete,
        }
        rows.append(row)
        cells.append(
            [
                demo.text(d.label),
                f"{_half_up(d.weight * 100):f}%",
                _shown(_maybe(d.score_100)),
                _shown(change, signed=True),
                _shown(_maybe(d.importance, 2)),
                _shown(_maybe(d.alpha, 2)),
                _shown(_maybe(d.gap, 2), signed=True),
            ]
        )
    header = [
        demo.text(_t("维度", "Dimension")),
        demo.text(_t("权重", "Weight")),
        demo.text(_t("得分", "Score")),
        demo.text(_t("较上期", "Change")),
        demo.text(_t("重要性（1–5）", "Importance (1–5)")),
        demo.text(_t("α 系数", "Alpha")),
        demo.text(_t("差距（感知−期望）", "Gap (P − E)")),
    ]
    heading = demo.text(
        _t(
            "-- 各维度（得分 0–100，由低到高；差距为 SERVQUAL 感知减期望，以量表分计）--",
            "-- Dimensions, lowest score first (0–100; gap: SERVQUAL perception − "
            "expectation, in scale points) --",
        )
    )
    table = render_table(header, cells, right=[False, True, True, True, True, True, True])
    return rows, [heading, *table]


def _survey_quadrants(demo: Demo, view: _SurveyView) -> tuple[Mapping[str, Json], list[str]]:
    """The quadrant table: counts, then the items, urgent improvement first (``--top`` rows)."""
    result, lang = view.ipa, demo.lang
    order = {q: i for i, q in enumerate(_QUADRANT_ORDER)}
    ranked = sorted(
        result.items,
        key=lambda i: (
            len(order) if i.quadrant is None else order[i.quadrant],
            i.satisfaction is None,
            i.satisfaction or 0,
        ),
    )
    shown = ranked[: demo.top]
    counts = Counter(i.quadrant for i in result.items)

    def where(item: IpaItem) -> str:
        if item.quadrant is not None:
            return item.quadrant.text(lang)
        cause = item.unplaced.text(lang) if item.unplaced is not None else ""
        return demo.text(_t("未放入：{c}", "not placed: {c}")).format(c=cause)

    data: Mapping[str, Json] = {
        "importance": result.importance.value,
        "crosshair": "mean",
        "importance_line": _maybe(result.importance_line, 2),
        "satisfaction_line": _maybe(result.satisfaction_line, 2),
        "counts": {q.value: counts[q] for q in Quadrant},
        "unplaced": counts[None],
        "total": len(result.items),
        "rows": [
            {
                "item": i.code,
                "text": demo.text(i.text),
                "dimension": i.dimension,
                "importance": _maybe(i.importance, 2),
                "satisfaction": _maybe(i.satisfaction, 2),
                "quadrant": None if i.quadrant is None else i.quadrant.value,
                "quadrant_label": where(i),
            }
            for i in shown
        ],
    }
    tally = [f"{q.text(lang)} {counts[q]}" for q in _QUADRANT_ORDER]
    if counts[None]:
        tally.append(demo.text(_t("未放入 {n}", "not placed {n}")).format(n=counts[None]))
    lines = [
        demo.text(_t("-- 四分图：{tally} --", "-- Quadrants: {tally} --")).format(
            tally=" · ".join(tally)
        ),
        demo.text(
            _t(
                "x = 陈述重要性，y = 满意度（0–100）；分界线取各题在两轴上的总均值："
                "重要性 {i}，满意度 {s}；恰在线上计为高",
                "x = stated importance, y = satisfaction (0–100); crosshair at the grand "
                "mean of the items on each axis: importance {i}, satisfaction {s}; on a "
                "line counts as high",
            )
        ).format(
            i=_shown(_maybe(result.importance_line, 2)),
            s=_shown(_maybe(result.satisfaction_line, 2)),
        ),
    ]
    header = [
        demo.text(_t("题目", "Item")),
        demo.text(_t("内容", "Question")),
        demo.text(_t("重要性", "Importance")),
        demo.text(_t("满意度", "Satisfaction")),
        demo.text(_t("象限", "Quadrant")),
    ]
    cells = [
        [
            i.code,
            truncate(demo.text(i.text), QUESTION_WIDTH),
            _shown(_maybe(i.importance, 2)),
            _shown(_maybe(i.satisfaction, 2)),
            where(i),
        ]
        for i in shown
    ]
    lines.extend(render_table(header, cells, right=[False, False, True, True, False]))
    if len(ranked) > len(shown):
        lines.append(demo.text(_MORE).format(n=len(ranked) - len(shown)))
    return data, lines


def _survey_tiers(demo: Demo, view: _SurveyView) -> tuple[Mapping[str, Json], list[str]]:
    """The latest wave by the tier segment, in ladder order, small groups flagged."""
    ladder = demo.tier_policy.ladder
    rank = {name: i for i, name in enumerate(ladder.names)}
    result = by_segment(demo.survey.instrument, view.latest.responses, "tier", min_n=SURVEY_MIN_N)
    groups = sorted(result.groups, key=lambda g: (g.key is None, rank.get(g.key or "", len(rank))))

    def name(group: Group) -> str:
        if group.key in rank:
            return demo.text(ladder.label(group.key))
        return group.name(demo.lang)

    def figures(n: int, small: bool, scores: SurveyScores) -> tuple[dict[str, Json], list[str]]:
        nps = None if scores.nps is None else _half_up(scores.nps.score)
        csi, csat = _maybe(scores.csi), _csat_percent(scores)
        row: dict[str, Json] = {
            "n": n,
            "small": small,
            "csi": csi,
            "csat_percent": csat,
            "nps": nps,
        }
        cells = [
            f"{n}*" if small else f"{n} ",
            _shown(csi),
            _shown(csat, suffix="%"),
            _shown(nps, signed=True),
        ]
        return row, cells

    rows: list[Mapping[str, Json]] = []
    body = []
    for group in groups:
        row, cells = figures(group.n, group.small, group.scores)
        rows.append({"tier": group.key, "label": name(group), **row})
        body.append([name(group), *cells])
    total, total_cells = figures(result.total, False, result.overall)
    body.append([demo.text(_TOTAL), *total_cells])
    header = [
        demo.text(_t("等级", "Tier")),
        "n ",
        "CSI",
        "CSAT",
        "NPS",
    ]
    heading = demo.text(_t("-- 按客户等级（{wave} 期）--", "-- By tier (wave {wave}) --")).format(
        wave=view.latest.key
    )
    note = demo.text(
        _t(
            "标 * 的组 n < {n}：样本量小，谨慎解读",
            "* n < {n}: a small group, read with care",
        )
    ).format(n=SURVEY_MIN_N)
    table = render_table(header, body, right=[False, True, True, True, True])
    data: Mapping[str, Json] = {"min_n": SURVEY_MIN_N, "rows": rows, "total": total}
    return data, [heading, *table, note]


def _survey_history(demo: Demo) -> tuple[Mapping[str, Json], list[str]]:
    """How many satisfaction records the tier review would read, and how many are low."""
    responses = [r for r in demo.survey.responses if r.on <= demo.as_of]
    history = satisfaction_history(demo.survey.instrument, responses)
    records = [s for scores in history.values() for s in scores]
    below = demo.tier_policy.review.low_satisfaction_below
    data: dict[str, Json] = {
        "customers": len(history),
        "records": len(records),
        "below": below,
        "records_below": None,
    }
    line = demo.text(
        _t(
            "等级评审可读的满意度记录：{n} 条，{c} 位客户（每份答卷本人的 CSI，记于答卷日）",
            "Tier review: {n} satisfaction records of {c} customers (each response's own "
            "CSI, dated the day answered)",
        )
    ).format(n=len(records), c=len(history))
    if below is not None:
        low = sum(1 for s in records if s.score < below)
        data["records_below"] = low
        line += demo.text(
            _t("；{n} 条低于评审的低满意度线 {b}", "; {n} below its low-satisfaction line {b}")
        ).format(n=low, b=below)
    return data, [line]


def section_survey(demo: Demo) -> Section:
    """The satisfaction survey (满意度测评): the latest wave up to the report's day.

    Responses answered after the report's day are left out; waves are
    calendar quarters of ``Response.on``.  For the latest wave: the CSI
    (0–100, the dimension scores weighted by the declared weights), the NPS
    with its 95 % interval and n, the CSAT (top-box share of the overall
    item) with its Wilson interval; the change from the wave before; the
    dimensions, lowest score first, with weight, change, mean stated
    importance, Cronbach's alpha and SERVQUAL gap; the quadrant table
    (stated importance, the crosshair at the mean of the items on both
    axes), urgent improvement first and at most ``--top`` items; the wave
    by tier held (the ``tier`` segment) in ladder order, groups under
    :data:`SURVEY_MIN_N` flagged; and how many satisfaction records
    (:func:`pmcrm.surveys.history.satisfaction_history`, every wave up to
    the day) the tier review would read.
    """
    title = demo.text(_t("满意度测评", "Satisfaction survey"))
    view = _read_survey(demo)
    if view is None:
        message = demo.text(_t("截至 {day} 尚无答卷。", "No survey responses by {day}.")).format(
            day=demo.as_of.isoformat()
        )
        data: dict[str, Json] = {"title": title, "wave": None, "message": message}
        return Section(key="survey", title=title, data=data, lines=(message,))
    data, lines = _survey_headline(demo, view)
    data = {"title": title, **data}
    parts = {
        "previous": _survey_change(demo, view),
        "dimensions": _survey_dimensions(demo, view),
        "quadrants": _survey_quadrants(demo, view),
        "tiers": _survey_tiers(demo, view),
        "history": _survey_history(demo),
    }
    for key, (part, part_lines) in parts.items():
        data[key] = part
        lines.extend(part_lines)
    return Section(key="survey", title=title, data=data, lines=tuple(lines))
