"""Messages between the crawl and its page worker survive any split of the byte stream."""

from __future__ import annotations

import socket
import threading

from seowatch.crawlers.framing import IDLE, FrameBuffer, FrameReader, encode, send_frames

MESSAGES = [("parse", 1, 0, None, b"\x00" * 70000, {b"Content-Type": [b"text/html"]}), ("check", 3, [1, 2]), ("close",)]


def test_messages_come_out_whole_however_the_bytes_arrive():
    stream = b"".join(encode(m) for m in MESSAGES)
    for size in (1, 3, 4, 5, 4096, len(stream)):
        buffer, out = FrameBuffer(), []
        for start in range(0, len(stream), size):
            out += buffer.feed(stream[start:start + size])
        assert out == MESSAGES, size
        assert not buffer.has_frame()


def test_a_reader_says_idle_after_its_timeout_and_none_at_the_end():
    ours, theirs = socket.socketpair()
    reader = FrameReader(ours, chunk=1000)
    assert reader.next(0) is IDLE
    sender = threading.Thread(target=send_frames, args=(theirs, MESSAGES))  # more than a socket buffer holds
    sender.start()
    assert [reader.next(5) for _ in MESSAGES] == MESSAGES
    sender.join()
    assert reader.next(0) is IDLE
    theirs.close()
    assert reader.next(5) is None
