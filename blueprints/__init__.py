"""HTTP edges of Bazaar, one package per domain."""
