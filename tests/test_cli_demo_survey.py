"""Tests for the satisfaction survey section of ``pmcrm demo`` and its ``--charts``."""

import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

from cli_demo_helpers import run, run_json, section_lines
from pmcrm.cli._table import display_width
from pmcrm.cli.demo import CHART_FILES, Demo, section_survey
from pmcrm.sample import (
    SampleSurvey,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_survey,
    sample_tier_policy,
)
from pmcrm.surveys import (
    Answer,
    Dimension,
    DimensionDef,
    Instrument,
    Item,
    ItemRole,
    Response,
    Segment,
    charts,
    score_survey,
)
from pmcrm.surveys.breakdowns import PeriodUnit, by_segment, period_key
from pmcrm.surveys.history import satisfaction_history
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, Quadrant, ipa
from pmcrm.values import MONEY_CONTEXT, Label, Lang


def survey_waves() -> dict[str, list[Response]]:
    """The sample survey's responses by quarter answered."""
    waves: dict[str, list[Response]] = {}
    for response in sample_survey().responses:
        waves.setdefault(period_key(response.on, PeriodUnit.QUARTER), []).append(response)
    return waves


def half_up(value: Fraction, places: int = 1) -> str:
    """*value* rounded half up to *places* decimals, as the report writes it."""
    step = Decimal(1).scaleb(-places)
    exact = MONEY_CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))
    return str(exact.quantize(step, rounding=ROUND_HALF_UP, context=MONEY_CONTEXT))


def test_survey_section_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """The latest wave's CSI, NPS, CSAT, change, dimensions, quadrants, tiers and history."""
    _, out, _ = run(capsys, "demo", "--lang", "en")
    lines = section_lines(out, "Satisfaction survey")
    assert 30 <= len(lines) <= 45, "a compact section"
    instrument = sample_survey().instrument
    q4 = score_survey(instrument, survey_waves()["2026-Q4"])
    assert q4.csi is not None
    assert lines[0] == (
        "Owner satisfaction survey 2026 · owner-satisfaction-2026 · wave 2026-Q4: "
        "111 responses, 2026-11-02 to 2026-11-20"
    )
    assert lines[1].startswith(f"CSI {half_up(q4.csi)} / 100: the dimension scores weighted")
    assert lines[2] == (
        "NPS +6.4 (95% CI -8.0 to +20.7; n = 110: 36 promoters, 45 passives, 29 detractors)"
    )
    assert lines[3] == (
        "CSAT 72.5% (top-2 box of the overall item; 95% Wilson CI 63.4% to 80.0%; n = 109)"
    )
    assert lines[4] == (
        "Change from 2026-Q3 (109 responses): CSI 64.5 → 69.3 (+4.7); NPS -9.3 → +6.4 "
        "(+15.6); CSAT 59.8% → 72.5% (+12.7 points)"
    )
    assert lines[5].startswith("-- Dimensions, lowest score first")
    assert lines[6].split()[:3] == ["Dimension", "Weight", "Score"]
    dimensions = [row.split()[0] for row in lines[8:14]]
    assert dimensions == [
        "price",
        "management",
        "service",
        "communication",
        "facilities",
        "emotional",
    ]
    assert lines[8].split() == ["price", "15.0%", "51.5", "+2.7", "4.18", "0.78", "-1.21"]
    assert lines[11].split()[-1] == "–", "communication asks no expectation"
    assert lines[14] == (
        "-- Quadrants: urgent improvement 5 · keep up 4 · secondary advantage 6 · "
        "not a priority 3 --"
    )
    assert lines[15] == (
        "x = stated importance, y = satisfaction (0–100); crosshair at the grand mean of the "
        "items on each axis: importance 76.70, satisfaction 69.31; on a line counts as high"
    )
    rows = lines[18:28]
    assert [row.split()[0] for row in rows] == [
        "p1",
        "p3",
        "m3",
        "f1",
        "s1",
        "s3",
        "f2",
        "s2",
        "f3",
        "c3",
    ]
    assert rows[0] == (
        "p1    The property fee is too high                   83.10         42.73  "
        "urgent improvement"
    )
    assert lines[28] == "… and 8 more"
    assert lines[29] == "-- By tier (wave 2026-Q4) --"
    assert [row.split()[:2] for row in lines[32:37]] == [
        ["Diamond", "6*"],
        ["Platinum", "15*"],
        ["Gold", "26*"],
        ["Regular", "64"],
        ["Total", "111"],
    ]
    assert lines[37] == "* n < 30: a small group, read with care"
    assert lines[38] == (
        "Tier review: 220 satisfaction records of 150 customers (each response's own CSI, "
        "dated the day answered); 63 below its low-satisfaction line 60"
    )


