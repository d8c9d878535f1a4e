"""Flat records of the aggregate results: the complaint analysis, survey scores and IPA.

The row kernels give one record per input row; these give the records of a
result that sums many rows up, so that it can be written through the same
writers (JSON Lines, CSV, JSON, a zh/en table) and stored by a data engine
as a table:

* :func:`analysis_records` and :func:`cause_records` — a
  :class:`~pmcrm.complaints.analysis.ComplaintAnalysis`: its figures per
  group and metric, and its top root causes and categories;
* :func:`score_records` — a :class:`~pmcrm.surveys.scoring.SurveyScores`: one
  record per item, per dimension and one for the whole survey;
* :func:`ipa_records` — an :class:`~pmcrm.surveys.ipa.IpaResult`: one record
  per rating item, its place on the chart or why it has none.

Every record has the columns of its published :class:`~pmcrm.batch.Schema`,
``row`` numbering the records from 0, ``status`` ``"ok"`` and ``errors``
null (a result is never refused row by row).  The figures are the result
object's own, never recomputed: counts as they are, durations as ISO 8601
text, and the exact fractions of the survey results as decimal text rounded
half up (四舍五入, :func:`~pmcrm.values.round_half_up`) to the places each
column states — the places pmcrm shows them with elsewhere.

>>> from datetime import datetime, timedelta, timezone
>>> from pmcrm.complaints import analyse
>>> from pmcrm.sample import sample_calendar, sample_complaints
>>> complaints = sample_complaints()
>>> at = datetime(2026, 11, 23, 18, 0, tzinfo=timezone(timedelta(hours=8)))
>>> report = analyse(complaints.states, complaints.policy, at, calendar=sample_calendar())
>>> rows = list(analysis_records(report))
>>> for r in rows[:2]:
...     print(r["scope"], r["group_key"], r["metric"], r["on_time_percent"], r["median"])
overall None first_response 96.2 PT30M
overall None investigation 98.0 PT4H
>>> sorted({r["scope"] for r in rows})
['department', 'month', 'overall']
"""

from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from pmcrm.batch._core import Column, Record, Schema, _column, accepted, make_schema, plain
from pmcrm.complaints.analysis import ComplaintAnalysis, GroupStats, MetricStats, Share
from pmcrm.complaints.model import CategoryCatalogue
from pmcrm.errors import InvalidValue
from pmcrm.surveys.instrument import Instrument, Item
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, IpaItem, IpaResult
from pmcrm.surveys.scoring import DimensionScore, ItemScore, Proportion, SurveyScores
from pmcrm.values import MONEY_CONTEXT, Label, round_half_up

__all__ = [
    "ANALYSIS_SCHEMA",
    "CAUSE_SCHEMA",
    "IPA_SCHEMA",
    "SCORE_SCHEMA",
    "analysis_records",
    "cause_records",
    "ipa_records",
    "score_records",
]

#: Places of 0–100 scores, the CSI, the NPS and percentages (as the survey
#: report and :meth:`~pmcrm.surveys.scoring.Proportion.percent` show them).
_SCORE_PLACES: Final = 1
#: Places of means on an item's scale: score, importance, SERVQUAL gap; and
#: of Cronbach's alpha (as the survey report shows them).
_SCALE_PLACES: Final = 2
#: Places of the IPA's 0–100 figures and of a derived importance (Pearson's
#: *r*), as :meth:`~pmcrm.surveys.ipa.IpaResult.table` shows them.
_IPA_PLACES: Final = 2
_IPA_R_PLACES: Final = 4


def _nullable(name: str, type_: str, zh: str, en: str, *, title: tuple[str, str]) -> Column:
    return _column(name, type_, zh, en, nullable=True, title=title)


def _fixed(value: Fraction | None, places: int) -> str | None:
    """*value* rounded half up to *places* decimals, as text (``None`` stays ``None``)."""
    if value is None:
        return None
    return f"{round_half_up(value.numerator, value.denominator, places):f}"


# --- the complaint analysis ------------------------------------------------------------

_AT = _column(
    "at",
    "datetime",
    "分析截至时刻",
    "The instant the analysis is made as of",
    title=("截至", "as of"),
)


def _share_columns(name: str, zh: str, en: str, title: tuple[str, str]) -> tuple[Column, ...]:
    return (
        _column(
            f"{name}_part",
            "integer",
            f"{zh}的投诉数",
            f"Complaints {en}",
            title=(f"{title[0]}数", f"{title[1]}"),
        ),
        _column(
            f"{name}_whole",
            "integer",
            "组内投诉总数（比例的分母）",
            "Complaints in the group (the share's whole)",
            title=(f"{title[0]}基数", f"{title[1]} of"),
        ),
        _nullable(
            f"{name}_percent",
            "decimal",
            f"{zh}的比例（%，四舍五入到 0.1）；组内无投诉时为空",
            f"The share {en} in percent, rounded half up (四舍五入) to 0.1; null for an "
            "empty group",
            title=(f"{title[0]}率", f"{title[1]} %"),
        ),
    )


