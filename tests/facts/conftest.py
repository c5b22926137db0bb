"""Fixtures for engine tests: a FactService on a real temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from facts.service import FactService
from tests.helpers import CITY_REPORT, TRADE_REPORT


@pytest.fixture
def service(tmp_path: Path) -> Iterator[FactService]:
    """An empty service on a fresh database file."""
    svc = FactService(tmp_path / "facts.db")
    yield svc
    svc.close()


@pytest.fixture
def news_service(service: FactService) -> FactService:
    """A service holding two made-up news reports (nothing from the bundled corpus)."""
    service.ingest_text(CITY_REPORT, name="riverton.md")
    service.ingest_text(TRADE_REPORT, name="trade.txt", title="Soybean exports", published="2023-01-12")
    return service


@pytest.fixture
def sample_service(service: FactService) -> FactService:
    """A service holding the bundled sample corpus."""
    service.ensure_sample_corpus()
    return service
