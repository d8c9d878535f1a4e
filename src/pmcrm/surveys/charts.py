"""Charts of survey results: the importance–satisfaction chart (四分图) and dimension scores.

pmcrm's only plotting module.  It draws with matplotlib (the ``plot``
extra: ``pip install "pmcrm[plot]"``), imported inside the functions, so
importing :mod:`pmcrm.surveys` — or this module — loads no plotting
library; without matplotlib a chart function raises
:exc:`~pmcrm.errors.MissingDependency` naming the extra.

* :func:`ipa_chart` — every placed item of an importance–satisfaction
  analysis (:mod:`pmcrm.surveys.ipa`) as a point labelled with its item
  code, coloured by quadrant; the two crosshair lines; the four quadrant
  names in the corners; axes labelled importance (x) and satisfaction (y).
  Items without a place are named under the points.
* :func:`dimension_chart` — a bar per dimension of its 0–100 score
  (:mod:`pmcrm.surveys.scoring`), the score written on the bar, and the
  CSI as a dashed line.

A chart is a ``matplotlib.figure.Figure`` on the non-interactive Agg
canvas, built directly, never through ``pyplot``: no global figure state,
no window, safe in a server.  Nothing is written here; save a chart with
``figure.savefig("ipa.svg")`` (or ``.png``), as ``pmcrm demo --charts DIR``
does.

**Chinese labels need a font with CJK glyphs**, which matplotlib does not
ship.  :func:`cjk_font` looks for one of :data:`CJK_FONTS` among the fonts
matplotlib knows; when there is none, a chart asked for in Chinese is drawn
with its **English** labels instead, so that no glyph is missing (and no
"Glyph missing from font" warning is raised when it is saved).
:func:`chart_language` says which language a chart will use.  Install a
CJK font (Debian: ``fonts-noto-cjk`` or ``fonts-wqy-microhei``) and clear
matplotlib's font cache to get Chinese charts.  A *title* you pass is drawn
as given: write it in the chart's language.
"""

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from pmcrm.surveys.ipa import ImportanceSource, IpaResult, Quadrant
from pmcrm.surveys.scoring import SurveyScores
from pmcrm.values import Label, Lang, round_half_up

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONTS",
    "QUADRANT_COLOURS",
    "chart_language",
    "cjk_font",
    "dimension_chart",
    "ipa_chart",
]

#: Font families with CJK glyphs that :func:`cjk_font` looks for, in order of preference.
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Arial Unicode MS",
)

#: The colour of each quadrant's points and name.
QUADRANT_COLOURS: dict[Quadrant, str] = {
    Quadrant.KEEP_UP: "#2e7d32",
    Quadrant.URGENT_IMPROVEMENT: "#c62828",
    Quadrant.SECONDARY_ADVANTAGE: "#1565c0",
    Quadrant.NOT_A_PRIORITY: "#757575",
}

#: Where each quadrant's name goes, in axes coordinates, with its alignment.
_CORNERS: dict[Quadrant, tuple[float, float, str, str]] = {
    Quadrant.KEEP_UP: (0.98, 0.98, "right", "top"),
    Quadrant.SECONDARY_ADVANTAGE: (0.02, 0.98, "left", "top"),
    Quadrant.URGENT_IMPROVEMENT: (0.98, 0.02, "right", "bottom"),
    Quadrant.NOT_A_PRIORITY: (0.02, 0.02, "left", "bottom"),
}

_IPA_TITLE = Label(zh="重要性—满意度四分图", en="Importance–satisfaction chart")
_DIMENSION_TITLE = Label(zh="各维度得分（0–100）", en="Dimension scores (0–100)")
_SATISFACTION = Label(zh="满意度（0–100）", en="satisfaction (0–100)")
_STATED = Label(zh="重要性（陈述，0–100）", en="importance (stated, 0–100)")
_DERIVED = Label(
    zh="重要性（与总体满意度的相关系数 r）",
    en="importance (correlation r with overall satisfaction)",
)
_LINE = Label(zh="分界线", en="crosshair")
_UNPLACED = Label(zh="未放入：", en="not placed: ")
_SCORE = Label(zh="得分（0–100）", en="score (0–100)")


