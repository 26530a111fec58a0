--
-- One model per group: every group's model is the model that training on
-- that group alone gives, all trained by the same passes.
--
SET max_parallel_workers_per_gather = 0;   -- the same row order as the per-group runs
CREATE TABLE shops AS
SELECT i, CASE i % 4 WHEN 0 THEN 'north' WHEN 1 THEN 'south' WHEN 2 THEN 'east' ELSE 'west' END AS region,
       i % 2 = 0 AS online, x1, x2,
       (sin(i * 7.3) * 0.5 + 0.5 < 1 / (1 + exp(-(0.8 * x1 - 1.2 * x2 + (i % 4) * 0.4)))) ::int AS bought,
       round((3 + 2 * x1 - x2 + (i % 4) + cos(i * 3.1))::numeric, 4)::float8 AS spend,
       1 + (i % 3) AS visits, ln(1 + i % 5) AS log_days
  FROM (SELECT i, sin(i * 1.3) AS x1, cos(i * 0.7) * 2 AS x2 FROM generate_series(1, 4000) i) s;
-- a region with a single class fails; rows without a region belong to no group
INSERT INTO shops VALUES (4001, 'lonely', true, 0.1, 0.2, 1, 3.0, 1, 0), (4002, 'lonely', false, 0.3, 0.1, 1, 2.0, 2, 0),
                         (4003, 'lonely', true, 0.5, 0.7, 1, 1.0, 1, 0), (4004, NULL, true, 0.2, 0.2, 0, 2.0, 1, 0);

-- a helper: train the model of one group alone, on a view of its rows
CREATE FUNCTION same_as_alone(grouped text, fn text, where_sql text, vals text[], args text)
RETURNS TABLE (coef_diff_below_1e_10 boolean, se_diff_below_1e_8 boolean, aic_equal boolean, same_passes boolean)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE OR REPLACE TEMP VIEW alone AS SELECT * FROM shops WHERE %s', where_sql);
    EXECUTE format('SELECT ooml.%s(''alone_m'', ''alone'', %s, replace => true)', fn, args);
    RETURN QUERY
    SELECT max(abs(g.coef[u.o] - u.b)) < 1e-10,
           coalesce(max(abs(g.std_err[u.o] - u.se) / u.se) < 1e-8, true),
           coalesce(abs((g.stats->>'aic')::float8 - (m.stats->>'aic')::float8) <= 1e-9 * abs((m.stats->>'aic')::float8), true),
           g.iterations = m.iterations
      FROM ooml.models m, unnest(m.coef, m.std_err) WITH ORDINALITY AS u(b, se, o),
           ooml.model_groups g
     WHERE m.name = 'alone_m' AND g.model = grouped
       AND g.group_values = vals
     GROUP BY g.stats, m.stats, g.iterations, m.iterations;
END
$$;

-- logistic regression, one model per region
SELECT model, iterations, converged, n_rows
  FROM ooml.train_logreg('by_region', 'shops', 'bought', ARRAY['x1', 'x2'], group_by => ARRAY['region']);
SELECT group_no, group_key, group_values, status, message, converged, iterations, n_rows
  FROM ooml.model_groups WHERE model = 'by_region' ORDER BY group_no;