#: The schema of :func:`analysis_records`: one record per group of
#: complaints and metric.  A group's figures repeat on each of its metric
#: records; a group no rule timed has one record with the metric columns
#: null.  Durations are ISO 8601 text, measured as the analysis measures
#: them (on the business calendar when it had one).
ANALYSIS_SCHEMA: Final[Schema] = make_schema(
    _AT,
    _column(
        "scope",
        "string",
        "分组方式：overall（全部）、department（按部门）或 month（按登记月份）",
        "How the complaints are grouped: ``overall``, ``department`` or ``month`` "
        "(of registration)",
        title=("分组", "scope"),
    ),
    _nullable(
        "group_key",
        "string",
        "部门名称（未指派为“(unassigned)”）或登记月份 YYYY-MM；全部时为空",
        "The department (``(unassigned)`` when none) or the month ``YYYY-MM``; null for "
        "``overall``",
        title=("组", "group"),
    ),
    _column("complaints", "integer", "投诉数", "Complaints", title=("投诉数", "complaints")),
    _column(
        "open",
        "integer",
        "截至分析时未解决的投诉数",
        "Not resolved as of the analysis",
        title=("未结", "open"),
    ),
    *_share_columns("reopened", "至少重开一次", "reopened at least once", ("重开", "reopened")),
    *_share_columns("repeats", "重复此前投诉", "repeating an earlier one", ("重复", "repeats")),
    _nullable(
        "metric",
        "string",
        "计时指标：first_response、investigation、resolution 或 follow_up；无规则计时为空",
        "The metric: ``first_response``, ``investigation``, ``resolution`` or "
        "``follow_up``; null when no rule timed the group",
        title=("指标", "metric"),
    ),
    _nullable(
        "timed",
        "integer",
        "有规则计时的投诉数",
        "Complaints a rule timed",
        title=("计时", "timed"),
    ),
    _nullable(
        "met", "integer", "按时停止的计时数", "Clocks stopped within target", title=("按时", "met")
    ),
    _nullable(
        "breached",
        "integer",
        "超时的计时数（已超时停止，或仍在计时且已超时）",
        "Clocks stopped late or still running past target",
        title=("超时", "breached"),
    ),
    _nullable(
        "running",
        "integer",
        "仍在时限内计时的计时数（尚未判定）",
        "Clocks running within target (not decided yet)",
        title=("计时中", "running"),
    ),
    _nullable(
        "on_time_part",
        "integer",
        "按时率的分子：按时数",
        "The on-time share's part: the clocks met",
        title=("按时数", "on time"),
    ),
    _nullable(
        "on_time_whole",
        "integer",
        "按时率的分母：已判定的计时数（按时 + 超时）",
        "The on-time share's whole: the clocks decided (met + breached)",
        title=("已判定", "decided"),
    ),
    _nullable(
        "on_time_percent",
        "decimal",
        "按时率（%，四舍五入到 0.1）；无已判定计时为空",
        "Met among the decided clocks in percent, rounded half up (四舍五入) to 0.1; null "
        "when none is decided",
        title=("按时率", "on time %"),
    ),
    _nullable(
        "median",
        "duration",
        "已停止计时的用时中位数（偶数个时取中间两个的平均）；无则为空",
        "The median counted time of the stopped clocks (the mean of the middle two for an "
        "even count); null when none stopped",
        title=("中位用时", "median"),
    ),
    _nullable(
        "mean",
        "duration",
        "已停止计时的平均用时；无则为空",
        "The mean counted time of the stopped clocks; null when none stopped",
        title=("平均用时", "mean"),
    ),
)


def _share(name: str, share: Share) -> dict[str, Any]:
    return {
        f"{name}_part": share.part,
        f"{name}_whole": share.whole,
        f"{name}_percent": plain(share.percent()),
    }


def _metric(stats: MetricStats) -> dict[str, Any]:
    on_time = stats.on_time
    return {
        "metric": stats.metric.value,
        "timed": stats.timed,
        "met": stats.met,
        "breached": stats.breached,
        "running": stats.running,
        **_share("on_time", on_time),
        "median": plain(stats.median),
        "mean": plain(stats.mean),
    }


def _groups(analysis: ComplaintAnalysis) -> Iterator[tuple[str, str | None, GroupStats]]:
    yield "overall", None, analysis.overall
    for name, stats in analysis.by_department:
        yield "department", name, stats
    for month, stats in analysis.by_month:
        yield "month", month, stats


