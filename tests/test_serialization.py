"""Tests of :mod:`pmcrm.serialization`: the strict converter, its reports and its fast path."""

import copy
import functools
import json
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaint_strategies import CLASSES, event
from pmcrm import _parse, serialization
from pmcrm import strategies as pst
from pmcrm.calendars import WorkingHours
from pmcrm.complaints.model import ComplaintType, EmergencyClass, PauseReason, Severity
from pmcrm.complaints.repeats import RepeatKey, RepeatPolicy
from pmcrm.complaints.sla import Metric, SlaPolicy, SlaRule, TimeBasis
from pmcrm.customers import (
    Arrears,
    Contact,
    ContactChannel,
    Contribution,
    ContributionKind,
    Customer,
    CustomerKind,
    Participation,
    Preferences,
    PropertyType,
    PropertyUnit,
    Referral,
    Role,
    ServiceNeed,
    ServicePurchase,
    YearlyFee,
)
from pmcrm.errors import PmcrmError, ReportEntry, ValidationError, ValidationReport
from pmcrm.serialization import (
    Limits,
    PmcrmConverter,
    default_converter,
    make_converter,
    structure,
    unstructure,
)
from pmcrm.values import (
    Address,
    IdCardNumber,
    Lang,
    MobileNumber,
    Money,
    Period,
    PersonName,
    Rate,
    sensitive_types,
)

T = TypeVar("T")
CST = timezone(timedelta(hours=8))
REGISTERED = datetime(2020, 5, 1, 9, 30, tzinfo=CST)


def sample_customer() -> Customer:
    """A customer with every part filled in."""
    return Customer(
        customer_id="C0001",
        name=PersonName("王建国"),
        birth_date=date(1980, 2, 29),
        id_number=IdCardNumber("11010519491231002X"),
        roles=(
            Role(kind=CustomerKind.OWNER, unit_code="A-1-1201", since=date(2020, 5, 1)),
            Role(kind=CustomerKind.VISITOR),
        ),
        units=(
            PropertyUnit(
                code="A-1-1201",
                property_type=PropertyType.RESIDENTIAL,
                area=Decimal("128.50"),
                building="1号楼",
            ),
            PropertyUnit(code="S-1", property_type=PropertyType.COMMERCIAL, area=Decimal(60)),
        ),
        needs=(ServiceNeed.BASIC, ServiceNeed.VALUE_ADDED),
        contact=Contact(
            mobile=MobileNumber("13812341234"),
            address=Address("上海市浦东新区世纪大道100号"),
            wechat=True,
        ),
        preferences=Preferences(language=Lang.EN, channel=ContactChannel.WECHAT, topics=("花艺",)),
        fees=(YearlyFee(year=2025, amount=Money.of("6168.00")),),
        arrears=(Arrears(amount=Money.of("500.00"), since=date(2025, 1, 1)),),
        purchases=(
            ServicePurchase(
                on=date(2025, 3, 1),
                need=ServiceNeed.VALUE_ADDED,
                category="cleaning",
                amount=Money.of("200.00"),
            ),
        ),
        referrals=(Referral(referred_customer_id="C0002", on=date(2025, 4, 1)),),
        participations=(Participation(activity="中秋晚会", on=date(2025, 10, 6)),),
        contributions=(
            Contribution(
                kind=ContributionKind.SUGGESTION, on=date(2025, 5, 1), note="more lights"
            ),
        ),
        tags=("vip",),
        registered_at=REGISTERED,
    )


def sample_data() -> dict[str, Any]:
    """The unstructured sample customer (a fresh copy each time)."""
    data: dict[str, Any] = unstructure(sample_customer())
    return data


def report_of(data: Any, cl: Any, converter: PmcrmConverter | None = None) -> ValidationReport:
    """The report of the ValidationError that loading *data* as *cl* raises."""
    with pytest.raises(ValidationError) as info:
        structure(data, cl, converter=converter)
    return info.value.report


# --- dumping and loading ----------------------------------------------------------


def test_dump_is_json_ready() -> None:
    """Decimals become strings, dates ISO strings, enums their values, PII its full value."""
    data = sample_data()
    assert "128.50" == data["units"][0]["area"]
    assert "60" == data["units"][1]["area"]
    assert {"amount": "6168.00", "currency": "CNY"} == data["fees"][0]["amount"]
    assert "2020-05-01T09:30:00+08:00" == data["registered_at"]
    assert "1980-02-29" == data["birth_date"]
    assert ["basic", "value_added"] == data["needs"]
    assert {"mobile": "13812341234", "address": "上海市浦东新区世纪大道100号", "wechat": True} == (
        data["contact"]
    )
    assert "11010519491231002X" == data["id_number"]
    assert {"kind": "visitor", "unit_code": None, "since": None} == data["roles"][1]
    assert json.loads(json.dumps(data)) == data


def test_round_trip_of_the_sample() -> None:
    """Loading the dump gives the same customer back, also through JSON text."""
    customer = sample_customer()
    assert customer == structure(unstructure(customer), Customer)
    assert customer == structure(json.loads(json.dumps(unstructure(customer))), Customer)


def test_defaults_may_be_left_out() -> None:
    """Fields with defaults may be omitted from the input."""
    data = {
        "customer_id": "C1",
        "name": "李娜",
        "roles": [{"kind": "visitor"}],
        "registered_at": "2020-05-01T01:30:00+00:00",
    }
    customer = structure(data, Customer)
    assert ((), (ServiceNeed.BASIC,), Contact()) == (
        customer.units,
        customer.needs,
        customer.contact,
    )
    assert datetime(2020, 5, 1, 1, 30, tzinfo=UTC) == customer.registered_at


def test_module_functions_take_a_converter() -> None:
    """structure() and unstructure() use the converter given instead of the default."""
    converter = make_converter(redact=True)
    unit = PropertyUnit(code="A", property_type=PropertyType.OFFICE, area=Decimal(1))
    assert unit == structure(
        unstructure(unit, converter=converter), PropertyUnit, converter=converter
    )
    assert (
        "138****1234" == unstructure(sample_customer(), converter=converter)["contact"]["mobile"]
    )


# --- strictness -----------------------------------------------------------------------

