# StoryBot on Discord: `docker build -t storybot .`, then README.md, "Running it on Discord"
# -> "Docker". Run it with a restart policy:
#   docker run -d --name storybot --restart unless-stopped --env-file .env -v storybot-data:/data storybot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STORYBOT_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY index ./index
COPY bot ./bot
# The html extra reads HTML articles added with /story add.
RUN pip install '.[html]' \
    && useradd --create-home --uid 10001 storybot \
    && mkdir -p /data && chown storybot:storybot /data

USER storybot
# Stories added by each server, and each server's active story.
VOLUME ["/data"]
# Exec form: storybot is PID 1 and gets SIGTERM from `docker stop` for a clean shutdown.
CMD ["storybot", "run"]
