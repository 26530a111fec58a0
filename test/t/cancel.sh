#!/usr/bin/env bash
# Cancellation: statement_timeout, pg_cancel_backend and a vanished client
# each stop a training within a second, wherever it is, and leave
# ooml.models and ooml.training_log exactly as they were.
set -uo pipefail
db=ooml_t_cancel
fail() { echo "FAIL: $*"; psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" || exit 1
psql -q -d $db -v ON_ERROR_STOP=1 <<'SQL' || fail "set-up"
CREATE EXTENSION ooml;
CREATE TABLE big AS
SELECT i, ARRAY(SELECT sin(i * j + j) FROM generate_series(1, 20) j WHERE i > 0)::float8[] AS x,
       (sin(i * 0.37) > 0.1) AS y
  FROM generate_series(1, 300000) i;
CREATE TABLE wide AS
SELECT i, ARRAY(SELECT sin(i * j * 0.013 + j) FROM generate_series(1, 1500) j WHERE i > 0)::float8[] AS x,
       (sin(i * 0.37) > 0.1) AS y
  FROM generate_series(1, 4000) i;
SELECT ooml.train_logreg('existing', 'big', 'y', ARRAY['x'], max_iter => 2);
SQL
snapshot() {
    psql -At -d $db -c "SELECT md5(string_agg(m::text, '|' ORDER BY name)) FROM ooml.models m" \
                   -c "SELECT md5(string_agg(l::text, '|' ORDER BY model, iteration)) FROM ooml.training_log l"
}
before=$(snapshot)
long="SELECT ooml.train_logreg('victim', 'big', 'y', ARRAY['x'], optimizer => 'sgd', max_iter => 100000, tolerance => 1e-300)"

# 1. statement_timeout, inside a pass
t0=$(now)
out=$(psql -d $db -c "SET statement_timeout = '1500ms'" -c "$long" 2>&1)
t=$(elapsed $t0)
echo "$out" | grep -q "canceling statement due to statement timeout" || fail "statement_timeout: $out"
awk -v t=$t 'BEGIN { exit !(t < 2.5) }' || fail "statement_timeout took $t s (limit 1.5 s)"
echo "statement_timeout 1.5 s: stopped after $t s"

# cancel_after NAME DELAY WHAT SQL...: run the SQL statements in a session
# named NAME, cancel it from another session after DELAY seconds, and
# require that it stops within 1 s with the cancellation message
cancel_after() {
    local name=$1 delay=$2 what=$3 job t
    shift 3
    local args=()
    for sql in "$@"; do args+=(-c "$sql"); done
    PGAPPNAME=$name psql -d $db "${args[@]}" > /tmp/$name.out 2>&1 &
    job=$!
    sleep "$delay"
    t0=$(now)
    psql -At -d $db -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '$name'" | grep -q t \
        || fail "no backend to cancel ($what)"
    wait $job
    t=$(elapsed $t0)
    grep -q "canceling statement due to user request" /tmp/$name.out || fail "$what: $(cat /tmp/$name.out)"
    awk -v t=$t 'BEGIN { exit !(t < 1.0) }' || fail "$what took $t s"
    echo "$what: stopped after $t s"
}

# 2. pg_cancel_backend from another session
cancel_after ooml_victim 1.5 "pg_cancel_backend" "$long"

# 3. cancel inside the linear algebra between passes: a 1501-coefficient
#    Newton step (Cholesky in panels, interrupt checks between them).  The
#    training takes about 5 s here (14 passes over 4,000 rows), so that a
#    cancel after 1.5 s finds it running on a machine twice as fast
cancel_after ooml_victim2 1.5 "pg_cancel_backend during wide Newton training" \
    "SET ooml.max_state_memory = '1GB'" \
    "SELECT ooml.train_logreg('victim2', 'wide', 'y', ARRAY['x'], optimizer => 'newton', l2 => 1e-3, max_iter => 1000, tolerance => 1e-300)"

# 4. the client vanishes (client_connection_check_interval lets the server notice)
PGAPPNAME=ooml_victim3 psql -d $db -c "SET client_connection_check_interval = '100ms'" -c "$long" > /dev/null 2>&1 &
job=$!
sleep 1.5
t0=$(now)
kill -9 $job
gone=""
for _ in $(seq 1 40); do
    n=$(psql -At -d $db -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ooml_victim3'")
    [ "$n" = 0 ] && { gone=$(elapsed $t0); break; }
    sleep 0.05
done
[ -n "$gone" ] || fail "the backend of a killed client kept running"
awk -v t=$gone 'BEGIN { exit !(t < 1.0) }' || fail "disconnect took $gone s"
echo "client killed: backend gone after $gone s"

after=$(snapshot)
[ "$before" = "$after" ] || fail "ooml.models or ooml.training_log changed"
echo "catalog unchanged"
psql -q -d postgres -c "DROP DATABASE $db"
