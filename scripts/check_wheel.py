"""Check the built wheel: py.typed, the sample data and nothing stray inside.

Usage: ``python scripts/check_wheel.py DIST_DIR``; exits 1 with a message on failure.
"""

import sys
import zipfile
from pathlib import Path

REQUIRED = (
    "pmcrm/__init__.py",
    "pmcrm/py.typed",
    "pmcrm/data/sample_portfolio.json",
    "pmcrm/data/sample_config.json",
    "pmcrm/data/sample_tiers.json",
    "pmcrm/data/sample_benefits.json",
    "pmcrm/data/sample_complaints.json",
    "pmcrm/data/calendar_cn.json",
    "pmcrm/data/sample_survey.json",
)
ALLOWED_TOP = ("pmcrm/", "pmcrm-")


def check(dist: Path) -> list[str]:
    """The problems found in the single wheel in *dist* (empty when all is well)."""
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) != 1:
        return [f"expected one wheel in {dist}, found {len(wheels)}"]
    names = zipfile.ZipFile(wheels[0]).namelist()
    problems = [f"missing from the wheel: {name}" for name in REQUIRED if name not in names]
    problems += [
        f"stray file in the wheel: {name}"
        for name in names
        if not name.startswith(ALLOWED_TOP) or "__pycache__" in name or name.endswith(".pyc")
    ]
    return problems


def main() -> int:
    """Check the wheel in the directory named on the command line."""
    problems = check(Path(sys.argv[1]))
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("wheel contents ok")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
