"""`otter assign`, with the log receiver of Otter 7.0.0 made to stop at a closed connection.

While `otter assign` runs a master's tests, the kernel sends its log records to a socket
server (`otter.execute.logging`). When the kernel closes the connection in the middle of
a record, Otter's handler calls `recv` for ever, each call returning nothing at once: the
build spins at full CPU and never ends (seen on notebook 08 in a fresh clone). Run as
`python autograder/otter_assign.py ARGS` (from the master's folder, as `otter assign`
is), this is Otter's command line with a handler that stops there.
"""

import logging
import struct
import sys

from otter.cli import cli
from otter.execute import logging as otter_logging


def _receive(connection, size):
    """`size` bytes from `connection`, or None once it is closed before they all came."""
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def handle(self):
    """Log each record of the stream (a 4-byte length, then the pickled record) until the
    connection closes, whole records or not."""
    while (header := _receive(self.connection, 4)) is not None:
        body = _receive(self.connection, struct.unpack(">L", header)[0])
        if body is None:
            return
        self.handle_log_record(logging.makeLogRecord(self.unpickle(body)))


otter_logging.LogRecordStreamHandler.handle = handle

if __name__ == "__main__":
    cli(["assign", *sys.argv[1:]], prog_name="otter")
