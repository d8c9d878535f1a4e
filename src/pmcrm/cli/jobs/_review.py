"""``pmcrm review``: review the VIP tiers of a portfolio's members."""

import argparse
from pathlib import Path

from pmcrm.batch import REVIEW_INPUT, REVIEW_SCHEMA, review_records
from pmcrm.cli.jobs import _args
from pmcrm.cli.jobs._io import Job, add_common, load_config, run_job
from pmcrm.serialization import make_converter
from pmcrm.tiers import TierPolicy
from pmcrm.values import Lang

__all__ = ["EXAMPLES", "add_parser", "run"]

EXAMPLES = """\
examples:
  pmcrm sample-files data/
  pmcrm review data/members.jsonl --policy data/tiers.json --as-of 2026-11-23 -o reviewed.jsonl
  pmcrm review data/members.csv --policy data/tiers.toml --as-of 2026-11-23 \\
      --format table --lang en

input: one record per line (JSON Lines) or per row (CSV), with
  customer  the customer (a pmcrm Customer object)
  member    their member record (tier, since, designations, satisfaction…)
CSV columns are dotted paths: customer.customer_id, customer.units.0.area,
member.tier, member.since… (see pmcrm sample-files for a complete file).
output columns: line, customer_id, on, action, from_tier, to_tier,
  notice_issued_on, notice_effective_on, reasons_zh, reasons_en, member
exit status: 0 all rows reviewed; 1 some rows rejected (see the dead-letter
  file); 2 usage error; 3 the policy file cannot be used; 4 a file cannot be
  read or written.
"""


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``review`` to *commands*."""
    parser = commands.add_parser(
        "review",
        help="review the VIP tiers of a portfolio (JSON Lines or CSV)",
        description=(
            "Review each member's VIP tier on a day: upgrades, downgrade notices, notices\n"
            "that take effect or lapse, with the reasons in zh and en and the member record\n"
            "after the review (the next review's input)."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser)
    parser.add_argument(
        "--policy",
        type=Path,
        required=True,
        metavar="FILE",
        help="the VIP programme: ladder and review rules (JSON, or TOML by its suffix)",
    )
    parser.add_argument(
        "--as-of",
        type=_args.day,
        required=True,
        metavar="YYYY-MM-DD",
        help="the day of the review",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``pmcrm review``."""

    def build(lang: Lang) -> Job:
        policy = load_config(args.policy, TierPolicy, lenient=args.lenient_config, lang=lang)
        converter = make_converter()
        return Job(
            schema=REVIEW_SCHEMA,
            key="customer_id",
            kernel=lambda records: review_records(
                records, policy, args.as_of, converter=converter
            ),
            shape=REVIEW_INPUT,
        )

    return run_job("review", args, build)
