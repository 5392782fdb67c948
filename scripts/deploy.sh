#!/usr/bin/env bash
# Ruta's production path: the one recipe that the Dockerfile, compose.yaml and CI run.
#
#   scripts/deploy.sh install   # locked runtime dependencies only, into a fresh environment
#   scripts/deploy.sh migrate   # ruta db upgrade on RUTA_DATABASE_URL
#   scripts/deploy.sh start     # migrate, then serve (exec: the service is this process)
#   scripts/deploy.sh notify    # the notification worker (ruta notify run)
#   scripts/deploy.sh all       # install, then start
#
# Settings are the service's RUTA_* variables (src/ruta/settings.py; a production service
# needs RUTA_ENV=production, RUTA_SECRET_KEY, RUTA_COOKIE_SECURE=true and a PostgreSQL
# RUTA_DATABASE_URL), plus these of the recipe itself:
#   RUTA_VENV        environment to install into and run from   (default /opt/ruta/venv)
#   RUTA_EXTRAS      extras of the install, space-separated      (default "all")
#   RUTA_PYTHON      interpreter for the environment             (default python3)
#   RUTA_HOST, RUTA_PORT, RUTA_WORKERS                           (default 0.0.0.0 8000 2)
#   RUTA_KEYS_INIT_COUNTRIES  e.g. "COL PER": create key-store keys for these countries if
#                    none exist (pilots and tests only: production installs the state's keys,
#                    docs/operations.md "Key custody")
#   RUTA_COMPILE_BYTECODE  1 (default) compiles .pyc at install: a faster first start
#   UV               the uv executable (default: uv on PATH)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${RUTA_VENV:-/opt/ruta/venv}"
RUTA="$VENV/bin/ruta"

say() { printf 'deploy: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

install() {
    local project uv extras=()
    project="$(cd "$HERE/.." && pwd)"
    [[ -f "$project/uv.lock" ]] || die "install runs from a source tree with uv.lock (got $project)"
    uv="${UV:-$(command -v uv || true)}"
    [[ -x "$uv" ]] || die "uv is not installed; install it (pip install uv) or set UV"
    for extra in ${RUTA_EXTRAS:-all}; do extras+=(--extra "$extra"); done
    say "installing the locked runtime dependencies (${RUTA_EXTRAS:-all}) into $VENV"
    # --frozen: exactly uv.lock, never re-resolved. --no-dev: no dev group (no test tools).
    # --no-editable: the environment holds a built copy of Ruta, not a link to this tree,
    # so it can be copied into an image without the sources.
    local compile=()
    [[ "${RUTA_COMPILE_BYTECODE:-1}" == 1 ]] && compile=(--compile-bytecode)
    UV_PROJECT_ENVIRONMENT="$VENV" UV_PYTHON_DOWNLOADS=never "$uv" sync \
        --project "$project" --frozen --no-dev --no-editable "${compile[@]}" \
        --python "${RUTA_PYTHON:-python3}" "${extras[@]}"
    "$RUTA" --version
}

migrate() {
    [[ -x "$RUTA" ]] || die "no Ruta in $VENV; run: $0 install"
    "$RUTA" db upgrade
    if [[ -n "${RUTA_KEYS_INIT_COUNTRIES:-}" ]]; then
        local keys="${RUTA_KEYS_DIR:-${RUTA_DATA_DIR:-var}/keys}"
        for country in $RUTA_KEYS_INIT_COUNTRIES; do
            if ! compgen -G "$keys/issuers/$country/*.pem" >/dev/null; then
                "$RUTA" permits keys init --country "$country" --dir "$keys"
            fi
        done
    fi
}

start() {
    migrate
    say "serving on ${RUTA_HOST:-0.0.0.0}:${RUTA_PORT:-8000} with ${RUTA_WORKERS:-2} workers"
    exec "$RUTA" serve --host "${RUTA_HOST:-0.0.0.0}" --port "${RUTA_PORT:-8000}" \
        --workers "${RUTA_WORKERS:-2}"
}

notify() {
    [[ -x "$RUTA" ]] || die "no Ruta in $VENV; run: $0 install"
    exec "$RUTA" notify run
}

case "${1:-}" in
    install) install ;;
    migrate) migrate ;;
    start) start ;;
    notify) notify ;;
    all) install; start ;;
    *) die "usage: $0 install|migrate|start|notify|all" ;;
esac
