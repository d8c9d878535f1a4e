"""Shared pieces of the structured fuzz tests (``tests/test_fuzz_*.py``).

* :data:`TARGETS` names every public model and configuration type a user
  loads; :data:`EXCLUDED` lists the public attrs classes left out, each with
  its reason (they are results, not inputs).  :data:`FUZZ` is the settings
  every property uses.
* Strategies: :func:`json_data` makes arbitrary JSON-shaped data that often
  uses the target's own keys, tags and leaf formats; :func:`valid` makes
  valid values of any target, from the validators of its fields, with
  explicit strategies where a class has rules across fields, mixed with
  values from the sample data (:func:`seeds`); :func:`corruptions` lists the
  ways to put exactly one certain fault into a valid value's dump, and
  :func:`mutated` changes one node of it to another valid-looking value and
  leaves some defaulted keys out.
* :func:`locate` resolves a report path in the input.
* Checks every test shares: :func:`load` (only a value or a
  :class:`~pmcrm.errors.ValidationError` may come out), :func:`check_report`
  (well-formed entries, no wrapped crash, every path in the input),
  :func:`check_round_trip`, :func:`pii_values` and :func:`check_no_pii`.

Report paths, as this module reads them: ``$`` is the whole input; ``.name``
steps into the key *name* (an identifier that is not a keyword); ``[3]``
into item 3 of an array; ``['odd key']`` into any other key, written as its
Python repr, which may be cut short and end with ``…`` and a quote when it
is long.  :func:`locate` walks the input while it reads the path, trying
each key's spellings, so an odd key needs no grammar of its own.

What "the path exists" means: every step of it is present in the input.
A ``missing`` entry names the key that is absent, so for it the *parent*
must exist and be an object, and the last step must be a key (which may be
absent, or present and null: a cross-field rule may call a null "missing").
"""

import ast
import builtins
import functools
import json
import keyword
import re
import string
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import complaint_strategies
import survey_strategies
from pmcrm import sample
from pmcrm import strategies as pst
from pmcrm.benefits.catalogue import (
    BENEFITS,
    AccessRight,
    Benefit,
    Catalogue,
    ComplimentaryService,
    Discount,
    Grant,
    Term,
    TierBenefits,
)
from pmcrm.benefits.catalogue import Greeting as BenefitGreeting
from pmcrm.benefits.entitlements import ManualGrant, TierSpell
from pmcrm.benefits.ledger import QuotaLedger, Redemption, Reversal
from pmcrm.calendars import BusinessCalendar, ContinuousTime, WorkingHours
from pmcrm.care import Cadence, CarePolicy, ContactLog, Festival, FestivalCalendar
from pmcrm.care import Greeting as CareGreeting
from pmcrm.complaints.events import EVENTS, ComplaintEvent, EventKind
from pmcrm.complaints.lifecycle import LIFECYCLE, Lifecycle, Transition
from pmcrm.complaints.model import CategoryCatalogue, CategoryDef
from pmcrm.complaints.repeats import RepeatPolicy
from pmcrm.complaints.retention import RetentionPolicy
from pmcrm.complaints.sla import SlaPolicy, SlaRule
from pmcrm.customers import (
    Arrears,
    Contact,
    Contribution,
    Customer,
    Participation,
    Preferences,
    PropertyUnit,
    Referral,
    Role,
    ServicePurchase,
    YearlyFee,
)
from pmcrm.deprecation import DEPRECATIONS, Deprecation
from pmcrm.errors import ERROR_CODES, PmcrmError, ValidationError
from pmcrm.pricing import (
    ROUNDING_MODES,
    Bill,
    BillLine,
    DiscountRule,
    PricingPolicy,
    RoundingScope,
    Stacking,
)
from pmcrm.segmentation import (
    CRITERIA,
    AnnualFeeAtLeast,
    ArrearsAtLeast,
    Criterion,
    HasTag,
    KindIs,
    NeedsService,
    PropertyTypeIs,
    SegmentRule,
    ServiceCountAtLeast,
    ValueScorePolicy,
)
from pmcrm.serialization import Limits, structure, unstructure
from pmcrm.surveys.instrument import DimensionDef, Instrument, Item
from pmcrm.surveys.ipa import Crosshair
from pmcrm.surveys.responses import Answer, Response, Segment
from pmcrm.tiers import conditions as tc
from pmcrm.tiers.conditions import CONDITIONS, Condition, Designation, TierContext
from pmcrm.tiers.policy import MonthDay, ReviewPolicy, ReviewSchedule, Tier, TierLadder, TierPolicy
from pmcrm.tiers.review import (
    CooperationRefusal,
    DowngradeNotice,
    MemberRecord,
    Override,
    SatisfactionScore,
    Violation,
)
from pmcrm.validators import _Bound, _Code, _Each, _MinItems, _OptionalText, _Text, _Unique
from pmcrm.values import (
    Address,
    IdCardNumber,
    Label,
    MobileNumber,
    Money,
    Period,
    PersonName,
    Rate,
    sensitive_types,
)

Strategy = st.SearchStrategy

