"""Deprecations: how a public name of pmcrm is retired without breaking anyone.

A public name is never removed by surprise.  It is first *deprecated*: it
keeps working, it warns with :class:`PmcrmDeprecationWarning`, and it is
recorded as a :class:`Deprecation` in :data:`DEPRECATIONS`, which names the
release that deprecated it (*since*), the release that may remove it
(*removed_in*) and what to use instead.  The record enforces the policy:
the warning must ship in at least two releases before the name goes (see
:func:`warning_releases`).

The tools:

* :func:`deprecated` wraps a function, a method, a property or a class so
  that using it warns, pointing at the caller's line;
* :func:`moved_names` builds a module ``__getattr__`` through which a
  renamed or moved name keeps working, with a warning;
* :func:`registry` builds the table of records, one per name.

>>> record = Deprecation(
...     name="pmcrm.values.old",
...     since="0.2",
...     removed_in="0.4",
...     replacement="pmcrm.values.new",
... )
>>> print(record.message_en)
pmcrm.values.old is deprecated since pmcrm 0.2 and will be removed in 0.4;
use pmcrm.values.new instead.
>>> print(record.message_zh)
pmcrm.values.old 自 pmcrm 0.2 起已弃用，将在 0.4 版中移除；请改用 pmcrm.values.new。
>>> @deprecated(record)
... def old(a, b):
...     return a + b
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     old(1, 2)
3
>>> caught[0].category.__name__
'PmcrmDeprecationWarning'

The module reads no clock, no file and no environment: the version a check
is made against is always a parameter.
"""

import functools
import importlib
import re
import warnings
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar, cast

import attrs

__all__ = [
    "DEPRECATIONS",
    "MIN_WARNING_RELEASES",
    "Deprecation",
    "PmcrmDeprecationWarning",
    "deprecated",
    "minor_release",
    "moved_names",
    "registry",
    "warning_releases",
]

T = TypeVar("T")

#: The fewest releases that must carry a deprecation warning before the
#: name may be removed.
MIN_WARNING_RELEASES: Final = 2

_RELEASE = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)")
_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.\d+)?(?:[.+-]?[A-Za-z].*)?")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", re.ASCII)
_PMCRM_NAME = re.compile(r"pmcrm(?:\.[A-Za-z_]\w*)+", re.ASCII)


def minor_release(version: str) -> tuple[int, int]:
    """The ``(major, minor)`` release a version string belongs to.

    Patch numbers and pre-release or local suffixes do not count: a name may
    be removed in ``0.3.0rc1`` or ``0.3.2`` exactly when it may be removed
    in ``0.3``.

    >>> minor_release("0.3"), minor_release("1.4.2"), minor_release("0.3.0rc1")
    ((0, 3), (1, 4), (0, 3))

    Raises:
        ValueError: *version* does not start with ``MAJOR.MINOR``.
    """
    match = _VERSION.fullmatch(version)
    if match is None:
        raise ValueError(f"not a version (MAJOR.MINOR[.PATCH]): {version!r}")
    return int(match[1]), int(match[2])


def warning_releases(since: str, removed_in: str) -> int:
    """How many releases are certain to carry a warning from *since* until *removed_in*.

    A release is a ``MAJOR.MINOR`` version; patch releases do not count.
    Only releases that must exist are counted, whatever else is published
    in between:

    * *since* itself;
    * in the same major line, every minor release before *removed_in*:
      ``0.1`` → ``0.3`` counts ``0.1`` and ``0.2``;
    * across a major bump, the ``X.0`` of every later major up to
      *removed_in*'s, and the minors of *removed_in*'s own line before it:
      ``1.4`` → ``2.1`` counts ``1.4`` and ``2.0``.  A major bump counts as
      one release, because nothing guarantees that a ``1.5`` ships between
      ``1.4`` and ``2.0``: ``1.4`` → ``2.0`` counts only ``1.4``.

    >>> warning_releases("0.1", "0.3"), warning_releases("1.4", "1.6")
    (2, 2)
    >>> [warning_releases("1.4", "2.0"), warning_releases("1.4", "2.1")]
    [1, 2]
    >>> warning_releases("1.9", "3.0")
    2

    A removal before (or at) *since* counts no release.

    Raises:
        ValueError: A version does not start with ``MAJOR.MINOR``.
    """
    first, last = minor_release(since), minor_release(removed_in)
    if last <= first:
        return 0
    if last[0] == first[0]:
        return last[1] - first[1]
    # since, then X.0 of each later major before removed_in's, then
    # removed_in's own line from X.0 up to (not including) removed_in.
    return 1 + (last[0] - first[0] - 1) + last[1]


