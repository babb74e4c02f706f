"""The message format between the grader and a student's sandboxed process: plain
JSON, length-prefixed on a socket. Arrays travel as their raw bytes (base64) with their
numeric dtype and shape, so nothing a student returns can execute code in the grader (no
pickle) and no object with a custom `==` can cross. NumPy scalars keep their type and sets stay sets,
so the tests see what they would see in the student's own kernel (as under nbgrader).
"""

import base64
import json
import struct

import numpy as np

MAX_MESSAGE = 64 * 1024 * 1024
# The error name of a cell or a call stopped at its time limit, as the grader receives it.
TIME_LIMIT = "TimeLimit"
_DEPTH = 4


def encode(value, args=(), depth=0):
    """Plain-data form of `value`; a value that *is* one of the array `args` is sent as
    its index, so identity survives the trip."""
    for index, arg in enumerate(args):
        if value is arg and isinstance(arg, np.ndarray):
            return {"t": "arg", "v": index}
    if value is None or type(value) in (bool, str):
        return value
    if isinstance(value, (np.bool_, np.integer, np.floating)):
        return {"t": "numpy", "v": value.item(), "dtype": value.dtype.str}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"t": "int", "v": int(value)}
    if isinstance(value, float):
        return {"t": "float", "v": float(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {"t": "ndarray", "v": base64.b64encode(np.ascontiguousarray(value).tobytes()).decode(),
                "dtype": value.dtype.str, "shape": list(value.shape)}
    if type(value) in (list, tuple, set, frozenset) and depth < _DEPTH and len(value) <= 10_000:
        return {"t": type(value).__name__, "v": [encode(v, args, depth + 1) for v in value]}
    if type(value) is dict and depth < _DEPTH and len(value) <= 1000:
        return {"t": "dict", "v": [[str(k), encode(v, args, depth + 1)] for k, v in value.items()]}
    return {"t": "other", "v": type(value).__name__}


class Opaque:
    """Stands in for an object that cannot cross the wire: only its type name is known."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<a {self.type_name} object>"


_CONTAINERS = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}


def _numeric(dtype):
    """Whether `dtype` (a dtype string from the other side) is a bool or number type."""
    try:
        return np.dtype(dtype).kind in "biuf"
    except TypeError:
        return False


def _opaque(type_name):
    return type(str(type_name), (Opaque,), {})(str(type_name))


def decode(data, args=()):
    """Inverse of `encode`; `{"t": "arg", "v": i}` becomes `args[i]` itself. Anything
    malformed becomes an Opaque object: the other side is not trusted."""
    if data is None or type(data) in (bool, str):
        return data
    try:
        return _decode_tagged(data, args)
    except (KeyError, TypeError, ValueError, IndexError, OverflowError):
        return _opaque("malformed value")


def _decode_tagged(data, args):
    kind, payload = data["t"], data["v"]
    if kind == "arg":
        return args[payload]
    if kind == "int":
        return int(payload)
    if kind == "float":
        return float(payload)
    if kind == "numpy" and _numeric(data["dtype"]):
        return np.dtype(data["dtype"]).type(payload)
    if kind == "ndarray" and _numeric(data["dtype"]):
        raw = base64.b64decode(payload, validate=True)
        return np.frombuffer(raw, dtype=np.dtype(data["dtype"])).reshape(data["shape"]).copy()
    if kind in _CONTAINERS:  # a set of unhashable items raises TypeError: malformed
        return _CONTAINERS[kind](decode(v, args) for v in payload)
    if kind == "dict":
        return {str(k): decode(v, args) for k, v in payload}
    return _opaque(payload if kind == "other" else "malformed value")


def send(sock, message):
    body = json.dumps(message).encode()
    sock.sendall(struct.pack("!I", len(body)) + body)


def receive(sock):
    """The next message, or None when the other side has gone."""
    header = _read_exactly(sock, 4)
    if header is None:
        return None
    (size,) = struct.unpack("!I", header)
    if size > MAX_MESSAGE:
        raise ValueError(f"message of {size} bytes is too large")
    body = _read_exactly(sock, size)
    return None if body is None else json.loads(body)


def _read_exactly(sock, size):
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
