-- make bench, read API: a year of tickets and history, filled set-based (psql script).
--   psql -v n=1000000 -v open=3000 -v now='2026-11-30 12:00:00+03' -f scripts/bench-read-fill.sql
-- On a migrated, empty database. The same variables always give the same rows.
--   n      tickets, created evenly over the 365 days before now
--   open   about this many of them still open at now (open, in_progress, pending), most
--          of them young; the rest closed (resolved, closed; closed_at spread over the
--          year, mttr in minutes, sla_status set) or cancelled (4%)
--   now    the pinned p_now the bench reads at
-- Clusters: the gazetteer's KLM QOA PTMP WST EMB KRN THK RNG NYL KSM (0.5% without one);
-- twelve teams; 90% placed (feed point, located text or cluster centre), 10% not.
-- A file every 20 minutes in tickets.file_ledger (a few rejected, a few truncated), each
-- ticket naming the file that last wrote it. History, filled set-based rather than by
-- capture_history (which can only observe tickets.inc as it is now): closure_events and
-- closure_seen for every closure written until 20 minutes before now (the capture timed by
-- the bench finds the rest), history_day for the 364 days before now's day, and
-- inc_daily_snapshot per day and cluster: opened and closed counted from the tickets, the
-- backlog their running difference, breached, at risk and median age estimated from it.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;  -- one process, so that setseed makes the same rows
SET TimeZone = 'Africa/Nairobi';
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';

CREATE TEMP TABLE bench_p AS
SELECT :'now'::timestamptz AS p_now, :'now'::timestamptz - interval '365 days' AS p_start, :n::integer AS n,
       a, (:open - a * (:n / 365.0) * 3) / :n AS b
  FROM (SELECT least(0.9, 0.6 * :open / ((:n / 365.0) * 3)) AS a) AS x;
-- open with probability a * exp(-age_days / 3) + b: about 0.6 * open young ones (fewer when
-- there are too few young tickets: a is at most 0.9), the rest forgotten over the year.

-- The files: one every 20 minutes over the year, the last 20 minutes before now.
INSERT INTO tickets.file_ledger
       (file_key, etag, size_bytes, mode, outcome, truncated, rows_read, inserted, updated, unchanged,
        staged_at, started_at, finished_at, load_ms, ingest_ms, error, archive_key, archived_at)
SELECT 'automations/inc/changes/' || to_char(f.t, 'YYYYMMDD"T"HH24MISS') || '.csv', md5(g::text), 250000, 'apply',
       CASE WHEN g % 997 = 500 THEN 'rejected' ELSE 'applied' END::tickets.ingest_outcome,
       g % 1499 = 700, 600, 40, 500, 60, f.t, f.t, f.t + interval '2 seconds', 150, 900,
       CASE WHEN g % 997 = 500 THEN 'a row of the wrong width (bench fill)' END,
       'automations/inc/processed/' || to_char(f.t, 'YYYYMMDD"T"HH24MISS') || '.csv', f.t + interval '3 seconds'
  FROM bench_p AS p, generate_series(0, 365 * 72 - 1) AS g,
       LATERAL (SELECT p.p_start + (g + 1) * interval '20 minutes' - interval '1 minute' AS t) AS f
 ORDER BY g;