DATA_FOR: dict[type[Any], dict[str, Any]] = {
    Money: {"amount": "1.00", "currency": "CNY"},
    YearlyFee: {"year": 2025, "amount": {"amount": "1.00"}},
    Contact: {"mobile": "13812341234", "wechat": False},
    Preferences: {"topics": ["gardening"]},
    Role: {"kind": "owner", "since": "2020-01-01"},
    Period: {"start": "2020-01-01", "end": "2020-02-01"},
    PropertyUnit: {"code": "A", "property_type": "office", "area": "10.5"},
}


def changed(cl: type[Any], **changes: Any) -> dict[str, Any]:
    """Valid data for *cl* with *changes* applied."""
    return {**DATA_FOR[cl], **changes}


def test_valid_data_loads() -> None:
    """The baseline data of the strictness table is valid."""
    for cl, data in DATA_FOR.items():
        assert isinstance(structure(data, cl), cl)


@pytest.mark.parametrize(
    ("cl", "data", "path", "code"),
    [
        pytest.param(YearlyFee, changed(YearlyFee, year=1.9), "$.year", "type", id="float-int"),
        pytest.param(YearlyFee, changed(YearlyFee, year=True), "$.year", "type", id="bool-int"),
        pytest.param(YearlyFee, changed(YearlyFee, year="2025"), "$.year", "type", id="str-int"),
        pytest.param(YearlyFee, changed(YearlyFee, year=2**53), "$.year", "le", id="huge-int"),
        pytest.param(Contact, changed(Contact, wechat="false"), "$.wechat", "type", id="bool"),
        pytest.param(Contact, changed(Contact, wechat=0), "$.wechat", "type", id="int-bool"),
        pytest.param(Preferences, {"topics": "VIP"}, "$.topics", "type", id="str-tuple"),
        pytest.param(Preferences, {"topics": {"a": 1}}, "$.topics", "type", id="dict-tuple"),
        pytest.param(Preferences, {"topics": [1]}, "$.topics[0]", "type", id="int-str"),
        pytest.param(Preferences, {"language": "fr"}, "$.language", "choice", id="enum"),
        pytest.param(Preferences, {"language": 1}, "$.language", "choice", id="int-enum"),
        pytest.param(Money, changed(Money, amount="NaN"), "$.amount", "decimal", id="nan"),
        pytest.param(Money, changed(Money, amount="Infinity"), "$.amount", "decimal", id="inf"),
        pytest.param(Money, changed(Money, amount="1E+5"), "$.amount", "decimal", id="exp"),
        pytest.param(Money, changed(Money, amount="+1"), "$.amount", "decimal", id="plus"),
        pytest.param(Money, changed(Money, amount=" 1"), "$.amount", "decimal", id="space"),
        pytest.param(Money, changed(Money, amount="01"), "$.amount", "decimal", id="zero-lead"),
        pytest.param(Money, changed(Money, amount="1."), "$.amount", "decimal", id="dot"),
        pytest.param(Money, changed(Money, amount="1.1234567"), "$.amount", "decimal", id="7dp"),
        pytest.param(
            Money, changed(Money, amount="1" * 16), "$.amount", "decimal", id="16-digits"
        ),
        pytest.param(Money, changed(Money, amount=10**15), "$.amount", "decimal", id="big-int"),
        pytest.param(Money, changed(Money, amount=True), "$.amount", "decimal", id="bool-dec"),
        pytest.param(Money, changed(Money, amount=1.5), "$.amount", "float", id="float-dec"),
        pytest.param(Money, changed(Money, currency="cny"), "$.currency", "format", id="cur"),
        pytest.param(Money, changed(Money, zzz=1), "$.zzz", "extra_key", id="extra"),
        pytest.param(Money, {"currency": "CNY"}, "$.amount", "missing", id="missing"),
        pytest.param(Money, [], "$", "type", id="not-object"),
        pytest.param(YearlyFee, changed(YearlyFee, amount="1"), "$.amount", "type", id="nested"),
        pytest.param(Role, changed(Role, since="2020-02-30"), "$.since", "format", id="feb30"),
        pytest.param(Role, changed(Role, since="2020-2-3"), "$.since", "format", id="short"),
        pytest.param(Role, changed(Role, since="2020-01-01T00:00"), "$.since", "format", id="dt"),
        pytest.param(Role, changed(Role, since=20200101), "$.since", "type", id="int-date"),
        pytest.param(Period, changed(Period, end="2019-12-31"), "$.end", "order", id="order"),
        pytest.param(
            PropertyUnit, changed(PropertyUnit, area="0"), "$.area", "gt", id="area-zero"
        ),
        pytest.param(
            PropertyUnit, changed(PropertyUnit, code=" "), "$.code", "empty", id="blank-code"
        ),
        pytest.param(
            PropertyUnit, changed(PropertyUnit, building=""), "$.building", "empty", id="building"
        ),
    ],
)
def test_strictness(cl: type[Any], data: Any, path: str, code: str) -> None:
    """Nothing is coerced: each wrong value is refused with its path and rule."""
    report = report_of(data, cl)
    assert ((path,), (code,)) == (report.paths, report.codes)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2020-05-01T09:30:00", "naive_datetime"),
        ("2020-05-01", "naive_datetime"),
        ("2020-05-01 09:30+08:00:00.000001" + "0" * 10, "format"),
        ("yesterday", "format"),
        (1588296600, "type"),
    ],
)
def test_registered_at_must_be_an_aware_iso_datetime(value: Any, code: str) -> None:
    """Date-times need an offset; other strings and numbers are refused."""
    data = sample_data()
    data["registered_at"] = value
    assert (("$.registered_at",), (code,)) == (
        report_of(data, Customer).paths,
        report_of(data, Customer).codes,
    )


@pytest.mark.parametrize(
    "value", ["2020-05-01T09:30:00Z", "2020-05-01T09:30:00.123456-05:30", "2020-05-01T09:30+08:00"]
)
def test_aware_datetime_forms(value: str) -> None:
    """ISO 8601 with Z or any offset, with or without seconds and fractions, is accepted."""
    data = sample_data()
    data["registered_at"] = value
    assert datetime.fromisoformat(value) == structure(data, Customer).registered_at


