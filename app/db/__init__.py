"""Database helpers: SQLite settings and prepared hot statements."""
