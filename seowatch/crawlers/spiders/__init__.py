"""Scrapy spiders: rank tracking, partner checks, landing-page audits."""
