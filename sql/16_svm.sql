--
-- Linear support vector machines and predicted classes.
--
-- a separable set: 100% training accuracy with either loss
CREATE TABLE sep AS
SELECT i, sin(i * 1.3) AS x1, cos(i * 0.7) AS x2, (sin(i * 1.3) + cos(i * 0.7) > 0.2) AS y
  FROM generate_series(1, 2000) i
 WHERE abs(sin(i * 1.3) + cos(i * 0.7) - 0.2) > 0.05;
SELECT model, converged FROM ooml.train_svm('sep_hinge', 'sep', 'y', ARRAY['x1', 'x2'], l2 => 1e-4, max_iter => 100);
SELECT model, converged FROM ooml.train_svm('sep_sq', 'sep', 'y', ARRAY['x1', 'x2'], loss => 'squared_hinge', l2 => 1e-4);
SELECT count(*) FILTER (WHERE ooml.predict_class('sep_hinge', s) = y::text) * 100.0 / count(*) AS hinge_accuracy,
       count(*) FILTER (WHERE ooml.predict_class('sep_sq', s) = y::text) * 100.0 / count(*) AS squared_hinge_accuracy
  FROM sep s;
SELECT family, optimizer, classes, stats->'aic' AS aic, std_err IS NULL AS no_std_err
  FROM ooml.models WHERE name IN ('sep_hinge', 'sep_sq') ORDER BY name;

-- Wisconsin breast cancer (UCI; as shipped with scikit-learn), features
-- standardized in a view.  liblinear 2.3.0 (train -s 3 hinge / -s 1 squared
-- hinge, -c 1 -B 1) reaches 98.77% (562 of 569) training accuracy on the same
-- standardized data; the bar is within 0.5 percentage points.  C = 1 is
-- l2 = 1 / (C n) = 1/569.
CREATE TABLE bc (id int, x1 float8, x2 float8, x3 float8, x4 float8, x5 float8, x6 float8, x7 float8,
                 x8 float8, x9 float8, x10 float8, x11 float8, x12 float8, x13 float8, x14 float8,
                 x15 float8, x16 float8, x17 float8, x18 float8, x19 float8, x20 float8, x21 float8,
                 x22 float8, x23 float8, x24 float8, x25 float8, x26 float8, x27 float8, x28 float8,
                 x29 float8, x30 float8, malignant int);
\copy bc FROM 'test/data/breast_cancer.csv' CSV HEADER
CREATE TABLE bc_std AS
SELECT id, malignant,
       ARRAY[(x1 - avg(x1) OVER ()) / stddev_pop(x1) OVER (), (x2 - avg(x2) OVER ()) / stddev_pop(x2) OVER (),
             (x3 - avg(x3) OVER ()) / stddev_pop(x3) OVER (), (x4 - avg(x4) OVER ()) / stddev_pop(x4) OVER (),
             (x5 - avg(x5) OVER ()) / stddev_pop(x5) OVER (), (x6 - avg(x6) OVER ()) / stddev_pop(x6) OVER (),
             (x7 - avg(x7) OVER ()) / stddev_pop(x7) OVER (), (x8 - avg(x8) OVER ()) / stddev_pop(x8) OVER (),
             (x9 - avg(x9) OVER ()) / stddev_pop(x9) OVER (), (x10 - avg(x10) OVER ()) / stddev_pop(x10) OVER (),
             (x11 - avg(x11) OVER ()) / stddev_pop(x11) OVER (), (x12 - avg(x12) OVER ()) / stddev_pop(x12) OVER (),
             (x13 - avg(x13) OVER ()) / stddev_pop(x13) OVER (), (x14 - avg(x14) OVER ()) / stddev_pop(x14) OVER (),
             (x15 - avg(x15) OVER ()) / stddev_pop(x15) OVER (), (x16 - avg(x16) OVER ()) / stddev_pop(x16) OVER (),
             (x17 - avg(x17) OVER ()) / stddev_pop(x17) OVER (), (x18 - avg(x18) OVER ()) / stddev_pop(x18) OVER (),
             (x19 - avg(x19) OVER ()) / stddev_pop(x19) OVER (), (x20 - avg(x20) OVER ()) / stddev_pop(x20) OVER (),
             (x21 - avg(x21) OVER ()) / stddev_pop(x21) OVER (), (x22 - avg(x22) OVER ()) / stddev_pop(x22) OVER (),
             (x23 - avg(x23) OVER ()) / stddev_pop(x23) OVER (), (x24 - avg(x24) OVER ()) / stddev_pop(x24) OVER (),
             (x25 - avg(x25) OVER ()) / stddev_pop(x25) OVER (), (x26 - avg(x26) OVER ()) / stddev_pop(x26) OVER (),
             (x27 - avg(x27) OVER ()) / stddev_pop(x27) OVER (), (x28 - avg(x28) OVER ()) / stddev_pop(x28) OVER (),
             (x29 - avg(x29) OVER ()) / stddev_pop(x29) OVER (), (x30 - avg(x30) OVER ()) / stddev_pop(x30) OVER ()]
       AS x
  FROM bc;
