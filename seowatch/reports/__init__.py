"""The daily report: ranking diff, site metrics, suggestions, rendering, alert decision and delivery."""
