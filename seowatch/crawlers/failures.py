"""Naming why a request failed: DNS, refused, timeout, data loss, connection lost (stored as the reason)."""

from __future__ import annotations

# Scrapy >= 2.13 wraps Twisted's errors (CannotResolveHostError from DNSLookupError ...): both
# spellings are named, innermost cause first.
_UNREACHABLE = (
    ("dns_error", ("CannotResolveHostError", "DNSLookupError")),
    ("connection_refused", ("DownloadConnectionRefusedError", "ConnectionRefusedError")),
    ("timeout", ("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError")),
    ("dataloss", ("ResponseDataLossError", "_DataLoss")),
    ("connection_lost", ("ConnectionDone", "ConnectionLost", "ResponseNeverReceived", "ResponseFailed",
                         "DownloadFailedError")),
)


def causes(exc: BaseException) -> list[BaseException]:
    """The error and what it wraps (__cause__, Twisted's `reasons`), outermost first."""
    out: list[BaseException] = []
    node: BaseException | None = exc
    while node is not None and node not in out and len(out) < 10:
        out.append(node)
        reasons = getattr(node, "reasons", None)
        inner = getattr(reasons[0], "value", None) if reasons else None
        node = node.__cause__ or (inner if isinstance(inner, BaseException) else None)
    return out


def unreachable_reason(exc: BaseException) -> tuple[str, str]:
    """(dns_error | connection_refused | timeout | dataloss | connection_lost | network_error, detail)."""
    chain = causes(exc)
    innermost = chain[-1]
    detail = f"{type(innermost).__name__}: {str(innermost).strip() or 'no detail'}"[:500]
    # A body cut short reaches Scrapy as ResponseFailed([ConnectionDone, _DataLoss]) wrapped in
    # ResponseDataLossError: the closed connection is how the loss shows, not what went wrong.
    if any(_names(node) & set(dict(_UNREACHABLE)["dataloss"]) for node in chain):
        return "dataloss", f"the connection closed before the whole body arrived ({detail})"[:500]
    for node in reversed(chain):
        names = _names(node)
        for reason, known in _UNREACHABLE:
            if names & set(known):
                return reason, detail
    return ("timeout" if "Timeout" in type(innermost).__name__ else "network_error"), detail


def _names(node: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(node).__mro__}
