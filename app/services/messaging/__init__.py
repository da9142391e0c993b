"""Messaging: chat between shoppers and shops, and in-app notifications."""