SELECT stats FROM ooml.models WHERE name = 'by_region';
SELECT region, (same_as_alone('by_region', 'train_logreg', format('region = %L', region), ARRAY[region], '''bought'', ARRAY[''x1'', ''x2'']')).*
  FROM (VALUES ('east'), ('north'), ('south'), ('west')) v(region);
-- coefficients: the group first
SELECT group_key->>'region' AS region, term, round(estimate::numeric, 6) AS estimate,
       round(std_err::numeric, 6) AS std_err, round(p_value::numeric, 6) AS p_value
  FROM ooml.coefficients('by_region');
-- predict uses the model of the row's group; no model (failed group, NULL
-- region): NULL
SELECT region, count(*) AS rows, count(ooml.predict('by_region', s)) AS predicted,
       round(avg(ooml.predict('by_region', s))::numeric, 6) AS mean_p
  FROM shops s GROUP BY region ORDER BY region;
SELECT round(max(abs(ooml.predict('by_region', s) - ooml.predict('alone_m', s)))::numeric, 15) AS same_as_alone
  FROM shops s WHERE region = 'west';
SELECT ooml.predict_class('by_region', s) AS predicted, bought FROM shops s ORDER BY i LIMIT 3;
SELECT jsonb_build_object('n', e->'n', 'n_skipped', e->'n_skipped', 'accuracy', round((e->>'accuracy')::numeric, 6)) AS evaluation
  FROM ooml.evaluate('by_region', 'shops') e;
SELECT count(*) AS logged_passes FROM ooml.training_log WHERE model = 'by_region';

-- two group columns, least squares by QR (one pass)
SELECT model, iterations, converged FROM ooml.train_linreg('spend_by', 'shops', 'spend', ARRAY['x1', 'x2'],
                                                           group_by => ARRAY['region', 'online']);
SELECT group_no, group_key, status, round((stats->>'r2')::numeric, 6) AS r2
  FROM ooml.model_groups WHERE model = 'spend_by' ORDER BY group_no LIMIT 4;
SELECT (same_as_alone('spend_by', 'train_linreg', 'region = ''north'' AND format(''%s'', online) = ''t''', '{north,t}', '''spend'', ARRAY[''x1'', ''x2'']')).*;
-- a group that fails fails alone with the same message
CREATE OR REPLACE TEMP VIEW alone AS SELECT * FROM shops WHERE region = 'lonely' AND NOT online;
SELECT err($$SELECT ooml.train_linreg('alone_m', 'alone', 'spend', ARRAY['x1', 'x2'], replace => true)$$) AS alone,
       (SELECT message FROM ooml.model_groups WHERE model = 'spend_by' AND group_values = '{lonely,f}') AS grouped;

-- a Poisson GLM with an offset, weights and a ridge penalty with standardize
SELECT model, converged FROM ooml.train_poisson('visits_by', 'shops', 'visits', ARRAY['x1', 'x2'], offset_column => 'log_days',
                                                group_by => ARRAY['region'], l2 => 0.01, standardize => true);
SELECT (same_as_alone('visits_by', 'train_poisson', 'region = ''south''', '{south}',
                      '''visits'', ARRAY[''x1'', ''x2''], offset_column => ''log_days'', l2 => 0.01, standardize => true')).*;
SELECT (same_as_alone('visits_by', 'train_poisson', 'region = ''lonely''', '{lonely}',
                      '''visits'', ARRAY[''x1'', ''x2''], offset_column => ''log_days'', l2 => 0.01, standardize => true')).*;

-- a linear SVM by SGD (the model is updated row by row inside each group)
SELECT model, converged FROM ooml.train_svm('svm_by', 'shops', 'bought', ARRAY['x1', 'x2'], group_by => ARRAY['region']);
SELECT (same_as_alone('svm_by', 'train_svm', 'region = ''east''', '{east}', '''bought'', ARRAY[''x1'', ''x2'']')).*;

-- every optimizer: L-BFGS and gradient descent (their line searches run
-- per group), an l1 penalty by proximal Newton, OWL-QN and SGD
SELECT model, converged FROM ooml.train_logreg('lbfgs_by', 'shops', 'bought', ARRAY['x1', 'x2'], group_by => ARRAY['region'],
                                               optimizer => 'lbfgs', l2 => 0.01, standardize => true);
SELECT (same_as_alone('lbfgs_by', 'train_logreg', 'region = ''west''', '{west}',
                      '''bought'', ARRAY[''x1'', ''x2''], optimizer => ''lbfgs'', l2 => 0.01, standardize => true')).*;
SELECT model, converged FROM ooml.train_poisson('gd_by', 'shops', 'visits', ARRAY['x1', 'x2'], group_by => ARRAY['region'],
                                                optimizer => 'gd', max_iter => 300);
SELECT (same_as_alone('gd_by', 'train_poisson', 'region = ''north''', '{north}',
                      '''visits'', ARRAY[''x1'', ''x2''], optimizer => ''gd'', max_iter => 300')).*;
SELECT model, converged FROM ooml.train_logreg('l1_by', 'shops', 'bought', ARRAY['x1', 'x2'], group_by => ARRAY['region'], l1 => 0.02);
SELECT (same_as_alone('l1_by', 'train_logreg', 'region = ''south''', '{south}', '''bought'', ARRAY[''x1'', ''x2''], l1 => 0.02')).*;
SELECT model, converged FROM ooml.train_logreg('owlqn_by', 'shops', 'bought', ARRAY['x1', 'x2'], group_by => ARRAY['region'],
                                               l1 => 0.02, optimizer => 'lbfgs');
SELECT (same_as_alone('owlqn_by', 'train_logreg', 'region = ''south''', '{south}',
                      '''bought'', ARRAY[''x1'', ''x2''], l1 => 0.02, optimizer => ''lbfgs''')).*;