#: The settings of every fuzz property: each (property, target) pair gets a
#: tenth of the loaded profile's examples, at least 10 -- 10 under ``dev``,
#: 15 under ``ci``, 500 under ``nightly`` -- since there are some 350 pairs.
FUZZ = settings(
    max_examples=max(10, settings().max_examples // 10),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# --- targets ----------------------------------------------------------------------------------

#: Every public model and configuration type a user loads, by test id.  Tagged
#: unions (a field typed ``Condition`` loads any condition by its ``type``) and
#: one top-level list are targets too.
TARGETS: dict[str, Any] = {
    # values
    "Money": Money,
    "Rate": Rate,
    "Period": Period,
    "Label": Label,
    # customers
    "Customer": Customer,
    "PropertyUnit": PropertyUnit,
    "Role": Role,
    "Contact": Contact,
    "Preferences": Preferences,
    "YearlyFee": YearlyFee,
    "Arrears": Arrears,
    "ServicePurchase": ServicePurchase,
    "Referral": Referral,
    "Participation": Participation,
    "Contribution": Contribution,
    # segmentation
    "ValueScorePolicy": ValueScorePolicy,
    "SegmentRule": SegmentRule,
    "Criterion": Criterion,
    "segmentation.AnnualFeeAtLeast": AnnualFeeAtLeast,
    "ArrearsAtLeast": ArrearsAtLeast,
    "HasTag": HasTag,
    "KindIs": KindIs,
    "NeedsService": NeedsService,
    "PropertyTypeIs": PropertyTypeIs,
    "ServiceCountAtLeast": ServiceCountAtLeast,
    # tiers
    "Condition": Condition,
    "AllOf": tc.AllOf,
    "AnyOf": tc.AnyOf,
    "AnyNOf": tc.AnyNOf,
    "tiers.AnnualFeeAtLeast": tc.AnnualFeeAtLeast,
    "BusinessGrowthAtLeast": tc.BusinessGrowthAtLeast,
    "ConsecutiveYears": tc.ConsecutiveYears,
    "Designated": tc.Designated,
    "ParticipationAtLeast": tc.ParticipationAtLeast,
    "ReferralsAtLeast": tc.ReferralsAtLeast,
    "YearsOfPurchase": tc.YearsOfPurchase,
    "Designation": Designation,
    "TierContext": TierContext,
    "MonthDay": MonthDay,
    "ReviewSchedule": ReviewSchedule,
    "ReviewPolicy": ReviewPolicy,
    "Tier": Tier,
    "TierLadder": TierLadder,
    "TierPolicy": TierPolicy,
    "MemberRecord": MemberRecord,
    "CooperationRefusal": CooperationRefusal,
    "DowngradeNotice": DowngradeNotice,
    "Override": Override,
    "SatisfactionScore": SatisfactionScore,
    "Violation": Violation,
    # benefits
    "Catalogue": Catalogue,
    "TierBenefits": TierBenefits,
    "Grant": Grant,
    "Term": Term,
    "Benefit": Benefit,
    "AccessRight": AccessRight,
    "ComplimentaryService": ComplimentaryService,
    "Discount": Discount,
    "benefits.Greeting": BenefitGreeting,
    "ManualGrant": ManualGrant,
    "TierSpell": TierSpell,
    "QuotaLedger": QuotaLedger,
    "Redemption": Redemption,
    "Reversal": Reversal,
    # pricing
    "PricingPolicy": PricingPolicy,
    "Bill": Bill,
    "BillLine": BillLine,
    "DiscountRule": DiscountRule,
    # care
    "CarePolicy": CarePolicy,
    "Cadence": Cadence,
    "care.Greeting": CareGreeting,
    "ContactLog": ContactLog,
    "Festival": Festival,
    "FestivalCalendar": FestivalCalendar,
    # calendars
    "BusinessCalendar": BusinessCalendar,
    "WorkingHours": WorkingHours,
    "ContinuousTime": ContinuousTime,
    # complaints
    "ComplaintEvent": ComplaintEvent,
    "ComplaintEvent-list": tuple[ComplaintEvent, ...],
    **{cls.__name__: cls for cls in EVENTS.values()},
    "SlaPolicy": SlaPolicy,
    "SlaRule": SlaRule,
    "RepeatPolicy": RepeatPolicy,
    "RetentionPolicy": RetentionPolicy,
    "CategoryCatalogue": CategoryCatalogue,
    "CategoryDef": CategoryDef,
    "Lifecycle": Lifecycle,
    "Transition": Transition,
    # surveys
    "Instrument": Instrument,
    "DimensionDef": DimensionDef,
    "Item": Item,
    "Response": Response,
    "Answer": Answer,
    "Segment": Segment,
    "Crosshair": Crosshair,
    # the sample configuration files
    "SampleConfig": sample.SampleConfig,
    "SampleTiers": sample.SampleTiers,
    "SampleBenefits": sample.SampleBenefits,
    "SampleComplaints": sample.SampleComplaints,
    "SampleSurvey": sample.SampleSurvey,
    # the converter's own configuration, and the deprecation records
    "Limits": Limits,
    "Deprecation": Deprecation,
}

#: Public attrs classes that are not fuzzed, by qualified name, with the reason.
EXCLUDED: dict[str, str] = {
    # Results: pmcrm computes them and callers dump them; nobody loads them.
    "pmcrm.batch.Column": "describes a batch column (documentation of a format)",
    "pmcrm.batch.Schema": "describes a batch record (documentation of a format)",
    "pmcrm.benefits.entitlements.Entitlement": "result of entitlements()",
    "pmcrm.benefits.ledger.Balance": "result of a quota check",
    "pmcrm.benefits.ledger.UseCheck": "result of a quota check",
    "pmcrm.care.DueTouchpoint": "result of due_touchpoints()",
    "pmcrm.cli.demo._context.Demo": "the demo's computed context",
    "pmcrm.cli.demo._context.Section": "a rendered demo section (holds a Mapping)",
    "pmcrm.complaints.analysis.ComplaintAnalysis": "result of analyse()",
    "pmcrm.complaints.analysis.GroupStats": "part of an analysis",
    "pmcrm.complaints.analysis.MetricStats": "part of an analysis",
    "pmcrm.complaints.analysis.Share": "part of an analysis",
    "pmcrm.complaints.clocks.ComplaintClocks": "result of the SLA clocks",
    "pmcrm.complaints.clocks.MetricClock": "result of the SLA clocks",
    "pmcrm.complaints.clocks.Span": "part of a clock's timeline",
    "pmcrm.complaints.facts.ComplaintFacts": "derived from a history",
    "pmcrm.complaints.facts.Handover": "derived from a history",
    "pmcrm.complaints.facts.Pause": "derived from a history",
    "pmcrm.complaints.facts.Reopening": "derived from a history",
    "pmcrm.complaints.lifecycle.ComplaintState": "result of replay()",
    "pmcrm.complaints.repeats.Rectification": "result of the repeat analysis",
    "pmcrm.complaints.repeats.RepeatFinding": "result of the repeat analysis",
    "pmcrm.complaints.retention.AnonymisedComplaint": "result of anonymise()",
    "pmcrm.complaints.retention.PurgeDecision": "result of a retention check",
    "pmcrm.complaints.sla.RuleChoice": "result of choosing an SLA rule",
    "pmcrm.errors.ReportEntry": "part of a validation report",
    "pmcrm.errors.ValidationReport": "a validation report",
    "pmcrm.explain.Reason": "part of every explained decision",
    "pmcrm.pricing.PricedBill": "result of price()",
    "pmcrm.pricing.PricedLine": "result of price()",
    "pmcrm.segmentation.CriterionCheck": "result of a segment rule",
    "pmcrm.segmentation.FactorScore": "part of a value score",
    "pmcrm.segmentation.RuleMatch": "result of a segment rule",
    "pmcrm.segmentation.ValueScore": "result of value_score()",
    "pmcrm.surveys.breakdowns.Breakdown": "result of a breakdown",
    "pmcrm.surveys.breakdowns.Group": "part of a breakdown",
    "pmcrm.surveys.ipa.IpaItem": "result of an IPA",
    "pmcrm.surveys.ipa.IpaResult": "result of an IPA",
    "pmcrm.surveys.ipa.PairSums": "partial sums of an IPA",
    "pmcrm.surveys.scoring.DimensionScore": "result of scoring (holds Fractions)",
    "pmcrm.surveys.scoring.ItemScore": "result of scoring",
    "pmcrm.surveys.scoring.NpsScore": "result of scoring",
    "pmcrm.surveys.scoring.Proportion": "result of scoring",
    "pmcrm.surveys.scoring.SurveyScores": "result of scoring",
    "pmcrm.tiers.conditions.ConditionResult": "result of a condition",
    "pmcrm.tiers.evaluation.ApplicationDecision": "result of an application",
    "pmcrm.tiers.evaluation.TierCheck": "part of a tier explanation",
    "pmcrm.tiers.evaluation.TierDecision": "result of a tier evaluation",
    "pmcrm.tiers.evaluation.TierExplanation": "result of a tier evaluation",
    "pmcrm.tiers.review.ReviewOutcome": "result of a review",
}

#: The tagged unions the default converter knows: base -> (tag key, tag -> class).
VARIANTS: dict[Any, tuple[str, Mapping[str, type[Any]]]] = {
    Criterion: ("type", CRITERIA),
    Condition: ("type", CONDITIONS),
    Benefit: ("type", BENEFITS),
    ComplaintEvent: ("event", EVENTS),
}


def qualified_name(cls: type[Any]) -> str:
    """``module.QualName`` of *cls*."""
    return f"{cls.__module__}.{cls.__qualname__}"


def variant_of(t: Any) -> tuple[str, Mapping[str, type[Any]]] | None:
    """The tag key and table of *t* if it is a tagged union (compared with ``==``)."""
    for base, table in VARIANTS.items():
        if t == base:
            return table
    return None


def optional_of(t: Any) -> Any | None:
    """``X`` if *t* is ``X | None``, else ``None``."""
    if typing.get_origin(t) in (typing.Union, typing.get_origin(int | None)):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(t)) == 2:
            return args[0]
    return None


def item_of(t: Any) -> Any | None:
    """``X`` if *t* is ``tuple[X, ...]``, else ``None``."""
    args = typing.get_args(t)
    if typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return None


def is_model(t: Any) -> bool:
    """An attrs class loaded from a JSON object (the personal-data types are strings)."""
    return isinstance(t, type) and attrs.has(t) and t not in sensitive_types()


def fields_of(cls: type[Any]) -> tuple["attrs.Attribute[Any]", ...]:
    """The fields of *cls* that the converter reads (those ``__init__`` takes)."""
    attrs.resolve_types(cls)
    return tuple(a for a in attrs.fields(cls) if a.init)


def dump(value: Any, t: Any) -> Any:
    """*value* dumped as the converter dumps a *t* (tagged unions with their tag)."""
    return unstructure(value) if is_model(t) else unstructure(value, unstructure_as=t)


# --- validators -------------------------------------------------------------------------------


def flat_validators(validator: Any) -> list[Any]:
    """*validator* and what it combines (``and_``, lists), flattened; ``optional`` kept whole."""
    if validator is None:
        return []
    if isinstance(validator, (list, tuple)):
        return [v for part in validator for v in flat_validators(part)]
    parts = getattr(validator, "_validators", None)
    if parts is not None:
        return [v for part in parts for v in flat_validators(part)]
    return [validator]


def inner_validators(validator: Any) -> list[Any]:
    """The validators a non-null value of an optional field meets."""
    found = []
    for v in flat_validators(validator):
        if isinstance(v, _OptionalText):
            found.append(v.text)
        elif type(v).__name__ == "_OptionalValidator":
            found.extend(flat_validators(v.validator))
        else:
            found.append(v)
    return found


def passes(validator: Any, a: "attrs.Attribute[Any]", value: Any) -> bool:
    """Whether *value* meets the field validator (validators never read the instance)."""
    if validator is None:
        return True
    try:
        validator(None, a, value)
    except (ValueError, TypeError):
        return False
    return True


_OPS = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}


