-- Stage 001: the error contract. Every FT code the SQL raises is in tickets.error_code,
-- every code there is raised somewhere, and tickets.rejects_file tells a bad file from an outage.
BEGIN;
SELECT plan(6);

CREATE TEMP TABLE raised AS
SELECT DISTINCT m[1] AS code, p.oid::regprocedure::text AS function
  FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
 CROSS JOIN LATERAL regexp_matches(p.prosrc, $$ERRCODE\s*=\s*'(FT[0-9A-Z]{3})'$$, 'g') AS m
 WHERE n.nspname IN ('tickets', 'reporting');

SELECT ok((SELECT count(DISTINCT code) FROM raised) >= 10, 'the functions raise at least ten FT codes (the scan finds them)');
SELECT is_empty($$ SELECT code || ' in ' || function FROM raised WHERE code NOT IN (SELECT code FROM tickets.error_code) $$,
                'every FT code raised by a function is listed in tickets.error_code');
SELECT is_empty($$ SELECT code FROM tickets.error_code WHERE code NOT IN (SELECT code FROM raised) $$,
                'every code in tickets.error_code is raised by some function (none is dead)');
SELECT is_empty($$ SELECT code FROM raised GROUP BY code HAVING count(*) > 1
                      AND code NOT IN ('FT103', 'FT501', 'FT011', 'FT204') $$,
                'each code has one home (FT103: the header parser and create_staging; FT011: both geocoder write-backs; FT204: a time read from text, and a NULL p_now)');
SELECT is(ARRAY(SELECT tickets.rejects_file(s) FROM unnest(ARRAY['FT101', 'FT102', 'FT103', 'FT104', '22P04', '22021', '22003',
                                                                '54000', '23514']) AS s),
          array_fill(true, ARRAY[9]), 'header errors, bad CSV, bad UTF-8, overflows, limits and CHECK violations reject the file');
SELECT is(ARRAY(SELECT tickets.rejects_file(s) FROM unnest(ARRAY['FT004', 'FT005', 'FT501', '55P03', '57014', '57P01', '08006',
                                                                '42501', '53100', '40P01', '42P01', 'XX000']) AS s),
          array_fill(false, ARRAY[12]),
          'caller mistakes, lock and statement timeouts, lost connections, permissions, a full disk and bugs stop the run');

SELECT * FROM finish();
ROLLBACK;
