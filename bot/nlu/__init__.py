"""Custom Rasa NLU components: tracking and order numbers found by `bot.tracking.numbers`."""
