# syntax=docker/dockerfile:1
# Ruta's casework service (docs/operations.md, "Deployment"). Both stages run the same
# recipe as CI: scripts/deploy.sh (install: uv sync --frozen --no-dev from uv.lock).
#   docker build -t ruta .
#   docker compose up        (compose.yaml: PostgreSQL, the service, the notifier)

# --- build: the locked runtime environment, nothing else -------------------------------
FROM python:3.11-slim-bookworm AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
ENV RUTA_VENV=/opt/ruta/venv \
    RUTA_PYTHON=/usr/local/bin/python3.11 \
    UV_LINK_MODE=copy
WORKDIR /src
# The lock and the project description first: the dependency layer is rebuilt only when
# they change.
COPY pyproject.toml uv.lock README.md LICENSE ./
COPY src ./src
COPY scripts/deploy.sh ./scripts/deploy.sh
RUN --mount=type=cache,target=/root/.cache/uv scripts/deploy.sh install

# --- runtime: the environment and the recipe, as an unprivileged user ------------------
FROM python:3.11-slim-bookworm AS runtime
# pg_dump/pg_restore for `ruta db backup|restore` (the server's major version).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/ruta --create-home ruta
COPY --from=build /opt/ruta/venv /opt/ruta/venv
COPY --chmod=0755 scripts/deploy.sh /opt/ruta/deploy.sh
ENV RUTA_VENV=/opt/ruta/venv \
    RUTA_DATA_DIR=/var/lib/ruta \
    PATH=/opt/ruta/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1
USER ruta:ruta
WORKDIR /var/lib/ruta
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
ENTRYPOINT ["/opt/ruta/deploy.sh"]
CMD ["start"]
