-- Stage 040: history. The age and SLA of open tickets (tickets.inc_age_and_sla and the
-- policy behind it), the closures tickets.capture_history observes (append-only, a second
-- row for a ticket closed again), its idempotence, and the daily snapshot per EAT day.
-- Every clock is pinned (p_now); times in the files are EAT wall-clock time.
BEGIN;
SELECT plan(44);

-- A day is an EAT day whatever the session's time zone; UTC here makes a UTC slip show.
SET LOCAL TimeZone = 'UTC';
SET LOCAL client_min_messages = warning;

-- Age and SLA of open tickets ----------------------------------------------------------------
-- At 2026-06-22 12:00 EAT. The default target is 1440 minutes, at risk from 1152 (80%).
SELECT tests.ingest('automations/inc/changes/20260622T110000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,cluster,created_at_service,first_seen_at,sla_status',
  'S01,open,SLA,2026-06-22 11:00:00,2026-06-22 11:30:00,SLA Breached',
  'S02,open,SLA,,2026-06-21 12:00:00,',
  'S03,pending,SLA,,,',
  'S04,in_progress,SLA,2026-06-21 16:48:00,,',
  'S05,open,SLA,2026-06-21 16:48:30,,',
  'S06,open,SLA,2026-06-21 12:00:30,,',
  'S07,open,OVR,2026-06-22 10:24:00,,',
  'S08,open,OVR,2026-06-22 09:59:00,,',
  'S09,cancelled,SLA,2026-06-22 08:00:00,,',
  ''));
INSERT INTO tickets.sla_policy (cluster, target_minutes, note) VALUES ('OVR', 120, 'a two-hour cluster, for the tests');
CREATE TEMP TABLE sla AS SELECT * FROM tickets.inc_age_and_sla('2026-06-22 12:00+03');

SELECT results_eq($$ SELECT age_from, age_minutes, sla_state, sla_target_minutes, minutes_to_breach FROM sla WHERE ticket_id = 'S01' $$,
                  $$ VALUES ('created_at_service', 60, 'within', 1440, 1380) $$,
                  'the age runs from created_at_service when the ticket has it, against the default target of 1440 minutes');
SELECT is((SELECT sla_state FROM sla WHERE ticket_id = 'S01'), 'within',
          'the source''s sla_status (SLA Breached) is not used for an open ticket');
SELECT results_eq($$ SELECT age_from, age_minutes FROM sla WHERE ticket_id = 'S02' $$,
                  $$ VALUES ('first_seen_at', 1440) $$,
                  'without created_at_service the age falls back to first_seen_at, and age_from says so');
SELECT results_eq($$ SELECT age_from, age_minutes, sla_state, minutes_to_breach FROM sla WHERE ticket_id = 'S03' $$,
                  $$ VALUES (NULL::text, NULL::integer, NULL::text, NULL::integer) $$,
                  'with neither timestamp the age, age_from and SLA state are NULL, not a guess');
SELECT results_eq($$ SELECT ticket_id, age_minutes, sla_state FROM sla WHERE ticket_id IN ('S05', 'S04', 'S06', 'S02')
                      ORDER BY age_minutes $$,
                  $$ VALUES ('S05', 1151, 'within'), ('S04', 1152, 'at_risk'), ('S06', 1439, 'at_risk'), ('S02', 1440, 'breached') $$,
                  'a ticket is within below 80% of the target, at_risk from 80% (1152 of 1440 minutes) and breached from the target itself');
SELECT results_eq($$ SELECT ticket_id, sla_target_minutes, age_minutes, sla_state, minutes_to_breach FROM sla
                      WHERE cluster = 'OVR' ORDER BY ticket_id $$,
                  $$ VALUES ('S07', 120, 96, 'at_risk', 24), ('S08', 120, 121, 'breached', -1) $$,
                  'a cluster''s own row in tickets.sla_policy beats the default (120 minutes: at risk at 96, breached past 120)');
SELECT set_eq($$ SELECT ticket_id FROM sla WHERE cluster IN ('SLA', 'OVR') $$,
              ARRAY['S01', 'S02', 'S03', 'S04', 'S05', 'S06', 'S07', 'S08'],
              'only open, in_progress and pending tickets have an open SLA (a cancelled one has none)');