def test_survey_section_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The same section in Chinese; the tables align by display width."""
    _, out, _ = run(capsys, "demo")
    lines = section_lines(out, "满意度测评")
    assert lines[0].startswith(
        "业主满意度调查（2026 年） · owner-satisfaction-2026 · 2026-Q4 期："
    )
    assert lines[2].startswith("NPS +6.4（95% 置信区间 -8.0 至 +20.7；n = 110：推荐者 36")
    assert lines[3].startswith("CSAT 72.5%（总体满意度题前 2 档；95% Wilson 区间")
    assert lines[4].startswith("与上期 2026-Q3（109 份）相比：CSI 64.5 → 69.3（+4.7）")
    assert [row.split()[0] for row in lines[8:14]] == [
        "价格",
        "管理",
        "服务",
        "沟通",
        "设施",
        "情感",
    ]
    assert lines[14] == "-- 四分图：急需改进 5 · 继续保持 4 · 锦上添花 6 · 不宜优先 3 --"
    assert "分界线取各题在两轴上的总均值：重要性 76.70，满意度 69.31" in lines[15]
    header, rows = lines[16], lines[18:28]
    column = display_width(header[: header.index("重要性")])
    for row in rows:
        importance = row.split()[2]
        start = row.index(importance, len(row.split()[0]) + 2)
        assert display_width(row[:start]) + len(importance) == column + display_width("重要性")
    assert rows[0].split()[1:] == ["物业费收费标准偏高", "83.10", "42.73", "急需改进"]
    assert "…… 另有 8 项" in lines
    assert "-- 按客户等级（2026-Q4 期）--" in lines
    assert "标 * 的组 n < 30：样本量小，谨慎解读" in lines
    assert lines[-1].startswith("等级评审可读的满意度记录：220 条，150 位客户")


def test_json_survey_is_the_library_answer(capsys: pytest.CaptureFixture[str]) -> None:
    """Every figure of the JSON section is what pmcrm.surveys computes for the latest wave."""
    survey = run_json(capsys, "--lang", "en", "--top", "100")["sections"]["survey"]
    instrument = sample_survey().instrument
    waves = survey_waves()
    q3, q4 = (score_survey(instrument, r) for r in waves.values())
    assert (survey["wave"], survey["responses"]) == ("2026-Q4", len(waves["2026-Q4"]))
    assert (survey["first_day"], survey["last_day"]) == ("2026-11-02", "2026-11-20")
    assert q4.csi is not None
    assert q4.nps is not None
    assert q4.csat is not None
    assert (survey["csi"], survey["weighting"]) == (half_up(q4.csi), "declared")
    low, high = q4.nps.interval()
    assert survey["nps"] == {
        "score": half_up(q4.nps.score),
        "low": half_up(Fraction(low)),
        "high": half_up(Fraction(high)),
        "n": q4.nps.n,
        "promoters": q4.nps.promoters,
        "passives": q4.nps.passives,
        "detractors": q4.nps.detractors,
    }
    wilson = q4.csat.interval()
    assert wilson is not None
    assert survey["csat"] == {
        "percent": half_up(Fraction(q4.csat.part * 100, q4.csat.whole)),
        "low_percent": half_up(Fraction(wilson[0]) * 100),
        "high_percent": half_up(Fraction(wilson[1]) * 100),
        "satisfied": q4.csat.part,
        "n": q4.csat.whole,
        "top_box": 2,
    }
    assert q3.csi is not None
    assert survey["previous"]["wave"] == "2026-Q3"
    assert survey["previous"]["csi"] == {
        "before": half_up(q3.csi),
        "now": half_up(q4.csi),
        "change": half_up(q4.csi - q3.csi),
    }
    by_code = {d.code: d for d in q4.dimensions}
    rows = survey["dimensions"]
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)
    for row in rows:
        d = by_code[row["dimension"]]
        assert d.score_100 is not None
        assert row["score"] == half_up(d.score_100)
        assert row["weight_percent"] == half_up(d.weight * 100)
        assert row["alpha"] == (None if d.alpha is None else half_up(d.alpha, 2))
        assert row["gap"] == (None if d.gap is None else half_up(d.gap, 2))
        assert row["complete"] == d.complete
    result = ipa(
        instrument,
        q4,
        importance=ImportanceSource.STATED,
        importance_line=Crosshair.mean(),
        satisfaction_line=Crosshair.mean(),
    )
    quadrants = survey["quadrants"]
    assert result.importance_line is not None
    assert quadrants["importance_line"] == half_up(result.importance_line, 2)
    assert quadrants["counts"] == {q.value: len(result.quadrant(q)) for q in Quadrant}
    assert (quadrants["unplaced"], quadrants["total"]) == (0, 18)
    placed = {i.code: i.quadrant for i in result.items}
    assert {r["item"]: r["quadrant"] for r in quadrants["rows"]} == {
        code: q.value for code, q in placed.items() if q is not None
    }
    tiers = by_segment(instrument, waves["2026-Q4"], "tier", min_n=30)
    got = {r["tier"]: (r["n"], r["small"]) for r in survey["tiers"]["rows"]}
    assert got == {g.key: (g.n, g.small) for g in tiers.groups}
    assert [r["tier"] for r in survey["tiers"]["rows"]] == [
        "diamond",
        "platinum",
        "gold",
        "regular",
    ]
    history = satisfaction_history(instrument, sample_survey().responses)
    records = [s for scores in history.values() for s in scores]
    assert survey["history"] == {
        "customers": len(history),
        "records": len(records),
        "below": "60",
        "records_below": sum(1 for s in records if s.score < 60),
    }


def test_survey_quadrant_table_honours_top(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top`` bounds the quadrant table, in text and JSON; the counts stay whole."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--top", "2")
    lines = section_lines(out, "Satisfaction survey")
    start = lines.index(
        "----  ----------------------------------------  ----------  "
        "------------  ------------------"
    )
    assert [line.split()[0] for line in lines[start + 1 : start + 3]] == ["p1", "p3"]
    assert lines[start + 3] == "… and 16 more"
    quadrants = run_json(capsys, "--top", "2")["sections"]["survey"]["quadrants"]
    assert [r["item"] for r in quadrants["rows"]] == ["p1", "p3"]
    assert sum(quadrants["counts"].values()) == quadrants["total"] == 18


def test_survey_section_in_the_first_wave_has_nothing_to_compare(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a day in Q3 the August wave is the latest, with no wave before it."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--as-of", "2026-09-30")
    lines = section_lines(out, "Satisfaction survey")
    assert lines[0].endswith("wave 2026-Q3: 109 responses, 2026-08-03 to 2026-08-21")
    assert lines[4] == "No earlier wave to compare with."
    assert {line.split()[3] for line in lines[8:14]} == {"–"}
    survey = run_json(capsys, "--as-of", "2026-09-30")["sections"]["survey"]
    assert survey["previous"] is None
    assert {r["change"] for r in survey["dimensions"]} == {None}


def test_survey_section_before_the_first_wave(capsys: pytest.CaptureFixture[str]) -> None:
    """Before anyone answered, the section says so."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--as-of", "2026-07-31")
    assert section_lines(out, "Satisfaction survey") == ["No survey responses by 2026-07-31."]
    survey = run_json(capsys, "--as-of", "2026-07-31")["sections"]["survey"]
    assert survey == {"title": "满意度测评", "wave": None, "message": "截至 2026-07-31 尚无答卷。"}


