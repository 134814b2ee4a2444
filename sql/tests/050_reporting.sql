-- Stage 050: the read API (docs/read-api.md). reporting.fn_inc_dashboard (windows, ranges,
-- filters, metrics, features, backlog trend, freshness), reporting.fn_tickets_for_map,
-- reporting.fn_nearest_open_tickets and its index, the domain errors, an empty database,
-- and what the reader role may and may not do. Every clock is pinned at
-- 2026-06-22 12:00 EAT; times in the files are EAT wall-clock time.
BEGIN;
SELECT plan(98);

-- A bare date is an EAT day whatever the session's time zone; UTC here makes a slip show.
SET LOCAL TimeZone = 'UTC';

-- An empty database: nothing ingested yet ------------------------------------------------------
CREATE TEMP TABLE empty AS
SELECT reporting.fn_inc_dashboard(p_now => '2026-06-22 12:00+03') AS dash,
       reporting.fn_tickets_for_map('2026-06-22 12:00+03') AS map,
       reporting.fn_nearest_open_tickets(36.82, -1.29, p_now => '2026-06-22 12:00+03') AS nearest;
SELECT results_eq($$ SELECT dash -> 'open', dash -> 'closed', map - 'summary', nearest FROM empty $$,
                  $$ SELECT f, f, f, f FROM (SELECT '{"type": "FeatureCollection", "features": []}'::jsonb AS f) AS e $$,
                  'with nothing ingested, every layer is a valid FeatureCollection with features = []');
SELECT is((SELECT dash -> 'metrics' FROM empty),
          '{"open": 0, "open_breached": 0, "open_at_risk": 0, "open_unplaced": 0, "closed": 0, "closed_unplaced": 0,
            "mttr_median_min": null, "mttr_p90_min": null, "sla_met_pct": null,
            "by_cluster": [], "by_team": [], "backlog_trend": []}'::jsonb,
          'with nothing ingested, the dashboard counts zero, has no MTTR or SLA share, and empty lists');
SELECT is((SELECT (map -> 'summary') - 'freshness' FROM empty),
          '{"open": 0, "by_status": {"open": 0, "in_progress": 0, "pending": 0}, "unplaced": 0}'::jsonb,
          'with nothing ingested, the map''s summary counts zero');

-- The fixture -------------------------------------------------------------------------------
-- Open at 12:00: O1 within (60 min), O2 breached, O3 at risk (unplaced), O4 breached (aged
-- from first_seen_at), O5 without cluster, team or age (unplaced), O6 within.
-- Closed: C01 10:00 today, C02 exactly 24 h before (unplaced), C03 one second earlier,
-- C04 exactly 7 days before, C05 one second earlier, C06 on the 18th without MTTR,
-- C07 in May; R20A/R20B/R21 at the edges of the EAT day 2026-06-20; X1 cancelled.
SELECT tests.ingest('automations/inc/changes/20260622T113000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,raw_status,cluster,assigned_team,owner,created_at_service,first_seen_at,closed_at,mttr,sla_status,latitude,longitude,source_updated_at',
  'O1,open,Assigned,ALF,Bravo,Wanjiru,2026-06-22 11:00:00,,,,,-1.2920659,36.8219462,2026-06-22 11:30:00',
  'O2,in_progress,Work In Progress,ALF,Alpha,Otieno,2026-06-21 10:00:00,,,,,-1.30,36.80,',
  'O3,pending,Pending,ALF,Bravo,Wanjiru,2026-06-21 14:00:00,,,,,,,',
  'O4,open,Assigned,BRV,Bravo,Kamau,,2026-06-20 12:00:00,,,,-1.25,36.90,',
  'O5,open,Assigned,,,,,,,,,,,',
  'O6,in_progress,Work In Progress,CHL,Charlie,Mwangi,2026-06-22 08:00:00,,,,,-4.05,39.66,',
  'C01,resolved,Resolved,ALF,Alpha,Otieno,,,2026-06-22 10:00:00,30,Within SLA,-1.2921,36.8220,',
  'C02,closed,Closed,ALF,Alpha,Otieno,,,2026-06-21 12:00:00,60,SLA Breached,,,',
  'C03,closed,Closed,BRV,Bravo,Kamau,,,2026-06-21 11:59:59,90,Within SLA,-1.26,36.85,',
  'C04,closed,Closed,BRV,Bravo,Kamau,,,2026-06-15 12:00:00,120,,-1.27,36.86,',
  'C05,closed,Closed,ALF,Alpha,Otieno,,,2026-06-15 11:59:59,600,Within SLA,-1.28,36.87,',
  'C06,closed,Closed,CHL,Charlie,Mwangi,,,2026-06-18 08:00:00,,,-4.06,39.67,',
  'C07,closed,Closed,ALF,Alpha,Otieno,,,2026-05-20 10:00:00,45,Within SLA,-1.29,36.88,',
  'R20A,closed,Closed,DLT,Delta,Njeri,,,2026-06-20 00:00:00,,,-0.10,34.75,',
  'R20B,closed,Closed,DLT,Delta,Njeri,,,2026-06-20 23:59:59,,,-0.11,34.76,',
  'R21,closed,Closed,DLT,Delta,Njeri,,,2026-06-21 00:00:00,,,-0.12,34.77,',
  'X1,cancelled,Cancelled,ALF,Alpha,Otieno,,,2026-06-22 09:00:00,5,Within SLA,-1.2922,36.8221,',
  ''));
