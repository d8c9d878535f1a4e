"""Hypothesis entry point: registers pmcrm's strategies for ``st.from_type``."""


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis when it loads its plugins."""
    from pmcrm.strategies import register_type_strategies  # noqa: PLC0415

    register_type_strategies()
