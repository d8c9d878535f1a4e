"""Shared test configuration: Hypothesis profiles and the purity guard.

Profiles: ``dev`` (quick, the default), ``ci`` (Hypothesis' own ``ci``
profile, which it loads whenever ``CI`` is set, extended rather than
replaced) and ``nightly`` (long).  Pick one with ``--hypothesis-profile``
or the ``PMCRM_HYPOTHESIS_PROFILE`` environment variable.
"""

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ["purity_guard"]

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    settings.get_profile("ci"),
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "nightly",
    settings.get_profile("ci"),
    max_examples=5_000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("PMCRM_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)
