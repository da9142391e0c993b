"""Accounts: sign-up and sign-in, sessions, passwords, one-time codes, addresses, API tokens."""
