"""The machinery every batch kernel shares: schemas, row outcomes, flat rows, frames."""

import functools
import importlib
import json
import math
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Final, TypeVar

import attrs

from pmcrm.errors import (
    InvalidValue,
    MissingDependency,
    PmcrmError,
    ReportEntry,
    ValidationError,
    ValidationReport,
    iso_duration,
)
from pmcrm.serialization import PmcrmConverter, default_converter
from pmcrm.values import Label, Lang

T = TypeVar("T")

#: A plain record: what a kernel reads and yields (JSON-ready values only).
Record = dict[str, Any]

#: The logical types a result column may have; every value is JSON-ready.
COLUMN_TYPES: Final = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "decimal": "a decimal number written as text, e.g. ``'12.50'`` (exact)",
    "date": "an ISO date written as text, ``YYYY-MM-DD``",
    "datetime": "an ISO date-time with its offset, written as text",
    "duration": "an ISO 8601 duration written as text, e.g. ``'PT2H30M'``",
    "json": "a JSON document written as text",
}

#: The status of a row that was processed.
OK: Final = "ok"
#: The status of a row that was refused; its ``errors`` say why.
REJECTED: Final = "rejected"


@attrs.frozen(kw_only=True)
class Column:
    """One column of a kernel's published result schema.

    Attributes:
        name: The key in each result record.
        type: Its logical type, a key of :data:`COLUMN_TYPES`.
        nullable: Whether it may be ``None``.
        doc: What it holds, in zh and en.
        title: A short heading for tables, in zh and en (default: the name).
    """

    name: str
    type: str = attrs.field(validator=attrs.validators.in_(COLUMN_TYPES))
    nullable: bool = False
    doc: Label
    title: Label | None = None

    def heading(self, lang: Lang | str = Lang.EN) -> str:
        """The column's heading in a table, in *lang*."""
        return self.name if self.title is None else self.title.get(lang)


def _column(
    name: str,
    type_: str,
    zh: str,
    en: str,
    *,
    nullable: bool = False,
    title: tuple[str, str] | None = None,
) -> Column:
    heading = None if title is None else Label(zh=title[0], en=title[1])
    return Column(name=name, type=type_, nullable=nullable, doc=Label(zh=zh, en=en), title=heading)


#: The columns every kernel's results start with.
ROW_COLUMNS: Final = (
    _column(
        "row",
        "integer",
        "输入中的行号（从 first_row 起算）",
        "The input row's number",
        title=("行", "line"),
    ),
    _column("status", "string", "ok（已处理）或 rejected（被拒）", "``ok`` or ``rejected``"),
)

#: The column every kernel's results end with: why a row was rejected.
ERRORS_COLUMN: Final = _column(
    "errors",
    "json",
    "被拒原因：[{path, code, zh, en}, …] 的 JSON 文本；已处理的行为空",
    "Why the row was rejected: a JSON list of ``{path, code, zh, en}``; null when ok",
    nullable=True,
)


