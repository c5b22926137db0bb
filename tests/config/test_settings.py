"""Settings: `.env` plus the environment, validated at once, the token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import SettingsError, load_settings

TOKEN = "MTA" + "x" * 21 + ".Gabcde." + "y" * 27


def test_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("FACTBOT_DB=from-file.db\nFACTBOT_MIN_CONFIDENCE=0.4\n")
    settings = load_settings(env, environ={"FACTBOT_DB": "from-env.db"})
    assert settings.db_path == Path("from-env.db")
    assert settings.min_confidence == 0.4


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(None, environ={"FACTBOT_OWNER_IDS": "12,abc", "FACTBOT_MIN_CONFIDENCE": "2",
                                     "FACTBOT_LOG_LEVEL": "LOUD", "FACTBOT_DISCORD_API_URL": "ftp://x"})
    text = str(error.value)
    for name in ("FACTBOT_OWNER_IDS", "FACTBOT_MIN_CONFIDENCE", "FACTBOT_LOG_LEVEL", "FACTBOT_DISCORD_API_URL"):
        assert name in text
    assert len(error.value.problems) == 4


def test_token_is_never_shown() -> None:
    settings = load_settings(None, environ={"DISCORD_TOKEN": TOKEN})
    assert settings.has_token and settings.discord_token.reveal() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    with pytest.raises(SettingsError) as error:
        load_settings(None, environ={"DISCORD_TOKEN": "not a token " + TOKEN[:10]})
    assert TOKEN[:10] not in str(error.value)


def test_ids_and_thresholds_are_typed() -> None:
    settings = load_settings(None, environ={
        "FACTBOT_OWNER_IDS": "1, 2", "FACTBOT_MODERATOR_ROLE_IDS": "3", "FACTBOT_ANSWER_CHANNEL_IDS": "",
        "FACTBOT_SHARD_COUNT": "4", "FACTBOT_SHARD_IDS": "0,2", "FACTBOT_AUTO_CONFIDENCE": "0.9"})
    assert settings.owner_ids == frozenset({1, 2})
    assert settings.moderator_role_ids == frozenset({3})
    assert settings.answer_channel_ids == frozenset()
    assert settings.shard_ids == (0, 2) and settings.shard_count == 4


def test_auto_confidence_below_min_confidence_is_refused() -> None:
    with pytest.raises(SettingsError, match="AUTO_CONFIDENCE"):
        load_settings(None, environ={"FACTBOT_MIN_CONFIDENCE": "0.8", "FACTBOT_AUTO_CONFIDENCE": "0.6"})


def test_an_unset_or_empty_min_confidence_leaves_the_engine_its_fitted_threshold(tmp_path: Path) -> None:
    from facts.confidence import default_threshold
    from facts.service import FactService

    env = tmp_path / ".env"
    env.write_text("FACTBOT_MIN_CONFIDENCE=\n")
    for settings in (load_settings(None, environ={}), load_settings(env, environ={})):
        assert settings.min_confidence is None
        service = FactService(tmp_path / "f.db", min_confidence=settings.min_confidence)
        try:
            assert service.min_confidence == default_threshold()
        finally:
            service.close()
