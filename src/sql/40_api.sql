--
-- The user-facing functions.
--

-- Logistic regression.
CREATE FUNCTION ooml.train_logreg(
    model       text,
    relation    regclass,
    target      text,
    features    text[],
    optimizer   text DEFAULT NULL,
    max_iter    int DEFAULT 100,
    tolerance   float8 DEFAULT NULL,
    l2          float8 DEFAULT 0,
    intercept   boolean DEFAULT true,
    replace     boolean DEFAULT false,
    verbose     boolean DEFAULT false,
    l1          float8 DEFAULT 0,
    standardize boolean DEFAULT false,
    weights     text DEFAULT NULL,
    learning_rate float8 DEFAULT NULL,
    group_by    text[] DEFAULT NULL)
RETURNS ooml.train_result
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ooml._train_glm($1, $2, $3, $4, 'binomial', 'logreg', $5, $6, $7, $8, $9, $10, $11,
                           $12, $13, $14, $15, group_cols => $16)
$$;
COMMENT ON FUNCTION ooml.train_logreg IS 'train a logistic regression model on a relation';

-- Linear regression (least squares).
CREATE FUNCTION ooml.train_linreg(
    model       text,
    relation    regclass,
    target      text,
    features    text[],
    solver      text DEFAULT 'qr',
    l2          float8 DEFAULT 0,
    intercept   boolean DEFAULT true,
    replace     boolean DEFAULT false,
    max_iter    int DEFAULT 1000,
    tolerance   float8 DEFAULT NULL,
    verbose     boolean DEFAULT false,
    l1          float8 DEFAULT 0,
    standardize boolean DEFAULT false,
    weights     text DEFAULT NULL,
    learning_rate float8 DEFAULT NULL,
    group_by    text[] DEFAULT NULL)
RETURNS ooml.train_result
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ooml._train_glm($1, $2, $3, $4, 'gaussian', 'linreg', $5, $9, $10, $6, $7, $8, $11,
                           $12, $13, $14, $15, group_cols => $16)
$$;
COMMENT ON FUNCTION ooml.train_linreg IS 'train a linear regression model (least squares) on a relation';

-- Generalized linear models, as R's glm.
CREATE FUNCTION ooml.train_glm(
    model       text,
    relation    regclass,
    target      text,
    features    text[],
    family      text DEFAULT 'gaussian',
    link        text DEFAULT NULL,
    offset_column text DEFAULT NULL,
    optimizer   text DEFAULT NULL,
    max_iter    int DEFAULT 100,
    tolerance   float8 DEFAULT NULL,
    l2          float8 DEFAULT 0,
    intercept   boolean DEFAULT true,
    replace     boolean DEFAULT false,
    verbose     boolean DEFAULT false,
    l1          float8 DEFAULT 0,
    standardize boolean DEFAULT false,
    weights     text DEFAULT NULL,
    learning_rate float8 DEFAULT NULL,
    group_by    text[] DEFAULT NULL)
RETURNS ooml.train_result
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ooml._train_glm($1, $2, $3, $4, $5, 'glm', $8, $9, $10, $11, $12, $13, $14,
                           $15, $16, $17, $18, $6, $7, $19)
$$;
COMMENT ON FUNCTION ooml.train_glm IS 'train a generalized linear model (family and link as R''s glm)';

-- Poisson regression: train_glm with family => 'poisson'.
CREATE FUNCTION ooml.train_poisson(
    model       text,
    relation    regclass,
    target      text,
    features    text[],
    link        text DEFAULT 'log',
    offset_column text DEFAULT NULL,
    optimizer   text DEFAULT NULL,
    max_iter    int DEFAULT 100,
    tolerance   float8 DEFAULT NULL,
    l2          float8 DEFAULT 0,
    intercept   boolean DEFAULT true,
    replace     boolean DEFAULT false,
    verbose     boolean DEFAULT false,
    l1          float8 DEFAULT 0,
    standardize boolean DEFAULT false,
    weights     text DEFAULT NULL,
    learning_rate float8 DEFAULT NULL,
    group_by    text[] DEFAULT NULL)