@attrs.frozen
class Schema:
    """A kernel's published result schema: the columns of every record it yields.

    Every record has every column, in this order: ``row``, ``status``, the
    kernel's own columns (``None`` on a rejected row, except the key
    columns read from the input when they could be), and ``errors``.

    Attributes:
        columns: The columns, in order.
    """

    columns: tuple[Column, ...]
    _names: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)
    _name_set: frozenset[str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Frozen: set once here; every record a kernel builds reads them.
        names = tuple(c.name for c in self.columns)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_name_set", frozenset(names))

    def column(self, name: str) -> Column:
        """The column called *name*.

        Raises:
            KeyError: there is none.
        """
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self._names

    def empty(self, row: int) -> Record:
        """A record for *row* with every column ``None``."""
        record: Record = dict.fromkeys(self._names)
        record["row"] = row
        return record


def make_schema(*columns: Column) -> Schema:
    """The schema ``row, status, *columns, errors``."""
    return Schema((*ROW_COLUMNS, *columns, ERRORS_COLUMN))


# --- errors ---------------------------------------------------------------------


def entries_of(error: PmcrmError, path: str = "$") -> tuple[ReportEntry, ...]:
    """The report entries that say why *error* refused a row, located under *path*."""
    if isinstance(error, ValidationError):
        return tuple(
            attrs.evolve(e, path=path + e.path[1:]) if path != "$" else e for e in error.report
        )
    if isinstance(error, InvalidValue):
        return (
            ReportEntry(
                path=path + (error.subpath or ""),
                code=error.code,
                message_zh=error.message_zh,
                message_en=error.message_en,
            ),
        )
    english = str(error)
    return (
        ReportEntry(
            path=path,
            code="invalid",
            message_zh=getattr(error, "message_zh", english),
            message_en=english,
        ),
    )


def errors_json(entries: Iterable[ReportEntry]) -> str:
    """The ``errors`` column: a JSON list of ``{path, code, zh, en}``."""
    return json.dumps(
        [
            {"path": e.path, "code": e.code, "zh": e.message_zh, "en": e.message_en}
            for e in entries
        ],
        ensure_ascii=False,
    )


def report_of(errors: str) -> ValidationReport:
    """The :class:`~pmcrm.errors.ValidationReport` an ``errors`` column holds.

    >>> report = report_of('[{"path": "$.a", "code": "missing", "zh": "缺少", "en": "missing"}]')
    >>> report.render("en")
    '$.a: [missing] missing'
    """
    return ValidationReport(
        tuple(
            ReportEntry(path=e["path"], code=e["code"], message_zh=e["zh"], message_en=e["en"])
            for e in json.loads(errors)
        )
    )


def rejected(schema: Schema, row: int, entries: Iterable[ReportEntry], **keys: Any) -> Record:
    """A rejected record for *row*: its *keys* (when known) and its errors."""
    return schema.empty(row) | keys | {"status": REJECTED, "errors": errors_json(entries)}


def accepted(schema: Schema, row: int, values: Mapping[str, Any]) -> Record:
    """A result record for *row* with *values* (missing columns are ``None``).

    Raises:
        ValueError: a value for a column the schema does not have (a bug in
            the kernel: deliberately not a pmcrm error, so that
            ``guarded`` lets it through rather than rejecting the row).
    """
    if not values.keys() <= schema._name_set:
        unknown = sorted(set(values) - schema._name_set)
        raise ValueError(f"columns not in the schema: {unknown}")
    record = schema.empty(row)
    record.update(values)
    record["status"] = OK
    return record


# --- plain values ---------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    return f"{value:f}"


def _same(value: Any) -> Any:
    return value


#: The plain form of the commonest result types, by exact type.
_PLAIN: Final[dict[type, Callable[[Any], Any]]] = {
    str: _same,
    int: _same,
    bool: _same,
    type(None): _same,
    Decimal: _decimal_text,
    date: date.isoformat,
    datetime: datetime.isoformat,
    timedelta: iso_duration,
}


def plain(value: Any) -> Any:
    """A result value as a JSON-ready one (see :data:`COLUMN_TYPES`).

    >>> from datetime import date, datetime, timedelta
    >>> from decimal import Decimal
    >>> plain(Decimal("1.50")), plain(date(2026, 11, 23)), plain(timedelta(hours=2, minutes=30))
    ('1.50', '2026-11-23', 'PT2H30M')

    Raises:
        TypeError: *value* has no plain form (a bug in the kernel:
            deliberately not a pmcrm error, so that ``guarded`` lets it
            through rather than rejecting the row).
    """
    exact = _PLAIN.get(type(value))
    if exact is not None:  # the common types, by one lookup
        return exact(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not a plain result value")  # a kernel bug


def _listish(value: Any) -> bool:
    return hasattr(value, "tolist") and not isinstance(value, str | bytes)


def _missing(value: Any) -> bool:
    """Whether *value* is a data engine's missing cell: a float NaN, ``pandas.NA`` or ``NaT``.

    Tested by type name, so pandas is never imported.
    """
    if isinstance(value, float):
        return math.isnan(value)
    kind = type(value)
    return kind.__module__.startswith("pandas") and kind.__name__ in {"NAType", "NaTType"}


def from_engine(value: Any) -> Any:
    """*value* as read from a data engine, turned JSON-shaped.

    Data engines hand nested columns over as numpy arrays and numpy
    scalars, and missing values as ``NaN`` or ``None``; the strict
    converter reads lists and Python scalars.  This turns arrays and
    scalars with ``tolist`` into lists and Python values, recursively, and
    a missing cell (a float ``NaN``, ``pandas.NA``, ``NaT``) into ``None``;
    a text value is parsed as JSON when it starts with ``{`` or ``[`` (a
    nested record stored as JSON text).
    Everything else is left for the converter to judge.
    """
    if _missing(value):
        return None
    if isinstance(value, str):
        stripped = value.lstrip()
        if stripped[:1] in {"{", "["}:
            return json.loads(value)
        return str(value)  # numpy's str_ too: the strict converter reads str only
    if isinstance(value, Mapping):
        return {k: from_engine(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_engine(v) for v in value]
    if _listish(value):
        return from_engine(value.tolist())
    return value


# --- flat rows (CSV, spreadsheets, flat tables) ------------------------------------

_INTEGER = re.compile(r"-?[0-9]+\Z")
_BOOLEANS: Final = {"true": True, "false": False}
_SEGMENT = re.compile(r"[0-9]+\Z")


def _scalar_kind(tp: Any) -> str | None:
    """``"int"`` or ``"bool"`` when a flat text cell for *tp* must be converted."""
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    args = typing.get_args(tp)
    if typing.get_origin(tp) in {typing.Union, types.UnionType} and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return _scalar_kind(rest[0]) if len(rest) == 1 else None
    return None


def _child_type(tp: Any, key: str) -> Any:
    """The type at *key* inside *tp* (an attrs class, a tuple, a mapping), or ``None``."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in {typing.Union, types.UnionType} and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return _child_type(rest[0], key) if len(rest) == 1 else None
    if isinstance(tp, Mapping):  # a shape: {"customer": Customer, "member": MemberRecord}
        return tp.get(key)
    if attrs.has(tp):
        hints = typing.get_type_hints(tp)
        fields = {f.name: f for f in attrs.fields(tp)}
        return hints.get(key) if key in fields else None
    if typing.get_origin(tp) is tuple and _SEGMENT.match(key):
        return args[0] if args else None
    return None


def _cell(value: str, tp: Any) -> Any:
    kind = _scalar_kind(tp)
    if kind == "int" and _INTEGER.match(value.strip()):
        return int(value)
    if kind == "bool" and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    return value  # the converter judges it, with its path


@functools.lru_cache(maxsize=64)  # a file has one header: remember the last few
def _check_headers(headers: tuple[str, ...]) -> None:
    """Refuse a header that is also the start of a longer one (``amount``, ``amount.amount``).

    Decided from the headers alone, so a file is refused whatever its
    cells hold (one cell cannot be both a value and an object).
    """
    prefixes = {h.rsplit(".", i)[0] for h in headers for i in range(1, h.count(".") + 1)}
    for header in headers:
        if header in prefixes:
            raise PmcrmError(
                f"column {header!r} cannot hold a value: other columns "
                f"({header}.…) make it an object"
            )


def _insert(tree: dict[str, Any], parts: Sequence[str], value: Any) -> None:
    node = tree
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _listify(node: Any) -> Any:
    """Nested dicts whose keys are all ``0, 1, …`` become lists, in index order."""
    if not isinstance(node, dict):
        return node
    children = {k: _listify(v) for k, v in node.items()}
    if children and all(_SEGMENT.match(k) for k in children):
        indices = sorted(int(k) for k in children)
        if indices == list(range(len(indices))):
            return [children[str(i)] for i in indices]
    return children


def from_flat(row: Mapping[str, str | None], shape: Any) -> dict[str, Any]:
    """A flat row (CSV, a spreadsheet) as a nested JSON-shaped record for *shape*.

    A column named with a dotted path (``units.0.area``,
    ``member.tier``) becomes that nested key; the indices ``0, 1, …`` of a
    list must be dense.  An empty cell is left out (the converter reports
    it if it was required).  Cells for integer and boolean fields of
    *shape* (an attrs class, or a mapping of top-level keys to attrs
    classes) are read as ``int`` (``"2025"``) and ``bool``
    (``"true"``/``"false"``); any other text is passed on as text for the
    strict converter to judge, so a bad cell is reported at its path.

    >>> from pmcrm.customers import YearlyFee
    >>> from_flat({"year": "2025", "amount.amount": "9252.00", "amount.currency": ""}, YearlyFee)
    {'year': 2025, 'amount': {'amount': '9252.00'}}

    Raises:
        PmcrmError: a header is also the start of another
            (``amount`` beside ``amount.amount``): the headers are wrong for
            every row, whatever the cells hold.
    """
    _check_headers(tuple(row))
    tree: dict[str, Any] = {}
    for header, value in row.items():
        if value is None or value == "":
            continue
        parts = header.split(".")
        tp = shape
        for part in parts:
            tp = _child_type(tp, part)
        _insert(tree, parts, _cell(value, tp))
    listed = _listify(tree)
    return listed if isinstance(listed, dict) else {}


# --- running a kernel ---------------------------------------------------------------


def load(
    converter: PmcrmConverter, record: Mapping[str, Any], key: str, cl: type[T]
) -> T | list[ReportEntry]:
    """Load ``record[key]`` into a *cl*, or the entries that say why not (under ``$.key``).

    A plain dict is loaded as it is first; only when that fails is it
    normalised with :func:`from_engine` (a data engine's numpy values) and
    loaded again, so JSON input never pays for the normalisation.  An
    absent column, ``None`` and a data engine's missing cell (``NaN``)
    are all reported as missing.  A fault in the value itself is named
    after the column (``'on' is not a valid date``), not after ``$``.
    """
    raw = record.get(key)
    if type(raw) is dict:  # JSON Lines input: load it as it is, the common case
        try:
            return converter.load(raw, cl)
        except ValidationError:
            pass  # perhaps a data engine's values (numpy arrays…): normalise them and retry
    try:
        value = from_engine(raw)
    except json.JSONDecodeError as exc:
        return [_json_entry(f"$.{key}", exc)]
    if value is None:
        return [
            ReportEntry(
                path=f"$.{key}",
                code="missing",
                message_zh=f"缺少必填字段“{key}”",
                message_en=f"required field '{key}' is missing",
            )
        ]
    try:
        return converter.load(value, cl)
    except ValidationError as exc:
        return [_named(e, key) for e in entries_of(exc, f"$.{key}")]


def _named(entry: ReportEntry, key: str) -> ReportEntry:
    """*entry* about the whole column *key*: its messages name the column, not ``$``."""
    if entry.path != f"$.{key}":
        return entry
    return attrs.evolve(
        entry,
        message_zh=entry.message_zh.replace("'$'", f"'{key}'"),
        message_en=entry.message_en.replace("'$'", f"'{key}'"),
    )


def _json_entry(path: str, exc: json.JSONDecodeError) -> ReportEntry:
    return ReportEntry(
        path=path,
        code="format",
        message_zh=f"“{path}”不是有效的 JSON 文本：第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}",
        message_en=f"'{path}' is not valid JSON text: line {exc.lineno} column {exc.colno}: "
        f"{exc.msg}",
    )


def converter_or_default(converter: PmcrmConverter | None) -> PmcrmConverter:
    """*converter*, or the process's default strict converter."""
    return default_converter() if converter is None else converter


def key_of(record: Mapping[str, Any], *path: str) -> str | None:
    """The text at *path* in a raw *record*, if it is text (for a rejected row's key)."""
    node: Any = record
    for part in path:
        if isinstance(node, str) and node.lstrip()[:1] == "{":
            try:
                node = json.loads(node)
            except json.JSONDecodeError:
                return None
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node if isinstance(node, str) else None


def guarded(
    schema: Schema,
    row: int,
    keys: Mapping[str, Any],
    compute: Callable[[], Iterable[Record]],
) -> list[Record]:
    """The records *compute* makes for *row*, or one rejected record if it refuses.

    Only pmcrm's own errors reject a row; anything else is a bug and
    propagates.  The records are collected first, so a row is never
    half-written.
    """
    try:
        return list(compute())
    except PmcrmError as exc:
        return [rejected(schema, row, entries_of(exc), **keys)]


# --- frames ---------------------------------------------------------------------------


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")  # optional, never required
    except ImportError as exc:
        raise MissingDependency("pandas", "dask") from exc


def records_of(frame: Any, columns: Sequence[str] | None = None) -> Iterator[Record]:
    """The rows of a pandas DataFrame as plain records (only *columns*, when given).

    Values come out as the data engine holds them; the kernels turn them
    JSON-shaped (:func:`from_engine`).
    """
    names = list(frame.columns if columns is None else columns)
    for values in frame[names].itertuples(index=False, name=None):
        yield dict(zip(names, values, strict=True))


def row_ids(frame: Any, row_column: str | None) -> list[Any] | None:
    """The values of *frame*'s *row_column* as plain Python values (``None``: no column)."""
    if row_column is None:
        return None
    return [from_engine(value) for value in frame[row_column].tolist()]


def to_frame(
    records: Iterable[Record],
    schema: Schema,
    *,
    rows: Sequence[Any] | None = None,
    first_row: int = 0,
) -> Any:
    """The *records* as a pandas DataFrame with the *schema*'s columns, in order.

    Every column has the ``object`` dtype, so an empty result and a full
    one have the same schema (what Dask's ``meta`` and Spark's
    ``mapInPandas`` need).  With *rows* (an input column's values, see
    :func:`row_ids`), each record's ``row`` — its input's position,
    counted from *first_row* — is replaced by that input's value, so
    results can be tied to their inputs across partitions.
    """
    pandas = _pandas()
    out = list(records)
    if rows is not None:
        out = [r | {"row": rows[r["row"] - first_row]} for r in out]
    return pandas.DataFrame(
        {name: pandas.Series([r[name] for r in out], dtype=object) for name in schema.names},
        columns=list(schema.names),
    )
