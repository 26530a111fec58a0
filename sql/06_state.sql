--
-- The aggregate state type: round trips, validation of foreign bytes,
-- combining, and the pass aggregate called directly.
--
CREATE TABLE st AS
SELECT ooml.pass_state(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[],
                                       ARRAY[1, 1], ARRAY['am', 'hp', 'wt']),
                       am, hp, wt) AS s
  FROM mtcars;
-- text and binary round trips are exact
SELECT s::text::ooml.state::text = s::text AS text_round_trip FROM st;
-- binary round trip through COPY's binary format (send and receive)
\copy st TO '/tmp/ooml_regress_state.bin' (FORMAT binary)
CREATE TABLE st2 (s ooml.state);
\copy st2 FROM '/tmp/ooml_regress_state.bin' (FORMAT binary)
SELECT st2.s::text = st.s::text AS binary_round_trip FROM st, st2;
SELECT (ooml.pass_result(s)).n_rows, round((ooml.pass_result(s)).loss::numeric, 10) AS loss FROM st;
-- A Newton state buffers 64 rows under hashed aggregation (grouped
-- training: a state per group in memory at once), and up to 1,024 rows
-- otherwise, so as to call BLAS in bursts and fold the rows into the
-- Hessian in fewer, larger blocks.  The latter leaves the aggregate packed:
-- its last rows computed, without its buffer.  Both give the same pass.
SET enable_sort = off;
CREATE TABLE st_hashed AS
SELECT ooml.pass_state(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[],
                                       ARRAY[1, 1], ARRAY['am', 'hp', 'wt']),
                       am, hp, wt) AS s
  FROM mtcars GROUP BY am IS NOT NULL;
RESET enable_sort;
SELECT length(ooml.state_send(h.s)) AS hashed_bytes, length(ooml.state_send(st.s)) AS plain_bytes
  FROM st_hashed h, st;
SELECT h.s::text::ooml.state::text = h.s::text AS hashed_text_round_trip,
       (SELECT max(abs(u - v)) FROM unnest((ooml.pass_result(h.s)).direction, (ooml.pass_result(st.s)).direction) AS t(u, v)) < 1e-12 AS same_direction,
       abs((ooml.pass_result(h.s)).loss - (ooml.pass_result(st.s)).loss) < 1e-12 AS same_loss
  FROM st_hashed h, st;
-- the state of half the rows combined with the other half equals the whole
WITH a AS (SELECT ooml.pass_state(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[],
                                                  ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt) AS s
             FROM mtcars WHERE mpg < 20),
     b AS (SELECT ooml.pass_state(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[],
                                                  ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt) AS s
             FROM mtcars WHERE mpg >= 20)
SELECT max(abs(u.x - v.x) / abs(v.x)) < 1e-12 AS combine_matches
  FROM a, b,
       unnest((ooml.pass_result(ooml.state_combine(a.s, b.s))).direction) WITH ORDINALITY AS u(x, i)
  JOIN unnest((SELECT (ooml.pass_result(s)).direction FROM st)) WITH ORDINALITY AS v(x, i) USING (i);
-- and so does a packed state combined with one that still buffers rows
SET enable_sort = off;
WITH a AS (SELECT ooml.pass_state(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[],
                                                  ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt) AS s
             FROM mtcars WHERE mpg < 20),
     b AS (SELECT ooml.pass_state(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[],
                                                  ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt) AS s
             FROM mtcars WHERE mpg >= 20 GROUP BY am IS NOT NULL)
SELECT length(ooml.state_send(a.s)) < length(ooml.state_send(b.s)) AS a_packed_smaller,
       (SELECT max(abs(u.x - v.x) / abs(v.x))
          FROM unnest((ooml.pass_result(ooml.state_combine(x, y))).direction) WITH ORDINALITY AS u(x, i)
          JOIN unnest((SELECT (ooml.pass_result(s)).direction FROM st)) WITH ORDINALITY AS v(x, i) USING (i)) < 1e-12 AS mixed_combine_matches
  FROM a, b, LATERAL (VALUES (a.s, b.s), (b.s, a.s)) AS o(x, y);
