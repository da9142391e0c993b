"""The storefront listing: its filters, facet counts, in-memory index and pages."""