SELECT tickets.capture_history('2026-06-21 18:00+03');
SELECT tickets.capture_history('2026-06-22 12:00+03');

-- The default call: 7 days back from p_now ---------------------------------------------------------
CREATE TEMP TABLE d7 AS SELECT reporting.fn_inc_dashboard(p_now => '2026-06-22 12:00+03') AS j;

SELECT set_eq($$ SELECT jsonb_object_keys(j) FROM d7 $$,
              ARRAY['generated_at', 'filters', 'open', 'closed', 'metrics', 'freshness'],
              'the payload has exactly the top-level keys of read-api.md');
SELECT set_eq($$ SELECT jsonb_object_keys(j -> 'metrics') FROM d7 $$,
              ARRAY['open', 'open_breached', 'open_at_risk', 'open_unplaced', 'closed', 'closed_unplaced',
                    'mttr_median_min', 'mttr_p90_min', 'sla_met_pct', 'by_cluster', 'by_team', 'backlog_trend'],
              'metrics has exactly the keys of read-api.md');
SELECT set_eq($$ SELECT jsonb_object_keys(j -> 'freshness') FROM d7 $$,
              ARRAY['last_ingest_at', 'watermark_key', 'data_fresh_to', 'content_lag_minutes',
                    'minutes_since_last_file', 'rejected_files_24h', 'truncated_files_24h'],
              'freshness has exactly the keys of read-api.md');
SELECT set_eq($$ SELECT jsonb_object_keys(j -> 'filters') FROM d7 $$, ARRAY['cluster', 'status', 'window', 'from', 'to'],
              'filters has exactly the keys of read-api.md');
SELECT set_eq($$ SELECT DISTINCT k FROM d7, jsonb_array_elements(j -> 'metrics' -> 'by_cluster') AS e, jsonb_object_keys(e) AS k $$,
              ARRAY['cluster', 'open', 'open_breached', 'closed', 'mttr_median_min'],
              'a by_cluster row has exactly the keys of read-api.md');
SELECT set_eq($$ SELECT DISTINCT k FROM d7, jsonb_array_elements(j -> 'metrics' -> 'by_team') AS e, jsonb_object_keys(e) AS k $$,
              ARRAY['assigned_team', 'open', 'closed', 'mttr_median_min'],
              'a by_team row has exactly the keys of read-api.md');
SELECT set_eq($$ SELECT DISTINCT k FROM d7, jsonb_array_elements(j -> 'metrics' -> 'backlog_trend') AS e, jsonb_object_keys(e) AS k $$,
              ARRAY['day', 'open', 'opened', 'closed'],
              'a backlog_trend row has exactly the keys of read-api.md');
SELECT is((SELECT j -> 'filters' FROM d7),
          '{"cluster": null, "status": null, "window": "7d",
            "from": "2026-06-15T12:00:00+03:00", "to": "2026-06-22T12:00:00+03:00"}'::jsonb,
          'without a window or range the window is 7d back from p_now, and times read as EAT');
SELECT is((SELECT (j ->> 'generated_at')::timestamptz FROM d7), '2026-06-22 12:00+03'::timestamptz,
          'generated_at is p_now');