def bounds(validators: Sequence[Any]) -> list[tuple[str, Any]]:
    """The ``(op, bound)`` pairs of the bound validators among *validators*."""
    found = []
    for v in validators:
        if isinstance(v, _Bound):
            found.append((v.op, v.bound))
        elif type(v).__name__ == "_NumberValidator":
            found.append((_OPS[v.compare_op], v.bound))
    return found


def max_length(validators: Sequence[Any]) -> int | None:
    """The length limit of a text or code validator among *validators*."""
    for v in validators:
        if isinstance(v, (_Text, _Code)):
            return int(v.max_length)
    return None


# --- leaf values ------------------------------------------------------------------------------

#: Free text: letters, digits, a space and some Chinese -- none of it a
#: character of the personal names or addresses :mod:`pmcrm.strategies` makes.
_ALPHABET = string.ascii_letters + string.digits + " -_保洁维修活动"
_FIRST_DAY = date(2000, 1, 1)
_LAST_DAY = date(2049, 12, 31)
_ZONES: tuple[tzinfo, ...] = (
    UTC,
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=-5, minutes=-30)),
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Europe/Berlin"),
)


@functools.cache
def string_defaults() -> tuple[str, ...]:
    """The non-empty text defaults of every field of every target (``"regular"``, ``"CNY"``…).

    Drawn text mixes them in, so that a value can clash with a default: a tier
    called ``"regular"`` beside the default base tier of that name.
    """
    found = {
        a.default
        for t in TARGETS.values()
        for u in reachable(t)
        if is_model(u)
        for a in fields_of(u)
        if isinstance(a.default, str) and a.default
    }
    return tuple(sorted(found))


def _text(validators: Sequence[Any]) -> Strategy[str]:
    code = next((v for v in validators if isinstance(v, _Code)), None)
    if code is not None:
        words = survey_strategies.codes().filter(lambda c: len(c) <= code.max_length)
    else:
        limit = min(max_length(validators) or 24, 24)
        words = st.text(_ALPHABET, min_size=1, max_size=limit).filter(str.strip)
    return st.one_of(words, words, words, st.sampled_from(string_defaults()))


