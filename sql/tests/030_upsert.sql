-- Stage 030: one version per ticket (contract rules 5-6), idempotence, dry runs, the
-- watermark and the ledger.
BEGIN;
SELECT plan(43);

-- Rule 5: within one file, the newest row of a ticket wins; on a tie, the later row ------
CREATE TEMP TABLE f1 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T080000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,source_updated_at,latitude,longitude',
  'INC1,resolved,2026-06-25 09:00:00,-1.3,36.8',
  'INC1,open,2026-06-25 07:00:00,,',
  'INC2,open,2026-06-25 07:00:00,,',
  'INC2,in_progress,2026-06-25 07:00:00,,',
  'INC3,open,,,',
  'INC3,pending,2026-06-25 06:00:00,,',
  'INC4,open,2026-06-25 07:00:00,,',
  ''));
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC1'), 'resolved',
          'the row with the greatest source_updated_at wins, wherever it stands in the file');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC2'), 'in_progress',
          'on a tie of source_updated_at, the later row in the file wins');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC3'), 'pending',
          'a row with a source_updated_at beats one without');
SELECT results_eq($$ SELECT rows_read, inserted, duplicates FROM f1 $$, $$ VALUES (7, 4, 3) $$,
                  'seven rows make four tickets and three folded duplicates');

-- Rule 6: across files ---------------------------------------------------------------------
CREATE TEMP TABLE xmin_before AS SELECT ticket_id, xmin::text AS x FROM tickets.inc;
CREATE TEMP TABLE f2 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T082000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,source_updated_at',
  'INC1,open,2026-06-25 08:59:59',        -- older than stored: stale
  'INC2,closed,2026-06-25 08:00:00',      -- newer: replaces
  'INC3,cancelled,',                      -- no timestamp: replaces
  'INC5,open,2026-06-25 08:00:00',        -- new
  ''));
SELECT results_eq($$ SELECT inserted, updated, unchanged, stale FROM f2 $$, $$ VALUES (1, 2, 0, 1) $$,
                  'the second file counts 1 new, 2 updated, 1 stale');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC1'), 'resolved', 'an older incoming row is not applied');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC2'), 'closed', 'a newer incoming row replaces the stored one');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC3'), 'cancelled',
          'an incoming row without source_updated_at replaces the stored one');
SELECT is((SELECT count(*) FROM tickets.inc), 5::bigint, 'a ticket missing from a later file is never deleted');
SELECT is((SELECT x FROM xmin_before WHERE ticket_id = 'INC1'), (SELECT xmin::text FROM tickets.inc WHERE ticket_id = 'INC1'),
          'a stale row does not touch the stored version');
SELECT results_eq($$ SELECT latitude, geo_source FROM tickets.inc WHERE ticket_id = 'INC1' $$, $$ VALUES (-1.3::float8, 'feed') $$,
                  'the stored point survives a stale row');

-- Same point twice, then a feed that loses its point
SELECT tests.ingest('automations/inc/changes/20260625T083000.csv',
                    E'ticket_id,normalized_status,source_updated_at\nINC1,closed,2026-06-25 10:00:00\n');
SELECT results_eq($$ SELECT normalized_status, latitude, geo_source FROM tickets.inc WHERE ticket_id = 'INC1' $$,
                  $$ VALUES ('closed', NULL::float8, NULL::text) $$,
                  'a newer row without coordinates (nor location, cluster or region) leaves the ticket unplaced: geom follows the row');

-- Idempotence: the same file twice rewrites nothing -----------------------------------------
CREATE TEMP TABLE snap AS SELECT ticket_id, xmin::text AS x FROM tickets.inc;
CREATE TEMP TABLE upd_before AS
  SELECT n_tup_upd + n_tup_hot_upd AS upd, n_tup_ins AS ins FROM pg_stat_xact_user_tables WHERE relid = 'tickets.inc'::regclass;
CREATE TEMP TABLE f3 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T083000.csv',
                           E'ticket_id,normalized_status,source_updated_at\nINC1,closed,2026-06-25 10:00:00\n');
SELECT results_eq($$ SELECT inserted, updated, unchanged, stale FROM f3 $$, $$ VALUES (0, 0, 1, 0) $$,
                  'ingesting a file again finds every ticket unchanged');
SELECT set_eq($$ SELECT ticket_id, xmin::text AS x FROM tickets.inc $$, $$ SELECT ticket_id, x FROM snap $$,
              'no ticket row got a new version (xmin unchanged)');
SELECT is((SELECT n_tup_upd + n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relid = 'tickets.inc'::regclass),
          (SELECT upd FROM upd_before), 'no update reached tickets.inc (pg_stat_xact_user_tables)');
