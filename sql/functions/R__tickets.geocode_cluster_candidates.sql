CREATE OR REPLACE VIEW tickets.geocode_cluster_candidates AS
SELECT upper(i.cluster) AS cluster_code,
       concat_ws(', ', coalesce(min(c.place), upper(i.cluster)),
                 initcap(coalesce(min(c.region), mode() WITHIN GROUP (ORDER BY i.region))), 'Kenya') AS query,
       count(*) AS tickets
  FROM tickets.inc AS i
  LEFT JOIN tickets.geo_clusters AS c ON c.cluster_code = upper(i.cluster)
 WHERE i.cluster IS NOT NULL AND c.centre IS NULL
   AND (c.asked_at IS NULL OR c.asked_at < now() - (SELECT s.retry_after FROM tickets.geocoder_settings AS s))
 GROUP BY upper(i.cluster)
 ORDER BY count(*) DESC, upper(i.cluster);

COMMENT ON VIEW tickets.geocode_cluster_candidates IS
  'Cluster codes of tickets.inc with no usable centre (not asked, or answered not_found or error longer ago than the
retry age), most tickets first, with the query to ask (the place, or the code when the gazetteer does not know it; the
region; Kenya).';

GRANT SELECT ON tickets.geocode_cluster_candidates TO fleettickets_ingest;
