"""Channels: where buyers and agents reach the gateway (HTTP API, web chat, Telegram, console)."""
