"""The Docker image builds, runs as a non-root user, keeps secrets and databases out, and has a HEALTHCHECK.

Runs only where a Docker daemon is available and the base image can be obtained; it skips,
saying which, everywhere else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import copy_repository

BASE_IMAGE = "python:3.11-slim"
FAKE_TOKEN = "RmFrZVRva2VuRmFrZVRva2Vu.AbCdEf.RmFrZVRva2VuRmFrZVRva2VuRmFrZQ"


def _docker(*args: str, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def _base_image_reason() -> str | None:
    """Why the image cannot be built here, or None."""
    if shutil.which("docker") is None:
        return "docker is not installed"
    try:
        if _docker("info", timeout=30).returncode != 0:
            return "no Docker daemon is running"
        if _docker("image", "inspect", BASE_IMAGE, timeout=30).returncode == 0:
            return None
        pulled = _docker("pull", BASE_IMAGE, timeout=300)
    except subprocess.TimeoutExpired:
        return "Docker did not answer in time"
    if pulled.returncode != 0:
        return f"the base image {BASE_IMAGE} cannot be obtained (no access to its registry?)"
    return None


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The image built from the repository's files, plus a `.env` and a database that must stay out."""
    reason = _base_image_reason()
    if reason:
        pytest.skip(f"Docker image not built: {reason}")
    context = copy_repository(tmp_path_factory.mktemp("docker") / "factbot")
    (context / ".env").write_text(f"DISCORD_TOKEN={FAKE_TOKEN}\n")
    (context / "factbot.db").write_bytes(b"SQLite format 3\x00 not really")
    tag = f"factbot-test:{uuid.uuid4().hex[:12]}"
    built = _docker("build", "-t", tag, ".", cwd=context, timeout=900)
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    try:
        yield tag
    finally:
        _docker("image", "rm", "-f", tag, timeout=120)


def test_image_runs_as_non_root_with_a_volume_and_a_healthcheck(image: str) -> None:
    config = json.loads(_docker("image", "inspect", image).stdout)[0]["Config"]
    assert config["User"] == "factbot" and "/data" in config["Volumes"]
    assert config["Healthcheck"]["Test"] == ["CMD", "factbot", "doctor", "--health"]
    assert "FACTBOT_DB=/data/factbot.db" in config["Env"]
    uid = _docker("run", "--rm", image, "id", "-u")
    assert uid.returncode == 0 and uid.stdout.strip() != "0"


def test_image_holds_no_env_file_no_database_and_no_token(image: str) -> None:
    found = _docker("run", "--rm", image, "sh", "-c",
                    "find /opt /data \\( -name .env -o -name '*.db' \\) 2>/dev/null; "
                    "grep -rl " + FAKE_TOKEN.split(".")[-1] + " /opt /data 2>/dev/null; true")
    assert found.returncode == 0 and found.stdout.strip() == "", found.stdout


def test_the_container_refuses_to_start_without_a_token_and_reports_unhealthy(image: str) -> None:
    started = _docker("run", "--rm", image, timeout=120)
    assert started.returncode == 2 and "DISCORD_TOKEN" in started.stderr
    health = _docker("run", "--rm", image, "factbot", "doctor", "--health")
    assert health.returncode == 1 and health.stdout.startswith("FAIL")
    doctor = _docker("run", "--rm", "-e", f"DISCORD_TOKEN={FAKE_TOKEN}", image, "sh", "-c",
                     "factbot ask 'where is the ISW based' >/dev/null && factbot doctor; true")
    assert "ok    contents" in doctor.stdout and FAKE_TOKEN not in doctor.stdout + doctor.stderr
