"""Tests for the terminal-table helpers (``pmcrm.cli._table``)."""

from decimal import Decimal

from pmcrm.cli._table import display_width, pad, percent, render_table, truncate


def test_display_width_counts_wide_characters_twice() -> None:
    """CJK and full-width characters take two columns, combining marks none."""
    assert display_width("高端客户") == 8
    assert display_width("Ｐ１") == 4
    assert display_width("e\u0301") == 1
    assert display_width("Owner · 60.0%") == 13


def test_pad_and_truncate_use_display_width() -> None:
    """Padding and cutting count display columns, not characters."""
    assert pad("租户", 6) == "租户  "
    assert pad("7", 3, right=True) == "  7"
    assert pad("开发商", 2) == "开发商"
    assert truncate("溪*********", 16) == "溪*********"
    assert truncate("N***** ******** ** ****", 10) == "N***** **…"
    assert truncate("溪岚云栖科技", 7) == "溪岚云…"


def test_render_table_aligns_mixed_scripts() -> None:
    """Every row of a table ends in the same display column."""
    lines = render_table(["类型", "n"], [["内部顾客", "5"], ["Owner", "120"]], right=[False, True])
    assert lines == ["类型        n", "--------  ---", "内部顾客    5", "Owner     120"]


def test_percent_rounds_half_up_and_handles_nothing() -> None:
    """Shares are rounded to 0.1 half up; a share of nothing is 0.0."""
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")
    assert percent(0, 0) == Decimal("0.0")
