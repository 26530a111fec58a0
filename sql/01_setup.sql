--
-- Public data sets used by the tests, with where they come from.
--
-- mtcars: Motor Trend road tests, 1974 (Henderson & Velleman 1981), as
-- shipped with R (datasets::mtcars).
CREATE TABLE mtcars (
    model text, mpg float8, cyl int, disp float8, hp int, drat float8,
    wt float8, qsec float8, vs int, am int, gear int, carb int);
\copy mtcars FROM 'test/data/mtcars.csv' CSV HEADER

-- infert: induced and spontaneous abortion and infertility (Trichopoulos
-- et al. 1976), as shipped with R (datasets::infert).
CREATE TABLE infert (
    education text, age int, parity int, induced int, "case" int,
    spontaneous int, stratum int, pooled_stratum int);
\copy infert FROM 'test/data/infert.csv' CSV HEADER

-- birthwt: risk factors of low birth weight, Baystate Medical Center 1986
-- (Hosmer & Lemeshow, Applied Logistic Regression), as shipped with R's
-- MASS package (MASS::birthwt).
CREATE TABLE birthwt (
    low int, age int, lwt int, race int, smoke int, ptl int, ht int, ui int,
    ftv int, bwt int);
\copy birthwt FROM 'test/data/birthwt.csv' CSV HEADER

SELECT count(*) AS mtcars FROM mtcars;
SELECT count(*) AS infert FROM infert;
SELECT count(*) AS birthwt FROM birthwt;

-- Compare a model's coefficients with reference values: are the relative
-- differences of the estimates and of the standard errors below tol?
CREATE FUNCTION check_coef(model text, ref_terms text[], ref_est float8[], ref_se float8[],
                           tol float8 DEFAULT 1e-5)
RETURNS TABLE (terms_match boolean, est_rel_err_ok boolean, se_rel_err_ok boolean, max_est_rel_err text, max_se_rel_err text)
LANGUAGE sql AS $$
    WITH c AS (SELECT row_number() OVER () AS i, * FROM ooml.coefficients(model)),
         r AS (SELECT * FROM unnest(ref_terms, ref_est, ref_se) WITH ORDINALITY AS u(term, est, se, i))
    SELECT bool_and(c.term = r.term),
           max(abs(c.estimate - r.est) / abs(r.est)) < tol,
           max(abs(c.std_err - r.se) / abs(r.se)) < tol,
           to_char(max(abs(c.estimate - r.est) / abs(r.est)), '9.9EEEE'),
           to_char(max(abs(c.std_err - r.se) / abs(r.se)), '9.9EEEE')
      FROM c JOIN r USING (i)
$$;

-- Run a statement and show its error: SQLSTATE, message, detail and hint.
CREATE FUNCTION err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; det text; hnt text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ': ' || msg
        || CASE WHEN det <> '' THEN E'\nDETAIL: ' || det ELSE '' END
        || CASE WHEN hnt <> '' THEN E'\nHINT: ' || hnt ELSE '' END;
END
$$;
