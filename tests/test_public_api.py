"""The public-API list: no public name disappears without a deprecation.

``tests/api/public_api.txt`` lists every public name (written by
``python scripts/public_api.py``, which this module loads as
:data:`public_api`).  Against the code:

(a) every listed name still exists, unless :data:`pmcrm.deprecation.DEPRECATIONS`
    deprecated it and this version is its ``removed_in`` or later;
(b) a deprecated name that still exists warns with
    :class:`~pmcrm.deprecation.PmcrmDeprecationWarning`;
(c) a public name missing from the list fails, so that additions are
    deliberate (regenerate the list and review the diff).

The checks are plain functions, tried first on throwaway names.
"""

import importlib.util
import sys
import types
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

import pmcrm
from pmcrm.deprecation import (
    DEPRECATIONS,
    MIN_WARNING_RELEASES,
    Deprecation,
    PmcrmDeprecationWarning,
    deprecated,
    moved_names,
    registry,
)

ROOT = Path(__file__).resolve().parents[1]
POLICY = (
    f"a public name must keep working, warning with PmcrmDeprecationWarning, for at least "
    f"{MIN_WARNING_RELEASES} releases before it is removed: restore it, or deprecate it "
    "(pmcrm.deprecation.DEPRECATIONS; docs/explanation/versioning.rst)"
)
REGENERATE = "run `python scripts/public_api.py` and review the diff"


