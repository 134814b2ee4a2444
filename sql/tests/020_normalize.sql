-- Stage 020: what each row becomes (contract rules 1-4).
BEGIN;
SELECT plan(57);

CREATE TEMP TABLE r AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T140003.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,raw_status,region,is_actionable,is_alarm,mttr,created_at_service,closed_at,source_updated_at,latitude,longitude,week_start,source_s3_key,department,Priority',
  ' inc0001 ,Open, in progress ,  NAIROBI ,Yes,no,596.5,2026-06-25 14:03:11,,2026-06-25T14:05:00.250,-1.2921,36.8219,2026-06-22,exports/x.csv,NOC,P1',
  'INC0002,closed,Closed,Kisumu,f,0,1432.4,2026-06-25T08:00:00,2026-06-26 08:00:00,2026-06-26 08:00:00,0,0,2026-06-22,exports/x.csv,NOC,P2',
  ',open,New,Kiambu,t,false,,,,2026-06-25 10:00:00,,,2026-06-22,exports/x.csv,NOC,P3',
  'INC0003,open,New,Kiambu,maybe,TRUE,,,,2026-06-25 10:00:00,,,2026-06-22,exports/x.csv,NOC,P3',
  'INC0004,open,New,"",N,n,abc,n/a,2026-02-30 10:00:00,2026-06-25 10:00:00,95.5,36.8,2026-06-22,exports/x.csv,NOC,"  "',
  'INC0005,pending,Pending,Mombasa,y,f,0.5,2026-06-25 23:59:59.999,,2026-06-25 10:00:00,-4.05,200,2026-06-22,exports/x.csv,NOC,P4',
  'INC0006,open,New,Mombasa,1,1,,,,2026-06-25 10:00:00,,,2026-06-22,exports/x.csv,NOC,P1',
  'Export Stopped - row limit 50000 reached,,,,,,,,,,,,,,,',
  ''));

-- Rule 1: alarms and the sentinel are dropped, a row without ticket_id is rejected -------
SELECT is((SELECT rows_read FROM r), 8, 'every record after the header is read');
SELECT is((SELECT alarm FROM r), 2, 'rows with is_alarm true (TRUE, 1) are counted as alarms');
SELECT ok(NOT EXISTS (SELECT FROM tickets.inc WHERE ticket_id IN ('INC0003', 'INC0006')), 'alarm rows are not ingested');
SELECT is((SELECT sentinel FROM r), 1, 'the EXPORT STOPPED row is recognised in any case');
SELECT ok((SELECT truncated FROM r), 'a file ending in the sentinel is recorded as truncated');
SELECT ok(NOT EXISTS (SELECT FROM tickets.inc WHERE ticket_id ILIKE 'export%'), 'the sentinel row is not ingested');
SELECT is((SELECT rejected_rows FROM r), 1, 'a row with an empty ticket_id is rejected');
SELECT results_eq($$ SELECT line, reason, row_text FROM tickets.rejected_row WHERE ledger_id = (SELECT ledger_id FROM r) $$,
                  $$ VALUES (4::bigint, 'ticket_id is empty', ',open,New,Kiambu,t,false,,,,2026-06-25 10:00:00,,,P3') $$,
                  'the rejected row is kept with its line, reason and text');
SELECT is((SELECT columns FROM tickets.rejected_row WHERE ledger_id = (SELECT ledger_id FROM r)),
          ARRAY['ticket_id', 'normalized_status', 'raw_status', 'region', 'is_actionable', 'is_alarm', 'mttr',
                'created_at_service', 'closed_at', 'source_updated_at', 'latitude', 'longitude', 'priority'],
          'a rejected row keeps its column names, and no exporter bookkeeping either');
SELECT is((SELECT inserted FROM r), 4, 'the rest of the file still ingests');
SELECT is((SELECT inserted + updated + unchanged + stale + duplicates + alarm + sentinel + rejected_rows FROM r),
          (SELECT rows_read FROM r), 'every row read is accounted for');

