"""Web helpers every blueprint shares: errors, forms, guards, navigation, tracking, countries."""
