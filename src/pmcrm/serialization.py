"""Loading and dumping pmcrm values: a strict cattrs converter at the edge.

This is the only module that imports :mod:`cattrs`.  :func:`make_converter`
builds a :class:`PmcrmConverter`; :func:`structure` and :func:`unstructure`
use a per-process default one.

Loading is strict: unknown keys are refused, nothing is coerced (``1.9`` is
not an integer, ``"false"`` is not a boolean, a string is not a list),
decimals come only from strings or integers, date-times must carry an
offset, and every string and list has a size limit.  A fault is reported
with its path, and every fault in the input is reported at once:

>>> from pmcrm.customers import PropertyUnit
>>> structure({"code": "A-1", "property_type": "house", "area": -3}, PropertyUnit)
Traceback (most recent call last):
...
pmcrm.errors.ValidationError: invalid PropertyUnit: 2 faults
$.property_type: [choice] 'property_type' must be one of residential, commercial, ...
$.area: [gt] 'area' must be > 0: -3
"""

import contextvars
import functools
import keyword
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from pmcrm import _parse
from pmcrm.benefits.catalogue import BENEFITS, Benefit
from pmcrm.complaints.events import EVENTS, ComplaintEvent
from pmcrm.errors import (
    ERROR_CODES,
    InvalidValue,
    PmcrmError,
    ReportEntry,
    ValidationError,
    ValidationReport,
)
from pmcrm.segmentation import CRITERIA, Criterion
from pmcrm.tiers.conditions import CONDITIONS, Condition
from pmcrm.validators import _Each, at_least, at_most, of_type
from pmcrm.values import sensitive_types

__all__ = [
    "Limits",
    "PmcrmConverter",
    "default_converter",
    "make_converter",
    "structure",
    "unstructure",
]

T = TypeVar("T")


#: The largest :attr:`Limits.max_depth`: deeper values would come near
#: Python's recursion limit, in the converter and in the objects' own methods.
_MAX_DEPTH_LIMIT = 100


@attrs.frozen(kw_only=True)
class Limits:
    """Size limits the converter enforces on untrusted input.

    Each breach is a fault of the report, at the path of the offending
    value, with its own code: ``max_items``, ``max_length`` or ``max_depth``.
    What each limit protects, and the bounds that are not settings:
    :ref:`size-limits`.

    Attributes:
        max_items: Most items in any list.
        max_string: Most characters in any string.
        max_depth: Most values of a recursive type nested in one another,
            such as tier conditions (``any_of`` inside ``all_of``…); at most
            100.
    """

    max_items: int = attrs.field(default=10_000, validator=[of_type(int), at_least(0)])
    max_string: int = attrs.field(default=10_000, validator=[of_type(int), at_least(0)])
    max_depth: int = attrs.field(
        default=32, validator=[of_type(int), at_least(0), at_most(_MAX_DEPTH_LIMIT)]
    )


class _Fail(Exception):
    """Raised inside the fast path; never escapes this module."""


def _fail() -> Any:
    raise _Fail


def _is_tuple_of(t: Any) -> bool:
    return (
        typing.get_origin(t) is tuple
        and len(typing.get_args(t)) == 2
        and (typing.get_args(t)[1] is Ellipsis)
    )


def _optional_of(t: Any) -> Any | None:
    """``X`` if *t* is ``X | None``, else ``None``."""
    if typing.get_origin(t) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(t)) == 2:
            return args[0]
    return None


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Enum)


def _enum_table(t: type[Enum]) -> dict[str, Enum]:
    return {m.value: m for m in t if type(m.value) is str}


