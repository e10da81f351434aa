#!/usr/bin/env bash
# Local PostgreSQL and Redis for development and tests, kept in a project-local folder.
#   scripts/services.sh start   start (or reuse) both; install redis-server with apt when missing
#   scripts/services.sh stop    stop the ones this checkout started
#   scripts/services.sh status
# A server already answering on the configured port is reused, whoever started it.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOCAL="${CITYOS_LOCAL_DIR:-$ROOT/.local}"
PG_PORT="${CITYOS_PG_PORT:-54329}"
REDIS_PORT="${CITYOS_REDIS_PORT:-63799}"
PG_DATA="$LOCAL/pg/data"
PG_RUN="$LOCAL/pg/run"
PG_LOG="$LOCAL/pg/postgres.log"
REDIS_DIR="$LOCAL/redis"
DB_USER=cityos
DB_NAME=cityos

log() { printf '[services] %s\n' "$*"; }

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing postgresql with apt"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
      found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    else
      echo "PostgreSQL server binaries not found (install the 'postgresql' package)" >&2; exit 1
    fi
  fi
  echo "$found"
}

# PostgreSQL refuses to run as root: as root, run it as the 'postgres' system user.
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The server runs as 'postgres', which must be able to reach the project-local data directory:
# give it search (x) permission on any parent folder that refuses it (for example a mktemp dir).
let_postgres_traverse() {
  local dir="$1"
  while [ "$dir" != "/" ]; do
    dir="$(dirname "$dir")"
    if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
      log "allowing the postgres user to traverse $dir"
      chmod o+x "$dir"
    fi
  done
}

pg_ready() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; }

start_pg() {
  local bin; bin="$(pg_bin)"
  if pg_ready; then log "PostgreSQL already answering on 127.0.0.1:$PG_PORT"; else
    mkdir -p "$PG_RUN"
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home "$LOCAL/pg" postgres
      chown -R postgres "$LOCAL/pg"
      let_postgres_traverse "$LOCAL/pg"
    fi
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
      log "initialising a PostgreSQL cluster in $PG_DATA"
      as_pg_user "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg_user "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start \
      -o "-p $PG_PORT -k $PG_RUN -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  fi
  local psql="$bin/psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres -tAq"
  if [ "$($psql -c "select 1 from pg_roles where rolname='$DB_USER'")" != 1 ]; then
    $psql -c "create role $DB_USER login superuser password '$DB_USER'"
  fi
  if [ "$($psql -c "select 1 from pg_database where datname='$DB_NAME'")" != 1 ]; then
    $psql -c "create database $DB_NAME owner $DB_USER"
  fi
}

redis_ready() { command -v redis-cli >/dev/null && redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if ! command -v redis-server >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing redis-server with apt"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null
    else
      echo "redis-server not found (install the 'redis-server' package)" >&2; exit 1
    fi
  fi
  if redis_ready; then log "Redis already answering on 127.0.0.1:$REDIS_PORT"; return; fi
  mkdir -p "$REDIS_DIR"
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$REDIS_DIR" \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no
  for _ in $(seq 1 50); do redis_ready && return; sleep 0.1; done
  echo "Redis did not start; see $REDIS_DIR/redis.log" >&2; exit 1
}

stop_all() {
  if [ -s "$PG_DATA/postmaster.pid" ]; then
    log "stopping PostgreSQL"; as_pg_user "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null || true
  fi
  if [ -s "$REDIS_DIR/redis.pid" ]; then
    log "stopping Redis"; kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true; rm -f "$REDIS_DIR/redis.pid"
  fi
}

case "${1:-start}" in
  start) start_pg; start_redis ;;
  stop) stop_all ;;
  status)
    pg_ready && echo "postgresql: up (127.0.0.1:$PG_PORT)" || echo "postgresql: down"
    redis_ready && echo "redis: up (127.0.0.1:$REDIS_PORT)" || echo "redis: down" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
