"""The ``pmcrm`` command line: the demo, and the library's main jobs over your own files.

This package and :mod:`pmcrm.__main__` are the only parts of pmcrm that touch
files and the terminal.  ``pmcrm demo`` reports on the embedded sample data
(:mod:`pmcrm.cli.demo`); the other commands run the library's jobs on the
files you name (:mod:`pmcrm.cli.jobs`).

>>> main(["demo", "--lang", "en", "--top", "1"])  # doctest: +ELLIPSIS
pmcrm sample customer report
...
0
"""

import argparse
from collections.abc import Sequence

from pmcrm import __version__
from pmcrm.cli import demo, jobs
from pmcrm.cli._output import Stream, emit

__all__ = ["Stream", "build_parser", "emit", "main"]

EXAMPLES = """\
examples:
  python -m pmcrm demo --lang en              # the report on the embedded sample data
  python -m pmcrm sample-files data/          # write the sample input files into data/
  python -m pmcrm review data/members.jsonl --policy data/tiers.json --as-of 2026-11-23
  python -m pmcrm COMMAND --help              # each command's options, with an example
"""


def build_parser() -> argparse.ArgumentParser:
    """The ``pmcrm`` argument parser, with every command."""
    parser = argparse.ArgumentParser(
        prog="pmcrm",
        description="pmcrm: property-service CRM domain logic (物业客户关系管理).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo.add_parser(commands)
    jobs.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pmcrm`` command with *argv* (default: ``sys.argv[1:]``); return the exit code.

    Usage errors print a message on stderr and return 2, as argparse does;
    ``--help`` and ``--version`` return 0.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return int(exc.code or 0)
    return int(args.run(args))
