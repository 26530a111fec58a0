#!/usr/bin/env bash
# The whole regression suite with every server process under valgrind's
# memcheck: any error report whose stack passes through ooml.so fails.
# (AddressSanitizer would be the faster tool, but with Debian 12's glibc the
# ASan runtime deadlocks in bindtextdomain() when the postmaster starts, before
# any ooml code runs.)  ooml is built with -O1 -g for readable stacks and
# reinstalled normally afterwards.
#
#   bash test/valgrind.sh        (after test/setup.sh; run by test/check.sh)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
PGBIN=/usr/lib/postgresql/15/bin
BASE=/tmp/ooml-valgrind
PORT=${OOML_VALGRIND_PORT:-54331}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
restore() { make -s clean >/dev/null; make -s >/dev/null 2>&1 && make -s install >/dev/null; }
command -v valgrind >/dev/null || { apt-get install -y -qq valgrind >/dev/null 2>&1 || exit 1; }

make -s clean >/dev/null
make -s COPT="-O1 -fno-omit-frame-pointer" >/tmp/ooml-valgrind-build.log 2>&1 || { cat /tmp/ooml-valgrind-build.log; restore; exit 1; }
make -s install >/dev/null

[ -f $BASE/data/postmaster.pid ] && as_postgres $PGBIN/pg_ctl -D $BASE/data -m immediate -w stop >/dev/null 2>&1
rm -rf $BASE
mkdir -p $BASE/sock $BASE/logs
[ "$(id -u)" = 0 ] && chown -R postgres:postgres $BASE
as_postgres $PGBIN/initdb -D $BASE/data -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
cat >> $BASE/data/postgresql.conf <<CONF
listen_addresses = ''
port = $PORT
unix_socket_directories = '$BASE/sock'
fsync = off
max_parallel_workers_per_gather = 2
autovacuum = off
CONF
as_postgres sh -c "cd $BASE && valgrind --quiet --tool=memcheck --trace-children=yes --num-callers=30 \
    --error-limit=no --track-origins=no --log-file=$BASE/logs/%p.log \
    $PGBIN/postgres -D $BASE/data > $BASE/server.log 2>&1 &"
for _ in $(seq 1 120); do
    as_postgres $PGBIN/pg_isready -q -h $BASE/sock -p $PORT && break
    sleep 1
done

PGHOST=$BASE/sock PGPORT=$PORT PGUSER=postgres make -s installcheck > /tmp/ooml-valgrind-regress.log 2>&1
regress=$?
as_postgres $PGBIN/pg_ctl -D $BASE/data -m fast -w -t 300 stop >/dev/null
restore

# an error block is the lines of one process log between blank lines
errors=$(awk 'BEGIN { RS = "==[0-9]+== \n" } /ooml\.so/ && /(Invalid|uninitialised|Conditional jump|Syscall param|Mismatched|overlap)/ { n++; print > "/dev/stderr" } END { print n + 0 }' $BASE/logs/*.log 2>/tmp/ooml-valgrind-errors.txt)
grep -E 'tests (passed|failed)' /tmp/ooml-valgrind-regress.log
if [ $regress -ne 0 ]; then
    echo "the regression suite failed under valgrind"; head -60 regression.diffs 2>/dev/null; exit 1
fi
if [ "$errors" -ne 0 ]; then
    echo "$errors valgrind error(s) in ooml code:"; head -80 /tmp/ooml-valgrind-errors.txt; exit 1
fi
echo "valgrind: no memcheck error in ooml code ($(ls $BASE/logs | wc -l) server processes checked)"
