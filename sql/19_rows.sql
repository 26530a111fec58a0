--
-- How rows reach a pass.  After its first row, a gradient or Newton pass
-- takes most rows by a short path, which reads an array where it lies in
-- the row (also a short one, stored with a 1-byte header) and leaves
-- everything else to the full path: NULLs, compressed arrays, values to
-- refuse.  However a row comes, the pass is the same.
--
CREATE TABLE forms AS
SELECT i,
       i % 3 = 0 AS y,
       (i % 3 = 0)::int::float8 AS yf,
       CASE WHEN i = 17 THEN NULL
            WHEN i = 1500 THEN ARRAY[1, NULL, 2]::float8[]
            ELSE ARRAY[sin(i), cos(i), sin(2 * i)] END AS xs,
       CASE WHEN i = 17 THEN NULL
            WHEN i = 1500 THEN ARRAY[1, NULL, 2]::float8[]
            ELSE array_cat(ARRAY[sin(i), cos(i), sin(2 * i)], array_fill(0::float8, ARRAY[397])) END AS xw,
       CASE WHEN i = 17 THEN NULL ELSE sin(i) END AS a,
       CASE WHEN i = 1500 THEN NULL ELSE cos(i) END AS b,
       sin(2 * i) AS c,
       CASE WHEN i = 17 THEN NULL ELSE ARRAY[sin(i), cos(i), sin(2 * i)]::float4[] END AS x4
  FROM generate_series(1, 2500) i;
-- the premises: xs and x4 are stored with a 1-byte header (1 + 20 + 24
-- and 1 + 20 + 12 bytes), xw compressed (400 values are 3,224 bytes)
SELECT pg_column_size(xs) AS short_array_bytes, pg_column_size(x4) AS short_float4_array_bytes,
       pg_column_size(xw) < 1000 AS wide_array_compressed
  FROM forms WHERE i = 1;
WITH s(kind) AS (VALUES ('gradient'), ('newton')),
     p AS (
  SELECT kind, 'array, short header' AS form,
         (SELECT ooml.pass(ooml.make_state(kind, 'binomial', true, ARRAY[0.1, 0.5, -0.3, 0.2]::float8[], ARRAY[3], ARRAY['y', 'xs']), y, xs) FROM forms) AS r FROM s
  UNION ALL
  SELECT kind, 'array, built per row',
         (SELECT ooml.pass(ooml.make_state(kind, 'binomial', true, ARRAY[0.1, 0.5, -0.3, 0.2]::float8[], ARRAY[3], ARRAY['y', 'xs']), y, (xs::text)::float8[]) FROM forms) FROM s
  UNION ALL
  SELECT kind, 'columns',
         (SELECT ooml.pass(ooml.make_state(kind, 'binomial', true, ARRAY[0.1, 0.5, -0.3, 0.2]::float8[], ARRAY[1, 1, 1], ARRAY['y', 'a', 'b', 'c']), y, a, b, c) FROM forms) FROM s
  UNION ALL
  SELECT kind, 'columns, float8 target',
         (SELECT ooml.pass(ooml.make_state(kind, 'binomial', true, ARRAY[0.1, 0.5, -0.3, 0.2]::float8[], ARRAY[1, 1, 1], ARRAY['yf', 'a', 'b', 'c']), yf, a, b, c) FROM forms) FROM s
  UNION ALL
  SELECT kind, 'array, compressed',
         (SELECT ooml.pass(ooml.make_state(kind, 'binomial', true, array_cat(ARRAY[0.1, 0.5, -0.3, 0.2], array_fill(0::float8, ARRAY[397])), ARRAY[400], ARRAY['y', 'xw']), y, xw) FROM forms) FROM s)
SELECT kind, form, (r).n_rows, (r).n_skipped, round((r).loss::numeric, 10) AS loss,
       round((r).gradient[1]::numeric, 10) AS g1, round((r).gradient[4]::numeric, 10) AS g4
  FROM p ORDER BY kind, form;
-- Values to refuse, after the first row: the full path reports them.
SELECT err($$SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0, 0, 0]::float8[], ARRAY[1, 1, 1], ARRAY['yf', 'a', 'b', 'c']),
                             CASE WHEN i = 1000 THEN 0.5 ELSE yf END, a, b, c) FROM forms$$);
SELECT err($$SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0, 0, 0]::float8[], ARRAY[3], ARRAY['y', 'xs']),
                             y, CASE WHEN i = 1000 THEN ARRAY[1, 2]::float8[] ELSE xs END) FROM forms$$);
SELECT err($$SELECT ooml.pass(ooml.make_state('gradient', 'binomial', true, ARRAY[0, 0, 0, 0]::float8[], ARRAY[3], ARRAY['y', 'xs']),
                             y, CASE WHEN i = 1000 THEN ARRAY[[1, 2, 3]]::float8[] ELSE xs END) FROM forms$$);
SELECT err($$SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0, 0]::float8[], ARRAY[3], ARRAY['y', 'xs']),
                             y, CASE WHEN i = 1000 THEN ARRAY[1, 'NaN', 3]::float8[] ELSE xs END) FROM forms$$);
SELECT err($$SELECT ooml.pass(ooml.make_state('newton', 'binomial', true, ARRAY[0, 0, 0, 0]::float8[], ARRAY[1, 1, 1], ARRAY['y', 'a', 'b', 'c']),
                             y, a, CASE WHEN i = 1000 THEN 'Infinity' ELSE b END, c) FROM forms$$);
-- Scoring reads short arrays in place too, float8[] and float4[] alike.
SELECT converged FROM ooml.train_logreg('forms_m', 'forms', 'y', ARRAY['a', 'b', 'c']);
SELECT count(*) FILTER (WHERE ooml.predict('forms_m', xs) IS NOT NULL) AS scored,
       count(*) FILTER (WHERE ooml.predict('forms_m', xs) IS DISTINCT FROM ooml.predict('forms_m', (xs::text)::float8[])) AS float8_differ,
       count(*) FILTER (WHERE ooml.predict('forms_m', xs) IS DISTINCT FROM ooml.predict('forms_m', a, b, c)) AS columns_differ,
       count(*) FILTER (WHERE ooml.predict('forms_m', x4) IS DISTINCT FROM ooml.predict('forms_m', (x4::text)::float4[])) AS float4_differ
  FROM forms;
