"""``pmcrm clocks`` and ``pmcrm analyse``: complaint SLA clocks and the monthly analysis."""

import argparse
from collections.abc import Iterable, Iterator
from pathlib import Path

from pmcrm.batch import (
    CLOCK_INPUT,
    CLOCK_SCHEMA,
    Record,
    Schema,
    clock_records,
    complaint_states,
)
from pmcrm.batch.summaries import ANALYSIS_SCHEMA, CAUSE_SCHEMA, analysis_records, cause_records
from pmcrm.calendars import BusinessCalendar
from pmcrm.cli.jobs import _args
from pmcrm.cli.jobs._io import Job, Summary, add_common, load_config, run_job, run_summary
from pmcrm.complaints import CategoryCatalogue, ComplaintState, RepeatPolicy, SlaPolicy, analyse
from pmcrm.serialization import make_converter
from pmcrm.values import Lang

__all__ = ["add_parsers"]

CLOCKS_EXAMPLES = """\
examples:
  pmcrm sample-files data/
  pmcrm clocks data/events.jsonl --policy data/sla.json --calendar data/calendar.json \\
      --at 2026-11-23T17:00:00+08:00
  pmcrm clocks data/events.jsonl --policy data/sla.json --calendar data/calendar.json \\
      --at 2026-11-23T17:00:00+08:00 --format table --lang en

input: complaint events, one per line (the "event" key says which: registered,
  assessed, assigned, contacted, paused, resumed, investigated, resolved,
  followed_up, reopened, transferred, archived…), each complaint's events
  together and in time order, as exported.
output: one row per complaint and clock: line (of the complaint's first
  event), complaint_id, metric, rule, time base, start, stop, due, elapsed,
  paused, excluded, remaining, overdue, clock_status, warning, explanation.
exit status: 0 every complaint done; 1 some complaints rejected (see the
  dead-letter file); 2 usage error; 3 a configuration file cannot be used;
  4 a file cannot be read or written.
"""


ANALYSE_EXAMPLES = """\
examples:
  pmcrm sample-files data/
  pmcrm analyse data/events.jsonl --policy data/sla.json --calendar data/calendar.json \\
      --at 2026-11-23T17:00:00+08:00 --format table --lang en
  pmcrm analyse data/events.jsonl --policy data/sla.json --calendar data/calendar.json \\
      --at 2026-11-23T17:00:00+08:00 -o analysis.csv   # and analysis.causes.csv

input: complaint events, as for pmcrm clocks.
output: two tables: "groups" — one row per group (overall, each department, each
  month of registration) and clock: complaints, open, reopened and repeat shares,
  timed, met, breached, running, on-time share, median and mean time; and
  "causes" — the top root causes and categories with their counts.  JSON and
  table formats hold both; JSON Lines and CSV write the groups to the output and
  the causes beside it (OUTPUT's name + .causes), or only the groups on stdout.
exit status: 0 every complaint read; 1 some complaints rejected (see the
  dead-letter file; the analysis leaves them out); 2 usage error; 3 a
  configuration file cannot be used; 4 a file cannot be read or written.
"""


def add_config(parser: argparse.ArgumentParser) -> None:
    """The SLA policy and the business calendar options."""
    parser.add_argument(
        "--policy",
        type=Path,
        required=True,
        metavar="FILE",
        help="the SLA policy: the time limits (JSON, or TOML by its suffix)",
    )
    parser.add_argument(
        "--calendar",
        type=Path,
        default=None,
        metavar="FILE",
        help="the business calendar for rules counted in business hours (JSON or TOML); "
        "without it such rules reject their complaints",
    )
    parser.add_argument(
        "--at",
        type=_args.instant,
        required=True,
        metavar="DATETIME",
        help="read the clocks at this instant, with its offset: 2026-11-23T17:00:00+08:00",
    )


def load_calendar(path: Path | None, *, lenient: bool, lang: Lang) -> BusinessCalendar | None:
    """The calendar file's calendar, if one is named."""
    return (
        None if path is None else load_config(path, BusinessCalendar, lenient=lenient, lang=lang)
    )


def add_parsers(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``clocks`` and ``analyse`` to *commands*."""
    parser = commands.add_parser(
        "clocks",
        help="read every complaint's SLA clocks at an instant",
        description="Replay each complaint from its events and read its SLA clocks at an\n"
        "instant: due times, time counted, paused and left, met or breached, warnings.",
        epilog=CLOCKS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser)
    add_config(parser)
    parser.set_defaults(run=run_clocks)

    analysed = commands.add_parser(
        "analyse",
        help="the complaint analysis: on-time shares, times, reopenings, causes",
        description="Analyse the complaints of an event file as of an instant: overall,\n"
        "by department and by month of registration — on-time shares, median and mean\n"
        "times, reopenings, repeats — and the top root causes and categories.",
        epilog=ANALYSE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(analysed)
    add_config(analysed)
    analysed.add_argument(
        "--repeat-policy",
        type=Path,
        default=None,
        metavar="FILE",
        help="when a complaint repeats an earlier one (JSON or TOML; default: pmcrm's)",
    )
    analysed.add_argument(
        "--categories",
        type=Path,
        default=None,
        metavar="FILE",
        help="your complaint categories, to name them (JSON or TOML; default: the standard ones)",
    )
    analysed.add_argument(
        "--top",
        type=_args.count,
        default=5,
        metavar="N",
        help="how many root causes and categories to list (5)",
    )
    analysed.set_defaults(run=run_analyse)


def run_clocks(args: argparse.Namespace) -> int:
    """Run ``pmcrm clocks``."""

    def build(lang: Lang) -> Job:
        lenient = args.lenient_config
        policy = load_config(args.policy, SlaPolicy, lenient=lenient, lang=lang)
        calendar = load_calendar(args.calendar, lenient=lenient, lang=lang)
        converter = make_converter()
        return Job(
            schema=CLOCK_SCHEMA,
            key="complaint_id",
            kernel=lambda records: clock_records(
                records, policy, args.at, calendar=calendar, converter=converter
            ),
            shape=CLOCK_INPUT,
        )

    return run_job("clocks", args, build)


def run_analyse(args: argparse.Namespace) -> int:
    """Run ``pmcrm analyse``."""

    def build(lang: Lang) -> Summary:
        lenient = args.lenient_config
        policy = load_config(args.policy, SlaPolicy, lenient=lenient, lang=lang)
        calendar = load_calendar(args.calendar, lenient=lenient, lang=lang)
        repeats = (
            None
            if args.repeat_policy is None
            else load_config(args.repeat_policy, RepeatPolicy, lenient=lenient, lang=lang)
        )
        categories = (
            None
            if args.categories is None
            else load_config(args.categories, CategoryCatalogue, lenient=lenient, lang=lang)
        )
        converter = make_converter()

        def summarise(
            states: Iterator[ComplaintState],
        ) -> list[tuple[str, Schema, Iterable[Record]]]:
            analysis = analyse(
                states, policy, args.at, calendar=calendar, repeat_policy=repeats, top=args.top
            )
            return [
                ("groups", ANALYSIS_SCHEMA, analysis_records(analysis)),
                ("causes", CAUSE_SCHEMA, cause_records(analysis, catalogue=categories)),
            ]

        return Summary(
            key="complaint_id",
            validate=lambda records: complaint_states(records, converter=converter),
            summarise=summarise,
            shape=CLOCK_INPUT,
        )

    return run_summary("analyse", args, build)
