--
-- Logistic regression against published results of R's glm(family = binomial).
-- Estimates and standard errors must agree to 1e-5 relative (R prints 4 to 7
-- significant digits; these references were printed with digits = 7).
--

-- mtcars: glm(am ~ hp + wt, family = binomial, data = mtcars)
--                Estimate  Std. Error  z value  Pr(>|z|)
-- (Intercept) 18.86629872  7.44355806  2.53458 0.0112582
-- hp           0.03625560  0.01773415  2.04439 0.0409146
-- wt          -8.08347518  3.06867511 -2.63419 0.0084338
-- Null deviance: 43.229733 on 31 df; Residual deviance: 10.059110 on 29 df; AIC: 16.05911
SELECT model, iterations, converged, round(log_likelihood::numeric, 6) AS log_likelihood, n_rows, n_skipped
  FROM ooml.train_logreg(model => 'cars', relation => 'mtcars', target => 'am',
                         features => ARRAY['hp', 'wt']);
SELECT term, round(estimate::numeric, 5) AS estimate, round(std_err::numeric, 5) AS std_err,
       round(statistic::numeric, 4) AS z, round(p_value::numeric, 6) AS p_value
  FROM ooml.coefficients('cars');
SELECT * FROM check_coef('cars', ARRAY['(intercept)', 'hp', 'wt'],
                         ARRAY[18.86629872, 0.03625560, -8.08347518],
                         ARRAY[7.44355806, 0.01773415, 3.06867511]);
SELECT round((stats->>'deviance')::numeric, 5) AS deviance,
       round((stats->>'null_deviance')::numeric, 5) AS null_deviance,
       stats->'df_residual' AS df_residual, stats->'df_null' AS df_null,
       round((stats->>'aic')::numeric, 4) AS aic, stats->>'test' AS test
  FROM ooml.models WHERE name = 'cars';

-- infert: glm(case ~ spontaneous + induced, family = binomial, data = infert),
-- the example of R's ?infert
--               Estimate Std. Error  z value   Pr(>|z|)
-- (Intercept) -1.7078601  0.2677095 -6.37953 1.7763e-10
-- spontaneous  1.1972050  0.2116433  5.65671 1.5430e-08
-- induced      0.4181294  0.2056274  2.03343   0.042009
-- Null deviance: 316.17111 on 247 df; Residual deviance: 279.61198 on 245 df; AIC: 285.61198
SELECT model, iterations, converged, round(log_likelihood::numeric, 6) AS log_likelihood, n_rows
  FROM ooml.train_logreg('infert_m', 'infert', 'case', ARRAY['spontaneous', 'induced']);
SELECT term, round(estimate::numeric, 6) AS estimate, round(std_err::numeric, 6) AS std_err,
       round(statistic::numeric, 4) AS z, to_char(p_value, '9.9999EEEE') AS p_value
  FROM ooml.coefficients('infert_m');
SELECT * FROM check_coef('infert_m', ARRAY['(intercept)', 'spontaneous', 'induced'],
                         ARRAY[-1.7078601, 1.1972050, 0.4181294],
                         ARRAY[0.2677095, 0.2116433, 0.2056274]);
SELECT round((stats->>'deviance')::numeric, 5) AS deviance,
       round((stats->>'null_deviance')::numeric, 5) AS null_deviance,
       round((stats->>'aic')::numeric, 5) AS aic
  FROM ooml.models WHERE name = 'infert_m';

