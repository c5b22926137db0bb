"""Tests for the Discord bot (bot/)."""
