"""Generate pmcrm's embedded sample data (``src/pmcrm/data/*.json``).

A fictional property-service company in the fictional city of 溪岚市 (Xilan):
two residential estates and a villa compound, a shopping plaza, an office
tower and an industrial park.  About 200 customers of every kind, with fees,
arrears, purchases, referrals, community participations and contributions,
dated relative to the fixed reference date :data:`REFERENCE_DATE`; the
value-score configuration; and a VIP programme (ladder and review rules)
with a member record for every customer (``sample_tiers.json``), whose
review on the reference date shows every review action; and what the
programme's tiers give (``sample_benefits.json``): a benefit catalogue, a
pricing policy and a sample bill, the care policy with a festival calendar
for 2025 to 2027 (lunar festival dates as data), the VIPs' last contacts and
a small quota ledger built through :func:`pmcrm.benefits.redeem`; and the
customers' complaints from September to the reference date
(``sample_complaints.json``): the company's SLA policy (pmcrm's default
plus house rules), the repeat rules, and every complaint's events, each
complaint replayed through :func:`pmcrm.complaints.replay` before it is
written; and the company's owner satisfaction survey (``sample_survey.json``):
the questionnaire and two waves of answers by the sample's customers, each
answer checked with :func:`pmcrm.surveys.check_response`.

The output is deterministic: a seeded :class:`random.Random` that only
``random()`` and ``randrange()`` are asked of (whose algorithms have been
stable for many Python releases), no clock, no environment.  Each customer
is built as a validated :class:`pmcrm.Customer` and written as
``pmcrm.unstructure(customer)`` produces it, one customer per line.

Usage::

    python scripts/make_sample.py           # (re)write the data files
    python scripts/make_sample.py --check   # exit 1 if the committed files differ

Personal data is fake by construction: mobile numbers are ``1xx 0000 xxxx``,
ID numbers use the non-existent region code ``990101`` (with a valid
GB 11643 check character), addresses are in a city that does not exist.
"""

import argparse
import json
import math
import random
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pmcrm import benefits, care, complaints, pricing, tiers
from pmcrm.complaints import (
    ComplaintChannel,
    ComplaintType,
    EmergencyClass,
    Emotion,
    Metric,
    Motive,
    Outcome,
    PauseReason,
    RootCause,
    Severity,
    TimeBasis,
    Verdict,
)
from pmcrm.customers import (
    Arrears,
    Contact,
    ContactChannel,
    Contribution,
    ContributionKind,
    Customer,
    CustomerKind,
    Gender,
    Participation,
    PartyType,
    Preferences,
    PropertyType,
    PropertyUnit,
    Referral,
    Role,
    ServiceNeed,
    ServicePurchase,
    YearlyFee,
)
from pmcrm.sample import (
    SampleBenefits,
    SampleComplaints,
    SampleConfig,
    SampleSurvey,
    SampleTiers,
)
from pmcrm.segmentation import (
    AnnualFeeAtLeast,
    ArrearsAtLeast,
    HasTag,
    KindIs,
    Match,
    PropertyTypeIs,
    SegmentRule,
    ServiceCountAtLeast,
    ValueScorePolicy,
)
from pmcrm.serialization import unstructure
from pmcrm.surveys import (
    Answer,
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Response,
    Scale,
    Segment,
    check_response,
    score_survey,
)
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, Quadrant, ipa
from pmcrm.values import (
    Address,
    IdCardNumber,
    Label,
    Lang,
    MobileNumber,
    Money,
    PersonName,
    Rate,
)

#: Every date in the sample is relative to this day (the demo's default ``as_of``).
REFERENCE_DATE = date(2026, 11, 23)

#: The seed of the generator.
SEED = 20261123

#: How many customers of each archetype (200 in all).
PLAN: tuple[tuple[str, int], ...] = (
    ("residential_owner", 101),
    ("residential_tenant", 24),
    ("owner_and_merchant", 5),
    ("owner_and_tenant", 4),
    ("merchant", 20),
    ("commercial_owner", 4),
    ("office_tenant", 16),
    ("office_owner", 3),
    ("industrial_tenant", 7),
    ("industrial_owner", 3),
    ("developer", 3),
    ("visitor", 5),
    ("staff", 5),
)

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "src" / "pmcrm" / "data"
PORTFOLIO_PATH = DATA_DIR / "sample_portfolio.json"
CONFIG_PATH = DATA_DIR / "sample_config.json"
TIERS_PATH = DATA_DIR / "sample_tiers.json"
BENEFITS_PATH = DATA_DIR / "sample_benefits.json"
COMPLAINTS_PATH = DATA_DIR / "sample_complaints.json"
SURVEY_PATH = DATA_DIR / "sample_survey.json"

T = TypeVar("T")

CST = timezone(timedelta(hours=8))
CITY = "溪岚市"

# --- places -----------------------------------------------------------------

#: Estates: code -> (name, district and street, property type, fee in CNY/m²/month,
#: buildings, floors, rooms per floor, area range in m²).
ESTATES: dict[str, tuple[str, str, PropertyType, str, int, int, int, tuple[int, int]]] = {
    "CH": ("翠湖苑", "望江区翠湖路 88 号", PropertyType.RESIDENTIAL, "2.80", 12, 32, 4, (60, 145)),
    "YT": ("云庭", "云溪区云庭大道 16 号", PropertyType.RESIDENTIAL, "4.50", 8, 26, 2, (95, 190)),
    "LW": (
        "澜湾别墅",
        "云溪区澜湾路 9 号",
        PropertyType.RESIDENTIAL,
        "6.00",
        1,
        1,
        40,
        (260, 420),
    ),
    "PZ": (
        "溪岚中心广场",
        "望江区中山路 1 号",
        PropertyType.COMMERCIAL,
        "12.00",
        1,
        4,
        60,
        (30, 400),
    ),
    "XH": (
        "星河国际大厦",
        "高新区星河大道 200 号",
        PropertyType.OFFICE,
        "9.50",
        1,
        38,
        10,
        (120, 1500),
    ),
    "IP": (
        "溪岚智造产业园",
        "高新区智造路 55 号",
        PropertyType.INDUSTRIAL,
        "2.20",
        12,
        1,
        4,
        (800, 6000),
    ),
}

# --- people and organisations ---------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN_NAMES: tuple[tuple[str, Gender], ...] = (
    ("伟", Gender.MALE),
    ("娜", Gender.FEMALE),
    ("敏", Gender.FEMALE),
    ("静", Gender.FEMALE),
    ("丽", Gender.FEMALE),
    ("强", Gender.MALE),
    ("磊", Gender.MALE),
    ("军", Gender.MALE),
    ("洋", Gender.MALE),
    ("勇", Gender.MALE),
    ("艳", Gender.FEMALE),
    ("杰", Gender.MALE),
    ("娟", Gender.FEMALE),
    ("涛", Gender.MALE),
    ("明", Gender.MALE),
    ("超", Gender.MALE),
    ("秀英", Gender.FEMALE),
    ("桂英", Gender.FEMALE),
    ("建国", Gender.MALE),
    ("建华", Gender.MALE),
    ("志强", Gender.MALE),
    ("晓燕", Gender.FEMALE),
    ("雨桐", Gender.FEMALE),
    ("子涵", Gender.FEMALE),
    ("浩然", Gender.MALE),
    ("欣怡", Gender.FEMALE),
    ("俊杰", Gender.MALE),
    ("梓萱", Gender.FEMALE),
    ("海峰", Gender.MALE),
    ("慧敏", Gender.FEMALE),
)
LATIN_NAMES: tuple[tuple[str, Gender], ...] = (
    ("Olivia Chen", Gender.FEMALE),
    ("James Wong", Gender.MALE),
    ("Sophie Martin", Gender.FEMALE),
    ("Daniel Kim", Gender.MALE),
    ("Emma Lindqvist", Gender.FEMALE),
    ("Lucas Müller", Gender.MALE),
    ("Hannah Schmidt", Gender.FEMALE),
    ("Ethan Tan", Gender.MALE),
    ("Mia Lopez", Gender.FEMALE),
    ("Noah Sato", Gender.MALE),
    ("Aisha Rahman", Gender.FEMALE),
    ("Pierre Dubois", Gender.MALE),
)
SHOP_NAMES = (
    "老街坊面馆",
    "溪岚鲜果汇",
    "一叶茶铺",
    "Sunny Bakery",
    "小确幸花艺工作室",
    "悦读书店",
    "宝贝成长儿童乐园",
    "Blue Harbour Coffee",
    "康泰大药房",
    "丰收生鲜超市",
    "Maple Leaf Dental Clinic",
    "锦绣裁缝铺",
)
OFFICE_NAMES = (
    "溪岚云栖科技有限公司",
    "恒远国际贸易有限公司",
    "博观律师事务所",
    "Northwind Logistics Co., Ltd.",
    "Bluefin Consulting (Xilan) Ltd.",
    "星辰数据服务有限公司",
    "鼎盛餐饮管理有限公司",
    "Harbourview Capital Partners",
    "溪岚市德信会计师事务所",
    "Nimbus Software (Xilan) Co., Ltd.",
    "瑞丰保险经纪有限公司",
    "Orchid Design Studio",
    "华章教育科技有限公司",
    "汇通人力资源有限公司",
    "Polaris Medical Devices Ltd.",
    "青禾文化传媒有限公司",
    "Crestline Engineering Ltd.",
    "溪岚市远航广告有限公司",
    "Evergreen Trading Co., Ltd.",
)
INDUSTRIAL_NAMES = (
    "Aurora Precision Manufacturing Co., Ltd.",
    "溪岚精工机械有限公司",
    "绿源新能源材料有限公司",
    "Tidewater Cold Chain Logistics Ltd.",
    "华澜电子科技有限公司",
    "溪岚包装印刷有限公司",
    "Ironbridge Auto Parts Co., Ltd.",
    "恒泰食品加工有限公司",
    "Meridian Biotech (Xilan) Ltd.",
    "立信模具有限公司",
)
DEVELOPER_NAMES = (
    "溪岚城建置业有限公司",
    "Greenfield Property Development Co., Ltd.",
    "华澜地产集团有限公司",
)
MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "136",
    "135",
    "186",
    "185",
    "158",
    "159",
    "177",
    "199",
    "133",
    "153",
    "189",
    "176",
    "150",
)
#: A region code that does not exist (GB/T 2260 has no province 99).
ID_REGION = "990101"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# --- what customers do -----------------------------------------------------------

VALUE_ADDED = (
    ("housekeeping", 120, 480),
    ("appliance_repair", 80, 600),
    ("car_wash", 30, 80),
    ("parcel_delivery", 10, 40),
    ("laundry", 40, 260),
    ("renovation_supervision", 800, 3000),
    ("elderly_care_visit", 100, 300),
    ("pet_care", 60, 220),
)
BUSINESS_VALUE_ADDED = (
    ("meeting_room_booking", 300, 1800),
    ("office_deep_cleaning", 600, 2600),
    ("it_network_support", 400, 2000),
    ("signage_installation", 800, 5000),
    ("after_hours_aircon", 500, 3500),
    ("event_setup", 1500, 8000),
    ("freight_lift_booking", 200, 900),
)
SPECIAL = (
    ("private_butler", 6000, 18000),
    ("reserved_parking", 3600, 9600),
    ("contracted_security", 12000, 36000),
    ("contracted_cleaning", 8000, 30000),
    ("green_maintenance_contract", 3000, 12000),
)
BASIC = (
    "plumbing_repair",
    "electrical_repair",
    "door_lock_repair",
    "common_area_cleaning",
    "pest_control",
    "lift_fault_report",
    "access_card",
    "noise_complaint_followup",
)
ACTIVITIES: tuple[tuple[str, date], ...] = (
    ("消夏音乐会", date(2025, 8, 9)),
    ("中秋游园会", date(2025, 10, 6)),
    ("重阳敬老宴", date(2025, 10, 29)),
    ("冬至包饺子", date(2025, 12, 21)),
    ("迎新春写春联", date(2026, 2, 8)),
    ("元宵灯谜会", date(2026, 3, 3)),
    ("社区义诊", date(2026, 5, 16)),
    ("亲子运动会", date(2026, 6, 1)),
    ("垃圾分类宣传周", date(2026, 7, 18)),
    ("中秋游园会", date(2026, 9, 25)),
    ("重阳敬老宴", date(2026, 10, 18)),
    ("Community clean-up day", date(2026, 4, 11)),
    ("业主议事会", date(2024, 12, 14)),
)
CONTRIBUTIONS: tuple[tuple[ContributionKind, str], ...] = (
    (ContributionKind.SUGGESTION, "建议在地库增设电动车充电桩"),
    (ContributionKind.SUGGESTION, "建议延长会所健身房开放时间"),
    (ContributionKind.SUGGESTION, "建议优化快递柜取件流程"),
    (ContributionKind.SUGGESTION, "Suggested bilingual signs in the lobby"),
    (ContributionKind.VOLUNTEERING, "协助垃圾分类督导"),
    (ContributionKind.VOLUNTEERING, "疫苗接种点志愿服务"),
    (ContributionKind.COMMUNITY_BUILDING, "组织楼栋邻里互助群"),
    (ContributionKind.COMMUNITY_BUILDING, "参与社区花园共建"),
)
STRATEGIC = (
    "签订三年期综合物业服务协议",
    "推荐关联企业入驻星河国际大厦",
    "Hosted the tenants' business forum",
)
TOPICS = (
    "gardening",
    "fitness",
    "children",
    "pets",
    "elderly_care",
    "parking",
    "security",
    "community_events",
)
BUSINESS_TOPICS = ("business_events", "parking", "security", "energy_saving", "logistics")


def _money(yuan: int) -> Money:
    """Whole yuan, written with two decimals as bills are."""
    return Money.of(f"{yuan}.00")


def _area(low: int, high: int, rng: "Rng") -> Decimal:
    hundredths = rng.between(low * 100, high * 100)
    return Decimal(f"{hundredths // 100}.{hundredths % 100:02d}")


