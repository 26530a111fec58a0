--
-- Linear regression: published results of MADlib and R, the three solvers,
-- ridge against glmnet, arrays, wide models, merging QR states, bad input.
--
-- MADlib's linregr_train documentation example (houses):
--   coef         {-12849.4168959872, 28.9613922651765, 10181.6290712648, 50.516894915354}
--   r2           0.768577580597443
--   std_err      {33453.0344331391, 15.8992104963997, 19437.7710925923, 32.928023174087}
--   t_stats      {-0.38410317968819, 1.82156166004184, 0.523806408809133, 1.53416118083605}
--   p_values     {0.708223134615422, 0.0958005827189772, 0.610804093526536, 0.153235085548186}
--   condition_no 9002.50457085737
CREATE TABLE houses (id int, tax int, bedroom int, bath float8, price int, size int, lot int);
\copy houses FROM 'test/data/houses.csv' CSV HEADER
SELECT model, iterations, converged, n_rows
  FROM ooml.train_linreg(model => 'houses_lm', relation => 'houses', target => 'price',
                         features => ARRAY['tax', 'bath', 'size']);
SELECT term, round(estimate::numeric, 6) AS estimate, round(std_err::numeric, 6) AS std_err,
       round(statistic::numeric, 8) AS t, round(p_value::numeric, 8) AS p_value
  FROM ooml.coefficients('houses_lm');
SELECT * FROM check_coef('houses_lm', ARRAY['(intercept)', 'tax', 'bath', 'size'],
    ARRAY[-12849.4168959872, 28.9613922651765, 10181.6290712648, 50.516894915354],
    ARRAY[33453.0344331391, 15.8992104963997, 19437.7710925923, 32.928023174087], tol => 1e-12);
SELECT max(abs(p_value - ref) / ref) < 1e-12 AS p_values_match
  FROM ooml.coefficients('houses_lm')
  JOIN unnest(ARRAY['(intercept)', 'tax', 'bath', 'size'],
              ARRAY[0.708223134615422, 0.0958005827189772, 0.610804093526536, 0.153235085548186]) AS r(term, ref) USING (term);
SELECT abs((stats->>'r2')::float8 - 0.768577580597443) < 1e-13 AS r2_matches,
       abs((stats->>'condition_number')::float8 / 9002.50457085737 - 1) < 1e-9 AS condition_number_matches
  FROM ooml.models WHERE name = 'houses_lm';

-- R: summary(lm(mpg ~ wt + hp, mtcars))
--                    Estimate      Std. Error  t value   Pr(>|t|)
-- (Intercept) 37.227270116447  1.598787537999 23.28469 < 2.22e-16
-- wt          -3.877830742405  0.632733494377 -6.12870 1.1196e-06
-- hp          -0.031772946982  0.009029709676 -3.51871  0.0014512
-- Residual standard error: 2.593412 on 29 degrees of freedom
-- Multiple R-squared: 0.8267854519, Adjusted R-squared: 0.814839621
-- F-statistic: 69.21121339 on 2 and 29 DF, p-value: 9.109054385e-12; AIC 156.652338826
SELECT model, iterations FROM ooml.train_linreg('mpg', 'mtcars', 'mpg', ARRAY['wt', 'hp']);
SELECT * FROM check_coef('mpg', ARRAY['(intercept)', 'wt', 'hp'],
    ARRAY[37.227270116447, -3.877830742405, -0.031772946982],
    ARRAY[1.598787537999, 0.632733494377, 0.009029709676], tol => 1e-10);
SELECT term, round(statistic::numeric, 5) AS t, to_char(p_value, '9.9999EEEE') AS p_value
  FROM ooml.coefficients('mpg');
SELECT round((stats->>'sigma')::numeric, 6) AS sigma, round((stats->>'r2')::numeric, 10) AS r2,
       round((stats->>'adj_r2')::numeric, 9) AS adj_r2, round((stats->>'f_statistic')::numeric, 8) AS f,
       to_char((stats->>'f_p_value')::float8, '9.999999999EEEE') AS f_p_value,
       stats->'df_model' AS df_model, stats->'df_residual' AS df_residual,
       round((stats->>'aic')::numeric, 9) AS aic, stats->>'test' AS test
  FROM ooml.models WHERE name = 'mpg';
