#!/usr/bin/env bash
# The README's first command: the whole set-up (test/setup.sh), then a small
# real example: R's mtcars data (Motor Trend, 1974), a logistic regression of
# the transmission (am: 1 = manual) on horsepower and weight, its
# coefficients, and a few predictions.  The server keeps running afterwards.
cd "$(dirname "$0")/.." || exit 1
source test/setup.sh

psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE ooml_demo"
psql -v ON_ERROR_STOP=1 -d ooml_demo <<'SQL'
\set QUIET on
CREATE EXTENSION ooml;
CREATE TABLE mtcars (
    model text, mpg float8, cyl int, disp float8, hp int, drat float8,
    wt float8, qsec float8, vs int, am int, gear int, carb int);
\copy mtcars FROM 'test/data/mtcars.csv' CSV HEADER
\set QUIET off
\echo
\echo '-- train: one aggregate pass over the table per Newton step'
SELECT * FROM ooml.train_logreg(model => 'transmission', relation => 'mtcars',
                                target => 'am', features => ARRAY['hp', 'wt']);
\echo '-- coefficients, as R''s summary(glm(am ~ hp + wt, binomial, mtcars)) prints them'
SELECT term, round(estimate::numeric, 5) AS estimate, round(std_err::numeric, 5) AS std_err,
       round(statistic::numeric, 3) AS z, round(p_value::numeric, 5) AS p_value
  FROM ooml.coefficients('transmission');
\echo '-- model statistics'
SELECT jsonb_pretty(stats - 'grad_norm' - 'objective') AS stats FROM ooml.models WHERE name = 'transmission';
\echo '-- predictions: the probability that a car has a manual transmission'
SELECT model, hp, wt, am, round(ooml.predict('transmission', m)::numeric, 4) AS p_manual
  FROM mtcars m ORDER BY model LIMIT 8;
SELECT round(ooml.predict('transmission', ARRAY[150, 3.0])::numeric, 4) AS p_manual_150hp_3000lb;
SQL
echo
echo "The server is still running. Connect with:"
echo "  psql -h $PGHOST -p $PGPORT -U postgres ooml_demo"