def id_check_character(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


class Rng:
    """The few random operations the generator uses, on a seeded :class:`random.Random`."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def between(self, low: int, high: int) -> int:
        """An integer in ``[low, high]``."""
        return low + self._random.randrange(high - low + 1)

    def chance(self, p: float) -> bool:
        """True with probability *p*."""
        return self._random.random() < p

    def uniform(self) -> float:
        """A float in ``[0, 1)``."""
        return self._random.random()

    def pick(self, items: Sequence[T]) -> T:
        """One of *items*."""
        return items[self._random.randrange(len(items))]

    def day_between(self, start: date, end: date) -> date:
        """A day in ``[start, end]``."""
        return start + timedelta(days=self.between(0, (end - start).days))


class Builder:
    """Builds the portfolio, keeping track of what is already taken."""

    def __init__(self) -> None:
        self.rng = Rng(SEED)
        self.used_units: set[str] = set()
        self.addresses: dict[str, str] = {}
        self.used_mobiles: set[str] = set()
        self.used_names: set[str] = set()
        self.latin = list(LATIN_NAMES)
        self.shops = list(SHOP_NAMES)
        self.offices = list(OFFICE_NAMES)
        self.factories = list(INDUSTRIAL_NAMES)
        self.developers = list(DEVELOPER_NAMES)
        self.id_serial = 0

    # --- identity ---------------------------------------------------------

    def mobile(self) -> MobileNumber:
        while True:
            number = f"{self.rng.pick(MOBILE_PREFIXES)}0000{self.rng.between(0, 9999):04d}"
            if number not in self.used_mobiles:
                self.used_mobiles.add(number)
                return MobileNumber(number)

    def chinese_name(self) -> tuple[str, Gender]:
        while True:
            given, gender = self.rng.pick(GIVEN_NAMES)
            name = self.rng.pick(SURNAMES) + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name, gender

    def person(self, *, latin_share: float = 0.07) -> dict[str, Any]:
        """Name, gender, birth date, maybe an ID number, language."""
        if self.latin and self.rng.chance(latin_share):
            name, gender = self.latin.pop(self.rng.between(0, len(self.latin) - 1))
            language = Lang.EN
        else:
            name, gender = self.chinese_name()
            language = Lang.ZH
        birth = self.rng.day_between(date(1948, 1, 1), date(2001, 12, 31))
        fields: dict[str, Any] = {
            "name": PersonName(name),
            "party": PartyType.PERSON,
            "gender": Gender.UNDISCLOSED if self.rng.chance(0.05) else gender,
            "birth_date": None if self.rng.chance(0.1) else birth,
            "language": language,
        }
        if fields["birth_date"] is not None and self.rng.chance(0.08):
            fields["id_number"] = self.id_number(birth, gender)
        return fields

    def id_number(self, birth: date, gender: Gender) -> IdCardNumber:
        self.id_serial += 1
        # The 17th digit is odd for men and even for women.
        sequence = 2 * self.id_serial + (1 if gender is Gender.MALE else 0)
        first17 = f"{ID_REGION}{birth:%Y%m%d}{sequence % 1000:03d}"
        return IdCardNumber(first17 + id_check_character(first17))

    def organisation(self, names: list[str]) -> dict[str, Any]:
        name = names.pop(self.rng.between(0, len(names) - 1))
        return {
            "name": PersonName(name),
            "party": PartyType.ORGANISATION,
            "gender": None,
            "birth_date": None,
            "language": Lang.ZH if any(ord(ch) > 0x2E80 for ch in name) else Lang.EN,
        }

    # --- units ------------------------------------------------------------

    def unit(self, estate: str) -> PropertyUnit:
        """A unit nobody else holds, on *estate*, with its postal address recorded."""
        name, street, ptype, _rate, buildings, floors, rooms, (low, high) = ESTATES[estate]
        while True:
            building = self.rng.between(1, buildings)
            floor = self.rng.between(1, floors)
            room = self.rng.between(1, rooms)
            if estate == "LW":
                code, building_code = f"LW-V{room:02d}", "LW"
                where = f"{room} 号别墅"
            elif estate == "PZ":
                code, building_code = f"PZ-{floor}F-{room:03d}", "PZ"
                where = f"{floor} 层 {room:03d} 号铺"
            elif estate == "XH":
                code, building_code = f"XH-{floor + 2:02d}-{room:02d}", "XH"
                where = f"{floor + 2} 层 {room:02d} 室"
            elif estate == "IP":
                code, building_code = f"IP-B{building}-{room}", f"IP-B{building}"
                where = f"{building} 号厂房 {room} 单元"
            else:
                code = f"{estate}-{building}-{floor + 1:02d}{room:02d}"
                building_code = f"{estate}-{building}"
                where = f"{building} 栋 {floor + 1}{room:02d} 室"
            if code not in self.used_units:
                self.used_units.add(code)
                self.addresses[code] = f"{CITY}{street}{name} {where}"
                return PropertyUnit(
                    code=code,
                    property_type=ptype,
                    area=_area(low, high, self.rng),
                    building=building_code,
                )

    def address(self, unit: PropertyUnit | None) -> Address:
        """The unit's address, or (with no unit) one in the old town."""
        if unit is None:
            street = self.rng.pick(("滨江路", "文昌街", "桂花巷", "解放路"))
            return Address(f"{CITY}老城区{street} {self.rng.between(1, 300)} 号")
        return Address(self.addresses[unit.code])

    # --- money ------------------------------------------------------------

    @staticmethod
    def yearly_fee(units: Sequence[PropertyUnit], share: str = "1") -> Money:
        """Rate × area × 12 for each unit, summed, times *share*, rounded to the fen."""
        total = Money.zero()
        for unit in units:
            rate = Money.of(ESTATES[unit.code.split("-", 1)[0]][3])
            total = total + rate * unit.area * 12
        return (total * Decimal(share)).quantize()

    def fees_and_arrears(
        self, units: Sequence[PropertyUnit], first_year: int, share: str = "1"
    ) -> tuple[list[YearlyFee], list[Arrears]]:
        """Fees from *first_year* to the reference year, with gaps, and arrears for ~10 %."""
        amount = self.yearly_fee(units, share)
        years = list(range(first_year, REFERENCE_DATE.year + 1))
        arrears: list[Arrears] = []
        if len(years) > 3 and self.rng.chance(0.08):
            # A year the unit stood empty and was not billed (空置).
            years.remove(self.rng.pick(years[1:-1]))
        roll = self.rng.uniform()
        if roll < 0.07:
            # Still owing this year's fee.
            years.remove(REFERENCE_DATE.year)
            owed = amount if self.rng.chance(0.6) else (amount * Decimal("0.5")).quantize()
            arrears.append(Arrears(amount=owed, since=date(REFERENCE_DATE.year, 3, 31)))
        elif roll < 0.12:
            # Paid last year's fee late.
            year = REFERENCE_DATE.year - 1
            if year in years:
                since = date(year, 3, 31)
                settled = self.rng.day_between(date(year, 5, 1), date(year + 1, 6, 30))
                arrears.append(Arrears(amount=amount, since=since, settled_on=settled))
        fees = []
        for year in years:
            # Fees went up 5 % from 2024 at the office tower and the plaza.
            bump = year >= 2024 and any(u.code.startswith(("XH", "PZ")) for u in units)
            paid = (amount * Decimal("1.05")).quantize() if bump else amount
            fees.append(YearlyFee(year=year, amount=paid))
        return fees, arrears

    # --- activity -----------------------------------------------------------

    def purchases(
        self, count: int, catalogue: Sequence[tuple[str, int, int]], *, special: float
    ) -> list[ServicePurchase]:
        """*count* purchases over the last two years (basic, value-added or special)."""
        result = []
        start = REFERENCE_DATE - timedelta(days=729)
        for _ in range(count):
            on = self.rng.day_between(start, REFERENCE_DATE)
            roll = self.rng.uniform()
            if roll < special:
                category, low, high = self.rng.pick(SPECIAL)
                need = ServiceNeed.SPECIAL
                amount = _money(self.rng.between(low // 100, high // 100) * 100)
            elif roll < 0.55:
                category, low, high = self.rng.pick(catalogue)
                need = ServiceNeed.VALUE_ADDED
                amount = _money(self.rng.between(low, high))
            else:
                category = self.rng.pick(BASIC)
                need = ServiceNeed.BASIC
                amount = _money(0)
            result.append(ServicePurchase(on=on, need=need, category=category, amount=amount))
        result.sort(key=lambda p: (p.on, p.category))
        return result

    def participations(self, count: int, since: date) -> list[Participation]:
        chosen = {self.rng.pick(ACTIVITIES) for _ in range(count)}
        return sorted(
            (Participation(activity=a, on=on) for a, on in chosen if on >= since),
            key=lambda p: (p.on, p.activity),
        )

    def contributions(self, count: int, since: date, *, strategic: bool) -> list[Contribution]:
        result = []
        for _ in range(count):
            on = self.rng.day_between(max(since, date(2023, 1, 1)), REFERENCE_DATE)
            if strategic:
                result.append(
                    Contribution(
                        kind=ContributionKind.STRATEGIC, on=on, note=self.rng.pick(STRATEGIC)
                    )
                )
            else:
                kind, note = self.rng.pick(CONTRIBUTIONS)
                result.append(Contribution(kind=kind, on=on, note=note))
        result.sort(key=lambda c: (c.on, c.kind.value))
        return result

    def tenure(self) -> tuple[int, datetime]:
        """The first fee year and the registration time.

        Most customers registered in the year before their first fee year
        and have paid 3 to 6 fee years; about one in ten is new (registered
        in the last 15 months) with one or two fee years.
        """
        if self.rng.chance(0.1):
            day = self.rng.day_between(date(2025, 9, 1), date(2026, 10, 31))
            first_year = min(day.year + (day.month >= 10), REFERENCE_DATE.year)
        else:
            first_year = REFERENCE_DATE.year - self.rng.between(2, 5)
            day = self.rng.day_between(date(first_year - 1, 1, 2), date(first_year - 1, 12, 28))
        return first_year, self.at(day)

    def at(self, day: date) -> datetime:
        """A time on *day* in office hours, +08:00."""
        hour, minute = self.rng.between(9, 18), self.rng.between(0, 59)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)

    # --- archetypes ---------------------------------------------------------

    def build(self, archetype: str) -> dict[str, Any]:
        return getattr(self, f"_{archetype}")()  # type: ignore[no-any-return]

    def _customer(
        self,
        who: dict[str, Any],
        roles: list[Role],
        units: list[PropertyUnit],
        *,
        pays_fees: bool = True,
        fee_share: str = "1",
        purchases: list[ServicePurchase],
        participations: int = 0,
        contributions: int = 0,
        strategic: bool = False,
        topics: Sequence[str] = TOPICS,
        tags: Sequence[str] = (),
        registered_at: datetime | None = None,
    ) -> dict[str, Any]:
        first_year, registered = self.tenure()
        if registered_at is None:
            registered_at = registered
        since = registered_at.date()
        fees, arrears = (
            self.fees_and_arrears(units, first_year, fee_share) if pays_fees else ([], [])
        )
        language = who.pop("language")
        purchases = [p for p in purchases if p.on >= since]
        needs = [ServiceNeed.BASIC]
        for need in (ServiceNeed.VALUE_ADDED, ServiceNeed.SPECIAL):
            if any(p.need is need for p in purchases):
                needs.append(need)
        home = units[0] if units else None
        channel = self.rng.pick(
            (ContactChannel.WECHAT,) * 4
            + (ContactChannel.PHONE,) * 2
            + (ContactChannel.APP, ContactChannel.SMS, ContactChannel.EMAIL)
        )
        chosen_topics = sorted({self.rng.pick(topics) for _ in range(self.rng.between(0, 3))})
        return {
            **who,
            "roles": tuple(
                Role(kind=r.kind, unit_code=r.unit_code, since=max(r.since or since, since))
                for r in roles
            ),
            "units": tuple(units),
            "needs": tuple(needs),
            "contact": Contact(
                mobile=self.mobile(),
                address=self.address(home) if self.rng.chance(0.85) else None,
                wechat=self.rng.chance(0.7),
            ),
            "preferences": Preferences(
                language=language, channel=channel, topics=tuple(chosen_topics)
            ),
            "fees": tuple(fees),
            "arrears": tuple(arrears),
            "purchases": tuple(purchases),
            "participations": tuple(self.participations(participations, since)),
            "contributions": tuple(self.contributions(contributions, since, strategic=strategic)),
            "tags": tuple(sorted(set(tags))),
            "registered_at": registered_at,
        }

    def _resident_tags(self) -> list[str]:
        tags = []
        for tag, p in (
            ("owners_committee", 0.05),
            ("volunteer", 0.08),
            ("pet_owner", 0.2),
            ("ev_owner", 0.12),
            ("elderly_living_alone", 0.04),
        ):
            if self.rng.chance(p):
                tags.append(tag)
        return tags

    def _residential_estate(self) -> str:
        roll = self.rng.uniform()
        return "CH" if roll < 0.6 else "YT" if roll < 0.92 else "LW"

    def _residential_owner(self) -> dict[str, Any]:
        who = self.person()
        unit = self.unit(self._residential_estate())
        premium = unit.code.startswith("LW") or (
            unit.code.startswith("YT") and self.rng.chance(0.3)
        )
        purchases = self.purchases(
            self.rng.between(2, 12) if premium else self.rng.between(0, 6),
            VALUE_ADDED,
            special=0.25 if premium else 0.02,
        )
        tags = self._resident_tags()
        return self._customer(
            who,
            [Role(kind=CustomerKind.OWNER, unit_code=unit.code)],
            [unit],
            purchases=purchases,
            participations=self.rng.between(0, 5) if self.rng.chance(0.5) else 0,
            contributions=self.rng.between(1, 3) if self.rng.chance(0.2) else 0,
            tags=tags,
        )

    def _residential_tenant(self) -> dict[str, Any]:
        who = self.person(latin_share=0.15)
        unit = self.unit(self.rng.pick(("CH", "CH", "YT")))
        return self._customer(
            who,
            [Role(kind=CustomerKind.TENANT, unit_code=unit.code)],
            [unit],
            purchases=self.purchases(self.rng.between(0, 5), VALUE_ADDED, special=0.0),
            participations=self.rng.between(0, 2),
            tags=["new_resident"] if self.rng.chance(0.3) else [],
        )

    def _owner_and_merchant(self) -> dict[str, Any]:
        who = self.person()
        home = self.unit(self._residential_estate())
        shop = self.unit("PZ")
        return self._customer(
            who,
            [
                Role(kind=CustomerKind.OWNER, unit_code=home.code),
                Role(kind=CustomerKind.MERCHANT, unit_code=shop.code),
            ],
            [home, shop],
            purchases=self.purchases(self.rng.between(3, 10), BUSINESS_VALUE_ADDED, special=0.1),
            participations=self.rng.between(0, 3),
            contributions=self.rng.between(0, 2),
            tags=self._resident_tags(),
        )

    def _owner_and_tenant(self) -> dict[str, Any]:
        who = self.person(latin_share=0.2)
        owned = self.unit("CH")
        rented = self.unit("YT")
        return self._customer(
            who,
            [
                Role(kind=CustomerKind.OWNER, unit_code=owned.code),
                Role(
                    kind=CustomerKind.TENANT,
                    unit_code=rented.code,
                    since=self.rng.day_between(date(2023, 1, 1), date(2025, 12, 31)),
                ),
            ],
            [owned, rented],
            purchases=self.purchases(self.rng.between(1, 8), VALUE_ADDED, special=0.1),
            participations=self.rng.between(0, 4),
            contributions=self.rng.between(0, 2),
            tags=self._resident_tags(),
        )

    def _merchant(self) -> dict[str, Any]:
        who = (
            self.organisation(self.shops)
            if self.shops and self.rng.chance(0.55)
            else (self.person(latin_share=0.1))
        )
        shop = self.unit("PZ")
        return self._customer(
            who,
            [Role(kind=CustomerKind.MERCHANT, unit_code=shop.code)],
            [shop],
            purchases=self.purchases(self.rng.between(1, 12), BUSINESS_VALUE_ADDED, special=0.08),
            contributions=self.rng.between(0, 1),
            topics=BUSINESS_TOPICS,
            tags=["late_night_trading"] if self.rng.chance(0.2) else [],
        )

    def _commercial_owner(self) -> dict[str, Any]:
        who = self.person()
        shops = [self.unit("PZ") for _ in range(self.rng.between(1, 3))]
        return self._customer(
            who,
            [Role(kind=CustomerKind.OWNER, unit_code=s.code) for s in shops],
            shops,
            purchases=self.purchases(self.rng.between(0, 4), BUSINESS_VALUE_ADDED, special=0.1),
            topics=BUSINESS_TOPICS,
        )

    def _office(self, kind: CustomerKind) -> dict[str, Any]:
        who = self.organisation(self.offices)
        floors = [self.unit("XH") for _ in range(1 if self.rng.chance(0.75) else 2)]
        return self._customer(
            who,
            [Role(kind=kind, unit_code=f.code) for f in floors],
            floors,
            purchases=self.purchases(self.rng.between(2, 16), BUSINESS_VALUE_ADDED, special=0.15),
            contributions=self.rng.between(0, 2),
            strategic=True,
            topics=BUSINESS_TOPICS,
            tags=["key_account"] if self.rng.chance(0.3) else [],
        )

    def _office_tenant(self) -> dict[str, Any]:
        return self._office(CustomerKind.TENANT)

    def _office_owner(self) -> dict[str, Any]:
        return self._office(CustomerKind.OWNER)

    def _industrial(self, kind: CustomerKind) -> dict[str, Any]:
        who = self.organisation(self.factories)
        plant = self.unit("IP")
        return self._customer(
            who,
            [Role(kind=kind, unit_code=plant.code)],
            [plant],
            purchases=self.purchases(self.rng.between(1, 8), BUSINESS_VALUE_ADDED, special=0.2),
            contributions=self.rng.between(0, 1),
            strategic=True,
            topics=BUSINESS_TOPICS,
        )

    def _industrial_tenant(self) -> dict[str, Any]:
        return self._industrial(CustomerKind.TENANT)

    def _industrial_owner(self) -> dict[str, Any]:
        return self._industrial(CustomerKind.OWNER)

    def _developer(self) -> dict[str, Any]:
        who = self.organisation(self.developers)
        units = [
            self.unit(self.rng.pick(("CH", "YT", "PZ"))) for _ in range(self.rng.between(3, 6))
        ]
        return self._customer(
            who,
            [Role(kind=CustomerKind.DEVELOPER, unit_code=u.code) for u in units],
            units,
            # Vacant units held by the developer are billed at 70 % (空置房).
            fee_share="0.70",
            purchases=self.purchases(self.rng.between(0, 3), BUSINESS_VALUE_ADDED, special=0.3),
            contributions=1,
            strategic=True,
            topics=BUSINESS_TOPICS,
            tags=["key_account"],
        )

    def _visitor(self) -> dict[str, Any]:
        who = self.person(latin_share=0.2)
        day = self.rng.day_between(date(2025, 6, 1), REFERENCE_DATE - timedelta(days=7))
        return self._customer(
            who,
            [Role(kind=CustomerKind.VISITOR)],
            [],
            pays_fees=False,
            purchases=[
                ServicePurchase(
                    on=day + timedelta(days=i * 3),
                    need=ServiceNeed.VALUE_ADDED if i % 2 == 0 else ServiceNeed.BASIC,
                    category="temporary_parking" if i % 2 == 0 else "visitor_pass",
                    amount=_money(self.rng.between(10, 60)) if i % 2 == 0 else _money(0),
                )
                for i in range(self.rng.between(1, 3))
            ],
            registered_at=self.at(day),
        )

    def _staff(self) -> dict[str, Any]:
        who = self.person(latin_share=0.0)
        roles = [Role(kind=CustomerKind.STAFF)]
        units = []
        if self.rng.chance(0.5):
            # Lives on an estate the company serves: staff and owner at once.
            home = self.unit("CH")
            units.append(home)
            roles.append(Role(kind=CustomerKind.OWNER, unit_code=home.code))
        return self._customer(
            who,
            roles,
            units,
            pays_fees=bool(units),
            purchases=self.purchases(self.rng.between(0, 3), VALUE_ADDED, special=0.0),
            participations=self.rng.between(1, 4),
            contributions=self.rng.between(1, 3),
            tags=["volunteer"] if self.rng.chance(0.5) else [],
        )


# --- the portfolio and the configuration -------------------------------------------


def _add_referrals(records: list[dict[str, Any]], rng: Rng) -> None:
    """Referrals (推荐): customers who brought in later customers, on the day those registered."""
    referrers = [i for i, r in enumerate(records) if r["party"] is PartyType.PERSON and r["fees"]]
    # New customers are the ones most often brought in by someone.
    recent = datetime(2025, 6, 1, tzinfo=CST)
    referred = [
        i
        for i, r in enumerate(records)
        if rng.chance(0.5 if r["registered_at"] >= recent else 0.15)
    ]
    links: dict[int, list[Referral]] = {}
    for j in referred:
        earlier = [
            i for i in referrers if records[i]["registered_at"] < records[j]["registered_at"]
        ]
        if not earlier:
            continue
        # A few enthusiastic referrers bring in most new customers.
        i = earlier[min(rng.between(0, len(earlier) - 1), rng.between(0, len(earlier) - 1))]
        on = records[j]["registered_at"].date()
        links.setdefault(i, []).append(
            Referral(referred_customer_id=records[j]["customer_id"], on=on)
        )
    for i, referrals in links.items():
        records[i]["referrals"] = tuple(referrals)


def build_customers() -> list[Customer]:
    """The sample customers, validated, in registration (and id) order."""
    builder = Builder()
    records = [builder.build(archetype) for archetype, count in PLAN for _ in range(count)]
    records.sort(key=lambda r: r["registered_at"])
    for number, record in enumerate(records, start=1):
        record["customer_id"] = f"C{number:04d}"
    _add_referrals(records, builder.rng)
    return [Customer(**record) for record in records]


def build_portfolio() -> list[dict[str, Any]]:
    """The sample portfolio as JSON-ready dicts, as ``pmcrm.unstructure`` writes customers."""
    return [unstructure(customer) for customer in build_customers()]


def sample_config_value() -> SampleConfig:
    """The sample value-score policy, rule-based segments and reference date."""
    policy = ValueScorePolicy(
        window_months=12,
        spending_weight=Decimal(5),
        frequency_weight=Decimal(3),
        contribution_weight=Decimal(2),
        spending_full=Money.of("30000.00"),
        frequency_full=12,
        contribution_full=10,
        referral_points=3,
        participation_points=1,
        contribution_points=2,
        high_cutoff=Decimal(60),
        mid_cutoff=Decimal(30),
    )
    segments = (
        SegmentRule(
            name="premium_residential",
            label=Label(zh="高端住宅业主", en="Premium residential owners"),
            match=Match.ALL,
            criteria=(
                KindIs(kinds=(CustomerKind.OWNER,)),
                PropertyTypeIs(types=(PropertyType.RESIDENTIAL,)),
                AnnualFeeAtLeast(amount=Money.of("8000.00")),
            ),
        ),
        SegmentRule(
            name="commercial_key_accounts",
            label=Label(zh="商业与办公重点客户", en="Commercial and office key accounts"),
            match=Match.ALL,
            criteria=(
                PropertyTypeIs(types=(PropertyType.COMMERCIAL, PropertyType.OFFICE)),
                ServiceCountAtLeast(count=4, window_months=12),
            ),
        ),
        SegmentRule(
            name="arrears_follow_up",
            label=Label(zh="欠费跟进", en="Arrears follow-up"),
            match=Match.ALL,
            criteria=(ArrearsAtLeast(amount=Money.of("500.00")),),
        ),
        SegmentRule(
            name="community_champions",
            label=Label(zh="社区热心人", en="Community champions"),
            match=Match.ANY,
            criteria=(HasTag(tag="owners_committee"), HasTag(tag="volunteer")),
        ),
    )
    return SampleConfig(policy=policy, segments=segments, as_of=REFERENCE_DATE)


def build_config() -> dict[str, Any]:
    """The sample configuration as a JSON-ready dict."""
    return unstructure(sample_config_value())  # type: ignore[no-any-return]


# --- the VIP programme and the member records ----------------------------------------

#: The seed of the member records: a stream of its own, so the portfolio never moves.
TIERS_SEED = SEED + 1

#: The last periodic review before the reference date (reviews fall on 1 January and 1 July).
LAST_REVIEW = date(2026, 7, 1)

#: Every periodic review up to :data:`LAST_REVIEW`, oldest first.
REVIEW_DAYS: tuple[date, ...] = tuple(
    date(year, month, 1)
    for year in range(2019, LAST_REVIEW.year + 1)
    for month in (1, 7)
    if date(year, month, 1) <= LAST_REVIEW
)

#: The quarterly survey of VIPs (VIP 季度满意度调查) and the yearly survey of everyone.
VIP_SURVEYS = (date(2026, 1, 20), date(2026, 4, 20), date(2026, 7, 20), date(2026, 10, 20))
YEARLY_SURVEY = date(2026, 6, 18)

MANAGEMENT = "总经理办公会"
SERVICE_MANAGER = "客户服务中心经理"


def sample_tier_policy_value() -> tiers.TierPolicy:
    """The sample VIP programme: the default ladder and the review rules.

    Thresholds are calibrated on the sample portfolio's fees (residential
    units pay 2,000 to 30,000 CNY a year, shops and offices up to 300,000):
    a handful of diamonds, more platinum, more gold, most customers regular.
    The annual fee looks at this fee year and the last one, so that a
    1 January review does not judge on a fee year that has just begun.
    """
    ladder = tiers.TierLadder(
        tiers=(
            tiers.Tier(
                name="diamond",
                label=Label(zh="钻石", en="Diamond"),
                condition=tiers.AnyOf(
                    conditions=(
                        tiers.AnnualFeeAtLeast(amount=_money(200_000), window_years=2),
                        tiers.ConsecutiveYears(years=5, each_at_least=_money(150_000)),
                        tiers.Designated(),
                    )
                ),
            ),
            tiers.Tier(
                name="platinum",
                label=Label(zh="铂金", en="Platinum"),
                condition=tiers.AnyOf(
                    conditions=(
                        tiers.AnnualFeeAtLeast(amount=_money(100_000), window_years=2),
                        tiers.ConsecutiveYears(years=4, each_at_least=_money(80_000)),
                        tiers.ParticipationAtLeast(count=4, window_months=12),
                    )
                ),
            ),
            tiers.Tier(
                name="gold",
                label=Label(zh="黄金", en="Gold"),
                condition=tiers.AnyOf(
                    conditions=(
                        tiers.AnnualFeeAtLeast(amount=_money(30_000), window_years=2),
                        tiers.YearsOfPurchase(years=5, each_at_least=_money(12_000)),
                        tiers.ReferralsAtLeast(count=1, window_months=12),
                    )
                ),
            ),
        ),
        base_name="regular",
        base_label=Label(zh="普通客户", en="Regular"),
    )
    review = tiers.ReviewPolicy(
        schedule=tiers.ReviewSchedule(
            kind=tiers.ScheduleKind.FIXED_DATES,
            dates=(tiers.MonthDay(month=1, day=1), tiers.MonthDay(month=7, day=1)),
        ),
        notice_days=30,
        downgrade_to=tiers.DowngradeStep.ONE_STEP,
        arrears_days=90,
        arrears_amount=_money(20_000),
        low_satisfaction_count=3,
        low_satisfaction_below=Decimal(60),
        violation_window_months=12,
    )
    return tiers.TierPolicy(ladder=ladder, review=review)


def _score(on: date, score: int) -> tiers.SatisfactionScore:
    return tiers.SatisfactionScore(on=on, score=Decimal(score))


class Members:
    """Builds a member record for every customer, and the review scenarios among them.

    Each customer holds the tier they were given at the last periodic review
    (:data:`LAST_REVIEW`), since the review at which they entered it; customers
    registered after it hold the base tier.  Between that review and the
    reference date, referrals and community activity move some customers up
    and others down, as they would.  On top of that the builder sets the
    scenarios a review must show: designations and overrides by management,
    violations, low satisfaction with a refusal to cooperate, and notices
    issued before the reference date (one that takes effect, one pending,
    one whose cause was cured).
    """

    def __init__(self, customers: Sequence[Customer], policy: tiers.TierPolicy) -> None:
        self.rng = Rng(TIERS_SEED)
        self.customers = list(customers)
        self.policy = policy
        self.ladder = policy.ladder
        self.base = self.ladder.base_name
        self.fields: dict[str, dict[str, Any]] = {}
        self.taken: set[str] = set()

    # --- helpers --------------------------------------------------------------

    def qualifying(self, customer: Customer, day: date) -> str:
        """The tier *customer* qualifies for on *day*, with their designations."""
        designations = self.fields[customer.customer_id].get("designations", ())
        return tiers.evaluate(customer, self.ladder, day, designations).tier

    def held(self, customer: Customer) -> tuple[str, date]:
        """The tier given at the last review, and the review day the customer entered it."""
        tier, since = self.base, customer.registered_at.date()
        for day in REVIEW_DAYS:
            if day >= since:
                found = self.qualifying(customer, day)
                if found != tier:
                    tier, since = found, day
        return tier, since

    def down(self, tier: str) -> str:
        """One tier below *tier*."""
        return self.ladder.names[min(self.ladder.rank(tier) + 1, len(self.ladder.tiers))]

    def take(self, candidates: Sequence[Customer], what: str) -> Customer:
        """One of *candidates* not yet used by a scenario (the generator needs one)."""
        free = [c for c in candidates if c.customer_id not in self.taken]
        if not free:
            raise RuntimeError(f"the sample portfolio has no customer for: {what}")
        chosen = self.rng.pick(free)
        self.taken.add(chosen.customer_id)
        return chosen

    def set(self, customer: Customer, **fields: Any) -> None:
        """Set fields of *customer*'s record."""
        self.fields[customer.customer_id].update(fields)

    # --- the build --------------------------------------------------------------

    def build(self) -> list[tiers.MemberRecord]:
        """Every customer's record, in portfolio order."""
        for customer in self.customers:
            self.fields[customer.customer_id] = {}
        self.designate()
        for customer in self.customers:
            tier, since = self.held(customer)
            self.set(customer, tier=tier, since=since)
        self.not_yet_upgraded()
        self.surveys()
        self.scenarios()
        return [
            tiers.MemberRecord(customer_id=c.customer_id, **self.fields[c.customer_id])
            for c in self.customers
        ]

    def strategic(self) -> list[Customer]:
        """Organisations with a strategic contribution and no arrears, not qualifying diamond."""
        return [
            c
            for c in self.customers
            if c.party is PartyType.ORGANISATION
            and any(x.kind is ContributionKind.STRATEGIC for x in c.contributions)
            and not c.arrears
            and self.qualifying(c, REFERENCE_DATE) in {"platinum", "gold"}
            and self.qualifying(c, LAST_REVIEW) in {"platinum", "gold"}
        ]

    def designate(self) -> None:
        """Two designations by management in force, and one that has just expired.

        They go to organisations with a recorded strategic contribution.
        """
        for on, expires_on, reason in (
            (date(2026, 3, 16), date(2029, 3, 16), "重大战略贡献：签订三年期综合物业服务协议"),
            (date(2025, 6, 30), None, "重大战略贡献：引入关联企业整层入驻，带动园区招商"),
            (date(2024, 11, 20), date(2026, 11, 20), "两年期战略合作认定（到期未续）"),
        ):
            chosen = self.take(self.strategic(), "a designation by management")
            designation = tiers.Designation(
                tier="diamond", by=MANAGEMENT, on=on, reason=reason, expires_on=expires_on
            )
            self.set(chosen, designations=(designation,))

    def surveys(self) -> None:
        """Quarterly scores for VIPs, a yearly score for some others (0–100)."""
        for customer in self.customers:
            registered = customer.registered_at.date()
            record = self.fields[customer.customer_id]
            if record["tier"] != self.base:
                days = [d for d in VIP_SURVEYS if d >= registered]
                scores = [_score(d, self.rng.between(70, 98)) for d in days]
            elif registered <= YEARLY_SURVEY and self.rng.chance(0.4):
                scores = [_score(YEARLY_SURVEY, self.rng.between(55, 96))]
            else:
                scores = []
            record["satisfaction"] = tuple(scores)

    def stable_vips(self, *, residential: bool | None = None) -> list[Customer]:
        """VIPs who hold what they qualify for, owe nothing and have no designation."""
        found = []
        for c in self.customers:
            record = self.fields[c.customer_id]
            if (
                record["tier"] != self.base
                and record["tier"] == self.qualifying(c, REFERENCE_DATE)
                and not c.arrears_on(REFERENCE_DATE).amount
                and not record.get("designations")
                and REFERENCE_DATE - record["since"] > timedelta(days=60)
                and (
                    residential is None
                    or (PropertyType.RESIDENTIAL in c.property_types) is residential
                )
            ):
                found.append(c)
        return found

    def scenarios(self) -> None:
        """Violations, low satisfaction, overrides and notices issued before the reference date."""
        # A harmful violation; the notice issued after it has passed its effective date.
        shop = self.take(self.stable_vips(residential=False), "a violation (downgrade)")
        tier = self.fields[shop.customer_id]["tier"]
        self.set(
            shop,
            violations=(
                tiers.Violation(
                    on=date(2026, 9, 12),
                    description="占用消防通道堆放货物，书面整改通知后仍未清理",
                ),
            ),
            notice=tiers.DowngradeNotice(
                issued_on=date(2026, 9, 20),
                effective_on=date(2026, 10, 20),
                from_tier=tier,
                to_tier=self.down(tier),
                causes=(tiers.DowngradeCause.VIOLATION,),
            ),
        )
        # A harmful violation; the notice is still pending.
        home = self.take(self.stable_vips(residential=True), "a violation (pending)")
        tier = self.fields[home.customer_id]["tier"]
        self.set(
            home,
            violations=(
                tiers.Violation(
                    on=date(2026, 11, 6), description="装修中擅自拆改承重墙，危及楼栋结构安全"
                ),
            ),
            notice=tiers.DowngradeNotice(
                issued_on=date(2026, 11, 9),
                effective_on=date(2026, 12, 9),
                from_tier=tier,
                to_tier=self.down(tier),
                causes=(tiers.DowngradeCause.VIOLATION,),
            ),
        )
        # A harmful violation this month: the review issues a notice.
        self.set(
            self.take(self.stable_vips(residential=True), "a violation (notice)"),
            violations=(
                tiers.Violation(on=date(2026, 11, 18), description="高空抛物，砸坏楼下车辆"),
            ),
        )
        # Violations that trigger nothing: a harmless one, and one older than 12 months.
        self.set(
            self.take(self.stable_vips(residential=True), "a harmless violation"),
            violations=(
                tiers.Violation(
                    on=date(2026, 8, 15), description="遛狗未牵绳，经提醒后改正", harmful=False
                ),
            ),
        )
        self.set(
            self.take(self.stable_vips(), "an old violation"),
            violations=(
                tiers.Violation(on=date(2025, 6, 14), description="私自在公共绿地搭建棚架"),
            ),
        )
        # Sustained low satisfaction and a refusal to cooperate: the review issues a notice.
        low = (_score(VIP_SURVEYS[1], 58), _score(VIP_SURVEYS[2], 45), _score(VIP_SURVEYS[3], 50))
        self.set(
            self.take(self.stable_vips(), "low satisfaction (notice)"),
            satisfaction=low,
            refusals=(
                tiers.CooperationRefusal(
                    on=date(2026, 10, 28), note="拒绝参加整改沟通会，不同意入户检修"
                ),
            ),
        )
        # The same, but satisfaction recovered after the notice: it lapses.
        cured = self.take(self.stable_vips(), "low satisfaction (cured)")
        tier = self.fields[cured.customer_id]["tier"]
        self.set(
            cured,
            satisfaction=(
                _score(VIP_SURVEYS[1], 55),
                _score(VIP_SURVEYS[2], 48),
                _score(VIP_SURVEYS[3], 52),
                _score(date(2026, 11, 12), 82),
            ),
            refusals=(
                tiers.CooperationRefusal(
                    on=date(2026, 10, 22), note="拒绝客户经理上门沟通改进方案"
                ),
            ),
            notice=tiers.DowngradeNotice(
                issued_on=date(2026, 10, 26),
                effective_on=date(2026, 11, 25),
                from_tier=tier,
                to_tier=self.down(tier),
                causes=(tiers.DowngradeCause.LOW_SATISFACTION,),
            ),
        )
        # Low scores without a refusal to cooperate trigger nothing.
        self.set(
            self.take(self.stable_vips(), "low satisfaction without refusal"),
            satisfaction=(
                _score(VIP_SURVEYS[1], 52),
                _score(VIP_SURVEYS[2], 57),
                _score(VIP_SURVEYS[3], 49),
            ),
        )
        self.overrides()

    def not_yet_upgraded(self) -> None:
        """Some VIPs hold a tier below what they now qualify for: due for an upgrade."""
        for customer in self.stable_vips():
            if self.rng.chance(0.25):
                record = self.fields[customer.customer_id]
                record["tier"] = self.down(record["tier"])

    def overrides(self) -> None:
        """A retain for a customer who no longer qualifies; an upgrade of a key account."""
        dropped = [
            c
            for c in self.customers
            if self.fields[c.customer_id]["tier"] != self.base
            and self.qualifying(c, REFERENCE_DATE) == self.base
            and not c.arrears_on(REFERENCE_DATE).amount
        ]
        retained = self.take(dropped, "a retain override")
        self.set(
            retained,
            overrides=(
                tiers.Override(
                    kind=tiers.OverrideKind.RETAIN,
                    tier=self.fields[retained.customer_id]["tier"],
                    by=SERVICE_MANAGER,
                    reason="业主委员会委员，本届任期内保留原等级",
                    on=date(2026, 11, 10),
                    expires_on=date(2027, 7, 1),
                ),
            ),
        )
        accounts = [
            c
            for c in self.customers
            if c.party is PartyType.ORGANISATION
            and "key_account" in c.tags
            and self.fields[c.customer_id]["tier"] == self.base
            and self.qualifying(c, REFERENCE_DATE) == self.base
            and not c.arrears
        ]
        self.set(
            self.take(accounts, "an upgrade override"),
            overrides=(
                tiers.Override(
                    kind=tiers.OverrideKind.UPGRADE,
                    tier="gold",
                    by=MANAGEMENT,
                    reason="新签三年期综合物业服务合同，试行黄金客户服务",
                    on=date(2026, 11, 16),
                    expires_on=date(2027, 11, 16),
                ),
            ),
        )


def build_members(
    customers: Sequence[Customer], policy: tiers.TierPolicy
) -> list[tiers.MemberRecord]:
    """A member record for every customer, checked to show every review action."""
    members = Members(customers, policy).build()
    outcomes = list(
        tiers.review_portfolio(zip(customers, members, strict=True), policy, REFERENCE_DATE)
    )
    missing = set(tiers.ReviewAction) - {o.action for o in outcomes}
    if missing:
        raise RuntimeError(f"the sample review shows no {sorted(a.value for a in missing)}")
    return members


def build_tiers() -> dict[str, Any]:
    """The sample VIP programme and member records as a JSON-ready dict."""
    policy = sample_tier_policy_value()
    members = build_members(build_customers(), policy)
    return unstructure(SampleTiers(policy=policy, members=tuple(members)))  # type: ignore[no-any-return]


# --- benefits, care and the quota ledger --------------------------------------------

#: The seed of the contact logs: a stream of its own, so nothing else moves.
BENEFITS_SEED = SEED + 2

#: Festival days 2025-2027.  Lunar festivals are looked up, never computed.
FESTIVAL_DAYS: tuple[tuple[str, str, str, tuple[date, ...]], ...] = (
    ("new_year", "元旦", "New Year's Day", (date(2025, 1, 1), date(2026, 1, 1), date(2027, 1, 1))),
    (
        "spring_festival",
        "春节",
        "Spring Festival",
        (date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6)),
    ),
    (
        "dragon_boat",
        "端午节",
        "Dragon Boat Festival",
        (date(2025, 5, 31), date(2026, 6, 19), date(2027, 6, 9)),
    ),
    (
        "mid_autumn",
        "中秋节",
        "Mid-Autumn Festival",
        (date(2025, 10, 6), date(2026, 9, 25), date(2027, 9, 15)),
    ),
    (
        "national_day",
        "国庆节",
        "National Day",
        (date(2025, 10, 1), date(2026, 10, 1), date(2027, 10, 1)),
    ),
)

#: Per tier: property-fee discount, value-added discount, car-wash discount (None: none),
#: months of plant care a year, birthday gift, access rights.
TIER_BENEFITS: tuple[tuple[str, int, int, int | None, int, Label | None, tuple[str, ...]], ...] = (
    (
        "diamond",
        8,
        15,
        20,
        12,
        Label(zh="生日蛋糕与鲜花", en="cake and flowers"),
        (
            "priority_repairs",
            "priority_cleaning",
            "vip_channel",
            "dedicated_hotline",
            "emergency_line",
            "premium_courses",
            "priority_events",
        ),
    ),
    (
        "platinum",
        5,
        10,
        15,
        6,
        Label(zh="生日蛋糕", en="birthday cake"),
        (
            "priority_repairs",
            "priority_cleaning",
            "vip_channel",
            "dedicated_hotline",
            "emergency_line",
            "priority_events",
        ),
    ),
    ("gold", 3, 5, None, 3, None, ("priority_repairs", "vip_channel", "emergency_line")),
)

CLEANING = Label(zh="上门保洁", en="house cleaning")
PLANT_CARE = Label(zh="绿植养护（月）", en="month of plant care")
MOONCAKES = Label(zh="月饼礼盒", en="mooncakes")


def _tier_grants(
    tier: str,
    fee: int,
    services: int,
    *,
    car_wash: int | None,
    plant_months: int,
    gift: Label | None,
    rights: Sequence[str],
) -> benefits.TierBenefits:
    """What one tier grants: rights, discounts, complimentary services, greetings."""
    year = benefits.Term(kind=benefits.TermKind.CALENDAR_YEAR)
    grants = [
        benefits.Grant(
            benefit=benefits.AccessRight(code=f"{tier}_{right}", kind=benefits.AccessKind(right)),
            # Premium courses are offered for the 2026-2027 season only.
            starts_on=date(2026, 9, 1) if right == "premium_courses" else None,
            ends_on=date(2027, 7, 1) if right == "premium_courses" else None,
        )
        for right in rights
    ]
    grants.append(
        benefits.Grant(
            benefit=benefits.Discount(
                code=f"{tier}_fee_{fee}",
                rate=Rate.percent(fee),
                target=benefits.DiscountTarget.PROPERTY_FEE,
            )
        )
    )
    grants.append(
        benefits.Grant(
            benefit=benefits.Discount(
                code=f"{tier}_services_{services}",
                rate=Rate.percent(services),
                target=benefits.DiscountTarget.VALUE_ADDED,
            )
        )
    )
    if car_wash is not None:
        grants.append(
            benefits.Grant(
                benefit=benefits.Discount(
                    code=f"{tier}_car_wash_{car_wash}",
                    rate=Rate.percent(car_wash),
                    target=benefits.DiscountTarget.VALUE_ADDED,
                    category="car_wash",
                )
            )
        )
    grants.extend(
        [
            benefits.Grant(
                benefit=benefits.ComplimentaryService(
                    code=f"{tier}_cleaning", service=CLEANING, units=1, term=year
                )
            ),
            benefits.Grant(
                benefit=benefits.ComplimentaryService(
                    code=f"{tier}_plant_care", service=PLANT_CARE, units=plant_months, term=year
                )
            ),
            benefits.Grant(
                benefit=benefits.Greeting(
                    code=f"{tier}_birthday", occasion=benefits.Occasion.BIRTHDAY, gift=gift
                )
            ),
            benefits.Grant(
                benefit=benefits.Greeting(
                    code=f"{tier}_spring_festival", occasion=benefits.Occasion.SPRING_FESTIVAL
                )
            ),
            benefits.Grant(
                benefit=benefits.Greeting(
                    code=f"{tier}_mid_autumn",
                    occasion=benefits.Occasion.MID_AUTUMN,
                    gift=None if tier == "gold" else MOONCAKES,
                )
            ),
        ]
    )
    return benefits.TierBenefits(tier=tier, grants=tuple(grants))


def sample_catalogue() -> benefits.Catalogue:
    """The sample programme's benefits: diamond 8 %, platinum 5 %, gold 3 % off the fee…"""
    return benefits.Catalogue(
        tiers=tuple(
            _tier_grants(t, f, s, car_wash=c, plant_months=p, gift=g, rights=r)
            for t, f, s, c, p, g, r in TIER_BENEFITS
        ),
        grace_days=30,
    )


def sample_care_policy() -> care.CarePolicy:
    """DOMAIN.md §3: a monthly call or visit, a quarterly questionnaire, greetings."""
    vips = ("diamond", "platinum", "gold")
    return care.CarePolicy(
        cadences=(
            care.Cadence(kind=care.Touchpoint.MANAGER_CONTACT, months=1, tiers=vips),
            care.Cadence(kind=care.Touchpoint.QUESTIONNAIRE, months=3, tiers=vips),
        ),
        greetings=(
            care.Greeting(kind=care.Touchpoint.BIRTHDAY, days_ahead=7, tiers=vips),
            care.Greeting(kind=care.Touchpoint.FESTIVAL, days_ahead=14, tiers=vips),
        ),
    )


def sample_festivals() -> care.FestivalCalendar:
    """Festival days 2025 to 2027, from :data:`FESTIVAL_DAYS`."""
    return care.FestivalCalendar(
        first_year=2025,
        last_year=2027,
        festivals=tuple(
            care.Festival(key=key, name=Label(zh=zh, en=en), on=day)
            for key, zh, en, days in FESTIVAL_DAYS
            for day in days
        ),
    )


def sample_bill() -> pricing.Bill:
    """A quarter's property fee and two value-added services (33.30 × 5 % shows rounding)."""
    return pricing.Bill(
        lines=(
            pricing.BillLine(
                category="property_fee",
                description="2026 年第四季度物业服务费",
                amount=Money.of("12680.50"),
            ),
            pricing.BillLine(
                category="housekeeping", description="家政保洁 4 小时", amount=Money.of("399.00")
            ),
            pricing.BillLine(
                category="car_wash", description="精致洗车", amount=Money.of("33.30")
            ),
        )
    )


def sample_contacts(
    customers: Sequence[Customer], members: Sequence[tiers.MemberRecord]
) -> list[care.ContactLog]:
    """Each VIP's last call or visit (some over a month ago) and last questionnaire.

    Most VIPs answered the October questionnaire; about one in ten has no
    questionnaire on record, so it is due on the reference date.
    """
    rng = Rng(BENEFITS_SEED)
    logs = []
    for customer, member in zip(customers, members, strict=True):
        if member.tier == "regular":
            continue
        logs.append(
            care.ContactLog(
                customer_id=customer.customer_id,
                kind=care.Touchpoint.MANAGER_CONTACT,
                on=rng.day_between(date(2026, 10, 8), date(2026, 11, 20)),
            )
        )
        if rng.chance(0.9):
            logs.append(
                care.ContactLog(
                    customer_id=customer.customer_id,
                    kind=care.Touchpoint.QUESTIONNAIRE,
                    on=VIP_SURVEYS[-1],
                )
            )
    return logs


def demo_member_index(members: Sequence[tiers.MemberRecord], ladder: tiers.TierLadder) -> int:
    """The VIP the demo shows: the highest tier held, first in customer-id order."""
    return min(range(len(members)), key=lambda i: (ladder.rank(members[i].tier), i))


def sample_ledger(
    members: Sequence[tiers.MemberRecord],
    catalogue: benefits.Catalogue,
    ladder: tiers.TierLadder,
) -> benefits.QuotaLedger:
    """Uses of complimentary services, each redeemed through :func:`pmcrm.benefits.redeem`.

    The demo's VIP used this year's house cleaning in March and seven
    months of plant care; the November plant care was booked and cancelled
    (a reversal).  The first member of each other VIP tier
    (in it by then) used a cleaning in May.
    """
    ledger = benefits.QuotaLedger()

    def use(member: tiers.MemberRecord, what: str, on: date, ref: str) -> None:
        nonlocal ledger
        spells = (benefits.TierSpell(tier=member.tier, since=member.since),)
        held = benefits.entitlements(member.customer_id, spells, catalogue, on)
        code = f"{member.tier}_{what}"
        ledger = benefits.redeem(ledger, member.customer_id, code, on, held, ref=ref)

    vip = members[demo_member_index(members, ladder)]
    use(vip, "cleaning", date(2026, 3, 2), "BK-2026-0302")
    for month in range(4, 11):
        use(vip, "plant_care", date(2026, month, 5), f"BK-2026-{month:02d}05")
    use(vip, "plant_care", date(2026, 11, 2), "BK-2026-1102")
    ledger = benefits.reverse(ledger, vip.customer_id, "BK-2026-1102", date(2026, 11, 3))
    for tier in ("platinum", "gold"):
        first = next(m for m in members if m.tier == tier and m.since <= date(2026, 5, 18))
        use(first, "cleaning", date(2026, 5, 18), f"BK-2026-0518-{tier}")
    return ledger


def build_benefits() -> dict[str, Any]:
    """The sample benefits, care calendar, contacts and ledger as a JSON-ready dict."""
    policy = sample_tier_policy_value()
    customers = build_customers()
    members = build_members(customers, policy)
    catalogue = sample_catalogue()
    value = SampleBenefits(
        catalogue=catalogue,
        pricing=pricing.PricingPolicy(),
        bill_lines=sample_bill().lines,
        care=sample_care_policy(),
        festivals=sample_festivals(),
        contacts=tuple(sample_contacts(customers, members)),
        ledger=sample_ledger(members, catalogue, policy.ladder),
    )
    return unstructure(value)  # type: ignore[no-any-return]


# --- complaints ---------------------------------------------------------------------

#: The seed of the complaint stream: a stream of its own, so nothing else moves.
COMPLAINTS_SEED = SEED + 3

#: No event of the sample is later than this: the afternoon of the reference day,
#: before the demo reads the clocks at 17:00.
COMPLAINTS_CUTOFF = datetime(2026, 11, 23, 16, 30, tzinfo=CST)

#: Departments: key -> (name, handlers).
DEPARTMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "eng": ("工程部", ("gc-liu", "gc-ma")),
    "clean": ("保洁部", ("bj-sun",)),
    "order": ("秩序维护部", ("zx-zhou", "zx-tang")),
    "green": ("绿化部", ("lh-he",)),
    "finance": ("财务部", ("cw-zheng",)),
    "service": ("客服中心", ("kf-chen",)),
}