SELECT converged FROM ooml.train_svm('bc_hinge', 'bc_std', 'malignant', ARRAY['x'], l2 => 1.0 / 569,
                                 learning_rate => 1, max_iter => 100);
SELECT converged FROM ooml.train_svm('bc_sq', 'bc_std', 'malignant', ARRAY['x'], loss => 'squared_hinge', l2 => 1.0 / 569);
SELECT name, (e->>'accuracy')::float8 * 100 >= 98.7698 - 0.5 AS within_half_a_point_of_liblinear,
       (e->>'auc')::float8 > 0.99 AS auc_above_099, e->'log_loss' AS log_loss
  FROM (SELECT name, ooml.evaluate(name, 'bc_std') AS e FROM ooml.models WHERE name IN ('bc_hinge', 'bc_sq')) s
 ORDER BY name;
-- the margin, and the class at another threshold
SELECT round(ooml.predict('bc_sq', b)::numeric, 4) AS margin, ooml.predict_class('bc_sq', b) AS class,
       ooml.predict_class('bc_sq', b, threshold => 5) AS class_at_5, malignant
  FROM bc_std b ORDER BY id LIMIT 3;
-- squared hinge by L-BFGS reaches Newton's minimum
SELECT converged FROM ooml.train_svm('bc_sq_lbfgs', 'bc_std', 'malignant', ARRAY['x'], loss => 'squared_hinge', l2 => 1.0 / 569, optimizer => 'lbfgs', max_iter => 500);
SELECT abs((a.stats->>'objective')::float8 - (b.stats->>'objective')::float8) < 1e-8 AS same_objective
  FROM ooml.models a, ooml.models b WHERE a.name = 'bc_sq' AND b.name = 'bc_sq_lbfgs';

-- predict_class for logistic regression, boolean and 0/1 targets
SELECT model, ooml.predict_class('cars', m) AS class, ooml.predict_class('cars', m, threshold => 0.99) AS strict, am
  FROM mtcars m WHERE model IN ('Mazda RX4', 'Fiat 128', 'Cadillac Fleetwood', 'Toyota Corolla', 'Porsche 914-2')
 ORDER BY model;
SELECT ooml.predict_class('g_array', g) AS class, y FROM gen g ORDER BY id LIMIT 2;
SELECT ooml.predict_class('cars', ARRAY[110, 2.62]) AS class;
-- predict_proba: {P(negative), P(positive)} in the order of the classes
SELECT m.classes, (SELECT array_agg(round(p::numeric, 6) ORDER BY i) FROM unnest(ooml.predict_proba('cars', ARRAY[110, 2.62])) WITH ORDINALITY u(p, i)) AS proba,
       round(ooml.predict('cars', ARRAY[110, 2.62])::numeric, 6) AS p_positive
  FROM ooml.models m WHERE m.name = 'cars';
SELECT count(*) AS rows, count(*) FILTER (WHERE abs(pr[1] + pr[2] - 1) < 1e-15
                                           AND pr[2] = ooml.predict('cars', m)
                                           AND (pr[2] > 0.5) = (ooml.predict_class('cars', m) = '1')) AS consistent
  FROM (SELECT m, ooml.predict_proba('cars', m) AS pr FROM mtcars m) s;
SELECT ooml.predict_proba('cars', ARRAY[110, NULL]) IS NULL AS null_in_null_out;

-- errors
SELECT err($$SELECT ooml.train_svm('m', 'sep', 'y', ARRAY['x1'], loss => 'logistic')$$);
SELECT err($$SELECT ooml.train_svm('m', 'sep', 'y', ARRAY['x1'], optimizer => 'newton')$$);
SELECT err($$SELECT ooml.train_svm('m', 'bc', 'id', ARRAY['x1'])$$);
CREATE VIEW one_class_svm AS SELECT true AS y, x1 FROM sep;
SELECT err($$SELECT ooml.train_svm('m', 'one_class_svm', 'y', ARRAY['x1'])$$);
SELECT err($$SELECT ooml.predict_class('mpg', m) FROM mtcars m$$);
SELECT err($$SELECT ooml.predict_proba('mpg', m) FROM mtcars m$$);
SELECT err($$SELECT ooml.predict_proba('bc_sq', b) FROM bc_std b$$);
SELECT count(*) AS models_named_m FROM ooml.models WHERE name = 'm';
