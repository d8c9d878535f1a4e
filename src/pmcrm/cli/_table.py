"""Plain-text tables for the terminal, aligned by display width (CJK takes two columns).

The ``pmcrm`` commands print their tables in Chinese or English; these
helpers pad, cut and align cells by the columns a terminal gives them, and
format shares as percentages.
"""

import itertools
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from pmcrm.values import MONEY_CONTEXT

__all__ = ["display_width", "pad", "percent", "render_table", "truncate"]


def display_width(text: str) -> int:
    r"""Columns *text* takes in a terminal: CJK wide and full-width characters take two.

    >>> display_width("业主"), display_width("Owner"), display_width("e\u0301")
    (4, 5, 1)
    """
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def pad(text: str, width: int, *, right: bool = False) -> str:
    """*text* padded with spaces to *width* display columns (on the left if *right*).

    >>> pad("业主", 6) + "|", pad("42", 6, right=True) + "|"
    ('业主  |', '    42|')
    """
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def truncate(text: str, width: int) -> str:
    """*text* cut to at most *width* display columns, ending in ``…`` when cut.

    >>> truncate("O***** ****", 8), truncate("王**", 8)
    ('O***** …', '王**')
    """
    if display_width(text) <= width:
        return text
    # Running widths never decrease, so those within the room left for "…" are a prefix.
    running = itertools.accumulate(display_width(ch) for ch in text)
    return text[: sum(1 for w in running if w <= width - 1)] + "…"


def render_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[bool]
) -> list[str]:
    """A plain-text table: header, a rule, the rows; columns aligned by display width.

    >>> for line in render_table(
    ...     ["类型", "n"], [["业主", "12"], ["Owner", "3"]], right=[False, True]
    ... ):
    ...     print(line)
    类型   n
    -----  --
    业主   12
    Owner   3
    """
    widths = [max(display_width(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = (pad(c, w, right=r) for c, w, r in zip(cells, widths, right, strict=True))
        return "  ".join(parts).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


def percent(part: int, whole: int) -> Decimal:
    """*part* as a percentage of *whole*, to 0.1 (ROUND_HALF_UP); 0.0 of nothing.

    >>> percent(1, 3), percent(2, 3), percent(0, 0)
    (Decimal('33.3'), Decimal('66.7'), Decimal('0.0'))
    """
    if whole == 0:
        return Decimal("0.0")
    exact = MONEY_CONTEXT.divide(Decimal(part * 100), Decimal(whole))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)
