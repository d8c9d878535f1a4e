"""Tests of :mod:`pmcrm.explain`: reasons and their rendering."""

import pytest

from pmcrm.explain import Reason, render
from pmcrm.values import Lang

SPENDING = Reason(
    code="factor.spending",
    zh="消费：{spent}，满分线 {full}",
    en="spending: {spent}, full marks at {full}",
    figures=(("spent", "8000.00 CNY"), ("full", "20000.00 CNY")),
)
PLAIN = Reason(code="segment.low", zh="低端客户", en="low-end customer")


def test_text_fills_the_figures_in_each_language() -> None:
    """The template of the language asked is filled from the figures; English by default."""
    assert "spending: 8000.00 CNY, full marks at 20000.00 CNY" == SPENDING.text()
    assert "消费：8000.00 CNY，满分线 20000.00 CNY" == SPENDING.text(Lang.ZH)
    assert "消费：8000.00 CNY，满分线 20000.00 CNY" == SPENDING.text("zh")
    assert "low-end customer" == PLAIN.text("en")


def test_reason_without_figures() -> None:
    """Figures default to none."""
    assert () == PLAIN.figures


def test_figure_lookup() -> None:
    """A figure is found by name; an unknown name is a LookupError naming both."""
    assert "20000.00 CNY" == SPENDING.figure("full")
    with pytest.raises(LookupError, match=r"reason 'factor\.spending' has no figure 'age'"):
        SPENDING.figure("age")


def test_render_one_reason_per_line() -> None:
    """Reasons render one per line, in order, in the language asked."""
    assert "spending: 8000.00 CNY, full marks at 20000.00 CNY\nlow-end customer" == render(
        [SPENDING, PLAIN]
    )
    assert "消费：8000.00 CNY，满分线 20000.00 CNY\n低端客户" == render((SPENDING, PLAIN), "zh")
    assert "" == render([])


def test_unknown_language_is_refused() -> None:
    """Only zh and en exist."""
    with pytest.raises(ValueError, match="'de' is not a valid Lang"):
        SPENDING.text("de")