-- Rule 2: normalization -------------------------------------------------------------------
SELECT ok(EXISTS (SELECT FROM tickets.inc WHERE ticket_id = 'INC0001'), 'ticket_id is trimmed and upper-cased');
SELECT is((SELECT raw ->> 'ticket_id' FROM tickets.inc WHERE ticket_id = 'INC0001'), 'INC0001', 'raw holds the normalized ticket_id');
SELECT is((SELECT region FROM tickets.inc WHERE ticket_id = 'INC0001'), 'nairobi', 'region is trimmed and lower-cased');
SELECT is((SELECT raw_status FROM tickets.inc WHERE ticket_id = 'INC0001'), 'IN PROGRESS', 'raw_status is trimmed and upper-cased');
SELECT is((SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC0001'), 'open', 'normalized_status is lower-cased');
SELECT is((SELECT raw ->> 'normalized_status' FROM tickets.inc WHERE ticket_id = 'INC0001'), 'open',
          'normalized_status is lower-cased in raw too, like region: the typed column is raw as it is');

-- Rule 3: exporter bookkeeping is stored nowhere; unknown columns are kept ------------------
SELECT ok(NOT (SELECT raw ?| ARRAY['week_start', 'source_s3_key', 'department'] FROM tickets.inc WHERE ticket_id = 'INC0001'),
          'week_start, source_s3_key and department are not kept');
SELECT is((SELECT raw ->> 'priority' FROM tickets.inc WHERE ticket_id = 'INC0001'), 'P1', 'a column the contract does not list is kept in raw');
SELECT is((SELECT extra_columns FROM r), ARRAY['priority'], 'the ledger lists the columns the contract does not know');
SELECT ok(NOT (SELECT raw ? 'region' OR raw ? 'priority' FROM tickets.inc WHERE ticket_id = 'INC0004'),
          'an empty or all-blank field, quoted or not, is no value');
SELECT ok(NOT (SELECT raw ? 'closed_at' FROM tickets.inc WHERE ticket_id = 'INC0001'), 'an empty field is not stored in raw');

-- Rule 4: typed values ----------------------------------------------------------------------
SELECT results_eq($$ SELECT ticket_id, is_actionable FROM tickets.inc ORDER BY ticket_id $$,
                  $$ VALUES ('INC0001', true), ('INC0002', false), ('INC0004', false), ('INC0005', true) $$,
                  'booleans accept Yes, f, N, y');
SELECT is(ARRAY(SELECT tickets.parse_bool(v) FROM unnest(ARRAY['true','T','1','YES','y','FALSE','f','0','No','n',' yes ']) AS v),
          ARRAY[true,true,true,true,true,false,false,false,false,false,true],
          'every accepted boolean spelling parses, in any case');
SELECT is(ARRAY(SELECT tickets.parse_bool(v) FROM unnest(ARRAY['maybe','','2','on',NULL]) AS v),
          ARRAY[NULL,NULL,NULL,NULL,NULL]::boolean[], 'anything else is no boolean');
SELECT is((SELECT created_at_service FROM tickets.inc WHERE ticket_id = 'INC0001'), '2026-06-25 14:03:11+03'::timestamptz,
          'a timestamp is read as EAT wall-clock time');
SELECT is((SELECT source_updated_at FROM tickets.inc WHERE ticket_id = 'INC0001'), '2026-06-25 14:05:00.25+03'::timestamptz,
          'the ISO form with T and a fraction parses too');
SELECT is((SELECT created_at_service FROM tickets.inc WHERE ticket_id = 'INC0005'), '2026-06-25 23:59:59.999+03'::timestamptz,
          'a millisecond fraction is kept');
SELECT ok((SELECT created_at_service IS NULL AND raw ->> 'created_at_service' = 'n/a' FROM tickets.inc WHERE ticket_id = 'INC0004'),
          'a timestamp that does not parse is NULL and stays as text in raw');
SELECT ok((SELECT closed_at IS NULL AND raw ->> 'closed_at' = '2026-02-30 10:00:00' FROM tickets.inc WHERE ticket_id = 'INC0004'),
          'an impossible date is NULL and stays as text in raw');
SELECT is(ARRAY(SELECT tickets.eat_ts(v) FROM unnest(ARRAY['2024-02-29 00:00:00', '2023-02-29 00:00:00', '2026-04-31 00:00:00',
                                                           '2026-13-01 00:00:00', '2026-01-01 24:00:00', '2026-01-01 10:60:00',
                                                           '0000-01-01 00:00:00', '2026-1-1 00:00:00', ' 2026-01-01 00:00:00 ']) AS v),
          ARRAY['2024-02-29 00:00:00+03', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2026-01-01 00:00:00+03']::timestamptz[],
          'eat_ts knows leap years and month lengths, refuses out-of-range fields and ignores surrounding blanks');
SELECT is(ARRAY(SELECT tickets.eat_ts(v) FROM unnest(ARRAY['2026-06-25T14:03:11', '2026-06-25 14:03:11.123456789', '2026-06-25 14:03:11.1234567890',
                                                           '2026-06-25 14:03:11.', '2026-06-25 14:03', '2026-06-25', '2026-06-25 14:03:60',
                                                           '2026-06-25 14:03:11+03', E'\t2026-06-25 14:03:11\r\n', '2026-06-25 14:03:1a',
                                                           '2026-06-25 14:03:11 ', '1900-02-29 00:00:00', '2000-02-29 00:00:00', NULL]) AS v),
          ARRAY['2026-06-25 14:03:11+03', '2026-06-25 14:03:11.123457+03', NULL, NULL, NULL, NULL, NULL,
                NULL, '2026-06-25 14:03:11+03', NULL, '2026-06-25 14:03:11+03', NULL, '2000-02-29 00:00:00+03', NULL]::timestamptz[],
          'eat_ts takes a T or a space, a fraction of up to 9 digits, and nothing else');
SELECT is(ARRAY(SELECT tickets.eat_ts(v) FROM unnest(ARRAY[repeat(' ', 200) || '2026-06-25 14:03:11', repeat(' ', 300) || '2026-06-25 14:03:11',
                                                           repeat('2', 1000000)]) AS v),
          ARRAY['2026-06-25 14:03:11+03', NULL, NULL]::timestamptz[],
          'eat_ts trims blanks in a text of up to 256 bytes, and a long text is NULL, not an error');
SELECT is((SELECT mttr FROM tickets.inc WHERE ticket_id = 'INC0001'), 597, 'mttr 596.5 rounds half up to 597 minutes');
SELECT is((SELECT mttr FROM tickets.inc WHERE ticket_id = 'INC0002'), 1432, 'mttr 1432.4 rounds to 1432 minutes');
SELECT is((SELECT mttr FROM tickets.inc WHERE ticket_id = 'INC0005'), 1, 'mttr 0.5 rounds up to 1 minute');
SELECT ok((SELECT mttr IS NULL AND raw ->> 'mttr' = 'abc' FROM tickets.inc WHERE ticket_id = 'INC0004'),
          'an mttr that does not parse is NULL and stays as text in raw');

-- Coordinates --------------------------------------------------------------------------------
SELECT results_eq($$ SELECT latitude, longitude, geo_source, public.st_srid(geom) FROM tickets.inc WHERE ticket_id = 'INC0001' $$,
                  $$ VALUES (-1.2921::float8, 36.8219::float8, 'feed', 4326) $$,
                  'a feed point becomes geom (WGS 84) and the latitude/longitude');
SELECT ok((SELECT geo_source IS DISTINCT FROM 'feed' AND latitude IS DISTINCT FROM 0 FROM tickets.inc WHERE ticket_id = 'INC0002'),
          '0/0 is an unknown position (the ticket is placed some other way)');
SELECT ok((SELECT geom IS NULL FROM tickets.inc WHERE ticket_id = 'INC0004'), 'a latitude beyond 90 degrees is unknown');
SELECT ok((SELECT geo_source IS DISTINCT FROM 'feed' FROM tickets.inc WHERE ticket_id = 'INC0005'), 'a longitude beyond 180 degrees is unknown');
SELECT ok((SELECT geog IS NOT NULL FROM tickets.inc WHERE ticket_id = 'INC0001'), 'geog follows geom');
SELECT is(ARRAY(SELECT tickets.parse_degrees(v, 90) FROM unnest(ARRAY['-1.5', '+2', '.5', '0', '0.000', '91', '1e3', 'abc', '']) AS v),
          ARRAY[-1.5, 2, 0.5, NULL, NULL, NULL, NULL, NULL, NULL]::float8[],
          'parse_degrees reads decimals and refuses 0, out of range and anything else');

-- Rule 4: a bad value never fails the file ----------------------------------------------------
SELECT is((SELECT outcome::text FROM r), 'applied', 'a file full of bad values is still applied');
SELECT is((SELECT count(*) FROM tickets.inc), 4::bigint, 'four tickets landed');

-- Rejected rows are numbered by record (the header is line 1), whatever lies between them --
CREATE TEMP TABLE r2 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T150003.csv', concat_ws(E'\n',
  'ticket_id,location_name,source_updated_at',
  ',"first, empty",2026-06-25 10:00:00',
  'INC0100,"two',
  'lines",2026-06-25 10:00:00',
  ',third,2026-06-25 10:00:00',
  ''));
SELECT results_eq($$ SELECT line, row_text FROM tickets.rejected_row WHERE ledger_id = (SELECT ledger_id FROM r2) ORDER BY line $$,
                  $$ VALUES (2::bigint, ',"first, empty",2026-06-25 10:00:00'), (4::bigint, ',third,2026-06-25 10:00:00') $$,
                  'each row without a ticket_id keeps its own line, after a field with a line break too');

-- Rule 2: the ticket number loses every white space and invisible character ---------------
SELECT is(ARRAY(SELECT tickets.clean_ticket_id(v)
                  FROM unnest(ARRAY[E'INC0700\u00A0', E'\u200BINC0700', E'inc\u200D0700', E'\uFEFFINC0700\u2060',
                                    E' \tINC0700\u3000', E'INC07\u200C00', E'\u00A0 inc0700 \r',
                                    E'\u200EINC07\u00AD00\u200F', E'\u2061INC0700\u2064']) AS v),
          array_fill('INC0700'::text, ARRAY[9]),
          'white space (no-break and ideographic too) is trimmed, invisible characters go wherever they stand, the case is upper');
SELECT is(tickets.clean_ticket_id(E'inc 0700'), 'INC 0700', 'a space inside a ticket number is the exporter''s: kept');
SELECT is(tickets.clean_ticket_id(E'\u00A0\u200B \uFEFF'), NULL, 'a ticket_id of only invisible characters is empty');

CREATE TEMP TABLE ids AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T160003.csv', concat_ws(E'\n',
  'ticket_id,owner',
  E'\u200Binc0701\u00A0,zero-width and no-break',
  E'\u00A0,only a no-break space',
  repeat('A', 8000) || ',eight kilobytes',
  repeat('B', 64) || ',sixty-four',
  repeat('C', 65) || ',sixty-five',
  'INC0701,the same ticket again',
  ''));