-- birthwt, with race as dummy variables in a view (R's treatment contrasts):
-- glm(low ~ age + lwt + race + smoke + ptl + ht + ui, family = binomial,
--     data = MASS::birthwt) with race a factor
--                 Estimate   Std. Error  z value  Pr(>|z|)
-- (Intercept)  0.464403280  1.204687135  0.38550 0.6998692
-- age         -0.027069779  0.036452102 -0.74261 0.4577164
-- lwt         -0.015182563  0.006927787 -2.19155 0.0284123
-- raceblack    1.263219374  0.526462732  2.39945 0.0164199
-- raceother    0.861635106  0.439191043  1.96187 0.0497778
-- smoke        0.923349156  0.400852614  2.30346 0.0212528
-- ptl          0.541755119  0.346264407  1.56457 0.1176836
-- ht           1.833695608  0.691764581  2.65075 0.0080313
-- ui           0.758596504  0.459388903  1.65132 0.0986740
-- Null deviance: 234.67200 on 188 df; Residual deviance: 201.42695 on 180 df; AIC: 219.42695
CREATE VIEW birthwt_x AS
SELECT low, age, lwt, (race = 2) AS raceblack, (race = 3) AS raceother,
       smoke::boolean AS smoke, ptl, ht::boolean AS ht, ui::boolean AS ui
  FROM birthwt;
SELECT model, iterations, converged, round(log_likelihood::numeric, 6) AS log_likelihood, n_rows
  FROM ooml.train_logreg('lowbw', 'birthwt_x', 'low',
                         ARRAY['age', 'lwt', 'raceblack', 'raceother', 'smoke', 'ptl', 'ht', 'ui']);
SELECT term, round(estimate::numeric, 6) AS estimate, round(std_err::numeric, 6) AS std_err,
       round(statistic::numeric, 4) AS z, round(p_value::numeric, 6) AS p_value
  FROM ooml.coefficients('lowbw');
-- R's default stopping rule (relative deviance change < 1e-8) leaves its
-- standard errors, computed with the weights of the previous iterate, 2e-5
-- off here; they agree to R's printed digits (1e-4).  With
-- glm.control(epsilon = 1e-14) R's standard errors are
--   1.20470211 0.0364526143 0.00692790239 0.526467741 0.439197492
--   0.400858315 0.346266562 0.691769988 0.459391821
-- (the exact inverse Fisher information at the optimum), and ooml's agree to 1e-7.
SELECT * FROM check_coef('lowbw',
    ARRAY['(intercept)', 'age', 'lwt', 'raceblack', 'raceother', 'smoke', 'ptl', 'ht', 'ui'],
    ARRAY[0.464403280, -0.027069779, -0.015182563, 1.263219374, 0.861635106, 0.923349156, 0.541755119, 1.833695608, 0.758596504],
    ARRAY[1.204687135, 0.036452102, 0.006927787, 0.526462732, 0.439191043, 0.400852614, 0.346264407, 0.691764581, 0.459388903],
    tol => 1e-4);
SELECT * FROM check_coef('lowbw',
    ARRAY['(intercept)', 'age', 'lwt', 'raceblack', 'raceother', 'smoke', 'ptl', 'ht', 'ui'],
    ARRAY[0.464403280, -0.027069779, -0.015182563, 1.263219374, 0.861635106, 0.923349156, 0.541755119, 1.833695608, 0.758596504],
    ARRAY[1.20470211, 0.0364526143, 0.00692790239, 0.526467741, 0.439197492, 0.400858315, 0.346266562, 0.691769988, 0.459391821],
    tol => 1e-7);
SELECT round((stats->>'deviance')::numeric, 5) AS deviance,
       round((stats->>'null_deviance')::numeric, 5) AS null_deviance,
       round((stats->>'aic')::numeric, 5) AS aic,
       (stats->>'condition_number')::float8 > 1 AS has_condition_number
  FROM ooml.models WHERE name = 'lowbw';
-- odds ratios with 95% Wald intervals: R's exp(cbind(coef(m), confint.default(m)))
-- (the intervals differ in the 5th digit, from R's standard errors above)
--               OR      2.5 %      97.5 %
-- smoke  2.51770848 1.14762257  5.52346754
-- ht     6.25696728 1.61262284 24.27699690
SELECT term, round(odds_ratio::numeric, 5) AS odds_ratio, round(conf_low::numeric, 5) AS conf_low,
       round(conf_high::numeric, 5) AS conf_high
  FROM ooml.odds_ratios('lowbw') WHERE term IN ('smoke', 'ht');

-- Ridge: the objective is mean log-loss + l2/2 |beta|^2, the intercept not
-- penalized, as glmnet(alpha = 0, standardize = FALSE) with lambda = l2.
-- References from glmnet 4.1-6 (thresh = 1e-20), confirmed by minimizing the
-- objective directly with R's optim (test/reference/logreg_ridge.R):
--   lambda 0.05: -1.283833673046  0.772334680925  0.192727010767
--   lambda 0.2:  -0.961931479869  0.396376247447  0.059933138391
SELECT converged FROM ooml.train_logreg('infert_r1', 'infert', 'case', ARRAY['spontaneous', 'induced'], l2 => 0.05);
SELECT max(abs(estimate - ref) / abs(ref)) < 1e-6 AS matches_glmnet
  FROM ooml.coefficients('infert_r1')
  JOIN unnest(ARRAY['(intercept)', 'spontaneous', 'induced'],
              ARRAY[-1.283833673046, 0.772334680925, 0.192727010767]) AS r(term, ref) USING (term);
SELECT converged FROM ooml.train_logreg('infert_r2', 'infert', 'case', ARRAY['spontaneous', 'induced'], l2 => 0.2);
SELECT max(abs(estimate - ref) / abs(ref)) < 1e-6 AS matches_glmnet
  FROM ooml.coefficients('infert_r2')
  JOIN unnest(ARRAY['(intercept)', 'spontaneous', 'induced'],
              ARRAY[-0.9619314798691, 0.3963762474465, 0.0599331383907]) AS r(term, ref) USING (term);
