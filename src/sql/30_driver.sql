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
CREATE FUNCTION ooml._check_column(rel regclass, col text, role text, any_type boolean DEFAULT false)
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
    IF any_type AND (kind = 'scalar' OR kind IS NULL) THEN
        -- a classifier's labels: any scalar type whose values sort
        IF kind IS NULL AND (NOT EXISTS (SELECT 1 FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
                                          WHERE a.amname = 'btree' AND c.opcdefault
                                            AND c.opcintype = ANY (ARRAY[typ, (SELECT t.typbasetype FROM pg_type t WHERE t.oid = typ)]))
                             OR (SELECT t.typarray FROM pg_type t WHERE t.oid = typ) = 0
                             OR (SELECT t.typelem FROM pg_type t WHERE t.oid = typ) <> 0) THEN
            RAISE EXCEPTION '% column "%" has type %, which ooml cannot use as class labels', role, col, typ::regtype
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Class labels must be of a type with a sort order (text, integer, boolean, an enum, ...).';
        END IF;
        RETURN coalesce(kind, 'label');
    END IF;
    IF kind IS NULL AND role = 'feature' AND EXISTS (
            SELECT 1 FROM pg_type t
             WHERE t.oid = typ AND t.typelem IN ('int2'::regtype, 'int4'::regtype,
                                                 'int8'::regtype, 'numeric'::regtype)
               AND t.typlen = -1) THEN
        kind := 'castable array';
    END IF;
    IF kind IS NULL OR (role IN ('target', 'weight') AND kind <> 'scalar') THEN
        RAISE EXCEPTION '% column "%" has type %, which ooml cannot use', role, col, typ::regtype
            USING ERRCODE = 'datatype_mismatch',
                  HINT = CASE WHEN role = 'target' AND any_type THEN 'A classifier''s target must be a scalar: boolean, numeric, text, or another type with a sort order.'
                         WHEN role = 'target' THEN 'A target must be boolean or numeric.'
                         WHEN role = 'weight' THEN 'Row weights must be numeric.'
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

