"""``pmcrm entitlements`` and ``pmcrm price``: benefits held, and bills priced with them."""

import argparse
from pathlib import Path

from pmcrm.batch import (
    ENTITLEMENT_INPUT,
    ENTITLEMENT_SCHEMA,
    PRICE_INPUT,
    PRICE_SCHEMA,
    entitlement_records,
    price_records,
)
from pmcrm.benefits import Catalogue
from pmcrm.cli.jobs import _args
from pmcrm.cli.jobs._io import Job, add_common, load_config, run_job
from pmcrm.pricing import PricingPolicy
from pmcrm.serialization import make_converter
from pmcrm.values import Lang

__all__ = ["add_parsers"]

_EXIT = """\
exit status: 0 every row done; 1 some rows rejected (see the dead-letter
  file); 2 usage error; 3 a configuration file cannot be used; 4 a file
  cannot be read or written.
"""

ENTITLEMENTS_EXAMPLES = (
    """\
examples:
  pmcrm sample-files data/
  pmcrm entitlements data/holders.jsonl --catalogue data/catalogue.json --on 2026-11-23
  pmcrm entitlements data/holders.jsonl --catalogue data/catalogue.json --on 2026-11-23 \\
      --format table --lang en

input: one record per customer, with
  customer_id   the customer
  tier_history  the tiers held: [{"tier": "gold", "since": "2024-01-01", "until": null}, …]
  grants        manual and promotion grants (optional)
output: one row per benefit held on the day (a customer holding none: one row,
  benefit empty): line, customer_id, benefit, kind, description_zh/en, source,
  tier, start, end, quota figures.
"""
    + _EXIT
)

PRICE_EXAMPLES = (
    """\
examples:
  pmcrm sample-files data/
  pmcrm price data/bills.jsonl --catalogue data/catalogue.json --pricing data/pricing.json
  pmcrm price data/bills.jsonl --catalogue data/catalogue.json --pricing data/pricing.json \\
      --on 2026-12-01 --format table --lang en

input: one record per bill, with
  bill_id, customer_id  the bill and whose it is
  on                    the day it is priced on (unless --on is given)
  currency              optional, CNY by default
  lines                 [{"category": "property_fee", "description": "…",
                          "amount": {"amount": "12680.50"}}, …]
  tier_history, grants  as for pmcrm entitlements: the discounts held that day
output: one row per bill: line, bill_id, customer_id, currency, original,
  discount, net, the lines (JSON) and the explanation in zh and en.
"""
    + _EXIT
)


def _catalogue(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalogue",
        type=Path,
        required=True,
        metavar="FILE",
        help="the benefit catalogue: what each tier grants (JSON, or TOML by its suffix)",
    )


def add_parsers(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``entitlements`` and ``price`` to *commands*."""
    entitled = commands.add_parser(
        "entitlements",
        help="list the benefits each customer holds on a day",
        description="List the benefits each customer holds on a day, from their tier\n"
        "history (with the catalogue's grace period) and their grants.",
        epilog=ENTITLEMENTS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(entitled)
    _catalogue(entitled)
    entitled.add_argument(
        "--on", type=_args.day, required=True, metavar="YYYY-MM-DD", help="the day"
    )
    entitled.set_defaults(run=run_entitlements)

    priced = commands.add_parser(
        "price",
        help="price bills with the discounts their customers hold",
        description="Price each bill with the discounts its customer holds on its day:\n"
        "stacking and rounding as the pricing policy says, totals exact, explained.",
        epilog=PRICE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(priced)
    _catalogue(priced)
    priced.add_argument(
        "--pricing",
        type=Path,
        required=True,
        metavar="FILE",
        help="the pricing policy: stacking, cap and rounding (JSON, or TOML by its suffix)",
    )
    priced.add_argument(
        "--on",
        type=_args.day,
        default=None,
        metavar="YYYY-MM-DD",
        help="price every bill on this day (default: each bill's own 'on')",
    )
    priced.set_defaults(run=run_price)


def run_entitlements(args: argparse.Namespace) -> int:
    """Run ``pmcrm entitlements``."""

    def build(lang: Lang) -> Job:
        catalogue = load_config(args.catalogue, Catalogue, lenient=args.lenient_config, lang=lang)
        converter = make_converter()
        return Job(
            schema=ENTITLEMENT_SCHEMA,
            key="customer_id",
            kernel=lambda records: entitlement_records(
                records, catalogue, args.on, converter=converter
            ),
            shape=ENTITLEMENT_INPUT,
        )

    return run_job("entitlements", args, build)


def run_price(args: argparse.Namespace) -> int:
    """Run ``pmcrm price``."""

    def build(lang: Lang) -> Job:
        catalogue = load_config(args.catalogue, Catalogue, lenient=args.lenient_config, lang=lang)
        pricing = load_config(args.pricing, PricingPolicy, lenient=args.lenient_config, lang=lang)
        converter = make_converter()
        return Job(
            schema=PRICE_SCHEMA,
            key="bill_id",
            kernel=lambda records: price_records(
                records, catalogue, pricing, on=args.on, converter=converter
            ),
            shape=PRICE_INPUT,
        )

    return run_job("price", args, build)