SELECT results_eq($$ SELECT inserted, duplicates, rejected_rows FROM ids $$, $$ VALUES (2, 1, 3) $$,
                  'the invisible characters make no second ticket; empty and over-long ids are rejected rows');
SELECT results_eq($$ SELECT line, reason FROM tickets.rejected_row WHERE ledger_id = (SELECT ledger_id FROM ids) ORDER BY line $$,
                  $$ VALUES (3::bigint, 'ticket_id is empty'), (4::bigint, 'ticket_id is longer than 64 characters (8000)'),
                            (6::bigint, 'ticket_id is longer than 64 characters (65)') $$,
                  'each rejected id keeps its line and says why; the file around it ingests');
SELECT ok(EXISTS (SELECT FROM tickets.inc WHERE ticket_id = repeat('B', 64)), 'a ticket_id of 64 characters is kept');

-- Rule 4: no text makes a parser raise, and a file of such values is applied -------------
SELECT is(ARRAY(SELECT tickets.parse_minutes(v) FROM unnest(ARRAY['1.' || repeat('5', 20000), repeat('9', 20000),
                  '.' || repeat('5', 20000), '1e400', 'NaN', 'Infinity', '-5', '999999999.5']) AS v),
          ARRAY[NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1000000000]::integer[],
          'parse_minutes gives NULL, never an error, for 20,000 digits, 1e400, NaN, Infinity and negatives');
