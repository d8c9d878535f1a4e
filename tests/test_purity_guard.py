"""The purity guard (``purity_guard.py``) catches pmcrm domain code doing I/O, and only that.

The probes are tiny functions compiled with a file name inside a pmcrm
package directory, so the guard takes them for pmcrm's own code: a domain
module (``pmcrm/_purity_probe.py``) or the edge (``pmcrm/cli/_purity_probe.py``).
No such file exists; nothing is written into the package.

``pytester`` sessions, in subprocesses, show what a test run reports, with
probes named inside the real package directory.  In-process tests watch
probes with :func:`purity_guard.captured`; their probes are named inside a
stand-in directory that the guard is told is pmcrm's too (the ``package``
fixture), and their modules ``purity_probe.*``: coverage measures the
``pmcrm`` package (by module name, or by directory), and a probe it measured
would be a file that does not exist, which ``coverage report`` refuses.
Which real files are domain and which edge is checked by
:func:`purity_guard.classify` directly.
"""

import importlib
import importlib.abc
import importlib.machinery
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

import pmcrm
import purity_guard
from purity_guard import Findings, Kind, Violation, captured, classify

pytest_plugins = ["pytester"]

PACKAGE = Path(pmcrm.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent

READ = """\
def read(path):
    with open(path, encoding="utf-8") as file:
        return file.read()
"""

READ_TEXT = """\
def read(path):
    import pathlib

    return pathlib.Path(path).read_text(encoding="utf-8")
"""

CALL = """\
def call(callback):
    return callback()
"""

DRAIN = """\
def drain(rows):
    return [row for row in rows]
"""

LINES = """\
def lines(path):
    with open(path, encoding="utf-8") as file:
        yield from file
"""

IMPORT = """\
def load(name):
    import importlib

    return importlib.import_module(name)
"""


def present_as(package: Path, relative: str, source: str, name: str) -> Callable[..., Any]:
    """The function *name* defined by *source*, compiled as the file *relative* of *package*.

    Its module name is the dotted *relative* path under ``purity_probe``: a
    name under ``pmcrm`` would make coverage measure it.
    """
    module = "purity_probe." + relative.removesuffix(".py").replace("/", ".")
    namespace: dict[str, Any] = {"__name__": module}
    code = compile(source, str(package / relative), "exec")
    exec(code, namespace)  # noqa: S102 - the probe's source is a constant of this module
    function: Callable[..., Any] = namespace[name]
    return function


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in pmcrm package directory: the guard classifies its files as the real ones."""
    stand_in = tmp_path / "site" / "pmcrm"
    roots = (str(stand_in) + os.sep, *purity_guard._PACKAGE_ROOTS)
    monkeypatch.setattr(purity_guard, "_PACKAGE_ROOTS", roots)
    return stand_in


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A small text file to read."""
    path = tmp_path / "data.txt"
    path.write_text("纯", encoding="utf-8")
    return path


# --- classifying code --------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "kind"),
    [
        ("values.py", Kind.DOMAIN),
        ("complaints/sample.py", Kind.DOMAIN),
        ("cli/__init__.py", Kind.EDGE),
        ("cli/jobs/_io.py", Kind.EDGE),
        ("__main__.py", Kind.EDGE),
        ("sample.py", Kind.EDGE),
    ],
)
def test_pmcrm_files_are_domain_or_edge(relative: str, kind: Kind) -> None:
    """The edge is ``cli/``, ``__main__.py`` and ``sample.py``, as in ``test_api.py``."""
    assert kind is classify(str(PACKAGE / relative))


@pytest.mark.parametrize(
    ("filename", "kind"),
    [
        ("<frozen importlib._bootstrap>", Kind.IMPORT),
        ("<frozen importlib._bootstrap_external>", Kind.IMPORT),
        ("<frozen os>", Kind.LIBRARY),
        ("<attrs generated init pmcrm.values.Money>", Kind.LIBRARY),
        ("<string>", Kind.LIBRARY),
        ("<doctest pmcrm.values[0]>", Kind.CALLER),
        (os.__file__, Kind.LIBRARY),
        (attrs.__file__, Kind.LIBRARY),
        (pytest.__file__, Kind.LIBRARY),
        (__file__, Kind.CALLER),
    ],
)
def test_other_code_is_library_import_machinery_or_caller(filename: str, kind: Kind) -> None:
    """Standard library, site-packages and generated code are library; tests and doctests not."""
    assert kind is classify(filename)


