#!/usr/bin/env bash
# Set-up shared by the README's two commands, sourced by test/demo.sh and
# test/check.sh: installs the Debian packages ooml needs, builds and
# installs the extension, and starts a throwaway PostgreSQL 15 cluster as
# the postgres OS user on a private port and socket directory.
#
# Afterwards PGHOST, PGPORT and PGUSER point at that cluster.  Run it again
# and it starts from a fresh cluster.  OOML_PGPORT (default 54329) and
# OOML_PGBASE (default /tmp/ooml-pg) move it.
set -euo pipefail

OOML_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OOML_PGPORT=${OOML_PGPORT:-54329}
OOML_PGBASE=${OOML_PGBASE:-/tmp/ooml-pg}
PGBIN=/usr/lib/postgresql/15/bin
PACKAGES="postgresql-15 postgresql-server-dev-15 make gcc libc6-dev liblapacke-dev libopenblas-serial-dev r-mathlib"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ooml_install_packages() {
    local missing=()
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            echo "ooml: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
            exit 1
        fi
        echo "ooml: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# A clean build each time, its output kept in $OOML_BUILD_LOG (checked for
# compiler warnings by test/check.sh).
OOML_BUILD_LOG=${OOML_BUILD_LOG:-/tmp/ooml-build.log}
ooml_build() {
    make -C "$OOML_ROOT" -s PG_CONFIG=$PGBIN/pg_config clean >/dev/null
    if ! make -C "$OOML_ROOT" PG_CONFIG=$PGBIN/pg_config >"$OOML_BUILD_LOG" 2>&1; then
        cat "$OOML_BUILD_LOG" >&2
        exit 1
    fi
    make -C "$OOML_ROOT" -s PG_CONFIG=$PGBIN/pg_config install >/dev/null
}

ooml_stop_cluster() {
    if [ -f "$OOML_PGBASE/data/postmaster.pid" ]; then
        as_postgres $PGBIN/pg_ctl -D "$OOML_PGBASE/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
}

ooml_start_cluster() {
    ooml_stop_cluster
    rm -rf "$OOML_PGBASE"
    mkdir -p "$OOML_PGBASE/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$OOML_PGBASE"
    as_postgres $PGBIN/initdb -D "$OOML_PGBASE/data" -U postgres -A trust --no-sync \
        -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$OOML_PGBASE/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $OOML_PGPORT
unix_socket_directories = '$OOML_PGBASE/sock'
fsync = off
shared_buffers = 256MB
max_parallel_workers_per_gather = 2
CONF
    as_postgres $PGBIN/pg_ctl -D "$OOML_PGBASE/data" -l "$OOML_PGBASE/server.log" -w start >/dev/null
}

ooml_install_packages
ooml_build
ooml_start_cluster

export PGHOST="$OOML_PGBASE/sock" PGPORT="$OOML_PGPORT" PGUSER=postgres
export PATH="$PGBIN:$PATH"