SELECT is((SELECT n_tup_ins FROM pg_stat_xact_user_tables WHERE relid = 'tickets.inc'::regclass),
          (SELECT ins FROM upd_before), 'no insert reached tickets.inc');
CREATE TEMP TABLE f4 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T083500.csv',
                           E'ticket_id,source_updated_at,normalized_status\nINC1,2026-06-25 10:00:00, closed \n');
SELECT is((SELECT unchanged FROM f4), 1, 'column order and blanks around values do not make a change');

-- A dry run changes nothing -------------------------------------------------------------------
CREATE TEMP TABLE before_dry AS SELECT tests.state() AS s, (SELECT count(*) FROM tickets.file_ledger) AS n;
CREATE TEMP TABLE dry AS
SELECT tests.dry_run('automations/inc/changes/20260625T090000.csv',
                     E'ticket_id,normalized_status,source_updated_at\nINC1,open,2026-06-25 11:00:00\nINC9,open,\n') AS j;
SELECT results_eq($$ SELECT (j ->> 'inserted')::int, (j ->> 'updated')::int, j ->> 'mode' FROM dry $$,
                  $$ VALUES (1, 1, 'dry_run') $$, 'a dry run reports what it would change');
SELECT is(tests.state(), (SELECT s FROM before_dry), 'after a dry run no ticket, watermark or staging table changed');
SELECT is((SELECT count(*) FROM tickets.file_ledger), (SELECT n FROM before_dry), 'a dry run leaves no ledger row');

-- The watermark and late files ------------------------------------------------------------------
SELECT is((SELECT metadata ->> 'source_max_key' FROM tickets.import_meta WHERE source = 'inc'),
          'automations/inc/changes/20260625T083500.csv', 'the watermark is the key with the greatest file name');
CREATE TEMP TABLE late AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T070000.csv', E'ticket_id,normalized_status\nINC7,open\n');
SELECT ok((SELECT late FROM late), 'a file named below the watermark is recorded as late');
SELECT is((SELECT inserted FROM late), 1, 'a late file is still ingested');
SELECT is((SELECT metadata ->> 'source_max_key' FROM tickets.import_meta WHERE source = 'inc'),
          'automations/inc/changes/20260625T083500.csv', 'a late file does not move the watermark back');
SELECT results_eq($$ SELECT watermark_before, watermark_after FROM late $$,
                  $$ VALUES ('automations/inc/changes/20260625T083500.csv', 'automations/inc/changes/20260625T083500.csv') $$,
                  'the ledger keeps the watermark before and after');
SELECT tests.ingest('local/20260625T100000.csv', E'ticket_id\nINC8\n');
SELECT is((SELECT metadata ->> 'source_max_key' FROM tickets.import_meta WHERE source = 'inc'), 'local/20260625T100000.csv',
          'keys from another folder order by their file name');
SELECT is((SELECT metadata ->> 'source_max_updated_at' FROM tickets.import_meta WHERE source = 'inc')::timestamptz,
          '2026-06-25 10:00:00+03'::timestamptz, 'freshness keeps the newest source_updated_at applied');

-- The ledger --------------------------------------------------------------------------------------
SELECT results_eq($$ SELECT mode::text, outcome::text, rows_read, inserted, updated, stale
                       FROM tickets.file_ledger WHERE file_key = 'automations/inc/changes/20260625T082000.csv' $$,
                  $$ VALUES ('manual', 'applied', 4, 1, 2, 1) $$, 'the ledger keeps mode, outcome and counts per file');
SELECT tests.stage_bytes('automations/inc/changes/20260625T103000.csv', convert_to(E'ticket_id\nINC8\n', 'UTF8'));
SELECT pg_sleep(0.3);  -- the COPY of a slow upload
SELECT cmp_ok((SELECT load_ms FROM tickets.ingest_from_staging('automations/inc/changes/20260625T103000.csv')), '>=', 300,
              'load_ms counts the time from staging to the ingest');
SELECT tests.ingest('automations/inc/changes/20260625T110000.csv', E'ticket_id\nINC8\n', 'apply');
SELECT is((SELECT mode::text FROM tickets.file_ledger ORDER BY ledger_id DESC LIMIT 1), 'apply', 'the mode passed is recorded');
SELECT throws_ok($$ SELECT tests.ingest('x.csv', E'ticket_id\nINC1\n', 'sideways') $$, 'FT008', NULL,
                 'an unknown mode is refused (FT008)');
