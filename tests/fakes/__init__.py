"""Loopback stand-ins for Discord and Slack, written from the platforms' documented payloads."""
