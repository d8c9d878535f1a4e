"""Write a large generated portfolio for the command line: N member records as JSON Lines.

Each record is one of the 200 sample records (customer and member record)
with a new customer id (``G0000001``…), cycling through the sample, so the
mix of tiers, arrears and notices stays the sample's.  Streaming: memory
does not grow with N.

    python scripts/make_portfolio.py 1000000 big.jsonl
    pmcrm review big.jsonl --policy tiers.json --as-of 2026-11-23 -o reviewed.jsonl
"""

import argparse
import json
from pathlib import Path

from pmcrm.sample import sample_members, sample_portfolio
from pmcrm.serialization import unstructure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    base = [
        (unstructure(c), unstructure(m))
        for c, m in zip(sample_portfolio(), sample_members(), strict=True)
    ]
    with args.output.open("w", encoding="utf-8") as out:
        for n in range(args.count):
            customer, member = base[n % len(base)]
            new_id = f"G{n + 1:07d}"
            record = {
                "customer": customer | {"customer_id": new_id},
                "member": member | {"customer_id": new_id},
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
