--
-- The training aggregate.  One call of ooml.pass over a relation is one
-- pass over the data.
--
CREATE FUNCTION ooml.make_state(
    kind text, family text, intercept boolean, coef float8[], widths int[],
    names text[], l2 float8 DEFAULT 0, moments boolean DEFAULT false,
    stats boolean DEFAULT false, refine boolean DEFAULT false, solve boolean DEFAULT false,
    penalty_weights float8[] DEFAULT NULL, l1 float8 DEFAULT 0, learning_rate float8 DEFAULT NULL,
    adagrad float8[] DEFAULT NULL, weights boolean DEFAULT false, hessian boolean DEFAULT false,
    "offset" boolean DEFAULT false)
RETURNS ooml.state
    AS 'MODULE_PATHNAME', 'ooml_make_state'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ooml.make_state IS 'seed state of a pass: weights to evaluate and shape of the rows';

CREATE FUNCTION ooml.pass_transfn(ooml.state, ooml.state, VARIADIC "any")
RETURNS ooml.state
    AS 'MODULE_PATHNAME', 'ooml_pass_transfn'
    LANGUAGE C PARALLEL SAFE;

CREATE FUNCTION ooml.state_combine(ooml.state, ooml.state)
RETURNS ooml.state
    AS 'MODULE_PATHNAME', 'ooml_pass_combine'
    LANGUAGE C STRICT PARALLEL SAFE;

CREATE FUNCTION ooml.pass_result(ooml.state)
RETURNS ooml.pass_result
    AS 'MODULE_PATHNAME', 'ooml_pass_final'
    LANGUAGE C STRICT PARALLEL SAFE;

-- ooml.pass(seed, target, feature, ...): one pass, evaluated
CREATE AGGREGATE ooml.pass(ooml.state, VARIADIC "any") (
    SFUNC = ooml.pass_transfn,
    STYPE = ooml.state,
    COMBINEFUNC = ooml.state_combine,
    FINALFUNC = ooml.pass_result,
    PARALLEL = SAFE
);

-- ooml.pass_state(seed, target, feature, ...): the same pass, returning the
-- raw state (to move between nodes and combine with ooml.state_combine)
CREATE AGGREGATE ooml.pass_state(ooml.state, VARIADIC "any") (
    SFUNC = ooml.pass_transfn,
    STYPE = ooml.state,
    COMBINEFUNC = ooml.state_combine,
    PARALLEL = SAFE
);

-- Helpers of the driver (internal).
CREATE FUNCTION ooml._axpy(a float8, x float8[], y float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_axpy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._dot(x float8[], y float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_vec_dot' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._to_std(coef float8[], mean float8[], sd float8[], intercept boolean, block int DEFAULT 0) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_to_std' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._from_std(gamma float8[], mean float8[], sd float8[], intercept boolean, block int DEFAULT 0) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_from_std' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._grad_to_std(grad float8[], mean float8[], sd float8[], intercept boolean, block int DEFAULT 0) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_grad_to_std' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._family_link(family text) RETURNS text
    AS 'MODULE_PATHNAME', 'ooml_family_link' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._std_scales(mean float8[], sd float8[], intercept boolean, block int DEFAULT 0) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_std_scales' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._arg_kind(regtype) RETURNS text
    AS 'MODULE_PATHNAME', 'ooml_arg_kind' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._state_fits(kind text, ncoef int) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ooml_state_fits' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._state_bytes(kind text, ncoef int) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ooml_state_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ooml._lbfgs_direction(g float8[], s float8[], y float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_lbfgs_direction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._pseudo_gradient(x float8[], g float8[], w float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_pseudo_gradient' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._orthant_constrain(d float8[], pg float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_orthant_constrain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._orthant_project(xnew float8[], x float8[], pg float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_orthant_project' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._prox_l1(v float8[], t float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_prox_l1' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._weighted_l1(x float8[], w float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_weighted_l1' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._cd_quadratic(h float8[], g float8[], beta float8[], l1w float8[], tol float8, max_sweeps int)
RETURNS float8[]
    AS 'MODULE_PATHNAME', 'ooml_cd_quadratic' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml._scale(a float8, x float8[]) RETURNS float8[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$ SELECT ooml._axpy(a, x, array_fill(0::float8, ARRAY[cardinality(x)])) $$;

CREATE FUNCTION ooml._f_p_value(f float8, df1 float8, df2 float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_f_p_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ooml.p_value(statistic float8, df float8 DEFAULT NULL) RETURNS float8
    AS 'MODULE_PATHNAME', 'ooml_p_value' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ooml.p_value IS 'two-sided p-value: Student t with df degrees of freedom, normal when df is NULL';
