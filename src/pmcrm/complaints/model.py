"""The vocabulary of a complaint: its classification, its people and its outcome.

Every enumeration carries zh/en labels (:class:`~pmcrm.values.LabelledEnum`).
Categories are open: a complaint's category is a code, and
:class:`CategoryCatalogue` gives codes their labels — the standard ones of
:class:`Category` plus any an integrator adds.

>>> ComplaintType.URGENT.text("zh"), EmergencyClass.SAFETY_ACCIDENT.text("en")
('紧急投诉', 'safety accident')
>>> catalogue = CategoryCatalogue.standard().extended(
...     CategoryDef(code="ev_charging", label=Label(zh="充电桩", en="EV charging"))
... )
>>> catalogue.label("ev_charging").zh, catalogue.label("cleaning").en
('充电桩', 'cleaning')
"""

from collections.abc import Iterable

import attrs

from pmcrm.errors import InvalidValue
from pmcrm.validators import code, unique
from pmcrm.values import Label, LabelledEnum

__all__ = [
    "Category",
    "CategoryCatalogue",
    "CategoryDef",
    "ComplaintChannel",
    "ComplaintType",
    "EmergencyClass",
    "Emotion",
    "Motive",
    "Outcome",
    "PauseReason",
    "RootCause",
    "Severity",
    "Verdict",
]


class ComplaintType(LabelledEnum):
    """The four complaint types of DOMAIN.md §4 (with their usual share)."""

    ROUTINE = "routine", "常规投诉", "routine"
    URGENT = "urgent", "紧急投诉", "urgent"
    REPEAT = "repeat", "重复投诉", "repeat"
    SPECIAL = "special", "特殊投诉", "special"


class EmergencyClass(LabelledEnum):
    """The emergency event classes; a complaint has one only when it is an emergency."""

    NATURAL_DISASTER = "natural_disaster", "自然灾害", "natural disaster"
    SAFETY_ACCIDENT = "safety_accident", "安全事故", "safety accident"
    PUBLIC_ORDER = "public_order", "公共秩序", "public order"
    SERVICE_FAILURE = "service_failure", "服务故障", "service failure"
    CUSTOMER_COMPLAINT = "customer_complaint", "客户投诉", "customer complaint"


class Severity(LabelledEnum):
    """How serious the preliminary analysis judged the complaint."""

    LOW = "low", "轻微", "low"
    MEDIUM = "medium", "一般", "medium"
    HIGH = "high", "严重", "high"
    CRITICAL = "critical", "重大", "critical"


class ComplaintChannel(LabelledEnum):
    """How the complaint reached the company."""

    PHONE = "phone", "电话", "phone"
    VISIT = "visit", "来访", "visit"
    ONLINE = "online", "线上", "online"
    LETTER = "letter", "信函", "letter"
    ON_SITE = "on_site", "现场", "on site"


class Emotion(LabelledEnum):
    """The customer's emotional state when the complaint was received."""

    CALM = "calm", "平静", "calm"
    DISSATISFIED = "dissatisfied", "不满", "dissatisfied"
    ANXIOUS = "anxious", "焦虑", "anxious"
    ANGRY = "angry", "愤怒", "angry"


class Motive(LabelledEnum):
    """What the customer seeks (DOMAIN.md §4, customer motives)."""

    RESPECT = "respect", "求尊重", "seeking respect"
    VENTING = "venting", "求发泄", "venting"
    AVOIDANCE = "avoidance", "求逃避", "avoidance"
    COMPENSATION = "compensation", "求补偿", "compensation"
    HOSTILITY = "hostility", "极端敌对", "extreme hostility"


class RootCause(LabelledEnum):
    """The root causes an investigation names."""

    EQUIPMENT_FAILURE = "equipment_failure", "设备故障", "equipment failure"
    STAFF_NEGLIGENCE = "staff_negligence", "员工失职", "staff negligence"
    MANAGEMENT_GAP = "management_gap", "管理漏洞", "management gap"
    CUSTOMER_MISUNDERSTANDING = (
        "customer_misunderstanding",
        "客户误解",
        "customer misunderstanding",
    )


class PauseReason(LabelledEnum):
    """Why a complaint's clocks may stop: someone else holds the next step."""

    CUSTOMER = "customer", "等待客户", "waiting on the customer"
    THIRD_PARTY = "third_party", "等待第三方", "waiting on a third party"


class Outcome(LabelledEnum):
    """How a complaint was resolved."""

    REPAIRED = "repaired", "维修", "repaired"
    REPLACED = "replaced", "更换", "replaced"
    COMPENSATED = "compensated", "赔偿", "compensated"
    EXPLAINED = "explained", "解释政策", "policy explained"
    OTHER = "other", "其他", "other"


class Verdict(LabelledEnum):
    """The customer's verdict at the follow-up (回访)."""

    SATISFIED = "satisfied", "满意", "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意", "basically satisfied"
    DISSATISFIED = "dissatisfied", "不满意", "dissatisfied"
    UNREACHABLE = "unreachable", "无法联系", "unreachable"


class Category(LabelledEnum):
    """The standard complaint categories; integrators add their own codes."""

    FACILITIES = "facilities", "设施设备", "facilities"
    CLEANING = "cleaning", "保洁", "cleaning"
    SECURITY = "security", "安保", "security"
    FEES = "fees", "收费", "fees"
    ATTITUDE = "attitude", "服务态度", "staff attitude"
    GREENING = "greening", "绿化", "greening"
    PARKING = "parking", "停车", "parking"
    NOISE = "noise", "噪音", "noise"
    REPAIRS = "repairs", "维修服务", "repairs"
    OTHER = "other", "其他", "other"


@attrs.frozen(kw_only=True)
class CategoryDef:
    """One complaint category: a code and its zh/en label.

    Attributes:
        code: The code complaints carry, such as ``"ev_charging"``.
        label: Its name in zh and en.
    """

    code: str = attrs.field(validator=code())
    label: Label


def _category_code(definition: CategoryDef) -> str:
    return definition.code


@attrs.frozen(kw_only=True)
class CategoryCatalogue:
    """The categories an organisation files complaints under.

    Attributes:
        categories: Each category once (codes are unique).
    """

    categories: tuple[CategoryDef, ...] = attrs.field(
        validator=unique(_category_code, "category code")
    )

    @classmethod
    def standard(cls) -> "CategoryCatalogue":
        """The catalogue of the standard :class:`Category` members."""
        return cls(categories=tuple(CategoryDef(code=c.value, label=c.label) for c in Category))

    def extended(self, *more: CategoryDef) -> "CategoryCatalogue":
        """A new catalogue with *more* categories after these ones.

        Raises:
            InvalidValue: a code is already in the catalogue.
        """
        return CategoryCatalogue(categories=self.categories + more)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code, in catalogue order."""
        return tuple(d.code for d in self.categories)

    def label(self, category: str) -> Label:
        """The label of *category*.

        Raises:
            InvalidValue: the catalogue has no such code.
        """
        for definition in self.categories:
            if definition.code == category:
                return definition.label
        raise InvalidValue(
            "category", "reference", value=category, what="category", what_zh="投诉类别"
        )

    def check(self, categories: Iterable[str]) -> None:
        """Raise :class:`~pmcrm.errors.InvalidValue` for the first unknown code."""
        known = set(self.codes)
        for category in categories:
            if category not in known:
                self.label(category)
