"""A pytest plugin that fails any test during which pmcrm's domain code does I/O.

pmcrm's domain modules (everything in the ``pmcrm`` package except the
edge: ``pmcrm/cli/``, ``pmcrm/__main__.py`` and ``pmcrm/sample.py``) must
not touch files, sockets or processes.  ``tests/test_api.py`` checks their
imports; this plugin checks what they *do*, while the tests run.

How it works:

* One audit hook (:func:`sys.addaudithook`) is added per process, when the
  plugin is configured.  Audit hooks cannot be removed, so the hook returns
  at once unless a test is running: the plugin switches it on for each
  test's setup, call and teardown and off again after.
* While on, it looks at the :data:`WATCHED` events — files opened, created,
  changed or listed; sockets; processes started; the environment changed —
  and walks the Python
  stack from the event outwards to find who is accountable (the *charging
  rule* below).  When that is a domain frame it records a
  :class:`Violation`.  It never raises: an exception in an audit hook
  propagates into the audited call, where the code under test could catch
  and hide it.
* After each phase of a test, the recorded violations turn the phase's
  report into a failure (or are added to it as a section when it failed
  anyway), naming the event and the module, function and line of the
  domain code that caused it.

The charging rule.  Library frames are transparent: the standard library,
installed third-party packages (``site-packages``) and generated code
(file names in angle brackets, such as attrs' generated ``__init__``
methods) act for whoever called them.  Walking out from the event past
library frames, the first frame that is not library code decides:

* a frame of a pmcrm **domain** module: the event is a violation;
* a frame of the **import machinery** (``importlib._bootstrap`` and
  ``importlib._bootstrap_external``): the event belongs to loading a module
  — reading its source or bytecode, or its own import-time set-up, such as
  matplotlib reading its font cache when ``pmcrm.surveys.charts`` imports it
  on first use, or a module that ``pmcrm.__getattr__`` imports lazily.
  What pmcrm may import is checked statically by ``tests/test_api.py``;
  a domain module's *own* module-level code is not hidden by this, since
  its frame comes before the import machinery's;
* reading the **time-zone database**: an ``open`` for reading of a file
  under :data:`zoneinfo.TZPATH` or in the ``tzdata`` package, as
  :class:`zoneinfo.ZoneInfo` does for a zone key such as
  ``"Asia/Shanghai"``, is not charged to anyone.  Like importing a module,
  it loads static reference data that the interpreter caches; which zone to
  load is configuration, a value the caller passed in.  Writing there, or
  reading any other file, is still caught;
* a frame of the **edge**, or of any other code — a test, a doctest
  example, a conftest, pytest itself: that code did the I/O.  This is what
  lets the command line hand a domain kernel an iterator that reads a file,
  or a test hand it a callback that writes one: the domain code on the
  stack only consumed what it was given.

  A library callable handed in (``pathlib.Path.read_text`` as a callback,
  :class:`zoneinfo.ZoneInfo` as a resolver) runs no frame of whoever
  handed it over, so the domain code that calls it is charged: the guard
  cannot tell, and the domain code did choose to call it.

So a domain function that calls :func:`open`, ``pathlib.Path.read_text``,
:func:`importlib.resources.files` ``.read_text()``, ``socket.create_connection``
or :func:`subprocess.run` is caught, directly or through any number of
library calls.  Not seen: a domain function that calls an edge function
(no domain module imports the edge today); I/O in domain modules' own
module-level code when the module was imported before the test started
(most are imported while pytest collects, when the guard is off); and
reading the clock or the environment, which raise no audit events.

A test that means a domain function to do I/O (there is none today) says
so with ``@pytest.mark.io_allowed("why")``; the guard is then off for it.
Turn the whole plugin off with ``-p no:purity_guard``.
"""

import contextlib
import enum
import functools
import importlib.util
import os
import site
import sys
import sysconfig
import threading
import zoneinfo
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from types import FrameType

import attrs
import pytest

import pmcrm

__all__ = [
    "TZ_DATABASE_ROOTS",
    "WATCHED",
    "WATCHED_PREFIXES",
    "Findings",
    "Kind",
    "Violation",
    "captured",
    "charge",
    "classify",
    "install",
    "pytest_configure",
    "pytest_runtest_call",
    "pytest_runtest_makereport",
    "pytest_runtest_setup",
    "pytest_runtest_teardown",
    "reads_tz_database",
]

