"""Payment webhooks: receive and verify, the inbox, exactly-once events, draining."""