def test_every_fault_is_reported() -> None:
    """One load lists every fault in the input, each with its path and code."""
    data = sample_data()
    del data["name"]
    data["units"][1]["area"] = "-3"
    data["units"][1]["property_type"] = "house"
    data["tags"] = ["vip", "ok", " "]
    data["contact"]["mobile"] = "12812341234"
    data["fees"][0]["amount"]["currency"] = "USD"
    data["arrears"][0]["settled_on"] = "2024-12-31"
    data["referral"] = []
    report = report_of(data, Customer)
    assert [
        ("$.name", "missing"),
        ("$.units[1].property_type", "choice"),
        ("$.units[1].area", "gt"),
        ("$.contact.mobile", "format"),
        ("$.fees[0].amount", "currency"),
        ("$.arrears[0].settled_on", "order"),
        ("$.tags[2]", "empty"),
        ("$.referral", "extra_key"),
    ] == list(zip(report.paths, report.codes, strict=True))


def test_report_messages_in_both_languages() -> None:
    """Report entries carry zh and en messages naming the field."""
    data = sample_data()
    data["units"][1]["area"] = "-3"
    del data["name"]
    report = report_of(data, Customer)
    assert [
        "$.name: [missing] required field 'name' is missing",
        "$.units[1].area: [gt] 'area' must be > 0: -3",
    ] == report.render("en").splitlines()
    assert [
        "$.name: [missing] 缺少必填字段 'name'",
        "$.units[1].area: [gt] 'area' 必须 > 0：-3",
    ] == report.render("zh").splitlines()


def test_cross_field_fault_is_located() -> None:
    """A role over an unknown unit is reported at the role's unit code."""
    data = sample_data()
    data["roles"][1]["unit_code"] = "Z-9"
    report = report_of(data, Customer)
    assert (("$.roles[1].unit_code",), ("reference",)) == (report.paths, report.codes)


def test_duplicates_are_located() -> None:
    """A duplicate unit code is reported at the second unit."""
    data = sample_data()
    data["units"][1]["code"] = "A-1-1201"
    assert ("$.units[1]",) == report_of(data, Customer).paths


def test_extra_key_paths() -> None:
    """Extra keys are named in the path; keys that are not identifiers are quoted and cut."""
    data = {**DATA_FOR[Money], "a b": 1, "class": 2, "k" + "-" * 60: 3, "zz": 4}
    assert (
        "$['a b']",
        "$['class']",
        "$['k" + "-" * 37 + "…']",
        "$.zz",
    ) == report_of(data, Money).paths


def test_error_message_of_a_load() -> None:
    """The exception says what was loaded, how many faults, and lists them."""
    with pytest.raises(ValidationError) as info:
        structure({"code": "A-1", "property_type": "house", "area": -3}, PropertyUnit)
    assert "PropertyUnit" == info.value.target
    assert str(info.value).startswith("invalid PropertyUnit: 2 faults\n$.property_type: [choice]")


def test_top_level_sequences() -> None:
    """Loading a tuple type locates faults by index from the root."""
    units = [DATA_FOR[PropertyUnit], "x", {**DATA_FOR[PropertyUnit], "area": "0"}]
    report = report_of(units, tuple[PropertyUnit, ...])
    assert ("$[1]", "$[2].area") == report.paths
    assert "'[1]' must be an object, got string" == report.entries[0].message_en


# --- personal data in errors ----------------------------------------------------------

PII_CASES = [
    ("contact", "mobile", "12812341234"),
    ("contact", "mobile", "1381234123456"),
    ("contact", "address", "上海市浦东新区世纪大道" * 20),
    (None, "id_number", "110105194912310021"),
    (None, "id_number", "11010519490230002X"),
    (None, "name", "王建国" * 34),
]


@pytest.mark.parametrize(("parent", "key", "secret"), PII_CASES)
def test_personal_data_never_appears_in_errors(parent: str | None, key: str, secret: str) -> None:
    """Invalid personal data is refused without ever being echoed, in any rendering."""
    data = sample_data()
    (data if parent is None else data[parent])[key] = secret
    with pytest.raises(ValidationError) as info:
        structure(data, Customer)
    err = info.value
    shown = [
        str(err),
        repr(err),
        err.report.render("en"),
        err.report.render("zh"),
        json.dumps(err.report.as_records(), ensure_ascii=False),
    ]
    fragment = secret[:11]
    assert [False] * len(shown) == [fragment in text for text in shown]
    assert 1 == len(err.report)


@pytest.mark.parametrize("secret", [13812341234, ["13812341234"], {"n": "13812341234"}])
def test_personal_data_of_the_wrong_type_is_not_echoed(secret: Any) -> None:
    """A mobile given as a number, list or object is refused without echoing it."""
    data = sample_data()
    data["contact"]["mobile"] = secret
    with pytest.raises(ValidationError) as info:
        structure(data, Customer)
    assert "13812341234" not in str(info.value) + info.value.report.render("zh")
    assert ("type",) == info.value.report.codes


def test_valid_personal_data_is_not_echoed_by_other_faults() -> None:
    """A fault elsewhere in a record does not show its valid personal data."""
    data = sample_data()
    data["tags"] = [""]
    with pytest.raises(ValidationError) as info:
        structure(data, Customer)
    text = str(info.value) + info.value.report.render("zh")
    assert [] == [s for s in ("13812341234", "王建国", "11010519491231002X") if s in text]


def test_redacted_export() -> None:
    """A redacting converter dumps personal data masked; a plain one in full."""
    redacted = unstructure(sample_customer(), redact=True)
    assert ("王**", "110105********002X") == (redacted["name"], redacted["id_number"])
    assert {"mobile": "138****1234", "address": "上海市浦东****", "wechat": True} == (
        redacted["contact"]
    )
    assert "王建国" == unstructure(sample_customer())["name"]
    assert default_converter(redact=True) is default_converter(redact=True)
    assert default_converter() is not default_converter(redact=True)


# --- limits and options ------------------------------------------------------------------


