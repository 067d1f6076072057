"""seowatch: self-hosted SEO rank tracking, partner-link checks and Chinese keyword analysis."""

__version__ = "0.1.0"