-- The pass aggregate's arguments after its state, in the order of the
-- seed's names: the target, the weight and the offset if any, the features
-- (expressions over the relation's alias t).
CREATE FUNCTION ooml._pass_args(target_expr text, weight_col text, offset_col text, exprs text[])
RETURNS text
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT concat_ws(', ', VARIADIC ARRAY[target_expr,
                                          CASE WHEN weight_col IS NOT NULL THEN format('t.%I', weight_col) END,
                                          CASE WHEN offset_col IS NOT NULL THEN format('t.%I', offset_col) END]
                                    || exprs)
$$;

-- Which pass gives a fit's statistics at its final coefficients: Newton's,
-- with the Hessian's standard errors, where it applies and fits in memory.
CREATE FUNCTION ooml._stats_kind(lambda1 float8, is_svm boolean, np int)
RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN lambda1 = 0 AND NOT is_svm AND ooml._state_fits('newton', np) THEN 'newton' ELSE 'gradient' END
$$;

-- One row of ooml.training_log: a pass's objective, gradient norm, step and
-- the seconds since the training started at t0.
CREATE FUNCTION ooml._log_pass(model_name text, pass int, loss float8, grad_norm float8,
                               step float8, t0 timestamptz)
RETURNS void
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO ooml.training_log
    VALUES (model_name, pass, loss, grad_norm, step, extract(epoch FROM clock_timestamp() - t0));
$$;

-- A seed state for a pass of a training: ooml.make_state with the
-- training's fixed settings.
CREATE FUNCTION ooml._seed(kind text, fam text, with_intercept boolean, beta float8[],
                           widths int[], names text[], lambda2 float8, pw float8[],
                           has_weights boolean, moments boolean DEFAULT false,
                           stats boolean DEFAULT false, refine boolean DEFAULT false,
                           solve boolean DEFAULT false, hessian boolean DEFAULT false,
                           lambda1 float8 DEFAULT 0, lr float8 DEFAULT NULL,
                           ada float8[] DEFAULT NULL, has_offset boolean DEFAULT false)
RETURNS ooml.state
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ooml.make_state(kind, fam, with_intercept, beta, widths, names, lambda2,
                           moments => moments, stats => stats, refine => refine, solve => solve,
                           penalty_weights => pw, l1 => lambda1, learning_rate => lr,
                           adagrad => ada, weights => has_weights, hessian => hessian,
                           "offset" => has_offset)
$$;

-- Element-wise a / b of two vectors (b = 0 gives 0).
CREATE FUNCTION ooml._div(a float8[], b float8[]) RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ARRAY(SELECT CASE WHEN v = 0 THEN 0 ELSE u / v END FROM unnest(a, b) AS t(u, v)) $$;

-- Largest absolute element.
CREATE FUNCTION ooml._norm_inf(a float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce(max(abs(v)), 0) FROM unnest(a) v $$;

-- Train a linear model of a family: Newton (proximal Newton with l1),
-- one-pass least squares, gradient descent (proximal with l1), L-BFGS
-- (OWL-QN with l1), or stochastic gradient descent.
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
    be_verbose  boolean,
    lambda1     float8 DEFAULT 0,
    do_standardize boolean DEFAULT false,
    weight_col  text DEFAULT NULL,
    lr          float8 DEFAULT NULL,
    link_name   text DEFAULT NULL,
    offset_col  text DEFAULT NULL,
    group_cols  text[] DEFAULT NULL)
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
    has_w       boolean := weight_col IS NOT NULL;
    has_off     boolean := offset_col IS NOT NULL;
    fam_key     text;
    lnk         text;
    is_lm       boolean;
    is_glm      boolean;        -- a family or link besides the fast two
    is_svm      boolean;
    labels      text[];
    label_type  regtype;
    target_expr text;
    n_class     int := 2;       -- classes of a classifier (3 or more: multinomial)
    np          int;            -- coefficients in all: p, or p per non-reference class
    class_w     float8[];       -- multinomial: the weight of each class's rows
    row_filter  text;
    p           int;
    pass_sql    text;
    r           ooml.pass_result;
    beta        float8[];
    passes      int := 0;
    is_converged boolean := false;
    pw          float8[];
    l1w         float8[];
    zeros       float8[];
    mean        float8[];       -- the columns' moments (gradient methods, SGD)
    sd          float8[];
    -- the optimizer's state, and what one pass reports to the log
    gst         ooml._group_state;
    f           float8;
    alpha       float8;
    rejected    boolean;
    -- statistics
    ll          float8;
    model_stats jsonb;
    bad         text;
BEGIN
    ---- the request
    IF fam IS NULL OR fam = '' OR (link_name IS NOT NULL AND link_name = '') THEN
        RAISE EXCEPTION 'family and link must not be empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    fam_key := fam || CASE WHEN link_name IS NULL THEN '' ELSE ':' || link_name END;
    lnk := ooml._family_link(fam_key);      -- an unknown pair is an error here
    is_lm := fam = 'gaussian' AND lnk = 'identity';
    is_svm := fam IN ('hinge', 'squared_hinge');
    is_glm := NOT ((fam = 'binomial' AND lnk = 'logit') OR is_lm OR is_svm);
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
    IF has_w AND (weight_col = target_col OR weight_col = ANY (feature_cols)) THEN
        RAISE EXCEPTION 'the weight column "%" is also the target or a feature', weight_col
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF has_off AND (offset_col = target_col OR offset_col = ANY (feature_cols) OR offset_col = weight_col) THEN
        RAISE EXCEPTION 'the offset column "%" is also the target, a feature or the weight', offset_col
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF fam = 'hinge' AND opt IS NOT NULL AND opt <> 'sgd' THEN
        RAISE EXCEPTION 'the hinge loss is trained by stochastic gradient descent only'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use optimizer => ''sgd'', or loss => ''squared_hinge'' for Newton, L-BFGS or gradient descent.';
    END IF;
    IF opt IS NOT NULL AND NOT (opt IN ('newton', 'gd', 'lbfgs', 'sgd')
                                OR (is_lm AND NOT has_off AND opt IN ('qr', 'normal'))) THEN
        RAISE EXCEPTION 'unknown % "%"', CASE algo WHEN 'linreg' THEN 'solver' ELSE 'optimizer' END, opt
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = CASE algo WHEN 'linreg'
                         THEN 'The solvers are ''qr'' (the default), ''normal'', ''gd'', ''lbfgs'' and ''sgd''.'
                         ELSE 'The optimizers are ''newton'' (Newton/IRLS), ''gd'' (gradient descent), ''lbfgs'' and ''sgd'' (stochastic gradient descent).' END;
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
    IF lambda1 IS NULL OR NOT (lambda1 >= 0 AND lambda1 < 'Infinity') THEN
        RAISE EXCEPTION 'l1 must be a finite number >= 0' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF lr IS NOT NULL AND NOT (lr > 0 AND lr < 'Infinity') THEN
        RAISE EXCEPTION 'learning_rate must be a positive finite number' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF with_intercept IS NULL OR do_replace IS NULL OR be_verbose IS NULL OR do_standardize IS NULL THEN
        RAISE EXCEPTION 'intercept, replace, standardize and verbose must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    ---- the columns
    IF group_cols IS NOT NULL THEN
        IF cardinality(group_cols) = 0 OR array_ndims(group_cols) > 1 OR array_position(group_cols, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'group_by must name at least one column' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOREACH col IN ARRAY group_cols LOOP
            PERFORM ooml._check_column(rel, col, 'group_by', any_type => true);
            IF col = target_col OR col = ANY (feature_cols) OR col = weight_col OR col = offset_col THEN
                RAISE EXCEPTION 'the group_by column "%" is also the target, a feature, the weight or the offset', col
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
        END LOOP;
        SELECT c INTO bad FROM unnest(group_cols) c GROUP BY c HAVING count(*) > 1 LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'group_by column "%" is named more than once', bad USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    PERFORM ooml._check_column(rel, target_col, 'target', any_type => fam = 'binomial' OR is_svm);
    target_expr := format('t.%I', target_col);
    IF fam = 'binomial' OR is_svm THEN
        -- a classifier's labels, in the sort order of the target's type: a
        -- boolean or 0/1 target is used as it is; any other target is
        -- mapped to the index of its label, the first label the reference
        label_type := (SELECT a.atttypid FROM pg_attribute a
                        WHERE a.attrelid = rel AND a.attname = target_col)::regtype;
        IF label_type = 'boolean'::regtype THEN
            labels := ARRAY['false', 'true'];
        ELSE
            -- (NaN and infinities are no labels: the pass reports them)
            EXECUTE format('SELECT array_agg(d.v::text ORDER BY d.v) FROM (SELECT DISTINCT t.%1$I AS v FROM %2$s AS t WHERE t.%1$I IS NOT NULL%3$s LIMIT %4$s) AS d',
                           target_col, rel,
                           CASE WHEN ooml._arg_kind(label_type) = 'scalar'
                                THEN format(' AND t.%I::text NOT IN (''NaN'', ''Infinity'', ''-Infinity'')', target_col) ELSE '' END,
                           ooml._max_classes() + 1)
               INTO labels;
            n_class := coalesce(cardinality(labels), 0);
            IF n_class > ooml._max_classes() THEN
                RAISE EXCEPTION 'target column "%" has more than % distinct values', target_col, ooml._max_classes()
                    USING ERRCODE = 'program_limit_exceeded',
                          HINT = 'That is not a classification target: for a numeric target use ooml.train_linreg or ooml.train_glm.';
            END IF;
            IF ooml._arg_kind(label_type) = 'scalar' AND labels <@ ARRAY['0', '1'] THEN
                labels := ARRAY['0', '1'];
                n_class := 2;
            ELSE
                target_expr := format('(pg_catalog.array_position(%L::%s[], t.%I) - 1)', labels, label_type, target_col);
                IF ooml._arg_kind(label_type) = 'scalar' THEN
                    -- mapped labels would skip a NaN: report it as the pass does
                    EXECUTE format('SELECT t.%1$I::text FROM %2$s AS t WHERE t.%1$I::text IN (''NaN'', ''Infinity'', ''-Infinity'') LIMIT 1',
                                   target_col, rel) INTO bad;
                    IF bad IS NOT NULL THEN
                        RAISE EXCEPTION 'column "%" contains %', target_col, CASE WHEN bad = 'NaN' THEN 'NaN' ELSE 'infinity' END
                            USING ERRCODE = 'data_exception',
                                  DETAIL = 'ooml trains and scores on finite numbers only.',
                                  HINT = 'Filter such rows out or replace the values, for example in a view.';
                    END IF;
                END IF;
                IF n_class = 1 THEN
                    RAISE EXCEPTION 'target column "%" has only one class: every row is %', target_col, labels[1]
                        USING ERRCODE = 'data_exception',
                              HINT = 'A classifier needs rows of at least two classes.';
                END IF;
            END IF;
        END IF;
        IF n_class > 2 THEN
            IF NOT (algo = 'logreg' AND lnk = 'logit') THEN
                RAISE EXCEPTION 'target column "%" has % classes, but % classifies two', target_col, n_class,
                                CASE WHEN is_svm THEN 'a linear SVM' ELSE format('the binomial family with the %s link', lnk) END
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'ooml.train_logreg fits a multinomial logistic regression to three or more classes.';
            END IF;
            IF has_off THEN
                RAISE EXCEPTION 'multinomial logistic regression takes no offset'
                    USING ERRCODE = 'feature_not_supported';
            END IF;
            fam := 'multinomial';
            fam_key := 'multinomial';
        END IF;
    END IF;
    IF has_w AND ooml._check_column(rel, weight_col, 'weight') <> 'scalar' THEN
        RAISE EXCEPTION 'weight column "%" must be a number', weight_col USING ERRCODE = 'datatype_mismatch';
    END IF;
    IF has_off AND ooml._check_column(rel, offset_col, 'offset') <> 'scalar' THEN
        RAISE EXCEPTION 'offset column "%" must be a number', offset_col USING ERRCODE = 'datatype_mismatch';
    END IF;
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
    np := p * (n_class - 1);
    IF fam <> 'multinomial' THEN
        np := p;
    END IF;
    -- the default optimizer: Newton while its p x p Hessian is cheap, L-BFGS beyond
    opt := coalesce(opt, CASE WHEN fam = 'hinge' THEN 'sgd'
                              WHEN fam = 'multinomial' THEN CASE WHEN ooml._state_fits('newton', np) THEN 'newton' ELSE 'lbfgs' END
                              WHEN group_cols IS NOT NULL THEN CASE WHEN is_lm AND NOT has_off THEN 'qr' ELSE 'newton' END
                              WHEN p <= 500 AND ooml._state_fits('newton', p) THEN 'newton' ELSE 'lbfgs' END);
    -- (Fisher scoring converges only linearly with a non-canonical link:
    -- a tighter decrement gives the same digits as the canonical links get)
    IF lr IS NOT NULL AND opt <> 'sgd' THEN
        RAISE EXCEPTION 'learning_rate applies to optimizer ''sgd'' only' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The other optimizers choose their steps by line search.';
    END IF;
    tol := coalesce(tol, CASE opt WHEN 'newton' THEN CASE WHEN lnk <> ooml._family_link(fam) THEN 1e-20 ELSE 1e-10 END
                                  WHEN 'qr' THEN 1e-10 WHEN 'normal' THEN 1e-10
                                  WHEN 'lbfgs' THEN 1e-8 WHEN 'sgd' THEN 1e-4 ELSE 1e-7 END);
    names := ARRAY[target_col] || feature_cols || CASE WHEN has_w THEN ARRAY[weight_col] ELSE '{}'::text[] END
             || CASE WHEN has_off THEN ARRAY[offset_col] ELSE '{}'::text[] END;
    pass_sql := format('SELECT (s.r).* FROM (SELECT ooml.pass($1, %s) AS r FROM %s AS t) AS s',
                       ooml._pass_args(target_expr, weight_col, offset_col, exprs), rel);

    IF opt IN ('newton', 'normal', 'qr')
       AND NOT ooml._state_fits(CASE WHEN opt = 'qr' AND lambda1 = 0 THEN 'qr' ELSE 'newton' END, np) THEN
        RAISE EXCEPTION 'a % pass over % coefficients needs more memory than ooml.max_state_memory allows',
                        CASE opt WHEN 'qr' THEN 'QR' WHEN 'normal' THEN 'normal-equations' ELSE 'Newton' END, np
            USING ERRCODE = 'program_limit_exceeded',
                  HINT = format('Use %s => ''lbfgs'', whose memory grows linearly with the number of features, or raise ooml.max_state_memory.',
                                CASE algo WHEN 'linreg' THEN 'solver' ELSE 'optimizer' END);
    END IF;

    IF fam = 'multinomial' THEN
        -- the weight of each class's rows (the rows a pass uses): the
        -- intercept-only fit, where Newton starts, and the null deviance
        row_filter := concat_ws(' AND ', VARIADIC ARRAY[format('t.%I IS NOT NULL', target_col)]
                        || ARRAY(SELECT format('%s IS NOT NULL', e) FROM unnest(exprs) e)
                        || ARRAY(SELECT format('pg_catalog.array_position(%s, NULL) IS NULL', e)
                                   FROM unnest(exprs, dims) AS u(e, dm) WHERE dm > 0)
                        || CASE WHEN has_w THEN ARRAY[format('t.%I IS NOT NULL', weight_col)] ELSE '{}'::text[] END);
        IF group_cols IS NULL THEN
            EXECUTE format('SELECT array_agg(coalesce(c.w, 0) ORDER BY g.k) FROM pg_catalog.generate_series(0, %s) AS g(k) '
                           'LEFT JOIN (SELECT %s AS k, pg_catalog.sum(%s)::float8 AS w FROM %s AS t WHERE %s GROUP BY 1) AS c ON c.k = g.k',
                           n_class - 1, target_expr, CASE WHEN has_w THEN format('t.%I', weight_col) ELSE '1' END,
                           rel, row_filter)
               INTO class_w;
            IF (SELECT count(*) FROM unnest(class_w) w WHERE w > 0) < n_class THEN
                RAISE EXCEPTION 'class "%" of target column "%" has no rows to learn from',
                                labels[(SELECT min(i) FROM unnest(class_w) WITH ORDINALITY u(w, i) WHERE NOT w > 0)], target_col
                    USING ERRCODE = 'data_exception',
                          DETAIL = 'Its rows have a NULL in a feature or the weight, or a weight of 0.';
            END IF;
        END IF;
    END IF;

    ---- the model row, written now and completed at the end
    IF EXISTS (SELECT 1 FROM ooml.models m WHERE m.name = model_name) THEN
        IF NOT do_replace THEN
            RAISE EXCEPTION 'model "%" already exists', model_name
                USING ERRCODE = 'duplicate_object',
                      HINT = 'Pass replace => true to train it again, or drop it with ooml.drop_model().';
        END IF;
        DELETE FROM ooml.models m WHERE m.name = model_name;
    END IF;
    zeros := array_fill(0::float8, ARRAY[np]);
    beta := zeros;
    BEGIN
        INSERT INTO ooml.models (name, algorithm, family, link, optimizer, relation, target,
                                 features, feature_dims, terms, intercept, coef, classes, options, group_by)
        VALUES (model_name, algo, fam, lnk,
                opt, rel::text, target_col, feature_cols, dims, terms, with_intercept,
                CASE WHEN group_cols IS NULL THEN beta ELSE '{}' END, labels,
                jsonb_strip_nulls(jsonb_build_object(
                    CASE algo WHEN 'linreg' THEN 'solver' ELSE 'optimizer' END, opt,
                    'max_iter', max_passes, 'tolerance', tol, 'l1', lambda1, 'l2', lambda2,
                    'intercept', with_intercept, 'standardize', do_standardize, 'weights', weight_col,
                    'offset', offset_col,
                    'learning_rate', CASE WHEN opt = 'sgd' THEN lr END)),
                group_cols);
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'model "%" already exists', model_name
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'It belongs to a role whose models you cannot see, or another session has just trained it.';
    END;

    IF group_cols IS NOT NULL THEN
        RETURN ooml._train_groups(model_name, rel, target_col, target_expr, fam, fam_key, lnk, opt,
                                  max_passes, tol, lambda2, lambda1, with_intercept, be_verbose, do_standardize,
                                  weight_col, offset_col, lr, widths, names, terms, exprs, group_cols, is_glm, t0,
                                  label_type, row_filter);
    END IF;

    ---- penalty weights: 0 for the intercept, 1, or sd_j^2 with standardize
    pw := ooml._penalty_weights(np, p, with_intercept);
    IF do_standardize OR opt IN ('gd', 'lbfgs', 'sgd') OR is_glm THEN
        -- the column moments (and, at beta = 0, the objective and gradient)
        r := ooml._run_pass(pass_sql, ooml._seed('gradient', fam_key, with_intercept, beta, widths, names,
                                                  lambda2, pw, has_w, has_offset => has_off, moments => true));
        passes := 1;
        PERFORM ooml._check_first_pass(r, rel, target_col, fam, np, lambda2);
        mean := r.col_mean;
        sd := r.col_sd;
        PERFORM ooml._log_pass(model_name, passes, r.loss, r.grad_norm, NULL, t0);
        IF do_standardize THEN
            -- (the penalty and its gradient vanish at beta = 0: the first
            -- pass's objective and gradient hold with these weights too)
            pw := ooml._std_penalty_weights(sd, with_intercept, p);
        END IF;
    END IF;
    l1w := ARRAY(SELECT lambda1 * sqrt(w) FROM unnest(pw) w);
    IF fam = 'multinomial' THEN
        beta := ooml._multinomial_start(class_w, p, with_intercept);
    END IF;
    IF is_glm AND with_intercept THEN
        beta[1] := ooml._glm_start(lnk, r.sum_y / r.sum_w);
    END IF;
    IF opt = 'sgd' AND lr IS NULL THEN
        lr := ooml._sgd_rate(mean, sd, p);
    END IF;
    -- the gradient methods start from the objective and gradient of the
    -- first pass: evaluate them again where the start moved away from 0
    IF opt IN ('gd', 'lbfgs') AND (is_glm OR fam = 'multinomial') AND with_intercept THEN
        r := ooml._run_pass(pass_sql, ooml._seed('gradient', fam_key, with_intercept, beta, widths, names,
                                                  lambda2, pw, has_w, has_offset => has_off));
        passes := passes + 1;
        PERFORM ooml._log_pass(model_name, passes, r.loss, r.grad_norm, NULL, t0);
    END IF;

    ---- the passes: each evaluates the point gst.beta, and the optimizer's
    ---- step (ooml._opt_step, which grouped training shares) gives the next
    ---- point or ends the training
    gst := ooml._group_start(1, beta, pw, lr, fam, fam_key, np, labels);
    gst.first_loss := r.loss;   -- SGD: the objective at beta = 0 tells divergence
    gst.mean := mean;
    gst.sd := sd;
    IF opt IN ('gd', 'lbfgs') THEN
        -- in the coordinates of standardized features
        gst := ooml._descent_init(gst, r, opt, tol, passes, max_passes, lambda1, with_intercept, p);
    END IF;
    kind := ooml._opt_kind(opt, lambda1);
    WHILE gst.status = 'active' LOOP
        r := ooml._run_pass(pass_sql, ooml._seed(kind, fam_key, with_intercept, gst.beta, widths, names, lambda2, gst.pw,
                                                  has_w, has_offset => has_off,
                                                  refine => kind = 'qr' AND p <= ooml._refine_limit(),
                                                  stats => opt = 'normal' AND lambda1 = 0,
                                                  solve => opt = 'normal' AND lambda1 = 0,
                                                  hessian => lambda1 > 0 AND kind = 'newton',
                                                  lambda1 => CASE WHEN kind = 'sgd' THEN lambda1 ELSE 0 END,
                                                  lr => CASE WHEN kind = 'sgd' THEN gst.lr END,
                                                  ada => CASE WHEN kind = 'sgd' THEN gst.ada END));
        passes := passes + 1;
        -- for the log: the optimizer's objective at this point, the step
        -- that led there, and whether Newton rejects it
        f := CASE WHEN opt IN ('gd', 'lbfgs') THEN r.loss + ooml._weighted_l1(gst.gamma_new, gst.l1g)
                  WHEN kind = 'newton' AND lambda1 > 0 THEN r.loss + ooml._weighted_l1(gst.beta, l1w)
                  ELSE r.loss END;
        alpha := CASE WHEN opt IN ('gd', 'lbfgs') THEN gst.alpha WHEN kind = 'sgd' THEN gst.lr
                      WHEN opt IN ('qr', 'normal') AND lambda1 = 0 THEN NULL ELSE gst.step END;
        rejected := kind = 'newton' AND ooml._armijo_rejects(gst, f);
        gst := ooml._opt_step(gst, r, opt, tol, passes, max_passes, lambda1, lambda2, with_intercept, p,
                              terms, rel, target_col, lnk);
        PERFORM ooml._log_pass(model_name, passes, f, CASE WHEN kind = 'sgd' THEN NULL ELSE r.grad_norm END, alpha, t0);
        IF be_verbose THEN
            IF opt IN ('gd', 'lbfgs') THEN
                RAISE NOTICE 'ooml: pass %: loss %, gradient norm %, step %, % s', passes, f,
                    r.grad_norm, alpha, round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
            ELSIF kind = 'sgd' THEN
                RAISE NOTICE 'ooml: pass %: loss %, % s', passes, f,
                    round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
            ELSIF rejected THEN
                IF lambda1 = 0 THEN
                    RAISE NOTICE 'ooml: pass %: loss %, step % rejected', passes, f, alpha;
                END IF;
            ELSE
                RAISE NOTICE 'ooml: pass %: loss %, gradient norm %, % s', passes, f, r.grad_norm,
                    round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
            END IF;
        END IF;
    END LOOP;
    beta := gst.beta;
    is_converged := gst.converged;

    ---- the statistics pass, at the final weights (a one-pass least-squares
    ---- fit has them already)
    IF NOT (opt IN ('qr', 'normal') AND lambda1 = 0) THEN
        kind := ooml._stats_kind(lambda1, is_svm, np);
        r := ooml._run_pass(pass_sql, ooml._seed(kind, fam_key, with_intercept, beta, widths, names,
                                                  lambda2, pw, has_w, has_offset => has_off, stats => kind = 'newton'));
        passes := passes + 1;
        PERFORM ooml._log_pass(model_name, passes, r.loss + ooml._weighted_l1(beta, l1w), r.grad_norm,
                               NULL, t0);
    END IF;
    PERFORM ooml._check_fit(r, fam, lambda1, lambda2, np, ooml._class_terms(terms, labels, fam));
    IF NOT is_converged THEN
        RAISE WARNING 'ooml: model "%" did not converge in % passes', model_name, max_passes
            USING HINT = 'Raise max_iter, or loosen the tolerance; the model was stored with converged = false.';
    END IF;

    model_stats := ooml._model_stats(r, beta, fam, lnk, p, np, with_intercept, has_off, l1w, passes, class_w);
    ll := r.log_likelihood;

    UPDATE ooml.models m
       SET coef = beta, std_err = r.std_err, iterations = passes, converged = is_converged,
           n_rows = r.n_rows, n_skipped = r.n_skipped, log_likelihood = ll,
           stats = model_stats, trained_at = now(),
           options = options || jsonb_strip_nulls(jsonb_build_object('learning_rate',
                                                    CASE WHEN opt = 'sgd' THEN lr END))
     WHERE m.name = model_name;

    RETURN (model_name, passes, is_converged, ll, r.n_rows, r.n_skipped,
            extract(epoch FROM clock_timestamp() - t0))::ooml.train_result;
END
$$;

-- The statistics of a fit, from the statistics pass r at the final
-- coefficients beta (ooml.models.stats).
CREATE FUNCTION ooml._model_stats(r ooml.pass_result, beta float8[], fam text, lnk text, p int, np int,
                                  with_intercept boolean, has_off boolean, l1w float8[], passes int,
                                  class_w float8[])
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ll          float8 := r.log_likelihood;
    ll0         float8 := r.null_log_likelihood;
    k           int;
    model_stats jsonb;
BEGIN
    IF fam = 'multinomial' THEN
        -- the intercept-only model fits each class's share
        ll0 := CASE WHEN with_intercept
                    THEN (SELECT sum(w * ln(w / r.sum_w)) FROM unnest(class_w) w WHERE w > 0)
                    ELSE r.sum_w * ln(1.0 / cardinality(class_w)) END;
        r.null_deviance := -2 * ll0;
    END IF;
    k := np + CASE WHEN fam IN ('gaussian', 'gamma', 'inverse_gaussian') THEN 1 ELSE 0 END;   -- with the dispersion
    model_stats := jsonb_build_object(
        'log_likelihood', ooml._json_num(ll),
        'null_log_likelihood', ooml._json_num(ll0),
        'deviance', ooml._json_num(r.deviance),
        'null_deviance', ooml._json_num(CASE WHEN has_off THEN NULL ELSE r.null_deviance END),
        'dispersion', ooml._json_num(CASE WHEN fam IN ('gaussian', 'gamma', 'inverse_gaussian')
                                          THEN r.pearson / nullif(r.n_rows - p, 0) ELSE 1 END),
        'df_residual', r.n_rows - np,
        'df_null', r.n_rows - CASE WHEN with_intercept THEN 1 ELSE 0 END,
        'aic', ooml._json_num(-2 * ll + 2 * k),
        'bic', ooml._json_num(-2 * ll + k * ln(r.n_rows)),
        'condition_number', ooml._json_num(r.condition_number),
        'objective', ooml._json_num(r.loss + ooml._weighted_l1(beta, l1w)),
        'grad_norm', ooml._json_num(r.grad_norm),
        'passes', passes,
        'nonzero', (SELECT count(*) FROM unnest(beta) WITH ORDINALITY u(v, i)
                     WHERE v <> 0 AND NOT (with_intercept AND (i - 1) % p = 0)),
        'test', CASE WHEN fam IN ('gaussian', 'gamma', 'inverse_gaussian') THEN 't' ELSE 'z' END);
    IF fam IN ('binomial', 'multinomial') AND lnk = 'logit' THEN
        model_stats := model_stats || jsonb_build_object('pseudo_r2', ooml._json_num(1 - ll / nullif(ll0, 0)));
    ELSIF fam = 'gaussian' AND lnk = 'identity' THEN
        model_stats := model_stats || ooml._lm_stats(r.rss, r.tss, r.n_rows, p, with_intercept);
    END IF;
    RETURN model_stats;
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
    IF fam IN ('binomial', 'hinge', 'squared_hinge') AND (r.sum_y = 0 OR r.sum_y = r.sum_w) THEN
        RAISE EXCEPTION 'target column "%" has only one class: every row is %', target_col,
                        CASE WHEN r.sum_y = 0 THEN '0 (false)' ELSE '1 (true)' END
            USING ERRCODE = 'data_exception',
                  HINT = 'A classifier needs rows of both classes.';
    END IF;
END
$$;

-- The checks of a fit at its final coefficients, from the statistics pass
-- r: a logistic regression without penalty whose probabilities reach 0 or 1
-- (separable classes), and a rank-deficient Hessian or Gram matrix.
CREATE FUNCTION ooml._check_fit(r ooml.pass_result, fam text, lambda1 float8, lambda2 float8, np int,
                                terms text[])
RETURNS void
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF fam = 'binomial' AND lambda2 = 0 AND lambda1 = 0 AND r.n_boundary > 0 THEN
        RAISE EXCEPTION 'logistic regression did not converge: the classes are separable'
            USING ERRCODE = 'data_exception',
                  DETAIL = format('The fitted probabilities of %s rows are numerically 0 or 1: some features, or a combination of them, separate the classes, and the maximum-likelihood coefficients are infinite.', r.n_boundary),
                  HINT = 'Add a ridge penalty (for example l2 => 0.01), or remove the features that separate the classes.';
    END IF;
    IF r.rank < np THEN
        PERFORM ooml._singular(r, terms, fam, lambda2);
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

-- The most classes of a classifier (OOML_MAX_CLASSES in ooml.h).
CREATE FUNCTION ooml._max_classes() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT 1000 $$;

-- A multinomial model's coefficients are one block of terms per class
-- after the first: name them "class: term" (other models: the terms).
CREATE FUNCTION ooml._class_terms(terms text[], classes text[], fam text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN fam = 'multinomial'
                THEN ARRAY(SELECT format('%s: %s', c.label, t.term)
                             FROM unnest(classes[2:]) WITH ORDINALITY AS c(label, ci),
                                  unnest(terms) WITH ORDINALITY AS t(term, ti)
                            ORDER BY c.ci, t.ti)
                ELSE terms END
$$;

-- Grouped training: one model per distinct value of the group columns, all
-- trained by the same passes.  Each pass is one scan of the relation,
-- joined to a temporary table of the groups that carries each group's seed
-- state, and grouped by group: each group's pass result then drives that
-- group's own optimizer step, exactly as ooml._train_glm steps a single
-- model.  A group that converges or fails drops out of the next passes
-- (its seed is NULL); a group that fails is recorded with its message.
CREATE FUNCTION ooml._train_groups(
    model_name  text,
    rel         regclass,
    target_col  text,
    target_expr text,
    fam         text,
    fam_key     text,
    lnk         text,
    opt         text,
    max_passes  int,
    tol         float8,
    lambda2     float8,
    lambda1     float8,
    with_intercept boolean,
    be_verbose  boolean,
    do_standardize boolean,
    weight_col  text,
    offset_col  text,
    lr_opt      float8,
    widths      int[],
    names       text[],
    terms       text[],
    exprs       text[],
    group_cols  text[],
    is_glm      boolean,
    t0          timestamptz,
    label_type  regtype DEFAULT NULL,   -- multinomial: the type of the labels
    row_filter  text DEFAULT NULL)      -- multinomial: the rows a pass uses
RETURNS ooml.train_result
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
-- one scan per pass, each group's rows in scan order (as when the group is
-- trained alone): the groups are hashed and the relation probes them, and
-- the aggregate hashes the groups (a merge join or a sort would reorder the
-- rows; a nested loop would scan the relation once per group)
SET enable_mergejoin = off
SET enable_nestloop = off
SET enable_sort = off
-- and no JIT: a disabled plan node costs 1e10, so every query in here that
-- sorts (the per-group helpers' small ones included) would look expensive
-- enough to compile, about 30 ms each, once per group (measured: 1,000
-- groups trained in 33.7 s with JIT, 2.6 s without)
SET jit = off
AS $$
DECLARE
    gt          text := format('ooml_groups_%s_%s', pg_backend_pid(), (random() * 1e9)::bigint);
    p           int := cardinality(terms);
    has_w       boolean := weight_col IS NOT NULL;
    has_off     boolean := offset_col IS NOT NULL;
    is_svm      boolean := fam IN ('hinge', 'squared_hinge');
    is_lm       boolean := fam = 'gaussian' AND lnk = 'identity';
    n_groups    int;
    gs          ooml._group_state[];
    g           ooml._group_state;
    r           ooml.pass_result;
    gids        int[];
    results     ooml.pass_result[];
    pass_sql    text;
    kind        text;
    passes      int := 0;
    j           int;
    zeros       float8[];
    pw0         float8[];
    stats_kind  text;
    n_active    int;
    n_failed    int;
    n_conv      int;
    all_conv    boolean;
    total_ll    float8;
    total_n     bigint;
    total_skip  bigint;
    lrow        record;
    work_mem_was text;
    multi       boolean := fam = 'multinomial';
    keys        text := (SELECT string_agg(format('k%s', o), ', ' ORDER BY o) FROM unnest(group_cols) WITH ORDINALITY u(c, o));
    gclasses    text[];
    gweights    text[];
    cls         text[];
    cw          float8[];
    np_max      int;
BEGIN
    ---- the groups: the distinct non-NULL values of the group columns, in
    ---- their sort order; rows with a NULL group value belong to no group.
    ---- A multinomial target: also each group's own labels (the classes
    ---- training on the group alone finds) and the weight of their rows.
    IF NOT multi THEN
        EXECUTE format('CREATE TEMPORARY TABLE %I ON COMMIT DROP AS '
                       'SELECT (row_number() OVER (ORDER BY %s))::int AS gid, %s, NULL::ooml.state AS seed '
                       'FROM (SELECT DISTINCT %s FROM %s AS t WHERE %s) AS d',
                       gt, keys, keys,
                       (SELECT string_agg(format('t.%I AS k%s', c, o), ', ' ORDER BY o) FROM unnest(group_cols) WITH ORDINALITY u(c, o)),
                       rel,
                       (SELECT string_agg(format('t.%I IS NOT NULL', c), ' AND ') FROM unnest(group_cols) c));
    ELSE
        EXECUTE format('CREATE TEMPORARY TABLE %I ON COMMIT DROP AS '
                       'SELECT (row_number() OVER (ORDER BY %s))::int AS gid, %s, d.labels, NULL::ooml.state AS seed, '
                       'd.classes, d.class_w '
                       'FROM (SELECT %s, pg_catalog.array_agg(c.v ORDER BY c.v) AS labels, '
                       'pg_catalog.array_agg(c.v::text ORDER BY c.v) AS classes, '
                       'pg_catalog.array_agg(c.w ORDER BY c.v) AS class_w '
                       'FROM (SELECT %s, t.%I AS v, coalesce(pg_catalog.sum(%s) FILTER (WHERE %s), 0)::float8 AS w '
                       'FROM %s AS t WHERE %s AND t.%I IS NOT NULL GROUP BY %s, t.%I) AS c GROUP BY %s) AS d',
                       gt, keys, keys, keys,
                       (SELECT string_agg(format('t.%I AS k%s', c, o), ', ' ORDER BY o) FROM unnest(group_cols) WITH ORDINALITY u(c, o)),
                       target_col, CASE WHEN weight_col IS NOT NULL THEN format('t.%I', weight_col) ELSE '1' END,
                       row_filter, rel,
                       (SELECT string_agg(format('t.%I IS NOT NULL', c), ' AND ') FROM unnest(group_cols) c),
                       target_col,
                       (SELECT string_agg(format('t.%I', c), ', ') FROM unnest(group_cols) c),
                       target_col, keys);
        EXECUTE format('SELECT pg_catalog.array_agg(d.classes::text ORDER BY d.gid), pg_catalog.array_agg(d.class_w::text ORDER BY d.gid) FROM %I AS d', gt)
           INTO gclasses, gweights;
        target_expr := format('(pg_catalog.array_position(g.labels, t.%I) - 1)', target_col);
    END IF;
    EXECUTE format('SELECT count(*) FROM %I', gt) INTO n_groups;
    IF n_groups = 0 THEN
        RAISE EXCEPTION 'relation % has no rows with non-NULL group_by values to train on', rel
            USING ERRCODE = 'data_exception';
    END IF;
    EXECUTE format('ANALYZE %I', gt);


    pass_sql := format('SELECT pg_catalog.array_agg(s.gid ORDER BY s.gid), pg_catalog.array_agg(s.r ORDER BY s.gid) '
                       'FROM (SELECT g.gid, ooml.pass(g.seed, %s) AS r FROM %s AS t JOIN %I AS g ON %s '
                       'WHERE g.seed IS NOT NULL GROUP BY g.gid) AS s',
                       ooml._pass_args(target_expr, weight_col, offset_col, exprs), rel, gt,
                       (SELECT string_agg(format('t.%I = g.k%s', c, o), ' AND ' ORDER BY o)
                          FROM unnest(group_cols) WITH ORDINALITY u(c, o)));

    zeros := array_fill(0::float8, ARRAY[p]);
    pw0 := ooml._penalty_weights(p, p, with_intercept);
    gs := ARRAY(SELECT ooml._group_start(k, zeros, pw0, lr_opt, fam, fam_key, p) FROM generate_series(1, n_groups) k);
    IF multi THEN
        -- each group is the classifier of its own labels: binary for two,
        -- multinomial for more (as training on the group alone gives)
        FOR j IN 1 .. n_groups LOOP
            g := gs[j];
            cls := gclasses[j]::text[];
            cw := gweights[j]::float8[];
            g.classes := cls;
            g.class_w := cw;
            IF cardinality(cls) = 1 THEN
                g.status := 'failed';
                g.message := format('target column "%s" has only one class: every row is %s', target_col, cls[1]);
            ELSIF cardinality(cls) = 2 THEN
                g.fam := 'binomial';
                g.fam_key := 'binomial';
            ELSIF (SELECT count(*) FROM unnest(cw) w WHERE w > 0) < cardinality(cls) THEN
                g.status := 'failed';
                g.message := format('class "%s" of target column "%s" has no rows to learn from',
                                    cls[(SELECT min(i) FROM unnest(cw) WITH ORDINALITY u(w, i) WHERE NOT w > 0)], target_col);
            ELSE
                g.np := p * (cardinality(cls) - 1);
                g.beta := ooml._multinomial_start(cw, p, with_intercept);
                g.pw := ooml._penalty_weights(g.np, p, with_intercept);
            END IF;
            gs[j] := g;
        END LOOP;
    END IF;
    np_max := (SELECT max(x.np) FROM unnest(gs) x);

    -- the pass aggregate keeps every group's state in its hash table: let
    -- work_mem hold them (twice, for the hash table's own overhead) rather
    -- than spill rows to disk, within ooml.max_state_memory
    work_mem_was := current_setting('work_mem');
    PERFORM set_config('work_mem',
                       greatest(pg_size_bytes(work_mem_was) / 1024,
                                least(2 * n_groups * ooml._state_bytes(CASE WHEN opt = 'qr' THEN 'qr' WHEN opt = 'sgd' THEN 'sgd' ELSE 'newton' END, np_max) / 1024,
                                      pg_size_bytes(current_setting('ooml.max_state_memory')) / 1024))::text || 'kB', true);

    ---- the column moments of each group, where the start, the penalty or
    ---- SGD's learning rate needs them (as ooml._train_glm's first pass)
    IF do_standardize OR opt IN ('gd', 'lbfgs', 'sgd') OR is_glm THEN
        PERFORM ooml._group_seeds(gt, gs, 'gradient', with_intercept, widths, names, lambda2, has_w, has_off,
                                  moments => true);
        passes := 1;
        SELECT * INTO gids, results FROM ooml._run_groups_pass(pass_sql, model_name, passes, t0);
        FOR j IN 1 .. n_groups LOOP
            g := gs[j];
            CONTINUE WHEN g.status <> 'active';
            r := ooml._group_result(gids, results, j);
            BEGIN
                PERFORM ooml._check_first_pass(r, rel, target_col, g.fam, g.np, lambda2);
            EXCEPTION WHEN data_exception THEN
                g.status := 'failed';
                g.message := SQLERRM;
                gs[j] := g;
                CONTINUE;
            END;
            IF do_standardize THEN
                g.pw := ooml._std_penalty_weights(r.col_sd, with_intercept, p);
            END IF;
            IF is_glm AND with_intercept THEN
                g.beta[1] := ooml._glm_start(lnk, r.sum_y / r.sum_w);
            END IF;
            IF opt = 'sgd' AND lr_opt IS NULL THEN
                g.lr := ooml._sgd_rate(r.col_mean, r.col_sd, p);
            END IF;
            g.first_loss := r.loss;
            g.mean := r.col_mean;
            g.sd := r.col_sd;
            g.r := r;
            gs[j] := g;
        END LOOP;
    END IF;
    -- gradient methods: the objective where the start moved away from 0
    IF opt IN ('gd', 'lbfgs') AND (is_glm OR multi) AND with_intercept THEN
        PERFORM ooml._group_seeds(gt, gs, 'gradient', with_intercept, widths, names, lambda2, has_w, has_off);
        passes := passes + 1;
        SELECT * INTO gids, results FROM ooml._run_groups_pass(pass_sql, model_name, passes, t0);
        FOR j IN 1 .. n_groups LOOP
            g := gs[j];
            CONTINUE WHEN g.status <> 'active';
            g.r := ooml._group_result(gids, results, j);
            gs[j] := g;
        END LOOP;
    END IF;
    -- gradient methods: the start of each group's descent, in the
    -- coordinates of its standardized features, and its first trial point
    IF opt IN ('gd', 'lbfgs') THEN
        FOR j IN 1 .. n_groups LOOP
            g := gs[j];
            CONTINUE WHEN g.status <> 'active';
            gs[j] := ooml._descent_init(g, g.r, opt, tol, passes, max_passes, lambda1, with_intercept, p);
        END LOOP;
    END IF;

    ---- the passes
    LOOP
        SELECT count(*) INTO n_active FROM unnest(gs) x WHERE x.status = 'active';
        EXIT WHEN n_active = 0;
        kind := ooml._opt_kind(opt, lambda1);
        PERFORM ooml._group_seeds(gt, gs, kind, with_intercept, widths, names, lambda2, has_w, has_off,
                                  refine => kind = 'qr' AND p <= ooml._refine_limit(),
                                  stats => opt = 'normal' AND lambda1 = 0, solve => opt = 'normal' AND lambda1 = 0,
                                  lambda1 => CASE WHEN kind = 'sgd' THEN lambda1 ELSE 0 END,
                                  hessian => lambda1 > 0 AND kind = 'newton');
        passes := passes + 1;
        SELECT * INTO gids, results FROM ooml._run_groups_pass(pass_sql, model_name, passes, t0);
        IF be_verbose THEN
            RAISE NOTICE 'ooml: pass %: % groups, % s', passes, n_active,
                round(extract(epoch FROM clock_timestamp() - t0)::numeric, 3);
        END IF;

        FOR j IN 1 .. n_groups LOOP
            g := gs[j];
            CONTINUE WHEN g.status <> 'active';
            r := ooml._group_result(gids, results, j);
            g.passes := passes;
            BEGIN
                g := ooml._opt_step(g, r, opt, tol, passes, max_passes, lambda1, lambda2, with_intercept, p,
                                    terms, rel, target_col, lnk);
                g.r := r;   -- (a one-pass least-squares fit has its statistics)
            EXCEPTION WHEN data_exception THEN
                g.status := 'failed';
                g.message := SQLERRM;
            END;
            gs[j] := g;
        END LOOP;
    END LOOP;

    ---- the statistics pass, at each group's final coefficients
    IF NOT (opt IN ('qr', 'normal') AND lambda1 = 0) THEN
        stats_kind := ooml._stats_kind(lambda1, is_svm, np_max);
        FOR j IN 1 .. n_groups LOOP
            g := gs[j];
            IF g.status = 'done' THEN
                g.status := 'active';
                gs[j] := g;
            END IF;
        END LOOP;
        PERFORM ooml._group_seeds(gt, gs, stats_kind, with_intercept, widths, names, lambda2, has_w, has_off,
                                  stats => stats_kind = 'newton');
        passes := passes + 1;
        SELECT * INTO gids, results FROM ooml._run_groups_pass(pass_sql, model_name, passes, t0);
        FOR j IN 1 .. n_groups LOOP
            g := gs[j];
            CONTINUE WHEN g.status <> 'active';
            r := ooml._group_result(gids, results, j);
            g.status := 'done';
            g.passes := g.passes + 1;   -- its own passes, and this one
            BEGIN
                PERFORM ooml._check_fit(r, g.fam, lambda1, lambda2, g.np, ooml._class_terms(terms, g.classes, g.fam));
            EXCEPTION WHEN data_exception THEN
                g.status := 'failed';
                g.message := SQLERRM;
            END;
            g.r := r;
            gs[j] := g;
        END LOOP;
    END IF;

    ---- the models
    EXECUTE format($q$
        INSERT INTO ooml.model_groups (model, group_no, group_key, group_values, status, message, classes, coef, std_err,
                                       iterations, converged, n_rows, n_skipped, log_likelihood, stats)
        SELECT $1, g.gid, jsonb_build_object(%s), ARRAY[%s],
               CASE WHEN x.status = 'failed' THEN 'failed' ELSE 'trained' END, x.message, x.classes,
               CASE WHEN x.status <> 'failed' THEN x.beta END, CASE WHEN x.status <> 'failed' THEN (x.r).std_err END,
               x.passes, x.converged AND x.status <> 'failed', (x.r).n_rows, (x.r).n_skipped,
               CASE WHEN x.status <> 'failed' THEN (x.r).log_likelihood END,
               CASE WHEN x.status <> 'failed'
                    THEN ooml._model_stats(x.r, x.beta, x.fam, $3, $4, x.np, $5, $6,
                                           ARRAY(SELECT $7 * sqrt(w) FROM unnest(x.pw) w), x.passes, x.class_w)
                         || jsonb_strip_nulls(jsonb_build_object('learning_rate', CASE WHEN $9 = 'sgd' THEN x.lr END))
                    ELSE '{}' END
          FROM %I AS g JOIN unnest($8) AS x ON x.gid = g.gid
        $q$,
        (SELECT string_agg(format('%L, g.k%s', c, o), ', ' ORDER BY o) FROM unnest(group_cols) WITH ORDINALITY u(c, o)),
        (SELECT string_agg(format('pg_catalog.format(''%%s'', g.k%s)', o), ', ' ORDER BY o) FROM unnest(group_cols) WITH ORDINALITY u(c, o)),
        gt)
      USING model_name, fam, lnk, p, with_intercept, has_off, lambda1, gs, opt;
    EXECUTE format('DROP TABLE %I', gt);
    PERFORM set_config('work_mem', work_mem_was, true);

    SELECT count(*) FILTER (WHERE x.status = 'failed'), count(*) FILTER (WHERE x.converged AND x.status <> 'failed'),
           sum((x.r).log_likelihood) FILTER (WHERE x.status <> 'failed'),
           sum((x.r).n_rows) FILTER (WHERE x.status <> 'failed'), sum((x.r).n_skipped) FILTER (WHERE x.status <> 'failed')
      INTO n_failed, n_conv, total_ll, total_n, total_skip
      FROM unnest(gs) x;
    IF n_failed = n_groups THEN
        SELECT x.message INTO lrow FROM unnest(gs) x LIMIT 1;
        RAISE EXCEPTION 'no group of % could be trained', rel
            USING ERRCODE = 'data_exception',
                  DETAIL = format('The first group failed with: %s', lrow.message);
    END IF;
    IF n_failed > 0 THEN
        RAISE WARNING 'ooml: % of % groups of model "%" could not be trained', n_failed, n_groups, model_name
            USING DETAIL = (SELECT string_agg(format('%s: %s', mg.group_key, mg.message), E'\n' ORDER BY mg.group_no)
                              FROM (SELECT * FROM ooml.model_groups mg0
                                     WHERE mg0.model = model_name AND mg0.status = 'failed'
                                     ORDER BY mg0.group_no LIMIT 10) mg),
                  HINT = 'They are listed in ooml.model_groups with status ''failed''; predictions for their rows are NULL.';
    END IF;
    all_conv := n_conv = n_groups - n_failed;
    IF NOT all_conv THEN
        RAISE WARNING 'ooml: % groups of model "%" did not converge in % passes', n_groups - n_failed - n_conv,
                      model_name, max_passes
            USING HINT = 'Raise max_iter, or loosen the tolerance; ooml.model_groups.converged tells which.';
    END IF;

    UPDATE ooml.models m
       SET iterations = passes, converged = all_conv, n_rows = total_n, n_skipped = total_skip,
           log_likelihood = total_ll, trained_at = now(),
           stats = jsonb_build_object('passes', passes, 'groups', n_groups, 'groups_trained', n_groups - n_failed,
                                      'groups_failed', n_failed, 'groups_converged', n_conv)
     WHERE m.name = model_name;

    RETURN (model_name, passes, all_conv, total_ll, total_n, total_skip,
            extract(epoch FROM clock_timestamp() - t0))::ooml.train_result;
END
$$;

-- Set the seed of every active group of a grouped training (NULL for the others).
CREATE FUNCTION ooml._group_seeds(gt text, gs ooml._group_state[], kind text, with_intercept boolean,
                                  widths int[], names text[], lambda2 float8, has_w boolean, has_off boolean,
                                  moments boolean DEFAULT false, stats boolean DEFAULT false,
                                  refine boolean DEFAULT false, solve boolean DEFAULT false,
                                  lambda1 float8 DEFAULT 0, hessian boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE format('UPDATE %I AS g SET seed = CASE WHEN x.status = ''active'' THEN '
                   'ooml._seed($1, x.fam_key, $3, x.beta, $4, $5, $6, x.pw, $7, moments => $8, stats => $9, refine => $10, '
                   'solve => $11, lambda1 => $12, lr => CASE WHEN $1 = ''sgd'' THEN x.lr END, '
                   'ada => CASE WHEN $1 = ''sgd'' THEN x.ada END, has_offset => $13, hessian => $15) END '
                   'FROM unnest($14) AS x WHERE x.gid = g.gid', gt)
      USING kind, NULL::text, with_intercept, widths, names, lambda2, has_w, moments, stats, refine, solve,
            lambda1, has_off, gs, hessian;
END
$$;

-- Group j's pass result (all NULL when the group had no rows in the pass).
CREATE FUNCTION ooml._group_result(gids int[], results ooml.pass_result[], j int)
RETURNS ooml.pass_result
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT results[array_position(gids, j)]
$$;

-- Run grouped pass number pass (pass_sql of ooml._train_groups): the ids of
-- the groups it saw and their results, in the same order.  It goes into
-- ooml.training_log with the mean objective and the largest gradient norm
-- over those groups.
CREATE FUNCTION ooml._run_groups_pass(pass_sql text, model_name text, pass int, t0 timestamptz,
                                      OUT gids int[], OUT results ooml.pass_result[])
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE pass_sql INTO gids, results;
    PERFORM ooml._log_pass(model_name, pass, (SELECT avg(x.loss) FROM unnest(results) x),
                           (SELECT max(x.grad_norm) FROM unnest(results) x), NULL, t0);
END
$$;

-- Grouped L-BFGS and gradient descent: the loops of ooml._train_glm cut at
-- each pass into a start (_begin: the next trial point, or the end) and a
-- step (_step: the pass's result at the trial point), so that one pass can
-- serve every group wherever its own line search stands.  The arithmetic
-- is the same, so a group's iterates are those of the group trained alone.
-- A group ends with status 'done' and beta its final coefficients; while
-- active, beta is the point the next pass evaluates.
CREATE FUNCTION ooml._descent_end(g ooml._group_state, with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the end of a descent: its last accepted point, in the features' units
    g.status := 'done';
    g.beta := ooml._from_std(g.gamma, g.mean, g.sd, with_intercept, p);
    RETURN g;
END
$$;

CREATE FUNCTION ooml._lbfgs_begin(g ooml._group_state, tol float8, passes int, max_passes int,
                                  lambda1 float8, with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    g.pg := ooml._pseudo_gradient(g.gamma, g.gval, g.l1g);
    IF ooml._norm_inf(g.pg) <= tol OR passes >= max_passes THEN
        g.converged := ooml._norm_inf(g.pg) <= tol;
        RETURN ooml._descent_end(g, with_intercept, p);
    END IF;
    g.d := ooml._lbfgs_direction(g.pg, g.hist_s, g.hist_y);
    IF lambda1 > 0 THEN
        g.d := ooml._orthant_constrain(g.d, g.pg);
    END IF;
    g.gd_slope := ooml._dot(g.pg, g.d);
    IF NOT (g.gd_slope < 0) THEN
        g.hist_s := '{}';
        g.hist_y := '{}';
        g.d := ooml._scale(-1, g.pg);
        g.gd_slope := ooml._dot(g.pg, g.d);
    END IF;
    g.alpha := CASE WHEN cardinality(g.hist_s) = 0 THEN 1 / greatest(1, ooml._norm_inf(g.pg)) ELSE 1 END;
    g.lo := 0;
    g.hi := 'Infinity';
    g.ls_evals := 0;
    RETURN ooml._lbfgs_trial(g, lambda1, with_intercept, p);
END
$$;

CREATE FUNCTION ooml._lbfgs_trial(g ooml._group_state, lambda1 float8, with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    g.gamma_new := ooml._axpy(g.alpha, g.d, g.gamma);
    IF lambda1 > 0 THEN
        g.gamma_new := ooml._orthant_project(g.gamma_new, g.gamma, g.pg);
    END IF;
    g.beta := ooml._from_std(g.gamma_new, g.mean, g.sd, with_intercept, p);
    RETURN g;
END
$$;

CREATE FUNCTION ooml._lbfgs_step(g ooml._group_state, r ooml.pass_result, tol float8, passes int, max_passes int,
                                 lambda1 float8, with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f_new   float8 := r.loss + ooml._weighted_l1(g.gamma_new, g.l1g);
    g_new   float8[] := ooml._grad_to_std(r.gradient, g.mean, g.sd, with_intercept, p);
    -- sufficient decrease (Armijo), along the projected step with l1
    decrease boolean := f_new <= g.f + 1e-4 * (CASE WHEN lambda1 > 0
                                                    THEN ooml._dot(g.pg, ooml._axpy(-1, g.gamma, g.gamma_new))
                                                    ELSE g.alpha * g.gd_slope END);
    s       float8[];
    sy      float8;
    np      int := cardinality(g.gamma);
BEGIN
    g.ls_evals := g.ls_evals + 1;
    IF NOT decrease OR (lambda1 = 0 AND ooml._dot(g_new, g.d) < 0.9 * g.gd_slope) THEN
        IF NOT decrease THEN
            g.hi := g.alpha;                                   -- too long
            g.alpha := (g.lo + g.hi) / 2;
        ELSE
            g.lo := g.alpha;                                   -- too short
            g.alpha := CASE WHEN g.hi = 'Infinity' THEN 2 * g.alpha ELSE (g.lo + g.hi) / 2 END;
        END IF;
        -- five trials without a sufficient decrease, and the objective
        -- moves by no more than the rounding of its sum over the rows (a few
        -- dozen ulps): no step can improve it measurably, the minimum
        IF g.ls_evals >= 5 AND abs(f_new - g.f) <= 1e-14 * abs(g.f) THEN
            g.converged := true;
            RETURN ooml._descent_end(g, with_intercept, p);
        END IF;
        IF passes >= max_passes OR g.ls_evals >= 30 THEN
            IF NOT (f_new < g.f) THEN
                RETURN ooml._descent_end(g, with_intercept, p);
            END IF;
            -- (the last trial decreased the objective: take it)
        ELSE
            RETURN ooml._lbfgs_trial(g, lambda1, with_intercept, p);
        END IF;
    END IF;
    -- the step is taken
    s := ooml._axpy(-1, g.gamma, g.gamma_new);
    sy := ooml._dot(s, ooml._axpy(-1, g.gval, g_new));
    IF sy > 1e-16 * ooml._dot(s, s) THEN
        g.hist_s := g.hist_s || s;
        g.hist_y := g.hist_y || ooml._axpy(-1, g.gval, g_new);
        IF cardinality(g.hist_s) > 10 * np THEN
            g.hist_s := g.hist_s[np + 1:];
            g.hist_y := g.hist_y[np + 1:];
        END IF;
    END IF;
    g.gamma := g.gamma_new;
    g.gval := g_new;
    g.f := f_new;
    RETURN ooml._lbfgs_begin(g, tol, passes, max_passes, lambda1, with_intercept, p);
END
$$;

CREATE FUNCTION ooml._gd_begin(g ooml._group_state, tol float8, passes int, max_passes int,
                               with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF ooml._norm_inf(ooml._axpy(-1, ooml._prox_l1(ooml._axpy(-g.alpha, g.gval, g.gamma), ooml._scale(g.alpha, g.l1g)),
                                 g.gamma)) / g.alpha <= tol THEN
        g.converged := true;
        RETURN ooml._descent_end(g, with_intercept, p);
    ELSIF passes >= max_passes THEN
        RETURN ooml._descent_end(g, with_intercept, p);
    END IF;
    RETURN ooml._gd_trial(g, with_intercept, p);
END
$$;

CREATE FUNCTION ooml._gd_trial(g ooml._group_state, with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    g.gamma_new := ooml._prox_l1(ooml._axpy(-g.alpha, g.gval, g.gamma), ooml._scale(g.alpha, g.l1g));
    g.beta := ooml._from_std(g.gamma_new, g.mean, g.sd, with_intercept, p);
    RETURN g;
END
$$;

CREATE FUNCTION ooml._gd_step(g ooml._group_state, r ooml.pass_result, tol float8, passes int, max_passes int,
                              with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s       float8[] := ooml._axpy(-1, g.gamma, g.gamma_new);
    f_new   float8 := r.loss + ooml._weighted_l1(g.gamma_new, g.l1g);
    g_new   float8[];
    sy      float8;
BEGIN
    IF NOT (f_new <= (SELECT max(v) FROM unnest(g.fwin) v) - 0.5e-4 / g.alpha * ooml._dot(s, s)) THEN
        IF abs(f_new - g.f) <= 4e-16 * abs(g.f) AND g.alpha < 1e-6 THEN
            g.converged := true;        -- flat to machine precision: the minimum
            RETURN ooml._descent_end(g, with_intercept, p);
        ELSIF passes >= max_passes OR g.alpha < 1e-20 THEN
            RETURN ooml._descent_end(g, with_intercept, p);
        END IF;
        g.alpha := g.alpha / 4;
        RETURN ooml._gd_trial(g, with_intercept, p);
    END IF;
    -- the step is taken: Barzilai-Borwein's next step
    g_new := ooml._grad_to_std(r.gradient, g.mean, g.sd, with_intercept, p);
    sy := ooml._dot(s, ooml._axpy(-1, g.gval, g_new));
    g.alpha := CASE WHEN sy > 0 THEN least(greatest(ooml._dot(s, s) / sy, 1e-10), 1e10)
                    ELSE least(g.alpha * 2, 1e10) END;
    g.gamma := g.gamma_new;
    g.gval := g_new;
    g.f := f_new;
    g.fwin := (g.fwin || f_new)[greatest(1, cardinality(g.fwin) - 8):];
    RETURN ooml._gd_begin(g, tol, passes, max_passes, with_intercept, p);
END
$$;

-- The optimizers' state, for one model: the start.
CREATE FUNCTION ooml._group_start(gid int, beta float8[], pw float8[], lr float8, fam text, fam_key text,
                                  np int, classes text[] DEFAULT NULL)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g ooml._group_state;
BEGIN
    g.gid := gid;
    g.status := 'active';
    g.beta := beta;
    g.step := 1;
    g.passes := 0;
    g.converged := false;
    g.pw := pw;
    g.lr := lr;
    g.fam := fam;
    g.fam_key := fam_key;
    g.np := np;
    g.classes := classes;
    RETURN g;
END
$$;

-- Does the objective f at a Newton (or proximal Newton) point fail to
-- decrease enough from the last accepted point (Armijo's condition)?
CREATE FUNCTION ooml._armijo_rejects(g ooml._group_state, f float8) RETURNS boolean
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT g.prev_loss IS NOT NULL AND NOT (f <= g.prev_loss - 1e-4 * g.step * g.prev_dec)
$$;

-- A (proximal) Newton step the objective rejected: half of it from the
-- last accepted point, or the end at that point.
CREATE FUNCTION ooml._backtrack(g ooml._group_state, passes int, max_passes int) RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF passes >= max_passes OR g.step < 1e-10 THEN
        g.beta := g.prev_beta;
        g.status := 'done';
    ELSE
        g.step := g.step / 2;
        g.beta := ooml._axpy(g.step, g.prev_dir, g.prev_beta);
    END IF;
    RETURN g;
END
$$;

-- The start of gradient descent or L-BFGS from the pass result r at g.beta:
-- the coordinates of standardized features, then the first trial point.
CREATE FUNCTION ooml._descent_init(g ooml._group_state, r ooml.pass_result, opt text, tol float8, passes int,
                                   max_passes int, lambda1 float8, with_intercept boolean, p int)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    g.l1g := ooml._div(ARRAY(SELECT lambda1 * sqrt(w) FROM unnest(g.pw) w),
                       ooml._std_scales(g.mean, g.sd, with_intercept, p));
    g.gamma := ooml._to_std(g.beta, g.mean, g.sd, with_intercept, p);
    g.gval := ooml._grad_to_std(r.gradient, g.mean, g.sd, with_intercept, p);
    g.f := r.loss + ooml._weighted_l1(g.gamma, g.l1g);
    g.hist_s := '{}';
    g.hist_y := '{}';
    g.fwin := ARRAY[g.f];
    g.alpha := 1;
    RETURN CASE opt WHEN 'lbfgs' THEN ooml._lbfgs_begin(g, tol, passes, max_passes, lambda1, with_intercept, p)
                    ELSE ooml._gd_begin(g, tol, passes, max_passes, with_intercept, p) END;
END
$$;

-- One step of an optimizer from the result r of the pass at g.beta: the
-- next point to evaluate (g.beta), or the end (g.status 'done', g.beta
-- the model, g.converged).  Both drivers, ooml._train_glm and
-- ooml._train_groups, step every optimizer with it; its errors (a check of
-- the data, a singular Hessian, divergence) end the training, or the group.
CREATE FUNCTION ooml._opt_step(g ooml._group_state, r ooml.pass_result, opt text, tol float8, passes int,
                               max_passes int, lambda1 float8, lambda2 float8, with_intercept boolean,
                               p int, terms text[], rel regclass, target_col text, lnk text)
RETURNS ooml._group_state
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    l1w     float8[];
    b       float8[];
    d       float8[];
    dec     float8;
BEGIN
    IF opt IN ('gd', 'lbfgs') THEN
        RETURN CASE opt WHEN 'lbfgs' THEN ooml._lbfgs_step(g, r, tol, passes, max_passes, lambda1, with_intercept, p)
                        ELSE ooml._gd_step(g, r, tol, passes, max_passes, with_intercept, p) END;
    END IF;

    IF opt = 'sgd' THEN
        -- one epoch; the objective at beta = 0 (first_loss) tells divergence
        IF r.loss IS NULL OR r.loss::text IN ('NaN', 'Infinity')
           OR r.loss > 100 * greatest(g.first_loss, 1e-3)
           OR ooml._norm_inf(r.solution)::text IN ('NaN', 'Infinity') THEN
            RAISE EXCEPTION 'stochastic gradient descent diverged: the loss is % after % passes',
                            trim(to_char(r.loss, '9.9EEEE')), passes
                USING ERRCODE = 'data_exception',
                      HINT = format('Use a smaller learning_rate (it was %s).', g.lr);
        END IF;
        g.beta := r.solution;
        g.ada := r.adagrad;
        IF g.prev_loss IS NOT NULL AND abs(r.loss - g.prev_loss) <= tol * greatest(1, abs(r.loss)) THEN
            g.converged := true;
            g.status := 'done';
        ELSIF passes >= max_passes THEN
            g.status := 'done';
        END IF;
        g.prev_loss := r.loss;
        RETURN g;
    END IF;

    IF g.prev_loss IS NULL THEN
        PERFORM ooml._check_first_pass(r, rel, target_col, g.fam, g.np, lambda2);
    END IF;

    IF lambda1 > 0 THEN
        -- proximal Newton: coordinate descent minimizes the pass's quadratic
        -- model with the l1 term exactly (glmnet's scheme); for least
        -- squares one pass solves it
        l1w := ARRAY(SELECT lambda1 * sqrt(w) FROM unnest(g.pw) w);
        g.f := r.loss + ooml._weighted_l1(g.beta, l1w);
        IF ooml._armijo_rejects(g, g.f) THEN
            RETURN ooml._backtrack(g, passes, max_passes);
        END IF;
        b := ooml._cd_quadratic(r.hessian, r.gradient, g.beta, l1w, 1e-13, 1000000);
        d := ooml._axpy(-1, g.beta, b);
        dec := ooml._dot(r.gradient, d) + ooml._weighted_l1(b, l1w) - ooml._weighted_l1(g.beta, l1w);
        IF (g.fam = 'gaussian' AND lnk = 'identity') OR -dec <= tol THEN
            -- a quadratic is minimized by its model; otherwise the step is negligible
            g.beta := b;
            g.converged := true;
            g.status := 'done';
        ELSIF passes >= max_passes THEN
            g.status := 'done';
        ELSE
            g.prev_beta := g.beta;
            g.prev_loss := g.f;
            g.prev_dir := d;
            g.prev_dec := -dec;
            g.step := 1;
            g.beta := b;
        END IF;
        RETURN g;
    END IF;

    IF opt IN ('qr', 'normal') THEN
        -- least squares in one pass: the pass's final function solved it
        IF r.rank < g.np THEN
            PERFORM ooml._singular(r, ooml._class_terms(terms, g.classes, g.fam), g.fam, lambda2);
        END IF;
        g.beta := r.solution;
        g.converged := true;
        g.status := 'done';
        RETURN g;
    END IF;

    -- Newton/IRLS: backtrack when the full step did not decrease the
    -- objective enough
    IF g.prev_loss IS NULL AND (r.loss IS NULL OR r.loss::text IN ('NaN', 'Infinity')) THEN
        RAISE EXCEPTION 'the % link cannot start from these coefficients: a fitted mean is outside the % family''s range', lnk, g.fam
            USING ERRCODE = 'data_exception',
                  HINT = 'Fit with an intercept, or choose another link.';
    END IF;
    IF ooml._armijo_rejects(g, r.loss) THEN
        RETURN ooml._backtrack(g, passes, max_passes);
    END IF;
    IF r.rank < g.np THEN
        PERFORM ooml._singular(r, ooml._class_terms(terms, g.classes, g.fam), g.fam, lambda2);
    END IF;
    -- converged: the predicted decrease is below the tolerance, or (linear
    -- convergence) steps no longer change the objective measurably and the
    -- predicted decrease is negligible
    IF r.decrement / 2 <= tol
       OR (g.prev_loss IS NOT NULL AND abs(g.prev_loss - r.loss) <= 4e-16 * abs(r.loss)
           AND r.decrement / 2 <= 1e-14) THEN
        g.converged := true;
        g.status := 'done';
        g.beta := ooml._axpy(1, r.direction, g.beta);
    ELSIF passes >= max_passes THEN
        g.status := 'done';
    ELSE
        g.prev_beta := g.beta;
        g.prev_loss := r.loss;
        g.prev_dir := r.direction;
        g.prev_dec := r.decrement;
        g.step := 1;
        g.beta := ooml._axpy(1, r.direction, g.beta);
    END IF;
    RETURN g;
END
$$;

-- The pass kind each optimizer needs.
CREATE FUNCTION ooml._opt_kind(opt text, lambda1 float8) RETURNS text
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN opt IN ('gd', 'lbfgs') THEN 'gradient'
                WHEN opt = 'sgd' THEN 'sgd'
                WHEN opt = 'qr' AND lambda1 = 0 THEN 'qr'
                ELSE 'newton' END
$$;

-- Penalty weights: 0 for the intercept of each block of p coefficients
-- (one block, or one per class after the first), 1 for the others.
CREATE FUNCTION ooml._penalty_weights(np int, p int, with_intercept boolean) RETURNS float8[]
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(SELECT CASE WHEN with_intercept AND (i - 1) % p = 0 THEN 0 ELSE 1 END::float8
                   FROM generate_series(1, np) i)
$$;

-- With standardize: sd_j^2, so that the penalty is that of standardized
-- features (1 for a constant column; 0 for the intercepts).
CREATE FUNCTION ooml._std_penalty_weights(sd float8[], with_intercept boolean, p int) RETURNS float8[]
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(SELECT CASE WHEN with_intercept AND (i - 1) % p = 0 THEN 0
                             WHEN sd[i] > 0 THEN sd[i] * sd[i] ELSE 1 END
                   FROM generate_series(1, cardinality(sd)) i)
$$;

-- A GLM starts from the intercept-only fit, mu = mean(y) (R starts from
-- y): the intercept is the link of the mean.
CREATE FUNCTION ooml._glm_start(lnk text, ybar float8) RETURNS float8
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE lnk WHEN 'log' THEN ln(ybar) WHEN 'identity' THEN ybar
                    WHEN 'inverse' THEN 1 / ybar WHEN '1/mu^2' THEN 1 / (ybar * ybar)
                    WHEN 'sqrt' THEN sqrt(ybar) WHEN 'probit' THEN ooml._normal_quantile(ybar)
                    WHEN 'cloglog' THEN ln(-ln(1 - ybar)) ELSE 0 END
$$;

-- A multinomial model starts from the intercept-only fit: each class's
-- intercept is the log of its weight over the reference class's.
CREATE FUNCTION ooml._multinomial_start(class_w float8[], p int, with_intercept boolean) RETURNS float8[]
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY(SELECT CASE WHEN with_intercept AND (i - 1) % p = 0
                             THEN ln(class_w[2 + (i - 1) / p] / class_w[1]) ELSE 0 END::float8
                   FROM generate_series(1, p * (cardinality(class_w) - 1)) i)
$$;

-- SGD's default learning rate: a first AdaGrad step (lr per coordinate)
-- then moves a typical prediction by about 1, whatever the number and
-- scale of the features: 1 / the sum of the columns' root mean squares
-- (of one block of p: the blocks of a multinomial model repeat it).
CREATE FUNCTION ooml._sgd_rate(mean float8[], sd float8[], p int) RETURNS float8
LANGUAGE sql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 1 / greatest((SELECT sum(sqrt(m * m + v * v)) FROM unnest(mean[1:p], sd[1:p]) AS u(m, v)), 1e-12)
$$;
