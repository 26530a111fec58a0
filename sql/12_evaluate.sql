--
-- ooml.evaluate: metrics of a model on a relation, in one scan.
--
-- regression: R^2 on the training data is the fit's R^2
SELECT jsonb_pretty(ooml.evaluate('mpg', 'mtcars') - 'rmse' - 'mae' - 'r2') AS counts,
       round((ooml.evaluate('mpg', 'mtcars')->>'rmse')::numeric, 10) AS rmse,
       round((ooml.evaluate('mpg', 'mtcars')->>'mae')::numeric, 10) AS mae,
       round((ooml.evaluate('mpg', 'mtcars')->>'r2')::numeric, 10) AS r2;
SELECT round(sqrt(avg(power(mpg - ooml.predict('mpg', m), 2)))::numeric, 10) AS rmse_by_hand,
       round(avg(abs(mpg - ooml.predict('mpg', m)))::numeric, 10) AS mae_by_hand
  FROM mtcars m;
-- on other rows with the same columns, NULLs skipped and counted
CREATE TABLE cars_test (mpg float8, wt float8, hp int, extra text);
INSERT INTO cars_test VALUES (21, 2.6, 110, 'a'), (15, 3.9, 230, 'b'), (NULL, 3, 100, 'c'),
                             (30, 1.8, 66, 'd'), (18, NULL, 150, 'e');
SELECT ooml.evaluate('mpg', 'cars_test')->'n' AS n, ooml.evaluate('mpg', 'cars_test')->'n_skipped' AS n_skipped;

-- classification
SELECT jsonb_pretty(ooml.evaluate('cars', 'mtcars') - 'log_loss' - 'auc' - 'f1' - 'precision' - 'recall');
SELECT round((e->>'log_loss')::numeric, 10) AS log_loss, round((e->>'auc')::numeric, 10) AS auc,
       round((e->>'f1')::numeric, 6) AS f1
  FROM (SELECT ooml.evaluate('cars', 'mtcars') AS e) s;
-- the log-loss of the training data is the training objective
SELECT abs((ooml.evaluate('cars', 'mtcars')->>'log_loss')::float8 - (stats->>'objective')::float8) < 1e-12
       AS log_loss_is_objective
  FROM ooml.models WHERE name = 'cars';
-- a threshold
SELECT ooml.evaluate('cars', 'mtcars', threshold => 0.9)->'confusion' AS confusion_at_09;

-- AUC against the exact rank-based (Mann-Whitney) AUC with ties averaged,
-- on generated data with many tied scores
CREATE TABLE auc_t AS
SELECT i, round(sin(i * 0.7)::numeric, 1)::float8 AS x, (sin(i * 0.7) + cos(i * 3.1) > 0.3) AS y
  FROM generate_series(1, 5000) i;
SELECT converged FROM ooml.train_logreg('auc_m', 'auc_t', 'y', ARRAY['x']);
WITH s AS (SELECT ooml.predict('auc_m', t) AS p, y FROM auc_t t),
     r AS (SELECT y, (rank() OVER (ORDER BY p) + count(*) OVER (PARTITION BY p) * 0.5 - 0.5) AS avg_rank FROM s)
SELECT abs((ooml.evaluate('auc_m', 'auc_t')->>'auc')::float8
           - (sum(avg_rank) FILTER (WHERE y) - count(*) FILTER (WHERE y) * (count(*) FILTER (WHERE y) + 1) / 2.0)
             / (count(*) FILTER (WHERE y) * count(*) FILTER (WHERE NOT y))) < 1e-12 AS auc_exact
  FROM r;
-- the relation is scanned once
CREATE FUNCTION count_scans(stmt text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE before bigint; after bigint;
BEGIN
    SELECT seq_scan INTO before FROM pg_stat_xact_user_tables WHERE relname = 'auc_t';
    EXECUTE stmt;
    SELECT seq_scan INTO after FROM pg_stat_xact_user_tables WHERE relname = 'auc_t';
    RETURN after - before;
END $$;
SELECT count_scans($$SELECT ooml.evaluate('auc_m', 'auc_t')$$) AS scans;

-- errors
SELECT err($$SELECT ooml.evaluate('nope', 'mtcars')$$);
SELECT err($$SELECT ooml.evaluate('mpg', 'infert')$$);
SELECT err($$SELECT ooml.evaluate('cars', 'cars_test')$$);
CREATE VIEW no_wt AS SELECT am, hp FROM mtcars;
SELECT err($$SELECT ooml.evaluate('cars', 'no_wt')$$);
SELECT err($$SELECT ooml.evaluate('cars', 'mtcars', threshold => 1.5)$$);
CREATE VIEW bad_target AS SELECT hp, wt, 2 AS am FROM mtcars;
SELECT err($$SELECT ooml.evaluate('cars', 'bad_target')$$);
CREATE VIEW no_rows AS SELECT * FROM mtcars WHERE false;
SELECT err($$SELECT ooml.evaluate('cars', 'no_rows')$$);