# --- what the guard records --------------------------------------------------------


def test_a_domain_function_that_opens_a_file_is_caught(package: Path, data: Path) -> None:
    """The event, its arguments and the domain function's module, name, file and line."""
    read = present_as(package, "_purity_probe.py", READ, "read")
    with captured() as found:
        assert "纯" == read(data)
    assert [
        Violation(
            event="open",
            args=(repr(str(data)), "'r'", found.violations[0].args[2]),
            module="purity_probe._purity_probe",
            function="read",
            path="pmcrm/_purity_probe.py",
            line=2,
            through="",
        )
    ] == found.violations
    assert (
        f"open({str(data)!r}, 'r', {found.violations[0].args[2]}) in purity_probe._purity_probe, "
        "function read, line 2 (pmcrm/_purity_probe.py)"
    ) == found.violations[0].describe()


def test_io_through_a_library_names_the_library_call(package: Path, data: Path) -> None:
    """``pathlib.Path.read_text`` opens the file; the domain function is charged, via it."""
    read = present_as(package, "surveys/_purity_probe.py", READ_TEXT, "read")
    with captured() as found:
        read(data)
    [violation] = found.violations
    assert ("open", "purity_probe.surveys._purity_probe", "read", 4, "pathlib.Path.read_text") == (
        violation.event,
        violation.module,
        violation.function,
        violation.line,
        violation.through,
    )


def test_sockets_processes_and_the_environment_are_caught(package: Path) -> None:
    """Creating a socket, starting a process and changing the environment are violations too."""
    source = """\
def connect():
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM):
        pass

def run(argv):
    import subprocess

    return subprocess.run(argv, check=True).returncode

def configure(name):
    import os

    os.environ[name] = "1"
    del os.environ[name]
"""
    connect = present_as(package, "_purity_probe.py", source, "connect")
    run = present_as(package, "_purity_probe.py", source, "run")
    configure = present_as(package, "_purity_probe.py", source, "configure")
    with captured() as found:
        connect()
        run([sys.executable, "-c", "pass"])
        configure("PMCRM_PURITY_PROBE")
    events = [(v.event, v.function) for v in found.violations]
    assert ("socket.__new__", "connect") in events
    assert ("subprocess.Popen", "run") in events
    assert ("os.putenv", "configure") in events
    assert ("os.unsetenv", "configure") in events
    assert {"connect", "run", "configure"} == {function for _, function in events}


@pytest.mark.parametrize("relative", ["cli/_purity_probe.py", "sample.py", "__main__.py"])
def test_the_edge_may_do_io(package: Path, relative: str, data: Path) -> None:
    """The same function presented as an edge module is not a violation."""
    read = present_as(package, relative, READ, "read")
    with captured() as found:
        read(data)
    assert not found


def test_io_in_callbacks_and_iterators_is_their_authors(package: Path, data: Path) -> None:
    """A domain function calling a test's callback, or draining the edge's reader, is clean."""
    call = present_as(package, "_purity_probe.py", CALL, "call")
    drain = present_as(package, "_purity_probe.py", DRAIN, "drain")
    lines = present_as(package, "cli/_purity_probe.py", LINES, "lines")
    with captured() as found:
        assert "纯" == call(lambda: data.read_text(encoding="utf-8"))
        assert ["纯"] == drain(lines(data))
    assert not found


def test_a_library_function_handed_in_is_charged_to_its_domain_caller(
    package: Path, data: Path
) -> None:
    """A library callable has no frame of a caller's: the domain code calling it is charged."""
    call = present_as(package, "_purity_probe.py", CALL, "call")
    with captured() as found:
        call(data.read_text)
    assert [("purity_probe._purity_probe", "call", "pathlib.Path.read_text")] == [
        (v.module, v.function, v.through) for v in found.violations
    ]


def test_a_domain_function_calling_io_through_a_callback_chain_is_caught(
    package: Path, data: Path
) -> None:
    """A domain callback under a test's code under a domain function: the innermost counts."""
    call = present_as(package, "_purity_probe.py", CALL, "call")
    read = present_as(package, "tiers/_purity_probe.py", READ, "read")
    with captured() as found:
        call(lambda: read(data))
    assert ["purity_probe.tiers._purity_probe"] == [v.module for v in found.violations]