SELECT model, converged FROM ooml.train_linreg('lasso_by', 'shops', 'spend', ARRAY['x1', 'x2'], group_by => ARRAY['region'], l1 => 0.5);
SELECT (same_as_alone('lasso_by', 'train_linreg', 'region = ''east''', '{east}', '''spend'', ARRAY[''x1'', ''x2''], l1 => 0.5')).*;
SELECT model, iterations FROM ooml.train_linreg('lasso_alone', 'alone', 'spend', ARRAY['x1', 'x2'], l1 => 0.5);
SELECT model, converged FROM ooml.train_logreg('sgdl1_by', 'shops', 'bought', ARRAY['x1', 'x2'], group_by => ARRAY['region'],
                                               l1 => 0.01, optimizer => 'sgd', max_iter => 10);
SELECT (same_as_alone('sgdl1_by', 'train_logreg', 'region = ''east''', '{east}',
                      '''bought'', ARRAY[''x1'', ''x2''], l1 => 0.01, optimizer => ''sgd'', max_iter => 10')).*;
-- each group counts its own passes, as when trained alone
SELECT name, m.iterations AS passes, (SELECT array_agg(g.iterations ORDER BY g.group_no) FROM ooml.model_groups g
                                       WHERE g.model = m.name AND g.status = 'trained') AS group_passes
  FROM ooml.models m WHERE name IN ('lbfgs_by', 'gd_by', 'l1_by', 'owlqn_by', 'lasso_by', 'by_region') ORDER BY name;
SELECT g.iterations AS grouped, a.iterations AS alone
  FROM ooml.model_groups g, ooml.models a WHERE g.model = 'lasso_by' AND g.group_values = '{east}' AND a.name = 'lasso_alone';

-- multinomial: each group is the classifier of its own labels, as training
-- on the group alone finds them (three labels: multinomial; two: binary;
-- one: failed); the probabilities follow the model's classes, 0 for a
-- label the group never saw
CREATE TABLE tiers AS
SELECT i, region, x1, x2,
       CASE WHEN region = 'east' AND sin(i * 2.1) > 0 THEN 'gold'
            WHEN region = 'east' THEN 'bronze'
            WHEN region = 'lonely' THEN 'silver'
            WHEN sin(i * 2.1) + x1 > 0.8 THEN 'gold' WHEN sin(i * 2.1) - x2 > -0.2 THEN 'silver' ELSE 'bronze' END AS tier
  FROM shops;
SELECT model, converged FROM ooml.train_logreg('tier_by', 'tiers', 'tier', ARRAY['x1', 'x2'], group_by => ARRAY['region']);
SELECT family, classes FROM ooml.models WHERE name = 'tier_by';
SELECT group_key->>'region' AS region, status, message, classes, cardinality(coef) AS coefficients
  FROM ooml.model_groups WHERE model = 'tier_by' ORDER BY group_no;
CREATE TEMP VIEW tiers_north AS SELECT * FROM tiers WHERE region = 'north';
SELECT model FROM ooml.train_logreg('tier_north', 'tiers_north', 'tier', ARRAY['x1', 'x2']);
CREATE TEMP VIEW tiers_east AS SELECT * FROM tiers WHERE region = 'east';
SELECT model FROM ooml.train_logreg('tier_east', 'tiers_east', 'tier', ARRAY['x1', 'x2']);
SELECT a.name, max(abs(g.coef[u.o] - u.b)) < 1e-10 AS same_coef, max(abs(g.std_err[u.o] - u.se) / u.se) < 1e-8 AS same_se,
       g.classes = a.classes AS same_classes,
       abs((g.stats->>'aic')::float8 - (a.stats->>'aic')::float8) < 1e-9 * (a.stats->>'aic')::float8 AS same_aic
  FROM ooml.models a, unnest(a.coef, a.std_err) WITH ORDINALITY u(b, se, o), ooml.model_groups g
 WHERE a.name IN ('tier_north', 'tier_east') AND g.model = 'tier_by' AND g.group_values = ARRAY[substr(a.name, 6)]
 GROUP BY a.name, g.classes, a.classes, g.stats, a.stats ORDER BY a.name;
SELECT group_key->>'region' AS region, class, term, round(estimate::numeric, 4) AS estimate FROM ooml.coefficients('tier_by')
 WHERE group_key->>'region' IN ('east', 'north') AND term = 'x1';
SELECT region, tier, ooml.predict_class('tier_by', t) AS predicted,
       (SELECT array_agg(round(v::numeric, 4)) FROM unnest(ooml.predict_proba('tier_by', t)) v) AS proba
  FROM tiers t WHERE i IN (1, 2, 3, 4, 4001) ORDER BY i;
SELECT max(abs((ooml.predict_proba('tier_by', t))[3] - (ooml.predict_proba('tier_north', t))[3])) < 1e-12 AS same_as_alone
  FROM tiers t WHERE region = 'north';
SELECT round((ooml.evaluate('tier_by', 'tiers')->>'accuracy')::numeric, 6) AS accuracy,
       ooml.evaluate('tier_by', 'tiers')->'n' AS n;
SELECT err($$SELECT ooml.predict('tier_by', t) FROM tiers t LIMIT 1$$);

-- bad input: each an error before any pass
SELECT err($$SELECT ooml.train_logreg('m', 'shops', 'bought', ARRAY['x1'], group_by => ARRAY['nope'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'shops', 'bought', ARRAY['x1'], group_by => ARRAY['x1'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'shops', 'bought', ARRAY['x1'], group_by => ARRAY['region', 'region'])$$);
SELECT err($$SELECT ooml.train_logreg('m', 'shops', 'bought', ARRAY['x1'], group_by => ARRAY[]::text[])$$);
SELECT err($$SELECT ooml.predict('by_region', ARRAY[1.0, 2.0])$$);
SELECT err($$SELECT ooml.predict('by_region', 1.0, 2.0)$$);
CREATE TABLE all_one AS SELECT region, 1 AS y, x1 FROM shops;
SELECT err($$SELECT ooml.train_logreg('m', 'all_one', 'y', ARRAY['x1'], group_by => ARRAY['region'])$$);
SELECT count(*) AS models_named_m FROM ooml.models WHERE name = 'm';
-- dropping a grouped model drops its groups
SELECT ooml.drop_model('by_region');
SELECT count(*) AS groups_left FROM ooml.model_groups WHERE model = 'by_region';
RESET max_parallel_workers_per_gather;
-- the grouped driver turns JIT off: with sorts disabled every query in it
-- costs 1e10, and each would be compiled once per group (10x slower)
SELECT 'jit=off' = ANY (proconfig) AS grouped_driver_without_jit
  FROM pg_proc WHERE oid = 'ooml._train_groups'::regproc;