#: The service desk's receivers by day, and the night duty officer (20:00-08:00).
DAY_DESK = ("kf-wang", "kf-li", "kf-zhao")
NIGHT_DESK = "kf-yang"
MANAGER = "项目经理"
HEAD_OFFICE = "总经理办公室"


def sample_sla_policy() -> complaints.SlaPolicy:
    """pmcrm's default policy plus the company's own rules where DOMAIN.md §4 is silent.

    Natural disasters and public-order events are answered within 2 h (24/7),
    a natural disaster's damage report is due within 48 h, a repeat complaint
    is answered within 4 h, and a special complaint (policy or attitude
    misunderstanding) is answered in writing within three working days of
    7.5 h on the business calendar, the clock stopping while the customer
    owes us documents.
    """
    base = complaints.default_policy()
    hour = timedelta(hours=1)
    house = "house rule (公司补充规定)"
    own = (
        complaints.SlaRule(
            metric=Metric.FIRST_RESPONSE,
            target=2 * hour,
            emergency=EmergencyClass.NATURAL_DISASTER,
            note=house,
        ),
        complaints.SlaRule(
            metric=Metric.INVESTIGATION,
            target=48 * hour,
            emergency=EmergencyClass.NATURAL_DISASTER,
            note=house,
        ),
        complaints.SlaRule(
            metric=Metric.FIRST_RESPONSE,
            target=2 * hour,
            emergency=EmergencyClass.PUBLIC_ORDER,
            note=house,
        ),
        complaints.SlaRule(
            metric=Metric.FIRST_RESPONSE,
            target=4 * hour,
            complaint_type=ComplaintType.REPEAT,
            note=house,
        ),
        complaints.SlaRule(
            metric=Metric.RESOLUTION,
            target=timedelta(hours=22, minutes=30),
            basis=TimeBasis.BUSINESS,
            complaint_type=ComplaintType.SPECIAL,
            pause_on=(PauseReason.CUSTOMER,),
            note=house,
        ),
    )
    return complaints.SlaPolicy(
        name="xilan-complaint-sla",
        rules=base.rules + own,
        warnings=base.warnings,
    )


