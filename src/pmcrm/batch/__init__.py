"""Batch kernels: pmcrm's main jobs over plain records, for data engines and the CLI.

A kernel is a pure function that takes an iterable of plain records
(dicts of JSON-shaped values, or nested values as JSON text) and yields
plain result records, lazily, one input row at a time.  A row that cannot
be processed never stops the run: it comes out as a record with status
``"rejected"`` and every fault, each with its path, in its ``errors``
column.  Every kernel publishes its input columns and its result
:class:`Schema`; every result value is JSON-ready (decimals, dates and
durations as text), so results compare exactly, and write to JSON Lines,
CSV or Parquet unchanged.

The kernels, by module (all exported here):

* ``pmcrm.batch.tiers`` — the periodic tier review, member by member;
* ``pmcrm.batch.benefits`` — the entitlements each customer holds on a day,
  and bills priced with the discounts held;
* ``pmcrm.batch.complaints`` — complaints replayed from their event stream,
  and their SLA clocks at an instant;
* ``pmcrm.batch.surveys`` — survey responses checked and scored, and the wide
  form of a questionnaire spreadsheet;
* ``pmcrm.batch.summaries`` — the whole-input reports (the complaint
  analysis, a survey's scores and quadrants) as flat records.

The ``*_frame`` variants take and return a pandas DataFrame (pandas is
never required by pmcrm; they import it when called), for Dask's
``map_partitions`` and Spark's ``mapInPandas``.  Build the converter inside
each worker (a cattrs converter cannot be pickled): pass ``converter=None``
and each process uses its own default.
"""

from pmcrm.batch._core import (
    COLUMN_TYPES,
    ERRORS_COLUMN,
    OK,
    REJECTED,
    ROW_COLUMNS,
    Column,
    Record,
    Schema,
    from_engine,
    from_flat,
    make_schema,
    plain,
    records_of,
    report_of,
    row_ids,
    to_frame,
)
from pmcrm.batch.benefits import (
    ENTITLEMENT_INPUT,
    ENTITLEMENT_SCHEMA,
    PRICE_INPUT,
    PRICE_SCHEMA,
    entitlement_frame,
    entitlement_records,
    price_frame,
    price_records,
)
from pmcrm.batch.complaints import (
    CLOCK_INPUT,
    CLOCK_SCHEMA,
    STATE_SCHEMA,
    clock_frame,
    clock_records,
    complaint_states,
)
from pmcrm.batch.summaries import (
    ANALYSIS_SCHEMA,
    CAUSE_SCHEMA,
    IPA_SCHEMA,
    SCORE_SCHEMA,
    analysis_records,
    cause_records,
    ipa_records,
    score_records,
)
from pmcrm.batch.surveys import (
    NA_CELLS,
    RESPONSE_INPUT,
    RESPONSE_SCHEMA,
    SEGMENT_PREFIX,
    checked_responses,
    response_columns,
    response_frame,
    response_from_row,
    response_records,
)
from pmcrm.batch.tiers import REVIEW_INPUT, REVIEW_SCHEMA, review_frame, review_records

__all__ = [
    "ANALYSIS_SCHEMA",
    "CAUSE_SCHEMA",
    "CLOCK_INPUT",
    "CLOCK_SCHEMA",
    "COLUMN_TYPES",
    "ENTITLEMENT_INPUT",
    "ENTITLEMENT_SCHEMA",
    "ERRORS_COLUMN",
    "IPA_SCHEMA",
    "NA_CELLS",
    "OK",
    "PRICE_INPUT",
    "PRICE_SCHEMA",
    "REJECTED",
    "RESPONSE_INPUT",
    "RESPONSE_SCHEMA",
    "REVIEW_INPUT",
    "REVIEW_SCHEMA",
    "ROW_COLUMNS",
    "SCORE_SCHEMA",
    "SEGMENT_PREFIX",
    "STATE_SCHEMA",
    "Column",
    "Record",
    "Schema",
    "analysis_records",
    "cause_records",
    "checked_responses",
    "clock_frame",
    "clock_records",
    "complaint_states",
    "entitlement_frame",
    "entitlement_records",
    "from_engine",
    "from_flat",
    "ipa_records",
    "make_schema",
    "plain",
    "price_frame",
    "price_records",
    "records_of",
    "report_of",
    "response_columns",
    "response_frame",
    "response_from_row",
    "response_records",
    "review_frame",
    "review_records",
    "row_ids",
    "score_records",
    "to_frame",
]


def _publish() -> None:
    """Present the shared machinery as defined here (``pmcrm.batch.Schema``).

    It lives in a private module; users, the documentation and
    :mod:`pickle` should meet it as ``pmcrm.batch.X``.
    """
    for obj in (
        Column,
        Schema,
        from_engine,
        from_flat,
        make_schema,
        plain,
        records_of,
        report_of,
        row_ids,
        to_frame,
    ):
        obj.__module__ = __name__
    for cls in (Column, Schema):
        for member in vars(cls).values():
            function = getattr(member, "fget", member)
            if getattr(function, "__module__", None) == "pmcrm.batch._core":
                function.__module__ = __name__


_publish()