SELECT setseed(0.42);
CREATE TEMP TABLE bench_t AS
WITH clusters AS (
  SELECT array_agg(c.cluster_code ORDER BY w.k) AS code, array_agg(c.region ORDER BY w.k) AS region,
         array_agg(c.place ORDER BY w.k) AS place, array_agg(c.centre ORDER BY w.k) AS centre
    FROM (VALUES ('KLM', 1), ('QOA', 2), ('PTMP', 3), ('WST', 4), ('EMB', 5),
                 ('KRN', 6), ('THK', 7), ('RNG', 8), ('NYL', 9), ('KSM', 10)) AS w (code, k)
    JOIN tickets.geo_clusters AS c ON c.cluster_code = w.code
),
base AS (
  SELECT g, p.p_now - random() * interval '365 days' AS created,
         random() AS u_open, random() AS u_status, 1 - random() AS u1, random() AS u2, random() AS u_clip,
         random() AS u_cl, random() AS u_team, random() AS u_owner, random() AS u_loc, random() AS u_geo,
         random() AS u_svc, random() AS u_seen, random() AS u_x, random() AS u_y, random() AS u_upd
    FROM bench_p AS p, generate_series(1, p.n) AS g
),
kinds AS (
  SELECT b.*, p.p_now, p.p_start,
         CASE WHEN b.u_open < p.a * exp(-extract(epoch FROM p.p_now - b.created) / 86400 / 3) + p.b
              THEN CASE WHEN b.u_status < 0.5 THEN 'open' WHEN b.u_status < 0.85 THEN 'in_progress' ELSE 'pending' END
              WHEN b.u_status < 0.04 THEN 'cancelled'
              WHEN b.u_status < 0.47 THEN 'resolved' ELSE 'closed' END AS status,
         -- restore time: log-normal, median 4 h, p90 about 19 h, ending before now
         least(exp(ln(240) + 1.2 * sqrt(-2 * ln(b.u1)) * cos(2 * pi() * b.u2)),
               (extract(epoch FROM p.p_now - b.created) / 60)::float8 * (0.05 + 0.9 * b.u_clip)) AS restore_min,
         width_bucket(b.u_cl, ARRAY[0, .005, .145, .265, .375, .505, .625, .705, .795, .875, .945]) - 1 AS k
    FROM base AS b, bench_p AS p
)
SELECT k.g, k.status, k.created, k.u_svc, k.u_seen, k.u_upd, k.u_owner, k.p_now,
       CASE WHEN k.k > 0 THEN c.code[k.k] END AS cluster,
       CASE WHEN k.k > 0 THEN c.region[k.k] ELSE 'nairobi' END AS region,
       CASE WHEN k.k > 0 THEN 'FDH ' || floor(k.u_loc * 300)::integer || ' - ' || c.place[k.k] END AS location_name,
       (ARRAY['FTTH Nairobi West', 'FTTH Nairobi East', 'FTTB Core', 'Coast Field Ops', 'Lake Field Ops',
              'Central Field Ops', 'Rift Field Ops', 'Wireless Access', 'Enterprise Fibre', 'Backbone NOC',
              'Power and Sites', 'Customer Premises'])[1 + floor(k.u_team * 12)::integer] AS team,
       CASE WHEN k.status IN ('resolved', 'closed') THEN k.created + k.restore_min * interval '1 minute' END AS closed_at,
       CASE WHEN k.status IN ('resolved', 'closed') THEN k.restore_min END AS restore_min,
       CASE WHEN k.u_geo < 0.10 OR (k.k = 0 AND k.u_geo >= 0.30) THEN NULL
            WHEN k.u_geo < 0.30 THEN 'feed' WHEN k.u_geo < 0.75 THEN 'location' ELSE 'cluster' END AS geo_source,
       CASE WHEN k.u_geo < 0.10 OR (k.k = 0 AND k.u_geo >= 0.30) THEN NULL
            WHEN k.u_geo >= 0.75 THEN c.centre[k.k]
            ELSE public.st_setsrid(public.st_makepoint(
                   coalesce(public.st_x(c.centre[k.k]), 36.82) + (k.u_x - 0.5) * 0.08,
                   coalesce(public.st_y(c.centre[k.k]), -1.29) + (k.u_y - 0.5) * 0.08), 4326) END AS geom
  FROM kinds AS k, clusters AS c;

CREATE TEMP TABLE bench_rows AS
SELECT t.*, least(t.p_now - interval '1 minute', t.updated_at + interval '3 minutes') AS ingested_at
  FROM (SELECT r.*,
               CASE WHEN r.closed_at IS NOT NULL THEN r.closed_at + interval '1 minute'
                    WHEN r.status = 'cancelled' THEN least(r.p_now - interval '2 minutes', r.created + interval '5 hours')
                    ELSE r.created + (r.p_now - interval '2 minutes' - r.created) * r.u_upd END AS updated_at
          FROM bench_t AS r) AS t;

