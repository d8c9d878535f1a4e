"""Files for the job commands: streaming readers, writers, dead letters, progress, summaries.

Every job command reads its input one record at a time (memory stays flat
however large the file), sends each record through a :mod:`pmcrm.batch`
kernel, writes the good results as they come, and writes each rejected row
with its validation report to a dead-letter file instead of stopping.
"""

import argparse
import csv
import json
import sys
import tomllib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, Final, TextIO, TypeVar

import attrs
from tqdm import tqdm

from pmcrm.batch import OK, Column, Record, Schema, from_flat, report_of
from pmcrm.cli._table import render_table, truncate
from pmcrm.errors import PmcrmError, ReportEntry, ValidationError
from pmcrm.serialization import make_converter
from pmcrm.values import Lang

__all__ = [
    "EXIT_CONFIG",
    "EXIT_IO",
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
    "CommandError",
    "Input",
    "Job",
    "add_common",
    "load_config",
    "read_input",
    "run_job",
]

T = TypeVar("T")

#: Every row was processed.
EXIT_OK: Final = 0
#: Some rows were rejected; the others were written, the rejected ones are in the dead-letter file.
EXIT_REJECTED: Final = 1
#: The command line is wrong (argparse's own code).
EXIT_USAGE: Final = 2
#: A configuration file (policy, catalogue, instrument, calendar) cannot be used: nothing was run.
EXIT_CONFIG: Final = 3
#: A file cannot be read or written.
EXIT_IO: Final = 4

INPUT_FORMATS: Final = ("jsonl", "csv")
OUTPUT_FORMATS: Final = ("jsonl", "csv", "json", "table")
_SUFFIXES: Final = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".json": "json",
    ".txt": "table",
}


class CommandError(Exception):
    """A command cannot go on: the message (zh and en) and the exit code."""

    def __init__(self, code: int, en: str, zh: str) -> None:
        super().__init__(en)
        self.code = code
        self.en = en
        self.zh = zh

    def text(self, lang: Lang) -> str:
        """The message in *lang*."""
        return self.zh if lang is Lang.ZH else self.en


# --- configuration files ------------------------------------------------------------


