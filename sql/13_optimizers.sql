--
-- Optimizers for every model: L-BFGS, stochastic gradient descent, elastic
-- net (proximal Newton with coordinate descent, proximal gradient, OWL-QN),
-- standardization and row weights.
--
-- Elastic net against glmnet 4.1-6 (thresh = 1e-20), every reference
-- confirmed by ooml's optimality (KKT) conditions in R
-- (test/reference/enet.R).  The objective: mean loss + l2/2 sum pw_j b_j^2
-- + l1 sum sqrt(pw_j) |b_j|, pw_j = 1, or sd_j^2 with standardize.
CREATE FUNCTION match(model text, ref float8[], tol float8) RETURNS boolean LANGUAGE sql AS $$
    SELECT max(abs(c.estimate - r.v) / greatest(abs(r.v), 1e-300)) <= tol
           AND bool_and((c.estimate = 0) = (r.v = 0))
      FROM (SELECT row_number() OVER () AS i, estimate FROM ooml.coefficients(model)) c
      JOIN unnest(ref) WITH ORDINALITY AS r(v, i) USING (i)
$$;

-- binomial, birthwt: glmnet(lambda = 0.02, alpha = 0.5) is l1 = l2 = 0.01
\set feats 'ARRAY[''age'', ''lwt'', ''raceblack'', ''raceother'', ''smoke'', ''ptl'', ''ht'', ''ui'']'
\set ref1 'ARRAY[1.15970141461, -0.036385228657, -0.0120895509853, 0.333065820573, 0.177396087306, 0.375962956144, 0.400126835154, 0.519758976576, 0.250430218533]'
SELECT converged FROM ooml.train_logreg('en_newton', 'birthwt_x', 'low', :feats, l1 => 0.01, l2 => 0.01);
SELECT converged FROM ooml.train_logreg('en_lbfgs', 'birthwt_x', 'low', :feats, l1 => 0.01, l2 => 0.01, optimizer => 'lbfgs', max_iter => 500);
SELECT converged FROM ooml.train_logreg('en_gd', 'birthwt_x', 'low', :feats, l1 => 0.01, l2 => 0.01, optimizer => 'gd', max_iter => 2000);
SELECT match('en_newton', :ref1, 1e-7) AS newton_matches_glmnet,
       match('en_lbfgs', :ref1, 1e-5) AS lbfgs_matches_glmnet,
       match('en_gd', :ref1, 1e-5) AS gd_matches_glmnet;
-- binomial lasso with standardize: glmnet(lambda = 0.03, alpha = 1, standardize = TRUE)
SELECT converged FROM ooml.train_logreg('lasso_std', 'birthwt_x', 'low', :feats, l1 => 0.03, standardize => true);
SELECT match('lasso_std', ARRAY[-0.0647809599464, -0.00861982813643, -0.00816875380286, 0.427111071998,
                                0.228016208623, 0.391782691895, 0.361190052755, 1.00924400804, 0.434238239751], 1e-7)
       AS matches_glmnet;