-- EAT wall-clock text, as the feed writes it
CREATE FUNCTION pg_temp.eat(p timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
RETURN to_char(p AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS');

INSERT INTO tickets.inc (ticket_id, raw, geom, geo_source, ledger_id, ingested_at)
SELECT id, jsonb_strip_nulls(jsonb_build_object(
         'ticket_id', id,
         'normalized_status', r.status,
         'raw_status', CASE r.status WHEN 'open' THEN 'ASSIGNED' WHEN 'in_progress' THEN 'IN PROGRESS'
                                     WHEN 'pending' THEN 'PENDING' WHEN 'resolved' THEN 'RESOLVED'
                                     WHEN 'closed' THEN 'CLOSED' ELSE 'CANCELLED' END,
         'cluster', r.cluster,
         'region', r.region,
         'location_name', r.location_name,
         'assigned_team', r.team,
         'owner', 'tech.' || lpad((1 + floor(r.u_owner * 180))::integer::text, 3, '0'),
         'created_at_service', CASE WHEN r.u_svc < 0.7 THEN pg_temp.eat(r.created) END,
         'first_seen_at', pg_temp.eat(least(r.created + r.u_seen * interval '30 minutes', r.closed_at)),
         'last_seen_at', pg_temp.eat(CASE WHEN r.status IN ('open', 'in_progress', 'pending')
                                          THEN r.p_now - interval '10 minutes' ELSE r.updated_at END),
         'source_created_at', pg_temp.eat(r.created),
         'source_updated_at', pg_temp.eat(r.updated_at),
         'closed_at', pg_temp.eat(r.closed_at),
         'mttr', CASE WHEN r.closed_at IS NOT NULL AND r.u_seen >= 0.03 THEN round(r.restore_min)::integer::text END,
         'sla_status', CASE WHEN r.closed_at IS NULL OR r.u_upd < 0.02 THEN NULL
                            WHEN r.restore_min <= 1440 THEN 'Within SLA' ELSE 'SLA Breached' END)),
       r.geom, r.geo_source,
       least(365 * 72, greatest(1, ceil(extract(epoch FROM r.ingested_at - (SELECT p_start FROM bench_p)) / 1200)))::bigint,
       r.ingested_at
  FROM bench_rows AS r, LATERAL (SELECT 'INC' || lpad((4000000 + r.g)::text, 12, '0') AS id) AS i
 ORDER BY r.ingested_at;  -- the heap in the order the ingest would have written the last versions

UPDATE tickets.import_meta AS m
   SET metadata = jsonb_build_object(
         'last_ingest_at', p.p_now - interval '7 minutes',
         'last_file_key', l.file_name, 'source_max_key', l.file_name,
         'source_max_updated_at', (SELECT max(i.source_updated_at) FROM tickets.inc AS i))
  FROM bench_p AS p,
       LATERAL (SELECT f.file_name FROM tickets.file_ledger AS f ORDER BY f.ledger_id DESC LIMIT 1) AS l
 WHERE m.source = 'inc';

-- History: every closure written until 20 minutes before now, observed by the capture after it
INSERT INTO tickets.closure_events
       (ticket_id, normalized_status, raw_status, closed_at, created_at_service, first_seen_at, cluster, region,
        assigned_team, owner, mttr, sla_status, ledger_id, file_key, written_at, observed_at)
SELECT i.ticket_id, i.normalized_status, i.raw_status, i.closed_at, i.created_at_service, i.first_seen_at,
       i.cluster, i.region, i.assigned_team, i.owner, i.mttr, i.sla_status, i.ledger_id, l.file_key,
       i.ingested_at, i.ingested_at + interval '2 minutes'
  FROM tickets.inc AS i
  LEFT JOIN tickets.file_ledger AS l ON l.ledger_id = i.ledger_id
 WHERE i.normalized_status IN ('resolved', 'closed')
   AND i.ingested_at < (SELECT p_now - interval '20 minutes' FROM bench_p)
 ORDER BY i.ingested_at, i.ticket_id;
INSERT INTO tickets.closure_seen (ticket_id, closure_id)
SELECT e.ticket_id, e.closure_id FROM tickets.closure_events AS e;

INSERT INTO tickets.history_day (day, first_captured_at)
SELECT d::date, (d::date + time '00:05') AT TIME ZONE 'Africa/Nairobi'
  FROM bench_p AS p,
       generate_series((p.p_now - interval '364 days')::date, p.p_now::date - 1, interval '1 day') AS d;

INSERT INTO tickets.inc_daily_snapshot
       (day, cluster, open_backlog, open_breached, open_at_risk, opened, closed, median_open_age_min, captured_at)
SELECT x.day, x.cluster, x.backlog, round(x.backlog * 0.35), round(x.backlog * 0.12), x.opened, x.closed,
       round(900 + 300 * sin(extract(doy FROM x.day)))::numeric,
       (x.day + time '23:55') AT TIME ZONE 'Africa/Nairobi'
  FROM (SELECT d.day, c.cluster, coalesce(o.n, 0) AS opened, coalesce(k.n, 0) AS closed,
               greatest(0, sum(coalesce(o.n_kept, 0) - coalesce(k.n, 0))
                             OVER (PARTITION BY c.cluster ORDER BY d.day))::integer AS backlog
          FROM tickets.history_day AS d
         CROSS JOIN (SELECT DISTINCT i.cluster FROM tickets.inc AS i) AS c
          LEFT JOIN (SELECT (coalesce(i.created_at_service, i.first_seen_at) AT TIME ZONE 'Africa/Nairobi')::date AS day,
                            i.cluster, count(*) AS n, count(*) FILTER (WHERE i.normalized_status <> 'cancelled') AS n_kept
                       FROM tickets.inc AS i GROUP BY 1, 2) AS o ON o.day = d.day AND o.cluster IS NOT DISTINCT FROM c.cluster
          LEFT JOIN (SELECT (i.closed_at AT TIME ZONE 'Africa/Nairobi')::date AS day, i.cluster, count(*) AS n
                       FROM tickets.inc AS i WHERE i.normalized_status IN ('resolved', 'closed')
                      GROUP BY 1, 2) AS k ON k.day = d.day AND k.cluster IS NOT DISTINCT FROM c.cluster) AS x;

VACUUM ANALYZE;
