"""pmcrm.deprecation: the policy rule, the records, the warning and the decorators.

Every name deprecated here is a throwaway: pmcrm has no deprecation yet.
"""

import inspect
import pickle
import re
import types
import warnings
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmcrm.deprecation import (
    DEPRECATIONS,
    MIN_WARNING_RELEASES,
    Deprecation,
    PmcrmDeprecationWarning,
    deprecated,
    minor_release,
    moved_names,
    registry,
    warning_releases,
)
from pmcrm.errors import InvalidValue
from pmcrm.values import Money

OLD = Deprecation(
    name="pmcrm.throwaway.old",
    since="0.2",
    removed_in="0.4",
    replacement="pmcrm.throwaway.new",
)


def _record(name: str, **changes: Any) -> Deprecation:
    return attrs.evolve(OLD, **{"name": f"pmcrm.throwaway.{name}", "replacement": None, **changes})


def _line_below(lines: int) -> int:
    """The number of the line *lines* below the caller's."""
    frame = inspect.currentframe()
    assert frame is not None
    assert frame.f_back is not None
    return frame.f_back.f_lineno + lines


def _only(caught: pytest.WarningsRecorder) -> warnings.WarningMessage:
    """The single warning *caught*, checked to be pmcrm's."""
    assert 1 == len(caught)
    assert caught[0].category is PmcrmDeprecationWarning
    return caught[0]


# -- the rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.3", (0, 3)), ("1.4.2", (1, 4)), ("0.3.0rc1", (0, 3)), ("10.20.0.dev1", (10, 20))],
)
def test_minor_release_drops_patch_and_suffix(version: str, expected: tuple[int, int]) -> None:
    """Only the major and minor numbers of a version count."""
    assert expected == minor_release(version)


@pytest.mark.parametrize("version", ["", "1", "v0.2", "0.x", "01.2", "0.2 "])
def test_minor_release_refuses_non_versions(version: str) -> None:
    """A string that does not start with MAJOR.MINOR is refused, naming it."""
    with pytest.raises(ValueError, match="not a version"):
        minor_release(version)


@pytest.mark.parametrize(
    ("since", "removed_in", "expected"),
    [
        ("0.1", "0.3", 2),  # 0.1, 0.2
        ("0.1", "0.2", 1),
        ("1.4", "1.6", 2),  # 1.4, 1.5
        ("1.4", "1.9", 5),
        ("1.4", "2.0", 1),  # 2.0 may follow 1.4 directly
        ("1.4", "2.1", 2),  # 1.4, 2.0
        ("1.9", "3.0", 2),  # 1.9, 2.0
        ("0.9", "1.0", 1),
        ("0.9", "1.2", 3),  # 0.9, 1.0, 1.1
        ("1.4", "4.2", 5),  # 1.4, 2.0, 3.0, 4.0, 4.1
        ("0.2", "0.2", 0),
        ("0.3", "0.1", 0),
        ("2.0", "1.9", 0),
    ],
)
def test_warning_releases_counts_the_releases_certain_to_warn(
    since: str, removed_in: str, expected: int
) -> None:
    """Releases between *since* and the removal, a major bump counting once."""
    assert expected == warning_releases(since, removed_in)


releases = st.tuples(st.integers(0, 5), st.integers(0, 12))


@given(since=releases, removed_in=releases, later=st.integers(0, 3))
def test_a_later_removal_never_counts_fewer_releases(
    since: tuple[int, int], removed_in: tuple[int, int], later: int
) -> None:
    """Moving the removal to a later minor only adds releases of warnings."""
    text = "{}.{}".format
    first = warning_releases(text(*since), text(*removed_in))
    second = warning_releases(text(*since), text(removed_in[0], removed_in[1] + later))
    if removed_in > since:
        assert first + later == second
    else:
        assert 0 == first
        assert first <= second


@given(since=releases, removed_in=releases)
def test_a_record_is_accepted_exactly_when_the_policy_holds(
    since: tuple[int, int], removed_in: tuple[int, int]
) -> None:
    """Building a record succeeds if and only if it leaves two releases of warnings."""
    since_text, removed_text = "{}.{}".format(*since), "{}.{}".format(*removed_in)
    allowed = warning_releases(since_text, removed_text) >= MIN_WARNING_RELEASES
    try:
        Deprecation(name="pmcrm.x", since=since_text, removed_in=removed_text)
    except InvalidValue:
        assert not allowed
    else:
        assert allowed


