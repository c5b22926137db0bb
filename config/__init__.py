"""Settings for factbot: `.env` plus the environment, validated into one frozen object."""

from config.settings import Secret, Settings, SettingsError, load_settings

__all__ = ["Secret", "Settings", "SettingsError", "load_settings"]