def sample_repeat_policy() -> complaints.RepeatPolicy:
    """The same customer or unit and category within 60 days; three call for a rectification."""
    return complaints.RepeatPolicy(window=timedelta(days=60), rectification_threshold=3)


class Topic(NamedTuple):
    """What a complaint is about, and how it ends when it ends well.

    ``place`` may use ``{b}`` (the building, floor or villa of the unit) and
    ``{r}`` (the room, shop or villa number).
    """

    category: str
    dept: str
    place: str
    summary: str
    plan: str
    cause: RootCause
    report: str
    outcome: Outcome
    result: str


def _t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of 2026 in China Standard Time."""
    return datetime(2026, month, day, hour, minute, tzinfo=CST)


def office_time(at: datetime, rng: Rng) -> datetime:
    """*at* if it falls between 08:30 and 20:00, else the next 08:30 plus a few minutes."""
    local = at.astimezone(CST)
    if time(8, 30) <= local.time() < time(20, 0):
        return at
    day = local.date() + timedelta(days=1) if local.time() >= time(20, 0) else local.date()
    return datetime.combine(day, time(8, 30), CST) + timedelta(minutes=rng.between(0, 40))


class Story:
    """One complaint's events, built step by step.

    Each step happens *after* minutes after the one before, or at a given
    instant; ``daytime=True`` moves a step that would fall at night to the
    next morning.  Steps default to the owner (receiver, until a transfer),
    or to the handler once one is assigned for contacts, reports and
    resolutions.
    """

    def __init__(self, registered: complaints.Registered, topic: Topic, rng: Rng) -> None:
        self.events: list[Any] = [registered]
        self.registered = registered
        self.topic = topic
        self.rng = rng
        self.now = registered.at
        self.owner = registered.by
        self.handler: str | None = None
        department, handlers = DEPARTMENTS[topic.dept]
        self.department = department
        self.handlers = handlers

    def _step(
        self,
        cls: type[Any],
        after: "int | datetime",
        by: str | None,
        *,
        daytime: bool = False,
        worker: bool = False,
        **fields: Any,
    ) -> "Story":
        at = after if isinstance(after, datetime) else self.now + timedelta(minutes=after)
        if daytime:
            at = office_time(at, self.rng)
        if at < self.now:
            raise RuntimeError(f"{self.registered.complaint_id}: {cls.__name__} goes back in time")
        self.now = at
        actor = by or ((self.handler or self.owner) if worker else self.owner)
        event = cls(complaint_id=self.registered.complaint_id, at=at, by=actor, **fields)
        self.events.append(event)
        return self

    def assess(
        self,
        after: "int | datetime",
        complaint_type: ComplaintType | None = None,
        severity: Severity | None = None,
        emergency: EmergencyClass | None = None,
        *,
        motive: Motive | None = None,
        note: str | None = None,
    ) -> "Story":
        reg = self.registered
        return self._step(
            complaints.Assessed,
            after,
            None,
            complaint_type=complaint_type or reg.complaint_type,
            severity=severity or reg.severity,
            emergency=emergency or reg.emergency,
            motive=motive,
            note=note,
        )

    def assign(self, after: "int | datetime", handler: str | None = None) -> "Story":
        self.handler = handler or self.rng.pick(self.handlers)
        return self._step(
            complaints.Assigned,
            after,
            None,
            department=self.department,
            handler=self.handler,
            plan=self.topic.plan,
        )

    def contact(
        self,
        after: "int | datetime",
        channel: ComplaintChannel = ComplaintChannel.PHONE,
        note: str | None = None,
        *,
        daytime: bool = False,
    ) -> "Story":
        return self._step(
            complaints.Contacted,
            after,
            None,
            daytime=daytime,
            worker=True,
            channel=channel,
            note=note,
        )

    def investigate(
        self,
        after: "int | datetime",
        cause: RootCause | None = None,
        report: str | None = None,
        *,
        daytime: bool = False,
    ) -> "Story":
        return self._step(
            complaints.Investigated,
            after,
            None,
            daytime=daytime,
            worker=True,
            root_cause=cause or self.topic.cause,
            responsible_department=self.department,
            report=report or self.topic.report,
        )

    def pause(self, after: "int | datetime", reason: PauseReason, note: str) -> "Story":
        return self._step(complaints.Paused, after, None, reason=reason, note=note)

    def resume(self, after: "int | datetime", note: str) -> "Story":
        return self._step(complaints.Resumed, after, None, note=note)

    def resolve(
        self,
        after: "int | datetime",
        note: str | None = None,
        outcome: Outcome | None = None,
        *,
        compensation: Money | None = None,
        daytime: bool = False,
    ) -> "Story":
        return self._step(
            complaints.Resolved,
            after,
            None,
            daytime=daytime,
            worker=True,
            outcome=outcome or self.topic.outcome,
            note=note or self.topic.result,
            compensation=compensation,
        )

    def follow_up(
        self,
        after: "int | datetime",
        verdict: Verdict = Verdict.SATISFIED,
        note: str | None = None,
        *,
        daytime: bool = False,
    ) -> "Story":
        return self._step(
            complaints.FollowedUp,
            after,
            None,
            daytime=daytime,
            verdict=verdict,
            channel=ComplaintChannel.PHONE,
            note=note,
        )

    def reopen(self, after: "int | datetime", reason: str) -> "Story":
        return self._step(complaints.Reopened, after, None, reason=reason)

    def escalate(self, after: "int | datetime", reason: str, to: str = MANAGER) -> "Story":
        return self._step(complaints.Escalated, after, None, to=to, reason=reason)

    def transfer(self, after: "int | datetime", to: str, reason: str) -> "Story":
        self._step(complaints.Transferred, after, None, to=to, reason=reason)
        self.owner = to
        return self

    def archive(
        self, after: "int | datetime", note: str | None = None, *, daytime: bool = True
    ) -> "Story":
        return self._step(complaints.Archived, after, None, daytime=daytime, note=note)


def routine(
    story: Story,
    *,
    verdict: Verdict = Verdict.SATISFIED,
    severity: Severity | None = None,
    contact: tuple[int, int] = (15, 150),
    investigate: tuple[int, int] = (90, 900),
    resolve: tuple[int, int] = (120, 1500),
    follow: tuple[int, int] = (180, 1200),
) -> None:
    """The usual path: assessed, assigned, contacted, investigated, resolved, followed up, filed.

    Delays are drawn in minutes from the given ranges; contacts, reports,
    resolutions, follow-ups and archiving happen in the daytime.
    """
    rng = story.rng
    story.assess(rng.between(8, 25), severity=severity)
    story.assign(rng.between(5, 20))
    story.contact(rng.between(*contact), daytime=True)
    story.investigate(rng.between(*investigate), daytime=True)
    story.resolve(rng.between(*resolve), daytime=True)
    story.follow_up(rng.between(*follow), verdict, daytime=True)
    story.archive(rng.between(1440, 4320))


class Plan(NamedTuple):
    """One sample complaint: when, whose, what, how it was received, and what happened next.

    ``who`` is an estate code (a customer of that estate who has not
    complained yet), ``"visitor"``, or ``"<estate>:<key>"`` for a customer who
    complains more than once (the first plan with the key chooses them).
    """

    at: datetime
    who: str
    topic: Topic
    channel: ComplaintChannel
    emotion: Emotion
    path: Callable[[Story], object]
    complaint_type: ComplaintType = ComplaintType.ROUTINE
    severity: Severity = Severity.MEDIUM
    emergency: EmergencyClass | None = None
    receiver: str | None = None
    location: str | None = None


#: The sample's complaints, September to the reference day (2026-11-23, a Monday).
COMPLAINT_PLANS: tuple[Plan, ...] = (
    # --- September ---------------------------------------------------------------------
    Plan(
        at=_t(9, 2, 9, 40),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋楼道",
            summary="楼道灯坏了一周没人修，晚上回家看不见路",
            plan="当天更换楼道灯具并检查线路",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="声控灯感应器老化损坏",
            outcome=Outcome.REPAIRED,
            result="更换 3 盏声控灯及感应器",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=routine,
        severity=Severity.LOW,
    ),
    Plan(
        at=_t(9, 3, 10, 15),
        who="PZ",
        topic=Topic(
            category="cleaning",
            dept="clean",
            place="二层公共卫生间",
            summary="公共卫生间地面湿滑有异味，保洁不及时",
            plan="增加午间和傍晚巡查保洁",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="午间保洁员漏巡，巡查记录未签",
            outcome=Outcome.OTHER,
            result="加派保洁员，巡查改为每两小时一次",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: routine(s, verdict=Verdict.BASICALLY_SATISFIED),
        severity=Severity.LOW,
    ),
    Plan(
        at=_t(9, 5, 20, 10),
        who="YT",
        topic=Topic(
            category="noise",
            dept="order",
            place="{b} 栋 {r} 室楼上",
            summary="楼上晚上九点后还在用电钻装修，孩子无法休息",
            plan="上门劝停并核查装修许可时段",
            cause=RootCause.MANAGEMENT_GAP,
            report="装修巡查未覆盖晚间时段",
            outcome=Outcome.OTHER,
            result="约谈装修户，增加晚间装修巡查",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        path=lambda s: (
            s.contact(12, note="已派秩序维护员上门劝停")
            .assess(5, motive=Motive.VENTING)
            .assign(5)
            .investigate(_t(9, 6, 10, 20))
            .resolve(_t(9, 6, 15, 0))
            .follow_up(_t(9, 7, 10, 10))
            .archive(_t(9, 9, 9, 30))
        ),
    ),
    Plan(
        at=_t(9, 8, 7, 20),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋",
            summary="全楼突然停水，没有任何通知",
            plan="启动停水应急预案，抢修爆裂管段并通知住户",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="供水主管阀门老化爆裂",
            outcome=Outcome.REPAIRED,
            result="更换爆裂管段，恢复供水并张贴说明",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.SERVICE_FAILURE,
        path=lambda s: (
            s.contact(12, note="已派人排查，预计一小时内恢复")
            .assess(3)
            .assign(3)
            .investigate(27)
            .resolve(_t(9, 8, 9, 0))
            .follow_up(_t(9, 8, 15, 0))
            .archive(_t(9, 10, 10, 0))
        ),
    ),
    Plan(
        at=_t(9, 9, 14, 30),
        who="XH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 层办公区",
            summary="办公区空调不制冷，室内超过 30 度",
            plan="检修空调末端及冷冻水阀门",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="风机盘管电动阀卡死",
            outcome=Outcome.REPAIRED,
            result="更换电动阀，温度恢复正常",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=routine,
    ),
    Plan(
        at=_t(9, 11, 16, 0),
        who="LW",
        topic=Topic(
            category="repairs",
            dept="eng",
            place="{b} 庭院",
            summary="庭院排水沟堵塞，下雨积水流进车库",
            plan="预约入户疏通排水沟并检查雨水井",
            cause=RootCause.MANAGEMENT_GAP,
            report="公共雨水井清掏周期过长",
            outcome=Outcome.REPAIRED,
            result="疏通排水沟并清掏雨水井",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: (
            s.assess(15)
            .assign(10)
            .contact(20)
            .pause(_t(9, 11, 17, 30), PauseReason.CUSTOMER, "业主出差，周一回来后再约入户")
            .resume(_t(9, 14, 9, 0), "业主已回，约定今天下午入户")
            .investigate(_t(9, 14, 14, 20))
            .resolve(_t(9, 14, 16, 0))
            .follow_up(_t(9, 15, 10, 30))
            .archive(_t(9, 17, 10, 0))
        ),
    ),
    Plan(
        at=_t(9, 14, 8, 50),
        who="CH:A",
        topic=Topic(
            category="cleaning",
            dept="clean",
            place="{b} 栋垃圾房",
            summary="垃圾房异味大，垃圾经常过夜不清运",
            plan="调整清运时间并对垃圾房消杀",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="晚班清运人员缺岗，垃圾过夜",
            outcome=Outcome.OTHER,
            result="补清运并消杀，晚班增派一人",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: routine(s, verdict=Verdict.BASICALLY_SATISFIED),
    ),
    Plan(
        at=_t(9, 16, 6, 30),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="地下车库",
            summary="台风暴雨，地下车库进水，车辆可能被淹",
            plan="启动防汛应急预案：挡水、开启排水泵、疏导车辆",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="车库入口挡水板高度不足，一台排水泵故障",
            outcome=Outcome.REPAIRED,
            result="排水完毕，清理淤泥，修复排水泵并加高挡水板",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.NATURAL_DISASTER,
        path=lambda s: (
            s.contact(20, ComplaintChannel.ON_SITE, "值班人员已到场挡水")
            .escalate(5, "台风暴雨，启动防汛应急预案")
            .assess(5)
            .assign(5)
            .investigate(_t(9, 17, 10, 0))
            .resolve(_t(9, 17, 12, 30))
            .follow_up(_t(9, 18, 10, 0), Verdict.BASICALLY_SATISFIED)
            .archive(_t(9, 21, 9, 40))
        ),
    ),
    Plan(
        at=_t(9, 17, 11, 20),
        who="YT",
        topic=Topic(
            category="greening",
            dept="green",
            place="{b} 栋旁绿化带",
            summary="绿化带杂草丛生，蚊虫很多",
            plan="三天内完成除草和灭蚊",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="绿化养护计划延误",
            outcome=Outcome.OTHER,
            result="完成除草并喷洒灭蚊药",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.CALM,
        path=routine,
        severity=Severity.LOW,
    ),
    Plan(
        at=_t(9, 18, 19, 30),
        who="PZ",
        topic=Topic(
            category="security",
            dept="order",
            place="{b} {r} 号铺门口",
            summary="店铺门口电动车乱停，堵住消防通道",
            plan="清理车辆并设置禁停标识",
            cause=RootCause.MANAGEMENT_GAP,
            report="禁停区域缺少标识和巡查",
            outcome=Outcome.OTHER,
            result="清理违停车辆，增设禁停标识和巡查点",
        ),
        channel=ComplaintChannel.ON_SITE,
        emotion=Emotion.DISSATISFIED,
        receiver="zx-zhou",
        path=lambda s: (
            s.transfer(15, "kf-li", "巡逻岗现场受理，按首问负责制移交客服中心跟进")
            .assess(_t(9, 19, 9, 10))
            .assign(10, "zx-tang")
            .contact(20)
            .investigate(_t(9, 19, 15, 0))
            .resolve(_t(9, 20, 11, 0))
            .follow_up(_t(9, 21, 10, 0))
            .archive(_t(9, 23, 9, 0))
        ),
    ),
    Plan(
        at=_t(9, 21, 10, 5),
        who="XH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 层",
            summary="整层突然停电，电脑数据可能丢失",
            plan="排查楼层配电柜，联系供电局",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="配电柜进线电缆接头烧蚀，需供电局处理",
            outcome=Outcome.REPAIRED,
            result="供电局更换电缆接头，恢复供电",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.SERVICE_FAILURE,
        path=lambda s: (
            s.contact(10, note="工程部已到场排查")
            .assess(5)
            .assign(5)
            .investigate(25)
            .pause(5, PauseReason.THIRD_PARTY, "等待供电局抢修")
            .resume(_t(9, 21, 12, 40), "供电局到场")
            .resolve(_t(9, 21, 13, 15))
            .follow_up(_t(9, 22, 10, 0), Verdict.BASICALLY_SATISFIED)
            .archive(_t(9, 24, 9, 30))
        ),
    ),
    Plan(
        at=_t(9, 22, 18, 40),
        who="CH:C",
        topic=Topic(
            category="parking",
            dept="order",
            place="地下车库 {b} 区",
            summary="自己的产权车位被陌生车辆长期占用",
            plan="联系车主挪车并张贴提示",
            cause=RootCause.MANAGEMENT_GAP,
            report="外来车辆进场未核验车位",
            outcome=Outcome.OTHER,
            result="车主已挪车，岗亭加强核验",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        path=routine,
    ),
    Plan(
        at=_t(9, 24, 9, 15),
        who="YT",
        topic=Topic(
            category="fees",
            dept="finance",
            place="客服中心",
            summary="物业费账单金额与房屋面积不符，怀疑多收",
            plan="核对面积和收费标准并书面答复",
            cause=RootCause.CUSTOMER_MISUNDERSTANDING,
            report="账单含车位管理费，面积和单价无误",
            outcome=Outcome.EXPLAINED,
            result="逐项解释账单构成，业主认可",
        ),
        channel=ComplaintChannel.VISIT,
        emotion=Emotion.DISSATISFIED,
        path=routine,
    ),
    Plan(
        at=_t(9, 26, 21, 5),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋 2 号电梯",
            summary="电梯突然停在两层之间，家人被困",
            plan="启动电梯困人应急预案，维保单位到场救援",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="门锁回路接触不良导致急停，维保单位已更换门锁开关",
            outcome=Outcome.REPAIRED,
            result="15 分钟内救出被困人员，更换门锁开关并复检",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.SAFETY_ACCIDENT,
        path=lambda s: (
            s.contact(7, ComplaintChannel.ON_SITE, "值班人员到场安抚被困人员")
            .escalate(3, "电梯困人，启动应急预案")
            .assess(5)
            .assign(5, "gc-ma")
            .investigate(_t(9, 27, 15, 0))
            .resolve(_t(9, 27, 16, 30))
            .follow_up(_t(9, 28, 10, 0))
            .archive(_t(9, 30, 9, 0))
        ),
    ),
    Plan(
        at=_t(9, 28, 10, 30),
        who="CH",
        topic=Topic(
            category="attitude",
            dept="order",
            place="北门岗",
            summary="门岗保安说话粗鲁，不让快递员进门还骂人",
            plan="调取监控，约谈当班保安并当面致歉",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="当班保安服务用语不规范",
            outcome=Outcome.EXPLAINED,
            result="保安当面致歉，全员服务礼仪培训",
        ),
        channel=ComplaintChannel.VISIT,
        emotion=Emotion.ANGRY,
        path=lambda s: routine(s, verdict=Verdict.BASICALLY_SATISFIED),
    ),
    Plan(
        at=_t(9, 29, 14, 0),
        who="YT",
        topic=Topic(
            category="fees",
            dept="service",
            place="客服中心",
            summary="收到物业费调价通知，认为物业擅自涨价，要求说明依据",
            plan="准备调价依据和业主大会决议材料，当面说明",
            cause=RootCause.CUSTOMER_MISUNDERSTANDING,
            report="调价已经业主大会表决，通知未附决议说明",
            outcome=Outcome.EXPLAINED,
            result="面谈解释调价依据并提供决议复印件",
        ),
        channel=ComplaintChannel.VISIT,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.SPECIAL,
        path=lambda s: (
            s.assess(20, motive=Motive.RESPECT)
            .contact(5, ComplaintChannel.VISIT, "当面倾听并记录诉求")
            .escalate(15, "客户质疑调价合法性", HEAD_OFFICE)
            .assign(20, "kf-chen")
            .investigate(_t(9, 30, 16, 0))
            .resolve(_t(10, 9, 11, 0))
            .follow_up(_t(10, 10, 10, 0))
            .archive(_t(10, 14, 9, 0))
        ),
    ),
    Plan(
        at=_t(9, 29, 16, 30),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋 {r} 室卧室外墙",
            summary="外墙渗水，卧室墙面发霉",
            plan="联系外墙维修单位吊篮施工，修补外墙防水",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="外墙防水层老化开裂",
            outcome=Outcome.REPAIRED,
            result="外墙打胶修补，室内墙面重新粉刷",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: (
            s.assess(15)
            .assign(10, "gc-liu")
            .contact(15)
            .investigate(_t(9, 30, 9, 40))
            .pause(20, PauseReason.THIRD_PARTY, "等待外墙维修单位节后进场（吊篮施工）")
            .resume(_t(10, 8, 9, 0), "外墙维修单位进场")
            .resolve(_t(10, 9, 16, 0))
            .follow_up(_t(10, 10, 10, 30))
            .archive(_t(10, 13, 9, 0))
        ),
    ),
    # --- October -----------------------------------------------------------------------
    Plan(
        at=_t(10, 4, 8, 10),
        who="YT",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋",
            summary="国庆期间整栋楼停水，老人在家无法做饭",
            plan="排查二次供水设备，临时送水",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="水泵控制柜接触器烧坏",
            outcome=Outcome.REPAIRED,
            result="更换接触器，恢复供水",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.SERVICE_FAILURE,
        path=lambda s: (
            s.contact(10, note="值班工程师已出发")
            .assess(5)
            .assign(3)
            .investigate(27)
            .resolve(_t(10, 4, 9, 40))
            .follow_up(_t(10, 8, 10, 0))
            .archive(_t(10, 9, 9, 30))
        ),
    ),
    Plan(
        at=_t(10, 9, 11, 0),
        who="PZ:D",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} {r} 号铺",
            summary="店铺吊顶空调漏水，滴到货架上",
            plan="检修空调冷凝水管",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="冷凝水管接头松脱",
            outcome=Outcome.REPAIRED,
            result="紧固接头并清理积水",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=routine,
    ),
    Plan(
        at=_t(10, 11, 15, 40),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋南侧",
            summary="外墙瓷砖脱落，砸坏停在楼下的车",
            plan="拉警戒线，排查外墙空鼓，协商赔偿",
            cause=RootCause.MANAGEMENT_GAP,
            report="外墙空鼓排查未按季度进行",
            outcome=Outcome.COMPENSATED,
            result="外墙全面排查修复，赔付车辆维修费",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.SAFETY_ACCIDENT,
        path=lambda s: (
            s.contact(15, ComplaintChannel.ON_SITE, "已到场拉警戒线")
            .escalate(5, "高空坠物致财产损失")
            .assess(5, motive=Motive.COMPENSATION)
            .assign(5, "gc-liu")
            .investigate(_t(10, 13, 17, 50))
            .resolve(_t(10, 14, 11, 0), compensation=Money.of("2800.00"))
            .follow_up(_t(10, 15, 10, 0))
            .archive(_t(10, 19, 9, 0))
        ),
    ),
    Plan(
        at=_t(10, 12, 9, 20),
        who="CH:A",
        topic=Topic(
            category="cleaning",
            dept="clean",
            place="{b} 栋垃圾房",
            summary="再次反映：垃圾房异味依旧，清运仍不及时",
            plan="保洁主管跟班检查清运，每日两次消杀",
            cause=RootCause.MANAGEMENT_GAP,
            report="清运排班未落实，缺少检查",
            outcome=Outcome.OTHER,
            result="调整排班，主管每日检查",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.REPEAT,
        path=lambda s: (
            s.contact(100, note="主管回电致歉")
            .assess(10, motive=Motive.VENTING)
            .assign(5)
            .investigate(_t(10, 12, 16, 0))
            .resolve(_t(10, 13, 17, 0))
            .follow_up(_t(10, 15, 10, 0), Verdict.BASICALLY_SATISFIED)
            .archive(_t(10, 17, 9, 0))
        ),
    ),
    Plan(
        at=_t(10, 13, 14, 10),
        who="IP",
        topic=Topic(
            category="security",
            dept="order",
            place="{b} 仓库外围",
            summary="夜间巡逻不到位，有人翻越围墙进入仓库区",
            plan="增加夜间巡逻频次，检修围墙监控",
            cause=RootCause.MANAGEMENT_GAP,
            report="巡逻路线未覆盖仓库后侧，监控探头损坏",
            outcome=Outcome.REPAIRED,
            result="修复探头，调整巡逻路线",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        path=lambda s: (
            s.assess(15)
            .assign(10, "zx-tang")
            .contact(25)
            .investigate(_t(10, 14, 10, 0))
            .resolve(_t(10, 16, 17, 0))
            .follow_up(_t(10, 19, 10, 0))
            .archive(_t(10, 21, 9, 0))
        ),
    ),
    Plan(
        at=_t(10, 15, 19, 50),
        who="YT",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋 {r} 室卫生间",
            summary="卫生间顶棚渗水，怀疑楼上管道漏水",
            plan="入户检查楼上排水管并修复",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="楼上排水立管接口老化渗漏",
            outcome=Outcome.REPAIRED,
            result="更换立管接口",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: (
            s.assess(10)
            .assign(5, "gc-ma")
            .contact(_t(10, 16, 9, 0))
            .investigate(_t(10, 16, 15, 0))
            .resolve(_t(10, 17, 11, 0))
            .follow_up(_t(10, 19, 10, 0), Verdict.DISSATISFIED, "顶棚仍在渗水")
            .reopen(5, "回访时顶棚仍渗水，客户不满意")
            .investigate(_t(10, 20, 11, 0), report="整段排水立管老化，需整体更换")
            .resolve(_t(10, 20, 17, 0), "更换整段排水立管并做闭水试验")
            .follow_up(_t(10, 22, 10, 0))
            .archive(_t(10, 26, 9, 0))
        ),
    ),
    Plan(
        at=_t(10, 16, 10, 0),
        who="XH",
        topic=Topic(
            category="cleaning",
            dept="clean",
            place="{b} 层电梯厅",
            summary="电梯厅地毯污渍多日没人清理",
            plan="安排地毯深度清洗",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="楼层保洁漏项",
            outcome=Outcome.OTHER,
            result="完成地毯清洗，列入每周保洁计划",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.CALM,
        path=routine,
        severity=Severity.LOW,
    ),
    Plan(
        at=_t(10, 19, 21, 30),
        who="YT:B",
        topic=Topic(
            category="noise",
            dept="order",
            place="{b} 栋 {r} 室楼上",
            summary="楼上装修噪音很大，周末早上七点就开始",
            plan="核查装修时间，劝导施工方遵守规定",
            cause=RootCause.MANAGEMENT_GAP,
            report="装修管理协议未明确周末施工时段",
            outcome=Outcome.OTHER,
            result="约谈施工方，周末施工限于 9:00-12:00",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        path=routine,
    ),
    Plan(
        at=_t(10, 20, 11, 30),
        who="LW",
        topic=Topic(
            category="greening",
            dept="green",
            place="{b} 门前",
            summary="修剪树枝后枝叶堆在门口三天没清运",
            plan="当天清运并检查绿化作业收尾",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="外包绿化队作业后未清场",
            outcome=Outcome.OTHER,
            result="已清运，外包合同增加清场条款",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.DISSATISFIED,
        path=routine,
        severity=Severity.LOW,
    ),
    Plan(
        at=_t(10, 22, 23, 10),
        who="CH",
        topic=Topic(
            category="security",
            dept="order",
            place="中心花园",
            summary="深夜有醉酒人员在花园吵闹滋事，很害怕",
            plan="秩序维护员到场劝离，必要时报警",
            cause=RootCause.MANAGEMENT_GAP,
            report="外来人员尾随进入，夜间门岗核验不严",
            outcome=Outcome.OTHER,
            result="劝离醉酒人员，加强夜间门岗核验",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.PUBLIC_ORDER,
        path=lambda s: (
            s.contact(8, ComplaintChannel.ON_SITE, "秩序维护员已到场")
            .assess(7)
            .assign(3, "zx-tang")
            .investigate(_t(10, 23, 10, 0))
            .resolve(_t(10, 23, 11, 0))
            .follow_up(_t(10, 23, 16, 0))
            .archive(_t(10, 26, 9, 0))
        ),
    ),
    Plan(
        at=_t(10, 23, 9, 30),
        who="PZ",
        topic=Topic(
            category="fees",
            dept="finance",
            place="地下停车场",
            summary="停车场出场被重复扣费",
            plan="核对停车系统记录并退款",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="道闸系统网络延迟导致重复扣费",
            outcome=Outcome.COMPENSATED,
            result="退还重复扣费",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.DISSATISFIED,
        receiver="kf-zhao",
        path=lambda s: (
            s.contact(_t(10, 24, 12, 40), note="工单漏派，次日回电致歉")
            .assess(5)
            .assign(5)
            .investigate(_t(10, 24, 16, 0))
            .resolve(_t(10, 25, 11, 0), compensation=Money.of("15.00"))
            .follow_up(_t(10, 26, 10, 0), Verdict.BASICALLY_SATISFIED)
            .archive(_t(10, 28, 9, 0))
        ),
    ),
    Plan(
        at=_t(10, 26, 15, 20),
        who="visitor",
        topic=Topic(
            category="parking",
            dept="order",
            place="",
            summary="已在线登记访客车辆，门岗仍不放行",
            plan="核查访客登记系统与门岗对接",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="访客系统未同步到门岗平板",
            outcome=Outcome.REPAIRED,
            result="修复系统同步并致歉",
        ),
        channel=ComplaintChannel.ON_SITE,
        emotion=Emotion.ANGRY,
        location="云庭 东门岗",
        path=routine,
    ),
    Plan(
        at=_t(10, 27, 8, 45),
        who="CH:C",
        topic=Topic(
            category="parking",
            dept="order",
            place="地下车库 {b} 区",
            summary="车位再次被同一辆车占用",
            plan="将该车列入禁入名单并加装车位锁",
            cause=RootCause.MANAGEMENT_GAP,
            report="禁入名单未同步到岗亭系统",
            outcome=Outcome.OTHER,
            result="加装车位锁，岗亭系统已更新",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.REPEAT,
        path=lambda s: routine(s, contact=(20, 90)),
    ),
    Plan(
        at=_t(10, 29, 12, 10),
        who="PZ",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="三层美食区",
            summary="美食区有明显燃气味，担心泄漏",
            plan="疏散人员，关闭燃气总阀，联系燃气公司",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="一商户燃气软管老化渗漏",
            outcome=Outcome.REPLACED,
            result="更换软管，检测合格后恢复供气",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.CRITICAL,
        emergency=EmergencyClass.SERVICE_FAILURE,
        path=lambda s: (
            s.contact(8, ComplaintChannel.ON_SITE, "已疏散美食区并关闭总阀")
            .escalate(2, "疑似燃气泄漏，启动应急预案")
            .assess(5)
            .assign(3, "gc-liu")
            .investigate(_t(10, 29, 13, 10))
            .resolve(_t(10, 29, 14, 0))
            .follow_up(_t(10, 30, 10, 0))
            .archive(_t(11, 2, 9, 0))
        ),
    ),
    Plan(
        at=_t(10, 30, 16, 40),
        who="XH",
        topic=Topic(
            category="other",
            dept="service",
            place="{b} 层前台",
            summary="快递放在前台无人签收被退回",
            plan="与快递公司核实并调整代收规则",
            cause=RootCause.MANAGEMENT_GAP,
            report="前台代收规则未告知租户",
            outcome=Outcome.EXPLAINED,
            result="明确代收规则并通知全体租户",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        receiver="kf-zhao",
        path=lambda s: (
            s.assess(15)
            .transfer(35, "kf-chen", "受理人休假，移交客服主管跟进")
            .assign(_t(10, 31, 9, 10), "kf-chen")
            .contact(20)
            .investigate(_t(10, 31, 15, 0))
            .resolve(_t(11, 2, 10, 0))
            .follow_up(_t(11, 3, 10, 0))
            .archive(_t(11, 5, 9, 0))
        ),
    ),
    # --- November ----------------------------------------------------------------------
    Plan(
        at=_t(11, 2, 9, 10),
        who="YT",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋单元门",
            summary="单元门禁刷卡没反应，只能等别人开门",
            plan="检修门禁读卡器",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="读卡器受潮短路",
            outcome=Outcome.REPLACED,
            result="更换读卡器",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=routine,
    ),
    Plan(
        at=_t(11, 3, 14, 30),
        who="CH",
        topic=Topic(
            category="greening",
            dept="green",
            place="中心草坪",
            summary="草坪喷洒农药没有提前通知，孩子和狗在上面玩",
            plan="立即设置警示牌，核查作业通知流程",
            cause=RootCause.MANAGEMENT_GAP,
            report="作业前未按规定张贴通知",
            outcome=Outcome.EXPLAINED,
            result="致歉，今后作业前 24 小时在业主群和公告栏通知",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.ANXIOUS,
        path=routine,
    ),
    Plan(
        at=_t(11, 4, 10, 20),
        who="IP",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 厂房",
            summary="厂房卷帘门故障，货车无法进出",
            plan="当天抢修卷帘门电机",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="卷帘门电机过载烧毁",
            outcome=Outcome.REPLACED,
            result="更换电机",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        path=lambda s: (
            s.assess(10)
            .assign(5, "gc-liu")
            .contact(15)
            .investigate(_t(11, 4, 13, 0))
            .resolve(_t(11, 4, 16, 0))
            .follow_up(_t(11, 10, 10, 0), note="回访延误，客户表示满意")
            .archive(_t(11, 12, 9, 0))
        ),
    ),
    Plan(
        at=_t(11, 5, 15, 0),
        who="PZ",
        topic=Topic(
            category="noise",
            dept="order",
            place="一层中庭",
            summary="中庭促销活动音响太吵，影响店内生意",
            plan="要求活动方降低音量并限定时段",
            cause=RootCause.MANAGEMENT_GAP,
            report="活动审批未限定音量",
            outcome=Outcome.OTHER,
            result="活动音量限定在 70 分贝以下",
        ),
        channel=ComplaintChannel.VISIT,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: routine(s, verdict=Verdict.UNREACHABLE),
    ),
    Plan(
        at=_t(11, 6, 8, 30),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋",
            summary="水压很低，热水器打不着火",
            plan="排查二次供水加压泵",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="加压泵变频器故障，整栋低区水压不足",
            outcome=Outcome.REPAIRED,
            result="更换变频器，水压恢复",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: (
            s.contact(20, note="已派人查看")
            .assess(
                10,
                ComplaintType.URGENT,
                Severity.HIGH,
                EmergencyClass.SERVICE_FAILURE,
                note="整栋低区水压不足，按服务故障处理",
            )
            .assign(5, "gc-ma")
            .investigate(_t(11, 6, 10, 20))
            .resolve(_t(11, 6, 12, 30))
            .follow_up(_t(11, 6, 16, 0), Verdict.BASICALLY_SATISFIED)
            .archive(_t(11, 10, 9, 0))
        ),
    ),
    Plan(
        at=_t(11, 9, 9, 0),
        who="CH:A",
        topic=Topic(
            category="cleaning",
            dept="clean",
            place="{b} 栋垃圾房",
            summary="第三次反映垃圾房异味，要求彻底解决",
            plan="启动专项整改：改造垃圾房通风并更换密封垃圾桶",
            cause=RootCause.MANAGEMENT_GAP,
            report="垃圾房通风不足且垃圾桶老化，整改不彻底",
            outcome=Outcome.REPLACED,
            result="更换密封垃圾桶，加装排风扇，清运改为每日三次",
        ),
        channel=ComplaintChannel.VISIT,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.REPEAT,
        severity=Severity.HIGH,
        path=lambda s: (
            s.contact(10, ComplaintChannel.VISIT, "当面致歉并记录诉求")
            .assess(10, motive=Motive.RESPECT)
            .escalate(10, "同一问题两个月内第三次投诉，需专项整改")
            .assign(10, "bj-sun")
            .investigate(_t(11, 9, 16, 0))
            .resolve(_t(11, 11, 17, 0))
            .follow_up(_t(11, 13, 10, 0), Verdict.BASICALLY_SATISFIED)
            .archive(_t(11, 17, 9, 0))
        ),
    ),
    Plan(
        at=_t(11, 10, 13, 0),
        who="CH",
        topic=Topic(
            category="greening",
            dept="green",
            place="{b} 栋东侧围栏",
            summary="大风吹倒绿化树，压坏围栏，挡住道路",
            plan="启动应急预案，清理倒伏树木，修复围栏",
            cause=RootCause.MANAGEMENT_GAP,
            report="大风预警后未对高大乔木加固支撑",
            outcome=Outcome.REPAIRED,
            result="清理倒伏树木，修复围栏，全区乔木加固",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.NATURAL_DISASTER,
        path=lambda s: (
            s.contact(25, ComplaintChannel.ON_SITE, "已拉警戒线并疏导行人")
            .assess(5)
            .assign(5)
            .investigate(_t(11, 11, 16, 0))
            .resolve(_t(11, 11, 17, 30))
            .follow_up(_t(11, 12, 10, 0))
            .archive(_t(11, 16, 9, 0))
        ),
    ),
    Plan(
        at=_t(11, 11, 10, 40),
        who="PZ",
        topic=Topic(
            category="attitude",
            dept="service",
            place="一层服务台",
            summary="服务台人员态度冷淡，咨询问题爱答不理",
            plan="调查当班人员，主管回电致歉",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="服务台人员未按首问负责制接待",
            outcome=Outcome.EXPLAINED,
            result="主管致歉，相关人员培训后上岗",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: routine(s, verdict=Verdict.BASICALLY_SATISFIED),
    ),
    Plan(
        at=_t(11, 12, 19, 0),
        who="YT:B",
        topic=Topic(
            category="noise",
            dept="order",
            place="{b} 栋 {r} 室楼上",
            summary="再次反映楼上装修噪音，施工方不听劝",
            plan="报城管执法，暂停其装修出入证",
            cause=RootCause.MANAGEMENT_GAP,
            report="对违规装修缺少约束手段",
            outcome=Outcome.OTHER,
            result="",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.REPEAT,
        path=lambda s: (
            s.contact(40, note="值班人员上门劝停")
            .assess(10, motive=Motive.VENTING)
            .assign(5, "zx-zhou")
            .investigate(_t(11, 13, 9, 30))
            .pause(30, PauseReason.THIRD_PARTY, "已报城管执法，等待上门查处")
            .resume(_t(11, 20, 10, 0), "城管已上门，施工方仍未整改")
            .escalate(_t(11, 23, 9, 30), "重复投诉且解决已超时")
        ),
    ),
    Plan(
        at=_t(11, 13, 15, 0),
        who="XH",
        topic=Topic(
            category="cleaning",
            dept="clean",
            place="{b} 层卫生间",
            summary="卫生间洗手液长期缺失",
            plan="补充洗手液，检查耗材巡查表",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="耗材巡查表未执行",
            outcome=Outcome.OTHER,
            result="补齐耗材，改为每日两次巡查",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.CALM,
        path=routine,
        severity=Severity.LOW,
    ),
    Plan(
        at=_t(11, 16, 10, 0),
        who="YT",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋 {r} 室入户门",
            summary="可视对讲门禁失灵，访客呼叫不到家里",
            plan="检修室内分机及线路",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="室内对讲分机故障",
            outcome=Outcome.REPLACED,
            result="更换室内对讲分机",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: (
            s.assess(10)
            .assign(5, "gc-ma")
            .contact(15)
            .investigate(_t(11, 16, 16, 0))
            .resolve(_t(11, 17, 15, 0))
            .follow_up(_t(11, 19, 10, 0), Verdict.DISSATISFIED, "对讲仍时好时坏")
            .reopen(10, "回访时对讲仍时好时坏，客户不满意")
            .investigate(_t(11, 19, 16, 0), report="单元对讲主机老化，需厂家更换")
            .pause(_t(11, 20, 11, 0), PauseReason.THIRD_PARTY, "等待门禁厂家更换对讲主机")
        ),
    ),
    Plan(
        at=_t(11, 17, 11, 0),
        who="PZ:D",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} {r} 号铺",
            summary="空调又漏水，货品受潮，要求赔偿",
            plan="更换冷凝水管并评估货损",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="冷凝水管坡度不足且保温层破损，上次仅临时处理",
            outcome=Outcome.REPAIRED,
            result="",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.REPEAT,
        severity=Severity.HIGH,
        path=lambda s: (
            s.contact(30, ComplaintChannel.ON_SITE, "工程部到场接水止损")
            .assess(10, motive=Motive.COMPENSATION)
            .assign(5, "gc-liu")
            .investigate(_t(11, 18, 10, 0))
            .escalate(_t(11, 21, 10, 0), "重复投诉，解决已超时，客户要求赔偿货损")
        ),
    ),
    Plan(
        at=_t(11, 18, 9, 30),
        who="YT",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋旁健身区",
            summary="健身器材螺丝松动，老人使用有危险",
            plan="停用并加固器材",
            cause=RootCause.STAFF_NEGLIGENCE,
            report="设施巡检漏检",
            outcome=Outcome.REPAIRED,
            result="加固器材并更换磨损部件",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        path=lambda s: (
            s.assess(10)
            .assign(5, "gc-liu")
            .contact(20)
            .investigate(_t(11, 18, 15, 0))
            .resolve(_t(11, 19, 15, 0))
        ),
    ),
    Plan(
        at=_t(11, 18, 14, 0),
        who="XH",
        topic=Topic(
            category="fees",
            dept="finance",
            place="客服中心",
            summary="对公摊电费分摊方式有异议，要求出具明细",
            plan="财务部出具分摊明细，对照租赁合同核对",
            cause=RootCause.MANAGEMENT_GAP,
            report="分摊按面积计算，与合同约定的分表计量口径不一致，需核对",
            outcome=Outcome.EXPLAINED,
            result="",
        ),
        channel=ComplaintChannel.VISIT,
        emotion=Emotion.DISSATISFIED,
        complaint_type=ComplaintType.SPECIAL,
        path=lambda s: (
            s.assess(15, motive=Motive.COMPENSATION)
            .contact(5, ComplaintChannel.VISIT, "当面听取意见")
            .escalate(20, "涉及租赁合同条款解释", HEAD_OFFICE)
            .assign(20, "cw-zheng")
            .investigate(_t(11, 20, 15, 0))
            .pause(_t(11, 20, 16, 0), PauseReason.CUSTOMER, "等待客户提供租赁合同及分表读数")
        ),
    ),
    Plan(
        at=_t(11, 19, 10, 0),
        who="CH",
        topic=Topic(
            category="repairs",
            dept="eng",
            place="{b} 栋 {r} 室厨房",
            summary="厨房下水管堵塞反味",
            plan="预约入户疏通并检查公共立管",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="",
            outcome=Outcome.REPAIRED,
            result="",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: (
            s.assess(10)
            .assign(5, "gc-liu")
            .contact(5)
            .investigate(_t(11, 19, 15, 0), report="公共立管通畅，堵点在户内支管，需入户疏通")
            .pause(_t(11, 20, 16, 0), PauseReason.CUSTOMER, "业主出差，约定 11 月 25 日入户疏通")
        ),
    ),
    Plan(
        at=_t(11, 20, 9, 0),
        who="CH",
        topic=Topic(
            category="other",
            dept="service",
            place="{b} 栋大堂",
            summary="快递柜占用消防通道",
            plan="与快递柜运营方协商移位",
            cause=RootCause.MANAGEMENT_GAP,
            report="快递柜安装前未做消防评估",
            outcome=Outcome.OTHER,
            result="快递柜已移至大堂东侧",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.CALM,
        path=lambda s: (
            s.assess(15)
            .assign(10, "kf-chen")
            .contact(30)
            .investigate(_t(11, 20, 14, 0))
            .resolve(_t(11, 23, 8, 45))
        ),
    ),
    Plan(
        at=_t(11, 20, 20, 30),
        who="YT",
        topic=Topic(
            category="cleaning",
            dept="clean",
            place="{b} 栋楼道",
            summary="楼道堆放装修垃圾多日，没人清理",
            plan="通知装修户清运，保洁部协助清理",
            cause=RootCause.MANAGEMENT_GAP,
            report="",
            outcome=Outcome.OTHER,
            result="",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: s.assess(_t(11, 21, 9, 0)).assign(10, "bj-sun").contact(20),
    ),
    Plan(
        at=_t(11, 21, 22, 10),
        who="CH",
        topic=Topic(
            category="fees",
            dept="finance",
            place="线上缴费",
            summary="线上缴物业费被重复扣款",
            plan="核对支付记录并退款",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="",
            outcome=Outcome.COMPENSATED,
            result="",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.ANXIOUS,
        path=lambda s: s.assess(_t(11, 23, 9, 10)).assign(10, "cw-zheng"),
    ),
    Plan(
        at=_t(11, 22, 15, 0),
        who="YT",
        topic=Topic(
            category="security",
            dept="order",
            place="{b} 栋楼下",
            summary="高空抛物砸坏停在楼下的电动车",
            plan="调取监控查找抛物楼层，报警并协助取证",
            cause=RootCause.MANAGEMENT_GAP,
            report="",
            outcome=Outcome.OTHER,
            result="",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANGRY,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.SAFETY_ACCIDENT,
        path=lambda s: (
            s.contact(20, ComplaintChannel.ON_SITE, "已到场拍照取证")
            .escalate(10, "高空抛物，已报警")
            .assess(10)
            .assign(5, "zx-zhou")
        ),
    ),
    Plan(
        at=_t(11, 23, 8, 40),
        who="CH",
        topic=Topic(
            category="facilities",
            dept="eng",
            place="{b} 栋 1 号电梯",
            summary="电梯停运，老人上下楼困难",
            plan="维保单位抢修，安排人员协助老人上下楼",
            cause=RootCause.EQUIPMENT_FAILURE,
            report="控制主板故障，需更换配件",
            outcome=Outcome.REPAIRED,
            result="",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.ANXIOUS,
        complaint_type=ComplaintType.URGENT,
        severity=Severity.HIGH,
        emergency=EmergencyClass.SERVICE_FAILURE,
        path=lambda s: (
            s.contact(15, note="已通知维保单位，安排人员协助上下楼")
            .assess(5)
            .assign(5, "gc-ma")
            .investigate(_t(11, 23, 10, 30))
            .pause(30, PauseReason.THIRD_PARTY, "等待电梯维保公司送配件")
        ),
    ),
    Plan(
        at=_t(11, 23, 10, 15),
        who="XH",
        topic=Topic(
            category="security",
            dept="order",
            place="{b} 层",
            summary="有陌生人未登记进入办公楼层推销",
            plan="核查大堂访客登记记录并加强管控",
            cause=RootCause.MANAGEMENT_GAP,
            report="",
            outcome=Outcome.OTHER,
            result="",
        ),
        channel=ComplaintChannel.PHONE,
        emotion=Emotion.DISSATISFIED,
        path=lambda s: s.assess(10).assign(5, "zx-tang").contact(30),
    ),
    Plan(
        at=_t(11, 23, 16, 20),
        who="LW",
        topic=Topic(
            category="greening",
            dept="green",
            place="{b} 二楼窗前",
            summary="树枝遮挡二楼窗户，屋里很暗",
            plan="",
            cause=RootCause.MANAGEMENT_GAP,
            report="",
            outcome=Outcome.OTHER,
            result="",
        ),
        channel=ComplaintChannel.ONLINE,
        emotion=Emotion.CALM,
        severity=Severity.LOW,
        path=lambda s: s,
    ),
)


def _is_night(at: datetime) -> bool:
    local = at.astimezone(CST).time()
    return local < time(8, 0) or local >= time(20, 0)


class Complainants:
    """Chooses who complains: a new customer of an estate each time, or the same one again."""

    def __init__(self, customers: Sequence[Customer], rng: Rng) -> None:
        self.customers = customers
        self.rng = rng
        self.used: set[str] = set()
        self.chains: dict[str, tuple[Customer, PropertyUnit | None]] = {}

    def choose(self, plan: Plan) -> tuple[Customer, PropertyUnit | None]:
        """The customer and unit of *plan* (see :class:`Plan`)."""
        if plan.who in self.chains:
            return self.chains[plan.who]
        estate = plan.who.split(":")[0]
        # Customers of some standing: registered at least a month before.
        settled = plan.at - timedelta(days=30)
        pairs: list[tuple[Customer, PropertyUnit | None]]
        if estate == "visitor":
            pairs = [
                (c, None)
                for c in self.customers
                if CustomerKind.VISITOR in c.kinds and not c.units
            ]
        else:
            pairs = [
                (c, next(u for u in c.units if u.code.startswith(f"{estate}-")))
                for c in self.customers
                if any(u.code.startswith(f"{estate}-") for u in c.units)
                and CustomerKind.STAFF not in c.kinds
            ]
        pairs = [(c, u) for c, u in pairs if c.customer_id not in self.used]
        pairs = [(c, u) for c, u in pairs if c.registered_at < settled]
        chosen = self.rng.pick(pairs)
        self.used.add(chosen[0].customer_id)
        if ":" in plan.who:
            self.chains[plan.who] = chosen
        return chosen


def _location(plan: Plan, unit: PropertyUnit | None) -> str:
    if plan.location is not None:
        return plan.location
    if unit is None:
        raise RuntimeError(f"the complaint of {plan.at} has neither a unit nor a location")
    parts = unit.code.split("-")
    estate = ESTATES[parts[0]][0]
    return f"{estate} " + plan.topic.place.format(b=parts[1], r=parts[-1])


def complaint_stories(customers: Sequence[Customer]) -> list[Story]:
    """Every sample complaint's story, in order of registration, up to the cutoff.

    Complaint ids are ``TS-2026-0001`` upwards in order of registration.
    Each story is replayed through :func:`pmcrm.complaints.replay`, which
    raises if an event breaks the lifecycle.
    """
    rng = Rng(COMPLAINTS_SEED)
    who = Complainants(customers, rng)
    stories = []
    for number, plan in enumerate(sorted(COMPLAINT_PLANS, key=lambda p: p.at), start=1):
        customer, unit = who.choose(plan)
        person = customer.party is PartyType.PERSON
        registered = complaints.Registered(
            complaint_id=f"TS-2026-{number:04d}",
            at=plan.at,
            by=plan.receiver or (NIGHT_DESK if _is_night(plan.at) else rng.pick(DAY_DESK)),
            customer_id=customer.customer_id,
            unit=None if unit is None else unit.code,
            location=_location(plan, unit),
            channel=plan.channel,
            category=plan.topic.category,
            summary=plan.topic.summary,
            emotion=plan.emotion,
            complaint_type=plan.complaint_type,
            severity=plan.severity,
            emergency=plan.emergency,
            contact_name=customer.name if person else None,
            contact_mobile=customer.contact.mobile if person else None,
        )
        story = Story(registered, plan.topic, rng)
        plan.path(story)
        story.events = [e for e in story.events if e.at <= COMPLAINTS_CUTOFF]
        complaints.replay(story.events)  # raises if the story breaks the lifecycle
        if registered.at <= customer.registered_at:
            raise RuntimeError(f"{registered.complaint_id}: the customer is not registered yet")
        stories.append(story)
    return stories


def sample_complaints_value(customers: Sequence[Customer]) -> SampleComplaints:
    """The sample complaints: the policy, the repeat rules and every story's events."""
    return SampleComplaints(
        policy=sample_sla_policy(),
        repeat_policy=sample_repeat_policy(),
        events=tuple(e for story in complaint_stories(customers) for e in story.events),
    )