-- without intercept: R's summary(lm(mpg ~ wt + hp - 1, mtcars)), uncentered R^2
--   wt  6.84044997084  1.89424763819;  hp -0.03393525991  0.03939811500
--   R^2 0.7264259466, adjusted 0.7081876764, F 39.82976113 on 2 and 30 DF
SELECT converged FROM ooml.train_linreg('mpg0', 'mtcars', 'mpg', ARRAY['wt', 'hp'], intercept => false);
SELECT * FROM check_coef('mpg0', ARRAY['wt', 'hp'], ARRAY[6.84044997084, -0.03393525991],
                         ARRAY[1.89424763819, 0.03939811500], tol => 1e-9);
SELECT round((stats->>'r2')::numeric, 10) AS r2, round((stats->>'adj_r2')::numeric, 10) AS adj_r2,
       round((stats->>'f_statistic')::numeric, 8) AS f
  FROM ooml.models WHERE name = 'mpg0';

-- the three solvers agree
SELECT converged FROM ooml.train_linreg('mpg_normal', 'mtcars', 'mpg', ARRAY['wt', 'hp'], solver => 'normal');
SELECT converged, iterations < 100 AS few_passes FROM ooml.train_linreg('mpg_gd', 'mtcars', 'mpg', ARRAY['wt', 'hp'], solver => 'gd');
SELECT bool_and(abs(q.estimate - n.estimate) <= 1e-10 * abs(q.estimate)) AS normal_matches,
       bool_and(abs(q.estimate - g.estimate) <= 1e-5 * abs(q.estimate)) AS gd_matches,
       bool_and(abs(q.std_err - n.std_err) <= 1e-10 * q.std_err) AS normal_se_matches,
       bool_and(abs(q.std_err - g.std_err) <= 1e-5 * q.std_err) AS gd_se_matches
  FROM ooml.coefficients('mpg') q JOIN ooml.coefficients('mpg_normal') n USING (term)
  JOIN ooml.coefficients('mpg_gd') g USING (term);
SELECT name, optimizer, iterations, round((stats->>'r2')::numeric, 10) AS r2
  FROM ooml.models WHERE name IN ('mpg', 'mpg_normal', 'mpg_gd') ORDER BY name;

