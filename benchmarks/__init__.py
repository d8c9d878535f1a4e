"""pmcrm performance benchmarks: ``python -m benchmarks`` (see ``benchmarks/README.md``).

Every figure is a ratio against a baseline timed in the same run, with the
candidates checked equal first and interleaved over rounds.  Timings are
printed, never asserted.
"""
