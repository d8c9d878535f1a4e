"""SLA policy (限时办结制): which time limit applies to which complaint, as data.

An :class:`SlaPolicy` holds :class:`SlaRule` rows.  Each row sets the target
of one :class:`Metric` — first response, investigation report, resolution,
follow-up — for the complaints it matches (by type, severity and emergency
class; a criterion left out matches everything), counted on 24/7 time or on
the business calendar, and names the pause reasons that stop its clock.

**Which rule wins.**  For a metric, the rules whose criteria all match the
complaint's latest classification are candidates.  The most specific one
wins (the most criteria set); among equally specific ones, the strictest
(the shortest target); among equal targets, the first declared.  Two rules
with the same metric and the same criteria are refused when the policy is
built, so the order only breaks ties between different criteria.

:func:`default_policy` holds the time limits of DOMAIN.md §4:

>>> policy = default_policy()
>>> from pmcrm.complaints.model import ComplaintType, EmergencyClass, Severity
>>> choice = select_rule(
...     policy,
...     Metric.FIRST_RESPONSE,
...     ComplaintType.URGENT,
...     Severity.HIGH,
...     EmergencyClass.SAFETY_ACCIDENT,
... )
>>> choice.rule.target, choice.rule.basis.value
(datetime.timedelta(seconds=7200), 'continuous')
>>> print(choice.explain("en"))  # doctest: +NORMALIZE_WHITESPACE
first response: rule 1 of the policy, chosen from 2 matching (most specific
wins, then the shortest target, then the first declared): emergency = safety
accident → 2 h, 24/7
"""

from datetime import timedelta
from decimal import Decimal

import attrs

from pmcrm.complaints.model import ComplaintType, EmergencyClass, PauseReason, Severity
from pmcrm.errors import InvalidValue
from pmcrm.validators import greater_than, min_items, optional_text, text, unique
from pmcrm.values import LabelledEnum, Lang

__all__ = [
    "Metric",
    "RuleChoice",
    "SlaPolicy",
    "SlaRule",
    "TimeBasis",
    "default_policy",
    "duration_text",
    "select_rule",
]


class Metric(LabelledEnum):
    """What an SLA clock measures, each from its start to its stop event."""

    FIRST_RESPONSE = "first_response", "首次响应", "first response"
    INVESTIGATION = "investigation", "调查报告", "investigation report"
    RESOLUTION = "resolution", "解决", "resolution"
    FOLLOW_UP = "follow_up", "回访", "follow-up"


class TimeBasis(LabelledEnum):
    """The time a metric counts: every hour, or the business calendar's working hours."""

    CONTINUOUS = "continuous", "全天候", "24/7"
    BUSINESS = "business", "工作时间", "business hours"


def duration_text(value: timedelta, lang: Lang | str = Lang.EN) -> str:
    """A duration for people: ``"2 h 30 min"`` / ``"2小时30分"`` (seconds shown only if any).

    >>> duration_text(timedelta(days=3, minutes=5)), duration_text(timedelta(hours=2), "zh")
    ('72 h 5 min', '2小时')
    >>> duration_text(timedelta(0)), duration_text(-timedelta(minutes=90))
    ('0 min', '-1 h 30 min')
    """
    zh = Lang(lang) is Lang.ZH
    sign = "-" if value < timedelta(0) else ""
    total = abs(value) // timedelta(seconds=1)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    units = ("小时", "分", "秒") if zh else (" h", " min", " s")
    parts = [f"{n}{u}" for n, u in zip((hours, minutes, seconds), units, strict=True) if n]
    if not parts:
        parts = ["0分" if zh else "0 min"]
    return sign + ("".join(parts) if zh else " ".join(parts))