# -- records ----------------------------------------------------------------------


def test_a_removal_too_soon_is_refused_in_both_languages() -> None:
    """The error names the field, the figures and the policy."""
    with pytest.raises(InvalidValue) as info:
        Deprecation(name="pmcrm.x", since="1.4", removed_in="2.0")
    assert "removed_in" == info.value.field
    assert (
        "'removed_in' is invalid: removal in 2.0 leaves 1 release(s) of warnings after 1.4; "
        "the policy asks for at least 2"
    ) == str(info.value)
    assert (
        "'removed_in' 无效：在 2.0 移除，自 1.4 起只有 1 个版本发出警告；弃用政策要求至少 2 个"
    ) == info.value.message_zh


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "old"),
        ("name", "pmcrm.1x"),
        ("name", "pmcrm..x"),
        ("since", "0.2.0"),
        ("since", "v0.2"),
        ("removed_in", "1"),
        ("replacement", "use new"),
    ],
)
def test_malformed_fields_are_refused(field: str, value: str) -> None:
    """Names are dotted identifiers; releases are MAJOR.MINOR, without a patch number."""
    with pytest.raises(ValueError, match=f"'{field}' must match regex"):
        attrs.evolve(OLD, **{field: value})


def test_a_name_cannot_replace_itself() -> None:
    """The replacement must be another name."""
    with pytest.raises(InvalidValue, match="'replacement' is invalid: a name cannot replace"):
        attrs.evolve(OLD, replacement=OLD.name)


@pytest.mark.parametrize(("given_", "missing"), [("note_zh", "note_en"), ("note_en", "note_zh")])
def test_a_note_needs_both_languages(given_: str, missing: str) -> None:
    """A note in one language only is refused, naming the missing one."""
    with pytest.raises(InvalidValue, match=f"'{missing}' is invalid: a note needs both") as info:
        attrs.evolve(OLD, **{given_: "x"})
    assert missing == info.value.field


def test_messages_with_replacement_and_note() -> None:
    """The message names the release, the removal, the replacement and the note."""
    record = attrs.evolve(OLD, note_zh="参数顺序不变。", note_en="The arguments are unchanged.")
    assert (
        "pmcrm.throwaway.old is deprecated since pmcrm 0.2 and will be removed in 0.4; "
        "use pmcrm.throwaway.new instead. The arguments are unchanged."
    ) == record.message_en
    assert (
        "pmcrm.throwaway.old 自 pmcrm 0.2 起已弃用，将在 0.4 版中移除；"
        "请改用 pmcrm.throwaway.new。参数顺序不变。"
    ) == record.message_zh


def test_messages_without_replacement() -> None:
    """Without a replacement the message just ends."""
    record = _record("gone")
    assert (
        "pmcrm.throwaway.gone is deprecated since pmcrm 0.2 and will be removed in 0.4."
        == record.message_en
    )
    assert "pmcrm.throwaway.gone 自 pmcrm 0.2 起已弃用，将在 0.4 版中移除。" == record.message_zh


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.3.9", False), ("0.4.0", True), ("0.4.0rc1", True), ("0.10", True), ("1.0", True)],
)
def test_removed_by(version: str, expected: bool) -> None:
    """A version may have removed the name from *removed_in* on, patches and suffixes aside."""
    assert expected is OLD.removed_by(version)


# -- the warning ------------------------------------------------------------------


def test_the_warning_is_a_deprecation_warning_with_both_languages() -> None:
    """Filters for DeprecationWarning catch it; it carries its record."""
    warning = PmcrmDeprecationWarning(OLD)
    assert isinstance(warning, DeprecationWarning)
    assert not isinstance(warning, FutureWarning)
    assert OLD is warning.deprecation
    assert OLD.message_en == str(warning)
    assert OLD.message_zh == warning.message_zh


def test_the_warning_pickles() -> None:
    """A warning crosses process boundaries (pytest-xdist, multiprocessing)."""
    copy = pickle.loads(pickle.dumps(PmcrmDeprecationWarning(OLD)))  # noqa: S301 - our own bytes
    assert OLD == copy.deprecation
    assert OLD.message_en == str(copy)


