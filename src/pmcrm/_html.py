"""Rich display for notebooks: small, escaped HTML fragments and short reprs.

Jupyter shows an object that has a ``_repr_html_`` method as the HTML that
method returns.  pmcrm's decisions, clocks and score tables build theirs
here, from three kinds of part under a bilingual title:

* :class:`Fields` — a key-value block (``等级 Tier | gold``);
* :class:`Table` — a header row and rows of cells;
* :class:`Notes` — statements in zh and en side by side, such as the
  reasons of a decision (:meth:`Notes.of`) or the lines of an ``explain``
  text (:meth:`Notes.from_text`).

Every text is escaped when the fragment is rendered: a part holds plain
text (a ``str``, or a :class:`~pmcrm.values.Label` shown as ``"zh en"``),
never markup, so no value can inject a tag.  The fragment is one ``<div>``
holding a bold title and one ``<table>`` per part, with a few neutral
inline styles (padding, alignment, a grey rule under headers) that read in
light and dark notebook themes.

>>> from pmcrm.values import Label
>>> fragment = render(
...     Label(zh="示例", en="Example"),
...     Fields(rows=((Label(zh="等级", en="Tier"), "gold <1>"),)),
... )
>>> fragment[:59]
'<div class="pmcrm"><div style="font-weight:bold">示例 Example'
>>> ">等级 Tier</th>" in fragment, ">gold &lt;1&gt;</td>" in fragment
(True, True)

The module also formats the figures that reprs and fragments share
(:func:`tenths`, :func:`approx`, :func:`instant`), and holds no state: pure functions of
their arguments, no I/O.
"""

import html
import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import attrs

from pmcrm.explain import Reason
from pmcrm.values import Label, Lang, round_half_up

__all__ = [
    "Fields",
    "Notes",
    "Part",
    "Table",
    "Text",
    "approx",
    "instant",
    "render",
    "tenths",
    "text",
]

#: A plain text to show: a ``str`` as it is, a :class:`Label` as ``"zh en"``.
Text = str | Label

_DIV = '<div class="pmcrm">'
_TITLE = '<div style="font-weight:bold">'
_TABLE = '<table style="border-collapse:collapse;margin:2px 0 6px">'
_CAPTION = '<caption style="text-align:left;font-style:italic">'
_CELL = "padding:1px 8px;text-align:"
_RULE = ";border-bottom:1px solid rgba(128,128,128,.5)"
_PRE = ";white-space:pre-wrap"


def text(value: Text) -> str:
    """*value* as plain text: a label as ``"zh en"`` (once when both are the same).

    >>> text(Label(zh="等级", en="Tier")), text(Label(zh="CSI", en="CSI")), text("a<b")
    ('等级 Tier', 'CSI', 'a<b')
    """
    if isinstance(value, Label):
        return value.zh if value.zh == value.en else f"{value.zh} {value.en}"
    return value


def _escaped(value: Text) -> str:
    return html.escape(text(value), quote=True)


def _cell(tag: str, value: Text, style: str) -> str:
    return f'<{tag} style="{style}">{_escaped(value)}</{tag}>'


@attrs.frozen
class Fields:
    """A key-value block: one row per ``(key, value)``.

    Attributes:
        rows: The pairs, in order.
        heading: A caption above the block, if any.
    """

    rows: tuple[tuple[Text, Text], ...]
    heading: Text | None = None

    def html(self) -> Iterator[str]:
        """The ``<table>`` of the block, in pieces."""
        style = _CELL + "left"
        yield from _open(self.heading)
        yield "<tbody>"
        for key, value in self.rows:
            yield f"<tr>{_cell('th', key, style)}{_cell('td', value, style)}</tr>"
        yield "</tbody></table>"


@attrs.frozen
class Table:
    """A table: a header row, then rows of cells.

    Attributes:
        header: The column headers.
        rows: The rows; each as long as *header*.
        heading: A caption above the table, if any.
        right: The indexes of the columns aligned right (figures).
    """

    header: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    heading: Text | None = None
    right: tuple[int, ...] = ()

    def html(self) -> Iterator[str]:
        """The ``<table>``, in pieces."""
        styles = [
            _CELL + ("right" if i in self.right else "left") for i, _ in enumerate(self.header)
        ]
        yield from _open(self.heading)
        yield from _head(self.header, styles)
        for row in self.rows:
            yield "<tr>"
            yield from (_cell("td", c, s) for c, s in zip(row, styles, strict=True))
            yield "</tr>"
        yield "</tbody></table>"


