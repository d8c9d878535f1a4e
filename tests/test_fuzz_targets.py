"""The structured fuzz tests' own ground: their targets, path resolver, corruptions and checks.

The target list must cover every public attrs class (a new model cannot be
forgotten), and the helpers of ``fuzz_support.py`` must be able to fail:
each is checked here on inputs whose answer is known.
"""

import importlib
from decimal import Decimal
from typing import Any

import attrs
import pytest

import fuzz_support
from fuzz_support import (
    EXCLUDED,
    TARGETS,
    Corruption,
    apply,
    carries_pii,
    check_no_pii,
    check_report,
    corruptions,
    dump,
    is_model,
    load,
    locate,
    pii_values,
    qualified_name,
    seeds,
    under,
    vocabulary,
)
from pmcrm.customers import Customer, PropertyType, PropertyUnit
from pmcrm.errors import ReportEntry, ValidationError, ValidationReport
from pmcrm.sample import sample_portfolio
from pmcrm.tiers.policy import TierLadder
from pmcrm.values import Label, Money, PersonName
from test_api import PUBLIC_MODULES

# --- the target list ------------------------------------------------------------------------


def public_attrs_classes() -> dict[str, type[Any]]:
    """Every attrs class named in the ``__all__`` of a public module, by qualified name."""
    found = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attribute in module.__all__:
            obj = getattr(module, attribute)
            if isinstance(obj, type) and attrs.has(obj):
                found[qualified_name(obj)] = obj
    return found


def test_targets_cover_every_public_model() -> None:
    """Each public attrs class is a target or excluded with a reason, never both."""
    public = public_attrs_classes()
    targeted = {qualified_name(t) for t in TARGETS.values() if is_model(t)}
    assert {"neither targeted nor excluded": [], "excluded but not public": []} == {
        "neither targeted nor excluded": sorted(set(public) - targeted - set(EXCLUDED)),
        "excluded but not public": sorted(set(EXCLUDED) - set(public)),
    }
    assert targeted & set(EXCLUDED) == set()
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_every_class_target_is_public() -> None:
    """Targets are the public classes themselves (no private stand-ins)."""
    public = public_attrs_classes()
    for t in TARGETS.values():
        if is_model(t):
            assert public[qualified_name(t)] is t


def test_tagged_unions_are_targets() -> None:
    """Loading a field typed as a union (conditions, criteria, benefits, events) is fuzzed too."""
    assert {"Condition", "Criterion", "Benefit", "ComplaintEvent", "ComplaintEvent-list"} <= set(
        TARGETS
    )
    assert not any(is_model(TARGETS[n]) for n in ("Condition", "ComplaintEvent"))


def test_sample_data_seeds_the_valid_values() -> None:
    """The sample files give valid seeds for the main models."""
    found = seeds()
    for cls in (Customer, TierLadder, PropertyUnit, Money):
        assert found[cls]
        for value in found[cls]:
            assert type(value) is cls


def test_vocabulary_holds_the_real_names() -> None:
    """Arbitrary JSON draws keys and strings from the target's fields, tags and enums."""
    words = vocabulary(Customer)
    assert {"units", "registered_at", "area", "mobile", "amount"} <= set(words.keys)
    assert {"residential", "2024-01-01T08:00:00"} <= set(words.strings)
    condition = vocabulary(TARGETS["Condition"])
    assert {"type", "conditions", "n"} <= set(condition.keys)
    assert {"all_of", "annual_fee"} <= set(condition.strings)


# --- paths ----------------------------------------------------------------------------------

DATA = {
    "units": [{"area": 1}, {"area": 2}],
    "odd key": {"class": None},
    "k" * 60: 1,
    "it's " + "q" * 50: 2,
}


@pytest.mark.parametrize(
    ("path", "code", "steps"),
    [
        ("$", "", ()),
        ("$.units", "", ("units",)),
        ("$.units[1].area", "", ("units", 1, "area")),
        ("$['odd key']", "", ("odd key",)),
        ("$['odd key']['class']", "", ("odd key", "class")),
        ("$['" + "k" * 37 + "…']", "", ("k" * 60,)),
        ("$[\"it's " + "q" * 32 + "…']", "", ("it's " + "q" * 50,)),
        ("$.units[0].building", "missing", ("units", 0, "building")),
        ("$['odd key']['some key']", "missing", ("odd key", "some key")),
        ("$['odd key']['class']", "missing", ("odd key", "class")),
    ],
)
def test_paths_resolve(path: str, code: str, steps: tuple[Any, ...]) -> None:
    """Paths in every spelling lead to their node; a missing key needs only its parent."""
    assert steps == locate(DATA, path, code)


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("units", ""),
        ("$.units[2]", ""),
        ("$.units[01]", ""),
        ("$.units.area", ""),
        ("$.units[0].building", ""),
        ("$.nope.area", "missing"),
        ("$.units[0].area.x", "missing"),
        ("$.units[5]", "missing"),
        ("$.class", ""),
        ("$['odd key'].class", ""),
        ("$['" + "x" * 37 + "…']", ""),
    ],
)
def test_paths_that_lead_nowhere(path: str, code: str) -> None:
    """A path that leaves the input, or spells a key wrongly, is not located."""
    assert locate(DATA, path, code) is None