def build_complaints() -> dict[str, Any]:
    """The sample complaints as a JSON-ready dict."""
    value = sample_complaints_value(build_customers())
    if len(value.states) != len(COMPLAINT_PLANS):
        raise RuntimeError("two sample complaints share an id")
    return unstructure(value)  # type: ignore[no-any-return]


# --- the satisfaction survey --------------------------------------------------------

#: The seed of the survey answers: a stream of its own, so nothing else moves.
SURVEY_SEED = SEED + 4

#: The survey waves: period, first and last day of fieldwork (before the reference date).
SURVEY_WAVES: tuple[tuple[str, date, date], ...] = (
    ("2026-Q3", date(2026, 8, 3), date(2026, 8, 21)),
    ("2026-Q4", date(2026, 11, 2), date(2026, 11, 20)),
)

#: Dimension weights in the CSI (declared; they sum to 1).
SURVEY_WEIGHTS: tuple[tuple[Dimension, str], ...] = (
    (Dimension.SERVICE, "0.25"),
    (Dimension.FACILITIES, "0.20"),
    (Dimension.MANAGEMENT, "0.20"),
    (Dimension.PRICE, "0.15"),
    (Dimension.COMMUNICATION, "0.10"),
    (Dimension.EMOTIONAL, "0.10"),
)


