"""``pmcrm demo``: a report on the embedded sample data.

The report is built from *sections*: each section function takes
the shared :class:`Demo` context and returns a :class:`Section` holding its
JSON-ready data and its text lines, so a new section (benefits,
complaints, surveys…) is one more function in :data:`SECTIONS`.

Personal data never leaves this package unmasked: the report shows masked
names only, and neither mobile numbers, ID numbers nor addresses.

The sections live in private modules, one per area of the report; every
name below is importable from ``pmcrm.cli.demo``.

>>> from pmcrm.cli import main
>>> main(["demo", "--lang", "en", "--top", "1"])  # doctest: +ELLIPSIS
pmcrm sample customer report
...
0
"""

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypeAlias

from pmcrm import __version__, _parse
from pmcrm.cli._output import emit
from pmcrm.cli._table import display_width, pad, percent, render_table, truncate
from pmcrm.cli.demo import _benefits, _board, _charts, _context, _survey
from pmcrm.cli.demo._benefits import section_entitlements
from pmcrm.cli.demo._board import board_instant
from pmcrm.cli.demo._charts import write_charts
from pmcrm.cli.demo._complaints import section_complaints
from pmcrm.cli.demo._context import Demo, Section, _t
from pmcrm.cli.demo._customers import (
    section_kinds,
    section_overview,
    section_property_types,
    section_rule_segments,
    section_top,
    section_value_segments,
)
from pmcrm.cli.demo._survey import section_survey
from pmcrm.cli.demo._tiers import section_tiers
from pmcrm.errors import InvalidValue, MissingDependency
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
from pmcrm.values import Lang

__all__ = [
    "BOARD_TIME",
    "CARE_HORIZON_DAYS",
    "CARE_SHOWN",
    "CHART_FILES",
    "QUESTION_WIDTH",
    "SECTIONS",
    "SURVEY_MIN_N",
    "Demo",
    "Json",
    "Section",
    "add_parser",
    "board_instant",
    "display_width",
    "pad",
    "percent",
    "render_json",
    "render_table",
    "render_text",
    "run_demo",
    "section_complaints",
    "section_entitlements",
    "section_kinds",
    "section_overview",
    "section_property_types",
    "section_rule_segments",
    "section_survey",
    "section_tiers",
    "section_top",
    "section_value_segments",
    "truncate",
    "write_charts",
]

#: A JSON-ready value; :class:`~decimal.Decimal` is written as a string.
Json: TypeAlias = _context.Json

#: The time of day (China Standard Time) at which the complaint board reads its clocks.
BOARD_TIME = _board.BOARD_TIME

#: How many days ahead the care list looks (this week: the day and the next seven).
CARE_HORIZON_DAYS = _benefits.CARE_HORIZON_DAYS

#: How many care items the entitlements section lists one by one.
CARE_SHOWN = _benefits.CARE_SHOWN

#: Groups with fewer responses than this are flagged small in the survey's tier breakdown.
SURVEY_MIN_N = _survey.SURVEY_MIN_N

#: Widest question text shown in the quadrant table (display columns).
QUESTION_WIDTH = _survey.QUESTION_WIDTH

#: The files ``--charts`` writes, in order.
CHART_FILES = _charts.CHART_FILES

#: The earliest and latest ``--as-of`` the demo accepts.
AS_OF_RANGE = (date(1900, 1, 1), date(2199, 12, 31))

EXAMPLES = """\
examples:
  python -m pmcrm demo                      # the report in Chinese
  python -m pmcrm demo --lang en --top 5    # in English, the five best customers
  python -m pmcrm demo --json | python -m json.tool
  python -m pmcrm demo --as-of 2026-06-30   # score on another day
  python -m pmcrm demo --charts charts      # also draw the survey charts (pmcrm[plot])
"""

_REPORT_TITLE = _t("pmcrm 示例客户报告", "pmcrm sample customer report")
_SUBTITLE = _t(
    "溪岚市物业服务公司（虚构）· 基准日 {as_of} · 客户 {count} 位",
    "Xilan property services (fictional) · as of {as_of} · {count} customers",
)


#: The report's sections, in order.  Each takes the :class:`Demo` and returns
#: a :class:`Section`; a new section is one more function here.
SECTIONS: tuple[Callable[[Demo], Section], ...] = (
    section_overview,
    section_kinds,
    section_property_types,
    section_value_segments,
    section_rule_segments,
    section_top,
    section_tiers,
    section_entitlements,
    section_complaints,
    section_survey,
)

# --- rendering -----------------------------------------------------------------------