def _analysis_values(analysis: ComplaintAnalysis) -> Iterator[dict[str, Any]]:
    for scope, key, stats in _groups(analysis):
        group = {
            "at": plain(analysis.at),
            "scope": scope,
            "group_key": key,
            "complaints": stats.complaints,
            "open": stats.open,
            **_share("reopened", stats.reopened),
            **_share("repeats", stats.repeats),
        }
        if not stats.metrics:
            yield group
        for metric in stats.metrics:
            yield group | _metric(metric)


def analysis_records(analysis: ComplaintAnalysis) -> Iterator[Record]:
    """The records of a complaint analysis (:data:`ANALYSIS_SCHEMA`), lazily.

    One record per group and metric, in the analysis' order: every
    complaint (``scope`` ``overall``), then each department by name, then
    each month of registration in order; within a group, the metrics in
    the order of :class:`~pmcrm.complaints.sla.Metric`.  A group without a
    timed metric (an analysis of no complaints) gives one record.

    >>> from datetime import datetime, timezone
    >>> from pmcrm.complaints import analyse, default_policy
    >>> at = datetime(2026, 11, 30, tzinfo=timezone.utc)
    >>> [empty] = analysis_records(analyse([], default_policy(), at))
    >>> empty["scope"], empty["complaints"], empty["reopened_percent"], empty["metric"]
    ('overall', 0, None, None)
    """
    for row, values in enumerate(_analysis_values(analysis)):
        yield accepted(ANALYSIS_SCHEMA, row, values)


#: The schema of :func:`cause_records`: one record per root cause and
#: category the analysis lists (its top ones, most frequent first).
CAUSE_SCHEMA: Final[Schema] = make_schema(
    _AT,
    _column(
        "kind",
        "string",
        "root_cause（根本原因）或 category（投诉类别）",
        "``root_cause`` or ``category``",
        title=("类型", "kind"),
    ),
    _column(
        "rank",
        "integer",
        "在同类中的名次（从 1 起；按次数由多到少，次数相同按编码）",
        "The place within its kind, from 1: most frequent first, ties in code order",
        title=("名次", "rank"),
    ),
    _column(
        "code",
        "string",
        "根本原因或类别的编码",
        "The cause's or category's code",
        title=("编码", "code"),
    ),
    _nullable(
        "label_zh",
        "string",
        "中文名称；类别目录中没有的类别编码为空",
        "Its name in Chinese; null for a category code the catalogue lacks",
        title=("名称", "name (zh)"),
    ),
    _nullable(
        "label_en",
        "string",
        "英文名称；类别目录中没有的类别编码为空",
        "Its name in English; null for a category code the catalogue lacks",
        title=("名称（英文）", "name"),
    ),
    _column("count", "integer", "投诉数", "Complaints", title=("次数", "count")),
)


def _labelled(label: Label | None) -> dict[str, str | None]:
    return {
        "label_zh": None if label is None else label.zh,
        "label_en": None if label is None else label.en,
    }


def _cause_values(
    analysis: ComplaintAnalysis, catalogue: CategoryCatalogue
) -> Iterator[dict[str, Any]]:
    at = plain(analysis.at)
    for rank, (cause, count) in enumerate(analysis.root_causes, 1):
        yield {
            "at": at,
            "kind": "root_cause",
            "rank": rank,
            "code": cause.value,
            **_labelled(cause.label),
            "count": count,
        }
    labels = {definition.code: definition.label for definition in catalogue.categories}
    for rank, (code, count) in enumerate(analysis.categories, 1):
        yield {
            "at": at,
            "kind": "category",
            "rank": rank,
            "code": code,
            **_labelled(labels.get(code)),
            "count": count,
        }


def cause_records(
    analysis: ComplaintAnalysis, *, catalogue: CategoryCatalogue | None = None
) -> Iterator[Record]:
    """The top root causes, then the top categories, of an analysis (:data:`CAUSE_SCHEMA`).

    Root causes carry their own labels
    (:class:`~pmcrm.complaints.model.RootCause`); a category is a code, named
    by *catalogue* (default: the standard categories,
    :meth:`~pmcrm.complaints.model.CategoryCatalogue.standard`) — a code it
    lacks keeps null labels rather than failing.

    >>> from datetime import datetime, timezone
    >>> from pmcrm.complaints import CategoryDef
    >>> from pmcrm.complaints.analysis import ComplaintAnalysis, GroupStats, Share
    >>> from pmcrm.complaints.model import RootCause
    >>> nothing = GroupStats(
    ...     complaints=0, open=0, reopened=Share(0, 0), repeats=Share(0, 0), metrics=()
    ... )
    >>> report = ComplaintAnalysis(
    ...     at=datetime(2026, 11, 30, tzinfo=timezone.utc),
    ...     overall=nothing,
    ...     by_department=(),
    ...     by_month=(),
    ...     root_causes=((RootCause.EQUIPMENT_FAILURE, 3),),
    ...     categories=(("cleaning", 2), ("ev_charging", 1)),
    ... )
    >>> for r in cause_records(report):
    ...     print(r["row"], r["kind"], r["rank"], r["code"], r["label_zh"], r["count"])
    0 root_cause 1 equipment_failure 设备故障 3
    1 category 1 cleaning 保洁 2
    2 category 2 ev_charging None 1
    >>> ev = CategoryDef(code="ev_charging", label=Label(zh="充电桩", en="EV charging"))
    >>> catalogue = CategoryCatalogue.standard().extended(ev)
    >>> [r["label_en"] for r in cause_records(report, catalogue=catalogue)]
    ['equipment failure', 'cleaning', 'EV charging']
    """
    chosen = CategoryCatalogue.standard() if catalogue is None else catalogue
    for row, values in enumerate(_cause_values(analysis, chosen)):
        yield accepted(CAUSE_SCHEMA, row, values)


