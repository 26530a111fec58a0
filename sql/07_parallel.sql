--
-- Parallel passes: the planner runs the pass aggregate in parallel workers
-- and combines their states; the model is the same as a serial one.
--
CREATE TABLE par AS
SELECT i AS id, sin(i * 0.37) AS x1, cos(i * 1.3) AS x2,
       (((i::bigint * 104729) % 10007) / 10007.0 < 1 / (1 + exp(-(0.3 + sin(i * 0.37) - cos(i * 1.3))))) AS y
  FROM generate_series(1, 60000) i;
ANALYZE par;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF)
SELECT (s.r).* FROM (SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[],
                                                      ARRAY[1, 1], ARRAY['y', 'x1', 'x2']), t.y, t.x1, t.x2) AS r
                       FROM par AS t) AS s;
SELECT converged, n_rows FROM ooml.train_logreg('par2', 'par', 'y', ARRAY['x1', 'x2']);
-- one gradient pass at fixed weights in parallel, then serially: the
-- workers' states still buffer rows when the leader combines them
EXPLAIN (COSTS OFF)
SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0.2, -0.5, 0.7]::float8[], ARRAY[1, 1], ARRAY['y', 'x1', 'x2']), y, x1, x2) FROM par;
SELECT (r).loss AS par_loss, (r).gradient AS par_grad
  FROM (SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0.2, -0.5, 0.7]::float8[], ARRAY[1, 1], ARRAY['y', 'x1', 'x2']), y, x1, x2) AS r FROM par) s \gset
SET max_parallel_workers_per_gather = 0;
SELECT abs((r).loss - :par_loss) < 1e-12 AS same_loss,
       (SELECT max(abs(u - v)) FROM unnest((r).gradient, :'par_grad'::float8[]) AS t(u, v)) < 1e-12 AS same_gradient
  FROM (SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0.2, -0.5, 0.7]::float8[], ARRAY[1, 1], ARRAY['y', 'x1', 'x2']), y, x1, x2) AS r FROM par) s;
SELECT converged, n_rows FROM ooml.train_logreg('par0', 'par', 'y', ARRAY['x1', 'x2']);
SELECT bool_and(abs(a.estimate - b.estimate) <= 1e-9 * abs(a.estimate)) AS same_model,
       bool_and(abs(a.std_err - b.std_err) <= 1e-9 * a.std_err) AS same_std_err
  FROM ooml.coefficients('par2') a JOIN ooml.coefficients('par0') b USING (term);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- a multinomial model in parallel and serially; a grouped model too (its
-- passes read a temporary table of the groups, so only the leader runs them)
CREATE TABLE par3 AS
SELECT id, x1, x2, CASE WHEN y THEN 'yes' WHEN x1 > 0.3 THEN 'maybe' ELSE 'no' END AS answer, id % 3 AS part
  FROM par;
ANALYZE par3;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT converged FROM ooml.train_logreg('multi2', 'par3', 'answer', ARRAY['x1', 'x2']);
CREATE TABLE par4 AS SELECT id, x1, x2, y, id % 3 AS part FROM par;
ANALYZE par4;
SELECT converged FROM ooml.train_logreg('group2', 'par4', 'y', ARRAY['x1', 'x2'], group_by => ARRAY['part']);
SET max_parallel_workers_per_gather = 0;
SELECT converged FROM ooml.train_logreg('multi0', 'par3', 'answer', ARRAY['x1', 'x2']);
SELECT converged FROM ooml.train_logreg('group0', 'par4', 'y', ARRAY['x1', 'x2'], group_by => ARRAY['part']);
SELECT bool_and(abs(a.estimate - b.estimate) <= 1e-9 * abs(a.estimate)) AS same_multinomial,
       bool_and(abs(a.std_err - b.std_err) <= 1e-9 * a.std_err) AS same_std_err
  FROM ooml.coefficients('multi2') a JOIN ooml.coefficients('multi0') b USING (class, term);
SELECT count(*) AS coefficients, bool_and(abs(a.estimate - b.estimate) <= 1e-9 * abs(a.estimate)) AS same_grouped
  FROM ooml.coefficients('group2') a JOIN ooml.coefficients('group0') b USING (group_key, term);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- Partitionwise aggregation: each partition's Partial Aggregate hands its
-- state to the Finalize Aggregate in the same process (flattened, packed),
-- and the pass is the same as over the whole table.
CREATE TABLE par_parts (id int, y boolean, x1 float8, x2 float8) PARTITION BY RANGE (id);
CREATE TABLE par_parts1 PARTITION OF par_parts FOR VALUES FROM (0) TO (25000);
CREATE TABLE par_parts2 PARTITION OF par_parts FOR VALUES FROM (25000) TO (70000);
INSERT INTO par_parts SELECT id, y, x1, x2 FROM par;
ANALYZE par_parts;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'x1', 'x2']), y, x1, x2) FROM par_parts;
WITH a AS (SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'x1', 'x2']), y, x1, x2) AS r FROM par_parts),
     b AS (SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'x1', 'x2']), y, x1, x2) AS r FROM par)
SELECT (a.r).n_rows, abs((a.r).loss - (b.r).loss) < 1e-12 AS same_loss,
       (SELECT max(abs(u - v)) FROM unnest((a.r).direction, (b.r).direction) AS t(u, v)) < 1e-12 AS same_direction
  FROM a, b;
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;