RETURNS ooml.train_result
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ooml._train_glm($1, $2, $3, $4, 'poisson', 'glm', $7, $8, $9, $10, $11, $12, $13,
                           $14, $15, $16, $17, $5, $6, $18)
$$;
COMMENT ON FUNCTION ooml.train_poisson IS 'train a Poisson regression (a GLM, log link by default)';

-- Linear support vector machines.
CREATE FUNCTION ooml.train_svm(
    model       text,
    relation    regclass,
    target      text,
    features    text[],
    loss        text DEFAULT 'hinge',   -- 'hinge' or 'squared_hinge'
    l2          float8 DEFAULT 1e-4,
    optimizer   text DEFAULT NULL,      -- hinge: sgd; squared_hinge: newton, lbfgs, gd, sgd
    max_iter    int DEFAULT 100,
    tolerance   float8 DEFAULT NULL,
    intercept   boolean DEFAULT true,
    replace     boolean DEFAULT false,
    verbose     boolean DEFAULT false,
    l1          float8 DEFAULT 0,
    standardize boolean DEFAULT false,
    weights     text DEFAULT NULL,
    learning_rate float8 DEFAULT NULL,
    group_by    text[] DEFAULT NULL)
RETURNS ooml.train_result
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF loss IS NULL OR loss NOT IN ('hinge', 'squared_hinge') THEN
        RAISE EXCEPTION 'unknown SVM loss "%"', loss
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The losses are ''hinge'' and ''squared_hinge''.';
    END IF;
    RETURN ooml._train_glm($1, $2, $3, $4, $5, 'svm', $7, $8, $9, $6, $10, $11, $12, $13, $14, $15, $16, group_cols => $17);
END
$$;
COMMENT ON FUNCTION ooml.train_svm IS 'train a linear support vector machine (hinge or squared hinge loss, l2 penalty)';

