"""Tests for writing to the terminal (``pmcrm.cli._output``)."""

import os

from pmcrm.cli._output import emit


class BrokenPipe:
    """A stream whose reader has gone away."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str, /) -> int:
        """Fail as a closed pipe does."""
        raise BrokenPipeError

    def flush(self) -> None:
        """Nothing to flush."""

    def fileno(self) -> int:
        """The descriptor given."""
        return self.fd


def test_emit_stops_quietly_when_the_reader_goes_away() -> None:
    """On a broken pipe, ``emit`` returns 1 and points the stream at the null device."""
    read_end, write_end = os.pipe()
    try:
        assert emit("report", BrokenPipe(write_end)) == 1
        os.write(write_end, b"after the pipe broke")  # goes to the null device
        os.close(write_end)
        assert os.read(read_end, 100) == b"", "the pipe's write end was replaced"
    finally:
        os.close(read_end)
