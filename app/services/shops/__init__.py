"""Shops: opening them, the public directory and shop pages, following."""
