"""Write a large generated input for the job commands: N records as JSON Lines (or CSV).

Each record is one of the sample's, cycling through them, with a new id so
that every record is distinct; the mix (tiers, arrears, notices, complaint
stories, answers) stays the sample's.  Streaming: memory does not grow
with N.

    python scripts/make_portfolio.py 1000000 big.jsonl                # members
    python scripts/make_portfolio.py --kind events 1000000 events.jsonl
    pmcrm sample-files data/
    pmcrm review big.jsonl --policy data/tiers.json --as-of 2026-11-23 -o reviewed.jsonl

Kinds: ``members`` (for ``pmcrm review``), ``holders`` (``entitlements``),
``bills`` (``price``), ``events`` (``clocks``, ``analyse``: N events, whole
complaints only) and ``survey`` (``score``: the wide CSV form).
"""

import argparse
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pmcrm.cli.jobs._sample_files import _bills, _events, _holders, _members, _survey_rows


def _renamed(base: list[dict[str, Any]], count: int, rename: Any) -> Iterator[dict[str, Any]]:
    for n in range(count):
        yield rename(base[n % len(base)], n + 1)


def members(count: int) -> Iterator[dict[str, Any]]:
    def rename(record: dict[str, Any], n: int) -> dict[str, Any]:
        new = f"G{n:07d}"
        return {
            "customer": record["customer"] | {"customer_id": new},
            "member": record["member"] | {"customer_id": new},
        }

    return _renamed(_members(), count, rename)


def holders(count: int) -> Iterator[dict[str, Any]]:
    return _renamed(_holders(), count, lambda r, n: r | {"customer_id": f"G{n:07d}"})


def bills(count: int) -> Iterator[dict[str, Any]]:
    return _renamed(
        _bills(), count, lambda r, n: r | {"bill_id": f"B{n:07d}", "customer_id": f"G{n:07d}"}
    )


def events(count: int) -> Iterator[dict[str, Any]]:
    """Whole complaints, renamed per copy, until *count* events (whole complaints only).

    Each copy gets its own complaint id, customer and unit, so repeats are
    found as often as in the sample (copies of one customer's complaints
    would all repeat one another).
    """
    stories: dict[str, list[dict[str, Any]]] = {}
    for event in _events():
        stories.setdefault(event["complaint_id"], []).append(event)
    written, copy = 0, 0
    while True:
        for story in stories.values():
            copy += 1
            if written + len(story) > count:
                return
            for event in story:
                renamed = event | {"complaint_id": f"TS-G{copy:07d}"}
                if "customer_id" in event:  # each copy another customer's, in another unit
                    renamed["customer_id"] = f"{event['customer_id']}-{copy}"
                if event.get("unit"):
                    renamed["unit"] = f"{event['unit']}-{copy}"
                yield renamed
            written += len(story)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--kind", choices=["members", "holders", "bills", "events", "survey"], default="members"
    )
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    with args.output.open("w", encoding="utf-8", newline="") as out:
        if args.kind == "survey":
            rows = _survey_rows()
            writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            for n in range(args.count):
                writer.writerow(rows[n % len(rows)] | {"respondent_id": f"R{n + 1:07d}"})
            return
        make = {"members": members, "holders": holders, "bills": bills, "events": events}
        for record in make[args.kind](args.count):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