def sparse_survey() -> SampleSurvey:
    """A survey with no NPS item, items nobody answers, no importance anywhere.

    One response has no tier segment, one an unknown tier; one wave only.
    """
    instrument = Instrument(
        code="sparse",
        name=Label(zh="简易问卷", en="Sparse survey"),
        dimensions=(
            DimensionDef.standard(Dimension.SERVICE),
            DimensionDef.standard(Dimension.PRICE),
        ),
        items=(
            Item(code="s1", text=Label(zh="及时", en="On time"), dimension="service"),
            Item(code="p1", text=Label(zh="收费", en="Fees"), dimension="price"),
            Item(code="all", text=Label(zh="总体", en="Overall"), role=ItemRole.OVERALL),
        ),
    )

    def response(n: int, tier: str | None, score: int) -> Response:
        segments = () if tier is None else (Segment(key="tier", value=tier),)
        return Response(
            respondent_id=f"R{n}",
            customer_id=f"C{n:04d}",
            on=date(2026, 11, 2),
            segments=segments,
            answers=(Answer(item="s1", score=score),),
        )

    return SampleSurvey(
        instrument=instrument,
        responses=(response(1, "gold", 5), response(2, None, 2), response(3, "vip-x", 1)),
    )


def test_survey_section_with_a_sparse_survey() -> None:
    """Missing items, scores and importance show as dashes and "not placed", never as errors."""
    config = sample_config()
    policy = sample_tier_policy()
    policy = attrs.evolve(
        policy,
        review=attrs.evolve(
            policy.review, low_satisfaction_count=None, low_satisfaction_below=None
        ),
    )
    demo = Demo.build(
        sample_portfolio()[:5],
        config,
        as_of=config.as_of,
        tier_policy=policy,
        members=sample_members(),
        lang=Lang.EN,
        survey=sparse_survey(),
    )
    section = section_survey(demo)
    lines = list(section.lines)
    assert lines[1].startswith("CSI 41.7 / 100: ")
    assert lines[2] == "No earlier wave to compare with."
    assert lines[6].split() == ["service", "50.0%", "41.7", "–", "–", "–", "–"]
    assert lines[7].split() == ["price", "50.0%", "–", "–", "–", "–", "–"]
    assert lines[8] == (
        "-- Quadrants: urgent improvement 0 · keep up 0 · secondary advantage 0 · "
        "not a priority 0 · not placed 2 --"
    )
    assert "importance –, satisfaction –" in lines[9]
    assert lines[12].endswith("41.67  not placed: the item does not ask importance")
    assert lines[13].endswith("–  not placed: no satisfaction scores")
    assert [line.split() for line in lines[17:21]] == [
        ["Gold", "1*", "100.0", "–", "–"],
        ["vip-x", "1*", "0.0", "–", "–"],
        ["(none)", "1*", "25.0", "–", "–"],
        ["Total", "3", "41.7", "–", "–"],
    ]
    assert lines[-1] == (
        "Tier review: 3 satisfaction records of 3 customers (each response's own CSI, "
        "dated the day answered)"
    )
    data = section.data
    assert (data["nps"], data["csat"], data["previous"]) == (None, None, None)
    assert data["history"] == {"customers": 3, "records": 3, "below": None, "records_below": None}
    quadrants = cast(dict[str, Any], data["quadrants"])
    assert (quadrants["importance_line"], quadrants["unplaced"]) == (None, 2)
    assert [r["quadrant"] for r in quadrants["rows"]] == [None, None]