SELECT is(ARRAY(SELECT tickets.parse_degrees(v, 90) FROM unnest(ARRAY['1.' || repeat('5', 20000), '-' || repeat('0', 20000) || '1',
                  '1e400', 'NaN', '-Infinity']) AS v),
          ARRAY[NULL, NULL, NULL, NULL, NULL]::float8[], 'parse_degrees gives NULL, never an error, for the same');
SELECT is(ARRAY(SELECT tickets.eat_ts(v) FROM unnest(ARRAY['10000-01-01 00:00:00', '2026-06-25 14:03:11.' || repeat('1', 20000),
                  repeat('2026-06-25 14:03:11', 1000)]) AS v),
          ARRAY[NULL, NULL, NULL]::timestamptz[], 'eat_ts gives NULL for a year 10,000 and for very long text');
CREATE TEMP TABLE poison AS
SELECT * FROM tests.ingest('automations/inc/changes/20260625T170003.csv',
  E'ticket_id,mttr,latitude,longitude,closed_at,is_actionable\n'
  || 'INC0900,' || repeat('9', 20000) || ',1.' || repeat('5', 20000) || ',NaN,10000-01-01 00:00:00,' || repeat('t', 5000) || E'\n');
SELECT results_eq($$ SELECT outcome::text, inserted FROM poison $$, $$ VALUES ('applied', 1) $$,
                  'a row of 20,000-digit numbers, NaN and a year 10,000 is applied, not a failed file');
SELECT ok((SELECT mttr IS NULL AND geom IS NULL AND closed_at IS NULL AND is_actionable IS NULL
                  AND length(raw ->> 'mttr') = 20000 FROM tickets.inc WHERE ticket_id = 'INC0900'),
          'each such value is NULL in its typed column and kept whole in raw');

SELECT * FROM finish();
ROLLBACK;
