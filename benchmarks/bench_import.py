"""S6: the cost of ``import pmcrm`` in a fresh interpreter.

Each candidate runs in a new ``python`` process that times its own import
statement with ``time.perf_counter`` (interpreter start-up is not counted)
and reports whether numpy or pandas got imported.  Candidates are
interleaved, twice per round (A B C A B C), each round keeps each candidate's
faster probe, and the ratio is the median per-round ratio.

Every module is imported from bytecode, as it is for a user who installed a
wheel: the children write and read ``.pyc`` files under a private
``-X pycache_prefix`` directory, even when ``PYTHONDONTWRITEBYTECODE`` is set
(as it is on the project's machines, where an editable checkout would
otherwise be compiled from source at every import).
"""

import importlib.util
import json
import os
import pkgutil
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchmarks._harness import Config, Row, Section, quartiles

_PROBE = """
import time, sys
_start = time.perf_counter()
{statement}
_elapsed = time.perf_counter() - _start
import json
print(json.dumps({{"seconds": _elapsed, "heavy": sorted(
    m for m in ("numpy", "pandas", "scipy", "pydantic", "hypothesis") if m in sys.modules
), "modules": len(sys.modules)}}))
"""


_PYCACHE: list[str] = []

#: Probes of each candidate per round; the round keeps the fastest (the
#: machines are shared, and interruptions only ever add time).
REPEAT = 2


def _python(*args: str) -> list[str]:
    prefix = ["-X", f"pycache_prefix={_PYCACHE[0]}"] if _PYCACHE else []
    return [sys.executable, *prefix, *args]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _probe(statement: str) -> dict[str, object]:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        _python("-c", _PROBE.format(statement=statement)),
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        env=_env(),
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _public_submodules() -> list[str]:
    import pmcrm

    return sorted(
        f"pmcrm.{m.name}"
        for m in pkgutil.iter_modules(pmcrm.__path__)
        if not m.name.startswith("_") and m.name != "__main__"
    )


def _importable(modules: list[str]) -> tuple[list[str], list[str]]:
    ok, broken = [], []
    for module in modules:
        try:
            _probe(f"import {module}")
        except RuntimeError as exc:
            broken.append(f"{module} ({exc})")
        else:
            ok.append(module)
    return ok, broken


def _top_self_times(statement: str, prefix: str, count: int = 5) -> str:
    """The modules under *prefix* with the largest self import time (``-X importtime``)."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        _python("-X", "importtime", "-c", statement),
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        env=_env(),
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:") :].split("|")
        try:
            self_us = int(parts[0])
        except ValueError:
            continue
        name = parts[2].strip()
        if name.startswith(prefix):
            rows.append((self_us, name))
    rows.sort(reverse=True)
    return ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in rows[:count])


def run_s6(cfg: Config) -> Section:
    """S6: ``import pmcrm`` against ``import attrs, cattrs, dateutil``."""
    _PYCACHE[:] = [tempfile.mkdtemp(prefix="pmcrm-bench-pycache-")]
    try:
        return _run_s6(cfg)
    finally:
        shutil.rmtree(_PYCACHE[0], ignore_errors=True)
        _PYCACHE.clear()


def _run_s6(cfg: Config) -> Section:
    section = Section("S6", "import time")
    submodules, broken = _importable(_public_submodules())
    statements = {
        "base": "import attrs, cattrs, dateutil",
        "pmcrm": "import pmcrm",
        "all": "import pmcrm, " + ", ".join(submodules) if submodules else "import pmcrm",
    }
    heavy: dict[str, object] = {}
    for name, statement in statements.items():
        heavy[name] = _probe(statement)["heavy"]  # warm-up: writes any missing .pyc
    times: dict[str, list[float]] = {name: [] for name in statements}
    names = list(statements)
    for r in range(cfg.import_rounds):
        shift = r % len(names)
        best = {name: float("inf") for name in names}
        for _ in range(REPEAT):
            for name in names[shift:] + names[:shift]:
                seconds = float(_probe(statements[name])["seconds"])  # type: ignore[arg-type]
                best[name] = min(best[name], seconds)
        for name in names:
            times[name].append(best[name])

    def row(name: str, label: str, target: float | None, note: str) -> Row:
        per_round = [a / b for a, b in zip(times[name], times["base"], strict=True)]
        return Row(
            "S6",
            label,
            value=statistics.median(times[name]),
            ratio=statistics.median(per_round),
            spread=quartiles(per_round),
            target=target,
            note=note,
        )

    section.rows = [
        Row(
            "S6",
            "import attrs, cattrs, dateutil",
            value=statistics.median(times["base"]),
            ratio=1.0,
            note="baseline",
        ),
        row("pmcrm", "import pmcrm", 1.5, f"heavy modules loaded: {heavy['pmcrm'] or 'none'}"),
        row(
            "all",
            f"import pmcrm + its {len(submodules)} public submodules",
            None,
            f"context; heavy modules loaded: {heavy['all'] or 'none'}",
        ),
    ]
    installed = [m for m in ("numpy", "pandas") if importlib.util.find_spec(m) is not None]
    section.notes.append(
        f"numpy/pandas installed here: {', '.join(installed) or 'neither'}; "
        "absent after `import pmcrm`: "
        + ("yes" if not {"numpy", "pandas"} & set(heavy["pmcrm"]) else "NO")  # type: ignore[call-overload]
        + "; after every public submodule: "
        + ("yes" if not {"numpy", "pandas"} & set(heavy["all"]) else "NO")  # type: ignore[call-overload]
    )
    top = _top_self_times(statements["all"], "pmcrm")
    if top:
        section.notes.append(f"slowest pmcrm modules (self time, -X importtime): {top}")
    if broken:
        section.notes.append("not importable right now, left out: " + "; ".join(broken))
    return section