def _number(kind: type[Any], validators: Sequence[Any]) -> Strategy[Any]:
    """Whole numbers (or two-place decimals) within the bounds of *validators*."""
    step = 1 if kind is int else Decimal("0.01")
    span = 1_000 if kind is int else Decimal(100)
    low: Any = None
    high: Any = None
    for op, bound in bounds(validators):
        if op in ("ge", "gt"):
            edge = bound if op == "ge" else bound + step
            low = edge if low is None else max(low, edge)
        else:
            edge = bound if op == "le" else bound - step
            high = edge if high is None else min(high, edge)
    if low is None:
        low = 0 if high is None or high >= 0 else high - span
    if high is None:
        high = low + span
    if kind is int:
        return st.integers(int(low), int(high))
    return st.decimals(Decimal(low), Decimal(high), places=2)


def _leaf(t: Any, validators: Sequence[Any]) -> Strategy[Any] | None:
    """A strategy for a leaf type (within the converter's domain), or None."""
    table: dict[Any, Callable[[], Strategy[Any]]] = {
        str: lambda: _text(validators),
        int: lambda: _number(int, validators),
        Decimal: lambda: _number(Decimal, validators),
        bool: st.booleans,
        date: lambda: st.dates(_FIRST_DAY, _LAST_DAY),
        datetime: pst.aware_datetimes,
        time: lambda: st.builds(time, st.integers(0, 23), st.integers(0, 59)),
        timedelta: lambda: st.integers(1, 10**6).map(lambda s: timedelta(seconds=s)),
        tzinfo: lambda: st.sampled_from(_ZONES),
        Money: lambda: pst.money(0, 1_000_000),
    }
    if t in table:
        return table[t]()
    if t in sensitive_types():
        return st.from_type(t)
    return None


# --- valid values -----------------------------------------------------------------------------


def _construct(cls: type[Any], kwargs: dict[str, Any]) -> Any:
    try:
        return cls(**kwargs)
    except (ValueError, TypeError):
        return None


@st.composite
def _built(
    draw: st.DrawFn, cls: type[Any], parts: Mapping[str, Strategy[Any]], optional: frozenset[str]
) -> Any:
    """An instance of *cls* from *parts*, drawn again (up to 10 times) when a rule refuses."""
    for _ in range(10):
        kwargs = {
            name: draw(part)
            for name, part in parts.items()
            if name not in optional or draw(st.booleans())
        }
        made = _construct(cls, kwargs)
        if made is not None:
            return made
    return draw(st.nothing())


def _field(a: "attrs.Attribute[Any]", depth: int) -> Strategy[Any]:
    """Values for the field *a* that its validator accepts (None too, if it is optional)."""
    inner = optional_of(a.type)
    base: Any = a.type if inner is None else inner
    validators = inner_validators(a.validator)
    item = item_of(base)
    strategy: Strategy[Any]
    if item is not None:
        strategy = _items(item, validators, depth, a)
    elif isinstance(base, type) and issubclass(base, Enum):
        strategy = st.sampled_from([m for m in base if all(passes(v, a, m) for v in validators)])
    elif a.name == "currency" and base is str:
        strategy = st.sampled_from(["CNY", "CNY", "HKD", "JPY"])
    else:
        leaf = _leaf(base, validators)
        strategy = leaf if leaf is not None else valid(base, depth + 1)
    strategy = strategy.filter(lambda v: all(passes(x, a, v) for x in validators))
    return strategy if inner is None else st.none() | strategy


def _items(
    item: Any, validators: Sequence[Any], depth: int, a: "attrs.Attribute[Any]"
) -> Strategy[tuple[Any, ...]]:
    """Tuples of valid *item* values meeting the tuple's validators."""
    minimum = max((v.minimum for v in validators if isinstance(v, _MinItems)), default=0)
    each = [x for v in validators if isinstance(v, _Each) for x in flat_validators(v.item)]
    keys = [v.key for v in validators if isinstance(v, _Unique)]
    element: Strategy[Any]
    if isinstance(item, type) and issubclass(item, Enum):
        element = st.sampled_from([m for m in item if all(passes(e, a, m) for e in each)])
    else:
        leaf = _leaf(item, each)
        element = leaf if leaf is not None else valid(item, depth + 1)
        element = element.filter(lambda v: all(passes(e, a, v) for e in each))
    size = max(minimum, 2 if depth > 1 else 3)
    if keys:
        key = keys[0] if len(keys) == 1 else (lambda v: tuple(k(v) for k in keys))
        return st.lists(element, min_size=minimum, max_size=size, unique_by=key).map(tuple)
    return st.lists(element, min_size=minimum, max_size=size).map(tuple)


def _generic(cls: type[Any], depth: int) -> Strategy[Any]:
    """Instances of *cls* built from its fields' strategies (rules across fields retried)."""
    fields = fields_of(cls)
    parts = {a.name: _field(a, depth) for a in fields}
    optional = frozenset(a.name for a in fields if a.default is not attrs.NOTHING)
    return _built(cls, parts, optional)


@st.composite
def _calendars(draw: st.DrawFn) -> BusinessCalendar:
    first = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    last = first + timedelta(days=draw(st.integers(0, 800)))
    days = st.dates(first, last)
    weekdays = draw(st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True))
    hours = []
    for weekday in weekdays:
        start = draw(st.integers(0, 22))
        end = draw(st.integers(start + 1, 23))
        hours.append(WorkingHours(weekday=weekday, start=time(start), end=time(end)))
    holidays = draw(st.lists(days, max_size=4, unique=True))
    workdays = draw(st.lists(days.filter(lambda d: d not in holidays), max_size=3, unique=True))
    return BusinessCalendar(
        name=draw(_text([])),
        timezone=draw(st.sampled_from(_ZONES)),
        hours=tuple(hours),
        holidays=tuple(holidays),
        workdays=tuple(workdays),
        make_up_as=draw(st.sampled_from(weekdays)),
        first_day=first,
        last_day=last,
    )


@st.composite
def _festival_calendars(draw: st.DrawFn) -> FestivalCalendar:
    first = draw(st.integers(2000, 2040))
    last = draw(st.integers(first, first + 5))
    days = st.dates(date(first, 1, 1), date(last, 12, 31))
    keys = draw(st.lists(_text([]), max_size=3, unique=True))
    festivals = [Festival(key=key, name=Label(zh=key, en=key), on=draw(days)) for key in keys]
    return FestivalCalendar(first_year=first, last_year=last, festivals=tuple(festivals))


