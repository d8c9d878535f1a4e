"""A reader of the HTML that ``_repr_html_`` writes, for tests: texts and table cells.

Shared by the tests of the priced bill's and the survey scores' rich display.
"""

from html.parser import HTMLParser


class HtmlCells(HTMLParser):
    """The text outside table cells, and each table's rows as ``(text, alignment)`` cells.

    >>> cells = read(
    ...     '<div><b>T</b><table><tr><td style="text-align:right">1</td>'
    ...     "<td>a</td></tr></table></div>"
    ... )
    >>> cells.headings, cells.tables
    (['T'], [[[('1', 'right'), ('a', 'left')]]])
    """

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.tables: list[list[list[tuple[str, str]]]] = []
        self._cell: list[str] | None = None
        self._align = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a table, a row or a cell (a cell styled ``text-align:right`` is "right")."""
        style = dict(attrs).get("style") or ""
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in {"th", "td"}:
            self._cell = []
            self._align = "right" if "text-align:right" in style else "left"

    def handle_endtag(self, tag: str) -> None:
        """Close a cell: its text and alignment join the current row."""
        if tag in {"th", "td"} and self._cell is not None:
            self.tables[-1][-1].append(("".join(self._cell), self._align))
            self._cell = None

    def handle_data(self, data: str) -> None:
        """Text in a cell belongs to it; other text that is not blank is a heading."""
        if self._cell is not None:
            self._cell.append(data)
        elif data.strip():
            self.headings.append(data)


def read(fragment: str) -> HtmlCells:
    """*fragment* read by an :class:`HtmlCells`."""
    cells = HtmlCells()
    cells.feed(fragment)
    cells.close()
    return cells
