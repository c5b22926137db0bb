"""Feature cogs: one feature per module."""