-- gaussian lasso, mtcars: exact zeros where glmnet has them (l1 = lambda = 0.5)
SELECT iterations, converged FROM ooml.train_linreg('lasso_lm', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec', 'drat', 'disp'], l1 => 0.5);
SELECT term, round(estimate::numeric, 8) AS estimate FROM ooml.coefficients('lasso_lm');
SELECT match('lasso_lm', ARRAY[32.7399605842, -1.20499486432, -0.0266776491074, 0, 0, -0.0210612374899], 1e-6)
       AS matches_glmnet,
       (SELECT stats->'nonzero' FROM ooml.models WHERE name = 'lasso_lm') AS nonzero;
-- gaussian elastic net with standardize: glmnet(lambda = 1, alpha = 0.5) with
-- y scaled internally by sd_n(y): l1 = 0.5, l2 = 0.5 / sd_n(mpg)
SELECT converged FROM ooml.train_linreg('enet_lm', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec', 'drat', 'disp'],
                                        l1 => 0.5, l2 => 0.0842881842700926, standardize => true);
SELECT match('enet_lm', ARRAY[26.5949366007, -2.53087067848, -0.0219831220336, 0.0955943322609, 1.20162953227, -0.00505020926028], 1e-7)
       AS matches_glmnet;
-- the same problems by the other optimizers
SELECT converged FROM ooml.train_linreg('lasso_lm_lbfgs', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec', 'drat', 'disp'], l1 => 0.5, solver => 'lbfgs', max_iter => 1000);
SELECT converged FROM ooml.train_linreg('lasso_lm_gd', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec', 'drat', 'disp'], l1 => 0.5, solver => 'gd', max_iter => 5000, tolerance => 1e-9);
SELECT match('lasso_lm_lbfgs', ARRAY[32.7399605842, -1.20499486432, -0.0266776491074, 0, 0, -0.0210612374899], 1e-5) AS lbfgs_matches,
       match('lasso_lm_gd', ARRAY[32.7399605842, -1.20499486432, -0.0266776491074, 0, 0, -0.0210612374899], 1e-5) AS gd_matches;
-- without l1, standardize changes only how l2 weighs the coefficients
SELECT converged FROM ooml.train_logreg('ridge_std', 'birthwt_x', 'low', :feats, l2 => 0.05, standardize => true);
SELECT converged FROM ooml.train_logreg('ridge_std_lbfgs', 'birthwt_x', 'low', :feats, l2 => 0.05, standardize => true, optimizer => 'lbfgs');
SELECT max(abs(a.estimate - b.estimate) / abs(a.estimate)) < 1e-6 AS lbfgs_matches_newton
  FROM ooml.coefficients('ridge_std') a JOIN ooml.coefficients('ridge_std_lbfgs') b USING (term);

-- row weights, as R's glm and lm weights= (test/reference/enet.R):
-- glm(case ~ spontaneous + induced, binomial, infert, weights = stratum %% 3 + 1)
CREATE VIEW infert_w AS SELECT *, (stratum % 3) + 1 AS w FROM infert;
SELECT n_rows FROM ooml.train_logreg('glm_w', 'infert_w', 'case', ARRAY['spontaneous', 'induced'], weights => 'w');
SELECT * FROM check_coef('glm_w', ARRAY['(intercept)', 'spontaneous', 'induced'],
    ARRAY[-1.768833009078, 1.247644352522, 0.447388060922],
    ARRAY[0.192401936069, 0.149194035396, 0.148291047692], tol => 1e-8);
-- lm(mpg ~ wt + hp, mtcars, weights = cyl): sigma 6.171204194390, R^2 0.811481039579
SELECT n_rows FROM ooml.train_linreg('lm_w', 'mtcars', 'mpg', ARRAY['wt', 'hp'], weights => 'cyl');
SELECT * FROM check_coef('lm_w', ARRAY['(intercept)', 'wt', 'hp'],
    ARRAY[35.935291612420, -3.604009589035, -0.030213923998],
    ARRAY[1.66154395573711, 0.58353355146747, 0.00814061747327], tol => 1e-10);
SELECT round((stats->>'sigma')::numeric, 10) AS sigma, round((stats->>'r2')::numeric, 10) AS r2
  FROM ooml.models WHERE name = 'lm_w';
-- integer weights are frequency weights: the same fit as repeated rows
CREATE VIEW mtcars_rep AS SELECT m.* FROM mtcars m, generate_series(1, m.cyl) g;
SELECT converged FROM ooml.train_linreg('lm_rep', 'mtcars_rep', 'mpg', ARRAY['wt', 'hp']);
SELECT max(abs(a.estimate - b.estimate) / abs(a.estimate)) < 1e-10 AS same_estimates
  FROM ooml.coefficients('lm_w') a JOIN ooml.coefficients('lm_rep') b USING (term);
-- zero weights leave rows out; NULL weights skip them
CREATE VIEW mtcars_w0 AS SELECT *, CASE WHEN gear = 5 THEN NULL WHEN am = 1 THEN 0 ELSE 1 END AS w FROM mtcars;
SELECT n_rows, n_skipped FROM ooml.train_linreg('lm_w0', 'mtcars_w0', 'mpg', ARRAY['wt', 'hp'], weights => 'w');

-- L-BFGS and SGD on generated data agree with Newton
SELECT converged FROM ooml.train_logreg('opt_newton', 'gen', 'y', ARRAY['x1', 'x2', 'x3']);
SELECT converged, iterations < 40 AS few_passes FROM ooml.train_logreg('opt_lbfgs', 'gen', 'y', ARRAY['x1', 'x2', 'x3'], optimizer => 'lbfgs');
SELECT converged FROM ooml.train_logreg('opt_sgd', 'gen', 'y', ARRAY['x1', 'x2', 'x3'], optimizer => 'sgd', max_iter => 10);
SELECT max(abs(a.estimate - b.estimate) / abs(a.estimate)) < 1e-6 AS lbfgs_matches_newton
  FROM ooml.coefficients('opt_newton') a JOIN ooml.coefficients('opt_lbfgs') b USING (term);
SELECT (s.stats->>'objective')::float8 - (n.stats->>'objective')::float8 < 1e-3 AS sgd_within_1e3,
       (s.stats->>'objective')::float8 >= (n.stats->>'objective')::float8 - 1e-12 AS newton_is_the_minimum
  FROM ooml.models s, ooml.models n WHERE s.name = 'opt_sgd' AND n.name = 'opt_newton';
SELECT options ? 'learning_rate' AS records_learning_rate FROM ooml.models WHERE name = 'opt_sgd';
-- SGD with l1 and l2, and an explicit learning rate
SELECT converged FROM ooml.train_logreg('opt_sgd_en', 'gen', 'y', ARRAY['x1', 'x2', 'x3'], optimizer => 'sgd',
                                        l1 => 0.01, l2 => 0.01, learning_rate => 0.05, max_iter => 20);
SELECT converged FROM ooml.train_logreg('opt_newton_en', 'gen', 'y', ARRAY['x1', 'x2', 'x3'], l1 => 0.01, l2 => 0.01);
SELECT (s.stats->>'objective')::float8 - (n.stats->>'objective')::float8 < 1e-3 AS sgd_en_within_1e3
  FROM ooml.models s, ooml.models n WHERE s.name = 'opt_sgd_en' AND n.name = 'opt_newton_en';
-- linear regression by L-BFGS and SGD
SELECT converged FROM ooml.train_linreg('lm_lbfgs', 'mtcars', 'mpg', ARRAY['wt', 'hp'], solver => 'lbfgs');
SELECT max(abs(a.estimate - b.estimate) / abs(a.estimate)) < 1e-6 AS lbfgs_matches_qr
  FROM ooml.coefficients('mpg') a JOIN ooml.coefficients('lm_lbfgs') b USING (term);
-- parallel SGD: the workers' models are averaged (Bismarck's shared-nothing merge).
-- Which rows each worker gets varies from run to run, and so does the number
-- of passes (5 to 7 in 24 runs by hand), so max_iter leaves room.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT converged FROM ooml.train_logreg('par_sgd', 'par', 'y', ARRAY['x1', 'x2'], optimizer => 'sgd', max_iter => 20);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT (s.stats->>'objective')::float8 - (n.stats->>'objective')::float8 < 1e-3 AS parallel_sgd_within_1e3
  FROM ooml.models s, ooml.models n WHERE s.name = 'par_sgd' AND n.name = 'par0';
-- a shuffled copy for SGD
SELECT ooml.shuffle('gen', 'gen_shuffled') AS rows_copied;
SELECT (SELECT sum(id) FROM gen_shuffled) = (SELECT sum(id) FROM gen) AS same_rows;

-- 100,000 features in a float8[] column: L-BFGS and SGD keep O(d) state (a
-- Hessian would need 80 GB; a 64 MB state limit is enough)
SET ooml.max_state_memory = '64MB';
CREATE TABLE very_wide AS
SELECT i, ARRAY(SELECT sin(i * j * 0.001 + j) FROM generate_series(1, 100000) j)::float8[] AS x, (i % 2 = 0) AS y
  FROM generate_series(1, 20) i;
SET client_min_messages = error;
SELECT iterations FROM ooml.train_logreg('very_wide_lbfgs', 'very_wide', 'y', ARRAY['x'], l2 => 0.01, max_iter => 5);
SELECT iterations FROM ooml.train_logreg('very_wide_sgd', 'very_wide', 'y', ARRAY['x'], l2 => 0.01, optimizer => 'sgd', max_iter => 2);
RESET client_min_messages;
SELECT name, optimizer, cardinality(coef) AS ncoef, std_err IS NULL AS no_std_err
  FROM ooml.models WHERE name LIKE 'very_wide%' ORDER BY name;
SELECT err($$SELECT ooml.train_logreg('m', 'very_wide', 'y', ARRAY['x'], optimizer => 'newton')$$);
RESET ooml.max_state_memory;
DROP TABLE very_wide;

-- bad input, each before any pass
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], l1 => -1)$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], l1 => 'NaN')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], optimizer => 'sgd', learning_rate => 0)$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], optimizer => 'sgd', learning_rate => 'NaN')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], learning_rate => 0.1)$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], weights => 'nope')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], weights => 'xs')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], weights => 'x1')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], weights => 'y')$$);
CREATE VIEW gen_negw AS SELECT *, CASE WHEN id = 17 THEN -1 ELSE 1 END AS w FROM gen;
SELECT err($$SELECT ooml.train_logreg('m', 'gen_negw', 'y', ARRAY['x1'], weights => 'w')$$);
SELECT err($$SELECT ooml.train_logreg('m', 'gen', 'y', ARRAY['x1'], standardize => NULL)$$);
-- a diverging SGD stops and says so
SELECT err($$SELECT ooml.train_linreg('m', 'mtcars', 'mpg', ARRAY['disp', 'hp'], solver => 'sgd', learning_rate => 1e6, max_iter => 20)$$);
SELECT count(*) AS models_named_m FROM ooml.models WHERE name = 'm';