def _matplotlib() -> tuple[type["Figure"], type[object]]:
    """The Figure class and the Agg canvas, or :exc:`MissingDependency` naming the extra."""
    try:
        # The package first: a stale submodule in sys.modules must not hide its absence.
        import matplotlib  # noqa: F401, PLC0415 - optional, and heavy: imported on use
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError:
        from pmcrm.errors import MissingDependency  # noqa: PLC0415

        raise MissingDependency("matplotlib", "plot") from None
    return Figure, FigureCanvasAgg


def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` that matplotlib knows, or ``None``.

    Raises:
        MissingDependency: matplotlib is not installed.
    """
    _matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415

    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in known), None)


def chart_language(lang: Lang | str = Lang.EN) -> Lang:
    """The language a chart asked for in *lang* is drawn in.

    English stays English; Chinese needs a CJK font (:func:`cjk_font`) and
    falls back to English without one.

    Raises:
        MissingDependency: matplotlib is not installed (in either language:
            a caller can ask before it does any work).
    """
    _matplotlib()
    return _style(lang)[0]


def _style(lang: Lang | str) -> tuple[Lang, list[str]]:
    """The language a chart is drawn in, and the font families of its texts.

    Chinese is drawn in the CJK font first (DejaVu Sans, matplotlib's
    default sans-serif, for the rest); English in the default sans-serif.
    """
    font = cjk_font() if Lang(lang) is Lang.ZH else None
    if font is None:
        return Lang.EN, ["sans-serif"]
    return Lang.ZH, [font, "sans-serif"]


def _limits(values: Sequence[float], low: float, high: float) -> tuple[float, float]:
    """An axis range showing *values* with a margin, within ``[low, high]`` (all of it if none)."""
    if not values:
        return low, high
    least, most = min(values), max(values)
    pad = max((most - least) * 0.12, (high - low) * 0.02)
    return max(low, least - pad), min(high, most + pad)


def _new_axes(
    figure_class: type["Figure"], canvas_class: type[object], size: tuple[float, float]
) -> tuple["Figure", "Axes"]:
    figure = figure_class(figsize=size, layout="constrained")
    canvas_class(figure)  # type: ignore[call-arg] # the Agg canvas attaches itself to the figure
    return figure, figure.add_subplot()


def ipa_chart(
    result: IpaResult, *, lang: Lang | str = Lang.EN, title: str | None = None
) -> "Figure":
    """The importance–satisfaction chart of *result*, as a matplotlib ``Figure``.

    x is importance (stated on 0–100, or derived *r* on −1 to 1), y is
    satisfaction (0–100).  Each placed item is a point labelled with its
    code and coloured by quadrant (:data:`QUADRANT_COLOURS`); the
    crosshair is drawn as a dashed vertical line at the importance line and
    a dashed horizontal one at the satisfaction line (``gid``
    ``"importance-line"`` and ``"satisfaction-line"``), when there is one;
    the quadrant names sit in the corners — keep up top right, urgent
    improvement bottom right, secondary advantage top left, not a priority
    bottom left.  The axes show the points and the lines with a margin.

    Args:
        result: The analysis (:func:`~pmcrm.surveys.ipa.ipa`).
        lang: ``"en"`` or ``"zh"``; Chinese falls back to English without a
            CJK font (:func:`chart_language`).
        title: The title (default: the chart's name and the instrument code).

    Raises:
        MissingDependency: matplotlib is not installed (``pip install "pmcrm[plot]"``).

    :rtype: ``matplotlib.figure.Figure``
    """
    figure_class, canvas_class = _matplotlib()
    shown, families = _style(lang)
    figure, axes = _new_axes(figure_class, canvas_class, (8.0, 6.0))
    placed = result.placed
    xs = [float(_value(item.importance)) for item in placed]
    ys = [float(_value(item.satisfaction)) for item in placed]
    axes.scatter(
        xs,
        ys,
        c=[QUADRANT_COLOURS[_quadrant(item.quadrant)] for item in placed],
        s=40,
        zorder=3,
    )
    for item, x, y in zip(placed, xs, ys, strict=True):
        axes.annotate(
            item.code, (x, y), xytext=(4, 4), textcoords="offset points", fontsize=9, zorder=4
        )
    x_values, y_values = list(xs), list(ys)
    if result.importance_line is not None:
        x_values.append(float(result.importance_line))
        axes.axvline(
            x_values[-1], color="0.35", linestyle="--", linewidth=1.0, gid="importance-line"
        )
    if result.satisfaction_line is not None:
        y_values.append(float(result.satisfaction_line))
        axes.axhline(
            y_values[-1], color="0.35", linestyle="--", linewidth=1.0, gid="satisfaction-line"
        )
    derived = result.importance is ImportanceSource.DERIVED
    axes.set_xlim(*_limits(x_values, *((-1.0, 1.0) if derived else (0.0, 100.0))))
    axes.set_ylim(*_limits(y_values, 0.0, 100.0))
    for quadrant, (x, y, across, up) in _CORNERS.items():
        axes.text(
            x,
            y,
            quadrant.text(shown),
            transform=axes.transAxes,
            ha=across,
            va=up,
            color=QUADRANT_COLOURS[quadrant],
            fontsize=11,
            fontfamily=families,
        )
    if result.unplaced:
        names = ", ".join(item.code for item in result.unplaced)
        axes.text(
            0.5,
            0.02,
            _UNPLACED.get(shown) + names,
            transform=axes.transAxes,
            ha="center",
            va="bottom",
            fontsize=8,
            color="0.35",
            fontfamily=families,
        )
    axes.set_xlabel((_DERIVED if derived else _STATED).get(shown), fontfamily=families)
    axes.set_ylabel(_SATISFACTION.get(shown), fontfamily=families)
    heading = title if title is not None else f"{_IPA_TITLE.get(shown)} · {result.instrument}"
    axes.set_title(heading, fontfamily=families)
    axes.grid(alpha=0.25)
    return figure


def dimension_chart(
    scores: SurveyScores, *, lang: Lang | str = Lang.EN, title: str | None = None
) -> "Figure":
    """A bar chart of *scores*' dimension scores (0–100), as a matplotlib ``Figure``.

    One bar per dimension in instrument order, labelled with the
    dimension's name and its score (half up to 0.1; ``–`` and no bar for a
    dimension nobody scored); the CSI, when there is one, as a dashed
    horizontal line (``gid`` ``"csi-line"``) named in the legend.

    Args:
        scores: The scores (:func:`~pmcrm.surveys.scoring.score_survey`).
        lang: ``"en"`` or ``"zh"``; Chinese falls back to English without a
            CJK font (:func:`chart_language`).
        title: The title (default: the chart's name and the instrument code).

    Raises:
        MissingDependency: matplotlib is not installed (``pip install "pmcrm[plot]"``).

    :rtype: ``matplotlib.figure.Figure``
    """
    figure_class, canvas_class = _matplotlib()
    shown, families = _style(lang)
    figure, axes = _new_axes(figure_class, canvas_class, (8.0, 4.8))
    dimensions = scores.dimensions
    heights = [0.0 if d.score_100 is None else float(d.score_100) for d in dimensions]
    positions = list(range(len(dimensions)))
    bars = axes.bar(positions, heights, color="#4f7cac", width=0.6, zorder=3)
    axes.bar_label(
        bars,
        labels=["–" if d.score_100 is None else _tenths(d.score_100) for d in dimensions],
        padding=3,
        fontsize=9,
    )
    axes.set_xticks(positions, [d.label.get(shown) for d in dimensions], fontfamily=families)
    if scores.csi is not None:
        axes.axhline(
            float(scores.csi),
            color="#c62828",
            linestyle="--",
            linewidth=1.0,
            zorder=4,
            gid="csi-line",
            label=f"CSI {_tenths(scores.csi)}",
        )
        axes.legend(loc="upper right", frameon=False)
    axes.set_ylim(0.0, 105.0)
    axes.set_ylabel(_SCORE.get(shown), fontfamily=families)
    heading = (
        title if title is not None else f"{_DIMENSION_TITLE.get(shown)} · {scores.instrument}"
    )
    axes.set_title(heading, fontfamily=families)
    axes.grid(axis="y", alpha=0.25, zorder=0)
    return figure


def _tenths(value: Fraction) -> str:
    """*value* rounded half up (away from zero) to 0.1, exactly."""
    return str(round_half_up(value.numerator, value.denominator, 1))


def _value(value: Fraction | None) -> Fraction:
    """A placed item's coordinate (placed items have both)."""
    assert value is not None  # noqa: S101 - a placed item has both coordinates
    return value


def _quadrant(quadrant: Quadrant | None) -> Quadrant:
    """A placed item's quadrant."""
    assert quadrant is not None  # noqa: S101 - a placed item has a quadrant
    return quadrant
