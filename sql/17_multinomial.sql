--
-- Multinomial logistic regression against R's nnet::multinom
-- (test/reference/multinom.R: multinom's fit polished by Newton steps to
-- the exact maximum-likelihood estimate; standard errors from the Hessian,
-- as summary.multinom).  The reference class is the first label in the
-- sort order of the target's type.
--
CREATE TABLE housing (sat text, infl_medium int, infl_high int, type_apartment int,
                      type_atrium int, type_terrace int, cont_high int, freq int);
\copy housing FROM 'test/data/housing.csv' CSV HEADER
CREATE TABLE multiclass (label text, x1 float8, x2 float8, x3 float8);
\copy multiclass FROM 'test/data/multiclass.csv' CSV HEADER

-- R's numbers, "class: term"
CREATE TABLE multinom_ref (fit text, class text, term text, estimate float8, std_err float8);
INSERT INTO multinom_ref
SELECT 'housing', * FROM (VALUES
    ('Low', '(intercept)', 0.138742759, 0.1592295685),
    ('Low', 'infl_medium', -0.7348632193, 0.1369379759),
    ('Low', 'infl_high', -1.612631066, 0.1671317096),
    ('Low', 'type_apartment', 0.7356317401, 0.1552714304),
    ('Low', 'type_atrium', 0.4079780863, 0.2114966217),
    ('Low', 'type_terrace', 1.412327684, 0.2001494385),
    ('Low', 'cont_high', -0.4818270026, 0.1241370654),
    ('Medium', '(intercept)', -0.2804859822, 0.1662230041),
    ('Medium', 'infl_medium', -0.2884673264, 0.1447697387),
    ('Medium', 'infl_high', -0.9476957384, 0.1680522801),
    ('Medium', 'type_apartment', 0.299943041, 0.1562827888),
    ('Medium', 'type_atrium', 0.5393483888, 0.1995762135),
    ('Medium', 'type_terrace', 0.7457572266, 0.2105163525),
    ('Medium', 'cont_high', -0.12097512, 0.1293136862)) v;
INSERT INTO multinom_ref
SELECT 'gen', * FROM (VALUES
    ('bee', '(intercept)', 0.1463197198, 0.1528913407),
    ('bee', 'x1', 1.114622369, 0.1655034737),
    ('bee', 'x2', -0.3606086768, 0.1504943778),
    ('bee', 'x3', 0.4341142765, 0.1580181004),
    ('cat', '(intercept)', -0.4490017704, 0.1880622234),
    ('cat', 'x1', -0.8417534424, 0.1785382649),
    ('cat', 'x2', 1.195843105, 0.1822883313),
    ('cat', 'x3', 0.6926350936, 0.1724575981),
    ('dog', '(intercept)', 0.4789552974, 0.1382143876),
    ('dog', 'x1', 0.4502321297, 0.149680431),
    ('dog', 'x2', 0.4071092439, 0.1456132777),
    ('dog', 'x3', -0.8006743257, 0.1581523676)) v;

CREATE FUNCTION multinom_check(model text, ref text)
RETURNS TABLE (n_coef bigint, max_rel_err_estimate_below_1e_8 boolean, max_rel_err_std_err_below_1e_7 boolean)
LANGUAGE sql AS $$
    SELECT count(*), max(abs(c.estimate - r.estimate) / abs(r.estimate)) < 1e-8,
           max(abs(c.std_err - r.std_err) / r.std_err) < 1e-7
      FROM ooml.coefficients(model) c JOIN multinom_ref r USING (class, term)
     WHERE r.fit = ref
$$;

-- MASS's housing example: Sat ~ Infl + Type + Cont, weights = Freq;
-- the labels High < Low < Medium as text: High is the reference
SELECT model, iterations, converged, n_rows
  FROM ooml.train_logreg('housing_m', 'housing', 'sat',
                         ARRAY['infl_medium', 'infl_high', 'type_apartment', 'type_atrium', 'type_terrace', 'cont_high'],
                         weights => 'freq');
SELECT * FROM multinom_check('housing_m', 'housing');
SELECT class, term, round(estimate::numeric, 5) AS estimate, round(std_err::numeric, 5) AS std_err,
       round(statistic::numeric, 3) AS z, round(p_value::numeric, 5) AS p_value
  FROM ooml.coefficients('housing_m');