-- Ridge: RSS/(2n) + l2/2 |beta|^2; glmnet(alpha = 0, standardize = FALSE,
-- lambda = l2 * sd_n(mpg)) on mtcars, features wt, hp, qsec, confirmed by the
-- closed form (test/reference/linreg_lm.R):
--   l2 0.5: 37.9436919121 -1.88361052068 -0.0544503619186 -0.213226892666
--   l2 5:   34.4639827061 -0.352832741535 -0.0681835195845 -0.181331271904
SELECT converged FROM ooml.train_linreg('ridge1', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec'], l2 => 0.5);
SELECT converged FROM ooml.train_linreg('ridge2', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec'], l2 => 5);
SELECT converged FROM ooml.train_linreg('ridge2n', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec'], l2 => 5, solver => 'normal');
SELECT converged FROM ooml.train_linreg('ridge2g', 'mtcars', 'mpg', ARRAY['wt', 'hp', 'qsec'], l2 => 5, solver => 'gd');
SELECT m.name, max(abs(c.estimate - r.ref) / abs(r.ref)) < 1e-8 AS matches_glmnet
  FROM ooml.models m, ooml.coefficients(m.name) c
  JOIN (SELECT * FROM unnest(ARRAY['(intercept)', 'wt', 'hp', 'qsec'],
                             ARRAY[37.9436919121, -1.88361052068, -0.0544503619186, -0.213226892666],
                             ARRAY[34.4639827061, -0.352832741535, -0.0681835195845, -0.181331271904])
          AS u(term, ref1, ref2)) u USING (term)
  CROSS JOIN LATERAL (SELECT CASE WHEN m.name = 'ridge1' THEN u.ref1 ELSE u.ref2 END AS ref) r
 WHERE m.name IN ('ridge1', 'ridge2', 'ridge2n')
 GROUP BY m.name ORDER BY m.name;
SELECT max(abs(a.estimate - b.estimate) / abs(a.estimate)) < 1e-5 AS gd_ridge_matches
  FROM ooml.coefficients('ridge2') a JOIN ooml.coefficients('ridge2g') b USING (term);

-- predictions are the fitted values
SELECT model, round(ooml.predict('mpg', m)::numeric, 6) AS fitted, mpg
  FROM mtcars m ORDER BY model LIMIT 3;

-- features in an array; a wide model (70 coefficients: QR without the
-- double-double refinement, whose cost grows as p^2) agrees with 'normal'
CREATE TABLE wide_lm AS
SELECT i, ARRAY(SELECT sin(i * j * 0.37 + j) FROM generate_series(1, 69) j)::float8[] AS xs,
       (SELECT sum(sin(i * j * 0.37 + j) * ((j % 7) - 3)) FROM generate_series(1, 69) j) + cos(i * 7.1) AS y
  FROM generate_series(1, 500) i;
SELECT converged, n_rows FROM ooml.train_linreg('wide_qr', 'wide_lm', 'y', ARRAY['xs']);
SELECT converged FROM ooml.train_linreg('wide_normal', 'wide_lm', 'y', ARRAY['xs'], solver => 'normal');
SELECT cardinality(terms) AS ncoef,
       (SELECT max(abs(a.estimate - b.estimate)) < 1e-9 FROM ooml.coefficients('wide_qr') a
          JOIN ooml.coefficients('wide_normal') b USING (term)) AS solvers_agree,
       (SELECT max(abs(a.std_err - b.std_err) / a.std_err) < 1e-9 FROM ooml.coefficients('wide_qr') a
          JOIN ooml.coefficients('wide_normal') b USING (term)) AS std_errs_agree
  FROM ooml.models WHERE name = 'wide_qr';

-- QR states merge exactly: two halves combined give the whole
WITH seed AS (SELECT ooml.make_state('qr', 'gaussian', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1],
                                     ARRAY['mpg', 'wt', 'hp'], refine => true) AS s),
     a AS (SELECT ooml.pass_state(seed.s, mpg, wt, hp) AS s FROM mtcars, seed WHERE cyl = 8),
     b AS (SELECT ooml.pass_state(seed.s, mpg, wt, hp) AS s FROM mtcars, seed WHERE cyl <> 8),
     w AS (SELECT ooml.pass(seed.s, mpg, wt, hp) AS r FROM mtcars, seed)
SELECT max(abs(x - y) / abs(y)) < 1e-13 AS merged_matches_whole
  FROM a, b, w,
       unnest((ooml.pass_result(ooml.state_combine(a.s, b.s))).solution) WITH ORDINALITY AS u(x, i)
  JOIN unnest((w.r).solution) WITH ORDINALITY AS v(y, i) USING (i);
-- ... also through the text form, as another node would send it
WITH seed AS (SELECT ooml.make_state('qr', 'gaussian', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1],
                                     ARRAY['mpg', 'wt', 'hp'], refine => true) AS s),
     a AS (SELECT ooml.pass_state(seed.s, mpg, wt, hp)::text AS s FROM mtcars, seed WHERE cyl = 8),
     b AS (SELECT ooml.pass_state(seed.s, mpg, wt, hp)::text AS s FROM mtcars, seed WHERE cyl <> 8)
SELECT (ooml.pass_result(ooml.state_combine(a.s::ooml.state, b.s::ooml.state))).solution[2] - (-3.877830742405) < 1e-11
       AS through_text
  FROM a, b;

-- parallel QR passes
CREATE TABLE par_lm AS
SELECT i, sin(i * 0.37) AS x1, cos(i * 1.3) AS x2, 3 + 2 * sin(i * 0.37) - cos(i * 1.3) + sin(i * 17.1) AS y
  FROM generate_series(1, 60000) i;
ANALYZE par_lm;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT converged FROM ooml.train_linreg('par_lm2', 'par_lm', 'y', ARRAY['x1', 'x2']);
SET max_parallel_workers_per_gather = 0;
SELECT converged FROM ooml.train_linreg('par_lm0', 'par_lm', 'y', ARRAY['x1', 'x2']);
SELECT bool_and(abs(a.estimate - b.estimate) <= 1e-12 * abs(a.estimate)) AS parallel_matches_serial
  FROM ooml.coefficients('par_lm2') a JOIN ooml.coefficients('par_lm0') b USING (term);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- bad input
SELECT err($$SELECT ooml.train_linreg('m', 'mtcars', 'mpg', ARRAY['wt'], solver => 'svd')$$);
SELECT err($$SELECT ooml.train_linreg('m', 'mtcars', 'model', ARRAY['wt'])$$);
SELECT err($$SELECT ooml.train_linreg('m', 'mtcars', 'mpg', ARRAY['model'])$$);
SELECT err($$SELECT ooml.train_linreg('m', 'mtcars', 'mpg', ARRAY['nope'])$$);
SELECT err($$SELECT ooml.train_linreg('m', 'no_such', 'mpg', ARRAY['wt'])$$);
SELECT err($$SELECT ooml.train_linreg('m', 'mtcars', 'mpg', ARRAY['wt'], l2 => -1)$$);
CREATE VIEW lm_nan AS SELECT CASE WHEN hp > 200 THEN 'NaN'::float8 ELSE mpg END AS mpg, wt FROM mtcars;
SELECT err($$SELECT ooml.train_linreg('m', 'lm_nan', 'mpg', ARRAY['wt'])$$);
CREATE VIEW lm_inf AS SELECT mpg, CASE WHEN hp > 200 THEN ARRAY[wt, 'Infinity'] ELSE ARRAY[wt, hp] END AS xs FROM mtcars;
SELECT err($$SELECT ooml.train_linreg('m', 'lm_inf', 'mpg', ARRAY['xs'])$$);
CREATE VIEW lm_ragged AS SELECT mpg, CASE WHEN hp > 200 THEN ARRAY[wt] ELSE ARRAY[wt, hp] END AS xs FROM mtcars;
SELECT err($$SELECT ooml.train_linreg('m', 'lm_ragged', 'mpg', ARRAY['xs'])$$);
CREATE VIEW lm_empty AS SELECT * FROM mtcars WHERE false;
SELECT err($$SELECT ooml.train_linreg('m', 'lm_empty', 'mpg', ARRAY['wt'])$$);
SELECT err($$SELECT ooml.train_linreg('m', 'lm_empty', 'mpg', ARRAY['wt'], solver => 'normal')$$);
SELECT err($$SELECT ooml.train_linreg('m', 'lm_empty', 'mpg', ARRAY['wt'], solver => 'gd')$$);
-- rank deficiency: the aliased terms are named, for every solver
CREATE VIEW lm_collinear AS SELECT mpg, wt, hp, wt * 2 + hp AS combo, 1.5::float8 AS const FROM mtcars;
SELECT err($$SELECT ooml.train_linreg('m', 'lm_collinear', 'mpg', ARRAY['wt', 'hp', 'combo'])$$);
SELECT err($$SELECT ooml.train_linreg('m', 'lm_collinear', 'mpg', ARRAY['wt', 'hp', 'combo'], solver => 'normal')$$);
SELECT err($$SELECT ooml.train_linreg('m', 'lm_collinear', 'mpg', ARRAY['const', 'wt'])$$);
SELECT err($$SELECT ooml.train_linreg('m', 'lm_collinear', 'mpg', ARRAY['wt', 'hp', 'combo'], solver => 'gd')$$);
-- more coefficients than rows
SELECT err($$SELECT ooml.train_linreg('m', '(SELECT 1)', 'mpg', ARRAY['wt'])$$);
CREATE VIEW lm_short AS SELECT * FROM mtcars LIMIT 2;
SELECT err($$SELECT ooml.train_linreg('m', 'lm_short', 'mpg', ARRAY['wt', 'hp'])$$);
-- the memory guard applies to QR states
SET ooml.max_state_memory = '1MB';
SELECT err($$SELECT ooml.train_linreg('m', 'wide', 'y', ARRAY['xs'])$$);
RESET ooml.max_state_memory;
SELECT count(*) AS models_named_m FROM ooml.models WHERE name = 'm';