def test_importing_a_module_is_not_io_of_the_importer(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a lazily imported module's source is charged to the import machinery."""
    (tmp_path / "purity_probe_lazy.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "purity_probe_lazy", raising=False)
    load = present_as(package, "_purity_probe.py", IMPORT, "load")
    with captured() as found:
        assert 1 == load("purity_probe_lazy").VALUE
    assert not found


class _DomainLoader(importlib.abc.Loader):
    """Loads a module whose code is presented as a pmcrm domain module."""

    def __init__(self, package: Path, source: str) -> None:
        self.package = package
        self.source = source

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        """The default module."""

    def exec_module(self, module: ModuleType) -> None:
        """Run the source as ``pmcrm/_purity_probe_module.py``."""
        code = compile(self.source, str(self.package / "_purity_probe_module.py"), "exec")
        exec(code, module.__dict__)  # noqa: S102 - the source is a constant of this module


class _DomainFinder(importlib.abc.MetaPathFinder):
    """Finds ``purity_probe_domain`` only."""

    def __init__(self, package: Path, source: str) -> None:
        self.package = package
        self.source = source

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        """A spec for ``purity_probe_domain``."""
        if fullname != "purity_probe_domain":
            return None
        return importlib.machinery.ModuleSpec(fullname, _DomainLoader(self.package, self.source))


def test_a_domain_module_doing_io_when_imported_is_caught(
    package: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import rule does not hide a domain module's own module-level I/O."""
    source = f"with open({str(data)!r}, encoding='utf-8') as file:\n    TEXT = file.read()\n"
    monkeypatch.setattr(sys, "meta_path", [_DomainFinder(package, source), *sys.meta_path])
    monkeypatch.delitem(sys.modules, "purity_probe_domain", raising=False)
    with captured() as found:
        module = importlib.import_module("purity_probe_domain")
    assert "纯" == module.TEXT
    assert [("open", "purity_probe_domain", "<module>", 1)] == [
        (v.event, v.module, v.function, v.line) for v in found.violations
    ]


def test_many_violations_are_counted_beyond_the_kept_ones(package: Path, data: Path) -> None:
    """At most MAX_KEPT are kept; the message counts the rest."""
    read = present_as(package, "_purity_probe.py", READ, "read")
    with captured() as found:
        for _ in range(purity_guard.MAX_KEPT + 3):
            read(data)
    assert (purity_guard.MAX_KEPT, 3) == (len(found.violations), found.dropped)
    assert "  … and 3 more" in found.explain().splitlines()


def test_a_failure_of_the_guard_is_reported_not_raised(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error inside the hook never reaches the audited call; it is in the findings."""

    def broken(frame: object) -> tuple[None, None]:
        raise RuntimeError("broken")

    with monkeypatch.context() as patch:
        patch.setattr(purity_guard, "charge", broken)
        with captured() as found:
            data.read_text(encoding="utf-8")
    assert found
    assert ["open: RuntimeError('broken')"] == found.errors
    assert "  the guard itself failed on open: RuntimeError('broken')" in found.explain()


def test_an_unprintable_argument_is_described() -> None:
    """A broken ``repr`` does not break the record."""

    class Unprintable:
        def __repr__(self) -> str:
            raise ValueError("no")

    assert "<unprintable Unprintable: ValueError('no')>" == purity_guard._short(Unprintable())
    assert f"'{'x' * 98}…{'x' * 99}'" == purity_guard._short("x" * 500), (
        "long values keep their start and their end"
    )


def test_the_message_names_the_event_and_the_way_out() -> None:
    """The failure message lists each violation and says how to fix or allow it."""
    violation = Violation(
        event="socket.connect",
        args=("<socket>", "('example.org', 80)"),
        module="pmcrm.values",
        function="Money.convert",
        path="pmcrm/values.py",
        line=12,
        through="socket.create_connection",
    )
    assert [
        "pmcrm purity guard: pmcrm domain code did I/O during this test "
        "(domain modules must not touch files, sockets or processes):",
        "  socket.connect(<socket>, ('example.org', 80)) in pmcrm.values, function "
        "Money.convert, line 12 (pmcrm/values.py), through socket.create_connection",
        "Move the I/O to the edge (pmcrm.cli, pmcrm.sample), or mark a test that means it "
        'with @pytest.mark.io_allowed("why").',
    ] == Findings(violations=[violation]).explain().splitlines()


@pytest.mark.io_allowed("proves that the marker turns the guard off for a test")
def test_a_test_marked_io_allowed_may_run_domain_io(package: Path, data: Path) -> None:
    """Unwatched: this test would fail under the guard without its marker."""
    assert "纯" == present_as(package, "_purity_probe.py", READ, "read")(data)


# --- what a test run reports --------------------------------------------------------

INNER_CONFTEST = 'pytest_plugins = ["purity_guard"]\n'

INNER_HELPERS = f"""\
import os
import pathlib

import pmcrm
import pytest

PACKAGE = pathlib.Path(pmcrm.__file__).resolve().parent
READ = {READ!r}


def present_as(relative, source, name):
    namespace = {{"__name__": "pmcrm." + relative.removesuffix(".py").replace("/", ".")}}
    exec(compile(source, str(PACKAGE / relative), "exec"), namespace)
    return namespace[name]


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("纯", encoding="utf-8")
    return path
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A ``pytester`` directory whose sessions load the purity guard, run in a subprocess."""
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    )
    pytester.makeconftest(INNER_CONFTEST)
    return pytester


def _run(inner: pytest.Pytester, tests: str) -> pytest.RunResult:
    inner.makepyfile(test_inner=INNER_HELPERS + tests)
    return inner.runpytest_subprocess("-p", "no:cacheprovider", "-rA")


def test_a_session_fails_tests_whose_domain_code_does_io(inner: pytest.Pytester) -> None:
    """Call, fixture setup, an xfail and a failing test: each fails, with the message."""
    result = _run(
        inner,
        """

def test_reads(data):
    assert present_as("_purity_probe.py", READ, "read")(data) == "纯"


@pytest.fixture
def opened(data):
    return present_as("complaints/_purity_probe.py", READ, "read")(data)


def test_fixture_reads(opened):
    assert opened == "纯"


@pytest.mark.xfail(reason="an expected failure does not excuse I/O")
def test_expected_to_fail(data):
    present_as("_purity_probe.py", READ, "read")(data)
    raise AssertionError


def test_fails_anyway(data):
    present_as("_purity_probe.py", READ, "read")(data)
    assert 1 == 2


@pytest.mark.io_allowed
def test_allowed_without_reason(data):
    present_as("_purity_probe.py", READ, "read")(data)
""",
    )
    result.assert_outcomes(failed=3, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_fixture_reads _*",
            "pmcrm purity guard: pmcrm domain code did I/O during this test *",
            "  open('*/data.txt', 'r', *) in pmcrm.complaints._purity_probe, function read, "
            "line 2 (pmcrm/complaints/_purity_probe.py)",
            "Move the I/O to the edge *",
            "*_ ERROR at setup of test_allowed_without_reason _*",
            'io_allowed needs a reason: @pytest.mark.io_allowed("why")',
            "*_ test_reads _*",
            "pmcrm purity guard: *",
            "  open('*/data.txt', 'r', *) in pmcrm._purity_probe, function read, line 2 "
            "(pmcrm/_purity_probe.py)",
            "*_ test_expected_to_fail _*",
            "pmcrm purity guard: *",
            "*_ test_fails_anyway _*",
            "E       assert 1 == 2",
            "*- pmcrm purity guard -*",
            "pmcrm purity guard: *",
        ]
    )


def test_a_session_passes_io_done_by_the_edge_tests_and_imports(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same code as the edge, a real command, module-level set-up, imports, the marker.

    ``pmcrm review`` reads its files in the edge and streams the rows
    through the domain kernel (``pmcrm.batch``): the edge's reading is not
    the kernel's.
    """
    samples = inner.mkdir("samples")
    subprocess.run(  # noqa: S603 - this interpreter, pmcrm's own command
        [sys.executable, "-m", "pmcrm", "sample-files", str(samples)],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("PURITY_SAMPLES", str(samples))
    result = _run(
        inner,
        """
import sys

from pmcrm.cli import main

# Module level runs while pytest collects, when the guard is off.
COLLECTED = present_as("_purity_probe.py", READ, "read")(__file__)


def test_edge_reads(data):
    assert present_as("cli/_purity_probe.py", READ, "read")(data) == "纯"


def test_command_line(tmp_path):
    samples = pathlib.Path(os.environ["PURITY_SAMPLES"])
    argv = ["review", str(samples / "members.jsonl"), "--policy", str(samples / "tiers.json"),
            "--as-of", "2026-11-23", "-o", str(tmp_path / "out.jsonl")]
    assert main(argv) == 0
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) > 100


def test_test_io(data):
    assert data.read_text(encoding="utf-8") == "纯"


@pytest.mark.io_allowed(reason="exercises the marker")
def test_allowed(data):
    assert present_as("_purity_probe.py", READ, "read")(data) == "纯"


def test_lazy_import(tmp_path, monkeypatch):
    (tmp_path / "lazy_module.py").write_text("X = 1\\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    load = present_as("_purity_probe.py", "import importlib\\nload = importlib.import_module",
                      "load")
    assert load("lazy_module").X == 1
""",
    )
    result.assert_outcomes(passed=5)


def test_the_plugin_can_be_turned_off(inner: pytest.Pytester) -> None:
    """``-p no:purity_guard`` runs the suite without the guard."""
    inner.makepyfile(
        test_inner=INNER_HELPERS
        + '\ndef test_reads(data):\n    present_as("_purity_probe.py", READ, "read")(data)\n'
    )
    inner.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(failed=1)
    inner.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:purity_guard").assert_outcomes(
        passed=1
    )


def test_the_hook_is_added_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installing again adds no second hook."""
    purity_guard.install()  # a no-op under the plugin, which installed it
    added: list[object] = []
    monkeypatch.setattr(sys, "addaudithook", added.append)
    purity_guard.install()
    assert [] == added


def test_reading_the_time_zone_database_is_not_io_of_the_caller() -> None:
    """ZoneInfo reading a zone for a domain function is reference data, not I/O.

    ``no_cache``: the zone is read from the database now, not from ZoneInfo's cache.
    """
    from zoneinfo import ZoneInfo

    from pmcrm._parse import parse_timezone

    with captured() as found:
        zone = parse_timezone("Europe/Paris", ZoneInfo.no_cache)
    assert str(zone) == "Europe/Paris"
    assert found.violations == []
    assert found.errors == []


@pytest.mark.parametrize(
    ("mode", "flags", "exempt"),
    [
        ("r", 0, True),
        ("rb", 0, True),
        ("w", 0, False),
        ("ab", 0, False),
        ("r+", 0, False),
        ("xb", 0, False),
        (None, os.O_RDONLY, True),
        (None, os.O_WRONLY, False),
        (None, os.O_RDWR, False),
        (None, os.O_RDONLY | os.O_CREAT, False),
        (None, os.O_RDONLY | os.O_TRUNC, False),
        (None, os.O_RDONLY | os.O_APPEND, False),
        (None, None, False),
    ],
)
def test_only_reads_of_the_time_zone_database_are_exempt(
    mode: str | None, flags: int | None, *, exempt: bool
) -> None:
    """Only an ``open`` for reading under the database's roots is exempt."""
    zone = Path(purity_guard.TZ_DATABASE_ROOTS[0]) / "Asia" / "Shanghai"
    assert purity_guard.reads_tz_database("open", (str(zone), mode, flags)) is exempt
    assert purity_guard.reads_tz_database("open", (zone, mode, flags)) is exempt
    elsewhere = Path(purity_guard.TZ_DATABASE_ROOTS[0]).parent / "not-zones" / "x"
    assert purity_guard.reads_tz_database("open", (str(elsewhere), mode, flags)) is False
    assert purity_guard.reads_tz_database("os.listdir", (str(zone),)) is False
    assert purity_guard.reads_tz_database("open", (3, mode, flags)) is False


def test_a_domain_function_writing_into_the_time_zone_database_is_caught(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a zone file is exempt; writing one from domain code is caught."""
    zones = tmp_path / "zones"
    zones.mkdir()
    (zones / "Shanghai").write_text("zone", encoding="utf-8")
    monkeypatch.setattr(purity_guard, "TZ_DATABASE_ROOTS", (str(zones) + os.sep,))
    write = present_as(
        package, "tzwrite.py", "def write(path):\n    open(path, 'w').close()\n", "write"
    )
    read = present_as(package, "tzread.py", READ, "read")
    with captured() as found:
        assert read(zones / "Shanghai") == "zone"
        write(zones / "Shanghai")
    assert [(v.event, v.function) for v in found.violations] == [("open", "write")]