-- R: deviance 3470.083866, AIC 3498.083866 (14 parameters)
SELECT family, link, classes, round((stats->>'deviance')::numeric, 6) AS deviance,
       round((stats->>'aic')::numeric, 6) AS aic, round((stats->>'null_deviance')::numeric, 6) AS null_deviance,
       stats->>'test' AS test
  FROM ooml.models WHERE name = 'housing_m';
-- the null deviance is that of the class shares: -2 sum n_k log(n_k / n)
SELECT round((-2 * sum(w * ln(w / t)))::numeric, 6) AS null_deviance
  FROM (SELECT sum(freq) AS w, sum(sum(freq)) OVER () AS t FROM housing GROUP BY sat) s;

-- the generated set: four text labels, three features
SELECT model, converged, n_rows FROM ooml.train_logreg('gen_m', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3']);
SELECT * FROM multinom_check('gen_m', 'gen');
SELECT classes, round((stats->>'deviance')::numeric, 6) AS deviance, round((stats->>'aic')::numeric, 6) AS aic
  FROM ooml.models WHERE name = 'gen_m';

-- scoring: probabilities in the order of the classes, summing to 1; the
-- label is the most probable class
SELECT label, ooml.predict_class('gen_m', m) AS predicted,
       (SELECT array_agg(round(p::numeric, 4)) FROM unnest(ooml.predict_proba('gen_m', m)) p) AS proba
  FROM multiclass m LIMIT 5;
SELECT count(*) AS rows,
       max(abs((SELECT sum(p) FROM unnest(ooml.predict_proba('gen_m', m)) p) - 1)) < 1e-15 AS sums_to_1,
       bool_and(ooml.predict_class('gen_m', m) =
                (SELECT c FROM unnest(ooml.predict_proba('gen_m', m), (SELECT classes FROM ooml.models WHERE name = 'gen_m'))
                            AS u(p, c) ORDER BY p DESC LIMIT 1)) AS label_is_most_probable,
       round(avg((ooml.predict_class('gen_m', m) = label)::int)::numeric, 4) AS accuracy
  FROM multiclass m;
-- one argument per feature, and the array form, give the same
SELECT ooml.predict_proba('gen_m', x1, x2, x3) = ooml.predict_proba('gen_m', m) AS same_by_values,
       ooml.predict_class('gen_m', x1, x2, x3) = ooml.predict_class('gen_m', m) AS same_class_by_values
  FROM multiclass m LIMIT 3;
SELECT ooml.predict_proba('gen_m', ARRAY[x1, x2, x3]) = ooml.predict_proba('gen_m', m) AS same,
       ooml.predict_class('gen_m', ARRAY[x1, x2, x3]) AS predicted
  FROM multiclass m LIMIT 2;
-- the log-likelihood is the sum of the log-probabilities of the observed classes
SELECT round(sum(ln((ooml.predict_proba('gen_m', m))[array_position(classes, label)]))::numeric, 6) AS loglik,
       round(min(log_likelihood)::numeric, 6) AS stored
  FROM multiclass m, ooml.models WHERE name = 'gen_m';

-- evaluate: accuracy, log loss (the mean negative log-likelihood), per-class
-- metrics and the confusion matrix
SELECT jsonb_pretty(ooml.evaluate('gen_m', 'multiclass') - 'log_loss') AS evaluation;
SELECT round((ooml.evaluate('gen_m', 'multiclass')->>'log_loss')::numeric, 10) AS log_loss,
       round((623.762270 / 600)::numeric, 6) AS deviance_over_2n;
-- the same by hand: accuracy and the recall of class "dog"
SELECT round(avg((ooml.predict_class('gen_m', m) = label)::int), 4) AS accuracy,
       round(avg((ooml.predict_class('gen_m', m) = label)::int) FILTER (WHERE label = 'dog'), 4) AS dog_recall
  FROM multiclass m;
-- a label the model does not know
CREATE TABLE multiclass_new AS SELECT * FROM multiclass;
INSERT INTO multiclass_new VALUES ('eel', 0, 0, 0);
SELECT err($$SELECT ooml.evaluate('gen_m', 'multiclass_new')$$);

-- integer labels sort as integers: 3 < 10 < 20 < 100, the same order as
-- ant < bee < cat < dog, so the same model (as text "10" < "100" < "20" < "3")
CREATE TABLE multiclass_int AS
SELECT CASE label WHEN 'ant' THEN 3 WHEN 'bee' THEN 10 WHEN 'cat' THEN 20 ELSE 100 END AS label, x1, x2, x3
  FROM multiclass;
SELECT model, converged FROM ooml.train_logreg('gen_int', 'multiclass_int', 'label', ARRAY['x1', 'x2', 'x3']);
SELECT classes FROM ooml.models WHERE name = 'gen_int';
SELECT max(abs(a.estimate - b.estimate)) < 1e-12 AS same_estimates
  FROM (SELECT row_number() OVER () i, * FROM ooml.coefficients('gen_m')) a
  JOIN (SELECT row_number() OVER () i, * FROM ooml.coefficients('gen_int')) b USING (i);
SELECT ooml.predict_class('gen_int', m) AS predicted FROM multiclass_int m LIMIT 3;

-- two labels of any type stay a binary model: the first label is the
-- negative class, and the model is that of the 0/1 target
CREATE TABLE two AS SELECT label, (label = 'bee')::int AS y, x1, x2, x3 FROM multiclass WHERE label IN ('ant', 'bee');
SELECT model, converged FROM ooml.train_logreg('two_text', 'two', 'label', ARRAY['x1', 'x2', 'x3']);
SELECT model, converged FROM ooml.train_logreg('two_num', 'two', 'y', ARRAY['x1', 'x2', 'x3']);
SELECT family, classes FROM ooml.models WHERE name IN ('two_text', 'two_num') ORDER BY name;
SELECT max(abs(a.estimate - b.estimate)) < 1e-12 AS same_estimates
  FROM ooml.coefficients('two_text') a JOIN ooml.coefficients('two_num') b USING (term);
SELECT label, ooml.predict_class('two_text', t), round(ooml.predict('two_text', t)::numeric, 6) AS p_bee
  FROM two t LIMIT 3;
SELECT ooml.evaluate('two_text', 'two')->'confusion' AS confusion,
       ooml.evaluate('two_text', 'two')->'confusion' = ooml.evaluate('two_num', 'two')->'confusion' AS same_as_0_1;

-- options: a ridge penalty (not on the intercepts), no intercept, standardize
SELECT model, converged FROM ooml.train_logreg('gen_l2', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], l2 => 0.1);
SELECT class, term, round(estimate::numeric, 6) AS estimate FROM ooml.coefficients('gen_l2') WHERE term = '(intercept)';
SELECT (stats->>'grad_norm')::float8 < 1e-9 AS stationary FROM ooml.models WHERE name = 'gen_l2';
SELECT model, converged FROM ooml.train_logreg('gen_noint', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], intercept => false);
SELECT count(*) AS coefficients, (SELECT round((stats->>'null_deviance')::numeric, 4) FROM ooml.models WHERE name = 'gen_noint') AS null_deviance,
       round((600 * 2 * ln(4))::numeric, 4) AS expected
  FROM ooml.coefficients('gen_noint');