def test_limits_on_lists_and_strings() -> None:
    """Lists and strings longer than the limits are refused, on both paths."""
    converter = make_converter(limits=Limits(max_items=2, max_string=8))
    data = {
        "customer_id": "C" * 9,
        "name": "王" * 9,
        "roles": [{"kind": "visitor"}],
        "contact": {"mobile": "13812341234"},
        "tags": ["a", "b", "c"],
        "registered_at": "2020-05-01T09:30:00+08:00",
    }
    report = report_of(data, Customer, converter)
    assert [
        ("$.customer_id", "max_length"),
        ("$.name", "max_length"),
        ("$.contact.mobile", "max_length"),
        ("$.tags", "max_items"),
    ] == list(zip(report.paths, report.codes, strict=True))
    assert "王" * 9 not in report.render("en")
    assert "'tags' must have at most 2 items: got 3" == report.entries[3].message_en


def test_limits_are_inclusive() -> None:
    """A list or string exactly at the limit is accepted."""
    converter = make_converter(limits=Limits(max_items=2, max_string=5))
    assert ("ab", "cdefg") == structure(
        {"topics": ["ab", "cdefg"]}, Preferences, converter=converter
    ).topics


def test_limits_must_not_be_negative() -> None:
    """Limits are counts."""
    with pytest.raises(ValueError, match="max_items"):
        Limits(max_items=-1)
    assert Limits(max_items=10_000, max_string=10_000) == Limits()


def test_extra_keys_may_be_allowed() -> None:
    """forbid_extra_keys=False ignores unknown keys (for data-engine frames), on both paths."""
    converter = make_converter(forbid_extra_keys=False)
    data = {**DATA_FOR[PropertyUnit], "__null_dask_index__": 3}
    expected = PropertyUnit(code="A", property_type=PropertyType.OFFICE, area=Decimal("10.5"))
    assert expected == converter.load(data, PropertyUnit)
    assert expected == converter.load_detailed(data, PropertyUnit)
    assert ("$.__null_dask_index__",) == report_of(data, PropertyUnit).paths


# --- converters and hooks -------------------------------------------------------------------

REGISTRATIONS = [
    pytest.param(
        lambda c: c.register_structure_hook(complex, lambda v, _t: complex(v)), id="structure"
    ),
    pytest.param(
        lambda c: c.register_structure_hook_func(lambda t: t is complex, lambda v, _t: v),
        id="structure-func",
    ),
    pytest.param(
        lambda c: c.register_structure_hook_factory(lambda t: t is complex, lambda _t: complex),
        id="structure-factory",
    ),
    pytest.param(lambda c: c.register_unstructure_hook(complex, str), id="unstructure"),
    pytest.param(
        lambda c: c.register_unstructure_hook_func(lambda t: t is complex, str),
        id="unstructure-func",
    ),
    pytest.param(
        lambda c: c.register_unstructure_hook_factory(lambda t: t is complex, lambda _t: str),
        id="unstructure-factory",
    ),
    pytest.param(lambda c: c.register_variants(Protocol, {"a": Money}), id="variants"),
]


@pytest.mark.parametrize("register", REGISTRATIONS)
def test_default_converter_is_sealed(register: Callable[[PmcrmConverter], object]) -> None:
    """The shared default converter refuses every hook registration."""
    with pytest.raises(PmcrmError, match="make_converter"):
        register(default_converter())


@pytest.mark.parametrize("register", REGISTRATIONS)
def test_own_converters_accept_hooks(register: Callable[[PmcrmConverter], object]) -> None:
    """A converter from make_converter() accepts registrations and drops its fast paths."""
    converter = make_converter()
    unit = converter.load(DATA_FOR[PropertyUnit], PropertyUnit)
    converter.dump(unit)
    assert [PropertyUnit] == list(converter._fast_structure)
    register(converter)
    assert ({}, {}) == (converter._fast_structure, converter._fast_unstructure)
    assert unit == converter.load(DATA_FOR[PropertyUnit], PropertyUnit)
    assert {PropertyUnit: None} == converter._fast_structure


def test_own_hooks_are_honoured_on_every_path() -> None:
    """A user's hook for a type pmcrm knows changes load and dump alike."""
    converter = make_converter()
    converter.register_structure_hook(str, lambda v, _t: v.upper())
    converter.register_unstructure_hook(Decimal, lambda d: f"{d:.3f}")
    data = {"code": "a-1", "property_type": "office", "area": "10.5"}
    unit = converter.load(data, PropertyUnit)
    assert ("A-1", unit) == (unit.code, converter.load_detailed(data, PropertyUnit))
    assert "10.500" == converter.dump(unit)["area"]


def test_module_structure_uses_the_default_converter() -> None:
    """Without a converter, the sealed default loads and dumps."""
    unit = structure(DATA_FOR[PropertyUnit], PropertyUnit)
    assert DATA_FOR[PropertyUnit] | {"building": None} == unstructure(unit)


# --- tagged unions --------------------------------------------------------------------------


@attrs.frozen
class Cash:
    """A tagged-union member for the tests."""

    amount: Decimal


@attrs.frozen
class Voucher:
    """Another member."""

    code: str


@attrs.frozen
class Points:
    """A member added later."""

    points: int


class Payment(Protocol):
    """The base the holder's field is typed with."""


@attrs.frozen
class Holder:
    """A class with a field typed by the union base."""

    payment: Payment


@attrs.frozen
class UnionHolder:
    """A class whose field is a PEP 604 union, spelt separately from the registration."""

    payment: Cash | Voucher


@pytest.fixture
def tagged() -> PmcrmConverter:
    """A converter that knows two kinds of payment."""
    converter = make_converter()
    converter.register_variants(Payment, {"cash": Cash, "voucher": Voucher})
    return converter


def test_variants_load_and_dump(tagged: PmcrmConverter) -> None:
    """Each member is written with its tag, and read back by it."""
    holder = Holder(payment=Voucher(code="V1"))
    data = tagged.dump(holder)
    assert {"payment": {"type": "voucher", "code": "V1"}} == data
    assert holder == tagged.load(data, Holder)
    assert Holder(payment=Cash(amount=Decimal("1.5"))) == tagged.load(
        {"payment": {"type": "cash", "amount": "1.5"}}, Holder
    )