def _parse_file(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(
            EXIT_IO, f"{path}: cannot read: {exc.strerror}", f"{path}：无法读取：{exc.strerror}"
        ) from None
    try:
        if path.suffix.lower() == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CommandError(
            EXIT_CONFIG,
            f"{path}: not UTF-8 text (byte {exc.start})",
            f"{path}：不是 UTF-8 文本（第 {exc.start} 字节）",
        ) from None
    except json.JSONDecodeError as exc:
        raise CommandError(
            EXIT_CONFIG,
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}",
            f"{path}:{exc.lineno}:{exc.colno}：不是有效的 JSON：{exc.msg}",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CommandError(
            EXIT_CONFIG, f"{path}: not valid TOML: {exc}", f"{path}：不是有效的 TOML：{exc}"
        ) from None


def _report_text(path: Path, entries: Iterable[ReportEntry], lang: Lang) -> str:
    return "\n".join(f"{path}: {entry.render(lang.value)}" for entry in entries)


def load_config(path: Path, cl: type[T], *, lenient: bool, lang: Lang) -> T:
    """Load the configuration file *path* (JSON, or TOML by its suffix) into a *cl*.

    Strict: an unknown key is an error, located.  With *lenient*, unknown
    keys (only those) are ignored after a warning on stderr that names each.

    Raises:
        CommandError: the file cannot be read, parsed or loaded.
    """
    data = _parse_file(path)
    try:
        return make_converter().load(data, cl)
    except ValidationError as exc:
        entries = list(exc.report)
        if not lenient or any(e.code != "extra_key" for e in entries):
            raise CommandError(
                EXIT_CONFIG,
                f"{path}: invalid {exc.target}:\n" + _report_text(path, entries, Lang.EN),
                f"{path}：{exc.target} 无效：\n" + _report_text(path, entries, Lang.ZH),
            ) from None
        warning = "ignored (--lenient-config)" if lang is Lang.EN else "已忽略（--lenient-config）"
        for entry in entries:
            print(f"pmcrm: {path}: {entry.render(lang.value)} — {warning}", file=sys.stderr)
    return make_converter(forbid_extra_keys=False).load(data, cl)


# --- input ------------------------------------------------------------------------------


@attrs.frozen
class Input:
    """One row of an input file: its line number, and its record or why it cannot be read.

    Attributes:
        line: The (first) line number of the row in the file, from 1.
        record: The record, or ``None`` when the row cannot be read.
        raw: The row as read (a line's text, or a CSV row's cells).
        faults: Why the row cannot be read.
    """

    line: int
    record: Mapping[str, Any] | None
    raw: Any
    faults: tuple[ReportEntry, ...] = ()


def _fault(code: str, zh: str, en: str) -> tuple[ReportEntry, ...]:
    return (ReportEntry(path="$", code=code, message_zh=zh, message_en=en),)


def _count_bytes(stream: IO[bytes], bar: "tqdm[Any]") -> Iterator[bytes]:
    for line in stream:
        bar.update(len(line))
        yield line


def _jsonl(lines: Iterable[bytes]) -> Iterator[Input]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
            value = json.loads(text)
        except UnicodeDecodeError as exc:
            yield Input(
                number,
                None,
                line.decode("utf-8", "replace"),
                _fault(
                    "format",
                    f"不是 UTF-8 文本（第 {exc.start} 字节）",
                    f"not UTF-8 text (byte {exc.start})",
                ),
            )
            continue
        except json.JSONDecodeError as exc:
            yield Input(
                number,
                None,
                text.rstrip("\r\n"),
                _fault(
                    "format",
                    f"不是完整的 JSON：第 {exc.colno} 列 {exc.msg}（行被截断？）",
                    f"not valid JSON: column {exc.colno}: {exc.msg} (a truncated line?)",
                ),
            )
            continue
        if not isinstance(value, dict):
            yield Input(
                number,
                None,
                text.rstrip("\r\n"),
                _fault("type", "每行须为一个 JSON 对象", "each line must be a JSON object"),
            )
            continue
        yield Input(number, value, text.rstrip("\r\n"))


def _csv(
    lines: Iterable[bytes],
    to_record: Callable[[Mapping[str, str]], Mapping[str, Any]],
) -> Iterator[Input]:
    decoded = (line.decode("utf-8-sig") for line in lines)
    reader = csv.reader(decoded)
    header = next(reader, None)
    if header is None:
        return
    width = len(header)
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(cells):
            continue
        if len(cells) != width:
            yield Input(
                line,
                None,
                cells,
                _fault(
                    "format",
                    f"有 {len(cells)} 个单元格，表头有 {width} 列（缺列或多列）",
                    f"{len(cells)} cells, the header has {width} columns (a missing or extra "
                    "column)",
                ),
            )
            continue
        row = dict(zip(header, cells, strict=True))
        try:
            record = to_record(row)
        except PmcrmError as exc:  # the header itself is wrong: no row can be read
            raise CommandError(
                EXIT_IO, f"the CSV header cannot be read: {exc}", f"无法读取 CSV 表头：{exc}"
            ) from None
        yield Input(line, record, row)


def read_input(
    path: Path,
    fmt: str,
    *,
    shape: Any = None,
    to_record: Callable[[Mapping[str, str]], Mapping[str, Any]] | None = None,
    progress: bool,
    stack: ExitStack,
) -> Iterator[Input]:
    """The rows of *path*, one at a time, with a progress bar on stderr when *progress*.

    JSON Lines: one JSON object per line.  CSV: a header row, then one row
    per record; cells become a nested record through *to_record* (default:
    :func:`pmcrm.batch.from_flat` for *shape*).

    Raises:
        CommandError: the file cannot be opened.
    """
    try:
        stream = stack.enter_context(path.open("rb"))
        size = path.stat().st_size
    except OSError as exc:
        raise CommandError(
            EXIT_IO, f"{path}: cannot read: {exc.strerror}", f"{path}：无法读取：{exc.strerror}"
        ) from None
    bar = stack.enter_context(
        tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            desc=path.name,
            disable=not progress,
            delay=0.5,
            file=sys.stderr,
            leave=False,
        )
    )
    lines = _count_bytes(stream, bar)
    if fmt == "csv":
        return _csv(lines, to_record or (lambda row: from_flat(row, shape)))
    return _jsonl(lines)