SELECT model, converged FROM ooml.train_logreg('gen_std', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], standardize => true, l2 => 0.1);

-- the other optimizers reach Newton's model: L-BFGS and gradient descent
-- (in the coordinates of standardized features, block by block), SGD
-- approximately; l1 by OWL-QN and proximal Newton
SELECT model, converged FROM ooml.train_logreg('gen_lbfgs', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], optimizer => 'lbfgs');
SELECT model, converged FROM ooml.train_logreg('gen_gd', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], optimizer => 'gd', max_iter => 500);
SELECT model, converged FROM ooml.train_logreg('gen_sgd', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], optimizer => 'sgd', max_iter => 30);
SELECT b.name, max(abs(a.estimate - c.estimate)) < 1e-5 AS estimates_within_1e_5,
       (b.stats->>'objective')::float8 - (m.stats->>'objective')::float8
           < CASE WHEN b.name = 'gen_sgd' THEN 5e-3 ELSE 1e-10 END AS objective_close
  FROM ooml.models b, ooml.models m, ooml.coefficients('gen_m') a, ooml.coefficients(b.name) c
 WHERE b.name IN ('gen_lbfgs', 'gen_gd', 'gen_sgd') AND m.name = 'gen_m' AND a.class = c.class AND a.term = c.term
 GROUP BY b.name, b.stats, m.stats ORDER BY b.name;
SELECT model, converged FROM ooml.train_logreg('gen_l1', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], l1 => 0.05);
SELECT model, converged FROM ooml.train_logreg('gen_l1_lbfgs', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], l1 => 0.05, optimizer => 'lbfgs', tolerance => 1e-10);
SELECT class, term, round(a.estimate::numeric, 5) AS newton, round(b.estimate::numeric, 5) AS owlqn
  FROM ooml.coefficients('gen_l1') a JOIN ooml.coefficients('gen_l1_lbfgs') b USING (class, term);