def _headline(demo: Demo) -> tuple[str, str]:
    subtitle = demo.text(_SUBTITLE).format(as_of=demo.as_of.isoformat(), count=len(demo.customers))
    return demo.text(_REPORT_TITLE), subtitle


def render_text(demo: Demo, sections: Sequence[Section]) -> str:
    """The report as aligned plain text."""
    title, subtitle = _headline(demo)
    lines = [title, subtitle]
    for section in sections:
        lines.extend(["", f"== {section.title} ==", *section.lines])
    return "\n".join(lines)


def _json_default(value: object) -> str:
    """Decimals as plain strings; anything else is a bug."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    raise TypeError(f"{type(value).__name__} is not JSON-ready")


def render_json(demo: Demo, sections: Sequence[Section]) -> str:
    """The report as one JSON document (keys in a fixed order, decimals as strings)."""
    title, subtitle = _headline(demo)
    document: Mapping[str, Json] = {
        "report": title,
        "subtitle": subtitle,
        "version": __version__,
        "lang": demo.lang.value,
        "as_of": demo.as_of.isoformat(),
        "customers": len(demo.customers),
        "sections": {s.key: s.data for s in sections},
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default)


# --- the command line ------------------------------------------------------------------


def _as_of(text: str) -> date:
    """Parse ``--as-of``: a strict ``YYYY-MM-DD`` within :data:`AS_OF_RANGE`."""
    try:
        day = _parse.parse_date(text)
    except InvalidValue:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2026-11-23"
        ) from None
    low, high = AS_OF_RANGE
    if not low <= day <= high:
        raise argparse.ArgumentTypeError(
            f"date {text!r} is out of range: expected {low.isoformat()} to {high.isoformat()}"
        )
    return day


def _top(text: str) -> int:
    """Parse ``--top``: a whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid count {text!r}: expected a whole number"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: must be at least 1")
    return value


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the ``demo`` command to the ``pmcrm`` parser's *commands*."""
    demo = commands.add_parser(
        "demo",
        help="report on the embedded sample portfolio",
        description=(
            "Report on the embedded sample portfolio (about 200 fictional customers):\n"
            "counts by kind, property type and value segment, rule-based segments, the\n"
            "top customers with the reasons for their scores, the VIP tiers with the\n"
            "periodic review (upgrades, downgrade notices, an explained tier decision),\n"
            "a VIP's benefits, a bill priced with their discounts, the quotas left\n"
            "and this week's care list, and the complaint board: open complaints and\n"
            "their SLA clocks read at 17:00 China Standard Time, breaches, repeats,\n"
            "the month's analysis and one clock explained; and the satisfaction survey:\n"
            "CSI, NPS and CSAT with their intervals, dimensions, the importance-\n"
            "satisfaction quadrants, the change from the wave before and the tiers.\n"
            "Names are masked; mobile numbers, ID numbers and addresses are never shown."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--lang", choices=[lang.value for lang in Lang], default="zh", help="zh (default) or en"
    )
    demo.add_argument("--json", action="store_true", help="print one JSON document")
    demo.add_argument(
        "--top",
        type=_top,
        default=10,
        metavar="N",
        help="show the N best customers, and at most N items in each complaint list (10)",
    )
    demo.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="YYYY-MM-DD",
        help=(
            "score and review on this day, and read the complaint clocks at 17:00 China "
            "Standard Time (default: the sample's reference date)"
        ),
    )
    demo.add_argument(
        "--charts",
        type=Path,
        default=None,
        metavar="DIR",
        help=(
            "also draw the survey's quadrant and dimension charts into DIR (created if "
            'needed) as SVG and PNG; needs matplotlib: pip install "pmcrm[plot]"'
        ),
    )
    demo.set_defaults(run=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """The ``demo`` command."""
    config = sample_config()
    demo = Demo.build(
        sample_portfolio(),
        config,
        as_of=args.as_of or config.as_of,
        tier_policy=sample_tier_policy(),
        members=sample_members(),
        lang=Lang(args.lang),
        top=args.top,
        benefits=sample_benefits(),
        complaints=sample_complaints(),
        calendar=sample_calendar(),
        survey=sample_survey(),
    )
    sections = [section(demo) for section in SECTIONS]
    if args.charts is not None:
        try:
            sections.append(write_charts(demo, args.charts))
        except MissingDependency as exc:
            print(
                f"pmcrm demo: --charts needs matplotlib, which is not installed: "
                f'pip install "pmcrm[{exc.extra}]"',
                file=sys.stderr,
            )
            return 2
        except OSError as exc:
            print(f"pmcrm demo: --charts: cannot write the charts: {exc}", file=sys.stderr)
            return 1
    return emit(render_json(demo, sections) if args.json else render_text(demo, sections))