@st.composite
def _ledgers(draw: st.DrawFn) -> QuotaLedger:
    redemptions = draw(st.lists(valid(Redemption), max_size=3, unique_by=lambda r: r.ref))
    refs = sorted({r.ref for r in redemptions})
    reversed_refs = draw(st.lists(st.sampled_from(refs), unique=True)) if refs else []
    reversals = tuple(
        Reversal(ref=ref, on=draw(st.dates(_FIRST_DAY, _LAST_DAY))) for ref in reversed_refs
    )
    return QuotaLedger(redemptions=tuple(redemptions), reversals=reversals)


def _deprecations() -> Strategy[Deprecation]:
    name = st.from_regex(r"pmcrm(\.[a-z_][a-z0-9_]{0,8}){1,3}", fullmatch=True)
    note = _text([])
    return st.builds(
        lambda name, since, later, replacement, note: Deprecation(
            name=name,
            since=f"0.{since}",
            removed_in=f"0.{since + later}",
            replacement=replacement if replacement != name else None,
            note_zh=note,
            note_en=note,
        ),
        name,
        st.integers(0, 30),
        st.integers(2, 5),
        st.none() | name,
        st.just("") | note,
    )


def _sla_policies() -> Strategy[SlaPolicy]:
    return st.builds(
        SlaPolicy,
        name=_text([]),
        rules=st.lists(
            valid(SlaRule),
            min_size=1,
            max_size=3,
            unique_by=lambda r: (r.metric, r.complaint_type, r.severity, r.emergency),
        ).map(tuple),
        warnings=st.lists(st.integers(1, 99), max_size=3, unique=True).map(
            lambda ns: tuple(Decimal(n).scaleb(-2) for n in sorted(ns))
        ),
    )


def _pricing_policies() -> Strategy[PricingPolicy]:
    return st.builds(
        PricingPolicy,
        stacking=st.sampled_from(Stacking),
        max_total_rate=pst.rates(),
        rounding=st.sampled_from(RoundingScope),
        rounding_mode=st.sampled_from(ROUNDING_MODES),
        unit=st.sampled_from(["0.01", "0.05", "1", "0.000001"]).map(Decimal),
    )


def _events(tag: str) -> Strategy[Any]:
    # Fixed offsets: a ZoneInfo time in a DST fold loads as an equal instant that
    # Python does not call equal (PEP 495), so the round trip would fail.
    kind = next(k for k in EventKind if k.value == tag)
    return complaint_strategies.event(kind, at=pst.aware_datetimes())


#: Valid values of the types with rules across fields (or public strategies),
#: drawn by these rather than built from the fields.
_EXPLICIT: dict[Any, Callable[[], Strategy[Any]]] = {
    Money: lambda: st.one_of(
        pst.money(), pst.money(currency="JPY", places=0), pst.money(currency="USD", places=6)
    ),
    Rate: lambda: pst.rates(places=6),
    Period: pst.periods,
    Customer: pst.customers,
    PropertyUnit: pst.property_units,
    Role: pst.roles,
    Contact: pst.contacts,
    Preferences: pst.preferences,
    YearlyFee: pst.yearly_fees,
    Arrears: pst.arrears,
    ServicePurchase: pst.service_purchases,
    Referral: pst.referrals,
    Participation: pst.participations,
    Contribution: pst.contributions,
    BusinessCalendar: _calendars,
    FestivalCalendar: _festival_calendars,
    QuotaLedger: _ledgers,
    Deprecation: _deprecations,
    Lifecycle: lambda: st.just(LIFECYCLE),
    Instrument: survey_strategies.instruments,
    Response: lambda: survey_strategies.instruments().flatmap(survey_strategies.responses),
    PricingPolicy: _pricing_policies,
    SlaPolicy: _sla_policies,
    **{cls: functools.partial(_events, tag) for tag, cls in EVENTS.items()},
}


@functools.cache
def seeds() -> dict[Any, tuple[Any, ...]]:
    """Valid values in pmcrm's sample data, by type (at most 30 of each, none over 20 kB)."""
    found: dict[Any, list[Any]] = {}

    def walk(value: Any) -> None:
        if isinstance(value, tuple):
            for item in value:
                walk(item)
        elif is_model(type(value)):
            bucket = found.setdefault(type(value), [])
            small = len(json.dumps(unstructure(value), ensure_ascii=False)) <= 20_000
            if small and len(bucket) < 30 and value not in bucket:
                bucket.append(value)
            for a in fields_of(type(value)):
                walk(getattr(value, a.name))

    for value in (
        sample.sample_portfolio()[:20],
        sample.sample_config(),
        sample.sample_tiers(),
        sample.sample_benefits(),
        sample.sample_complaints(),
        sample.sample_calendar(),
        sample.sample_survey(),
        LIFECYCLE,
        tuple(DEPRECATIONS.values()),
    ):
        walk(value)
    return {t: tuple(values) for t, values in found.items()}


@functools.cache
def valid(t: Any, depth: int = 0) -> Strategy[Any]:
    """Valid values of the target or field type *t* (*depth* bounds recursive unions).

    Each value is within the converter's domain, so it round-trips.  Values
    from the sample data are mixed in where there are any.
    """
    variant = variant_of(t)
    if variant is not None:
        classes: list[Any] = list(variant[1].values())
        if depth > 2:  # composite conditions nest: stop at the leaves
            classes = [c for c in classes if not any(item_of(a.type) for a in fields_of(c))]
        return st.one_of([valid(cls, depth) for cls in classes])
    item = item_of(t)
    if item is not None:
        return st.lists(valid(item, depth + 1), max_size=3).map(tuple)
    if isinstance(t, type) and issubclass(t, Enum):
        return st.sampled_from(t)
    leaf = _leaf(t, [])
    if leaf is not None and t not in _EXPLICIT:
        return leaf
    strategy = _EXPLICIT[t]() if t in _EXPLICIT else _generic(t, depth)
    found = seeds().get(t, ())
    return st.one_of(strategy, st.sampled_from(found)) if found else strategy


# --- arbitrary JSON ---------------------------------------------------------------------------


class Vocabulary(NamedTuple):
    """The keys and leaf strings the input of a target may hold."""

    keys: tuple[str, ...]
    strings: tuple[str, ...]


