--
-- The driver: checks the request, builds the pass query, loops the passes,
-- and keeps the model in ooml.models.  Every pass is one aggregate query
-- over the relation; nothing else touches the data.
--

-- A float8 as jsonb; NULL for NaN and infinities, which JSON cannot hold.
CREATE FUNCTION ooml._json_num(x float8) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN x IS NULL OR x::text IN ('NaN', 'Infinity', '-Infinity')
                THEN 'null'::jsonb ELSE to_jsonb(x) END
$$;

-- Check a column of a relation; returns 'scalar' or 'array'.
CREATE FUNCTION ooml._check_column(rel regclass, col text, role text)
RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    typ     oid;
    kind    text;
BEGIN
    IF col IS NULL OR col = '' THEN
        RAISE EXCEPTION 'the % column name must not be NULL or empty', role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT a.atttypid INTO typ
      FROM pg_attribute a
     WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% column "%" does not exist in relation %', role, col, rel
            USING ERRCODE = 'undefined_column',
                  HINT = 'Column names are case-sensitive: give them as they are stored, without quotes.';
    END IF;
    IF NOT has_column_privilege(rel, col, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for column "%" of relation %', col, rel
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    kind := ooml._arg_kind(typ::regtype);
    IF kind IS NULL AND role = 'feature' AND EXISTS (
            SELECT 1 FROM pg_type t
             WHERE t.oid = typ AND t.typelem IN ('int2'::regtype, 'int4'::regtype,
                                                 'int8'::regtype, 'numeric'::regtype)
               AND t.typlen = -1) THEN
        kind := 'castable array';
    END IF;
    IF kind IS NULL OR (role = 'target' AND kind <> 'scalar') THEN
        RAISE EXCEPTION '% column "%" has type %, which ooml cannot use', role, col, typ::regtype
            USING ERRCODE = 'datatype_mismatch',
                  HINT = CASE role WHEN 'target' THEN 'A target must be boolean or numeric.'
                         ELSE 'Features must be boolean, integer, float, numeric, or one-dimensional numeric arrays.' END;
    END IF;
    RETURN kind;
END
$$;

-- Run one pass.
CREATE FUNCTION ooml._run_pass(pass_sql text, seed ooml.state)
RETURNS ooml.pass_result
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r ooml.pass_result;
BEGIN
    EXECUTE pass_sql INTO r USING seed;
    RETURN r;
END
$$;

-- Train a linear model of a family by Newton's method or gradient descent.
CREATE FUNCTION ooml._train_glm(
    model_name  text,
    rel         regclass,
    target_col  text,
    feature_cols text[],
    fam         text,
    algo        text,
    opt         text,
    max_passes  int,
    tol         float8,
    lambda2     float8,
    with_intercept boolean,
    do_replace  boolean,
    be_verbose  boolean)
RETURNS ooml.train_result
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t0          timestamptz := clock_timestamp();
    col         text;
    kind        text;
    len         int;
    nd          int;
    widths      int[] := '{}';
    dims        int[] := '{}';
    terms       text[] := '{}';
    exprs       text[] := '{}';
    names       text[];
    p           int;
    pass_sql    text;
    r           ooml.pass_result;
    beta        float8[];
    passes      int := 0;
    is_converged boolean := false;
    prev_beta   float8[];
    prev_dir    float8[];
    prev_loss   float8;
    prev_dec    float8;
    step        float8 := 1;
    -- gradient descent in standardized coordinates
    mean        float8[];
    sd          float8[];
    gamma       float8[];
    gamma_new   float8[];
    g           float8[];
    g_new       float8[];
    f           float8;
    fwin        float8[];
    alpha       float8;
    gg          float8;
    sy          float8;
    s           float8[];
    n           float8;
    ll          float8;
    ll0         float8;
    k           int;
    model_stats jsonb;
    bad         text;
BEGIN
    ---- the request
    IF model_name IS NULL OR model_name = '' THEN
        RAISE EXCEPTION 'model name must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF rel IS NULL THEN
        RAISE EXCEPTION 'relation must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF feature_cols IS NULL OR cardinality(feature_cols) = 0 THEN
        RAISE EXCEPTION 'features must name at least one column' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF array_ndims(feature_cols) > 1 THEN
        RAISE EXCEPTION 'features must be a one-dimensional array of column names' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c INTO bad FROM unnest(feature_cols) c GROUP BY c HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'feature column "%" is named more than once', bad USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF target_col = ANY (feature_cols) THEN
        RAISE EXCEPTION 'column "%" is both the target and a feature', target_col USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF opt IS NULL OR NOT (opt IN ('newton', 'gd') OR (fam = 'gaussian' AND opt IN ('qr', 'normal'))) THEN
        RAISE EXCEPTION 'unknown % "%"', CASE fam WHEN 'gaussian' THEN 'solver' ELSE 'optimizer' END, opt
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = CASE fam WHEN 'gaussian'
                         THEN 'The solvers are ''qr'' (the default), ''normal'' and ''gd''.'
                         ELSE 'The optimizers are ''newton'' (Newton/IRLS, the default) and ''gd'' (gradient descent).' END;
    END IF;
    IF max_passes IS NULL OR max_passes < 1 THEN
        RAISE EXCEPTION 'max_iter must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF tol IS NOT NULL AND NOT (tol > 0 AND tol < 'Infinity') THEN
        RAISE EXCEPTION 'tolerance must be a positive finite number' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF lambda2 IS NULL OR NOT (lambda2 >= 0 AND lambda2 < 'Infinity') THEN
        RAISE EXCEPTION 'l2 must be a finite number >= 0' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF with_intercept IS NULL OR do_replace IS NULL OR be_verbose IS NULL THEN
        RAISE EXCEPTION 'intercept, replace and verbose must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    tol := coalesce(tol, CASE opt WHEN 'newton' THEN 1e-10 ELSE 1e-7 END);

    ---- the columns
    PERFORM ooml._check_column(rel, target_col, 'target');
    IF with_intercept THEN
        terms := ARRAY['(intercept)'];
    END IF;
    FOREACH col IN ARRAY feature_cols LOOP
        kind := ooml._check_column(rel, col, 'feature');
        IF kind = 'scalar' THEN
            widths := widths || 1;
            dims := dims || 0;
            terms := terms || col;
            exprs := exprs || format('t.%I', col);
        ELSE
            EXECUTE format('SELECT array_length(%1$I, 1), array_ndims(%1$I) FROM %2$s WHERE %1$I IS NOT NULL LIMIT 1',
                           col, rel)
               INTO len, nd;
            IF nd IS DISTINCT FROM 1 OR len IS NULL THEN
                RAISE EXCEPTION 'array column "%" holds no one-dimensional array to learn from', col
                    USING ERRCODE = 'data_exception',
                          DETAIL = 'Its first non-NULL value is empty or multidimensional, or it has no non-NULL value.';
            END IF;
            widths := widths || len;
            dims := dims || len;
            terms := terms || ARRAY(SELECT format('%s[%s]', col, i) FROM generate_series(1, len) i);
            exprs := exprs || CASE kind WHEN 'array' THEN format('t.%I', col)
                                        ELSE format('t.%I::pg_catalog.float8[]', col) END;
        END IF;
    END LOOP;
    p := cardinality(terms);
    names := ARRAY[target_col] || feature_cols;
    pass_sql := format('SELECT (s.r).* FROM (SELECT ooml.pass($1, t.%I, %s) AS r FROM %s AS t) AS s',
                       target_col, array_to_string(exprs, ', '), rel);

    IF opt IN ('newton', 'normal', 'qr')
       AND NOT ooml._state_fits(CASE opt WHEN 'qr' THEN 'qr' ELSE 'newton' END, p) THEN
        RAISE EXCEPTION 'a % pass over % coefficients needs more memory than ooml.max_state_memory allows',
                        CASE opt WHEN 'qr' THEN 'QR' WHEN 'normal' THEN 'normal-equations' ELSE 'Newton' END, p
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = format('Use %s => ''gd'', whose memory grows linearly with the number of features, or raise ooml.max_state_memory.',
                                CASE fam WHEN 'gaussian' THEN 'solver' ELSE 'optimizer' END);
    END IF;

    ---- the model row, written after every pass
    IF EXISTS (SELECT 1 FROM ooml.models m WHERE m.name = model_name) THEN
        IF NOT do_replace THEN
            RAISE EXCEPTION 'model "%" already exists', model_name
                USING ERRCODE = 'duplicate_object',
                      HINT = 'Pass replace => true to train it again, or drop it with ooml.drop_model().';
        END IF;
        DELETE FROM ooml.models m WHERE m.name = model_name;
    END IF;
    beta := array_fill(0::float8, ARRAY[p]);
    BEGIN
        INSERT INTO ooml.models (name, algorithm, family, link, optimizer, relation, target,
                                 features, feature_dims, terms, intercept, coef, options)
        VALUES (model_name, algo, fam, CASE fam WHEN 'binomial' THEN 'logit' ELSE 'identity' END,
                opt, rel::text, target_col, feature_cols, dims, terms, with_intercept, beta,
                jsonb_build_object(CASE fam WHEN 'gaussian' THEN 'solver' ELSE 'optimizer' END, opt,
                                   'max_iter', max_passes, 'tolerance', tol,
                                   'l2', lambda2, 'intercept', with_intercept));
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'model "%" already exists', model_name
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'It belongs to a role whose models you cannot see, or another session has just trained it.';
    END;

    ---- the passes
    IF opt IN ('qr', 'normal') THEN
        -- least squares in one pass: the pass's final function solves
        r := ooml._run_pass(pass_sql,
                            CASE opt
                            WHEN 'qr' THEN ooml.make_state('qr', fam, with_intercept, beta, widths, names,
                                                           lambda2, refine => p <= ooml._refine_limit())
                            ELSE ooml.make_state('newton', fam, with_intercept, beta, widths, names,
                                                 lambda2, stats => true, solve => true) END);
        passes := 1;
        PERFORM ooml._check_first_pass(r, rel, target_col, fam, p, lambda2);
        IF r.rank < p THEN
            PERFORM ooml._singular(r, terms, fam, lambda2);
        END IF;
        beta := r.solution;
        is_converged := true;
        INSERT INTO ooml.training_log VALUES
            (model_name, passes, r.loss, r.grad_norm, NULL, extract(epoch FROM clock_timestamp() - t0));
        IF be_verbose THEN
            RAISE NOTICE 'ooml: pass %: loss %, gradient norm %, % s', passes, r.loss, r.grad_norm,
                round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
        END IF;
    ELSIF opt = 'newton' THEN
        LOOP
            r := ooml._run_pass(pass_sql, ooml.make_state('newton', fam, with_intercept, beta,
                                                           widths, names, lambda2));
            passes := passes + 1;
            IF passes = 1 THEN
                PERFORM ooml._check_first_pass(r, rel, target_col, fam, p, lambda2);
            END IF;

            -- backtrack when the full step did not decrease the objective enough
            IF prev_loss IS NOT NULL AND NOT (r.loss <= prev_loss - 1e-4 * step * prev_dec) THEN
                INSERT INTO ooml.training_log VALUES
                    (model_name, passes, r.loss, r.grad_norm, step,
                     extract(epoch FROM clock_timestamp() - t0));
                IF be_verbose THEN
                    RAISE NOTICE 'ooml: pass %: loss %, step % rejected', passes, r.loss, step;
                END IF;
                IF passes >= max_passes OR step < 1e-10 THEN
                    beta := prev_beta;
                    EXIT;
                END IF;
                step := step / 2;
                beta := ooml._axpy(step, prev_dir, prev_beta);
                CONTINUE;
            END IF;

            INSERT INTO ooml.training_log VALUES
                (model_name, passes, r.loss, r.grad_norm, step,
                 extract(epoch FROM clock_timestamp() - t0));
            IF be_verbose THEN
                RAISE NOTICE 'ooml: pass %: loss %, gradient norm %, % s', passes, r.loss, r.grad_norm,
                    round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
            END IF;
            IF r.rank < p THEN
                PERFORM ooml._singular(r, terms, fam, lambda2);
            END IF;
            IF r.decrement / 2 <= tol THEN
                is_converged := true;
                beta := ooml._axpy(1, r.direction, beta);
                EXIT;
            END IF;
            IF passes >= max_passes THEN
                EXIT;
            END IF;
            prev_beta := beta;
            prev_loss := r.loss;
            prev_dir := r.direction;
            prev_dec := r.decrement;
            step := 1;
            beta := ooml._axpy(1, r.direction, beta);
            UPDATE ooml.models m SET coef = beta, iterations = passes WHERE m.name = model_name;
        END LOOP;
    ELSE
        -- Gradient descent with Barzilai-Borwein steps and a nonmonotone
        -- Armijo line search, in the coordinates of standardized features.
        r := ooml._run_pass(pass_sql, ooml.make_state('gradient', fam, with_intercept, beta,
                                                       widths, names, lambda2, moments => true));
        passes := 1;
        PERFORM ooml._check_first_pass(r, rel, target_col, fam, p, lambda2);
        mean := r.col_mean;
        sd := r.col_sd;
        gamma := ooml._to_std(beta, mean, sd, with_intercept);
        g := ooml._grad_to_std(r.gradient, mean, sd, with_intercept);
        f := r.loss;
        fwin := ARRAY[f];
        alpha := 1;
        INSERT INTO ooml.training_log VALUES
            (model_name, passes, r.loss, r.grad_norm, NULL, extract(epoch FROM clock_timestamp() - t0));
        <<descent>>
        LOOP
            IF (SELECT max(abs(v)) FROM unnest(g) v) <= tol THEN
                is_converged := true;
                EXIT;
            END IF;
            IF passes >= max_passes THEN
                EXIT;
            END IF;
            gg := ooml._dot(g, g);
            LOOP
                gamma_new := ooml._axpy(-alpha, g, gamma);
                beta := ooml._from_std(gamma_new, mean, sd, with_intercept);
                r := ooml._run_pass(pass_sql, ooml.make_state('gradient', fam, with_intercept, beta,
                                                               widths, names, lambda2));
                passes := passes + 1;
                INSERT INTO ooml.training_log VALUES
                    (model_name, passes, r.loss, r.grad_norm, alpha,
                     extract(epoch FROM clock_timestamp() - t0));
                IF be_verbose THEN
                    RAISE NOTICE 'ooml: pass %: loss %, gradient norm %, step %, % s', passes, r.loss,
                        r.grad_norm, alpha, round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
                END IF;
                EXIT WHEN r.loss <= (SELECT max(v) FROM unnest(fwin) v) - 1e-4 * alpha * gg;
                IF passes >= max_passes OR alpha < 1e-20 THEN
                    beta := ooml._from_std(gamma, mean, sd, with_intercept);
                    EXIT descent;
                END IF;
                -- minimize the quadratic through f, its slope and the trial value
                alpha := greatest(0.1 * alpha,
                                  least(0.5 * alpha,
                                        coalesce(alpha * alpha * gg
                                                 / nullif(2 * (r.loss - f + alpha * gg), 0), 0.5 * alpha)));
            END LOOP;
            g_new := ooml._grad_to_std(r.gradient, mean, sd, with_intercept);
            s := ooml._axpy(-1, gamma, gamma_new);
            sy := ooml._dot(s, ooml._axpy(-1, g, g_new));
            alpha := CASE WHEN sy > 0 THEN least(greatest(ooml._dot(s, s) / sy, 1e-10), 1e10)
                          ELSE least(alpha * 2, 1e10) END;
            gamma := gamma_new;
            g := g_new;
            f := r.loss;
            fwin := (fwin || f)[greatest(1, cardinality(fwin) - 8):];
            UPDATE ooml.models m SET coef = beta, iterations = passes WHERE m.name = model_name;
        END LOOP;
        beta := ooml._from_std(gamma, mean, sd, with_intercept);
    END IF;

    ---- the statistics pass, at the final weights
    IF opt IN ('qr', 'normal') THEN
        NULL;   -- the one pass gave them
    ELSIF ooml._state_fits('newton', p) THEN
        r := ooml._run_pass(pass_sql, ooml.make_state('newton', fam, with_intercept, beta,
                                                       widths, names, lambda2, stats => true));
    ELSE
        r := ooml._run_pass(pass_sql, ooml.make_state('gradient', fam, with_intercept, beta,
                                                       widths, names, lambda2));
    END IF;
    IF opt NOT IN ('qr', 'normal') THEN
        passes := passes + 1;
        INSERT INTO ooml.training_log VALUES
            (model_name, passes, r.loss, r.grad_norm, NULL, extract(epoch FROM clock_timestamp() - t0));
    END IF;
    IF fam = 'binomial' AND lambda2 = 0 AND r.n_boundary > 0 THEN
        RAISE EXCEPTION 'logistic regression did not converge: the classes are separable'
            USING ERRCODE = 'data_exception',
                  DETAIL = format('The fitted probabilities of %s rows are numerically 0 or 1: some features, or a combination of them, separate the classes, and the maximum-likelihood coefficients are infinite.', r.n_boundary),
                  HINT = 'Add a ridge penalty (for example l2 => 0.01), or remove the features that separate the classes.';
    END IF;
    IF r.rank < p THEN
        PERFORM ooml._singular(r, terms, fam, lambda2);
    END IF;
    IF NOT is_converged THEN
        RAISE WARNING 'ooml: model "%" did not converge in % passes', model_name, max_passes
            USING HINT = 'Raise max_iter, or loosen the tolerance; the model was stored with converged = false.';
    END IF;

    n := r.sum_w;
    ll := r.log_likelihood;
    ll0 := r.null_log_likelihood;
    k := p + CASE fam WHEN 'gaussian' THEN 1 ELSE 0 END;   -- parameters, sigma included
    model_stats := jsonb_build_object(
        'log_likelihood', ooml._json_num(ll),
        'null_log_likelihood', ooml._json_num(ll0),
        'deviance', ooml._json_num(CASE fam WHEN 'gaussian' THEN r.rss ELSE -2 * ll END),
        'null_deviance', ooml._json_num(CASE fam WHEN 'gaussian' THEN r.tss ELSE -2 * ll0 END),
        'df_residual', n - p,
        'df_null', n - CASE WHEN with_intercept THEN 1 ELSE 0 END,
        'aic', ooml._json_num(-2 * ll + 2 * k),
        'bic', ooml._json_num(-2 * ll + k * ln(n)),
        'condition_number', ooml._json_num(r.condition_number),
        'objective', ooml._json_num(r.loss),
        'grad_norm', ooml._json_num(r.grad_norm),
        'passes', passes,
        'test', CASE fam WHEN 'gaussian' THEN 't' ELSE 'z' END);
    IF fam = 'binomial' THEN
        model_stats := model_stats || jsonb_build_object('pseudo_r2', ooml._json_num(1 - ll / nullif(ll0, 0)));
    ELSIF fam = 'gaussian' THEN
        model_stats := model_stats || ooml._lm_stats(r.rss, r.tss, n, p, with_intercept);
    END IF;

    UPDATE ooml.models m
       SET coef = beta, std_err = r.std_err, iterations = passes, converged = is_converged,
           n_rows = r.n_rows, n_skipped = r.n_skipped, log_likelihood = ll,
           stats = model_stats, trained_at = now()
     WHERE m.name = model_name;

    RETURN (model_name, passes, is_converged, ll, r.n_rows, r.n_skipped,
            extract(epoch FROM clock_timestamp() - t0))::ooml.train_result;
END
$$;

-- Checks that need the first pass: rows to learn from, more than one class.
CREATE FUNCTION ooml._check_first_pass(r ooml.pass_result, rel regclass, target_col text, fam text,
                                       p int, lambda2 float8)
RETURNS void
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF r.n_rows IS NULL THEN
        RAISE EXCEPTION 'relation % has no rows to train on', rel
            USING ERRCODE = 'data_exception';
    END IF;
    IF r.n_rows = 0 THEN
        RAISE EXCEPTION 'no rows left to train on: all % rows of % have a NULL in the target or a feature',
                        r.n_skipped, rel
            USING ERRCODE = 'data_exception',
                  HINT = 'Rows with a NULL in the target or in any feature are skipped.';
    END IF;
    IF r.n_rows < p AND lambda2 = 0 THEN
        RAISE EXCEPTION 'not enough rows: % rows to estimate % coefficients', r.n_rows, p
            USING ERRCODE = 'data_exception',
                  HINT = 'Use fewer features, or add a ridge penalty (l2 > 0).';
    END IF;
    IF fam = 'binomial' AND (r.sum_y = 0 OR r.sum_y = r.sum_w) THEN
        RAISE EXCEPTION 'target column "%" has only one class: every row is %', target_col,
                        CASE WHEN r.sum_y = 0 THEN '0 (false)' ELSE '1 (true)' END
            USING ERRCODE = 'data_exception',
                  HINT = 'A classifier needs rows of both classes.';
    END IF;
END
$$;

-- Report a singular Hessian: separation (logistic) or collinear terms.
CREATE FUNCTION ooml._singular(r ooml.pass_result, terms text[], fam text, lambda2 float8)
RETURNS void
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF fam = 'binomial' AND lambda2 = 0 AND r.n_boundary > 0 THEN
        RAISE EXCEPTION 'logistic regression did not converge: the classes are separable'
            USING ERRCODE = 'data_exception',
                  DETAIL = format('The fitted probabilities of %s rows are numerically 0 or 1: some features, or a combination of them, separate the classes, and the maximum-likelihood coefficients are infinite.', r.n_boundary),
                  HINT = 'Add a ridge penalty (for example l2 => 0.01), or remove the features that separate the classes.';
    END IF;
    RAISE EXCEPTION 'the features are collinear: % %',
                    CASE WHEN cardinality(r.aliased) = 1 THEN 'the term' ELSE 'the terms' END,
                    (SELECT string_agg(format('"%s"', terms[i]), ', ' ORDER BY o)
                       FROM unnest(r.aliased) WITH ORDINALITY AS a(i, o))
        USING ERRCODE = 'data_exception',
              DETAIL = 'These terms are (numerically) linear combinations of the other terms, or constant alongside the intercept, so their coefficients are not identifiable.',
              HINT = 'Remove them from the features, or add a ridge penalty (l2 > 0).';
END
$$;

-- Statistics of a least-squares fit, as R's summary(lm(...)) prints them.
CREATE FUNCTION ooml._lm_stats(rss float8, tss float8, n float8, p int, with_intercept boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    df_res  float8 := n - p;
    df_mod  float8 := p - CASE WHEN with_intercept THEN 1 ELSE 0 END;
    r2      float8 := CASE WHEN tss > 0 THEN 1 - rss / tss END;
    f       float8;
BEGIN
    IF df_mod > 0 AND df_res > 0 THEN
        f := CASE WHEN rss > 0 THEN ((tss - rss) / df_mod) / (rss / df_res)
                  ELSE 'Infinity'::float8 END;
    END IF;
    RETURN jsonb_build_object(
        'rss', ooml._json_num(rss),
        'tss', ooml._json_num(tss),
        'r2', ooml._json_num(r2),
        'adj_r2', ooml._json_num(CASE WHEN df_res > 0
                                      THEN 1 - (1 - r2) * (n - CASE WHEN with_intercept THEN 1 ELSE 0 END) / df_res END),
        'sigma', ooml._json_num(CASE WHEN df_res > 0 THEN sqrt(rss / df_res) END),
        'df_model', df_mod,
        'f_statistic', ooml._json_num(f),
        'f_p_value', ooml._json_num(CASE WHEN f IS NULL THEN NULL
                                         WHEN f = 'Infinity' THEN 0
                                         ELSE ooml._f_p_value(f, df_mod, df_res) END));
END
$$;

-- Largest number of coefficients for which a QR pass also accumulates the
-- double-double Gram matrix that refinement needs (its cost per row grows
-- as p^2).
CREATE FUNCTION ooml._refine_limit() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT 64 $$;
