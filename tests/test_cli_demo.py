"""Tests for ``pmcrm demo`` (``pmcrm.cli.demo``), ``pmcrm.cli.main`` and ``python -m pmcrm``."""

import importlib
import inspect
import json
import re
import runpy
import subprocess
import sys
from decimal import Decimal
from typing import Any, cast

import pytest

import pmcrm
import pmcrm.cli._table
import pmcrm.cli.demo
from cli_demo_helpers import PORTFOLIO_SIZE, demo_of, run, run_json, section_lines
from pmcrm.cli import main
from pmcrm.cli._table import display_width, percent
from pmcrm.cli.demo import SECTIONS, Json, Section, render_json, section_value_segments
from pmcrm.sample import sample_config, sample_portfolio
from pmcrm.segmentation import ValueSegment, classify, score_customer

#: What ``pmcrm.cli.demo`` exports: the names of the ``demo`` command's report.
EXPORTS = {
    "BOARD_TIME",
    "CARE_HORIZON_DAYS",
    "CARE_SHOWN",
    "CHART_FILES",
    "QUESTION_WIDTH",
    "SECTIONS",
    "SURVEY_MIN_N",
    "Demo",
    "Json",
    "Section",
    "add_parser",
    "board_instant",
    "display_width",
    "pad",
    "percent",
    "render_json",
    "render_table",
    "render_text",
    "run_demo",
    "section_complaints",
    "section_entitlements",
    "section_kinds",
    "section_overview",
    "section_property_types",
    "section_rule_segments",
    "section_survey",
    "section_tiers",
    "section_top",
    "section_value_segments",
    "truncate",
    "write_charts",
}


def test_demo_package_exports_its_names() -> None:
    """Every name of the report is importable from ``pmcrm.cli.demo``, each with a docstring."""
    package, table = pmcrm.cli.demo, pmcrm.cli._table
    assert set(package.__all__) == EXPORTS
    callables = [getattr(package, n) for n in package.__all__ if callable(getattr(package, n))]
    assert [f for f in callables if not inspect.getdoc(f)] == []
    assert all(getattr(package, n) is getattr(table, n) for n in table.__all__)


# --- the text report ---------------------------------------------------------------


def test_demo_defaults_to_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """``pmcrm demo`` prints the report in Chinese with every section, and exits 0."""
    code, out, err = run(capsys, "demo")
    assert (code, err) == (0, "")
    assert out.startswith("pmcrm 示例客户报告\n")
    assert f"基准日 2026-11-23 · 客户 {PORTFOLIO_SIZE} 位" in out
    for title in (
        "概览：价值评分规则",
        "按客户类型",
        "按物业类型",
        "按价值分层",
        "规则分群",
        "VIP 客户分级与定期评审",
    ):
        assert f"== {title} ==" in out
    assert "== 价值分前 10 位客户 ==" in out
    for label in ("业主", "租户", "商户", "开发商", "外来人员", "内部顾客", "住宅", "工业"):
        assert label in out
    assert "消费能力：实际" in out


def test_demo_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang en`` prints the same report in English."""
    code, out, _ = run(capsys, "demo", "--lang", "en")
    assert code == 0
    assert out.startswith("pmcrm sample customer report\n")
    assert f"as of 2026-11-23 · {PORTFOLIO_SIZE} customers" in out
    for title in (
        "Customers by kind",
        "Customers by property type",
        "Rule-based segments",
        "VIP tiers and the periodic review",
    ):
        assert f"== {title} ==" in out
    assert "== Top 10 by value score ==" in out
    assert "Spending capacity: observed" in out
    assert "客户类型" not in out


def test_columns_align_with_chinese_labels(capsys: pytest.CaptureFixture[str]) -> None:
    """Table rows end in the same display column though CJK characters are double width."""
    _, out, _ = run(capsys, "demo")
    table = section_lines(out, "按客户类型")[:-1]  # the last line is a note
    assert len(table) == 2 + 6 + 1  # header, rule, six kinds, total
    widths = {display_width(line) for line in table}
    assert len(widths) == 1
    assert len({len(line) for line in table}) > 1, "CJK labels make the lengths differ"


def test_kind_counts_in_the_text_match_the_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    """The owner row shows the primary and holding counts computed from the portfolio."""
    _, out, _ = run(capsys, "demo", "--lang", "en")
    customers = sample_portfolio()
    primary = sum(1 for c in customers if c.kinds[0].value == "owner")
    holding = sum(1 for c in customers if any(k.value == "owner" for k in c.kinds))
    row = next(
        line for line in section_lines(out, "Customers by kind") if line.startswith("Owner")
    )
    assert row.split()[1:3] == [str(primary), str(holding)]


def test_top_lists_the_best_scores_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top 3`` lists three customers, best first, each followed by four reasons."""
    _, out, _ = run(capsys, "demo", "--lang", "en", "--top", "3")
    lines = section_lines(out, "Top 3 by value score")
    ranked = [line for line in lines[2:] if not line.startswith(" " * 6)]
    assert [line.split()[0] for line in ranked] == ["1", "2", "3"]
    assert len(lines) == 2 + 3 * (1 + 4)
    config = sample_config()
    scores = sorted(
        (score_customer(c, config.policy, config.as_of) for c in sample_portfolio()),
        key=lambda s: (-s.score, s.customer_id),
    )
    assert [line.split()[1] for line in ranked] == [s.customer_id for s in scores[:3]]
    assert [line.split()[-1] for line in ranked] == [f"{s.score:f}" for s in scores[:3]]