def _message_en(record: "Deprecation") -> str:
    text = (
        f"{record.name} is deprecated since pmcrm {record.since} "
        f"and will be removed in {record.removed_in}"
    )
    text += f"; use {record.replacement} instead." if record.replacement else "."
    return f"{text} {record.note_en}" if record.note_en else text


def _message_zh(record: "Deprecation") -> str:
    text = f"{record.name} 自 pmcrm {record.since} 起已弃用，将在 {record.removed_in} 版中移除"
    text += f"；请改用 {record.replacement}。" if record.replacement else "。"
    return text + record.note_zh


def _invalid(field: str, value: object, detail: str, detail_zh: str) -> ValueError:
    # Imported here so that pmcrm.errors may itself use this module one day.
    from pmcrm.errors import InvalidValue  # noqa: PLC0415

    return InvalidValue(field, "invalid", value=value, detail=detail, detail_zh=detail_zh)


def _check_record(record: "Deprecation") -> None:
    """Refuse a record that breaks the deprecation policy."""
    count = warning_releases(record.since, record.removed_in)
    if count < MIN_WARNING_RELEASES:
        raise _invalid(
            "removed_in",
            record.removed_in,
            f"removal in {record.removed_in} leaves {count} release(s) of warnings "
            f"after {record.since}; the policy asks for at least {MIN_WARNING_RELEASES}",
            f"在 {record.removed_in} 移除，自 {record.since} 起只有 {count} 个版本发出警告；"
            f"弃用政策要求至少 {MIN_WARNING_RELEASES} 个",
        )
    if record.replacement == record.name:
        raise _invalid(
            "replacement",
            record.replacement,
            "a name cannot replace itself",
            "名称不能替代其自身",
        )
    if bool(record.note_zh) != bool(record.note_en):
        raise _invalid(
            "note_zh" if record.note_en else "note_en",
            "",
            "a note needs both its Chinese and its English text",
            "说明须同时提供中文和英文",
        )


@attrs.frozen(kw_only=True)
class Deprecation:
    """The record of one deprecated public name.

    A record is checked when it is built: *removed_in* must leave at least
    :data:`MIN_WARNING_RELEASES` releases of warnings after *since*, counted
    by :func:`warning_releases`.

    >>> try:
    ...     Deprecation(name="pmcrm.values.old", since="0.2", removed_in="0.3")
    ... except ValueError as error:
    ...     print(error)
    'removed_in' is invalid: removal in 0.3 leaves 1 release(s) of warnings
    after 0.2; the policy asks for at least 2

    Attributes:
        name: The full dotted name, starting with ``pmcrm.``, such as
            ``"pmcrm.values.Money.of"``.
        since: The release (``MAJOR.MINOR``) whose code first warns.
        removed_in: The first release (``MAJOR.MINOR``) that may remove the name.
        replacement: The full dotted name to use instead, if there is one.
        note_zh: A further note in Chinese (empty, or given with *note_en*).
        note_en: The same note in English.
    """

    name: str = attrs.field(
        validator=[attrs.validators.instance_of(str), attrs.validators.matches_re(_PMCRM_NAME)]
    )
    since: str = attrs.field(
        validator=[attrs.validators.instance_of(str), attrs.validators.matches_re(_RELEASE)]
    )
    removed_in: str = attrs.field(
        validator=[attrs.validators.instance_of(str), attrs.validators.matches_re(_RELEASE)]
    )
    replacement: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(
            [attrs.validators.instance_of(str), attrs.validators.matches_re(_DOTTED)]
        ),
    )
    note_zh: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    note_en: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def __attrs_post_init__(self) -> None:
        _check_record(self)

    @property
    def message_en(self) -> str:
        """The warning's message in English."""
        return _message_en(self)

    @property
    def message_zh(self) -> str:
        """The warning's message in Chinese."""
        return _message_zh(self)

    def removed_by(self, version: str) -> bool:
        """Whether *version* may have removed the name (it is *removed_in* or later).

        >>> record = Deprecation(name="pmcrm.x", since="0.1", removed_in="0.3")
        >>> record.removed_by("0.2.5"), record.removed_by("0.3.0"), record.removed_by("1.0")
        (False, True, True)
        """
        return minor_release(version) >= minor_release(self.removed_in)


