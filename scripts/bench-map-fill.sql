-- make bench (scripts/bench-map): :n placed open tickets for the map's first render, set-based.
-- Spread over the clusters of the gazetteer (tickets.geo_clusters), seven in eight at a
-- point of their own within about 9 km of their cluster's centre (geo_source feed), the
-- rest at the centre itself (geo_source cluster, drawn as one pile); opened 0 to 40 hours
-- before the fill, so that against the default 24 h target about half are within, an
-- eighth at risk and the rest breached. Ticket numbers INC9…, apart from the generator's.
\set ON_ERROR_STOP on
WITH clusters AS (
  SELECT row_number() OVER (ORDER BY cluster_code) - 1 AS i, count(*) OVER () AS clusters,
         cluster_code, place, region, centre
    FROM tickets.geo_clusters
   WHERE centre IS NOT NULL
), tickets AS (
  SELECT g, 'INC9' || lpad(g::text, 11, '0') AS ticket_id, c.*,
         now() - random() * interval '40 hours' AS opened,
         0.08 * sqrt(random()) AS radius, 2 * pi() * random() AS angle
    FROM generate_series(1, :n) AS g
    JOIN clusters AS c ON c.i = g % c.clusters
)
INSERT INTO tickets.inc (ticket_id, raw, geom, geo_source)
SELECT t.ticket_id,
       jsonb_build_object(
         'ticket_id', t.ticket_id,
         'normalized_status', (ARRAY['open', 'in_progress', 'pending'])[1 + t.g % 3],
         'raw_status', (ARRAY['New', 'In Progress', 'Pending'])[1 + t.g % 3],
         'cluster', t.cluster_code,
         'region', t.region,
         'location_name', format('%s-OLT-%s / FDH %s, %s', t.cluster_code, lpad((t.g % 12)::text, 2, '0'), t.g % 900, t.place),
         'assigned_team', (ARRAY['FTTH Nairobi East', 'FTTH Nairobi West', 'Coast Field Ops', 'Lake Field Ops'])[1 + t.g % 4],
         'owner', (ARRAY['a.hassan', 'j.otieno', 'm.wanjiru', 's.mutua', 'p.kamau'])[1 + t.g % 5],
         'created_at_service', to_char(t.opened AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'),
         'first_seen_at', to_char((t.opened + interval '9 minutes') AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'),
         'source_updated_at', to_char((t.opened + interval '20 minutes') AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD HH24:MI:SS'),
         'priority', 'P' || (2 + t.g % 3),
         'service_type', 'FTTH'),
       CASE WHEN t.g % 8 = 0 THEN t.centre
            ELSE ST_SetSRID(ST_MakePoint(ST_X(t.centre) + t.radius * cos(t.angle),
                                         ST_Y(t.centre) + t.radius * sin(t.angle)), 4326) END,
       CASE WHEN t.g % 8 = 0 THEN 'cluster' ELSE 'feed' END
  FROM tickets AS t;
ANALYZE tickets.inc;
