--
-- Privileges and search_path attacks, with real roles.
--
CREATE ROLE ooml_alice LOGIN;
CREATE ROLE ooml_bob LOGIN;
CREATE ROLE ooml_mallory LOGIN;
CREATE SCHEMA alice AUTHORIZATION ooml_alice;
GRANT USAGE ON SCHEMA public TO ooml_alice, ooml_bob, ooml_mallory;
GRANT CREATE ON SCHEMA public TO ooml_mallory, ooml_bob;
GRANT SELECT ON mtcars TO ooml_alice, ooml_bob;

-- a non-superuser uses ooml on its own table
SET ROLE ooml_alice;
CREATE TABLE alice.cars AS SELECT * FROM mtcars;
SELECT model, converged FROM ooml.train_logreg('alice_model', 'alice.cars', 'am', ARRAY['hp', 'wt']);
SELECT converged FROM ooml.train_linreg('alice_lm', 'alice.cars', 'mpg', ARRAY['hp', 'wt']);
SELECT round(ooml.predict('alice_model', ARRAY[110, 2.62])::numeric, 6) AS p;
SELECT ooml.evaluate('alice_lm', 'alice.cars')->'n' AS n;
SELECT name, owner FROM ooml.models WHERE name LIKE 'alice%' ORDER BY name;
SELECT count(*) > 0 AS has_log FROM ooml.training_log WHERE model = 'alice_model';
SELECT converged FROM ooml.train_linreg('alice_grouped', 'alice.cars', 'mpg', ARRAY['hp', 'wt'], group_by => ARRAY['am']);
SELECT converged FROM ooml.train_logreg('alice_gears', 'alice.cars', 'gear', ARRAY['hp', 'qsec'], l2 => 0.01);
SELECT count(*) AS alice_groups FROM ooml.model_groups WHERE model = 'alice_grouped';
RESET ROLE;

-- bob cannot read alice's table, nor see, score with, retrain or drop her models
SET ROLE ooml_bob;
SELECT err($$SELECT ooml.train_logreg('bob_model', 'alice.cars', 'am', ARRAY['hp', 'wt'])$$);
SELECT count(*) AS alice_models_bob_sees FROM ooml.models WHERE owner = 'ooml_alice';
SELECT count(*) AS alice_log_rows_bob_sees FROM ooml.training_log WHERE model = 'alice_model';
SELECT count(*) AS alice_groups_bob_sees FROM ooml.model_groups WHERE model = 'alice_grouped';
SELECT err($$INSERT INTO ooml.model_groups (model, group_no, group_key, group_values, status, coef) VALUES ('alice_grouped', 9, '{}', '{x}', 'trained', '{1,2,3}')$$);
SELECT err($$SELECT * FROM ooml.coefficients('alice_model')$$);
SELECT err($$SELECT ooml.predict('alice_model', ARRAY[110, 2.62])$$);
SELECT err($$SELECT ooml.drop_model('alice_model')$$);
CREATE TABLE public.bob_cars AS SELECT * FROM mtcars;
SELECT err($$SELECT ooml.train_logreg('alice_model', 'public.bob_cars', 'am', ARRAY['hp'], replace => true)$$);
-- updates and deletes of rows bob cannot see change nothing
CREATE TABLE public.alice_coef_before AS SELECT 1 AS dummy;
UPDATE ooml.models SET coef = ARRAY[0, 0, 0]::float8[] WHERE name = 'alice_model';
DELETE FROM ooml.models WHERE name = 'alice_model';
SELECT err($$INSERT INTO ooml.training_log VALUES ('alice_model', 99, 0, 0, 0, 0)$$);
SELECT err($$INSERT INTO ooml.models (name, owner, algorithm, family, link, optimizer, relation, target, features, feature_dims, terms, intercept, coef) VALUES ('forged', 'ooml_alice', 'logreg', 'binomial', 'logit', 'newton', 'x', 'y', '{}', '{}', '{}', true, '{}')$$);
RESET ROLE;
SELECT round(coef[2]::numeric, 8) AS alice_model_unchanged FROM ooml.models WHERE name = 'alice_model';

-- a role may use the models of the roles it is a member of
GRANT ooml_alice TO ooml_bob;
SET ROLE ooml_bob;
SELECT round(ooml.predict('alice_model', ARRAY[110, 2.62])::numeric, 6) AS bob_scores_with_alice_model;
RESET ROLE;
REVOKE ooml_alice FROM ooml_bob;

