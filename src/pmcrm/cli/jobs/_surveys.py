"""``pmcrm score``: score a survey, place its items on the quadrant chart, draw the chart."""

import argparse
import sys
from collections.abc import Iterable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pmcrm.batch import RESPONSE_INPUT, Record, Schema, response_from_row
from pmcrm.batch.summaries import IPA_SCHEMA, SCORE_SCHEMA, ipa_records, score_records
from pmcrm.batch.surveys import checked_responses
from pmcrm.cli.jobs._io import (
    EXIT_IO,
    EXIT_USAGE,
    CommandError,
    Summary,
    add_common,
    load_config,
    run_summary,
)
from pmcrm.errors import MissingDependency
from pmcrm.serialization import make_converter
from pmcrm.surveys import Instrument, Response, Weighting
from pmcrm.surveys.ipa import Crosshair, CrosshairKind, ImportanceSource, score_and_place
from pmcrm.values import Lang

__all__ = ["add_parsers"]

E = TypeVar("E", bound=Enum)

EXAMPLES = """\
examples:
  pmcrm sample-files data/
  pmcrm score data/survey.csv --instrument data/instrument.json --format table --lang en
  pmcrm score data/survey.csv --instrument data/instrument.json -o scores.csv \\
      --importance derived --chart quadrants.svg      # scores.csv and scores.ipa.csv

input: one response per row.  CSV (the wide form): respondent_id, customer_id,
  on, a segment.<key> column per segment, then one column per item code with
  the score ("na" for not applicable, empty when skipped), and <code>.importance,
  <code>.expectation where the item asks them.  JSON Lines: one pmcrm Response
  object per line.
output: two tables: "scores" — one row per item and dimension and an overall
  row (means, 0-100 scores, CSAT, NPS and their intervals, CSI, alpha, gaps);
  and "ipa" — each item's importance, satisfaction and quadrant.  JSON and table
  formats hold both; JSON Lines and CSV write the scores to the output and the
  quadrants beside it (OUTPUT's name + .ipa), or only the scores on stdout.
exit status: 0 every response scored; 1 some responses rejected (see the
  dead-letter file; the scores leave them out); 2 usage error, or --chart
  without matplotlib; 3 a configuration file cannot be used; 4 a file cannot
  be read or written.
"""


def add_parsers(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``score`` to *commands*."""
    parser = commands.add_parser(
        "score",
        help="score a survey: CSI, NPS, CSAT, items, dimensions and quadrants",
        description="Score the responses to a questionnaire in one pass: item and dimension\n"
        "scores, the CSI, CSAT and NPS with their intervals, gaps and Cronbach's alpha,\n"
        "and the importance-satisfaction quadrants (四分图); optionally draw the chart.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser)
    parser.add_argument(
        "--instrument",
        type=Path,
        required=True,
        metavar="FILE",
        help="the questionnaire (JSON, or TOML by its suffix)",
    )
    parser.add_argument(
        "--weighting",
        choices=[w.value for w in Weighting],
        default=Weighting.DECLARED.value,
        help="the CSI's dimension weights: declared (default) or importance",
    )
    parser.add_argument(
        "--importance",
        choices=[s.value for s in ImportanceSource],
        default=ImportanceSource.STATED.value,
        help="the quadrants' importance: stated (default) or derived (correlation with the "
        "overall satisfaction item)",
    )
    parser.add_argument(
        "--crosshair",
        choices=[CrosshairKind.MEAN.value, CrosshairKind.MEDIAN.value],
        default=CrosshairKind.MEAN.value,
        help="where the quadrant lines go: the mean (default) or median of the items",
    )
    parser.add_argument(
        "--chart",
        type=Path,
        default=None,
        metavar="FILE",
        help="also draw the quadrant chart into FILE (.svg or .png); needs pip install "
        '"pmcrm[plot]"',
    )
    parser.set_defaults(run=run)


def _member(enum: type[E], value: str) -> E:
    """The member of *enum* whose value is *value* (argparse has checked it is one)."""
    return next(member for member in enum if member.value == value)


def _draw(chart: Path, result: Any, lang: Lang) -> None:
    """Draw the quadrant chart of *result* into *chart*."""
    from pmcrm.surveys import charts  # noqa: PLC0415 - matplotlib only when asked for

    shown = charts.chart_language(lang)  # matplotlib is there: the command checked first
    figure = charts.ipa_chart(result, lang=shown)
    import matplotlib  # noqa: PLC0415 - present: chart_language needs it

    fmt = "png" if chart.suffix.lower() == ".png" else "svg"
    try:
        with matplotlib.rc_context({"svg.hashsalt": "pmcrm"}):
            figure.savefig(chart, format=fmt, metadata={"Date": None} if fmt == "svg" else {})
    except OSError as exc:
        raise CommandError(
            EXIT_IO, f"{chart}: cannot write: {exc.strerror}", f"{chart}：无法写入：{exc.strerror}"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Run ``pmcrm score``."""

    def build(lang: Lang) -> Summary:
        instrument = load_config(
            args.instrument, Instrument, lenient=args.lenient_config, lang=lang
        )
        if args.chart is not None:  # fail before reading any response
            from pmcrm.surveys import charts  # noqa: PLC0415

            try:
                charts.chart_language(lang)
            except MissingDependency:
                raise CommandError(
                    EXIT_USAGE,
                    '--chart needs matplotlib, which is not installed: pip install "pmcrm[plot]"',
                    '--chart 需要 matplotlib，但未安装：pip install "pmcrm[plot]"',
                ) from None
        converter = make_converter()
        crosshair = Crosshair(kind=_member(CrosshairKind, args.crosshair))

        def summarise(responses: Iterator[Response]) -> list[tuple[str, Schema, Iterable[Record]]]:
            scores, result = score_and_place(
                instrument,
                responses,
                importance=_member(ImportanceSource, args.importance),
                importance_line=crosshair,
                satisfaction_line=crosshair,
                weighting=_member(Weighting, args.weighting),
            )
            if args.chart is not None:
                _draw(args.chart, result, lang)
            return [
                ("scores", SCORE_SCHEMA, score_records(scores, instrument=instrument)),
                ("ipa", IPA_SCHEMA, ipa_records(result)),
            ]

        def to_record(row: Mapping[str, str]) -> Mapping[str, Any]:
            return response_from_row(row, instrument)

        return Summary(
            key="respondent_id",
            validate=lambda records: checked_responses(records, instrument, converter=converter),
            summarise=summarise,
            shape=RESPONSE_INPUT,
            to_record=to_record,
        )

    status = run_summary("score", args, build)
    if status in {0, 1} and args.chart is not None:
        print(f"pmcrm score: chart → {args.chart}", file=sys.stderr)
    return status