RESET enable_sort;
-- combining states of different passes is refused
SELECT err($$SELECT ooml.state_combine(s, (SELECT ooml.pass_state(ooml.make_state('newton', 'binomial', true, ARRAY[0, 1, 0]::float8[], ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt) FROM mtcars)) FROM st$$);
SELECT err($$SELECT ooml.state_combine(s, (SELECT ooml.pass_state(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt) FROM mtcars)) FROM st$$);
-- foreign bytes: truncated, bit-flipped, wrong magic, garbage, oversized claims
SELECT err($$SELECT ''::ooml.state$$);
SELECT err($$SELECT 'not base64!'::ooml.state$$);
SELECT err($$SELECT 'AAAA'::ooml.state$$);
SELECT err(format('SELECT %L::ooml.state', left(s::text, 100))) FROM st;
SELECT err(format('SELECT %L::ooml.state', 'QUFBQQ' || substr(s::text, 7))) FROM st;
-- every single-byte corruption of the binary form is caught, or lands in a
-- number that may hold any value (a weight, a sum, a count, a name's letter)
CREATE FUNCTION corrupt_all(s ooml.state) RETURNS TABLE (outcome text, n bigint) LANGUAGE plpgsql AS $$
DECLARE
    b bytea := ooml.state_send(s);
    m bytea;
    res text;
    outcomes text[] := '{}';
BEGIN
    FOR i IN 0 .. length(b) - 1 LOOP
        m := set_byte(b, i, (get_byte(b, i) # 255));
        BEGIN
            PERFORM ooml.pass_result(translate(encode(m, 'base64'), E'\n', '')::ooml.state);
            res := 'accepted';
        EXCEPTION WHEN OTHERS THEN
            res := SQLSTATE || ' ' || SQLERRM;
        END;
        outcomes := outcomes || res;
    END LOOP;
    RETURN QUERY SELECT o, count(*) FROM unnest(outcomes) o GROUP BY o ORDER BY o;
END $$;
SELECT * FROM corrupt_all((SELECT s FROM st_hashed));
SELECT * FROM corrupt_all((SELECT s FROM st));
-- make_state checks its arguments
SELECT err($$SELECT ooml.make_state('newton', 'binomial', true, ARRAY[0, 0]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b'])$$);
SELECT err($$SELECT ooml.make_state('sideways', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b'])$$);
SELECT err($$SELECT ooml.make_state('newton', 'cauchy', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b'])$$);
SELECT err($$SELECT ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['y', 'a'])$$);
SELECT err($$SELECT ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 'NaN']::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b'])$$);
SELECT err($$SELECT ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 0], ARRAY['y', 'a', 'b'])$$);
SELECT err($$SELECT ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['y', 'a', NULL])$$);
SELECT err($$SELECT ooml.make_state('newton', 'binomial', true, NULL, ARRAY[1, 1], ARRAY['y', 'a', 'b'])$$);
-- the memory guard refuses a Newton state larger than ooml.max_state_memory
SET ooml.max_state_memory = '1MB';
SELECT err($$SELECT ooml.make_state('newton', 'binomial', false, array_fill(0::float8, ARRAY[1000]), ARRAY[1000], ARRAY['y', 'xs'])$$);
SELECT err($$SELECT ooml.train_logreg('big', 'gen', 'y', ARRAY['x1', 'x2', 'x3'])$$) AS fits;
CREATE TABLE wide AS SELECT (i % 2 = 0) AS y, array_fill(1::float8, ARRAY[400]) AS xs FROM generate_series(1, 3) i;
SELECT err($$SELECT ooml.train_logreg('big', 'wide', 'y', ARRAY['xs'], optimizer => 'newton', replace => true)$$);
-- without an optimizer named, a model too wide for Newton trains with L-BFGS
SELECT converged FROM ooml.train_logreg('wide_auto', 'wide', 'y', ARRAY['xs'], l2 => 0.1);
SELECT optimizer FROM ooml.models WHERE name = 'wide_auto';
RESET ooml.max_state_memory;
-- the aggregate refuses to run outside an aggregate, and refuses VARIADIC arrays
SELECT err($$SELECT ooml.pass_transfn(NULL, ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0]::float8[], ARRAY[1], ARRAY['y', 'x']), 1, 2.0)$$);
SELECT err($$SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0]::float8[], ARRAY[1], ARRAY['y', 'x']), VARIADIC ARRAY[1, 2]) FROM mtcars$$);
SELECT err($$SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['y', 'x', 'z']), am, hp) FROM mtcars$$);
SELECT err($$SELECT ooml.pass(NULL::ooml.state, am, hp) FROM mtcars$$);
-- A seed holds only what a pass starts from (weights, penalty weights,
-- AdaGrad's sums, the shape and names of the rows): it is part of every
-- pass query's plan, which each parallel worker parses.  It is no pass's
-- state, so combining or finishing it is an error; a pass's state can seed
-- the next pass as well as a seed can.
SELECT k, length(ooml.state_send(ooml.make_state(k, 'binomial', true, array_fill(0::float8, ARRAY[21]), ARRAY[20], ARRAY['y', 'x'], learning_rate => 0.1))) AS seed_bytes
  FROM unnest(ARRAY['gradient', 'newton', 'sgd']) k;
SELECT ooml.make_state('sgd', 'binomial', true, ARRAY[0.5, 1, 2]::float8[], ARRAY[2], ARRAY['y', 'x'], learning_rate => 0.1, adagrad => ARRAY[1, 2, 3]::float8[])::text::ooml.state::text
     = ooml.make_state('sgd', 'binomial', true, ARRAY[0.5, 1, 2]::float8[], ARRAY[2], ARRAY['y', 'x'], learning_rate => 0.1, adagrad => ARRAY[1, 2, 3]::float8[])::text AS seed_text_round_trip;
SELECT err($$SELECT ooml.pass_result(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0]::float8[], ARRAY[1], ARRAY['y', 'x']))$$);
SELECT err($$SELECT ooml.state_combine(s, ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['am', 'hp', 'wt'])) FROM st$$);
SELECT format($$CREATE AGGREGATE pg_temp.from_seed(ooml.state, VARIADIC "any") (SFUNC = ooml.pass_transfn, STYPE = ooml.state, INITCOND = %L)$$,
              ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0]::float8[], ARRAY[1], ARRAY['y', 'x'])::text) AS create_from_seed \gset
