--
-- Bad input: each case ends with a clear error and leaves the catalog as it was.
--
CREATE TABLE bad (
    id int, y int, yb boolean, y2 int, x1 float8, x2 float8, t text, js jsonb,
    xa float8[], xm float8[], ia int[], d date);
INSERT INTO bad
SELECT i, i % 2, i % 2 = 1, i % 3, sin(i), cos(i), 'a', '{}', ARRAY[sin(i), cos(i)],
       ARRAY[[1, 2], [3, 4]], ARRAY[i, i % 2], date '2020-01-01' + i
  FROM generate_series(1, 50) i;
CREATE TABLE empty_t (y int, x1 float8);
CREATE TABLE models_before AS SELECT name, coef FROM ooml.models;
CREATE TABLE log_before AS SELECT * FROM ooml.training_log;

-- relation missing (the regclass cast fails before ooml runs)
SELECT err($$SELECT ooml.train_logreg('m', 'no_such_table', 'y', ARRAY['x1'])$$);
-- columns missing or of the wrong type
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'nope', ARRAY['x1'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1', 'nope'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['X1'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 't', ARRAY['x1'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['t'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['js'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['d'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'xa', ARRAY['x1'])$$);
-- argument checks
SELECT err($$SELECT ooml.train_logreg('', 'bad', 'y', ARRAY['x1'])$$);
SELECT err($$SELECT ooml.train_logreg(NULL, 'bad', 'y', ARRAY['x1'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY[]::text[])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1', 'x1'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1', 'y'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1'], optimizer => 'adam')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1'], max_iter => 0)$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1'], tolerance => -1)$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1'], l2 => -0.5)$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1'], l2 => 'NaN')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1'], l2 => 'Infinity')$$);
-- three classes: an SVM and a binomial GLM take two (train_logreg fits a multinomial model)
SELECT err($$SELECT ooml.train_svm('m', 'bad', 'y2', ARRAY['x1'])$$);
SELECT err($$SELECT ooml.train_glm('m', 'bad', 'y2', ARRAY['x1'], family => 'binomial', link => 'probit')$$);
-- no rows; no rows left after skipping NULLs
SELECT err($$SELECT ooml.train_logreg('m', 'empty_t', 'y', ARRAY['x1'])$$);
-- text is a name, never SQL
SELECT err($$SELECT ooml.train_logreg('m', '(SELECT 1) AS s', 'y', ARRAY['x1'])$$);
CREATE VIEW all_null AS SELECT y, NULL::float8 AS x1 FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'all_null', 'y', ARRAY['x1'])$$);
-- only one class
CREATE VIEW one_class AS SELECT 1 AS y, x1 FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'one_class', 'y', ARRAY['x1'])$$);
CREATE VIEW one_class_b AS SELECT false AS y, x1 FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'one_class_b', 'y', ARRAY['x1'])$$);
-- NaN and infinity in a feature, an array element, the target
CREATE VIEW with_nan AS SELECT y, CASE WHEN id = 7 THEN 'NaN'::float8 ELSE x1 END AS x1 FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'with_nan', 'y', ARRAY['x1'])$$);
CREATE VIEW with_inf AS SELECT y, CASE WHEN id = 7 THEN ARRAY[1, '-Infinity']::float8[] ELSE xa END AS xa FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'with_inf', 'y', ARRAY['xa'])$$);
CREATE VIEW nan_target AS SELECT CASE WHEN id = 7 THEN 'NaN'::float8 ELSE y END AS y, x1 FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'nan_target', 'y', ARRAY['x1'])$$);
-- arrays of different lengths; multidimensional; empty
CREATE VIEW ragged AS SELECT y, CASE WHEN id = 9 THEN ARRAY[1, 2, 3]::float8[] ELSE xa END AS xa FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'ragged', 'y', ARRAY['xa'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['xm'])$$);
CREATE VIEW ragged2 AS SELECT y, CASE WHEN id = 9 THEN ARRAY[[1, 2]]::float8[] ELSE xa END AS xa FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'ragged2', 'y', ARRAY['xa'])$$);
CREATE VIEW empty_arr AS SELECT y, '{}'::float8[] AS xa FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'empty_arr', 'y', ARRAY['xa'])$$);
-- collinear features: say which terms
CREATE VIEW collinear AS SELECT y, x1, x2, 2 * x1 - x2 AS x3, 5.0::float8 AS c FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'collinear', 'y', ARRAY['x1', 'x2', 'x3'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'collinear', 'y', ARRAY['x1', 'c'])$$);
-- a ridge penalty makes them identifiable
SELECT converged FROM ooml.train_logreg('collinear_l2', 'collinear', 'y', ARRAY['x1', 'x2', 'x3'], l2 => 0.1);
SELECT ooml.drop_model('collinear_l2');
-- perfectly separable, and quasi-separable, data: no silent huge coefficients
CREATE VIEW separable AS SELECT (x1 > 0) AS y, x1, x2 FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'separable', 'y', ARRAY['x1', 'x2'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'separable', 'y', ARRAY['x1', 'x2'], optimizer => 'gd')$$);
CREATE VIEW quasi AS SELECT (x1 > 0 OR (id = 1)) AS y, x1, x2 FROM bad;
SELECT err($$SELECT ooml.train_logreg('m', 'quasi', 'y', ARRAY['x1', 'x2'])$$);
-- with l2 the separable problem has a finite solution
SELECT converged FROM ooml.train_logreg('separable_l2', 'separable', 'y', ARRAY['x1', 'x2'], l2 => 0.01);
SELECT ooml.drop_model('separable_l2');
-- an existing model is not overwritten without replace
SELECT converged FROM ooml.train_logreg('keep', 'bad', 'y', ARRAY['x1']);
SELECT err($$SELECT ooml.train_logreg('keep', 'bad', 'y', ARRAY['x2'])$$);
SELECT features FROM ooml.models WHERE name = 'keep';
SELECT ooml.drop_model('keep');
-- a failed retraining with replace => true keeps the old model
SELECT converged FROM ooml.train_logreg('keep2', 'bad', 'y', ARRAY['x1']);
SELECT err($$SELECT ooml.train_logreg('keep2', 'bad', 't', ARRAY['x1'], replace => true)$$);
SELECT features FROM ooml.models WHERE name = 'keep2';
SELECT ooml.drop_model('keep2');
-- no permission to read the relation
CREATE ROLE ooml_test_reader;
SET ROLE ooml_test_reader;
SELECT err($$SELECT ooml.train_logreg('m', 'bad', 'y', ARRAY['x1'])$$);
RESET ROLE;
DROP ROLE ooml_test_reader;

-- the catalog is as it was
SELECT (SELECT count(*) FROM ooml.models) = (SELECT count(*) FROM models_before) AS same_models,
       NOT EXISTS (SELECT name, coef FROM ooml.models EXCEPT SELECT * FROM models_before) AS same_coefs,
       NOT EXISTS (SELECT * FROM ooml.training_log EXCEPT SELECT * FROM log_before)
       AND (SELECT count(*) FROM ooml.training_log) = (SELECT count(*) FROM log_before) AS same_log;
