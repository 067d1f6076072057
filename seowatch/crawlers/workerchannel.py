"""The crawl's side of its page worker (see `serpworker`): asking it, closing it.

The worker runs in the command that started the crawl; the crawl's process gets its end of a socket
pair as a file descriptor. That process runs the reactor and must never block on the worker, so its
side of the socket is an asyncio transport: sends are buffered, replies resolve futures as they
arrive. The worker's side blocks, which is fine: it only waits for the crawl.
"""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime
from typing import Any, NamedTuple

from seowatch.crawlers.framing import FrameBuffer, encode

# This module is all the crawl's process imports of the worker's side: the parsers, the decision
# and the store are imported by the worker alone.


class PageFetch(NamedTuple):
    """A result page as the crawl fetched it; the worker parses its bytes."""

    page_no: int
    url: str
    fetched_at: datetime
    http_status: int | None = None
    attempts: int = 1
    failure: str | None = None  # a failure before any parsing: http_503, timeout, truncated ...
    failure_detail: str | None = None


class PageSummary(NamedTuple):
    """What the crawl needs of a parsed page to go on with its chain."""

    page_no: int
    reason: str | None  # why the page cannot be read as a ranking; None when it can
    organic: int = 0
    has_next: bool = False
    no_results: bool = False
    # The engine's redirect links of results whose target the page does not carry, each with its
    # target when the store already resolved it, else None.
    redirects: tuple[tuple[str, str | None], ...] = ()

    @property
    def ok(self) -> bool:
        return self.reason is None


class WorkerGone(RuntimeError):
    """The page worker ended before the crawl closed it (its log says why)."""


class _Channel(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = FrameBuffer()
        self.waiting: dict[int, asyncio.Future] = {}
        self.ended: asyncio.Future = asyncio.get_running_loop().create_future()
        self.closed_cleanly = False
        self._outgoing: list[bytes] = []

    def connection_made(self, transport) -> None:
        self.transport = transport

    def send(self, message: tuple) -> None:
        """Queue a message; what the callbacks of one turn of the event loop queue leaves in one write
        (one system call, and one wake-up of the worker, instead of one per message)."""
        if not self._outgoing:
            asyncio.get_running_loop().call_soon(self.flush)
        self._outgoing.append(encode(message))

    def flush(self) -> None:
        if self._outgoing and self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(self._outgoing))
        self._outgoing.clear()

    def data_received(self, data: bytes) -> None:
        for message in self.buffer.feed(data):
            if message[0] == "parsed":
                future = self.waiting.pop(message[1], None)
                if future is not None and not future.done():
                    future.set_result(message[2])
            elif message[0] == "closed":
                self.closed_cleanly = True

    def eof_received(self) -> bool:
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(WorkerGone("the page worker ended in the middle of the crawl"))
        self.waiting.clear()
        if not self.ended.done():
            self.ended.set_result(None)


class PageWorkerClient:
    """What the spider holds: `parse` a page, `check` a finished chain, `close` at the end."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._channel: _Channel | None = None
        self._connecting: asyncio.Future | None = None
        self._next_id = 0

    @classmethod
    def from_fd(cls, fd: int) -> PageWorkerClient:
        """The end of the socket pair the command handed to this process."""
        return cls(socket.socket(fileno=fd))

    async def _connected(self) -> _Channel:
        if self._connecting is None:  # once: callbacks of many responses get here together
            self.sock.setblocking(False)
            self._connecting = asyncio.ensure_future(asyncio.get_running_loop().connect_accepted_socket(_Channel, self.sock))
        if self._channel is None:
            _, self._channel = await self._connecting
        return self._channel

    def _send(self, channel: _Channel, message: tuple) -> None:
        if channel.ended.done():
            raise WorkerGone("the page worker ended in the middle of the crawl")
        channel.send(message)

    async def parse(self, job_index: int, page: PageFetch, body: bytes, headers: Any) -> PageSummary:
        """The worker parses `body` as `page` of a chain and keeps it; returns its PageSummary."""
        channel = await self._connected()
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._send(channel, ("parse", self._next_id, job_index, page, body, headers))
        channel.waiting[self._next_id] = future
        return await future

    async def check(self, job_index: int, page_numbers: list[int], tail: PageFetch | None, resolved: dict[str, str],
                    redirect_links: set[str], complete: bool, fresh: list[tuple[str, str]]) -> None:
        """The chain is over: the worker decides its check from the kept pages (and `tail`, a page that
        failed before it could be parsed) and stores it, with the links this chain resolved (`fresh`:
        absolute link and target) for later crawls."""
        channel = await self._connected()
        self._send(channel, ("check", job_index, page_numbers, tail, resolved, redirect_links, complete, fresh))

    async def lost(self) -> bool:
        """Wait until the connection ends: True when the worker went away without being closed."""
        channel = await self._connected()
        await asyncio.shield(channel.ended)
        return not channel.closed_cleanly

    async def close(self) -> bool:
        """Ask the worker to store what it holds and end; True when it did."""
        channel = await self._connected()
        if not channel.ended.done():
            channel.send(("close",))
            channel.flush()
            await channel.ended
        channel.transport.close()
        return channel.closed_cleanly

    def abandon(self) -> None:
        """After a crawl that did not close the worker: end the connection (the worker stores what it
        has decided and ends)."""
        if self._channel is None:
            self.sock.close()
        elif self._channel.transport is not None:
            self._channel.flush()  # what the last callbacks queued (the transport writes it before closing)
            self._channel.transport.close()
