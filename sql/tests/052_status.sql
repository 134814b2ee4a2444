-- Stage 052: what `fleettickets status` judges the feed by: tickets.feed_status (freshness,
-- the latest file, stale and failed) and tickets.placement_coverage (how the tickets are placed).
BEGIN;
SELECT plan(15);

-- Times read as EAT whatever the session's time zone; UTC here makes a slip show.
SET LOCAL TimeZone = 'UTC';

-- An empty database: nothing ingested yet
SELECT is((SELECT stale FROM tickets.feed_status('2026-06-22 12:00+03', '3 days')), true,
          'a database that has ingested nothing is stale: there is no data to be fresh');
SELECT is((SELECT last_file_failed FROM tickets.feed_status('2026-06-22 12:00+03', '3 days')), false,
          'and no file has failed');
SELECT ok((SELECT watermark_key IS NULL AND last_ledger_id IS NULL AND content_lag_minutes IS NULL
             FROM tickets.feed_status('2026-06-22 12:00+03', '3 days')),
          'it has no watermark, no latest file and no content lag');
SELECT is((SELECT count(*) FROM tickets.placement_coverage()), 0::bigint, 'no ticket, no coverage row');

SELECT tests.ingest('automations/inc/changes/20260622T113000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,source_updated_at,cluster,latitude,longitude',
  'S1,open,2026-06-22 11:20:00,,-1.2921,36.8219',
  'S2,open,2026-06-22 11:10:00,KLM,,',
  'S3,in_progress,2026-06-22 11:00:00,,,',
  'S4,closed,2026-06-22 10:00:00,,,',
  ''), 'apply');

SELECT results_eq($$ SELECT watermark_key, data_fresh_to, content_lag_minutes, last_file_key, last_outcome, stale,
                            last_file_failed
                       FROM tickets.feed_status('2026-06-22 12:00+03', '3 days') $$,
                  $$ VALUES ('automations/inc/changes/20260622T113000.csv', '2026-06-22 11:20+03'::timestamptz, 40,
                             'automations/inc/changes/20260622T113000.csv', 'applied', false, false) $$,
                  'after a file: its key is the watermark, the data is fresh to its newest row, 40 minutes behind p_now');
SELECT is((SELECT stale FROM tickets.feed_status('2026-06-25 11:20+03', '3 days')), false,
          'a content lag of exactly p_max_lag is not stale yet');
SELECT is((SELECT stale FROM tickets.feed_status('2026-06-25 11:21+03', '3 days')), true,
          'a minute more is');
SELECT is((SELECT stale FROM tickets.feed_status('2026-06-22 12:00+03', '30 minutes')), true,
          'p_max_lag is the caller''s: 40 minutes behind is stale against 30');
SELECT is((SELECT content_lag_minutes FROM tickets.feed_status('2026-06-22 12:00+03', '3 days')),
          (reporting.fn_health('2026-06-22 12:00+03') #>> '{freshness,content_lag_minutes}')::integer,
          'the content lag is the one /healthz reports');

SELECT results_eq($$ SELECT placed_by, tickets, open_tickets FROM tickets.placement_coverage() ORDER BY placed_by $$,
                  $$ VALUES ('cluster', 1::bigint, 1::bigint), ('feed', 1, 1), ('unplaced', 2, 1) $$,
                  'coverage counts tickets per geo_source, open ones apart, and the unplaced');

SELECT tickets.record_rejected_file(p_key => 'automations/inc/changes/20260622T115000.csv',
                                    p_reason => 'unterminated CSV quoted field', p_line => 3, p_mode => 'apply');
SELECT results_eq($$ SELECT last_file_key, last_outcome, last_file_failed FROM tickets.feed_status(now(), '3 days') $$,
                  $$ VALUES ('automations/inc/changes/20260622T115000.csv', 'rejected', true) $$,
                  'a rejected latest file is a failed one');
SELECT is((SELECT rejected_files_24h FROM tickets.feed_status(now() + interval '1 minute', '3 days')), 1,
          'and it counts among the rejected files of the last 24 hours');
SELECT is((SELECT data_fresh_to FROM tickets.feed_status(now(), '3 days')), '2026-06-22 11:20+03'::timestamptz,
          'a rejected file leaves the data as fresh as it was');

SELECT tests.ingest('automations/inc/changes/20260622T121000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,source_updated_at',
  'S5,open,2026-06-22 12:05:00',
  ''), 'apply');
SELECT is((SELECT last_file_failed FROM tickets.feed_status(now(), '3 days')), false,
          'the next applied file ends the failure');

SELECT ok(NOT EXISTS (SELECT FROM pg_catalog.pg_proc AS p
                       WHERE p.oid IN ('tickets.feed_status(timestamptz, interval)'::regprocedure,
                                       'tickets.placement_coverage()'::regprocedure)
                         AND p.provolatile = 'v'),
          'both only read: neither is VOLATILE');

SELECT * FROM finish();
ROLLBACK;
