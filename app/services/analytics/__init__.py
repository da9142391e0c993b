"""Engagement analytics: append-only events, counters and the admin overview."""
