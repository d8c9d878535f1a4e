"""The same inputs give byte-identical outputs, across runs and across ``PYTHONHASHSEED`` values.

A child Python process (:func:`produce`) writes one canonical byte stream
covering every area on the sample data: the demo report as JSON in English
and Chinese, each job command's output files on the files ``pmcrm
sample-files`` writes, and library results dumped with
:func:`pmcrm.serialization.unstructure`.  It runs under three hash seeds,
and twice under the first; every stream must be the same bytes.  String
hashing is what ``PYTHONHASHSEED`` changes, so anything that lets the order
of a ``set`` or ``frozenset`` of strings reach an output shows up here.
"""

import contextlib
import hashlib
import io
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime, time
from pathlib import Path
from typing import Any

import attrs
import pytest

from pmcrm.cli.jobs._sample_files import FILES

TESTS = Path(__file__).resolve().parent
SEEDS = ("0", "1", "12345")
AS_OF = "2026-11-23"
AT = "2026-11-23T17:00:00+08:00"

#: The job commands, run in the child's working directory on ``data/``.
JOBS: Mapping[str, tuple[str, ...]] = {
    "review": ("review", "data/members.jsonl", "--policy", "data/tiers.json", "--as-of", AS_OF),
    "entitlements": (
        "entitlements",
        "data/holders.jsonl",
        "--catalogue",
        "data/catalogue.json",
        "--on",
        AS_OF,
    ),
    "price": (
        "price",
        "data/bills.jsonl",
        "--catalogue",
        "data/catalogue.json",
        "--pricing",
        "data/pricing.json",
    ),
    "clocks": (
        "clocks",
        "data/events.jsonl",
        "--policy",
        "data/sla.json",
        "--calendar",
        "data/calendar.json",
        "--at",
        AT,
    ),
    "analyse": (
        "analyse",
        "data/events.jsonl",
        "--policy",
        "data/sla.json",
        "--calendar",
        "data/calendar.json",
        "--at",
        AT,
        "--format",
        "json",
    ),
    "score": (
        "score",
        "data/survey.csv",
        "--instrument",
        "data/instrument.json",
        "--format",
        "json",
    ),
}


def _command(argv: list[str]) -> bytes:
    """Run ``pmcrm`` with *argv*: its exit code, stdout and stderr, as one section's bytes."""
    from pmcrm.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return f"exit {code}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}".encode()


def _library() -> Iterator[tuple[str, Any]]:
    """Library results on the sample data, unstructured."""
    from pmcrm.complaints import complaint_clocks, find_repeats
    from pmcrm.complaints.facts import facts
    from pmcrm.sample import (
        sample_calendar,
        sample_complaints,
        sample_config,
        sample_members,
        sample_portfolio,
        sample_survey,
        sample_tier_policy,
    )
    from pmcrm.segmentation import classify, segment_portfolio
    from pmcrm.serialization import unstructure
    from pmcrm.surveys import score_survey
    from pmcrm.tiers import review_portfolio

    customers, config = sample_portfolio(), sample_config()
    as_of = config.as_of
    yield (
        "segment_portfolio",
        [unstructure(s) for s in segment_portfolio(customers, config.policy, as_of)],
    )
    yield "classify", [unstructure(list(classify(c, config.segments, as_of))) for c in customers]
    members = zip(customers, sample_members(), strict=True)
    yield (
        "review_portfolio",
        [unstructure(o) for o in review_portfolio(members, sample_tier_policy(), as_of)],
    )
    complaints, calendar = sample_complaints(), sample_calendar()
    at = datetime.combine(as_of, time(17), tzinfo=calendar.timezone)
    states = complaints.states
    yield (
        "complaint_clocks",
        [
            unstructure(complaint_clocks(s, complaints.policy, at, calendar=calendar))
            for s in states
        ],
    )
    all_facts = [facts(s) for s in states]
    yield (
        "find_repeats",
        [unstructure(f) for f in find_repeats(all_facts, complaints.repeat_policy)],
    )
    survey = sample_survey()
    yield "score_survey", unstructure(score_survey(survey.instrument, survey.responses))