_LEAF_SAMPLES: dict[Any, tuple[str, ...]] = {
    Decimal: ("0", "12.50", "-1", "0.000001", "1E+3", "NaN", "1" * 16, "1.1234567"),
    date: ("2024-02-29", "2023-02-29", "2024-1-1", "20240101"),
    datetime: ("2024-01-01T08:00:00+08:00", "2024-01-01T08:00:00", "2024-01-01T08:00:00Z"),
    time: ("09:00", "24:00", "9:00", "09:00:60"),
    timedelta: ("PT2H", "P3D", "P1Y", "PT", "-PT1H"),
    tzinfo: ("UTC", "+08:00", "Asia/Shanghai", "Mars/Olympus", "localtime", "+24:00"),
    str: ("", " ", "a", "C-1", "保洁"),
    MobileNumber: ("13812341234", "1381234123"),
    IdCardNumber: ("11010519491231002X", "110105194912310021"),
    PersonName: ("张伟", " "),
    Address: ("上海市浦东新区世纪大道 100 号", ""),
}


@functools.cache
def reachable(t: Any) -> frozenset[Any]:
    """Every type a value of *t* may hold, *t* included (variants through their tag)."""
    seen: set[Any] = set()
    todo = [t]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        variant = variant_of(current)
        if variant is not None:
            todo.extend(variant[1].values())
        elif optional_of(current) is not None:
            todo.append(optional_of(current))
        elif item_of(current) is not None:
            todo.append(item_of(current))
        elif is_model(current):
            todo.extend(a.type for a in fields_of(current))
    return frozenset(seen)


def carries_pii(t: Any) -> bool:
    """Whether a value of *t* may hold personal data."""
    return any(u in sensitive_types() for u in reachable(t))


@functools.cache
def vocabulary(t: Any) -> Vocabulary:
    """Every field name, tag key, tag, enum value and leaf format reachable from *t*."""
    keys: set[str] = set()
    strings: set[str] = set()
    for u in reachable(t):
        variant = variant_of(u)
        if variant is not None:
            keys.add(variant[0])
            strings.update(variant[1])
        elif is_model(u):
            keys.update(a.name for a in fields_of(u))
        elif isinstance(u, type) and issubclass(u, Enum):
            strings.update(str(m.value) for m in u)
        else:
            strings.update(_LEAF_SAMPLES.get(u, ()))
    return Vocabulary(tuple(sorted(keys)), tuple(sorted(strings)))


def json_data(t: Any, max_leaves: int = 6) -> Strategy[Any]:
    """Arbitrary JSON-shaped data, keys often *t*'s own and strings often its leaf formats.

    ``None``, booleans, integers of any size, floats (NaN and infinities too,
    as :func:`json.loads` gives them), text, and arrays and objects of them.
    """
    words = vocabulary(t)
    keys = st.sampled_from(words.keys or ("x",)) | st.text(max_size=8)
    strings = st.sampled_from(words.strings or ("", "x")) | st.text(max_size=12)
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-3, 300)
        | st.integers()
        | st.floats()
        | strings
        | strings
    )

    def nest(children: Strategy[Any]) -> Strategy[Any]:
        return st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6)

    anything = st.recursive(scalars, nest, max_leaves=max_leaves)
    top = st.dictionaries(keys, anything, max_size=6)
    return st.one_of(top, top, st.lists(top, max_size=2), anything)


# --- corruption -------------------------------------------------------------------------------

Step = str | int


class Node(NamedTuple):
    """A place in a valid dump: its steps from the root, its type and its field.

    A union's tag is a node of type ``"tag"`` whose *tags* are the union's tags.
    """

    steps: tuple[Step, ...]
    t: Any
    field: "attrs.Attribute[Any] | None"
    nullable: bool
    tags: tuple[str, ...] = ()


def nodes(data: Any, t: Any, steps: tuple[Step, ...] = ()) -> Iterator[Node]:
    """Every node of the valid dump *data* of type *t*, with its type (root first)."""
    yield from _nodes(data, t, steps, None)


def _nodes(
    data: Any, t: Any, steps: tuple[Step, ...], field: "attrs.Attribute[Any] | None"
) -> Iterator[Node]:
    inner = optional_of(t)
    if inner is not None:
        if data is None:
            yield Node(steps, inner, field, nullable=True)
            return
        for node in _nodes(data, inner, steps, field):
            yield node._replace(nullable=node.nullable or node.steps == steps)
        return
    yield Node(steps, t, field, nullable=False)
    variant = variant_of(t)
    if variant is not None:
        tag_key, table = variant
        yield Node((*steps, tag_key), "tag", None, nullable=False, tags=tuple(table))
        t = table[data[tag_key]]
    item = item_of(t)
    if item is not None:
        for index, value in enumerate(data):
            yield from _nodes(value, item, (*steps, index), None)
    elif is_model(t):
        for a in fields_of(t):
            if a.name in data:
                yield from _nodes(data[a.name], a.type, (*steps, a.name), a)


def model_of(node: Node, data: Any) -> type[Any] | None:
    """The attrs class a JSON-object node holds (the variant its tag names, for a union)."""
    variant = variant_of(node.t)
    if variant is not None:
        return variant[1].get(get(data, node.steps)[variant[0]])
    return node.t if is_model(node.t) else None


def get(data: Any, steps: Sequence[Step]) -> Any:
    """The node of *data* at *steps*."""
    for step in steps:
        data = data[step]
    return data


#: Values of each JSON kind; a corruption picks one of a kind the node never accepts.
_OF_KIND: dict[str, tuple[Any, ...]] = {
    "string": ("x", "2024-01-01"),
    "integer": (0, 7),
    "float": (1.5, 0.1),
    "boolean": (True, False),
    "array": ([], ["x"]),
    "object": ({}, {"x": 1}),
}


def _kinds(t: Any) -> set[str]:
    """The JSON kinds a node of type *t* may hold."""
    if t is Decimal:
        return {"string", "integer"}
    if t is int:
        return {"integer"}
    if t is bool:
        return {"boolean"}
    if item_of(t) is not None:
        return {"array"}
    if is_model(t) or variant_of(t) is not None:
        return {"object"}
    return {"string"}


_NEAR_STRINGS: dict[Any, tuple[str, ...]] = {
    Decimal: ("1E+3", "NaN", "1" * 16, "0.1234567", "+1", " 1"),
    date: ("2023-02-29", "2024-1-1", "2024-01-01T00:00:00+08:00"),
    datetime: ("2024-01-01T08:00:00", "2024-01-01", "2024-13-01T00:00:00+08:00"),
    time: ("24:00", "9:00", "09:00:60", "09:00+08:00"),
    timedelta: ("P1Y", "PT", "-PT1H", "PT1.5H", "P1M"),
    tzinfo: ("Mars/Olympus", "localtime", "+24:00", "Asia", "asia/shanghai"),
}

