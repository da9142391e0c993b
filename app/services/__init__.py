"""Domain operations, one package per domain; no request or session in here."""
