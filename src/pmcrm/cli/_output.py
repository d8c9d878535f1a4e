"""Writing to the terminal: :func:`emit` and the :class:`Stream` it writes to."""

import os
import sys
from typing import Protocol

__all__ = ["Stream", "emit"]


class Stream(Protocol):
    """Where :func:`emit` writes: a text stream with a file descriptor."""

    def write(self, text: str, /) -> int:
        """Write *text*."""
        ...  # pragma: no cover - protocol

    def flush(self) -> None:
        """Flush buffered output."""
        ...  # pragma: no cover - protocol

    def fileno(self) -> int:
        """The underlying file descriptor."""
        ...  # pragma: no cover - protocol


def emit(text: str, stream: Stream | None = None) -> int:
    """Write *text* and a newline to *stream* (default: stdout); return an exit code.

    When the reader goes away early (``pmcrm demo | head``), stop quietly with
    exit code 1 instead of a traceback, as command-line tools do: the rest of
    the output goes to the null device, so the interpreter's final flush
    cannot fail again.
    """
    out = sys.stdout if stream is None else stream
    try:
        out.write(text + "\n")
        out.flush()
    except BrokenPipeError:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, out.fileno())
        os.close(null)
        return 1
    return 0