#: Audit events the guard watches: files opened, made, changed or listed, a
#: database connected, the environment changed, processes started or signalled
#: (``os.exec*``, ``os.spawn*``, ``os.posix_spawn*`` and ``os.fork*`` are
#: matched by :data:`WATCHED_PREFIXES`).
WATCHED = frozenset(
    {
        "open",
        "sqlite3.connect",
        "os.putenv",
        "os.unsetenv",
        "os.kill",
        "os.killpg",
        "os.startfile",
        "os.chmod",
        "os.chown",
        "os.link",
        "os.listdir",
        "os.mkdir",
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.scandir",
        "os.symlink",
        "os.truncate",
        "os.utime",
        "os.system",
        "subprocess.Popen",
        "pty.spawn",
    }
)

#: Prefixes of watched audit events: every ``socket.*`` event (``socket.__new__``,
#: ``socket.connect``, ``socket.bind``, ``socket.getaddrinfo``…), ``shutil.*``,
#: ``syslog.*``, ``winreg.*`` and the process-starting ``os`` calls.
WATCHED_PREFIXES = (
    "socket.",
    "shutil.",
    "syslog.",
    "winreg.",
    "os.exec",
    "os.spawn",
    "os.posix_spawn",
    "os.fork",
)

#: The edge, as paths relative to the pmcrm package directory: the command
#: line (a directory) and two modules.  Everything else there is domain code.
EDGE_DIRECTORIES = ("cli",)
EDGE_MODULES = frozenset({"__main__.py", "sample.py"})

#: The import machinery's code, frozen into the interpreter.
IMPORT_MACHINERY = frozenset(
    {"<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>"}
)

#: Angle-bracket file names of code a person wrote, not a library generated.
_WRITTEN = ("<doctest ", "<stdin>", "<console>")

#: The most violations kept per test phase; the rest are only counted.
MAX_KEPT = 20

_ARG_WIDTH = 200


class Kind(enum.Enum):
    """Whose code a frame runs, for the charging rule (see the module docstring)."""

    DOMAIN = "a pmcrm domain module"
    EDGE = "the pmcrm edge"
    IMPORT = "the import machinery"
    LIBRARY = "library code"
    CALLER = "other code"


def _roots(paths: Iterable[str]) -> tuple[str, ...]:
    """*paths* and their real paths, each ending with a separator, longest first."""
    found = {
        str(variant) + os.sep for path in paths for variant in (Path(path), Path(path).resolve())
    }
    return tuple(sorted(found, key=len, reverse=True))


def _library_paths() -> Iterator[str]:
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_path(name)
        if path:
            yield path
    yield from site.getsitepackages()
    yield site.getusersitepackages()


_PACKAGE_ROOTS = _roots([str(Path(pmcrm.__file__).absolute().parent)])
_LIBRARY_ROOTS = _roots(_library_paths())


def _in_package(filename: str) -> str | None:
    """*filename* relative to the pmcrm package directory, with ``/``; ``None`` if outside."""
    for root in _PACKAGE_ROOTS:
        if filename.startswith(root):
            return filename[len(root) :].replace(os.sep, "/")
    return None


@functools.cache
def classify(filename: str) -> Kind:
    """The :class:`Kind` of code in *filename* (a code object's ``co_filename``).

    >>> classify(pmcrm.__file__), classify(sys.modules["pytest"].__file__ or "")
    (<Kind.DOMAIN: ...>, <Kind.LIBRARY: ...>)
    """
    relative = _in_package(filename)
    if relative is not None:
        edge = relative in EDGE_MODULES or relative.split("/")[0] in EDGE_DIRECTORIES
        return Kind.EDGE if edge else Kind.DOMAIN
    if filename in IMPORT_MACHINERY:
        return Kind.IMPORT
    if filename.startswith("<"):
        return Kind.CALLER if filename.startswith(_WRITTEN) else Kind.LIBRARY
    return Kind.LIBRARY if filename.startswith(_LIBRARY_ROOTS) else Kind.CALLER


def _name(frame: FrameType) -> str:
    module = frame.f_globals.get("__name__")
    return f"{module}.{frame.f_code.co_qualname}"


def charge(frame: FrameType | None) -> tuple[FrameType | None, FrameType | None]:
    """The domain frame an event at *frame* is charged to, and the library call it made.

    Walks out from *frame* (the innermost frame when the event fired) past
    library frames; returns ``(None, None)`` when the first other frame is
    not a domain frame, else that frame and the outermost library frame
    below it (the library function the domain code called), if any.
    """
    called = None
    while frame is not None:
        kind = classify(frame.f_code.co_filename)
        if kind is not Kind.LIBRARY:
            return (frame, called) if kind is Kind.DOMAIN else (None, None)
        called = frame
        frame = frame.f_back
    return None, None