:create_from_seed;
SELECT err($$SELECT pg_temp.from_seed(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0]::float8[], ARRAY[1], ARRAY['y', 'x']), am, hp) FROM mtcars$$);
-- A state from INITCOND is read as it says, so it must have been made for
-- the call's arguments: a float8 read as an array would be followed as a
-- pointer.  The call it was made for works: mtcars' 32 rows join the
-- state's own 32.
SET enable_sort = off;
SELECT format($$CREATE AGGREGATE pg_temp.from_state(ooml.state, VARIADIC "any") (SFUNC = ooml.pass_transfn, STYPE = ooml.state, INITCOND = %L)$$, s::text) AS create_from_state
  FROM (SELECT ooml.pass_state(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[2], ARRAY['am', 'x']), am, ARRAY[hp, wt]::float8[]) AS s
          FROM mtcars GROUP BY am IS NOT NULL) h \gset
RESET enable_sort;
:create_from_state;
SELECT err($$SELECT pg_temp.from_state(NULL::ooml.state, am, 1e300::float8) FROM mtcars$$);
SELECT err($$SELECT pg_temp.from_state(NULL::ooml.state, am, ARRAY[hp, wt]::float8[], wt) FROM mtcars$$);
SELECT err($$SELECT pg_temp.from_state(NULL::ooml.state, am::float8, ARRAY[hp, wt]::float8[]) FROM mtcars$$);
SELECT (ooml.pass_result(pg_temp.from_state(NULL::ooml.state, am, ARRAY[hp, wt]::float8[]))).n_rows AS rows_with_the_state_it_was_made_for FROM mtcars;
-- Two classes are a binomial model: a multinomial state has at least two
-- linear predictors, whether made or read.
SELECT err($$SELECT ooml.make_state('gradient', 'multinomial', true, ARRAY[0, 0]::float8[], ARRAY[1], ARRAY['y', 'x'])$$);
-- (byte 9 of a state is its family's number, 5 for multinomial)
SELECT err($$SELECT translate(encode(set_byte(decode(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0]::float8[], ARRAY[1], ARRAY['y', 'x'])::text, 'base64'),
                                              9, 5), 'base64'), E'\n', '')::ooml.state$$);
