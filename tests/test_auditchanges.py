"""Changes between two audits of a page, in the words a specialist uses; a failed fetch is never a content change."""

from types import SimpleNamespace

from seowatch.crawlers.auditchanges import audit_changes

BASE = dict(status=200, error=None, final_url="http://www.example.cn/a/", title="整合营销服务_示例",
            description="整合营销服务介绍", h1=["整合营销"], canonical="http://www.example.cn/a/", noindex=False,
            noindex_evidence=None, body_chars=1200, structured_data=["Organization"])


def audit(**changes):
    return SimpleNamespace(**{**BASE, **changes})


def codes(old, new):
    return [c.code for c in audit_changes(old, new)]


def test_nothing_changed():
    assert audit_changes(audit(), audit()) == []
    # http/https, www and a trailing slash are not changes of canonical or final URL
    assert audit_changes(audit(), audit(canonical="https://example.cn/a", final_url="https://example.cn/a")) == []


def test_each_change_is_named():
    assert codes(audit(), audit(title="示例首页")) == ["title_changed"]
    assert codes(audit(), audit(title=None)) == ["title_removed"]
    assert codes(audit(), audit(description="新描述")) == ["description_changed"]
    assert codes(audit(), audit(description=None)) == ["description_removed"]
    assert codes(audit(), audit(h1=["关于我们"])) == ["h1_changed"]
    assert codes(audit(), audit(h1=[])) == ["h1_removed"]
    assert codes(audit(), audit(canonical="http://www.example.cn/")) == ["canonical_changed"]
    assert codes(audit(canonical=None), audit()) == ["canonical_added"]
    assert codes(audit(), audit(canonical=None)) == ["canonical_removed"]
    assert codes(audit(), audit(noindex=True, noindex_evidence='<meta name="robots" content="noindex">')) == ["noindex_added"]
    assert codes(audit(noindex=True, noindex_evidence="X-Robots-Tag: noindex"), audit()) == ["noindex_removed"]
    assert codes(audit(), audit(final_url="http://www.example.cn/b/")) == ["redirect_changed"]
    assert codes(audit(), audit(body_chars=500)) == ["content_shrunk"]
    assert codes(audit(), audit(body_chars=1000)) == []  # small changes are noise
    assert codes(audit(), audit(structured_data=[])) == ["structured_data_removed"]


def test_status_changes_and_their_messages():
    [gone] = audit_changes(audit(), audit(status=404))
    assert (gone.code, gone.message, gone.old, gone.new) == ("now_404", "page now 404 (was HTTP 200)", 200, 404)
    assert codes(audit(), audit(status=410)) == ["now_410"]
    assert codes(audit(), audit(status=500)) == ["http_error"]
    assert codes(audit(status=404), audit()) == ["recovered"]
    assert codes(audit(), audit(status=203)) == ["status_changed"]
    [down] = audit_changes(audit(), audit(status=None, error="timeout", title=None))
    assert down.code == "unreachable" and "timeout" in down.message


def test_a_failed_fetch_is_not_compared_field_by_field():
    # The title "disappears" only because the page could not be read: that must not be reported.
    assert codes(audit(), audit(status=503, title=None, h1=[], body_chars=0)) == ["http_error"]
    assert codes(audit(status=None, error="timeout", title=None), audit()) == ["recovered"]
    assert codes(audit(status=None, error="timeout"), audit(status=None, error="timeout")) == []
