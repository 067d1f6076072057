"""Messages between the crawl and its page worker: pickled tuples, each behind its 4-byte length."""

from __future__ import annotations

import pickle
import select
import socket
import struct
from collections import deque
from collections.abc import Iterable
from typing import Any

_LENGTH = struct.Struct("!I")
IDLE = object()  # FrameReader.next: nothing arrived within the timeout


def encode(message: Any) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(payload)) + payload


class FrameBuffer:
    """Bytes in as they arrive, whole messages out."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._start = 0

    def feed(self, data: bytes) -> list[Any]:
        self._data += data
        out = []
        while (frame := self._take()) is not None:
            out.append(pickle.loads(frame))
        return out

    def has_frame(self) -> bool:
        available = len(self._data) - self._start
        if available < _LENGTH.size:
            return False
        (n,) = _LENGTH.unpack_from(self._data, self._start)
        return available >= _LENGTH.size + n

    def _take(self) -> bytearray | None:
        if not self.has_frame():
            if self._start:  # drop what was read, once, rather than after every frame
                del self._data[: self._start]
                self._start = 0
            return None
        (n,) = _LENGTH.unpack_from(self._data, self._start)
        begin = self._start + _LENGTH.size
        self._start = begin + n
        return self._data[begin : begin + n]


class FrameReader:
    """Blocking reads of whole messages from a socket, with a timeout."""

    def __init__(self, sock: socket.socket, chunk: int = 1 << 20):
        self.sock = sock
        self.chunk = chunk
        self._buffer = FrameBuffer()
        self._ready: deque[Any] = deque()

    def has_frame(self) -> bool:
        return bool(self._ready) or self._buffer.has_frame()

    def next(self, timeout: float | None = None) -> Any:
        """The next message; IDLE when none came within `timeout` seconds; None at the end of the stream."""
        while not self._ready:
            readable, _, _ = select.select([self.sock], [], [], timeout)
            if not readable:
                return IDLE
            data = self.sock.recv(self.chunk)
            if not data:
                return None
            self._ready.extend(self._buffer.feed(data))
        return self._ready.popleft()


def send_frames(sock: socket.socket, messages: Iterable[Any]) -> None:
    sock.sendall(b"".join(encode(m) for m in messages))