def _short(value: object) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a broken repr must not break the hook
        text = f"<unprintable {type(value).__name__}: {exc!r}>"
    if len(text) <= _ARG_WIDTH:
        return text
    half = _ARG_WIDTH // 2
    return f"{text[: half - 1]}…{text[-half:]}"  # a path's start and its file name


@attrs.frozen(kw_only=True)
class Violation:
    """I/O that a pmcrm domain module caused.

    Attributes:
        event: The audit event, such as ``open`` or ``socket.connect``.
        args: The event's arguments, each shortened, as Python reprs.
        module: The domain module's name.
        function: The function's qualified name.
        path: The module's file, from the package directory: ``pmcrm/values.py``.
        line: The line the domain function was on.
        through: The library function the domain code called to get there
            (``pathlib.Path.read_text``), or ``""`` if it raised the event
            itself.
    """

    event: str
    args: tuple[str, ...]
    module: str
    function: str
    path: str
    line: int
    through: str

    def describe(self) -> str:
        """One line: the event, then where in pmcrm it came from."""
        through = f", through {self.through}" if self.through else ""
        return (
            f"{self.event}({', '.join(self.args)}) in {self.module}, "
            f"function {self.function}, line {self.line} ({self.path}){through}"
        )


@attrs.define
class Findings:
    """What the guard found while it watched.

    Attributes:
        violations: The violations, at most :data:`MAX_KEPT`.
        dropped: How many more there were.
        errors: Failures of the guard itself (it never raises into the
            audited call, so it reports them here).
    """

    violations: list[Violation] = attrs.Factory(list)
    dropped: int = 0
    errors: list[str] = attrs.Factory(list)

    def __bool__(self) -> bool:
        return bool(self.violations or self.errors)

    def explain(self) -> str:
        """The failure message."""
        lines = [
            "pmcrm purity guard: pmcrm domain code did I/O during this test "
            "(domain modules must not touch files, sockets or processes):",
            *(f"  {v.describe()}" for v in self.violations),
        ]
        if self.dropped:
            lines.append(f"  … and {self.dropped} more")
        lines.extend(f"  the guard itself failed on {error}" for error in self.errors)
        lines.append(
            "Move the I/O to the edge (pmcrm.cli, pmcrm.sample), or mark a test that means "
            'it with @pytest.mark.io_allowed("why").'
        )
        return "\n".join(lines)


def _tz_database_roots() -> tuple[str, ...]:
    paths = list(zoneinfo.TZPATH)
    spec = importlib.util.find_spec("tzdata")
    if spec is not None and spec.origin is not None:
        paths.append(str(Path(spec.origin).parent / "zoneinfo"))
    return _roots(paths)


#: Where :class:`zoneinfo.ZoneInfo` reads zones: the system's time-zone
#: directories and the ``tzdata`` package's, each ending with a separator.
TZ_DATABASE_ROOTS = _tz_database_roots()

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def reads_tz_database(event: str, args: tuple[object, ...]) -> bool:
    """Whether *event* opens a file of the time-zone database for reading only.

    >>> zone = os.path.join(TZ_DATABASE_ROOTS[-1], "Asia", "Shanghai")
    >>> reads_tz_database("open", (zone, "rb", 0)), reads_tz_database("open", (zone, "wb", 0))
    (True, False)
    >>> (
    ...     reads_tz_database("open", (zone, None, os.O_RDONLY)),
    ...     reads_tz_database("open", ("/etc/passwd", "r", 0)),
    ... )
    (True, False)
    """
    if event != "open" or len(args) != 3:
        return False
    path, mode, flags = args
    if not isinstance(path, str | os.PathLike):
        return False
    if isinstance(mode, str):  # open() and io.open()
        read_only = not any(c in mode for c in "wax+")
    else:  # os.open(): no mode, the flags say
        read_only = isinstance(flags, int) and not flags & _WRITE_FLAGS
    return read_only and str(Path(path).absolute()).startswith(TZ_DATABASE_ROOTS)


