"""The Dask path of ``docs/how-to/dask.rst`` on a local cluster: the same results as one process.

The job code below is the how-to's, unchanged (a test checks the page
shows it).  It needs Dask, pandas and pyarrow, which the main test job
does not install: ``.ci/dask`` makes its own venv (``.venv-dask``) with
the ``dask`` extra and runs this module.  Anywhere else the module is
skipped, with that reason.
"""

import itertools
import json
import textwrap
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pmcrm.batch import (
    CLOCK_INPUT,
    CLOCK_SCHEMA,
    OK,
    REJECTED,
    REVIEW_INPUT,
    REVIEW_SCHEMA,
    Record,
    Schema,
    clock_frame,
    clock_records,
    review_frame,
    review_records,
    to_frame,
)
from pmcrm.calendars import TimeBase
from pmcrm.complaints import ComplaintEvent, SlaPolicy
from pmcrm.sample import (
    sample_calendar,
    sample_complaints,
    sample_config,
    sample_members,
    sample_portfolio,
    sample_tier_policy,
)
from pmcrm.serialization import unstructure
from pmcrm.tiers import TierPolicy

_NEEDS = "needs the dask extra (Dask, pandas, pyarrow): run .ci/dask"
dask: Any = pytest.importorskip("dask", reason=_NEEDS)
dd: Any = pytest.importorskip("dask.dataframe", reason=_NEEDS)
distributed: Any = pytest.importorskip("dask.distributed", reason=_NEEDS)
pd: Any = pytest.importorskip("pandas", reason=_NEEDS)
pa: Any = pytest.importorskip("pyarrow", reason=_NEEDS)
pq: Any = pytest.importorskip("pyarrow.parquet", reason=_NEEDS)

HOW_TO = Path(__file__).parents[1] / "docs" / "how-to" / "dask.rst"
SHOWN = "# --- shown in docs/how-to/dask.rst"

# --- shown in docs/how-to/dask.rst: what every job shares -----------------------------

ROW_ID = "row_id"  # your own number for each input row, written with the input
ARROW_TYPES = {"integer": pa.int64(), "boolean": pa.bool_()}  # every other type is text


def write_results(results: Any, schema: Schema, ok_dir: str, rejected_dir: str) -> None:
    """Write the ok results and the rejected rows, in one pass over the input."""
    arrow = pa.schema(
        [
            pa.field(c.name, ARROW_TYPES.get(c.type, pa.string()), nullable=c.nullable)
            for c in schema.columns
        ]
    )
    dask.compute(  # both writes in one graph: each partition is processed once, in a worker
        results[results["status"] == OK].to_parquet(
            ok_dir, schema=arrow, write_index=False, compute=False
        ),
        results[results["status"] == REJECTED].to_parquet(
            rejected_dir, schema=arrow, write_index=False, compute=False
        ),
    )


# --- shown in docs/how-to/dask.rst: the tier review -----------------------------------


def review_partition(part: Any, policy: TierPolicy, on: date) -> Any:
    """Review one partition's members, in a worker."""
    return review_frame(part, policy, on, row_column=ROW_ID)  # the worker's own converter


def review_job(
    source: str, ok_dir: str, rejected_dir: str, *, policy: TierPolicy, on: date
) -> None:
    """Review the members in *source*: results to *ok_dir*, refused rows to *rejected_dir*."""
    rows = dd.read_parquet(source, columns=[ROW_ID, *REVIEW_INPUT])  # read in the workers
    meta = to_frame([], REVIEW_SCHEMA)  # the results' columns and types, for Dask
    results = rows.map_partitions(review_partition, policy, on, meta=meta)
    write_results(results, REVIEW_SCHEMA, ok_dir, rejected_dir)


# --- shown in docs/how-to/dask.rst: the complaint clocks ------------------------------


def clock_partition(part: Any, policy: SlaPolicy, at: datetime, calendar: TimeBase) -> Any:
    """Read the clocks of one partition's complaints, in a worker."""
    part = part.sort_values(["complaint_id", ROW_ID], kind="stable")  # events in input order
    return clock_frame(part, policy, at, calendar=calendar, row_column=ROW_ID)


