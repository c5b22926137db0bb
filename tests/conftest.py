pytest_plugins = ["tests.loopback.fixtures"]

import os  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from tests.fuzzing import EXAMPLES, FAULTS, PROFILE  # noqa: E402

# `ci` (what .ci/run selects): every property test runs its full budget (>= 10,000 examples in all);
# `dev` (the local default): a twentieth. Deadlines are off: the machines are shared and noisy, so
# "bounded time" is asserted per call with a generous wall-clock cap instead.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    "print_blob": True,
}
# CI explores a fixed, reproducible set of examples (a landing never depends on luck); local runs
# draw new ones each time and keep failures in the example database.
settings.register_profile("ci", database=None, derandomize=True, **_COMMON)
settings.register_profile("dev", **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many hypothesis examples the property tests ran and how many faults were injected."""
    if FAULTS:
        terminalreporter.section("faults injected")
        for name, count in sorted(FAULTS.items()):
            terminalreporter.write_line(f"{count:>7}  {name}")
        terminalreporter.write_line(f"{sum(FAULTS.values()):>7}  in all")
    if not EXAMPLES:
        return
    terminalreporter.section(f"hypothesis examples (profile {PROFILE})")
    for name, count in sorted(EXAMPLES.items()):
        terminalreporter.write_line(f"{count:>7}  {name}")
    terminalreporter.write_line(f"{sum(EXAMPLES.values()):>7}  in all, over {len(EXAMPLES)} property tests")


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample corpus, ingested once per test session."""
    from facts.service import FactService

    path = tmp_path_factory.mktemp("template") / "factbot.db"
    service = FactService(path)
    service.ensure_sample_corpus()
    service.close()
    return path