#: Personal data of the wrong form: refused, and never to be echoed.
_NEAR_PII: dict[str, tuple[str, ...]] = {
    "MobileNumber": ("1381234123", "12812341234", "138123412345", "+8613812341234"),
    "IdCardNumber": ("110105194912310022", "11010519491231002", "110105194902300021"),
    "PersonName": ("  ", "张" * 101),
    "Address": ("   ", "路" * 201),
}


class Corruption(NamedTuple):
    """One fault put into a valid dump."""

    how: str
    steps: tuple[Step, ...]
    value: Any


def corruptions(data: Any, t: Any) -> list[Corruption]:
    """Every single fault this module knows for the valid dump *data* of type *t*.

    Each is refused for certain: a value of a JSON kind the node never takes,
    a number out of its field's bounds or beyond 2**53, a string over its
    limit or of a broken format, a float for a decimal, a naive date-time,
    an unknown key, a required key deleted, or a bad item appended.
    """
    found: list[Corruption] = []
    for node in nodes(data, t):
        found.extend(_node_corruptions(node, data))
    return found


def _node_corruptions(node: Node, data: Any) -> Iterator[Corruption]:
    if node.t == "tag":
        yield Corruption("wrong type", node.steps, 7)
        yield Corruption("unknown tag", node.steps, "no_such_kind")
        return
    yield from _kind_corruptions(node)
    yield from _number_corruptions(node)
    yield from _string_corruptions(node)
    if get(data, node.steps) is not None:
        yield from _shape_corruptions(node, data)


def _kind_corruptions(node: Node) -> Iterator[Corruption]:
    """Values of a JSON kind the node never takes (null too, unless it is optional)."""
    kinds = _kinds(node.t)
    for kind, values in _OF_KIND.items():
        if kind not in kinds and not (kind == "float" and node.t is int):
            yield Corruption("wrong type", node.steps, values[len(node.steps) % 2])
    if not node.nullable:
        yield Corruption("null", node.steps, None)


def _number_corruptions(node: Node) -> Iterator[Corruption]:
    """Integers and decimals out of range, and floats for them."""
    steps, t = node.steps, node.t
    if t is int:
        yield Corruption("out of range", steps, 2**53)
        yield Corruption("float for an integer", steps, 1.0)
    if t is Decimal:
        yield Corruption("float for money", steps, 12.5)
        yield Corruption("out of range", steps, 10**15)
    if t in (int, Decimal) and node.field is not None:
        for op, bound in bounds(inner_validators(node.field.validator)):
            if isinstance(bound, (int, Decimal)) and not isinstance(bound, bool):
                outside = {"ge": bound - 1, "gt": bound, "le": bound + 1, "lt": bound}[op]
                yield Corruption("out of range", steps, outside if t is int else f"{outside:f}")


def _string_corruptions(node: Node) -> Iterator[Corruption]:
    """Strings too long, blank, of a broken format, or not a choice."""
    steps, t = node.steps, node.t
    if t is datetime:
        yield Corruption("naive datetime", steps, "2024-01-01T08:00:00")
    for text in _NEAR_STRINGS.get(t, ()):
        yield Corruption("bad format", steps, text)
    personal = isinstance(t, type) and t in sensitive_types()
    if personal:
        for text in _NEAR_PII[t.__name__]:
            yield Corruption("bad personal data", steps, text)
    if t is str or personal:
        validators = inner_validators(node.field.validator) if node.field else []
        limit = max_length(validators) or Limits().max_string
        yield Corruption("overlong string", steps, "x" * (limit + 1))
        if any(isinstance(v, (_Text, _Code)) for v in validators):
            yield Corruption("blank string", steps, " ")
    if isinstance(t, type) and issubclass(t, Enum):
        yield Corruption("unknown choice", steps, "no_such_choice")


def _shape_corruptions(node: Node, data: Any) -> Iterator[Corruption]:
    """An unknown key or a required key deleted (objects), a bad item appended (arrays)."""
    steps, t = node.steps, node.t
    cls = model_of(node, data)
    if cls is not None:
        yield Corruption("unknown key", (*steps, "zz_unknown"), 1)
        for a in fields_of(cls):
            if a.default is attrs.NOTHING:
                yield Corruption("deleted key", (*steps, a.name), attrs.NOTHING)
    variant = variant_of(t)
    if variant is not None:
        yield Corruption("deleted key", (*steps, variant[0]), attrs.NOTHING)
    item = item_of(t)
    if item is not None:
        bad: object = 7 if "array" in _kinds(item) else []
        yield Corruption("bad item", (*steps, len(get(data, steps))), bad)


def dump_as(value: Any, t: Any) -> Any:
    """*value* dumped as a field of type *t* would hold it (None stays None)."""
    if value is None:
        return None
    inner = optional_of(t)
    return dump(value, t if inner is None else inner)


def replacements(node: Node) -> Strategy[Any]:
    """Other valid values for *node*, dumped: what a valid object could hold there.

    The field's own validators are met; rules across fields may well not be,
    which is the point: :func:`mutated` puts such values into valid dumps.
    """
    if node.t == "tag":
        return st.sampled_from(node.tags)
    if node.field is not None:
        t = node.field.type
        return _field(node.field, 1).map(lambda v: dump_as(v, t))
    t = node.t
    return valid(t, 1).map(lambda v: dump(v, t))


@st.composite
def mutated(draw: st.DrawFn, dumped: Any, t: Any) -> tuple[Any, Corruption]:
    """*dumped* (a valid *t*) with one node replaced, and some defaulted keys left out.

    The new value is another valid value of the node's type.  The result may
    be valid or not; loading it must give a value or a report whose paths
    exist.  Leaving keys out lets a rule across fields meet a default that is
    not in the input.
    """
    every = list(nodes(dumped, t))
    node = draw(st.sampled_from(every), label="mutated node")
    change = Corruption("replaced", node.steps, draw(replacements(node), label="new value"))
    result = apply(dumped, change)
    # Keys inside the replaced value, or on the way to it, stay.
    droppable = [
        (*other.steps, a.name)
        for other in every
        if not under(other.steps, node.steps) and isinstance(get(dumped, other.steps), dict)
        for cls in [model_of(other, dumped)]
        if cls is not None
        for a in fields_of(cls)
        if a.default is not attrs.NOTHING
        and a.name in get(dumped, other.steps)
        and not under(node.steps, (*other.steps, a.name))
    ]
    if droppable:
        chosen = draw(st.lists(st.sampled_from(droppable), unique=True), label="left out")
        for steps in sorted(chosen, key=len, reverse=True):  # inner keys before their parents
            *parent, key = steps
            del get(result, parent)[key]
    return result, change


