--
-- Generalized linear models against R's glm (test/reference/glm.R; R's
-- values with glm.control(epsilon = 1e-14), standard errors from Pearson's
-- dispersion as summary.glm computes it).
--
CREATE FUNCTION glm_check(model text, est float8[], se float8[], dev float8, null_dev float8, aic float8, tol float8)
RETURNS TABLE (estimates_ok boolean, std_errs_ok boolean, deviance_ok boolean, null_deviance_ok boolean, aic_ok boolean)
LANGUAGE sql AS $$
    SELECT (SELECT max(abs(c.estimate - e) / abs(e)) <= tol FROM
              (SELECT row_number() OVER () AS i, * FROM ooml.coefficients(model)) c
              JOIN unnest(est) WITH ORDINALITY AS u(e, i) USING (i)),
           (SELECT max(abs(c.std_err - e) / abs(e)) <= tol FROM
              (SELECT row_number() OVER () AS i, * FROM ooml.coefficients(model)) c
              JOIN unnest(se) WITH ORDINALITY AS u(e, i) USING (i)),
           abs((m.stats->>'deviance')::float8 - dev) <= tol * dev,
           CASE WHEN null_dev IS NULL THEN m.stats->'null_deviance' = 'null'
                ELSE abs((m.stats->>'null_deviance')::float8 - null_dev) <= tol * null_dev END,
           abs((m.stats->>'aic')::float8 - aic) <= tol * abs(aic)
      FROM ooml.models m WHERE m.name = model
$$;

-- Poisson with an offset: the Insurance data of MASS (Venables and Ripley),
-- glm(Claims ~ District + Group + Age + offset(log(Holders)), poisson)
CREATE TABLE insurance (district int, "group" text, age text, holders int, claims int);
\copy insurance FROM 'test/data/insurance.csv' CSV HEADER
CREATE VIEW insurance_x AS
SELECT claims, ln(holders) AS log_holders,
       district = 2 AS district2, district = 3 AS district3, district = 4 AS district4,
       "group" = '1-1.5l' AS group2, "group" = '1.5-2l' AS group3, "group" = '>2l' AS group4,
       age = '25-29' AS age2, age = '30-35' AS age3, age = '>35' AS age4
  FROM insurance;
SELECT model, iterations, converged, n_rows
  FROM ooml.train_poisson('claims', 'insurance_x', 'claims',
                          ARRAY['district2', 'district3', 'district4', 'group2', 'group3', 'group4', 'age2', 'age3', 'age4'],
                          offset_column => 'log_holders');
SELECT term, round(estimate::numeric, 8) AS estimate, round(std_err::numeric, 8) AS std_err,
       round(statistic::numeric, 5) AS z FROM ooml.coefficients('claims');
SELECT * FROM glm_check('claims',
    ARRAY[-1.8217399180940, 0.0258681909110, 0.0385239271039, 0.2342053279773, 0.1613369799984, 0.3928104908284, 0.5634123411155, -0.1910101063280, -0.3449506582539, -0.5366707063941],
    ARRAY[0.0767876308279, 0.0430157948059, 0.0505115661360, 0.0616732772291, 0.0505323889814, 0.0549978028700, 0.0723153365367, 0.0828564504871, 0.0813741455231, 0.0699556279052],
    51.4200327491, NULL, 388.7415539985, 1e-8);
SELECT family, link, stats->>'test' AS test, options->>'offset' AS offset FROM ooml.models WHERE name = 'claims';
-- predictions carry the offset: expected claims of a row
SELECT round(ooml.predict('claims', i)::numeric, 4) AS expected_claims, claims
  FROM insurance_x i LIMIT 3;
SELECT err($$SELECT ooml.predict('claims', ARRAY[1, 0, 0, 0, 0, 0, 0, 0, 0]::float8[])$$);
SELECT err($$SELECT ooml.predict('claims', 1, 0, 0, 0, 0, 0, 0, 0, 0)$$);

-- Poisson without offset: warpbreaks, glm(breaks ~ wool + tension, poisson)
CREATE TABLE warpbreaks (breaks int, wool text, tension text);
\copy warpbreaks FROM 'test/data/warpbreaks.csv' CSV HEADER
CREATE VIEW warpbreaks_x AS
SELECT breaks, wool = 'B' AS woolb, tension = 'M' AS tensionm, tension = 'H' AS tensionh FROM warpbreaks;
SELECT converged FROM ooml.train_glm('breaks', 'warpbreaks_x', 'breaks', ARRAY['woolb', 'tensionm', 'tensionh'], family => 'poisson');
SELECT * FROM glm_check('breaks', ARRAY[3.691963144941, -0.205988442639, -0.321320431601, -0.518488496512],
    ARRAY[0.0454107943426, 0.0515712427836, 0.0602659166952, 0.0639595193957],
    210.391888762, 297.372211805, 493.055966418, 1e-8);

-- Gamma: clotting times (McCullagh and Nelder), the example of R's ?glm
CREATE TABLE clotting (u float8, lot1 float8, lot2 float8);
INSERT INTO clotting VALUES (5, 118, 69), (10, 58, 35), (15, 42, 26), (20, 35, 21), (30, 27, 18),
                            (40, 25, 16), (60, 21, 13), (80, 19, 12), (100, 18, 12);
