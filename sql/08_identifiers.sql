--
-- Hostile identifiers: quotes, semicolons, spaces, backslashes, unicode and
-- 63-byte names work; no text a user supplies is executed as SQL.
--
CREATE SCHEMA "we""ird; schema";
CREATE TABLE "we""ird; schema"."t; DROP TABLE mtcars; --" (
    "y""; DROP TABLE mtcars; --" boolean,
    "x with space" float8,
    "x\back\slash" int,
    "größe ✓" numeric,
    "a_column_name_that_is_exactly_sixty_three_bytes_long_abcdefghij" float8,
    "arr'ay" float8[]);
INSERT INTO "we""ird; schema"."t; DROP TABLE mtcars; --"
SELECT (sin(i * 3) > 0.3 * cos(i)), sin(i), i % 7, cos(i * 0.5), sin(i * 0.2), ARRAY[cos(i * 2), sin(i * 5)]
  FROM generate_series(1, 300) i;
SELECT model, converged, n_rows
  FROM ooml.train_logreg($$mo'del"; DROP TABLE mtcars; --$$,
                         '"we""ird; schema"."t; DROP TABLE mtcars; --"',
                         'y"; DROP TABLE mtcars; --',
                         ARRAY['x with space', 'x\back\slash', 'größe ✓',
                               'a_column_name_that_is_exactly_sixty_three_bytes_long_abcdefghij', 'arr''ay']);
SELECT relation, target, terms FROM ooml.models WHERE name = $$mo'del"; DROP TABLE mtcars; --$$;
SELECT count(*) AS mtcars_still_here FROM mtcars;
SELECT round(ooml.predict($$mo'del"; DROP TABLE mtcars; --$$, t)::numeric, 6) AS p
  FROM "we""ird; schema"."t; DROP TABLE mtcars; --" t LIMIT 2;
-- evaluate names each feature column (one argument each): the same as by row
SELECT (e->>'n')::int AS n, round((e->>'log_loss')::numeric, 10) AS log_loss,
       abs((e->>'log_loss')::float8 + avg(CASE WHEN t."y""; DROP TABLE mtcars; --"
                                               THEN ln(ooml.predict($$mo'del"; DROP TABLE mtcars; --$$, t))
                                               ELSE ln(1 - ooml.predict($$mo'del"; DROP TABLE mtcars; --$$, t)) END)) < 1e-12
         AS same_as_by_row
  FROM "we""ird; schema"."t; DROP TABLE mtcars; --" t,
       ooml.evaluate($$mo'del"; DROP TABLE mtcars; --$$, '"we""ird; schema"."t; DROP TABLE mtcars; --"') e
 GROUP BY e;
SELECT count(*) AS mtcars_still_here FROM mtcars;
-- names that do not exist are reported as given
SELECT err($$SELECT ooml.train_logreg('m', '"we""ird; schema"."t; DROP TABLE mtcars; --"', 'y"; DROP TABLE mtcars; --', ARRAY['x with space; DROP TABLE mtcars'])$$);
SELECT ooml.drop_model($$mo'del"; DROP TABLE mtcars; --$$);
DROP SCHEMA "we""ird; schema" CASCADE;