def clock_job(
    source: str,
    ok_dir: str,
    rejected_dir: str,
    *,
    policy: SlaPolicy,
    at: datetime,
    calendar: TimeBase,
) -> None:
    """The SLA clocks at *at* of the complaints whose events are in *source*."""
    events = dd.read_parquet(source, columns=[ROW_ID, *CLOCK_INPUT])
    events = events.shuffle("complaint_id")  # all of a complaint's events in one partition
    meta = to_frame([], CLOCK_SCHEMA)
    results = events.map_partitions(clock_partition, policy, at, calendar, meta=meta)
    write_results(results, CLOCK_SCHEMA, ok_dir, rejected_dir)


# --- the tests -----------------------------------------------------------------------

ON = sample_config().as_of
AT = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=8)))
PARTITIONS = 4


def _text(value: Any) -> str:
    return json.dumps(unstructure(value), ensure_ascii=False)


def member_rows() -> list[Record]:
    """The sample portfolio as input rows, with broken rows among them, each with its id."""
    rows = [
        {"customer": _text(c), "member": _text(m)}
        for c, m in zip(sample_portfolio(), sample_members(), strict=True)
    ]
    customer = unstructure(sample_portfolio()[0])
    bad_area = customer | {"units": [customer["units"][0] | {"area": "-3"}]}
    broken = [
        {"customer": "{not json", "member": rows[0]["member"]},  # not JSON text
        {"customer": json.dumps(bad_area), "member": rows[0]["member"]},  # a bad value
        {"customer": rows[0]["customer"], "member": "[]"},  # not an object
        {"customer": rows[0]["customer"], "member": rows[1]["member"]},  # not theirs
    ]
    for at, row in zip((3, 70, 150, 199), broken, strict=True):
        rows.insert(at, row)
    return [row | {ROW_ID: n} for n, row in enumerate(rows)]


def event_rows() -> list[Record]:
    """The sample complaints' events in time order (complaints interleaved), each with its id.

    Objects (a compensation) are JSON text, as in a table.  One event is
    broken (its instant is not one), so its complaint is rejected.
    """
    events = [
        {k: json.dumps(v) if isinstance(v, dict) else v for k, v in record.items()}
        for record in (
            unstructure(e, unstructure_as=ComplaintEvent) for e in sample_complaints().events
        )
    ]
    events.sort(key=lambda e: datetime.fromisoformat(e["at"]))  # stable: in order per complaint
    events[100] = events[100] | {"at": "yesterday"}
    return [event | {ROW_ID: n} for n, event in enumerate(events)]