# --- survey scores --------------------------------------------------------------------


def _scale_column(name: str, zh: str, en: str, title: tuple[str, str]) -> Column:
    return _nullable(
        name,
        "decimal",
        f"{zh}（量表分，四舍五入到 0.01）",
        f"{en}, on the item's scale, rounded half up (四舍五入) to 0.01",
        title=title,
    )


#: The schema of :func:`score_records`: one record per item (in instrument
#: order), then per dimension (in instrument order), then one for the whole
#: survey (``kind`` ``overall``).  A column that does not apply to a kind
#: is null.  Exact figures are rounded half up (四舍五入) once, here, to
#: the places each column states; interval ends are the library's own,
#: rounded outwards to 6 decimals of a share, never rounded again.
SCORE_SCHEMA: Final[Schema] = make_schema(
    _column("instrument", "string", "问卷编码", "The instrument", title=("问卷", "instrument")),
    _column(
        "kind",
        "string",
        "item（题目）、dimension（维度）或 overall（整份问卷）",
        "``item``, ``dimension`` or ``overall`` (the whole survey)",
        title=("类型", "kind"),
    ),
    _nullable(
        "code",
        "string",
        "题目或维度的编码；整份问卷为空",
        "The item's or dimension's code; null for ``overall``",
        title=("编码", "code"),
    ),
    _nullable(
        "label_zh",
        "string",
        "中文名称：题目的问题（需提供问卷）、维度名称或问卷名称（需提供问卷）",
        "In Chinese: the item's question or the survey's name (both only when the "
        "instrument is given), or the dimension's name",
        title=("名称", "name (zh)"),
    ),
    _nullable(
        "label_en",
        "string",
        "英文名称（同 label_zh）",
        "In English (as ``label_zh``)",
        title=("名称（英文）", "name"),
    ),
    _nullable(
        "role",
        "string",
        "题目的作用：rating、overall 或 nps（需提供问卷）",
        "An item's role: ``rating``, ``overall`` or ``nps`` (only when the instrument is given)",
        title=("作用", "role"),
    ),
    _nullable(
        "dimension",
        "string",
        "评价项所属维度（需提供问卷）",
        "A rating item's dimension (only when the instrument is given)",
        title=("维度", "dimension"),
    ),
    _nullable(
        "scale",
        "string",
        "题目的量表：likert5、likert7、0-10 或 yes_no",
        "An item's scale: ``likert5``, ``likert7``, ``0-10`` or ``yes_no``",
        title=("量表", "scale"),
    ),
    _nullable(
        "n",
        "integer",
        "题目：有分数的答案数；整份问卷：答卷数",
        "An item: answers with a score; ``overall``: the responses scored",
        title=("n", "n"),
    ),
    _nullable(
        "missing",
        "integer",
        "跳过该题的答卷数",
        "Respondents who skipped the item",
        title=("缺答", "missing"),
    ),
    _nullable(
        "not_applicable",
        "integer",
        "标记该题不适用的答卷数",
        "Respondents who marked the item not applicable",
        title=("不适用", "n/a"),
    ),
    _scale_column(
        "mean",
        "题目平均分（反向计分后）",
        "The item's mean score (after reverse coding)",
        ("均值", "mean"),
    ),
    _nullable(
        "score_100",
        "decimal",
        "0–100 得分（题目：均值换算；维度：各题得分的平均），四舍五入到 0.1",
        "The score on 0–100 (an item's mean rescaled; a dimension's: the mean of its "
        "items'), rounded half up (四舍五入) to 0.1",
        title=("得分", "score"),
    ),
    _nullable(
        "weight_percent",
        "decimal",
        "维度在 CSI 中的权重（%，四舍五入到 0.1）",
        "A dimension's weight in the CSI in percent, rounded half up (四舍五入) to 0.1",
        title=("权重", "weight %"),
    ),
    _scale_column(
        "importance", "平均重要性", "The mean stated importance", ("重要性", "importance")
    ),
    _scale_column(
        "gap",
        "SERVQUAL 差距：感知 − 期望（维度：各题差距的平均）",
        "The SERVQUAL gap, perception − expectation (a dimension's: the mean of its items')",
        ("差距", "gap"),
    ),
    _nullable(
        "alpha",
        "decimal",
        "维度的 Cronbach α 系数（完整样本），四舍五入到 0.01；无定义时为空",
        "A dimension's Cronbach's alpha over its complete cases, rounded half up (四舍五入) "
        "to 0.01; null when undefined",
        title=("信度 α", "alpha"),
    ),
    _nullable(
        "complete",
        "integer",
        "对维度的每道题都评了分的答卷数（α 的样本）",
        "Respondents who scored every item of a dimension (alpha's sample)",
        title=("完整样本", "complete"),
    ),
    _nullable(
        "items",
        "integer",
        "维度的评价项数",
        "A dimension's rating items",
        title=("题数", "items"),
    ),
    _nullable(
        "csat_satisfied",
        "integer",
        "满意（前 k 档，问卷的 top_box；是/否题仅“是”）的答案数",
        "Answers in the top box(es) (the instrument's ``top_box``; on a yes/no item only yes)",
        title=("满意数", "satisfied"),
    ),
    _nullable(
        "csat_n",
        "integer",
        "满意率的分母：有分数的答案数",
        "The CSAT share's whole: answers with a score",
        title=("满意率基数", "CSAT n"),
    ),
    _nullable(
        "csat_percent",
        "decimal",
        "满意率（%，四舍五入到 0.1）；题目：该题；整份问卷：总体满意度题",
        "The top-box share in percent, rounded half up (四舍五入) to 0.1: an item's own; "
        "``overall``: the overall-satisfaction item's",
        title=("满意率", "CSAT %"),
    ),
    _nullable(
        "csat_low",
        "decimal",
        "满意率 95% Wilson 区间下限（%；区间端点向外取到比例的 6 位小数，不再取整）",
        "The low end of its 95 % Wilson interval in percent (the end as pmcrm rounds it, "
        "outwards to 6 decimals of the share, times 100: not rounded again)",
        title=("满意率下限", "CSAT low"),
    ),
    _nullable(
        "csat_high",
        "decimal",
        "满意率 95% Wilson 区间上限（%，同 csat_low）",
        "The high end of its 95 % Wilson interval in percent (as ``csat_low``)",
        title=("满意率上限", "CSAT high"),
    ),
    _nullable(
        "promoters",
        "integer",
        "推荐者（9–10 分）人数",
        "Promoters (9–10)",
        title=("推荐者", "promoters"),
    ),
    _nullable(
        "passives",
        "integer",
        "中立者（7–8 分）人数",
        "Passives (7–8)",
        title=("中立者", "passives"),
    ),
    _nullable(
        "detractors",
        "integer",
        "贬损者（0–6 分）人数",
        "Detractors (0–6)",
        title=("贬损者", "detractors"),
    ),
    _nullable(
        "nps",
        "decimal",
        "净推荐值（−100 至 100），四舍五入到 0.1；无人回答推荐意愿题时为空",
        "The NPS (−100 to 100), rounded half up (四舍五入) to 0.1; null when nobody "
        "answered the NPS item",
        title=("NPS", "NPS"),
    ),
    _nullable(
        "nps_low",
        "decimal",
        "NPS 95% 置信区间下限（端点向外取到 6 位小数，不再取整）",
        "The low end of the NPS's 95 % interval (rounded outwards to 6 decimals by pmcrm, "
        "not rounded again)",
        title=("NPS 下限", "NPS low"),
    ),
    _nullable(
        "nps_high",
        "decimal",
        "NPS 95% 置信区间上限（同 nps_low）",
        "The high end of the NPS's 95 % interval (as ``nps_low``)",
        title=("NPS 上限", "NPS high"),
    ),
    _nullable(
        "csi",
        "decimal",
        "满意度指数 CSI（0–100，各维度得分的加权平均），四舍五入到 0.1；无维度得分时为空",
        "The CSI (0–100, the weighted mean of the dimension scores), rounded half up "
        "(四舍五入) to 0.1; null when no dimension was scored",
        title=("CSI", "CSI"),
    ),
    _nullable(
        "weighting",
        "string",
        "CSI 权重来源：declared（声明的权重）或 importance（陈述的重要性）",
        "Where the CSI's weights came from: ``declared`` or ``importance``",
        title=("权重来源", "weighting"),
    ),
)


