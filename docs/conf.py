"""Sphinx configuration for the pmcrm documentation.

The build runs offline: there is no intersphinx.  References to names of
other projects (the standard library, attrs, cattrs, dateutil, Hypothesis)
are silenced one family at a time in ``nitpick_ignore_regex``; a broken
reference to a pmcrm name is always an error.

Build::

    sphinx-build -W -n --keep-going -b html docs docs/_build/html
    sphinx-build -W -n -b doctest docs docs/_build/doctest
"""

from __future__ import annotations

import builtins
import doctest as _doctest
import enum
import importlib
import re
import sys
from importlib.metadata import version as _version
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing conf.py (pytest does) must not need Sphinx
    from docutils.nodes import Element, Text, document
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

# -- Project -------------------------------------------------------------------

project = "pmcrm"
author = "The pmcrm developers"
copyright = "2025, The pmcrm developers"
release = _version("pmcrm")
version = ".".join(release.split(".")[:2])
language = "en"

# -- General -------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.doctest",
    # Collapsible worked answers in the tutorials (``.. dropdown::``); the
    # doctest builder still finds and runs the examples inside them.
    "sphinx_design",
]

exclude_patterns = ["_build"]
nitpicky = True
default_role = "py:obj"
pygments_style = "sphinx"
rst_epilog = """
.. |pmcrm| replace:: **pmcrm**
"""

# -- autodoc and napoleon --------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_typehints_format = "short"
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
}
autoclass_content = "class"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

# -- doctest ---------------------------------------------------------------------
#
# The tutorial, how-to and explanation pages import what they use in visible
# ``>>>`` lines, so they also run under ``pytest --doctest-glob='*.rst'``.
#
# Docstrings rendered by autodoc are tested here too.  pytest's
# ``--doctest-modules`` runs a docstring with its module's globals; each
# reference page gives its docstrings the same globals with a hidden
# ``testsetup`` that calls this helper, so a docstring example passes here
# exactly when it passes under pytest (no name leaks in from elsewhere).

doctest_global_setup = """
def _module_globals(name):
    import importlib

    module = importlib.import_module(name)
    return {k: v for k, v in vars(module).items() if not k.startswith("__")}
"""

doctest_default_flags = (
    _doctest.ELLIPSIS | _doctest.NORMALIZE_WHITESPACE | _doctest.DONT_ACCEPT_TRUE_FOR_1
)

# -- nitpicky: names of other projects -------------------------------------------
#
# With no network there are no intersphinx inventories, so a reference to
# a name outside pmcrm cannot resolve.  Each entry below silences exactly
# one family of such names; pmcrm names are never listed.

_EXTERNAL_MODULES = (
    "("
    + "|".join(sorted(n for n in sys.stdlib_module_names if not n.startswith("_")))
    + "|attr|attrs|cattr|cattrs|dateutil|hypothesis|numpy|matplotlib)"
)
_BUILTINS = "(" + "|".join(n for n in dir(builtins) if not n.startswith("_")) + ")"
nitpick_ignore_regex = [
    # Classes, functions, modules… of the standard library (every module in
    # ``sys.stdlib_module_names``) and of the dependencies.
    (r"py:mod", _EXTERNAL_MODULES + r"(\..+)?"),
    (r"py:.*", _EXTERNAL_MODULES + r"\..+"),
    # Builtins (every name in ``dir(builtins)``: types, exceptions, functions)
    # and their attributes (``str.format``).
    (r"py:.*", _BUILTINS + r"(\..*)?"),
    # Two external names that reach Sphinx unqualified: ``Decimal`` inside the
    # string type alias ``pmcrm.cli.demo.Json`` (``Section.data``), and
    # ``InvalidArgument`` (hypothesis.errors) in the "Raises:" sections of
    # pmcrm.strategies.
    (r"py:class", r"Decimal"),
    (r"py:exc", r"InvalidArgument"),
    # The optional numpy path annotates its arrays with numpy's string aliases.
    (r"py:class", r"(ArrayLike|NDArray)"),
]

# -- HTML ------------------------------------------------------------------------

html_theme = "furo"
html_title = f"pmcrm {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": True,
}

# -- Hooks -----------------------------------------------------------------------


def _public_bases(bases: list[type]) -> list[type]:
    """*bases* with each private helper base replaced by its own bases."""
    result: list[type] = []
    for base in bases:
        for public in (
            _public_bases(list(base.__bases__)) if base.__name__.startswith("_") else [base]
        ):
            if public not in result:
                result.append(public)
    return result


def _hide_private_bases(
    _app: Sphinx, _name: str, _obj: object, _options: object, bases: list[type]
) -> None:
    """Show the public bases of a class (``object`` for ``MobileNumber``, not ``_Sensitive``)."""
    bases[:] = _public_bases(bases)


def _row(cells: list[str]) -> list[str]:
    """One row of a reST list-table."""
    return [("   * - " if i == 0 else "     - ") + cell for i, cell in enumerate(cells)]