def _load_script() -> types.ModuleType:
    """``scripts/public_api.py`` as a module (scripts are not a package)."""
    spec = importlib.util.spec_from_file_location("public_api", ROOT / "scripts" / "public_api.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The script that writes the list; ``tests/test_api.py`` uses its module walk.
public_api = _load_script()


# -- the checks ---------------------------------------------------------------------


def missing_names(
    listed: Iterable[str],
    current: Collection[str],
    deprecations: Mapping[str, Deprecation],
    version: str,
) -> list[str]:
    """(a) A problem for each listed name gone from *current* against the policy."""
    problems = []
    for name in listed:
        if name in current:
            continue
        record = deprecations.get(name)
        if record is None:
            problems.append(f"{name} disappeared without a deprecation: {POLICY}")
        elif not record.removed_by(version):
            problems.append(
                f"{name} was removed in {version}, too early: deprecated since "
                f"{record.since}, it must keep working until {record.removed_in}"
            )
    return problems


def silent_deprecations(
    deprecations: Mapping[str, Deprecation],
    current: Collection[str],
    resolve: Callable[[str], object],
) -> list[str]:
    """(b) A problem for each deprecated name in *current* that does not warn.

    Reading the name must warn (a moved name), or the object must be marked
    by :func:`~pmcrm.deprecation.deprecated` with this record, whose calls
    warn (``tests/test_deprecation.py``).
    """
    problems = []
    for name, record in deprecations.items():
        if name not in current:
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            obj = resolve(name)
        warned = any(
            isinstance(w.message, PmcrmDeprecationWarning) and w.message.deprecation == record
            for w in caught
        )
        marked = record.message_en in {
            getattr(obj, "__deprecated__", None),
            getattr(getattr(obj, "fget", None), "__deprecated__", None),
        }
        if not (warned or marked):
            problems.append(
                f"{name} is deprecated since {record.since} but does not warn: decorate it "
                "with pmcrm.deprecation.deprecated, or serve it with moved_names"
            )
    return problems


def new_names(listed: Collection[str], current: Iterable[str]) -> list[str]:
    """(c) The problem, if any, of public names missing from the list."""
    new = [name for name in current if name not in listed]
    return [f"new public names: {', '.join(new)} — {REGENERATE}"] if new else []


# -- the checks on throwaway names --------------------------------------------------


def _record(name: str, since: str, removed_in: str, **kwargs: Any) -> Deprecation:
    return Deprecation(
        name=f"pmcrm.throwaway.{name}", since=since, removed_in=removed_in, **kwargs
    )


THROWAWAY = registry(
    _record("old", "0.1", "0.3"),
    _record("early", "0.2", "0.4"),
    _record("loud", "0.2", "0.4"),
    _record("Moved", "0.2", "0.4", replacement="pmcrm.values.Money"),
    _record("quiet", "0.2", "0.4"),
    _record("Level.level", "0.2", "0.4"),
)


@pytest.mark.parametrize(("version", "old_allowed"), [("0.3.0", True), ("0.2.1", False)])
def test_missing_names_allows_only_removals_that_kept_the_policy(
    version: str, old_allowed: bool
) -> None:
    """A name may go once its ``removed_in`` is reached, and never without a record."""
    listed = ["pmcrm.throwaway.kept", "pmcrm.throwaway.gone", "pmcrm.throwaway.old"]
    listed += ["pmcrm.throwaway.early"]
    problems = missing_names(listed, {"pmcrm.throwaway.kept"}, THROWAWAY, version)
    expected = [f"pmcrm.throwaway.gone disappeared without a deprecation: {POLICY}"]
    if not old_allowed:
        expected.append(
            f"pmcrm.throwaway.old was removed in {version}, too early: deprecated since 0.1, "
            "it must keep working until 0.3"
        )
    expected.append(
        f"pmcrm.throwaway.early was removed in {version}, too early: deprecated since 0.2, "
        "it must keep working until 0.4"
    )
    assert expected == problems


def test_missing_names_message_names_the_policy() -> None:
    """The message says what to do, and where the policy is written."""
    [problem] = missing_names(["pmcrm.throwaway.gone"], set(), THROWAWAY, "0.1.0")
    assert "at least 2 releases" in problem
    assert "docs/explanation/versioning.rst" in problem


def test_silent_deprecations_finds_names_that_do_not_warn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Decorated and moved names warn; a recorded name left as it was does not."""
    module = types.ModuleType("pmcrm.throwaway")

    @deprecated(THROWAWAY["pmcrm.throwaway.loud"])
    def loud() -> None:
        """A deprecated function."""

    class Level:
        """A class with a deprecated property."""

        @property
        @deprecated(THROWAWAY["pmcrm.throwaway.Level.level"])
        def level(self) -> int:
            return 1

    def quiet() -> None:
        """Recorded as deprecated, but never told."""

    module.loud = loud  # type: ignore[attr-defined]
    module.quiet = quiet  # type: ignore[attr-defined]
    module.Level = Level  # type: ignore[attr-defined]
    module.__getattr__ = moved_names(  # type: ignore[method-assign]
        "pmcrm.throwaway", THROWAWAY["pmcrm.throwaway.Moved"]
    )
    monkeypatch.setitem(sys.modules, "pmcrm.throwaway", module)
    current = {"pmcrm.throwaway.loud", "pmcrm.throwaway.quiet", "pmcrm.throwaway.Moved"}
    current |= {"pmcrm.throwaway.Level.level"}

    problems = silent_deprecations(THROWAWAY, current, public_api.resolve)

    assert [
        "pmcrm.throwaway.quiet is deprecated since 0.2 but does not warn: decorate it with "
        "pmcrm.deprecation.deprecated, or serve it with moved_names"
    ] == problems


def test_new_names_asks_for_the_list_to_be_regenerated() -> None:
    """New names fail, all named in one message with the command to run."""
    assert [] == new_names({"pmcrm.a"}, ["pmcrm.a"])
    assert [
        f"new public names: pmcrm.b, pmcrm.c — {REGENERATE}",
    ] == new_names({"pmcrm.a"}, ["pmcrm.a", "pmcrm.b", "pmcrm.c"])


# -- the checks on pmcrm ------------------------------------------------------------


@pytest.fixture(scope="module")
def listed() -> list[str]:
    """The committed list."""
    names: list[str] = public_api.read()
    return names


@pytest.fixture(scope="module")
def current() -> list[str]:
    """The public names of the code as it is."""
    names: list[str] = public_api.public_names(public_api.public_modules())
    return names


def test_no_public_name_disappeared_without_a_deprecation(
    listed: list[str], current: list[str]
) -> None:
    """(a) Every listed name exists, or was removed as the deprecation policy allows."""
    assert [] == missing_names(listed, set(current), DEPRECATIONS, pmcrm.__version__)


def test_deprecated_names_still_present_warn(current: list[str]) -> None:
    """(b) A deprecated name that still exists warns when it is used."""
    assert [] == silent_deprecations(DEPRECATIONS, set(current), public_api.resolve)


def test_every_public_name_is_listed(listed: list[str], current: list[str]) -> None:
    """(c) A new public name is added to the list on purpose."""
    assert [] == new_names(set(listed), current)


# -- the script ---------------------------------------------------------------------


def test_the_list_is_sorted_without_duplicates(listed: list[str]) -> None:
    """The committed list is in the script's order, one line per name."""
    assert sorted(set(listed)) == listed


def test_script_writes_then_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--check`` passes right after writing and fails, with a diff, on a stale list."""
    output = tmp_path / "api" / "public_api.txt"
    assert 0 == public_api.main(["--output", str(output)])
    assert 0 == public_api.main(["--check", "--output", str(output)])
    written = output.read_text(encoding="utf-8")
    assert written.startswith("# ")
    output.write_text(written.replace("pmcrm.values.Money\n", ""), encoding="utf-8")
    capsys.readouterr()
    assert 1 == public_api.main(["--check", "--output", str(output)])
    out = capsys.readouterr().out
    assert "+pmcrm.values.Money\n" in out
    assert "run `python scripts/public_api.py`" in out


def test_script_check_fails_without_a_list(tmp_path: Path) -> None:
    """A missing list is stale, not an error."""
    assert 1 == public_api.main(["--check", "--output", str(tmp_path / "none.txt")])


def test_resolve_finds_fields_members_and_modules() -> None:
    """Names resolve to modules, classes, attrs fields and members; others raise."""
    from pmcrm import values

    assert values is public_api.resolve("pmcrm.values")
    assert values.Money.of == public_api.resolve("pmcrm.values.Money.of")
    assert "amount" == public_api.resolve("pmcrm.values.Money.amount").name
    for name in ["pmcrm.values.Nope", "pmcrm.values.Money.nope", "nosuchpackage.x"]:
        with pytest.raises(LookupError):
            public_api.resolve(name)
    assert not public_api.exists("pmcrm.values.Nope")
    assert public_api.exists("pmcrm.values.Money")