SELECT set_eq($$ SELECT ticket_id, age_minutes, sla_state FROM tickets.inc_open_sla $$,
              $$ SELECT ticket_id, age_minutes, sla_state FROM tickets.inc_age_and_sla(now()) $$,
              'the view tickets.inc_open_sla is the same derivation at now()');

UPDATE tickets.sla_policy SET target_minutes = 2000 WHERE cluster IS NULL;
SELECT is((SELECT sla_state FROM tickets.inc_age_and_sla('2026-06-22 12:00+03') WHERE ticket_id = 'S02'), 'within',
          'a new default target applies at once (1440 minutes of 2000 is within)');
DELETE FROM tickets.sla_policy WHERE cluster = 'OVR';
SELECT is((SELECT sla_state FROM tickets.inc_age_and_sla('2026-06-22 12:00+03') WHERE ticket_id = 'S08'), 'within',
          'a cluster''s own row can be removed, and its tickets fall back to the default');
UPDATE tickets.sla_policy SET target_minutes = 1440 WHERE cluster IS NULL;
SELECT throws_ok($$ DELETE FROM tickets.sla_policy WHERE cluster IS NULL $$, 'FT012', NULL,
                 'the default SLA row cannot be deleted (FT012)');
SELECT throws_ok($$ UPDATE tickets.sla_policy SET cluster = 'KLM' WHERE cluster IS NULL $$, 'FT012', NULL,
                 'the default SLA row cannot be turned into a cluster''s row (FT012)');
SELECT throws_ok($$ INSERT INTO tickets.sla_policy (cluster, target_minutes) VALUES (NULL, 60) $$, '23505', NULL,
                 'there is only one default SLA row');

-- Closures: observed by the captures, a second one after a reopen ----------------------------
-- RO1 arrives closed (a manual file), is reopened, and is closed again by an applied file.
SELECT tests.ingest('automations/inc/changes/20260610T093000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,raw_status,cluster,region,assigned_team,owner,created_at_service,closed_at,mttr,sla_status',
  'RO1,closed,Closed,RO,nairobi,Team North,Achieng,2026-06-10 07:30:00,2026-06-10 09:30:00,120,Within SLA',
  ''), 'manual');
CREATE TEMP TABLE cap1 AS SELECT * FROM tickets.capture_history('2026-06-10 10:00+03');
SELECT results_eq($$ SELECT day, closures, reopened FROM cap1 $$, $$ VALUES ('2026-06-10'::date, 1, 0) $$,
                  'a ticket never observed before and closed now is a closure');

SELECT tests.ingest('automations/inc/changes/20260611T090000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,raw_status,cluster,region,assigned_team,owner,created_at_service',
  'RO1,in_progress,Reopened,RO,nairobi,Team South,Baraka,2026-06-10 07:30:00',
  ''), 'manual');
CREATE TEMP TABLE cap2 AS SELECT * FROM tickets.capture_history('2026-06-11 10:00+03');
SELECT results_eq($$ SELECT closures, reopened FROM cap2 $$, $$ VALUES (0, 1) $$,
                  'a ticket seen closed last time and open now is counted as reopened, not as a closure');
SELECT ok(NOT EXISTS (SELECT FROM tickets.closure_seen WHERE ticket_id = 'RO1'),
          'a reopened ticket is forgotten by closure_seen, so that closing it again is a new closure');

SELECT tests.ingest('automations/inc/changes/20260612T090000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,raw_status,cluster,region,assigned_team,owner,created_at_service,closed_at,mttr,sla_status',
  'RO1,resolved,Resolved,RO,nairobi,Team South,Baraka,2026-06-10 07:30:00,2026-06-12 09:00:00,1530,SLA Breached',
  ''), 'apply');
