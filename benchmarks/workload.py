"""Deterministic customer records, JSON-shaped, in the exact shape ``pmcrm`` dumps.

Every record is a ``dict`` of JSON values (str, int, bool, None, list, dict):
decimals as strings (``"6168.00"``), dates as ``YYYY-MM-DD``, the registration
time as an aware ISO string with ``+08:00``.  Its keys are the fields of
:class:`pmcrm.customers.Customer`, all of them present, in field order, so
``default_converter().dump(load(record)) == record`` holds.

A record holds a contact with a mobile number, one to three units (each with
an owner or tenant role), five yearly fees, one to three service purchases,
one or two community participations, tags, and now and then an ID number, an
address, arrears, a referral or a contribution.

The same *seed* always gives the same records.
"""

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

Record = dict[str, Any]

DEFAULT_SEED = 20251123

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建国志华"
_BUILDINGS = ("A", "B", "C", "D", "E", "F")
_PROPERTY_TYPES = ("residential", "residential", "residential", "commercial", "office")
_CATEGORIES = ("cleaning", "repair", "butler", "parking", "gardening", "moving", "laundry")
_NEEDS = ("basic", "value_added", "special")
_ACTIVITIES = (
    "中秋游园会",
    "社区义诊",
    "亲子运动会",
    "垃圾分类宣传",
    "邻里节",
    "消防演练",
    "Spring clean-up",
)
_TAGS = ("老业主", "爱宠人士", "有车", "VIP候选", "常住", "租户转业主", "senior", "family")
_TOPICS = ("gardening", "fitness", "children", "pets", "music", "cooking")
_CHANNELS = ("phone", "sms", "wechat", "app", "email", "visit")
_MOBILE_PREFIXES = ("138", "139", "136", "150", "151", "186", "188", "177", "199", "135")
_AREA_CODES = ("110105", "310115", "440305", "330106", "510104", "320102")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ADDRESSES = (
    "上海市浦东新区世纪大道 100 号 3 栋 1201",
    "北京市朝阳区建国路 88 号 2 单元 501",
    "深圳市南山区科技园南路 15 号 A 座 2003",
)


def _date(rng: random.Random, first_year: int, last_year: int) -> str:
    year = rng.randint(first_year, last_year)
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _money(amount: str) -> Record:
    return {"amount": amount, "currency": "CNY"}


def _id_number(rng: random.Random, birth: str) -> str:
    body = rng.choice(_AREA_CODES) + birth.replace("-", "") + f"{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def make_record(index: int, seed: int = DEFAULT_SEED) -> Record:
    """The record number *index* of the workload for *seed*."""
    rng = random.Random(seed * 1_000_003 + index)
    n_units = rng.choice((1, 1, 2, 2, 3))
    units = []
    roles = []
    for k in range(n_units):
        building = rng.choice(_BUILDINGS)
        code = f"{building}-{rng.randint(1, 9)}-{rng.randint(1, 33)}{k}{rng.randint(1, 4):02d}"
        area = f"{rng.randint(35, 320)}.{rng.randint(0, 99):02d}"
        units.append(
            {
                "code": code,
                "property_type": rng.choice(_PROPERTY_TYPES),
                "area": area,
                "building": f"{building}栋" if rng.random() < 0.7 else None,
            }
        )
        roles.append(
            {
                "kind": "owner" if k == 0 or rng.random() < 0.6 else "tenant",
                "unit_code": code,
                "since": _date(rng, 2005, 2024) if rng.random() < 0.8 else None,
            }
        )
    yearly = rng.randint(1800, 24000)
    fees = [
        {
            "year": year,
            "amount": _money(f"{yearly + 37 * (year - 2021)}.{rng.choice((0, 50)):02d}"),
        }
        for year in range(2021, 2026)
    ]
    purchases = [
        {
            "on": _date(rng, 2023, 2025),
            "need": rng.choice(_NEEDS[1:]) if rng.random() < 0.7 else "basic",
            "category": rng.choice(_CATEGORIES),
            "amount": _money(f"{rng.randint(0, 3000)}.{rng.randint(0, 99):02d}"),
        }
        for _ in range(rng.randint(1, 3))
    ]
    participations = [
        {"activity": rng.choice(_ACTIVITIES), "on": _date(rng, 2023, 2025)}
        for _ in range(rng.randint(1, 2))
    ]
    arrears = []
    if rng.random() < 0.2:
        since = f"2024-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"
        arrears.append(
            {
                "amount": _money(f"{rng.randint(100, 5000)}.00"),
                "since": since,
                "settled_on": f"2024-{rng.randint(7, 12):02d}-01" if rng.random() < 0.5 else None,
            }
        )
    referrals = (
        [
            {
                "referred_customer_id": f"C{rng.randint(0, 9_999_999):07d}",
                "on": _date(rng, 2022, 2025),
            }
        ]
        if rng.random() < 0.15
        else []
    )
    contributions = (
        [
            {
                "kind": rng.choice(("suggestion", "volunteering", "community_building")),
                "on": _date(rng, 2022, 2025),
                "note": "提出电梯维保时间调整建议",
            }
        ]
        if rng.random() < 0.15
        else []
    )
    birth = _date(rng, 1950, 2000)
    has_birth = rng.random() < 0.7
    return {
        "customer_id": f"C{index:07d}",
        "name": rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2)))),
        "party": "person",
        "gender": rng.choice(("female", "male", None)),
        "birth_date": birth if has_birth else None,
        "id_number": _id_number(rng, birth) if has_birth and rng.random() < 0.3 else None,
        "roles": roles,
        "units": units,
        "needs": ["basic", "value_added"] if rng.random() < 0.4 else ["basic"],
        "contact": {
            "mobile": rng.choice(_MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}",
            "address": rng.choice(_ADDRESSES) if rng.random() < 0.3 else None,
            "wechat": rng.random() < 0.6,
        },
        "preferences": {
            "language": "zh" if rng.random() < 0.9 else "en",
            "channel": rng.choice(_CHANNELS),
            "topics": rng.sample(_TOPICS, rng.randint(0, 2)),
        },
        "fees": fees,
        "arrears": arrears,
        "purchases": purchases,
        "referrals": referrals,
        "participations": participations,
        "contributions": contributions,
        "tags": rng.sample(_TAGS, rng.randint(1, 3)),
        "registered_at": (
            f"{_date(rng, 2015, 2024)}T{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:"
            f"{rng.randint(0, 59):02d}+08:00"
        ),
    }


def make_records(count: int, seed: int = DEFAULT_SEED) -> list[Record]:
    """*count* distinct records."""
    return [make_record(i, seed) for i in range(count)]


def stream_records(total: int, base: list[Record]) -> Iterator[Record]:
    """*total* records lazily: *base* cycled, each with a fresh, unique ``customer_id``."""
    n = len(base)
    for i in range(total):
        record = dict(base[i % n])
        record["customer_id"] = f"S{i:08d}"
        yield record


def bad_record(record: Record) -> Record:
    """A copy of *record* with two faults: a float area in ``units[0]`` and a bad mobile."""
    bad = copy.deepcopy(record)
    bad["units"][0]["area"] = float(bad["units"][0]["area"])
    bad["contact"]["mobile"] = "12" + bad["contact"]["mobile"][2:]
    return bad


#: The paths the report of a :func:`bad_record` names, in report order.
BAD_PATHS = ("$.units[0].area", "$.contact.mobile")


def json_size(record: Record) -> int:
    """The size in bytes of *record* as compact UTF-8 JSON."""
    return len(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
