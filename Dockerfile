# Attune: a slim image that runs `attune run` as a non-root user.
# The SQLite database lives on the /data volume; lessons ship inside the image. The
# PostgreSQL driver is installed too: set ATTUNE_DATABASE_URL=postgresql+psycopg://...
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ATTUNE_DATABASE_URL=sqlite:////data/attune.db \
    ATTUNE_HEARTBEAT_FILE=/data/heartbeat \
    ATTUNE_LESSONS_DIR=/app/lessons

WORKDIR /app

RUN useradd --create-home --uid 10001 --user-group attune \
    && mkdir -p /data \
    && chown attune:attune /data

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY lessons ./lessons

# The same install the tests use (with the PostgreSQL extra), without the test tools; then
# fail the build on bad lessons.
RUN pip install --no-cache-dir "./[postgres]" \
    && attune lessons check /app/lessons

USER 10001:10001
VOLUME ["/data"]

HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["attune", "health"]

CMD ["attune", "run"]
