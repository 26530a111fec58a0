--
-- The model catalog.  One row per model; the per-pass history of its
-- training in ooml.training_log.  Both are dumped by pg_dump.
--
CREATE TABLE ooml.models (
    name            text PRIMARY KEY CHECK (name <> ''),
    owner           name NOT NULL DEFAULT current_user,
    algorithm       text NOT NULL,      -- 'logreg', 'linreg'
    family          text NOT NULL,      -- 'binomial', 'gaussian'
    link            text NOT NULL,      -- 'logit', 'identity'
    optimizer       text NOT NULL,
    relation        text NOT NULL,      -- the relation trained on, qualified
    target          text NOT NULL,
    features        text[] NOT NULL,    -- feature columns
    feature_dims    int[] NOT NULL,     -- 0 for a scalar column, k for an array of k
    terms           text[] NOT NULL,    -- '(intercept)', then one per coefficient
    intercept       boolean NOT NULL,
    coef            float8[] NOT NULL,  -- aligned with terms (multinomial: terms
                                        -- of classes[2], then of classes[3], ...)
    classes         text[],             -- a classifier's labels as text, in their type's
                                        -- order: the negative (reference) class first
    std_err         float8[],           -- aligned with terms
    iterations      int NOT NULL DEFAULT 0,
    converged       boolean NOT NULL DEFAULT false,
    n_rows          bigint,
    n_skipped       bigint,
    log_likelihood  float8,
    stats           jsonb NOT NULL DEFAULT '{}',
    options         jsonb NOT NULL DEFAULT '{}',
    trained_at      timestamptz NOT NULL DEFAULT now(),
    group_by        text[],             -- grouped: the group columns (models in ooml.model_groups)
    -- a multinomial model has one block of terms per class after the first
    CHECK (group_by IS NOT NULL OR cardinality(coef) = cardinality(terms) *
           CASE WHEN family = 'multinomial' THEN cardinality(classes) - 1 ELSE 1 END),
    CHECK (cardinality(features) = cardinality(feature_dims))
);
COMMENT ON TABLE ooml.models IS 'ooml models: one row per trained model';

CREATE TABLE ooml.training_log (
    model       text NOT NULL REFERENCES ooml.models (name)
                    ON DELETE CASCADE ON UPDATE CASCADE,
    iteration   int NOT NULL,       -- pass number
    loss        float8,             -- objective at the pass's weights
    grad_norm   float8,             -- max |gradient| of the objective
    step        float8,             -- step length taken to reach these weights
    seconds     float8,             -- since the training started
    PRIMARY KEY (model, iteration)
);
COMMENT ON TABLE ooml.training_log IS 'ooml training history: one row per pass';

-- A grouped model (trained with group_by): one model per group.
CREATE TABLE ooml.model_groups (
    model           text NOT NULL REFERENCES ooml.models (name)
                        ON DELETE CASCADE ON UPDATE CASCADE,
    group_no        int NOT NULL,       -- 1, 2, ... in the sort order of the group values
    group_key       jsonb NOT NULL,     -- {"column": value, ...}
    group_values    text[] NOT NULL,    -- the values as text, in the order of models.group_by
    status          text NOT NULL CHECK (status IN ('trained', 'failed')),
    message         text,               -- why the group failed
    classes         text[],             -- a multinomial model's group: its own labels
    coef            float8[],           -- aligned with models.terms (multinomial: a block
                                        -- per class after the group's first)
    std_err         float8[],
    iterations      int NOT NULL DEFAULT 0,
    converged       boolean NOT NULL DEFAULT false,
    n_rows          bigint,
    n_skipped       bigint,
    log_likelihood  float8,
    stats           jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (model, group_values),
    CHECK (status = 'failed' OR coef IS NOT NULL)
);
COMMENT ON TABLE ooml.model_groups IS 'ooml grouped models: one row per group';

SELECT pg_catalog.pg_extension_config_dump('ooml.models', '');
SELECT pg_catalog.pg_extension_config_dump('ooml.model_groups', '');
SELECT pg_catalog.pg_extension_config_dump('ooml.training_log', '');

-- Every role may use ooml; a model belongs to the role that trained it and
-- to the roles that are members of that role.
GRANT USAGE ON SCHEMA ooml TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON ooml.models, ooml.training_log, ooml.model_groups TO PUBLIC;

ALTER TABLE ooml.models ENABLE ROW LEVEL SECURITY;
CREATE POLICY models_owner ON ooml.models
    USING (pg_catalog.pg_has_role(current_user, owner, 'MEMBER'))
    WITH CHECK (pg_catalog.pg_has_role(current_user, owner, 'MEMBER'));

ALTER TABLE ooml.training_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY training_log_owner ON ooml.training_log
    USING (EXISTS (SELECT 1 FROM ooml.models m WHERE m.name OPERATOR(pg_catalog.=) model));

ALTER TABLE ooml.model_groups ENABLE ROW LEVEL SECURITY;
CREATE POLICY model_groups_owner ON ooml.model_groups
    USING (EXISTS (SELECT 1 FROM ooml.models m WHERE m.name OPERATOR(pg_catalog.=) model));