@attrs.frozen(kw_only=True)
class SlaRule:
    """The target of one metric for the complaints that match.

    Attributes:
        metric: What it times.
        target: The time limit (> 0).
        basis: 24/7 time or business hours.
        complaint_type: Matches only this type (``None``: any).
        severity: Matches only this severity (``None``: any).
        emergency: Matches only this emergency class (``None``: any complaint).
        pause_on: The pause reasons that stop this clock (none: it never pauses).
        note: Where the figure comes from, for the explanation.
    """

    metric: Metric
    target: timedelta = attrs.field(validator=greater_than(timedelta(0)))
    basis: TimeBasis = TimeBasis.CONTINUOUS
    complaint_type: ComplaintType | None = None
    severity: Severity | None = None
    emergency: EmergencyClass | None = None
    pause_on: tuple[PauseReason, ...] = attrs.field(
        default=(), validator=unique(lambda r: r, "pause reason")
    )
    note: str | None = attrs.field(default=None, validator=optional_text(200))

    @property
    def specificity(self) -> int:
        """How many criteria the rule sets (0 to 3)."""
        return rule_specificity(self)

    def matches(
        self,
        complaint_type: ComplaintType,
        severity: Severity,
        emergency: EmergencyClass | None,
    ) -> bool:
        """Whether every criterion the rule sets holds for this classification."""
        return rule_matches(self, complaint_type, severity, emergency)

    def criteria_text(self, lang: Lang | str = Lang.EN) -> str:
        """The criteria in *lang*, such as ``"emergency = safety accident"``."""
        zh = Lang(lang) is Lang.ZH
        names = ("类型", "严重程度", "紧急类别") if zh else ("type", "severity", "emergency")
        parts = [
            f"{name} = {value.text(lang)}"
            for name, value in zip(
                names, (self.complaint_type, self.severity, self.emergency), strict=True
            )
            if value is not None
        ]
        return ("，" if zh else ", ").join(parts) or ("所有投诉" if zh else "any complaint")


def rule_specificity(rule: SlaRule) -> int:
    """The number of criteria *rule* sets."""
    return sum(c is not None for c in (rule.complaint_type, rule.severity, rule.emergency))


def rule_matches(
    rule: SlaRule,
    complaint_type: ComplaintType,
    severity: Severity,
    emergency: EmergencyClass | None,
) -> bool:
    """Whether every criterion *rule* sets holds (an unset criterion matches anything)."""
    return (
        (rule.complaint_type is None or rule.complaint_type is complaint_type)
        and (rule.severity is None or rule.severity is severity)
        and (rule.emergency is None or rule.emergency is emergency)
    )


def _rule_key(rule: SlaRule) -> str:
    """What two rules must not share: the metric and the criteria, as text."""
    return f"{rule.metric.value}: {rule.criteria_text()}"


def _warning_level(
    _inst: object, attr: "attrs.Attribute[tuple[Decimal, ...]]", value: tuple[Decimal, ...]
) -> None:
    previous = Decimal(0)
    levels: tuple[object, ...] = value  # checked item by item: floats are refused
    for index, level in enumerate(levels):
        if not isinstance(level, Decimal) or not Decimal(0) < level < Decimal(1):
            raise InvalidValue(
                attr.name,
                "invalid",
                value=level,
                detail="a warning level is a fraction of the target between 0 and 1",
                detail_zh="预警水平是时限的比例，须在 0 与 1 之间",
                subpath=f"[{index}]",
            )
        if level <= previous:
            raise InvalidValue(
                attr.name,
                "invalid",
                value=level,
                detail="warning levels must rise strictly",
                detail_zh="预警水平必须严格递增",
                subpath=f"[{index}]",
            )
        previous = level


@attrs.frozen(kw_only=True)
class SlaPolicy:
    """A set of SLA rules and the warning levels before a breach.

    Attributes:
        name: The policy's name.
        rules: The rules; no two with the same metric and criteria.
        warnings: Fractions of the target at which a running clock warns
            (default 50 % and 80 %), strictly rising, each between 0 and 1.
    """

    name: str = attrs.field(validator=text(60))
    rules: tuple[SlaRule, ...] = attrs.field(
        validator=(min_items(1), unique(_rule_key, "metric and criteria"))
    )
    warnings: tuple[Decimal, ...] = attrs.field(
        default=(Decimal("0.5"), Decimal("0.8")), validator=_warning_level
    )