@pytest.mark.parametrize(
    ("payment", "path", "code"),
    [
        ({"code": "V1"}, "$.payment.type", "missing"),
        ({"type": "cheque"}, "$.payment.type", "choice"),
        ({"type": 1}, "$.payment.type", "choice"),
        (["voucher"], "$.payment", "type"),
        ({"type": "cash", "amount": 1.5}, "$.payment.amount", "float"),
        ({"type": "cash", "amount": "1", "x": 1}, "$.payment.x", "extra_key"),
    ],
)
def test_variant_faults(tagged: PmcrmConverter, payment: Any, path: str, code: str) -> None:
    """Missing and unknown tags, non-objects and faults inside a member are located."""
    report = report_of({"payment": payment}, Holder, tagged)
    assert ((path,), (code,)) == (report.paths, report.codes)


def test_unknown_tag_lists_the_choices(tagged: PmcrmConverter) -> None:
    """The message lists the registered tags."""
    report = report_of({"payment": {"type": "cheque"}}, Holder, tagged)
    assert "'type' must be one of cash, voucher: 'cheque'" == report.entries[0].message_en


def test_dumping_an_unregistered_member_raises(tagged: PmcrmConverter) -> None:
    """A value of a class that is not a member cannot be dumped."""
    with pytest.raises(PmcrmError, match="Points is not a registered variant"):
        tagged.dump(Holder(payment=Points(points=3)))


def test_a_second_call_extends_the_union(tagged: PmcrmConverter) -> None:
    """Registering more variants keeps the earlier ones."""
    tagged.register_variants(Payment, {"points": Points})
    for payment in (Points(points=3), Cash(amount=Decimal(2))):
        assert Holder(payment=payment) == tagged.load(tagged.dump(Holder(payment=payment)), Holder)
    report = report_of({"payment": {"type": "x"}}, Holder, tagged)
    assert "'type' must be one of cash, voucher, points: 'x'" == report.entries[0].message_en


def test_variants_with_another_tag_key() -> None:
    """The tag may live under another key."""
    converter = make_converter()
    converter.register_variants(Payment, {"cash": Cash}, tag_key="kind")
    assert {"payment": {"kind": "cash", "amount": "1"}} == converter.dump(
        Holder(payment=Cash(amount=Decimal(1)))
    )
    assert ("$.payment.kind",) == report_of({"payment": {}}, Holder, converter).paths


def test_union_base_matches_an_equal_annotation() -> None:
    """A union registered as ``Cash | Voucher`` also serves a field written ``Cash | Voucher``."""
    converter = make_converter()
    converter.register_variants(Cash | Voucher, {"cash": Cash, "voucher": Voucher})
    holder = UnionHolder(payment=Voucher(code="V1"))
    assert {"payment": {"type": "voucher", "code": "V1"}} == converter.dump(holder)
    assert holder == converter.load({"payment": {"type": "voucher", "code": "V1"}}, UnionHolder)


# --- paths and the fast path ---------------------------------------------------------------


@attrs.frozen
class Odd:
    """A class with field types the fast path does not handle."""

    ratio: float
    counts: list[int] = attrs.Factory(list)
    label: str = "x"


def test_dump_falls_back_to_cattrs() -> None:
    """Classes the fast path cannot handle are dumped by cattrs (with pmcrm's hooks)."""
    converter = make_converter()
    assert {"ratio": 0.5, "counts": [1, 2], "label": "y"} == converter.dump(
        Odd(ratio=0.5, counts=[1, 2], label="y")
    )
    assert {Odd: None} == converter._fast_unstructure


def test_float_fields_are_refused() -> None:
    """pmcrm loads no floats, even into a float field."""
    report = report_of({"ratio": 0.5}, Odd, make_converter())
    assert (("$.ratio",), ("type",)) == (report.paths, report.codes)
    [entry] = report
    assert "'ratio' 应为 其他类型的值（pmcrm 不读取浮点数：请用 Decimal 字符串），实际为 数字" == (
        entry.message_zh
    )


def test_redaction_on_the_cattrs_path() -> None:
    """Personal data in a class the fast path cannot handle is still masked when redacting."""

    @attrs.frozen
    class Card:
        holder: PersonName
        scores: list[int]

    card = Card(holder=PersonName("王建国"), scores=[1])
    assert {"holder": "王**", "scores": [1]} == make_converter(redact=True).dump(card)
    assert {"holder": "王建国", "scores": [1]} == make_converter().dump(card)


def test_other_exceptions_become_invalid_entries() -> None:
    """An exception from a user's hook is reported as ``invalid`` with its type only."""
    converter = make_converter()

    def boom(_value: Any, _t: Any) -> int:
        exc = RuntimeError("secret detail")
        exc.add_note("a note of the hook's own")
        raise exc

    def lookup(value: Any, _t: Any) -> str:
        return {"known": "ok"}[value]

    converter.register_structure_hook(int, boom)
    converter.register_structure_hook(str, lookup)
    report = report_of({"year": 2025, "amount": {"amount": "1"}}, YearlyFee, converter)
    assert (("$.year",), ("invalid",)) == (report.paths, report.codes)
    assert "'year' is invalid: RuntimeError" == report.entries[0].message_en
    report = report_of(DATA_FOR[PropertyUnit], PropertyUnit, converter)
    assert (("$.code",), ("invalid",)) == (report.paths, report.codes)
    report = report_of(["known", "A"], tuple[str, ...], converter)
    assert (("$[1]",), ("'[1]' is invalid: KeyError",)) == (
        report.paths,
        tuple(e.message_en for e in report),
    )


def test_fast_path_steps_aside_for_unions() -> None:
    """A field typed by a union of classes is left to cattrs."""
    converter = make_converter()
    assert None is serialization._compile_structure(converter, UnionHolder)
    assert None is serialization._compile_unstructure(converter, UnionHolder)


def test_compile_only_supported_classes() -> None:
    """The fast path compiles attrs models, not sensitive types, plain types or odd fields."""
    converter = make_converter()
    assert [None, None, None] == [
        serialization._compile_structure(converter, int),
        serialization._compile_structure(converter, MobileNumber),
        serialization._compile_structure(converter, Odd),
    ]
    assert [None, None, None] == [
        serialization._compile_unstructure(converter, int),
        serialization._compile_unstructure(converter, MobileNumber),
        serialization._compile_unstructure(converter, Odd),
    ]
    assert serialization._compile_structure(converter, Customer) is not None