# --- the JSON report -------------------------------------------------------------------


def test_json_document_structure(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` prints one document: metadata, then every section under its key, in order."""
    doc = run_json(capsys)
    assert list(doc) == ["report", "subtitle", "version", "lang", "as_of", "customers", "sections"]
    assert (doc["version"], doc["lang"], doc["as_of"]) == (pmcrm.__version__, "zh", "2026-11-23")
    assert doc["customers"] == PORTFOLIO_SIZE
    assert list(doc["sections"]) == [
        "overview",
        "kinds",
        "property_types",
        "value_segments",
        "rule_segments",
        "top_customers",
        "tiers",
        "entitlements",
        "complaints",
        "survey",
    ]
    assert len(SECTIONS) == len(doc["sections"])


def test_json_counts_add_up_to_the_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    """Primary kinds, primary property types and value segments each partition the portfolio."""
    sections = run_json(capsys)["sections"]
    assert sum(r["primary"] for r in sections["kinds"]["rows"]) == PORTFOLIO_SIZE
    assert sum(r["primary"] for r in sections["property_types"]["rows"]) == PORTFOLIO_SIZE
    assert sum(r["customers"] for r in sections["value_segments"]["rows"]) == PORTFOLIO_SIZE
    assert [r["segment"] for r in sections["value_segments"]["rows"]] == ["high", "mid", "low"]
    for section in ("kinds", "property_types", "value_segments", "rule_segments"):
        assert sections[section]["total"] == PORTFOLIO_SIZE
    holding = {r["key"]: r["holding"] for r in sections["kinds"]["rows"]}
    primary = {r["key"]: r["primary"] for r in sections["kinds"]["rows"]}
    assert all(holding[k] >= primary[k] for k in holding)
    assert sum(holding.values()) > PORTFOLIO_SIZE, "multi-role customers count in several rows"


def test_json_rule_segments_match_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """Each rule's member count is what ``classify`` finds, and its criteria are listed."""
    rows = run_json(capsys, "--lang", "en")["sections"]["rule_segments"]["rows"]
    config = sample_config()
    outcomes = [classify(c, config.segments, config.as_of) for c in sample_portfolio()]
    expected = [sum(o[i].matched for o in outcomes) for i in range(len(config.segments))]
    assert [r["customers"] for r in rows] == expected
    assert [r["name"] for r in rows] == [rule.name for rule in config.segments]
    assert [r["label"] for r in rows] == [rule.label.en for rule in config.segments]
    assert all(r["criteria"] and "type" in r["criteria"][0] for r in rows)


def test_json_writes_decimals_as_strings_and_chinese_as_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Scores, weights and shares are strings; Chinese is not escaped."""
    code, out, _ = run(capsys, "demo", "--json", "--top", "2")
    assert code == 0
    assert "业主" in out
    assert "\\u" not in out
    doc = json.loads(out)
    top = doc["sections"]["top_customers"]
    assert (top["shown"], len(top["rows"])) == (2, 2)
    first = top["rows"][0]
    assert isinstance(first["score"], str)
    assert Decimal(first["score"]) >= Decimal(top["rows"][1]["score"])
    assert first["rank"] == 1
    assert len(first["reasons"]) == 4
    assert first["reasons"][-1].startswith("价值分 " + first["score"])
    factors = doc["sections"]["overview"]["factors"]
    assert [f["weight"] for f in factors] == ["5", "3", "2"]
    assert doc["sections"]["kinds"]["rows"][0]["share_percent"] == str(
        percent(doc["sections"]["kinds"]["rows"][0]["primary"], PORTFOLIO_SIZE)
    )


def test_top_larger_than_the_portfolio_shows_everyone(capsys: pytest.CaptureFixture[str]) -> None:
    """``--top`` beyond the portfolio size lists every customer once."""
    top = run_json(capsys, "--top", "100000")["sections"]["top_customers"]
    assert top["shown"] == PORTFOLIO_SIZE
    ids = [r["customer_id"] for r in top["rows"]]
    assert sorted(ids) == sorted(c.customer_id for c in sample_portfolio())
    scores = [Decimal(r["score"]) for r in top["rows"]]
    assert scores == sorted(scores, reverse=True)


def test_as_of_changes_the_scoring_day(capsys: pytest.CaptureFixture[str]) -> None:
    """``--as-of`` scores on that day: the window moves with it."""
    doc = run_json(capsys, "--as-of", "2026-03-31")
    assert doc["as_of"] == "2026-03-31"
    assert doc["sections"]["overview"]["window"] == {"start": "2025-04-01", "end": "2026-03-31"}
    default = run_json(capsys)["sections"]
    assert doc["sections"]["value_segments"]["rows"] != default["value_segments"]["rows"]
    tiers = doc["sections"]["tiers"]
    assert tiers["distribution"]["rows"] != default["tiers"]["distribution"]["rows"]
    assert sum(r["customers"] for r in tiers["actions"]["rows"]) == PORTFOLIO_SIZE


def test_every_section_renders_an_empty_portfolio() -> None:
    """With no customers every section still renders; the tier examples are absent."""
    demo = demo_of(())
    sections = [section(demo) for section in SECTIONS]
    document = json.loads(render_json(demo, sections))
    tiers = document["sections"]["tiers"]
    assert (tiers["example"], tiers["application"]) == (None, None)
    assert tiers["distribution"]["total"] == 0
    tier_lines = next(s for s in sections if s.key == "tiers").lines
    assert not any(line.startswith("-- A tier decision") for line in tier_lines)
    entitlements = document["sections"]["entitlements"]
    assert entitlements["vip"] is None
    assert (entitlements["care"]["total"], entitlements["care"]["shown"]) == (0, [])


# --- usage errors, help and version --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "invalid date '2026-02-30': expected YYYY-MM-DD"),
        ("20261123", "invalid date '20261123': expected YYYY-MM-DD"),
        ("yesterday", "invalid date 'yesterday'"),
        ("1899-12-31", "date '1899-12-31' is out of range: expected 1900-01-01 to 2199-12-31"),
        ("2200-01-01", "date '2200-01-01' is out of range"),
    ],
)
def test_bad_as_of_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    """A bad ``--as-of`` prints a clear message on stderr and exits 2, as argparse does."""
    code, out, err = run(capsys, "demo", "--as-of", value)
    assert (code, out) == (2, "")
    assert "usage: pmcrm demo" in err
    assert "argument --as-of: " + message in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "must be at least 1"),
        ("-3", "must be at least 1"),
        ("ten", "expected a whole number"),
    ],
)
def test_bad_top_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    """``--top`` takes a whole number of at least 1."""
    code, _, err = run(capsys, "demo", f"--top={value}")
    assert code == 2
    assert f"argument --top: invalid count '{value}': {message}" in err


def test_bad_lang_and_missing_command_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown language or no command at all exits 2 with the usage."""
    code, _, err = run(capsys, "demo", "--lang", "fr")
    assert code == 2
    assert "invalid choice: 'fr'" in err
    code, _, err = run(capsys)
    assert code == 2
    assert "the following arguments are required: COMMAND" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """``pmcrm --version`` prints the version and exits 0."""
    assert run(capsys, "--version") == (0, f"pmcrm {pmcrm.__version__}\n", "")


@pytest.mark.parametrize(
    ("argv", "example"),
    [
        (["--help"], "python -m pmcrm demo --lang en"),
        (["demo", "--help"], "python -m pmcrm demo --lang en --top 5"),
    ],
)
def test_help_shows_examples(
    capsys: pytest.CaptureFixture[str], argv: list[str], example: str
) -> None:
    """``--help`` (top level and for ``demo``) exits 0 and shows example commands."""
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "examples:" in out
    assert example in out


# --- personal data ----------------------------------------------------------------------


def test_no_personal_data_in_any_output(capsys: pytest.CaptureFixture[str]) -> None:
    """No full name, mobile number, ID number or address of the sample appears in any output."""
    outputs = [
        run(capsys, *argv)[1]
        for argv in (
            ["demo", "--top", "100000"],
            ["demo", "--lang", "en", "--top", "100000"],
            ["demo", "--json", "--top", "100000"],
            ["demo", "--json", "--lang", "en", "--top", "100000"],
        )
    ]
    secrets = []
    for customer in sample_portfolio():
        secrets.append(customer.name.reveal())
        for value in (customer.contact.mobile, customer.id_number, customer.contact.address):
            if value is not None:
                secrets.append(value.reveal())
    assert len(secrets) > 2 * PORTFOLIO_SIZE
    leaked = [s for s in secrets for text in outputs if s in text]
    assert leaked == []
    masked = sample_portfolio()[0].name.masked
    assert all(masked in text for text in outputs), "masked names are shown"
    notices = json.loads(outputs[2])["sections"]["tiers"]["notices"]
    assert notices
    assert all("*" in row["name"] for row in notices), "the tier lists show masked names"
    assert all(not re.search(r"1[3-9][0-9]{9}", text) for text in outputs)
    for text in outputs[2:]:
        entitlement = json.loads(text)["sections"]["entitlements"]
        names = [
            entitlement["vip"]["name"],
            *(row["name"] for row in entitlement["care"]["shown"]),
        ]
        assert all("*" in name for name in names), "the entitlements section shows masked names"


# --- the module entry point ---------------------------------------------------------------


def test_python_dash_m_pmcrm_runs_the_demo() -> None:
    """``python -m pmcrm demo --lang en`` runs as a separate process and exits 0."""
    result = subprocess.run(
        [sys.executable, "-X", "utf8", "-m", "pmcrm", "demo", "--lang", "en", "--top", "2"],
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("pmcrm sample customer report\n")
    assert "== Top 2 by value score ==" in result.stdout


def test_main_module_calls_main(monkeypatch: pytest.MonkeyPatch) -> None:
    """Running ``pmcrm`` as ``__main__`` exits with ``main()``'s code."""
    monkeypatch.setattr(sys, "argv", ["pmcrm", "--version"])
    monkeypatch.delitem(sys.modules, "pmcrm.__main__", raising=False)
    with pytest.raises(SystemExit) as info:
        runpy.run_module("pmcrm", run_name="__main__")
    assert info.value.code == 0


def test_importing_the_main_module_runs_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Importing ``pmcrm.__main__`` (not running it) prints nothing."""
    monkeypatch.delitem(sys.modules, "pmcrm.__main__", raising=False)
    module = importlib.import_module("pmcrm.__main__")
    assert module.main is main
    assert capsys.readouterr() == ("", "")


def test_value_segment_section_shows_a_dash_for_an_empty_segment() -> None:
    """With no customer in a segment, its average is ``null`` in JSON and a dash in text."""
    demo = demo_of(sample_portfolio()[:1])
    section = section_value_segments(demo)
    rows = cast(list[dict[str, Any]], section.data["rows"])
    empty = [r for r in rows if r["customers"] == 0]
    assert len(empty) == len(ValueSegment) - 1
    assert all(r["average_score"] is None for r in empty)
    assert all(r["share_percent"] == Decimal("0.0") for r in empty)
    dashed = [line for line in section.lines if line.endswith("–")]
    assert len(dashed) == len(ValueSegment) - 1


def test_render_json_refuses_values_that_are_not_json() -> None:
    """A section that puts a non-JSON value in its data is a bug, reported as TypeError."""
    demo = demo_of(sample_portfolio()[:1])
    bad = Section(key="bad", title="bad", data={"value": cast(Json, object())}, lines=())
    with pytest.raises(TypeError, match="object is not JSON-ready"):
        render_json(demo, [bad])
