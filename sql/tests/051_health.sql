-- Stage 051: reporting.fn_health, what the dashboard server's /healthz reports: the schema
-- version from Flyway's history and the freshness of the feed, readable by the reader role,
-- which may read neither of them itself.
BEGIN;
SELECT plan(7);

-- Times read as EAT whatever the session's time zone; UTC here makes a slip show.
SET LOCAL TimeZone = 'UTC';

SELECT tests.ingest('automations/inc/changes/20260622T113000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,source_updated_at',
  'H1,open,2026-06-22 11:20:00',
  ''));

SELECT is(reporting.fn_health('2026-06-22 12:00+03') ->> 'schema_version',
          (SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL
            ORDER BY installed_rank DESC LIMIT 1)::text,
          'the schema version is the latest versioned migration Flyway applied');
SELECT is(reporting.fn_health('2026-06-22 12:00+03') -> 'freshness',
          reporting.fn_tickets_for_map('2026-06-22 12:00+03') #> '{summary,freshness}',
          'the freshness is the one the map''s payload carries, at the same p_now');
SELECT is(reporting.fn_health('2026-06-22 12:00+03') #>> '{freshness,data_fresh_to}', '2026-06-22T11:20:00+03:00',
          'its times read as EAT');
SELECT is(reporting.fn_health('2026-06-22 12:00+03') #>> '{freshness,content_lag_minutes}', '40',
          'p_now is the moment the freshness is measured at');

SET LOCAL ROLE fleettickets_reader;
SELECT is(reporting.fn_health('2026-06-22 12:00+03') #>> '{freshness,watermark_key}', 'automations/inc/changes/20260622T113000.csv',
          'the reader calls fn_health');
SELECT throws_ok($$ SELECT version FROM flyway_schema_history $$, '42501', NULL,
                 'the reader cannot read Flyway''s history itself');
RESET ROLE;

SELECT ok(NOT has_function_privilege('public', 'reporting.fn_health(timestamptz)', 'EXECUTE'),
          'PUBLIC cannot call fn_health');

SELECT * FROM finish();
ROLLBACK;