-- 300 coefficients: the Hessian is factored in panels (interruptible); QR,
-- the normal equations and L-BFGS agree
CREATE TABLE wide300 AS
SELECT i, ARRAY(SELECT sin(i * j * 0.0137 + j) + cos(j * i * 0.71) FROM generate_series(1, 299) j)::float8[] AS xs,
       (SELECT sum(sin(i * j * 0.0137 + j) * ((j % 5) - 2)) FROM generate_series(1, 299) j) + 3 * cos(i * 7.1) AS y,
       (sin(i * 1.3) > 0) AS yb
  FROM generate_series(1, 1500) i;
SELECT converged FROM ooml.train_linreg('w300_qr', 'wide300', 'y', ARRAY['xs']);
SELECT converged FROM ooml.train_linreg('w300_normal', 'wide300', 'y', ARRAY['xs'], solver => 'normal');
SELECT max(abs(a.estimate - b.estimate)) < 1e-8 AS same_estimates,
       max(abs(a.std_err - b.std_err) / a.std_err) < 1e-8 AS same_std_errs
  FROM ooml.coefficients('w300_qr') a JOIN ooml.coefficients('w300_normal') b USING (term);
SELECT converged FROM ooml.train_logreg('w300_newton', 'wide300', 'yb', ARRAY['xs'], l2 => 0.01);
SELECT converged FROM ooml.train_logreg('w300_lbfgs', 'wide300', 'yb', ARRAY['xs'], l2 => 0.01, optimizer => 'lbfgs', max_iter => 500);
SELECT max(abs(a.estimate - b.estimate)) < 1e-5 AS lbfgs_matches_newton
  FROM ooml.coefficients('w300_newton') a JOIN ooml.coefficients('w300_lbfgs') b USING (term);
DROP TABLE wide300;
