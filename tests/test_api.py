"""The public surface: ``__all__``, docstrings, version and purity of the domain modules.

The public-API list itself (every public name, checked against deprecations)
is ``tests/test_public_api.py``.
"""

import ast
import importlib
import importlib.metadata
import inspect
from pathlib import Path

import pytest

import pmcrm
from test_public_api import public_api

SRC = Path(pmcrm.__file__).parent

PUBLIC_MODULES = [
    "pmcrm",
    "pmcrm.errors",
    "pmcrm.values",
    "pmcrm.validators",
    "pmcrm.explain",
    "pmcrm.customers",
    "pmcrm.segmentation",
    "pmcrm.serialization",
    "pmcrm.strategies",
    "pmcrm.sample",
    "pmcrm.deprecation",
    "pmcrm.batch",
    "pmcrm.batch.benefits",
    "pmcrm.batch.complaints",
    "pmcrm.batch.summaries",
    "pmcrm.batch.surveys",
    "pmcrm.batch.tiers",
    "pmcrm.cli",
    "pmcrm.cli.demo",
    "pmcrm.cli.jobs",
    "pmcrm.tiers",
    "pmcrm.tiers.conditions",
    "pmcrm.tiers.policy",
    "pmcrm.tiers.evaluation",
    "pmcrm.tiers.review",
    "pmcrm.benefits",
    "pmcrm.benefits.catalogue",
    "pmcrm.benefits.entitlements",
    "pmcrm.benefits.ledger",
    "pmcrm.pricing",
    "pmcrm.care",
    "pmcrm.calendars",
    "pmcrm.calendars.china",
    "pmcrm.complaints",
    "pmcrm.complaints.model",
    "pmcrm.complaints.events",
    "pmcrm.complaints.lifecycle",
    "pmcrm.complaints.facts",
    "pmcrm.complaints.sla",
    "pmcrm.complaints.clocks",
    "pmcrm.complaints.repeats",
    "pmcrm.complaints.retention",
    "pmcrm.complaints.analysis",
    "pmcrm.surveys",
    "pmcrm.surveys.instrument",
    "pmcrm.surveys.responses",
    "pmcrm.surveys.stats",
    "pmcrm.surveys.scoring",
    "pmcrm.surveys.ipa",
    "pmcrm.surveys.breakdowns",
    "pmcrm.surveys.history",
    "pmcrm.surveys.fast",
    "pmcrm.surveys.charts",
]

#: Modules that may touch files, the terminal or the clock: every file of the
#: command line (``src/pmcrm/cli/``), ``__main__.py`` and ``sample.py``.
EDGE_PACKAGES = {"cli"}
EDGE_MODULES = {"__main__.py", "sample.py"}
BANNED_IMPORTS = {"os", "io", "pathlib", "socket", "subprocess", "random", "time", "logging"}


def test_public_modules_are_every_module_without_a_private_part() -> None:
    """PUBLIC_MODULES lists exactly the modules the public-API list is built from.

    ``scripts/public_api.py`` walks ``pmcrm`` and keeps every module with no
    ``_``-prefixed part; a new public module must be added here on purpose.
    """
    walked = set(public_api.public_modules())
    assert {"add to PUBLIC_MODULES": [], "not a public module": []} == {
        "add to PUBLIC_MODULES": sorted(walked - set(PUBLIC_MODULES)),
        "not a public module": sorted(set(PUBLIC_MODULES) - walked),
    }
    assert len(set(PUBLIC_MODULES)) == len(PUBLIC_MODULES)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_exist_and_are_documented(name: str) -> None:
    """Every name in a public module's ``__all__`` exists and has a docstring."""
    module = importlib.import_module(name)
    assert module.__doc__
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []
    undocumented = [
        n
        for n in module.__all__
        if (inspect.isclass(getattr(module, n)) or inspect.isfunction(getattr(module, n)))
        and not inspect.getdoc(getattr(module, n))
    ]
    assert undocumented == []


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_every_public_definition(name: str) -> None:
    """Every public class defined in a module is in its ``__all__``."""
    module = importlib.import_module(name)
    defined = {
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", None) == module.__name__
    }
    helpers = {n for n in defined if n not in module.__all__}
    # Plain rule functions are public for mutation testing and reuse, but
    # every class a user meets must be exported.
    assert {n for n in helpers if inspect.isclass(getattr(module, n))} == set()


def test_version_matches_metadata() -> None:
    """``pmcrm.__version__`` is the installed distribution's version."""
    assert importlib.metadata.version("pmcrm") == pmcrm.__version__


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _is_edge(path: Path) -> bool:
    relative = path.relative_to(SRC)
    return relative.parts[0] in EDGE_PACKAGES or relative.as_posix() in EDGE_MODULES


def test_every_command_line_file_is_edge() -> None:
    """Every file under ``src/pmcrm/cli/`` counts as edge, nested packages included."""
    assert _is_edge(SRC / "cli" / "__init__.py")
    assert _is_edge(SRC / "cli" / "jobs" / "_io.py")
    assert _is_edge(SRC / "__main__.py")
    assert not _is_edge(SRC / "values.py")
    assert not _is_edge(SRC / "complaints" / "sample.py")


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SRC.rglob("*.py") if not _is_edge(p)),
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_domain_modules_import_no_io(path: Path) -> None:
    """Domain modules import nothing that reaches files, sockets, processes or the clock."""
    assert _imports(path) & BANNED_IMPORTS == set()


def test_only_serialization_imports_cattrs() -> None:
    """cattrs stays at the edge: only ``pmcrm.serialization`` imports it."""
    users = sorted(p.name for p in SRC.rglob("*.py") if "cattrs" in _imports(p))
    assert users == ["serialization.py"]


def test_import_is_lazy() -> None:
    """``import pmcrm`` loads no submodule, cattrs, numpy or pandas until a name is used."""
    import subprocess
    import sys

    code = (
        "import sys, pmcrm; "
        "print(sorted(m for m in sys.modules if m.startswith('pmcrm') "
        "or m.split('.')[0] in {'cattrs', 'numpy', 'pandas', 'hypothesis'}))"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['pmcrm']"


def test_lazy_names_resolve_and_unknown_names_fail() -> None:
    """Every lazy name resolves to its module's object; others raise AttributeError."""
    from pmcrm import serialization

    assert pmcrm.structure is serialization.structure
    assert set(pmcrm.__all__) <= set(dir(pmcrm))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = pmcrm.nope
