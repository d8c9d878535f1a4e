"""Tests for the survey charts (``pmcrm.surveys.charts``): figures, languages, fonts, extras."""

import subprocess
import sys
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from pmcrm.errors import MissingDependency
from pmcrm.sample import sample_survey
from pmcrm.surveys import (
    Answer,
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Response,
    SurveyScores,
    charts,
    score_survey,
)
from pmcrm.surveys.charts import (
    CJK_FONTS,
    QUADRANT_COLOURS,
    chart_language,
    cjk_font,
    dimension_chart,
    ipa_chart,
)
from pmcrm.surveys.ipa import (
    Crosshair,
    ImportanceSource,
    IpaResult,
    Quadrant,
    ipa,
    ipa_from_responses,
)
from pmcrm.values import Label, Lang

#: A font family name matplotlib does not have: stands for "a CJK font was found".
FAKE_CJK = "Noto Sans CJK SC"


def latest_wave() -> list[Response]:
    """The sample survey's November wave."""
    return [r for r in sample_survey().responses if r.on >= date(2026, 11, 1)]


def latest_scores() -> SurveyScores:
    """The scores of the sample survey's November wave."""
    return score_survey(sample_survey().instrument, latest_wave())


def stated(scores: SurveyScores | None = None, **lines: Crosshair) -> IpaResult:
    """The sample's quadrant chart: stated importance, mean crosshairs unless given."""
    instrument = sample_survey().instrument
    return ipa(
        instrument,
        latest_scores() if scores is None else scores,
        importance=ImportanceSource.STATED,
        importance_line=lines.get("importance", Crosshair.mean()),
        satisfaction_line=lines.get("satisfaction", Crosshair.mean()),
    )


def axes_of(figure: Figure) -> Axes:
    """The figure's only axes."""
    (axes,) = figure.axes
    return axes


def line(axes: Axes, gid: str) -> Line2D:
    """The line of *axes* with *gid*."""
    (found,) = [ln for ln in axes.lines if ln.get_gid() == gid]
    return found


def xs(found: Line2D) -> list[float]:
    """The x data of a line, as floats."""
    return [float(v) for v in np.asarray(found.get_xdata(), dtype=float)]


def ys(found: Line2D) -> list[float]:
    """The y data of a line, as floats."""
    return [float(v) for v in np.asarray(found.get_ydata(), dtype=float)]


def number(value: Fraction | None) -> float:
    """An exact figure the test knows is there, as the float the chart plots."""
    assert value is not None
    return float(value)


def corner_texts(axes: Axes) -> dict[tuple[float, float], str]:
    """The texts placed in axes coordinates, by position."""
    return {
        (t.get_position()[0], t.get_position()[1]): t.get_text()
        for t in axes.texts
        if not isinstance(t, Annotation) and t.get_transform() == axes.transAxes
    }


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend matplotlib knows no CJK font."""
    monkeypatch.setattr(charts, "cjk_font", lambda: None)


@pytest.fixture
def a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend matplotlib knows a CJK font (figures built with it must not be drawn)."""
    monkeypatch.setattr(charts, "cjk_font", lambda: FAKE_CJK)


# --- importing ----------------------------------------------------------------------------


