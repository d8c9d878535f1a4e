"""``pmcrm sample-files``: write the sample data as input files for the job commands."""

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from pmcrm.batch import response_columns
from pmcrm.cli.jobs._files import csv_table, to_flat, toml_text
from pmcrm.cli.jobs._io import EXIT_IO, EXIT_OK
from pmcrm.complaints import ComplaintEvent
from pmcrm.sample import (
    sample_benefits,
    sample_calendar,
    sample_complaints,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_survey,
    sample_tier_policy,
)
from pmcrm.serialization import unstructure
from pmcrm.surveys import Response

__all__ = ["FILES", "add_parser", "run"]

EXAMPLES = """\
examples:
  pmcrm sample-files data/
  pmcrm review data/members.jsonl --policy data/tiers.json --as-of 2026-11-23
"""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _jsonl(records: Iterator[Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _csv(records: list[dict[str, Any]]) -> str:
    return csv_table([dict(to_flat(r)) for r in records])


def _members() -> list[dict[str, Any]]:
    return [
        {"customer": unstructure(c), "member": unstructure(m)}
        for c, m in zip(sample_portfolio(), sample_members(), strict=True)
    ]


def _holders() -> list[dict[str, Any]]:
    """Each member's tier history: the tier held since the member record says."""
    return [
        {
            "customer_id": m.customer_id,
            "tier_history": [{"tier": m.tier, "since": m.since.isoformat()}],
        }
        for m in sample_members()
    ]


def _bills() -> list[dict[str, Any]]:
    """The sample bill, once for each member above the base tier, on the reference day."""
    base = sample_tier_policy().ladder.base_name
    lines = unstructure(sample_benefits()).get("bill_lines")
    on = sample_config().as_of.isoformat()
    return [
        {
            "bill_id": f"B-{h['customer_id']}",
            "customer_id": h["customer_id"],
            "on": on,
            "lines": lines,
            "tier_history": h["tier_history"],
        }
        for h in _holders()
        if h["tier_history"][0]["tier"] != base
    ]


def _events() -> Iterator[Any]:
    return (unstructure(e, unstructure_as=ComplaintEvent) for e in sample_complaints().events)


_SEGMENTS: Final = ("tier", "property_type", "customer_kind", "project")


def _survey_rows() -> list[dict[str, Any]]:
    """The sample responses in the wide form: one row per respondent, one column per item."""
    survey = sample_survey()
    header = response_columns(survey.instrument, segments=_SEGMENTS)
    rows = []
    for response in survey.responses:
        row: dict[str, Any] = dict.fromkeys(header, "")
        row |= {
            "respondent_id": response.respondent_id,
            "customer_id": response.customer_id or "",
            "on": response.on.isoformat(),
        }
        row |= {f"segment.{s.key}": s.value for s in response.segments}
        for answer in response.answers:
            row[answer.item] = "na" if answer.na else answer.score
            for part in ("importance", "expectation"):
                if getattr(answer, part) is not None:
                    row[f"{answer.item}.{part}"] = getattr(answer, part)
        rows.append(row)
    return rows


#: Each sample file: its name and what writes its text.
FILES: Final[dict[str, Callable[[], str]]] = {
    "members.jsonl": lambda: _jsonl(iter(_members())),
    "members.csv": lambda: _csv(_members()),
    "tiers.json": lambda: _json(unstructure(sample_tier_policy())),
    "tiers.toml": lambda: toml_text(unstructure(sample_tier_policy())),
    "holders.jsonl": lambda: _jsonl(iter(_holders())),
    "bills.jsonl": lambda: _jsonl(iter(_bills())),
    "catalogue.json": lambda: _json(unstructure(sample_benefits().catalogue)),
    "pricing.json": lambda: _json(unstructure(sample_benefits().pricing)),
    "events.jsonl": lambda: _jsonl(_events()),
    "sla.json": lambda: _json(unstructure(sample_complaints().policy)),
    "calendar.json": lambda: _json(unstructure(sample_calendar())),
    "instrument.json": lambda: _json(unstructure(sample_survey().instrument)),
    "survey.csv": lambda: csv_table(_survey_rows()),
    "survey.jsonl": lambda: _jsonl(
        unstructure(r, unstructure_as=Response) for r in sample_survey().responses
    ),
}


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``sample-files`` to *commands*."""
    parser = commands.add_parser(
        "sample-files",
        help="write the sample data as input files for the other commands",
        description=(
            "Write the embedded sample data (fictional customers, their member records,\n"
            "the VIP programme…) as input files for the job commands, into DIR (created\n"
            "if needed): " + ", ".join(FILES) + "."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("directory", type=Path, metavar="DIR", help="where to write the files")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``pmcrm sample-files``."""
    directory: Path = args.directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in FILES.items():
            (directory / name).write_text(text(), encoding="utf-8")
    except OSError as exc:
        print(
            f"pmcrm sample-files: cannot write into {directory}: {exc.strerror}", file=sys.stderr
        )
        return EXIT_IO
    print(f"pmcrm sample-files: wrote {len(FILES)} files into {directory}", file=sys.stderr)
    return EXIT_OK