def write_input(rows: list[Record], directory: Path) -> None:
    """*rows* as Parquet files in *directory*, in their order, one file per partition.

    Every file has the same schema: the row id, a whole number, then text
    columns (a key missing from a row is a null cell).
    """
    directory.mkdir()
    columns = dict.fromkeys(k for row in rows for k in row if k != ROW_ID)
    schema = pa.schema([(ROW_ID, pa.int64()), *((name, pa.string()) for name in columns)])
    table = pa.Table.from_pylist(rows, schema=schema)
    size = -(-len(rows) // PARTITIONS)
    for n in range(PARTITIONS):
        pq.write_table(table.slice(n * size, size), directory / f"part-{n}.parquet")


def read_results(directory: Path, schema: Schema) -> list[Record]:
    """The records written to *directory* (their ``row`` is the input's row id)."""
    table = pq.read_table(directory)
    assert list(schema.names) == table.column_names
    assert pa.int64() == table.schema.field("row").type
    records: list[Record] = table.to_pylist()
    return records


def by_row_id(records: list[Record], rows: list[Record]) -> list[Record]:
    """One process's *records* over *rows*, each with its input row's id as ``row``."""
    return [r | {"row": rows[r["row"]][ROW_ID]} for r in records]


def in_order(records: list[Record]) -> list[Record]:
    """*records* by row, then metric (a complaint has one clock per metric)."""
    return sorted(records, key=lambda r: (r["row"], str(r.get("metric"))))


def split(records: list[Record]) -> tuple[list[Record], list[Record]]:
    """The ok and the rejected *records*, each in order."""
    ok = [r for r in records if r["status"] == OK]
    return in_order(ok), in_order([r for r in records if r["status"] != OK])


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A local cluster of two single-threaded worker processes, and a client for it."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


Job = Callable[[str, str, str], None]


def run_job(job: Job, rows: list[Record], schema: Schema, tmp_path: Path) -> list[Record]:
    """*job* over *rows* written as Parquet: the ok, then the rejected records it wrote."""
    write_input(rows, tmp_path / "input")
    job(str(tmp_path / "input"), str(tmp_path / "ok"), str(tmp_path / "rejected"))
    ok, rejected = (
        read_results(tmp_path / "ok", schema),
        read_results(tmp_path / "rejected", schema),
    )
    assert {OK} >= {r["status"] for r in ok}
    assert {REJECTED} >= {r["status"] for r in rejected}
    return in_order(ok) + in_order(rejected)


def review(source: str, ok_dir: str, rejected_dir: str) -> None:
    """The how-to's review job on the sample VIP programme."""
    review_job(source, ok_dir, rejected_dir, policy=sample_tier_policy(), on=ON)


def clocks(source: str, ok_dir: str, rejected_dir: str) -> None:
    """The how-to's clock job on the sample SLA policy and calendar."""
    complaints = sample_complaints()
    clock_job(
        source, ok_dir, rejected_dir, policy=complaints.policy, at=AT, calendar=sample_calendar()
    )


def test_the_cluster_reviews_exactly_as_one_process(client: Any, tmp_path: Path) -> None:
    """Reviewed on two worker processes, every row comes out as in one process."""
    rows = member_rows()
    with distributed.get_task_stream(client) as tasks:
        written = run_job(review, rows, REVIEW_SCHEMA, tmp_path)
    single = split(by_row_id(list(review_records(rows, sample_tier_policy(), ON)), rows))
    assert single[0] + single[1] == written
    assert (200, 4) == (len(single[0]), len(single[1]))
    reviewed = sorted(t["key"][1] for t in tasks.data if "review_partition" in str(t["key"]))
    assert list(range(PARTITIONS)) == reviewed  # each partition once, by a worker


def test_a_missing_cell_is_missing_on_the_cluster_too(client: Any, tmp_path: Path) -> None:
    """A row whose member cell is empty is rejected as in one process: member missing."""
    rows = member_rows()[:10]
    rows[4] = rows[4] | {"member": None}
    written = run_job(review, rows, REVIEW_SCHEMA, tmp_path)
    single = split(by_row_id(list(review_records(rows, sample_tier_policy(), ON)), rows))
    assert single[0] + single[1] == written


def test_the_cluster_reads_clocks_exactly_as_one_process(client: Any, tmp_path: Path) -> None:
    """Events shuffled by complaint on the cluster give the clocks one process reads.

    The events come interleaved, in time order, across the input files; in
    one process they are sorted by complaint, keeping their order.
    """
    rows = event_rows()
    written = run_job(clocks, rows, CLOCK_SCHEMA, tmp_path)
    ordered = sorted(rows, key=lambda r: (r["complaint_id"], r[ROW_ID]))
    events = [{k: v for k, v in row.items() if k != ROW_ID} for row in ordered]  # no extra key
    policy, calendar = sample_complaints().policy, sample_calendar()
    single = split(by_row_id(list(clock_records(events, policy, AT, calendar=calendar)), ordered))
    assert single[0] + single[1] == written
    assert len(single[1]) >= 1
    assert 3 * len(single[1]) < len(single[0])


def test_the_how_to_shows_this_code() -> None:
    """``docs/how-to/dask.rst`` shows each section above marked for it, line for line."""
    page = HOW_TO.read_text(encoding="utf-8")
    lines = Path(__file__).read_text(encoding="utf-8").splitlines()
    marks = [n for n, line in enumerate(lines) if line.startswith("# --- ")]
    shown = [(a, b) for a, b in itertools.pairwise(marks) if lines[a].startswith(SHOWN)]
    assert 3 == len(shown)
    for start, end in shown:
        code = "\n".join(lines[start + 1 : end]).strip("\n")
        assert textwrap.indent(code, "   ") in page, lines[start]
