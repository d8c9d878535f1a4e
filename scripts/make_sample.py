"""Generate pmcrm's embedded sample data (``src/pmcrm/data/*.json``).

A fictional property-service company in the fictional city of 溪岚市 (Xilan):
two residential estates and a villa compound, a shopping plaza, an office
tower and an industrial park.  About 200 customers of every kind, with fees,
arrears, purchases, referrals, community participations and contributions,
dated relative to the fixed reference date :data:`REFERENCE_DATE`.

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
import random
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

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
from pmcrm.sample import SampleConfig
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
from pmcrm.values import Address, IdCardNumber, Label, Lang, MobileNumber, Money, PersonName

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


def render_portfolio(portfolio: Sequence[dict[str, Any]]) -> str:
    """A JSON array with one customer per line (readable diffs)."""
    lines = [json.dumps(item, ensure_ascii=False) for item in portfolio]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def render_config(config: dict[str, Any]) -> str:
    """Indented JSON."""
    return json.dumps(config, ensure_ascii=False, indent=2) + "\n"


def outputs() -> dict[Path, str]:
    """Every file the generator writes, with its content."""
    return {
        PORTFOLIO_PATH: render_portfolio(build_portfolio()),
        CONFIG_PATH: render_config(build_config()),
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
