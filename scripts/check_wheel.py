"""Check the built distributions: the wheel's files and metadata, and the sdist's files.

Usage::

    python scripts/check_wheel.py DIST_DIR [--same-files-as OTHER.whl]

``DIST_DIR`` holds one wheel and one sdist, as ``python -m build`` writes
them.  Prints ``distributions ok`` or one line per problem and exits 1.
``pyproject.toml`` and ``src/pmcrm/data`` are read from this checkout.

The wheel:

* holds ``pmcrm/py.typed``, ``pmcrm/__init__.py`` and every
  ``src/pmcrm/data/*.json``, and exactly the files the sdist has under
  ``src/pmcrm/`` (nothing forgotten, nothing added on the way);
* holds nothing stray: every name is under ``pmcrm/`` or
  ``pmcrm-VERSION.dist-info/``; no ``__pycache__``, ``.pyc``, test module,
  ``conftest.py`` or hidden file;
* says in its metadata: the name; the version of ``pyproject.toml``, which
  is also ``pmcrm.__version__`` (read from the wheel's ``__init__.py``, not
  imported); ``Requires-Python``; the runtime dependencies and every extra
  exactly as ``pyproject.toml`` declares them, each runtime dependency with
  a lower bound; the licence expression and file; the README as the
  Markdown long description; the summary, classifiers and entry points.

The sdist holds every path that ``[tool.hatch.build.targets.sdist]``
includes (tests, docs, scripts, benchmarks, ...), ``PKG-INFO`` for the
same version, and nothing cached or built.  With ``--same-files-as``, the
other wheel (built straight from the source tree) has the same file names
as this one (built from the sdist).

Needs ``packaging`` (installed with ``build``).
"""

import argparse
import ast
import configparser
import email.parser
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterable, Mapping
from email.message import Message
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "pmcrm"
# Allowed in the sdist besides the ``only-include`` list (hatchling always adds them).
SDIST_EXTRAS = ("PKG-INFO", ".gitignore")
# Never in either distribution, at any depth (hidden files and folders neither).
CACHES = ("__pycache__", "docs/_build", "htmlcov", "mutants", "benchmarks/results")
CACHE_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", "~")


def _canonical(requirement: str) -> str:
    """One spelling for a requirement: normalised name, sorted extras and specifiers."""
    req = Requirement(requirement)
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    marker = f"; {req.marker}" if req.marker else ""
    return f"{canonicalize_name(req.name)}{extras}{req.specifier}{marker}"


def _with_extra(requirement: str, extra: str) -> str:
    """*requirement* as a wheel lists it for *extra*: its own marker and the extra's."""
    req = Requirement(requirement)
    own = f"({req.marker}) and " if req.marker else ""
    req.marker = None
    return _canonical(f"{req}; {own}extra == '{extra}'")


def _extra_requirements(optional: Mapping[str, list[str]], extra: str) -> set[str]:
    """The requirements of one extra, self-references (``pmcrm[test]``) expanded."""
    found: set[str] = set()
    for text in optional[extra]:
        req = Requirement(text)
        if canonicalize_name(req.name) == PACKAGE:
            for inner in sorted(req.extras):
                found |= _extra_requirements(optional, inner)
        else:
            found.add(text)
    return found


def _is_stray(name: str, *, tests: bool = False) -> bool:
    """Whether an archive member is a cache, a build product or a hidden file.

    Unless *tests* are allowed, a test folder, test module or ``conftest.py`` too.
    """
    path = PurePosixPath(name)
    if any(part.startswith(".") for part in path.parts) or name.endswith(CACHE_SUFFIXES):
        return True
    if any(f"/{cache}/" in f"/{name}" for cache in CACHES):
        return True
    return not tests and (
        "tests" in path.parts[:-1] or path.name == "conftest.py" or path.name.startswith("test_")
    )


def _version_in_init(source: str) -> str | None:
    """The string literal assigned to ``__version__`` in a module's source."""
    for node in ast.parse(source).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def _entry_points(text: str) -> dict[str, dict[str, str]]:
    """``entry_points.txt`` as {group: {name: object reference}}."""
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return {group: dict(parser[group]) for group in parser.sections()}


def _diff(what: str, expected: Iterable[str], actual: Iterable[str]) -> list[str]:
    """One problem per item missing from or added to *actual*."""
    want, have = set(expected), set(actual)
    return [f"{what}: missing {item}" for item in sorted(want - have)] + [
        f"{what}: unexpected {item}" for item in sorted(have - want)
    ]