class SurveyItem(NamedTuple):
    """A rating item of the sample questionnaire and how its answers are drawn.

    ``satisfaction`` is the mean satisfaction on 1-5 in each wave (before
    reverse coding: for a reverse-coded item the answer is ``6 -`` it),
    ``importance`` the mean stated importance on 1-5.
    """

    code: str
    dimension: Dimension
    zh: str
    en: str
    satisfaction: tuple[float, float]
    importance: float
    expectation: bool = False
    reverse: bool = False


#: The rating items.  Price and response speed are the weak points; response
#: speed and timeliness improve in Q4 after the complaint-handling drive, the
#: fee level is rated lower after the 2027 fee notice.
SURVEY_ITEMS: tuple[SurveyItem, ...] = (
    SurveyItem(
        "s1",
        Dimension.SERVICE,
        "报修和求助处理及时",
        "Repairs and requests are handled on time",
        (3.30, 3.45),
        4.55,
        expectation=True,
    ),
    SurveyItem(
        "s2",
        Dimension.SERVICE,
        "工作人员专业、业务熟练",
        "Staff are professional and skilled",
        (4.05, 4.10),
        4.30,
    ),
    SurveyItem(
        "s3",
        Dimension.SERVICE,
        "服务可靠，承诺的事能办到",
        "The service is reliable: promises are kept",
        (3.85, 3.90),
        4.35,
    ),
    SurveyItem(
        "f1",
        Dimension.FACILITIES,
        "公共设施维护保养到位",
        "Common facilities are well maintained",
        (3.45, 3.50),
        4.40,
        expectation=True,
    ),
    SurveyItem(
        "f2",
        Dimension.FACILITIES,
        "电梯、门禁、监控等设备运行正常",
        "Lifts, access control and CCTV work properly",
        (3.95, 4.00),
        4.50,
    ),
    SurveyItem(
        "f3",
        Dimension.FACILITIES,
        "治安和消防安全有保障",
        "Security and fire safety are assured",
        (4.15, 4.20),
        4.70,
    ),
    SurveyItem(
        "f4",
        Dimension.FACILITIES,
        "公共区域清洁、绿化养护良好",
        "Common areas are clean and the greenery well kept",
        (3.95, 4.00),
        3.85,
    ),
    SurveyItem(
        "m1",
        Dimension.MANAGEMENT,
        "办事流程清晰、手续简便",
        "Procedures are clear and simple",
        (3.50, 3.55),
        3.75,
    ),
    SurveyItem(
        "m2",
        Dimension.MANAGEMENT,
        "管理处与业主沟通顺畅",
        "The management office talks openly with owners",
        (3.50, 3.55),
        3.95,
    ),
    SurveyItem(
        "m3",
        Dimension.MANAGEMENT,
        "反映问题后响应迅速",
        "Reported problems get a quick response",
        (2.95, 3.25),
        4.60,
        expectation=True,
    ),
    SurveyItem(
        "p1",
        Dimension.PRICE,
        "物业费收费标准偏高",
        "The property fee is too high",
        (2.70, 2.60),
        4.25,
        reverse=True,
    ),
    SurveyItem(
        "p2",
        Dimension.PRICE,
        "账单明细清楚、收支公开透明",
        "Bills are itemised and the accounts are open",
        (3.30, 3.35),
        3.90,
    ),
    SurveyItem(
        "p3",
        Dimension.PRICE,
        "收费与服务质量相符",
        "The fees match the quality of the service",
        (3.05, 3.00),
        4.45,
        expectation=True,
    ),
    SurveyItem(
        "c1",
        Dimension.COMMUNICATION,
        "联系渠道方便（电话、微信、App）",
        "Contact channels are convenient (phone, WeChat, app)",
        (4.10, 4.15),
        3.60,
    ),
    SurveyItem(
        "c2",
        Dimension.COMMUNICATION,
        "通知和回访频率适当",
        "Notices and follow-up calls come at the right frequency",
        (3.55, 3.60),
        3.30,
    ),
    SurveyItem(
        "c3",
        Dimension.COMMUNICATION,
        "通知内容清楚、有用",
        "Notices are clear and useful",
        (3.70, 3.75),
        3.50,
    ),
    SurveyItem(
        "e1",
        Dimension.EMOTIONAL,
        "工作人员态度热情、有礼貌",
        "Staff are friendly and courteous",
        (4.20, 4.25),
        3.95,
        expectation=True,
    ),
    SurveyItem(
        "e2",
        Dimension.EMOTIONAL,
        "让人感到被关心、被重视",
        "We feel cared for and valued",
        (3.80, 3.85),
        3.55,
    ),
)

