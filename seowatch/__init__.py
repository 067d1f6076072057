"""seowatch: self-hosted SEO rank tracking, partner-link checks and Chinese keyword analysis."""

__version__ = "0.1.0"


def spare_last_collection() -> None:
    """Call as a process ends: keeps the interpreter's final garbage collection from walking every
    object the imports made (about 0.1 s with SQLAlchemy, pydantic and Scrapy loaded). Objects are
    still released as the interpreter tears down; only that last search for cycles is skipped."""
    import gc

    gc.freeze()