-- A packed state (what a pass hands on: ooml.pass_state's result, a
-- parallel worker's partial state) has no row buffer: 656 bytes in binary
-- form for a gradient pass of 21 coefficients, where the state with its
-- buffer of 1,024 rows takes 197 KB while the pass runs.  It takes no rows.
SELECT length(ooml.state_send(ooml.pass_state(ooml.make_state('gradient', 'binomial', true, array_fill(0::float8, ARRAY[21]), ARRAY[20], ARRAY['y', 'x']),
                                              i % 2 = 0, array_fill(i::float8 / 1000, ARRAY[20])))) AS packed_gradient_bytes
  FROM generate_series(1, 1500) i;
SELECT format($$CREATE AGGREGATE pg_temp.from_packed(ooml.state, VARIADIC "any") (SFUNC = ooml.pass_transfn, STYPE = ooml.state, INITCOND = %L)$$, s::text) AS create_from_packed
  FROM st \gset
:create_from_packed;
SELECT err($$SELECT pg_temp.from_packed(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt) FROM mtcars$$);
SELECT (ooml.pass(s, am, hp, wt)).loss = (ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0]::float8[], ARRAY[1, 1], ARRAY['am', 'hp', 'wt']), am, hp, wt)).loss AS state_seeds_as_seed
  FROM mtcars, st;
-- As a window function the pass is finished on every row and goes on
-- summing after: each running pass equals the pass over its rows.
WITH w AS (SELECT id, ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), y, a, b) OVER (ORDER BY id) AS r
             FROM (SELECT i AS id, (i % 3 = 0) AS y, sin(i)::float8 AS a, cos(i * 0.7)::float8 AS b FROM generate_series(1, 3000) i) t)
SELECT id, (r).n_rows,
       abs((r).loss - (p).loss) < 1e-12 AS same_loss,
       (SELECT max(abs(u - v)) FROM unnest((r).direction, (p).direction) AS t(u, v)) < 1e-12 AS same_direction
  FROM w, LATERAL (SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), i % 3 = 0, sin(i)::float8, cos(i * 0.7)::float8) AS p
                     FROM generate_series(1, w.id) i) p
 WHERE id IN (1, 1024, 1500, 3000) ORDER BY id;
-- Ordered input, FILTER and grouping sets reach the transition function
-- through other paths of the executor (grouping sets keep a memory context
-- per set; sorted here, so that each set's state is an expanded object):
-- the same sums.
CREATE TABLE gs AS SELECT i AS id, (i % 3 = 0) AS y, sin(i)::float8 AS a, cos(i * 0.7)::float8 AS b, i % 4 AS g FROM generate_series(1, 5000) i;
SET enable_hashagg = off;
WITH p AS (SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), y, a, b) AS plain,
                  ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), y, a, b ORDER BY id DESC) AS ordered,
                  ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), y, a, b) FILTER (WHERE g <> 0) AS filtered
             FROM gs),
     s AS (SELECT g, ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), y, a, b) AS r
             FROM gs GROUP BY GROUPING SETS ((g), ()))
SELECT abs((p.ordered).loss - (p.plain).loss) < 1e-12 AS ordered_same,
       (p.filtered).n_rows AS filtered_rows,
       abs((SELECT (r).loss FROM s WHERE g IS NULL) - (p.plain).loss) < 1e-12 AS grouping_sets_total_same,
       (SELECT sum((r).n_rows) FROM s WHERE g IS NOT NULL) AS grouping_sets_rows
  FROM p;
RESET enable_hashagg;
-- Gradient and Newton passes compute their rows in blocks (BLAS), and rows
-- too wide to buffer (here 1,101 values) one at a time: the loss and
-- gradient of each (per row) agree with the same sums written in SQL.  200
-- rows: a plain aggregate buffers all 200 and the final function computes
-- them in chunks of 64; a hashed one (grouped training) computes three full
-- blocks of 64 and still buffers 8 rows when the pass ends.
CREATE TABLE blk AS
SELECT (i % 3 = 0) AS y, sin(i)::float8 AS a, cos(i * 0.7)::float8 AS b,
       ARRAY(SELECT sin(i * j) FROM generate_series(1, 1100) j)::float8[] AS xs
  FROM generate_series(1, 200) i;