#: How much more (or less) satisfied each tier is, on 1-5: VIPs get more attention.
TIER_LIFT = {"diamond": 0.35, "platinum": 0.3, "gold": 0.2, "regular": 0.0}

#: How likely a customer is to answer a wave: VIPs are surveyed quarterly.
RESPONSE_RATE = {"diamond": 0.9, "platinum": 0.9, "gold": 0.85, "regular": 0.5}


def sample_instrument() -> Instrument:
    """The owner satisfaction questionnaire (业主满意度调查)."""
    items = [
        Item(
            code=i.code,
            text=Label(zh=i.zh, en=i.en),
            dimension=i.dimension.value,
            scale=Scale.LIKERT_5,
            reverse=i.reverse,
            importance=True,
            expectation=i.expectation,
        )
        for i in SURVEY_ITEMS
    ]
    items += [
        Item(
            code="overall",
            text=Label(
                zh="总体而言，您对物业服务的满意程度", en="Overall, how satisfied are you?"
            ),
            role=ItemRole.OVERALL,
        ),
        Item(
            code="nps",
            text=Label(
                zh="您向亲友推荐我们物业服务的可能性（0–10）",
                en="How likely are you to recommend us to friends and family (0-10)?",
            ),
            role=ItemRole.NPS,
            scale=Scale.ZERO_TO_TEN,
        ),
    ]
    return Instrument(
        code="owner-satisfaction-2026",
        name=Label(zh="业主满意度调查（2026 年）", en="Owner satisfaction survey 2026"),
        dimensions=tuple(DimensionDef.standard(d, weight=Decimal(w)) for d, w in SURVEY_WEIGHTS),
        items=tuple(items),
    )