SELECT results_eq(
  $$ SELECT (j #>> '{metrics,open}')::int, (j #>> '{metrics,open_breached}')::int, (j #>> '{metrics,open_at_risk}')::int,
            (j #>> '{metrics,open_unplaced}')::int FROM d7 $$,
  $$ VALUES (6, 2, 1, 2) $$,
  'the open counts are taken at p_now: 6 open, 2 breached, 1 at risk, 2 of them unplaced');
SELECT is((SELECT jsonb_path_query_array(j, '$.open.features[*].id') FROM d7), '["O4", "O2", "O6", "O1"]'::jsonb,
          'the open layer holds the placed open tickets only, the nearest to breach (or most past it) first');
SELECT results_eq(
  $$ SELECT (j #>> '{metrics,closed}')::int, (j #>> '{metrics,closed_unplaced}')::int FROM d7 $$,
  $$ VALUES (8, 1) $$,
  '8 tickets were closed in the 7 days (the one exactly 7 days back included, a cancelled one not), 1 of them unplaced');
SELECT is((SELECT jsonb_path_query_array(j, '$.closed.features[*].id') FROM d7),
          '["C01", "C03", "R21", "R20B", "R20A", "C06", "C04"]'::jsonb,
          'the closed layer holds the placed tickets closed in the window, latest first; the unplaced one is only counted');
SELECT results_eq(
  $$ SELECT (j #>> '{metrics,mttr_median_min}')::numeric, (j #>> '{metrics,mttr_p90_min}')::numeric,
            (j #>> '{metrics,sla_met_pct}')::numeric FROM d7 $$,
  $$ VALUES (75.0, 111.0, 66.7) $$,
  'MTTR median and p90 are taken over the closed tickets that have one (30, 60, 90, 120); SLA was met by 2 of the 3 with a verdict');
SELECT is((SELECT j -> 'metrics' -> 'by_cluster' FROM d7),
          '[{"cluster": "ALF", "open": 3, "open_breached": 1, "closed": 2, "mttr_median_min": 45.0},
            {"cluster": "BRV", "open": 1, "open_breached": 1, "closed": 2, "mttr_median_min": 105.0},
            {"cluster": "CHL", "open": 1, "open_breached": 0, "closed": 1, "mttr_median_min": null},
            {"cluster": null, "open": 1, "open_breached": 0, "closed": 0, "mttr_median_min": null},
            {"cluster": "DLT", "open": 0, "open_breached": 0, "closed": 3, "mttr_median_min": null}]'::jsonb,
          'by_cluster gives the figures per cluster, the tickets without one included, most open first');
SELECT is((SELECT j -> 'metrics' -> 'by_team' FROM d7),
          '[{"assigned_team": "Bravo", "open": 3, "closed": 2, "mttr_median_min": 105.0},
            {"assigned_team": "Alpha", "open": 1, "closed": 2, "mttr_median_min": 45.0},
            {"assigned_team": "Charlie", "open": 1, "closed": 1, "mttr_median_min": null},
            {"assigned_team": null, "open": 1, "closed": 0, "mttr_median_min": null},
            {"assigned_team": "Delta", "open": 0, "closed": 3, "mttr_median_min": null}]'::jsonb,
          'by_team gives the figures per assigned team, most open first');
SELECT is((SELECT j -> 'metrics' -> 'backlog_trend' FROM d7),
          '[{"day": "2026-06-21", "open": 6, "opened": 2, "closed": 3},
            {"day": "2026-06-22", "open": 6, "opened": 2, "closed": 1}]'::jsonb,
          'backlog_trend has one row per captured EAT day of the window; the days before the first capture are absent, not zero');

-- Features are RFC 7946.
SELECT is((SELECT f - 'properties' FROM d7, jsonb_array_elements(j -> 'open' -> 'features') AS f WHERE f ->> 'id' = 'O1'),
          '{"type": "Feature", "id": "O1", "geometry": {"type": "Point", "coordinates": [36.821946, -1.292066]}}'::jsonb,
          'an open feature is a GeoJSON Feature: id the ticket id, a Point at [longitude, latitude] to six decimals');
SELECT ok((SELECT f -> 'properties' FROM d7, jsonb_array_elements(j -> 'open' -> 'features') AS f WHERE f ->> 'id' = 'O1')
          @> '{"ticket_id": "O1", "status": "open", "raw_status": "ASSIGNED", "cluster": "ALF", "assigned_team": "Bravo",
               "owner": "Wanjiru", "created_at": "2026-06-22T11:00:00+03:00", "age_minutes": 60,
               "age_from": "created_at_service", "sla_state": "within", "geo_source": "feed"}'::jsonb,
          'an open feature''s popup has its status, raw status, cluster, team, owner, created, age, SLA state and geo_source');
SELECT ok((SELECT f -> 'properties' FROM d7, jsonb_array_elements(j -> 'closed' -> 'features') AS f WHERE f ->> 'id' = 'C01')
          @> '{"ticket_id": "C01", "status": "resolved", "closed_at": "2026-06-22T10:00:00+03:00", "mttr_min": 30,
               "sla_status": "Within SLA", "geo_source": "feed"}'::jsonb,
          'a closed feature''s popup has closed_at, the feed''s MTTR and the source''s SLA verdict');