-- The class of a row, as text: the labels of a classifier's target.
CREATE FUNCTION ooml.predict_class(model text, "row" record, threshold float8 DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'ooml_predict_class_record'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION ooml.predict_class(model text, features float8[], threshold float8 DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'ooml_predict_class_array'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ooml.predict_class(text, record, float8) IS 'the predicted label of a classifier for a row (probability or margin above threshold: the positive label)';
-- One argument per feature, for tables with a column per feature: no
-- composite datum or array is built per row.  At least two values (one
-- value would be taken for the row or the array form); the default threshold.
CREATE FUNCTION ooml.predict_class(model text, value1 "any", VARIADIC "values" "any") RETURNS text
    AS 'MODULE_PATHNAME', 'ooml_predict_class_values'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ooml.predict_class(text, "any", "any") IS 'the predicted label of a classifier for feature values given one argument each, in the order of its features';

-- A binary classifier's class probabilities, in the order of its classes.
CREATE FUNCTION ooml.predict_proba(model text, "row" record) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_predict_proba_record'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml.predict_proba(model text, features float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_predict_proba_array'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ooml.predict_proba(text, record) IS 'the class probabilities of a binary classifier for a row, in the order of ooml.models.classes';
CREATE FUNCTION ooml.predict_proba(model text, value1 "any", VARIADIC "values" "any") RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_predict_proba_values'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ooml.predict_proba(text, "any", "any") IS 'the class probabilities of a classifier for feature values given one argument each, in the order of its features';

-- The coefficients of a model with their Wald statistics.  A multinomial
-- model has a block of coefficients per class after the reference class
-- (column class); a grouped model one set per group (column group_key).
CREATE FUNCTION ooml.coefficients(model text)
RETURNS TABLE (group_key jsonb, class text, term text, estimate float8, std_err float8,
               statistic float8, p_value float8)
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
    -- the model's coefficients, or a grouped model's trained groups in the
    -- order of their values
    RETURN QUERY
        SELECT x.group_key,
               CASE WHEN m.family = 'multinomial' THEN x.classes[2 + (u.o - 1) / cardinality(m.terms)] END,
               m.terms[1 + (u.o - 1) % cardinality(m.terms)], u.b, u.se, u.b / u.se,
               ooml.p_value(u.b / u.se,
                            CASE WHEN x.stats->>'test' = 't' THEN (x.stats->>'df_residual')::float8 END)
          FROM (SELECT NULL::jsonb AS group_key, 0 AS group_no, m.classes, m.coef, m.std_err, m.stats
                 WHERE m.group_by IS NULL
                UNION ALL
                SELECT g.group_key, g.group_no, g.classes, g.coef, g.std_err, g.stats
                  FROM ooml.model_groups g
                 WHERE m.group_by IS NOT NULL AND g.model = m.name AND g.status = 'trained') AS x,
               unnest(x.coef, x.std_err) WITH ORDINALITY AS u(b, se, o)
         ORDER BY x.group_no, u.o;
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

-- One argument per feature (at least two), in the order of the model's
-- features: the fast way to score a table with a column per feature.
CREATE FUNCTION ooml.predict(model text, value1 "any", VARIADIC "values" "any") RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_predict_values'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ooml.predict(text, "any", "any") IS 'prediction of a model for feature values given one argument each, in the order of its features';

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

-- Evaluate a model on a relation in one scan.
CREATE FUNCTION ooml.evaluate(model text, relation regclass, threshold float8 DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m       ooml.models;
    col     text;
    ttype   regtype;
    y_expr  text;
    res     jsonb;
    bad     bigint;
    args    text;
BEGIN
    SELECT * INTO m FROM ooml.models WHERE name = evaluate.model;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" does not exist', evaluate.model
            USING ERRCODE = 'undefined_object', HINT = 'The models are listed in ooml.models.';
    END IF;
    IF relation IS NULL THEN
        RAISE EXCEPTION 'relation must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- a probability's threshold is 0.5 by default, an SVM margin's 0
    threshold := coalesce(threshold, CASE WHEN m.family IN ('hinge', 'squared_hinge') THEN 0 ELSE 0.5 END);
    IF m.family IN ('hinge', 'squared_hinge') THEN
        IF threshold::text IN ('NaN', 'Infinity', '-Infinity') THEN
            RAISE EXCEPTION 'threshold must be a finite number' USING ERRCODE = 'invalid_parameter_value';
        END IF;
    ELSIF NOT (threshold >= 0 AND threshold <= 1) THEN
        RAISE EXCEPTION 'threshold must lie between 0 and 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the target and every feature must be there (errors name the column)
    PERFORM ooml._check_column(relation, m.target, 'target', any_type => m.classes IS NOT NULL);
    FOREACH col IN ARRAY m.features LOOP
        PERFORM ooml._check_column(relation, col, 'feature');
    END LOOP;
    SELECT a.atttypid::regtype INTO ttype
      FROM pg_attribute a WHERE a.attrelid = relation AND a.attname = m.target;
    y_expr := CASE WHEN ttype = 'boolean'::regtype
                   THEN format('CASE WHEN t.%I THEN 1.0::float8 WHEN NOT t.%I THEN 0.0::float8 END', m.target, m.target)
                   WHEN m.classes IS NOT NULL AND m.classes <> ARRAY['0', '1'] AND m.classes <> ARRAY['false', 'true']
                   -- labels: the index of the label (NULL for an unknown one: counted as bad below)
                   THEN format('CASE WHEN t.%I IS NOT NULL THEN coalesce(pg_catalog.array_position(%L::%s[], t.%I) - 1, -1) END::float8',
                               m.target, m.classes, ttype, m.target)
                   ELSE format('(t.%I)::float8', m.target) END;

    -- the features one argument each (no whole-row datum per row), where
    -- that form applies: two or more features, no groups, no offset
    args := CASE WHEN cardinality(m.features) >= 2 AND m.group_by IS NULL AND m.options->>'offset' IS NULL
                 THEN (SELECT string_agg(format('t.%I', f), ', ' ORDER BY i)
                         FROM unnest(m.features) WITH ORDINALITY AS u(f, i))
                 ELSE 't' END;

    IF m.family = 'multinomial' THEN
        -- accuracy, log loss, per-class precision / recall / F1 and their
        -- macro averages, and the confusion matrix {actual: {predicted: n}}
        EXECUTE format($q$
            WITH s AS (
                SELECT ooml.predict_proba($1, %s) AS pr, %s::int + 1 AS y FROM %s AS t),
            v AS (
                SELECT pr, y, (SELECT u.i FROM unnest(pr) WITH ORDINALITY AS u(q, i) ORDER BY u.q DESC, u.i LIMIT 1) AS yhat
                  FROM s WHERE pr IS NOT NULL AND y > 0),
            k AS (
                SELECT c.i, c.label,
                       (SELECT count(*) FROM v WHERE v.y = c.i AND v.yhat = c.i) AS tp,
                       (SELECT count(*) FROM v WHERE v.y <> c.i AND v.yhat = c.i) AS fp,
                       (SELECT count(*) FROM v WHERE v.y = c.i AND v.yhat <> c.i) AS fn
                  FROM unnest($2::text[]) WITH ORDINALITY AS c(label, i)),
            pc AS (
                SELECT k.*, tp::float8 / nullif(tp + fp, 0) AS prec, tp::float8 / nullif(tp + fn, 0) AS rec,
                       2.0 * tp / nullif(2 * tp + fp + fn, 0) AS f1
                  FROM k)
            SELECT jsonb_build_object(
                       'n', (SELECT count(*) FROM v),
                       'n_skipped', (SELECT count(*) FROM s WHERE pr IS NULL OR y IS NULL),
                       'accuracy', ooml._json_num((SELECT avg((y = yhat)::int)::float8 FROM v)),
                       'log_loss', ooml._json_num((SELECT -avg(ln(greatest(pr[y], 1e-15))) FROM v)),
                       'macro_precision', ooml._json_num((SELECT avg(prec) FROM pc)),
                       'macro_recall', ooml._json_num((SELECT avg(rec) FROM pc)),
                       'macro_f1', ooml._json_num((SELECT avg(f1) FROM pc)),
                       'classes', (SELECT jsonb_object_agg(label, jsonb_build_object(
                                       'precision', ooml._json_num(prec), 'recall', ooml._json_num(rec),
                                       'f1', ooml._json_num(f1), 'support', tp + fn)) FROM pc),
                       'confusion', (SELECT jsonb_object_agg(a.label, (SELECT jsonb_object_agg(b.label,
                                            (SELECT count(*) FROM v WHERE v.y = a.i AND v.yhat = b.i))
                                         FROM unnest($2::text[]) WITH ORDINALITY AS b(label, i)))
                                       FROM unnest($2::text[]) WITH ORDINALITY AS a(label, i))),
                   (SELECT count(*) FROM s WHERE pr IS NOT NULL AND y = 0)
            $q$, args, y_expr, relation)
          INTO res, bad USING m.name, m.classes;
    ELSIF m.family NOT IN ('binomial', 'hinge', 'squared_hinge') THEN
        EXECUTE format($q$
            SELECT jsonb_build_object(
                       'n', count(*) FILTER (WHERE ok),
                       'n_skipped', count(*) FILTER (WHERE NOT ok),
                       'rmse', ooml._json_num(sqrt(avg((y - p) * (y - p)) FILTER (WHERE ok))),
                       'mae', ooml._json_num(avg(abs(y - p)) FILTER (WHERE ok)),
                       'r2', ooml._json_num(1 - sum((y - p) * (y - p)) FILTER (WHERE ok)
                                                / nullif(var_pop(y) FILTER (WHERE ok) * count(*) FILTER (WHERE ok), 0))),
                   count(*) FILTER (WHERE ok AND y::text IN ('NaN', 'Infinity', '-Infinity'))
              FROM (SELECT p, y, p IS NOT NULL AND y IS NOT NULL AS ok
                      FROM (SELECT ooml.predict($1, %s) AS p, %s AS y FROM %s AS t) s0) s
            $q$, args, y_expr, relation)
          INTO res, bad USING m.name;
    ELSE
        EXECUTE format($q$
            WITH s AS (
                SELECT ooml.predict($1, %s) AS p, %s AS y FROM %s AS t),
            v AS (
                SELECT p, y FROM s WHERE p IS NOT NULL AND y IS NOT NULL),
            g AS (
                SELECT p, sum(y) AS pos, count(*) - sum(y) AS neg FROM v GROUP BY p),
            r AS (
                SELECT pos, neg,
                       coalesce(sum(neg) OVER (ORDER BY p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS neg_below
                  FROM g),
            c AS (
                SELECT count(*) AS n,
                       count(*) FILTER (WHERE p > $2 AND y = 1) AS tp,
                       count(*) FILTER (WHERE p > $2 AND y = 0) AS fp,
                       count(*) FILTER (WHERE p <= $2 AND y = 0) AS tn,
                       count(*) FILTER (WHERE p <= $2 AND y = 1) AS fn,
                       -avg(CASE WHEN $3 THEN NULL WHEN y = 1 THEN ln(greatest(p, 1e-15))
                                 ELSE ln(greatest(1 - p, 1e-15)) END) AS log_loss,
                       count(*) FILTER (WHERE y NOT IN (0, 1)) AS bad
                  FROM v)
            SELECT jsonb_build_object(
                       'n', c.n,
                       'n_skipped', (SELECT count(*) FROM s) - c.n,
                       'threshold', $2,
                       'accuracy', ooml._json_num((c.tp + c.tn)::float8 / nullif(c.n, 0)),
                       'precision', ooml._json_num(c.tp::float8 / nullif(c.tp + c.fp, 0)),
                       'recall', ooml._json_num(c.tp::float8 / nullif(c.tp + c.fn, 0)),
                       'f1', ooml._json_num(2.0 * c.tp / nullif(2 * c.tp + c.fp + c.fn, 0)),
                       'log_loss', ooml._json_num(c.log_loss),
                       'auc', ooml._json_num((SELECT sum(pos * (neg_below + 0.5 * neg)) / nullif(sum(pos) * sum(neg), 0) FROM r)),
                       'confusion', jsonb_build_object('tp', c.tp, 'fp', c.fp, 'tn', c.tn, 'fn', c.fn)),
                   c.bad
              FROM c
            $q$, args, y_expr, relation)
          INTO res, bad USING m.name, threshold, m.family IN ('hinge', 'squared_hinge');
    END IF;
    IF bad > 0 THEN
        RAISE EXCEPTION 'target column "%" of % holds % value(s) the model cannot be evaluated on',
                        m.target, relation, bad
            USING ERRCODE = 'data_exception',
                  DETAIL = CASE WHEN m.classes IS NOT NULL AND m.classes <> ARRAY['0', '1']
                                THEN format('The model knows the classes %s only.', array_to_string(m.classes, ', '))
                                WHEN m.family = 'binomial' THEN 'Targets of a logistic regression must be 0 or 1 (or a boolean).'
                                ELSE 'Targets must be finite numbers.' END;
    END IF;
    IF (res->>'n')::bigint = 0 THEN
        RAISE EXCEPTION 'no rows to evaluate model "%" on in %', m.name, relation
            USING ERRCODE = 'data_exception',
                  HINT = 'Rows with a NULL in the target or in a feature are skipped.';
    END IF;
    RETURN res;
END
$$;
COMMENT ON FUNCTION ooml.evaluate IS 'metrics of a model on a relation: rmse, mae, r2 (regression); accuracy, precision, recall, f1, log_loss, auc (classification)';

-- A shuffled copy of a relation, for stochastic gradient descent: SGD
-- visits rows in storage order, and data sorted by its target or by time
-- make it wander (Bismarck's advice: shuffle once, train many times).
CREATE FUNCTION ooml.shuffle(source regclass, target text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    nsp     name;
    n       bigint;
BEGIN
    IF source IS NULL OR target IS NULL OR target = '' THEN
        RAISE EXCEPTION 'source and target must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.relnamespace::regnamespace::name INTO nsp FROM pg_class c WHERE c.oid = source;
    EXECUTE format('CREATE TABLE %I.%I AS SELECT * FROM %s ORDER BY random()', nsp, target, source);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION ooml.shuffle IS 'create a copy of a relation with its rows in random order, in the same schema';