def _percent_end(end: Decimal) -> Decimal:
    """An interval end of a share (0–1) in percent: exact, the digits moved two places."""
    return end.scaleb(2, context=MONEY_CONTEXT)


def _csat(csat: Proportion | None) -> dict[str, Any]:
    if csat is None:
        return {}
    interval = csat.interval()
    low, high = (None, None) if interval is None else (_percent_end(e) for e in interval)
    return {
        "csat_satisfied": csat.part,
        "csat_n": csat.whole,
        "csat_percent": plain(csat.percent()),
        "csat_low": plain(low),
        "csat_high": plain(high),
    }


def _item_values(
    score: ItemScore, instrument: Instrument | None, items: Mapping[str, Item]
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "item",
        "code": score.code,
        "scale": score.scale.value,
        "n": score.n,
        "missing": score.missing,
        "not_applicable": score.na,
        "mean": _fixed(score.mean, _SCALE_PLACES),
        "score_100": _fixed(score.score_100, _SCORE_PLACES),
        "importance": _fixed(score.importance, _SCALE_PLACES),
        "gap": _fixed(score.gap, _SCALE_PLACES),
        **_csat(score.csat),
    }
    if instrument is not None:
        # One look-up per item (a dict), not a scan; an unknown code raises, located.
        item = items.get(score.code) or instrument.item(score.code)
        values |= _labelled(item.text)
        values |= {"role": item.role.value, "dimension": item.dimension}
    return values


