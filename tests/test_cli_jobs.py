"""The job commands' shared machinery, ``pmcrm sample-files`` and ``pmcrm review``."""

import argparse
import collections
import contextlib
import csv
import io
import json
import sys
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pmcrm.batch import clock_records, entitlement_records, price_records, review_records
from pmcrm.batch.summaries import analysis_records, cause_records, ipa_records, score_records
from pmcrm.cli import main
from pmcrm.cli.jobs import _args, _io
from pmcrm.cli.jobs._files import csv_header, to_flat, toml_text
from pmcrm.cli.jobs._sample_files import FILES
from pmcrm.complaints import CategoryCatalogue, analyse
from pmcrm.sample import (
    sample_benefits,
    sample_calendar,
    sample_complaints,
    sample_survey,
    sample_tier_policy,
)
from pmcrm.serialization import structure, unstructure
from pmcrm.surveys import Weighting
from pmcrm.surveys.ipa import Crosshair, ImportanceSource, score_and_place
from pmcrm.tiers import TierPolicy
from pmcrm.values import Lang

AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample input files, written once by ``pmcrm sample-files``."""
    directory = tmp_path_factory.mktemp("samples")
    assert main(["sample-files", str(directory)]) == 0
    return directory


def _review(samples: Path, *extra: str, input_name: str = "members.jsonl") -> list[str]:
    return [
        "review",
        str(samples / input_name),
        "--policy",
        str(samples / "tiers.json"),
        "--as-of",
        AS_OF,
        *extra,
    ]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_sample_files_are_written(samples: Path) -> None:
    """Every sample file is there, and the TOML policy is the JSON one."""
    assert sorted(p.name for p in samples.iterdir()) == sorted(FILES)
    toml = structure(tomllib.loads((samples / "tiers.toml").read_text("utf-8")), TierPolicy)
    assert toml == sample_tier_policy()


def test_sample_files_reports_an_unwritable_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory that is a file: exit 4 with the reason."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["sample-files", str(blocker)]) == _io.EXIT_IO
    assert "cannot write into" in capsys.readouterr().err


def test_review_output_equals_the_kernel(samples: Path, tmp_path: Path) -> None:
    """The command's JSON Lines are the kernel's records, ``row`` as ``line``, ok only."""
    out = tmp_path / "out.jsonl"
    assert main(_review(samples, "-o", str(out), "--lang", "en")) == 0
    records = [json.loads(line) for line in (samples / "members.jsonl").read_text().splitlines()]
    expected = list(review_records(records, sample_tier_policy(), date(2026, 11, 23), first_row=1))
    got = _jsonl(out)
    assert [
        {k: v for k, v in r.items() if k not in {"row", "status", "errors"}} for r in expected
    ] == [{k: v for k, v in r.items() if k != "line"} for r in got]
    assert [r["row"] for r in expected] == [r["line"] for r in got]
    assert not (tmp_path / "members.jsonl.rejects.jsonl").exists()


def test_review_reads_csv_like_json_lines(samples: Path, tmp_path: Path) -> None:
    """The CSV sample gives the decisions of the JSON Lines one (a line later: the header)."""
    a, b = tmp_path / "a.jsonl", tmp_path / "b.csv"
    assert main(_review(samples, "-o", str(a))) == 0
    assert main(_review(samples, "-o", str(b), input_name="members.csv")) == 0
    from_json = _jsonl(a)
    with b.open(encoding="utf-8") as stream:
        from_csv = list(csv.DictReader(stream))
    assert [r["customer_id"] for r in from_json] == [r["customer_id"] for r in from_csv]
    assert [r["action"] for r in from_json] == [r["action"] for r in from_csv]
    assert [r["line"] + 1 for r in from_json] == [int(r["line"]) for r in from_csv]


def test_bad_rows_go_to_the_dead_letter_file(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A truncated line, a naive timestamp, a non-object, bad UTF-8, another's record: exit 1."""
    lines = (samples / "members.jsonl").read_bytes().splitlines(keepends=True)
    naive = lines[3].replace(b'+08:00"', b'"', 1)
    other = json.loads(lines[4])
    other["member"]["customer_id"] = "C9999"
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        lines[0]
        + lines[1][:150]
        + b"\n\n"
        + naive
        + b"[1, 2]\n"
        + b"\xff\xfe\n"
        + json.dumps(other).encode()
        + b"\n"
        + lines[5]
    )
    rejects = tmp_path / "dead.jsonl"
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "review",
            str(bad),
            "--policy",
            str(samples / "tiers.json"),
            "--as-of",
            AS_OF,
            "-o",
            str(out),
            "--rejects",
            str(rejects),
            "--lang",
            "en",
        ]
    )
    assert code == _io.EXIT_REJECTED
    assert [r["line"] for r in _jsonl(out)] == [1, 8]
    dead = _jsonl(rejects)
    assert [(d["line"], d["key"]) for d in dead] == [
        (2, None),
        (4, "C0004"),
        (5, None),
        (6, None),
        (7, "C0005"),
    ]
    paths = [[e["path"] for e in d["errors"]] for d in dead]
    assert paths == [["$"], ["$.customer.registered_at"], ["$"], ["$"], ["$"]]
    assert dead[1]["input"] == naive.decode().rstrip("\n")
    err = capsys.readouterr().err
    assert "read 7 rows; 2 results" in err
    assert "5 rejected" in err
    assert "truncated" in err