SELECT is_empty($$ SELECT f FROM d7, jsonb_array_elements((j -> 'open' -> 'features') || (j -> 'closed' -> 'features')) AS f
                    WHERE f ->> 'type' IS DISTINCT FROM 'Feature' OR f #>> '{geometry,type}' IS DISTINCT FROM 'Point'
                       OR jsonb_array_length(f #> '{geometry,coordinates}') <> 2
                       OR f ->> 'id' IS DISTINCT FROM f #>> '{properties,ticket_id}' $$,
                'every feature of both layers is a Feature with a Point of two coordinates and the ticket id as id');
SELECT is((SELECT j -> 'open' ->> 'type' FROM d7) || '/' || (SELECT j -> 'closed' ->> 'type' FROM d7),
          'FeatureCollection/FeatureCollection', 'both layers are FeatureCollections');

-- Freshness.
SELECT results_eq(
  $$ SELECT j #>> '{freshness,watermark_key}', (j #>> '{freshness,data_fresh_to}')::timestamptz,
            (j #>> '{freshness,content_lag_minutes}')::int FROM d7 $$,
  $$ VALUES ('automations/inc/changes/20260622T113000.csv', '2026-06-22 11:30+03'::timestamptz, 30) $$,
  'freshness names the watermark, the newest source_updated_at and how far p_now is past it');

-- The other windows ---------------------------------------------------------------------------------
CREATE TEMP TABLE d24 AS SELECT reporting.fn_inc_dashboard(p_window => '24h', p_now => '2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT (j #>> '{metrics,closed}')::int, (j #>> '{metrics,closed_unplaced}')::int,
            (j #>> '{metrics,mttr_median_min}')::numeric, (j #>> '{metrics,mttr_p90_min}')::numeric,
            (j #>> '{metrics,sla_met_pct}')::numeric, jsonb_path_query_array(j, '$.closed.features[*].id') FROM d24 $$,
  $$ VALUES (2, 1, 45.0, 57.0, 50.0, '["C01"]'::jsonb) $$,
  'in the 24h window the closure exactly 24 h back is in, the one a second earlier is not, and MTTR and SLA follow');
SELECT is((SELECT (j #>> '{metrics,open}')::int FROM d24), 6, 'the open counts are at p_now whatever the window');
SELECT is((SELECT jsonb_path_query_array(j, '$.metrics.backlog_trend[*].day') FROM d24), '["2026-06-21", "2026-06-22"]'::jsonb,
          'a 24h window from 12:00 reaches into the EAT day before, so the trend has two days');

CREATE TEMP TABLE d30 AS SELECT reporting.fn_inc_dashboard(p_window => '30D', p_now => '2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT j #>> '{filters,window}', (j #>> '{metrics,closed}')::int, (j #>> '{metrics,mttr_median_min}')::numeric,
            (j #>> '{metrics,mttr_p90_min}')::numeric, (j #>> '{metrics,sla_met_pct}')::numeric FROM d30 $$,
  $$ VALUES ('30d', 9, 90.0, 408.0, 75.0) $$,
  'in the 30d window (written in any case) the closure a second before the 7 days counts, one in May does not');

-- A range: from inclusive, to exclusive; a bare date is an EAT day.
CREATE TEMP TABLE r20 AS SELECT reporting.fn_inc_dashboard(p_from => '2026-06-20', p_to => '2026-06-21', p_now => '2026-06-22 12:00+03') AS j;
SELECT is((SELECT jsonb_path_query_array(j, '$.closed.features[*].id') FROM r20), '["R20B", "R20A"]'::jsonb,
          'p_from and p_to as bare dates are EAT days: 00:00 EAT is in, 23:59:59 is in, 00:00 of the next day is out');
SELECT is((SELECT j -> 'filters' FROM r20),
          '{"cluster": null, "status": null, "window": null, "from": "2026-06-20T00:00:00+03:00", "to": "2026-06-21T00:00:00+03:00"}'::jsonb,
          'the filters echo the range as EAT times and no window');
SELECT is((SELECT j -> 'metrics' -> 'backlog_trend' FROM r20), '[]'::jsonb,
          'a range before history capture began has no backlog trend (absent, not zero)');
SELECT is(reporting.fn_inc_dashboard(NULL, NULL, NULL, '2026-06-20 00:00+03'::timestamptz, '2026-06-21 00:00+03'::timestamptz,
                                     '2026-06-22 12:00+03') -> 'closed',
          (SELECT j -> 'closed' FROM r20),
          'the timestamptz overload gives the same range for the same moments');
SELECT is(jsonb_path_query_array(reporting.fn_inc_dashboard(p_from => '2026-06-21 11:59:59', p_to => '2026-06-21 12:00',
                                                            p_now => '2026-06-22 12:00+03'), '$.closed.features[*].id'),
          '["C03"]'::jsonb, 'times without an offset are EAT; from is inclusive and to exclusive to the second');
SELECT is(jsonb_path_query_array(reporting.fn_inc_dashboard(p_from => '2026-06-21T09:00:00Z', p_now => '2026-06-22 12:00+03'),
                                 '$.closed.features[*].id'),
          '["C01"]'::jsonb, 'a time with an offset is taken as given, and p_to defaults to p_now (C02, unplaced, is only counted)');
SELECT is(jsonb_path_query_array(reporting.fn_inc_dashboard(p_from => '2026-06-21', p_to => '2026-06-22', p_now => '2026-06-22 12:00+03'),
                                 '$.metrics.backlog_trend[*].day'),
          '["2026-06-21"]'::jsonb, 'a one-day range has the trend of that EAT day only');

-- The unplaced open tickets are listed, not only counted.
SELECT is(jsonb_path_query_array(reporting.fn_unplaced_tickets(p_now => '2026-06-22 12:00+03'), '$[*].ticket_id'),
          '["O3", "O5"]'::jsonb, 'fn_unplaced_tickets lists the open tickets without a point, most urgent first');
SELECT is((SELECT jsonb_array_length(reporting.fn_unplaced_tickets(p_now => '2026-06-22 12:00+03')))::text,
          (SELECT j #>> '{metrics,open_unplaced}' FROM d7), 'as many as metrics.open_unplaced counts');
SELECT is(jsonb_path_query_array(reporting.fn_unplaced_tickets(p_cluster => 'alf', p_now => '2026-06-22 12:00+03'), '$[*].ticket_id'),
          '["O3"]'::jsonb, 'fn_unplaced_tickets filters by cluster, any case');
SELECT is(reporting.fn_unplaced_tickets(p_status => 'open', p_now => '2026-06-22 12:00+03') -> 0 ->> 'ticket_id',
          'O5', 'fn_unplaced_tickets filters by status');
SELECT throws_ok($$ SELECT reporting.fn_unplaced_tickets(p_status => 'closed') $$, 'FT202', NULL,
                 'fn_unplaced_tickets refuses a status that is not an open one (FT202)');

-- What the cluster filter offers.
SELECT ok(reporting.fn_clusters() @> '["ALF", "BRV", "CHL", "KLM"]'::jsonb,
          'fn_clusters offers the clusters of open tickets and those of the gazetteer');
SELECT ok(NOT reporting.fn_clusters() @> '["DLT"]'::jsonb,
          'fn_clusters leaves out a cluster whose tickets are all closed (no scan of every ticket kept)');
SELECT is(reporting.fn_clusters(), (SELECT jsonb_agg(e ORDER BY e) FROM jsonb_array_elements_text(reporting.fn_clusters()) AS e),
          'fn_clusters is sorted');

-- Filters ----------------------------------------------------------------------------------------
CREATE TEMP TABLE alf AS SELECT reporting.fn_inc_dashboard(p_cluster => ' alf ', p_now => '2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT j #>> '{filters,cluster}', (j #>> '{metrics,open}')::int, (j #>> '{metrics,open_breached}')::int,
            (j #>> '{metrics,open_at_risk}')::int, (j #>> '{metrics,open_unplaced}')::int,
            (j #>> '{metrics,closed}')::int, (j #>> '{metrics,closed_unplaced}')::int,
            (j #>> '{metrics,mttr_median_min}')::numeric, (j #>> '{metrics,sla_met_pct}')::numeric FROM alf $$,
  $$ VALUES ('ALF', 3, 1, 1, 1, 2, 1, 45.0, 50.0) $$,
  'p_cluster (any case, blanks around) filters every count');
SELECT results_eq(
  $$ SELECT jsonb_path_query_array(j, '$.open.features[*].id'), jsonb_path_query_array(j, '$.closed.features[*].id'),
            jsonb_path_query_array(j, '$.metrics.by_cluster[*].cluster') FROM alf $$,
  $$ VALUES ('["O2", "O1"]'::jsonb, '["C01"]'::jsonb, '["ALF"]'::jsonb) $$,
  'p_cluster filters both layers and by_cluster');
SELECT is((SELECT j -> 'metrics' -> 'backlog_trend' FROM alf),
          '[{"day": "2026-06-21", "open": 3, "opened": 2, "closed": 1},
            {"day": "2026-06-22", "open": 3, "opened": 1, "closed": 1}]'::jsonb,
          'p_cluster filters the backlog trend');

CREATE TEMP TABLE nope AS SELECT reporting.fn_inc_dashboard(p_cluster => 'NOPE', p_now => '2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT j -> 'open' -> 'features', j -> 'closed' -> 'features', (j #>> '{metrics,open}')::int,
            (j #>> '{metrics,closed}')::int, j #> '{metrics,by_cluster}', j #> '{metrics,by_team}', j #> '{metrics,sla_met_pct}' FROM nope $$,
  $$ VALUES ('[]'::jsonb, '[]'::jsonb, 0, 0, '[]'::jsonb, '[]'::jsonb, 'null'::jsonb) $$,
  'an unknown cluster is simply empty, not an error');

CREATE TEMP TABLE inprog AS SELECT reporting.fn_inc_dashboard(p_status => 'in_progress', p_now => '2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT j #>> '{filters,status}', (j #>> '{metrics,open}')::int, (j #>> '{metrics,open_breached}')::int,
            (j #>> '{metrics,open_at_risk}')::int, (j #>> '{metrics,open_unplaced}')::int,
            jsonb_path_query_array(j, '$.open.features[*].id') FROM inprog $$,
  $$ VALUES ('in_progress', 2, 1, 0, 0, '["O2", "O6"]'::jsonb) $$,
  'p_status filters the open layer and its counts');
SELECT results_eq(
  $$ SELECT i.j -> 'closed', i.j #> '{metrics,closed}', i.j #> '{metrics,mttr_median_min}', i.j #> '{metrics,sla_met_pct}'
       FROM inprog AS i $$,
  $$ SELECT d.j -> 'closed', d.j #> '{metrics,closed}', d.j #> '{metrics,mttr_median_min}', d.j #> '{metrics,sla_met_pct}'
       FROM d7 AS d $$,
  'p_status leaves the closed layer and its figures alone');

CREATE TEMP TABLE combined AS
SELECT reporting.fn_inc_dashboard(p_cluster => 'ALF', p_status => 'pending', p_window => '24h', p_now => '2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT (j #>> '{metrics,open}')::int, (j #>> '{metrics,open_at_risk}')::int, (j #>> '{metrics,open_unplaced}')::int,
            j -> 'open' -> 'features', (j #>> '{metrics,closed}')::int, (j #>> '{metrics,closed_unplaced}')::int,
            jsonb_path_query_array(j, '$.closed.features[*].id') FROM combined $$,
  $$ VALUES (1, 1, 1, '[]'::jsonb, 2, 1, '["C01"]'::jsonb) $$,
  'cluster, status and window combine: ALF''s pending ticket (unplaced, so counted only) and ALF''s closures of the 24 hours');

-- Bad arguments raise the domain errors -------------------------------------------------------------
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_window => '1y', p_now => '2026-06-22 12:00+03') $$, 'FT201', NULL,
                 'an unknown window raises FT201');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_status => 'resolved', p_now => '2026-06-22 12:00+03') $$, 'FT202', NULL,
                 'a status that is not an open one raises FT202');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_from => '2026-06-22', p_to => '2026-06-21', p_now => '2026-06-22 12:00+03') $$,
                 'FT203', NULL, 'a range that ends before it starts raises FT203');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_window => '7d', p_from => '2026-06-20', p_now => '2026-06-22 12:00+03') $$,
                 'FT203', NULL, 'a window and a range at once raise FT203');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_to => '2026-06-21', p_now => '2026-06-22 12:00+03') $$,
                 'FT203', NULL, 'p_to without p_from raises FT203');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_from => '2026-06-23', p_now => '2026-06-22 12:00+03') $$,
                 'FT203', NULL, 'p_from after p_now without p_to raises FT203 (the range would end at p_now)');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_from => 'yesterday', p_now => '2026-06-22 12:00+03') $$,
                 'FT204', NULL, 'a p_from that is not a date or a time raises FT204');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_from => '2026-06-20', p_to => '2026-02-30', p_now => '2026-06-22 12:00+03') $$,
                 'FT204', NULL, 'an impossible date raises FT204');
