#!/usr/bin/env bash
# verbose => true prints one NOTICE per pass, with the pass number, loss,
# gradient norm and elapsed time; verbose => false prints none.
set -euo pipefail
db=ooml_t_verbose
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -q -d $db -c "CREATE EXTENSION ooml" -c "
CREATE TABLE d AS SELECT sin(i) AS x, (cos(i * 3) > 0.2 * sin(i)) AS y FROM generate_series(1, 500) i"
out=$(psql -d $db -c "SELECT * FROM ooml.train_logreg('v', 'd', 'y', ARRAY['x'], verbose => true)" 2>&1)
passes=$(psql -At -d $db -c "SELECT count(*) FROM ooml.training_log WHERE model = 'v' AND step IS NOT NULL")
notices=$(echo "$out" | grep -c '^NOTICE:  ooml: pass [0-9]*: loss .*, gradient norm .*, .* s$' || true)
quiet=$(psql -d $db -c "SELECT * FROM ooml.train_logreg('q', 'd', 'y', ARRAY['x'])" 2>&1 | grep -c NOTICE || true)
psql -q -d postgres -c "DROP DATABASE $db"
echo "passes with a step: $passes, notices: $notices, notices when quiet: $quiet"
[ "$notices" -ge 1 ] && [ "$notices" -eq "$passes" ] && [ "$quiet" -eq 0 ]