-- search_path attacks (CVE-2018-1058): mallory plants look-alike functions,
-- operators and tables in public; a victim with public first in its
-- search_path trains, scores and evaluates, and gets the same numbers
SET ROLE ooml_mallory;
CREATE FUNCTION public.exp(float8) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8';
CREATE FUNCTION public.ln(float8) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8';
CREATE FUNCTION public.sqrt(float8) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8';
CREATE FUNCTION public.array_fill(float8, int[]) RETURNS float8[] LANGUAGE sql AS 'SELECT ARRAY[42]::float8[]';
CREATE FUNCTION public.cardinality(anyarray) RETURNS int LANGUAGE sql AS 'SELECT 42';
CREATE FUNCTION public.evil_plus(float8, float8) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8';
CREATE OPERATOR public.+ (LEFTARG = float8, RIGHTARG = float8, FUNCTION = public.evil_plus);
CREATE FUNCTION public.evil_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.evil_eq);
CREATE TABLE public.models (name text, coef float8[]);
CREATE TABLE public.pg_attribute (attname text);
RESET ROLE;
SET ROLE ooml_alice;
SET search_path = public, pg_catalog;
SELECT model, converged FROM ooml.train_logreg('alice_model2', 'alice.cars', 'am', ARRAY['hp', 'wt']);
SELECT converged FROM ooml.train_linreg('alice_lm2', 'alice.cars', 'mpg', ARRAY['hp', 'wt'], solver => 'gd');
SELECT converged FROM ooml.train_logreg('alice_model3', 'alice.cars', 'am', ARRAY['hp', 'wt'], optimizer => 'lbfgs', l1 => 0.001);
SELECT converged FROM ooml.train_linreg('alice_grouped2', 'alice.cars', 'mpg', ARRAY['hp', 'wt'], group_by => ARRAY['am']);
SELECT converged FROM ooml.train_logreg('alice_gears2', 'alice.cars', 'gear', ARRAY['hp', 'qsec'], l2 => 0.01);
SELECT ooml.predict_class('alice_gears2', c) AS gear FROM alice.cars c LIMIT 2;
SELECT round(ooml.predict('alice_model2', ARRAY[110, 2.62])::numeric, 6) AS p;
SELECT round((ooml.evaluate('alice_model2', 'alice.cars')->>'log_loss')::numeric, 8) AS log_loss,
       round((ooml.evaluate('alice_model2', 'alice.cars')->>'auc')::numeric, 8) AS auc;
RESET search_path;
-- (compared with the search_path reset: mallory's = would hijack this test's own join)
SELECT max(abs(a.estimate - b.estimate)) < 1e-12 AS same_model
  FROM ooml.coefficients('alice_model') a JOIN ooml.coefficients('alice_model2') b USING (term);
SELECT max(abs(a.estimate - b.estimate) / abs(a.estimate)) < 1e-5 AS same_lm
  FROM ooml.coefficients('alice_lm') a JOIN ooml.coefficients('alice_lm2') b USING (term);
SELECT count(*) AS n, max(abs(a.estimate - b.estimate)) < 1e-12 AS same_grouped
  FROM ooml.coefficients('alice_grouped') a JOIN ooml.coefficients('alice_grouped2') b USING (group_key, term);
SELECT count(*) AS n, max(abs(a.estimate - b.estimate)) < 1e-12 AS same_multinomial
  FROM ooml.coefficients('alice_gears') a JOIN ooml.coefficients('alice_gears2') b USING (class, term);
RESET ROLE;
SELECT count(*) AS rows_in_mallorys_models FROM public.models;

-- every ooml function runs as the caller with a pinned search_path (C
-- functions qualify their names instead)
SELECT p.proname, p.prosecdef, p.proconfig
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'ooml' AND p.prokind <> 'a'
   AND p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c')
   AND (p.prosecdef OR p.proconfig IS NULL OR NOT ('search_path=pg_catalog, pg_temp' = ANY (p.proconfig)));
SELECT count(*) AS security_definer_functions
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'ooml' AND p.prosecdef;

-- clean up
DELETE FROM ooml.models WHERE owner IN ('ooml_alice', 'ooml_bob');
DROP TABLE public.bob_cars, public.alice_coef_before;
REVOKE SELECT ON mtcars FROM ooml_alice, ooml_bob;
DROP SCHEMA alice CASCADE;
DROP OWNED BY ooml_mallory;
REVOKE ALL ON SCHEMA public FROM ooml_alice, ooml_bob, ooml_mallory;
DROP OWNED BY ooml_bob;
DROP ROLE ooml_alice;
DROP ROLE ooml_bob;
DROP ROLE ooml_mallory;
