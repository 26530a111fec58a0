#!/usr/bin/env bash
# Two real sessions: training the same model name at the same time (one
# succeeds, the other gets a clear error, no half-written model), and a
# predict while the model is retrained (the old model or the new, never a mix).
set -uo pipefail
db=ooml_t_conc
fail() { echo "FAIL: $*"; psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; exit 1; }
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1 || exit 1
psql -q -d $db -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || fail "set-up"
CREATE EXTENSION ooml;
CREATE TABLE d AS
SELECT i, sin(i) AS x1, cos(i * 1.7) AS x2, (sin(i * 0.37) + 0.5 * cos(i * 1.7) > 0.1) AS y
  FROM generate_series(1, 200000) i;
SQL

# 1. the same name from two sessions, both started at once
for s in a b; do
    psql -d $db -c "SELECT model, converged FROM ooml.train_logreg('same', 'd', 'y', ARRAY['x1', 'x2'], optimizer => 'gd', max_iter => 40)" \
        > /tmp/ooml_conc_$s.out 2>&1 &
done
wait
ok=$(grep -l "same *| t\|same *| f" /tmp/ooml_conc_a.out /tmp/ooml_conc_b.out | wc -l)
err=$(grep -l 'model "same" already exists' /tmp/ooml_conc_a.out /tmp/ooml_conc_b.out | wc -l)
[ "$ok" = 1 ] && [ "$err" = 1 ] || fail "expected one success and one 'already exists': $(cat /tmp/ooml_conc_a.out /tmp/ooml_conc_b.out)"
n=$(psql -At -d $db -c "SELECT count(*) FROM ooml.models WHERE name = 'same' AND cardinality(coef) = 3 AND n_rows = 200000")
[ "$n" = 1 ] || fail "the model is not whole"
echo "same name from two sessions: one trained, the other: $(grep -h 'ERROR' /tmp/ooml_conc_a.out /tmp/ooml_conc_b.out)"

# 2. predict while the model is retrained in another session's open transaction
old=$(psql -At -d $db -c "SELECT ooml.predict('same', ARRAY[0.3, -0.2])")
psql -d $db > /tmp/ooml_conc_c.out 2>&1 <<'SQL' &
BEGIN;
SELECT ooml.train_logreg('same', 'd', 'y', ARRAY['x1', 'x2'], l2 => 0.5, replace => true);
SELECT pg_sleep(2);
COMMIT;
SQL
job=$!
sleep 1
during=$(psql -At -d $db -c "SELECT ooml.predict('same', ARRAY[0.3, -0.2])")
many=$(psql -At -d $db -c "SELECT count(DISTINCT ooml.predict('same', ARRAY[0.3, -0.2])) FROM generate_series(1, 1000)")
wait $job
new=$(psql -At -d $db -c "SELECT ooml.predict('same', ARRAY[0.3, -0.2])")
[ "$during" = "$old" ] || fail "during the retraining, predict saw $during, not the old $old"
[ "$many" = 1 ] || fail "one query saw several versions of the model"
[ "$new" != "$old" ] || fail "after the commit, predict still sees the old model"
echo "predict during retraining: old $old; after commit: new $new"
psql -q -d postgres -c "DROP DATABASE $db"
