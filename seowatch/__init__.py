"""seowatch: self-hosted SEO rank tracking, partner-link checks and Chinese keyword analysis."""

from collections.abc import Iterator
from contextlib import contextmanager

__version__ = "0.1.0"


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep the objects that exist now (imported modules, configuration, the store's metadata) out
    of the cyclic garbage collector's scans while a crawl runs: a crawl allocates steadily, and each
    full collection would otherwise walk the hundreds of thousands of objects that SQLAlchemy,
    pydantic and Scrapy leave behind, to free nothing. They are handed back to it afterwards."""
    import gc

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def spare_last_collection() -> None:
    """Call as a process ends: keeps the interpreter's final garbage collection from walking every
    object the imports made (about 0.1 s with SQLAlchemy, pydantic and Scrapy loaded). Objects are
    still released as the interpreter tears down; only that last search for cycles is skipped."""
    import gc

    gc.freeze()