def test_load_and_load_detailed_agree_on_the_sample() -> None:
    """Both paths give the same customer, and the same report for the same fault."""
    converter = make_converter()
    data = sample_data()
    assert converter.load(data, Customer) == converter.load_detailed(data, Customer)
    data["units"][0]["area"] = "0"
    with pytest.raises(ValidationError) as fast:
        converter.load(data, Customer)
    with pytest.raises(ValidationError) as detailed:
        converter.load_detailed(data, Customer)
    assert fast.value.report == detailed.value.report


# --- properties -----------------------------------------------------------------------------

DURATIONS = st.integers(0, 10**7).map(lambda s: timedelta(seconds=s))
SLA_RULES = st.builds(
    SlaRule,
    metric=st.sampled_from(Metric),
    target=st.integers(1, 10**6).map(lambda s: timedelta(seconds=s)),
    basis=st.sampled_from(TimeBasis),
    complaint_type=st.none() | st.sampled_from(ComplaintType),
    severity=st.none() | st.sampled_from(Severity),
    emergency=st.none() | st.sampled_from(EmergencyClass),
    pause_on=st.lists(st.sampled_from(PauseReason), unique=True).map(tuple),
    note=st.none() | st.sampled_from(["DOMAIN.md §4", "本公司规定"]),
)
SLA_POLICIES = st.builds(
    SlaPolicy,
    name=st.sampled_from(["p", "默认"]),
    rules=st.lists(
        SLA_RULES,
        min_size=1,
        max_size=4,
        unique_by=lambda r: (r.metric, r.complaint_type, r.severity, r.emergency),
    ).map(tuple),
    warnings=st.sampled_from([(), (Decimal("0.5"),), (Decimal("0.5"), Decimal("0.8"))]),
)
REPEAT_POLICIES = st.builds(
    RepeatPolicy,
    window=st.integers(1, 400).map(lambda d: timedelta(days=d)),
    keys=st.lists(st.sampled_from(RepeatKey), min_size=1, unique=True).map(tuple),
    rectification_threshold=st.integers(2, 10),
    max_listed=st.integers(1, 10_000),
)
WORKING_HOURS = st.builds(
    lambda day, start, length: WorkingHours(
        weekday=day,
        start=time(start // 60, start % 60),
        end=time((start + length) // 60, (start + length) % 60),
    ),
    st.integers(1, 7),
    st.integers(0, 22 * 60),
    st.integers(1, 60),
)
# ISO strings carry offsets, not zone names: a zone-aware time at a DST fold would
# load as an equal instant that Python does not call equal (PEP 495), so fixed offsets.
EVENT_MODELS = {cls: event(kind, at=pst.aware_datetimes()) for kind, cls in CLASSES.items()}

MODELS = [
    pytest.param(Money, pst.money(), id="Money"),
    pytest.param(Money, pst.money(currency="JPY", places=0), id="Money-JPY"),
    pytest.param(Rate, pst.rates(places=6), id="Rate"),
    pytest.param(Period, pst.periods(), id="Period"),
    pytest.param(PropertyUnit, pst.property_units(), id="PropertyUnit"),
    pytest.param(Role, pst.roles(), id="Role"),
    pytest.param(Contact, pst.contacts(), id="Contact"),
    pytest.param(Preferences, pst.preferences(), id="Preferences"),
    pytest.param(YearlyFee, pst.yearly_fees(), id="YearlyFee"),
    pytest.param(Arrears, pst.arrears(), id="Arrears"),
    pytest.param(ServicePurchase, pst.service_purchases(), id="ServicePurchase"),
    pytest.param(Referral, pst.referrals(), id="Referral"),
    pytest.param(Participation, pst.participations(), id="Participation"),
    pytest.param(Contribution, pst.contributions(), id="Contribution"),
    pytest.param(Customer, pst.customers(), id="Customer"),
    pytest.param(SlaPolicy, SLA_POLICIES, id="SlaPolicy"),
    pytest.param(RepeatPolicy, REPEAT_POLICIES, id="RepeatPolicy"),
    pytest.param(WorkingHours, WORKING_HOURS, id="WorkingHours"),
    *(pytest.param(cl, strategy, id=cl.__name__) for cl, strategy in EVENT_MODELS.items()),
]


@pytest.mark.parametrize(("cl", "strategy"), MODELS)
@given(data=st.data())
def test_every_model_round_trips(
    cl: type[Any], strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    """structure(unstructure(x)) == x for every model, directly and through JSON text."""
    value = data.draw(strategy)
    dumped = unstructure(value)
    assert value == structure(dumped, cl)
    assert value == structure(json.loads(json.dumps(dumped)), cl)
    assert dumped == json.loads(json.dumps(dumped))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(pst.customers(), st.booleans())
def test_fast_dump_equals_the_cattrs_dump(customer: Customer, redact: bool) -> None:
    """The generated dump function writes exactly what the cattrs machinery writes."""
    converter = make_converter(redact=redact)
    expected = converter.unstructure(customer)
    assert expected == converter.dump(customer)
    assert serialization._compile_unstructure(converter, Customer) is not None


@given(st.text(max_size=200).filter(str.strip))
def test_any_text_round_trips(text: str) -> None:
    """Free text of any characters (up to 200) survives a JSON round trip."""
    activity = Participation(activity=text, on=date(2025, 1, 1))
    assert activity == structure(json.loads(json.dumps(unstructure(activity))), Participation)


def deferred_loose(t: Any) -> st.SearchStrategy[Any]:
    """:func:`loose` for *t*, built when first drawn (the models nest)."""
    return st.deferred(lambda: loose(t))


@functools.cache
def loose(t: Any) -> st.SearchStrategy[Any]:
    """JSON-shaped data near the shape of *t*: often valid, often slightly wrong."""
    json_like = pst.json_values(max_leaves=4)
    inner = serialization._optional_of(t)
    if inner is not None:
        return st.none() | loose(inner)
    if attrs.has(t) and t not in sensitive_types():
        attrs.resolve_types(t)
        fields = {a.name: deferred_loose(a.type) for a in attrs.fields(t)}
        shaped = st.fixed_dictionaries({}, optional=fields)
        extra = st.dictionaries(st.sampled_from(["zz", "type", "1"]), json_like, max_size=1)
        valid = VALID[t].map(unstructure)
        # Valid dumps three times in five, so that both outcomes are common.
        return st.one_of(
            valid, valid, valid, st.builds(lambda d, e: {**d, **e}, shaped, extra), json_like
        )
    if typing.get_origin(t) is tuple:
        return st.lists(loose(typing.get_args(t)[0]), max_size=3) | json_like
    near: dict[Any, st.SearchStrategy[Any]] = {
        str: st.sampled_from(["A", " ", "", "x" * 201, "王"]),
        int: st.integers(1890, 2210) | st.just(2**53),
        bool: st.booleans() | st.sampled_from(["true", 0]),
        Decimal: st.sampled_from(["0", "0.01", "1.5", "-3", "1E+5", "NaN", "1" * 16, "2.1234567"])
        | st.integers(-(10**16), 10**16)
        | st.floats(),
        date: st.dates(date(1899, 1, 1), date(2201, 1, 1)).map(date.isoformat)
        | st.sampled_from(["2020-02-30", "2020-1-1"]),
        datetime: pst.aware_datetimes().map(datetime.isoformat)
        | st.sampled_from(["2020-01-01T00:00:00", "2020-01-01T00:00:00Z"]),
        MobileNumber: pst.mobile_numbers().map(MobileNumber.reveal)
        | st.sampled_from(["12812341234", "1381234123"]),
        IdCardNumber: pst.id_card_numbers().map(IdCardNumber.reveal)
        | st.just("110105194912310021"),
        PersonName: pst.person_names().map(PersonName.reveal) | st.just(" "),
        Address: pst.addresses().map(Address.reveal) | st.just("路" * 201),
        time: st.times().map(lambda t: t.strftime("%H:%M"))
        | st.sampled_from(["24:00", "9:00", "09:00:60", "09:00+08:00"]),
        timedelta: DURATIONS.map(_parse.format_duration)
        | st.sampled_from(["P", "PT", "P1Y", "PT1.5H", "-PT1H", "P1DT"]),
        tzinfo: st.sampled_from(
            [
                "UTC",
                "+08:00",
                "-05:30",
                "Asia/Shanghai",
                "Europe/Berlin",
                "Asia",
                "+24:00",
                "Z",
                "localtime",
            ]
        ),
    }
    if t in near:
        return near[t] | json_like
    assert serialization._is_enum(t)
    return st.sampled_from([m.value for m in t]) | st.just("nope") | json_like


VALID: dict[type[Any], st.SearchStrategy[Any]] = {
    SlaRule: SLA_RULES,
    SlaPolicy: SLA_POLICIES,
    RepeatPolicy: REPEAT_POLICIES,
    WorkingHours: WORKING_HOURS,
    **EVENT_MODELS,
    Money: pst.money(),
    Period: pst.periods(),
    PropertyUnit: pst.property_units(),
    Role: pst.roles(),
    Contact: pst.contacts(),
    Preferences: pst.preferences(),
    YearlyFee: pst.yearly_fees(),
    Arrears: pst.arrears(),
    ServicePurchase: pst.service_purchases(),
    Referral: pst.referrals(),
    Participation: pst.participations(),
    Contribution: pst.contributions(),
    Customer: pst.customers(),
}

LOOSE_MODELS = [
    SlaPolicy,
    RepeatPolicy,
    WorkingHours,
    *EVENT_MODELS,
    Money,
    Period,
    PropertyUnit,
    Role,
    Contact,
    Preferences,
    YearlyFee,
    Arrears,
    ServicePurchase,
    Contribution,
    Customer,
]


DEFAULT_LIMITS = Limits()


def load_outcome(load: Callable[[Any, Any], Any], data: Any, cl: Any) -> tuple[str, Any]:
    """``("ok", object)`` or ``("error", report)``; any other exception propagates."""
    try:
        return "ok", load(data, cl)
    except ValidationError as exc:
        return "error", exc.report


def assert_sane(value: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    """An accepted value passes its validators again and holds only bounded, finite parts."""
    if isinstance(value, tuple):
        assert len(value) <= limits.max_items
        for item in value:
            assert_sane(item, limits)
    elif isinstance(value, Decimal):
        assert value.is_finite()
        assert abs(value) < 10**15
    elif isinstance(value, datetime):
        assert value.utcoffset() is not None
    elif isinstance(value, str):
        assert len(value) <= limits.max_string
    elif attrs.has(type(value)) and type(value) not in sensitive_types():
        attrs.validate(value)
        for a in attrs.fields(type(value)):
            assert_sane(getattr(value, a.name), limits)


def check_paths_agree(converter: PmcrmConverter, data: Any, cl: Any) -> None:
    """load and load_detailed agree, and the compiled fast function never accepts more."""
    fast = load_outcome(converter.load, data, cl)
    detailed = load_outcome(converter.load_detailed, data, cl)
    assert fast == detailed
    compiled = serialization._compile_structure(converter, cl)
    assert compiled is not None
    try:
        direct = compiled(data)
    except Exception:  # noqa: BLE001, S110 - the fast path may always refuse
        pass
    else:
        assert ("ok", direct) == detailed
    if detailed[0] == "ok":
        assert_sane(detailed[1], converter.limits)
        assert detailed[1] == converter.load(converter.dump(detailed[1]), cl)


LOOSE: dict[Any, st.SearchStrategy[Any]] = {cl: loose(cl) for cl in LOOSE_MODELS}
CONVERTER = make_converter()
SMALL = make_converter(limits=Limits(max_items=2, max_string=8))
LAX = make_converter(forbid_extra_keys=False)


@pytest.mark.parametrize("cl", LOOSE_MODELS, ids=lambda c: c.__name__)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_accepts_exactly_what_the_detailed_path_accepts(
    cl: type[Any], data: st.DataObject
) -> None:
    """For near-valid and arbitrary JSON, both paths return equal objects or equal reports."""
    value = data.draw(LOOSE[cl], label="input")
    converter = data.draw(st.sampled_from([CONVERTER, SMALL, LAX]), label="converter")
    check_paths_agree(converter, value, cl)


def corruptions(value: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (path, node) inside JSON-shaped *value*."""
    found = [((), value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += [((key, *path), node) for path, node in corruptions(item)]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += [((index, *path), node) for path, node in corruptions(item)]
    return found


WRONG: st.SearchStrategy[Any] = st.sampled_from(
    [
        None,
        True,
        0,
        -1,
        1.5,
        2**53,
        10**16,
        "",
        " ",
        "x" * 201,
        "1E+5",
        "NaN",
        "2020-02-30",
        [],
        {},
    ]
) | pst.json_values(max_leaves=3)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(pst.customers(), st.data())
def test_fast_path_agrees_on_near_misses(customer: Customer, data: st.DataObject) -> None:
    """A valid customer with one corruption loads the same way on both paths."""
    dumped = unstructure(customer)
    path, node = data.draw(st.sampled_from(corruptions(dumped)), label="where")
    how = data.draw(st.sampled_from(["replace", "delete", "extra", "append"]), label="how")
    corrupted = copy.deepcopy(dumped)
    parent: Any = corrupted
    for step in path[:-1]:
        parent = parent[step]
    if not path:
        corrupted = data.draw(WRONG)
    elif how == "delete":
        del parent[path[-1]]
    elif how == "extra" and isinstance(node, dict):
        parent[path[-1]][data.draw(st.text(max_size=4))] = 1
    elif how == "append" and isinstance(node, list):
        parent[path[-1]].append(data.draw(WRONG))
    else:
        parent[path[-1]] = data.draw(WRONG)
    check_paths_agree(CONVERTER, corrupted, Customer)


@pytest.mark.parametrize("cl", LOOSE_MODELS, ids=lambda c: c.__name__)
@given(value=pst.json_values())
def test_arbitrary_json_loads_or_raises_validation_error(cl: type[Any], value: Any) -> None:
    """Whatever JSON arrives, loading returns a valid object or raises ValidationError only."""
    outcome, loaded = load_outcome(structure, value, cl)
    if outcome == "ok":
        assert_sane(loaded)
    else:
        assert len(loaded) >= 1


@attrs.frozen
class WithFactory:
    """A user class with a factory default (left to the detailed path)."""

    tags: tuple[str, ...] = attrs.field(factory=tuple)


@attrs.frozen
class WithHiddenField:
    """A user class with a field that ``__init__`` does not take."""

    name: str
    hidden: int = attrs.field(init=False, default=0)


def test_classes_the_fast_path_cannot_build_load_through_cattrs() -> None:
    """Factory defaults and init=False fields make the fast path step aside, not fail."""
    converter = make_converter()
    assert serialization._compile_structure(converter, WithFactory) is None
    assert serialization._compile_structure(converter, WithHiddenField) is None
    assert converter.load({}, WithFactory) == WithFactory()
    assert converter.load({"tags": ["a"]}, WithFactory) == WithFactory(tags=("a",))
    assert converter.load({"name": "x"}, WithHiddenField) == WithHiddenField(name="x")


# --- a fault at a key the input leaves out -----------------------------------------


def test_a_cross_field_fault_at_a_defaulted_key_is_reported_where_the_input_has_it() -> None:
    """An answer with neither score nor na: the rule faults ``score``, which the input lacks."""
    from pmcrm.surveys.responses import Answer

    with pytest.raises(ValidationError) as error:
        serialization.structure({"item": "q1"}, Answer)
    [entry] = error.value.report
    assert (entry.path, entry.code) == ("$", "invalid")
    assert entry.message_en.startswith("'score' is invalid: an answer has exactly one")
    assert entry.message_zh.startswith("'score' 无效")
    # Given, the same key is where the fault is.
    with pytest.raises(ValidationError) as given:
        serialization.structure({"item": "q1", "score": None}, Answer)
    assert [e.path for e in given.value.report] == ["$.score"]


ENTRY = ReportEntry(path="", code="invalid", message_zh="甲", message_en="a")


@pytest.mark.parametrize(
    ("path", "code", "data", "reported"),
    [
        ("$.a.b", "invalid", {"a": {}}, "$.a"),  # b left out
        ("$.a.b.c", "invalid", {"a": {}}, "$.a"),  # deeper: the nearest object the input has
        ("$.a", "invalid", {}, "$"),
        ("$.a[1].b", "range", {"a": [{}, {"c": 1}]}, "$.a[1]"),
        ("$.a.b", "missing", {"a": {}}, "$.a.b"),  # names the key to add: kept
        ("$.a.b", "invalid", {"a": {"b": None}}, "$.a.b"),  # present, even null
        ("$", "invalid", 3, "$"),
        ("$.a['x y'].b", "invalid", {"a": {"x y": {}}}, "$.a['x y'].b"),  # quoted: kept
        ("$.a.b", "invalid", {"a": "text"}, "$.a.b"),  # not an object: kept
        ("$.a[2]", "invalid", {"a": [1]}, "$.a[2]"),  # no such item: kept
        ("$.a[0]", "invalid", {"a": {"0": 1}}, "$.a[0]"),  # not an array: kept
    ],
)
def test_an_entry_moves_only_off_a_key_the_input_lacks(
    path: str, code: str, data: Any, reported: str
) -> None:
    """Only an absent key moves an entry; its code and messages stay."""
    entry = attrs.evolve(ENTRY, path=path, code=code)
    moved = serialization._in_input(entry, data)
    assert moved == attrs.evolve(entry, path=reported)


@pytest.mark.parametrize(
    ("data", "cls", "path", "zh", "en"),
    [
        (
            {"code": 1, "property_type": "office", "area": "10"},
            PropertyUnit,
            "$.code",
            "'code' 应为 字符串，实际为 整数",
            "'code' must be a string, got integer",
        ),
        (
            {"year": True, "amount": {"amount": "1"}},
            YearlyFee,
            "$.year",
            "'year' 应为 整数，实际为 布尔值",
            "'year' must be an integer, got boolean",
        ),
        (  # personal data: the value is never echoed, the types are named
            ["王"],
            PersonName,
            "$",
            "'$' 应为 字符串，实际为 数组",
            "'$' must be a string, got array",
        ),
    ],
)
def test_type_faults_name_the_json_types_in_each_language(
    data: Any, cls: type[Any], path: str, zh: str, en: str
) -> None:
    """The Chinese message names the expected and the given JSON type in Chinese."""
    with pytest.raises(ValidationError) as error:
        structure(data, cls)
    [entry] = [e for e in error.value.report if e.path == path]
    assert (entry.code, entry.message_zh, entry.message_en) == ("type", zh, en)
