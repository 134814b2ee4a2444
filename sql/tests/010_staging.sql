-- Stage 010: the header check, the staging table, and files rejected whole.
BEGIN;
SELECT plan(42);

-- The staging table ------------------------------------------------------------------
SELECT is(tickets.create_staging('changes/a.csv', 'ticket_id,region'),
          'staging.inc_' || left(md5('changes/a.csv'), 16) || ' (c1, c2)',
          'create_staging returns the COPY target: a table named after the key, and its columns');
SELECT is((SELECT relpersistence FROM pg_class WHERE oid = to_regclass('staging.inc_' || left(md5('changes/a.csv'), 16))),
          'u'::"char", 'the staging table is UNLOGGED');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = to_regclass('staging.inc_' || left(md5('changes/a.csv'), 16)) AND attnum > 0),
          ARRAY['line', 'c1', 'c2'], 'staging columns are a line number and positional ones, never named after the header');
SELECT lives_ok($$ SELECT tickets.create_staging('changes/a.csv', 'ticket_id,region,owner') $$,
                'staging the same key again replaces what a crashed load left behind');
SELECT is((SELECT columns FROM tickets.staged_file WHERE file_key = 'changes/a.csv'),
          ARRAY['ticket_id', 'region', 'owner'], 'the staged header is the latest one');

-- Header names -------------------------------------------------------------------------
SELECT tickets.create_staging('changes/b.csv', E'\uFEFF Ticket_ID ,"REGION",  Owner ');
SELECT is((SELECT columns FROM tickets.staged_file WHERE file_key = 'changes/b.csv'),
          ARRAY['ticket_id', 'region', 'owner'],
          'header names lose the BOM, quotes and blanks and are lower-cased');
SELECT throws_ok($$ SELECT tickets.create_staging('changes/c.csv', 'id,region') $$,
                 'FT101', NULL, 'a header without ticket_id is refused (FT101)');
SELECT throws_ok($$ SELECT tickets.create_staging('changes/c.csv', 'ticket_id,Region, region ') $$,
                 'FT102', NULL, 'a header naming a column twice (ignoring case and blanks) is refused (FT102)');
SELECT throws_ok($$ SELECT tickets.create_staging('changes/c.csv', 'ticket_id,region,') $$,
                 'FT103', NULL, 'a header with a blank name is refused (FT103)');
SELECT throws_ok($$ SELECT tickets.create_staging('changes/c.csv', 'ticket_id,"region') $$,
                 'FT103', NULL, 'a header with an unterminated quote is refused (FT103)');
SELECT throws_ok($$ SELECT tickets.create_staging('', 'ticket_id') $$,
                 'FT005', NULL, 'a blank key is refused (FT005)');
SELECT throws_ok($$ SELECT tickets.ingest_from_staging('never/staged.csv') $$,
                 'FT004', NULL, 'ingesting a key that was never staged is refused (FT004)');
SELECT is(tickets.create_staging('changes/n.csv', 'ticket_id,region', p_numbered => true),
          'staging.inc_' || left(md5('changes/n.csv'), 16) || ' (line, c1, c2)',
          'for numbered records (the runner) the COPY target starts with the line column');
SELECT is(tickets.create_staging('changes/zero.csv', NULL), 'staging.inc_' || left(md5('changes/zero.csv'), 16) || ' (line)',
          'a zero-byte file is staged with no column but its line');

-- Long headers are split in time that grows with their length (a 150 kB header once took a minute)
SELECT is(cardinality(tickets.parse_csv_header(repeat('abcdefghi,', 15000) || 'ticket_id')), 15001,
          'a 150 kB header of 15,001 names is split');
SELECT is(tickets.parse_csv_header('"' || repeat('a""b', 250000) || '"'), ARRAY[repeat('a"b', 250000)],
          'a 1 MB quoted name full of escaped quotes is one name');
SELECT throws_ok($$ SELECT tickets.create_staging('changes/wide.csv', repeat('abcdefghi,', 15000) || 'ticket_id') $$,
                 'FT103', NULL, 'a header of more than 1000 columns is refused (FT103)');

-- A hostile header name is data, never SQL.
SELECT lives_ok($$ SELECT tests.ingest('changes/hostile.csv',
  E'ticket_id,"x"";DROP TABLE tickets.inc;--",region,"' || repeat('n', 80) || E'"\nINC1,boom,Nairobi,long\n') $$,
  'a file whose header holds quotes, semicolons and a 80-character name ingests');
SELECT ok(to_regclass('tickets.inc') IS NOT NULL, 'tickets.inc is still there');
SELECT is((SELECT raw ->> 'x";drop table tickets.inc;--' FROM tickets.inc WHERE ticket_id = 'INC1'), 'boom',
          'the hostile name is kept as a key of raw');
SELECT is((SELECT raw ->> repeat('n', 80) FROM tickets.inc WHERE ticket_id = 'INC1'), 'long',
          'a name longer than an identifier is kept whole');

-- Line endings, quoted line breaks, BOM -------------------------------------------------
SELECT tests.ingest('changes/crlf.csv', E'ticket_id,region,location_name\r\nINC2, Nairobi ,"Ngong Rd,\r\nKilimani"\r\n');
SELECT is((SELECT region FROM tickets.inc WHERE ticket_id = 'INC2'), 'nairobi', 'a CRLF file loads without a stray CR');
SELECT is((SELECT location_name FROM tickets.inc WHERE ticket_id = 'INC2'), E'Ngong Rd,\r\nKilimani',
          'a quoted field keeps its comma and line break');
