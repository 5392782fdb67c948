#!/usr/bin/env bash
# Starts the local PostgreSQL server if it is down and creates the test database.
set -euo pipefail
HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}
DB=${RUTA_TEST_PG_DB:-ruta_test}
if ! pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; installing it" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h "$HOST" -p "$PORT" && break; sleep 1; done
fi
pg_isready -q -h "$HOST" -p "$PORT" || { echo "PostgreSQL did not start on $HOST:$PORT" >&2; exit 1; }
if ! psql -h "$HOST" -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  psql -h "$HOST" -p "$PORT" -U postgres -qc "CREATE DATABASE $DB"
fi