def _list_enum_members(
    _app: Sphinx, what: str, _name: str, obj: object, _options: object, lines: list[str]
) -> None:
    """Append a table of an enumeration's members (value, zh and en labels).

    The table is generated from the code, so it cannot fall out of date; the
    values are what JSON input and output use.
    """
    if what != "class" or not isinstance(obj, type) or not issubclass(obj, enum.Enum):
        return
    members = list(obj)
    if not obj.__module__.startswith("pmcrm") or not members:
        return
    labelled = all(hasattr(m, "label") for m in members)
    lines.extend(["", ".. list-table:: Members", "   :header-rows: 1", ""])
    lines.extend(_row(["Member", "Value", *(["中文", "English"] if labelled else [])]))
    for member in members:
        labels = [member.label.zh, member.label.en] if labelled else []
        lines.extend(_row([f"``{member.name}``", f"``{member.value!r}``", *labels]))
    lines.append("")


_CONSTANT_COMMENTS: dict[str, list[str]] = {}


def _is_pmcrm_constant(what: str, name: str) -> bool:
    return what in {"data", "attribute"} and name.startswith("pmcrm.")


def _save_constant_comment(
    _app: Sphinx, what: str, name: str, _obj: object, _options: object, lines: list[str]
) -> None:
    """Remember a constant's ``#:`` comment before napoleon rewrites it."""
    if _is_pmcrm_constant(what, name):
        _CONSTANT_COMMENTS[name] = list(lines)


def _restore_constant_comment(
    _app: Sphinx, what: str, name: str, _obj: object, _options: object, lines: list[str]
) -> None:
    """Put the comment back as it was: pmcrm's constant comments are plain prose.

    For data and attributes, napoleon reads the words before a colon on the
    first line as the type (Google style), so ``#: One fen (分), the smallest
    unit of the renminbi: ...`` would render as "Type: One fen (分), the
    smallest unit of the renminbi".  pmcrm's constants take their types
    from their annotations, and their comments hold no napoleon sections.
    """
    if _is_pmcrm_constant(what, name) and name in _CONSTANT_COMMENTS:
        lines[:] = _CONSTANT_COMMENTS.pop(name)


def _resolve_reexport(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element
) -> Element | None:
    """Resolve ``pmcrm.tiers.TierPolicy`` to ``pmcrm.tiers.policy.TierPolicy``.

    Packages re-export names (``from pmcrm import Money``) and docstrings may
    cite them that way, but each object is documented once, where it is
    defined.  A fully qualified pmcrm reference that does not resolve is
    retried under the defining module's name; if that is not documented
    either, the warning stands.
    """
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("pmcrm."):
        return None
    module_name, _, attr = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        return None
    canonical = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
    if canonical == target or not canonical.startswith("pmcrm."):
        return None
    return env.domains.python_domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
    )


# Chinese is written without spaces, but the paragraphs of a reST source are
# wrapped lines, and a browser may show a line break between two Chinese
# characters as a space (CSS leaves that to the browser; Chromium does).  The
# line breaks between two CJK characters (ideographs, CJK and full-width
# punctuation, curly quotes, dashes) are removed from running text, never from
# code or literal blocks.  A break next to a Latin letter or a digit stays: it
# shows as the space Chinese typography puts there.

_CJK = re.compile(r"[\u2014\u2018-\u201f\u2026\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _is_cjk(char: str) -> bool:
    return _CJK.fullmatch(char) is not None


def _unwrapped(texts: list[str], index: int) -> str:
    """``texts[index]`` without its line breaks between two CJK characters.

    The characters around a break at either end of the string are taken from
    the neighbouring strings of the same paragraph.
    """
    text = texts[index]
    out = []
    for position, char in enumerate(text):
        if char == "\n":
            before = text[position - 1] if position else texts[index - 1][-1:] if index else ""
            after = (
                text[position + 1]
                if position + 1 < len(text)
                else texts[index + 1][:1]
                if index + 1 < len(texts)
                else ""
            )
            if _is_cjk(before) and _is_cjk(after):
                continue
        out.append(char)
    return "".join(out)


def _join_cjk_lines(_app: Sphinx, doctree: document) -> None:
    """Remove the line breaks between two CJK characters of running text."""
    from docutils import nodes  # noqa: PLC0415 - importing conf.py must not need docutils

    runs: dict[int, list[Text]] = {}
    for text in doctree.findall(nodes.Text):
        block = text.parent
        if block is None or any(
            isinstance(a, (nodes.FixedTextElement, nodes.literal))
            for a in [block, *_ancestors(block)]
        ):
            continue
        while isinstance(block, nodes.Inline) and block.parent is not None:
            block = block.parent
        runs.setdefault(id(block), []).append(text)
    for run in runs.values():
        texts = [str(t) for t in run]
        for index, node in enumerate(run):
            if "\n" in texts[index]:
                joined = _unwrapped(texts, index)
                if joined != texts[index]:
                    node.parent.replace(node, nodes.Text(joined))


def _ancestors(node: Element) -> list[Element]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def setup(app: Sphinx) -> None:
    """Connect the hooks above."""
    app.connect("doctree-read", _join_cjk_lines)
    app.connect("missing-reference", _resolve_reexport)
    # napoleon runs at the default priority, 500: save before it, restore after.
    app.connect("autodoc-process-docstring", _save_constant_comment, priority=400)
    app.connect("autodoc-process-docstring", _restore_constant_comment, priority=550)
    app.connect("autodoc-process-bases", _hide_private_bases)
    app.connect("autodoc-process-docstring", _list_enum_members, priority=600)