def test_under() -> None:
    """A path is under itself and under its ancestors, not under its siblings."""
    assert under(("a", 1, "b"), ("a", 1))
    assert under(("a",), ("a",))
    assert not under(("a",), ("a", 1))
    assert not under(("a", 2), ("a", 1))


def test_converter_paths_for_odd_keys_resolve() -> None:
    """The converter's own spelling of odd, keyword and long keys is located by locate()."""
    data = {"zh": "甲", "en": "A", "odd key": 1, "class": 2, "k" * 60: 3, "it's " + "q" * 50: 4}
    loaded, error = load(data, Label)
    assert not loaded
    assert 4 == len(check_report(error, data))


# --- corruptions ----------------------------------------------------------------------------


def test_corruptions_cover_each_kind_of_fault() -> None:
    """A unit's dump can be broken in every way the fuzz tests use."""
    unit = PropertyUnit(code="A-1", property_type=PropertyType.RESIDENTIAL, area=Decimal("88.5"))
    found = corruptions(dump(unit, PropertyUnit), PropertyUnit)
    assert {
        "wrong type",
        "null",
        "out of range",
        "float for money",
        "overlong string",
        "blank string",
        "unknown choice",
        "unknown key",
        "deleted key",
    } <= {c.how for c in found}
    assert Corruption("out of range", ("area",), "0") in found
    assert Corruption("overlong string", ("code",), "x" * 41) in found
    assert Corruption("deleted key", ("area",), attrs.NOTHING) in found


def test_apply_leaves_the_original_alone() -> None:
    """apply() changes a copy: set, delete, append and replace the root."""
    data = {"a": [1], "b": 2}
    assert {"a": [1], "b": 3} == apply(data, Corruption("x", ("b",), 3))
    assert {"a": [1]} == apply(data, Corruption("x", ("b",), attrs.NOTHING))
    assert {"a": [1, 7], "b": 2} == apply(data, Corruption("x", ("a", 1), 7))
    assert 5 == apply(data, Corruption("x", (), 5))
    assert {"a": [1], "b": 2} == data


def test_every_corruption_of_a_sample_customer_is_located() -> None:
    """Deterministically: each single fault in a real customer is refused at its place."""
    customer = sample_portfolio()[0]
    dumped = dump(customer, Customer)
    every = corruptions(dumped, Customer)
    assert len(every) > 100
    for corruption in every:
        broken = apply(dumped, corruption)
        loaded, error = load(broken, Customer)
        assert not loaded, corruption
        located = check_report(error, broken)
        assert any(under(steps, corruption.steps) for steps in located), (corruption, error)


# --- checks ---------------------------------------------------------------------------------


def fake_error(*entries: ReportEntry) -> ValidationError:
    """A validation error with the given entries."""
    return ValidationError(ValidationReport(entries), "Thing")


def test_check_report_refuses_a_path_not_in_the_input() -> None:
    """check_report() fails for an entry whose path is not in the input."""
    entry = ReportEntry(path="$.b", code="type", message_zh="甲", message_en="a")
    check_report(fake_error(entry), {"b": 1})
    with pytest.raises(AssertionError, match="not in the input"):
        check_report(fake_error(entry), {"a": 1})
    missing = attrs.evolve(entry, code="missing")
    check_report(fake_error(missing), {"a": 1})


def test_check_report_refuses_an_empty_message() -> None:
    """Both messages must say something."""
    entry = ReportEntry(path="$", code="type", message_zh=" ", message_en="a")
    with pytest.raises(AssertionError):
        check_report(fake_error(entry), {})


def test_personal_data_is_found_and_its_leaks_caught() -> None:
    """pii_values() finds every piece; check_no_pii() catches it, or its start, in a message."""
    customer = sample_portfolio()[0]
    secrets = pii_values(customer)
    assert customer.name.reveal() in secrets
    assert len(secrets) >= 3
    assert carries_pii(Customer)
    assert not carries_pii(Money)
    address = "上海市浦东新区世纪大道 100 号"
    clean = ReportEntry(path="$.x", code="empty", message_zh="空", message_en="empty")
    check_no_pii(fake_error(clean), {address, PersonName("王伟").reveal()})
    for shown in (address, address[:12] + "…"):
        leak = attrs.evolve(clean, message_en=f"bad: {shown}")
        with pytest.raises(AssertionError, match=r"personal data|start"):
            check_no_pii(fake_error(leak), {address})


def test_load_lets_other_exceptions_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    """load() returns values and validation errors; it hides nothing else."""
    assert (True, Label(zh="甲", en="A")) == load({"zh": "甲", "en": "A"}, Label)
    loaded, error = load({"zh": 1}, Label)
    assert not loaded
    assert isinstance(error, ValidationError)

    def broken(data: Any, t: Any) -> Any:
        raise KeyError(data)

    monkeypatch.setattr(fuzz_support, "structure", broken)
    with pytest.raises(KeyError):
        load({}, Label)


def test_check_report_refuses_a_wrapped_crash() -> None:
    """An ``invalid`` entry that names a crash (KeyError…) fails; a ValueError does not."""
    crash = ReportEntry(
        path="$",
        code="invalid",
        message_zh="'$' 无效：KeyError",
        message_en="'$' is invalid: KeyError",
    )
    with pytest.raises(AssertionError, match="a crash"):
        check_report(fake_error(crash), {})
    refusal = attrs.evolve(crash, message_en="'$' is invalid: ValueError")
    check_report(fake_error(refusal), {})
