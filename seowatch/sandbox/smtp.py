"""A local SMTP server on any free port (aiosmtpd), standing in for the mail server in the demo and tests."""

from __future__ import annotations

from aiosmtpd.controller import Controller


class PortZeroController(Controller):
    """aiosmtpd's Controller, able to start on port 0.

    aiosmtpd 1.4 wakes its server by connecting to `self.port`; with port 0 that is the port the
    operating system chose, read back from the listening socket.
    """

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Mailbox:
    """An aiosmtpd handler keeping the raw bytes of every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"