SELECT throws_ok($$ SELECT reporting.fn_inc_dashboard(p_now => NULL) $$, 'FT204', NULL, 'p_now NULL raises FT204');
SELECT throws_ok($$ SELECT reporting.fn_nearest_open_tickets(200, -1.29) $$, 'FT205', NULL,
                 'a longitude off the map raises FT205');
SELECT throws_ok($$ SELECT reporting.fn_nearest_open_tickets(36.82, -91) $$, 'FT205', NULL,
                 'a latitude off the map raises FT205');
SELECT throws_ok($$ SELECT reporting.fn_nearest_open_tickets(NULL, -1.29) $$, 'FT205', NULL,
                 'a missing longitude raises FT205');
SELECT throws_ok($$ SELECT reporting.fn_nearest_open_tickets(36.82, -1.29, p_limit => 0) $$, 'FT205', NULL,
                 'a limit of 0 raises FT205');
SELECT throws_ok($$ SELECT reporting.fn_nearest_open_tickets(36.82, -1.29, p_limit => 501) $$, 'FT205', NULL,
                 'a limit above 500 raises FT205');
SELECT throws_ok($$ SELECT reporting.fn_nearest_open_tickets(36.82, -1.29, p_max_km => 0) $$, 'FT205', NULL,
                 'a radius of 0 km raises FT205');
