"""Where the bot's public answers are: kept per server, never the asker, deleted after the retention period."""

from __future__ import annotations

import pytest

from facts.errors import InvalidInput
from facts.service import FactService

GUILD_A, GUILD_B = 111, 222


def test_answers_are_found_by_cited_fact_in_their_server_only(service: FactService) -> None:
    service.record_answer_message(guild_id=GUILD_A, channel_id=5, message_id=1001, fact_ids=[7, 8])
    service.record_answer_message(guild_id=GUILD_B, channel_id=6, message_id=1002, fact_ids=[7])
    in_a = service.answer_messages_citing([7], guild_id=GUILD_A)
    assert [(m.message_id, m.channel_id, m.fact_ids) for m in in_a] == [(1001, 5, (7, 8))]
    everywhere = service.answer_messages_citing([7], guild_id=None)
    assert {m.message_id for m in everywhere} == {1001, 1002}
    assert service.answer_messages_citing([9], guild_id=None) == []
    service.forget_answer_message(1001)
    assert service.answer_messages_citing([8], guild_id=None) == []


def test_old_records_are_deleted_after_the_retention_period(service: FactService) -> None:
    service.record_answer_message(guild_id=GUILD_A, channel_id=5, message_id=1001, fact_ids=[7])
    with service.db.atomic():  # as if it were written 31 days ago
        service.db.execute("update answer_messages set created_at = '2000-01-01T00:00:00+00:00'")
    assert service.answer_messages_citing([7], guild_id=GUILD_A) == []  # too old to edit
    service.record_answer_message(guild_id=GUILD_A, channel_id=5, message_id=1002, fact_ids=[7])
    rows = service.db.execute("select message_id from answer_messages").fetchall()
    assert rows == [(1002,)]  # writing pruned the old row
    assert service.prune_answer_messages(retention_days=30) == 0


def test_bad_ids_are_refused_and_nothing_is_kept(service: FactService) -> None:
    with pytest.raises(InvalidInput):
        service.record_answer_message(guild_id=-1, channel_id=5, message_id=1, fact_ids=[7])
    with pytest.raises(InvalidInput):
        service.record_answer_message(guild_id=GUILD_A, channel_id=5, message_id=0, fact_ids=[7])
    assert service.db.execute("select count(*) from answer_messages").fetchone() == (0,)
