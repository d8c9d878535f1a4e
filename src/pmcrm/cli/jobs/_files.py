"""Writing the sample input files: flat CSV rows and a small TOML writer."""

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = ["csv_header", "csv_table", "to_flat", "toml_text"]


def to_flat(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The dotted-path cells of a JSON-shaped *value* (the inverse of ``from_flat``).

    >>> dict(to_flat({"a": {"b": 1}, "c": [{"d": "x"}], "e": None}))
    {'a.b': 1, 'c.0.d': 'x'}
    """
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from to_flat(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from to_flat(item, f"{prefix}{index}.")
    elif value is not None:
        cell = str(value).lower() if isinstance(value, bool) else value
        yield prefix[:-1], cell


def csv_header(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every key of *rows*, in order of first appearance."""
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    return list(header)


def csv_table(rows: list[dict[str, Any]]) -> str:
    """*rows* as CSV text: a header of every key (first appearance first), then each row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, csv_header(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string is a JSON string


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(value: Mapping[str, Any], name: str, lines: list[str]) -> None:
    for key, item in value.items():
        if item is None or isinstance(item, dict) or _is_tables(item):
            continue
        if isinstance(item, list):
            lines.append(f"{key} = [{', '.join(_scalar(v) for v in item)}]")
        else:
            lines.append(f"{key} = {_scalar(item)}")
    for key, item in value.items():
        path = f"{name}.{key}" if name else key
        if isinstance(item, dict):
            lines.extend(["", f"[{path}]"])
            _table(item, path, lines)
        elif _is_tables(item):
            for element in item:
                lines.extend(["", f"[[{path}]]"])
                _table(element, path, lines)


def toml_text(value: Mapping[str, Any]) -> str:
    """*value* (JSON-shaped: objects, arrays of objects or scalars, text, ints, bools) as TOML.

    ``None`` values are left out (TOML has no null).  Arrays of scalars
    and arrays of tables are supported; nothing else is needed for pmcrm's
    configuration files.

    >>> print(toml_text({"name": "VIP", "tiers": [{"code": "gold", "rank": 1}], "x": None}))
    name = "VIP"
    <BLANKLINE>
    [[tiers]]
    code = "gold"
    rank = 1
    <BLANKLINE>
    """
    lines: list[str] = []
    _table(value, "", lines)
    return "\n".join(lines) + "\n"
