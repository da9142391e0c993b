"""Text helpers: URL slugs, rich-text sanitising, User-Agent buckets."""