def _record(findings: Findings, event: str, args: tuple[object, ...], frame: FrameType) -> None:
    """Add a :class:`Violation` to *findings* if a domain frame is charged with *event*."""
    if reads_tz_database(event, args):
        return
    domain, called = charge(frame)
    if domain is None:
        return
    if len(findings.violations) >= MAX_KEPT:
        findings.dropped += 1
        return
    code = domain.f_code
    findings.violations.append(
        Violation(
            event=event,
            args=tuple(_short(a) for a in args),
            module=str(domain.f_globals.get("__name__")),
            function=code.co_qualname,
            path=f"pmcrm/{_in_package(code.co_filename)}",
            line=domain.f_lineno,
            through="" if called is None else _name(called),
        )
    )


class _State:
    """The hook's switch and what it found in the phase being watched."""

    def __init__(self) -> None:
        self.active = False
        self.findings = Findings()
        self.installed = False
        self.busy = threading.local()

    def start(self) -> Findings:
        self.findings = Findings()
        self.active = True
        return self.findings

    def stop(self) -> Findings:
        self.active = False
        return self.findings


_STATE = _State()

#: Whether each event seen so far is watched (a few dozen names occur).
_WATCHING: dict[str, bool] = {}


def _audit(event: str, args: tuple[object, ...]) -> None:
    """The audit hook: cheap when off; records a :class:`Violation`, never raises.

    A plain function, not a bound method: CPython looks up ``__cantrace__``
    on every hook for every event, and on a bound method that failed lookup
    costs several times the whole call.
    """
    if not _STATE.active:
        return
    watched = _WATCHING.get(event)
    if watched is None:
        watched = _WATCHING[event] = event in WATCHED or event.startswith(WATCHED_PREFIXES)
    if not watched:
        return
    busy = _STATE.busy
    if getattr(busy, "on", False):  # an event raised while handling one
        return
    busy.on = True
    findings = _STATE.findings
    try:
        _record(findings, event, args, sys._getframe(1))
    except Exception as exc:  # noqa: BLE001 - never raise into the audited call
        findings.errors.append(f"{event}: {exc!r}")
    finally:
        busy.on = False


def install() -> None:
    """Add the audit hook, once per process (audit hooks cannot be removed)."""
    if not _STATE.installed:
        sys.addaudithook(_audit)
        _STATE.installed = True


@contextlib.contextmanager
def captured() -> Iterator[Findings]:
    """Watch the block and collect what it does, which then fails no test.

    For tests of the guard itself: the violations go to the yielded
    :class:`Findings`, not to the running test's.

    >>> with captured() as found:
    ...     pass
    >>> found.violations
    []
    """
    install()
    saved = _STATE.active, _STATE.findings
    found = _STATE.start()
    try:
        yield found
    finally:
        _STATE.active, _STATE.findings = saved


_FOUND = pytest.StashKey[Findings]()
_MARKER = "io_allowed"


def pytest_configure(config: pytest.Config) -> None:
    """Add the audit hook; register the ``io_allowed`` marker unless the configuration does.

    pmcrm's ``pyproject.toml`` registers it, so that ``-p no:purity_guard``
    runs still know it.
    """
    if not any(line.startswith(_MARKER) for line in config.getini("markers")):
        config.addinivalue_line(
            "markers",
            f"{_MARKER}(reason): the purity guard lets pmcrm domain code do I/O",
        )
    install()


def _allowed(item: pytest.Item, *, check: bool = False) -> bool:
    marker = item.get_closest_marker(_MARKER)
    if marker is None:
        return False
    reason = marker.kwargs.get("reason", marker.args[0] if marker.args else None)
    if check and (not isinstance(reason, str) or not reason.strip()):
        pytest.fail(f'{_MARKER} needs a reason: @pytest.mark.{_MARKER}("why")', pytrace=False)
    return True


def _watch(item: pytest.Item, *, check: bool = False) -> Generator[None, None, None]:
    if _allowed(item, check=check):
        return (yield)
    _STATE.start()
    try:
        return (yield)
    finally:
        found = _STATE.stop()
        if found:
            item.stash[_FOUND] = found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Watch the test's setup (and check its ``io_allowed`` marker has a reason)."""
    return (yield from _watch(item, check=True))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Watch the test's call."""
    return (yield from _watch(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """Watch the test's teardown."""
    return (yield from _watch(item))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Fail the report of a phase in which domain code did I/O."""
    report = yield
    found = item.stash.get(_FOUND, None)
    if found is not None:
        del item.stash[_FOUND]
        message = found.explain()
        if report.failed:
            report.sections.append(("pmcrm purity guard", message))
        else:
            report.outcome = "failed"
            report.longrepr = message
            if hasattr(report, "wasxfail"):
                del report.wasxfail
    return report
