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
from .spec import ENV_VAR, SpecValidator, spec_from_env

#: How many stand-ins ran without the spec, and how many tests needing it were skipped (for the notice).
_WITHOUT_SPEC = {"stand-ins": 0, "skipped": 0}
SPEC_SKIP_REASON = "needs Discord's OpenAPI spec (not configured: see 'Discord OpenAPI schema' in the summary)"


@pytest.fixture(scope="session")
def optional_api_spec() -> SpecValidator | None:
    """Discord's OpenAPI spec from ``$DISCORD_OPENAPI_SPEC``, or None when it is unset.

    Raises ``SpecError`` when the variable names no readable file, or is unset while
    ``$FACTBOT_REQUIRE_SHARED`` is set.
    """
    return spec_from_env()


@pytest.fixture
def discord_api_spec(optional_api_spec: SpecValidator | None) -> SpecValidator:
    """The spec, for tests of the schema validation itself: skipped when the spec is not configured."""
    if optional_api_spec is None:
        _WITHOUT_SPEC["skipped"] += 1
        pytest.skip(SPEC_SKIP_REASON)
    return optional_api_spec


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line when requests went unvalidated against the spec (it is not part of the repository)."""
    stand_ins, skipped = _WITHOUT_SPEC["stand-ins"], _WITHOUT_SPEC["skipped"]
    if stand_ins or skipped:
        terminalreporter.section("Discord OpenAPI schema")
        terminalreporter.write_line(
            f"{ENV_VAR} is not set: {stand_ins} loopback runs checked Discord's documented limits but not "
            f"the OpenAPI schema, {skipped} schema tests skipped; set it to a copy of Discord's openapi.json "
            "to validate every request against it."
        )


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
    optional_api_spec: SpecValidator | None, loopback_scenario: Scenario, loopback_options: StandInOptions
) -> AsyncIterator[DiscordStandIn]:
    """A started stand-in with discord.py pointed at it; asserts no violations at the end."""
    stand_in = DiscordStandIn(loopback_scenario, spec=optional_api_spec, options=loopback_options)
    if optional_api_spec is None:
        _WITHOUT_SPEC["stand-ins"] += 1
    await stand_in.start()
    undo = stand_in.point_discord_py()
    try:
        yield stand_in
    finally:
        undo()
        await stand_in.stop()
    stand_in.assert_no_violations()