CREATE VIEW clotting_x AS SELECT ln(u) AS log_u, lot1, lot2 FROM clotting;
SELECT converged FROM ooml.train_glm('clot1', 'clotting_x', 'lot1', ARRAY['log_u'], family => 'gamma');
SELECT term, to_char(estimate, '9.99999999EEEE') AS estimate, to_char(std_err, '9.99999999EEEE') AS std_err,
       round(statistic::numeric, 5) AS t, to_char(p_value, '9.9999EEEE') AS p_value
  FROM ooml.coefficients('clot1');
SELECT * FROM glm_check('clot1', ARRAY[-0.0165543817262, 0.0153431149103], ARRAY[0.000927549138624, 0.000414959642666],
    0.01672971517848, 3.51282626382852, 37.98992394955405, 1e-7);
SELECT link, round((stats->>'dispersion')::numeric, 10) AS dispersion, stats->>'test' AS test
  FROM ooml.models WHERE name = 'clot1';
SELECT converged FROM ooml.train_glm('clot2', 'clotting_x', 'lot2', ARRAY['log_u'], family => 'gamma', link => 'log');
SELECT * FROM glm_check('clot2', ARRAY[4.918757541244, -0.567435605273], ARRAY[0.1855407442591, 0.0539243355883],
    0.1531527923247, 3.1185571236390, 49.4841180593836, 1e-7);
-- inverse Gaussian, canonical link 1/mu^2
SELECT converged FROM ooml.train_glm('clot_ig', 'clotting_x', 'lot1', ARRAY['log_u'], family => 'inverse_gaussian');
SELECT * FROM glm_check('clot_ig', ARRAY[-0.001107977045968, 0.000721913896951], ARRAY[1.67541834114e-04, 9.46866616475e-05],
    0.00693112834723, 0.08779963125372, 61.57485201769971, 1e-7);
SELECT link FROM ooml.models WHERE name = 'clot_ig';
-- binomial with the probit link; gaussian with the log link
SELECT converged FROM ooml.train_glm('probit', 'infert', 'case', ARRAY['spontaneous', 'induced'], family => 'binomial', link => 'probit');
SELECT * FROM glm_check('probit', ARRAY[-1.045790027477, 0.734095927677, 0.258766853815],
    ARRAY[0.152708700028, 0.124383381893, 0.122058690198], 279.259981977, 316.171110816, 285.259981977, 1e-7);
SELECT converged FROM ooml.train_glm('mpg_log', 'mtcars', 'mpg', ARRAY['wt'], link => 'log');
SELECT * FROM glm_check('mpg_log', ARRAY[3.905194315937, -0.293578301875], ARRAY[0.0762943795192, 0.0266355727196],
    213.52726474716, 1126.04718750000, 157.54898213948, 1e-8);
-- the logit link by train_glm is train_logreg's model
SELECT converged FROM ooml.train_glm('logit_glm', 'mtcars', 'am', ARRAY['hp', 'wt'], family => 'binomial');
SELECT max(abs(a.estimate - b.estimate)) < 1e-12 AS same_as_train_logreg
  FROM ooml.coefficients('logit_glm') a JOIN ooml.coefficients('cars') b USING (term);
-- other optimizers reach the same Poisson fit
SELECT converged FROM ooml.train_poisson('breaks_lbfgs', 'warpbreaks_x', 'breaks', ARRAY['woolb', 'tensionm', 'tensionh'], optimizer => 'lbfgs', max_iter => 500);
SELECT max(abs(a.estimate - b.estimate) / abs(a.estimate)) < 1e-6 AS lbfgs_matches
  FROM ooml.coefficients('breaks') a JOIN ooml.coefficients('breaks_lbfgs') b USING (term);

-- bad input: each before any pass, or at the offending row
SELECT err($$SELECT ooml.train_glm('m', 'clotting_x', 'lot1', ARRAY['log_u'], family => 'cauchy')$$);
SELECT err($$SELECT ooml.train_glm('m', 'clotting_x', 'lot1', ARRAY['log_u'], family => 'poisson', link => 'logit')$$);
SELECT err($$SELECT ooml.train_glm('m', 'clotting_x', 'lot1', ARRAY['log_u'], family => 'gamma', optimizer => 'qr')$$);
SELECT err($$SELECT ooml.train_poisson('m', 'clotting_x', 'log_u', ARRAY['lot1'])$$);
CREATE VIEW negative_counts AS SELECT -breaks AS breaks, woolb FROM warpbreaks_x;
SELECT err($$SELECT ooml.train_poisson('m', 'negative_counts', 'breaks', ARRAY['woolb'])$$);
CREATE VIEW gamma_zero AS SELECT lot1 - 18 AS y, log_u FROM clotting_x;
SELECT err($$SELECT ooml.train_glm('m', 'gamma_zero', 'y', ARRAY['log_u'], family => 'gamma')$$);
SELECT err($$SELECT ooml.train_poisson('m', 'insurance_x', 'claims', ARRAY['age2'], offset_column => 'nope')$$);
SELECT err($$SELECT ooml.train_poisson('m', 'insurance_x', 'claims', ARRAY['age2'], offset_column => 'age2')$$);
SELECT count(*) AS models_named_m FROM ooml.models WHERE name = 'm';