# --- charts ------------------------------------------------------------------------------


def test_charts_are_written_and_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``--charts DIR`` creates DIR and writes the four charts; the last section says where."""
    target = tmp_path / "out" / "charts"
    code, out, err = run(capsys, "demo", "--lang", "en", "--charts", str(target))
    assert (code, err) == (0, "")
    assert sorted(p.name for p in target.iterdir()) == sorted(CHART_FILES)
    for name in CHART_FILES:
        content = (target / name).read_bytes()
        assert content
        if name.endswith(".svg"):
            assert content.startswith(b"<?xml")
            assert b"<svg" in content[:500]
        else:
            assert content.startswith(b"\x89PNG\r\n\x1a\n")
    assert section_lines(out, "Charts") == [
        f"Written to {target}: ipa.svg, ipa.png, dimensions.svg, dimensions.png"
    ]
    svg = (target / "ipa.svg").read_text("utf-8")
    assert 'id="importance-line"' in svg
    assert "urgent improvement" in svg


def test_charts_are_the_same_from_run_to_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """No date and no random ids: two runs write the same bytes."""
    for name in ("a", "b"):
        assert run(capsys, "demo", "--lang", "en", "--charts", str(tmp_path / name))[0] == 0
    for file in CHART_FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_charts_in_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """With ``--json`` the document gains a ``charts`` section and stays one JSON document."""
    document = run_json(capsys, "--lang", "en", "--charts", str(tmp_path))
    assert list(document["sections"])[-2:] == ["survey", "charts"]
    assert document["sections"]["charts"] == {
        "title": "Charts",
        "directory": str(tmp_path),
        "lang": "en",
        "files": list(CHART_FILES),
    }


def test_chinese_charts_without_a_cjk_font_are_drawn_in_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a CJK font the zh report draws English charts and says so; nothing warns."""
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    code, out, err = run(capsys, "demo", "--charts", str(tmp_path))
    assert (code, err) == (0, "")
    lines = section_lines(out, "图表")
    assert lines[0].startswith("未找到 matplotlib 可用的中文字体，图表标签改用英文")
    assert lines[1] == f"已写入 {tmp_path}：ipa.svg、ipa.png、dimensions.svg、dimensions.png"
    assert "urgent improvement" in (tmp_path / "ipa.svg").read_text("utf-8")
    assert run_json(capsys, "--charts", str(tmp_path))["sections"]["charts"]["lang"] == "en"