def check_metadata(meta: Message, project: Mapping[str, Any]) -> list[str]:
    """The differences between a wheel's ``METADATA`` and ``[project]``."""
    problems = [
        f"metadata {field}: {meta.get(field)!r}, pyproject.toml says {expected!r}"
        for field, expected in (
            ("Name", project["name"]),
            ("Version", project["version"]),
            ("Summary", project["description"]),
            ("Requires-Python", project["requires-python"]),
            ("License-Expression", project["license"]),
            ("Description-Content-Type", "text/markdown"),
        )
        if meta.get(field) != expected
    ]
    requires = meta.get_all("Requires-Dist") or []
    runtime = [r for r in requires if "extra ==" not in r]
    problems += _diff(
        "runtime dependency",
        map(_canonical, project["dependencies"]),
        map(_canonical, runtime),
    )
    problems += [
        f"runtime dependency without a lower bound: {r}"
        for r in runtime
        if not any(s.operator in {">=", ">", "==", "~="} for s in Requirement(r).specifier)
    ]
    optional = project.get("optional-dependencies", {})
    problems += _diff("extra", optional, meta.get_all("Provides-Extra") or [])
    problems += _diff(
        "extra requirement",
        {_with_extra(r, x) for x in optional for r in _extra_requirements(optional, x)},
        {_canonical(r) for r in requires if "extra ==" in r},
    )
    problems += _diff("classifier", project["classifiers"], meta.get_all("Classifier") or [])
    problems += _diff("licence file", project["license-files"], meta.get_all("License-File") or [])
    readme = (ROOT / project["readme"]).read_text(encoding="utf-8")
    description = meta.get_payload()
    if not isinstance(description, str) or description.strip() != readme.strip():
        problems.append(f"metadata description is not {project['readme']}")
    return problems


def check_wheel(wheel: Path, sdist_package: set[str], project: Mapping[str, Any]) -> list[str]:
    """The problems of one wheel, given the package files its sdist holds."""
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    info = f"{PACKAGE}-{project['version']}.dist-info/"
    required = [f"{PACKAGE}/__init__.py", f"{PACKAGE}/py.typed"] + [
        f"{PACKAGE}/data/{path.name}" for path in sorted((ROOT / "src/pmcrm/data").glob("*.json"))
    ]
    problems = [f"missing from the wheel: {name}" for name in required if name not in names]
    problems += [
        f"stray file in the wheel: {name}"
        for name in names
        if not name.startswith((f"{PACKAGE}/", info)) or _is_stray(name)
    ]
    problems += _diff(
        "wheel package files against the sdist's src/",
        sdist_package,
        (name for name in names if name.startswith(f"{PACKAGE}/")),
    )
    problems += _diff(
        "wheel .dist-info",
        (
            "METADATA",
            "WHEEL",
            "RECORD",
            "entry_points.txt",
            *(f"licenses/{name}" for name in project["license-files"]),
        ),
        (name.removeprefix(info) for name in names if name.startswith(info)),
    )
    if f"{info}METADATA" in names:
        meta = email.parser.Parser().parsestr(archive.read(f"{info}METADATA").decode("utf-8"))
        problems += check_metadata(meta, project)
    if f"{PACKAGE}/__init__.py" in names:
        version = _version_in_init(archive.read(f"{PACKAGE}/__init__.py").decode("utf-8"))
        if version != project["version"]:
            problems.append(f"pmcrm.__version__ is {version!r}, metadata {project['version']!r}")
    if f"{info}entry_points.txt" in names:
        expected = {"console_scripts": project.get("scripts", {})} | project.get(
            "entry-points", {}
        )
        actual = _entry_points(archive.read(f"{info}entry_points.txt").decode("utf-8"))
        if {k: v for k, v in expected.items() if v} != actual:
            problems.append(f"entry points {actual}, pyproject.toml says {expected}")
    return problems


def check_sdist(sdist: Path, pyproject: Mapping[str, Any]) -> tuple[list[str], set[str]]:
    """The problems of the sdist, and the package files it holds (as wheel names)."""
    project = pyproject["project"]
    top = f"{project['name']}-{project['version']}/"
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        names = [m.name for m in members]
        problems = [f"sdist member outside {top}: {n}" for n in names if not n.startswith(top)]
        inside = [n.removeprefix(top) for n in names]
        include = pyproject["tool"]["hatch"]["build"]["targets"]["sdist"]["only-include"]
        problems += [
            f"missing from the sdist: {path}"
            for path in include
            if not any(name == path or name.startswith(f"{path}/") for name in inside)
        ]
        problems += [
            f"stray file in the sdist: {name}"
            for name in inside
            if name not in SDIST_EXTRAS
            and (
                _is_stray(name, tests=True)
                or not any(name == path or name.startswith(f"{path}/") for path in include)
            )
        ]
        info = archive.extractfile(f"{top}PKG-INFO") if f"{top}PKG-INFO" in names else None
        if info is None:
            problems.append("missing from the sdist: PKG-INFO")
        elif email.parser.Parser().parsestr(info.read().decode())["Version"] != project["version"]:
            problems.append("sdist PKG-INFO: wrong version")
    package = {name.removeprefix("src/") for name in inside if name.startswith(f"src/{PACKAGE}/")}
    return problems, package


def check(dist: Path, same_files_as: Path | None = None) -> list[str]:
    """The problems found in the wheel and the sdist in *dist* (empty when all is well)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"expected one wheel and one sdist in {dist}: {len(wheels)}, {len(sdists)}"]
    problems, package = check_sdist(sdists[0], pyproject)
    problems += check_wheel(wheels[0], package, pyproject["project"])
    if same_files_as is not None:
        problems += _diff(
            f"{same_files_as.name} (from the tree) against the wheel from the sdist",
            zipfile.ZipFile(wheels[0]).namelist(),
            zipfile.ZipFile(same_files_as).namelist(),
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the distributions in the directory named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the directory with one wheel and one sdist")
    parser.add_argument(
        "--same-files-as", type=Path, help="a wheel that must hold the same file names"
    )
    args = parser.parse_args(argv)
    problems = check(args.dist, args.same_files_as)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("distributions ok")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
