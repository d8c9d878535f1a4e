"""Hypothesis entry point: registers pmcrm's strategies for ``st.from_type``."""

import sys


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis when it loads its plugins.

    When :mod:`pmcrm.strategies` is the module importing Hypothesis, it is
    only partly defined at this point: it registers its strategies itself at
    the end of its import, so there is nothing to do here.
    """
    importing = sys.modules.get("pmcrm.strategies")
    if importing is not None and not hasattr(importing, "register_type_strategies"):
        return
    from pmcrm.strategies import register_type_strategies  # noqa: PLC0415

    register_type_strategies()