class PmcrmConverter(cattrs.Converter):
    """A strict :class:`cattrs.Converter` with located, bilingual error reports.

    Use :meth:`load` and :meth:`dump` (or the module functions
    :func:`structure` and :func:`unstructure`).  Register hooks for your
    own types with the usual cattrs API (and tagged unions with
    :meth:`register_variants`); the fast paths cannot know what your hooks
    do, so from then on this converter loads and dumps with the cattrs
    machinery only.

    Loading takes a *fast path* first: Python code generated once per class
    that checks valid input as strictly as the detailed converter and builds
    the object directly.  Only when the fast path refuses an input does the
    detailed cattrs machinery run, to find and report every fault.  Both
    paths share their leaf parsers, and a property test checks they accept
    exactly the same inputs.

    Args:
        forbid_extra_keys: Refuse keys that are not fields (default).  Turn
            off for data-engine frames that carry extra columns.
        limits: Size limits on lists, strings and nesting (see :class:`Limits`).
        redact: Dump personal data masked (a one-way export).
        sealed: Refuse later hook registrations (used for the shared default).
    """

    def __init__(
        self,
        *,
        forbid_extra_keys: bool = True,
        limits: Limits = Limits(),
        redact: bool = False,
        sealed: bool = False,
    ) -> None:
        super().__init__(forbid_extra_keys=forbid_extra_keys, detailed_validation=True)
        self.limits = limits
        self.redact = redact
        self._sealed = False
        self._fast_structure: dict[Any, Callable[[Any], Any] | None] = {}
        self._fast_unstructure: dict[Any, Callable[[Any], Any] | None] = {}
        self._variants: dict[Any, tuple[str, dict[str, type[Any]]]] = {}
        self._install_hooks()
        # Set once pmcrm's own hooks are in: a later registration clears it.
        self._use_fast_paths = True
        self._sealed = sealed

    # --- configuration -------------------------------------------------------

    def _changed(self) -> None:
        if getattr(self, "_sealed", False):
            raise PmcrmError(
                "the shared default converter cannot be changed; "
                "build your own with pmcrm.make_converter()"
            )
        if hasattr(self, "_fast_structure"):
            self._fast_structure.clear()
            self._fast_unstructure.clear()
        # The fast paths hard-code pmcrm's own hooks: they would ignore a hook
        # of the user's (for str, Decimal, a variant base…), so they stop.
        self._use_fast_paths = False

    def register_structure_hook(self, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`cattrs.Converter.register_structure_hook`; turns the fast paths off."""
        self._changed()
        return super().register_structure_hook(*args, **kwargs)

    def register_structure_hook_func(self, *args: Any, **kwargs: Any) -> None:
        """As in cattrs; turns the fast paths off."""
        self._changed()
        super().register_structure_hook_func(*args, **kwargs)

    def register_structure_hook_factory(self, *args: Any, **kwargs: Any) -> Any:
        """As in cattrs; turns the fast paths off."""
        self._changed()
        return super().register_structure_hook_factory(*args, **kwargs)

    def register_unstructure_hook(self, *args: Any, **kwargs: Any) -> Any:
        """As in cattrs; turns the fast paths off."""
        self._changed()
        return super().register_unstructure_hook(*args, **kwargs)

    def register_unstructure_hook_func(self, *args: Any, **kwargs: Any) -> None:
        """As in cattrs; turns the fast paths off."""
        self._changed()
        super().register_unstructure_hook_func(*args, **kwargs)

    def register_unstructure_hook_factory(self, *args: Any, **kwargs: Any) -> Any:
        """As in cattrs; turns the fast paths off."""
        self._changed()
        return super().register_unstructure_hook_factory(*args, **kwargs)

    def _install_hooks(self) -> None:
        max_string = self.limits.max_string
        self.register_structure_hook(str, lambda v, _t: _parse.parse_str(v, max_string))
        self.register_structure_hook(bool, lambda v, _t: _parse.parse_bool(v))
        self.register_structure_hook(int, lambda v, _t: _parse.parse_int(v))
        self.register_structure_hook(float, _refuse_float)
        self.register_structure_hook(Decimal, lambda v, _t: _parse.parse_decimal(v))
        self.register_structure_hook(datetime, lambda v, _t: _parse.parse_datetime(v))
        self.register_structure_hook(date, _structure_date)
        self.register_structure_hook(time, lambda v, _t: _parse.parse_time(v))
        self.register_structure_hook(timedelta, lambda v, _t: _parse.parse_duration(v))
        self.register_structure_hook(tzinfo, lambda v, _t: _parse.parse_timezone(v, ZoneInfo))
        self.register_unstructure_hook(time, _parse.format_time)
        self.register_unstructure_hook(timedelta, _parse.format_duration)
        self.register_unstructure_hook(tzinfo, _parse.format_timezone)
        self.register_unstructure_hook(Decimal, _parse.format_decimal)
        self.register_unstructure_hook(datetime, datetime.isoformat)
        self.register_unstructure_hook(date, date.isoformat)
        for cls in sensitive_types():
            self.register_structure_hook(cls, self._sensitive_hook(cls))
            self.register_unstructure_hook(cls, _masked if self.redact else _revealed)
        self.register_structure_hook_factory(_is_enum, self._enum_hook)
        self.register_unstructure_hook_factory(_is_enum, lambda _t: _enum_value)
        self.register_structure_hook_factory(_is_tuple_of, self._tuple_hook)
        self.register_unstructure_hook_factory(_is_tuple_of, self._tuple_dump_hook)
        self.register_structure_hook_factory(attrs.has, self._attrs_hook)
        self.register_variants(Criterion, CRITERIA)
        self.register_variants(Condition, CONDITIONS)
        self.register_variants(Benefit, BENEFITS)
        self.register_variants(ComplaintEvent, EVENTS, tag_key="event")

    def _sensitive_hook(self, cls: type[Any]) -> Callable[[Any, Any], Any]:
        max_string = self.limits.max_string

        def hook(value: Any, _t: Any) -> Any:
            if type(value) is not str:
                raise _parse.type_error("a string", value, sensitive=True)
            if len(value) > max_string:
                raise InvalidValue(
                    "", "max_length", sensitive=True, bound=max_string, length=len(value)
                )
            return cls(value)

        return hook

    def _enum_hook(self, t: type[Enum]) -> Callable[[Any, Any], Any]:
        table = _enum_table(t)
        choices = ", ".join(table)

        def hook(value: Any, _t: Any) -> Any:
            if type(value) is str:
                member = table.get(value)
                if member is not None:
                    return member
            raise InvalidValue("", "choice", value=value, choices=choices)

        return hook

    def _tuple_hook(
        self, t: Any, item_check: Callable[[Any], None] | None = None
    ) -> Callable[[Any, Any], Any]:
        item_type = typing.get_args(t)[0]
        max_items = self.limits.max_items
        converter = self

        def hook(value: Any, _t: Any) -> tuple[Any, ...]:
            if type(value) is not list:
                raise _parse.type_error("an array", value)
            if len(value) > max_items:
                raise InvalidValue(
                    "",
                    "max_items",
                    value=f"<{len(value)} items>",
                    bound=max_items,
                    length=len(value),
                )
            item_hook = converter.get_structure_hook(item_type)
            result = []
            errors: list[Exception] = []
            for index, item in enumerate(value):
                try:
                    loaded = item_hook(item, item_type)
                    if item_check is not None:
                        item_check(loaded)
                    result.append(loaded)
                except Exception as exc:  # noqa: BLE001 - gathered into the report
                    exc.add_note(
                        IterableValidationNote(
                            f"Structuring {t} @ index {index}", index, item_type
                        )
                    )
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {t}", errors, t)
            return tuple(result)

        return hook

    def _tuple_dump_hook(self, t: Any) -> Callable[[Any], Any]:
        item_type = typing.get_args(t)[0]
        converter = self

        def hook(value: tuple[Any, ...]) -> list[Any]:
            item_hook = converter.get_unstructure_hook(item_type)
            return [item_hook(item) for item in value]

        return hook

    def _attrs_hook(self, cl: type[Any]) -> Callable[[Any, Any], Any]:
        attrs.resolve_types(cl)
        overrides = {}
        for a in attrs.fields(cl):
            if a.validator is not None:
                overrides[a.name] = override(struct_hook=self._validated_field_hook(cl, a))
        generated = make_dict_structure_fn(
            cl,
            self,
            _cattrs_forbid_extra_keys=self.forbid_extra_keys,
            _cattrs_detailed_validation=True,
            **overrides,  # type: ignore[arg-type]
        )

        def hook(value: Any, t: Any) -> Any:
            if type(value) is not dict:
                raise _parse.type_error("an object", value)
            return generated(value, t)

        if not self._contains_itself(cl):
            return hook
        max_depth = self.limits.max_depth

        def nested_hook(value: Any, t: Any) -> Any:
            # A class that can contain itself: count how deep the input nests
            # such values, so that a hostile input cannot recurse without end.
            if type(value) is not dict:
                raise _parse.type_error("an object", value)
            depth = _DEPTH.get()
            if depth >= max_depth:
                raise InvalidValue("", "max_depth", bound=max_depth)
            token = _DEPTH.set(depth + 1)
            try:
                return generated(value, t)
            finally:
                _DEPTH.reset(token)

        return nested_hook

    def _contains_itself(self, cl: Any) -> bool:
        """Whether a *cl* can hold another *cl*, through fields, generics and variants."""
        seen: set[Any] = set()
        todo = list(self._parts(cl))
        while todo:
            t = todo.pop()
            if t == cl:
                return True
            if t not in seen:
                seen.add(t)
                todo.extend(self._parts(t))
        return False

    def _parts(self, t: Any) -> list[Any]:
        """The types a value of type *t* is built from, one level down."""
        parts = [a for a in typing.get_args(t) if a is not Ellipsis]
        parts.extend(self._variants.get(t, ("", {}))[1].values())
        if isinstance(t, type) and attrs.has(t):
            parts.extend(a.type for a in attrs.fields(attrs.resolve_types(t)))
        return parts

    def _validated_field_hook(
        self, cl: type[Any], a: "attrs.Attribute[Any]"
    ) -> Callable[[Any, Any], Any]:
        validator = a.validator
        field_type = a.type
        converter = self
        if isinstance(validator, _Each) and _is_tuple_of(field_type):
            item_validator = validator.item

            def check(item: Any) -> None:
                try:
                    item_validator(None, a, item)
                except InvalidValue as exc:
                    exc.subpath = ""
                    raise

            return self._tuple_hook(field_type, check)

        def hook(value: Any, _t: Any) -> Any:
            result = converter.get_structure_hook(field_type)(value, field_type)
            validator(None, a, result)  # type: ignore[misc]
            return result

        return hook

    # --- tagged unions -------------------------------------------------------

    def register_variants(
        self, base: Any, variants: Mapping[str, type[Any]], *, tag_key: str = "type"
    ) -> None:
        """Load and dump fields typed *base* as a tagged union of *variants*.

        Each variant is written as its fields plus ``tag_key: tag``.  Call it
        again with more variants to extend the union (integrators add their
        own this way, on their own converter).

        Args:
            base: The annotation the fields use (a protocol or a union).
            variants: The attrs class for each tag.
            tag_key: The key that holds the tag.
        """
        self._changed()
        table = dict(self._variants.get(base, (tag_key, {}))[1])
        table.update(variants)
        self._variants[base] = (tag_key, table)
        by_class = {cls: tag for tag, cls in table.items()}
        converter = self

        def load(value: Any, _t: Any) -> Any:
            if type(value) is not dict:
                raise _parse.type_error("an object", value)
            if tag_key not in value:
                raise InvalidValue(tag_key, "missing", subpath=f".{tag_key}")
            tag = value[tag_key]
            cls = table.get(tag) if type(tag) is str else None
            if cls is None:
                raise InvalidValue(
                    tag_key, "choice", value=tag, choices=", ".join(table), subpath=f".{tag_key}"
                )
            rest = {k: v for k, v in value.items() if k != tag_key}
            return converter.structure(rest, cls)

        def dump(obj: Any) -> Any:
            tag = by_class.get(type(obj))
            if tag is None:
                raise PmcrmError(f"{type(obj).__name__} is not a registered variant of {base}")
            return {tag_key: tag, **converter.dump(obj)}

        # ``==``, not ``is``: two spellings of ``A | B`` are equal, not identical.
        super().register_structure_hook_func(lambda t: t == base, load)
        super().register_unstructure_hook_func(lambda t: t == base, dump)

    # --- loading -------------------------------------------------------------

    def load(self, data: Any, cl: type[T]) -> T:
        """Structure *data* (JSON-shaped) into a *cl*, or raise a located report.

        Raises:
            ValidationError: with a :class:`~pmcrm.errors.ValidationReport`
                listing every fault, its path, code and zh/en message.
        """
        fast = self._fast_structure.get(cl, _MISSING)
        if fast is _MISSING:
            fast = _compile_structure(self, cl) if self._use_fast_paths else None
            self._fast_structure[cl] = fast
        if fast is not None:
            try:
                return fast(data)  # type: ignore[no-any-return]
            except Exception:  # noqa: BLE001, S110 - the detailed path reports it
                pass
        return self.load_detailed(data, cl)

    def load_detailed(self, data: Any, cl: type[T]) -> T:
        """Structure with the detailed cattrs converter only (no fast path)."""
        try:
            return self.structure(data, cl)
        except Exception as exc:  # noqa: BLE001 - every fault becomes a report entry
            entries = (_in_input(entry, data) for entry in _walk(exc, "$"))
            raise ValidationError(ValidationReport(tuple(entries)), _type_name(cl)) from None

    def dump(self, obj: Any, unstructure_as: Any = None) -> Any:
        """Unstructure *obj* into JSON-ready data (decimals as strings, ISO dates).

        Args:
            obj: The value.
            unstructure_as: Dump *obj* as this type rather than its own class:
                a tagged union (such as ``ComplaintEvent``), or a tuple of one,
                writes each member with its tag so that :meth:`load` can read
                it back as that type.
        """
        if unstructure_as is not None:
            return self.unstructure(obj, unstructure_as=unstructure_as)
        cl = type(obj)
        fast = self._fast_unstructure.get(cl, _MISSING)
        if fast is _MISSING:
            fast = _compile_unstructure(self, cl) if self._use_fast_paths else None
            self._fast_unstructure[cl] = fast
        if fast is not None:
            return fast(obj)
        return self.unstructure(obj)


_MISSING: Any = object()

#: How many values of self-containing classes enclose the one being loaded
#: (per thread and task, so one converter can serve several at once).
_DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("pmcrm_load_depth", default=0)


def _type_name(cl: Any) -> str:
    return getattr(cl, "__name__", str(cl))


def _refuse_float(value: Any, _t: Any) -> float:
    raise _parse.type_error("a field of another type (pmcrm loads no floats: use Decimal)", value)


def _structure_date(value: Any, _t: Any) -> date:
    return _parse.parse_date(value)


def _masked(value: Any) -> str:
    return value.masked  # type: ignore[no-any-return]


def _revealed(value: Any) -> str:
    return value.reveal()  # type: ignore[no-any-return]


def _enum_value(value: Enum) -> Any:
    return value.value


# --- the report --------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _key_path(path: str, key: object) -> str:
    if type(key) is str and _IDENT.match(key) and not keyword.iskeyword(key):
        return f"{path}.{key}"
    shown = repr(key) if len(repr(key)) <= 40 else repr(key)[:39] + "…'"
    return f"{path}[{shown}]"


def _field_name(path: str) -> str:
    """The name a message uses for *path*: its last key with any indices."""
    if path == "$":
        return "$"
    tail = path.rsplit(".", 1)[-1]
    return tail[1:] if tail.startswith("$") else tail


def _entry(path: str, code: str, params: Mapping[str, object]) -> ReportEntry:
    field = _field_name(path)
    zh, en = ERROR_CODES[code]
    # As InvalidValue renders it: a parameter ``x_zh`` stands in for ``x`` in Chinese.
    params_zh = {**params, **{k[:-3]: v for k, v in params.items() if k.endswith("_zh")}}
    return ReportEntry(
        path=path,
        code=code,
        message_zh=zh.format(field=field, **params_zh),
        message_en=en.format(field=field, **params),
    )


_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(0|[1-9][0-9]*)\]")


def _in_input(entry: ReportEntry, data: Any) -> ReportEntry:
    """*entry*, moved to the object that lacks its key if the input has no such key.

    A rule across fields can fault a field the input leaves out, whose
    default then breaks it (an answer with neither a score nor ``na``; a
    base tier whose default name a tier already uses).  The path of such an
    entry would name a key the caller cannot find in the input, so it goes
    to the nearest object the input has, and the message, which names the
    field, stays.  A ``missing`` entry keeps its path: it names the key to add.
    """
    if entry.code == "missing":
        return entry
    path, rest, node = "$", entry.path[1:], data
    while rest:
        step = _STEP.match(rest)
        if step is None:  # a quoted key: the input's own, as written
            return entry
        key, index = step.groups()
        if key is not None:
            if not isinstance(node, Mapping):
                return entry
            if key not in node:
                return attrs.evolve(entry, path=path)
            node = node[key]
        else:
            if not isinstance(node, list) or int(index) >= len(node):
                return entry
            node = node[int(index)]
        path, rest = path + step.group(), rest[step.end() :]
    return entry


def _child_path(exc: BaseException, path: str) -> str:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return _key_path(path, note.name)
        if isinstance(note, IterableValidationNote):
            return f"{path}[{note.index}]"
    return path


def _walk(exc: BaseException, path: str) -> Iterator[ReportEntry]:
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        for sub in exc.exceptions:
            yield from _walk(sub, _child_path(sub, path))
    elif isinstance(exc, InvalidValue):
        full = path + exc.subpath if exc.subpath.startswith(("[", ".")) else path
        yield _entry(full, exc.code, exc.params)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields, key=repr):
            yield _entry(_key_path(path, key), "extra_key", {"value": ""})
    elif isinstance(exc, KeyError) and any(
        # The key lookup of a missing field, not a KeyError from inside a hook.
        isinstance(n, AttributeValidationNote) and exc.args == (n.name,)
        for n in getattr(exc, "__notes__", ())
    ):
        yield _entry(path, "missing", {"value": ""})
    else:
        yield _entry(path, "invalid", {"value": "", "detail": type(exc).__name__})


# --- the fast path -------------------------------------------------------------


class _Unsupported(Exception):
    """The fast path does not know a type; the class goes the detailed way."""


class _Gen:
    """Generates one module of fast structuring functions."""

    def __init__(self, converter: PmcrmConverter) -> None:
        self.converter = converter
        self.names: dict[str, Any] = {
            "_Fail": _fail,
            "_dec": _parse.parse_decimal,
            "_date": _parse.parse_date,
            "_dt": _parse.parse_datetime,
            "_int": _parse.parse_int,
            "_time": _parse.parse_time,
            "_dur": _parse.parse_duration,
            "_tz": lambda v: _parse.parse_timezone(v, ZoneInfo),
            "_MISSING": _MISSING,
            "_new": object.__new__,
            "_set": object.__setattr__,
        }
        self.functions: dict[Any, str] = {}
        self.building: set[Any] = set()
        self.lines: list[str] = []
        self.counter = 0

    def name(self, prefix: str, value: Any) -> str:
        self.counter += 1
        key = f"_{prefix}{self.counter}"
        self.names[key] = value
        return key

    def expr(self, t: Any, v: str) -> str:  # noqa: PLR0912 - one branch per leaf type
        """A Python expression that structures the variable *v* as *t* (or raises)."""
        limits = self.converter.limits
        inner = _optional_of(t)
        if inner is not None:
            return f"(None if {v} is None else {self.expr(inner, v)})"
        if t is str:
            return f"({v} if type({v}) is str and len({v}) <= {limits.max_string} else _Fail())"
        if t is bool:
            return f"({v} if type({v}) is bool else _Fail())"
        if t is int:
            return f"_int({v})"
        if t is Decimal:
            return f"_dec({v})"
        if t is datetime:
            return f"_dt({v})"
        if t is date:
            return f"_date({v})"
        if t is time:
            return f"_time({v})"
        if t is timedelta:
            return f"_dur({v})"
        if t is tzinfo:
            return f"_tz({v})"
        if t in sensitive_types():
            cls = self.name("cls", t)
            return (
                f"({cls}({v}) if type({v}) is str and len({v}) <= {limits.max_string} "
                f"else _Fail())"
            )
        if _is_enum(t):
            table = self.name("enum", _enum_table(t))
            return f"({table}[{v}] if type({v}) is str else _Fail())"
        if _is_tuple_of(t):
            item = typing.get_args(t)[0]
            x = f"x{self.counter}"
            self.counter += 1
            return (
                f"(tuple([{self.expr(item, x)} for {x} in {v}]) "
                f"if type({v}) is list and len({v}) <= {limits.max_items} else _Fail())"
            )
        if attrs.has(t):
            return f"{self.function(t)}({v})"
        raise _Unsupported(t)

    def function(self, cl: type[Any]) -> str:
        if cl in self.functions:
            if cl in self.building:  # it can contain itself: the depth limit is cattrs'
                raise _Unsupported(cl)
            return self.functions[cl]
        fn = f"_load_{cl.__name__}_{self.counter}"
        self.counter += 1
        self.functions[cl] = fn
        self.building.add(cl)
        attrs.resolve_types(cl)
        fields = attrs.fields(cl)
        known = self.name("keys", frozenset(a.name for a in fields))
        cls = self.name("cls", cl)
        body = [f"def {fn}(d):", "    if type(d) is not dict: _Fail()"]
        if self.converter.forbid_extra_keys:
            body.append(f"    if not {known}.issuperset(d): _Fail()")
        sets = []
        for a in fields:
            if not a.init:  # the fast path leaves such classes to cattrs
                raise _Unsupported(cl)
            var = f"v_{a.name}"
            value_expr = self.expr(a.type, var)
            check = []
            if a.validator is not None:
                # The same validator attrs' __init__ would run, on the same value.
                check = [f"{self.name('val', a.validator)}(None, {self.name('attr', a)}, {var})"]
            if a.default is attrs.NOTHING:
                body.append(
                    f"    {var} = {value_expr.replace(var, f'd[{a.name!r}]')}"
                    if value_expr.count(var) == 1
                    else f"    {var} = d[{a.name!r}]"
                )
                if value_expr.count(var) != 1:
                    body.append(f"    {var} = {value_expr}")
                body.extend(f"    {line}" for line in check)
            else:
                if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                    raise _Unsupported(cl)  # factories are left to cattrs too
                body.append(f"    {var} = d.get({a.name!r}, _MISSING)")
                body.append(f"    if {var} is _MISSING:")
                body.append(f"        {var} = {self.name('default', a.default)}")
                body.append("    else:")
                body.append(f"        {var} = {value_expr}")
                body.extend(f"        {line}" for line in check)
            sets.append(f"    _set(o, {a.name!r}, {var})")
        body.append(f"    o = _new({cls})")
        body.extend(sets)
        if hasattr(cl, "__attrs_post_init__"):
            body.append("    o.__attrs_post_init__()")
        body.append("    return o")
        self.lines.extend(body)
        self.building.discard(cl)
        return fn


def _compile_structure(converter: PmcrmConverter, cl: Any) -> Callable[[Any], Any] | None:
    if not attrs.has(cl) or cl in sensitive_types():
        return None
    gen = _Gen(converter)
    try:
        entry = gen.function(cl)
    except _Unsupported:
        return None
    namespace = dict(gen.names)
    exec("\n".join(gen.lines), namespace)  # noqa: S102 - source built from field types
    return namespace[entry]  # type: ignore[no-any-return]


def _compile_unstructure(converter: PmcrmConverter, cl: Any) -> Callable[[Any], Any] | None:
    if not attrs.has(cl) or cl in sensitive_types():
        return None
    names: dict[str, Any] = {
        "_fmt": _parse.format_decimal,
        "_ftime": _parse.format_time,
        "_fdur": _parse.format_duration,
        "_ftz": _parse.format_timezone,
        "_pii": _masked if converter.redact else _revealed,
    }
    lines: list[str] = []
    done: dict[Any, str] = {}
    counter = [0]

    def expr(t: Any, v: str) -> str:
        inner = _optional_of(t)
        if inner is not None:
            return f"(None if {v} is None else {expr(inner, v)})"
        if t in (str, bool, int):
            return v
        if t is Decimal:
            return f"_fmt({v})"
        if t in (date, datetime):
            return f"{v}.isoformat()"
        if t is time:
            return f"_ftime({v})"
        if t is timedelta:
            return f"_fdur({v})"
        if t is tzinfo:
            return f"_ftz({v})"
        if t in sensitive_types():
            return f"_pii({v})"
        if _is_enum(t):
            return f"{v}.value"
        if _is_tuple_of(t):
            counter[0] += 1
            x = f"x{counter[0]}"
            return f"[{expr(typing.get_args(t)[0], x)} for {x} in {v}]"
        if attrs.has(t):
            return f"{dump_fn(t)}({v})"
        raise _Unsupported(t)

    def dump_fn(t: type[Any]) -> str:
        if t in done:
            return done[t]
        counter[0] += 1
        fn = f"_dump_{t.__name__}_{counter[0]}"
        done[t] = fn
        attrs.resolve_types(t)
        items = ", ".join(f"{a.name!r}: {expr(a.type, 'o.' + a.name)}" for a in attrs.fields(t))
        lines.append(f"def {fn}(o):\n    return {{{items}}}")
        return fn

    try:
        entry = dump_fn(cl)
    except _Unsupported:
        return None
    exec("\n".join(lines), names)  # noqa: S102 - source built from field types
    return names[entry]  # type: ignore[no-any-return]


# --- module functions ------------------------------------------------------------


def make_converter(
    *,
    forbid_extra_keys: bool = True,
    limits: Limits = Limits(),
    redact: bool = False,
) -> PmcrmConverter:
    """A new strict converter; see :class:`PmcrmConverter` for the arguments.

    Build one per process (or per data-engine worker): a cattrs converter
    cannot be pickled.
    """
    return PmcrmConverter(forbid_extra_keys=forbid_extra_keys, limits=limits, redact=redact)


@functools.cache
def default_converter(*, redact: bool = False) -> PmcrmConverter:
    """The shared, sealed converter of this process (one plain, one redacting).

    It refuses hook registrations: build your own with :func:`make_converter`.
    """
    return PmcrmConverter(redact=redact, sealed=True)


def structure(data: Any, cl: type[T], *, converter: PmcrmConverter | None = None) -> T:
    """Load *data* into a *cl* with *converter* (default: :func:`default_converter`).

    Raises:
        ValidationError: listing every fault with its path.
    """
    return (converter or default_converter()).load(data, cl)


def unstructure(
    obj: Any,
    *,
    redact: bool = False,
    converter: PmcrmConverter | None = None,
    unstructure_as: Any = None,
) -> Any:
    """Dump *obj* into JSON-ready data; with *redact*, personal data is masked.

    Pass *unstructure_as* to dump a member of a tagged union with its tag
    (see :meth:`PmcrmConverter.dump`).
    """
    return (converter or default_converter(redact=redact)).dump(obj, unstructure_as)
