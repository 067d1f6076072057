"""Allows `python -m seowatch`."""

from seowatch.scheduler import main

main()
