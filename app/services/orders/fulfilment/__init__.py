"""A paid checkout made into orders exactly once, and what follows it."""