def test_a_ragged_csv_row_is_rejected_and_the_rest_come_out(samples: Path, tmp_path: Path) -> None:
    """A row with a missing cell is rejected by line; blank rows are skipped."""
    rows = (samples / "members.csv").read_text("utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([rows[0], rows[1], rows[2].rsplit(",", 1)[0], "", rows[3]]) + "\n")
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "review",
            str(bad),
            "--policy",
            str(samples / "tiers.toml"),
            "--as-of",
            AS_OF,
            "-o",
            str(out),
            "--rejects",
            str(tmp_path / "r.jsonl"),
        ]
    )
    assert code == _io.EXIT_REJECTED
    assert [r["line"] for r in _jsonl(out)] == [2, 5]
    (dead,) = _jsonl(tmp_path / "r.jsonl")
    assert dead["line"] == 3
    assert "cells" in dead["errors"][0]["en"]


def test_an_empty_csv_gives_no_rows(samples: Path, tmp_path: Path) -> None:
    """No header at all: nothing to do, exit 0; JSON output is an empty array."""
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    out = tmp_path / "out.json"
    assert (
        main(
            [
                "review",
                str(empty),
                "--policy",
                str(samples / "tiers.json"),
                "--as-of",
                AS_OF,
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert json.loads(out.read_text()) == []


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_json_and_table_output(
    samples: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON is one array of the records; the table shows one language and no JSON columns."""
    assert main(_review(samples, "--format", fmt, "--lang", "en")) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        document = json.loads(out)
        assert len(document) == 200
        assert document[1]["action"] == "upgrade"
    else:
        head = out.splitlines()[0]
        assert head.split()[:3] == ["line", "customer", "on"]
        assert "member record" not in head
        assert "reasons (zh)" not in head


def test_the_table_in_chinese(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang zh`` heads the table in Chinese and shows the Chinese reasons."""
    assert main(_review(samples, "--format", "table")) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["行", "客户", "复核日"]
    assert "升级" in out or "符合" in out


def test_configuration_errors(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown key (exit 3, located), bad JSON, bad TOML, not UTF-8, missing file (exit 4)."""
    policy = json.loads((samples / "tiers.json").read_text())
    policy["review"]["arrears_dayz"] = 3
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps(policy))
    broken = tmp_path / "broken.json"
    broken.write_text('{"ladder": ')
    toml = tmp_path / "broken.toml"
    toml.write_text("ladder = [")
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff")
    cases = [
        (unknown, _io.EXIT_CONFIG, "$.review.arrears_dayz"),
        (broken, _io.EXIT_CONFIG, "broken.json:1:12"),
        (toml, _io.EXIT_CONFIG, "not valid TOML"),
        (binary, _io.EXIT_CONFIG, "not UTF-8"),
        (tmp_path / "missing.json", _io.EXIT_IO, "cannot read"),
    ]
    for path, code, message in cases:
        args = [
            "review",
            str(samples / "members.jsonl"),
            "--policy",
            str(path),
            "--as-of",
            AS_OF,
            "--lang",
            "en",
        ]
        assert main(args) == code
        assert message in capsys.readouterr().err


def test_lenient_configuration_ignores_unknown_keys_only(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--lenient-config`` warns about each unknown key; any other fault still stops."""
    policy = json.loads((samples / "tiers.json").read_text())
    policy["review"]["arrears_dayz"] = 3
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps(policy))
    out = tmp_path / "out.jsonl"
    args = [
        "review",
        str(samples / "members.jsonl"),
        "--policy",
        str(unknown),
        "--as-of",
        AS_OF,
        "--lenient-config",
        "-o",
        str(out),
    ]
    assert main(args) == 0
    assert "已忽略" in capsys.readouterr().err
    assert len(_jsonl(out)) == 200
    policy["review"]["arrears_days"] = "three"
    unknown.write_text(json.dumps(policy))
    assert main(args) == _io.EXIT_CONFIG


def test_unreadable_input_and_unwritable_output(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing input or an output in a missing directory: exit 4, in Chinese by default."""
    assert (
        main(
            [
                "review",
                str(tmp_path / "none.jsonl"),
                "--policy",
                str(samples / "tiers.json"),
                "--as-of",
                AS_OF,
            ]
        )
        == _io.EXIT_IO
    )
    assert "无法读取" in capsys.readouterr().err
    assert main(_review(samples, "-o", str(tmp_path / "no" / "out.jsonl"))) == _io.EXIT_IO
    assert "无法写入" in capsys.readouterr().err


def test_a_closed_pipe_stops_quietly(samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the reader goes away, the command stops with exit 1 and no traceback."""

    class Closed(io.StringIO):
        def write(self, text: str, /) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    assert main(_review(samples)) == _io.EXIT_REJECTED


def test_progress_bar_on_request(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--progress always`` draws the bar on stderr; ``never`` and a non-terminal do not."""
    assert _io._show_progress("always") is True
    assert _io._show_progress("never") is False
    assert _io._show_progress("auto") is sys.stderr.isatty()
    stack = contextlib.ExitStack()
    with stack:
        rows = _io.read_input(samples / "members.jsonl", "jsonl", progress=True, stack=stack)
        assert sum(1 for _ in rows) == 200
    err = capsys.readouterr().err
    assert "members.jsonl" in err or err == ""  # tqdm waits 0.5 s before drawing


def test_argument_types() -> None:
    """Dates, aware instants and months are parsed strictly."""
    assert _args.day("2026-11-23") == date(2026, 11, 23)
    assert _args.month("2026-11") == date(2026, 11, 1)
    assert _args.instant("2026-11-23T17:00:00+08:00").utcoffset() is not None
    for parse, text in [
        (_args.day, "23/11/2026"),
        (_args.month, "2026-13"),
        (_args.instant, "2026-11-23T17:00:00"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match="invalid"):
            parse(text)


def test_flat_rows_and_toml() -> None:
    """``to_flat`` writes dotted cells; the header keeps first appearance; TOML round-trips."""
    rows = [dict(to_flat({"a": True, "b": [1, 2]})), dict(to_flat({"c": {"d": None}, "a": 1}))]
    assert rows == [{"a": "true", "b.0": 1, "b.1": 2}, {"a": 1}]
    assert csv_header(rows) == ["a", "b.0", "b.1"]
    value = {"x": False, "n": 3, "tags": ["a", "b"], "t": {"k": "v"}, "arr": [{"i": 1}]}
    assert tomllib.loads(toml_text(value)) == value
    policy = unstructure(sample_tier_policy())
    assert structure(tomllib.loads(toml_text(policy)), TierPolicy) == sample_tier_policy()


def _kernel_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The kernel's ok records as the command writes them (``row`` → ``line``, from 1)."""
    return [
        {
            "line": r["row"] + 1,
            **{k: v for k, v in r.items() if k not in {"row", "status", "errors"}},
        }
        for r in results
        if r["status"] == "ok"
    ]


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_entitlements_output_equals_the_kernel(samples: Path, tmp_path: Path) -> None:
    """``pmcrm entitlements`` writes exactly the kernel's records."""
    out = tmp_path / "out.jsonl"
    assert (
        main(
            [
                "entitlements",
                str(samples / "holders.jsonl"),
                "--catalogue",
                str(samples / "catalogue.json"),
                "--on",
                AS_OF,
                "-o",
                str(out),
            ]
        )
        == 0
    )
    expected = entitlement_records(
        _records(samples / "holders.jsonl"), sample_benefits().catalogue, date(2026, 11, 23)
    )
    assert _jsonl(out) == _kernel_rows(list(expected))


def test_price_output_equals_the_kernel(samples: Path, tmp_path: Path) -> None:
    """``pmcrm price`` writes exactly the kernel's records, with ``--on`` or each bill's day."""
    for extra, on in [((), None), (("--on", "2026-12-01"), date(2026, 12, 1))]:
        out = tmp_path / "out.jsonl"
        assert (
            main(
                [
                    "price",
                    str(samples / "bills.jsonl"),
                    "--catalogue",
                    str(samples / "catalogue.json"),
                    "--pricing",
                    str(samples / "pricing.json"),
                    "-o",
                    str(out),
                    *extra,
                ]
            )
            == 0
        )
        benefits = sample_benefits()
        expected = price_records(
            _records(samples / "bills.jsonl"), benefits.catalogue, benefits.pricing, on=on
        )
        assert _jsonl(out) == _kernel_rows(list(expected))


def test_clocks_output_equals_the_kernel(samples: Path, tmp_path: Path) -> None:
    """``pmcrm clocks`` writes the kernel's records; a line is the complaint's first event's."""
    out = tmp_path / "out.jsonl"
    at = datetime(2026, 11, 23, 17, tzinfo=timezone(timedelta(hours=8)))
    assert (
        main(
            [
                "clocks",
                str(samples / "events.jsonl"),
                "--policy",
                str(samples / "sla.json"),
                "--calendar",
                str(samples / "calendar.json"),
                "--at",
                at.isoformat(),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    complaints = sample_complaints()
    expected = clock_records(
        _records(samples / "events.jsonl"), complaints.policy, at, calendar=sample_calendar()
    )
    assert _jsonl(out) == _kernel_rows(list(expected))


def test_clocks_without_a_calendar_reject_business_hour_complaints(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--calendar``, complaints timed on business hours are rejected, located."""
    out, dead = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    code = main(
        [
            "clocks",
            str(samples / "events.jsonl"),
            "--policy",
            str(samples / "sla.json"),
            "--at",
            "2026-11-23T17:00:00+08:00",
            "-o",
            str(out),
            "--rejects",
            str(dead),
            "--lang",
            "en",
        ]
    )
    assert code == _io.EXIT_REJECTED
    rejected = _jsonl(dead)
    assert rejected
    assert all(d["key"].startswith("TS-") for d in rejected)
    assert "rejected" in capsys.readouterr().err


def test_a_csv_header_that_cannot_be_read_stops_the_command(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A column that is also the start of another (``member`` and ``member.tier``): exit 4."""
    bad = tmp_path / "bad.csv"
    bad.write_text("member,member.tier\nx,gold\n", "utf-8")
    code = main(
        [
            "review",
            str(bad),
            "--policy",
            str(samples / "tiers.json"),
            "--as-of",
            AS_OF,
            "--lang",
            "en",
        ]
    )
    assert code == _io.EXIT_IO
    assert "CSV header" in capsys.readouterr().err


# --- the summary commands: analyse and score ------------------------------------------

AT = "2026-11-23T17:00:00+08:00"


def _plain(records: Any, drop: frozenset[str] = frozenset({"row", "status", "errors"})) -> Any:
    return [{k: v for k, v in r.items() if k not in drop} for r in records]


def _analyse_args(samples: Path, *extra: str) -> list[str]:
    return [
        "analyse",
        str(samples / "events.jsonl"),
        "--policy",
        str(samples / "sla.json"),
        "--calendar",
        str(samples / "calendar.json"),
        "--at",
        AT,
        *extra,
    ]


def test_analyse_equals_the_library(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``pmcrm analyse --format json`` holds the analysis' group and cause records."""
    assert main(_analyse_args(samples, "--format", "json", "--top", "3")) == 0
    document = json.loads(capsys.readouterr().out)
    complaints = sample_complaints()
    analysis = analyse(
        complaints.states,
        complaints.policy,
        datetime.fromisoformat(AT),
        calendar=sample_calendar(),
        top=3,
    )
    assert document["groups"] == _plain(analysis_records(analysis))
    assert document["causes"] == _plain(cause_records(analysis))


def test_analyse_writes_the_causes_beside_the_output(samples: Path, tmp_path: Path) -> None:
    """CSV: the groups to the output, the causes to ``NAME.causes.csv``; configs optional."""
    repeat = tmp_path / "repeat.json"
    repeat.write_text(json.dumps(unstructure(sample_complaints().repeat_policy)), "utf-8")
    categories = tmp_path / "categories.json"
    categories.write_text(json.dumps(unstructure(CategoryCatalogue.standard())), "utf-8")
    out = tmp_path / "analysis.csv"
    args = _analyse_args(
        samples, "-o", str(out), "--repeat-policy", str(repeat), "--categories", str(categories)
    )
    assert main(args) == 0
    with out.open(encoding="utf-8") as stream:
        groups = list(csv.DictReader(stream))
    with (tmp_path / "analysis.causes.csv").open(encoding="utf-8") as stream:
        causes = list(csv.DictReader(stream))
    assert groups[0]["scope"] == "overall"
    assert causes


def test_analyse_on_stdout_writes_one_table(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON Lines on stdout: the groups only; a bad event's complaint is left out, exit 1."""
    lines = (samples / "events.jsonl").read_text("utf-8").splitlines()
    lines[1] = lines[1].replace('+08:00"', '"', 1)
    bad = tmp_path / "events.jsonl"
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    args = [
        "analyse",
        str(bad),
        "--policy",
        str(samples / "sla.json"),
        "--calendar",
        str(samples / "calendar.json"),
        "--at",
        AT,
        "--rejects",
        str(tmp_path / "d.jsonl"),
    ]
    assert main(args) == _io.EXIT_REJECTED
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert {"scope", "metric"} <= set(records[0])
    assert records[0]["complaints"] == 53
    (dead,) = _jsonl(tmp_path / "d.jsonl")
    assert (dead["line"], dead["key"]) == (2, "TS-2026-0001")
    assert "causes" not in captured.err.split("groups")[1]


def test_analyse_table(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table format prints both tables under their names, in the language asked for."""
    assert main(_analyse_args(samples, "--format", "table", "--lang", "en")) == 0
    out = capsys.readouterr().out
    assert out.startswith("== groups ==")
    assert "\n\n== causes ==\n" in out


def _score_args(samples: Path, name: str, *extra: str) -> list[str]:
    return ["score", str(samples / name), "--instrument", str(samples / "instrument.json"), *extra]


@pytest.mark.parametrize(
    ("lang", "fmt", "summary"),
    [
        ("zh", "table", "pmcrm score：读取 220 行；scores → stdout；ipa → stdout\n"),
        ("en", "table", "pmcrm score: read 220 rows; scores → stdout; ipa → stdout\n"),
        ("zh", "json", "pmcrm score：读取 220 行；scores、ipa → stdout\n"),
        ("en", "json", "pmcrm score: read 220 rows; scores, ipa → stdout\n"),
    ],
)
def test_a_summary_line_is_in_one_language(
    samples: Path, lang: str, fmt: str, summary: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tables written are listed with the language's own separators."""
    assert main(_score_args(samples, "survey.csv", "--format", fmt, "--lang", lang)) == 0
    assert capsys.readouterr().err == summary


@pytest.mark.parametrize("name", ["survey.csv", "survey.jsonl"])
def test_score_equals_the_library(
    samples: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The wide CSV and the JSON Lines both give the library's scores and quadrants."""
    extra = (
        "--format",
        "json",
        "--importance",
        "derived",
        "--weighting",
        "importance",
        "--crosshair",
        "median",
    )
    assert main(_score_args(samples, name, *extra)) == 0
    document = json.loads(capsys.readouterr().out)
    survey = sample_survey()
    line = Crosshair.median()
    scores, result = score_and_place(
        survey.instrument,
        survey.responses,
        importance=ImportanceSource.DERIVED,
        importance_line=line,
        satisfaction_line=line,
        weighting=Weighting.IMPORTANCE,
    )
    assert document["scores"] == _plain(score_records(scores, instrument=survey.instrument))
    assert document["ipa"] == _plain(ipa_records(result))


def test_score_rejects_a_bad_answer_and_scores_the_rest(samples: Path, tmp_path: Path) -> None:
    """An answer off its scale goes to the dead letters with its path; exit 1."""
    rows = (samples / "survey.csv").read_text("utf-8").splitlines()
    header = rows[0].split(",")
    cells = rows[1].split(",")
    cells[header.index("s1")] = "9"
    bad = tmp_path / "survey.csv"
    bad.write_text("\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\n", "utf-8")
    out = tmp_path / "scores.jsonl"
    args = [
        "score",
        str(bad),
        "--instrument",
        str(samples / "instrument.json"),
        "-o",
        str(out),
        "--rejects",
        str(tmp_path / "d.jsonl"),
        "--lang",
        "en",
    ]
    assert main(args) == _io.EXIT_REJECTED
    (dead,) = _jsonl(tmp_path / "d.jsonl")
    assert dead["line"] == 2
    assert [e["path"] for e in dead["errors"]] == ["$.answers[0].score"]
    overall = [r for r in _jsonl(out) if r["kind"] == "overall"]
    assert overall[0]["n"] == 219
    assert (tmp_path / "scores.ipa.jsonl").exists()


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_score_draws_the_chart(samples: Path, tmp_path: Path, suffix: str) -> None:
    """``--chart`` writes the quadrant chart in the format its suffix names."""
    chart = tmp_path / f"ipa{suffix}"
    args = _score_args(
        samples, "survey.csv", "-o", str(tmp_path / "s.json"), "--chart", str(chart)
    )
    assert main(args) == 0
    head = chart.read_bytes()[:8]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<?xml" in head


def test_score_chart_problems(
    samples: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A chart path that cannot be written: exit 4; no matplotlib: exit 2, before reading."""
    args = _score_args(
        samples,
        "survey.csv",
        "-o",
        str(tmp_path / "s.json"),
        "--chart",
        str(tmp_path / "no" / "ipa.svg"),
    )
    assert main(args) == _io.EXIT_IO
    assert "无法写入" in capsys.readouterr().err

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # not installed
    args += ["--lang", "en"]  # English needs no CJK font, but matplotlib all the same
    assert main(args) == _io.EXIT_USAGE
    assert "matplotlib" in capsys.readouterr().err


def test_a_summary_reads_past_unreadable_lines(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A truncated line in an event file goes to the dead letters; the summary says so in zh."""
    lines = (samples / "events.jsonl").read_text("utf-8").splitlines()
    bad = tmp_path / "events.jsonl"
    bad.write_text("\n".join([*lines, lines[0][:30]]) + "\n", "utf-8")
    args = [
        "analyse",
        str(bad),
        "--policy",
        str(samples / "sla.json"),
        "--calendar",
        str(samples / "calendar.json"),
        "--at",
        AT,
        "-o",
        str(tmp_path / "a.json"),
        "--rejects",
        str(tmp_path / "d.jsonl"),
    ]
    assert main(args) == _io.EXIT_REJECTED
    assert "行被拒" in capsys.readouterr().err
    assert [d["line"] for d in _jsonl(tmp_path / "d.jsonl")] == [len(lines) + 1]


def test_a_summary_stops_quietly_on_a_closed_pipe(
    samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pmcrm score … | head`` ends with exit 1 and no traceback."""

    class Closed(io.StringIO):
        def write(self, text: str, /) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    assert main(_score_args(samples, "survey.csv")) == _io.EXIT_REJECTED


@pytest.mark.parametrize("text", ["three", "0"])
def test_a_count_is_a_whole_number_from_1(text: str) -> None:
    """``--top`` refuses what is not a whole number, and numbers below 1."""
    with pytest.raises(argparse.ArgumentTypeError, match="invalid count"):
        _args.count(text)
    assert _args.count("7") == 7


def test_a_result_out_of_order_gets_no_line_rather_than_a_wrong_one() -> None:
    """Results come in row order; one that does not is given no line, never another's."""
    pending: collections.deque[tuple[int, int, Any]] = collections.deque(
        [(0, 2, "a"), (1, 3, "b"), (2, 5, "c")]
    )
    assert _io._source(pending, 1) == (3, "b")
    assert _io._source(pending, 0) == (None, None)
    assert _io._source(pending, 2) == (5, "c")
    assert _io._source(pending, 7) == (None, None)
    assert not pending


def test_an_id_less_event_inside_a_bad_complaint_keeps_the_lines_in_order(
    samples: Path, tmp_path: Path
) -> None:
    """An event without a complaint id before a complaint's bad event: both rejected, in order."""
    lines = (samples / "events.jsonl").read_text("utf-8").splitlines()
    orphan = json.loads(lines[1])
    del orphan["complaint_id"]
    bad = json.loads(lines[2])
    bad["at"] = "later"
    events = tmp_path / "events.jsonl"
    events.write_text(
        "\n".join([lines[0], json.dumps(orphan), json.dumps(bad), *lines[3:]]) + "\n", "utf-8"
    )
    dead = tmp_path / "dead.jsonl"
    args = [
        "clocks",
        str(events),
        "--policy",
        str(samples / "sla.json"),
        "--calendar",
        str(samples / "calendar.json"),
        "--at",
        AT,
        "-o",
        str(tmp_path / "c.jsonl"),
        "--rejects",
        str(dead),
    ]
    assert main(args) == _io.EXIT_REJECTED
    assert [(d["line"], d["key"]) for d in _jsonl(dead)] == [(2, None), (3, "TS-2026-0001")]


def test_a_summary_forgets_each_row_once_it_is_through(tmp_path: Path) -> None:
    """Good values let the rows before them go: what is pending never grows with the input."""
    pending: collections.deque[tuple[int, int, Any]] = collections.deque()
    dead = _io._DeadLetters(tmp_path / "dead.jsonl", contextlib.ExitStack())
    sizes = []

    def items() -> Any:
        for position in range(1000):
            pending.append((position, position + 2, f"raw {position}"))
            sizes.append(len(pending))
            yield position, f"value {position}"

    values = list(_io._good(items(), pending, dead, "key", Lang.EN))
    assert values == [f"value {n}" for n in range(1000)]
    assert max(sizes) <= 2
    assert dead.count == 0