def test_import_is_lazy() -> None:
    """``import pmcrm.surveys`` loads neither the charts nor matplotlib; the charts none either."""
    code = (
        "import sys, pmcrm.surveys; "
        "print(sorted(m for m in sys.modules "
        "if m == 'pmcrm.surveys.charts' or m.split('.')[0] == 'matplotlib')); "
        "import pmcrm.surveys.charts; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    out = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == ["[]", "[]"]


# --- the quadrant chart ---------------------------------------------------------------------


def test_ipa_chart_places_every_item_with_its_code_and_colour() -> None:
    """One point per placed item at (importance, satisfaction), labelled, coloured by quadrant."""
    result = stated()
    figure = ipa_chart(result)
    assert isinstance(figure, Figure)
    assert isinstance(figure.canvas, FigureCanvasAgg)
    axes = axes_of(figure)
    (points,) = [c for c in axes.collections if isinstance(c, PathCollection)]
    expected = [(number(i.importance), number(i.satisfaction)) for i in result.placed]
    offsets = np.asarray(points.get_offsets(), dtype=float)
    assert [(float(x), float(y)) for x, y in offsets] == expected
    labels = [t for t in axes.texts if isinstance(t, Annotation)]
    assert [t.get_text() for t in labels] == [i.code for i in result.placed]
    assert [t.xy for t in labels] == expected
    colours = [tuple(float(v) for v in c) for c in np.asarray(points.get_facecolor())]
    assert colours == [to_rgba(QUADRANT_COLOURS[i.quadrant]) for i in result.placed if i.quadrant]


def test_ipa_chart_draws_the_crosshair_at_the_lines() -> None:
    """The dashed lines stand at the importance and satisfaction lines of the result."""
    result = stated()
    axes = axes_of(ipa_chart(result))
    vertical, horizontal = line(axes, "importance-line"), line(axes, "satisfaction-line")
    assert xs(vertical) == [number(result.importance_line)] * 2
    assert ys(horizontal) == [number(result.satisfaction_line)] * 2
    assert vertical.get_linestyle() == horizontal.get_linestyle() == "--"


def test_ipa_chart_given_lines_and_axes_that_show_them() -> None:
    """A given crosshair is drawn where given, and the axes widen to show it."""
    result = stated(
        importance=Crosshair.given(Decimal(95)), satisfaction=Crosshair.given(Decimal(20))
    )
    axes = axes_of(ipa_chart(result))
    assert xs(line(axes, "importance-line")) == [95.0, 95.0]
    assert ys(line(axes, "satisfaction-line")) == [20.0, 20.0]
    low, high = axes.get_xlim()
    assert low < min(number(i.importance) for i in result.placed)
    assert 95.0 < high <= 100.0
    bottom, top = axes.get_ylim()
    assert 0.0 <= bottom < 20.0
    assert top <= 100.0


def test_ipa_chart_names_the_quadrants_in_the_corners_in_english() -> None:
    """Keep up top right, urgent improvement bottom right, and so on; axes named."""
    axes = axes_of(ipa_chart(stated(), lang="en"))
    assert corner_texts(axes) == {
        (0.98, 0.98): "keep up",
        (0.02, 0.98): "secondary advantage",
        (0.98, 0.02): "urgent improvement",
        (0.02, 0.02): "not a priority",
    }
    assert axes.get_xlabel() == "importance (stated, 0–100)"
    assert axes.get_ylabel() == "satisfaction (0–100)"
    assert axes.get_title() == "Importance–satisfaction chart · owner-satisfaction-2026"


@pytest.mark.usefixtures("a_cjk_font")
def test_ipa_chart_in_chinese_with_a_cjk_font() -> None:
    """With a CJK font the names and labels are Chinese and drawn in that font first."""
    figure = ipa_chart(stated(), lang=Lang.ZH, title="四分图")
    axes = axes_of(figure)
    assert set(corner_texts(axes).values()) == {q.label.zh for q in Quadrant}
    assert axes.get_xlabel() == "重要性（陈述，0–100）"
    assert axes.get_ylabel() == "满意度（0–100）"
    assert axes.get_title() == "四分图"
    texts: list[Text] = [axes.xaxis.label, axes.yaxis.label, axes.title]
    texts += [t for t in axes.texts if not isinstance(t, Annotation)]
    assert all(t.get_fontfamily()[0] == FAKE_CJK for t in texts)


@pytest.mark.usefixtures("no_cjk_font")
def test_ipa_chart_in_chinese_without_a_cjk_font_falls_back_to_english() -> None:
    """Without a CJK font a Chinese chart is drawn in English, and saves without warnings."""
    assert chart_language("zh") is Lang.EN
    figure = ipa_chart(stated(), lang="zh")
    axes = axes_of(figure)
    assert set(corner_texts(axes).values()) == {q.label.en for q in Quadrant}
    assert axes.get_xlabel() == "importance (stated, 0–100)"
    figure.canvas.draw()  # a "Glyph missing" warning would fail the test


def test_ipa_chart_with_derived_importance() -> None:
    """Derived importance is a correlation: the x axis says so and stays within −1 to 1."""
    result = ipa_from_responses(
        sample_survey().instrument,
        latest_wave(),
        importance=ImportanceSource.DERIVED,
        importance_line=Crosshair.median(),
        satisfaction_line=Crosshair.mean(),
    )
    axes = axes_of(ipa_chart(result))
    assert axes.get_xlabel() == "importance (correlation r with overall satisfaction)"
    low, high = axes.get_xlim()
    assert -1.0 <= low < high <= 1.0
    assert xs(line(axes, "importance-line")) == [number(result.importance_line)] * 2


def tiny_instrument() -> Instrument:
    """Two service items, the second never asking importance, and a price item."""
    return Instrument(
        code="tiny",
        name=Label(zh="小问卷", en="Tiny"),
        dimensions=(
            DimensionDef.standard(Dimension.SERVICE),
            DimensionDef.standard(Dimension.PRICE),
        ),
        items=(
            Item(
                code="s1",
                text=Label(zh="及时", en="On time"),
                dimension="service",
                importance=True,
            ),
            Item(code="s2", text=Label(zh="态度", en="Manner"), dimension="service"),
            Item(code="p1", text=Label(zh="收费", en="Fees"), dimension="price", importance=True),
            Item(code="all", text=Label(zh="总体", en="Overall"), role=ItemRole.OVERALL),
        ),
    )


def tiny_response(n: int, *answers: Answer) -> Response:
    """Respondent *n*'s *answers*."""
    return Response(respondent_id=f"R{n}", on=date(2026, 11, 2), answers=answers)


def test_ipa_chart_names_the_items_it_cannot_place() -> None:
    """Items without a place are listed under the points."""
    instrument = tiny_instrument()
    responses = [
        tiny_response(1, Answer(item="s1", score=4, importance=5), Answer(item="s2", score=3)),
        tiny_response(2, Answer(item="s1", score=2, importance=4), Answer(item="p1", na=True)),
    ]
    result = ipa_from_responses(
        instrument,
        responses,
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    assert [i.code for i in result.unplaced] == ["s2", "p1"]
    axes = axes_of(ipa_chart(result))
    assert corner_texts(axes)[(0.5, 0.02)] == "not placed: s2, p1"


def test_ipa_chart_with_nothing_placed_shows_the_whole_plane_and_no_lines() -> None:
    """No placed item: no mean lines, and the axes span 0–100."""
    instrument = tiny_instrument()
    result = ipa_from_responses(
        instrument,
        [tiny_response(1, Answer(item="s2", score=3))],
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    assert result.placed == ()
    axes = axes_of(ipa_chart(result))
    assert list(axes.lines) == []
    assert (axes.get_xlim(), axes.get_ylim()) == ((0.0, 100.0), (0.0, 100.0))


# --- the dimension chart --------------------------------------------------------------------


def bars(axes: Axes) -> list[Rectangle]:
    """The bars of a bar chart."""
    return [p for p in axes.patches if isinstance(p, Rectangle)]


def test_dimension_chart_bars_are_the_dimension_scores() -> None:
    """One bar per dimension, as high as its 0–100 score, labelled; the CSI as a line."""
    scores = latest_scores()
    axes = axes_of(dimension_chart(scores))
    assert [b.get_height() for b in bars(axes)] == [number(d.score_100) for d in scores.dimensions]
    assert [t.get_text() for t in axes.get_xticklabels()] == [
        d.label.en for d in scores.dimensions
    ]
    values = [t.get_text() for t in axes.texts]
    assert values == ["73.8", "74.9", "63.8", "51.5", "74.0", "79.4"]
    assert ys(line(axes, "csi-line")) == [number(scores.csi)] * 2
    legend = axes.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["CSI 69.3"]
    assert axes.get_ylim() == (0.0, 105.0)
    assert axes.get_title() == "Dimension scores (0–100) · owner-satisfaction-2026"


@pytest.mark.usefixtures("a_cjk_font")
def test_dimension_chart_in_chinese_with_a_cjk_font() -> None:
    """Chinese dimension names, drawn in the CJK font first."""
    scores = latest_scores()
    axes = axes_of(dimension_chart(scores, lang="zh", title="各维度"))
    ticks = axes.get_xticklabels()
    assert [t.get_text() for t in ticks] == [d.label.zh for d in scores.dimensions]
    assert all(t.get_fontfamily()[0] == FAKE_CJK for t in ticks)
    assert (axes.get_title(), axes.get_ylabel()) == ("各维度", "得分（0–100）")


def test_dimension_chart_without_scores_shows_dashes_and_no_csi() -> None:
    """A dimension nobody scored has no bar and a dash; no CSI, no line and no legend."""
    scores = score_survey(tiny_instrument(), [tiny_response(1, Answer(item="all", score=4))])
    assert scores.csi is None
    axes = axes_of(dimension_chart(scores))
    assert [b.get_height() for b in bars(axes)] == [0.0, 0.0]
    assert [t.get_text() for t in axes.texts] == ["–", "–"]
    assert (list(axes.lines), axes.get_legend()) == ([], None)


# --- fonts and languages -----------------------------------------------------------------------


def test_cjk_font_finds_the_first_known_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The detection reads matplotlib's font list and prefers the earlier candidates."""
    entries = [
        font_manager.FontEntry(name="DejaVu Sans"),
        font_manager.FontEntry(name="SimHei"),
        font_manager.FontEntry(name="WenQuanYi Micro Hei"),
    ]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
    assert cjk_font() == "WenQuanYi Micro Hei"
    assert chart_language("zh") is Lang.ZH
    monkeypatch.setattr(font_manager.fontManager, "ttflist", entries[:1])
    assert cjk_font() is None
    assert chart_language("zh") is Lang.EN


def test_english_never_needs_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """An English chart is English whatever the fonts."""
    monkeypatch.setattr(charts, "cjk_font", lambda: pytest.fail("not asked"))
    assert chart_language("en") is Lang.EN
    assert chart_language() is Lang.EN


def test_real_detection_answers_a_candidate_or_none() -> None:
    """On this machine the answer is one of the candidates or ``None``."""
    found = cjk_font()
    assert found is None or found in CJK_FONTS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_charts_save_as_svg_and_png_without_warnings(lang: str, tmp_path: Path) -> None:
    """With this machine's fonts both charts save in both formats; no warning escapes."""
    for name, figure in (
        ("ipa", ipa_chart(stated(), lang=lang)),
        ("dimensions", dimension_chart(latest_scores(), lang=lang)),
    ):
        figure.savefig(tmp_path / f"{name}.svg")
        figure.savefig(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.svg").read_text("utf-8").startswith("<?xml")
        assert (tmp_path / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_half_up_labels() -> None:
    """Bar labels round half up to 0.1, away from zero."""
    assert charts._tenths(Fraction(1, 20)) == "0.1"
    assert charts._tenths(Fraction(-1, 20)) == "-0.1"
    assert charts._tenths(Fraction(-1, 100)) == "0.0"
    assert charts._tenths(Fraction(1449, 20)) == "72.5"


# --- without matplotlib -------------------------------------------------------------------------


def test_without_matplotlib_every_function_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without matplotlib each call raises MissingDependency naming ``pmcrm[plot]``."""
    result, scores = stated(), latest_scores()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    for call in (
        lambda: ipa_chart(result),
        lambda: dimension_chart(scores),
        cjk_font,
        lambda: chart_language("zh"),
        lambda: chart_language("en"),
    ):
        with pytest.raises(MissingDependency) as info:
            call()
        assert isinstance(info.value, ImportError)
        assert (info.value.package, info.value.extra) == ("matplotlib", "plot")
        assert 'pip install "pmcrm[plot]"' in str(info.value)
