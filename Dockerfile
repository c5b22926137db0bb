# factbot in a container: the Discord bot as a non-root user, the database on the /data volume.
#
#   docker build -t factbot .
#   docker volume create factbot-data
#   docker run -d --name factbot --restart unless-stopped --env-file .env -v factbot-data:/data factbot
#
# Settings come from the environment (`--env-file .env`, `-e DISCORD_TOKEN=...`) or from a `.env`
# file in the volume; the image itself never holds a token or a database (see .dockerignore).
# HEALTHCHECK runs `factbot doctor --health`: healthy only while the bot is connected to Discord.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cli ./cli
COPY config ./config
COPY facts ./facts
RUN python -m venv /opt/factbot && /opt/factbot/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/factbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FACTBOT_DB=/data/factbot.db
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin factbot \
    && mkdir -p /data && chown factbot:factbot /data
COPY --from=build /opt/factbot /opt/factbot
USER factbot
WORKDIR /data
VOLUME ["/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 CMD ["factbot", "doctor", "--health"]
# `python -m bot` refuses to start without DISCORD_TOKEN (`factbot run` would open the offline console).
CMD ["python", "-m", "bot"]