def _normal(rng: Rng, sd: float) -> float:
    """Roughly normal noise with standard deviation *sd* (a sum of three uniforms)."""
    return (rng.uniform() + rng.uniform() + rng.uniform() - 1.5) * 2 * sd


def _likert(value: float, low: int = 1, high: int = 5) -> int:
    """*value* rounded half up and kept on the scale."""
    return max(low, min(high, math.floor(value + 0.5)))


def _segments(customer: Customer, tier: str) -> tuple[Segment, ...]:
    """The breakdown keys of a response: tier held, property type, kind, project (estate)."""
    unit = customer.units[0]
    return (
        Segment(key="tier", value=tier),
        Segment(key="property_type", value=unit.property_type.value),
        Segment(key="customer_kind", value=customer.kinds[0].value),
        Segment(key="project", value=ESTATES[unit.code.split("-", 1)[0]][0]),
    )


class Disposition(NamedTuple):
    """How a respondent answers, the same in every wave (a panel of customers)."""

    mood: float  # general satisfaction, on 1-5 around the item means
    stress: float  # some people call everything important
    hope: float  # and some expect more than others


def _disposition(rng: Rng, tier: str) -> Disposition:
    return Disposition(
        mood=TIER_LIFT[tier] + _normal(rng, 0.45),
        stress=_normal(rng, 0.25),
        hope=_normal(rng, 0.25),
    )


def _answers(rng: Rng, customer: Customer, who: Disposition, wave: int) -> tuple[Answer, ...]:
    """One respondent's answers in wave *wave* (0 or 1)."""
    unit = customer.units[0]
    business = unit.property_type is not PropertyType.RESIDENTIAL
    villa = unit.code.startswith("LW-")
    # The day's mood, and the respondent's view of each dimension, move all
    # its items together (so the dimensions hang together: Cronbach's alpha).
    mood = who.mood + _normal(rng, 0.2)
    views = {d: _normal(rng, 0.35) for d, _ in SURVEY_WEIGHTS}
    answers = []
    felt = []
    for item in SURVEY_ITEMS:
        if rng.chance(0.02):  # skipped (missing)
            continue
        if (villa and item.code == "f2" and rng.chance(0.8)) or rng.chance(0.008):
            answers.append(Answer(item=item.code, na=True))  # 不适用: villas have no lifts
            continue
        mean = item.satisfaction[wave] + mood + views[item.dimension]
        if business and item.dimension is Dimension.PRICE:
            mean -= 0.2  # shops and offices pay more per square metre
        satisfaction = _likert(mean + _normal(rng, 0.5))
        felt.append(mean)
        score = 6 - satisfaction if item.reverse else satisfaction
        importance = None
        if not rng.chance(0.03):
            importance = _likert(item.importance + who.stress + _normal(rng, 0.55))
        expectation = None
        if item.expectation and not rng.chance(0.03):
            expected = 4.35 + who.hope + _normal(rng, 0.45)
            if item.reverse:
                expected = 6 - expected  # asked the item's way round, as the answer is
            expectation = _likert(expected)
        answers.append(
            Answer(item=item.code, score=score, importance=importance, expectation=expectation)
        )
    overall = sum(felt) / len(felt) + 0.1 + _normal(rng, 0.45)
    if not rng.chance(0.02):
        answers.append(Answer(item="overall", score=_likert(overall)))
    if not rng.chance(0.04):
        nps = (overall - 1) * 2.5 + 0.6 + _normal(rng, 1.2)
        answers.append(Answer(item="nps", score=_likert(nps, 0, 10)))
    return tuple(answers)


def survey_responses(
    customers: Sequence[Customer], members: Sequence[tiers.MemberRecord]
) -> list[Response]:
    """Both waves' responses, in the order answered (then respondent id).

    Who is asked: every customer with a unit registered before the wave,
    except developers (their units stand empty) and the company's staff.
    Each answers in their own way in both waves (:class:`Disposition`).
    The tier segment is the tier held in the customer's member record.
    """
    rng = Rng(SURVEY_SEED)
    tier_of = {m.customer_id: m.tier for m in members}
    asked = [
        c
        for c in customers
        if c.units and CustomerKind.DEVELOPER not in c.kinds and CustomerKind.STAFF not in c.kinds
    ]
    ways = {c.customer_id: _disposition(rng, tier_of[c.customer_id]) for c in asked}
    responses = []
    for wave, (period, start, end) in enumerate(SURVEY_WAVES):
        answered = []
        for customer in asked:
            tier = tier_of[customer.customer_id]
            if customer.registered_at.date() >= start or not rng.chance(RESPONSE_RATE[tier]):
                continue
            on = rng.day_between(start, end)
            who = ways[customer.customer_id]
            answered.append((on, customer, _answers(rng, customer, who, wave), tier))
        answered.sort(key=lambda a: (a[0], a[1].customer_id))
        tag = period.replace("-", "")
        for number, (on, customer, answers, tier) in enumerate(answered, start=1):
            responses.append(
                Response(
                    respondent_id=f"{tag}-{number:03d}",
                    customer_id=customer.customer_id,
                    on=on,
                    segments=_segments(customer, tier),
                    answers=answers,
                )
            )
    return responses


def sample_survey_value(
    customers: Sequence[Customer], members: Sequence[tiers.MemberRecord]
) -> SampleSurvey:
    """The sample survey, every response checked against the questionnaire.

    Raises:
        RuntimeError: the latest wave's quadrant chart (stated importance,
            mean crosshairs) lacks a quadrant, or price is not the weakest
            dimension.
    """
    instrument = sample_instrument()
    responses = survey_responses(customers, members)
    for response in responses:
        check_response(instrument, response)  # raises on any fault
    latest = [r for r in responses if r.on >= SURVEY_WAVES[-1][1]]
    scores = score_survey(instrument, latest)
    result = ipa(
        instrument,
        scores,
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    empty = [q.value for q in Quadrant if not result.quadrant(q)]
    if empty:
        raise RuntimeError(f"the sample survey's quadrant chart has no item in {empty}")
    weakest = min(scores.dimensions, key=lambda d: d.score_100 or 0)
    if weakest.code != Dimension.PRICE.value:
        raise RuntimeError(f"the weakest dimension is {weakest.code}, not price")
    return SampleSurvey(instrument=instrument, responses=tuple(responses))


def build_survey() -> dict[str, Any]:
    """The sample survey as a JSON-ready dict."""
    customers = build_customers()
    members = build_members(customers, sample_tier_policy_value())
    return unstructure(sample_survey_value(customers, members))  # type: ignore[no-any-return]


def render_survey(data: dict[str, Any]) -> str:
    """The questionnaire indented, then the responses one per line (readable diffs)."""
    instrument = json.dumps(data["instrument"], ensure_ascii=False, indent=2)
    instrument = instrument.replace("\n", "\n  ")
    lines = ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in data["responses"])
    return f'{{\n  "instrument": {instrument},\n  "responses": [\n{lines}\n  ]\n}}\n'


def render_complaints(data: dict[str, Any]) -> str:
    """The policies indented, then the events one per line (readable diffs)."""
    head = {k: v for k, v in data.items() if k != "events"}
    text = json.dumps(head, ensure_ascii=False, indent=2)
    events = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in data["events"])
    return text[: -len("\n}")] + f',\n  "events": [\n{events}\n  ]\n}}\n'


def render_benefits(data: dict[str, Any]) -> str:
    """Indented JSON, except the contact logs, one per line (readable diffs)."""
    contacts = data["contacts"]
    body = {**data, "contacts": []}
    text = json.dumps(body, ensure_ascii=False, indent=2)
    lines = ",\n".join("    " + json.dumps(c, ensure_ascii=False) for c in contacts)
    return text.replace('"contacts": []', f'"contacts": [\n{lines}\n  ]') + "\n"


def render_portfolio(portfolio: Sequence[dict[str, Any]]) -> str:
    """A JSON array with one customer per line (readable diffs)."""
    lines = [json.dumps(item, ensure_ascii=False) for item in portfolio]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def render_config(config: dict[str, Any]) -> str:
    """Indented JSON."""
    return json.dumps(config, ensure_ascii=False, indent=2) + "\n"


def render_tiers(data: dict[str, Any]) -> str:
    """The programme indented, then the member records one per line (readable diffs)."""
    policy = json.dumps(data["policy"], ensure_ascii=False, indent=2).replace("\n", "\n  ")
    members = ",\n".join("    " + json.dumps(m, ensure_ascii=False) for m in data["members"])
    return f'{{\n  "policy": {policy},\n  "members": [\n{members}\n  ]\n}}\n'


def outputs() -> dict[Path, str]:
    """Every file the generator writes, with its content."""
    return {
        PORTFOLIO_PATH: render_portfolio(build_portfolio()),
        CONFIG_PATH: render_config(build_config()),
        TIERS_PATH: render_tiers(build_tiers()),
        BENEFITS_PATH: render_benefits(build_benefits()),
        COMPLAINTS_PATH: render_complaints(build_complaints()),
        SURVEY_PATH: render_survey(build_survey()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Write the data files, or with ``--check`` compare them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed files differ"
    )
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        current = path.read_text("utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
    for path in stale:
        verb = "differs" if args.check else "written"
        print(f"{path.relative_to(ROOT)}: {verb}", file=sys.stderr if args.check else sys.stdout)
    if args.check and stale:
        print("run: python scripts/make_sample.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
