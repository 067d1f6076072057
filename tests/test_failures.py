"""Transport failures get stable reasons, whether Scrapy wraps the Twisted error or not."""


def test_unreachable_reasons_for_scrapy_and_twisted_errors():
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadConnectionRefusedError,
        DownloadFailedError,
        DownloadTimeoutError,
        ResponseDataLossError,
    )
    from twisted.internet.error import ConnectionDone, DNSLookupError
    from twisted.python.failure import Failure
    from twisted.web._newclient import ResponseNeverReceived

    from seowatch.crawlers.failures import unreachable_reason

    never = ResponseNeverReceived([Failure(ConnectionDone())])
    wrapped = DownloadFailedError(str(never))
    wrapped.__cause__ = never
    assert unreachable_reason(wrapped) == ("connection_lost", "ConnectionDone: Connection was closed cleanly.")
    assert unreachable_reason(CannotResolveHostError("www.nowhere.cn"))[0] == "dns_error"
    assert unreachable_reason(DNSLookupError("www.nowhere.cn"))[0] == "dns_error"
    assert unreachable_reason(DownloadConnectionRefusedError("refused"))[0] == "connection_refused"
    assert unreachable_reason(DownloadTimeoutError("took longer than 30.0 seconds"))[0] == "timeout"
    assert unreachable_reason(ResponseDataLossError())[0] == "dataloss"
    assert unreachable_reason(ValueError("odd")) == ("network_error", "ValueError: odd")


def test_a_body_cut_short_is_dataloss_not_a_lost_connection():
    # How Scrapy hands it over: ResponseDataLossError from ResponseFailed([ConnectionDone, _DataLoss]).
    from scrapy.exceptions import ResponseDataLossError
    from twisted.internet.error import ConnectionDone
    from twisted.python.failure import Failure
    from twisted.web._newclient import ResponseFailed
    from twisted.web.http import _DataLoss

    from seowatch.crawlers.failures import unreachable_reason

    lost = ResponseDataLossError()
    lost.__cause__ = ResponseFailed([Failure(ConnectionDone()), Failure(_DataLoss())])
    reason, detail = unreachable_reason(lost)
    assert reason == "dataloss" and "ConnectionDone" in detail