def test_charts_before_the_first_wave_draw_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With no responses by the day, no chart is drawn and the directory is left alone."""
    target = tmp_path / "none"
    code, out, _ = run(
        capsys, "demo", "--lang", "en", "--as-of", "2026-07-31", "--charts", str(target)
    )
    assert code == 0
    assert section_lines(out, "Charts") == ["No survey responses by 2026-07-31: no chart drawn."]
    assert not target.exists()


def test_charts_without_matplotlib_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without matplotlib ``--charts`` prints how to install it and exits 2, printing no report."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = run(capsys, "demo", "--charts", str(tmp_path / "charts"))
    assert (code, out) == (2, "")
    assert err == (
        "pmcrm demo: --charts needs matplotlib, which is not installed: "
        'pip install "pmcrm[plot]"\n'
    )
    assert not (tmp_path / "charts").exists()
    assert run(capsys, "demo", "--lang", "en", "--top", "1")[0] == 0, "no matplotlib needed"


def test_charts_that_cannot_be_written_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A DIR that cannot be a directory is reported on stderr, with exit status 1."""
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    code, out, err = run(capsys, "demo", "--charts", str(blocker / "charts"))
    assert (code, out) == (1, "")
    assert err.startswith("pmcrm demo: --charts: cannot write the charts: ")