SELECT tests.stage_bytes('changes/bom.csv', '\xefbbbf'::bytea || convert_to(E'ticket_id,region\nINC3,Mombasa\n', 'UTF8'));
SELECT is((SELECT rows_read FROM tickets.ingest_from_staging('changes/bom.csv')), 1, 'a file starting with a UTF-8 BOM loads');

-- Two exports joined into one file: the second header line is no row ----------------------
CREATE TEMP TABLE joined AS SELECT * FROM tests.ingest('changes/joined.csv',
  E'ticket_id,region\nINC20,Nairobi\n\uFEFF Ticket_ID ,"REGION"\nINC21,Kisumu\n');
SELECT results_eq($$ SELECT rows_read, inserted, header_repeats FROM joined $$, $$ VALUES (3, 2, 1) $$,
                  'a line repeating the header (case, blanks, quotes and a BOM aside) is skipped and counted');
SELECT ok(NOT EXISTS (SELECT FROM tickets.inc WHERE ticket_id = 'TICKET_ID'), 'the repeated header is not stored as a ticket');
SELECT throws_ok($$ SELECT tests.ingest('changes/joined-other.csv', E'ticket_id,region\nINC22,Nakuru\nregion,ticket_id\nEldoret,INC23\n') $$,
                 'FT104', NULL, 'a line repeating the header with its columns in another order rejects the file (FT104)');
SELECT throws_ok($$ SELECT tests.ingest('changes/joined-other.csv', E'ticket_id,region\nINC22,Nakuru\nticket_id,owner\nINC23,x\n') $$,
                 'FT104', 'line 3 repeats the header with other columns',
                 'a line repeating the header with other names rejects the file, naming the line');
SELECT ok(NOT EXISTS (SELECT FROM tickets.inc WHERE ticket_id IN ('INC22', 'INC23')), 'nothing of such a file is applied');

-- Empty files are valid ----------------------------------------------------------------
SELECT tests.stage_bytes('changes/zero.csv', ''::bytea);
SELECT results_eq($$ SELECT outcome::text, rows_read, inserted FROM tickets.ingest_from_staging('changes/zero.csv') $$,
                  $$ VALUES ('applied', 0, 0) $$, 'a zero-byte file is applied and ingests no row');
SELECT results_eq($$ SELECT outcome::text, rows_read, inserted FROM tests.ingest('changes/header-only.csv', E'ticket_id,region\n') $$,
                  $$ VALUES ('applied', 0, 0) $$, 'a header-only file is applied and ingests no row');

-- Files rejected whole: nothing applied, only their ledger row -------------------------
CREATE TEMP TABLE before AS SELECT tests.state() AS s, (SELECT count(*) FROM tickets.file_ledger) AS ledger_rows;

SELECT throws_ok($$ SELECT tests.stage_bytes('changes/zz-latin1.csv',
                      convert_to(E'ticket_id,region\nINC9,', 'UTF8') || '\xe96c646f726574'::bytea) $$,
                 '22021', NULL, 'a file that is not valid UTF-8 fails to load (22021)');
SELECT throws_ok($$ SELECT tests.ingest('changes/quote.csv', E'ticket_id,region\nINC9,"Nairobi\nINC10,Kisumu\n') $$,
                 '22P04', NULL, 'a file with an unterminated quote fails to load (22P04)');
SELECT throws_ok($$ SELECT tests.ingest('changes/ragged.csv', E'ticket_id,region\nINC9,Nairobi,extra\n') $$,
                 '22P04', NULL, 'a row with more fields than the header fails to load (22P04)');
SELECT throws_ok($$ SELECT tests.ingest('changes/noid.csv', E'id,region\nINC9,Nairobi\n') $$,
                 'FT101', NULL, 'a file without a ticket_id column fails to stage (FT101)');
SELECT throws_ok($$ SELECT tests.ingest('changes/dup.csv', E'ticket_id,region,REGION\nINC9,a,b\n') $$,
                 'FT102', NULL, 'a file with a duplicated header name fails to stage (FT102)');
SELECT is(tests.state(), (SELECT s FROM before), 'the failed loads changed nothing');

SELECT tickets.record_rejected_file(p_key => 'changes/zz-latin1.csv', p_reason => 'invalid byte sequence for encoding "UTF8": 0xe9',
                                    p_line => 2, p_etag => 'abc', p_size_bytes => 24);
SELECT results_eq($$ SELECT outcome::text, error_line, etag, rows_read, archive_key FROM tickets.file_ledger WHERE file_key = 'changes/zz-latin1.csv' $$,
                  $$ VALUES ('rejected', 2::bigint, 'abc', 0, NULL::text) $$,
                  'a rejected file gets a ledger row with its line and reason (and, named by hand, no place in the bucket)');
SELECT is((SELECT count(*) FROM tickets.file_ledger), (SELECT ledger_rows + 1 FROM before),
          'recording the rejection adds exactly one ledger row');
SELECT is((SELECT count(*) FROM tickets.inc), 5::bigint, 'no ticket of a rejected file was applied');
SELECT is((SELECT metadata ->> 'source_max_key' FROM tickets.import_meta WHERE source = 'inc'), 'changes/zz-latin1.csv',
          'the watermark passes a rejected file');
SELECT throws_ok($$ SELECT tickets.record_rejected_file(p_key => 'changes/x.csv', p_reason => '') $$,
                 'FT009', NULL, 'a rejection without a reason is refused (FT009)');

SELECT * FROM finish();
ROLLBACK;