#: The headers of a :class:`Notes` table.
_NOTES_HEADER = ("说明", "Explanation")


@attrs.frozen
class Notes:
    """Statements in zh and en side by side, one per row (leading spaces kept).

    Attributes:
        lines: ``(zh, en)`` pairs, in order.
        heading: A caption above them, if any.
    """

    lines: tuple[tuple[str, str], ...]
    heading: Text | None = None

    @classmethod
    def of(cls, reasons: Iterable[Reason], heading: Text | None = None) -> "Notes":
        """The texts of *reasons*, with their figures, in zh and en.

        >>> from pmcrm.explain import Reason
        >>> Notes.of([Reason(code="x", zh="满 {n} 分", en="{n} points", figures=(("n", "5"),))])
        Notes(lines=(('满 5 分', '5 points'),), heading=None)
        """
        return cls(tuple((r.text(Lang.ZH), r.text(Lang.EN)) for r in reasons), heading)

    @classmethod
    def from_text(cls, zh: str, en: str, heading: Text | None = None) -> "Notes":
        r"""The lines of an ``explain`` text in zh and in en, paired line by line.

        >>> Notes.from_text("甲\n  乙", "a\n  b").lines
        (('甲', 'a'), ('  乙', '  b'))
        """
        pairs = itertools.zip_longest(zh.splitlines(), en.splitlines(), fillvalue="")
        return cls(tuple(pairs), heading)

    def html(self) -> Iterator[str]:
        """The ``<table>`` of the statements, in pieces."""
        style = _CELL + "left" + _PRE
        yield from _open(self.heading)
        yield from _head(_NOTES_HEADER, [_CELL + "left"] * 2)
        for zh, en in self.lines:
            yield f"<tr>{_cell('td', zh, style)}{_cell('td', en, style)}</tr>"
        yield "</tbody></table>"


#: One part of a fragment.
Part = Fields | Table | Notes


def _open(heading: Text | None) -> Iterator[str]:
    yield _TABLE
    if heading is not None:
        yield f"{_CAPTION}{_escaped(heading)}</caption>"


def _head(header: Iterable[Text], styles: list[str]) -> Iterator[str]:
    yield "<thead><tr>"
    yield from (_cell("th", h, s + _RULE) for h, s in zip(header, styles, strict=True))
    yield "</tr></thead><tbody>"


def render(title: Text, *parts: Part) -> str:
    """The fragment: a ``<div>`` with the escaped *title*, then each part's ``<table>``."""
    pieces = [_DIV, _TITLE, _escaped(title), "</div>"]
    for part in parts:
        pieces.extend(part.html())
    pieces.append("</div>")
    return "".join(pieces)


# --- figures ------------------------------------------------------------------------


def tenths(value: Fraction | Decimal | None, places: int = 1, *, signed: bool = False) -> str:
    """*value* rounded half up (四舍五入) to *places* decimals, exactly; ``"–"`` for none.

    >>> tenths(Fraction(2, 3)), tenths(Decimal("0.05")), tenths(None)
    ('0.7', '0.1', '–')
    >>> tenths(Fraction(7), signed=True), tenths(Fraction(-1, 300), 2, signed=True)
    ('+7.0', '+0.00')
    """
    if value is None:
        return "–"
    numerator, denominator = value.as_integer_ratio()
    shown = round_half_up(numerator, denominator, places)
    return f"{shown:+f}" if signed else f"{shown:f}"


def instant(value: datetime | None) -> str:
    """A short repr of an instant: ``datetime.fromisoformat('…')`` (``None`` as itself).

    >>> from datetime import timedelta, timezone
    >>> instant(datetime(2026, 9, 3, 9, 40, tzinfo=timezone(timedelta(hours=8))))
    "datetime.fromisoformat('2026-09-03T09:40:00+08:00')"
    """
    return "None" if value is None else f"datetime.fromisoformat({value.isoformat()!r})"


def approx(value: Fraction | None) -> str:
    """A short repr of an exact fraction: ``<Fraction ≈ 71.83>`` (``None`` as itself).

    Exact survey figures have numerators and denominators that grow with the
    data; a repr shows them to 0.01.

    >>> approx(Fraction(52512420587584566815, 683163180307959624)), approx(None)
    ('<Fraction ≈ 76.87>', 'None')
    """
    return "None" if value is None else f"<Fraction ≈ {tenths(value, 2)}>"