# -- deprecated() -----------------------------------------------------------------


def test_a_deprecated_function_warns_at_the_callers_line() -> None:
    """The function still works; the warning points here, not into pmcrm."""

    @deprecated(OLD)
    def old(a: int, b: int = 0) -> int:
        """Add."""
        return a + b

    line = _line_below(2)
    with pytest.warns(PmcrmDeprecationWarning) as caught:
        result = old(1, b=2)
    assert 3 == result
    warning = _only(caught)
    assert (__file__, line) == (warning.filename, warning.lineno)
    assert OLD.message_en == str(warning.message)
    assert ("old", "Add.") == (old.__name__, old.__doc__)
    assert OLD.message_en == old.__deprecated__  # type: ignore[attr-defined]


class _Account:
    """Methods of every kind, deprecated."""

    @deprecated(_record("method"))
    def method(self) -> str:
        return "method"

    @deprecated(_record("above_classmethod"))
    @classmethod
    def above_classmethod(cls) -> str:
        return cls.__name__

    @classmethod
    @deprecated(_record("below_classmethod"))
    def below_classmethod(cls) -> str:
        return cls.__name__

    @deprecated(_record("above_staticmethod"))
    @staticmethod
    def above_staticmethod() -> str:
        return "static"

    @staticmethod
    @deprecated(_record("below_staticmethod"))
    def below_staticmethod() -> str:
        return "static"

    @deprecated(_record("above_property"))  # type: ignore[prop-decorator]
    @property
    def above_property(self) -> str:
        return "property"

    @property
    @deprecated(_record("below_property"))
    def below_property(self) -> str:
        return "property"


@pytest.mark.parametrize(
    ("name", "use", "expected"),
    [
        pytest.param("method", lambda a: a.method(), "method", id="method"),
        pytest.param(
            "above_classmethod", lambda a: a.above_classmethod(), "_Account", id="cm-above"
        ),
        pytest.param(
            "above_classmethod", lambda a: _Account.above_classmethod(), "_Account", id="cm-cls"
        ),
        pytest.param(
            "below_classmethod", lambda a: a.below_classmethod(), "_Account", id="cm-below"
        ),
        pytest.param(
            "above_staticmethod", lambda a: a.above_staticmethod(), "static", id="sm-above"
        ),
        pytest.param(
            "above_staticmethod", lambda a: _Account.above_staticmethod(), "static", id="sm-cls"
        ),
        pytest.param(
            "below_staticmethod", lambda a: a.below_staticmethod(), "static", id="sm-below"
        ),
        pytest.param("above_property", lambda a: a.above_property, "property", id="p-above"),
        pytest.param("below_property", lambda a: a.below_property, "property", id="p-below"),
    ],
)
def test_deprecated_methods_warn_at_the_callers_line(name: str, use: Any, expected: str) -> None:
    """Methods, class and static methods and properties warn, wherever the decorator sits."""
    account = _Account()
    with pytest.warns(PmcrmDeprecationWarning) as caught:
        result = use(account)
    assert expected == result
    warning = _only(caught)
    assert isinstance(warning.message, PmcrmDeprecationWarning)
    assert f"pmcrm.throwaway.{name}" == warning.message.deprecation.name
    # The caller is the lambda in the parameter list above.
    assert (__file__, use.__code__.co_firstlineno) == (warning.filename, warning.lineno)


def test_a_deprecated_attrs_class_warns_when_built() -> None:
    """Building an instance warns at the caller's line; the class is otherwise unchanged."""

    @deprecated(_record("Point"))
    @attrs.frozen
    class Point:
        x: int
        y: int = 0

    line = _line_below(2)
    with pytest.warns(PmcrmDeprecationWarning) as caught:
        point = Point(1, y=2)
    assert (1, 2) == (point.x, point.y)
    warning = _only(caught)
    assert (__file__, line) == (warning.filename, warning.lineno)
    marker = Point.__deprecated__  # type: ignore[attr-defined]
    assert "pmcrm.throwaway.Point is deprecated" in marker
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PmcrmDeprecationWarning)
        assert Point(3) == attrs.evolve(point, x=3, y=0)


