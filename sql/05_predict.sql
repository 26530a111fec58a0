--
-- Scoring with ooml.predict.
--
-- by whole row: features found by name
SELECT model, round(ooml.predict('cars', m)::numeric, 6) AS p_manual
  FROM mtcars m ORDER BY model LIMIT 5;
-- the same as the logistic function of the coefficients
SELECT bool_and(abs(ooml.predict('cars', m)
                    - 1 / (1 + exp(-(c[1] + c[2] * hp + c[3] * wt)))) < 1e-14) AS matches_formula
  FROM mtcars m, (SELECT coef AS c FROM ooml.models WHERE name = 'cars') c;
-- by array in the model's order
SELECT round(ooml.predict('cars', ARRAY[110, 2.62])::numeric, 6) AS mazda_rx4;
SELECT round(ooml.predict('cars', ARRAY[110, 2.62]::float8[])::numeric, 6) AS mazda_rx4;
-- rows of another relation that has the columns, in another order, plus others
CREATE TABLE new_cars (id int, wt float8, other text, hp numeric);
INSERT INTO new_cars VALUES (1, 2.62, 'a', 110), (2, 3.5, 'b', 200), (3, NULL, 'c', 100);
SELECT id, round(ooml.predict('cars', n)::numeric, 6) AS p FROM new_cars n ORDER BY id;
-- a row built on the fly
SELECT round(ooml.predict('cars', r)::numeric, 6) AS p
  FROM (SELECT 110 AS hp, 2.62 AS wt) r;
-- array features, and a model trained on a view scored on its table
SELECT round(ooml.predict('g_array', g)::numeric, 6) AS p FROM gen g ORDER BY id LIMIT 3;
SELECT round(ooml.predict('g_mixed', v)::numeric, 6) AS p FROM gen_v v LIMIT 3;
-- NULLs give NULL
SELECT ooml.predict('cars', ARRAY[110, NULL]::float8[]) IS NULL AS null_value;
SELECT ooml.predict('g_array', r) IS NULL AS null_element
  FROM (SELECT ARRAY[1, NULL, 3]::float8[] AS xs) r;
SELECT ooml.predict(NULL, ARRAY[1, 2]::float8[]) IS NULL AS null_model;
-- predictions over a whole table, used in SQL
SELECT count(*) FILTER (WHERE (ooml.predict('cars', m) > 0.5) = (am = 1)) AS correct, count(*) AS n
  FROM mtcars m;
-- errors
SELECT err($$SELECT ooml.predict('nope', ARRAY[1, 2]::float8[])$$);
SELECT err($$SELECT ooml.predict('cars', ARRAY[1, 2, 3]::float8[])$$);
SELECT err($$SELECT ooml.predict('cars', ARRAY[[1, 2]]::float8[])$$);
SELECT err($$SELECT ooml.predict('cars', ARRAY[1, 'NaN']::float8[])$$);
SELECT err($$SELECT ooml.predict('cars', r) FROM (SELECT 1 AS hp) r$$);
SELECT err($$SELECT ooml.predict('cars', r) FROM (SELECT 1 AS hp, 'x'::text AS wt) r$$);
SELECT err($$SELECT ooml.predict('g_array', r) FROM (SELECT ARRAY[1, 2]::float8[] AS xs) r$$);
SELECT err($$SELECT ooml.predict('g_array', r) FROM (SELECT 1.0::float8 AS xs) r$$);
-- one argument per feature, in the model's order (for a column per feature)
SELECT bool_and(ooml.predict('cars', hp, wt) = ooml.predict('cars', m)) AS values_match_row,
       bool_and(ooml.predict_class('cars', hp, wt) = ooml.predict_class('cars', m)) AS class_matches,
       bool_and(ooml.predict_proba('cars', hp, wt) = ooml.predict_proba('cars', m)) AS proba_matches
  FROM mtcars m;
SELECT round(ooml.predict('cars', 110, 2.62)::numeric, 6) AS mazda_rx4,
       ooml.predict_class('cars', 110, 2.62) AS class;
-- numeric, float8 and NULL values; an array value for an array feature
SELECT id, round(ooml.predict('cars', hp, wt)::numeric, 6) AS p,
       ooml.predict_class('cars', hp, wt) AS class FROM new_cars ORDER BY id;
SELECT bool_and(ooml.predict('g_mixed', x1n, x2a, x3i) = ooml.predict('g_mixed', v)) AS mixed_match
  FROM gen_v v;
SELECT ooml.predict('g_mixed', 1.0, ARRAY[NULL]::float8[], 2) IS NULL AS null_element;
-- errors: a value too many, a value of the wrong type or shape, a VARIADIC
-- array, a value that is not finite, one value (that is the row or array form)
SELECT err($$SELECT ooml.predict('cars', 110, 2.62, 0.5)$$);
SELECT err($$SELECT ooml.predict_class('cars', 110, 2.62, 0.5)$$);
SELECT err($$SELECT ooml.predict('cars', 110, 'x'::text)$$);
SELECT err($$SELECT ooml.predict('cars', ARRAY[110.0], 2.62)$$);
SELECT err($$SELECT ooml.predict('g_mixed', 1.0, 2.0, 3)$$);
SELECT err($$SELECT ooml.predict('g_mixed', 1.0, ARRAY[1.0, 2.0]::float8[], 3)$$);
SELECT err($$SELECT ooml.predict('cars', 110, VARIADIC ARRAY[2.62])$$);
SELECT err($$SELECT ooml.predict('cars', 110, 'Infinity'::float8)$$);
SELECT err($$SELECT ooml.predict('cars', 110)$$);
-- a predict in a query sees one version of the model
BEGIN;
SELECT round(ooml.predict('cars', ARRAY[110, 2.62])::numeric, 6) AS before;
UPDATE ooml.models SET coef = ARRAY[0, 0, 0]::float8[] WHERE name = 'cars';
SELECT ooml.predict('cars', ARRAY[110, 2.62]) AS after_update;
ROLLBACK;
SELECT round(ooml.predict('cars', ARRAY[110, 2.62])::numeric, 6) AS restored;