def _dimension_values(score: DimensionScore) -> dict[str, Any]:
    return {
        "kind": "dimension",
        "code": score.code,
        **_labelled(score.label),
        "score_100": _fixed(score.score_100, _SCORE_PLACES),
        "weight_percent": _fixed(score.weight * 100, _SCORE_PLACES),
        "importance": _fixed(score.importance, _SCALE_PLACES),
        "gap": _fixed(score.gap, _SCALE_PLACES),
        "alpha": _fixed(score.alpha, _SCALE_PLACES),
        "complete": score.complete,
        "items": score.items,
    }


def _overall_values(scores: SurveyScores, instrument: Instrument | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "overall",
        **_labelled(None if instrument is None else instrument.name),
        "n": scores.respondents,
        **_csat(scores.csat),
        "csi": _fixed(scores.csi, _SCORE_PLACES),
        "weighting": scores.weighting.value,
    }
    nps = scores.nps
    if nps is not None:
        low, high = nps.interval()
        values |= {
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
            "nps": _fixed(nps.score, _SCORE_PLACES),
            "nps_low": plain(low),
            "nps_high": plain(high),
        }
    return values


def _score_entries(
    scores: SurveyScores, instrument: Instrument | None
) -> Iterator[dict[str, Any]]:
    items = {} if instrument is None else {item.code: item for item in instrument.items}
    for score in scores.items:
        yield _item_values(score, instrument, items)
    for dimension in scores.dimensions:
        yield _dimension_values(dimension)
    yield _overall_values(scores, instrument)


def _score_values(scores: SurveyScores, instrument: Instrument | None) -> Iterator[Record]:
    shared = {"instrument": scores.instrument}
    for row, entry in enumerate(_score_entries(scores, instrument)):
        yield accepted(SCORE_SCHEMA, row, shared | entry)


def score_records(
    scores: SurveyScores, *, instrument: Instrument | None = None
) -> Iterator[Record]:
    """The records of a survey's scores (:data:`SCORE_SCHEMA`), lazily.

    One record per item and per dimension, in instrument order, then one
    ``overall`` record with the CSI, the CSAT of the overall item and the
    NPS.  Every figure is the scores' own, rounded half up once to the
    places its column states (0–100 figures, percentages and the NPS to
    0.1; means on a scale and alpha to 0.01).

    Args:
        scores: The scores (:func:`~pmcrm.surveys.scoring.score_survey`).
        instrument: The questionnaire scored, when at hand: items then get
            their question as label, their role and dimension, and the
            ``overall`` record the survey's name (otherwise they are null).

    Raises:
        InvalidValue: *instrument* is not the one scored (at once, not when
            iterating).

    >>> from pmcrm.sample import sample_survey
    >>> from pmcrm.surveys import score_survey
    >>> survey = sample_survey()
    >>> q4 = [r for r in survey.responses if r.respondent_id.startswith("2026Q4")]
    >>> records = list(score_records(score_survey(survey.instrument, q4)))
    >>> overall = records[-1]
    >>> overall["n"], overall["csi"], overall["csat_percent"], overall["csat_low"]
    (111, '69.3', '72.5', '63.4357')
    >>> overall["nps"], overall["nps_low"], overall["nps_high"]
    ('6.4', '-7.952270', '20.679542')
    >>> [(r["code"], r["score_100"]) for r in records if r["kind"] == "dimension"][:2]
    [('service', '73.8'), ('facilities', '74.9')]
    """
    if instrument is not None and instrument.code != scores.instrument:
        raise InvalidValue(
            "instrument",
            "reference",
            value=instrument.code,
            what="instrument (the scores are another instrument's)",
            what_zh="问卷（评分属于其他问卷）",
        )
    return _score_values(scores, instrument)


