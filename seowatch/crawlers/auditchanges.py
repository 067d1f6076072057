"""What changed on an audited page between two days, said the way an SEO specialist would say it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seowatch.crawlers.matching import canonical_url

# A drop of the body text by more than this share is reported (navigation noise is smaller).
CONTENT_DROP = 0.3


@dataclass(frozen=True)
class AuditChange:
    code: str
    message: str
    old: Any = None
    new: Any = None


def _status_text(status: int | None, error: str | None) -> str:
    return f"HTTP {status}" if status is not None else f"unreachable ({error})"


def _same_url(a: str | None, b: str | None) -> bool:
    return (canonical_url(a) if a else None) == (canonical_url(b) if b else None)


def audit_changes(old: Any, new: Any) -> list[AuditChange]:
    """Changes from `old` to `new`, two audits of the same page (stored rows or objects with the same
    fields: status, error, final_url, title, description, h1, canonical, noindex, noindex_evidence,
    body_chars, structured_data). A page that could not be fetched on one of the days is reported as
    such and not compared field by field: a failure must never look like a change of content."""
    out: list[AuditChange] = []
    old_ok = old.status is not None and old.status < 400
    new_ok = new.status is not None and new.status < 400
    if old.status != new.status or (old.status is None and old.error != new.error):
        if new.status is None:
            code, msg = "unreachable", f"page now unreachable ({new.error}); was {_status_text(old.status, old.error)}"
        elif new.status == 404 or new.status == 410:
            code, msg = "now_404" if new.status == 404 else "now_410", f"page now {new.status} (was {_status_text(old.status, old.error)})"
        elif not new_ok:
            code, msg = "http_error", f"page now answers HTTP {new.status} (was {_status_text(old.status, old.error)})"
        elif not old_ok:
            code, msg = "recovered", f"page answers again: HTTP {new.status} (was {_status_text(old.status, old.error)})"
        else:
            code, msg = "status_changed", f"status {old.status} → {new.status}"
        out.append(AuditChange(code, msg, old.status, new.status))
    if not (old_ok and new_ok):
        return out
    if not _same_url(old.final_url, new.final_url):
        out.append(AuditChange("redirect_changed", f"now ends at {new.final_url} (was {old.final_url})",
                               old.final_url, new.final_url))
    if (old.title or "") != (new.title or ""):
        if not new.title:
            out.append(AuditChange("title_removed", f"title removed (was {old.title!r})", old.title, new.title))
        else:
            out.append(AuditChange("title_changed", f"title changed: {old.title!r} → {new.title!r}", old.title, new.title))
    if (old.description or "") != (new.description or ""):
        if not new.description:
            out.append(AuditChange("description_removed", "meta description removed", old.description, new.description))
        else:
            out.append(AuditChange("description_changed", "meta description changed", old.description, new.description))
    if list(old.h1 or []) != list(new.h1 or []):
        if not new.h1:
            out.append(AuditChange("h1_removed", f"H1 removed (was {old.h1[0]!r})", list(old.h1), list(new.h1)))
        else:
            was = repr(old.h1[0]) if old.h1 else "none"
            out.append(AuditChange("h1_changed", f"H1 changed: {was} → {new.h1[0]!r}", list(old.h1 or []), list(new.h1)))
    if not _same_url(old.canonical, new.canonical):
        if not new.canonical:
            out.append(AuditChange("canonical_removed", f"canonical removed (was {old.canonical})", old.canonical, None))
        elif not old.canonical:
            out.append(AuditChange("canonical_added", f"canonical added: {new.canonical}", None, new.canonical))
        else:
            out.append(AuditChange("canonical_changed", f"canonical changed: {old.canonical} → {new.canonical}",
                                   old.canonical, new.canonical))
    if new.noindex and not old.noindex:
        out.append(AuditChange("noindex_added", f"noindex added: {new.noindex_evidence}", None, new.noindex_evidence))
    elif old.noindex and not new.noindex:
        out.append(AuditChange("noindex_removed", f"noindex removed (was {old.noindex_evidence})",
                               old.noindex_evidence, None))
    if old.body_chars and new.body_chars < old.body_chars * (1 - CONTENT_DROP):
        out.append(AuditChange("content_shrunk", f"text shrank from {old.body_chars} to {new.body_chars} characters",
                               old.body_chars, new.body_chars))
    lost = [t for t in (old.structured_data or []) if t not in (new.structured_data or [])]
    if lost:
        out.append(AuditChange("structured_data_removed", f"structured data removed: {', '.join(lost)}", lost, None))
    return out
