"""Checkout: the quote per shop, payment sessions, shipping, taxes and reminders."""
