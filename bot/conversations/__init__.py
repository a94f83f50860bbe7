"""Routing of buyer messages (bot or human), the transcript, and the Rasa client."""
