-- Helpers of test/bench/bench.sh, loaded into the benchmark database.
CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.median(v float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$ SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v) x $$;

-- Median wall time (ms) of a statement run reps times, measured in the server.
CREATE OR REPLACE FUNCTION bench.ms(q text, reps int DEFAULT 5) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    ts float8[] := '{}';
BEGIN
    EXECUTE q;      -- warm up: caches, the library, the buffer ring
    FOR i IN 1 .. reps LOOP
        t0 := clock_timestamp();
        EXECUTE q;
        ts := ts || extract(epoch FROM clock_timestamp() - t0) * 1000;
    END LOOP;
    RETURN bench.median(ts);
END $$;

-- Median wall times (ms) of two statements, {a, b}, run alternately (reps
-- pairs, after one pair to warm up, each pair in the other order than the
-- last), so that the machine's drift between runs weighs on both alike:
-- for a pass and its floor, or a pass with and without workers, whose
-- ratio is a target.  workers_a and workers_b, if given, are the
-- max_parallel_workers_per_gather of each statement's runs.
CREATE OR REPLACE FUNCTION bench.ms_alternate(a text, b text, reps int DEFAULT 5,
                                              workers_a int DEFAULT NULL, workers_b int DEFAULT NULL)
RETURNS float8[]
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    t float8;
    ta float8[] := '{}';
    tb float8[] := '{}';
    run_a bool;
    w int;
BEGIN
    FOR i IN 0 .. reps LOOP
        FOR k IN 0 .. 1 LOOP
            run_a := (i + k) % 2 = 0;
            w := CASE WHEN run_a THEN workers_a ELSE workers_b END;
            IF w IS NOT NULL THEN
                PERFORM set_config('max_parallel_workers_per_gather', w::text, true);
            END IF;
            t0 := clock_timestamp();
            EXECUTE CASE WHEN run_a THEN a ELSE b END;
            t := extract(epoch FROM clock_timestamp() - t0) * 1000;
            IF i = 0 THEN
                CONTINUE;
            ELSIF run_a THEN
                ta := ta || t;
            ELSE
                tb := tb || t;
            END IF;
        END LOOP;
    END LOOP;
    RETURN ARRAY[bench.median(ta), bench.median(tb)];
END $$;

-- Median wall times (ms) of a statement with 0 and with `workers` parallel
-- workers allowed, {serial, parallel}, run alternately.
CREATE OR REPLACE FUNCTION bench.ms_workers(q text, reps int DEFAULT 5, workers int DEFAULT 2) RETURNS float8[]
LANGUAGE sql AS $$ SELECT bench.ms_alternate(q, q, reps, 0, workers) $$;

-- Data from a known logistic model: x_j uniform on [-1, 1], true weights
-- beta_0 = 0.25, beta_j = ((j % 5) - 2) / 2, y ~ Bernoulli(sigmoid(beta'x)).
-- Two layouts: one float8[] column (t_arr), d separate columns (t_col).
CREATE OR REPLACE FUNCTION bench.generate(n bigint, d int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    cols text;
BEGIN
    PERFORM setseed(0.42);
    DROP TABLE IF EXISTS bench.t_arr, bench.t_col;
    CREATE TABLE bench.t_arr (id bigint, x float8[], y boolean, yl float8);
    INSERT INTO bench.t_arr
    SELECT i, x, random() < 1 / (1 + exp(-eta)), eta + (random() - 0.5)
      FROM (SELECT i, x, 0.25 + (SELECT sum(x[j] * ((j % 5) - 2) / 2.0) FROM generate_series(1, d) j) AS eta
              FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, d) WHERE i > 0) AS x
                      FROM generate_series(1, n) i) a) b;
    SELECT string_agg(format('x[%s] AS c%s', j, j), ', ') INTO cols FROM generate_series(1, d) j;
    EXECUTE format('CREATE TABLE bench.t_col AS SELECT id, %s, y, yl FROM bench.t_arr', cols);
END $$;

-- The pass query of a kind over a layout, with its seed.
CREATE OR REPLACE FUNCTION bench.pass_sql(kind text, layout text, d int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    fam text := CASE kind WHEN 'qr' THEN 'gaussian' ELSE 'binomial' END;
    target text := CASE kind WHEN 'qr' THEN 'yl' ELSE 'y' END;
    widths text;
    names text;
    args text;
BEGIN
    IF layout = 'arr' THEN
        widths := format('ARRAY[%s]', d);
        names := format('ARRAY[%L, ''x'']', target);
        args := 'x';
    ELSE
        widths := format('array_fill(1, ARRAY[%s])', d);
        SELECT format('ARRAY[%L, %s]', target, string_agg(format('%L', 'c' || j), ', ')),
               string_agg('c' || j, ', ')
          INTO names, args FROM generate_series(1, d) j;
    END IF;
    RETURN format('SELECT (r).loss FROM (SELECT ooml.pass(ooml.make_state(%L, %L, true, array_fill(0::float8, ARRAY[%s]), %s, %s%s), %s, %s) AS r FROM bench.t_%s) s',
                  kind, fam, d + 1, widths, names,
                  CASE kind WHEN 'qr' THEN ', refine => true'
                            WHEN 'sgd' THEN ', l2 => 0.0001, learning_rate => 0.1' ELSE '' END,
                  target, args, layout);
END $$;

-- A float8[]-only table of the same model with d features (for the
-- optimizer comparison).
CREATE OR REPLACE FUNCTION bench.generate_arr(name text, n bigint, d int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM setseed(0.24);
    EXECUTE format('DROP TABLE IF EXISTS bench.%I', name);
    EXECUTE format($q$
        CREATE TABLE bench.%I AS
        SELECT i AS id, x, random() < 1 / (1 + exp(-eta)) AS y
          FROM (SELECT i, x, 0.25 + (SELECT sum(x[j] * ((j %% 5) - 2) / 2.0) FROM generate_series(1, %s) j) AS eta
                  FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, %s) WHERE i > 0) AS x
                          FROM generate_series(1, %s) i) a) b$q$, name, d, d, n);
END $$;
