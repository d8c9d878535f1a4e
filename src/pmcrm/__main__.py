"""``python -m pmcrm``: the same as the ``pmcrm`` command (see :mod:`pmcrm.cli`)."""

from pmcrm.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