SELECT is((SELECT count(*) FROM tickets.staged_file), 0::bigint, 'no staged file is left behind');
SELECT is((SELECT count(*) FROM pg_tables WHERE schemaname = 'staging'), 0::bigint, 'no staging table is left behind');

-- Rule 6: a source_updated_at more than a day ahead is not trusted -------------------------
CREATE TEMP TABLE ahead AS SELECT
  to_char((now() + interval '25 hours') AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS') AS untrusted,
  to_char((now() + interval '23 hours') AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS') AS trusted,
  (SELECT metadata ->> 'source_max_updated_at' FROM tickets.import_meta WHERE source = 'inc') AS freshness;
CREATE TEMP TABLE f9999 AS SELECT * FROM tests.ingest('automations/inc/changes/20260625T120000.csv',
  E'ticket_id,normalized_status,source_updated_at\nINC40,open,9999-12-31 23:59:59\nINC41,open,' || (SELECT untrusted FROM ahead)
  || E'\nINC42,open,9999-01-01 00:00:00\nINC42,pending,2026-06-25 09:00:00\n');
SELECT results_eq($$ SELECT inserted, untrusted_updated_at FROM f9999 $$, $$ VALUES (3, 3) $$,
                  'rows dated more than a day ahead are applied and counted in the ledger');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC42'), 'pending',
          'within a file, a row dated in year 9999 does not beat a row with a real date');
SELECT is((SELECT metadata ->> 'source_max_updated_at' FROM tickets.import_meta WHERE source = 'inc'), (SELECT freshness FROM ahead),
          'data freshness ignores them');
CREATE TEMP TABLE after9999 AS SELECT * FROM tests.ingest('automations/inc/changes/20260625T122000.csv',
  E'ticket_id,normalized_status,source_updated_at\nINC40,closed,2026-06-25 12:00:00\nINC41,closed,2026-06-25 12:00:00\n');
SELECT results_eq($$ SELECT updated, stale FROM after9999 $$, $$ VALUES (2, 0) $$,
                  'a stored version dated in the future does not make the next real one stale');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC40'), 'closed', 'the ticket is not frozen');
SELECT is((SELECT stale FROM tests.ingest('automations/inc/changes/20260625T124000.csv',
             E'ticket_id,normalized_status,source_updated_at\nINC40,open,2026-06-25 11:00:00\n')), 1,
          'once a real date is stored, older rows are stale again');
SELECT results_eq($$ SELECT stale, untrusted_updated_at FROM tests.ingest('automations/inc/changes/20260625T126000.csv',
                       E'ticket_id,normalized_status,source_updated_at\nINC40,open,' || (SELECT trusted FROM ahead) || E'\n') $$,
                  $$ VALUES (0, 0) $$, 'a date less than a day ahead is trusted');

-- A file spanning many pages: ties go to the later line, by the line numbers staged with
-- the rows, not by where the rows lie. Here the last line is stored first (as a second COPY
-- into an old staging table could put it), so a tie broken by storage order would pick the
-- first line's row.
SELECT tests.stage_records('automations/inc/changes/20260625T130000.csv',
  'ticket_id,normalized_status,source_updated_at,location_name',
  E'20005,INC50,closed,2026-06-25 10:00:00,last line\n20006,INC51,open,2026-06-25 10:00:00,older and last\n'
  || (SELECT string_agg(format('%s,INC6%s,open,2026-06-25 10:00:00,%s', g + 3, g, repeat('x', 200)), E'\n')
        FROM generate_series(1, 20000) AS g)
  || E'\n20004,,open,,no ticket far below\n3,INC51,closed,2026-06-25 11:00:00,newer and first\n'
  || E'2,INC50,open,2026-06-25 10:00:00,first line\n');
CREATE TEMP TABLE big AS SELECT * FROM tickets.ingest_from_staging('automations/inc/changes/20260625T130000.csv');
SELECT results_eq($$ SELECT rows_read, inserted, duplicates, rejected_rows FROM big $$, $$ VALUES (20005, 20002, 2, 1) $$,
                  'a 4 MB file of 20,005 rows is read whole');
SELECT results_eq($$ SELECT ticket_id, normalized_status FROM tickets.inc WHERE ticket_id IN ('INC50', 'INC51') ORDER BY 1 $$,
                  $$ VALUES ('INC50', 'closed'), ('INC51', 'closed') $$,
                  'twenty thousand lines apart, a tie goes to the later line wherever it lies, and a newer row wins');
SELECT is((SELECT line FROM tickets.rejected_row WHERE ledger_id = (SELECT ledger_id FROM big)), 20004::bigint,
          'a rejected row keeps the line staged with it');

SELECT * FROM finish();
ROLLBACK;
