"""Helpers for the ``pmcrm demo`` tests: a demo of given customers, and running the command."""

import json
from collections.abc import Sequence
from typing import Any

import pytest

from pmcrm.cli import main
from pmcrm.cli.demo import Demo
from pmcrm.customers import Customer
from pmcrm.sample import sample_config, sample_members, sample_portfolio, sample_tier_policy
from pmcrm.tiers import MemberRecord
from pmcrm.values import Lang

PORTFOLIO_SIZE = len(sample_portfolio())


def demo_of(
    customers: Sequence[Customer],
    *,
    members: Sequence[MemberRecord] | None = None,
    lang: Lang = Lang.EN,
) -> Demo:
    """A demo of *customers* on the sample's day, with the sample programme."""
    config = sample_config()
    return Demo.build(
        customers,
        config,
        as_of=config.as_of,
        tier_policy=sample_tier_policy(),
        members=sample_members() if members is None else members,
        lang=lang,
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``main(argv)`` and return its exit code, stdout and stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Run ``pmcrm demo --json`` with *argv* and parse what it prints."""
    code, out, err = run(capsys, "demo", "--json", *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


def section_lines(text: str, title: str) -> list[str]:
    """The lines of the text report's section headed ``== title ==``."""
    lines = text.splitlines()
    start = lines.index(f"== {title} ==") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("== ")), len(lines))
    return [line for line in lines[start:end] if line]
