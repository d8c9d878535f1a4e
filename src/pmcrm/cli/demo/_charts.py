"""``pmcrm demo --charts``: the survey's charts written as files."""

from pathlib import Path

from pmcrm.cli.demo._context import _LIST_SEPARATOR, Demo, Json, Section, _t
from pmcrm.cli.demo._waves import _read_survey
from pmcrm.surveys import charts

__all__ = ["CHART_FILES", "write_charts"]

#: The files ``--charts`` writes, in order.
CHART_FILES = ("ipa.svg", "ipa.png", "dimensions.svg", "dimensions.png")


def write_charts(demo: Demo, directory: Path) -> Section:
    """Draw the latest wave's quadrant and dimension charts into *directory* (I/O).

    Writes :data:`CHART_FILES` (SVG and PNG of each), creating *directory*
    if needed, and returns a section saying where.  Chinese charts need a
    CJK font: without one the charts are drawn in English, and the section
    says so.  Without responses by the report's day nothing is drawn.

    Raises:
        MissingDependency: matplotlib is not installed (``pmcrm[plot]``).
        OSError: *directory* cannot be created or written.
    """
    shown = charts.chart_language(demo.lang)  # raises without matplotlib
    title = demo.text(_t("图表", "Charts"))
    data: dict[str, Json] = {
        "title": title,
        "directory": str(directory),
        "lang": shown.value,
        "files": [],
    }
    lines: list[str] = []
    if shown is not demo.lang:
        lines.append(
            demo.text(
                _t(
                    "未找到 matplotlib 可用的中文字体，图表标签改用英文"
                    "（可安装 fonts-noto-cjk 等字体）。",
                    "No Chinese font found for matplotlib: the chart labels are in English "
                    "(install a CJK font such as fonts-noto-cjk).",
                )
            )
        )
    view = _read_survey(demo)
    if view is None:
        lines.append(
            demo.text(
                _t(
                    "截至 {day} 尚无答卷，未绘制图表。",
                    "No survey responses by {day}: no chart drawn.",
                )
            ).format(day=demo.as_of.isoformat())
        )
        return Section(key="charts", title=title, data=data, lines=tuple(lines))
    name = demo.survey.instrument.name.get(shown)
    wave, n = view.latest.key, len(view.latest.responses)
    figures = {
        "ipa": charts.ipa_chart(
            view.ipa,
            lang=shown,
            title=_t("四分图：{name}，{wave}（n = {n}）", "Quadrants: {name}, {wave} (n = {n})")
            .get(shown)
            .format(name=name, wave=wave, n=n),
        ),
        "dimensions": charts.dimension_chart(
            view.latest.scores,
            lang=shown,
            title=_t("各维度得分：{name}，{wave}", "Dimension scores: {name}, {wave}")
            .get(shown)
            .format(name=name, wave=wave),
        ),
    }
    import matplotlib  # noqa: PLC0415 - present: chart_language needs it

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    # A fixed salt keeps the SVG ids, and so the files, the same from run to run.
    with matplotlib.rc_context({"svg.hashsalt": "pmcrm"}):
        for file in CHART_FILES:
            stem, suffix = file.split(".")
            path = directory / file
            if suffix == "svg":
                figures[stem].savefig(path, format="svg", metadata={"Date": None})
            else:
                figures[stem].savefig(path, format="png", dpi=150)
            written.append(file)
    data["files"] = written
    lines.append(
        demo.text(_t("已写入 {dir}：{files}", "Written to {dir}: {files}")).format(
            dir=directory, files=demo.text(_LIST_SEPARATOR).join(written)
        )
    )
    return Section(key="charts", title=title, data=data, lines=tuple(lines))