SELECT throws_ok($$ SELECT reporting.fn_nearest_open_tickets(36.82, -1.29, p_max_km => 2001) $$, 'FT205', NULL,
                 'a radius above 2000 km raises FT205');

-- The map's open layer ----------------------------------------------------------------------------------
CREATE TEMP TABLE map AS SELECT reporting.fn_tickets_for_map('2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT j ->> 'type', jsonb_path_query_array(j, '$.features[*].id') FROM map $$,
  $$ VALUES ('FeatureCollection', '["O4", "O2", "O6", "O1"]'::jsonb) $$,
  'the map is a FeatureCollection of the placed open tickets, most urgent first');
SELECT is((SELECT (j -> 'summary') - 'freshness' FROM map),
          '{"open": 6, "by_status": {"open": 3, "in_progress": 2, "pending": 1}, "unplaced": 2}'::jsonb,
          'its summary counts every open ticket by status, placed or not, and the unplaced ones');
SELECT set_eq($$ SELECT jsonb_object_keys(j -> 'summary' -> 'freshness') FROM map $$,
              ARRAY['last_ingest_at', 'watermark_key', 'data_fresh_to', 'content_lag_minutes',
                    'minutes_since_last_file', 'rejected_files_24h', 'truncated_files_24h'],
              'its summary carries freshness with exactly the keys of read-api.md');