@attrs.frozen(kw_only=True)
class RuleChoice:
    """The rule that applies to one metric of one complaint, and why.

    Attributes:
        metric: The metric.
        rule: The winning rule.
        index: Its position in the policy (0-based).
        candidates: How many rules matched.
    """

    metric: Metric
    rule: SlaRule
    index: int
    candidates: int

    def explain(self, lang: Lang | str = Lang.EN) -> str:
        """Why this rule, in *lang*."""
        rule = self.rule
        zh = Lang(lang) is Lang.ZH
        if self.candidates == 1:
            why = "，唯一适用的一条" if zh else ", the only one that matches"
        elif zh:
            why = (
                f"，从 {self.candidates} 条适用规则中选出"
                "（最具体者优先，其次时限最短，再次先声明者）"
            )
        else:
            why = (
                f", chosen from {self.candidates} matching (most specific wins, "
                "then the shortest target, then the first declared)"
            )
        target = duration_text(rule.target, lang)
        if zh:
            return (
                f"{self.metric.text(lang)}：政策第 {self.index + 1} 条{why}："
                f"{rule.criteria_text(lang)} → {target}，{rule.basis.text(lang)}"
            )
        return (
            f"{self.metric.text(lang)}: rule {self.index + 1} of the policy{why}: "
            f"{rule.criteria_text(lang)} → {target}, {rule.basis.text(lang)}"
        )


def select_rule(
    policy: SlaPolicy,
    metric: Metric,
    complaint_type: ComplaintType,
    severity: Severity,
    emergency: EmergencyClass | None,
) -> RuleChoice | None:
    """The rule of *policy* that times *metric* for this classification, or ``None``.

    Most specific wins; then the shortest target; then the first declared.
    """
    best: tuple[int, timedelta, int] | None = None
    count = 0
    for index, rule in enumerate(policy.rules):
        if rule.metric is not metric or not rule_matches(
            rule, complaint_type, severity, emergency
        ):
            continue
        count += 1
        key = (-rule_specificity(rule), rule.target, index)
        if best is None or key < best:
            best = key
    if best is None:
        return None
    return RuleChoice(metric=metric, rule=policy.rules[best[2]], index=best[2], candidates=count)


def default_policy() -> SlaPolicy:
    """The time limits of DOMAIN.md §4, with pmcrm's stated defaults where it is silent.

    From DOMAIN.md (all on 24/7 time, because emergencies do not wait for
    office hours): a safety accident is first answered within 2 h and
    investigated and reported within 48 h; a service failure is diagnosed
    within 2 h and repaired within 2 h; any other complaint is handled
    (first response) within 24 h and investigated and answered within 72 h.
    The emergency rules never pause; the general resolution clock pauses
    while waiting on the customer or a third party.

    pmcrm's own default, not from DOMAIN.md: the follow-up (回访) within
    16 business hours (two working days) of the resolution.  Natural
    disasters and public-order events have no figure in DOMAIN.md: they fall
    under the general rules unless you add your own.
    """
    hours = timedelta(hours=1)
    cont = TimeBasis.CONTINUOUS
    waiting = (PauseReason.CUSTOMER, PauseReason.THIRD_PARTY)
    safety = EmergencyClass.SAFETY_ACCIDENT
    failure = EmergencyClass.SERVICE_FAILURE
    domain = "DOMAIN.md §4"
    return SlaPolicy(
        name="pmcrm default (DOMAIN.md §4)",
        rules=(
            SlaRule(metric=Metric.FIRST_RESPONSE, target=2 * hours, emergency=safety, note=domain),
            SlaRule(metric=Metric.INVESTIGATION, target=48 * hours, emergency=safety, note=domain),
            SlaRule(
                metric=Metric.FIRST_RESPONSE, target=2 * hours, emergency=failure, note=domain
            ),
            SlaRule(metric=Metric.RESOLUTION, target=2 * hours, emergency=failure, note=domain),
            SlaRule(metric=Metric.FIRST_RESPONSE, target=24 * hours, basis=cont, note=domain),
            SlaRule(metric=Metric.INVESTIGATION, target=72 * hours, basis=cont, note=domain),
            SlaRule(
                metric=Metric.RESOLUTION,
                target=72 * hours,
                basis=cont,
                pause_on=waiting,
                note=domain,
            ),
            SlaRule(
                metric=Metric.FOLLOW_UP,
                target=16 * hours,
                basis=TimeBasis.BUSINESS,
                note="pmcrm default",
            ),
        ),
    )
