"""Cooldowns and de-duplication with a fake clock."""

from __future__ import annotations

from bot.cooldowns import KeyedCooldown, SeenIds


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_keyed_cooldown_per_key():
    clock = Clock()
    cooldown = KeyedCooldown(10, clock=clock)
    assert cooldown.ready("a")
    cooldown.hit("a")
    assert not cooldown.ready("a")
    assert cooldown.ready("b")
    clock.now += 4
    assert round(cooldown.retry_after("a")) == 6
    clock.now += 6
    assert cooldown.ready("a")


def test_zero_seconds_never_cools_down():
    cooldown = KeyedCooldown(0, clock=Clock())
    cooldown.hit(1)
    assert cooldown.ready(1)


def test_cooldown_memory_is_bounded():
    cooldown = KeyedCooldown(10, clock=Clock(), max_keys=3)
    for key in range(10):
        cooldown.hit(key)
    assert cooldown.ready(0) and not cooldown.ready(9)


def test_seen_ids_remember_recent_ids_only():
    seen = SeenIds(size=3)
    assert seen.add(1) and not seen.add(1)
    for i in range(2, 6):
        seen.add(i)
    assert 1 not in seen and 5 in seen and len(seen) == 3