SELECT is((SELECT j -> 'features' FROM map), (SELECT j -> 'open' -> 'features' FROM d7),
          'the map''s features are the dashboard''s open layer');

-- Nearest open tickets ----------------------------------------------------------------------------------
-- From 36.8219, -1.2921: O1 a few metres off, the closed C01 and the cancelled X1 as close,
-- O2 about 2.6 km, O4 about 9.9 km, O6 in Mombasa.
CREATE TEMP TABLE near AS SELECT reporting.fn_nearest_open_tickets(36.8219, -1.2921, p_now => '2026-06-22 12:00+03') AS j;
SELECT results_eq(
  $$ SELECT j ->> 'type', jsonb_path_query_array(j, '$.features[*].id') FROM near $$,
  $$ VALUES ('FeatureCollection', '["O1", "O2", "O4"]'::jsonb) $$,
  'the nearest come first, and only open placed tickets within 25 km (closed, cancelled, unplaced and far ones are left out)');
SELECT ok((SELECT bool_and((f #>> '{properties,distance_km}')::numeric BETWEEN 0 AND 0.02) FROM near, jsonb_array_elements(j -> 'features') AS f
            WHERE f ->> 'id' = 'O1')
          AND (SELECT bool_and((f #>> '{properties,distance_km}')::numeric BETWEEN 2.5 AND 2.7) FROM near, jsonb_array_elements(j -> 'features') AS f
                WHERE f ->> 'id' = 'O2')
          AND (SELECT bool_and((f #>> '{properties,distance_km}')::numeric BETWEEN 9.7 AND 10.1) FROM near, jsonb_array_elements(j -> 'features') AS f
                WHERE f ->> 'id' = 'O4'),
          'each feature has its distance_km (a few metres, about 2.6 km, about 9.9 km)');
SELECT ok((SELECT f -> 'properties' FROM near, jsonb_array_elements(j -> 'features') AS f WHERE f ->> 'id' = 'O2')
          @> '{"ticket_id": "O2", "status": "in_progress", "sla_state": "breached"}'::jsonb,
          'a nearest feature carries the open popup (its SLA state at p_now)');
SELECT is(jsonb_path_query_array(reporting.fn_nearest_open_tickets(36.8219, -1.2921, p_limit => 2, p_now => '2026-06-22 12:00+03'),
                                 '$.features[*].id'),
          '["O1", "O2"]'::jsonb, 'p_limit is honoured');
SELECT is(jsonb_path_query_array(reporting.fn_nearest_open_tickets(36.8219, -1.2921, p_max_km => 5, p_now => '2026-06-22 12:00+03'),
                                 '$.features[*].id'),
          '["O1", "O2"]'::jsonb, 'p_max_km is honoured');
SELECT is(jsonb_path_query_array(reporting.fn_nearest_open_tickets(36.8219, -1.2921, p_max_km => 2000, p_now => '2026-06-22 12:00+03'),
                                 '$.features[*].id'),
          '["O1", "O2", "O4", "O6"]'::jsonb, 'a wide radius reaches Mombasa');

-- The reader role ---------------------------------------------------------------------------------------
SET LOCAL ROLE fleettickets_reader;
SELECT is((reporting.fn_inc_dashboard(p_now => '2026-06-22 12:00+03') #>> '{metrics,open}')::int, 6,
          'the reader calls fn_inc_dashboard (text p_from/p_to)');
SELECT is((reporting.fn_inc_dashboard(NULL, NULL, '24h', NULL::timestamptz, NULL::timestamptz, '2026-06-22 12:00+03')
           #>> '{metrics,closed}')::int, 2,
          'the reader calls fn_inc_dashboard (timestamptz p_from/p_to)');
SELECT is((reporting.fn_tickets_for_map('2026-06-22 12:00+03') #>> '{summary,open}')::int, 6,
          'the reader calls fn_tickets_for_map');
SELECT is(jsonb_array_length(reporting.fn_nearest_open_tickets(36.8219, -1.2921) -> 'features'), 3,
          'the reader calls fn_nearest_open_tickets');
SELECT is((SELECT count(*) FROM tickets.inc_open_sla), 6::bigint, 'the reader selects tickets.inc_open_sla');
SELECT lives_ok($$ SELECT reporting.fn_unplaced_tickets() $$, 'the reader calls fn_unplaced_tickets');
SELECT lives_ok($$ SELECT reporting.fn_clusters() $$, 'the reader calls fn_clusters');
SELECT throws_ok($$ SELECT count(*) FROM tickets.inc $$, '42501', NULL,
                 'the reader cannot read tickets.inc itself, only the view and the functions');
SELECT throws_ok($$ SELECT count(*) FROM tickets.closure_events $$, '42501', NULL,
                 'the reader cannot read the history tables directly');
SELECT throws_ok($$ INSERT INTO tickets.inc (ticket_id, raw) VALUES ('W1', '{"ticket_id": "W1"}') $$, '42501', NULL,
                 'the reader cannot insert a ticket');
SELECT throws_ok($$ UPDATE tickets.inc SET geo_source = NULL WHERE ticket_id = 'O1' $$, '42501', NULL,
                 'the reader cannot update a ticket');
SELECT throws_ok($$ UPDATE tickets.sla_policy SET target_minutes = 1 $$, '42501', NULL,
                 'the reader cannot change the SLA policy');
SELECT throws_ok($$ SELECT tickets.capture_history('2026-06-22 13:00+03') $$, '42501', NULL,
                 'the reader cannot capture history');
SELECT throws_ok($$ CREATE TABLE tickets.reader_scratch (x int) $$, '42501', NULL,
                 'the reader cannot create a table in tickets');
SELECT throws_ok($$ CREATE TABLE reporting.reader_scratch (x int) $$, '42501', NULL,
                 'the reader cannot create a table in reporting');
SELECT throws_ok($$ CREATE TABLE staging.reader_scratch (x int) $$, '42501', NULL,
                 'the reader cannot create a table in staging');
RESET ROLE;
SELECT is(current_user::text, session_user::text, 'the role is reset after the reader''s tests');

-- The nearest-tickets query uses the GiST index of the placed open tickets ---------------------------
-- A grid of 3,000 placed tickets 0.1 degree apart, a third of them closed, and statistics
-- that know them. ANALYZE runs inside the test's transaction: the column statistics it
-- writes roll back with it; only pg_class's page and row counts, written in place, stay
-- until the next vacuum or analyze of tickets.inc.
INSERT INTO tickets.inc (ticket_id, raw, geom, geo_source)
SELECT 'NEAR' || g,
       jsonb_build_object('ticket_id', 'NEAR' || g, 'normalized_status', CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END),
       public.st_setsrid(public.st_makepoint(34 + (g % 60) * 0.1, -4 + (g / 60) * 0.1), 4326), 'feed'
  FROM generate_series(1, 3000) AS g;
ANALYZE tickets.inc;
CREATE TEMP TABLE nearest_plan AS
SELECT tests.plan_of($$ SELECT * FROM tickets.nearest_open(
         public.st_setsrid(public.st_makepoint(35.0, -3.0), 4326)::public.geography, 10, 25) $$) AS plan;
SELECT matches((SELECT plan FROM nearest_plan), 'inc_open_geog_idx',
               'the planner serves the nearest open tickets from tickets.inc_open_geog_idx on its own');
SELECT doesnt_match((SELECT plan FROM nearest_plan), 'Seq Scan', 'and reads no ticket table from end to end');
SELECT is(jsonb_path_query_first(reporting.fn_nearest_open_tickets(35.0, -3.0, p_limit => 1), '$.features[0].id') #>> '{}',
          'NEAR610', 'among thousands, the nearest is the ticket at the very spot');

SELECT * FROM finish();
ROLLBACK;