-- many classes, few features: the Newton pass buffers few rows (21
-- classes) or none (301 classes: each row is folded at once); the model is
-- the one L-BFGS finds
CREATE TABLE classes_21 AS SELECT i, (i % 21)::int AS label, sin(i) * ((i % 21) / 20.0) + cos(i * 7) AS x FROM generate_series(1, 4200) i;
CREATE TABLE classes_301 AS SELECT i, (i % 301)::int AS label, sin(i) * ((i % 301) / 300.0) + cos(i * 7) AS x FROM generate_series(1, 1806) i;
SELECT model, converged FROM ooml.train_logreg('c21', 'classes_21', 'label', ARRAY['x']);
SELECT model, converged FROM ooml.train_logreg('c21_lbfgs', 'classes_21', 'label', ARRAY['x'], optimizer => 'lbfgs', tolerance => 1e-11, max_iter => 1000);
SELECT model, converged FROM ooml.train_logreg('c301', 'classes_301', 'label', ARRAY['x']);
SELECT model, converged FROM ooml.train_logreg('c301_lbfgs', 'classes_301', 'label', ARRAY['x'], optimizer => 'lbfgs', tolerance => 1e-11, max_iter => 2000);
SELECT count(*) AS coefficients, max(abs(a.estimate - b.estimate)) < 1e-5 AS same_estimates,
       max(abs(a.std_err - b.std_err) / a.std_err) < 1e-4 AS same_std_err
  FROM ooml.coefficients('c21') a JOIN ooml.coefficients('c21_lbfgs') b USING (class, term);
SELECT count(*) AS coefficients, max(abs(a.estimate - b.estimate)) < 1e-5 AS same_estimates,
       max(abs(a.std_err - b.std_err) / a.std_err) < 1e-4 AS same_std_err
  FROM ooml.coefficients('c301') a JOIN ooml.coefficients('c301_lbfgs') b USING (class, term);

-- NULL labels and features are skipped
CREATE TABLE multiclass_null AS SELECT * FROM multiclass;
INSERT INTO multiclass_null VALUES (NULL, 1, 2, 3), ('ant', NULL, 1, 1);
SELECT model, converged, n_rows, n_skipped FROM ooml.train_logreg('gen_null', 'multiclass_null', 'label', ARRAY['x1', 'x2', 'x3']);
SELECT max(abs(a.estimate - b.estimate)) < 1e-12 AS same_estimates
  FROM ooml.coefficients('gen_m') a JOIN ooml.coefficients('gen_null') b USING (class, term);

-- bad input
SELECT err($$SELECT ooml.predict('gen_m', m) FROM multiclass m LIMIT 1$$);
SELECT err($$SELECT ooml.predict_class('gen_m', m, 0.5) FROM multiclass m LIMIT 1$$);
SELECT err($$SELECT * FROM ooml.train_glm('bad', 'multiclass', 'label', ARRAY['x1', 'x2'], family => 'binomial', offset_column => 'x3')$$);
SELECT err($$SELECT * FROM ooml.train_svm('bad', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'])$$);
SELECT err($$SELECT * FROM ooml.train_glm('bad', 'multiclass', 'label', ARRAY['x1', 'x2', 'x3'], family => 'binomial', link => 'probit')$$);
CREATE TABLE many AS SELECT i AS id, (i % 1500)::text AS code, random() AS x FROM generate_series(1, 3000) i;
SELECT err($$SELECT * FROM ooml.train_logreg('bad', 'many', 'code', ARRAY['x'])$$);
CREATE TABLE one_class AS SELECT 'only'::text AS label, x1 FROM multiclass;
SELECT err($$SELECT * FROM ooml.train_logreg('bad', 'one_class', 'label', ARRAY['x1'])$$);
CREATE TABLE empty_class AS SELECT label, CASE WHEN label = 'cat' THEN NULL ELSE x1 END AS x1 FROM multiclass;
SELECT err($$SELECT * FROM ooml.train_logreg('bad', 'empty_class', 'label', ARRAY['x1'])$$);
CREATE TABLE pointy AS SELECT point(1, 2) AS label, 1.0::float8 AS x, ARRAY[1.0]::float8[] AS xa;
SELECT err($$SELECT * FROM ooml.train_logreg('bad', 'pointy', 'label', ARRAY['x'])$$);
SELECT err($$SELECT * FROM ooml.train_logreg('bad', 'pointy', 'xa', ARRAY['x'])$$);
SELECT count(*) AS models_named_bad FROM ooml.models WHERE name = 'bad';
