"""``python -m bot``: start the Discord bot (the offline console is ``factbot run`` without a token)."""

from __future__ import annotations

import sys

from bot.launcher import EXIT_CONFIG, TOKEN_HELP, run_bot
from config.settings import SettingsError, load_settings


def main() -> int:
    """Load settings, refuse clearly when they are invalid or have no token, then run the bot."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print("factbot: the settings have problems:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_CONFIG
    if not settings.has_token:
        print(f"factbot: no Discord token configured. {TOKEN_HELP}", file=sys.stderr)
        print("(For the offline console without Discord, run `factbot run`.)", file=sys.stderr)
        return EXIT_CONFIG
    return run_bot(settings)


if __name__ == "__main__":
    sys.exit(main())
