"""The moderator policy on plain data."""

from __future__ import annotations

from bot.checks import Caller, is_moderator, is_owner
from config.settings import Settings

SETTINGS = Settings(owner_ids=frozenset({1}), moderator_role_ids=frozenset({50}))


def test_plain_member_is_not_a_moderator():
    assert not is_moderator(Caller(user_id=9, role_ids=frozenset({49})), SETTINGS)


def test_manage_messages_makes_a_moderator():
    assert is_moderator(Caller(user_id=9, manage_messages=True), SETTINGS)


def test_moderator_role_makes_a_moderator():
    assert is_moderator(Caller(user_id=9, role_ids=frozenset({49, 50})), SETTINGS)


def test_owner_is_moderator_everywhere_and_only_owner_is_owner():
    assert is_moderator(Caller(user_id=1, in_guild=False), SETTINGS)
    assert is_owner(Caller(user_id=1), SETTINGS)
    assert not is_owner(Caller(user_id=9, manage_messages=True), SETTINGS)


def test_outside_a_server_roles_and_permissions_do_not_count():
    assert not is_moderator(Caller(user_id=9, role_ids=frozenset({50}), manage_messages=True, in_guild=False), SETTINGS)
