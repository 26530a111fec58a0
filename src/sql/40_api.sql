--
-- The user-facing functions.
--

-- Logistic regression.
CREATE FUNCTION ooml.train_logreg(
    model       text,
    relation    regclass,
    target      text,
    features    text[],
    optimizer   text DEFAULT 'newton',
    max_iter    int DEFAULT 100,
    tolerance   float8 DEFAULT NULL,
    l2          float8 DEFAULT 0,
    intercept   boolean DEFAULT true,
    replace     boolean DEFAULT false,
    verbose     boolean DEFAULT false)
RETURNS ooml.train_result
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ooml._train_glm($1, $2, $3, $4, 'binomial', 'logreg', $5, $6, $7, $8, $9, $10, $11)
$$;
COMMENT ON FUNCTION ooml.train_logreg IS 'train a logistic regression model on a relation';

-- The coefficients of a model with their Wald statistics.
CREATE FUNCTION ooml.coefficients(model text)
RETURNS TABLE (term text, estimate float8, std_err float8, statistic float8, p_value float8)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m ooml.models;
BEGIN
    SELECT * INTO m FROM ooml.models WHERE name = coefficients.model;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" does not exist', coefficients.model
            USING ERRCODE = 'undefined_object', HINT = 'The models are listed in ooml.models.';
    END IF;
    RETURN QUERY
        SELECT u.t, u.b, u.se, u.b / u.se,
               ooml.p_value(u.b / u.se,
                            CASE WHEN m.stats->>'test' = 't' THEN (m.stats->>'df_residual')::float8 END)
          FROM unnest(m.terms, m.coef, m.std_err) WITH ORDINALITY AS u(t, b, se, o)
         ORDER BY u.o;
END
$$;
COMMENT ON FUNCTION ooml.coefficients IS 'coefficients of a model: estimate, standard error, z or t statistic, p-value';

-- Odds ratios of a logistic model with Wald confidence intervals.
CREATE FUNCTION ooml.odds_ratios(model text, level float8 DEFAULT 0.95)
RETURNS TABLE (term text, odds_ratio float8, conf_low float8, conf_high float8)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    z float8;
BEGIN
    IF level IS NULL OR NOT (level > 0 AND level < 1) THEN
        RAISE EXCEPTION 'level must lie strictly between 0 and 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ooml.models m WHERE m.name = odds_ratios.model AND m.family = 'binomial') THEN
        RAISE EXCEPTION 'model "%" does not exist or is not a logistic regression', odds_ratios.model
            USING ERRCODE = 'undefined_object';
    END IF;
    z := ooml._normal_quantile(1 - (1 - level) / 2);
    RETURN QUERY
        SELECT c.term, exp(c.estimate), exp(c.estimate - z * c.std_err), exp(c.estimate + z * c.std_err)
          FROM ooml.coefficients(odds_ratios.model) c;
END
$$;
COMMENT ON FUNCTION ooml.odds_ratios IS 'odds ratios of a logistic regression with Wald confidence intervals';

CREATE FUNCTION ooml._normal_quantile(p float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_normal_quantile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Scoring.
CREATE FUNCTION ooml.predict(model text, "row" record) RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_predict_record'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ooml.predict(text, record) IS 'prediction of a model for a row whose columns include the model''s features';

CREATE FUNCTION ooml.predict(model text, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_predict_array'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ooml.predict(text, float8[]) IS 'prediction of a model for feature values in the order of its terms';

-- Dropping a model (its training log goes with it).
CREATE FUNCTION ooml.drop_model(model text, if_exists boolean DEFAULT false)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM ooml.models m WHERE m.name = drop_model.model;
    IF NOT FOUND THEN
        IF if_exists THEN
            RETURN false;
        END IF;
        RAISE EXCEPTION 'model "%" does not exist', drop_model.model
            USING ERRCODE = 'undefined_object', HINT = 'The models are listed in ooml.models.';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION ooml.drop_model IS 'drop a model and its training log';
