"""Start the Discord bot: logging, endpoints, sharding, signals, and clean failure messages.

``run_bot(settings)`` is what ``factbot run`` calls when a token is configured. It returns a
process exit code and never lets a traceback or the token reach the terminal for the common
failures (a missing, malformed or rejected token).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable

import discord
import yarl

from bot.bridge import EngineBridge
from bot.client import FactBot
from config.settings import DEFAULT_API_URL, DEFAULT_GATEWAY_URL, Settings
from facts.errors import FactbotError

log = logging.getLogger(__name__)

TOKEN_HELP = (
    "Set DISCORD_TOKEN in the environment or in .env to the token from the Bot page of your "
    "Discord application (https://discord.com/developers/applications)."
)
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2

_logging_configured = False
#: discord.py's own uncoloured format.
PLAIN_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"


def setup_logging(level: str) -> None:
    """Configure logging once for the process: one handler on the root logger, one line per event.

    Colours only on a terminal: discord.py would colour any output inside a container, which puts
    escape codes into ``docker logs``, journald and log files.
    """
    global _logging_configured
    if _logging_configured:
        logging.getLogger().setLevel(level)
        return
    plain = None if sys.stderr.isatty() else logging.Formatter(PLAIN_FORMAT, "%Y-%m-%d %H:%M:%S", style="{")
    discord.utils.setup_logging(level=getattr(logging, level, logging.INFO), formatter=plain, root=True)
    # discord.py's HTTP logger prints request routes at DEBUG; keep it quieter than ours.
    logging.getLogger("discord.http").setLevel(max(logging.INFO, getattr(logging, level, logging.INFO)))
    _logging_configured = True


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at another API/gateway (a local stand-in) when settings say so."""
    if settings.discord_api_url.rstrip("/") != DEFAULT_API_URL.rstrip("/"):
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
        log.info("using Discord API at %s", settings.discord_api_url)
    if settings.discord_gateway_url != DEFAULT_GATEWAY_URL:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
        log.info("using Discord gateway at %s", settings.discord_gateway_url)


def default_bridge(settings: Settings) -> EngineBridge:
    """The engine bridge over the configured database (the sample corpus ingested into an empty one)."""

    def open_service():  # runs on the bridge's worker thread
        from facts.service import FactService

        service = FactService(settings.db_path, min_confidence=settings.min_confidence)
        try:
            if service.ensure_sample_corpus():
                log.info("built the sample database at %s from the bundled corpus", settings.db_path)
        except BaseException:
            service.close()
            raise
        return service

    return EngineBridge(open_service)


def _say(line: str) -> None:
    print(line, file=sys.stderr)


async def run_async(
    settings: Settings, *, bridge_factory: Callable[[Settings], EngineBridge] = default_bridge
) -> int:
    """Run the bot until it is closed or a signal arrives; returns an exit code.

    When Discord refuses the Message Content intent (not enabled for the application), the bot
    starts again without it: slash commands, mentions and DMs keep working.
    """
    result = await _run_once(settings, bridge_factory, message_content=True)
    if result is None:
        log.warning(
            "the Message Content intent is not enabled for this application; continuing without it "
            "(slash commands, mentions and DMs work; auto-answer channels do not)"
        )
        result = await _run_once(settings, bridge_factory, message_content=False)
    if result is None:
        _say("factbot: Discord refused the bot's intents. Check the Bot page of your application.")
        return EXIT_FAILURE
    return result


async def _run_once(
    settings: Settings, bridge_factory: Callable[[Settings], EngineBridge], *, message_content: bool
) -> int | None:
    """One connection attempt; None when a privileged intent was refused."""
    bot = FactBot(settings, bridge_factory(settings), message_content=message_content)
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def stop(signame: str) -> None:
        if not closing:
            log.info("received %s; shutting down", signame)
            closing.append(loop.create_task(bot.close()))

    installed: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig.name)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    try:
        await bot.start(settings.discord_token.reveal())
        return EXIT_OK
    except discord.LoginFailure:
        _say(f"factbot: Discord rejected the bot token. {TOKEN_HELP}")
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        return None
    except FactbotError as error:
        _say(f"factbot: {error}")
        return EXIT_FAILURE
    except (discord.GatewayNotFound, discord.ConnectionClosed, discord.HTTPException, OSError) as error:
        _say(f"factbot: could not stay connected to Discord ({type(error).__name__}). Try again shortly.")
        return EXIT_FAILURE
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        if closing:
            await asyncio.gather(*closing, return_exceptions=True)
        await bot.close()


def run_bot(settings: Settings) -> int:
    """Run the Discord bot with ``settings``; returns the process exit code."""
    setup_logging(settings.log_level)
    if not settings.has_token:
        _say(f"factbot: no Discord token configured. {TOKEN_HELP}")
        return EXIT_CONFIG
    configure_endpoints(settings)
    try:
        return asyncio.run(run_async(settings))
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception:
        log.exception("the bot stopped on an unexpected error")
        return EXIT_FAILURE