# --- output -----------------------------------------------------------------------------


def _shown(column: Column, lang: Lang) -> bool:
    """Whether a table shows *column*: not JSON documents, and text in *lang* only."""
    other = "_en" if lang is Lang.ZH else "_zh"
    return column.type != "json" and not column.name.endswith(other)


#: The widest cell of a table (display columns); longer text ends in "…".
CELL_WIDTH: Final = 60


def _cell(value: Any) -> str:
    """A table cell: one line, at most :data:`CELL_WIDTH` wide."""
    return "" if value is None else truncate(str(value).replace("\n", " / "), CELL_WIDTH)


class _Writer:
    """Writes result records in one format, as they come (a table: at the end)."""

    def __init__(self, out: TextIO, fmt: str, columns: Sequence[Column], lang: Lang) -> None:
        self.out, self.fmt, self.lang = out, fmt, lang
        if fmt == "table":
            columns = [c for c in columns if _shown(c, lang)]
        self.columns = [c.name for c in columns]
        self.headings = [c.heading(lang) for c in columns]
        self.right = [c.type in {"integer", "decimal"} for c in columns]
        self.count = 0
        self.rows: list[list[str]] = []
        if fmt == "csv":
            self.csv = csv.writer(out, lineterminator="\n")
            self.csv.writerow(self.columns)

    def _document(self, record: Mapping[str, Any]) -> str:
        return json.dumps({c: record[c] for c in self.columns}, ensure_ascii=False)

    def write(self, record: Mapping[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.out.write(self._document(record) + "\n")
        elif self.fmt == "json":
            self.out.write("[\n" if self.count == 0 else ",\n")
            self.out.write(self._document(record))
        elif self.fmt == "csv":
            self.csv.writerow(["" if record[c] is None else record[c] for c in self.columns])
        else:
            self.rows.append([_cell(record[c]) for c in self.columns])
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("[]\n" if self.count == 0 else "\n]\n")
        elif self.fmt == "table":
            table = render_table(self.headings, self.rows, right=self.right)
            self.out.write("\n".join(table) + "\n")
        self.out.flush()


def _open_output(path: Path | None, stack: ExitStack) -> TextIO:
    if path is None:
        return sys.stdout
    try:
        return stack.enter_context(path.open("w", encoding="utf-8", newline=""))
    except OSError as exc:
        raise CommandError(
            EXIT_IO, f"{path}: cannot write: {exc.strerror}", f"{path}：无法写入：{exc.strerror}"
        ) from None


class _DeadLetters:
    """The dead-letter file: opened at the first rejected row, one JSON line per row."""

    def __init__(self, path: Path, stack: ExitStack) -> None:
        self.path, self.stack = path, stack
        self.out: TextIO | None = None
        self.count = 0
        self.first: str | None = None

    def write(
        self,
        line: int | None,
        key: str | None,
        errors: Sequence[ReportEntry],
        raw: Any,
        lang: Lang,
    ) -> None:
        if self.out is None:
            self.out = _open_output(self.path, self.stack)
        if self.first is None:
            self.first = f"line {line}: {errors[0].render(lang.value)}"
        document = {
            "line": line,
            "key": key,
            "errors": [
                {"path": e.path, "code": e.code, "zh": e.message_zh, "en": e.message_en}
                for e in errors
            ],
            "input": raw,
        }
        self.out.write(json.dumps(document, ensure_ascii=False) + "\n")
        self.count += 1


# --- running a job ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Job:
    """What a job command runs over its input.

    Attributes:
        schema: The kernel's result schema.
        key: The result column that names a row's subject (``customer_id``…).
        kernel: The :mod:`pmcrm.batch` kernel over the input's records, with
            its arguments bound: each result's ``row`` is its record's
            position in the stream, from 0.
        shape: The input's shape, for CSV cells (see :func:`pmcrm.batch.from_flat`).
        to_record: Turns a CSV row into a record, instead of ``from_flat``.
    """

    schema: Schema
    key: str
    kernel: Callable[[Iterable[Mapping[str, Any]]], Iterator[Record]]
    shape: Any = None
    to_record: Callable[[Mapping[str, str]], Mapping[str, Any]] | None = None


def _format_of(path: Path | None, given: str | None, choices: Mapping[str, str]) -> str:
    if given is not None:
        return given
    if path is not None and path.suffix.lower() in choices:
        return choices[path.suffix.lower()]
    return "jsonl"


def _show_progress(choice: str) -> bool:
    return choice == "always" or (choice == "auto" and sys.stderr.isatty())


def _summary(
    name: str, *, read: int, written: int, out: Path | None, dead: _DeadLetters, lang: Lang
) -> str:
    target = "stdout" if out is None else str(out)
    if lang is Lang.ZH:
        text = f"pmcrm {name}：读取 {read:,} 行；{written:,} 条结果 → {target}"
        if dead.count:
            text += f"；{dead.count:,} 行被拒 → {dead.path}（首条：{dead.first}）"
        return text
    text = f"pmcrm {name}: read {read:,} rows; {written:,} results → {target}"
    if dead.count:
        text += f"; {dead.count:,} rejected → {dead.path} (first: {dead.first})"
    return text


def _source(pending: deque[tuple[int, int, Any]], position: int) -> tuple[int | None, Any]:
    """The line and raw input of the record at *position*; forget the records before it.

    Kernels yield their results in the order of their rows, so the records
    before *position* have all had theirs.  (A position not pending — a
    kernel out of order — gives no line rather than a wrong one.)
    """
    while pending and pending[0][0] < position:
        pending.popleft()
    if pending and pending[0][0] == position:
        return pending[0][1], pending[0][2]
    return None, None


def run_job(name: str, args: argparse.Namespace, build: Callable[[Lang], Job]) -> int:
    """Run the job *build* makes (after loading its configuration); return the exit code.

    The input is read one row at a time; each readable record goes to the
    kernel, each result is written as it comes, each rejected row goes to
    the dead-letter file with the line it came from.
    """
    lang = Lang(args.lang)
    in_fmt = _format_of(args.input, args.input_format, {".csv": "csv"})
    out_fmt = _format_of(args.output, args.format, _SUFFIXES)
    dead_path = args.rejects or Path(f"{args.input.name}.rejects.jsonl")
    read = 0
    with ExitStack() as stack:
        try:
            job = build(lang)
            columns = [c for c in job.schema.columns if c.name not in {"status", "errors"}]
            columns[0] = attrs.evolve(columns[0], name="line")
            rows = read_input(
                args.input,
                in_fmt,
                shape=job.shape,
                to_record=job.to_record,
                progress=_show_progress(args.progress),
                stack=stack,
            )
            writer = _Writer(_open_output(args.output, stack), out_fmt, columns, lang)
            dead = _DeadLetters(dead_path, stack)
            # Records sent to the kernel whose results are not all out yet:
            # (position, line, raw).  Results come out in input order.
            pending: deque[tuple[int, int, Any]] = deque()

            def records() -> Iterator[Mapping[str, Any]]:
                nonlocal read
                position = 0
                for row in rows:
                    read += 1
                    if row.record is None:
                        dead.write(row.line, None, row.faults, row.raw, lang)
                        continue
                    pending.append((position, row.line, row.raw))
                    position += 1
                    yield row.record

            for result in job.kernel(records()):
                line, raw = _source(pending, result["row"])
                if result["status"] == OK:
                    writer.write(result | {"line": line})
                else:
                    errors = list(report_of(result["errors"]))
                    dead.write(line, result[job.key], errors, raw, lang)
            writer.close()
        except CommandError as exc:
            print(f"pmcrm {name}: {exc.text(lang)}", file=sys.stderr)
            return exc.code
        except BrokenPipeError:
            return EXIT_REJECTED
        summary = _summary(
            name, read=read, written=writer.count, out=args.output, dead=dead, lang=lang
        )
        print(summary, file=sys.stderr)
    return EXIT_REJECTED if dead.count else EXIT_OK


@attrs.frozen(kw_only=True)
class Summary:
    """What a summary command (one report over the whole input) runs.

    Attributes:
        key: The column of a rejected record that names its subject.
        validate: Turns the input's records into ``(position, value)`` for
            each good one and a rejected record for each refused one, lazily.
        summarise: Reads the good values (lazily, once) and returns the
            report's tables: ``(name, schema, records)`` each.
        shape: The input's shape, for CSV cells.
        to_record: Turns a CSV row into a record, instead of ``from_flat``.
    """

    key: str
    validate: Callable[[Iterable[Mapping[str, Any]]], Iterator[tuple[int, Any] | Record]]
    summarise: Callable[[Iterator[Any]], Sequence[tuple[str, Schema, Iterable[Record]]]]
    shape: Any = None
    to_record: Callable[[Mapping[str, str]], Mapping[str, Any]] | None = None


def _sibling(path: Path, name: str) -> Path:
    """``report.jsonl`` → ``report.causes.jsonl``: where a second table goes."""
    return path.with_name(f"{path.stem}.{name}{path.suffix}")


def _write_tables(
    tables: Sequence[tuple[str, Schema, Iterable[Record]]],
    args: argparse.Namespace,
    fmt: str,
    lang: Lang,
    stack: ExitStack,
) -> list[str]:
    """Write the report's tables; return where each went."""
    shown = [
        [c for c in schema.columns if c.name not in {"row", "status", "errors"}]
        for _, schema, _ in tables
    ]
    out = _open_output(args.output, stack)
    target = "stdout" if args.output is None else str(args.output)
    if fmt == "json":
        document = {
            name: [{c.name: r[c.name] for c in columns} for r in records]
            for (name, _, records), columns in zip(tables, shown, strict=True)
        }
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        out.flush()
        return [f"{('、' if lang is Lang.ZH else ', ').join(document)} → {target}"]
    written = []
    for index, ((name, _, records), columns) in enumerate(zip(tables, shown, strict=True)):
        if fmt == "table":
            if index:
                out.write("\n")
            out.write(f"== {name} ==\n")
            stream, where = out, target
        elif index == 0:
            stream, where = out, target
        elif args.output is None:
            continue  # one table per stream: the others need -o (or --format json)
        else:
            where = str(_sibling(args.output, name))
            stream = _open_output(_sibling(args.output, name), stack)
        writer = _Writer(stream, fmt, columns, lang)
        for record in records:
            writer.write(record)
        writer.close()
        written.append(f"{name} → {where}")
    return written


def _good(
    items: Iterable[tuple[int, Any] | Record],
    pending: deque[tuple[int, int, Any]],
    dead: _DeadLetters,
    key: str,
    lang: Lang,
) -> Iterator[Any]:
    """The good values of a validated stream; each refused one goes to the dead letters.

    Every item, good or refused, lets the rows before it go from *pending*,
    so memory stays flat however long the input.
    """
    for item in items:
        if isinstance(item, tuple):
            _source(pending, item[0])
            yield item[1]
            continue
        line, raw = _source(pending, item["row"])
        dead.write(line, item[key], list(report_of(item["errors"])), raw, lang)


def run_summary(name: str, args: argparse.Namespace, build: Callable[[Lang], Summary]) -> int:
    """Run the summary *build* makes; return the exit code.

    The input is read one row at a time and validated; refused rows go to
    the dead-letter file; the good values are summarised as they come;
    the report's tables are written at the end.
    """
    lang = Lang(args.lang)
    in_fmt = _format_of(args.input, args.input_format, {".csv": "csv"})
    out_fmt = _format_of(args.output, args.format, _SUFFIXES)
    dead_path = args.rejects or Path(f"{args.input.name}.rejects.jsonl")
    read = 0
    with ExitStack() as stack:
        try:
            summary = build(lang)
            rows = read_input(
                args.input,
                in_fmt,
                shape=summary.shape,
                to_record=summary.to_record,
                progress=_show_progress(args.progress),
                stack=stack,
            )
            dead = _DeadLetters(dead_path, stack)
            pending: deque[tuple[int, int, Any]] = deque()

            def records() -> Iterator[Mapping[str, Any]]:
                nonlocal read
                position = 0
                for row in rows:
                    read += 1
                    if row.record is None:
                        dead.write(row.line, None, row.faults, row.raw, lang)
                        continue
                    pending.append((position, row.line, row.raw))
                    position += 1
                    yield row.record

            good = _good(summary.validate(records()), pending, dead, summary.key, lang)
            tables = summary.summarise(good)
            written = _write_tables(tables, args, out_fmt, lang, stack)
        except CommandError as exc:
            print(f"pmcrm {name}: {exc.text(lang)}", file=sys.stderr)
            return exc.code
        except BrokenPipeError:
            return EXIT_REJECTED
        print(
            _summary_line(name, read=read, written=written, dead=dead, lang=lang), file=sys.stderr
        )
    return EXIT_REJECTED if dead.count else EXIT_OK


def _summary_line(
    name: str, *, read: int, written: list[str], dead: _DeadLetters, lang: Lang
) -> str:
    if lang is Lang.ZH:
        text = f"pmcrm {name}：读取 {read:,} 行；{'；'.join(written)}"
        if dead.count:
            text += f"；{dead.count:,} 行被拒 → {dead.path}（首条：{dead.first}）"
        return text
    text = f"pmcrm {name}: read {read:,} rows; {'; '.join(written)}"
    if dead.count:
        text += f"; {dead.count:,} rejected → {dead.path} (first: {dead.first})"
    return text


def add_common(parser: argparse.ArgumentParser) -> None:
    """The options every row-by-row job command has."""
    parser.add_argument(
        "input",
        type=Path,
        metavar="INPUT",
        help="the input file: JSON Lines (.jsonl) or CSV (.csv)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the results to FILE (default: stdout)",
    )
    parser.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default=None,
        help="output format (default: from the output's suffix, else jsonl)",
    )
    parser.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        default=None,
        help="input format (default: csv for a .csv file, else jsonl)",
    )
    parser.add_argument(
        "--rejects",
        type=Path,
        default=None,
        metavar="FILE",
        help="the dead-letter file for rejected rows, written only if a row "
        "is rejected (default: INPUT's name + .rejects.jsonl, here)",
    )
    parser.add_argument(
        "--lang",
        choices=[lang.value for lang in Lang],
        default="zh",
        help="language of messages and tables: zh (default) or en",
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr: auto (when stderr is a terminal), always or never",
    )
    parser.add_argument(
        "--lenient-config",
        action="store_true",
        help="ignore unknown keys in configuration files, with a warning (default: refuse them)",
    )