def apply(data: Any, corruption: Corruption) -> Any:
    """A deep copy of *data* with *corruption* made."""
    copy = json.loads(json.dumps(data))
    if not corruption.steps:
        return corruption.value
    *path, last = corruption.steps
    parent = get(copy, path)
    if corruption.value is attrs.NOTHING:
        del parent[last]
    elif isinstance(parent, list) and last == len(parent):
        parent.append(corruption.value)
    else:
        parent[last] = corruption.value
    return copy


# --- paths ------------------------------------------------------------------------------------


def spellings(key: str) -> list[str]:
    """How a path may write the object key *key*: ``.key`` or ``[repr]``, perhaps shortened."""
    found = [f"[{key!r}]"]
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) and not keyword.iskeyword(key):
        found.append(f".{key}")
    return found


def _key_step(rest: str, node: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(key, rest after it)`` for every key of *node* that *rest* may start with."""
    cuts = [m.start() for m in re.finditer("…['\"]\\]", rest)]
    for key in node:
        for spelled in spellings(key):
            if rest.startswith(spelled):
                yield key, rest[len(spelled) :]
        if rest.startswith("[") and len(repr(key)) > 40:
            # A long key cut short: a prefix of its repr, "…", a quote and "]".
            for cut in cuts:
                if cut > 20 and repr(key).startswith(rest[1:cut]):
                    yield key, rest[cut + 3 :]


def locate(data: Any, path: str, code: str = "") -> tuple[Step, ...] | None:
    """The steps *path* takes through *data*, or None if it leads nowhere.

    For a ``missing`` entry (*code*), the last step may be a key absent from
    its object (see the module docstring).
    """
    if not path.startswith("$"):
        return None
    return _locate(data, path[1:], (), code == "missing")


def _locate(
    data: Any, rest: str, steps: tuple[Step, ...], missing: bool
) -> tuple[Step, ...] | None:
    if not rest:
        return steps
    if isinstance(data, list):
        match = re.match(r"\[(0|[1-9][0-9]*)\]", rest)
        if match and int(match.group(1)) < len(data):
            index = int(match.group(1))
            return _locate(data[index], rest[match.end() :], (*steps, index), missing)
        return None
    if not isinstance(data, dict):
        return None
    for key, after in _key_step(rest, data):
        found = _locate(data[key], after, (*steps, key), missing)
        if found is not None:
            return found
    last = _absent_key(rest, steps)
    if last is not None and missing:
        return last
    return None


def _absent_key(rest: str, steps: tuple[Step, ...]) -> tuple[Step, ...] | None:
    """*steps* and the key *rest* names, if *rest* is exactly one key step."""
    name = re.fullmatch(r"\.([A-Za-z_][A-Za-z0-9_]*)", rest)
    if name is not None:
        return (*steps, name.group(1))
    if rest.startswith("[") and rest.endswith("]"):
        try:
            key = ast.literal_eval(rest[1:-1])
        except (ValueError, SyntaxError):
            return None
        if isinstance(key, str):
            return (*steps, key)
    return None


def under(steps: Sequence[Step], prefix: Sequence[Step]) -> bool:
    """Whether *steps* is *prefix* or lies under it."""
    return tuple(steps[: len(prefix)]) == tuple(prefix)


# --- checks -----------------------------------------------------------------------------------


def load(data: Any, t: Any) -> tuple[bool, Any]:
    """``(True, value)`` or ``(False, ValidationError)``; any other exception escapes."""
    try:
        return True, structure(data, t)
    except ValidationError as error:
        return False, error


#: Exceptions that mean a crash, not a refusal: the converter reports any exception
#: it catches as an ``invalid`` entry naming its class, so a ``KeyError`` raised
#: inside a hook or a rule would otherwise pass for a fault of the input.  Only
#: ``ValueError`` is a refusal (attrs' own validators raise it).
CRASHES = frozenset(
    {
        name
        for name, obj in vars(builtins).items()
        if isinstance(obj, type) and issubclass(obj, BaseException)
    }
    | {
        "InvalidOperation",
        "DivisionByZero",
        "Overflow",
        "DecimalException",
        "ClassValidationError",
    }
) - {"ValueError"}


def check_report(error: ValidationError, data: Any) -> list[tuple[Step, ...]]:
    """The report is well formed, holds no crash, and every path exists in *data*.

    Args:
        error: The error loading *data* raised.
        data: The input.

    Returns:
        The steps each entry's path takes through *data*.
    """
    assert isinstance(error, ValueError)
    assert isinstance(error, PmcrmError)
    assert len(error.report) >= 1
    located = []
    for entry in error.report:
        assert entry.code in ERROR_CODES, entry
        assert entry.message_zh.strip(), entry
        assert entry.message_en.strip(), entry
        if entry.code == "invalid":
            assert entry.message_en.rsplit(": ", 1)[-1] not in CRASHES, f"a crash: {entry}"
        steps = locate(data, entry.path, entry.code)
        assert steps is not None, f"{entry.path} ({entry.code}) is not in the input"
        located.append(steps)
    assert str(error).startswith(f"invalid {error.target}: ")
    return located


def check_round_trip(value: Any, t: Any) -> None:
    """``structure(unstructure(x)) == x``; a second dump and a trip through JSON text agree."""
    dumped = dump(value, t)
    loaded = structure(dumped, t)
    assert value == loaded
    assert dumped == dump(loaded, t)
    text = json.dumps(dumped, ensure_ascii=False, allow_nan=False)
    assert dumped == json.loads(text)
    assert value == structure(json.loads(text), t)


def pii_values(value: Any) -> set[str]:
    """The full text of every piece of personal data inside *value*."""
    found: set[str] = set()
    if isinstance(value, tuple):
        for item in value:
            found |= pii_values(item)
    elif type(value) in sensitive_types():
        found.add(value.reveal())
    elif is_model(type(value)):
        for a in fields_of(type(value)):
            found |= pii_values(getattr(value, a.name))
    return found


def check_no_pii(error: ValidationError, secrets: set[str]) -> None:
    """No message, path or rendering of *error* holds a secret (or its first 10 characters)."""
    texts = [str(error), repr(error), error.report.render("zh"), error.report.render("en")]
    for secret in secrets:
        for shown in texts:
            assert secret not in shown, f"personal data {secret!r} shown"
            if len(secret) > 10:
                assert secret[:10] not in shown, f"the start of {secret!r} shown"
