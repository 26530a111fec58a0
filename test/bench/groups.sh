#!/usr/bin/env bash
# Grouped training: one model per group, all groups trained by the same
# passes.  Prints, in one run, the sequential scans of the table during the
# grouped training against its passes (one scan per pass), the time of a
# grouped pass against a bare scan and an ungrouped pass, and the time of
# training the groups one at a time (measured on some groups, extrapolated
# to all), with a check that those groups' models are the grouped ones.
#
#   bash test/bench/groups.sh [--rows N] [--groups G] [--features D] [--alone K] [--quick]
#
#   --rows N      rows (default 1000000)
#   --groups G    groups (default 1000)
#   --features D  features in a float8[] column (default 20)
#   --alone K     groups trained one at a time for the comparison (default 5)
#   --quick       a smoke run on tiny data (used by test/check.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."

ROWS=1000000
G=1000
D=20
K=5
QUICK=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --groups) G=$2; shift 2 ;;
        --features) D=$2; shift 2 ;;
        --alone) K=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ $QUICK = 1 ]; then
    ROWS=20000; G=50; K=2
fi

source test/setup.sh
set +o pipefail
DB=ooml_bench_groups
q() { psql -X -At -q -d $DB -v ON_ERROR_STOP=1 "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '%-62s %12s %s\n' "$1" "$2" "${3:-}"; }
scans() { q -c "SELECT seq_scan FROM pg_stat_user_tables WHERE relid = 'gb'::regclass"; }

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
q -c "CREATE EXTENSION ooml"
echo "== grouped training: $ROWS rows, $G groups, $D features (float8[]); PostgreSQL $(q -c 'SHOW server_version'); $(nproc) cores"
# a logistic model per group: the intercept and the first slope vary with the group
q <<SQL
SET client_min_messages = warning;
SELECT setseed(0.42);
CREATE TABLE gb AS
SELECT i, i % $G AS g, x,
       random() < 1 / (1 + exp(-((i % $G) % 7 * 0.2 - 0.6 + x[1] * (1 + (i % $G) % 3 * 0.5) - x[2] + 0.5 * x[3]))) AS y
  FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 + 0 * i FROM generate_series(1, $D)) AS x
          FROM generate_series(1, $ROWS) i) s;
VACUUM ANALYZE gb;
SQL
echo "   table gb: $(q -c "SELECT pg_size_pretty(pg_table_size('gb'))")"
SERIAL="SET max_parallel_workers_per_gather = 0;"
timed() {  # seconds of one statement (serial)
    q -c "$SERIAL" -c "SELECT extract(epoch FROM clock_timestamp())" -c "$1" -c "SELECT extract(epoch FROM clock_timestamp())" \
        | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%.3f", b - a }'
}

echo
timed "SELECT sum(x[1]) FROM gb" >/dev/null    # (a first scan warms the caches)
F=$(timed "SELECT sum(x[1]) FROM gb")
row "bare scan: SELECT sum(x[1]) FROM gb" "$F s"

# one ungrouped model on the whole table
read -r T1 P1 < <(q -c "$SERIAL" -c "SELECT round(seconds::numeric, 3), iterations FROM ooml.train_logreg('all', 'gb', 'y', ARRAY['x'])" | tr '|' ' ')
row "one model on all rows: train_logreg" "$T1 s" "$P1 passes, $(ratio $(awk -v t=$T1 -v p=$P1 'BEGIN { print t / p }') $F)x the bare scan per pass"

# the grouped training, with the scans of gb it makes
sleep 1
S0=$(scans)
read -r TG PG < <(q -c "$SERIAL" -c "SET client_min_messages = error" \
                   -c "SELECT round(seconds::numeric, 3), iterations FROM ooml.train_logreg('by_g', 'gb', 'y', ARRAY['x'], group_by => ARRAY['g'])" | tr '|' ' ')
sleep 1
S1=$(scans)
NS=$((S1 - S0))
row "$G models, group_by => ARRAY['g']" "$TG s" "$PG passes, $(ratio $(awk -v t=$TG -v p=$PG 'BEGIN { print t / p }') $F)x the bare scan per pass"
row "  sequential scans of gb during it" "$NS" "= $PG passes + 2 (the target's labels, the list of groups)"
row "  groups trained / converged" "$(q -c "SELECT count(*) FILTER (WHERE status = 'trained') || ' / ' || count(*) FILTER (WHERE converged) FROM ooml.model_groups WHERE model = 'by_g'")"
row "  a grouped pass against an ungrouped pass" "$(ratio $(awk -v t=$TG -v p=$PG 'BEGIN { print t / p }') $(awk -v t=$T1 -v p=$P1 'BEGIN { print t / p }'))x"

# the same groups one at a time: each a training on a view of its rows
TA=0
for k in $(seq 0 $((K - 1))); do
    q -c "CREATE OR REPLACE VIEW alone AS SELECT * FROM gb WHERE g = $k"
    t=$(q -c "$SERIAL" -c "SELECT round(seconds::numeric, 3) FROM ooml.train_logreg('alone_$k', 'alone', 'y', ARRAY['x'])")
    TA=$(awk -v a=$TA -v b=$t 'BEGIN { print a + b }')
done
EST=$(awk -v a=$TA -v k=$K -v g=$G 'BEGIN { printf "%.1f", a / k * g }')
row "one group alone (mean of $K groups)" "$(awk -v a=$TA -v k=$K 'BEGIN { printf "%.3f", a / k }') s"
row "all $G groups one at a time (extrapolated)" "$EST s" "$(ratio $EST $TG)x the grouped training"
DIFF=$(q -c "SELECT max(abs(m.coef[u.o] - u.b)) FROM ooml.model_groups m, ooml.models a, unnest(a.coef) WITH ORDINALITY u(b, o)
              WHERE m.model = 'by_g' AND a.name = 'alone_' || (m.group_key->>'g')")
row "  largest coefficient difference, grouped vs alone ($K groups)" "$DIFF"
# what the numbers must show: one scan per pass, and the models of the groups alone
if [ "$NS" != $((PG + 2)) ] || ! awk -v d="$DIFF" 'BEGIN { exit !(d + 0 <= 1e-9) }'; then
    echo "CHECK FAILED: $NS scans for $PG passes, coefficient difference $DIFF"
    exit 1
fi
echo "benchmark done"
psql -X -q -d postgres -c "DROP DATABASE $DB" >/dev/null 2>&1 || true
