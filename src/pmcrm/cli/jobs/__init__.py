"""The commands that run pmcrm's main jobs over your own files.

Each command reads its input one record at a time, runs a
:mod:`pmcrm.batch` kernel over it, writes the results as JSON Lines, CSV,
JSON or a zh/en table, and writes each rejected row, with its validation
report, to a dead-letter file instead of stopping; a summary goes to
stderr, and the exit status says whether anything was rejected (the
codes are listed on the command line's reference page).
"""

import argparse

from pmcrm.cli.jobs import _benefits, _complaints, _review, _sample_files, _surveys

__all__ = ["add_parsers"]


def add_parsers(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the job commands to the ``pmcrm`` parser's *commands*."""
    _sample_files.add_parser(commands)
    _review.add_parser(commands)
    _benefits.add_parsers(commands)
    _complaints.add_parsers(commands)
    _surveys.add_parsers(commands)