CREATE TEMP TABLE cap3 AS SELECT * FROM tickets.capture_history('2026-06-12 10:00+03');
SELECT is((SELECT closures FROM cap3), 1, 'closing the reopened ticket again is a second closure');
SELECT results_eq(
  $$ SELECT normalized_status, raw_status, closed_at, cluster, region, assigned_team, owner, mttr, sla_status, file_key, observed_at
       FROM tickets.closure_events WHERE ticket_id = 'RO1' ORDER BY closure_id $$,
  $$ VALUES ('closed', 'CLOSED', '2026-06-10 09:30+03'::timestamptz, 'RO', 'nairobi', 'Team North', 'Achieng', 120, 'Within SLA',
             'automations/inc/changes/20260610T093000.csv', '2026-06-10 10:00+03'::timestamptz),
            ('resolved', 'RESOLVED', '2026-06-12 09:00+03'::timestamptz, 'RO', 'nairobi', 'Team South', 'Baraka', 1530, 'SLA Breached',
             'automations/inc/changes/20260612T090000.csv', '2026-06-12 10:00+03'::timestamptz) $$,
  'each closure keeps what was true then: status, closed_at, cluster, region, team, owner, MTTR, source SLA, the file that brought it, observed_at = p_now');
SELECT is((SELECT count(*) FROM tickets.closure_events AS e JOIN tickets.file_ledger AS l USING (ledger_id)
            WHERE e.ticket_id = 'RO1' AND l.file_key = e.file_key), 2::bigint,
          'each closure names the ledger row of the file that brought it');
SELECT is((SELECT closure_id FROM tickets.closure_seen WHERE ticket_id = 'RO1'),
          (SELECT max(closure_id) FROM tickets.closure_events WHERE ticket_id = 'RO1'),
          'closure_seen points at the ticket''s latest closure');

SELECT tests.ingest('automations/inc/changes/20260612T120000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,raw_status,cluster,region,assigned_team,owner,created_at_service,closed_at,mttr,sla_status',
  'RO1,closed,Closed,RO,nairobi,Team South,Baraka Otieno,2026-06-10 07:30:00,2026-06-12 09:00:00,1530,SLA Breached',
  ''), 'manual');
SELECT is((SELECT closures FROM tickets.capture_history('2026-06-12 13:00+03')), 0,
          'a new version of a ticket that stayed closed is no new closure');

-- Whichever way a closed version arrives, the next capture observes it.
SELECT tests.ingest('automations/inc/changes/20260613T080000.csv',
                    E'ticket_id,normalized_status,cluster,closed_at\nRM1,closed,RO,2026-06-13 07:00:00\n', 'manual');
SELECT tests.ingest('automations/inc/changes/20260613T081000.csv',
                    E'ticket_id,normalized_status,cluster,closed_at\nRP1,resolved,RO,2026-06-13 07:10:00\n', 'reseed');
SELECT tests.ingest('automations/inc/changes/20260613T082000.csv',
                    E'ticket_id,normalized_status,cluster,closed_at\nRQ1,closed,RO,2026-06-13 07:20:00\n', 'apply');
SELECT is((SELECT closures FROM tickets.capture_history('2026-06-13 09:00+03')), 3,
          'one capture observes the closures of several files');
SELECT set_eq($$ SELECT e.ticket_id, l.mode::text, e.file_key, e.observed_at FROM tickets.closure_events AS e
                   JOIN tickets.file_ledger AS l USING (ledger_id) WHERE e.ticket_id IN ('RM1', 'RP1', 'RQ1') $$,
              $$ VALUES ('RM1', 'manual', 'automations/inc/changes/20260613T080000.csv', '2026-06-13 09:00+03'::timestamptz),
                        ('RP1', 'reseed', 'automations/inc/changes/20260613T081000.csv', '2026-06-13 09:00+03'::timestamptz),
                        ('RQ1', 'apply', 'automations/inc/changes/20260613T082000.csv', '2026-06-13 09:00+03'::timestamptz) $$,
              'a closure is observed whichever way it arrived: a manual ingest, a reseed or an applied drain');

-- History is append-only.
CREATE TEMP TABLE events_before AS SELECT count(*) AS n FROM tickets.closure_events;
SELECT throws_ok($$ UPDATE tickets.closure_events SET owner = 'someone else' WHERE ticket_id = 'RO1' $$, 'FT013', NULL,
                 'a closure event cannot be updated (FT013)');
SELECT throws_ok($$ DELETE FROM tickets.closure_events WHERE ticket_id = 'RO1' $$, 'FT013', NULL,
                 'a closure event cannot be deleted (FT013)');
SELECT throws_ok($$ TRUNCATE tickets.closure_events CASCADE $$, 'FT013', NULL,
                 'closure_events cannot be truncated, not even with CASCADE (FT013)');
