"""pytest fixtures: a fresh stand-in per test that fails the test on any recorded violation.

Load with ``pytest_plugins = ["tests.loopback.fixtures"]`` in ``tests/conftest.py``.
Override ``loopback_scenario`` / ``loopback_options`` in a test module to change the world.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .options import StandInOptions
from .scenario import Scenario, default_scenario
from .server import DiscordStandIn
from .spec import SpecValidator


@pytest.fixture(scope="session")
def discord_api_spec() -> SpecValidator:
    """Discord's OpenAPI spec from ``$DISCORD_OPENAPI_SPEC`` (raises ``SpecError`` when missing)."""
    return SpecValidator.from_env()


@pytest.fixture
def loopback_scenario() -> Scenario:
    """The world of the stand-in; a fresh :func:`default_scenario` unless overridden."""
    return default_scenario()


@pytest.fixture
def loopback_options() -> StandInOptions:
    """Stand-in options; defaults unless overridden."""
    return StandInOptions()


@pytest.fixture
async def discord_stand_in(
    discord_api_spec: SpecValidator, loopback_scenario: Scenario, loopback_options: StandInOptions
) -> AsyncIterator[DiscordStandIn]:
    """A started stand-in with discord.py pointed at it; asserts no violations at the end."""
    stand_in = DiscordStandIn(loopback_scenario, spec=discord_api_spec, options=loopback_options)
    await stand_in.start()
    undo = stand_in.point_discord_py()
    try:
        yield stand_in
    finally:
        undo()
        await stand_in.stop()
    stand_in.assert_no_violations()