# --- importance–satisfaction analysis --------------------------------------------------


def _line_columns(axis: str, zh: str, places: str, places_zh: str) -> tuple[Column, ...]:
    return (
        _nullable(
            f"{axis}_line",
            "decimal",
            f"{zh}分界线，四舍五入到{places_zh}；均值或中位数而无已放入的题目时为空"
            "（每条记录相同）",
            f"The {axis} line used, rounded half up (四舍五入) to {places}; null for a mean "
            "or median with no item placed (the same on every record)",
            title=(f"{zh}分界线", f"{axis} line"),
        ),
        _column(
            f"{axis}_line_kind",
            "string",
            f"{zh}分界线的取法：mean（均值）、median（中位数）或 given（给定值）",
            f"How the {axis} line is drawn: ``mean``, ``median`` or ``given``",
            title=(f"{zh}分界线取法", f"{axis} line kind"),
        ),
        _column(
            f"{axis}_line_basis_zh",
            "string",
            f"{zh}分界线的依据（给定值的来源，否则取法），中文",
            f"What the {axis} line is (a given value's source, else its kind), in Chinese",
            title=(f"{zh}分界线依据", f"{axis} line basis (zh)"),
        ),
        _column(
            f"{axis}_line_basis_en",
            "string",
            f"{zh}分界线的依据，英文",
            f"What the {axis} line is, in English",
            title=(f"{zh}分界线依据（英文）", f"{axis} line basis"),
        ),
    )


#: The schema of :func:`ipa_records`: one record per rating item, in
#: instrument order, placed or not.  The crosshair (the lines used, how
#: each was drawn and what it is) is repeated on every record rather than
#: given a record of its own, so that every record has one shape and
#: carries what its placement was judged against.  Figures are rounded
#: half up (四舍五入) as :meth:`~pmcrm.surveys.ipa.IpaResult.table` shows
#: them: 0–100 values to 0.01, a derived importance (Pearson's *r*) to
#: 0.0001; an item on a line counts as high, judged on the exact values.
IPA_SCHEMA: Final[Schema] = make_schema(
    _column("instrument", "string", "问卷编码", "The instrument", title=("问卷", "instrument")),
    _column(
        "importance_source",
        "string",
        "重要性来源：stated（陈述重要性）或 derived（与总体满意度的相关系数）",
        "Where importance comes from: ``stated`` or ``derived`` (the correlation with "
        "overall satisfaction)",
        title=("重要性来源", "importance source"),
    ),
    _column("code", "string", "题目编码", "The rating item", title=("题目", "item")),
    _column("dimension", "string", "所属维度", "Its dimension", title=("维度", "dimension")),
    _column(
        "label_zh",
        "string",
        "题目内容（中文）",
        "Its question in Chinese",
        title=("内容", "question (zh)"),
    ),
    _column(
        "label_en",
        "string",
        "题目内容（英文）",
        "Its question in English",
        title=("内容（英文）", "question"),
    ),
    _column("n", "integer", "对该题评分的人数", "Respondents who scored it", title=("n", "n")),
    _column(
        "importance_n",
        "integer",
        "重要性的样本：给出重要性评分的人数（陈述），或同时评了该题与总体满意度题的人数（推导）",
        "Importance ratings given (stated), or respondents who scored both the item and "
        "the overall item (derived)",
        title=("重要性样本", "importance n"),
    ),
    _nullable(
        "importance",
        "decimal",
        "重要性：陈述重要性换算到 0–100，四舍五入到 0.01；或推导的相关系数 r，四舍五入到 "
        "0.0001；未知时为空",
        "The importance: stated, on 0–100, rounded half up (四舍五入) to 0.01; or derived, "
        "Pearson's r, to 0.0001; null when unknown",
        title=("重要性", "importance"),
    ),
    _nullable(
        "satisfaction",
        "decimal",
        "满意度（0–100 得分），四舍五入到 0.01；无人评分时为空",
        "The satisfaction (the 0–100 score), rounded half up (四舍五入) to 0.01; null when "
        "nobody scored it",
        title=("满意度", "satisfaction"),
    ),
    _nullable(
        "quadrant",
        "string",
        "象限：keep_up、urgent_improvement、secondary_advantage 或 not_a_priority；未放入为空",
        "The quadrant: ``keep_up``, ``urgent_improvement``, ``secondary_advantage`` or "
        "``not_a_priority``; null when unplaced",
        title=("象限", "quadrant"),
    ),
    _nullable(
        "quadrant_zh",
        "string",
        "象限名称（中文）",
        "The quadrant in Chinese",
        title=("象限名称", "quadrant (zh)"),
    ),
    _nullable(
        "quadrant_en",
        "string",
        "象限名称（英文）",
        "The quadrant in English",
        title=("象限名称（英文）", "quadrant name"),
    ),
    _nullable(
        "unplaced",
        "string",
        "未放入四分图的原因编码（Unplaced 的值）；已放入为空",
        "Why the item is not on the chart (an ``Unplaced`` value); null when placed",
        title=("未放入", "unplaced"),
    ),
    _nullable(
        "unplaced_zh",
        "string",
        "未放入的原因（中文）",
        "Why not placed, in Chinese",
        title=("未放入原因", "unplaced (zh)"),
    ),
    _nullable(
        "unplaced_en",
        "string",
        "未放入的原因（英文）",
        "Why not placed, in English",
        title=("未放入原因（英文）", "why unplaced"),
    ),
    _column(
        "explanation_zh",
        "string",
        "放入的依据或未放入的原因（中文）",
        "The placement with its figures, or why none, in Chinese",
        title=("说明", "explanation (zh)"),
    ),
    _column(
        "explanation_en",
        "string",
        "放入的依据或未放入的原因（英文）",
        "The placement with its figures, or why none, in English",
        title=("说明（英文）", "explanation"),
    ),
    *_line_columns(
        "importance", "重要性", "0.01 (0.0001 for derived r)", " 0.01（推导 r：0.0001）"
    ),
    *_line_columns("satisfaction", "满意度", "0.01", " 0.01"),
)


