CREATE OR REPLACE VIEW tickets.geocode_location_candidates AS
WITH open_ticket AS (
  SELECT tickets.place_key(i.location_name, i.cluster, i.region) AS place_key, upper(i.cluster) AS cluster_code,
         i.location_name, i.region
    FROM tickets.inc AS i
   WHERE i.is_actionable AND i.normalized_status IN ('open', 'in_progress', 'pending')
),
asked AS (
  -- every ticket has its key once ingested (tickets.place_unkeyed_tickets catches up older ones)
  SELECT q.query, o.cluster_code, c.centre
    FROM open_ticket AS o
    JOIN tickets.location_queries AS q ON q.place_key = o.place_key
    LEFT JOIN tickets.geo_clusters AS c ON c.cluster_code = o.cluster_code
)
SELECT a.query,
       min(a.cluster_code) AS cluster_code,
       -- a box of about 28 km around the cluster's centre, for bounded=1
       min(CASE WHEN a.centre IS NOT NULL THEN
             format('%s,%s,%s,%s',
                    round(public.st_x(a.centre)::numeric - 0.25, 4), round(public.st_y(a.centre)::numeric - 0.25, 4),
                    round(public.st_x(a.centre)::numeric + 0.25, 4), round(public.st_y(a.centre)::numeric + 0.25, 4))
           END) AS viewbox,
       count(*) AS tickets
  FROM asked AS a
  LEFT JOIN tickets.geo_locations AS g ON g.query = a.query
 WHERE a.query IS NOT NULL
   AND (g.query IS NULL
        OR (g.outcome IN ('not_found', 'error')
            AND g.asked_at < now() - (SELECT s.retry_after FROM tickets.geocoder_settings AS s)))
 GROUP BY a.query
 ORDER BY count(*) DESC, a.query;

COMMENT ON VIEW tickets.geocode_location_candidates IS
  'Location queries to ask: those of actionable open tickets (open, in_progress, pending) never asked, or answered
not_found or error longer ago than geocoder_settings.retry_after; most tickets first. viewbox
(minlon,minlat,maxlon,maxlat) bounds the search around the cluster''s centre, when known.';

GRANT SELECT ON tickets.geocode_location_candidates TO fleettickets_ingest;