SELECT throws_ok($$ TRUNCATE tickets.closure_events $$, '0A000', NULL,
                 'a plain TRUNCATE of closure_events is refused too (closure_seen refers to it)');
SELECT is((SELECT count(*) FROM tickets.closure_events), (SELECT n FROM events_before),
          'after the refused statements every closure event is still there');

-- The daily snapshot, per EAT day and cluster ------------------------------------------------
SELECT tests.ingest('automations/inc/changes/20260621T230000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,cluster,created_at_service,first_seen_at,closed_at',
  'D01,open,KLM,2026-06-22 09:00:00,,',
  'D02,in_progress,KLM,2026-06-21 10:00:00,,',
  'D03,pending,KLM,2026-06-21 14:00:00,,',
  'D04,resolved,KLM,2026-06-21 20:00:00,,2026-06-22 00:30:00',   -- closed 21:30 UTC on the 21st
  'D05,closed,KLM,2026-06-21 08:00:00,,2026-06-21 23:30:00',
  'D06,open,WST,2026-06-22 11:00:00,,',
  'D07,open,WST,,2026-06-22 10:00:00,',
  'D08,cancelled,WST,2026-06-22 08:00:00,,',
  'D09,open,,2026-06-22 07:00:00,,',
  'D10,open,,,,',
  'D11,closed,MSA,2026-06-20 09:00:00,,2026-06-22 08:00:00',
  'D12,open,TMP,2026-06-15 10:00:00,,',
  ''));
SELECT tickets.capture_history('2026-06-21 23:50+03');
SELECT results_eq($$ SELECT opened, closed FROM tickets.inc_daily_snapshot WHERE day = '2026-06-21' AND cluster = 'KLM' $$,
                  $$ VALUES (4, 1) $$,
                  'a ticket closed at 23:30 EAT belongs to that EAT day, one closed at 00:30 EAT to the next');
SELECT is((SELECT day FROM tickets.capture_history('2026-06-22 00:10+03')), '2026-06-22'::date,
          'a capture at 00:10 EAT (21:10 UTC the day before) fills the EAT day');

CREATE TEMP TABLE cap_noon AS SELECT * FROM tickets.capture_history('2026-06-22 12:00+03');
SELECT results_eq(
  $$ SELECT cluster, open_backlog, open_breached, open_at_risk, opened, closed, median_open_age_min
       FROM tickets.inc_daily_snapshot WHERE day = '2026-06-22' AND (cluster IN ('KLM', 'WST', 'MSA', 'TMP') OR cluster IS NULL)
      ORDER BY cluster NULLS FIRST $$,
  $$ VALUES (NULL::text, 2, 0, 0, 1, 0, 300::numeric),
            ('KLM', 3, 1, 1, 1, 1, 1320),
            ('MSA', 0, 0, 0, 0, 1, NULL),
            ('TMP', 1, 1, 0, 0, 0, 10200),
            ('WST', 2, 0, 0, 3, 0, 90) $$,
  'per cluster (NULL included): open backlog, breached, at risk, opened and closed that EAT day, median open age');
SELECT is((SELECT captured_at FROM tickets.inc_daily_snapshot WHERE day = '2026-06-22' AND cluster = 'KLM'),
          '2026-06-22 12:00+03'::timestamptz, 'a row changed by a capture carries its p_now');
SELECT is((SELECT first_captured_at FROM tickets.history_day WHERE day = '2026-06-22'), '2026-06-22 00:10+03'::timestamptz,
          'history_day keeps the first capture of the day');
SELECT set_eq($$ SELECT day FROM tickets.history_day $$,
              ARRAY['2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13', '2026-06-21', '2026-06-22']::date[],
              'history_day holds exactly the EAT days a capture ran on');

-- A second capture with the same p_now changes nothing.
CREATE TEMP TABLE fingerprint AS
SELECT (SELECT md5(string_agg(e::text, '|' ORDER BY e.closure_id)) FROM tickets.closure_events AS e) AS events,
       (SELECT md5(string_agg(s::text, '|' ORDER BY s.ticket_id)) FROM tickets.closure_seen AS s) AS seen,
       (SELECT md5(string_agg(d::text, '|' ORDER BY d.day, d.cluster)) FROM tickets.inc_daily_snapshot AS d) AS snapshot,
       (SELECT md5(string_agg(h::text, '|' ORDER BY h.day)) FROM tickets.history_day AS h) AS days,
       (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_xact_user_tables
         WHERE relid IN ('tickets.closure_events'::regclass, 'tickets.closure_seen'::regclass,
                         'tickets.inc_daily_snapshot'::regclass, 'tickets.history_day'::regclass)) AS writes;
