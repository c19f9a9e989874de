#!/usr/bin/env bash
# Sourced by test.sh and bench.sh: start a throwaway PostgreSQL 15 and Redis on loopback, in temporary
# directories, and stop and remove both on exit (also on failure or Ctrl-C). Set PG_DATABASES (an array)
# before sourcing to create databases other than "zones". Afterwards PG_PORT and REDIS_PORT are set.

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# PostgreSQL's server binaries refuse to run as root: run them as the postgres
# system user then, and as the current user otherwise.
as_pg() {
    if [ "$IS_ROOT" -eq 1 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Print a free TCP port on 127.0.0.1, preferring $1.
free_port() {
    python3 - "$1" <<'PY'
import socket, sys

def try_bind(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As the servers do: a port whose old connections linger in TIME_WAIT is free.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()

print(try_bind(int(sys.argv[1])) or try_bind(0))
PY
}

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# --- cleanup -----------------------------------------------------------------

PG_ROOT=""
PG_STARTED=0
REDIS_DIR=""
REDIS_PORT=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [ -n "$REDIS_DIR" ] && [ -f "$REDIS_DIR/redis.pid" ]; then
        local rpid
        rpid="$(cat "$REDIS_DIR/redis.pid" 2>/dev/null)"
        # By pid, never by port: the port may belong to another run's server.
        [ -n "$rpid" ] && kill "$rpid" 2>/dev/null
        for _ in $(seq 50); do
            [ -n "$rpid" ] && kill -0 "$rpid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    if [ "$PG_STARTED" -eq 1 ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m immediate -w stop >/dev/null 2>&1 || {
            local ppid
            ppid="$(head -n1 "$PG_ROOT/data/postmaster.pid" 2>/dev/null)"
            [ -n "$ppid" ] && kill -QUIT "$ppid" 2>/dev/null
        }
    fi
    [ -n "$REDIS_DIR" ] && rm -rf "$REDIS_DIR"
    [ -n "$PG_ROOT" ] && rm -rf "$PG_ROOT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL --------------------------------------------------------------

if [ "$IS_ROOT" -eq 1 ]; then
    # In /tmp itself: the postgres user must be able to reach this directory.
    PG_ROOT="$(mktemp -d /tmp/zones-pg.XXXXXX)"
    chown postgres:postgres "$PG_ROOT"
else
    PG_ROOT="$(mktemp -d -t zones-pg.XXXXXX)"
fi
log "initialising PostgreSQL in $PG_ROOT"
if ! as_pg "$PG_BIN/initdb" -D "$PG_ROOT/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$PG_ROOT/initdb.log" 2>&1; then
    log "locale C.UTF-8 not available, using C"
    as_pg rm -rf "$PG_ROOT/data"
    as_pg "$PG_BIN/initdb" -D "$PG_ROOT/data" -U postgres --auth=trust -E UTF8 \
        --locale=C >"$PG_ROOT/initdb.log" 2>&1 \
        || { cat "$PG_ROOT/initdb.log" >&2; exit 1; }
fi

# Another run on the same machine may take a port between our check and the server's bind: try a few.
PG_STARTED=1
PG_UP=0
for attempt in 1 2 3 4 5; do
    if [ "$attempt" -eq 1 ]; then PG_PORT="$(free_port 54329)"; else PG_PORT="$(free_port 0)"; fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/log" -w -t 60 \
            -o "-k $PG_ROOT -h 127.0.0.1 -p $PG_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
        PG_UP=1
        break
    fi
    grep -q "Address already in use" "$PG_ROOT/log" 2>/dev/null || break
done
if [ "$PG_UP" -ne 1 ]; then
    log "PostgreSQL failed to start:"
    cat "$PG_ROOT/log" >&2 || true
    exit 1
fi
for db in "${PG_DATABASES[@]:-zones}"; do
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"
done

# --- Redis -------------------------------------------------------------------

REDIS_DIR="$(mktemp -d -t zones-redis.XXXXXX)"
REDIS_UP=0
for attempt in 1 2 3 4 5; do
    if [ "$attempt" -eq 1 ]; then REDIS_PORT="$(free_port 63799)"; else REDIS_PORT="$(free_port 0)"; fi
    log "starting Redis on 127.0.0.1:$REDIS_PORT ($REDIS_DIR)"
    rm -f "$REDIS_DIR/redis.pid"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --dir "$REDIS_DIR" \
        --logfile "$REDIS_DIR/redis.log"
    for _ in $(seq 50); do
        # Ours answers with our pid: a server another run started on this port does not count.
        ours="$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)"
        answer="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')"
        if [ -n "$ours" ] && [ "$answer" = "$ours" ]; then REDIS_UP=1; break; fi
        sleep 0.1
    done
    [ "$REDIS_UP" -eq 1 ] && break
done
if [ "$REDIS_UP" -ne 1 ]; then
    log "Redis failed to start:"
    cat "$REDIS_DIR/redis.log" >&2 || true
    exit 1
fi