def _line(axis: str, value: Fraction | None, crosshair: Crosshair, places: int) -> Record:
    return {
        f"{axis}_line": _fixed(value, places),
        f"{axis}_line_kind": crosshair.kind.value,
        f"{axis}_line_basis_zh": crosshair.label.zh,
        f"{axis}_line_basis_en": crosshair.label.en,
    }


def _ipa_item(item: IpaItem, places: int) -> Record:
    quadrant, unplaced = item.quadrant, item.unplaced
    return {
        "code": item.code,
        "dimension": item.dimension,
        **_labelled(item.text),
        "n": item.n,
        "importance_n": item.importance_n,
        "importance": _fixed(item.importance, places),
        "satisfaction": _fixed(item.satisfaction, _IPA_PLACES),
        "quadrant": None if quadrant is None else quadrant.value,
        "quadrant_zh": None if quadrant is None else quadrant.label.zh,
        "quadrant_en": None if quadrant is None else quadrant.label.en,
        "unplaced": None if unplaced is None else unplaced.value,
        "unplaced_zh": None if unplaced is None else unplaced.label.zh,
        "unplaced_en": None if unplaced is None else unplaced.label.en,
        "explanation_zh": item.explain("zh"),
        "explanation_en": item.explain("en"),
    }


def ipa_records(result: IpaResult) -> Iterator[Record]:
    """The records of an importance–satisfaction analysis (:data:`IPA_SCHEMA`), lazily.

    One record per rating item, in instrument order: its importance and
    satisfaction, its quadrant or why it has none, its explanation, and the
    crosshair (the same on every record).

    >>> from pmcrm.sample import sample_survey
    >>> from pmcrm.surveys import score_survey
    >>> from pmcrm.surveys.ipa import Crosshair, ImportanceSource, ipa
    >>> survey = sample_survey()
    >>> q4 = [r for r in survey.responses if r.respondent_id.startswith("2026Q4")]
    >>> result = ipa(
    ...     survey.instrument,
    ...     score_survey(survey.instrument, q4),
    ...     importance=ImportanceSource.STATED,
    ...     importance_line=Crosshair.mean(),
    ...     satisfaction_line=Crosshair.mean(),
    ... )
    >>> first = next(ipa_records(result))
    >>> first["code"], first["importance"], first["satisfaction"], first["quadrant_zh"]
    ('s1', '86.21', '66.36', '急需改进')
    >>> first["importance_line"], first["satisfaction_line"], first["importance_line_kind"]
    ('76.70', '69.31', 'mean')
    """
    places = _IPA_R_PLACES if result.importance is ImportanceSource.DERIVED else _IPA_PLACES
    shared: Record = {
        "instrument": result.instrument,
        "importance_source": result.importance.value,
        **_line("importance", result.importance_line, result.importance_crosshair, places),
        **_line(
            "satisfaction", result.satisfaction_line, result.satisfaction_crosshair, _IPA_PLACES
        ),
    }
    for row, item in enumerate(result.items):
        yield accepted(IPA_SCHEMA, row, shared | _ipa_item(item, places))
