-- ooml extension script, assembled from src/sql/*.sql in file-name order.
\echo Use "CREATE EXTENSION ooml" to load this file. \quit

--
-- The aggregate state type.  Its text form is the base64 of its binary
-- form; both input functions validate every byte.
--
CREATE TYPE ooml.state;

CREATE FUNCTION ooml.state_in(cstring) RETURNS ooml.state
    AS 'MODULE_PATHNAME', 'ooml_state_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml.state_out(ooml.state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'ooml_state_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml.state_recv(internal) RETURNS ooml.state
    AS 'MODULE_PATHNAME', 'ooml_state_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ooml.state_send(ooml.state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'ooml_state_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE ooml.state (
    INPUT = ooml.state_in,
    OUTPUT = ooml.state_out,
    RECEIVE = ooml.state_recv,
    SEND = ooml.state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE ooml.state IS 'state of an ooml training pass (weights, dimensions, sums)';

-- What the final function of a pass returns.
CREATE TYPE ooml.pass_result AS (
    n_rows              bigint,     -- rows used
    n_skipped           bigint,     -- rows skipped for a NULL
    n_boundary          bigint,     -- rows fitted on the family's boundary
    sum_w               float8,     -- sum of the row weights
    sum_y               float8,     -- sum of w * y
    sum_yy              float8,     -- sum of w * y^2
    loss                float8,     -- mean loss + l2/2 |beta|^2 (intercept excluded)
    log_likelihood      float8,
    null_log_likelihood float8,     -- of the intercept-only model
    gradient            float8[],   -- of loss
    grad_norm           float8,     -- max |gradient|
    direction           float8[],   -- Newton direction -H^-1 gradient
    decrement           float8,     -- -gradient . direction
    rank                int,        -- numerical rank of the Hessian
    aliased             int[],      -- 1-based indexes of aliased coefficients
    std_err             float8[],
    condition_number    float8,     -- of X'WX
    col_mean            float8[],   -- column means (moments passes)
    col_sd              float8[],   -- column standard deviations
    rss                 float8,     -- residual sum of squares (least squares)
    tss                 float8,     -- total sum of squares, about the mean with an intercept
    solution            float8[],   -- the minimizer, for passes that solve (qr; newton with solve; sgd)
    hessian             float8[],   -- the penalized mean Hessian, p * p (newton with hessian)
    adagrad             float8[],   -- AdaGrad's sums of squared gradients (sgd)
    deviance            float8,     -- 2 * the sum of w * loss (unpenalized)
    null_deviance       float8,     -- of the intercept-only model
    pearson             float8      -- Pearson's chi^2 (statistics passes)
);

-- What a training function returns.
CREATE TYPE ooml.train_result AS (
    model           text,
    iterations      int,
    converged       boolean,
    log_likelihood  float8,
    n_rows          bigint,
    n_skipped       bigint,
    seconds         float8
);

-- The grouped driver's per-group optimizer state (internal).
CREATE TYPE ooml._group_state AS (
    gid         int,
    status      text,           -- 'active', 'done', 'failed'
    message     text,           -- why it failed
    beta        float8[],
    prev_beta   float8[],
    prev_dir    float8[],
    prev_loss   float8,
    prev_dec    float8,
    step        float8,
    passes      int,
    converged   boolean,
    pw          float8[],
    lr          float8,
    ada         float8[],
    first_loss  float8,
    r           ooml.pass_result,
    fam         text,           -- the group's family (multinomial: binomial
    fam_key     text,           -- for a group of two labels), with its link
    np          int,            -- its number of coefficients
    classes     text[],         -- multinomial: the group's own labels
    class_w     float8[],       -- and the weight of their rows
    -- gradient descent and L-BFGS, in standardized coordinates
    mean        float8[],
    sd          float8[],
    l1g         float8[],       -- the l1 weights in those coordinates
    gamma       float8[],       -- the current point
    gval        float8[],       -- the gradient there
    f           float8,         -- the objective there
    gamma_new   float8[],       -- the point the next pass evaluates
    d           float8[],       -- L-BFGS: the direction, pseudo-gradient,
    pg          float8[],       -- slope and line-search bracket
    gd_slope    float8,
    lo          float8,
    hi          float8,
    ls_evals    int,
    hist_s      float8[],       -- L-BFGS: the stored pairs
    hist_y      float8[],
    fwin        float8[],       -- gradient descent: the recent objectives
    alpha       float8          -- the step
);