class PmcrmDeprecationWarning(DeprecationWarning):
    """The warning a deprecated pmcrm name gives when it is used.

    It is a :class:`DeprecationWarning`, as attrs' and cattrs' are, not a
    :class:`FutureWarning` (which Hypothesis uses).  The people who must act
    on it are the developers of the code that calls pmcrm, not the people
    who use their application: Python shows a :class:`DeprecationWarning`
    when the offending call is in ``__main__`` (a script, a notebook, the
    REPL) and test runners such as pytest show it, while an application's
    end users, who can do nothing about it, do not see it.  A
    :class:`FutureWarning` would be shown to them by default.  Its
    *stacklevel* points at the caller's line, so the filters that decide
    whether it is shown look at the calling module, not at pmcrm's.

    Run your tests with ``-W error::pmcrm.deprecation.PmcrmDeprecationWarning``
    (or pytest's ``filterwarnings = ["error"]``) to find every use early.

    The message is in English; :attr:`message_zh` has it in Chinese.

    Args:
        deprecation: The record of the name that was used.

    Attributes:
        deprecation: As given.
    """

    deprecation: Deprecation

    def __init__(self, deprecation: Deprecation) -> None:
        super().__init__(deprecation)
        self.deprecation = deprecation

    def __str__(self) -> str:
        return self.deprecation.message_en

    @property
    def message_zh(self) -> str:
        """The message in Chinese."""
        return self.deprecation.message_zh


def _warn(record: Deprecation) -> None:
    """Warn that *record*'s name was used, pointing at the caller of the caller."""
    # stacklevel 3: this function, the wrapper that calls it, then the user's line.
    warnings.warn(PmcrmDeprecationWarning(record), stacklevel=3)