CREATE TEMP TABLE cap_again AS SELECT * FROM tickets.capture_history('2026-06-22 12:00+03');
SELECT results_eq($$ SELECT day, closures, reopened, snapshot_rows FROM cap_again $$,
                  $$ VALUES ('2026-06-22'::date, 0, 0, 0) $$,
                  'a second capture with the same p_now finds no closure and writes no snapshot row');
SELECT results_eq(
  $$ SELECT (SELECT md5(string_agg(e::text, '|' ORDER BY e.closure_id)) FROM tickets.closure_events AS e),
            (SELECT md5(string_agg(s::text, '|' ORDER BY s.ticket_id)) FROM tickets.closure_seen AS s),
            (SELECT md5(string_agg(d::text, '|' ORDER BY d.day, d.cluster)) FROM tickets.inc_daily_snapshot AS d),
            (SELECT md5(string_agg(h::text, '|' ORDER BY h.day)) FROM tickets.history_day AS h) $$,
  $$ SELECT events, seen, snapshot, days FROM fingerprint $$,
  'closure_events, closure_seen, inc_daily_snapshot and history_day are byte-identical after it');
SELECT is((SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_xact_user_tables
            WHERE relid IN ('tickets.closure_events'::regclass, 'tickets.closure_seen'::regclass,
                            'tickets.inc_daily_snapshot'::regclass, 'tickets.history_day'::regclass)),
          (SELECT writes FROM fingerprint),
          'and no row of them was inserted, updated or deleted (pg_stat_xact_user_tables)');

-- Later that day: TMP's only ticket is cancelled, so TMP has no figure left for the day.
SELECT tests.ingest('automations/inc/changes/20260622T150000.csv',
                    E'ticket_id,normalized_status,cluster,created_at_service\nD12,cancelled,TMP,2026-06-15 10:00:00\n');
CREATE TEMP TABLE cap_evening AS SELECT * FROM tickets.capture_history('2026-06-22 18:00+03');
SELECT ok(NOT EXISTS (SELECT FROM tickets.inc_daily_snapshot WHERE day = '2026-06-22' AND cluster = 'TMP'),
          'a cluster whose figures vanish later in the day loses its row for the day');
SELECT results_eq($$ SELECT opened, closed, captured_at FROM tickets.inc_daily_snapshot WHERE day = '2026-06-21' AND cluster = 'KLM' $$,
                  $$ VALUES (4, 1, '2026-06-21 23:50+03'::timestamptz) $$,
                  'the rows of another day stay as they were');
SELECT results_eq($$ SELECT open_backlog, median_open_age_min, captured_at FROM tickets.inc_daily_snapshot
                      WHERE day = '2026-06-22' AND cluster = 'KLM' $$,
                  $$ VALUES (3, 1680::numeric, '2026-06-22 18:00+03'::timestamptz) $$,
                  'the day''s figures are those of its last capture (ages at 18:00)');
SELECT is((SELECT snapshot_rows FROM cap_evening), 6,
          'the evening capture counts five rows rewritten (their open ages moved) and TMP''s row removed; MSA''s is left alone');

-- A cluster code spelled in two cases is one cluster.
SELECT tests.ingest('automations/inc/changes/20260622T190000.csv',
                    E'ticket_id,normalized_status,cluster,created_at_service\nD13,open,klm,2026-06-22 16:00:00\n');
SELECT lives_ok($$ SELECT tickets.capture_history('2026-06-22 19:00+03') $$, 'a capture with a lower-case cluster code runs');
SELECT results_eq($$ SELECT cluster, open_backlog FROM tickets.inc_daily_snapshot WHERE day = '2026-06-22' AND upper(cluster) = 'KLM' $$,
                  $$ VALUES ('KLM', 4) $$,
                  'klm and KLM are one snapshot row, in upper case');
SELECT throws_ok($$ SELECT tickets.capture_history(NULL) $$, 'FT204', NULL,
                 'a capture without a moment raises FT204');

SELECT * FROM finish();
ROLLBACK;