def test_a_deprecated_class_with_only_a_new_warns_and_still_builds() -> None:
    """A class whose arguments go to ``__new__`` keeps working."""

    @deprecated(_record("Code"))
    class Code(str):
        __slots__ = ()

        def __new__(cls, text: str) -> "Code":
            return super().__new__(cls, text.upper())

    with pytest.warns(PmcrmDeprecationWarning) as caught:
        code = Code("a-1")
    assert "A-1" == code
    _only(caught)


def test_deprecated_refuses_what_it_cannot_wrap() -> None:
    """A value that is not callable, or a property without a getter, is refused."""
    with pytest.raises(TypeError, match=re.escape("not int: pmcrm.throwaway.old")):
        deprecated(OLD)(42)
    with pytest.raises(TypeError, match="a property with a getter"):
        deprecated(OLD)(property())


# -- moved_names() ----------------------------------------------------------------


def _module(*records: Deprecation) -> types.ModuleType:
    module = types.ModuleType("pmcrm.throwaway")
    module.__getattr__ = moved_names("pmcrm.throwaway", *records)  # type: ignore[method-assign]
    return module


def test_a_moved_name_warns_and_returns_its_replacement() -> None:
    """The old module attribute still works, with a warning pointing at the reader."""
    module = _module(
        _record("Amount", replacement="pmcrm.values.Money"),
        _record("make", replacement="pmcrm.values.Money.of"),
    )
    line = _line_below(2)
    with pytest.warns(PmcrmDeprecationWarning) as caught:
        amount = module.Amount
    assert Money is amount
    warning = _only(caught)
    assert (__file__, line) == (warning.filename, warning.lineno)
    with pytest.warns(PmcrmDeprecationWarning):
        assert Money.of == module.make


def test_other_names_of_a_module_with_moved_names_raise_attribute_error() -> None:
    """An unknown name fails as it does on any module, and warns nothing."""
    module = _module(_record("Amount", replacement="pmcrm.values.Money"))
    with pytest.raises(
        AttributeError, match=re.escape("module 'pmcrm.throwaway' has no attribute 'nope'")
    ):
        _ = module.nope
    assert not hasattr(module, "Money")


def test_a_moved_name_whose_replacement_is_missing_fails_on_use() -> None:
    """A replacement that cannot be imported is reported when the name is read."""
    module = _module(
        _record("lost", replacement="nosuchpackage.thing"),
        _record("typo", replacement="pmcrm.values.Mony"),
    )
    with pytest.warns(PmcrmDeprecationWarning), pytest.raises(ModuleNotFoundError):
        _ = module.lost
    with pytest.warns(PmcrmDeprecationWarning), pytest.raises(AttributeError, match="Mony"):
        _ = module.typo


def test_moved_names_checks_its_records() -> None:
    """A record of another module, or without a replacement, is refused up front."""
    with pytest.raises(
        InvalidValue, match=re.escape("not an attribute of the module pmcrm.throwaway")
    ):
        moved_names("pmcrm.throwaway", _record("x.y", replacement="pmcrm.values.Money"))
    with pytest.raises(InvalidValue, match="'replacement' is invalid: a moved name needs"):
        moved_names("pmcrm.throwaway", _record("gone"))


# -- the registry -----------------------------------------------------------------


def test_registry_is_sorted_and_read_only() -> None:
    """Records are found by name, in name order, and the table cannot be changed."""
    table = registry(_record("b"), _record("a"))
    assert ["pmcrm.throwaway.a", "pmcrm.throwaway.b"] == list(table)
    assert _record("a") == table["pmcrm.throwaway.a"]
    with pytest.raises(TypeError):
        table["pmcrm.throwaway.c"] = _record("c")  # type: ignore[index]


def test_registry_refuses_two_records_for_one_name() -> None:
    """Each name is deprecated once."""
    with pytest.raises(InvalidValue, match=re.escape("two records for pmcrm.throwaway.a")):
        registry(_record("a"), _record("a", removed_in="0.5"))


def test_pmcrms_own_registry_is_consistent() -> None:
    """Each record is filed under its own name (pmcrm has deprecated nothing yet)."""
    assert all(name == record.name for name, record in DEPRECATIONS.items())
