"""The Scrapy project: settings, spiders, pure per-engine parsers, pipelines."""
