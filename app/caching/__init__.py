"""Hand-made caches, to be replaced by Flask-Caching: TTL values, fragments, shared pages."""