def produce() -> bytes:
    """The canonical output, run in the current directory (the child's, a fresh one)."""
    sections: list[bytes] = []
    for lang in ("en", "zh"):
        sections.append(f"== pmcrm demo --json --lang {lang}\n".encode())
        sections.append(_command(["demo", "--json", "--lang", lang]))
    sections.append(b"== pmcrm sample-files data\n" + _command(["sample-files", "data"]))
    Path("out").mkdir()
    for name, argv in JOBS.items():
        suffix = ".json" if "--format" in argv else ".jsonl"
        extra = ["--progress", "never", "-o", f"out/{name}{suffix}"]
        sections.append(f"== pmcrm {' '.join(argv)}\n".encode() + _command([*argv, *extra]))
    for path in [*sorted(Path("data").iterdir()), *sorted(Path("out").iterdir())]:
        sections.append(f"== {path.parent.name}/{path.name}\n".encode() + path.read_bytes())
    for name, value in _library():
        text = json.dumps(value, ensure_ascii=False, indent=1, default=str)
        sections.append(f"== {name}\n{text}\n".encode())
    return b"".join(sections)


def _child(seed: str, directory: Path) -> subprocess.Popen[bytes]:
    directory.mkdir()
    env = {
        **os.environ,
        "PYTHONHASHSEED": seed,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])),
    }
    code = (
        "import sys, test_determinism; sys.stdout.buffer.write(test_determinism.produce()); "
        "sys.stderr.write(str(hash('pmcrm')))"
    )
    return subprocess.Popen(  # noqa: S603 - this interpreter on a fixed snippet
        [sys.executable, "-c", code],
        cwd=directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@attrs.frozen
class Run:
    """One child's canonical output, and ``hash("pmcrm")`` in it (the seed at work)."""

    output: bytes
    string_hash: int


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Each run: one per seed, and a second run of the first seed, in parallel."""
    runs = {seed: seed for seed in SEEDS} | {"again": SEEDS[0]}
    base = tmp_path_factory.mktemp("determinism")
    children = {name: _child(seed, base / f"run-{name}") for name, seed in runs.items()}
    found = {}
    for name, child in children.items():
        out, err = child.communicate()
        assert 0 == child.returncode, err.decode(errors="replace")
        found[name] = Run(output=out, string_hash=int(err))
    return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _first_difference(expected: bytes, actual: bytes) -> str:
    """Where two outputs first differ: the section and the line, both sides."""
    section = ""
    pairs = itertools.zip_longest(expected.splitlines(), actual.splitlines())
    for number, (left, right) in enumerate(pairs, 1):
        if left is not None and left.startswith(b"== "):
            section = left.decode(errors="replace")
        if left != right:
            return f"first difference at line {number}, in {section!r}:\n  {left!r}\n  {right!r}"
    return "the same lines, different line endings"


@pytest.mark.parametrize("run", [*SEEDS[1:], "again"])
def test_output_is_the_same_bytes(outputs: dict[str, Run], run: str) -> None:
    """Each other seed, and a second run, give the first seed's bytes."""
    expected, actual = outputs[SEEDS[0]].output, outputs[run].output
    assert _digest(expected) == _digest(actual), _first_difference(expected, actual)


def test_each_seed_hashes_strings_differently(outputs: dict[str, Run]) -> None:
    """The seeds reached the children: string hashes differ by seed, not by run."""
    hashes = [outputs[seed].string_hash for seed in SEEDS]
    assert len(set(hashes)) == len(SEEDS)
    assert outputs[SEEDS[0]].string_hash == outputs["again"].string_hash


def test_output_covers_every_area(outputs: dict[str, Run]) -> None:
    """Every section is there, every command succeeded, and no section is empty."""
    text = outputs[SEEDS[0]].output.decode()
    headers = [line for line in text.splitlines() if line.startswith("== ")]
    assert [
        "== pmcrm demo --json --lang en",
        "== pmcrm demo --json --lang zh",
        "== pmcrm sample-files data",
        *(f"== pmcrm {' '.join(argv)}" for argv in JOBS.values()),
        *(f"== data/{name}" for name in sorted(FILES)),
        "== out/analyse.json",
        "== out/clocks.jsonl",
        "== out/entitlements.jsonl",
        "== out/price.jsonl",
        "== out/review.jsonl",
        "== out/score.json",
        "== segment_portfolio",
        "== classify",
        "== review_portfolio",
        "== complaint_clocks",
        "== find_repeats",
        "== score_survey",
    ] == headers
    assert text.count("exit 0\n") == 2 + 1 + len(JOBS)
    bodies = text.split("\n== ")
    assert all(len(body.splitlines()) > 1 for body in bodies)


def test_first_difference_names_the_section_and_line() -> None:
    """The mismatch message points at the first differing line."""
    assert "first difference at line 3, in '== b':\n  b'y'\n  b'z'" == _first_difference(
        b"== a\n== b\ny\n", b"== a\n== b\nz\n"
    )
    assert "the same lines, different line endings" == _first_difference(b"x\n", b"x\r\n")