SET enable_sort = off;
WITH r AS (SELECT 1 / (1 + exp(-(0.1 + 0.5 * a - 0.3 * b))) AS mu, y::int AS yy, a, b FROM blk),
     ref AS (SELECT avg(-yy * ln(mu) - (1 - yy) * ln(1 - mu)) AS loss,
                    ARRAY[avg(mu - yy), avg((mu - yy) * a), avg((mu - yy) * b)] AS g FROM r)
SELECT kind,
       abs((p).loss - ref.loss) < 1e-12 * ref.loss AS loss_matches,
       (SELECT max(abs(u - v)) FROM unnest((p).gradient, ref.g) AS t(u, v)) < 1e-12 AS gradient_matches
  FROM (SELECT k AS kind, (SELECT ooml.pass(ooml.make_state(k, 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), y, a, b) FROM blk) AS p
          FROM unnest(ARRAY['gradient', 'newton']) k
        UNION ALL
        SELECT k || ', hashed', (SELECT ooml.pass(ooml.make_state(k, 'binomial', true, ARRAY[0.1, 0.5, -0.3]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), y, a, b) FROM blk GROUP BY a IS NOT NULL)
          FROM unnest(ARRAY['gradient', 'newton']) k) s, ref;
RESET enable_sort;
WITH r AS (SELECT 1 / (1 + exp(-(0.1 + 0.001 * (SELECT sum(v) FROM unnest(xs) v)))) AS mu, y::int AS yy, xs FROM blk),
     ref AS (SELECT avg(-yy * ln(mu) - (1 - yy) * ln(1 - mu)) AS loss,
                    ARRAY[avg(mu - yy), avg((mu - yy) * xs[1]), avg((mu - yy) * xs[1100])] AS g FROM r),
     p AS (SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, array_cat(ARRAY[0.1], array_fill(0.001, ARRAY[1100]))::float8[], ARRAY[1100], ARRAY['y', 'xs']), y, xs) AS p FROM blk)
SELECT abs((p).loss - ref.loss) < 1e-12 * ref.loss AS wide_loss_matches,
       greatest(abs((p).gradient[1] - ref.g[1]), abs((p).gradient[2] - ref.g[2]), abs((p).gradient[1101] - ref.g[3])) < 1e-12 AS wide_gradient_matches
  FROM p, ref;
-- Features in nine float8 columns are copied four at a time (and the ninth
-- alone): a NULL in any one position skips the row.
CREATE TABLE nine AS
SELECT i, (i % 2 = 0) AS y,
       CASE WHEN i = 1 THEN NULL ELSE sin(i) END AS c1, CASE WHEN i = 2 THEN NULL ELSE sin(2 * i) END AS c2,
       CASE WHEN i = 3 THEN NULL ELSE sin(3 * i) END AS c3, CASE WHEN i = 4 THEN NULL ELSE sin(4 * i) END AS c4,
       CASE WHEN i = 5 THEN NULL ELSE sin(5 * i) END AS c5, CASE WHEN i = 6 THEN NULL ELSE sin(6 * i) END AS c6,
       CASE WHEN i = 7 THEN NULL ELSE sin(7 * i) END AS c7, CASE WHEN i = 8 THEN NULL ELSE sin(8 * i) END AS c8,
       CASE WHEN i = 9 THEN NULL ELSE sin(9 * i) END AS c9
  FROM generate_series(1, 100) i;
WITH p AS (SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, array_fill(0.1::float8, ARRAY[10]), array_fill(1, ARRAY[9]),
                                            ARRAY['y', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']),
                           y, c1, c2, c3, c4, c5, c6, c7, c8, c9) AS p FROM nine),
     r AS (SELECT 1 / (1 + exp(-(0.1 + 0.1 * (c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9)))) AS mu, y::int AS yy, c9 FROM nine WHERE i > 9)
SELECT (p).n_rows, (p).n_skipped,
       abs((p).gradient[10] - (SELECT avg((mu - yy) * c9) FROM r)) < 1e-12 AS last_column_gradient_matches
  FROM p;