def _wrap_function(record: Deprecation, func: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        _warn(record)
        return func(*args, **kwargs)

    wrapper.__deprecated__ = record.message_en  # type: ignore[attr-defined]
    return wrapper


def _wrap_class(record: Deprecation, cls: type[T]) -> type[T]:
    original = cls.__init__

    @functools.wraps(original)
    def __init__(self: T, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        _warn(record)
        if original is object.__init__:  # a class with only a __new__ of its own
            original(self)
        else:
            original(self, *args, **kwargs)

    cls.__init__ = __init__  # type: ignore[assignment]
    cls.__deprecated__ = record.message_en  # type: ignore[attr-defined]
    return cls


def deprecated(deprecation: Deprecation) -> Callable[[T], T]:
    """A decorator that makes a function, method, property or class warn when used.

    Calling the function or method, reading the property or making an
    instance of the class warns with :class:`PmcrmDeprecationWarning`,
    pointing at the caller's line.  The decorated object also gets the
    ``__deprecated__`` attribute of :pep:`702`, holding the English message.
    The decorator goes above (or below) ``@classmethod``, ``@staticmethod``
    and ``@property`` alike, but above ``@attrs.frozen``, which writes its
    own ``__init__``.

    >>> record = Deprecation(name="pmcrm.demo.Old", since="0.2", removed_in="0.4")
    >>> @deprecated(record)
    ... class Old:
    ...     pass
    >>> Old.__deprecated__
    'pmcrm.demo.Old is deprecated since pmcrm 0.2 and will be removed in 0.4.'

    Args:
        deprecation: The record of the name being deprecated.

    Raises:
        TypeError: The decorated object is none of the above.
    """

    def decorate(obj: T) -> T:
        if isinstance(obj, type):
            return cast(T, _wrap_class(deprecation, obj))
        if isinstance(obj, (classmethod, staticmethod)):
            return cast(T, type(obj)(_wrap_function(deprecation, obj.__func__)))
        if isinstance(obj, property):
            if obj.fget is None:
                raise TypeError(f"deprecated() needs a property with a getter: {deprecation.name}")
            return cast(T, obj.getter(_wrap_function(deprecation, obj.fget)))
        if callable(obj):
            return cast(T, _wrap_function(deprecation, obj))
        raise TypeError(
            "deprecated() decorates a function, a method, a property or a class, "
            f"not {type(obj).__name__}: {deprecation.name}"
        )

    return decorate


def _resolve(name: str) -> object:
    """The object a full dotted name stands for, importing its module if needed."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(f"no module for {name!r}")


def moved_names(module: str, *deprecations: Deprecation) -> Callable[[str], Any]:
    """A module ``__getattr__`` that keeps renamed or moved names working, with a warning.

    Each record names an attribute of *module* that is gone from it, and its
    *replacement*: reading the old name warns and returns the replacement,
    which is imported only then.  Any other name raises
    :class:`AttributeError`, as a module does.  Deprecated names are not in
    the module's ``__all__`` nor in ``dir()``.

    In the module that lost the name::

        __getattr__ = moved_names(
            __name__,
            Deprecation(
                name="pmcrm.values.Amount",
                since="0.2",
                removed_in="0.4",
                replacement="pmcrm.values.Money",
            ),
        )

    A module that already has a ``__getattr__`` (a package's lazy
    re-exports) calls the returned function for the names it does not know.

    Args:
        module: The module's ``__name__``.
        *deprecations: One record per old name.

    Raises:
        ValueError: A record is not about an attribute of *module*, or has
            no replacement (:class:`~pmcrm.errors.InvalidValue`).
    """
    moved: dict[str, Deprecation] = {}
    for record in deprecations:
        owner, _, attribute = record.name.rpartition(".")
        if owner != module:
            raise _invalid(
                "name",
                record.name,
                f"not an attribute of the module {module}",
                f"不是模块 {module} 的属性",
            )
        if record.replacement is None:
            raise _invalid(
                "replacement",
                None,
                f"a moved name needs a replacement: {record.name}",
                f"迁移的名称需要替代名称：{record.name}",
            )
        moved[attribute] = record

    def __getattr__(name: str) -> Any:  # noqa: N807
        record = moved.get(name)
        if record is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        # stacklevel 2: the line that reads the attribute (or imports it).
        warnings.warn(PmcrmDeprecationWarning(record), stacklevel=2)
        return _resolve(cast(str, record.replacement))

    return __getattr__


def registry(*deprecations: Deprecation) -> Mapping[str, Deprecation]:
    """The read-only table of *deprecations*, by name, sorted.

    >>> table = registry(Deprecation(name="pmcrm.x", since="0.1", removed_in="0.3"))
    >>> list(table)
    ['pmcrm.x']

    Raises:
        ValueError: Two records name the same name
            (:class:`~pmcrm.errors.InvalidValue`).
    """
    table: dict[str, Deprecation] = {}
    for record in sorted(deprecations, key=lambda r: r.name):
        if record.name in table:
            raise _invalid(
                "deprecations",
                record.name,
                f"two records for {record.name}",
                f"{record.name} 有两条记录",
            )
        table[record.name] = record
    return MappingProxyType(table)


#: Every deprecation pmcrm has made, by full dotted name (none yet).  A
#: record is written here once, and the code that warns looks it up:
#: ``@deprecated(DEPRECATIONS["pmcrm.values.old"])``.  Records stay after
#: their name is removed: the public-API test reads them to tell a removal
#: that kept the policy from a name that disappeared without warning.
DEPRECATIONS: Final[Mapping[str, Deprecation]] = registry()
